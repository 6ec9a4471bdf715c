"""`python -m kuban add | history | withdraw | restore`: adding and taking back data files from the command line,
with the same rules, preview and history as uploads on «Данные» (kuban/data/uploads.py).

    add TABLE FILE... [--data-dir DIR] [--dry-run] [--json]
        exit 0: every row would load; 1: some rows refused; 2: a file refused whole (then nothing is stored)
    history [--json]        withdraw STORED_NAME        restore STORED_NAME
"""
from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path

import pandas as pd

from kuban import paths
from kuban import texts as T
from kuban.access import audit
from kuban.data import uploads
from kuban.data.contract import TABLES

EXIT_OK, EXIT_REFUSED, EXIT_UNUSABLE = 0, 1, 2


class FilesCommandFailed(Exception):
    """One Russian line; exit 3."""


def add_parsers(sub) -> None:
    a = sub.add_parser("add", help="add data files to a table (checked first; nothing stored if a file is refused)",
                       description="Check files as the dashboard loads them and store them in the table's folder. "
                                   "Exit 0: every row would load; 1: some rows refused; 2: a file refused whole "
                                   "(then nothing is stored).")
    a.add_argument("table", choices=uploads.UPLOAD_TABLES)
    a.add_argument("files", nargs="+", type=Path, metavar="FILE")
    a.add_argument("--data-dir", type=Path, default=None, help="data folder (default: $KUBAN_DATA_DIR or data/)")
    a.add_argument("--dry-run", action="store_true", help="check and report only; store nothing")
    a.add_argument("--json", action="store_true", help="print one JSON object: files and problems")
    h = sub.add_parser("history", help="every file added, replaced, withdrawn or restored")
    h.add_argument("--data-dir", type=Path, default=None)
    h.add_argument("--json", action="store_true")
    for name, what in (("withdraw", "move a data file to the archive (the dashboard stops using it)"),
                       ("restore", "bring a withdrawn file back, or (FILE.tar.gz) a whole data folder from a backup")):
        w = sub.add_parser(name, help=what)
        w.add_argument("stored_name", metavar="STORED_NAME" if name == "withdraw" else "STORED_NAME | FILE.tar.gz",
                       help="its path in the data folder as `history` shows it, or its file name if unique"
                            + ("; or a backup archive (python -m kuban backup)" if name == "restore" else ""))
        w.add_argument("--data-dir", type=Path, default=None)
        if name == "restore":
            w.add_argument("--force", action="store_true",
                           help="a backup into a folder that is not empty: the folder is renamed aside, not deleted")


def who() -> str:
    """The history's and audit log's user for the command line: the system account."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "?"
    return f"{T.CLI_USER_PREFIX}{name}"


def _folder(args) -> Path:
    folder = Path(args.data_dir or paths.data_dir()).resolve()
    if not folder.is_dir():
        raise FilesCommandFailed(T.CLI_NO_FOLDER.format(folder=folder))
    return folder


def _records(problems: pd.DataFrame, table: str, file: str) -> list[dict]:
    out = []
    for r in problems.to_dict("records"):
        line = r["line"]
        out.append({"table": table, "file": file, "line": None if line is None or pd.isna(line) else int(line),
                    "column": r["column"] if isinstance(r["column"], str) else None,
                    "kind": r["kind"], "reason": r["reason"]})
    return out


def cmd_add(args) -> int:
    from kuban.model.db import DataSource
    from kuban.model.upload_preview import preview
    folder = _folder(args)
    files, problems, checked = [], [], []
    db = None
    try:
        for path in args.files:
            record = {"file": path.name, "table": args.table, "rows": 0, "refused": 0, "superseded": 0,
                      "stored_as": None}
            files.append(record)
            try:
                with open(path, "rb") as fh:
                    staged = uploads.stage(folder, path.name, fh)
            except uploads.UploadRefused as exc:
                problems.append({"table": args.table, "file": path.name, "line": None, "column": None,
                                 "kind": "refused_file", "reason": str(exc)})
                continue
            except OSError as exc:
                problems.append({"table": args.table, "file": path.name, "line": None, "column": None,
                                 "kind": "refused_file", "reason": T.CLI_FILE_UNREADABLE.format(
                                     error=exc.strerror or type(exc).__name__)})
                continue
            try:
                c = uploads.check(folder, staged, args.table)
            except uploads.UploadRefused as exc:
                staged.discard()
                problems.append({"table": args.table, "file": path.name, "line": None, "column": None,
                                 "kind": "refused_file", "reason": str(exc)})
                continue
            checked.append((record, c))
            problems += _records(c.problems, args.table, path.name)
            record.update(rows=int(len(c.rows)), refused=c.refused_rows)
            if c.reason:
                problems.append({"table": args.table, "file": path.name, "line": None, "column": None,
                                 "kind": "refused_file", "reason": c.reason})
                continue
            if db is None:
                db = DataSource(folder).get()
            record["superseded"] = int(len(preview(db, c).superseded))
        whole = any(p["kind"] == "refused_file" for p in problems)
        if not whole and not args.dry_run:
            user = who()
            for record, c in checked:
                try:
                    entry = uploads.accept(folder, c, user)
                except uploads.UploadRefused as exc:     # e.g. the same content added meanwhile
                    problems.append({"table": args.table, "file": record["file"], "line": None, "column": None,
                                     "kind": "refused_file", "reason": str(exc)})
                    continue
                record["stored_as"] = entry["stored"]
                audit.record(folder, user, "upload", what=entry["stored"],
                             detail=T.AUDIT_UPLOAD_DETAIL.format(original=entry["original"], rows=entry["rows"],
                                                                 refused=entry["refused"]))
    finally:
        for _record, c in checked:
            c.staged.discard()
    whole = any(p["kind"] == "refused_file" for p in problems)
    refused = any(p["kind"] == "refused_row" for p in problems)
    if args.json:
        json.dump({"files": files, "problems": problems}, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        for r in files:
            print(T.CLI_ADD_LINE.format(**r, title=TABLES[r["table"]].title) + (
                T.CLI_ADD_STORED.format(stored=r["stored_as"]) if r["stored_as"] else ""))
        for p in problems:
            where = (p["file"] or "") + (f":{p['line']}" if p["line"] is not None else "")
            col = f" [{p['column']}]" if p["column"] else ""
            print(f"{T.KIND_LABELS.get(p['kind'], p['kind'])}: {where}{col}: {p['reason']}")
        if whole:
            print(T.CLI_ADD_NOTHING_STORED)
        elif args.dry_run:
            print(T.CLI_ADD_DRY_RUN)
    return EXIT_UNUSABLE if whole else EXIT_REFUSED if refused else EXIT_OK


def cmd_history(args) -> int:
    folder = _folder(args)
    entries = uploads.history(folder)
    state = uploads.status(folder)
    if args.json:
        json.dump({"history": entries, "untracked": uploads.untracked(folder)}, sys.stdout, ensure_ascii=False,
                  indent=1)
        print()
        return EXIT_OK
    for e in entries:
        now = T.HISTORY_STATE.get(state.get(e["stored"], ""), "")
        print(T.CLI_HISTORY_LINE.format(time=e.get("time", ""), user=e.get("user", ""),
                                        action=T.HISTORY_ACTIONS.get(e["action"], e["action"]),
                                        stored=e["stored"], original=e.get("original") or "", now=now))
    for f in uploads.untracked(folder):
        print(T.CLI_HISTORY_UNTRACKED.format(stored=f))
    return EXIT_OK


def cmd_move(args, action: str) -> int:
    folder = _folder(args)
    user = who()
    try:
        entry = (uploads.withdraw if action == "withdraw" else uploads.restore)(folder, args.stored_name, user)
    except uploads.UploadRefused as exc:
        raise FilesCommandFailed(str(exc)) from None
    audit.record(folder, user, action, what=entry["stored"])
    print((T.CLI_WITHDRAWN if action == "withdraw" else T.CLI_RESTORED).format(stored=entry["stored"]))
    return EXIT_OK


def run(args) -> int:
    try:
        if args.command == "add":
            return cmd_add(args)
        if args.command == "history":
            return cmd_history(args)
        return cmd_move(args, args.command)
    except uploads.UploadRefused as exc:
        raise FilesCommandFailed(str(exc)) from None
