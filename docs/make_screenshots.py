"""Make the pictures of docs/vejledning.md from the corpus, so they show what lettercheck does now.

    python docs/make_screenshots.py

* ``billeder/kommenteret-kopi.png``: the annotated copy of ``corpus/invitation_samtale_bad.docx``
  (``--suggest``), rendered by LibreOffice headless to PDF with the comments in the margin and
  turned into a PNG with ``pdftoppm`` (poppler-utils);
* ``billeder/audit.png``: the top of ``lettercheck audit corpus/ --html``, by Chromium headless.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "billeder"
LETTER = ROOT / "corpus" / "invitation_samtale_bad.docx"
PDF_FILTER = 'pdf:writer_pdf_Export:{"ExportNotesInMargin":{"type":"boolean","value":"true"}}'


def run(*args: str | Path, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """Run a command; lettercheck's exit 1 (findings) is no failure."""
    done = subprocess.run([str(a) for a in args], check=False, capture_output=True, **kwargs)
    if done.returncode not in (0, 1):
        sys.exit(f"{args[0]} failed: {done.stderr[-2000:]!r}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not soffice or not shutil.which("pdftoppm") or not chromium:
        sys.exit("Needs soffice, pdftoppm (poppler-utils) and chromium.")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        copies = work / "kommenteret"
        run(sys.executable, "-m", "lettercheck", "--quiet", "--suggest", "--annotate", copies,
            LETTER, cwd=ROOT)  # fmt: skip
        copy = copies / LETTER.name
        if not copy.exists():
            sys.exit(f"no annotated copy of {LETTER}")
        run(soffice, f"-env:UserInstallation=file://{work / 'profile'}", "--headless",
            "--convert-to", PDF_FILTER, "--outdir", work, copy)  # fmt: skip
        run("pdftoppm", "-png", "-r", "70", "-singlefile", "-f", "1", "-l", "1",
            work / (copy.stem + ".pdf"), OUT / "kommenteret-kopi")  # fmt: skip

        report = work / "rapport.html"
        subprocess.run(
            [sys.executable, "-m", "lettercheck", "audit", "corpus", "--html", str(report)],
            cwd=ROOT,
            check=False,
            capture_output=True,
        )
        run(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--window-size=1280,1100", f"--screenshot={OUT / 'audit.png'}",
            report.as_uri())  # fmt: skip
    print(f"wrote {OUT / 'kommenteret-kopi.png'} and {OUT / 'audit.png'}")


if __name__ == "__main__":
    main()
