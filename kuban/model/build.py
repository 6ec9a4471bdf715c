"""Builds a data folder's data version into its store: `python -m kuban.model.build DATA_DIR [--store DIR]`.

Run by the dashboard in a child process (kuban.model.db.build_in_child), so the memory of validation is
returned to the system when it ends. Prints the path of the version file on stdout; on failure one Russian
line on stderr and exit code 1. While it works it writes what it is doing to the store's progress.json
(at most every half second), which the dashboard shows.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kuban.data.readers import short_error
from kuban.data.store import Store
from kuban.model.db import ProgressFile, build_version


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m kuban.model.build")
    p.add_argument("data_dir", type=Path)
    p.add_argument("--store", type=Path, default=None, help="store folder (default: the data folder's own)")
    args = p.parse_args(argv)
    data_dir = args.data_dir.resolve()
    store = Store(args.store) if args.store else Store.for_folder(data_dir)
    progress = ProgressFile(store)
    try:
        path = build_version(data_dir, store, progress)
    except Exception as exc:  # noqa: BLE001 - the parent shows this one line
        print(short_error(exc), file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
