"""Danish sentence segmentation and lemmas (issue 2, part 4).

Every case names the sentences it must produce. Both directions matter: a sentence end missed
after "kl. 10." makes a letter look harder than it is; a break inside "d. 12. marts" or "stk. 2"
makes it look easier and splits a finding's sentence in two.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lettercheck.language.danish import get_nlp, lemma


def sents(text: str) -> list[str]:
    return [s.text.strip() for s in get_nlp()(text).sents]


# --- The cases: a real sentence end after an abbreviation or a number ----------------
ENDS = [
    ("Mødet er kl. 10. Du skal komme.", ["Mødet er kl. 10.", "Du skal komme."]),
    (
        "Du får udbetalt 500 kr. Pengene kommer på din NemKonto.",
        ["Du får udbetalt 500 kr.", "Pengene kommer på din NemKonto."],
    ),
    (
        "Reglen står i nr. 3. Det står også i bilaget.",
        ["Reglen står i nr. 3.", "Det står også i bilaget."],
    ),
    (
        "Mødet holdes på Torvet 3. Formålet er at tale om din plan.",
        ["Mødet holdes på Torvet 3.", "Formålet er at tale om din plan."],
    ),
    (
        "Mødet holdes på Torvet 45. Formålet er at tale om din plan.",
        ["Mødet holdes på Torvet 45.", "Formålet er at tale om din plan."],
    ),
    ("Vi ses i morgen kl. 9. Husk dit sygesikringskort.", None),
    ("Mødet er flyttet til d. 3. Vi ringer til dig.", None),
    ("Det står i lovens § 68 a. Du kan klage.", None),
    ("Du får 2.000 kr. Beløbet udbetales d. 1. i måneden.", None),
    ("Ring på tlf. 70 12 34 56. Vi har åbent mandag-fredag kl. 9-15.", None),
    ("Du kan kontakte mig på mail eller tlf. Jeg har telefontid om morgenen.", None),
    ("Vi har ingen ledige tider p.t. Ring igen i morgen.", None),
    ("Det skete i 2010. Vi husker det.", None),
    ("Se pkt. 2.1. Det er vigtigt.", None),
    ("Bilag A. Du skal udfylde det.", None),
    ("Spørgeskemaet gik til 1.700 borgere i Jobcenteret. 761 borgere svarede.", None),
]


# --- ... and no end inside abbreviations, ordinals, dates, times, numbers, addresses ---------
ONE_SENTENCE = [
    "Vi ses d. 12. marts kl. 10.00 i jobcentret.",
    "Det følger af § 42, stk. 2, i loven.",
    "Afgørelsen er truffet efter sygedagpengelovens § 21, stk. 1, nr. 3, i loven.",
    "Du skal bl.a. tage dit sygesikringskort med.",
    "Du kan f.eks. tage en ven med.",
    "Vi har truffet afgørelsen, jf. forvaltningslovens § 19.",
    "Du kan klage, jf. § 19, over afgørelsen.",
    "Det tager ca. 20 minutter.",
    "Skriv til jobcenter@kommune.dk, hvis du har spørgsmål.",
    "Læs mere på www.jobnet.dk/cv eller https://www.borger.dk/arbejde?x=1 om din situation.",
    "Log på borger.dk og find din sag.",
    "Beløbet er 1.234,50 kr. om måneden.",
    "Forløbet varer 3,5 eller 3.5 timer om ugen.",
    "Din plan starter 1. januar 2027 og varer et år.",
    "Den 1. Januar starter planen.",
    "Den 24. September 1946 blev det besluttet.",
    "Mødet er 12.03.2026 kl. 9.30 i lokale 2.",
    "Svar senest 12/3 kl. 10.00-12.00 på telefonen.",
    "Åbent kl. 13.30-14.30 hver dag.",
    "Du kan tage bus, tog osv. og vi betaler.",
    "Vi har p.t. ingen ledige tider.",
    "Jens K. Hansen er din sagsbehandler.",
    "Det er den 100. dag i dit forløb.",
    "Sagsnr. 2026-1234 skal stå på dit svar.",
    "Cpr.nr. 010101-1234 og Journalnr. 12 står øverst.",
    "Du har ret til ca. 5.000 kr. pr. md. i perioden.",
    "Under 2. Verdenskrig skete det.",
    "Ved Reskript af 30. September d. A. har Kongen bestemt det.",
    "Vi ses … måske i morgen.",
    "Vi skal tale om din\nplan for de næste uger.",
    "Indkaldelse til samtale om din sygemelding",
    "Samtalen er «MoedeDato» kl. «MoedeTid» i Jobcenter Lyngå.",
    "Tlf. «SagsbehandlerTelefon»",
    "Ring ml. kl. 9 og 12.",
    "Åbent man.-fre. kl. 9-15.",
    "1. Du skal møde op.",
    "Mødet er d. 3. Marts 2026 kl. 10.",
    "Det er en ret iflg. Serviceloven.",
    "Kontakt evt. Borgerservice.",
    "Sydvej 7, 2. mf., 2999 Kløverup",
]

# --- quotes, parentheses, lists, osv./mv./m.fl. at the end of a sentence --------------------
PUNCTUATION = [
    (
        'Han sagde: "Kom i morgen." Vi ses.',
        ["Han sagde:", '"Kom i morgen."', "Vi ses."],
    ),
    ("Hun sagde: »Kom.« Vi ses.", ["Hun sagde:", "»Kom.«", "Vi ses."]),
    ("(Se bilag 2.) Vi ses.", ["(Se bilag 2.)", "Vi ses."]),
    (
        "Du skal medbringe papirer (lønsedler, kontoudtog mv.). Vi kigger på dem.",
        ["Du skal medbringe papirer (lønsedler, kontoudtog mv.).", "Vi kigger på dem."],
    ),
    (
        "Du kan søge job, tage kurser osv. Vi hjælper dig.",
        ["Du kan søge job, tage kurser osv.", "Vi hjælper dig."],
    ),
    (
        "Vi betaler transport mv. Du skal gemme kvitteringer.",
        ["Vi betaler transport mv.", "Du skal gemme kvitteringer."],
    ),
    (
        "Du mødes med din læge, din mentor m.fl. Husk at komme.",
        ["Du mødes med din læge, din mentor m.fl.", "Husk at komme."],
    ),
    (
        "Du skal medbringe: lønsedler; kontoudtog.",
        ["Du skal medbringe:", "lønsedler;", "kontoudtog."],
    ),
    (
        "Kom til mødet! Har du spørgsmål? Ring til mig.",
        ["Kom til mødet!", "Har du spørgsmål?", "Ring til mig."],
    ),
    ("Hvad nu?! Vi ved det ikke.", ["Hvad nu?!", "Vi ved det ikke."]),
    ("Vi ses… Og så går vi.", ["Vi ses…", "Og så går vi."]),
    (
        "Skriv til jobcenter@kommune.dk. Vi svarer hurtigt.",
        ["Skriv til jobcenter@kommune.dk.", "Vi svarer hurtigt."],
    ),
    ("Se borger.dk. Der står det.", ["Se borger.dk.", "Der står det."]),
    ("Jens Hansen\nSagsbehandler", ["Jens Hansen", "Sagsbehandler"]),
    ("Med venlig hilsen\n\nJens Hansen", ["Med venlig hilsen", "Jens Hansen"]),
    ("Mobil (også sms): 5213 4657", ["Mobil (også sms):", "5213 4657"]),
    ("Se § 2. Stk. 3 siger noget andet.", ["Se § 2.", "Stk. 3 siger noget andet."]),
    ("Der er 3 mdr. Det er kort.", ["Der er 3 mdr.", "Det er kort."]),
    ("Reglerne (jf. § 5). Vi ses.", ["Reglerne (jf. § 5).", "Vi ses."]),
    (
        "Vi har modtaget din ansøgning d. 1.3.2026. Vi behandler den.",
        ["Vi har modtaget din ansøgning d. 1.3.2026.", "Vi behandler den."],
    ),
    (
        "Opgaver:\n1. Du skal ringe.\n2. Du skal skrive.",
        ["Opgaver:", "1. Du skal ringe.", "2. Du skal skrive."],
    ),
]


@pytest.mark.parametrize(("text", "expected"), ENDS)
def test_sentence_ends_after_abbreviation_or_number(text: str, expected: list[str] | None) -> None:
    got = sents(text)
    if expected is None:
        assert len(got) == 2, got
    else:
        assert got == expected


@pytest.mark.parametrize("text", ONE_SENTENCE)
def test_no_break_inside(text: str) -> None:
    assert sents(text) == [text.strip()]


@pytest.mark.parametrize(("text", "expected"), PUNCTUATION)
def test_punctuation_quotes_and_lists(text: str, expected: list[str]) -> None:
    assert sents(text) == expected


def test_sentences_cover_the_text_and_offsets_are_block_offsets() -> None:
    text = "  Mødet er kl. 10. Du skal komme, jf. § 3.  "
    doc = get_nlp()(text)
    assert doc.text == text
    spans = [(s.start_char, s.end_char) for s in doc.sents]
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert text[end:start].strip() == ""  # only the space between sentences is outside
    assert all(text[t.idx : t.idx + len(t.text)] == t.text for t in doc)


def test_empty_and_whitespace_texts() -> None:
    nlp = get_nlp()
    assert list(nlp("").sents) == []
    assert len(list(nlp("   ").sents)) == 1


def test_abbreviations_stay_single_tokens() -> None:
    tokens = [t.text for t in get_nlp()("jf. § 42, stk. 2, bl.a. f.eks. kl. 10.00")]
    for abbr in ("jf.", "stk.", "bl.a.", "f.eks.", "kl.", "10.00"):
        assert abbr in tokens


# --- lemmas ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Borgerne", "borger"),
        ("modtog", "modtage"),
        ("ydelserne", "ydelse"),
        ("skal", "skulle"),
        ("er", "være"),
        ("Sygedagpengene", "sygedagpenge"),
        ("KØBENHAVN", "københavn"),
        ("jobcentret", "jobcentret"),  # not in the table: the word itself, lower-cased
        ("xyzzy", "xyzzy"),
    ],
)
def test_lemma(word: str, expected: str) -> None:
    assert lemma(word) == expected


def test_token_lemmas_are_lower_case_lookups() -> None:
    doc = get_nlp()("Borgerne modtog ydelserne. Bevillingen udbetales")
    assert [t.lemma_ for t in doc] == [
        "borger",
        "modtage",
        "ydelse",
        ".",
        "bevilling",
        "udbetale",
    ]


def test_lemma_matcher_works_on_our_docs() -> None:
    from spacy.matcher import Matcher

    nlp = get_nlp()
    matcher = Matcher(nlp.vocab)
    matcher.add("bevilge", [[{"LEMMA": "bevilge"}]])
    doc = nlp("Vi har bevilget dig hjælp, og vi bevilger mere.")
    assert [doc[s:e].text for _, s, e in matcher(doc)] == ["bevilget", "bevilger"]


# --- the compiled lemma table ----------------------------------------------------------------
def _source(path, table: dict[str, str]):
    import gzip
    import json

    with gzip.open(path, "wt", encoding="utf-8") as fh:
        json.dump(table, fh)
    return path


def test_lemma_table_is_built_once_and_reused(tmp_path) -> None:
    from lettercheck.language.danish import load_table

    # Keys are lower-cased; an entry that is lower case already wins over a capitalised one.
    entries = {"Lukker": "Lukker", "lukker": "lukke", "huse": "hus", "Aarhus": "Aarhus"}
    src = _source(tmp_path / "da_lemma_lookup.json.gz", entries)
    cache = tmp_path / "cache"
    table = load_table(src, [cache])
    assert table.get("lukker") == "lukke"
    assert (table.get("huse"), table.get("aarhus"), table.get("hus")) == ("hus", "aarhus", None)
    built = list(cache.glob("da_lemma-*.bin"))
    assert len(built) == 1
    mtime = built[0].stat().st_mtime_ns
    assert load_table(src, [cache]).get("huse") == "hus"
    assert built[0].stat().st_mtime_ns == mtime  # opened, not rebuilt


def test_lemma_table_rebuilt_when_source_changes_or_cache_is_corrupt(tmp_path) -> None:
    import os

    from lettercheck.language.danish import load_table

    src = _source(tmp_path / "da_lemma_lookup.json.gz", {"huse": "hus"})
    cache = tmp_path / "cache"
    load_table(src, [cache])
    _source(src, {"huse": "hus", "biler": "bil"})
    os.utime(src, ns=(1_000_000_000_000, 1_000_000_000_000))
    assert load_table(src, [cache]).get("biler") == "bil"
    newest = max(cache.glob("da_lemma-*.bin"), key=lambda p: p.stat().st_mtime_ns)
    newest.write_bytes(newest.read_bytes()[:-3])  # truncated by a crash or a full disk
    assert load_table(src, [cache]).get("biler") == "bil"


def test_lemma_table_works_without_a_writable_cache(tmp_path) -> None:
    from lettercheck.language.danish import load_table

    src = _source(tmp_path / "da_lemma_lookup.json.gz", {"huse": "hus"})
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    assert load_table(src, [blocker / "cache"]).get("huse") == "hus"


def test_cache_dirs_respect_xdg(monkeypatch, tmp_path) -> None:
    from lettercheck.language.danish import cache_dirs

    monkeypatch.delenv("LETTERCHECK_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dirs()[0] == tmp_path / "lettercheck"
    monkeypatch.setenv("LETTERCHECK_CACHE_DIR", str(tmp_path / "x"))
    assert cache_dirs()[0] == tmp_path / "x"


# --- any text: no crash, sentences tile the tokens ----------------------------------------------
_ALPHABET = "abcæøå ABCÆØÅ 0123456789 .,:;!?…-–'\"»«()§@/ \n\t"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=80))
def test_any_text_segments_into_tiling_sentences(text: str) -> None:
    from lettercheck.language.lix import count_text, doc_sentence_spans

    doc = get_nlp()(text)
    assert doc.text == text
    sentences = list(doc.sents) if len(doc) else []
    assert sum(len(s) for s in sentences) == len(doc)
    assert all(len(s) for s in sentences)
    words, n_sentences, long_words = count_text(text, doc_sentence_spans(doc))
    assert 0 <= long_words <= words
    assert n_sentences <= len(sentences) and (n_sentences > 0) == (words > 0)


def test_old_tables_are_pruned_but_not_the_newest_three(tmp_path) -> None:
    import os

    from lettercheck.language.danish import _prune

    for k in range(5):
        path = tmp_path / f"da_lemma-{k}.bin"
        path.write_bytes(b"x")
        os.utime(path, ns=(k * 10**9, k * 10**9))
    _prune(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"da_lemma-{k}.bin" for k in (2, 3, 4)]
