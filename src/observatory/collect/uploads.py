"""Uploading files into a submission: several partial workbooks, long CSV or SDMX, all or nothing.

Every file is parsed (:func:`observatory.collect.parsing.parse_file`, told the round and the country) and
the values of all files are merged; partial files may not disagree on a value. The merged values, together
with the ones already in the submission, are validated. Any error (a cell that does not parse, a value of
another country or year, female above total, ...) refuses the whole upload with the located problems and
stores nothing. Otherwise, in one transaction, every original is kept as received, each file is recorded
with who uploaded it, the values are stored with their file, sheet and cell (earlier values go to the
history), and the validation run is stored with the submission.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from observatory.auth import Action, User, authorize, country_code
from observatory.catalog.questionnaires import LATEST, load_questionnaire
from observatory.collect.checking import Trigger, refuse, save_run, validate_values
from observatory.collect.parsing import ParsedFile, parse_file
from observatory.collect.readers.base import ReadContext
from observatory.collect.rounds import reference_years_of, round_row
from observatory.collect.submissions import (
    SubmissionSummary,
    create_submission,
    find_submission,
    require_editable,
    summary,
)
from observatory.collect.values import (
    Change,
    StoreCounts,
    as_observation,
    store_values,
    value_key,
    value_rows,
)
from observatory.errors import InvalidInput
from observatory.model.observation import Observation
from observatory.model.problem import Problem, ValidationReport
from observatory.store.db import Store
from observatory.store.originals import keep_original
from observatory.store.tables import SubmissionFileRow, SubmissionRow


@dataclass
class UploadResult:
    submission: SubmissionSummary
    files: list[dict[str, Any]]
    counts: StoreCounts
    report: ValidationReport = field(default_factory=ValidationReport)

    def to_dict(self) -> dict[str, Any]:
        return {
            "submission": self.submission.to_dict(),
            "files": self.files,
            "inserted": self.counts.inserted,
            "updated": self.counts.updated,
            "unchanged": self.counts.unchanged,
            "errors": len(self.report.errors),
            "warnings": len(self.report.warnings),
            "problems": [p.to_dict() for p in self.report.problems],
        }


def _problem(code: str, message: str, obs: Observation, value: str | None = None) -> Problem:
    p = obs.provenance
    return Problem(
        code,
        message,
        file=p.file_name,
        row=p.row,
        sheet=p.sheet,
        cell=p.cell,
        key=f"{obs.key} {obs.period}",
        value=value,
    )


def _fit(obs: Observation, country: str, reference_years: Sequence[int]) -> Problem | None:
    """Why ``obs`` does not belong to this submission (another country, another year), or None."""
    if obs.area != country:
        return _problem("wrong-round", f"a value for {obs.area}, but this submission is {country}'s", obs)
    if int(obs.period[:4]) not in reference_years:
        years = ", ".join(map(str, reference_years))
        return _problem("wrong-round", f"{obs.period} is not a reference year of this round ({years})", obs)
    return None


def _merge(
    parsed: Sequence[ParsedFile], country: str, reference_years: Sequence[int]
) -> tuple[dict[tuple[str, str], Observation], list[Problem]]:
    """The values of several (partial) files, one per key and period, and what does not fit the round."""
    merged: dict[tuple[str, str], Observation] = {}
    problems: list[Problem] = []
    reported = {  # workbook readers report keys that partial workbooks give twice themselves
        (p.file, p.sheet, p.cell, p.row)
        for item in parsed
        for p in item.report.problems
        if p.code == "duplicate-key"
    }
    for item in parsed:
        for found in item.observations:
            obs = replace(
                found, provenance=replace(found.provenance, file_sha256=item.sha256, file_name=item.path.name)
            )
            misfit = _fit(obs, country, reference_years)
            if misfit is not None:
                problems.append(misfit)
                continue
            first = merged.setdefault(value_key(obs), obs)
            p = obs.provenance
            if (
                first is not obs
                and first.value != obs.value
                and (p.file_name, p.sheet, p.cell, p.row) not in reported
            ):
                message = (
                    f"{obs.key} {obs.period} is {_shown(obs.value)} here but {_shown(first.value)} in "
                    f"{_where(first)}; partial files must not disagree"
                )
                problems.append(_problem("duplicate-key", message, obs, _shown(obs.value)))
    return merged, problems


def _shown(value: float | None) -> str:
    return "empty" if value is None else f"{value:g}"


def _where(obs: Observation) -> str:
    p = obs.provenance
    place = f"sheet {p.sheet!r}, cell {p.cell}" if p.cell else f"row {p.row}"
    return f"{p.file_name} ({place})"


def upload(store: Store, user: User, year: int, country: str, paths: Sequence[Path]) -> UploadResult:
    """Add the values of one or more files (workbooks, long CSV, SDMX) to the country's submission."""
    code = country_code(country)
    authorize(user, Action.upload, code)
    if not paths:
        raise InvalidInput("give at least one file to upload", code="missing-file")
    with store.session() as session:
        rnd = round_row(session, year)
        version, reference_years = rnd.questionnaire_version, reference_years_of(rnd)
        existing = find_submission(session, year, code)
        current: dict[tuple[str, str], Observation] = {}
        if existing is not None:
            require_editable(existing)
            current = {(r.key, r.period): as_observation(r, code) for r in value_rows(session, existing.id)}
    ctx = ReadContext()  # shared: partial workbooks are merged
    parsed = [
        parse_file(path, max_bytes=store.settings.max_upload_bytes, ctx=ctx, round_year=year, country=code)
        for path in paths
    ]
    incoming, problems = _merge(parsed, code, reference_years)
    report = ValidationReport([p for item in parsed for p in item.report.problems] + problems)
    merged = {**current, **incoming}
    # validated even when some cells did not parse: the focal point sees every problem at once
    checked = validate_values(
        store, list(merged.values()), version=version, reference_years=reference_years, countries=[code]
    )
    report.extend(checked.problems)
    report.stats = dict(checked.stats)
    if not report.valid:
        refuse(report, what=f"the upload for {code}, round {year},", action="nothing was stored")
    questionnaire = load_questionnaire(version)
    with store.session() as session:
        row = find_submission(session, year, code) or create_submission(session, year, code, user)
        require_editable(row)
        files = [_keep(store, session, row, item, user) for item in parsed]
        counts = store_values(
            session, row.id, incoming.values(), user, Change.upload, questionnaire=questionnaire
        )
        row.updated_at = datetime.now(UTC)
        save_run(session, row.id, user, Trigger.upload, report, values=len(merged))
        return UploadResult(summary(session, row), files, counts, report)


def _keep(store: Store, session: Session, row: SubmissionRow, item: ParsedFile, user: User) -> dict[str, Any]:
    keep_original(
        session,
        store.settings,
        item.path,
        fmt=item.reader.name,
        encoding=item.source.encoding,
        sha256=item.sha256,
    )
    session.add(
        SubmissionFileRow(
            submission_id=row.id,
            file_sha256=item.sha256,
            original_name=item.path.name,
            format=item.reader.name,
            values=len(item.observations),
            uploaded_by=user.id,
            uploaded_at=datetime.now(UTC),
        )
    )
    return {
        "file": item.path.name,
        "sha256": item.sha256,
        "format": item.reader.name,
        "values": len(item.observations),
    }


def check_files(
    store: Store, paths: Sequence[Path], *, country: str | None = None, round_year: int | None = None
) -> ValidationReport:
    """Parse and validate files as an upload would, storing nothing (``observatory validate``).

    With a round, its questionnaire and reference years apply; with a country, values of other countries
    are errors. The history is the published figures of the countries in the files.
    """
    code = country_code(country) if country else None
    version, years = LATEST, None
    if round_year is not None:
        with store.session() as session:
            rnd = round_row(session, round_year)
            version, years = rnd.questionnaire_version, reference_years_of(rnd)
    ctx = ReadContext()
    parsed = [
        parse_file(
            path, max_bytes=store.settings.max_upload_bytes, ctx=ctx, round_year=round_year, country=code
        )
        for path in paths
    ]
    report = ValidationReport([p for item in parsed for p in item.report.problems])
    observations = [o for item in parsed for o in item.observations]
    if code is not None and years is not None:
        merged, problems = _merge(parsed, code, years)
        report.extend(problems)
        observations = list(merged.values())
    areas = sorted({o.area for o in observations})
    checked = validate_values(store, observations, version=version, reference_years=years, countries=areas)
    report.extend(checked.problems)
    report.stats = {**checked.stats, "files": len(parsed), "values": len(observations)}
    return report
