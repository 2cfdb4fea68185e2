"""Survey indicators into the indicator world: computed from files, stored as observations, released.

:func:`compute_from_files` reads the microdata, the design file (``[design]`` or ``[replicate]``, and an
optional ``[post_stratify]`` table: ``variable`` and ``[post_stratify.population]`` counts) and the data
dictionary, and computes :func:`~observatory.surveys.crime.crime_indicators`.
:func:`observations` turns every figure into observations of dataflow ``SURVEY`` in the normal series
layout: the estimate (unit ``percent``, ``category`` = ``_T``, so the registry's survey indicators read
it), and beside it the same series with ``category`` = ``ci-lower``, ``ci-upper``, ``se`` (percent),
``base-unweighted`` (count) and ``base-weighted`` (persons). Every one is flagged ``estimated`` (and
``small-base`` when the base is small), its note states the interval, the bases, the design and the
dictionary with their SHA-256, and its provenance is the microdata file's SHA-256. A suppressed figure is
stored without a value (flag ``missing``, the reason in the note). :func:`publish` writes them through
the same upsert as ``observatory import`` (originals kept, an import run, revisions) and publishes a
release.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from observatory.catalog.areas import load_areas
from observatory.errors import ErrorLocation, InvalidInput
from observatory.model.observation import TOTAL, Flag, Observation, Provenance, SeriesKey, Unit
from observatory.model.release import Release
from observatory.model.survey import Design, ReplicateDesign
from observatory.store import observations as repo
from observatory.store.db import Store
from observatory.store.observations import UpsertCounts
from observatory.store.originals import keep_original, sha256_of
from observatory.store.tables import ImportRun
from observatory.surveys.calibration import post_stratify
from observatory.surveys.crime import BaseRule, Status, SurveyFigure, crime_indicators
from observatory.surveys.design import SurveySample
from observatory.surveys.dictionary import Dictionary, load_dictionary
from observatory.surveys.service import bind, load_design, read_microdata
from observatory.warehouse.release import publish as publish_release

DATAFLOW = "SURVEY"
#: The ``category`` of the series stored beside each estimate, and their unit.
COMPANIONS = {
    "ci-lower": Unit.percent,
    "ci-upper": Unit.percent,
    "se": Unit.percent,
    "base-unweighted": Unit.number,
    "base-weighted": Unit.persons,
}


@dataclass
class SurveyRun:
    """The survey indicators of one microdata file, with everything they were computed from."""

    data: Path
    data_sha256: str
    design: Design | ReplicateDesign
    design_path: Path
    design_sha256: str
    dictionary: Dictionary
    dictionary_path: Path
    dictionary_sha256: str
    area: str
    year: int
    rule: BaseRule
    level: float
    post_stratified_by: str | None
    respondents: int
    figures: list[SurveyFigure] = field(default_factory=list)

    def describe_design(self) -> str:
        if isinstance(self.design, ReplicateDesign):
            return f"replicate {self.design.method.value}, {self.design.replicates} replicates"
        d = self.design
        parts = [f"ids={'+'.join(d.ids) or '1'}"]
        parts += [f"strata={'+'.join(d.strata)}"] if d.strata else []
        parts += [f"weights={d.weights}"] if d.weights else []
        parts += [f"fpc={'+'.join(d.fpc)}"] if d.fpc else []
        if self.post_stratified_by:
            parts.append(f"post-stratified by {self.post_stratified_by}")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "data": str(self.data),
            "data_sha256": self.data_sha256,
            "design": self.describe_design(),
            "design_sha256": self.design_sha256,
            "dictionary": self.dictionary.title,
            "dictionary_sha256": self.dictionary_sha256,
            "area": self.area,
            "year": self.year,
            "respondents": self.respondents,
            "level": self.level,
            "small_base": self.rule.small,
            "suppress_below": self.rule.suppress,
            "figures": [f.to_dict() for f in self.figures],
        }


def _post_stratification(path: Path) -> tuple[str, dict[str, float]] | None:
    parsed = tomllib.loads(path.read_text(encoding="utf-8"))
    table = parsed.get("post_stratify")
    if table is None:
        return None
    where = ErrorLocation(file=str(path), field="post_stratify")
    variable, population = table.get("variable"), table.get("population")
    if not isinstance(variable, str) or not isinstance(population, dict) or not population:
        raise InvalidInput(
            "[post_stratify] needs variable and a [post_stratify.population] table of counts",
            code="invalid-margin",
            location=where,
        )
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in population.values()):
        raise InvalidInput(
            "post-stratum population counts must be numbers", code="invalid-margin", location=where
        )
    return variable, {str(k): float(v) for k, v in population.items()}


def compute_from_files(
    data: Path,
    dictionary: Path,
    design: Path,
    *,
    area: str,
    year: int,
    rule: BaseRule | None = None,
    level: float = 0.95,
) -> SurveyRun:
    """Read, bind, calibrate and compute (see the module docstring); nothing is stored."""
    known = load_areas().resolve(area)
    if known is None:
        raise InvalidInput(
            f"unknown area {area!r}", code="unknown-area", location=ErrorLocation(field="area")
        )
    if not 1900 <= year <= 2100:
        raise InvalidInput(f"year {year} is not a plausible reference year", code="invalid-period")
    checked = load_dictionary(dictionary)
    frame = read_microdata(data)
    spec = load_design(design, [str(c) for c in frame.columns])
    sample = bind(frame, spec, str(data))
    calibration = _post_stratification(design)
    if calibration is not None:
        if not isinstance(sample, SurveySample):
            raise InvalidInput(
                "post-stratification applies to a [design], not to given replicate weights",
                code="invalid-design",
                location=ErrorLocation(file=str(design), field="post_stratify"),
            )
        sample = post_stratify(sample, calibration[0], calibration[1])
    rule = rule or BaseRule()
    figures = crime_indicators(sample, checked, rule=rule, level=level)
    return SurveyRun(
        data=data,
        data_sha256=sha256_of(data),
        design=spec,
        design_path=design,
        design_sha256=sha256_of(design),
        dictionary=checked,
        dictionary_path=dictionary,
        dictionary_sha256=sha256_of(dictionary),
        area=known.code,
        year=year,
        rule=rule,
        level=level,
        post_stratified_by=calibration[0] if calibration else None,
        respondents=sample.n,
        figures=figures,
    )


def _note(run: SurveyRun, figure: SurveyFigure) -> str:
    level = f"{run.level:.0%}"
    if figure.status is Status.suppressed:
        head = f"suppressed: unweighted base {figure.n} below {run.rule.suppress}"
    else:
        assert figure.ci_lower is not None and figure.ci_upper is not None and figure.se is not None
        head = f"{level} CI {figure.ci_lower:.2f} to {figure.ci_upper:.2f}; SE {figure.se:.2f}" + (
            f"; small base (n < {run.rule.small})" if figure.status is Status.small_base else ""
        )
    return (
        f"{head}; unweighted base {figure.n}; weighted base {figure.weighted_n:,.0f}; "
        f"domain: {figure.domain}; "
        f"design {run.describe_design()} (sha256 {run.design_sha256[:12]}); "
        f"dictionary {run.dictionary_path.name} (sha256 {run.dictionary_sha256[:12]})"
    )


def observations(run: SurveyRun) -> list[Observation]:
    """Every figure as its estimate and companion series (see the module docstring)."""
    provenance = Provenance(
        dataflow=DATAFLOW,
        source=f"survey microdata {run.data.name}",
        file_sha256=run.data_sha256,
        file_name=run.data.name,
    )
    found: list[Observation] = []
    for figure in run.figures:
        note = _note(run, figure)
        suppressed = figure.status is Status.suppressed
        flags = {Flag.estimated} | ({Flag.small_base} if figure.status is Status.small_base else set())
        values = {
            TOTAL: (figure.estimate, Unit.percent),
            "ci-lower": (figure.ci_lower, Unit.percent),
            "ci-upper": (figure.ci_upper, Unit.percent),
            "se": (figure.se, Unit.percent),
            "base-unweighted": (float(figure.n), Unit.number),
            "base-weighted": (figure.weighted_n, Unit.persons),
        }
        for category, (value, unit) in values.items():
            withheld = suppressed and unit is Unit.percent
            key = SeriesKey(
                figure.variable.value,
                sex=figure.sex,
                offence=figure.offence,
                category=category,
                unit=unit.value,
            )
            found.append(
                Observation(
                    area=run.area,
                    period=str(run.year),
                    key=key,
                    value=None if withheld else value,
                    provenance=provenance,
                    flags=frozenset({Flag.missing} if withheld else flags),
                    note=note,
                    label=figure.label,
                )
            )
    return found


@dataclass(frozen=True)
class PublishedSurvey:
    release: Release
    new_release: bool
    counts: UpsertCounts

    def to_dict(self) -> dict[str, Any]:
        return {
            "release": self.release.number,
            "new_release": self.new_release,
            "inserted": self.counts.inserted,
            "updated": self.counts.updated,
            "unchanged": self.counts.unchanged,
        }


def publish(store: Store, run: SurveyRun) -> PublishedSurvey:
    """Store the run's observations (originals of data, design and dictionary kept) and publish a release."""
    found = observations(run)
    with store.session() as session:
        keep_original(session, store.settings, run.data, fmt="survey-microdata", sha256=run.data_sha256)
        keep_original(session, store.settings, run.design_path, fmt="survey-design", sha256=run.design_sha256)
        keep_original(
            session,
            store.settings,
            run.dictionary_path,
            fmt="survey-dictionary",
            sha256=run.dictionary_sha256,
        )
        started = datetime.now(UTC)
        record = ImportRun(
            file_sha256=run.data_sha256, dataflow=DATAFLOW, started_at=started, rows=run.respondents
        )
        session.add(record)
        session.flush()
        counts = repo.upsert(session, found, file_sha256=run.data_sha256, import_id=record.id)
        record.inserted, record.updated, record.unchanged = counts.inserted, counts.updated, counts.unchanged
        record.finished_at = datetime.now(UTC)
    note = f"survey indicators {run.area} {run.year} from {run.data.name}"
    release, new = publish_release(store, note=note)
    return PublishedSurvey(release, new, counts)
