"""SARIF 2.1.0 output is valid against the OASIS schema and says what the findings say.

tests/data/sarif-2.1.0.json is the SARIF 2.1.0 JSON schema (the final "rtm.5" text as published
on schemastore), committed so this test runs offline.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from lettercheck.model.findings import FileResult, Finding, Readability, Severity
from lettercheck.reporters import sarif

SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "sarif-2.1.0.json").read_text("utf-8"))

RULES = [
    {
        "name": "legal-reference-early",
        "code": "LC101",
        "severity": "error",
        "message": "Lovhenvisningen står før klagevejledningen.",
        "why": "Fredericia Kommune anbefaler lovhenvisninger sidst.",
    },
    {
        "name": "missing-caseworker-phone",
        "code": "LC111",
        "severity": "error",
        "message": "Brevet giver ikke sagsbehandlerens telefonnummer.",
        "why": "Fredericia Kommune anbefaler telefon og e-mail i alle standardbreve.",
    },
]


def _results(root: Path) -> list[FileResult]:
    bad = FileResult(
        path=root / "breve" / "indkaldelse til møde.docx",
        readability=Readability(lix=41.3, band="middel", words=180, sentences=12, long_words=50),
        findings=[
            Finding(
                rule="legal-reference-early",
                code="LC101",
                severity=Severity.ERROR,
                message="Lovhenvisningen står før klagevejledningen.",
                part="body",
                block=3,
                start=10,
                end=24,
                text="jf. § 42, stk. 2",
            ),
            Finding(
                rule="missing-caseworker-phone",
                code="LC111",
                severity=Severity.ERROR,
                message="Brevet giver ikke sagsbehandlerens telefonnummer.",
            ),
            Finding(
                rule="passive-voice",  # not in the metadata: gets a descriptor from the finding
                code="LC130",
                severity=Severity.INFO,
                message="Passiv form.",
                part="body",
                block=5,
                start=0,
                end=9,
                text="udbetales",
                suggestion="vi udbetaler",
            ),
        ],
    )
    broken = FileResult(
        path=root / "gammel.doc", error="Filen er i det gamle .doc-format. Gem den som .docx."
    )
    good = FileResult(
        path=root / "breve" / "god.docx",
        readability=Readability(lix=28.0, band="let", words=120, sentences=12, long_words=20),
    )
    return [bad, broken, good]


@pytest.fixture
def log(tmp_path: Path) -> dict:
    return json.loads(sarif.render(_results(tmp_path), rules=RULES, base=tmp_path))


def test_output_is_valid_sarif_2_1_0(log: dict) -> None:
    jsonschema.validate(log, SCHEMA)
    assert log["version"] == "2.1.0"


def test_rules_carry_metadata_and_results_point_at_them(log: dict) -> None:
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [
        "legal-reference-early",
        "missing-caseworker-phone",
        "passive-voice",
    ]
    assert rules[0]["properties"]["code"] == "LC101"
    assert "Fredericia" in rules[0]["help"]["text"]
    assert rules[0]["defaultConfiguration"]["level"] == "error"
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert [r["level"] for r in run["results"]] == ["error", "error", "note"]


def test_located_finding_has_relative_uri_snippet_and_block(log: dict) -> None:
    first = log["runs"][0]["results"][0]
    location = first["locations"][0]
    physical = location["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "breve/indkaldelse%20til%20m%C3%B8de.docx"
    assert physical["region"]["snippet"]["text"] == "jf. § 42, stk. 2"
    assert location["logicalLocations"][0]["name"] == "afsnit 4 (brødtekst)"


def test_whole_letter_finding_points_at_the_file_only(log: dict) -> None:
    second = log["runs"][0]["results"][1]
    physical = second["locations"][0]["physicalLocation"]
    assert "region" not in physical
    assert "logicalLocations" not in second["locations"][0]


def test_suggestion_is_in_the_message(log: dict) -> None:
    third = log["runs"][0]["results"][2]
    assert "vi udbetaler" in third["message"]["text"]


def test_unreadable_file_is_a_notification_not_a_result(log: dict) -> None:
    run = log["runs"][0]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert len(notes) == 1 and ".docx" in notes[0]["message"]["text"]
    assert notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "gammel.doc"
    assert len(run["results"]) == 3
    assert run["artifacts"][0]["properties"]["lix"] == 41.3


def test_empty_run_is_valid() -> None:
    jsonschema.validate(json.loads(sarif.render([], rules=[])), SCHEMA)


def test_cli_sarif_of_real_letters_is_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from click.testing import CliRunner

    sys.path.insert(0, str(Path(__file__).parents[1]))
    from _batch_letters import BAD, GOOD, write_letter

    from lettercheck.app.cli import main

    monkeypatch.chdir(tmp_path)
    write_letter(tmp_path / "breve" / "god.docx", GOOD)
    write_letter(tmp_path / "breve" / "slem.docx", BAD)
    done = CliRunner().invoke(main, ["--format", "sarif", "--jobs", "1", "breve"])
    log = json.loads(done.output)
    jsonschema.validate(log, SCHEMA)
    run = log["runs"][0]
    assert {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    } == {"breve/slem.docx"}
    rule_ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert {"legal-reference-early", "missing-caseworker-phone", "formal-address"} <= rule_ids
    assert any(
        r["ruleId"] == "legal-reference-early"
        and "§ 42" in r["locations"][0]["physicalLocation"]["region"]["snippet"]["text"]
        for r in run["results"]
    )
