"""Bad binary input refused before any parser touches it: zip bombs, encrypted and corrupt workbooks,
unsafe XML. Each is a tiny specimen (built here when binary), refused fast with a one-line message naming
the file, and the store is unchanged."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from observatory.collect.importing import import_paths
from observatory.collect.safety import Limits, check_workbook
from observatory.errors import InvalidInput, PayloadTooLarge
from observatory.store.db import Store

from .test_workbook_support import snapshot

FORMATS = Path(__file__).resolve().parents[1] / "data" / "formats"
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)
WORKBOOK = (
    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
)


def skeleton(archive: zipfile.ZipFile, workbook: str = WORKBOOK) -> None:
    archive.writestr("[Content_Types].xml", CONTENT_TYPES)
    archive.writestr("xl/workbook.xml", workbook)


def zip_bomb(path: Path, megabytes: int = 200) -> Path:
    """A workbook-shaped zip with one sheet that inflates to ``megabytes`` of blank XML, written lazily."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        skeleton(archive)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(b"<worksheet>")
            block = b" " * (1 << 20)
            for _ in range(megabytes):
                member.write(block)
            member.write(b"</worksheet>")
    return path


def many_members(path: Path, count: int) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        skeleton(archive)
        for n in range(count):
            archive.writestr(f"xl/media/{n}.bin", b"")
    return path


def encrypted_member(path: Path) -> Path:
    """A zip whose central directory marks a member as encrypted (general purpose flag bit 0)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        skeleton(archive)
    data = bytearray(buffer.getvalue())
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 0x01
    path.write_bytes(bytes(data))
    return path


def not_a_workbook(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    return path


def with_doctype(path: Path) -> Path:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><w>&b;</w>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        skeleton(archive, workbook=laughs)
    return path


def ole(path: Path) -> Path:
    path.write_bytes(OLE_HEADER + bytes(504))  # the header of a Compound File: an encrypted .xlsx or an .xls
    return path


def corrupt(path: Path) -> Path:
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    return path


def truncated(path: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        skeleton(archive)
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>" * 1000)
    path.write_bytes(buffer.getvalue()[:200])
    return path


BUILDERS = {
    "zip bomb (200 MB inflated)": (zip_bomb, "zip-bomb", "would inflate"),
    "too many parts": (lambda p: many_members(p, 1_001), "zip-bomb", "parts"),
    "encrypted (OLE container)": (ole, "encrypted-workbook", "password-protected"),
    "encrypted zip member": (encrypted_member, "encrypted-workbook", "encrypted"),
    "corrupt bytes": (corrupt, "corrupt-workbook", "corrupt"),
    "truncated workbook": (truncated, "corrupt-workbook", "corrupt"),
    "zip that is not a workbook": (not_a_workbook, "corrupt-workbook", "not an Excel workbook"),
    "DTD inside the workbook": (with_doctype, "unsafe-xml", "xl/workbook.xml"),
}


@pytest.mark.parametrize("case", list(BUILDERS))
def test_bad_workbook_refused_fast_and_store_unchanged(store: Store, tmp_path: Path, case: str) -> None:
    build, code, words = BUILDERS[case]
    path = build(tmp_path / "submission.xlsx")
    before = snapshot(store)
    started = time.perf_counter()
    with pytest.raises(InvalidInput) as caught:
        import_paths(store, [path])
    assert time.perf_counter() - started < 2
    assert caught.value.code == code
    message = str(caught.value)
    assert str(path) in message and words in message and "\n" not in message
    assert caught.value.location is not None and caught.value.location.file == str(path)
    assert snapshot(store) == before


@pytest.mark.parametrize(
    ("specimen", "code", "words"),
    [
        ("billion_laughs.xml", "unsafe-xml", "DTD"),
        ("xxe.xml", "unsafe-xml", "DTD"),
        ("malformed.xml", "invalid-xml", "mismatched tag"),
    ],
)
def test_unsafe_or_malformed_xml_refused_before_sdmx1(
    store: Store, specimen: str, code: str, words: str
) -> None:
    before = snapshot(store)
    with pytest.raises(InvalidInput) as caught:
        import_paths(store, [FORMATS / specimen])
    assert caught.value.code == code
    assert specimen in str(caught.value) and words in str(caught.value)
    assert snapshot(store) == before


def test_check_xml_refuses_dtds_and_entities() -> None:
    from observatory.collect.safety import check_xml

    for data in ((FORMATS / "xxe.xml").read_bytes(), (FORMATS / "billion_laughs.xml").read_bytes()):
        with pytest.raises(InvalidInput, match="DTD or entities"):
            check_xml(data, file="x.xml")


def test_limits_are_read_from_the_central_directory(tmp_path: Path) -> None:
    path = zip_bomb(tmp_path / "ten.xlsx", megabytes=10)
    data = path.read_bytes()
    check_workbook(data, file="ten.xlsx", limits=Limits(ratio=10_000))  # within every bound
    with pytest.raises(InvalidInput, match="at most 1,048,576 are accepted") as caught:
        check_workbook(data, file="ten.xlsx", limits=Limits(ratio=10_000, uncompressed=1 << 20))
    assert caught.value.code == "zip-bomb"
    with pytest.raises(InvalidInput, match="at most 2 are accepted"):
        check_workbook(data, file="ten.xlsx", limits=Limits(members=2))


@pytest.mark.parametrize("name", ["sdmx_generic.xml", "small.xlsx"])
def test_size_limit_applies_to_every_format(store: Store, tmp_path: Path, name: str) -> None:
    path = FORMATS / name if name.endswith(".xml") else zip_bomb(tmp_path / name, megabytes=1)
    store.settings.max_upload_bytes = 100
    with pytest.raises(PayloadTooLarge, match="at most 100 are accepted"):
        import_paths(store, [path])
    assert snapshot(store) == (0, 0, 0)
