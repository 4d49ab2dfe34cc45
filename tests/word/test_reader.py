"""Reader tests: each feature on a small DOCX built here with lettercheck.testing.docxwriter.

Every test also checks the run map: for every block, the run text slices named by its segments
must reproduce the block's text exactly, on a fresh parse of the story (what the annotator does).
"""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from lettercheck.model.document import BlockKind, Control, LetterError, Link, Placeholder
from lettercheck.testing.docxwriter import paragraph, run, text_box, write_docx
from lettercheck.word.ooxml import parse_xml, qn, run_text
from lettercheck.word.reader import is_short_bold_line, read_document


def check_run_map(path: Path, document) -> None:  # type: ignore[no-untyped-def]
    """Segments cover each block's text contiguously and point at the right run characters."""
    runs_by_story: dict[str, list] = {}
    with zipfile.ZipFile(path) as zf:
        for block in document.blocks:
            if block.story not in runs_by_story:
                root = parse_xml(zf.read(block.story), block.story)
                runs_by_story[block.story] = list(root.iter(qn("w:r")))
            runs = runs_by_story[block.story]
            pos = 0
            rebuilt = []
            for seg in block.segments:
                assert seg.start == pos, (block, seg)
                text = run_text(runs[seg.run])
                piece = text[seg.offset : seg.offset + seg.end - seg.start]
                assert len(piece) == seg.end - seg.start
                rebuilt.append(piece)
                pos = seg.end
            assert pos == len(block.text)
            assert "".join(rebuilt) == block.text


def read(tmp_path: Path, body: str, name: str = "brev.docx", **kwargs):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    write_docx(path, body, **kwargs)
    document = read_document(path)
    check_run_map(path, document)
    assert [b.index for b in document.blocks] == list(range(len(document.blocks)))
    return document


def kinds_texts(document) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(b.kind.value, b.text) for b in document.blocks]


DANISH_STYLES = (
    '<w:style w:type="paragraph" w:styleId="Overskrift1"><w:name w:val="Overskrift 1"/>'
    '<w:basedOn w:val="Normal"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Titel"><w:name w:val="Titel"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Punkt"><w:name w:val="Min punktliste"/>'
    '<w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Fed"><w:name w:val="Fed tekst"/>'
    "<w:rPr><w:b/></w:rPr></w:style>"
    '<w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/>'
    "<w:rPr><w:b/></w:rPr></w:style>"
    '<w:style w:type="paragraph" w:styleId="Skjult"><w:name w:val="Skjult"/>'
    "<w:rPr><w:vanish/></w:rPr></w:style>"
)


# -- paragraphs, headings, lists ----------------------------------------------------------------
def test_paragraphs_and_headings_by_style(tmp_path: Path) -> None:
    body = (
        paragraph("Afgørelse om sygedagpenge", "Title")
        + paragraph("Dit møde", "Heading1")
        + paragraph("Overskrift på dansk", "Overskrift1")
        + paragraph("Titel på dansk", "Titel")
        + '<w:p><w:pPr><w:outlineLvl w:val="1"/></w:pPr>'
        + run("Med outline-niveau")
        + "</w:p>"
        + paragraph("Kære Hans Hansen,")
        + paragraph("")
        + paragraph("   ")
        + paragraph("Vi har modtaget din ansøgning.")
    )
    doc = read(tmp_path, body, styles=DANISH_STYLES)
    assert kinds_texts(doc) == [
        ("heading", "Afgørelse om sygedagpenge"),
        ("heading", "Dit møde"),
        ("heading", "Overskrift på dansk"),
        ("heading", "Titel på dansk"),
        ("heading", "Med outline-niveau"),
        ("paragraph", "Kære Hans Hansen,"),
        ("paragraph", "Vi har modtaget din ansøgning."),
    ]
    assert [b.style for b in doc.blocks[:4]] == ["Title", "Heading 1", "Overskrift 1", "Titel"]
    assert doc.blocks[-1].style == "Normal"
    # paragraph numbers count every w:p of the story, also the empty ones
    assert [b.paragraph for b in doc.blocks] == [0, 1, 2, 3, 4, 5, 8]
    assert doc.format == "docx"
    assert all(b.story == "word/document.xml" for b in doc.blocks)


def test_short_bold_line_is_a_heading(tmp_path: Path) -> None:
    long_bold = "Dette er en lang fed sætning med mange ord som ikke er en overskrift i brevet"
    body = (
        paragraph("Sådan klager du", bold=True)
        + paragraph("Du skal møde op.", bold=True)
        + paragraph(long_bold, bold=True)
        + paragraph("Fed via stil", "Fed")
        + "<w:p>"
        + run("Delvis ", bold=True)
        + run("fed")
        + "</w:p>"
        + '<w:p><w:r><w:rPr><w:rStyle w:val="Strong"/></w:rPr><w:t>Tegnformat</w:t></w:r></w:p>'
        + '<w:p><w:pPr><w:pStyle w:val="Fed"/></w:pPr><w:r><w:rPr><w:b w:val="0"/></w:rPr>'
        "<w:t>Ikke fed alligevel</w:t></w:r></w:p>"
    )
    doc = read(tmp_path, body, styles=DANISH_STYLES)
    assert kinds_texts(doc) == [
        ("heading", "Sådan klager du"),
        ("paragraph", "Du skal møde op."),
        ("paragraph", long_bold),
        ("heading", "Fed via stil"),
        ("paragraph", "Delvis fed"),
        ("heading", "Tegnformat"),
        ("paragraph", "Ikke fed alligevel"),
    ]
    assert [b.bold for b in doc.blocks] == [True, True, True, True, False, True, False]
    assert is_short_bold_line("Bilag")
    assert not is_short_bold_line("Kære Hans,")
    assert not is_short_bold_line("12 34")


def test_list_items(tmp_path: Path) -> None:
    num = '<w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="{num}"/></w:numPr>'
    body = (
        '<w:p><w:pPr><w:pStyle w:val="ListParagraph"/>'
        + num.format(lvl=0, num=1)
        + "</w:pPr>"
        + run("Første punkt")
        + "</w:p>"
        + "<w:p><w:pPr>"
        + num.format(lvl=1, num=1)
        + "</w:pPr>"
        + run("Underpunkt")
        + "</w:p>"
        + paragraph("Punkt via stil", "Punkt")
        + paragraph("Punkt via listestil", "ListBullet")
        + "<w:p><w:pPr>"
        + num.format(lvl=0, num=0)
        + "</w:pPr>"
        + run("Ikke liste")
        + "</w:p>"
        + '<w:p><w:pPr><w:pStyle w:val="Heading1"/>'
        + num.format(lvl=0, num=1)
        + "</w:pPr>"
        + run("1. Nummereret overskrift")
        + "</w:p>"
    )
    doc = read(tmp_path, body, styles=DANISH_STYLES, numbering=True)
    assert kinds_texts(doc) == [
        ("list_item", "Første punkt"),
        ("list_item", "Underpunkt"),
        ("list_item", "Punkt via stil"),
        ("list_item", "Punkt via listestil"),
        ("paragraph", "Ikke liste"),
        ("heading", "1. Nummereret overskrift"),
    ]
    assert [b.list_level for b in doc.blocks[:5]] == [0, 1, 1, 0, None]
    assert doc.blocks[0].style == "List Paragraph"


# -- tables -------------------------------------------------------------------------------------
def _table(rows: list[list[str]]) -> str:
    return (
        "<w:tbl><w:tblPr/>"
        + "".join(
            "<w:tr>" + "".join(f"<w:tc><w:tcPr/>{cell}</w:tc>" for cell in row) + "</w:tr>"
            for row in rows
        )
        + "</w:tbl>"
    )


def test_tables_including_nested(tmp_path: Path) -> None:
    nested = _table([[paragraph("Indre A"), paragraph("Indre B")]])
    body = (
        paragraph("Før tabellen")
        + _table(
            [
                [paragraph("Navn"), paragraph("Telefon")],
                [paragraph("Anne Jensen"), nested + paragraph("Efter indre")],
            ]
        )
        + _table([[paragraph("Anden tabel")]])
        + paragraph("Efter tabellen")
    )
    doc = read(tmp_path, body)
    assert [(b.kind.value, b.text, b.table) for b in doc.blocks] == [
        ("paragraph", "Før tabellen", None),
        ("table_cell", "Navn", (0, 0, 0)),
        ("table_cell", "Telefon", (0, 0, 1)),
        ("table_cell", "Anne Jensen", (0, 1, 0)),
        ("table_cell", "Indre A", (1, 0, 0)),
        ("table_cell", "Indre B", (1, 0, 1)),
        ("table_cell", "Efter indre", (0, 1, 1)),
        ("table_cell", "Anden tabel", (2, 0, 0)),
        ("paragraph", "Efter tabellen", None),
    ]


def test_deeply_nested_tables_are_bounded(tmp_path: Path) -> None:
    inner = paragraph("bund")
    for _ in range(40):
        inner = _table([[inner + paragraph("")]])
    doc = read(tmp_path, inner)
    assert kinds_texts(doc) == [("table_cell", "bund")]
    assert doc.blocks[0].table == (39, 0, 0)
    deep = paragraph("bund")
    for _ in range(200):
        deep = _table([[deep + paragraph("")]])
    path = tmp_path / "dyb.docx"
    write_docx(path, deep)
    with pytest.raises(LetterError) as info:
        read_document(path)
    assert "\n" not in str(info.value)


# -- content controls ---------------------------------------------------------------------------
def _sdt(content: str, alias: str | None, tag: str | None, placeholder: bool = False) -> str:
    props = ""
    if alias is not None:
        props += f'<w:alias w:val="{alias}"/>'
    if tag is not None:
        props += f'<w:tag w:val="{tag}"/>'
    if placeholder:
        props += "<w:showingPlcHdr/>"
    return f"<w:sdt><w:sdtPr>{props}</w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>"


def test_block_and_inline_content_controls(tmp_path: Path) -> None:
    body = (
        _sdt(paragraph("Anne Jensen") + paragraph("Tlf. 12 34 56 78"), "Sagsbehandler", "sb")
        + "<w:p>"
        + run("Mødet er ")
        + _sdt(run("Klik her for at angive en dato."), "Mødedato", None, placeholder=True)
        + run(" på jobcentret.")
        + "</w:p>"
        + _sdt(_table([[paragraph("I en tabel")]]), "Tabel", "t")
    )
    doc = read(tmp_path, body)
    assert kinds_texts(doc) == [
        ("content_control", "Anne Jensen"),
        ("content_control", "Tlf. 12 34 56 78"),
        ("paragraph", "Mødet er Klik her for at angive en dato. på jobcentret."),
        ("table_cell", "I en tabel"),
    ]
    assert doc.blocks[0].controls == (Control(0, 11, "Sagsbehandler", "sb"),)
    assert doc.blocks[1].controls == (Control(0, 16, "Sagsbehandler", "sb"),)
    assert doc.blocks[2].controls == (Control(9, 40, "Mødedato", None),)
    assert doc.blocks[3].controls == (Control(0, 10, "Tabel", "t"),)


# -- text boxes ---------------------------------------------------------------------------------
def _textbox_alternate(text: str) -> str:
    """A text box as Word 2010+ writes it: DrawingML in mc:Choice, the same text as VML in
    mc:Fallback."""
    return text_box(paragraph(text))


def test_text_boxes_read_once_after_their_paragraph(tmp_path: Path) -> None:
    vml_only = (
        '<w:r><w:pict><v:shape id="b2" style="width:100pt;height:20pt"><v:textbox>'
        f"<w:txbxContent>{paragraph('Kun VML')}</w:txbxContent>"
        "</v:textbox></v:shape></w:pict></w:r>"
    )
    body = (
        "<w:p>"
        + run("Ankerafsnit ")
        + _textbox_alternate("Jobcenter Aarhus, tlf. 89 40 00 00")
        + run("fortsat")
        + "</w:p>"
        + "<w:p>"
        + _textbox_alternate("Boks i tomt afsnit")
        + "</w:p>"
        + "<w:p>"
        + vml_only
        + "</w:p>"
        + paragraph("Sidste afsnit")
    )
    doc = read(tmp_path, body)
    assert kinds_texts(doc) == [
        ("paragraph", "Ankerafsnit fortsat"),
        ("text_box", "Jobcenter Aarhus, tlf. 89 40 00 00"),
        ("text_box", "Boks i tomt afsnit"),
        ("text_box", "Kun VML"),
        ("paragraph", "Sidste afsnit"),
    ]
    # the run map counts the fallback's runs too: anchor run 0, box run 2, fallback run 3 …
    assert doc.blocks[0].segments[1].run == 4
    assert doc.blocks[1].segments[0].run == 2


# -- headers and footers ------------------------------------------------------------------------
def test_headers_and_footers_of_every_section(tmp_path: Path) -> None:
    section1 = (
        '<w:p><w:pPr><w:sectPr><w:headerReference w:type="default" r:id="rIdHeader3"/>'
        '<w:footerReference w:type="default" r:id="rIdFooter2"/></w:sectPr></w:pPr>'
        + run("Første sektion")
        + "</w:p>"
    )
    body = section1 + paragraph("Anden sektion")
    doc = read(
        tmp_path,
        body,
        headers=[
            paragraph("Sidehoved 1"),
            paragraph("Sidehoved forside"),
            paragraph("Sidehoved 3"),
        ],
        footers=[
            paragraph("Jobcenter, tlf. 70 11 22 33") + paragraph("jobcenter@kommune.dk"),
            paragraph("Sidefod 2"),
        ],
    )
    assert kinds_texts(doc) == [
        ("header", "Sidehoved 3"),
        ("header", "Sidehoved 1"),
        ("header", "Sidehoved forside"),
        ("paragraph", "Første sektion"),
        ("paragraph", "Anden sektion"),
        ("footer", "Sidefod 2"),
        ("footer", "Jobcenter, tlf. 70 11 22 33"),
        ("footer", "jobcenter@kommune.dk"),
    ]
    assert [b.story for b in doc.blocks if b.kind is BlockKind.HEADER] == [
        "word/header3.xml",
        "word/header1.xml",
        "word/header2.xml",
    ]
    assert doc.blocks[-1].paragraph == 1


def test_header_table_and_text_box_keep_header_kind(tmp_path: Path) -> None:
    header = _table([[paragraph("Adresse")]]) + "<w:p>" + _textbox_alternate("Logo") + "</w:p>"
    doc = read(tmp_path, paragraph("Brødtekst"), headers=[header])
    assert [(b.kind.value, b.text, b.table) for b in doc.blocks] == [
        ("header", "Adresse", (0, 0, 0)),
        ("header", "Logo", None),
        ("paragraph", "Brødtekst", None),
    ]


# -- fields -------------------------------------------------------------------------------------
def _complex(instr: str, result: str) -> str:
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{instr}</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + run(result)
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def test_simple_and_complex_fields(tmp_path: Path) -> None:
    body = (
        "<w:p>"
        + run("Din sagsbehandler er ")
        + _complex(" MERGEFIELD  SagsbehandlerNavn \\* MERGEFORMAT ", "«SagsbehandlerNavn»")
        + run(", tlf. ")
        + '<w:fldSimple w:instr=" DOCVARIABLE Telefon ">'
        + "<w:r><w:t>«Telefon»</w:t></w:r></w:fldSimple>"
        + run(".")
        + "</w:p>"
        + "<w:p>"
        + run("Side ")
        + _complex(" PAGE ", "1")
        + run(" af ")
        + '<w:fldSimple w:instr="NUMPAGES"><w:r><w:t>2</w:t></w:r></w:fldSimple>'
        + "</w:p>"
        # a field without a result shows nothing; an IF field's nested code shows nothing either
        + "<w:p>"
        + run("Før")
        + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        + "<w:r><w:instrText> SET x 1 </w:instrText></w:r>"
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        + "<w:r><w:instrText> IF </w:instrText></w:r>"
        + _complex(" MERGEFIELD Køn ", "K")
        + '<w:r><w:instrText> = "K" "kære" "kære" </w:instrText></w:r>'
        + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + run(" efter")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        + "</w:p>"
    )
    doc = read(tmp_path, body)
    assert kinds_texts(doc) == [
        ("paragraph", "Din sagsbehandler er «SagsbehandlerNavn», tlf. «Telefon»."),
        ("paragraph", "Side 1 af 2"),
        ("paragraph", "Før efter"),
    ]
    first = doc.blocks[0]
    assert first.placeholders == (
        Placeholder(21, 40, "SagsbehandlerNavn", "mergefield"),
        Placeholder(47, 56, "Telefon", "docvariable"),
    )
    assert first.text[21:40] == "«SagsbehandlerNavn»"
    assert doc.blocks[1].placeholders == ()
    assert doc.blocks[2].placeholders == ()
    assert "MERGEFIELD" not in "".join(b.text for b in doc.blocks)


# -- hyperlinks ---------------------------------------------------------------------------------
def test_hyperlinks_keep_mailto(tmp_path: Path) -> None:
    body = (
        "<w:p>"
        + run("Skriv til ")
        + '<w:hyperlink r:id="rIdMail">'
        + run("anne.jensen@aarhus.dk")
        + "</w:hyperlink>"
        + run(" eller se ")
        + '<w:hyperlink r:id="rIdWeb"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr>'
        "<w:t>borger.dk</w:t></w:r></w:hyperlink>"
        + run(" eller ")
        + _complex(' HYPERLINK "https://www.jobnet.dk" ', "Jobnet")
        + '<w:hyperlink w:anchor="bilag">'
        + run(" (intern)")
        + "</w:hyperlink>"
        + "</w:p>"
    )
    doc = read(
        tmp_path,
        body,
        hyperlinks={"rIdMail": "mailto:anne.jensen@aarhus.dk", "rIdWeb": "https://www.borger.dk/"},
    )
    block = doc.blocks[0]
    assert block.text == (
        "Skriv til anne.jensen@aarhus.dk eller se borger.dk eller Jobnet (intern)"
    )
    assert block.links == (
        Link(10, 31, "mailto:anne.jensen@aarhus.dk"),
        Link(41, 50, "https://www.borger.dk/"),
        Link(57, 63, "https://www.jobnet.dk"),
    )


# -- tracked changes ----------------------------------------------------------------------------
def test_tracked_changes_read_as_accepted(tmp_path: Path) -> None:
    attrs = 'w:id="{}" w:author="Sagsbehandler" w:date="2024-01-01T00:00:00Z"'
    body = (
        "<w:p>"
        + run("Du skal ")
        + f"<w:del {attrs.format(1)}><w:r><w:delText>ikke </w:delText></w:r></w:del>"
        + f"<w:ins {attrs.format(2)}>{run('altid ')}</w:ins>"
        + run("møde op.")
        + "</w:p>"
        + f"<w:p><w:moveFrom {attrs.format(3)}><w:r><w:t>Flyttet</w:t></w:r></w:moveFrom></w:p>"
        + f"<w:p>{run('Her: ')}<w:moveTo {attrs.format(4)}>{run('Flyttet')}</w:moveTo></w:p>"
    )
    doc = read(tmp_path, body)
    assert kinds_texts(doc) == [
        ("paragraph", "Du skal altid møde op."),
        ("paragraph", "Her: Flyttet"),
    ]
    # the deleted run still counts in the run numbering
    assert [s.run for s in doc.blocks[0].segments] == [0, 2, 3]


# -- run text -----------------------------------------------------------------------------------
def test_run_text_special_characters(tmp_path: Path) -> None:
    body = (
        "<w:p><w:r><w:t>Lønnings</w:t><w:softHyphen/><w:t>periode</w:t><w:tab/>"
        "<w:t>CPR</w:t><w:noBreakHyphen/><w:t>nr</w:t><w:br/><w:t>linje 2</w:t><w:cr/>"
        '<w:sym w:font="Symbol" w:char="00A7"/><w:sym w:font="Wingdings" w:char="F0E0"/>'
        "<w:delText>slettet</w:delText><w:instrText>PAGE</w:instrText>"
        '<w:t xml:space="preserve"> 42</w:t></w:r></w:p>'
        + "<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>Skjult tekst</w:t></w:r>"
        + run("Synlig")
        + "</w:p>"
        + paragraph("Skjult via stil", "Skjult")
    )
    doc = read(tmp_path, body, styles=DANISH_STYLES)
    assert kinds_texts(doc) == [
        ("paragraph", "Lønningsperiode\tCPR-nr\nlinje 2\n§ 42"),
        ("paragraph", "Synlig"),
    ]
    assert [s.run for s in doc.blocks[1].segments] == [2]


# -- comments -----------------------------------------------------------------------------------
def test_existing_comments_with_anchors(tmp_path: Path) -> None:
    body = (
        "<w:p>"
        + run("Vi har ")
        + '<w:commentRangeStart w:id="0"/>'
        + run("truffet afgørelse")
        + '<w:commentRangeEnd w:id="0"/>'
        + '<w:r><w:commentReference w:id="0"/></w:r>'
        + run(" om din sag.")
        + "</w:p>"
        + '<w:commentRangeStart w:id="1"/>'
        + "<w:p>"
        + run("Hele afsnittet")
        + "</w:p>"
        + paragraph("Og det næste")
        + '<w:commentRangeEnd w:id="1"/>'
    )
    doc = read(
        tmp_path,
        body,
        comments=[
            ("0", "Kommunikation", "Skriv enklere."),
            ("1", "Anne", "To afsnit"),
            ("7", "Løs", "Uden anker"),
        ],
    )
    by_id = {c.id: c for c in doc.comments}
    c0 = by_id["0"]
    assert (c0.author, c0.text) == ("Kommunikation", "Skriv enklere.")
    assert (c0.start_block, c0.start, c0.end_block, c0.end) == (0, 7, 0, 24)
    assert doc.blocks[0].text[c0.start : c0.end] == "truffet afgørelse"
    c1 = by_id["1"]
    assert (c1.start_block, c1.start, c1.end_block, c1.end) == (1, 0, 2, 12)
    c7 = by_id["7"]
    assert (c7.start_block, c7.end_block) == (None, None)


# -- formats ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("template", "macro", "suffix", "fmt"),
    [(True, False, ".dotx", "dotx"), (False, True, ".docm", "docm"), (True, True, ".dotm", "dotm")],
)
def test_templates_and_macro_formats(
    tmp_path: Path, template: bool, macro: bool, suffix: str, fmt: str
) -> None:
    doc = read(
        tmp_path, paragraph("Skabelon"), name="brev" + suffix, template=template, macro=macro
    )
    assert doc.format == fmt
    assert kinds_texts(doc) == [("paragraph", "Skabelon")]


def test_format_is_found_by_content_not_suffix(tmp_path: Path) -> None:
    path = tmp_path / "brev.dotx"
    write_docx(path, paragraph("Egentlig docx"))
    assert read_document(path).format == "docx"
    odd = tmp_path / "brev.bin"
    write_docx(odd, paragraph("Uden endelse"), template=True)
    assert read_document(odd).format == "dotx"
    with pytest.raises(LetterError):
        (tmp_path / "noter.pdf").write_bytes(b"%PDF-1.4")
        read_document(tmp_path / "noter.pdf")


def test_plain_text_one_block_per_line(tmp_path: Path) -> None:
    path = tmp_path / "brev.txt"
    path.write_text(
        "\ufeffKære Hans\n\nVi skriver til dig.\nMed venlig hilsen\r\n  Anne  \n", "utf-8"
    )
    doc = read_document(path)
    assert doc.format == "txt"
    assert [(b.kind.value, b.text, b.paragraph) for b in doc.blocks] == [
        ("paragraph", "Kære Hans", 0),
        ("paragraph", "Vi skriver til dig.", 2),
        ("paragraph", "Med venlig hilsen", 3),
        ("paragraph", "Anne", 4),
    ]
    latin = tmp_path / "gammel.txt"
    latin.write_bytes("Kære Søren".encode("cp1252"))
    assert read_document(latin).blocks[0].text == "Kære Søren"


def test_markdown_headings_and_lists(tmp_path: Path) -> None:
    path = tmp_path / "brev.md"
    path.write_text(
        "# Indkaldelse til møde\n\nKære Hans\n\n- Tag dit sygesikringskort med\n"
        "  * Underpunkt\n1. Mød op kl. 10\n## Sådan klager du ##\n#ikke-overskrift\n",
        "utf-8",
    )
    doc = read_document(path)
    assert doc.format == "md"
    assert [(b.kind.value, b.text, b.list_level) for b in doc.blocks] == [
        ("heading", "Indkaldelse til møde", None),
        ("paragraph", "Kære Hans", None),
        ("list_item", "Tag dit sygesikringskort med", 0),
        ("list_item", "Underpunkt", 1),
        ("list_item", "Mød op kl. 10", 0),
        ("heading", "Sådan klager du", None),
        ("paragraph", "#ikke-overskrift", None),
    ]


def test_agrees_with_python_docx_on_plain_paragraphs(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    texts = ["Kære Hans", "Vi har modtaget din ansøgning om sygedagpenge.", "Med venlig hilsen"]
    path = tmp_path / "brev.docx"
    write_docx(path, "".join(paragraph(t) for t in texts))
    ours = [b.text for b in read_document(path).blocks]
    theirs = [p.text for p in docx.Document(str(path)).paragraphs]
    assert ours == theirs == texts


def test_input_file_is_not_modified(tmp_path: Path) -> None:
    path = tmp_path / "brev.docx"
    write_docx(path, paragraph("Tekst"), comments=[("0", "A", "B")])
    before = path.read_bytes()
    mtime = path.stat().st_mtime_ns
    read_document(path)
    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == mtime


def test_reading_speed_of_a_typical_letter(tmp_path: Path) -> None:
    sentence = "Du skal møde op på jobcentret, så vi kan tale om din plan og dine muligheder. "
    body = "".join(
        paragraph(sentence * 3) if i % 5 else paragraph(f"Afsnit {i}", "Heading2")
        for i in range(60)
    ) + _table([[paragraph("Navn"), paragraph("Anne")]] * 5)
    path = tmp_path / "brev.docx"
    write_docx(path, body, headers=[paragraph("Jobcenter")], footers=[paragraph("Tlf.")])
    read_document(path)
    start = time.perf_counter()
    for _ in range(10):
        read_document(path)
    per_letter = (time.perf_counter() - start) / 10
    assert per_letter < 0.05, per_letter  # a few ms normally; generous for a busy machine


def test_controls_around_table_rows_and_cells(tmp_path: Path) -> None:
    row = "<w:tr><w:tc>" + paragraph("Række i kontrol") + "</w:tc></w:tr>"
    cell = "<w:tc>" + paragraph("Celle i kontrol") + "</w:tc>"
    body = (
        "<w:tbl>"
        + _sdt(row, "Række", "r")
        + "<w:tr><w:tc>"
        + paragraph("Almindelig")
        + "</w:tc>"
        + _sdt(cell, "Celle", None)
        + "</w:tr></w:tbl>"
    )
    doc = read(tmp_path, body)
    assert [(b.kind.value, b.text, b.table, b.controls) for b in doc.blocks] == [
        ("table_cell", "Række i kontrol", (0, 0, 0), (Control(0, 15, "Række", "r"),)),
        ("table_cell", "Almindelig", (0, 1, 0), ()),
        ("table_cell", "Celle i kontrol", (0, 1, 1), (Control(0, 15, "Celle", None),)),
    ]


def test_odd_header_references_are_read_once(tmp_path: Path) -> None:
    """A header reference pointing at the main document, or one part used as both header and
    footer, must not duplicate text."""
    body = (
        '<w:p><w:pPr><w:sectPr><w:headerReference w:type="default" r:id="rIdSelf"/>'
        '<w:footerReference w:type="default" r:id="rIdHeader1"/></w:sectPr></w:pPr>'
        + run("Brødtekst")
        + "</w:p>"
    )
    doc = read(
        tmp_path,
        body,
        headers=[paragraph("Delt del")],
        relationships=[
            (
                "rIdSelf",
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header",
                "document.xml",
                None,
            )
        ],
    )
    # the first section uses header1.xml as its footer; the final section's header reference to
    # the same part is not read again
    assert kinds_texts(doc) == [("paragraph", "Brødtekst"), ("footer", "Delt del")]


def test_strict_open_xml_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "strict.docx"
    write_docx(path, paragraph("Tekst"))
    strict = tmp_path / "strict2.docx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(strict, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(
                    b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                    b"http://purl.oclc.org/ooxml/wordprocessingml/main",
                )
            zout.writestr(info, data)
    with pytest.raises(LetterError, match="Strict Open XML"):
        read_document(strict)


def test_comment_anchored_on_empty_paragraphs_moves_to_the_text(tmp_path: Path) -> None:
    body = (
        paragraph("Første")
        + '<w:p><w:commentRangeStart w:id="3"/></w:p>'
        + paragraph("Midten")
        + '<w:p><w:commentRangeEnd w:id="3"/></w:p>'
        + paragraph("Sidste")
    )
    doc = read(tmp_path, body, comments=[("3", "A", "Omkring midten")])
    c = doc.comments[0]
    assert (c.start_block, c.start, c.end_block, c.end) == (1, 0, 1, 6)
    assert doc.blocks[1].text == "Midten"


def test_unclosed_field_does_not_hide_the_rest_of_the_letter(tmp_path: Path) -> None:
    body = (
        "<w:p>"
        + run("Hej ")
        + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        + "<w:r><w:instrText> MERGEFIELD Navn </w:instrText></w:r>"
        + run("Navn")
        + "</w:p>"
        + paragraph("Resten af brevet")
    )
    doc = read(tmp_path, body)
    assert kinds_texts(doc) == [("paragraph", "Hej Navn"), ("paragraph", "Resten af brevet")]
