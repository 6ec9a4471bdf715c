"""`python -m kuban backup --out FILE.tar.gz` and `python -m kuban restore FILE.tar.gz --data-dir DIR [--force]`:
the command line of kuban/data/backup.py. (`restore NAME` without an archive brings a withdrawn data file back:
kuban/tools/files_cli.py; an argument ending in .tar.gz or .tgz is a backup.)

Exit 0: done; 2: refused (a damaged archive, a folder that is not empty), nothing written.
"""
from __future__ import annotations

import sys
from pathlib import Path

from kuban import paths
from kuban import texts as T
from kuban.data import backup
from kuban.data.readers import size_text

EXIT_OK, EXIT_UNUSABLE = 0, 2
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz")


def is_archive(name: str) -> bool:
    return str(name).lower().endswith(ARCHIVE_SUFFIXES)


def add_parser(sub) -> None:
    b = sub.add_parser("backup", help="write a consistent archive of the data folder (not the rebuildable store)",
                       description="Archive the data folder while the dashboard serves: tables, uploads, history, "
                                   "users and access, the audit log, cluster definitions; with SHA-256 checksums.")
    b.add_argument("--out", type=Path, required=True, metavar="FILE.tar.gz")
    b.add_argument("--data-dir", type=Path, default=None, help="data folder (default: $KUBAN_DATA_DIR or data/)")


def cmd_backup(args) -> int:
    try:
        summary = backup.backup(args.data_dir or paths.data_dir(), args.out)
    except backup.BackupError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_UNUSABLE
    print(T.BACKUP_DONE.format(file=summary.path, files=summary.files, size=size_text(summary.bytes)))
    if summary.skipped:
        print(T.BACKUP_SKIPPED.format(items=", ".join(summary.skipped[:10])), file=sys.stderr)
    return EXIT_OK


def cmd_restore(archive: Path, data_dir: Path | None, force: bool) -> int:
    target = data_dir or paths.data_dir()
    try:
        summary = backup.restore(archive, target, force=force)
    except backup.BackupError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_UNUSABLE
    print(T.RESTORE_DONE.format(folder=summary.path, files=summary.files, size=size_text(summary.bytes)))
    if summary.moved_aside:
        print(T.RESTORE_MOVED_ASIDE.format(folder=summary.moved_aside))
    print(T.RESTORE_NEXT.format(folder=summary.path))
    return EXIT_OK
