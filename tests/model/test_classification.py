"""Code trees: building a scheme, walking it, on a small tree and on the real ICCS v1.0."""

from __future__ import annotations

import re

import pytest

from observatory.catalog.iccs import load_iccs
from observatory.model.classification import Category, Scheme

SMALL = [
    Category("01", 1, None, {"en": "Death", "es": "Muerte"}),
    Category("0101", 2, "01", {"en": "Homicide"}),
    Category("0102", 2, "01", {"en": "Attempt"}),
    Category("01011", 3, "0101", {"en": "Murder"}),
    Category("02", 1, None, {}),
]


@pytest.fixture
def small() -> Scheme:
    return Scheme("X", "1.0", SMALL)


def test_duplicate_code() -> None:
    with pytest.raises(ValueError, match="X: code '0101' appears twice"):
        Scheme("X", "1.0", [*SMALL, Category("0101", 2, "01")])


def test_missing_parent() -> None:
    with pytest.raises(ValueError, match="'0301' names parent '03', which is not a code"):
        Scheme("X", "1.0", [*SMALL, Category("0301", 2, "03")])


def test_lookup(small: Scheme) -> None:
    assert small["0101"].parent == "01"
    assert "01011" in small
    assert "03" not in small
    assert small.get("03") is None
    assert len(small) == 5
    assert [c.code for c in small] == ["01", "0101", "0102", "01011", "02"]
    with pytest.raises(KeyError, match=re.escape("'03' is not a X 1.0 code")):
        small["03"]


def test_walking_the_tree(small: Scheme) -> None:
    assert [c.code for c in small.roots()] == ["01", "02"]
    assert [c.code for c in small.children("01")] == ["0101", "0102"]
    assert small.children("02") == []
    assert [c.code for c in small.ancestors("01011")] == ["01", "0101"]
    assert small.ancestors("01") == []
    assert small.descendants("01") == ["0101", "01011", "0102"]  # depth first
    assert small.descendants("01011") == []
    assert small.hierarchical_id("01011") == "01.0101.01011"
    assert small.hierarchical_id("02") == "02"
    assert small.is_leaf("01011")
    assert not small.is_leaf("0101")
    assert [c.code for c in small.leaves()] == ["0102", "01011", "02"]


def test_children_of_an_unknown_code(small: Scheme) -> None:
    with pytest.raises(KeyError):
        small.children("03")


def test_titles_fall_back_to_english_then_the_code(small: Scheme) -> None:
    assert small["01"].title("es") == "Muerte"
    assert small["0101"].title("es") == "Homicide"
    assert small["02"].title() == "02"


def test_categories_compare_by_code_level_and_parent() -> None:
    assert Category("01", 1, None, {"en": "a"}) == Category("01", 1, None, {"en": "b"})
    assert len({Category("01", 1, None, {"en": "a"}), Category("01", 1, None)}) == 1


# -- the real ICCS v1.0 ------------------------------------------------------------------------------

ICCS = load_iccs()


def test_iccs_sections() -> None:
    assert [c.code for c in ICCS.roots()] == [f"{n:02d}" for n in range(1, 12)]
    assert ICCS["0101"].title() == "Intentional homicide"
    assert ICCS["0101"].title("es") == "Homicidio intencional"


def test_iccs_paths() -> None:
    assert ICCS.hierarchical_id("010321") == "01.0103.01032.010321"
    assert [c.code for c in ICCS.ancestors("010321")] == ["01", "0103", "01032"]
    assert ICCS.is_leaf("0101")
    assert ICCS.descendants("0101") == []
    assert {"0101", "0102", "0103", "01031", "010321"} <= set(ICCS.descendants("01"))


def test_iccs_every_code_sits_at_its_level() -> None:
    for category in ICCS:
        path = ICCS.hierarchical_id(category.code).split(".")
        assert len(path) == category.level, category
        assert path[-1] == category.code, category
        assert all(category.code.startswith(ancestor) for ancestor in path), category
        assert category.title("en") != category.code, category


def test_iccs_descendants_partition_the_tree() -> None:
    below = [code for root in ICCS.roots() for code in ICCS.descendants(root.code)]
    assert len(below) == len(set(below)) == len(ICCS) - len(ICCS.roots())
