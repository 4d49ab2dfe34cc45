"""The command line: start-up cost, usage errors, exit codes, the JSON contract, text snapshots."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lettercheck import __version__
from lettercheck.app.cli import main
from lettercheck.testing.docxwriter import paragraph, write_docx

GOOD_LETTER = [
    ("Title", "Indkaldelse til samtale om job"),
    (None, "Kære Ali Hassan"),
    (None, "Du får dette brev, fordi vi gerne vil tale med dig om, hvordan du kommer i job."),
    (None, "Målet er, at du får et job, som passer til dig."),
    (None, "Vi mødes tirsdag den 3. marts kl. 10.00 på Jobcentret, Vejlevej 2."),
    (None, "Med venlig hilsen"),
    (None, "Mette Hansen, jobkonsulent"),
    (None, "Telefon 72 10 60 12, sms til 72 10 60 12"),
    (None, "E-mail mette.hansen@fredericia.dk"),
]

BAD_LETTER = [
    ("Title", "Vedrørende Deres sag"),
    (None, "Kære modtager"),
    (
        None,
        "I henhold til § 42, stk. 2, i lov om aktiv socialpolitik skal De hermed indkaldes "
        "til samtale, jf. ovennævnte bestemmelser, og De bedes i den forbindelse medbringe "
        "relevant dokumentation for Deres nuværende situation med henblik på afklaring.",
    ),
    (None, "Med venlig hilsen"),
    (None, "Jobcenter Fredericia"),
]


def build(path: Path, lines) -> Path:
    body = "".join(paragraph(text, style=style) for style, text in lines)
    write_docx(path, body)
    return path


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lettercheck", *args], capture_output=True, text=True, timeout=120
    )


def test_help_does_not_import_spacy():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from lettercheck.app.cli import main\n"
        "r = CliRunner().invoke(main, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "assert 'STI' in r.output\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in {'spacy', 'lxml', 'thinc'})\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_help_is_danish():
    """The users are Danish: the help page too, click's own words included."""
    for args in (["--help"], ["check", "--help"], ["audit", "--help"], ["explain", "--help"]):
        result = CliRunner().invoke(main, args, prog_name="lettercheck")
        assert result.exit_code == 0
        assert result.output.startswith("Brug: lettercheck"), result.output
        assert "Tilvalg:" in result.output and "Vis denne hjælp og afslut." in result.output
        for english in ("Usage", "Options", "Show this", "[default", "Write ", "Check "):
            assert english not in result.output, (args, english)


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_missing_path_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, [str(tmp_path / "findes-ikke.docx")])
    assert result.exit_code == 2
    assert "findes ikke" in result.output


def test_no_path_is_a_usage_error():
    result = CliRunner().invoke(main, [])
    assert result.exit_code == 2


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--fial-on", "error", "x"], "lettercheck: Ukendt tilvalg --fial-on. Mente du --fail-on?"),
        (
            ["--jobs", "0", "x"],
            "lettercheck: Ugyldig værdi for '--jobs' / '-j': 0 er mindre end 1.",
        ),
        (["--jobs", "to", "x"], "lettercheck: Ugyldig værdi for '--jobs' / '-j': 'to' er ikke et"),
        (["--fail-on", "fejl", "x"], "lettercheck: Ugyldig værdi for '--fail-on': 'fejl' er ikke"),
        (["audit", "x", "--html"], "lettercheck: Tilvalget --html skal have en værdi."),
        (["explain"], "lettercheck: 'REGEL' mangler."),
        (["explain", "a", "b"], "lettercheck: For mange argumenter: b."),
        (["--suggest=ja", "x"], "lettercheck: Tilvalget --suggest tager ingen værdi."),
    ],
)
def test_a_usage_error_is_one_danish_line(args, line):
    """Not click's three English lines ("Usage: …", "Try …", "Error: …")."""
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(line), result.stderr
    assert result.stderr.rstrip().endswith("Se lettercheck --help."), result.stderr


def test_our_own_usage_errors_are_one_line_too(tmp_path):
    result = run(str(tmp_path / "findes-ikke"))
    assert result.returncode == 2
    assert (
        result.stderr
        == f"lettercheck: {tmp_path / 'findes-ikke'}: findes ikke. Tjek stavningen af stien.\n"
    )


@pytest.mark.parametrize("command", [[], ["audit", "--csv", "r.csv"]])
def test_a_folder_without_letters_is_exit_2_not_a_pass(tmp_path, command):
    """A wrong path in a CI job must not pass as "0 breve kontrolleret"."""
    empty = tmp_path / "tom"
    empty.mkdir()
    (empty / "notat.pdf").write_bytes(b"%PDF-1.4")
    result = subprocess.run(
        [sys.executable, "-m", "lettercheck", *command, str(empty)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"lettercheck: ingen breve i {empty}."), result.stderr
    assert not (tmp_path / "r.csv").exists()


@pytest.mark.parametrize("option", ["--output", "--write-baseline", "audit --html", "audit --csv"])
def test_a_report_or_baseline_is_never_written_over_a_letter(tmp_path, option):
    letter = build(tmp_path / "brev.docx", GOOD_LETTER)
    before = letter.read_bytes()
    result = run(*option.split(), str(letter), str(tmp_path))
    assert result.returncode == 2
    assert "er et Word-dokument" in result.stderr, result.stderr
    assert letter.read_bytes() == before


def test_annotate_into_a_folder_of_real_letters_inside_the_input_is_refused(tmp_path):
    """The --annotate folder is left out of the search for letters; one that already holds
    letters (and is not a folder of lettercheck's copies) would hide them, and with --force
    have them overwritten."""
    folder = tmp_path / "breve"
    folder.mkdir()
    build(folder / "a.docx", GOOD_LETTER)
    (folder / "sub").mkdir()
    real = build(folder / "sub" / "a.docx", BAD_LETTER)
    before = real.read_bytes()
    for extra in ([], ["--force"]):
        result = run("--annotate", str(folder / "sub"), *extra, str(folder))
        assert result.returncode == 2
        assert "indeholder allerede breve" in result.stderr, result.stderr
    assert real.read_bytes() == before
    assert sorted(p.name for p in (folder / "sub").iterdir()) == ["a.docx"]  # no marker either


def test_summary_counts_letters_checked_and_tells_a_copy_not_written_from_an_unreadable_file(
    tmp_path,
):
    """A copy changed since lettercheck wrote it is kept unless --force: the letter is checked
    but its copy is not written, and that is not "kunne ikke læses"."""
    folder = tmp_path / "breve"
    folder.mkdir()
    build(folder / "god.docx", GOOD_LETTER)
    (folder / "tom.docx").write_bytes(b"")
    out = tmp_path / "ud"
    first = run("--annotate", str(out), "--jobs", "1", str(folder))
    summary = _summary_line(first.stdout)
    assert summary.startswith("1 brev kontrolleret · ")
    assert summary.endswith(" · 1 kunne ikke læses")
    build(out / "god.docx", GOOD_LETTER)  # someone saved the copy: it lost lettercheck's stamp
    again = run("--annotate", str(out), "--jobs", "1", str(folder))
    assert again.returncode == 2
    assert _summary_line(again.stdout).endswith(
        " · 1 kunne ikke læses · 1 kommenterede kopi ikke skrevet"
    ), again.stdout
    summary = json.loads(run("--format", "json", str(folder)).stdout)["summary"]
    assert (summary["files"], summary["checked"], summary["errors"]) == (2, 1, 1)


def test_annotating_again_replaces_untouched_copies_and_keeps_changed_ones(tmp_path):
    """The loop of checking, mending a letter and checking again needs no --force: a copy as
    lettercheck wrote it is replaced by the new one. A copy someone saved is kept, with a line
    naming --force, and --force replaces it."""
    folder = tmp_path / "breve"
    folder.mkdir()
    build(folder / "brev.docx", BAD_LETTER)
    out = tmp_path / "ud"
    first = run("--annotate", str(out), "--jobs", "1", str(folder))
    assert first.returncode == 1, first.stdout + first.stderr
    copy = out / "brev.docx"
    comments_before = _comment_count(copy)
    assert comments_before > 1

    build(folder / "brev.docx", GOOD_LETTER)  # the letter mended
    again = run("--annotate", str(out), "--jobs", "1", str(folder))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "ikke skrevet" not in again.stdout
    assert _comment_count(copy) < comments_before

    kept = build(copy, BAD_LETTER)  # someone saved the copy from Word: no stamp any more
    kept_bytes = kept.read_bytes()
    third = run("--annotate", str(out), "--jobs", "1", str(folder))
    assert third.returncode == 2
    assert f"{copy} er ændret, siden lettercheck skrev den" in third.stdout + third.stderr
    assert "--force" in third.stdout + third.stderr
    assert copy.read_bytes() == kept_bytes
    forced = run("--annotate", str(out), "--force", "--jobs", "1", str(folder))
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert copy.read_bytes() != kept_bytes


@pytest.mark.parametrize(
    "lock",
    [".~lock.brev.docx#", "~$brev.docx", ".~lock.indkaldelse.docx#", "~$dkaldelse.docx"],
)
def test_a_copy_open_in_word_or_libreoffice_is_not_replaced(tmp_path, lock):
    """An untouched copy that is open (its editor's lock file beside it) may hold replies not
    saved yet: it is kept, with a line saying why, until it is closed or --force is given."""
    name = "indkaldelse.docx" if "indkaldelse" in lock or "dkaldelse" in lock else "brev.docx"
    folder = tmp_path / "breve"
    folder.mkdir()
    build(folder / name, GOOD_LETTER)
    out = tmp_path / "ud"
    assert run("--annotate", str(out), "--jobs", "1", str(folder)).returncode == 0
    (out / lock).write_bytes(b"")
    copy_before = (out / name).read_bytes()
    again = run("--annotate", str(out), "--jobs", "1", str(folder))
    assert again.returncode == 2
    assert "er åben i Word eller LibreOffice" in again.stdout + again.stderr
    assert (out / name).read_bytes() == copy_before
    (out / lock).unlink()
    assert run("--annotate", str(out), "--jobs", "1", str(folder)).returncode == 0


def _summary_line(stdout: str) -> str:
    (line,) = [line for line in stdout.splitlines() if " kontrolleret · " in line]
    return line


def _comment_count(path: Path) -> int:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        if "word/comments.xml" not in zf.namelist():
            return 0
        return zf.read("word/comments.xml").count(b"<w:comment ")


def test_an_annotate_folder_is_marked_so_it_can_later_lie_inside_the_input(tmp_path):
    """Copies written outside the input first, then the folder around both is checked: the
    copies are lettercheck's (marked), not letters to refuse or to check again; README and
    hidden files in an --annotate folder are not letters either."""
    folder = tmp_path / "breve"
    folder.mkdir()
    build(folder / "a.docx", GOOD_LETTER)
    out = tmp_path / "ud"
    out.mkdir()
    (out / "README.md").write_text("# Kopier\n", encoding="utf-8")
    (out / ".git").mkdir()
    (out / ".git" / "HEAD.txt").write_text("x", encoding="utf-8")
    assert run("--annotate", str(out), "--jobs", "1", str(folder)).returncode in (0, 1)
    assert (out / ".lettercheck-kommenteret").is_file() and (out / "a.docx").is_file()
    again = run("--annotate", str(out), "--format", "json", "--jobs", "1", str(tmp_path))
    assert again.returncode in (0, 1), again.stderr
    assert [f["path"] for f in json.loads(again.stdout)["files"]] == [str(folder / "a.docx")]


def test_exclude_says_so_when_it_leaves_every_file_out_and_never_drops_a_named_file(tmp_path):
    folder = tmp_path / "breve"
    (folder / "noter").mkdir(parents=True)
    note = folder / "noter" / "n.txt"
    note.write_text("Kære Anna\nVi ses.\n", encoding="utf-8")
    (folder / ".lettercheck.toml").write_text('exclude = ["noter/*"]\n', encoding="utf-8")
    result = run(str(folder / "noter"))
    assert result.returncode == 2
    assert "1 fil er udeladt af exclude i " in result.stderr, result.stderr
    assert ".lettercheck.toml" in result.stderr
    named = run("--format", "json", "--jobs", "1", str(folder), str(note))
    assert [f["path"] for f in json.loads(named.stdout)["files"]] == [str(note)]


@pytest.fixture(scope="module")
def letters(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("breve")
    build(folder / "god.docx", GOOD_LETTER)
    (folder / "sub").mkdir()
    build(folder / "sub" / "daarlig.docx", BAD_LETTER)
    (folder / "~$god.docx").write_bytes(b"lock file")
    (folder / ".skjult.docx").write_bytes(b"hidden")
    return folder


from lettercheck.model.words import LETTER_TYPES  # noqa: E402


def test_json_contract(letters):
    result = CliRunner().invoke(main, ["--format", "json", "--jobs", "1", str(letters)])
    report = json.loads(result.output)
    assert set(report) == {"version", "files", "summary"}
    assert report["version"] == __version__
    paths = [Path(f["path"]).name for f in report["files"]]
    assert paths == ["god.docx", "daarlig.docx"], "lock files and hidden files are skipped"
    for entry in report["files"]:
        assert set(entry) == {
            "path", "readability", "letter_type", "findings", "rules_applied", "error",
        }  # fmt: skip
        assert entry["error"] is None
        # issue 12: the letter's type with a reason, and the rules that applied to it
        assert set(entry["letter_type"]) == {"type", "because"}
        assert entry["letter_type"]["type"] in LETTER_TYPES and entry["letter_type"]["because"]
        assert "legal-reference-early" in entry["rules_applied"]
        assert {f["rule"] for f in entry["findings"]} <= set(entry["rules_applied"])
        readability = entry["readability"]
        assert set(readability) == {"lix", "band", "words", "sentences", "long_words"}
        assert readability["band"] in {"meget let", "let", "middel", "svær", "meget svær"}
        assert readability["words"] > 0 and readability["sentences"] > 0
        for finding in entry["findings"]:
            assert set(finding) == {
                "rule", "code", "severity", "message", "part", "block", "start", "end", "text",
                "suggestion",
            }  # fmt: skip
            assert finding["severity"] in {"error", "warning", "info"}
            assert finding["rule"] == finding["rule"].lower() and " " not in finding["rule"]
    bad = report["files"][1]
    rules = {f["rule"] for f in bad["findings"]}
    assert {"legal-reference-early", "formal-address", "missing-caseworker-phone"} <= rules
    legal = next(f for f in bad["findings"] if f["rule"] == "legal-reference-early")
    assert legal["text"].startswith("§ 42")
    summary = report["summary"]
    assert summary["files"] == 2 and summary["errors"] == 0
    assert summary["exit_code"] == result.exit_code == 1


def test_exit_codes_follow_fail_on(letters):
    good = str(letters / "god.docx")
    assert CliRunner().invoke(main, ["--jobs", "1", good]).exit_code == 0
    bad = str(letters / "sub" / "daarlig.docx")
    assert CliRunner().invoke(main, ["--jobs", "1", bad]).exit_code == 1
    assert CliRunner().invoke(main, ["--jobs", "1", "--fail-on", "info", good]).exit_code in (0, 1)


def test_unreadable_file_is_one_line_and_exit_2_and_others_still_checked(letters, tmp_path):
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"this is not a zip file")
    result = run("--jobs", "1", str(broken), str(letters / "god.docx"))
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if "broken.docx" in line]
    # its one line with the reason, and its name again in the list after the summary
    assert len(lines) == 2 and "kan ikke læses" in lines[0]
    tail = result.stdout.splitlines()[-2:]
    assert tail == ["Kunne ikke læses (se grunden ved filen ovenfor):", f"  {broken.as_posix()}"]
    assert "god.docx  LIX" in result.stdout


def test_output_file_is_written_and_must_not_be_an_input(letters, tmp_path):
    report = tmp_path / "rapport.json"
    result = CliRunner().invoke(
        main,
        ["--format", "json", "--output", str(report), "--jobs", "1", str(letters / "god.docx")],
    )
    assert result.exit_code == 0
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["files"] == 1
    target = letters / "god.docx"
    before = target.read_bytes()
    result = CliRunner().invoke(main, ["--output", str(target), str(target)])
    assert result.exit_code == 2
    assert target.read_bytes() == before


def test_text_report_names_letter_lix_rule_and_words(letters):
    result = CliRunner().invoke(main, ["--jobs", "1", str(letters / "sub" / "daarlig.docx")])
    lines = result.output.splitlines()
    assert lines[0].endswith("daarlig.docx  LIX " + lines[0].split("LIX ")[1])
    rule = "LC101 Lovhenvisning for tidligt"
    assert any(rule in line and "§ 42, stk. 2" in line for line in lines)
    assert lines[-1].startswith("1 brev kontrolleret · ")
    assert "  ingen fund" not in lines


def test_a_letter_without_findings_says_so():
    letter = Path(__file__).parents[2] / "corpus" / "invitation_samtale_good.docx"
    result = CliRunner().invoke(main, ["--jobs", "1", str(letter)])
    assert result.output.splitlines()[1:] == [
        "  brevtype: indkaldelse (emnet nævner »samtale«)",
        "  ingen fund",
        "1 brev kontrolleret · 0 fund (0 fejl, 0 advarsler, 0 råd)",
    ], result.output


def test_annotate_skips_plain_text_letters_and_keeps_the_folder_structure(letters, tmp_path):
    text_letter = tmp_path / "in" / "brev.txt"
    text_letter.parent.mkdir()
    text_letter.write_text("Kære Ali\nDu skal til møde.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["--annotate", str(out), "--jobs", "1", str(letters), str(text_letter)]
    )
    assert "kan ikke læses" not in result.output
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == [".lettercheck-kommenteret", "god.docx", "sub/daarlig.docx"]


def test_a_later_check_skips_annotated_copies_inside_the_folder(tmp_path):
    letters = tmp_path / "breve"
    letters.mkdir()
    build(letters / "god.docx", GOOD_LETTER)
    runner = CliRunner()
    runner.invoke(main, ["--annotate", str(letters / "ud"), "--jobs", "1", str(letters)])
    assert (letters / "ud" / "god.docx").is_file()
    report = json.loads(runner.invoke(main, ["--format", "json", str(letters)]).stdout)
    assert [Path(f["path"]).name for f in report["files"]] == ["god.docx"]
    assert "ud" not in report["files"][0]["path"].split("/")
    named = json.loads(runner.invoke(main, ["--format", "json", str(letters / "ud")]).stdout)
    assert len(named["files"]) == 1, "an output folder named on the command line is checked"


@pytest.mark.parametrize("command", [[], ["audit", "--csv", "{out}"]])
def test_a_broken_configuration_in_any_folder_is_one_line_before_any_letter(tmp_path, command):
    good, bad = tmp_path / "god", tmp_path / "skabeloner"
    for folder in (good, bad):
        folder.mkdir()
        (folder / "brev.txt").write_text("Kære Ali\nDu skal til møde.\n", encoding="utf-8")
    (bad / ".lettercheck.toml").write_text("lix-limt = 30\n", encoding="utf-8")
    args = [a.replace("{out}", str(tmp_path / "r.csv")) for a in command]
    result = run(*args, str(good), str(bad))
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "lix-limt" in line and ".lettercheck.toml" in line


@pytest.mark.skipif(shutil.which("script") is None, reason="needs util-linux's script for a tty")
def test_progress_bar_on_a_terminal_and_none_when_piped(tmp_path):
    folder = tmp_path / "breve"
    folder.mkdir()
    for n in range(6):
        (folder / f"brev{n}.txt").write_text("Kære Ali\nDu skal til møde.\n", encoding="utf-8")
    command = f"{shlex.quote(sys.executable)} -m lettercheck --jobs 1 {shlex.quote(str(folder))}"

    def on_terminal(shell_command: str) -> str:
        done = subprocess.run(
            ["script", "-qec", shell_command, "/dev/null"],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "COLUMNS": "120"},
        )
        return done.stdout

    shown = on_terminal(command)
    assert "Kontrollerer breve" in shown and "6/6" in shown
    # the report is printed below the finished bar, not through it
    assert shown.rindex("6/6") < shown.index("6 breve kontrolleret")
    assert "Kontrollerer breve" not in on_terminal(command + " | cat")
