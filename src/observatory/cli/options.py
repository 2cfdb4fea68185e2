"""Options shared by every command, spelled the same way everywhere."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import typer
from rich.console import Console

from observatory.errors import InvalidInput
from observatory.settings import Settings
from observatory.store.db import Store

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (the API's shape) instead of a table.")]
AreaOpt = Annotated[
    list[str] | None,
    typer.Option("--area", "-a", help="Area code (ISO3, M49 or UNODC unit); repeatable."),
]
YearOpt = Annotated[
    str | None, typer.Option("--year", "-y", help="A year (2019) or a range (2015-2020, 2015-).")
]
IndicatorOpt = Annotated[
    list[str] | None,
    typer.Option("--indicator", "-i", "--variable", help="Variable code (persons-held, VC_IHR_PSRC, ...)."),
]

console = Console(stderr=True, soft_wrap=True)  # messages name paths: never wrap them
# Wide enough for import tables when the output is a pipe or a log, not a terminal.
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)


@dataclass
class State:
    debug: bool = False


state = State()


def open_store(*, init: bool = True) -> Store:
    store = Store(Settings())
    if init:
        store.init()
    return store


def _jsonable(value: Any) -> Any:
    """Dates as ISO 8601 (as the API writes them), anything else as its ``str``."""
    return value.isoformat() if isinstance(value, date) else str(value)


def print_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=_jsonable) + "\n")


def parse_years(text: str | None) -> tuple[int | None, int | None]:
    """``2019`` -> (2019, 2019); ``2015-2020`` -> (2015, 2020); ``2015-`` -> (2015, None)."""
    if not text:
        return None, None
    first, sep, last = text.partition("-")
    try:
        start = int(first) if first.strip() else None
        end = int(last) if last.strip() else None
    except ValueError:
        raise InvalidInput(
            f"--year {text!r} is not a year or range; expected 2019, 2015-2020 or 2015-",
            code="invalid-period",
        ) from None
    if start is not None and end is not None and start > end:
        raise InvalidInput(
            f"--year {text!r} ends before it starts; write the earlier year first ({end}-{start})",
            code="invalid-period",
        )
    return (start, end) if sep else (start, start)
