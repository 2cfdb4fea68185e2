"""``/api/v1/audit``: the audit log of every write, newest first (admins only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from observatory.auth.audit import Outcome, list_entries
from observatory.web.deps import CurrentUser, PageDep, StoreDep
from observatory.web.links import page_links
from observatory.web.schemas import PageLinks

router = APIRouter(prefix="/audit", tags=["audit"])


class AuditEntryPublic(BaseModel):
    id: int
    at: datetime
    user_id: int | None
    email: str | None
    role: str | None
    token_id: int | None
    session_id: int | None
    via: str
    action: str
    country: str | None
    target: str | None
    request: str
    address: str | None
    outcome: str
    status: int | None
    detail: str | None


class AuditPublic(BaseModel):
    data: list[AuditEntryPublic]
    count: int
    limit: int
    offset: int
    links: PageLinks


@router.get("", name="list", summary="The audit log", response_model=AuditPublic)
async def audit_list(
    request: Request,
    store: StoreDep,
    user: CurrentUser,
    page: PageDep,
    email: Annotated[str | None, Query(alias="user", description="Only this user (e-mail).")] = None,
    country: Annotated[str | None, Query(description="Only this country (ISO3).")] = None,
    since: Annotated[datetime | None, Query(description="From this time (ISO 8601), inclusive.")] = None,
    until: Annotated[datetime | None, Query(description="Before this time (ISO 8601).")] = None,
    outcome: Annotated[Outcome | None, Query(description="ok, refused, invalid or error.")] = None,
) -> AuditPublic:
    """Who wrote what, when, through which request, and how it ended (refused writes included)."""
    entries, count = await run_in_threadpool(
        lambda: list_entries(
            store,
            user,
            user=email,
            country=country,
            since=since,
            until=until,
            outcome=outcome.value if outcome else None,
            limit=page.limit,
            offset=page.offset,
        )
    )
    return AuditPublic(
        data=[AuditEntryPublic.model_validate(e.to_dict()) for e in entries],
        count=count,
        limit=page.limit,
        offset=page.offset,
        links=page_links(request, count, page.limit, page.offset),
    )
