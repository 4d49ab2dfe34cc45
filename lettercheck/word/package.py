"""Opening a Word package (DOCX/DOTX/DOCM/DOTM) safely, read-only.

A letter is a ZIP of XML parts (OPC). Files arrive from many systems and people, so before any
XML is parsed this module rejects, with one Danish line saying what to do, everything that is not
a sound Word package: empty files, random bytes, truncated ZIPs, legacy binary .doc, password
protected files (an OLE compound file holding an ``EncryptedPackage`` stream), packages without a
main document, and resource attacks (zip bombs, absurd numbers of entries). Parts are read
through a bounded stream, so a forged size in the ZIP header cannot make us inflate a gigabyte.
Images and other binary parts are never decompressed by the reader, so a genuine 50 MB letter
with photos costs only its XML.

Nothing here writes: the file is opened for reading only.
"""

from __future__ import annotations

import io
import posixpath
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from lettercheck.model.document import LetterError
from lettercheck.word.ooxml import parse_xml, qn, safe_part_label

__all__ = [
    "MAX_ENTRIES",
    "MAX_FILE_BYTES",
    "MAX_PART_BYTES",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "RATIO_FLOOR",
    "Package",
    "open_package",
]

#: Largest decompressed size of one part we read (XML). A letter's document.xml is rarely over a
#: few MB; a paragraph of a million characters is ~1-3 MB.
MAX_PART_BYTES = 32 * 1024 * 1024
#: Largest total decompressed size of all parts read from one file.
MAX_TOTAL_BYTES = 96 * 1024 * 1024
#: Largest compression ratio accepted once a part has inflated past ``RATIO_FLOOR``. Real XML
#: compresses 5-30x; highly repetitive text can reach 100x+, so the ratio only bites on big parts.
MAX_RATIO = 200
RATIO_FLOOR = 8 * 1024 * 1024
#: Most ZIP entries a letter may have (a letter has 10-60 parts).
MAX_ENTRIES = 5000
#: Largest file accepted at all.
MAX_FILE_BYTES = 512 * 1024 * 1024
#: Files up to this size are read into memory at once (see ``_in_memory``). Kept below the size
#: at which the C allocator maps fresh pages for each read, which costs more than it saves.
IN_MEMORY_BYTES = 64 * 1024

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"
_CHUNK = 1024 * 1024

_CT_DEFAULT, _CT_OVERRIDE = qn("ct:Default"), qn("ct:Override")
_RELATIONSHIP = qn("rel:Relationship")

_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
)

#: Main document content type -> format name used in ``model.Document.format``.
MAIN_CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "dotx",
    "application/vnd.ms-word.document.macroEnabled.main+xml": "docm",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": "dotm",
}

_SAVE_AGAIN = "Åbn brevet i Word, og gem det igen som .docx."
_ERR_EMPTY = "Filen er tom. Gem brevet igen fra Word, eller hent en ny kopi."
_ERR_NOT_ZIP = (
    "Filen er ikke et Word-dokument (.docx): den er beskadiget eller af en anden type. "
    + _SAVE_AGAIN
)
_ERR_TRUNCATED = (
    "Filen er afkortet eller beskadiget (ufuldstændig ZIP). "
    "Hent en ny kopi, eller gem brevet igen fra Word."
)
_ERR_LEGACY_DOC = "Filen er et gammelt Word-dokument (.doc). Åbn det i Word, og gem det som .docx."
_ERR_ENCRYPTED = (
    "Filen er beskyttet med adgangskode. "
    "Fjern adgangskoden i Word (Filer > Oplysninger > Beskyt dokument), og gem igen."
)
_ERR_OTHER_OLE = (
    "Filen er et gammelt Office-format, ikke et Word-brev. Åbn den i Word, og gem den som .docx."
)
_ERR_NO_MAIN = "Filen indeholder intet Word-dokument (hoveddokumentet mangler). " + _SAVE_AGAIN
_ERR_NO_RELS = (
    "Filen er beskadiget: pakkens relationer (_rels/.rels) mangler, så hoveddokumentet kan ikke "
    "findes. " + _SAVE_AGAIN
)
_ERR_NOT_WORD = "Filen er et Office-dokument, men ikke et Word-dokument. " + _SAVE_AGAIN
_ERR_BOMB = (
    "Filen fylder for meget, når den pakkes ud (mulig zip-bombe), og er ikke læst. "
    "Kontrollér, hvor filen kommer fra, og gem brevet igen fra Word."
)
_ERR_ENTRIES = (
    "Filen indeholder for mange dele til at være et brev (mulig angrebsfil). "
    "Kontrollér, hvor filen kommer fra, og gem brevet igen fra Word."
)
_ERR_TOO_BIG = (
    "Filen er for stor til at være et brev (over 512 MB). Gem brevet uden store billeder."
)
_ERR_ACCESS = "Ingen adgang til filen. Giv læseadgang til filen, og prøv igen."
_ERR_NOT_FILE = "Stien er ikke en almindelig fil. Angiv et Word-dokument (.docx)."


def _ole_error(path: Path) -> LetterError:
    """Tell a password-protected Word file from a legacy .doc (both are OLE compound files)."""
    try:
        import olefile

        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("EncryptedPackage") or ole.exists("EncryptionInfo"):
                return LetterError(_ERR_ENCRYPTED)
            if ole.exists("WordDocument"):
                return LetterError(_ERR_LEGACY_DOC)
            return LetterError(_ERR_OTHER_OLE)
    except PermissionError:
        return LetterError(_ERR_ACCESS)
    except Exception:
        # A broken compound file: still most likely an old Word file; say so.
        return LetterError(_ERR_LEGACY_DOC)


def _declared_entries(fp) -> int | None:  # type: ignore[no-untyped-def]
    """The number of entries the end-of-central-directory record declares, read before zipfile
    builds its in-memory index (which for a hostile file could hold millions of entries)."""
    try:
        end = zipfile._EndRecData(fp)  # type: ignore[attr-defined]
    except Exception:
        return None
    if not end:
        return None
    try:
        return int(end[zipfile._ECD_ENTRIES_TOTAL])  # type: ignore[attr-defined]
    except (AttributeError, IndexError, TypeError, ValueError):
        return None


class Package:
    """An open, read-only Word package. Use as a context manager (closes the ZIP)."""

    def __init__(self, path: Path, zf: zipfile.ZipFile, fp=None) -> None:  # type: ignore[no-untyped-def]
        self.path = path
        self._zip = zf
        self._fp = fp
        self._infos: dict[str, zipfile.ZipInfo] = {}
        for info in zf.infolist():
            if info.is_dir():
                continue
            self._infos.setdefault(info.filename.lower(), info)
        self._total = 0
        self._rels_cache: dict[str, list[tuple[str, str, str, str | None]]] = {}
        self._defaults: dict[str, str] = {}
        self._overrides: dict[str, str] = {}
        self._load_content_types()
        self.main_document = self._find_main_document()
        ctype = self.content_type(self.main_document) or ""
        fmt = MAIN_CONTENT_TYPES.get(ctype)
        if fmt is None:
            raise LetterError(_ERR_NOT_WORD)
        #: "docx", "dotx", "docm" or "dotm", from the main document's content type.
        self.format = fmt

    # -- context manager -------------------------------------------------------------------
    def close(self) -> None:
        self._zip.close()
        if self._fp is not None:
            self._fp.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- parts ------------------------------------------------------------------------------
    @property
    def part_names(self) -> list[str]:
        """All part names (ZIP entry names, without a leading slash), in ZIP order."""
        return [info.filename for info in self._infos.values()]

    def has_part(self, name: str) -> bool:
        return name.lstrip("/").lower() in self._infos

    def zip_info(self, name: str) -> zipfile.ZipInfo:
        """The ZIP entry of a part (for copying a package without inflating it)."""
        info = self._infos.get(name.lstrip("/").lower())
        if info is None:
            raise KeyError(name)
        return info

    def read(self, name: str) -> bytes:
        """The decompressed bytes of a part, read through a bounded stream.

        The cap is the smaller of ``MAX_PART_BYTES``, what is left of ``MAX_TOTAL_BYTES``, and
        ``MAX_RATIO`` times the compressed size (but at least ``RATIO_FLOOR``); the ZIP header's
        declared size is never trusted. Raises ``KeyError`` for a missing part and
        ``LetterError`` for a bomb or a corrupt entry.
        """
        info = self.zip_info(name)
        limit = min(
            MAX_PART_BYTES,
            MAX_TOTAL_BYTES - self._total,
            max(RATIO_FLOOR, info.compress_size * MAX_RATIO),
        )
        if info.file_size > limit:
            raise LetterError(_ERR_BOMB)
        chunks = []
        size = 0
        try:
            with self._zip.open(info) as stream:
                while True:
                    chunk = stream.read(min(_CHUNK, limit + 1 - size))
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > limit:
                        raise LetterError(_ERR_BOMB)
                    chunks.append(chunk)
        except LetterError:
            raise
        except NotImplementedError:
            raise LetterError(
                "Filen bruger en ZIP-komprimering, som Word ikke bruger. " + _SAVE_AGAIN
            ) from None
        except RuntimeError:
            # zipfile: "File ... is encrypted, password required for extraction"
            raise LetterError(
                "Filen er krypteret med en ZIP-adgangskode. "
                "Gem brevet igen fra Word uden adgangskode."
            ) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, struct.error):
            raise LetterError(
                f"Filen er beskadiget: {safe_part_label(info.filename)} kan ikke pakkes ud. "
                + _SAVE_AGAIN
            ) from None
        except Exception:
            # Whatever else a hostile entry provokes inside zipfile is still a damaged file.
            raise LetterError(
                f"Filen er beskadiget: {safe_part_label(info.filename)} kan ikke pakkes ud. "
                + _SAVE_AGAIN
            ) from None
        self._total += size
        return b"".join(chunks)

    def read_xml(self, name: str):  # type: ignore[no-untyped-def]
        """Read and safely parse a part (see ``ooxml.parse_xml``)."""
        return parse_xml(self.read(name), name)

    def content_type(self, name: str) -> str | None:
        """The part's content type from [Content_Types].xml (Override, else Default by
        extension), or ``None``."""
        key = "/" + name.lstrip("/").lower()
        if key in self._overrides:
            return self._overrides[key]
        base = key.rsplit("/", 1)[-1]
        ext = base.rpartition(".")[2] if "." in base else ""
        return self._defaults.get(ext)

    def relationships(self, source_part: str) -> list[tuple[str, str, str, str | None]]:
        """Relationships of a part (``""`` for the package): ``(rId, type, target, mode)``.

        Internal targets are resolved to part names (no leading slash); external targets
        (``mode == "External"``: hyperlinks, ``mailto:``) are returned as written. A missing
        .rels part means no relationships; a malformed one raises ``LetterError``.
        """
        source_part = source_part.lstrip("/")
        if source_part in self._rels_cache:
            return self._rels_cache[source_part]
        folder, base = posixpath.split(source_part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        result: list[tuple[str, str, str, str | None]] = []
        if self.has_part(rels_name):
            root = self.read_xml(rels_name)
            for rel in root.iter(_RELATIONSHIP):
                rid = rel.get("Id") or ""
                rtype = rel.get("Type") or ""
                target = rel.get("Target") or ""
                mode = rel.get("TargetMode")
                if mode != "External":
                    target = _resolve(folder, target)
                result.append((rid, rtype, target, mode))
        self._rels_cache[source_part] = result
        return result

    def related(self, source_part: str, type_suffix: str) -> list[str]:
        """Internal targets of ``source_part``'s relationships whose type ends with
        ``/type_suffix`` (e.g. ``"styles"``), in .rels order."""
        suffix = "/" + type_suffix
        return [
            target
            for _rid, rtype, target, mode in self.relationships(source_part)
            if mode != "External" and rtype.endswith(suffix)
        ]

    # -- internals --------------------------------------------------------------------------
    def _load_content_types(self) -> None:
        if not self.has_part("[Content_Types].xml"):
            raise LetterError(
                "Filen er beskadiget: oversigten over indholdstyper ([Content_Types].xml) "
                "mangler. " + _SAVE_AGAIN
            )
        root = self.read_xml("[Content_Types].xml")
        for el in root:
            if el.tag == _CT_DEFAULT:
                ext = (el.get("Extension") or "").lower()
                self._defaults[ext] = el.get("ContentType") or ""
            elif el.tag == _CT_OVERRIDE:
                part = "/" + (el.get("PartName") or "").lstrip("/").lower()
                self._overrides[part] = el.get("ContentType") or ""

    def _find_main_document(self) -> str:
        if not self.has_part("_rels/.rels"):
            if any(n.startswith("word/") for n in self._infos):
                raise LetterError(_ERR_NO_RELS)
            raise LetterError(_ERR_NO_MAIN)
        for _rid, rtype, target, mode in self.relationships(""):
            if rtype in _OFFICE_DOCUMENT and mode != "External":
                if not self.has_part(target):
                    raise LetterError(_ERR_NO_MAIN)
                return self.zip_info(target).filename
        raise LetterError(_ERR_NO_MAIN)

    def __iter__(self) -> Iterator[str]:
        return iter(self.part_names)


def _is_normal(path: str) -> bool:
    """Whether ``posixpath.normpath`` would leave this relative path as it is: no empty, "." or
    ".." segment. The usual target ("word/styles.xml") is, and normpath costs more than this."""
    wrapped = f"/{path}/"
    return "//" not in wrapped and "/./" not in wrapped and "/../" not in wrapped


def _resolve(folder: str, target: str) -> str:
    """Resolve a relationship target against the source part's folder to a part name."""
    target = target.split("#", 1)[0]
    path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    norm = posixpath.normpath(path) if path and not _is_normal(path) else path
    if norm in (".", "") or norm.startswith("../") or norm == "..":
        return ""
    return norm


def open_package(path: str | Path) -> Package:
    """Open a Word package read-only, or raise ``LetterError`` saying what is wrong.

    Checks, in order: the file can be opened; it is not empty or absurdly large; an OLE compound
    file is reported as password-protected (EncryptedPackage) or legacy .doc; it is a ZIP whose
    central directory is intact and declares at most ``MAX_ENTRIES`` entries; it has content
    types, package relationships and a WordprocessingML main document.
    """
    path = Path(path)
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise LetterError(_ERR_NOT_FILE)
        fp = open(path, "rb")  # noqa: SIM115 - handed to ZipFile, closed by Package.close
    except PermissionError:
        raise LetterError(_ERR_ACCESS) from None
    except FileNotFoundError:
        raise LetterError("Filen findes ikke. Kontrollér stien.") from None
    except IsADirectoryError:
        raise LetterError(_ERR_NOT_FILE) from None
    except OSError:
        raise LetterError("Filen kan ikke åbnes. Kontrollér, at den findes og kan læses.") from None
    try:
        return _open(path, fp, st.st_size)
    except BaseException:
        fp.close()
        raise


def _in_memory(fp, size: int):  # type: ignore[no-untyped-def]
    """A small file as an in-memory copy (the file itself closed), else ``fp`` as it is.

    zipfile seeks and asks the position before each read of a part; on a file that is a system
    call each time, about 20 µs a letter. A larger letter (images) stays on disk, so that only
    its XML is read. If reading fails, the file is kept and zipfile meets the error as before.
    """
    if size > IN_MEMORY_BYTES:
        return fp
    try:
        fp.seek(0)
        data = fp.read(IN_MEMORY_BYTES + 1)
    except OSError:
        return fp
    if len(data) > IN_MEMORY_BYTES:  # the file grew since it was measured
        return fp
    fp.close()
    return io.BytesIO(data)


def _open(path: Path, fp, size: int) -> Package:  # type: ignore[no-untyped-def]
    if size == 0:
        raise LetterError(_ERR_EMPTY)
    if size > MAX_FILE_BYTES:
        raise LetterError(_ERR_TOO_BIG)
    try:
        head = fp.read(8)
    except OSError:
        raise LetterError(_ERR_ACCESS) from None
    if head == _OLE_MAGIC:
        raise _ole_error(path)
    looks_like_zip = head.startswith((_ZIP_MAGIC, _EMPTY_ZIP))
    fp = _in_memory(fp, size)
    fp.seek(0)
    entries = _declared_entries(fp)
    if entries is not None and entries > MAX_ENTRIES:
        raise LetterError(_ERR_ENTRIES)
    fp.seek(0)
    try:
        zf = zipfile.ZipFile(fp, "r")
    except Exception:
        # BadZipFile, but also ValueError/struct.error/UnicodeDecodeError/NotImplementedError
        # from a hostile central directory: all mean the ZIP cannot be trusted.
        raise LetterError(_ERR_TRUNCATED if looks_like_zip else _ERR_NOT_ZIP) from None
    if len(zf.infolist()) > MAX_ENTRIES:
        zf.close()
        raise LetterError(_ERR_ENTRIES)
    try:
        return Package(path, zf, fp)
    except BaseException:
        zf.close()
        raise
