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
    return dumps_indented(report) + "\n"


#: JSON string of a str, as ``json.dumps(..., ensure_ascii=False)`` writes it (C).
_STRING = json.encoder.encode_basestring
_INF = float("inf")


class _NotPlain(Exception):
    """A value ``dumps_indented`` leaves to ``json.dumps`` (a key that is not a string, an
    object json would call ``default`` for)."""


def dumps_indented(value: object) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, the same characters, about twice as
    fast: with ``indent`` the standard library drops its C encoder for a chain of Python
    generators, which for a report of many letters cost ~0.2 ms a letter. Anything but dicts
    with string keys, lists, tuples, strings, numbers, booleans and None goes to ``json.dumps``
    (tests/reporters compare the two on random values)."""
    out: list[str] = []
    try:
        _encode(value, "\n", out)
    except _NotPlain:
        return json.dumps(value, ensure_ascii=False, indent=2)
    return "".join(out)


def _encode(value: object, newline: str, out: list[str]) -> None:
    """Append ``value`` at the depth whose line start is ``newline`` ("\n" and its indent)."""
    if isinstance(value, str):
        out.append(_STRING(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        if value != value:
            out.append("NaN")
        elif value == _INF:
            out.append("Infinity")
        elif value == -_INF:
            out.append("-Infinity")
        else:
            out.append(float.__repr__(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            if not isinstance(key, str):
                raise _NotPlain
            out.append(separator)
            out.append(_STRING(key))
            out.append(": ")
            _encode(item, inner, out)
            separator = "," + inner
        out.append(newline + "}")
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _encode(item, inner, out)
            separator = "," + inner
        out.append(newline + "]")
    else:
        raise _NotPlain
