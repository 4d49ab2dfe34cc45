"""The rule engine: loads the rules in rules/*.yaml, validates them strictly, compiles them once per
process and runs them over an analysed letter.

Why rules are data: communication staff and the team can read, review and extend a word list or a
threshold without touching Python, and ``lettercheck explain`` prints exactly what the data says.
Only rules that need logic (letter structure, contact details, passive voice, …) name a Python check
function registered in ``lettercheck.checks``.

Rule file format (rules/*.yaml)
===============================

Each file is a YAML list of rule entries. Keys of an entry (anything else is an error with file and
line):

``code``      stable code, unique: LC1xx structure, LC2xx contact, LC3xx plain language, LC4xx
              readability, LC9xx suppression comments
``name``      kebab-case name, unique; part of the JSON contract
``severity``  ``error`` | ``warning`` | ``info``
``message``   Danish, one sentence. May use ``{text}`` (the matched words), ``{suggestion}`` and
              the rule's option names (``{max-words}``). A check's ``Hit.message`` replaces it.
``why``       short reason with its source (Fredericia's analysis, Randers Kommune, …)
``example``   a bad example; ``better`` the good version
``scope``     optional mapping: ``kinds`` (block kinds: heading, paragraph, list_item, table_cell,
              content_control, text_box, header, footer), ``parts`` (letter parts: subject,
              salutation, body, closing, signature, legal, attachments, header, footer) and/or
              ``exclude-parts``. Data rules default to the main-text kinds (model.MAIN_TEXT_KINDS)
              and every part. For ``check:`` rules the check decides; a ``scope`` given explicitly
              drops located hits outside it.
``options``   mapping of thresholds and lists handed to the check (``max-words: 25``)
``suggestion`` optional fixed suggestion for ``patterns``/``regex`` rules
``match``     for ``phrases``: ``lemma`` (default: lemma and lower case, so inflected forms
              match) or ``lower`` (exact words, case-insensitive)
``pass``      list of examples on which the rule must not fire
``fail``      list of examples on which the rule must fire

and exactly one kind:

``phrases``   mapping phrase -> plain alternative (or null), or the name of a TSV file in rules/
              with columns ``phrase``, ``plain_alternative``, ``source``, ``note``, optional
              ``match`` (lemma|lower). Matched with spaCy's PhraseMatcher on LEMMA and LOWER.
``patterns``  list of spaCy Matcher token patterns, each a list of token dicts, or a mapping
              ``{pattern: [...], suggestion: "...", message: "..."}``
``regex``     one regular expression, or a list of ``{pattern: "...", suggestion: "...",
              message: "..."}``; run on each block's text
``check``     the name of a function registered with ``@lettercheck.checks.check``
``engine``    ``suppression``: findings the engine itself makes about suppression comments

Example format (``pass:``/``fail:``)
====================================

An example is a string. A one-line example is one block (a paragraph unless it uses the line
markup below). An example with several lines (use a YAML block scalar ``|``) is a small letter,
one block per non-empty line:

    # Text             a heading
    - Text             a list item
    | a | b |          a table row: one table_cell block per cell
    [header] Text      a page header; likewise [footer] and [textbox]
    [control Alias] T  a content control titled "Alias" (its whole text is the control)
    anything else      a paragraph

Inside any line, ``«Name»`` is a MERGEFIELD placeholder named Name (the text «Name» stays in the
block) and ``[[words|comment text]]`` is a Word comment anchored on "words" (the block keeps
"words"). Blocks get their letter parts from ``lettercheck.parts.tag_parts`` and are analysed by the
real ``lettercheck.analysis.analyse``. A rule "fires" on an example when ``check`` returns at least
one finding with the rule's name; every other rule runs too (suppression rules need them).
"""

from __future__ import annotations

import csv
import functools
import importlib
import io
import pkgutil
import re
import string
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lettercheck.checks import CHECKS, Hit
from lettercheck.findings import Finding, Severity
from lettercheck.model import (
    MAIN_TEXT_KINDS,
    Block,
    BlockKind,
    Comment,
    Document,
    LetterError,
    LetterPart,
    Placeholder,
)

if TYPE_CHECKING:
    from lettercheck.analysis import Analysis
    from lettercheck.config import Config


class RuleError(LetterError):
    """A rule file is wrong. The message is one line: ``rules/plain.yaml:42: ukendt nøgle …``."""


KINDS = ("phrases", "patterns", "regex", "check", "engine")
_KEYS = frozenset(
    {
        "code",
        "name",
        "severity",
        "message",
        "why",
        "example",
        "better",
        "scope",
        "options",
        "suggestion",
        "match",
        "pass",
        "fail",
        *KINDS,
    }
)
_REQUIRED = ("code", "name", "severity", "message", "why", "example", "better")
_CODE = re.compile(r"^LC\d{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_SCOPE_KEYS = frozenset({"kinds", "parts", "exclude-parts"})
_ENGINE_KINDS = frozenset({"suppression"})


@dataclass(frozen=True, slots=True)
class Phrase:
    """One entry of a phrase list: the phrase, its plain alternative and how it is matched."""

    phrase: str
    alternative: str | None
    match: str = "lemma"  # "lemma" (lemma and lower case) | "lower"
    source: str = ""


@dataclass(frozen=True, slots=True)
class Item:
    """One regex or token pattern with its own optional suggestion and message."""

    pattern: Any  # compiled re.Pattern for regex, list of token dicts for patterns
    suggestion: str | None = None
    message: str | None = None


@dataclass(frozen=True, slots=True)
class Scope:
    kinds: frozenset[BlockKind]
    parts: frozenset[LetterPart] | None  # None: every part (and blocks without a part)
    exclude_parts: frozenset[LetterPart] = frozenset()
    explicit: bool = False

    def covers(self, block: Block) -> bool:
        if block.kind not in self.kinds:
            return False
        if block.part in self.exclude_parts:
            return False
        return self.parts is None or block.part in self.parts


DEFAULT_SCOPE = Scope(kinds=frozenset(MAIN_TEXT_KINDS), parts=None)


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated rule entry."""

    code: str
    name: str
    severity: Severity
    message: str
    why: str
    example: str
    better: str
    kind: str
    scope: Scope = DEFAULT_SCOPE
    options: Mapping[str, Any] = field(default_factory=dict)
    suggestion: str | None = None
    phrases: tuple[Phrase, ...] = ()
    items: tuple[Item, ...] = ()
    check: str | None = None
    engine: str | None = None
    passes: tuple[str, ...] = ()
    fails: tuple[str, ...] = ()
    source: str = ""  # "rules/plain.yaml:42"

    def format_message(
        self, text: str | None, suggestion: str | None, template: str | None = None
    ) -> str:
        """The message with ``{text}``, ``{suggestion}`` and options filled in."""
        values = {**self.options, "text": text or "", "suggestion": suggestion or ""}
        return (template or self.message).format_map(values)


class RuleSet:
    """All rules, in file order, with look-up by name, code or code prefix."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self._by_key = {r.name: r for r in self.rules} | {r.code.upper(): r for r in self.rules}

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, name_or_code: str) -> Rule | None:
        """The rule named ``name_or_code`` (``officialese``) or with that code (``LC302``)."""
        key = name_or_code.strip()
        return self._by_key.get(key) or self._by_key.get(key.upper())

    def matching(self, selector: str) -> list[Rule]:
        """Rules a selector names: a name, a code, or a code prefix ("LC3", "LC30")."""
        rule = self.get(selector)
        if rule is not None:
            return [rule]
        prefix = selector.strip().upper()
        if re.fullmatch(r"LC\d{0,2}", prefix):
            return [r for r in self.rules if r.code.startswith(prefix)]
        return []


# --------------------------------------------------------------------------------------------
# Loading and validation


def _rules_files() -> list[tuple[str, str]]:
    """(display name, text) of every shipped rules/*.yaml, sorted by name."""
    root = resources.files("lettercheck.rules_data")
    files = sorted(
        (entry for entry in root.iterdir() if entry.name.endswith((".yaml", ".yml"))),
        key=lambda e: e.name,
    )
    return [(f"rules/{f.name}", f.read_text(encoding="utf-8")) for f in files]


def _read_data_file(name: str) -> str:
    return resources.files("lettercheck.rules_data").joinpath(name).read_text(encoding="utf-8")


def import_checks() -> None:
    """Import every module of ``lettercheck.checks`` so their ``@check`` functions register."""
    import lettercheck.checks as package

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{info.name}")


@functools.cache
def load_rules() -> RuleSet:
    """Load and validate the shipped rules (once per process)."""
    import_checks()
    return parse_rules(_rules_files())


def parse_rules(files: Iterable[tuple[str, str]]) -> RuleSet:
    """Validate rule files given as (display name, YAML text); raise ``RuleError`` on the first
    problem, naming file and line."""
    rules: list[Rule] = []
    seen_codes: dict[str, str] = {}
    seen_names: dict[str, str] = {}
    for filename, text in files:
        for rule, node in _parse_file(filename, text):
            where = _where(filename, node)
            if rule.code in seen_codes:
                raise RuleError(f"{where}: koden {rule.code} bruges også i {seen_codes[rule.code]}")
            if rule.name in seen_names:
                raise RuleError(
                    f"{where}: navnet {rule.name} bruges også i {seen_names[rule.name]}"
                )
            seen_codes[rule.code] = where
            seen_names[rule.name] = where
            rules.append(rule)
    return RuleSet(rules)


def _where(filename: str, node: Any) -> str:
    return f"{filename}:{node.start_mark.line + 1}"


def _parse_file(filename: str, text: str) -> list[tuple[Rule, Any]]:
    import yaml

    try:
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise RuleError(f"{filename}{line}: ugyldig YAML: {problem}") from None
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        raise RuleError(f"{_where(filename, root)}: filen skal være en liste af regler")
    return [(_parse_rule(filename, node), node) for node in root.value]


def _plain(filename: str, node: Any) -> Any:
    """Turn a YAML node into Python data (for option values and patterns)."""
    import yaml

    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(node)
    except yaml.YAMLError as error:
        raise RuleError(f"{_where(filename, node)}: ugyldig værdi: {error}") from None
    finally:
        loader.dispose()


def _scalar(filename: str, node: Any, key: str, types: tuple[type, ...] = (str,)) -> Any:
    import yaml

    value = _plain(filename, node)
    if not isinstance(node, yaml.ScalarNode) or not isinstance(value, types) or value == "":
        wanted = " eller ".join(_TYPE_NAMES.get(t, t.__name__) for t in types)
        raise RuleError(f"{_where(filename, node)}: '{key}' skal være {wanted}")
    return value


_TYPE_NAMES = {str: "en tekst", int: "et heltal", float: "et tal", bool: "sand/falsk"}


def _parse_rule(filename: str, node: Any) -> Rule:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        raise RuleError(f"{_where(filename, node)}: en regel skal være en mapping (nøgle: værdi)")
    fields: dict[str, tuple[Any, Any]] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key not in _KEYS:
            close = _close_key(str(key))
            hint = f" (mente du '{close}'?)" if close else ""
            raise RuleError(f"{_where(filename, key_node)}: ukendt nøgle '{key}'{hint}")
        if key in fields:
            raise RuleError(f"{_where(filename, key_node)}: nøglen '{key}' står to gange")
        fields[key] = (key_node, value_node)
    for key in _REQUIRED:
        if key not in fields:
            raise RuleError(f"{_where(filename, node)}: reglen mangler nøglen '{key}'")
    kinds = [k for k in KINDS if k in fields]
    if len(kinds) != 1:
        raise RuleError(
            f"{_where(filename, node)}: en regel skal have præcis én af "
            f"{', '.join(KINDS)} (har {', '.join(kinds) or 'ingen'})"
        )
    kind = kinds[0]

    def text(key: str) -> str:
        return _scalar(filename, fields[key][1], key)

    code, name = text("code"), text("name")
    if not _CODE.match(code):
        raise RuleError(
            f"{_where(filename, fields['code'][1])}: koden '{code}' skal have formen LC123"
        )
    if not _NAME.match(name):
        raise RuleError(
            f"{_where(filename, fields['name'][1])}: navnet '{name}' skal være kebab-case"
        )
    severity_text = text("severity")
    try:
        severity = Severity(severity_text)
    except ValueError:
        raise RuleError(
            f"{_where(filename, fields['severity'][1])}: ukendt alvor '{severity_text}' "
            "(error, warning eller info)"
        ) from None

    options: dict[str, Any] = {}
    if "options" in fields:
        options = _plain(filename, fields["options"][1])
        if not isinstance(options, dict) or not all(isinstance(k, str) for k in options):
            raise RuleError(
                f"{_where(filename, fields['options'][1])}: 'options' skal være en mapping"
            )

    message = text("message")
    _check_template(filename, fields["message"][1], message, options)

    rule_kwargs: dict[str, Any] = {}
    value_node = fields[kind][1]
    match_mode = text("match") if "match" in fields else "lemma"
    if match_mode not in ("lemma", "lower"):
        raise RuleError(
            f"{_where(filename, fields['match'][1])}: 'match' skal være lemma eller lower"
        )
    if "match" in fields and kind != "phrases":
        raise RuleError(f"{_where(filename, fields['match'][0])}: 'match' gælder kun for phrases")
    if kind == "phrases":
        rule_kwargs["phrases"] = _parse_phrases(filename, value_node, match_mode)
    elif kind == "regex":
        rule_kwargs["items"] = _parse_regex(filename, value_node)
        _check_item_messages(filename, value_node, rule_kwargs["items"], options)
    elif kind == "patterns":
        rule_kwargs["items"] = _parse_patterns(filename, value_node)
        _check_item_messages(filename, value_node, rule_kwargs["items"], options)
    elif kind == "check":
        check_name = _scalar(filename, value_node, "check")
        if check_name not in CHECKS:
            raise RuleError(
                f"{_where(filename, value_node)}: ingen check-funktion hedder '{check_name}' "
                "(registrér den med @check i lettercheck/checks/)"
            )
        rule_kwargs["check"] = check_name
    else:
        engine_name = _scalar(filename, value_node, "engine")
        if engine_name not in _ENGINE_KINDS:
            raise RuleError(f"{_where(filename, value_node)}: ukendt engine-regel '{engine_name}'")
        rule_kwargs["engine"] = engine_name

    examples: dict[str, tuple[str, ...]] = {}
    for key in ("pass", "fail"):
        if key not in fields:
            examples[key] = ()
            continue
        value = _plain(filename, fields[key][1])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise RuleError(
                f"{_where(filename, fields[key][1])}: '{key}' skal være en liste af tekster"
            )
        examples[key] = tuple(value)

    suggestion = text("suggestion") if "suggestion" in fields else None
    scope = _parse_scope(filename, fields["scope"][1]) if "scope" in fields else DEFAULT_SCOPE
    return Rule(
        code=code,
        name=name,
        severity=severity,
        message=message,
        why=text("why"),
        example=text("example"),
        better=text("better"),
        kind=kind,
        scope=scope,
        options=options,
        suggestion=suggestion,
        passes=examples["pass"],
        fails=examples["fail"],
        source=_where(filename, node),
        **rule_kwargs,
    )


def _close_key(key: str) -> str | None:
    import difflib

    close = difflib.get_close_matches(key, sorted(_KEYS), n=1, cutoff=0.6)
    return close[0] if close else None


def _check_template(filename: str, node: Any, template: str, options: Mapping[str, Any]) -> None:
    allowed = {"text", "suggestion", *options}
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as error:
        raise RuleError(f"{_where(filename, node)}: ugyldig tekstskabelon: {error}") from None
    for name in fields:
        if name not in allowed:
            raise RuleError(
                f"{_where(filename, node)}: ukendt felt '{{{name}}}' i teksten "
                f"(brug {', '.join('{' + a + '}' for a in sorted(allowed))})"
            )


def _check_item_messages(
    filename: str, node: Any, items: tuple[Item, ...], options: Mapping[str, Any]
) -> None:
    for item, item_node in zip(items, node.value if hasattr(node, "value") else (), strict=False):
        if item.message is not None:
            _check_template(filename, item_node, item.message, options)


def _parse_phrases(filename: str, node: Any, match_mode: str) -> tuple[Phrase, ...]:
    import yaml

    if isinstance(node, yaml.ScalarNode):
        name = _scalar(filename, node, "phrases")
        try:
            data = _read_data_file(name)
        except (FileNotFoundError, OSError):
            raise RuleError(f"{_where(filename, node)}: filen rules/{name} findes ikke") from None
        return parse_phrase_table(f"rules/{name}", data, default_match=match_mode)
    if not isinstance(node, yaml.MappingNode) or not node.value:
        raise RuleError(
            f"{_where(filename, node)}: 'phrases' skal være en mapping (udtryk: alternativ) "
            "eller navnet på en TSV-fil"
        )
    phrases = []
    for key_node, value_node in node.value:
        phrase = _scalar(filename, key_node, "phrases")
        alternative = _plain(filename, value_node)
        if alternative is not None and not isinstance(alternative, str):
            raise RuleError(f"{_where(filename, value_node)}: alternativet skal være en tekst")
        phrases.append(Phrase(phrase.strip(), alternative, match_mode))
    return tuple(phrases)


def parse_phrase_table(
    filename: str, data: str, default_match: str = "lemma"
) -> tuple[Phrase, ...]:
    """Read a TSV phrase list (header ``phrase``, ``plain_alternative``, optional ``source``,
    ``note``, ``match``); lines starting with ``#`` are comments."""
    lines = [line for line in data.splitlines() if line.strip() and not line.startswith("#")]
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter="\t", quoting=csv.QUOTE_NONE)
    rows = list(reader)
    if not rows or rows[0][:2] != ["phrase", "plain_alternative"]:
        raise RuleError(f"{filename}:1: første linje skal være 'phrase<TAB>plain_alternative…'")
    header = rows[0]
    phrases = []
    numbered = [
        i + 1
        for i, line in enumerate(data.splitlines())
        if line.strip() and not line.startswith("#")
    ]
    for row, line_no in zip(rows[1:], numbered[1:], strict=True):
        record = dict(zip(header, row, strict=False))
        phrase = record.get("phrase", "").strip()
        if not phrase:
            raise RuleError(f"{filename}:{line_no}: tom frase")
        mode = (record.get("match") or default_match).strip()
        if mode not in ("lemma", "lower"):
            raise RuleError(f"{filename}:{line_no}: 'match' skal være lemma eller lower")
        alternative = (record.get("plain_alternative") or "").strip() or None
        phrases.append(Phrase(phrase, alternative, mode, (record.get("source") or "").strip()))
    return tuple(phrases)


def _parse_regex(filename: str, node: Any) -> tuple[Item, ...]:
    import yaml

    def compile_one(pattern_node: Any) -> re.Pattern[str]:
        pattern = _scalar(filename, pattern_node, "regex")
        try:
            return re.compile(pattern)
        except re.error as error:
            raise RuleError(
                f"{_where(filename, pattern_node)}: ugyldigt regulært udtryk: {error}"
            ) from None

    if isinstance(node, yaml.ScalarNode):
        return (Item(compile_one(node)),)
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise RuleError(f"{_where(filename, node)}: 'regex' skal være et udtryk eller en liste")
    items = []
    for entry in node.value:
        if isinstance(entry, yaml.ScalarNode):
            items.append(Item(compile_one(entry)))
            continue
        sub = _sub_mapping(filename, entry, {"pattern", "suggestion", "message"})
        if "pattern" not in sub:
            raise RuleError(f"{_where(filename, entry)}: mangler 'pattern'")
        items.append(
            Item(
                compile_one(sub["pattern"]),
                _scalar(filename, sub["suggestion"], "suggestion") if "suggestion" in sub else None,
                _scalar(filename, sub["message"], "message") if "message" in sub else None,
            )
        )
    return tuple(items)


def _sub_mapping(filename: str, node: Any, allowed: set[str]) -> dict[str, Any]:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        raise RuleError(f"{_where(filename, node)}: forventede en mapping")
    result = {}
    for key_node, value_node in node.value:
        if key_node.value not in allowed:
            raise RuleError(f"{_where(filename, key_node)}: ukendt nøgle '{key_node.value}'")
        result[key_node.value] = value_node
    return result


def _parse_patterns(filename: str, node: Any) -> tuple[Item, ...]:
    import yaml

    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise RuleError(f"{_where(filename, node)}: 'patterns' skal være en liste af token-mønstre")
    items = []
    for entry in node.value:
        suggestion = message = None
        pattern_node = entry
        if isinstance(entry, yaml.MappingNode):
            sub = _sub_mapping(filename, entry, {"pattern", "suggestion", "message"})
            if "pattern" not in sub:
                raise RuleError(f"{_where(filename, entry)}: mangler 'pattern'")
            pattern_node = sub["pattern"]
            if "suggestion" in sub:
                suggestion = _scalar(filename, sub["suggestion"], "suggestion")
            if "message" in sub:
                message = _scalar(filename, sub["message"], "message")
        pattern = _plain(filename, pattern_node)
        _validate_token_pattern(filename, pattern_node, pattern)
        items.append(Item(pattern, suggestion, message))
    return tuple(items)


def _validate_token_pattern(filename: str, node: Any, pattern: Any) -> None:
    if (
        not isinstance(pattern, list)
        or not pattern
        or not all(isinstance(t, dict) for t in pattern)
    ):
        raise RuleError(
            f"{_where(filename, node)}: et token-mønster skal være en liste af mappings"
        )
    from spacy.schemas import validate_token_pattern

    errors = validate_token_pattern(pattern)
    if errors:
        raise RuleError(f"{_where(filename, node)}: ugyldigt token-mønster: {errors[0]}")


def _parse_scope(filename: str, node: Any) -> Scope:
    sub = _sub_mapping(filename, node, set(_SCOPE_KEYS))

    def values(key: str, enum: type) -> frozenset | None:
        if key not in sub:
            return None
        raw = _plain(filename, sub[key])
        if not isinstance(raw, list) or not raw:
            raise RuleError(f"{_where(filename, sub[key])}: '{key}' skal være en liste")
        try:
            return frozenset(enum(v) for v in raw)
        except ValueError:
            allowed = ", ".join(e.value for e in enum)
            raise RuleError(
                f"{_where(filename, sub[key])}: ukendt værdi i '{key}' (brug {allowed})"
            ) from None

    kinds = values("kinds", BlockKind)
    return Scope(
        kinds=kinds if kinds is not None else DEFAULT_SCOPE.kinds,
        parts=values("parts", LetterPart),
        exclude_parts=values("exclude-parts", LetterPart) or frozenset(),
        explicit=True,
    )


# --------------------------------------------------------------------------------------------
# Compilation (once per process and set of extra phrases)


@dataclass(slots=True)
class _Compiled:
    """spaCy matchers for every phrase and pattern rule, built once and reused for every letter."""

    lemma_matcher: Any
    lower_matcher: Any
    token_matcher: Any
    phrase_of: dict[int, tuple[Rule, Phrase]]
    pattern_of: dict[int, tuple[Rule, Item]]


_COMPILED: dict[tuple[int, tuple[tuple[str, str | None], ...]], _Compiled] = {}


def _get_nlp() -> Any:
    from lettercheck.danish import get_nlp

    return get_nlp()


def _compile(ruleset: RuleSet, extra: tuple[tuple[str, str | None], ...]) -> _Compiled:
    key = (id(ruleset), extra)
    compiled = _COMPILED.get(key)
    if compiled is not None:
        return compiled
    from spacy.matcher import Matcher, PhraseMatcher

    nlp = _get_nlp()
    lemma_matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
    lower_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    token_matcher = Matcher(nlp.vocab)
    phrase_of: dict[int, tuple[Rule, Phrase]] = {}
    pattern_of: dict[int, tuple[Rule, Item]] = {}
    entries: list[tuple[Rule, Phrase]] = []
    for rule in ruleset:
        phrases = rule.phrases
        if rule.name == "officialese" and extra:
            phrases = phrases + tuple(Phrase(p, a, "lemma", "konfiguration") for p, a in extra)
        entries.extend((rule, phrase) for phrase in phrases)
        for number, item in enumerate(rule.items if rule.kind == "patterns" else ()):
            match_key = f"{rule.name}#pattern{number}"
            token_matcher.add(match_key, [item.pattern])
            pattern_of[nlp.vocab.strings[match_key]] = (rule, item)
    from lettercheck.danish import lemma

    for number, (rule, phrase) in enumerate(entries):
        match_key = f"{rule.name}#phrase{number}"
        phrase_of[nlp.vocab.strings.add(match_key)] = (rule, phrase)
        doc = nlp.make_doc(phrase.phrase)
        lower_matcher.add(match_key, [doc])
        if phrase.match == "lemma":
            # Phrases are written in dictionary form, but the lookup table does not always map a
            # dictionary form to itself ("have" -> "hav"): match both the words as written and
            # their table lemmas.
            as_written = nlp.make_doc(phrase.phrase)
            for token in as_written:
                token.lemma_ = token.lower_
            looked_up = nlp.make_doc(phrase.phrase)
            for token in looked_up:
                token.lemma_ = lemma(token.text)
            lemma_matcher.add(match_key, [as_written, looked_up])
    compiled = _Compiled(lemma_matcher, lower_matcher, token_matcher, phrase_of, pattern_of)
    _COMPILED[key] = compiled
    return compiled


# --------------------------------------------------------------------------------------------
# Running


def _inflect(alternative: str, phrase: Phrase, matched: str, lemma: str) -> str:
    """Give a one-word alternative the inflection of the matched word, so the suggestion can
    replace the text as is: "fremsendte" (fremsende -> sende) -> "sendte". Falls back to the plain
    alternative when the forms do not line up."""
    result = alternative
    lower = matched.lower()
    if " " not in phrase.phrase and " " not in alternative and lemma == phrase.phrase.lower():
        stem = lemma[:-1] if lemma.endswith("e") else lemma
        alt_stem = alternative[:-1] if alternative.endswith("e") else alternative
        if lower != lemma and lower.startswith(stem):
            from lettercheck.danish import lemma as lookup

            inflected = alt_stem + lower[len(stem) :]
            # Keep the inflected form only when the lemma table knows it as a form of the
            # alternative ("sendte" is; "gører" from "gøre" is not).
            if lookup(inflected) == alternative.lower():
                result = inflected
    if matched[:1].isupper() and result[:1].islower():
        result = result[:1].upper() + result[1:]
    return result


def _data_hits(
    rule_hits: dict[str, list[Hit]],
    analysis: Analysis,
    compiled: _Compiled,
    active: Mapping[str, Rule],
) -> None:
    """Run every phrase, pattern and regex rule over every block in its scope."""
    document = analysis.document
    regex_rules = [(r, _any_item(r.items)) for r in active.values() if r.kind == "regex"]
    use_phrases = any(r.kind == "phrases" for r in active.values())
    use_patterns = any(r.kind == "patterns" for r in active.values())
    for index, block in enumerate(document.blocks):
        if not block.text.strip():
            continue
        doc = analysis.docs[index]
        if use_phrases:
            spans: list[tuple[int, int, int]] = []
            for matcher in (compiled.lemma_matcher, compiled.lower_matcher):
                spans.extend(matcher(doc))
            _phrase_hits(rule_hits, block, doc, compiled, active, spans)
        if use_patterns:
            for match_id, first, last in compiled.token_matcher(doc):
                rule, item = compiled.pattern_of[match_id]
                if rule.name in active and rule.scope.covers(block):
                    start, end = doc[first].idx, doc[last - 1].idx + len(doc[last - 1])
                    _add_item_hit(rule_hits, rule, item, block, start, end)
        for rule, any_item in regex_rules:
            if not rule.scope.covers(block):
                continue
            if any_item is not None and any_item.search(block.text) is None:
                continue  # none of the rule's patterns occurs in this block
            for item in rule.items:
                for match in item.pattern.finditer(block.text):
                    if match.end() > match.start():
                        _add_item_hit(rule_hits, rule, item, block, match.start(), match.end())


def _any_item(items: tuple[Item, ...]) -> re.Pattern[str] | None:
    """One regex that tells whether any of a regex rule's patterns occurs in a text (one scan
    instead of one per pattern, for the many blocks where none does), or None when there is
    nothing to gain or the patterns cannot be joined without changing their meaning."""
    if len(items) < 2:
        return None
    return _join_patterns(tuple((item.pattern.pattern, item.pattern.flags) for item in items))


@functools.lru_cache(maxsize=64)
def _join_patterns(patterns: tuple[tuple[str, int], ...]) -> re.Pattern[str] | None:
    flags = {f for _p, f in patterns}
    if len(flags) != 1:
        return None  # each pattern keeps its own flags only when run alone
    try:
        if any(re.compile(p, f).groups for p, f in patterns):
            return None  # group numbers (and back-references to them) would shift in a join
        # re.compile(str) adds re.UNICODE to the flags; passing it back is harmless.
        return re.compile("|".join(f"(?:{p})" for p, _f in patterns), flags.pop())
    except re.error:
        return None


def _add_item_hit(
    rule_hits: dict[str, list[Hit]], rule: Rule, item: Item, block: Block, start: int, end: int
) -> None:
    text = block.text[start:end]
    suggestion = item.suggestion or rule.suggestion
    message = rule.format_message(text, suggestion, item.message)
    hits = rule_hits.setdefault(rule.name, [])
    if any(h.block == block.index and h.start < end and start < h.end for h in hits):
        return  # overlapping matches of one rule give one finding
    hits.append(Hit(block.index, start, end, message, suggestion))


def _phrase_hits(
    rule_hits: dict[str, list[Hit]],
    block: Block,
    doc: Any,
    compiled: _Compiled,
    active: Mapping[str, Rule],
    spans: list[tuple[int, int, int]],
) -> None:
    # Longest match first, so "rette telefonisk henvendelse" wins over a shorter entry inside it.
    spans.sort(key=lambda s: (-(s[2] - s[1]), s[1]))
    taken: dict[str, list[tuple[int, int]]] = {}
    for match_id, first, last in spans:
        rule, phrase = compiled.phrase_of[match_id]
        if rule.name not in active or not rule.scope.covers(block):
            continue
        if any(first < e and s < last for s, e in taken.get(rule.name, [])):
            continue
        taken.setdefault(rule.name, []).append((first, last))
        start, end = doc[first].idx, doc[last - 1].idx + len(doc[last - 1])
        text = block.text[start:end]
        suggestion = None
        if phrase.alternative:
            suggestion = phrase.alternative
            if last - first == 1:
                suggestion = _inflect(phrase.alternative, phrase, text, doc[first].lemma_.lower())
        rule_hits.setdefault(rule.name, []).append(
            Hit(block.index, start, end, rule.format_message(text, suggestion), suggestion)
        )


def _in_scope(rule: Rule, document: Document, hit: Hit) -> bool:
    if hit.block is None or not rule.scope.explicit:
        return True
    return rule.scope.covers(document.blocks[hit.block])


def check(analysis: Analysis, config: Config | None = None) -> list[Finding]:
    """Run every active rule over an analysed letter; findings sorted by block and offset, the
    findings about the whole letter first."""
    from lettercheck.config import Config
    from lettercheck.suppress import apply_suppressions

    config = config or Config()
    ruleset = load_rules()
    document = analysis.document
    active = {r.name: r for r in ruleset if config.enabled(r, ruleset, document.path)}
    rule_hits: dict[str, list[Hit]] = {}
    if any(r.kind in ("phrases", "patterns", "regex") for r in active.values()):
        compiled = _compile(ruleset, config.extra_officialese)
        _data_hits(rule_hits, analysis, compiled, active)
    for rule in active.values():
        if rule.kind != "check":
            continue
        options = {**rule.options, **config.options_for(rule)}
        hits = [h for h in CHECKS[rule.check](analysis, options) if _in_scope(rule, document, h)]
        rule_hits[rule.name] = hits
    for name, hits in rule_hits.items():
        rule_hits[name] = _without_overlaps(hits)
    findings = [
        _finding(active[name], hit, document, config)
        for name, hits in rule_hits.items()
        for hit in hits
    ]
    findings = apply_suppressions(findings, document, ruleset, active, config)
    return sorted(_most_severe_per_words(findings), key=_sort_key)


def _most_severe_per_words(findings: list[Finding]) -> list[Finding]:
    """Where two rules flag exactly the same words ("afholdes": officialese and passive voice),
    keep the more severe finding only, so the letter gets one comment there and not two pieces of
    advice that pull in different directions ("holdes" vs "vi afholder")."""
    best: dict[tuple, Finding] = {}
    for finding in findings:
        if not finding.located:
            continue
        key = (finding.block, finding.start, finding.end)
        kept = best.get(key)
        if kept is None or finding.severity.rank > kept.severity.rank:
            best[key] = finding
    return [f for f in findings if not f.located or best[(f.block, f.start, f.end)] is f]


def _without_overlaps(hits: list[Hit]) -> list[Hit]:
    """One finding per stretch of words and rule: where two ways of matching a rule cover the
    same words ("Der udbetales" and "udbetales"), keep the longer, which carries the better
    suggestion, so the letter gets one comment there, not two."""
    if len(hits) < 2:
        return hits
    kept: list[Hit] = []
    for hit in sorted(hits, key=_widest_first):
        if hit.block is None or not any(_overlap(hit, other) for other in kept):
            kept.append(hit)
    return kept


def _widest_first(hit: Hit) -> tuple:
    if hit.block is None or hit.start is None or hit.end is None:
        return (-1, 0, 0)
    return (hit.block, -(hit.end - hit.start), hit.start)


def _overlap(a: Hit, b: Hit) -> bool:
    return (
        a.block == b.block
        and None not in (a.start, a.end, b.start, b.end)
        and a.start < b.end
        and b.start < a.end
    )


def _sort_key(finding: Finding) -> tuple:
    return (
        -1 if finding.block is None else finding.block,
        finding.start or 0,
        finding.end or 0,
        finding.code,
    )


def _finding(rule: Rule, hit: Hit, document: Document, config: Config) -> Finding:
    options = {**rule.options, **config.options_for(rule)}
    part = text = None
    if hit.block is not None:
        block = document.blocks[hit.block]
        part = str(block.part) if block.part is not None else None
        if hit.start is not None and hit.end is not None:
            text = block.text[hit.start : hit.end]
    message = hit.message
    if message is None:
        values = {**options, "text": text or "", "suggestion": hit.suggestion or ""}
        message = rule.message.format_map(values)
    return Finding(
        rule=rule.name,
        code=rule.code,
        severity=config.severity_for(rule),
        message=message,
        part=part,
        block=hit.block,
        start=hit.start,
        end=hit.end,
        text=text,
        suggestion=hit.suggestion,
        why=rule.why,
    )


# --------------------------------------------------------------------------------------------
# Examples: small letters written as text (see the module docstring)

_LINE_KIND = re.compile(r"^\[(header|footer|textbox|control(?: ([^\]]+))?)\]\s?")
_COMMENT = re.compile(r"\[\[([^\]|]+)\|([^\]]+)\]\]")
_MERGEFIELD = re.compile(r"«([^»]+)»")


def document_from_example(example: str, path: str = "eksempel.txt") -> Document:
    """Build a ``Document`` from the example markup of the module docstring."""
    from lettercheck.model import Control

    blocks: list[Block] = []
    comments: list[Comment] = []
    lines = [example] if "\n" not in example.strip() else example.strip().splitlines()
    for line in lines:
        line = line.rstrip()
        if not line.strip():
            continue
        kind = BlockKind.PARAGRAPH
        alias = None
        cells = [line]
        if line.startswith("# "):
            kind, cells = BlockKind.HEADING, [line[2:]]
        elif line.startswith("- "):
            kind, cells = BlockKind.LIST_ITEM, [line[2:]]
        elif line.startswith("|"):
            kind = BlockKind.TABLE_CELL
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
        elif match := _LINE_KIND.match(line):
            tag = match.group(1)
            kind = {
                "header": BlockKind.HEADER,
                "footer": BlockKind.FOOTER,
                "textbox": BlockKind.TEXT_BOX,
            }.get(tag, BlockKind.CONTENT_CONTROL)
            alias = match.group(2)
            cells = [line[match.end() :]]
        for cell in cells:
            index = len(blocks)
            text, anchors = _strip_comments(cell)
            placeholders = tuple(
                Placeholder(m.start(), m.end(), m.group(1), "mergefield")
                for m in _MERGEFIELD.finditer(text)
            )
            controls = ()
            if kind is BlockKind.CONTENT_CONTROL:
                controls = (Control(0, len(text), alias, alias),)
            story = {BlockKind.HEADER: "word/header1.xml", BlockKind.FOOTER: "word/footer1.xml"}
            blocks.append(
                Block(
                    index=index,
                    kind=kind,
                    text=text,
                    story=story.get(kind, "word/document.xml"),
                    paragraph=index,
                    style="Heading 1" if kind is BlockKind.HEADING else None,
                    table=(0, index, 0) if kind is BlockKind.TABLE_CELL else None,
                    controls=controls,
                    placeholders=placeholders,
                )
            )
            for start, end, comment_text in anchors:
                comments.append(
                    Comment(str(len(comments)), "eksempel", comment_text, index, start, index, end)
                )
    return Document(path=Path(path), format="txt", blocks=blocks, comments=comments)


def _strip_comments(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Remove ``[[words|comment]]`` markup; return the text and (start, end, comment) anchors."""
    out: list[str] = []
    anchors: list[tuple[int, int, str]] = []
    position = 0
    length = 0
    for match in _COMMENT.finditer(text):
        before = text[position : match.start()]
        out.append(before)
        length += len(before)
        words = match.group(1)
        anchors.append((length, length + len(words), match.group(2).strip()))
        out.append(words)
        length += len(words)
        position = match.end()
    out.append(text[position:])
    return "".join(out), anchors


def check_text(
    example: str, config: Config | None = None, path: str = "eksempel.txt"
) -> list[Finding]:
    """Check an example letter written in the example markup (tests, ``explain``)."""
    from lettercheck.analysis import analyse
    from lettercheck.parts import tag_parts

    document = document_from_example(example, path)
    tag_parts(document)
    return check(analyse(document), config)


# --------------------------------------------------------------------------------------------
# Text for `lettercheck rules` and `lettercheck explain`


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
