"""`python -m kuban report` as a user runs it (subprocess): the «Справка» of a page as a Word or HTML file.

Figures are the hand-worked ones of the page tests: «Обзор» of tests/fixtures/small for Кореновский район
(tests/app/test_pages_overview_shipments_data.py: shipments A 100+120+150+130 … = 300 mln in 2025, against 220 a
year earlier = +36,4 %; 2 enterprises; loans 60 mln; subsidies 2 mln) and «Займы ФРП» of tests/fixtures/analytics
for Кореновский район (tests/app/test_pages_production_loans_subsidies.py: LA1 60 + LA3 30 = 90 mln, 2 loans, rate
255 / 90 = 2,8 %, term 510 / 90 = 5,7 years, no refusal). Each test runs on its own copy of a fixture: the command
writes the audit log into the data folder.
"""
from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from kuban import texts as T
from kuban.access import audit
from kuban.app import brief_images
from kuban.paths import ROOT
from tests.conftest import FIXTURES, SMALL
from tests.documents import docx_text as text_of

NB = "\u00a0"
KOREN = "Кореновский район"
TIMEOUT_S = 300


def kuban(*args, env: dict | None = None):
    import os
    return subprocess.run([sys.executable, "-m", "kuban", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=TIMEOUT_S, env={**os.environ, **(env or {})})


@pytest.fixture
def small(tmp_path) -> Path:
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder, ignore=shutil.ignore_patterns(".kuban"))
    return folder


@pytest.fixture
def analytics(tmp_path) -> Path:
    folder = tmp_path / "analytics"
    shutil.copytree(FIXTURES / "analytics", folder, ignore=shutil.ignore_patterns(".kuban"))
    return folder


def metric_rows(document) -> dict[str, str]:
    """{figure: value cell} of the headline figures' table (a label cell's first line is the label; a value cell
    has the value, then its change on the next line)."""
    for table in document.tables:
        header = [c.text for c in table.rows[0].cells]
        if header == list(T.BRIEF_METRICS_COLUMNS):
            return {r.cells[0].text.split("\n")[0]: r.cells[1].text for r in table.rows[1:]}
    raise AssertionError("no table of the headline figures: " + repr([[c.text for c in t.rows[0].cells]
                                                                        for t in document.tables]))


def png_size_and_dpi(data: bytes) -> tuple[int, int, float]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    i = data.find(b"pHYs")
    assert i > 0, "the picture says no resolution"
    ppm, _, unit = struct.unpack(">IIB", data[i + 4:i + 13])
    assert unit == 1
    return width, height, ppm * 0.0254


def audit_entries(folder: Path) -> list[dict]:
    p = audit.path(folder)
    return [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines()] if p.exists() else []


# --- Word ---------------------------------------------------------------------------------------------------

@pytest.mark.skipif(not brief_images.available(), reason="no Chromium for the pictures: make chromium")
def test_word_of_the_overview_for_one_municipality(small, tmp_path):
    out = tmp_path / "обзор.docx"
    r = kuban("report", "overview", "--mo", KOREN, "--out", out, "--data-dir", small)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert str(out) in r.stdout and T.OVERVIEW_TITLE in r.stdout
    d = docx.Document(str(out))             # python-docx reads it back
    text = text_of(d)
    assert T.OVERVIEW_TITLE in text
    assert T.BRIEF_FILTER.format(munis=KOREN, divisions=T.BRIEF_ALL_DIVISIONS,
                                 period="январь 2025 — декабрь 2025") in text
    assert T.BRIEF_DATA_TO.format(month="декабрь 2025") in text
    m = metric_rows(d)
    assert m[T.KPI_SHIPPED].startswith(f"300,0{NB}млн{NB}₽"), m
    assert m[T.KPI_SHIPPED].split("\n")[1:] == [T.BRIEF_DELTA.format(delta=f"+36,4{NB}%")], m
    assert m[T.KPI_ENTERPRISES].startswith("2"), m
    assert m[T.KPI_LOANS].startswith(f"60,0{NB}млн{NB}₽"), m
    assert m[T.KPI_SUBSIDIES].startswith(f"2,0{NB}млн{NB}₽"), m
    # one picture per chart of the page (trend, map, bars), at print resolution
    assert len(d.inline_shapes) == 3
    pictures = [p.blob for p in d.part.package.image_parts]
    assert len(pictures) == 3
    for blob in pictures:
        width, height, dpi = png_size_and_dpi(blob)
        assert width == brief_images.WIDTH_PX * brief_images.SCALE and height > 500
        assert 250 <= dpi <= 320, dpi
    assert T.BRIEF_NO_PICTURES not in text
    # audited like a download from the page
    entries = [e for e in audit_entries(small) if e["action"] == "download"]
    assert len(entries) == 1 and entries[0]["detail"] == "docx" and KOREN in entries[0]["filter"], entries
    assert entries[0]["user"].startswith(T.CLI_USER_PREFIX)


@pytest.mark.skipif(not brief_images.available(), reason="no Chromium for the pictures: make chromium")
def test_word_of_the_loans_page_by_russian_title_with_months(analytics, tmp_path):
    out = tmp_path / "займы.docx"
    r = kuban("report", T.PAGE_LOANS, "--mo", "кореновский", "--from", "2025-01", "--to", "2025-12", "--out", out,
              "--data-dir", analytics)
    assert r.returncode == 0, r.stderr
    assert r.stderr == "", "nothing on stderr: the pictures' browser and its event loop close cleanly at exit"
    d = docx.Document(str(out))
    text = text_of(d)
    assert T.LOANS_TITLE in text
    assert T.BRIEF_FILTER.format(munis=KOREN, divisions=T.BRIEF_ALL_DIVISIONS,
                                 period="январь 2025 — декабрь 2025") in text
    m = metric_rows(d)
    assert {k: v.split("\n")[0] for k, v in m.items()} == {
        "Портфель займов": f"90,0{NB}млн{NB}₽", "Число займов": "2", "Средняя ставка": f"2,8{NB}%",
        "Средний срок, лет": "5,7", "Отказано заявок": "0"}
    assert len(d.inline_shapes) == 7          # the page's seven charts, the map among them
    loans = [t for t in d.tables if "Предприятие" in [c.text for c in t.rows[0].cells]]
    assert len(loans) == 1
    names = [r.cells[[c.text for c in loans[0].rows[0].cells].index("Предприятие")].text for r in loans[0].rows[1:]]
    assert names == ["ООО «Пищевик-Аналитика»", "ООО «Прибор-Аналитика»"]


def test_word_without_chromium_has_no_pictures_and_says_so(small, tmp_path):
    out = tmp_path / "обзор.docx"
    r = kuban("report", "overview", "--out", out, "--data-dir", small, env={"KUBAN_CHROMIUM": str(tmp_path / "no")})
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip() == T.CLI_REPORT_NO_PICTURES
    d = docx.Document(str(out))
    assert len(d.inline_shapes) == 0
    assert T.BRIEF_NO_PICTURES in text_of(d)
    assert metric_rows(d)[T.KPI_SHIPPED].startswith(f"1,3{NB}млрд{NB}₽")     # the whole krai: 1 290 mln


# --- HTML ---------------------------------------------------------------------------------------------------

def test_html_holds_every_chart_and_plotly_once(small, tmp_path):
    out = tmp_path / "обзор.html"           # the format from the extension
    r = kuban("report", "обзор", "--out", out, "--data-dir", small)
    assert r.returncode == 0, r.stderr
    page = out.read_text(encoding="utf-8")
    assert page.count("Plotly.newPlot(") == 3           # trend, map, bars
    assert page.count("* plotly.js v") == 1             # the library embedded once
    assert T.OVERVIEW_TITLE in page
    assert T.BRIEF_FILTER.format(munis=T.WHOLE_KRAI, divisions=T.BRIEF_ALL_DIVISIONS,
                                 period="январь 2025 — декабрь 2025") in page
    assert [e["detail"] for e in audit_entries(small) if e["action"] == "download"] == ["html"]
    assert not list(tmp_path.glob(".*.tmp"))            # the temporary file became the document


# --- Whose view -------------------------------------------------------------------------------------------

def test_as_a_municipal_user(small, tmp_path):
    (small / "access").mkdir()
    (small / "access" / "access.toml").write_text(
        f'[users."ivanova"]\nrole = "municipal"\nmunicipalities = ["{KOREN}"]\n', encoding="utf-8")
    out = tmp_path / "обзор.html"
    r = kuban("report", "overview", "--as", "ivanova", "--out", out, "--data-dir", small)
    assert r.returncode == 0, r.stderr
    page = out.read_text(encoding="utf-8")
    assert f"300,0{NB}млн{NB}₽" in page and f"1,3{NB}млрд{NB}₽" not in page   # her municipality, not the krai
    r = kuban("report", "overview", "--as", "ivanova", "--mo", "Краснодар", "--out", out, "--data-dir", small)
    assert r.returncode == 3
    assert r.stderr.strip() == T.CLI_REPORT_MUNI_NOT_PERMITTED.format(user="ivanova", name="Краснодар")
    r = kuban("report", "overview", "--as", "nobody", "--out", out, "--data-dir", small)
    assert r.returncode == 3
    said = T.CLI_AS_NO_ACCESS.format(user="nobody")
    assert r.stderr.strip() == said[:1].upper() + said[1:]


# --- Errors: one Russian line ------------------------------------------------------------------------------

def test_errors_are_one_russian_line(small, tmp_path):
    out = tmp_path / "x.docx"

    def fails(*args, code: int = 3) -> str:
        r = kuban("report", *args, "--out", out, "--data-dir", small)
        assert r.returncode == code, (args, r.returncode, r.stderr)
        assert r.stdout == "" and len(r.stderr.strip().splitlines()) == 1, (args, r.stderr)
        assert "Traceback" not in r.stderr
        return r.stderr.strip()

    assert fails("data").startswith("Нет страницы «data»; справка есть у страниц: overview, shipments")
    assert fails("займ").endswith("(похоже на loans)")
    assert "«2025-13» — не месяц" in fails("loans", "--from", "2025-13")
    assert "«март» — не месяц" in fails("loans", "--to", "март")
    assert fails("loans", "--from", "2023-01") == T.CLI_REPORT_MONTH_OUTSIDE.format(
        month="2023-01", first="2024-11", last="2025-12")
    assert fails("loans", "--from", "2025-12", "--to", "2025-01") == T.CLI_REPORT_PERIOD_REVERSED.format(
        first="2025-12", last="2025-01")
    assert fails("loans", "--mo", "Нетакойрайон").startswith("Муниципальное образование «Нетакойрайон» не найдено")
    assert fails("loans", "--format", "pdf").startswith("Ошибка в аргументах команды")
    # the sidebar's divisions: those of section C, 10 to 33
    assert fails("loans", "--okved", "99") == T.CLI_REPORT_UNKNOWN_DIVISION.format(
        code="99", codes=", ".join(str(d) for d in range(10, 34)))
    r = kuban("report", "loans", "--out", out, "--data-dir", tmp_path / "nope")
    assert r.returncode == 2 and r.stderr.strip() == T.CLI_NO_FOLDER.format(folder=tmp_path / "nope")
    r = kuban("report", "loans", "--out", tmp_path / "nope" / "x.docx", "--data-dir", small)
    assert r.returncode == 3 and r.stderr.strip() == T.CLI_REPORT_NO_OUT_FOLDER.format(folder=tmp_path / "nope")
    assert not out.exists()
    assert [e for e in audit_entries(small) if e["action"] == "download"] == []     # nothing made, nothing logged


def test_help_names_the_report_command():
    r = kuban("--help")
    assert r.returncode == 0 and "report" in r.stdout
    r = kuban("report", "--help")
    assert r.returncode == 0
    for option in ("--mo", "--from", "--to", "--format", "--out", "--data-dir", "--as"):
        assert option in r.stdout


def test_a_division_chosen_on_the_command_line(small, tmp_path):
    """Division 28 of the small fixture: А (28.25) and Д (28.96), both in Кореновский район: shipments of 2025
    150 + 130 + 20 = 300 M, as for Кореновский alone; the whole krai has 1 290 M."""
    out = tmp_path / "обзор.docx"
    r = kuban("report", "overview", "--okved", "28", "--out", out, "--data-dir", small)
    assert r.returncode == 0, r.stderr
    d = docx.Document(str(out))
    assert T.BRIEF_FILTER.format(munis=T.WHOLE_KRAI, divisions="28 Производство машин и оборудования, не "
                                 "включенных в другие группировки", period="январь 2025 — декабрь 2025") in text_of(d)
    assert metric_rows(d)[T.KPI_SHIPPED].startswith(f"300,0{NB}млн{NB}₽")
