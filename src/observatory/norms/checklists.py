"""The shipped checklists (``catalog/data/norms/checklists/*.toml``), read and checked against the compendium
and the indicator registry.

A checklist file has ``id``, ``version``, ``title``, ``description``, ``gap_below``, a ``[scale]`` with
``levels = [[0, "label"], ...]`` and ``not_applicable``, and ``[[items]]`` with ``id``, ``section``,
``prompt``, ``tests`` (rule references such as ``"bangkok:24"``), ``evidence`` (document, statistic,
interview, site-visit), ``weight``, ``kind`` (rated or text), ``guidance`` and optionally
``indicator = { id = "...", bands = [{ max = 100, rating = 3 }, ...], note = "..." }``. Every problem is an
:class:`~observatory.errors.InvalidInput` naming the file and the item: ``unknown-rule``,
``unknown-indicator``, ``duplicate-item``, ``invalid-evidence-kind``, ``band-out-of-scale``,
``invalid-checklist``.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from observatory.catalog.indicators import load_indicators
from observatory.catalog.norms import NORMS_DIR, load_compendium
from observatory.errors import ErrorLocation, InvalidInput, NotFound
from observatory.model.assessment import (
    Band,
    Checklist,
    ChecklistItem,
    EvidenceKind,
    IndicatorLink,
    ItemKind,
    RatingScale,
    ScaleLevel,
)
from observatory.model.norm import Compendium, RuleRef

CHECKLISTS_DIR = NORMS_DIR / "checklists"


def _fail(name: str, message: str, code: str, item: str | None = None) -> InvalidInput:
    return InvalidInput(message, code=code, location=ErrorLocation(file=name, field=item))


def _scale(name: str, raw: Any) -> RatingScale:
    try:
        levels = tuple(ScaleLevel(int(v), str(label)) for v, label in raw["levels"])
        return RatingScale(levels, bool(raw.get("not_applicable", True)))
    except (KeyError, TypeError, ValueError) as exc:
        raise _fail(name, f"invalid [scale]: {exc}", "invalid-checklist", "scale") from None


def _bands(name: str, where: str, raw: list[Any], scale: RatingScale) -> tuple[Band, ...]:
    bands = []
    for spec in raw:
        rating = int(spec["rating"])
        if rating not in scale.values:
            raise _fail(
                name,
                f"band rating {rating} is not on the scale ({scale.describe()})",
                "band-out-of-scale",
                where,
            )
        bands.append(Band(rating, spec.get("min"), spec.get("max")))
    return tuple(bands)


def _item(name: str, raw: dict[str, Any], scale: RatingScale, compendium: Compendium) -> ChecklistItem:
    item_id = str(raw.get("id", ""))
    where = f"items[{item_id}]"
    for key in ("id", "section", "prompt", "tests"):
        if not raw.get(key):
            raise _fail(name, f"item needs {key!r}", "invalid-checklist", where)
    tests = []
    for text in raw["tests"]:
        ref = RuleRef.parse(str(text))
        if not compendium.has_rule(ref):
            known = ref.instrument in compendium.instruments
            why = "" if known else f" (no instrument {ref.instrument!r})"
            raise _fail(name, f"item {item_id} tests unknown rule {ref}{why}", "unknown-rule", where)
        tests.append(ref)
    try:
        evidence = tuple(EvidenceKind(e) for e in raw.get("evidence", ["document"]))
        kind = ItemKind(raw.get("kind", "rated"))
    except ValueError as exc:
        kinds = ", ".join(k.value for k in EvidenceKind)
        raise _fail(
            name, f"{exc}; evidence kinds: {kinds}; item kinds: rated, text", "invalid-evidence-kind", where
        ) from None
    link = None
    if spec := raw.get("indicator"):
        indicator_id = str(spec["id"])
        if indicator_id not in load_indicators():
            raise _fail(
                name, f"item {item_id} names unknown indicator {indicator_id!r}", "unknown-indicator", where
            )
        link = IndicatorLink(
            indicator_id, _bands(name, where, spec.get("bands", []), scale), str(spec.get("note", ""))
        )
    weight = float(raw.get("weight", 1.0))
    if weight < 0:
        raise _fail(name, f"item {item_id} has a negative weight", "invalid-checklist", where)
    return ChecklistItem(
        id=item_id,
        section=str(raw["section"]),
        prompt=str(raw["prompt"]),
        tests=tuple(tests),
        evidence=evidence,
        weight=weight,
        kind=kind,
        indicator=link,
        guidance=str(raw.get("guidance", "")),
    )


def parse_checklist(data: dict[str, Any], name: str, compendium: Compendium | None = None) -> Checklist:
    """A checklist from its TOML (or JSON) content, checked; ``name`` is the file the errors name."""
    compendium = compendium or load_compendium()
    for key in ("id", "version", "title", "scale", "items"):
        if key not in data:
            raise _fail(name, f"missing {key!r}", "invalid-checklist", key)
    scale = _scale(name, data["scale"])
    items: list[ChecklistItem] = []
    seen: set[str] = set()
    for raw in data["items"]:
        item = _item(name, raw, scale, compendium)
        if item.id in seen:
            raise _fail(name, f"item {item.id} appears twice", "duplicate-item", f"items[{item.id}]")
        seen.add(item.id)
        items.append(item)
    gap_below = int(data.get("gap_below", scale.values[len(scale.values) // 2]))
    return Checklist(
        id=str(data["id"]),
        version=str(data["version"]),
        title=str(data["title"]),
        description=str(data.get("description", "")),
        scale=scale,
        items=tuple(items),
        gap_below=gap_below,
    )


def read_checklist(path: Path, compendium: Compendium | None = None) -> Checklist:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise _fail(path.name, f"not valid TOML: {exc}", "invalid-toml") from None
    return parse_checklist(data, path.name, compendium)


@cache
def load_checklists() -> dict[str, Checklist]:
    """The shipped checklists by id (their current version), read once per process."""
    found: dict[str, Checklist] = {}
    for path in sorted(CHECKLISTS_DIR.glob("*.toml")):
        checklist = read_checklist(path)
        if checklist.id in found:
            raise _fail(path.name, f"checklist id {checklist.id} is used twice", "duplicate-checklist")
        found[checklist.id] = checklist
    return found


def get_checklist(checklist_id: str) -> Checklist:
    checklists = load_checklists()
    found = checklists.get(checklist_id)
    if found is None:
        raise NotFound(
            f"no checklist {checklist_id!r}; checklists: {', '.join(checklists)}", code="unknown-checklist"
        )
    return found


def checklist_view(checklist: Checklist) -> dict[str, Any]:
    """The checklist with, for each item, the rule numbers it tests and their titles (CLI and API)."""
    compendium = load_compendium()
    data = checklist.to_dict()
    for item, raw in zip(checklist.items, data["items"], strict=True):
        raw["rules"] = [
            {"ref": str(r), "instrument": r.instrument, "number": r.number, "title": compendium.rule(r).title}
            for r in item.tests
        ]
    data["sections"] = checklist.sections
    data["instruments"] = sorted({r.instrument for i in checklist.items for r in i.tests})
    return data
