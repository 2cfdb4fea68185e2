"""SDMX-JSON 1.0 data messages for observation rows, with the structure of the SDMX-CSV/ML writers.

The message is the SDMX-JSON *data message* of the SDMX Technical Working Group (version 1.0, for SDMX
2.1): a ``header``, a ``structure`` listing every dimension and attribute with the values that occur, and
one data set whose ``series`` are keyed by the positions of their dimension values (``"0:3:0:0:..."``) and
whose ``observations`` are keyed by the position of their ``TIME_PERIOD`` value. Each observation is an
array: the value (``null`` when missing), then the positions of its attribute values (``OBS_STATUS``,
``CONF_STATUS``, then ``COMMENT`` and ``SOURCE_DATAFLOW`` when present), ``null`` where one does not apply.

Version 1.0 and not 2.0: sdmx1 (the library the platform reads SDMX with) parses SDMX-JSON 1.0 data
messages but not the 2.0 layout (``data.structures`` as a list), so 1.0 is what a client's SDMX tooling can
read back; the tests parse every message with sdmx1. Dimensions, attributes and flag codes are those of
:mod:`observatory.reports.sdmx`; rows of several dataflows go in one data set with structure ``OBSERVATORY``
and the dataflow in the ``SOURCE_DATAFLOW`` attribute, as in SDMX-ML.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from observatory.catalog.dataflows import DATAFLOWS
from observatory.reports.sdmx import (
    AGENCY,
    COMMENT,
    CONF_STATUS,
    CONFIDENTIAL,
    DIMENSIONS,
    FREE,
    MIXED,
    OBS_STATUS,
    SOURCE_DATAFLOW,
    TIME,
    VERSION,
    ObsStatus,
    _dims,
    _flags,
    statuses,
)

SDMX_JSON_VERSION = "1.0.0"
MEDIA_TYPE = f"application/vnd.sdmx.data+json; version={SDMX_JSON_VERSION}; charset=utf-8"
SCHEMA = "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/data-message/tools/schemas/1.0/sdmx-json-data-schema.json"
CONCEPT_NAMES = {
    "REF_AREA": "Reference area",
    "VARIABLE": "Variable",
    "SEX": "Sex",
    "AGE": "Age",
    "OFFENCE": "Offence (ICCS v1.0)",
    "STATUS": "Status",
    "CITIZENSHIP": "Citizenship",
    "CATEGORY": "Category",
    "UNIT_MEASURE": "Unit of measure",
    TIME: "Time period",
    OBS_STATUS: "Observation status",
    CONF_STATUS: "Confidentiality status",
    COMMENT: "Comment",
    SOURCE_DATAFLOW: "Source dataflow",
}
CODE_NAMES = {
    ObsStatus.normal.value: "Normal value",
    ObsStatus.missing.value: "Missing value",
    ObsStatus.break_in_series.value: "Break in series",
    ObsStatus.estimated.value: "Estimated value",
    ObsStatus.low_reliability.value: "Low reliability",
    CONFIDENTIAL: "Confidential",
    FREE: "Free",
}


class _Positions:
    """The distinct values of one component, in order of first appearance, and their positions."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, value: str) -> int:
        return self.index.setdefault(value, len(self.index))

    def values(self, names: Mapping[str, str] | None = None) -> list[dict[str, str]]:
        return [{"id": v, "name": (names or {}).get(v, v)} for v in self.index]

    def texts(self) -> list[dict[str, str]]:
        """Values of a free-text attribute: a name and no id."""
        return [{"name": v} for v in self.index]


def _value(value: Any) -> float | int | None:
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _component(cid: str, values: list[dict[str, str]], **extra: Any) -> dict[str, Any]:
    return {"id": cid, "name": CONCEPT_NAMES.get(cid, cid), **extra, "values": values}


def _message_name(flows: list[str]) -> str:
    if len(flows) == 1:
        flow = DATAFLOWS.get(flows[0])
        return flow.name if flow else flows[0]
    return "Observations of several dataflows: " + ", ".join(flows)


def _area_names(codes: Sequence[str]) -> dict[str, str]:
    from observatory.catalog.areas import load_areas

    catalog = load_areas()
    return {code: catalog.get(code).name for code in codes if code in catalog}


def to_sdmx_json(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str] | None = None,
    *,
    prepared: datetime | None = None,
) -> bytes:
    """An SDMX-JSON 1.0 data message (series by dimension positions, observations by ``TIME_PERIOD``);
    ``columns`` is ignored (SDMX fixes them)."""
    flows = sorted({str(r.get("dataflow") or "") for r in rows})
    mixed = len(flows) > 1
    dims = {sdmx: _Positions() for sdmx, _ in DIMENSIONS}
    periods = _Positions()
    attributes = {name: _Positions() for name in (OBS_STATUS, CONF_STATUS, COMMENT, SOURCE_DATAFLOW)}
    series: dict[str, dict[str, Any]] = {}
    pending: list[tuple[str, int, float | int | None, dict[str, str]]] = []
    for row in rows:
        key = ":".join(str(dims[d](v)) for d, v in _dims(row).items())
        status, conf = statuses(_flags(row))
        attached = {OBS_STATUS: status, CONF_STATUS: conf}
        if row.get("note"):
            attached[COMMENT] = str(row["note"])
        if mixed:
            attached[SOURCE_DATAFLOW] = str(row.get("dataflow") or "")
        pending.append((key, periods(str(row.get("period"))), _value(row.get("value")), attached))
    # An attribute without any value is left out of the structure (sdmx1 drops such attributes, which would
    # shift the positions of the others).
    present = [name for name in attributes if any(name in a for *_, a in pending)]
    for key, period, value, attached in pending:
        observation: list[Any] = [value]
        observation += [attributes[n](attached[n]) if n in attached else None for n in present]
        series.setdefault(key, {"attributes": [], "observations": {}})["observations"][str(period)] = (
            observation
        )
    when = (prepared or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    area_names = _area_names(list(dims["REF_AREA"].index))
    message = {
        "header": {
            "id": f"OBS{when:%Y%m%d%H%M%S}",
            "test": False,
            "prepared": when.isoformat().replace("+00:00", "Z"),
            "sender": {"id": AGENCY},
        },
        "dataSets": [{"action": "Information", "series": series}],
        "structure": {
            "links": [
                {
                    "rel": "dataflow",
                    "urn": "urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow="
                    f"{AGENCY}:{flows[0] if len(flows) == 1 else MIXED}({VERSION})",
                }
            ],
            "name": _message_name(flows),
            "dimensions": {
                "dataSet": [],
                "series": [
                    _component(d, dims[d].values(area_names if d == "REF_AREA" else None), keyPosition=i)
                    for i, (d, _) in enumerate(DIMENSIONS)
                ],
                "observation": [_component(TIME, periods.values(), keyPosition=len(DIMENSIONS), role="time")],
            },
            "attributes": {
                "dataSet": [],
                "series": [],
                "observation": [
                    _component(n, attributes[n].texts() if n == COMMENT else attributes[n].values(CODE_NAMES))
                    for n in present
                ],
            },
        },
    }
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
