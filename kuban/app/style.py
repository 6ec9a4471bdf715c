"""The few page styles Streamlit has no option for, as static CSS (program text only: no data ever reaches it)."""
from __future__ import annotations

import streamlit as st

# On a phone Streamlit's page title (2.75rem) breaks long Russian words in the middle («муниципальн-ого»): a title
# scales with the screen and breaks between words only. The maps' names (placed apart for a wide page by
# charts.label_layout) would overlap on a phone's third of that width: there the circles stand alone, and a tap
# names one (the maps are keyed "map-…": Streamlit marks their containers st-key-map-…). Chart titles are a
# size smaller there, so most fit the width.
CSS = (
    "<style>"
    "@media (max-width: 640px){"
    '[data-testid="stHeading"] h1{font-size:clamp(1.5rem,7vw,2.25rem);word-break:normal;overflow-wrap:normal}'
    '[data-testid="stHeading"] h2, [data-testid="stHeading"] h3{word-break:normal;overflow-wrap:normal}'
    '[class*="st-key-map-"] .scatterlayer .textpoint{display:none}'
    '[data-testid="stPlotlyChart"] .gtitle{font-size:12px !important}'
    "}"
    "</style>"
)


def apply() -> None:
    st.html(CSS)
