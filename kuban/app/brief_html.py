"""«Справка (HTML)»: a Brief (kuban/app/brief.py) as one self-contained HTML file.

Opens offline: Plotly's JavaScript is embedded once (from the installed plotly package), no tag loads anything
(no src or href to elsewhere, no fonts, no MathJax). Plotly's Russian locale is not in plotly.min.js (it would come
from a CDN), so a small one is registered here (months, decimal comma, the mode bar's tooltips). Charts stay
interactive. Every text from the Brief is HTML-escaped; the figures' JSON is written by plotly.io, which escapes
`<`, `>` and `&` inside the script. Printing (A4, from a browser): the page is laid out at the printable width
(17 cm) on screen too, so a chart is never drawn wider than the paper; no chart is taller than a page
(`MAX_CHART_PX`, the document's copy only); figures, the headline figures and table rows are not split; the
charts, each table and the notes start a new page; a table's header row repeats on every page.
"""
from __future__ import annotations

import html
import json

import plotly.io as pio
import plotly.offline

from kuban import texts as T
from kuban.app.brief import Brief, printable, rows_note

WIDE_COLUMNS = 8          # a table with more columns is set smaller to fit the 17 cm width
MAX_CHART_PX = 880        # A4 printable height at 2 cm margins ≈ 970 CSS px, less the caption
CONFIG = {"locale": "ru", "displaylogo": False, "responsive": True,
          "modeBarButtonsToRemove": ["lasso2d", "select2d"]}

# Plotly's locale format, written here (plotly.js's own ru locale file is not bundled in plotly.min.js).
RU_LOCALE = {
    "moduleType": "locale", "name": "ru",
    "dictionary": {
        "Autoscale": "Автомасштаб", "Box Select": "Выделение прямоугольником", "Compare data on hover":
        "Сравнивать данные при наведении", "Double-click to zoom back out": "Двойной щелчок — исходный масштаб",
        "Download plot": "Сохранить график", "Download plot as a PNG": "Сохранить график как PNG",
        "Lasso Select": "Выделение лассо", "Pan": "Сдвиг", "Produced with Plotly.js": "Построено в Plotly.js",
        "Reset": "Сбросить", "Reset axes": "Сбросить оси", "Reset view": "Сбросить вид",
        "Show closest data on hover": "Ближайшие данные при наведении", "Toggle Spike Lines": "Линии к осям",
        "Zoom": "Масштаб", "Zoom in": "Увеличить", "Zoom out": "Уменьшить",
    },
    "format": {
        "days": ["воскресенье", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота"],
        "shortDays": ["вс", "пн", "вт", "ср", "чт", "пт", "сб"],
        "months": ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
                   "ноябрь", "декабрь"],
        "shortMonths": ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"],
        "date": "%d.%m.%Y", "decimal": ",", "thousands": "\u00a0",
    },
}

CSS = """
@page { size: A4; margin: 2cm; }
* { box-sizing: border-box; }
html { background: #f3f5f8; }
body { margin: 0; font-family: "Times New Roman", Times, serif; font-size: 13pt; line-height: 1.35; color: #000; }
main { width: 170mm; margin: 0 auto; padding: 12mm 0; background: #fff; }
h1 { font-size: 16pt; text-align: center; margin: 4pt 0 10pt; }
h2 { font-size: 14pt; margin: 16pt 0 6pt; break-after: avoid; page-break-after: avoid; }
p { margin: 0 0 6pt; }
.kind { text-align: center; font-weight: bold; letter-spacing: .08em; margin: 0; }
.note, .small { font-size: 11pt; }
.demo { border: 1px solid #b38600; background: #fff8e1; padding: 6pt 8pt; font-weight: bold; font-size: 11pt; }
table { border-collapse: collapse; width: 100%; font-size: 10pt; }
th, td { border: 1px solid #666; padding: 2pt 4pt; vertical-align: top; overflow-wrap: anywhere; hyphens: auto; }
th { background: #eef0f3; text-align: center; }
td.num { text-align: right; overflow-wrap: normal; }   /* numbers hold no-break spaces: never split */
table.wide { font-size: 8.5pt; }
table.wide th, table.wide td { padding: 1pt 2pt; }
.table-wrap { overflow-x: auto; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
table.kpi { font-size: 12pt; }
table.kpi td.value { text-align: right; font-weight: bold; white-space: nowrap; }
table.kpi .sub { display: block; font-size: 10.5pt; font-style: italic; font-weight: normal; }
figure { margin: 0 0 14pt; break-inside: avoid; page-break-inside: avoid; }
figcaption, .caption { text-align: center; font-size: 12pt; margin-top: 2pt; }
.table-caption { font-size: 12pt; margin: 0 0 4pt; break-after: avoid; page-break-after: avoid; }
section.kpis { break-inside: avoid; page-break-inside: avoid; }
ol.notes li { margin-bottom: 6pt; text-align: justify; }
@media print {
  html { background: #fff; }
  main { padding: 0; }
  section.charts, section.table, section.notes { break-before: page; page-break-before: always; }
  .modebar-container { display: none !important; }
}
"""

e = html.escape


def _numeric(text: str) -> bool:
    t = text.replace("\u00a0", "").replace(" ", "").replace("%", "").replace("₽", "")
    return bool(t) and (t == "—" or t.lstrip("+-−").replace(",", "").replace(".", "").isdigit())


def _figure_html(fig, n: int) -> str:
    """The figure as a div and its Plotly.newPlot call (no JavaScript library), not taller than a printed page."""
    copy_ = printable(fig, MAX_CHART_PX)
    height = copy_.layout.height or 450
    copy_.update_layout(height=height, width=None, autosize=True)
    return pio.to_html(copy_, include_plotlyjs=False, full_html=False, config=CONFIG, default_width="100%",
                       default_height=f"{height}px", div_id=f"figure-{n}", validate=False)


def to_html(b: Brief) -> bytes:
    out: list[str] = []
    w = out.append
    w('<!DOCTYPE html>\n<html lang="ru">\n<head>\n<meta charset="utf-8">\n')
    w('<meta name="viewport" content="width=device-width, initial-scale=1">\n')
    w(f"<title>{e(T.BRIEF_KIND)}: {e(b.title)}</title>\n<style>{CSS}</style>\n")
    w('<script type="text/javascript">' + plotly.offline.get_plotlyjs() + "</script>\n")
    locale = json.dumps(RU_LOCALE, ensure_ascii=False).replace("</", "<\\/")
    w(f'<script type="text/javascript">Plotly.register({locale});</script>\n')
    w("</head>\n<body>\n<main>\n")
    if b.demo:
        w(f'<p class="demo">{e(T.XLSX_ABOUT_DEMO)}</p>\n')
    w(f'<header>\n<p class="kind">{e(T.BRIEF_KIND.upper())}</p>\n<h1>{e(b.title)}</h1>\n')
    if b.note:
        w(f'<p class="note">{e(b.note)}</p>\n')
    w("</header>\n")

    w(f'<section class="conditions">\n<h2>{e(T.BRIEF_CONDITIONS)}</h2>\n<p>{e(b.filter_text)}</p>\n')
    if b.data_to:
        w(f"<p>{e(T.BRIEF_DATA_TO.format(month=b.data_to))}</p>\n")
    w(f'<p class="small">{e(T.BRIEF_MADE.format(made=b.made, user=b.user))} {e(T.BRIEF_SOURCE)}.</p>\n</section>\n')

    if b.metrics:
        w(f'<section class="kpis">\n<h2>{e(T.BRIEF_METRICS)}</h2>\n<table class="kpi">\n<thead><tr>')
        w("".join(f"<th>{e(c)}</th>" for c in T.BRIEF_METRICS_COLUMNS) + "</tr></thead>\n<tbody>\n")
        for m in b.metrics:
            label = e(m.label) + (f'<span class="sub">{e(m.help)}</span>' if m.help else "")
            value = e(m.value) + (f'<span class="sub">{e(T.BRIEF_DELTA.format(delta=m.delta))}</span>'
                                  if m.delta else "")
            w(f'<tr><td>{label}</td><td class="value">{value}</td></tr>\n')
        w("</tbody>\n</table>\n</section>\n")

    if b.figures:
        w(f'<section class="charts">\n<h2>{e(T.BRIEF_CHARTS)}</h2>\n')
        for n, f in enumerate(b.figures, start=1):
            w(f'<figure class="chart">\n{_figure_html(f.fig, n)}\n'
              f"<figcaption>{e(T.BRIEF_FIGURE_CAPTION.format(n=n, title=f.title))}</figcaption>\n</figure>\n")
        w("</section>\n")

    for n, t in enumerate(b.tables, start=1):
        heading = T.BRIEF_TABLES if len(b.tables) == 1 else t.title
        wide = ' class="wide"' if len(t.frame.columns) > WIDE_COLUMNS else ""
        w(f'<section class="table">\n<h2>{e(heading)}</h2>\n'
          f'<p class="table-caption">{e(T.BRIEF_TABLE_CAPTION.format(n=n, title=t.title))}</p>\n'
          f'<div class="table-wrap"><table{wide}>\n<thead><tr>')
        w("".join(f"<th>{e(str(c))}</th>" for c in t.frame.columns) + "</tr></thead>\n<tbody>\n")
        numeric = [len(t.frame) > 0 and t.frame[c].map(_numeric).all() for c in t.frame.columns]
        for values in t.frame.itertuples(index=False):
            w("<tr>" + "".join(f'<td class="num">{e(str(v))}</td>' if numeric[j] else f"<td>{e(str(v))}</td>"
                               for j, v in enumerate(values)) + "</tr>\n")
        w("</tbody>\n</table></div>\n")
        for text in (t.note, rows_note(t)):
            if text:
                w(f'<p class="small">{e(text)}</p>\n')
        w("</section>\n")

    if b.notes:
        w(f'<section class="notes">\n<h2>{e(T.BRIEF_NOTES)}</h2>\n<ol class="notes">\n')
        for text in b.notes:
            parts = [x.replace("\n", " ") for x in text.split("\n\n") if x.strip()]
            w("<li>" + "".join(f"<p>{e(p)}</p>" for p in parts) + "</li>\n")
        w("</ol>\n</section>\n")
    w("</main>\n</body>\n</html>\n")
    return "".join(out).encode("utf-8")
