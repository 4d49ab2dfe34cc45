"""How many Word comments a person meets per page of an annotated copy (issue 13 §1).

    python benchmarks/comments_per_page.py                 # corpus/*bad* (Word files), defaults
    python benchmarks/comments_per_page.py --suggest --annotate-level raad corpus/x_bad.docx

Writes the annotated copies with the CLI (``lettercheck --annotate``), converts them to PDF with
LibreOffice headless, with comments exported as PDF annotations (``ExportNotes``), and counts the
comment annotations on each page. Prints one line per letter (pages, comments per page) and the
median and largest number of comments on a page over all pages, and the largest on a one-page
letter (the issue's target: at most 12). Needs ``soffice``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PDF_FILTER = 'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}'

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.DOTALL)
_REF = re.compile(rb"(\d+) 0 R")


def comments_per_page(pdf: Path) -> list[int]:
    """The number of comment (``/Subtype/Text``) annotations on each page, in page order.

    LibreOffice writes every object of such a PDF uncompressed, so its page and annotation
    dictionaries can be read with a regular expression; pages are ordered by the ``/Kids`` of
    the page tree (one level: LibreOffice writes a flat tree)."""
    data = pdf.read_bytes()
    objects = {int(m.group(1)): m.group(2) for m in _OBJECT.finditer(data)}
    pages_root = next(body for body in objects.values() if re.search(rb"/Type\s*/Pages\b", body))
    kids = re.search(rb"/Kids\s*\[(.*?)\]", pages_root, re.DOTALL)
    assert kids is not None
    order = [int(n) for n in _REF.findall(kids.group(1))]
    counts = []
    for number in order:
        page = objects[number]
        annots = re.search(rb"/Annots\s*\[(.*?)\]", page, re.DOTALL)
        refs = [int(n) for n in _REF.findall(annots.group(1))] if annots else []
        counts.append(
            sum(1 for r in refs if re.search(rb"/Subtype\s*/Text\b", objects.get(r, b"")))
        )
    return counts


def measure(letters: list[Path], options: list[str], work: Path) -> dict[str, list[int]]:
    """Annotate ``letters`` with the CLI and return comments per page of each copy."""
    out = work / "kommenteret"
    subprocess.run(
        [sys.executable, "-m", "lettercheck", "--quiet", "--annotate", str(out), *options]
        + [str(p) for p in letters],
        cwd=ROOT,
        check=False,
        capture_output=True,
    )
    copies = sorted(p for p in out.iterdir() if p.suffix in (".docx", ".dotx", ".docm"))
    pdfs = work / "pdf"
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("soffice not found: apt-get install libreoffice-writer-nogui")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            PDF_FILTER,
            "--outdir",
            str(pdfs),
            *map(str, copies),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return {c.name: comments_per_page(pdfs / (c.stem + ".pdf")) for c in copies}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("letters", nargs="*", type=Path)
    parser.add_argument("--suggest", action="store_true")
    parser.add_argument("--annotate-level", default=None)
    args = parser.parse_args()
    letters = args.letters or sorted(
        p for p in (ROOT / "corpus").glob("*bad*") if p.suffix in (".docx", ".dotx", ".docm")
    )
    options = ["--suggest"] if args.suggest else []
    if args.annotate_level:
        options += ["--annotate-level", args.annotate_level]
    with tempfile.TemporaryDirectory() as folder:
        pages = measure(letters, options, Path(folder))
    every = [n for counts in pages.values() for n in counts]
    for name, counts in pages.items():
        print(f"{name:60} {len(counts)} s.  {counts}")
    one_page = [counts[0] for counts in pages.values() if len(counts) == 1]
    print(
        f"{len(pages)} breve, {len(every)} sider: median {statistics.median(every):g} "
        f"kommentarer pr. side, højst {max(every)}"
        + (f"; et brev på én side højst {max(one_page)}" if one_page else "")
    )


if __name__ == "__main__":
    main()
