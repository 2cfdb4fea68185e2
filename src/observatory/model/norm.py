"""The United Nations standards and norms in crime prevention and criminal justice, as domain objects.

A :class:`Compendium` holds the four :class:`Cluster` s, the :class:`Instrument` s (each with its adoption
reference and its numbered :class:`Rule` s grouped in :class:`Section` s) and typed :class:`Relation` s
between rules of different instruments. A rule is named by a :class:`RuleRef` (``bangkok:24``). Titles are
short descriptions in the Observatory's own words, never the UN texts.

>>> RuleRef.parse("Bangkok:24")
RuleRef(instrument='bangkok', number='24')
>>> str(RuleRef("legal-aid", "G4"))
'legal-aid:G4'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from observatory.errors import InvalidInput, NotFound


class Cluster(StrEnum):
    """The four clusters of paragraph 1 of E/CN.15/2012, (a) to (d)."""

    custody = "custody"
    cooperation = "cooperation"
    prevention_victims = "prevention-victims"
    governance = "governance"


class RelationKind(StrEnum):
    supplements = "supplements"  # adds group-specific requirements to a general rule
    complements = "complements"  # the same measure from the other side (e.g. non-custodial)
    applies = "applies"  # applies the other rule to a special group
    related = "related"  # same subject


_REF = re.compile(r"^\s*([a-z0-9-]+)\s*:\s*([A-Za-z0-9.()-]+)\s*$")


@dataclass(frozen=True, order=True)
class RuleRef:
    """One rule of one instrument: ``mandela:43``."""

    instrument: str
    number: str

    @classmethod
    def parse(cls, text: str) -> RuleRef:
        match = _REF.match(text.lower())
        if match is None:
            raise InvalidInput(
                f"{text!r} is not a rule reference; write <instrument>:<number>, e.g. bangkok:24",
                code="invalid-rule-reference",
            )
        instrument, number = match.groups()
        return cls(instrument, number.upper())

    def __str__(self) -> str:
        return f"{self.instrument}:{self.number}"


@dataclass(frozen=True)
class ClusterInfo:
    id: Cluster
    letter: str
    title: str


@dataclass(frozen=True)
class Rule:
    """A numbered rule, principle, article or paragraph with a short title of our own."""

    instrument: str
    number: str
    title: str
    section: str
    part: str = ""

    @property
    def ref(self) -> RuleRef:
        return RuleRef(self.instrument, self.number)


@dataclass(frozen=True)
class Section:
    """A part or section of an instrument, in the instrument's own structure."""

    title: str
    part: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Instrument:
    id: str
    name: str
    short_name: str
    cluster: Cluster
    adopted_by: str
    resolution: str  # "GA 65/229", "ECOSOC 2002/12", or "" when adopted by a Congress
    year: int
    item: str  # what its items are called: rule, principle, article, guideline, paragraph
    sections: tuple[Section, ...]
    complete: bool = True
    note: str = ""
    expected_count: int | None = None

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(r for s in self.sections for r in s.rules)

    def rule(self, number: str) -> Rule:
        for rule in self.rules:
            if rule.number == number:
                return rule
        raise NotFound(
            f"{self.short_name} has no {self.item} {number!r}",
            code="unknown-rule",
            details=[{"rule": number}],
        )

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "short_name": self.short_name,
            "cluster": self.cluster.value,
            "adopted_by": self.adopted_by,
            "resolution": self.resolution,
            "year": self.year,
            "item": self.item,
            "rules": len(self.rules),
            "complete": self.complete,
            "note": self.note,
        }


@dataclass(frozen=True)
class Relation:
    source: RuleRef
    kind: RelationKind
    target: RuleRef

    def to_dict(self) -> dict[str, str]:
        return {"from": str(self.source), "kind": self.kind.value, "to": str(self.target)}


@dataclass(frozen=True)
class SearchHit:
    rule: Rule
    instrument: Instrument
    score: int


_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


@dataclass
class Compendium:
    """Clusters, instruments and relations, with lookups and a title search."""

    clusters: tuple[ClusterInfo, ...]
    instruments: dict[str, Instrument]
    relations: tuple[Relation, ...] = ()
    _rules: dict[RuleRef, Rule] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._rules = {r.ref: r for i in self.instruments.values() for r in i.rules}

    def instrument(self, instrument_id: str) -> Instrument:
        key = instrument_id.strip().lower()
        found = self.instruments.get(key)
        if found is None:
            by_name = [i for i in self.instruments.values() if i.short_name.lower() == key]
            if by_name:
                return by_name[0]
            raise NotFound(
                f"no instrument {instrument_id!r}; instruments: {', '.join(self.instruments)}",
                code="unknown-instrument",
            )
        return found

    def has_rule(self, ref: RuleRef) -> bool:
        return ref in self._rules

    def rule(self, ref: RuleRef) -> Rule:
        found = self._rules.get(ref)
        if found is None:
            self.instrument(ref.instrument)  # names the instrument when that is what is unknown
            raise NotFound(f"no rule {ref} in the compendium", code="unknown-rule")
        return found

    def by_cluster(self) -> list[tuple[ClusterInfo, list[Instrument]]]:
        return [(c, [i for i in self.instruments.values() if i.cluster is c.id]) for c in self.clusters]

    def relations_of(self, ref: RuleRef) -> list[tuple[str, Relation]]:
        """Relations from (``outgoing``) and to (``incoming``) one rule."""
        found: list[tuple[str, Relation]] = []
        for relation in self.relations:
            if relation.source == ref:
                found.append(("outgoing", relation))
            elif relation.target == ref:
                found.append(("incoming", relation))
        return found

    def search(
        self, text: str, *, instrument: str | None = None, cluster: Cluster | None = None, limit: int = 50
    ) -> list[SearchHit]:
        """Rules whose title (or instrument or section name) holds every word of ``text``, best first.

        A word matches a title word that starts with it (``search`` finds "searches"). Title hits count
        three, section hits two, instrument-name hits one; ``instrument:number`` finds that rule.
        """
        if _REF.match(text.strip().lower()):
            ref = RuleRef.parse(text)
            return (
                [SearchHit(self.rule(ref), self.instrument(ref.instrument), 100)]
                if self.has_rule(ref)
                else []
            )
        wanted = words(text)
        if not wanted:
            return []
        pool = [self.instrument(instrument)] if instrument else list(self.instruments.values())
        hits: list[SearchHit] = []
        for inst in pool:
            if cluster is not None and inst.cluster is not cluster:
                continue
            inst_words = words(f"{inst.name} {inst.short_name}")
            for rule in inst.rules:
                if score := _match(wanted, rule, inst_words):
                    hits.append(SearchHit(rule, inst, score))
        hits.sort(key=lambda h: (-h.score, list(self.instruments).index(h.instrument.id), _order(h.rule)))
        return hits[:limit]


def _match(wanted: list[str], rule: Rule, inst_words: list[str]) -> int:
    """3 per word found in the title, 2 in the section, 1 in the instrument's name; 0 if one is missing."""
    title_words, section_words = words(rule.title), words(rule.section)
    score = 0
    for w in wanted:
        if any(t.startswith(w) for t in title_words):
            score += 3
        elif any(t.startswith(w) for t in section_words):
            score += 2
        elif any(t.startswith(w) for t in inst_words):
            score += 1
        else:
            return 0
    return score


def _order(rule: Rule) -> tuple[str, int]:
    digits = "".join(c for c in rule.number if c.isdigit())
    return ("".join(c for c in rule.number if c.isalpha()), int(digits) if digits else 0)
