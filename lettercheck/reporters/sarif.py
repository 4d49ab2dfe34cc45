"""SARIF 2.1.0 output, for code-scanning dashboards (GitHub code scanning, VS Code's SARIF viewer).

A Word letter has no lines, so a located finding is placed by a ``logicalLocation`` naming the
block ("afsnit 4 (brødtekst)") and a ``region`` carrying only a ``snippet`` with the finding's exact
words; the artifact is the letter's path relative to the working directory (or ``base``). A
finding about the whole letter (missing phone number) points at the file only. Letters that could
not be read are ``toolExecutionNotifications`` of the invocation, not results: they are not
problems in the letter but failures to check it. LIX and counts go in the artifact's properties.

The rule list (``tool.driver.rules``) comes from the engine's metadata, so dashboards can show
each rule's Danish description and its why; findings of rules the metadata does not know still
get a descriptor built from the finding.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from lettercheck.model.findings import FileResult, Finding, Severity
from lettercheck.reporters.catalog import RuleInfo, block_label, catalog_with_findings, rule_catalog

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def artifact_uri(path: Path, base: Path | None = None) -> str:
    """The letter's path relative to ``base`` (default: the working directory), ``/``-separated
    and percent-encoded (æøå and spaces are common in letter names). Paths outside ``base`` stay
    absolute as ``file://`` URIs."""
    base = Path.cwd() if base is None else base
    absolute = Path(os.path.abspath(path))
    try:
        rel = absolute.relative_to(Path(os.path.abspath(base)))
    except ValueError:
        return absolute.as_uri()
    # The name's bytes, percent-encoded: a name that is not UTF-8 (Latin-1 from an old share)
    # keeps its own bytes instead of failing the report.
    return quote(os.fsencode(rel.as_posix()), safe="/")


def _message(finding: Finding) -> str:
    text = finding.message
    if finding.suggestion:
        text += f" Forslag: {finding.suggestion}"
    return text


def _descriptor(rule: RuleInfo) -> dict:
    text = rule.message or rule.name
    descriptor: dict[str, Any] = {
        "id": rule.name,
        "name": rule.name,
        "shortDescription": {"text": text},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"code": rule.code},
    }
    if rule.why:
        descriptor["fullDescription"] = {"text": rule.why}
        descriptor["help"] = {"text": f"{text}\n\n{rule.why}"}
    else:
        descriptor["help"] = {"text": text}
    return descriptor


def render(
    results: list[FileResult],
    *,
    rules: Iterable[Any] | None = None,
    base: Path | None = None,
    version: str | None = None,
    **_: Any,
) -> str:
    """The SARIF log of ``results`` as a JSON string (one run, tool ``lettercheck``)."""
    if version is None:
        from lettercheck import __version__ as version
    catalog = catalog_with_findings(rule_catalog(rules), results)
    index = {rule.name: i for i, rule in enumerate(catalog)}

    artifacts: list[dict] = []
    sarif_results: list[dict] = []
    notifications: list[dict] = []
    for result in results:
        uri = artifact_uri(result.path, base)
        artifact_location = {"uri": uri, "index": len(artifacts)}
        if not uri.startswith("file:"):
            artifact_location["uriBaseId"] = "%SRCROOT%"
        artifact: dict[str, Any] = {
            "location": {k: v for k, v in artifact_location.items() if k != "index"},
            "roles": ["analysisTarget"],
        }
        if result.readability is not None:
            r = result.readability
            artifact["properties"] = {
                "lix": r.lix,
                "band": r.band,
                "words": r.words,
                "sentences": r.sentences,
                "long_words": r.long_words,
            }
        artifacts.append(artifact)
        if result.error is not None:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": result.error},
                    "locations": [{"physicalLocation": {"artifactLocation": artifact_location}}],
                }
            )
            continue
        for finding in result.findings or ():
            physical: dict[str, Any] = {"artifactLocation": artifact_location}
            location: dict[str, Any] = {"physicalLocation": physical}
            if finding.text is not None:
                physical["region"] = {"snippet": {"text": finding.text}}
            if finding.block is not None:
                location["logicalLocations"] = [{"name": block_label(finding), "kind": "element"}]
                location["properties"] = {
                    "block": finding.block,
                    "start": finding.start,
                    "end": finding.end,
                    "part": finding.part,
                }
            entry: dict[str, Any] = {
                "ruleId": finding.rule,
                "ruleIndex": index[finding.rule],
                "level": _LEVEL[finding.severity],
                "message": {"text": _message(finding)},
                "locations": [location],
            }
            if finding.suggestion:
                entry["properties"] = {"suggestion": finding.suggestion}
            sarif_results.append(entry)

    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "lettercheck",
                "version": version,
                "semanticVersion": version,
                "rules": [_descriptor(rule) for rule in catalog],
            }
        },
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "artifacts": artifacts,
        "results": sarif_results,
        "columnKind": "unicodeCodePoints",
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"
