"""The shipped checklists, and a checklist refused for an unknown rule, indicator or band."""

from __future__ import annotations

import pytest

from observatory.catalog.norms import load_compendium
from observatory.errors import InvalidInput
from observatory.model.assessment import ItemKind, checklist_from_dict
from observatory.norms.checklists import checklist_view, load_checklists, parse_checklist

from .conftest import small_checklist_data


def test_the_bangkok_checklist_covers_all_70_rules() -> None:
    checklist = load_checklists()["bangkok-implementation"]
    tested = {int(r.number) for item in checklist.items for r in item.tests if r.instrument == "bangkok"}
    assert tested == set(range(1, 71))
    backed = {i.indicator.indicator for i in checklist.items if i.indicator}
    assert {
        "sdg_16_3_2",
        "women_share",
        "juveniles_share",
        "prison_occupancy",
        "deaths_in_custody_per_10k",
    } <= backed


def test_the_mandela_checklist_has_an_item_per_theme() -> None:
    checklist = load_checklists()["mandela-rules"]
    tested = {r for item in checklist.items for r in item.tests}
    for section in load_compendium().instrument("mandela").sections:
        assert any(r.ref in tested for r in section.rules), section.title


def test_juvenile_justice_indicators_12_to_15_and_the_comprehensive_assessment() -> None:
    jj = load_checklists()["juvenile-justice-policy"]
    assert [i.id for i in jj.items] == ["JJ-12", "JJ-13", "JJ-14", "JJ-15"]
    assert all(i.indicator and i.indicator.rate(1) == 1 and i.indicator.rate(0) == 0 for i in jj.items)
    assert not jj.scale.not_applicable
    cj = load_checklists()["criminal-justice-assessment"]
    assert set(cj.sections) == {
        "Courts",
        "Prosecution",
        "Legal aid",
        "Prisons",
        "Juvenile justice",
        "Victims",
        "International cooperation",
        "Gender",
    }
    assert sum(1 for i in cj.items if i.kind is ItemKind.text) >= 4


def test_checklist_view_lists_rule_numbers_and_round_trips() -> None:
    checklist = load_checklists()["bangkok-implementation"]
    view = checklist_view(checklist)
    first = view["items"][0]
    assert first["tests"] == ["bangkok:1"] and first["rules"][0]["number"] == "1"
    assert checklist_from_dict(checklist.to_dict()) == checklist


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"tests": ["bangkok:71"]}, "unknown-rule"),
        ({"tests": ["nowhere:1"]}, "unknown-rule"),
        ({"indicator": {"id": "no_such_indicator"}}, "unknown-indicator"),
        ({"indicator": {"id": "sdg_16_3_2", "bands": [{"max": 10, "rating": 7}]}}, "band-out-of-scale"),
        ({"evidence": ["rumour"]}, "invalid-evidence-kind"),
        ({"id": "B"}, "duplicate-item"),
    ],
)
def test_a_bad_checklist_names_file_and_item(change: dict[str, object], code: str) -> None:
    data = small_checklist_data()
    data["items"][0] = {**data["items"][0], **change}
    with pytest.raises(InvalidInput) as err:
        parse_checklist(data, "bad.toml")
    assert err.value.code == code
    assert "bad.toml" in str(err.value) and "items[" in str(err.value)
