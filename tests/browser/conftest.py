"""Real-browser tests: the dashboard in Chromium through Playwright (marker `browser`).

One Streamlit server per test session (per xdist worker), on a free port, reading a COPY of
tests/fixtures/small in a temporary folder (tests that add files there remove them again).
How Chromium is found, launched and waited on follows ../shared/BROWSER_TESTS.md (the shared folder).
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "small"
HERE = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:      # the tests read UI texts from kuban.texts
    sys.path.insert(0, str(ROOT))

# Shared with `python -m kuban bench --client chromium`: how Chromium is found and launched (closed network),
# which console errors are not the app's fault, a free port and Streamlit's health answer.
from kuban.tools.bench.chromium import DEBIAN_CHROMIUM, LAUNCH_ARGS, LOCAL_HOSTS  # noqa: E402,F401
from kuban.tools.bench.chromium import expected_console_error as _expected_console_error  # noqa: E402
from kuban.tools.bench.sessions import free_port as _free_port  # noqa: E402
from kuban.tools.bench.sessions import health as _health  # noqa: E402

START_TIMEOUT_S = 60
# Generous timeouts: they only cost time when something is wrong, and on a busy 2-CPU machine a
# first page load (Plotly's 4,5 MB bundle is parsed per page) has been seen to take 30 s and more.
ACTION_TIMEOUT_MS = 60_000       # page.goto, clicks, downloads
EXPECT_TIMEOUT_MS = 20_000       # expect(...) assertions, which retry until then
RUN_TIMEOUT_MS = 90_000          # wait_for_app: one Streamlit run and its drawing
expect.set_options(timeout=EXPECT_TIMEOUT_MS)
MUNIS_LABEL = "Муниципальные образования"   # kuban.texts.FILTER_MUNIS


# --- Marker ----------------------------------------------------------------------

@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser carries the `browser` marker (so `-m "not browser"` skips them)."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# --- The app under test -------------------------------------------------------------

@dataclass
class Server:
    url: str
    data_dir: Path
    process: subprocess.Popen
    log: Path
    added: list[Path] = field(default_factory=list)


@pytest.fixture(scope="session")
def kuban_server(tmp_path_factory) -> Server:
    global _server
    data_dir = tmp_path_factory.mktemp("kuban") / "data"
    shutil.copytree(FIXTURE, data_dir)
    with run_server(data_dir) as server:
        _server = server
        try:
            yield server
        finally:
            _server = None


_LOG_OFFSET = pytest.StashKey[int]()
_BROWSER_ERRORS = pytest.StashKey[list]()
_CALL_FAILED = pytest.StashKey[bool]()
_server: Server | None = None


def pytest_runtest_setup(item):
    if _server is not None:
        item.stash[_LOG_OFFSET] = _server.log.stat().st_size


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test's report also shows the browser errors seen and what the Streamlit server
    logged meanwhile (tracebacks the page shows redacted: `client.showErrorDetails = "type"`)."""
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    if report.failed:
        errors = item.stash.get(_BROWSER_ERRORS, [])
        if errors and report.when == "call":
            report.sections.append(("browser errors", "\n".join(errors)))
        if _server is not None:
            with open(_server.log, "rb") as fh:
                fh.seek(item.stash.get(_LOG_OFFSET, 0))
                text = fh.read().decode("utf-8", "replace").strip()
            if text:
                report.sections.append(("Streamlit server log", text[-6000:]))
    return report


@pytest.fixture(scope="session")
def base_url(kuban_server) -> str:
    """Overrides pytest-playwright's: `page.goto("/shipments")` goes to the server above."""
    return kuban_server.url


@pytest.fixture
def data_files(kuban_server):
    """Add files to the server's data folder for one test: `data_files.add("shipments/x.csv", text)`.

    Everything added is removed at the end of the test, so the folder's fingerprint (and every
    figure) is back to the fixture's for the next test, whatever the order.
    """
    class Adder:
        def add(self, rel: str, content: str | bytes) -> Path:
            path = kuban_server.data_dir / rel
            assert not path.exists(), f"{rel} already in the data folder"
            path.parent.mkdir(parents=True, exist_ok=True)
            kuban_server.added.append(path)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
            return path

    yield Adder()
    while kuban_server.added:
        kuban_server.added.pop().unlink(missing_ok=True)


# --- The browser ----------------------------------------------------------------------

def find_chromium(browser_type) -> str | None:
    """$KUBAN_CHROMIUM, else Debian's /usr/bin/chromium, else None (Playwright's own browser)."""
    explicit = os.environ.get("KUBAN_CHROMIUM")
    if explicit:
        if not os.path.isfile(explicit):
            pytest.fail(f"KUBAN_CHROMIUM={explicit!r} is not a file: point it at a Chromium executable.",
                        pytrace=False)
        return explicit
    if os.path.isfile(DEBIAN_CHROMIUM):
        return DEBIAN_CHROMIUM
    try:
        own = browser_type.executable_path
    except Exception:   # noqa: BLE001 - Playwright raises its own Error when it knows no browser
        own = None
    if not own or not os.path.isfile(own):
        pytest.fail("No Chromium for the browser tests: set KUBAN_CHROMIUM to a Chromium executable, "
                    "install Debian's (`apt-get install chromium`, gives /usr/bin/chromium), "
                    "or on a machine with internet access run `python -m playwright install chromium` "
                    "(`make chromium` does the right one).", pytrace=False)
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, browser_type):
    args = {**browser_type_launch_args, "args": list(LAUNCH_ARGS)}
    executable = find_chromium(browser_type)
    if executable:
        args["executable_path"] = executable
    return args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 900}, "accept_downloads": True,
            "locale": "ru-RU"}


# --- Errors in every test -------------------------------------------------------------------

# Console errors that are expected and not the app's fault: _expected_console_error
# (kuban.tools.bench.chromium.expected_console_error): look-ups of hosts other than this machine
# (the network is closed on purpose; which outside requests the page makes is asserted by
# test_no_request_leaves_the_machine), and Streamlit's base-path probes of a sub-page URL.


@pytest.fixture(autouse=True)
def _timeouts(page: Page):
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    page.set_default_navigation_timeout(ACTION_TIMEOUT_MS)


@pytest.fixture(autouse=True)
def _no_browser_errors(request, page: Page):
    """Collects console errors and uncaught page errors; none may occur, and no stException may show.

    Checked at the end of each test that passed (a failed test's report lists them instead).
    """
    errors: list[str] = []
    request.node.stash[_BROWSER_ERRORS] = errors

    def on_console(msg):
        if msg.type == "error":
            url = (msg.location or {}).get("url", "")
            if not _expected_console_error(msg.text, url):
                errors.append(f"console error: {msg.text} (at {url})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    yield errors
    if request.node.stash.get(_CALL_FAILED, True):
        return
    if not page.is_closed() and page.url.startswith("http"):
        exceptions = page.get_by_test_id("stException")
        assert exceptions.count() == 0, "the app shows an exception:\n" + "\n".join(exceptions.all_inner_texts())
    assert errors == [], "errors in the browser:\n" + "\n".join(errors)


# --- Helpers -----------------------------------------------------------------------------------

def wait_for_app(page: Page, timeout: float = RUN_TIMEOUT_MS) -> None:
    """Wait until Streamlit has finished the current run (the one reliable way, BROWSER_TESTS.md)."""
    page.wait_for_timeout(250)   # a rerun starts 15-30 ms after the action that caused it
    expect(page.locator('[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
                        '[data-test-script-state="notRunning"]')).to_have_count(1, timeout=timeout)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=timeout)
    exceptions = page.get_by_test_id("stException")
    assert exceptions.count() == 0, "the app shows an exception:\n" + "\n".join(exceptions.all_inner_texts())


def open_app(page: Page, path: str = "/") -> None:
    page.goto(path)
    wait_for_app(page)


def munis_select(page: Page):
    return page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has_text=MUNIS_LABEL)


def choose_municipality(page: Page, name: str) -> None:
    """Pick one municipality in the sidebar multiselect (type it, click the exact option, close the list)."""
    box = munis_select(page).get_by_role("combobox")
    box.click()
    box.press_sequentially(name)
    page.get_by_role("option", name=name, exact=True).click()
    box.press("Escape")
    wait_for_app(page)


def _chips(page: Page):
    return munis_select(page).get_by_role("group", name="Selected values").locator("[data-tag]")


def chosen_municipalities(page: Page) -> list[str]:
    """The names shown as chips in the municipality multiselect (read now)."""
    return [c.get_attribute("aria-label") for c in _chips(page).all()]


def expect_chosen(page: Page, names: list[str]) -> None:
    """The municipality multiselect shows exactly these chips (waits for them)."""
    expect(_chips(page)).to_have_text(names)


def expect_period(page: Page, first: str, last: str) -> None:
    """The sidebar period selectors show these months («январь 2025»)."""
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("combobox", name="С месяца", exact=True)).to_have_value(first)
    expect(sidebar.get_by_role("combobox", name="До месяца включительно", exact=True)).to_have_value(last)


def go_to(page: Page, title: str) -> None:
    """Switch pages through the sidebar navigation."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    wait_for_app(page)


def page_path(page: Page, title: str) -> str:
    """The URL path of a page, read from its sidebar link (so tests do not depend on url_path)."""
    href = page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).get_attribute("href")
    return urlsplit(href).path or "/"


def metrics(page: Page) -> dict[str, str]:
    """{label: value} of every st.metric on the page, texts exactly as shown (no-break spaces kept)."""
    out = {}
    for m in page.get_by_test_id("stMetric").all():
        label = m.get_by_test_id("stMetricLabel").inner_text().strip()
        out[label] = m.get_by_test_id("stMetricValue").inner_text().strip()
    return out


def metric_value(page: Page, label: str):
    return page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)).get_by_test_id("stMetricValue")


def expect_metric(page: Page, label: str, value: str) -> None:
    """The metric shows exactly `value` (Playwright's to_have_text folds no-break spaces, so compare again)."""
    loc = metric_value(page, label)
    expect(loc).to_have_text(value)
    assert loc.inner_text().strip() == value, f"{label}: {loc.inner_text()!r} != {value!r}"


def plotly_chart(page: Page, title: str):
    """The Plotly chart whose title is exactly `title`."""
    exact = re.compile("^" + re.escape(title) + "$")
    return page.get_by_test_id("stPlotlyChart").filter(has=page.locator(".gtitle").filter(has_text=exact))


def bars(chart):
    return chart.locator(".trace.bars .point")


def dataframe_rows(frame) -> list[list[str]]:
    """Cell texts of an st.dataframe's visible rows (the grid draws on a canvas; focusing it renders
    the accessible table Glide keeps for screen readers)."""
    canvas = frame.get_by_test_id("data-grid-canvas")
    canvas.focus()
    expect(canvas.locator("tbody [role=row]").first).to_be_attached()
    return [[c.strip() for c in row.locator("[role=gridcell]").all_text_contents()]
            for row in canvas.locator("tbody [role=row]").all()]


# --- Another server on another data folder (additive helper: tests/browser/test_cluster.py) ----------------

@contextlib.contextmanager
def run_server(data_dir: Path, script: str = "dashboard.py", env: dict | None = None, port: int | None = None,
               args: tuple[str, ...] = ()):
    """Start Streamlit on `data_dir` (a folder the test owns), yield the Server, stop it by its pid afterwards.

    `script`: the app to run (relative to the project), `env`: more environment variables, `port`: the port to
    listen on (default: a free one; give one when something must name it before the start, e.g. the
    redirect_uri of single sign-on), `args`: more options of `python -m kuban serve` (`--workers 2`)."""
    log = data_dir.parent / f"streamlit-{data_dir.name}.log"
    port = port or _free_port()
    base = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "--server.baseUrlPath"), "")
    url = f"http://127.0.0.1:{port}" + (f"/{base.strip('/')}" if base.strip("/") else "")
    # The dashboard starts as `make run` starts it (python -m kuban serve); other scripts as plain Streamlit apps.
    start = [sys.executable, "-m", "kuban", "serve", *args] if script == "dashboard.py" else \
        [sys.executable, "-m", "streamlit", "run", script]
    cmd = [*start, "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "KUBAN_DATA_DIR": str(data_dir), **(env or {})},
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while _health(url) != "ok":
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Streamlit on {data_dir} did not start at {url} (exit code {proc.poll()}); its log:\n"
                            + log.read_text(errors="replace")[-3000:], pytrace=False)
            time.sleep(0.1)
        yield Server(url, data_dir, proc, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextlib.contextmanager
def local_server(data_dir: Path):
    """The dashboard on `data_dir` with no single sign-on (an empty secrets file beside the folder, so no [auth]
    from the machine's ~/.streamlit either), reported by the failure hook as the current server."""
    global _server
    secrets = data_dir.parent / "secrets.toml"
    secrets.write_text("# no [auth] section: no single sign-on\n", encoding="utf-8")
    previous = _server
    with run_server(data_dir, env={"STREAMLIT_SECRETS_FILES": str(secrets)}) as srv:
        _server = srv        # a failing test's report then shows this server's log
        try:
            yield srv
        finally:
            _server = previous


@contextlib.contextmanager
def serve(data_dir: Path):
    """Another server on another data folder: yields its URL (test_cluster.py, test_production_loans_subsidies.py)."""
    with run_server(data_dir) as server:
        yield server.url