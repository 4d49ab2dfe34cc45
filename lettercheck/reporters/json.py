"""The JSON report: a contract other tools rely on (documented in README.md, tested)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from lettercheck import __version__
from lettercheck.model.findings import FileResult
from lettercheck.reporters.summary import Summary


def file_to_json(result: FileResult) -> dict:
    data: dict = {"path": result.path.as_posix(), "readability": None}
    if result.readability is not None:
        r = result.readability
        data["readability"] = {
            "lix": r.lix,
            "band": r.band,
            "words": r.words,
            "sentences": r.sentences,
            "long_words": r.long_words,
        }
    data["letter_type"] = result.letter_type.to_json() if result.letter_type else None
    data["findings"] = [finding.to_json() for finding in result.findings]
    data["rules_applied"] = list(result.rules_applied) if result.rules_applied is not None else None
    data["error"] = result.error
    return data


def render(results: Sequence[FileResult], summary: Summary) -> str:
    report = {
        "version": __version__,
        "files": [file_to_json(result) for result in results],
        "summary": summary.to_json(),
    }
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
