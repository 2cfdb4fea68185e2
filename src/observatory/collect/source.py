"""Opening a submitted text file safely: size limit, binary detection, encoding, header."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from observatory.errors import ErrorLocation, InvalidInput, PayloadTooLarge

# Encodings tried in order. UTF-8 (with or without BOM) first; Windows-1252 covers the Latin-1 files
# national systems still export; Latin-1 last because it accepts any byte.
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


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


def open_text(path: Path, *, max_bytes: int) -> TextSource:
    """Read ``path`` as delimited text or raise ``InvalidInput`` saying why it cannot be read."""
    where = ErrorLocation(file=str(path))
    size = path.stat().st_size
    if size > max_bytes:
        raise PayloadTooLarge(
            f"the file has {size:,} bytes; at most {max_bytes:,} are accepted "
            "(set OBSERVATORY_MAX_UPLOAD_BYTES to change the limit)",
            location=where,
        )
    data = path.read_bytes()
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
