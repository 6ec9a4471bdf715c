"""The dashboard in Streamlit's AppTest, and what a page shows: the one place the page tests start the app
and read metrics, charts and Markdown.

    at = start(monkeypatch, folder, "loans", munis=["Кореновский район"])
    metrics(at)["Портфель займов"], titled(at, T.MAP_LOANS), map_points(...)

kuban/app/fmt.py writes money in the largest unit with one decimal, a decimal comma and a no-break space (NB)
before the unit; percent with a no-break space before «%».
"""
from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import streamlit as st
from streamlit import config
from streamlit.testing.v1 import AppTest

from kuban.paths import ROOT
from tests.seen import seen

APP = ROOT / "dashboard.py"
NB = "\u00a0"
TIMEOUT = 120        # seconds for one run of a page; only reached when something is wrong


# --- Starting the app -----------------------------------------------------------------------------------

def app(monkeypatch, folder: Path, query: dict | None = None) -> AppTest:
    """dashboard.py on the data folder `folder`, not yet run; `query`: the URL's parameters."""
    monkeypatch.setenv("KUBAN_DATA_DIR", str(folder))
    # As `make run` serves it: on 127.0.0.1, where a folder without sign-in is open (kuban/app/signin.py).
    config.set_option("server.address", "127.0.0.1")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at


def start(monkeypatch, folder: Path, page: str | None = None, munis: list[str] | None = None,
          query: dict | None = None) -> AppTest:
    """Run dashboard.py on `folder` and open `page` («loans» opens pages/loans.py; None stays on the default
    page), with the municipalities `munis` chosen in the URL; no exception and no error on it."""
    query = dict(query or {})
    if munis:
        query["mo"] = munis
    at = app(monkeypatch, folder, query).run()
    if page:
        at.switch_page(f"pages/{page}.py").run()
    no_errors(at)
    return at


def clear_caches() -> None:
    """Forget the data versions Streamlit keeps per data folder (kuban.app.ui._source): the next run builds anew."""
    st.cache_resource.clear()


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


# --- Reading the page ---------------------------------------------------------------------------------------

def metrics(at: AppTest) -> dict[str, str]:
    """{label: value as shown} of the page's metrics."""
    return {m.label: m.value for m in at.metric}


def deltas(at: AppTest) -> dict[str, str]:
    """{label: change as shown} of the page's metrics."""
    return {m.label: m.delta for m in at.metric}


def markdown(at: AppTest) -> str:
    """The page's st.markdown bodies as a reader sees them (escapes resolved), one per line."""
    return "\n".join(seen(m.value) for m in at.markdown)


def _plain(value):
    """Plotly's JSON writes number arrays as {"dtype", "bdata"} (base64): back to lists."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            values = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            return [float(v) for v in values.ravel()]
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def figures(at: AppTest) -> list[dict]:
    """The page's Plotly figures as the JSON Streamlit sends, number arrays as lists."""
    return [_plain(json.loads(c.proto.spec)) for c in at.get("plotly_chart")]


def title(fig: dict) -> str:
    return ((fig.get("layout") or {}).get("title") or {}).get("text") or ""


def titled(at: AppTest, text: str) -> dict:
    """The one figure of the page titled `text`."""
    found = [f for f in figures(at) if title(f) == text]
    assert len(found) == 1, [title(f) for f in figures(at)]
    return found[0]


def chart(at: AppTest, title_start: str) -> dict:
    """The first figure of the page whose title starts with `title_start`."""
    for fig in figures(at):
        if title(fig).startswith(title_start):
            return fig
    raise AssertionError(f"no chart titled {title_start!r}: {[title(f) for f in figures(at)]}")


def map_points(fig: dict) -> dict[str, str]:
    """{municipality: value text} of the municipalities that have data on a map figure."""
    out = {}
    for trace in fig["data"]:
        if trace.get("mode") == "markers+text":
            for c in trace.get("customdata", []):
                if c[2] != "нет данных":
                    out[c[1]] = c[2]
    return out
