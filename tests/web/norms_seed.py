"""A deployment for the assessor's pages: the real UN-CTS prison statistics of Mexico and France (rows cut
out of the shared export, header kept) and the World Bank population, imported and published; an admin, an
assessor of Mexico and an assessor of France who can sign in; and one assistance project in Mexico that
addresses a Bangkok Rules item."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from observatory.assistance.portfolio import create_project
from observatory.auth import Role, User, add_user
from observatory.auth.passwords import set_password
from observatory.collect.importing import import_paths
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.warehouse.release import publish

from .conftest import PRISONS, extract

PASSWORD = "correct horse battery staple"
COUNTRIES = frozenset({"MEX", "FRA"})
PROJECT = "MEX-PRISON-01"
GAP_ITEM = "BR-27"  # unsentenced share (SDG 16.3.2): filled from the statistics, a gap for Mexico


@dataclass(frozen=True)
class NormsSite:
    settings: Settings
    store: Store
    admin: User
    mex: User
    fra: User


def seed(folder: Path, shared_data: Path) -> NormsSite:
    prisons = folder / "prisons_mex_fra.csv"
    extract(shared_data / PRISONS, prisons, lambda r: r["Iso3_code"] in COUNTRIES)
    settings = Settings(data_dir=folder / "var")
    store = Store(settings)
    store.init()
    import_paths(store, [prisons, shared_data / "population"])
    publish(store)
    admin, _ = add_user(store, None, "admin@unodc.example", Role.admin)
    mex, _ = add_user(store, admin, "mex@unodc.example", Role.assessor, countries=["MEX"])
    fra, _ = add_user(store, admin, "fra@unodc.example", Role.assessor, countries=["FRA"])
    for who in (admin, mex, fra):
        set_password(store, admin, who.email, PASSWORD)
    create_project(
        store,
        admin,
        {
            "code": PROJECT,
            "title": "Alternatives to pre-trial detention for women in Mexico",
            "countries": ["MEX"],
            "themes": ["alternatives-to-imprisonment", "women-in-justice"],
            "status": "ongoing",
            "budget": {"amount": "1200000", "currency": "USD"},
            "gaps": [f"bangkok-implementation:{GAP_ITEM}"],
        },
    )
    return NormsSite(settings, store, admin, mex, fra)
