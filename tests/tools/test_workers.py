"""`python -m kuban serve --workers N` (kuban/tools/workers.py) and what several processes share: the nginx
configuration is one nginx accepts, options are read as Streamlit's, the open mode is decided by the proxy's
address, one data version is built once however many processes ask, and the audit log stays whole with several
writers. The whole thing in Chromium: tests/browser/test_workers.py."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kuban import texts as T
from kuban.access import audit
from kuban.app import signin
from kuban.data.store import STORE_FOLDER
from kuban.paths import ROOT
from kuban.tools import cli, workers
from tests.conftest import SMALL


def test_the_configuration_is_one_nginx_accepts(tmp_path):
    nginx = workers.nginx_binary()
    assert nginx, "make test installs nginx-light"
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / sub).mkdir()
    for address, name in (("127.0.0.1", False), ("0.0.0.0", True), ("::1", False)):
        conf = tmp_path / "nginx.conf"
        text = workers.nginx_conf(tmp_path, address, workers.free_port(), [41001, 41002, 41003], 400, name)
        conf.write_text(text, encoding="utf-8")
        done = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert text.count("server 127.0.0.1:4100") == 3 and "hash $kuban_worker consistent" in text
        assert "proxy_set_header Upgrade $http_upgrade" in text and "client_max_body_size 400m" in text
        assert ("X-Kuban-Worker" in text) == name            # the worker is named only when asked for
        assert "X-Real-IP $remote_addr" in text              # set by nginx, never taken from the client


def test_options_are_read_as_streamlit_reads_them():
    assert workers._option(["--server.port", "9000", "--x", "1"], "--server.port") == ("9000", ["--x", "1"])
    assert workers._option(["--server.port=9000"], "--server.port") == ("9000", [])
    assert workers._option(["--x"], "--server.port") == (None, ["--x"])
    assert cli._workers_option(["--workers", "2", "--server.port", "1"]) == (2, ["--server.port", "1"])
    assert cli._workers_option(["--workers=3"]) == (3, [])
    assert cli._workers_option(["--workers", "два"]) == (0, [])
    assert cli._workers_option(["--server.port", "1"]) == (None, ["--server.port", "1"])


def test_bad_requests_get_a_russian_reason_and_start_nothing(monkeypatch):
    with pytest.raises(workers.WorkersFailed, match="--workers"):
        workers.Cluster(0, [])
    with pytest.raises(workers.WorkersFailed, match="порта"):
        workers.Cluster(2, ["--server.port", "восемь"])
    monkeypatch.setattr(workers, "nginx_binary", lambda: None)
    with pytest.raises(workers.WorkersFailed) as e:
        workers.Cluster(2, [])
    assert str(e.value) == T.WORKERS_NO_NGINX
    assert cli.serve(["--workers", "2"]) == cli.EXIT_FAILED


def test_behind_the_proxy_the_open_mode_follows_the_proxys_address(monkeypatch):
    from streamlit import config
    config.set_option("server.address", "127.0.0.1")        # the workers listen on loopback
    assert signin.open_allowed()
    monkeypatch.setenv("KUBAN_BEHIND_PROXY", "1")
    monkeypatch.setenv("KUBAN_PUBLIC_ADDRESS", "0.0.0.0")    # ... but the proxy listens on the network
    assert not signin.open_allowed()
    monkeypatch.setenv("KUBAN_PUBLIC_ADDRESS", "127.0.0.1")
    assert signin.open_allowed()


BUILDER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from kuban.data import store as store_mod
    from kuban.model import db
    calls = []
    real = db.load_folder
    db.load_folder = lambda *a, **k: calls.append(1) or real(*a, **k)
    folder = Path(sys.argv[1])
    path = db.build_version(folder, store_mod.Store(folder / ".kuban"))
    print(len(calls), path)
""")


def test_several_processes_asking_for_a_new_version_build_it_once(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(SMALL, folder, ignore=shutil.ignore_patterns(STORE_FOLDER))   # another test's store left out
    procs = [subprocess.Popen([sys.executable, "-c", BUILDER, str(folder)], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True) for _ in range(3)]
    outs = [p.communicate(timeout=120)[0].split() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert sorted(int(o[0]) for o in outs) == [0, 0, 1]        # one built it, the others waited and opened it
    assert len({o[1] for o in outs}) == 1 and Path(outs[0][1]).exists()


WRITER = textwrap.dedent("""
    import sys
    from kuban.access import audit
    for i in range(300):
        audit.record(sys.argv[1], sys.argv[2], "download", what="x" * (i % 700), detail=str(i))
""")


def test_the_audit_log_stays_whole_with_several_writing_processes(tmp_path):
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), f"user{n}"], cwd=ROOT) for n in range(3)]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    lines = audit.path(tmp_path).read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines]
    assert len(entries) == 900
    for n in range(3):
        assert sorted(int(e["detail"]) for e in entries if e["user"] == f"user{n}") == list(range(300))
