"""Issue 7, URLs: any page path opens a page or says in Russian what happened, never Streamlit's English
«Page not found»; filter values in the URL that the data does not have are dropped with a Russian notice.

How a fresh page load reaches the server (Streamlit 1.67): the browser sends the URL path as `page_name`
with an empty page hash; st.navigation compares it exactly with each page's url_path (the default page's
counts as empty) and, without a match, sends `page_not_found`. AppTest always sends a hash, so the
fresh load is reproduced here by giving AppTest's RerunData a page name; `send_page_not_found` is
watched. The same in Chromium, with fresh browser contexts and a fresh server: tests/browser/test_urls.py.
"""
from __future__ import annotations

import pytest
from streamlit.runtime.scriptrunner import RerunData

from kuban import texts as T
from kuban.app import routes
from tests.app import apptest
from tests.conftest import SMALL
from tests.seen import seen_all

PAGES = [routes.Page("overview", "Обзор", default=True), routes.Page("shipments", "Отгрузка"),
         routes.Page("production", "Производство"), routes.Page("loans", "Займы ФРП"),
         routes.Page("subsidies", "Субсидии"), routes.Page("cluster", "Кластер"), routes.Page("data", "Данные")]


# --- kuban.app.routes.resolve -------------------------------------------------------------------------------

@pytest.mark.parametrize("path, url_path, how", [
    ("shipments", "shipments", routes.EXACT),            # Streamlit finds it itself
    ("overview", "overview", routes.SAME),               # the default page's own path: Streamlit does not
    ("Overview", "overview", routes.SAME),
    ("SHIPMENTS", "shipments", routes.SAME),
    ("pages/overview.py", "overview", routes.SAME),      # the file of the old layout
    ("pages/data.py", "data", routes.SAME),
    ("1_Loans", "loans", routes.SAME),                   # a legacy multipage name
    ("отгрузка", "shipments", routes.SAME),              # the Russian title
    ("%D0%B7%D0%B0%D0%B9%D0%BC%D1%8B%20%D1%84%D1%80%D0%BF", "loans", routes.SAME),   # «займы фрп», encoded
    ("Займы_ФРП", "loans", routes.SAME),
    ("shipment", "shipments", routes.GUESS),             # mistyped
    ("subsidy", "subsidies", routes.GUESS),
    ("clusters", "cluster", routes.GUESS),
    ("nonexistent", "overview", routes.UNKNOWN),
    ("x" * 5000, "overview", routes.UNKNOWN),
    ("/", "overview", routes.SAME),
])
def test_resolve(path, url_path, how):
    found = routes.resolve(path, PAGES)
    assert (found.page.url_path, found.how) == (url_path, how)


# --- The running app (AppTest as a fresh page load) -------------------------------------------------------------

def _later_session(monkeypatch):
    """Make AppTest's run like any session of a running server after its first one.

    AppTest starts every run as a fresh server would: Streamlit then sees pages/ and runs its legacy
    multipage mode until st.navigation is called (kuban.app.ui.ensure_frame). Every later session of a
    server has left that mode; this leaves it from the start.
    """
    from streamlit.runtime.pages_manager import PagesManager
    real_init = PagesManager.__init__

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False
    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def fresh_load(monkeypatch):
    """open(path) runs the app as a browser's fresh load of /path in a running server's session (not its
    first); returns (AppTest, page_not_found sent?)."""
    import streamlit.commands.navigation as navigation
    import streamlit.testing.v1.local_script_runner as runner
    _later_session(monkeypatch)
    sent = []
    real = navigation.send_page_not_found
    monkeypatch.setattr(navigation, "send_page_not_found", lambda ctx: (sent.append(True), real(ctx)))

    def open_(path: str, query: dict | None = None):
        monkeypatch.setattr(runner, "RerunData", lambda **kw: RerunData(**kw, page_name=path))
        at = apptest.app(monkeypatch, SMALL, query).run()
        assert not at.exception, [e.value for e in at.exception]
        return at, bool(sent)
    return open_


def test_streamlit_alone_says_page_not_found_for_the_default_pages_path(fresh_load, monkeypatch):
    # The behaviour kuban.app.ui.route() is there for; if Streamlit changes it, this test says so.
    from kuban.app import ui
    monkeypatch.setattr(ui, "route", lambda pages, signed_in=True: None)
    at, not_found = fresh_load("overview")
    assert not_found
    assert at.title[0].value == T.OVERVIEW_TITLE


def test_streamlit_still_runs_a_page_of_pages_alone_in_a_servers_first_session(monkeypatch):
    # The behaviour kuban.app.ui.ensure_frame() is there for: when this fails, Streamlit no longer treats
    # pages/ as a legacy multipage app, and the workaround can go.
    from kuban.app import ui
    monkeypatch.setattr(ui, "ensure_frame", lambda: None)
    at = apptest.app(monkeypatch, SMALL)
    at.switch_page("pages/shipments.py").run()
    assert at.title[0].value == T.SHIPMENTS_TITLE
    assert not at.sidebar.multiselect                 # run alone: dashboard.py's sidebar filters are missing


@pytest.mark.parametrize("path, title", [("overview", T.OVERVIEW_TITLE), ("shipments", T.SHIPMENTS_TITLE),
                                         ("data", T.DATA_TITLE)])
def test_a_servers_first_session_opens_exact_page_paths_in_the_frame(monkeypatch, path, title):
    import streamlit.testing.v1.local_script_runner as runner
    monkeypatch.setattr(runner, "RerunData", lambda **kw: RerunData(**kw, page_name=path))
    at = apptest.app(monkeypatch, SMALL).run()
    assert not at.exception
    assert at.title[0].value == title
    assert at.sidebar.multiselect(key="mo") is not None      # inside dashboard.py: the filters are there


@pytest.mark.parametrize("path, title", [
    ("overview", T.OVERVIEW_TITLE), ("Overview", T.OVERVIEW_TITLE), ("pages/overview.py", T.OVERVIEW_TITLE),
    ("SHIPMENTS", T.SHIPMENTS_TITLE), ("shipments", T.SHIPMENTS_TITLE), ("data", T.DATA_TITLE),
])
def test_page_paths_open_their_page_without_notice(fresh_load, path, title):
    at, not_found = fresh_load(path)
    assert not not_found
    assert at.title[0].value == title
    assert not any("в дашборде нет" in i for i in seen_all(at.info))


def test_mistyped_path_opens_the_closest_page_with_a_notice(fresh_load):
    at, not_found = fresh_load("shipment")
    assert not not_found
    assert at.title[0].value == T.SHIPMENTS_TITLE
    assert T.ROUTE_GUESS.format(path="shipment", page=T.PAGE_SHIPMENTS) in seen_all(at.info)


def test_unknown_path_opens_the_main_page_with_a_notice(fresh_load):
    at, not_found = fresh_load("nonexistent")
    assert not not_found
    assert at.title[0].value == T.OVERVIEW_TITLE
    assert T.ROUTE_UNKNOWN.format(path="nonexistent", page=T.PAGE_OVERVIEW) in seen_all(at.info)


def test_path_with_markdown_is_shown_as_text(fresh_load):
    at, not_found = fresh_load("![x](http:")
    assert not not_found
    notice = next(i.value for i in at.info if "в дашборде нет" in i.value)
    assert "![x](" not in notice and "\\!\\[x\\]\\(" in notice


def test_the_notice_is_gone_after_the_next_click(fresh_load):
    at, _ = fresh_load("nonexistent")
    at.sidebar.multiselect(key="mo").set_value(["Кореновский район"]).run()
    assert not any("в дашборде нет" in i for i in seen_all(at.info))
    assert at.title[0].value == T.OVERVIEW_TITLE


# --- Filters in the URL -------------------------------------------------------------------------------------

def test_unknown_filter_values_are_dropped_with_a_notice(fresh_load):
    at, _ = fresh_load("", {"mo": ["Несуществующий район", "Кореновский район"], "okved": "99",
                            "from": "1800-01", "to": "garbage"})
    notice = [w for w in seen_all(at.warning) if w.startswith("В ссылке есть значения фильтров")]
    assert notice == [T.URL_FILTERS_DROPPED.format(items="; ".join([
        f"{T.FILTER_MUNIS} — «Несуществующий район»", f"{T.FILTER_DIVISIONS} — «99»",
        f"{T.FILTER_FROM} — «1800-01»", f"{T.FILTER_TO} — «garbage»"]))]
    # what is known applies; the rest falls back to the defaults, and the URL keeps only what applies
    assert at.sidebar.multiselect(key="mo").value == ["Кореновский район"]
    assert at.sidebar.multiselect(key="okved").value == []
    assert (at.sidebar.selectbox(key="from").value, at.sidebar.selectbox(key="to").value) == ("2025-01", "2025-12")
    assert dict(at.query_params) == {"mo": "Кореновский район"}
    at.run()                                                   # the next run: nothing left to say
    assert not any(w.startswith("В ссылке есть") for w in seen_all(at.warning))


def test_filter_values_in_the_url_as_shown_apply_silently(fresh_load):
    at, _ = fresh_load("shipments", {"mo": "Кореновский район", "from": "декабрь 2025", "to": "декабрь 2025",
                                     "okved": "28 Производство машин и оборудования, не включенных в другие группировки"})
    assert not any(w.startswith("В ссылке есть") for w in seen_all(at.warning))
    assert at.sidebar.multiselect(key="okved").value == ["28"]
    assert at.sidebar.selectbox(key="from").value == "2025-12"
    assert url_values(at, "okved") == ["28"]           # a link made before keeps working, and becomes short


def url_values(at, key: str) -> list[str]:
    value = at.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


def test_the_url_holds_division_codes_not_titles(fresh_load):
    at, _ = fresh_load("shipments", {"okved": ["28", "10"]})
    assert not any(w.startswith("В ссылке есть") for w in seen_all(at.warning))
    assert at.sidebar.multiselect(key="okved").value == ["28", "10"]
    at.sidebar.multiselect(key="okved").set_value(["24"]).run()
    assert url_values(at, "okved") == ["24"]
    at.sidebar.multiselect(key="okved").set_value(["24", "28"]).run()
    assert url_values(at, "okved") == ["24", "28"]
    at.sidebar.multiselect(key="okved").set_value([]).run()
    assert "okved" not in at.query_params


def test_many_long_bad_values_make_a_short_notice(fresh_load):
    at, _ = fresh_load("", {"mo": [f"{i} " + "ж" * 500 for i in range(40)]})
    notice = next(w for w in seen_all(at.warning) if w.startswith("В ссылке есть"))
    assert len(notice) < 600 and notice.count("«") == 5 and "и ещё 35" in notice
