"""Loading questionnaire versions from ``catalog/data/questionnaires/*.toml``."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from observatory.errors import ConfigurationError, NotFound
from observatory.model.observation import Unit
from observatory.model.questionnaire import Counting, Line, Questionnaire, Section, Table, Variable

FOLDER = Path(__file__).parent / "data" / "questionnaires"
LATEST = "2025.1"


def _lines(spec: Any, named: dict[str, Any], where: str) -> tuple[Line, ...]:
    items = named.get(spec) if isinstance(spec, str) else spec
    if not isinstance(items, list):
        raise ConfigurationError(f"{where}: {spec!r} is neither a list of lines nor a name in [lines]")
    return tuple(
        Line(label=i["label"], dims=MappingProxyType(dict(i.get("dims", {}))), note=i.get("note"))
        for i in items
    )


def parse(data: dict[str, Any], source: str = "<questionnaire>") -> Questionnaire:
    named = data.get("lines", {})
    variables = {
        v["code"]: Variable(
            code=v["code"],
            name=v["name"],
            section=Section(v["section"]),
            counting=Counting(v["counting"]),
            definition=v["definition"],
            unit=Unit(v.get("unit", Unit.number.value)),
            stage=v.get("stage"),
        )
        for v in data["variables"]
    }
    tables = tuple(
        Table(
            id=t["id"],
            section=Section(t["section"]),
            title=t["title"],
            variable=t["variable"],
            rows=_lines(t["rows"], named, f"{source} table {t['id']} rows"),
            columns=_lines(t["columns"], named, f"{source} table {t['id']} columns"),
            instructions=t.get("instructions", ""),
            dims=MappingProxyType(dict(t.get("dims", {}))),
        )
        for t in data["tables"]
    )
    try:
        return Questionnaire(data["id"], data["version"], data["title"], variables, tables)
    except ValueError as exc:
        raise ConfigurationError(f"{source}: {exc}") from exc


def versions() -> list[str]:
    return sorted(p.stem.removeprefix("uncts-") for p in FOLDER.glob("uncts-*.toml"))


@cache
def load_questionnaire(version: str = LATEST) -> Questionnaire:
    path = FOLDER / f"uncts-{version}.toml"
    if not path.exists():
        raise NotFound(f"no UN-CTS questionnaire version {version!r}; versions: {', '.join(versions())}")
    with path.open("rb") as handle:
        return parse(tomllib.load(handle), source=path.name)
