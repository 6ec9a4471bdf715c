"""Sign-in through OpenID Connect in browser tests: a local provider, the secrets Streamlit needs, the provider's form.

Streamlit's own `st.login()` / `st.user` / `st.logout()` read the `[auth]` section of the secrets. The tests use
`oidc-provider-mock` (requirements-dev.txt) as the provider, in this process on a free port of 127.0.0.1, so
nothing leaves the machine. How the pieces fit (tests/browser/test_oidc.py does this with the dashboard)::

    with oidc_provider() as provider:                          # http://127.0.0.1:PORT, any client_id/secret
        port = free_port()
        secrets = write_secrets(tmp_path, provider_url=provider.url, app_port=port)
        with streamlit_app(script, secrets, port=port) as url:  # `streamlit run SCRIPT --secrets.files SECRETS`
            page.goto(url); ...click the app's «Войти» (it calls st.login())...
            sign_in(page, sub="u1", email="u1@example.org", name="Иван", groups=["analysts"])
            # back on the app, signed in: st.user.email == "u1@example.org"

What the pieces are, as seen with Streamlit 1.67.0, Authlib 1.9.10 and oidc-provider-mock 0.3.4:

- Streamlit needs Authlib (>= 1.3.2) and httpx (`streamlit[auth]`); without Authlib st.login raises
  StreamlitMissingAuthlibError. Its server (Starlette) serves /auth/login, /oauth2callback and /auth/logout.
- The `[auth]` keys for one unnamed provider: SECRETS_KEYS. `redirect_uri` must be
  http://127.0.0.1:PORT/oauth2callback (the host the browser uses: the sign-in state lives in a cookie of that
  origin). Plain http works on 127.0.0.1 and localhost (Authlib allows loopback http; Streamlit's cookies
  are not `Secure`). The page must be opened on that same origin: opened as http://localhost:PORT with a
  redirect_uri on 127.0.0.1, the sign-in silently fails (the OAuth state cookie is on the other host; the
  server logs "Missing provider for OAuth callback"), and the user cookie is only honoured when its origin
  equals the WebSocket's Origin. The secrets file is given on the command line with `--secrets.files PATH`,
  or as the environment variable STREAMLIT_SECRETS_FILES=PATH (a Streamlit config option; it replaces the
  default list ~/.streamlit/secrets.toml, ./.streamlit/secrets.toml and the script folder's), so tests never
  write into the project's .streamlit/. Both reach `python -m kuban serve` too (it runs Streamlit's CLI):
  `conftest.run_server(data_dir, env={"STREAMLIT_SECRETS_FILES": str(path)})`.
- The mock accepts any client_id and client_secret and any redirect_uri (registration is off by default). Its
  sign-in form asks only for a subject (`sub`); a subject's other claims are set beforehand through its HTTP
  API, PUT /users/<sub> with a JSON object (sign_in does that). A subject with no claims set gets
  {"email": sub}. Streamlit asks for the scopes "openid email profile"; the mock drops standard claims of
  other scopes (address, phone_number) and always includes non-standard ones (e.g. `groups`, a JSON list).
  The mock's CLI does the same as a subprocess: `oidc-provider-mock --host 127.0.0.1 --port P
  --user-claims '{"sub": "u1", "email": "u1@example.org", "groups": ["a"]}'`; predefined subjects also get a
  button on the form (`button[name="sub"][value="u1"]`).
- st.user after sign-in holds the claims of the ID token (Authlib's parsed `userinfo`, not the userinfo
  endpoint) plus Streamlit's own keys: USER_KEYS_STREAMLIT. With this mock: sub, email, name, groups (a list,
  as given) and the ID-token bookkeeping claims ID_TOKEN_CLAIMS. Before sign-in (with an [auth] section)
  st.user is {"is_logged_in": False}.
- st.logout() clears st.user in the session, deletes the `_streamlit_user` cookies and sends the browser to
  the provider's end_session_endpoint; the mock shows an «End session» page (a button) that goes back to
  redirect_uri (/oauth2callback), which redirects to the app's "/", signed out. sign_out_at_provider does that.
- The mock's pages link a stylesheet on a CDN (PROVIDER_OUTSIDE_URLS); keep_local() answers it with an empty
  stylesheet in the browser and aborts any other request to a host other than 127.0.0.1/localhost.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets as _secrets
import subprocess
import sys
import threading
import time
import urllib.request
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page

from kuban.tools.bench.sessions import free_port, health

__all__ = [
    "CLIENT_ID", "CLIENT_SECRET", "SECRETS_KEYS", "USER_KEYS_STREAMLIT", "ID_TOKEN_CLAIMS", "LOCAL_HOSTS",
    "PROVIDER_OUTSIDE_URLS", "IGNORE_AUTHLIB_WARNINGS", "Provider", "oidc_provider", "put_claims", "write_secrets",
    "streamlit_app", "OutsideRequests", "keep_local", "sign_in", "sign_out_at_provider", "free_port",
]

CLIENT_ID = "kuban-dashboard"          # any value works with the mock
CLIENT_SECRET = "kuban-test-secret"    # any value works with the mock
# The keys of [auth] for one unnamed ("default") provider; `st.login()` without an argument uses it.
SECRETS_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
# Keys Streamlit adds to the ID token's claims in st.user (`tokens`: {} unless [auth] expose_tokens is set).
USER_KEYS_STREAMLIT = ("is_logged_in", "provider", "tokens")
# Claims every ID token of the mock carries besides the user's own ones (Authlib adds them).
ID_TOKEN_CLAIMS = ("iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash")
# Requests the mock's pages make to hosts other than this machine (its CSS framework).
PROVIDER_OUTSIDE_URLS = ("https://cdn.jsdelivr.net/npm/@picocss/pico@2/css/pico.min.css",)
LOCAL_HOSTS = ("127.0.0.1", "localhost")
# The provider answers requests in this process, where Authlib 1.9 warns about APIs the mock 0.3.4 uses:
# `pytestmark = IGNORE_AUTHLIB_WARNINGS` in a test module keeps them out of the report.
IGNORE_AUTHLIB_WARNINGS = pytest.mark.filterwarnings("ignore::DeprecationWarning:authlib")
START_TIMEOUT_S = 60
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))   # never through an HTTP proxy


# --- The provider ---------------------------------------------------------------------------

@dataclass
class Provider:
    """A running oidc-provider-mock: `url` is its issuer, http://127.0.0.1:PORT."""
    url: str

    @property
    def metadata_url(self) -> str:
        return self.url + "/.well-known/openid-configuration"

    def set_claims(self, sub: str, claims: dict) -> None:
        """The claims (other than `sub`) the provider puts into `sub`'s ID token from now on (PUT /users/<sub>)."""
        put_claims(self.url, sub, claims)


def put_claims(provider_url: str, sub: str, claims: dict) -> None:
    """PUT /users/<sub> on the mock: replaces the subject's claims (a JSON object; `sub` itself is not one)."""
    body = json.dumps({k: v for k, v in claims.items() if k != "sub"}).encode()
    req = urllib.request.Request(f"{provider_url}/users/{quote(sub, safe='')}", data=body, method="PUT",
                                 headers={"Content-Type": "application/json"})
    with _NO_PROXY.open(req, timeout=10) as resp:
        assert resp.status == 204, f"PUT /users/{sub}: HTTP {resp.status}"


@contextlib.contextmanager
def oidc_provider(*, users: Sequence[dict] = (), require_nonce: bool = False) -> Iterator[Provider]:
    """Run oidc-provider-mock in this process (a thread) on a free port of 127.0.0.1; stop it afterwards.

    `users`: predefined subjects, each a claims dict with "sub" (the form then also shows a button for each).
    Any client_id / client_secret / redirect_uri is accepted. Usable directly or inside a pytest fixture::

        @pytest.fixture(scope="module")
        def provider():
            with oidc_provider() as p:
                yield p
    """
    import authlib.deprecate   # noqa: F401 - it sets "always" for its warnings on import: import it first
    import werkzeug.serving
    with warnings.catch_warnings():    # Authlib 1.9 deprecates authlib.jose and its httpx module (the mock uses them)
        warnings.simplefilter("ignore")
        import oidc_provider_mock

    predefined = [oidc_provider_mock.User(sub=u["sub"], claims={k: v for k, v in u.items() if k != "sub"})
                  for u in users]
    app = oidc_provider_mock.app(require_nonce=require_nonce, user_claims=predefined)
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)    # no line per request in the test output
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name="oidc-provider-mock", daemon=True)
    thread.start()
    try:
        yield Provider(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


# --- Streamlit's side ------------------------------------------------------------------------

def write_secrets(folder: Path, *, provider_url: str, app_port: int, client_id: str = CLIENT_ID,
                  client_secret: str = CLIENT_SECRET, cookie_secret: str | None = None,
                  extra_auth: dict | None = None, name: str = "secrets.toml") -> Path:
    """Write a secrets TOML with the [auth] section for the provider at `provider_url` and the app on
    http://127.0.0.1:`app_port`; returns its path (give it to Streamlit as `--secrets.files PATH`).

    `extra_auth`: more [auth] keys (strings, numbers, booleans or lists of strings), e.g. {"expose_tokens": "id"}.
    """
    values = {
        "redirect_uri": f"http://127.0.0.1:{app_port}/oauth2callback",
        "cookie_secret": cookie_secret or _secrets.token_hex(32),
        "client_id": client_id,
        "client_secret": client_secret,
        "server_metadata_url": f"{provider_url.rstrip('/')}/.well-known/openid-configuration",
        **(extra_auth or {}),
    }
    lines = ["[auth]"] + [f"{k} = {_toml_value(v)}" for k, v in values.items()]
    path = Path(folder) / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)   # a JSON string is a valid TOML basic string


@contextlib.contextmanager
def streamlit_app(script: Path, secrets: Path, *, port: int, cwd: Path | None = None,
                  extra_args: Sequence[str] = (), env: dict | None = None) -> Iterator[str]:
    """Run `streamlit run SCRIPT --secrets.files SECRETS` on 127.0.0.1:`port` (the port of the secrets'
    redirect_uri); yields its URL, stops it by its pid afterwards. Its output goes to SCRIPT's folder/streamlit.log.

    `cwd` defaults to the script's folder, so no project .streamlit/ is read (pass the project root to get
    its config.toml).
    """
    script = Path(script).resolve()
    log = script.parent / "streamlit.log"
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "streamlit", "run", str(script),
           "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
           "--secrets.files", str(Path(secrets).resolve()), *extra_args]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=cwd or script.parent, env={**os.environ, **(env or {})},
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while health(url) != "ok":
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Streamlit did not start at {url} (exit code {proc.poll()}); its log:\n"
                                   + log.read_text(errors="replace")[-3000:])
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


# --- The browser -------------------------------------------------------------------------------

@dataclass
class OutsideRequests:
    """URLs of requests the browser tried to send to hosts other than 127.0.0.1/localhost (none was sent)."""
    urls: list[str] = field(default_factory=list)

    def unexpected(self) -> list[str]:
        return [u for u in self.urls if u not in PROVIDER_OUTSIDE_URLS]


def keep_local(context: BrowserContext) -> OutsideRequests:
    """Route every request of `context` to a host other than 127.0.0.1/localhost: the mock's CDN stylesheet
    is answered with an empty one (no console error), everything else is aborted; all are recorded."""
    seen = OutsideRequests()

    def handle(route):
        url = route.request.url
        if urlsplit(url).hostname in LOCAL_HOSTS:
            route.fallback()
            return
        seen.urls.append(url)
        if url in PROVIDER_OUTSIDE_URLS:
            route.fulfill(status=200, content_type="text/css", body="")
        else:
            route.abort("blockedbyclient")

    context.route("**/*", handle)
    return seen


def sign_in(page: Page, *, sub: str, email: str, name: str | None = None, groups: Sequence[str] | None = None,
            claims: dict | None = None, timeout: float = 30_000) -> None:
    """Sign in at the mock provider as `sub` with these claims, then wait until the browser is back on the app.

    Call it after the app's «Войти» button (st.login()) sent the browser to the provider's authorization
    page (it waits for that page), or after navigating there. Steps: set the claims through the mock's
    PUT /users/<sub>; fill the form's `input[name="sub"]`; click the button «Authorize»; the provider
    redirects to the app's /oauth2callback, which sets the `_streamlit_user` cookie and redirects to "/".
    `groups` becomes a `groups` claim (a JSON list) in the ID token, hence `st.user["groups"]`;
    `claims`: any further claims. Does not wait for the app's script run (use conftest.wait_for_app).
    """
    page.wait_for_url("**/oauth2/authorize?**", timeout=timeout)
    here = urlsplit(page.url)
    redirect_uri = parse_qs(here.query)["redirect_uri"][0]
    app = urlsplit(redirect_uri)
    values: dict = {"email": email, **(claims or {})}
    if name is not None:
        values["name"] = name
    if groups is not None:
        values["groups"] = list(groups)
    put_claims(f"{here.scheme}://{here.netloc}", sub, values)
    page.locator('input[name="sub"]').fill(sub)
    page.get_by_role("button", name="Authorize", exact=True).click()
    # /oauth2callback answers with a redirect to the app's base path, where the app loads signed in.
    page.wait_for_url(lambda u: urlsplit(u).netloc == app.netloc and urlsplit(u).path != app.path,
                      timeout=timeout)


def sign_out_at_provider(page: Page, *, timeout: float = 30_000) -> None:
    """After st.logout(): confirm on the mock's «End session» page, wait until the browser is back on the app."""
    page.wait_for_url("**/oauth2/end_session?**", timeout=timeout)
    target = parse_qs(urlsplit(page.url).query).get("post_logout_redirect_uri", [""])[0]
    page.get_by_role("button", name="End session", exact=True).click()
    if target:
        app = urlsplit(target)
        page.wait_for_url(lambda u: urlsplit(u).netloc == app.netloc and urlsplit(u).path != app.path,
                          timeout=timeout)
