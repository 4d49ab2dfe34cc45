"""The speed-ups must not change a single finding: each fast path is checked here against the
plain code it replaces (a reference written out in the test), on real and random texts."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from lettercheck.engine.ruleset import load_rules
from lettercheck.language import lix
from lettercheck.language.danish import get_nlp, process

_TEXTS = [
    "",
    " ",
    "\n",
    ".",
    "Hej.",
    "Du skal møde op den 3. marts kl. 10.00. Mødet holdes i Jobcentret, jf. § 16, stk. 2.",
    "Vi har modtaget din ansøgning om sygedagpenge og beskæftigelsesindsatsforløbet.",
    "Ring på tlf. 72 10 60 12 eller skriv til jc@kommune.dk, se www.borger.dk.\nMvh",
    "«SagsbehandlerNavn» Sagsnr. 2026-1234 … Det betyder. hvad? Ja!  To  mellemrum  ",
    "İstanbul-ophold (evt. pga. sygdom) d.d. p.t. i.h.t. ift. vedr. m.h.t.",
]


def _random_texts(count: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    words = " ".join(_TEXTS).replace("\n", " \n ").split(" ")
    glue = [" ", " ", " ", "  ", "\n", ". ", ", ", ""]
    return [
        "".join(rnd.choice(words) + rnd.choice(glue) for _ in range(rnd.randint(0, 25)))
        for _ in range(count)
    ]


def _reference_iter_words(text: str, placeholders=()):  # type: ignore[no-untyped-def]
    """lix.iter_words as it was before the fast path: a generator, regex letter count."""
    spans = sorted(placeholders)
    p = 0
    for match in lix._WORD_RE.finditer(text):
        start = match.start()
        while p < len(spans) and spans[p][1] <= start:
            p += 1
        if p < len(spans) and spans[p][0] < match.end() and start < spans[p][1]:
            continue
        if match.lastgroup == "word":
            letters = len(re.sub(r"[\W\d_]+", "", match.group()))
            yield start, match.end(), letters > lix.LONG_WORD_LETTERS
        else:
            yield start, match.end(), False
    for start, end in spans:
        yield start, end, False


def test_word_spans_and_counts_match_the_reference() -> None:
    rnd = random.Random(1)
    for text in _TEXTS + _random_texts(400, 2):
        placeholders = []
        if text and rnd.random() < 0.4:
            a = rnd.randrange(len(text))
            placeholders.append((a, rnd.randint(a, len(text))))
        expected = list(_reference_iter_words(text, placeholders))
        assert lix.word_spans(text, placeholders) == expected
        assert lix.count_words(text, placeholders) == len(expected)
        starts = sorted({rnd.randint(0, len(text)) for _ in range(rnd.randint(0, 3))}) or [0]
        sentences = {max(0, sum(1 for s in starts if s <= w[0]) - 1) for w in expected}
        spans = [(s, 0) for s in starts]
        assert lix.count_text(text, spans, placeholders) == (
            len(expected),
            len(sentences),
            sum(1 for w in expected if w[2]),
        )


def test_word_only_regex_finds_what_the_full_one_finds() -> None:
    """lix._word_regex: where it picks the word alternative alone, the full regex finds the same
    spans, every one a word; texts with addresses and fields keep the full regex."""
    rnd = random.Random(13)
    pieces = [
        "ord",
        "Kommunen",
        "3.5",
        "12:30",
        "a-b",
        "«",
        "»",
        "@",
        "jc@x.dk",
        "www",
        "www.",
        "://",
        "http",
        "https://borger.dk/a",
        ".",
        "dk",
        ".dk",
        ".dkk",
        "borger.dk",
        "x.com/",
        "Uk",
        ".io",
        "_",
        "’",
        "-",
        " ",
        " ",
        "\n",
        "æøå",
        "ſ",
        "2026",
    ]
    seen = {True: 0, False: 0}
    for _ in range(6000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10)))
        regex, only_words = lix._word_regex(text)
        seen[only_words] += 1
        full = [(m.span(), m.lastgroup) for m in lix._WORD_RE.finditer(text)]
        if only_words:
            assert regex is lix._WORD_ONLY
            assert [(m.span(), "word") for m in regex.finditer(text)] == full, text
        else:
            assert regex is lix._WORD_RE
    assert min(seen.values()) > 1000


def test_process_gives_the_same_docs_as_the_pipeline() -> None:
    from spacy.attrs import IDX, LEMMA, LOWER, ORTH, SENT_START, SPACY

    nlp = get_nlp()
    texts = _TEXTS + _random_texts(300, 3)
    attrs = [ORTH, SPACY, LOWER, LEMMA, SENT_START, IDX]
    for slow, fast in zip(list(nlp.pipe(texts)), process(nlp, texts), strict=True):
        assert fast.text == slow.text
        assert fast.to_array(attrs).tolist() == slow.to_array(attrs).tolist()
        assert fast.has_annotation("SENT_START") == slow.has_annotation("SENT_START")


def test_sentence_bounds_are_those_of_doc_sents() -> None:
    """Both ways to the sentences without doc.sents: reading SENT_START, and the starts that
    process() hands out (which must be exactly the tokens it marked)."""
    from lettercheck.language.analysis import bounds_from_starts, doc_sentence_bounds

    nlp = get_nlp()
    texts = _TEXTS + _random_texts(300, 4)
    starts: list[list[int]] = []
    docs = process(nlp, texts, starts)
    assert len(starts) == len(docs)
    multi = 0
    for doc, doc_starts in zip(docs, starts, strict=True):
        expected = [(s.start, s.end, s.start_char, s.end_char) for s in doc.sents]
        assert doc_sentence_bounds(doc) == expected
        assert bounds_from_starts(doc, doc_starts) == expected
        assert doc_starts == [t.i for t in doc if t.is_sent_start and t.i > 0]
        multi += len(doc_starts) > 0
    assert multi > 50


def test_readability_from_process_starts_is_as_from_the_docs() -> None:
    """lix.readability with the starts from process() (and, for "simple", block.text instead of
    doc.text) gives what it gives reading each Doc; so do long-sentence and missing-goal."""
    from lettercheck.checks import CHECKS
    from lettercheck.language.analysis import Analysis, analyse
    from lettercheck.model.document import Block, BlockKind, Document

    rnd = random.Random(8)
    texts = _TEXTS + _random_texts(400, 9)
    rules = {r.name: r for r in load_rules()}
    long_texts = [" ".join(rnd.sample(texts, 6)) for _ in range(60)]
    for k in range(0, len(texts), 20):
        chunk = texts[k : k + 20] + long_texts[k // 8 : k // 8 + 3]
        blocks = [
            Block(
                index=i,
                kind=rnd.choice([BlockKind.PARAGRAPH, BlockKind.PARAGRAPH, BlockKind.HEADER]),
                text=text,
                story="word/document.xml",
                paragraph=i,
            )
            for i, text in enumerate(chunk)
        ]
        document = Document(path=Path("x.docx"), format="docx", blocks=blocks)
        for rule in ("danish", "simple"):
            fast = analyse(document, rule)
            assert fast.sentence_starts is not None
            slow = Analysis(document, fast.docs, lix.readability(document, fast.docs, rule), None)
            expected = lix.score(
                *map(
                    sum,
                    zip(
                        *[
                            lix.count_text(b.text, _reference_spans(d, rule))
                            for b, d in zip(blocks, fast.docs, strict=True)
                            if b.kind is BlockKind.PARAGRAPH
                        ],
                        (0, 0, 0),
                        strict=False,
                    ),
                )
            )
            assert fast.readability == slow.readability == expected
            for name in ("long-sentence", "missing-goal", "passive-voice"):
                check = CHECKS[rules[name].check]
                options = {**rules[name].options, "max-words": 8}
                assert list(check(fast, options)) == list(check(slow, options)), name


def _reference_spans(doc, rule: str) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """Sentence spans as lix read them before: doc.text, doc.sents."""
    if rule == "simple":
        return lix.simple_sentence_spans(doc.text)
    return [(s.start_char, s.end_char) for s in doc.sents] if len(doc) else []


#: The patterns as first written (look-behind first). The rule files now start each with its
#: first character so that the regex engine can skip to it; the matches must be the same.
_LOOKBEHIND_FIRST = {
    "abbreviation": [
        r"(?<![\w.])[Jj](?:f|vf)\.",
        r"(?<![\w.])[Ii](?:ht|\.h\.t)\.",
        r"(?<![\w.])[Ii](?:ft|\.f\.t)\.",
        r"(?<![\w.])[Ee]vt\.",
        r"(?<![\w.])[Pp](?:ga|\.g\.a)\.",
        r"(?<![\w.])[Pp]\.t\.",
        r"(?<![\w.])[Pp]r\.\s+d\.d\.",  # issue 13: "pr. d.d." -> "i dag" as a whole
        r"(?<![\w.])[Dd]\.d\.",
        r"(?<![\w.])[Mm](?:ht|\.h\.t)\.",
        r"(?<![\w.])[Vv]edr\.",
    ],
    "phone": [
        r"(?<![\d+])\+45\s?\d{2}\s?\d{2}\s?\d{2}\s?\d{2}(?!\d)",
        r"(?<![\d+/.-])\d{2}\s\d{2}\s\d{2}\s\d{2}(?![\d/-]|\.\d)",
        r"(?<![\d+/.-])\d{2}-\d{2}-\d{2}-\d{2}(?![\d/-]|\.\d)",
        r"(?<![\d+/.-])\d{4}\s\d{4}(?![\d/-]|\.\d)",
        r"(?<![\d+/.-])\d{8}(?![\d/-]|\.\d)",
    ],
}


@pytest.mark.parametrize("which", ["abbreviation", "phone"])
def test_rewritten_patterns_match_exactly_as_the_look_behind_first_ones(which: str) -> None:
    rules = {r.name: r for r in load_rules()}
    if which == "abbreviation":
        current = [item.pattern for item in rules["abbreviation"].items]
        alphabet = list("JjIiEePpDdMmVvfthvgaedr. .\n,ø1_-")
    else:
        options = rules["missing-caseworker-phone"].options
        flags = re.IGNORECASE | re.UNICODE
        current = [re.compile(p, flags) for p in options["phone-patterns"]]
        current.append(re.compile(options["phone-bare-pattern"], flags))
        alphabet = list("0123456789" * 3 + " +-/.\n4a")
    original = [re.compile(p, current[0].flags) for p in _LOOKBEHIND_FIRST[which]]
    assert len(original) == len(current)
    rnd = random.Random(7)
    for _ in range(6000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 20)))
        for old, new in zip(original, current, strict=True):
            assert [m.span() for m in new.finditer(text)] == [
                m.span() for m in old.finditer(text)
            ], (new.pattern, text)


# -- reader: plain child loops instead of lxml's ElementPath ---------------------------------------
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _random_tree(rnd: random.Random, names: list[str], depth: int = 0):  # type: ignore[no-untyped-def]
    from lxml import etree

    el = etree.Element(f"{{{_W_NS}}}{rnd.choice(names)}")
    for _ in range(rnd.randint(0, 5 if depth < 3 else 0)):
        roll = rnd.random()
        if roll < 0.1:
            el.append(etree.Comment("c"))
        elif roll < 0.15:
            el.append(etree.ProcessingInstruction("pi"))
        elif roll < 0.2:
            el.append(etree.Element(f"{{urn:other}}{rnd.choice(names)}"))
        else:
            el.append(_random_tree(rnd, names, depth + 1))
    return el


def test_child_lookups_find_what_lxml_find_finds() -> None:
    from lettercheck.word import reader

    names = ["pPr", "rPr", "rStyle", "b", "vanish", "r", "t", "rPrDefault"]
    tags = [f"{{{_W_NS}}}{n}" for n in names]
    rnd = random.Random(11)
    for _ in range(3000):
        tree = _random_tree(rnd, names)
        for el in tree.iter():
            if not isinstance(el.tag, str):
                continue
            for tag in tags:
                assert reader._child(el, tag) is el.find(tag)
            rstyle, b, vanish = reader._rpr_children(el)
            assert rstyle is el.find(reader.W_RSTYLE)
            assert b is el.find(reader.W_B)
            assert vanish is el.find(reader.W_VANISH)
            path = tuple(rnd.sample(tags, rnd.randint(1, 3)))
            assert reader._descendant(el, path) is el.find("/".join(path))


def test_the_reused_parser_parses_like_a_fresh_one() -> None:
    """parse_xml keeps one parser per thread; a part parsed after a refused or broken one must
    come out exactly as a fresh parser gives it."""
    from lxml import etree

    from lettercheck.model.document import LetterError
    from lettercheck.word.ooxml import parse_xml

    good = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W_NS}"><w:body><w:p><w:r>'
        '<w:t xml:space="preserve"> a &amp; b </w:t></w:r></w:p><!-- c --></w:body></w:document>'
    ).encode()
    bad = [
        (b"<w:p", "ikke gyldig XML"),
        (b'<!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>', "DOCTYPE"),
        (b"<a>" * 5000 + b"</a>" * 5000, "for dybt indlejret"),
        ("<!DOCTYPE a><a>\u00e6</a>".encode("utf-16"), "DOCTYPE"),
        (b"", "ikke gyldig XML"),
    ]
    fresh = etree.tostring(etree.fromstring(good, etree.XMLParser(resolve_entities=False)))
    for data, message in bad * 2:
        with pytest.raises(LetterError, match=message):
            parse_xml(data, "word/document.xml")
        assert etree.tostring(parse_xml(good, "word/document.xml")) == fresh


# -- package: fast paths for relationship targets and small files ---------------------------------
def test_is_normal_agrees_with_normpath() -> None:
    import posixpath

    from lettercheck.word.package import _is_normal

    rnd = random.Random(12)
    pieces = ["a", "b", "word", ".", "..", "...", ".x", "/", "//", "x.xml"]
    for _ in range(20000):
        path = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 6)))
        if _is_normal(path):
            assert posixpath.normpath(path) == path, path


def _outcome(path: Path) -> object:
    from lettercheck.model.document import LetterError
    from lettercheck.word.reader import read_document

    try:
        return repr(read_document(path).blocks), repr(read_document(path).comments)
    except LetterError as error:
        return str(error)


def test_a_small_file_read_into_memory_reads_as_from_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files up to IN_MEMORY_BYTES are read into memory at once; good and broken ones must come
    out exactly as when zipfile reads them from the file."""
    import hostile as h

    from lettercheck.word import package

    paths = [
        h.good_letter(tmp_path / "good.docx", headers=[h.paragraph("Hoved")]),
        h.truncated_zip(tmp_path / "truncated.docx"),
        h.truncated_zip(tmp_path / "truncated-much.docx", keep=0.9),
        h.broken_package_rels(tmp_path / "rels.docx"),
        h.broken_document_rels(tmp_path / "docrels.docx"),
        h.malformed_document_xml(tmp_path / "document.docx"),
        h.malformed_styles_xml(tmp_path / "styles.docx"),
        h.dangling_main_relationship(tmp_path / "dangling.docx"),
        h.zip_without_document(tmp_path / "nodoc.docx"),
        h.random_bytes(tmp_path / "noise.docx"),
    ]
    data = (tmp_path / "good.docx").read_bytes()
    flipped = bytearray(data)
    flipped[len(data) // 3] ^= 0xFF  # a damaged deflate stream or CRC
    (tmp_path / "flipped.docx").write_bytes(bytes(flipped))
    paths.append(tmp_path / "flipped.docx")
    assert all(p.stat().st_size <= package.IN_MEMORY_BYTES for p in paths)
    from_memory = [_outcome(p) for p in paths]
    monkeypatch.setattr(package, "IN_MEMORY_BYTES", 0)
    assert [_outcome(p) for p in paths] == from_memory
    assert isinstance(from_memory[0], tuple)
    assert sum(isinstance(o, str) for o in from_memory) >= 9


# -- legal-reference-early: literals every strong atom needs, checked before the regex search ----
def test_fold_safe_characters_match_only_what_folds_to_them() -> None:
    """A literal of _FOLD_SAFE characters that a case-insensitive pattern matches must stand in
    the text's casefold(): every code point re.IGNORECASE matches to one of them folds to it."""
    import sys

    from lettercheck.checks.common import FOLD_SAFE as _FOLD_SAFE

    everything = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i < 0xE000)
    for char in _FOLD_SAFE:
        for match in re.finditer(re.escape(char), everything, re.IGNORECASE | re.UNICODE):
            assert match.group().casefold() == char, (char, hex(ord(match.group())))


_LEGAL_PIECES = [
    "§",
    "§§",
    " 16",
    " 3 a",
    ", stk. 2",
    " stk. 1, nr. 3",
    "Stk.",
    "ſtk. 2",
    "STK. 4",
    " og ",
    "jf.",
    "Jf.",
    " i ",
    "sygedagpengelovens",
    "Forvaltningsloven",
    "aktivlovens",
    "LOV",
    "Lov",
    " om ",
    "social service",
    "lbk. nr. 1234",
    "Bek nr 5 af 1.2.2020",
    "cİr nr. 3",
    "cır nr. 3",
    "bekendtgørelse om ",
    "BEKENDTGØRELSEN om ",
    "kapitel 3",
    "KAPİTEL 4",
    "Du skal",
    " møde op",
    ".",
    "\n",
    "Kr. 500",
    "nr. ",
    "integration af udlændinge i Danmark",
    "lovgivning",
    "K",
]


def _legal_texts(count: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return [
        "".join(rnd.choice(_LEGAL_PIECES + [" "] * 6) for _ in range(rnd.randint(0, 12)))
        for _ in range(count)
    ] + _TEXTS


def test_required_literals_stand_in_every_match() -> None:
    """Each strong atom's literals: wherever the atom matches, one of them is in the folded text."""
    from lettercheck.checks.common import compile_pattern as _compile
    from lettercheck.checks.common import required_literals as _required_literals

    options = {r.name: r for r in load_rules()}["legal-reference-early"].options
    texts = _legal_texts(3000, 21)
    for atom in options["atoms"]:
        literals = _required_literals(atom["pattern"])
        assert literals, atom["name"]
        regex = _compile(atom["pattern"])
        for text in texts:
            for match in regex.finditer(text):
                folded = match.group().casefold()
                assert any(lit in folded for lit in literals), (atom["name"], match.group())


def test_required_literals_of_made_up_patterns() -> None:
    from lettercheck.checks.common import compile_pattern as _compile
    from lettercheck.checks.common import required_literals as _required_literals

    assert _required_literals(r"\bfoo(?:bar|baz)+") == frozenset({"foo"})
    assert _required_literals(r"(?:x|yy)\d") == frozenset({"x", "yy"})
    assert _required_literals(r"[ab]+\d") is None
    assert _required_literals(r"(?:kapitel|kap\.)") == frozenset({"kap"})
    assert _required_literals(r"\bki?\b") == frozenset({"k"})  # "i" is optional
    assert _required_literals(r"\bik\b") == frozenset({"k"})  # "i" is not fold-safe
    rnd = random.Random(5)
    pieces = ["foo", "FOO", "bar", "Baz", "kap.", "KAPİTEL", "x", "yy", "1", " ", "ſ"]
    for pattern in [r"\bfoo(?:bar|baz)+", r"(?:kapitel|kap\.)", r"(?<!\w)ab+c{2,}", r"(?:x|yy)\d"]:
        literals = _required_literals(pattern)
        for _ in range(500):
            text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 8)))
            if literals is not None and _compile(pattern).search(text):
                assert any(lit in text.casefold() for lit in literals), (pattern, text)


def test_legal_references_are_found_as_without_the_literal_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from lettercheck.checks import legal as structure

    options = {r.name: r for r in load_rules()}["legal-reference-early"].options
    texts = _legal_texts(3000, 22)
    fast = [structure.find_legal_references(text, options) for text in texts]
    assert sum(1 for spans in fast if spans) > 300
    monkeypatch.setattr(structure, "strong_literals", lambda patterns: None)
    monkeypatch.setattr(structure, "any_strong_atom", lambda patterns: None)
    assert [structure.find_legal_references(text, options) for text in texts] == fast


def _reference_passive_voice(analysis, options):  # type: ignore[no-untyped-def]
    """passive_voice before its inline first test: every token through _s_passive_infinitive,
    the lemma compared as a string. Who acts is chosen by the same helpers."""
    from lettercheck.checks import Hit
    from lettercheck.checks.plain import (
        _actor_unknown,
        _agent,
        _clause_start,
        _main_blocks,
        _participle,
        _passive_message,
        _reader_acts,
        _s_passive_infinitive,
        _to_us,
        present,
    )

    skip_between = set(options.get("between", ()))
    for block, toks in _main_blocks(analysis):
        taken_until = -1
        for i in range(len(toks)):
            if i <= taken_until:
                continue
            infinitive = _s_passive_infinitive(toks, i, options)
            if infinitive is not None:
                start, suggestion = toks.idx[i], None
                agent = _agent(toks, i, options)
                reader = _reader_acts(toks, i, infinitive, options)
                active = f"vi {present(infinitive)}"
                if agent is not None:
                    active = f"{agent} {present(infinitive)}"
                elif _to_us(toks, i, options):
                    active = f"du {toks.lower[i - 1]} {infinitive}"
                elif reader is not None:
                    active = reader
                elif _actor_unknown(toks, i, infinitive, options):
                    active = None
                if i > 0 and toks.lower[i - 1] in ("der", "det") and _clause_start(toks, i - 1):
                    start = toks.idx[i - 1]
                    suggestion = active if active and active.startswith("vi ") else None
                    if suggestion is not None and toks.text[i - 1][:1].isupper():
                        suggestion = suggestion.capitalize()
                end = toks.end(i)
                yield Hit(
                    block.index,
                    start,
                    end,
                    _passive_message(block.text[start:end], active),
                    suggestion,
                )
                continue
            if toks.lemma[i] != "blive":
                continue
            for follower in range(i + 1, min(i + 4, len(toks))):
                if _participle(toks, follower, options):
                    verb = toks.lemma[follower]
                    agent = _agent(toks, follower, options)
                    who = agent or "vi"
                    if toks.lower[i] in ("blev", "blevet"):
                        active = f"{who} har {toks.lower[follower]}"
                    else:
                        active = f"{who} {present(verb)}" if verb.endswith("e") else f"{who} har …"
                    if agent is None and _actor_unknown(toks, follower, verb, options):
                        active = None
                    end = toks.end(follower)
                    yield Hit(
                        block.index,
                        toks.idx[i],
                        end,
                        _passive_message(block.text[toks.idx[i] : end], active),
                        None,
                    )
                    taken_until = follower
                    break
                if toks.lower[follower] not in skip_between:
                    break


def test_token_lists_are_what_the_tokens_say() -> None:
    """Analysis.tokens: the same text, lower case, lemma, offset and sentence start as spaCy's
    Token objects, and at_sentence_start as the Token-based test the rules used before."""
    from lettercheck.checks.plain import _punct_or_space
    from lettercheck.language.analysis import analyse, tokens_of
    from lettercheck.model.document import Block, BlockKind, Document

    texts = _TEXTS + _random_texts(300, 41)
    blocks = [
        Block(index=i, kind=BlockKind.PARAGRAPH, text=t, story="main", paragraph=i)
        for i, t in enumerate(texts)
    ]
    analysis = analyse(Document(path=Path("x.txt"), format="txt", blocks=blocks))
    for position, doc in enumerate(analysis.docs):
        toks = analysis.tokens(position)
        assert toks == tokens_of(doc)  # the starts danish.process found are the Doc's
        assert toks.text == [t.text for t in doc]
        assert toks.lower == [t.lower_ for t in doc]
        assert toks.lemma == [t.lemma_ for t in doc]
        assert toks.idx == [t.idx for t in doc]
        for token in doc:
            assert toks.sentence_of(token.i) == token.sent.start
            old = (
                token.is_sent_start
                or token.i == 0
                or all(not t.is_alpha and not t.is_digit for t in doc[token.sent.start : token.i])
            )
            assert toks.at_sentence_start(token.i) == old
            assert _punct_or_space(token.text) == (token.is_punct or token.is_space)


def test_passive_voice_is_as_without_its_inline_first_test() -> None:
    from lettercheck.checks.plain import passive_voice
    from lettercheck.language.analysis import analyse
    from lettercheck.model.document import Block, BlockKind, Document

    options = {r.name: r for r in load_rules()}["passive-voice"].options
    pieces = [
        "Der",
        "udbetales",
        "ydes",
        "ydes",
        "Det",
        "sendes",
        "Pengene",
        "blev",
        "bevilget",
        "bliver",
        "udbetalt",
        "er",
        "blevet",
        "sendt",
        "Blev",
        "indkaldt",
        "vi",
        "ses",
        "ydelses",
        "hvis",
        "os",
        "es",
        "Kommunes",
        "afholdes",
        "beregnes,",
        "og",
        "der",
        "foretages",
        "men",
        "det",
        "vurderes",
        "BLIVER",
        "sendt",
        "ikke",
        "godkendt",
        "du",
        ".",
        "Du",
        "til",
        "jobcentret",
        "undertegnede",
        "kan",
        "din",
        "sagsbehandler",
    ]
    rnd = random.Random(17)
    texts = [
        " ".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 14))) for _ in range(600)
    ] + _TEXTS
    blocks = [
        Block(index=i, kind=BlockKind.PARAGRAPH, text=t, story="", paragraph=i)
        for i, t in enumerate(texts)
    ]
    analysis = analyse(Document(path=Path("x.txt"), format="txt", blocks=blocks))
    fast = list(passive_voice(analysis, options))
    assert len(fast) > 300
    assert fast == list(_reference_passive_voice(analysis, options))


def test_quick_search_finds_what_the_regex_finds() -> None:
    """literals.search (the letter types' and require rules' patterns, ruled out by the
    literals they need) finds exactly what regex.search finds."""
    from lettercheck.language.letter_type import PLACES, load_vocabulary
    from lettercheck.language.literals import literals_of, search

    patterns = [r for t in load_vocabulary().types for p in PLACES for r in t.patterns[p]]
    for rule in load_rules():
        if rule.kind == "regex":
            patterns += [item.pattern for item in rule.items]
        requirement = getattr(rule, "requirement", None)
        if requirement is None:
            continue
        patterns += [*requirement.when, *requirement.unless]
        for needed in requirement.needed:
            patterns += [*needed.patterns, *needed.when, *needed.unless]
    assert sum(literals_of(r) is not None for r in patterns) > 100
    words = []
    for regex in patterns:  # texts built from the patterns' own literals, so many match
        words += list(literals_of(regex) or ())
    rnd = random.Random(7)
    texts = _TEXTS + _random_texts(200, 8)
    texts += [
        " ".join(rnd.choice([*words, "du", "Du", "DU", "skal", "İ", "ı"]) for _ in range(12))
        for _ in range(300)
    ]
    for text in texts:
        folded = text.casefold()
        for regex in patterns:
            expected = regex.search(text)
            found = search(regex, text, folded)
            assert (found and found.span()) == (expected and expected.span()), regex.pattern


def test_a_pattern_that_needs_a_digit_finds_nothing_without_one() -> None:
    """literals.needs_digit: the phone patterns need a digit (so contact skips paragraphs
    without one); patterns whose every match holds a \\d say so, others do not."""
    from lettercheck.checks.common import compile_any, compile_pattern
    from lettercheck.language.literals import DIGIT, needs_digit

    options = {r.name: r for r in load_rules()}["missing-caseworker-phone"].options
    phone = [compile_any(options["phone-patterns"]), compile_pattern(options["phone-bare-pattern"])]
    assert all(needs_digit(r.pattern) for r in phone)
    assert needs_digit(r"(?:\d|x\d)+") and needs_digit(r"a\d{2}") and needs_digit(r"(?>\d)")
    assert not needs_digit(r"a|\d") and not needs_digit(r"\d?x") and not needs_digit(r"\d*")
    made_up = [r"(?:\d|x\d)+", r"a\d{2}", r"(?:ab|c)\d", r"[\d]x", r"\d{0}y"]
    texts = [*_TEXTS, *_random_texts(300, 9), "٣٤ ١٢ ٥٦ ٧٨", "x12 a34 ab5 c6"]
    for regex in [*phone, *(re.compile(p) for p in made_up)]:
        for text in texts:
            if needs_digit(regex.pattern) and DIGIT.search(text) is None:
                assert regex.search(text) is None, (regex.pattern, text)


def test_spacy_without_its_command_line_still_offers_it() -> None:
    """danish.get_nlp imports spaCy without its command line (typer, weasel, requests: ~0.2 s of
    every start); spacy.info() and spacy.cli still work, importing the real modules on use."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from lettercheck.language.danish import get_nlp\n"
        "nlp = get_nlp()\n"
        "assert [t.text for t in nlp('Hej med dig.')] == ['Hej', 'med', 'dig', '.']\n"
        "assert 'typer' not in sys.modules and 'weasel' not in sys.modules\n"
        "import spacy\n"
        "assert spacy.cli.download.__module__ == 'spacy.cli.download'\n"
        "assert 'typer' in sys.modules and spacy.cli is sys.modules['spacy.cli']\n"
        "assert isinstance(spacy.info(markdown=True, silent=True), str)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
