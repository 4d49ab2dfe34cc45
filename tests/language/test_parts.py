"""Letter parts on letters laid out in different ways."""

from pathlib import Path

import pytest

from lettercheck.language.parts import tag_parts
from lettercheck.model.document import Block, BlockKind, Document, LetterPart

A, S, G, B, C, SIG, L, ATT, H, F = (
    LetterPart.ADDRESS,
    LetterPart.SUBJECT,
    LetterPart.SALUTATION,
    LetterPart.BODY,
    LetterPart.CLOSING,
    LetterPart.SIGNATURE,
    LetterPart.LEGAL,
    LetterPart.ATTACHMENTS,
    LetterPart.HEADER,
    LetterPart.FOOTER,
)


def letter(*lines: str) -> Document:
    """One block per line; "# " marks a heading, "[header] "/"[footer] "/"[textbox] " a story."""
    kinds = {
        "# ": BlockKind.HEADING,
        "[header] ": BlockKind.HEADER,
        "[footer] ": BlockKind.FOOTER,
        "[textbox] ": BlockKind.TEXT_BOX,
        "[cell] ": BlockKind.TABLE_CELL,
    }
    blocks = []
    for i, line in enumerate(lines):
        kind = BlockKind.PARAGRAPH
        for prefix, k in kinds.items():
            if line.startswith(prefix):
                kind, line = k, line[len(prefix) :]
        blocks.append(Block(index=i, kind=kind, text=line, story="word/document.xml", paragraph=i))
    return Document(path=Path("brev.docx"), format="docx", blocks=blocks)


def parts(document: Document) -> list[LetterPart | None]:
    tag_parts(document)
    return [b.part for b in document.blocks]


def test_classic_decision_letter_with_rules_and_complaints_after_the_signature():
    doc = letter(
        "Mette Hansen",
        "Vejgade 1, 7000 Fredericia",
        "# Afgørelse om sygedagpenge",
        "Kære Mette Hansen",
        "Du får fortsat sygedagpenge.",
        "Med venlig hilsen",
        "Lars Jensen",
        "Sagsbehandler",
        "# Regler",
        "Afgørelsen er truffet efter § 21.",
        "# Klagevejledning",
        "Du kan klage inden 4 uger.",
    )
    assert parts(doc) == [A, A, S, G, B, C, SIG, SIG, L, L, L, L]


def test_complaints_section_before_the_signature_is_the_final_legal_section():
    doc = letter(
        "# Indkaldelse til samtale",
        "Kære Ali",
        "Du skal til samtale.",
        "# Hvad skal du gøre?",
        "Mød op kl. 10.",
        "# Sådan klager du",
        "Skriv til os inden 4 uger, jf. § 3.",
        "Venlig hilsen",
        "Jobcenter Thisted",
    )
    assert parts(doc) == [S, G, B, B, B, L, L, C, SIG]


def test_a_legal_heading_followed_by_a_message_heading_is_not_the_final_section():
    doc = letter(
        "# Afgørelse",
        "Kære Ali",
        "# Regler",
        "Efter § 42 skal du …",
        "# Hvad sker der nu?",
        "Vi ringer til dig.",
        "# Klagevejledning",
        "Du kan klage.",
    )
    assert parts(doc) == [S, G, B, B, B, B, L, L]


def test_contact_heading_after_the_legal_section_does_not_end_it():
    doc = letter(
        "# Afgørelse",
        "Kære Ali",
        "Du får hjælp.",
        "# Lovgrundlag",
        "Lov om aktiv socialpolitik § 11.",
        "# Har du spørgsmål?",
        "Ring til mig på 72 10 60 12.",
    )
    assert parts(doc)[3:] == [L, L, L, L]


def test_letter_without_subject_or_salutation_is_all_body():
    doc = letter("Du skal til møde.", "Mødet er på jobcentret.")
    assert parts(doc) == [B, B]


def test_header_footer_text_box_and_attachments():
    doc = letter(
        "[header] Fredericia Kommune",
        "# Tilbud om virksomhedspraktik",
        "[textbox] Jobcenter Fredericia, Tlf. 72 10 60 12",
        "Kære Ali",
        "Vi tilbyder dig praktik.",
        "Venlig hilsen",
        "[cell] Lars Jensen",
        "# Bilag",
        "Praktikaftale",
        "[footer] Side 1",
    )
    assert parts(doc) == [H, S, S, G, B, C, SIG, ATT, ATT, F]


@pytest.mark.parametrize(
    "closing",
    ["Med venlig hilsen", "Venlig hilsen", "Med venlige hilsner", "Mvh.", "De bedste hilsner"],
)
def test_closing_forms(closing):
    doc = letter("Kære Ali", "Tak for snakken.", closing, "Lars")
    assert parts(doc) == [G, B, C, SIG]


def test_a_long_bold_subject_line_after_the_date_is_the_subject():
    doc = letter(
        "Anette Lauridsen",
        "Kløverup, den 4. maj 2026",
        "Overgang til jobafklaringsforløb, jf. § 68 b i lov om aktiv beskæftigelsesindsats",
        "Kære Anette Lauridsen",
        "Du overgår til jobafklaringsforløb.",
    )
    doc.blocks[2].bold = True
    assert parts(doc) == [A, A, S, G, B]


# A quoted law, a legal block or a bilag after the signature (issue 11): three real decisions
# quote the statute verbatim after the signature, and it was taken for the signature.


def test_a_quoted_statute_after_the_signature_is_the_legal_section():
    doc = letter(
        "# Afgørelse om kontanthjælp",
        "Kære Ida",
        "Vi har bevilget dig kontanthjælp.",
        "Med venlig hilsen",
        "Mette Hansen",
        "Sagsbehandler",
        "§ 11. Kommunen yder hjælp til personer, hvis behov for forsørgelse skyldes ændringer.",
        "Stk. 2. Det er en betingelse, at ansøgeren ikke kan forsørge sig selv.",
    )
    assert parts(doc) == [S, G, B, C, SIG, SIG, L, L]


@pytest.mark.parametrize(
    "first",
    [
        "Lov om aktiv socialpolitik, § 12, stk. 1:",
        "Uddrag af sygedagpengeloven",
        "»§ 24. Kommunen skal standse udbetalingen …«",
        "Regler",
        "Lovgrundlag: lov om en aktiv beskæftigelsesindsats § 42",
        "Klagevejledning: Du kan klage over afgørelsen til Ankestyrelsen inden fire uger efter, "
        "at du har fået brevet.",
        "Sygedagpengelovens § 24 lyder:",
    ],
)
def test_legal_blocks_after_the_signature_are_never_the_signature(first: str):
    doc = letter(
        "# Afgørelse",
        "Kære Ida",
        "Vi har besluttet det.",
        "Med venlig hilsen",
        "Mette Hansen",
        first,
        "Teksten fortsætter her.",
    )
    assert parts(doc)[4:] == [SIG, L, L]


def test_a_bilag_line_after_the_signature_is_the_attachments():
    doc = letter(
        "# Afgørelse",
        "Kære Ida",
        "Vi har besluttet det.",
        "Med venlig hilsen",
        "Mette Hansen",
        "Jobcenter Ulvsted",
        "Bilag 1: Kopi af lægeerklæring af 3. marts 2026 og referat af mødet i teamet",
    )
    assert parts(doc)[4:] == [SIG, SIG, ATT]


def test_signature_lines_stay_signature():
    doc = letter(
        "# Afgørelse",
        "Kære Ida",
        "Vi har besluttet det.",
        "Med venlig hilsen",
        "Mette Hansen",
        "Sagsbehandler, Team Ledighed",
        "Tlf. 72 10 60 12",
        "mha@ulvsted.dk",
    )
    assert parts(doc)[4:] == [SIG, SIG, SIG, SIG]


def test_sections_under_a_legal_heading_that_cite_the_law_stay_in_the_legal_section():
    # A real decision (corpus/real/gh_gl_suila_aarsopgoerelse): "Regler" goes on under two
    # sub-headings that quote the law, and a lead-in line ends with ":" before the address.
    doc = letter(
        "# Årsopgørelse",
        "Du skal hverken modtage eller betale penge.",
        "# Regler",
        "Afgørelsen er truffet efter lovbekendtgørelse nr. 62.",
        "# Betingelser og størrelsen af din ydelse",
        "Af § 38 b, stk. 1 fremgår, at …",
        "# Klagevejledning",
        "Eventuelle klager sendes skriftligt til:",
        "Skatterådet",
    )
    assert parts(doc) == [S, B, L, L, L, L, L, L, L]


def test_a_bold_cell_of_the_letterhead_table_is_not_the_subject():
    # corpus/real/ud_aarhus_befordring_bevilling: the letterhead table opens with the bold unit
    # name "Børn og Unge"; the subject is the heading after the table.
    doc = letter(
        "Børn og Unge",
        "Telefon: 89 40 40 04",
        "# Afgørelse om bevilling af kørsel",
        "Børn og Unge har truffet afgørelse om kørsel.",
    )
    doc.blocks[0].table = (0, 0, 0)
    doc.blocks[0].bold = True
    doc.blocks[1].table = (0, 1, 0)
    assert parts(doc) == [A, A, S, B]


def test_without_a_salutation_the_first_sentence_to_the_citizen_starts_the_message():
    # corpus/real/gh_aarhus_folkeregister_flytning_godkendt: no salutation, no heading; the
    # message sentence was taken for address because the "Flyttedato:" label after it looked
    # like the subject.
    doc = letter(
        "{name}",
        "{address}",
        "[textbox] Telefon 8940 2000",
        "Din anmodning om flytning til nedenstående adresse er blevet godkendt.",
        "{address}",
        "Flyttedato:",
        "{move_date}",
        "Med venlig hilsen",
        "Aarhus Folkeregister",
    )
    assert parts(doc) == [A, A, A, B, B, B, B, C, SIG]


def test_a_sentence_in_the_letterhead_does_not_start_the_message_when_there_is_a_salutation():
    doc = letter(
        "Jobcenter Ulvsted",
        "Du kan ringe til os på hverdage kl. 9-15.",
        "# Samtale",
        "Kære Ida",
        "Vi ses.",
    )
    assert parts(doc) == [A, A, S, G, B]
