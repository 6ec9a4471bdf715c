"""Entry point: `streamlit run dashboard.py`. Sets up navigation and the shared sidebar filters."""
import streamlit as st

from kuban import texts as T
from kuban import ui

st.set_page_config(page_title=T.APP_TITLE, page_icon=":material/factory:", layout="wide")

pages = [
    st.Page("pages/overview.py", title=T.PAGE_OVERVIEW, icon=":material/dashboard:", default=True, url_path="obzor"),
    st.Page("pages/shipments.py", title=T.PAGE_SHIPMENTS, icon=":material/local_shipping:", url_path="otgruzka"),
    st.Page("pages/data.py", title=T.PAGE_DATA, icon=":material/folder_open:", url_path="dannye"),
]
page = st.navigation(pages)

db = ui.database()
st.session_state["_filters"] = ui.sidebar_filters()
ui.notices(db)
page.run()
