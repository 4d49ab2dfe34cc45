"""Two small letters for the batch tests (audit, pre-commit, browser, benchmark): one that follows
every recommendation and one that breaks several of them."""

from __future__ import annotations

from pathlib import Path

from lettercheck.testing.docxwriter import paragraph, write_docx

GOOD = [
    ("Indkaldelse til samtale om praktik", "Heading1"),
    ("Kære Anna Jensen", None),
    ("Du får dette brev, fordi vi gerne vil tale med dig om en praktik.", None),
    ("Målet er, at du får et job i en butik.", None),
    ("Vi mødes tirsdag den 3. marts kl. 10.00 i Jobcenter Vejle, Havnegade 5, lokale 2.", None),
    ("Hvis du ikke kan komme, så ring til mig, så finder vi en ny tid.", None),
    ("Du kan ringe eller sende en sms til mig på 72 10 60 12.", None),
    ("Du kan også skrive til mig på mette.hansen@vejle.dk.", None),
    ("Med venlig hilsen", None),
    ("Mette Hansen", None),
    ("Sagsbehandler, Jobcenter Vejle", None),
    ("Regler", "Heading2"),
    ("Vi indkalder dig efter lov om en aktiv beskæftigelsesindsats § 27, stk. 1.", None),
]

BAD = [
    ("Indkaldelse", "Heading1"),
    ("Kære Anna Jensen", None),
    (
        "I henhold til § 42, stk. 2, i lov om aktiv socialpolitik skal De hermed indkaldes til "
        "en samtale vedrørende Deres fremadrettede beskæftigelsesmæssige situation.",
        None,
    ),
    ("Mødet afholdes tirsdag den 3. marts kl. 10.00.", None),
    ("Med venlig hilsen", None),
    ("Jobcenter Vejle", None),
]


def write_letter(path: Path, lines: list[tuple[str, str | None]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_docx(path, "".join(paragraph(text, style) for text, style in lines))
    return path
