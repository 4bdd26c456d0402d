"""A bounded, thread-safe map kept per process: rendered fragments and rankings that stay the same between requests."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class BoundedCache:
    """At most `maxsize` entries; a hit makes its entry the most recent, and the least recent goes first.

    The key must hold everything the value depends on: nothing here expires by time.
    """

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The value kept under `key`, or `default`."""
        with self._lock:
            if key not in self._items:
                return default
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> Any:
        """Keep `value` under `key`, dropping the least recent entries past `maxsize`; returns `value`."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return value

    def keys(self) -> list[Hashable]:
        """The keys kept now, least recent first (a copy)."""
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
