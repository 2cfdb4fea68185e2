"""The assessor's pages: ``/norms/assess`` (start an assessment, open drafts), ``/norms/assess/{draft}`` (the
checklist by section: ratings, free text, evidence uploads, figures filled from the statistics; save per
section; complete), ``/norms/assessments/{id}`` (a recorded assessment) and ``/norms/countries/{iso3}`` (the
country's compliance profile: scores, history, gaps, agreement, linked assistance projects).

Forms work without JavaScript and post with the session's CSRF token (``csrf_token``); section forms are
multipart because of the evidence files. Every action is authorized by the service it calls
(``record_assessment`` / ``view_assessment`` for the country), so an assessor of another country gets 403
whatever the page shows; a visitor who is not signed in is sent to ``/login`` (a form post without a session
is refused with 401, and one without the CSRF token with 403, before anything else is looked at).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from observatory.auth import Role, User
from observatory.auth.sessions import CSRF_FIELD, WebSession
from observatory.errors import InvalidInput, NotFound, ObservatoryError, PayloadTooLarge
from observatory.norms import assessments as service
from observatory.norms import drafts
from observatory.norms.checklists import load_checklists
from observatory.norms.entries import EVIDENCE_MAX_BYTES
from observatory.norms.profile import compliance_profile
from observatory.web import assessment_page as page
from observatory.web.deps import StoreDep, TemplatesDep
from observatory.web.routes.session import safe_next
from observatory.web.security import CsrfFailed, note_user, require_session, web_session

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
MAX_FIELDS = 4000
MAX_SECTION_FILES = 20  # evidence files in one section's form (the largest shipped section has 7 items)


def _login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(safe_next(target), safe='/')}", status_code=303)


def _posted(request: Request, session: WebSession, form: FormData) -> User:
    """The signed-in user of a form post, after the CSRF check (every form carries ``csrf_token``)."""
    note_user(request, session.user, session_id=session.id)
    sent = form.get(CSRF_FIELD)
    if not session.csrf_ok(sent if isinstance(sent, str) else None):
        raise CsrfFailed(f"the form needs the session's CSRF token (form field {CSRF_FIELD})")
    return session.user


def _max_bytes(request: Request) -> int:
    return min(int(request.app.state.settings.max_upload_bytes), EVIDENCE_MAX_BYTES)


# -- starting --------------------------------------------------------------------------------------------


def _start_page(
    request: Request,
    templates: TemplatesDep,
    store: StoreDep,
    user: User,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    recorded = []
    for code in user.countries if user.role is not Role.admin else [None]:
        recorded += service.list_assessments(store, user, country=code)
    context = {
        "section": "norms",
        "user": user,
        "checklists": list(load_checklists().values()),
        "countries": list(user.countries),
        "drafts": drafts.list_drafts(store, user),
        "recorded": sorted(recorded, key=lambda a: (a.assessed_on, a.id or 0), reverse=True)[:50],
        "errors": errors or {},
        "values": values or {"assessed_on": date.today().isoformat()},
        "done": request.query_params.get("done") if status == 200 else None,
    }
    return templates.TemplateResponse(request, "norms_assess.html", context, status_code=status)


@router.get("/norms/assess")
def assess_start(request: Request, store: StoreDep, templates: TemplatesDep) -> Response:
    """Choose a checklist and one of your countries; your open drafts and recorded assessments."""
    session = web_session(request)
    if session is None:
        return _login(request)
    return _start_page(request, templates, store, session.user)


_START_FIELDS = {"invalid-date": "assessed_on", "unknown-checklist": "checklist"}


@router.post("/norms/assess")
async def assess_create(request: Request, store: StoreDep, templates: TemplatesDep) -> Response:
    session = require_session(request)
    form = await request.form()
    user = _posted(request, session, form)
    values = {k: str(form.get(k) or "").strip() for k in ("checklist", "country", "assessed_on")}
    try:
        try:
            on = date.fromisoformat(values["assessed_on"])
        except ValueError:
            raise InvalidInput("give the assessment date as YYYY-MM-DD", code="invalid-date") from None
        draft = await run_in_threadpool(
            drafts.start_draft, store, user, values["checklist"], values["country"], on
        )
    except (InvalidInput, NotFound) as exc:
        where = _START_FIELDS.get(exc.code, "country")
        errors = {where: str(exc)}
        return _start_page(request, templates, store, user, status=exc.status, errors=errors, values=values)
    return RedirectResponse(f"/norms/assess/{draft.id}", status_code=303)


# -- the checklist ---------------------------------------------------------------------------------------


def _draft_page(
    request: Request,
    templates: TemplatesDep,
    store: StoreDep,
    user: User,
    draft_id: str,
    *,
    status: int = 200,
    message: str | None = None,
    refused: int | None = None,
    posted: dict[str, drafts.ItemInput] | None = None,
    errors: dict[str, dict[str, str]] | None = None,
) -> Response:
    draft, checklist = drafts.get_draft(store, user, draft_id)
    shown = page.sections(checklist, draft, refused=refused, posted=posted, errors=errors)
    context: dict[str, Any] = {
        "section": "norms",
        "draft": draft,
        "checklist": checklist,
        "sections": shown,
        "scale": checklist.scale,
        "kinds": page.EVIDENCE_KINDS,
        "accept": page.ACCEPT,
        "max_bytes": _max_bytes(request),
        "message": message,
        "done": request.query_params.get("done") if status == 200 else None,
        "answered": sum(s.answered for s in shown),
        "total": len(checklist.items),
    }
    return templates.TemplateResponse(request, "norms_assess_form.html", context, status_code=status)


@router.get("/norms/assess/{draft_id}")
def assess_draft(request: Request, draft_id: str, store: StoreDep, templates: TemplatesDep) -> Response:
    """The checklist by section, with what was entered so far."""
    session = web_session(request)
    if session is None:
        return _login(request)
    return _draft_page(request, templates, store, session.user, draft_id)


@router.post("/norms/assess/{draft_id}/sections/{number}")
async def assess_section(
    request: Request, draft_id: str, number: int, store: StoreDep, templates: TemplatesDep
) -> Response:
    """Save one section (multipart: an evidence file per item); every problem is shown at its field."""
    session = require_session(request)
    user = session.user
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_SECTION_FILES * _max_bytes(request) + 1024 * 1024:
        raise PayloadTooLarge(f"the form of {int(length):,} bytes is larger than allowed; nothing was saved")
    async with request.form(max_files=MAX_SECTION_FILES, max_fields=MAX_FIELDS) as form:
        _posted(request, session, form)
        _, checklist = await run_in_threadpool(drafts.get_draft, store, user, draft_id)
        title = page.section_title(checklist, number)
        if title is None:
            raise NotFound(f"checklist {checklist.id} has no section {number}", code="unknown-section")
        inputs = await page.section_inputs(form, checklist, title)
    try:
        await run_in_threadpool(
            lambda: drafts.save_section(store, user, draft_id, title, inputs, max_bytes=_max_bytes(request))
        )
    except drafts.SectionRefused as exc:
        return _draft_page(
            request, templates, store, user, draft_id, status=422, message=str(exc),
            refused=number, posted=inputs, errors=exc.errors,
        )  # fmt: skip
    done = quote(f"Section {title} saved.")
    return RedirectResponse(f"/norms/assess/{draft_id}?done={done}#section-{number}", status_code=303)


@router.post("/norms/assess/{draft_id}/complete")
async def assess_complete(
    request: Request, draft_id: str, store: StoreDep, templates: TemplatesDep
) -> Response:
    """Record the assessment (all or nothing): indicator items accepted are filled with their provenance."""
    session = require_session(request)
    form = await request.form()
    user = _posted(request, session, form)
    note = str(form.get("note") or "").strip()
    try:
        assessment, _ = await run_in_threadpool(
            lambda: drafts.complete(store, user, draft_id, note=note, max_bytes=_max_bytes(request))
        )
    except ObservatoryError as exc:
        if exc.status not in (400, 409, 422):
            raise
        return _draft_page(request, templates, store, user, draft_id, status=exc.status, message=str(exc))
    return RedirectResponse(
        f"/norms/assessments/{assessment.id}?done={quote('Assessment completed and recorded.')}",
        status_code=303,
    )


@router.post("/norms/assess/{draft_id}/discard")
async def assess_discard(request: Request, draft_id: str, store: StoreDep) -> Response:
    session = require_session(request)
    form = await request.form()
    user = _posted(request, session, form)
    await run_in_threadpool(drafts.discard, store, user, draft_id)
    return RedirectResponse(f"/norms/assess?done={quote('Draft discarded.')}", status_code=303)


# -- reading ---------------------------------------------------------------------------------------------


@router.get("/norms/assessments/{assessment_id}")
def assessment_page(
    request: Request, assessment_id: int, store: StoreDep, templates: TemplatesDep
) -> Response:
    """A recorded assessment: scores by section and the findings with their evidence and provenance."""
    session = web_session(request)
    if session is None:
        return _login(request)
    found = service.get_assessment(store, session.user, assessment_id)
    view = service.assessment_view(store, found)
    checklist = service.checklist_version(store, found.checklist, found.version)
    by_section: dict[str, list[dict[str, Any]]] = {}
    for f in view["findings"]:
        by_section.setdefault(f["section"], []).append({**f, "prompt": checklist.item(f["item"]).prompt})
    context = {
        "section": "norms",
        "view": view,
        "checklist": checklist,
        "by_section": by_section,
        "percent": page.percent,
        "done": request.query_params.get("done"),
    }
    return templates.TemplateResponse(request, "norms_assess_view.html", context)


@router.get("/norms/countries/{iso3}")
def country_page(request: Request, iso3: str, store: StoreDep, templates: TemplatesDep) -> Response:
    """A country's compliance: scores by checklist, section and date; gaps; agreement; assistance."""
    profile = compliance_profile(store, iso3)
    context = {"section": "norms", "compliance": profile, "percent": page.percent}
    return templates.TemplateResponse(request, "norms_country.html", context)
