"""Configuration: ``[tool.lettercheck]`` in pyproject.toml or a ``.lettercheck.toml``.

The configuration that applies to a letter is the nearest one found by searching up from the
letter's folder, so a folder of old templates can carry its own rules next to the letters it is
about. In one folder ``.lettercheck.toml`` wins over pyproject.toml (a pyproject.toml without a
``[tool.lettercheck]`` table does not count). Keys (``.lettercheck.toml`` has them at top level)::

    select = ["LC1", "officialese"]        # only these rules (code, name, Danish name such as
                                           # "kancellisprog", or code prefix)
    ignore = ["LC3", "long-word"]          # never these
    severity = { passive-voice = "warning" }
    lix-sentences = "danish"               # "simple": every . ! ? : ; ends a sentence, as public
                                           # LIX calculators count (to compare with their numbers)
    per-path-ignores = { "skabeloner/gamle/*" = ["LC3"] }  # globs relative to the config's folder
    fail-on = "warning"                    # the CLI exits 1 at or above this severity
    letter-types = { "afgoerelser/*" = "afgoerelse" }  # the author states the letter type by
                                           # folder or file name (globs as per-path-ignores)

The rules add keys of their own (``config-key`` in their entry in rules/*.yaml;
``lettercheck explain RULE`` names them). A threshold's key overrides the default in the rule's
entry::

    lix-limit = 40                         # lix-too-high fires above this (its option ``limit``)
    max-sentence-words = 25                # long-sentence fires above this
    long-word-letters = 20                 # long-word fires above this

and a phrase list's key adds phrases to it::

    extra-officialese = { "foretage" = "gøre" }   # or a path to a TSV file (phrase, alternative)

A bad configuration raises ``ConfigError`` (one line naming the file and the key).
"""

from __future__ import annotations

import fnmatch
import math
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lettercheck.model.document import LetterError, os_reason
from lettercheck.model.findings import Severity
from lettercheck.model.smallfile import NotAFile, read_regular

if TYPE_CHECKING:
    from lettercheck.engine.ruleset import Rule, RuleSet, Setting


class ConfigError(LetterError):
    """A configuration file is wrong: ``<file>: <key>: <what is wrong>``."""


#: The configuration's own keys; the rules add theirs (``_rule_keys``).
_KEYS = (
    "select",
    "ignore",
    "severity",
    "lix-sentences",
    "per-path-ignores",
    "exclude",
    "fail-on",
    "letter-types",
    "letter-timeout",
)


@dataclass(frozen=True, slots=True)
class Config:
    """Settings for checking letters; the defaults apply when no configuration file is found."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    lix_sentences: str = "danish"
    #: (a rule's config-key, value): thresholds (``lix-limit``) and added phrases
    #: (``extra-officialese``: (phrase, alternative) pairs) the configuration file sets
    overrides: tuple[tuple[str, Any], ...] = ()
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()  # globs of files in the folders searched that are not letters
    fail_on: Severity = Severity.ERROR
    letter_types: tuple[tuple[str, str], ...] = ()  # (glob, type): the stated letter type
    letter_timeout: float | None = None  # seconds one letter may take (None: the default, 60)
    root: Path | None = None  # folder of the configuration file; per-path globs are relative to it
    source: Path | None = None  # the configuration file, for messages
    _cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    # -- rule selection ---------------------------------------------------------------------

    def enabled(self, rule: Rule, ruleset: RuleSet, path: Path | str | None = None) -> bool:
        """Whether ``rule`` runs on the letter at ``path`` (select, ignore, per-path-ignores)."""
        key = (rule.name, str(path) if path is not None else None)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        result = self._enabled(rule, path)
        self._cache[key] = result
        return result

    def _enabled(self, rule: Rule, path: Path | str | None) -> bool:
        if self.select is not None and not any(_selects(s, rule) for s in self.select):
            return False
        if any(_selects(s, rule) for s in self.ignore):
            return False
        if path is not None and self.per_path_ignores:
            relative = self._relative(Path(path))
            for pattern, selectors in self.per_path_ignores:
                if _path_matches(relative, pattern) and any(_selects(s, rule) for s in selectors):
                    return False
        return True

    def excludes(self, path: Path) -> bool:
        """Whether ``exclude`` leaves the file at ``path`` out of a folder search (notes, lists
        and drafts that sit among the templates but are not letters)."""
        if not self.exclude:
            return False
        relative = self._relative(path)
        return any(_path_matches(relative, pattern) for pattern in self.exclude)

    def _relative(self, path: Path) -> str:
        if self.root is not None:
            try:
                return path.resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    def stated_type(self, path: Path | str | None) -> tuple[str, str] | None:
        """(type, glob) of the first ``letter-types`` glob that matches the letter's path."""
        if path is None or not self.letter_types:
            return None
        relative = self._relative(Path(path))
        for pattern, letter_type in self.letter_types:
            if _path_matches(relative, pattern):
                return letter_type, pattern
        return None

    def severity_for(self, rule: Rule) -> Severity:
        """The rule's severity, or the one the configuration gives it (by name, code or prefix;
        the most specific selector wins)."""
        best: tuple[int, Severity] | None = None
        for selector, severity in self.severity:
            if _selects(selector, rule):
                exact = selector in (rule.name, rule.code) or _selects_by_name(selector, rule)
                specificity = 99 if exact else len(selector)
                if best is None or specificity > best[0]:
                    best = (specificity, severity)
        return best[1] if best else rule.severity

    def options_for(self, rule: Rule) -> dict[str, Any]:
        """Configured thresholds that override a rule's YAML options (the defaults)."""
        if not self.overrides or not rule.settings:
            return {}
        values = dict(self.overrides)
        return {s.option: values[s.config_key] for s in rule.settings if s.config_key in values}

    def extra_phrases(self, ruleset: RuleSet) -> tuple[tuple[str, tuple[Any, ...]], ...]:
        """(rule name, (phrase, alternative) pairs) the configuration adds to phrase rules."""
        if not self.overrides:
            return ()
        cached = self._cache.get("extra-phrases")
        if cached is None:
            values = dict(self.overrides)
            cached = tuple(
                (rule.name, values[rule.config_key])
                for rule in ruleset
                if rule.config_key is not None and rule.config_key in values
            )
            self._cache["extra-phrases"] = cached
        return cached


def _selects(selector: str, rule: Rule) -> bool:
    """A selector names a rule by name, Danish name ("kancellisprog", also without æøå), code,
    or code prefix ("LC3")."""
    from lettercheck.engine.ruleset import fold

    selector = selector.strip()
    if selector == rule.name or fold(selector) == fold(rule.danish):
        return True
    upper = selector.upper()
    return upper.startswith("LC") and rule.code.startswith(upper)


def _selects_by_name(selector: str, rule: Rule) -> bool:
    from lettercheck.engine.ruleset import fold

    return fold(selector) == fold(rule.danish)


def _path_matches(relative: str, pattern: str) -> bool:
    """Glob on the path relative to the config folder; a pattern matching a folder covers what is
    inside it ("skabeloner/gamle/*" matches "skabeloner/gamle/a/b.docx")."""
    pattern = pattern.strip().rstrip("/")
    if fnmatch.fnmatchcase(relative, pattern):
        return True
    parts = relative.split("/")
    return any(fnmatch.fnmatchcase("/".join(parts[:i]), pattern) for i in range(1, len(parts)))


# ------------------------------------------------------------------------------------------------
# Loading


_CONFIG_CACHE: dict[Path, Config] = {}


def load_config(path: Path | str | None = None) -> Config:
    """The configuration for the checked file or folder ``path``: the nearest ``.lettercheck.toml``
    or ``pyproject.toml`` with ``[tool.lettercheck]`` at or above its folder, else the defaults.
    Cached per folder, since a batch checks many letters in few folders."""
    if path is None:
        folder = Path.cwd()
    else:
        folder = Path(path).resolve()
        if not folder.is_dir():
            folder = folder.parent
    cached = _CONFIG_CACHE.get(folder)
    if cached is not None:
        return cached
    config = _find_config(folder)
    _CONFIG_CACHE[folder] = config
    return config


def load_config_file(path: Path | str) -> Config:
    """The configuration in ``path`` (``--config FILE``): a ``pyproject.toml`` (its
    ``[tool.lettercheck]`` table) or any other TOML file with the keys at top level."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: findes ikke. Tjek stien til --config.")
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("lettercheck", {})
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: [tool.lettercheck] skal være en tabel")
    return parse_config(data, path)


def with_rules(
    config: Config, select: tuple[str, ...] | None = None, ignore: tuple[str, ...] = ()
) -> Config:
    """``config`` with the command line's ``--select`` (replacing the file's) and ``--ignore``
    (added to the file's), as ruff combines them."""
    import dataclasses

    if select is None and not ignore:
        return config
    return dataclasses.replace(
        config,
        select=select if select is not None else config.select,
        ignore=(*config.ignore, *ignore),
        _cache={},
    )


def parse_selectors(text: str, option: str) -> tuple[str, ...]:
    """``--select LC3,de-form`` as a tuple of selectors, each naming at least one rule."""
    rules = _ruleset()
    selectors = tuple(s.strip() for s in text.split(",") if s.strip())
    for selector in selectors:
        if rules is not None and not rules.matching(selector):
            raise ConfigError(f"{option}: ingen regel hedder eller har koden '{selector}'")
    return selectors


#: Largest configuration file or extra-officialese list read (a real one is a few KB).
MAX_CONFIG_BYTES = 1 << 20
MAX_LIST_BYTES = 8 << 20


def _find_config(folder: Path) -> Config:
    for directory in (folder, *folder.parents):
        dotfile = directory / ".lettercheck.toml"
        if os.path.lexists(dotfile):  # also a folder, pipe or dangling link: said, not skipped
            return parse_config(_read_toml(dotfile), dotfile)
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            data = _read_toml(pyproject)
            tool = data.get("tool", {})
            if not isinstance(tool, dict):
                raise ConfigError(
                    f"{pyproject}: tool skal være en tabel ([tool.lettercheck] …); ret filen"
                )
            table = tool.get("lettercheck")
            if table is not None:
                if not isinstance(table, dict):
                    raise ConfigError(f"{pyproject}: [tool.lettercheck] skal være en tabel")
                return parse_config(table, pyproject)
    return Config()


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(read_regular(path, MAX_CONFIG_BYTES).decode("utf-8"))
    except NotAFile as error:
        raise ConfigError(
            f"{path}: {error}; lettercheck læser kun en almindelig fil. Ret eller fjern den."
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: ugyldig TOML: {error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: ugyldig TOML: filen er ikke gemt som UTF-8") from None
    except OSError as error:
        raise ConfigError(
            f"{path}: kan ikke læses ({os_reason(error)}). "
            "Giv læseadgang til filen, eller fjern den."
        ) from None


def parse_config(table: dict[str, Any], source: Path | None = None) -> Config:
    """Validate a configuration table strictly and build a ``Config``."""
    name = str(source) if source is not None else "konfiguration"

    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{name}: {key}: {problem}")

    rules = _ruleset()
    rule_keys = _rule_keys(rules) if rules is not None else {}
    known = (*_KEYS, *rule_keys)
    for key in table:
        # With broken rule files (``rules`` None) their keys are unknown: the run stops on the
        # rule file's error instead.
        if key not in known and rules is not None:
            import difflib

            close = difflib.get_close_matches(key, known, n=1)
            hint = f" (mente du '{close[0]}'?)" if close else ""
            raise fail(key, f"ukendt nøgle{hint}; kendte nøgler: {', '.join(known)}")

    def selectors(key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise fail(key, 'skal være en liste af regelnavne eller koder, fx ["LC3", "long-word"]')
        for selector in value:
            if rules is not None and not rules.matching(selector):
                raise fail(key, f"ingen regel hedder eller har koden '{selector}'")
        return tuple(v.strip() for v in value)

    def severity(key: str, value: Any) -> Severity:
        try:
            return Severity(value)
        except (ValueError, TypeError):
            raise fail(key, f"'{value}' er ikke error, warning eller info") from None

    def number(key: str, value: Any, kind: type, low: float, high: float) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float) if kind is float else int):
            raise fail(key, f"skal være et {'tal' if kind is float else 'heltal'}")
        if not low <= value <= high:
            raise fail(key, f"skal ligge mellem {low:g} og {high:g}")
        return kind(value)

    kwargs: dict[str, Any] = {"source": source, "root": source.parent if source else None}
    if "select" in table:
        kwargs["select"] = selectors("select", table["select"])
    if "ignore" in table:
        kwargs["ignore"] = selectors("ignore", table["ignore"])
    if "severity" in table:
        value = table["severity"]
        if not isinstance(value, dict):
            raise fail("severity", 'skal være en tabel, fx { passive-voice = "warning" }')
        pairs = []
        for selector, level in value.items():
            selectors("severity", [selector])
            pairs.append((selector, severity(f"severity.{selector}", level)))
        kwargs["severity"] = tuple(pairs)
    overrides = []
    for key, setting in rule_keys.items():
        if key not in table:
            continue
        if setting is None:  # a phrase rule's key
            overrides.append((key, _extra_phrases(key, table[key], source, fail)))
        else:
            low = setting.low if setting.low is not None else -math.inf
            high = setting.high if setting.high is not None else math.inf
            kind = float if setting.number else int
            overrides.append((key, number(key, table[key], kind, low, high)))
    kwargs["overrides"] = tuple(overrides)
    if "lix-sentences" in table:
        value = table["lix-sentences"]
        if value not in ("danish", "simple"):
            raise fail("lix-sentences", 'skal være "danish" eller "simple"')
        kwargs["lix_sentences"] = value
    if "fail-on" in table:
        kwargs["fail_on"] = severity("fail-on", table["fail-on"])
    if "letter-timeout" in table:
        kwargs["letter_timeout"] = number(
            "letter-timeout", table["letter-timeout"], float, 1, 86_400
        )
    if "exclude" in table:
        value = table["exclude"]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise fail(
                "exclude", 'skal være en liste af stier eller mønstre, fx ["noter/*", "*.md"]'
            )
        kwargs["exclude"] = tuple(v.strip() for v in value)
    if "letter-types" in table:
        kwargs["letter_types"] = _letter_types(table["letter-types"], fail)
    if "per-path-ignores" in table:
        value = table["per-path-ignores"]
        if not isinstance(value, dict):
            raise fail("per-path-ignores", 'skal være en tabel, fx { "gamle/*" = ["LC3"] }')
        kwargs["per_path_ignores"] = tuple(
            (pattern, selectors(f"per-path-ignores.{pattern}", rule_list))
            for pattern, rule_list in value.items()
        )
    return Config(**kwargs)


def _ruleset() -> RuleSet | None:
    """The shipped rules, to validate selectors against. Loading them does not import spaCy.
    None when the rule files themselves are broken: the run then stops on that, with its one
    line naming the rule file, before any letter is checked."""
    from lettercheck.engine.ruleset import RuleError, load_rules

    try:
        return load_rules()
    except RuleError:
        return None


def _rule_keys(rules: RuleSet) -> dict[str, Setting | None]:
    """The configuration keys the rules name (``config-key`` in rules/*.yaml): a threshold's
    ``Setting``, or None for a phrase rule's key that adds phrases."""
    keys: dict[str, Setting | None] = {}
    for rule in rules:
        for setting in rule.settings:
            keys[setting.config_key] = setting
        if rule.config_key is not None:
            keys[rule.config_key] = None
    clash = [key for key in keys if key in _KEYS]
    if clash:
        from lettercheck.engine.ruleset import RuleError

        raise RuleError(f"config-key '{clash[0]}' er en af konfigurationens egne nøgler")
    return keys


def _extra_phrases(
    key: str, value: Any, source: Path | None, fail: Any
) -> tuple[tuple[str, str | None], ...]:
    """A phrase rule's added phrases: a table ``{phrase = "alternative"}`` or a TSV file."""
    if isinstance(value, dict):
        pairs = []
        for phrase, alternative in value.items():
            if not phrase.strip() or not isinstance(alternative, str):
                raise fail(key, 'skal være en tabel af udtryk = "alternativ"')
            pairs.append((phrase.strip(), alternative.strip() or None))
        return tuple(pairs)
    if isinstance(value, str):
        path = Path(value)
        if not path.is_absolute() and source is not None:
            path = source.parent / path
        try:
            text = read_regular(path, MAX_LIST_BYTES).decode("utf-8")
        except NotAFile as error:
            raise fail(key, f"filen {path} {error}; angiv en almindelig UTF-8-fil") from None
        except (OSError, UnicodeDecodeError):
            raise fail(key, f"filen {path} kan ikke læses (findes den, og er den UTF-8?)") from None
        pairs = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            columns = line.split("\t")
            if number == 1 and columns[0].strip().lower() == "phrase":
                continue
            if len(columns) < 2 or not columns[0].strip():
                raise fail(key, f"{path}:{number}: forventede 'udtryk<TAB>alternativ'")
            pairs.append((columns[0].strip(), columns[1].strip() or None))
        return tuple(pairs)
    raise fail(key, 'skal være en tabel { udtryk = "alternativ" } eller stien til en TSV-fil')


def _letter_types(value: Any, fail: Any) -> tuple[tuple[str, str], ...]:
    """``letter-types = { "afgoerelser/*" = "afgoerelse" }``: each glob names a known type
    (the Danish spelling "afgørelse" is accepted and stored as "afgoerelse")."""
    from lettercheck.model.words import LETTER_TYPES

    key = "letter-types"
    if not isinstance(value, dict) or not value:
        raise fail(key, 'skal være en tabel, fx { "afgoerelser/*" = "afgoerelse" }')
    pairs = []
    for pattern, letter_type in value.items():
        if not isinstance(letter_type, str) or not pattern.strip():
            raise fail(f"{key}.{pattern}", "skal være en brevtype i anførselstegn")
        normal = letter_type.strip().lower()
        for danish, ascii_ in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
            normal = normal.replace(danish, ascii_)
        if normal not in LETTER_TYPES:
            import difflib

            close = difflib.get_close_matches(normal, LETTER_TYPES, n=1)
            hint = f" (mente du '{close[0]}'?)" if close else ""
            raise fail(
                f"{key}.{pattern}",
                f"ukendt brevtype '{letter_type}'{hint}; kendte typer: {', '.join(LETTER_TYPES)}",
            )
        pairs.append((pattern.strip(), normal))
    return tuple(pairs)
