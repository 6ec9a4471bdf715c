"""A data folder whose text is hostile: `build(folder)`.

tests/fixtures/small (shipments, production) with every text a file can hold replaced by Markdown, HTML,
LaTeX or a Streamlit directive: municipality names (the folder brings its own municipalities table),
enterprise names, ФРП funds, programmes and statuses, subsidy programmes and budgets, a file name and a
refused value on «Данные», saved cluster definitions (names, and files that are huge, nested 100 000
levels deep, of the wrong types, or a pipe). Used by tests/app/test_text_is_text.py (AppTest) and
tests/browser/test_text_is_text.py (Chromium): every page must show these texts as written, fetch and
link nothing, and stay up.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "tests" / "fixtures" / "small"
REFERENCE = ROOT / "kuban" / "reference" / "municipalities.csv"

IMAGE = "![x](http://127.0.0.1:9/t.png)"
BOLD = "**bold**"
COLOR = ":red[x]"
LATEX = "$x$"
LINK = '<a href="http://127.0.0.1:9/">link</a>'
HTML_BOLD = "<b>b</b>"
HOSTILE = (IMAGE, BOLD, COLOR, LATEX, LINK, HTML_BOLD)

# Municipalities of the small fixture, renamed.
KORENOVSK, KRASNODAR, ABINSK = "03621000", "03701000", "03601000"
MUNI_NAMES = {KORENOVSK: IMAGE, KRASNODAR: LINK, ABINSK: LATEX}
# Enterprises of the small fixture (A, B, C, D), renamed; U (2310000050) stays out of the register.
ENTERPRISES = [("2310000011", BOLD, "28.25", KORENOVSK, "среднее"),
               ("2310000029", COLOR, "24.10", KRASNODAR, "крупное"),
               ("2310000036", HTML_BOLD, "10.11", ABINSK, "малое"),
               ("2310000043", f"{LINK} {IMAGE}", "28.96", KORENOVSK, "малое")]
LOAN_FUND, LOAN_PROGRAMME, LOAN_STATUS = HTML_BOLD, IMAGE, COLOR
SUBSIDY_PROGRAMME, SUBSIDY_BUDGET = f"{BOLD} {LATEX}", LINK
BAD_FILE = f"shipments/{BOLD} {COLOR}.csv"          # a file name with Markdown, holding a refused row
SAVED = {f"{BOLD} {LATEX}": ["28"], COLOR: ["24", "28"]}   # saved cluster definitions (file stems)
BROKEN = {                                           # broken saved definitions: file name -> what it is
    "deep.json": "nested 100 000 levels (over the size limit)",
    "deep-small.json": "nested 20 000 levels, under the size limit (json.loads: RecursionError)",
    "huge.json": "200 KB",
    "types.json": "codes is a number",
    "<b>code.json": "a code that is HTML (a file name holds no «/», so no closing tag)",
    "pipe.json": "a named pipe (a read would block)",
}


def _write_csv(path: Path, header: list[str], rows: list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(header)
        w.writerows(rows)


def build(folder: Path) -> Path:
    """Write the hostile folder at `folder` (must not exist); returns it."""
    shutil.copytree(SMALL, folder)
    with open(REFERENCE, encoding="utf-8") as fh:
        munis = list(csv.DictReader(fh))
    for m in munis:
        m["name"] = MUNI_NAMES.get(m["oktmo"], m["name"])
    _write_csv(folder / "municipalities" / "municipalities.csv", list(munis[0]), [list(m.values()) for m in munis])
    _write_csv(folder / "enterprises" / "enterprises.csv", ["ИНН", "Наименование", "ОКВЭД", "Муниципальное образование",
                                                             "Категория"], ENTERPRISES)
    _write_csv(folder / "loans" / "loans.csv",
               ["Номер займа", "ИНН", "Фонд", "Программа", "Сумма, руб.", "Ставка, %", "Срок, лет", "Дата решения",
                "Статус"],
               [["L1", "2310000011", LOAN_FUND, LOAN_PROGRAMME, "50000000", "3", "5", "15.11.2025", "Одобрен"],
                ["L3", "2310000036", "ФРП", LOAN_PROGRAMME, "10000000", "1", "5", "10.03.2025", LOAN_STATUS]])
    _write_csv(folder / "subsidies" / "subsidies.csv", ["subsidy_id", "inn", "programme", "amount_rub", "decision_date",
                                                         "budget"],
               [["S1", "2310000011", SUBSIDY_PROGRAMME, "2000000", "2025-11-20", SUBSIDY_BUDGET],
                ["S2", "2310000036", SUBSIDY_PROGRAMME, "1500000", "2025-03-05", ""]])
    _write_csv(folder / BAD_FILE, ["inn", "period", "shipped_rub"],
               [["2310000011", "2025-10", "1000000"], ["2310000011", LINK, "1000000"]])

    clusters = folder / "clusters"
    clusters.mkdir()
    for stem, codes in SAVED.items():
        (clusters / f"{stem}.json").write_text(json.dumps({"codes": codes}), encoding="utf-8")
    (clusters / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (clusters / "deep-small.json").write_text('{"codes": ' + "[" * 20_000 + "]" * 20_000 + "}", encoding="utf-8")
    (clusters / "huge.json").write_text('{"codes": ["28"], "x": "' + "x" * 200_000 + '"}', encoding="utf-8")
    (clusters / "types.json").write_text('{"codes": 5}', encoding="utf-8")
    (clusters / "<b>code.json").write_text(json.dumps({"codes": [HTML_BOLD]}), encoding="utf-8")
    os.mkfifo(clusters / "pipe.json")
    return folder


# Strings for the escaping helpers (tests/app/test_text_is_text.py, and in Chromium tests/browser/test_text_is_text.py)
EXAMPLES = [*HOSTILE, "**:red[x]**", ":material/home:", ":smile:", "$$x$$", "a_b_c *d*", "# h", "- li",
            "1. x", "> q", "~~s~~", "| a | b |", "`code`", "x\\y", "\\*", "[l](http://127.0.0.1:9/)",
            "<http://127.0.0.1:9/>", "www.example.com", "HTTPS://EXAMPLE.COM", "mail@example.com", "&copy; &amp;",
            "&lt;b&gt;", "%{y}", "10:30: done :+1:", "   indented", "line\nbreak\r\nand\ttab", "«Кавычки» № 5",
            ":blue-background[z]", "ООО «Ромашка» & Co", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]
