"""`python -m kuban bench` on a small synthetic folder: the DuckDB pages and the plain pandas dashboard give the
same answers, and --json prints the promised keys (times are reported, never asserted: machines here are shared)."""
from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from kuban import texts as T
from kuban.paths import ROOT
from kuban.tools import bench

ROWS = 20_000


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    keep = tmp_path_factory.mktemp("bench")
    r = subprocess.run([sys.executable, "-m", "kuban", "bench", "--rows", str(ROWS), "--repeat", "1", "--json",
                        "--keep", str(keep)], cwd=ROOT, capture_output=True, text=True, timeout=600,
                       check=False)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return json.loads(r.stdout)          # stdout holds the JSON object only (progress goes to stderr)


def test_duckdb_and_pandas_give_the_same_answers(report):
    assert report["answers_agree"], report["differences"]
    assert report["numbers_compared"] > 5_000
    # the synthetic folder loads whole: every page has data to compare
    assert report["refused"] == 0
    assert report["tables"]["shipments"] == ROWS and report["tables"]["production"] == ROWS
    assert report["tables"]["loans"] > 100 and report["tables"]["subsidies"] > 100


def test_json_has_the_promised_keys(report):
    for key in ("rows", "first_load_s", "first_load_peak_rss_mb", "restart_s", "peak_rss_mb", "pages", "pandas",
                "speedup_vs_pandas", "scenarios"):
        assert key in report, key
    assert report["rows"] == ROWS
    assert set(report["pages"]) == {T.PAGE_OVERVIEW, T.PAGE_SHIPMENTS, T.PAGE_PRODUCTION, T.PAGE_LOANS,
                                    T.PAGE_SUBSIDIES, T.PAGE_CLUSTER, T.PAGE_ENTERPRISE, T.PAGE_MUNICIPALITY}
    assert set(report["page_runs"]) == set(report["pages"])     # the whole page run of every page, cards too
    for page in report["pages"].values():
        assert set(page) == {"p50_ms", "p95_ms"} and page["p95_ms"] >= page["p50_ms"] > 0
    assert {"load_s", "peak_rss_mb", "p50_ms"} <= set(report["pandas"])
    assert set(report["scenarios"]) == {"krai_12_months", "one_municipality", "five_municipalities_one_division",
                                        "year_three_years_back"}
    assert report["speedup_vs_pandas"] > 0
    assert report["peak_rss_mb"] > 0 and report["first_load_peak_rss_mb"] > 0


def test_a_kept_folder_is_reused_only_when_complete_and_of_that_size(tmp_path):
    keep, scratch = tmp_path / "keep", tmp_path / "scratch"
    folder, written, _ = bench.prepare_folder(1_000, keep, scratch, quiet=True)
    assert written and folder == (keep / "rows-1000").resolve()
    assert pq_rows(folder / bench.FILES["shipments"]) == 1_000 == pq_rows(folder / bench.FILES["production"])
    assert bench.prepare_folder(1_000, keep, scratch, quiet=True)[1] is False
    assert bench.prepare_folder(1_500, keep, scratch, quiet=True)[1] is True         # another size, another folder
    (folder / bench.MARKER).unlink()                                                   # as if writing was cut short
    assert bench.prepare_folder(1_000, keep, scratch, quiet=True)[1] is True


def pq_rows(path) -> int:
    import pyarrow.parquet as pq
    return pq.ParquetFile(path).metadata.num_rows


def test_compare_reports_every_kind_of_difference():
    duck = {"s": {"shipments_by_division": pd.DataFrame({
        "division": ["10", "28", "33"], "shipped_rub": [1e9, 2.5e8, float("nan")], "export_rub": [0.0, 1.0, 2.0],
        "enterprises": [3, 4, 5]})}}
    same = {"s": {"shipments_by_division": duck["s"]["shipments_by_division"].assign(
        shipped_rub=[1e9 * (1 + 1e-12), 2.5e8, float("nan")]).iloc[::-1]}}
    checked, diffs = bench.compare(duck, same)
    assert checked == 9 and diffs == []

    other = {"s": {"shipments_by_division": pd.DataFrame({
        "division": ["10", "28", "29"], "shipped_rub": [1e9 * (1 + 1e-8), 2.5e8, 1.0], "export_rub": [0.0, 1.0, 2.0],
        "enterprises": [3, 5, 5]})}}
    _, diffs = bench.compare(duck, other)
    text = "\n".join(diffs)
    assert "('33',) only in duckdb" in text and "('29',) only in pandas" in text
    assert "'10'} shipped_rub" in text and "'28'} enterprises" in text
    assert len(diffs) == 4
