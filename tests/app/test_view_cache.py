"""The view cache (kuban/model/memo.py) never hands a restricted user a figure, table or «Справка» made for a wider
scope: the caches are filled by a krai administrator first (every page, the whole krai and the restricted
user's own municipality chosen in the sidebar), then the restricted user's pages must be exactly what the same
user gets in a process whose caches are empty."""
from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest

from kuban.access import users
from kuban.app import brief, brief_html
from kuban.model import memo, queries
from tests.app.apptest import app, no_errors
from tests.app.test_signin import PASSWORD, fresh_throttle, submit  # noqa: F401 - an autouse fixture
from tests.conftest import SMALL

PAGES = ("overview", "shipments", "production", "loans", "subsidies", "cluster", "enterprise", "municipality")
# the card and the passport open one object: Кореновский район's A and Кореновский район itself
OBJECTS = {"enterprise": {"inn": "2310000011"}, "municipality": {"oktmo": "03621000"}}
ACCESS = """
[users.boss]
role = "admin"

[users.ivanova]
role = "municipal"
municipalities = ["Кореновский район"]

[users.petrov]
role = "krai"
detail = "aggregates"
"""


@pytest.fixture
def folder(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    for login in ("boss", "ivanova", "petrov"):
        users.add(data, login, PASSWORD)
    (data / "access" / "access.toml").write_text(ACCESS, encoding="utf-8")
    return data


def empty_caches() -> None:
    queries.CACHE.clear()
    memo.CACHE.clear()


def shown(at) -> dict:
    """Everything a page run sent that comes from data: figures (as Streamlit's JSON), tables, metrics, text, and
    the «Справка» it would build (HTML, with the time it was made left out)."""
    b = at.session_state[brief.KEY] if brief.KEY in at.session_state else None
    return {
        "figures": [json.loads(c.proto.spec) for c in at.get("plotly_chart")],
        "frames": [df.value.to_csv() for df in at.dataframe],
        "tables": [t.value.to_csv() for t in at.table],
        "metrics": [(m.label, m.value, m.proto.body) for m in at.metric],
        "text": [e.value for e in (*at.markdown, *at.caption, *at.info, *at.warning)],
        "brief": brief_html.to_html(replace(b, made="")) if b is not None else None,
    }


def visit(at, query: dict | None = None) -> dict:
    out = {}
    for page in PAGES:
        at.switch_page(f"pages/{page}.py")
        for key, value in ((query or {}) | OBJECTS.get(page, {})).items():
            at.query_params[key] = value
        at.run()
        no_errors(at)
        out[page] = shown(at)
    return out


def signed_in(monkeypatch, folder, login: str):
    at = submit(app(monkeypatch, folder).run(), login)
    no_errors(at)
    return at


def fill_as_krai(monkeypatch, folder) -> dict:
    """The administrator opens every page for the whole krai and with Кореновский район chosen."""
    krai = visit(signed_in(monkeypatch, folder, "boss"))
    at = signed_in(monkeypatch, folder, "boss")
    at.multiselect(key="mo").set_value(["Кореновский район"])
    visit(at)
    return krai


@pytest.mark.parametrize("login", ["ivanova", "petrov"])
def test_a_restricted_user_gets_only_views_of_their_own_scope_after_a_krai_user_filled_the_caches(
        monkeypatch, folder, login):
    empty_caches()
    alone = visit(signed_in(monkeypatch, folder, login))     # what the user sees with nothing cached

    empty_caches()
    krai = fill_as_krai(monkeypatch, folder)
    assert len(memo.CACHE) > 20                          # the krai's figures and tables are cached
    hits = memo.CACHE.hits
    after = visit(signed_in(monkeypatch, folder, login))

    for page in PAGES:
        assert after[page] == alone[page], page
    assert memo.CACHE.hits > hits                         # the user's own views were reused on their second visit
    # the scopes really differ: the restricted user's overview is not the krai's
    assert after["overview"]["metrics"] != krai["overview"]["metrics"]
    assert after["overview"]["figures"] != krai["overview"]["figures"]


def test_a_second_visit_reuses_the_views_and_shows_the_same(monkeypatch, folder):
    empty_caches()
    first = visit(signed_in(monkeypatch, folder, "ivanova"))
    misses, hits = memo.CACHE.misses, memo.CACHE.hits
    second = visit(signed_in(monkeypatch, folder, "ivanova"))
    assert second == first
    assert memo.CACHE.misses == misses                    # nothing computed again
    assert memo.CACHE.hits > hits


def test_figures_in_the_brief_are_the_figures_drawn(monkeypatch, folder):
    empty_caches()
    at = signed_in(monkeypatch, folder, "ivanova")
    at.switch_page("pages/shipments.py").run()
    b = at.session_state[brief.KEY]
    drawn = [json.loads(c.proto.spec)["layout"].get("title", {}).get("text") for c in at.get("plotly_chart")]
    recorded = [f.fig.layout.title.text for f in b.figures]
    assert recorded == drawn and len(drawn) >= 4
