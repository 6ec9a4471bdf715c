"""Every query the pages run against a naive second computation (tests/oracle/), on random data and filters.

Each example is a random small data set (tests/oracle/randomdata.py) loaded into a real `Database`, and a
few random filters; every query of the group runs through kuban.model.queries and is compared with its oracle
figure by figure (money to the kopeck). Hypothesis shrinks a failure to the smallest data set and filter
that shows it and prints them.

KUBAN_ORACLE_EXAMPLES sets the number of examples per group (default 25, what `make test` runs; use 500 or
more before larger changes: `make test-deep`). The examples are derandomised, so CI runs the same ones every
time; KUBAN_ORACLE_SEED=N draws other examples (reproducibly for that N).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, seed, settings
from hypothesis import strategies as st

from kuban.model import queries
from kuban.model.db import Database
from tests.oracle import ORACLES, Raw, compare, spec_for
from tests.oracle.randomdata import INNS, SEARCHES, datasets, fresh_fingerprint, views

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("KUBAN_ORACLE_EXAMPLES", "25"))
SEED = os.environ.get("KUBAN_ORACLE_SEED")

GROUPS = {
    "overview_shipments": ["overview_kpis", "shipments_monthly", "shipments_by_municipality", "shipments_by_division",
                           "shipments_top_enterprises", "shipments_rows"],
    "production_lists_data_page": ["production_summary", "production_monthly", "production_enterprises",
                                   "production_top_enterprises", "production_rows", "municipality_list",
                                   "division_list", "period_bounds",
                                   "load_files", "load_problems"],
    "loans_subsidies": ["loans_portfolio", "loans_monthly", "loans_list", "subsidies_summary", "support_intensity",
                        "subsidies_recipients", "subsidies_rows"],
    "cluster": ["cluster_members", "cluster_specialisation", "cluster_vs_rest", "cluster_code_options"],
    "enterprise": ["enterprise_search", "enterprise_profile", "enterprise_monthly", "enterprise_summary",
                   "enterprise_support"],
}


def differential(test):
    test = settings(max_examples=EXAMPLES, deadline=None, derandomize=SEED is None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])(test)
    return seed(int(SEED))(test) if SEED is not None else test


def run(db: Database, name: str, params: dict) -> tuple[list[str], list[tuple]]:
    """What kuban.model.queries.run computes, as column names and plain rows: the same statement, bound the same
    way, without the result cache (every example is a new data version) and the DataFrame (time)."""
    query = queries.load(name)
    cur = db.cursor()
    try:
        cur.execute(query.sql, queries.bind(query, params))
        return [d[0] for d in cur.description], cur.fetchall()
    finally:
        cur.close()


# Parameters of a few cheap statements that are tried with every value on each filter (a value drawn once per
# filter would reach the data that tells it apart too rarely in the 25 examples `make test` draws).
EVERY_VALUE = {"production_top_enterprises": {"search": SEARCHES, "order": ("output", "productivity_growth")},
               "enterprise_search": {"search": SEARCHES},
               "enterprise_profile": {"inn": INNS},
               "enterprise_monthly": {"inn": INNS},
               "enterprise_summary": {"inn": INNS},
               "enterprise_support": {"inn": INNS}}


def variants(name: str, params: dict) -> list[dict]:
    out = [params]
    for key, values in EVERY_VALUE.get(name, {}).items():
        out = [p | {key: v} for p in out for v in values]
    return out


def check(db: Database, raw: Raw, names: list[str], params: dict) -> None:
    failures = []
    for name in names:
        for p in variants(name, params):
            spec = spec_for(name, p)
            result = run(db, name, p)
            problems = compare(name, spec, result, spec.oracle(raw, p), p)
            if problems:
                failures.append(f"{name} {p!r}:\n    " + "\n    ".join(problems[:15]))
                break
    assert not failures, "query and oracle differ for the filter\n  " + repr(params) + "\n" + "\n".join(failures)


@pytest.mark.parametrize("group", GROUPS)
@differential
@given(data=datasets(), filters=st.lists(views(), min_size=2, max_size=5))
def test_queries_agree_with_the_oracle(group, data, filters):
    result = data.load_result(fresh_fingerprint())
    db = Database(result)
    try:
        raw = Raw(result.tables, result.files, result.problems)
        for params in filters:
            note(f"filter: {params!r}")
            check(db, raw, GROUPS[group], params)
    finally:
        db.close()


def test_every_query_the_pages_run_has_an_oracle_and_a_group():
    used = set()
    sources = [*ROOT.glob("*.py"), *ROOT.glob("pages/*.py"), *(ROOT / "kuban").rglob("*.py")]
    for path in sorted(sources):
        used |= set(re.findall(r"""\brun(?:_later)?\(\s*["'](\w+)["']""", path.read_text(encoding="utf-8")))
    assert {"overview_kpis", "cluster_vs_rest", "period_bounds"} <= used      # the search itself works
    assert used <= set(queries.names())
    assert used <= set(ORACLES), f"queries without an oracle: {sorted(used - set(ORACLES))}"
    grouped = [n for names in GROUPS.values() for n in names]
    assert sorted(grouped) == sorted(ORACLES)
