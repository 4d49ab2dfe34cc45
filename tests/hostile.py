"""Builders for hostile and broken input files, made by the tests (never committed as binaries).

Every builder writes one file and returns its path. Hostile content carries :data:`MARKER`, and a
local file that an external entity points at carries :data:`SECRET`, so the tests can assert that
nothing from a rejected file (or from what it points at) ever reaches lettercheck's output.

The legacy ``.doc`` and the password-protected file are OLE2 compound files (CFB, [MS-CFB]); there
is no writer for those in the standard library, so :func:`compound_file` builds one by hand: a
version 3 file with 512-byte sectors whose streams are all at least 4096 bytes, so no mini stream
is needed. The zip bomb is written by streaming zlib with full flushes: one compressed 1 MiB block
is repeated, so a ≥1 GB part costs a megabyte on disk and well under a second to build.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import re
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lettercheck.testing.docxwriter import NAMESPACE_DECLARATIONS, paragraph, write_docx

#: Put inside hostile files; must never appear in lettercheck's output.
MARKER = "HOSTILEMARKER7f3a9c"
#: Put inside a local file an external entity points at; must never appear in the output.
SECRET = "SECRETMARKERb41e2d"

GOOD_LINES = [
    ("Title", "Indkaldelse til samtale om job"),
    (None, "Kære Ali Hassan"),
    (None, "Du får dette brev, fordi vi gerne vil tale med dig om, hvordan du kommer i job."),
    (None, "Målet er, at du får et job, som passer til dig."),
    (None, "Vi mødes tirsdag den 3. marts kl. 10.00 på Jobcentret, Vejlevej 2."),
    (None, "Med venlig hilsen"),
    (None, "Mette Hansen, jobkonsulent"),
    (None, "Telefon 72 10 60 12"),
    (None, "E-mail mette.hansen@fredericia.dk"),
]

_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def good_body(extra: str = "") -> str:
    """The body XML of a short, ordinary letter (with ``extra`` paragraphs before the closing)."""
    lines = [paragraph(text, style=style) for style, text in GOOD_LINES]
    return "".join(lines[:5]) + extra + "".join(lines[5:])


def good_letter(path: Path, **kwargs) -> Path:
    write_docx(path, good_body(), **kwargs)
    return path


def good_text_letter(path: Path) -> Path:
    path.write_text("\n".join(text for _style, text in GOOD_LINES) + "\n", encoding="utf-8")
    return path


def docx_bytes(body: str | None = None, **kwargs) -> bytes:
    """A valid letter package as bytes (for mutation)."""
    buffer = io.BytesIO()
    write_docx(buffer, good_body() if body is None else body, **kwargs)
    return buffer.getvalue()


def read_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def zip_parts(parts: dict[str, bytes]) -> bytes:
    """Re-zip parts (deflated, fixed timestamps) into a structurally valid ZIP."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def replaced(path: Path, changes: dict[str, bytes | None], body: str | None = None) -> Path:
    """A good letter with parts replaced (bytes) or removed (``None``)."""
    parts = read_parts(docx_bytes(body))
    for name, data in changes.items():
        if data is None:
            parts.pop(name, None)
        else:
            parts[name] = data
    path.write_bytes(zip_parts(parts))
    return path


def document_xml(body: str, prolog: str = "") -> bytes:
    """A ``word/document.xml`` with ``prolog`` (e.g. a DOCTYPE) between declaration and root."""
    return (
        f"{_XML_DECL}{prolog}<w:document {NAMESPACE_DECLARATIONS}><w:body>{body}"
        "</w:body></w:document>"
    ).encode()


# --- Not a letter -------------------------------------------------------------------------------


def empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def random_bytes(path: Path, size: int = 20_000, seed: int = 6) -> Path:
    """Noise named .docx, with the marker in the middle (a careless reader might echo it)."""
    rng = random.Random(seed)
    noise = bytes(rng.getrandbits(8) for _ in range(size))
    path.write_bytes(noise[: size // 2] + MARKER.encode() + noise[size // 2 :])
    return path


def zip_without_document(path: Path) -> Path:
    """A valid ZIP of text files: no content types, no relationships, no word/document.xml."""
    path.write_bytes(zip_parts({"notes.txt": f"{MARKER} not a letter".encode()}))
    return path


def zip_of_other_office_document(path: Path) -> Path:
    """A package whose main part is a spreadsheet-like type, not WordprocessingML."""
    data = docx_bytes(paragraph(MARKER))
    parts = read_parts(data)
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"wordprocessingml.document.main+xml", b"spreadsheetml.sheet.main+xml"
    )
    path.write_bytes(zip_parts(parts))
    return path


def missing_package_rels(path: Path) -> Path:
    return replaced(path, {"_rels/.rels": None}, body=paragraph(MARKER))


def broken_package_rels(path: Path) -> Path:
    return replaced(
        path, {"_rels/.rels": b"<Relationships><Relationship Id='rId1' "}, body=paragraph(MARKER)
    )


def dangling_main_relationship(path: Path) -> Path:
    """_rels/.rels points at a main document that is not in the package."""
    parts = read_parts(docx_bytes(paragraph(MARKER)))
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"word/document.xml", b"word/gone.xml")
    path.write_bytes(zip_parts(parts))
    return path


def broken_document_rels(path: Path) -> Path:
    return replaced(
        path,
        {"word/_rels/document.xml.rels": b"<?xml version='1.0'?><Relationships><oops"},
        body=paragraph(MARKER),
    )


def missing_content_types(path: Path) -> Path:
    return replaced(path, {"[Content_Types].xml": None}, body=paragraph(MARKER))


def malformed_document_xml(path: Path) -> Path:
    body = paragraph(f"{MARKER} Kære borger") + "<w:p><w:r><w:t>ikke lukket</w:r></w:p>"
    return replaced(path, {"word/document.xml": document_xml(body)})


def malformed_styles_xml(path: Path) -> Path:
    """The main document is fine; a part it relies on is not XML."""
    return replaced(path, {"word/styles.xml": f"<w:styles>{MARKER}<<".encode()})


def truncated_zip(path: Path, keep: float = 0.5) -> Path:
    data = docx_bytes(good_body(paragraph(MARKER * 50)))
    path.write_bytes(data[: int(len(data) * keep)])
    return path


# --- OLE2 compound files (legacy .doc, password-protected Word files) ----------------------------

_FREESECT = 0xFFFFFFFF
_ENDOFCHAIN = 0xFFFFFFFE
_FATSECT = 0xFFFFFFFD
_NOSTREAM = 0xFFFFFFFF
_SECTOR = 512
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _dir_entry(
    name: str, kind: int, *, left=_NOSTREAM, right=_NOSTREAM, child=_NOSTREAM, start=0, size=0
) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        encoded.ljust(64, b"\0"),
        len(encoded),
        kind,
        1,  # black: a degenerate (all-right) tree is a valid red-black tree only if black
        left,
        right,
        child,
        b"\0" * 16,
        0,
        0,
        0,
        start,
        size,
    )


def compound_file(streams: dict[str, bytes]) -> bytes:
    """An OLE2 compound file (CFB v3) holding ``streams`` in its root storage.

    Every stream is padded to at least 4096 bytes (the mini stream cutoff) so all of them live in
    ordinary sectors; the FAT, one directory chain and the header's DIFAT are written by hand.
    """
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # CFB's directory order
    data = {n: streams[n].ljust(4096, b"\0") for n in names}
    sectors: list[bytes] = []
    fat: list[int] = []
    starts: dict[str, int] = {}
    for name in names:
        blob = data[name]
        count = -(-len(blob) // _SECTOR)
        starts[name] = len(sectors)
        for i in range(count):
            sectors.append(blob[i * _SECTOR : (i + 1) * _SECTOR].ljust(_SECTOR, b"\0"))
            fat.append(len(sectors) if i < count - 1 else _ENDOFCHAIN)
    entries = [_dir_entry("Root Entry", 5, child=1 if names else _NOSTREAM, start=_ENDOFCHAIN)]
    for i, name in enumerate(names, start=1):
        right = i + 1 if i < len(names) else _NOSTREAM
        entries.append(_dir_entry(name, 2, right=right, start=starts[name], size=len(data[name])))
    while len(entries) % 4:
        entries.append(_dir_entry("", 0))
    directory = b"".join(entries)
    dir_start = len(sectors)
    dir_count = len(directory) // _SECTOR
    for i in range(dir_count):
        sectors.append(directory[i * _SECTOR : (i + 1) * _SECTOR])
        fat.append(len(sectors) if i < dir_count - 1 else _ENDOFCHAIN)
    fat_count = 1
    while len(sectors) + fat_count > fat_count * (_SECTOR // 4):
        fat_count += 1
    assert fat_count <= 109, "more FAT sectors than the header's DIFAT holds"
    fat_start = len(sectors)
    fat.extend([_FATSECT] * fat_count)
    fat.extend([_FREESECT] * (fat_count * (_SECTOR // 4) - len(fat)))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    difat = [fat_start + i for i in range(fat_count)] + [_FREESECT] * (109 - fat_count)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I",
        _OLE_MAGIC,
        b"\0" * 16,
        0x003E,
        0x0003,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        fat_count,
        dir_start,
        0,
        4096,
        _ENDOFCHAIN,
        0,
        _ENDOFCHAIN,
        0,
        *difat,
    )
    return header + b"".join(sectors) + fat_bytes


def legacy_doc(path: Path) -> Path:
    """A Word 97-2003 .doc as far as a reader can tell: a compound file with a WordDocument stream
    (the FIB magic 0xA5EC first) and a 1Table stream."""
    word = struct.pack("<HH", 0xA5EC, 0x00C1) + f"Kære borger {MARKER}".encode("utf-16-le")
    path.write_bytes(compound_file({"WordDocument": word, "1Table": b"\0" * 64}))
    return path


def encrypted_docx(path: Path) -> Path:
    """What Word writes for a password-protected .docx: a compound file with EncryptionInfo and
    EncryptedPackage streams (here with agile-encryption version numbers and random ciphertext)."""
    rng = random.Random(4)
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>"
    package = struct.pack("<Q", 9000) + bytes(rng.getrandbits(8) for _ in range(9000))
    path.write_bytes(
        compound_file(
            {
                "EncryptionInfo": info,
                "EncryptedPackage": package + MARKER.encode(),
                "\x06DataSpaces": b"\0" * 16,
            }
        )
    )
    return path


# --- Resource attacks ---------------------------------------------------------------------------


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def _raw_zip(path: Path, entries: Iterable[tuple[str, Iterable[bytes], int, int, int]]) -> None:
    """Write a ZIP from pre-deflated entries: (name, deflated chunks, crc, compressed size,
    uncompressed size). Sizes below 4 GiB only (no ZIP64); used to state sizes honestly for a
    bomb without ever holding it inflated."""
    central = []
    with open(path, "wb") as out:
        for name, chunks, crc, csize, usize in entries:
            offset = out.tell()
            raw_name = name.encode()
            out.write(
                struct.pack(
                    "<4sHHHHHIIIHH",
                    b"PK\x03\x04",
                    20,
                    0,
                    8,
                    0,
                    0x21,
                    crc,
                    csize,
                    usize,
                    len(raw_name),
                    0,
                )
            )
            out.write(raw_name)
            for chunk in chunks:
                out.write(chunk)
            central.append(
                struct.pack(
                    "<4sHHHHHHIIIHHHHHII",
                    b"PK\x01\x02",
                    20,
                    20,
                    0,
                    8,
                    0,
                    0x21,
                    crc,
                    csize,
                    usize,
                    len(raw_name),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + raw_name
            )
        cd_offset = out.tell()
        cd = b"".join(central)
        out.write(cd)
        out.write(
            struct.pack(
                "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central), len(cd), cd_offset, 0
            )
        )


def zip_bomb(path: Path, inflated: int = 1 << 30, *, lie_about_size: bool = False) -> Path:
    """A small letter whose word/document.xml inflates to ``inflated`` bytes (≥ 1 GiB by default).

    The XML is well formed (one w:t of spaces holding the marker), so only a size cap stops it.
    With ``lie_about_size`` the ZIP headers declare a harmless 1 KB instead of the true size.
    """
    block = 1 << 20
    head = (
        f"{_XML_DECL}<w:document {NAMESPACE_DECLARATIONS}><w:body>"
        f'<w:p><w:r><w:t xml:space="preserve">{MARKER}'
    ).encode()
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    chunk = b" " * block
    repeats = max(1, (inflated - len(head) - len(tail)) // block)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    one = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    two = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    assert one == two, "a full flush must make the compressed block repeatable"
    last = c.compress(tail) + c.flush()
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    usize = len(head) + repeats * block + len(tail)
    csize = len(first) + (repeats) * len(one) + len(last)

    def bomb_chunks():
        yield first
        for _ in range(repeats):
            yield one
        yield last

    entries = []
    for name, data in read_parts(docx_bytes()).items():
        if name == "word/document.xml":
            declared = 1000 if lie_about_size else usize
            entries.append((name, bomb_chunks(), crc, csize, declared))
        else:
            packed = _deflate(data)
            entries.append((name, [packed], zlib.crc32(data), len(packed), len(data)))
    _raw_zip(path, entries)
    return path


def billion_laughs(path: Path, part: str = "word/document.xml") -> Path:
    """Entity expansion: ten levels of ten references, 10^9 copies of the marker if expanded."""
    entities = [f'<!ENTITY lol0 "{MARKER}">']
    entities += [
        f'<!ENTITY lol{i} "{"".join(f"&lol{i - 1};" for _ in range(10))}">' for i in range(1, 10)
    ]
    prolog = f"<!DOCTYPE w:document [{''.join(entities)}]>"
    body = good_body(paragraph("Kære borger") + "<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>")
    return replaced(path, {part: document_xml(body, prolog)})


def external_entity(path: Path, secret_file: Path, part: str = "word/document.xml") -> Path:
    """An external entity pointing at a local file that holds :data:`SECRET`."""
    prolog = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">]>'
    body = good_body("<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>")
    if part == "word/document.xml":
        return replaced(path, {part: document_xml(body, prolog)})
    parts = read_parts(docx_bytes())
    xml = parts[part].decode()
    decl_end = xml.index("?>") + 2
    root_end = xml.index(">", decl_end + 1) + 1
    xml = xml[:decl_end] + prolog + xml[decl_end:root_end] + "<x>&xxe;</x>" + xml[root_end:]
    parts[part] = xml.encode()
    path.write_bytes(zip_parts(parts))
    return path


def external_entity_utf16(path: Path, secret_file: Path) -> Path:
    """The same external entity in a UTF-16 document.xml, which a plain byte search misses."""
    prolog = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">]>'
    body = good_body("<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>")
    xml = document_xml(body, prolog).decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return replaced(path, {"word/document.xml": xml.encode("utf-16")})


def xinclude(path: Path, secret_file: Path) -> Path:
    """An XInclude of a local file: must never be processed."""
    body = good_body(
        '<w:p><w:r><w:t><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
        f'href="{secret_file.as_uri()}" parse="text"/></w:t></w:r></w:p>'
    )
    return replaced(path, {"word/document.xml": document_xml(body)})


def large_letter(path: Path, megabytes: int = 50, images: int = 10, seed: int = 50) -> Path:
    """A genuine letter with ``megabytes`` of photos: incompressible random bytes, stored."""
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
    names = [f"word/media/image{i}.png" for i in range(1, images + 1)]
    drawings = "".join(
        "<w:p><w:r><w:drawing><wp:inline><wp:extent cx='952500' cy='952500'/>"
        f"<wp:docPr id='{i}' name='Billede {i}'/><a:graphic><a:graphicData "
        "uri='http://schemas.openxmlformats.org/drawingml/2006/picture'><pic:pic><pic:blipFill>"
        f"<a:blip r:embed='rIdImg{i}'/></pic:blipFill></pic:pic></a:graphicData></a:graphic>"
        "</wp:inline></w:drawing></w:r></w:p>"
        for i in range(1, images + 1)
    )
    buffer = io.BytesIO()
    write_docx(
        buffer,
        good_body(drawings),
        extra_parts={name: b"" for name in names},
        relationships=[
            (f"rIdImg{i}", rel, f"media/image{i}.png", None) for i in range(1, images + 1)
        ],
    )
    rng = random.Random(seed)
    size = megabytes * 1024 * 1024 // images
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            if info.filename in names:
                photo = b"\x89PNG\r\n\x1a\n" + rng.randbytes(size)
                dst.writestr(info.filename, photo, compress_type=zipfile.ZIP_STORED)
            else:
                dst.writestr(info, src.read(info), compress_type=zipfile.ZIP_DEFLATED)
    return path


def long_paragraph(path: Path, chars: int = 1_050_000) -> Path:
    """One paragraph of over a million characters (more than spaCy's default ``max_length``)."""
    sentence = "Du skal møde op på jobcentret, når vi indkalder dig til en samtale om dit job. "
    text = (sentence * (chars // len(sentence) + 1))[:chars]
    write_docx(path, good_body(paragraph(text)))
    return path


def nested_tables(path: Path, depth: int = 200) -> Path:
    """Tables nested ``depth`` levels deep, a line of text in every cell."""
    inner = paragraph("Den inderste celle.")
    for level in range(depth, 0, -1):
        inner = (
            "<w:tbl><w:tblPr><w:tblW w:w='0' w:type='auto'/></w:tblPr><w:tblGrid>"
            "<w:gridCol w:w='2000'/></w:tblGrid><w:tr><w:tc>"
            f"{paragraph(f'Niveau {level}.')}{inner}<w:p/></w:tc></w:tr></w:tbl>"
        )
    write_docx(path, good_body(inner))
    return path


# --- Helpers for the tests -----------------------------------------------------------------------


def tree_hashes(*roots: Path) -> dict[Path, str]:
    """SHA-256 of every file (not following links) under ``roots``: inputs must not change."""
    hashes: dict[Path, str] = {}
    for root in roots:
        files = [root] if not root.is_dir() else sorted(root.rglob("*"))
        for file in files:
            if file.is_file() and not file.is_symlink():
                hashes[file] = hashlib.sha256(file.read_bytes()).hexdigest()
    return hashes


# --- Running the real CLI ------------------------------------------------------------------------


def cli_command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "lettercheck", *map(str, args)]


def misbehaving_cli_command(how: str, name: str, *args: str | Path) -> list[str]:
    """The command line with the letter ``name`` misbehaving (``how``: ``crash-on``, the worker
    dies; ``slow-on``, it never finishes): see tests/misbehaving_cli.py."""
    script = Path(__file__).with_name("misbehaving_cli.py")
    return [sys.executable, str(script), f"{how}={name}", *map(str, args)]


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a CLI run: no debug mode (a bug must show as a clean line), no colour."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LETTERCHECK_")}
    env.update({"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}, **extra)
    return env


def run_cli(
    *args: str | Path,
    timeout: float = 120,
    env: dict[str, str] | None = None,
    misbehave: tuple[str, str] | None = None,
    **kwargs,
) -> subprocess.CompletedProcess:
    """``python -m lettercheck ARGS`` in a child process, text output, with a hard timeout;
    ``misbehave=("crash-on", "brev3.docx")`` runs it with that letter misbehaving."""
    command = misbehaving_cli_command(*misbehave, *args) if misbehave else cli_command(*args)
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        env=env if env is not None else cli_env(),
        **kwargs,
    )


@dataclass
class Measured:
    """A finished CLI run with its wall time and the peak resident memory of the child tree."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_bytes: int


def run_measured(*args: str | Path, timeout: float = 120) -> Measured:
    """Run the CLI and measure it with ``wait4``: the rusage of exactly this child (and the
    workers it waited for), unpolluted by other children of the test process. A run that
    exceeds ``timeout`` is killed and reported as a failure by the caller (returncode -9)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(cli_command(*args), stdout=out, stderr=err, env=cli_env())
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(
            returncode=proc.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            seconds=seconds,
            peak_rss_bytes=usage.ru_maxrss * 1024,  # kilobytes on Linux
        )


def lines_naming(output: str, path: Path) -> list[str]:
    """The text report's lines about ``path``: its name as a whole path component, followed by
    ``:`` (an error) or two spaces (the LIX head line)."""
    pattern = re.compile(rf"(^|/){re.escape(path.name)}(:|  )")
    return [line for line in output.splitlines() if pattern.search(line)]


def assert_no_traceback(*streams: str) -> None:
    for stream in streams:
        assert "Traceback" not in stream, stream[-3000:]
        assert "RecursionError" not in stream, stream[-3000:]


def assert_nothing_leaked(*streams: str) -> None:
    for stream in streams:
        assert MARKER not in stream, "a rejected file's content reached the output"
        assert SECRET not in stream, "a file an entity points at reached the output"


def assert_one_clean_error_line(output: str, path: Path, *keywords: str) -> str:
    """Exactly one line names the bad file: it says it cannot be read, what is wrong and what to
    do (two sentences at least), and contains one of ``keywords`` when given. Returns the line."""
    lines = lines_naming(output, path)
    assert len(lines) == 1, f"expected one line for {path.name}, got {lines!r}"
    line = lines[0]
    assert "kan ikke læses" in line, line
    message = line.split("kan ikke læses:", 1)[1].strip()
    assert "Intern fejl" not in message, f"an internal error is a bug: {line}"
    sentences = [s for s in re.split(r"(?<=[.!])\s+", message) if s.strip()]
    assert len(sentences) >= 2, f"say what is wrong and what to do: {line}"
    if keywords:
        assert any(k.lower() in message.lower() for k in keywords), (keywords, line)
    return line


# --- Privileges and limits for the file-system tests ---------------------------------------------

#: Linux capabilities that let root ignore file modes (capability.h): without them, root is
#: refused by a chmod 000 file it owns like any other user. PR_CAPBSET_DROP is prctl option 24.
_CAP_DAC_OVERRIDE = 1
_CAP_DAC_READ_SEARCH = 2
_PR_CAPBSET_DROP = 24


def running_as_root() -> bool:
    return os.geteuid() == 0


def drop_file_mode_override() -> None:
    """``preexec_fn``: remove the two capabilities from the child's bounding set before exec, so
    the CLI runs as root yet subject to file modes (CI runs as root, and ``nobody`` cannot run a
    Python that lives under /root)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


_CAP_SETPCAP = 8


def _has_capability(cap: int) -> bool:
    """Whether this process holds ``cap`` in its effective set (Linux /proc)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return False
    match = re.search(r"^CapEff:\s*([0-9a-f]+)$", status, re.M)
    return bool(match) and bool(int(match.group(1), 16) >> cap & 1)


def unprivileged() -> dict:
    """``subprocess`` keyword arguments that make a CLI run subject to file modes. As root this
    needs CAP_SETPCAP (to drop capabilities from the bounding set), which root has in an ordinary
    container and CI runner; without it the test is skipped, saying why."""
    if not running_as_root():
        return {}
    if not _has_capability(_CAP_SETPCAP):
        import pytest

        pytest.skip("running as root without CAP_SETPCAP: cannot make file modes apply to root")
    return {"preexec_fn": drop_file_mode_override}


def file_size_limit(limit: int):
    """A ``preexec_fn`` that caps the size of any file the child writes (RLIMIT_FSIZE), the way a
    full disk stops a write half-way (Python ignores SIGXFSZ, so the write fails with EFBIG)."""
    import resource

    def limit_child() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_child


def leftovers(folder: Path) -> list[str]:
    """Temporary or hidden files left in an output folder (a half-written file would be one);
    the marker --annotate writes into its folder is not a leftover."""
    from lettercheck.app.files import ANNOTATED_MARKER

    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.name != ANNOTATED_MARKER
        and (p.name.startswith(".") or p.name.endswith((".tmp", ".part", "~")))
    )


def assert_complete_zips(folder: Path) -> int:
    """Every .docx under ``folder`` is a complete ZIP (CRCs checked); returns how many."""
    count = 0
    for file in folder.rglob("*.docx"):
        with zipfile.ZipFile(file) as zf:
            assert zf.testzip() is None, file
        count += 1
    return count


def relationships_out_of_the_package(path: Path, secret_file: Path) -> Path:
    """Header and footer relationships aimed at a local file: an absolute part name, a ``../``
    climb out of the package, and an external ``file:`` URI. Parts live only inside the ZIP, so
    none of them may ever be read from disk."""
    parts = read_parts(
        docx_bytes(headers=[paragraph("Jobcenter")], footers=[paragraph("Telefon 72 10 60 00")])
    )
    rels = parts["word/_rels/document.xml.rels"].decode()
    climb = "../" * 12 + secret_file.as_posix().lstrip("/")
    rels = rels.replace('Target="header1.xml"', f'Target="{climb}"')
    rels = rels.replace(
        'Target="footer1.xml"', f'Target="{secret_file.as_uri()}" TargetMode="External"'
    )
    extra = (
        '<Relationship Id="rIdAbs" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/header" Target="{secret_file.as_posix()}"/></Relationships>'
    )
    parts["word/_rels/document.xml.rels"] = rels.replace("</Relationships>", extra).encode()
    path.write_bytes(zip_parts(parts))
    return path


def invoke_cli(*args):  # type: ignore[no-untyped-def]
    """The CLI in-process (click's CliRunner): the same code path as ``python -m lettercheck``
    without a new interpreter and spaCy load per run, for cases that cannot hang and need no
    process-level control (signals, limits, environment use ``run_cli``). A raised exception
    fails the test; ``returncode`` is set as on a CompletedProcess."""
    from click.testing import CliRunner

    from lettercheck.app.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"the CLI raised {result.exception!r}") from result.exception
    result.returncode = result.exit_code
    return result
