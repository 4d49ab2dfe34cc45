"""The ``lettercheck`` command.

``lettercheck PATH...`` checks letters (the default command, ``lettercheck check`` spelled out);
subcommands list and explain rules and audit folders. Heavy modules (spaCy, lxml) are imported
inside the commands, never at import time, so ``lettercheck --help`` answers at once.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from lettercheck import __version__

if TYPE_CHECKING:
    from lettercheck.app.interrupt import StopSignals

FORMATS = ("text", "json", "sarif", "github")
SEVERITIES = ("info", "warning", "error")
#: ``--annotate-level``: the Danish severity words, spelled without "å" so they type anywhere.
ANNOTATE_LEVELS = ("fejl", "advarsel", "raad")
_LEVEL_SEVERITY = {"fejl": "error", "advarsel": "warning", "raad": "info"}
#: Below this many files a progress bar is more noise than help.
PROGRESS_MIN_FILES = 5


def usage_message(error: click.UsageError) -> str:
    """A usage error in Danish: our own messages are Danish already; click's commonest ones are
    put in Danish here (the rest keep click's words)."""
    if isinstance(error, click.NoSuchOption):
        message = f"Ukendt tilvalg {error.option_name}."
        if error.possibilities:
            message += f" Mente du {' eller '.join(sorted(error.possibilities))}?"
        return message
    if isinstance(error, click.BadOptionUsage) and "requires an argument" in error.message:
        return f"Tilvalget {error.option_name} skal have en værdi."
    if isinstance(error, click.BadOptionUsage) and "does not take a value" in error.message:
        return f"Tilvalget {error.option_name} tager ingen værdi."
    extra = re.fullmatch(r"Got unexpected extra arguments? \((.*)\)", error.message)
    if extra:
        return f"For mange argumenter: {extra[1]}."
    if isinstance(error, click.MissingParameter):
        hint = error.param.get_error_hint(error.ctx) if error.param and error.ctx else ""
        return f"{hint or 'En værdi'} mangler."
    if isinstance(error, click.BadParameter):
        hint = error.param.get_error_hint(error.ctx) if error.param and error.ctx else ""
        detail = error.message
        choice = re.fullmatch(r"'(.*)' is not one of (.*)\.", detail)
        if choice:
            detail = (
                f"'{choice[1]}' er ikke en af {choice[2].replace(', ', ' ,').replace(' ,', ', ')}"
            )
        elif low := re.fullmatch(r"(-?\d+) is not in the range x>=(\d+)\.", detail):
            detail = f"{low[1]} er mindre end {low[2]}"
        elif "is not a valid integer" in detail:
            detail = f"{detail.split(' is not')[0]} er ikke et helt tal"
        return f"Ugyldig værdi for {hint}: {detail}."
    message = error.format_message()
    return message if message.endswith((".", "?", "!")) else message + "."


#: click's own words in a help page, in Danish (click writes them in English).
_HELP_WORDS = {
    "Options": "Tilvalg",
    "Commands": "Kommandoer",
    "Show this message and exit.": "Vis denne hjælp og afslut.",
    "Show the version and exit.": "Vis versionen og afslut.",
    "[default: ": "[standard: ",
    "  [x>=1]": "",
}


class _DanishHelp(click.HelpFormatter):
    """The help page in Danish: headings, click's own option texts and "[default: …]"."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "Brug: " if prefix is None else prefix)

    def section(self, name: str):  # type: ignore[no-untyped-def]
        return super().section(_HELP_WORDS.get(name, name))

    def write_dl(self, rows, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        translated = []
        for term, text in rows:
            for english, danish in _HELP_WORDS.items():
                text = text.replace(english, danish)
            translated.append((term, text))
        super().write_dl(translated, *args, **kwargs)


class _Context(click.Context):
    formatter_class = _DanishHelp


class _Command(click.Command):
    context_class = _Context

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("options_metavar", "[TILVALG]")
        super().__init__(*args, **kwargs)


def _holding_stop_signals(command):  # type: ignore[no-untyped-def]
    """Run ``command`` with Ctrl-C and the SIGTERM of a CI time-out or ``timeout`` held from
    its start (see interrupt.StopSignals), passed to it as ``stop``: they are taken while letters
    are searched for or after the letter in hand, never in the middle of writing a copy or a
    report. One raised before the run itself started is reported here."""

    @functools.wraps(command)
    def run(*args, **kwargs):  # type: ignore[no-untyped-def]
        from lettercheck.app.interrupt import StopSignals

        with StopSignals() as stop:
            try:
                return command(*args, stop=stop, **kwargs)
            except KeyboardInterrupt:
                _stopped(stop)

    return run


def _stopped(stop: StopSignals) -> None:
    """One line and exit 130 (Ctrl-C) or 143 (SIGTERM); nothing half-written is left."""
    click.echo(
        f"Afbrudt ({'stoppet' if stop.terminated else 'Ctrl-C'}). "
        "Kopier og rapporter, der ikke var færdige, er ikke skrevet.",
        err=True,
    )
    sys.exit(143 if stop.terminated else 130)


class DefaultGroup(click.Group):
    """A group whose first argument, when it is not a subcommand, goes to the ``check`` command."""

    context_class = _Context
    command_class = _Command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        elif not args:
            args = ["check"]
        return super().parse_args(ctx, args)

    def main(self, *args, standalone_mode: bool = True, **kwargs):  # type: ignore[no-untyped-def]
        """Run the CLI; a usage error is one Danish line on stderr and exit 2, not click's three
        English lines ("Usage: …", "Try … --help", "Error: …")."""
        if not standalone_mode:  # tests and callers that handle click's exceptions themselves
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            returned = super().main(*args, standalone_mode=False, **kwargs)
        except click.UsageError as error:
            message = usage_message(error)
            if type(error) is not click.UsageError or message.startswith("For mange"):
                message += " Se lettercheck --help."  # click's own: about how to call us
            click.echo(f"lettercheck: {message}", err=True)
            sys.exit(2)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.exceptions.Abort:  # Ctrl-C before a command took over its signals
            click.echo("Afbrudt (Ctrl-C).", err=True)
            sys.exit(130)
        # --help and --version end through click's Exit, returned here as their exit code.
        sys.exit(returned if isinstance(returned, int) else 0)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(
            "lettercheck", "[TILVALG] STI...  |  lettercheck KOMMANDO [ARGUMENTER]..."
        )

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Show the check command's options too: they are what ``lettercheck PATH...`` takes."""
        check = self.commands["check"]
        with click.Context(check, info_name="check", parent=ctx) as check_ctx:
            params = [p for p in check.get_params(check_ctx) if isinstance(p, click.Option)]
            records = [p.get_help_record(check_ctx) for p in params]
        records.insert(-1, ("--version", "Show the version and exit."))
        with formatter.section("Options"):
            formatter.write_dl([r for r in records if r is not None])
        self.format_commands(ctx, formatter)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lettercheck")
def main() -> None:
    """Kontrollér breve til borgere (DOCX, DOTX, DOCM, DOTM, TXT, MD): læsbarhed (LIX),
    lovhenvisninger, sagsbehandlerens kontaktoplysninger, formål og mål, og klart sprog.

    \b
    lettercheck breve/                        kontrollér en mappe, rapport i terminalen
    lettercheck --annotate ud/ breve/         skriv også kopier med Word-kommentarer
    lettercheck --format json breve/          rapport til andre programmer
    lettercheck explain legal-reference-early hvad en regel kontrollerer, og hvorfor
    """


_TIMEOUT_HELP = "Sekunder ét brev højst må tage; derefter er det brevets fejl.  [standard: 60]"


def _run_options(command):  # type: ignore[no-untyped-def]
    """The options ``check`` and ``audit`` share for how the run goes: a letter's time limit,
    links in folders and the progress bar."""
    for option in reversed(
        (
            click.option(
                "--timeout",
                type=click.FloatRange(min=1),
                default=None,
                metavar="SEK",
                help=_TIMEOUT_HELP,
            ),
            click.option("--follow-symlinks", is_flag=True, help="Følg symbolske links i mapper."),
            click.option(
                "--progress/--no-progress",
                default=None,
                help="Statuslinje.  [standard: i en terminal]",
            ),
        )
    ):
        command = option(command)
    return command


@main.command("check")
# readable=False: a file that cannot be read gets the pipeline's Danish line, and the others are
# still checked (click would stop the whole run with an English error).
@click.argument(
    "paths", nargs=-1, metavar="STI...", type=click.Path(path_type=Path, readable=False)
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Rapportens format.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    metavar="FIL",
    help="Skriv rapporten i FIL.",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default=None,
    help="Afslut med kode 1, når et fund har denne alvor eller højere.  [standard: error]",
)
@click.option(
    "--annotate",
    "annotate_dir",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="MAPPE",
    help="Skriv en kopi af hvert brev med Word-kommentarer i MAPPE.",
)
@click.option("--suggest", is_flag=True, help="Med --annotate: forslag som registrerede ændringer.")
@click.option(
    "--force",
    is_flag=True,
    help="Med --annotate: erstat også kopier, der er ændret, siden lettercheck skrev dem.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Breve, der kontrolleres samtidig.  [standard: efter antal breve og ledige CPU'er]",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False, readable=False),
    metavar="FIL",
    help="Rapportér kun fund, der ikke står i denne baseline.",
)
@click.option(
    "--write-baseline",
    type=click.Path(path_type=Path, dir_okay=False, readable=False),
    metavar="FIL",
    help="Gem dagens fund som baseline i FIL (kode 0; 2 hvis en fil ikke kunne læses).",
)
@_run_options
# -- issue 13: options users bring from ruff, Vale and proselint --------------------------------
@click.option(
    "--annotate-level",
    type=click.Choice(ANNOTATE_LEVELS),
    default="advarsel",
    show_default=True,
    help="Med --annotate: skriv kun fund med denne alvor eller højere i kopierne (raad: alle).",
)
@click.option(
    "--select",
    "select_rules",
    metavar="REGLER",
    help="Kun disse regler: koder, navne eller kodestarter adskilt af komma (fx LC3,de-form).",
)
@click.option(
    "--ignore",
    "ignore_rules",
    metavar="REGLER",
    help="Ikke disse regler (koder, navne eller kodestarter adskilt af komma).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FIL",
    help="Brug denne konfiguration (.lettercheck.toml eller pyproject.toml) for alle breve.",
)
@click.option("--quiet", "-q", is_flag=True, help="Kun fund og fejl; ingen opsummering.")
@_holding_stop_signals
def check_command(
    paths: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    fail_on: str | None,
    annotate_dir: Path | None,
    suggest: bool,
    force: bool,
    jobs: int | None,
    baseline: Path | None,
    write_baseline: Path | None,
    follow_symlinks: bool,
    timeout: float | None,
    progress: bool | None,
    annotate_level: str,
    select_rules: str | None,
    ignore_rules: str | None,
    config_file: Path | None,
    quiet: bool,
    stop: StopSignals,
) -> None:
    """Kontrollér breve: STI... er filer eller mapper (der søges i undermapper); - læser et
    brev som tekst fra standard input."""
    from lettercheck.app.files import find_letters
    from lettercheck.app.pipeline import WORD_SUFFIXES, Job, job_error, run_job
    from lettercheck.app.runner import auto_jobs, run
    from lettercheck.model.findings import Severity

    stdin_letter = None
    if "-" in (str(p) for p in paths):
        if len(paths) > 1:
            raise click.UsageError("- (brevet fra standard input) kan ikke bruges med andre stier.")
        stdin_letter = _read_stdin_letter()
        paths = (stdin_letter,)
    _require_paths(paths, "lettercheck breve/")
    extras = _Extras(quiet=quiet, annotate_dir=annotate_dir, stdin_letter=stdin_letter)
    rule_options = _rule_options(select_rules, ignore_rules, config_file)
    if (suggest or force) and annotate_dir is None:
        raise click.UsageError("--suggest og --force bruges sammen med --annotate MAPPE.")
    if annotate_dir is not None:
        outdir = _real(annotate_dir)
        for path in paths:
            if _real(path) == outdir or outdir in _real(path).parents:
                # The output folder is never searched, so these letters would silently be skipped.
                raise click.UsageError(
                    f"--annotate {annotate_dir} er eller indeholder {path}, som skal kontrolleres. "
                    "Vælg en mappe til kopierne uden for brevene."
                )

    for option, target, what in (
        ("--output", output, "rapporten"),
        ("--write-baseline", write_baseline, "baselinen"),
    ):
        if target is not None and target.suffix.lower() in WORD_SUFFIXES:
            # A report or baseline is never a Word file; this one would be written over a letter.
            raise click.UsageError(
                f"{option} {target} er et Word-dokument; skriv {what} i en anden fil."
            )
    _check_outputs(paths, [("--output", output), ("--write-baseline", write_baseline)])
    found = []
    skipped: list[Path] = []
    for one in find_letters(
        paths,
        # Our own outputs are not letters, also when they sit inside the input folder.
        exclude=[p for p in (annotate_dir, output, write_baseline) if p is not None],
        follow_symlinks=follow_symlinks,
        skipped=skipped,
    ):
        stop.check()
        found.append(one)
    _name_skipped(skipped)
    configured = _load_configs(paths[0], [f.path for f in found])
    if config_file is not None:
        configured = rule_options["configured"]
    found, left_out = _not_excluded(found, paths)
    _require_letters(found, paths, left_out)
    inputs = {_real(f.path) for f in found}
    for option, target in (
        ("--output", output),
        ("--write-baseline", write_baseline),
        ("--baseline", baseline),
    ):
        if target is not None and _real(target) in inputs:
            raise click.UsageError(f"{option} {target} er et af brevene; vælg en anden fil.")
    jobs_list = [
        Job(
            path=f.path,
            annotate_to=_annotation_target(annotate_dir, f.path, f.root) if annotate_dir else None,
            suggest=suggest,
            force=force,
            level=Severity(_LEVEL_SEVERITY[annotate_level]),
            config_file=config_file,
            select=rule_options["select"],
            ignore=rule_options["ignore"],
            annotate_root=annotate_dir,
            timeout=timeout,
        )
        for f in found
    ]
    if annotate_dir is not None:
        _refuse_overwriting_inputs(jobs_list, inputs)
        letter = _letter_in(annotate_dir)
        if letter is not None and any(_inside(annotate_dir, p) for p in paths if p.is_dir()):
            # The folder is left out of the search for letters: its letters would go unchecked,
            # be taken for old copies, and with --force be overwritten.
            raise click.UsageError(
                f"--annotate {annotate_dir} indeholder allerede breve (fx {letter}), som ikke er "
                "kopier fra lettercheck. Vælg en ny eller tom mappe til kopierne."
            )
        if letter is None:
            _mark_annotation_folder(annotate_dir)

    severity = Severity(fail_on) if fail_on else configured.fail_on
    if progress is None:
        progress = _progress_wanted()
    with _Progress(len(jobs_list), "Kontrollerer breve", progress) as bar:

        def on_done(path: object, done: int, total: int) -> None:
            if bar.on_done is not None:
                bar.on_done(path, done, total)
            stop.check()

        results = run(
            jobs_list, jobs or auto_jobs(len(jobs_list)), run_job, on_done, on_error=job_error
        )
        _check_and_exit(results, fmt, output, severity, baseline, write_baseline, bar, stop, extras)


def _load_configs(first: Path, letters: Sequence[Path]):
    """Load the configuration of every folder with letters before any letter is checked, so a
    broken one is one line (and exit 2) instead of an error on each of its letters. The one
    nearest the first path gives the default fail level."""
    from lettercheck.engine.config import ConfigError, load_config

    try:
        for folder in sorted({letter.parent for letter in letters}):
            load_config(folder)
        return load_config(first)
    except ConfigError as error:
        click.echo(f"lettercheck: {error}", err=True)
        sys.exit(2)


def _progress_wanted() -> bool:
    """A bar on a terminal; none when the report is piped on (``| less``, ``| jq``), where the
    reader is a program or a pager, nor in CI logs."""
    try:
        piped = stat.S_ISFIFO(os.fstat(sys.stdout.fileno()).st_mode)
    except (OSError, ValueError, AttributeError):
        piped = False
    return sys.stderr.isatty() and not piped


def _check_and_exit(
    results, fmt, output, severity, baseline, write_baseline, bar, stop, extras=None
) -> None:
    try:
        stop.check()  # a signal that came while the run was being set up
        _finish(results, fmt, output, severity, baseline, write_baseline, bar, extras)
    except KeyboardInterrupt:
        # Ctrl-C or SIGTERM: stop the workers (each finishes the letter in hand, so no annotated
        # copy is left half-written) and say so in one line instead of a traceback.
        results.close()
        _stopped(stop)
    except BrokenPipeError:
        # Whoever read the report (``| head``) stopped reading: stop quietly, like other tools.
        results.close()
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(2)
    except OSError as error:
        results.close()
        # Only writing our own outputs can fail here (reading letters never raises): a read-only
        # folder, a full disk. The temporary file is gone; say where and what to do.
        target = output or write_baseline or "standard output"
        click.echo(f"{target}: kunne ikke skrives ({_write_advice(error)}", err=True)
        sys.exit(2)


def _finish(results, fmt, output, severity, baseline, write_baseline, bar, extras=None) -> None:
    """Report the results (or write the baseline) and exit with the report's exit code."""
    extras = extras or _Extras()
    if write_baseline is not None:
        from lettercheck.app import safewrite
        from lettercheck.reporters import baseline as baseline_module

        results = list(results)
        baseline_module.write(
            write_baseline,
            results,
            opener=functools.partial(safewrite.output, option="--write-baseline"),
        )
        click.echo(f"Baseline skrevet: {write_baseline} ({_letters(len(results))})", err=True)
        sys.exit(2 if any(r.error for r in results) else 0)
    known = None
    if baseline is not None:
        from lettercheck.reporters import baseline as baseline_module

        try:
            known = baseline_module.load(baseline)
        except baseline_module.BaselineError as error:  # one line, not a traceback
            click.echo(f"lettercheck: {error}", err=True)
            sys.exit(2)
        results = (known.filter(result) for result in results)
    results = extras.watch(results)

    if bar.bar is not None and fmt == "text" and output is None:
        # The text report goes to the terminal the bar is drawn on: finish the bar first.
        results = list(results)
        bar.close()
    exit_code = _report(
        results,
        fmt,
        output,
        severity,
        colour=_colour(output),
        quiet=extras.quiet,
        hidden=(lambda: known.suppressed) if known is not None else None,
    )
    warning = known.unmatched_warning() if known is not None else None
    if warning is not None:
        click.echo(f"lettercheck: advarsel: {warning}", err=True)
    if not extras.quiet:
        extras.say_written(output)
    sys.exit(exit_code)


class _Extras:
    """What issue 13's options add to a check run: ``--quiet``, the line saying how many
    copies were written and where, and ``-`` (a letter from standard input, checked as a
    temporary .txt file and named ``-`` in the report)."""

    def __init__(
        self,
        quiet: bool = False,
        annotate_dir: Path | None = None,
        stdin_letter: Path | None = None,
    ) -> None:
        self.quiet = quiet
        self.annotate_dir = annotate_dir
        self.stdin_letter = stdin_letter
        self.copies = 0

    def watch(self, results):  # type: ignore[no-untyped-def]
        from lettercheck.app.pipeline import WORD_SUFFIXES

        for result in results:
            if self.stdin_letter is not None and result.path == self.stdin_letter:
                result.path = Path("-")
            if (
                self.annotate_dir is not None
                and result.error is None
                and result.path.suffix.lower() in WORD_SUFFIXES
            ):
                self.copies += 1
            yield result

    def say_written(self, output: Path | None) -> None:
        """One line on stderr: "12 kommenterede kopier skrevet i kommenteret/"; "Rapport
        skrevet i rapport.json"."""
        if self.annotate_dir is not None:
            noun = "kommenteret kopi" if self.copies == 1 else "kommenterede kopier"
            folder = str(self.annotate_dir).rstrip("/") + "/"
            click.echo(f"{self.copies} {noun} skrevet i {folder}", err=True)
        if output is not None:
            click.echo(f"Rapport skrevet i {output}", err=True)


def _read_stdin_letter() -> Path:
    """``lettercheck -``: standard input as a text letter, in a temporary .txt file (removed
    when the process ends)."""
    import atexit
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="lettercheck-stdin-"))
    atexit.register(shutil.rmtree, folder, True)
    data = sys.stdin.buffer.read()
    letter = folder / "brev.txt"
    letter.write_bytes(data)
    return letter


def _rule_options(select: str | None, ignore: str | None, config_file: Path | None) -> dict:
    """``--select``, ``--ignore`` and ``--config`` checked before any letter is read: a name
    that names no rule or a broken file is one line and exit 2."""
    from lettercheck.engine.config import ConfigError, load_config_file, parse_selectors

    try:
        return {
            "select": parse_selectors(select, "--select") if select is not None else None,
            "ignore": parse_selectors(ignore, "--ignore") if ignore else (),
            "configured": load_config_file(config_file) if config_file is not None else None,
        }
    except ConfigError as error:
        click.echo(f"lettercheck: {error}", err=True)
        sys.exit(2)


@main.command("rules")
def rules_command() -> None:
    """Vis alle regler: kode, navn, dansk titel, alvor og meddelelse."""
    from lettercheck.engine.explain import rules_table
    from lettercheck.engine.ruleset import RuleError, load_rules

    try:
        click.echo(rules_table(load_rules()))
    except RuleError as error:
        click.echo(f"lettercheck: {error}", err=True)
        sys.exit(2)


@main.command("explain")
@click.argument("rule", metavar="REGEL")
def explain_command(rule: str) -> None:
    """Forklar en regel (navn eller kode): hvad den kontrollerer, hvorfor, og et bedre eksempel."""
    from lettercheck.engine.explain import explain_text
    from lettercheck.engine.ruleset import RuleError, load_rules

    try:
        ruleset = load_rules()
    except RuleError as error:
        click.echo(f"lettercheck: {error}", err=True)
        sys.exit(2)
    found = ruleset.get(rule)
    if found is None:
        import difflib

        known = [r.name for r in ruleset] + [r.danish for r in ruleset] + [r.code for r in ruleset]
        close = difflib.get_close_matches(rule, known, n=1, cutoff=0.6)
        hint = f" Mente du '{close[0]}'?" if close else ""
        raise click.UsageError(
            f"Ingen regel hedder '{rule}'.{hint} Se alle regler med: lettercheck rules"
        )
    click.echo(explain_text(found))


@main.command("show")
@click.argument("letter", metavar="BREV", type=click.Path(path_type=Path))
def show_command(letter: Path) -> None:
    """Vis brevet, som lettercheck læser det: hvert afsnit med sin brevdel, de sætninger og ord,
    LIX tæller, alle kontaktoplysninger med ejer og begrundelse, og hvad der blev læst som
    brevets formål. Svarer fx på, hvorfor der står, at telefonnummeret mangler."""
    from lettercheck.app.show import show_text
    from lettercheck.engine.ruleset import RuleError
    from lettercheck.model.document import LetterError

    try:
        click.echo(show_text(letter), nl=False)
    except (LetterError, RuleError) as error:
        click.echo(f"lettercheck: {error}", err=True)
        sys.exit(2)


@main.command("audit")
# readable=False: a file that cannot be read gets the pipeline's Danish line, and the others are
# still checked (click would stop the whole run with an English error).
@click.argument(
    "paths", nargs=-1, metavar="STI...", type=click.Path(path_type=Path, readable=False)
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(path_type=Path),
    metavar="FIL",
    help="Skriv HTML-rapporten i FIL.",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path),
    metavar="FIL",
    help="Skriv én CSV-række pr. brev i FIL (UTF-8 med BOM, adskilt med ';', til Excel).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Breve, der gennemgås samtidig.  [standard: efter antal breve og ledige CPU'er]",
)
@_run_options
@click.option(
    "--history",
    is_flag=True,
    help="Brevenes udvikling: andelen af breve, der følger hver anbefaling, ved hver commit i "
    "git-historikken for STI (en graf i HTML-rapporten, én CSV-række pr. commit).",
)
@click.option(
    "--history-by",
    type=click.Choice(["commit", "month"]),
    default=None,
    help="Med --history: ét punkt pr. commit, eller pr. måned (den sidste commit i måneden).  "
    "[standard: commit]",
)
@click.option(
    "--history-limit",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Med --history: højst de seneste N commits eller måneder.  [standard: 100]",
)
def audit_command(
    paths: tuple[Path, ...],
    html_path: Path | None,
    csv_path: Path | None,
    jobs: int | None,
    follow_symlinks: bool,
    timeout: float | None,
    progress: bool | None,
    history: bool = False,
    history_by: str | None = None,
    history_limit: int | None = None,
) -> None:
    """Gennemgå mange breve: én HTML-rapport og/eller én CSV-række pr. brev."""
    from lettercheck.app.audit import run_audit
    from lettercheck.app.files import find_letters
    from lettercheck.app.interrupt import StopSignals
    from lettercheck.app.runner import auto_jobs

    _require_paths(paths, "lettercheck audit breve/ --html rapport.html")
    if html_path is None and csv_path is None:
        raise click.UsageError("Angiv --html RAPPORT.html og/eller --csv RAPPORT.csv.")
    from lettercheck.app.pipeline import WORD_SUFFIXES

    for option, target in (("--html", html_path), ("--csv", csv_path)):
        if target is not None and target.suffix.lower() in WORD_SUFFIXES:
            raise click.UsageError(
                f"{option} {target} er et Word-dokument; skriv rapporten i en anden fil."
            )
    _check_outputs(paths, [("--html", html_path), ("--csv", csv_path)])
    show = progress if progress is not None else _progress_wanted()
    if history or history_by is not None or history_limit is not None:
        _audit_history(
            paths, html_path, csv_path, jobs, timeout, show, history, history_by, history_limit
        )
        return
    # Ctrl-C is noted and taken between letters (see interrupt.StopSignals), from the search
    # for letters until the summary is printed: once the reports are in place it is too late.
    with StopSignals("Rapporterne er ikke skrevet.") as ctrl_c:
        try:
            found = []
            skipped: list[Path] = []
            for one in find_letters(paths, follow_symlinks=follow_symlinks, skipped=skipped):
                ctrl_c.check()
                found.append(one)
            _name_skipped(skipped)
            _load_configs(paths[0], [f.path for f in found])
            kept, left_out = _not_excluded(found, paths)
            letters = [f.path for f in kept]
            _require_letters(letters, paths, left_out)
            inputs = {_real(p) for p in letters}
            for target in (html_path, csv_path):
                if target is not None and _real(target) in inputs:
                    raise click.UsageError(f"{target} er et af brevene; vælg en anden fil.")
            try:
                with _Progress(len(letters), "Gennemgår breve", show) as bar:
                    outcome = run_audit(
                        letters,
                        html_path=html_path,
                        csv_path=csv_path,
                        jobs=jobs or auto_jobs(len(letters)),
                        on_done=bar.on_done,
                        ctrl_c=ctrl_c,
                        timeout=timeout,
                    )
            except OSError as error:  # writing a report: read-only folder, full disk
                _report_not_written(error, html_path, csv_path)
        except KeyboardInterrupt:
            # Both reports are written to temporary files and renamed only when complete.
            _reports_interrupted(ctrl_c)
        written = " og ".join(str(p) for p in (html_path, csv_path) if p is not None)
        # Worded as the text report's summary: the letters checked, and unreadable files apart.
        unreadable = f", {outcome.unreadable} kunne ikke læses" if outcome.unreadable else ""
        click.echo(
            f"{_letters(outcome.letters - outcome.unreadable)} kontrolleret, "
            f"{outcome.findings} fund{unreadable}. Rapport: {written}",
            err=True,
        )
    sys.exit(2 if outcome.unreadable else 0)


def _audit_history(
    paths: tuple[Path, ...],
    html_path: Path | None,
    csv_path: Path | None,
    jobs: int | None,
    timeout: float | None,
    show: bool,
    history: bool,
    by: str | None,
    limit: int | None,
) -> None:
    """``lettercheck audit --history STI``: the recommendations over the git history of STI."""
    from lettercheck.app.history import DEFAULT_LIMIT, HistoryError, run_history, write_reports
    from lettercheck.app.interrupt import StopSignals
    from lettercheck.app.runner import default_jobs
    from lettercheck.engine.config import ConfigError

    if not history:
        option = "--history-by" if by is not None else "--history-limit"
        raise click.UsageError(f"{option} gælder kun sammen med --history.")
    if len(paths) != 1:
        raise click.UsageError("Angiv én mappe i et git-repository med --history.")
    by = by or "commit"
    limit = limit or DEFAULT_LIMIT
    with StopSignals("Rapporterne er ikke skrevet.") as ctrl_c:
        bars: list[_Progress] = []

        def progress(total: int):  # type: ignore[no-untyped-def]
            bar = _Progress(total, "Gennemgår brevversioner", show)
            bar.__enter__()
            bars.append(bar)
            return bar.on_done

        try:
            try:
                outcome = run_history(
                    paths[0],
                    by=by,
                    limit=limit,
                    jobs=jobs or default_jobs(),
                    ctrl_c=ctrl_c,
                    timeout=timeout,
                    on_total=progress,
                )
            finally:
                for bar in bars:
                    bar.close()
            write_reports(
                outcome,
                html_path=html_path,
                csv_path=csv_path,
                by=by,
                limit=limit,
                where=str(paths[0]),
                ctrl_c=ctrl_c,
            )
        except (HistoryError, ConfigError) as error:
            click.echo(f"lettercheck: {error}", err=True)
            sys.exit(2)
        except OSError as error:  # writing a report: read-only folder, full disk
            _report_not_written(error, html_path, csv_path)
        except KeyboardInterrupt:
            _reports_interrupted(ctrl_c)
        from lettercheck.reporters.history import units

        written = " og ".join(str(p) for p in (html_path, csv_path) if p is not None)
        shown = len(outcome.points)
        cut = (
            f" Kun {'den seneste' if shown == 1 else 'de seneste'} {units(shown, by)} af "
            f"{outcome.total} er med (--history-limit)."
            if outcome.total > shown
            else ""
        )
        click.echo(
            f"{units(shown, by)} gennemgået, {outcome.checked} forskellige "
            f"brevversioner kontrolleret, {_letters(outcome.letters)} i den nyeste.{cut} "
            f"Rapport: {written}",
            err=True,
        )
    sys.exit(0)


@main.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    metavar="ADRESSE",
    help="Netværksadressen, siden lytter på. Som standard kun denne maskine. ADVARSEL: en "
    "anden adresse (fx 0.0.0.0) gør siden og API'et tilgængelige for alle på netværket uden "
    "login; sæt dem bag organisationens login (en reverse proxy), før du gør det.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    metavar="PORT",
    help="Porten.  [standard: 8000]",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Breve, der kontrolleres samtidig.  [standard: efter antal breve og ledige CPU'er]",
)
@click.option(
    "--max-upload",
    type=click.IntRange(min=1),
    default=20,
    metavar="MB",
    help="Største forespørgsel (et brev, eller brevene til én gennemgang) i MB.  [standard: 20]",
)
@click.option(
    "--timeout",
    type=click.IntRange(min=1),
    default=30,
    metavar="SEK",
    help="Længste tid, ét brev må tage; så stoppes kontrollen af det.  [standard: 30]",
)
def serve_command(host: str, port: int, workers: int | None, max_upload: int, timeout: int) -> None:
    """Start websiden og HTTP-API'et: http://127.0.0.1:8000 (Ctrl-C stopper)."""
    import importlib.util

    needed = ("starlette", "uvicorn", "python_multipart")
    if any(importlib.util.find_spec(name) is None for name in needed):
        click.echo(
            "lettercheck: serve kræver web-tilføjelsen; installér den med: "
            "pip install 'lettercheck[serve]'",
            err=True,
        )
        sys.exit(2)
    from lettercheck.app.serve import run_server

    sys.exit(run_server(host, port, workers, max_upload, timeout))


def _require_paths(paths: Sequence[Path], example: str) -> None:
    if not paths:
        raise click.UsageError(f"Angiv mindst én fil eller mappe, fx: {example}")
    for path in paths:
        if not os.path.lexists(path):
            raise click.UsageError(f"{path}: findes ikke. Tjek stavningen af stien.")


class _Progress:
    """A progress bar with count and time left on stderr, or nothing. ``on_done`` is the runner's
    callback (None without a bar); ``close`` ends the bar early, so a text report can be printed
    below it instead of through it. Below a few letters a bar is only noise."""

    def __init__(self, total: int, label: str, show: bool) -> None:
        self.bar = None
        if show and total >= PROGRESS_MIN_FILES:
            self.bar = click.progressbar(
                length=total, label=label, file=sys.stderr, show_eta=True, show_pos=True
            )
        self.on_done = self._update if self.bar is not None else None

    def _update(self, _item, _done, _total) -> None:
        self.bar.update(1)

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.__enter__()
        return self

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None

    def __exit__(self, *exc) -> None:
        self.close()


def _report(
    results,
    fmt: str,
    output: Path | None,
    fail_on,
    *,
    colour: bool,
    quiet: bool = False,
    hidden=None,
) -> int:
    """Write the report and return the exit code. Text streams letter by letter; the other formats
    need the whole run, so only those keep every result. ``quiet``: the text report has only
    the letters with findings or errors and no summary. ``hidden``: how many findings the
    baseline hid, asked for once the results are read (the text summary says it)."""
    from lettercheck.reporters.summary import Summary

    summary = Summary(fail_on=fail_on)
    if fmt == "text":
        from lettercheck.reporters import text

        unreadable: list[Path] = []  # named again under the summary: in a long report the
        # lines of the letters that could not be read are easy to miss among the others
        with _open_output(output) as out:
            for result in results:
                summary.add(result)
                if not quiet or result.findings or result.error:
                    out.write(text.render_file(result, colour=colour))
                if result.readability is None and len(unreadable) < 1000:
                    unreadable.append(result.path)
            if quiet:
                return summary.exit_code
            rendered = text.render_summary(summary)
            if hidden is not None:
                rendered = rendered.rstrip("\n") + f" · {hidden()} skjult af baselinen\n"
            out.write(rendered)
            if unreadable and summary.files > 1:
                out.write(text.render_unreadable(unreadable))
        return summary.exit_code

    kept = []
    for result in results:
        summary.add(result)
        kept.append(result)
    if fmt == "json":
        from lettercheck.reporters import json as reporter
    elif fmt == "sarif":
        from lettercheck.reporters import sarif as reporter
    else:
        from lettercheck.reporters import github as reporter
    rendered = reporter.render(kept, summary=summary)
    with _open_output(output) as out:
        out.write(rendered)
    return summary.exit_code


@contextlib.contextmanager
def _open_output(path: Path | None):
    """stdout, or the --output file, written safely (see safewrite): never through a link or
    over a device or pipe, in place only when complete."""
    if path is None:
        # A file name that is not valid UTF-8 (Latin-1 bytes from an old share) is a lone
        # surrogate in Python; write it as a \udcXX escape instead of failing the whole report.
        stream = sys.stdout
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")
        yield stream
        return
    from lettercheck.app import safewrite

    with safewrite.output(path, option="--output") as out:
        yield out


def _check_outputs(paths: Sequence[Path], targets: Sequence[tuple[str, Path | None]]) -> None:
    """Refuse, before any letter is checked, an output path that is a link or a folder, two
    outputs in one file, and an existing letter among the inputs (only lettercheck's own earlier
    report or baseline may be replaced there)."""
    from lettercheck.app import safewrite

    given = [(option, target) for option, target in targets if target is not None]
    for n, (option, target) in enumerate(given):
        problem = safewrite.refusal(target, option)
        if problem is not None:
            raise click.UsageError(problem)
        for other_option, other in given[n + 1 :]:
            if safewrite.same_file(target, other):
                raise click.UsageError(
                    f"{option} og {other_option} er den samme fil ({target}). "
                    "Angiv to forskellige filer."
                )
        if _is_a_letter_among(target, paths):
            raise click.UsageError(
                f"{option} {target} er et af brevene, der skal kontrolleres, og ville blive "
                "overskrevet. Vælg en anden fil."
            )


def _is_a_letter_among(target: Path, paths: Sequence[Path]) -> bool:
    """Is ``target`` an existing file with a letter's name inside (or among) the paths checked,
    that is not a report or baseline lettercheck wrote earlier?"""
    from lettercheck.app.pipeline import SUPPORTED_SUFFIXES

    if target.suffix.lower() not in SUPPORTED_SUFFIXES or not target.is_file():
        return False
    real = _real(target)
    if not any(real == _real(p) or _inside(real, p) for p in paths):
        return False
    return not _written_by_lettercheck(target)


_SUMMARY_LINE = re.compile(r"\d+ breve? kontrolleret · \d+ fund")


def _written_by_lettercheck(path: Path) -> bool:
    """A report or baseline of ours: the text report's summary line near its end, the JSON or
    SARIF report's or the baseline's opening, or GitHub workflow commands."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096).decode("utf-8", "replace")
            handle.seek(max(0, os.fstat(handle.fileno()).st_size - 300_000))
            tail = handle.read().decode("utf-8", "replace")
    except OSError:
        return False
    start = head.lstrip()
    if start.startswith("{") and ('"lettercheck-baseline"' in head or '"version"' in head):
        return True
    if start.startswith("{") and '"$schema"' in head and "sarif" in head:
        return True
    if start.startswith("::") or start == "":
        return start.startswith("::")
    return bool(_SUMMARY_LINE.search(tail))


def _annotation_target(outdir: Path, path: Path, root: Path | None) -> Path:
    """Keep the inputs' folder structure: ``letters/a/b.docx`` → ``OUTDIR/a/b.docx``."""
    if root is None:
        return outdir / path.name
    return outdir / path.relative_to(root)


def _refuse_overwriting_inputs(jobs: Sequence, inputs: set[Path]) -> None:
    targets: dict[Path, Path] = {}
    for job in jobs:
        target = _real(job.annotate_to)
        if target in inputs:
            raise click.UsageError(
                f"--annotate {job.annotate_to.parent} ville overskrive brevet {job.path}. "
                "Vælg en mappe uden for brevene."
            )
        if target in targets:
            raise click.UsageError(
                f"{job.path} og {targets[target]} ville få den samme kommenterede kopi "
                f"{job.annotate_to}. Kør dem hver for sig."
            )
        targets[target] = job.path


def _letter_in(folder: Path) -> Path | None:
    """A letter in an existing --annotate folder that is not one of lettercheck's (no marker), by
    the search's own rules (no hidden files, no README), or None: such a folder may be marked
    and filled with copies."""
    from lettercheck.app.files import find_letters, is_annotation_folder

    try:
        if not folder.is_dir() or is_annotation_folder(folder):
            return None
    except OSError:
        return None
    for one in find_letters([folder]):
        if one.path.is_file():
            return one.path
    return None


def _name_skipped(skipped: Sequence[Path]) -> None:
    """Say which folders were passed over as lettercheck's annotated copies (never in silence)."""
    from lettercheck.app.files import ANNOTATED_MARKER
    from lettercheck.reporters.text import printable

    for folder in skipped[:20]:
        click.echo(
            f"lettercheck: {printable(str(folder))}: sprunget over, mappen har kommenterede kopier "
            f"fra lettercheck --annotate ({ANNOTATED_MARKER}).",
            err=True,
        )
    if len(skipped) > 20:
        click.echo(f"lettercheck: og {len(skipped) - 20} mapper mere sprunget over.", err=True)


def _not_excluded(found: list, paths: Sequence[Path]) -> tuple[list, list]:
    """The letters found without the files a configuration's ``exclude`` names, and those left
    out. A file named on the command line is always checked, also when a folder named before it
    holds it."""
    from lettercheck.engine.config import load_config

    named = {_real(p) for p in paths if not p.is_dir()}

    def excluded(one) -> bool:  # type: ignore[no-untyped-def]
        if one.root is None or _real(one.path) in named:
            return False
        try:
            # The configuration of the folder the file is in (a folder that could not be listed
            # is yielded itself, to get its error line: look from its parent, never inside it).
            return load_config(one.path.parent).excludes(one.path)
        except OSError:
            return False

    kept, left_out = [], []
    for one in found:
        (left_out if excluded(one) else kept).append(one)
    return kept, left_out


def _require_letters(found: Sequence, paths: Sequence[Path], left_out: Sequence = ()) -> None:
    """No letters under the given paths is most likely a wrong path (a typo in a CI job, a
    folder not yet filled): say so and exit 2 rather than pass with "0 breve". When the
    configuration's ``exclude`` left them all out, say that instead."""
    if found:
        return
    where = ", ".join(str(p) for p in paths)
    if left_out:
        from lettercheck.engine.config import load_config

        source = load_config(left_out[0].path.parent).source
        files = "fil" if len(left_out) == 1 else "filer"
        message = (
            f"ingen breve at kontrollere i {where}: {len(left_out)} {files} er udeladt af "
            f"exclude i {source}."
        )
    else:
        message = (
            f"ingen breve i {where}. lettercheck læser .docx, .dotx, .docm, .dotm, .txt og .md; "
            "kontrollér stien."
        )
    click.echo(f"lettercheck: {message}", err=True)
    sys.exit(2)


def _inside(folder: Path, parent: Path) -> bool:
    return _real(folder).is_relative_to(_real(parent))


def _mark_annotation_folder(folder: Path) -> None:
    """Mark an output folder that lies inside an input folder, so the next check of the input
    folder passes over the copies (see ``files.ANNOTATED_MARKER``)."""
    from lettercheck.app.files import ANNOTATED_MARKER, ANNOTATED_MARKER_TEXT, is_annotation_folder

    marker = folder / ANNOTATED_MARKER
    try:
        folder.mkdir(parents=True, exist_ok=True)
        plain = not os.path.lexists(marker) or (marker.is_file() and not marker.is_symlink())
        if plain and not is_annotation_folder(folder):  # never into a pipe or through a link
            marker.write_text(ANNOTATED_MARKER_TEXT, encoding="utf-8")
    except OSError:
        pass  # an unwritable folder is reported per letter when its copy cannot be written


def _report_not_written(error: OSError, html_path: Path | None, csv_path: Path | None) -> None:
    """One line naming the audit report that could not be written, and exit 2."""
    target = next(
        (p for p in (html_path, csv_path) if p and error.filename and p.name in error.filename),
        html_path or csv_path,
    )
    click.echo(f"{target}: kunne ikke skrives ({_write_advice(error)}", err=True)
    sys.exit(2)


def _reports_interrupted(ctrl_c: StopSignals) -> None:
    """Ctrl-C or SIGTERM during an audit: one line, no report (they are renamed into place only
    when complete), and the signal's exit code."""
    how = "stoppet" if ctrl_c.terminated else "Ctrl-C"
    click.echo(f"Afbrudt ({how}). Rapporterne er ikke skrevet.", err=True)
    sys.exit(143 if ctrl_c.terminated else 130)


def _write_advice(error: OSError) -> str:
    """ "<reason>). <what to do>." for a report that could not be written."""
    from lettercheck.model.document import os_reason, out_of_space

    if out_of_space(error):
        return f"{os_reason(error)}). Frigør plads, eller vælg en anden placering."
    return f"{os_reason(error)}). Vælg en anden placering."


def _letters(count: int) -> str:
    return f"{count} brev" if count == 1 else f"{count} breve"


def _real(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def _colour(output: Path | None) -> bool:
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
