"""Look at an input file before reading it: compression, encoding, container kind, header.

The facts gathered here (a :class:`SourceFile`) let each reader say whether it recognises the
file and let the table scans read it correctly: gzip is opened transparently, a UTF-8 or
UTF-16 byte-order mark is honoured, and a file that is not valid UTF-8 is read as Latin-1
(with a note in the ingest report) rather than rejected wholesale.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from coordnet.errors import InputError

__all__ = ["SAMPLE_BYTES", "SourceFile", "inspect_source"]

#: How much of a file (after decompression) is read to recognise it.
SAMPLE_BYTES = 1 << 18
_FINGERPRINT_CHUNK = 1 << 20


@dataclass(frozen=True)
class SourceFile:
    """One input file as first seen: enough to pick a reader and scan it correctly."""

    path: Path
    display: str
    size_bytes: int
    fingerprint: str
    compression: str | None
    encoding: str
    container: str  # "csv", "json" or "parquet"
    head: str
    columns: tuple[str, ...] = ()
    delimiter: str = ","
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def python_encoding(self) -> str:
        """The codec name for Python's ``open`` (BOMs are skipped)."""
        return {"utf-8": "utf-8-sig", "utf-16": "utf-16", "latin-1": "latin-1"}[self.encoding]

    def open_text(self, fileobj: BinaryIO | None = None) -> io.TextIOBase:
        """Open the (decompressed) file, or the already open ``fileobj``, as text."""
        raw: BinaryIO = open(self.path, "rb") if fileobj is None else fileobj  # noqa: SIM115
        if self.compression == "gzip":
            raw = gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
        return io.TextIOWrapper(raw, encoding=self.python_encoding, errors="strict", newline="")


def _fingerprint(path: Path, size: int) -> str:
    """Identity of a file's content: SHA-256 over its size, first and last MiB.

    Reading whole multi-GB files only to recognise a repeat would cost as much as ingesting
    them; action ids keep ingest idempotent even if two files collide here.
    """
    digest = hashlib.sha256(str(size).encode())
    with open(path, "rb") as fh:
        digest.update(fh.read(_FINGERPRINT_CHUNK))
        if size > 2 * _FINGERPRINT_CHUNK:
            fh.seek(size - _FINGERPRINT_CHUNK)
            digest.update(fh.read(_FINGERPRINT_CHUNK))
    return digest.hexdigest()[:32]


def _decode_head(raw: bytes) -> tuple[str, str, list[str]]:
    """Decode a sample, returning (text, encoding name for DuckDB, notes)."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8", ["UTF-8 byte-order mark"]
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace"), "utf-16", ["UTF-16 text"]
    try:
        return raw.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        # A sample cut inside a multi-byte character is still UTF-8.
        if exc.start >= len(raw) - 4:
            return raw[: exc.start].decode("utf-8"), "utf-8", []
        return raw.decode("latin-1"), "latin-1", ["not valid UTF-8: read as Latin-1"]


def _container(raw: bytes, text: str, name: str) -> str:
    if raw.startswith(b"PAR1") or name.endswith(".parquet"):
        return "parquet"
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        return "json"
    return "csv"


def _csv_header(text: str) -> tuple[tuple[str, ...], str]:
    first = text.splitlines()[0] if text else ""
    counts = {d: first.count(d) for d in (",", "\t", ";", "|")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    try:
        header = next(csv.reader(io.StringIO(first), delimiter=delimiter))
    except StopIteration:
        header = []
    return tuple(h.strip() for h in header), delimiter


def _parquet_columns(path: Path) -> tuple[str, ...]:
    import pyarrow.parquet as pq

    try:
        return tuple(pq.read_schema(path).names)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from exc


def inspect_source(path: str | Path) -> SourceFile:
    """Sniff ``path``: compression, encoding, container (CSV/JSON/Parquet) and CSV header.

    Raises :class:`~coordnet.errors.InputError` when the file is missing, empty or unreadable.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such file")
    size = p.stat().st_size
    if size == 0:
        raise InputError(f"{path}: file is empty")
    with open(p, "rb") as fh:
        magic = fh.read(2)
    compression = "gzip" if magic == b"\x1f\x8b" else None
    try:
        opener = gzip.open if compression else open
        with opener(p, "rb") as fh:
            raw = fh.read(SAMPLE_BYTES)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc})") from exc
    if raw.startswith(b"PAR1"):
        text, encoding, notes = "", "utf-8", list[str]()
    else:
        text, encoding, notes = _decode_head(raw)
    name = p.name.lower().removesuffix(".gz")
    container = _container(raw, text, name)
    columns: tuple[str, ...] = ()
    delimiter = ","
    if container == "csv":
        columns, delimiter = _csv_header(text)
    elif container == "parquet":
        columns = _parquet_columns(p)
    if compression:
        notes.append("gzip-compressed")
    return SourceFile(
        path=p,
        display=str(path),
        size_bytes=size,
        fingerprint=_fingerprint(p, size),
        compression=compression,
        encoding=encoding,
        container=container,
        head=text,
        columns=columns,
        delimiter=delimiter,
        notes=tuple(notes),
    )
