"""Compliance assessments against the standards and norms, as domain objects.

A versioned :class:`Checklist` has items; each :class:`ChecklistItem` tests one or more rules of the
compendium (:class:`~observatory.model.norm.RuleRef`), names the kinds of evidence that support it, carries
a weight and is either rated on the checklist's :class:`RatingScale` (with "not applicable" when the scale
allows it) or answered in free text where a rating would mislead. An item may be backed by an Observatory
indicator whose value maps to a rating through :class:`Band` s. A :class:`Finding` is one assessor's
answer to one item, with its :class:`Evidence`; an :class:`Assessment` is one assessor's findings for one
checklist version, country and date.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from observatory.errors import InvalidInput, NotFound
from observatory.model.norm import RuleRef


class EvidenceKind(StrEnum):
    document = "document"
    statistic = "statistic"
    interview = "interview"
    site_visit = "site-visit"


class ItemKind(StrEnum):
    rated = "rated"  # a rating on the scale (or not applicable)
    text = "text"  # a free-text answer, not scored: a yes/no would mislead


class FindingSource(StrEnum):
    assessor = "assessor"
    indicator = "indicator"  # filled from the statistics


@dataclass(frozen=True)
class ScaleLevel:
    value: int
    label: str


@dataclass(frozen=True)
class RatingScale:
    """Ordered levels (``0 Not in place`` ... ``3 Fully in place``); whether "not applicable" is allowed."""

    levels: tuple[ScaleLevel, ...]
    not_applicable: bool = True

    def __post_init__(self) -> None:
        values = [level.value for level in self.levels]
        if len(values) < 2 or values != sorted(set(values)):
            raise InvalidInput(
                "a rating scale needs two or more distinct levels in increasing order", code="invalid-scale"
            )

    @property
    def minimum(self) -> int:
        return self.levels[0].value

    @property
    def maximum(self) -> int:
        return self.levels[-1].value

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(level.value for level in self.levels)

    def label(self, value: int | None) -> str:
        if value is None:
            return "not applicable"
        return next((lv.label for lv in self.levels if lv.value == value), str(value))

    def describe(self) -> str:
        text = ", ".join(f"{lv.value} {lv.label}" for lv in self.levels)
        return text + (", n/a not applicable" if self.not_applicable else "")

    def normalise(self, value: float) -> float:
        """A rating as a share of the scale: minimum 0, maximum 1."""
        return (value - self.minimum) / (self.maximum - self.minimum)


@dataclass(frozen=True)
class Band:
    """``minimum <= value <= maximum`` (either end open) gives ``rating``; the first matching band wins."""

    rating: int
    minimum: float | None = None
    maximum: float | None = None

    def matches(self, value: float) -> bool:
        return (self.minimum is None or value >= self.minimum) and (
            self.maximum is None or value <= self.maximum
        )


@dataclass(frozen=True)
class IndicatorLink:
    """An item filled from an Observatory indicator; without bands the value is evidence only."""

    indicator: str
    bands: tuple[Band, ...] = ()
    note: str = ""

    def rate(self, value: float) -> int | None:
        return next((b.rating for b in self.bands if b.matches(value)), None)


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    section: str
    prompt: str
    tests: tuple[RuleRef, ...]
    evidence: tuple[EvidenceKind, ...] = (EvidenceKind.document,)
    weight: float = 1.0
    kind: ItemKind = ItemKind.rated
    indicator: IndicatorLink | None = None
    guidance: str = ""

    @property
    def instruments(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(ref.instrument for ref in self.tests))


@dataclass(frozen=True)
class Checklist:
    id: str
    version: str
    title: str
    scale: RatingScale
    items: tuple[ChecklistItem, ...]
    description: str = ""
    gap_below: int = 2  # items rated below this are gaps

    def item(self, item_id: str) -> ChecklistItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise NotFound(f"checklist {self.id} {self.version} has no item {item_id!r}", code="unknown-item")

    @property
    def sections(self) -> list[str]:
        return list(dict.fromkeys(i.section for i in self.items))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able snapshot; :func:`checklist_from_dict` reads it back unchanged."""
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "description": self.description,
            "gap_below": self.gap_below,
            "scale": {
                "levels": [[lv.value, lv.label] for lv in self.scale.levels],
                "not_applicable": self.scale.not_applicable,
            },
            "items": [
                {
                    "id": i.id,
                    "section": i.section,
                    "prompt": i.prompt,
                    "tests": [str(r) for r in i.tests],
                    "evidence": [e.value for e in i.evidence],
                    "weight": i.weight,
                    "kind": i.kind.value,
                    "guidance": i.guidance,
                    "indicator": None
                    if i.indicator is None
                    else {
                        "id": i.indicator.indicator,
                        "note": i.indicator.note,
                        "bands": [asdict(b) for b in i.indicator.bands],
                    },
                }
                for i in self.items
            ],
        }


def checklist_from_dict(data: dict[str, Any]) -> Checklist:
    """The inverse of :meth:`Checklist.to_dict` (no compendium check: see ``norms.checklists``)."""
    items = []
    for raw in data["items"]:
        link = raw.get("indicator")
        items.append(
            ChecklistItem(
                id=raw["id"],
                section=raw["section"],
                prompt=raw["prompt"],
                tests=tuple(RuleRef.parse(t) for t in raw["tests"]),
                evidence=tuple(EvidenceKind(e) for e in raw["evidence"]),
                weight=float(raw["weight"]),
                kind=ItemKind(raw["kind"]),
                guidance=raw.get("guidance", ""),
                indicator=None
                if link is None
                else IndicatorLink(link["id"], tuple(Band(**b) for b in link["bands"]), link.get("note", "")),
            )
        )
    scale = data["scale"]
    return Checklist(
        id=data["id"],
        version=data["version"],
        title=data["title"],
        description=data.get("description", ""),
        gap_below=int(data["gap_below"]),
        scale=RatingScale(
            tuple(ScaleLevel(int(v), str(lbl)) for v, lbl in scale["levels"]), bool(scale["not_applicable"])
        ),
        items=tuple(items),
    )


@dataclass(frozen=True)
class Evidence:
    kind: EvidenceKind
    description: str = ""
    url: str | None = None
    file_name: str | None = None
    file_sha256: str | None = None
    media_type: str | None = None
    size: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: (v.value if isinstance(v, EvidenceKind) else v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class Provenance:
    """Where an indicator-filled figure comes from: the release, the year, and how to explain it."""

    indicator: str
    value: float
    year: int
    release: int
    explain: str
    unit: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Finding:
    """One assessor's answer to one item: a rating (``None`` with ``not_applicable``) or a text."""

    item: str
    rating: int | None = None
    not_applicable: bool = False
    answer: str = ""
    comment: str = ""
    evidence: tuple[Evidence, ...] = ()
    source: FindingSource = FindingSource.assessor
    provenance: Provenance | None = None

    @property
    def rated(self) -> bool:
        return self.rating is not None and not self.not_applicable

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "rating": self.rating,
            "not_applicable": self.not_applicable,
            "answer": self.answer,
            "comment": self.comment,
            "source": self.source.value,
            "evidence": [e.to_dict() for e in self.evidence],
            "provenance": self.provenance.to_dict() if self.provenance else None,
        }


@dataclass(frozen=True)
class Assessment:
    """One assessor's findings for one checklist version, country and date."""

    checklist: str
    version: str
    country: str
    assessor: str
    assessed_on: date
    findings: tuple[Finding, ...] = ()
    id: int | None = None
    recorded_at: datetime | None = None
    note: str = ""
    _by_item: dict[str, Finding] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_item", {f.item: f for f in self.findings})

    def finding(self, item_id: str) -> Finding | None:
        return self._by_item.get(item_id)

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "checklist": self.checklist,
            "version": self.version,
            "country": self.country,
            "assessor": self.assessor,
            "assessed_on": self.assessed_on.isoformat(),
            "recorded_at": self.recorded_at.isoformat() if self.recorded_at else None,
            "findings": len(self.findings),
            "note": self.note,
        }
