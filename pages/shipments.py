"""«Отгрузка»: monthly trend, by municipality, by sector, export share, the largest enterprises."""
import streamlit as st

from kuban import texts as T
from kuban.app import charts, fmt, ui

f = ui.page(T.SHIPMENTS_TITLE, T.SHIPMENTS_NOTE)
p = f.params()

monthly = ui.run("shipments_monthly", p)
shipped, exported = monthly["shipped_rub"].sum(), monthly["export_rub"].sum()
prev = monthly["shipped_prev_rub"].sum(min_count=1)
c = st.columns(3)
ui.metric(c[0], T.KPI_SHIPPED, fmt.money(shipped), shipped, prev)
ui.metric(c[1], T.KPI_EXPORT, fmt.money(exported))
ui.metric(c[2], T.KPI_EXPORT_SHARE, fmt.percent(exported / shipped if shipped else None))

ui.chart(charts.monthly_trend(monthly, value="shipped_rub", prev="shipped_prev_rub", title=T.CHART_SHIPMENTS_MONTHLY,
                              name=T.SERIES_SHIPPED, months=f.months))
by_muni = ui.run("shipments_by_municipality", p)
ui.municipality_map(by_muni, "shipped_rub", T.MAP_SHIPMENTS, T.KPI_SHIPPED, key="map-shipments")
left, right = st.columns(2)
with left:
    ui.chart(charts.bars(by_muni, label="municipality", value="shipped_rub", title=T.CHART_SHIPMENTS_BY_MUNI))
with right:
    by_div = ui.run("shipments_by_division", p)
    by_div = by_div.assign(label=[charts.division_label(d, n) for d, n in zip(by_div["division"], by_div["division_name"])])
    ui.chart(charts.bars(by_div, label="label", value="shipped_rub", title=T.CHART_BY_DIVISION, top=24,
                         wrap=charts.DIVISION_WRAP, bar_px=charts.DIVISION_BAR_PX))
ui.chart(charts.bars(by_div, label="label", value="export_share", title=T.CHART_EXPORT_SHARE, kind="share", top=24,
                     wrap=charts.DIVISION_WRAP, bar_px=charts.DIVISION_BAR_PX))

st.subheader(T.TABLE_TOP)
if not ui.enterprise_detail():
    st.info(T.ACCESS_ENTERPRISES_HIDDEN, icon=":material/lock:")
    ui.downloads([(T.DL_BY_MUNI, "отгрузка-по-МО", by_muni), (T.DL_BY_DIVISION, "отгрузка-по-отраслям",
                   by_div.drop(columns=["label"])), (T.DL_MONTHLY, "отгрузка-по-месяцам", monthly)], f)
    st.stop()
top = ui.run("shipments_top_enterprises", p | {"limit": 50})
ui.money_table(top.drop(columns=["export_rub"]), money_cols=["shipped_rub", "shipped_prev_rub"],
               share_cols=["export_share"], growth_cols=["growth"], key="shipments-top", inns=top["inn"])

ui.downloads([(T.DL_SHIPMENT_ROWS, "отгрузка", ui.run_later("shipments_rows", p))], f)
