"""The batch formats: GitHub annotations, the Danish-Excel CSV and the self-contained HTML audit."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from lettercheck.findings import FileResult, Finding, Readability, Severity
from lettercheck.reporters import csv as csv_reporter
from lettercheck.reporters import github, html

RULES = [
    {
        "name": "legal-reference-early",
        "code": "LC101",
        "severity": "error",
        "message": "Lov tidligt.",
    },
    {"name": "missing-caseworker-phone", "code": "LC111", "severity": "error", "message": "Tlf."},
    {"name": "missing-caseworker-email", "code": "LC112", "severity": "error", "message": "Mail."},
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
    assert header[:7] == ["fil", "lix", "niveau", "ord", "sætninger", "lange ord", "fund"]
    assert header[7:] == [
        "legal-reference-early",
        "missing-caseworker-phone",
        "missing-caseworker-email",
        "missing-purpose",
        "passive-voice",
        "fejl",
    ]
    bad = dict(zip(header, rows[2], strict=True))
    assert bad["fil"] == "a/slem, brev%.docx"
    assert bad["lix"] == "48,2" or bad["lix"] == "48,3"
    assert bad["niveau"] == "svær"
    assert (bad["fund"], bad["legal-reference-early"], bad["missing-caseworker-email"]) == (
        "4",
        "2",
        "0",
    )
    assert bad["passive-voice"] == "1" and bad["fejl"] == ""
    # One row per letter, also for the unreadable one, which has its error and no numbers.
    assert len(rows) == 5
    broken = dict(zip(header, rows[4], strict=True))
    assert broken["fil"] == "'=gammel.doc"  # never a formula in Excel
    assert broken["lix"] == "" and broken["fejl"].startswith("Gem den som .docx.")


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
    rec = {a["data-rule"]: None for t, a in parser.tags if "data-rule" in a}
    assert list(rec) == [r for _, r, _ in html.RECOMMENDATIONS]
    assert re.search(r'data-rule="legal-reference-early">.*?2 af 3</td>.*?67 %', report)
    assert re.search(r'data-rule="missing-caseworker-email">.*?3 af 3</td>.*?100 %', report)
    assert re.search(r'data-rule="missing-goal">.*?ikke kontrolleret', report)  # not in catalog
    svgs = [a for t, a in parser.tags if t == "svg"]
    assert [s["class"] for s in svgs] == ["chart histogram", "chart rules"]
    bands = [a for t, a in parser.tags if t == "rect" and a.get("class") == "band"]
    assert len(bands) == 5
    bars = [a for t, a in parser.tags if t == "rect" and a.get("class") == "bar"]
    assert len(bars) == 3 + 4  # three LIX bins with letters, four rules with findings
    assert "meget svær" in text and "LC101 legal-reference-early" in text


def test_html_groups_by_folder_worst_first_with_details(report: str) -> None:
    folders = re.findall(r'<section class=folder data-folder="([^"]+)"', report)
    assert folders == ["a", "b/c"]
    section_a = report.split('data-folder="a"')[1].split("</section>")[0]
    assert section_a.index("slem, brev%.docx") < section_a.index("god.docx")
    assert "<details><summary>slem, brev%.docx</summary>" in section_a
    assert "<q>jf. § 19</q>" in section_a and "Forslag: <q>vi udbetaler</q>" in section_a
    assert "=gammel.doc" in report.split("Filer der ikke kunne læses")[1]


def test_html_lists_at_most_max_findings_per_letter(tmp_path: Path) -> None:
    many = FileResult(
        path=tmp_path / "x.docx",
        readability=Readability(lix=30.0, band="let", words=10, sentences=1, long_words=1),
        findings=[_f("officialese", "LC140", f"ord{i}", Severity.WARNING) for i in range(100)],
    )
    report = html.render([many], rules=RULES, base=tmp_path)
    assert "ord59" in report and "ord60<" not in report and "… og 40 fund mere" in report


def test_html_of_nothing_still_renders(tmp_path: Path) -> None:
    report = html.render([], rules=RULES, base=tmp_path)
    assert "Ingen fund" in report and report.rstrip().endswith("</html>")


# ---------------------------------------------------------------- the audit command, end to end


def test_audit_command_writes_both_reports_in_parallel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from click.testing import CliRunner

    sys.path.insert(0, str(Path(__file__).parent))
    from _batch_letters import BAD, GOOD, write_letter

    from lettercheck.cli import main

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
    assert "7 breve gennemgået" in done.output
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
    assert slem["legal-reference-early"] == "1" and slem["missing-caseworker-phone"] == "1"
    assert rows[7][-1] != ""  # the broken file's error
    report = (tmp_path / "ud" / "rapport.html").read_text("utf-8")
    assert re.search(r'data-rule="missing-caseworker-phone">.*?3 af 6</td>', report)
    assert "ødelagt.docx" in report.split("Filer der ikke kunne læses")[1]


def test_audit_needs_a_report_file(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from lettercheck.cli import main

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
