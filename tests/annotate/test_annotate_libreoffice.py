"""Annotated copies survive a real application: LibreOffice opens them with every comment in place.

All sample letters (tests/annotate_samples.py: body and table-cell comments, multi-run spans,
hyperlinks, merge-field templates with complex fields and fldSimple, a .dotx, content controls,
existing comments and revisions, header/footer/text-box findings) are annotated, some also with
``--suggest``, and converted to ODT in ONE ``soffice --headless --convert-to odt`` run (start-up
is the slow part). Then the ODT's content.xml must hold every comment as an office:annotation
whose text between it and its office:annotation-end is the finding's words, and every suggestion
as a tracked deletion and insertion by lettercheck.

Needs the Debian package libreoffice-writer-nogui (``.ci/run`` installs it). Without ``soffice``
the tests skip on a developer machine, and fail under CI (``CI=true``), so CI can never pass
without really running them.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from annotate_samples import SAMPLES, Sample, findings_for
from annotate_verify import comment_anchors
from libreoffice import convert, read_odt, soffice

from lettercheck.annotate.write import AUTHOR, SEVERITY_WORDS, annotate_file, is_replaceable
from lettercheck.model.document import MAIN_TEXT_KINDS, BlockKind
from lettercheck.model.findings import Finding, Readability, Severity
from lettercheck.word.reader import read_document

pytestmark = pytest.mark.slow

READABILITY = Readability(38.0, "middel", 100, 9, 20)
DATE = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
#: Samples annotated a second time with --suggest (under another name: one ODT per input name).
SUGGEST = ("suggest.docx", "body.docx", "existing.docx", "template.dotx", "typed-controls.docx")


@dataclass
class Case:
    sample: Sample
    suggest: bool
    findings: list[Finding]
    heading: str
    comments: int
    suggestions: int
    odt: Path


CORPUS = Path(__file__).resolve().parents[2] / "corpus"
#: Corpus letters that go through LibreOffice too: templates (.dotx, .docm) with merge fields,
#: fldSimple and content controls, a table, revisions (kept few: each costs LibreOffice time).
CORPUS_LETTERS = (
    "template_contentcontrols_bad.dotx",
    "template_invitation_fldsimple_bad.dotx",
    "template_docm_formel.docm",
    "partshoering_kontanthjaelp_tabel.docx",
    "virksomhedspraktik_rettelser.docx",
    "invitation_samtale_bad.docx",
)


#: Samples that also get 16 random overlapping findings (with --suggest) each.
RANDOM_SAMPLES = ("body.docx", "table.docx", "links.docx", "controls.docx", "oddities.docx")


@dataclass
class Converted:
    cases: list[Case]
    corpus: list[tuple[Path, Path]]  # (annotated copy, its ODT): corpus and random letters


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Converted:
    soffice()  # skip (or, under CI, fail) before any work when LibreOffice is missing
    root = tmp_path_factory.mktemp("lo")
    inputs, outputs = root / "in", root / "annotated"
    inputs.mkdir()
    result: list[Case] = []
    plan = [(s, False) for s in SAMPLES] + [(s, True) for s in SAMPLES if s.name in SUGGEST]
    for sample, suggest in plan:
        source = inputs / sample.name
        if not source.exists():
            sample.build(source)
        document = read_document(source)
        findings = findings_for(document, sample)
        name = ("suggest-" if suggest else "") + sample.name
        target = outputs / name
        # gather=False: one comment per finding, each checked on its words (the gathering of
        # corpus copies is checked in test_libreoffice_shows_comments_where_word_has_them).
        annotated = annotate_file(
            source, target, document, findings, READABILITY, suggest=suggest, date=DATE,
            gather=False,
        )  # fmt: skip
        assert annotated.unanchored == []
        # The summary's paragraph: the first with text outside content controls, if any.
        blocks = [
            b
            for b in document.blocks
            if b.kind in MAIN_TEXT_KINDS and b.story == "word/document.xml" and b.text.strip()
        ]
        outside = [b for b in blocks if b.kind != BlockKind.CONTENT_CONTROL]
        heading = (outside or blocks)[0].text.strip()
        odt = root / "odt" / (Path(name).stem + ".odt")
        result.append(
            Case(
                sample,
                suggest,
                findings,
                heading,
                annotated.comments,
                annotated.suggestions,
                odt,
            )
        )
    from lettercheck.app.pipeline import check_file

    # Random, overlapping spans on some samples (seeded, so a failure can be replayed).
    randomised: list[tuple[Path, Path]] = []
    rng = random.Random(int(os.environ.get("ANNOTATE_SEED", "4")))
    for sample in SAMPLES:
        if sample.name not in RANDOM_SAMPLES:
            continue
        source = inputs / sample.name
        document = read_document(source)
        blocks = [b for b in document.blocks if b.kind in MAIN_TEXT_KINDS and b.text]
        findings = []
        for number in range(16):
            block = rng.choice(blocks)
            start = rng.randrange(len(block.text))
            end = min(len(block.text), start + rng.randint(1, 30))
            findings.append(
                Finding(
                    "abbreviation" if number % 3 == 0 else "long-word", "LC1",
                    Severity.INFO, f"Tilfældigt fund {number}", block=block.index,
                    start=start, end=end, text=block.text[start:end],
                    suggestion=f"ord {number}", replaces=number % 3 == 0,
                )
            )  # fmt: skip
        target = outputs / f"random-{sample.name}"
        annotate_file(source, target, document, findings, None, suggest=True, date=DATE)
        randomised.append((target, root / "odt" / f"random-{Path(sample.name).stem}.odt"))

    corpus: list[tuple[Path, Path]] = []
    for name in CORPUS_LETTERS:
        checked = check_file(CORPUS / name)
        assert checked.document is not None, checked.result.error
        target = outputs / f"corpus-{name}"
        annotate_file(
            CORPUS / name,
            target,
            checked.document,
            checked.result.findings or [],
            checked.result.readability,
            suggest=True,
            date=DATE,
        )
        corpus.append((target, root / "odt" / f"corpus-{Path(name).stem}.odt"))
    completed = convert(
        [
            *[outputs / (("suggest-" if c.suggest else "") + c.sample.name) for c in result],
            *[copy for copy, _odt in corpus],
            *[copy for copy, _odt in randomised],
        ],
        "odt",
        root / "odt",
        root / "profile",
    )
    missing = [c.odt.name for c in result if not c.odt.exists()]
    missing += [odt.name for _copy, odt in corpus + randomised if not odt.exists()]
    assert not missing, f"LibreOffice did not convert {missing}: {completed.stderr[-2000:]}"
    return Converted(result, corpus + randomised)


@pytest.fixture(scope="module")
def cases(converted: Converted) -> list[Case]:
    return converted.cases


def _ids(cases_: list[Case]) -> list[str]:
    return [("suggest-" if c.suggest else "") + c.sample.name for c in cases_]


CASE_IDS = [s.name for s in SAMPLES] + [f"suggest-{s.name}" for s in SAMPLES if s.name in SUGGEST]


@pytest.mark.parametrize("index", range(len(CASE_IDS)), ids=CASE_IDS)
def test_libreoffice_shows_every_comment_on_its_words(cases: list[Case], index: int) -> None:
    case = cases[index]
    assert _ids([case]) == [CASE_IDS[index]]
    odt = read_odt(case.odt)
    ours = [a for a in odt.annotations if a.creator == AUTHOR]
    assert len(ours) == case.comments
    by_message = {a.paragraphs[0]: a for a in ours}  # "Advarsel: <message>", "Samlet om …"
    assert all(a.ended for a in ours), "a comment lost its range end"

    expected_deleted = []
    for mark, finding in zip(case.sample.marks, case.findings, strict=False):
        annotation = by_message[f"{SEVERITY_WORDS[finding.severity]}: {mark.message}"]
        if case.suggest and is_replaceable(finding) and not mark.kept:
            replacement = finding.suggestion or ""
            if mark.words[0].isupper():
                replacement = replacement[0].upper() + replacement[1:]
            assert annotation.anchored == replacement
            expected_deleted.append(mark.words)
        else:
            assert annotation.anchored == mark.anchored(case.suggest), mark
        assert not any("Hvorfor" in p for p in annotation.paragraphs)
        assert annotation.paragraphs[-1] == f"({finding.code} {finding.rule})"
    (summary,) = [a for a in ours if a.paragraphs[0].startswith("Samlet om brevet: LIX 38,0")]
    assert summary.anchored == case.heading
    for mark in case.sample.relocated:  # lines of the summary, saying where they belong
        assert any(f"(»{mark.words}«): {mark.message}" in p for p in summary.paragraphs)

    ours_deleted = sorted(text for creator, text in odt.deletions if creator == AUTHOR)
    assert ours_deleted == sorted(expected_deleted)
    assert odt.insertions.count(AUTHOR) == len(expected_deleted) == case.suggestions
    if case.sample.name == "suggest.docx" and case.suggest:
        assert case.suggestions == 5


def test_libreoffice_keeps_the_existing_comment_and_revisions(cases: list[Case]) -> None:
    for case in cases:
        if case.sample.name != "existing.docx":
            continue
        odt = read_odt(case.odt)
        theirs = [a for a in odt.annotations if a.creator != AUTHOR]
        assert [(a.creator, a.paragraphs, a.anchored) for a in theirs] == [
            ("Sagsbehandler", ["Husk at tjekke datoen"], "Vi har modtaget din ansøgning")
        ]
        assert ("Sagsbehandler", "skal ") in odt.deletions
        assert "Sagsbehandler" in odt.insertions


@pytest.mark.parametrize(
    "name",
    [f"corpus-{n}" for n in CORPUS_LETTERS] + [f"random-{n}" for n in RANDOM_SAMPLES],
)
def test_libreoffice_shows_comments_where_word_has_them(converted: Converted, name: str) -> None:
    """Every comment of an annotated corpus letter (and of letters with random overlapping
    findings) is in the ODT, on the same text as in the DOCX (read as Word shows it,
    suggestions accepted)."""
    copy, odt_path = next(pair for pair in converted.corpus if pair[0].name == name)
    in_word = sorted(
        (a.paragraphs[0], a.text) for a in comment_anchors(copy).values() if a.author == AUTHOR
    )
    odt = read_odt(odt_path)
    ours = [a for a in odt.annotations if a.creator == AUTHOR]
    assert all(a.ended for a in ours), "a comment lost its range end"
    assert sorted((a.paragraphs[0], a.anchored) for a in ours) == in_word
    assert in_word  # at least the summary
