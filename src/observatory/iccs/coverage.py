"""Coverage of a correspondence table: how much of the national list (and of its counts) is mapped.

Shares are given for links of any status and for confirmed links only, overall and per ICCS section
(level 1). With national counts, the share of the recorded counts that reaches ICCS is given too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from observatory.model.classification import Scheme
from observatory.model.correspondence import Correspondence, MappingStatus, aggregate, ancestor_at, apply


@dataclass(frozen=True)
class SectionCoverage:
    """One ICCS section: national offences mapped into it and, with counts, the counts it receives."""

    code: str
    title: str
    offences: int
    offences_confirmed: int
    counts: float | None = None
    counts_confirmed: float | None = None
    share_of_counts: float | None = None


@dataclass(frozen=True)
class CoverageReport:
    offences: int
    mapped: int
    confirmed: int
    share_mapped: float
    share_confirmed: float
    counts_total: float | None = None
    counts_mapped: float | None = None
    counts_confirmed: float | None = None
    share_counts_mapped: float | None = None
    share_counts_confirmed: float | None = None
    sections: list[SectionCoverage] = field(default_factory=list)


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def coverage(
    correspondence: Correspondence,
    scheme: Scheme,
    counts: Mapping[str, float] | None = None,
    lang: str = "en",
) -> CoverageReport:
    """The coverage of ``correspondence`` (and of ``counts`` through it)."""
    codes = {o.code for o in correspondence.offences}
    mapped = {link.national_code for link in correspondence.links if link.national_code in codes}
    confirmed = {
        link.national_code
        for link in correspondence.links
        if link.status is MappingStatus.confirmed and link.national_code in codes
    }
    by_section: dict[str, tuple[set[str], set[str]]] = {}
    for link in correspondence.links:
        section = ancestor_at(scheme, link.iccs_code, 1)
        anyset, confset = by_section.setdefault(section, (set(), set()))
        anyset.add(link.national_code)
        if link.status is MappingStatus.confirmed:
            confset.add(link.national_code)
    total = len(codes)
    report_counts: dict[str, float] = {}
    report_confirmed: dict[str, float] = {}
    whole: float | None = None
    every_mapped: float | None = None
    only_mapped: float | None = None
    if counts is not None:
        every = apply(correspondence, counts)
        only = apply(correspondence, counts, statuses=[MappingStatus.confirmed])
        report_counts = aggregate(scheme, every.iccs_counts, 1)
        report_confirmed = aggregate(scheme, only.iccs_counts, 1)
        whole = math.fsum(counts.values())
        every_mapped, only_mapped = every.total_mapped, only.total_mapped
    sections = []
    for root in scheme.roots():
        anyset, confset = by_section.get(root.code, (set(), set()))
        if not anyset and root.code not in report_counts:
            continue
        received = report_counts.get(root.code, 0.0) if counts is not None else None
        sections.append(
            SectionCoverage(
                code=root.code,
                title=root.title(lang),
                offences=len(anyset),
                offences_confirmed=len(confset),
                counts=received,
                counts_confirmed=report_confirmed.get(root.code, 0.0) if counts is not None else None,
                share_of_counts=_ratio(received, whole or 0.0) if received is not None else None,
            )
        )
    return CoverageReport(
        offences=total,
        mapped=len(mapped),
        confirmed=len(confirmed),
        share_mapped=_ratio(len(mapped), total),
        share_confirmed=_ratio(len(confirmed), total),
        counts_total=whole,
        counts_mapped=every_mapped,
        counts_confirmed=only_mapped,
        share_counts_mapped=_ratio(every_mapped, whole)
        if whole is not None and every_mapped is not None
        else None,
        share_counts_confirmed=_ratio(only_mapped, whole)
        if whole is not None and only_mapped is not None
        else None,
        sections=sections,
    )
