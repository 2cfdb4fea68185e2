"""Assisted mode: a country's confirmed mappings combined with the zero-shot ranking, not overriding it.

A confirmed label close to the one being coded is evidence for its code, but how much depends on the
neighbour and on the country:

* a neighbour the zero-shot coder already codes right (*agreeing*) says nothing the ICCS texts do not:
  it does not vote, the query's own ranking, which sees the words that differ ("with" / "without
  injury", "Simple" / "Aggravated"), is trusted; its code may still fill the third place;
* a neighbour it codes wrong (*correcting*) shows one of the country's conventions (it codes rape at
  03011, not by age; "Other theft" at 05029) and is strong evidence, the more so when the coder's first
  choice for the query is the same wrong code it chose for the neighbour (*same mistake*).

A vote is ``weight(kind) * closeness * best zero-shot score`` (``closeness`` rescales the similarity
above ``floor`` to 0..1), added to the code's final, post-hierarchy score; a code keeps the vote of its
closest neighbour. The country's conventions can also weigh: the (smoothed) share of its confirmed codes
at a code's level and in its section, raised to a power. The closest correcting neighbour (else the
closest agreeing one) whose similarity reaches ``slot`` has its code put third when it is not among the
first three. The weights and floor, then the powers, then the slot are chosen at run time by
leave-one-out over the confirmed mappings (each one coded as if unseen, the others being its neighbours,
its own code left out of the shares) within small grids that start with pure zero-shot; a setting must
beat it by :data:`MARGIN` hits to be used, ties going to the weaker one. With too few confirmations to
judge, :data:`DEFAULT` is kept. A confirmed label with the query's very words decides.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from observatory.iccs.coder.hierarchy import diversify
from observatory.iccs.coder.neighbours import Neighbour
from observatory.iccs.coder.proposal import Evidence, EvidenceKind
from observatory.iccs.coder.text import words

EXACT = 0.97  # similarity of a confirmed label that may be the query itself (same words: it decides)
EXACT_WEIGHT = 4.0
MIN_CASES = 8  # leave-one-out cases with a neighbour needed before the grid is searched
SHORTLIST = 20  # zero-shot codes kept per leave-one-out case (votes only raise scores)
PER_BRANCH = 1


@dataclass(frozen=True)
class Params:
    """How much a correcting neighbour counts (times the best zero-shot score, at closeness 1) when the
    coder's first choice for the query is the one it made for the neighbour (``same``) or not (``other``)."""

    same: float
    other: float
    floor: float
    slot: float  # similarity from which the closest neighbour's code is among the first three (> 1: never)
    level_power: float = 0.0  # how much the country's share of confirmed codes at a code's level counts
    section_power: float = 0.0  # ... and its share in the code's section


DEFAULT = Params(same=2.0, other=1.0, floor=0.4, slot=0.6)
NEVER = 2.0
WEIGHTS = tuple(
    Params(s, o, f, NEVER)
    for s, o, f in itertools.product(
        (0.0, 0.5, 1.0, 2.0, 4.0, 8.0), (0.0, 0.25, 0.5, 1.0, 2.0), (0.25, 0.35, 0.5)
    )
)
SLOTS = (NEVER, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3)
POWERS = tuple(itertools.product((0.0, 0.25, 0.5, 1.0), (0.0, 0.25, 0.5, 1.0)))
LEVEL_OF = {2: 1, 4: 2, 5: 3, 6: 4}
SECTIONS = 11
MARGIN = 2  # leave-one-out hits a setting must gain over pure zero-shot to be chosen


@dataclass(frozen=True)
class Conventions:
    """How a country codes, from its confirmed codes: how many at each ICCS level and in each section."""

    levels: dict[int, int]
    sections: dict[str, int]
    total: int

    @classmethod
    def of(cls, codes: Iterable[str]) -> Conventions:
        levels: dict[int, int] = {}
        sections: dict[str, int] = {}
        total = 0
        for code in codes:
            levels[LEVEL_OF[len(code)]] = levels.get(LEVEL_OF[len(code)], 0) + 1
            sections[code[:2]] = sections.get(code[:2], 0) + 1
            total += 1
        return cls(levels, sections, total)

    def factor(self, code: str, params: Params, leave_out: str | None = None) -> float:
        """``share(level)^level_power * share(section)^section_power`` (add-one smoothed shares of the
        confirmed codes, ``leave_out`` not counted: the confirmed code of a leave-one-out case)."""
        if not (params.level_power or params.section_power):
            return 1.0
        level = LEVEL_OF[len(code)]
        n = self.total - (leave_out is not None)
        at_level = self.levels.get(level, 0) - (leave_out is not None and LEVEL_OF[len(leave_out)] == level)
        in_section = self.sections.get(code[:2], 0) - (leave_out is not None and leave_out[:2] == code[:2])
        level_share = (at_level + 1) / (n + len(LEVEL_OF))
        section_share = (in_section + 1) / (n + SECTIONS)
        return float(level_share**params.level_power * section_share**params.section_power)


NONE = Conventions({}, {}, 0)


@dataclass(frozen=True)
class Vote:
    value: float  # in units of the best zero-shot score
    neighbour: Neighbour


def votes(
    near: Sequence[Neighbour],
    first: str | None,
    first_of: Callable[[int], str | None],
    params: Params,
    label: str = "",
) -> dict[str, Vote]:
    """Each neighbour-supported code's vote; ``first`` is the zero-shot first choice for the query,
    ``first_of(index)`` the zero-shot first choice for a confirmed label, ``label`` the query's words."""
    out: dict[str, Vote] = {}
    for n in near:  # best first: a code keeps its closest neighbour's vote
        code = n.item.code
        if code in out or n.similarity <= params.floor:
            continue
        closeness = (n.similarity - params.floor) / (1 - params.floor)
        if label and n.similarity >= EXACT and " ".join(words(n.item.label)) == label:
            weight = EXACT_WEIGHT
        else:
            theirs = first_of(n.index)
            weight = 0.0 if theirs == code else params.same if theirs == first else params.other
        if weight > 0:
            out[code] = Vote(weight * closeness, n)
    return out


def combine(
    final: dict[str, float],
    near: Sequence[Neighbour],
    first_of: Callable[[int], str | None],
    params: Params,
    top: int,
    label: str = "",
    conventions: Conventions = NONE,
    leave_out: str | None = None,
) -> tuple[list[tuple[str, float]], dict[str, Vote], Neighbour | None]:
    """The zero-shot scores ``final`` with the neighbours' votes: ranked best first, the votes and the
    neighbour whose code was put third (``label``: the query's folded words, to recognise a confirmed
    label identical to it)."""
    best = max(final.values(), default=0.0) or 1.0
    ordered = sorted(final.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))
    first = ordered[0][0] if ordered else None
    cast = votes(near, first, first_of, params, label)
    if cast or params.level_power or params.section_power:
        scores = dict(final)
        for code, vote in cast.items():
            scores[code] = scores.get(code, 0.0) + vote.value * best
        if params.level_power or params.section_power:
            scores = {c: v * conventions.factor(c, params, leave_out) for c, v in scores.items()}
        ordered = sorted(scores.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))
    ordered = diversify(ordered, max(top, 3), PER_BRANCH)
    slotted: Neighbour | None = None
    if len(ordered) >= 3:
        head = {c for c, _ in ordered[:3]}
        candidates = [n for n in near if n.similarity >= max(params.slot, params.floor)]
        # a neighbour the texts code right says nothing new: the others' codes are tried first
        candidates.sort(key=lambda n: (first_of(n.index) == n.item.code, -n.similarity))
        if candidates and (code := candidates[0].item.code) not in head:
            rest = [item for item in ordered if item[0] != code]
            ordered = [*rest[:2], (code, rest[2][1]), *rest[2:]]
            slotted = candidates[0]
    return ordered, cast, slotted


def confirmed_evidence(cast: dict[str, Vote], slotted: Neighbour | None) -> list[Evidence]:
    """The votes as evidence (weight: the vote), and the neighbour put third (weight: its similarity)."""
    found = [
        Evidence(EvidenceKind.confirmed_mapping, vote.neighbour.item.label, code, round(vote.value, 3))
        for code, vote in cast.items()
    ]
    if slotted is not None:
        item = slotted.item
        found.append(
            Evidence(EvidenceKind.confirmed_mapping, item.label, item.code, round(slotted.similarity, 3))
        )
    return found


def _hit(proposed: str, gold: str, level: int) -> bool:
    """Right at ICCS level 2 (``level=2``) or exactly (``level=4``), as ``evaluate`` counts it."""
    need = len(gold) if level == 4 else min(4, len(gold))
    return len(proposed) >= need and proposed[:need] == gold[:need]


@dataclass(frozen=True)
class Case:
    """One confirmed mapping coded as if unseen: its zero-shot scores, its neighbours, its code."""

    final: dict[str, float]
    near: tuple[Neighbour, ...]
    gold: str
    label: str  # its folded words


def _score(
    case: Case, first_of: Callable[[int], str | None], params: Params, top3: bool, conventions: Conventions
) -> int:
    ordered, _, _ = combine(case.final, case.near, first_of, params, 3, case.label, conventions, case.gold)
    if top3:
        codes = [c for c, _ in ordered[:3]]
        return any(_hit(c, case.gold, 2) for c in codes) + any(_hit(c, case.gold, 4) for c in codes)
    return _hit(ordered[0][0], case.gold, 2) + _hit(ordered[0][0], case.gold, 4) if ordered else 0


def shortlist(final: dict[str, float]) -> dict[str, float]:
    """The :data:`SHORTLIST` best zero-shot codes: all a leave-one-out case needs."""
    return dict(sorted(final.items(), key=lambda kv: -kv[1])[:SHORTLIST])


def choose(
    cases: Sequence[Case], first_of: Callable[[int], str | None], conventions: Conventions = NONE
) -> Params:
    """The weights that code the most confirmed mappings right by leave-one-out (level 2 and exact code,
    first proposal), then the powers of the country's conventions, then the slot that does best among
    the first three; :data:`DEFAULT` when fewer than :data:`MIN_CASES` confirmed mappings have a
    neighbour."""
    useful = [c for c in cases if c.near]
    if len(useful) < MIN_CASES:
        return DEFAULT
    grid = sorted(WEIGHTS, key=lambda p: (p.same + p.other, p.other, -p.floor))
    best = _best(grid, useful, first_of, False, conventions)
    powers = [replace(best, level_power=lp, section_power=sp) for lp, sp in POWERS]
    best = _best(powers, cases, first_of, False, conventions)
    return _best([replace(best, slot=slot) for slot in SLOTS], useful, first_of, True, conventions)


def _best(
    grid: Sequence[Params],
    cases: Sequence[Case],
    first_of: Callable[[int], str | None],
    top3: bool,
    conventions: Conventions,
) -> Params:
    """The setting with the most hits, unless it beats the first (the weakest) by less than MARGIN."""
    hits = [sum(_score(c, first_of, params, top3, conventions) for c in cases) for params in grid]
    best = max(range(len(grid)), key=lambda i: (hits[i], -i))
    return grid[best] if hits[best] - hits[0] >= MARGIN else grid[0]
