"""«Производство»: output by month, municipality and sector; headcount; output per employee (labour productivity)."""
import streamlit as st

from kuban import texts as T
from kuban.app import charts, fmt, ui

f = ui.page(T.PRODUCTION_TITLE, T.PRODUCTION_NOTE)
p = f.params()

summary = ui.run("production_summary", p)
total = summary[summary["dimension"] == "total"].iloc[0]
by_muni = summary[summary["dimension"] == "municipality"].drop(columns=["dimension", "division"])
by_div = summary[summary["dimension"] == "division"].drop(columns=["dimension", "oktmo", "lat", "lon"])
by_div = by_div.assign(label=[charts.division_label(d, n) for d, n in zip(by_div["division"], by_div["name"])])

c = st.columns(3)
ui.metric(c[0], T.KPI_OUTPUT, fmt.money(total.output_rub), total.output_rub, total.output_prev_rub)
ui.metric(c[1], T.KPI_PRODUCTIVITY, fmt.money(total.productivity_rub), total.productivity_rub,
          total.productivity_prev_rub, help=T.KPI_PRODUCTIVITY_HELP)
ui.metric(c[2], T.KPI_HEADCOUNT, fmt.people(total.employees_avg),
          total.employees_avg, total.employees_avg_prev)
ui.note(T.PRODUCERS_NOTE.format(n=fmt.number(total.enterprises)))

monthly = ui.run("production_monthly", p)
ui.chart(charts.monthly_trend(monthly, value="output_rub", prev="output_prev_rub", title=T.CHART_OUTPUT_MONTHLY,
                              name=T.SERIES_OUTPUT, months=f.months))
ui.chart(charts.count_trend(monthly, value="employees", prev="employees_prev", title=T.CHART_HEADCOUNT_MONTHLY,
                            name=T.SERIES_HEADCOUNT, unit=T.UNIT_PEOPLE, months=f.months))

ui.municipality_map(by_muni, "output_rub", T.MAP_OUTPUT, T.KPI_OUTPUT, key="map-production")
left, right = st.columns(2)
with left:
    ui.chart(charts.bars(by_muni, label="name", value="output_rub", title=T.CHART_OUTPUT_BY_MUNI, top=44))
with right:
    ui.chart(charts.bars(by_div, label="label", value="output_rub", title=T.CHART_OUTPUT_BY_DIVISION, top=24,
                         wrap=charts.DIVISION_WRAP, bar_px=charts.DIVISION_BAR_PX))
left, right = st.columns(2)
with left:
    ui.chart(charts.bars(by_muni, label="name", value="productivity_rub", title=T.CHART_PRODUCTIVITY_BY_MUNI,
                         per=T.PER_EMPLOYEE, top=44, color=charts.PALETTE[2]))
with right:
    ui.chart(charts.bars(by_div, label="label", value="productivity_rub", title=T.CHART_PRODUCTIVITY_BY_DIVISION,
                         per=T.PER_EMPLOYEE, top=24, color=charts.PALETTE[2], wrap=charts.DIVISION_WRAP,
                         bar_px=charts.DIVISION_BAR_PX))
ui.chart(charts.bars(by_muni, label="name", value="productivity_growth", title=T.CHART_PRODUCTIVITY_CHANGE_BY_MUNI,
                     kind="change", top=44))

if not ui.enterprise_detail():
    st.info(T.ACCESS_ENTERPRISES_HIDDEN, icon=":material/lock:")
    ui.downloads([
        (T.DL_PRODUCTION_MONTHLY, "производство-по-месяцам", monthly),
        (T.DL_PRODUCTION_BY_MUNI, "производство-по-МО", by_muni.rename(columns={"name": "municipality"})),
        (T.DL_PRODUCTION_BY_DIVISION, "производство-по-отраслям", by_div.drop(columns=["label"])),
    ], f)
    st.stop()
table = dict(money_cols=["output_rub"], growth_cols=["output_growth", "productivity_growth"],
             number_cols={"employees_avg": 0}, thousand_cols=["productivity_rub"])
st.subheader(T.TABLE_TOP_OUTPUT)
search = ui.enterprise_search(key="production-search")
top = ui.run("production_top_enterprises", p | {"search": search, "order": "output", "limit": ui.TOP_ROWS})
ui.search_note(search, top, total.enterprises)
ui.money_table(top[["inn", "name", "municipality", "output_rub", "output_growth", "productivity_rub",
                    "productivity_growth", "employees_avg"]], **table, key="production-top", inns=top["inn"])
st.subheader(T.TABLE_TOP_PRODUCTIVITY)
st.caption(T.TABLE_TOP_PRODUCTIVITY_NOTE)   # the table's note in «Справка» (brief.TABLE_TITLES)
growth = ui.run("production_top_enterprises", p | {"search": search, "order": "productivity_growth",
                                                   "limit": ui.TOP_ROWS})
ui.money_table(growth[["inn", "name", "municipality", "productivity_growth", "productivity_rub", "employees_avg",
                       "output_rub", "output_growth"]], **table, key="production-growth", inns=growth["inn"])

ui.downloads([
    (T.DL_PRODUCTION_MONTHLY, "производство-по-месяцам", monthly),
    (T.DL_PRODUCTION_BY_MUNI, "производство-по-МО", by_muni.rename(columns={"name": "municipality"})),
    (T.DL_PRODUCTION_BY_DIVISION, "производство-по-отраслям", by_div.drop(columns=["label"])),
    (T.DL_PRODUCTION_ENTERPRISES, "производство-по-предприятиям", ui.run_later("production_enterprises", p)),
    (T.DL_PRODUCTION_ROWS, "производство", ui.run_later("production_rows", p)),
], f)
