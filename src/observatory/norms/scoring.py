"""Compliance scores, inter-assessor agreement, deltas and gaps (pure functions over model objects).

**Score.** A rated item's score is its rating as a share of the scale, ``(r - min) / (max - min)``, in
[0, 1]. The score of a group of items (a section, an instrument, the whole checklist) is the weighted mean

    score = sum(w_i * s_i) / sum(w_i)

over the items of the group that are rated: items answered "not applicable", not answered, answered in
free text, or of weight 0 are left out of both numerator and denominator, so they never change the
score. An item counts towards every instrument whose rules it tests. A group with no rated item has no
score (``None``), not 0. Where several assessors assessed the same checklist version for a country on the
same (latest) date, each item's rating is the mean of their ratings (:func:`consensus`).

**Agreement.** Cohen's kappa between two assessors over the items both rated on the scale:
``kappa = 1 - sum(v_ij * o_ij) / sum(v_ij * e_ij)`` with observed proportions ``o``, expected proportions
``e`` (product of the marginals) and disagreement weights ``v``: 0 on the diagonal and 1 elsewhere
(unweighted), ``|i - j| / (k - 1)`` (linear) or its square (quadratic), over the scale's k levels.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from observatory.errors import InvalidInput
from observatory.model.assessment import Checklist, ChecklistItem, Finding, ItemKind


class KappaWeights(StrEnum):
    none = "none"
    linear = "linear"
    quadratic = "quadratic"


@dataclass
class Score:
    """A weighted mean score in [0, 1] (``None`` without rated items) and what went into it."""

    value: float | None = None
    rated: int = 0
    not_applicable: int = 0
    unanswered: int = 0
    weight: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": None if self.value is None else round(self.value, 4),
            "rated": self.rated,
            "not_applicable": self.not_applicable,
            "unanswered": self.unanswered,
            "weight": self.weight,
        }


@dataclass
class ChecklistScore:
    overall: Score
    sections: dict[str, Score] = field(default_factory=dict)
    instruments: dict[str, Score] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.to_dict(),
            "sections": {k: v.to_dict() for k, v in self.sections.items()},
            "instruments": {k: v.to_dict() for k, v in self.instruments.items()},
        }


Ratings = dict[str, float | None]  # item id -> rating; None for not applicable; absent: not answered


def ratings_of(findings: Iterable[Finding]) -> Ratings:
    return {f.item: (None if f.not_applicable else f.rating) for f in findings if f.not_applicable or f.rated}


def consensus(assessments: Sequence[Iterable[Finding]]) -> Ratings:
    """Per item the mean rating of the assessors who rated it; not applicable if all who answered said so."""
    values: dict[str, list[float]] = {}
    answered: set[str] = set()
    for findings in assessments:
        for item, rating in ratings_of(findings).items():
            answered.add(item)
            if rating is not None:
                values.setdefault(item, []).append(rating)
    return {item: (sum(values[item]) / len(values[item]) if item in values else None) for item in answered}


def _group_score(checklist: Checklist, items: Iterable[ChecklistItem], ratings: Ratings) -> Score:
    score = Score()
    total = 0.0
    for item in items:
        if item.kind is ItemKind.text:
            continue
        if item.id not in ratings:
            score.unanswered += 1
            continue
        rating = ratings[item.id]
        if rating is None:
            score.not_applicable += 1
            continue
        score.rated += 1
        if item.weight <= 0:
            continue
        score.weight += item.weight
        total += item.weight * checklist.scale.normalise(rating)
    if score.weight > 0:
        score.value = min(1.0, max(0.0, total / score.weight))
    return score


def score(checklist: Checklist, ratings: Ratings) -> ChecklistScore:
    """Scores overall, by section and by instrument (see the module's formula)."""
    result = ChecklistScore(overall=_group_score(checklist, checklist.items, ratings))
    for section in checklist.sections:
        result.sections[section] = _group_score(
            checklist, [i for i in checklist.items if i.section == section], ratings
        )
    instruments = dict.fromkeys(r.instrument for i in checklist.items for r in i.tests)
    for instrument in instruments:
        members = [i for i in checklist.items if instrument in i.instruments]
        result.instruments[instrument] = _group_score(checklist, members, ratings)
    return result


def kappa(
    pairs: Sequence[tuple[int, int]], categories: Sequence[int], weights: KappaWeights = KappaWeights.none
) -> float | None:
    """Cohen's kappa of paired ratings over ``categories`` (the scale); ``None`` when undefined
    (no pairs, or both assessors used a single and the same category throughout)."""
    if not pairs:
        return None
    index = {c: n for n, c in enumerate(categories)}
    k = len(categories)
    for a, b in pairs:
        if a not in index or b not in index:
            raise InvalidInput(
                f"rating pair ({a}, {b}) is not on the scale {list(categories)}", code="rating-out-of-scale"
            )
    n = len(pairs)
    observed = [[0.0] * k for _ in range(k)]
    for a, b in pairs:
        observed[index[a]][index[b]] += 1 / n
    rows = [sum(observed[i]) for i in range(k)]
    cols = [sum(observed[i][j] for i in range(k)) for j in range(k)]

    def disagreement(i: int, j: int) -> float:
        if weights is KappaWeights.none:
            return 0.0 if i == j else 1.0
        d = abs(i - j) / (k - 1)
        return d if weights is KappaWeights.linear else d * d

    obs = sum(disagreement(i, j) * observed[i][j] for i in range(k) for j in range(k))
    exp = sum(disagreement(i, j) * rows[i] * cols[j] for i in range(k) for j in range(k))
    if exp == 0:
        return None
    return 1 - obs / exp


@dataclass
class Agreement:
    kappa: float | None
    weights: KappaWeights
    items: int  # items both rated on the scale
    agreed: int  # of which with the same rating
    disagreements: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kappa": None if self.kappa is None else round(self.kappa, 4),
            "weights": self.weights.value,
            "items": self.items,
            "agreed": self.agreed,
            "observed_agreement": round(self.agreed / self.items, 4) if self.items else None,
            "disagreements": self.disagreements,
        }


def agreement(
    checklist: Checklist,
    a: Iterable[Finding],
    b: Iterable[Finding],
    weights: KappaWeights = KappaWeights.none,
) -> Agreement:
    """Agreement of two assessors of the same checklist version over the items both rated."""
    ra, rb = ratings_of(a), ratings_of(b)
    pairs: list[tuple[int, int]] = []
    disagreements: list[dict[str, Any]] = []
    for item in checklist.items:
        x, y = ra.get(item.id), rb.get(item.id)
        if x is None or y is None:
            continue
        pairs.append((int(x), int(y)))
        if x != y:
            disagreements.append({"item": item.id, "a": int(x), "b": int(y)})
    agreed = sum(1 for x, y in pairs if x == y)
    return Agreement(
        kappa(pairs, checklist.scale.values, weights), weights, len(pairs), agreed, disagreements
    )


def delta(before: tuple[Checklist, Ratings], after: tuple[Checklist, Ratings]) -> dict[str, Any]:
    """Changes between two assessments: per item (matched by id across versions), per section, overall."""
    (c1, r1), (c2, r2) = before, after
    items: list[dict[str, Any]] = []
    ids = list(dict.fromkeys([*(i.id for i in c1.items), *(i.id for i in c2.items)]))
    in1, in2 = {i.id for i in c1.items}, {i.id for i in c2.items}
    for item_id in ids:
        x = r1.get(item_id) if item_id in r1 else "unanswered"
        y = r2.get(item_id) if item_id in r2 else "unanswered"
        change = y - x if isinstance(x, int | float) and isinstance(y, int | float) else None
        status = "only-before" if item_id not in in2 else "only-after" if item_id not in in1 else "both"
        if x != y or status != "both":
            items.append({"item": item_id, "before": x, "after": y, "change": change, "in": status})
    s1, s2 = score(c1, r1), score(c2, r2)

    def diff(a: Score | None, b: Score | None) -> dict[str, Any]:
        va = a.value if a else None
        vb = b.value if b else None
        change = None if va is None or vb is None else round(vb - va, 4)
        return {
            "before": None if va is None else round(va, 4),
            "after": None if vb is None else round(vb, 4),
            "change": change,
        }

    sections = list(dict.fromkeys([*s1.sections, *s2.sections]))
    return {
        "overall": diff(s1.overall, s2.overall),
        "sections": {s: diff(s1.sections.get(s), s2.sections.get(s)) for s in sections},
        "items": items,
    }


@dataclass(frozen=True)
class Gap:
    """An item rated below the checklist's threshold, with the rules it tests: what assistance can address."""

    key: str  # "<country>:<checklist>:<item>", stable across assessments of that item
    country: str
    checklist: str
    version: str
    item: str
    section: str
    prompt: str
    rating: float
    label: str
    rules: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {**{k: getattr(self, k) for k in self.__dataclass_fields__}, "rules": list(self.rules)}


def gaps(checklist: Checklist, ratings: Ratings, country: str, threshold: float | None = None) -> list[Gap]:
    """Items rated below ``threshold`` (the checklist's ``gap_below`` by default), lowest first."""
    below = checklist.gap_below if threshold is None else threshold
    found = []
    for item in checklist.items:
        rating = ratings.get(item.id)
        if item.kind is ItemKind.text or rating is None or rating >= below:
            continue
        label = checklist.scale.label(int(rating)) if float(rating).is_integer() else f"{rating:.2f} (mean)"
        found.append(
            Gap(
                key=f"{country}:{checklist.id}:{item.id}",
                country=country,
                checklist=checklist.id,
                version=checklist.version,
                item=item.id,
                section=item.section,
                prompt=item.prompt,
                rating=rating,
                label=label,
                rules=tuple(str(r) for r in item.tests),
            )
        )
    return sorted(found, key=lambda g: g.rating)
