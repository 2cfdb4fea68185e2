"""``observatory submission ...`` and ``observatory review ...``: one country's return, from draft to release.

Focal points upload, edit, check and answer queries; reviewers start the review, raise and close queries,
return, validate and publish. Every command that changes data acts as ``--user`` (``OBSERVATORY_USER``).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from observatory.cli.collection import CommentOpt, CountryOpt, PathsArg, RoundOpt, show_problems
from observatory.cli.options import JsonOpt, open_store, out, print_json
from observatory.cli.users import UserOpt, acting_user
from observatory.collect import review
from observatory.collect.detail import SubmissionDetail, submission_detail
from observatory.collect.publishing import publish_submission
from observatory.collect.submissions import SubmissionState, SubmissionSummary, check, edit_value, transition
from observatory.collect.uploads import upload
from observatory.model.problem import ValidationReport

submission_app = typer.Typer(help="One country's return for a round.", no_args_is_help=True)
review_app = typer.Typer(
    help="Review: start, query, answer, close-query, return, validate, publish.", no_args_is_help=True
)

TextOpt = Annotated[str, typer.Option("--text", "-t", help="The message.")]
KeyOpt = Annotated[str | None, typer.Option("--key", help="Series key, variable.sex.age.offence.status...")]
YearOpt = Annotated[str | None, typer.Option("--year", "-y", help="Reference year of the value.")]
CellOpt = Annotated[str | None, typer.Option("--cell", help="Workbook cell, SHEET!D7.")]


def _said(result: SubmissionSummary, as_json: bool, verb: str) -> None:
    if as_json:
        print_json(result.to_dict())
        return
    out.print(
        f"{result.country}, round {result.round_year}: {verb} (now {result.state.value}).", highlight=False
    )


# -- submission ---------------------------------------------------------------------------------------


@submission_app.command("show")
def show_command(country: CountryOpt, round_year: RoundOpt, as_json: JsonOpt = False) -> None:
    """Values, problems, queries, value history and workflow steps of a submission."""
    detail = submission_detail(open_store(), round_year, country)
    if as_json:
        print_json(detail.to_dict())
        return
    _show(detail)


def _show(detail: SubmissionDetail) -> None:
    s = detail.submission
    out.print(f"{s.country}, round {s.round_year}: {s.state.value}, {s.values} values", highlight=False)
    for f in detail.files:
        out.print(
            f"  file {f.file} ({f.format}, {f.values} values) by {f.uploaded_by} "
            f"at {f.uploaded_at:%Y-%m-%d %H:%M}"
        )
    values = Table(title="Values")
    for col in ("id", "key", "year", "value", "where", "set by", "how"):
        values.add_column(col)
    for v in detail.values:
        value = "" if v.value is None else f"{v.value:g}"
        where = f"{v.sheet}!{v.cell}" if v.cell else (f"{v.file_name} row {v.row}" if v.row else "typed")
        values.add_row(str(v.id), v.key, v.period, value, where, v.set_by, v.change.value)
    out.print(values)
    if detail.validation:
        run = detail.validation
        out.print(
            f"Validation ({run.trigger}, {run.at:%Y-%m-%d %H:%M}): "
            f"{run.errors} errors, {run.warnings} warnings"
        )
        show_problems(_report(detail))
    for q in detail.queries:
        out.print(f"Query #{q.id} [{q.state.value}] on {q.location}", highlight=False)
        for m in q.messages:
            extra = f" -> {m.corrected_value:g}" if m.corrected_value is not None else ""
            out.print(f"    {m.kind.value} by {m.by}: {m.text}{extra}", highlight=False, markup=False)
    for h in detail.history:
        old = "empty" if h.value is None else f"{h.value:g}"
        out.print(
            f"  history: {h.key} {h.period} was {old} "
            f"({h.change.value} by {h.set_by}, {h.file_name or 'typed'}); "
            f"replaced by {h.superseded_by} at {h.superseded_at:%Y-%m-%d %H:%M}",
            highlight=False,
            markup=False,
        )
    for step in detail.steps:
        comment = f": {step.comment}" if step.comment else ""
        out.print(
            f"  {step.from_state or '-'} -> {step.to_state} by {step.by}{comment}",
            highlight=False,
            markup=False,
        )


def _report(detail: SubmissionDetail) -> ValidationReport:
    return ValidationReport(list(detail.problems))


@submission_app.command("upload")
def upload_command(
    paths: PathsArg, country: CountryOpt, round_year: RoundOpt, user: UserOpt = None, as_json: JsonOpt = False
) -> None:
    """Upload files into the draft (all or nothing); several partial workbooks merge."""
    store = open_store()
    result = upload(store, acting_user(store, user), round_year, country, paths)
    if as_json:
        print_json(result.to_dict())
        return
    c = result.counts
    out.print(
        f"Uploaded {len(result.files)} file(s): {c.inserted} new, {c.updated} changed, "
        f"{c.unchanged} unchanged."
    )
    show_problems(result.report)


@submission_app.command("edit")
def edit_command(
    country: CountryOpt,
    round_year: RoundOpt,
    key: Annotated[str, typer.Option("--key", help="Series key of the value.")],
    year: Annotated[str, typer.Option("--year", "-y", help="Reference year.")],
    value: Annotated[float, typer.Option("--value", help="The new figure.")],
    note: Annotated[str | None, typer.Option("--note", help="Explanatory note kept with the value.")] = None,
    comment: CommentOpt = None,
    user: UserOpt = None,
) -> None:
    """Change one value of a draft; the previous value is kept in the history."""
    store = open_store()
    report = edit_value(
        store,
        acting_user(store, user),
        round_year,
        country,
        key=key,
        period=year,
        value=value,
        note=note,
        comment=comment,
    )
    out.print(
        f"Set {key} {year} to {value:g}; {len(report.errors)} error(s), {len(report.warnings)} warning(s)."
    )


@submission_app.command("check")
def check_command(
    country: CountryOpt, round_year: RoundOpt, user: UserOpt = None, as_json: JsonOpt = False
) -> None:
    """Run the validation on the submission now and keep what it finds."""
    store = open_store()
    report = check(store, acting_user(store, user), round_year, country)
    if as_json:
        print_json({"valid": report.valid, "problems": [p.to_dict() for p in report.problems]})
    else:
        show_problems(report)
        out.print(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s).")


# -- review -----------------------------------------------------------------------------------------


@review_app.command("start")
def start_command(
    country: CountryOpt,
    round_year: RoundOpt,
    comment: CommentOpt = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Start reviewing a submitted return."""
    store = open_store()
    result = transition(
        store, acting_user(store, user), round_year, country, SubmissionState.under_review, comment
    )
    _said(result, as_json, "review started")


@review_app.command("query")
def query_command(
    country: CountryOpt,
    round_year: RoundOpt,
    text: TextOpt,
    key: KeyOpt = None,
    year: YearOpt = None,
    cell: CellOpt = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Raise a query on one value (by --key and --year, or by --cell SHEET!CELL)."""
    store = open_store()
    query = review.raise_query(
        store, acting_user(store, user), round_year, country, text=text, key=key, period=year, cell=cell
    )
    _query_said(query, as_json, "raised")


def _query_said(query: review.Query, as_json: bool, verb: str) -> None:
    if as_json:
        print_json(query.to_dict())
        return
    out.print(f"Query #{query.id} on {query.location} {verb} ({query.state.value}).", highlight=False)


@review_app.command("answer")
def answer_command(
    query_id: Annotated[int, typer.Argument(help="Query number.")],
    text: TextOpt,
    value: Annotated[float | None, typer.Option("--value", help="A corrected value.")] = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer a query (the focal point), optionally with a corrected value."""
    store = open_store()
    query = review.answer_query(store, acting_user(store, user), query_id, text=text, corrected_value=value)
    _query_said(query, as_json, "answered")


@review_app.command("close-query")
def close_query_command(
    query_id: Annotated[int, typer.Argument(help="Query number.")],
    text: Annotated[str | None, typer.Option("--text", "-t", help="Closing remark.")] = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Close an answered query (the reviewer)."""
    store = open_store()
    query = review.close_query(store, acting_user(store, user), query_id, text=text)
    _query_said(query, as_json, "closed")


@review_app.command("return")
def return_command(
    country: CountryOpt,
    round_year: RoundOpt,
    comment: Annotated[str, typer.Option("--comment", "-m", help="Which changes are needed.")],
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Return the submission to draft with the changes needed."""
    store = open_store()
    result = transition(
        store, acting_user(store, user), round_year, country, SubmissionState.returned, comment
    )
    _said(result, as_json, "returned to the focal point")


@review_app.command("validate")
def validate_command(
    country: CountryOpt,
    round_year: RoundOpt,
    comment: CommentOpt = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Validate the submission (refused while errors or queries that are not closed remain)."""
    store = open_store()
    result = transition(
        store, acting_user(store, user), round_year, country, SubmissionState.validated, comment
    )
    _said(result, as_json, "validated")


@review_app.command("publish")
def publish_command(
    country: CountryOpt,
    round_year: RoundOpt,
    comment: CommentOpt = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Publish a validated submission into a new release."""
    store = open_store()
    result = publish_submission(store, acting_user(store, user), round_year, country, comment)
    if as_json:
        print_json(result.to_dict())
        return
    out.print(
        f"Published {result.country}, round {result.round_year}: "
        f"{result.inserted} new, {result.updated} revised, "
        f"{result.unchanged} unchanged observations; release {result.release.number}."
    )
