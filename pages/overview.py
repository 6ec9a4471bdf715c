"""«Обзор»: headline figures, the monthly shipments trend, shipments by municipality."""
import streamlit as st

from kuban import texts as T
from kuban.app import charts, fmt, ui

TOP_MUNIS = 15         # the bars drawn; the title says «15 …» only when there are more
f = ui.page(T.OVERVIEW_TITLE)
p = f.params()

k = ui.run("overview_kpis", p).iloc[0]
monthly = ui.run("shipments_monthly", p)
row1, row2 = st.columns(3), st.columns(3)
ui.metric(row1[0], T.KPI_SHIPPED, fmt.money(k.shipped_rub), k.shipped_rub, k.shipped_prev_rub)
ui.metric(row1[1], T.KPI_OUTPUT, fmt.money(k.output_rub), k.output_rub, k.output_prev_rub)
ui.metric(row1[2], T.KPI_ENTERPRISES, fmt.number(k.enterprises), k.enterprises, k.enterprises_prev)
ui.metric(row2[0], T.KPI_LOANS, fmt.money(k.loans_rub), k.loans_rub, k.loans_prev_rub,
          help=T.KPI_LOANS_COUNT.format(count=fmt.number(k.loans_count)))
ui.metric(row2[1], T.KPI_SUBSIDIES, fmt.money(k.subsidies_rub), k.subsidies_rub, k.subsidies_prev_rub)
ui.metric(row2[2], T.KPI_EXPORT_SHARE, fmt.percent(k.export_rub / k.shipped_rub if k.shipped_rub else None))

ui.chart(charts.monthly_trend(monthly, value="shipped_rub", prev="shipped_prev_rub", title=T.CHART_SHIPMENTS_MONTHLY,
                              name=T.SERIES_SHIPPED, months=f.months))
by_muni = ui.run("shipments_by_municipality", p)
left, right = st.columns([1.1, 1])
with left:
    ui.municipality_map(by_muni, "shipped_rub", T.MAP_SHIPMENTS, T.KPI_SHIPPED, key="map-overview")
with right:
    shown = int(by_muni["shipped_rub"].notna().sum())
    ui.chart(charts.bars(by_muni, label="municipality", value="shipped_rub", top=TOP_MUNIS,
                         title=T.CHART_TOP_MUNIS if shown > TOP_MUNIS else T.CHART_SHIPMENTS_BY_MUNI))

ui.downloads([
    (T.DL_KPIS, "обзор-показатели", ui.run("overview_kpis", p)),
    (T.DL_MONTHLY, "отгрузка-по-месяцам", monthly),
    (T.DL_BY_MUNI, "отгрузка-по-МО", by_muni),
], f)
