"""Analysis: the document model plus one spaCy ``Doc`` per block and the letter's readability.

Rules get an ``Analysis`` and never see lxml or python-docx objects. ``docs[i]`` is built from
exactly ``document.blocks[i].text``, so ``token.idx`` and ``sent.start_char`` are offsets into
that block's text, the same offsets findings use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lettercheck.findings import Readability
from lettercheck.model import Document

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc


@dataclass
class Analysis:
    """What rules look at: the letter, its blocks as spaCy docs, and its LIX."""

    document: Document
    docs: list[Doc]  # docs[i] is document.blocks[i].text; sentences and lower-case lemmas set
    readability: Readability


def analyse(document: Document) -> Analysis:
    """Run the Danish pipeline over every block (one ``nlp.pipe`` call) and compute LIX over
    the main text. spaCy is imported here, not at module import, so ``--help`` stays fast."""
    from lettercheck.danish import get_nlp
    from lettercheck.lix import readability

    nlp = get_nlp()
    docs = list(nlp.pipe(block.text for block in document.blocks))
    return Analysis(document=document, docs=docs, readability=readability(document, docs))
