"""LIX, exactly as README-lix.md defines it.

LIX = words / sentences + 100 × long words / words (Björnsson), counted over the letter's message
(``message_blocks``: subject, headings, body, lists and tables, legal section; not the letterhead,
address, salutation, closing, signature, contact tables, attachments, headers, footers or text
boxes). Words are found by one regular expression over the block text;
sentences come from ``danish``'s segmenter (which knows abbreviations, ordinals, dates and
times), and every block ends a sentence. A sentence counts only when it holds a word, so a
lone "•" or "–" never makes a text look easier.

We do not use textstat's ``lix()``: it ends a sentence at every period (so "jf.", "kl. 10.00",
"stk. 2" each add a sentence) and drops short fragments, which makes a typical Danish letter
paragraph score several points too easy.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from lettercheck.model.document import LetterPart
from lettercheck.model.findings import Readability

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

    from lettercheck.model.document import Block, Document

#: A long word has more than this many letters (digits do not count).
LONG_WORD_LETTERS = 6

#: Top-level domains that make "borger.dk" an address without "www." or "https://". Domains that
#: are also Danish words ("se", "de", "is", "nu") are left out, so a missing space after a period
#: ("… loven.se …") does not glue two words into an address.
_TLDS = "dk|com|org|net|eu|info|gov|edu|io|uk"
#: A word: letters and digits, joined by hyphens and apostrophes, or by . , : / between digits.
_WORD = r"[^\W_]+(?:(?:[-‐‑'’]|(?<=\d)[.,:/](?=\d))[^\W_]+)*"
_WORD_RE = re.compile(
    r"""
    (?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)
  | (?P<url>(?:https?://|ftp://|www\.)[^\s<>"«»]*[^\s<>"«».,;:!?)\]'’”])
  | (?P<domain>\b(?:[\w-]+\.)+(?:"""
    + _TLDS
    + r""")\b(?:/[^\s<>"«»]*[^\s<>"«».,;:!?)\]'’”])?)
  | (?P<field>«[^«»\n]{1,80}»)
  | (?P<word>"""
    + _WORD
    + r""")
    """,
    re.VERBOSE,
)
#: The word alternative alone, for the texts where no other alternative can match anywhere: a
#: little faster per word than trying e-mail, URL and domain first at every position.
_WORD_ONLY = re.compile(_WORD)
#: What a domain match holds: a period, a top-level domain, a word boundary.
_DOMAIN_HINT = re.compile(r"\.(?:" + _TLDS + r")\b")


def _word_regex(text: str) -> tuple[re.Pattern[str], bool]:
    """``(_WORD_ONLY, True)`` when ``text`` holds nothing an e-mail ("@"), URL ("://", "www."),
    domain (".dk"…) or merge field ("«") needs, so every match of ``_WORD_RE`` in it is a word
    and ``_WORD_ONLY`` finds the same spans; else ``(_WORD_RE, False)``."""
    if (
        "@" in text
        or "«" in text
        or "://" in text
        or "www." in text
        or _DOMAIN_HINT.search(text) is not None
    ):
        return _WORD_RE, False
    return _WORD_ONLY, True


BANDS: tuple[tuple[int, str], ...] = (
    (24, "meget let"),
    (34, "let"),
    (44, "middel"),
    (54, "svær"),
)


def _round_half_up(value: float, digits: int = 0) -> float:
    """Round half up (Python's round() rounds half to even: round(24.5) == 24)."""
    scale = 10**digits
    return math.floor(value * scale + 0.5) / scale


def display(lix: float) -> str:
    """LIX as a Danish reader sees it: one decimal with a decimal comma ("41,8"). One decimal, not
    a whole number, so that the number, its band and the lix-too-high limit never seem to
    disagree ("LIX 40" over a limit of 40)."""
    return f"{lix:.1f}".replace(".", ",")


def band(lix: float) -> str:
    """The Danish LIX band of ``lix``, judged on the value rounded to a whole number (half up):
    ≤24 meget let, 25–34 let, 35–44 middel, 45–54 svær, ≥55 meget svær. So 24.4 is "meget let"
    and 24.5 is "let", the same band a reader gets from the rounded number shown."""
    whole = _round_half_up(lix)
    for upper, name in BANDS:
        if whole <= upper:
            return name
    return "meget svær"


def _letters(word: str) -> int:
    if word.isalpha():  # almost every word; an alphabetic character is never \W, \d or _
        return len(word)
    return len(_NOT_LETTER.sub("", word))


_NOT_LETTER = re.compile(r"[\W\d_]+")


def word_spans(
    text: str, placeholders: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, int, bool]]:
    """``iter_words`` as a list, built without a generator: this runs over every block of every
    letter (LIX) and every sentence (long-sentence), so its per-word cost is most of theirs."""
    out: list[tuple[int, int, bool]] = []
    append = out.append
    regex, only_words = _word_regex(text)
    if not placeholders:
        for match in regex.finditer(text):
            start, end = match.span()
            if end - start > LONG_WORD_LETTERS and (only_words or match.lastgroup == "word"):
                # Only a word of seven characters or more can have seven letters.
                append((start, end, _letters(match.group()) > LONG_WORD_LETTERS))
            else:
                append((start, end, False))  # addresses and merge fields are never long
        return out
    spans = sorted(placeholders)
    p = 0
    for match in regex.finditer(text):
        start, end = match.span()
        while p < len(spans) and spans[p][1] <= start:
            p += 1
        if p < len(spans) and spans[p][0] < end and start < spans[p][1]:
            continue  # inside a merge field: counted once below
        if end - start > LONG_WORD_LETTERS and (only_words or match.lastgroup == "word"):
            append((start, end, _letters(match.group()) > LONG_WORD_LETTERS))
        else:
            append((start, end, False))
    out.extend((start, end, False) for start, end in spans)
    return out


def iter_words(
    text: str, placeholders: Sequence[tuple[int, int]] = ()
) -> Iterable[tuple[int, int, bool]]:
    """Yield ``(start, end, is_long)`` for every LIX word of ``text``.

    ``placeholders`` are ``[start, end)`` spans of merge fields: each is one word, never long,
    whatever its shown text looks like.
    """
    return iter(word_spans(text, placeholders))


def count_words(text: str, placeholders: Sequence[tuple[int, int]] = ()) -> int:
    """How many LIX words ``text`` has (``len(word_spans(...))``, without building the list
    when there are no merge fields)."""
    if placeholders:
        return len(word_spans(text, placeholders))
    return sum(1 for _ in _word_regex(text)[0].finditer(text))


def count_text(
    text: str,
    sentence_spans: Iterable[tuple[int, int]],
    placeholders: Sequence[tuple[int, int]] = (),
) -> tuple[int, int, int]:
    """``(words, sentences, long_words)`` for one block of text.

    ``sentence_spans`` are the ``[start, end)`` character spans of its sentences; a sentence
    counts when at least one word starts inside it. Text outside every span is taken to be part
    of the nearest sentence before it.
    """
    return _count(text, sorted(start for start, _end in sentence_spans) or [0], placeholders)


def _count(
    text: str, starts: list[int], placeholders: Sequence[tuple[int, int]]
) -> tuple[int, int, int]:
    """``count_text`` with the sentences given by their sorted start offsets (at least one)."""
    words = word_spans(text, placeholders)
    long_words = sum(1 for _start, _end, is_long in words if is_long)
    if len(starts) == 1:
        # One sentence (most blocks): it holds a word exactly when there is one.
        return len(words), 1 if words else 0, long_words
    with_words = {max(0, bisect_right(starts, start) - 1) for start, _end, _long in words}
    return len(words), len(with_words), long_words


def score(words: int, sentences: int, long_words: int) -> Readability:
    """The Readability record for the counts; 0 words gives LIX 0.0."""
    if words == 0 or sentences == 0:
        lix = 0.0
    else:
        lix = _round_half_up(words / sentences + 100 * long_words / words, 1)
    return Readability(
        lix=lix, band=band(lix), words=words, sentences=sentences, long_words=long_words
    )


def doc_sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """Character spans ``[start, next start)`` of the sentences the segmenter set on ``doc``.

    Read through ``Doc.to_array`` rather than ``doc.sents``, which builds a Span (and Token
    objects) per sentence: this runs for every block of every letter.
    """
    n = len(doc)
    if not n:
        return []
    from spacy.attrs import IDX, SENT_START

    arr = doc.to_array([IDX, SENT_START]).tolist()
    starts = [0] + [idx for idx, start in arr[1:] if start == 1]
    end = arr[-1][0] + len(doc[-1].text_with_ws)
    return list(zip(starts, [*starts[1:], end], strict=True))


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a plain text: blocks separated by blank lines. Inside a block a line break
    ends a sentence unless the next line starts in lower case (see ``danish``), so a text with one
    paragraph per line and a hard-wrapped text ("… må begge parter selvsagt være\nvillige til
    …") both count right. (``reader`` makes one block per line of a .txt; the two agree unless a
    line break falls inside a sentence.)"""
    paragraphs = re.split(r"\n[ \t\r\f\v]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return [p.strip() for p in paragraphs if p.strip()]


#: How sentences are cut for LIX. "danish" (the default) knows abbreviations, ordinals, dates,
#: times and numbers; "simple" ends a sentence at every run of . ! ? : ; as public LIX
#: calculators do, for comparing with their numbers. Words are counted the same way in both.
SENTENCE_RULES = ("danish", "simple")
_SIMPLE_END = re.compile(r"[.!?:;]+")


def simple_sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences as a calculator that knows no abbreviations cuts them: after . ! ? : ;"""
    spans, start = [], 0
    for match in _SIMPLE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _spans(doc: Doc, sentence_rule: str) -> list[tuple[int, int]]:
    if sentence_rule == "simple":
        return simple_sentence_spans(doc.text)
    return doc_sentence_spans(doc)


def lix_for_text(text: str, sentence_rule: str = "danish") -> Readability:
    """LIX of a plain text such as a .txt speech: paragraphs are blank-line blocks (or lines,
    see ``split_paragraphs``), and the end of a paragraph ends a sentence."""
    from lettercheck.language.danish import get_nlp

    nlp = get_nlp()
    words = sentences = long_words = 0
    with nlp.select_pipes(enable=["lettercheck_sentences"]):
        for doc in nlp.pipe(split_paragraphs(text)):
            w, s, lw = count_text(doc.text, _spans(doc, sentence_rule))
            words += w
            sentences += s
            long_words += lw
    return score(words, sentences, long_words)


#: Letter parts whose text is the message LIX measures: the subject and headings, the body, and
#: the legal section and complaints guidance, which the citizen has to read too. ``None`` is a
#: document whose parts were not tagged (a hand-made Analysis): all of it counts.
MESSAGE_PARTS = frozenset({LetterPart.SUBJECT, LetterPart.BODY, LetterPart.LEGAL, None})

#: A phone number or an e-mail address, for telling a table of contact details from a table of
#: the message ("| Telefon | 72 10 60 12 |" against "| Tid | Mandag kl. 10 |").
_CONTACT_DETAIL = re.compile(
    r"(?<![\d+])(?:\+45\s?)?\d{2}\s?\d{2}\s?\d{2}\s?\d{2}(?!\d)|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)


def _contact_tables(document: Document) -> set[tuple[str, int]]:
    """Tables of contact details: at least half of their rows hold a phone number or an e-mail
    address. They are the sender's contact block set out as a table, not message text."""
    rows: dict[tuple[str, int], dict[int, bool]] = {}
    for block in document.blocks:
        if block.table is None:
            continue
        table_rows = rows.setdefault((block.story, block.table[0]), {})
        has = bool(_CONTACT_DETAIL.search(block.text))
        table_rows[block.table[1]] = table_rows.get(block.table[1], False) or has
    return {key for key, found in rows.items() if 2 * sum(found.values()) >= len(found)}


def message_blocks(document: Document) -> list[bool]:
    """For each block, whether LIX counts it (README, "LIX, exactly defined"): main-text kinds
    (``model.MAIN_TEXT_KINDS``: not headers, footers or text boxes) in a message part
    (``MESSAGE_PARTS``: not the letterhead and address block with its date and reference lines,
    the salutation, the closing formula, the signature and contact block, or the list of
    attachments), outside a table of contact details."""
    from lettercheck.model.document import MAIN_TEXT_KINDS

    contact = _contact_tables(document)
    return [
        block.kind in MAIN_TEXT_KINDS
        and block.part in MESSAGE_PARTS
        and (block.table is None or (block.story, block.table[0]) not in contact)
        for block in document.blocks
    ]


def readability(
    document: Document,
    docs: Sequence[Doc],
    sentence_rule: str = "danish",
    sentence_starts: Sequence[list[int]] | None = None,
) -> Readability:
    """LIX over the letter's message (``message_blocks``); ``docs[i]`` is block ``i``'s Doc.

    ``sentence_starts[i]``, when given, are the token indices after 0 where ``docs[i]``'s
    sentences start, as ``danish.process`` found them: the same starts as reading the Doc's
    ``SENT_START``, without a ``Doc.to_array`` per block."""
    words = sentences = long_words = 0
    counted = message_blocks(document)
    for i, (block, doc) in enumerate(zip(document.blocks, docs, strict=True)):
        if not counted[i]:
            continue
        w, s, lw = _count(
            block.text,
            block_sentence_starts(block, doc, sentence_rule, sentence_starts, i),
            [(p.start, p.end) for p in block.placeholders],
        )
        words += w
        sentences += s
        long_words += lw
    return score(words, sentences, long_words)


def block_sentence_starts(
    block: Block,
    doc: Doc,
    sentence_rule: str = "danish",
    sentence_starts: Sequence[list[int]] | None = None,
    position: int = 0,
) -> list[int]:
    """The sorted character offsets where the block's LIX sentences start (at least ``[0]``)."""
    if sentence_rule == "simple":
        # block.text is the Doc's text (``Doc.text`` rebuilds it from a Token per token).
        return [start for start, _end in simple_sentence_spans(block.text)]
    if sentence_starts is not None:
        return [0, *(doc[k].idx for k in sentence_starts[position])]
    return sorted(start for start, _end in doc_sentence_spans(doc)) or [0]


def counted_sentences(
    text: str, starts: list[int], placeholders: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, int, int, int]]:
    """``(start, end, words, long_words)`` of each sentence LIX counts in one block (those with a
    word), for ``lettercheck show``."""
    words = word_spans(text, placeholders)
    ends = [*starts[1:], len(text)]
    out = []
    for start, end in zip(starts, ends, strict=True):
        inside = [w for w in words if start <= w[0] < end]
        if inside:
            out.append((start, end, len(inside), sum(1 for w in inside if w[2])))
    return out
