"""The compendium as the CLI, the API and the pages show it: instruments by cluster, one instrument with its
rules and cross-links, and a search over rule titles."""

from __future__ import annotations

from typing import Any

from observatory.catalog.norms import load_compendium
from observatory.model.norm import Cluster, Instrument, Rule, RuleRef


def cluster_list() -> list[dict[str, Any]]:
    compendium = load_compendium()
    return [
        {
            "id": info.id.value,
            "letter": info.letter,
            "title": info.title,
            "instruments": [i.summary() for i in instruments],
        }
        for info, instruments in compendium.by_cluster()
    ]


def instrument_list(cluster: Cluster | None = None) -> list[dict[str, Any]]:
    """Every instrument (of one cluster) with its adoption reference and number of rules."""
    return [
        i.summary() for i in load_compendium().instruments.values() if cluster is None or i.cluster is cluster
    ]


def _links(ref: RuleRef) -> list[dict[str, Any]]:
    compendium = load_compendium()
    links = []
    for direction, relation in compendium.relations_of(ref):
        other = relation.target if direction == "outgoing" else relation.source
        rule = compendium.rule(other)
        links.append(
            {
                "direction": direction,
                "kind": relation.kind.value,
                "ref": str(other),
                "instrument": compendium.instrument(other.instrument).short_name,
                "number": other.number,
                "title": rule.title,
            }
        )
    return links


def rule_view(rule: Rule) -> dict[str, Any]:
    return {
        "ref": str(rule.ref),
        "number": rule.number,
        "title": rule.title,
        "section": rule.section,
        "part": rule.part,
        "links": _links(rule.ref),
    }


def instrument_detail(instrument_id: str) -> dict[str, Any]:
    """One instrument: its adoption reference, sections with their rules, and each rule's cross-links."""
    instrument: Instrument = load_compendium().instrument(instrument_id)
    return {
        **instrument.summary(),
        "sections": [
            {"part": s.part, "title": s.title, "rules": [rule_view(r) for r in s.rules]}
            for s in instrument.sections
        ],
    }


def search_rules(
    text: str, *, instrument: str | None = None, cluster: Cluster | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    hits = load_compendium().search(text, instrument=instrument, cluster=cluster, limit=limit)
    return [
        {
            "ref": str(h.rule.ref),
            "instrument": h.instrument.id,
            "instrument_name": h.instrument.short_name,
            "number": h.rule.number,
            "title": h.rule.title,
            "section": h.rule.section,
            "score": h.score,
        }
        for h in hits
    ]
