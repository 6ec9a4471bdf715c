"""«Предприятие»: one enterprise — by month with a year earlier, its ФРП loans and subsidies with shipments
before and after, its place in its division and municipality, its part in each cluster definition."""
import streamlit as st

from kuban import texts as T
from kuban.app import charts, enterprise_ui, fmt, ui

f = ui.page(T.ENTERPRISE_TITLE, T.ENTERPRISE_NOTE)
if not ui.enterprise_detail():
    st.info(T.ACCESS_ENTERPRISES_HIDDEN, icon=":material/lock:")
    st.stop()

inn = enterprise_ui.choose()
if inn is None:
    st.stop()
p = f.params(inn=inn)
profile = ui.run("enterprise_profile", p)
if profile.empty:                         # not in the register, or not in the user's municipalities: one answer
    st.warning(T.NO_ACCESS_OR_DATA, icon=":material/block:")
    st.stop()
e = profile.iloc[0]
summary = ui.run("enterprise_summary", p).iloc[0]
enterprise_ui.head(e)

c = st.columns(3)
ui.metric(c[0], T.KPI_SHIPPED, fmt.money(summary.shipped_rub), summary.shipped_rub, summary.shipped_prev_rub)
ui.metric(c[1], T.KPI_EXPORT, fmt.money(summary.export_rub))
ui.metric(c[2], T.KPI_OUTPUT, fmt.money(summary.output_rub), summary.output_rub, summary.output_prev_rub)
c = st.columns(2)
ui.metric(c[0], T.KPI_EMPLOYEES_AVG, fmt.people(summary.employees_avg), summary.employees_avg,
          summary.employees_avg_prev)
ui.metric(c[1], T.KPI_PRODUCTIVITY, fmt.money(summary.productivity_rub), summary.productivity_rub,
          summary.productivity_prev_rub, help=T.KPI_PRODUCTIVITY_HELP)
c = st.columns(2)
ui.metric(c[0], enterprise_ui.place_label(T.ENTERPRISE_PLACE_DIVISION, division=e["division"]),
          enterprise_ui.place(summary.division_rank, summary.division_enterprises), help=T.ENTERPRISE_PLACE_HELP)
ui.metric(c[1], T.ENTERPRISE_PLACE_MUNICIPALITY,
          enterprise_ui.place(summary.municipality_rank, summary.municipality_enterprises),
          help=T.ENTERPRISE_PLACE_HELP)

monthly = ui.run("enterprise_monthly", p)
left, right = st.columns(2)
with left:
    ui.chart(charts.monthly_trend(monthly, value="shipped_rub", prev="shipped_prev_rub",
                                  title=T.CHART_ENTERPRISE_SHIPMENTS, name=T.SERIES_SHIPPED, months=f.months))
with right:
    ui.chart(charts.monthly_trend(monthly, value="output_rub", prev="output_prev_rub",
                                  title=T.CHART_ENTERPRISE_OUTPUT, name=T.SERIES_OUTPUT, months=f.months))
ui.chart(charts.count_trend(monthly, value="employees", prev="employees_prev", title=T.CHART_ENTERPRISE_HEADCOUNT,
                            name=T.SERIES_HEADCOUNT, unit=T.UNIT_PEOPLE, months=f.months))

st.subheader(T.TABLE_ENTERPRISE_SUPPORT)
support = ui.run("enterprise_support", p)
if support.empty:
    st.info(T.ENTERPRISE_SUPPORT_NONE)
else:
    ui.note(T.ENTERPRISE_SUPPORT_NOTE)
    enterprise_ui.support_table(support)

st.subheader(T.ENTERPRISE_CLUSTER)
st.caption(T.ENTERPRISE_CLUSTER_NOTE)
membership = enterprise_ui.membership(inn, e["okved"], f)
enterprise_ui.membership_table(membership)

st.subheader(T.TABLE_ENTERPRISE_MONTHLY)
ui.money_table(monthly, money_cols=["shipped_rub", "export_rub", "output_rub", "shipped_prev_rub", "output_prev_rub"],
               thousand_cols=["productivity_rub"], number_cols={"employees": 0, "employees_prev": 0},
               date_cols=["period"], title=T.TABLE_ENTERPRISE_MONTHLY)

ui.downloads([
    (T.DL_ENTERPRISE_MONTHLY, f"предприятие-{inn}-по-месяцам", monthly),
    (T.DL_ENTERPRISE_SUMMARY, f"предприятие-{inn}-итоги", enterprise_ui.summary_download(e, summary)),
    (T.DL_ENTERPRISE_SUPPORT, f"предприятие-{inn}-поддержка", enterprise_ui.support_download(support)),
    (T.DL_ENTERPRISE_CLUSTER, f"предприятие-{inn}-кластер", enterprise_ui.membership_download(membership)),
], f)
