"""A letter's type end to end: the author states it with a configuration glob found beside the
letter, and the JSON, CSV and text reports show it, with the rules that applied (issue 12).
The ``lettercheck: type`` comment is tested in tests/language/test_letter_type.py."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from lettercheck.app.pipeline import check_file
from lettercheck.reporters import csv as csv_reporter
from lettercheck.reporters.json import file_to_json
from lettercheck.reporters.text import render_file

INVITATION = """\
# Indkaldelse til samtale
Kære Ida
Vi indkalder dig til en samtale tirsdag den 10. februar kl. 9.30 på Stationsvej 5.
Med venlig hilsen
Mette Frost
"""


def test_a_configuration_glob_states_the_type_in_every_report(tmp_path: Path) -> None:
    (tmp_path / ".lettercheck.toml").write_text(
        '[letter-types]\n"afgoerelser/*" = "afgørelse"\n', encoding="utf-8"
    )
    (tmp_path / "afgoerelser").mkdir()
    (tmp_path / "andre").mkdir()
    stated = tmp_path / "afgoerelser" / "brev.md"
    read = tmp_path / "andre" / "brev.md"
    stated.write_text(INVITATION, encoding="utf-8")
    read.write_text(INVITATION, encoding="utf-8")
    first = check_file(stated).result
    second = check_file(read).result

    assert first.letter_type is not None and first.letter_type.stated
    assert first.letter_type.type == "afgoerelse"
    assert second.letter_type is not None and second.letter_type.type == "indkaldelse"
    # the stated type decides which rules apply: the decision rules, not the invitation rules
    assert "missing-complaint-guidance" in (first.rules_applied or ())
    assert "invitation-missing-change" not in (first.rules_applied or ())
    assert "invitation-missing-change" in (second.rules_applied or ())
    assert {f.rule for f in first.findings or ()} >= {"missing-complaint-guidance"}

    entry = json.loads(json.dumps(file_to_json(first)))
    assert entry["letter_type"]["type"] == "afgoerelse"
    assert "afgoerelser/*" in entry["letter_type"]["because"]
    assert "missing-complaint-guidance" in entry["rules_applied"]

    rows = list(
        csv.DictReader(
            io.StringIO(csv_reporter.render([first, second], base=tmp_path)), delimiter=";"
        )
    )
    assert [row["brevtype"] for row in rows] == ["afgoerelse", "indkaldelse"]

    assert "brevtype: afgørelse" in render_file(first)
    assert "brevtype: indkaldelse" in render_file(second)
