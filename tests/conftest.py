"""Shared test setup: the helper modules beside this file (libreoffice, hostile, annotate_verify …)
are importable from the test folders below, which mirror the package's stages."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


import pytest

#: Test modules that start a process per test (signals, pools, the CLI as a subprocess, fuzzing
#: through it) or read 80 speeches: the README's test command runs them, the inner loop
#: (``-m "not slow"``) does not.
SLOW_MODULES = {
    "test_hostile_fs",
    "test_hostile_files",
    "test_fuzz",
    "test_runner",
    "test_snapshots",
    "test_lix_reference",
    "test_evaluate",
    "test_evaluate_plain",
}

#: Single tests elsewhere that run the command line in a subprocess or over the whole corpus.
SLOW_TESTS = {
    "test_annotating_again_replaces_untouched_copies_and_keeps_changed_ones",
    "test_summary_counts_letters_checked_and_tells_a_copy_not_written_from_an_unreadable_file",
    "test_a_copy_open_in_word_or_libreoffice_is_not_replaced",
    "test_progress_bar_on_a_terminal_and_none_when_piped",
    "test_an_annotate_folder_is_marked_so_it_can_later_lie_inside_the_input",
    "test_exclude_leaves_notes_among_the_templates_out_of_a_folder_search",
    "test_exclude_says_so_when_it_leaves_every_file_out_and_never_drops_a_named_file",
    "test_unreadable_file_is_one_line_and_exit_2_and_others_still_checked",
    "test_cli_annotates_every_corpus_letter_on_the_right_words",
    "test_child_lookups_find_what_lxml_find_finds",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        if module in SLOW_MODULES or item.originalname in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
