"""Fuzzing the whole pipeline: a mutated letter gives a result or a clean per-file error, in time.

tests/test_reader_fuzz.py fuzzes the reader alone. Here the unit is what a batch run does per file,
``pipeline.run_job`` with an annotated copy: read, tag parts, analyse, run every rule, annotate. So
most mutations keep the package readable and change what the later steps see — odd text
(control characters, combining marks, huge words, no spaces), strange attribute values, removed
runs, cells and paragraphs — besides flipped bytes in XML, dropped parts and truncation. Letters
are the corpus letters when built (corpus/*.docx), else letters built here.

An error beginning "Intern fejl" (or the runner's "Uventet fejl") is a bug in lettercheck, not a
verdict on the file: the test fails on it. So does an exception, a multi-line error, an annotated
copy written for a file that failed, or a file taking more than ``MAX_SECONDS``.
"""

from __future__ import annotations

import os
import random
import re
import time
import zipfile
from pathlib import Path

import hostile as h
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lettercheck.app.pipeline import Job, check_file, run_job
from lettercheck.testing.docxwriter import paragraph, run

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
#: Per letter: not a speed target (a letter of a million characters takes seconds), a hang detector.
MAX_SECONDS = 30.0

_RICH_BODY = (
    paragraph("Indkaldelse til samtale", "Heading1")
    + paragraph("Kære Ali Hassan")
    + "<w:p>"
    + run("Du skal ")
    + '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> MERGEFIELD Dato '
    '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    + run("«Dato»")
    + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    + run(" møde op i henhold til § 42, stk. 2. Skriv til ")
    + '<w:hyperlink r:id="rIdMail">'
    + run("mette.hansen@fredericia.dk")
    + "</w:hyperlink>"
    + "</w:p>"
    + '<w:sdt><w:sdtPr><w:alias w:val="Sagsbehandler"/></w:sdtPr><w:sdtContent>'
    + paragraph("Mette Hansen, telefon 72 10 60 12")
    + "</w:sdtContent></w:sdt>"
    + "<w:tbl><w:tr><w:tc>"
    + paragraph("Tidspunkt")
    + "</w:tc><w:tc>"
    + paragraph("Tirsdag kl. 10.00")
    + "</w:tc></w:tr></w:tbl>"
    + '<w:p><w:fldSimple w:instr=" DOCVARIABLE Navn ">'
    + run("Navn")
    + "</w:fldSimple></w:p>"
    + f'<w:p><w:ins w:id="1" w:author="x">{run("De bedes venligst")}</w:ins>'
    + '<w:del w:id="2" w:author="x"><w:r><w:delText>ud</w:delText></w:r></w:del></w:p>'
    + paragraph("Med venlig hilsen")
    + paragraph("Mette Hansen")
)


def _base_letters() -> list[bytes]:
    """A handful of valid letters: corpus letters when built, plus two built here."""
    letters = [
        h.docx_bytes(),
        h.docx_bytes(
            _RICH_BODY,
            headers=[paragraph("Jobcenter Fredericia")],
            footers=[paragraph("Telefon 72 10 60 00")],
            hyperlinks={"rIdMail": "mailto:mette.hansen@fredericia.dk"},
            comments=[("0", "Kollega", "Tjek datoen")],
        ),
    ]
    corpus = sorted(CORPUS.glob("*.docx")) + sorted(CORPUS.glob("*.dotx"))
    rng = random.Random(6)
    for path in rng.sample(corpus, min(6, len(corpus))):
        letters.append(path.read_bytes())
    return letters


BASES = _base_letters()

ODD_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from(list("§.,;:!?-–«»'’ \t\u00a0\u200b\u0301æøåÆØÅ0123456789")),
    ),
    max_size=300,
)
ODD_VALUES = st.sampled_from(
    ["", "-1", "0", "99999999999999999999", "abc", "1.5", "0x1F", "NaN", "ﬀ", " ", "rId999"]
)


@st.composite
def mutated(draw) -> bytes:
    """A valid letter, then one or two mutations."""
    data = BASES[draw(st.integers(0, len(BASES) - 1))]
    for _ in range(draw(st.integers(1, 2))):
        kind = draw(
            st.sampled_from(
                ["text", "attribute", "remove", "flip", "drop", "truncate", "raw", "repeat"]
            )
        )
        data = _mutate(draw, data, kind)
    return data


def _xml_parts(parts: dict[str, bytes]) -> list[str]:
    return sorted(n for n in parts if n.endswith((".xml", ".rels")))


def _mutate(draw, data: bytes, kind: str) -> bytes:
    if kind == "truncate":
        return data[: draw(st.integers(0, max(0, len(data) - 1)))]
    if kind == "raw":  # bytes flipped in the ZIP itself (headers, compressed data)
        buf = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            if buf:
                buf[draw(st.integers(0, len(buf) - 1))] = draw(st.integers(0, 255))
        return bytes(buf)
    try:
        parts = h.read_parts(data)
    except Exception:  # already broken by an earlier mutation (any ZIP or zlib error)
        return data
    names = _xml_parts(parts)
    if not names:
        return data
    story = [n for n in names if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
    if kind == "drop":
        parts.pop(draw(st.sampled_from(sorted(parts))))
    elif kind == "flip":
        name = draw(st.sampled_from(names))
        buf = bytearray(parts[name])
        for _ in range(draw(st.integers(1, 6))):
            if buf:
                buf[draw(st.integers(0, len(buf) - 1))] = draw(st.integers(0, 255))
        parts[name] = bytes(buf)
    elif kind == "text" and story:
        name = draw(st.sampled_from(story))
        xml = parts[name].decode("utf-8", "replace")
        texts = list(re.finditer(r"(<w:t(?: [^>]*)?>)([^<]*)(</w:t>)", xml))
        if texts:
            m = draw(st.sampled_from(texts))
            new = _xml_escape(draw(ODD_TEXT))
            if draw(st.booleans()):
                new = new * draw(st.integers(1, 200))  # a long run, a word with no end
            xml = xml[: m.start(2)] + new + xml[m.end(2) :]
            parts[name] = xml.encode("utf-8")
    elif kind == "attribute":
        name = draw(st.sampled_from(names))
        xml = parts[name].decode("utf-8", "replace")
        attrs = list(re.finditer(r'(\s[\w:]+=")([^"]*)(")', xml))
        if attrs:
            m = draw(st.sampled_from(attrs))
            xml = xml[: m.start(2)] + _xml_escape(draw(ODD_VALUES)) + xml[m.end(2) :]
            parts[name] = xml.encode("utf-8")
    elif kind in ("remove", "repeat") and story:
        name = draw(st.sampled_from(story))
        xml = parts[name].decode("utf-8", "replace")
        tag = draw(st.sampled_from(["w:r", "w:p", "w:tc", "w:tr", "w:t", "w:hyperlink", "w:sdt"]))
        spans = list(re.finditer(rf"<{tag}[ >].*?</{tag}>", xml, flags=re.S))
        if spans:
            m = draw(st.sampled_from(spans))
            piece = "" if kind == "remove" else m.group(0) * draw(st.integers(2, 20))
            parts[name] = (xml[: m.start()] + piece + xml[m.end() :]).encode("utf-8")
    return h.zip_parts(parts)


def _xml_escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _damaged_entries(path: Path) -> set[str]:
    """ZIP entries that cannot be read back with a matching CRC."""
    damaged = set()
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            try:
                zf.read(info)
            except Exception:
                damaged.add(info.filename)
    return damaged


def _assert_clean(error: str | None) -> None:
    if error is None:
        return
    assert not error.startswith(("Intern fejl", "Uventet fejl")), error
    assert "\n" not in error and error.strip() == error, repr(error)
    assert h.MARKER not in error


@pytest.fixture(scope="module")
def warm(tmp_path_factory) -> None:
    """Load spaCy and the rules once, so the time bound measures the letter, not the start-up."""
    check_file(h.good_letter(tmp_path_factory.mktemp("warm") / "brev.docx"))


@settings(
    max_examples=int(os.environ.get("LETTERCHECK_FUZZ_EXAMPLES", "100")),
    deadline=None,  # our own bound below; hypothesis' deadline would flake on a loaded machine
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=mutated(), suffix=st.sampled_from([".docx", ".dotx"]))
def test_mutated_letters_give_a_result_or_a_clean_error(warm, tmp_path_factory, data, suffix):
    folder = tmp_path_factory.mktemp("fuzz")
    letter = folder / f"brev{suffix}"
    letter.write_bytes(data)
    target = folder / "ud" / letter.name
    start = time.monotonic()
    result = run_job(Job(path=letter, annotate_to=target))
    elapsed = time.monotonic() - start
    assert elapsed < MAX_SECONDS, f"{elapsed:.1f} s for one letter"
    _assert_clean(result.error)
    event("checked" if result.error is None else "refused")
    if result.error is None:
        assert result.readability is not None
    if target.exists():
        # The copy is complete. Parts the reader never reads (settings, properties) are copied
        # byte for byte, so damage the input already had there may carry over; none may be new.
        assert _damaged_entries(target) <= _damaged_entries(letter)
    assert letter.read_bytes() == data, "the input was changed"
    assert h.leftovers(folder) == []
