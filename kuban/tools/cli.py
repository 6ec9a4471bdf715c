"""Command line: `python -m kuban check | sql | users | add | history | withdraw | restore | report | demo | bench |
serve`
(see --help)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb
import pandas as pd

from kuban import paths
from kuban import texts as T
from kuban.data.ingest import display_name
from kuban.data.readers import short_error
from kuban.tools import backup_cli, bundle, files_cli, report_cli
from kuban.tools import users as users_cli

EXIT_OK, EXIT_REFUSED, EXIT_UNUSABLE, EXIT_FAILED = 0, 1, 2, 3
LOCAL_ADDRESS = "127.0.0.1"     # where `serve` listens unless --server.address says otherwise


class CommandFailed(Exception):
    """A failure to report in one line (Russian) with exit code 3."""


class _Parser(argparse.ArgumentParser):
    """Bad arguments: one Russian line and exit 3 (2 means "the data folder cannot be used")."""

    def error(self, message: str):
        raise CommandFailed(T.CLI_BAD_ARGUMENTS.format(error=message, prog=self.prog))


def _count(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(T.CLI_NOT_INTEGER.format(value=text)) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(T.CLI_AT_LEAST.format(value=text, minimum=minimum))
        return value
    return parse


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m kuban", description="Kuban industry dashboard: data tools.")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="start the dashboard (options after `serve` go to `streamlit run`)")

    c = sub.add_parser("check", help="load a data folder and report every problem",
                       description="Load the data folder and report. Exit 0: every file and row loaded "
                                   "(warnings allowed); 1: a row or file was refused; 2: the folder cannot be used.")
    c.add_argument("--data-dir", type=Path, default=None, help="data folder (default: $KUBAN_DATA_DIR or data/)")
    c.add_argument("--json", action="store_true", help="print one JSON object: tables and problems")

    s = sub.add_parser("sql", help="run one read-only SQL query over the loaded tables, print CSV",
                       description="Tables: municipalities, okved_divisions, enterprises, production, shipments, "
                                   "loans, subsidies, load_files, load_problems.")
    s.add_argument("query", help='e.g. "SELECT oktmo, sum(shipped_rub) FROM shipments GROUP BY 1"')
    s.add_argument("--data-dir", type=Path, default=None)
    s.add_argument("--as", dest="as_user", default=None, metavar="USER",
                   help="answer as this user may see it (the access file's rule for their login or e-mail)")

    users_cli.add_parser(sub)
    files_cli.add_parsers(sub)
    report_cli.add_parser(sub)
    backup_cli.add_parser(sub)
    bundle.add_parser(sub)

    d = sub.add_parser("demo", help="write the deterministic synthetic demo data set")
    d.add_argument("--out", type=Path, required=True, help="folder to write (created if missing)")
    d.add_argument("--enterprises", type=_count(1), default=400, help="number of enterprises (default 400)")
    d.add_argument("--seed", type=_count(0), default=2026, help="random seed (default 2026)")

    b = sub.add_parser("bench", help="measure loading and filter changes on a synthetic folder, against plain pandas",
                       description="Load times, peak memory and the time of a filter change on every page, on a "
                                   "synthetic folder, against a plain pandas dashboard (kuban/tools/bench/). "
                                   "With --sessions: many viewers changing filters at once (Streamlit's "
                                   "websocket protocol, or Chromium pages).")
    b.add_argument("--rows", type=_count(1), default=10_000_000, help="rows per fact table (default 10 million)")
    b.add_argument("--json", action="store_true", help="print one JSON object (progress goes to stderr)")
    b.add_argument("--keep", type=Path, default=None,
                   help="keep the synthetic folder in DIR/rows-N and reuse it when it is there")
    b.add_argument("--repeat", type=_count(1), default=7, help="filter changes per page and scenario (default 7)")
    b.add_argument("--sessions", type=_count(1), default=None,
                   help="instead: this many viewers changing filters at once against a running dashboard")
    b.add_argument("--client", choices=["websocket", "chromium"], default="websocket",
                   help="with --sessions: the viewers speak Streamlit's websocket protocol (default: measures the "
                        "server) or are Chromium pages (measures the browsers too)")
    b.add_argument("--seconds", type=_count(1), default=60, help="how long the viewers change filters (default 60)")
    b.add_argument("--think", type=float, default=0.0,
                   help="with --sessions: each viewer reads what it got for about this many seconds (uniformly "
                        "0.5-1.5 times it) before its next change; default 0: changes back to back")
    b.add_argument("--data-dir", type=Path, default=None,
                   help="with --sessions: the folder the dashboard serves (default: the synthetic folder)")
    b.add_argument("--workers", type=int, default=0,
                   help="with --sessions: serve with this many processes behind nginx (python -m kuban serve --workers)")
    return p


def _load(data_dir: Path | None):
    """The folder validated, with a progress bar on stderr when it is a terminal. `check` writes nothing into
    the folder (not even the store): it is what a user runs to see what the dashboard will make of it."""
    from kuban.data.ingest import load_folder
    from kuban.tools.progress import TerminalProgress
    bar = TerminalProgress()
    try:
        return load_folder(Path(data_dir or paths.data_dir()), progress=bar)
    finally:
        bar.close()


def problem_records(problems) -> list[dict]:
    """The load report as plain records (None for an empty line or column): `check` prints these."""
    out = []
    for r in problems.to_dict("records"):
        line = r["line"]
        out.append({"table": r["table"] if isinstance(r["table"], str) else None,
                    "file": r["file"] if isinstance(r["file"], str) else None,
                    "line": None if line is None or pd.isna(line) else int(line),
                    "column": r["column"] if isinstance(r["column"], str) else None,
                    "kind": r["kind"], "reason": r["reason"]})
    return out


def cmd_check(args) -> int:
    folder = Path(args.data_dir or paths.data_dir())
    if not folder.is_dir():
        print(T.CLI_NO_FOLDER.format(folder=folder), file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        result = _load(folder)
    except OSError as exc:
        print(T.CLI_FOLDER_UNREADABLE.format(error=short_error(exc)), file=sys.stderr)
        return EXIT_UNUSABLE
    records = problem_records(result.problems)
    from kuban.data.store import Store
    upgrade = Store.pending_upgrade(folder)
    if upgrade and not args.json:
        print(upgrade)
    if args.json:
        json.dump({"tables": result.problem_counts(), "problems": records}, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print(T.CLI_FOLDER.format(folder=display_name(str(result.data_dir))))
        for name, c in result.problem_counts().items():
            print(T.CLI_TABLE_LINE.format(name=name, **c))
        for r in records:
            where = (r["file"] or "") + (f":{r['line']}" if r["line"] is not None else "")
            col = f" [{r['column']}]" if r["column"] else ""
            print(f"{T.KIND_LABELS.get(r['kind'], r['kind'])}: {where}{col}: {r['reason']}")
    return EXIT_REFUSED if result.refused_count else EXIT_OK


def cmd_sql(args) -> int:
    from kuban.model.db import DataSource
    try:
        statements = duckdb.extract_statements(args.query)
    except duckdb.Error as exc:
        print(T.CLI_QUERY_ERROR.format(error=short_error(exc)), file=sys.stderr)
        return EXIT_UNUSABLE
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        print(T.CLI_ONE_SELECT, file=sys.stderr)
        return EXIT_UNUSABLE
    folder = args.data_dir or paths.data_dir()
    if not Path(folder).is_dir():
        print(T.CLI_NO_FOLDER.format(folder=folder), file=sys.stderr)
        return EXIT_UNUSABLE
    db = DataSource(folder).get()         # the data version the store holds, else built (as the dashboard does)
    try:
        scoped = db
        if args.as_user is not None:
            scoped = db.for_scope(_scope_of(Path(folder), db, args.as_user))
            if scoped is not db and (problem := _reaches_past_scope(db, args.query)):
                print(T.CLI_AS_BYPASS.format(what=problem), file=sys.stderr)
                return EXIT_UNUSABLE
        with scoped.reading() as cur:
            # Only the loaded tables: no reading or writing of other files from a query.
            cur.execute("SET enable_external_access = false")
            cur.execute("SET lock_configuration = true")
            try:
                frame = cur.execute(args.query).df()
            except duckdb.Error as exc:
                print(T.CLI_QUERY_ERROR.format(error=short_error(exc)), file=sys.stderr)
                return EXIT_UNUSABLE
    finally:
        db.close()
    frame.to_csv(sys.stdout, index=False)
    return EXIT_OK


# What a query run `--as` a restricted user may not name: the restriction is the tables as named (TEMP views of
# kuban.model.db), so a query must name tables plainly, and not reach the version's own catalog by a qualified
# name, by a table function that takes a name as text, or through the variable holding the permitted codes.
_FORBIDDEN_FUNCTIONS = {"getvariable", "current_database", "current_catalog", "current_schema", "query",
                        "query_table", "duckdb_tables", "duckdb_views", "duckdb_databases"}


def _reaches_past_scope(db, sql: str) -> str | None:
    """Why `sql` could read rows outside a restricted scope (a short text), or None."""
    import json as _json
    with db.reading() as cur:
        tree = _json.loads(cur.execute("SELECT json_serialize_sql($q)", {"q": sql}).fetchone()[0])
        macros = {r[0] for r in cur.execute(
            "SELECT function_name FROM duckdb_functions() WHERE NOT internal AND function_type = 'table_macro'"
        ).fetchall()}
    if tree.get("error"):
        return tree.get("error_message") or "SQL"
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        kind = node.get("type")
        if kind == "BASE_TABLE" and (node.get("schema_name") or node.get("catalog_name")):
            return ".".join(node.get("qualified_name", {}).get("path", [])) or node.get("table_name", "")
        if kind == "TABLE_FUNCTION":
            name = (node.get("function") or {}).get("function_name", "")
            if name not in macros:
                return name
        if node.get("class") == "FUNCTION":
            name = str(node.get("function_name", "")).lower()
            if name in _FORBIDDEN_FUNCTIONS or node.get("schema") or node.get("catalog"):
                return name
        stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
    return None


def _scope_of(folder: Path, db, user: str):
    """What `user` may see, by the access file (as the dashboard decides it for their login or e-mail)."""
    from kuban.tools.as_user import NoScope, scope_as
    try:
        s = scope_as(folder, db, user)
    except NoScope as exc:
        raise CommandFailed(str(exc)) from None
    if s.aggregates_only:
        raise CommandFailed(T.CLI_AS_AGGREGATES.format(user=user))
    return s


def cmd_users(args) -> int:
    try:
        return users_cli.run(args)
    except users_cli.UsersCommandFailed as exc:
        raise CommandFailed(str(exc)) from None


def cmd_files(args) -> int:
    if args.command == "restore" and backup_cli.is_archive(args.stored_name):
        return backup_cli.cmd_restore(Path(args.stored_name), args.data_dir, args.force)
    try:
        return files_cli.run(args)
    except files_cli.FilesCommandFailed as exc:
        raise CommandFailed(str(exc)) from None


def cmd_report(args) -> int:
    try:
        return report_cli.run(args)
    except report_cli.ReportFailed as exc:
        if exc.code == EXIT_UNUSABLE:
            print(str(exc), file=sys.stderr)
            return EXIT_UNUSABLE
        raise CommandFailed(str(exc)) from None


def cmd_demo(args) -> int:
    from kuban.tools.demo import DemoTooSmall, generate
    try:
        generate(args.out, enterprises=args.enterprises, seed=args.seed)
    except DemoTooSmall as exc:
        raise CommandFailed(T.CLI_DEMO_TOO_SMALL.format(needed=exc.needed)) from None
    except OSError as exc:
        raise CommandFailed(T.CLI_DEMO_WRITE_FAILED.format(folder=args.out, error=exc.strerror or short_error(exc))) \
            from None
    print(T.CLI_DEMO_WRITTEN.format(folder=args.out))
    return EXIT_OK


def cmd_bench(args) -> int:
    from kuban.tools.bench import run
    return run(args)


def _workers_option(options: list[str]) -> tuple[int | None, list[str]]:
    """`--workers N` (or `--workers=N`) of `serve`, and the other options; N that is not a number counts as 0."""
    from kuban.tools.workers import _option
    value, rest = _option(options, "--workers")
    if value is None:
        return None, options
    try:
        return int(value), rest
    except ValueError:
        return 0, rest


def serve(options: list[str]) -> int:
    """`python -m kuban serve [--workers N] [streamlit run options]`: the dashboard, with Streamlit's legacy `pages/`
    mode switched off before the first visitor (see kuban.app.ui.ensure_frame). It listens on 127.0.0.1 unless
    `--server.address` is given; without sign-in configured it shows data on 127.0.0.1 only
    (kuban/app/signin.py), whatever the address. `--workers N`: N processes behind nginx (kuban/tools/workers.py)."""
    workers, options = _workers_option(options)
    if workers is not None:
        from kuban.tools.workers import WorkersFailed, serve_workers
        try:
            return serve_workers(workers, options)
        except WorkersFailed as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_FAILED
    from streamlit.web import cli as streamlit_cli

    from kuban.app.ui import leave_legacy_pages_mode
    from kuban.tools import page_hint
    leave_legacy_pages_mode()
    page_hint.install()          # the frontend told its base path (no 404 probes) and the page's language
    if not any(o == "--server.address" or o.startswith("--server.address=") for o in options):
        options = ["--server.address", LOCAL_ADDRESS, *options]    # only this machine unless told otherwise
    if not any(o.startswith("--server.maxUploadSize") for o in options):
        # Streamlit's own limit twice ours: a file up to twice too big reaches kuban/data/uploads.py, which says
        # why in Russian (beyond that Streamlit's uploader refuses it in the browser, and it never reaches us).
        from kuban.data.uploads import max_upload_bytes
        options = ["--server.maxUploadSize", str(max(1, -(-2 * max_upload_bytes() // 2**20))), *options]
    try:
        streamlit_cli.main(["run", str(paths.ROOT / "dashboard.py"), *options], prog_name="streamlit")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_FAILED
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run a command; never a traceback: a failure is one line on stderr and exit code 3."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:        # every other argument goes to `streamlit run` as it is
        return serve(argv[1:])
    try:
        args = _parser().parse_args(argv)
        return {"check": cmd_check, "sql": cmd_sql, "demo": cmd_demo, "bench": cmd_bench,
                "users": cmd_users, "add": cmd_files, "history": cmd_files, "withdraw": cmd_files,
                "restore": cmd_files, "report": cmd_report, "backup": backup_cli.cmd_backup,
                "bundle": bundle.cmd_bundle}[args.command](args)
    except CommandFailed as exc:
        print(str(exc), file=sys.stderr)
    except KeyboardInterrupt:
        print(T.CLI_INTERRUPTED, file=sys.stderr)
    except Exception as exc:  # noqa: BLE001 - the promise: one line, exit 3, never a traceback
        print(T.CLI_CRASHED.format(type=type(exc).__name__, error=short_error(exc)), file=sys.stderr)
    return EXIT_FAILED
