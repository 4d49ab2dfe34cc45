"""Example letters written as text: the markup of the rules' ``pass:``/``fail:`` examples, turned
into a real ``Document`` (``document_from_example``) and checked end to end (``check_text``), so
the examples in rules/*.yaml, the tests and ``explain`` all exercise the same engine.

Example format (``pass:``/``fail:``)
====================================

An example is a string. A one-line example is one block (a paragraph unless it uses the line
markup below). An example with several lines (use a YAML block scalar ``|``) is a small letter,
one block per non-empty line:

    # Text             a heading
    - Text             a list item
    | a | b |          a table row: one table_cell block per cell (rows of one table)
    [header] Text      a page header; likewise [footer] and [textbox]
    [control Alias] T  a content control titled "Alias" (its whole text is the control)
    anything else      a paragraph

Inside any line, ``«Name»`` is a MERGEFIELD placeholder named Name (the text «Name» stays in the
block) and ``[[words|comment text]]`` is a Word comment anchored on "words" (the block keeps
"words"). Blocks get their letter parts from ``lettercheck.language.parts.tag_parts`` and are
analysed by
the
real ``lettercheck.language.analysis.analyse``. A rule "fires" on an example when ``check`` returns
at least
one finding with the rule's name; every other rule runs too (suppression rules need them).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from lettercheck.model.document import Block, BlockKind, Comment, Document, Placeholder

if TYPE_CHECKING:
    from lettercheck.engine.config import Config
    from lettercheck.model.findings import Finding

_LINE_KIND = re.compile(r"^\[(header|footer|textbox|control(?: ([^\]]+))?)\]\s?")
_COMMENT = re.compile(r"\[\[([^\]|]+)\|([^\]]+)\]\]")
_MERGEFIELD = re.compile(r"«([^»]+)»")


def document_from_example(example: str, path: str = "eksempel.txt") -> Document:
    """Build a ``Document`` from the example markup described above."""
    from lettercheck.model.document import Control

    blocks: list[Block] = []
    comments: list[Comment] = []
    lines = [example] if "\n" not in example.strip() else example.strip().splitlines()
    for row, line in enumerate(lines):
        line = line.rstrip()
        if not line.strip():
            continue
        kind = BlockKind.PARAGRAPH
        alias = None
        cells = [line]
        if line.startswith("# "):
            kind, cells = BlockKind.HEADING, [line[2:]]
        elif line.startswith("- "):
            kind, cells = BlockKind.LIST_ITEM, [line[2:]]
        elif line.startswith("|"):
            kind = BlockKind.TABLE_CELL
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
        elif match := _LINE_KIND.match(line):
            tag = match.group(1)
            kind = {
                "header": BlockKind.HEADER,
                "footer": BlockKind.FOOTER,
                "textbox": BlockKind.TEXT_BOX,
            }.get(tag, BlockKind.CONTENT_CONTROL)
            alias = match.group(2)
            cells = [line[match.end() :]]
        for column, cell in enumerate(cells):
            index = len(blocks)
            text, anchors = _strip_comments(cell)
            placeholders = tuple(
                Placeholder(m.start(), m.end(), m.group(1), "mergefield")
                for m in _MERGEFIELD.finditer(text)
            )
            controls = ()
            if kind is BlockKind.CONTENT_CONTROL:
                controls = (Control(0, len(text), alias, alias),)
            story = {BlockKind.HEADER: "word/header1.xml", BlockKind.FOOTER: "word/footer1.xml"}
            blocks.append(
                Block(
                    index=index,
                    kind=kind,
                    text=text,
                    story=story.get(kind, "word/document.xml"),
                    paragraph=index,
                    style="Heading 1" if kind is BlockKind.HEADING else None,
                    table=(0, row, column) if kind is BlockKind.TABLE_CELL else None,
                    controls=controls,
                    placeholders=placeholders,
                )
            )
            for start, end, comment_text in anchors:
                comments.append(
                    Comment(str(len(comments)), "eksempel", comment_text, index, start, index, end)
                )
    return Document(path=Path(path), format="txt", blocks=blocks, comments=comments)


def _strip_comments(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Remove ``[[words|comment]]`` markup; return the text and (start, end, comment) anchors."""
    out: list[str] = []
    anchors: list[tuple[int, int, str]] = []
    position = 0
    length = 0
    for match in _COMMENT.finditer(text):
        before = text[position : match.start()]
        out.append(before)
        length += len(before)
        words = match.group(1)
        anchors.append((length, length + len(words), match.group(2).strip()))
        out.append(words)
        length += len(words)
        position = match.end()
    out.append(text[position:])
    return "".join(out), anchors


def check_text(
    example: str, config: Config | None = None, path: str = "eksempel.txt"
) -> list[Finding]:
    """Check an example letter written in the example markup (tests, ``explain``)."""
    # Imported here: the engine re-exports this module, so a top-level import would be circular.
    from lettercheck.engine.run import check
    from lettercheck.language.analysis import analyse
    from lettercheck.language.parts import tag_parts

    document = document_from_example(example, path)
    tag_parts(document)
    return check(analyse(document), config)
