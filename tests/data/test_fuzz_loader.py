"""Fuzzing the loader: random and mutated CSV, Parquet and cluster files (hypothesis).

Whatever a file holds, loading never raises, stays within a memory bound, accounts for every file
(loaded, refused or skipped), and never loses a good row: every line a mutation did not touch loads
with its values, or is reported superseded by a later row with the same key.

Examples per test: $KUBAN_FUZZ_EXAMPLES (default 25 in `make test`; `make test-deep` runs more).
"""
from __future__ import annotations

import io
import json
import os
import tempfile
import tracemalloc
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuban.data.ingest import load_folder
from tests.office import ORG, SHIP_RU, line, put, register

EXAMPLES = int(os.environ.get("KUBAN_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
MEMORY_BOUND = 64 * 1024 * 1024       # Python allocations while loading a folder of a few kilobytes
POOL = ORG[:8]

# Characters that break office files: delimiters, quotes, line breaks, spaces, signs, markup, Cyrillic.
NASTY = ';,\t"\r\n \u00a0«»\'.-+e0123456789абвИтогоВсего<>[]()*_!$:#|~`\\/'


@st.composite
def good_rows(draw):
    keys = draw(st.lists(st.tuples(st.sampled_from(POOL), st.integers(2015, 2025), st.integers(1, 12)),
                         min_size=1, max_size=12, unique=True))
    return [(inn, f"{y}-{m:02d}", draw(st.integers(0, 10**9))) for inn, y, m in keys]


mutation = st.tuples(
    st.sampled_from(["replace", "insert", "delete", "truncate", "quote"]),
    st.integers(0, 10**6),                              # which row (modulo the number of rows)
    st.integers(0, 200),                                # position in the line
    st.text(alphabet=NASTY, max_size=30),               # inserted or replacing text
)


def mutate(text: str, kind: str, pos: int, payload: str) -> str:
    pos = pos % (len(text) + 1)
    if kind == "replace":
        return payload
    if kind == "insert":
        return text[:pos] + payload + text[pos:]
    if kind == "delete":
        return text[:pos] + text[pos + 1 + len(payload):]
    if kind == "truncate":
        return text[:pos]
    return text[:pos] + '"' + text[pos:]


def _bounded_load(folder: Path):
    tracemalloc.start()
    try:
        res = load_folder(folder)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_BOUND, peak
    # Every file is accounted for.
    assert set(res.files["status"]) <= {"loaded", "refused", "skipped"}
    return res


@FUZZ
@given(good_rows(), st.lists(mutation, max_size=4), st.sampled_from(["utf-8", "cp1251"]),
       st.sampled_from([";", ",", "\t"]), st.sampled_from(["\r\n", "\n"]))
def test_mutated_csv_keeps_every_untouched_row(rows, mutations, enc, delim, eol):
    lines = [line([inn, period, str(amount), ""], delim) for inn, period, amount in rows]
    touched = set()
    for kind, which, pos, payload in mutations:
        i = which % len(lines)
        lines[i] = mutate(lines[i], kind, pos, payload)
        touched.add(i)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        register(folder, POOL)
        put(folder, "shipments/s.csv", [line(SHIP_RU, delim)] + lines, enc=enc, eol=eol)
        res = _bounded_load(folder)
    loaded = {(r.inn, r.period.strftime("%Y-%m")): r.shipped_rub
              for r in res.tables["shipments"].itertuples(index=False)}
    superseded = (res.problems["kind"] == "superseded").any()
    for i, (inn, period, amount) in enumerate(rows):
        if i in touched:
            continue
        assert (inn, period) in loaded, (i, lines, res.problems.to_dict("records"))
        assert loaded[(inn, period)] == amount or superseded, (i, lines, res.problems.to_dict("records"))


@FUZZ
@given(st.binary(max_size=3000), st.lists(st.tuples(st.integers(0, 10**6), st.binary(min_size=1, max_size=8)),
                                          max_size=6))
def test_random_and_mutated_bytes_never_break_loading(junk, flips):
    good = "\r\n".join([line(SHIP_RU)] + [f"{inn};2025-0{k};{k}00;" for k, inn in enumerate(POOL[:5], 1)])
    data = bytearray(good.encode("cp1251"))
    for pos, chunk in flips:
        at = pos % (len(data) + 1)
        data[at:at + len(chunk)] = chunk
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        register(folder, POOL)
        put(folder, "shipments/a_junk.csv", junk)
        put(folder, "shipments/b_mutated.csv", bytes(data))
        put(folder, "shipments/c_junk.parquet", junk)
        put(folder, "shipments/d_good.csv", [line(SHIP_RU), f"{POOL[7]};2024-12;5;"])
        res = _bounded_load(folder)
    assert len(res.files) >= 5               # the register, four shipment files
    loaded = res.tables["shipments"]
    assert ((loaded["inn"] == POOL[7]) & (loaded["shipped_rub"] == 5)).sum() == 1


# --- Parquet: random schemas and values ---------------------------------------------------------------

def _values(draw, kind: str, n: int):
    if kind == "inn":
        return pa.array(draw(st.lists(st.one_of(st.sampled_from(POOL), st.text(NASTY, max_size=12), st.none()),
                                      min_size=n, max_size=n)), pa.string())
    if kind == "period":
        return pa.array(draw(st.lists(st.one_of(st.sampled_from(["2025-01", "2025-02", "12.9999", "март 2025"]),
                                                st.text(NASTY, max_size=10), st.none()),
                                      min_size=n, max_size=n)), pa.string())
    if kind == "float":
        return pa.array(draw(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.none()),
                                      min_size=n, max_size=n)), pa.float64())
    if kind == "int":
        return pa.array(draw(st.lists(st.one_of(st.integers(-2**63, 2**63 - 1), st.none()), min_size=n, max_size=n)),
                        pa.int64())
    if kind == "text":
        return pa.array(draw(st.lists(st.one_of(st.text(max_size=20), st.none()), min_size=n, max_size=n)), pa.string())
    if kind == "dict":
        return pa.array(draw(st.lists(st.text(NASTY, max_size=8), min_size=n, max_size=n)), pa.string()).dictionary_encode()
    if kind == "date":
        return pa.array(draw(st.lists(st.one_of(st.integers(-10**6, 10**6), st.none()), min_size=n, max_size=n)),
                        pa.int32()).cast(pa.date32())
    if kind == "timestamp_tz":
        return pa.array(draw(st.lists(st.integers(-10**12, 10**12), min_size=n, max_size=n)),
                        pa.int64()).cast(pa.timestamp("ms", tz="Europe/Moscow"))
    if kind == "list":
        return pa.array([[1.0]] * n)
    if kind == "struct":
        return pa.array([{"a": "x"}] * n)
    if kind == "binary":
        return pa.array([b"\x00\xff"] * n, pa.binary())
    if kind == "null":
        return pa.nulls(n)
    if kind == "bool":
        return pa.array([True] * n)
    if kind == "decimal":
        return pa.array([None] * n, pa.decimal128(38, 10))
    raise AssertionError(kind)


KINDS = ["inn", "period", "float", "int", "text", "dict", "date", "timestamp_tz", "list", "struct", "binary", "null",
         "bool", "decimal"]
NAMES = ["inn", "period", "shipped_rub", "export_rub", "ИНН", "Период", "note", "x"]


@st.composite
def parquet_tables(draw):
    n = draw(st.integers(0, 6))
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=5, unique=True))
    return pa.table({name: _values(draw, draw(st.sampled_from(KINDS)), n) for name in names})


@FUZZ
@given(parquet_tables(), st.lists(st.tuples(st.integers(0, 10**6), st.binary(min_size=1, max_size=4)), max_size=3))
def test_random_parquet_never_breaks_loading_and_accounts_for_every_row(table, flips):
    buf = io.BytesIO()
    pq.write_table(table, buf)
    data = bytearray(buf.getvalue())
    for pos, chunk in flips:
        at = 4 + pos % max(len(data) - 8, 1)
        data[at:at + len(chunk)] = chunk
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        register(folder, POOL)
        put(folder, "shipments/a.parquet", bytes(data))
        res = _bounded_load(folder)
    (status,) = res.files.loc[res.files["file"] == "shipments/a.parquet", "status"]
    if status == "loaded" and not flips:
        kinds = res.problems.loc[res.problems["file"] == "shipments/a.parquet", "kind"]
        accounted = len(res.tables["shipments"]) + int(kinds.isin(["refused_row", "superseded"]).sum())
        assert accounted == table.num_rows, res.problems.to_dict("records")


# --- Saved cluster definitions ---------------------------------------------------------------------------

def _json_values():
    leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(NASTY, max_size=20))
    return st.recursive(leaves, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                       st.dictionaries(st.text(max_size=10), kids, max_size=4)),
                        max_leaves=20)


@FUZZ
@given(st.one_of(_json_values().map(lambda v: json.dumps(v).encode()),
                 st.dictionaries(st.sampled_from(["name", "codes", "lq_threshold", "min_enterprises", "anchors",
                                                  "years_back", "basis"]), _json_values()).map(
                     lambda v: json.dumps(v).encode()),
                 st.binary(max_size=200),
                 st.integers(1, 200_000).map(lambda depth: b"[" * depth + b"]" * depth),
                 st.integers(1, 200_000).map(lambda depth: b'{"a":' * depth + b"1" + b"}" * depth)))
def test_any_saved_cluster_file_is_read_or_reported(data):
    from kuban.data import cluster_definitions
    with tempfile.TemporaryDirectory() as tmp:
        folder = cluster_definitions.folder(tmp)
        folder.mkdir(parents=True)
        (folder / "hostile.json").write_bytes(data)
        (folder / "good.json").write_text(json.dumps({"name": "Хороший", "codes": ["28"]}), encoding="utf-8")
        definitions, errors = cluster_definitions.saved(tmp)
    assert "good" in definitions            # a definition is named after its file
    assert len(definitions) + len(errors) == 2
    for error in errors:
        assert isinstance(error, str) and error

