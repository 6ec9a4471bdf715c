"""`--client chromium`: the viewers are Chromium pages (one browser, a context each; Debian's /usr/bin/chromium
or $KUBAN_CHROMIUM) that change the municipality filter in the sidebar; each change is timed from the action to
the end of the run it caused, drawing included. tests/browser/conftest.py takes its Chromium settings and the
console errors that are not the app's fault from here.
"""
from __future__ import annotations

import os
import re
import time
from urllib.parse import urlsplit

import pandas as pd

from kuban import paths
from kuban import texts as T
from kuban.app.routes import PAGES
from kuban.tools.bench.common import LABELS, Progress
from kuban.tools.bench.sessions import CHANGE_TIMEOUT_S, OPEN_TIMEOUT_S, SESSION_PATHS, Session, think_pause, tick

DEBIAN_CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    # Stops Chromium's background DNS look-ups (and any page request) to hosts other than this machine.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TIMEOUT_S = CHANGE_TIMEOUT_S
OPEN_TIMEOUT_MS = OPEN_TIMEOUT_S * 1000
CHANGE_TIMEOUT_MS = CHANGE_TIMEOUT_S * 1000

# Console errors that are expected and not the app's fault:
# 1. "Failed to load resource: net::ERR_NAME_NOT_RESOLVED" for a URL on a host other than
#    127.0.0.1/localhost: the network is closed on purpose (--host-resolver-rules).
# 2. A 404 for <path>/_stcore/health or <path>/_stcore/host-config when a URL that is not one of the
#    dashboard's pages (/shipment, /nonexistent) is opened: Streamlit's frontend probes every possible
#    base path first (streamlit/streamlit#7074), then uses the right one. On the dashboard's own pages
#    kuban/tools/page_hint.py tells it the base path, so a probe 404 there is an error like any other.
_PROBE_404 = re.compile(r"/([^/]+)/_stcore/(health|host-config)$")
_PAGE_PATHS = {url for _file, url, _title, _icon in PAGES}


def expected_console_error(text: str, url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if "net::ERR_NAME_NOT_RESOLVED" in text and host and host not in LOCAL_HOSTS:
        return True
    probe = _PROBE_404.search(urlsplit(url).path)
    if "status of 404" in text and host in LOCAL_HOSTS and probe and probe.group(1) not in _PAGE_PATHS:
        return True
    return False


def chromium() -> str | None:
    """$KUBAN_CHROMIUM when it is a file, else Debian's /usr/bin/chromium when there, else None."""
    explicit = os.environ.get("KUBAN_CHROMIUM")
    if explicit:
        return explicit if os.path.isfile(explicit) else None
    return DEBIAN_CHROMIUM if os.path.isfile(DEBIAN_CHROMIUM) else None


def check() -> None:
    if not chromium():
        raise RuntimeError(LABELS["no_chromium"])


RUN_COUNTER = """
window.__kubanRuns = 0;
new MutationObserver(records => {
  for (const r of records) {
    if (r.target.getAttribute('data-testid') === 'stApp' && r.oldValue === 'running'
        && r.target.getAttribute('data-test-script-state') === 'notRunning') window.__kubanRuns += 1;
  }
}).observe(document, {attributes: true, subtree: true, attributeOldValue: true,
                      attributeFilter: ['data-test-script-state']});
"""
IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stSkeleton"]');
}"""
RERAN = """n => window.__kubanRuns > n && (""" + IDLE + """)()"""
# A run was caused by the action: it has ended (counted) or is under way.
STARTED = """n => window.__kubanRuns > n || document.querySelector('[data-testid="stApp"]')
  ?.getAttribute('data-test-script-state') === 'running'"""
LOST_AFTER_MS = 15_000      # no run started this long after an action, the app idle: the input never reached it


async def _open(browser, url: str, s: Session):
    """A viewer's own context and page, opened on its page of the dashboard and idle."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="ru-RU")
    await context.add_init_script(RUN_COUNTER)
    context.set_default_timeout(CHANGE_TIMEOUT_MS)
    page = await context.new_page()
    page.on("pageerror", lambda exc: s.errors.append(f"page error: {exc}"))
    page.on("console", lambda m: s.errors.append(f"console: {m.text}") if m.type == "error"
            and not expected_console_error(m.text, (m.location or {}).get("url", "")) else None)
    try:
        await page.goto(url + s.path, timeout=OPEN_TIMEOUT_MS)
        await page.wait_for_function(IDLE, timeout=OPEN_TIMEOUT_MS, polling=100)
    except Exception as exc:  # noqa: BLE001 - a page that does not open is counted, its session does not run
        s.timeouts.append(f"page did not open: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    return context, page


async def _drive(page, s: Session, names: list[str], deadline: float, think: float = 0.0) -> None:
    """Change the municipality filter until the deadline: choose one, then back to the whole krai, and so on;
    each change timed from the action to the end of the run it caused (RUN_COUNTER, IDLE). A change that does
    not finish within CHANGE_TIMEOUT_MS is counted in s.timeouts and the session goes on; an action after which
    no run starts while the app stays idle and connected (the browser's input lost, not the server's fault) is
    counted in s.lost and done again."""
    import asyncio
    import random
    rng = random.Random(s.index)
    box = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(
        has_text=T.FILTER_MUNIS).get_by_role("combobox")
    chosen = False
    while time.monotonic() < deadline:
        try:
            runs = await page.evaluate("window.__kubanRuns")
            await box.click()
            if chosen:          # back to the whole krai: Backspace removes the chip
                t0 = time.perf_counter()
                await box.press("Backspace")
            else:
                name = rng.choice(names)
                await box.press_sequentially(name)
                await page.get_by_role("option", name=name, exact=True).click()
                t0 = time.perf_counter()
            await box.press("Escape")
            chosen = not chosen
            try:
                await page.wait_for_function(STARTED, arg=runs, timeout=LOST_AFTER_MS, polling=25)
            except Exception:  # noqa: BLE001 - no run: lost input (a click during a redraw) or a stuck app
                if await page.evaluate(IDLE):       # idle and connected: the app did not get it; do it again
                    s.lost.append(f"no run {LOST_AFTER_MS // 1000} s after the action; the app idle")
                    chosen = bool(await page.evaluate("location.search.includes('mo=')"))
                    continue
            await page.wait_for_function(RERAN, arg=runs, timeout=CHANGE_TIMEOUT_MS, polling=25)
        except Exception as exc:  # noqa: BLE001 - a change that did not finish is counted, the session goes on
            s.timeouts.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
            try:
                await page.keyboard.press("Escape")
                await page.wait_for_function(IDLE, timeout=CHANGE_TIMEOUT_MS, polling=100)
                chosen = bool(await page.evaluate("location.search.includes('mo=')"))
            except Exception:  # noqa: BLE001 - the page is gone: this session ends
                return
            continue
        s.redraws.append((s.path, time.perf_counter() - t0))
        pause = min(think_pause(rng, think), max(0.0, deadline - time.monotonic()))
        if pause:
            await asyncio.sleep(pause)
        shown = page.get_by_test_id("stException")
        if await shown.count():
            s.errors.append("stException: " + " | ".join(await shown.all_inner_texts())[:300])


async def drive(url: str, n: int, seconds: float, think: float = 0.0) -> tuple[list[Session], float]:
    """Open one page (the server loads the folder on the first visit; its time is `first_page`), then `n`
    viewers, and let them change the filter for `seconds`: (sessions, first_page)."""
    import asyncio

    from playwright.async_api import async_playwright
    names = list(pd.read_csv(paths.REFERENCE_MUNICIPALITIES, dtype=str)["name"])
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium(), args=LAUNCH_ARGS)
        try:
            # One page first: the server loads the folder on the first visit.
            t0 = time.perf_counter()
            warm = await browser.new_page()
            await warm.goto(url, timeout=OPEN_TIMEOUT_MS)
            await warm.wait_for_function(IDLE, timeout=OPEN_TIMEOUT_MS, polling=100)
            await warm.close()
            first_page = time.perf_counter() - t0
            sessions = [Session(i, SESSION_PATHS[i % len(SESSION_PATHS)]) for i in range(n)]
            opened = await asyncio.gather(*(_open(browser, url, s) for s in sessions))
            progress = Progress(LABELS["progress_sessions"], int(seconds))
            deadline = time.monotonic() + seconds
            await asyncio.gather(tick(progress, deadline), *(_drive(page, s, names, deadline, think)
                                                             for s, (_, page) in zip(sessions, opened)
                                                             if not s.timeouts))
            progress.close()
            for context, _ in opened:
                await context.close()
            return sessions, first_page
        finally:
            await browser.close()


