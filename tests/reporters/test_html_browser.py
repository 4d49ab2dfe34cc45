"""The audit report in a real browser: Debian's chromium, headless, loads the file offline and the
table, the charts and the sorting script must be in the rendered page, and at an office screen's,
a tablet's and a phone's width nothing may overlap or run off the page.

``.ci/run`` installs chromium; without it the test is skipped on a developer's machine and fails
in CI (``CI=true``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html import escape, unescape
from pathlib import Path

import pytest

from lettercheck.model.findings import FileResult, Finding, LetterType, Readability, Severity
from lettercheck.reporters import html

pytestmark = pytest.mark.slow

RULES = [
    {
        "name": "legal-reference-early",
        "code": "LC101",
        "title": "Lovhenvisning for tidligt",
        "severity": "warning",
        "message": "Lov.",
    },
    {"name": "missing-caseworker-phone", "code": "LC202", "severity": "warning", "message": "Tlf."},
    {
        "name": "missing-complaint-guidance",
        "code": "LC503",
        "title": "Mangler klagevejledning",
        "severity": "error",
        "message": "Klage.",
        "types": ["afgoerelse"],
    },
]
#: Letters 0, 3 and 6 are decisions (the complaints rule applies to them), the rest invitations.
DECISIONS = (0, 3, 6)
#: A template name as long as real ones get, with no space to break at.
LONG_NAME = "afgoerelse_sygedagpenge_forlaengelse_efter_revurdering_version_3_endelig_udgave.docx"


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
    name = LONG_NAME if i == 3 else f"brev{i:02}.docx"
    decision = i in DECISIONS
    applied = ("legal-reference-early", "missing-caseworker-phone")
    extra = []
    if i == 3:  # a decision without complaints guidance (it has other findings too)
        extra.append(
            Finding(
                rule="missing-complaint-guidance",
                code="LC503",
                severity=Severity.ERROR,
                message="Afgørelsen har ingen klagevejledning.",
            )
        )
    return FileResult(
        letter_type=LetterType("afgoerelse" if decision else "indkaldelse", "emnet nævner …"),
        rules_applied=applied + (("missing-complaint-guidance",) if decision else ()),
        path=Path("/skabeloner") / ("ydelser" if i % 2 else "beskæftigelse") / name,
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
        ]
        + extra,
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
    rows = sum(len(re.findall(r'<tr class="main">', t)) for t in tables)
    assert rows == 8
    assert len(re.findall(r'<svg class="chart histogram"', dom)) == 1
    assert len(re.findall(r'<rect class="bar"', dom)) == 7  # 7 LIX bins
    assert re.findall(r'<li data-rule="([^"]+)"', dom) == [
        "missing-complaint-guidance",
        "legal-reference-early",
    ]
    assert "stk. 2 &lt;b&gt;" in dom and "stk. 2 <b>" not in dom
    # The script folds each letter's findings row away; the letter's name opens it.
    findings_rows = re.findall(r'<tr class="findings" id="(fund-\d+)"( hidden="")?>', dom)
    assert len(findings_rows) == 5 and all(hidden for _, hidden in findings_rows)
    assert dom.count('aria-expanded="false"') == 5 and 'aria-expanded="true"' not in dom
    assert re.search(r'<button type="button" id="toggle-all" aria-pressed="false">', dom)


def test_letter_types_and_their_filter(report: Path, tmp_path: Path) -> None:
    """The breakdown by type, a section per type with the share that meets each requirement
    (only the letters the rule applies to), and the filter that shows one type's letters."""
    dom = _dom(report, tmp_path)
    assert re.search(r'<p class="filter">', dom), "the script did not show the type filter"
    types = dom.split('<table class="types">')[1].split("</table>")[0]
    assert re.findall(r'<tr data-type="([a-z]+)">', types) == ["indkaldelse", "afgoerelse"]
    decisions = dom.split('<section class="type-section" data-type="afgoerelse">')[1]
    decisions = decisions.split("</section>")[0]
    assert "2 af 3" in decisions and "67 %" in decisions
    shown = _dom(report, tmp_path, "#type=afgoerelse")
    letters = re.findall(r'<tbody class="letter" data-type="([a-z]+)"( hidden="")?>', shown)
    assert len(letters) == 8
    assert all(bool(hidden) == (kind != "afgoerelse") for kind, hidden in letters)
    assert sum(1 for kind, hidden in letters if not hidden) == len(DECISIONS)


def test_sorting_runs_in_the_browser(report: Path, tmp_path: Path) -> None:
    def lix_order(dom: str) -> list[str]:
        section = dom.split('data-folder="beskæftigelse"')[1].split("</section>")[0]
        return re.findall(r'<td class="num lix" data-sort="([0-9.]+)">', section)

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


#: Run after the report's own script: measures the laid-out page and writes what overflows or
#: overlaps into ``data-layout`` on the outer page's <html>, which ``--dump-dom`` then shows.
_MEASURE = r"""<script>
(function () {
  var width = document.documentElement.clientWidth, problems = [];
  function name(el) { return el.tagName.toLowerCase() + '.' + el.className + ' ' +
    el.textContent.trim().slice(0, 40); }
  if (document.documentElement.scrollWidth > width + 1)
    problems.push('page wider than the window: ' + document.documentElement.scrollWidth);
  document.querySelectorAll('svg.chart, table, ol.rule-chart, .cards, nav').forEach(function (el) {
    var box = el.closest('.scroll') || el, r = box.getBoundingClientRect();
    if (r.right > width + 1) problems.push('runs off the page: ' + name(el));
  });
  document.querySelectorAll('.scroll').forEach(function (el) {
    if (el.scrollWidth > el.clientWidth + 1) problems.push('scrolls sideways: ' + name(el));
  });
  // A cell whose content is wider than the cell overlaps its neighbour (headings, the band).
  document.querySelectorAll('th, td').forEach(function (cell) {
    if (cell.scrollWidth > cell.clientWidth + 1) problems.push('overflows its cell: ' + name(cell));
  });
  var svg = document.querySelector('svg.chart').getBoundingClientRect();
  parent.document.documentElement.setAttribute('data-layout', JSON.stringify({
    window: window.innerWidth, svgRight: Math.round(svg.right), problems: problems}));
})();
</script></body>"""


@pytest.mark.parametrize("width", [1300, 768, 420])
def test_layout_has_no_overlap_or_overflow(report: Path, tmp_path: Path, width: int) -> None:
    """The user-eye review found headings overlapping, the band badge covering the error count,
    the 720 px charts cut off and long names running under other columns at 420 and 768 px.

    Headless chromium's window is at least 500 px wide, so the report is shown in an iframe of
    the width to test (``srcdoc``: same origin, so its script can report to the outer page)."""
    inner = report.read_text("utf-8").replace("</body>", _MEASURE, 1)
    outer = tmp_path / "outer.html"
    outer.write_text(
        "<!DOCTYPE html><html><body style=margin:0>"
        f'<iframe style=border:0 width={width} height=2400 srcdoc="{escape(inner)}"></iframe>'
        "</body></html>",
        encoding="utf-8",
    )
    done = _chromium(tmp_path, f"--window-size={width + 100},2500", "--dump-dom", outer.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<html[^>]*data-layout="([^"]*)"', done.stdout)
    assert found, "the measuring script did not run"
    layout = json.loads(unescape(found.group(1)))
    assert layout["window"] == width, layout  # the page really was laid out that wide
    assert layout["problems"] == [], layout["problems"]
    assert layout["svgRight"] <= width


# ---------------------------------------------------------------- audit --history (issue 13 §7)


@pytest.fixture(scope="module")
def history_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A history of 40 commits with long subjects, a rule that applied to no letter at first,
    and a cut (--history-limit), laid out like a real one."""
    import datetime as dt

    from lettercheck.reporters import history

    rules = [rule for _label, rule, _source, _note in history.recommendations()]
    points = []
    for i in range(40):
        letters = 20 + i
        shares: dict[str, tuple[int, int] | None] = {
            rule: (min(letters, 5 + i + n), letters) for n, rule in enumerate(rules)
        }
        shares[rules[-1]] = (i // 2, i) if i >= 3 else (0, 0)
        points.append(
            history.HistoryPoint(
                commit=f"{i:040x}",
                short=f"{i:07x}",
                date=dt.datetime(2023, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=9 * i),
                subject="Ret afgoerelse_sygedagpenge_forlaengelse_efter_revurdering_version_"
                f"{i}_endelig_udgave.docx og <b>flere</b>",
                letters=letters,
                unreadable=1 if i == 7 else 0,
                shares=shares,
            )
        )
    path = tmp_path_factory.mktemp("history") / "udvikling.html"
    path.write_text(
        history.render(points, total=130, limit=40, where="/skabeloner/repo/ydelser"), "utf-8"
    )
    return path


@pytest.mark.parametrize("width", [1300, 768, 420])
def test_history_layout_has_no_overlap_or_overflow(
    history_report: Path, tmp_path: Path, width: int
) -> None:
    test_layout_has_no_overlap_or_overflow(history_report, tmp_path, width)


def test_history_charts_are_in_the_rendered_page(history_report: Path, tmp_path: Path) -> None:
    dom = _dom(history_report, tmp_path)
    assert dom.count('<figure class="trend"') == 6
    assert dom.count("<polyline") >= 6
    assert "Kun de seneste 40 commits af 130 er med" in dom
    assert "&lt;b&gt;flere&lt;/b&gt;" in dom  # a commit subject is text, never markup
