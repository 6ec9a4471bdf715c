"""`python -m kuban bench --sessions` with its default client, Streamlit's websocket protocol (no browser): three
viewers for five seconds on a copy of tests/fixtures/small, and how a run's messages are read (times are reported,
never asserted)."""
from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys

import pytest

from kuban.paths import ROOT
from kuban.tools.bench import websocket as ws_client

FIXTURE = ROOT / "tests" / "fixtures" / "small"


def test_three_websocket_viewers_change_filters_without_errors(tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(FIXTURE, data_dir)
    r = subprocess.run([sys.executable, "-m", "kuban", "bench", "--sessions", "3", "--seconds", "5",
                        "--data-dir", str(data_dir), "--json"], cwd=ROOT, capture_output=True, text=True,
                       timeout=300, check=False)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    report = json.loads(r.stdout)          # stdout holds the JSON object only (progress goes to stderr)
    for key in ("client", "sessions", "seconds", "changes", "errors", "error_samples", "timeouts", "redraw_p50_ms",
                "redraw_p95_ms", "redraw_max_ms", "by_path", "server_peak_rss_mb", "first_page_s"):
        assert key in report, key
    assert report["client"] == "websocket" and report["sessions"] == 3
    assert report["errors"] == 0, report["error_samples"]
    assert report["timeouts"] == 0, report["timeout_samples"]
    assert report["changes"] > 0
    assert report["redraw_max_ms"] >= report["redraw_p95_ms"] >= report["redraw_p50_ms"] > 0
    assert report["server_peak_rss_mb"] > 0


def test_viewers_that_read_what_they_got_pause_between_changes(tmp_path):
    """--think 2: a viewer pauses at least 1 s after each redraw, so in 4 s each makes at most 1 + 4 / 1 changes
    (back to back, a viewer makes dozens on this fixture)."""
    data_dir = tmp_path / "data"
    shutil.copytree(FIXTURE, data_dir)
    r = subprocess.run([sys.executable, "-m", "kuban", "bench", "--sessions", "2", "--seconds", "4", "--think", "2",
                        "--data-dir", str(data_dir), "--json"], cwd=ROOT, capture_output=True, text=True,
                       timeout=300, check=False)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    report = json.loads(r.stdout)
    assert report["think_s"] == 2.0 and report["errors"] == 0 and report["timeouts"] == 0
    assert 0 < report["changes"] <= 2 * (1 + 4)


def test_a_pause_lies_between_half_and_one_and_a_half_times_the_think_time():
    import random

    from kuban.tools.bench.sessions import think_pause
    rng = random.Random(1)
    pauses = [think_pause(rng, 4.0) for _ in range(1000)]
    assert min(pauses) >= 2.0 and max(pauses) <= 6.0 and max(pauses) - min(pauses) > 3.5
    assert think_pause(rng, 0.0) == 0.0


class FakeSocket:
    """Hands out the given ForwardMsgs, records what is sent."""

    def __init__(self, messages):
        self.messages = [m.SerializeToString() for m in messages]
        self.sent = []

    async def send(self, data):
        self.sent.append(data)

    async def recv(self):
        if not self.messages:
            await asyncio.sleep(10)
        return self.messages.pop(0)


def forward(**kind):
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    msg = ForwardMsg()
    for name, value in kind.items():
        if name == "script_finished":
            msg.script_finished = value
        elif name == "exception":
            msg.delta.new_element.exception.type = "KeyError"
            msg.delta.new_element.exception.message = value
        elif name == "munis":
            msg.delta.new_element.multiselect.query_param_key = ws_client.MUNI_PARAM
            msg.delta.new_element.multiselect.options[:] = value
        elif name == "pages":
            for url, page_hash in value.items():
                page = msg.navigation.app_pages.add()
                page.url_pathname, page.page_script_hash = url, page_hash
    return msg


def test_a_run_is_read_until_its_script_finishes_and_exceptions_are_errors():
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    sock = FakeSocket([forward(pages={"": "h0", "shipments": "h1"}), forward(munis=["Сочи", "Анапа"]),
                       forward(script_finished=ForwardMsg.FINISHED_EARLY_FOR_RERUN), forward(exception="'x'"),
                       forward(script_finished=ForwardMsg.FINISHED_SUCCESSFULLY), forward(exception="later")])
    viewer, errors = ws_client.Viewer(sock, "/shipments"), []
    message = ws_client.rerun_message("mo=%D0%A1%D0%BE%D1%87%D0%B8", page_hash="h1", history=True)
    seconds = asyncio.run(ws_client.run_once(viewer, message, 5, errors))
    assert seconds >= 0
    assert len(errors) == 1 and "KeyError" in errors[0]           # the run ended before "later"
    assert viewer.pages == {"/": "h0", "/shipments": "h1"} and viewer.names == ["Сочи", "Анапа"]
    sent = BackMsg()
    sent.ParseFromString(sock.sent[0])
    assert sent.rerun_script.query_string == "mo=%D0%A1%D0%BE%D1%87%D0%B8"
    assert sent.rerun_script.page_script_hash == "h1" and sent.rerun_script.is_history_navigation


def test_a_run_that_does_not_finish_is_a_timeout():
    viewer = ws_client.Viewer(FakeSocket([forward(munis=["Сочи"])]), "/")
    with pytest.raises(ws_client.Unfinished):
        asyncio.run(ws_client.run_once(viewer, ws_client.rerun_message(""), 0.2, []))
