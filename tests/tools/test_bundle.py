"""The offline bundle (kuban/tools/bundle.py): built here for this Python, unpacked, installed with the network
cut off (a network namespace of its own where `unshare -n` works, as root here; always with the index pointed
at a closed port and no proxy that answers), then the dashboard it installed starts on the demo data and answers
its health check. Issue 20: the department's server has no internet.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.request
from pathlib import Path

import pytest

from kuban import __version__
from kuban.paths import ROOT

CLOSED = "http://127.0.0.1:9"          # the discard port: nothing answers there
NO_NETWORK = {"PIP_INDEX_URL": CLOSED + "/simple", "PIP_EXTRA_INDEX_URL": "", "PIP_FIND_LINKS": "",
              "PIP_CONFIG_FILE": os.devnull, "http_proxy": CLOSED, "https_proxy": CLOSED, "HTTP_PROXY": CLOSED,
              "HTTPS_PROXY": CLOSED, "no_proxy": "", "PIP_DEFAULT_TIMEOUT": "2", "PIP_RETRIES": "0"}


def _isolated() -> list[str]:
    """`unshare -n` (a network namespace with nothing in it) when this machine allows it, else nothing more."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    return []


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle")
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    made = subprocess.run([sys.executable, "-m", "kuban", "bundle", "--out", str(out), "--python", python],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert made.returncode == 0, made.stderr
    archive = out / f"kuban-{__version__}-offline.tar.gz"
    assert archive.is_file() and str(archive) in made.stdout
    return archive


def test_the_bundle_holds_the_project_wheels_and_what_the_server_needs(bundle):
    with tarfile.open(bundle) as tar:
        names = set(tar.getnames())
    top = f"kuban-{__version__}"
    for need in ("dashboard.py", "requirements.txt", "Makefile", "install-offline.sh", "DEBIAN_PACKAGES.txt",
                 "SHA256SUMS", "deploy/kuban.service", "data/demo.json", "kuban/data/backup.py"):
        assert f"{top}/{need}" in names, need
    wheels = {n.split("/")[-1].split("-")[0].lower() for n in names if n.startswith(f"{top}/wheels/")}
    for pinned in ("streamlit", "duckdb", "pandas", "pyarrow", "plotly", "kaleido", "python_calamine"):
        assert pinned in wheels, pinned
    assert not any(f"{top}/{part}" in n for n in names for part in (".git/", ".venv/", "data/.kuban/", "data/access/",
                                                                    "data/_history/"))


def test_it_installs_and_serves_with_no_network(bundle, tmp_path):
    with tarfile.open(bundle) as tar:
        tar.extractall(tmp_path, filter="data")
    top = tmp_path / f"kuban-{__version__}"
    sums = subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=top, capture_output=True, text=True)
    assert sums.returncode == 0, sums.stdout + sums.stderr
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV"))}, **NO_NETWORK,
           "PYTHON": getattr(sys, "_base_executable", None) or "python3"}
    installed = subprocess.run([*_isolated(), "sh", "install-offline.sh"], cwd=top, env=env, capture_output=True,
                               text=True, timeout=900)
    assert installed.returncode == 0, installed.stdout[-2000:] + installed.stderr[-4000:]
    assert "Установлено" in installed.stdout
    python = top / ".venv" / "bin" / "python"
    assert (top / ".venv" / ".installed").is_file()            # `make run` then asks the index for nothing
    # the dashboard it installed, on the demo data it brought, answers its health check
    port = _free_port()
    log = open(tmp_path / "serve.log", "wb")
    server = subprocess.Popen([str(python), "-m", "kuban", "serve", "--server.headless", "true", "--server.port",
                               str(port), "--browser.gatherUsageStats", "false"], cwd=top, stdout=log,
                              stderr=subprocess.STDOUT, env={**env, "KUBAN_DATA_DIR": str(top / "data")})
    try:
        deadline, answer = time.monotonic() + 120, None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    answer = r.read().decode()
                    break
            except OSError:
                time.sleep(0.3)
        assert answer == "ok", (tmp_path / "serve.log").read_text(errors="replace")[-3000:]
        check = subprocess.run([str(python), "-m", "kuban", "check", "--data-dir", str(top / "data")], cwd=top,
                               env=env, capture_output=True, text=True, timeout=600)
        assert check.returncode == 0, check.stdout[-2000:] + check.stderr[-2000:]
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
