"""``/workspace``: the focal point's and the reviewer's pages, thin forms over the collection services.

Every form posts with the session's CSRF token (the ``csrf_token`` field) and every action is authorized
by the service it calls, so a focal point of another country is refused (403) whatever the page shows.
A refused workbook upload is kept for its uploader so that the cells named by the problems can be corrected
on the page: the corrected values are written into those cells of the same workbook and it is uploaded
again (all or nothing, as always).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from observatory.auth import Action, User, authorize, country_code
from observatory.auth.sessions import CSRF_FIELD
from observatory.collect import review
from observatory.collect.detail import SubmissionDetail, submission_detail
from observatory.collect.rounds import get_round
from observatory.collect.submissions import SubmissionState, check, edit_value, transition
from observatory.errors import Conflict, InvalidInput, NotFound, ObservatoryError, PayloadTooLarge
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.web.deps import CurrentUser, SettingsDep, StoreDep, TemplatesDep
from observatory.web.routes.collection import MAX_FILES
from observatory.web.routes.session import safe_next
from observatory.web.security import CsrfFailed, note_user, require_session, web_session
from observatory.web.workspace_page import (
    QUEUE_STATES,
    abilities,
    anchor,
    focal_point_items,
    is_reviewer,
    problem_grid,
    regions,
    review_queue,
)
from observatory.web.workspace_upload import (
    cells_to_fix,
    correct_cells,
    kept_folder,
    number,
    save_file,
    upload_or_keep,
)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Text = Annotated[str, Form(max_length=4000)]
STEPS = {
    "submit": SubmissionState.submitted,
    "review": SubmissionState.under_review,
    "return": SubmissionState.returned,
    "validate": SubmissionState.validated,
}
DONE = {
    "submit": "Submitted.",
    "review": "The review has started.",
    "return": "Returned to the focal point.",
    "validate": "Validated.",
}


def _login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(safe_next(target), safe='/')}", status_code=303)


def _page(year: int, code: str, done: str | None = None, fragment: str | None = None) -> str:
    return (
        f"/workspace/{year}/{code}"
        + (f"?done={quote(done)}" if done else "")
        + (f"#{fragment}" if fragment else "")
    )


@router.get("/workspace")
def workspace(
    request: Request,
    store: StoreDep,
    templates: TemplatesDep,
    round: int | None = None,
    region: str | None = None,
    status: str | None = None,
) -> Response:
    """A focal point's countries in every round; a reviewer's queue (oldest first); an admin's links."""
    session = web_session(request)
    if session is None:
        return _login(request)
    user = session.user
    state = None
    if status:
        names = [s.value for s in QUEUE_STATES]
        if status not in names:
            raise InvalidInput(f"status must be one of {', '.join(names)}", code="invalid-filter")
        state = SubmissionState(status)
    queue = review_queue(store, round_year=round, region=region, state=state) if is_reviewer(user) else []
    everything = review_queue(store) if is_reviewer(user) else []
    context = {
        "section": "workspace",
        "user": user,
        "items": focal_point_items(store, user) if user.countries else [],
        "queue": queue,
        "regions": regions(everything),
        "years": sorted({i.round_year for i in everything}, reverse=True),
        "filters": {"round": round, "region": region or "", "status": status or ""},
        "states": [s.value for s in QUEUE_STATES],
        "reviewer": is_reviewer(user),
    }
    return templates.TemplateResponse(request, "workspace.html", context)


def _detail(store: Store, user: User, year: int, code: str) -> SubmissionDetail | None:
    try:
        return submission_detail(store, year, code, user=user)
    except NotFound as exc:
        if exc.code != "unknown-submission":
            raise
        return None


def _render(
    request: Request,
    templates: TemplatesDep,
    store: Store,
    user: User,
    year: int,
    iso3: str,
    *,
    status: int = 200,
    message: str | None = None,
    refused: list[dict[str, Any]] | None = None,
    correctable: bool = False,
) -> Response:
    code = country_code(iso3)
    authorize(user, Action.view_submission, code)
    settings: Settings = request.app.state.settings
    rnd = get_round(store, year)
    detail = _detail(store, user, year, code)
    state = detail.submission.state if detail else None
    grid = problem_grid(detail.values, detail.problems) if detail else None
    fixes = cells_to_fix(refused or [], kept_folder(settings, user, year, code)) if correctable else []
    context = {
        "section": "workspace",
        "user": user,
        "round": rnd,
        "country": code,
        "detail": detail,
        "state": state.value if state else "not started",
        "grid": grid,
        "can": abilities(user, code, state),
        "message": message,
        "done": request.query_params.get("done") if status == 200 else None,
        "refused": refused,
        "fixes": fixes,
        "anchor": anchor,
        "slots": {f"{c.value.key} {c.value.period}": c.anchor for s in grid.sheets for c in s.cells}
        if grid
        else {},
        "editable_states": ("draft", "returned-to-draft"),
    }
    return templates.TemplateResponse(request, "workspace_submission.html", context, status_code=status)


@router.get("/workspace/{year}/{iso3}")
def submission_page(
    request: Request, year: int, iso3: str, store: StoreDep, templates: TemplatesDep
) -> Response:
    """The submission: download, upload, values by sheet with problems at their cell, queries, actions."""
    session = web_session(request)
    if session is None:
        return _login(request)
    return _render(request, templates, store, session.user, year, iso3)


def _refused(
    request: Request, templates: TemplatesDep, store: Store, user: User, year: int, iso3: str, exc: Exception
) -> Response:
    """The page again, with the reason an action was refused (400/409), nothing changed."""
    if not isinstance(exc, ObservatoryError):
        raise exc
    return _render(request, templates, store, user, year, iso3, status=exc.status, message=str(exc))


# -- uploads and corrections in the page -----------------------------------------------------------------


@router.post("/workspace/{year}/{iso3}/upload")
async def upload_form(
    request: Request, year: int, iso3: str, store: StoreDep, settings: SettingsDep, templates: TemplatesDep
) -> Response:
    """The upload form (multipart): the files go to the same service as the API's, all or nothing."""
    session = require_session(request)
    user = session.user
    note_user(request, user, session_id=session.id)
    code = country_code(iso3)
    authorize(user, Action.upload, code)  # before reading the body
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_FILES * settings.max_upload_bytes + 65536:
        raise PayloadTooLarge(
            f"the upload of {int(length):,} bytes is larger than allowed; nothing was stored"
        )
    async with request.form(max_files=MAX_FILES, max_fields=10) as form:  # closes the spooled files
        sent = form.get(CSRF_FIELD)
        if not session.csrf_ok(sent if isinstance(sent, str) else None):
            raise CsrfFailed(f"the upload form needs the session's CSRF token (form field {CSRF_FIELD})")
        files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
        if not files:
            message = "choose a workbook (or CSV or SDMX file) to upload"
            return await run_in_threadpool(
                _render, request, templates, store, user, year, code, status=400, message=message
            )
        with tempfile.TemporaryDirectory(prefix="observatory-upload-") as folder:
            paths = [await save_file(item, n, Path(folder), settings) for n, item in enumerate(files, 1)]
            problems = await run_in_threadpool(upload_or_keep, store, settings, user, year, code, paths)
    if problems is None:
        return RedirectResponse(_page(year, code, "Uploaded and checked."), status_code=303)
    message = "The upload was refused and nothing was stored: fix the problems below and upload again."
    correctable = kept_folder(settings, user, year, code).is_dir()
    return await run_in_threadpool(
        _render,
        request,
        templates,
        store,
        user,
        year,
        code,
        status=400,
        message=message,
        refused=problems,
        correctable=correctable,
    )


@router.post("/workspace/{year}/{iso3}/correct")
async def correct_form(
    request: Request,
    year: int,
    iso3: str,
    store: StoreDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    user: CurrentUser,
) -> Response:
    """Corrected values for the cells of the refused workbook (fields ``fix:SHEET!CELL``); upload it again."""
    code = country_code(iso3)
    authorize(user, Action.upload, code)
    kept = kept_folder(settings, user, year, code)
    if not kept.is_dir():
        message = "there is no refused workbook to correct; upload the workbook again"
        return await run_in_threadpool(
            _render, request, templates, store, user, year, code, status=409, message=message
        )
    form = await request.form()
    fixes = {k[4:]: v for k, v in form.items() if k.startswith("fix:") and isinstance(v, str)}
    with tempfile.TemporaryDirectory(prefix="observatory-correct-") as folder:
        try:
            paths = await run_in_threadpool(correct_cells, kept, fixes, Path(folder))
        except InvalidInput as exc:
            return await run_in_threadpool(_refused, request, templates, store, user, year, code, exc)
        problems = await run_in_threadpool(upload_or_keep, store, settings, user, year, code, paths)
    if problems is None:
        return RedirectResponse(_page(year, code, "Corrected, checked and uploaded."), status_code=303)
    message = "The corrected workbook was refused again: see the problems below."
    return await run_in_threadpool(
        _render,
        request,
        templates,
        store,
        user,
        year,
        code,
        status=400,
        message=message,
        refused=problems,
        correctable=True,
    )


# -- values, checks, steps and queries -------------------------------------------------------------------


@router.post("/workspace/{year}/{iso3}/values")
def value_form(
    request: Request,
    year: int,
    iso3: str,
    store: StoreDep,
    templates: TemplatesDep,
    user: CurrentUser,
    key: Annotated[str, Form(max_length=200)],
    period: Annotated[str, Form(max_length=20)],
    value: Annotated[str, Form(max_length=60)] = "",
    comment: Text = "",
    cell: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Set one value of a draft (the previous one goes to the history); the validation runs again."""
    try:
        report = edit_value(
            store, user, year, iso3, key=key, period=period, value=number(value), comment=comment or None
        )
    except (InvalidInput, Conflict) as exc:
        return _refused(request, templates, store, user, year, iso3, exc)
    done = f"Saved. {len(report.errors)} error(s), {len(report.warnings)} warning(s) remain."
    return RedirectResponse(_page(year, country_code(iso3), done, cell or None), status_code=303)


@router.post("/workspace/{year}/{iso3}/check")
def check_form(
    request: Request, year: int, iso3: str, store: StoreDep, templates: TemplatesDep, user: CurrentUser
) -> Response:
    try:
        report = check(store, user, year, iso3)
    except (InvalidInput, Conflict, NotFound) as exc:
        return _refused(request, templates, store, user, year, iso3, exc)
    done = f"Checked: {len(report.errors)} error(s), {len(report.warnings)} warning(s)."
    return RedirectResponse(_page(year, country_code(iso3), done), status_code=303)


@router.post("/workspace/{year}/{iso3}/step/{step}")
def step_form(
    request: Request,
    year: int,
    iso3: str,
    step: str,
    store: StoreDep,
    templates: TemplatesDep,
    user: CurrentUser,
    comment: Text = "",
) -> Response:
    """submit (focal point), review, return (with a message) or validate (reviewer)."""
    if step not in STEPS:
        raise NotFound(f"no step {step!r}; expected one of {', '.join(STEPS)}", code="unknown-step")
    try:
        transition(store, user, year, iso3, STEPS[step], comment.strip() or None)
    except (InvalidInput, Conflict, NotFound) as exc:
        return _refused(request, templates, store, user, year, iso3, exc)
    return RedirectResponse(_page(year, country_code(iso3), DONE[step]), status_code=303)


@router.post("/workspace/{year}/{iso3}/queries")
def query_form(
    request: Request,
    year: int,
    iso3: str,
    store: StoreDep,
    templates: TemplatesDep,
    user: CurrentUser,
    key: Annotated[str, Form(max_length=200)],
    period: Annotated[str, Form(max_length=20)],
    text: Text = "",
) -> Response:
    """A reviewer's question about one value."""
    try:
        query = review.raise_query(store, user, year, iso3, text=text, key=key, period=period)
    except (InvalidInput, Conflict, NotFound) as exc:
        return _refused(request, templates, store, user, year, iso3, exc)
    return RedirectResponse(
        _page(year, country_code(iso3), "Query raised.", f"query-{query.id}"), status_code=303
    )


@router.post("/workspace/{year}/{iso3}/queries/{query_id}/{verb}")
def query_reply_form(
    request: Request,
    year: int,
    iso3: str,
    query_id: int,
    verb: str,
    store: StoreDep,
    templates: TemplatesDep,
    user: CurrentUser,
    text: Text = "",
    corrected_value: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    """The focal point's answer (optionally with a corrected value), or the reviewer closing the query."""
    code = country_code(iso3)
    if verb not in ("answer", "close") or review.query_place(store, query_id) != (year, code):
        raise NotFound(f"the submission of {code} for {year} has no query {query_id}", code="unknown-query")
    try:
        if verb == "answer":
            review.answer_query(store, user, query_id, text=text, corrected_value=number(corrected_value))
        else:
            review.close_query(store, user, query_id, text=text.strip() or None)
    except (InvalidInput, Conflict) as exc:
        return _refused(request, templates, store, user, year, code, exc)
    done = "Answer sent." if verb == "answer" else "Query closed."
    return RedirectResponse(_page(year, code, done, f"query-{query_id}"), status_code=303)
