"""`python -m kuban serve --workers N`: N dashboard processes over the same data folder and store, behind nginx.

    python -m kuban serve --workers 2 --server.address 0.0.0.0 --server.port 8501

One Python process redraws pages one at a time (Streamlit runs each session's script in a thread, and Python
runs one thread at a time), so more viewers need more processes. This command:

1. starts N workers, each `python -m kuban serve` on 127.0.0.1 and a free port of its own, over the same data
   folder (the store, the audit log, the file history and the access files are shared on disk; see below);
2. writes an nginx configuration into a run folder of its own (`KUBAN_RUN_DIR`, default a new temporary folder)
   and starts Debian's nginx (`/usr/sbin/nginx`, or `KUBAN_NGINX`) as an ordinary process, in the foreground,
   listening on the address and port asked for (default 127.0.0.1:8501, as `make run`);
3. watches them: a worker that ends is started again on its port; when nginx ends, or on SIGTERM / SIGINT,
   everything is stopped.

What nginx does (the configuration is `nginx_conf()`):
- sticky sessions: a browser gets a cookie `kuban_worker` (a random id) on its first response, and every
  request carrying it goes to the same worker (`hash … consistent`): the websocket of its session, its uploads
  (`/_stcore/upload_file`), its downloads and media (`/media/…`) and a single sign-on callback all reach the
  process that holds its session. A worker that does not answer is skipped (the browser starts a new session
  on another one: local sign-in asks for the password again, single sign-on keeps its signed cookie);
- websocket proxying (`Upgrade`/`Connection`), hour-long read timeouts, uploads up to Streamlit's own limit;
- the client's address in `X-Real-IP` / `X-Forwarded-For`, set by nginx (never taken from the client).

What the workers share, and how it stays whole with several writers: the audit log is appended under an
exclusive lock, one line per write (kuban/access/audit.py); the file history and uploads under
`_history/.lock` (kuban/data/uploads.py); a new data version is built by one process under the store's build
lock while the others wait for it and then open the same file (kuban/model/db.py: build_version); the view and
query caches are per process. Each worker is told the proxy's public address (`KUBAN_PUBLIC_ADDRESS`), so
the open mode without sign-in (only on this machine) is decided by where the proxy listens, not by the
workers' loopback; and that it is behind this proxy (`KUBAN_BEHIND_PROXY`), so the audit log records the
client's address from `X-Real-IP`.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from kuban import paths
from kuban import texts as T

DEFAULT_ADDRESS = "127.0.0.1"
DEFAULT_PORT = 8501
START_TIMEOUT_S = 120
WATCH_EVERY_S = 1.0
COOKIE = "kuban_worker"
ENV_PUBLIC_ADDRESS = "KUBAN_PUBLIC_ADDRESS"
ENV_BEHIND_PROXY = "KUBAN_BEHIND_PROXY"


class WorkersFailed(Exception):
    """The proxy or the workers could not be started; the message is Russian."""


def nginx_binary() -> str | None:
    found = os.environ.get("KUBAN_NGINX") or shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def health(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
            return r.read().decode("utf-8", "replace").strip()
    except (urllib.error.URLError, OSError):
        return None


def _listen(address: str, port: int) -> str:
    return f"[{address.strip('[]')}]:{port}" if ":" in address else f"{address}:{port}"


def nginx_conf(run_dir: Path, address: str, port: int, worker_ports: list[int], max_body_mb: int,
               name_worker: bool = False) -> str:
    """The nginx configuration of the proxy (everything it writes stays in `run_dir`). `name_worker`
    (KUBAN_PROXY_NAME_WORKER=1, for tests and diagnosis): each response names the worker that answered."""
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in worker_ports)
    r = run_dir
    return f"""# Written by python -m kuban serve --workers (kuban/tools/workers.py); rewritten at every start.
worker_processes 1;
daemon off;
pid {r}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {r}/client_body;
    proxy_temp_path {r}/proxy;
    fastcgi_temp_path {r}/fastcgi;
    uwsgi_temp_path {r}/uwsgi;
    scgi_temp_path {r}/scgi;
    client_max_body_size {max_body_mb}m;
    server_tokens off;

    # Sticky sessions: the worker is chosen by the cookie; a browser without one gets a new random id.
    map $cookie_{COOKIE} $kuban_worker {{
        ""      $request_id;
        default $cookie_{COOKIE};
    }}
    map $cookie_{COOKIE} $kuban_new_cookie {{
        ""      "{COOKIE}=$request_id; Path=/; HttpOnly; SameSite=Lax";
        default "";
    }}
    map $http_upgrade $kuban_connection {{
        default upgrade;
        ""      close;
    }}
    upstream kuban {{
        hash $kuban_worker consistent;
{servers}
    }}
    server {{
        listen {_listen(address, port)};
        add_header Set-Cookie $kuban_new_cookie always;
{"        add_header X-Kuban-Worker $upstream_addr always;" + chr(10) if name_worker else ""}        location / {{
            proxy_pass http://kuban;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $kuban_connection;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 3600s;
            proxy_send_timeout 3600s;
            proxy_buffering off;
            proxy_request_buffering off;
        }}
    }}
}}
"""


@dataclass
class Worker:
    port: int
    process: subprocess.Popen | None = None
    starts: int = 0


def _option(options: list[str], name: str) -> tuple[str | None, list[str]]:
    """The value of `--name value` or `--name=value` in `options`, and the options without it."""
    value, rest, i = None, [], 0
    while i < len(options):
        o = options[i]
        if o == name and i + 1 < len(options):
            value, i = options[i + 1], i + 2
            continue
        if o.startswith(name + "="):
            value = o.split("=", 1)[1]
        else:
            rest.append(o)
        i += 1
    return value, rest


class Cluster:
    """The proxy and its workers (start, watch, stop)."""

    def __init__(self, workers: int, options: list[str], run_dir: Path | None = None, log=None):
        if workers < 1:
            raise WorkersFailed(T.WORKERS_COUNT)
        self.nginx = nginx_binary()
        if self.nginx is None:
            raise WorkersFailed(T.WORKERS_NO_NGINX)
        address, options = _option(options, "--server.address")
        port, options = _option(options, "--server.port")
        _, options = _option(options, "--server.headless")
        self.address = address or DEFAULT_ADDRESS
        try:
            self.port = int(port) if port else DEFAULT_PORT
        except ValueError:
            raise WorkersFailed(T.WORKERS_BAD_PORT.format(port=port)) from None
        self.options = options
        self.run_dir = Path(run_dir or os.environ.get("KUBAN_RUN_DIR") or tempfile.mkdtemp(prefix="kuban-serve-"))
        self.workers = [Worker(free_port()) for _ in range(workers)]
        self.proxy: subprocess.Popen | None = None
        self.log = log if log is not None else sys.stderr
        self.stopping = False

    # --- workers ------------------------------------------------------------------------------------------
    def _start_worker(self, w: Worker) -> None:
        env = {**os.environ, ENV_PUBLIC_ADDRESS: self.address, ENV_BEHIND_PROXY: "1"}
        cmd = [sys.executable, "-m", "kuban", "serve", "--server.headless", "true", "--server.address", "127.0.0.1",
               "--server.port", str(w.port), *self.options]
        w.process = subprocess.Popen(cmd, cwd=paths.ROOT, env=env, stdin=subprocess.DEVNULL)
        w.starts += 1

    def _wait_healthy(self, urls: list[str], what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        for url in urls:
            while health(url) != "ok":
                dead = [w for w in self.workers if w.process is not None and w.process.poll() is not None]
                if dead or (self.proxy is not None and self.proxy.poll() is not None):
                    raise WorkersFailed(T.WORKERS_DIED.format(what=what))
                if time.monotonic() > deadline:
                    raise WorkersFailed(T.WORKERS_TIMEOUT.format(what=what, seconds=START_TIMEOUT_S))
                time.sleep(0.2)

    # --- the proxy ----------------------------------------------------------------------------------------
    def _start_proxy(self) -> None:
        from kuban.data.uploads import max_upload_bytes
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.run_dir / sub).mkdir(parents=True, exist_ok=True)
        conf = self.run_dir / "nginx.conf"
        conf.write_text(nginx_conf(self.run_dir, self.address, self.port, [w.port for w in self.workers],
                                   max(1, -(-2 * max_upload_bytes() // 2**20)),
                                   os.environ.get("KUBAN_PROXY_NAME_WORKER") == "1"), encoding="utf-8")
        check = subprocess.run([self.nginx, "-t", "-q", "-p", str(self.run_dir), "-c", str(conf)],
                               capture_output=True, text=True, check=False)
        if check.returncode != 0:
            raise WorkersFailed(T.WORKERS_NGINX_FAILED.format(error=(check.stderr or check.stdout).strip()[-500:]))
        self.proxy = subprocess.Popen([self.nginx, "-p", str(self.run_dir), "-c", str(conf)],
                                      stdin=subprocess.DEVNULL)

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.address in ("0.0.0.0", "::", "[::]") else self.address
        return f"http://{_listen(host, self.port)}"

    def start(self) -> None:
        for w in self.workers:
            self._start_worker(w)
        self._wait_healthy([f"http://127.0.0.1:{w.port}" for w in self.workers], T.WORKERS_WHAT_WORKERS)
        self._start_proxy()
        self._wait_healthy([self.url], T.WORKERS_WHAT_PROXY)
        print(T.WORKERS_READY.format(url=self.url, n=len(self.workers),
                                     ports=", ".join(str(w.port) for w in self.workers)), file=self.log, flush=True)

    def watch_once(self) -> bool:
        """Start again every worker that ended; False when the proxy has ended."""
        for w in self.workers:
            if w.process is not None and w.process.poll() is not None and not self.stopping:
                print(T.WORKERS_RESTART.format(port=w.port, code=w.process.returncode), file=self.log, flush=True)
                self._start_worker(w)
        return self.proxy is not None and self.proxy.poll() is None

    def stop(self) -> None:
        self.stopping = True
        procs = [p for p in [self.proxy, *(w.process for w in self.workers)] if p is not None]
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)


def serve_workers(workers: int, options: list[str]) -> int:
    """Run the proxy and its workers until SIGTERM / SIGINT or the proxy ends; 0 on a stop asked for."""
    cluster = Cluster(workers, options)
    asked = {"stop": False}

    def on_signal(signum, frame):   # noqa: ARG001
        asked["stop"] = True

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        cluster.start()
        while not asked["stop"]:
            if not cluster.watch_once():
                print(T.WORKERS_PROXY_ENDED, file=sys.stderr, flush=True)
                return 3
            time.sleep(WATCH_EVERY_S)
        return 0
    finally:
        cluster.stop()
        for s, h in previous.items():
            signal.signal(s, h)
