"""The smart-industry cluster: its definition, saved definitions, and the arithmetic of the «Кластер» page.

No Streamlit here. SQL (queries/cluster_*.sql) aggregates the facts; the functions below turn those
small aggregates into location quotients, quadrants, anchors, shares and the requirements check.

Location quotient of industry i in municipality j (employment or output, against the whole krai):

    LQ_ij = (e_ij / e_j) / (E_i / E)  =  (e_ij * E) / (e_j * E_i)

e_ij: industry i in j; e_j: every industry with data in j; E_i: industry i in the krai; E: everything
in the krai. It is computed in the second form, so integer inputs give exact quotients.

Saved definitions are JSON files `<data folder>/clusters/NAME.json` (the loader skips that folder and
the data fingerprint ignores it: kuban/paths.py SETTINGS_FOLDERS). A file there may be anything (huge,
nested 100 000 levels deep, not JSON, a pipe, wrong types): `load()` refuses it with a Russian reason and
`saved()` never raises, so one bad file costs a warning, never the page. The reasons quote what the file
holds as plain text; the page escapes them for Markdown.
"""
from __future__ import annotations

import json
import math
import os
import re
import stat
import tempfile
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Callable

import pandas as pd

from kuban import paths
from kuban import texts as T

DEFAULT_CODES = ("26", "27", "28", "29", "30", "33")
CLUSTER = "cluster"     # the industry key of the cluster as a whole in queries/cluster_specialisation.sql
TOTAL = "total"         # ... and of every industry together
EPS = 1e-9              # LQ at the threshold counts as reaching it despite floating-point noise
CODE_RE = re.compile(r"^\d{2}(\.\d{1,2})?$")
NAME_RE = re.compile(r"^[\w][\w \-.,()«»№]*$", re.UNICODE)
NAME_MAX = 60
FILE_MAX_BYTES = 64 * 1024   # a definition is a few hundred bytes; anything much larger is not one
FILES_MAX = 200              # saved definitions read from the folder (by name); more are left out with a notice
QUOTED_MAX = 5               # values quoted in one message; «и ещё N» for the rest
QUOTED_CHARS = 40            # a quoted value longer than this is cut
QUADRANTS = ("leading", "mature", "emerging", "transforming")
THIN = "thin"           # «мало данных»


class DefinitionError(ValueError):
    """A definition that cannot be used; the message is Russian and says what to fix."""


# --- The definition ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Definition:
    name: str = T.CLUSTER_DEFAULT_NAME
    codes: tuple[str, ...] = DEFAULT_CODES          # OKVED prefixes: division NN, group NN.N, class NN.NN
    lq_threshold: float = 1.25                      # specialised when LQ >= this
    min_enterprises: int = 3                        # fewer cluster enterprises in a municipality: «мало данных»
    min_employees: int = 100                        # fewer cluster employees in a municipality: «мало данных»
    anchor_large: bool = True                       # every large enterprise of the cluster is an anchor
    anchor_top_n: int = 5                           # ... and so are the N largest by shipments (0 = none)
    min_participants: int = 10                      # Decree 779: industrial participants, at least
    years_back: int = 3                             # LQ change: the same months this many years earlier

    def to_dict(self) -> dict:
        d = asdict(self)
        d["codes"] = list(self.codes)
        return d


# (field, kind, min, max) for validation; kind: float, int, bool
_FIELDS = (
    ("lq_threshold", float, 0.05, 20.0),
    ("min_enterprises", int, 1, 10_000),
    ("min_employees", int, 0, 10_000_000),
    ("anchor_large", bool, None, None),
    ("anchor_top_n", int, 0, 10_000),
    ("min_participants", int, 1, 100_000),
    ("years_back", int, 1, 20),
)


def shown(value, limit: int = QUOTED_CHARS) -> str:
    """A value from a file or the user as a short one-line text for a message (cut with «…»); a file name
    that is not valid UTF-8 is shown with � in place of the bad bytes."""
    text = str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quoted(values) -> str:
    """«a», «b», «c» и ещё 7 — the first few values, each `shown()`."""
    values = list(values)
    text = ", ".join(f"«{shown(v)}»" for v in values[:QUOTED_MAX])
    if len(values) > QUOTED_MAX:
        text += " " + T.MORE_ITEMS.format(n=len(values) - QUOTED_MAX)
    return text


def clean_codes(codes) -> tuple[tuple[str, ...], list[str]]:
    """Valid OKVED prefixes (sorted, unique, spaces removed) and the entries that are not one."""
    good, bad = set(), []
    for c in codes or ():
        text = re.sub(r"\s", "", str(c))
        (good.add(text) if CODE_RE.fullmatch(text) else bad.append(str(c)))
    return tuple(sorted(good)), bad


def from_dict(data, name: str | None = None) -> Definition:
    """A Definition from plain data (a JSON object); DefinitionError (Russian) when it is unusable."""
    if not isinstance(data, dict):
        raise DefinitionError(T.CLUSTER_ERR_NOT_OBJECT)
    if "codes" not in data:
        raise DefinitionError(T.CLUSTER_ERR_NO_CODES)
    raw_codes = data["codes"]
    if not isinstance(raw_codes, list) or not all(isinstance(c, str) for c in raw_codes):
        raise DefinitionError(T.CLUSTER_ERR_CODES_TYPE)
    codes, bad = clean_codes(raw_codes)
    if bad:
        raise DefinitionError(T.CLUSTER_ERR_CODE.format(codes=quoted(bad)))
    if not codes:
        raise DefinitionError(T.CLUSTER_ERR_NO_CODES)
    values = {}
    for key, kind, lo, hi in _FIELDS:
        if key not in data:
            continue
        v = data[key]
        if kind is bool:
            if not isinstance(v, bool):
                raise DefinitionError(T.CLUSTER_ERR_BOOL.format(field=T.CLUSTER_FIELDS[key]))
        else:
            if isinstance(v, bool) or not isinstance(v, (int, float)) or (isinstance(v, float) and not math.isfinite(v)):
                raise DefinitionError(T.CLUSTER_ERR_NUMBER.format(field=T.CLUSTER_FIELDS[key], value=shown(v)))
            if kind is int:
                if float(v) != int(v):
                    raise DefinitionError(T.CLUSTER_ERR_INTEGER.format(field=T.CLUSTER_FIELDS[key], value=v))
                v = int(v)
            else:
                v = float(v)
            if not lo <= v <= hi:
                raise DefinitionError(T.CLUSTER_ERR_RANGE.format(field=T.CLUSTER_FIELDS[key], value=v,
                                                                 lo=lo, hi=hi))
        values[key] = v
    label = name if name is not None else data.get("name", T.CLUSTER_DEFAULT_NAME)
    if not isinstance(label, str) or not label.strip():
        label = T.CLUSTER_DEFAULT_NAME
    return Definition(name=label.strip(), codes=codes, **values)


# --- Saved definitions: <data>/clusters/NAME.json ----------------------------------------------

def folder(data_dir: Path | str) -> Path:
    return Path(data_dir) / paths.CLUSTERS_FOLDER


def check_name(name: str) -> str:
    """The name as a file stem, or DefinitionError: letters, digits, spaces and - . , ( ) « » №."""
    text = " ".join((name or "").split())
    if not text:
        raise DefinitionError(T.CLUSTER_ERR_NAME_EMPTY)
    if len(text) > NAME_MAX or not NAME_RE.fullmatch(text) or text.startswith(".") or text.endswith("."):
        raise DefinitionError(T.CLUSTER_ERR_NAME.format(name=text, n=NAME_MAX))
    return text


def save(data_dir: Path | str, definition: Definition, name: str | None = None) -> Path:
    """Write the definition as `<data>/clusters/NAME.json` (replacing one of that name); returns the path."""
    stem = check_name(name if name is not None else definition.name)
    target = folder(data_dir)
    target.mkdir(parents=True, exist_ok=True)
    data = replace(definition, name=stem).to_dict()
    fd, tmp = tempfile.mkstemp(dir=target, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
        os.replace(tmp, target / f"{stem}.json")
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target / f"{stem}.json"


def _read(path: Path) -> str:
    """The text of a saved definition: a regular file of at most FILE_MAX_BYTES in UTF-8 (else DefinitionError).

    Opened without blocking and checked on the open descriptor, so a pipe named *.json cannot hang the page
    and a file that grows while it is read is still cut at the limit."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise DefinitionError(T.CLUSTER_ERR_NOT_FILE)
        with os.fdopen(fd, "rb") as fh:
            fd = None
            raw = fh.read(FILE_MAX_BYTES + 1)
    finally:
        if fd is not None:
            os.close(fd)
    if len(raw) > FILE_MAX_BYTES:
        raise DefinitionError(T.CLUSTER_ERR_TOO_BIG.format(kb=FILE_MAX_BYTES // 1024))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DefinitionError(T.CLUSTER_ERR_ENCODING) from None


def load(path: Path | str) -> Definition:
    """Read and validate one saved definition; DefinitionError names the file and the reason in Russian."""
    path = Path(path)
    where = shown(path.name, 80)
    try:
        text = _read(path)
    except DefinitionError as exc:
        raise DefinitionError(T.CLUSTER_ERR_FILE.format(file=where, reason=str(exc))) from None
    except OSError as exc:
        raise DefinitionError(T.CLUSTER_ERR_FILE.format(file=where, reason=shown(exc.strerror or exc, 120))) from None
    try:
        data = json.loads(text)
    except RecursionError:      # "[[[[…" nested deeper than Python's stack allows
        raise DefinitionError(T.CLUSTER_ERR_FILE.format(file=where, reason=T.CLUSTER_ERR_TOO_DEEP)) from None
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        reason = T.CLUSTER_ERR_JSON.format(line=line) if line else T.CLUSTER_ERR_JSON_NOLINE
        raise DefinitionError(T.CLUSTER_ERR_FILE.format(file=where, reason=reason)) from None
    try:
        return from_dict(data, name=shown(path.stem, NAME_MAX))
    except DefinitionError as exc:
        raise DefinitionError(T.CLUSTER_ERR_FILE.format(file=where, reason=str(exc))) from None
    except RecursionError:      # a deep value inside a field (str() or comparisons of it)
        raise DefinitionError(T.CLUSTER_ERR_FILE.format(file=where, reason=T.CLUSTER_ERR_TOO_DEEP)) from None


def saved(data_dir: Path | str) -> tuple[dict[str, Definition], list[str]]:
    """Every saved definition by name, and a Russian message for each file that could not be used.

    Never raises: an unreadable folder or file is one more message. At most FILES_MAX files are read."""
    found: dict[str, Definition] = {}
    errors: list[str] = []
    base = folder(data_dir)
    try:
        if not base.is_dir():
            return found, errors
        paths = sorted((p for p in base.iterdir() if p.suffix.lower() == ".json" and not p.name.startswith(".")),
                       key=lambda p: p.name.lower())
    except OSError as exc:
        return found, [T.CLUSTER_ERR_FOLDER.format(error=shown(exc.strerror or exc, 120))]
    if len(paths) > FILES_MAX:
        errors.append(T.CLUSTER_TOO_MANY.format(n=len(paths), shown=FILES_MAX))
        paths = paths[:FILES_MAX]
    for path in paths:
        try:
            d = load(path)
        except DefinitionError as exc:
            errors.append(str(exc))
            continue
        except Exception as exc:   # noqa: BLE001 - whatever a file holds, the page goes on
            errors.append(T.CLUSTER_ERR_FILE.format(file=shown(path.name, 80), reason=shown(type(exc).__name__)))
            continue
        found[d.name] = d
    return found, errors


# --- Location quotients -------------------------------------------------------------------------

def lq(e_ij, e_j, big_e_i, big_e) -> float:
    """(e_ij / e_j) / (E_i / E); NaN when the municipality or the industry has nothing to compare."""
    values = [e_ij, e_j, big_e_i, big_e]
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values):
        return math.nan
    if e_j == 0 or big_e_i == 0 or big_e == 0:
        return math.nan
    return (float(e_ij) * float(big_e)) / (float(e_j) * float(big_e_i))


def _lq_columns(frame: pd.DataFrame, value: str) -> pd.Series:
    """LQ of every row of `frame` (oktmo, industry, value) against its municipality's total and the krai."""
    total_j = frame[frame["industry"] == TOTAL].set_index("oktmo")[value]
    krai_i = frame.groupby("industry")[value].sum()
    big_e = float(krai_i.get(TOTAL, 0.0))
    e_j = frame["oktmo"].map(total_j).astype(float)
    e_i = frame["industry"].map(krai_i).astype(float)
    num = frame[value].astype(float) * big_e
    den = e_j * e_i
    return (num / den.where(den != 0)).astype(float)


def thin(enterprises, employees, d: Definition) -> bool:
    """Too little data for a meaningful LQ: fewer enterprises or employees than the definition asks."""
    ent = 0 if enterprises is None or pd.isna(enterprises) else enterprises
    emp = 0 if employees is None or pd.isna(employees) else employees
    return bool(ent < d.min_enterprises or emp < d.min_employees)


def quadrant(lq_now, change, threshold: float) -> str | None:
    """Purdue PCRD quadrant: leading (high, growing), mature (high, shrinking), emerging (low, growing),
    transforming (low, shrinking). High = LQ >= threshold; growing = change > 0. None when unknown."""
    if lq_now is None or change is None or pd.isna(lq_now) or pd.isna(change):
        return None
    high = lq_now >= threshold - EPS
    growing = change > EPS
    if high:
        return "leading" if growing else "mature"
    return "emerging" if growing else "transforming"


def location_quotients(agg: pd.DataFrame, d: Definition, munis=()) -> pd.DataFrame:
    """LQ by employment and output of every code of the definition and of the cluster, per municipality.

    `agg` is queries/cluster_specialisation.sql. Krai totals use every municipality; `munis` (OKTMO codes)
    only chooses which rows are returned. Municipalities without data in the period are left out.
    Columns: oktmo, municipality, industry (a code or CLUSTER), employees, output_rub, enterprises,
    lq_employment, lq_output, lq_employment_then, lq_output_then, change_employment, change_output,
    thin, quadrant_employment, quadrant_output.
    """
    cols = ["oktmo", "municipality", "industry", "employees", "output_rub", "enterprises",
            "lq_employment", "lq_output", "lq_employment_then", "lq_output_then",
            "change_employment", "change_output", "thin", "quadrant_employment", "quadrant_output"]
    frame = agg[agg["oktmo"].notna()].copy()
    if frame.empty:
        return pd.DataFrame(columns=cols)
    # Every municipality with data gets a row for every code and for the cluster (zero where it has none).
    wanted = list(d.codes) + [CLUSTER, TOTAL]
    munis_all = frame[["oktmo", "municipality"]].drop_duplicates("oktmo")
    grid = munis_all.merge(pd.DataFrame({"industry": wanted}), how="cross")
    frame = grid.merge(frame.drop(columns="municipality"), on=["oktmo", "industry"], how="left")
    for c in ("employees", "output_rub", "employees_then", "output_then_rub"):
        frame[c] = frame[c].fillna(0.0).astype(float)
    for c in ("enterprises", "enterprises_then"):
        frame[c] = frame[c].fillna(0).astype(int)

    frame["lq_employment"] = _lq_columns(frame, "employees")
    frame["lq_output"] = _lq_columns(frame, "output_rub")
    frame["lq_employment_then"] = _lq_columns(frame, "employees_then")
    frame["lq_output_then"] = _lq_columns(frame, "output_then_rub")
    frame["change_employment"] = frame["lq_employment"] - frame["lq_employment_then"]
    frame["change_output"] = frame["lq_output"] - frame["lq_output_then"]
    frame["thin"] = [thin(n, e, d) for n, e in zip(frame["enterprises"], frame["employees"])]
    for basis in ("employment", "output"):
        frame[f"quadrant_{basis}"] = [
            THIN if t else quadrant(x, y, d.lq_threshold)
            for t, x, y in zip(frame["thin"], frame[f"lq_{basis}"], frame[f"change_{basis}"])]

    totals = frame[frame["industry"] == TOTAL].set_index("oktmo")
    has_data = totals[(totals["employees"] > 0) | (totals["output_rub"] > 0)].index
    frame = frame[(frame["industry"] != TOTAL) & frame["oktmo"].isin(has_data)]
    if munis:
        frame = frame[frame["oktmo"].isin(list(munis))]
    order = {c: i for i, c in enumerate(wanted)}
    frame = frame.assign(_o=frame["industry"].map(order)).sort_values(["oktmo", "_o"]).drop(columns="_o")
    return frame[cols].reset_index(drop=True)


def specialised(lqs: pd.DataFrame, d: Definition, basis: str = "employment") -> pd.DataFrame:
    """Municipalities whose cluster LQ reaches the threshold with enough data, highest first."""
    c = lqs[(lqs["industry"] == CLUSTER) & ~lqs["thin"] & (lqs[f"lq_{basis}"] >= d.lq_threshold - EPS)]
    return c.sort_values([f"lq_{basis}", "municipality"], ascending=[False, True])


def lq_download(lqs: pd.DataFrame) -> pd.DataFrame:
    """The location-quotient table as downloaded: the cluster-as-a-whole rows have division «кластер»."""
    out = lqs.assign(division=lqs["industry"].replace({CLUSTER: T.CLUSTER_ROW}))
    return out[["oktmo", "municipality", "division", "lq_employment", "lq_output", "employees", "output_rub"]]


# --- Members and anchors ------------------------------------------------------------------------

def mark_anchors(members: pd.DataFrame, d: Definition) -> pd.DataFrame:
    """`anchor` (bool) and `anchor_reason` (Russian): large, and/or among the top N by shipments.

    `shipped_rank` comes from queries/cluster_members.sql: the rank among all members of the krai
    (not only the municipalities shown), so a filter does not make a small firm an anchor."""
    large = (members["size"] == "large") if d.anchor_large else pd.Series(False, index=members.index)
    top = (members["shipped_rank"] <= d.anchor_top_n) & members["shipped_rub"].fillna(0).gt(0) \
        if d.anchor_top_n > 0 else pd.Series(False, index=members.index)
    large, top = large.fillna(False).astype(bool), top.fillna(False).astype(bool)
    reason = [", ".join(r for r, on in ((T.CLUSTER_ANCHOR_LARGE, a), (T.CLUSTER_ANCHOR_TOP.format(n=d.anchor_top_n), b)) if on)
              for a, b in zip(large, top)]
    return members.assign(anchor=large | top, anchor_reason=reason)


# --- The cluster against the rest of industry ------------------------------------------------------

def versus_rest(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per window (the chosen months, and the same months 1, 2, ... years earlier), oldest first.

    `frame` is queries/cluster_vs_rest.sql. Columns: years_back, window_from, window_to, and for the cluster
    (c_) and the rest (r_): shipped, output, employees, support, growth (shipments against the
    window a year earlier), productivity (output per employee); shares of the cluster in the total.
    """
    cols = ["years_back", "window_from", "window_to"]
    measures = ["shipped_rub", "output_rub", "employees", "support_rub"]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    out = frame[cols].drop_duplicates("years_back")
    for flag, prefix in ((True, "c_"), (False, "r_")):
        part = frame[frame["in_cluster"] == flag].set_index("years_back")[measures].add_prefix(prefix)
        out = out.merge(part, left_on="years_back", right_index=True, how="left")
    out = out.sort_values("years_back", ascending=False).reset_index(drop=True)
    for p in ("c_", "r_"):
        out[p + "support_rub"] = out[p + "support_rub"].fillna(0.0)
        prev = out.set_index("years_back")[p + "shipped_rub"]
        before = (out["years_back"] + 1).map(prev)
        out[p + "growth"] = out[p + "shipped_rub"] / before.where(before > 0) - 1
        emp = out[p + "employees"]
        out[p + "productivity_rub"] = out[p + "output_rub"] / emp.where(emp > 0)
    for m, name in (("shipped_rub", "share_shipped"), ("employees", "share_employees"),
                    ("support_rub", "share_support"), ("output_rub", "share_output")):
        total = out["c_" + m].fillna(0) + out["r_" + m].fillna(0)
        out[name] = out["c_" + m].fillna(0) / total.where(total > 0)
    return out


# --- Decree 779 ---------------------------------------------------------------------------------

def requirements(participants: int, d: Definition) -> pd.DataFrame:
    """The requirements of Decree 779 (as summarised in the project's facts): the one the data can test
    with threshold, value and result; the others marked «данные не позволяют проверить»."""
    ok = participants >= d.min_participants
    rows = [{
        "requirement": T.CLUSTER_REQ_PARTICIPANTS,
        "threshold": T.CLUSTER_REQ_AT_LEAST.format(n=d.min_participants),
        "value": str(participants),
        "result": T.CLUSTER_REQ_PASS if ok else T.CLUSTER_REQ_FAIL,
        "passed": ok,
    }]
    for text in T.CLUSTER_REQ_UNTESTABLE:
        rows.append({"requirement": text["requirement"], "threshold": text["threshold"], "value": "—",
                     "result": T.CLUSTER_REQ_UNKNOWN, "passed": None})
    return pd.DataFrame(rows)


# --- Everything the page shows, from the queries ---------------------------------------------------

@dataclass
class Analysis:
    definition: Definition
    lqs: pd.DataFrame              # location_quotients(), filtered to the chosen municipalities
    members: pd.DataFrame          # one row per member enterprise, with anchor marks
    trend: pd.DataFrame            # versus_rest()
    requirements: pd.DataFrame
    headline: dict = field(default_factory=dict)


def params(d: Definition, munis, date_from: date, date_to: date) -> dict:
    return {"cluster_codes": list(d.codes), "years_back": int(d.years_back), "munis": list(munis),
            "date_from": date_from, "date_to": date_to, "refused": [s.lower() for s in T.LOAN_REFUSED_STATUSES]}


def analyse(run: Callable[[str, dict], pd.DataFrame], d: Definition, munis, date_from: date, date_to: date,
            basis: str = "employment") -> Analysis:
    """Run the cluster queries (`run(name, params)`, e.g. kuban.app.ui.run) and compute what the page shows."""
    p = params(d, munis, date_from, date_to)
    lqs = location_quotients(run("cluster_specialisation", p), d, munis)
    members = mark_anchors(run("cluster_members", p), d)
    trend = versus_rest(run("cluster_vs_rest", p))
    now = trend[trend["years_back"] == 0].iloc[0] if len(trend) and (trend["years_back"] == 0).any() else None
    spec = specialised(lqs, d, basis)
    headline = {
        "members": int(len(members)),
        "anchors": int(members["anchor"].sum()) if len(members) else 0,
        "specialised": list(spec["municipality"]),
        "specialised_lq": list(spec[f"lq_{basis}"]),
        "thin": list(lqs[(lqs["industry"] == CLUSTER) & lqs["thin"]]["municipality"]),
        # codes with no employment and no output anywhere in the krai (their LQ is undefined)
        "codes_without_data": [c for c in d.codes
                               if lqs.loc[lqs["industry"] == c, ["lq_employment", "lq_output"]].isna().all().all()],
    }
    for key in ("share_shipped", "share_employees", "share_support", "c_growth", "r_growth",
                "c_productivity_rub", "r_productivity_rub", "c_shipped_rub", "c_employees", "c_support_rub"):
        headline[key] = (None if now is None or pd.isna(now[key]) else float(now[key]))
    return Analysis(d, lqs, members, trend, requirements(len(members), d), headline)


def comparison(analyses: list[Analysis]) -> pd.DataFrame:
    """Saved definitions side by side: one row per parameter or result, one column per definition
    (values as Russian text). Column names are the definitions' names (made unique)."""
    from kuban.app import fmt
    rows = T.CLUSTER_COMPARE_ROWS
    out = {T.CLUSTER_COMPARE_ROW: list(rows.values())}
    for a in analyses:
        d, h = a.definition, a.headline
        anchors = [T.CLUSTER_DEF_ANCHORS_LARGE] if d.anchor_large else []
        if d.anchor_top_n:
            anchors.append(T.CLUSTER_DEF_ANCHORS_TOP.format(n=d.anchor_top_n))
        spec = "; ".join(f"{m} ({fmt.number(v, 2)})" for m, v in zip(h["specialised"], h["specialised_lq"])) or "—"
        req = a.requirements.iloc[0]
        values = {
            "codes": ", ".join(d.codes),
            "lq_threshold": fmt.number(d.lq_threshold, 2),
            "thin": T.CLUSTER_COMPARE_THIN.format(ent=fmt.number(d.min_enterprises), emp=fmt.number(d.min_employees)),
            "anchor_rule": " или ".join(anchors) or T.CLUSTER_DEF_ANCHORS_NONE,
            "members": fmt.number(h["members"]),
            "anchors": fmt.number(h["anchors"]),
            "specialised": spec,
            "share_shipped": fmt.percent(h["share_shipped"]),
            "share_employees": fmt.percent(h["share_employees"]),
            "share_support": fmt.percent(h["share_support"]),
            "growth": fmt.percent(h["c_growth"], signed=True),
            "productivity": fmt.money(h["c_productivity_rub"]),
            "requirement": f"{req['result']} ({req['value']} из {d.min_participants})",
        }
        name = d.name
        while name in out:
            name += " (2)"
        out[name] = [values[k] for k in rows]
    return pd.DataFrame(out)


def display_order(lqs: pd.DataFrame, basis: str = "employment") -> pd.DataFrame:
    """`lqs` for the heat map: municipalities with at least one cluster enterprise, enough data first,
    then by cluster LQ, highest first."""
    key = lqs[(lqs["industry"] == CLUSTER) & (lqs["enterprises"] > 0)].set_index("oktmo")
    rank = (key["thin"].astype(int) * 1000 - key[f"lq_{basis}"].fillna(-1)).sort_values(kind="stable")
    order = {o: i for i, o in enumerate(rank.index)}
    shown = lqs[lqs["oktmo"].isin(order)]
    return shown.assign(_o=shown["oktmo"].map(order)).sort_values("_o", kind="stable").drop(columns="_o")


def heatmap_columns(d: Definition, codes_without_data=()) -> dict[str, str]:
    """Heat-map columns: each code with data («28<br>машины и<br>оборудование»), then the cluster."""
    cols = {}
    for code in d.codes:
        if code in codes_without_data:
            continue
        short = T.CLUSTER_DIVISION_SHORT.get(code) if len(code) == 2 else None
        cols[code] = f"<b>{code}</b><br>{short}" if short else f"<b>{code}</b>"
    cols[CLUSTER] = T.CLUSTER_ROW_LABEL
    return cols


def quadrant_frame(lqs: pd.DataFrame, basis: str = "employment") -> pd.DataFrame:
    """One row per municipality for the quadrant chart: municipality, lq, change, employees, quadrant."""
    c = lqs[lqs["industry"] == CLUSTER]
    return pd.DataFrame({"oktmo": c["oktmo"], "municipality": c["municipality"], "lq": c[f"lq_{basis}"],
                         "change": c[f"change_{basis}"], "employees": c["employees"],
                         "quadrant": c[f"quadrant_{basis}"]}).reset_index(drop=True)
