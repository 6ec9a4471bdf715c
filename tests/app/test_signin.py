"""Sign-in and access through AppTest, on the small hand-worked fixture (tests/conftest.py):
the form, wrong passwords, what each role sees on the pages, the idle time-out, the open mode's limits."""
from __future__ import annotations

import json
import shutil
import time

import pytest
from streamlit import config

from kuban import texts as T
from kuban.access import users
from tests.app.apptest import NB, app, markdown, metrics, no_errors
from tests.conftest import SMALL

PASSWORD = "правильный-пароль-1"
ACCESS = """
[users.ivanova]
role = "municipal"
municipalities = ["Кореновский р-н"]

[users.petrov]
role = "krai"
detail = "aggregates"

[users.boss]
role = "admin"

[users.typo]
role = "municipal"
municipalities = ["Кореновскiй"]
"""
# Enterprise names of the fixture outside Кореновский район (B: Краснодар, C: Абинский район)
OTHERS = ("2310000029", "2310000036")


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Failed attempts are counted per server process (st.cache_resource): each test starts with none."""
    from kuban.app import signin
    signin._throttle.clear()
    yield


@pytest.fixture
def folder(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    for login in ("ivanova", "petrov", "boss", "typo", "nobody"):
        users.add(data, login, PASSWORD)
    (data / "access").mkdir(exist_ok=True)
    (data / "access" / "access.toml").write_text(ACCESS, encoding="utf-8")
    return data


def audit_actions(folder) -> list[tuple[str, str]]:
    lines = (folder / "access" / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    return [(e["user"], e["action"]) for e in map(json.loads, lines)]


def submit(at, login: str, password: str = PASSWORD):
    at.text_input(key="signin-login").input(login)
    at.text_input(key="signin-password").input(password)
    submit_button = [b for b in at.button if b.label == T.SIGNIN_BUTTON][0]
    submit_button.click()
    return at.run()


def test_without_sign_in_only_the_form_and_no_data(monkeypatch, folder):
    at = app(monkeypatch, folder).run()
    no_errors(at)
    assert [t.value for t in at.subheader] == [T.SIGNIN_TITLE]
    assert not at.metric and not at.get("plotly_chart") and not at.dataframe
    assert len(at.text_input) == 2


def test_wrong_password_is_refused_slowed_and_logged(monkeypatch, folder):
    at = app(monkeypatch, folder).run()
    started = time.monotonic()
    at = submit(at, "ivanova", "неправильный-пароль")
    assert time.monotonic() - started >= 1.0            # signin.FAILED_PAUSE_S
    assert [e.value for e in at.error] == [T.SIGNIN_WRONG]
    assert not at.metric
    assert ("ivanova", "signin_failed") in audit_actions(folder)


def test_repeated_failures_must_wait(monkeypatch, folder):
    monkeypatch.setattr("kuban.app.signin.FAILED_PAUSE_S", 0)
    at = app(monkeypatch, folder).run()
    for _ in range(3):
        at = submit(at, "boss", "неправильный-пароль")
    at = submit(at, "boss", PASSWORD)                    # right, but too soon after three failures
    assert any("Слишком много неудачных попыток" in e.value for e in at.error)
    assert not at.metric
    assert ("boss", "signin_throttled") in audit_actions(folder)


def test_municipal_user_sees_only_their_municipality(monkeypatch, folder):
    at = submit(app(monkeypatch, folder).run(), "ivanova")
    no_errors(at)
    # Shipments 2025 of Кореновский район: A 280 + D 20 = 300 mln (the krai's 1 290 mln is not shown)
    assert metrics(at)["Отгрузка"].startswith(f"300,0{NB}млн")
    text = " ".join([markdown(at), *(e.value for e in (*at.info, *at.caption, *at.warning))])
    assert "Кореновский район" in text and "Краснодар" not in text
    assert ("ivanova", "signin") in audit_actions(folder)
    at.switch_page("pages/shipments.py").run()
    no_errors(at)
    frames = " ".join(df.value.to_csv() for df in at.dataframe)
    assert not any(inn in frames for inn in OTHERS)
    at.switch_page("pages/data.py").run()
    no_errors(at)
    assert any(T.DATA_REPORT_EDITORS == i.value for i in at.info)
    assert not at.dataframe                              # no file list, no refused rows


def test_a_url_naming_another_municipality_shows_nothing_of_it(monkeypatch, folder):
    at = app(monkeypatch, folder, {"mo": ["Краснодар"]}).run()
    at = submit(at, "ivanova")
    no_errors(at)
    assert metrics(at)["Отгрузка"].startswith(f"300,0{NB}млн")
    assert any("Краснодар" in w.value for w in at.warning)       # the dropped value is named


def test_aggregates_only_user_sees_no_enterprise(monkeypatch, folder):
    at = submit(app(monkeypatch, folder).run(), "petrov")
    no_errors(at)
    for page in ("shipments", "production", "loans", "subsidies", "cluster"):
        at.switch_page(f"pages/{page}.py").run()
        no_errors(at)
        assert any(i.value == T.ACCESS_ENTERPRISES_HIDDEN for i in at.info), page
        shown = markdown(at) + " ".join(df.value.to_csv() for df in at.dataframe)
        assert not any(inn in shown for inn in (*OTHERS, "2310000011", "2310000043")), page


def test_admin_sees_the_krai_the_folder_and_the_audit_log(monkeypatch, folder):
    at = submit(app(monkeypatch, folder).run(), "boss")
    no_errors(at)
    assert metrics(at)["Отгрузка"].startswith(f"1,3{NB}млрд")     # 1 290 mln
    at.switch_page("pages/data.py").run()
    no_errors(at)
    assert any(str(folder) in c.value.replace("\\", "") for c in at.caption)     # Markdown escapes removed
    assert any(s.value == T.AUDIT_HEADER for s in at.subheader)
    # the access file's entry with a misspelt municipality gives nothing, and the admin is told why
    assert any("[users.typo]" in w.value.replace("\\", "") for w in at.warning)


def test_named_nowhere_or_misspelt_entry_gets_no_data(monkeypatch, folder):
    for login in ("nobody", "typo"):
        at = submit(app(monkeypatch, folder).run(), login)
        no_errors(at)
        assert not at.metric
        assert any(T.SIGNIN_NO_ACCESS.split("(")[0] in w.value for w in at.warning)
    assert ("nobody", "access_denied") in audit_actions(folder)


def test_idle_session_is_signed_out(monkeypatch, folder):
    monkeypatch.setenv("KUBAN_IDLE_MINUTES", "1")
    at = submit(app(monkeypatch, folder).run(), "ivanova")
    assert at.metric
    at.session_state["_auth_seen"] = time.monotonic() - 120
    at.run()
    assert not at.metric
    assert any("не было действий" in i.value for i in at.info)
    assert ("ivanova", "idle_timeout") in audit_actions(folder)


def test_sign_out(monkeypatch, folder):
    at = submit(app(monkeypatch, folder).run(), "ivanova")
    [b for b in at.sidebar.button if b.label == T.SIGNOUT][0].click()
    at.run()
    assert not at.metric and len(at.text_input) == 2
    assert ("ivanova", "signout") in audit_actions(folder)


def test_open_mode_shows_nothing_off_the_local_address(monkeypatch, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    at = app(monkeypatch, data)
    config.set_option("server.address", "0.0.0.0")
    try:
        at.run()
    finally:
        config.set_option("server.address", "127.0.0.1")
    assert [e.value for e in at.error] == [T.SIGNIN_OPEN_REFUSED]
    assert not at.metric


def test_open_mode_on_the_local_address_says_so(monkeypatch, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    at = app(monkeypatch, data).run()
    assert at.metric
    at.switch_page("pages/data.py").run()
    assert any(w.value == T.SIGNIN_OPEN_DATA for w in at.warning)
