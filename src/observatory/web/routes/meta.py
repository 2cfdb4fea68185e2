"""``/api/v1`` metadata: releases, dataflows, variables and a health check."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter

from observatory.catalog.dataflows import DATAFLOWS
from observatory.catalog.unodc import load_portal_codelist
from observatory.model.release import Release
from observatory.warehouse.release import latest_release, list_releases
from observatory.web.deps import StoreDep
from observatory.web.schemas import (
    ComponentPublic,
    DataflowPublic,
    DataflowsPublic,
    HealthPublic,
    ReleasePublic,
    ReleasesPublic,
    VariablePublic,
    VariablesPublic,
)

router = APIRouter()


def package_version() -> str:
    try:
        return version("observatory")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


def release_public(release: Release) -> ReleasePublic:
    return ReleasePublic(
        number=release.number,
        name=release.name,
        created_at=release.created_at,
        observations=release.observations,
        sha256=release.sha256,
        note=release.note,
    )


@router.get("/releases", tags=["releases"], summary="List releases", response_model=ReleasesPublic)
def releases_list(store: StoreDep) -> ReleasesPublic:
    """Every published release, newest first; the API reads the newest."""
    releases = [release_public(r) for r in list_releases(store)]
    return ReleasesPublic(data=releases, count=len(releases))


@router.get("/dataflows", tags=["dataflows"], summary="List dataflows", response_model=DataflowsPublic)
def dataflows_list() -> DataflowsPublic:
    """The families of observations the platform imports, with their components and sources."""
    flows = [
        DataflowPublic(
            id=d.id,
            name=d.name,
            agency=d.agency,
            description=d.description,
            url=d.url,
            components=[
                ComponentPublic(id=c.id, role=c.role.value, description=c.description, codelist=c.codelist)
                for c in d.components
            ],
        )
        for d in DATAFLOWS.values()
    ]
    return DataflowsPublic(data=flows, count=len(flows))


@router.get("/variables", tags=["variables"], summary="List variables", response_model=VariablesPublic)
def variables_list() -> VariablesPublic:
    """Variable codes of the UNODC data-portal mapping, with their names."""
    names = load_portal_codelist().variables()
    data = [VariablePublic(code=code, name=name) for code, name in sorted(names.items())]
    return VariablesPublic(data=data, count=len(data))


@router.get("/health", tags=["health"], summary="Health check", response_model=HealthPublic)
def health_get(store: StoreDep) -> HealthPublic:
    """Whether the store answers, and which release the API serves."""
    release = latest_release(store)
    return HealthPublic(
        ok=True,
        status="ok",
        version=package_version(),
        release=release.number if release else None,
    )
