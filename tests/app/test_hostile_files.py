"""Broken and hostile files through the real CLI: one clean line each, exit 2, nothing leaked.

One folder holds every kind of file that is not a letter (and every resource attack that fits in a
few megabytes) next to a good letter; the CLI runs on it once per output mode and each case is then
checked on that run's output: exactly one line naming the file, saying what is wrong and what to
do, never "Intern fejl" (an internal error is a bug), never a traceback, and nothing of the file's
content (``hostile.MARKER``) or of a local file an entity points at (``hostile.SECRET``) in the
output. The inputs are hashed before and after: byte-identical. The large cases (50 MB of photos,
a million-character paragraph, 200 nested tables, a 1 GB zip bomb) run on their own with a wall
time and peak memory bound.
"""

from __future__ import annotations

import json
from pathlib import Path

import hostile as h
import pytest

#: file name -> (builder, words one of which the error line must contain)
BROKEN = {
    "tom.docx": (h.empty, ("tom",)),
    "stoej.docx": (h.random_bytes, ("ikke et Word-dokument",)),
    "bare-en-zip.docx": (h.zip_without_document, ("Word-dokument", "beskadiget")),
    "regneark.docx": (h.zip_of_other_office_document, ("ikke et Word-dokument",)),
    "gammelt brev.doc": (h.legacy_doc, (".doc",)),
    "adgangskode.docx": (h.encrypted_docx, ("adgangskode",)),
    "uden-relationer.docx": (h.missing_package_rels, ("relationer",)),
    "relationer-i-stykker.docx": (h.broken_package_rels, ("beskadiget",)),
    "hoveddokument-mangler.docx": (h.dangling_main_relationship, ("hoveddokument",)),
    "dokumentrelationer-i-stykker.docx": (h.broken_document_rels, ("beskadiget",)),
    "uden-indholdstyper.docx": (h.missing_content_types, ("Content_Types",)),
    "ugyldig-xml.docx": (h.malformed_document_xml, ("gyldig XML",)),
    "afkortet.docx": (h.truncated_zip, ("afkortet", "beskadiget")),
    "afkortet-tidligt.docx": (lambda p: h.truncated_zip(p, keep=0.1), ("afkortet", "beskadiget")),
    "zipbombe.docx": (h.zip_bomb, ("zip-bombe",)),
    "zipbombe-loegn.docx": (
        lambda p: h.zip_bomb(p, lie_about_size=True),
        ("zip-bombe", "beskadiget"),
    ),
    "billion-laughs.docx": (h.billion_laughs, ("DOCTYPE",)),
}

#: Attacks that point at the secret file: (builder taking the secret path, keywords)
POINTING = {
    "xxe.docx": (h.external_entity, ("DOCTYPE",)),
    "xxe-utf16.docx": (h.external_entity_utf16, ("DOCTYPE",)),
    "xxe-i-typografier.docx": (
        lambda p, s: h.external_entity(p, s, part="word/styles.xml"),
        ("DOCTYPE",),
    ),
}

#: Odd but harmless: a result or a clean error are both fine; never an internal error or a leak.
TOLERATED = {
    "typografier-i-stykker.docx": h.malformed_styles_xml,
    "xinclude.docx": None,  # built with the secret path below
    "relationer-ud-af-pakken.docx": None,  # likewise
    "latin1.txt": lambda p: p.write_bytes(
        "Kære borger\nDu skal møde op på jobcentret.\n".encode("cp1252")
    ),
    "binaer.txt": lambda p: p.write_bytes(b"\x00\x01\x02" + h.MARKER.encode() + b"\xff\xfe\x00"),
    "kun-mellemrum.docx": lambda p: h.write_docx(p, h.paragraph("   ") + "<w:p/>"),
}


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory) -> tuple[Path, Path]:
    """(folder of letters, secret file outside it)."""
    base = tmp_path_factory.mktemp("hostile")
    folder = base / "breve"
    folder.mkdir()
    secret = base / "hemmelig.txt"
    secret.write_text(f"{h.SECRET}\n", encoding="utf-8")
    h.good_letter(folder / "god.docx")
    h.good_text_letter(folder / "god.txt")
    for name, (build, _keywords) in BROKEN.items():
        build(folder / name)
    for name, (build, _keywords) in POINTING.items():
        build(folder / name, secret)
    for name, build in TOLERATED.items():
        if build is not None:
            build(folder / name)
    h.xinclude(folder / "xinclude.docx", secret)
    h.relationships_out_of_the_package(folder / "relationer-ud-af-pakken.docx", secret)
    return folder, secret


@pytest.fixture(scope="module")
def text_run(hostile_folder):
    folder, secret = hostile_folder
    before = h.tree_hashes(folder, secret)
    result = h.run_cli("--jobs", "1", folder, timeout=180)
    return result, before, h.tree_hashes(folder, secret)


@pytest.fixture(scope="module")
def json_run(hostile_folder):
    folder, _secret = hostile_folder
    result = h.run_cli("--format", "json", "--jobs", "2", folder, timeout=180)
    return result, json.loads(result.stdout)


def test_exit_code_is_2_without_traceback_or_leak(text_run):
    result, _before, _after = text_run
    assert result.returncode == 2, result.stderr[-2000:]
    h.assert_no_traceback(result.stdout, result.stderr)
    h.assert_nothing_leaked(result.stdout, result.stderr)
    assert "Intern fejl" not in result.stdout


def test_inputs_are_byte_identical(text_run):
    _result, before, after = text_run
    assert before == after


def test_good_letters_are_still_checked(text_run):
    result, _before, _after = text_run
    for name in ("god.docx", "god.txt"):
        (line,) = [
            line
            for line in result.stdout.splitlines()
            if line.endswith(name) or f"{name}  LIX" in line
        ]
        assert f"{name}  LIX" in line, line


@pytest.mark.parametrize("name", sorted(BROKEN) + sorted(POINTING))
def test_each_broken_file_gets_one_clean_line(text_run, hostile_folder, name):
    result, _before, _after = text_run
    keywords = (BROKEN.get(name) or POINTING[name])[1]
    line = h.assert_one_clean_error_line(result.stdout, hostile_folder[0] / name, *keywords)
    assert len(line) < 400, "one short line"


@pytest.mark.parametrize("name", sorted(TOLERATED))
def test_odd_files_give_a_result_or_a_clean_error(text_run, hostile_folder, name):
    result, _before, _after = text_run
    lines = h.lines_naming(result.stdout, hostile_folder[0] / name)
    assert lines, f"{name} is not in the report"
    head = lines[0]
    if "kan ikke læses" in head:
        h.assert_one_clean_error_line(result.stdout, hostile_folder[0] / name)
    else:
        assert "LIX" in head, head


def test_json_report_has_an_error_and_no_readability_per_broken_file(json_run, hostile_folder):
    result, report = json_run
    assert result.returncode == 2
    h.assert_no_traceback(result.stdout, result.stderr)
    h.assert_nothing_leaked(result.stdout, result.stderr)
    by_name = {Path(entry["path"]).name: entry for entry in report["files"]}
    for name in (*BROKEN, *POINTING):
        entry = by_name[name]
        assert entry["error"] and "\n" not in entry["error"], entry
        assert entry.get("readability") is None and entry["findings"] == []
    assert by_name["god.docx"]["error"] is None
    assert by_name["god.docx"]["readability"]["words"] > 0
    assert report["summary"]["exit_code"] == 2


def test_annotate_writes_copies_of_good_letters_only(hostile_folder, tmp_path):
    """--annotate on the hostile set: the bad files get their line and no copy, nothing is left
    half-written, and the inputs are untouched."""
    folder, secret = hostile_folder
    before = h.tree_hashes(folder, secret)
    out = tmp_path / "kommenteret"
    result = h.run_cli("--annotate", out, "--jobs", "2", folder, timeout=180)
    assert result.returncode == 2, result.stderr[-2000:]
    h.assert_no_traceback(result.stdout, result.stderr)
    h.assert_nothing_leaked(result.stdout, result.stderr)
    for name in (*BROKEN, *POINTING):
        h.assert_one_clean_error_line(result.stdout, folder / name)
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    assert "god.docx" in written
    assert not any(name in written for name in (*BROKEN, *POINTING)), written
    assert h.leftovers(out) == []  # no hidden or temporary file (the folder's marker aside)
    for copy in out.rglob("*.docx"):  # nothing from a file an entity or link points at
        parts = h.read_parts(copy.read_bytes()).values()
        assert all(h.SECRET.encode() not in data for data in parts), copy
    assert h.tree_hashes(folder, secret) == before


# --- Large and deep: bounded time and memory ----------------------------------------------------

#: Generous bounds: the point is "does not hang or blow up", not speed (that is the benchmarks').
MAX_SECONDS = 60
MAX_RSS = 1536 * 1024 * 1024


BIG = {
    "bombe.docx": lambda p: h.zip_bomb(p, inflated=1 << 30),
    "stort brev.docx": lambda p: h.large_letter(p, megabytes=50),
    "langt afsnit.docx": lambda p: h.long_paragraph(p, chars=1_050_000),
    "tabeller-40.docx": lambda p: h.nested_tables(p, depth=40),
    "tabeller-200.docx": lambda p: h.nested_tables(p, depth=200),
    "kaempe.txt": lambda p: p.write_text(
        "Du skal møde op på jobcentret, når vi indkalder dig til en samtale. " * 60_000,
        encoding="utf-8",
    ),
    "enorm.txt": lambda p: p.write_bytes(
        ("Du skal møde op på jobcentret. " * 100 + "\n").encode() * 13_000  # ~40 MB
    ),
    "god.docx": h.good_letter,
}


@pytest.fixture(scope="module")
def big_run(tmp_path_factory) -> tuple[Path, h.Measured, dict, dict]:
    """One measured run over all the big files (one spaCy start instead of six)."""
    folder = tmp_path_factory.mktemp("stort")
    for name, build in BIG.items():
        build(folder / name)
    before = h.tree_hashes(folder)
    run = h.run_measured("--jobs", "1", folder, timeout=MAX_SECONDS + 30)
    return folder, run, before, h.tree_hashes(folder)


def test_big_files_take_bounded_time_and_memory(big_run):
    _folder, run, before, after = big_run
    assert run.returncode != -9, f"killed after {MAX_SECONDS + 30} s: it hangs"
    assert run.seconds < MAX_SECONDS, run.seconds
    assert run.peak_rss_bytes < MAX_RSS, f"peak memory {run.peak_rss_bytes / 2**20:.0f} MB"
    h.assert_no_traceback(run.stdout, run.stderr)
    h.assert_nothing_leaked(run.stdout, run.stderr)
    assert run.returncode == 2
    assert before == after


def test_zip_bomb_of_a_gigabyte_is_refused(big_run):
    folder, run, _before, _after = big_run
    assert (folder / "bombe.docx").stat().st_size < 4 * 1024 * 1024
    h.assert_one_clean_error_line(run.stdout, folder / "bombe.docx", "zip-bombe")


def test_fifty_megabyte_letter_with_photos_is_checked(big_run):
    folder, run, _before, _after = big_run
    assert (folder / "stort brev.docx").stat().st_size > 50 * 1000 * 1000
    (line,) = h.lines_naming(run.stdout, folder / "stort brev.docx")
    assert "LIX" in line, line


def test_paragraph_of_a_million_characters_is_checked(big_run):
    folder, run, _before, _after = big_run
    (line,) = h.lines_naming(run.stdout, folder / "langt afsnit.docx")
    assert "LIX" in line, line


def test_deeply_nested_tables_never_raise(big_run):
    """40 levels is what a real (if odd) template can reach and must be read; 200 may exceed the
    XML parser's depth limit, which must then be a clean line, not a RecursionError."""
    folder, run, _before, _after = big_run
    (line,) = h.lines_naming(run.stdout, folder / "tabeller-40.docx")
    assert "LIX" in line, line
    (line,) = h.lines_naming(run.stdout, folder / "tabeller-200.docx")
    if "kan ikke læses" in line:
        h.assert_one_clean_error_line(run.stdout, folder / "tabeller-200.docx")


def test_letter_with_millions_of_characters_is_refused(big_run):
    """Far more text than any letter is refused before the Danish analysis (which would cost
    minutes and gigabytes for a crafted file), with one clean line."""
    folder, run, _before, _after = big_run
    h.assert_one_clean_error_line(run.stdout, folder / "kaempe.txt", "for meget tekst")


def test_good_letter_beside_the_big_files_is_checked(big_run):
    folder, run, _before, _after = big_run
    (line,) = h.lines_naming(run.stdout, folder / "god.docx")
    assert "LIX" in line, line


def test_huge_text_file_is_refused_before_it_is_read(big_run):
    """A 40 MB .txt would cost gigabytes decoded and split; it is refused by its size."""
    folder, run, _before, _after = big_run
    h.assert_one_clean_error_line(run.stdout, folder / "enorm.txt", "for stor")
