"""The source precedence of ``catalog/data/source_precedence.toml``: one observation per series.

When several dataflows hold the same series for an area and year, an indicator uses the observation of the
dataflow earliest in ``order``; unlisted dataflows come after every listed one, by name. The list is data,
checked when loaded: an empty list, a name given twice or a name that is not an SDMX identifier is a
:class:`~observatory.errors.ConfigurationError`.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from observatory.errors import ConfigurationError

PATH = Path(__file__).parent / "data" / "source_precedence.toml"
IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def parse(data: dict[str, Any], source: str = "<source precedence>") -> tuple[str, ...]:
    """The ``order`` list of ``data``, checked."""
    order = data.get("order")
    if not isinstance(order, list) or not order or not all(isinstance(d, str) for d in order):
        raise ConfigurationError(f"{source}: `order` must be a non-empty list of dataflow ids")
    seen: set[str] = set()
    for dataflow in order:
        if dataflow in seen:
            raise ConfigurationError(f"{source}: dataflow {dataflow!r} is listed twice in `order`")
        if not IDENTIFIER.match(dataflow):
            raise ConfigurationError(f"{source}: {dataflow!r} in `order` is not a dataflow id")
        seen.add(dataflow)
    return tuple(order)


@cache
def source_precedence(path: Path = PATH) -> tuple[str, ...]:
    """The dataflows in order of precedence, first wins."""
    with path.open("rb") as handle:
        return parse(tomllib.load(handle), str(path))
