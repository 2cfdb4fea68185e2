"""Classification schemes as code trees (ICCS and the like), after SDMX ``Item``/``ItemScheme``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Category:
    """One code of a classification. ``titles`` maps a language code to the official title."""

    code: str
    level: int
    parent: str | None
    titles: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def title(self, lang: str = "en") -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.code


class Scheme:
    """A tree of categories, indexed by code.

    >>> s = Scheme("X", "1.0", [Category("01", 1, None), Category("0101", 2, "01")])
    >>> s["0101"].parent
    '01'
    >>> s.hierarchical_id("0101")
    '01.0101'
    >>> "0101" in s.descendants("01")
    True
    """

    def __init__(self, id: str, version: str, categories: Iterable[Category]) -> None:
        self.id = id
        self.version = version
        self._items: dict[str, Category] = {}
        self._children: dict[str | None, list[str]] = {}
        for cat in categories:
            if cat.code in self._items:
                raise ValueError(f"{id}: code {cat.code!r} appears twice")
            self._items[cat.code] = cat
            self._children.setdefault(cat.parent, []).append(cat.code)
        for cat in self._items.values():
            if cat.parent is not None and cat.parent not in self._items:
                raise ValueError(f"{id}: {cat.code!r} names parent {cat.parent!r}, which is not a code")

    def __getitem__(self, code: str) -> Category:
        try:
            return self._items[code]
        except KeyError:
            raise KeyError(f"{code!r} is not a {self.id} {self.version} code") from None

    def __contains__(self, code: object) -> bool:
        return code in self._items

    def __iter__(self) -> Iterator[Category]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def get(self, code: str) -> Category | None:
        return self._items.get(code)

    def roots(self) -> list[Category]:
        return [self._items[c] for c in self._children.get(None, [])]

    def children(self, code: str) -> list[Category]:
        self[code]
        return [self._items[c] for c in self._children.get(code, [])]

    def is_leaf(self, code: str) -> bool:
        return not self._children.get(code)

    def ancestors(self, code: str) -> list[Category]:
        """From the root down to the parent of ``code``."""
        chain: list[Category] = []
        parent = self[code].parent
        while parent is not None:
            cat = self._items[parent]
            chain.append(cat)
            parent = cat.parent
        return list(reversed(chain))

    def hierarchical_id(self, code: str) -> str:
        return ".".join([a.code for a in self.ancestors(code)] + [code])

    def descendants(self, code: str) -> list[str]:
        """Every code below ``code``, depth first, not including it."""
        out: list[str] = []
        stack = list(reversed(self._children.get(code, [])))
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(reversed(self._children.get(current, [])))
        return out

    def leaves(self) -> list[Category]:
        return [c for c in self if self.is_leaf(c.code)]
