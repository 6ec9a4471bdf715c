"""Figure-by-figure comparison of a query's result with the oracle's rows.

Rows are matched by the query's key columns; then every column of every row is compared: money (columns
ending in _rub) to the kopeck (|a - b| < 0.005), other fractional numbers to 1e-9 relative (absolute near
zero), everything else exactly; a NULL on one side and a value on the other is a mismatch. The order of
the rows is checked against the query's documented order, using the query's own values (money rounded to
kopecks, so that sums equal to the kopeck count as ties whatever the order of addition).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Callable

import pandas as pd

from .base import missing, plain

MONEY_TOL = 0.005
RATIO_TOL = 1e-9


def normal(value):
    """A cell of either side as a plain comparable value: None, int, float, str, bool or date."""
    if missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return plain(value)


def same(column: str, a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        if column.endswith("_rub"):
            return abs(a - b) < MONEY_TOL
        return abs(a - b) <= RATIO_TOL * max(1.0, abs(a), abs(b))
    return a == b


def sort_value(column: str, value):
    """A query's own value as used for the order check: money rounded to kopecks."""
    if isinstance(value, float) and column.endswith("_rub"):
        return round(value, 2)
    return value


def asc(value):
    """Ascending, NULLs last (DuckDB's default)."""
    return (value is None, value if value is not None else 0)


def desc(value):
    """Descending numbers, NULLs last."""
    return (value is None, -value if value is not None else 0)


@dataclass(frozen=True)
class Spec:
    """How to check one query: its oracle, the key of a row, the order of the rows (a sort key of a row
    dict), and optionally a LIMIT parameter or a rank column whose ties may fall either way."""
    oracle: Callable
    keys: tuple[str, ...] | None          # None: compare the rows as a multiset
    order: Callable | None = None
    limit: str | None = None              # parameter holding the LIMIT; the oracle returns every row, sorted
    limit_value: str | None = None        # ... the column the LIMIT ranks by (descending)
    ranks: tuple[str, ...] = ()           # rank columns; the oracle gives "_<rank>_range": (lowest, highest)
                                          # rank among the rows tied with this one to the kopeck


def result_rows(result) -> tuple[list[str], list[dict]]:
    """A query's result, a DataFrame or (column names, rows), as column names and row dicts of plain values."""
    if isinstance(result, pd.DataFrame):
        cols = list(result.columns)
        values = [[normal(v) for v in result[c].tolist()] for c in cols]
        return cols, [dict(zip(cols, row)) for row in zip(*values)] if cols else []
    cols, rows = result
    return list(cols), [{c: normal(v) for c, v in zip(cols, row)} for row in rows]


def describe(row: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in row.items())


def compare(name: str, spec: Spec, result, expected: list[dict], params: dict) -> list[str]:
    """Every difference between the query's result (a DataFrame or column names and rows) and the oracle's
    rows, as readable lines (empty: equal)."""
    problems: list[str] = []
    columns, got = result_rows(result)
    want = [{c: normal(r.get(c)) for c in columns} for r in expected]
    extra = {c for r in expected for c in r if not c.startswith("_")} - set(columns)
    if extra:
        problems.append(f"oracle has columns the query does not return: {sorted(extra)}")

    # The order the query documents, checked on its own values.
    if spec.order is not None:
        keys = [spec.order({c: sort_value(c, v) for c, v in r.items()}) for r in got]
        for i in range(1, len(keys)):
            if keys[i] < keys[i - 1]:
                problems.append(f"rows out of order at {i}: {describe(got[i - 1])}  THEN  {describe(got[i])}")
                break

    if spec.limit:
        limit = params[spec.limit]
        col = spec.limit_value
        if len(got) != min(limit, len(want)):
            problems.append(f"{len(got)} rows, expected {min(limit, len(want))} (LIMIT {limit} of {len(want)})")
        if len(want) > limit and got:
            # Rows the oracle ranks within the limit that are strictly larger than the cut must be there;
            # rows tied (to the kopeck) with the cut may be either.
            cut = want[limit - 1][col]
            kept = {tuple(r[k] for k in spec.keys) for r in got}
            for r in want:
                if r[col] - cut >= MONEY_TOL and tuple(r[k] for k in spec.keys) not in kept:
                    problems.append(f"missing from the top {limit}: {describe(r)}")
            for r in got:
                if r[col] is None or cut - r[col] >= MONEY_TOL:
                    problems.append(f"in the top {limit} but smaller than the cut {cut}: {describe(r)}")
            want = [r for r in want if tuple(r[k] for k in spec.keys) in kept]

    if spec.keys is None:
        g = Counter(tuple(sorted(r.items(), key=lambda kv: kv[0])) for r in got)
        w = Counter(tuple(sorted(r.items(), key=lambda kv: kv[0])) for r in want)
        for row, n in (g - w).items():
            problems.append(f"unexpected row (x{n}): {describe(dict(row))}")
        for row, n in (w - g).items():
            problems.append(f"missing row (x{n}): {describe(dict(row))}")
        return problems

    def index(rows, side):
        out = {}
        for r in rows:
            key = tuple(r[k] for k in spec.keys)
            if key in out:
                problems.append(f"{side}: two rows with key {dict(zip(spec.keys, key))}")
            out[key] = r
        return out

    g, w = index(got, "query"), index(want, "oracle")
    ranges = {tuple(normal(r.get(k)) for k in spec.keys): r for r in expected}
    for key in g.keys() - w.keys():
        problems.append(f"row the oracle does not have: {describe(g[key])}")
    for key in w.keys() - g.keys():
        problems.append(f"row missing from the query: {describe(w[key])}")
    for key in sorted(g.keys() & w.keys(), key=repr):
        a, b = g[key], w[key]
        for c in columns:
            if c in spec.ranks:
                continue
            if not same(c, a[c], b[c]):
                problems.append(f"{dict(zip(spec.keys, key))}: {c} = {a[c]!r}, oracle {b[c]!r}")
    for rank in spec.ranks:
        # A rank may differ from the oracle's only among rows whose ranking values are equal to the kopeck.
        for key in g.keys() & w.keys():
            r = g[key][rank]
            lo, hi = ranges[key][f"_{rank}_range"]
            if r is None or not lo <= r <= hi:
                problems.append(f"{dict(zip(spec.keys, key))}: {rank} = {r!r}, oracle {w[key][rank]!r} "
                                f"(ties allow {lo}..{hi})")
    return problems
