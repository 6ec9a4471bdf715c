"""The pandas side: the dashboard's headline figures the way a plain pandas app computes them, and its phase."""
from __future__ import annotations

import math
import pickle
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kuban.tools.bench.common import LABELS, Progress, peak_rss_mb
from kuban.tools.bench.pages import PAGE_FIGURES, PAGES, TOP_ROWS, _from_json
from kuban.tools.bench.synthetic import FILES

MONTH = pd.DateOffset(months=1)
YEAR = pd.DateOffset(years=1)


def _in(col: pd.Series, first: pd.Timestamp, last: pd.Timestamp) -> pd.Series:
    """In the months first..last (first days), as queries/model/chosen.sql in_months."""
    return (col >= first) & (col < last + MONTH)


def _sum(s: pd.Series) -> float:
    """SQL sum: NULL (NaN) over no values."""
    return s.sum(min_count=1)


def _div(a, b):
    """a / NULLIF(b, 0)."""
    return a / (b.where(b != 0) if isinstance(b, pd.Series) else (b if b else math.nan))


class PandasDashboard:
    """The dashboard's headline figures the way a plain pandas app computes them: every table read once with
    pd.read_parquet (the facts given their enterprise's municipality and division), then masks and groupby."""

    def __init__(self, folder: Path):
        from kuban.texts import LOAN_REFUSED_STATUSES
        ent = pd.read_parquet(folder / FILES["enterprises"])
        ent = ent.rename(columns={"municipality": "oktmo"})
        ent["division"] = ent["okved"].str.slice(0, 2)
        self.ent = ent
        keys = ent.set_index("inn")[["oktmo", "division"]]

        def facts(name: str, date_column: str) -> pd.DataFrame:
            frame = pd.read_parquet(folder / FILES[name])
            frame[date_column] = pd.to_datetime(frame[date_column])
            return frame.join(keys, on="inn")

        self.ship = facts("shipments", "period")
        self.prod = facts("production", "period")
        self.loans = facts("loans", "decision_date")
        refused = {s.strip().lower() for s in LOAN_REFUSED_STATUSES}
        self.loans["refused"] = self.loans["status"].fillna("").str.strip().str.lower().isin(refused)
        self.subs = facts("subsidies", "decision_date")

    # -- the filters
    @staticmethod
    def chosen(frame: pd.DataFrame, p: dict, division: bool = True) -> pd.DataFrame:
        mask = np.ones(len(frame), bool)
        if p["munis"]:
            mask &= frame["oktmo"].isin(p["munis"]).to_numpy()
        if division and p["divisions"]:
            mask &= frame["division"].isin(p["divisions"]).to_numpy()
        return frame[mask]

    @staticmethod
    def window(p: dict) -> tuple[pd.Timestamp, pd.Timestamp]:
        return pd.Timestamp(p["date_from"]), pd.Timestamp(p["date_to"])

    def since_year_before(self, frame: pd.DataFrame, p: dict) -> pd.DataFrame:
        f, t = self.window(p)
        return frame[_in(frame["period"], f - YEAR, t)]

    # -- the pages
    def page(self, page: str, p: dict) -> dict[str, pd.DataFrame]:
        return {figure: getattr(self, figure)(p) for figure in PAGE_FIGURES[page]}

    def kpis(self, p: dict) -> pd.DataFrame:
        f, t = self.window(p)
        s = self.since_year_before(self.chosen(self.ship, p), p)
        pr = self.since_year_before(self.chosen(self.prod, p), p)
        sc, sp = _in(s["period"], f, t), _in(s["period"], f - YEAR, t - YEAR)
        pc, pp = _in(pr["period"], f, t), _in(pr["period"], f - YEAR, t - YEAR)
        loans = self.chosen(self.loans, p)
        loans = loans[~loans["refused"]]
        lc, lp = _in(loans["decision_date"], f, t), _in(loans["decision_date"], f - YEAR, t - YEAR)
        subs = self.chosen(self.subs, p)
        bc, bp = _in(subs["decision_date"], f, t), _in(subs["decision_date"], f - YEAR, t - YEAR)
        return pd.DataFrame([{
            "shipped_rub": _sum(s["shipped_rub"][sc]), "shipped_prev_rub": _sum(s["shipped_rub"][sp]),
            "export_rub": s["export_rub"][sc].sum(),
            "output_rub": _sum(pr["output_rub"][pc]), "output_prev_rub": _sum(pr["output_rub"][pp]),
            "enterprises": pd.concat([s["inn"][sc], pr["inn"][pc]]).nunique(),
            "enterprises_prev": pd.concat([s["inn"][sp], pr["inn"][pp]]).nunique(),
            "loans_rub": loans["amount_rub"][lc].sum(), "loans_prev_rub": loans["amount_rub"][lp].sum(),
            "loans_count": int(lc.sum()), "loans_prev_count": int(lp.sum()),
            "subsidies_rub": subs["amount_rub"][bc].sum(), "subsidies_prev_rub": subs["amount_rub"][bp].sum(),
        }])

    def shipments_monthly(self, p: dict) -> pd.DataFrame:
        f, t = self.window(p)
        s = self.since_year_before(self.chosen(self.ship, p), p)
        g = s.groupby("period").agg(shipped_rub=("shipped_rub", "sum"), export_rub=("export_rub", "sum"),
                                    enterprises=("inn", "nunique"))
        cur = g[_in(g.index.to_series(), f, t).to_numpy()]
        prev = g["shipped_rub"].reindex(cur.index - YEAR).to_numpy()
        return pd.DataFrame({"period": cur.index, "shipped_rub": cur["shipped_rub"].to_numpy(),
                             "export_rub": cur["export_rub"].to_numpy(), "shipped_prev_rub": prev,
                             "enterprises": cur["enterprises"].to_numpy()})

    def shipments_by_municipality(self, p: dict) -> pd.DataFrame:
        f, t = self.window(p)
        s = self.since_year_before(self.chosen(self.ship, p), p)
        cur = s[_in(s["period"], f, t)].groupby("oktmo", dropna=False).agg(
            shipped_rub=("shipped_rub", "sum"), export_rub=("export_rub", "sum"), enterprises=("inn", "nunique"))
        prev = s[_in(s["period"], f - YEAR, t - YEAR)].groupby("oktmo", dropna=False)["shipped_rub"].sum()
        return cur.join(prev.rename("shipped_prev_rub")).reset_index()

    def shipments_by_division(self, p: dict) -> pd.DataFrame:
        f, t = self.window(p)
        s = self.chosen(self.ship, p)
        s = s[_in(s["period"], f, t)]
        return s.groupby("division", dropna=False).agg(
            shipped_rub=("shipped_rub", "sum"), export_rub=("export_rub", "sum"),
            enterprises=("inn", "nunique")).reset_index()

    def shipments_top(self, p: dict) -> pd.DataFrame:
        f, t = self.window(p)
        s = self.since_year_before(self.chosen(self.ship, p), p)
        cur = s[_in(s["period"], f, t)].groupby("inn").agg(shipped_rub=("shipped_rub", "sum"),
                                                            export_rub=("export_rub", "sum"))
        prev = s[_in(s["period"], f - YEAR, t - YEAR)].groupby("inn")["shipped_rub"].sum()
        top = cur.join(prev.rename("shipped_prev_rub")).reset_index()
        return top.sort_values(["shipped_rub", "inn"], ascending=[False, True]).head(p["limit"])

    def production_monthly(self, p: dict) -> pd.DataFrame:
        f, t = self.window(p)
        pr = self.since_year_before(self.chosen(self.prod, p), p)
        g = pr.groupby("period")
        m = pd.DataFrame({"output_rub": g["output_rub"].sum(), "employees": g["employees"].sum(min_count=1),
                          "enterprises": g["inn"].nunique()})
        cur = m[_in(m.index.to_series(), f, t).to_numpy()]
        back = cur.index - YEAR
        return pd.DataFrame({"period": cur.index, "output_rub": cur["output_rub"].to_numpy(),
                             "output_prev_rub": m["output_rub"].reindex(back).to_numpy(),
                             "employees": cur["employees"].to_numpy(),
                             "employees_prev": m["employees"].reindex(back).to_numpy(),
                             "enterprises": cur["enterprises"].to_numpy()})

    def _productivity(self, p: dict, by: str | None) -> pd.DataFrame:
        """Output, average monthly headcount and output per employee (queries/model/measures.sql) per `by`."""
        f, t = self.window(p)
        pr = self.since_year_before(self.chosen(self.prod, p), p)
        cur, prev = _in(pr["period"], f, t), _in(pr["period"], f - YEAR, t - YEAR)
        staffed = pr["employees"].notna()
        x = pd.DataFrame({
            "key": pr[by] if by else 0,
            "out_c": pr["output_rub"].where(cur), "out_p": pr["output_rub"].where(prev),
            "staff_c": pr["output_rub"].where(cur & staffed), "staff_p": pr["output_rub"].where(prev & staffed),
            "emp_c": pr["employees"].where(cur), "emp_p": pr["employees"].where(prev),
            "mon_c": pr["period"].where(cur & staffed), "mon_p": pr["period"].where(prev & staffed),
            "inn_c": pr["inn"].where(cur)})
        g = x.groupby("key", dropna=False)
        sums = g[["out_c", "out_p", "staff_c", "staff_p", "emp_c", "emp_p"]].sum(min_count=1)
        distinct = g[["mon_c", "mon_p", "inn_c"]].nunique()
        out = pd.DataFrame({"output_rub": sums["out_c"], "output_prev_rub": sums["out_p"]})
        out["employees_avg"] = _div(sums["emp_c"], distinct["mon_c"])
        out["employees_avg_prev"] = _div(sums["emp_p"], distinct["mon_p"])
        out["productivity_rub"] = _div(sums["staff_c"], out["employees_avg"])
        out["productivity_prev_rub"] = _div(sums["staff_p"], out["employees_avg_prev"])
        out["enterprises"] = distinct["inn_c"]
        return out

    def production_summary(self, p: dict) -> pd.DataFrame:
        total = self._productivity(p, None).reindex([0])
        total["enterprises"] = total["enterprises"].fillna(0)
        parts = [total.assign(dimension="total", oktmo=None, division=None)]
        for dim, column in (("municipality", "oktmo"), ("division", "division")):
            g = self._productivity(p, column)
            g = g[g["output_rub"].notna()]
            parts.append(g.assign(dimension=dim, oktmo=g.index if column == "oktmo" else None,
                                  division=g.index if column == "division" else None))
        return pd.concat(parts, ignore_index=True)

    def production_top(self, p: dict) -> pd.DataFrame:
        g = self._productivity(p, "inn")
        g = g[g["output_rub"].notna()].rename_axis("inn").reset_index()
        return g.sort_values(["output_rub", "inn"], ascending=[False, True]).head(TOP_ROWS)

    def _loans_chosen(self, p: dict) -> pd.DataFrame:
        f, t = self.window(p)
        loans = self.chosen(self.loans, p)
        return loans[_in(loans["decision_date"], f, t)]

    def loans_portfolio(self, p: dict) -> pd.DataFrame:
        c = self._loans_chosen(p)
        ok = ~c["refused"]
        x = pd.DataFrame({"fund": c["fund"], "oktmo": c["oktmo"], "ok": ok.astype(int), "amount": c["amount_rub"],
                          "amount_ok": c["amount_rub"].where(ok),
                          "rate_w": (c["amount_rub"] * c["rate_pct"]).where(ok),
                          "term_w": (c["amount_rub"] * c["term_years"]).where(ok), "_all": 0})
        parts = []
        for dim, key in (("total", "_all"), ("fund", "fund"), ("municipality", "oktmo")):
            g = x.groupby(key, dropna=False)
            sums = g[["amount_ok", "rate_w", "term_w", "amount"]].sum(min_count=1)
            part = pd.DataFrame({"loans": g["ok"].sum(), "amount_rub": sums["amount_ok"],
                                 "rate_avg_pct": _div(sums["rate_w"], sums["amount_ok"]),
                                 "term_avg_years": _div(sums["term_w"], sums["amount_ok"]),
                                 "loans_all": g.size(), "amount_all_rub": sums["amount"]})
            if dim == "total":
                part = part.reindex([0])
                part[["loans", "loans_all"]] = part[["loans", "loans_all"]].fillna(0)
            parts.append(part.assign(dimension=dim, fund=part.index if key == "fund" else None,
                                     oktmo=part.index if key == "oktmo" else None))
        return pd.concat(parts, ignore_index=True)

    def loans_monthly(self, p: dict) -> pd.DataFrame:
        c = self._loans_chosen(p)
        c = c[~c["refused"]]
        month = c["decision_date"].dt.to_period("M").dt.to_timestamp()
        return c.groupby([month.rename("period"), "fund"]).agg(
            loans=("amount_rub", "size"), amount_rub=("amount_rub", "sum")).reset_index()

    def loans_list(self, p: dict) -> pd.DataFrame:
        c = self._loans_chosen(p)
        last = self.ship["period"].max()
        latest_from = last - pd.DateOffset(months=11)
        month = c["decision_date"].dt.to_period("M").dt.to_timestamp()
        ship = self.ship[self.ship["inn"].isin(c["inn"].unique())][["inn", "period", "shipped_rub"]]
        j = pd.DataFrame({"loan_id": c["loan_id"], "inn": c["inn"], "month": month}).merge(ship, on="inn")
        before = j["shipped_rub"].where((j["period"] >= j["month"] - YEAR) & (j["period"] < j["month"]))
        latest = j["shipped_rub"].where(j["period"] >= latest_from)
        after = (last.year - month.dt.year) * 12 + (last.month - month.dt.month)
        return pd.DataFrame({
            "loan_id": c["loan_id"].to_numpy(),
            "shipped_before_rub": before.groupby(j["loan_id"]).sum(min_count=1).reindex(c["loan_id"]).to_numpy(),
            "shipped_latest_rub": latest.groupby(j["loan_id"]).sum(min_count=1).reindex(c["loan_id"]).to_numpy(),
            "months_after": after.clip(lower=0).to_numpy()})

    def _subs_chosen(self, p: dict) -> pd.DataFrame:
        f, t = self.window(p)
        subs = self.chosen(self.subs, p)
        return subs[_in(subs["decision_date"], f, t)]

    def subsidies_summary(self, p: dict) -> pd.DataFrame:
        c = self._subs_chosen(p).assign(_all=0)
        parts = []
        for dim, key in (("total", "_all"), ("programme", "programme"), ("municipality", "oktmo")):
            g = c.groupby(key, dropna=False)
            part = pd.DataFrame({"subsidies": g.size(), "amount_rub": g["amount_rub"].sum(min_count=1),
                                 "recipients": g["inn"].nunique()})
            if dim == "total":
                part = part.reindex([0])
                part[["subsidies", "recipients"]] = part[["subsidies", "recipients"]].fillna(0)
            parts.append(part.assign(dimension=dim, programme=part.index if key == "programme" else None,
                                     oktmo=part.index if key == "oktmo" else None))
        return pd.concat(parts, ignore_index=True)

    def support_intensity(self, p: dict) -> pd.DataFrame:
        f, t = self.window(p)
        loans = self._loans_chosen(p)
        loans = loans[~loans["refused"]]
        subs = self._subs_chosen(p)
        ship = self.chosen(self.ship, p)
        ship = ship[_in(ship["period"], f, t)]
        parts = pd.concat([
            pd.DataFrame({"oktmo": loans["oktmo"], "loans_rub": loans["amount_rub"], "subsidies_rub": 0.0,
                          "shipped_rub": 0.0}),
            pd.DataFrame({"oktmo": subs["oktmo"], "loans_rub": 0.0, "subsidies_rub": subs["amount_rub"],
                          "shipped_rub": 0.0}),
            ship.groupby("oktmo", dropna=False)["shipped_rub"].sum().reset_index().assign(loans_rub=0.0,
                                                                                           subsidies_rub=0.0)])
        cols = ["loans_rub", "subsidies_rub", "shipped_rub"]
        by = parts.groupby("oktmo", dropna=False)[cols].sum().reset_index().assign(dimension="municipality")
        total = pd.DataFrame([{**{c: float(ship["shipped_rub"].sum()) if c == "shipped_rub" else float(by[c].sum())
                                  for c in cols}, "dimension": "total", "oktmo": None}])
        out = pd.concat([total, by], ignore_index=True)
        out["intensity"] = _div(out["loans_rub"] + out["subsidies_rub"], out["shipped_rub"] / 1_000_000)
        return out

    def subsidies_recipients(self, p: dict) -> pd.DataFrame:
        g = self._subs_chosen(p).groupby("inn")
        return pd.DataFrame({"subsidies": g.size(), "amount_rub": g["amount_rub"].sum()}).rename_axis(
            "inn").reset_index()

    # -- the cluster (its default definition)
    @staticmethod
    def definition():
        from kuban.data.cluster_definitions import Definition
        return Definition()

    def cluster_specialisation(self, p: dict) -> pd.DataFrame:
        d = self.definition()
        f, t = self.window(p)
        back = pd.DateOffset(years=d.years_back)
        pr = self.prod[self.prod["oktmo"].notna()]
        cur, then = _in(pr["period"], f, t), _in(pr["period"], f - back, t - back)
        pr, cur, then = pr[cur | then], cur[cur | then], then[cur | then]
        x = pd.DataFrame({"inn": pr["inn"], "oktmo": pr["oktmo"],
                          "emp_c": pr["employees"].where(cur), "out_c": pr["output_rub"].where(cur),
                          "emp_t": pr["employees"].where(then), "out_t": pr["output_rub"].where(then)})
        g = x.groupby("inn")
        firms = pd.DataFrame({"oktmo": g["oktmo"].first(), "employees": g["emp_c"].mean(),
                              "output_rub": g["out_c"].sum(min_count=1), "employees_then": g["emp_t"].mean(),
                              "output_then_rub": g["out_t"].sum(min_count=1)}).rename_axis("inn").reset_index()
        coded = pd.concat([pd.DataFrame({"inn": self.ent["inn"][self.ent["okved"].str.startswith(code)],
                                         "industry": code}) for code in dict.fromkeys(d.codes)])
        tagged = pd.concat([firms.merge(coded, on="inn"),
                            firms[firms["inn"].isin(coded["inn"])].assign(industry="cluster"),
                            firms.assign(industry="total")])
        return tagged.groupby(["oktmo", "industry"]).agg(
            employees=("employees", "sum"), output_rub=("output_rub", "sum"), enterprises=("output_rub", "count"),
            employees_then=("employees_then", "sum"), output_then_rub=("output_then_rub", "sum"),
            enterprises_then=("output_then_rub", "count")).reset_index()

    def cluster_members(self, p: dict) -> pd.DataFrame:
        d = self.definition()
        f, t = self.window(p)
        members = self.ent[self.ent["okved"].str.startswith(tuple(d.codes))][["inn", "oktmo"]].drop_duplicates("inn")
        s = self.ship[self.ship["inn"].isin(members["inn"])]
        cur, prev = _in(s["period"], f, t), _in(s["period"], f - YEAR, t - YEAR)
        s, cur, prev = s[cur | prev], cur[cur | prev], prev[cur | prev]
        gs = pd.DataFrame({"inn": s["inn"], "shipped_rub": s["shipped_rub"].where(cur),
                           "export_rub": s["export_rub"].where(cur),
                           "shipped_prev_rub": s["shipped_rub"].where(prev)}).groupby("inn").sum(min_count=1)
        pr = self.prod[self.prod["inn"].isin(members["inn"])]
        pr = pr[_in(pr["period"], f, t)]
        staffed = pr["employees"].notna()
        gp = pd.DataFrame({"inn": pr["inn"], "emp": pr["employees"], "out": pr["output_rub"],
                           "staff": pr["output_rub"].where(staffed),
                           "mon": pr["period"].where(staffed)}).groupby("inn")
        prod = pd.DataFrame({"employees": _div(gp["emp"].sum(min_count=1), gp["mon"].nunique()),
                             "output_rub": gp["out"].sum(min_count=1)})
        prod["productivity_rub"] = _div(gp["staff"].sum(min_count=1), prod["employees"])
        loans = self.loans[~self.loans["refused"] & self.loans["inn"].isin(members["inn"])
                           & _in(self.loans["decision_date"], f, t)].groupby("inn")["amount_rub"].sum()
        subs = self.subs[self.subs["inn"].isin(members["inn"])
                         & _in(self.subs["decision_date"], f, t)].groupby("inn")["amount_rub"].sum()
        out = members.set_index("inn").join(gs).join(prod).join(loans.rename("loans_rub")).join(
            subs.rename("subsidies_rub"))
        out = out[out["shipped_rub"].notna() | out["output_rub"].notna()].reset_index()
        out[["loans_rub", "subsidies_rub", "export_rub"]] = out[["loans_rub", "subsidies_rub", "export_rub"]].fillna(0.0)
        out = out.assign(_s=out["shipped_rub"].fillna(0.0)).sort_values(["_s", "inn"], ascending=[False, True])
        out["shipped_rank"] = np.arange(1, len(out) + 1)
        if p["munis"]:
            out = out[out["oktmo"].isin(p["munis"])]
        return out.drop(columns="_s")

    def cluster_vs_rest(self, p: dict) -> pd.DataFrame:
        d = self.definition()
        f, t = self.window(p)
        d1 = t.year * 12 + t.month
        length = d1 - (f.year * 12 + f.month) + 1
        long_codes = tuple(c for c in d.codes if len(c) > 2)
        by_class = self.ent["inn"][self.ent["okved"].str.startswith(long_codes)] if long_codes else pd.Series([], dtype=str)

        def windowed(frame: pd.DataFrame, day: str, values: list[str]) -> pd.DataFrame:
            """Rows up to the last chosen month, in every window they lie in (years_back), with in_cluster."""
            frame = self.chosen(frame, p, division=False)
            frame = frame[frame[day] < t + MONTH]
            m = frame[day].dt.year * 12 + frame[day].dt.month
            in_cluster = frame["division"].isin(d.codes) | frame["inn"].isin(by_class)
            out = []
            for j in range((length + 11) // 12):
                back = (d1 - m) // 12 - j
                ok = (back >= 0) & (12 * back + length - 1 >= d1 - m)
                out.append(pd.DataFrame({"years_back": back[ok], "in_cluster": in_cluster[ok], "m": m[ok],
                                         **{v: frame[v][ok] for v in values}}))
            return pd.concat(out, ignore_index=True)

        s = windowed(self.ship, "period", ["shipped_rub"])
        pr = windowed(self.prod, "period", ["output_rub", "employees"])
        keys = ["years_back", "in_cluster"]
        gs = s.groupby(keys)["shipped_rub"].sum(min_count=1)
        gp = pr.groupby(keys)[["output_rub", "employees"]].sum(min_count=1).rename(
            columns={"employees": "employee_months"})
        months = pr[pr["output_rub"].notna()].groupby("years_back")["m"].nunique()
        grouped = pd.DataFrame(gs).join(gp, how="outer")
        support = pd.concat([self.loans[~self.loans["refused"]][["inn", "oktmo", "division", "decision_date",
                                                                  "amount_rub"]],
                             self.subs[["inn", "oktmo", "division", "decision_date", "amount_rub"]]])
        sup = windowed(support, "decision_date", ["amount_rub"]).groupby(keys)["amount_rub"].sum()
        years = set(grouped.index.get_level_values(0))
        sides = grouped.index.union(sup.index[sup.index.get_level_values(0).isin(years)])
        out = grouped.reindex(sides)
        out["employees"] = _div(out["employee_months"], pd.Series(out.index.get_level_values(0), index=out.index)
                                .map(months).astype(float))
        out["support_rub"] = sup.reindex(sides).fillna(0.0)
        return out.reset_index()[["years_back", "in_cluster", "shipped_rub", "output_rub", "employees", "support_rub"]]


def phase_pandas(folder: Path, repeat: int, chosen: dict, answers: Path) -> dict:
    t0 = time.perf_counter()
    dash = PandasDashboard(folder)
    load = time.perf_counter() - t0
    progress = Progress(LABELS["progress_pandas"], len(chosen) * len(PAGES) * repeat)
    times: dict[str, dict[str, list[float]]] = {}
    figures: dict[str, dict[str, pd.DataFrame]] = {}
    for key, scenario in chosen.items():
        params = _from_json(scenario["params"])
        times[key], figures[key] = {}, {}
        for page in PAGES:
            runs = []
            for i in range(repeat):
                t = time.perf_counter()
                result = dash.page(page, params)
                runs.append(time.perf_counter() - t)
                if i == 0:
                    figures[key].update(result)
                progress.step()
            times[key][page] = runs
    progress.close()
    with open(answers, "wb") as fh:
        pickle.dump(figures, fh)
    return {"load_s": round(load, 2), "peak_rss_mb": round(peak_rss_mb()), "times": times}
