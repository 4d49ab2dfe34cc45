"""``lettercheck serve`` in a real browser, and a small load test against the real server.

The server is the real command (``python -m lettercheck serve``) on a free loopback port; the
page is driven by Playwright with Debian's chromium (``.ci/run`` installs it; nothing is
downloaded). Without chromium the tests are skipped on a developer's machine and fail in CI.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

playwright_api = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
BAD = CORPUS / "afgoerelse_kontanthjaelp_bevilling_bad.docx"
OTHER = CORPUS / "blind2_cv_samtale_kontakttabel.docx"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium() -> str:
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed; .ci/run installs Debian's chromium")
    pytest.skip("chromium is not installed")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(*args: str) -> tuple[subprocess.Popen, str]:
    """``lettercheck serve`` on a free port; returns the process and its address once ready."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "lettercheck", "serve", "--port", str(port), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.2)
        if process.poll() is not None:
            break
    process.kill()
    raise AssertionError(f"lettercheck serve did not start: {process.stderr.read()[-2000:]}")


@pytest.fixture(scope="module")
def server():
    process, base = start_server("--workers", "2")
    yield base
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def browser():
    executable = chromium()
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1300, "height": 900})
    opened = context.new_page()
    elsewhere: list[str] = []
    errors: list[str] = []
    opened.on(
        "request",
        lambda r: (
            elsewhere.append(r.url) if not r.url.startswith((server, "data:", "blob:")) else None
        ),
    )
    opened.on("pageerror", lambda e: errors.append(str(e)))
    opened.goto(server + "/")
    opened.wait_for_selector("html[data-ready=true]")
    yield opened
    context.close()
    assert elsewhere == [], "the page loaded something from elsewhere"
    assert errors == [], errors


def upload(page, *paths: Path) -> None:
    page.set_input_files("#filer", [str(p) for p in paths])
    page.wait_for_selector("#status:has-text('kontrolleret')", timeout=60_000)


def api_check(server: str, path: Path) -> dict:
    import json

    import httpx

    response = httpx.post(server + "/api/check", files={"file": (path.name, path.read_bytes())})
    return json.loads(response.text)


def test_letter_shows_lix_findings_and_highlights_on_the_exact_words(page, server) -> None:
    upload(page, BAD)
    data = api_check(server, BAD)
    article = page.locator("article.letter").first
    assert article.locator("h3").inner_text() == BAD.name
    lix = article.locator(".lix").inner_text()
    assert lix == f"LIX {data['readability']['lix']:.1f} ({data['readability']['band']})".replace(
        ".", ","
    )
    items = article.locator("ol.findings > li")
    assert items.count() == len(data["findings"])
    # Each located finding's highlight, all its stretches together, is exactly its words.
    for n, finding in enumerate(data["findings"], 1):
        if finding["block"] is None:
            continue
        words = page.evaluate(
            """([box, n]) => Array.from(document.querySelectorAll(box + ' mark'))
                 .filter(m => m.dataset.findings.split(' ').includes(String(n)))
                 .map(m => m.textContent).join('')""",
            ["article.letter .lettertext", n],
        )
        assert words == finding["text"], (n, finding["rule"])


def test_clicking_a_finding_scrolls_to_its_words_and_back(page) -> None:
    upload(page, BAD)
    page.set_viewport_size({"width": 1300, "height": 500})
    link = page.locator("a.goto").last
    target = link.get_attribute("data-target")
    link.click()
    assert page.evaluate("document.activeElement.id") == target
    assert page.locator(f"#{target}").is_visible()
    in_view = page.evaluate(
        """(id) => {
          const r = document.getElementById(id).getBoundingClientRect();
          const box = document.getElementById(id).closest('.lettertext').getBoundingClientRect();
          return r.top >= Math.max(0, box.top) - 1
            && r.bottom <= Math.min(innerHeight, box.bottom) + 1;
        }""",
        target,
    )
    assert in_view
    number = target.rsplit("-m", 1)[1]
    back = page.locator(f"a.back[data-target$='-f{number}']")
    back.click()
    assert page.evaluate("document.activeElement.id").endswith(f"-f{number}")
    # By keyboard: focus a finding's link and press Enter.
    first = page.locator("a.goto").first
    first.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == first.get_attribute("data-target")


def test_download_the_annotated_copy_and_read_it(page, tmp_path) -> None:
    from lettercheck.word.reader import read_document

    upload(page, BAD)
    page.check("#forslag")
    with page.expect_download() as download:
        page.locator("button.annotate").first.click()
    assert download.value.suggested_filename == f"{BAD.stem} (kommenteret).docx"
    copy = tmp_path / "kopi.docx"
    download.value.save_as(copy)
    document = read_document(copy)
    assert document.comments, "the annotated copy has no comments"


def test_several_letters_give_the_audit_reports(page, tmp_path) -> None:
    upload(page, BAD, OTHER)
    assert page.locator("article.letter").count() == 2
    with page.expect_download() as html:
        page.click("#rapport-html")
    with page.expect_download() as csv:
        page.click("#rapport-csv")
    html_path, csv_path = tmp_path / "r.html", tmp_path / "r.csv"
    html.value.save_as(html_path)
    csv.value.save_as(csv_path)
    assert BAD.name in html_path.read_text("utf-8")
    assert len(csv_path.read_text("utf-8-sig").strip().splitlines()) == 3


def test_pasted_text_and_a_broken_file(page, tmp_path) -> None:
    page.fill("#tekst", "Kære Anna\n\nDu skal sende os lønsedler jf. § 11, stk. 2.\n")
    page.click("#indsaet button")
    page.wait_for_selector("#status:has-text('kontrolleret')")
    assert page.locator("article.letter h3").first.inner_text() == "Indsat tekst.txt"
    assert page.locator("article.letter mark").count() >= 1
    broken = tmp_path / "skadet.docx"
    broken.write_bytes(b"PK\x03\x04 not a letter")
    page.set_input_files("#filer", str(broken))
    page.wait_for_selector("article.letter .error-line")
    assert "Kan ikke læses" in page.locator("article.letter .error-line").last.inner_text()


def test_form_controls_are_labelled(page) -> None:
    unlabelled = page.evaluate(
        """Array.from(document.querySelectorAll('input, textarea'))
             .filter(e => !e.labels || e.labels.length === 0).map(e => e.id)"""
    )
    assert unlabelled == []
    assert page.evaluate("document.documentElement.lang") == "da"


@pytest.mark.parametrize("width", [1300, 768, 420])
def test_layout_has_no_horizontal_overflow(page, width) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    upload(page, BAD, OTHER)
    problems = page.evaluate(
        """(width) => {
          const out = [];
          if (document.documentElement.scrollWidth > width + 1)
            out.push('page is ' + document.documentElement.scrollWidth + ' wide');
          document.querySelectorAll('body *').forEach(el => {
            const r = el.getBoundingClientRect();
            if (r.width && r.right > width + 1 && !el.closest('.visually-hidden, .skip'))
              out.push(el.tagName + '.' + el.className + ' ends at ' + Math.round(r.right));
          });
          document.querySelectorAll('.lettertext, li, h3, p').forEach(el => {
            if (el.scrollWidth > el.clientWidth + 1) out.push('scrolls sideways: ' + el.tagName);
          });
          return out;
        }""",
        width,
    )
    assert problems == []


# -- a small load test (benchmarks/serve_load.py is the big one) ---------------------------------


def test_small_load_no_failed_good_request_and_hostile_ones_are_4xx(server) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import serve_load
    finally:
        sys.path.pop(0)
    report = serve_load.run(server, clients=10, requests=100, time_limit=120)
    assert report["good_failed"] == 0, report
    assert report["hostile_not_4xx"] == 0, report
    assert report["good"] > 0 and report["hostile"] > 0
