"""Annotated copies: every comment on exactly its finding's words, and nothing else changed.

The sample letters (tests/annotate_samples.py) cover multi-run spans with differing
formatting, tabs, table cells and nested tables, hyperlinks (relationship and HYPERLINK field),
merge fields (complex and fldSimple), a .dotx, content controls, existing comments, tracked
changes, images, headers, footers and text boxes. Each is read with the real reader, annotated,
and read back with lxml (``annotate_verify``) and python-docx.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from annotate_samples import SAMPLES, Sample, findings_for
from annotate_verify import Anchor, comment_anchors, paragraphs_added
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import lettercheck.annotate.write as annotate_module
from lettercheck.annotate.write import (
    AUTHOR,
    INITIALS,
    SEVERITY_WORDS,
    AnnotationResult,
    annotate_file,
    comment_text,
    is_replaceable,
)
from lettercheck.model.document import MAIN_TEXT_KINDS, BlockKind, Document, LetterError
from lettercheck.model.findings import Finding, Readability, Severity
from lettercheck.testing.docxwriter import paragraph, write_docx
from lettercheck.word.ooxml import parse_xml, qn
from lettercheck.word.reader import read_document

READABILITY = Readability(42.3, "middel", 120, 10, 30)
DATE = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
CHANGED_PARTS = {"word/document.xml", "word/comments.xml", "word/_rels/document.xml.rels"}
CHANGED_PARTS |= {"[Content_Types].xml"}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _annotate(
    sample: Sample, folder: Path, *, suggest: bool = False
) -> tuple[Path, Path, list[Finding], AnnotationResult]:
    source = folder / sample.name
    sample.build(source)
    document = read_document(source)
    findings = findings_for(document, sample)
    target = folder / "out" / sample.name
    # gather=False: one comment per finding, so every finding's anchor can be checked; the
    # gathering itself is tested on the corpus and in test_gathering_* below.
    result = annotate_file(
        source, target, document, findings, READABILITY, suggest=suggest, date=DATE, gather=False
    )
    return source, target, findings, result


SUMMARY = "Samlet om brevet:"
POINTER = "(Hvorfor: se den første kommentar med "


def message_of(first_paragraph: str) -> str:
    """A comment's first paragraph without its severity ("Advarsel: " …)."""
    for word in SEVERITY_WORDS.values():
        if first_paragraph.startswith(f"{word}: "):
            return first_paragraph[len(word) + 2 :]
    return first_paragraph


def home_text(document: Document) -> str:
    """The text the summary and relocated findings are anchored on: the first main-text
    paragraph with text outside content controls, else the first with text at all."""
    blocks = [
        b
        for b in document.blocks
        if b.kind in MAIN_TEXT_KINDS and b.story == "word/document.xml" and b.text.strip()
    ]
    outside = [b for b in blocks if b.kind != BlockKind.CONTENT_CONTROL]
    return (outside or blocks)[0].text.strip()


def assert_reasons_once(anchors: list[Anchor]) -> None:
    """A rule's reason ("Hvorfor") stands once, in the summary, for every rule with a comment;
    no other comment gives it or points to it."""
    summaries = [a for a in anchors if a.paragraphs[0].startswith(SUMMARY)]
    assert len(summaries) <= 1
    for anchor in anchors:
        if anchor in summaries:
            continue
        assert not any("Hvorfor" in p for p in anchor.paragraphs), anchor.paragraphs
    if not summaries:
        return
    reasons = [p for p in summaries[0].paragraphs if p.startswith("Hvorfor ")]
    codes = [p.split("(", 1)[1].split(")", 1)[0] for p in reasons]
    assert len(codes) == len(set(codes)), reasons
    for anchor in anchors:
        if anchor not in summaries and anchor.paragraphs[-1].startswith("(LC"):
            code = anchor.paragraphs[-1][1:].split()[0]
            if code.startswith("LC99"):  # the samples' rules without a reason
                continue
            assert code in codes, (code, reasons)


def test_a_copy_is_stamped_and_the_stamp_notices_any_change(tmp_path: Path) -> None:
    """The stamp lets a later run replace lettercheck's own untouched copy; a copy saved by
    another program, one with a changed part and one lettercheck never wrote are all kept."""
    from lettercheck.annotate.zipcopy import is_unchanged_copy

    _source, target, _findings, _result = _annotate(SAMPLES[0], tmp_path)
    assert is_unchanged_copy(target)

    resaved = tmp_path / "resaved.docx"  # what any other ZIP writer makes of it: no stamp
    with zipfile.ZipFile(target) as zin, zipfile.ZipFile(resaved, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
    assert not is_unchanged_copy(resaved)

    edited = tmp_path / "edited.docx"  # the stamp kept, one part changed
    with zipfile.ZipFile(target) as zin, zipfile.ZipFile(edited, "w") as zout:
        zout.comment = zin.comment
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"</w:body>", b"<w:p/></w:body>")
            zout.writestr(info, data)
    assert not is_unchanged_copy(edited)

    added = tmp_path / "added.docx"  # the stamp kept, a part added
    with zipfile.ZipFile(target) as zin, zipfile.ZipFile(added, "w") as zout:
        zout.comment = zin.comment
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr("customXml/item1.xml", b"<x/>")
    assert not is_unchanged_copy(added)

    (tmp_path / "not-a-zip.docx").write_bytes(b"just text")
    assert not is_unchanged_copy(tmp_path / "not-a-zip.docx")
    assert not is_unchanged_copy(tmp_path / "missing.docx")


@pytest.mark.parametrize("suggest", [False, True], ids=["comments", "suggest"])
@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_every_comment_is_anchored_on_its_words(
    sample: Sample, suggest: bool, tmp_path: Path
) -> None:
    source, target, findings, result = _annotate(sample, tmp_path, suggest=suggest)
    anchors = [a for a in comment_anchors(target).values() if a.author == AUTHOR]
    by_message = {message_of(a.paragraphs[0]): a for a in anchors}
    assert result.unanchored == []
    widened = {f.message for f in result.widened}
    assert widened >= {m.message for m in sample.marks if m.expect}
    assert result.comments == len(anchors) == len(sample.marks) + 1
    for anchor in anchors:
        assert anchor.started and anchor.ended and anchor.referenced, anchor
        assert anchor.initials == INITIALS

    suggested = 0
    for mark, finding in zip(sample.marks, findings, strict=False):
        anchor = by_message[mark.message]
        # The reason in full or a pointer to it; the words named when the comment covers a
        # whole content control (unless they are all of it).
        assert anchor.paragraphs in [
            comment_text(finding, words=words)
            for words in (None, mark.words if mark.expect else None)
        ], anchor.paragraphs
        if suggest and is_replaceable(finding) and not mark.kept:
            suggested += 1
            # the comment covers the struck-through original and the inserted replacement
            assert anchor.deleted == mark.words
            expected = mark.suggestion or ""
            if mark.words[0].isupper():
                expected = expected[0].upper() + expected[1:]
            assert anchor.inserted == anchor.text == expected
        else:
            assert anchor.text == mark.anchored(suggest), mark
    assert result.suggestions == suggested

    assert_reasons_once(anchors)
    # the summary: LIX with band, counts, one line per whole-letter finding and per finding in
    # a header, footer or text box (saying where), on the first paragraph outside controls
    heading = home_text(read_document(source))
    (summary,) = [a for a in anchors if a.paragraphs[0].startswith(SUMMARY)]
    assert summary.paragraphs[0].startswith(f"{SUMMARY} LIX 42,3 (middel). ")
    assert f"{len(findings)} bemærkning" in summary.paragraphs[0]
    lines = summary.paragraphs[1:]
    assert [p.split(" (LC")[0] for p in lines[: len(sample.whole)]] == [
        f"Advarsel: {message}" for message in sample.whole
    ]
    moved = lines[len(sample.whole) : len(sample.whole) + len(sample.relocated)]
    assert len(moved) == len(sample.relocated) == result.relocated
    for mark, line in zip(sample.relocated, moved, strict=True):
        assert f"(»{mark.words}«): {mark.message}" in line
    assert summary.text == heading
    assert result.summary


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_copy_opens_and_input_is_untouched(sample: Sample, tmp_path: Path) -> None:
    source = tmp_path / sample.name
    sample.build(source)
    before = _sha(source)
    document = read_document(source)
    findings = findings_for(document, sample)
    target = tmp_path / "out" / sample.name
    annotate_file(
        source, target, document, findings, READABILITY, suggest=True, date=DATE, gather=False
    )
    assert _sha(source) == before

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target) as zout:
        assert zout.testzip() is None
        names_in = [i.filename for i in zin.infolist()]
        names_out = [i.filename for i in zout.infolist()]
        assert names_out[: len(names_in)] == names_in  # same order, new parts at the end
        for info in zin.infolist():
            out = zout.getinfo(info.filename)
            assert out.compress_type == info.compress_type
            if info.filename not in CHANGED_PARTS:  # copied raw: same compressed bytes
                assert (out.CRC, out.compress_size, out.date_time) == (
                    info.CRC,
                    info.compress_size,
                    info.date_time,
                )
                assert zout.read(out) == zin.read(info)
        main_type = _main_content_type(zin)
        assert _main_content_type(zout) == main_type  # a .dotx stays a template

    # The reader still reads the copy, to the same text.
    again = read_document(target)
    assert again.format == document.format
    if sample.name.endswith(".docx"):
        # python-docx opens it (it refuses a .dotx's content type) and sees our comments
        opened = docx.Document(str(target))
        ours = [c for c in opened.comments if c.author == AUTHOR]
        assert len(ours) == len(findings) - len(sample.whole) - len(sample.relocated) + 1
        assert all(c.initials == INITIALS for c in ours)


def _main_content_type(zf: zipfile.ZipFile) -> str:
    types = parse_xml(zf.read("[Content_Types].xml"), "[Content_Types].xml")
    for el in types:
        if el.get("PartName") == "/word/document.xml":
            return el.get("ContentType") or ""
    raise AssertionError("no main document override")


def _char_formats(root: etree._Element, undo_suggestions: bool) -> list[tuple[str, str]]:
    """Every character of the body with its run's formatting (canonical w:rPr), reading order.

    With ``undo_suggestions`` the letter is read as before lettercheck's revisions: its deleted
    text counts as text, its inserted runs do not."""
    result = []
    r_pr, t, del_text = qn("w:rPr"), qn("w:t"), qn("w:delText")
    for el in root.iter(t, del_text):
        run = el.getparent()
        revision = next(run.iterancestors(qn("w:ins"), qn("w:del")), None)
        ours = revision is not None and revision.get(qn("w:author")) == AUTHOR
        if el.tag == del_text and not (undo_suggestions and ours):
            continue
        if revision is not None and revision.tag == qn("w:ins") and ours:
            continue
        props = run.find(r_pr)
        key = etree.tostring(props, method="c14n").decode() if props is not None else ""
        result.extend((ch, key) for ch in el.text or "")
    return result


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_split_runs_keep_their_formatting_and_structure(sample: Sample, tmp_path: Path) -> None:
    source, target, _findings, _result = _annotate(sample, tmp_path, suggest=True)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target) as zout:
        before = parse_xml(zin.read("word/document.xml"), "before")
        after = parse_xml(zout.read("word/document.xml"), "after")
    assert _char_formats(after, undo_suggestions=True) == _char_formats(before, False)
    # fields, controls, links, drawings, bookmarks and others' revisions are all still there
    for tag in (
        "w:fldChar",
        "w:instrText",
        "w:fldSimple",
        "w:sdt",
        "w:hyperlink",
        "w:drawing",
        "w:tbl",
        "w:sectPr",
        "w:tab",
        "mc:AlternateContent",
    ):
        assert len(after.findall(f".//{qn(tag)}")) == len(before.findall(f".//{qn(tag)}")), tag
    # Paragraphs too, except one holding only a comment mark, added where a comment around a
    # content control alone in a table cell or last in the letter has no paragraph after it.
    assert paragraphs_added(source, target) == []
    added = [
        p
        for p in after.iter(qn("w:p"))
        if len(p)
        and all(c.tag == qn("w:r") and [r.tag for r in c] == [qn("w:commentReference")] for c in p)
    ]
    assert len(added) == {"controls.docx": 2, "control-only.docx": 1}.get(sample.name, 0)
    assert len(after.findall(f".//{qn('w:p')}")) == len(before.findall(f".//{qn('w:p')}")) + len(
        added
    )
    others = f".//*[@w:author!='{AUTHOR}']"
    ns = {"w": qn("w:r")[1:].split("}")[0]}
    assert len(after.xpath(others, namespaces=ns)) == len(before.xpath(others, namespaces=ns))


def test_existing_comments_and_revisions_are_kept_and_ids_do_not_clash(tmp_path: Path) -> None:
    sample = next(s for s in SAMPLES if s.name == "existing.docx")
    _source, target, _findings, result = _annotate(sample, tmp_path, suggest=True)
    anchors = comment_anchors(target)
    theirs = [a for a in anchors.values() if a.author != AUTHOR]
    assert [(a.id, a.paragraphs, a.text) for a in theirs] == [
        ("0", ["Husk at tjekke datoen"], "Vi har modtaget din ansøgning")
    ]
    with zipfile.ZipFile(target) as zf:
        root = parse_xml(zf.read("word/document.xml"), "d")
        ids = [el.get(qn("w:id")) for el in root.iter(qn("w:ins"), qn("w:del"))]
        assert sorted(ids) == ["1", "2"]  # the caseworker's revisions, untouched
        ours = [a.id for a in anchors.values() if a.author == AUTHOR]
        assert len(set(ours)) == len(ours) == result.comments
        assert not set(ours) & {"0", "1", "2"}
        assert zf.read("word/media/image1.png") == sample_png()
    # A second run over the annotated copy keeps the first run's comments and adds new ids.
    document = read_document(target)
    again = tmp_path / "again" / "existing.docx"
    second = annotate_file(target, again, document, findings_for(document, sample), None)
    twice = comment_anchors(again)
    assert len(twice) == len(anchors) + second.comments
    assert second.summary is True  # no readability, but the summary gives the rules' reasons


def sample_png() -> bytes:
    from annotate_samples import PNG

    return PNG


def test_comments_part_is_registered_when_created(tmp_path: Path) -> None:
    sample = next(s for s in SAMPLES if s.name == "template.dotx")
    _source, target, _f, _r = _annotate(sample, tmp_path)
    with zipfile.ZipFile(target) as zf:
        types = zf.read("[Content_Types].xml").decode()
        rels = zf.read("word/_rels/document.xml.rels").decode()
        assert 'PartName="/word/comments.xml"' in types
        assert "wordprocessingml.template.main+xml" in types
        assert 'Target="comments.xml"' in rels
        assert "relationships/comments" in rels


def test_macros_survive_byte_for_byte(tmp_path: Path) -> None:
    source = tmp_path / "brev.docm"
    vba = os.urandom(3000)
    write_docx(
        source,
        paragraph("Vi skal påbegynde forløbet."),
        macro=True,
        extra_parts={"word/vbaProject.bin": vba},
    )
    document = read_document(source)
    start = document.blocks[0].text.index("påbegynde")
    finding = Finding(
        "officialese", "LC1", Severity.WARNING, "Papirord", block=0, start=start,
        end=start + 9, text="påbegynde", suggestion="begynde", replaces=True,
    )  # fmt: skip
    target = tmp_path / "out.docm"
    annotate_file(source, target, document, [finding], None, suggest=True)
    with zipfile.ZipFile(target) as zf:
        assert zf.read("word/vbaProject.bin") == vba
        assert "macroEnabled" in zf.read("[Content_Types].xml").decode()
    (anchor,) = comment_anchors(target).values()
    assert (anchor.deleted, anchor.inserted) == ("påbegynde", "begynde")


def test_never_writes_over_the_source(tmp_path: Path) -> None:
    sample = SAMPLES[0]
    source = tmp_path / sample.name
    sample.build(source)
    before = _sha(source)
    document = read_document(source)
    findings = findings_for(document, sample)
    with pytest.raises(LetterError, match="overskrive"):
        annotate_file(source, source, document, findings, READABILITY)
    with pytest.raises(LetterError, match="overskrive"):
        annotate_file(source, tmp_path / "." / sample.name, document, findings, READABILITY)
    link = tmp_path / "hard.docx"
    os.link(source, link)
    with pytest.raises(LetterError, match="overskrive"):
        annotate_file(source, link, document, findings, READABILITY)
    assert _sha(source) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["body.docx", "hard.docx"]


def test_interrupted_write_leaves_no_half_written_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = SAMPLES[0]
    source = tmp_path / sample.name
    sample.build(source)
    document = read_document(source)
    findings = findings_for(document, sample)
    out = tmp_path / "out"
    out.mkdir()
    existing = out / sample.name
    existing.write_bytes(b"old copy")

    def broken(src, dest, replace, add):  # type: ignore[no-untyped-def]
        dest.write(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt

    monkeypatch.setattr(annotate_module, "copy_zip", broken)
    with pytest.raises(KeyboardInterrupt):
        annotate_file(source, existing, document, findings, READABILITY)
    with pytest.raises(KeyboardInterrupt):
        annotate_file(source, out / "new.docx", document, findings, READABILITY)
    assert existing.read_bytes() == b"old copy"
    assert sorted(p.name for p in out.iterdir()) == [sample.name]  # no temp files, no new.docx


def test_findings_that_cannot_be_anchored_are_reported(tmp_path: Path) -> None:
    source = tmp_path / "brev.docx"
    write_docx(source, paragraph("Kort brev."))
    document = read_document(source)
    stray = Finding("long-word", "LC1", Severity.INFO, "Findes ikke", block=7, start=0, end=3)
    empty = Finding("long-word", "LC1", Severity.INFO, "Tomt", block=0, start=2, end=2)
    result = annotate_file(source, tmp_path / "o.docx", document, [stray, empty], None)
    assert [u.finding for u in result.unanchored] == [stray, empty]
    assert all(u.reason for u in result.unanchored)
    assert result.comments == 0
    assert (tmp_path / "o.docx").exists()  # still a copy, identical in content
    with zipfile.ZipFile(source) as a, zipfile.ZipFile(tmp_path / "o.docx") as b:
        assert [a.read(i) for i in a.infolist()] == [b.read(i) for i in b.infolist()]


def test_plain_text_letters_cannot_be_annotated(tmp_path: Path) -> None:
    source = tmp_path / "brev.txt"
    source.write_text("Kære borger\n", encoding="utf-8")
    document = read_document(source)
    with pytest.raises(LetterError, match="Word"):
        annotate_file(source, tmp_path / "out.txt", document, [], READABILITY)


def test_suggestions_with_alternatives_stay_comments() -> None:
    base = dict(code="LC1", severity=Severity.INFO, message="m", block=0, start=0, end=3)
    swap = dict(base, replaces=True)  # the rule's entry says ``replaces: true``
    assert is_replaceable(Finding("officialese", text="jf.", suggestion="jævnfør", **swap))
    assert not is_replaceable(Finding("officialese", text="jf.", suggestion="a / b", **swap))
    assert not is_replaceable(Finding("officialese", text="jf.", suggestion="a eller b", **swap))
    assert not is_replaceable(Finding("long-sentence", text="jf.", suggestion="kort", **base))
    assert not is_replaceable(Finding("officialese", text="jf.", suggestion=None, **swap))


def test_speed_at_least_twenty_letters_per_second(tmp_path: Path) -> None:
    """A one-page letter with a dozen findings: the --annotate target is 20 letters/s/core."""
    body = "".join(
        paragraph(
            f"Afsnit {n}: Vi skal påbegynde dit forløb jf. loven, og vi afholder et møde "
            "med dig, hvor vi taler om din plan og dine mål for de næste måneder."
        )
        for n in range(25)
    )
    source = tmp_path / "side.docx"
    write_docx(source, paragraph("Indkaldelse", style="Heading1") + body, footers=[paragraph("x")])
    document = read_document(source)
    findings = []
    for block in document.blocks[1:13]:
        start = block.text.index("påbegynde")
        findings.append(
            Finding(
                "officialese", "LC1", Severity.INFO, "Papirord", block=block.index, start=start,
                end=start + 9, text="påbegynde", suggestion="begynde", replaces=True,
            )
        )  # fmt: skip
    best = float("inf")
    for attempt in range(3):
        started = time.perf_counter()
        for n in range(10):
            annotate_file(
                source, tmp_path / f"o{attempt}{n}.docx", document, findings, READABILITY,
                suggest=True,
            )  # fmt: skip
        best = min(best, (time.perf_counter() - started) / 10)
    print(f"annotate: {best * 1000:.1f} ms per letter")
    assert best < 1 / 20, f"{best * 1000:.1f} ms per letter"


CORPUS = Path(__file__).resolve().parents[2] / "corpus"


_QUOTED = re.compile(r"»[^«]*«(?! \(»)")
_MORE = re.compile(r"(\d+) gange? mere")


def listed_count(line: str) -> int:
    """How many findings an "Også …" sentence stands for: each quoted word (not the quoted
    alternative after it) and "N gange mere"."""
    more = line[line.index("Også ") :]
    words = [m for m in re.finditer(r"»[^«]*«", more) if not more[: m.start()].endswith("(")]
    extra = _MORE.search(more)
    return len(words) + (int(extra.group(1)) if extra else 0)


def match_findings(findings: list[dict], anchors: list) -> list[str]:
    """Pair every finding (JSON shape) with lettercheck's comments; return what is wrong.

    A located finding has a comment of its own with its message whose text before lettercheck's
    own revisions is exactly its words (or, when the span had to be widened to a whole merge
    field or content control, contains them); or it is a line of the summary (findings in
    headers, footers and text boxes); or it is gathered: named in an "Også …" sentence of a
    comment of its rule ("Også »Dem« og 3 gange mere i dette afsnit") or in a "Her også:" line
    of a wider comment holding its words. The gathered ones are counted per rule against those
    sentences. What is left must be the summary, with a line per whole-letter finding.
    """
    problems = []
    left = list(anchors)
    summaries = [a for a in left if a.paragraphs[0].startswith(SUMMARY)]
    if len(summaries) != 1:
        return [f"expected one summary comment, got {len(summaries)}"]
    summary = summaries[0]
    left.remove(summary)
    gathered: dict[str, int] = {}
    for finding in findings:
        if finding["block"] is None:
            continue
        severity = SEVERITY_WORDS[Severity(finding["severity"])]
        message, text = f"{severity}: {finding['message']}", finding["text"]
        relocated = f"(»{text}«): {finding['message']}"
        found = next(
            (a for a in left if a.paragraphs[0] == message and a.original == text), None
        ) or next((a for a in left if a.paragraphs[0] == message and text in a.original), None)
        if found is not None:
            left.remove(found)
            if not found.paragraphs[-1].startswith(f"({finding['code']} "):
                problems.append(
                    f"no rule at the end of the comment on {text!r}: {found.paragraphs}"
                )
        elif any(relocated in line for line in summary.paragraphs):
            pass
        else:
            gathered[finding["code"]] = gathered.get(finding["code"], 0) + 1
    listed: dict[str, int] = {}
    for anchor in anchors:
        if anchor is summary:
            continue
        code = anchor.paragraphs[-1][1:].split()[0]
        for line in anchor.paragraphs[1:-1]:
            if line.startswith("Her også: "):
                inner = line[line.rindex("(") + 1 :].split()[0]
                listed[inner] = listed.get(inner, 0) + 1
                if "Også " in line[len("Her også: ") :]:
                    listed[inner] += listed_count(line[len("Her også: ") :])
            elif line.startswith("Også "):
                listed[code] = listed.get(code, 0) + listed_count(line)
    if gathered != listed:
        problems.append(f"gathered findings per rule {gathered} but comments name {listed}")
    if left and any(not a.paragraphs[-1].startswith("(LC") for a in left):
        problems.append(f"comments without a rule: {[a.paragraphs for a in left]}")
    whole = [
        f"{SEVERITY_WORDS[Severity(f['severity'])]}: {f['message']} ({f['code']} "
        for f in findings
        if f["block"] is None
    ]
    lines = summary.paragraphs[1 : 1 + len(whole)]
    if len(lines) != len(whole) or not all(
        line.startswith(start) for line, start in zip(lines, whole, strict=True)
    ):
        problems.append(f"summary lines differ: {summary.paragraphs}")
    return problems


@pytest.fixture(scope="module")
def corpus_copies(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict]]:
    """``lettercheck --annotate out/ --suggest corpus/`` once: the copies' folder and the JSON
    report's entry per letter. The letters must be untouched."""
    from click.testing import CliRunner

    from lettercheck.app.cli import main

    letters = sorted(p for p in CORPUS.iterdir() if p.suffix in {".docx", ".dotx", ".docm"})
    assert len(letters) >= 30
    before = {p.name: _sha(p) for p in letters}
    folder = tmp_path_factory.mktemp("corpus-copies")
    out, report = folder / "out", folder / "report.json"
    args = ["--annotate", str(out), "--suggest", "--annotate-level", "raad"]
    args += ["--format", "json", "--output", str(report)]
    result = CliRunner().invoke(main, [*args, str(CORPUS)])
    assert result.exit_code in (0, 1), result.output
    assert {p.name: _sha(p) for p in letters} == before
    files = {Path(f["path"]).name: f for f in json.loads(report.read_text("utf-8"))["files"]}
    return out, {name: files[name] for name in before}


def test_cli_annotates_every_corpus_letter_on_the_right_words(
    corpus_copies: tuple[Path, dict[str, dict]],
) -> None:
    """The issue's done-when: ``lettercheck --annotate out/ corpus/`` (here with --suggest),
    every letter copied with every finding a comment on its words, the inputs untouched."""
    out, files = corpus_copies
    problems = []
    for letter in sorted(files):
        entry = files[letter]
        assert entry["error"] is None, entry["error"]
        anchors = [a for a in comment_anchors(out / letter).values() if a.author == AUTHOR]
        assert all(a.started and a.ended and a.referenced for a in anchors), letter
        problems += [f"{letter}: {p}" for p in match_findings(entry["findings"], anchors)]
        try:
            assert_reasons_once(anchors)
        except AssertionError as error:
            problems.append(f"{letter}: a reason given twice or never: {error}")
    assert not problems, "\n".join(problems)


def test_annotating_adds_no_paragraph_to_a_corpus_letter(
    corpus_copies: tuple[Path, dict[str, dict]],
) -> None:
    """A new paragraph moves what follows it (the address in a window envelope) and stays after
    "Delete all comments". Templates that start with name and address controls got one between
    them for the summary's mark; a paragraph is only allowed after a content control that ends a
    table cell or the letter (README)."""
    out, files = corpus_copies
    problems = [f"{n}: {p}" for n in sorted(files) for p in paragraphs_added(CORPUS / n, out / n)]
    assert not problems, "\n".join(problems)


_PROPERTY_LETTERS: dict[str, tuple[Path, object]] = {}


def _letter_for_property(sample: Sample, folder: Path):  # type: ignore[no-untyped-def]
    if sample.name not in _PROPERTY_LETTERS:
        path = folder / sample.name
        sample.build(path)
        _PROPERTY_LETTERS[sample.name] = (path, read_document(path))
    return _PROPERTY_LETTERS[sample.name]


@settings(
    max_examples=int(os.environ.get("ANNOTATE_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    sample=st.sampled_from(SAMPLES),
    spans=st.lists(
        st.tuples(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(1, 60)),
        min_size=1,
        max_size=12,
    ),
    suggest=st.booleans(),
)
def test_any_spans_anchor_on_exactly_their_characters(
    tmp_path_factory: pytest.TempPathFactory, sample: Sample, spans: list, suggest: bool
) -> None:
    """Random, overlapping spans anywhere in the main text: each comment's text (before
    lettercheck's own revisions) is the span's characters, or contains them when the span
    touches a merge field or a block-level content control and had to be widened."""
    folder = tmp_path_factory.getbasetemp() / "property"
    folder.mkdir(exist_ok=True)
    source, document = _letter_for_property(sample, folder)
    blocks = [b for b in document.blocks if b.kind in MAIN_TEXT_KINDS and b.text]
    findings = []
    for number, (pick, begin, length) in enumerate(spans):
        block = blocks[pick % len(blocks)]
        start = begin % len(block.text)
        end = min(len(block.text), start + length)
        words = block.text[start:end]
        findings.append(
            Finding(
                "abbreviation" if number % 2 else "long-word", "LC1", Severity.INFO,
                f"Fund {number}", block=block.index, start=start, end=end, text=words,
                suggestion=f"erstatning {number}", replaces=bool(number % 2),
            )
        )  # fmt: skip
    target = folder / f"out-{os.getpid()}-{time.perf_counter_ns()}{source.suffix}"
    result = annotate_file(source, target, document, findings, None, suggest=suggest, gather=False)
    assert result.unanchored == []
    anchors = {
        message_of(a.paragraphs[0]): a
        for a in comment_anchors(target).values()
        if a.author == AUTHOR
    }
    by_index = {b.index: b for b in document.blocks}
    # Replacements actually made: a comment that ends inside one grows to cover all of it.
    replaced = [
        f
        for f in findings
        if suggest
        and is_replaceable(f)
        and anchors[f.message].deleted == f.text
        and anchors[f.message].inserted.lower() == (f.suggestion or "").lower()
    ]
    for finding in findings:
        anchor = anchors[finding.message]
        assert finding.text in anchor.original, (finding, anchor)
        block = by_index[finding.block]
        if finding in result.widened:
            continue
        start, end = finding.start, finding.end
        grown = True
        while grown:
            grown = False
            for other in replaced:
                overlaps = other.block == finding.block and other.start < end and start < other.end
                if overlaps and (other.start < start or other.end > end):
                    start, end = min(start, other.start), max(end, other.end)
                    grown = True
        assert anchor.original == block.text[start:end], (finding, anchor)
    assert_word_rules(target)
    target.unlink()


class _Unseekable(io.RawIOBase):
    """A write-only stream without seek, so zipfile writes data descriptors (as streaming
    tools do); the copier must still produce plain, valid entries."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # type: ignore[no-untyped-def,override]
        self.data += b
        return len(b)


def test_zip_copy_keeps_untouched_entries_byte_for_byte() -> None:
    from lettercheck.annotate.zipcopy import _raw_entry, copy_zip

    stream = _Unseekable()
    with zipfile.ZipFile(stream, "w") as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>" * 50, zipfile.ZIP_DEFLATED)
        zf.writestr("word/", b"")
        zf.writestr("word/document.xml", b"<w:document/>" * 50, zipfile.ZIP_DEFLATED)
        zf.writestr("word/media/billede æøå.png", os.urandom(500), zipfile.ZIP_STORED)
        zf.writestr("docProps/app.xml", b"<Properties/>" * 20, zipfile.ZIP_DEFLATED)
    source = io.BytesIO(bytes(stream.data))
    with zipfile.ZipFile(source) as zf:
        assert any(i.flag_bits & 0x08 for i in zf.infolist())  # really has data descriptors
        original = {i.filename: zf.read(i) for i in zf.infolist()}
    out = io.BytesIO()
    copy_zip(source, out, {"word/document.xml": b"<w:document>ny</w:document>"}, [("n.xml", b"x")])
    out.seek(0)
    with zipfile.ZipFile(out) as copy, zipfile.ZipFile(source) as zin:
        assert copy.testzip() is None
        names = [i.filename for i in copy.infolist()]
        assert names == [*original, "n.xml"]
        assert copy.read("word/document.xml") == b"<w:document>ny</w:document>"
        assert copy.read("n.xml") == b"x"
        for info in zin.infolist():
            if info.filename == "word/document.xml":
                continue
            out_info = copy.getinfo(info.filename)
            assert copy.read(out_info) == original[info.filename]
            assert out_info.compress_type == info.compress_type
            assert _raw_entry(out, out_info) == _raw_entry(source, info)


def test_copy_gets_an_ordinary_file_mode(tmp_path: Path) -> None:
    source = tmp_path / "brev.docx"
    write_docx(source, paragraph("Kort brev."))
    target = tmp_path / "ud" / "brev.docx"
    annotate_file(source, target, read_document(source), [], READABILITY)
    umask = os.umask(0o022)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


_RUN_PARENTS = {
    qn(f"w:{t}")
    for t in (
        "p", "hyperlink", "ins", "del", "moveFrom", "moveTo", "sdtContent", "smartTag",
        "customXml", "fldSimple", "dir", "bdo",
    )
} | {qn("mc:Choice"), qn("mc:Fallback")}  # fmt: skip
_MARK_PARENTS = _RUN_PARENTS | {qn("w:body"), qn("w:tc")}


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_copy_follows_the_rules_word_repairs_files_for(sample: Sample, tmp_path: Path) -> None:
    _source, target, _f, _r = _annotate(sample, tmp_path, suggest=True)
    assert_word_rules(target)


def assert_word_rules(target: Path) -> None:
    """What Word is strict about: property elements first, runs and range marks only where
    the schema allows them, deleted text only in deletions, a cell and the body ending right,
    every comment with one start, one end and one reference after its end, unique ids."""
    with zipfile.ZipFile(target) as zf:
        root = parse_xml(zf.read("word/document.xml"), "d")
        comments = parse_xml(zf.read("word/comments.xml"), "c")
    for tag, props in (("w:p", "w:pPr"), ("w:r", "w:rPr")):
        for el in root.iter(qn(tag)):
            assert all(c.tag != qn(props) for c in el[1:]), f"{props} not first in {tag}"
    for run in root.iter(qn("w:r")):
        assert run.getparent().tag in _RUN_PARENTS, run.getparent().tag
    for el in root.iter(qn("w:delText")):
        assert next(el.iterancestors(qn("w:del")), None) is not None
    for el in root.iter(qn("w:t")):
        assert next(el.iterancestors(qn("w:del")), None) is None
    for tc in root.iter(qn("w:tc")):
        blocks = [c for c in tc if c.tag in (qn("w:p"), qn("w:tbl"), qn("w:sdt"))]
        assert blocks and blocks[-1].tag in (qn("w:p"), qn("w:sdt"))
    body = root.find(qn("w:body"))
    assert body[-1].tag == qn("w:sectPr")

    order = {el: n for n, el in enumerate(root.iter())}
    marks: dict[str, dict[str, list]] = {}
    for kind in ("commentRangeStart", "commentRangeEnd", "commentReference"):
        for el in root.iter(qn(f"w:{kind}")):
            if kind != "commentReference":
                assert el.getparent().tag in _MARK_PARENTS, el.getparent().tag
            marks.setdefault(el.get(qn("w:id")), {}).setdefault(kind, []).append(order[el])
    ids = [c.get(qn("w:id")) for c in comments.iter(qn("w:comment"))]
    assert sorted(ids) == sorted(marks)
    for cid, seen in marks.items():
        (start,), (end,), (ref,) = (
            seen["commentRangeStart"],
            seen["commentRangeEnd"],
            seen["commentReference"],
        )
        assert start < end < ref, cid
    revisions = [el.get(qn("w:id")) for el in root.iter(qn("w:ins"), qn("w:del"))]
    assert len(set(revisions)) == len(revisions)
    assert not set(revisions) & set(ids)


def test_a_comment_around_a_whole_plain_text_control_names_its_words(tmp_path: Path) -> None:
    """LibreOffice drops a comment range inside an inline plain-text control (``<w:text/>``), so
    such a comment covers the whole control; it names the words it is about when they are only
    part of the control's text, and not when they are all of it."""
    sample = next(s for s in SAMPLES if s.name == "typed-controls.docx")
    _source, target, _findings, _result = _annotate(sample, tmp_path)
    by_message = {
        message_of(a.paragraphs[0]): a
        for a in comment_anchors(target).values()
        if a.author == AUTHOR
    }
    part = by_message["Del af en tekstkontrol"]
    assert part.text == "Formålet er at tale om din plan."
    assert part.paragraphs[-2:] == ["Gælder ordene »at tale«.", "(LC991 long-sentence)"]
    whole = by_message["Hele teksten i en tekstkontrol"]
    assert whole.text == "Anne Hansen"
    assert not any(p.startswith("Gælder ordene") for p in whole.paragraphs)
    # Drop-down, date, combo-box and rich-text controls keep the exact words.
    assert by_message["Dato, del af kontrollen"].text == "12. marts"
    assert by_message["Inde i rig tekst"].text == "10 60"
    # --suggest leaves the words of a plain-text control alone; the suggestion is advice.
    (tmp_path / "forslag").mkdir()
    _source, target, _findings, result = _annotate(sample, tmp_path / "forslag", suggest=True)
    kept = next(
        a
        for a in comment_anchors(target).values()
        if a.author == AUTHOR and message_of(a.paragraphs[0]) == "Papirord i en tekstkontrol"
    )
    assert (kept.text, kept.deleted, kept.inserted) == ("Vi fremsender indkaldelsen i dag.", "", "")
    assert "Forslag: sender" in " ".join(kept.paragraphs)
    assert result.suggestions == 0


def _ours(target: Path) -> list[Anchor]:
    anchors = [a for a in comment_anchors(target).values() if a.author == AUTHOR]
    return sorted(anchors, key=lambda a: a.position)


def test_a_comment_starts_with_its_severity_and_ends_with_its_rule(tmp_path: Path) -> None:
    """Word shows every comment alike, so the text says how serious it is (in the words staff
    use: info is "Råd") and which rule it is (code and Danish title)."""
    sample = next(s for s in SAMPLES if s.name == "body.docx")
    _source, target, _findings, _result = _annotate(sample, tmp_path)
    by_first = {a.paragraphs[0]: a for a in _ours(target)}
    error = by_first["Fejl: Skriv det enklere: påbegyndelsen"]
    assert error.paragraphs[-1] == "(LC991 long-sentence)"
    info = by_first["Råd: Skriv holder"]
    assert info.paragraphs == ["Råd: Skriv holder", "(LC992 officialese)"]
    assert "Advarsel: Overlap midt i ord" in by_first


def test_a_rules_reason_is_given_once_in_the_summary(tmp_path: Path) -> None:
    """The same long reason on every finding of a rule was most of a busy letter's comments:
    the summary gives each rule's reason once, and the comments none."""
    sample = next(s for s in SAMPLES if s.name == "body.docx")
    _source, target, _findings, _result = _annotate(sample, tmp_path)
    ours = _ours(target)
    (summary,) = [a for a in ours if a.paragraphs[0].startswith(SUMMARY)]
    reasons = [p for p in summary.paragraphs if p.startswith("Hvorfor")]
    assert (
        reasons.count(
            "Hvorfor long-sentence (LC991): Fredericia-analysen anbefaler korte sætninger."
        )
        == 1
    )
    assert not any("Hvorfor" in p for a in ours if a is not summary for p in a.paragraphs)


def _summary(tmp_path: Path, findings: list[Finding]) -> list[str]:
    source = tmp_path / "brev.docx"
    write_docx(source, paragraph("Indkaldelse", style="Heading1") + paragraph("Vi ses."))
    target = tmp_path / "out.docx"
    result = annotate_file(source, target, read_document(source), findings, READABILITY)
    assert result.summary
    (summary,) = [a for a in _ours(target) if a.paragraphs[0].startswith(SUMMARY)]
    assert summary.text == "Indkaldelse"
    return summary.paragraphs


def _whole(severity: Severity, message: str, rule: str = "missing-goal") -> Finding:
    return Finding(rule, "LC103", severity, message, why="Borgerne savner et mål.")


def test_the_summary_says_it_is_about_the_letter_and_counts_the_findings(tmp_path: Path) -> None:
    """It sits on the letter's first paragraph (often the citizen's name), so it says it is
    about the whole letter; the counts tell at a glance how much there is to do."""
    assert _summary(tmp_path, []) == ["Samlet om brevet: LIX 42,3 (middel). Ingen bemærkninger."]
    word = Finding("long-word", "LC403", Severity.INFO, "Langt ord", block=1, start=0, end=3)
    findings = [
        _whole(Severity.ERROR, "Intet mål."),
        _whole(Severity.WARNING, "Ingen e-mail.", "missing-caseworker-email"),
        word,
        word,
    ]
    assert _summary(tmp_path, findings) == [
        # review item 29: the comments in the margin are counted too (the two long-word
        # findings share one comment, the whole-letter ones stand in the summary)
        "Samlet om brevet: LIX 42,3 (middel). 4 bemærkninger (1 fejl, 1 advarsel, 2 råd). "
        "I kopien står 4 af dem i 2 kommentarer, denne med.",
        "Fejl: Intet mål. (LC103 missing-goal)",
        "Advarsel: Ingen e-mail. (LC103 missing-caseworker-email)",
        "Hvorfor missing-goal (LC103): Borgerne savner et mål.",
        "Hvorfor missing-caseworker-email (LC103): Borgerne savner et mål.",
    ]
    one = [_whole(Severity.INFO, "Ingen sms.")]
    assert (
        _summary(tmp_path, one)[0] == "Samlet om brevet: LIX 42,3 (middel). 1 bemærkning (1 råd)."
    )


def test_the_summary_states_the_lix_once(tmp_path: Path) -> None:
    """When the finding about a high LIX gives the number and band, the summary's own LIX would
    only repeat it; when it does not, the summary keeps it."""
    stated = _whole(
        Severity.WARNING, "Brevets LIX er 42,3 (middel); grænsen er 40.", "lix-too-high"
    )
    lines = _summary(tmp_path, [stated])
    assert lines[0] == "Samlet om brevet: 1 bemærkning (1 advarsel)."
    assert lines[1].startswith("Advarsel: Brevets LIX er 42,3 (middel); grænsen er 40.")
    other = _whole(Severity.WARNING, "Brevets LIX er over grænsen på 40.", "lix-too-high")
    lines = _summary(tmp_path, [other])
    assert lines[0] == "Samlet om brevet: LIX 42,3 (middel). 1 bemærkning (1 advarsel)."


@pytest.mark.parametrize(
    ("message", "stated"),
    [
        ("Brevets LIX er 41,3 (middel); det er over grænsen på 40.", True),
        ("Brevets LIX er 41,3, middel.", True),
        ("Brevets LIX er 141,3 (middel).", False),  # another number that holds 41,3
        ("Brevets LIX er 41,35 (middel).", False),
        ("Brevets LIX er 41,3 (svær).", False),  # another band
    ],
)
def test_the_summary_leaves_out_the_lix_only_when_a_finding_states_it(
    message: str, stated: bool
) -> None:
    from lettercheck.annotate.write import _lix_stated

    readability = Readability(lix=41.3, band="middel", words=100, sentences=10, long_words=20)
    finding = Finding("lix-too-high", "LC401", Severity.WARNING, message)
    assert _lix_stated(readability, [finding]) is stated


# --------------------------------------------------------------------------------------------
# Issue 13 §1: a copy a person can work through


def _found(block: int, text: str, words: str, rule: str, severity: Severity, **kw) -> Finding:
    start = text.index(words, kw.pop("after", 0))
    codes = {"formal-address": "LC301", "officialese": "LC302", "long-sentence": "LC402"}
    return Finding(
        rule, codes[rule], severity, f"»{words}« – {rule}", block=block, start=start,
        end=start + len(words), text=words, why=f"Grund til {rule}.", title=rule.title(),
        replaces=rule == "officialese", **kw,
    )  # fmt: skip


def test_one_comment_per_rule_per_paragraph_and_none_inside_a_wider_one(tmp_path: Path) -> None:
    """Six "De" in a paragraph are one comment naming the others; an officialese phrase inside a
    long sentence is a line of the sentence's comment; every replacement keeps its tracked
    change; an error inside a warning keeps a comment of its own."""
    first = "De bedes sende Dem og Deres papirer, og De skal huske det, og De må ringe. De kan."
    second = "Vi fremsender brevet og fremsender også en kopi til dig senere i denne uge i dag."
    source = tmp_path / "brev.docx"
    write_docx(source, paragraph("Indkaldelse") + paragraph(first) + paragraph(second))
    document = read_document(source)
    W = Severity.WARNING
    findings = [_found(1, first, w, "formal-address", W) for w in ("De", "Dem", "Deres")]
    later = [m.start() for m in re.finditer(r"\bDe\b", first)][1:]
    findings += [_found(1, first, "De", "formal-address", W, after=n) for n in later]
    findings.append(_found(2, second, second[:-1], "long-sentence", W))
    findings.append(_found(2, second, "fremsender", "officialese", W, suggestion="sender"))
    findings.append(
        _found(2, second, "fremsender", "officialese", W, suggestion="sender", after=20)
    )
    findings.append(_found(2, second, "i dag", "formal-address", Severity.ERROR))
    target = tmp_path / "out.docx"
    result = annotate_file(source, target, document, findings, READABILITY, suggest=True)
    ours = _ours(target)
    by_first = {a.paragraphs[0]: a for a in ours}
    assert len(ours) == result.comments == 4  # De-form, long sentence, the error, the summary
    de = by_first["Advarsel: »De« – formal-address"]
    assert de.paragraphs[1] == "Også »Dem«, »Deres« og 3 gange mere i dette afsnit."
    long = by_first[f"Advarsel: »{second[:-1]}« – long-sentence"]
    assert long.paragraphs[1:] == [
        "Her også: Advarsel: »fremsender« – officialese Også 1 gang mere her. (LC302 Officialese)",
        "(LC402 Long-Sentence)",
    ]
    assert "Fejl: »i dag« – formal-address" in by_first
    assert result.suggestions == 2  # both "fremsender", each a tracked change
    assert_reasons_once(ours)


def test_advice_is_left_out_below_the_level_and_the_summary_says_so(tmp_path: Path) -> None:
    text = "Vi fremsender brevet."
    source = tmp_path / "brev.docx"
    write_docx(source, paragraph("Indkaldelse") + paragraph(text))
    document = read_document(source)
    advice = _found(1, text, "fremsender", "officialese", Severity.INFO, suggestion="sender")
    target = tmp_path / "out.docx"
    result = annotate_file(
        source, target, document, [advice], READABILITY, suggest=True, level=Severity.WARNING
    )
    (summary,) = _ours(target)
    assert result.suggestions == 0
    assert summary.paragraphs == [
        "Samlet om brevet: LIX 42,3 (middel). 1 bemærkning (1 råd).",
        # in words for the caseworker who reads the copy (review item 28)
        "1 råd er udeladt i kopien. Vil du også se dem, så bed om en kopi med alle råd (den, "
        "der laver kopierne, bruger --annotate-level raad).",
    ]


def test_the_summary_stands_on_the_subject_never_on_the_address(
    corpus_copies: tuple[Path, dict[str, dict]],
) -> None:
    """In 110 of 132 copies the summary sat on the citizen's name. It goes on the subject
    line, or on the first line of the body when there is none."""
    from lettercheck.app.pipeline import check_file

    out, files = corpus_copies
    wrong = []
    for letter in sorted(files):
        document = check_file(CORPUS / letter).document
        assert document is not None
        (summary,) = [
            a
            for a in comment_anchors(out / letter).values()
            if a.author == AUTHOR and a.paragraphs[0].startswith(SUMMARY)
        ]
        homes = [
            b.text.strip()
            for part in ("subject", "body")
            for b in document.blocks
            if b.part == part and b.text.strip() and b.kind in MAIN_TEXT_KINDS
        ]
        address = {b.text.strip() for b in document.blocks if b.part == "address"}
        text = summary.original.strip()  # before --suggest's tracked changes
        if text in address or (homes and text not in homes):
            wrong.append(f"{letter}: on {text!r}")
    assert not wrong, "\n".join(wrong)


def test_a_comment_on_a_deletion_reaches_the_next_word(tmp_path: Path) -> None:
    """Review item 49: a comment on a deleted word alone hangs on nothing in Word once the
    deletion is shown or accepted; it ends on the run after the deletion."""
    text = "Vi sender hermed brevet til dig."
    source = tmp_path / "brev.docx"
    write_docx(source, paragraph("Indkaldelse") + paragraph(text))
    document = read_document(source)
    deletion = _found(1, text, " hermed", "officialese", Severity.WARNING, suggestion="")
    target = tmp_path / "out.docx"
    result = annotate_file(source, target, document, [deletion], READABILITY, suggest=True)
    assert result.suggestions == 1
    with zipfile.ZipFile(target) as zf:
        root = parse_xml(zf.read("word/document.xml"), "after")
    body = root.find(qn("w:body"))
    paragraph_xml = list(body.iter(qn("w:p")))[1]
    tags = list(paragraph_xml.iter(qn("w:del"), qn("w:commentRangeEnd"), qn("w:r")))
    end = next(i for i, el in enumerate(tags) if el.tag == qn("w:commentRangeEnd"))
    before_end = [el for el in tags[:end] if el.tag == qn("w:r")]
    # the last run the comment covers is live text, not the deleted " hermed"
    assert before_end[-1].find(qn("w:t")) is not None
    assert "brevet" in before_end[-1].find(qn("w:t")).text


def test_the_copy_reuses_the_readers_parse_and_a_second_copy_parses_again(tmp_path: Path) -> None:
    """annotate_file takes the main story the reader parsed (Document.parsed: bytes, tree and
    run map) instead of parsing the package again; it changes that tree, so it takes it once,
    and a second copy from the same Document parses the bytes again, with the same result."""
    import pickle

    from lettercheck.word.ooxml import ParsedPart, RunMap

    sample = SAMPLES[0]
    source = tmp_path / sample.name
    sample.build(source)
    document = read_document(source)
    assert isinstance(document.parsed, ParsedPart)
    assert len(document.parsed.run_map) == len(RunMap(parse_xml(document.parsed.data, "x")))
    assert pickle.loads(pickle.dumps(document)).parsed is None  # a tree never leaves its process
    findings = findings_for(document, sample)
    first, second = tmp_path / "a" / sample.name, tmp_path / "b" / sample.name
    annotate_file(source, first, document, findings, READABILITY, date=DATE)
    assert document.parsed is None
    annotate_file(source, second, document, findings, READABILITY, date=DATE)
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        assert [a.read(n) for n in a.namelist()] == [b.read(n) for n in b.namelist()]
