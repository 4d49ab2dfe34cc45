"""Package-level defences (issue 6): every hostile or broken file gives one clean Danish line.

The hostile files are made here: ZIPs by hand (so a zip bomb can be streamed without ever holding
its gigabyte), OLE compound files by hand (olefile reads but cannot write them).
"""

from __future__ import annotations

import hashlib
import os
import struct
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from lettercheck.model.document import LetterError
from lettercheck.testing.docxwriter import paragraph, write_docx
from lettercheck.word import package as pkgmod
from lettercheck.word.package import open_package
from lettercheck.word.reader import read_document

SECRET = "HEMMELIG-MARKØR-7f3a"


def error_of(path: Path) -> str:
    """The one-line error for a file; the input must be byte-identical afterwards."""
    before = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    with pytest.raises(LetterError) as info:
        read_document(path)
    message = str(info.value)
    assert message and "\n" not in message and "\r" not in message
    assert "Traceback" not in message
    assert SECRET not in message
    if before is not None:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    return message


def good_docx(path: Path, text: str = "Kære Hans") -> Path:
    write_docx(path, paragraph(text))
    return path


def rewrite(src: Path, dst: Path, replace: dict[str, bytes | None]) -> Path:
    """Copy a package, replacing (bytes) or dropping (None) parts."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in replace:
                data = replace[info.filename]
                if data is not None:
                    zout.writestr(info.filename, data)
            else:
                zout.writestr(info.filename, zin.read(info))
    return dst


# -- not a letter -------------------------------------------------------------------------------
def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "tom.docx"
    path.write_bytes(b"")
    assert "tom" in error_of(path)


def test_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "støj.docx"
    path.write_bytes(os.urandom(4096) + SECRET.encode())
    message = error_of(path)
    assert "ikke et Word-dokument" in message and "gem" in message


def test_zip_without_main_document(tmp_path: Path) -> None:
    path = tmp_path / "zip.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("noter.txt", SECRET)
    assert "hoveddokument" in error_of(path) or "mangler" in error_of(path)
    # a package whose relationships point at a missing document
    src = good_docx(tmp_path / "god.docx")
    broken = rewrite(src, tmp_path / "uden-dokument.docx", {"word/document.xml": None})
    assert "hoveddokumentet mangler" in error_of(broken)


def test_main_document_found_through_relationships(tmp_path: Path) -> None:
    """The main document need not be word/document.xml: _rels/.rels says where it is."""
    src = good_docx(tmp_path / "god.docx")
    moved = tmp_path / "flyttet.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(moved, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            name = info.filename
            if name == "word/document.xml":
                name = "word/brev.xml"
            elif name == "word/_rels/document.xml.rels":
                name = "word/_rels/brev.xml.rels"
            elif name in ("_rels/.rels", "[Content_Types].xml"):
                data = data.replace(b"word/document.xml", b"word/brev.xml")
            zout.writestr(name, data)
    with open_package(moved) as pkg:
        assert pkg.main_document == "word/brev.xml"
    doc = read_document(moved)
    assert [b.text for b in doc.blocks] == ["Kære Hans"]
    assert doc.blocks[0].story == "word/brev.xml"
    assert doc.blocks[0].style == "Normal"  # styles found through the moved part's relationships


def test_missing_and_broken_relationship_parts(tmp_path: Path) -> None:
    src = good_docx(tmp_path / "god.docx")
    no_rels = rewrite(src, tmp_path / "a.docx", {"_rels/.rels": None})
    assert "_rels/.rels" in error_of(no_rels)
    bad_rels = rewrite(src, tmp_path / "b.docx", {"_rels/.rels": b"<Relationships><oops"})
    assert "ikke gyldig XML" in error_of(bad_rels)
    no_types = rewrite(src, tmp_path / "c.docx", {"[Content_Types].xml": None})
    assert "Content_Types" in error_of(no_types)
    # without the document's own relationships the text is still read (no styles, no headers)
    no_doc_rels = rewrite(src, tmp_path / "d.docx", {"word/_rels/document.xml.rels": None})
    assert [b.text for b in read_document(no_doc_rels).blocks] == ["Kære Hans"]


def test_not_a_word_package(tmp_path: Path) -> None:
    src = good_docx(tmp_path / "god.docx")
    with zipfile.ZipFile(src) as zf:
        types = zf.read("[Content_Types].xml")
    sheet = types.replace(b"wordprocessingml.document.main+xml", b"spreadsheetml.sheet.main+xml")
    path = rewrite(src, tmp_path / "regneark.docx", {"[Content_Types].xml": sheet})
    assert "ikke et Word-dokument" in error_of(path)


def test_malformed_xml_in_a_part(tmp_path: Path) -> None:
    src = good_docx(tmp_path / "god.docx")
    broken = (
        b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>' + SECRET.encode() + b"</w:body>"
    )
    path = rewrite(src, tmp_path / "brudt.docx", {"word/document.xml": broken})
    message = error_of(path)
    assert "word/document.xml" in message and "ikke gyldig XML" in message
    styles = rewrite(src, tmp_path / "stil.docx", {"word/styles.xml": b"\x00\x01garbage"})
    assert "word/styles.xml" in error_of(styles)


def test_truncated_zip(tmp_path: Path) -> None:
    src = good_docx(tmp_path / "god.docx")
    data = src.read_bytes()
    for cut in (len(data) // 2, len(data) - 10, 30):
        path = tmp_path / f"afkortet-{cut}.docx"
        path.write_bytes(data[:cut])
        assert "afkortet" in error_of(path)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = good_docx(tmp_path / "låst.docx")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # root reads any file, so simulate the permission error where the file is opened

        def denied(*args: object, **kwargs: object) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(pkgmod, "open", denied, raising=False)
        assert "Ingen adgang" in error_of(path)
        return
    path.chmod(0)
    try:
        assert "Ingen adgang" in error_of(path)
    finally:
        path.chmod(0o644)


def test_directory_and_missing_file(tmp_path: Path) -> None:
    folder = tmp_path / "mappe.docx"
    folder.mkdir()
    error_of(folder)
    with pytest.raises(LetterError):
        read_document(tmp_path / "findes-ikke.docx")


# -- OLE compound files: legacy .doc and password-protected Word files ---------------------------
def make_ole(path: Path, streams: dict[str, bytes]) -> Path:
    """Write a minimal version-3 compound file (512-byte sectors, one FAT sector, one directory
    sector, every stream padded to >= 4096 bytes so no mini stream is needed)."""
    end, free, fat_sect, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    names = list(streams)
    assert len(names) <= 3
    datas = [streams[n].ljust(4096, b"\x00") for n in names]
    datas = [d + b"\x00" * (-len(d) % 512) for d in datas]
    fat = [fat_sect, end]  # sector 0: the FAT, sector 1: the directory
    starts = []
    for d in datas:
        count = len(d) // 512
        first = len(fat)
        starts.append(first)
        fat.extend(range(first + 1, first + count))
        fat.append(end)
    assert len(fat) <= 128
    fat_bytes = struct.pack("<128I", *(fat + [free] * (128 - len(fat))))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le") if name else b""
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", nostream, right, child)
            + b"\x00" * 16
            + struct.pack("<I", 0)
            + b"\x00" * 16
            + struct.pack("<IQ", start, size)
        )

    entries = [entry("Root Entry", 5, 1 if names else nostream, nostream, end, 0)]
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else nostream
        entries.append(entry(name, 2, nostream, right, starts[i], len(streams[name])))
    while len(entries) < 4:
        entries.append(
            b"\x00" * 64
            + struct.pack("<HBB", 0, 0, 0)
            + struct.pack("<III", nostream, nostream, nostream)
            + b"\x00" * 36
            + struct.pack("<IQ", 0, 0)
        )
    header = (
        bytes.fromhex("d0cf11e0a1b11ae1")
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", 0, *([free] * 108))
    )
    assert len(header) == 512
    path.write_bytes(header + fat_bytes + b"".join(entries) + b"".join(datas))
    return path


def test_legacy_doc(tmp_path: Path) -> None:
    import olefile

    path = make_ole(tmp_path / "gammel.doc", {"WordDocument": SECRET.encode() * 10})
    assert olefile.isOleFile(str(path))
    message = error_of(path)
    assert ".doc" in message and "gem det som .docx" in message
    renamed = make_ole(tmp_path / "gammel.docx", {"WordDocument": b"x"})
    assert "gem det som .docx" in error_of(renamed)


def test_password_protected_word_file(tmp_path: Path) -> None:
    path = make_ole(
        tmp_path / "kode.docx",
        {"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": SECRET.encode() * 100},
    )
    message = error_of(path)
    assert "adgangskode" in message and "Fjern adgangskoden" in message
    only_package = make_ole(tmp_path / "kode2.docx", {"EncryptedPackage": b"\x01" * 5000})
    assert "Fjern adgangskoden" in error_of(only_package)


def test_broken_ole_file(tmp_path: Path) -> None:
    path = tmp_path / "brudt.doc"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + SECRET.encode() * 50)
    error_of(path)


# -- DOCTYPE, entities --------------------------------------------------------------------------
W_NS = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _doc_with_prolog(prolog: bytes, text: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        + prolog
        + b"<w:document "
        + W_NS
        + b"><w:body><w:p><w:r><w:t>"
        + text
        + b"</w:t></w:r></w:p></w:body></w:document>"
    )


def test_doctype_with_external_entity_is_refused(tmp_path: Path) -> None:
    secret_file = tmp_path / "hemmelig.txt"
    secret_file.write_text(SECRET, "utf-8")
    src = good_docx(tmp_path / "god.docx")
    for i, target in enumerate((secret_file.as_uri(), "file:///etc/passwd")):
        xml = _doc_with_prolog(
            b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "' + target.encode() + b'">]>', b"&xxe;"
        )
        path = rewrite(src, tmp_path / f"xxe{i}.docx", {"word/document.xml": xml})
        message = error_of(path)
        assert "DOCTYPE" in message
        assert "root:" not in message


def test_billion_laughs_is_refused_fast(tmp_path: Path) -> None:
    entities = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    xml = _doc_with_prolog(b"<!DOCTYPE w:document [" + entities + b"]>", b"&lol9;")
    src = good_docx(tmp_path / "god.docx")
    path = rewrite(src, tmp_path / "lol.docx", {"word/document.xml": xml})
    start = time.perf_counter()
    assert "DOCTYPE" in error_of(path)
    assert time.perf_counter() - start < 2


def test_doctype_in_utf16_and_in_relationships_is_refused(tmp_path: Path) -> None:
    src = good_docx(tmp_path / "god.docx")
    xml16 = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p></w:body></w:document>"
    ).encode("utf-16")
    path = rewrite(src, tmp_path / "utf16.docx", {"word/document.xml": xml16})
    assert "DOCTYPE" in error_of(path)
    with zipfile.ZipFile(src) as zf:
        rels = zf.read("_rels/.rels")
    rels = rels.replace(b"<Relationships", b"<!DOCTYPE r [<!ENTITY e 'x'>]><Relationships", 1)
    path = rewrite(src, tmp_path / "rels.docx", {"_rels/.rels": rels})
    assert "DOCTYPE" in error_of(path)


# -- resource attacks ---------------------------------------------------------------------------
def _raw_zip(path: Path, entries: list[tuple[str, bytes, int, int, int]]) -> None:
    """Write a ZIP from pre-deflated entries: (name, raw deflate data, crc, real size, method)."""
    offsets = []
    with open(path, "wb") as fp:
        for name, data, crc, size, method in entries:
            offsets.append(fp.tell())
            encoded = name.encode()
            fp.write(
                struct.pack(
                    "<IHHHHHIIIHH",
                    0x04034B50,
                    20,
                    0,
                    method,
                    0,
                    0x21,
                    crc,
                    len(data),
                    size,
                    len(encoded),
                    0,
                )
                + encoded
            )
            fp.write(data)
        cd_start = fp.tell()
        for (name, data, crc, size, method), offset in zip(entries, offsets, strict=True):
            encoded = name.encode()
            fp.write(
                struct.pack(
                    "<IHHHHHHIIIHHHHHII",
                    0x02014B50,
                    20,
                    20,
                    0,
                    method,
                    0,
                    0x21,
                    crc,
                    len(data),
                    size,
                    len(encoded),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + encoded
            )
        cd_size = fp.tell() - cd_start
        fp.write(
            struct.pack(
                "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), cd_size, cd_start, 0
            )
        )


def _deflated(data: bytes) -> tuple[bytes, int, int]:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    return comp.compress(data) + comp.flush(), zlib.crc32(data), len(data)


def _bomb_entry(total: int, declared: int | None = None) -> tuple[str, bytes, int, int, int]:
    """word/document.xml inflating to ``total`` bytes, built from one repeated deflate block so
    neither the test nor the file ever holds the inflated data."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><w:document ' + W_NS + b"><w:body><w:p><w:r><w:t>"
    )
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    chunk = b"A" * (1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    repeats = (total - len(head) - len(tail)) // len(chunk)
    last = comp.compress(tail) + comp.flush()
    data = first + block * repeats + last
    size = len(head) + repeats * len(chunk) + len(tail)
    # the CRC is never reached: reading stops at the cap long before the end
    return "word/document.xml", data, 0, size if declared is None else declared, 8


def _bomb_docx(tmp_path: Path, name: str, total: int, declared: int | None = None) -> Path:
    src = good_docx(tmp_path / "god.docx")
    entries = []
    with zipfile.ZipFile(src) as zf:
        for info in zf.infolist():
            if info.filename == "word/document.xml":
                entries.append(_bomb_entry(total, declared))
            else:
                entries.append((info.filename, *_deflated(zf.read(info)), 8))
    path = tmp_path / name
    _raw_zip(path, entries)
    return path


def test_zip_bomb_over_a_gigabyte(tmp_path: Path) -> None:
    path = _bomb_docx(tmp_path, "bombe.docx", total=(1 << 30) + (1 << 20))
    assert path.stat().st_size < 4 * 1024 * 1024
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("word/document.xml").file_size > 1 << 30
    start = time.perf_counter()
    assert "zip-bombe" in error_of(path)
    assert time.perf_counter() - start < 2


def test_zip_bomb_with_forged_small_size_is_bounded(tmp_path: Path) -> None:
    """The header claims 10 kB; the stream is never trusted beyond what is actually read."""
    path = _bomb_docx(tmp_path, "løgn.docx", total=(1 << 30), declared=10_000)
    start = time.perf_counter()
    error_of(path)
    assert time.perf_counter() - start < 2


def test_ratio_cap_within_the_part_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _bomb_docx(tmp_path, "ratio.docx", total=40 << 20)
    assert "zip-bombe" in error_of(path)  # 40 MB from ~40 kB: ratio ~1000
    monkeypatch.setattr(pkgmod, "MAX_RATIO", 10_000)
    monkeypatch.setattr(pkgmod, "MAX_TOTAL_BYTES", 30 << 20)
    assert "zip-bombe" in error_of(path)  # the per-file total cap


def test_too_many_entries(tmp_path: Path) -> None:
    src = good_docx(tmp_path / "god.docx")
    path = tmp_path / "mange.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        for i in range(pkgmod.MAX_ENTRIES + 1):
            zout.writestr(f"customXml/item{i}.xml", b"")
    assert "for mange dele" in error_of(path)


def test_genuine_large_letter_with_images_and_a_long_paragraph(tmp_path: Path) -> None:
    """A 50 MB letter (photos, stored uncompressed as Word does for JPEG) with a paragraph of a
    million characters reads in bounded time; images are never inflated."""
    words = ("borger jobcenter ydelse samtale " * 40_000)[:1_000_000]
    image = os.urandom(1 << 20) * 48
    path = tmp_path / "stor.docx"
    write_docx(
        path,
        paragraph("Indkaldelse", "Heading1") + paragraph(words) + paragraph("Med venlig hilsen"),
        relationships=[
            (
                "rIdImg",
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image",
                "media/foto.jpeg",
                None,
            )
        ],
        extra_parts={"word/media/foto.jpeg": image},
    )
    assert path.stat().st_size > 45 * 1024 * 1024
    start = time.perf_counter()
    doc = read_document(path)
    elapsed = time.perf_counter() - start
    assert [len(b.text) for b in doc.blocks] == [11, 1_000_000, 17]
    assert elapsed < 5, elapsed


def test_package_api(tmp_path: Path) -> None:
    path = tmp_path / "brev.docx"
    write_docx(
        path,
        paragraph("Hej"),
        headers=[paragraph("Hoved")],
        hyperlinks={"rIdLink": "mailto:a@b.dk"},
        template=True,
    )
    with open_package(path) as pkg:
        assert pkg.format == "dotx"
        assert pkg.main_document == "word/document.xml"
        assert "word/header1.xml" in pkg.part_names
        assert pkg.content_type("word/header1.xml").endswith("header+xml")
        assert pkg.content_type("/WORD/HEADER1.XML").endswith("header+xml")  # case-insensitive
        assert pkg.content_type("_rels/.rels").endswith("relationships+xml")
        rels = {
            rid: (t.rsplit("/", 1)[-1], target, mode)
            for rid, t, target, mode in pkg.relationships("word/document.xml")
        }
        assert rels["rIdHeader1"] == ("header", "word/header1.xml", None)
        assert rels["rIdLink"] == ("hyperlink", "mailto:a@b.dk", "External")
        assert pkg.read("word/header1.xml").startswith(b"<?xml")
        with pytest.raises(KeyError):
            pkg.read("word/findes-ikke.xml")


def test_millions_of_tiny_paragraphs_are_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "afsnit.docx"
    write_docx(path, "<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 60_000)
    start = time.perf_counter()
    assert "for lang" in error_of(path)
    assert time.perf_counter() - start < 5


def test_zip_level_password(tmp_path: Path) -> None:
    """A ZIP entry marked encrypted (ZIP's own password, not Office's) is a clean error."""
    src = good_docx(tmp_path / "god.docx")
    data = bytearray(src.read_bytes())
    name = b"word/document.xml"
    for signature, flag_offset, name_offset in ((b"PK\x01\x02", 8, 46), (b"PK\x03\x04", 6, 30)):
        pos = data.find(signature)
        while pos != -1:
            if data[pos + name_offset : pos + name_offset + len(name)] == name:
                data[pos + flag_offset] |= 1
            pos = data.find(signature, pos + 4)
    path = tmp_path / "zipkode.docx"
    path.write_bytes(bytes(data))
    assert "adgangskode" in error_of(path)
