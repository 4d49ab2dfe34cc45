"""The batch formats: GitHub annotations, the Danish-Excel CSV and the self-contained HTML audit."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from lettercheck.model.findings import FileResult, Finding, Readability, Severity
from lettercheck.reporters import csv as csv_reporter
from lettercheck.reporters import github, html

RULES = [
    {
        "name": "legal-reference-early",
        "code": "LC101",
        "severity": "error",
        "message": "Lov tidligt.",
        "title": "Lovhenvisning for tidligt",
        "serves": {
            "label": "Lovhenvisninger står sidst i brevet",
            "source": "Fredericia",
            "note": "breve uden lovhenvisninger tæller med",
        },
    },
    {
        "name": "missing-caseworker-phone",
        "code": "LC111",
        "severity": "error",
        "message": "Tlf.",
        "serves": {"label": "Telefonnummeret står i brevet", "source": "Fredericia"},
    },
    {
        "name": "missing-caseworker-email",
        "code": "LC112",
        "severity": "error",
        "message": "Mail.",
        "serves": {"label": "E-mailen står i brevet", "source": "Fredericia"},
    },
    {"name": "missing-purpose", "code": "LC120", "severity": "warning", "message": "Formål."},
]
EVIL = '<script>alert("x")</script> & «Dem»'


def _f(
    rule: str, code: str, text: str | None, severity: Severity = Severity.ERROR, **kw
) -> Finding:
    located = text is not None
    return Finding(
        rule=rule,
        code=code,
        severity=severity,
        message=kw.pop("message", "Besked, med komma: og kolon"),
        part="body" if located else None,
        block=2 if located else None,
        start=0 if located else None,
        end=len(text) if located else None,
        text=text,
        **kw,
    )


def _results(root: Path) -> list[FileResult]:
    return [
        FileResult(
            path=root / "a" / "god.docx",
            readability=Readability(
                lix=22.0, band="meget let", words=90, sentences=10, long_words=12
            ),
        ),
        FileResult(
            path=root / "a" / "slem, brev%.docx",
            readability=Readability(lix=48.25, band="svær", words=200, sentences=8, long_words=60),
            findings=[
                _f("legal-reference-early", "LC101", "jf. § 19"),
                _f("legal-reference-early", "LC101", EVIL),
                _f("missing-caseworker-phone", "LC111", None),
                _f("passive-voice", "LC130", "udbetales", Severity.INFO, suggestion="vi udbetaler"),
            ],
        ),
        FileResult(
            path=root / "b" / "c" / "middel.dotx",
            readability=Readability(
                lix=38.0, band="middel", words=150, sentences=10, long_words=35
            ),
            findings=[_f("missing-purpose", "LC120", None, Severity.WARNING)],
        ),
        FileResult(path=root / "=gammel.doc", error="Gem den som .docx.\nLinje 2"),
    ]


# ---------------------------------------------------------------- github


def test_github_one_escaped_annotation_per_finding_and_error(tmp_path: Path) -> None:
    out = github.render(_results(tmp_path), base=tmp_path)
    lines = out.splitlines()
    assert len(lines) == 6  # 4 + 1 findings, 1 unreadable file
    assert lines[0].startswith(
        "::error file=a/slem%2C brev%25.docx,title=LC101 legal-reference-early::"
    )
    assert "Besked, med komma: og kolon – »jf. § 19« (afsnit 3 (brødtekst))" in lines[0]
    assert lines[3].startswith("::notice ") and "Forslag: vi udbetaler" in lines[3]
    assert lines[4].startswith("::warning file=b/c/middel.dotx,")
    assert lines[5] == (
        "::error file==gammel.doc,title=lettercheck%3A filen kunne ikke læses::"
        "Gem den som .docx.%0ALinje 2"
    )


def test_github_escaping_rules() -> None:
    assert github.escape_data("100%\r\nx: y, z") == "100%25%0D%0Ax: y, z"
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


# ---------------------------------------------------------------- csv


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=";"))


def test_csv_is_utf8_with_bom_semicolon_crlf_and_decimal_comma(tmp_path: Path) -> None:
    text = csv_reporter.render(_results(tmp_path), rules=RULES, base=tmp_path)
    assert text.startswith("\ufeff")
    assert "\r\n" in text
    rows = _csv_rows(text)
    header = rows[0]
    assert header[:11] == [
        "fil",
        "brevtype",  # the letter's type (issue 12): afgoerelse, indkaldelse, …
        "lix",
        "niveau",
        "ord",
        "sætninger",
        "lange ord (over 6 bogstaver)",  # LIX's long words, not the long-word rule
        "fund",
        "fejl",
        "advarsler",
        "råd",
    ]
    # One column per rule, "code title" as the HTML report and Word comments name it (the name
    # when a rule has no title), in code order; then why a file failed.
    assert header[11:] == [
        "LC101 Lovhenvisning for tidligt",
        "LC111 missing-caseworker-phone",
        "LC112 missing-caseworker-email",
        "LC120 missing-purpose",
        "LC130 passive-voice",
        "kunne ikke læses",
    ]
    bad = dict(zip(header, rows[2], strict=True))
    assert bad["fil"] == "a/slem, brev%.docx"
    assert bad["lix"] == "48,2" or bad["lix"] == "48,3"
    assert bad["niveau"] == "svær"
    assert bad["lange ord (over 6 bogstaver)"] == "60"
    # Counts by severity, so Excel can sort the worst letters first.
    assert (bad["fund"], bad["fejl"], bad["advarsler"], bad["råd"]) == ("4", "3", "0", "1")
    assert (bad["LC101 Lovhenvisning for tidligt"], bad["LC112 missing-caseworker-email"]) == (
        "2",
        "0",
    )
    assert bad["LC130 passive-voice"] == "1" and bad["kunne ikke læses"] == ""
    middel = dict(zip(header, rows[3], strict=True))
    assert (middel["fund"], middel["fejl"], middel["advarsler"], middel["råd"]) == (
        "1",
        "0",
        "1",
        "0",
    )
    good = dict(zip(header, rows[1], strict=True))
    assert (good["fund"], good["fejl"], good["advarsler"], good["råd"]) == ("0", "0", "0", "0")
    # One row per letter, also for the unreadable one, which has its error and no numbers.
    assert len(rows) == 5
    broken = dict(zip(header, rows[4], strict=True))
    assert broken["fil"] == "'=gammel.doc"  # never a formula in Excel
    assert broken["kunne ikke læses"].startswith("Gem den som .docx.")
    assert all(broken[column] == "" for column in header[1:-1])


def test_csv_bytes_open_in_excel_encoding(tmp_path: Path) -> None:
    data = csv_reporter.render(_results(tmp_path), rules=RULES, base=tmp_path).encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    assert "sætninger".encode() in data


# ---------------------------------------------------------------- html


class _Collector(HTMLParser):
    """Collects tags and text; fails the test on a script/external reference."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture
def report(tmp_path: Path) -> str:
    return html.render(_results(tmp_path), rules=RULES, base=tmp_path)


def test_html_is_self_contained(report: str) -> None:
    parser = _Collector()
    parser.feed(report)
    for tag, attrs in parser.tags:
        assert "src" not in attrs, tag
        assert tag != "link"
        if "href" in attrs:
            assert attrs["href"].startswith("#")
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", report)
    assert "@import" not in report and "url(" not in report


def test_the_shipped_rules_serve_fredericias_and_herlevs_recommendations_in_file_order() -> None:
    from lettercheck.reporters.catalog import recommendations, rule_catalog

    served = [(r.name, r.serves.source) for r in recommendations(rule_catalog()) if r.serves]
    assert served == [
        ("legal-reference-early", "Fredericia"),
        ("missing-caseworker-name", "Fredericia"),
        ("missing-caseworker-phone", "Fredericia"),
        ("missing-caseworker-email", "Fredericia"),
        ("missing-purpose", "Herlev"),
        ("missing-goal", "Herlev, Rødovre"),
    ]


def test_html_escapes_the_letters_words(report: str) -> None:
    assert '<script>alert("x")</script>' not in report
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; «Dem»" in report
    assert report.count("<script>") == 1  # only the sorting script


def test_html_has_totals_recommendations_charts_and_tables(report: str) -> None:
    parser = _Collector()
    parser.feed(report)
    text = " ".join(parser.text)
    assert "id=total-letters>4<" in report
    assert "kunne ikke læses" in text and "gennemsnitlig LIX" in text
    # Recommendations: 3 readable letters; one has legal-reference-early, one misses the phone.
    rec = {a["data-rule"]: None for t, a in parser.tags if t == "tr" and "data-rule" in a}
    # the rules that serve a recommendation (``serves``), in rule-file order
    assert list(rec) == [r["name"] for r in RULES if "serves" in r]
    assert re.search(r'data-rule="legal-reference-early">.*?2 af 3</td>.*?67 %', report)
    assert re.search(r'data-rule="missing-caseworker-email">.*?3 af 3</td>.*?100 %', report)
    # Letters where the rule cannot apply count as following it: said beside the number.
    assert re.search(
        r'data-rule="legal-reference-early">.*?2 af 3<span class=note>breve uden '
        r"lovhenvisninger tæller med</span>",
        report,
    )
    svgs = [a for t, a in parser.tags if t == "svg"]
    assert [s["class"] for s in svgs] == ["chart histogram"]
    assert all("viewBox" in s or "viewbox" in s for s in svgs)  # scales with the page
    bands = [a for t, a in parser.tags if t == "rect" and a.get("class") == "band"]
    assert len(bands) == 5
    bars = [a for t, a in parser.tags if t == "rect" and a.get("class") == "bar"]
    assert len(bars) == 3  # three LIX bins with letters
    assert "meget svær" in text


def test_html_rule_chart_ranks_by_severity_then_letters_and_says_how_many(report: str) -> None:
    chart = report.split("<ol class=rule-chart>")[1].split("</ol>")[0]
    rules = re.findall(r'<li data-rule="([^"]+)" data-severity="(\w+)">', chart)
    assert rules == [
        ("legal-reference-early", "error"),  # 2 findings in 1 letter
        ("missing-caseworker-phone", "error"),  # 1 finding in 1 letter
        ("missing-purpose", "warning"),
        ("passive-voice", "info"),  # not in the catalog: known from its finding
    ]
    # Code and Danish title (the name when the rule has none), and the letters in plain view.
    assert ">LC101 Lovhenvisning for tidligt<" in chart
    assert ">LC111 missing-caseworker-phone<" in chart
    assert "<b>1 brev</b> · 2 fund" in chart
    # A legend for the severity colours, in the words the text report uses.
    legend = report.split("<h2 id=regler>")[1].split("<ol class=rule-chart>")[0]
    assert [w for w in ("fejl", "advarsel", "råd") if f"</span>{w}</span>" in legend] == [
        "fejl",
        "advarsel",
        "råd",
    ]
    assert "Start her:</b> 1 af 3 breve har <b>LC101 Lovhenvisning for tidligt</b>" in legend


def test_rank_rules_puts_severity_first_then_the_letters_not_the_findings() -> None:
    """152 De-form findings in 22 letters rank below a warning in 40 letters, and every
    warning below any error."""
    from collections import Counter

    from lettercheck.reporters.catalog import RuleInfo

    catalog = [
        RuleInfo("formal-address", "LC301", Severity.WARNING, title="De-form"),
        RuleInfo("long-sentence", "LC402", Severity.WARNING),
        RuleInfo("missing-caseworker-email", "LC203", Severity.ERROR),
        RuleInfo("passive-voice", "LC303", Severity.INFO),
        RuleInfo("officialese", "LC302", Severity.WARNING),  # no findings: left out
    ]
    findings = Counter(
        {
            "formal-address": 152,
            "long-sentence": 40,
            "missing-caseworker-email": 5,
            "passive-voice": 300,
        }
    )
    letters = Counter(
        {
            "formal-address": 22,
            "long-sentence": 40,
            "missing-caseworker-email": 5,
            "passive-voice": 99,
        }
    )
    ranked = html.rank_rules(catalog, findings, letters)
    assert [(r.code, f, n) for r, f, n in ranked] == [
        ("LC203", 5, 5),
        ("LC402", 40, 40),
        ("LC301", 152, 22),
        ("LC303", 300, 99),
    ]
    assert "5 af 60 breve har <b>LC203 missing-caseworker-email</b> – den fejl" in html.start_here(
        ranked, 60
    )
    assert "det råd" in html.start_here(ranked[3:], 60)


def test_html_severity_words_are_danish(report: str) -> None:
    head = report.split("<table class=letters>")[1].split("</thead>")[0]
    labels = re.findall(r"<button type=button>([^<]+)</button>", head)
    assert labels == ["Brev", "LIX", "Niveau", "Fejl", "Advarsler", "Råd", "Fund i alt"]
    assert ">info<" not in report.lower() and ">Info<" not in report


def test_html_lix_legend_says_bands_are_judged_on_the_rounded_lix(report: str) -> None:
    section = report.split("<h2 id=lix>")[1].split("<svg")[0]
    assert "afrundet til et helt tal" in section
    assert "44,9 rundes op til 45 og er svær" in section
    for band in ("meget let ≤ 24", "let 25–34", "middel 35–44", "svær 45–54", "meget svær ≥ 55"):
        assert band in section


def test_html_unreadable_card_links_to_the_list(report: str) -> None:
    card = re.search(r'<a class=card href="#ulaeselige"><div class=n>(\d+)</div>', report)
    assert card and card.group(1) == "1"
    assert report.count("id=ulaeselige") == 1
    listed = report.split("id=ulaeselige")[1].split("</table>")[0]
    assert "=gammel.doc" in listed and "Gem den som .docx." in listed
    # Listed before the (long) tables of letters, and named in the contents line.
    assert report.index("id=ulaeselige") < report.index("id=breve")
    assert '<a href="#ulaeselige">Filer der ikke kunne læses (1)</a>' in report


def test_html_without_unreadable_files_has_no_dead_link(tmp_path: Path) -> None:
    report = html.render(_results(tmp_path)[:3], rules=RULES, base=tmp_path)
    assert "#ulaeselige" not in report and "id=ulaeselige" not in report


def test_html_groups_by_folder_worst_first_with_details(report: str) -> None:
    folders = re.findall(r'<section class=folder data-folder="([^"]+)"', report)
    assert folders == ["a", "b/c"]
    section_a = report.split('data-folder="a"')[1].split("</section>")[0]
    assert section_a.index("slem, brev%.docx") < section_a.index("god.docx")
    # The letter's findings are a row of their own, spanning every column, opened by its name.
    letter = section_a.split("<tbody class=letter")[1].split("</tbody>")[0]
    assert 'aria-controls="fund-1">slem, brev%.docx</button>' in letter
    assert '<tr class=findings id="fund-1"><td colspan=7><ul>' in letter
    # Each finding: where first (as the text report), severity, code and title, message, the
    # words and the suggestion in Danish quotation marks.
    assert (
        '<li><span class=where>afsnit 3 (brødtekst):</span> <span class="sev-error">fejl</span> '
        "<strong class=rule>LC101 Lovhenvisning for tidligt</strong>: Besked, med komma: og "
        "kolon »jf. § 19«</li>"
    ) in letter
    assert "<span class=where>hele brevet:</span>" in letter
    assert "»udbetales« Forslag: »vi udbetaler«" in letter
    assert "<q>" not in report
    # A letter without findings has no findings row.
    assert "god.docx <span class=muted>– ingen fund</span>" in section_a
    assert section_a.count("<tr class=findings") == 1


def test_html_lists_at_most_max_findings_per_letter(tmp_path: Path) -> None:
    many = FileResult(
        path=tmp_path / "x.docx",
        readability=Readability(lix=30.0, band="let", words=10, sentences=1, long_words=1),
        findings=[_f("officialese", "LC140", f"ord{i}", Severity.WARNING) for i in range(100)],
    )
    report = html.render([many], rules=RULES, base=tmp_path)
    assert "ord59" in report and "ord60«" not in report and "… og 40 fund mere" in report


def test_html_and_text_quote_a_long_sentence_the_same_way(tmp_path: Path) -> None:
    """A long sentence's words are cut at a word in both reports, not in full in one of them."""
    from lettercheck.reporters.text import render_file

    sentence = " ".join(f"ord{i}" for i in range(60))
    finding = Finding(
        "long-sentence", "LC402", Severity.WARNING, "Lang.", "body", 0, 0, 1, sentence
    )
    letter = FileResult(
        path=tmp_path / "x.docx",
        readability=Readability(lix=30.0, band="let", words=60, sentences=1, long_words=0),
        findings=[finding],
    )
    shown = re.search(r"»(ord0 [^«]*)«", render_file(letter)).group(1)
    assert shown.endswith(" …") and len(shown) <= 80 and "ord59" not in shown
    assert f"»{shown}«" in html.render([letter], rules=RULES, base=tmp_path)


def test_html_of_nothing_still_renders(tmp_path: Path) -> None:
    report = html.render([], rules=RULES, base=tmp_path)
    assert "Ingen fund" in report and report.rstrip().endswith("</html>")


# ---------------------------------------------------------------- the audit command, end to end


def test_audit_command_writes_both_reports_in_parallel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from click.testing import CliRunner

    sys.path.insert(0, str(Path(__file__).parents[1]))
    from _batch_letters import BAD, GOOD, write_letter

    from lettercheck.app.cli import main

    monkeypatch.chdir(tmp_path)
    for i in range(3):
        write_letter(tmp_path / "breve" / "a" / f"god{i}.docx", GOOD)
        write_letter(tmp_path / "breve" / "b" / f"slem{i}.docx", BAD)
    (tmp_path / "breve" / "b" / "ødelagt.docx").write_bytes(b"not a zip")
    done = CliRunner().invoke(
        main,
        ["audit", "breve", "--html", "ud/rapport.html", "--csv", "ud/rapport.csv", "--jobs", "2"],
    )
    assert done.exit_code == 2, done.output  # one file could not be read
    assert "6 breve kontrolleret, " in done.output and ", 1 kunne ikke læses." in done.output
    rows = _csv_rows((tmp_path / "ud" / "rapport.csv").read_text("utf-8"))
    assert [r[0] for r in rows[1:]] == [
        "a/god0.docx",
        "a/god1.docx",
        "a/god2.docx",
        "b/slem0.docx",
        "b/slem1.docx",
        "b/slem2.docx",
        "b/ødelagt.docx",
    ]
    header = rows[0]
    slem = dict(zip(header, rows[4], strict=True))
    assert slem["LC101 Lovhenvisning for tidligt"] == "1"
    assert slem["LC202 Mangler telefonnummer"] == "1"
    assert int(slem["fejl"]) >= 2
    assert header[-1] == "kunne ikke læses" and rows[7][-1] != ""  # the broken file's error
    report = (tmp_path / "ud" / "rapport.html").read_text("utf-8")
    assert re.search(r'data-rule="missing-caseworker-phone">.*?3 af 6</td>', report)
    assert "ødelagt.docx" in report.split("id=ulaeselige")[1]
    assert "Mangler telefonnummer" in report  # the rules' Danish titles reach the report


def test_audit_needs_a_report_file(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from lettercheck.app.cli import main

    done = CliRunner().invoke(main, ["audit", str(tmp_path)])
    assert done.exit_code == 2 and "--html" in done.output


def test_histogram_bins_each_letter_by_the_lix_its_band_is_judged_on() -> None:
    """The band is judged on LIX rounded half up to a whole number: 24.5 is "let" and 44.9
    "svær", so they stand in the 25–29 and 45–49 bins, not with the "meget let" and "middel"
    letters."""
    svg = html.histogram_svg([24.4, 24.5, 44.9, 44.4])
    titles = re.findall(r"<title>(LIX \d+–\d+): (\d+) (brev|breve)</title>", svg)
    assert titles == [
        ("LIX 20–24", "1", "brev"),
        ("LIX 25–29", "1", "brev"),
        ("LIX 40–44", "1", "brev"),
        ("LIX 45–49", "1", "brev"),
    ]


def _typed(
    tmp_path: Path, name: str, letter_type: str, applied: tuple[str, ...], fired: tuple[str, ...]
):
    from lettercheck.model.findings import LetterType

    return FileResult(
        path=tmp_path / name,
        readability=Readability(lix=30.0, band="let", words=100, sentences=8, long_words=20),
        findings=[
            Finding(rule=rule, code="LC5xx", severity=Severity.WARNING, message="Mangler.")
            for rule in fired
        ],
        letter_type=LetterType(letter_type, "emnet nævner …", stated=name.startswith("angivet")),
        rules_applied=applied,
    )


TYPE_RULES = [
    {
        "name": "invitation-missing-time",
        "code": "LC505",
        "title": "Mangler tidspunkt",
        "severity": "error",
        "message": "Tid.",
        "types": ["indkaldelse"],
    },
    {
        "name": "invitation-missing-consequence",
        "code": "LC508",
        "title": "Mangler følger",
        "severity": "warning",
        "message": "Følger.",
        "types": ["indkaldelse"],
    },
]


def test_html_letter_types_breakdown_and_shares_count_only_applied_letters(tmp_path: Path) -> None:
    time, consequence = "invitation-missing-time", "invitation-missing-consequence"
    results = [
        # consequence applies only to the two letters about a benefit; one of them lacks it
        _typed(tmp_path, "a.docx", "indkaldelse", (time, consequence), (consequence,)),
        _typed(tmp_path, "b.docx", "indkaldelse", (time, consequence), ()),
        _typed(tmp_path, "c.docx", "indkaldelse", (time,), (time,)),
        _typed(tmp_path, "angivet.docx", "afgoerelse", (), ()),
    ]
    report = html.render(results, rules=TYPE_RULES, base=tmp_path)
    assert '<a href="#brevtyper">Brevtyper</a>' in report
    breakdown = report.split("<table class=types>")[1].split("</table>")[0]
    rows = re.findall(
        r'<tr data-type="([a-z]+)">.*?<td class=num>(\d+)</td>.*?'
        r"<td class=num>(\d+)</td></tr>",
        breakdown,
    )
    assert rows == [("indkaldelse", "3", "0"), ("afgoerelse", "1", "1")]
    section = report.split('<section class=type-section data-type="indkaldelse">')[1]
    section = section.split("</section>")[0]
    shares = dict(re.findall(r'<tr data-rule="([^"]+)">.*?<td class=num>(\d+ af \d+)', section))
    assert shares == {time: "2 af 3", consequence: "1 af 2"}
    assert "kun breve, reglen gælder for (2 af 3)" in section
    # no section for a type without rules; every letter row carries its type for the filter
    assert (
        'data-type="afgoerelse">'
        not in report.split("<table class=types>")[1]
        .split("<h2 id=lix>")[0]
        .split("</table>", 1)[1]
    )
    assert report.count('<tbody class=letter data-type="indkaldelse">') == 3
    assert '<option value="afgoerelse">afgørelse (1)</option>' in report
