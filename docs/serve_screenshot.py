"""Make docs/serve.png: the page of ``lettercheck serve`` with a corpus letter checked and one
finding clicked, taken by Debian's headless chromium through Playwright.

    python docs/serve_screenshot.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "app"))

from test_serve_browser import CHROMIUM_ARGS, start_server  # noqa: E402

LETTER = ROOT / "corpus" / "afgoerelse_kontanthjaelp_bevilling_bad.docx"


def main() -> None:
    process, base = start_server("--workers", "1")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1300, "height": 1000}, locale="da-DK")
            page.goto(base + "/")
            page.set_input_files("#filer", str(LETTER))
            page.wait_for_selector("#status:has-text('kontrolleret')")
            page.locator("a.goto").nth(1).click()  # the legal reference: its words outlined
            page.evaluate("window.scrollTo(0, document.getElementById('status').offsetTop - 20)")
            page.screenshot(path=str(ROOT / "docs" / "serve.png"))
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
