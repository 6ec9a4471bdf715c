"""The view cache (kuban/model/memo.py): keyed by the content of the arguments, bounded, never wrong."""
from __future__ import annotations

import gc
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pytest

from kuban.model import memo


@pytest.fixture
def calls(monkeypatch):
    monkeypatch.setattr(memo, "CACHE", memo.ViewCache(1024 * 1024))
    made = []

    @memo.cached
    def total(frame, *, column="v", scale=1.0):
        made.append(1)
        return pd.DataFrame({"total": [frame[column].sum() * scale]})

    return total, made


def test_the_same_content_is_computed_once_and_shared(calls):
    total, made = calls
    a = total(pd.DataFrame({"v": [1.0, 2.0]}))
    b = total(pd.DataFrame({"v": [1.0, 2.0]}))          # another object, the same content
    assert a is b and len(made) == 1
    assert total(pd.DataFrame({"v": [1.0, 2.5]})).iloc[0, 0] == 3.5 and len(made) == 2
    assert total(pd.DataFrame({"v": [1.0, 2.0]}), scale=2.0).iloc[0, 0] == 6.0 and len(made) == 3
    assert total(pd.DataFrame({"v": [1.0, 2.0]}, index=[5, 6])) is not a      # the index is content too
    assert total(pd.DataFrame({"w": [1.0, 2.0]}), column="w") is not a        # so are the column names


def test_values_that_print_alike_are_different_keys():
    refs: list = []
    k = lambda v: memo.key_of(v, refs)  # noqa: E731
    assert k(pd.DataFrame({"c": ["1"]}, dtype=object)) != k(pd.DataFrame({"c": [1]}, dtype=object))
    assert k(1) != k(1.0) != k("1") and k(True) != k(1)
    assert k(float("nan")) == k(float("nan")) and k(0.0) != k(-0.0)
    assert k(date(2025, 1, 1)) == k(date(2025, 1, 1)) != k(date(2025, 2, 1))
    assert k([1, 2]) != k((1, 2)) and k({"a": 1}) != k({"a": 2})
    assert k(np.array([1.0, 2.0])) == k(np.array([1.0, 2.0])) != k(np.array([1.0, 3.0]))
    assert k(pd.Series([1, 2], name="a")) != k(pd.Series([1, 2], name="b"))


def test_a_dataclass_is_keyed_by_its_fields():
    @dataclass(frozen=True)
    class Definition:
        codes: tuple
        threshold: float

    refs: list = []
    assert memo.key_of(Definition(("28",), 1.25), refs) == memo.key_of(Definition(("28",), 1.25), refs)
    assert memo.key_of(Definition(("28",), 1.25), refs) != memo.key_of(Definition(("28",), 1.5), refs)
    assert not refs


def test_an_object_of_another_kind_is_keyed_by_identity_and_kept_alive(monkeypatch):
    monkeypatch.setattr(memo, "CACHE", memo.ViewCache(1024 * 1024))

    class Boundaries:
        pass

    @memo.cached
    def draw(b):
        return {"id": id(b)}

    first = Boundaries()
    kept = draw(first)
    assert draw(first) is kept and draw(Boundaries()) is not kept
    del first
    gc.collect()
    # the entry holds the object, so its identity cannot be given to a new object while the entry lives
    assert any(isinstance(r, Boundaries) for (_, refs), _ in memo.CACHE._items.values() for r in refs)


def test_arguments_that_cannot_be_keyed_run_uncached_and_right(calls):
    total, made = calls
    frame = pd.DataFrame({"v": [1.0, 2.0], "lists": [[1], [2]]})
    assert total(frame).iloc[0, 0] == 3.0 and total(frame).iloc[0, 0] == 3.0
    assert len(made) == 2 and memo.CACHE.uncached == 2 and len(memo.CACHE) == 0


def test_the_memory_bound_drops_the_least_recently_used(monkeypatch):
    monkeypatch.setattr(memo, "CACHE", memo.ViewCache(40_000))
    made = []

    @memo.cached
    def block(n):
        made.append(n)
        return pd.DataFrame({"x": np.zeros(1000)})        # 8 000 bytes of values

    for n in range(4):
        block(n)
    block(0)                                              # 0 is used again: 1 is now the oldest
    for n in range(4, 7):
        block(n)
    assert memo.CACHE.bytes <= 40_000
    made.clear()
    block(0)
    block(1)
    assert made == [1]                                    # 0 stayed, 1 was dropped
    big = memo.ViewCache(40_000)
    big.put("k", ("v", []), 20_000)                          # more than a quarter of the bound: not kept
    assert len(big) == 0


def test_figures_are_measured_by_their_data():
    import plotly.graph_objects as go
    small = go.Figure(go.Bar(x=[1, 2], y=[3, 4]))
    large = go.Figure(go.Bar(x=list(range(10_000)), y=list(range(10_000))))
    assert memo.size_of(large) > 100 * memo.size_of(small) / 10 and memo.size_of(large) > 100_000


def test_a_frame_of_known_provenance_is_keyed_by_it_while_it_lives(calls, monkeypatch):
    total, made = calls
    hashed = []
    real = memo._frame_digest
    monkeypatch.setattr(memo, "_frame_digest", lambda f: hashed.append(1) or real(f))
    a = pd.DataFrame({"v": [1.0, 2.0]})
    memo.remember(a, ("query", "q1"))
    first = total(a)
    assert hashed == [] and len(made) == 1                 # keyed by provenance, its values never hashed
    b = pd.DataFrame({"v": [1.0, 2.0]})
    memo.remember(b, ("query", "q1"))
    assert total(b) is first and len(made) == 1            # the same provenance: the same view
    c = pd.DataFrame({"v": [5.0]})
    memo.remember(c, ("query", "q2"))
    assert total(c).iloc[0, 0] == 5.0 and len(made) == 2   # another provenance: computed
    # a frame derived from a remembered one is not: it is keyed by its own content
    derived = a[a["v"] > 1.5]
    assert total(derived).iloc[0, 0] == 2.0 and hashed == [1]
    # a cached function's frame result carries its key on: a second cached function need not hash it
    assert memo._provenance(first) is not None
    ident = id(c)
    del c
    gc.collect()
    assert ident not in memo._PROVENANCE                   # the entry went with its frame
