"""Entry point: `streamlit run dashboard.py`. Sets up navigation and the shared sidebar filters.

The pages live in pages/ (the design card's layout). Streamlit 1.67 treats that folder as a legacy
multipage app until a session calls st.navigation; kuban.app.ui.ensure_frame() (called by every page)
routes such a run back through this file. kuban.app.ui.route() lets any URL path open a page.
"""
import streamlit as st

from kuban import paths
from kuban import texts as T
from kuban.app import drill, routes, signin, style, ui

# A local icon: a :material/...: page icon would be fetched from a font CDN (closed networks have none).
st.set_page_config(page_title=T.APP_TITLE, page_icon=str(paths.PACKAGE / "assets" / "favicon.png"), layout="wide")
style.apply()

PAGES = routes.PAGES
data_dir = paths.data_dir()
# Who is here, and what they may see: decided before anything is read (kuban/app/signin.py).
scope = signin.scope(data_dir, ui.version().result.tables["municipalities"])
st.session_state[ui.SCOPE_KEY] = scope
notice = ui.route([routes.Page(url, title, default=i == 0) for i, (_, url, title, _) in enumerate(PAGES)],
                  signed_in=scope is not None)


def navigation(position: str = "sidebar"):
    return st.navigation([st.Page(file, title=title, icon=icon, url_path=url, default=i == 0)
                          for i, (file, url, title, icon) in enumerate(PAGES)], position=position)


if scope is None:               # the sign-in form (stops here)
    # A session that has just signed out still shows the page list of the last run: hide it, once.
    # A visitor who never had one gets no navigation at all, so the form's submit reaches the same page.
    had_pages = st.session_state.pop("_pages_shown", False)
    signin.gate(data_dir, hide_pages=(lambda: navigation("hidden")) if had_pages else (lambda: None))
page = navigation()
st.session_state["_pages_shown"] = True
drill.follow()                  # a click on a map or a table row asked for a passport or a card
drill.tidy(page.url_path)

db = ui.database()
st.session_state["_filters"] = ui.sidebar_filters()
signin.sidebar(data_dir, scope)
ui.notices(db)
if notice:
    st.info(notice, icon=":material/signpost:")
page.run()
