"""``lettercheck serve``: the web page for staff and the HTTP API for the systems letters come from.

The web process only takes requests, writes each upload into its own temporary folder and hands
the letter to a worker (``serve_pool``); it never loads spaCy itself. Everything a user gets back
is made by the same code as on the command line: ``pipeline.check_file``, the JSON reporter's
per-file object, the annotator, and the audit's HTML and CSV reporters.

Errors are one Danish line in ``{"error": …}`` with a 4xx status (413 too large, 415 not a letter
type, 422 a file that cannot be read or took too long, 400 a malformed request; 503 when every
worker is busy); never a traceback. Only name, size, time and status of a request are logged.
Imported by the ``serve`` command only, so the command line works without the ``serve`` extra.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from lettercheck import __version__
from lettercheck.app.serve_pool import Outcome, Task, WorkerPool

STATIC = Path(__file__).with_name("static")
LOG = logging.getLogger("lettercheck.serve")
MB = 1024 * 1024
#: Room for the multipart envelope around a file of the largest allowed size.
_ENVELOPE = 64 * 1024

_MEDIA = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".dotx": "application/vnd.openxmlformats-officedocument.wordprocessingml.template",
    ".docm": "application/vnd.ms-word.document.macroEnabled.12",
    ".dotm": "application/vnd.ms-word.template.macroEnabled.12",
}
_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'"
    ),
    "Cache-Control": "no-store",
}
_TYPES = ".docx, .dotx, .docm, .dotm, .txt og .md"


@dataclass(frozen=True, slots=True)
class Settings:
    workers: int = 2
    max_upload: int = 20 * MB  # bytes of one request's file(s)
    timeout: float = 30.0  # seconds one letter may take in a worker
    max_files: int = 200  # letters in one audit request
    config_folder: Path | None = None


class Refused(Exception):
    """A request we answer with a Danish line and a 4xx/503 status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(slots=True)
class Upload:
    name: str  # the name to show (sanitised), with its suffix
    data: bytes


# -- reading a request -------------------------------------------------------------------------

_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


def clean_name(raw: str | None, default: str = "brev.txt") -> str:
    """The file's own name without any folder (browsers on Windows may send ``C:\\…\\x.docx``),
    without control characters, at most 200 characters; never used as a path on disk."""
    name = re.split(r"[/\\]", raw or "")[-1]
    name = _UNSAFE.sub("", name).strip().lstrip(".")
    if not name:
        return default
    if len(name) > 200:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[:190] + dot + suffix[:9]) if dot and len(suffix) < 10 else name[:200]
    return name


def _suffix(name: str) -> str:
    from lettercheck.app.pipeline import SUPPORTED_SUFFIXES

    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = f"Filtypen {suffix}" if suffix else "En fil uden filtype"
        raise Refused(
            415,
            f"{shown} kan ikke kontrolleres ({name}). lettercheck læser {_TYPES}. "
            "Gem brevet i et af de formater, og prøv igen.",
        )
    return suffix


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused (413) as soon as it passes ``limit``: a client that lies about
    its length, or sends none, cannot make the server read more."""
    too_large = Refused(
        413,
        f"Filen er for stor: serveren tager højst {limit / MB:g} MB pr. forespørgsel. "
        "Fjern billeder fra brevet, eller del forespørgslen op.",
    )
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit + _ENVELOPE:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit + _ENVELOPE:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


async def read_uploads(request: Request, settings: Settings, many: bool = False) -> list[Upload]:
    """The letters of a request: multipart files (any field name), or JSON ``{"text", "name"}``."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("multipart/form-data", "application/json"):
        raise Refused(
            415,
            "Send brevet som en fil (multipart/form-data, feltet 'file') eller som JSON med "
            'teksten: {"text": "…", "name": "brev.txt"}.',
        )
    body = await _body(request, settings.max_upload)
    if kind == "application/json":
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise Refused(400, "JSON'en kan ikke læses. Send gyldig JSON i UTF-8.") from None
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise Refused(400, 'JSON skal have teksten i "text", fx {"text": "Kære …"}.')
        if not isinstance(data.get("name", ""), str):
            raise Refused(400, '"name" skal være et filnavn, fx "brev.txt".')
        name = clean_name(data.get("name"), "tekst.txt")
        if Path(name).suffix.lower() not in (".txt", ".md"):
            name += ".txt"
        return [Upload(name, data["text"].encode("utf-8", "surrogatepass"))]

    async def replay() -> dict:
        nonlocal body
        sent, body = body, b""
        return {"type": "http.request", "body": sent, "more_body": False}

    again = Request(request.scope, receive=replay)
    try:
        form = await again.form(
            max_files=settings.max_files if many else 1,
            max_fields=50,
            max_part_size=settings.max_upload,
        )
    except HTTPException as error:  # too many files or fields, a part too big
        raise Refused(400, _form_problem(error.detail, settings, many)) from None
    except Exception:
        raise Refused(400, "Forespørgslen kan ikke læses som multipart/form-data.") from None
    try:
        uploads = []
        for _key, value in form.multi_items():
            if isinstance(value, UploadFile):
                uploads.append(Upload(clean_name(value.filename), await value.read()))
    finally:
        await form.close()
    if not uploads:
        raise Refused(400, "Forespørgslen har ingen fil. Send brevet i feltet 'file'.")
    return uploads


def _form_problem(detail: str, settings: Settings, many: bool) -> str:
    if "files" in str(detail).lower():
        if many:
            return f"For mange filer: højst {settings.max_files} breve ad gangen."
        return "Send ét brev ad gangen her (flere breve: /api/audit)."
    return "Forespørgslen kan ikke læses som multipart/form-data."


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in ("1", "true", "ja", "yes", "on")


# -- answers -----------------------------------------------------------------------------------


def _error(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers or None)


def _outcome_error(outcome: Outcome, settings: Settings) -> Refused:
    from lettercheck.app.runner import CRASH_MESSAGE

    if outcome.status == "timeout":
        return Refused(
            422,
            f"Kontrollen af brevet tog over {settings.timeout:g} sekunder og blev stoppet. "
            "Del brevet op, eller fjern store tabeller og tekstbokse, og prøv igen.",
        )
    if outcome.status == "crash":
        return Refused(422, CRASH_MESSAGE)
    if outcome.status == "busy":
        return Refused(503, "Serveren er optaget af andre breve lige nu. Prøv igen om lidt.")
    return Refused(500, str(outcome.value))  # a bug: a Danish line, no traceback


def _attachment(name: str) -> str:
    ascii_name = re.sub(r"[^A-Za-z0-9._ ()-]", "_", name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def annotated_name(name: str) -> str:
    path = Path(name)
    return f"{path.stem} (kommenteret){path.suffix}"


class Server:
    """The routes, with the pool and the settings they share."""

    def __init__(self, settings: Settings, pool: WorkerPool | None = None) -> None:
        from lettercheck.reporters.catalog import rule_catalog

        self.settings = settings
        self.pool = pool
        self.rules = rule_catalog()

    async def _run(self, task: Task) -> Outcome:
        assert self.pool is not None
        return await asyncio.to_thread(self.pool.run, task)

    @contextlib.asynccontextmanager
    async def _folder(self) -> AsyncIterator[Path]:
        """A temporary folder for one request's uploads, removed when the request is answered."""
        with tempfile.TemporaryDirectory(prefix="lettercheck-serve-") as folder:
            yield Path(folder)

    async def _logged(self, request: Request, handler) -> Response:  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        facts: dict = {"name": "-", "size": 0}
        try:
            response = await handler(request, facts)
        except Refused as refused:
            response = _error(refused.status, refused.message)
        except Exception:  # a bug: one Danish line, never the stack
            LOG.exception("intern fejl")
            response = _error(500, "Intern fejl i lettercheck. Prøv igen, og meld fejlen til IT.")
        LOG.info(
            "%s %s %d byte %.0f ms %d",
            request.url.path,
            facts["name"],
            facts["size"],
            (time.perf_counter() - started) * 1000,
            response.status_code,
        )
        return response

    # -- routes --------------------------------------------------------------------------------

    async def index(self, request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    async def healthz(self, request: Request) -> Response:
        return JSONResponse(
            {"status": "ok", "version": __version__, "workers": self.settings.workers}
        )

    async def rules_route(self, request: Request) -> Response:
        return JSONResponse(
            {
                "rules": [
                    {
                        "name": r.name,
                        "code": r.code,
                        "title": r.title,
                        "severity": str(r.severity),
                        "message": r.message,
                        "why": r.why,
                    }
                    for r in self.rules
                ],
                "limits": {
                    "max_upload_mb": self.settings.max_upload / MB,
                    "max_files": self.settings.max_files,
                    "timeout_seconds": self.settings.timeout,
                },
            }
        )

    async def check(self, request: Request) -> Response:
        return await self._logged(request, self._check)

    async def _check(self, request: Request, facts: dict) -> Response:
        (upload,) = await self._one(request, facts)
        suffix = _suffix(upload.name)
        async with self._folder() as folder:
            path = folder / f"brev{suffix}"
            path.write_bytes(upload.data)
            outcome = await self._run(Task("check", str(path), upload.name))
        if outcome.status != "ok":
            raise _outcome_error(outcome, self.settings)
        data = outcome.value
        return JSONResponse(data, status_code=422 if data["error"] else 200)

    async def annotate(self, request: Request) -> Response:
        return await self._logged(request, self._annotate)

    async def _annotate(self, request: Request, facts: dict) -> Response:
        (upload,) = await self._one(request, facts)
        suffix = _suffix(upload.name)
        if suffix not in _MEDIA and suffix not in (".doc", ".dot"):
            raise Refused(
                415,
                "Kun Word-filer (.docx, .dotx, .docm, .dotm) kan få en kopi med kommentarer; "
                "en tekst kan kun kontrolleres.",
            )
        async with self._folder() as folder:
            path = folder / f"brev{suffix}"
            target = folder / "kopi" / f"brev{suffix}"
            target.parent.mkdir()
            path.write_bytes(upload.data)
            task = Task("annotate", str(path), upload.name, str(target), _flag(request, "suggest"))
            outcome = await self._run(task)
            if outcome.status != "ok":
                raise _outcome_error(outcome, self.settings)
            answer = outcome.value
            if not answer["written"]:
                raise Refused(422, answer["file"]["error"] or "Kopien kunne ikke skrives.")
            data = target.read_bytes()
        findings = len(answer["file"]["findings"])
        return Response(
            data,
            media_type=_MEDIA[suffix],
            headers={
                "Content-Disposition": _attachment(annotated_name(upload.name)),
                "X-Lettercheck-Findings": str(findings),
            },
        )

    async def audit(self, request: Request) -> Response:
        return await self._logged(request, self._audit)

    async def _audit(self, request: Request, facts: dict) -> Response:
        fmt = request.query_params.get("format", "html")
        if fmt not in ("html", "csv"):
            raise Refused(400, "format skal være html eller csv, fx /api/audit?format=csv.")
        uploads = await read_uploads(request, self.settings, many=True)
        facts["name"] = f"{len(uploads)} filer"
        facts["size"] = sum(len(u.data) for u in uploads)
        suffixes = [_suffix(u.name) for u in uploads]
        async with self._folder() as folder:
            tasks = []
            for i, (upload, suffix) in enumerate(zip(uploads, suffixes, strict=True)):
                path = folder / f"brev{i:04}{suffix}"
                path.write_bytes(upload.data)
                tasks.append(Task("audit", str(path), upload.name))
            outcomes = await asyncio.gather(*(self._run(t) for t in tasks))
        from lettercheck.model.findings import FileResult

        results = []
        for upload, outcome in zip(uploads, outcomes, strict=True):
            if outcome.status == "ok":
                results.append(outcome.value)
            else:
                refused = _outcome_error(outcome, self.settings)
                if refused.status == 503:
                    raise refused
                results.append(FileResult(path=Path(upload.name), error=refused.message))
        if fmt == "csv":
            from lettercheck.reporters import csv as reporter

            text = reporter.render(results, rules=self.rules, base=Path())
            media, name = "text/csv; charset=utf-8", "lettercheck-gennemgang.csv"
        else:
            from lettercheck.reporters import html as reporter

            text = "".join(reporter.iter_render(results, rules=self.rules, base=Path()))
            media, name = "text/html; charset=utf-8", "lettercheck-gennemgang.html"
        return Response(
            text.encode("utf-8", "backslashreplace"),
            media_type=media,
            headers={"Content-Disposition": _attachment(name)},
        )

    async def _one(self, request: Request, facts: dict) -> list[Upload]:
        uploads = await read_uploads(request, self.settings)
        facts["name"] = uploads[0].name
        facts["size"] = len(uploads[0].data)
        if len(uploads) != 1:
            raise Refused(400, "Send ét brev ad gangen her (flere breve: /api/audit).")
        return uploads


async def _not_found(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 404)
    if status == 405:
        return _error(405, "Den metode bruges ikke her. Se README'en for API'et.")
    return _error(404, "Siden findes ikke. Gå til forsiden: /")


async def _internal(request: Request, exc: Exception) -> Response:
    return _error(500, "Intern fejl i lettercheck. Prøv igen, og meld fejlen til IT.")


def create_app(settings: Settings, pool: WorkerPool | None = None) -> Starlette:
    """The web app. Without ``pool`` it starts its own at startup and stops it at shutdown."""
    server = Server(settings, pool)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        own = server.pool is None
        if own:
            server.pool = WorkerPool(
                settings.workers,
                timeout=settings.timeout,
                config_folder=settings.config_folder,
            )
            await asyncio.to_thread(server.pool.warm)
            LOG.info("klar: %d brevkontrollanter er startet", settings.workers)
        try:
            yield
        finally:
            if own and server.pool is not None:
                await asyncio.to_thread(server.pool.close)
                server.pool = None

    app = Starlette(
        routes=[
            Route("/", server.index),
            Route("/healthz", server.healthz),
            Route("/api/rules", server.rules_route),
            Route("/api/check", server.check, methods=["POST"]),
            Route("/api/annotate", server.annotate, methods=["POST"]),
            Route("/api/audit", server.audit, methods=["POST"]),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        exception_handlers={404: _not_found, 405: _not_found, Exception: _internal},
        lifespan=lifespan,
    )
    app.state.server = server
    app.add_middleware(_SecurityHeaders)
    return app


class _SecurityHeaders:
    """Security headers on every response: no sniffing, only our own scripts and styles (the
    page loads nothing from elsewhere), no framing, no referrer."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message) -> None:  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {key.lower() for key, _ in headers}
                for key, value in _HEADERS.items():
                    if key.lower().encode() not in present:
                        headers.append((key.lower().encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, sending)


def run_server(host: str, port: int, workers: int | None, max_upload_mb: int, timeout: int) -> int:
    """``lettercheck serve``: check the configuration and the address, then serve until Ctrl-C.
    Returns the exit code (2 for a configuration or address problem, one Danish line)."""
    import ipaddress
    import socket
    import sys

    import uvicorn

    from lettercheck.app.runner import default_jobs
    from lettercheck.engine.config import ConfigError, load_config

    logging.basicConfig(format="%(asctime)s %(message)s", level=logging.WARNING)
    LOG.setLevel(logging.INFO)
    try:
        load_config(Path.cwd())  # a broken configuration is one line now, not per letter
    except ConfigError as error:
        print(f"lettercheck: {error}", file=sys.stderr)
        return 2
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except (OSError, UnicodeError) as error:
        reason = "porten er optaget" if getattr(error, "errno", None) == 98 else str(error)
        print(
            f"lettercheck: kan ikke lytte på {host}:{port} ({reason}). Vælg en anden --port "
            "eller --host.",
            file=sys.stderr,
        )
        return 2
    try:
        local = ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = host == "localhost"
    if not local:
        print(
            f"lettercheck: ADVARSEL: siden er åben for netværket på {host}:{port} uden login. "
            "Sæt den bag organisationens login.",
            file=sys.stderr,
        )
    settings = Settings(
        workers=workers or default_jobs(),
        max_upload=max_upload_mb * MB,
        timeout=float(timeout),
        config_folder=Path.cwd(),
    )
    shown = f"[{host}]" if ":" in host else host
    print(f"lettercheck serve: http://{shown}:{port}/ (starter; Ctrl-C stopper)", file=sys.stderr)
    config = uvicorn.Config(
        create_app(settings),
        log_level="warning",
        access_log=False,  # our own line: name, size, time, status, nothing else
        server_header=False,
        lifespan="on",
    )
    uvicorn.Server(config).run(sockets=[sock])
    return 0
