"""LIX by the definition in README-lix.md (issue 2, part 5): words, long words, sentences,
bands, main text only, and why textstat's lix() is not used."""

from __future__ import annotations

from pathlib import Path

import pytest

from lettercheck.language.analysis import Analysis, analyse
from lettercheck.language.lix import band, count_text, iter_words, lix_for_text, score
from lettercheck.model.document import Block, BlockKind, Document, Placeholder

#: A typical paragraph of a letter from a jobcenter, counted by hand:
#:   1 "Du skal møde op til samtale i jobcentret mandag d. 12. marts kl. 10.00, jf. § 8, stk. 2, i
#:      lov om sygedagpenge."  22 words (d, 12, kl, 10.00, jf, 8, stk, 2 are words), long:
#:      samtale, jobcentret, sygedagpenge
#:   2 "Mødet holdes i lokale 3 på Torvet 3."  8 words, none long (six letters is not long)
#:   3 "Du kan bl.a. tage en bisidder med."  8 words (bl, a), long: bisidder
#:   4 "Ring til mig på tlf. 72 10 60 12, hvis du er forhindret."  13 words, long: forhindret
#: 51 words, 4 sentences, 5 long: LIX = 51/4 + 100*5/51 = 12.75 + 9.80 = 22.55 -> 22.6
LETTER_PARAGRAPH = (
    "Du skal møde op til samtale i jobcentret mandag d. 12. marts kl. 10.00, jf. § 8, stk. 2, "
    "i lov om sygedagpenge. Mødet holdes i lokale 3 på Torvet 3. Du kan bl.a. tage en bisidder "
    "med. Ring til mig på tlf. 72 10 60 12, hvis du er forhindret."
)


def words_of(text: str, placeholders: list[tuple[int, int]] | None = None) -> list[str]:
    """The words as text, with '*' marking long ones."""
    out = []
    for start, end, is_long in sorted(iter_words(text, placeholders or [])):
        out.append(text[start:end] + ("*" if is_long else ""))
    return out


def test_letter_paragraph_counted_by_hand() -> None:
    result = lix_for_text(LETTER_PARAGRAPH)
    assert (result.words, result.sentences, result.long_words) == (51, 4, 5)
    assert result.lix == 22.6
    assert result.band == "meget let"


def test_textstat_lix_is_wrong_for_danish() -> None:
    """textstat ends a sentence at every period (d. 12. kl. 10.00 jf. stk. bl.a. tlf. ...) and
    drops the short fragments that makes, so it counts 7 sentences where there are 4 and
    scores the paragraph about 17 instead of 22.6: five points too easy."""
    textstat = pytest.importorskip("textstat")
    ours = lix_for_text(LETTER_PARAGRAPH).lix
    theirs = textstat.lix(LETTER_PARAGRAPH)
    assert theirs == pytest.approx(17.1, abs=0.5)
    assert ours - theirs > 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Send en e-mail til os", ["Send", "en", "e-mail", "til", "os"]),
        ("sygedagpenge-sagen er lukket", ["sygedagpenge-sagen*", "er", "lukket"]),
        ("Jobcentrets borger's sag", ["Jobcentrets*", "borger's*", "sag"]),
        (
            "Du får 12345678 kr. og 2.000,50 kr.",
            ["Du", "får", "12345678", "kr", "og", "2.000,50", "kr"],
        ),
        ("kl. 10.00-12.00 den 12.03.2026", ["kl", "10.00-12.00", "den", "12.03.2026"]),
        ("3d-billederne", ["3d-billederne*"]),  # 11 letters; the digit does not count
        ("ABC1234567", ["ABC1234567"]),  # 3 letters
        (
            "Skriv til sagsbehandler.jobcenter@kommune.dk nu",
            ["Skriv", "til", "sagsbehandler.jobcenter@kommune.dk", "nu"],
        ),
        (
            "Se https://www.borger.dk/arbejde-dagpenge?id=12. Tak",
            ["Se", "https://www.borger.dk/arbejde-dagpenge?id=12", "Tak"],
        ),
        ("Se www.jobnet.dk, ellers", ["Se", "www.jobnet.dk", "ellers"]),
        ("Log på sundhed.dk/borger nu", ["Log", "på", "sundhed.dk/borger", "nu"]),
        ("Kære «SagsbehandlerNavn»,", ["Kære", "«SagsbehandlerNavn»"]),
        ("Ærø, Øresund og Århus", ["Ærø", "Øresund*", "og", "Århus"]),
        ("Café Müller's menú", ["Café", "Müller's*", "menú"]),
        ("bl.a. f.eks. m.fl.", ["bl", "a", "f", "eks", "m", "fl"]),
        ("• – § 42 %", ["42"]),
    ],
)
def test_words_and_long_words(text: str, expected: list[str]) -> None:
    assert words_of(text) == expected


def test_merge_field_spans_are_one_word_never_long() -> None:
    text = "Kontakt SagsbehandlerFuldeNavn på SagsbehandlerTelefon"
    spans = [(8, 30), (34, 54)]
    assert text[8:30] == "SagsbehandlerFuldeNavn"
    assert words_of(text, spans) == [
        "Kontakt*",
        "SagsbehandlerFuldeNavn",
        "på",
        "SagsbehandlerTelefon",
    ]
    # Without the spans the same words are long.
    assert words_of(text) == ["Kontakt*", "SagsbehandlerFuldeNavn*", "på", "SagsbehandlerTelefon*"]


def test_sentences_without_words_do_not_count() -> None:
    text = "Kom i dag. – . Vi ses."
    spans = [(0, 10), (11, 14), (15, 22)]
    assert count_text(text, spans) == (5, 2, 0)


@pytest.mark.parametrize(
    ("lix", "name"),
    [
        (0, "meget let"),
        (24.0, "meget let"),
        (24.4, "meget let"),
        (24.5, "let"),  # shown rounded as 25: "let"
        (25, "let"),
        (34.4, "let"),
        (34.5, "middel"),
        (44.9, "svær"),
        (45, "svær"),
        (54, "svær"),
        (54.5, "meget svær"),
        (55, "meget svær"),
        (80, "meget svær"),
    ],
)
def test_band(lix: float, name: str) -> None:
    assert band(lix) == name


def test_score_rounds_half_up_and_handles_no_words() -> None:
    assert score(0, 0, 0).lix == 0.0
    assert score(0, 0, 0).band == "meget let"
    assert score(8, 2, 1).lix == 16.5  # 8/2 + 100*1/8 = 4 + 12.5
    assert score(3, 2, 1).lix == 34.8  # 1.5 + 33.33
    assert score(3, 2, 1).band == "middel"  # 34.8 is shown as 35
    assert score(1, 4, 0).lix == 0.3  # 0.25 rounds half up (round() would give 0.2)


def test_paragraph_end_ends_a_sentence() -> None:
    text = "Indkaldelse til samtale\n\nDu skal komme i morgen\n\nVi ses"
    result = lix_for_text(text)
    assert (result.words, result.sentences) == (10, 3)
    # A .txt with one paragraph per line counts each line as a sentence too; a hard-wrapped
    # sentence (the next line starts in lower case) stays one.
    assert lix_for_text("Første linje\nAnden linje\nTredje linje").sentences == 3
    assert lix_for_text("Her må begge parter være\nvillige til at give sig.").sentences == 1


def _block(index: int, kind: BlockKind, text: str, **kw) -> Block:
    return Block(
        index=index, kind=kind, text=text, story="word/document.xml", paragraph=index, **kw
    )


def test_readability_counts_main_text_only() -> None:
    blocks = [
        _block(0, BlockKind.HEADER, "Jobcenter Nordby · Rådhuspladsen 1 · Telefonnummer 70707070"),
        _block(1, BlockKind.HEADING, "Indkaldelse til samtale"),
        _block(
            2,
            BlockKind.PARAGRAPH,
            "Kære «Fornavn»",
            placeholders=(Placeholder(5, 14, "Fornavn", "mergefield"),),
        ),
        _block(
            3, BlockKind.PARAGRAPH, "Du skal komme til samtale kl. 10. Husk dit sygesikringskort."
        ),
        _block(4, BlockKind.LIST_ITEM, "lønsedler"),
        _block(5, BlockKind.TABLE_CELL, "Telefon"),
        _block(6, BlockKind.CONTENT_CONTROL, "Jens Hansen"),
        _block(7, BlockKind.TEXT_BOX, "Sagsbehandlingstiden forventes at være otte uger"),
        _block(8, BlockKind.FOOTER, "Sikker post via borger.dk"),
    ]
    doc = Document(path=Path("brev.docx"), format="docx", blocks=blocks)
    result = analyse(doc)
    assert isinstance(result, Analysis)
    assert len(result.docs) == len(blocks)
    r = result.readability
    # heading 3 words/1 sentence; "Kære «Fornavn»" 2/1 (the field is never long); paragraph
    # 10 words/2 sentences; list item 1/1; cell 1/1; control 2/1. Header, text box and footer
    # are left out.
    assert (r.words, r.sentences) == (3 + 2 + 10 + 1 + 1 + 2, 1 + 1 + 2 + 1 + 1 + 1)
    # Indkaldelse, samtale | samtale, sygesikringskort | lønsedler | Telefon
    assert r.long_words == 2 + 2 + 1 + 1
    assert r.lix == round(19 / 7 + 100 * 6 / 19, 1)


def test_analysis_docs_match_block_text() -> None:
    texts = ["Mødet er kl. 10. Du skal komme.", "", "  Indrykket tekst, jf. § 3.\tSlut."]
    blocks = [_block(i, BlockKind.PARAGRAPH, t) for i, t in enumerate(texts)]
    result = analyse(Document(path=Path("x.txt"), format="txt", blocks=blocks))
    for block, doc in zip(blocks, result.docs, strict=True):
        assert doc.text == block.text
        for token in doc:
            assert block.text[token.idx : token.idx + len(token)] == token.text
            assert token.lemma_ == token.lemma_.lower()
    assert [s.text for s in result.docs[0].sents] == ["Mødet er kl. 10.", "Du skal komme."]


def test_empty_document() -> None:
    result = analyse(Document(path=Path("tom.docx"), format="docx"))
    assert result.docs == []
    assert result.readability.lix == 0.0 and result.readability.words == 0


CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.mark.skipif(not (CORPUS / "lix_counts.csv").is_file(), reason="corpus/ not built")
def test_corpus_letters_match_the_independent_reference_counts() -> None:
    """corpus/build.py counts LIX from the letters' sources with its own code; lettercheck,
    reading the built DOCX files, must find the same words, sentences and long words."""
    import csv

    from lettercheck.language.parts import tag_parts
    from lettercheck.word.reader import read_document

    with open(CORPUS / "lix_counts.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    differences = []
    for row in rows:
        document = read_document(CORPUS / row["file"])
        tag_parts(document)  # LIX counts the message, which the letter parts say
        r = analyse(document).readability
        expected = (int(row["words"]), int(row["sentences"]), int(row["long_words"]))
        ours = (r.words, r.sentences, r.long_words)
        if ours != expected:
            differences.append(f"{row['file']}: reference {expected}, lettercheck {ours}")
    assert not differences, "\n".join(differences)


def test_lix_for_text_agrees_with_reading_a_txt_file(tmp_path: Path) -> None:
    """The reader makes a block of every line; lix_for_text reads blank-line blocks and ends a
    sentence at a line break before a capital. Where no sentence is hard-wrapped they agree."""
    from lettercheck.word.reader import read_document

    text = LETTER_PARAGRAPH + "\n\nIndkaldelse\nDu skal komme kl. 10.\nVi ses\n"
    path = tmp_path / "brev.txt"
    path.write_text(text, encoding="utf-8")
    assert analyse(read_document(path)).readability == lix_for_text(text)
