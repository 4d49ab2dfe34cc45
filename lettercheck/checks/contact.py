"""The caseworker's contact details: name, phone, e-mail and an SMS option (LC201-LC204).

Fredericia recommended the caseworker's phone and e-mail, and a way to send an SMS, in every
standard letter. The logic here decides *whose* detail a number or address is (the caseworker's,
the citizen's or a third party's); the words it reads are options in rules/structure.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lettercheck.checks import Hit, check
from lettercheck.language.literals import DIGIT, could_match, needs_digit
from lettercheck.language.parts import SALUTATION
from lettercheck.model.document import Block, BlockKind, LetterPart

if TYPE_CHECKING:
    from lettercheck.language.analysis import Analysis
from lettercheck.checks.common import (
    CLOSING_RE,
    FLAGS,
    blocks_of,
    closing_index,
    compile_any,
    compile_pattern,
    lines_of,
    normalise_name,
    option,
    parts_tagged,
)

# Contact details: name, phone, e-mail, SMS
# --------------------------------------------------------------------------------------------


def _citizen_zone(blocks: Sequence[Block], options: Mapping[str, Any]) -> set[int]:
    """Block indexes of the citizen's address block at the top of the letter.

    That is the ADDRESS part (everything before the subject or salutation; untagged documents:
    the main-story blocks before the first "Kære …" or heading), except what carries a sender
    marker ("Jobcenter", "Sagsbehandler", "Direkte tlf." …): a letterhead table often holds the
    citizen's address on the left and the caseworker's details on the right, and a sender block
    may follow the citizen's address. Paragraphs from the first sender marker on, and every table
    column with one, are the sender's.
    """
    sender = compile_any(option(options, "sender-markers"))
    salutation = SALUTATION
    tagged = parts_tagged(blocks)
    top: list[Block] = []
    if tagged:
        top = [b for b in blocks if b.part == LetterPart.ADDRESS]
    else:
        for block in blocks:
            if block.kind in (BlockKind.HEADER, BlockKind.FOOTER, BlockKind.TEXT_BOX):
                continue
            if salutation.search(block.text) or block.kind == BlockKind.HEADING:
                break
            top.append(block)
        flow = [b for b in blocks if b.kind not in (BlockKind.HEADER, BlockKind.FOOTER)]
        if len(top) == len(flow):
            return set()  # no subject or salutation found: do not guess
    zone: set[int] = set()
    # Group table cells by (table, column): a column is one address block; so is a text box (the
    # address window of an envelope letter), i.e. a run of consecutive text-box blocks.
    groups: dict[object, list[Block]] = {}
    boxes = 0
    previous: Block | None = None
    for block in top:
        if block.kind == BlockKind.TEXT_BOX:
            if previous is None or previous.kind != BlockKind.TEXT_BOX:
                boxes += 1
            key: object = ("box", boxes)
        elif block.table:
            key = (block.story, block.table[0], block.table[2])
        else:
            key = "paragraphs"
        groups.setdefault(key, []).append(block)
        previous = block
    # A letterhead written as label | value rows ("Sagsbehandler | Rasmus Holt", "Direkte telefon
    # | 45 67 89 01", "E-mail | raho@ravnkilde.dk"): the value column has no marker of its own,
    # but a value whose label cell is the sender's or a contact label is the sender's.
    contact_label = compile_any([*option(options, "phone-labels"), r"\be-?mail\b"])
    cells = {(b.story, *b.table): b.text for b in top if b.table}

    def labelled_as_sender(block: Block) -> bool:
        if not block.table or block.table[2] == 0:
            return False
        left = cells.get((block.story, block.table[0], block.table[1], block.table[2] - 1), "")
        return len(left.split()) <= 4 and bool(sender.search(left) or contact_label.search(left))

    for key, members in groups.items():
        if key == "paragraphs":
            for b in members:
                if sender.search(b.text):
                    break
                zone.add(b.index)
        elif not any(sender.search(b.text) for b in members):
            zone.update(b.index for b in members if not labelled_as_sender(b))
    return zone


def _fields(block: Block) -> Iterator[tuple[str, int, int]]:
    """(normalised name, start, end) of every merge field, variable and content control."""
    for p in block.placeholders:
        yield normalise_name(p.name), p.start, p.end
    for c in block.controls:
        yield normalise_name(c.alias), c.start, c.end
        yield normalise_name(c.tag), c.start, c.end


def _field_matches(name: str, spec: Mapping[str, Any]) -> bool:
    """Does a field/control name denote this detail (and not the citizen's)?"""
    if not name:
        return False
    if any(word in name for word in spec.get("exclude", ())):
        return False
    if not any(word in name for word in spec.get("any", ())):
        return False
    needs = spec.get("with", ())
    return not needs or any(word in name for word in needs)


def _citizen_labelled(text: str, start: int, options: Mapping[str, Any]) -> bool:
    """Is the detail at ``start`` labelled as the citizen's ("Dit telefonnummer", "CPR", "vi
    ringer til dig på …")? Read in its own sentence (or line), before the detail: "Vi ringer til
    dig i morgen. Har du spørgsmål, så ring til mig på …" gives the sender's number."""
    regex = compile_any(option(options, "citizen-labels"))
    return bool(regex.search(text, _sentence_start_before(text, start), start + 1))


#: Where a sentence or line ends, in text before a contact detail (see ``_third_party``); not
#: after the abbreviations that stand before numbers ("tlf. Nr. 20 30 40 50", "kl. 9").
_SENTENCE_END = re.compile(
    r"\n|(?<!\btlf)(?<!\bnr)(?<!\bkl)(?<!\bca)(?<!\bjf)(?<!\btel)[.!?]\s+(?=[A-ZÆØÅ])",
    re.IGNORECASE,
)
#: A sentence that only goes on about the previous one's detail: "Vi har dit nye nummer. Det
#: er 20 30 40 50."
_GOES_ON = re.compile(r"\s*(?:det|nummeret|numret|adressen|mailen)\s+er\b", re.IGNORECASE)


def _sentence_start_before(text: str, start: int) -> int:
    """Offset where the sentence (or line) holding ``start`` begins; the sentence before it too
    when this one only goes on about it ("Det er …")."""
    ends = [0] + [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    if len(ends) > 1 and _GOES_ON.match(text, ends[-1]):
        return ends[-2]
    return ends[-1]


_SENDER_AGAIN = re.compile(r"\b(?:mig|os|jobcent\w*|sagsbehandler\w*)\b", FLAGS)


_POINTS_BACK = re.compile(r"\b(?:ham|hende|han|hun|vedkommende)\b", re.IGNORECASE)


def _third_party(text: str, start: int, options: Mapping[str, Any]) -> bool:
    """Is the detail at ``start`` someone else's: the internship's contact, a mentor, a doctor?

    Decided on the sentence (or line) before the detail: "Din mentor, Ole Berg, har tlf. …", and
    on the sentence before that when this one points back to a person ("ring til ham på …").
    """
    regex = compile_any(option(options, "third-party-labels"))
    before = text[:start]
    ends = [0] + [m.end() for m in _SENTENCE_END.finditer(before)]
    sentence = ends[-1]
    # "Din kontaktperson i praktikken er Bent Lund. Du kan ringe til ham på …": a pronoun that
    # points back carries the previous sentence's person into this one.
    if len(ends) > 1 and _POINTS_BACK.search(before, sentence):
        sentence = ends[-2]
    matches = list(regex.finditer(before, sentence))
    if not matches:
        return False
    # "… din mentor eller praktikken, så ring til mig på …": the detail is the sender's again.
    return not _SENDER_AGAIN.search(before, matches[-1].end())


def _contact_blocks(analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Block]:
    """Every block that may hold the caseworker's details: all but the citizen's address block."""
    blocks = blocks_of(analysis)
    zone = _citizen_zone(blocks, options)
    for block in blocks:
        if block.index not in zone:
            yield block


def _has_field(analysis: Analysis, options: Mapping[str, Any], spec_key: str) -> bool:
    spec = option(options, spec_key)
    for block in blocks_of(analysis):
        for name, _s, _e in _fields(block):
            if _field_matches(name, spec):
                return True
    return False


def _item_before(text: str, start: int, limit: int) -> str:
    """Up to ``limit`` characters before ``start``, within the same item of a line: a letterhead
    "Sagsnr. 15.02.00-G01 · Tlf. 72 10 60 12" holds two items, and the case-number label of the
    first must not disqualify the phone number of the second."""
    before = text[max(0, start - limit) : start]
    cut = max(before.rfind(sep) for sep in ("\n", "·", "|", "•", "\t", ";"))
    return before[cut + 1 :]


def _phone_candidates(
    block: Block, options: Mapping[str, Any], row_label: str = ""
) -> list[tuple[int, int]]:
    """Spans of everything in a block that is a phone number (whoever's it is).

    Formatted numbers ("72 10 60 12", "7210 6012", "+45 …") count as they stand; eight digits run
    together ("72106012") count only after a phone label ("Tlf.", "Telefon", "Ring …"), because
    case and journal numbers look the same. In a table cell that starts with the number, the
    label may be the cell to its left (``row_label``): "| Direkte telefon | 44992041 |".
    """
    formatted = compile_any(option(options, "phone-patterns"))
    bare = compile_pattern(option(options, "phone-bare-pattern"))
    label = compile_any(option(options, "phone-labels"))
    not_phone = compile_any(option(options, "not-phone-labels"))
    spans: list[tuple[int, int]] = []
    text = block.text
    if needs_digit(formatted.pattern) and needs_digit(bare.pattern) and DIGIT.search(text) is None:
        return spans  # a number needs digits, and most paragraphs have none
    for match in formatted.finditer(text):
        if not not_phone.search(_item_before(text, match.start(), 30)):
            spans.append(match.span())
    for match in bare.finditer(text):
        if any(s <= match.start() < e for s, e in spans):
            continue
        before = _item_before(text, match.start(), 40)
        if not before.strip() and before == text[: match.start()] and row_label:
            before = row_label[-40:]  # "| Direkte telefon | 44992041 |"
        if label.search(before) and not not_phone.search(before):
            spans.append(match.span())
    return spans


def find_phone_numbers(
    block: Block, options: Mapping[str, Any], row_label: str = ""
) -> list[tuple[int, int]]:
    """Spans of phone numbers in a block that are not labelled as the citizen's or a third
    party's (see ``_phone_candidates`` and ``_someone_elses``)."""
    return [
        s
        for s in _phone_candidates(block, options, row_label)
        if not _someone_elses(block, s[0], options, row_label)
    ]


def _someone_elses(block: Block, start: int, options: Mapping[str, Any], row_label: str) -> bool:
    """Is the detail at ``start`` the citizen's or a third party's? Told by the words before it in
    its sentence, and for a detail that opens a table cell by the cell to its left ("| Mentorens
    telefon | 40 11 22 33 |", "| Dit telefonnummer | … |")."""
    text = block.text
    if _citizen_labelled(text, start, options) or _third_party(text, start, options):
        return True
    if row_label and not text[:start].strip():
        # The label cell read as the detail's own words before it, by the same rules.
        label = row_label + " "
        return _citizen_labelled(label, len(label) - 1, options) or _third_party(
            label, len(label), options
        )
    return False


def _email_candidates(block: Block, options: Mapping[str, Any]) -> list[tuple[int, int]]:
    """Spans of e-mail addresses in the text and of mailto: links (one per address)."""
    regex = compile_pattern(option(options, "email-pattern"))
    text = block.text
    spans = [m.span() for m in regex.finditer(text)] if could_match(regex, text.casefold()) else []
    for link in block.links:
        if link.target.startswith("mailto:") and not any(
            s < link.end and link.start < e for s, e in spans
        ):
            spans.append((link.start, link.end))
    return spans


def find_emails(
    block: Block, options: Mapping[str, Any], row_label: str = ""
) -> list[tuple[int, int]]:
    """Spans of e-mail addresses (text or mailto: links) that are not someone else's (see
    ``_someone_elses``; ``row_label`` is the text of the table cell to the left)."""
    return [
        s
        for s in _email_candidates(block, options)
        if not _someone_elses(block, s[0], options, row_label)
    ]


def _table_cells(analysis: Analysis) -> dict[tuple, list[Block]]:
    """The blocks of every table cell, by (story, table, row, column), in order."""
    cells: dict[tuple, list[Block]] = {}
    for block in blocks_of(analysis):
        if block.table:
            cells.setdefault((block.story, *block.table), []).append(block)
    return cells


def _label_to_the_left(block: Block, cells: Mapping[tuple, list[Block]], zone: set[int]) -> str:
    """The text beside ``block`` in the cell to its left: the paragraph in the same place
    ("Telefon:¶E-mail:" | "44992041¶tr@x.dk"), or the whole cell when it has one paragraph.
    Nothing when that cell is the citizen's address (a letterhead table: address | sender)."""
    if not block.table or block.table[2] == 0:
        return ""
    table, row, column = block.table
    mine = cells.get((block.story, table, row, column), [])
    left = cells.get((block.story, table, row, column - 1), [])
    beside = None
    if len(left) == 1:
        beside = left[0]
    elif len(left) == len(mine) and block in mine:
        beside = left[mine.index(block)]
    if beside is None or beside.index in zone:
        return ""
    return beside.text


def _signature_lines(blocks: Sequence[Block]) -> list[tuple[Block, int, str]]:
    """(block, offset, line) of the signature: the lines after the closing formula.

    Signature blocks by part, plus the lines that follow "Med venlig hilsen" inside a closing
    block (a soft line break keeps both in one paragraph), plus closing-part blocks without the
    formula (text boxes take the part of the paragraph anchoring them). Untagged documents:
    every block after the first closing formula.
    """
    out: list[tuple[Block, int, str]] = []
    closing = closing_index(blocks)
    tagged = parts_tagged(blocks)
    for i, block in enumerate(blocks):
        in_signature = block.part == LetterPart.SIGNATURE or (
            not tagged and closing is not None and i > closing
        )
        lines = lines_of(block.text)
        if block.part == LetterPart.CLOSING or (not tagged and i == closing):
            # A block that takes the closing's part without holding the formula (a text box
            # anchored after "Med venlig hilsen") is signature as a whole.
            seen_closing = not CLOSING_RE.search(block.text)
            for offset, line in lines:
                if seen_closing:
                    out.append((block, offset, line))
                elif match := CLOSING_RE.search(line):
                    seen_closing = True
                    # "Venlig hilsen Mette Hansen": the name on the closing's own line.
                    rest = line[match.end() :].lstrip(" ,.:-–")
                    if rest.strip():
                        out.append((block, offset + len(line) - len(rest), rest))
            continue
        if in_signature:
            out.extend((block, offset, line) for offset, line in lines)
    return out


def _looks_like_name(text: str, options: Mapping[str, Any], *, single: bool = False) -> bool:
    """Is ``text`` a person's name: 2-4 capitalised words (1 if ``single``), no organisation?"""
    candidate = re.split(r"\s*[,(–|]\s*|\s+-\s+", text.strip(), maxsplit=1)[0].strip()
    word = r"[A-ZÆØÅ][a-zæøåéüö]+(?:-[A-ZÆØÅ][a-zæøåéüö]+)?"
    initial = r"[A-ZÆØÅ]\."
    pattern = rf"{word}(?:\s+(?:{word}|{initial})){{1,3}}"
    if single:
        pattern = rf"{word}(?:\s+(?:{word}|{initial})){{0,3}}"
    if not re.fullmatch(pattern, candidate):
        return False
    non_names = set(option(options, "not-name-words"))
    suffixes = tuple(option(options, "not-name-suffixes"))
    for word in candidate.lower().replace("-", " ").split():
        word = word.rstrip(".")
        if word in non_names or word.endswith(suffixes):
            return False
    return True


#: A name found: (block, start, end, why in Danish).
NameFound = tuple[Block, int, int, str]


def _span_in(block: Block, offset: int, text: str) -> tuple[int, int]:
    """The span of ``text`` (stripped) from ``offset`` in ``block``."""
    lead = len(text) - len(text.lstrip())
    return offset + lead, offset + lead + len(text.strip())


def _signature_names(
    blocks: Sequence[Block], options: Mapping[str, Any]
) -> tuple[NameFound | None, list[NameFound]]:
    """(a person's name among the first lines after the closing, the signature lines that are a
    unit signing: "Aarhus Folkeregister", "Team Ledighed", "Borgerservice")."""
    role = compile_any(option(options, "role-lines"))
    third = compile_any(option(options, "third-party-labels"))
    unit = compile_any(option(options, "sender-unit-names"))
    lines = [(b, o, line) for b, o, line in _signature_lines(blocks) if line.strip()]
    units: list[NameFound] = []
    person: NameFound | None = None
    for k, (block, offset, line) in enumerate(lines[:6]):
        if k and third.search(lines[k - 1][2]):
            continue  # "Virksomhedens kontaktperson | Bent Skov": someone else's name
        next_is_role = k + 1 < len(lines) and role.search(lines[k + 1][2])
        if person is None and (
            _looks_like_name(line, options)
            or (next_is_role and _looks_like_name(line, options, single=True))
        ):
            person = (block, *_span_in(block, offset, line), "i underskriften efter hilsenen")
        elif unit.search(line) and not role.search(line):
            units.append((block, *_span_in(block, offset, line), "en enhed, der skriver under"))
    return person, units


#: What separates one item from the next on a letterhead or footer line ("Mette Frost · Jobcenter
#: Ulvsted · Tlf. 40 41 42 43"): each piece is read as a line of its own.
_ITEM_SEPARATORS = re.compile(r"\s*[\n·•|\t]\s*")


def _name_after(text: str, start: int, options: Mapping[str, Any], *, single: bool) -> str | None:
    """The words from ``start`` to the end of the phrase, when they form a person's name."""
    rest = _ITEM_SEPARATORS.split(text[start:], maxsplit=1)[0]
    rest = re.split(r"[.,;:!?()]|\s+(?:og|på|i|fra|som|der|hos|via)\s+", rest, maxsplit=1)[0]
    if not _looks_like_name(rest, options, single=single):
        return None
    return re.split(r"\s*[,(–|]\s*|\s+-\s+", rest.strip(), maxsplit=1)[0].strip()


def _name_by_label(block: Block, options: Mapping[str, Any]) -> NameFound | None:
    """A name introduced by a label or phrase: "Din sagsbehandler er Mette Hansen", "Jeg hedder …",
    "Kontaktperson: Ole Berg" (a first name alone is enough), or a role word right before a full
    name, as letterheads and footers write it ("Sagsbehandler Karin Lauesen · Jobcenter …")."""
    text = block.text
    # Most blocks hold none of the labels' words: ruled out by their literals (literals.py).
    folded = text.casefold()
    label = compile_any(option(options, "name-labels"))
    for match in label.finditer(text) if could_match(label, folded) else ():
        if name := _name_after(text, match.end(), options, single=True):
            start = text.index(name, match.end())
            return block, start, start + len(name), f"efter »{match.group().strip()}«"
    prefix = compile_any(option(options, "name-role-prefixes"))
    for match in prefix.finditer(text) if could_match(prefix, folded) else ():
        if name := _name_after(text, match.end(), options, single=False):
            start = text.index(name, match.end())
            return block, start, start + len(name), f"efter rollen »{match.group().strip()}«"
    before = compile_any(option(options, "name-before-labels"))
    for match in before.finditer(text) if could_match(before, folded) else ():
        if found := _name_before(text, match.start(), options):
            return block, *found, f"før »{match.group().strip(' ,')}«"
    return None


#: The capitalised words that end a stretch of text: the candidate for ``_name_before``.
_TRAILING_WORDS = re.compile(r"(?:[A-ZÆØÅ][\w.-]*\s+){0,3}[A-ZÆØÅ][\w-]*$")


def _name_before(text: str, end: int, options: Mapping[str, Any]) -> tuple[int, int] | None:
    """The capitalised words just before ``end`` when they form a person's name ("er det Mette
    Dal, der er din sagsbehandler")? A first name alone is enough, as after a label."""
    found = _TRAILING_WORDS.search(text[:end].rstrip())
    if found is None or not _looks_like_name(found.group(), options, single=True):
        return None
    return found.span()


def _is_role_line(line: str, role: re.Pattern[str]) -> bool:
    """A short line that starts with a role, perhaps after one word ("Sagsbehandler",
    "Jobkonsulent, Jobcenter Solbæk", "Koordinerende sagsbehandler", "Din jobkonsulent"), but not
    after a genitive ("Virksomhedens kontaktperson": someone else's role)."""
    match = role.search(line)
    if not match or len(line.split()) > 6:
        return False
    before = line[: match.start()].split()
    return not before or (len(before) == 1 and not before[0].lower().endswith("s"))


def _name_next_to_role(
    blocks: Sequence[Block], zone: set[int], options: Mapping[str, Any]
) -> NameFound | None:
    """A name beside a role outside the citizen's address: on the line above or below a role line
    (a signature, a sender block, a two-column table "Sagsbehandler | Thomas Vang"), or on the
    same line before it ("Thomas Vang, jobkonsulent")."""
    role = compile_any(option(options, "role-lines"))
    lines: list[tuple[Block, int, str]] = []
    for block in blocks:
        if block.index in zone or block.part in (LetterPart.SUBJECT, LetterPart.SALUTATION):
            continue  # "# Ny sagsbehandler" / "Kære Ole Hansen": no role beside a name
        offset = 0
        for item in _ITEM_SEPARATORS.split(block.text):
            offset = block.text.find(item, offset) if item else offset
            if item.strip():
                lines.append((block, offset, item))
            offset += len(item)
    # Whether a role word can stand in each line at all (literals.py): most lines hold none,
    # and neither the line nor a piece of it can then match.
    may = [could_match(role, line.casefold()) for _block, _offset, line in lines]
    for k, (block, offset, line) in enumerate(lines):
        if not may[k]:
            continue  # no role in it: no name before a role, and not a role line
        pieces = re.split(r"\s*[,(–]\s*|\s+-\s+", line, maxsplit=1)
        head, rest = (pieces[0], pieces[1]) if len(pieces) == 2 else (line, "")
        if rest and role.search(rest) and _looks_like_name(head, options, single=True):
            return block, *_span_in(block, offset, head), f"før rollen »{rest.strip()}«"
        if _is_role_line(line, role):
            for j in (k - 1, k + 1):
                other = lines[j] if 0 <= j < len(lines) else None
                if (
                    other
                    and not (may[j] and _is_role_line(other[2], role))
                    and _looks_like_name(other[2], options, single=True)
                ):
                    return (
                        other[0],
                        *_span_in(other[0], other[1], other[2]),
                        (f"ved siden af rollen »{line.strip()}«"),
                    )
    return None


# --------------------------------------------------------------------------------------------
# The contact step: every contact detail once per letter
# --------------------------------------------------------------------------------------------

#: Who a contact detail belongs to. The caseworker's and the sender unit's (a team's number, a
#: shared mailbox) are ways to reach the sender and count for LC202-LC204; the citizen's own and a
#: third party's (employer, mentor, language school) never count. Only the caseworker's name
#: counts for LC201: a unit signing is no person.
OWNERS = ("caseworker", "sender_unit", "citizen", "third_party")
KINDS = ("name", "phone", "email", "sms")
SENDER = frozenset({"caseworker", "sender_unit"})


@dataclass(frozen=True, slots=True)
class ContactDetail:
    """One contact detail of the letter: what it is, where, whose, and why (Danish, for
    ``lettercheck show``)."""

    kind: str  # name | phone | email | sms
    text: str
    block: int | None  # None for nothing but a named field found elsewhere (never today)
    span: tuple[int, int]
    owner: str  # caseworker | sender_unit | citizen | third_party
    because: str


#: A line of an address written over several lines: short, and not a sentence.
_ADDRESS_LINE_WORDS = 6


def _address_line(block: Block) -> bool:
    text = block.text.strip()
    return bool(text) and len(text.split()) <= _ADDRESS_LINE_WORDS and text[-1] not in ".!?"


def _address_groups(blocks: Sequence[Block]) -> dict[int, list[Block]]:
    """For each block that is a line of an address written over several lines, the other lines
    of that address: the run of neighbouring short lines (same story, no sentence) around it.
    "Eventuelle klager sendes … til: / oed@nanoq.gl eller / Skatterådet / Postboks 1037" names
    the owner of the e-mail on the line after it."""
    groups: dict[int, list[Block]] = {}
    run: list[Block] = []
    for block in [*blocks, None]:
        if (
            block is not None
            and _address_line(block)
            and (not run or (run[-1].story == block.story and block.index == run[-1].index + 1))
        ):
            run.append(block)
            continue
        for member in run:
            groups[member.index] = [b for b in run if b is not member]
        run = [block] if block is not None and _address_line(block) else []
    return groups


def _owner(
    block: Block,
    start: int,
    end: int,
    options: Mapping[str, Any],
    row_label: str,
    zone: set[int],
    group: Sequence[Block] = (),
) -> tuple[str, str]:
    """(owner, why) of a phone number or e-mail address at ``[start, end)`` of ``block``; ``group``
    is the rest of the address it stands in, when it is written over several short lines."""
    text = block.text
    if block.index in zone:
        return "citizen", "i borgerens adresse øverst i brevet"
    label = row_label + " "
    in_cell = bool(row_label) and not text[:start].strip()
    if _citizen_labelled(text, start, options) or (
        in_cell and _citizen_labelled(label, len(label) - 1, options)
    ):
        return "citizen", "sætningen eller cellen til venstre siger, at det er borgerens"
    if _third_party(text, start, options) or (in_cell and _third_party(label, len(label), options)):
        return "third_party", "sætningen eller cellen til venstre nævner en anden (fx mentor)"
    if group and _address_line(block):
        third = compile_any(option(options, "third-party-labels"))
        sender = compile_any(option(options, "sender-markers"))
        lines = [b.text for b in group]
        if any(third.search(t) for t in lines) and not any(sender.search(t) for t in lines):
            return "third_party", "adressen, den står i, er en andens (fx klageinstansen)"
    unit_label = compile_any(option(options, "sender-unit-labels"))
    before = _item_before(text, start, 50) + (" " + row_label if in_cell else "")
    detail = text[start:end]
    if unit_label.search(before) or unit_label.search(detail.split("@")[0]):
        return "sender_unit", "afsenderens fælles nummer eller postkasse"
    return "caseworker", _where(block)


def _where(block: Block) -> str:
    part = {
        LetterPart.SIGNATURE: "i underskriften",
        LetterPart.CLOSING: "i underskriften",
        LetterPart.HEADER: "i sidehovedet",
        LetterPart.FOOTER: "i sidefoden",
        LetterPart.ADDRESS: "i afsenderens brevhoved",
        LetterPart.LEGAL: "i afsnittet om regler",
    }.get(block.part)  # type: ignore[arg-type]
    if block.kind == BlockKind.HEADER:
        part = "i sidehovedet"
    elif block.kind == BlockKind.FOOTER:
        part = "i sidefoden"
    elif block.kind == BlockKind.TEXT_BOX:
        part = "i en tekstboks"
    return f"står {part or 'i brevets tekst'} uden at være en andens"


def _field_details(blocks: Sequence[Block], options: Mapping[str, Any]) -> list[ContactDetail]:
    out = []
    for kind, key in (
        ("name", "name-fields"),
        ("phone", "phone-fields"),
        ("email", "email-fields"),
        ("sms", "sms-fields"),
    ):
        spec = option(options, key)
        for block in blocks:
            for name, start, end in _fields(block):
                if _field_matches(name, spec):
                    out.append(
                        ContactDetail(
                            kind,
                            block.text[start:end],
                            block.index,
                            (start, end),
                            "caseworker",
                            "et flettefelt eller en indholdskontrol med det navn",
                        )
                    )
    return out


def _find_contact_details(analysis: Analysis, options: Mapping[str, Any]) -> list[ContactDetail]:
    blocks = blocks_of(analysis)
    zone = _citizen_zone(blocks, options)
    cells = _table_cells(analysis)
    details = _field_details(blocks, options)
    offer = compile_any(option(options, "sms-offer-patterns"))
    groups = _address_groups(blocks)
    for block in blocks:
        row_label = _label_to_the_left(block, cells, zone)
        for kind, spans in (
            ("phone", _phone_candidates(block, options, row_label)),
            ("email", _email_candidates(block, options)),
        ):
            for start, end in spans:
                owner, because = _owner(
                    block, start, end, options, row_label, zone, groups.get(block.index, ())
                )
                details.append(
                    ContactDetail(
                        kind, block.text[start:end], block.index, (start, end), owner, because
                    )
                )
        if block.index not in zone and could_match(offer, block.text.casefold()):
            for match in offer.finditer(block.text):
                details.append(
                    ContactDetail(
                        "sms",
                        match.group(),
                        block.index,
                        match.span(),
                        "caseworker",
                        "et tilbud om at sende en sms",
                    )
                )
    person, units = _signature_names(blocks, options)
    named = [person]
    named += [_name_by_label(b, options) for b in blocks if b.index not in zone]
    named.append(_name_next_to_role(blocks, zone, options))
    seen: set[tuple[int, int]] = set()
    for found in named:
        if found is None or (found[0].index, found[1]) in seen:
            continue  # one detail per name, however many ways found it
        seen.add((found[0].index, found[1]))
        block, start, end, because = found
        details.append(
            ContactDetail(
                "name", block.text[start:end], block.index, (start, end), "caseworker", because
            )
        )
    for block, start, end, because in units:
        details.append(
            ContactDetail(
                "name", block.text[start:end], block.index, (start, end), "sender_unit", because
            )
        )
    return details


def contact_details(analysis: Analysis, options: Mapping[str, Any]) -> list[ContactDetail]:
    """Every contact detail of the letter (see ``ContactDetail``), found once per letter and
    options: the four contact rules share the same options (rules/structure.yaml's &contact
    anchor), so they read one result from the letter's ``Analysis.memo``."""
    found: list[tuple[dict[str, Any], list[ContactDetail]]] = analysis.memo("contact-details", list)
    for seen, details in found:
        if seen == options:
            return details
    validate_contact_options(options)
    details = _find_contact_details(analysis, options)
    found.append((dict(options), details))
    return details


def _present(
    analysis: Analysis, options: Mapping[str, Any], kind: str, owners: frozenset[str]
) -> bool:
    return any(d.kind == kind and d.owner in owners for d in contact_details(analysis, options))


@check("missing-caseworker-phone")
def missing_caseworker_phone(analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Hit]:
    """The letter gives no phone number to reach the sender by: the caseworker's, or a team's or
    a central number (with opening hours); never the citizen's own or a third party's. A merge
    field or content control named for a phone number («SagsbehandlerTelefon») counts."""
    if not _present(analysis, options, "phone", SENDER):
        yield Hit()


@check("missing-caseworker-email")
def missing_caseworker_email(analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Hit]:
    """The letter gives no e-mail address to reach the sender by (a team's mailbox counts; "skriv
    til os via borger.dk" or "Digital Post" without an address does not)."""
    if not _present(analysis, options, "email", SENDER):
        yield Hit()


@check("missing-sms-option")
def missing_sms_option(analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Hit]:
    """The letter does not offer the citizen to send an SMS (Fredericia suggests it): "SMS" as a
    contact label or an invitation ("send en sms"); "vi sender dig en sms-påmindelse" is none."""
    if not _present(analysis, options, "sms", SENDER):
        yield Hit()


@check("missing-caseworker-name")
def missing_caseworker_name(analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Hit]:
    """The letter does not name the caseworker: a person's name in the signature, after a label
    ("Din sagsbehandler er …"), beside a role line, or a field named for it. A unit signing
    ("Jobcenter Fredericia", "Aarhus Folkeregister", "Team Ledighed") names no one."""
    if not _present(analysis, options, "name", frozenset({"caseworker"})):
        yield Hit()


# --------------------------------------------------------------------------------------------
# The contact options are one data section (rules/structure.yaml, the &contact anchor), checked
# strictly: an unknown or missing key stops lettercheck with its name.
# --------------------------------------------------------------------------------------------

CONTACT_OPTION_KEYS = frozenset(
    {
        "name-fields", "phone-fields", "email-fields", "sms-fields", "phone-patterns",
        "phone-bare-pattern", "phone-labels", "not-phone-labels", "email-pattern",
        "citizen-labels", "third-party-labels", "sender-markers", "role-lines", "name-labels",
        "name-before-labels", "name-role-prefixes", "not-name-words", "not-name-suffixes",
        "sms-offer-patterns", "sender-unit-names", "sender-unit-labels",
    }
)  # fmt: skip


def contact_option_errors(options: Mapping[str, Any]) -> list[str]:
    """What is wrong with the contact options, in Danish (empty when nothing)."""
    errors = [f"ukendt nøgle '{k}'" for k in sorted(set(options) - CONTACT_OPTION_KEYS)]
    errors += [f"nøglen '{k}' mangler" for k in sorted(CONTACT_OPTION_KEYS - set(options))]
    for key, value in options.items():
        if key.endswith("-fields"):
            if not isinstance(value, Mapping) or set(value) - {"any", "with", "exclude"}:
                errors.append(f"'{key}' skal have any/with/exclude")
        elif key.endswith("-pattern"):
            if not isinstance(value, str):
                errors.append(f"'{key}' skal være et regulært udtryk")
        elif key in CONTACT_OPTION_KEYS and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            errors.append(f"'{key}' skal være en liste af tekster")
    return errors


def validate_contact_options(options: Mapping[str, Any]) -> None:
    """Stop with the list of what is wrong (rules/structure.yaml's contact section)."""
    errors = contact_option_errors(options)
    if errors:
        raise KeyError("rules/structure.yaml, kontaktoplysninger: " + "; ".join(errors))
