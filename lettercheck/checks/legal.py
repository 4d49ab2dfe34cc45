"""Legal references placed early (LC101).

Fredericia Kommune's analysis (2019) recommended references to legislation last: a citizen who
meets "§ 16, stk. 1" before the message stops reading. The patterns are data in
rules/structure.yaml.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from lettercheck.checks import Hit, check
from lettercheck.model.document import BlockKind, LetterPart

if TYPE_CHECKING:
    from lettercheck.language.analysis import Analysis
from lettercheck.checks.common import (
    MESSAGE_PARTS,
    any_strong_atom,
    blocks_of,
    closing_index,
    compile_pattern,
    option,
    strong_literals,
)

# --------------------------------------------------------------------------------------------


def find_legal_references(text: str, options: Mapping[str, Any]) -> list[tuple[int, int]]:
    """Spans of the legal references in ``text``.

    The span of one reference is the whole citation as a reader sees it: an optional leading "jf.",
    a law's name, the paragraph with its stk./nr./litra/pkt., and a trailing "i <law>". For example
    "jf. sygedagpengelovens § 21, stk. 1, nr. 3" and "§ 19 i forvaltningsloven" are one reference
    each. Atoms are found by the patterns in ``options["atoms"]``; neighbouring atoms separated only
    by ``options["joiner"]`` (a space, a comma, " i ") are joined. A group is a reference only if it
    holds a *strong* atom: "jf." or "kapitel 3" alone is not a legal reference ("jf. vores brev").
    """
    specs = option(options, "atoms")
    strong = tuple(a["pattern"] for a in specs if bool(a.get("strong", True)))
    literals = strong_literals(strong)
    if literals is not None:
        # Cheaper than the search below (a case-insensitive regex that starts with \b or a
        # look-behind cannot skip ahead to a first character): most blocks hold none of "§",
        # "stk.", "lov", "nr", "bekendtgørelse"… in any case, so no strong atom can match there.
        folded = text.casefold()
        if not any(literal in folded for literal in literals):
            return []
    strong_any = any_strong_atom(strong)
    if strong_any is not None and strong_any.search(text) is None:
        # A reference needs a strong atom; one search over the text for any of them saves
        # running every atom's pattern over the many blocks that cite nothing.
        return []
    atoms: list[tuple[int, int, bool]] = []
    for atom in specs:
        regex = compile_pattern(atom["pattern"])
        strong = bool(atom.get("strong", True))
        for match in regex.finditer(text):
            if match.end() > match.start():
                atoms.append((match.start(), match.end(), strong))
    if not atoms:
        return []
    atoms.sort(key=lambda a: (a[0], -a[1]))
    joiner = compile_pattern(f"(?:{option(options, 'joiner')})\\Z")
    groups: list[list[int | bool]] = []
    for start, end, strong in atoms:
        if groups:
            last = groups[-1]
            if start < last[1]:  # overlapping atoms: extend
                last[1] = max(last[1], end)
                last[2] = last[2] or strong
                continue
            if joiner.match(text, last[1], start) or text[last[1] : start] == "":
                last[1] = end
                last[2] = last[2] or strong
                continue
        groups.append([start, end, strong])
    # The patterns end on the period of "stk."/"nr." but never on a sentence's full stop.
    return [(int(start), int(end)) for start, end, strong in groups if strong]


@check("legal-reference-early")
def legal_reference_early(analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Hit]:
    """Each legal reference placed before the letter's final legal section.

    "Final legal section" is the run of blocks tagged ``LetterPart.LEGAL`` ("Regler",
    "Lovgrundlag", "Klagevejledning", "Sådan klager du" …). A reference in the address block
    (where a long or plain-text subject line stays), subject, salutation or body before that
    section is early; one inside it, after it, in the signature or in the attachments list is in
    its place. A letter with no legal section has its references early when they stand before the
    closing ("Med venlig hilsen"). Headers and footers are not part of the reading order and are
    never flagged.
    """
    blocks = blocks_of(analysis)
    # The final legal section is the run of legal blocks that no message block follows; a rules
    # section in the middle of the body ("Retsgrundlag" before "Hvad sker der nu?") is in its
    # place too, but what follows it is still read before the final rules.
    last_message = max((b.index for b in blocks if b.part in _BODY_PARTS), default=-1)
    legal_start = next(
        (b.index for b in blocks if b.part == LetterPart.LEGAL and b.index > last_message), None
    )
    reasons_and_rules = [compile_pattern(p) for p in option(options, "reasons-and-rules-headings")]
    section_level: int | None = None  # the level of the reasons-and-rules heading we are under
    closing = closing_index(blocks)
    closing_at = blocks[closing].index if closing is not None else None
    has_legal = legal_start is not None
    legal_title = ""
    if has_legal:
        title = next(b.text for b in blocks if b.index == legal_start).strip()
        legal_title = title if len(title) <= 40 else "Regler"
    for block in blocks:
        if block.kind in (BlockKind.HEADER, BlockKind.FOOTER):
            continue
        if _is_heading(block):
            # forvaltningsloven § 24: the reasons must name the rules, so a section whose heading
            # names both ("Begrundelse, herunder reglerne", "Begrundelse og regler") is where the
            # rules belong, wherever it stands; its sub-headings ("Miljøoplysninger") are in it.
            level = _heading_level(block)
            if any(r.search(block.text) for r in reasons_and_rules):
                section_level = level
            elif section_level is not None and level <= section_level:
                section_level = None
        if section_level is not None:
            continue
        if block.part not in MESSAGE_PARTS and not (
            # What follows the signature but precedes the final legal section (a decision's
            # "Begrundelse" or a note placed after "Med venlig hilsen") is read before the rules
            # too: "databeskyttelsesloven" there is early (corpus/real/SOURCES_ud.md).
            has_legal and block.part == LetterPart.SIGNATURE
        ):
            continue
        if has_legal and block.index >= legal_start:
            continue
        if not has_legal and closing_at is not None and block.index >= closing_at:
            continue
        for start, end in find_legal_references(block.text, options):
            words = block.text[start:end]
            if not has_legal:
                message = (
                    f"Lovhenvisningen »{words}« står tidligt i brevet. Saml lovhenvisningerne i"
                )
                section = "et afsnit om regler sidst i brevet"
            elif _complaints_only(legal_title):
                # The legal basis of a decision is not complaints guidance: a rules section
                # goes right before it.
                message = (
                    f"Lovhenvisningen »{words}« står før afsnittet »{legal_title}«. Saml "
                    "lovhenvisningerne i"
                )
                section = f"et afsnit om regler lige før »{legal_title}«"
            else:
                message = (
                    f"Lovhenvisningen »{words}« står før afsnittet »{legal_title}«. Flyt den til"
                )
                section = f"afsnittet »{legal_title}«"
            # The advice is an instruction, not words to put in place of the reference, so it
            # is part of the message and the finding has no suggestion.
            yield Hit(
                block=block.index,
                start=start,
                end=end,
                message=(
                    f"{message} {section}, og skriv her med almindelige ord, hvad reglen betyder "
                    "for borgeren."
                ),
            )


_BODY_PARTS = frozenset({LetterPart.BODY, LetterPart.SUBJECT, LetterPart.SALUTATION})
_HEADING_WORDS = 8


def _is_heading(block) -> bool:
    """A heading by style or bold, short: the start of a section."""
    text = block.text.strip()
    return (
        bool(text)
        and len(text.split()) <= _HEADING_WORDS
        and (block.kind is BlockKind.HEADING or block.bold)
    )


def _heading_level(block) -> int:
    """ "Heading 2"/"Overskrift 2" → 2; a bold line without a numbered style ranks below them."""
    digits = "".join(c for c in (block.style or "") if c.isdigit())
    return int(digits) if digits and block.kind is BlockKind.HEADING else 9


def _complaints_only(title: str) -> bool:
    """A final section about complaints alone ("Klagevejledning", "Sådan klager du"), not one
    that also holds the rules ("Regler og klagevejledning", "Lovgrundlag og klage")."""
    lower = title.lower()
    return "klag" in lower and not any(w in lower for w in ("regel", "regler", "lov", "grundlag"))


# --------------------------------------------------------------------------------------------
