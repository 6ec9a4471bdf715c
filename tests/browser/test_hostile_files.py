"""Issue 7 in Chromium: a data folder holding every hostile file of tests/hostile.py beside good ones.

Every page renders (no exception, no browser error), «Данные» lists each bad file with its reason,
the overview counts the good rows, and nothing leaves the server.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kuban import texts as T
from tests import hostile

from .conftest import go_to, run_server, wait_for_app
from .test_text_is_text import PAGE_TITLES, off_server, watch_requests


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory):
    data = tmp_path_factory.mktemp("hostile_files") / "data"
    data.mkdir()
    hostile.build(data, big=False)
    with run_server(data) as server:
        yield server.url


def test_every_page_renders_beside_hostile_files_and_data_lists_them(page: Page, hostile_files):
    requests = watch_requests(page)
    page.goto(hostile_files + "/")
    wait_for_app(page)
    for nav, title in PAGE_TITLES:
        go_to(page, nav)
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
        expect(page.get_by_test_id("stException")).to_have_count(0)
    # «Данные»: the problems table names every bad file (the grid is a canvas: read the download instead)
    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").filter(has_text=T.DOWNLOAD_PLAIN).first.get_by_role("button").click()
    report = Path(info.value.path()).read_text(encoding="utf-8")
    for name in ("b_huge_cell.csv", "c_wide_header.csv", "f_nested.parquet", "g_pipe.csv", "h_zero.csv",
                 "i_passwd.csv", "j_far_future.csv", "k_inf.parquet", "l_absurd.csv", "m_headcount.csv",
                 "n_mixed.csv"):
        assert name in report, name
    assert "root:" not in report                          # nothing of /etc/passwd is ever shown
    assert off_server(requests, hostile_files) == []
