"""The document model: what the reader hands to analysis, rules, reporters and the annotator.

The model names things after what a user sees in Word (paragraph, run, comment) and holds no
lxml or python-docx objects, so rules can never reach into the XML. Everything the annotator needs
to find its way back to the XML is kept as plain numbers: the story (OPC part name) and, for every
character of a block's text, which run of that story it came from (``RunSegment``).
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class BlockKind(StrEnum):
    """Where a block of text sits in the letter, as Word shows it."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE_CELL = "table_cell"
    CONTENT_CONTROL = "content_control"
    TEXT_BOX = "text_box"
    HEADER = "header"
    FOOTER = "footer"


#: Kinds whose text counts toward LIX (the letter's main text). Headers, footers and text boxes are
#: left out: they hold addresses and logos, not the message.
MAIN_TEXT_KINDS = frozenset(
    {
        BlockKind.HEADING,
        BlockKind.PARAGRAPH,
        BlockKind.LIST_ITEM,
        BlockKind.TABLE_CELL,
        BlockKind.CONTENT_CONTROL,
    }
)
#: Kinds the plain-language rules read: the main text and text boxes. LIX keeps to the running
#: text, but a sentence in a text box ("Har du spørgsmål? Såfremt De …") is still read by the
#: citizen and can still be officialese; headers and footers (the letterhead) stay out.
PLAIN_TEXT_KINDS = MAIN_TEXT_KINDS | {BlockKind.TEXT_BOX}


class LetterPart(StrEnum):
    """The part of a letter a block belongs to; rules such as legal-reference-early depend on it."""

    ADDRESS = "address"  # before the subject: recipient's address block, date, sender, case number
    SUBJECT = "subject"  # the heading that says what the letter is about
    SALUTATION = "salutation"  # "Kære …"
    BODY = "body"
    CLOSING = "closing"  # "Med venlig hilsen"
    SIGNATURE = "signature"  # the sender's name and contact block after the closing
    LEGAL = "legal"  # the final legal section: "Regler", "Lovgrundlag", "Klagevejledning", …
    ATTACHMENTS = "attachments"  # "Bilag"
    HEADER = "header"
    FOOTER = "footer"


@dataclass(frozen=True, slots=True)
class RunSegment:
    """Characters ``[start, end)`` of a block's text come from one run.

    ``run`` is the run's position among all ``w:r`` elements of the block's story, counted in
    document order over the story's parsed XML (``root.iter(w:r)``, every run, also those inside
    deleted text or mc:Fallback). ``offset`` is where the segment begins inside that run's text as
    ``ooxml.run_text`` renders it. The annotator re-parses the same bytes, so the numbers line up.
    Characters of a block not covered by any segment (none today) cannot be annotated.
    """

    start: int
    end: int
    run: int
    offset: int


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A template placeholder: a MERGEFIELD or DOCVARIABLE whose shown text is ``[start, end)``."""

    start: int
    end: int
    name: str
    kind: str  # "mergefield" | "docvariable"


@dataclass(frozen=True, slots=True)
class Control:
    """A content control (w:sdt) over ``[start, end)`` of the block, with its title and tag."""

    start: int
    end: int
    alias: str | None
    tag: str | None


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink over ``[start, end)``; ``target`` is its address (``mailto:…`` kept as is)."""

    start: int
    end: int
    target: str


@dataclass(slots=True)
class Block:
    """One paragraph of the letter (a heading, a list item, a table cell paragraph, …)."""

    index: int  # position among all blocks of the document, in reading order
    kind: BlockKind
    text: str
    story: str  # OPC part name: "word/document.xml", "word/footer1.xml"; "" for plain text files
    paragraph: int  # position of the w:p among all w:p of the story (document order); line for .txt
    segments: tuple[RunSegment, ...] = ()
    style: str | None = None  # style name as Word shows it ("Heading 1", "Overskrift 1")
    bold: bool = False  # every character of the text is bold
    list_level: int | None = None
    table: tuple[int, int, int] | None = None  # (table number in story, row, column)
    controls: tuple[Control, ...] = ()
    placeholders: tuple[Placeholder, ...] = ()
    links: tuple[Link, ...] = ()
    part: LetterPart | None = None  # set by lettercheck.language.parts.tag_parts


@dataclass(frozen=True, slots=True)
class Comment:
    """A Word comment already in the letter, with the stretch of text it is anchored on.

    The anchor runs from ``(start_block, start)`` to ``(end_block, end)``; both ``None`` when the
    comment's anchor could not be placed in a block (e.g. it sits in a part we do not read).
    """

    id: str
    author: str
    text: str
    start_block: int | None
    start: int | None
    end_block: int | None
    end: int | None


@dataclass(slots=True)
class Document:
    """A letter as read: its blocks in reading order and the comments it already carries."""

    path: Path
    format: str  # "docx", "dotx", "docm", "dotm", "txt", "md"
    blocks: list[Block] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    #: The reader's parse of the main story (``word.ooxml.ParsedPart``: its bytes, lxml tree
    #: and run map), for the annotator to reuse instead of opening and parsing the package
    #: again; taken (set to None) by the first annotated copy, which changes the tree. Never
    #: pickled (a worker's result carries no tree).
    parsed: object | None = field(default=None, repr=False, compare=False)
    _numbers: list[int] | None = field(default=None, init=False, repr=False, compare=False)

    def paragraph_number(self, index: int) -> int:
        """The number a reader gives block ``index`` counting down the page: paragraphs with
        text, from 1, within their own story (the body, or a header or footer of its own), so
        "afsnit 3 (brødtekst)" is the third paragraph with text from the top of the body (address
        lines included), whatever the header holds."""
        numbers = self._numbers
        if numbers is None or len(numbers) != len(self.blocks):
            counts: dict[str, int] = {}
            numbers = []
            for block in self.blocks:
                if block.text.strip():
                    counts[block.story] = counts.get(block.story, 0) + 1
                numbers.append(max(counts.get(block.story, 0), 1))
            self._numbers = numbers
        return numbers[index]


class LetterError(Exception):
    """A file that cannot be checked. The message is one line for the user: what is wrong and what
    to do ("Gem det som .docx", "Fjern adgangskoden"). Never includes content from the file."""


#: What went wrong when writing or reading one of our own files, in Danish (the operating
#: system's own text is English: "Permission denied", "No space left on device").
_OS_REASONS = {
    errno.EACCES: "ingen adgang",
    errno.EPERM: "ingen adgang",
    errno.ENOSPC: "disken er fuld",
    errno.EDQUOT: "din diskkvote er brugt op",
    errno.EFBIG: "filen må ikke blive større",
    errno.EROFS: "drevet er skrivebeskyttet",
    errno.EISDIR: "der ligger en mappe med det navn",
    errno.ENOTDIR: "en del af stien er ikke en mappe",
    errno.ENOENT: "mappen findes ikke",
    errno.ENAMETOOLONG: "navnet er for langt",
}


def os_reason(error: OSError) -> str:
    """A Danish reason for an ``OSError`` (the system's words when we have none)."""
    return _OS_REASONS.get(error.errno or -1) or error.strerror or type(error).__name__


def out_of_space(error: OSError) -> bool:
    """Whether freeing disk space is the advice for ``error``."""
    return error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
