"""deploy/kuban.service: systemd accepts it (`systemd-analyze verify`, every line understood, not only no fatal
error) with the program's paths of this machine put in, and it says what issue 20 asks: started on boot,
restarted on failure, an unprivileged user, only the data folder writable, logs to the journal."""
from __future__ import annotations

import configparser
import shutil
import subprocess
import sys

import pytest

from kuban.paths import ROOT

UNIT = ROOT / "deploy" / "kuban.service"


def unit_here(tmp_path, text: str | None = None):
    """The unit with this machine's interpreter and project in place of /opt/kuban (verify checks they exist)."""
    text = (text or UNIT.read_text(encoding="utf-8")).replace("/opt/kuban/.venv/bin/python", sys.executable) \
        .replace("WorkingDirectory=/opt/kuban", f"WorkingDirectory={ROOT}")
    path = tmp_path / "kuban.service"
    path.write_text(text, encoding="utf-8")
    return path


def verify(path):
    tool = shutil.which("systemd-analyze")
    assert tool, "systemd-analyze is missing: `make test` installs systemd (Makefile: tools)"
    return subprocess.run([tool, "verify", str(path)], capture_output=True, text=True, timeout=60)


def test_systemd_accepts_every_line_of_the_unit(tmp_path):
    done = verify(unit_here(tmp_path))
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr


def test_the_check_finds_a_broken_unit(tmp_path):
    """The test above can fail: a line systemd does not understand is reported."""
    text = UNIT.read_text(encoding="utf-8").replace("Restart=on-failure", "Restart=sometimes")
    done = verify(unit_here(tmp_path, text))
    assert "sometimes" in done.stderr


def test_the_unit_says_what_the_service_must_do():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read_string(UNIT.read_text(encoding="utf-8"))
    service = unit["Service"]
    assert unit["Install"]["WantedBy"] == "multi-user.target"              # starts on boot once enabled
    assert service["Restart"] == "on-failure"
    assert service["User"] not in ("root", "0") and service["Group"] not in ("root", "0")
    assert service["ProtectSystem"] == "strict" and service["ReadWritePaths"] == "/srv/kuban/data"
    assert service["StandardOutput"] == "journal" and service["StandardError"] == "journal"
    assert service["ExecStart"].startswith("/opt/kuban/.venv/bin/python -m kuban serve")
    assert "KUBAN_DATA_DIR=/srv/kuban/data" in UNIT.read_text(encoding="utf-8")
