"""Purpose and goal (LC102, LC103): what the letter is about, and what the activity works toward.

Citizens in Herlev (2023) missed the purpose of meetings and internships and clear end goals and
sub-goals; hk.dk's test wants the message in the first five lines.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from lettercheck.checks import Hit, check
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
        for start, end in sentences_of(analysis, i, block):
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
