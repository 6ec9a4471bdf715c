"""Builds a data folder's data version into its store: `python -m kuban.model.build DATA_DIR [--store DIR]`.

Run by the dashboard in a child process (kuban.model.db.build_in_child), so the memory of validation is
returned to the system when it ends. Prints the path of the version file on stdout; on failure one Russian
line on stderr and exit code 1. While it works it writes what it is doing to the store's progress.json
(at most every half second), which the dashboard shows.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from kuban.data.ingest import load_folder, version_key
from kuban.data.readers import short_error
from kuban.data.store import Store, write_json
from kuban.model.db import write_version

ATTEMPTS = 3          # the folder changed while it was read: read it again, at most this many times
PROGRESS_EVERY_S = 0.5


class ProgressFile:
    """Writes Progress snapshots to the store's progress.json, at most every PROGRESS_EVERY_S seconds."""

    def __init__(self, store: Store):
        self.path = store.progress_path()
        self.last = 0.0
        self.snapshot: dict = {}

    def __call__(self, snapshot: dict, stage: str = "files", force: bool = False) -> None:
        changed = (snapshot.get("file"), stage) != (self.snapshot.get("file"), self.snapshot.get("stage"))
        self.snapshot = {**snapshot, "stage": stage, "pid": os.getpid(), "time": time.time()}
        now = time.monotonic()
        if force or now - self.last >= (PROGRESS_EVERY_S / 10 if changed else PROGRESS_EVERY_S):
            self.last = now
            try:
                write_json(self.path, self.snapshot, durable=False)
            except OSError:
                pass


def build(data_dir: Path, store: Store, progress=None) -> Path:
    """The folder's data version in the store (built unless the store already holds it); its path."""
    for _attempt in range(ATTEMPTS):
        key = version_key(data_dir, store)
        path = store.version_path(key)
        if path.exists():
            return path
        result = load_folder(data_dir, store=store, progress=progress)
        if version_key(data_dir, store) != key:
            continue                          # a file changed while the folder was read
        if progress:
            progress(progress.snapshot, stage="tables", force=True)
        write_version(result, path, key)
        store.collect(key, keep_files=store.used)
        return path
    raise RuntimeError("the data folder kept changing while it was read")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m kuban.model.build")
    p.add_argument("data_dir", type=Path)
    p.add_argument("--store", type=Path, default=None, help="store folder (default: the data folder's own)")
    args = p.parse_args(argv)
    data_dir = args.data_dir.resolve()
    store = Store(args.store) if args.store else Store.for_folder(data_dir)
    progress = ProgressFile(store)
    try:
        path = build(data_dir, store, progress)
    except Exception as exc:  # noqa: BLE001 - the parent shows this one line
        print(short_error(exc), file=sys.stderr)
        return 1
    finally:
        store.progress_path().unlink(missing_ok=True)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
