"""Every rule's pass/fail examples (rules/*.yaml), run through the real pipeline: the example is
turned into a Document (testing.examples.document_from_example), tagged with letter parts and
analysed
with
lettercheck.language.analysis.analyse. A rule must fire on each fail example and stay silent on
each pass
example, and every rule must have both kinds."""

from __future__ import annotations

import pytest

from lettercheck.engine.ruleset import load_rules
from lettercheck.testing.examples import check_text

RULES = list(load_rules())
CASES = [
    pytest.param(rule.name, kind, example, id=f"{rule.name}-{kind}{number}")
    for rule in RULES
    for kind, examples in (("pass", rule.passes), ("fail", rule.fails))
    for number, example in enumerate(examples)
]


def test_every_rule_has_pass_and_fail_examples() -> None:
    missing = [r.name for r in RULES if not r.passes or not r.fails]
    assert not missing, f"rules without pass or fail examples: {missing}"


@pytest.mark.parametrize(("name", "kind", "example"), CASES)
def test_example(name: str, kind: str, example: str) -> None:
    findings = [f for f in check_text(example) if f.rule == name]
    if kind == "pass":
        assert not findings, f"{name} fired on a pass example: {[f.text for f in findings]}"
    else:
        assert findings, f"{name} did not fire on a fail example"
        for finding in findings:
            assert finding.message and finding.code and finding.why


def test_every_rule_has_example_better_and_source() -> None:
    for rule in RULES:
        assert rule.example.strip() and rule.better.strip() and rule.why.strip(), rule.name


# ------------------------------------------------------------------ behaviour beyond the examples


def _hits(text: str, name: str) -> list[tuple[str | None, str | None]]:
    return [(f.text, f.suggestion) for f in check_text(text) if f.rule == name]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("De vil begge gerne møde dig.", []),
        ("Vi har talt med dine børn. De er glade for skolen.", []),
        ("«De vil gerne møde dig», skriver praktikstedet.", []),
        ("Vi ved, at De er syg.", [("De", "du")]),
        ("Vi ringer til Dem i morgen.", [("Dem", "dig")]),
        ("Deres ansøgning er modtaget.", [("Deres", None)]),
        ("Husk: De skal medbringe lønsedler.", []),  # ":" ends a sentence (LIX definition)
        ("Vi har fået deres papirer, og vi ringer til dem.", []),
    ],
)
def test_formal_address(text: str, expected: list) -> None:
    assert _hits(text, "formal-address") == expected


NOT_PASSIVE = [
    "hus",
    "kurs",
    "mens",
    "dels",
    "ydelses",
    "ellers",
    "gratis",
    "fælles",
    "tilfældes",
    "andres",
    "alles",
    "hinandens",
    "synes",
    "findes",
    "lykkes",
    "mødes",
    "trives",
    "længes",
    "tidligere",
    "os",
    "hvis",
]


@pytest.mark.parametrize("word", NOT_PASSIVE)
def test_words_ending_in_s_that_are_not_passive(word: str) -> None:
    assert _hits(f"Vi taler om {word} i dag.", "passive-voice") == []


@pytest.mark.parametrize(
    ("text", "span", "suggestion"),
    [
        ("Der sendes et brev til dig.", "Der sendes", "Vi sender"),
        ("Der gøres en indsats for dig.", "Der gøres", "Vi gør"),
        ("Vi ringer, og der udbetales penge.", "der udbetales", "vi udbetaler"),
        ("Brevet, der sendes i dag, er vigtigt.", "sendes", None),
        ("Pengene udbetales den 1.", "udbetales", None),
        ("Du vil ikke blive kontaktet igen.", "blive kontaktet", None),
        ("Sagen er blevet behandlet.", "blevet behandlet", None),
        ("Du bliver automatisk indkaldt.", "bliver automatisk indkaldt", None),
    ],
)
def test_passive_voice(text: str, span: str, suggestion: str | None) -> None:
    assert _hits(text, "passive-voice") == [(span, suggestion)]


@pytest.mark.parametrize(
    ("text", "example"),
    [
        # an instruction to the citizen to act toward us (a modal, us after "til" or as subject)
        ("Spørgsmål kan rettes til undertegnede.", "fx »du kan rette«"),
        ("Spørgsmål kan rettes til din sagsbehandler.", "fx »du kan rette«"),
        ("Undertegnede kan kontaktes på telefon.", "fx »du kan kontakte«"),
        ("Ansøgningen skal sendes til os.", "fx »du skal sende«"),
        # … but without a modal it is something we do, and "os" is a whole word
        ("Din sag sendes til Ydelseskontoret.", "fx »vi sender«"),
        ("Der sendes en kopi til jobcentret.", "fx »vi sender«"),
        ("Ansøgningen kan sendes til ostehandleren.", "fx »vi sender«"),
        ("Pengene udbetales den 1.", "fx »vi udbetaler«"),
        # done: the example keeps the tense
        ("Din ansøgning blev bevilget i går.", "fx »vi har bevilget«"),
        ("Sagen er blevet behandlet.", "fx »vi har behandlet«"),
        ("Du bliver indkaldt til en samtale.", "fx »vi indkalder«"),
    ],
)
def test_passive_voice_example_names_who_acts_in_the_right_tense(text: str, example: str) -> None:
    (finding,) = [f for f in check_text(text) if f.rule == "passive-voice"]
    assert example in finding.message


@pytest.mark.parametrize(
    ("text", "words", "advice", "suggestion"),
    [
        # the form of the phrase in the table: replaced in place
        ("Du skal være i stand til at møde op.", "være i stand til at", "kunne", "kunne"),
        ("Du skal tage udgangspunkt i planen.", "tage udgangspunkt i", "bygge på", "bygge på"),
        # the present tense: the alternative's present tense
        ("Du er i stand til at arbejde.", "er i stand til at", "kan", "kan"),
        ("Du har mulighed for at klage.", "har mulighed for at", "kan", "kan"),
        ("Vi tager udgangspunkt i planen.", "tager udgangspunkt i", "bygger på", "bygger på"),
        # another form: advice only, never a tracked change with the wrong form
        ("Du havde mulighed for at klage.", "havde mulighed for at", "kunne", None),
        ("Vi har taget udgangspunkt i planen.", "taget udgangspunkt i", "bygge på", None),
        ("Ydelsen bringes til ophør.", "bringes til ophør", "stoppe", None),
        # a choice that depends on the sentence, or a rewrite around it: advice only
        ("Ring til undertegnede.", "undertegnede", "jeg eller mig", None),
        ("I tilfælde af sygdom skal du ringe.", "I tilfælde af", "hvis …", None),
        ("Vi gør det med henblik på at hjælpe.", "med henblik på", "for at …", None),
        # one word in a form the lemma table confirms: inflected in place
        ("Vi fremsendte brevet.", "fremsendte", "sendte", "sendte"),
    ],
)
def test_officialese_replaces_only_in_a_form_that_fits(
    text: str, words: str, advice: str, suggestion: str | None
) -> None:
    (finding,) = [f for f in check_text(text) if f.rule == "officialese"]
    assert (finding.text, finding.suggestion) == (words, suggestion)
    assert f"»{advice.replace(' eller ', '« eller »')}«" in finding.message


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("Vi vil foretage en justering af din ydelse.", "justere"),
        ("Vi foretager en justering af din ydelse.", "justerer"),
        ("Vi har foretaget en justering af din ydelse.", None),  # "har justere" would be wrong
    ],
)
def test_nominalization_replaces_only_in_a_form_it_can_make(
    text: str, suggestion: str | None
) -> None:
    (finding,) = [f for f in check_text(text) if f.rule == "nominalization"]
    assert finding.suggestion == suggestion
    assert "»justere«" in finding.message or f"»{suggestion}«" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "Du bliver syg af at arbejde for meget.",
        "Du bliver bekendt med reglerne.",
        "Vi bliver ved med at hjælpe dig.",
        "Du bliver nødt til at ringe.",
        "Vi ses på mandag, og vi høres ved.",
        "Vi taler om en samtales længde.",
        "I dette tilfældes tilfælde ringer vi.",
    ],
)
def test_not_passive(text: str) -> None:
    """Adjectives after "blive", "blive ved", deponent and reciprocal -s verbs, genitives."""
    assert _hits(text, "passive-voice") == []


@pytest.mark.parametrize(
    ("text", "span", "suggestion"),
    [
        ("Vi vil foretage en justering af dine dagpenge.", "foretage en justering af", "justere"),
        (
            "Vi gennemfører en undersøgelse af sagen.",
            "gennemfører en undersøgelse af",
            "undersøger",
        ),
        ("Vi kan give dig tilladelse til at rejse.", "give dig tilladelse til", "tillade dig"),
        ("Vi træffer afgørelse om din sag.", "træffer afgørelse om", "afgør"),
        (
            "Vi foretager en registrering af dit fravær.",
            "foretager en registrering af",
            "registrerer",
        ),
    ],
)
def test_nominalization(text: str, span: str, suggestion: str) -> None:
    assert _hits(text, "nominalization") == [(span, suggestion)]


def test_nominalization_needs_a_real_verb() -> None:
    assert _hits("Vi giver dig en mulighed for job.", "nominalization") == []
    assert _hits("Vi giver dig en hilsen.", "nominalization") == []


@pytest.mark.parametrize(
    "text",
    [
        "Du får bl.a. hjælp, fx til ansøgninger, ca. 3 gange om ugen, osv.",
        "Du får 500 kr. og skal møde kl. 10.00 den 3. marts.",
        "Send en mail til evt@fredericia.dk eller se www.jf.dk.",
        "Reglerne står i nr. 3, stk. 2.",
    ],
)
def test_abbreviations_that_are_fine(text: str) -> None:
    assert _hits(text, "abbreviation") == []


@pytest.mark.parametrize(
    ("abbreviation", "written_out"),
    [
        ("jf.", "se"),
        ("iht.", "efter"),
        ("ift.", "i forhold til"),
        ("evt.", "eventuelt eller eventuelle"),  # the form follows the noun: advice
        ("pga.", "på grund af"),
        ("p.t.", "lige nu"),
        ("d.d.", "i dag"),
        ("mht.", "om"),
        ("vedr.", "om"),
    ],
)
def test_abbreviations_written_out(abbreviation: str, written_out: str) -> None:
    assert _hits(f"Vi skriver {abbreviation} din sag.", "abbreviation") == [
        (abbreviation, written_out)
    ]


def test_lix_message_has_value_and_band() -> None:
    text = (
        "Kommunalbestyrelsens sagsbehandlingstidsfrister vedrørende ansøgningsbehandling "
        "forudsætter dokumentationsindsendelse."
    )
    (finding,) = [f for f in check_text(text) if f.rule == "lix-too-high"]
    assert "meget svær" in finding.message and "LIX er" in finding.message
    assert finding.block is None and finding.part is None


def test_plain_language_rules_read_text_boxes_but_not_the_letterhead() -> None:
    """A text box in the body is read by the citizen ("Har du spørgsmål?"), so it is checked;
    the header and footer (the letterhead) are not."""
    letter = "\n".join(
        [
            "[header] Såfremt De har spørgsmål, bedes De kontakte os.",
            "# Tilbud om kursus",
            "Kære Hanna",
            "Du får dette brev, fordi du skal på kursus.",
            "[textbox] Såfremt De har spørgsmål, bedes De kontakte os.",
            "Med venlig hilsen",
            "Jonas Vinther",
        ]
    )
    found = [(f.rule, f.text, f.block) for f in check_text(letter) if f.located]
    assert sorted(found) == [
        ("formal-address", "De", 4),
        ("formal-address", "De", 4),
        ("officialese", "Såfremt", 4),
        ("officialese", "bedes", 4),  # officialese, which passive-voice gives way to
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # formal elsewhere in the letter: the sentence-initial "De" is formal too
        (
            "De bedes medbringe dokumentation for Deres jobsøgning.",
            [("De", "Du"), ("Deres", None)],
        ),
        # … but not where it means "those" or a plural word follows the verb
        ("Vi har talt med Dem. De to praktiksteder ringer.", [("Dem", "dig")]),
        ("Vi har Deres ansøgning. De oplysninger, du har givet, er i orden.", [("Deres", None)]),
        ("Vi har talt med Dem. De har begge sagt ja.", [("Dem", "dig")]),
        # not formal anywhere: a sentence-initial "De" is left alone
        ("De bedes medbringe dokumentation for din jobsøgning.", []),
    ],
)
def test_formal_address_at_a_sentence_start_in_a_formal_letter(
    text: str, expected: list[tuple[str, str | None]]
) -> None:
    assert _hits(text, "formal-address") == expected


def test_every_shipped_rule_has_a_danish_name() -> None:
    """Issue 13 §4: a Danish kebab-case name beside the code and the English name."""
    from lettercheck.engine.ruleset import load_rules

    rules = load_rules()
    assert all(r.danish != r.name for r in rules), [r.name for r in rules if r.danish == r.name]
    assert rules.get("kancellisprog").code == "LC302"
    assert rules.get("lang-saetning") is rules.get("lang-sætning") is rules.get("LC402")
