"""Russian number formatting («1 234,5 млн ₽», «12,3 %», «март 2025») and data text made safe to show:
`md()` for Streamlit Markdown, `plot()` for Plotly."""
from __future__ import annotations

import math
import re
from datetime import date

import pandas as pd

from kuban import texts as T

NBSP = "\u00a0"
THOUSANDS = NBSP                   # no-break space: numbers never wrap
PLOTLY_SEPARATORS = "," + NBSP     # Plotly: decimal mark, then thousands separator

MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь",
          "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь")
MONTHS_SHORT = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")

# (divisor, unit) from largest to smallest
MONEY_UNITS = ((1e12, "трлн\u00a0₽"), (1e9, "млрд\u00a0₽"), (1e6, "млн\u00a0₽"), (1e3, "тыс.\u00a0₽"), (1, "₽"))


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA or x is pd.NaT


def number(x, decimals: int = 0) -> str:
    """1234567.891 -> «1 234 567,9» (decimals=1)."""
    if _missing(x):
        return "—"
    text = f"{float(x):,.{decimals}f}"
    return text.replace(",", THOUSANDS).replace(".", ",")


def parse_decimal(text) -> float | None:
    """A number typed the Russian way or the other («1,6», «1.6», « 1 234,5 ») as a float; None when the text
    is not one finite number."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", str(text or "")[:100]).replace(",", ".")
    if len(cleaned) > 40 or not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", cleaned):
        return None
    value = float(cleaned)
    return value if math.isfinite(value) else None


def money_unit(max_abs: float) -> tuple[float, str]:
    """The unit that suits a magnitude (for a whole chart axis or table)."""
    for divisor, unit in MONEY_UNITS:
        if abs(max_abs) >= divisor:
            return divisor, unit
    return 1, "₽"


def money(x, decimals: int = 1) -> str:
    """Rubles in the largest fitting unit: 1 234 500 000 -> «1,2 млрд ₽»."""
    if _missing(x):
        return "—"
    divisor, unit = money_unit(float(x))
    if divisor == 1:
        decimals = 0
    return f"{number(float(x) / divisor, decimals)}{NBSP}{unit}"


def people(x) -> str:
    """A headcount: 1234.4 -> «1 234 чел.» («—» when unknown)."""
    return "—" if _missing(x) else f"{number(x)}{NBSP}{T.UNIT_PEOPLE}"


def percent(x, decimals: int = 1, signed: bool = False) -> str:
    """A share 0.123 -> «12,3 %»; signed -> «+12,3 %»."""
    if _missing(x) or (isinstance(x, float) and math.isinf(x)):
        return "—"
    text = number(float(x) * 100, decimals)
    if signed and float(x) > 0:
        text = "+" + text
    return f"{text}{NBSP}%"


def plural(n: int, one: str, few: str, many: str) -> str:
    """Russian plural agreement: 1 строка, 2 строки, 5 строк, 21 строка, 11 строк."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def change(current, previous):
    """Relative change, or None where there is nothing to compare with."""
    if _missing(current) or _missing(previous) or float(previous) == 0:
        return None
    return float(current) / float(previous) - 1


def month(d) -> str:
    """date(2025, 3, 1) -> «март 2025»."""
    d = pd.Timestamp(d)
    return f"{MONTHS[d.month - 1]} {d.year}"


def month_short(d) -> str:
    d = pd.Timestamp(d)
    return f"{MONTHS_SHORT[d.month - 1]} {d.year}"


def period(d_from: date, d_to: date) -> str:
    """«ноябрь 2025 — октябрь 2026»."""
    if pd.Timestamp(d_from) == pd.Timestamp(d_to):
        return month(d_from)
    return f"{month(d_from)} — {month(d_to)}"


def date_ru(d) -> str:
    if _missing(d):
        return "—"
    return pd.Timestamp(d).strftime("%d.%m.%Y")


# --- Text from data (names, programmes, statuses, file names, saved definitions) -----------------------
# Streamlit renders Markdown in page text, captions, notices, labels, help tooltips, radio options and
# st.table cells; Plotly renders a subset of HTML in titles, ticks, legends and hover text. Text that comes
# from a file or a saved definition goes through `md()` or `plot()` on its way to those places, so it is
# shown exactly as written: never a link, an image, bold text, a colour, a formula or an emoji.

WORD_JOINER = "\u2060"        # invisible; breaks GFM's bare-link patterns without changing what is seen
_MD_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")     # every ASCII punctuation mark: all escapable
_MD_WHITESPACE = re.compile(r"[ \t\r\n\f\v]+")
# GFM turns bare «http://…», «https://…», «www.…» and «name@host.tld» into links even when their
# punctuation is escaped (it matches the text after escapes are resolved): a word joiner breaks them.
_MD_AUTOLINK = re.compile(r"(?i)(?<=http)(?=:)|(?<=https)(?=:)|(?<=www)(?=\.)|(?=@)")


def division_label(code: str, name: str | None) -> str:
    """An OKVED division as the sidebar shows it: «28 Производство машин и оборудования…»."""
    return f"{code} {name or ''}".strip()


def md(text) -> str:
    """Data text for Streamlit Markdown, shown as written.

    Every ASCII punctuation mark is backslash-escaped (CommonMark allows it for all of them), which
    disarms emphasis, links, images, headings, lists, tables, code, HTML, entities, LaTeX `$`,
    Streamlit's `:color[…]` directives, `:material/…:` icons and `:emoji:` codes. Runs of spaces,
    tabs and line breaks become one space (a name is one line). None and NaN give «—».
    """
    if _missing(text):
        return "—"
    s = _MD_WHITESPACE.sub(" ", str(text))
    s = _MD_AUTOLINK.sub(WORD_JOINER, s)
    return _MD_PUNCTUATION.sub(r"\\\1", s)


def md_format(template: str, **values) -> str:
    """`template.format(**values)` with every value passed through `md()` (the template's own Markdown stays)."""
    return template.format(**{k: md(v) for k, v in values.items()})


def duration(seconds) -> str:
    """45 -> «45 с», 200 -> «4 мин» (an estimate: whole seconds under two minutes, else whole minutes)."""
    if _missing(seconds):
        return "—"
    seconds = max(0.0, float(seconds))
    if seconds < 120:
        return T.SECONDS_SHORT.format(n=max(1, round(seconds)))
    return T.MINUTES_SHORT.format(n=round(seconds / 60))


def load_progress(p: dict | None) -> str:
    """What a running build is doing, in Russian Markdown (file names from the data escaped)."""
    if not p or p.get("stage") is None:
        return T.LOADING_STARTING
    rows = number(p.get("rows") or 0)
    if p["stage"] == "tables":
        return T.LOADING_TABLES.format(rows=rows)
    total = p.get("bytes_total") or 0
    share = percent((p.get("bytes_done") or 0) / total, 0) if total else "—"
    text = T.LOADING_FILES.format(files_done=number(p.get("files_done") or 0),
                                  files_total=number(p.get("files_total") or 0), share=share, rows=rows,
                                  table=md(T.TABLE_LABELS.get(p.get("table"), p.get("table") or "—")),
                                  file=md(p.get("file") or "—"))
    if p.get("left_s") is not None:
        text += " " + T.LOADING_LEFT.format(left=duration(p["left_s"]))
    return text


_PLOT_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "$": "&#36;"}
_PLOT_SPECIAL = re.compile("[&<>$]")


def plot(text) -> str:
    """Data text for Plotly (category and tick labels, legends, hover text, annotations), shown as written.

    Plotly draws `<a href>`, `<b>`, `<br>`, `<i>`, `<span style>`, `<sub>`, `<sup>` and entities in
    every text, and sends a text starting and ending with `$` to MathJax: `&`, `<`, `>` and `$` become
    entities, which Plotly turns back into the characters. None and NaN stay as they are (no value).
    """
    if _missing(text):
        return text
    return _PLOT_SPECIAL.sub(lambda m: _PLOT_ENTITIES[m.group()], str(text))


def plot_lines(text, width: int = 38) -> str:
    """A long data text on several lines for a Plotly label: words wrapped at `width`, each line escaped
    by `plot()`, joined by Plotly's line break <br>."""
    if _missing(text):
        return text
    text = str(text)
    if len(text) <= width:
        return plot(text)
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(plot(x) for x in lines)


# --- The filters in words (captions, notes, file names) ---------------------------------------------------

def place(f) -> str:
    """The chosen municipalities: «Весь край», up to three names, or how many."""
    names = f.muni_names
    if not names:
        return T.WHOLE_KRAI
    if len(names) <= 3:
        return ", ".join(names)
    return f"{len(names)} {plural(len(names), *T.MUNI_WORDS)}"


def describe(f) -> str:
    """One line for captions: place, period, sectors (data text: pass it through md() for Markdown)."""
    text = f"{place(f)} · {period(f.date_from, f.date_to)}"
    if f.divisions:
        text += " · " + T.OKVED_PREFIX + " " + ", ".join(f.divisions)
    return text


def file_label(f) -> str:
    """For file names: place, months, sectors."""
    names = f.muni_names
    where = T.FILE_KRAI if not names else ("_".join(names) if len(names) <= 2 else f"{len(names)}-{T.FILE_MUNIS}")
    label = f"{where}_{f.date_from:%Y-%m}_{f.date_to:%Y-%m}"
    if f.divisions:
        label += f"_{T.OKVED_PREFIX}-" + "-".join(f.divisions[:4]) + (f"-{T.FILE_AND_MORE}" if len(f.divisions) > 4 else "")
    return label
