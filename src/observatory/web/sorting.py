"""``sort=field,-field`` on list endpoints: checked against an allow-list, applied to rows or to a query.

A list endpoint declares its sortable fields once with :func:`sort_param`; the dependency gives the route a
tuple of :class:`SortKey` (empty when ``sort`` is absent: the endpoint's own order). A field outside the
allow-list is a 400 ``invalid-sort`` naming the field and the allowed ones. Pagination links are built from
the request URL (:func:`observatory.web.links.page_links`), so they keep ``sort``.
"""

from __future__ import annotations

import inspect
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query

from observatory.errors import ErrorLocation, InvalidInput

SORT = "sort"
INVALID_SORT = "invalid-sort"
MAX_KEYS = 8


@dataclass(frozen=True)
class SortKey:
    """One field of a sort order; ``descending`` when it was given as ``-field``."""

    field: str
    descending: bool = False

    def __str__(self) -> str:
        return f"-{self.field}" if self.descending else self.field


def parse_sort(value: str | None, allowed: Sequence[str]) -> tuple[SortKey, ...]:
    """``"-value,area"`` as sort keys; :class:`InvalidInput` (``invalid-sort``) for a field not allowed."""
    if value is None or not value.strip():
        return ()
    keys: list[SortKey] = []
    for part in value.split(","):
        name = part.strip()
        descending = name.startswith("-")
        name = name.removeprefix("-").removeprefix("+").strip()
        if name not in allowed:
            shown = repr(name) if name else "an empty field"
            raise InvalidInput(
                f"cannot sort by {shown}; sort takes a comma-separated list of {', '.join(allowed)} "
                "(prefix a field with - for descending order)",
                code=INVALID_SORT,
                location=ErrorLocation(field=SORT),
                details=[{"field": SORT, "value": name, "allowed": list(allowed)}],
            )
        if any(k.field == name for k in keys):
            raise InvalidInput(
                f"sort names {name!r} twice", code=INVALID_SORT, location=ErrorLocation(field=SORT)
            )
        keys.append(SortKey(name, descending))
    if len(keys) > MAX_KEYS:
        raise InvalidInput(
            f"sort names {len(keys)} fields; at most {MAX_KEYS}",
            code=INVALID_SORT,
            location=ErrorLocation(field=SORT),
        )
    return tuple(keys)


def sort_param(allowed: Sequence[str]) -> Callable[..., tuple[SortKey, ...]]:
    """A dependency reading ``sort`` for an endpoint whose rows may be ordered by ``allowed``."""
    fields = tuple(allowed)
    description = (
        f"Comma-separated fields to order by, `-` before a field for descending: {', '.join(fields)}. "
        "Absent: the endpoint's default order."
    )

    def sort_keys(sort: str | None = None) -> tuple[SortKey, ...]:
        return parse_sort(sort, fields)

    # The annotation names this closure's description: give FastAPI the evaluated signature.
    query = Annotated[str | None, Query(description=description, max_length=400)]
    parameter = inspect.Parameter(SORT, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=query)
    sort_keys.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [parameter], return_annotation=tuple[SortKey, ...]
    )
    return sort_keys


def _ranked(value: Any) -> tuple[int, Any]:
    """Missing values after every present one, whatever the direction; numbers before text."""
    if value is None:
        return (2, 0)
    if isinstance(value, bool | int | float):
        return (0, value)
    text = unicodedata.normalize("NFKD", str(value))
    return (1, "".join(c for c in text if not unicodedata.combining(c)).casefold())


def _by(name: str) -> Callable[[Mapping[str, Any]], tuple[int, Any]]:
    return lambda row: _ranked(row.get(name))


def sort_rows(rows: Iterable[Mapping[str, Any]], keys: Sequence[SortKey]) -> list[Mapping[str, Any]]:
    """``rows`` ordered by ``keys`` (stable: ties keep their order); missing values last."""
    ordered = list(rows)
    for key in reversed(keys):
        present = [r for r in ordered if r.get(key.field) is not None]
        missing = [r for r in ordered if r.get(key.field) is None]
        present.sort(key=_by(key.field), reverse=key.descending)
        ordered = present + missing
    return ordered
