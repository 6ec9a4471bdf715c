"""`--client websocket` (the default): each viewer speaks Streamlit's own protocol, as the browser's frontend does,
without drawing anything, so the figures are the server's and not a browser's.

Streamlit 1.67 (Starlette) serves the protocol at ws://HOST:PORT/_stcore/stream with the subprotocol "streamlit";
messages are binary protobufs: the viewer sends a BackMsg, the server answers with ForwardMsgs. A viewer:

1. connects and sends `rerun_script` whose ClientState names its page by URL path (`page_name`, as a fresh page
   load does) and an empty query string; the run ends with the ForwardMsg `script_finished` (its Navigation
   message gives each page's script hash; the municipality multiselect, the one bound to the URL parameter
   `mo`, gives the names it offers);
2. until `--seconds` have passed: sends `rerun_script` with the query string `mo=<a municipality chosen at
   random>` and the page's script hash, a quarter of the time another page's (`is_history_navigation`, as the
   browser sends on Back/Forward: the URL then sets the filter bound to it, kuban.app.ui.sidebar_filters), and
   times it until `script_finished` (FINISHED_SUCCESSFULLY; FINISHED_EARLY_FOR_RERUN is a run the page itself
   restarted, so the viewer waits on).

Errors: any Delta carrying an `exception` element (what the browser shows as stException), a compile error,
`page_not_found`, a connection lost. A change not finished within CHANGE_TIMEOUT_S is a timeout; that viewer then
reconnects (a new session, as a reload would) and goes on. All viewers run concurrently in this one process
(asyncio and the `websockets` client, a requirement of Streamlit itself; Streamlit 1.67 has no tornado).
"""
from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pandas as pd

from kuban import paths
from kuban.tools.bench.common import LABELS, Progress
from kuban.tools.bench.sessions import CHANGE_TIMEOUT_S, OPEN_TIMEOUT_S, SESSION_PATHS, Session, think_pause, tick

STREAM_PATH = "/_stcore/stream"      # streamlit/web/server/starlette/starlette_websocket.py
SUBPROTOCOL = "streamlit"            # the first entry of Sec-WebSocket-Protocol (then an XSRF token, a session id)
MUNI_PARAM = "mo"                    # kuban.app.ui.sidebar_filters: the municipality filter's key and URL parameter
PAGE_CHANGE = 0.25                   # share of changes that also switch to another page
TIMEOUT_S = CHANGE_TIMEOUT_S


def check() -> None:
    try:
        import websockets  # noqa: F401
        from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: F401
    except ImportError as exc:
        raise RuntimeError(LABELS["no_websockets"].format(error=exc)) from exc


class Lost(Exception):
    """The connection closed or failed: the session cannot go on."""


class Unfinished(Exception):
    """The run did not finish within its time."""


@dataclass
class Viewer:
    """One open session: its websocket, where it is, and what the server told it."""
    ws: object
    path: str                                              # the URL path of the page shown ("/", "/shipments")
    pages: dict[str, str] = field(default_factory=dict)    # URL path -> page script hash (Navigation)
    names: list[str] = field(default_factory=list)         # municipalities the filter offers


def rerun_message(query_string: str, page_name: str = "", page_hash: str = "", history: bool = False) -> bytes:
    """A BackMsg rerun_script: a fresh page load names the page by `page_name` (its URL path without "/"), a run
    inside a session by `page_hash`; `history` as on the browser's Back/Forward (the URL sets bound filters)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = query_string
    state.page_name = page_name
    state.page_script_hash = page_hash
    state.is_history_navigation = history
    state.widget_states.SetInParent()
    return msg.SerializeToString()


async def run_once(v: Viewer, message: bytes, timeout: float, errors: list[str]) -> float:
    """Send one rerun and read the ForwardMsgs until its script finishes: the seconds it took. The app's errors
    go to `errors`; raises Unfinished after `timeout`, Lost when the connection goes."""
    import websockets
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    t0 = time.perf_counter()
    try:
        await v.ws.send(message)
        async with asyncio.timeout(timeout):
            while True:
                raw = await v.ws.recv()
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                kind = msg.WhichOneof("type")
                if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                    element = msg.delta.new_element
                    shown = element.WhichOneof("type")
                    if shown == "exception":
                        errors.append(f"{v.path}: exception {element.exception.type}: "
                                      f"{element.exception.message[:300]}")
                    elif shown == "multiselect" and element.multiselect.query_param_key == MUNI_PARAM:
                        v.names = list(element.multiselect.options)
                elif kind == "navigation":
                    v.pages = {"/" + p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
                elif kind == "page_not_found":
                    errors.append(f"{v.path}: page not found {msg.page_not_found.page_name!r}")
                elif kind == "script_finished":
                    status = msg.script_finished
                    if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        continue
                    if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                        errors.append(f"{v.path}: compile error")
                    return time.perf_counter() - t0
    except TimeoutError as exc:
        raise Unfinished(f"{v.path}: not finished within {timeout:g} s") from exc
    except (websockets.ConnectionClosed, OSError) as exc:
        raise Lost(f"{v.path}: connection lost: {type(exc).__name__}: {str(exc)[:200]}") from exc


async def connect(url: str, path: str, timeout: float, errors: list[str]) -> tuple[Viewer, float]:
    """A new session opened on `path` (as a fresh page load) and idle: (viewer, seconds to the end of its run)."""
    import websockets
    ws_url = url.replace("http://", "ws://", 1) + STREAM_PATH
    try:
        ws = await websockets.connect(ws_url, subprotocols=[SUBPROTOCOL], max_size=None, ping_interval=None,
                                      open_timeout=timeout, close_timeout=5)
    except (OSError, TimeoutError, websockets.InvalidHandshake) as exc:
        raise Lost(f"{path}: cannot connect: {type(exc).__name__}: {str(exc)[:200]}") from exc
    v = Viewer(ws, path)
    try:
        return v, await run_once(v, rerun_message("", page_name=path.strip("/")), timeout, errors)
    except BaseException:
        await close(v)
        raise


async def close(v: Viewer) -> None:
    try:
        await v.ws.close()
    except Exception:  # noqa: BLE001 - closing a connection that is gone
        pass


async def _open(url: str, s: Session) -> Viewer | None:
    try:
        v, _ = await connect(url, s.path, OPEN_TIMEOUT_S, s.errors)
        return v
    except (Lost, Unfinished) as exc:
        s.timeouts.append(f"page did not open: {exc}")
        return None


async def _drive(url: str, v: Viewer, s: Session, fallback: list[str], deadline: float, think: float = 0.0) -> None:
    """Change the municipality (and now and then the page) until the deadline, each change timed, with a pause of
    about `think` seconds after each redraw (sessions.think_pause)."""
    rng = random.Random(s.index)
    chosen = ""
    try:
        while time.monotonic() < deadline:
            names = [n for n in (v.names or fallback) if n != chosen] or fallback
            chosen = rng.choice(names)
            path = v.path
            if rng.random() < PAGE_CHANGE:
                path = rng.choice([p for p in SESSION_PATHS if p != v.path])
            page_hash = v.pages.get(path, "")
            message = rerun_message(urlencode({MUNI_PARAM: chosen}), page_name="" if page_hash else path.strip("/"),
                                    page_hash=page_hash, history=True)
            v.path = path
            try:
                seconds = await run_once(v, message, CHANGE_TIMEOUT_S, s.errors)
            except Unfinished as exc:
                s.timeouts.append(str(exc))
                await close(v)
                if time.monotonic() >= deadline:
                    return
                try:
                    v, _ = await connect(url, path, CHANGE_TIMEOUT_S, s.errors)
                except Unfinished as again:
                    s.timeouts.append(f"reconnect: {again}")
                    return
                continue
            s.redraws.append((path, seconds))
            pause = min(think_pause(rng, think), max(0.0, deadline - time.monotonic()))
            if pause:
                await asyncio.sleep(pause)
    except Lost as exc:
        s.errors.append(str(exc))
    finally:
        await close(v)


async def drive(url: str, n: int, seconds: float, think: float = 0.0) -> tuple[list[Session], float]:
    """One session first (the server loads the folder on the first visit; its time is `first_page`), then `n`
    viewers opened at once, changing filters for `seconds` concurrently: (sessions, first_page)."""
    fallback = list(pd.read_csv(paths.REFERENCE_MUNICIPALITIES, dtype=str)["name"])
    warm_errors: list[str] = []
    warm, first_page = await connect(url, "/", OPEN_TIMEOUT_S, warm_errors)
    await close(warm)
    sessions = [Session(i, SESSION_PATHS[i % len(SESSION_PATHS)]) for i in range(n)]
    if warm_errors:
        sessions[0].errors += warm_errors
    viewers = await asyncio.gather(*(_open(url, s) for s in sessions))
    progress = Progress(LABELS["progress_sessions"], int(seconds))
    deadline = time.monotonic() + seconds
    await asyncio.gather(tick(progress, deadline),
                         *(_drive(url, v, s, fallback, deadline, think) for s, v in zip(sessions, viewers) if v is not None))
    progress.close()
    return sessions, first_page
