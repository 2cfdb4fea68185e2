"""A country's compliance profile: scores by checklist and section, their history over assessment dates, the
gap list, inter-assessor agreement where two assessors rated, and the assistance projects linked to the gaps
or to the country. Everything here is a published figure (no individual findings), so it needs no role.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

from sqlalchemy import select

from observatory.assistance.portfolio import list_projects
from observatory.auth import ANONYMOUS
from observatory.auth.accounts import country_code
from observatory.norms.assessments import checklist_version, country_gaps, country_scores, get_assessment
from observatory.norms.scoring import agreement, consensus, score
from observatory.store.db import Store
from observatory.store.tables import NormAssessmentRow


def _history(store: Store, country: str) -> dict[str, list[dict[str, Any]]]:
    """Per checklist, the overall score at each assessment date (assessors of one date pooled)."""
    with store.session() as session:
        rows = session.execute(
            select(NormAssessmentRow.id, NormAssessmentRow.checklist_id, NormAssessmentRow.checklist_version,
                   NormAssessmentRow.assessed_on)
            .where(NormAssessmentRow.country == country)
            .order_by(NormAssessmentRow.assessed_on, NormAssessmentRow.id)
        ).all()  # fmt: skip
    groups: dict[tuple[str, str, Any], list[int]] = {}
    for row in rows:
        groups.setdefault((row.checklist_id, row.checklist_version, row.assessed_on), []).append(row.id)
    history: dict[str, list[dict[str, Any]]] = {}
    for (checklist_id, version, assessed_on), ids in groups.items():
        chk = checklist_version(store, checklist_id, version)
        found = [get_assessment(store, ANONYMOUS, i, check=False) for i in ids]
        overall = score(chk, consensus([a.findings for a in found])).overall
        history.setdefault(checklist_id, []).append(
            {
                "assessed_on": assessed_on,
                "version": version,
                "assessors": len(found),
                "score": overall.value,
                "rated": overall.rated,
            }
        )
    return history


def _agreement(store: Store, scores: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cohen's kappa for each pair of assessors of a checklist's latest date (same version)."""
    found = []
    for entry in scores:
        if len(entry["assessments"]) < 2:
            continue
        chk = checklist_version(store, entry["checklist"], entry["version"])
        loaded = [get_assessment(store, ANONYMOUS, i, check=False) for i in entry["assessments"]]
        for a, b in combinations(loaded, 2):
            result = agreement(chk, a.findings, b.findings).to_dict()
            found.append({"checklist": chk.id, "a": a.assessor, "b": b.assessor, **result})
    return found


def compliance_profile(store: Store, country: str) -> dict[str, Any]:
    code = country_code(country)
    scores = country_scores(store, code)["data"]
    gaps = country_gaps(store, code)["data"]
    refs = {f"{g['checklist']}:{g['item']}": g for g in gaps}
    projects: list[dict[str, Any]] = []
    for stored in list_projects(store):
        project = stored.project
        addressed = sorted(set(project.gaps) & set(refs))
        if code in project.countries or addressed:
            projects.append(
                {
                    "code": project.code,
                    "title": project.title,
                    "status": project.status.value,
                    "countries": list(project.countries),
                    "in_country": code in project.countries,
                    "gaps": addressed,
                }
            )
    for ref, gap in refs.items():
        gap["projects"] = [p["code"] for p in projects if ref in p["gaps"]]
    return {
        "country": code,
        "scores": scores,
        "history": _history(store, code),
        "gaps": gaps,
        "agreement": _agreement(store, scores),
        "projects": projects,
    }
