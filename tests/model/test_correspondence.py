"""The pure correspondence model: kinds of mapping, applying to counts (conservation), aggregation."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observatory.catalog.iccs import load_iccs
from observatory.model.correspondence import (
    Correspondence,
    Link,
    MappingKind,
    MappingStatus,
    NationalOffence,
    aggregate,
    apply,
)

SCHEME = load_iccs()
CODES = sorted(cat.code for cat in SCHEME)


def table() -> Correspondence:
    offences = [NationalOffence(c, f"offence {c}") for c in ("A", "B", "C", "D", "E")]
    links = [
        Link("A", "0101"),  # one-to-one
        Link("B", "0201"),  # many-to-one with C
        Link("C", "0201"),
        Link("D", "0501", 0.25, MappingStatus.confirmed),  # one-to-many
        Link("D", "0502", 0.75),
    ]
    return Correspondence("MEX", "test", "1", offences, links)


def test_kinds_are_derived() -> None:
    assert table().kinds() == {
        "A": MappingKind.one_to_one,
        "B": MappingKind.many_to_one,
        "C": MappingKind.many_to_one,
        "D": MappingKind.one_to_many,
        "E": MappingKind.unmapped,
    }
    partial = Correspondence("MEX", "t", "1", [NationalOffence("X", "x")], [Link("X", "0101", 0.5)])
    assert partial.kind("X") is MappingKind.partial


def test_apply_splits_and_reports_unmapped() -> None:
    result = apply(table(), {"A": 10, "B": 3, "C": 4, "D": 8, "E": 2, "Z": 1})
    assert result.iccs_counts == {"0101": 10, "0201": 7, "0501": 2, "0502": 6}
    assert result.unmapped == {"E": 2, "Z": 1}
    assert {p.code for p in result.problems} == {"unmapped-national-offence"}
    assert math.isclose(result.total_in, 28)


def test_apply_only_confirmed_links() -> None:
    result = apply(table(), {"A": 10, "D": 8}, statuses=[MappingStatus.confirmed])
    assert result.iccs_counts == {"0501": 2.0}
    assert result.unmapped == {"A": 10, "D": 6.0}


def test_aggregate_to_levels() -> None:
    counts = {"0101": 1.0, "01031": 2.0, "010321": 3.0, "02": 4.0}
    assert aggregate(SCHEME, counts, 1) == {"01": 6.0, "02": 4.0}
    assert aggregate(SCHEME, counts, 2) == {"0101": 1.0, "0103": 5.0, "02": 4.0}
    assert aggregate(SCHEME, counts, 3) == {"0101": 1.0, "01031": 2.0, "01032": 3.0, "02": 4.0}
    with pytest.raises(ValueError, match="not an ICCS level"):
        aggregate(SCHEME, counts, 7)


@st.composite
def correspondences(draw: st.DrawFn) -> tuple[Correspondence, dict[str, float]]:
    n = draw(st.integers(1, 12))
    offences = [NationalOffence(f"N{i}", f"label {i}") for i in range(n)]
    links: list[Link] = []
    for offence in offences:
        k = draw(st.integers(0, 4))
        targets = draw(st.lists(st.sampled_from(CODES), min_size=k, max_size=k, unique=True))
        if not targets:
            continue
        weights = draw(st.lists(st.integers(1, 100), min_size=len(targets), max_size=len(targets)))
        shares = [w / sum(weights) for w in weights]
        links += [Link(offence.code, t, s) for t, s in zip(targets, shares, strict=True)]
    codes = [o.code for o in offences] + ["UNKNOWN"]
    counts = draw(
        st.dictionaries(st.sampled_from(codes), st.floats(0, 1e6, allow_nan=False, allow_infinity=False))
    )
    return Correspondence("FRA", "random", "1", offences, links), counts


@settings(max_examples=200, deadline=None)
@given(correspondences())
def test_apply_conserves_totals(case: tuple[Correspondence, dict[str, float]]) -> None:
    table, counts = case
    result = apply(table, counts)
    total = math.fsum(counts.values())
    assert math.isclose(
        result.total_mapped + math.fsum(result.unmapped.values()), total, rel_tol=1e-9, abs_tol=1e-6
    )
    mapped = {link.national_code for link in table.links}
    assert set(result.unmapped) == {code for code in counts if code not in mapped}
    for level in (1, 2, 3):
        rolled = aggregate(SCHEME, result.iccs_counts, level)
        assert math.isclose(math.fsum(rolled.values()), result.total_mapped, rel_tol=1e-9, abs_tol=1e-6)
        assert all(SCHEME[code].level <= level for code in rolled)
