"""Small letters that exercise every place a comment can be anchored, for tests and benchmarks.

Each sample is a Word file built with ``docxwriter`` plus the findings to put on it, given as the
exact words (``Mark``) so they survive any change in block numbering. The unit tests, the
LibreOffice round-trip test and the speed benchmark all annotate these same letters, so a new
tricky layout is added once, here, and checked by all three.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lettercheck.model.document import Document
from lettercheck.model.findings import Finding, Severity
from lettercheck.testing.docxwriter import paragraph, run, text_box, write_docx

__all__ = ["SAMPLES", "Mark", "Sample", "findings_for", "textbox"]


@dataclass(frozen=True, slots=True)
class Mark:
    """A finding on the ``occurrence``-th place (over all blocks, reading order) where ``words``
    stand. ``expect`` is the anchored text when it differs from ``words`` (a span touching a
    merge field is widened to the whole field)."""

    words: str
    message: str
    rule: str = "long-sentence"
    suggestion: str | None = None
    occurrence: int = 0
    expect: str | None = None
    expect_suggested: str | None = None  # anchored text once other marks' suggestions are in
    kept: bool = False  # a replaceable finding that --suggest leaves as advice (see annotate)
    severity: Severity = Severity.WARNING

    def anchored(self, suggest: bool = False) -> str:
        if suggest and self.expect_suggested is not None:
            return self.expect_suggested
        return self.words if self.expect is None else self.expect


@dataclass(frozen=True, slots=True)
class Sample:
    name: str  # file name, with the extension that decides the format
    build: Callable[[Path], None]
    marks: tuple[Mark, ...]
    whole: tuple[str, ...] = ()  # messages of whole-letter findings
    relocated: tuple[Mark, ...] = ()  # marks in headers, footers, text boxes


#: One code per rule, as real rules have (a comment points back to a rule's reason by its code).
CODES = {
    "long-sentence": "LC991",
    "officialese": "LC992",
    "abbreviation": "LC993",
    "long-word": "LC994",
    "missing-goal": "LC998",
}
#: Each rule's reason: one per rule, as real rules have.
WHY = {
    "long-sentence": "Fredericia-analysen anbefaler korte sætninger.",
    "officialese": "Papirord skaber afstand.",
    "abbreviation": "Forkortelser er svære at læse.",
    "missing-goal": "Borgerne savner at vide, hvad de arbejder hen imod.",
}


def findings_for(document: Document, sample: Sample) -> list[Finding]:
    """The sample's findings located in ``document`` (as the reader read it); a finding of a rule
    whose entry says ``replaces: true`` replaces its words, as the engine's would."""
    from lettercheck.engine.ruleset import load_rules

    replacing = {rule.name for rule in load_rules() if rule.replaces}
    findings = []
    for mark in (*sample.marks, *sample.relocated):
        seen = 0
        for block in document.blocks:
            start = block.text.find(mark.words)
            while start >= 0:
                if seen == mark.occurrence:
                    break
                seen += 1
                start = block.text.find(mark.words, start + 1)
            if start >= 0:
                findings.append(
                    Finding(
                        rule=mark.rule,
                        code=CODES.get(mark.rule, "LC999"),
                        severity=mark.severity,
                        message=mark.message,
                        part=str(block.part) if block.part else None,
                        block=block.index,
                        start=start,
                        end=start + len(mark.words),
                        text=mark.words,
                        suggestion=mark.suggestion,
                        why=WHY.get(mark.rule, ""),
                        replaces=mark.rule in replacing,
                    )
                )
                break
        else:
            raise LookupError(f"{sample.name}: {mark.words!r} not in the letter")
    for message in sample.whole:
        findings.append(
            Finding(
                rule="missing-goal",
                code=CODES["missing-goal"],
                severity=Severity.WARNING,
                message=message,
                why=WHY["missing-goal"],
            )
        )
    return findings


def _r(text: str, props: str = "") -> str:
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'


def _complex_field(instr: str, result: str) -> str:
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"{result}"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def textbox(text: str) -> str:
    """A text box run as Word 2010+ writes it (DrawingML, with the same text as VML fallback)."""
    return text_box(paragraph(text))


# 1x1 transparent PNG, for "images are preserved".
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)

_HEADING = paragraph("Indkaldelse til samtale om dit forløb", style="Heading1")


def _body_letter(path: Path) -> None:
    body = (
        _HEADING
        + "<w:p>"
        + _r("Vi skal ")
        + _r("påbe", "<w:b/>")
        + _r("gyndel", '<w:i/><w:color w:val="FF0000"/>')
        + _r("sen af dit forløb, og vi ")
        + _r("afholder", '<w:sz w:val="28"/>')
        + _r(" et møde med dig.")
        + "</w:p>"
        + "<w:p>"
        + run("Mødet\tstarter kl. 10 i Jobcentret, og mødet varer en time.")
        + "</w:p>"
        + paragraph("Med venlig hilsen")
    )
    write_docx(path, body)


_BODY_MARKS = (
    Mark("påbegyndelsen", "Skriv det enklere: påbegyndelsen", severity=Severity.ERROR),
    Mark("gyndelsen af dit", "Overlap midt i ord"),
    Mark("afholder", "Skriv holder", rule="officialese", severity=Severity.INFO),
    Mark("Mødet\tstarter", "Tabulator i spændet"),
    Mark("mødet varer", "Slutter midt i løbet", occurrence=0),
    Mark("Indkaldelse til samtale om dit forløb", "Hele overskriften"),
)


def _table_letter(path: Path) -> None:
    cell = '<w:tc><w:tcPr><w:tcW w:w="4000" w:type="dxa"/></w:tcPr>{}</w:tc>'.format
    inner = (
        '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>'
        '<w:gridCol w:w="2000"/></w:tblGrid><w:tr>'
        + cell(paragraph("Indre celle med lovhenvisning"))
        + "</w:tr></w:tbl>"
    )
    body = (
        _HEADING + '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>'
        '<w:gridCol w:w="4000"/><w:gridCol w:w="4000"/></w:tblGrid><w:tr>'
        + cell("<w:p>" + _r("Telefon: ") + _r("72 10 60 12", "<w:b/>") + "</w:p>")
        + cell(paragraph("Mødested: Jobcentret, lokale 3") + inner + "<w:p/>")
        + "</w:tr></w:tbl>"
        + paragraph("Tak for din tid.")
    )
    write_docx(path, body)


_TABLE_MARKS = (
    Mark("Telefon: 72 10", "Tværs over to løb i en celle"),
    Mark("lokale 3", "Celle to"),
    Mark("lovhenvisning", "Indlejret tabel"),
)


def _links_letter(path: Path) -> None:
    body = (
        _HEADING
        + "<w:p>"
        + _r("Skriv til ")
        + '<w:hyperlink r:id="rIdLink1">'
        + _r("jobcenter@")
        + _r("kommune.dk", '<w:rStyle w:val="Hyperlink"/>')
        + "</w:hyperlink>"
        + _r(" eller ring.")
        + "</w:p>"
        + "<w:p>"
        + _r("Læs mere på ")
        + _complex_field('HYPERLINK "https://www.borger.dk"', _r("borger.dk om ydelser"))
        + _r(".")
        + "</w:p>"
    )
    write_docx(path, body, hyperlinks={"rIdLink1": "mailto:jobcenter@kommune.dk"})


_LINKS_MARKS = (
    Mark("kommune.dk", "Inde i linket"),
    Mark("jobcenter@kommune.dk eller", "Fra linket og ud"),
    Mark("om ydelser", "I et HYPERLINK-felt"),
)


def _fields_body() -> str:
    return (
        _HEADING
        + "<w:p>"
        + _r("Kære ")
        + _complex_field("MERGEFIELD Fornavn", _r("«Fornavn»"))
        + _r(" ")
        + '<w:fldSimple w:instr=" MERGEFIELD Efternavn ">'
        + _r("«Efternavn»")
        + "</w:fldSimple>"
        + _r(",")
        + "</w:p>"
        + "<w:p>"
        + _r("Din sagsbehandler er ")
        + _complex_field("DOCVARIABLE Sagsbehandler", _r("«Sagsbehandler»"))
        + _r(" i afdelingen.")
        + "</w:p>"
    )


def _fields_letter(path: Path) -> None:
    write_docx(path, _fields_body())


def _dotx_letter(path: Path) -> None:
    write_docx(path, _fields_body(), template=True)


_FIELDS_MARKS = (
    Mark("«Fornavn»", "Flettefelt, komplekst"),
    Mark("«Efternavn»", "Flettefelt, simpelt"),
    Mark("Sagsbehandler", "Del af et felt", expect="«Sagsbehandler»"),
    Mark("Kære «Fornavn»", "Fra tekst ind i felt"),
    Mark("i afdelingen", "Efter feltet"),
)


def _sdt(alias: str, content: str) -> str:
    return (
        f'<w:sdt><w:sdtPr><w:alias w:val="{alias}"/></w:sdtPr><w:sdtContent>{content}'
        "</w:sdtContent></w:sdt>"
    )


def _controls_letter(path: Path) -> None:
    """Inline and block-level content controls; block-level ones as first paragraph of the
    letter body, with two paragraphs, alone in a table cell and last in the letter."""
    body = (
        _HEADING
        + _sdt("Indledning", paragraph("Du får dette brev, fordi du skal til samtale."))
        + "<w:p>"
        + _r("Ring til ")
        + '<w:sdt><w:sdtPr><w:alias w:val="Sagsbehandler telefon"/></w:sdtPr><w:sdtContent>'
        + _r("72 10 ")
        + _r("60 12", "<w:i/>")
        + "</w:sdtContent></w:sdt>"
        + _r(" i dag.")
        + "</w:p>"
        + _sdt(
            "Formål", paragraph("Formålet er at tale om din plan.") + paragraph("Målet er et job.")
        )
        + '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>'
        '<w:gridCol w:w="4000"/></w:tblGrid><w:tr><w:tc><w:tcPr><w:tcW w:w="4000" w:type="dxa"/>'
        "</w:tcPr>"
        + _sdt("Sagsbehandler", paragraph("Sagsbehandler: Anne Hansen"))
        + "</w:tc></w:tr></w:tbl>"
        + paragraph("Med venlig hilsen")
        + _sdt("Afsender", paragraph("Jobcenter Eksempelby"))
    )
    write_docx(path, body)


_CONTROLS_MARKS = (
    Mark(
        "dette brev",
        "Blokindholdskontrol",
        expect="Du får dette brev, fordi du skal til samtale.",
    ),
    Mark("10 60", "Inde i indholdskontrol"),
    Mark("12 i dag", "Fra kontrollen og ud"),
    Mark(
        "at tale", "Første afsnit af to", expect="Formålet er at tale om din plan.Målet er et job."
    ),
    Mark("Målet er", "Andet afsnit i kontrollen"),
    Mark("Anne", "Alene i en celle", expect="Sagsbehandler: Anne Hansen"),
    Mark("Eksempelby", "Sidst i brevet", expect="Jobcenter Eksempelby"),
)


def _typed(alias: str, kind: str, content: str) -> str:
    """An inline content control of a type Word's template controls use: plain text
    (``<w:text/>``), drop-down list, date, combo box, or rich text (no type element)."""
    return (
        f'<w:sdt><w:sdtPr><w:alias w:val="{alias}"/>{kind}</w:sdtPr><w:sdtContent>{content}'
        "</w:sdtContent></w:sdt>"
    )


_DROPDOWN = (
    '<w:dropDownList><w:listItem w:displayText="samtale" w:value="samtale"/>'
    '<w:listItem w:displayText="møde" w:value="møde"/></w:dropDownList>'
)
_DATE = '<w:date w:fullDate="2026-03-12T00:00:00Z"><w:dateFormat w:val="d. MMMM yyyy"/></w:date>'


def _typed_controls_letter(path: Path) -> None:
    """Inline content controls as Word templates have them (and as LibreOffice saves block-level
    ones again): the words of a finding inside each, all of a control's text, part of it, and
    from the text before into it."""
    body = (
        _HEADING
        + "<w:p>"
        + _r("Kære ")
        + _typed("Borgers navn", "<w:text/>", _r("Anne Hansen"))
        + "</w:p><w:p>"
        + _r("Du skal til ")
        + _typed("Type", _DROPDOWN, _r("samtale"))
        + _r(" den ")
        + _typed("Dato", _DATE, _r("12. marts 2026"))
        + _r(" hos ")
        + _typed("Sted", "<w:comboBox/>", _r("Jobcenter Eksempelby"))
        + _r(".")
        + "</w:p><w:p>"
        + _typed("Formål", "<w:text/>", _r("Formålet er at tale om din plan."))
        + _r(" Ring til ")
        + _typed("Rig tekst", "", _r("72 10 60 12"))
        + _r(".")
        + "</w:p><w:p>"
        + _typed("Indledning", "<w:text/>", _r("Vi fremsender indkaldelsen i dag."))
        + "</w:p>"
    )
    write_docx(path, body)


_TYPED_CONTROLS_MARKS = (
    Mark("Anne Hansen", "Hele teksten i en tekstkontrol"),
    Mark("samtale", "Rulleliste"),
    Mark("12. marts", "Dato, del af kontrollen"),
    Mark("Eksempelby", "Kombinationsfelt, del af kontrollen"),
    # LibreOffice 7.4 drops a range inside a plain-text control: the comment covers it whole.
    Mark("at tale", "Del af en tekstkontrol", expect="Formålet er at tale om din plan."),
    Mark("den 12", "Fra tekst ind i en datokontrol"),
    Mark("10 60", "Inde i rig tekst"),
    # --suggest makes no tracked change inside a plain-text control (LibreOffice would show the
    # deleted and inserted words run together): the suggestion stays in the comment.
    Mark(
        "fremsender",
        "Papirord i en tekstkontrol",
        rule="officialese",
        suggestion="sender",
        expect="Vi fremsender indkaldelsen i dag.",
        kept=True,
    ),
)


def _control_first_letter(path: Path) -> None:
    """A template whose first paragraph is a content control: the summary and the footer's
    finding go on the first paragraph after it (a comment around a control may need a paragraph
    of its own for its mark; see ``_address_controls_letter``)."""
    body = _sdt("Emne", paragraph("Indkaldelse til samtale", style="Heading1")) + paragraph(
        "Vi holder et møde med dig om din plan."
    )
    write_docx(path, body, footers=[paragraph("Ring på 72 10 60 12")])


_CONTROL_FIRST_MARKS = (Mark("Indkaldelse", "Fund i kontrollen", expect="Indkaldelse til samtale"),)
_CONTROL_FIRST_RELOCATED = (Mark("72 10 60 12", "Fund i sidefoden"),)


def _address_controls_letter(path: Path) -> None:
    """A template that starts with the citizen's name and address, each a plain-text control
    of one paragraph, as Word templates for window envelopes do: the summary goes on the
    heading, and no paragraph comes between name and address."""
    plain = '<w:sdt><w:sdtPr><w:alias w:val="{}"/><w:text/></w:sdtPr><w:sdtContent>{}'.format
    body = (
        plain("Borger navn", paragraph("[Borgerens navn]") + "</w:sdtContent></w:sdt>")
        + plain("Borger adresse", paragraph("[Borgerens adresse]") + "</w:sdtContent></w:sdt>")
        + paragraph("Indkaldelse til samtale", style="Heading1")
        + paragraph("Vi holder et møde med dig om din plan.")
    )
    write_docx(path, body, template=True)


_ADDRESS_CONTROLS_MARKS = (Mark("møde", "Fund efter adressen"),)


def _control_only_letter(path: Path) -> None:
    """Every paragraph is in a content control: the summary has to go around one, and this one
    ends the letter, so its comment mark gets a paragraph of its own (the documented case)."""
    write_docx(path, _sdt("Brevtekst", paragraph("Vi holder et møde med dig om din plan.")))


_CONTROL_ONLY_MARKS = (
    Mark("møde", "Fund i den eneste kontrol", expect="Vi holder et møde med dig om din plan."),
)


_IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


def _existing_letter(path: Path) -> None:
    """Comments, tracked changes, an image, a header and a footer that must all survive."""
    body = (
        _HEADING
        + "<w:p>"
        + '<w:commentRangeStart w:id="0"/>'
        + _r("Vi har modtaget din ansøgning")
        + '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>'
        + _r(" og ")
        + '<w:ins w:id="1" w:author="Sagsbehandler" w:date="2024-01-02T00:00:00Z">'
        + _r("vil gerne ")
        + "</w:ins>"
        + '<w:del w:id="2" w:author="Sagsbehandler" w:date="2024-01-02T00:00:00Z">'
        + '<w:r><w:delText xml:space="preserve">skal </w:delText></w:r>'
        + "</w:del>"
        + _r("behandle den snarest.")
        + "</w:p>"
        + '<w:p><w:r><w:drawing><wp:inline><wp:extent cx="9525" cy="9525"/>'
        '<wp:docPr id="5" name="Logo"/><a:graphic><a:graphicData '
        'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
        '<pic:nvPicPr><pic:cNvPr id="5" name="logo.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        '<pic:blipFill><a:blip r:embed="rIdImage1"/><a:stretch><a:fillRect/></a:stretch>'
        '</pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="9525" cy="9525"/>'
        '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
        + _r(" Logo og tekst efter billedet.")
        + "</w:p>"
    )
    write_docx(
        path,
        body,
        comments=[("0", "Sagsbehandler", "Husk at tjekke datoen")],
        headers=[paragraph("Jobcenter Eksempelby")],
        footers=[paragraph("Telefon 72 10 60 12 · jobcenter@eksempel.dk")],
        extra_parts={"word/media/image1.png": PNG},
        relationships=[("rIdImage1", _IMAGE_REL, "media/image1.png", None)],
        title="Kvittering",
    )


_EXISTING_MARKS = (
    Mark("din ansøgning", "Inde i en eksisterende kommentar"),
    Mark("vil gerne behandle", "Over en indsættelse"),
    Mark("tekst efter", "Efter billedet"),
)
_EXISTING_RELOCATED = (
    Mark("Eksempelby", "Sidehoved-fund"),
    Mark("72 10 60 12", "Sidefod-fund"),
)


def _suggest_letter(path: Path) -> None:
    body = (
        _HEADING
        + "<w:p>"
        + _r("Vi skal ")
        + _r("påbe", "<w:b/>")
        + _r("gynde", "<w:i/>")
        + _r(" forløbet, jf. din plan. ")
        + _r("Såfremt", '<w:u w:val="single"/>')
        + _r(" du er syg, så ring.")
        + "</w:p>"
        + "<w:p>"
        + _r("Vi ")
        + '<w:hyperlink r:id="rIdLink1">'
        + _r("fremsender")
        + "</w:hyperlink>"
        + _r(" brevet iht. loven pga. reglerne.")
        + "</w:p>"
    )
    write_docx(path, body, hyperlinks={"rIdLink1": "https://www.borger.dk"})


_SUGGEST_MARKS = (
    Mark("påbegynde", "Papirord: påbegynde", rule="officialese", suggestion="begynde"),
    Mark("jf.", "Forkortelse: jf.", rule="abbreviation", suggestion="jævnfør"),
    Mark("Såfremt", "Papirord: såfremt", rule="officialese", suggestion="hvis"),
    Mark("fremsender", "Papirord i link", rule="officialese", suggestion="sender"),
    Mark("iht.", "Forkortelse med alternativer", rule="abbreviation", suggestion="ifølge / i"),
    Mark("pga.", "Forkortelse: pga.", rule="abbreviation", suggestion="på grund af"),
    Mark(
        "forløbet, jf. din",
        "Lang sætning over en erstatning",
        expect_suggested="forløbet, jævnfør din",
    ),
)


def _oddities_letter(path: Path) -> None:
    """Nested fields, a field spanning two paragraphs, smart tags, custom XML, bidi wrappers,
    runs with several text pieces and breaks, and a bookmark across the span."""
    nested = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> IF </w:instrText></w:r>'
        + _complex_field("MERGEFIELD Køn", _r("«Køn»"))
        + '<w:r><w:instrText xml:space="preserve"> = "K" "Kære" "Hej" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + _r("Kære")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    body = (
        _HEADING
        + "<w:p>"
        + nested
        + _r(" borger, vi skriver til dig.")
        + "</w:p>"
        + "<w:p>"
        + _r("Datoen er ")
        + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> DOCVARIABLE Mødetekst </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + _r("første del")
        + "</w:p><w:p>"
        + _r("anden del")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        + _r(" og så videre.")
        + "</w:p>"
        + "<w:p>"
        + '<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="place">'
        + _r("Fjordhavn")
        + "</w:smartTag>"
        + '<w:customXml w:element="adresse">'
        + _r(" Havnegade 3")
        + "</w:customXml>"
        + '<w:dir w:val="ltr">'
        + _r(" og resten")
        + "</w:dir>"
        + '<w:bookmarkStart w:id="0" w:name="Mærke"/>'
        + '<w:r><w:t xml:space="preserve">Et</w:t><w:t xml:space="preserve"> løb</w:t><w:br/>'
        '<w:t>med</w:t><w:noBreakHyphen/><w:t xml:space="preserve">stykker.</w:t></w:r>'
        + '<w:bookmarkEnd w:id="0"/>'
        + "</w:p>"
    )
    write_docx(path, body)


_ODDITIES_MARKS = (
    Mark("Kære borger", "Indlejret felt"),
    Mark("første del", "Felt over to afsnit", expect="første delanden del"),
    Mark("anden del og", "Slutningen af feltet", expect="første delanden del og"),
    Mark("Fjordhavn Havnegade", "Smart tag og custom XML", expect="Fjordhavn Havnegade 3"),
    Mark("havn", "Inde i smart tag", expect="Fjordhavn"),
    Mark("resten", "I dir"),
    Mark("løb\nmed-styk", "Flere tekststykker i et løb"),
    Mark("Et løb", "Bogmærke"),
)


def _textbox_letter(path: Path) -> None:
    body = (
        _HEADING
        + "<w:p>"
        + _r("Tekst før boksen ")
        + textbox("Ring til Jobcenter på 72 10 60 12")
        + _r("og efter.")
        + "</w:p>"
    )
    write_docx(path, body)


_TEXTBOX_RELOCATED = (Mark("72 10 60 12", "Tekstboks-fund"),)


SAMPLES: tuple[Sample, ...] = (
    Sample("body.docx", _body_letter, _BODY_MARKS, whole=("Brevet siger ikke, hvad målet er.",)),
    Sample("table.docx", _table_letter, _TABLE_MARKS),
    Sample("links.docx", _links_letter, _LINKS_MARKS),
    Sample("fields.docx", _fields_letter, _FIELDS_MARKS),
    Sample("template.dotx", _dotx_letter, _FIELDS_MARKS, whole=("Ingen e-mail.",)),
    Sample("controls.docx", _controls_letter, _CONTROLS_MARKS),
    Sample("existing.docx", _existing_letter, _EXISTING_MARKS, relocated=_EXISTING_RELOCATED),
    Sample("suggest.docx", _suggest_letter, _SUGGEST_MARKS),
    Sample("textbox.docx", _textbox_letter, (), relocated=_TEXTBOX_RELOCATED),
    Sample("oddities.docx", _oddities_letter, _ODDITIES_MARKS),
    Sample("typed-controls.docx", _typed_controls_letter, _TYPED_CONTROLS_MARKS),
    Sample(
        "control-first.docx",
        _control_first_letter,
        _CONTROL_FIRST_MARKS,
        whole=("Ingen telefon.",),
        relocated=_CONTROL_FIRST_RELOCATED,
    ),
    Sample(
        "address-controls.dotx",
        _address_controls_letter,
        _ADDRESS_CONTROLS_MARKS,
        whole=("Ingen e-mail.",),
    ),
    Sample("control-only.docx", _control_only_letter, _CONTROL_ONLY_MARKS),
)


def build_all(folder: Path, samples: Sequence[Sample] = SAMPLES) -> list[Path]:
    """Write every sample letter into ``folder``; returns their paths in ``samples`` order."""
    paths = []
    for sample in samples:
        path = folder / sample.name
        sample.build(path)
        paths.append(path)
    return paths
