"""SDMX data: SDMX-CSV 1.0 (text) and SDMX-ML 2.1 data messages, structure-specific or generic (sdmx1).

The structure is the one :mod:`observatory.reports.sdmx` writes: dimensions ``REF_AREA``, ``VARIABLE``,
``SEX``, ``AGE``, ``OFFENCE``, ``STATUS``, ``CITIZENSHIP``, ``CATEGORY``, ``UNIT_MEASURE``, ``TIME_PERIOD``;
measure ``OBS_VALUE``; attributes ``OBS_STATUS``, ``CONF_STATUS``, ``COMMENT``. A dimension left out is
``_T`` (total; ``count`` for the unit). The dataflow is the SDMX-CSV ``DATAFLOW`` id, or the SDMX-ML data
set's structure id (``SOURCE_DATAFLOW`` when a message mixes dataflows). An observation without a value is
accepted only with ``OBS_STATUS`` ``M`` (missing). Problems name the SDMX series key and the period.

An SDMX-ML file reaches sdmx1 only after :func:`observatory.collect.safety.check_xml` has refused DTDs and
entities.
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from observatory.collect.readers.base import BinaryReader, Item, ReadContext, Reader, row_views
from observatory.collect.source import BinarySource, SourceKind, TextSource
from observatory.model.observation import TOTAL, Flag, Observation, Provenance, SeriesKey, Unit
from observatory.model.period import Period
from observatory.model.problem import Problem, Severity
from observatory.reports.export import restore
from observatory.reports.sdmx import (
    COMMENT,
    CONF_STATUS,
    DIMENSIONS,
    MEASURE,
    OBS_STATUS,
    SOURCE_DATAFLOW,
    TIME,
    dataflow_id,
    flags_of,
)

DEFAULT_DATAFLOW = "UN_CTS"


@dataclass(frozen=True)
class Point:
    """One SDMX observation as component values, and where it was found."""

    values: Mapping[str, str]  # component id -> text: dimensions, TIME_PERIOD, OBS_VALUE, attributes
    dataflow: str
    file: str
    row: int | None = None  # the SDMX-CSV line; None in SDMX-ML

    def get(self, component: str) -> str:
        return self.values.get(component, "").strip()

    @property
    def series_key(self) -> str:
        return ".".join(self.get(d) or TOTAL for d, _ in DIMENSIONS)

    def problem(self, code: str, message: str, component: str) -> Problem:
        key = f"{self.series_key} {self.get(TIME)}".strip()
        return Problem(
            code,
            f"series {key}: {message}",
            file=self.file,
            row=self.row,
            column=component if self.row is not None else None,
            value=self.get(component)[:200] or None,
            key=key,
        )


def observations(point: Point, ctx: ReadContext) -> Iterator[Item]:
    """The observation of one SDMX point, or the problems that keep it out."""
    problems: list[Problem] = []
    area = ctx.areas.resolve(point.get("REF_AREA"))
    if area is None:
        problems.append(
            point.problem(
                "unknown-area", f"REF_AREA {point.get('REF_AREA')!r} is not a known area code", "REF_AREA"
            )
        )
    if not point.get("VARIABLE"):
        problems.append(point.problem("missing-value", "VARIABLE is empty", "VARIABLE"))
    period: Period | None = None
    try:
        period = Period.parse(point.get(TIME))
    except ValueError as exc:
        problems.append(point.problem("invalid-period", str(exc), TIME))
    flags: frozenset[Flag] = frozenset()
    try:
        flags = flags_of(point.get(OBS_STATUS), point.get(CONF_STATUS))
    except ValueError as exc:
        problems.append(point.problem("unknown-code", str(exc), OBS_STATUS))
    value = _value(point, flags)
    if isinstance(value, Problem):
        problems.append(value)
    yield from problems
    if any(p.severity is Severity.error for p in problems) or area is None or period is None:
        return
    assert not isinstance(value, Problem)
    yield from _observation(point, area.code, period, value, flags)


def _value(point: Point, flags: frozenset[Flag]) -> float | Problem | None:
    text = point.get(MEASURE)
    try:
        number = float(text) if text else math.nan
    except ValueError:
        return point.problem("non-numeric-value", f"OBS_VALUE {text!r} is not a number", MEASURE)
    if math.isfinite(number):
        return number
    if text.casefold() not in ("", "nan"):
        return point.problem("non-finite-value", f"OBS_VALUE {text!r} is not a finite number", MEASURE)
    if Flag.missing in flags:
        return None
    return point.problem(
        "missing-value", "OBS_VALUE is empty; give a number, or OBS_STATUS M for a missing value", MEASURE
    )


def _observation(
    point: Point, area: str, period: Period, value: float | None, flags: frozenset[Flag]
) -> Iterator[Item]:
    dims = {name: point.get(dim) or TOTAL for dim, name in DIMENSIONS if name != "area"}
    dims["unit"] = point.get("UNIT_MEASURE") or Unit.number.value
    key = SeriesKey(**dims)
    extra: set[Flag] = set()
    if not period.plausible:
        extra.add(Flag.implausible)
        yield point.problem("implausible-year", f"year {period} is outside 1900-2100; imported flagged", TIME)
    if value is not None and value < 0 and key.unit == Unit.number.value:
        extra.add(Flag.implausible)
        yield point.problem(
            "negative-count", f"a count of {value:g} is below zero; imported flagged", MEASURE
        )
    yield Observation(
        area=area,
        period=str(period),
        key=key,
        value=value,
        provenance=Provenance(point.dataflow, file_name=point.file, row=point.row),
        flags=flags | extra,
        note=point.get(COMMENT) or None,
    )


class SdmxCsvReader(Reader):
    name = "sdmx-csv"
    dataflow = DEFAULT_DATAFLOW
    required = ("DATAFLOW", "REF_AREA", "VARIABLE", TIME, MEASURE)
    optional = (*(d for d, _ in DIMENSIONS), OBS_STATUS, CONF_STATUS, COMMENT)

    def read(self, source: TextSource, ctx: ReadContext) -> Iterator[Item]:
        for view in row_views(source, self.required + self.optional, clean=lambda v: restore(v.strip())):
            flow = dataflow_id(view["DATAFLOW"]) or DEFAULT_DATAFLOW
            yield from observations(Point(view.values, flow, source.name, view.row), ctx)


class SdmxMlReader(BinaryReader):
    name = "sdmx-ml"
    dataflow = DEFAULT_DATAFLOW
    kind = SourceKind.xml

    def read(self, source: BinarySource, ctx: ReadContext) -> Iterator[Item]:
        try:
            message = _message(source.data)
        except Exception as exc:  # sdmx1 raises many types for XML that is not an SDMX data message
            yield Problem(
                "invalid-xml",
                f"the file is not an SDMX-ML 2.1 data message ({type(exc).__name__}: {str(exc)[:200]})",
                file=source.name,
            )
            return
        data = getattr(message, "data", None)
        if data is None:
            yield Problem(
                "invalid-xml",
                f"the file is an SDMX {type(message).__name__}, not a data message with observations",
                file=source.name,
            )
            return
        for data_set in data:
            structure = getattr(data_set.structured_by, "id", None)
            flow = structure or DEFAULT_DATAFLOW
            for obs in data_set.obs:
                values = _values(obs)
                yield from observations(Point(values, values.get(SOURCE_DATAFLOW) or flow, source.name), ctx)


def _message(data: bytes) -> Any:
    """Parse with sdmx1, quieting its warning that no structure was given (the structure is ours)."""
    import sdmx

    logger = logging.getLogger("sdmx")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        read: Any = sdmx.read_sdmx
        return read(io.BytesIO(data), format="XML")
    finally:
        logger.setLevel(level)


def _values(obs: Any) -> dict[str, str]:
    values = {dim: str(kv.value) for dim, kv in obs.key.values.items()}
    values.update({attr: str(av.value) for attr, av in obs.attrib.items()})
    values[MEASURE] = "" if obs.value is None else str(obs.value)
    return values
