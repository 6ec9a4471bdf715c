"""Who is using the dashboard: sign-in, sign-out, the idle time-out, and the user's access scope.

Two ways to sign in, chosen by configuration (both may be on):
- single sign-on: an OpenID Connect provider through Streamlit's st.login / st.user, configured by the
  `[auth]` section of .streamlit/secrets.toml (or the file given by `--secrets.files`);
- the local user list `<data folder>/access/users.json` (kuban/access/users.py), with the form below; failed
  attempts are slowed down (kuban/access/throttle.py) and logged.
With neither, the dashboard is open, but only on 127.0.0.1 (the server bound to it, the browser on it):
anywhere else it shows no data. What a signed-in user sees is decided by the access file
(kuban/access/policy.py) on every run, so a change to it applies at the user's next click.
"""
from __future__ import annotations

import ipaddress
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import streamlit as st

from kuban import paths
from kuban import texts as T
from kuban.access import audit, policy, users
from kuban.access.scope import LOCAL, OIDC, Scope, everything
from kuban.access.throttle import Throttle
from kuban.app import fmt

IDLE_MINUTES_DEFAULT = 30
FAILED_PAUSE_S = 1.0                  # every failed password costs the guesser this much more
_LOGIN, _SEEN, _NOTICE, _LEAVING = "_auth_login", "_auth_seen", "_auth_notice", "_auth_leaving"
_OIDC_LOGGED = "_auth_oidc_logged"


def idle_seconds() -> float:
    """KUBAN_IDLE_MINUTES (default 30; 0 = never): a session left alone this long is signed out."""
    try:
        minutes = float(os.environ.get("KUBAN_IDLE_MINUTES", IDLE_MINUTES_DEFAULT))
    except ValueError:
        minutes = IDLE_MINUTES_DEFAULT
    return max(0.0, minutes) * 60


@st.cache_resource(show_spinner=False)
def _throttle() -> Throttle:
    return Throttle()


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:   # noqa: BLE001 - no secrets file at all, or one Streamlit cannot parse
        return False


def local_configured(data_dir: Path) -> bool:
    return users.configured(data_dir)


def _loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def behind_proxy() -> bool:
    """This process is a worker of `python -m kuban serve --workers` (kuban/tools/workers.py), behind its nginx."""
    return os.environ.get("KUBAN_BEHIND_PROXY") == "1"


def client_ip() -> str | None:
    try:
        ip = st.context.ip_address
    except Exception:   # noqa: BLE001
        return None
    if ip is not None and not isinstance(ip, str):
        return None                                  # AppTest has no client (a stand-in object)
    if behind_proxy() and (ip is None or _loopback(ip)):   # Streamlit gives None for a connection from 127.0.0.1
        # the connection is the proxy's: the browser's address is what nginx put in X-Real-IP (nginx sets it
        # itself; a worker listens on 127.0.0.1 only, so nobody else reaches it)
        try:
            real = (st.context.headers.get("X-Real-IP") or "").strip()
            ipaddress.ip_address(real.strip("[]"))
            return real
        except Exception:   # noqa: BLE001 - no header, or not an address: the proxy's own
            return ip
    return ip


def open_allowed() -> bool:
    """Without sign-in: only when the server listens on 127.0.0.1 alone and the browser is on this machine.
    Behind the proxy of `serve --workers`, "the server" is the proxy: its address decides."""
    listens = os.environ.get("KUBAN_PUBLIC_ADDRESS") if behind_proxy() else None
    if not _loopback(listens or st.get_option("server.address")):
        return False
    ip = client_ip()
    return ip is None or _loopback(ip)


def _record(data_dir: Path, user: str, action: str, **kw) -> None:
    audit.record(data_dir, user, action, ip=client_ip(), **kw)


def _policy(data_dir: Path, municipalities) -> policy.Policy:
    return policy.load(data_dir, municipalities)


def _identity_oidc() -> tuple[list[str], list[str]]:
    user = st.user
    ids = [user.get("email"), user.get("preferred_username"), user.get("sub")]
    groups = user.get("groups") or []
    if isinstance(groups, str):
        groups = [groups]
    return [str(i) for i in ids if i], [str(g) for g in groups if g]


def signed_in_name() -> str | None:
    """The login or e-mail of the signed-in user (None: nobody, or the open local mode)."""
    if st.session_state.get(_LOGIN):
        return st.session_state[_LOGIN]
    if oidc_configured() and _oidc_signed_in():
        ids, _ = _identity_oidc()
        return ids[0] if ids else ""
    return None


def sign_out(data_dir: Path, reason: str = "signout") -> None:
    name = signed_in_name()
    if name is not None:
        _record(data_dir, name, reason)
    st.session_state.pop(_LOGIN, None)
    st.session_state.pop(_SEEN, None)
    st.session_state.pop(_OIDC_LOGGED, None)
    if oidc_configured() and _oidc_signed_in():
        st.logout()


def _idle_check(data_dir: Path) -> None:
    limit = idle_seconds()
    now = time.monotonic()
    seen = st.session_state.get(_SEEN)
    if limit and seen is not None and now - seen > limit and signed_in_name() is not None:
        st.session_state[_NOTICE] = T.SIGNIN_IDLE.format(minutes=fmt.number(limit / 60))
        sign_out(data_dir, "idle_timeout")
    st.session_state[_SEEN] = now


def scope(data_dir: Path, municipalities) -> Scope | None:
    """The scope of this session's user, or None (then the caller shows `gate()` and stops).

    `municipalities`: the data's municipality list (to read names in the access file)."""
    has_oidc, has_local = oidc_configured(), local_configured(data_dir)
    if not has_oidc and not has_local:
        return everything(source="open") if open_allowed() else None
    if st.session_state.pop(_LEAVING, False) and has_oidc and _oidc_signed_in():
        st.logout()                     # clears the provider's cookie and reruns
    _idle_check(data_dir)
    if st.session_state.get(_LOGIN):
        return _policy(data_dir, municipalities).decide([st.session_state[_LOGIN]], source=LOCAL)
    if has_oidc and _oidc_signed_in():
        ids, groups = _identity_oidc()
        # Once per browser session (a new tab or a reload with the provider's cookie is a new session).
        if ids and st.session_state.get(_OIDC_LOGGED) != ids[0]:
            _record(data_dir, ids[0], "signin", detail="oidc")
            st.session_state[_OIDC_LOGGED] = ids[0]
        return _policy(data_dir, municipalities).decide(ids, groups, source=OIDC)
    return None


def _oidc_signed_in() -> bool:
    try:
        return bool(st.user.is_logged_in)
    except Exception:   # noqa: BLE001 - Streamlit without its auth support, or no user context
        return False


def _try_password(data_dir: Path, login: str, password: str) -> None:
    login = " ".join(str(login).split())[:100]
    # Per login only: behind a reverse proxy or an office's NAT every browser has one address, and a guesser
    # must not be able to lock everybody out. The address is recorded in the audit log.
    keys = (f"login:{login.lower()}",)
    throttle = _throttle()
    wait = throttle.wait(*keys)
    if wait > 0:
        _record(data_dir, login, "signin_throttled")
        st.error(T.SIGNIN_THROTTLED.format(seconds=fmt.number(max(1, round(wait)))), icon=":material/timer:")
        return
    try:
        found = users.verify(data_dir, login, password)
    except users.UsersError as e:
        st.error(fmt.md(str(e)), icon=":material/error:")
        return
    if found is None:
        throttle.failed(*keys)
        _record(data_dir, login, "signin_failed")
        time.sleep(FAILED_PAUSE_S)
        st.error(T.SIGNIN_WRONG, icon=":material/error:")
        return
    throttle.succeeded(*keys)
    st.session_state[_LOGIN] = found
    st.session_state[_SEEN] = time.monotonic()
    _record(data_dir, found, "signin", detail="local")
    st.rerun()


def gate(data_dir: Path, hide_pages: Callable[[], object]) -> NoReturn:
    """What a session without access sees: the sign-in (form and/or single sign-on), or why there is none.

    `hide_pages` (st.navigation with the page list hidden) runs after the form is drawn and before the run
    stops: without it the browser would keep the page list of a session that has just signed out.
    """
    def stop() -> NoReturn:
        hide_pages()
        st.stop()

    st.title(T.APP_TITLE)
    has_oidc, has_local = oidc_configured(), local_configured(data_dir)
    if not has_oidc and not has_local:
        st.error(T.SIGNIN_OPEN_REFUSED, icon=":material/lock:")
        stop()
    name = signed_in_name()
    if name is not None:        # signed in, but the access file gives nothing
        st.warning(fmt.md_format(T.SIGNIN_NO_ACCESS, user=name), icon=":material/block:")
        if st.session_state.get("_auth_denied_logged") != name:
            _record(data_dir, name, "access_denied")
            st.session_state["_auth_denied_logged"] = name
        st.button(T.SIGNOUT, key="signout-denied", on_click=_sign_out_clicked, args=(data_dir,))
        stop()
    st.subheader(T.SIGNIN_TITLE)
    if (notice := st.session_state.pop(_NOTICE, None)):
        st.info(notice, icon=":material/schedule:")
    if has_oidc:
        if st.button(T.SIGNIN_SSO, type="primary", key="signin-sso"):
            st.login()
    if has_local:
        with st.form("signin", enter_to_submit=True, clear_on_submit=True):
            login = st.text_input(T.SIGNIN_LOGIN, key="signin-login", max_chars=100, autocomplete="username")
            password = st.text_input(T.SIGNIN_PASSWORD, type="password", key="signin-password", max_chars=300,
                                     autocomplete="current-password")
            submitted = st.form_submit_button(T.SIGNIN_BUTTON, type="primary" if not has_oidc else "secondary")
        if submitted:
            _try_password(data_dir, login, password)
    stop()


def sidebar(data_dir: Path, s: Scope) -> None:
    """Who is signed in and the sign-out button, at the bottom of the sidebar."""
    with st.sidebar:
        st.divider()
        if s.source == "open":
            st.caption(T.SIGNIN_OPEN_SIDEBAR)
            return
        st.caption(fmt.md_format(T.SIGNIN_AS, user=s.user, role=T.ROLE_LABELS[s.role]))
        st.button(T.SIGNOUT, key="signout", icon=":material/logout:", on_click=_sign_out_clicked, args=(data_dir,))


def _sign_out_clicked(data_dir: Path) -> None:
    """Before the next run: forget the local sign-in (single sign-on is left by `scope()`, as st.logout
    cannot run in a callback)."""
    name = signed_in_name()
    if name is not None:
        _record(data_dir, name, "signout")
    st.session_state.pop(_LOGIN, None)
    st.session_state.pop(_SEEN, None)
    st.session_state.pop(_OIDC_LOGGED, None)
    st.session_state[_LEAVING] = True


def record(data_dir: Path, s: Scope | None, action: str, **kw) -> None:
    """An audit entry for this session's user."""
    _record(data_dir, s.user if s else "", action, **kw)
