"""The Danish spaCy pipeline: tokenizer, sentence segmentation and lookup lemmas.

Why not spaCy's own pieces:

* ``spacy.blank("da")`` already has the right tokenizer: it keeps ~1,200 Danish abbreviations
  ("kl.", "bl.a.", "stk.", "jf.") and the ordinals "1." to "31." as single tokens. spaCy's
  rule-based ``sentencizer`` splits only after tokens that are punctuation on their own, so it
  never ends a sentence after such a token ("Mødet er kl. 10. Du skal …", "… 500 kr. Pengene …"
  stay one sentence), and it ignores ":" and ";". The ``lettercheck_sentences`` component
  (``segment``) decides from the token's kind (abbreviation that usually continues, other
  abbreviation, ordinal, initial) and the next word (lower case, digit, month name, a merge
  field, a word that only starts sentences such as "Du" or "Hvis").
* spaCy's ``lemmatizer`` pipe in lookup mode loads spacy-lookups-data's Danish table (550,000
  entries) through ``Lookups`` and takes ~2 s to initialise: more than the rest of a check.
  We keep the same table as a sorted, memory-mapped file in the user's cache directory (built
  once from the gzip JSON, rebuilt when that file changes) and binary-search it per distinct
  word, so opening it costs about a millisecond.

Nothing here imports spaCy at module import time: the CLI imports this module lazily, and the
component is registered the first time ``get_nlp()`` runs.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import importlib.util
import json
import mmap
import os
import re
import struct
import sys
import tempfile
import types
from array import array
from collections.abc import Iterable
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import spacy
    from spacy.tokens import Doc

# --------------------------------------------------------------------------------------------
# Lemma table
# --------------------------------------------------------------------------------------------

_TABLE_NAME = "da_lemma_lookup.json.gz"
_MAGIC = b"LCLEMMA2"
_HEADER = struct.Struct("<8sIII")  # magic, entries, keys blob size, values blob size


def lookup_source() -> Path | None:
    """Where spacy-lookups-data keeps the Danish lemma table, found without importing it."""
    spec = importlib.util.find_spec("spacy_lookups_data")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "data" / _TABLE_NAME
        if candidate.is_file():
            return candidate
    return None


def cache_dirs() -> list[Path]:
    """Directories to try for the compiled table, best first (XDG first, then a temp dir)."""
    dirs: list[Path] = []
    explicit = os.environ.get("LETTERCHECK_CACHE_DIR")
    if explicit:
        dirs.append(Path(explicit))
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        dirs.append(Path(xdg) / "lettercheck")
    else:
        home = os.path.expanduser("~")
        if home and home != "~":
            dirs.append(Path(home) / ".cache" / "lettercheck")
    uid = os.getuid() if hasattr(os, "getuid") else 0
    dirs.append(Path(tempfile.gettempdir()) / f"lettercheck-{uid}")
    return dirs


def _read_source(source: Path) -> dict[bytes, bytes]:
    """The table keyed by lower case (an entry whose key is already lower case wins)."""
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        raw: dict[str, str] = json.load(fh)
    table: dict[bytes, bytes] = {}
    exact: set[bytes] = set()
    for word, lem in raw.items():
        key = word.lower().encode("utf-8")
        if key in exact:
            continue
        value = lem.lower().encode("utf-8")
        table[key] = b"" if value == key else value  # "" = the word is its own lemma
        if word == word.lower():
            exact.add(key)
    return table


def compile_table(source: Path) -> bytes:
    """The compact form: header, key offsets, value offsets, keys blob, values blob.

    Keys are sorted as UTF-8 bytes, so a binary search with bytes comparisons finds them.
    """
    table = _read_source(source)
    keys = sorted(table)
    key_offsets = array("I", [0])
    value_offsets = array("I", [0])
    key_blob = bytearray()
    value_blob = bytearray()
    for key in keys:
        key_blob += key
        key_offsets.append(len(key_blob))
        value_blob += table[key]
        value_offsets.append(len(value_blob))
    if sys.byteorder != "little":  # pragma: no cover - the file format is little-endian
        key_offsets.byteswap()
        value_offsets.byteswap()
    header = _HEADER.pack(_MAGIC, len(keys), len(key_blob), len(value_blob))
    return b"".join([header, key_offsets.tobytes(), value_offsets.tobytes(), key_blob, value_blob])


class LemmaTable:
    """A read-only, sorted lemma table over a buffer (a memory map or bytes)."""

    __slots__ = ("_buf", "_keys_at", "_koff", "_n", "_values_at", "_voff")

    def __init__(self, buf: bytes | mmap.mmap) -> None:
        if len(buf) < _HEADER.size:
            raise ValueError("truncated lemma table")
        magic, n, key_size, value_size = _HEADER.unpack_from(buf, 0)
        offsets_size = 4 * (n + 1)
        expected = _HEADER.size + 2 * offsets_size + key_size + value_size
        if magic != _MAGIC or len(buf) != expected or sys.byteorder != "little":
            raise ValueError("not a lemma table of this version")
        view = memoryview(buf)
        start = _HEADER.size
        self._koff = view[start : start + offsets_size].cast("I")
        self._voff = view[start + offsets_size : start + 2 * offsets_size].cast("I")
        self._keys_at = start + 2 * offsets_size
        self._values_at = self._keys_at + key_size
        self._n = n
        self._buf = buf

    def __len__(self) -> int:
        return self._n

    def get(self, word: str) -> str | None:
        """The lemma of a lower-case ``word``, or None when the table does not know it."""
        key = word.encode("utf-8")
        buf, koff, base = self._buf, self._koff, self._keys_at
        lo, hi = 0, self._n
        while lo < hi:
            mid = (lo + hi) >> 1
            if buf[base + koff[mid] : base + koff[mid + 1]] < key:
                lo = mid + 1
            else:
                hi = mid
        if lo < self._n and buf[base + koff[lo] : base + koff[lo + 1]] == key:
            value = buf[self._values_at + self._voff[lo] : self._values_at + self._voff[lo + 1]]
            return value.decode("utf-8") if value else word
        return None


def _cache_name(source: Path) -> str:
    stat = source.stat()
    return f"da_lemma-{stat.st_size}-{stat.st_mtime_ns}.{_MAGIC[-1:].decode()}.bin"


def _open_cached(path: Path) -> LemmaTable | None:
    try:
        with open(path, "rb") as fh:
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    try:
        return LemmaTable(mapped)
    except ValueError:
        mapped.close()
        return None


def _write_atomically(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` via a temp file and rename, so readers never see half a file
    (several lettercheck processes may start at once)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".lemma-", dir=path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return False
    _prune(path.parent)
    return True


def _prune(directory: Path, keep: int = 3) -> None:
    """Remove all but the ``keep`` newest tables. Not just "all but mine": two installations
    with different spacy-lookups-data may share one cache directory and must not keep
    deleting each other's table."""
    try:
        tables = sorted(
            directory.glob("da_lemma-*.bin"), key=lambda p: p.stat().st_mtime_ns, reverse=True
        )
    except OSError:
        return
    for stale in tables[keep:]:
        with contextlib.suppress(OSError):
            stale.unlink()


def load_table(source: Path | None = None, dirs: Iterable[Path] | None = None) -> LemmaTable:
    """Open the compiled table from the first cache directory that has it, else build it.

    When no cache directory is writable the table is compiled into memory (about a second,
    once per process): lettercheck still works, only slower to start.
    """
    source = source or lookup_source()
    if source is None:
        return LemmaTable(_HEADER.pack(_MAGIC, 0, 0, 0) + b"\0\0\0\0" * 2)
    name = _cache_name(source)
    candidates = list(dirs) if dirs is not None else cache_dirs()
    for directory in candidates:
        table = _open_cached(directory / name)
        if table is not None:
            return table
    data = compile_table(source)
    for directory in candidates:
        if _write_atomically(directory / name, data):
            table = _open_cached(directory / name)
            if table is not None:
                return table
    return LemmaTable(data)


_TABLE: LemmaTable | None = None
_LEMMAS: dict[str, str] = {}


def _table() -> LemmaTable:
    global _TABLE
    if _TABLE is None:
        _TABLE = load_table()
    return _TABLE


def lemma(word: str) -> str:
    """Lower-case lookup lemma of ``word`` from spacy-lookups-data's Danish table; the word
    lower-cased when the table does not know it. Memoised per process."""
    lower = word.lower()
    found = _LEMMAS.get(lower)
    if found is None:
        found = _table().get(lower) or lower
        if len(_LEMMAS) < 200_000:
            _LEMMAS[lower] = found
    return found


#: Present tenses the lemma table gets wrong or cannot give ("gør" -> "gø" in the table).
_IRREGULAR_PRESENT = {
    "gøre": "gør",
    "vide": "ved",
    "være": "er",
    "have": "har",
    "kunne": "kan",
    "skulle": "skal",
    "ville": "vil",
    "måtte": "må",
    "burde": "bør",
    "turde": "tør",
}


@functools.lru_cache(maxsize=5_000)
def present(infinitive: str) -> str:
    """The present tense of a verb, checked against the lemma table: "sende" -> "sender",
    "gøre" -> "gør", "se" -> "ser"; "-r" appended when the table knows no better. Suggestions
    use it to put a plain verb in the form of the words it replaces."""
    if infinitive in _IRREGULAR_PRESENT:
        return _IRREGULAR_PRESENT[infinitive]
    for form in (infinitive + "r", infinitive[:-1]):
        if form and form != infinitive and lemma(form) == infinitive:
            return form
    return infinitive + "r"


# --------------------------------------------------------------------------------------------
# Sentence segmentation
# --------------------------------------------------------------------------------------------

#: Punctuation that ends a sentence (LIX definition: . ! ? : ;).
_ENDERS = frozenset({".", "!", "?", ":", ";", "?!", "!?", "!!", "??", "!!!", "???"})
#: Ellipses end a sentence only when a capital letter (or nothing) follows.
_ELLIPSES = frozenset({"...", "…", "....", ". . ."})
#: Always closing: they belong to the sentence before them.
_CLOSERS = frozenset({")", "]", "}"})
#: Quotes can open or close; attached to the punctuation before them (no space) they close.
_QUOTES = frozenset({'"', "'", "»", "«", "”", "“", "’", "‘", "„", "›", "‹"})


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MONTHS = _words(
    "januar februar marts april maj juni juli august september oktober november december "
    "jan jan. feb feb. febr. mar. apr. aug. sep. sept. okt. nov. dec."
)

#: Abbreviations that almost always continue the sentence, even before a capitalised word
#: (titles before names, "jf. Bilag 2", "bl.a. Jobcentret", "d. A."). A word that can only
#: start a sentence ("Du", "Vi", "Hvis") still ends it.
CONTINUING = _words(
    """
    hr. fr. frk. dr. prof. skt. st. sdr. ndr. gl. jf. jfr. jvf. cf. bl.a. f.eks. fx. iflg. ifm.
    ift. iht. pga. vedr. ang. att. mrk. inkl. ekskl. evt. ca. dvs. d.v.s. mht. m.h.t. hhv.
    vha. pr. d. kl. nr. stk. pkt. kap. afd. adr. vedl. cand. stud. fhv. tidl. nuv. j.nr. jnr.
    lb.nr. ph.d. mag. sml. if. i.e. e.g. bl. ovf. nedenst. ovenst. ref. t.o.m. f.o.m.
    """
)

#: Words that start a sentence and are never part of a name, so "… kl. 10. Du skal" and
#: "… jf. § 3. Hvis du" end before them even after an abbreviation that usually continues.
STARTERS = _words(
    """
    du vi jeg han hun man der dette disse hvis når men og så hvad hvor hvordan hvornår hvorfor
    hvem vil kan skal må har er var bliver blev husk bemærk ring kontakt skriv læs send mød
    giv tag kom vær pengene formålet mødet jobcentret kommunen
    """
)

#: After these words a number with a period is an ordinal ("den 3. Division", "i 2. Verdenskrig").
_ORDINAL_CONTEXT = _words(
    """
    den det de d. i under efter til fra hver ved om af for med sin sit sine hans hendes deres
    vores jeres din dit dine min mit mine hendes dets dens
    """
)


#: Abbreviations the tokenizer splits ("Sagsnr" + ".") that stand before a number; any word
#: ending in "nr" counts too.
_NUMBER_LABELS = _words("ad cvr cpr reg konto mob mobil tlf telefon sag journal ref")

#: A merge field as Word shows it: «SagsbehandlerNavn».
_MERGE_FIELD = re.compile(r"«[^«»\n]{1,80}»")


#: Last characters of the tokens that can end a sentence: enders, ellipses, abbreviations and
#: ordinals ("kl.", "10."), and punctuation clusters ("):", '."', ".)"). Space tokens are
#: checked for line breaks separately.
_TRIGGERS = frozenset(".!?:;…)]}\"'»«”“’‘›‹")


def _is_ender_cluster(text: str) -> bool:
    """A token of punctuation only that holds a sentence end, as the tokenizer sometimes
    leaves them: "):" in "Mobil (også sms): 5213 4657", ")." """
    return (
        len(text) > 1
        and text not in _ELLIPSES
        and any(ch in ".!?:;" for ch in text)
        and not any(ch.isalnum() for ch in text)
    )


def _is_number_period(text: str) -> bool:
    return len(text) > 1 and text[-1] == "." and text[:-1].isdigit()


class _Tokens:
    """The token texts and trailing-space flags of a Doc as plain lists.

    The rules below look at neighbouring tokens many times; reading them once through
    ``Doc.to_array`` avoids creating a spaCy ``Token`` object per look (which made the
    segmenter several times slower than the tokenizer).
    """

    __slots__ = ("_offsets", "_text", "n", "space", "texts")

    def __init__(self, texts: list[str], space: list[int]) -> None:
        self.texts = texts
        self.space = space
        self.n = len(texts)
        self._offsets: list[int] | None = None
        self._text: str | None = None

    @property
    def text(self) -> str:
        """The Doc's text, rebuilt from the lists (``Doc.text`` is slow: a Token per token)."""
        if self._text is None:
            self._text = "".join(t + " " * s for t, s in zip(self.texts, self.space, strict=True))
        return self._text

    def idx(self, k: int) -> int:
        """Character offset of token ``k`` (computed on first use; rarely needed)."""
        if self._offsets is None:
            offsets, pos = [], 0
            for t, s in zip(self.texts, self.space, strict=True):
                offsets.append(pos)
                pos += len(t) + s
            self._offsets = offsets
        return self._offsets[k]

    def at_line_start(self, i: int) -> bool:
        """Whether only spaces stand between token ``i`` and the start of its line."""
        k = i - 1
        while k >= 0 and self.texts[k].isspace():
            if "\n" in self.texts[k]:
                return True
            k -= 1
        return k < 0

    def previous_word(self, i: int) -> str | None:
        k = i - 1
        while k >= 0 and self.texts[k].isspace():
            k -= 1
        return self.texts[k].lower() if k >= 0 else None

    def skip_closers(self, k: int) -> int:
        """Index of the first token from ``k`` on that is not a closing bracket, an attached
        closing quote or space."""
        texts, space, n = self.texts, self.space, self.n
        while k < n:
            text = texts[k]
            if text in _CLOSERS or text.isspace():
                k += 1
            elif text in _QUOTES and not space[k - 1]:
                k += 1  # 'morgen."' / 'Kom.«' — the quote sticks to the period: it closes
            else:
                break
        return k


def _period_continues(toks: _Tokens, i: int, j: int) -> bool:
    """Whether token ``i`` (a word ending in '.', e.g. "kl.", "10.", "K.", "osv.") does NOT end
    its sentence. ``j`` is the first token after it that is not space, quote or bracket."""
    if j >= toks.n:
        return False  # end of block
    nxt = toks.texts[j]
    first = nxt[0]
    if first == "«" and _MERGE_FIELD.match(toks.text, toks.idx(j)):
        return True  # "kl. «MoedeTid»", "Tlf. «SagsbehandlerTelefon»": a field holds the value
    if first.isdigit() or first in "§%,;:-–/&+":
        # "kl. 10", "stk. 2", "ca. 20", "jf. § 3", "kr. 1.500"; a Danish sentence in a letter
        # rarely starts with a number.
        return True
    if not first.isalpha():
        return False
    if first.islower():
        return True  # "d. 12. marts", "bl.a. er", "osv. og", "1. januar"
    # The next word is capitalised.
    word = toks.texts[i]
    number = _is_number_period(word)
    if number and toks.at_line_start(i):
        return True  # "1. Du skal …" at the start of a line is a list number
    next_lower = nxt.lower()
    if next_lower in MONTHS:
        return True  # "d. 12. September", "1. Januar"
    if next_lower in STARTERS:
        return False
    if number:
        # "på Torvet 3. Formålet" ends; "under 2. Verdenskrig", "den 3. Division" go on.
        return toks.previous_word(i) in _ORDINAL_CONTEXT
    if word.lower() in CONTINUING:
        return True
    # An initial ("Jens K. Hansen", "d. A.") continues. Every other abbreviation — those that
    # often end a sentence ("osv.", "mv.", "m.fl.", "kr.", "mio.", "pct.", "p.t.", "tlf.") and
    # the rest — ends it before a capitalised word: ". Capital" normally starts a sentence.
    return len(word) == 2 and word[0].isalpha() and word[0].isupper()


def _starts(toks: _Tokens) -> list[int]:
    """Token indices where a new sentence starts (excluding 0), by the Danish rules above."""
    texts, space, n = toks.texts, toks.space, toks.n
    starts: list[int] = []
    i = 0
    while i < n:
        text = texts[i]
        last = text[-1]
        if last not in _TRIGGERS and not last.isspace():
            i += 1  # most tokens: a word that cannot end a sentence
            continue
        end_here = False
        if text in _ENDERS or _is_ender_cluster(text):
            end_here = True
            if text == "." and i > 0 and not space[i - 1] and i + 1 < n:
                nxt = texts[i + 1] if space[i] else ""
                prev = texts[i - 1].lower()
                if texts[i + 1] == ",":
                    end_here = False  # "2. mf., 2999 Kløverup": an abbreviation before a comma
                elif nxt[:1].isdigit() and (prev.endswith("nr") or prev in _NUMBER_LABELS):
                    # "Sagsnr. 2026-1234", "Cpr.nr. 010101-1234": an abbreviation the tokenizer
                    # does not know, then its number. ("… Jobcenter. 761 borgere …" ends.)
                    end_here = False
                elif nxt[:1].islower() and prev[-1:].isalnum():
                    # "den 100. dag" (an ordinal the tokenizer split off), "ml. kl. 9",
                    # "man.-fre. kl. 9-15" (abbreviations it does not know): a lower-case word
                    # after a period attached to a word continues the sentence.
                    end_here = False
        elif text in _ELLIPSES:
            j = toks.skip_closers(i + 1)
            end_here = j >= n or not texts[j][:1].islower()
        elif "\n" in text and text.isspace():
            # A line break inside a paragraph (Shift+Enter) ends a sentence unless the next
            # line continues it in lower case.
            j = i + 1
            while j < n and texts[j].isspace():
                j += 1
            if j < n and not texts[j][:1].islower():
                starts.append(j)
            i = j
            continue
        elif len(text) > 1 and text[-1] == "." and any(ch.isalnum() for ch in text):
            end_here = not _period_continues(toks, i, toks.skip_closers(i + 1))
        if end_here:
            # Absorb further enders ("?!", "mv.).") and closers; the next sentence starts after.
            k = i + 1
            while True:
                k = toks.skip_closers(k)
                if k < n and (
                    texts[k] in _ENDERS or texts[k] in _ELLIPSES or _is_ender_cluster(texts[k])
                ):
                    k += 1
                else:
                    break
            if k < n:
                starts.append(k)
            i = max(k, i + 1)
            continue
        i += 1
    return starts


#: Characters without which a block is one sentence (the common case: headings, list items).
_SPLIT_CHARS = re.compile(r"[.!?:;…\n]")


def sentence_starts(doc: Doc) -> list[int]:
    """Token indices (after 0) where the Danish rules start a new sentence in ``doc``."""
    if len(doc) < 2:
        return []
    spacy_ = _spacy()
    arr = doc.to_array(spacy_.orth_space)
    strings = doc.vocab.strings
    texts = [strings[orth] for orth in arr[:, 0].tolist()]
    return _starts_of(texts, arr[:, 1].tolist())


def _starts_of(texts: list[str], space: list[int]) -> list[int]:
    """``sentence_starts`` from a Doc's token texts and trailing-space flags."""
    if len(texts) < 2:
        return []
    joined = "".join(texts)
    first = _SPLIT_CHARS.search(joined)
    if first is None or first.start() == len(joined) - 1:
        return []  # no sentence end, or only the final one: the common short paragraph
    return _starts(_Tokens(texts, space))


def segment(doc: Doc) -> Doc:
    """Set ``is_sent_start`` on every token of ``doc`` (True at a sentence start, else False)."""
    n = len(doc)
    if n == 0:
        return doc
    spacy_ = _spacy()
    values = spacy_.numpy.full((n, 1), _NOT_START, dtype=spacy_.numpy.uint64)
    values[0, 0] = 1
    for k in sentence_starts(doc):
        values[k, 0] = 1
    doc.from_array(spacy_.sent_start, values)
    return doc


#: A Doc's tokens as plain lists: texts, lower cases, lemmas and character offsets.
TokenLists = tuple[list[str], list[str], list[str], list[int]]
#: What ``process`` keeps of a Doc for its ``TokenLists``: token texts, trailing-space flags
#: and (ORTH, SPACY, LOWER) rows, the arrays it reads anyway (``token_lists`` makes the rest).
RawTokens = tuple[list[str], list[int], list[list[int]]]

#: lower-case form's hash -> (that form, its lemma): the strings ``process`` hands on for the
#: token lists, looked up once per distinct word instead of once per token.
_FORMS: dict[int, tuple[str, str]] = {}


def process(
    nlp: spacy.Language,
    texts: Iterable[str],
    starts: list[list[int]] | None = None,
    tokens: list[RawTokens] | None = None,
) -> list[Doc]:
    """``list(nlp.pipe(texts))`` for the pipeline of ``get_nlp()``, in one pass per text.

    ``starts``, when given, gets each Doc's sentence starts: the token indices after 0 whose
    ``is_sent_start`` is True, in order. LIX and the sentence rules read them from there
    instead of from each Doc again (``Doc.to_array`` costs microseconds per call, which for a
    letter of a few dozen short blocks is more than the reading itself). Only this one-pass
    path fills it: for any other pipeline ``starts`` is left as it was. ``tokens``, likewise,
    gets each Doc's ``RawTokens``, the arrays this pass has in hand anyway, from which
    ``token_lists`` gives what ``token.text``, ``lower_``, ``lemma_`` and ``idx`` give, only for
    the blocks a rule asks about, so the rules never make a ``Token`` object or read the Doc
    again (``analysis.Tokens``).

    The same Docs (tokens, sentence starts, lemmas) as running the two components one after
    the other, but each Doc is read with one ``Doc.to_array`` and written with one
    ``Doc.from_array`` instead of two of each, and without ``nlp.pipe``'s per-Doc generator
    layers: a letter is a few dozen short blocks, so this per-Doc overhead was most of the
    components' cost. Any other pipeline (a component added or disabled) goes through
    ``nlp.pipe``.
    """
    if nlp.pipe_names != [SENTENCES_PIPE, LEMMAS_PIPE]:
        return list(nlp.pipe(texts))
    setter = nlp.get_pipe(LEMMAS_PIPE)
    if not isinstance(setter, LemmaSetter):
        return list(nlp.pipe(texts))
    spacy_ = _spacy()
    numpy = spacy_.numpy
    attrs_in = spacy_.orth_space_lower
    attrs_out = spacy_.sent_start_lemma
    cache, strings = setter.cache, setter.strings
    make_doc = nlp.make_doc
    docs = []
    for text in texts:
        doc = make_doc(text)
        n = len(doc)
        if n:
            rows = doc.to_array(attrs_in).tolist()
            # (SENT_START, LEMMA) per token, flat: one list and one reshape are cheaper for a
            # short Doc than a list of lists.
            values = []
            append = values.append
            for _orth, _space, key in rows:
                found = cache.get(key)
                if found is None:
                    found = strings.add(lemma(strings[key]))
                    if len(cache) < 500_000:
                        cache[key] = found
                append(_NOT_START)
                append(found)
            values[0] = 1
            doc_starts: list[int] = []
            words = [strings[orth] for orth, _space, _lower in rows]
            spaces = [space for _orth, space, _lower in rows]
            if n > 1:
                doc_starts = _starts_of(words, spaces)
                for k in doc_starts:
                    values[2 * k] = 1
            if tokens is not None:
                tokens.append((words, spaces, rows))
            doc.from_array(attrs_out, numpy.array(values, dtype=numpy.uint64).reshape(n, 2))
            if starts is not None:
                starts.append(doc_starts)
        else:
            if starts is not None:
                starts.append([])
            if tokens is not None:
                tokens.append(([], [], []))
        docs.append(doc)
    return docs


def token_lists(raw: RawTokens, strings: spacy.strings.StringStore) -> TokenLists:
    """A Doc's ``TokenLists`` from what ``process`` kept of it (``RawTokens``)."""
    words, spaces, rows = raw
    forms = [_FORMS.get(row[2]) or _forms(strings, row[2]) for row in rows]
    lengths = [len(word) + space for word, space in zip(words, spaces, strict=True)]
    offsets = list(accumulate(lengths, initial=0))
    offsets.pop()
    return words, [f[0] for f in forms], [f[1] for f in forms], offsets


def _forms(strings: spacy.strings.StringStore, key: int) -> tuple[str, str]:
    lower = strings[key]
    forms = (lower, lemma(lower))
    if len(_FORMS) < 500_000:
        _FORMS[key] = forms
    return forms


class _SpacyBits:
    """numpy and the spaCy attribute ids the components use, imported once on first use (not
    at module import, and not per Doc: an import statement in a function costs a microsecond
    or two, which adds up over thousands of small blocks)."""

    def __init__(self) -> None:
        import numpy
        from spacy.attrs import LEMMA, LOWER, ORTH, SENT_START, SPACY

        self.numpy = numpy
        self.orth_space = [ORTH, SPACY]
        self.sent_start = [SENT_START]
        self.lower = [LOWER]
        self.lemma = [LEMMA]
        self.orth_space_lower = [ORTH, SPACY, LOWER]
        self.sent_start_lemma = [SENT_START, LEMMA]


_SPACY_BITS: _SpacyBits | None = None


def _spacy() -> _SpacyBits:
    global _SPACY_BITS
    if _SPACY_BITS is None:
        _SPACY_BITS = _SpacyBits()
    return _SPACY_BITS


#: SENT_START's "not a start" (-1) as the uint64 that ``Doc.from_array`` takes.
_NOT_START = 2**64 - 1


class LemmaSetter:
    """Sets ``token.lemma`` to the lower-case lookup lemma; remembers, per vocabulary, the
    lemma hash of every lower-case form it has seen, so a warm letter costs one dict lookup per
    token and one ``Doc.from_array``."""

    def __init__(self, vocab: spacy.Vocab) -> None:
        self.strings = vocab.strings
        self.cache: dict[int, int] = {}

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        spacy_ = _spacy()
        cache, strings = self.cache, self.strings
        lowers = doc.to_array(spacy_.lower).tolist()
        lemmas = []
        for key in lowers:
            found = cache.get(key)
            if found is None:
                found = strings.add(lemma(strings[key]))
                if len(cache) < 500_000:
                    cache[key] = found
            lemmas.append(found)
        doc.from_array(spacy_.lemma, spacy_.numpy.array(lemmas, dtype=spacy_.numpy.uint64)[:, None])
        return doc


def set_lemmas(doc: Doc) -> Doc:
    """Set ``token.lemma_`` to the lower-case lookup lemma of every token (simple form of
    ``LemmaSetter`` for a Doc made outside ``get_nlp()``)."""
    for tok in doc:
        tok.lemma_ = lemma(tok.lower_)
    return doc


# --------------------------------------------------------------------------------------------
# spaCy without its command line
# --------------------------------------------------------------------------------------------

_CLI, _CLI_INFO = "spacy.cli", "spacy.cli.info"


class _LazyModule(types.ModuleType):
    """Stands in for spaCy's command-line package until something asks it for a name; then the
    real package is imported and answers."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(_real_cli(self.__name__), name)


def _real_cli(name: str) -> Any:
    for stub in (_CLI_INFO, _CLI):
        if isinstance(sys.modules.get(stub), _LazyModule):
            del sys.modules[stub]
    module = importlib.import_module(name)
    spacy_module = sys.modules.get("spacy")
    if spacy_module is not None:
        spacy_module.cli = sys.modules[_CLI]  # type: ignore[attr-defined]
    return module


def _spacy_info(*args: Any, **kwargs: Any) -> Any:
    return _real_cli(_CLI_INFO).info(*args, **kwargs)


def skip_spacy_cli() -> None:
    """Let ``import spacy`` skip spaCy's command line (typer, weasel, requests, httpx).

    spacy/__init__.py imports ``spacy.cli.info`` only to offer ``spacy.info()``, and that pulls
    in the whole ``spacy`` command line: about 0.2 s of every lettercheck start, which never
    runs a spaCy command. Before spaCy is first imported, ``spacy.cli`` and ``spacy.cli.info``
    are stand-ins that import the real modules the moment anything asks them for a name
    (``spacy.info()``, ``spacy.cli.download``), so nothing spaCy offers is lost. Does nothing
    once spaCy is imported."""
    if "spacy" in sys.modules or _CLI in sys.modules:
        return
    spec = importlib.util.find_spec("spacy")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return
    cli = _LazyModule(_CLI)
    cli.__path__ = [os.path.join(location, "cli") for location in spec.submodule_search_locations]
    info = _LazyModule(_CLI_INFO)
    info.info = _spacy_info  # type: ignore[attr-defined]
    cli.info = info  # type: ignore[attr-defined]
    sys.modules[_CLI] = cli
    sys.modules[_CLI_INFO] = info


def import_spacy() -> Any:
    """``import spacy`` without its command line (see ``skip_spacy_cli``); ``spacy.cli`` is then
    the stand-in, which imports the real package when asked for anything."""
    skip_spacy_cli()
    import spacy

    cli = sys.modules.get(_CLI)
    if cli is not None:
        spacy.__dict__.setdefault("cli", cli)
    return spacy


_NLP: spacy.Language | None = None
SENTENCES_PIPE = "lettercheck_sentences"
LEMMAS_PIPE = "lettercheck_lemmas"


def _register() -> None:
    from spacy.language import Language

    if not Language.has_factory(SENTENCES_PIPE):
        Language.component(SENTENCES_PIPE, func=segment)
    if not Language.has_factory(LEMMAS_PIPE):
        Language.factory(LEMMAS_PIPE, func=lambda nlp, name: LemmaSetter(nlp.vocab))


def get_nlp() -> spacy.Language:
    """The process-wide Danish pipeline: blank "da" tokenizer, sentence segmenter, lemmas."""
    global _NLP
    if _NLP is None:
        spacy = import_spacy()

        _register()
        nlp = spacy.blank("da")
        nlp.add_pipe(SENTENCES_PIPE)
        nlp.add_pipe(LEMMAS_PIPE)
        _NLP = nlp
    return _NLP
