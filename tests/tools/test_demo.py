"""The synthetic demo data set: formats, validity, calibration to published facts,
determinism, and the committed copy in data/.

The files are read here with plain pandas/pyarrow (independently of the project's
loader); two tests also run the loader and expect no problem.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kuban.data.ingest import load_folder
from kuban.tools import demo

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "data"
EXAMPLES = COMMITTED / "_examples"
REFERENCE = ROOT / "kuban" / "reference" / "municipalities.csv"
CSV_FILES = ["enterprises/enterprises.csv", "loans/loans.csv", "subsidies/subsidies.csv"]
PARQUET_FILES = ["production/production.parquet", "shipments/shipments.parquet"]
REGIONAL = "ФРП Краснодарского края"
MACHINE_BUILDING = {26, 27, 28, 29, 30, 33}

ENTERPRISE_HEADER = "ИНН;Наименование;ОКВЭД;Муниципальное образование;Категория"
LOAN_HEADER = "Номер займа;ИНН;Фонд;Программа;Сумма, руб.;Ставка, %;Срок, лет;Дата решения;Статус"
SUBSIDY_HEADER = "subsidy_id,inn,programme,amount_rub,decision_date,budget"
SIZES_RU = {"микро": "micro", "малое": "small", "среднее": "medium", "крупное": "large"}


# --- Reading a demo folder (independently of kuban.data.ingest) -----------------------------


def inn_ok(inn: str) -> bool:
    """Organisation INN: 10 digits, the last one a weighted checksum of the first nine."""
    if not re.fullmatch(r"\d{10}", inn):
        return False
    weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    return sum(int(c) * w for c, w in zip(inn, weights)) % 11 % 10 == int(inn[9])


def read_folder(folder: Path) -> dict[str, pd.DataFrame]:
    ents = pd.read_csv(folder / "enterprises" / "enterprises.csv", sep=";", encoding="utf-8-sig", dtype=str)
    ents.columns = ["inn", "name", "okved", "municipality", "size"]
    munis = pd.read_csv(REFERENCE, dtype=str)
    ents["oktmo"] = ents["municipality"].map(dict(zip(munis["name"], munis["oktmo"])))
    ents["division"] = ents["okved"].str[:2].astype(int)
    ents["size_en"] = ents["size"].map(SIZES_RU)

    prod = pq.read_table(folder / "production" / "production.parquet").to_pandas()
    ship = pq.read_table(folder / "shipments" / "shipments.parquet").to_pandas()
    for df in (prod, ship):
        df["period"] = pd.to_datetime(df["period"])
        df["year"] = df["period"].dt.year
        df["month"] = df["period"].dt.month

    loans = pd.read_csv(folder / "loans" / "loans.csv", sep=";", encoding="utf-8-sig", decimal=",",
                        dtype={"ИНН": str, "Номер займа": str})
    loans.columns = ["loan_id", "inn", "fund", "programme", "amount_rub", "rate_pct", "term_years",
                     "decision_date", "status"]
    loans["decision_date"] = pd.to_datetime(loans["decision_date"], format="%d.%m.%Y")

    subs = pd.read_csv(folder / "subsidies" / "subsidies.csv", dtype={"inn": str})
    subs["decision_date"] = pd.to_datetime(subs["decision_date"], format="%Y-%m-%d")
    return dict(enterprises=ents, municipalities=munis, production=prod, shipments=ship,
                loans=loans, subsidies=subs)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    demo.generate(out)
    return out


@pytest.fixture(scope="module")
def t(demo_dir) -> dict[str, pd.DataFrame]:
    return read_folder(demo_dir)


@pytest.fixture(scope="module")
def ship(t) -> pd.DataFrame:
    """Shipments with the enterprise's municipality and division."""
    cols = ["inn", "municipality", "oktmo", "division", "name"]
    return t["shipments"].merge(t["enterprises"][cols], on="inn", how="left", validate="many_to_one")


# --- Formats ----------------------------------------------------------------------------------


def test_folder_layout(demo_dir):
    files = sorted(p.relative_to(demo_dir).as_posix() for p in demo_dir.rglob("*") if p.is_file())
    assert files == sorted(CSV_FILES + PARQUET_FILES + ["demo.json"])
    marker = json.loads((demo_dir / "demo.json").read_text(encoding="utf-8"))
    assert marker["demo"] is True and marker["seed"] == 2026 and marker["enterprises"] == 400
    assert marker["generator"] == "python -m kuban demo"


def test_csv_encodings_delimiters_headers(demo_dir):
    ent = (demo_dir / "enterprises/enterprises.csv").read_bytes()
    loans = (demo_dir / "loans/loans.csv").read_bytes()
    subs = (demo_dir / "subsidies/subsidies.csv").read_bytes()
    assert ent.startswith(b"\xef\xbb\xbf") and loans.startswith(b"\xef\xbb\xbf")
    assert not subs.startswith(b"\xef\xbb\xbf")
    assert ent.decode("utf-8-sig").splitlines()[0] == ENTERPRISE_HEADER
    assert loans.decode("utf-8-sig").splitlines()[0] == LOAN_HEADER
    assert subs.decode("utf-8").splitlines()[0] == SUBSIDY_HEADER

    loan_lines = loans.decode("utf-8-sig").splitlines()[1:]
    for line in loan_lines:
        f = line.split(";")
        assert len(f) == 9, line
        assert re.fullmatch(r"ФРП-\d{4}-\d{3}", f[0]), line
        assert re.fullmatch(r"\d+,\d\d", f[4]), line             # decimal comma
        assert re.fullmatch(r"\d+(,\d+)?", f[5]), line
        assert re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", f[7]), line
        assert f[0][4:8] == f[7][-4:]                            # id year = decision year
    assert any("," in line.split(";")[5] for line in loan_lines)  # 2,5 % and 0,1 % exist

    for line in subs.decode("utf-8").splitlines()[1:]:
        f = line.split(",")
        assert len(f) == 6, line
        assert re.fullmatch(r"СУБ-\d{4}-\d{4}", f[0]), line
        assert re.fullmatch(r"\d+\.\d\d", f[3]), line
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", f[4]), line


def test_parquet_schemas(demo_dir):
    prod = pq.read_schema(demo_dir / "production/production.parquet")
    ship = pq.read_schema(demo_dir / "shipments/shipments.parquet")
    assert [(f.name, f.type) for f in prod] == [
        ("inn", pa.string()), ("period", pa.date32()), ("output_rub", pa.float64()), ("employees", pa.int64())]
    assert [(f.name, f.type) for f in ship] == [
        ("inn", pa.string()), ("period", pa.date32()), ("shipped_rub", pa.float64()), ("export_rub", pa.float64())]
    meta = pq.read_metadata(demo_dir / "shipments/shipments.parquet")
    assert meta.row_group(0).column(2).compression == "ZSTD"


# --- Validity --------------------------------------------------------------------------------


def test_register_valid(t):
    e = t["enterprises"]
    assert len(e) == 400
    assert e["inn"].is_unique and e["name"].is_unique
    assert all(inn_ok(i) for i in e["inn"])
    assert e["okved"].str.fullmatch(r"\d\d\.\d\d").all()
    assert e["division"].between(10, 33).all()
    assert e["oktmo"].notna().all(), "every municipality name is in the reference"
    assert set(e["oktmo"]) == set(t["municipalities"]["oktmo"]), "every municipality has an enterprise"
    assert e["size_en"].notna().all()
    assert set(e["size_en"]) == {"micro", "small", "medium", "large"}
    real = {"ЗЭСКМИ", "Техноиндустрия"}
    fictional = e[~e["name"].isin(real)]
    assert len(fictional) == len(e) - 2
    assert fictional["name"].str.contains("«Демо-", regex=False).all()


def test_facts_valid(t):
    register = set(t["enterprises"]["inn"])
    for name in ("production", "shipments", "loans", "subsidies"):
        df = t[name]
        assert df["inn"].isin(register).all(), name
        assert all(inn_ok(i) for i in df["inn"].unique()), name
    for name in ("production", "shipments"):
        df = t[name]
        assert not df.duplicated(["inn", "period"]).any()
        assert (df["period"].dt.day == 1).all()
        assert df["period"].min() == pd.Timestamp("2019-01-01")
        assert df["period"].max() == pd.Timestamp("2026-10-01")
    assert t["loans"]["loan_id"].is_unique and t["subsidies"]["subsidy_id"].is_unique
    s, p = t["shipments"], t["production"]
    assert (s["shipped_rub"] > 0).all() and (s["export_rub"] >= 0).all()
    assert (s["export_rub"] <= s["shipped_rub"]).all()
    for col in ("shipped_rub", "export_rub"):
        assert np.allclose(s[col], s[col].round(2), rtol=0, atol=1e-6)
    assert (p["output_rub"] > 0).all() and (p["employees"] > 0).all()
    assert (t["loans"]["amount_rub"] > 0).all() and t["loans"]["rate_pct"].between(0, 100).all()
    assert (t["subsidies"]["amount_rub"] > 0).all()


def test_series_complete_and_late_starters(t):
    """Every enterprise reports every month from its first one; a few start after 2019-01."""
    s = t["shipments"]
    first = s.groupby("inn")["period"].min()
    months = s.groupby("inn").size()
    expected = ((2026 - first.dt.year) * 12 + 10 - first.dt.month + 1)
    assert (months == expected).all()
    late = (first > pd.Timestamp("2019-01-01")).sum()
    assert 3 <= late <= 0.06 * len(first)
    assert first.max() <= pd.Timestamp("2024-12-01")
    both = t["production"][["inn", "period"]].merge(s[["inn", "period"]], how="outer", indicator=True)
    assert (both["_merge"] == "both").all()


def test_output_close_to_shipments_and_headcount_stable(t):
    m = t["production"].merge(t["shipments"], on=["inn", "period"])
    ratio = m["output_rub"] / m["shipped_rub"]
    assert ratio.between(0.95, 1.05).all()
    p = t["production"].sort_values(["inn", "period"])
    change = p.groupby("inn")["employees"].pct_change().abs().dropna()
    assert change.quantile(0.9) < 0.05


def test_sizes_consistent_with_headcount_and_revenue(t):
    """Register category = the higher of the 2025 headcount and revenue categories (209-FZ)."""
    p25 = t["production"][t["production"]["year"] == 2025].groupby("inn")["employees"].mean()
    r25 = t["shipments"][t["shipments"]["year"] == 2025].groupby("inn")["shipped_rub"].sum()

    def category(h, r):
        by_h = 0 if h <= 15 else 1 if h <= 100 else 2 if h <= 250 else 3
        by_r = 0 if r <= 120e6 else 1 if r <= 800e6 else 2 if r <= 2e9 else 3
        return ["micro", "small", "medium", "large"][max(by_h, by_r)]

    e = t["enterprises"].set_index("inn")
    expected = pd.Series({inn: category(p25[inn], r25[inn]) for inn in e.index})
    assert (expected == e["size_en"]).all()


def test_productivity_plausible(t):
    """2025 output per employee: roughly 3-30 mln rub a year, metallurgy highest."""
    p = t["production"][t["production"]["year"] == 2025]
    per = p.groupby("inn").agg(out=("output_rub", "sum"), emp=("employees", "mean"))
    per = per.join(t["enterprises"].set_index("inn")["division"])
    per["mln"] = per["out"] / per["emp"] / 1e6
    assert per["mln"].between(2.5, 36).all(), per["mln"].describe()
    by_div = per.groupby("division")["mln"].median()
    assert by_div.idxmax() == 24


def test_export_realistic(t, ship):
    s25 = ship[ship["year"] == 2025]
    by_firm = s25.groupby("inn")[["shipped_rub", "export_rub"]].sum()
    assert (by_firm["export_rub"] == 0).mean() > 0.4, "many firms do not export"
    by_div = s25.groupby("division")[["shipped_rub", "export_rub"]].sum()
    share = by_div["export_rub"] / by_div["shipped_rub"]
    assert share[24] > 0.15 and share[20] > 0.15
    assert share.max() < 0.6


def test_seasonality_and_bad_years(ship):
    """Building materials peak in summer; some firms have a year at least 15 % below the one before."""
    b = ship[(ship["division"] == 23) & (ship["year"] == 2024)].groupby("month")["shipped_rub"].sum()
    assert b[[6, 7, 8]].mean() > 1.3 * b[[1, 2]].mean()
    yearly = ship[ship["year"].between(2019, 2025)].groupby(["inn", "year"])["shipped_rub"].sum().unstack()
    krai = yearly.sum()
    relative = yearly / krai
    drops = (relative / relative.shift(axis=1) < 0.85).any(axis=1).sum()
    assert 10 <= drops <= 0.4 * len(yearly)


# --- Calibration (kuban_facts.md) ---------------------------------------------------------------


def yearly_totals(ship) -> pd.Series:
    return ship.groupby("year")["shipped_rub"].sum() / 1e9


def test_krai_totals(ship):
    y = yearly_totals(ship)
    for year, target in {2023: 534.6, 2024: 619.4, 2025: 624.6}.items():
        assert y[year] == pytest.approx(target, rel=0.02), year
    assert abs((y[2024] / y[2023] - 1) - (619.4 / 534.6 - 1)) <= 0.01
    assert abs((y[2025] / y[2024] - 1) - (624.6 / 619.4 - 1)) <= 0.01
    assert y[2022] == pytest.approx(534.6 / 1.15, rel=0.02)
    assert y[2019] < y[2021] < y[2022] and y[2020] < y[2019] * 1.02      # the 2020 dip
    # 2026 Jan-Oct, scaled to the year with 2025's seasonality, against the forecast
    m25 = ship[ship["year"] == 2025].groupby("month")["shipped_rub"].sum()
    share_jan_oct = m25.loc[1:10].sum() / m25.sum()
    assert y[2026] / share_jan_oct == pytest.approx(724.3, rel=0.05)


def test_top_municipalities_2023(ship):
    top = {"Абинский район": 96.7, "Краснодар": 67.1, "Новороссийск": 58.7, "Белореченский район": 28.4,
           "Тимашевский район": 19.9, "Армавир": 15.9, "Северский район": 12.4, "Кущёвский район": 9.9,
           "Динской район": 9.6, "Крымский район": 8.8}
    m = ship[ship["year"] == 2023].groupby("municipality")["shipped_rub"].sum().sort_values(ascending=False) / 1e9
    assert list(m.index[:10]) == list(top)
    for name, target in top.items():
        assert m[name] == pytest.approx(target, rel=0.05), name
    assert (m.iloc[10:] < 8.8).all() and (m.iloc[10:] < m.iloc[9]).all()
    assert len(m) == 44


def test_sector_mix_2025(ship):
    d = ship[ship["year"] == 2025].groupby("division")["shipped_rub"].sum()
    share = d / d.sum() * 100
    assert share[24] == pytest.approx(22.55, abs=1)
    assert share[23] == pytest.approx(20.62, abs=1)
    assert share[list(MACHINE_BUILDING & set(share.index))].sum() == pytest.approx(17.8, abs=1)
    assert share[[13, 14, 15]].sum() == pytest.approx(1.5, abs=0.5)
    assert share[10] + share[11] > 15                          # food is the largest of the rest
    assert {10, 11, 16, 17, 20, 22, 25, 31} <= set(share.index)


def test_geography(ship):
    """The anchor industries: metallurgy in Abinsk, chemicals in Belorechensk, and so on."""
    c = ship[ship["year"] == 2023].pivot_table(index="municipality", columns="division",
                                                 values="shipped_rub", aggfunc="sum", fill_value=0)
    assert c.loc["Абинский район"].idxmax() == 24
    assert c.loc["Белореченский район"].idxmax() == 20
    assert c.loc["Новороссийск"].idxmax() == 23 and c.loc["Новороссийск", 10] > 0
    assert c.loc["Тимашевский район"].idxmax() == 10
    assert c[24].idxmax() == "Абинский район"


# --- Loans and subsidies -----------------------------------------------------------------------------


def test_news_loans(t):
    e = t["enterprises"].set_index("inn")
    loans = t["loans"]
    news = loans[loans["programme"] == "Машиностроение"].copy()
    news["name"] = news["inn"].map(e["name"])
    news["oktmo"] = news["inn"].map(e["oktmo"])
    news = news.set_index("name")
    assert set(news.index) == {"ЗЭСКМИ", "Техноиндустрия"}
    assert news.loc["ЗЭСКМИ", "oktmo"] == "03701000"
    assert news.loc["Техноиндустрия", "oktmo"] == "03621000"
    assert e.loc[news.loc["ЗЭСКМИ", "inn"], "okved"] == "28.25"
    assert e.loc[news.loc["Техноиндустрия", "inn"], "okved"] == "28.96"
    assert news.loc["ЗЭСКМИ", "term_years"] == 3 and news.loc["Техноиндустрия", "term_years"] == 5
    assert (news["rate_pct"] == 3).all()
    assert (news["fund"] == REGIONAL).all() and (news["status"] == "Одобрен").all()
    assert news["amount_rub"].sum() == 102_000_000
    assert news["decision_date"].between("2026-09-01", "2026-10-31").all()
    assert (e["name"] == "ЗЭСКМИ").sum() == 1 and (e["name"] == "Техноиндустрия").sum() == 1


def test_regional_fund_volumes(t):
    loans = t["loans"]
    granted = loans[(loans["fund"] == REGIONAL) & (loans["status"] != "Отказано")]
    y2024 = granted[granted["decision_date"].dt.year == 2024]
    assert len(y2024) > 40 and y2024["amount_rub"].sum() > 2e9
    y2026 = granted[(granted["decision_date"].dt.year == 2026) & (granted["programme"] != "Машиностроение")]
    assert y2026["amount_rub"].sum() == pytest.approx(500e6, rel=0.05)
    assert (y2026["decision_date"] < pd.Timestamp("2026-09-01")).all()


def test_loan_programmes_and_statuses(t, ship):
    loans = t["loans"]
    assert set(loans["fund"]) == {"ФРП", REGIONAL}
    assert set(loans["status"]) <= {"Одобрен", "Выдан", "Погашен", "Отказано"}
    reg = loans[loans["fund"] == REGIONAL]
    fed = loans[loans["fund"] == "ФРП"]
    dev = reg[reg["programme"] == "Проекты развития"]
    assert dev["amount_rub"].between(5e6, 100e6).all() and set(dev["rate_pct"]) <= {3.0, 2.5}
    assert (dev.loc[dev["amount_rub"] < 75e6, "term_years"] <= 7).all() and (dev["term_years"] <= 10).all()
    prio = reg[reg["programme"] == "Приоритет"]
    assert prio["amount_rub"].between(3e6, 30e6).all() and prio["rate_pct"].between(1, 3).all()
    assert (reg.loc[reg["programme"] == "Импортозамещение", "rate_pct"] == 0.1).all()
    assert reg.loc[reg["programme"] == "Пищевик", "rate_pct"].between(1, 3).all()
    assert (reg.loc[reg["programme"] == "Машиностроение", "decision_date"].dt.year == 2026).all()
    fdev = fed[fed["programme"] == "Проекты развития"]
    assert fdev["amount_rub"].between(100e6, 1000e6).all() and set(fdev["rate_pct"]) <= {3.0, 1.0}
    assert (fed["term_years"] <= 5).all()
    # status by age: nothing of 2026 is repaid, nothing from before 2026-08 merely approved
    assert not ((loans["decision_date"].dt.year == 2026) & (loans["status"] == "Погашен")).any()
    assert not ((loans["decision_date"] < "2026-08-01") & (loans["status"] == "Одобрен")).any()
    # borrowers: mostly medium/large, machine-building over-represented
    e = t["enterprises"].set_index("inn")
    sizes = loans["inn"].map(e["size_en"])
    assert sizes.isin(["medium", "large"]).mean() > 0.6
    mb_loans = loans["inn"].map(e["division"]).isin(MACHINE_BUILDING).mean()
    mb_firms = e["division"].isin(MACHINE_BUILDING).mean()
    assert mb_loans > 1.3 * mb_firms
    # a loan is decided after the borrower starts reporting
    first = ship.groupby("inn")["period"].min()
    assert (loans["decision_date"] >= loans["inn"].map(first)).all()


def test_subsidies(t):
    s = t["subsidies"]
    year = s["decision_date"].dt.year
    totals = s.groupby(year)["amount_rub"].sum()
    assert totals[2024] == pytest.approx(1.53e9, rel=0.02)
    assert totals[2025] == pytest.approx(0.642e9, rel=0.02)
    batch = s[(s["decision_date"] >= "2026-10-01")]
    assert batch["amount_rub"].sum() == pytest.approx(20.8e6, abs=0.01)
    assert (batch["budget"] == "региональный").all()
    assert set(s["budget"]) == {"региональный", "федеральный"}
    assert (s["budget"] == "региональный").mean() > 0.75
    assert s["programme"].nunique() == 5
    assert s["decision_date"].max() <= pd.Timestamp("2026-10-31")
    e = t["enterprises"].set_index("inn")
    discounts = s[s["programme"].str.startswith("Компенсация скидок")]
    assert discounts["inn"].map(e["division"]).isin(MACHINE_BUILDING).all()


# --- Determinism and the committed copy --------------------------------------------------------------


def assert_same_folder(a: Path, b: Path) -> None:
    for name in CSV_FILES + ["demo.json"]:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    for name in PARQUET_FILES:
        assert pq.read_table(a / name).equals(pq.read_table(b / name)), name


def test_deterministic(demo_dir, tmp_path):
    demo.generate(tmp_path)
    assert_same_folder(demo_dir, tmp_path)


def test_other_arguments_change_the_data(tmp_path):
    demo.generate(tmp_path, enterprises=150, seed=7)
    t = read_folder(tmp_path)
    assert len(t["enterprises"]) == 150
    assert t["enterprises"]["oktmo"].nunique() == 44
    y = t["shipments"].groupby("year")["shipped_rub"].sum() / 1e9
    assert y[2024] == pytest.approx(619.4, rel=0.02)


def test_committed_data_is_regenerated_output(demo_dir):
    """data/ holds exactly `python -m kuban demo --out data` with the default arguments."""
    assert (COMMITTED / "demo.json").is_file(), "no demo set in data/: `make demo`"
    assert_same_folder(demo_dir, COMMITTED)
    size = sum(p.stat().st_size for p in COMMITTED.rglob("*")
               if p.is_file() and ".kuban" not in p.relative_to(COMMITTED).parts)   # not the store the tests made
    assert size < 3_000_000


# --- The project's loader accepts the demo set and the examples --------------------------------------


def test_loader_accepts_demo_without_problems(demo_dir):
    result = load_folder(demo_dir)
    assert result.problems.empty, result.problems.to_string()
    assert result.demo and result.demo.get("demo") is True
    assert len(result.tables["enterprises"]) == 400


def test_examples_load_without_problems(demo_dir, tmp_path):
    """Each example is valid; all but municipalities.csv also load cleanly on top of the demo set."""
    tables = ["municipalities", "enterprises", "production", "shipments", "loans", "subsidies"]
    assert sorted(p.name for p in EXAMPLES.iterdir()) == sorted(f"{n}.csv" for n in tables)
    ents = pd.read_csv(EXAMPLES / "enterprises.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert ents["ИНН"].map(inn_ok).all()
    alone, with_demo = tmp_path / "alone", tmp_path / "with_demo"
    shutil.copytree(demo_dir, with_demo)
    for name in tables:
        raw = (EXAMPLES / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0]
        (alone / name).mkdir(parents=True)
        shutil.copy(EXAMPLES / f"{name}.csv", alone / name / f"{name}.csv")
        if name != "municipalities":
            shutil.copy(EXAMPLES / f"{name}.csv", with_demo / name / f"example_{name}.csv")
    result = load_folder(alone)
    assert result.problems.empty, result.problems.to_string()
    assert all(len(result.tables[n]) > 0 for n in tables)
    result = load_folder(with_demo)
    assert result.problems.empty, result.problems.to_string()     # nothing superseded either
    assert len(result.tables["enterprises"]) == 404
