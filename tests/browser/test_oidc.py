"""Single sign-on (OpenID Connect through Streamlit's st.login / st.user / st.logout) on the dashboard, in Chromium,
against a local oidc-provider-mock (tests/browser/oidc.py): nothing in the browser leaves 127.0.0.1.

The dashboard runs on a copy of tests/fixtures/small with only single sign-on (no local user list); its secrets
([auth], redirect_uri on the server's own port) come from STREAMLIT_SECRETS_FILES. The access file names:
  ivanova@example.org       municipal, Кореновский район (by e-mail)
  [groups."minprom"]        krai; matched by the provider's `groups` claim (petrov is in no [users] entry)
Figures as in test_access.py: Кореновский «300,0 млн ₽», the whole krai «1,3 млрд ₽».
"""
from __future__ import annotations

import json
import shutil
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from kuban import texts as T
from kuban.access import audit

from . import conftest as cf
from .conftest import FIXTURE, expect_metric, go_to, run_server, wait_for_app
from .oidc import IGNORE_AUTHLIB_WARNINGS, LOCAL_HOSTS, free_port, keep_local, oidc_provider, sign_in, \
    sign_out_at_provider, write_secrets
# This module's pages come from the same per-module browser contexts as test_access.py's (its fixtures
# `browsers`, `_timeouts` and `_no_browser_errors` apply here too, on this module's `server`).
from .test_access import (  # noqa: F401 - fixtures
    B_SHIPPED, ENTERPRISES, KOREN, KOREN_SHIPPED, KRAI_SHIPPED, Browsers, _no_browser_errors, _timeouts, alert,
    assert_no_other_municipality, assert_none_of, browsers, enterprise_marks, shown, signed_in_as,
)

pytestmark = IGNORE_AUTHLIB_WARNINGS

EMAIL = "ivanova@example.org"
GROUP_EMAIL = "petrov@example.org"
ACCESS_TOML = f'''
[users."{EMAIL}"]
role = "municipal"
municipalities = ["{KOREN}"]

[groups."minprom"]
role = "krai"
'''
NO_PROXY = {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}   # Authlib's calls to the provider


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The provider, then the dashboard on the port its secrets' redirect_uri names."""
    root = tmp_path_factory.mktemp("oidc")
    data_dir = root / "data"
    shutil.copytree(FIXTURE, data_dir)
    (data_dir / "access").mkdir()
    (data_dir / "access" / "access.toml").write_text(ACCESS_TOML, encoding="utf-8")
    with oidc_provider() as provider:
        port = free_port()
        secrets = write_secrets(root, provider_url=provider.url, app_port=port)
        previous = cf._server
        with run_server(data_dir, env={"STREAMLIT_SECRETS_FILES": str(secrets), **NO_PROXY}, port=port) as srv:
            cf._server = srv      # a failing test's report shows this server's log (conftest's hook)
            try:
                yield srv
            finally:
                cf._server = previous


class Tab:
    """One browser context kept local (keep_local), and the hosts its requests went to."""

    def __init__(self, browsers: Browsers):
        self.page = browsers.new_page()
        self.outside = keep_local(self.page.context)
        self.hosts: set[str] = set()
        self.page.on("request", lambda r: self.hosts.add(urlsplit(r.url).hostname or r.url))

    def assert_local(self) -> None:
        assert self.outside.unexpected() == [], self.outside.urls
        assert self.hosts <= set(LOCAL_HOSTS) | {urlsplit(u).hostname for u in self.outside.urls}, self.hosts


def sso_button(page: Page):
    return page.get_by_role("button", name=T.SIGNIN_SSO, exact=True)


def sign_in_sso(page: Page, *, sub: str, email: str, groups=None) -> None:
    """From the sign-in page: «Войти через единый вход организации» -> the provider's form -> back, signed in."""
    sso_button(page).click()                                   # st.login() -> /auth/login -> the provider
    sign_in(page, sub=sub, email=email, groups=groups)
    wait_for_app(page)


@pytest.fixture(scope="module")
def tabs(browsers) -> dict[str, Tab]:
    """The e-mail user's and the group user's tabs, both at the sign-in page."""
    out = {"email": Tab(browsers), "group": Tab(browsers)}
    for tab in out.values():
        tab.page.goto("/", wait_until="commit")
    for tab in out.values():
        wait_for_app(tab.page)
    return out


def test_sign_in_page_offers_single_sign_on_only(tabs):
    page = tabs["email"].page
    expect(page.get_by_role("heading", name=T.SIGNIN_TITLE, exact=True)).to_be_visible()
    expect(sso_button(page)).to_be_visible()
    expect(page.get_by_test_id("stForm")).to_have_count(0)          # no local user list: no password form
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    assert_none_of(shown(page).everything(), enterprise_marks("A", "B", "C", "D", "U"), "the sign-in page")


def test_email_user_sees_only_korenovsky(tabs):
    tab = tabs["email"]
    page = tab.page
    sign_in_sso(page, sub="ivanova", email=EMAIL)
    expect(signed_in_as(page, EMAIL)).to_contain_text(T.ROLE_LABELS["municipal"])
    assert any(c["name"] == "_streamlit_user" for c in page.context.cookies())
    assert urlsplit(page.url).path == "/", page.url
    expect(alert(page, T.ACCESS_RESTRICTED_NOTICE.format(names=KOREN).split(" Все")[0])).to_have_count(1)
    expect_metric(page, T.KPI_SHIPPED, KOREN_SHIPPED)
    s = shown(page)
    assert_none_of(s.everything(), enterprise_marks("B", "C", "U"), "the overview for the e-mail user")
    assert_none_of(s.visible, [KRAI_SHIPPED, B_SHIPPED], "the overview for the e-mail user")
    assert_no_other_municipality(s, "the overview for the e-mail user")
    tab.assert_local()


def test_group_user_sees_the_whole_krai(tabs):
    tab = tabs["group"]
    page = tab.page
    sign_in_sso(page, sub="petrov", email=GROUP_EMAIL, groups=["minprom"])
    expect(signed_in_as(page, GROUP_EMAIL)).to_contain_text(T.ROLE_LABELS["krai"])
    expect_metric(page, T.KPI_SHIPPED, KRAI_SHIPPED)
    expect(page.get_by_test_id("stAlert").filter(has_text="Вам доступны")).to_have_count(0)     # no limit notice
    go_to(page, T.PAGE_SHIPMENTS)                  # the krai role with full detail: every enterprise in the table
    cells = {c for _, cs in shown(page).grids for c in cs}
    assert {n for _, n in ENTERPRISES.values()} <= cells, cells
    tab.assert_local()


def test_sign_out_then_a_user_the_access_file_does_not_name(tabs):
    tab = tabs["email"]
    page = tab.page
    page.get_by_test_id("stSidebar").get_by_role("button", name=T.SIGNOUT).click()    # st.logout() -> the provider
    sign_out_at_provider(page)
    wait_for_app(page)
    expect(sso_button(page)).to_be_visible()
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    assert not any(c["name"].startswith("_streamlit_user") for c in page.context.cookies())
    page.reload()                                   # still signed out: the cookie is gone, not just the session's user
    wait_for_app(page)
    expect(sso_button(page)).to_be_visible()
    expect(page.get_by_test_id("stMetric")).to_have_count(0)

    # Signed in at the provider, but neither the e-mail nor a group is in the access file: no data at all.
    sign_in_sso(page, sub="stranger", email="stranger@example.org", groups=["other"])
    expect(alert(page, T.SIGNIN_NO_ACCESS.split("(")[0].strip())).to_have_count(1)
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    assert_none_of(shown(page).everything(), enterprise_marks("A", "B", "C", "D", "U"), "a user with no access")
    tab.assert_local()


def test_audit_log_records_single_sign_on(server):
    """After the tests above: each single sign-on is one «signin» entry (detail «oidc») under the e-mail, the
    sign-out is recorded, and the stranger's visit is an «access_denied» entry."""
    entries = [json.loads(line) for line in audit.path(server.data_dir).read_text(encoding="utf-8").splitlines()]
    pairs = [(e["user"], e["action"], e.get("detail", "")) for e in entries]
    assert pairs.count((EMAIL, "signin", "oidc")) == 1, pairs
    assert pairs.count((GROUP_EMAIL, "signin", "oidc")) == 1, pairs
    actions = [(u, a) for u, a, _ in pairs]
    assert (EMAIL, "signout") in actions, pairs
    assert ("stranger@example.org", "access_denied") in actions, pairs
