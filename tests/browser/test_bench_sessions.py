"""`python -m kuban bench --sessions --client chromium`: a smoke test, two Chromium viewers for five seconds on a copy
of tests/fixtures/small (the bench starts its own server and browser; redraw times are reported, never asserted)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

from .conftest import FIXTURE, ROOT


def test_two_viewers_change_the_municipality_without_errors(tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(FIXTURE, data_dir)
    r = subprocess.run([sys.executable, "-m", "kuban", "bench", "--sessions", "2", "--seconds", "5",
                        "--client", "chromium", "--data-dir", str(data_dir), "--json"],
                       cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    report = json.loads(r.stdout)
    assert report["client"] == "chromium" and report["sessions"] == 2
    assert report["errors"] == 0, report["error_samples"]
    assert report["changes"] >= 2
    assert report["redraw_p95_ms"] >= report["redraw_p50_ms"] > 0
