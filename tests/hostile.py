"""A data folder as a hostile user would make it: good files beside every case that once broke loading.

`build(folder)` writes it and returns the good rows that must load whatever else is there. Used by
the loader tests (tests/data/test_hostile_files.py), the command-line test and the Chromium test of every page.
Each case is named after what it does; CASES maps the file to the kind of report it must get.
"""
from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa

from tests.office import SHIP_RU, A, B, C, line, put, put_parquet, register

# The good part: three enterprises, six shipment rows (1 000 + ... + 6 000 rubles = 21 000).
GOOD_SHIPMENTS = {(A, "2025-01-01"): 1000.0, (A, "2025-02-01"): 2000.0, (B, "2025-01-01"): 3000.0,
                  (B, "2025-02-01"): 4000.0, (C, "2025-01-01"): 5000.0, (C, "2025-02-01"): 6000.0}

CP1251_NAME = "отгрузка_архив".encode("cp1251") + b".csv"     # a file name that is not UTF-8


def build(folder: Path, *, big: bool = True) -> dict:
    """Write the hostile folder; `big=False` leaves out the two files of many megabytes."""
    register(folder, [A, B, C])
    put(folder, "shipments/a_good.csv", [line(SHIP_RU)] + [
        line([inn, period[:7], f"{amount:.0f}", ""]) for (inn, period), amount in GOOD_SHIPMENTS.items()])
    ship = folder / "shipments"
    # A cell over the 100 KB limit: its row is refused, the row after it loads.
    put(folder, "shipments/b_huge_cell.csv", [line(SHIP_RU), f'{A};2025-03;"{"9" * 200_000}";',
                                              f"{A};2025-04;7000;"])
    # Over 500 header cells.
    put(folder, "shipments/c_wide_header.csv", [";".join(f"c{i}" for i in range(100_000)), "1;2;3"])
    if big:
        # A header of a million cells (10 MB) and 200 MB with no line break.
        put(folder, "shipments/d_million_cells.csv", (";" * 1_000_000 + "\r\n").encode() * 10)
        with open(ship / "e_no_newline.csv", "wb") as fh:
            chunk = b"x;" * (1 << 20)
            for _ in range(100):
                fh.write(chunk)
    # A Parquet file with a list and a struct column beside good columns.
    put_parquet(folder, "shipments/f_nested.parquet", pa.table({
        "inn": [A], "period": ["2025-05"], "shipped_rub": pa.array([[1.0, 2.0]]),
        "meta": pa.array([{"x": 1}])}))
    # A file name in Windows-1251 bytes (not UTF-8), with a good row inside.
    with open(os.path.join(os.fsencode(ship), CP1251_NAME), "wb") as fh:
        fh.write((line(SHIP_RU) + "\r\n" + f"{B};2025-05;8000;\r\n").encode("cp1251"))
    # A named pipe, a link to /dev/zero and a link outside the folder.
    os.mkfifo(ship / "g_pipe.csv")
    os.symlink("/dev/zero", ship / "h_zero.csv")
    os.symlink("/etc/passwd", ship / "i_passwd.csv")
    # Implausible values: month 12.9999, +inf in Parquet, 1e47 written out in full in CSV, a headcount of 10^7.
    put(folder, "shipments/j_far_future.csv", [line(SHIP_RU), f"{C};12.9999;100;", f"{C};01.1989;100;"])
    put_parquet(folder, "shipments/k_inf.parquet", pa.table({
        "inn": [A, B], "period": ["2025-06", "2025-06"], "shipped_rub": [float("inf"), float("nan")]}))
    put(folder, "shipments/l_absurd.csv", [line(SHIP_RU), f"{C};2025-06;1{'0' * 47};"])
    put(folder, "production/m_headcount.csv", ["ИНН;Период;Объём производства, руб.;Численность, чел.",
                                               f"{A};2025-01;1000;10000000"])
    # UTF-8 names above, Windows-1251 below.
    put(folder, "enterprises/n_mixed.csv", ("ИНН;Наименование;ОКВЭД;Муниципальное образование\r\n"
                                            f"{A};ООО Ромашка;10.11;Кореновский район\r\n").encode("utf-8")
        + f"{B};ООО Василёк;10.11;Кореновский район\r\n".encode("cp1251"))
    return {"shipments": GOOD_SHIPMENTS}
