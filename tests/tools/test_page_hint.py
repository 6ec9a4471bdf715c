"""kuban/tools/page_hint.py: the index page gets the base-path hint and lang="ru"; nothing else is touched."""
from __future__ import annotations

import asyncio

from kuban.tools import page_hint

INDEX = b'<!DOCTYPE html>\n<html lang="en">\n  <head>\n    <script src="./static/js/index.js"></script>'


def answer(body_chunks, content_type=b"text/html; charset=utf-8", method="GET", status=200, encoding=None):
    """What PageHint sends on for an app that answers with `body_chunks`."""
    async def app(scope, receive, send):
        headers = [(b"content-type", content_type), (b"content-length", str(sum(map(len, body_chunks))).encode())]
        if encoding:
            headers.append((b"content-encoding", encoding))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        for i, chunk in enumerate(body_chunks):
            await send({"type": "http.response.body", "body": chunk, "more_body": i < len(body_chunks) - 1})

    sent = []

    async def send(message):
        sent.append(message)

    asyncio.run(page_hint.PageHint(app)({"type": "http", "method": method, "path": "/"}, None, send))
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return dict(sent[0]["headers"]), body, sent


def test_the_index_page_gets_the_hint_first_and_says_russian():
    headers, body, _ = answer([INDEX[:20], INDEX[20:]])             # in two pieces, as a stream may come
    assert body.count(b"<script>") == 1 and body.count(b"BACKEND_BASE_URL") == 1
    assert body.index(b"__streamlit") < body.index(b'src="./static/js/index.js"')   # before the bundle reads it
    assert b'<html lang="ru">' in body and b'lang="en"' not in body
    assert headers[b"content-length"] == str(len(body)).encode()
    assert body.replace(page_hint.script(), b"").replace(b'lang="ru"', b'lang="en"') == INDEX


def test_the_hint_knows_every_page_and_nothing_from_the_request():
    script = page_hint.script().decode()
    for url in ("overview", "shipments", "cluster", "enterprise", "municipality", "data"):
        assert f'"{url}"' in script
    assert "BACKEND_BASE_URL" in script


def test_other_answers_pass_untouched():
    js = b"console.log('<head>')"
    assert answer([js], content_type=b"application/javascript")[1] == js
    assert answer([INDEX], method="HEAD")[1] == INDEX
    assert answer([INDEX], status=404)[1] == INDEX
    assert answer([b"\x1f\x8b..."], encoding=b"gzip")[1] == b"\x1f\x8b..."
    big = [b"<head>" + b"x" * page_hint.MAX_HTML, b"y" * 10, b"z"]    # too large to be the index page
    headers, body, sent = answer(big)
    assert body == b"".join(big) and headers[b"content-length"] == str(len(body)).encode()
    assert [m.get("more_body") for m in sent[1:]] == [True, True, False]      # streamed on, piece by piece
