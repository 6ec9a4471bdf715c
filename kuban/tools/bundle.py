"""`python -m kuban bundle` (`make bundle`): one archive that installs the dashboard on a server with no internet.

Made on a machine that reaches the package index; it holds

    kuban-VERSION/                    the project (its tracked files: code, queries, docs, tests, demo data)
    kuban-VERSION/wheels/             a wheel of every requirement and of what they pull in, for Linux x86-64
                                      and each Python version asked for (default SUPPORTED_PYTHONS)
    kuban-VERSION/DEBIAN_PACKAGES.txt the Debian packages the server needs, and how to bring them
    kuban-VERSION/install-offline.sh  makes .venv and installs from wheels/ only (`pip --no-index`)
    kuban-VERSION/SHA256SUMS          every file's checksum (`sha256sum -c SHA256SUMS` after copying)

On the server: unpack, `sh install-offline.sh` (or `make install-offline`), then `make run` or the service
(deploy/kuban.service). Nothing there asks the network: the wheels are pinned by requirements.txt and found in
wheels/; a missing one is an error at install time, never a download.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from kuban import paths
from kuban import texts as T

SUPPORTED_PYTHONS = ("3.11", "3.12", "3.13")     # Debian 12 has 3.11, Debian 13 has 3.13
# glibc-based Linux on x86-64: every manylinux tag up to Debian 13's glibc 2.41 (pip takes only the tags named)
PLATFORMS = ("linux_x86_64", "manylinux1_x86_64", "manylinux2010_x86_64", "manylinux2014_x86_64",
             *(f"manylinux_2_{minor}_x86_64" for minor in range(5, 42)))
DEBIAN_PACKAGES = (
    ("python3", "the interpreter (3.11 on Debian 12, 3.13 on Debian 13)"),
    ("python3-venv", "the virtual environment install-offline.sh makes"),
    ("chromium", "the pictures of «Справка» (and the browser tests)"),
    ("fonts-dejavu-core", "Cyrillic letters in those pictures"),
    ("nginx-light", "serving several processes behind one address (serve --workers)"),
)
LEFT_OUT = (".git", ".venv", ".kuban", "dist", "__pycache__", ".pytest_cache", ".hypothesis", "test-results")

INSTALL = """#!/bin/sh
# Installs the dashboard from this bundle with no network: a virtual environment in .venv, every package from
# wheels/. Needs python3 and python3-venv (DEBIAN_PACKAGES.txt). Run it in the unpacked bundle's folder.
set -eu
cd "$(dirname "$0")"
PYTHON="${PYTHON:-python3}"
"$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --no-index --find-links wheels --disable-pip-version-check \\
    -r requirements.txt
touch .venv/.installed          # `make run` then starts without asking the package index
.venv/bin/python -m kuban --help >/dev/null
echo "Установлено в $(pwd)/.venv. Запуск: make run (или служба: deploy/README.md)."
"""


class BundleFailed(Exception):
    """One Russian line."""


def _project_files(root: Path) -> list[Path]:
    """The project's files as git sees them (tracked, and new ones not ignored: never a data folder's uploads,
    users or audit log), or every file but the left-out folders where there is no git."""
    try:
        out = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             capture_output=True, check=True).stdout
        names = [n for n in out.decode("utf-8", "surrogateescape").split("\0") if n]
        return [Path(n) for n in names if (root / n).is_file()]
    except (OSError, subprocess.CalledProcessError):
        found = []
        for base, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in LEFT_OUT]
            found += [Path(base, f).relative_to(root) for f in files]
        return sorted(found)


def download_wheels(dest: Path, pythons: tuple[str, ...], requirements: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for version in pythons:
        tag = "cp" + version.replace(".", "")
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
               "-r", str(requirements), "--dest", str(dest), "--only-binary=:all:",
               "--python-version", version, "--implementation", "cp",
               "--abi", tag, "--abi", "abi3", "--abi", "none", *[a for p in PLATFORMS for a in ("--platform", p)]]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise BundleFailed(T.BUNDLE_WHEELS_FAILED.format(
                version=version, error=(done.stderr.strip().splitlines() or ["—"])[-1]))


def _debian_text() -> str:
    lines = ["# Debian packages the server needs (apt-get install ... on a connected machine, or as below)", ""]
    lines += [f"{name:<20} {why}" for name, why in DEBIAN_PACKAGES]
    lines += ["", "# With no network on the server: on a connected machine of the same Debian release,",
              "#   apt-get install --download-only -o Dir::Cache::archives=$PWD/debs " +
              " ".join(n for n, _ in DEBIAN_PACKAGES),
              "# copy debs/ over, and there: apt-get install ./debs/*.deb", ""]
    return "\n".join(lines)


def _checksums(folder: Path) -> str:
    lines = []
    for p in sorted(q for q in folder.rglob("*") if q.is_file()):
        digest = hashlib.sha256()
        with open(p, "rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
        lines.append(f"{digest.hexdigest()}  {p.relative_to(folder).as_posix()}")
    return "\n".join(lines) + "\n"


def build(out_dir: Path, pythons: tuple[str, ...] = SUPPORTED_PYTHONS, root: Path = paths.ROOT) -> Path:
    """Write out_dir/kuban-VERSION-offline.tar.gz; returns its path."""
    name = f"kuban-{paths.VERSION}"
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".bundle-") as work:
        top = Path(work) / name
        for rel in _project_files(root):
            if rel.parts and rel.parts[0] in LEFT_OUT:
                continue
            (top / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / rel, top / rel)
        download_wheels(top / "wheels", pythons, root / "requirements.txt")
        (top / "DEBIAN_PACKAGES.txt").write_text(_debian_text(), encoding="utf-8")
        (top / "install-offline.sh").write_text(INSTALL, encoding="utf-8")
        (top / "install-offline.sh").chmod(0o755)
        (top / "SHA256SUMS").write_text(_checksums(top), encoding="utf-8")
        archive = out_dir / f"{name}-offline.tar.gz"
        tmp = out_dir / f".{archive.name}.tmp"
        with tarfile.open(tmp, "w:gz", compresslevel=1) as tar:     # wheels are compressed already
            tar.add(top, arcname=name)
        os.replace(tmp, archive)
    return archive


def add_parser(sub) -> None:
    b = sub.add_parser("bundle", help="write the offline bundle: the project, wheels for Linux x86-64, install script",
                       description="On a machine with the package index: one archive that installs the dashboard on "
                                   "a server with no network (install-offline.sh inside).")
    b.add_argument("--out", type=Path, default=paths.ROOT / "dist", help="folder for the archive (default dist/)")
    b.add_argument("--python", action="append", dest="pythons", metavar="X.Y",
                   help=f"a Python version to bring wheels for (repeatable; default {' '.join(SUPPORTED_PYTHONS)})")


def cmd_bundle(args) -> int:
    try:
        archive = build(args.out, tuple(args.pythons or SUPPORTED_PYTHONS))
    except BundleFailed as exc:
        print(str(exc), file=sys.stderr)
        return 3
    print(T.BUNDLE_DONE.format(archive=archive, mb=archive.stat().st_size // (1 << 20)))
    return 0
