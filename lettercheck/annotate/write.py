"""Write an annotated copy of a Word letter: each finding a comment on exactly its words.

Communication staff fix letters in Word, so the findings go where they can act on them. The copy is
the input package with only these parts changed: the main document (comment anchors and, with
``suggest``, tracked changes), ``word/comments.xml`` (created or appended to) and, when the letter
had no comments part, its relationship and content type. Every other ZIP entry is copied byte for
byte (see ``annotate_zip``), so images, styles, headers, footers, properties and macros survive.

How a finding finds its words: the reader's run map (``Block.segments``) says which ``w:r`` of the
story (numbered by ``ooxml.RunMap``) and which character offset inside ``ooxml.run_text`` each
character came from. The annotator takes the reader's own parse of the main story
(``Document.parsed``: bytes, tree and ``RunMap``; else it parses the same bytes and numbers them
with a ``RunMap`` the same way), resolves every run index to its element *before* changing
anything, splits runs at the span's offsets (cloning ``w:rPr`` so formatting is
kept) and puts ``w:commentRangeStart``/``w:commentRangeEnd`` around the pieces.

What LibreOffice accepts decided some placements (tested in tests/test_annotate_libreoffice.py):

* anchors inside a field result (``w:fldSimple`` or between ``fldChar separate`` and ``end``)
  collapse to an empty range in LibreOffice, which shows a merge field as one unit. A span that
  touches a field result is therefore widened to the whole field; HYPERLINK fields, whose result
  is ordinary text, are the exception. Smart tags and custom XML elements (old Word files) are
  covered whole too: LibreOffice 7.4 drops a comment whose range mark sits inside one.
* the first paragraph of a block-level content control becomes an input field in LibreOffice
  7.4, which loses both a comment inside it and the text; such comments go around the control
  (see ``_make_span`` and ``_reference_beside``).
* comments in headers and footers make LibreOffice refuse the file, so findings located there (and
  in text boxes) become comments on the summary's paragraph, saying where they belong.
* the reference mark run (``w:commentReference``) goes directly in the paragraph, after the
  element that holds the end of the span, so it never becomes part of a hyperlink or a revision.

With ``suggest``, a finding that ``replaces`` its words becomes ``w:del`` (its runs, text turned
into ``w:delText``) plus ``w:ins`` (one run with the first run's formatting and the suggestion), but
only where that is unambiguous: plain text runs in one container (not across a hyperlink or
control edge), outside fields and outside other authors' revisions, not overlapping another
replacement. Otherwise the suggestion stays in the comment. A comment that starts or ends inside
a replacement covers all of it.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import os
import posixpath
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from lettercheck.annotate.zipcopy import copy_zip
from lettercheck.language.lix import display
from lettercheck.model.document import (
    MAIN_TEXT_KINDS,
    Block,
    BlockKind,
    Document,
    LetterError,
    LetterPart,
)
from lettercheck.model.findings import Finding, Readability, Severity
from lettercheck.model.words import PLURAL_DA, SEVERITY_DA
from lettercheck.word.ooxml import (
    W_AUTHOR,
    W_CEND,
    W_COMMENT,
    W_CSTART,
    W_DEL,
    W_FLDSIMPLE,
    W_ID,
    W_INS,
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
    field_marks,
    parse_xml,
    qn,
    run_text,
)
from lettercheck.word.package import Package, open_package

__all__ = [
    "AUTHOR",
    "INITIALS",
    "SEVERITY_WORDS",
    "AnnotationResult",
    "Unanchored",
    "annotate_file",
    "comment_text",
    "is_replaceable",
]

#: Author and initials of every comment and revision lettercheck adds.
AUTHOR = "lettercheck"
INITIALS = "LC"

WORD_FORMATS = frozenset({"docx", "dotx", "docm", "dotm"})

_W = qn("w:r").rsplit("}", 1)[0].lstrip("{")
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
_COMMENTS_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"

# The names the reader uses too are in ooxml; these are the annotator's own.
W_DELTEXT, W_CREF, W_ANNREF = qn("w:delText"), qn("w:commentReference"), qn("w:annotationRef")
W_COMMENTS, W_DATE, W_INITIALS = qn("w:comments"), qn("w:date"), qn("w:initials")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

_REVISION_TAGS = frozenset({W_INS, W_DEL, W_MOVEFROM, W_MOVETO})
_BLOCK_TAGS = frozenset({W_P, W_TBL, W_SDT})
_UNIT_TAGS = frozenset({W_FLDSIMPLE, qn("w:smartTag"), qn("w:customXml")})
_ID_PATTERN = re.compile(rb':id="(\d{1,9})"')
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ALTERNATIVES = re.compile(r"[/()\[\]…]|\beller\b|\n")

_WHERE = {
    BlockKind.HEADER: "I sidehovedet",
    BlockKind.FOOTER: "I sidefoden",
    BlockKind.TEXT_BOX: "I en tekstboks",
}


@dataclass(frozen=True, slots=True)
class Unanchored:
    """A finding that got no comment, and why (Danish, for the user)."""

    finding: Finding
    reason: str


@dataclass(slots=True)
class AnnotationResult:
    """What ``annotate_file`` placed in the copy at ``target``."""

    target: Path
    comments: int = 0  # comments added, the summary comment included
    suggestions: int = 0  # tracked changes (w:del + w:ins pairs) added
    relocated: int = 0  # findings from headers, footers and text boxes put on the first paragraph
    summary: bool = False  # whether the summary comment (LIX, whole-letter findings) was placed
    unanchored: list[Unanchored] = field(default_factory=list)
    #: findings whose comment covers a whole merge field, smart tag or content control (Word and
    #: LibreOffice keep a comment only around such a unit), so possibly more than their words
    widened: list[Finding] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Comment text


def _clean(text: str) -> str:
    """Text safe for an XML text node on one line."""
    return _INVALID_XML.sub("", text).replace("\t", " ").replace("\r", " ").replace("\n", " ")


#: A finding's severity as its comment starts: the words of the text report and ``explain``
#: (``model.words.SEVERITY_DA``), capitalised; ``info`` is "Råd", advice to take or leave.
SEVERITY_WORDS = {s: word.capitalize() for s, word in SEVERITY_DA.items()}
#: Singular and plural for the summary's counts ("3 fejl, 9 advarsler, 12 råd").
_COUNT_WORDS = {s: (SEVERITY_DA[s], PLURAL_DA[s]) for s in SEVERITY_DA}
_SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def _rule_label(finding: Finding) -> str:
    """``LC302 Kancellisprog``: the code and the rule's Danish title, as the text report names
    it; ``lettercheck explain LC302`` tells the rest."""
    return f"{finding.code} {finding.title or finding.rule}"


def comment_text(
    finding: Finding,
    *,
    where: str | None = None,
    words: str | None = None,
    more: Sequence[Finding] = (),
    inside: Sequence[Finding] = (),
) -> list[str]:
    """The paragraphs of a finding's comment: severity and message, the suggestion if any,
    which words it is about (``words``, when the comment covers more), the same rule's further
    occurrences in the paragraph (``more``), the findings inside its words (``inside``: a long
    sentence holds an officialese phrase), and the rule.

    The rule's reason ("Hvorfor") is not here: it stands once per rule in the summary comment,
    so a busy letter's margin is the findings, not the same reason again and again.
    ``where`` (header, footer, text box) goes before the message of a relocated finding."""
    head = f"{SEVERITY_WORDS[finding.severity]}: "
    if where:
        head += f"{where}: "
    lines = [head + finding.message]
    if finding.suggestion:
        lines.append(f"Forslag: {finding.suggestion}")
    if words:
        lines.append(f"Gælder ordene »{words}«.")
    if more:
        lines.append(_more_text(finding, more))
    by_rule: dict[str, list[Finding]] = {}
    for other in inside:
        by_rule.setdefault(other.rule, []).append(other)
    for group in by_rule.values():
        lines.append(f"Her også: {_one_line(group[0], group[1:])}")
    lines.append(f"({_rule_label(finding)})")
    return lines


def _one_line(finding: Finding, more: Sequence[Finding] = ()) -> str:
    """A finding on one line, for a comment that holds it beside its own (severity, message,
    further occurrences, rule): ``Advarsel: »bedes« er kancellisprog; … (LC302 Kancellisprog)``."""
    text = f"{SEVERITY_WORDS[finding.severity]}: {finding.message}"
    if more:
        text += " " + _more_text(finding, more, "her")
    return f"{text} ({_rule_label(finding)})"


#: How many further words a comment names before it only counts the rest.
_NAMED_MORE = 2


def _more_text(finding: Finding, more: Sequence[Finding], where: str = "i dette afsnit") -> str:
    """``Også »Dem«, »Deres« og 3 gange mere i dette afsnit.``: the same rule's further
    occurrences in the paragraph, each still a tracked change of its own with --suggest."""
    own = _clean(finding.text or "").lower()
    named: dict[str, str] = {}  # lower-case words -> as quoted (with their suggestion)
    for other in more:
        word = _clean(other.text or "")
        if word.lower() != own and word.lower() not in named:
            # A phrase list's other words have their own alternative: name it ("såfremt" → "hvis").
            shown = f"»{word}«"
            if other.suggestion and other.suggestion != finding.suggestion:
                shown += f" (»{_clean(other.suggestion)}«)"
            named[word.lower()] = shown
        if len(named) == _NAMED_MORE:
            break
    rest = len(more) - len(named)
    quoted = list(named.values())
    if rest:
        quoted.append(f"{rest} {'gang' if rest == 1 else 'gange'} mere")
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " og " + quoted[-1]
    return f"Også {listed} {where}."


def _where(finding: Finding, kind: BlockKind | None) -> str:
    """Where a relocated finding belongs: ``I sidefoden (»72 10 60 12«)``."""
    where = _WHERE.get(kind, "Et andet sted i brevet") if kind else "Et andet sted i brevet"
    return f"{where} (»{finding.text or ''}«)"


def _format_lix(readability: Readability) -> str:
    """``LIX 42 (middel)``: rounded as the text report shows it, so staff see the same number."""
    return f"LIX {display(readability.lix)} ({readability.band})"


def _lix_stated(readability: Readability, findings: Sequence[Finding]) -> bool:
    """True when a whole-letter finding (lix-too-high) already gives the LIX and its band, so the
    summary need not say them again. Looked for in the message rather than by rule name, so a
    reworded message that leaves either out brings the summary's own LIX back."""
    # The number on its own ("LIX er 41,3"), not inside another ("141,3", "41,35").
    number = re.compile(rf"(?<!\d)(?<!\d,){re.escape(display(readability.lix))}(?!,?\d)")
    band = re.compile(rf"(?<!\w){re.escape(readability.band)}(?!\w)")
    return any(number.search(f.message) and band.search(f.message) for f in findings)


def _counts(findings: Sequence[Finding]) -> str:
    """``24 bemærkninger (3 fejl, 9 advarsler, 12 råd).`` (only the severities there are)."""
    if not findings:
        return "Ingen bemærkninger."
    total = len(findings)
    parts = []
    for severity in _SEVERITY_ORDER:
        n = sum(1 for f in findings if f.severity == severity)
        if n:
            one, many = _COUNT_WORDS[severity]
            parts.append(f"{n} {one if n == 1 else many}")
    noun = "bemærkning" if total == 1 else "bemærkninger"
    return f"{total} {noun} ({', '.join(parts)})."


#: What the summary says about findings below ``--annotate-level``, in words for the caseworker
#: who reads the copy; the option's name is for the person who makes the copies.
LEFT_OUT_HINT = (
    "Vil du også se dem, så bed om en kopi med alle råd (den, der laver kopierne, bruger "
    "--annotate-level raad)."
)


def _in_copy(shown: int, comments: int) -> str:
    """``I kopien står 38 af dem i 29 kommentarer, denne med.``: the findings in the copy are
    grouped, so the number of comments a caseworker counts in the margin is said too."""
    noun = "kommentar" if comments == 1 else "kommentarer"
    return f"I kopien står {shown} af dem i {comments} {noun}, denne med."


def _left_out_text(left_out: Sequence[Finding]) -> str:
    """``5 råd er udeladt i kopien. Vil du også se dem, …``: what the copy leaves out, and how to
    see it."""
    parts = []
    for severity in _SEVERITY_ORDER:
        n = sum(1 for f in left_out if f.severity == severity)
        if n:
            one, many = _COUNT_WORDS[severity]
            parts.append(f"{n} {one if n == 1 else many}")
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " og " + parts[-1]
    return f"{listed} er udeladt i kopien. {LEFT_OUT_HINT}"


def _summary_text(
    readability: Readability | None,
    whole: Sequence[Finding],
    findings: Sequence[Finding],
    moved: Sequence[tuple[Finding, str]],
    shown: Sequence[Finding],
    left_out: Sequence[Finding],
    comments: int | None = None,
) -> list[str]:
    """The summary comment: "Samlet om brevet:" (it is about the letter, not the words it sits
    on), the LIX, how many findings of each severity the letter has; one paragraph per
    whole-letter finding and per finding from a header, footer or text box; what the copy
    leaves out (below --annotate-level); then why, once per rule of the copy's comments."""
    head = ["Samlet om brevet:"]
    if readability is not None and not _lix_stated(readability, whole):
        head.append(_format_lix(readability) + ".")
    head.append(_counts(findings))
    if comments is not None and shown and comments != len(shown):
        head.append(_in_copy(len(shown), comments))
    lines = [" ".join(head)]
    for finding in whole:
        lines.append(" ".join(comment_text(finding)))
    for finding, where in moved:
        lines.append(" ".join(comment_text(finding, where=where)))
    if left_out:
        lines.append(_left_out_text(left_out))
    reasons: dict[str, tuple[Finding, str]] = {}
    for finding in shown:
        if finding.why and finding.rule not in reasons:
            reasons[finding.rule] = (finding, finding.why)
    for finding, why in reasons.values():
        lines.append(f"Hvorfor {finding.title or finding.rule} ({finding.code}): {why}")
    return lines


def is_replaceable(finding: Finding) -> bool:
    """True when ``--suggest`` may turn the finding into a tracked change: its rule offers exact
    replacements and the suggestion is one plain alternative (not "a / b", "a eller b", "(…)")."""
    suggestion = (finding.suggestion or "").strip()
    # "" (not None) is a deletion: a "(slet)" phrase with the space or comma that goes with it
    deletion = finding.suggestion == ""
    return (
        finding.replaces
        and finding.located
        and bool(finding.text)
        and (bool(suggestion) or deletion)
        and _ALTERNATIVES.search(suggestion) is None
    )


def _replacement(finding: Finding) -> str:
    """The suggestion, capitalised like the words it replaces (sentence starts stay capitals)."""
    text = (finding.suggestion or "").strip()
    original = finding.text or ""
    if original[:1].isupper() and text[:1].islower():
        text = text[:1].upper() + text[1:]
    return text


# --------------------------------------------------------------------------------------------
# Ids, package bookkeeping


class _Ids:
    """Hands out decimal ``w:id`` values no part of the letter uses yet, for comments and
    revisions alike (one shared pool keeps Word's and LibreOffice's id tables unambiguous)."""

    def __init__(self, used: set[int]) -> None:
        self.used = used
        self.next = max(used, default=-1) + 1
        if self.next > 2**31 - 100_000:  # never overflow Word's 32-bit ids: reuse gaps instead
            self.next = 0

    def take(self) -> str:
        while self.next in self.used:
            self.next += 1
        value = self.next
        self.used.add(value)
        self.next += 1
        return str(value)


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _exact_name(package: Package, name: str) -> str:
    """The part's name as spelled in the ZIP (part names are case-insensitive in OPC)."""
    return package.zip_info(name).filename


# --------------------------------------------------------------------------------------------
# The main story: runs, fields, splitting


@dataclass(slots=True)
class _Field:
    begin: etree._Element
    end: etree._Element | None = None
    instr: list[str] = field(default_factory=list)

    @property
    def is_hyperlink(self) -> bool:
        words = "".join(self.instr).split()
        return bool(words) and words[0].upper() == "HYPERLINK"


@dataclass(slots=True)
class _Span:
    """Where a finding sits: per run (document order) the character range inside run_text."""

    finding: Finding | None  # None for the summary
    parts: list[tuple[int, int, int]]  # (run index, start, end) in run_text offsets
    text: str  # the covered characters, as the runs show them
    where: str | None = None  # a relocated finding: where in the letter it belongs
    words: str | None = None  # the finding's words, when the comment covers more than them
    lines: list[str] = field(default_factory=list)  # the comment, written once all are placed
    start_field: etree._Element | None = None  # widen the start to this field element
    end_field: etree._Element | None = None
    replacement: str | None = None
    block_control: bool = False  # anchored around a whole block-level content control
    # The comment's range only (not a tracked change) goes around these: inline plain-text
    # content controls holding the span's first or last words (see ``_plain_text_control``).
    anchor_start: etree._Element | None = None
    anchor_end: etree._Element | None = None
    pieces: list[etree._Element] = field(default_factory=list)
    #: False for a finding that gets no comment of its own: a further occurrence of a rule in
    #: the paragraph (named in the first one's comment) or words inside a wider finding (named
    #: in its comment). Its tracked change, if any, is still made.
    comment: bool = True
    more: list[Finding] = field(default_factory=list)  # further occurrences named in the comment
    inside: list[Finding] = field(default_factory=list)  # findings within its words


class _Story:
    """The parsed main document with the reader's run numbering, resolved before any change."""

    def __init__(self, run_map: RunMap, has_fields: bool) -> None:
        self.root = run_map.root
        self.runs: list[etree._Element] = run_map.runs
        self._texts: dict[int, str] = {}
        self._fields: dict[int, tuple[_Field, ...]] | None = None
        self._has_fields = has_fields

    def text(self, index: int) -> str:
        if index not in self._texts:
            self._texts[index] = run_text(self.runs[index])
        return self._texts[index]

    def fields(self, index: int) -> tuple[_Field, ...]:
        """Complex fields open at some point while run ``index`` is read (outermost first)."""
        if not self._has_fields:
            return ()
        if self._fields is None:
            self._fields = self._scan_fields()
        return self._fields.get(index, ())

    def _scan_fields(self) -> dict[int, tuple[_Field, ...]]:
        # Fields nest per text flow; a text box inside a paragraph is a flow of its own.
        stacks: dict[object, list[_Field]] = {}
        result: dict[int, tuple[_Field, ...]] = {}
        for index, run in enumerate(self.runs):
            box = next(run.iterancestors(W_TXBX), None)
            stack = stacks.setdefault(box, [])
            seen = list(stack)
            for kind, mark in field_marks(run):
                if kind == "begin":
                    new = _Field(begin=run)
                    stack.append(new)
                    seen.append(new)
                elif kind == "end" and stack:
                    stack.pop().end = run
                elif kind == "instr" and stack:
                    stack[-1].instr.append(mark.text or "")
            if seen:
                result[index] = tuple(seen)
        return result


def _outer_unit(node: etree._Element) -> etree._Element | None:
    """The outermost element holding ``node`` inside its paragraph that a comment can only
    cover whole: ``w:fldSimple`` (LibreOffice shows a field as one unit), ``w:smartTag`` and
    ``w:customXml`` (LibreOffice 7.4 drops a comment with a range mark inside them)."""
    found = None
    for ancestor in node.iterancestors():
        if ancestor.tag == W_P:
            break
        if ancestor.tag in _UNIT_TAGS:
            found = ancestor
    return found


def _plain_text_control(node: etree._Element) -> etree._Element | None:
    """The outermost inline plain-text content control (``w:sdt`` whose ``w:sdtPr`` has
    ``w:text``) holding ``node`` inside its paragraph, or ``None``. Word templates use these for
    the citizen's name, a date, the caseworker. LibreOffice 7.4 makes one an input field and
    drops a comment range inside it (drop-down, date, combo-box and rich-text controls keep it),
    so the comment's range goes around the control, and --suggest leaves its words alone."""
    found = None
    for ancestor in node.iterancestors():
        if ancestor.tag == W_P:
            break
        if ancestor.tag == W_SDT and control_properties(ancestor)[2]:
            found = ancestor
    return found


def _split_run(run: etree._Element, cuts: list[int]) -> list[tuple[int, int, etree._Element]]:
    """Split ``run`` at the given run_text offsets; return ``(start, end, run)`` pieces in order.

    The first piece is the original element (keeping its attributes); later pieces are new runs
    with a copy of its ``w:rPr``. ``w:t`` is split inside its text; children without text
    (field characters, drawings) stay with the piece they follow.
    """
    rpr = run.find(W_RPR)
    groups: list[list[etree._Element]] = [[]]
    bounds = [0]
    pos = 0
    todo = sorted(set(cuts))
    ci = 0
    for child in [c for c in run if c.tag != W_RPR]:
        length = len(child_text(child)) if isinstance(child.tag, str) else 0
        if length == 0:
            groups[-1].append(child)
            continue
        while ci < len(todo) and todo[ci] <= pos:
            if bounds[-1] != pos:
                groups.append([])
                bounds.append(pos)
            ci += 1
        inner = []
        while ci < len(todo) and todo[ci] < pos + length:
            inner.append(todo[ci] - pos)
            ci += 1
        if inner and child.tag == W_T:
            text = child.text or ""
            edges = [0, *inner, len(text)]
            child.text = text[: edges[1]]
            child.set(XML_SPACE, "preserve")
            groups[-1].append(child)
            for a, b in itertools.pairwise(edges[1:]):
                piece = child.makeelement(W_T, {XML_SPACE: "preserve"})
                piece.text = text[a:b]
                groups.append([piece])
                bounds.append(pos + a)
        else:
            groups[-1].append(child)
        pos += length
    bounds.append(pos)
    pieces = [(bounds[0], bounds[1], run)]
    previous = run
    for number, group in enumerate(groups[1:], start=1):
        new = run.makeelement(W_R, dict(run.attrib))
        if rpr is not None:
            new.append(copy.deepcopy(rpr))
        for child in group:
            new.append(child)  # moves the child out of the original run
        previous.addnext(new)
        previous = new
        pieces.append((bounds[number], bounds[number + 1], new))
    return pieces


# --------------------------------------------------------------------------------------------
# Planning: from findings to spans


def _block_span(
    story: _Story, block: Block, start: int, end: int
) -> tuple[list[tuple[int, int, int]], str] | str:
    """The run parts holding ``block.text[start:end]``, or a reason (Danish) why there are none."""
    parts: list[tuple[int, int, int]] = []
    covered = []
    for seg in block.segments:
        if seg.end <= start or seg.start >= end:
            continue
        lo, hi = max(start, seg.start), min(end, seg.end)
        if not 0 <= seg.run < len(story.runs):
            return "Ordene kunne ikke findes i Word-filen (ukendt tekstafsnit)."
        a = seg.offset + lo - seg.start
        b = a + hi - lo
        if story.text(seg.run)[a:b] != block.text[lo:hi]:
            return "Ordene i Word-filen passer ikke med den læste tekst."
        if parts and parts[-1][0] == seg.run and parts[-1][2] == a:
            parts[-1] = (seg.run, parts[-1][1], b)
        else:
            parts.append((seg.run, a, b))
        covered.append(block.text[lo:hi])
    if not parts:
        return "Ordene kunne ikke findes i Word-filen."
    return parts, "".join(covered)


def _make_span(
    story: _Story,
    block: Block,
    start: int,
    end: int,
    finding: Finding | None,
    *,
    own: bool,
) -> _Span | str:
    located = _block_span(story, block, start, end)
    if isinstance(located, str):
        return located
    parts, text = located
    span = _Span(finding=finding, parts=parts, text=text)
    span.start_field = _field_boundary(story, parts[0][0], first=True)
    span.end_field = _field_boundary(story, parts[-1][0], first=False)
    first_node = span.start_field if span.start_field is not None else story.runs[parts[0][0]]
    last_node = span.end_field if span.end_field is not None else story.runs[parts[-1][0]]
    span.anchor_start = _plain_text_control(first_node)
    span.anchor_end = _plain_text_control(last_node)
    widened = [c for c in (span.anchor_start, span.anchor_end) if c is not None]
    if widened and own and finding is not None and finding.text:
        # The comment covers the whole control; say which of its words it is about, unless
        # they are all of them ("Anne Hansen" in the control »Borgers navn«).
        shown = "".join(_control_text(control) for control in dict.fromkeys(widened))
        if _clean(finding.text) not in (shown, _clean(shown)):
            span.words = _clean(finding.text)
    paragraph = next(story.runs[parts[0][0]].iterancestors(W_P), None)
    control = _block_control(paragraph) if paragraph is not None else None
    if control is not None:
        # LibreOffice 7.4 turns the first paragraph of a block-level content control into an
        # input field and drops any comment mark inside it together with the text, so the
        # comment goes around the whole control and names the words it is about.
        span.start_field = span.end_field = control
        span.anchor_start = span.anchor_end = None
        span.block_control = True
        if own and finding is not None and finding.text:
            span.words = _clean(finding.text)
    return span


def _control_text(control: etree._Element) -> str:
    """The text a content control shows (its runs, as the reader reads them)."""
    return "".join(run_text(r) for r in control.iter(W_R))


def _block_control(paragraph: etree._Element) -> etree._Element | None:
    """The outermost block-level content control (w:sdt) whose first paragraph is
    ``paragraph``, or ``None``."""
    found = None
    node = paragraph
    while True:
        parent = node.getparent()
        if parent is None or parent.tag != W_SDTCONTENT:
            return found
        first = next((c for c in parent if c.tag in _BLOCK_TAGS), None)
        if first is not node:
            return found
        found = parent.getparent()
        if found is None:
            return None
        node = found


def _field_boundary(story: _Story, index: int, *, first: bool) -> etree._Element | None:
    """The element a span must start before (``first``) or end after, when its first/last run
    lies in a field result that LibreOffice shows as one unit, or in a smart tag or custom XML
    element (see ``_outer_unit``); ``None`` for ordinary text."""
    node = None
    for fld in story.fields(index):
        if not fld.is_hyperlink and fld.end is not None:
            node = fld.begin if first else fld.end
            break  # outermost non-hyperlink field
    simple = _outer_unit(node if node is not None else story.runs[index])
    if simple is not None:
        node = simple
    return node


# --------------------------------------------------------------------------------------------
# Applying: split, wrap revisions, place anchors


class _Editor:
    def __init__(self, story: _Story, ids: _Ids, date: str) -> None:
        self.story = story
        self.ids = ids
        self.date = date
        self.pieces: dict[int, list[tuple[int, int, etree._Element]]] = {}
        # A comment that starts or ends inside a replacement covers all of it: its deletions
        # (first one) through its insertion.
        self.del_to_ins: dict[etree._Element, etree._Element] = {}
        self.del_to_first: dict[etree._Element, etree._Element] = {}

    def split(self, spans: Sequence[_Span]) -> None:
        cuts: dict[int, set[int]] = {}
        for span in spans:
            index, a, _ = span.parts[0]
            if span.start_field is None and a > 0:
                cuts.setdefault(index, set()).add(a)
            index, _, b = span.parts[-1]
            if span.end_field is None and b < len(self.story.text(index)):
                cuts.setdefault(index, set()).add(b)
        for index, offsets in cuts.items():
            self.pieces[index] = _split_run(self.story.runs[index], sorted(offsets))
        for span in spans:
            span.pieces = self._span_pieces(span)

    def _run_pieces(self, index: int) -> list[tuple[int, int, etree._Element]]:
        if index not in self.pieces:
            run = self.story.runs[index]
            self.pieces[index] = [(0, len(self.story.text(index)), run)]
        return self.pieces[index]

    def _span_pieces(self, span: _Span) -> list[etree._Element]:
        result = []
        for index, a, b in span.parts:
            for start, end, element in self._run_pieces(index):
                if start < b and end > a:
                    result.append(element)
        return result

    # -- tracked changes ---------------------------------------------------------------------
    def suggest(self, span: _Span, taken: set[int]) -> bool:
        """Turn the span's pieces into w:del + w:ins; False (nothing changed) when unsafe."""
        if span.replacement is None or span.start_field is not None or span.end_field is not None:
            return False
        pieces = span.pieces
        if not pieces or any(id(p) in taken for p in pieces):
            return False
        # One container only: a replacement reaching into or out of a hyperlink or a content
        # control would put the inserted words on one side of its edge, arbitrarily.
        if any(p.getparent() is not pieces[0].getparent() for p in pieces):
            return False
        if any(self.story.fields(index) for index, _, _ in span.parts):
            return False
        text = []
        for piece in pieces:
            if any(c.tag != W_T for c in piece if c.tag != W_RPR):
                return False
            if _outer_unit(piece) is not None or _plain_text_control(piece) is not None:
                # LibreOffice shows a plain-text control as an input field holding the deleted
                # and the inserted words run together ("fremsendersender"): advice only.
                return False
            if any(a.tag in _REVISION_TAGS for a in piece.iterancestors()):
                return False
            text.append(run_text(piece))
        if "".join(text) != (span.finding.text if span.finding else None):
            return False
        for piece in pieces:
            taken.add(id(piece))
        groups: list[list[etree._Element]] = []
        for piece in pieces:
            if groups and groups[-1][-1].getnext() is piece:
                groups[-1].append(piece)
            else:
                groups.append([piece])
        revision = {W_AUTHOR: AUTHOR, W_DATE: self.date}
        dels = []
        for group in groups:
            wrapper = group[0].makeelement(W_DEL, {W_ID: self.ids.take(), **revision})
            group[0].addprevious(wrapper)
            for piece in group:
                wrapper.append(piece)
                for child in piece:
                    if child.tag == W_T:
                        child.tag = W_DELTEXT
            dels.append(wrapper)
        for wrapper in dels:
            self.del_to_first[wrapper] = dels[0]
        if not span.replacement:
            # A deletion only: a comment that starts or ends inside it covers the deletions.
            for wrapper in dels:
                self.del_to_ins[wrapper] = dels[-1]
            return True
        ins = dels[-1].makeelement(W_INS, {W_ID: self.ids.take(), **revision})
        run = ins.makeelement(W_R, {})
        rpr = pieces[0].find(W_RPR)
        if rpr is not None:
            run.append(copy.deepcopy(rpr))
        t = run.makeelement(W_T, {XML_SPACE: "preserve"})
        t.text = _clean(span.replacement)
        run.append(t)
        ins.append(run)
        dels[-1].addnext(ins)
        for wrapper in dels:
            self.del_to_ins[wrapper] = ins
            self.del_to_first[wrapper] = dels[0]
        return True

    # -- comment anchors ---------------------------------------------------------------------
    def _before(self, node: etree._Element) -> etree._Element:
        parent = node.getparent()
        return self.del_to_first.get(parent, node)

    def _after(self, node: etree._Element) -> etree._Element:
        parent = node.getparent()
        return self.del_to_ins.get(parent, node)

    def anchor(self, span: _Span, comment_id: str) -> etree._Element:
        """Put the comment's range marks and reference run around the span; returns the range
        start (its place in the document orders the comments as Word lists them)."""
        first = span.start_field if span.start_field is not None else self._before(span.pieces[0])
        last = span.end_field if span.end_field is not None else self._after(span.pieces[-1])
        if span.end_field is None and last.tag == W_DEL:
            # A deletion only: a comment on the deleted words alone hangs on nothing once they
            # are gone, so it reaches over the neighbouring run (review item 49).
            neighbour = last.getnext()
            while neighbour is not None and neighbour.tag != W_R:
                neighbour = None if neighbour.tag in _REVISION_TAGS else neighbour.getnext()
            if neighbour is not None and run_text(neighbour).strip():
                last = neighbour
        if span.anchor_start is not None:
            first = span.anchor_start
        if span.anchor_end is not None:
            last = span.anchor_end
        start = first.makeelement(W_CSTART, {W_ID: comment_id})
        first.addprevious(start)
        end = last.makeelement(W_CEND, {W_ID: comment_id})
        last.addnext(end)
        ref = end.makeelement(W_R, {})
        ref.append(ref.makeelement(W_CREF, {W_ID: comment_id}))
        if span.block_control:
            _reference_beside(last, end, ref)
            return start
        holder = end
        for ancestor in end.iterancestors():
            if ancestor.tag == W_P:
                break
            holder = ancestor
        holder.addnext(ref)
        return start


def _reference_beside(control: etree._Element, end: etree._Element, ref: etree._Element) -> None:
    """Put the reference run of a comment around a whole block-level content control where
    LibreOffice keeps the range: after the range end (a mark before it collapses the range to
    a point). When the control has more than one paragraph, the range end and the mark go at the
    end of its last paragraph (only the first becomes an input field); else the mark starts the
    paragraph right after the control, and only when there is none, a new paragraph holding
    just the mark."""
    paragraphs = list(control.iter(W_P))
    if len(paragraphs) > 1 and _block_control(paragraphs[-1]) is None:
        last = paragraphs[-1]
        if next(last.iterancestors(W_TXBX), None) is None:
            last.append(end)  # moves the range end into the paragraph, before the mark
            last.append(ref)
            return
    node = end.getnext()
    while node is not None and node.tag not in _BLOCK_TAGS and node.tag != qn("w:sectPr"):
        node = node.getnext()
    if node is not None and node.tag == W_P and _block_control(node) is None:
        has_ppr = len(node) > 0 and node[0].tag == W_PPR
        node.insert(1 if has_ppr else 0, ref)
        return
    paragraph = end.makeelement(W_P, {})
    paragraph.append(ref)
    end.addnext(paragraph)


def _comment_element(
    parent: etree._Element, comment_id: str, lines: Iterable[str], date: str
) -> etree._Element:
    comment = etree.SubElement(
        parent,
        W_COMMENT,
        {W_ID: comment_id, W_AUTHOR: AUTHOR, W_DATE: date, W_INITIALS: INITIALS},
    )
    for number, line in enumerate(lines):
        p = etree.SubElement(comment, W_P)
        if number == 0:
            etree.SubElement(etree.SubElement(p, W_R), W_ANNREF)
        r = etree.SubElement(p, W_R)
        t = etree.SubElement(r, W_T, {XML_SPACE: "preserve"})
        t.text = _clean(line)
    return comment


# --------------------------------------------------------------------------------------------
# The entry point


def _check_paths(source: Path, target: Path) -> tuple[Path, Path]:
    source_resolved = source.resolve()
    target_resolved = target.resolve()
    same = source_resolved == target_resolved
    if not same and target_resolved.exists():
        with contextlib.suppress(OSError):
            same = os.path.samefile(source_resolved, target_resolved)
    if same:
        raise LetterError(
            "Den kommenterede kopi ville overskrive selve brevet. "
            "Vælg en anden mappe til --annotate."
        )
    return source_resolved, target_resolved


def annotate_file(
    source: Path,
    target: Path,
    document: Document,
    findings: Sequence[Finding],
    readability: Readability | None,
    *,
    suggest: bool = False,
    date: datetime | None = None,
    level: Severity = Severity.INFO,
    gather: bool = True,
) -> AnnotationResult:
    """Write a copy of the Word letter ``source`` to ``target`` with a comment per finding.

    ``document`` must be what ``reader.read_document`` made of ``source`` (its run map points into
    those bytes). Located findings are anchored on their exact words; findings about the whole
    letter, ``readability`` and the counts of ``findings`` go into one summary comment on the
    first paragraph with text outside content controls (see ``_first_paragraph``); findings in
    headers, footers and text boxes become comments there too, naming where they belong. Each
    comment names severity and rule; a rule's reason is written out on its first comment only.
    With ``suggest``, findings whose rule says ``replaces: true`` become tracked changes.
    Findings below ``level`` (``--annotate-level``) get no comment and no tracked change; the
    summary counts them and says how to see them. A rule's further findings in one paragraph
    are listed in its first comment there, and findings inside a wider finding's words (a long
    sentence) in that one's comment; each keeps its tracked change (``gather=False``: one
    comment per finding, for tests of where comments go).
    ``date`` stamps comments and revisions (default: now, UTC). The copy is written to a
    temporary file beside ``target`` and renamed into place; ``source`` is never written.
    Raises ``LetterError`` when the source is not a Word file or the target is the source.
    """
    source, target = _check_paths(Path(source), Path(target))
    if document.format not in WORD_FORMATS:
        raise LetterError(
            "Kun Word-filer (.docx, .dotx, .docm, .dotm) kan få en kopi med kommentarer."
        )
    stamp = (date or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    result = AnnotationResult(target=target)

    with open_package(source) as package:
        main = package.main_document
        # The reader's parse of the main story, when it is this package's: taken, since the
        # tree is changed below (a second copy from the same Document parses again).
        parsed = document.parsed
        document.parsed = None
        if not isinstance(parsed, ParsedPart) or parsed.name != main:
            parsed = None
        replace, add = _annotate_package(
            package,
            main,
            document,
            findings,
            readability,
            suggest,
            stamp,
            result,
            level,
            gather,
            parsed,
        )
    _write_atomically(source, target, replace, add)
    return result


def _annotate_package(
    package: Package,
    main: str,
    document: Document,
    findings: Sequence[Finding],
    readability: Readability | None,
    suggest: bool,
    stamp: str,
    result: AnnotationResult,
    level: Severity = Severity.INFO,
    gather: bool = True,
    parsed: ParsedPart | None = None,
) -> tuple[dict[str, bytes], list[tuple[str, bytes]]]:
    if parsed is not None:
        main_bytes, run_map = parsed.data, parsed.run_map
    else:
        main_bytes = package.read(main)
        run_map = RunMap(parse_xml(main_bytes, main))
    story = _Story(run_map, has_fields=b"fldChar" in main_bytes)
    blocks = {block.index: block for block in document.blocks}

    # Which parts may hold ids: every story part the document refers to, and the comments.
    id_parts = [main]
    comments_part = next(iter(package.related(main, "comments")), None)
    for kind in ("comments", "header", "footer", "footnotes", "endnotes"):
        id_parts += package.related(main, kind)
    used: set[int] = set()
    for name in dict.fromkeys(id_parts):
        if package.has_part(name):
            data = main_bytes if name == main else package.read(name)
            used.update(int(m) for m in _ID_PATTERN.findall(data))
    ids = _Ids(used)

    spans: list[_Span] = []
    whole: list[Finding] = []
    moved: list[tuple[Finding, str]] = []
    shown = [f for f in findings if f.severity.rank >= level.rank]
    left_out = [f for f in findings if f.severity.rank < level.rank]
    for finding in shown:
        if not finding.located:
            whole.append(finding)
            continue
        block = blocks.get(finding.block)  # type: ignore[arg-type]
        if block is None:
            result.unanchored.append(Unanchored(finding, "Afsnittet findes ikke i brevet."))
            continue
        if block.story != main or block.kind not in MAIN_TEXT_KINDS:
            moved.append((finding, _where(finding, block.kind)))
            continue
        start, end = finding.start, finding.end
        assert start is not None and end is not None
        if not 0 <= start < end <= len(block.text):
            result.unanchored.append(
                Unanchored(finding, "Stedet i teksten er tomt eller ugyldigt.")
            )
            continue
        span = _make_span(story, block, start, end, finding, own=True)
        if isinstance(span, str):
            result.unanchored.append(Unanchored(finding, span))
            continue
        if suggest and is_replaceable(finding):
            span.replacement = _replacement(finding)
        if any(e is not None for e in (span.start_field, span.end_field, span.anchor_start)) or (
            span.anchor_end is not None
        ):
            result.widened.append(finding)
        spans.append(span)
    if gather:
        _gather(spans)

    # The summary goes on the subject line (else the first line of the body); the findings of
    # headers, footers and text boxes are lines in it.
    if readability is not None or whole or moved or left_out or any(f.why for f in shown):
        home = _home_paragraph(story, document, main)
        if home is None:
            reason = "Brevet har intet afsnit med tekst at sætte kommentaren på."
            for item in [*whole, *(f for f, _ in moved)]:
                result.unanchored.append(Unanchored(item, reason))
        else:
            block, start, end = home
            span = _make_span(story, block, start, end, None, own=False)
            assert not isinstance(span, str)  # _home_paragraph only returns spans that resolve
            spans.append(span)
            result.summary = True
            result.relocated = len(moved)

    spans = [s for s in spans if s.comment or s.replacement is not None]
    if not spans:
        return {}, []

    editor = _Editor(story, ids, stamp)
    editor.split(spans)
    if suggest:
        taken: set[int] = set()
        for span in spans:
            if span.replacement is not None and editor.suggest(span, taken):
                result.suggestions += 1

    commented = [s for s in spans if s.comment]
    comment_ids = [ids.take() for _ in commented]
    for span, comment_id in zip(commented, comment_ids, strict=True):
        editor.anchor(span, comment_id)
        if span.finding is None:
            span.lines = _summary_text(
                readability, whole, findings, moved, shown, left_out, comments=len(commented)
            )
        else:
            span.lines = comment_text(
                span.finding, words=span.words, more=span.more, inside=span.inside
            )
    comments_root, comments_name, is_new = _comments_root(package, comments_part)
    for span, comment_id in zip(commented, comment_ids, strict=True):
        _comment_element(comments_root, comment_id, span.lines, stamp)
        result.comments += 1

    replace = {_exact_name(package, main): _serialize(story.root)}
    add: list[tuple[str, bytes]] = []
    if is_new:
        add.append((comments_name, _serialize(comments_root)))
        _register_comments(package, main, comments_name, replace, add)
    else:
        replace[_exact_name(package, comments_name)] = _serialize(comments_root)
    return replace, add


def _gather(spans: Sequence[_Span]) -> None:
    """One comment per place and rule, so a person can work through the margin: a finding
    inside a wider one's words (an officialese phrase in a long sentence) is a line of the wider
    one's comment, and a rule's further findings in a paragraph are named in its first comment
    there ("Også »Dem«, »Deres« og 3 gange mere i dette afsnit"). Those keep their tracked
    changes but get no comment of their own."""
    by_block: dict[int, list[_Span]] = {}
    for span in spans:
        assert span.finding is not None
        by_block.setdefault(span.finding.block, []).append(span)  # type: ignore[arg-type]
    for block_spans in by_block.values():
        block_spans.sort(key=lambda s: (s.finding.start, -s.finding.end))  # type: ignore[union-attr]
        for span in block_spans:
            f = span.finding
            assert f is not None and f.start is not None and f.end is not None
            wider = [
                o
                for o in block_spans
                if o is not span
                and o.finding.start <= f.start  # type: ignore[union-attr,operator]
                and f.end <= o.finding.end  # type: ignore[union-attr,operator]
                and (o.finding.end - o.finding.start) > (f.end - f.start)  # type: ignore[union-attr,operator]
            ]
            # Only a finding at least as severe holds it: an error keeps a comment of its own.
            wider = [o for o in wider if o.finding.severity.rank >= f.severity.rank]  # type: ignore[union-attr]
            if wider:
                # the widest holds it (a long sentence rather than a passive inside it)
                outer = max(wider, key=lambda o: o.finding.end - o.finding.start)  # type: ignore[union-attr,operator]
                outer.inside.append(f)
                span.comment = False
        first: dict[str, _Span] = {}
        for span in block_spans:
            if not span.comment:
                continue
            rule = span.finding.rule  # type: ignore[union-attr]
            if rule in first:
                first[rule].more.append(span.finding)  # type: ignore[arg-type]
                span.comment = False
            else:
                first[rule] = span


def _home_paragraph(story: _Story, document: Document, main: str) -> tuple[Block, int, int] | None:
    """The paragraph the summary comment goes on: the subject line, else the first line of the
    body, where the reader starts reading the letter; never the address block or the citizen's
    name, which a caseworker replaces (and which a window envelope shows). A paragraph the
    summary's mark cannot sit in (see ``_first_paragraph``) is passed over; without a subject
    or body the first paragraph with text outside content controls is used."""
    for part in (LetterPart.SUBJECT, LetterPart.BODY):
        for block in document.blocks:
            if (
                block.part != part
                or block.story != main
                or block.kind not in MAIN_TEXT_KINDS
                or not block.text.strip()
            ):
                continue
            start = len(block.text) - len(block.text.lstrip())
            end = len(block.text.rstrip())
            located = _block_span(story, block, start, end)
            if isinstance(located, str):
                continue
            paragraph = next(story.runs[located[0][0][0]].iterancestors(W_P), None)
            if paragraph is not None and next(paragraph.iterancestors(W_SDT), None) is None:
                return block, start, end
    return _first_paragraph(story, document, main)


def _first_paragraph(story: _Story, document: Document, main: str) -> tuple[Block, int, int] | None:
    """The paragraph the summary and relocated findings go on: the letter's first main-text
    paragraph with text outside block-level content controls, else the first one with text.

    A comment on the first paragraph of a block-level control has its reference mark after the
    control (LibreOffice drops marks inside it, see ``_reference_beside``); when the next block
    is another control (a template's name and address controls) that mark needed a new
    paragraph, which moved the address in a window envelope and stayed after the comments were
    deleted. A control's text is also what a caseworker replaces, comment and all."""
    fallback = None
    for block in document.blocks:
        if block.story != main or block.kind not in MAIN_TEXT_KINDS or not block.text.strip():
            continue
        start = len(block.text) - len(block.text.lstrip())
        end = len(block.text.rstrip())
        located = _block_span(story, block, start, end)
        if isinstance(located, str):
            continue
        paragraph = next(story.runs[located[0][0][0]].iterancestors(W_P), None)
        if paragraph is not None and next(paragraph.iterancestors(W_SDT), None) is None:
            return block, start, end
        if fallback is None:
            fallback = block, start, end
    return fallback


def _comments_root(package: Package, existing: str | None) -> tuple[etree._Element, str, bool]:
    """The comments part to append to: the letter's own, or a new one with an unused name."""
    if existing and package.has_part(existing):
        return package.read_xml(existing), existing, False
    root = etree.Element(W_COMMENTS, nsmap={"w": _W, "r": _R_NS})
    name = "word/comments.xml"
    number = 1
    while package.has_part(name):
        number += 1
        name = f"word/comments{number}.xml"
    return root, name, True


def _register_comments(
    package: Package,
    main: str,
    comments_name: str,
    replace: dict[str, bytes],
    add: list[tuple[str, bytes]],
) -> None:
    """Add the new comments part's relationship from the main document and its content type."""
    rels_name = _rels_name(main)
    if package.has_part(rels_name):
        rels = package.read_xml(rels_name)
    else:
        rels = etree.Element(f"{{{_REL_NS}}}Relationships", nsmap={None: _REL_NS})
    taken = {rel.get("Id") for rel in rels}
    rid = "rIdLettercheckComments"
    number = 1
    while rid in taken:
        number += 1
        rid = f"rIdLettercheckComments{number}"
    target = posixpath.relpath(comments_name, posixpath.dirname(main) or ".")
    etree.SubElement(
        rels, f"{{{_REL_NS}}}Relationship", {"Id": rid, "Type": _COMMENTS_REL, "Target": target}
    )
    if package.has_part(rels_name):
        replace[_exact_name(package, rels_name)] = _serialize(rels)
    else:
        add.append((rels_name, _serialize(rels)))

    if package.content_type(comments_name) != _COMMENTS_CT:
        types_name = _exact_name(package, "[Content_Types].xml")
        types = package.read_xml(types_name)
        etree.SubElement(
            types,
            f"{{{_CT_NS}}}Override",
            {"PartName": "/" + comments_name, "ContentType": _COMMENTS_CT},
        )
        replace[types_name] = _serialize(types)


def _file_mode() -> int:
    """The mode a new file gets (0666 minus the umask). Read once, at import, because reading
    the umask means setting it, which must not race with other threads creating files."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


_NEW_FILE_MODE = _file_mode()


def _write_atomically(
    source: Path, target: Path, replace: dict[str, bytes], add: list[tuple[str, bytes]]
) -> None:
    """Write the copy to a temporary file in the target's folder, then rename it into place, so
    an interrupted run never leaves a half-written letter (and never touches ``source``)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".lettercheck-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out, open(source, "rb") as src:
            copy_zip(src, out, replace, add)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp_name, _NEW_FILE_MODE)  # mkstemp makes 0600; give the usual mode
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
