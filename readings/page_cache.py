"""The page cache's store: an in-process LRU cache bounded by the bytes it holds, not by its entry count."""

import pickle
import threading
import time
from collections import OrderedDict

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

# What CPython spends on an entry beyond its key and value (dict slot, tuple, expiry float,
# object headers), so that many tiny entries cannot slip past the budget either.
ENTRY_OVERHEAD = 256


class _Store:
    """One named cache's entries, shared by the backend instances of every thread of a process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.entries = OrderedDict()  # key -> (expires at or None, pickled value, size); least recent first
        self.bytes = 0


_stores: dict[str, _Store] = {}


class ByteBudgetCache(BaseCache):
    """Django's local-memory cache, but holding at most MAX_BYTES, and no value over MAX_ENTRY_BYTES.

    A count of entries bounds nothing when one entry may be a megabyte of JSON: 2,000 entries
    grew a worker by a gigabyte. Values are pickled, as LocMemCache does, so every reader gets
    its own copy and each entry's size is known; the least recently used entries make room for
    new ones, and a value too large to keep is simply not stored.
    """

    pickle_protocol = pickle.HIGHEST_PROTOCOL

    def __init__(self, name, params):
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self.max_bytes = int(options.get("MAX_BYTES", 64 * 2**20))
        self.max_entry_bytes = min(int(options.get("MAX_ENTRY_BYTES", 2**20)), self.max_bytes)
        self._store = _stores.setdefault(name, _Store())

    @property
    def total_bytes(self) -> int:
        return self._store.bytes

    @property
    def entry_count(self) -> int:
        return len(self._store.entries)

    def _live(self, key):
        """The entry under key, made the most recent; an expired one is dropped. Call with the lock held."""
        entry = self._store.entries.get(key)
        if entry is None:
            return None
        if entry[0] is not None and entry[0] <= time.time():
            self._delete(key)
            return None
        self._store.entries.move_to_end(key)
        return entry

    def _set(self, key, pickled, timeout):
        """Store pickled under key, evicting the least recently used entries to stay within budget."""
        store = self._store
        self._delete(key)
        size = len(key) + len(pickled) + ENTRY_OVERHEAD
        if size > self.max_entry_bytes:
            return False
        while store.bytes + size > self.max_bytes:
            _, (_, _, evicted) = store.entries.popitem(last=False)
            store.bytes -= evicted
        store.entries[key] = (self.get_backend_timeout(timeout), pickled, size)
        store.bytes += size
        return True

    def _delete(self, key):
        entry = self._store.entries.pop(key, None)
        if entry is None:
            return False
        self._store.bytes -= entry[2]
        return True

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            entry = self._live(key)
        return default if entry is None else pickle.loads(entry[1])

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        pickled = pickle.dumps(value, self.pickle_protocol)
        with self._store.lock:
            self._set(key, pickled, timeout)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        pickled = pickle.dumps(value, self.pickle_protocol)
        with self._store.lock:
            return self._live(key) is None and self._set(key, pickled, timeout)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            entry = self._live(key)
            if entry is None:
                return False
            self._store.entries[key] = (self.get_backend_timeout(timeout), *entry[1:])
            return True

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            return self._live(key) is not None

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            return self._delete(key)

    def clear(self):
        with self._store.lock:
            self._store.entries.clear()
            self._store.bytes = 0
