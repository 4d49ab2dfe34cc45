"""LibreOffice for the tests that open lettercheck's input and output in a real application:
finding ``soffice``, converting files in one run, and reading the ODT it writes back (every
annotation with the text it is anchored on, and the tracked changes).

Needs the Debian package libreoffice-writer-nogui (``.ci/run`` installs it). Without ``soffice``
the tests skip on a developer machine, and fail under CI (``CI=true``), so CI can never pass
without really running them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
DC = "http://purl.org/dc/elements/1.1/"
DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("soffice is missing in CI: install the Debian package libreoffice-writer-nogui")
    pytest.skip("soffice not installed (apt-get install libreoffice-writer-nogui)")


def convert(
    files: list[Path], target: str, outdir: Path, profile: Path
) -> subprocess.CompletedProcess:
    """Convert ``files`` to ``target`` ("odt", "docx:MS Word 2007 XML") into ``outdir`` in ONE
    LibreOffice run (its start-up is the slow part), with a profile of its own so a running
    LibreOffice or another test cannot interfere."""
    outdir.mkdir(parents=True, exist_ok=True)  # LibreOffice fails to store into a missing folder
    return subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *[str(f) for f in files],
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


@dataclass
class Annotation:
    paragraphs: list[str]
    creator: str
    anchored: str = ""
    ended: bool = False


@dataclass
class Odt:
    annotations: list[Annotation] = field(default_factory=list)
    deletions: list[tuple[str, str]] = field(default_factory=list)  # (creator, deleted text)
    insertions: list[str] = field(default_factory=list)  # creators


def _text_of(el: etree._Element) -> str:
    """The text of an ODF element as shown: text:s are spaces, text:tab a tab."""
    parts = [el.text or ""] if el.tag not in _SKIP else []
    for child in el:
        parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


_SKIP = {f"{{{OFFICE}}}annotation", f"{{{TEXT}}}tracked-changes", f"{{{DRAW}}}frame"}


def _inline(el: etree._Element) -> str:
    tag = el.tag
    if tag == f"{{{TEXT}}}s":
        return " " * int(el.get(f"{{{TEXT}}}c", "1"))
    if tag == f"{{{TEXT}}}tab":
        return "\t"
    if tag == f"{{{TEXT}}}line-break":
        return "\n"
    if tag in _SKIP or not isinstance(tag, str):
        return ""
    return _text_of(el)


def read_odt(path: Path) -> Odt:
    """Every annotation of an ODT with the text between it and its end, in document order."""
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("content.xml"))
    body = root.find(f"{{{OFFICE}}}body")
    assert body is not None
    odt = Odt()
    for change in body.iter(f"{{{TEXT}}}changed-region"):
        for kind in ("deletion", "insertion"):
            for el in change.iter(f"{{{TEXT}}}{kind}"):
                creator = "".join(el.find(f"{{{OFFICE}}}change-info").itertext(f"{{{DC}}}creator"))
                if kind == "deletion":
                    text = "".join(_text_of(p) for p in el.iter(f"{{{TEXT}}}p"))
                    odt.deletions.append((creator, text))
                else:
                    odt.insertions.append(creator)

    open_: dict[str, Annotation] = {}

    def add(text: str) -> None:
        # LibreOffice 7.4 shows a block-level content control as an input field ending in \r,
        # and a w:noBreakHyphen as U+2011 where the reader (and Word's text) has "-".
        text = text.replace("\r", "").replace("\u2011", "-")
        for annotation in open_.values():
            annotation.anchored += text

    def walk(el: etree._Element) -> None:
        tag = el.tag
        if tag == f"{{{OFFICE}}}annotation":
            annotation = Annotation(
                paragraphs=[_text_of(p) for p in el.findall(f"{{{TEXT}}}p")],
                creator="".join(el.find(f"{{{DC}}}creator").itertext()),
            )
            odt.annotations.append(annotation)
            name = el.get(f"{{{OFFICE}}}name")
            if name:
                open_[name] = annotation
        elif tag == f"{{{OFFICE}}}annotation-end":
            annotation = open_.pop(el.get(f"{{{OFFICE}}}name") or "", None)
            if annotation is not None:
                annotation.ended = True
        elif tag in _SKIP or not isinstance(tag, str):
            pass
        elif tag in (f"{{{TEXT}}}s", f"{{{TEXT}}}tab", f"{{{TEXT}}}line-break"):
            add(_inline(el))
        else:
            add(el.text or "")
            for child in el:
                walk(child)
                add(child.tail or "")

    walk(body)
    return odt
