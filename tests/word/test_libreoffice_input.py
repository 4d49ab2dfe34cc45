"""Letters written by a real application, not by us: every corpus letter saved again by LibreOffice.

The corpus is built by ``lettercheck.testing.docxwriter``, so without this test the reader would
only ever
have seen our own way of writing WordprocessingML. LibreOffice writes it its own way (other style
ids and defaults, w:rsid attributes, bookmarks, its own field and content-control markup, its own
relationships, settings and numbering parts), which is what a letter that went through another
office program looks like. Each corpus letter (.docx, .dotx, .docm) is saved as .docx by
``soffice --convert-to docx`` in one run; then

* the re-saved letter must get the same LIX and the same findings (rule, part, words, message) as
  the original: nothing the reader understands may depend on how the file was written;
* its annotated copy must carry every finding as a comment on exactly the finding's words, and
  LibreOffice must open that copy again with every one of our comments anchored and ended.

Needs LibreOffice (``.ci/run`` installs it); see ``tests/libreoffice.py``.
"""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from annotate_verify import comment_anchors
from libreoffice import convert, read_odt, soffice

from lettercheck.annotate.write import AUTHOR, annotate_file
from lettercheck.app.pipeline import WORD_SUFFIXES, check_file
from lettercheck.model.document import MAIN_TEXT_KINDS
from lettercheck.model.findings import FileResult

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
LETTERS = sorted(p.name for p in CORPUS.iterdir() if p.suffix in WORD_SUFFIXES)
DATE = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@dataclass
class Resaved:
    folder: Path  # LibreOffice's .docx of each corpus letter, named <stem>.docx
    annotated: Path  # lettercheck's annotated copies of those
    odt: Path  # LibreOffice's ODT of each annotated copy


def _key(result: FileResult) -> list[tuple]:
    return sorted(
        (f.rule, f.part or "", f.text or "", f.message, f.severity.value)
        for f in result.findings or []
    )


@pytest.fixture(scope="module")
def resaved(tmp_path_factory: pytest.TempPathFactory) -> Resaved:
    soffice()  # skip (or, under CI, fail) before any work when LibreOffice is missing
    root = tmp_path_factory.mktemp("lo-input")
    originals, folder = root / "originals", root / "resaved"
    originals.mkdir()
    for name in LETTERS:
        shutil.copy(CORPUS / name, originals / name)
    done = convert(sorted(originals.iterdir()), "docx:MS Word 2007 XML", folder, root / "profile")
    missing = [n for n in LETTERS if not (folder / f"{Path(n).stem}.docx").exists()]
    assert not missing, f"LibreOffice did not save {missing}: {done.stderr[-2000:]}"

    annotated, odt = root / "annotated", root / "odt"
    annotated.mkdir()
    for name in LETTERS:
        source = folder / f"{Path(name).stem}.docx"
        checked = check_file(source)
        assert checked.document is not None, checked.result.error
        result = annotate_file(
            source,
            annotated / source.name,
            checked.document,
            checked.result.findings or [],
            checked.result.readability,
            date=DATE,
            gather=False,  # one comment per finding: each checked on its words below
        )
        assert result.unanchored == [], f"{name}: {result.unanchored}"
    done = convert(sorted(annotated.iterdir()), "odt", odt, root / "profile")
    missing = [n for n in LETTERS if not (odt / f"{Path(n).stem}.odt").exists()]
    assert not missing, f"LibreOffice did not open {missing}: {done.stderr[-2000:]}"
    return Resaved(folder, annotated, odt)


@pytest.mark.parametrize("name", LETTERS)
def test_a_letter_saved_by_libreoffice_gets_the_same_findings(resaved: Resaved, name: str) -> None:
    original = check_file(CORPUS / name).result
    again = check_file(resaved.folder / f"{Path(name).stem}.docx").result
    assert original.error is None and again.error is None, (original.error, again.error)
    assert again.readability == original.readability
    assert _key(again) == _key(original)


@pytest.mark.parametrize("name", LETTERS)
def test_its_annotated_copy_has_every_comment_on_its_words(resaved: Resaved, name: str) -> None:
    stem = Path(name).stem
    source = resaved.folder / f"{stem}.docx"
    findings = check_file(source).result.findings or []
    document = check_file(source).document
    assert document is not None
    main = {b.index for b in document.blocks if b.story == "word/document.xml"}
    # Findings in headers, footers and text boxes are lines of the summary comment.
    located = sorted(
        f.text
        for f in findings
        if f.located
        and f.text
        and f.block in main
        and document.blocks[f.block].kind in MAIN_TEXT_KINDS
    )
    anchors = comment_anchors(resaved.annotated / f"{stem}.docx").values()
    ours = [a for a in anchors if a.author == AUTHOR]
    # One comment per located finding plus the summary comment, each on the finding's words
    # (the summary on the first paragraph with text).
    assert all(a.started and a.ended and a.referenced for a in ours)
    extra = Counter(a.text for a in ours)
    extra.subtract(located)
    assert all(n >= 0 for n in extra.values()), f"findings without their comment: {-extra}"
    assert extra.total() == 1, f"more comments than findings + summary: {+extra}"
    # LibreOffice opens the copy with every one of our comments, each with its range ended.
    shown = [a for a in read_odt(resaved.odt / f"{stem}.odt").annotations if a.creator == AUTHOR]
    assert len(shown) == len(ours)
    assert all(a.ended for a in shown)
    assert sorted(a.anchored for a in shown) == sorted(a.text for a in ours)
