"""The DOCX writer used by tests, the corpus build and benchmarks: deterministic and valid."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from lettercheck.testing.docxwriter import paragraph, run, write_docx
from lettercheck.word.ooxml import NS


def _write(path: Path) -> bytes:
    write_docx(
        path,
        paragraph("Afgørelse & <klage>", "Heading1") + paragraph("Tekst\tmed tab", bold=True),
        headers=[paragraph("Hoved")],
        footers=[paragraph("Fod")],
        comments=[("0", 'Anne "AJ" Jensen', "Kommentar")],
        numbering=True,
        title="Brev",
        hyperlinks={"rIdLink": "mailto:a@b.dk"},
        extra_parts={"word/media/logo.png": b"\x89PNG"},
    )
    return path.read_bytes()


def test_same_input_gives_identical_bytes(tmp_path: Path) -> None:
    assert _write(tmp_path / "a.docx") == _write(tmp_path / "b.docx")


def test_package_is_well_formed(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    _write(path)
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert names[:2] == ["[Content_Types].xml", "_rels/.rels"]
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in zf.infolist())
        for name in names:
            if name.endswith((".xml", ".rels")):
                etree.fromstring(zf.read(name))  # every XML part parses
        root = etree.fromstring(zf.read("word/document.xml"))
        assert root.get(f"{{{NS['mc']}}}Ignorable") == "w14 wp14"
        types = zf.read("[Content_Types].xml").decode()
        for part in ("document", "styles", "settings", "header1", "footer1", "comments"):
            assert f'PartName="/word/{part}.xml"' in types
        assert 'Extension="png" ContentType="image/png"' in types
        rels = zf.read("word/_rels/document.xml.rels").decode()
        assert 'Target="mailto:a@b.dk" TargetMode="External"' in rels


def test_python_docx_opens_it(tmp_path: Path) -> None:
    import docx

    path = tmp_path / "a.docx"
    _write(path)
    document = docx.Document(str(path))
    assert [p.text for p in document.paragraphs] == ["Afgørelse & <klage>", "Tekst\tmed tab"]
    assert document.paragraphs[0].style.name == "Heading 1"
    assert document.sections[0].header.paragraphs[0].text == "Hoved"
    assert document.core_properties.title == "Brev"


def test_helpers_escape_text() -> None:
    assert run("a<b") == '<w:r><w:t xml:space="preserve">a&lt;b</w:t></w:r>'
    assert paragraph("") == "<w:p></w:p>"
    assert "<w:b/>" in paragraph("x", bold=True)


def test_newline_becomes_a_line_break(tmp_path: Path) -> None:
    from lettercheck.word.reader import read_document

    path = tmp_path / "a.docx"
    write_docx(path, paragraph("Jobcenter\nVestergade 1\tBy"))
    assert "<w:br/>" in run("a\nb")
    assert [b.text for b in read_document(path).blocks] == ["Jobcenter\nVestergade 1\tBy"]
