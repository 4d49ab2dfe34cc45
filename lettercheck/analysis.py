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


def analyse(document: Document, lix_sentences: str = "danish") -> Analysis:
    """Run the Danish pipeline over every block (one ``nlp.pipe`` call) and compute LIX over
    the main text (``lix_sentences``: see ``lix.SENTENCE_RULES``). spaCy is imported here, not
    at module import, so ``--help`` stays fast."""
    from lettercheck.danish import get_nlp, process
    from lettercheck.lix import readability

    nlp = get_nlp()
    # spaCy refuses texts over ``max_length`` (1,000,000) because its parser and NER need ~1 GB
    # per 100,000 characters; this pipeline has neither (tokenizer, sentences, lemmas: linear and
    # small), so a genuine paragraph of a million characters must not be refused. The letter's
    # total size is bounded before this, in ``pipeline.check_file``.
    longest = max((len(block.text) for block in document.blocks), default=0)
    if longest >= nlp.max_length:
        nlp.max_length = longest + 1
    docs = process(nlp, [block.text for block in document.blocks])
    return Analysis(
        document=document, docs=docs, readability=readability(document, docs, lix_sentences)
    )
