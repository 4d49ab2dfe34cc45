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
``danish-name`` (every shipped rule has one) the rule's Danish kebab-case name
              (``kancellisprog``, ``de-form``, ``lang-sætning``), unique; accepted wherever a
              rule is named (``explain``, config, suppression comments, ``--select``/``--ignore``)
              beside the code and ``name``, also spelled without æøå (``lang-saetning``)
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
``options``   mapping of thresholds and lists handed to the check (``max-words: 25``). A
              threshold the configuration may set is a mapping instead: ``{default: 25,
              config-key: max-sentence-words, type: integer, min: 3, max: 500}``. ``default``
              is what the check gets unless the configuration file sets ``config-key``
              (``type``: ``integer``, the default for a whole-number default, or ``number``;
              ``min``/``max`` bound the configured value). The configuration knows its
              rule keys only from here.
``config-key`` for ``phrases``: the configuration key whose phrases (a table ``{phrase =
              "alternative"}`` or a TSV file's path) are added to this rule's list
              (``extra-officialese``)
``replaces``  ``true``: a suggestion is a drop-in replacement for exactly the matched words, so
              ``--annotate --suggest`` may write it as a tracked change (``phrases``,
              ``patterns`` and ``regex`` rules only); other suggestions stay advice
``serves``    the recommendation the rule checks, for the audit's table of recommendations:
              ``{label: "Danish sentence the letter should meet", source: "who recommends it",
              note: "which letters count as following it only because the rule does not apply"}``
              (``note`` optional); the audit lists them in rule-file order
``suggestion`` optional fixed suggestion for ``patterns``/``regex`` rules
``match``     for ``phrases``: ``lemma`` (default: lemma and lower case, so inflected forms
              match) or ``lower`` (exact words, case-insensitive)
``types``     optional list of letter types (indkaldelse, afgoerelse, partshoering, tilbud,
              anmodning, orientering, andet): the rule applies only to letters of these types
              (``rules/types.yaml`` and ``lettercheck.language.letter_type`` decide a letter's
              type; the author can state it). A rule without ``types`` applies to every letter.
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
``require``   something the letter must contain, in a given place (Vale's existence and
              occurrence checks, for a part of a letter): one finding about the whole letter when
              it is missing. A mapping:

              ``where``     where it must stand: ``first-lines`` (the first ``lines`` lines of
                            the body, ~90 characters to a line), ``body`` (subject and body),
                            ``letter`` (everything but the citizen's address block, headers and
                            footers), ``legal`` (the final legal section), ``section`` (the
                            paragraphs under a heading matching one of ``section``, or a
                            paragraph matching one and the paragraph after it)
              ``lines``     for ``first-lines``: how many lines (default 5)
              ``section``   for ``section``: regexes for the section's heading
              ``patterns``  regexes, one of which must occur there; an entry may be a mapping
                            ``{pattern: …, matches: "…"}`` whose ``matches`` text (the example
                            that shows why the entry is there) the pattern must match: the
                            loader checks it
              ``fields``    words of merge field, document variable or content control names
                            that count as present («MødeDato», a control titled "Tidspunkt")
              ``when``      regexes: the rule applies only to a letter where one occurs
                            (outside headers and footers); without it, to every letter of its
                            ``types``
              ``unless``    regexes: the rule does not apply to a letter where one occurs
              ``ignore``    regexes: words that look like a match but are not ("Du får dette
                            brev, fordi" is a purpose, not a decision's reason); blanked out
                            before ``patterns`` are searched
              ``each``      instead of ``patterns``/``fields``: several things that must all be
                            there, each a mapping ``{name: "…", patterns: […], fields: […],
                            when: […], unless: […]}`` (``when``/``unless`` limit that one
                            thing to letters where one of those regexes occurs, or none: hours
                            for a praktik, not for a mentor); the message's ``{missing}`` names
                            the missing ones ("hvor og hvordan")

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


KINDS = ("phrases", "patterns", "regex", "check", "engine", "require")
_KEYS = frozenset(
    {
        "code",
        "name",
        "danish-name",
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
        "types",
        "config-key",
        "replaces",
        "serves",
        *KINDS,
    }
)
_REQUIRED = (
    "code",
    "name",
    "title",
    "severity",
    "message",
    "why",
    "example",
    "better",
)
_CODE = re.compile(r"^LC\d{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_DANISH_NAME = re.compile(r"^[a-zæøå][a-zæøå0-9]*(-[a-zæøå0-9]+)*$")
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


def fold(name: str) -> str:
    """A rule name as looked up: lower case, æøå spelled ae/oe/aa (``lang-sætning`` and
    ``lang-saetning`` name the same rule, for keyboards and files without æøå)."""
    return name.strip().lower().translate(_FOLD)


_SCOPE_KEYS = frozenset({"kinds", "parts", "exclude-parts"})
_ENGINE_KINDS = frozenset({"suppression"})
_REQUIRE_KEYS = (
    "where",
    "lines",
    "section",
    "patterns",
    "fields",
    "when",
    "unless",
    "ignore",
    "each",
)
_EACH_KEYS = ("name", "patterns", "fields", "when", "unless")
_SETTING_KEYS = ("default", "config-key", "type", "min", "max")
_SERVES_KEYS = ("label", "source", "note")
#: The kinds whose suggestion replaces exactly the matched words (``replaces: true``).
_REPLACING_KINDS = ("phrases", "patterns", "regex")
WHERE = ("first-lines", "body", "letter", "legal", "section")
#: Rule files that are not rule lists: the letter types' vocabulary.
NOT_RULE_FILES = frozenset({"types.yaml"})


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
class Needed:
    """One thing a ``require`` rule needs: patterns or field names, one of which must be there.
    ``name`` is its Danish name in the message ("fristen"); ``when`` limits it to letters where
    one of those patterns occurs (hours only for a praktik or a job)."""

    name: str
    patterns: tuple[re.Pattern[str], ...] = ()
    fields: tuple[str, ...] = ()
    when: tuple[re.Pattern[str], ...] = ()
    unless: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True, slots=True)
class Requirement:
    """A ``require`` rule's data (see the module docstring)."""

    where: str
    needed: tuple[Needed, ...]
    lines: int = 5
    section: tuple[re.Pattern[str], ...] = ()
    when: tuple[re.Pattern[str], ...] = ()
    unless: tuple[re.Pattern[str], ...] = ()
    ignore: tuple[re.Pattern[str], ...] = ()
    each: bool = False  # several named things, all needed (``{missing}`` in the message)


@dataclass(frozen=True, slots=True)
class Setting:
    """An option the configuration may set (``options: {limit: {default: 40, config-key:
    lix-limit}}``); the default is in ``Rule.options``."""

    option: str
    config_key: str
    number: bool = False  # True: any number (42.5); False: a whole number
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The recommendation a rule checks (``serves``), as the audit shows it."""

    label: str
    source: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated rule entry."""

    code: str
    name: str
    danish: str  # Danish kebab-case name ("kancellisprog"), accepted wherever ``name`` is
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
    types: frozenset[str] | None = None  # letter types it applies to; None: every letter
    requirement: Requirement | None = None  # for ``require`` rules
    settings: tuple[Setting, ...] = ()  # options the configuration may set
    config_key: str | None = None  # phrases: the configuration key that adds phrases
    replaces: bool = False  # a suggestion replaces exactly the matched words
    serves: Recommendation | None = None  # the recommendation the audit shows it under

    def applies_to_type(self, letter_type: str | None) -> bool:
        return self.types is None or letter_type in self.types

    def format_message(
        self, text: str | None, suggestion: str | None, template: str | None = None
    ) -> str:
        """The message with ``{text}``, ``{suggestion}`` and options filled in."""
        values = {**self.options, "text": text or "", "suggestion": suggestion or ""}
        if self.kind == "require":
            values.setdefault("missing", "…")
        return (template or self.message).format_map(values)


class RuleSet:
    """All rules, in file order, with look-up by name, code or code prefix."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self._by_key = (
            {r.name: r for r in self.rules}
            | {fold(r.danish): r for r in self.rules}
            | {r.code.upper(): r for r in self.rules}
        )

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, name_or_code: str) -> Rule | None:
        """The rule named ``name_or_code`` (``officialese``, ``kancellisprog``) or with that code
        (``LC302``)."""
        key = name_or_code.strip()
        return self._by_key.get(key) or self._by_key.get(key.upper()) or self._by_key.get(fold(key))

    def for_check(self, function: Any) -> Rule | None:
        """The rule whose ``check:`` is ``function`` (registered with ``@check``), so code that
        calls a check's helpers can use that rule's options without naming the rule."""
        return next(
            (r for r in self.rules if r.check is not None and CHECKS.get(r.check) is function),
            None,
        )

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
    root = _rules_root()
    files = sorted(
        (
            entry
            for entry in root.iterdir()
            if entry.name.endswith((".yaml", ".yml")) and entry.name not in NOT_RULE_FILES
        ),
        key=lambda e: e.name,
    )
    return [(f"rules/{f.name}", f.read_text(encoding="utf-8")) for f in files]


def _read_data_file(name: str) -> str:
    return _rules_root().joinpath(name).read_text(encoding="utf-8")


def _rules_root() -> Any:
    """Where the rule files are: the rules/ folder beside the package when lettercheck runs from
    a checkout (``python -m lettercheck`` there imports the checkout's lettercheck/, which has no
    ``rules_data`` even after ``pip install .``, and an editable install maps it there anyway),
    else the installed package's ``lettercheck.rules_data`` (setuptools maps rules/ there)."""
    from pathlib import Path

    beside = Path(__file__).resolve().parents[2] / "rules"
    if (beside / "plain.yaml").is_file() and (beside / "__init__.py").is_file():
        return beside
    return resources.files("lettercheck.rules_data")


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
    seen_danish: dict[str, str] = {}
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
            danish = fold(rule.danish)
            if danish in seen_danish or (danish in seen_names and danish != rule.name):
                other = seen_danish.get(danish) or seen_names[danish]
                raise RuleError(f"{where}: det danske navn {rule.danish} bruges også i {other}")
            seen_codes[rule.code] = where
            seen_names[rule.name] = where
            seen_danish[danish] = where
            rules.append(rule)
    config_keys: dict[str, str] = {}
    for rule in rules:
        keys = [s.config_key for s in rule.settings] + [rule.config_key] * bool(rule.config_key)
        for key in keys:
            if key in config_keys:
                raise RuleError(
                    f"{rule.source}: config-key '{key}' bruges også i {config_keys[key]}"
                )
            config_keys[key] = rule.source
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
    # Every shipped rule has one (tests/engine/test_rule_examples.py); a rule file of one's own
    # may leave it out, and the English name serves.
    danish = text("danish-name") if "danish-name" in fields else name
    if not _DANISH_NAME.match(danish):
        raise RuleError(
            f"{_where(filename, fields['danish-name'][1])}: det danske navn '{danish}' skal være "
            "kebab-case (små bogstaver og bindestreger)"
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
    settings: tuple[Setting, ...] = ()
    if "options" in fields:
        options = _plain(filename, fields["options"][1])
        if not isinstance(options, dict) or not all(isinstance(k, str) for k in options):
            raise RuleError(
                f"{_where(filename, fields['options'][1])}: 'options' skal være en mapping"
            )
        settings = _parse_settings(filename, fields["options"][1], options)

    message = text("message")
    extra_fields = ("missing",) if kind == "require" else ()
    _check_option_patterns(filename, fields["options"][1] if "options" in fields else None)
    _check_template(filename, fields["message"][1], message, options, extra_fields)

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
    elif kind == "require":
        rule_kwargs["requirement"] = _parse_requirement(filename, value_node)
        if "{missing}" in message and not rule_kwargs["requirement"].each:
            raise RuleError(
                f"{_where(filename, fields['message'][1])}: '{{missing}}' kan kun bruges, når "
                "require har 'each'"
            )
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
    if "types" in fields:
        rule_kwargs["types"] = _parse_types(filename, fields["types"][1])
    if "config-key" in fields:
        if kind != "phrases":
            raise RuleError(
                f"{_where(filename, fields['config-key'][0])}: 'config-key' på reglen gælder kun "
                "phrases (en tærskel får sin config-key under options)"
            )
        rule_kwargs["config_key"] = _config_key(filename, fields["config-key"][1])
    if "replaces" in fields:
        replaces = _scalar(filename, fields["replaces"][1], "replaces", (bool,))
        if replaces and kind not in _REPLACING_KINDS:
            raise RuleError(
                f"{_where(filename, fields['replaces'][0])}: 'replaces' gælder kun "
                f"{', '.join(_REPLACING_KINDS)}"
            )
        rule_kwargs["replaces"] = replaces
    if "serves" in fields:
        rule_kwargs["serves"] = _parse_serves(filename, fields["serves"][1])
    return Rule(
        code=code,
        name=name,
        danish=danish,
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
        settings=settings,
        **rule_kwargs,
    )


def _config_key(filename: str, node: Any) -> str:
    key = _scalar(filename, node, "config-key")
    if not _NAME.match(key):
        raise RuleError(f"{_where(filename, node)}: 'config-key' skal være kebab-case ({key})")
    return key


def _parse_settings(filename: str, node: Any, options: dict[str, Any]) -> tuple[Setting, ...]:
    """Options written ``{default: …, config-key: …}``: ``options`` gets the default, and each
    becomes a ``Setting`` the configuration may override."""
    import yaml

    settings = []
    for key_node, value_node in node.value:
        if not isinstance(value_node, yaml.MappingNode):
            continue
        keys = {k.value for k, _v in value_node.value if isinstance(k, yaml.ScalarNode)}
        if not keys & {"default", "config-key"}:
            continue  # a mapping of words, not a setting
        name = key_node.value
        sub = _strict_mapping(filename, value_node, _SETTING_KEYS, f"options.{name}")
        for required in ("default", "config-key"):
            if required not in sub:
                raise RuleError(f"{_where(filename, value_node)}: '{name}' mangler '{required}'")
        default = _scalar(filename, sub["default"], "default", (int, float))
        if isinstance(default, bool):
            raise RuleError(f"{_where(filename, sub['default'])}: 'default' skal være et tal")
        kind = "integer" if isinstance(default, int) else "number"
        if "type" in sub:
            kind = _scalar(filename, sub["type"], "type")
            if kind not in ("integer", "number"):
                raise RuleError(
                    f"{_where(filename, sub['type'])}: 'type' skal være integer eller number"
                )
            if kind == "integer" and not isinstance(default, int):
                raise RuleError(
                    f"{_where(filename, sub['default'])}: 'default' skal være et heltal"
                )
        bounds = []
        for bound in ("min", "max"):
            value = _scalar(filename, sub[bound], bound, (int, float)) if bound in sub else None
            if isinstance(value, bool):
                raise RuleError(f"{_where(filename, sub[bound])}: '{bound}' skal være et tal")
            bounds.append(value)
        low, high = bounds
        if (low is not None and default < low) or (high is not None and default > high):
            raise RuleError(
                f"{_where(filename, sub['default'])}: 'default' ligger uden for min-max"
            )
        options[name] = default
        settings.append(
            Setting(name, _config_key(filename, sub["config-key"]), kind == "number", low, high)
        )
    return tuple(settings)


def _parse_serves(filename: str, node: Any) -> Recommendation:
    sub = _strict_mapping(filename, node, _SERVES_KEYS, "serves")
    for required in ("label", "source"):
        if required not in sub:
            raise RuleError(f"{_where(filename, node)}: 'serves' mangler '{required}'")
    return Recommendation(
        label=_scalar(filename, sub["label"], "label"),
        source=_scalar(filename, sub["source"], "source"),
        note=_scalar(filename, sub["note"], "note") if "note" in sub else "",
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


def _check_template(
    filename: str,
    node: Any,
    template: str,
    options: Mapping[str, Any],
    extra: tuple[str, ...] = (),
) -> None:
    allowed = {"text", "suggestion", *options, *extra}
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
    from lettercheck.language.danish import import_spacy

    import_spacy()  # spaCy without its command line, if this is its first import
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


def _parse_types(filename: str, node: Any) -> frozenset[str]:
    """``types:``: a non-empty list of known letter types ("mente du …" for a near miss)."""
    from lettercheck.model.words import LETTER_TYPES

    value = _plain(filename, node)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise RuleError(f"{_where(filename, node)}: 'types' skal være en liste af brevtyper")
    for item, item_node in zip(value, node.value, strict=True):
        if item not in LETTER_TYPES:
            raise RuleError(
                f"{_where(filename, item_node)}: ukendt brevtype '{item}'"
                f"{_did_you_mean(item, LETTER_TYPES)}; kendte typer: {', '.join(LETTER_TYPES)}"
            )
    return frozenset(value)


def _did_you_mean(word: str, known: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f" (mente du '{close[0]}'?)" if close else ""


def _strict_mapping(filename: str, node: Any, known: tuple[str, ...], what: str) -> dict[str, Any]:
    """A mapping node's values by key; an unknown or repeated key is an error naming file, line
    and the nearest known key."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        raise RuleError(f"{_where(filename, node)}: '{what}' skal være en mapping (nøgle: værdi)")
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
        if key not in known:
            raise RuleError(
                f"{_where(filename, key_node)}: ukendt nøgle '{key}' i {what}"
                f"{_did_you_mean(key, known)}; kendte nøgler: {', '.join(known)}"
            )
        if key in result:
            raise RuleError(f"{_where(filename, key_node)}: nøglen '{key}' står to gange")
        result[key] = value_node
    return result


def parse_regex_list(filename: str, node: Any, key: str) -> tuple[re.Pattern[str], ...]:
    """A list of regular expressions (matched case-insensitively). An entry may be a mapping
    ``{pattern: …, matches: "…"}``: the example text that shows why the entry is there, which the
    pattern must match (checked here, so a special case never loses its reason)."""
    import yaml

    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise RuleError(f"{_where(filename, node)}: '{key}' skal være en liste af regulære udtryk")
    compiled = []
    for entry in node.value:
        example = None
        pattern_node = entry
        if isinstance(entry, yaml.MappingNode):
            sub = _strict_mapping(filename, entry, ("pattern", "matches"), key)
            if "pattern" not in sub:
                raise RuleError(f"{_where(filename, entry)}: mangler 'pattern'")
            pattern_node = sub["pattern"]
            if "matches" in sub:
                example = _scalar(filename, sub["matches"], "matches")
        pattern = _scalar(filename, pattern_node, key)
        try:
            regex = re.compile(pattern, re.IGNORECASE | re.UNICODE)
        except re.error as error:
            raise RuleError(
                f"{_where(filename, pattern_node)}: ugyldigt regulært udtryk: {error}"
            ) from None
        if example is not None and not regex.search(example):
            raise RuleError(
                f"{_where(filename, pattern_node)}: udtrykket finder ikke sit eksempel »{example}«"
            )
        compiled.append(regex)
    return tuple(compiled)


def _field_words(filename: str, node: Any) -> tuple[str, ...]:
    value = _plain(filename, node)
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and re.fullmatch(r"[a-zæøå]+", v) for v in value)
    ):
        raise RuleError(
            f"{_where(filename, node)}: 'fields' skal være en liste af ord med små bogstaver "
            "(dele af feltnavne, fx dato)"
        )
    return tuple(value)


def _parse_requirement(filename: str, node: Any) -> Requirement:
    sub = _strict_mapping(filename, node, _REQUIRE_KEYS, "require")
    if "where" not in sub:
        raise RuleError(f"{_where(filename, node)}: require mangler 'where' ({', '.join(WHERE)})")
    where = _scalar(filename, sub["where"], "where")
    if where not in WHERE:
        raise RuleError(
            f"{_where(filename, sub['where'])}: ukendt sted '{where}'{_did_you_mean(where, WHERE)}"
            f"; brug {', '.join(WHERE)}"
        )
    lines = 5
    if "lines" in sub:
        if where != "first-lines":
            raise RuleError(f"{_where(filename, sub['lines'])}: 'lines' gælder kun first-lines")
        lines = _scalar(filename, sub["lines"], "lines", (int,))
        if not 1 <= lines <= 100:
            raise RuleError(f"{_where(filename, sub['lines'])}: 'lines' skal være 1-100")
    section: tuple[re.Pattern[str], ...] = ()
    if where == "section":
        if "section" not in sub:
            raise RuleError(f"{_where(filename, node)}: where: section kræver 'section'")
        section = parse_regex_list(filename, sub["section"], "section")
    elif "section" in sub:
        raise RuleError(f"{_where(filename, sub['section'])}: 'section' kræver where: section")

    def regexes(key: str) -> tuple[re.Pattern[str], ...]:
        return parse_regex_list(filename, sub[key], key) if key in sub else ()

    each = "each" in sub
    if each:
        if "patterns" in sub or "fields" in sub:
            raise RuleError(
                f"{_where(filename, sub['each'])}: brug enten 'each' eller 'patterns'/'fields'"
            )
        import yaml

        if not isinstance(sub["each"], yaml.SequenceNode) or not sub["each"].value:
            raise RuleError(f"{_where(filename, sub['each'])}: 'each' skal være en liste")
        needed = []
        for entry in sub["each"].value:
            item = _strict_mapping(filename, entry, _EACH_KEYS, "each")
            if "name" not in item:
                raise RuleError(f"{_where(filename, entry)}: mangler 'name'")
            if "patterns" not in item and "fields" not in item:
                raise RuleError(f"{_where(filename, entry)}: mangler 'patterns' eller 'fields'")
            needed.append(
                Needed(
                    name=_scalar(filename, item["name"], "name"),
                    patterns=parse_regex_list(filename, item["patterns"], "patterns")
                    if "patterns" in item
                    else (),
                    fields=_field_words(filename, item["fields"]) if "fields" in item else (),
                    when=parse_regex_list(filename, item["when"], "when") if "when" in item else (),
                    unless=parse_regex_list(filename, item["unless"], "unless")
                    if "unless" in item
                    else (),
                )
            )
    else:
        if "patterns" not in sub and "fields" not in sub:
            raise RuleError(f"{_where(filename, node)}: require mangler 'patterns' eller 'each'")
        needed = [
            Needed(
                name="",
                patterns=regexes("patterns"),
                fields=_field_words(filename, sub["fields"]) if "fields" in sub else (),
            )
        ]
    return Requirement(
        where=where,
        needed=tuple(needed),
        lines=lines,
        section=section,
        when=regexes("when"),
        unless=regexes("unless"),
        ignore=regexes("ignore"),
        each=each,
    )
