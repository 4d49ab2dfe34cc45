"""The audit report in a real browser: Debian's chromium, headless, loads the file offline and the
table, the charts and the sorting script must be in the rendered page.

``.ci/run`` installs chromium; without it the test is skipped on a developer's machine and fails
in CI (``CI=true``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from lettercheck.findings import FileResult, Finding, Readability, Severity
from lettercheck.reporters import html

RULES = [
    {"name": "legal-reference-early", "code": "LC101", "severity": "warning", "message": "Lov."},
    {"name": "missing-caseworker-phone", "code": "LC202", "severity": "warning", "message": "Tlf."},
]


def _browser() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed; .ci/run installs Debian's chromium")
    pytest.skip("chromium is not installed")


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    command = [
        _browser(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def _letter(i: int, lix: float, findings: int) -> FileResult:
    band = [name for name, low, _ in html.BANDS if lix >= low][-1]
    return FileResult(
        path=Path("/skabeloner") / ("ydelser" if i % 2 else "beskæftigelse") / f"brev{i:02}.docx",
        readability=Readability(lix=lix, band=band, words=100, sentences=8, long_words=30),
        findings=[
            Finding(
                rule="legal-reference-early",
                code="LC101",
                severity=Severity.WARNING,
                message="Lovhenvisningen står midt i brevet.",
                part="body",
                block=2,
                start=0,
                end=8,
                text=f"§ {i}, stk. 2 <b>",
            )
            for _ in range(findings)
        ],
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    results = [
        _letter(i, lix, n)
        for i, (lix, n) in enumerate(
            [(22.0, 0), (48.5, 3), (31.0, 1), (57.0, 2), (9.5, 0), (40.0, 1), (36.0, 0), (30.0, 4)]
        )
    ]
    results.append(FileResult(path=Path("/skabeloner/gammel.doc"), error="Gem den som .docx."))
    path = folder / "rapport æø.html"
    path.write_text(html.render(results, rules=RULES, base=Path("/skabeloner")), encoding="utf-8")
    return path


def _dom(report: Path, tmp_path: Path, fragment: str = "") -> str:
    done = _chromium(tmp_path, "--dump-dom", report.as_uri() + fragment)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_table_and_charts_are_in_the_rendered_page(report: Path, tmp_path: Path) -> None:
    dom = _dom(report, tmp_path)
    assert re.search(r'<html[^>]*data-sortable="ready"', dom), "the sorting script did not run"
    tables = re.findall(r'<table class="letters">.*?</table>', dom, re.S)
    assert len(tables) == 2
    rows = sum(len(re.findall(r"<tr>", t.split("</thead>")[1])) for t in tables)
    assert rows == 8
    assert len(re.findall(r'<svg class="chart histogram"', dom)) == 1
    assert len(re.findall(r'<rect class="bar"', dom)) == 7 + 1  # 7 LIX bins, 1 rule
    assert "&lt;b&gt;" in dom and "<b>" not in dom.split("<body>")[1].replace("<b>LC101</b>", "")


def test_sorting_runs_in_the_browser(report: Path, tmp_path: Path) -> None:
    def lix_order(dom: str) -> list[str]:
        section = dom.split('data-folder="beskæftigelse"')[1].split("</section>")[0]
        return re.findall(r'<td class="num" data-sort="([0-9.]+)">', section)[0::5]

    worst_first = lix_order(_dom(report, tmp_path))
    by_lix_desc = lix_order(_dom(report, tmp_path, "#sort=1"))
    by_lix_asc = lix_order(_dom(report, tmp_path, "#sort=1-asc"))
    assert by_lix_desc == sorted(worst_first, key=float, reverse=True)
    assert by_lix_asc == sorted(worst_first, key=float)
    assert worst_first != by_lix_asc


def test_screenshot_shows_the_report(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    done = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,1600", report.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG")
    assert len(data) > 30_000  # a blank page is a few kB
