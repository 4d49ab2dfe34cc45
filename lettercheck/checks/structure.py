"""Letter-structure rules: legal references last, caseworker contact details, purpose and goal.

These rules need logic that a phrase list cannot express: *where* in the letter something stands
(before the final legal section, in the signature, in the first paragraphs of the body) and *whose*
detail a phone number is (the caseworker's or the citizen's). The patterns themselves are data:
every check reads its regular expressions and word lists from the rule's ``options`` in
rules/structure.yaml, so a communication team can extend them without touching Python.

Sources: Fredericia Kommune's analysis (2019) recommended legal references last and the caseworker's
phone, e-mail and an SMS option in every standard letter; citizens in Herlev (2023) missed the
purpose of meetings and internships and clear end goals and sub-goals.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from lettercheck.analysis import bounds_from_starts
from lettercheck.checks import Hit, check
from lettercheck.model import Block, BlockKind, LetterPart
from lettercheck.parts import CLOSING, SALUTATION

if TYPE_CHECKING:
    from lettercheck.analysis import Analysis

__all__ = [
    "find_legal_references",
    "goal_present",
    "is_activity_letter",
    "legal_reference_early",
    "missing_caseworker_email",
    "missing_caseworker_name",
    "missing_caseworker_phone",
    "missing_goal",
    "missing_purpose",
    "missing_sms_option",
    "purpose_statement",
]

_FLAGS = re.IGNORECASE | re.UNICODE

#: Parts that carry the letter's message; a legal reference there comes "early".
#: The address part counts too: a subject line that the part tagger did not take for a heading
#: (too long, or plain text) stays there, and it is read first.
_MESSAGE_PARTS = frozenset(
    {LetterPart.ADDRESS, LetterPart.SUBJECT, LetterPart.SALUTATION, LetterPart.BODY, None}
)

#: Closing formulas (parts.py's), used when the letter parts were not tagged (plain test
#: documents) and to find the signature lines that follow a closing inside the same block.
_CLOSING_RE = re.compile(CLOSING.pattern, _FLAGS)


# --------------------------------------------------------------------------------------------
# Helpers shared by the rules
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _FLAGS)


def _compile_any(patterns: Sequence[str] | str) -> re.Pattern[str]:
    """One regex that matches any of ``patterns`` (each kept as its own group of alternatives)."""
    if isinstance(patterns, str):
        return _compile(patterns)
    return _compile_joined(tuple(patterns))


@lru_cache(maxsize=256)
def _compile_joined(patterns: tuple[str, ...]) -> re.Pattern[str]:
    # Cached on the tuple: joining a list of alternatives per call was a measurable part of the
    # contact rules, which call this for every block.
    return _compile("|".join(f"(?:{p})" for p in patterns))


@lru_cache(maxsize=64)
def _any_strong_atom(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex that finds whether any of the strong atoms ``patterns`` occurs in a text, or
    None when they cannot be joined safely (a capturing group could be a back-reference's
    target, and numbering shifts in a join)."""
    try:
        if any(_compile(p).groups for p in patterns):
            return None
        return _compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
    except re.error:
        return None


#: Characters whose case-insensitive matches (``re.IGNORECASE``) all case-fold to themselves, so a
#: literal made of them that a pattern matches in a text stands in the text's ``casefold()``.
#: Not "i": Python's re also matches "ı" and "İ" to it, which fold to something else
#: (tests/test_speed_invariants.py checks every code point).
_FOLD_SAFE = frozenset(
    string.ascii_lowercase.replace("i", "") + string.digits + string.punctuation + " æøå§"
)


def _required_literals(pattern: str) -> frozenset[str] | None:
    """Literal strings one of which every match of ``pattern`` (compiled with ``_FLAGS``) holds,
    case-folded; None when no such set can be read off the pattern.

    Read from the parsed pattern: a run of literal characters in its top-level sequence, or in a
    group or a repeat of at least one, or one such run from each branch of an alternation. The
    run with the longest shortest member is chosen. Only literals of ``_FOLD_SAFE`` characters
    count, so "the text's ``casefold()`` contains none of them" proves the pattern cannot match.
    """
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    try:
        tree = sre_parse.parse(pattern, _FLAGS)
    except re.error:
        return None
    return _sequence_literals(list(tree))


def _sequence_literals(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    from re import _constants as sre  # type: ignore[attr-defined]

    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def close() -> None:
        if run:
            candidates.append(frozenset({"".join(run)}))
            run.clear()

    for op, av in items:
        if op is sre.LITERAL and chr(av) in _FOLD_SAFE:
            run.append(chr(av))
            continue
        close()
        found: frozenset[str] | None = None
        if op is sre.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if not (add_flags | del_flags) & ~(re.IGNORECASE | re.UNICODE):
                found = _sequence_literals(list(sub))
        elif op is sre.BRANCH:
            alternatives = [_sequence_literals(list(branch)) for branch in av[1]]
            if all(alternatives):
                found = frozenset().union(*alternatives)  # type: ignore[arg-type]
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            found = _sequence_literals(list(av[2]))
        elif op is sre.ATOMIC_GROUP:
            found = _sequence_literals(list(av))
        if found:
            candidates.append(found)
    close()
    if not candidates:
        return None
    return max(candidates, key=lambda c: min(map(len, c)))


@lru_cache(maxsize=64)
def _strong_literals(patterns: tuple[str, ...]) -> tuple[str, ...] | None:
    """Literals one of which (case-folded) any text that a strong atom matches holds; None when
    one of the atoms has no such literals (then every text goes to the regex search)."""
    found: set[str] = set()
    for pattern in patterns:
        literals = _required_literals(pattern)
        if literals is None:
            return None
        found |= literals
    # "lov" in a text implies "loven": keep only literals that hold no other one.
    minimal = {f for f in found if not any(o != f and o in f for o in found)}
    return tuple(sorted(minimal)) if minimal else None


def _option(options: Mapping[str, Any], key: str) -> Any:
    """A required option; the rule's YAML entry must provide it (rules/structure.yaml)."""
    try:
        return options[key]
    except KeyError:
        raise KeyError(f"rules/structure.yaml: option {key!r} is missing for this rule") from None


def _blocks(analysis: Analysis) -> list[Block]:
    return list(analysis.document.blocks)


def _parts_tagged(blocks: Sequence[Block]) -> bool:
    return any(b.part is not None for b in blocks)


def _closing_index(blocks: Sequence[Block]) -> int | None:
    """Index (in ``blocks``) of the first closing block, by part or, untagged, by its formula."""
    for i, block in enumerate(blocks):
        if block.part == LetterPart.CLOSING:
            return i
    if not _parts_tagged(blocks):
        for i, block in enumerate(blocks):
            if block.kind not in (BlockKind.HEADER, BlockKind.FOOTER) and _CLOSING_RE.search(
                block.text
            ):
                return i
    return None


def _sentences(analysis: Analysis, position: int, block: Block) -> list[tuple[int, int]]:
    """Sentence spans of a block, from the spaCy doc when there is one, else by punctuation.

    The spaCy pipeline knows abbreviations ("jf.", "kl. 10.00"), so it is preferred; the fallback
    keeps the checks usable on a bare document model (unit tests, a broken pipeline).
    """
    docs = getattr(analysis, "docs", None)
    if docs is not None and position < len(docs) and docs[position] is not None:
        starts = getattr(analysis, "sentence_starts", None)
        if starts is not None and position < len(starts):
            # The starts danish.process found: the same spans as doc.sents, without a Span and
            # its Tokens per sentence.
            spans = [
                (s, e) for _f, _l, s, e in bounds_from_starts(docs[position], starts[position])
            ]
        else:
            try:
                spans = [(s.start_char, s.end_char) for s in docs[position].sents]
            except ValueError:  # no sentence boundaries set on this doc
                spans = []
        if spans:
            return spans
    spans = []
    start = 0
    for match in re.finditer(r"[.!?](?=\s+[A-ZÆØÅ])|\n", block.text):
        spans.append((start, match.end()))
        start = match.end()
    if start < len(block.text):
        spans.append((start, len(block.text)))
    return [(s, e) for s, e in spans if block.text[s:e].strip()]


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, line) for each line of a block (soft line breaks arrive as newlines)."""
    out = []
    offset = 0
    for line in text.split("\n"):
        out.append((offset, line))
        offset += len(line) + 1
    return out


def _normalise_name(name: str | None) -> str:
    """A field or control name reduced to lower-case letters, for keyword matching."""
    return re.sub(r"[^a-zæøå]", "", (name or "").lower())


# --------------------------------------------------------------------------------------------
# legal-reference-early
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
    specs = _option(options, "atoms")
    strong = tuple(a["pattern"] for a in specs if bool(a.get("strong", True)))
    literals = _strong_literals(strong)
    if literals is not None:
        # Cheaper than the search below (a case-insensitive regex that starts with \b or a
        # look-behind cannot skip ahead to a first character): most blocks hold none of "§",
        # "stk.", "lov", "nr", "bekendtgørelse"… in any case, so no strong atom can match there.
        folded = text.casefold()
        if not any(literal in folded for literal in literals):
            return []
    strong_any = _any_strong_atom(strong)
    if strong_any is not None and strong_any.search(text) is None:
        # A reference needs a strong atom; one search over the text for any of them saves
        # running every atom's pattern over the many blocks that cite nothing.
        return []
    atoms: list[tuple[int, int, bool]] = []
    for atom in specs:
        regex = _compile(atom["pattern"])
        strong = bool(atom.get("strong", True))
        for match in regex.finditer(text):
            if match.end() > match.start():
                atoms.append((match.start(), match.end(), strong))
    if not atoms:
        return []
    atoms.sort(key=lambda a: (a[0], -a[1]))
    joiner = _compile(f"(?:{_option(options, 'joiner')})\\Z")
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
    blocks = _blocks(analysis)
    legal_start = next((b.index for b in blocks if b.part == LetterPart.LEGAL), None)
    closing = _closing_index(blocks)
    closing_index = blocks[closing].index if closing is not None else None
    has_legal = legal_start is not None
    legal_title = ""
    if has_legal:
        title = next(b.text for b in blocks if b.index == legal_start).strip()
        legal_title = title if len(title) <= 40 else "Regler"
    for block in blocks:
        if block.kind in (BlockKind.HEADER, BlockKind.FOOTER):
            continue
        if block.part not in _MESSAGE_PARTS:
            continue
        if has_legal and block.index >= legal_start:
            continue
        if not has_legal and closing_index is not None and block.index >= closing_index:
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


def _complaints_only(title: str) -> bool:
    """A final section about complaints alone ("Klagevejledning", "Sådan klager du"), not one
    that also holds the rules ("Regler og klagevejledning", "Lovgrundlag og klage")."""
    lower = title.lower()
    return "klag" in lower and not any(w in lower for w in ("regel", "regler", "lov", "grundlag"))


# --------------------------------------------------------------------------------------------
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
    sender = _compile_any(_option(options, "sender-markers"))
    salutation = SALUTATION
    tagged = _parts_tagged(blocks)
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
    for key, members in groups.items():
        if key == "paragraphs":
            for b in members:
                if sender.search(b.text):
                    break
                zone.add(b.index)
        elif not any(sender.search(b.text) for b in members):
            zone.update(b.index for b in members)
    return zone


def _fields(block: Block) -> Iterator[tuple[str, int, int]]:
    """(normalised name, start, end) of every merge field, variable and content control."""
    for p in block.placeholders:
        yield _normalise_name(p.name), p.start, p.end
    for c in block.controls:
        yield _normalise_name(c.alias), c.start, c.end
        yield _normalise_name(c.tag), c.start, c.end


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
    regex = _compile_any(_option(options, "citizen-labels"))
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


_SENDER_AGAIN = re.compile(r"\b(?:mig|os|jobcent\w*|sagsbehandler\w*)\b", _FLAGS)


_POINTS_BACK = re.compile(r"\b(?:ham|hende|han|hun|vedkommende)\b", re.IGNORECASE)


def _third_party(text: str, start: int, options: Mapping[str, Any]) -> bool:
    """Is the detail at ``start`` someone else's: the internship's contact, a mentor, a doctor?

    Decided on the sentence (or line) before the detail: "Din mentor, Ole Berg, har tlf. …", and
    on the sentence before that when this one points back to a person ("ring til ham på …").
    """
    regex = _compile_any(_option(options, "third-party-labels"))
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
    blocks = _blocks(analysis)
    zone = _citizen_zone(blocks, options)
    for block in blocks:
        if block.index not in zone:
            yield block


def _has_field(analysis: Analysis, options: Mapping[str, Any], spec_key: str) -> bool:
    spec = _option(options, spec_key)
    for block in _blocks(analysis):
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


def find_phone_numbers(
    block: Block, options: Mapping[str, Any], row_label: str = ""
) -> list[tuple[int, int]]:
    """Spans of phone numbers in a block that are not labelled as something else or the citizen's.

    Formatted numbers ("72 10 60 12", "7210 6012", "+45 …") count as they stand; eight digits run
    together ("72106012") count only after a phone label ("Tlf.", "Telefon", "Ring …"), because
    case and journal numbers look the same. In a table cell that starts with the number, the
    label may be the cell to its left (``row_label``): "| Direkte telefon | 44992041 |".
    """
    formatted = _compile_any(_option(options, "phone-patterns"))
    bare = _compile(_option(options, "phone-bare-pattern"))
    label = _compile_any(_option(options, "phone-labels"))
    not_phone = _compile_any(_option(options, "not-phone-labels"))
    spans: list[tuple[int, int]] = []
    text = block.text
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
    return [s for s in spans if not _someone_elses(block, s[0], options, row_label)]


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


def find_emails(
    block: Block, options: Mapping[str, Any], row_label: str = ""
) -> list[tuple[int, int]]:
    """Spans of e-mail addresses (text or mailto: links) that are not someone else's (see
    ``_someone_elses``; ``row_label`` is the text of the table cell to the left)."""
    regex = _compile(_option(options, "email-pattern"))
    spans = [m.span() for m in regex.finditer(block.text)]
    spans += [(link.start, link.end) for link in block.links if link.target.startswith("mailto:")]
    return [s for s in spans if not _someone_elses(block, s[0], options, row_label)]


@check("missing-caseworker-phone")
def missing_caseworker_phone(analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Hit]:
    """The letter gives no phone number to call.

    Any phone number outside the citizen's own details counts, also a central number with opening
    hours: the rule asks whether the citizen *can* call. Fredericia recommends the caseworker's
    direct number; the rule's message says so. A merge field or content control named for a phone
    number («SagsbehandlerTelefon», «Sagsbeh_tlf») counts as present.
    """
    if _has_field(analysis, options, "phone-fields"):
        return
    cells = _table_cells(analysis)
    zone = _citizen_zone(_blocks(analysis), options)
    for block in _contact_blocks(analysis, options):
        if find_phone_numbers(block, options, _label_to_the_left(block, cells, zone)):
            return
    yield Hit()


def _table_cells(analysis: Analysis) -> dict[tuple, list[Block]]:
    """The blocks of every table cell, by (story, table, row, column), in order."""
    cells: dict[tuple, list[Block]] = {}
    for block in _blocks(analysis):
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


@check("missing-caseworker-email")
def missing_caseworker_email(analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Hit]:
    """The letter gives no e-mail address to write to.

    An address in the text or a mailto: link anywhere outside the citizen's details counts, also a
    team's mailbox; "skriv til os via borger.dk" or "Digital Post" without an address does not.
    A merge field or content control named for an e-mail («SagsbehandlerEmail», a control titled
    "Sagsbehandler mail") counts as present.
    """
    if _has_field(analysis, options, "email-fields"):
        return
    cells = _table_cells(analysis)
    zone = _citizen_zone(_blocks(analysis), options)
    for block in _contact_blocks(analysis, options):
        if find_emails(block, options, _label_to_the_left(block, cells, zone)):
            return
    yield Hit()


@check("missing-sms-option")
def missing_sms_option(analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Hit]:
    """The letter does not offer the citizen to send an SMS (Fredericia suggests it).

    An offer is "SMS" as a contact label or an invitation ("send en sms", "du kan også sms'e");
    "vi sender dig en sms-påmindelse" is not an offer.
    """
    if _has_field(analysis, options, "sms-fields"):
        return
    offer = _compile_any(_option(options, "sms-offer-patterns"))
    for block in _contact_blocks(analysis, options):
        if offer.search(block.text):
            return
    yield Hit()


def _signature_lines(blocks: Sequence[Block]) -> list[tuple[Block, int, str]]:
    """(block, offset, line) of the signature: the lines after the closing formula.

    Signature blocks by part, plus the lines that follow "Med venlig hilsen" inside a closing
    block (a soft line break keeps both in one paragraph), plus closing-part blocks without the
    formula (text boxes take the part of the paragraph anchoring them). Untagged documents:
    every block after the first closing formula.
    """
    out: list[tuple[Block, int, str]] = []
    closing = _closing_index(blocks)
    tagged = _parts_tagged(blocks)
    for i, block in enumerate(blocks):
        in_signature = block.part == LetterPart.SIGNATURE or (
            not tagged and closing is not None and i > closing
        )
        lines = _lines(block.text)
        if block.part == LetterPart.CLOSING or (not tagged and i == closing):
            # A block that takes the closing's part without holding the formula (a text box
            # anchored after "Med venlig hilsen") is signature as a whole.
            seen_closing = not _CLOSING_RE.search(block.text)
            for offset, line in lines:
                if seen_closing:
                    out.append((block, offset, line))
                elif match := _CLOSING_RE.search(line):
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
    non_names = set(_option(options, "not-name-words"))
    suffixes = tuple(_option(options, "not-name-suffixes"))
    for word in candidate.lower().replace("-", " ").split():
        word = word.rstrip(".")
        if word in non_names or word.endswith(suffixes):
            return False
    return True


def _name_in_signature(blocks: Sequence[Block], options: Mapping[str, Any]) -> bool:
    """A person's name among the first lines after the closing ("Mette Hansen", "Sagsbehandler")."""
    role = _compile_any(_option(options, "role-lines"))
    third = _compile_any(_option(options, "third-party-labels"))
    lines = [(b, o, line) for b, o, line in _signature_lines(blocks) if line.strip()]
    for k, (_block, _offset, line) in enumerate(lines[:6]):
        if k and third.search(lines[k - 1][2]):
            continue  # "Virksomhedens kontaktperson | Bent Skov": someone else's name
        if _looks_like_name(line, options):
            return True
        next_is_role = k + 1 < len(lines) and role.search(lines[k + 1][2])
        if next_is_role and _looks_like_name(line, options, single=True):
            return True
    return False


#: What separates one item from the next on a letterhead or footer line ("Mette Frost · Jobcenter
#: Ulvsted · Tlf. 40 41 42 43"): each piece is read as a line of its own.
_ITEM_SEPARATORS = re.compile(r"\s*[\n·•|\t]\s*")


def _name_after(text: str, start: int, options: Mapping[str, Any], *, single: bool) -> bool:
    """Do the words from ``start`` to the end of the phrase form a person's name?"""
    rest = _ITEM_SEPARATORS.split(text[start:], maxsplit=1)[0]
    rest = re.split(r"[.,;:!?()]|\s+(?:og|på|i|fra|som|der|hos|via)\s+", rest, maxsplit=1)[0]
    return _looks_like_name(rest, options, single=single)


def _name_by_label(block: Block, options: Mapping[str, Any]) -> bool:
    """A name introduced by a label or phrase: "Din sagsbehandler er Mette Hansen", "Jeg hedder …",
    "Kontaktperson: Ole Berg" (a first name alone is enough), or a role word right before a full
    name, as letterheads and footers write it ("Sagsbehandler Karin Lauesen · Jobcenter …")."""
    label = _compile_any(_option(options, "name-labels"))
    for match in label.finditer(block.text):
        if _name_after(block.text, match.end(), options, single=True):
            return True
    prefix = _compile_any(_option(options, "name-role-prefixes"))
    for match in prefix.finditer(block.text):
        if _name_after(block.text, match.end(), options, single=False):
            return True
    before = _compile_any(_option(options, "name-before-labels"))
    for match in before.finditer(block.text):
        if _name_before(block.text, match.start(), options):
            return True
    return False


#: The capitalised words that end a stretch of text: the candidate for ``_name_before``.
_TRAILING_WORDS = re.compile(r"(?:[A-ZÆØÅ][\w.-]*\s+){0,3}[A-ZÆØÅ][\w-]*$")


def _name_before(text: str, end: int, options: Mapping[str, Any]) -> bool:
    """Do the capitalised words just before ``end`` form a person's name ("er det Mette Dal, der
    er din sagsbehandler")? A first name alone is enough, as after a label."""
    found = _TRAILING_WORDS.search(text[:end].rstrip())
    if found is None:
        return False
    return _looks_like_name(found.group(), options, single=True)


def _is_role_line(line: str, role: re.Pattern[str]) -> bool:
    """A short line that starts with a role, perhaps after one word ("Sagsbehandler",
    "Jobkonsulent, Jobcenter Solbæk", "Koordinerende sagsbehandler", "Din jobkonsulent"), but not
    after a genitive ("Virksomhedens kontaktperson": someone else's role)."""
    match = role.search(line)
    if not match or len(line.split()) > 6:
        return False
    before = line[: match.start()].split()
    return not before or (len(before) == 1 and not before[0].lower().endswith("s"))


def _name_next_to_role(blocks: Sequence[Block], zone: set[int], options: Mapping[str, Any]) -> bool:
    """A name beside a role outside the citizen's address: on the line above or below a role line
    (a signature, a sender block, a two-column table "Sagsbehandler | Thomas Vang"), or on the
    same line before it ("Thomas Vang, jobkonsulent")."""
    role = _compile_any(_option(options, "role-lines"))
    lines: list[str] = []
    for block in blocks:
        if block.index in zone or block.part in (LetterPart.SUBJECT, LetterPart.SALUTATION):
            continue  # "# Ny sagsbehandler" / "Kære Ole Hansen": no role beside a name
        lines.extend(item for item in _ITEM_SEPARATORS.split(block.text) if item.strip())
    for k, line in enumerate(lines):
        pieces = re.split(r"\s*[,(–]\s*|\s+-\s+", line, maxsplit=1)
        head, rest = (pieces[0], pieces[1]) if len(pieces) == 2 else (line, "")
        if rest and role.search(rest) and _looks_like_name(head, options, single=True):
            return True
        if _is_role_line(line, role):
            for other in (lines[k - 1] if k else "", lines[k + 1] if k + 1 < len(lines) else ""):
                if (
                    other
                    and not _is_role_line(other, role)
                    and _looks_like_name(other, options, single=True)
                ):
                    return True
    return False


@check("missing-caseworker-name")
def missing_caseworker_name(analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Hit]:
    """The letter does not name the caseworker.

    A name counts when it stands in the signature after the closing ("Med venlig hilsen" /
    "Mette Hansen" / "Sagsbehandler"), after a label or phrase anywhere ("Din sagsbehandler er …",
    "Jeg hedder …", "Kontaktperson: …"), next to a role line in a sender block, or as a merge field
    or content control named for it («SagsbehandlerNavn»). A signature that is only the
    organisation ("Jobcenter Fredericia", "Borgerservice") names no one; the citizen's name in the
    address block is not the caseworker's.
    """
    if _has_field(analysis, options, "name-fields"):
        return
    blocks = _blocks(analysis)
    if _name_in_signature(blocks, options):
        return
    zone = _citizen_zone(blocks, options)
    for block in blocks:
        if block.index not in zone and _name_by_label(block, options):
            return
    if _name_next_to_role(blocks, zone, options):
        return
    yield Hit()


# --------------------------------------------------------------------------------------------
# missing-purpose and missing-goal
# --------------------------------------------------------------------------------------------


def _body_paragraphs(analysis: Analysis) -> list[list[Block]]:
    """The body's paragraphs in reading order, each a list of blocks.

    The body is what follows the salutation up to the closing: blocks tagged BODY. A heading is a
    paragraph of its own (it can carry the purpose: "Formålet med samtalen"); the cells of one
    table form one paragraph, since a "Tid | Sted" table reads as one item. Empty blocks are
    skipped. Untagged documents: the main text after the salutation ("Kære …") or from the start.
    """
    blocks = _blocks(analysis)
    chosen: list[Block] = []
    if _parts_tagged(blocks):
        chosen = [b for b in blocks if b.part == LetterPart.BODY]
    else:
        closing = _closing_index(blocks)
        started = not any(SALUTATION.match(b.text) for b in blocks)
        for i, b in enumerate(blocks):
            if closing is not None and i >= closing:
                break
            if b.kind in (BlockKind.HEADER, BlockKind.FOOTER, BlockKind.TEXT_BOX):
                continue
            if not started:
                started = bool(SALUTATION.match(b.text))
                continue
            chosen.append(b)
    paragraphs: list[list[Block]] = []
    last_table: object = None
    for block in chosen:
        if not block.text.strip():
            continue
        table = (block.story, block.table[0]) if block.table else None
        if table is not None and table == last_table:
            paragraphs[-1].append(block)
        else:
            paragraphs.append([block])
        last_table = table
    return paragraphs


def _early_paragraphs(analysis: Analysis, options: Mapping[str, Any]) -> list[list[Block]]:
    """The body's paragraphs up to and including the ``early-paragraphs``-th one that is not a
    heading (headings are read but not counted)."""
    limit = int(options.get("early-paragraphs", 3))
    out: list[list[Block]] = []
    count = 0
    for paragraph in _body_paragraphs(analysis):
        if count >= limit:
            break
        out.append(paragraph)
        if not all(b.kind == BlockKind.HEADING for b in paragraph):
            count += 1
    return out


def purpose_statement(
    analysis: Analysis, options: Mapping[str, Any]
) -> tuple[Block, int, int] | None:
    """The first purpose statement in the body's early paragraphs, if any."""
    regex = _compile_any(_option(options, "purpose-patterns"))
    for paragraph in _early_paragraphs(analysis, options):
        for block in paragraph:
            match = regex.search(block.text)
            if match:
                return block, match.start(), match.end()
    return None


@check("missing-purpose")
def missing_purpose(analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Hit]:
    """The letter does not say early why the citizen gets it or what the meeting is for.

    "Early" means in the first ``early-paragraphs`` paragraphs of the body (default 3: about the
    first five lines, hk.dk's test that after five lines a reader can say what the letter is about
    and why). Headings in the body are read but not counted; a table counts as one paragraph.
    Purpose phrases are data (``purpose-patterns``): "Du får dette brev, fordi …", "Vi skriver til
    dig, fordi …", "Formålet med … er …", "Samtalen handler om …". A bare announcement ("Hermed
    kvitteres for …", "Det meddeles, at …") is no purpose.
    """
    if purpose_statement(analysis, options) is None:
        yield Hit()


def is_activity_letter(analysis: Analysis, options: Mapping[str, Any]) -> bool:
    """Is the letter about an activity or course the citizen takes part in?

    Decided on the letter's subject (the SUBJECT part, else its first heading): an activity word
    (samtale, praktik, tilbud, forløb, plan, kursus, mentor, uddannelse …) makes it an activity
    letter, unless the subject marks a letter about something else (kvittering, partshøring, stop,
    ny sagsbehandler …). A decision that grants an activity ("Du får et ressourceforløb") is about
    it; a decision on a benefit that mentions a coming samtale in its body is not. Only a letter
    without any heading is judged on its early body paragraphs.
    """
    activity = _compile_any(_option(options, "activity-patterns"))
    not_activity = _compile_any(_option(options, "not-activity-patterns"))
    blocks = _blocks(analysis)
    subject = [b.text for b in blocks if b.part == LetterPart.SUBJECT]
    if not subject:
        subject = [b.text for b in blocks if b.kind == BlockKind.HEADING][:1]
    if subject:
        text = " ".join(subject)
    else:
        text = " ".join(b.text for p in _early_paragraphs(analysis, options) for b in p)
    return bool(activity.search(text)) and not not_activity.search(text)


def goal_present(analysis: Analysis, options: Mapping[str, Any]) -> bool:
    """Does the letter name a goal? Explicit goal words anywhere outside the legal section
    ("målet er", "delmål", "slutmål"); purpose-to-goal phrases ("så du kan", "med henblik på at
    du") only in a sentence that also names the activity or a job or education, since "så du kan"
    alone also closes practical sentences ("Ring, så du kan få svar")."""
    strong = _compile_any(_option(options, "goal-patterns"))
    weak = _compile_any(_option(options, "goal-weak-patterns"))
    context = _compile_any(_option(options, "goal-context-patterns"))
    for i, block in enumerate(_blocks(analysis)):
        if block.part in (LetterPart.LEGAL, LetterPart.HEADER, LetterPart.FOOTER):
            continue
        if block.kind in (BlockKind.HEADER, BlockKind.FOOTER):
            continue
        if strong.search(block.text):
            return True
        for start, end in _sentences(analysis, i, block):
            sentence = block.text[start:end]
            if weak.search(sentence) and context.search(sentence):
                return True
    return False


@check("missing-goal")
def missing_goal(analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Hit]:
    """A letter about an activity that names no goal the citizen works toward.

    Letters not about an activity (a receipt, a hearing, a decision to stop a benefit, a change of
    caseworker) are never flagged; see :func:`is_activity_letter` and :func:`goal_present`.
    """
    if is_activity_letter(analysis, options) and not goal_present(analysis, options):
        yield Hit()
