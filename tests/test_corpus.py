"""The bundled corpus: committed Word files match their sources, labels are complete and balanced,
and the reference LIX in corpus/build.py counts by the README's definition.

The corpus is what users run first (``lettercheck corpus/``) and what issue 3's accuracy table is
measured on, so drift between sources, binaries and labels would silently change both.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "v": "urn:schemas-microsoft-com:vml",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
WORD_SUFFIXES = {".docx", ".dotx", ".docm", ".dotm"}


def _load_build():
    spec = importlib.util.spec_from_file_location("corpus_build", CORPUS / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus_build"] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


build = _load_build()


def _committed() -> dict[str, Path]:
    return {p.name: p for p in CORPUS.iterdir() if p.suffix in WORD_SUFFIXES}


def _labels() -> list[dict[str, str]]:
    with (CORPUS / "labels.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _xml(path: Path, part: str) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read(part))


# ---- sources and binaries -------------------------------------------------------------------


def test_committed_files_are_byte_identical_to_a_fresh_build(tmp_path: Path) -> None:
    built = build.build_all(tmp_path)
    committed = _committed()
    assert sorted(p.name for p in built) == sorted(committed)
    stale = [p.name for p in built if p.read_bytes() != committed[p.name].read_bytes()]
    assert not stale, f"rebuild corpus with `python corpus/build.py`: {stale}"


def test_real_letters_are_built_from_their_sources(tmp_path: Path) -> None:
    real = build.CORPUS / "real"
    built = build.build_all(tmp_path, build.load_letters(real / "src"))
    committed = {p.name: p for p in real.glob("*.do[ct][xm]")}
    assert sorted(p.name for p in built) == sorted(committed)
    stale = [p.name for p in built if p.read_bytes() != committed[p.name].read_bytes()]
    assert not stale, f"rebuild corpus with `python corpus/build.py`: {stale}"


def test_build_is_deterministic(tmp_path: Path) -> None:
    letters = build.load_letters()[:5]
    first, second = tmp_path / "a", tmp_path / "b"
    build.build_all(first, letters)
    build.build_all(second, letters)
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes()


def test_corpus_size_and_formats() -> None:
    names = list(_committed())
    assert len(names) >= 30
    assert any(n.endswith(".dotx") for n in names)
    assert any(n.endswith(".docm") for n in names)


def test_unknown_markup_is_an_error(tmp_path: Path) -> None:
    src = tmp_path / "x.letter"
    src.write_text("Kære Anna\n[sidebar] noget\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"x\.letter:2"):
        build.parse_letter(src)


# ---- the XML the build writes ---------------------------------------------------------------


def test_complex_and_simple_merge_fields() -> None:
    doc = _xml(CORPUS / "template_invitation_mergefields_good.dotx", "word/document.xml")
    instr = [t.text for t in doc.iterfind(".//w:instrText", NS)]
    assert " MERGEFIELD SagsbehandlerTelefon " in instr
    shown = "".join(t.text for t in doc.iterfind(".//w:t", NS))
    assert "«SagsbehandlerEmail»" in shown
    simple = _xml(CORPUS / "template_invitation_fldsimple_bad.dotx", "word/document.xml")
    instrs = [f.get(f"{{{W}}}instr") for f in simple.iterfind(".//w:fldSimple", NS)]
    assert " MERGEFIELD SagsbehandlerNavn " in instrs
    with zipfile.ZipFile(CORPUS / "template_invitation_mergefields_good.dotx") as zf:
        types = zf.read("[Content_Types].xml").decode()
    assert "template.main+xml" in types


def test_content_controls_carry_title_and_tag() -> None:
    doc = _xml(CORPUS / "template_contentcontrols_good.dotx", "word/document.xml")
    controls = {
        sdt.find("w:sdtPr/w:alias", NS).get(f"{{{W}}}val"): sdt.find("w:sdtPr/w:tag", NS).get(
            f"{{{W}}}val"
        )
        for sdt in doc.iterfind(".//w:sdt", NS)
    }
    assert controls["Sagsbehandler mail"] == "SagsbehandlerEmail"
    # block-level control: the w:sdt is a child of w:body and holds a paragraph
    body = doc.find("w:body", NS)
    assert body.find("w:sdt/w:sdtContent/w:p", NS) is not None


def test_text_box_holds_the_same_text_in_choice_and_fallback() -> None:
    doc = _xml(CORPUS / "afgoerelse_kontanthjaelp_bevilling_good.docx", "word/document.xml")
    (alt,) = doc.iterfind(".//mc:AlternateContent", NS)

    def text(path: str) -> str:
        return "".join(t.text for t in alt.iterfind(path + "//w:t", NS))

    choice = text("mc:Choice//wps:txbx/w:txbxContent")
    fallback = text("mc:Fallback//v:textbox/w:txbxContent")
    assert "sba@ulvsted.dk" in choice
    assert choice == fallback


def test_mailto_links_in_body_and_footer() -> None:
    path = CORPUS / "skift_sagsbehandler_footer_email.docx"
    with zipfile.ZipFile(path) as zf:
        rels = zf.read("word/_rels/footer1.xml.rels").decode()
    assert 'Target="mailto:ksa@egevang.dk"' in rels
    footer = _xml(path, "word/footer1.xml")
    assert footer.find(".//w:hyperlink", NS).get(f"{{{NS['r']}}}id") == "rIdLink1"
    with zipfile.ZipFile(CORPUS / "kursus_tilbud_good.docx") as zf:
        assert "mailto:hbi@fjordhavn.dk" in zf.read("word/_rels/document.xml.rels").decode()


def test_tracked_changes_are_written_as_ins_and_del() -> None:
    doc = _xml(CORPUS / "virksomhedspraktik_rettelser.docx", "word/document.xml")
    deleted = "".join(t.text for t in doc.iterfind(".//w:del//w:delText", NS))
    inserted = "".join(t.text for t in doc.iterfind(".//w:ins//w:t", NS))
    assert "§ 42" in deleted
    assert "Målet er" in inserted


# ---- labels ---------------------------------------------------------------------------------


def test_labels_cover_every_letter_once() -> None:
    rows = _labels()
    assert [r["file"] for r in rows] == sorted(_committed())
    assert list(rows[0]) == build.LABEL_COLUMNS
    for row in rows:
        assert row["split"] in {
            "tune",
            "holdout",
            "holdout-fresh",
            "holdout-blind2",
            "holdout-blind3",
            "holdout-blind4",
            "types",  # written for the type rules (corpus/TYPES_CORPUS.md)
        }, row["file"]
        assert row["kind"], row["file"]
        for column in build.PROBLEM_COLUMNS:
            assert row[column] in {"0", "1"}, (row["file"], column)


#: Columns relabelled after the blind splits were written (see the test below).
_RELABELLED = frozenset({"missing_purpose"})


def test_holdout_is_about_a_third_and_every_problem_is_on_both_sides() -> None:
    rows = _labels()
    holdout = [r for r in rows if r["split"] == "holdout"]
    # a third of the original tune/holdout corpus; later blind splits do not dilute it
    original = [r for r in rows if r["split"] in {"tune", "holdout"}]
    assert 0.25 <= len(holdout) / len(original) <= 0.4
    # the later splits: letters written blind after tuning, reported but never tuned against
    blind = ("holdout-fresh", "holdout-blind2", "holdout-blind3", "holdout-blind4")
    for split in ("tune", "holdout", *blind):
        part = [r for r in rows if r["split"] == split]
        for column in build.PROBLEM_COLUMNS:
            positives = sum(r[column] == "1" for r in part)
            if column in _RELABELLED and split in blind:
                # Relabelled later under a broader definition (corpus/TYPES_LABELS.md): the
                # blind splits were written for the old one, and the labels were not bent to
                # keep three positives there. Each still has one, and the spread is asserted
                # on the splits it was designed for (tune, holdout).
                assert positives >= 1, (split, column)
            else:
                assert positives >= 3, (split, column)
            assert len(part) - positives >= 3, (split, column)
    # the kinds of the original corpus; the types split adds requests, which only it has
    kinds = {r["kind"] for r in original}
    for split in ("tune", "holdout"):
        assert {r["kind"] for r in rows if r["split"] == split} == kinds, split


def test_lix_column_is_up_to_date() -> None:
    letters = build.load_letters()
    assert (CORPUS / "labels.csv").read_text(encoding="utf-8") == build.labels_text(
        letters, build.read_labels()
    )
    assert (CORPUS / "lix_counts.csv").read_text(encoding="utf-8") == build.counts_text(letters)


# ---- the reference LIX ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words", "sentences"),
    [
        ("Mødet er kl. 10. Du skal komme.", 7, 2),
        ("Du får 500 kr. Pengene kommer fredag.", 7, 2),
        ("Det står i nr. 3. Det er vigtigt.", 8, 2),
        ("Vi ses på Torvet 3. Formålet er at tale.", 9, 2),
        ("Mødet er d. 12. marts kl. 10.00 i lokale 2.", 10, 1),
        ("Efter § 42, stk. 2 i loven skal du møde.", 9, 1),
        ("Vi taler bl.a. om dit job, f.eks. om timer.", 11, 1),
        ("Skriv til hbi@fjordhavn.dk eller læs på borger.dk. Tak.", 8, 2),
        ("Dato: 3. marts", 3, 2),
        ("Bor du på Engvej 22, st. tv. i Ulvsted?", 9, 1),
        ("Kl. 10:00 starter vi; husk dit CV!", 7, 2),
        ("Du får 4.104 kr. den 23/9/2019.", 6, 1),
        (f"Samtalen er {build._ATOM} kl. {build._ATOM} i Lyngå.", 7, 1),
        ("Tlf. 12 34 56 78", 5, 1),
        ("", 0, 0),
    ],
)
def test_reference_counts_words_and_sentences(text: str, words: int, sentences: int) -> None:
    # a number with separators (10.00, 4.104, 23/9/2019) is one word; "bl.a." is two runs of
    # letters, so two words, but its periods end no sentence
    got_words, got_sentences, _ = build.count_unit(text)
    assert (got_words, got_sentences) == (words, sentences)


def test_reference_long_words_ignore_digits_and_atoms() -> None:
    # "beskæftigelse" is long; "P2020202" has one letter; the address and field are never long
    text = f"beskæftigelse P2020202 sagsbehandler@fjordhavn.dk {build._ATOM} e-mail"
    assert build.count_unit(text) == (5, 1, 1)


def test_reference_lix_leaves_out_header_footer_and_text_boxes(tmp_path: Path) -> None:
    src = tmp_path / "x.letter"
    src.write_text(
        "[header] Langtekstordet overskriftsord\n[footer] Sagsbehandleren ringer\n"
        "[textbox] Kontaktoplysninger herunder\nKære Anna\n| Tid | Mandag |\n"
        "- Husk dit CV.\nVi ses «MERGEFIELD MoedeDato».\n",
        encoding="utf-8",
    )
    count = build.reference_lix(build.parse_letter(src))
    # "Kære Anna" is the salutation: not the message either
    assert (count.words, count.sentences, count.long_words) == (8, 4, 0)
    assert count.lix == pytest.approx(8 / 4)


# ---- LIX over the message (issue 11 §3) ------------------------------------------------------

MESSAGE_LETTER = """\
[header] Ulvsted Kommune · Jobcenter Ulvsted · Rådhustorvet 1
Ida Hansen
Engvej 22
8999 Ulvsted
Ulvsted, den 3. marts 2026
Sagsnr. 2026-1234
# Du kan få hjælp til transport
Kære Ida
Vi har bevilget dig befordringsgodtgørelse fra den 1. marts. Pengene kommer hver måned.
| Hvad | Beløb |
| Transport | 1.200 kr. |
Med venlig hilsen
Mette Frost
Sagsbehandler
| Telefon | 72 10 60 12 |
| E-mail | mef@ulvsted.dk |
Lov om aktiv socialpolitik § 82:
Kommunen kan yde hjælp til rimeligt begrundede udgifter.
[textbox] Åbningstider mandag til fredag
"""


def test_reference_lix_counts_the_message_only(tmp_path: Path) -> None:
    src = tmp_path / "x.letter"
    src.write_text(MESSAGE_LETTER, encoding="utf-8")
    units = build.main_text_units(build.parse_letter(src))
    assert units == [
        "Du kan få hjælp til transport",
        "Vi har bevilget dig befordringsgodtgørelse fra den 1. marts. Pengene kommer hver måned.",
        "Hvad",
        "Beløb",
        "Transport",
        "1.200 kr.",
        "Lov om aktiv socialpolitik § 82:",
        "Kommunen kan yde hjælp til rimeligt begrundede udgifter.",
    ]


def test_lettercheck_and_the_reference_agree_on_a_letter_with_letterhead_address_and_signature(
    tmp_path: Path,
) -> None:
    from lettercheck.language.analysis import analyse
    from lettercheck.language.lix import message_blocks
    from lettercheck.language.parts import tag_parts
    from lettercheck.word.reader import read_document

    src = tmp_path / "brev.letter"
    src.write_text(MESSAGE_LETTER, encoding="utf-8")
    letter = build.parse_letter(src)
    path = build.build_letter(letter, tmp_path)
    document = read_document(path)
    tag_parts(document)
    counted = [
        b.text for b, yes in zip(document.blocks, message_blocks(document), strict=True) if yes
    ]
    assert "Kære Ida" not in counted and "Mette Frost" not in counted
    assert "Telefon" not in counted and "Sagsnr. 2026-1234" not in counted
    r = analyse(document).readability
    ref = build.reference_lix(letter)
    assert (r.words, r.sentences, r.long_words) == (ref.words, ref.sentences, ref.long_words)
