"""The letter's type (issue 12): every example in rules/types.yaml gets its type, the author's
statement wins, and a wrong types file is one line naming file and line."""

from __future__ import annotations

import pytest

from lettercheck.engine.config import Config, ConfigError, parse_config
from lettercheck.engine.run import letter_type_of
from lettercheck.language.letter_type import (
    TypeDataError,
    classify,
    load_vocabulary,
    parse_vocabulary,
)
from lettercheck.language.parts import tag_parts
from lettercheck.testing.examples import document_from_example

EXAMPLES = [
    pytest.param(words.type, example, id=f"{words.type}-{number}")
    for words in load_vocabulary().types
    for number, example in enumerate(words.examples)
]


def _document(example: str, path: str = "eksempel.txt"):
    document = document_from_example(example, path)
    tag_parts(document)
    return document


def test_every_type_has_an_example() -> None:
    assert all(words.examples for words in load_vocabulary().types)


@pytest.mark.parametrize(("expected", "example"), EXAMPLES)
def test_type_examples(expected: str, example: str) -> None:
    found = classify(_document(example))
    assert found.type == expected, found.because
    assert found.because and not found.stated


def test_a_letter_without_type_words_is_andet() -> None:
    found = classify(
        _document("# Godt nytår\nKære Ida\nVi ønsker dig et godt nytår.\nHilsen\nMette")
    )
    assert found.type == "andet"


def test_a_hearing_about_a_decision_is_a_hearing() -> None:
    letter = (
        "# Partshøring før afgørelse om dine sygedagpenge\nKære Ida\n"
        "Vi overvejer at stoppe dine sygedagpenge.\nMed venlig hilsen\nMette Frost"
    )
    assert classify(_document(letter)).type == "partshoering"


def test_the_comment_states_the_type_and_wins() -> None:
    letter = (
        "# Indkaldelse til samtale\nKære Ida\n"
        "[[Vi indkalder dig|lettercheck: type afgørelse]] til en samtale.\n"
        "Med venlig hilsen\nMette Frost"
    )
    found = letter_type_of(_document(letter), Config())
    assert (found.type, found.stated) == ("afgoerelse", True)
    assert "lettercheck: type afgoerelse" in found.because


def test_an_unknown_type_in_a_comment_is_said_and_the_text_decides() -> None:
    letter = (
        "# Indkaldelse til samtale\nKære Ida\n"
        "[[Vi indkalder dig|lettercheck: type afgørelsen]] til en samtale.\n"
        "Med venlig hilsen\nMette Frost"
    )
    found = letter_type_of(_document(letter), Config())
    assert found.type == "indkaldelse"
    assert "ukendte type »afgørelsen«" in found.because


def test_the_configuration_states_the_type_by_glob(tmp_path) -> None:
    source = tmp_path / ".lettercheck.toml"
    config = parse_config({"letter-types": {"afgoerelser/*": "afgørelse"}}, source)
    letter = "# Indkaldelse til samtale\nKære Ida\nVi indkalder dig.\nHilsen\nMette"
    inside = _document(letter, str(tmp_path / "afgoerelser" / "a.docx"))
    outside = _document(letter, str(tmp_path / "andre" / "a.docx"))
    found = letter_type_of(inside, config)
    assert (found.type, found.stated) == ("afgoerelse", True)
    assert ".lettercheck.toml" in found.because and "afgoerelser/*" in found.because
    assert letter_type_of(outside, config).type == "indkaldelse"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"letter-types": {"a/*": "afgørelser"}}, "mente du 'afgoerelse'?"),
        ({"letter-types": {"a/*": 3}}, "brevtype"),
        ({"letter-types": []}, "tabel"),
        ({"letter-type": {}}, "mente du 'letter-types'?"),
    ],
)
def test_the_configuration_key_is_validated(table: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("?", r"\?")):
        parse_config(table)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "weights: {subject: 6}\nopening-paragraphs: 3\ntype: []\n",
            "types.yaml:3: ukendt nøgle 'type' i filen (mente du 'types'?)",
        ),
        (
            "weights: {subject: 6}\nopening-paragraphs: 3\ntypes:\n  - type: afgorelse\n",
            "types.yaml:4: ukendt brevtype 'afgorelse' (mente du 'afgoerelse'?)",
        ),
        (
            "weights: {subject: 6}\nopening-paragraphs: 3\ntypes:\n  - type: tilbud\n"
            "    subjet: ['x']\n",
            "types.yaml:5: ukendt nøgle 'subjet' i en type (mente du 'subject'?)",
        ),
        (
            "weights: {subject: 6}\nopening-paragraphs: 3\ntypes:\n  - type: tilbud\n"
            "    subject: ['(']\n",
            "types.yaml:5: ugyldigt regulært udtryk",
        ),
        (
            "weights: {subject: 6}\nopening-paragraphs: 3\ntypes:\n  - type: tilbud\n"
            "    subject:\n      - {pattern: 'praktik', matches: 'kursus'}\n",
            "types.yaml:6: udtrykket finder ikke sit eksempel »kursus«",
        ),
    ],
)
def test_a_wrong_types_file_names_file_and_line(text: str, message: str) -> None:
    with pytest.raises(TypeDataError) as raised:
        parse_vocabulary("rules/types.yaml", text)
    assert message in str(raised.value)
