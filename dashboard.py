"""Entry point: `streamlit run dashboard.py`. Sets up navigation and the shared sidebar filters."""
import streamlit as st

from kuban import texts as T
from kuban import paths, ui

# A local icon: a :material/...: page icon would be fetched from a font CDN (closed networks have none).
st.set_page_config(page_title=T.APP_TITLE, page_icon=str(paths.PACKAGE / "assets" / "favicon.png"), layout="wide")

pages = [
    st.Page("pages/overview.py", title=T.PAGE_OVERVIEW, icon=":material/dashboard:", default=True, url_path="overview"),
    st.Page("pages/shipments.py", title=T.PAGE_SHIPMENTS, icon=":material/local_shipping:", url_path="shipments"),
    st.Page("pages/production.py", title=T.PAGE_PRODUCTION, icon=":material/factory:", url_path="production"),
    st.Page("pages/loans.py", title=T.PAGE_LOANS, icon=":material/account_balance:", url_path="loans"),
    st.Page("pages/subsidies.py", title=T.PAGE_SUBSIDIES, icon=":material/payments:", url_path="subsidies"),
    st.Page("pages/cluster.py", title=T.PAGE_CLUSTER, icon=":material/hub:", url_path="cluster"),
    st.Page("pages/data.py", title=T.PAGE_DATA, icon=":material/folder_open:", url_path="data"),
]
page = st.navigation(pages)

db = ui.database()
st.session_state["_filters"] = ui.sidebar_filters()
ui.notices(db)
page.run()
