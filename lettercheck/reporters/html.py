"""The audit report: one self-contained HTML file a communication team opens in a browser.

Self-contained on purpose: the report is mailed around and opened on locked-down municipal PCs,
often offline, so it loads nothing from the network. CSS and the small script are inline, the LIX
histogram is inline SVG drawn here and the rule chart is plain HTML (no chart library), and
nothing else is referenced.

Everything that comes from a letter (file names, the findings' words, error lines) is untrusted
and goes through ``html.escape``; the script only reorders existing rows and shows or hides them,
and never builds markup from data.

Contents, in Danish: totals; the share of letters that meet each recommendation the rules check
(a rule's ``serves`` in rules/*.yaml: Fredericia's legal references last and the caseworker's
name, phone and e-mail; Herlev's and Rødovre's purpose and goal); the letter types (how many of
each, and per type the share of letters that contain what that type must contain, counting only
the letters each rule applied to); a LIX histogram with the five bands marked; the rules ranked
by severity and by how many letters have them; the files that could not be read; a sortable
table of letters per
folder, worst first, each with a full-width row listing its findings.

It is read on a wide office screen as often as on a laptop or phone: tables scroll or stack
instead of overlapping, the histogram scales, long file names wrap. Without the script (print,
a blocked script) every letter's findings are shown.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from html import escape
from pathlib import Path
from typing import Any

from lettercheck.model.findings import FileResult, Finding, Severity
from lettercheck.model.words import LETTER_TYPE_DA, LETTER_TYPES, PLURAL_DA, SEVERITY_DA
from lettercheck.reporters.catalog import (
    RuleInfo,
    block_label,
    catalog_with_findings,
    quoted_words,
    recommendations,
    rule_catalog,
)

#: LIX bands: (name, lowest LIX, colour). Same limits as lettercheck.language.lix (≤24, 25–34, …),
#: judged
#: on the LIX rounded half up to a whole number.
BANDS: tuple[tuple[str, float, str], ...] = (
    ("meget let", 0, "#d8f0d2"),
    ("let", 25, "#e9f5c9"),
    ("middel", 35, "#fff2c2"),
    ("svær", 45, "#fde0c5"),
    ("meget svær", 55, "#f9cfcf"),
)
_BAND_RANK = {name: i for i, (name, _, _) in enumerate(BANDS)}
#: Severities most serious first, with the colour the rule chart and its legend use.
_SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)
_SEVERITY_COLOUR = {
    Severity.ERROR: "#b3261e",
    Severity.WARNING: "#c98a00",
    Severity.INFO: "#5b7db1",
}
#: Findings listed per letter in its details; more are counted, not listed, to keep the file small.
MAX_LISTED = 60

#: The letters table's columns: (heading, CSS class). On a narrow screen the cells stack and each
#: number is prefixed with its heading (CSS below), so the two must stay in step.
_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Brev", "name"),
    ("LIX", "num lix"),
    ("Niveau", "level"),
    (PLURAL_DA[Severity.ERROR].capitalize(), "num"),
    (PLURAL_DA[Severity.WARNING].capitalize(), "num"),
    (PLURAL_DA[Severity.INFO].capitalize(), "num"),
    ("Fund i alt", "num"),
)
#: Below this width the letters table stacks: one block per letter, sort buttons in a row.
_NARROW = "640px"

_CSS = (
    """
:root{--ink:#1d2433;--muted:#5b6475;--line:#d9dde5;--accent:#1f5fa8;--err:#b3261e;--warn:#8a5c00;
--info:#3d5a80}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--ink);
margin:0;padding:24px 32px;max-width:1200px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:2px solid
var(--line);padding-bottom:4px}h3{font-size:16px;margin:20px 0 6px;overflow-wrap:anywhere}
.muted{color:var(--muted)}
nav.toc{margin:8px 0;display:flex;flex-wrap:wrap;gap:4px 16px}nav.toc a{white-space:nowrap}
a{color:var(--accent)}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:140px;
color:inherit;text-decoration:none}
a.card{border-color:var(--err)}a.card:hover,a.card:focus{background:#fbeeee}
a.card .more{color:var(--accent);text-decoration:underline}
.card .n{font-size:26px;font-weight:600}
.scroll{overflow-x:auto;margin:6px 0 12px}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f8;font-weight:600;white-space:nowrap}
th button{font:inherit;background:none;border:0;padding:0;cursor:pointer;color:inherit}
th[aria-sort=ascending] button::after{content:" ▲"}
th[aria-sort=descending] button::after{content:" ▼"}
td.num,th.num{text-align:right;white-space:nowrap}
td.name,table.errors td{overflow-wrap:anywhere;min-width:10em}
.note{display:block;font-size:13px;color:var(--muted);white-space:normal}
.band{display:inline-block;padding:0 6px;border-radius:4px;white-space:nowrap}
.sev-error{color:var(--err);font-weight:600}.sev-warning{color:var(--warn);font-weight:600}
.sev-info{color:var(--info);font-weight:600}
button.toggle{font:inherit;background:none;border:0;padding:0;margin:0;cursor:pointer;
color:var(--accent);text-align:left;overflow-wrap:anywhere;display:block;width:100%}
/* a no-break space after the arrow: a long name breaks inside, not after the arrow */
button.toggle::before{content:"▾\\00a0";color:var(--muted)}
button.toggle[aria-expanded=false]::before{content:"▸\\00a0"}
#toggle-all{font:inherit;margin:0 0 6px}
tbody.letter tr.main td{border-bottom:0}
tbody.letter{border-bottom:1px solid var(--line)}
tr.findings td{padding-top:0;background:#fafbfc}
tr.findings ul{margin:2px 0 6px;padding-left:20px}
tr.findings li{margin:2px 0}
tr[hidden],tbody[hidden],section[hidden]{display:none!important}
.filter{margin:0 0 8px}.filter select{font:inherit}
table.types th,table.requirements th{white-space:normal}
.kind{display:block;font-size:13px;color:var(--muted)}
.meter{width:120px;max-width:30vw;height:12px;background:#eceff3;border-radius:3px;overflow:hidden;
display:inline-block;vertical-align:middle}.meter span{display:block;height:100%;
background:var(--accent)}
.meter,.swatch,.rule-bar,.band{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.legend{margin:4px 0 8px;display:flex;flex-wrap:wrap;gap:4px 16px;align-items:center}
.legend span{white-space:nowrap}
.swatch{display:inline-block;width:14px;height:14px;border-radius:3px;vertical-align:-2px;
margin-right:4px}
.start{border-left:4px solid var(--err);background:#fbeeee;padding:8px 12px;margin:8px 0}
ol.rule-chart{list-style:none;margin:8px 0;padding:0}
ol.rule-chart li{display:grid;grid-template-columns:minmax(12em,20em) minmax(0,1fr);gap:2px 10px;
align-items:center;padding:3px 0}
.rule-track{display:flex;align-items:center;gap:8px}
.rule-bar{height:16px;border-radius:2px;min-width:2px;flex:none}
.rule-n{white-space:nowrap}
svg.chart{display:block;width:100%;max-width:720px;height:auto}
svg text{font:13px system-ui,Arial,sans-serif;fill:var(--ink)}
@media (max-width:"""
    + _NARROW
    + """){
body{padding:12px}
ol.rule-chart li{grid-template-columns:1fr}
table.recommendations thead{display:none}
table.recommendations tr{display:block;border-bottom:1px solid var(--line);padding:6px 0}
table.recommendations td{display:inline-block;border:0;padding:0 10px 0 0;text-align:left}
table.recommendations td:first-child{display:block;font-weight:600}
table.recommendations td:nth-child(2)::before{content:"Kilde: ";color:var(--muted)}
table.types thead,table.requirements thead{display:none}
table.types tr,table.requirements tr{display:block;border-bottom:1px solid var(--line);
padding:6px 0}
table.types td,table.requirements td{display:inline-block;border:0;padding:0 10px 0 0;
text-align:left}
table.types td:first-child,table.requirements td:first-child{display:block;font-weight:600}
table.types td:last-child::before{content:"angivet af forfatteren: ";color:var(--muted)}
table.requirements td:nth-child(2)::before{content:"uden fundet: ";color:var(--muted)}
table.letters,table.letters thead,table.letters tbody,table.letters tr,table.letters td{
display:block}
table.letters thead tr{display:flex;flex-wrap:wrap;gap:4px 12px;background:#f3f5f8;padding:4px 8px}
table.letters thead tr::before{content:"Sortér efter:";color:var(--muted)}
table.letters thead th{border:0;padding:0;background:none}
table.letters tr.main td{display:inline-block;border:0;padding:2px 10px 2px 0;text-align:left}
table.letters tr.main td.name{display:block;min-width:0}
table.letters tr.findings td{padding:2px 0 6px}
tbody.letter{padding:6px 0}
"""
    + "".join(
        f'table.letters tr.main td:nth-child({i + 1})::before{{content:"{label} ";'
        "color:var(--muted)}"
        for i, (label, _) in enumerate(_COLUMNS)
        if i > 0 and label != "Niveau"
    )
    + """
}
@media print{tr[hidden]{display:table-row!important}button.toggle::before,#toggle-all,
th button::after{content:none}#toggle-all{display:none}}
"""
)

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
  // A letter is one <tbody>: its row of numbers and the row of its findings move together.
  var tables = document.querySelectorAll('table.letters');
  Array.prototype.forEach.call(tables, function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, column) {
      var button = th.querySelector('button');
      if (!button) return;
      button.addEventListener('click', function () {
        var dir = th.getAttribute('aria-sort') === 'descending' ? 1 : -1;
        var letters = Array.prototype.slice.call(table.tBodies);
        letters.sort(function (l1, l2) {
          return dir * compare(key(l1.rows[0].cells[column]), key(l2.rows[0].cells[column]));
        });
        letters.forEach(function (letter) { table.appendChild(letter); });
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
      });
    });
  });
  // Findings are listed open in the file (print, no script); the script folds them away and a
  // click on the letter's name shows them.
  var toggles = document.querySelectorAll('button.toggle');
  function show(button, open) {
    var row = document.getElementById(button.getAttribute('aria-controls'));
    if (!row) return;
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
    row.hidden = !open;
  }
  Array.prototype.forEach.call(toggles, function (button) {
    show(button, false);
    button.addEventListener('click', function () {
      show(button, button.getAttribute('aria-expanded') !== 'true');
    });
  });
  var all = document.getElementById('toggle-all');
  if (all && toggles.length) {
    all.hidden = false;
    all.addEventListener('click', function () {
      var open = all.getAttribute('aria-pressed') !== 'true';
      Array.prototype.forEach.call(toggles, function (button) { show(button, open); });
      all.setAttribute('aria-pressed', open ? 'true' : 'false');
      all.textContent = open ? 'Skjul alle fund' : 'Vis alle fund';
    });
  }
  // The letter type filter: show only the letters of one type (and the folders that have one).
  var filter = document.getElementById('type-filter');
  if (filter) {
    filter.parentNode.hidden = false;
    var apply = function () {
      var wanted = filter.value;
      var sections = document.querySelectorAll('section.folder');
      Array.prototype.forEach.call(sections, function (section) {
        var shown = 0;
        Array.prototype.forEach.call(section.querySelectorAll('tbody.letter'), function (l) {
          var hide = wanted !== '' && l.getAttribute('data-type') !== wanted;
          l.hidden = hide;
          if (!hide) shown += 1;
        });
        section.hidden = shown === 0;
      });
    };
    filter.addEventListener('change', apply);
    var fromHash = function () {
      var typed = /^#type=([a-z]+)$/.exec(window.location.hash);
      if (!typed) return false;
      filter.value = typed[1];
      apply();
      return true;
    };
    window.addEventListener('hashchange', function () {
      if (fromHash()) document.getElementById('breve').scrollIntoView();
    });
    if (!fromHash()) apply();
  }
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


def _letters(n: int) -> str:
    return f"{n} {'brev' if n == 1 else 'breve'}"


def _breakable(name: str) -> str:
    """``name`` escaped, with a line-break opportunity after each ``_``, ``-`` and ``/``:
    template names are long words ("afgoerelse_sygedagpenge_stop.docx") that should wrap at
    their parts, not at an arbitrary letter."""
    return re.sub(r"([_/-])", r"\1<wbr>", escape(name))


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


# ---------------------------------------------------------------- charts


def _band_range(low: float, high: float) -> str:
    """ "25–34", or "55 og derover" for the last band (whole-number LIX, as bands are judged)."""
    return f"{low:g}–{high - 1:g}" if high < 80 else f"{low:g} og derover"


def _band_span(i: int) -> str:
    """Band ``i``'s whole-number LIX range as the legend writes it: "≤ 24", "25–34", "≥ 55"."""
    if i == 0:
        return f"≤ {BANDS[1][1] - 1:g}"
    if i == len(BANDS) - 1:
        return f"≥ {BANDS[i][1]:g}"
    return _band_range(BANDS[i][1], BANDS[i + 1][1])


def band_legend() -> str:
    """The bands with their colours and whole-number ranges, and the rounding rule: a letter's
    LIX is shown with one decimal but its band is judged on the whole number, so "44,9 (svær)"
    must not look like a mistake next to "35–44 middel"."""
    items = "".join(
        f'<span><span class=swatch style="background:{colour}"></span>{escape(name)} '
        f"{_band_span(i)}</span>"
        for i, (name, _, colour) in enumerate(BANDS)
    )
    return (
        f"<div class=legend>{items}</div>"
        "<p class=muted>Niveauet afgøres af LIX afrundet til et helt tal: 44,9 rundes op til 45 "
        "og er svær, 44,4 rundes ned til 44 og er middel.</p>"
    )


def histogram_svg(lix_values: list[float], width: int = 600, height: int = 240) -> str:
    """Letters per LIX bin of 5 (0–4, 5–9, …, 75+), over coloured bands with their names. A
    letter is binned by its LIX rounded half up to a whole number, the value its band is judged
    on (``lix.band``), so 44.9 (svær) stands in 45–49 with the letters the table calls svær.
    The SVG has a viewBox and the CSS lets it shrink to the page's width."""
    bins = [0] * 16  # 0–4 … 70–74, 75+
    for lix in lix_values:
        whole = math.floor(lix + 0.5)
        bins[min(15, max(0, whole // 5))] += 1
    left, right, top, bottom = 40, 12, 28, 36
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
            f'height="{h:.1f}" fill="#1f5fa8"><title>{label}: {_letters(count)}</title></rect>'
            f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h - h - 3:.1f}" '
            f'text-anchor="middle">{count}</text>'
        )
    for lix in range(0, 81, 10):
        x = x_of(lix)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top + plot_h}" x2="{x:.1f}" y2="{top + plot_h + 4}" '
            f'stroke="#5b6475"/><text x="{x:.1f}" y="{top + plot_h + 17}" '
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


def rank_rules(
    catalog: Iterable[RuleInfo], findings: Counter[str], letters: Counter[str]
) -> list[tuple[RuleInfo, int, int]]:
    """(rule, findings, letters) for every rule that fired, most serious first, then by how many
    letters have it: a team mends letters, and 152 De-form findings in 22 letters is less work
    than one missing phone number in 40."""
    rows = [
        (rule, findings[rule.name], letters[rule.name]) for rule in catalog if findings[rule.name]
    ]
    rows.sort(key=lambda row: (-row[0].severity.rank, -row[2], -row[1], row[0].code))
    return rows


def severity_legend() -> str:
    return (
        "<div class=legend>"
        + "".join(
            f'<span><span class=swatch style="background:{_SEVERITY_COLOUR[s]}"></span>'
            f"{SEVERITY_DA[s]}</span>"
            for s in _SEVERITIES
        )
        + "</div>"
    )


def rules_chart(rows: list[tuple[RuleInfo, int, int]]) -> str:
    """Horizontal bars in HTML (their labels wrap and stay readable on a phone, which text in
    a shrunken SVG does not): one bar per rule, as long as the number of letters with it, the
    colour its severity's, "N breve · M fund" written beside it."""
    scale_max = max((letters for _, _, letters in rows), default=0) or 1
    items = []
    for rule, count, letters in rows:
        share = letters / scale_max
        items.append(
            f'<li data-rule="{escape(rule.name)}" data-severity="{rule.severity.value}">'
            f'<span class=rule-label title="{escape(rule.name)}">{escape(rule.label)}</span>'
            # The bar shares its line with "N breve · M fund" (at most 12em wide).
            f'<span class=rule-track><span class=rule-bar role=presentation style="width:'
            f"calc((100% - 12em) * {share:.3f});background:{_SEVERITY_COLOUR[rule.severity]}"
            f'"></span><span class=rule-n><b>{_letters(letters)}</b> · {count} fund</span>'
            "</span></li>"
        )
    return f"<ol class=rule-chart>{''.join(items)}</ol>"


def start_here(rows: list[tuple[RuleInfo, int, int]], checked: int) -> str:
    """One line naming the most serious rule that the most letters have: where to begin."""
    if not rows:
        return ""
    rule, _, letters = rows[0]
    what = {
        Severity.ERROR: "den fejl",
        Severity.WARNING: "den advarsel",
        Severity.INFO: "det råd",
    }[rule.severity]
    return (
        f"<p class=start><b>Start her:</b> {letters} af {checked} breve har "
        f"<b>{escape(rule.label)}</b> – {what}, flest breve har.</p>"
    )


# ---------------------------------------------------------------- sections


def _type_of(result: FileResult) -> str:
    return result.letter_type.type if result.letter_type is not None else "andet"


def _applies(result: FileResult, rule: RuleInfo) -> bool:
    """Did ``rule`` apply to the letter? From ``rules_applied``; for an older result without
    it, from the rule's types and the letter's type."""
    if result.rules_applied is not None:
        return rule.name in result.rules_applied
    return not rule.types or _type_of(result) in rule.types


def type_counts(readable: list[FileResult]) -> Counter[str]:
    """How many of the checked letters are of each type."""
    return Counter(_type_of(r) for r in readable)


def letter_types_section(readable: list[FileResult], catalog: list[RuleInfo]) -> str:
    """The letter types: how many letters of each type (with how many the author stated), then a
    table per type with the share of its letters that contain what the type must contain. A
    share counts only the letters the rule applied to (an invitation about no benefit is not
    asked for the consequence of not coming)."""
    counts = type_counts(readable)
    stated = Counter(
        _type_of(r) for r in readable if r.letter_type is not None and r.letter_type.stated
    )
    n = len(readable)
    out = [
        "<h2 id=brevtyper>Brevtyper</h2><p class=muted>Hvor mange af de kontrollerede breve der "
        "er af hver type. Typen læses af emnet, begyndelsen og ordene; forfatteren kan angive "
        "den (en kommentar »lettercheck: type …« eller konfigurationen).</p>",
        "<div class=scroll><table class=types><thead><tr><th>Brevtype</th><th class=num>Breve"
        "</th><th>Andel</th><th class=num>Angivet af forfatteren</th></tr></thead><tbody>",
    ]
    for letter_type in LETTER_TYPES:
        if not counts[letter_type]:
            continue
        count = counts[letter_type]
        out.append(
            f'<tr data-type="{letter_type}"><td><a href="#type={letter_type}" '
            f"class=type-link>{escape(LETTER_TYPE_DA[letter_type])}</a></td>"
            f"<td class=num>{count}</td><td><span class=meter><span "
            f'style="width:{100 * count / n if n else 0:.0f}%"></span></span> {_pct(count, n)}'
            f"</td><td class=num>{stated[letter_type]}</td></tr>"
        )
    out.append("</tbody></table></div>")
    for letter_type in LETTER_TYPES:
        rules = [r for r in catalog if letter_type in r.types]
        letters = [r for r in readable if _type_of(r) == letter_type]
        if not rules or not letters:
            continue
        out.append(
            f'<section class=type-section data-type="{letter_type}">'
            f"<h3 id=type-{letter_type}>{escape(LETTER_TYPE_DA[letter_type].capitalize())} "
            f"<span class=muted>({_letters(len(letters))})</span></h3>"
            "<div class=scroll><table class=requirements><thead><tr><th>Regel</th>"
            "<th class=num>Breve uden fundet</th><th>Andel der opfylder kravet</th></tr></thead>"
            "<tbody>"
        )
        for rule in rules:
            applied = [r for r in letters if _applies(r, rule)]
            ok = sum(1 for r in applied if not any(f.rule == rule.name for f in r.findings or ()))
            whole = len(applied)
            note = (
                f"<span class=note>kun breve, reglen gælder for ({whole} af {len(letters)})</span>"
                if whole < len(letters)
                else ""
            )
            share = ok / whole if whole else 0.0
            out.append(
                f'<tr data-rule="{escape(rule.name)}"><td>{escape(rule.label)}</td>'
                f"<td class=num>{ok} af {whole}{note}</td><td><span class=meter><span "
                f'style="width:{100 * share:.0f}%"></span></span> {_pct(ok, whole)}</td></tr>'
            )
        out.append("</tbody></table></div></section>")
    return "".join(out)


def type_filter(readable: list[FileResult]) -> str:
    """The letters table's type filter (shown by the script; without it every letter shows)."""
    counts = type_counts(readable)
    options = "".join(
        f'<option value="{t}">{escape(LETTER_TYPE_DA[t])} ({counts[t]})</option>'
        for t in LETTER_TYPES
        if counts[t]
    )
    return (
        "<p class=filter hidden><label for=type-filter>Vis brevtype:</label> "
        f'<select id=type-filter><option value="">alle ({sum(counts.values())})</option>'
        f"{options}</select></p>"
    )


def _finding_item(finding: Finding, labels: dict[str, str]) -> str:
    """One finding as the text report writes it: where first, then severity, rule, message,
    the exact words and the suggestion in Danish quotation marks."""
    sev = finding.severity
    quote = quoted_words(finding)
    words = f" »{escape(quote)}«" if quote is not None else ""
    suggestion = (
        f" Forslag: »{escape(finding.suggestion)}«" if finding.suggestion is not None else ""
    )
    rule = labels.get(finding.rule) or f"{finding.code} {finding.rule}"
    return (
        f"<li><span class=where>{escape(block_label(finding))}:</span> "
        f'<span class="sev-{sev.value}">{SEVERITY_DA[sev]}</span> '
        f"<strong class=rule>{escape(rule)}</strong>: {escape(finding.message)}{words}"
        f"{suggestion}</li>"
    )


def _letter(result: FileResult, shown_path: Path, row_id: str, labels: dict[str, str]) -> str:
    """One letter as a ``<tbody>``: a row of numbers and, if it has findings, a row spanning all
    columns that lists them (the script folds it away until the name is clicked)."""
    findings = result.findings or []
    sev = Counter(f.severity for f in findings)
    r = result.readability
    assert r is not None
    name = _breakable(shown_path.name)
    if findings:
        letter = (
            f'<button type=button class=toggle aria-expanded=true aria-controls="{row_id}">'
            f"{name}</button>"
        )
    else:
        letter = f"{name} <span class=muted>– ingen fund</span>"
    letter_type = result.letter_type.type if result.letter_type is not None else ""
    kind = (
        f"<span class=kind>{escape(LETTER_TYPE_DA.get(letter_type, letter_type))}</span>"
        if letter_type
        else ""
    )
    row = (
        f'<tbody class=letter data-type="{escape(letter_type)}"><tr class=main>'
        f'<td class=name data-sort="{escape(shown_path.name.casefold())}">{letter}{kind}</td>'
        f'<td class="num lix" data-sort="{r.lix:.1f}">{_fmt(r.lix)}</td>'
        f'<td class=level data-sort="{_BAND_RANK.get(r.band, 9)}"><span class=band '
        f'style="background:{_band_colour(r.band)}">{escape(r.band)}</span></td>'
        + "".join(f'<td class=num data-sort="{sev[s]}">{sev[s]}</td>' for s in _SEVERITIES)
        + f'<td class=num data-sort="{len(findings)}">{len(findings)}</td></tr>'
    )
    if findings:
        items = "".join(_finding_item(f, labels) for f in findings[:MAX_LISTED])
        if len(findings) > MAX_LISTED:
            items += f"<li class=muted>… og {len(findings) - MAX_LISTED} fund mere</li>"
        row += (
            f'<tr class=findings id="{row_id}"><td colspan={len(_COLUMNS)}><ul>{items}</ul>'
            "</td></tr>"
        )
    return row + "</tbody>"


_TABLE_HEAD = (
    "<thead><tr>"
    + "".join(
        f"<th{' class=num' if cls.startswith('num') else ''}><button type=button>{label}"
        "</button></th>"
        for label, cls in _COLUMNS
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
    labels = {r.name: r.label for r in catalog}
    base = common_base(results) if base is None else base
    generated = generated or _dt.datetime.now().astimezone()

    readable = [r for r in results if r.error is None and r.readability is not None]
    unreadable = [r for r in results if not (r.error is None and r.readability is not None)]
    n = len(readable)
    findings_per_rule: Counter[str] = Counter()
    letters_per_rule: Counter[str] = Counter()
    #: letters each rule applied to (issue 12): a share counts only those; a result without
    #: ``rules_applied`` (older callers) counts for every rule
    applied_per_rule: Counter[str] = Counter()
    unknown_applied = 0
    for result in readable:
        if result.rules_applied is None:
            unknown_applied += 1
        else:
            applied_per_rule.update(result.rules_applied)
    for result in readable:
        rules_here = [f.rule for f in result.findings or ()]
        findings_per_rule.update(rules_here)
        letters_per_rule.update(set(rules_here))
    mean_lix = sum(r.readability.lix for r in readable) / n if n else None  # type: ignore[union-attr]
    clean = sum(1 for r in readable if not r.findings)
    ranked = rank_rules(catalog, findings_per_rule, letters_per_rule)

    if unreadable:
        unreadable_card = (
            f'<a class=card href="#ulaeselige"><div class=n>{len(unreadable)}</div>'
            "kunne ikke læses<br><span class=more>se filerne</span></a>"
        )
    else:
        unreadable_card = "<div class=card><div class=n>0</div>kunne ikke læses</div>"
    toc = [
        ("anbefalinger", "Anbefalinger"),
        ("brevtyper", "Brevtyper"),
        ("lix", "LIX-fordeling"),
        ("regler", "Fund pr. regel"),
        *(
            [("ulaeselige", f"Filer der ikke kunne læses ({len(unreadable)})")]
            if unreadable
            else []
        ),
        ("breve", "Breve"),
    ]
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
        unreadable_card,
        f"<div class=card><div class=n>{_fmt(mean_lix) if mean_lix is not None else '–'}</div>"
        "gennemsnitlig LIX</div>",
        f"<div class=card><div class=n>{_pct(clean, n)}</div>uden fund</div>",
        "</div>",
        "<nav class=toc>"
        + "".join(f'<a href="#{anchor}">{escape(text)}</a>' for anchor, text in toc)
        + "</nav>",
        "<h2 id=anbefalinger>Anbefalinger</h2><p class=muted>Andelen af de kontrollerede breve, "
        "der følger hver anbefaling (brevet har intet fund for reglen).</p>",
        "<div class=scroll><table class=recommendations><thead><tr><th>Anbefaling</th>"
        "<th>Kilde</th><th class=num>Breve</th><th>Andel</th></tr></thead><tbody>",
    ]
    # Which recommendations: the rules' ``serves`` (rules/*.yaml). The share of letters without
    # a finding of the rule is shown; the note says which letters count as following the
    # recommendation only because the rule does not apply to them, for results that do not say
    # where a rule applied.
    for info in recommendations(catalog):
        rule, served = info.name, info.serves
        assert served is not None
        whole = applied_per_rule[rule] + unknown_applied
        ok = whole - letters_per_rule[rule]
        share = ok / whole if whole else 0.0
        if unknown_applied:
            shown_note = served.note
        else:
            shown_note = "kun breve, reglen gælder for" if whole < n else ""
        note_html = f"<span class=note>{escape(shown_note)}</span>" if shown_note else ""
        yield (
            f'<tr data-rule="{escape(rule)}"><td>{escape(served.label)}</td>'
            f"<td>{escape(served.source)}</td>"
            f"<td class=num>{ok} af {whole}{note_html}</td><td><span class=meter>"
            f'<span style="width:{100 * share:.0f}%"></span></span> {_pct(ok, whole)}</td></tr>'
        )
    yield "</tbody></table></div>"

    yield letter_types_section(readable, catalog)

    yield (
        "<h2 id=lix>LIX-fordeling</h2><p class=muted>Antal breve pr. LIX-interval; farverne viser "
        "niveauerne.</p>"
    )
    yield band_legend()
    yield histogram_svg([r.readability.lix for r in readable])  # type: ignore[union-attr]

    yield "<h2 id=regler>Fund pr. regel</h2>"
    if ranked:
        yield start_here(ranked, n)
        yield (
            "<p class=muted>Reglerne står efter alvor og derefter efter, hvor mange breve der har "
            "fundet; søjlen viser antallet af breve.</p>"
        )
        yield severity_legend()
        yield rules_chart(ranked)
    else:
        yield "<p>Ingen fund i de kontrollerede breve.</p>"

    if unreadable:
        yield (
            f"<h2 id=ulaeselige>Filer der ikke kunne læses ({len(unreadable)})</h2>"
            "<p class=muted>Disse filer er ikke kontrolleret og tæller ikke med i tallene "
            "ovenfor.</p><div class=scroll><table class=errors><thead><tr><th>Fil</th>"
            "<th>Hvad er galt</th></tr></thead><tbody>"
        )
        for result in unreadable:
            yield (
                f"<tr><td>{_breakable(_relative(result.path, base).as_posix())}</td>"
                f"<td>{escape(result.error or 'Ukendt fejl')}</td></tr>"
            )
        yield "</tbody></table></div>"

    yield (
        "<h2 id=breve>Breve</h2><p class=muted>Værste breve først i hver mappe (flest fejl, så "
        "advarsler, så fund, så LIX). Klik på en kolonne for at sortere; klik på et brev for at "
        "se fundene. Niveauet afgøres af LIX afrundet til et helt tal.</p>"
        "<button type=button id=toggle-all aria-pressed=false hidden>Vis alle fund</button>"
    )
    yield type_filter(readable)
    by_folder: dict[str, list[tuple[FileResult, Path]]] = defaultdict(list)
    for result in readable:
        rel = _relative(result.path, base)
        by_folder[rel.parent.as_posix()].append((result, rel))
    row_number = 0
    for folder in sorted(by_folder, key=lambda f: (f != ".", f.casefold())):
        letters = sorted(by_folder[folder], key=lambda item: (_score(item[0]), str(item[1])))
        heading = "(øverste mappe)" if folder == "." else folder
        yield (
            f'<section class=folder data-folder="{escape(folder)}"><h3>{escape(heading)} '
            f"<span class=muted>({_letters(len(letters))})</span></h3>"
            f"<div class=scroll><table class=letters>{_TABLE_HEAD}"
        )
        for result, rel in letters:
            row_number += 1
            yield _letter(result, rel, f"fund-{row_number}", labels)
        yield "</table></div></section>"
    yield f"<script>{_JS}</script></body></html>\n"


def render(results: list[FileResult], **kw: Any) -> str:
    """The whole report as one HTML string (UTF-8 text; write it as such)."""
    return "".join(iter_render(results, **kw))
