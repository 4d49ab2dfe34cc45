"""The audit report: one self-contained HTML file a communication team opens in a browser.

Self-contained on purpose: the report is mailed around and opened on locked-down municipal PCs,
often offline, so it loads nothing from the network. CSS and the sorting script are inline, charts
are inline SVG drawn here (no chart library), and nothing else is referenced.

Everything that comes from a letter (file names, the findings' words, error lines) is untrusted
and goes through ``html.escape``; the script only reorders existing rows and never builds markup
from data.

Contents, in Danish: totals; the share of letters that meet each recommendation the rules check
(Fredericia: legal references last, the caseworker's name, phone and e-mail; Herlev/Rødovre:
purpose and goal); a LIX histogram with the five bands marked; findings per rule as a bar chart; a
sortable table of letters per folder, worst first, whose rows open to show the findings' words;
the files that could not be read.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from html import escape
from pathlib import Path
from typing import Any

from lettercheck.findings import FileResult, Finding, Severity
from lettercheck.reporters.catalog import RuleInfo, block_label, catalog_with_findings, rule_catalog

#: (label, rule that must not fire, who recommended it). The share of letters without a finding of
#: the rule is shown. The rule names are part of the JSON contract (issue 3).
RECOMMENDATIONS: tuple[tuple[str, str, str], ...] = (
    ("Lovhenvisninger står sidst i brevet", "legal-reference-early", "Fredericia"),
    ("Sagsbehandlerens navn står i brevet", "missing-caseworker-name", "Fredericia"),
    ("Sagsbehandlerens telefonnummer står i brevet", "missing-caseworker-phone", "Fredericia"),
    ("Sagsbehandlerens e-mail står i brevet", "missing-caseworker-email", "Fredericia"),
    ("Brevet siger tidligt, hvorfor borgeren får det", "missing-purpose", "Herlev"),
    ("Brevet nævner målet med aktiviteten", "missing-goal", "Herlev, Rødovre"),
)

#: LIX bands: (name, lowest LIX, colour). Same limits as lettercheck.lix (≤24, 25–34, …).
BANDS: tuple[tuple[str, float, str], ...] = (
    ("meget let", 0, "#d8f0d2"),
    ("let", 25, "#e9f5c9"),
    ("middel", 35, "#fff2c2"),
    ("svær", 45, "#fde0c5"),
    ("meget svær", 55, "#f9cfcf"),
)
_BAND_RANK = {name: i for i, (name, _, _) in enumerate(BANDS)}
_SEVERITY_DA = {Severity.ERROR: "fejl", Severity.WARNING: "advarsel", Severity.INFO: "råd"}
#: Findings listed per letter in its details; more are counted, not listed, to keep the file small.
MAX_LISTED = 60

_CSS = """
:root{--ink:#1d2433;--muted:#5b6475;--line:#d9dde5;--accent:#1f5fa8;--err:#b3261e;--warn:#9a6700;
--info:#3d5a80}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--ink);
margin:0;padding:24px 32px;max-width:1200px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:2px solid
var(--line);padding-bottom:4px}h3{font-size:16px;margin:20px 0 6px}
.muted{color:var(--muted)}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:150px}
.card .n{font-size:26px;font-weight:600}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}
table.letters{table-layout:fixed}table.letters th:first-child{width:44%}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f8;font-weight:600;white-space:nowrap}
th button{font:inherit;background:none;border:0;padding:0;cursor:pointer;color:inherit}
th[aria-sort=ascending] button::after{content:" ▲"}
th[aria-sort=descending] button::after{content:" ▼"}
td.num,th.num{text-align:right}
.band{display:inline-block;padding:0 6px;border-radius:4px;white-space:nowrap}
.sev-error{color:var(--err);font-weight:600}.sev-warning{color:var(--warn);font-weight:600}
.sev-info{color:var(--info)}
details summary{cursor:pointer}
details ul{margin:6px 0 4px;padding-left:20px}
q{font-style:italic}
.meter{width:160px;height:12px;background:#eceff3;border-radius:3px;overflow:hidden;display:inline-block;
vertical-align:middle}.meter span{display:block;height:100%;background:var(--accent)}
svg text{font:12px system-ui,Arial,sans-serif;fill:var(--ink)}
@media print{details{display:block}th button::after{content:none}}
"""

_JS = r"""
(function () {
  function key(cell) {
    var v = cell.getAttribute('data-sort');
    return v === null ? cell.textContent.trim() : v;
  }
  function compare(a, b) {
    var number = /^-?[0-9]+([.][0-9]+)?$/;
    if (number.test(a) && number.test(b)) return parseFloat(a) - parseFloat(b);
    return a.localeCompare(b, 'da');
  }
  var tables = document.querySelectorAll('table.letters');
  Array.prototype.forEach.call(tables, function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, column) {
      var button = th.querySelector('button');
      if (!button) return;
      button.addEventListener('click', function () {
        var dir = th.getAttribute('aria-sort') === 'descending' ? 1 : -1;
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          return dir * compare(key(r1.cells[column]), key(r2.cells[column]));
        });
        rows.forEach(function (row) { body.appendChild(row); });
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
      });
    });
  });
  // A link such as report.html#sort=1 opens the report sorted by that column (#sort=1-asc).
  var wanted = /^#sort=(\d+)(-asc)?$/.exec(window.location.hash);
  if (wanted) {
    Array.prototype.forEach.call(tables, function (table) {
      var th = table.tHead.rows[0].cells[Number(wanted[1])];
      var button = th && th.querySelector('button');
      if (!button) return;
      button.click();
      if (wanted[2]) button.click();
    });
  }
  document.documentElement.setAttribute('data-sortable', 'ready');
})();
"""


def _pct(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "–"


def _fmt(value: float) -> str:
    """Danish decimal comma."""
    return f"{value:.1f}".replace(".", ",")


def _band_colour(band: str) -> str:
    for name, _, colour in BANDS:
        if name == band:
            return colour
    return "#eeeeee"


def _score(result: FileResult) -> tuple:
    """Worst first: most errors, then warnings, then all findings, then highest LIX."""
    sev = Counter(f.severity for f in result.findings or ())
    lix = result.readability.lix if result.readability else 0.0
    return (-sev[Severity.ERROR], -sev[Severity.WARNING], -len(result.findings or ()), -lix)


def _relative(path: Path, base: Path) -> Path:
    try:
        return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(base)))
    except ValueError:
        return Path(path)


def common_base(results: list[FileResult]) -> Path:
    """The deepest folder holding every letter: paths in the report are shown relative to it."""
    parents = [os.path.abspath(Path(r.path).parent) for r in results]
    if not parents:
        return Path.cwd()
    try:
        return Path(os.path.commonpath(parents))
    except ValueError:
        return Path.cwd()


# ---------------------------------------------------------------- charts (inline SVG)


def _band_range(low: float, high: float) -> str:
    """ "25–34", or "55 og derover" for the last band (whole-number LIX, as bands are judged)."""
    return f"{low:g}–{high - 1:g}" if high < 80 else f"{low:g} og derover"


def histogram_svg(lix_values: list[float], width: int = 720, height: int = 240) -> str:
    """Letters per LIX bin of 5 (0–4, 5–9, …, 75+), over coloured bands with their names. A
    letter is binned by its LIX rounded half up to a whole number, the value its band is judged
    on (``lix.band``), so 44.9 (svær) stands in 45–49 with the letters the table calls svær."""
    bins = [0] * 16  # 0–4 … 70–74, 75+
    for lix in lix_values:
        whole = math.floor(lix + 0.5)
        bins[min(15, max(0, whole // 5))] += 1
    left, right, top, bottom = 40, 10, 28, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    scale_max = max(bins) or 1
    x_of = lambda lix: left + plot_w * min(lix, 80) / 80  # noqa: E731 - tiny local helper
    parts = [
        f'<svg class="chart histogram" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
        f'aria-label="LIX-fordeling for {len(lix_values)} breve">'
    ]
    for i, (name, low, colour) in enumerate(BANDS):
        high = BANDS[i + 1][1] if i + 1 < len(BANDS) else 80
        x0, x1 = x_of(low), x_of(high)
        parts.append(
            f'<rect class="band" x="{x0:.1f}" y="{top}" width="{x1 - x0:.1f}" height="{plot_h}" '
            f'fill="{colour}"><title>{escape(name)}: LIX {_band_range(low, high)}</title></rect>'
            f'<text x="{(x0 + x1) / 2:.1f}" y="{top - 8}" text-anchor="middle">'
            f"{escape(name)}</text>"
        )
    bar_w = plot_w / 16
    for i, count in enumerate(bins):
        if not count:
            continue
        h = (plot_h - 16) * count / scale_max  # room for the count above the highest bar
        x = left + i * bar_w
        label = f"LIX {i * 5}–{i * 5 + 4}" if i < 15 else "LIX 75 og derover"
        parts.append(
            f'<rect class="bar" x="{x + 2:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 4:.1f}" '
            f'height="{h:.1f}" fill="#1f5fa8"><title>{label}: {count} '
            f"{'brev' if count == 1 else 'breve'}</title></rect>"
            f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h - h - 3:.1f}" '
            f'text-anchor="middle">{count}</text>'
        )
    for lix in range(0, 81, 10):
        x = x_of(lix)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top + plot_h}" x2="{x:.1f}" y2="{top + plot_h + 4}" '
            f'stroke="#5b6475"/><text x="{x:.1f}" y="{top + plot_h + 16}" '
            f'text-anchor="middle">{lix}{"+" if lix == 80 else ""}</text>'
        )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="#5b6475"/><text x="{left + plot_w / 2}" y="{height - 2}" '
        'text-anchor="middle">LIX</text>'
        f'<text x="12" y="{top + plot_h / 2}" text-anchor="middle" '
        f'transform="rotate(-90 12 {top + plot_h / 2})">Breve</text></svg>'
    )
    return "".join(parts)


def rules_svg(rows: list[tuple[RuleInfo, int, int]], width: int = 720) -> str:
    """Horizontal bars: findings per rule (with how many letters have the rule)."""
    bar_h, gap, label_w, top = 18, 6, 300, 6
    height = top + len(rows) * (bar_h + gap) + 4
    scale_max = max((count for _, count, _ in rows), default=0) or 1
    plot_w = width - label_w - 70
    parts = [
        f'<svg class="chart rules" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
        'aria-label="Fund pr. regel">'
    ]
    for i, (rule, count, letters) in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = plot_w * count / scale_max
        name = f"{rule.code} {rule.name}"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h - 5}" text-anchor="end">{escape(name)}</text>'
            f'<rect class="bar" x="{label_w}" y="{y}" width="{max(w, 1):.1f}" height="{bar_h}" '
            f'fill="{_severity_colour(rule.severity)}"><title>{escape(name)}: {count} fund i '
            f"{letters} {'brev' if letters == 1 else 'breve'}</title></rect>"
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h - 5}">{count}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _severity_colour(severity: Severity) -> str:
    return {Severity.ERROR: "#b3261e", Severity.WARNING: "#c98a00", Severity.INFO: "#5b7db1"}[
        severity
    ]


# ---------------------------------------------------------------- sections


def _finding_item(finding: Finding) -> str:
    sev = finding.severity
    words = f" <q>{escape(finding.text)}</q>" if finding.text is not None else ""
    where = f" <span class=muted>({escape(block_label(finding))})</span>" if finding.located else ""
    suggestion = (
        f" Forslag: <q>{escape(finding.suggestion)}</q>" if finding.suggestion is not None else ""
    )
    return (
        f'<li><span class="sev-{sev.value}">{_SEVERITY_DA[sev]}</span> '
        f"<b>{escape(finding.code)}</b> {escape(finding.message)}{words}{where}{suggestion}</li>"
    )


def _letter_row(result: FileResult, shown_path: Path) -> str:
    findings = result.findings or []
    sev = Counter(f.severity for f in findings)
    r = result.readability
    assert r is not None
    name = escape(shown_path.name)
    if findings:
        items = "".join(_finding_item(f) for f in findings[:MAX_LISTED])
        if len(findings) > MAX_LISTED:
            items += f"<li class=muted>… og {len(findings) - MAX_LISTED} fund mere</li>"
        letter = f"<details><summary>{name}</summary><ul>{items}</ul></details>"
    else:
        letter = f"{name} <span class=muted>– ingen fund</span>"
    return (
        f'<tr><td data-sort="{escape(shown_path.name.casefold())}">{letter}</td>'
        f'<td class=num data-sort="{r.lix:.1f}">{_fmt(r.lix)}</td>'
        f'<td data-sort="{_BAND_RANK.get(r.band, 9)}"><span class=band '
        f'style="background:{_band_colour(r.band)}">{escape(r.band)}</span></td>'
        f'<td class=num data-sort="{sev[Severity.ERROR]}">{sev[Severity.ERROR]}</td>'
        f'<td class=num data-sort="{sev[Severity.WARNING]}">{sev[Severity.WARNING]}</td>'
        f'<td class=num data-sort="{sev[Severity.INFO]}">{sev[Severity.INFO]}</td>'
        f'<td class=num data-sort="{len(findings)}">{len(findings)}</td></tr>'
    )


_TABLE_HEAD = (
    "<thead><tr>"
    + "".join(
        f"<th{cls}><button type=button>{label}</button></th>"
        for label, cls in (
            ("Brev", ""),
            ("LIX", " class=num"),
            ("Niveau", ""),
            ("Fejl", " class=num"),
            ("Advarsler", " class=num"),
            ("Info", " class=num"),
            ("Fund i alt", " class=num"),
        )
    )
    + "</tr></thead>"
)


def iter_render(
    results: list[FileResult],
    *,
    rules: Iterable[Any] | None = None,
    base: Path | None = None,
    title: str = "Gennemgang af breve",
    generated: _dt.datetime | None = None,
    **_: Any,
) -> Iterator[str]:
    """The report in pieces, to write as they come: a report of 10,000 letters is tens of MB
    of text, which need not sit in memory twice."""
    from lettercheck import __version__

    catalog = catalog_with_findings(rule_catalog(rules), results)
    known_rules = {r.name for r in catalog}
    base = common_base(results) if base is None else base
    generated = generated or _dt.datetime.now().astimezone()

    readable = [r for r in results if r.error is None and r.readability is not None]
    unreadable = [r for r in results if not (r.error is None and r.readability is not None)]
    n = len(readable)
    findings_per_rule: Counter[str] = Counter()
    letters_per_rule: Counter[str] = Counter()
    for result in readable:
        rules_here = [f.rule for f in result.findings or ()]
        findings_per_rule.update(rules_here)
        letters_per_rule.update(set(rules_here))
    mean_lix = sum(r.readability.lix for r in readable) / n if n else None  # type: ignore[union-attr]
    clean = sum(1 for r in readable if not r.findings)

    yield from [
        "<!DOCTYPE html><html lang=da><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        "<meta http-equiv=Content-Security-Policy "
        "content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p class=muted>Lavet af lettercheck {escape(__version__)} den "
        f"{generated:%d.%m.%Y kl. %H.%M} · mappe: {escape(str(base))}</p>",
        "<div class=cards>",
        f"<div class=card><div class=n id=total-letters>{len(results)}</div>breve i alt</div>",
        f"<div class=card><div class=n>{n}</div>kontrolleret</div>",
        f"<div class=card><div class=n>{len(unreadable)}</div>kunne ikke læses</div>",
        f"<div class=card><div class=n>{_fmt(mean_lix) if mean_lix is not None else '–'}</div>"
        "gennemsnitlig LIX</div>",
        f"<div class=card><div class=n>{_pct(clean, n)}</div>uden fund</div>",
        "</div>",
        "<h2>Anbefalinger</h2><p class=muted>Andelen af de kontrollerede breve, der følger hver "
        "anbefaling (brevet har intet fund for reglen).</p>",
        "<table class=recommendations><thead><tr><th>Anbefaling</th><th>Kilde</th>"
        "<th class=num>Breve</th><th>Andel</th></tr></thead><tbody>",
    ]
    for label, rule, source in RECOMMENDATIONS:
        if rule not in known_rules:
            cells = "<td class=num>–</td><td class=muted>ikke kontrolleret</td>"
        else:
            ok = n - letters_per_rule[rule]
            share = ok / n if n else 0.0
            cells = (
                f"<td class=num>{ok} af {n}</td><td><span class=meter>"
                f'<span style="width:{100 * share:.0f}%"></span></span> {_pct(ok, n)}</td>'
            )
        yield (
            f'<tr data-rule="{escape(rule)}"><td>{escape(label)}</td><td>{escape(source)}</td>'
            f"{cells}</tr>"
        )
    yield ("</tbody></table>")

    yield (
        "<h2>LIX-fordeling</h2><p class=muted>Antal breve pr. LIX-interval; farverne viser "
        "niveauerne (≤24 meget let, 25–34 let, 35–44 middel, 45–54 svær, ≥55 meget svær).</p>"
    )
    yield (histogram_svg([r.readability.lix for r in readable]))  # type: ignore[union-attr]

    rows = [
        (rule, findings_per_rule[rule.name], letters_per_rule[rule.name])
        for rule in catalog
        if findings_per_rule[rule.name]
    ]
    rows.sort(key=lambda row: (-row[1], row[0].code))
    yield ("<h2>Fund pr. regel</h2>")
    if rows:
        yield (rules_svg(rows))
    else:
        yield ("<p>Ingen fund i de kontrollerede breve.</p>")

    yield (
        "<h2>Breve</h2><p class=muted>Værste breve først i hver mappe. Klik på en kolonne for at "
        "sortere; klik på et brev for at se fundene.</p>"
    )
    by_folder: dict[str, list[tuple[FileResult, Path]]] = defaultdict(list)
    for result in readable:
        rel = _relative(result.path, base)
        by_folder[rel.parent.as_posix()].append((result, rel))
    for folder in sorted(by_folder, key=lambda f: (f != ".", f.casefold())):
        letters = sorted(by_folder[folder], key=lambda item: (_score(item[0]), str(item[1])))
        heading = "(øverste mappe)" if folder == "." else folder
        yield (
            f'<section class=folder data-folder="{escape(folder)}"><h3>{escape(heading)} '
            f"<span class=muted>({len(letters)} {'brev' if len(letters) == 1 else 'breve'})"
            "</span></h3>"
            f"<table class=letters>{_TABLE_HEAD}<tbody>"
        )
        yield from (_letter_row(result, rel) for result, rel in letters)
        yield ("</tbody></table></section>")

    if unreadable:
        yield (
            "<h2>Filer der ikke kunne læses</h2><table class=errors><thead><tr><th>Fil</th>"
            "<th>Hvad er galt</th></tr></thead><tbody>"
        )
        for result in unreadable:
            yield (
                f"<tr><td>{escape(_relative(result.path, base).as_posix())}</td>"
                f"<td>{escape(result.error or 'Ukendt fejl')}</td></tr>"
            )
        yield ("</tbody></table>")
    yield (f"<script>{_JS}</script></body></html>\n")


def render(results: list[FileResult], **kw: Any) -> str:
    """The whole report as one HTML string (UTF-8 text; write it as such)."""
    return "".join(iter_render(results, **kw))
