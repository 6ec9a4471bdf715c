"""The terminal progress bar of a load (kuban/tools/progress.py): on stderr only when it is a terminal, file names
from the data shown without their control characters, and `check --json` output untouched."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from kuban.data.ingest import load_folder
from kuban.tools.progress import TerminalProgress

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "fixtures" / "small"


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_load_draws_its_files_and_rows_on_a_terminal(monkeypatch):
    monkeypatch.setattr("kuban.tools.progress.EVERY_S", 0)
    out = Terminal()
    bar = TerminalProgress(out)
    load_folder(SMALL, progress=bar)
    bar.close()
    text = out.getvalue()
    assert "[" in text and "shipments/" in text and "файлов" in text
    assert text.endswith("\r")                      # the line is cleared at the end


def test_silent_when_not_a_terminal():
    out = io.StringIO()
    bar = TerminalProgress(out)
    load_folder(SMALL, progress=bar)
    bar.close()
    assert out.getvalue() == ""


def test_control_characters_of_a_file_name_never_reach_the_terminal(monkeypatch):
    monkeypatch.setattr("kuban.tools.progress.EVERY_S", 0)
    out = Terminal()
    TerminalProgress(out)({"files_done": 1, "files_total": 2, "rows": 3, "bytes_done": 1, "bytes_total": 2,
                           "file": "shipments/\x1b]0;pwned\x07\x1b[2Jx.csv"})
    assert "\x1b" not in out.getvalue() and "\x07" not in out.getvalue()
    assert "x.csv" in out.getvalue()


def test_check_json_stays_clean():
    proc = subprocess.run([sys.executable, "-m", "kuban", "check", "--json", "--data-dir", str(SMALL)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert set(json.loads(proc.stdout)) == {"tables", "problems"}
