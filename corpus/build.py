"""Build the evaluation corpus: corpus/src/*.letter -> corpus/*.docx|.dotx|.docm, and LIX labels.

The letters are kept as reviewable text in a small markup (described in corpus/README.md) so that a
reviewer can read and diff them; this script turns each source into a Word package with
``lettercheck.testing.docxwriter.write_docx``, writing the XML that real Word files carry (complex
and
simple fields, content controls with title and tag, text boxes as mc:AlternateContent with a
DrawingML choice and a VML fallback, mailto hyperlinks, tracked changes, headers and footers).


It also holds a small reference implementation of LIX, written independently of
lettercheck/language/lix.py
from the definition in the README (issue 2, part 5), so the two can cross-check each other. It works
on the parsed source, not on the built DOCX, so it does not depend on lettercheck's reader either.

Usage::

    python corpus/build.py              # rebuild corpus/*.docx… and the lix column of labels.csv
    python corpus/build.py --out DIR    # build the Word files into DIR only (tests use this)
    python corpus/build.py --check      # exit 1 if labels.csv's lix column is out of date

The build is deterministic: the same sources give byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

CORPUS = Path(__file__).resolve().parent
SRC = CORPUS / "src"
LABELS = CORPUS / "labels.csv"
LIX_COUNTS = CORPUS / "lix_counts.csv"

LABEL_COLUMNS = [
    "file",
    "split",
    "kind",
    "lix",
    "legal_reference_early",
    "missing_caseworker_name",
    "missing_caseworker_phone",
    "missing_caseworker_email",
    "missing_purpose",
    "missing_goal",
    "formal_address",
]
PROBLEM_COLUMNS = LABEL_COLUMNS[4:]

FORMATS = {"docx": (False, False), "dotx": (True, False), "docm": (False, True)}


# --------------------------------------------------------------------------------------------
# Source model
# --------------------------------------------------------------------------------------------


@dataclass
class Text:
    """Plain text, optionally bold."""

    text: str
    bold: bool = False


@dataclass
class Field:
    """A MERGEFIELD or DOCVARIABLE; ``simple`` writes w:fldSimple instead of w:fldChar runs."""

    kind: str  # "MERGEFIELD" | "DOCVARIABLE"
    name: str
    simple: bool = False

    @property
    def shown(self) -> str:
        return f"«{self.name}»"


@dataclass
class Link:
    """A hyperlink; the shown text is the address without the ``mailto:`` scheme."""

    target: str

    @property
    def shown(self) -> str:
        return self.target.removeprefix("mailto:")


@dataclass
class InlineControl:
    """An inline content control (w:sdt inside a paragraph) with title and tag."""

    alias: str
    tag: str
    content: list[Inline]


@dataclass
class Revision:
    """Tracked change: ``ins`` text is part of the letter, ``del`` text is not."""

    kind: str  # "ins" | "del"
    content: list[Inline]


Inline = Text | Field | Link | InlineControl | Revision


@dataclass
class Para:
    """One paragraph of the letter. ``kind``: para, heading, list, bold, empty, control."""

    kind: str
    content: list[Inline]
    level: int = 0  # heading level
    alias: str = ""  # block-level content control
    tag: str = ""


@dataclass
class Table:
    rows: list[list[list[Inline]]]


@dataclass
class TextBox:
    paras: list[list[Inline]]


Block = Para | Table | TextBox


@dataclass
class Letter:
    name: str
    format: str = "docx"
    styles: str = "english"
    header: list[list[Inline]] = field(default_factory=list)
    footer: list[list[Inline]] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


_INLINE = re.compile(
    r"\*\*(?P<bold>.+?)\*\*"
    r"|«(?P<simple>simple:)?(?P<fkind>MERGEFIELD|DOCVARIABLE) (?P<fname>\w+)»"
    r"|<(?P<link>(?:mailto:|https?://)[^>\s]+)>"
    r"|\{\{control:(?P<alias>[^|}]*)\|(?P<tag>[^}]*)\}\}(?P<ctext>.*?)\{\{/control\}\}"
    r"|\{\{(?P<rev>ins|del):(?P<rtext>.*?)\}\}"
)


def parse_inline(text: str) -> list[Inline]:
    """Split one line of markup into inline pieces."""
    out: list[Inline] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            out.append(Text(text[pos : m.start()]))
        if m.group("bold") is not None:
            out.append(Text(m.group("bold"), bold=True))
        elif m.group("fkind"):
            out.append(Field(m.group("fkind"), m.group("fname"), bool(m.group("simple"))))
        elif m.group("link"):
            out.append(Link(m.group("link")))
        elif m.group("alias") is not None:
            out.append(InlineControl(m.group("alias"), m.group("tag"), parse_inline(m["ctext"])))
        else:
            out.append(Revision(m.group("rev"), parse_inline(m.group("rtext"))))
        pos = m.end()
    if pos < len(text):
        out.append(Text(text[pos:]))
    return out


_CONTROL_LINE = re.compile(r"^\[control:(?P<alias>[^|\]]*)\|(?P<tag>[^\]]*)\]\s?(?P<text>.*)$")


def parse_letter(path: Path) -> Letter:
    """Parse one source file. Raises ValueError naming the line for markup it does not know."""
    letter = Letter(name=path.stem)
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if not line or line.startswith("%%"):
            continue
        if line.startswith("@"):
            key, _, value = line[1:].partition(":")
            key, value = key.strip(), value.strip()
            if key == "format" and value in FORMATS:
                letter.format = value
            elif key == "styles" and value in ("english", "danish"):
                letter.styles = value
            else:
                raise ValueError(f"{path}:{number}: unknown directive {line!r}")
            continue
        if line.startswith("[header] "):
            letter.header.append(parse_inline(line[9:]))
        elif line.startswith("[footer] "):
            letter.footer.append(parse_inline(line[9:]))
        elif line.startswith("[textbox] "):
            content = parse_inline(line[10:])
            if letter.blocks and isinstance(letter.blocks[-1], TextBox):
                letter.blocks[-1].paras.append(content)
            else:
                letter.blocks.append(TextBox([content]))
        elif line.startswith("|"):
            if not line.endswith("|"):
                raise ValueError(f"{path}:{number}: a table row must end with '|'")
            cells = [parse_inline(c.strip()) for c in line[1:-1].split("|")]
            if letter.blocks and isinstance(letter.blocks[-1], Table):
                letter.blocks[-1].rows.append(cells)
            else:
                letter.blocks.append(Table([cells]))
        elif line.startswith("#"):
            hashes, _, text = line.partition(" ")
            if set(hashes) != {"#"} or len(hashes) > 3:
                raise ValueError(f"{path}:{number}: bad heading {line!r}")
            letter.blocks.append(Para("heading", parse_inline(text), level=len(hashes)))
        elif line.startswith("- "):
            letter.blocks.append(Para("list", parse_inline(line[2:])))
        elif line == "[empty]":
            letter.blocks.append(Para("empty", []))
        elif line.startswith("[bold] "):
            letter.blocks.append(Para("bold", [Text(line[7:], bold=True)]))
        elif m := _CONTROL_LINE.match(line):
            letter.blocks.append(
                Para("control", parse_inline(m["text"]), alias=m["alias"], tag=m["tag"])
            )
        elif line.startswith("["):
            raise ValueError(f"{path}:{number}: unknown markup {line!r}")
        else:
            letter.blocks.append(Para("para", parse_inline(line)))
    return letter


# --------------------------------------------------------------------------------------------
# XML writing
# --------------------------------------------------------------------------------------------


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def _t(text: str, tag: str = "w:t") -> str:
    return f'<{tag} xml:space="preserve">{escape(text)}</{tag}>'


_REV_ATTRS = 'w:author="Sagsbehandler" w:date="2026-03-01T10:00:00Z"'


class Writer:
    """Turns a parsed letter into the XML of its stories, counting ids as it goes."""

    def __init__(self, letter: Letter) -> None:
        self.letter = letter
        self.links: dict[str, dict[str, str]] = {}  # story -> {rId: target}
        self.next_id = 1  # sdt ids, revision ids, drawing ids
        self.heading_style = "Overskrift" if letter.styles == "danish" else "Heading"

    def _id(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value

    def runs(self, content: list[Inline], story: str, deleted: bool = False) -> str:
        parts = []
        for piece in content:
            if isinstance(piece, Text):
                rpr = "<w:rPr><w:b/></w:rPr>" if piece.bold else ""
                tag = "w:delText" if deleted else "w:t"
                parts.append(f"<w:r>{rpr}{_t(piece.text, tag)}</w:r>")
            elif isinstance(piece, Field):
                instr = f" {piece.kind} {piece.name} "
                if piece.kind == "DOCVARIABLE":
                    instr += "\\* MERGEFORMAT "
                if piece.simple:
                    parts.append(
                        f'<w:fldSimple w:instr="{_attr(instr)}"><w:r><w:rPr><w:noProof/>'
                        f"</w:rPr>{_t(piece.shown)}</w:r></w:fldSimple>"
                    )
                else:
                    parts.append(
                        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                        f"<w:r>{_t(instr, 'w:instrText')}</w:r>"
                        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                        f"<w:r><w:rPr><w:noProof/></w:rPr>{_t(piece.shown)}</w:r>"
                        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
                    )
            elif isinstance(piece, Link):
                links = self.links.setdefault(story, {})
                rid = f"rIdLink{len(links) + 1}"
                links[rid] = piece.target
                parts.append(
                    f'<w:hyperlink r:id="{rid}" w:history="1"><w:r><w:rPr>'
                    f'<w:rStyle w:val="Hyperlink"/></w:rPr>{_t(piece.shown)}</w:r></w:hyperlink>'
                )
            elif isinstance(piece, InlineControl):
                parts.append(self.sdt(piece.alias, piece.tag, piece.content, story, block=False))
            else:  # Revision
                rev = "w:ins" if piece.kind == "ins" else "w:del"
                inner = self.runs(piece.content, story, deleted=piece.kind == "del")
                parts.append(f'<{rev} w:id="{self._id()}" {_REV_ATTRS}>{inner}</{rev}>')
        return "".join(parts)

    def sdt(self, alias: str, tag: str, content: list[Inline], story: str, block: bool) -> str:
        """A content control; text in brackets is template placeholder text (showingPlcHdr)."""
        shown = "".join(p.text for p in content if isinstance(p, Text))
        placeholder = "<w:showingPlcHdr/>" if shown.startswith("[") else ""
        pr = (
            f'<w:sdtPr><w:alias w:val="{_attr(alias)}"/><w:tag w:val="{_attr(tag)}"/>'
            f'<w:id w:val="{1000 + self._id()}"/>{placeholder}<w:text/></w:sdtPr>'
        )
        inner = self.runs(content, story)
        if block:
            inner = f"<w:p>{inner}</w:p>"
        return f"<w:sdt>{pr}<w:sdtContent>{inner}</w:sdtContent></w:sdt>"

    def paragraph(self, para: Para, story: str) -> str:
        if para.kind == "control":
            return self.sdt(para.alias, para.tag, para.content, story, block=True)
        ppr = ""
        if para.kind == "heading":
            ppr = f'<w:pPr><w:pStyle w:val="{self.heading_style}{para.level}"/></w:pPr>'
        elif para.kind == "list":
            ppr = (
                '<w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="0"/>'
                '<w:numId w:val="1"/></w:numPr></w:pPr>'
            )
        return f"<w:p>{ppr}{self.runs(para.content, story)}</w:p>"

    def table(self, table: Table, story: str) -> str:
        columns = max(len(row) for row in table.rows)
        width = 9638 // columns
        grid = "".join(f'<w:gridCol w:w="{width}"/>' for _ in range(columns))
        borders = "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        rows = []
        for row in table.rows:
            cells = "".join(
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
                f"<w:p>{self.runs(cell, story)}</w:p></w:tc>"
                for cell in row + [[]] * (columns - len(row))
            )
            rows.append(f"<w:tr>{cells}</w:tr>")
        return (
            f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>{borders}'
            f'</w:tblBorders><w:tblLook w:val="04A0"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
            f"{''.join(rows)}</w:tbl>"
        )

    def textbox(self, box: TextBox, story: str) -> str:
        """An anchored text box as Word 2010+ writes it: DrawingML in Choice, VML in Fallback.

        Both branches hold the same paragraphs; a reader must read them once.
        """
        n = self._id()
        choice = "".join(f"<w:p>{self.runs(p, story)}</w:p>" for p in box.paras)
        fallback = "".join(f"<w:p>{self.runs(p, story)}</w:p>" for p in box.paras)
        cx, cy = 2520000, 1080000
        drawing = (
            '<w:drawing><wp:anchor distT="45720" distB="45720" distL="114300" distR="114300" '
            'simplePos="0" relativeHeight="251659264" behindDoc="0" locked="0" layoutInCell="1" '
            'allowOverlap="1"><wp:simplePos x="0" y="0"/>'
            '<wp:positionH relativeFrom="column"><wp:posOffset>3600000</wp:posOffset>'
            '</wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset>'
            f'</wp:positionV><wp:extent cx="{cx}" cy="{cy}"/>'
            '<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapSquare wrapText="bothSides"/>'
            f'<wp:docPr id="{n}" name="Tekstfelt {n}"/><wp:cNvGraphicFramePr/>'
            '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/'
            'wordprocessingShape"><wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm>'
            f'<a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect">'
            "<a:avLst/></a:prstGeom></wps:spPr>"
            f"<wps:txbx><w:txbxContent>{choice}</w:txbxContent></wps:txbx>"
            '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="91440" tIns="45720" '
            'rIns="91440" bIns="45720" anchor="t" anchorCtr="0"><a:noAutofit/></wps:bodyPr>'
            "</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
        )
        pict = (
            f'<w:pict><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
            'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
            '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
            f'<v:shape id="Tekstfelt {n}" o:spid="_x0000_s{1024 + n}" type="#_x0000_t202" '
            'style="position:absolute;margin-left:283.5pt;margin-top:0;width:198.45pt;'
            'height:85.05pt;z-index:251659264" stroked="t">'
            f"<v:textbox><w:txbxContent>{fallback}</w:txbxContent></v:textbox></v:shape></w:pict>"
        )
        return (
            '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps">'
            f"{drawing}</mc:Choice><mc:Fallback>{pict}</mc:Fallback></mc:AlternateContent>"
            "</w:r></w:p>"
        )

    def body(self) -> str:
        story = "word/document.xml"
        out = []
        for block in self.letter.blocks:
            if isinstance(block, Para):
                out.append(self.paragraph(block, story))
            elif isinstance(block, Table):
                out.append(self.table(block, story))
            else:
                out.append(self.textbox(block, story))
        if not self.letter.blocks or not isinstance(self.letter.blocks[-1], Para):
            out.append("<w:p/>")  # Word wants a paragraph between a table and the sectPr
        return "".join(out)

    def story(self, paras: list[list[Inline]], story: str) -> str:
        return "".join(f"<w:p>{self.runs(p, story)}</w:p>" for p in paras)


_DANISH_STYLES = "".join(
    f'<w:style w:type="paragraph" w:styleId="Overskrift{n}"><w:name w:val="heading {n}"/>'
    f'<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/>'
    f'<w:pPr><w:keepNext/><w:outlineLvl w:val="{n - 1}"/></w:pPr><w:rPr><w:b/>'
    f'<w:sz w:val="{size}"/></w:rPr></w:style>'
    for n, size in ((1, 30), (2, 26), (3, 24))
)

_HYPERLINK_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def _rels_part(links: dict[str, str]) -> bytes:
    items = "".join(
        f'<Relationship Id="{rid}" Type="{_HYPERLINK_TYPE}" Target="{_attr(target)}" '
        'TargetMode="External"/>'
        for rid, target in links.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
        f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{items}'
        "</Relationships>"
    ).encode()


def output_name(letter: Letter) -> str:
    return f"{letter.name}.{letter.format}"


def build_letter(letter: Letter, out_dir: Path) -> Path:
    """Write one letter as a Word package into ``out_dir``; returns its path."""
    from lettercheck.testing.docxwriter import write_docx  # the project's own deterministic writer

    writer = Writer(letter)
    headers = [writer.story(letter.header, "word/header1.xml")] if letter.header else []
    footers = [writer.story(letter.footer, "word/footer1.xml")] if letter.footer else []
    body = writer.body()
    extra: dict[str, bytes] = {}
    for story in ("word/header1.xml", "word/footer1.xml"):
        if story in writer.links:
            part = story.split("/")[-1]
            extra[f"word/_rels/{part}.rels"] = _rels_part(writer.links[story])
    template, macro = FORMATS[letter.format]
    title = next(
        (
            plain_text(b.content)
            for b in letter.blocks
            if isinstance(b, Para) and b.kind in ("heading", "bold")
        ),
        None,
    )
    path = out_dir / output_name(letter)
    write_docx(
        path,
        body,
        headers=headers,
        footers=footers,
        numbering=any(isinstance(b, Para) and b.kind == "list" for b in letter.blocks),
        template=template,
        macro=macro,
        styles=_DANISH_STYLES if letter.styles == "danish" else None,
        hyperlinks=writer.links.get("word/document.xml", {}),
        extra_parts=extra,
        title=title,
    )
    return path


# --------------------------------------------------------------------------------------------
# Reference LIX (issue 2, part 5), independent of lettercheck/language/lix.py
# --------------------------------------------------------------------------------------------

#: Abbreviations whose period never ends a sentence (something always follows them).
ABBREV_NEVER_END = {
    "jf.", "kl.", "nr.", "stk.", "pkt.", "f.eks.", "bl.a.", "ca.", "hr.", "tlf.", "pr.",
    "vedr.", "iht.", "ift.", "pga.", "evt.", "d.", "dvs.", "sagsnr.", "j.nr.", "jnr.",
    "att.", "mht.", "vha.", "inkl.", "ekskl.", "jvf.",
}  # fmt: skip
#: Abbreviations that may end a sentence: their period ends one when a capital letter follows
#: or the paragraph ends there.
ABBREV_MAY_END = {
    "kr.", "osv.", "mv.", "m.v.", "m.m.", "m.fl.", "p.t.", "d.d.", "etc.", "st.", "tv.",
    "th.", "mf.", "o.l.",
}  # fmt: skip
ABBREVIATIONS = ABBREV_NEVER_END | ABBREV_MAY_END

_ATOM = "\ue000"  # stands for one word that is never long (merge field, address)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WEB = re.compile(
    r"(?:https?://|www\.)[^\s<>]*[^\s<>.,;:!?)]"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:dk|com|org|net|eu)\b(?:/[^\s<>]*[^\s<>.,;:!?)])?"
)
_ABBREV_TOKEN = re.compile(r"(?:[^\W\d_]+\.)+$")


def plain_text(content: list[Inline], atoms: bool = False) -> str:
    """The text a reader sees (deleted text left out); with ``atoms``, fields and links are
    replaced by one atom character each, since each counts as one never-long word."""
    parts = []
    for piece in content:
        if isinstance(piece, Text):
            parts.append(piece.text)
        elif isinstance(piece, (Field, Link)):
            parts.append(_ATOM if atoms else piece.shown)
        elif isinstance(piece, InlineControl):
            parts.append(plain_text(piece.content, atoms))
        elif piece.kind == "ins":
            parts.append(plain_text(piece.content, atoms))
    return "".join(parts)


#: Landmarks of a letter's parts, written from the README's LIX definition ("Which text").
_SALUTATION = re.compile(r"^\s*(?:kære|hej)\b", re.IGNORECASE)
_CLOSING = re.compile(
    r"^\s*(?:(?:med\s+)?(?:venlig(?:e|st)?|mange|de\s+bedste|kærlig(?:e)?)\s+hils(?:en|ner)\b"
    r"|mvh\b|hilsen\b)",
    re.IGNORECASE,
)
#: After the signature, these start the legal section or the attachments.
_LEGAL_AFTER_SIGNATURE = re.compile(
    r"^\s*(?:[»\"“„']?\s*(?:§|stk\.\s*\d|lov\s+(?:om|nr)|lovbekendtgørelse\s+(?:om|nr)"
    r"|bekendtgørelse\s+(?:om|nr)|uddrag\s+af|(?:lbk|bek)\.?\s+nr|[a-zæøå]{3,}lovens?\s+§)"
    r"|regler|lovgrundlag|retsgrundlag|lovgivning|love\s+og\s+regler|klage|sådan\s+klager"
    r"|hvis\s+du\s+vil\s+klage|du\s+kan\s+klage|vil\s+du\s+klage|hvordan\s+klager"
    r"|begrundelse\s+og\s+regler|de\s+regler|hvilke\s+regler|bilag|vedlagt\s*:|vedhæftet\s*:"
    r"|vedlagte\s+bilag)",
    re.IGNORECASE,
)
_ATTACHMENTS_START = re.compile(
    r"^\s*(?:bilag|vedlagt\s*:|vedhæftet\s*:|vedlagte\s+bilag)", re.IGNORECASE
)
#: Words that make a line a sentence of the message rather than a letterhead or address line.
_MESSAGE_WORD = re.compile(
    r"\b(?:du|dig|din|dit|dine|er|har|blev|bliver|(?-i:De|Dem|Deres))\b", re.IGNORECASE
)
#: A phone number or e-mail address: a table with one in at least half its rows is a table of
#: contact details.
_PHONE_OR_MAIL = re.compile(r"(?<![\d+])(?:\+45\s?)?(?:\d\s?){7}\d(?!\d)|\S+@\S+\.\w+")


@dataclass
class _Unit:
    """One paragraph, heading, list item or table cell of the main text, in reading order."""

    text: str  # the shown text
    atoms: str  # fields and links as one atom each (what count_unit reads)
    heading: bool  # a styled heading or an all-bold paragraph
    table: int | None = None  # which table of the letter, for table cells


def _units(letter: Letter) -> list[_Unit]:
    units: list[_Unit] = []
    for number, block in enumerate(letter.blocks):
        if isinstance(block, Para):
            bold = block.kind == "bold" or (
                bool(block.content) and all(isinstance(p, Text) and p.bold for p in block.content)
            )
            units.append(
                _Unit(
                    plain_text(block.content),
                    plain_text(block.content, atoms=True),
                    block.kind == "heading" or bold,
                )
            )
        elif isinstance(block, Table):
            units.extend(
                _Unit(plain_text(cell), plain_text(cell, atoms=True), False, number)
                for row in block.rows
                for cell in row
            )
    return units


def _contact_table(table: Table) -> bool:
    rows = [any(_PHONE_OR_MAIL.search(plain_text(cell)) for cell in row) for row in table.rows]
    return 2 * sum(rows) >= len(rows)


def main_text_units(letter: Letter) -> list[str]:
    """The paragraphs LIX counts: the message. The subject and headings, the body, its lists and
    tables and the legal section count; the letterhead and address block (everything before the
    subject or salutation), the salutation, the closing formula and the signature after it (up
    to a legal block or the attachments), the attachments, tables of contact details, headers,
    footers and text boxes do not."""
    units = _units(letter)
    texts = [u.text.strip() for u in units]
    salutation = next(
        (i for i, t in enumerate(texts) if _SALUTATION.match(t) and len(t.split()) <= 8), None
    )

    # Without a salutation, the first sentence of the message (six words or more, ending in
    # . ! or :, with a verb or a "du") ends the letterhead and address: no label after it
    # ("Flyttedato:") is the subject.
    prose = None
    if salutation is None:
        prose = next(
            (
                i
                for i, u in enumerate(units)
                if u.table is None
                and len(texts[i].split()) >= 6
                and texts[i][-1:] in ".!:"
                and _MESSAGE_WORD.search(texts[i])
            ),
            None,
        )
    before = salutation if salutation is not None else prose

    def heading_like(i: int) -> bool:
        words = len(texts[i].split())
        if not words or units[i].table is not None:  # a table cell is never a heading
            return False
        if units[i].heading:
            return words <= 25
        return words <= 8 and texts[i][-1] in ":?"

    subject = next(
        (i for i in range(len(units)) if (before is None or i < before) and heading_like(i)),
        None,
    )
    closings = [i for i, t in enumerate(texts) if _CLOSING.match(t) and len(t) < 40]
    closing = closings[-1] if closings else None
    starts = [i for i in (subject, salutation, prose) if i is not None]
    start = min(starts) if starts else 0
    contact = {n for n, b in enumerate(letter.blocks) if isinstance(b, Table) and _contact_table(b)}
    counted: list[str] = []
    state = "message"
    for i, unit in enumerate(units):
        if i == closing:
            state = "signature"
            continue
        if state in ("signature", "attachments") and _LEGAL_AFTER_SIGNATURE.match(texts[i]):
            state = "attachments" if _ATTACHMENTS_START.match(texts[i]) else "message"
        elif (
            state == "message"
            and i > start
            and heading_like(i)
            and _ATTACHMENTS_START.match(texts[i])
        ):
            state = "attachments"
        if i < start or i == salutation or state != "message":
            continue
        if unit.table is not None and unit.table in contact:
            continue
        counted.append(unit.atoms)
    return counted


def _sentence_end(text: str, i: int) -> bool:
    """Whether the punctuation mark at ``text[i]`` ends a sentence."""
    ch = text[i]
    if ch in "!?;":
        return True
    before, after = text[:i], text[i + 1 :]
    if ch == ":":  # a time such as 10:00 is not a sentence end
        return not (before[-1:].isdigit() and after[:1].isdigit())
    # a period
    token = re.search(r"[\w.]*$", before + ".").group(0)
    rest = after.lstrip()
    next_upper = rest[:1].isupper()
    at_end = not rest
    if _ABBREV_TOKEN.match(token) and token.lower() in ABBREVIATIONS:
        if token.lower() in ABBREV_NEVER_END:
            return False
        return next_upper or at_end
    if before[-1:].isdigit():
        if after[:1].isdigit():  # 10.00, 4.104, 15.02.00
            return False
        # ordinal or date ("d. 12. marts", "den 2. februar") unless a new sentence starts
        return not rest[:1].islower()
    return not after[:1].isalnum()  # a period inside a token ("J.nr") ends nothing


#: Words, atoms and sentence punctuation in reading order. A number written with a separator
#: between digits (4.104, 10.00, 10:00, 1,99, 23/9/2019) is one word: "numbers are words".
_TOKEN = re.compile(_ATOM + r"|[^\W_]+(?:(?:[-‐‑'’]|(?<=\d)[.,:/](?=\d))[^\W_]+)*|[.!?:;]")


def count_unit(text: str) -> tuple[int, int, int]:
    """(words, sentences, long words) of one paragraph, heading, list item or table cell.

    Sentences are the stretches between sentence ends that hold at least one word; the end of the
    paragraph ends the last one.
    """
    text = _EMAIL.sub(_ATOM, text)
    text = _WEB.sub(_ATOM, text)
    words = sentences = long_words = 0
    words_since_end = 0
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        if tok in ".!?:;":
            if words_since_end and _sentence_end(text, m.start()):
                sentences += 1
                words_since_end = 0
            continue
        words += 1
        words_since_end += 1
        if tok != _ATOM and sum(c.isalpha() for c in tok) > 6:
            long_words += 1
    if words_since_end:
        sentences += 1
    return words, sentences, long_words


@dataclass(frozen=True)
class LixCount:
    words: int
    sentences: int
    long_words: int

    @property
    def lix(self) -> float:
        if not self.words or not self.sentences:
            return 0.0
        return self.words / self.sentences + 100 * self.long_words / self.words


def _one_decimal(value: float) -> str:
    """One decimal, rounded half up as the README says (26.25 -> 26.3; "%.1f" gives 26.2)."""
    from decimal import ROUND_HALF_UP, Decimal

    return str(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def reference_lix(letter: Letter) -> LixCount:
    """LIX of a letter's main text by the README's definition."""
    words = sentences = long_words = 0
    for unit in main_text_units(letter):
        w, s, lw = count_unit(unit)
        words, sentences, long_words = words + w, sentences + s, long_words + lw
    return LixCount(words, sentences, long_words)


# --------------------------------------------------------------------------------------------
# Labels and command line
# --------------------------------------------------------------------------------------------


def load_letters(src: Path = SRC) -> list[Letter]:
    return [parse_letter(p) for p in sorted(src.glob("*.letter"))]


def read_labels(path: Path = LABELS) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != LABEL_COLUMNS:
            raise ValueError(f"{path}: columns must be {','.join(LABEL_COLUMNS)}")
        return list(reader)


def labels_text(letters: list[Letter], rows: list[dict[str, str]]) -> str:
    """labels.csv with its lix column recomputed; every letter must have exactly one row."""
    by_file = {row["file"]: row for row in rows}
    names = [output_name(letter) for letter in letters]
    missing = sorted(set(names) - set(by_file))
    extra = sorted(set(by_file) - set(names))
    if missing or extra or len(by_file) != len(rows):
        raise ValueError(f"labels.csv does not match the sources: missing {missing}, extra {extra}")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=LABEL_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for letter in letters:
        row = dict(by_file[output_name(letter)])
        row["lix"] = _one_decimal(reference_lix(letter).lix)
        writer.writerow(row)
    return out.getvalue()


def counts_text(letters: list[Letter]) -> str:
    """lix_counts.csv: the words, sentences and long words behind each LIX, for cross-checks."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["file", "words", "sentences", "long_words", "lix"])
    for letter in letters:
        c = reference_lix(letter)
        writer.writerow(
            [output_name(letter), c.words, c.sentences, c.long_words, _one_decimal(c.lix)]
        )
    return out.getvalue()


def build_all(out_dir: Path, letters: list[Letter] | None = None) -> list[Path]:
    """Build every letter into ``out_dir``."""
    letters = load_letters() if letters is None else letters
    out_dir.mkdir(parents=True, exist_ok=True)
    return [build_letter(letter, out_dir) for letter in letters]


#: The letter collections: (sources, built letters, labels, LIX counts). ``real/`` holds real
#: letters from public sources (corpus/real/README.md); it is built and labelled like the rest.
COLLECTIONS = (
    (SRC, CORPUS, LABELS, LIX_COUNTS),
    (
        CORPUS / "real" / "src",
        CORPUS / "real",
        CORPUS / "real" / "labels.csv",
        CORPUS / "real" / "lix_counts.csv",
    ),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="build the Word files into this folder only")
    parser.add_argument("--check", action="store_true", help="only check labels.csv's lix column")
    args = parser.parse_args(argv)
    status = 0
    for src, folder, labels, counts in COLLECTIONS:
        letters = load_letters(src)
        new_labels = labels_text(letters, read_labels(labels))
        if args.check:
            if labels.read_text(encoding="utf-8") != new_labels or (
                not counts.is_file() or counts.read_text(encoding="utf-8") != counts_text(letters)
            ):
                print(f"{labels} or {counts.name} is out of date: run python corpus/build.py")
                status = 1
            continue
        if args.out:
            build_all(args.out / folder.relative_to(CORPUS), letters)
            continue
        build_all(folder, letters)
        stale = {p.name for p in folder.glob("*.do[ct][xm]")} - {output_name(x) for x in letters}
        for name in sorted(stale):
            (folder / name).unlink()
        labels.write_text(new_labels, encoding="utf-8")
        counts.write_text(counts_text(letters), encoding="utf-8")
        print(f"built {len(letters)} letters into {folder}")
    return status


if __name__ == "__main__":
    sys.path.insert(0, str(CORPUS.parent))
    sys.exit(main())
