"""Purpose and goal (LC102, LC103): what the letter is about, and what the activity works toward.

Citizens in Herlev (2023) missed the purpose of meetings and internships and clear end goals and
sub-goals; hk.dk's test wants the message in the first five lines.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lettercheck.checks import Hit, applies, check
from lettercheck.language.parts import SALUTATION
from lettercheck.model.document import Block, BlockKind, LetterPart

if TYPE_CHECKING:
    from lettercheck.language.analysis import Analysis
from lettercheck.checks.common import (
    blocks_of,
    closing_index,
    compile_any,
    option,
    parts_tagged,
    sentences_of,
)

# missing-purpose and missing-goal
# --------------------------------------------------------------------------------------------


def _body_paragraphs(analysis: Analysis) -> list[list[Block]]:
    """The body's paragraphs in reading order, each a list of blocks.

    The body is what follows the salutation up to the closing: blocks tagged BODY. A heading is a
    paragraph of its own (it can carry the purpose: "Formålet med samtalen"); the cells of one
    table form one paragraph, since a "Tid | Sted" table reads as one item. Empty blocks are
    skipped. Untagged documents: the main text after the salutation ("Kære …") or from the start.
    """
    blocks = blocks_of(analysis)
    chosen: list[Block] = []
    if parts_tagged(blocks):
        chosen = [b for b in blocks if b.part == LetterPart.BODY]
    else:
        closing = closing_index(blocks)
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


@dataclass(frozen=True, slots=True)
class PurposeReading:
    """What missing-purpose took as the letter's purpose, and why (``lettercheck show`` prints it).

    ``how`` is ``"subject"`` (the subject line says it), ``"body"`` (a statement in the early
    paragraphs), ``"late"`` (a statement only after them) or ``"none"``. ``activity`` is the
    activity the letter is about (praktik, mentor, forløb …) when it is an activity letter, and
    ``activity_for`` the words that say what the activity is for, if any. ``first`` is the first
    sentence of the body, for a message that names what the letter opens with.
    """

    how: str
    block: Block | None = None
    start: int = 0
    end: int = 0
    activity: str | None = None
    activity_for: str | None = None
    first: str = ""
    first_is_procedure: bool = False
    late_paragraph: int | None = None

    @property
    def text(self) -> str:
        return self.block.text[self.start : self.end] if self.block is not None else ""

    @property
    def stated(self) -> bool:
        return self.how in ("subject", "body")

    @property
    def missing(self) -> bool:
        return not self.stated or (self.activity is not None and self.activity_for is None)


def _subject(analysis: Analysis) -> Block | None:
    """The subject line: the SUBJECT part, or in an untagged document its first heading."""
    blocks = blocks_of(analysis)
    subject = [b for b in blocks if b.part == LetterPart.SUBJECT and b.text.strip()]
    if not subject and not parts_tagged(blocks):
        subject = [b for b in blocks if b.kind == BlockKind.HEADING and b.text.strip()][:1]
    return subject[0] if subject else None


def purpose_statement(
    analysis: Analysis, options: Mapping[str, Any]
) -> tuple[Block, int, int] | None:
    """The first purpose statement in the body's early paragraphs, if any."""
    regex = compile_any(option(options, "purpose-patterns"))
    for paragraph in _early_paragraphs(analysis, options):
        for block in paragraph:
            match = regex.search(block.text)
            if match:
                return block, match.start(), match.end()
    return None


def read_purpose(analysis: Analysis, options: Mapping[str, Any]) -> PurposeReading:
    """How the letter states what it is about (see ``PurposeReading``).

    Stated: a statement in the early body paragraphs (``purpose-patterns``: a decision's result,
    an answer to the citizen's request, an invitation with its subject, a reminder or request, a
    hearing, an orientation, or the classic "Du får dette brev, fordi …"), or a subject line that
    names the matter (``subject-purpose-patterns``: "Afgørelse om befordringsgodtgørelse",
    "Ophør af sygedagpenge", "Opfølgningssamtale om dine sygedagpenge"). An activity letter
    (``purpose-activity-patterns`` on the subject: praktik, mentor, forløb, kursus …) must also
    say somewhere outside the legal section what the activity is for
    (``activity-purpose-patterns``), unless its name makes that plain (``plain-activity-patterns``:
    a course in jobsøgning, a truckcertifikat).
    """
    body = _body_paragraphs(analysis)
    first = ""
    if body:
        block = body[0][0]
        spans = sentences_of(analysis, block.index)
        first = block.text[spans[0][0] : spans[0][1]].strip() if spans else block.text.strip()
    procedure = compile_any(option(options, "procedure-patterns"))
    subject = _subject(analysis)
    activity, activity_for = _activity(analysis, options, subject.text if subject else "")
    common: dict[str, Any] = {
        "first": first,
        "first_is_procedure": bool(procedure.search(first)),
        "activity": activity,
        "activity_for": activity_for,
    }
    found = purpose_statement(analysis, options)
    if found is not None:
        block, start, end = found
        return PurposeReading("body", block, start, end, **common)
    subject_regex = compile_any(option(options, "subject-purpose-patterns"))
    if subject is not None and (match := subject_regex.search(subject.text)):
        return PurposeReading("subject", subject, match.start(), match.end(), **common)
    regex = compile_any(option(options, "purpose-patterns"))
    early = len(_early_paragraphs(analysis, options))
    for number, paragraph in enumerate(body, start=1):
        if number <= early:
            continue
        for block in paragraph:
            if match := regex.search(block.text):
                return PurposeReading(
                    "late", block, match.start(), match.end(), late_paragraph=number, **common
                )
    return PurposeReading("none", **common)


def _activity(
    analysis: Analysis, options: Mapping[str, Any], subject: str
) -> tuple[str | None, str | None]:
    """(the activity the letter is about, the words that say what it is for), from the subject
    (or, without one, the early paragraphs); (None, None) when it is no activity letter."""
    activity = compile_any(option(options, "purpose-activity-patterns"))
    not_activity = compile_any(option(options, "purpose-not-activity-patterns"))
    early_text = " ".join(b.text for p in _early_paragraphs(analysis, options) for b in p)
    text = subject or early_text
    match = activity.search(text)
    if match is None or not_activity.search(text):
        return None, None
    plain = compile_any(option(options, "plain-activity-patterns"))
    if found := plain.search(f"{subject} {early_text}"):
        return match.group(), found.group()
    what_for = compile_any(option(options, "activity-purpose-patterns"))
    for block in blocks_of(analysis):
        if block.part in (LetterPart.LEGAL, LetterPart.HEADER, LetterPart.FOOTER):
            continue
        if block.kind in (BlockKind.HEADER, BlockKind.FOOTER):
            continue
        if found := what_for.search(block.text):
            return match.group(), found.group()
    return match.group(), None


def quote(text: str, limit: int = 70) -> str:
    """``text`` on one line, cut at a word after about ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 20 else limit] + " …"


def purpose_message(reading: PurposeReading) -> str | None:
    """The Danish finding that names what the letter opens with and why it is not enough; None
    for the rule's own message."""
    if reading.stated and reading.activity is not None and reading.activity_for is None:
        return (
            f"Brevet handler om {reading.activity.lower()}, men siger ikke, hvad det skal føre "
            "til. Skriv fx »Formålet er, at du …« eller »I forløbet får du hjælp til at …«."
        )
    if reading.how == "late":
        return (
            f"Brevet siger først i afsnit {reading.late_paragraph}, hvad det handler om "
            f"(»{quote(reading.text)}«). Skriv det i de første linjer."
        )
    if not reading.first:
        return None
    what = "er procedure eller lovgrundlag" if reading.first_is_procedure else "er ikke et formål"
    return (
        f"Brevet begynder med »{quote(reading.first)}«, som {what}: de første linjer siger ikke, "
        "hvad brevet handler om. Begynd med fx »Du får dette brev, fordi …«, afgørelsens resultat "
        "eller, hvad samtalen handler om."
    )


@check("missing-purpose")
def missing_purpose(analysis: Analysis, options: Mapping[str, Any]) -> Iterator[Hit]:
    """The letter does not say early what it is about, or an activity letter never says what
    the activity is for (see ``read_purpose``).

    "Early" means in the first ``early-paragraphs`` paragraphs of the body (default 3: about the
    first five lines, hk.dk's test that after five lines a reader can say what the letter is about
    and why). Headings in the body are read but not counted; a table counts as one paragraph.
    First lines that are only procedure, legal basis or boilerplate ("I henhold til § 16 skal vi
    hermed …", "Vedlagt fremsendes …") state nothing; the message quotes them.
    """
    reading = read_purpose(analysis, options)
    if reading.missing:
        yield Hit(message=purpose_message(reading))


def is_activity_letter(analysis: Analysis, options: Mapping[str, Any]) -> bool:
    """Is the letter about an activity or course the citizen takes part in?

    Decided on the letter's subject (the SUBJECT part, else its first heading): an activity word
    (samtale, praktik, tilbud, forløb, plan, kursus, mentor, uddannelse …) makes it an activity
    letter, unless the subject marks a letter about something else (kvittering, partshøring, stop,
    ny sagsbehandler …). A decision that grants an activity ("Du får et ressourceforløb") is about
    it; a decision on a benefit that mentions a coming samtale in its body is not. Only a letter
    without any heading is judged on its early body paragraphs.
    """
    activity = compile_any(option(options, "activity-patterns"))
    not_activity = compile_any(option(options, "not-activity-patterns"))
    blocks = blocks_of(analysis)
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
    strong = compile_any(option(options, "goal-patterns"))
    weak = compile_any(option(options, "goal-weak-patterns"))
    context = compile_any(option(options, "goal-context-patterns"))
    for i, block in enumerate(blocks_of(analysis)):
        if block.part in (LetterPart.LEGAL, LetterPart.HEADER, LetterPart.FOOTER):
            continue
        if block.kind in (BlockKind.HEADER, BlockKind.FOOTER):
            continue
        if strong.search(block.text):
            return True
        for start, end in sentences_of(analysis, i):
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


@applies("missing-goal")
def goal_applies(analysis: Analysis, options: Mapping[str, Any]) -> bool:
    """missing-goal applies to a letter about an activity (samtale, praktik, forløb, …) only, so
    the JSON's ``rules_applied`` and the audit's shares count only those letters (issue 12)."""
    return is_activity_letter(analysis, options)
