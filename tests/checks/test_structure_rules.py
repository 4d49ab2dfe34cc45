"""Tests for the letter-structure rules (lettercheck/checks/: legal.py, contact.py,
purpose_goal.py, rules/structure.yaml).

Letters are built as document models directly (one block per line, "# " for a heading, "| a | b |"
for a table row, "[footer] …" / "[header] …" / "[textbox] …" for other stories, "«Name»" for a merge
field), tagged with the real ``tag_parts`` and analysed with the real Danish pipeline, so a test
exercises the same inputs the engine gives the checks.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import lettercheck.checks.contact  # registers the contact checks when tests/checks runs alone
import lettercheck.checks.purpose_goal  # noqa: F401 - registers purpose and goal
from lettercheck.checks import CHECKS
from lettercheck.checks.legal import find_legal_references
from lettercheck.language.parts import tag_parts
from lettercheck.model.document import Block, BlockKind, Control, Document, Link, Placeholder

RULES_FILE = Path(__file__).resolve().parents[2] / "rules" / "structure.yaml"
RULE_NAMES = [
    "legal-reference-early",
    "missing-caseworker-name",
    "missing-caseworker-phone",
    "missing-caseworker-email",
    "missing-sms-option",
    "missing-purpose",
    "missing-goal",
]


def _entries() -> dict[str, dict[str, Any]]:
    rules = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return {entry["name"]: entry for entry in rules}


ENTRIES = _entries()


def options(rule: str) -> dict[str, Any]:
    return ENTRIES[rule].get("options") or {}


_KINDS = {
    "header": BlockKind.HEADER,
    "footer": BlockKind.FOOTER,
    "textbox": BlockKind.TEXT_BOX,
}


def letter(source: str) -> Document:
    """A document model from a small letter written one block per line."""
    blocks: list[Block] = []
    table = -1
    row = 0
    in_table = False
    for raw in source.strip("\n").splitlines():
        line = raw.strip()
        kind = BlockKind.PARAGRAPH
        style = None
        cells = None
        match = re.match(r"\[(header|footer|textbox)\]\s*(.*)", line)
        if match:
            kind, line = _KINDS[match.group(1)], match.group(2)
        elif line.startswith("#"):
            kind, style = BlockKind.HEADING, "Heading 1"
            line = line.lstrip("#").strip()
        elif line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
        if cells is not None:
            if not in_table:
                table, row, in_table = table + 1, 0, True
            for col, cell in enumerate(cells):
                blocks.append(
                    _block(len(blocks), BlockKind.TABLE_CELL, cell, table=(table, row, col))
                )
            row += 1
            continue
        in_table = False
        blocks.append(_block(len(blocks), kind, line.replace("\\n", "\n"), style=style))
    document = Document(path=Path("test.docx"), format="docx", blocks=blocks)
    tag_parts(document)
    return document


def _block(index: int, kind: BlockKind, text: str, **extra: Any) -> Block:
    """A block: «Name» is a merge field, [[Alias:text]] a content control, <mailto:x> a link."""
    placeholders = []
    controls = []
    links = []
    while True:
        m = re.search(r"\[\[([^:\]]*):([^\]]*)\]\]", text)
        if not m:
            break
        text = text[: m.start()] + m.group(2) + text[m.end() :]
        controls.append(Control(m.start(), m.start() + len(m.group(2)), m.group(1), None))
    while True:
        m = re.search(r"<mailto:([^>]+)>", text)
        if not m:
            break
        text = text[: m.start()] + m.group(1) + text[m.end() :]
        links.append(Link(m.start(), m.start() + len(m.group(1)), "mailto:" + m.group(1)))
    for m in re.finditer(r"«(\w+)»", text):
        placeholders.append(Placeholder(m.start(), m.end(), m.group(1), "mergefield"))
    story = "word/document.xml"
    if kind == BlockKind.HEADER:
        story = "word/header1.xml"
    elif kind == BlockKind.FOOTER:
        story = "word/footer1.xml"
    return Block(
        index=index,
        kind=kind,
        text=text,
        story=story,
        paragraph=index,
        controls=tuple(controls),
        placeholders=tuple(placeholders),
        links=tuple(links),
        **extra,
    )


def analysed(document: Document) -> Any:
    from lettercheck.language.analysis import analyse

    return analyse(document)


def run(rule: str, source: str) -> list[Any]:
    return list(CHECKS[rule](analysed(letter(source)), options(rule)))


def texts(rule: str, source: str) -> list[str]:
    document = letter(source)
    hits = list(CHECKS[rule](analysed(document), options(rule)))
    return [document.blocks[h.block].text[h.start : h.end] for h in hits]


# ---------------------------------------------------------------------------------------------
# The YAML entries
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", RULE_NAMES)
def test_every_rule_has_a_documented_entry_with_examples(rule: str) -> None:
    entry = ENTRIES[rule]
    for key in ("code", "severity", "message", "why", "example", "better", "check"):
        assert entry.get(key), f"{rule}: {key} missing"
    assert entry["check"] in CHECKS
    assert entry["pass"] and entry["fail"]
    assert re.fullmatch(r"LC[12]\d\d", entry["code"])


@pytest.mark.parametrize("rule", RULE_NAMES)
def test_yaml_examples_pass_and_fail_through_the_engine(rule: str) -> None:
    from lettercheck.testing.examples import check_text

    entry = ENTRIES[rule]
    for example in entry["fail"]:
        found = [f for f in check_text(example) if f.rule == rule]
        assert found, f"{rule} should fire on:\n{example}"
    for example in entry["pass"]:
        found = [f for f in check_text(example) if f.rule == rule]
        assert not found, f"{rule} should not fire on:\n{example}"


def test_codes_are_unique() -> None:
    codes = [e["code"] for e in ENTRIES.values()]
    assert len(codes) == len(set(codes))


def test_engine_loads_the_rules_and_makes_findings() -> None:
    from lettercheck.engine.ruleset import load_rules
    from lettercheck.testing.examples import check_text

    rules = load_rules()
    for name in RULE_NAMES:
        assert rules.get(name) is not None
    (finding,) = [
        f
        for f in check_text(
            "# Samtale\nKære Ida\nDu får dette brev, fordi vi skal tale om § 5.\n"
            "Med venlig hilsen\nJobcenter Solbæk"
        )
        if f.rule == "legal-reference-early"
    ]
    assert finding.code == "LC101" and finding.text == "§ 5" and finding.part == "body"
    assert "Fredericia" in finding.why


# ---------------------------------------------------------------------------------------------
# legal-reference-early
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Du skal møde, jf. § 16 i lov om en aktiv beskæftigelsesindsats.",
            ["jf. § 16 i lov om en aktiv beskæftigelsesindsats"],
        ),
        ("Afgørelsen følger af § 42, stk. 2.", ["§ 42, stk. 2"]),
        (
            "Se jf. sygedagpengelovens § 21, stk. 1, nr. 3, om ophør.",
            ["jf. sygedagpengelovens § 21, stk. 1, nr. 3"],
        ),
        ("Reglerne står i §§ 112 – 115.", ["§§ 112 – 115"]),
        ("Det følger af retssikkerhedslovens § 7 a.", ["retssikkerhedslovens § 7 a"]),
        ("Vi har hørt dig efter forvaltningsloven.", ["forvaltningsloven"]),
        ("Se Lovbekendtgørelse nr. 981 af 23/9/2019.", ["Lovbekendtgørelse nr. 981 af 23/9/2019"]),
        ("Efter LBK nr 433 af 22/04/2014 gælder det.", ["LBK nr 433 af 22/04/2014"]),
        ("Se VEJ nr 11740 af 04/12/1986.", ["VEJ nr 11740 af 04/12/1986"]),
        (
            "Det står i kapitel 11 i lov om aktiv beskæftigelsesindsats.",
            ["kapitel 11 i lov om aktiv beskæftigelsesindsats"],
        ),
        ("Du hører under bekendtgørelse om sygedagpenge.", ["bekendtgørelse om sygedagpenge"]),
        ("Efter stk. 2 kan du få hjælp.", ["stk. 2"]),
        (
            "Sanktionen gives efter § 36, jf. § 35, i lov om aktiv socialpolitik.",
            ["§ 36, jf. § 35, i lov om aktiv socialpolitik"],
        ),
        ("§ 19 i forvaltningsloven giver dig ret til at udtale dig.", ["§ 19 i forvaltningsloven"]),
    ],
)
def test_legal_reference_spans(text: str, expected: list[str]) -> None:
    opts = options("legal-reference-early")
    assert [text[s:e] for s, e in find_legal_references(text, opts)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Vi mødes, jf. vores brev af 3. marts.",
        "Du har lov til at tage en bisidder med.",
        "Mødet er i lokale 1.14 kl. 10.00.",
        "Loven er til for at hjælpe dig.",
        "Læs kapitel 3 i pjecen.",
    ],
)
def test_not_legal_references(text: str) -> None:
    assert find_legal_references(text, options("legal-reference-early")) == []


def test_reference_in_body_before_legal_section_is_flagged() -> None:
    found = texts(
        "legal-reference-early",
        """
        # Afgørelse om sygedagpenge
        Kære Peter
        Dine sygedagpenge stopper efter § 21, stk. 1, nr. 1 i sygedagpengeloven.
        Med venlig hilsen
        Jonas Kjær
        ## Klagevejledning
        Du kan klage efter §§ 66-67 i retssikkerhedsloven.
        """,
    )
    assert found == ["§ 21, stk. 1, nr. 1 i sygedagpengeloven"]


def test_references_inside_complaints_section_before_signature_are_fine() -> None:
    assert not run(
        "legal-reference-early",
        """
        # Dine sygedagpenge stopper
        Kære Peter
        Du får dette brev, fordi vi har besluttet at stoppe dine sygedagpenge.
        ## Hvis du vil klage
        Afgørelsen bygger på sygedagpengelovens § 21, stk. 1, nr. 1.
        Med venlig hilsen
        Jonas Kjær
        """,
    )


def test_reference_in_subject_is_flagged_and_message_names_it() -> None:
    hits = run(
        "legal-reference-early",
        """
        # Afgørelse efter § 42
        Kære Peter
        Du får dette brev, fordi vi har truffet en afgørelse.
        ## Regler
        Vi har brugt § 42.
        """,
    )
    assert len(hits) == 1
    assert "§ 42" in hits[0].message


def test_without_legal_section_reference_before_closing_is_flagged_after_is_not() -> None:
    found = texts(
        "legal-reference-early",
        """
        # Samtale om din plan
        Kære Ida
        Du skal møde op, fordi det står i § 16 i lov om en aktiv beskæftigelsesindsats.
        Med venlig hilsen
        Birgitte Holm
        Bilag: Lov nr. 548 af 07/05/2019
        """,
    )
    assert found == ["§ 16 i lov om en aktiv beskæftigelsesindsats"]


def test_one_finding_per_reference() -> None:
    found = texts(
        "legal-reference-early",
        """
        # Afgørelse
        Kære Peter
        Det følger af § 11 i lov om aktiv socialpolitik. Du skal også læse forvaltningsloven.
        ## Regler
        Her står reglerne.
        """,
    )
    assert found == ["§ 11 i lov om aktiv socialpolitik", "forvaltningsloven"]


def test_footer_reference_is_not_flagged() -> None:
    assert not run(
        "legal-reference-early",
        """
        [footer] Behandlet efter forvaltningsloven
        # Samtale
        Kære Ida
        Vi ses.
        Med venlig hilsen
        Birgitte Holm
        """,
    )


# ---------------------------------------------------------------------------------------------
# missing-caseworker-name / -phone / -email / sms
# ---------------------------------------------------------------------------------------------

ORG_ONLY = """
Fatima Ali
Engvej 22, st. tv.
8999 Ulvsted
Mobil: 61 62 63 64
Mail: fatima@example.dk
# Invitation til samtale
Kære Fatima
Vi skriver til dig, fordi du gerne vil tage en uddannelse.
Har du spørgsmål, kan du skrive til os via Digital Post på borger.dk.
Med venlig hilsen
Jobcenter Ulvsted
"""


def test_organisation_only_and_citizen_details_do_not_count() -> None:
    assert run("missing-caseworker-name", ORG_ONLY)
    assert run("missing-caseworker-phone", ORG_ONLY)
    assert run("missing-caseworker-email", ORG_ONLY)
    assert run("missing-sms-option", ORG_ONLY)


def test_whole_letter_hits_are_unlocated() -> None:
    (hit,) = run("missing-caseworker-name", ORG_ONLY)
    assert hit.block is None and hit.start is None


def test_central_number_with_opening_hours_counts_as_phone() -> None:
    assert not run(
        "missing-caseworker-phone",
        ORG_ONLY.replace(
            "Jobcenter Ulvsted",
            "Jobcenter Ulvsted\nTelefon 44 55 66 77 (mandag til fredag kl. 9-15)",
        ),
    )


def test_signature_details() -> None:
    source = """
    # Ny samtale
    Hej Rasmus
    Du får dette brev, fordi vi skal holde vores næste samtale.
    Venlig hilsen
    Mette Frost
    Jobkonsulent
    Mobil og sms: +45 40 41 42 43
    Mail: mef@ulvsted.dk
    """
    for rule in (
        "missing-caseworker-name",
        "missing-caseworker-phone",
        "missing-caseworker-email",
        "missing-sms-option",
    ):
        assert not run(rule, source), rule


def test_name_and_details_in_a_table() -> None:
    source = """
    # Vi ringer til dig
    Kære Jamal
    Du får dette brev, fordi det er tid til din næste samtale.
    ## Sådan kontakter du mig
    | Sagsbehandler | Thomas Vang |
    | Telefon | 2030 4050 |
    | E-mail | thv@solbaek.dk |
    Venlig hilsen
    Jobcenter Solbæk
    """
    for rule in ("missing-caseworker-name", "missing-caseworker-phone", "missing-caseworker-email"):
        assert not run(rule, source), rule


def test_details_in_footer_header_and_text_box() -> None:
    source = """
    [header] Sagsbehandler: Ole Berg
    [footer] Direkte tlf. 72106012
    # Samtale
    Kære Ida
    Du får dette brev, fordi vi skal tale sammen.
    [textbox] Skriv til ole.berg@kommune.dk
    Med venlig hilsen
    Jobcenter Solbæk
    """
    for rule in ("missing-caseworker-name", "missing-caseworker-phone", "missing-caseworker-email"):
        assert not run(rule, source), rule


def test_merge_fields_and_content_controls_count_as_present() -> None:
    source = """
    # Samtale
    Kære «Fornavn»
    Du får dette brev, fordi vi skal tale sammen.
    Med venlig hilsen
    [[Sagsbehandler navn:Skriv navn]]
    Tlf. «Sagsbeh_tlf»
    [[Sagsbehandler mail:mail]]
    """
    for rule in ("missing-caseworker-name", "missing-caseworker-phone", "missing-caseworker-email"):
        assert not run(rule, source), rule
    assert not run(
        "missing-caseworker-name",
        source.replace("[[Sagsbehandler navn:Skriv navn]]", "«CaseworkerName»"),
    )


def test_citizen_merge_fields_do_not_count() -> None:
    source = """
    # Samtale
    Kære «BorgerNavn»
    Vi har dit nummer «BorgerTelefon» og din mail «BorgerEmail».
    Med venlig hilsen
    Jobcenter Solbæk
    """
    for rule in ("missing-caseworker-name", "missing-caseworker-phone", "missing-caseworker-email"):
        assert run(rule, source), rule


def test_phone_we_call_the_citizen_on_is_not_the_caseworkers() -> None:
    assert run(
        "missing-caseworker-phone",
        """
        # Vi skal høre dig
        Kære Ahmed
        Hvis du hellere vil tale om det, ringer jeg til dig på 21 43 65 87 onsdag.
        Med venlig hilsen
        Birgitte Holm
        """,
    )


def test_case_number_is_not_a_phone() -> None:
    assert run(
        "missing-caseworker-phone",
        """
        Sagsnr. 20241234
        # Samtale
        Kære Ida
        Journalnummer 12345678. Dato 12.03.2026.
        Med venlig hilsen
        Birgitte Holm
        """,
    )


@pytest.mark.parametrize(
    "number", ["72 10 60 12", "7210 6012", "Tlf. 72106012", "+45 72 10 60 12", "+4572106012"]
)
def test_phone_forms(number: str) -> None:
    assert not run(
        "missing-caseworker-phone",
        f"""
        # Samtale
        Kære Ida
        Ring på {number}.
        Med venlig hilsen
        Birgitte Holm
        """,
    )


@pytest.mark.parametrize(
    "phrase",
    [
        "Din sagsbehandler er Mette Hansen.",
        "Jeg hedder Mette, og jeg er din rådgiver.",
        "Kontaktperson: Ole Berg",
    ],
)
def test_name_by_phrase_in_body(phrase: str) -> None:
    assert not run(
        "missing-caseworker-name",
        f"""
        # Samtale
        Kære Ida
        {phrase}
        Med venlig hilsen
        Jobcenter Solbæk
        """,
    )


def test_mailto_link_counts_as_email() -> None:
    assert not run(
        "missing-caseworker-email",
        """
        # Samtale
        Kære Ida
        Skriv til <mailto:bho@solbaek.dk>
        Med venlig hilsen
        Birgitte Holm
        """,
    )


def test_sms_reminder_is_not_an_sms_offer() -> None:
    assert run(
        "missing-sms-option",
        """
        # Samtale
        Kære Ida
        Vi sender dig en påmindelse på sms dagen før.
        Med venlig hilsen
        Birgitte Holm
        """,
    )


# ---------------------------------------------------------------------------------------------
# missing-purpose and missing-goal
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Du får dette brev, fordi vi skal tale om din plan.",
        "Vi skriver til dig, fordi du er blevet syg.",
        "Formålet med samtalen er at se på din plan.",
        "Samtalen handler om, hvordan det går.",
        "Du modtager dette brev, fordi din praktik slutter.",
    ],
)
def test_purpose_phrases(sentence: str) -> None:
    assert not run(
        "missing-purpose",
        f"""
        # Samtale
        Kære Ida
        {sentence}
        Med venlig hilsen
        Birgitte Holm
        """,
    )


def test_purpose_too_late_is_missing() -> None:
    filler = "\n".join(f"Sætning nummer {n} handler ikke om noget særligt." for n in range(6))
    assert run(
        "missing-purpose",
        f"""
        # Samtale
        Kære Ida
        {filler}
        Du får dette brev, fordi vi skal tale om din plan.
        Med venlig hilsen
        Birgitte Holm
        """,
    )


ACTIVITY = """
# Tilbud om virksomhedspraktik
Kære Ida
Du får dette brev, fordi du skal i praktik hos Bygma fra den 2. marts.
{goal}
Med venlig hilsen
Birgitte Holm
"""


@pytest.mark.parametrize(
    "goal",
    [
        "Målet er, at du bliver klar til et job på lager.",
        "Vi laver sammen et delmål for de første fire uger.",
        "Praktikken skal give dig erfaring, så du kan søge job som lagermedarbejder.",
    ],
)
def test_goal_present(goal: str) -> None:
    assert not run("missing-goal", ACTIVITY.format(goal=goal))


def test_goal_missing_in_activity_letter() -> None:
    assert run("missing-goal", ACTIVITY.format(goal="Husk arbejdstøj."))


def test_so_you_can_without_job_context_is_no_goal() -> None:
    assert run("missing-goal", ACTIVITY.format(goal="Ring til mig, så du kan få svar."))


@pytest.mark.parametrize(
    "subject",
    [
        "Kvittering for din ansøgning",
        "Partshøring om din kontanthjælp",
        "Dine sygedagpenge stopper",
        "Du har fået en ny sagsbehandler",
    ],
)
def test_non_activity_letters_are_never_flagged(subject: str) -> None:
    assert not run(
        "missing-goal",
        f"""
        # {subject}
        Kære Ida
        Vi skriver til dig om din sag. Din nye sagsbehandler vil indkalde dig til en samtale.
        Med venlig hilsen
        Birgitte Holm
        """,
    )


# ---------------------------------------------------------------------------------------------
# Cases beyond the corpus
# ---------------------------------------------------------------------------------------------


def test_hyphenated_law_name() -> None:
    text = "Det følger af LAB-loven og af LAB-lovens § 5."
    spans = find_legal_references(text, options("legal-reference-early"))
    assert [text[s:e] for s, e in spans] == ["LAB-loven", "LAB-lovens § 5"]


def test_long_subject_with_reference_is_flagged() -> None:
    # A heading over eight words is left in the address block by the part tagger; it is still
    # the letter's heading and read first.
    found = texts(
        "legal-reference-early",
        """
        Jørgen Madsen
        Ahornvej 1
        # Afgørelse om forlængelse af sygedagpenge efter sygedagpengelovens § 27, stk. 1, nr. 2
        Kære Jørgen
        Vi forlænger dine sygedagpenge.
        Med venlig hilsen
        Karin Lauesen
        # Klagevejledning
        Du kan klage.
        """,
    )
    assert found == ["sygedagpengelovens § 27, stk. 1, nr. 2"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Vi indkalder dig til en samtale, fordi vi skal lægge en plan.",
        "Du får brev fra os, fordi din sag er ændret.",
        "Vi sender dig dette brev, fordi du har søgt om hjælp.",
    ],
)
def test_more_purpose_phrases(sentence: str) -> None:
    assert not run(
        "missing-purpose",
        f"# Samtale\nKære Ida\n{sentence}\nMed venlig hilsen\nBirgitte Holm",
    )


def test_purpose_in_third_paragraph_is_early_in_fourth_it_is_late() -> None:
    head = "# Samtale\nKære Ida\nVi mødes mandag.\nHusk dit sygesikringskort.\n"
    purpose = "Du får dette brev, fordi vi skal tale om din plan.\n"
    tail = "Med venlig hilsen\nBirgitte Holm"
    assert not run("missing-purpose", head + purpose + tail)
    assert run("missing-purpose", head + "Tag gerne en bisidder med.\n" + purpose + tail)


def test_a_table_counts_as_one_paragraph_for_early() -> None:
    source = (
        "# Samtale\nKære Ida\n| Tid | Mandag kl. 10 |\n| Sted | Torvet 3 |\nVi ses.\n"
        "Du får dette brev, fordi vi skal tale om din plan.\nMed venlig hilsen\nBirgitte Holm"
    )
    assert not run("missing-purpose", source)


def test_third_party_details_are_not_the_caseworkers() -> None:
    base = "# Praktik\nKære Ida\n{line}\nMed venlig hilsen\nJobcenter Solbæk"
    assert run("missing-caseworker-phone", base.format(line="Din mentor har tlf. 12 34 56 78."))
    assert run("missing-caseworker-email", base.format(line="Skriv til din mentor på ob@firma.dk."))
    assert run("missing-caseworker-name", base.format(line="Din mentor hedder Ole Berg."))
    assert not run(
        "missing-caseworker-phone",
        base.format(line="Har du spørgsmål til din mentor, så ring til mig på 12 34 56 78."),
    )


def test_role_before_full_name_on_a_footer_line() -> None:
    assert not run(
        "missing-caseworker-name",
        "[footer] Sagsbehandler Karin Lauesen · Jobcenter Solbæk · Tlf. 70 80 90 10\n"
        "# Samtale\nKære Ida\nVi ses.\nMed venlig hilsen\nJobcenter Solbæk",
    )


@pytest.mark.parametrize(
    "signature", ["Ydelseskontoret Egevang", "Fredericia Kommune", "Team Sygedagpenge"]
)
def test_organisation_signatures_name_no_one(signature: str) -> None:
    assert run(
        "missing-caseworker-name",
        f"# Samtale\nKære Ida\nVi ses.\nMed venlig hilsen\n{signature}\nTelefon 44 55 66 77",
    )


def test_purpose_of_an_internship_is_not_a_goal() -> None:
    goal = "Formålet med praktikken er at se, hvor mange timer du kan arbejde."
    assert run("missing-goal", ACTIVITY.format(goal=goal))


def test_benefit_decision_mentioning_a_samtale_is_not_an_activity_letter() -> None:
    assert not run(
        "missing-goal",
        "# Du kan få sygedagpenge\nKære Ida\nDu får dette brev, fordi du kan få sygedagpenge. "
        "Vi indkalder dig snart til en samtale.\nMed venlig hilsen\nBirgitte Holm",
    )


def test_name_on_the_closing_line_and_dashed_phone() -> None:
    source = (
        "# Samtale\nKære Ida\nDu får dette brev, fordi vi skal tale sammen.\n"
        "Venlig hilsen Mette Hansen\nTlf. 72-10-60-12"
    )
    assert not run("missing-caseworker-name", source)
    assert not run("missing-caseworker-phone", source)


def test_time_range_and_date_are_not_phones() -> None:
    assert run(
        "missing-caseworker-phone",
        "# Samtale\nKære Ida\nVi mødes kl. 10.00-12.00 den 12. 03. 2026.\n"
        "Med venlig hilsen\nMette Hansen",
    )


def test_signature_content_control_counts_as_name() -> None:
    assert not run(
        "missing-caseworker-name",
        "# Samtale\nKære Ida\nHej.\nMed venlig hilsen\n[[Underskrift:Klik her]]",
    )


def test_case_number_label_does_not_hide_the_phone_next_to_it() -> None:
    assert not run(
        "missing-caseworker-phone",
        "[header] Sagsnr. 15.02.00-G01-118-26 · Tlf. 72 10 60 12\n"
        "# Samtale\nKære Ida\nVi ses.\nMed venlig hilsen\nMette Hansen",
    )


def test_citizen_address_in_a_text_box_is_the_citizens() -> None:
    source = (
        "[textbox] Ida Jensen\n[textbox] Vestergade 4\n[textbox] Tlf. 61 62 63 64\n"
        "# Samtale\nKære Ida\nVi ses.\nMed venlig hilsen\nJobcenter Solbæk"
    )
    assert run("missing-caseworker-phone", source)
    sender_box = source.replace("[textbox] Ida Jensen", "[textbox] Jobcenter Solbæk")
    assert not run("missing-caseworker-phone", sender_box)


@pytest.mark.parametrize(
    ("title", "advice"),
    [
        # complaints guidance alone: the rules go in a section of their own right before it
        (
            "Klagevejledning",
            "Saml lovhenvisningerne i et afsnit om regler lige før »Klagevejledning«.",
        ),
        # a section that holds the rules too: move the reference there
        ("Regler og klagevejledning", "Flyt den til afsnittet »Regler og klagevejledning«."),
        ("Lovgrundlag", "Flyt den til afsnittet »Lovgrundlag«."),
        (None, "Saml lovhenvisningerne i et afsnit om regler sidst i brevet."),
    ],
)
def test_legal_reference_advice_names_where_the_reference_belongs(
    title: str | None, advice: str
) -> None:
    lines = [
        "# Afgørelse",
        "Kære Anna",
        "Vi har stoppet din ydelse, jf. § 42 i lov om sygedagpenge.",
        "Med venlig hilsen",
        "Mette Frost",
    ]
    if title:
        lines += [f"# {title}", "Du kan klage inden fire uger."]
    from lettercheck.testing.examples import check_text

    found = check_text("\n".join(lines))
    (finding,) = [f for f in found if f.rule == "legal-reference-early"]
    assert advice[:-1] in finding.message, finding.message
    assert finding.message.endswith("hvad reglen betyder for borgeren.")
    assert finding.suggestion is None  # an instruction, not words to put in place


# ---------------------------------------------------------------------------------------------
# missing-purpose: purpose as real letters state it (issue 11, section 2)
# ---------------------------------------------------------------------------------------------


def _purpose_messages(source: str) -> list[str]:
    from lettercheck.checks.purpose_goal import missing_purpose

    hits = list(missing_purpose(analysed(letter(source)), options("missing-purpose")))
    return [hit.message or "" for hit in hits]


@pytest.mark.parametrize(
    "sentence",
    [
        "Vi har bevilget dig befordringsgodtgørelse fra den 1. marts.",
        "Børn og Unge har truffet afgørelse om, at du får hjælp til transport.",
        "Du har søgt om hjælp til tandbehandling.",
        "Tak for din ansøgning om kontanthjælp.",
        "Du er indkaldt til en samtale om din sygemelding.",
        "Vi inviterer dig til en opfølgningssamtale tirsdag.",
        "Vi har endnu ikke modtaget din lønseddel.",
        "Vi mangler en lægeerklæring fra dig.",
        "Vi overvejer at stoppe din kontanthjælp.",
        "Inden vi træffer afgørelse, vil vi høre dig om din indtægt.",
        "Dette er en orientering om nye regler for befordring.",
    ],
)
def test_real_letters_ways_of_stating_the_purpose(sentence: str) -> None:
    assert not _purpose_messages(f"# Brev\nKære Ida\n{sentence}\nMed venlig hilsen\nBirgitte Holm")


def test_a_subject_that_says_it_is_a_purpose_and_a_bare_one_is_not() -> None:
    body = "Kære Ida\nVi mødes tirsdag kl. 10.\nMed venlig hilsen\nBirgitte Holm"
    assert not _purpose_messages("# Afgørelse om befordringsgodtgørelse\n" + body)
    assert not _purpose_messages("# Opfølgningssamtale om dine sygedagpenge\n" + body)
    assert _purpose_messages("# Indkaldelse til samtale\n" + body)
    assert _purpose_messages("# Samtale i Jobcenter Egevang\n" + body)


def test_procedure_first_is_named_in_the_message() -> None:
    (message,) = _purpose_messages(
        "# Indkaldelse til samtale\nKære Ida\n"
        "I henhold til § 16 skal vi hermed indkalde Dem til samtale tirsdag kl. 9.30.\n"
        "Med venlig hilsen\nBirgitte Holm"
    )
    assert "»I henhold til § 16 skal vi hermed" in message
    assert "procedure eller lovgrundlag" in message


def test_late_purpose_names_its_paragraph() -> None:
    (message,) = _purpose_messages(
        "# Samtale\nKære Ida\nVi mødes mandag.\nHusk dit sygesikringskort.\nTag en bisidder med.\n"
        "Samtalen handler om din plan.\nMed venlig hilsen\nBirgitte Holm"
    )
    assert message.startswith("Brevet siger først i afsnit 4")


def test_activity_letter_must_say_what_the_activity_is_for() -> None:
    source = (
        "# Overgang til jobafklaringsforløb\nKære Ida\n"
        "Du modtager dette brev, fordi dine sygedagpenge ophører pr. 30. marts.\n{more}"
        "Med venlig hilsen\nBirgitte Holm"
    )
    (message,) = _purpose_messages(source.format(more=""))
    assert message.startswith("Brevet handler om jobafklaringsforløb")
    assert not _purpose_messages(
        source.format(more="I forløbet får du hjælp til at finde et arbejde, du kan klare.\n")
    )
    # "med henblik på aftale om første møde" is procedure, not what the activity is for
    assert _purpose_messages(source.format(more="Vi kontakter dig med henblik på aftale.\n"))


def test_what_for_in_the_legal_section_does_not_count() -> None:
    assert _purpose_messages(
        "# Mentor\nKære Ida\nDer er bevilget mentor til dig.\nMed venlig hilsen\nBirgitte Holm\n"
        "# Regler\nFormålet med mentorstøtte er efter loven at hjælpe borgeren."
    )


# ---------------------------------------------------------------------------------------------
# The contact step (issue 11 §4): every detail once, with its owner and why
# ---------------------------------------------------------------------------------------------


def _details(source: str) -> list[tuple[str, str, str]]:
    from lettercheck.checks.contact import contact_details

    found = contact_details(analysed(letter(source)), options("missing-caseworker-phone"))
    return sorted((d.kind, d.text, d.owner) for d in found)


def test_contact_step_names_each_owner() -> None:
    found = _details(
        """
        Ahmed Hansen
        Tlf. 21 43 65 87
        # Tilbud om praktik
        Kære Ahmed
        Din mentor har tlf. 40 50 60 70.
        Ring til Sygedagpengeafdelingen på 33 44 50 00, eller send en sms til mig.
        Med venlig hilsen
        Mette Frost
        Sagsbehandler
        mef@ulvsted.dk
        """
    )
    assert ("phone", "21 43 65 87", "citizen") in found
    assert ("phone", "40 50 60 70", "third_party") in found
    assert ("phone", "33 44 50 00", "sender_unit") in found
    assert ("email", "mef@ulvsted.dk", "caseworker") in found
    assert ("name", "Mette Frost", "caseworker") in found
    assert any(kind == "sms" and owner == "caseworker" for kind, _t, owner in found)


def test_a_unit_signing_is_the_sender_unit_not_a_name() -> None:
    found = _details("# Adresse\nKære Ida\nVi ses.\nMed venlig hilsen\nAarhus Folkeregister")
    assert ("name", "Aarhus Folkeregister", "sender_unit") in found
    assert not [d for d in found if d[0] == "name" and d[2] == "caseworker"]


def test_a_letter_without_salutation_or_heading_still_has_a_sender() -> None:
    found = _details("Vi har fået din ansøgning.\nRing til os på 72 10 60 12.\nBorgerservice")
    assert ("phone", "72 10 60 12", "caseworker") in found


def test_contact_options_are_checked_strictly() -> None:
    from lettercheck.checks.contact import contact_option_errors

    good = options("missing-caseworker-phone")
    assert contact_option_errors(good) == []
    bad = {**good, "sender-unit-name": []}
    del bad["role-lines"]
    assert contact_option_errors(bad) == [
        "ukendt nøgle 'sender-unit-name'",
        "nøglen 'role-lines' mangler",
    ]
