"""The guard of tests/conftest.py: a skipped test fails (with its reason); deselecting and xfail are not skips.

Runs pytest on a small folder of tests that skip in every way pytest offers, with the guard's hooks as its
conftest, and reads the outcome of each.
"""
from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

from kuban.paths import ROOT

CONFTEST = """
import pytest
from tests.conftest import pytest_make_collect_report, pytest_runtest_makereport  # noqa: F401

@pytest.fixture
def skipping_fixture():
    pytest.skip("the fixture skips")
"""

TESTS = """
import pytest

def test_passes():
    assert True

def test_skips_inside():
    pytest.skip("inside the test")

@pytest.mark.skip(reason="by a marker")
def test_skip_marker():
    pass

@pytest.mark.skipif(True, reason="by a condition")
def test_skipif_marker():
    pass

def test_skipped_by_its_fixture(skipping_fixture):
    pass

@pytest.mark.xfail(reason="a known failure", strict=True)
def test_expected_failure():
    assert False

@pytest.mark.other
def test_deselected():
    pytest.skip("never run")
"""

MODULE_SKIPS = """
import pytest
pytest.importorskip("no_such_module_here")

def test_never_collected():
    pass
"""


def test_every_kind_of_skip_fails_with_its_reason(tmp_path):
    (tmp_path / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (tmp_path / "test_skips.py").write_text(TESTS, encoding="utf-8")
    (tmp_path / "test_module_skips.py").write_text(MODULE_SKIPS, encoding="utf-8")
    report = tmp_path / "report.xml"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")} | {"PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist",
                        "--rootdir", str(tmp_path), "-o", "markers=other", "-m", "not other",
                        "--continue-on-collection-errors", f"--junitxml={report}", str(tmp_path)],
                       cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == 1, r.stdout + r.stderr
    outcomes = {}
    for case in ET.parse(report).iter("testcase"):
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        text = " ".join((child.get("message") or "") + (child.text or "") for child in case)
        outcomes[case.get("name") or case.get("classname")] = (kinds, text)
    assert outcomes.pop("test_passes")[0] == []
    # xfail is reported as skipped by JUnit XML: an expected failure, not a skip
    assert "a known failure" in outcomes.pop("test_expected_failure")[1]
    assert "test_deselected" not in outcomes
    reasons = {"test_skips_inside": "inside the test", "test_skip_marker": "by a marker",
               "test_skipif_marker": "by a condition", "test_skipped_by_its_fixture": "the fixture skips",
               "test_module_skips": "no_such_module_here"}
    assert sorted(outcomes) == sorted(reasons), outcomes
    for name, reason in reasons.items():
        kinds, text = outcomes[name]
        assert kinds and "skipped" not in kinds, (name, kinds)
        assert "no test here may be skipped" in text and reason in text, (name, text)
