"""What the letter-structure checks share: compiled patterns, options, blocks, sentences and lines.

The structure rules (legal references, contact details, purpose and goal) all ask *where* in the
letter something stands; these helpers answer it once, from the rule's options in
rules/structure.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from lettercheck.language.literals import FOLD_SAFE, required_literals
from lettercheck.language.parts import CLOSING
from lettercheck.model.document import Block, BlockKind, LetterPart

if TYPE_CHECKING:
    from lettercheck.language.analysis import Analysis


FLAGS = re.IGNORECASE | re.UNICODE

#: Parts that carry the letter's message; a legal reference there comes "early".
#: The address part counts too: a subject line that the part tagger did not take for a heading
#: (too long, or plain text) stays there, and it is read first.
MESSAGE_PARTS = frozenset(
    {LetterPart.ADDRESS, LetterPart.SUBJECT, LetterPart.SALUTATION, LetterPart.BODY, None}
)
__all__ = ["FOLD_SAFE", "required_literals"]  # re-exported: legal.py and the tests read them here

#: Closing formulas (parts.py's), used when the letter parts were not tagged (plain test
#: documents) and to find the signature lines that follow a closing inside the same block.
CLOSING_RE = re.compile(CLOSING.pattern, FLAGS)


# --------------------------------------------------------------------------------------------
# Helpers shared by the rules
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, FLAGS)


def compile_any(patterns: Sequence[str] | str) -> re.Pattern[str]:
    """One regex that matches any of ``patterns`` (each kept as its own group of alternatives)."""
    if isinstance(patterns, str):
        return compile_pattern(patterns)
    return compile_joined(tuple(patterns))


@lru_cache(maxsize=256)
def compile_joined(patterns: tuple[str, ...]) -> re.Pattern[str]:
    # Cached on the tuple: joining a list of alternatives per call was a measurable part of the
    # contact rules, which call this for every block.
    return compile_pattern("|".join(f"(?:{p})" for p in patterns))


@lru_cache(maxsize=64)
def any_strong_atom(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex that finds whether any of the strong atoms ``patterns`` occurs in a text, or
    None when they cannot be joined safely (a capturing group could be a back-reference's
    target, and numbering shifts in a join)."""
    try:
        if any(compile_pattern(p).groups for p in patterns):
            return None
        return compile_pattern("|".join(f"(?:{p})" for p in patterns)) if patterns else None
    except re.error:
        return None


@lru_cache(maxsize=64)
def strong_literals(patterns: tuple[str, ...]) -> tuple[str, ...] | None:
    """Literals one of which (case-folded) any text that a strong atom matches holds; None when
    one of the atoms has no such literals (then every text goes to the regex search)."""
    found: set[str] = set()
    for pattern in patterns:
        literals = required_literals(pattern)
        if literals is None:
            return None
        found |= literals
    # "lov" in a text implies "loven": keep only literals that hold no other one.
    minimal = {f for f in found if not any(o != f and o in f for o in found)}
    return tuple(sorted(minimal)) if minimal else None


def option(options: Mapping[str, Any], key: str) -> Any:
    """A required option; the rule's YAML entry must provide it (rules/structure.yaml)."""
    try:
        return options[key]
    except KeyError:
        raise KeyError(f"rules/structure.yaml: option {key!r} is missing for this rule") from None


def blocks_of(analysis: Analysis) -> list[Block]:
    return list(analysis.document.blocks)


def parts_tagged(blocks: Sequence[Block]) -> bool:
    return any(b.part is not None for b in blocks)


def closing_index(blocks: Sequence[Block]) -> int | None:
    """Index (in ``blocks``) of the first closing block, by part or, untagged, by its formula."""
    for i, block in enumerate(blocks):
        if block.part == LetterPart.CLOSING:
            return i
    if not parts_tagged(blocks):
        for i, block in enumerate(blocks):
            if block.kind not in (BlockKind.HEADER, BlockKind.FOOTER) and CLOSING_RE.search(
                block.text
            ):
                return i
    return None


def sentences_of(analysis: Analysis, position: int) -> list[tuple[int, int]]:
    """Sentence spans (start, end in the block's text) of block ``position``, as the Danish
    pipeline found them: it knows abbreviations ("jf.", "kl. 10.00")."""
    return [(start, end) for _f, _l, start, end in analysis.sentence_bounds(position)]


def lines_of(text: str) -> list[tuple[int, str]]:
    """(offset, line) for each line of a block (soft line breaks arrive as newlines)."""
    out = []
    offset = 0
    for line in text.split("\n"):
        out.append((offset, line))
        offset += len(line) + 1
    return out


def normalise_name(name: str | None) -> str:
    """A field or control name reduced to lower-case letters, for keyword matching."""
    return re.sub(r"[^a-zæøå]", "", (name or "").lower())


# --------------------------------------------------------------------------------------------
# legal-reference-early
