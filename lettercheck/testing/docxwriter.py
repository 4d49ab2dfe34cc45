"""A small deterministic writer of WordprocessingML packages (DOCX/DOTX/DOCM/DOTM).

Tests, the corpus build script and the benchmarks need Word files whose XML they control exactly
(content controls, text boxes, fields, tracked changes …), which python-docx cannot write. This
module takes the XML of the document body as a string and wraps it in a valid package. The same
input always gives byte-identical output (fixed part order, fixed ZIP timestamps, fixed metadata),
so built corpus files can be compared and committed reproducibly.

Fragments are written with the prefixes ``w r wp wps mc v w14 wp14 a pic o``; all of them are
declared on every root element, so a fragment never declares a namespace itself.

Relationship ids the writer creates, for fragments to refer to:

* headers: part ``word/header{n}.xml``, id ``rIdHeader{n}`` (n = 1, 2, …)
* footers: part ``word/footer{n}.xml``, id ``rIdFooter{n}``
* hyperlinks: the ids given in ``hyperlinks`` (``{"rIdLink1": "mailto:a@b.dk"}``)

The final ``w:sectPr`` references header/footer 1 as ``default``, 2 as ``first`` (with
``w:titlePg``) and 3 as ``even``; a fragment that wants more sections writes its own
``w:pPr/w:sectPr`` referencing the ids above.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

__all__ = ["NAMESPACE_DECLARATIONS", "paragraph", "run", "write_docx"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

#: Namespace declarations put on every root element (document, header, footer, comments).
NAMESPACE_DECLARATIONS = (
    f'xmlns:w="{_W}" '
    f'xmlns:r="{_R}" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'mc:Ignorable="w14 wp14"'
)

_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_CT_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
_CT_MAIN = {
    (False, False): f"{_CT_WML}document.main+xml",
    (True, False): f"{_CT_WML}template.main+xml",
    (False, True): "application/vnd.ms-word.document.macroEnabled.main+xml",
    (True, True): "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
}

#: Content types by extension for ``extra_parts`` (images and the like).
_DEFAULT_TYPES = {
    "rels": "application/vnd.openxmlformats-package.relationships+xml",
    "xml": "application/xml",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "emf": "image/x-emf",
    "bin": "application/vnd.ms-office.vbaProject",
}

_DEFAULT_STYLES = """\
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" \
w:cs="Calibri"/><w:sz w:val="22"/><w:lang w:val="da-DK"/></w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr><w:spacing w:after="160" w:line="259" w:lineRule="auto"/></w:pPr>\
</w:pPrDefault></w:docDefaults>\
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>\
</w:style>\
<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">\
<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>\
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>\
<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/>\
<w:spacing w:before="240" w:after="0"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/>\
<w:sz w:val="32"/></w:rPr></w:style>\
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/>\
<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/>\
<w:spacing w:before="40" w:after="0"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/>\
<w:sz w:val="26"/></w:rPr></w:style>\
<w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/>\
<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/>\
<w:spacing w:before="40" w:after="0"/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/></w:rPr>\
</w:style>\
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/>\
<w:next w:val="Normal"/><w:qFormat/><w:rPr><w:sz w:val="56"/></w:rPr></w:style>\
<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/>\
<w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:ind w:left="720"/></w:pPr></w:style>\
<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>\
<w:basedOn w:val="DefaultParagraphFont"/><w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/>\
</w:rPr></w:style>\
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>\
<w:uiPriority w:val="99"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>\
<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>\
<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr>\
</w:style>"""

_NUMBERING = """\
<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="hybridMultilevel"/>\
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\u2022"/>\
<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl>\
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="o"/>\
<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="1440" w:hanging="360"/></w:pPr></w:lvl>\
</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"""

_DEFAULT_SETTINGS = '<w:defaultTabStop w:val="1304"/><w:compat><w:compatSetting \
w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'

_SECTION_LAYOUT = (
    '<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1701" w:right="1134" w:bottom="1701" '
    'w:left="1134" w:header="708" w:footer="708" w:gutter="0"/>'
)

_FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_STORED_EXTENSIONS = frozenset({"png", "jpeg", "jpg", "gif"})
_HEADER_TYPES = ("default", "first", "even")


def _attr(value: str) -> str:
    """Escape a value for a double-quoted XML attribute."""
    return escape(value, {'"': "&quot;"})


def run(text: str, bold: bool = False) -> str:
    """One ``w:r`` holding ``text`` (XML-escaped, spaces preserved); tabs become ``w:tab`` and
    newlines ``w:br`` (a line break inside the paragraph)."""
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    pieces = []
    for chunk in re.split(r"(\t|\n)", text):
        if chunk == "\t":
            pieces.append("<w:tab/>")
        elif chunk == "\n":
            pieces.append("<w:br/>")
        elif chunk:
            pieces.append(f'<w:t xml:space="preserve">{escape(chunk)}</w:t>')
    return f"<w:r>{rpr}{''.join(pieces)}</w:r>"


def paragraph(text: str, style: str | None = None, bold: bool = False) -> str:
    """One ``w:p`` with one run of ``text``; ``style`` is a style id ("Heading1")."""
    ppr = f'<w:pPr><w:pStyle w:val="{_attr(style)}"/></w:pPr>' if style else ""
    body = run(text, bold) if text else ""
    return f"<w:p>{ppr}{body}</w:p>"


def _root(tag: str, inner: str) -> bytes:
    return f"{_XML_DECL}<{tag} {NAMESPACE_DECLARATIONS}>{inner}</{tag}>".encode()


def _rels(rels: Sequence[tuple[str, str, str, str | None]]) -> bytes:
    items = []
    for rid, rtype, target, mode in rels:
        mode_attr = f' TargetMode="{mode}"' if mode else ""
        items.append(
            f'<Relationship Id="{rid}" Type="{rtype}" Target="{_attr(target)}"{mode_attr}/>'
        )
    return f'{_XML_DECL}<Relationships xmlns="{_REL}">{"".join(items)}</Relationships>'.encode()


def _core(title: str | None) -> bytes:
    title_xml = f"<dc:title>{escape(title)}</dc:title>" if title else ""
    return (
        f"{_XML_DECL}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"{title_xml}<dc:creator>lettercheck</dc:creator>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2024-01-01T00:00:00Z</dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">2024-01-01T00:00:00Z</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def _comments_xml(comments: Sequence[tuple[str, str, str]]) -> bytes:
    items = []
    for cid, author, text in comments:
        initials = "".join(w[0] for w in author.split() if w)[:3]
        items.append(
            f'<w:comment w:id="{_attr(cid)}" w:author="{_attr(author)}" '
            f'w:date="2024-01-01T00:00:00Z" w:initials="{_attr(initials)}">'
            f"{paragraph(text)}</w:comment>"
        )
    return _root("w:comments", "".join(items))


def write_docx(
    path: str | Path,
    body: str,
    *,
    headers: Sequence[str] = (),
    footers: Sequence[str] = (),
    comments: Sequence[tuple[str, str, str]] | None = None,
    styles: str | None = None,
    numbering: bool = False,
    template: bool = False,
    macro: bool = False,
    settings: str | None = None,
    extra_parts: Mapping[str, bytes] | None = None,
    title: str | None = None,
    hyperlinks: Mapping[str, str] | None = None,
    relationships: Sequence[tuple[str, str, str, str | None]] = (),
) -> None:
    """Write a Word package to ``path``.

    ``body`` is the inner XML of ``w:body`` (without the final ``w:sectPr``, which is added);
    each of ``headers``/``footers`` is the inner XML of a ``w:hdr``/``w:ftr``. ``comments`` are
    ``(id, author, text)`` for word/comments.xml (anchors go in ``body``). ``styles`` is extra
    ``w:style`` XML added after the defaults (Normal, Heading1-3 named "heading 1".., Title,
    List Paragraph, Hyperlink). ``numbering`` adds a bullet list definition as ``numId`` 1.
    ``template``/``macro`` choose the .dotx/.docm/.dotm content type. ``settings`` replaces the
    inner XML of ``w:settings``. ``hyperlinks`` maps relationship ids to external targets;
    ``relationships`` adds raw ``(id, type, target, target_mode)`` document relationships (e.g.
    for images in ``extra_parts``). ``extra_parts`` maps part names to bytes; a name that the
    writer also generates replaces the generated part (handy for hostile-input tests).
    """
    comments = list(comments or [])
    extra = dict(extra_parts or {})
    parts: dict[str, bytes] = {}
    overrides: list[tuple[str, str]] = [("/word/document.xml", _CT_MAIN[(template, macro)])]
    doc_rels: list[tuple[str, str, str, str | None]] = [
        ("rIdStyles", f"{_RT}/styles", "styles.xml", None),
        ("rIdSettings", f"{_RT}/settings", "settings.xml", None),
    ]

    refs = []
    for kind, items, tag in (("header", headers, "w:hdr"), ("footer", footers, "w:ftr")):
        for n, inner in enumerate(items, start=1):
            name = f"word/{kind}{n}.xml"
            parts[name] = _root(tag, inner)
            overrides.append((f"/{name}", f"{_CT_WML}{kind}+xml"))
            rid = f"rId{kind.capitalize()}{n}"
            doc_rels.append((rid, f"{_RT}/{kind}", f"{kind}{n}.xml", None))
            if n <= len(_HEADER_TYPES):
                refs.append(f'<w:{kind}Reference w:type="{_HEADER_TYPES[n - 1]}" r:id="{rid}"/>')
    title_pg = "<w:titlePg/>" if len(headers) > 1 or len(footers) > 1 else ""
    sect_pr = f"<w:sectPr>{''.join(refs)}{_SECTION_LAYOUT}{title_pg}</w:sectPr>"

    if comments:
        parts["word/comments.xml"] = _comments_xml(comments)
        overrides.append(("/word/comments.xml", f"{_CT_WML}comments+xml"))
        doc_rels.append(("rIdComments", f"{_RT}/comments", "comments.xml", None))
    if numbering:
        parts["word/numbering.xml"] = _root("w:numbering", _NUMBERING)
        overrides.append(("/word/numbering.xml", f"{_CT_WML}numbering+xml"))
        doc_rels.append(("rIdNumbering", f"{_RT}/numbering", "numbering.xml", None))
    for rid, target in (hyperlinks or {}).items():
        doc_rels.append((rid, f"{_RT}/hyperlink", target, "External"))
    doc_rels.extend(relationships)

    parts["word/document.xml"] = _root("w:document", f"<w:body>{body}{sect_pr}</w:body>")
    parts["word/styles.xml"] = _root("w:styles", _DEFAULT_STYLES + (styles or ""))
    settings_xml = _DEFAULT_SETTINGS if settings is None else settings
    parts["word/settings.xml"] = _root("w:settings", settings_xml)
    parts["word/_rels/document.xml.rels"] = _rels(doc_rels)
    parts["docProps/core.xml"] = _core(title)
    overrides += [
        ("/word/styles.xml", f"{_CT_WML}styles+xml"),
        ("/word/settings.xml", f"{_CT_WML}settings+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
    ]
    root_rels = _rels(
        [
            ("rId1", f"{_RT}/officeDocument", "word/document.xml", None),
            (
                "rId2",
                "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
                "core-properties",
                "docProps/core.xml",
                None,
            ),
        ]
    )

    extensions = {"rels", "xml"} | {
        n.rsplit(".", 1)[-1].lower() for n in extra if "." in n.rsplit("/", 1)[-1]
    }
    defaults = "".join(
        f'<Default Extension="{ext}" '
        f'ContentType="{_DEFAULT_TYPES.get(ext, "application/octet-stream")}"/>'
        for ext in sorted(extensions)
    )
    override_xml = "".join(
        f'<Override PartName="{name}" ContentType="{ctype}"/>' for name, ctype in overrides
    )
    content_types = (
        f'{_XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f"{defaults}{override_xml}</Types>"
    ).encode()

    ordered: dict[str, bytes] = {"[Content_Types].xml": content_types, "_rels/.rels": root_rels}
    ordered.update(parts)
    for name in list(ordered):
        if name in extra:
            ordered[name] = extra.pop(name)
    ordered.update(sorted(extra.items()))

    with zipfile.ZipFile(path, "w") as zf:
        for name, data in ordered.items():
            info = zipfile.ZipInfo(name, date_time=_FIXED_DATE)
            # Already-compressed media is stored as is (deflating JPEG/PNG gains nothing).
            stored = name.rsplit(".", 1)[-1].lower() in _STORED_EXTENSIONS
            method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.compress_type = method
            info.create_system = 0
            info.external_attr = 0
            zf.writestr(info, data, compress_type=method, compresslevel=None if stored else 6)


def text_box(content: str) -> str:
    """A run holding a text box as Word 2010+ writes it: DrawingML in mc:Choice and the same
    content as VML in mc:Fallback. ``content`` is the box's paragraphs (XML)."""
    return (
        "<w:r><mc:AlternateContent>"
        '<mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" '
        'simplePos="0" relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" '
        'allowOverlap="1"><wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column">'
        '<wp:posOffset>0</wp:posOffset></wp:positionH><wp:positionV relativeFrom="paragraph">'
        '<wp:posOffset>0</wp:posOffset></wp:positionV><wp:extent cx="1828800" cy="457200"/>'
        '<wp:wrapNone/><wp:docPr id="1" name="Tekstboks 1"/><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
        '<wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1828800" '
        'cy="457200"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
        f"<wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx>"
        "<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
        "</mc:Choice><mc:Fallback><w:pict>"
        '<v:shape id="Tekstboks1" type="#_x0000_t202" style="width:144pt;height:36pt">'
        f"<v:textbox><w:txbxContent>{content}</w:txbxContent></v:textbox></v:shape>"
        "</w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )
