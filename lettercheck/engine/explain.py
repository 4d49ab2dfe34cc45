"""Text for ``lettercheck rules`` (one line per rule) and ``lettercheck explain RULE`` (what a rule
checks, why, examples, settings, scope), written from the rule data alone so neither command
needs spaCy.
"""

from __future__ import annotations

import re
from typing import Any

from lettercheck.engine.ruleset import Rule, RuleSet, load_rules
from lettercheck.model.findings import Severity
from lettercheck.model.words import PART_DA, SEVERITY_DA

#: Block kinds as Word users name them (``Gælder:`` line).
_KIND_DA = {
    "heading": "overskrifter",
    "paragraph": "afsnit",
    "list_item": "punktopstillinger",
    "table_cell": "tabelceller",
    "content_control": "indholdskontroller",
    "text_box": "tekstbokse",
    "header": "sidehoved",
    "footer": "sidefod",
}
#: The pass/fail example markup for a comment on words: [[words|comment text]].
_COMMENT_MARKUP = re.compile(r"\[\[(.*?)\|(.*?)\]\]", re.DOTALL)


def _severity(rule: Rule) -> str:
    return SEVERITY_DA[Severity(str(rule.severity))]


def _example(text: str) -> str:
    """An example as a reader sees it: a Word comment written out after its words."""
    return _COMMENT_MARKUP.sub(r"\1 (med Word-kommentaren »\2« på ordene)", text)


def rules_table(ruleset: RuleSet | None = None) -> str:
    """One line per rule: code, Danish name, English name, Danish title, severity and the
    message's first words. Either name (or the code) selects the rule."""
    ruleset = ruleset or load_rules()
    width = max(len(r.name) for r in ruleset)
    danish_width = max(len(r.danish) for r in ruleset)
    title_width = max(len(r.title) for r in ruleset)
    lines = [
        f"{'kode':<6} {'dansk navn':<{danish_width}} {'engelsk navn':<{width}} "
        f"{'titel':<{title_width}} {'alvor':<8} besked"
    ]
    for rule in sorted(ruleset, key=lambda r: r.code):
        message = _one_line(rule.format_message("…", "…"), 50)
        lines.append(
            f"{rule.code:<6} {rule.danish:<{danish_width}} {rule.name:<{width}} "
            f"{rule.title:<{title_width}} {_severity(rule):<8} {message}"
        )
    return "\n".join(lines)


def _one_line(text: str, limit: int = 80) -> str:
    """``text`` on one line, cut at a word boundary with "…" when longer than ``limit``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + " …"


_KIND_TEXT = {
    "phrases": "en ordliste med bedre alternativer (bøjede former tæller med)",
    "patterns": "token-mønstre",
    "regex": "regulære udtryk",
    "check": "en kontrol i Python",
    "engine": "lettercheck selv (kommentarer i brevet)",
    "require": "noget, brevet skal indeholde, et bestemt sted (udtryk og flettefelter i reglen)",
}
#: Where a ``require`` rule looks, as a reader says it.
_WHERE_DA = {
    "first-lines": "brødtekstens første {lines} linjer",
    "body": "overskriften og brødteksten",
    "letter": "hele brevet (ikke adressefeltet, sidehoved og sidefod)",
    "legal": "afsnittet om regler og klage sidst i brevet",
    "section": "afsnittet med overskrift om emnet (eller afsnittet, der nævner det, og det næste)",
}


def explain_text(rule: Rule) -> str:
    """What a rule checks, why (with its source), a bad and a better example, and its options."""
    lines = [
        f"{rule.code} {rule.danish}: {rule.title} ({_severity(rule)})",
        f"Navne: {rule.code}, {rule.danish} eller {rule.name}",
        "",
        f"Hvad: {rule.format_message('…', '…')}",
        f"Hvorfor: {' '.join(rule.why.split())}",
        f"Dårligt: {_example(rule.example)}",
        f"Bedre: {_example(rule.better)}",
        f"Bygger på: {_KIND_TEXT[rule.kind]}",
    ]
    if rule.types is not None:
        from lettercheck.model.words import LETTER_TYPE_DA

        words = ", ".join(LETTER_TYPE_DA.get(t, t) for t in sorted(rule.types))
        lines.append(f"Brevtyper: {words} (brevets type står i rapporten)")
    requirement = rule.requirement
    if requirement is not None:
        lines.append("Hvor: " + _WHERE_DA[requirement.where].format(lines=requirement.lines))
        if requirement.each:
            names = "; ".join(n.name for n in requirement.needed)
            lines.append(f"Skal nævne: {names}")
        fields = sorted({f for n in requirement.needed for f in n.fields})
        if fields:
            lines.append("Flettefelter, der tæller: navne med " + ", ".join(fields))
        if requirement.when:
            lines.append("Gælder kun, når brevet nævner det, reglen handler om (when i reglen)")
    if rule.kind == "phrases":
        shown = ", ".join(
            f"{p.phrase} → {p.alternative}" if p.alternative else p.phrase
            for p in rule.phrases[:12]
        )
        more = f" (og {len(rule.phrases) - 12} flere)" if len(rule.phrases) > 12 else ""
        lines.append(f"Ord: {shown}{more}")
        if rule.config_key is not None:
            lines.append(f"Flere ord: med {rule.config_key} i konfigurationen")
    if rule.replaces:
        lines.append(
            "Forslaget erstatter ordene: --annotate --suggest skriver det som en sporet ændring"
        )
    # Thresholds and word lists help staff; patterns are for developers (see the YAML file).
    settings = {k: v for k, v in rule.options.items() if _is_setting(v)}
    if settings:
        source = rule.source.rsplit(":", 1)[0]
        lines.append(f"Indstillinger (i {source}):")
        config_keys = {s.option: s.config_key for s in rule.settings}
        for key, value in settings.items():
            config_key = config_keys.get(key)
            where = f" (sættes med {config_key} i konfigurationen)" if config_key else ""
            lines.append(f"  {key}: {_one_line(_option_text(value), 90)}{where}")
    if rule.scope.explicit:
        parts = []
        if rule.scope.parts:
            parts.append("dele: " + ", ".join(sorted(PART_DA.get(p, p) for p in rule.scope.parts)))
        if rule.scope.exclude_parts:
            excluded = sorted(PART_DA.get(p, p) for p in rule.scope.exclude_parts)
            parts.append("ikke i " + ", ".join(excluded))
        parts.append(", ".join(sorted(_KIND_DA.get(k, k) for k in rule.scope.kinds)))
        lines.append("Gælder: " + "; ".join(parts))
    if rule.gives_way_to:
        lines.append(
            "Viger for: " + ", ".join(rule.gives_way_to) + " (ingen bemærkning på de samme ord)"
        )
    lines.append(f"Slå fra i et brev: kommentar »lettercheck: ignore {rule.danish} <grund>«")
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
