"""«Кластер»: the smart-industry cluster — which municipalities specialise (location quotients), its members
and anchors, the cluster against the rest of industry, the Decree 779 check, saved definitions compared."""
import streamlit as st

from kuban import paths
from kuban import texts as T
from kuban.app import charts, cluster_ui, cluster_view, fmt, ui
from kuban.model import cluster

f = ui.page(T.CLUSTER_TITLE, T.CLUSTER_INTRO)
if f.divisions:
    st.info(T.CLUSTER_SIDEBAR_DIVISIONS, icon=":material/info:")

options = ui.run("cluster_code_options")
d, basis = cluster_ui.definition_panel(paths.data_dir(), options)
if d is None:
    st.stop()
a = cluster.analyse(ui.run, d, f.munis, f.date_from, f.date_to, basis, run_many=ui.run_many)
h = a.headline
by = T.CLUSTER_BASIS_OPTIONS[basis]
lq_text = fmt.number(d.lq_threshold, 2)

c = st.columns(4)
ui.metric(c[0], T.CLUSTER_KPI_MEMBERS, fmt.number(h["members"]), help=T.CLUSTER_KPI_MEMBERS_HELP)
ui.metric(c[1], T.CLUSTER_KPI_ANCHORS, fmt.number(h["anchors"]))
ui.metric(c[2], T.CLUSTER_KPI_SPECIALISED, fmt.number(len(h["specialised"])), help=T.CLUSTER_KPI_SPECIALISED_HELP)
ui.metric(c[3], T.CLUSTER_KPI_SHIPPED, fmt.money(h["c_shipped_rub"]))
c = st.columns(4)
ui.metric(c[0], T.CLUSTER_KPI_EMPLOYEES, fmt.number(h["c_employees"]), help=T.CLUSTER_KPI_EMPLOYEES_HELP)
ui.metric(c[1], T.CLUSTER_KPI_SHARE_SHIPPED, fmt.percent(h["share_shipped"]), help=T.CLUSTER_KPI_SHARE_HELP)
ui.metric(c[2], T.CLUSTER_KPI_SHARE_EMPLOYEES, fmt.percent(h["share_employees"]), help=T.CLUSTER_KPI_SHARE_HELP)
ui.metric(c[3], T.CLUSTER_KPI_SHARE_SUPPORT, fmt.percent(h["share_support"]), help=T.CLUSTER_KPI_SHARE_HELP)
c = st.columns(4)
ui.metric(c[0], T.CLUSTER_KPI_GROWTH, fmt.percent(h["c_growth"], signed=True), help=T.CLUSTER_KPI_GROWTH_HELP)
ui.metric(c[1], T.CLUSTER_KPI_GROWTH_REST, fmt.percent(h["r_growth"], signed=True), help=T.CLUSTER_KPI_GROWTH_HELP)
ui.metric(c[2], T.CLUSTER_KPI_PRODUCTIVITY, fmt.money(h["c_productivity_rub"]), help=T.CLUSTER_KPI_PRODUCTIVITY_HELP)
ui.metric(c[3], T.CLUSTER_KPI_PRODUCTIVITY_REST, fmt.money(h["r_productivity_rub"]),
          help=T.CLUSTER_KPI_PRODUCTIVITY_HELP)

st.subheader(T.CLUSTER_SPEC_HEADER)
if a.lqs.empty:
    st.info(T.CLUSTER_NO_MUNIS)
else:
    items = "; ".join(f"{m} — {fmt.number(v, 2)}" for m, v in zip(h["specialised"], h["specialised_lq"]))
    st.markdown(fmt.md_format(T.CLUSTER_SPEC_ANSWER, basis=by, lq=lq_text, items=items) if items
                else fmt.md_format(T.CLUSTER_SPEC_NONE, basis=by, lq=lq_text))
    if h["thin"]:
        ui.note(fmt.md_format(T.CLUSTER_SPEC_THIN, ent=fmt.number(d.min_enterprises),
                                 emp=fmt.number(d.min_employees), n=len(h["thin"]), items=", ".join(h["thin"])))
    heat = cluster_view.display_order(a.lqs, basis)
    columns = cluster_view.heatmap_columns(d, h["codes_without_data"])
    ui.chart(charts.lq_heatmap(heat, value=f"lq_{basis}", columns=columns, title=T.CHART_LQ_HEATMAP.format(basis=by)),
             key="cl-heat")
    hidden = a.lqs["oktmo"].nunique() - heat["oktmo"].nunique()
    ui.note(T.CHART_LQ_HEATMAP_NOTE + (" " + T.CHART_LQ_HIDDEN.format(n=hidden) if hidden else ""))
    bubbles = cluster_view.quadrant_frame(a.lqs, basis)
    ui.chart(charts.lq_quadrant(bubbles, threshold=d.lq_threshold,
                                title=T.CHART_LQ_QUADRANT.format(basis=by, years=d.years_back),
                                x_title=T.CLUSTER_AXIS_LQ, y_title=T.CLUSTER_AXIS_CHANGE.format(years=d.years_back),
                                size_unit=T.CLUSTER_EMPLOYEES_UNIT), key="cl-quadrant")
    ui.note(T.CHART_LQ_QUADRANT_NOTE.format(lq=lq_text) + " " + "; ".join(T.CLUSTER_QUADRANT_HINTS.values()) + ".")
    no_change = bubbles[bubbles["change"].isna()]["municipality"]
    if len(no_change):
        ui.note(fmt.md_format(T.CHART_LQ_NO_CHANGE, years=d.years_back, items=", ".join(no_change)))

st.subheader(T.CLUSTER_MEMBERS_HEADER)
if a.members is None:
    st.info(T.ACCESS_ENTERPRISES_HIDDEN, icon=":material/lock:")
else:
    ui.note(T.CLUSTER_MEMBERS_NOTE)
    cluster_ui.members_table(a.members)

st.subheader(T.CLUSTER_VS_HEADER)
ui.note(fmt.md_format(T.CLUSTER_VS_NOTE, place=fmt.place(f)))
versus = lambda measure: {f"c_{measure}": T.SERIES_CLUSTER, f"r_{measure}": T.SERIES_REST}  # noqa: E731
c = st.columns(2)
with c[0]:
    ui.chart(charts.shares_over_time(a.trend, series={"share_shipped": T.SERIES_SHARE_SHIPPED,
                                                      "share_employees": T.SERIES_SHARE_EMPLOYEES,
                                                      "share_support": T.SERIES_SHARE_SUPPORT},
                                     title=T.CHART_CLUSTER_SHARES), key="cl-shares")
with c[1]:
    ui.chart(charts.bars_over_time(a.trend, series=versus("growth"), title=T.CHART_CLUSTER_GROWTH, kind="change"),
             key="cl-growth")
c = st.columns(2)
with c[0]:
    ui.chart(charts.bars_over_time(a.trend, series=versus("productivity_rub"), title=T.CHART_CLUSTER_PRODUCTIVITY),
             key="cl-productivity")
with c[1]:
    ui.chart(charts.bars_over_time(a.trend, series=versus("shipped_rub"), title=T.CHART_CLUSTER_SHIPPED),
             key="cl-shipped")
st.markdown(f"**{T.CLUSTER_VS_TABLE}**")
cluster_ui.trend_table(a.trend)

st.subheader(T.CLUSTER_REQ_HEADER)
ui.note(T.CLUSTER_REQ_NOTE)
first = a.requirements.iloc[0]
if first["passed"] is None:
    st.info(T.CLUSTER_REQ_HIDDEN, icon=":material/lock:")
else:
    (st.success if first["passed"] else st.warning)(
        (T.CLUSTER_REQ_SUMMARY_PASS if first["passed"] else T.CLUSTER_REQ_SUMMARY_FAIL).format(
            n=first["value"], m=d.min_participants))
cluster_ui.requirements_table(a.requirements)

st.subheader(T.CLUSTER_COMPARE_HEADER)
ui.note(T.CLUSTER_COMPARE_NOTE)
pair = cluster_ui.compare_choice(paths.data_dir())
if pair:
    both = [cluster.analyse(ui.run, x, f.munis, f.date_from, f.date_to, run_many=ui.run_many) for x in pair]
    ui.text_table(cluster_view.comparison(both))

with st.expander(T.CLUSTER_METHOD_HEADER, icon=":material/menu_book:"):
    st.markdown(T.CLUSTER_METHOD)

ui.downloads([
    *([] if a.members is None else [(T.CLUSTER_DL_MEMBERS, "кластер-участники", cluster_view.members_download(a.members))]),
    (T.CLUSTER_DL_LQ, "кластер-коэффициенты-локализации", cluster_view.lq_download(a.lqs)),
    (T.CLUSTER_DL_TREND, "кластер-и-остальная-промышленность", a.trend),
], f)
