"""The compendium's domain objects: references, lookups, relations, search."""

from __future__ import annotations

import pytest

from observatory.errors import NotFound
from observatory.model.norm import (
    Cluster,
    ClusterInfo,
    Compendium,
    Instrument,
    Relation,
    RelationKind,
    Rule,
    RuleRef,
    Section,
)


def _compendium() -> Compendium:
    a = Instrument(
        "a",
        "Rules A",
        "A",
        Cluster.custody,
        "GA",
        "GA 1/1",
        2000,
        "rule",
        (
            Section(
                "Searches",
                "",
                (
                    Rule("a", "1", "Searches of cells", "Searches"),
                    Rule("a", "2", "Visits by family", "Searches"),
                ),
            ),
        ),
    )
    b = Instrument(
        "b",
        "Rules B",
        "B",
        Cluster.governance,
        "GA",
        "GA 2/2",
        2001,
        "rule",
        (Section("Contact", "", (Rule("b", "1", "Family visits for women", "Contact"),)),),
    )
    return Compendium(
        (ClusterInfo(Cluster.custody, "a", "Custody"), ClusterInfo(Cluster.governance, "d", "Gov")),
        {"a": a, "b": b},
        (Relation(RuleRef("b", "1"), RelationKind.supplements, RuleRef("a", "2")),),
    )


def test_lookups_and_relations() -> None:
    c = _compendium()
    assert c.rule(RuleRef("a", "2")).title == "Visits by family"
    assert [d for d, _ in c.relations_of(RuleRef("a", "2"))] == ["incoming"]
    assert [len(i) for _, i in c.by_cluster()] == [1, 1]
    with pytest.raises(NotFound) as err:
        c.rule(RuleRef("a", "9"))
    assert err.value.code == "unknown-rule"
    with pytest.raises(NotFound) as err:
        c.rule(RuleRef("z", "1"))
    assert err.value.code == "unknown-instrument"


def test_search_ranks_title_words_above_section_words() -> None:
    c = _compendium()
    assert [str(h.rule.ref) for h in c.search("visit family")] == ["a:2", "b:1"]
    assert [str(h.rule.ref) for h in c.search("search")] == ["a:1", "a:2"]  # title 3, section 2
    assert [str(h.rule.ref) for h in c.search("family", cluster=Cluster.governance)] == ["b:1"]
    assert c.search("b:1")[0].score == 100 and c.search("  ") == []
