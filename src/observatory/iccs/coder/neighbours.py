"""Confirmed mappings as nearest-neighbour evidence (assisted mode).

A country's offence list is regular: once "Burglary Residential" is confirmed as 05012, "Attempted
Burglary Residential" is almost surely the same code and "Burglary Business and Community" is in the
same branch (0501). Each confirmed label is kept with its stems (IDF-weighted over the confirmed
labels themselves), its character trigrams and its description's stems; a new label's similarity to
it is a weighted Dice over stems and trigrams (the description adds a little when both have one).
How much the nearest neighbours' codes count is decided in ``assist.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from observatory.iccs.coder.text import Lang, words

STEM_SHARE = 0.6  # of the label similarity; the rest is character trigrams
DESCRIPTION_SHARE = 0.2  # of the similarity, when both labels have a description
MIN_SIMILARITY = 0.25
NEIGHBOURS = 8


def trigrams(text: str) -> frozenset[str]:
    """Character trigrams of the folded words, with word boundaries (``"vol"`` -> ``" vo", "vol", "ol "``)."""
    grams: set[str] = set()
    for word in words(text):
        padded = f" {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


@dataclass(frozen=True)
class Confirmed:
    """One confirmed national label, ready to be compared."""

    label: str
    code: str
    lang: Lang
    stems: frozenset[str]
    grams: frozenset[str]
    description: frozenset[str]
    description_text: str = ""


@dataclass(frozen=True)
class Neighbour:
    similarity: float
    item: Confirmed
    index: int = -1  # the item's position among the confirmed labels


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


class Neighbours:
    """The confirmed labels, searchable by similarity."""

    def __init__(self) -> None:
        self.items: list[Confirmed] = []
        self._df: dict[str, int] = {}
        self._by_gram: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return len(self.items)

    def add(self, item: Confirmed) -> None:
        index = len(self.items)
        self.items.append(item)
        for s in item.stems:
            self._df[s] = self._df.get(s, 0) + 1
        for g in item.grams:
            self._by_gram.setdefault(g, []).append(index)

    def _idf(self, s: str) -> float:
        n = len(self.items)
        return math.log(1 + (n + 1) / (self._df.get(s, 0) + 0.5))

    def _stem_dice(self, a: frozenset[str], b: frozenset[str]) -> float:
        if not a or not b:
            return 0.0
        shared = sum(self._idf(s) for s in a & b)
        return 2 * shared / (sum(self._idf(s) for s in a) + sum(self._idf(s) for s in b))

    def nearest(
        self,
        stems: frozenset[str],
        grams: frozenset[str],
        description: frozenset[str],
        lang: Lang,
        exclude: int | None = None,
    ) -> list[Neighbour]:
        """The closest confirmed labels of the same language, best first (``exclude``: an item's index)."""
        counts: dict[int, int] = {}
        for g in grams:
            for index in self._by_gram.get(g, ()):
                counts[index] = counts.get(index, 0) + 1
        need = 0.2 * len(grams)
        found: list[Neighbour] = []
        for index, shared in counts.items():
            item = self.items[index]
            if index == exclude or item.lang is not lang or shared < need:
                continue
            gram_sim = 2 * shared / (len(grams) + len(item.grams))
            sim = STEM_SHARE * self._stem_dice(stems, item.stems) + (1 - STEM_SHARE) * gram_sim
            if description and item.description:
                sim = (1 - DESCRIPTION_SHARE) * sim + DESCRIPTION_SHARE * _dice(description, item.description)
            if sim >= MIN_SIMILARITY:
                found.append(Neighbour(sim, item, index))
        found.sort(key=lambda n: -n.similarity)
        return found[:NEIGHBOURS]
