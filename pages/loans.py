"""«Займы ФРП»: the portfolio by fund, programme, status and year; approvals by month; each loan with the
borrower's shipments before the decision and in the latest 12 months of data."""
import streamlit as st

from kuban import texts as T
from kuban.app import charts, fmt, ui

f = ui.page(T.LOANS_TITLE, T.LOANS_NOTE)
p = f.params()   # includes the refused statuses, left out of the portfolio

portfolio = ui.run("loans_portfolio", p)
dim = lambda name: portfolio[portfolio["dimension"] == name]  # noqa: E731
total = dim("total").iloc[0]
some = bool(total.loans)
c = st.columns([1.4, 0.85, 1.15, 1.25, 1.1])
ui.metric(c[0], T.KPI_LOANS_PORTFOLIO, fmt.money(total.amount_rub if some else 0))
ui.metric(c[1], T.KPI_LOANS_NUMBER, fmt.number(total.loans))
ui.metric(c[2], T.KPI_RATE_AVG, fmt.percent(total.rate_avg_pct / 100 if some else None), help=T.KPI_RATE_HELP)
ui.metric(c[3], T.KPI_TERM_AVG, fmt.number(total.term_avg_years if some else None, 1), help=T.KPI_TERM_HELP)
ui.metric(c[4], T.KPI_LOANS_REFUSED, fmt.number(total.loans_all - total.loans))

monthly = ui.run("loans_monthly", p)
by_muni = dim("municipality")
# one unit for the page's money charts (млн ₽ beside млн ₽)
scale = charts.common_scale(monthly.groupby("period")["amount_rub"].sum() if len(monthly) else monthly["amount_rub"],
                            dim("fund")["amount_rub"], dim("year").groupby("year")["amount_rub"].sum(),
                            dim("programme")["amount_rub"], dim("status")["amount_all_rub"], by_muni["amount_rub"])
ui.chart(charts.stacked_bars(monthly, x="period", stack="fund", value="amount_rub", title=T.CHART_LOANS_MONTHLY,
                             by_month=True, months=f.months, scale=scale))
left, right = st.columns(2)
with left:
    ui.chart(charts.bars(dim("fund"), label="fund", value="amount_rub", title=T.CHART_LOANS_BY_FUND, scale=scale))
    ui.chart(charts.stacked_bars(dim("year"), x="year", stack="fund", value="amount_rub", title=T.CHART_LOANS_BY_YEAR,
                                 scale=scale))
with right:
    ui.chart(charts.bars(dim("programme"), label="programme", value="amount_rub", title=T.CHART_LOANS_BY_PROGRAMME,
                         scale=scale))
    ui.chart(charts.bars(dim("status").fillna({"status": T.STATUS_NOT_STATED}), label="status", value="amount_all_rub",
                         title=T.CHART_LOANS_BY_STATUS, color=charts.PALETTE[5], scale=scale))

ui.municipality_map(by_muni, "amount_rub", T.MAP_LOANS, T.KPI_LOANS_PORTFOLIO, key="map-loans")
ui.chart(charts.bars(by_muni, label="municipality", value="amount_rub", title=T.CHART_LOANS_BY_MUNI, top=44,
                     scale=scale))

st.subheader(T.TABLE_LOANS)
if not ui.enterprise_detail():
    st.info(T.ACCESS_ENTERPRISES_HIDDEN, icon=":material/lock:")
    ui.downloads([(T.DL_LOANS_PORTFOLIO, "займы-ФРП-портфель", portfolio),
                  (T.DL_LOANS_MONTHLY, "займы-ФРП-по-месяцам", monthly)], f)
    st.stop()
loans = ui.run("loans_list", p)
window = fmt.period(loans["latest_from"].iloc[0], loans["latest_to"].iloc[0]) \
    if len(loans) and loans["latest_to"].notna().any() else "—"
ui.note(T.LOANS_TABLE_NOTE.format(latest=window))
ui.money_table(loans.drop(columns=["loan_id", "inn", "fund", "latest_from", "latest_to"]),
               money_cols=["amount_rub", "shipped_before_rub", "shipped_latest_rub"], growth_cols=["shipped_change"],
               number_cols={"rate_pct": 1, "term_years": 1, "months_after": 0}, date_cols=["decision_date"],
               key="loans-list", inns=loans["inn"])

ui.downloads([
    (T.DL_LOANS_LIST, "займы-ФРП", loans),
    (T.DL_LOANS_PORTFOLIO, "займы-ФРП-портфель", portfolio),
    (T.DL_LOANS_MONTHLY, "займы-ФРП-по-месяцам", monthly),
], f)
