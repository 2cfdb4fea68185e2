"""Opening a submitted file safely: size limit, content sniffing, then encoding and header for text.

The first bytes decide what a file is, never its name: a zip archive is a workbook, an OLE container is an
encrypted or legacy workbook (refused), XML is an SDMX-ML message, anything else is delimited text. Binary
kinds pass :mod:`observatory.collect.safety` before any parser touches them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from observatory.collect import safety
from observatory.errors import ErrorLocation, InvalidInput, PayloadTooLarge

# Encodings tried in order. UTF-8 (with or without BOM) first; Windows-1252 covers the Latin-1 files
# national systems still export; Latin-1 last because it accepts any byte.
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


class SourceKind(StrEnum):
    """What a file is, judged from its first bytes."""

    text = "text"
    workbook = "workbook"  # an Office Open XML workbook (.xlsx): a zip archive
    xml = "xml"  # an XML document (SDMX-ML)


@dataclass
class TextSource:
    """A decoded delimited text file with its header."""

    path: Path
    text: str
    encoding: str
    delimiter: str
    header: list[str]

    @property
    def name(self) -> str:
        return self.path.name

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Data rows with their 1-based line number in the file (the header is line 1)."""
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        next(reader, None)
        width = len(self.header)
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            cells = cells + [""] * (width - len(cells))
            yield reader.line_num, dict(zip(self.header, cells, strict=False))


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise InvalidInput(  # pragma: no cover - latin-1 decodes every byte string
        "cannot decode the file", code="binary-file", location=ErrorLocation(file=str(path))
    )


@dataclass
class BinarySource:
    """A workbook or an XML message, already through the safety checks; readers parse ``data``."""

    path: Path
    data: bytes
    kind: SourceKind

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def encoding(self) -> str:
        """Recorded with the original file; text sources record their character encoding here."""
        return "xml" if self.kind is SourceKind.xml else "binary"


Source = TextSource | BinarySource


def _read(path: Path, max_bytes: int) -> bytes:
    size = path.stat().st_size
    if size > max_bytes:
        raise PayloadTooLarge(
            f"the file has {size:,} bytes; at most {max_bytes:,} are accepted "
            "(set OBSERVATORY_MAX_UPLOAD_BYTES to change the limit)",
            location=ErrorLocation(file=str(path)),
        )
    return path.read_bytes()


def open_text(path: Path, *, max_bytes: int) -> TextSource:
    """Read ``path`` as delimited text or raise ``InvalidInput`` saying why it cannot be read."""
    return _text(path, _read(path, max_bytes))


def open_source(path: Path, *, max_bytes: int) -> Source:
    """Read ``path``, decide from its first bytes what it is, and run the safety checks for its kind.

    Raises ``InvalidInput`` for a file that is too large, empty, corrupt, encrypted, a zip bomb or unsafe
    XML; text that is binary or undecodable is refused as before.
    """
    data = _read(path, max_bytes)
    head = data[:16]
    if safety.is_zip(head):
        safety.check_workbook(data, file=str(path))
        return BinarySource(path, data, SourceKind.workbook)
    if safety.is_ole(head):
        raise safety.refuse_ole(str(path))
    if safety.is_xml(data[:1024]):
        safety.check_xml(data, file=str(path))
        return BinarySource(path, data, SourceKind.xml)
    return _text(path, data)


def _text(path: Path, data: bytes) -> TextSource:
    where = ErrorLocation(file=str(path))
    if not data.strip():
        raise InvalidInput(
            "the file is empty; a CSV with a header row was expected",
            code="empty-file",
            location=where,
        )
    if b"\x00" in data[:8192]:
        raise InvalidInput(
            "the file is binary, not text; a CSV (UTF-8 or Latin-1) was expected",
            code="binary-file",
            location=where,
        )
    text, encoding = _decode(data, path)
    first_line = text.splitlines()[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    header = [h.strip() for h in next(csv.reader([first_line], delimiter=delimiter))]
    return TextSource(path=path, text=text, encoding=encoding, delimiter=delimiter, header=header)
