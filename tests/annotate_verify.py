"""Read an annotated copy back: every comment with the text it is anchored on.

Used by the tests (and usable on any corpus run) to check what Word will show: for each comment,
the text between its ``w:commentRangeStart`` and ``w:commentRangeEnd`` in document order, split
into what is shown (``text``, tracked insertions included), what is shown struck through
(``deleted``) and what lettercheck inserted (``inserted``). Reads with lxml, so it works for .dotx
too, which python-docx refuses.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lettercheck.word.ooxml import child_text, parse_xml, qn

__all__ = ["Anchor", "comment_anchors", "paragraphs_added"]

_W_T, _W_DELTEXT, _W_R = qn("w:t"), qn("w:delText"), qn("w:r")
_W_INS, _W_DEL, _W_ID, _W_AUTHOR = qn("w:ins"), qn("w:del"), qn("w:id"), qn("w:author")
_W_CSTART, _W_CEND, _W_CREF = (
    qn("w:commentRangeStart"),
    qn("w:commentRangeEnd"),
    qn("w:commentReference"),
)
_W_COMMENT, _W_P, _W_INITIALS = qn("w:comment"), qn("w:p"), qn("w:initials")
_W_TXBX = qn("w:txbxContent")
_W_FLDCHAR, _W_FLDCHARTYPE = qn("w:fldChar"), qn("w:fldCharType")
_MC_FALLBACK = qn("mc:Fallback")
_W_SDT, _W_TC, _W_SECTPR = qn("w:sdt"), qn("w:tc"), qn("w:sectPr")
_BLOCKS = frozenset({_W_P, qn("w:tbl"), _W_SDT})
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
#: Author of lettercheck's comments and revisions (kept equal to ``annotate.AUTHOR``; not
#: imported from there so this reader stays independent of the writer it checks).
AUTHOR = "lettercheck"


@dataclass(slots=True)
class Anchor:
    """One comment of a Word file and where it sits."""

    id: str
    author: str
    initials: str
    paragraphs: list[str]  # the comment's own text, one entry per paragraph
    text: str = ""  # anchored text as shown with all changes accepted
    deleted: str = ""  # anchored text inside w:del (shown struck through)
    inserted: str = ""  # anchored text inside w:ins
    original: str = ""  # anchored text as it was before lettercheck's own revisions
    started: bool = False
    ended: bool = False
    referenced: bool = False
    story: str = ""
    position: int = -1  # how many comment ranges start before this one (Word lists them so)


@dataclass(slots=True)
class _Walk:
    anchors: dict[str, Anchor]
    open: set[str] = field(default_factory=set)
    box: dict[str, object] = field(default_factory=dict)  # comment id -> its text box, if any


def _main_and_comments(zf: zipfile.ZipFile) -> tuple[str, str | None]:
    rels = parse_xml(zf.read("_rels/.rels"), "_rels/.rels")
    main = next(
        rel.get("Target", "").lstrip("/")
        for rel in rels
        if rel.get("Type", "").endswith("/officeDocument")
    )
    folder, base = main.rsplit("/", 1) if "/" in main else ("", main)
    rels_name = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
    comments = None
    if rels_name in zf.namelist():
        for rel in parse_xml(zf.read(rels_name), rels_name):
            if rel.get("Type", "").endswith("/comments"):
                target = rel.get("Target", "")
                comments = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}"
    return main, comments


def comment_anchors(path: str | Path) -> dict[str, Anchor]:
    """All comments of the Word file at ``path`` by id, with their anchored text."""
    with zipfile.ZipFile(path) as zf:
        main, comments_name = _main_and_comments(zf)
        anchors: dict[str, Anchor] = {}
        if comments_name and comments_name in zf.namelist():
            for el in parse_xml(zf.read(comments_name), comments_name).iter(_W_COMMENT):
                cid = el.get(_W_ID) or ""
                paragraphs = [
                    "".join(child_text(c) for r in p.iter(_W_R) for c in r) for p in el.iter(_W_P)
                ]
                anchors[cid] = Anchor(
                    cid, el.get(_W_AUTHOR) or "", el.get(_W_INITIALS) or "", paragraphs
                )
        root = parse_xml(zf.read(main), main)
    walk = _Walk(anchors)
    fields: list[bool] = []  # open complex fields: True once past "separate" (showing result)
    starts = 0
    for el in root.iter():
        tag = el.tag
        if tag == _W_FLDCHAR and next(el.iterancestors(_MC_FALLBACK), None) is None:
            kind = el.get(_W_FLDCHARTYPE)
            if kind == "begin":
                fields.append(False)
            elif kind == "separate" and fields:
                fields[-1] = True
            elif kind == "end" and fields:
                fields.pop()
        elif tag == _W_CSTART:
            anchor = anchors.setdefault(
                el.get(_W_ID) or "", Anchor(el.get(_W_ID) or "", "", "", [])
            )
            anchor.started = True
            anchor.story = main
            anchor.position = starts
            starts += 1
            walk.open.add(anchor.id)
            walk.box[anchor.id] = next(el.iterancestors(_W_TXBX), None)
        elif tag == _W_CEND:
            cid = el.get(_W_ID) or ""
            walk.open.discard(cid)
            if cid in anchors:
                anchors[cid].ended = True
        elif tag == _W_CREF:
            cid = el.get(_W_ID) or ""
            if cid in anchors:
                anchors[cid].referenced = True
        elif walk.open and isinstance(tag, str) and el.getparent() is not None:
            if el.getparent().tag != _W_R or not all(fields):
                continue  # not run content, or inside a field's code (Word shows the result)
            # A text box inside the range is a story of its own (and mc:Fallback repeats
            # mc:Choice): its text is not part of the anchored text, as in Word.
            if next(el.iterancestors(_MC_FALLBACK), None) is not None:
                continue
            box = next(el.iterancestors(_W_TXBX), None)
            targets = [cid for cid in walk.open if walk.box.get(cid) is box]
            revision = next(el.iterancestors(_W_INS, _W_DEL), None)
            ours = revision is not None and revision.get(_W_AUTHOR) == AUTHOR
            if tag == _W_DELTEXT:
                for cid in targets:
                    anchors[cid].deleted += el.text or ""
                    if ours:
                        anchors[cid].original += el.text or ""
                continue
            text = child_text(el)
            if not text:
                continue
            inserted = revision is not None and revision.tag == _W_INS
            for cid in targets:
                anchors[cid].text += text
                if inserted:
                    anchors[cid].inserted += text
                if not (inserted and ours):
                    anchors[cid].original += text
    return anchors


def _main_root(path: Path) -> object:
    with zipfile.ZipFile(path) as zf:
        main, _comments = _main_and_comments(zf)
        return parse_xml(zf.read(main), main)


def paragraphs_added(source: str | Path, copy: str | Path) -> list[str]:
    """What is wrong with the paragraphs the annotated ``copy`` has and ``source`` has not.

    An added paragraph moves the text after it (an address in a window envelope) and stays
    after the comments are deleted, so lettercheck adds one only where a comment mark after a
    block-level content control has nowhere else to go: the control ends a table cell or the
    letter (README, "What you see in Word"). Such a paragraph holds nothing but lettercheck's
    comment reference runs. Returns one line per paragraph added anywhere else; ``[]`` is good.
    """
    before = sum(1 for _ in _main_root(Path(source)).iter(_W_P))
    root = _main_root(Path(copy))
    after = sum(1 for _ in root.iter(_W_P))
    problems = []
    added = [
        p
        for p in root.iter(_W_P)
        if len(p)
        and all(
            r.tag == _W_R and len(r) == 1 and r[0].tag == _W_CREF
            for r in p  # type: ignore[attr-defined]
        )
    ]
    if after - before != len(added):
        problems.append(f"{after - before} paragraphs added, {len(added)} of them comment marks")
    for paragraph in added:
        control = paragraph.getprevious()
        while control is not None and control.tag == _W_CEND:
            control = control.getprevious()
        following = paragraph.getnext()
        while following is not None and following.tag not in _BLOCKS | {_W_SECTPR}:
            following = following.getnext()
        parent = paragraph.getparent().tag
        ends_cell = parent == _W_TC and following is None
        ends_letter = following is None or following.tag == _W_SECTPR
        if control is None or control.tag != _W_SDT or not (ends_cell or ends_letter):
            after_what = "nothing" if control is None else control.tag.rsplit("}", 1)[-1]
            before_what = "nothing" if following is None else following.tag.rsplit("}", 1)[-1]
            problems.append(f"a paragraph for a mark between {after_what} and {before_what}")
    return problems
