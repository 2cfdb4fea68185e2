"""A bounded, thread-safe least-recently-used cache for answers derived from an immutable release.

Keys always name the release (its SHA-256), so a new release is never answered from an older one's entries;
the bound keeps the memory of old releases' entries finite (they are evicted as the new ones come in).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class BoundedLRU(Generic[V]):
    """At most ``maxsize`` entries; a value whose ``size`` is above ``max_item`` is not kept."""

    def __init__(
        self, maxsize: int, *, size: Callable[[V], int] | None = None, max_item: int | None = None
    ) -> None:
        self.maxsize = maxsize
        self._size = size
        self._max_item = max_item
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
            else:
                self.hits += 1
                self._items.move_to_end(key)
            return found

    def put(self, key: Hashable, value: V) -> None:
        if self._size is not None and self._max_item is not None and self._size(value) > self._max_item:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items
