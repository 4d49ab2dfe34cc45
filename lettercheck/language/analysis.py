"""Analysis: the document model plus one spaCy ``Doc`` per block and the letter's readability.

Rules get an ``Analysis`` and never see lxml or python-docx objects. ``docs[i]`` is built from
exactly ``document.blocks[i].text``, so ``token.idx`` and ``sent.start_char`` are offsets into
that block's text, the same offsets findings use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lettercheck.model.document import Document
from lettercheck.model.findings import Readability

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

#: ``(first token, end token, start_char, end_char)`` of a sentence: what ``doc.sents`` gives
#: each Span as ``start``, ``end``, ``start_char`` and ``end_char``.
Bounds = tuple[int, int, int, int]


@dataclass
class Analysis:
    """What rules look at: the letter, its blocks as spaCy docs, and its LIX."""

    document: Document
    docs: list[Doc]  # docs[i] is document.blocks[i].text; sentences and lower-case lemmas set
    readability: Readability
    #: Per Doc, the token indices after 0 where its sentences start, as ``danish.process`` set
    #: them; None when not known (an Analysis made by hand): then they are read from the Docs.
    sentence_starts: list[list[int]] | None = None

    def sentence_bounds(self, position: int) -> list[Bounds]:
        """The sentences of ``docs[position]`` as ``doc.sents`` gives them (see ``Bounds``)."""
        doc = self.docs[position]
        if self.sentence_starts is None:
            return doc_sentence_bounds(doc)
        return bounds_from_starts(doc, self.sentence_starts[position])


def bounds_from_starts(doc: Doc, starts: list[int]) -> list[Bounds]:
    """Sentence bounds from the sentence starts ``danish.process`` found: two Token lookups per
    sentence instead of reading every token's ``SENT_START`` again."""
    n = len(doc)
    if not n:
        return []
    if not starts:
        last = doc[n - 1]
        return [(0, n, 0, last.idx + len(last))]
    out: list[Bounds] = []
    first = 0
    for end in [*starts, n]:
        last = doc[end - 1]
        out.append((first, end, doc[first].idx, last.idx + len(last)))
        first = end
    return out


def doc_sentence_bounds(doc: Doc) -> list[Bounds]:
    """Sentence bounds read from the Doc's ``SENT_START``, through one ``Doc.to_array`` instead
    of a Span and its Tokens per sentence (``doc.sents`` itself for a Doc with a sentence hook or
    without sentence starts)."""
    n = len(doc)
    if not n or "sents" in doc.user_hooks or not doc.has_annotation("SENT_START"):
        return [(s.start, s.end, s.start_char, s.end_char) for s in doc.sents]
    from spacy.attrs import IDX, LENGTH, SENT_START

    rows = doc.to_array([IDX, LENGTH, SENT_START]).tolist()
    starts = [0] + [i for i in range(1, n) if rows[i][2] == 1]
    ends = [*starts[1:], n]
    return [
        (first, last, rows[first][0], rows[last - 1][0] + rows[last - 1][1])
        for first, last in zip(starts, ends, strict=True)
    ]


def analyse(document: Document, lix_sentences: str = "danish") -> Analysis:
    """Run the Danish pipeline over every block (one ``nlp.pipe`` call) and compute LIX over
    the main text (``lix_sentences``: see ``lix.SENTENCE_RULES``). spaCy is imported here, not
    at module import, so ``--help`` stays fast."""
    from lettercheck.language.danish import get_nlp, process
    from lettercheck.language.lix import readability

    nlp = get_nlp()
    # spaCy refuses texts over ``max_length`` (1,000,000) because its parser and NER need ~1 GB
    # per 100,000 characters; this pipeline has neither (tokenizer, sentences, lemmas: linear and
    # small), so a genuine paragraph of a million characters must not be refused. The letter's
    # total size is bounded before this, in ``pipeline.check_file``.
    longest = max((len(block.text) for block in document.blocks), default=0)
    if longest >= nlp.max_length:
        nlp.max_length = longest + 1
    starts: list[list[int]] = []
    docs = process(nlp, [block.text for block in document.blocks], starts)
    sentence_starts = starts if len(starts) == len(docs) else None  # None: another pipeline
    return Analysis(
        document=document,
        docs=docs,
        readability=readability(document, docs, lix_sentences, sentence_starts),
        sentence_starts=sentence_starts,
    )
