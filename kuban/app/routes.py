"""Which page a URL path means: the dashboard's own paths, old, mistyped and unknown ones (no Streamlit here).

Streamlit 1.67 sends the path of a fresh page load as a page name and matches it exactly against the
`url_path` of each `st.Page`; the default page matches only at `/` (its `url_path` counts as empty).
Anything else (`/overview` itself, `/Overview`, `/shipment`, `/nonexistent`) makes it run the default page
and show its English «Page not found» dialog. `resolve()` decides what such a path means;
kuban.app.ui.route() hands the answer to Streamlit before `st.navigation` looks for the page.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from urllib.parse import unquote

from kuban import texts as T

# The dashboard's pages: (file, url path, title, icon); the first is the default page, at "/". dashboard.py
# builds the navigation from it; the server's page hint (kuban/tools/page_hint.py) needs the url paths.
PAGES = [
    ("pages/overview.py", "overview", T.PAGE_OVERVIEW, ":material/dashboard:"),
    ("pages/shipments.py", "shipments", T.PAGE_SHIPMENTS, ":material/local_shipping:"),
    ("pages/production.py", "production", T.PAGE_PRODUCTION, ":material/factory:"),
    ("pages/loans.py", "loans", T.PAGE_LOANS, ":material/account_balance:"),
    ("pages/subsidies.py", "subsidies", T.PAGE_SUBSIDIES, ":material/payments:"),
    ("pages/cluster.py", "cluster", T.PAGE_CLUSTER, ":material/hub:"),
    ("pages/enterprise.py", "enterprise", T.PAGE_ENTERPRISE, ":material/apartment:"),
    ("pages/municipality.py", "municipality", T.PAGE_MUNICIPALITY, ":material/location_city:"),
    ("pages/data.py", "data", T.PAGE_DATA, ":material/folder_open:"),
]

EXACT, SAME, GUESS, UNKNOWN = "exact", "same", "guess", "unknown"
CUTOFF = 0.75          # difflib ratio from which a mistyped path is taken for a page («shipment» → shipments)


@dataclass(frozen=True)
class Page:
    url_path: str                  # as given to st.Page
    title: str                     # Russian, as in the navigation
    default: bool = False
    aliases: tuple[str, ...] = ()  # other names that mean this page (file stems of old layouts, …)


@dataclass(frozen=True)
class Resolution:
    page: Page                     # the page to open
    how: str                       # EXACT: Streamlit finds it itself; SAME: another spelling of its path
                                   # (case, `.py`, a folder in front, its Russian title); GUESS: the closest
                                   # page to a mistyped path; UNKNOWN: nothing close, the default page


def key(text: str) -> str:
    """A path or name reduced for comparison: decoded, lower case, ё = е, the last path segment only,
    without `.py` and a legacy «1_» order prefix, runs of spaces, `_` and `-` dropped."""
    t = unquote(text or "").strip().strip("/").lower().replace("ё", "е")
    t = t.rsplit("/", 1)[-1]
    t = re.sub(r"\.py$", "", t)
    t = re.sub(r"^\d+[_\-\s]+", "", t)
    return re.sub(r"[\s_\-]+", "", t)


def resolve(requested: str, pages: list[Page]) -> Resolution:
    """The page a requested path (without the leading `/`) should open, and how it was found."""
    default = next((p for p in pages if p.default), pages[0])
    for p in pages:
        if not p.default and requested == p.url_path:
            return Resolution(p, EXACT)
    names: dict[str, Page] = {}
    for p in pages:
        for name in (p.url_path, p.title, *p.aliases):
            names.setdefault(key(name), p)
    wanted = key(requested)
    if not wanted:
        return Resolution(default, SAME)
    if wanted in names:
        return Resolution(names[wanted], SAME)
    close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=CUTOFF)
    if close:
        return Resolution(names[close[0]], GUESS)
    return Resolution(default, UNKNOWN)
