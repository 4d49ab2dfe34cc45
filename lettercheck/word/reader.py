"""Reading a letter into the document model: every place a Word letter keeps text, in order.

``read_document(path)`` handles .docx/.dotx/.docm/.dotm (recognised by content: a ZIP or OLE file
goes to the Word reader whatever its suffix) and plain .txt/.md.

Word letters are read with lxml straight from the package (python-docx misses block-level
content controls, text boxes and fldSimple text, and refuses .dotx). Block order:

1. the header parts, each once, in the order the sections reference them (first section first,
   references in XML order);
2. the main document: paragraphs, tables (row by row, cell by cell, nested tables inside their
   cell), block-level content controls, and the text boxes anchored in a paragraph right after
   that paragraph;
3. the footer parts, like the headers.

Text is read as Word shows it with tracked changes accepted: w:ins and w:moveTo are in, w:del
and w:moveFrom are out; of an mc:AlternateContent only the first mc:Choice is read (the
mc:Fallback holds the same text box again as VML); complex fields show their result, never their
code; runs marked hidden (w:vanish) are not shown. Paragraphs with no text give no block, but
their text boxes do.

Every block carries the run map (``model.RunSegment``) that the annotator uses to find the runs
again: ``run`` counts every ``w:r`` of the story in document order (``root.iter(w:r)``) and
``offset`` counts characters of ``ooxml.run_text(run)``.

Kinds: a paragraph in a header/footer part is HEADER/FOOTER; in a text box TEXT_BOX; in a table
cell TABLE_CELL; inside a block-level content control CONTENT_CONTROL; otherwise HEADING (heading
or title style, an outline level, or a short bold line: see ``is_short_bold_line``), LIST_ITEM
(numbering on the paragraph or its style, or a list style), else PARAGRAPH. The first matching
rule in that order wins; ``Block.style`` always keeps the style name.

Plain text (.txt, .md): one block per non-empty line (a blank line is not needed between
paragraphs, and a hard-wrapped paragraph becomes several blocks). In .md, "# …" lines are
HEADING blocks (text without the hashes) and "- ", "* ", "+ ", "1. ", "1) " lines are LIST_ITEM
blocks (text without the marker; two spaces of indent = one list level). Text is UTF-8 (a BOM is
allowed), falling back to Windows-1252.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from lettercheck.model.document import (
    Block,
    BlockKind,
    Comment,
    Control,
    Document,
    LetterError,
    Link,
    Placeholder,
    RunSegment,
)
from lettercheck.word.ooxml import (
    TEXT_TAGS,
    W_AUTHOR,
    W_CEND,
    W_COMMENT,
    W_CSTART,
    W_DEL,
    W_FLDCHAR,
    W_FLDCHARTYPE,
    W_FLDSIMPLE,
    W_ID,
    W_INS,
    W_INSTRTEXT,
    W_MOVEFROM,
    W_MOVETO,
    W_P,
    W_PPR,
    W_R,
    W_RPR,
    W_SDT,
    W_SDTCONTENT,
    W_T,
    W_TBL,
    W_TXBX,
    ParsedPart,
    RunMap,
    child_text,
    control_properties,
    fields_balanced,
    parse_xml,
    qn,
    run_text,
)
from lettercheck.word.package import Package, open_package

__all__ = ["is_short_bold_line", "read_document"]

WORD_SUFFIXES = frozenset({".docx", ".dotx", ".docm", ".dotm", ".doc", ".dot"})
TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})

#: Limits that keep a hostile file (millions of tiny paragraphs) from costing minutes and
#: gigabytes; a long letter has a few hundred paragraphs and a few thousand runs.
MAX_PARAGRAPHS = 50_000
MAX_RUNS = 500_000
#: Largest plain-text letter read. The whole file is read and decoded at once (~4x its size in
#: memory), and pipeline.MAX_TEXT_CHARS refuses more than 3 million characters anyway.
MAX_TEXT_FILE_BYTES = 16 * 1024 * 1024

#: A "short" line for the bold-line-as-heading rule: at most this many words and characters.
SHORT_LINE_WORDS = 10
SHORT_LINE_CHARS = 80

# -- tags ----------------------------------------------------------------------------------------
# The names the annotator uses too are in ooxml; these are the reader's own.
W_PSTYLE, W_RSTYLE = qn("w:pStyle"), qn("w:rStyle")
W_NUMPR, W_ILVL, W_NUMID, W_OUTLINE = qn("w:numPr"), qn("w:ilvl"), qn("w:numId"), qn("w:outlineLvl")
W_B, W_VANISH = qn("w:b"), qn("w:vanish")
W_TR, W_TC = qn("w:tr"), qn("w:tc")
W_HYPERLINK, W_INSTR = qn("w:hyperlink"), qn("w:instr")
W_SMARTTAG, W_CUSTOMXML, W_DIR, W_BDO = (
    qn("w:smartTag"),
    qn("w:customXml"),
    qn("w:dir"),
    qn("w:bdo"),
)
W_SECTPR, W_HDRREF, W_FTRREF = qn("w:sectPr"), qn("w:headerReference"), qn("w:footerReference")
W_DRAWING, W_PICT, W_OBJECT = qn("w:drawing"), qn("w:pict"), qn("w:object")
W_VAL, W_TYPE, W_STYLEID, W_DEFAULT = qn("w:val"), qn("w:type"), qn("w:styleId"), qn("w:default")
W_STYLE, W_NAME, W_BASEDON = qn("w:style"), qn("w:name"), qn("w:basedOn")
W_DOCDEFAULTS, W_RPRDEFAULT, W_BODY = qn("w:docDefaults"), qn("w:rPrDefault"), qn("w:body")
MC_ALT, MC_CHOICE, MC_FALLBACK = (
    qn("mc:AlternateContent"),
    qn("mc:Choice"),
    qn("mc:Fallback"),
)
R_ID = qn("r:id")

_PASS_THROUGH = frozenset({W_INS, W_MOVETO, W_SMARTTAG, W_CUSTOMXML, W_DIR, W_BDO})
_SKIP = frozenset({W_DEL, W_MOVEFROM})
_GRAPHIC = frozenset({W_DRAWING, W_PICT, MC_ALT, W_OBJECT})

_HEADING_NAME = re.compile(r"(heading|overskrift)\s*[1-9]|title|titel|subtitle|undertitel")
_LIST_NAME = re.compile(
    r"list (bullet|number)( [2-9])?|opstilling.*|liste( med (punkttegn|tal))?( [2-9])?"
)
_BUILTIN_LOWER = re.compile(
    r"heading [1-9]|title|subtitle|normal|list paragraph|list( bullet| number)?( [2-9])?|caption"
    r"|header|footer|quote|intense quote|no spacing|toc [1-9]"
)
_FIELD = re.compile(r'\s*(MERGEFIELD|DOCVARIABLE|HYPERLINK)\s+(?:"([^"]*)"|(\S+))?', re.I)
_HYPERLINK_ANCHOR = re.compile(r'\\l\s+"([^"]*)"')
_FALSE = frozenset({"0", "false", "off"})
#: Namespaces of ISO 29500 Strict documents (Word's "Strict Open XML Document").
_STRICT_PREFIX = "http://purl.oclc.org/ooxml/"
#: Kinds that win over TABLE_CELL for a table nested inside them.
_OUTER_KINDS = frozenset({BlockKind.HEADER, BlockKind.FOOTER, BlockKind.TEXT_BOX})


def _child(el: etree._Element, tag: str) -> etree._Element | None:
    """The first child of ``el`` with this tag, as ``el.find(tag)`` gives it.

    ``find`` goes through lxml's ElementPath machinery (about 2 µs a call); this plain loop over
    the few children of a w:p, w:pPr or w:rPr costs a quarter of that, and the reader asks for
    a child several times per paragraph and run."""
    for child in el:
        if child.tag == tag:
            return child
    return None


def _descendant(el: etree._Element, tags: tuple[str, ...]) -> etree._Element | None:
    """The first match of the path ``a/b/c`` below ``el``, as ``el.find("a/b/c")`` gives it:
    every ``a`` child is tried in order, not only the first."""
    first, rest = tags[0], tags[1:]
    for child in el:
        if child.tag == first:
            if not rest:
                return child
            found = _descendant(child, rest)
            if found is not None:
                return found
    return None


def _rpr_children(
    rpr: etree._Element,
) -> tuple[etree._Element | None, etree._Element | None, etree._Element | None]:
    """The first w:rStyle, w:b and w:vanish child of a run's w:rPr, in one pass over it."""
    rstyle = b = vanish = None
    for child in rpr:
        tag = child.tag
        if tag == W_RSTYLE and rstyle is None:
            rstyle = child
        elif tag == W_B and b is None:
            b = child
        elif tag == W_VANISH and vanish is None:
            vanish = child
    return rstyle, b, vanish


def _on(el: etree._Element | None) -> bool | None:
    """A toggle property (w:b, w:vanish): None when absent, else its value."""
    if el is None:
        return None
    return (el.get(W_VAL) or "true").lower() not in _FALSE


# -- styles --------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Style:
    name: str | None = None
    based_on: str | None = None
    outline: int | None = None
    num_id: str | None = None
    level: int | None = None
    bold: bool | None = None
    vanish: bool | None = None


@dataclass(slots=True)
class _Resolved:
    name: str | None
    outline: int | None
    numbered: bool
    level: int | None
    heading: bool  # a heading or title style by name ("heading 1", "Overskrift 1", "Titel")
    listing: bool  # a list style by name ("List Bullet", "Opstilling med punkttegn")
    bold: bool  # with the document default applied (for paragraph styles)
    explicit_bold: bool | None  # as the style chain itself says (for character styles)
    vanish: bool


def _display_name(name: str | None) -> str | None:
    """Built-in styles are stored in lower case ("heading 1"); Word shows them capitalised."""
    if name and _BUILTIN_LOWER.fullmatch(name):
        return name[0].upper() + name[1:] if name.startswith("heading") else name.title()
    return name


class _Styles:
    """styles.xml, resolved through w:basedOn (cycle-safe) on demand.

    Only the style ids (and the default paragraph style) are read up front; a style's own
    properties are read the first time a paragraph or run uses it (or a style based on it): a
    Word template defines hundreds of styles and a letter uses a handful.
    """

    def __init__(self, root: etree._Element | None) -> None:
        self.styles = _LazyStyles()
        self.default_paragraph: str | None = None
        self.default_bold = False
        self._cache: dict[str, _Resolved] = {}
        if root is None:
            return
        defaults = _child(root, W_DOCDEFAULTS)
        if defaults is not None:
            self.default_bold = bool(_on(_descendant(defaults, (W_RPRDEFAULT, W_RPR, W_B))))
        elements = self.styles.elements
        for el in root.iter(W_STYLE):
            sid = el.get(W_STYLEID)
            if not sid:
                continue
            elements.setdefault(sid, el)
            if (
                self.default_paragraph is None
                and el.get(W_TYPE) == "paragraph"
                and (el.get(W_DEFAULT) or "").lower() in ("1", "true", "on")
            ):
                self.default_paragraph = sid

    def resolve(self, sid: str | None) -> _Resolved:
        key = sid or ""
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        chain: list[_Style] = []
        seen: set[str] = set()
        cur = sid
        while cur and cur not in seen and cur in self.styles and len(chain) < 50:
            seen.add(cur)
            chain.append(self.styles[cur])
            cur = chain[-1].based_on

        def first(attr: str):  # type: ignore[no-untyped-def]
            for st in chain:
                value = getattr(st, attr)
                if value is not None:
                    return value
            return None

        num_id = first("num_id")
        bold = first("bold")
        name = chain[0].name if chain else None
        lname = (name or "").lower()
        res = _Resolved(
            name=name,
            heading=bool(_HEADING_NAME.fullmatch(lname)),
            listing=bool(_LIST_NAME.fullmatch(lname)),
            outline=first("outline"),
            numbered=num_id is not None and num_id != "0",
            level=first("level"),
            bold=self.default_bold if bold is None else bold,
            explicit_bold=bold,
            vanish=bool(first("vanish")),
        )
        self._cache[key] = res
        return res


class _LazyStyles:
    """Style id -> ``_Style``, read from its w:style element on first access (the first
    element with an id wins, as Word does)."""

    __slots__ = ("_read", "elements")

    def __init__(self) -> None:
        self.elements: dict[str, etree._Element] = {}
        self._read: dict[str, _Style] = {}

    def __contains__(self, sid: object) -> bool:
        return sid in self.elements

    def __getitem__(self, sid: str) -> _Style:
        st = self._read.get(sid)
        if st is None:
            st = self._read[sid] = _read_style(self.elements[sid])
        return st


#: The properties of a paragraph without a w:pPr (shared, never changed).
_NO_PROPERTIES = _Style()


def _read_style(el: etree._Element) -> _Style:
    """The properties of one w:style that the reader uses."""
    st = _Style()
    name = _child(el, W_NAME)
    st.name = _display_name(name.get(W_VAL)) if name is not None else None
    based = _child(el, W_BASEDON)
    st.based_on = based.get(W_VAL) if based is not None else None
    ppr = _child(el, W_PPR)
    if ppr is not None:
        _read_ppr_numbering(ppr, st)
    rpr = _child(el, W_RPR)
    if rpr is not None:
        st.bold = _on(_child(rpr, W_B))
        st.vanish = _on(_child(rpr, W_VANISH))
    return st


def _read_ppr_numbering(ppr: etree._Element, target: _Style) -> None:
    """Outline level and numbering of a w:pPr (paragraph's own or a style's)."""
    for child in ppr:
        if child.tag == W_OUTLINE:
            value = child.get(W_VAL) or ""
            target.outline = int(value) if value.isdigit() else None
        elif child.tag == W_NUMPR:
            num = _child(child, W_NUMID)
            lvl = _child(child, W_ILVL)
            if num is not None:
                target.num_id = num.get(W_VAL) or "0"
            if lvl is not None:
                try:
                    target.level = int(lvl.get(W_VAL) or "0")
                except ValueError:
                    target.level = 0


def is_short_bold_line(text: str) -> bool:
    """A bold paragraph counts as a heading when it is short: at most ``SHORT_LINE_WORDS`` words
    and ``SHORT_LINE_CHARS`` characters, holds a letter, and does not end like a sentence or a
    salutation (".", ",", ";")."""
    stripped = text.strip()
    if not stripped or len(stripped) > SHORT_LINE_CHARS:
        return False
    if len(stripped.split()) > SHORT_LINE_WORDS:
        return False
    if stripped[-1] in ".,;":
        return False
    return any(ch.isalpha() for ch in stripped)


# -- paragraph building --------------------------------------------------------------------------
class _Para:
    """The text of one w:p as it is being read, with its run map and spans."""

    __slots__ = (
        "all_bold",
        "before",
        "controls",
        "index",
        "length",
        "links",
        "parts",
        "placeholders",
        "segments",
        "textboxes",
        "visible",
    )

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.segments: list[RunSegment] = []
        self.controls: list[Control] = []
        self.placeholders: list[Placeholder] = []
        self.links: list[Link] = []
        self.textboxes: list[etree._Element] = []
        self.visible = False  # any non-whitespace character yet
        self.all_bold = True  # every non-whitespace character so far is bold
        self.index: int | None = None  # block index once emitted
        self.before = 0  # number of blocks emitted before this paragraph began

    def add(self, text: str, run: int, offset: int, bold: bool) -> None:
        start = self.length
        end = start + len(text)
        segs = self.segments
        if segs and segs[-1].run == run and segs[-1].end == start:
            last = segs[-1]
            if last.offset + (last.end - last.start) == offset:
                segs[-1] = RunSegment(last.start, end, run, last.offset)
            else:
                segs.append(RunSegment(start, end, run, offset))
        else:
            segs.append(RunSegment(start, end, run, offset))
        self.parts.append(text)
        self.length = end
        if not text.isspace():
            self.visible = True
            if not bold:
                self.all_bold = False


@dataclass(slots=True)
class _Field:
    instr: list[str] = field(default_factory=list)
    in_result: bool = False
    para: _Para | None = None
    start: int = 0


@dataclass(frozen=True, slots=True)
class _Ctx:
    """Where a paragraph sits: a forced kind (story, text box, table cell, control), its table
    position, and the block-level content controls around it."""

    kind: BlockKind | None = None
    table: tuple[int, int, int] | None = None
    controls: tuple[tuple[str | None, str | None], ...] = ()


def _sdt_props(sdt: etree._Element) -> tuple[str | None, str | None]:
    alias, tag, _plain = control_properties(sdt)
    return alias, tag


def _first_choice(alt: etree._Element) -> etree._Element | None:
    for child in alt:
        if child.tag == MC_CHOICE:
            return child
    for child in alt:
        if child.tag == MC_FALLBACK:
            return child
    return None


def _find_textboxes(el: etree._Element, out: list[etree._Element]) -> None:
    """Outermost w:txbxContent under ``el`` in document order, skipping mc:Fallback."""
    if el.tag == MC_ALT:
        choice = _first_choice(el)
        if choice is not None:
            _find_textboxes(choice, out)
        return
    for child in el:
        tag = child.tag
        if tag == W_TXBX:
            out.append(child)
        elif tag == MC_ALT:
            _find_textboxes(child, out)
        elif tag != MC_FALLBACK and len(child):
            _find_textboxes(child, out)


# -- the Word reader -----------------------------------------------------------------------------
class _WordReader:
    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self.blocks: list[Block] = []
        # comment id -> [start position, end position]; a position is (para, offset) for a
        # marker inside a paragraph, or (None, block index, offset or -1 for "end of block").
        self.anchors: dict[str, list[tuple | None]] = {}
        self.paragraph_total = 0
        main = pkg.main_document
        styles_parts = pkg.related(main, "styles")
        styles_root = None
        if styles_parts and pkg.has_part(styles_parts[0]):
            styles_root = pkg.read_xml(styles_parts[0])
        self.styles = _Styles(styles_root)

    # stories
    def read(self) -> tuple[list[Block], list[Comment]]:
        pkg = self.pkg
        main = pkg.main_document
        data = pkg.read(main)
        root = parse_xml(data, main)
        if isinstance(root.tag, str) and root.tag.startswith("{" + _STRICT_PREFIX):
            raise LetterError(
                "Filen er gemt i formatet Strict Open XML, som ikke kan læses. Åbn den i Word, "
                "og gem den som almindeligt Word-dokument (.docx)."
            )
        headers, footers = self._header_footer_parts(main, root)
        for part in headers:
            self._story(part, pkg.read_xml(part), BlockKind.HEADER)
        self._story(main, root, None)
        #: what the annotator reuses (see ``Document.parsed``)
        self.parsed = ParsedPart(main, data, self.run_map)
        for part in footers:
            self._story(part, pkg.read_xml(part), BlockKind.FOOTER)
        return self.blocks, self._comments(main)

    def _header_footer_parts(self, main: str, root: etree._Element) -> tuple[list[str], list[str]]:
        targets = {
            rid: target
            for rid, _t, target, mode in self.pkg.relationships(main)
            if mode != "External"
        }
        headers: dict[str, None] = {}
        footers: dict[str, None] = {}
        body = _child(root, W_BODY)
        if body is None:
            return [], []
        for sect in body.iter(W_SECTPR):
            for ref in sect:
                if ref.tag in (W_HDRREF, W_FTRREF):
                    target = targets.get(ref.get(R_ID) or "")
                    if (
                        target
                        and target != main
                        and target not in headers
                        and target not in footers
                        and self.pkg.has_part(target)
                    ):
                        (headers if ref.tag == W_HDRREF else footers)[target] = None
        return list(headers), list(footers)

    def _story(self, part: str, root: etree._Element, kind: BlockKind | None) -> None:
        self.part = part
        self.run_map = RunMap(root)
        self.par_index = {p: i for i, p in enumerate(root.iter(W_P))}
        self.root = root
        self.tbl_index: dict[etree._Element, int] | None = None  # built at the first table
        self.paragraph_total += len(self.par_index)
        if self.paragraph_total > MAX_PARAGRAPHS or len(self.run_map) > MAX_RUNS:
            raise LetterError(
                "Filen er for lang til at være et brev (over 50.000 afsnit eller 500.000 "
                "tekststykker). Kontrollér, at det er den rigtige fil."
            )
        self.links = {
            rid: target
            for rid, _t, target, mode in self.pkg.relationships(part)
            if mode == "External" and target
        }
        self.fields: list[_Field] = []
        self.code_depth = 0
        self.fields_balanced = fields_balanced(root)
        container = _child(root, W_BODY) if kind is None else root
        if container is None:
            return
        self._blocks(container, _Ctx(kind=kind))

    # block level
    def _blocks(self, container: etree._Element, ctx: _Ctx) -> None:
        for child in container:
            tag = child.tag
            if tag == W_P:
                self._paragraph(child, ctx)
            elif tag == W_TBL:
                self._table(child, ctx)
            elif tag == W_SDT:
                content = _child(child, W_SDTCONTENT)
                if content is not None:
                    kind = ctx.kind or BlockKind.CONTENT_CONTROL
                    inner = _Ctx(kind, ctx.table, (*ctx.controls, _sdt_props(child)))
                    self._blocks(content, inner)
            elif tag in _PASS_THROUGH:
                self._blocks(child, ctx)
            elif tag == MC_ALT:
                choice = _first_choice(child)
                if choice is not None:
                    self._blocks(choice, ctx)
            elif tag == W_CSTART:
                self._anchor(child, 0, (None, len(self.blocks), 0))
            elif tag == W_CEND and self.blocks:
                self._anchor(child, 1, (None, len(self.blocks) - 1, -1))

    def _rows(
        self, el: etree._Element, tag: str, controls: tuple[tuple[str | None, str | None], ...]
    ) -> list[tuple[etree._Element, tuple[tuple[str | None, str | None], ...]]]:
        """Rows of a table or cells of a row, looking through row/cell-level wrappers; each with
        the content controls around it (a control wrapping a row or cell covers its text)."""
        out = []
        for child in el:
            if child.tag == tag:
                out.append((child, controls))
            elif child.tag == W_SDT:
                content = _child(child, W_SDTCONTENT)
                if content is not None:
                    out.extend(self._rows(content, tag, (*controls, _sdt_props(child))))
            elif child.tag in (W_CUSTOMXML, W_INS, W_MOVETO):
                out.extend(self._rows(child, tag, controls))
        return out

    def _table(self, tbl: etree._Element, ctx: _Ctx) -> None:
        if self.tbl_index is None:
            self.tbl_index = {t: i for i, t in enumerate(self.root.iter(W_TBL))}
        number = self.tbl_index.get(tbl, 0)
        kind = ctx.kind if ctx.kind in _OUTER_KINDS else BlockKind.TABLE_CELL
        for r, (row, row_controls) in enumerate(self._rows(tbl, W_TR, ctx.controls)):
            for c, (cell, controls) in enumerate(self._rows(row, W_TC, row_controls)):
                self._blocks(cell, _Ctx(kind, (number, r, c), controls))

    # paragraphs
    def _paragraph(self, p: etree._Element, ctx: _Ctx) -> None:
        para = _Para()
        para.before = len(self.blocks)
        style_id = None
        ppr = _child(p, W_PPR)
        if ppr is None:
            own = _NO_PROPERTIES
        else:
            own = _Style()
            ps = _child(ppr, W_PSTYLE)
            if ps is not None:
                style_id = ps.get(W_VAL)
            _read_ppr_numbering(ppr, own)
        style = self.styles.resolve(style_id or self.styles.default_paragraph)
        self.par_style = style
        self._inline(p, para)

        text = "".join(para.parts)
        if text.strip():
            kind = ctx.kind
            level = None
            numbered = (own.num_id != "0") if own.num_id is not None else style.numbered
            if numbered:
                level = own.level if own.level is not None else (style.level or 0)
            bold = para.visible and para.all_bold
            if kind is None:
                outline = own.outline if own.outline is not None else style.outline
                if style.heading or (outline is not None and 0 <= outline <= 8):
                    kind = BlockKind.HEADING
                elif numbered or style.listing:
                    kind = BlockKind.LIST_ITEM
                    if level is None:
                        level = 0
                elif bold and is_short_bold_line(text):
                    kind = BlockKind.HEADING
                else:
                    kind = BlockKind.PARAGRAPH
            controls = para.controls  # the paragraph is read: extend its list in place
            for alias, tag in ctx.controls:
                controls.append(Control(0, len(text), alias, tag))
            para.index = len(self.blocks)
            self.blocks.append(
                Block(
                    index=para.index,
                    kind=kind,
                    text=text,
                    story=self.part,
                    paragraph=self.par_index.get(p, -1),
                    segments=tuple(para.segments),
                    style=style.name,
                    bold=bold,
                    list_level=level,
                    table=ctx.table,
                    controls=tuple(controls),
                    placeholders=tuple(para.placeholders),
                    links=tuple(para.links),
                )
            )
        if para.textboxes:
            saved = (self.fields, self.code_depth)
            for box in para.textboxes:
                self.fields, self.code_depth = [], 0
                box_kind = ctx.kind if ctx.kind in (BlockKind.HEADER, BlockKind.FOOTER) else None
                self._blocks(box, _Ctx(box_kind or BlockKind.TEXT_BOX))
            self.fields, self.code_depth = saved

    def _inline(self, container: etree._Element, para: _Para) -> None:
        for child in container:
            tag = child.tag
            if tag == W_R:
                self._run(child, para)
            elif tag in _PASS_THROUGH:
                self._inline(child, para)
            elif tag in _SKIP or tag == W_PPR:
                continue
            elif tag == W_HYPERLINK:
                start = para.length
                self._inline(child, para)
                target = self.links.get(child.get(R_ID) or "")
                if target and para.length > start:
                    para.links.append(Link(start, para.length, target))
            elif tag == W_FLDSIMPLE:
                start = para.length
                self._inline(child, para)
                self._field_span(child.get(W_INSTR) or "", para, start)
            elif tag == W_SDT:
                content = _child(child, W_SDTCONTENT)
                if content is not None:
                    start = para.length
                    self._inline(content, para)
                    alias, sdt_tag = _sdt_props(child)
                    para.controls.append(Control(start, para.length, alias, sdt_tag))
            elif tag == MC_ALT:
                choice = _first_choice(child)
                if choice is not None:
                    self._inline(choice, para)
            elif tag == W_CSTART:
                self._anchor(child, 0, (para, para.length))
            elif tag == W_CEND:
                self._anchor(child, 1, (para, para.length))

    def _run(self, r: etree._Element, para: _Para) -> None:
        index = self.run_map.index(r)
        bold = self.par_style.bold
        hidden = self.par_style.vanish
        offset = 0
        for child in r:
            tag = child.tag
            if tag == W_T:
                text = child.text or ""
            elif tag in TEXT_TAGS:
                text = child_text(child)
            elif tag == W_RPR:
                rstyle, b_el, v_el = _rpr_children(child)
                if rstyle is not None and rstyle.get(W_VAL) in self.styles.styles:
                    res = self.styles.resolve(rstyle.get(W_VAL))
                    if res.explicit_bold is not None:
                        bold = res.explicit_bold
                    hidden = hidden or res.vanish
                b = _on(b_el)
                if b is not None:
                    bold = b
                v = _on(v_el)
                if v is not None:
                    hidden = v
                continue
            elif tag == W_FLDCHAR:
                self._fld_char(child.get(W_FLDCHARTYPE), para)
                continue
            elif tag == W_INSTRTEXT:
                if self.fields:
                    self.fields[-1].instr.append(child.text or "")
                continue
            elif tag in _GRAPHIC:
                _find_textboxes(child, para.textboxes)
                continue
            else:
                continue
            if text:
                if not hidden and self.code_depth == 0:
                    para.add(text, index, offset, bold)
                offset += len(text)

    # fields
    def _fld_char(self, kind: str | None, para: _Para) -> None:
        if not self.fields_balanced:
            return  # a broken field structure would hide the rest of the story; show it all
        if kind == "begin":
            self.fields.append(_Field())
            self.code_depth += 1
        elif kind == "separate":
            if self.fields and not self.fields[-1].in_result:
                fld = self.fields[-1]
                fld.in_result = True
                fld.para = para
                fld.start = para.length
                self.code_depth -= 1
        elif kind == "end" and self.fields:
            fld = self.fields.pop()
            if not fld.in_result:
                self.code_depth -= 1
            elif fld.para is para:
                self._field_span("".join(fld.instr), para, fld.start)

    def _field_span(self, instr: str, para: _Para, start: int) -> None:
        """Record a MERGEFIELD/DOCVARIABLE placeholder or a HYPERLINK field's link."""
        end = para.length
        if end <= start:
            return
        m = _FIELD.match(instr)
        if not m:
            return
        keyword = m.group(1).upper()
        arg = m.group(2) if m.group(2) is not None else (m.group(3) or "")
        if keyword == "HYPERLINK":
            if not arg or arg.startswith("\\"):
                anchor = _HYPERLINK_ANCHOR.search(instr)
                arg = "#" + anchor.group(1) if anchor else ""
            if arg:
                para.links.append(Link(start, end, arg))
        elif arg and not arg.startswith("\\"):
            para.placeholders.append(Placeholder(start, end, arg, keyword.lower()))

    # comments
    def _anchor(self, el: etree._Element, which: int, pos: tuple) -> None:
        cid = el.get(W_ID)
        if cid is None:
            return
        slot = self.anchors.setdefault(cid, [None, None])
        if slot[which] is None:
            slot[which] = pos

    def _place(self, pos: tuple | None, which: int) -> tuple[int, int] | None:
        if pos is None:
            return None
        if pos[0] is None:
            _, index, offset = pos
            if not 0 <= index < len(self.blocks):
                return None
            return index, len(self.blocks[index].text) if offset == -1 else offset
        para, offset = pos
        if para.index is not None:
            return para.index, offset
        # A marker in a paragraph without text (an empty line selected along with the text):
        # a start moves to the beginning of the next block, an end to the end of the previous.
        if which == 0:
            return (para.before, 0) if para.before < len(self.blocks) else None
        if para.before > 0:
            return para.before - 1, len(self.blocks[para.before - 1].text)
        return None

    def _comments(self, main: str) -> list[Comment]:
        parts = self.pkg.related(main, "comments")
        if not parts or not self.pkg.has_part(parts[0]):
            return []
        root = self.pkg.read_xml(parts[0])
        comments = []
        for el in root.iter(W_COMMENT):
            cid = el.get(W_ID) or ""
            paragraphs = []
            for p in el.iter(W_P):
                paragraphs.append("".join(run_text(r) for r in p.iter(W_R)))
            start = end = None
            slot = self.anchors.get(cid)
            if slot is not None:
                start, end = self._place(slot[0], 0), self._place(slot[1], 1)
                if start is None or end is None:
                    start = end = None
            comments.append(
                Comment(
                    id=cid,
                    author=el.get(W_AUTHOR) or "",
                    text="\n".join(paragraphs),
                    start_block=start[0] if start else None,
                    start=start[1] if start else None,
                    end_block=end[0] if end else None,
                    end=end[1] if end else None,
                )
            )
        return comments


# -- plain text ----------------------------------------------------------------------------------
_MD_HEADING = re.compile(r"\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*")
_MD_LIST = re.compile(r"(\s*)(?:[-*+]|\d{1,3}[.)])\s+(.*?)\s*")


def _read_text(path: Path, markdown: bool) -> Document:
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_FILE_BYTES:
            raise LetterError("Filen er for stor til at være et brev. Del den op.")
        data = path.read_bytes()
    except PermissionError:
        raise LetterError(
            "Ingen adgang til filen. Giv læseadgang til filen, og prøv igen."
        ) from None
    except OSError:
        raise LetterError("Filen kan ikke åbnes. Kontrollér, at den findes og kan læses.") from None
    if b"\x00" in data[:8192]:
        raise LetterError(
            "Filen er ikke en tekstfil. Gem brevet som .docx eller som ren tekst (UTF-8)."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    document = Document(path=path, format="md" if markdown else "txt")
    for number, line in enumerate(text.splitlines()):
        if not line.strip():
            continue
        kind = BlockKind.PARAGRAPH
        content = line.strip()
        level = None
        if markdown:
            if m := _MD_HEADING.fullmatch(line):
                kind, content = BlockKind.HEADING, m.group(2)
            elif m := _MD_LIST.fullmatch(line):
                kind, content = BlockKind.LIST_ITEM, m.group(2)
                level = len(m.group(1).expandtabs(4)) // 2
            if not content.strip():
                continue
        document.blocks.append(
            Block(
                index=len(document.blocks),
                kind=kind,
                text=content,
                story="",
                paragraph=number,
                list_level=level,
            )
        )
    return document


# -- entry point ---------------------------------------------------------------------------------
def _sniff(path: Path) -> bytes:
    try:
        with open(path, "rb") as fp:
            return fp.read(8)
    except (PermissionError, IsADirectoryError):
        return b""  # let the specific reader report it
    except OSError:
        return b""


def read_document(path: str | Path) -> Document:
    """Read a letter (.docx/.dotx/.docm/.dotm/.txt/.md) into a ``model.Document``.

    Raises ``model.LetterError`` (one Danish line) when the file cannot be read as a letter.
    Never writes anything.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    # A Word suffix goes to the package reader whatever the content (open_package says what is
    # wrong), so only other suffixes need the first bytes; this saves opening the file twice.
    if suffix not in WORD_SUFFIXES:
        head = _sniff(path)
        is_package = head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))
        if not is_package and suffix in TEXT_SUFFIXES:
            return _read_text(path, markdown=suffix in (".md", ".markdown"))
        if not is_package:
            raise LetterError(
                "Filtypen understøttes ikke. "
                "Gem brevet som Word-dokument (.docx) eller ren tekst (.txt)."
            )
    with open_package(path) as pkg:
        reader = _WordReader(pkg)
        blocks, comments = reader.read()
        return Document(
            path=path,
            format=pkg.format,
            blocks=blocks,
            comments=comments,
            parsed=getattr(reader, "parsed", None),
        )
