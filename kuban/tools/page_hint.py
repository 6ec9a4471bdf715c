"""The page Streamlit serves, told two things it otherwise guesses: where the server is and what language it is in.

Streamlit 1.67's frontend does not know the server's base path, so on every page it probes for it: it asks for
`<page>/_stcore/health` first (a 404 in the browser console on every page but the first), then for
`_stcore/health` one level up. Its documented hook for embedding, `window.__streamlit.BACKEND_BASE_URL`, read
before its bundle runs, tells it instead. The page's URL path is the base path followed by one of the
dashboard's pages (kuban.app.routes.PAGES), so the hint strips a known page from the path; any other path
(the base path itself, a mistyped page) gets no hint and Streamlit probes as before, without a 404 for the
base path itself. This is right behind a proxy that serves the dashboard under a prefix Streamlit is not told.

Its index.html also says `<html lang="en">`: screen readers read the Russian page with an English voice and
browsers hyphenate by English rules. The page says `lang="ru"`.

`install()` adds the middleware to Streamlit's own (`kuban serve` calls it before starting Streamlit); it
touches HTML answers only, never data (the script is program text and the pages' url paths).
"""
from __future__ import annotations

import json

from kuban.app.routes import PAGES

HTML_LANG = (b'<html lang="en">', b'<html lang="ru">')
MAX_HTML = 1 << 20                   # an index page is ~5 KB; anything larger passes untouched

_SCRIPT = """<script>(function () {
  var pages = %s, path = window.location.pathname.replace(/\\/+$/, "");
  var last = path.slice(path.lastIndexOf("/") + 1);
  if (pages.indexOf(last) < 0) return;            /* the base path itself or an unknown page: Streamlit probes */
  var base = path.slice(0, path.length - last.length);
  window.__streamlit = Object.assign({}, window.__streamlit, {BACKEND_BASE_URL: window.location.origin + base});
})();</script>"""


def script() -> bytes:
    pages = sorted({url for _file, url, _title, _icon in PAGES})
    return (_SCRIPT % json.dumps(pages)).encode("ascii")


def rewrite(html: bytes) -> bytes:
    """index.html with the hint before its first script and the page's language Russian."""
    html = html.replace(*HTML_LANG)
    head = html.find(b"<head>")
    if head < 0:
        return html
    at = head + len(b"<head>")
    return html[:at] + script() + html[at:]


class PageHint:
    """ASGI middleware: rewrites the HTML answers to GET (Streamlit's index.html, whichever path asked for it)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        held: dict | None = None             # the start of an HTML answer, sent once its body is whole
        body: list[bytes] = []

        async def send_rewritten(message):
            nonlocal held
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                if (message.get("status") == 200 and headers.get(b"content-type", b"").startswith(b"text/html")
                        and headers.get(b"content-encoding", b"identity") == b"identity"):
                    held = message
                    return
            elif message["type"] == "http.response.body" and held is not None:
                body.append(message.get("body", b""))
                more = bool(message.get("more_body"))
                size = sum(map(len, body))
                if more and size <= MAX_HTML:
                    return
                whole = b"".join(body)
                if not more:
                    whole = rewrite(whole)
                    headers = [(k, v) for k, v in held.get("headers", []) if k.lower() != b"content-length"]
                    held = {**held, "headers": [*headers, (b"content-length", str(len(whole)).encode())]}
                await send(held)                 # too large to be the index page: passed on as it is
                held = None
                body.clear()
                message = {"type": "http.response.body", "body": whole, "more_body": more}
            await send(message)

        await self.app(scope, receive, send_rewritten)


def install() -> None:
    """Put PageHint in Streamlit's middleware stack, innermost: it sees the answers before they are compressed."""
    from starlette.middleware import Middleware
    from streamlit.web.server.starlette import starlette_app

    made = starlette_app.create_streamlit_middleware
    if getattr(made, "kuban_page_hint", False):
        return

    def with_hint():
        return [*made(), Middleware(PageHint)]
    with_hint.kuban_page_hint = True
    starlette_app.create_streamlit_middleware = with_hint
