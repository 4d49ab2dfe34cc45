"""Fuzzing the package layer and reader: a mutated letter gives a Document or a LetterError.

A feature-rich letter (fields, controls, text boxes, tables, comments, headers) is built once;
hypothesis then flips bytes inside its XML parts, truncates parts or the whole file, and drops
parts. Anything but a ``Document`` or a one-line ``LetterError`` (a KeyError, an lxml error, a
RecursionError …) is a bug in the reader.
"""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lettercheck.model.document import Document, LetterError
from lettercheck.testing.docxwriter import paragraph, run, write_docx
from lettercheck.word.reader import read_document

_BODY = (
    paragraph("Afgørelse", "Heading1")
    + '<w:commentRangeStart w:id="0"/>'
    + "<w:p>"
    + run("Kære ")
    + '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> MERGEFIELD Navn '
    '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    + run("«Navn»")
    + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    + '<w:commentRangeEnd w:id="0"/>'
    + '<w:hyperlink r:id="rIdMail">'
    + run("mail")
    + "</w:hyperlink>"
    + "</w:p>"
    + '<w:sdt><w:sdtPr><w:alias w:val="A"/></w:sdtPr><w:sdtContent>'
    + paragraph("Kontrol")
    + "</w:sdtContent></w:sdt>"
    + "<w:tbl><w:tr><w:tc>"
    + paragraph("Celle")
    + "</w:tc></w:tr></w:tbl>"
    + '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>'
    "<w:txbxContent>"
    + paragraph("Boks")
    + "</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox>"
    "<w:txbxContent>"
    + paragraph("Boks")
    + "</w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    + f'<w:p><w:ins w:id="1" w:author="x">{run("ind")}</w:ins>'
    + '<w:del w:id="2" w:author="x"><w:r><w:delText>ud</w:delText></w:r></w:del></w:p>'
)


@pytest.fixture(scope="module")
def letter_parts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    path = tmp_path_factory.mktemp("fuzz") / "brev.docx"
    write_docx(
        path,
        _BODY,
        headers=[paragraph("Hoved")],
        footers=[paragraph("Fod")],
        comments=[("0", "A", "Kommentar")],
        numbering=True,
        hyperlinks={"rIdMail": "mailto:a@b.dk"},
    )
    assert len(read_document(path).blocks) == 8
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def _check(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "mutant.docx"
    path.write_bytes(data)
    start = time.perf_counter()
    try:
        document = read_document(path)
    except LetterError as error:
        message = str(error)
        assert message and "\n" not in message
    else:
        assert isinstance(document, Document)
        for block in document.blocks:
            assert sum(s.end - s.start for s in block.segments) == len(block.text)
    assert time.perf_counter() - start < 2
    assert path.read_bytes() == data


_FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@_FUZZ
@given(data=st.data())
def test_flipped_bytes_in_xml_parts(
    tmp_path: Path, letter_parts: dict[str, bytes], data: st.DataObject
) -> None:
    parts = dict(letter_parts)
    name = data.draw(st.sampled_from(sorted(n for n in parts if n.endswith((".xml", ".rels")))))
    body = bytearray(parts[name])
    for _ in range(data.draw(st.integers(1, 8))):
        pos = data.draw(st.integers(0, len(body) - 1))
        body[pos] = data.draw(st.sampled_from(b"<>/&\"'=:x \x00\xff#;"))
    parts[name] = bytes(body)
    _check(tmp_path, _zip(parts))


@_FUZZ
@given(data=st.data())
def test_truncated_and_dropped_parts(
    tmp_path: Path, letter_parts: dict[str, bytes], data: st.DataObject
) -> None:
    parts = dict(letter_parts)
    for name in data.draw(st.lists(st.sampled_from(sorted(parts)), max_size=3, unique=True)):
        if data.draw(st.booleans()):
            del parts[name]
        else:
            parts[name] = parts[name][: data.draw(st.integers(0, len(parts[name])))]
    blob = _zip(parts)
    if data.draw(st.booleans()):
        blob = blob[: data.draw(st.integers(0, len(blob)))]
    _check(tmp_path, blob)


@_FUZZ
@given(data=st.data())
def test_swapped_xml_elements(
    tmp_path: Path, letter_parts: dict[str, bytes], data: st.DataObject
) -> None:
    """Structure-level mutations that stay well-formed: tags renamed to other WordprocessingML
    tags, so the reader meets elements in places Word would never put them."""
    parts = dict(letter_parts)
    doc = parts["word/document.xml"].decode()
    tags = [
        "w:p",
        "w:r",
        "w:t",
        "w:tbl",
        "w:tr",
        "w:tc",
        "w:sdt",
        "w:sdtContent",
        "w:hyperlink",
        "w:txbxContent",
        "w:ins",
        "w:del",
        "w:body",
        "mc:Choice",
        "mc:Fallback",
    ]
    for _ in range(data.draw(st.integers(1, 4))):
        old = data.draw(st.sampled_from(tags))
        new = data.draw(st.sampled_from(tags))
        doc = doc.replace(f"<{old}>", f"<{new}>").replace(f"</{old}>", f"</{new}>")
    parts["word/document.xml"] = doc.encode()
    _check(tmp_path, _zip(parts))
