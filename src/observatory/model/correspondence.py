"""Correspondence tables: a country's national offences mapped to ICCS codes, and applying them to counts.

Pure domain: no storage, no I/O. A :class:`Correspondence` holds one version of a country's national
offence list (:class:`NationalOffence`) and its :class:`Link` s to ICCS codes. Each link carries a
``share`` of the national offence's counts (1 for a one-to-one mapping; split shares summing to 1 for a
one-to-many mapping), a :class:`MappingStatus` and a reviewer comment. :func:`apply` converts national
counts to ICCS counts, conserving totals (``sum in == sum out + unmapped``); :func:`aggregate` rolls ICCS
counts up to level 1, 2 or 3.

>>> c = Correspondence("MEX", "codes", "1", [NationalOffence("A", "Homicidio")], [Link("A", "0101")])
>>> apply(c, {"A": 5.0}).iccs_counts
{'0101': 5.0}
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from observatory.model.classification import Scheme
from observatory.model.problem import Problem

SHARE_TOLERANCE = 1e-6


class MappingStatus(StrEnum):
    """Where a link stands in review."""

    proposed = "proposed"
    confirmed = "confirmed"
    disputed = "disputed"


class MappingKind(StrEnum):
    """How one national offence relates to ICCS, derived from the links."""

    one_to_one = "one-to-one"
    many_to_one = "many-to-one"
    one_to_many = "one-to-many"
    partial = "partial"
    unmapped = "unmapped"


@dataclass(frozen=True)
class NationalOffence:
    """One entry of a national offence list (a statute article, a police code)."""

    code: str
    label: str
    description: str = ""
    legal_reference: str = ""
    language: str = ""
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class Link:
    """A national offence mapped to one ICCS code, carrying ``share`` of its counts."""

    national_code: str
    iccs_code: str
    share: float = 1.0
    status: MappingStatus = MappingStatus.proposed
    comment: str = ""
    confidence: float | None = None


@dataclass
class Correspondence:
    """One version of a country's correspondence table."""

    country: str
    name: str
    version: str
    offences: list[NationalOffence] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    id: int | None = None

    def links_of(self, national_code: str) -> list[Link]:
        return [link for link in self.links if link.national_code == national_code]

    def offence(self, national_code: str) -> NationalOffence | None:
        return next((o for o in self.offences if o.code == national_code), None)

    def kinds(self) -> dict[str, MappingKind]:
        """The :class:`MappingKind` of every national offence."""
        targets = Counter(link.iccs_code for link in self.links)
        found: dict[str, MappingKind] = {}
        for offence in self.offences:
            links = self.links_of(offence.code)
            total = sum(link.share for link in links)
            if not links:
                found[offence.code] = MappingKind.unmapped
            elif total < 1 - SHARE_TOLERANCE:
                found[offence.code] = MappingKind.partial
            elif len(links) > 1:
                found[offence.code] = MappingKind.one_to_many
            elif targets[links[0].iccs_code] > 1:
                found[offence.code] = MappingKind.many_to_one
            else:
                found[offence.code] = MappingKind.one_to_one
        return found

    def kind(self, national_code: str) -> MappingKind:
        return self.kinds()[national_code]

    def unmapped(self) -> list[NationalOffence]:
        mapped = {link.national_code for link in self.links}
        return [o for o in self.offences if o.code not in mapped]


@dataclass
class ConversionResult:
    """National counts converted to ICCS: ``sum(counts) == sum(iccs_counts) + sum(unmapped)``."""

    iccs_counts: dict[str, float]
    unmapped: dict[str, float]
    problems: list[Problem] = field(default_factory=list)

    @property
    def total_in(self) -> float:
        return math.fsum(self.iccs_counts.values()) + math.fsum(self.unmapped.values())

    @property
    def total_mapped(self) -> float:
        return math.fsum(self.iccs_counts.values())


def apply(
    correspondence: Correspondence,
    counts: Mapping[str, float],
    *,
    statuses: Sequence[MappingStatus] | None = None,
) -> ConversionResult:
    """Convert national counts to ICCS counts with the links' shares.

    Only links with a status in ``statuses`` are used (every status by default). A national code with no
    usable link, or not in the list at all, goes to ``unmapped`` with a warning; the part of a partial
    mapping's count that the shares do not cover goes there too, so totals are conserved.
    """
    allowed = set(statuses) if statuses is not None else set(MappingStatus)
    by_code: dict[str, list[Link]] = {}
    for link in correspondence.links:
        if link.status in allowed:
            by_code.setdefault(link.national_code, []).append(link)
    known = {o.code for o in correspondence.offences}
    iccs: dict[str, float] = {}
    unmapped: dict[str, float] = {}
    problems: list[Problem] = []
    for code, count in counts.items():
        links = by_code.get(code, [])
        if not links:
            unmapped[code] = unmapped.get(code, 0.0) + count
            reason = "has no mapping" if code in known else "is not in the national list"
            problems.append(
                Problem(
                    "unmapped-national-offence",
                    f"national offence {code!r} {reason}; its count {count:g} is reported as unmapped",
                    value=code,
                )
            )
            continue
        given = 0.0
        for link in links[:-1]:
            part = count * link.share
            iccs[link.iccs_code] = iccs.get(link.iccs_code, 0.0) + part
            given += part
        covered = math.fsum(link.share for link in links)
        last = links[-1]
        if abs(covered - 1) <= SHARE_TOLERANCE:
            part = count - given  # the remainder: totals are conserved exactly
            iccs[last.iccs_code] = iccs.get(last.iccs_code, 0.0) + part
        else:
            part = count * last.share
            iccs[last.iccs_code] = iccs.get(last.iccs_code, 0.0) + part
            rest = count - given - part
            unmapped[code] = unmapped.get(code, 0.0) + rest
            problems.append(
                Problem(
                    "unmapped-national-offence",
                    f"national offence {code!r} is mapped for a share of {covered:g} only; "
                    f"{rest:g} of its count is reported as unmapped",
                    value=code,
                )
            )
    return ConversionResult(iccs, unmapped, problems)


def ancestor_at(scheme: Scheme, code: str, level: int) -> str:
    """The code's ancestor at ``level`` (the code itself when it is at that level or above it)."""
    cat = scheme[code]
    if cat.level <= level:
        return cat.code
    return next(a.code for a in scheme.ancestors(code) if a.level == level)


def aggregate(scheme: Scheme, iccs_counts: Mapping[str, float], level: int) -> dict[str, float]:
    """ICCS counts rolled up to ``level`` (1 sections, 2 divisions, 3 groups); totals are kept.

    A count mapped at a broader level than ``level`` stays on its own code.
    """
    if level not in (1, 2, 3, 4):
        raise ValueError(f"level {level} is not an ICCS level; use 1, 2 or 3")
    rolled: dict[str, float] = {}
    for code, count in iccs_counts.items():
        target = ancestor_at(scheme, code, level)
        rolled[target] = rolled.get(target, 0.0) + count
    return dict(sorted(rolled.items()))
