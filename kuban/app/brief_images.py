"""The charts of a «Справка» as pictures: the page's own Plotly figures rendered to PNG at print resolution,
offline, by kaleido 1.x in the system's Chromium.

    pictures = brief_images.png([fig1, fig2, …])     # one PNG (bytes) per figure, in order

Offline by construction: Chromium is the system's (`$KUBAN_CHROMIUM`, else `/usr/bin/chromium`, else `chromium` on
the PATH; kaleido's own download, `kaleido.get_chrome`, is never called), the page it renders in loads Plotly's
JavaScript from the installed plotly package (a file), MathJax is off, and every http(s) request of that Chromium
goes to a proxy on a closed local port, so nothing can be fetched even by mistake. The maps of the dashboard are
plain scatter plots (kuban.app.charts.municipality_map): no tiles, no topojson.

Fast: starting Chromium costs about 2–4 s, a figure about 0.1–0.3 s. One browser serves the whole process: it
is started on the first call (or by `warm()`), renders every figure of a document in one go on a few tabs, and is
closed after `IDLE_CLOSE_S` without use and when the process ends. One render at a time (a lock): Streamlit
calls in from many threads, and kaleido's browser runs on its own thread with its own event loop.

Without a usable Chromium `png` raises `ChartsUnavailable` (its `reason` is English, for logs); the caller says
so in Russian and builds the document without pictures.
"""
from __future__ import annotations

import asyncio
import atexit
import logging
import os
import shutil
import struct
import threading
import time
import weakref
import zlib
from collections.abc import Sequence
from pathlib import Path

# Print size: a figure is laid out at WIDTH_PX CSS pixels (so its 13 px text prints at about 8–9 pt at 16 cm) and
# rendered SCALE times denser: 720 × 2.5 = 1800 pixels over 16 cm ≈ 286 dpi.
PRINT_WIDTH_CM = 16.0
WIDTH_PX = 720
SCALE = 2.5
DEFAULT_HEIGHT_PX = 400          # a figure that does not say its height

TABS = 1                         # one tab: figures follow each other at ~0.1 s; a second tab costs ~1.5 s to open
OPEN_TIMEOUT_S = 60              # starting Chromium (slow only when the machine is busy)
FIGURE_TIMEOUT_S = 60            # one figure
IDLE_CLOSE_S = 600               # the warm browser is closed after this long without a render
DEBIAN_CHROMIUM = "/usr/bin/chromium"
# Every http(s) request of the rendering browser goes here: a closed port on this machine, so it fails at once.
# (The page needs no request: Plotly's JS is a local file, MathJax is off, the figures carry no URLs.)
CLOSED_PROXY = "http://127.0.0.1:9"
# And no background traffic or name look-ups at all (as the browser tests launch Chromium).
EXTRA_ARGS = ("--disable-background-networking", "--disable-quic", "--no-pings",
              "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost")


class ChartsUnavailable(RuntimeError):
    """The pictures cannot be made (no Chromium, or it failed): `reason` says why (English, for logs)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def chromium_path() -> str | None:
    """The Chromium to render with: $KUBAN_CHROMIUM (when it is a file), else Debian's /usr/bin/chromium, else a
    `chromium` / `chromium-browser` / `google-chrome` on the PATH; None when there is none. Never downloads."""
    explicit = os.environ.get("KUBAN_CHROMIUM")
    if explicit:
        return explicit if os.path.isfile(explicit) else None
    if os.path.isfile(DEBIAN_CHROMIUM):
        return DEBIAN_CHROMIUM
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if found := shutil.which(name):
            return found
    return None


def available() -> bool:
    """A Chromium to render with is there (it may still fail to start)."""
    return chromium_path() is not None


def _plotly_js() -> Path:
    """Plotly's JavaScript as installed with the plotly package (the same version the pages draw with)."""
    import plotly
    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


# --- PNG resolution (pHYs), so that a word processor places the picture at its print size ------------------

def with_dpi(data: bytes, dpi: float) -> bytes:
    """The PNG `data` with its pixel density set to `dpi` (a pHYs chunk right after IHDR, replacing any)."""
    sig, pos = data[:8], 8
    if sig != b"\x89PNG\r\n\x1a\n":
        return data
    chunks = []
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 12 + length
        chunks.append((kind, data[pos:end]))
        pos = end
    ppm = int(round(dpi / 0.0254))
    body = b"pHYs" + struct.pack(">IIB", ppm, ppm, 1)
    phys = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    out = [sig]
    for kind, raw in chunks:
        if kind == b"pHYs":
            continue
        out.append(raw)
        if kind == b"IHDR":
            out.append(phys)
    return b"".join(out)


# --- The warm browser ----------------------------------------------------------------------------------------

class _Renderer:
    """One kaleido browser on its own thread and event loop; every method is called under `_LOCK`."""

    def __init__(self, path: str):
        import kaleido   # imported on first use: a page that never builds a «Справка» does not pay for it
        # choreographer logs a traceback for a browser message it cannot parse and then ignores (seen under load,
        # the pictures still right): noise on the console of `kuban report`, not an error of ours
        logging.getLogger("choreographer.channels.pipe").setLevel(logging.CRITICAL)
        self.path = path
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="kuban-brief-images", daemon=True)
        self.thread.start()

        class Kaleido(kaleido.Kaleido):
            async def _return_kaleido_tab(self, tab) -> None:
                # kaleido reloads the tab's page (Plotly's 3.5 MB of JavaScript parsed again, ~0.15 s) after every
                # figure. A PNG needs no clean page: Plotly.toImage draws into a temporary element and purges it.
                await self.tabs_ready.put(tab)

        async def open_browser():
            k = Kaleido(n=TABS, timeout=FIGURE_TIMEOUT_S, plotlyjs=str(_plotly_js()), mathjax=False,
                                path=path, proxy_server=CLOSED_PROXY)
            impl = getattr(k, "_browser_impl", None)      # choreographer's launcher: a few flags more
            if impl is not None and hasattr(impl, "get_cli"):
                cli = impl.get_cli
                impl.get_cli = lambda: [*cli(), *EXTRA_ARGS]
            await k.open()
            return k

        try:
            self.kaleido = self._call(open_browser(), OPEN_TIMEOUT_S)
        except BaseException:
            self._stop_loop()
            raise
        self.used = time.monotonic()

    def _call(self, coroutine, timeout: float):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def render(self, specs: list[tuple[object, dict]]) -> list[bytes]:
        k = self.kaleido

        async def all_figures():
            return await asyncio.gather(*(k.calc_fig(fig, opts=opts) for fig, opts in specs))

        try:
            return list(self._call(all_figures(), OPEN_TIMEOUT_S + FIGURE_TIMEOUT_S * max(1, len(specs))))
        finally:
            self.used = time.monotonic()

    def close(self) -> None:
        try:
            self._call(self.kaleido.close(), 30)
        except BaseException:   # noqa: BLE001 - closing a browser that died already, or hangs: end it
            process = getattr(self.kaleido, "subprocess", None)
            if process is not None and process.poll() is None:
                process.kill()
        finally:
            self._stop_loop()

    def _stop_loop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        if not self.thread.is_alive() and not self.loop.is_closed():
            # Closed here, not by the garbage collector at interpreter exit (which prints a traceback).
            self.loop.close()


_LOCK = threading.Lock()
_exiting = False
_warming = False                 # a warm() thread is on its way (reruns of a page need not start another)
_renderer: _Renderer | None = None
_closer: threading.Timer | None = None


def _get() -> _Renderer:
    """The warm browser, started now if there is none (call under _LOCK)."""
    global _renderer
    if _renderer is None:
        if _exiting:
            raise ChartsUnavailable("the process is ending")
        path = chromium_path()
        if path is None:
            raise ChartsUnavailable("no Chromium: set KUBAN_CHROMIUM or install Debian's chromium (make chromium)")
        try:
            _renderer = _Renderer(path)
        except Exception as exc:   # noqa: BLE001 - whatever kaleido or Chromium says: no pictures
            raise ChartsUnavailable(f"Chromium {path} did not start: {type(exc).__name__}: {exc}") from exc
    return _renderer


def _close_locked() -> None:
    global _renderer
    if _renderer is not None:
        r, _renderer = _renderer, None
        r.close()


def _schedule_close() -> None:
    """Close the browser once it has been idle for IDLE_CLOSE_S (call under _LOCK)."""
    global _closer
    if _closer is not None:
        _closer.cancel()

    def close_if_idle():
        with _LOCK:
            if _renderer is not None and time.monotonic() - _renderer.used >= IDLE_CLOSE_S - 1:
                _close_locked()

    _closer = threading.Timer(IDLE_CLOSE_S, close_if_idle)
    _closer.daemon = True
    _closer.start()


def close() -> None:
    """Close the warm browser now (a later `png` starts another). Called when the process ends."""
    global _closer
    with _LOCK:
        if _closer is not None:
            _closer.cancel()
            _closer = None
        _close_locked()


def _at_exit() -> None:
    """The process ends: no browser starts any more (a `warm()` still on its way gives up), the running one closes."""
    global _exiting
    _exiting = True
    close()


# At exit, the browser closes before weakref's finalizers run: its profile folder is a TemporaryDirectory whose
# clean-up (a weakref.finalize) would otherwise run first and fail on the folder the still running Chromium writes
# into. weakref registers its exit hook with atexit when the first finalizer is made, and atexit runs the last
# registered first: so a finalizer is made here, before ours is registered.
class _Anchor:
    pass


_ANCHOR = _Anchor()
weakref.finalize(_ANCHOR, lambda: None)
atexit.register(_at_exit)


def warm() -> None:
    """Start the browser in the background (no wait), so that the first «Справка» need not: e.g. when a page with
    the «Справка» buttons is drawn. Does nothing when it is running or there is no Chromium."""
    global _warming
    if _renderer is not None or _warming or _exiting or not available():
        return
    _warming = True

    def start():
        global _warming
        try:
            with _LOCK:
                _get()
                _schedule_close()
        except ChartsUnavailable:
            pass
        finally:
            _warming = False

    threading.Thread(target=start, name="kuban-brief-images-warm", daemon=True).start()


def png(figures: Sequence, width_px: int = WIDTH_PX, height_px: int | None = None,
        scale: float = SCALE) -> list[bytes]:
    """Each Plotly figure as a PNG, in order: `width_px` CSS pixels wide, `height_px` high (default: the figure's
    own layout height, else DEFAULT_HEIGHT_PX), `scale` times denser; the PNG says its resolution (dpi for
    PRINT_WIDTH_CM). Raises ChartsUnavailable when Chromium is missing or fails (after one restart)."""
    if not figures:
        return []
    specs = []
    for fig in figures:
        h = height_px or _height(fig) or DEFAULT_HEIGHT_PX
        specs.append((fig, {"format": "png", "width": int(width_px), "height": int(h), "scale": float(scale)}))
    dpi = width_px * scale / (PRINT_WIDTH_CM / 2.54)
    with _LOCK:
        for attempt in (1, 2):
            r = _get()
            try:
                out = r.render(specs)
                break
            except Exception as exc:   # noqa: BLE001 - a browser that died (or hung): start another, once
                _close_locked()
                if attempt == 2:
                    raise ChartsUnavailable(f"rendering failed: {type(exc).__name__}: {exc}") from exc
        _schedule_close()
    return [with_dpi(b, dpi) for b in out]


def _height(fig) -> int | None:
    try:
        h = fig.layout.height
    except AttributeError:
        h = ((fig or {}).get("layout") or {}).get("height") if isinstance(fig, dict) else None
    return int(h) if h else None
