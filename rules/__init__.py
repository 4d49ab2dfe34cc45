"""The rules as data (YAML), shipped inside the installed package as lettercheck.rules_data."""
