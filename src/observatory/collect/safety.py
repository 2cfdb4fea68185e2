"""Checks on a submitted file's bytes before any parser sees them: archives, OLE containers and XML.

A workbook (``.xlsx``) is a zip archive of XML parts. Before openpyxl opens one, its central directory is
read (nothing is extracted) to bound the number of members, the total inflated size and each member's
compression ratio (a zip bomb); encrypted members and OLE containers (password-protected or legacy ``.xls``
workbooks) are refused; then every XML part is streamed through defusedxml's expat parser, without building
a tree, so that a DTD or an entity declaration (billion laughs, XXE) is refused before openpyxl or sdmx1
parse anything. An SDMX-ML message gets the same XML check.

Every failure raises :class:`~observatory.errors.InvalidInput` with a one-line message naming the file, in
bounded time and memory.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import IO
from xml.sax import SAXException
from xml.sax.handler import ContentHandler

from defusedxml.common import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

from observatory.errors import ErrorLocation, InvalidInput

OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Compound File Binary: legacy .xls, or an encrypted .xlsx
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or the end record of an empty archive
XML_PARTS = (".xml", ".rels", ".vml")
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
CHUNK = 1 << 16


@dataclass(frozen=True)
class Limits:
    """Bounds on what a workbook may inflate to. A generated UN-CTS workbook is well under 5 MB inflated."""

    members: int = 1_000
    uncompressed: int = 64 * 1024 * 1024
    ratio: int = 100  # inflated/compressed, judged only on members larger than ``ratio_floor``
    ratio_floor: int = 1024 * 1024


LIMITS = Limits()


def _fail(message: str, code: str, file: str, *, sheet: str | None = None) -> InvalidInput:
    return InvalidInput(message, code=code, location=ErrorLocation(file=file, sheet=sheet))


def is_ole(head: bytes) -> bool:
    return head.startswith(OLE_MAGIC)


def is_zip(head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC)


def is_xml(head: bytes) -> bool:
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


def refuse_ole(file: str) -> InvalidInput:
    return _fail(
        "the workbook is password-protected (encrypted) or in the legacy .xls format; remove the password "
        "and save it as an Excel workbook (.xlsx)",
        "encrypted-workbook",
        file,
    )


def check_workbook(data: bytes, *, file: str, limits: Limits = LIMITS) -> None:
    """Refuse a zip that is corrupt, encrypted, a zip bomb, not a workbook, or holds unsafe XML."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _fail(
            f"the workbook is corrupt ({exc}); save it again from Excel as .xlsx",
            "corrupt-workbook",
            file,
        ) from None
    with archive:
        members = archive.infolist()
        _check_directory(members, file, limits)
        names = {m.filename for m in members}
        missing = [p for p in REQUIRED_PARTS if p not in names]
        if missing:
            raise _fail(
                f"the file is a zip archive but not an Excel workbook (it lacks {', '.join(missing)})",
                "corrupt-workbook",
                file,
            )
        for member in members:
            if member.filename.lower().endswith(XML_PARTS):
                _check_member(archive, member, file)


def _check_directory(members: list[zipfile.ZipInfo], file: str, limits: Limits) -> None:
    """Judge the archive from its central directory alone: nothing is inflated here."""
    if len(members) > limits.members:
        raise _fail(
            f"the workbook has {len(members):,} parts; at most {limits.members:,} are accepted",
            "zip-bomb",
            file,
        )
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise _fail(
                f"the workbook part {member.filename} is encrypted; remove the password and save it again",
                "encrypted-workbook",
                file,
            )
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _fail(
                f"the workbook part {member.filename} uses an unsupported compression "
                f"(method {member.compress_type}); save it again from Excel as .xlsx",
                "corrupt-workbook",
                file,
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > limits.ratio_floor and ratio > limits.ratio:
            raise _fail(
                f"the workbook part {member.filename} would inflate {ratio:,.0f} times (to "
                f"{member.file_size:,} bytes); at most {limits.ratio} times is accepted",
                "zip-bomb",
                file,
            )
        total += member.file_size
    if total > limits.uncompressed:
        raise _fail(
            f"the workbook would inflate to {total:,} bytes; at most {limits.uncompressed:,} are accepted",
            "zip-bomb",
            file,
        )


def _check_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, file: str) -> None:
    try:
        with archive.open(member) as stream:
            _scan(stream)
    except DefusedXmlException as exc:
        raise _fail(
            f"the workbook part {member.filename} declares a DTD or entities ({type(exc).__name__}); "
            "such XML is refused (XXE, billion laughs)",
            "unsafe-xml",
            file,
        ) from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, SAXException) as exc:
        raise _fail(
            f"the workbook part {member.filename} cannot be read ({exc}); save it again from Excel as .xlsx",
            "corrupt-workbook",
            file,
        ) from None


def _scan(stream: IO[bytes]) -> None:
    """Stream XML through expat with DTDs, entities and external references forbidden; build nothing."""
    parser = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(ContentHandler())
    for chunk in iter(lambda: stream.read(CHUNK), b""):
        parser.feed(chunk)
    parser.close()


def check_xml(data: bytes, *, file: str) -> None:
    """Refuse XML with a DTD or entity declarations (``unsafe-xml``) or that is not well-formed."""
    try:
        _scan(io.BytesIO(data))
    except DefusedXmlException as exc:
        raise _fail(
            f"the XML declares a DTD or entities ({type(exc).__name__}); such XML is refused "
            "(XXE, billion laughs); send the SDMX-ML message without a DOCTYPE",
            "unsafe-xml",
            file,
        ) from None
    except SAXException as exc:
        raise _fail(
            f"the file is not well-formed XML ({exc}); an SDMX-ML 2.1 data message was expected",
            "invalid-xml",
            file,
        ) from None
