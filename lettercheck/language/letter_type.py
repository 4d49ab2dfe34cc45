"""What kind of letter is it? ``classify(document) -> LetterType`` (issue 12).

A decision must carry its reasons and complaints guidance, an invitation its time and place, a
hearing its deadline: what a letter must contain depends on its type, so the type is decided
first. The words are data in ``rules/types.yaml`` (validated strictly here, file:line errors);
this module only weighs where they stand: the subject line counts most, then the opening
paragraphs of the body, then the rest. The author can state the type, and that wins: a Word
comment ``lettercheck: type afgoerelse`` in the letter (read here) or a ``letter-types`` glob in
the configuration (``lettercheck.engine.config``, applied by the engine).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from lettercheck.language.literals import search as quick_search
from lettercheck.language.parts import SALUTATION
from lettercheck.model.document import Block, BlockKind, Document, LetterError, LetterPart
from lettercheck.model.findings import LetterType
from lettercheck.model.words import LETTER_TYPE_DA, LETTER_TYPES

TYPES_FILE = "types.yaml"
PLACES = ("subject", "opening", "body")
_TOP_KEYS = ("weights", "opening-paragraphs", "types")
_TYPE_KEYS = ("type", *PLACES, "examples")
_FLAGS = re.IGNORECASE | re.UNICODE
#: ``lettercheck: type afgoerelse`` (also written with æ/ø/å: "afgørelse", "partshøring").
_STATED = re.compile(r"^\s*lettercheck\s*:\s*type\s+(?P<type>\S+)", re.IGNORECASE)
_PLACE_DA = {"subject": "emnet", "opening": "brevets begyndelse", "body": "brevet"}


class TypeDataError(LetterError):
    """``rules/types.yaml`` is wrong: ``rules/types.yaml:12: …``."""


@dataclass(frozen=True, slots=True)
class TypeWords:
    """One type's patterns per place, and its example letters."""

    type: str
    patterns: dict[str, tuple[re.Pattern[str], ...]]
    examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Vocabulary:
    weights: dict[str, int]
    opening_paragraphs: int
    types: tuple[TypeWords, ...]


# --------------------------------------------------------------------------------------------
# Loading rules/types.yaml


@functools.cache
def load_vocabulary() -> Vocabulary:
    """The shipped vocabulary, validated once per process."""
    text = resources.files("lettercheck.rules_data").joinpath(TYPES_FILE).read_text("utf-8")
    return parse_vocabulary(f"rules/{TYPES_FILE}", text)


def _where(filename: str, node: Any) -> str:
    return f"{filename}:{node.start_mark.line + 1}"


def _hint(word: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f" (mente du '{close[0]}'?)" if close else ""


def _mapping(filename: str, node: Any, known: tuple[str, ...], what: str) -> dict[str, Any]:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        raise TypeDataError(f"{_where(filename, node)}: {what} skal være en mapping")
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key not in known:
            raise TypeDataError(
                f"{_where(filename, key_node)}: ukendt nøgle '{key}' i {what}{_hint(key, known)}"
            )
        if key in out:
            raise TypeDataError(f"{_where(filename, key_node)}: nøglen '{key}' står to gange")
        out[key] = value_node
    return out


def _scalar(filename: str, node: Any, what: str, kind: type = str) -> Any:
    import yaml

    if not isinstance(node, yaml.ScalarNode):
        raise TypeDataError(f"{_where(filename, node)}: {what} skal være en enkelt værdi")
    if kind is int:
        try:
            return int(node.value)
        except ValueError:
            raise TypeDataError(f"{_where(filename, node)}: {what} skal være et heltal") from None
    if not node.value:
        raise TypeDataError(f"{_where(filename, node)}: {what} må ikke være tom")
    return node.value


def _patterns(filename: str, node: Any, what: str) -> tuple[re.Pattern[str], ...]:
    import yaml

    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise TypeDataError(f"{_where(filename, node)}: {what} skal være en liste af udtryk")
    out = []
    for entry in node.value:
        example = None
        pattern_node = entry
        if isinstance(entry, yaml.MappingNode):
            sub = _mapping(filename, entry, ("pattern", "matches"), what)
            if "pattern" not in sub:
                raise TypeDataError(f"{_where(filename, entry)}: mangler 'pattern'")
            pattern_node = sub["pattern"]
            example = _scalar(filename, sub["matches"], "matches") if "matches" in sub else None
        source = _scalar(filename, pattern_node, what)
        try:
            regex = re.compile(source, _FLAGS)
        except re.error as error:
            raise TypeDataError(
                f"{_where(filename, pattern_node)}: ugyldigt regulært udtryk: {error}"
            ) from None
        if example is not None and not regex.search(example):
            raise TypeDataError(
                f"{_where(filename, pattern_node)}: udtrykket finder ikke sit eksempel »{example}«"
            )
        out.append(regex)
    return tuple(out)


def parse_vocabulary(filename: str, text: str) -> Vocabulary:
    """Validate the types file strictly; ``TypeDataError`` names file and line."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise TypeDataError(f"{filename}{line}: ugyldig YAML") from None
    if root is None:
        raise TypeDataError(f"{filename}:1: filen er tom")
    top = _mapping(filename, root, _TOP_KEYS, "filen")
    for key in _TOP_KEYS:
        if key not in top:
            raise TypeDataError(f"{_where(filename, root)}: mangler '{key}'")
    weights_node = _mapping(filename, top["weights"], PLACES, "weights")
    weights = {place: 0 for place in PLACES}
    for place, node in weights_node.items():
        weights[place] = _scalar(filename, node, f"weights.{place}", int)
    opening = _scalar(filename, top["opening-paragraphs"], "opening-paragraphs", int)
    if not isinstance(top["types"], yaml.SequenceNode) or not top["types"].value:
        raise TypeDataError(f"{_where(filename, top['types'])}: types skal være en liste")
    types: list[TypeWords] = []
    seen: set[str] = set()
    for entry in top["types"].value:
        sub = _mapping(filename, entry, _TYPE_KEYS, "en type")
        if "type" not in sub:
            raise TypeDataError(f"{_where(filename, entry)}: mangler 'type'")
        name = _scalar(filename, sub["type"], "type")
        if name not in LETTER_TYPES or name == "andet":
            known = [t for t in LETTER_TYPES if t != "andet"]
            raise TypeDataError(
                f"{_where(filename, sub['type'])}: ukendt brevtype '{name}'{_hint(name, known)}"
                f"; kendte typer: {', '.join(known)} (andet er det, der er tilbage)"
            )
        if name in seen:
            raise TypeDataError(f"{_where(filename, sub['type'])}: typen '{name}' står to gange")
        seen.add(name)
        patterns = {
            place: _patterns(filename, sub[place], place) if place in sub else ()
            for place in PLACES
        }
        examples: tuple[str, ...] = ()
        if "examples" in sub:
            node = sub["examples"]
            if not isinstance(node, yaml.SequenceNode) or not all(
                isinstance(e, yaml.ScalarNode) and e.value for e in node.value
            ):
                raise TypeDataError(f"{_where(filename, node)}: examples skal være tekster")
            examples = tuple(e.value for e in node.value)
        types.append(TypeWords(name, patterns, examples))
    return Vocabulary(weights, opening, tuple(types))


# --------------------------------------------------------------------------------------------
# Classifying


def normalise_type(word: str) -> str:
    """ "Afgørelse" → "afgoerelse": the stable value from the Danish word as a writer types it."""
    lowered = word.strip().strip(".,;:»«\"'").lower()
    for danish, ascii_ in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        lowered = lowered.replace(danish, ascii_)
    return lowered


def stated_in_comment(document: Document) -> LetterType | None:
    """The type a ``lettercheck: type …`` Word comment states; an unknown type is said in
    ``because`` and the text decides."""
    for comment in document.comments:
        match = _STATED.match(comment.text or "")
        if match is None:
            continue
        word = normalise_type(match.group("type"))
        if word in LETTER_TYPES:
            return LetterType(word, f"angivet i kommentaren »lettercheck: type {word}«", True)
    return None


def unknown_stated_type(document: Document) -> str | None:
    """The word of a ``lettercheck: type`` comment that names no type, if any."""
    for comment in document.comments:
        match = _STATED.match(comment.text or "")
        if match is not None and normalise_type(match.group("type")) not in LETTER_TYPES:
            return match.group("type")
    return None


def _is_flow(block: Block) -> bool:
    return block.kind not in (BlockKind.HEADER, BlockKind.FOOTER)


def places_of(document: Document, opening_paragraphs: int) -> dict[str, str]:
    """The letter's text in the three places the vocabulary reads."""
    blocks = [b for b in document.blocks if _is_flow(b) and b.text.strip()]
    tagged = any(b.part is not None for b in blocks)
    subject = [b.text for b in blocks if b.part == LetterPart.SUBJECT]
    if not subject:
        subject = [b.text for b in blocks if b.kind == BlockKind.HEADING][:1]
    if tagged:
        body = [b for b in blocks if b.part == LetterPart.BODY]
        rest = [b for b in blocks if b.part in (LetterPart.BODY, LetterPart.LEGAL)]
    else:
        start = next((i + 1 for i, b in enumerate(blocks) if SALUTATION.match(b.text)), 0)
        body = [b for b in blocks[start:] if b.kind != BlockKind.HEADING]
        rest = body
    opening: list[str] = []
    count = 0
    for block in body:
        if count >= opening_paragraphs:
            break
        opening.append(block.text)
        if block.kind != BlockKind.HEADING:
            count += 1
    return {
        "subject": "\n".join(subject),
        "opening": "\n".join(opening),
        "body": "\n".join([*subject, *(b.text for b in rest)]),
    }


def classify(document: Document, vocabulary: Vocabulary | None = None) -> LetterType:
    """The type the letter's words say it is, with the words that decided it."""
    vocabulary = vocabulary or load_vocabulary()
    texts = places_of(document, vocabulary.opening_paragraphs)
    # Each pattern is first ruled out by the literals it needs (literals.search): ~90 patterns
    # per letter, most of them case-insensitive alternations that no word in the text starts.
    folded = {place: text.casefold() for place, text in texts.items()}
    best: tuple[int, int, str, str, str] | None = None  # (score, -order, type, place, words)
    for order, words in enumerate(vocabulary.types):
        score = 0
        evidence: tuple[int, str, str] | None = None
        for place in PLACES:
            for regex in words.patterns[place]:
                match = quick_search(regex, texts[place], folded[place])
                if match is None:
                    continue
                weight = vocabulary.weights[place]
                score += weight
                if evidence is None or weight > evidence[0]:
                    evidence = (weight, place, match.group(0))
                break
        if score and evidence is not None:
            candidate = (score, -order, words.type, evidence[1], evidence[2])
            if best is None or candidate[:2] > best[:2]:
                best = candidate
    if best is None:
        return LetterType("andet", "ingen ord om en bestemt type i emnet eller brevets begyndelse")
    _score, _order, name, place, found = best
    shown = " ".join(found.split())
    if len(shown) > 40:
        shown = shown[:39].rsplit(" ", 1)[0] + " …"
    return LetterType(name, f"{_PLACE_DA[place]} nævner »{shown}«")


def type_word(letter_type: str) -> str:
    """The Danish word the reports show ("afgørelse")."""
    return LETTER_TYPE_DA.get(letter_type, letter_type)
