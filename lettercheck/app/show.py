"""``lettercheck show LETTER``: the letter as lettercheck reads it, in Danish.

When a user asks "why does it say my phone number is missing?", this answers it: every paragraph
with its letter part, the sentences and words LIX counts, every contact detail with its owner and
why, and what was taken as the letter's purpose. It reads the letter exactly as ``check`` does
(``pipeline``'s reader, parts and analysis) and asks the same steps the rules ask.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lettercheck.model.words import PART_DA

KIND_DA = {"name": "navn", "phone": "telefon", "email": "e-mail", "sms": "sms"}
OWNER_DA = {
    "caseworker": "sagsbehandleren",
    "sender_unit": "afsenderens enhed",
    "citizen": "borgeren",
    "third_party": "en anden",
}
_COUNTS = {"caseworker", "sender_unit"}


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 2].rstrip() + " …"


def show_text(path: Path, config: Any = None) -> str:
    """The Danish description of how lettercheck reads ``path``. Raises ``LetterError`` for a
    file that cannot be read."""
    from lettercheck.app.pipeline import _require_regular_file
    from lettercheck.checks.contact import contact_details, missing_caseworker_phone
    from lettercheck.checks.purpose_goal import (
        missing_purpose,
        purpose_message,
        quote,
        read_purpose,
    )
    from lettercheck.engine.config import load_config
    from lettercheck.engine.ruleset import load_rules
    from lettercheck.language.analysis import analyse
    from lettercheck.language.lix import (
        block_sentence_starts,
        counted_sentences,
        display,
        message_blocks,
        word_spans,
    )
    from lettercheck.language.parts import tag_parts
    from lettercheck.model.document import LetterError
    from lettercheck.word.reader import read_document

    _require_regular_file(path)
    document = read_document(path)
    if not any(block.text.strip() for block in document.blocks):
        raise LetterError("Filen indeholder ingen tekst. Tjek at det er det rigtige brev.")
    tag_parts(document)
    config = config if config is not None else load_config(path)
    analysis = analyse(document, config.lix_sentences)
    rules = load_rules()

    def options(check: Any) -> dict[str, Any]:
        """The options of the rule whose check is ``check``, as the configuration sets them."""
        rule = rules.for_check(check)
        return {**rule.options, **config.options_for(rule)} if rule is not None else {}

    r = analysis.readability
    out = [
        f"{path}",
        f"LIX {display(r.lix)} ({r.band}) · {r.words} ord · {r.sentences} sætninger · "
        f"{r.long_words} lange ord, talt over brevets budskab",
        "",
        "Afsnit (nummer, brevdel, tekst); »LIX« viser de sætninger, LIX tæller, med antal ord og "
        "de lange ord:",
    ]
    counted = message_blocks(document)
    for i, block in enumerate(document.blocks):
        if not block.text.strip():
            continue
        part = PART_DA.get(str(block.part), "–") if block.part is not None else "–"
        where = f"{document.paragraph_number(i)}"
        if block.kind.value in ("header", "footer", "text_box"):
            where += {"header": " sidehoved", "footer": " sidefod", "text_box": " tekstboks"}[
                block.kind.value
            ]
        elif block.table is not None:
            where += " tabel"
        out.append(f"  {where:<14} {part:<13} {_short(block.text)}")
        if not counted[i]:
            continue
        placeholders = [(p.start, p.end) for p in block.placeholders]
        starts = block_sentence_starts(
            block, analysis.docs[i], config.lix_sentences, analysis.sentence_starts, i
        )
        for start, end, words, _long in counted_sentences(block.text, starts, placeholders):
            sentence = block.text[start:end]
            long = [sentence[s:e] for s, e, is_long in word_spans(sentence) if is_long]
            extra = f"; lange: {', '.join(long)}" if long else ""
            out.append(f"{'':17}LIX: »{_short(block.text[start:end], 60)}« ({words} ord{extra})")

    out += ["", "Kontaktoplysninger (tæller med, når de er sagsbehandlerens eller enhedens):"]
    details = contact_details(analysis, options(missing_caseworker_phone))
    if not details:
        out.append("  ingen")
    for d in sorted(details, key=lambda d: (d.block or 0, d.span)):
        number = document.paragraph_number(d.block) if d.block is not None else "–"
        mark = (
            "tæller"
            if d.owner in _COUNTS and (d.kind != "name" or d.owner == "caseworker")
            else "tæller ikke"
        )
        out.append(
            f"  {KIND_DA[d.kind]:<9}{_short(d.text, 40)} · afsnit {number} · "
            f"{OWNER_DA[d.owner]} ({d.because}) · {mark}"
        )

    out += ["", "Formål:"]
    reading = read_purpose(analysis, options(missing_purpose))
    how = {
        "subject": f"overskriften siger det: »{quote(reading.text)}«",
        "body": f"de første afsnit siger det: »{quote(reading.text)}«",
        "late": f"først i afsnit {reading.late_paragraph}: »{quote(reading.text)}«",
        "none": "ikke fundet",
    }[reading.how]
    out.append(f"  {how}")
    if reading.first:
        kind = " (procedure eller lovgrundlag)" if reading.first_is_procedure else ""
        out.append(f"  brødteksten begynder: »{quote(reading.first)}«{kind}")
    if reading.activity is not None:
        what_for = f"»{reading.activity_for}«" if reading.activity_for else "ikke fundet"
        out.append(f"  aktivitet: {reading.activity.lower()}; hvad den skal føre til: {what_for}")
    message = purpose_message(reading) if reading.missing else None
    out.append(
        f"  fund: {message}" if message else ("  fund: ja" if reading.missing else "  fund: nej")
    )
    return "\n".join(out) + "\n"
