"""Sign-in through OpenID Connect (Streamlit's st.login / st.user / st.logout) in Chromium, against a local
oidc-provider-mock: the mechanics the dashboard's sign-in builds on (helpers and findings: oidc.py).

A tiny app in a temporary folder (not the dashboard), its secrets given with --secrets.files: sign in as a subject
with an email, a name and a `groups` list, see st.user, sign out; nothing in the browser leaves 127.0.0.1.
"""
from __future__ import annotations

import json
import textwrap
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from .conftest import wait_for_app
from .oidc import (ID_TOKEN_CLAIMS, IGNORE_AUTHLIB_WARNINGS, LOCAL_HOSTS, USER_KEYS_STREAMLIT, free_port, keep_local,
                   oidc_provider, sign_in, sign_out_at_provider, streamlit_app, write_secrets)

pytestmark = IGNORE_AUTHLIB_WARNINGS
APP = textwrap.dedent('''
    import json
    from pathlib import Path

    import streamlit as st

    user = st.user.to_dict()
    Path(__file__).with_name("user.json").write_text(json.dumps(user, ensure_ascii=False, default=str))
    if st.user.is_logged_in:
        st.text(f"Вошёл: {st.user.email}")
        st.button("Выйти", on_click=st.logout)
    else:
        st.text("Вход не выполнен")
        st.button("Войти", on_click=st.login)
''')
SUB = "user-1"
EMAIL = "ivanova@example.org"
NAME = "Иванова Мария"
GROUPS = ["analysts", "krasnodar"]


@pytest.fixture(scope="module")
def oidc_app(tmp_path_factory):
    """The provider and the tiny app: yields (app URL, app folder)."""
    folder = tmp_path_factory.mktemp("oidc-app")
    (folder / "app.py").write_text(APP, encoding="utf-8")
    with oidc_provider() as provider:
        port = free_port()
        secrets = write_secrets(folder, provider_url=provider.url, app_port=port)
        with streamlit_app(folder / "app.py", secrets, port=port,
                           env={"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}) as url:
            yield url, folder


def test_sign_in_shows_the_email_and_sign_out_signs_out(page: Page, oidc_app):
    url, folder = oidc_app
    outside = keep_local(page.context)
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlsplit(r.url).hostname or r.url))

    page.goto(url)
    wait_for_app(page)
    expect(page.get_by_text("Вход не выполнен", exact=True)).to_be_visible()
    assert json.loads((folder / "user.json").read_text()) == {"is_logged_in": False}

    page.get_by_role("button", name="Войти", exact=True).click()          # st.login() -> /auth/login -> provider
    sign_in(page, sub=SUB, email=EMAIL, name=NAME, groups=GROUPS)
    wait_for_app(page)
    expect(page.get_by_text(f"Вошёл: {EMAIL}", exact=True)).to_be_visible()
    user = json.loads((folder / "user.json").read_text())
    assert user["is_logged_in"] is True
    assert (user["sub"], user["email"], user["name"], user["groups"]) == (SUB, EMAIL, NAME, GROUPS)
    assert user["provider"] == "default" and user["tokens"] == {}
    assert set(user) <= {"sub", "email", "name", "groups", *USER_KEYS_STREAMLIT, *ID_TOKEN_CLAIMS}, user
    assert any(c["name"] == "_streamlit_user" for c in page.context.cookies())

    page.get_by_role("button", name="Выйти", exact=True).click()           # st.logout() -> provider's end session
    sign_out_at_provider(page)
    wait_for_app(page)
    expect(page.get_by_text("Вход не выполнен", exact=True)).to_be_visible()
    assert json.loads((folder / "user.json").read_text()) == {"is_logged_in": False}
    assert not any(c["name"].startswith("_streamlit_user") for c in page.context.cookies())

    # A reload stays signed out (the cookie is gone, not just this session's st.user).
    page.reload()
    wait_for_app(page)
    expect(page.get_by_text("Вход не выполнен", exact=True)).to_be_visible()

    assert outside.unexpected() == [], outside.urls
    assert hosts <= set(LOCAL_HOSTS) | {urlsplit(u).hostname for u in outside.urls}, hosts
