"""Check one file from end to end: read, tag parts, analyse, run the rules, annotate if asked.

This is the unit of work a batch run hands to a worker process, so it takes and returns plain,
picklable values and never raises for a bad file: whatever goes wrong becomes ``FileResult.error``,
one line for the user, and the next file is checked.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lettercheck.model.document import Document, LetterError, os_reason, out_of_space
from lettercheck.model.findings import FileResult, Severity

#: File types lettercheck reads. ``.doc`` is listed so that a folder of old letters tells the user
#: what to do with them instead of passing over them in silence.
WORD_SUFFIXES = frozenset({".docx", ".dotx", ".docm", ".dotm"})
# The reader's text suffixes (word.reader.TEXT_SUFFIXES): a file named on the command line and one
# found in a folder are checked or skipped alike.
TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
SUPPORTED_SUFFIXES = WORD_SUFFIXES | TEXT_SUFFIXES | {".doc", ".dot"}
#: Most characters of text a letter may have. A long letter is ~20,000; a million-character
#: paragraph is checked in seconds, but a crafted file of tens of millions would cost minutes and
#: gigabytes in the Danish analysis, so it is refused with a clear line instead.
MAX_TEXT_CHARS = 3_000_000


@dataclass(frozen=True, slots=True)
class Job:
    """What to do with one file. ``annotate_to`` is the annotated copy's path, if one is wanted."""

    path: Path
    annotate_to: Path | None = None
    suggest: bool = False
    force: bool = False
    #: the least severity written into the annotated copy (``--annotate-level``); the summary
    #: comment counts the rest
    level: Severity = Severity.INFO
    #: ``--config FILE``, ``--select`` and ``--ignore`` (issue 13 §5)
    config_file: Path | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    #: The --annotate folder: no link between it and ``annotate_to`` is followed.
    annotate_root: Path | None = None
    #: Seconds one letter's check may take (--timeout); None: the configuration's, else 60.
    timeout: float | None = None


@dataclass(slots=True)
class CheckedFile:
    result: FileResult
    document: Document | None = None


def check_file(path: Path, config=None) -> CheckedFile:
    """Read and check ``path``; the document is returned too, for the annotator and tests."""
    try:
        from lettercheck.engine.config import load_config
        from lettercheck.engine.run import check_letter
        from lettercheck.language.analysis import analyse
        from lettercheck.language.parts import tag_parts
        from lettercheck.word.reader import read_document

        _require_regular_file(path)
        document = read_document(path)
        if sum(len(block.text) for block in document.blocks) > MAX_TEXT_CHARS:
            raise LetterError(
                "Filen indeholder for meget tekst til at være et brev "
                f"(over {MAX_TEXT_CHARS // 1_000_000} mio. tegn), og den er ikke kontrolleret. "
                "Del teksten op i flere filer."
            )
        if not any(block.text.strip() for block in document.blocks):
            raise LetterError(
                "Filen indeholder ingen tekst, så der er intet at kontrollere. "
                "Tjek at det er det rigtige brev."
            )
        tag_parts(document)
        config = config if config is not None else load_config(path)
        analysis = analyse(document, config.lix_sentences)
        checked = check_letter(analysis, config)
        result = FileResult(
            path=path,
            readability=analysis.readability,
            findings=checked.findings,
            letter_type=checked.letter_type,
            rules_applied=checked.rules_applied,
        )
        return CheckedFile(result=result, document=document)
    except LetterError as error:
        return CheckedFile(result=FileResult(path=path, error=str(error)))
    except Exception as error:  # a bug in lettercheck must not stop a batch of thousands
        if os.environ.get("LETTERCHECK_DEBUG"):
            raise
        return CheckedFile(result=FileResult(path=path, error=internal_error(error)))


#: Seconds a letter's check may take unless ``letter-timeout`` or ``--timeout`` says otherwise.
DEFAULT_TIMEOUT = 60.0


def timed_check(path: Path, timeout: float | None = None, config=None) -> CheckedFile:  # type: ignore[no-untyped-def]
    """``check_file`` within the per-letter time limit (``timeout``, else the configuration's
    ``letter-timeout``, else 60 s); a letter that takes longer is reported as that letter's error.
    Ctrl-C and SIGTERM stop it at once (see interrupt.interruptible)."""
    from lettercheck.app.interrupt import LetterTimeout, interruptible, time_limit

    if config is None:
        # Found once here and handed to check_file, which would look it up again (resolving the
        # path and searching up its folders costs ~0.1 ms a letter); a broken configuration is
        # left for check_file to report.
        config = _found_config(path)
    if timeout is None:
        configured = getattr(config, "letter_timeout", None)
        timeout = configured if configured is not None else DEFAULT_TIMEOUT
    try:
        # spaCy and the rules: not part of any one letter's time, and not interruptible (a
        # KeyboardInterrupt inside an import is not reliable; a stop then comes within two
        # seconds through interrupt.StopSignals).
        _load_once()
        with interruptible(), time_limit(timeout):
            return check_file(path, config)
    except LetterTimeout as error:
        return CheckedFile(result=FileResult(path=path, error=str(error)))


def _load_once() -> None:
    try:
        import lettercheck.engine.config
        import lettercheck.language.analysis
        import lettercheck.language.parts
        import lettercheck.word.reader  # noqa: F401
        from lettercheck.engine.run import load_rules
        from lettercheck.language.danish import get_nlp

        get_nlp()
        load_rules()
    except Exception:  # reported by the check itself
        pass


def _found_config(path: Path):  # type: ignore[no-untyped-def]
    """The configuration beside ``path``, or None when it cannot be read (check_file says why)."""
    try:
        from lettercheck.engine.config import load_config

        return load_config(path)
    except Exception:  # a broken configuration is reported before any letter is checked
        return None


def _require_regular_file(path: Path) -> None:
    """Refuse anything but a regular file before a reader opens it: opening a named pipe blocks
    until someone writes to it, and a device such as /dev/zero (or a link to one) never ends."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise LetterError(
            "Filen findes ikke (eller er et link til en fil, der ikke findes). Kontrollér stien."
        ) from None
    except OSError:
        raise LetterError(
            "Filen kan ikke åbnes. Kontrollér, at den findes, og at du har adgang til den."
        ) from None
    if stat.S_ISDIR(mode):
        try:
            os.scandir(path).close()
        except OSError:
            raise LetterError(
                "Mappen kan ikke åbnes (ingen adgang), så brevene i den er ikke kontrolleret. "
                "Giv læseadgang til mappen, og prøv igen."
            ) from None
        raise LetterError("Stien er en mappe, ikke en fil. Angiv mappen som sti i stedet.")
    if not stat.S_ISREG(mode):
        raise LetterError(
            "Stien er ikke en almindelig fil (men fx en pipe eller en enhed). "
            "Angiv et Word-dokument (.docx) eller en tekstfil."
        )


def open_in_an_editor(path: Path) -> bool:
    """Is ``path`` open in Word or LibreOffice? Both leave a lock file beside an open document:
    LibreOffice ``.~lock.NAME#``, Word ``~$`` in front of the name, which for a name of seven or
    more characters replaces its first one or two."""
    name = path.name
    stem = path.stem
    candidates = {f".~lock.{name}#", f"~${name}"}
    if len(stem) >= 7:
        candidates |= {f"~${name[1:]}", f"~${name[2:]}"}
    return any((path.parent / lock).exists() for lock in candidates)


def run_job(job: Job) -> FileResult:
    """Check one file and write its annotated copy if the job asks for one."""
    checked = timed_check(job.path, job.timeout, _job_config(job))
    if job.annotate_to is None or checked.document is None:
        return checked.result
    from lettercheck.annotate.write import WORD_FORMATS, annotate_file
    from lettercheck.annotate.zipcopy import is_unchanged_copy

    if checked.document.format not in WORD_FORMATS:
        return checked.result  # a plain text letter has nowhere to hold Word comments
    linked = _link_on_the_way(job.annotate_to, job.annotate_root)
    if linked is not None:
        # A link planted in the output folder would send the copy (and with --force, over
        # whatever it points at) somewhere else: never followed, never replaced.
        checked.result.error = (
            f"Den kommenterede kopi blev ikke skrevet: {linked} er et symbolsk link, og "
            "lettercheck skriver ikke gennem links. Fjern linket, eller vælg en anden mappe med "
            "--annotate."
        )
        return checked.result
    if job.annotate_to.exists() and not job.force:
        # lettercheck's own copy, untouched since it was written, is simply replaced (the loop of
        # checking, mending the letter and checking again); anything else may hold someone's work,
        # and so may a copy open in Word or LibreOffice (replies not saved yet).
        if not is_unchanged_copy(job.annotate_to):
            checked.result.error = (
                f"Den kommenterede kopi {job.annotate_to} er ændret, siden lettercheck skrev den "
                "(eller er ikke skrevet af lettercheck), og blev ikke overskrevet. "
                "Brug --force for at erstatte den."
            )
            return checked.result
        if open_in_an_editor(job.annotate_to):
            checked.result.error = (
                f"Den kommenterede kopi {job.annotate_to} er åben i Word eller LibreOffice og "
                "blev ikke overskrevet. Luk den, og kør igen (eller brug --force)."
            )
            return checked.result
    try:
        with _ctrl_c_deferred():
            annotate_file(
                job.path,
                job.annotate_to,
                checked.document,
                checked.result.findings,
                checked.result.readability,
                suggest=job.suggest,
                level=job.level,
            )
    except LetterError as error:
        checked.result.error = str(error)
    except OSError as error:
        checked.result.error = (
            f"Den kommenterede kopi kunne ikke skrives til {job.annotate_to} "
            f"({os_reason(error)}). "
            + ("Frigør plads, eller vælg" if out_of_space(error) else "Vælg")
            + " en anden mappe med --annotate."
        )
    except Exception as error:
        if os.environ.get("LETTERCHECK_DEBUG"):
            raise
        checked.result.error = internal_error(error)
    return checked.result


def _link_on_the_way(target: Path, root: Path | None) -> Path | None:
    """The first symbolic link among ``target`` and its folders below ``root``, or None."""
    path = target
    while True:
        if path.is_symlink():
            return path
        if root is None or path.parent == path or path.parent == root:
            return None
        if not path.parent.is_relative_to(root):
            return None
        path = path.parent


@contextlib.contextmanager
def _ctrl_c_deferred() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) and SIGTERM while an annotated copy is written; they take effect
    right after.

    The annotator writes a temporary file and renames it, removing it on any exception, but a
    KeyboardInterrupt can land between the temporary file's creation and the ``try`` that
    guards it (likely under I/O load) and leave it behind. A signal mask is not enough: the
    kernel may hand the signal to another thread (OpenBLAS starts several), whose C handler
    still makes the main thread raise. So for these milliseconds the Python handlers only note
    the signal, and the one noted is delivered to the previous handler afterwards.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread; nothing to hold here
        return
    from lettercheck.app.interrupt import WRITING

    noted: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.signal(signum, lambda s, _f: noted.append(s)) for signum in held}
    try:
        with WRITING:  # a forced stop (interrupt.StopSignals) waits for the copy
            yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if noted:
            _deliver(noted[0], previous[noted[0]])


def _deliver(signum: int, handler) -> None:
    """Deliver a held signal as if it had arrived now."""
    if callable(handler):
        handler(signum, None)
    elif handler == signal.SIG_DFL:
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        os.kill(os.getpid(), signum)  # the default action: end the process


def _job_config(job: Job):  # type: ignore[no-untyped-def]
    """The configuration for the job's letter: ``--config FILE`` or the one found beside it, with
    the command line's ``--select``/``--ignore``; None (found per letter) when neither is given."""
    if job.config_file is None and job.select is None and not job.ignore:
        return None
    from lettercheck.engine.config import ConfigError, load_config, load_config_file, with_rules

    try:
        base = load_config_file(job.config_file) if job.config_file else load_config(job.path)
    except ConfigError:
        return None  # the CLI checked it before any letter; check_file reports it per letter
    return with_rules(base, job.select, job.ignore)


def job_error(job: Job, message: str) -> FileResult:
    """The result of a job whose worker died or raised: the message becomes that file's error."""
    return FileResult(path=job.path, error=message)


def internal_error(error: BaseException) -> str:
    return (
        f"Intern fejl i lettercheck ({type(error).__name__}); de andre filer kontrolleres. "
        "Kør igen med LETTERCHECK_DEBUG=1 for detaljer, og meld fejlen."
    )
