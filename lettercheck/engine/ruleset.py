"""Rule data: the ``Rule``/``RuleSet`` types, loading the shipped rules/*.yaml and validating
them strictly, so a mistake in a rule file is one Danish line naming file and line
(``RuleError``).

Why rules are data: communication staff and the team can read, review and extend a word list or a
threshold without touching Python, and ``lettercheck explain`` prints exactly what the data says.
Only rules that need logic (letter structure, contact details, passive voice, …) name a Python check
function registered in ``lettercheck.checks``. Loading needs PyYAML only (spaCy just to validate
token patterns), so ``lettercheck rules`` and ``explain`` stay fast.

Rule file format (rules/*.yaml)
===============================

Each file is a YAML list of rule entries. Keys of an entry (anything else is an error with file and
line):

``code``      stable code, unique: LC1xx structure, LC2xx contact, LC3xx plain language, LC4xx
              readability, LC9xx suppression comments
``name``      kebab-case name, unique; part of the JSON contract
``title``     Danish short name as the reports show it (``De-form``, ``Mangler e-mail``): the
              name is the stable English handle for config and comments, the title is for
              readers (charts, tables, ``explain``); at most 40 characters
``severity``  ``error`` | ``warning`` | ``info``
``message``   Danish, one sentence. May use ``{text}`` (the matched words), ``{suggestion}`` and
              the rule's option names (``{max-words}``). A check's ``Hit.message`` replaces it.
``why``       short reason with its source (Fredericia's analysis, Randers Kommune, …)
``example``   a bad example; ``better`` the good version
``scope``     optional mapping: ``kinds`` (block kinds: heading, paragraph, list_item, table_cell,
              content_control, text_box, header, footer), ``parts`` (letter parts: subject,
              salutation, body, closing, signature, legal, attachments, header, footer) and/or
              ``exclude-parts``. Data rules default to the main text and text boxes
              (model.PLAIN_TEXT_KINDS) and every part. For ``check:`` rules the check decides;
              a ``scope`` given explicitly drops located hits outside it.
``options``   mapping of thresholds and lists handed to the check (``max-words: 25``)
``suggestion`` optional fixed suggestion for ``patterns``/``regex`` rules
``match``     for ``phrases``: ``lemma`` (default: lemma and lower case, so inflected forms
              match) or ``lower`` (exact words, case-insensitive)
``gives-way-to`` optional list of rule names: a finding of this rule on words that a finding of
              one of those rules also covers is dropped ("Der gøres" as passive inside the
              officialese "Der gøres opmærksom på"), so the letter gets one piece of advice there
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

The ``pass:``/``fail:`` example markup is described in ``lettercheck.testing.examples``.
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
from typing import Any

from lettercheck.checks import CHECKS
from lettercheck.model.document import PLAIN_TEXT_KINDS, Block, BlockKind, LetterError, LetterPart
from lettercheck.model.findings import Severity


class RuleError(LetterError):
    """A rule file is wrong. The message is one line: ``rules/plain.yaml:42: ukendt nøgle …``."""


KINDS = ("phrases", "patterns", "regex", "check", "engine")
_KEYS = frozenset(
    {
        "code",
        "name",
        "title",
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
        "gives-way-to",
        *KINDS,
    }
)
_REQUIRED = ("code", "name", "title", "severity", "message", "why", "example", "better")
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


DEFAULT_SCOPE = Scope(kinds=frozenset(PLAIN_TEXT_KINDS), parts=None)


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated rule entry."""

    code: str
    name: str
    title: str  # Danish short name for readers ("De-form"); ``name`` is the stable handle
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
    gives_way_to: tuple[str, ...] = ()  # rule names; see ``gives-way-to`` above
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
    gives_way: list[tuple[Rule, str]] = []  # rules with gives-way-to, and where that key stands
    for filename, text in files:
        for rule, node in _parse_file(filename, text):
            if rule.gives_way_to:
                key = next(k for k, _v in node.value if k.value == "gives-way-to")
                gives_way.append((rule, _where(filename, key)))
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
    for rule, where in gives_way:
        for other in rule.gives_way_to:
            if other not in seen_names or other == rule.name:
                raise RuleError(
                    f"{where}: gives-way-to nævner '{other}', som ikke er en anden regel"
                )
    return RuleSet(rules)


def _where(filename: str, node: Any) -> str:
    return f"{filename}:{node.start_mark.line + 1}"


def _parse_file(filename: str, text: str) -> list[tuple[Rule, Any]]:
    import yaml

    # libyaml's composer when PyYAML has it: the same nodes and line marks, in a sixteenth of the
    # time (60 ms of every start-up with the pure-Python one).
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
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
    title = text("title")
    if not title.strip() or len(title) > 40:
        raise RuleError(
            f"{_where(filename, fields['title'][1])}: 'title' skal være en kort dansk tekst "
            "(højst 40 tegn)"
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
    _check_option_patterns(filename, fields["options"][1] if "options" in fields else None)
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
    gives_way_to: tuple[str, ...] = ()
    if "gives-way-to" in fields:
        value = _plain(filename, fields["gives-way-to"][1])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise RuleError(
                f"{_where(filename, fields['gives-way-to'][1])}: 'gives-way-to' skal være en "
                "liste af regelnavne"
            )
        gives_way_to = tuple(value)
    return Rule(
        code=code,
        name=name,
        title=title,
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
        gives_way_to=gives_way_to,
        source=_where(filename, node),
        **rule_kwargs,
    )


def _check_option_patterns(filename: str, node: Any) -> None:
    """The regexes in an option whose name ends in ``-patterns`` (``activity-patterns``) are
    held to the same rule as ``regex``: no unanchored leading repetition."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return
    for key_node, value_node in node.value:
        if not str(key_node.value).endswith("patterns"):
            continue
        entries = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for entry in entries:
            if isinstance(entry, yaml.ScalarNode) and isinstance(entry.value, str):
                _refuse_unanchored(filename, entry, entry.value)


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


def _refuse_unanchored(filename: str, node: Any, pattern: str) -> None:
    """Refuse a regex that starts with an unbounded repetition of characters (``\\w*``,
    ``[a-zæøå]+``, ``.*``) without an anchor before it: searched in a long word, it is tried from
    every position and takes time by the square of the word's length (a heading of 40,000
    letters took minutes). Start it with ``\\b`` (or ``^``) instead."""
    try:
        from re import _parser as sre_parse  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - Python before 3.11
        import sre_parse  # type: ignore[no-redef]

    try:
        parsed = sre_parse.parse(pattern)
    except Exception:
        return
    if _starts_unbounded(list(parsed), sre_parse):
        raise RuleError(
            f"{_where(filename, node)}: det regulære udtryk '{pattern[:60]}' begynder med en "
            "ubegrænset gentagelse uden anker og tager tid i anden potens på lange ord; "
            "begynd det med \\b (eller ^)"
        )


def _starts_unbounded(items: list[Any], sre: Any) -> bool:
    """Does the parsed sequence ``items`` start with an unbounded repetition of a character
    class (also inside a leading group or in any branch of a leading alternation)?"""
    consts = sre._constants if hasattr(sre, "_constants") else sre
    while items:
        op, arg = items[0]
        if op in (consts.MAX_REPEAT, consts.MIN_REPEAT, getattr(consts, "POSSESSIVE_REPEAT", None)):
            _low, high, body = arg
            return high == consts.MAXREPEAT and all(
                sub_op in (consts.IN, consts.ANY, consts.NOT_LITERAL, consts.CATEGORY)
                for sub_op, _ in body
            )
        if op == consts.SUBPATTERN:
            items = list(arg[-1])
            continue
        if op == consts.BRANCH:
            return any(_starts_unbounded(list(branch), sre) for branch in arg[1])
        return False
    return False


def _parse_regex(filename: str, node: Any) -> tuple[Item, ...]:
    import yaml

    def compile_one(pattern_node: Any) -> re.Pattern[str]:
        pattern = _scalar(filename, pattern_node, "regex")
        try:
            compiled = re.compile(pattern)
        except re.error as error:
            raise RuleError(
                f"{_where(filename, pattern_node)}: ugyldigt regulært udtryk: {error}"
            ) from None
        _refuse_unanchored(filename, pattern_node, pattern)
        return compiled

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
