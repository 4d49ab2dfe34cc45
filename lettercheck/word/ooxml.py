"""The thin layer that knows WordprocessingML: namespaces, qualified names, safe parsing, run text.

Reader and annotator must agree exactly on what text a run shows and how runs are numbered,
because the reader's run map (``model.RunSegment``) is applied by the annotator to the same
story. So these live here, once: :func:`run_text` (built from :func:`child_text`) renders one
``w:r``, :class:`RunMap` numbers a story's runs, :func:`field_marks` and :func:`fields_balanced`
walk complex fields, and :func:`control_properties` reads a content control's properties.
"""

from __future__ import annotations

import re
import threading
from functools import cache

from lxml import etree

from lettercheck.model.document import LetterError

__all__ = [
    "NS",
    "TEXT_TAGS",
    "W_AUTHOR",
    "W_CEND",
    "W_COMMENT",
    "W_CSTART",
    "W_DEL",
    "W_FLDCHAR",
    "W_FLDCHARTYPE",
    "W_FLDSIMPLE",
    "W_ID",
    "W_INS",
    "W_INSTRTEXT",
    "W_MOVEFROM",
    "W_MOVETO",
    "W_P",
    "W_PPR",
    "W_R",
    "W_RPR",
    "W_SDT",
    "W_SDTCONTENT",
    "W_T",
    "W_TBL",
    "W_TXBX",
    "ParsedPart",
    "RunMap",
    "child_text",
    "control_properties",
    "field_marks",
    "fields_balanced",
    "parse_xml",
    "qn",
    "run_text",
    "safe_part_label",
]

NS: dict[str, str] = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "wp14": "http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "xml": "http://www.w3.org/XML/1998/namespace",
}


@cache
def qn(name: str) -> str:
    """``"w:p"`` -> ``"{http://…/main}p"`` (Clark notation, as lxml names tags and attributes)."""
    prefix, _, local = name.partition(":")
    return f"{{{NS[prefix]}}}{local}"


# -- WordprocessingML names the reader and the annotator share ------------------------------------
W_P, W_R, W_T = qn("w:p"), qn("w:r"), qn("w:t")
W_PPR, W_RPR = qn("w:pPr"), qn("w:rPr")
W_TBL, W_SDT, W_SDTCONTENT = qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
W_TXBX = qn("w:txbxContent")
W_INS, W_DEL, W_MOVETO, W_MOVEFROM = qn("w:ins"), qn("w:del"), qn("w:moveTo"), qn("w:moveFrom")
W_FLDCHAR, W_FLDCHARTYPE, W_INSTRTEXT = qn("w:fldChar"), qn("w:fldCharType"), qn("w:instrText")
W_FLDSIMPLE = qn("w:fldSimple")
W_CSTART, W_CEND = qn("w:commentRangeStart"), qn("w:commentRangeEnd")
W_COMMENT, W_ID, W_AUTHOR = qn("w:comment"), qn("w:id"), qn("w:author")


_SAFE_LABEL = re.compile(r"[A-Za-z0-9_./\-\[\]]{1,80}")


def safe_part_label(part_name: str) -> str:
    """The part name if it looks like an ordinary OPC name, else a neutral word.

    Error lines may name the broken part, but a hostile package chooses its own part names, so
    anything unusual is not echoed to the user.
    """
    return part_name if _SAFE_LABEL.fullmatch(part_name) else "en del"


def _doctype_error(part_name: str) -> LetterError:
    return LetterError(
        f"Filen indeholder en DOCTYPE-erklæring i {safe_part_label(part_name)}, som Word aldrig "
        "skriver (muligt angreb), og den er derfor ikke læst. Gem brevet igen fra Word."
    )


def _has_doctype(data: bytes) -> bool:
    """True when the bytes declare a DTD, in UTF-8 or in UTF-16 (which a byte search misses)."""
    if b"<!DOCTYPE" in data:
        return True
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4]:
        for codec in ("utf-16", "utf-16-le", "utf-16-be"):
            try:
                text = data.decode(codec, errors="ignore")
            except (UnicodeError, LookupError):  # pragma: no cover - defensive
                continue
            if "<!DOCTYPE" in text:
                return True
    return False


_PARSERS = threading.local()


def _parser() -> etree.XMLParser:
    """This thread's parser (lxml parsers are not thread-safe, so one per thread).

    Reused rather than made per part: a parser's first parse sets up libxml2's parser context,
    which costs about as much as parsing a small part such as a .rels (lxml resets the context
    before every parse, so nothing carries over from one part or file to the next)."""
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_blank_text=False,
        )
    return parser


def parse_xml(data: bytes, part_name: str) -> etree._Element:
    """Parse one package part safely and return its root element.

    Any DOCTYPE is refused before parsing (Word never writes one, so a DOCTYPE means a crafted
    file: entity expansion or external entities), entities are never resolved and the network is
    never touched. ``huge_tree=False`` keeps libxml2's limits on depth and text node size.
    Malformed XML gives a one-line Danish ``LetterError``.
    """
    if _has_doctype(data):
        raise _doctype_error(part_name)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        if "Excessive depth" in str(error) or "huge" in str(error).lower():
            raise LetterError(
                f"Filen er for dybt indlejret eller for stor i {safe_part_label(part_name)} "
                "(f.eks. tabeller i tabeller i mange lag). Forenkl brevet i Word, og gem det igen."
            ) from None
        raise LetterError(
            f"Filen er beskadiget: {safe_part_label(part_name)} er ikke gyldig XML. "
            "Åbn brevet i Word, og gem det igen."
        ) from None
    except (ValueError, MemoryError, etree.LxmlError):
        raise LetterError(
            f"Filen er beskadiget: {safe_part_label(part_name)} kan ikke fortolkes. "
            "Åbn brevet i Word, og gem det igen."
        ) from None
    if root is None:
        raise LetterError(
            f"Filen er beskadiget: {safe_part_label(part_name)} er tom. "
            "Åbn brevet i Word, og gem det igen."
        )
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise _doctype_error(part_name)
    return root


_TAB = qn("w:tab")
_PTAB = qn("w:ptab")
_BR = qn("w:br")
_CR = qn("w:cr")
_NBH = qn("w:noBreakHyphen")
_SOFT = qn("w:softHyphen")
_SYM = qn("w:sym")
_W_CHAR = qn("w:char")


def _sym_text(el: etree._Element) -> str:
    """A w:sym's character, unless it is a symbol-font glyph in the private use area."""
    code = el.get(_W_CHAR)
    if not code:
        return ""
    try:
        cp = int(code, 16)
    except ValueError:
        return ""
    if cp < 0x20 or 0xD800 <= cp <= 0xF8FF or cp > 0x10FFFF:
        return ""  # surrogates and PUA (Wingdings, Symbol) are glyphs, not text
    return chr(cp)


def child_text(el: etree._Element) -> str:
    """The text one child of a ``w:r`` contributes. ``run_text`` is the sum over the children.

    w:t is text; w:delText and w:instrText are not (deleted text, field codes); w:tab/w:ptab
    -> "\\t"; w:br/w:cr -> "\\n"; w:noBreakHyphen -> "-"; w:softHyphen -> ""; w:sym -> its
    character unless a symbol-font glyph. Drawings, pictures and field characters show no text
    here (text boxes are separate blocks).
    """
    tag = el.tag
    if tag == W_T:
        return el.text or ""
    if tag in (_TAB, _PTAB):
        return "\t"
    if tag in (_BR, _CR):
        return "\n"
    if tag == _NBH:
        return "-"
    if tag == _SYM:
        return _sym_text(el)
    return ""


def run_text(run: etree._Element) -> str:
    """The text of one ``w:r`` as the reader shows it; the single definition for reader and
    annotator (``RunSegment.offset`` counts characters of this string)."""
    parts = []
    for child in run:
        tag = child.tag
        if tag == W_T:
            if child.text:
                parts.append(child.text)
        elif tag in TEXT_TAGS:
            parts.append(child_text(child))
    return "".join(parts)


#: The children of a w:r besides w:t that show text (see ``child_text``).
TEXT_TAGS = frozenset({_TAB, _PTAB, _BR, _CR, _NBH, _SYM})


class RunMap:
    """How a story's runs are numbered, the contract between reader and annotator: run ``i`` is
    the ``i``-th ``w:r`` of the story's part in document order (``root.iter(w:r)``), and
    ``RunSegment.run`` holds such a number. The reader builds one per story it reads, and the
    annotator uses the main story's own (``Document.parsed``) or builds one the same way over
    the same bytes, so both always count alike."""

    __slots__ = ("_index", "root", "runs")

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.runs: list[etree._Element] = list(root.iter(W_R))
        self._index: dict[etree._Element, int] | None = None

    def __len__(self) -> int:
        return len(self.runs)

    def index(self, run: etree._Element) -> int:
        """The number of ``run``; -1 for an element that is not a run of this story."""
        if self._index is None:
            self._index = {r: i for i, r in enumerate(self.runs)}
        return self._index.get(run, -1)


def field_marks(run: etree._Element) -> list[tuple[str, etree._Element]]:
    """The complex-field marks of one ``w:r``, in order: ``("begin" | "separate" | "end",
    w:fldChar)`` and ``("instr", w:instrText)`` (a field's code, in pieces)."""
    out = []
    for child in run:
        tag = child.tag
        if tag == W_FLDCHAR:
            out.append((child.get(W_FLDCHARTYPE) or "", child))
        elif tag == W_INSTRTEXT:
            out.append(("instr", child))
    return out


def fields_balanced(root: etree._Element) -> bool:
    """Whether every complex field of a story has a begin and a matching end, in order.

    A stray ``begin`` would put the rest of the story into "field code" and hide it; for such a
    (damaged) story, field characters are ignored and all text except w:instrText is shown."""
    depth = 0
    for el in root.iter(W_FLDCHAR):
        kind = el.get(W_FLDCHARTYPE)
        if kind == "begin":
            depth += 1
        elif kind == "end":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


_SDTPR, _ALIAS, _TAG, _VAL, _TEXT = (
    qn("w:sdtPr"),
    qn("w:alias"),
    qn("w:tag"),
    qn("w:val"),
    qn("w:text"),
)


def control_properties(sdt: etree._Element) -> tuple[str | None, str | None, bool]:
    """A content control's (``w:sdt``) alias and tag (``w:val`` of ``w:alias``, ``w:tag``), and
    whether it is a plain-text control (``w:text`` in its ``w:sdtPr``)."""
    properties = next((c for c in sdt if c.tag == _SDTPR), None)
    if properties is None:
        return None, None, False
    alias = tag = None
    plain = False
    for child in properties:
        if child.tag == _ALIAS and alias is None:
            alias = child
        elif child.tag == _TAG and tag is None:
            tag = child
        elif child.tag == _TEXT:
            plain = True
    return (
        alias.get(_VAL) if alias is not None else None,
        tag.get(_VAL) if tag is not None else None,
        plain,
    )


def _nothing() -> None:
    return None


class ParsedPart:
    """A story part as the reader parsed it: its name, bytes and run map (with the tree). The
    reader hands the main story's to the annotator on ``Document.parsed``; it pickles as None,
    since a tree belongs to the process that parsed it."""

    __slots__ = ("data", "name", "run_map")

    def __init__(self, name: str, data: bytes, run_map: RunMap) -> None:
        self.name = name
        self.data = data
        self.run_map = run_map

    def __reduce__(self) -> tuple:
        return (_nothing, ())
