"""``lettercheck serve``'s HTTP API through Starlette's test client.

The fast tests run each letter in this process (``InlinePool``: the workers' own ``perform``
without the processes); the ones marked slow start the real worker pool and check its time
limit, a dying worker and the command itself.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("starlette")
import hostile
from starlette.testclient import TestClient

from lettercheck.app import serve_pool
from lettercheck.app.serve import MB, Settings, annotated_name, clean_name, create_app
from lettercheck.app.serve_pool import Outcome, Task, WorkerPool
from lettercheck.engine.config import Config
from lettercheck.word.reader import read_document

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
BAD = CORPUS / "afgoerelse_kontanthjaelp_bevilling_bad.docx"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class InlinePool:
    """The pool's interface, doing each task here with the workers' own code."""

    size = 1

    def run(self, task: Task) -> Outcome:
        return Outcome("ok", serve_pool.perform(task, Config()))


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings(workers=1, max_upload=2 * MB), InlinePool())) as c:
        yield c


def _cli_json(path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "lettercheck", "--format", "json", "--jobs", "1", path.name],
        capture_output=True,
        text=True,
        cwd=path.parent,
        check=False,
    )
    return json.loads(done.stdout)["files"][0]


def test_check_answers_the_json_contract_object(client) -> None:
    response = client.post("/api/check", files={"file": (BAD.name, BAD.read_bytes())})
    assert response.status_code == 200
    data = response.json()
    expected = _cli_json(BAD)
    # The command line's object for the same file, key for key; the API only adds keys.
    for key, value in expected.items():
        if key == "findings":
            assert [{k: f[k] for k in value[0]} for f in data["findings"]] == value
        else:
            assert data[key] == value, key
    assert set(data) - set(expected) == {"blocks"}
    # Each located finding's words are exactly the block text between start and end.
    blocks = {b["index"]: b["text"] for b in data["blocks"]}
    located = [f for f in data["findings"] if f["block"] is not None]
    assert located
    for finding in located:
        assert blocks[finding["block"]][finding["start"] : finding["end"]] == finding["text"]
        assert finding["place"].startswith("afsnit ")
    assert response.headers["x-content-type-options"] == "nosniff"


def test_check_takes_pasted_text_as_json(client) -> None:
    text = "Kære Anna\n\nDe skal fremsende dokumentation jf. § 42 i loven.\n"
    response = client.post("/api/check", json={"text": text, "name": "udkast"})
    assert response.status_code == 200
    data = response.json()
    assert data["path"] == "udkast.txt"
    assert "legal-reference-early" in {f["rule"] for f in data["findings"]}


@pytest.mark.parametrize(
    ("make", "status", "words"),
    [
        (lambda p: hostile.legacy_doc(p.with_suffix(".doc")), 422, "gammelt Word-dokument"),
        (hostile.encrypted_docx, 422, "adgangskode"),
        (lambda p: hostile.zip_bomb(p, 200 * MB), 422, ""),
        (hostile.billion_laughs, 422, ""),
        (hostile.random_bytes, 422, ""),
        (hostile.empty, 422, ""),
        (lambda p: hostile.random_bytes(p.with_suffix(".pdf")), 415, "Filtypen .pdf"),
    ],
)
def test_hostile_and_broken_files_get_a_danish_4xx(client, tmp_path, make, status, words) -> None:
    path = make(tmp_path / "brev.docx")
    response = client.post("/api/check", files={"file": (path.name, path.read_bytes())})
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error and "\n" not in error and "Traceback" not in response.text
    assert words in error
    assert hostile.MARKER not in response.text
    assert str(tmp_path) not in response.text


def test_upload_cap_is_a_413_before_the_body_is_read(client) -> None:
    big = b"x" * (3 * MB)
    response = client.post("/api/check", files={"file": ("stor.txt", big)})
    assert response.status_code == 413
    assert "højst 2 MB" in response.json()["error"]


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"content": b"hej", "headers": {"content-type": "text/plain"}}, 415),
        ({"content": b"{nope", "headers": {"content-type": "application/json"}}, 400),
        ({"json": {"tekst": "hej"}}, 400),
        ({"json": {"text": 5}}, 400),
        ({"data": {"felt": "x"}, "files": {}}, 415),
        ({"files": [("file", ("a.txt", b"Hej")), ("file", ("b.txt", b"Hej"))]}, 400),
    ],
)
def test_malformed_requests_get_a_danish_4xx(client, kwargs, status) -> None:
    response = client.post("/api/check", **kwargs)
    assert response.status_code == status, response.text
    assert response.json()["error"]


def test_annotate_returns_the_annotated_copy(client, tmp_path) -> None:
    response = client.post("/api/annotate?suggest=1", files={"file": (BAD.name, BAD.read_bytes())})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == DOCX
    assert "kommenteret" in response.headers["content-disposition"]
    copy = tmp_path / "kopi.docx"
    copy.write_bytes(response.content)
    document = read_document(copy)
    assert len(document.comments) >= int(response.headers["x-lettercheck-findings"]) // 2
    # --suggest: tracked changes, on a letter with a warning that has a replacement ("i henhold
    # til" -> "efter")
    letter = CORPUS / "afgoerelse_kontanthjaelp_sanktion_bad.docx"
    response = client.post(
        "/api/annotate?suggest=1", files={"file": (letter.name, letter.read_bytes())}
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as package:
        assert b"<w:ins " in package.read("word/document.xml")


def test_annotate_refuses_text(client) -> None:
    response = client.post("/api/annotate", files={"file": ("a.txt", "Kære Anna".encode())})
    assert response.status_code == 415
    assert "Word-filer" in response.json()["error"]


def test_audit_returns_the_html_and_csv_reports(client, tmp_path) -> None:
    files = [
        ("file", (BAD.name, BAD.read_bytes())),
        ("file", ("udkast.txt", "Kære Anna\n\nDe skal komme.\n".encode())),
        ("file", ("gammel.doc", hostile.legacy_doc(tmp_path / "g.doc").read_bytes())),
    ]
    csv = client.post("/api/audit?format=csv", files=files)
    assert csv.status_code == 200
    assert csv.text.startswith("\ufefffil;brevtype;lix;")
    rows = csv.text.strip().split("\r\n")
    assert len(rows) == 4 and rows[1].startswith(BAD.name)
    html = client.post("/api/audit?format=html", files=files)
    assert html.status_code == 200 and "<svg" in html.text and "gammel.doc" in html.text
    assert "attachment" in html.headers["content-disposition"]


def test_rules_health_and_the_page(client) -> None:
    rules = client.get("/api/rules").json()["rules"]
    assert {"name", "code", "title", "severity"} <= set(rules[0])
    assert client.get("/healthz").json()["status"] == "ok"
    page = client.get("/")
    assert page.status_code == 200 and 'lang="da"' in page.text
    assert "http" not in page.text.replace('rel="icon"', "")  # nothing from elsewhere
    assert client.get("/static/serve.js").status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    missing = client.get("/findes-ikke")
    assert missing.status_code == 404 and missing.json()["error"]


def test_names_are_cleaned() -> None:
    assert clean_name("C:\\Users\\anna\\brev.docx") == "brev.docx"
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("\x1b[31mrød.txt") == "[31mrød.txt"
    assert clean_name("") == "brev.txt"
    assert len(clean_name("a" * 500 + ".docx")) <= 200
    assert annotated_name("brev.dotx") == "brev (kommenteret).dotx"


def test_logging_names_only_file_size_time_and_status(client, caplog) -> None:
    secret = "CPR 010203-1234 hemmelig"
    with caplog.at_level("INFO", logger="lettercheck.serve"):
        client.post("/api/check", json={"text": f"Kære Anna\n\n{secret}\n", "name": "x.txt"})
    lines = [r.getMessage() for r in caplog.records if r.name == "lettercheck.serve"]
    assert lines and "x.txt" in lines[-1] and " 200" in lines[-1]
    assert all(secret not in line for line in lines)


def test_uploads_leave_nothing_in_the_temporary_folder(client, tmp_path, monkeypatch) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    client.post("/api/check", files={"file": (BAD.name, BAD.read_bytes())})
    client.post("/api/annotate", files={"file": (BAD.name, BAD.read_bytes())})
    client.post("/api/check", files={"file": ("x.docx", b"PK\x03\x04broken")})
    assert list(tmp_path.iterdir()) == []


def test_serve_without_the_extra_says_how_to_install_it(tmp_path) -> None:
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import sys\nfor name in ('starlette', 'uvicorn', 'python_multipart'):\n"
        "    sys.modules[name] = None\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    done = subprocess.run(
        [sys.executable, "-m", "lettercheck", "serve"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "lettercheck: serve kræver web-tilføjelsen; installér den med: "
        "pip install 'lettercheck[serve]'"
    )


# -- the real worker pool (processes) ------------------------------------------------------------


@pytest.mark.slow
def test_pool_stops_a_letter_that_takes_too_long_and_keeps_serving(tmp_path) -> None:
    letter = hostile.good_text_letter(tmp_path / "brev.txt")
    pool = WorkerPool(1, timeout=5)
    try:
        pool.warm()
        slow = hostile.long_paragraph(tmp_path / "lang.docx", chars=1_050_000)
        pool.timeout = 0.05
        assert pool.run(Task("check", str(slow), "lang.docx")).status == "timeout"
        pool.timeout = 30
        started = time.monotonic()
        outcome = pool.run(Task("check", str(letter), "brev.txt"))
        assert outcome.status == "ok" and outcome.value["readability"]
        assert time.monotonic() - started < 10  # the replacement worker came warm
    finally:
        pool.close()


@pytest.mark.slow
def test_pool_survives_a_worker_that_dies(tmp_path) -> None:
    letter = hostile.good_text_letter(tmp_path / "brev.txt")
    pool = WorkerPool(1, timeout=30)
    try:
        pool.warm()
        (worker,) = list(pool._all)
        worker.process.kill()
        assert pool.run(Task("check", str(letter), "brev.txt")).status == "crash"
        assert pool.run(Task("check", str(letter), "brev.txt")).status == "ok"
    finally:
        pool.close()


@pytest.mark.slow
def test_timeout_is_a_danish_422_over_http(tmp_path) -> None:
    slow = hostile.long_paragraph(tmp_path / "lang.docx", chars=1_050_000)
    settings = Settings(workers=1, timeout=0.05)
    with TestClient(create_app(settings)) as c:
        response = c.post("/api/check", files={"file": (slow.name, slow.read_bytes())})
        assert response.status_code == 422
        assert "blev stoppet" in response.json()["error"]
        assert c.get("/healthz").status_code == 200
