"""The view cache: what pages build from query results (figures, formatted tables, the cluster's arithmetic),
computed once and reused by every session that asks for the same view, within a memory bound.

    @memo.cached
    def bars(frame, *, label, value, title, ...) -> go.Figure: ...

A cached function must be pure: its result depends on its arguments only, and neither they nor the result
are changed afterwards (results are shared between sessions and threads, like the query cache's frames).
The key is the function and the *content* of its arguments: a DataFrame by a digest of its columns, dtypes,
index and values (pandas' own row hashes, then BLAKE2b), lists, dicts, dates and numbers by value, a
dataclass by its fields. So a result is reused exactly when a new computation would give the same result,
and a view made from one access scope's frames can reach another scope only if that scope's own queries
gave the very same frames: what a user receives is a function of what their queries returned, nothing else.
An argument of any other kind (a data version's boundaries, say) is keyed by its identity, and the cache
holds a reference to it while the entry lives, so the identity cannot be reused by another object.

Hashing a large frame costs milliseconds, so frames whose content is known by how they were made skip it: a
query's result (kuban.model.queries.run: its statement, parameters and data version with scope) and a cached
function's frame result (its key, when no argument was keyed by identity) are remembered with that provenance
(`remember`), and keyed by it for as long as that very object lives. Those frames are never changed in place
(see above), so the provenance stands for the content.

Arguments that cannot be keyed (a frame holding lists, say) make the call run uncached: never wrong, only
slower. `KUBAN_VIEW_CACHE_MB` bounds the memory (default 128 MB); the size of an entry is its frames' memory
or its figure's data.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import threading
import weakref
from collections import OrderedDict
from datetime import date, datetime, time

import numpy as np
import pandas as pd

DEFAULT_MB = 128


class _Unkeyable(Exception):
    pass


def _frame_digest(frame: pd.DataFrame | pd.Series) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    if isinstance(frame, pd.Series):
        frame = frame.to_frame(name=("__series__", frame.name))
    h.update(repr((list(frame.columns), [str(t) for t in frame.dtypes], frame.shape, str(frame.index.dtype)))
             .encode("utf-8", "surrogatepass"))
    try:
        # pandas hashes object values by their text: 1 and "1" look alike, so each object column's kind is added
        kinds = [pd.api.types.infer_dtype(frame[c], skipna=False) if frame[c].dtype == object else ""
                 for c in frame.columns] if frame.columns.is_unique else None
        if kinds is None:
            raise _Unkeyable("duplicate column names")
        h.update(repr(kinds).encode())
        h.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    except (TypeError, ValueError) as e:       # unhashable cells (lists, dicts)
        raise _Unkeyable(str(e)) from e
    return h.digest()


# id(frame) -> (a weak reference to it, the digest of its provenance); an entry goes with its frame.
_PROVENANCE: dict[int, tuple[weakref.ref, bytes]] = {}
_PROVENANCE_LOCK = threading.Lock()


def remember(frame, provenance) -> None:
    """Key `frame` (a DataFrame or Series that is never changed afterwards) by `provenance`, a hashable value that
    determines its content, instead of hashing its values."""
    digest = hashlib.blake2b(repr(provenance).encode("utf-8", "surrogatepass"), digest_size=16).digest()
    ident = id(frame)

    def gone(ref, ident=ident):
        with _PROVENANCE_LOCK:
            if _PROVENANCE.get(ident, (None,))[0] is ref:
                del _PROVENANCE[ident]

    with _PROVENANCE_LOCK:
        _PROVENANCE[ident] = (weakref.ref(frame, gone), digest)


def _provenance(frame) -> bytes | None:
    entry = _PROVENANCE.get(id(frame))
    return entry[1] if entry is not None and entry[0]() is frame else None


def key_of(value, refs: list):
    """A hashable key standing for `value`'s content (objects of unknown kinds: their identity, kept in `refs`)."""
    if value is None or isinstance(value, (str, bool, int, bytes)):
        return (type(value).__name__, value)
    if isinstance(value, float):
        return ("float", value.hex() if value == value else "nan")
    if isinstance(value, np.generic):
        return key_of(value.item(), refs)
    if isinstance(value, (pd.Timestamp, datetime, date, time)):
        return (type(value).__name__, value.isoformat())
    if isinstance(value, (pd.DataFrame, pd.Series)):
        known = _provenance(value)
        return ("made", known) if known is not None else ("frame", _frame_digest(value))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(key_of(v, refs) for v in value))
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted((key_of(v, refs) for v in value), key=repr)))
    if isinstance(value, dict):
        return ("dict", tuple((key_of(k, refs), key_of(v, refs)) for k, v in value.items()))
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            return ("array", tuple(key_of(v, refs) for v in value.tolist()))
        return ("array", str(value.dtype), value.shape, hashlib.blake2b(value.tobytes(), digest_size=16).digest())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__qualname__,
                tuple((f.name, key_of(getattr(value, f.name), refs)) for f in dataclasses.fields(value)))
    refs.append(value)
    return ("object", type(value).__qualname__, id(value))


def size_of(value) -> int:
    """Bytes an entry holds, roughly: frames by their memory, figures by their JSON, containers by their parts."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return int(value.memory_usage(deep=True).sum()) if isinstance(value, pd.DataFrame) \
            else int(value.memory_usage(deep=True))
    if hasattr(value, "_data") and hasattr(value, "_layout"):      # a Plotly figure: its traces and layout
        return 256 + _deep_bytes(value._data) + _deep_bytes(value._layout)
    if isinstance(value, (list, tuple)):
        return 64 + sum(size_of(v) for v in value)
    if isinstance(value, dict):
        return 64 + sum(size_of(v) for v in value.values())
    if isinstance(value, str):
        return 50 + len(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return 64 + sum(size_of(getattr(value, f.name)) for f in dataclasses.fields(value))
    return 64


def _deep_bytes(value) -> int:
    """Bytes of plain data (what a figure holds: dicts, lists, arrays, text, numbers), roughly."""
    if isinstance(value, np.ndarray):
        return int(value.nbytes) if value.dtype != object else sum(_deep_bytes(v) for v in value.tolist())
    if isinstance(value, dict):
        return 64 + sum(len(str(k)) + _deep_bytes(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return 56 + sum(_deep_bytes(v) for v in value)
    if isinstance(value, str):
        return 50 + len(value)
    if isinstance(value, (pd.Series, pd.Index)):
        return int(value.memory_usage(deep=True))
    return 16


class SizedLRU:
    """A thread-safe LRU bounded by the total size of its items (sizes given by the caller); an item larger than
    a quarter of the bound is not kept. The query layer's result cache is one too (kuban/model/queries.py)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._items: OrderedDict = OrderedDict()       # key -> (item, size)
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key):
        """The item kept under `key`, or None."""
        with self._lock:
            entry = self._items.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key, item, size: int) -> None:
        if size > self.max_bytes // 4:
            return                                     # too big to be worth keeping
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (item, size)
            self._bytes += size
            while self._bytes > self.max_bytes and self._items:
                _, (_, s) = self._items.popitem(last=False)
                self._bytes -= s

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def bytes(self) -> int:
        return self._bytes


class ViewCache(SizedLRU):
    """The views: items are (value, refs), refs the objects keyed by identity (kept alive with the entry)."""

    def __init__(self, max_bytes: int):
        super().__init__(max_bytes)
        self.uncached = 0

    def clear(self) -> None:
        super().clear()
        self.hits = self.misses = self.uncached = 0


def _max_bytes() -> int:
    try:
        return max(0, int(float(os.environ.get("KUBAN_VIEW_CACHE_MB", DEFAULT_MB)) * 1024 * 1024))
    except ValueError:
        return DEFAULT_MB * 1024 * 1024


CACHE = ViewCache(_max_bytes())


def cached(fn):
    """Memoise the pure function `fn` in CACHE by its arguments' content (see the module's docstring).
    `fn.__wrapped__` is the function itself, uncached."""
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        refs: list = []
        try:
            key = (name, key_of(args, refs), key_of(kwargs, refs))
        except _Unkeyable:
            CACHE.uncached += 1
            return fn(*args, **kwargs)
        found = CACHE.get(key)
        if found is not None:
            return found[0]
        value = fn(*args, **kwargs)
        if not refs and isinstance(value, (pd.DataFrame, pd.Series)):
            remember(value, key)
        CACHE.put(key, (value, refs), size_of(value))
        return value

    return wrapper
