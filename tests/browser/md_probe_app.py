"""A Streamlit app for tests/browser/test_text_is_text.py: every string of the JSON file named by
$KUBAN_MD_PROBE through kuban.app.fmt.md() into the Markdown surfaces of Streamlit (st.markdown, st.caption,
st.info, st.table, a metric label and its help), so the test can read what the browser made of them."""
import json
import os
import sys
from pathlib import Path

import pandas as pd
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))   # the project, for kuban

from kuban.app import fmt, ui  # noqa: E402

strings = json.loads(Path(os.environ["KUBAN_MD_PROBE"]).read_text(encoding="utf-8"))
for i, text in enumerate(strings):
    with st.container(key=f"probe-{i}"):
        st.markdown(fmt.md(text))
with st.container(key="probe-caption"):
    st.caption(fmt.md_format("**{a}** · {b}", a=strings[0], b=strings[1]))
with st.container(key="probe-info"):
    st.info(fmt.md(strings[2]))
with st.container(key="probe-table"):
    ui.text_table(pd.DataFrame({strings[3]: strings[:10]}))
with st.container(key="probe-metric"):
    st.metric(fmt.md(strings[4]), "1", help=fmt.md(strings[5]))
