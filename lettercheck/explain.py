"""Text for ``lettercheck rules`` (one line per rule) and ``lettercheck explain RULE`` (what a rule
checks, why, examples, settings, scope), written from the rule data alone so neither command
needs spaCy.
"""

from __future__ import annotations

import re
from typing import Any

from lettercheck.ruleset import Rule, RuleSet, load_rules


def rules_table(ruleset: RuleSet | None = None) -> str:
    """One line per rule: code, name, severity and the message's first sentence."""
    ruleset = ruleset or load_rules()
    width = max(len(r.name) for r in ruleset)
    lines = [f"{'kode':<6} {'navn':<{width}} {'alvor':<7} besked"]
    for rule in sorted(ruleset, key=lambda r: r.code):
        message = _one_line(rule.format_message("…", "…"))
        lines.append(f"{rule.code:<6} {rule.name:<{width}} {rule.severity!s:<7} {message}")
    return "\n".join(lines)


def _one_line(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_KIND_TEXT = {
    "phrases": "en ordliste med bedre alternativer (bøjede former tæller med)",
    "patterns": "token-mønstre",
    "regex": "regulære udtryk",
    "check": "en kontrol i Python",
    "engine": "lettercheck selv (kommentarer i brevet)",
}


def explain_text(rule: Rule) -> str:
    """What a rule checks, why (with its source), a bad and a better example, and its options."""
    lines = [
        f"{rule.code} {rule.name} ({rule.severity})",
        "",
        f"Hvad: {rule.format_message('…', '…')}",
        f"Hvorfor: {' '.join(rule.why.split())}",
        f"Dårligt: {rule.example}",
        f"Bedre: {rule.better}",
        f"Bygger på: {_KIND_TEXT[rule.kind]}",
    ]
    if rule.kind == "phrases":
        shown = ", ".join(
            f"{p.phrase} → {p.alternative}" if p.alternative else p.phrase
            for p in rule.phrases[:12]
        )
        more = f" (og {len(rule.phrases) - 12} flere)" if len(rule.phrases) > 12 else ""
        lines.append(f"Ord: {shown}{more}")
    # Thresholds and word lists help staff; patterns are for developers (see the YAML file).
    settings = {k: v for k, v in rule.options.items() if _is_setting(v)}
    if settings:
        lines.append("Indstillinger:")
        for key, value in settings.items():
            lines.append(f"  {key}: {_one_line(_option_text(value), 90)}")
    if rule.scope.explicit:
        parts = []
        if rule.scope.parts:
            parts.append("dele: " + ", ".join(sorted(rule.scope.parts)))
        if rule.scope.exclude_parts:
            parts.append("ikke: " + ", ".join(sorted(rule.scope.exclude_parts)))
        parts.append("blokke: " + ", ".join(sorted(rule.scope.kinds)))
        lines.append("Gælder: " + "; ".join(parts))
    lines.append(f"Slå fra i et brev: kommentar »lettercheck: ignore {rule.name} <grund>«")
    lines.append(f"Defineret i: {rule.source}")
    return "\n".join(lines)


def _is_setting(value: Any) -> bool:
    """A threshold or a list of plain words, not a regular expression or a pattern table."""
    if isinstance(value, bool | int | float):
        return True
    if isinstance(value, list):
        return all(isinstance(v, str) and re.fullmatch(r"[\w' -]+", v) for v in value)
    return isinstance(value, str) and bool(re.fullmatch(r"[\w' -]+", value))


def _option_text(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} → {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
