"""The ``require`` rule kind: something a letter (of a type) must contain, in a given place.

A decision must have complaints guidance somewhere, its result in the first five lines of the
body, and its guidance must say where, how and by when; an invitation must name a time and a
place. These are one kind of rule, as Vale's existence and occurrence checks are one kind: the
rule's data says what counts (regexes, merge field names), where it must stand, and when the
rule applies (``rules/*.yaml``; the format is in ``lettercheck.engine.ruleset``). This module
knows only the places of a letter (from the letter parts) and how to look there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lettercheck.engine.ruleset import Needed, Requirement
from lettercheck.language.literals import could_match
from lettercheck.language.literals import search as quick_search
from lettercheck.model.document import Block, BlockKind, Document, LetterPart

#: About how many characters a line of a letter holds (A4, 11 pt, normal margins): "the first
#: five lines" is the first 450 characters of the body, paragraph breaks ending a line early.
LINE_CHARS = 90
_NOT_LETTER = (LetterPart.ADDRESS, LetterPart.HEADER, LetterPart.FOOTER)
_MAX_HEADING_WORDS = 8


@dataclass(frozen=True, slots=True)
class Outcome:
    """Whether the rule applies to the letter, and what is missing when it does."""

    applies: bool
    missing: tuple[str, ...] = ()  # the names of the missing things ("" for a single one)

    @property
    def fails(self) -> bool:
        return self.applies and bool(self.missing)


def _flow(document: Document) -> list[Block]:
    return [b for b in document.blocks if b.kind not in (BlockKind.HEADER, BlockKind.FOOTER)]


def _tagged(blocks: Sequence[Block]) -> bool:
    return any(b.part is not None for b in blocks)


def letter_blocks(document: Document) -> list[Block]:
    """Everything the citizen reads as the letter: not the address block, header or footer."""
    blocks = _flow(document)
    if not _tagged(blocks):
        return blocks
    return [b for b in blocks if b.part not in _NOT_LETTER]


def body_blocks(document: Document) -> list[Block]:
    """The message: subject, salutation and body (untagged: the whole flow)."""
    blocks = _flow(document)
    if not _tagged(blocks):
        return blocks
    parts = (LetterPart.SUBJECT, LetterPart.SALUTATION, LetterPart.BODY)
    return [b for b in blocks if b.part in parts]


def first_lines(document: Document, lines: int) -> list[tuple[Block, str]]:
    """The body's first ``lines`` lines: (block, the part of its text within them)."""
    blocks = _flow(document)
    body = [b for b in blocks if b.part == LetterPart.BODY] if _tagged(blocks) else blocks
    out: list[tuple[Block, str]] = []
    left = lines * LINE_CHARS
    for block in body:
        text = block.text.strip()
        if not text or left <= 0:
            continue
        out.append((block, text[:left]))
        used = max(1, -(-len(text) // LINE_CHARS))  # whole lines, rounded up
        left -= used * LINE_CHARS
    return out


def _heading_like(block: Block) -> bool:
    text = block.text.strip()
    if not text or len(text.split()) > _MAX_HEADING_WORDS:
        return False
    return block.kind == BlockKind.HEADING or block.bold or text[-1] in ":?"


def section_blocks(document: Document, headings: Sequence[re.Pattern[str]]) -> list[Block]:
    """The paragraphs under a heading that matches ``headings`` (to the next heading), and a
    paragraph that itself matches one ("Hvis du vil klage, skal du …") with the one after it.
    The closing ends a section; a section after it (a complaints guidance printed after the
    signature, as Udbetaling Danmark and many templates do) is read like one before it."""
    out: list[Block] = []
    inside = False
    take_next = False
    for block in letter_blocks(document):
        text = block.text.strip()
        if not text:
            continue
        if block.part == LetterPart.CLOSING:
            inside = take_next = False
            continue
        if block.part == LetterPart.SIGNATURE and not (inside or _heading_like(block)):
            continue
        if _heading_like(block):
            inside = any(h.search(text) for h in headings)
            take_next = False
            if inside:
                out.append(block)
            continue
        if inside or take_next:
            out.append(block)
            take_next = False
        elif any(h.search(text) for h in headings):
            out.append(block)
            take_next = True
    return out


def _place(document: Document, requirement: Requirement) -> list[tuple[Block, str]]:
    where = requirement.where
    if where == "first-lines":
        return first_lines(document, requirement.lines)
    if where == "body":
        blocks = body_blocks(document)
    elif where == "legal":
        blocks = [b for b in _flow(document) if b.part == LetterPart.LEGAL]
    elif where == "section":
        blocks = section_blocks(document, requirement.section)
    else:
        blocks = letter_blocks(document)
    return [(b, b.text) for b in blocks]


def _blank(text: str, ignore: Iterable[re.Pattern[str]]) -> str:
    """``text`` with the words ``ignore`` matches replaced by spaces (offsets kept)."""
    for regex in ignore:
        text = regex.sub(lambda m: " " * len(m.group(0)), text)
    return text


def _field_names(block: Block) -> Iterable[str]:
    for placeholder in block.placeholders:
        yield placeholder.name
    for control in block.controls:
        yield control.alias or ""
        yield control.tag or ""


def _normal(name: str) -> str:
    return re.sub(r"[^a-zæøå]", "", name.lower())


def _present(needed: Needed, place: _Place) -> bool:
    """Does one of ``needed``'s patterns match a block of the place, or a field's name?"""
    # Only the patterns whose literals stand somewhere in the place can match in one of its
    # blocks (a literal of a block's text is in the joined text too); most letters have none.
    patterns = [r for r in needed.patterns if could_match(r, place.folded_all)]
    for (block, _text), searched, folded in zip(
        place.blocks, place.searched, place.folded, strict=True
    ):
        if patterns and any(quick_search(r, searched, folded) for r in patterns):
            return True
        if needed.fields and any(
            word in _normal(name) for name in _field_names(block) for word in needed.fields
        ):
            return True
    return False


class _Place:
    """The blocks (and texts) where a requirement looks, with the texts searched (``ignore``'s
    words blanked out), once per requirement instead of once per thing needed and block."""

    __slots__ = ("blocks", "folded", "folded_all", "searched")

    def __init__(self, blocks: list[tuple[Block, str]], ignore: Sequence[re.Pattern[str]]):
        self.blocks = blocks
        self.searched = [_blank(text, ignore) if ignore else text for _b, text in blocks]
        self.folded = [text.casefold() for text in self.searched]
        self.folded_all = "\n".join(self.folded)


def evaluate(document: Document, requirement: Requirement) -> Outcome:
    """Does the requirement apply to this letter, and what is missing?

    Every pattern is first ruled out by the literals it needs (``literals.search``), on the
    case-folded text: the same outcome as ``regex.search`` alone, without trying most patterns
    at every position of the letter."""
    whole = "\n".join(b.text for b in letter_blocks(document))
    folded = whole.casefold()

    def found(patterns: Sequence[re.Pattern[str]]) -> bool:
        return any(quick_search(r, whole, folded) for r in patterns)

    if requirement.when and not found(requirement.when):
        return Outcome(applies=False)
    if requirement.unless and found(requirement.unless):
        return Outcome(applies=False)
    place = _Place(_place(document, requirement), requirement.ignore)
    missing = []
    for needed in requirement.needed:
        if needed.when and not found(needed.when):
            continue
        if needed.unless and found(needed.unless):
            continue
        if not _present(needed, place):
            missing.append(needed.name)
    return Outcome(applies=True, missing=tuple(missing))


def join_danish(names: Sequence[str]) -> str:
    """ "hvor", "hvordan", "fristen" → "hvor, hvordan og fristen"."""
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " og " + names[-1]
