"""One place for each idea (issue 9): the filters and the shared measures are defined once, in queries/model/.

"The chosen municipalities, divisions and months" are the macros of queries/model/chosen.sql; output per
employee, the refused loans and the support received those of queries/model/measures.sql. Page queries call
them and never write the conditions out: a per-user access rule, say, is then added in one place.
"""
from __future__ import annotations

import json
import re
import threading
from datetime import date

import duckdb
import pytest

from kuban import paths
from kuban.texts import LOAN_REFUSED_STATUSES
from kuban.model import queries
from kuban.model.db import MODEL_DEFINITIONS
from tests.conftest import KORENOVSK, M

MODEL = paths.QUERIES / "model"
PLACE_MACROS = {"munis": "chosen_place", "divisions": "chosen_division"}
# Table macros of queries/model/ that take the filter's lists and apply chosen_place / chosen_division themselves
FILTERING_MACROS = {"enterprise_output"}
MONTH_COLUMNS = {"period", "decision_date"}
MONTH_PARAMS = {"date_from", "date_to"}


def sql_of(name: str) -> str:
    return (paths.QUERIES / f"{name}.sql").read_text(encoding="utf-8")


def code_of(text: str) -> str:
    """The statement without its comments."""
    return "\n".join(line.split("--", 1)[0] for line in text.splitlines())


def parse_tree(text: str) -> dict:
    con = duckdb.connect()
    try:
        tree = json.loads(con.execute("SELECT json_serialize_sql($sql)", {"sql": text}).fetchone()[0])
    finally:
        con.close()
    assert not tree["error"], tree
    return tree


def nodes(tree, parent=None):
    """Every expression node of a parsed statement with its nearest enclosing expression node."""
    if isinstance(tree, dict):
        if "class" in tree:
            yield tree, parent
            parent = tree
        for value in tree.values():
            yield from nodes(value, parent)
    elif isinstance(tree, list):
        for value in tree:
            yield from nodes(value, parent)


def names_in(node, cls: str, key: str) -> set[str]:
    out = set()
    for n, _ in nodes(node):
        if n["class"] == cls:
            out.add(n[key][-1] if isinstance(n[key], list) else n[key])
    return out


def hand_written_filters(text: str) -> list[str]:
    """Where a statement writes the filter out instead of calling the macros of queries/model/chosen.sql."""
    found = []
    for node, parent in nodes(parse_tree(text)):
        if node["class"] == "PARAMETER" and node["identifier"] in PLACE_MACROS:
            macro = PLACE_MACROS[node["identifier"]]
            if parent is None or parent["class"] != "FUNCTION" or \
                    parent["function_name"] not in {macro, *FILTERING_MACROS}:
                found.append(f"${node['identifier']} used outside {macro}(…, ${node['identifier']})")
        if node["class"] in ("COMPARISON", "BETWEEN"):
            columns = names_in(node, "COLUMN_REF", "column_names") & MONTH_COLUMNS
            params = names_in(node, "PARAMETER", "identifier") & MONTH_PARAMS
            if columns and params:
                found.append(f"{'/'.join(sorted(columns))} compared with ${'/$'.join(sorted(params))} "
                             "(use in_months, in_year_before, since_year_before, not_after)")
    return found


# --- The filter is defined once ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", queries.names())
def test_no_query_writes_the_filter_out(name):
    text = sql_of(name)
    assert not re.search(r"list_contains\s*\(\s*\$(munis|divisions)|len\s*\(\s*\$(munis|divisions)|"
                         r"any\s*\(\s*\$(munis|divisions)", text, re.IGNORECASE), \
        "the municipality and division conditions are the macros chosen_place and chosen_division"
    assert hand_written_filters(text) == []


def test_the_filtering_macros_apply_the_filter_macros():
    aggregates = (MODEL / "aggregates.sql").read_text(encoding="utf-8")
    for name in FILTERING_MACROS:
        body = aggregates[aggregates.index(f"CREATE MACRO {name}("):]
        body = body[:body.index("CREATE MACRO", 10)] if "CREATE MACRO" in body[10:] else body
        assert "chosen_place(oktmo, munis)" in body and "chosen_division(division, divisions)" in body, name


def test_the_check_finds_a_filter_written_out():
    # The forms the queries had before issue 9, and a few others.
    for where in ("(len($munis::VARCHAR[]) = 0 OR list_contains($munis::VARCHAR[], oktmo))",
                  "list_contains($divisions, division)",
                  "oktmo = ANY($munis)",
                  "period >= $date_from::DATE AND period <= $date_to::DATE",
                  "s.period BETWEEN $date_from AND $date_to",
                  "decision_date < ($date_to::DATE + INTERVAL 1 MONTH)::DATE",
                  "period >= ($date_from::DATE - INTERVAL 1 YEAR)"):
        assert hand_written_filters(f"SELECT 1 FROM shipments WHERE {where}"), where
    assert hand_written_filters("SELECT 1 FROM shipments WHERE chosen_place(oktmo, $munis) "
                                "AND chosen_division(division, $divisions) "
                                "AND in_months(period, $date_from, $date_to)") == []


def test_the_filter_condition_lives_only_in_its_definition():
    # The check: grep -c 'list_contains($munis' queries/*.sql finds nothing; the model defines it.
    assert [n for n in queries.names() if "list_contains($munis" in sql_of(n)] == []
    chosen = (MODEL / "chosen.sql").read_text(encoding="utf-8")
    assert code_of(chosen).count("list_contains(munis::VARCHAR[], oktmo)") == 1
    assert code_of(chosen).count("list_contains(divisions::VARCHAR[], division)") == 1


# --- The shared measures are defined once -----------------------------------------------------------------

PER_EMPLOYEE_BY_HAND = re.compile(r"/\s*NULLIF\s*\(\s*[\w.]*(employ|headcount)|employees\s+IS\s+NOT\s+NULL|"
                                  r"\bavg\s*\(\s*[\w.]*employees", re.IGNORECASE)
REFUSED_BY_HAND = re.compile(r"\$refused|(lower|upper|trim)\s*\([^)]*status", re.IGNORECASE)


@pytest.mark.parametrize("name", queries.names())
def test_shared_measures_are_not_written_out(name):
    text = code_of(sql_of(name))
    assert not PER_EMPLOYEE_BY_HAND.search(text), \
        "output per employee and the average monthly headcount are the macros of queries/model/measures.sql"
    assert not REFUSED_BY_HAND.search(text), "a refused loan is is_refused(status) (queries/model/measures.sql)"
    assert "refused" not in queries.load(name).params


def test_the_per_employee_formula_lives_only_in_its_definition():
    measures = code_of((MODEL / "measures.sql").read_text(encoding="utf-8"))
    # reports_headcount (employees IS NOT NULL) and per_employee (/ NULLIF(headcount, 0)); headcount_avg,
    # staffed_output and output_per_employee are written with them
    assert len(PER_EMPLOYEE_BY_HAND.findall(measures)) == 2
    # over rows (production_cells) or over the sums of the aggregates (queries/model/aggregates.sql)
    assert "output_per_employee(" in sql_of("production_summary")
    aggregates = code_of((MODEL / "aggregates.sql").read_text(encoding="utf-8"))
    output = aggregates[aggregates.index("CREATE MACRO enterprise_output"):]
    for text in (output[:output.index("CREATE MACRO", 10)], code_of(sql_of("cluster_members"))):
        assert "per_employee(" in text and "average_headcount(" in text
    for name in ("production_enterprises", "production_top_enterprises"):
        assert "enterprise_output(" in code_of(sql_of(name))


def test_the_check_finds_a_measure_written_out():
    assert PER_EMPLOYEE_BY_HAND.search("output_staffed_rub / NULLIF(employees_avg, 0)")
    assert PER_EMPLOYEE_BY_HAND.search("sum(output_rub) FILTER (WHERE cur AND employees IS NOT NULL)")
    assert PER_EMPLOYEE_BY_HAND.search("avg(p.employees)")
    assert REFUSED_BY_HAND.search("NOT list_contains($refused::VARCHAR[], lower(trim(coalesce(status, ''))))")


# --- The definitions: documented, used, and what they mean -------------------------------------------------

def test_model_definitions_are_documented_and_used():
    queries_text = "\n".join(sql_of(n) for n in queries.names())
    model_files = sorted(p.name for p in MODEL.glob("*.sql"))
    assert set(MODEL_DEFINITIONS) | {"fact_with_keys.sql"} == set(model_files)
    for name in MODEL_DEFINITIONS:
        text = (MODEL / name).read_text(encoding="utf-8")
        assert text.startswith("-- Defines:")
        header = "\n".join(line for line in text.splitlines() if line.startswith("--"))
        defined = re.findall(r"^CREATE (?:MACRO|VIEW|TABLE) (\w+)", text, re.MULTILINE)
        assert defined
        for macro in defined:
            assert re.search(rf"\b{macro}\b", header), f"{name}: the header does not describe {macro}"
            used = re.findall(rf"\b{macro}\b", queries_text + code_of(text))
            assert len(used) > 1 or re.search(rf"\b{macro}\b", queries_text), f"{macro} is used nowhere"


def test_every_cursor_sees_the_model(small_db):
    # The macros and the view are not TEMP: a cursor (one per query, any thread) sees them.
    out = {}

    def ask():
        cur = small_db.cursor()
        try:
            out["row"] = cur.execute("SELECT chosen_place('x', ['x']), is_refused('Отказано'), "
                                     "(SELECT count(*) FROM support)").fetchone()
        finally:
            cur.close()

    thread = threading.Thread(target=ask)
    thread.start()
    thread.join()
    assert out["row"] == (True, True, 6)       # 3 loans, none refused, and 3 subsidies


def one(db, sql: str, params: dict | None = None):
    cur = db.cursor()
    try:
        return cur.execute(sql, params or {}).fetchone()
    finally:
        cur.close()


def test_chosen_place_and_division(small_db):
    assert one(small_db, "SELECT chosen_place('03621000', []), chosen_place(NULL, []), "
                         "chosen_place('03621000', ['03621000', '03701000']), chosen_place('03601000', ['03621000']), "
                         "chosen_place(NULL, ['03621000']) IS NOT TRUE") == (True, True, True, False, True)
    assert one(small_db, "SELECT chosen_division('28', $d), chosen_division('29', ['28']), "
                         "NOT chosen_division('29', ['28'])", {"d": []}) == (True, False, True)


def test_months(small_db):
    d = {"f": date(2025, 1, 1), "t": date(2025, 3, 1)}
    # Periods and decision dates alike: the last chosen month counts to its last day.
    assert one(small_db, "SELECT in_months(DATE '2025-01-01', $f, $t), in_months(DATE '2025-03-31', $f, $t), "
                         "in_months(DATE '2025-04-01', $f, $t), in_months(DATE '2024-12-31', $f, $t)", d) \
        == (True, True, False, False)
    assert one(small_db, "SELECT in_year_before(DATE '2024-01-01', $f, $t), in_year_before(DATE '2024-03-31', $f, $t), "
                         "in_year_before(DATE '2024-04-01', $f, $t), in_year_before(DATE '2025-01-01', $f, $t)", d) \
        == (True, True, False, False)
    assert one(small_db, "SELECT in_months_years_before(DATE '2022-02-01', $f, $t, 3), "
                         "in_months_years_before(DATE '2023-02-01', $f, $t, 3)", d) == (True, False)
    # since_year_before: January 2024 to March 2025, the gap between the two windows included
    assert one(small_db, "SELECT since_year_before(DATE '2024-01-01', $f, $t), "
                         "since_year_before(DATE '2024-07-01', $f, $t), since_year_before(DATE '2023-12-01', $f, $t), "
                         "since_year_before(DATE '2025-04-01', $f, $t)", d) == (True, True, False, False)
    assert one(small_db, "SELECT not_after(DATE '1990-01-01', $t), not_after(DATE '2025-03-31', $t), "
                         "not_after(DATE '2025-04-01', $t)", {"t": d["t"]}) == (True, True, False)


def test_is_refused_is_the_contract_list(small_db):
    for status in LOAN_REFUSED_STATUSES:
        for written in (status, status.upper(), status.lower(), f"  {status} "):
            assert one(small_db, "SELECT is_refused($s)", {"s": written}) == (True,), written
    for status in ("Одобрен", "Выдан", "На рассмотрении", "", None):
        assert one(small_db, "SELECT is_refused($s)", {"s": status}) == (False,), status


def test_the_oracle_knows_the_same_refusals():
    # tests/oracle keeps its own plain list (it reads nothing from kuban/); the two must say the same.
    from tests.oracle.base import REFUSED_STATUSES
    assert REFUSED_STATUSES == {s.strip().lower() for s in LOAN_REFUSED_STATUSES}


def test_support_is_loans_not_refused_and_subsidies(small_db):
    # small fixture: loans L1 50 (A), L2 300 (B), L3 10 (D), none refused; subsidies S1 2 (A), S2 1.5 (C), S3 5 (B)
    cur = small_db.cursor()
    try:
        frame = cur.execute("SELECT kind, sum(amount_rub) AS amount_rub, count(*) AS n FROM support "
                            "GROUP BY kind ORDER BY kind").df().set_index("kind")
        korenovsk = cur.execute("SELECT sum(amount_rub) FROM support WHERE chosen_place(oktmo, $m)",
                                {"m": [KORENOVSK]}).fetchone()[0]
    finally:
        cur.close()
    assert frame.loc["loan", "amount_rub"] == (50 + 300 + 10) * M and frame.loc["loan", "n"] == 3
    assert frame.loc["subsidy", "amount_rub"] == (2 + 1.5 + 5) * M and frame.loc["subsidy", "n"] == 3
    assert korenovsk == (50 + 10 + 2) * M                      # A and D: L1, L3, S1


def test_support_leaves_refused_loans_out(tmp_path):
    # The small fixture with L2 refused («Отозвана», in capitals): the view drops it, every other row stays.
    import dataclasses

    from kuban.data.ingest import load_folder
    from kuban.model.db import Database
    from tests.conftest import SMALL
    result = load_folder(SMALL)
    loans = result.tables["loans"].copy()
    loans.loc[loans["loan_id"] == "L2", "status"] = "ОТОЗВАНА"
    db = Database(dataclasses.replace(result, tables=result.tables | {"loans": loans},
                                      fingerprint="small-L2-withdrawn"))
    try:
        assert one(db, "SELECT sum(amount_rub) FILTER (WHERE kind = 'loan'), count(*) FROM support") \
            == ((50 + 10) * M, 5)
    finally:
        db.close()
