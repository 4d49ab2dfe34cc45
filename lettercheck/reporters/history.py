"""The audit over time (``lettercheck audit --history``): the HTML page and the CSV rows.

One point per commit that touched letters (or per month: the last commit of the month). A point
holds, for each recommendation the audit report shows, how many of the letters at that commit
follow it among the letters the rule applied to: exactly the audit's share (``share_counts``
mirrors the recommendations table of ``html.iter_render``), so the newest point and an audit of
the same letters say the same.

The HTML page looks like the audit report (its CSS) and is as self-contained: one small inline
SVG line chart per recommendation (small multiples in a grid, so lines never hide each other and
a phone shows one chart per row), and a table of the numbers that stacks on a narrow screen.
Commit subjects and paths come from the repository and are escaped.

The CSV is made for Danish Excel like the audit's (UTF-8 with BOM, ``;``, decimal comma, CRLF):
``dato; commit; breve`` and one column per recommendation with the share in percent (one
decimal), empty where the rule applied to no letter or was not checked.
"""

from __future__ import annotations

import csv as _csv
import datetime as _dt
import io
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from html import escape

from lettercheck.model.findings import FileResult
from lettercheck.reporters import html as _html
from lettercheck.reporters.csv import BOM, SEPARATOR, _text


def recommendations() -> tuple[tuple[str, str, str, str], ...]:
    """(label, rule, source, note) of each recommendation, as the audit report reads them (the
    one place this module learns them): the rules' ``serves`` entries, in rule-file order."""
    from lettercheck.reporters.catalog import recommendations as served
    from lettercheck.reporters.catalog import rule_catalog

    return tuple(
        (info.serves.label, info.name, info.serves.source, info.serves.note)
        for info in served(rule_catalog())
        if info.serves is not None
    )


@dataclass(slots=True)
class HistoryPoint:
    """The letters at one commit: how many were checked, and per recommendation (rule name)
    ``(ok, whole)``: letters without a finding of the rule among the letters it applied to, or
    None when the rule was not checked."""

    commit: str
    short: str
    date: _dt.datetime
    subject: str = ""
    letters: int = 0
    unreadable: int = 0
    shares: dict[str, tuple[int, int] | None] = field(default_factory=dict)


def share_counts(
    results: Sequence[FileResult], known_rules: Iterable[str]
) -> dict[str, tuple[int, int] | None]:
    """Per recommendation ``(ok, whole)`` over the readable letters, counted as the audit's
    recommendations table counts them (a result without ``rules_applied`` counts for every
    rule), or None for a rule that is not in the catalog."""
    known = set(known_rules)
    readable = [r for r in results if r.error is None and r.readability is not None]
    applied: Counter[str] = Counter()
    with_finding: Counter[str] = Counter()
    unknown_applied = 0
    for result in readable:
        if result.rules_applied is None:
            unknown_applied += 1
        else:
            applied.update(result.rules_applied)
        with_finding.update({f.rule for f in result.findings or ()})
    out: dict[str, tuple[int, int] | None] = {}
    for _label, rule, _source, _note in recommendations():
        if rule not in known:
            out[rule] = None
            continue
        whole = applied[rule] + unknown_applied
        out[rule] = (whole - with_finding[rule], whole)
    return out


def _share(counts: tuple[int, int] | None) -> float | None:
    if counts is None or counts[1] == 0:
        return None
    return counts[0] / counts[1]


def units(n: int, by: str) -> str:
    """How many commits or months, in Danish: "1 commit", "3 måneder"."""
    if by == "month":
        return f"{n} {'måned' if n == 1 else 'måneder'}"
    return f"{n} {'commit' if n == 1 else 'commits'}"


def _day(point: HistoryPoint, by: str) -> str:
    return f"{point.date:%m.%Y}" if by == "month" else f"{point.date:%d.%m.%Y}"


# ---------------------------------------------------------------- CSV


def render_csv(points: Sequence[HistoryPoint], *, by: str = "commit") -> str:
    """One row per point, oldest first: ``dato`` (ISO, ``2024-03`` per month), ``commit`` (short
    hash), ``breve`` (letters checked), then each recommendation's share in percent."""
    buffer = io.StringIO()
    writer = _csv.writer(buffer, delimiter=SEPARATOR, lineterminator="\r\n")
    recs = recommendations()
    writer.writerow(["dato", "commit", "breve", *(f"{label} (%)" for label, *_ in recs)])
    for point in points:
        cells = []
        for _label, rule, _source, _note in recs:
            share = _share(point.shares.get(rule))
            cells.append("" if share is None else f"{100 * share:.1f}".replace(".", ","))
        date = f"{point.date:%Y-%m}" if by == "month" else f"{point.date:%Y-%m-%d}"
        writer.writerow([date, _text(point.short), str(point.letters), *cells])
    return BOM + buffer.getvalue()


# ---------------------------------------------------------------- HTML

_CSS = """
.trends{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(300px,100%),1fr));
gap:16px;margin:12px 0}
figure.trend{margin:0;border:1px solid var(--line);border-radius:8px;padding:10px 12px;
min-width:0}
figure.trend figcaption{overflow-wrap:anywhere}
figure.trend .now{display:block;font-size:22px;font-weight:600;color:var(--ink)}
figure.trend svg.chart{max-width:100%}
table.history th{white-space:normal;overflow-wrap:break-word}
table.history th.num{white-space:nowrap}
table.history td{overflow-wrap:anywhere}
table.history td:first-child{min-width:7.5em}
table.history .subject{display:block;font-size:13px;color:var(--muted)}
p.cut{border-left:4px solid var(--warn);background:#fff6e0;padding:8px 12px;margin:8px 0}
@media (max-width:1000px){
table.history thead{display:none}
table.history,table.history tbody,table.history tr{display:block}
table.history tr{border-bottom:1px solid var(--line);padding:6px 0}
table.history td{display:block;border:0;padding:0;text-align:left}
table.history td:first-child{display:block;font-weight:600;min-width:0}
table.history td[data-label]::before{content:attr(data-label) ": ";color:var(--muted);
font-weight:400}
}
"""
#: The chart's size in SVG units (it scales to its box).
_W, _H = 320, 150
_LEFT, _RIGHT, _TOP, _BOTTOM = 50, 14, 12, 26


def _x(i: int, n: int) -> float:
    plot = _W - _LEFT - _RIGHT
    return _LEFT + (plot / 2 if n == 1 else plot * i / (n - 1))


def _y(share: float) -> float:
    return _TOP + (_H - _TOP - _BOTTOM) * (1 - share)


def trend_svg(points: Sequence[HistoryPoint], rule: str, label: str, by: str = "commit") -> str:
    """One recommendation's share over the points: a line (broken where the rule applied to no
    letter) with a dot per point whose tooltip gives date, commit and numbers."""
    n = len(points)
    parts = [
        f'<svg class="chart trend" role="img" width="{_W}" height="{_H}" '
        f'viewBox="0 0 {_W} {_H}" xmlns="http://www.w3.org/2000/svg" '
        f'aria-label="{escape(label)}: andel over {n} '
        f'{"måneder" if by == "month" else "commits"}">'
    ]
    for pct in (0, 50, 100):
        y = _y(pct / 100)
        parts.append(
            f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{_W - _RIGHT}" y2="{y:.1f}" '
            f'stroke="{"#5b6475" if pct == 0 else "#d9dde5"}"/>'
            f'<text x="{_LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{pct} %</text>'
        )
    segments: list[list[str]] = [[]]
    dots = []
    for i, point in enumerate(points):
        counts = point.shares.get(rule)
        share = _share(counts)
        if share is None:
            if segments[-1]:
                segments.append([])
            continue
        assert counts is not None
        x, y = _x(i, n), _y(share)
        segments[-1].append(f"{x:.1f},{y:.1f}")
        dots.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#1f5fa8"><title>'
            f"{_day(point, by)} · {escape(point.short)}: {counts[0]} af {counts[1]} breve "
            f"({_html._pct(*counts)})</title></circle>"
        )
    for segment in segments:
        if len(segment) > 1:
            parts.append(
                f'<polyline points="{" ".join(segment)}" fill="none" stroke="#1f5fa8" '
                'stroke-width="2"/>'
            )
    parts.extend(dots)
    if n:
        # Dates under the first and the last point, and the middle one when there is room.
        shown = sorted({0, n - 1} | ({(n - 1) // 2} if n >= 5 else set()))
        for i in shown:
            anchor = "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle"
            parts.append(
                f'<text x="{_x(i, n):.1f}" y="{_H - 6}" text-anchor="{anchor}">'
                f"{_day(points[i], by)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _change(points: Sequence[HistoryPoint], rule: str, by: str) -> str:
    """The newest share and its change since the first point that has one."""
    shares = [(p, _share(p.shares.get(rule))) for p in points]
    known = [(p, s) for p, s in shares if s is not None]
    if not known:
        return "<span class=now>–</span><span class=muted>reglen gjaldt for ingen breve</span>"
    first, first_share = known[0]
    last, last_share = known[-1]
    counts = last.shares[rule]
    assert counts is not None
    now = f"<span class=now>{_html._pct(*counts)}</span>"
    if len(known) == 1:
        return now + f"<span class=muted>{counts[0]} af {counts[1]} breve</span>"
    delta = round(100 * last_share) - round(100 * first_share)
    sign = "+" if delta > 0 else "−"
    moved = "uændret" if delta == 0 else f"{sign}{abs(delta)} procentpoint"
    return now + (
        f"<span class=muted>{counts[0]} af {counts[1]} breve · {moved} siden "
        f"{_day(first, by)}</span>"
    )


def iter_render(
    points: Sequence[HistoryPoint],
    *,
    by: str = "commit",
    total: int | None = None,
    limit: int | None = None,
    where: str = "",
    title: str = "Brevenes udvikling",
    generated: _dt.datetime | None = None,
) -> Iterator[str]:
    """The history page in pieces, oldest point first. ``total`` is how many commits (or months)
    there were before ``limit`` cut them to the newest ``len(points)``."""
    from lettercheck import __version__

    generated = generated or _dt.datetime.now().astimezone()
    yield (
        "<!DOCTYPE html><html lang=da><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        "<meta http-equiv=Content-Security-Policy "
        "content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
        f"<title>{escape(title)}</title><style>{_html._CSS}{_CSS}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        f"<p class=muted>Lavet af lettercheck {escape(__version__)} den "
        f"{generated:%d.%m.%Y kl. %H.%M} ud fra git-historikken for {escape(where)}</p>"
    )
    how = (
        "den sidste commit i hver måned, der ændrede breve"
        if by == "month"
        else "hver commit, der ændrede breve"
    )
    if total is not None and total > len(points):
        yield (
            f"<p class=cut id=afskaaret>Kun {'den seneste' if len(points) == 1 else 'de seneste'} "
            f"{units(len(points), by)} af {total} er med (--history-limit "
            f"{limit if limit is not None else len(points)}); de ældre er udeladt.</p>"
        )
    last = points[-1] if points else None
    period = f"{_day(points[0], by)} – {_day(points[-1], by)}" if points else "–"
    yield (
        "<div class=cards>"
        f"<div class=card><div class=n id=history-points>{len(points)}</div>"
        f"{units(len(points), by).split(' ', 1)[1]}</div>"
        f"<div class=card><div class=n>{last.letters if last else 0}</div>breve i dag</div>"
        f"<div class=card><div class=n>{escape(period)}</div>periode</div>"
        "</div>"
        "<h2 id=udvikling>Anbefalinger over tid</h2><p class=muted>Andelen af brevene, der følger "
        f"hver anbefaling, ved {how}; som i gennemgangen tæller kun de breve, reglen gælder "
        "for, og et brev følger anbefalingen, når det ikke har et fund for reglen.</p>"
        "<div class=trends>"
    )
    for label, rule, source, _note in recommendations():
        checked = any(p.shares.get(rule) is not None for p in points)
        body = (
            trend_svg(points, rule, label, by) + f"<p class=muted>{_change(points, rule, by)}</p>"
            if checked
            else "<p class=muted>ikke kontrolleret</p>"
        )
        yield (
            f'<figure class=trend data-rule="{escape(rule)}"><figcaption><b>{escape(label)}</b> '
            f"<span class=muted>({escape(source)})</span></figcaption>{body}</figure>"
        )
    yield "</div>"
    recs = recommendations()
    head = "".join(f"<th>{escape(label)}</th>" for label, *_ in recs)
    yield (
        f"<h2 id=tal>Tal pr. {'måned' if by == 'month' else 'commit'}</h2>"
        "<p class=muted>Nyeste først. Breve: de breve, der kunne kontrolleres.</p>"
        "<div class=scroll><table class=history><thead><tr><th>Dato og commit</th>"
        f"<th class=num>Breve</th>{head}</tr></thead><tbody>"
    )
    for point in reversed(points):
        cells = []
        for label, rule, _source, _note in recs:
            counts = point.shares.get(rule)
            if counts is None:
                text = "ikke kontrolleret"
            elif counts[1] == 0:
                text = "–"
            else:
                share = _html._pct(*counts)
                text = f"{share} <span class=muted>({counts[0]} af {counts[1]})</span>"
            cells.append(f'<td data-label="{escape(label)}">{text}</td>')
        unreadable = (
            f"<span class=note>{point.unreadable} kunne ikke læses</span>"
            if point.unreadable
            else ""
        )
        yield (
            f'<tr data-commit="{escape(point.commit)}"><td>{_day(point, by)} '
            f"<code>{escape(point.short)}</code><span class=subject>{escape(point.subject)}"
            f'</span></td><td class=num data-label="Breve">{point.letters}{unreadable}</td>'
            f"{''.join(cells)}</tr>"
        )
    yield "</tbody></table></div></body></html>\n"


def render(points: Sequence[HistoryPoint], **kw) -> str:  # type: ignore[no-untyped-def]
    return "".join(iter_render(points, **kw))
