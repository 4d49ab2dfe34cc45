"""The rule engine: rule data, matchers, running rules, configuration, suppression, explain."""
