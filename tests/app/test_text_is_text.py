"""Issue 7, «text is text»: data text is shown as written on every surface.

1. The two escaping helpers (kuban/app/fmt.py): `md()` for Streamlit Markdown, `plot()` for Plotly text, checked
   against the rules the browser applies (CommonMark escapes, Streamlit's own pre-processing regexes,
   GFM bare links, Plotly's entity decoding), on hostile examples and on generated text (hypothesis).
2. The chart builders: data text reaches a figure only escaped, and never inside a hovertemplate.
3. Every page through AppTest on tests/textdata.py (names, programmes, funds, statuses, budgets, file
   names and saved cluster definitions holding Markdown, HTML and LaTeX): no page fails, every Markdown
   body holds the text escaped (and a reader sees it as written), every figure holds it as entities.
The same folder in Chromium: tests/browser/test_text_is_text.py.
"""
from __future__ import annotations

import json
import re
import string

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kuban import texts as T
from kuban.app import charts, fmt
from kuban.app.fmt import WORD_JOINER
from tests import textdata
from tests.app.apptest import start
from tests.seen import seen, seen_all

PUNCT = re.escape(string.punctuation)
# Markdown source in which every ASCII punctuation mark is escaped (and no backslash stands alone)
FULLY_ESCAPED = re.compile(rf"(?:\\[{PUNCT}]|[^{PUNCT}])*")

# The frontend's own tests on the raw Markdown source (streamlit/static/.../StreamlitMarkdown.*.js, 1.67):
# does the source need the emoji plugin, KaTeX, a material icon? (JavaScript's \w is ASCII.)
EMOJI_NEEDED = re.compile(r":(?!material/|streamlit:)[A-Za-z0-9_+-][A-Za-z0-9_+-]*:")
KATEX_ESCAPES = re.compile(r"\\[\\$`]")
# GFM bare links (mdast-util-gfm-autolink-literal), matched on text after escapes are resolved
GFM_URL = re.compile(r"(?i)(https?://|www(?=\.))[-.\w]+")
GFM_EMAIL = re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+")
# Plotly's entity decoding (svg_text_utils convertEntities): one pass, these names and numeric references
PLOTLY_ENTITIES = {"mu": "μ", "amp": "&", "lt": "<", "gt": ">", "nbsp": "\xa0", "times": "×", "plusmn": "±", "deg": "°"}
PLOTLY_ENTITY = re.compile(r"&(#\d+|#x[\da-fA-F]+|[a-z]+);")

EXAMPLES = textdata.EXAMPLES


def plotly_decode(text: str) -> str:
    return PLOTLY_ENTITY.sub(lambda m: (chr(int(m.group(1)[2:], 16)) if m.group(1).startswith("#x") else
                                        chr(int(m.group(1)[1:])) if m.group(1).startswith("#") else
                                        PLOTLY_ENTITIES.get(m.group(1), m.group())), text)


def one_line(text: str) -> str:
    return re.sub(r"[ \t\r\n\f\v]+", " ", text)


# --- 1. The helpers ---------------------------------------------------------------------------------

def check_md(text: str) -> None:
    out = fmt.md(text)
    assert FULLY_ESCAPED.fullmatch(out), out
    # a reader sees the text as written (the word joiner is invisible: seen() drops it, so the input's own too)
    assert seen(out) == one_line(text).replace(WORD_JOINER, "")
    assert not EMOJI_NEEDED.search(out)                       # no :emoji: code for the emoji plugin
    assert "$" not in KATEX_ESCAPES.sub("_", out)             # every $ escaped: no formula
    assert ":material/" not in out                           # no icon
    resolved = re.sub(rf"\\([{PUNCT}])", r"\1", out)          # the text as the Markdown parser holds it
    assert not GFM_URL.search(resolved) and not GFM_EMAIL.search(resolved), resolved   # no bare link
    assert "\n" not in out


@pytest.mark.parametrize("text", EXAMPLES)
def test_md_escapes_hostile_examples(text):
    check_md(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(string.punctuation + string.whitespace + "abcxyzЖж01:/.@$"), max_size=40))
def test_md_escapes_punctuation_heavy_text(text):
    check_md(text)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_md_escapes_any_text(text):
    check_md(text)


def test_md_of_nothing_and_of_numbers():
    assert fmt.md(None) == "—"
    assert fmt.md(float("nan")) == "—"
    assert fmt.md(12) == "12"
    assert seen(fmt.md(fmt.money(1_234_500_000))) == fmt.money(1_234_500_000)


def test_md_format_escapes_values_not_the_template():
    out = fmt.md_format("**{a}** — {b}", a="*x*", b="[l](u)")
    assert out.startswith("**") and seen(out) == "**" + "*x*" + "** — [l](u)"
    assert out == "**\\*x\\*** — \\[l\\]\\(u\\)"


def test_templates_filled_with_data_need_no_emoji_plugin():
    # remark-emoji loads when the whole source matches EMOJI_NEEDED and then turns every :name: of the text
    # into an emoji, escaped or not. Escaped data never matches; the templates around it must not either.
    filler = fmt.md(":smile:")
    for name, template in vars(T).items():
        if isinstance(template, str) and "{" in template:
            fields = re.findall(r"{(\w+)[^}]*}", template)
            try:
                text = template.format(**{f: filler for f in fields})
            except (KeyError, IndexError, ValueError):
                continue
            assert not EMOJI_NEEDED.search(text), name


def check_plot(text: str) -> None:
    out = fmt.plot(text)
    assert not re.search(r"[<>$]", out), out                 # no tag, no MathJax
    assert not re.search(r"&(?!amp;|lt;|gt;|#36;)", out), out  # every & starts one of our entities
    assert plotly_decode(out) == text                         # Plotly shows the text as written


@pytest.mark.parametrize("text", EXAMPLES)
def test_plot_escapes_hostile_examples(text):
    check_plot(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_plot_escapes_any_text(text):
    check_plot(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab <>&$;#x1 "), max_size=60), st.integers(min_value=3, max_value=40))
def test_plot_lines_wraps_escaped_lines(text, width):
    out = fmt.plot_lines(text, width)
    lines = out.split("<br>")
    for line in lines:
        assert not re.search(r"[<>$]", line)
    if len(text) <= width:
        assert plotly_decode(out) == text
    else:
        assert " ".join(plotly_decode(x) for x in lines) == " ".join(text.split())


def test_plot_keeps_missing_values():
    assert fmt.plot(None) is None
    assert pd.isna(fmt.plot(float("nan")))


# --- 2. Charts ----------------------------------------------------------------------------------------------

def figure_strings(fig) -> list[str]:
    """Every string of a figure (a plotly Figure, or the JSON spec Streamlit sends)."""
    out = []

    def walk(x):
        if isinstance(x, str):
            out.append(x)
        elif isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
    walk(json.loads(fig if isinstance(fig, str) else fig.to_json()))
    return out


def assert_escaped(fig, texts=textdata.HOSTILE, whole: bool = True) -> None:
    """No data text raw in the figure, none in a hovertemplate; with `whole`, each one escaped as one string."""
    strings = figure_strings(fig)
    joined = "\n".join(strings)
    for t in texts:
        if re.search(r"[<>$&]", t):
            assert t not in joined, t
            assert not whole or fmt.plot(t) in joined, t
    for s in strings:
        assert "<a" not in s.lower() and "<img" not in s.lower(), s
    for trace in json.loads(fig if isinstance(fig, str) else fig.to_json())["data"]:
        template = trace.get("hovertemplate") or ""
        for t in texts:
            assert t not in template and fmt.plot(t) not in template, (t, template)


NAMES = list(textdata.HOSTILE)


def test_bar_charts_escape_labels():
    df = pd.DataFrame({"label": NAMES, "v": [float(i + 1) * 1e6 for i in range(len(NAMES))],
                       "share": [0.1] * len(NAMES), "change": [0.05, -0.05] * 3})
    assert_escaped(charts.bars(df, label="label", value="v", title="t"))
    assert_escaped(charts.bars(df, label="label", value="v", title="t", kind="number", unit="шт."))
    assert_escaped(charts.bars(df, label="label", value="v", title="t", wrap=10), whole=False)   # cut in lines
    assert_escaped(charts.bars(df, label="label", value="share", title="t", kind="share"))
    assert_escaped(charts.bars(df, label="label", value="change", title="t", kind="change"))
    bars = charts.bars(df, label="label", value="v", title="t")
    assert [plotly_decode(y) for y in bars.data[0].y] == NAMES      # shown as written (largest, the last, on top)


def test_stacked_bars_escape_legend_and_hover():
    df = pd.DataFrame({"year": ["2024", textdata.LINK] * 3, "fund": NAMES, "v": [1e6] * 6})
    fig = charts.stacked_bars(df, x="year", stack="fund", value="v", title="t")
    assert_escaped(fig)
    assert sorted(plotly_decode(t.name) for t in fig.data) == sorted(NAMES)
    for trace in fig.data:                                    # the fund travels in customdata
        assert trace.hovertemplate.startswith("%{customdata[0]}<br>%{customdata[1]}: ")


def test_map_escapes_names_and_clicks_by_code():
    df = pd.DataFrame({"oktmo": ["03621000", "03701000", "03601000"], "municipality": NAMES[:3],
                       "lat": [45.46, 45.04, 44.87], "lon": [39.46, 38.98, 38.16], "v": [2e9, None, 1e9]})
    fig = charts.municipality_map(df, value="v", title="Карта", value_label="Отгрузка")
    assert_escaped(fig, NAMES[:3])
    custom = [c for trace in fig.data for c in trace.customdata]
    assert sorted(c[0] for c in custom) == sorted(df["oktmo"])      # what kuban.app.drill.on_map_click reads
    assert sorted(plotly_decode(c[1]) for c in custom) == sorted(NAMES[:3])


def test_cluster_charts_escape_municipalities():
    lq = pd.DataFrame({"municipality": NAMES[:3], "industry": ["28"] * 3, "lq": [1.5, 0.5, 2.0],
                       "thin": [False, True, False], "enterprises": [3, 1, 4]})
    assert_escaped(charts.lq_heatmap(lq, value="lq", columns={"28": "<b>28</b>"}, title="t"), NAMES[:3])
    quad = pd.DataFrame({"municipality": NAMES[:4], "lq": [1.5, 0.5, 2.0, 1.0], "change": [0.1, -0.1, 0.2, 0.0],
                         "employees": [100, 200, 300, 50], "quadrant": ["leading", "transforming", "leading", "thin"]})
    assert_escaped(charts.lq_quadrant(quad, threshold=1.25, title="t", x_title="x", y_title="y", size_unit="чел.",
                                      names=T.CLUSTER_QUADRANTS), NAMES[:4])


# --- 3. Every page on the hostile folder (AppTest) -------------------------------------------------------------

PAGES = ["overview", "shipments", "production", "loans", "subsidies", "cluster", "data"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return textdata.build(tmp_path_factory.mktemp("text") / "data")


def markdown_bodies(at) -> list[str]:
    """Every Markdown body of the page: text, captions, notices, titles, metric labels and help, st.table cells."""
    out = []
    for kind in ("markdown", "caption", "warning", "info", "success", "error", "title", "header", "subheader"):
        out += [e.value for e in getattr(at, kind)]
    for m in at.metric:
        out += [m.label, m.proto.help]
    for t in at.table:
        v = t.value
        out += [str(c) for c in v.columns] + [str(x) for x in v.to_numpy().ravel()]
    return out


def assert_page_escaped(at) -> None:
    bodies = markdown_bodies(at)
    for body in bodies:
        for t in textdata.HOSTILE:
            assert t not in body, (t, body[:200])            # never raw Markdown
        for raw in ("http://", "https://", "www.", "](", "<a ", "<b>", ":red["):     # not even partly
            assert not re.search(r"(?<!\\)" + re.escape(raw), body.lower()), (raw, body[:200])
    for c in at.get("plotly_chart"):
        assert_escaped(c.proto.spec, whole=False)


@pytest.mark.parametrize("page", PAGES)
def test_page_shows_hostile_text_as_text(monkeypatch, hostile, page):
    at = start(monkeypatch, hostile, page, munis=[textdata.IMAGE, textdata.LATEX])
    assert_page_escaped(at)
    if page != "data":     # the caption under the title names the chosen municipalities as written
        assert f"{textdata.IMAGE}, {textdata.LATEX} · " in seen_all(at.caption)[0]


def test_charts_of_pages_hold_hostile_names_as_entities(monkeypatch, hostile):
    at = start(monkeypatch, hostile, "loans")
    strings = [s for c in at.get("plotly_chart") for s in figure_strings(c.proto.spec)]
    for t in (textdata.LOAN_FUND, textdata.LOAN_PROGRAMME, textdata.LOAN_STATUS):
        assert fmt.plot(t) in strings, t
    at = start(monkeypatch, hostile, "overview")
    strings = [s for c in at.get("plotly_chart") for s in figure_strings(c.proto.spec)]
    for t in textdata.MUNI_NAMES.values():
        assert fmt.plot(t) in strings, t


def test_tables_show_hostile_names_as_written(monkeypatch, hostile):
    at = start(monkeypatch, hostile, "shipments")
    names = set(at.dataframe[0].value["Предприятие"])            # st.dataframe: text as it is
    assert {textdata.BOLD, textdata.COLOR, textdata.HTML_BOLD} <= names
    at = start(monkeypatch, hostile, "data")
    files = at.dataframe[0].value
    assert textdata.BAD_FILE in set(files["Файл"])
    problems = at.dataframe[1].value
    assert any(textdata.LINK in r for r in problems["Причина"])


def test_cluster_page_survives_hostile_saved_definitions(monkeypatch, hostile):
    at = start(monkeypatch, hostile, "cluster")
    assert at.selectbox(key="cl_saved").options == sorted(textdata.SAVED, key=str.lower)
    warnings = seen_all(at.warning)
    for name in textdata.BROKEN:
        assert any(f"файл «{name}»" in w for w in warnings), name
    assert any("«deep-small.json»: слишком глубокая вложенность" in w for w in warnings)
    assert any("«deep.json»: файл больше 64 КБ" in w for w in warnings)
    assert any("«pipe.json»: это не обычный файл" in w for w in warnings)
    assert any(f"«{textdata.HTML_BOLD}» — не коды ОКВЭД" in w for w in warnings)
    # load the definition whose name is Markdown: its name is shown as written, the comparison is escaped
    name = f"{textdata.BOLD} {textdata.LATEX}"
    at.selectbox(key="cl_saved").set_value(name).run()
    at.button(key="cl_load").click().run()
    assert not at.exception
    assert any(f"«{name}»" in s for s in seen_all(at.success))
    assert any(f"«{name}» — ОКВЭД 28" in seen(m.value) for m in at.markdown)
    assert_page_escaped(at)
    compare = at.table[-1].value
    assert sorted(seen(c) for c in compare.columns[1:]) == sorted(textdata.SAVED)


def test_typed_codes_and_names_are_shown_as_text(monkeypatch, hostile):
    at = start(monkeypatch, hostile, "cluster")
    at.multiselect(key="cl_codes").set_value(["28", textdata.IMAGE]).run()
    assert any(f"«{textdata.IMAGE}»" in w for w in seen_all(at.warning))
    at.text_input(key="cl_name").input(textdata.LINK).run()
    at.button(key="cl_save").click().run()
    assert not at.exception
    assert_page_escaped(at)
    assert any("не подходит для имени файла" in w for w in seen_all(at.warning))
