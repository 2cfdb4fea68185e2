"""SDMX for observation rows: the structure we exchange, and SDMX-CSV 1.0 and SDMX-ML 2.1 writers.

Dimensions: ``REF_AREA``, ``VARIABLE``, ``SEX``, ``AGE``, ``OFFENCE``, ``STATUS``, ``CITIZENSHIP``,
``CATEGORY``, ``UNIT_MEASURE`` and ``TIME_PERIOD``; measure ``OBS_VALUE``; attributes ``OBS_STATUS``,
``CONF_STATUS`` and ``COMMENT`` (the note). Flags map to SDMX codes: ``OBS_STATUS`` carries one code, the
first that applies of ``M`` (missing), ``B`` (break in series), ``E`` (estimated), ``U`` (implausible: low
reliability), else ``A`` (normal); ``CONF_STATUS`` is ``C`` for confidential and ``F`` otherwise. A second
status flag and the flags SDMX has no code for (computed, conflict) are not carried.

SDMX-CSV names the dataflow on every row (``OBSERVATORY:UNODC_CTS(1.0)``). An SDMX-ML message is one data set
whose structure id is the dataflow; rows of several dataflows go in one data set with structure
``OBSERVATORY`` and the dataflow in each observation's ``SOURCE_DATAFLOW`` attribute. SDMX-ML is written
with sdmx1, structure-specific by default or generic. Free text in SDMX-CSV is neutralised as in CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from observatory.model.observation import TOTAL, Flag, Unit
from observatory.reports.export import neutralise

AGENCY = "OBSERVATORY"
VERSION = "1.0"
DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("REF_AREA", "area"),
    ("VARIABLE", "variable"),
    ("SEX", "sex"),
    ("AGE", "age"),
    ("OFFENCE", "offence"),
    ("STATUS", "status"),
    ("CITIZENSHIP", "citizenship"),
    ("CATEGORY", "category"),
    ("UNIT_MEASURE", "unit"),
)
TIME = "TIME_PERIOD"
MEASURE = "OBS_VALUE"
OBS_STATUS, CONF_STATUS, COMMENT, SOURCE_DATAFLOW = "OBS_STATUS", "CONF_STATUS", "COMMENT", "SOURCE_DATAFLOW"
ATTRIBUTES = (OBS_STATUS, CONF_STATUS, COMMENT)
CSV_COLUMNS = ("DATAFLOW", *(d for d, _ in DIMENSIONS), TIME, MEASURE, *ATTRIBUTES)
MIXED = AGENCY  # structure id of a message whose rows come from several dataflows


class SdmxMessage(StrEnum):
    """The two SDMX-ML 2.1 data message forms."""

    structure_specific = "structure-specific"
    generic = "generic"


class ObsStatus(StrEnum):
    """The ``OBS_STATUS`` codes we write and read (SDMX code list CL_OBS_STATUS)."""

    normal = "A"
    missing = "M"
    break_in_series = "B"
    estimated = "E"
    low_reliability = "U"


STATUS_OF_FLAG: dict[Flag, ObsStatus] = {  # in order of precedence
    Flag.missing: ObsStatus.missing,
    Flag.break_in_series: ObsStatus.break_in_series,
    Flag.estimated: ObsStatus.estimated,
    Flag.implausible: ObsStatus.low_reliability,
}
FLAG_OF_STATUS = {status: flag for flag, status in STATUS_OF_FLAG.items()}
CONFIDENTIAL, FREE = "C", "F"


def dataflow_ref(dataflow: str) -> str:
    """The SDMX-CSV ``DATAFLOW`` cell: ``OBSERVATORY:UNODC_CTS(1.0)``."""
    return f"{AGENCY}:{dataflow}({VERSION})"


def dataflow_id(ref: str) -> str:
    """The dataflow id of ``AGENCY:ID(VERSION)``, ``AGENCY:ID`` or ``ID``."""
    return ref.split(":", 1)[-1].split("(", 1)[0].strip()


def statuses(flags: Iterable[Flag]) -> tuple[str, str]:
    """(``OBS_STATUS``, ``CONF_STATUS``) for a set of flags."""
    present = set(flags)
    status = next((s for f, s in STATUS_OF_FLAG.items() if f in present), ObsStatus.normal)
    return status.value, CONFIDENTIAL if Flag.confidential in present else FREE


def flags_of(obs_status: str, conf_status: str) -> frozenset[Flag]:
    """The flags of SDMX status codes; ``ValueError`` naming the accepted codes otherwise."""
    flags: set[Flag] = set()
    code = obs_status.strip().upper()
    if code:
        try:
            status = ObsStatus(code)
        except ValueError:
            raise ValueError(
                f"OBS_STATUS {obs_status!r} is not one of {', '.join(s.value for s in ObsStatus)}"
            ) from None
        if status in FLAG_OF_STATUS:
            flags.add(FLAG_OF_STATUS[status])
    conf = conf_status.strip().upper()
    if conf not in ("", CONFIDENTIAL, FREE):
        raise ValueError(f"CONF_STATUS {conf_status!r} is not C (confidential) or F (free)")
    if conf == CONFIDENTIAL:
        flags.add(Flag.confidential)
    return frozenset(flags)


def _flags(row: Mapping[str, Any]) -> list[Flag]:
    known = {f.value for f in Flag}
    return [Flag(f) for f in str(row.get("flags") or "").split(",") if f in known]


def _dims(row: Mapping[str, Any]) -> dict[str, str]:
    dims = {sdmx: str(row.get(name) or TOTAL) for sdmx, name in DIMENSIONS}
    dims["UNIT_MEASURE"] = str(row.get("unit") or Unit.number.value)
    return dims


def _number(value: Any) -> str:
    if value is None:
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def to_sdmx_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> bytes:
    """SDMX-CSV 1.0: one row per observation; ``columns`` is ignored (SDMX fixes them)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        status, conf = statuses(_flags(row))
        dims = _dims(row)
        writer.writerow(
            [
                dataflow_ref(str(row.get("dataflow") or "")),
                *(neutralise(dims[d]) for d, _ in DIMENSIONS),
                row.get("period"),
                _number(row.get("value")),
                status,
                conf,
                neutralise(row.get("note") or ""),
            ]
        )
    return out.getvalue().encode("utf-8")


def structure(structure_id: str, *, mixed: bool = False) -> Any:
    """The data structure definition (sdmx1), with ``SOURCE_DATAFLOW`` when rows mix dataflows."""
    from sdmx.model import v21

    dsd = v21.DataStructureDefinition(id=structure_id, maintainer=v21.Agency(id=AGENCY), version=VERSION)
    for order, (dim, _) in enumerate(DIMENSIONS):
        dsd.dimensions.getdefault(dim, order=order)
    dsd.dimensions.getdefault(TIME, cls=v21.TimeDimension, order=len(DIMENSIONS))
    dsd.measures.getdefault(MEASURE)
    for attribute in (*ATTRIBUTES, SOURCE_DATAFLOW) if mixed else ATTRIBUTES:
        dsd.attributes.getdefault(attribute, related_to=v21.PrimaryMeasureRelationship())
    return dsd


def to_sdmx_ml(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str] | None = None,
    *,
    form: SdmxMessage = SdmxMessage.structure_specific,
    prepared: datetime | None = None,
) -> bytes:
    """An SDMX-ML 2.1 data message (one data set, time series by ``TIME_PERIOD``); ``columns`` is ignored."""
    import sdmx
    from sdmx import message
    from sdmx.model import common, v21

    flows = sorted({str(r.get("dataflow") or "") for r in rows})
    mixed = len(flows) != 1
    dsd = structure(MIXED if mixed else flows[0], mixed=mixed)
    cls = v21.GenericDataSet if form is SdmxMessage.generic else v21.StructureSpecificDataSet
    data_set = cls(structured_by=dsd)
    series: dict[tuple[str, ...], list[Any]] = {}
    keys: dict[tuple[str, ...], Any] = {}
    for row in rows:
        dims = _dims(row)
        ident = tuple(dims.values())
        if ident not in keys:
            keys[ident] = dsd.make_key(v21.SeriesKey, dims)
        attributes = dict(zip((OBS_STATUS, CONF_STATUS), statuses(_flags(row)), strict=True))
        if row.get("note"):
            attributes[COMMENT] = str(row["note"])
        if mixed:
            attributes[SOURCE_DATAFLOW] = str(row.get("dataflow") or "")
        value = row.get("value")
        observation = v21.Observation(
            series_key=keys[ident],
            dimension=dsd.make_key(common.Key, {TIME: str(row.get("period"))}),
            value=float("nan") if value is None and cls is v21.GenericDataSet else value,
            value_for=dsd.measures[0],
            attached_attribute={
                k: common.AttributeValue(value=v, value_for=dsd.attributes.get(k))
                for k, v in attributes.items()
            },
        )
        series.setdefault(ident, []).append(observation)
    for ident, observations in series.items():
        data_set.add_obs(observations, keys[ident])
    when = (prepared or datetime.now(UTC)).replace(microsecond=0, tzinfo=None)
    header = message.Header(id=f"OBS{when:%Y%m%d%H%M%S}", sender=v21.Agency(id=AGENCY), prepared=when)
    msg = message.DataMessage(data=[data_set], header=header, observation_dimension=dsd.dimensions.get(TIME))
    to_xml: Any = sdmx.to_xml
    xml: bytes = to_xml(msg, pretty_print=True)
    if form is SdmxMessage.generic:  # sdmx1 names the root StructureSpecificData whatever the data set
        xml = xml.replace(b"<mes:StructureSpecificData ", b"<mes:GenericData ", 1)
        xml = xml.replace(b"</mes:StructureSpecificData>", b"</mes:GenericData>", 1)
    return xml
