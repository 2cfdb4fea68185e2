"""``/api/v1/norms``: the compendium, checklists and compliance assessments; and the pages ``/norms`` and
``/norms/{id}``.

Reading the compendium, checklists, country scores and gaps needs no token. Recording an assessment needs
``record_assessment`` for the country (an assessor for their countries, or an admin); reading assessments,
agreement and deltas needs ``view_assessment``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from observatory.model.norm import Cluster
from observatory.norms import assessments as service
from observatory.norms.checklists import checklist_view, get_checklist, load_checklists
from observatory.norms.compendium import cluster_list, instrument_detail, instrument_list, search_rules
from observatory.norms.entries import EVIDENCE_MAX_BYTES, entries_from_data
from observatory.norms.scoring import KappaWeights
from observatory.web.deps import CurrentUser, StoreDep, TemplatesDep
from observatory.web.norms_schemas import (
    AgreementPublic,
    AssessmentCreate,
    AssessmentPublic,
    AssessmentsPublic,
    ChecklistPublic,
    ChecklistsPublic,
    CountryScoresPublic,
    DeltaPublic,
    GapsPublic,
    InstrumentDetailPublic,
    InstrumentsPublic,
    RuleHitsPublic,
)

router = APIRouter(prefix="/norms", tags=["norms"])
page_router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

ChecklistQuery = Annotated[str | None, Query(description="Only this checklist.")]


@router.get("", summary="List instruments", response_model=InstrumentsPublic)
def norms_list(
    cluster: Annotated[Cluster | None, Query(description="Only this cluster.")] = None,
) -> InstrumentsPublic:
    """The instruments of the compendium with their cluster, adoption reference and number of rules."""
    rows = instrument_list(cluster)
    return InstrumentsPublic.model_validate({"data": rows, "count": len(rows)})


@router.get("/search", summary="Search rules", response_model=RuleHitsPublic)
def norms_search(
    q: Annotated[str, Query(min_length=1, description="Words of rule titles, or a reference (bangkok:24).")],
    instrument: Annotated[str | None, Query(description="Only this instrument.")] = None,
    cluster: Annotated[Cluster | None, Query(description="Only this cluster.")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> RuleHitsPublic:
    """Rules whose titles hold every word, best first."""
    hits = search_rules(q, instrument=instrument, cluster=cluster, limit=limit)
    return RuleHitsPublic.model_validate({"data": hits, "count": len(hits)})


@router.get("/checklists", summary="List checklists", response_model=ChecklistsPublic)
def norms_checklists() -> ChecklistsPublic:
    rows = [
        {
            "id": c.id,
            "version": c.version,
            "title": c.title,
            "items": len(c.items),
            "scale": c.scale.describe(),
        }
        for c in load_checklists().values()
    ]
    return ChecklistsPublic.model_validate({"data": rows, "count": len(rows)})


@router.get("/checklists/{checklist_id}", summary="Get one checklist", response_model=ChecklistPublic)
def norms_checklist(checklist_id: str) -> ChecklistPublic:
    """A checklist's items with the rule numbers each tests, evidence kinds, weights and indicators."""
    return ChecklistPublic.model_validate(checklist_view(get_checklist(checklist_id)))


@router.post("/assessments", summary="Record an assessment", response_model=AssessmentPublic, status_code=201)
def norms_assess(body: AssessmentCreate, store: StoreDep, user: CurrentUser) -> AssessmentPublic:
    """Record one assessor's findings (all or nothing); indicator items are filled from the statistics."""
    entries = entries_from_data([f.model_dump() for f in body.findings], "request")
    for entry in entries:
        entry["evidence"] = [{k: v for k, v in e.items() if v is not None} for e in entry["evidence"]]
    assessment, notes = service.record_assessment(
        store,
        user,
        body.checklist,
        body.country,
        body.assessed_on,
        entries,
        source="request",
        fill=body.fill,
        note=body.note,
        max_bytes=min(store.settings.max_upload_bytes, EVIDENCE_MAX_BYTES),
    )
    return AssessmentPublic.model_validate(
        {**service.assessment_view(store, assessment), "not_filled": notes}
    )


@router.get("/assessments", summary="List assessments", response_model=AssessmentsPublic)
def norms_assessments(
    store: StoreDep,
    user: CurrentUser,
    country: Annotated[str | None, Query(description="Only this country.")] = None,
    checklist: ChecklistQuery = None,
) -> AssessmentsPublic:
    found = service.list_assessments(store, user, country=country, checklist=checklist)
    return AssessmentsPublic.model_validate({"data": [a.summary() for a in found], "count": len(found)})


@router.get("/assessments/{assessment_id}", summary="Get one assessment", response_model=AssessmentPublic)
def norms_assessment(assessment_id: int, store: StoreDep, user: CurrentUser) -> AssessmentPublic:
    view = service.assessment_view(store, service.get_assessment(store, user, assessment_id))
    return AssessmentPublic.model_validate(view)


@router.get("/agreement", summary="Inter-assessor agreement", response_model=AgreementPublic)
def norms_agreement(
    store: StoreDep,
    user: CurrentUser,
    a: Annotated[int, Query(description="Assessment id of the first assessor.")],
    b: Annotated[int, Query(description="Assessment id of the second assessor.")],
    weights: Annotated[KappaWeights, Query(description="none, linear or quadratic.")] = KappaWeights.none,
) -> AgreementPublic:
    """Cohen's kappa between two assessors of the same checklist version and country."""
    return AgreementPublic.model_validate(service.assessment_agreement(store, user, a, b, weights))


@router.get("/delta", summary="Changes between two assessments", response_model=DeltaPublic)
def norms_delta(
    store: StoreDep,
    user: CurrentUser,
    before: Annotated[int, Query(description="Earlier assessment id.")],
    after: Annotated[int, Query(description="Later assessment id.")],
) -> DeltaPublic:
    return DeltaPublic.model_validate(service.assessment_delta(store, user, before, after))


@router.get("/scores/{country}", summary="Compliance scores of a country", response_model=CountryScoresPublic)
def norms_scores(country: str, store: StoreDep, checklist: ChecklistQuery = None) -> CountryScoresPublic:
    """Per checklist, from its latest assessments: overall, by section and by instrument."""
    return CountryScoresPublic.model_validate(service.country_scores(store, country, checklist))


@router.get("/gaps/{country}", summary="Gaps of a country", response_model=GapsPublic)
def norms_gaps(
    country: str,
    store: StoreDep,
    checklist: ChecklistQuery = None,
    threshold: Annotated[float | None, Query(description="Rated below this is a gap.")] = None,
) -> GapsPublic:
    """Items rated below the threshold in the latest assessments, with the rules they test."""
    return GapsPublic.model_validate(service.country_gaps(store, country, checklist, threshold))


@router.get("/{instrument_id}", summary="Get one instrument", response_model=InstrumentDetailPublic)
def norms_get(instrument_id: str) -> InstrumentDetailPublic:
    """One instrument with its sections, rules and cross-links."""
    return InstrumentDetailPublic.model_validate(instrument_detail(instrument_id))


@page_router.get("/norms")
def norms_index(
    request: Request, templates: TemplatesDep, q: Annotated[str | None, Query()] = None
) -> Response:
    """Clusters and their instruments; with ``?q=`` the rules whose titles match."""
    hits = search_rules(q) if q and q.strip() else []
    context = {"clusters": cluster_list(), "q": q or "", "hits": hits}
    return templates.TemplateResponse(request, "norms.html", context)


@page_router.get("/norms/{instrument_id}")
def norms_page(
    request: Request, instrument_id: str, templates: TemplatesDep, q: Annotated[str | None, Query()] = None
) -> Response:
    """One instrument: rules by section with their cross-links; ``?q=`` filters the rules."""
    detail = instrument_detail(instrument_id)
    hits = (
        {h["ref"] for h in search_rules(q, instrument=detail["id"], limit=500)} if q and q.strip() else None
    )
    context = {"instrument": detail, "q": q or "", "hits": hits}
    return templates.TemplateResponse(request, "norm.html", context)
