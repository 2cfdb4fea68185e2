"""Helpers of the workspace's upload form: saving the posted files, keeping a refused workbook for its
uploader, and writing values corrected on the page into the cells of that workbook."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import openpyxl
from starlette.datastructures import UploadFile

from observatory.auth import User
from observatory.collect.uploads import upload
from observatory.errors import InvalidInput, PayloadTooLarge
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.web.routes.collection import safe_name


def cells_to_fix(refused: list[dict[str, Any]], kept: Path) -> list[dict[str, Any]]:
    """The cells in error of a kept refused workbook, with their current content and the problems there."""
    places: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for p in refused:
        if p.get("sheet") and p.get("cell") and p.get("severity") == "error":
            places.setdefault((str(p["sheet"]), str(p["cell"])), []).append(p)
    if not places or not kept.is_dir():
        return []
    book = openpyxl.load_workbook(next(kept.iterdir()), read_only=True, data_only=False)
    try:
        shown = []
        for (sheet, cell), problems in places.items():
            current = book[sheet][cell].value if sheet in book.sheetnames else None
            text = (
                ""
                if current is None
                else str(int(current) if isinstance(current, float) and current.is_integer() else current)
            )
            shown.append({"sheet": sheet, "cell": cell, "current": text, "problems": problems})
        return shown
    finally:
        book.close()


def kept_folder(settings: Settings, user: User, year: int, code: str) -> Path:
    """Where a user's refused workbook for one submission waits to be corrected (one at a time)."""
    return settings.data_dir / "workspace" / f"refused-{user.id}-{year}-{code}"


def upload_or_keep(
    store: Store, settings: Settings, user: User, year: int, code: str, paths: list[Path]
) -> list[dict[str, Any]] | None:
    """Upload; on refusal keep a single workbook for correction and return the located problems."""
    kept = kept_folder(settings, user, year, code)
    try:
        upload(store, user, year, code, paths)
    except InvalidInput as exc:
        if exc.details is None:
            raise
        if len(paths) == 1 and paths[0].suffix.lower() == ".xlsx" and paths[0].parent != kept:
            shutil.rmtree(kept, ignore_errors=True)
            kept.mkdir(parents=True)
            shutil.copy2(paths[0], kept / paths[0].name)
        return [dict(d) for d in exc.details]
    shutil.rmtree(kept, ignore_errors=True)
    return None


async def save_file(item: UploadFile, number: int, folder: Path, settings: Settings) -> Path:
    if item.size is not None and item.size > settings.max_upload_bytes:
        raise PayloadTooLarge(
            f"{item.filename} is larger than the {settings.max_upload_bytes:,} bytes allowed; nothing stored"
        )
    target = folder / str(number) / safe_name(item.filename or "", number)
    target.parent.mkdir()
    target.write_bytes(await item.read())
    return target


def number(text: str) -> float | None:
    cleaned = text.strip().replace(",", "").replace("\u202f", "").replace(" ", "")
    if not cleaned:
        return None
    try:
        return float(cleaned)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a number", code="non-numeric-value") from None


def correct_cells(kept: Path, fixes: dict[str, str], folder: Path) -> list[Path]:
    """Write the corrected values into their cells of the kept workbook (a copy in ``folder``)."""
    source = next(kept.iterdir())
    book = openpyxl.load_workbook(source)
    try:
        for place, text in fixes.items():
            sheet, _, cell = place.partition("!")
            if sheet not in book.sheetnames or not cell:
                raise InvalidInput(f"the workbook has no cell {place}", code="unknown-cell")
            value = number(text)
            book[sheet][cell] = int(value) if value is not None and value.is_integer() else value
        target = folder / source.name
        book.save(target)
    finally:
        book.close()
    shutil.copy2(target, source)  # the corrections stay if the upload is refused again
    return [target]
