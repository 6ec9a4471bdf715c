"""Two dashboard processes behind nginx (python -m kuban serve --workers 2, kuban/tools/workers.py), in Chromium:
a manager signs in, filters, downloads and uploads a file through the proxy; a second manager, whose browser
the proxy sends to the other process, signs in there and sees the uploaded figures (that process picked up the
data version the first one built). Every audit-log line the two processes wrote is whole.

Figures from the fixture (tests/conftest.py, tests/browser/test_upload.py): Кореновский район's shipments in 2025
are A 280 + D 20 = 300 M; the krai's November 2025 is 650 M, 665 M after the correction file.
"""
from __future__ import annotations

import json
import shutil
import time

import pytest
from playwright.sync_api import expect

from kuban import texts as T
from kuban.access import users
from tests.data.test_uploads import CORRECTION

from . import conftest as cf
from .conftest import FIXTURE, expect_metric, wait_for_app
from .test_access import download, excel_buttons, signed_in, submit_form
from .test_upload import CSV_NAME, NOV_AFTER, accept, choose, upload

NB = "\u00a0"
PASSWORD = "workers-password-1"
ACCESS = '[users."admin"]\nrole = "admin"\n\n[users."editor2"]\nrole = "admin"\n'


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    """`python -m kuban serve --workers 2` on a copy of the fixture with two administrators; no single sign-on."""
    root = tmp_path_factory.mktemp("workers")
    data_dir = root / "data"
    shutil.copytree(FIXTURE, data_dir)
    for login in ("admin", "editor2"):
        users.add(data_dir, login, PASSWORD)
    (data_dir / "access" / "access.toml").write_text(ACCESS, encoding="utf-8")
    secrets = root / "secrets.toml"
    secrets.write_text("# no [auth]: no single sign-on\n", encoding="utf-8")
    env = {"STREAMLIT_SECRETS_FILES": str(secrets), "KUBAN_PROXY_NAME_WORKER": "1", "KUBAN_RUN_DIR": str(root / "run")}
    with cf.run_server(data_dir, env=env, args=("--workers", "2")) as srv:
        yield srv


def new_page(browser):
    context = browser.new_context(locale="ru-RU", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(cf.ACTION_TIMEOUT_MS)
    return context, page


def worker_of(page, url: str) -> str:
    response = page.goto(url)
    wait_for_app(page)
    return response.headers.get("x-kuban-worker", "")


def test_sign_in_filter_download_upload_through_the_proxy_on_two_workers(browser, proxy):
    a_context, a = new_page(browser)
    worker_of(a, proxy.url + "/")                        # the first response gives the browser its cookie
    first = worker_of(a, proxy.url + "/")
    assert first.startswith("127.0.0.1:"), first
    # from then on the same browser stays on its worker (the cookie kuban_worker)
    again = [worker_of(a, proxy.url + "/") for _ in range(3)]
    assert again == [first] * 3, (first, again)
    submit_form(a, "admin", PASSWORD, wait=False)
    signed_in(a, "admin")

    cf.choose_municipality(a, "Кореновский район")
    expect_metric(a, T.KPI_SHIPPED, f"300,0{NB}млн{NB}₽")
    name, text = download(a, excel_buttons(a).last)       # «Отгрузка по МО» as shown: Кореновский район only
    assert name.endswith(".csv") and "Кореновский район" in text and "Краснодар" not in text

    cf.go_to(a, T.PAGE_DATA)                              # (a reload would be a new session: sign in again)
    expect(a.get_by_role("heading", name=T.UPLOAD_HEADER, exact=True)).to_be_visible()
    upload(a, CSV_NAME, CORRECTION, "text/csv")           # the upload reaches the worker holding the session
    expect_metric(a, T.UPLOAD_ROWS, "2")
    accept(a, proxy, CSV_NAME)

    # A second manager: a new browser until the proxy sends it to the other worker
    for _ in range(30):
        b_context, b = new_page(browser)
        worker_of(b, proxy.url + "/")
        if worker_of(b, proxy.url + "/") != first:
            break
        b_context.close()
    else:
        pytest.fail("the proxy sent 30 new browsers to the same worker")
    submit_form(b, "editor2", PASSWORD, wait=False)
    signed_in(b, "editor2")
    # the version the first worker built, opened by the second: «Отгрузка» for November 2025 alone
    cf.go_to(b, T.PAGE_SHIPMENTS)
    choose(b, T.FILTER_FROM, "ноябрь 2025")
    choose(b, T.FILTER_TO, "ноябрь 2025")
    deadline = time.monotonic() + 90
    while cf.metric_value(b, T.KPI_SHIPPED).inner_text().strip() != NOV_AFTER and time.monotonic() < deadline:
        b.wait_for_timeout(1000)
        choose(b, T.FILTER_TO, "декабрь 2025")            # a rerun, then November again
        choose(b, T.FILTER_TO, "ноябрь 2025")
    expect_metric(b, T.KPI_SHIPPED, NOV_AFTER)

    lines = (proxy.data_dir / "access" / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines]          # every line whole
    actions = [(e["user"], e["action"]) for e in entries]
    assert ("admin", "signin") in actions and ("editor2", "signin") in actions
    assert ("admin", "download") in actions
    assert all(e["ip"] == "127.0.0.1" for e in entries if e["action"] == "signin")
    history = (proxy.data_dir / "_history" / "history.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(h)["action"] for h in history][-1:] == ["accepted"]
    a_context.close()
    b_context.close()
