"""Tag every block with the part of the letter it belongs to.

Rules judge placement by letter part: a legal reference is fine in the final legal section and
early everywhere else; a phone number in the recipient's address block is the citizen's, not the
caseworker's. Municipal letters follow a stable order (Ankestyrelsen's recipe: heading, result,
reasons, rules, complaints guidance), so the parts are found by a few landmarks:

    address block   everything before the subject heading or the salutation
    subject         the first heading before the salutation (or the first heading at all)
    salutation      "Kære …", "Hej …"
    body            the message
    legal           the final legal section: from the first legal heading ("Regler", "Lovgrundlag",
                    "Klagevejledning", "Sådan klager du", "Hvis du vil klage", …) that no later
                    message heading follows; a contact heading ("Har du spørgsmål?") after it
                    does not end it, since contact details often close a letter. A rules
                    section ("Regler", "Lovgrundlag", "Retsgrundlag") is legal wherever it
                    stands: one in the middle of the body runs to the next message heading
    closing         "Med venlig hilsen", "Venlig hilsen", …
    signature       the sender's name and contact block after the closing; it ends where a
                    legal section or attachments start: a quoted statute ("§ 11. Kommunen yder
                    …", "Lov om aktiv socialpolitik § 12"), a "Regler"/"Lovgrundlag"/
                    "Klagevejledning" block (also a long paragraph that opens with the word), or
                    a "Bilag"/"Vedlagt" line after the signature is never the signature
    attachments     from a "Bilag" heading on
    header, footer  the page headers and footers

Text boxes take the part of the paragraph that anchors them, since Word places them there.
"""

from __future__ import annotations

import re

from lettercheck.model.document import Block, BlockKind, Document, LetterPart

#: The salutation and closing formulas; the structure rules use the same ones.
SALUTATION = re.compile(r"^\s*(?:kære|hej)\b", re.IGNORECASE)
CLOSING = re.compile(
    r"^\s*(?:med\s+)?(?:venlig(?:e|st)?|mange|de\s+bedste|kærlig(?:e)?)\s+hils(?:en|ner)\b"
    r"|^\s*mvh\b|^\s*hilsen\b",
    re.IGNORECASE,
)
_LEGAL_TITLE = re.compile(
    r"^\s*(regler(ne)?|reglerne\s+for|lovgrundlag(et)?|retsgrundlag(et)?|lovgivning(en)?"
    r"|love\s+og\s+regler|regler\s+og\s+klagevejledning|klagevejledning|klageadgang"
    r"|sådan\s+klager\s+du|hvis\s+du\s+vil\s+klage|du\s+kan\s+klage|vil\s+du\s+klage"
    r"|klage(muligheder)?|hvordan\s+klager\s+du|begrundelse\s+og\s+regler"
    r"|de\s+regler\s+vi\s+har\s+brugt|hvilke\s+regler)\b",
    re.IGNORECASE,
)
#: A heading over the rules themselves (not the complaints guidance): such a section is the legal
#: part wherever it stands, also when a message heading follows it ("Retsgrundlag" in the middle
#: of a decision quotes the law as much as one at the end).
_RULES_TITLE = re.compile(
    r"^\s*(regler(ne)?|reglerne\s+for|lovgrundlag(et)?|retsgrundlag(et)?|lovgivning(en)?"
    r"|love\s+og\s+regler|de\s+regler\s+vi\s+har\s+brugt|hvilke\s+regler)\b",
    re.IGNORECASE,
)
_ATTACHMENTS = re.compile(r"^\s*(bilag|vedlagte\s+bilag|vedhæftede\s+filer)\b", re.IGNORECASE)
#: What opens a quoted statute or a legal block after the signature: real decisions quote the
#: law verbatim there ("§ 11. Kommunen yder hjælp …", "Lov om aktiv socialpolitik, § 12, stk. 1:",
#: "Uddrag af sygedagpengeloven", "»§ 24. …"), and it is the legal section, not the signature.
_STATUTE_START = re.compile(
    r"^\s*[»\"“„']?\s*(?:§\s*\d|§§|stk\.\s*\d|(?:lov(?:bekendtgørelse)?|bekendtgørelse)\s+(?:om|nr)\b"
    r"|uddrag\s+af\b|[a-zæøå]{3,}lovens?\s+§|(?:lbk|bek)\.?\s+nr)",
    re.IGNORECASE,
)
#: A line after the signature that lists or announces attachments ("Bilag 1: Lægeerklæring",
#: "Vedlagt: kopi af …").
_ATTACHMENT_LINE = re.compile(
    r"^\s*(?:bilag\b|vedlagt\s*:|vedhæftet\s*:|vedlagte\s+bilag)", re.IGNORECASE
)
_CONTACT_TITLE = re.compile(
    r"^\s*(har\s+du\s+spørgsmål|spørgsmål|kontakt|kontaktoplysninger|sådan\s+kontakter\s+du"
    r"|du\s+kan\s+kontakte|hvis\s+du\s+har\s+spørgsmål)\b",
    re.IGNORECASE,
)
_MAX_TITLE_WORDS = 8
_MAX_SUBJECT_WORDS = 25


def tag_parts(document: Document) -> None:
    """Set ``Block.part`` on every block of ``document``."""
    flow: list[Block] = []
    for block in document.blocks:
        if block.kind is BlockKind.HEADER:
            block.part = LetterPart.HEADER
        elif block.kind is BlockKind.FOOTER:
            block.part = LetterPart.FOOTER
        elif block.kind is not BlockKind.TEXT_BOX:
            flow.append(block)
    _tag_flow(flow)
    previous = LetterPart.ADDRESS
    for block in document.blocks:
        if block.kind is BlockKind.TEXT_BOX:
            block.part = previous
        elif block.part not in (LetterPart.HEADER, LetterPart.FOOTER) and block.part is not None:
            previous = block.part


def _tag_flow(flow: list[Block]) -> None:
    texts = [b.text.strip() for b in flow]
    salutation = _first(i for i, t in enumerate(texts) if _is_salutation(t))
    headings = [i for i, b in enumerate(flow) if _is_heading(b)]
    # Without a salutation, the first sentence to the citizen ends the letterhead and address:
    # "Din anmodning om flytning til nedenstående adresse er blevet godkendt." is the message,
    # and a "Flyttedato:" label after it is no subject.
    prose = None
    if salutation is None:
        prose = _first(i for i, b in enumerate(flow) if not b.table and _to_the_citizen(texts[i]))
    before = salutation if salutation is not None else prose
    subject = _first(
        i
        for i, b in enumerate(flow)
        if (before is None or i < before) and not b.table and (i in headings or _is_subject_line(b))
    )
    closing = _last(i for i, t in enumerate(texts) if CLOSING.match(t) and len(t) < 40)

    start = _first(x for x in (subject, salutation, prose) if x is not None)
    if start is None:
        start = _first(i for i, t in enumerate(texts) if t) or 0

    legal_start = _final_legal_heading(flow, headings, after=start)

    # A letter with neither subject nor salutation (nor an address before its first sentence)
    # starts its message at once.
    part = (
        LetterPart.ADDRESS
        if subject is not None or salutation is not None or (prose is not None and prose > 0)
        else LetterPart.BODY
    )
    for i, block in enumerate(flow):
        text = texts[i]
        if i == prose and subject is None:
            part = LetterPart.BODY
        elif i == start and subject is not None and i == subject:
            part = LetterPart.SUBJECT
        elif i == salutation:
            part = LetterPart.SALUTATION
        elif i == closing:
            part = LetterPart.CLOSING
        elif i == legal_start:
            part = LetterPart.LEGAL
        elif i > start and i in headings and _ATTACHMENTS.match(text):
            part = LetterPart.ATTACHMENTS
        elif part in (LetterPart.SUBJECT, LetterPart.SALUTATION) and text:
            part = LetterPart.BODY
        elif (
            part is LetterPart.BODY
            and i in headings
            and _RULES_TITLE.match(text)
            and len(text.split()) <= _MAX_TITLE_WORDS
        ):
            part = LetterPart.LEGAL  # a rules section before the last message heading
        elif part in (LetterPart.CLOSING, LetterPart.SIGNATURE) and (
            after := _ends_signature(text)
        ):
            part = after
        elif part is LetterPart.CLOSING and text:
            part = LetterPart.SIGNATURE
        elif (
            part is LetterPart.LEGAL
            and i in headings
            and _set_apart(block)
            and not _legal_subheading(flow, headings, i)
            and not _is_legal_title(text)
            and not _CONTACT_TITLE.match(text)
        ):
            part = LetterPart.BODY
        elif part is LetterPart.ADDRESS and i > start:
            part = LetterPart.BODY
        block.part = part


def _final_legal_heading(flow: list[Block], headings: list[int], after: int) -> int | None:
    """The first legal heading after the last message heading of the body.

    A heading whose section cites the law is a sub-heading of the legal section it follows, not a
    message heading: a real decision's "Regler" goes on under "Betingelser og størrelsen af din
    Suila-tapit" ("Af § 38 b, stk. 1 fremgår …") before its "Klagevejledning". A lead-in line
    ("Eventuelle klager sendes … til:") is no heading that ends it either.
    """
    candidate: int | None = None
    for i in headings:
        if i <= after:
            continue
        text = flow[i].text.strip()
        if _is_legal_title(text):
            if candidate is None:
                candidate = i
        elif (
            _ATTACHMENTS.match(text)
            or _CONTACT_TITLE.match(text)
            or CLOSING.match(text)
            or not _set_apart(flow[i])
            or (candidate is not None and _legal_subheading(flow, headings, i))
        ):
            continue
        else:
            candidate = None  # a message heading after it: that legal section was not the last
    return candidate


#: A legal reference, as the letter parts need it: a paragraph sign, "stk.", a law's name.
_CITES_LAW = re.compile(
    r"§|\bstk\.\s*\d|\b[a-zæøå]{3,}lovens?\b|\blov(?:bekendtgørelse)?\s+(?:om|nr)\b",
    re.IGNORECASE,
)


def _legal_subheading(flow: list[Block], headings: list[int], i: int) -> bool:
    """Does the section under heading ``i`` (up to the next heading) cite the law?"""
    end = next((h for h in headings if h > i), len(flow))
    return any(_CITES_LAW.search(b.text) for b in flow[i + 1 : end])


def _ends_signature(text: str) -> LetterPart | None:
    """The part a block after the closing starts when it is no signature line: LEGAL for a
    quoted statute or a legal block (a "Klagevejledning: Du kan klage …" paragraph of any length),
    ATTACHMENTS for a "Bilag" line; None for a signature line."""
    if not text:
        return None
    if _STATUTE_START.match(text) or _LEGAL_TITLE.match(text):
        return LetterPart.LEGAL
    if _ATTACHMENT_LINE.match(text):
        return LetterPart.ATTACHMENTS
    return None


def _is_heading(block: Block) -> bool:
    """A heading by style, or a short line that stands like one (a title ending in ":" or "?")."""
    text = block.text.strip()
    if not text or len(text.split()) > _MAX_TITLE_WORDS:
        return False
    if block.kind is BlockKind.HEADING or block.bold:
        return True
    return (
        _is_legal_title(text)
        or bool(_ATTACHMENTS.match(text))
        or (text[-1] in ":?" and not _is_salutation(text))
    )


#: A sentence of the message: it says du/dig/din (or the formal De) or has a finite "er"/"har"
#: ("Afgiftsanmeldelse {{ id }} er blevet afvist, med denne begrundelse:").
_MESSAGE_WORDS = re.compile(
    r"\b(?:du|dig|din|dit|dine|er|har|blev|bliver|(?-i:De|Dem|Deres))\b", re.IGNORECASE
)
_SENTENCE_WORDS = 6


def _to_the_citizen(text: str) -> bool:
    """Is ``text`` a sentence of the message (no letterhead or address line is one)?"""
    return (
        len(text.split()) >= _SENTENCE_WORDS
        and text[-1:] in (".", "!", ":")
        and bool(_MESSAGE_WORDS.search(text))
    )


def _set_apart(block: Block) -> bool:
    """A heading by style or bold, not only a short line ending in ":" or "?"."""
    return block.kind is BlockKind.HEADING or block.bold


def _is_subject_line(block: Block) -> bool:
    """A subject may be longer than other headings ("Overgang til jobafklaringsforløb, jf. § 68 b
    i lov om aktiv beskæftigelsesindsats"), but it is set apart like one: by style or bold."""
    words = len(block.text.split())
    return 0 < words <= _MAX_SUBJECT_WORDS and (block.kind is BlockKind.HEADING or block.bold)


def _is_legal_title(text: str) -> bool:
    return bool(_LEGAL_TITLE.match(text)) and len(text.split()) <= _MAX_TITLE_WORDS


def _is_salutation(text: str) -> bool:
    return bool(SALUTATION.match(text)) and len(text.split()) <= 8


def _first(items) -> int | None:
    return next(iter(items), None)


def _last(items) -> int | None:
    found = None
    for found in items:  # noqa: B007 - keep the last
        pass
    return found
