"""Copy a ZIP package entry by entry, replacing a few entries, without inflating the others.

The annotator changes two or three parts of a Word package (the main document, the comments part,
sometimes the relationships and content types) and must leave every other part exactly as it was.
Python's ``zipfile`` can only write data it compresses itself, so copying through it would inflate
and deflate every image and style part again: slower, and the bytes change. This module copies the
compressed bytes of untouched entries as they are (same order, same compression method, same
timestamps and CRC) and deflates only the replaced and added parts.

The copy also carries a stamp in the ZIP archive comment: a digest of every entry's name, CRC and
size. ``is_unchanged_copy`` recomputes it, so a later ``--annotate`` run can replace its own copy
that nobody has touched, yet keep one that a person opened and saved (Word and LibreOffice write
a new package without the stamp) or one that lettercheck did not write.
"""

from __future__ import annotations

import hashlib
import os
import struct
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from typing import BinaryIO

__all__ = ["copy_zip", "is_unchanged_copy"]

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_LOCAL_SIG = b"PK\x03\x04"
_UTF8_FLAG = 0x800
#: Flag bits kept when an entry is copied: UTF-8 names and the deflate level hints. The
#: data-descriptor bit is dropped because the local header written here carries CRC and sizes.
_KEPT_FLAGS = _UTF8_FLAG | 0x6
_LIMIT32 = 0xFFFFFFFF
#: How the archive comment of a copy lettercheck wrote begins; the entries' digest follows.
_STAMP = b"lettercheck-kopi sha256:"


def _dos_time(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    year = max(year, 1980)
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day


def _encode_name(name: str, flags: int) -> tuple[bytes, int]:
    if flags & _UTF8_FLAG:
        return name.encode("utf-8"), flags
    try:
        return name.encode("ascii"), flags
    except UnicodeEncodeError:
        return name.encode("utf-8"), flags | _UTF8_FLAG


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _raw_entry(fp: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    """The compressed bytes of ``info`` as stored in the source file."""
    fp.seek(info.header_offset)
    header = fp.read(_LOCAL.size)
    if len(header) != _LOCAL.size or header[:4] != _LOCAL_SIG:
        raise zipfile.BadZipFile("bad local file header")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + _LOCAL.size + name_len + extra_len)
    data = fp.read(info.compress_size)
    if len(data) != info.compress_size:
        raise zipfile.BadZipFile("truncated entry")
    return data


class _Writer:
    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.central: list[bytes] = []
        self.offset = 0
        self.digest = hashlib.sha256()

    def entry(
        self,
        name: str,
        data: bytes,
        *,
        method: int,
        crc: int,
        size: int,
        date_time: tuple[int, int, int, int, int, int],
        flags: int = 0,
        internal_attr: int = 0,
        external_attr: int = 0,
        create_system: int = 0,
    ) -> None:
        name_bytes, flags = _encode_name(name, flags & _KEPT_FLAGS)
        dostime, dosdate = _dos_time(date_time)
        if len(data) > _LIMIT32 or size > _LIMIT32 or self.offset > _LIMIT32:
            raise zipfile.LargeZipFile("package too large to annotate")
        version = 20
        local = _LOCAL.pack(
            _LOCAL_SIG,
            version,
            flags,
            method,
            dostime,
            dosdate,
            crc,
            len(data),
            size,
            len(name_bytes),
            0,
        )
        self.central.append(
            _CENTRAL.pack(
                b"PK\x01\x02",
                version,
                create_system,
                version,
                0,
                flags,
                method,
                dostime,
                dosdate,
                crc,
                len(data),
                size,
                len(name_bytes),
                0,
                0,
                0,
                internal_attr,
                external_attr,
                self.offset,
            )
            + name_bytes
        )
        self.digest.update(_entry_key(name, crc, size))
        self.out.write(local)
        self.out.write(name_bytes)
        self.out.write(data)
        self.offset += len(local) + len(name_bytes) + len(data)

    def new(self, name: str, data: bytes, method: int, date_time) -> None:  # type: ignore[no-untyped-def]
        stored = data if method == zipfile.ZIP_STORED else _deflate(data)
        self.entry(
            name,
            stored,
            method=method,
            crc=zlib.crc32(data),
            size=len(data),
            date_time=date_time,
        )

    def close(self) -> None:
        start = self.offset
        size = 0
        for record in self.central:
            self.out.write(record)
            size += len(record)
        count = len(self.central)
        if count > 0xFFFF or start > _LIMIT32:
            raise zipfile.LargeZipFile("package too large to annotate")
        stamp = _STAMP + self.digest.hexdigest().encode("ascii")
        self.out.write(_END.pack(b"PK\x05\x06", 0, 0, count, count, size, start, len(stamp)))
        self.out.write(stamp)


def _entry_key(name: str, crc: int, size: int) -> bytes:
    return f"{name}\0{crc}\0{size}\n".encode("utf-8", "surrogateescape")


def is_unchanged_copy(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is a copy that ``copy_zip`` wrote and that has not changed since:
    its stamp matches its entries. Anything else (no stamp, another entry, not a ZIP file, not
    readable) is False, and the caller keeps the file."""
    try:
        with zipfile.ZipFile(path) as zf:
            comment = zf.comment
            if not comment.startswith(_STAMP):
                return False
            digest = hashlib.sha256()
            for info in zf.infolist():
                digest.update(_entry_key(info.filename, info.CRC, info.file_size))
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return False
    return comment[len(_STAMP) :] == digest.hexdigest().encode("ascii")


def copy_zip(
    source: BinaryIO,
    out: BinaryIO,
    replace: Mapping[str, bytes],
    add: Sequence[tuple[str, bytes]] = (),
) -> None:
    """Write to ``out`` every entry of the ZIP ``source``, in its order.

    Entries named in ``replace`` get the new (uncompressed) bytes, compressed with the entry's own
    method (deflate unless it was stored); all others are copied compressed, byte for byte. The
    ``add`` entries are appended at the end, deflated. Entries using encryption or a method other
    than stored/deflate are inflated and deflated again (Word never writes them).
    """
    with zipfile.ZipFile(source) as zf:
        infos = zf.infolist()
        writer = _Writer(out)
        newest = (1980, 1, 1, 0, 0, 0)
        for info in infos:
            newest = max(newest, info.date_time)
            method = info.compress_type
            if info.filename in replace:
                method = (
                    zipfile.ZIP_STORED if method == zipfile.ZIP_STORED else zipfile.ZIP_DEFLATED
                )
                writer.new(info.filename, replace[info.filename], method, info.date_time)
            elif method in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) and not info.flag_bits & 1:
                writer.entry(
                    info.filename,
                    _raw_entry(source, info),
                    method=method,
                    crc=info.CRC,
                    size=info.file_size,
                    date_time=info.date_time,
                    flags=info.flag_bits,
                    internal_attr=info.internal_attr,
                    external_attr=info.external_attr,
                    create_system=info.create_system,
                )
            else:
                writer.new(info.filename, zf.read(info), zipfile.ZIP_DEFLATED, info.date_time)
        for name, data in add:
            writer.new(name, data, zipfile.ZIP_DEFLATED, newest)
        writer.close()
