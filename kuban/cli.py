"""Command line: `python -m kuban check | sql | demo` (see --help)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

from . import paths

EXIT_OK, EXIT_REFUSED, EXIT_UNUSABLE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m kuban", description="Kuban industry dashboard: data tools.")
    sub = p.add_subparsers(dest="command", required=True)

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

    d = sub.add_parser("demo", help="write the deterministic synthetic demo data set")
    d.add_argument("--out", type=Path, required=True, help="folder to write (created if missing)")
    d.add_argument("--enterprises", type=int, default=400, help="number of enterprises (default 400)")
    d.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    return p


def _load(data_dir: Path | None):
    from .ingest import load_folder
    return load_folder(data_dir or paths.data_dir())


def cmd_check(args) -> int:
    folder = (args.data_dir or paths.data_dir())
    if not Path(folder).is_dir():
        print(f"Папка данных не найдена: {folder}", file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        result = _load(folder)
    except OSError as exc:
        print(f"Папку данных не удалось прочитать: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    problems = result.problems
    if args.json:
        out = {
            "tables": result.problem_counts(),
            "problems": [
                {"table": r.table, "file": r.file, "line": None if r.line is None or r.line != r.line else int(r.line),
                 "column": r.column if isinstance(r.column, str) else None, "kind": r.kind, "reason": r.reason}
                for r in problems.astype(object).where(problems.notna(), None).itertuples(index=False)
            ],
        }
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print(f"Папка данных: {result.data_dir}")
        for name, c in result.problem_counts().items():
            print(f"  {name:15} файлов {c['files']:>4}  строк {c['rows']:>10}  отклонено {c['refused']:>6}  "
                  f"заменено {c['superseded']:>6}  предупреждений {c['warnings']:>6}")
        for r in problems.itertuples(index=False):
            where = r.file + (f":{int(r.line)}" if r.line is not None and r.line == r.line else "")
            col = f" [{r.column}]" if isinstance(r.column, str) else ""
            print(f"{r.kind:12} {where}{col}: {r.reason}")
    return EXIT_REFUSED if result.refused_count else EXIT_OK


def cmd_sql(args) -> int:
    from .db import Database
    statements = duckdb.extract_statements(args.query)
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        print("Нужен ровно один запрос SELECT.", file=sys.stderr)
        return EXIT_UNUSABLE
    folder = args.data_dir or paths.data_dir()
    if not Path(folder).is_dir():
        print(f"Папка данных не найдена: {folder}", file=sys.stderr)
        return EXIT_UNUSABLE
    db = Database(_load(folder))
    # Only the loaded tables: no reading or writing of other files from a query.
    db.con.execute("SET enable_external_access = false")
    db.con.execute("SET lock_configuration = true")
    try:
        frame = db.cursor().execute(args.query).df()
    except duckdb.Error as exc:
        print(f"Ошибка запроса: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    frame.to_csv(sys.stdout, index=False)
    return EXIT_OK


def cmd_demo(args) -> int:
    from .demo import generate
    generate(args.out, enterprises=args.enterprises, seed=args.seed)
    print(f"Демонстрационные данные записаны в {args.out}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return {"check": cmd_check, "sql": cmd_sql, "demo": cmd_demo}[args.command](args)
