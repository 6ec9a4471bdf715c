"""The query layer: named SQL files in queries/, run with bound parameters, cached.

Every `queries/NAME.sql` holds one statement and a header:

    -- Answers: what the statement answers.
    -- Params:
    --   $name TYPE  meaning
    -- Returns: column TYPE, column TYPE, ...
    -- Level: enterprises          (optional: rows, names or INNs of single enterprises)
    -- Suppress: COUNT: col, ...   (optional: small cells hidden for an aggregates-only user; kuban/model/suppress.py)

`run(db, NAME, params)` binds exactly the parameters the statement uses
(others in `params` are ignored, so pages can pass all filters), runs it on a
fresh cursor of the shared connection, and caches the result by query,
parameters and data fingerprint, within a memory bound.

What a user may see is applied here, once, for every statement: `db` is the data version as the user's access
scope sees it (kuban.model.db.Database.for_scope): restricted to some municipalities it reads only their rows;
aggregates-only, an enterprise-level statement raises NotPermitted and small cells are hidden (suppress.py).
The scope is part of the data fingerprint, so cached results never cross scopes.
"""
from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from itertools import takewhile

import duckdb
import pandas as pd

from kuban import paths
from kuban.model import memo

CACHE_BYTES = 256 * 1024 * 1024
_PARAM_LINE = re.compile(r"^--\s+\$(\w+)\s+(\S+)")


@dataclass(frozen=True)
class Query:
    name: str
    sql: str
    params: tuple[str, ...]          # named parameters the statement uses
    declared: dict[str, str]         # parameters the header declares -> type
    answers: str
    returns: str
    level: str = ""                  # LEVEL_ENTERPRISES or "" (aggregates)


LEVEL_ENTERPRISES = "enterprises"
_LEVEL_LINE = re.compile(r"^--\s*Level:\s*(\w+)", re.M)


class NotPermitted(Exception):
    """The user's scope sees aggregates only, and the statement returns single enterprises."""


def parse_header(text: str) -> tuple[str, dict[str, str], str]:
    answers, returns, declared = "", "", {}
    section = None
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        body = line[2:].strip()
        if body.startswith("Answers:"):
            answers, section = body[len("Answers:"):].strip(), "answers"
        elif body.startswith("Params:"):
            section = "params"
        elif body.startswith("Returns:"):
            returns, section = body[len("Returns:"):].strip(), "returns"
        elif section == "params" and (m := _PARAM_LINE.match(line)):
            declared[m.group(1)] = m.group(2)
        elif section == "answers" and body:
            answers += " " + body
        elif section == "returns" and body:
            returns += " " + body
    return answers, declared, returns


@lru_cache(maxsize=None)
def load(name: str) -> Query:
    path = paths.QUERIES / f"{name}.sql"
    text = path.read_text(encoding="utf-8")
    statements = duckdb.extract_statements(text)
    if len(statements) != 1:
        raise ValueError(f"{path.name}: expected one statement, found {len(statements)}")
    answers, declared, returns = parse_header(text)
    head = "\n".join(takewhile(lambda line: line.startswith("--"), text.splitlines()))
    level = m.group(1) if (m := _LEVEL_LINE.search(head)) else ""

    return Query(name, text, tuple(sorted(statements[0].named_parameters)), declared, answers, returns, level)


def names() -> list[str]:
    return sorted(p.stem for p in paths.QUERIES.glob("*.sql"))


class ResultCache(memo.SizedLRU):
    """LRU of DataFrames bounded by their total memory."""

    def __init__(self, max_bytes: int = CACHE_BYTES):
        super().__init__(max_bytes)

    def put(self, key, frame: pd.DataFrame) -> None:
        super().put(key, frame, int(frame.memory_usage(deep=True).sum()))


CACHE = ResultCache()


def _freeze(value):
    if isinstance(value, (list, tuple, set)):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    return value


def bind(query: Query, params: dict) -> dict:
    missing = [p for p in query.params if p not in params]
    if missing:
        raise KeyError(f"{query.name}.sql needs parameters {missing}")
    return {p: (list(params[p]) if isinstance(params[p], tuple) else params[p]) for p in query.params}


def run(db, name: str, params: dict | None = None) -> pd.DataFrame:
    """Run queries/NAME.sql on `db` (a kuban.model.db.Database). The result must not be modified in place."""
    query = load(name)
    bound = bind(query, params or {})
    key = (name, _freeze(bound), db.fingerprint)
    cached = CACHE.get(key)
    if cached is not None:
        return cached
    scope = getattr(db, "scope", None)
    if scope is not None and scope.aggregates_only and query.level == LEVEL_ENTERPRISES:
        raise NotPermitted(name)
    with db.reading() as cur:
        frame = cur.execute(query.sql, bound).df()
    if scope is not None and scope.aggregates_only:
        from kuban.model import suppress     # noqa: PLC0415
        frame = suppress.apply(query, frame)
    memo.remember(frame, ("query", key))
    CACHE.put(key, frame)
    return frame


# The statements a page needs at once run side by side (run_many): DuckDB plans each one and converts its result in
# one thread, and those serial parts of one statement overlap the parallel scans of another. One pool for the
# process, so that many sessions together never run more than this many statements.
QUERY_THREADS = max(2, min(8, os.cpu_count() or 2))
_POOL = ThreadPoolExecutor(max_workers=QUERY_THREADS, thread_name_prefix="kuban-query")


def run_many(db, calls: list[tuple[str, dict]]) -> list:
    """run() for each (name, params) at once, on cursors of their own; the frames in order, a NotPermitted in place
    of a statement the scope may not run (any other failure is raised)."""
    futures = [_POOL.submit(run, db, name, params) for name, params in calls]
    results = []
    for future in futures:
        try:
            results.append(future.result())
        except NotPermitted as exc:
            results.append(exc)
    return results
