"""`python -m kuban users add|remove|list|passwd`: the local user list and the users' entries in the access file.

    python -m kuban users add ivanova --role municipal --municipality "Кореновский район"
    python -m kuban users add petrov --role krai --aggregates
    python -m kuban users passwd ivanova
    python -m kuban users remove ivanova
    python -m kuban users list [--json]

The password is asked twice on the terminal, or read from the first line of standard input with
--password-stdin (scripts). `--role` writes the user's `[users."LOGIN"]` entry into access/access.toml,
keeping the rest of the file (comments included) as it was; `remove` takes the entry out too. The entry and
the access file are checked before anything is written: a refused `add` leaves both files as they were.
Edits of the access file take a lock of their own, so two commands at once never lose one's entry.
"""
from __future__ import annotations

import getpass
import json
import os
import sys
import tempfile
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from kuban import paths
from kuban import texts as T
from kuban.access import files, policy, users
from kuban.access.scope import AGGREGATES, KRAI, MUNICIPAL, ROLES
from kuban.data.cluster_definitions import shown
from kuban.data.parse import MunicipalityMatcher


class UsersCommandFailed(Exception):
    pass


def add_parser(sub) -> None:
    u = sub.add_parser("users", help="the local user list: add, remove, list, passwd",
                       description="Users who sign in with a password (access/users.json of the data folder) "
                                   "and their entries in access/access.toml.")
    u.add_argument("--data-dir", type=Path, default=None, help="data folder (default: $KUBAN_DATA_DIR or data/)")
    actions = u.add_subparsers(dest="action", required=True)
    a = actions.add_parser("add", help="add a user (asks for the password)")
    a.add_argument("login")
    a.add_argument("--role", choices=ROLES, default=None,
                   help="also write the user's entry in the access file: municipal, krai, editor or admin")
    a.add_argument("--municipality", action="append", default=[],
                   help="with --role municipal: a municipality (name or OKTMO code); repeat for several")
    a.add_argument("--aggregates", action="store_true", help="aggregates only, small cells hidden")
    a.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p = actions.add_parser("passwd", help="set a user's password")
    p.add_argument("login")
    p.add_argument("--password-stdin", action="store_true")
    r = actions.add_parser("remove", help="remove a user (and their entry in the access file)")
    r.add_argument("login")
    ls = actions.add_parser("list", help="list users and what they may see")
    ls.add_argument("--json", action="store_true")


def _password(login: str, from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UsersCommandFailed(T.USERS_PASSWORD_NEEDED)
    first = getpass.getpass(T.USERS_PASSWORD_PROMPT.format(login=login))
    users.check_password(first)
    if getpass.getpass(T.USERS_PASSWORD_AGAIN) != first:
        raise UsersCommandFailed(T.USERS_PASSWORD_MISMATCH)
    return first


def _municipalities(data_dir: Path):
    """The municipalities the access file is checked against: the data's own list, else the shipped one."""
    import pandas as pd

    from kuban.data.contract import TABLES
    from kuban.data.ingest import load_table, scan
    own = scan(data_dir)[0]["municipalities"]
    if own:
        try:
            frame, _, _ = load_table(TABLES["municipalities"], own, data_dir, None)
            if len(frame):
                return frame
        except Exception:   # noqa: BLE001 - a broken list: the shipped one
            pass
    return pd.read_csv(paths.REFERENCE_MUNICIPALITIES, dtype=str)


def _read_access(data_dir: Path):
    """The access file as a tomlkit document (comments and order kept), a new one if there is none; read as
    the dashboard reads it (no waiting on a pipe, no file of any size), refused if it cannot be edited."""
    try:
        raw = files.read_small(policy.path(data_dir), policy.MAX_BYTES)
    except files.SmallFileError as e:
        raise UsersCommandFailed(T.ACCESS_UNREADABLE.format(error=e)) from None
    if raw is None:
        return tomlkit.parse(T.ACCESS_FILE_HEADER)
    try:
        doc = tomlkit.parse(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UsersCommandFailed(T.ACCESS_UNREADABLE.format(error=T.ACCESS_NOT_UTF8)) from None
    except (TOMLKitError, RecursionError) as e:
        raise UsersCommandFailed(T.ACCESS_UNREADABLE.format(error=T.ACCESS_BAD_TOML.format(error=shown(e, 200)))) \
            from None
    if "users" in doc and not isinstance(doc["users"], dict):
        raise UsersCommandFailed(f"{paths.ACCESS_FOLDER}/{policy.FILE}: " + T.ACCESS_NOT_TABLE.format(where="[users]"))
    return doc


def _write_access(data_dir: Path, edit) -> None:
    """Edit access/access.toml with tomlkit (comments and order kept) and replace it atomically."""
    p = policy.path(data_dir)
    with users._locked(data_dir, ".access.lock"):
        doc = _read_access(data_dir)
        edit(doc)
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=".access-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(tomlkit.dumps(doc))
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, p)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _entry(data_dir: Path, login: str, role: str, munis: list[str], aggregates: bool):
    """The user's entry, checked (every municipality known, aggregates only for municipal and krai)."""
    if role == MUNICIPAL and not munis:
        raise UsersCommandFailed(T.USERS_MUNIS_NEEDED)
    if aggregates and role not in (MUNICIPAL, KRAI):
        raise UsersCommandFailed(T.ACCESS_BAD_DETAIL.format(where=f'[users."{login}"]', detail=AGGREGATES))
    matcher = MunicipalityMatcher(_municipalities(data_dir))
    names = []
    for m in munis:
        code = matcher.match_one(m)
        if code is None:
            raise UsersCommandFailed(T.USERS_MUNI_UNKNOWN.format(name=shown(m), closest=", ".join(matcher.closest(m))))
        names.append(matcher.names[code])
    entry = tomlkit.table()
    entry.add("role", role)
    if role == MUNICIPAL:
        entry.add("municipalities", sorted(set(names)))
    if aggregates:
        entry.add("detail", AGGREGATES)
    return entry


def _set_entry(data_dir: Path, login: str, entry) -> None:
    def edit(doc):
        if "users" not in doc:
            doc.add("users", tomlkit.table(is_super_table=True))
        doc["users"][login] = entry
    _write_access(data_dir, edit)


def _drop_entry(data_dir: Path, login: str) -> bool:
    if not policy.path(data_dir).exists():
        return False
    found = []

    def edit(doc):
        table = doc.get("users")
        if table is not None and login in table:
            del table[login]
            found.append(login)
    _write_access(data_dir, edit)
    return bool(found)


def listing(data_dir: Path) -> tuple[list[dict], policy.Policy]:
    """Every user of the local list and every user named in the access file, with what they may see."""
    local = users.load(data_dir)
    munis = _municipalities(data_dir)
    pol = policy.load(data_dir, munis)
    names = dict(zip(munis["oktmo"], munis["name"]))
    logins = sorted(set(local) | set(pol.users) | set(pol.members))
    out = []
    for login in logins:
        s = pol.decide([login])
        out.append({"user": login, "password": login in local,
                    "role": s.role if s else None,
                    "municipalities": None if s is None or s.munis is None else [names.get(c, c) for c in s.munis],
                    "detail": s.detail if s else None,
                    "created": local.get(login, {}).get("created"), "changed": local.get(login, {}).get("changed")})
    return out, pol


def run(args) -> int:
    data_dir = Path(args.data_dir or paths.data_dir())
    if not data_dir.is_dir():
        raise UsersCommandFailed(T.CLI_NO_FOLDER.format(folder=data_dir))
    try:
        if args.action == "add":
            login = users.normal_login(args.login)
            if args.municipality and args.role != MUNICIPAL:
                raise UsersCommandFailed(T.USERS_MUNIS_ROLE)
            entry = None
            if args.role:       # checked before anything is written
                entry = _entry(data_dir, login, args.role, args.municipality, args.aggregates)
                _read_access(data_dir)
            password = _password(login, args.password_stdin)
            users.add(data_dir, login, password)
            print(T.USERS_ADDED.format(login=login))
            if entry is not None:
                _set_entry(data_dir, login, entry)
                print(T.USERS_ROLE_ADDED.format(login=login, role=T.ROLE_LABELS[args.role]))
            else:
                print(T.USERS_NO_ROLE_YET.format(login=login))
        elif args.action == "passwd":
            login = users.normal_login(args.login)
            if login not in users.load(data_dir):
                raise UsersCommandFailed(T.USERS_UNKNOWN.format(login=login))
            users.set_password(data_dir, login, _password(login, args.password_stdin))
            print(T.USERS_PASSWORD_SET.format(login=login))
        elif args.action == "remove":
            login = users.remove(data_dir, args.login)
            dropped = _drop_entry(data_dir, login)
            print(T.USERS_REMOVED.format(login=login) + (" " + T.USERS_ENTRY_REMOVED if dropped else ""))
        elif args.action == "list":
            rows, pol = listing(data_dir)
            if args.json:
                json.dump({"users": rows, "problems": pol.problems, "error": pol.error}, sys.stdout,
                          ensure_ascii=False, indent=1)
                print()
                return 0
            if pol.error:
                print(pol.error, file=sys.stderr)
            for problem in pol.problems:
                print(problem, file=sys.stderr)
            if not rows:
                print(T.USERS_NONE)
                return 0
            print(T.USERS_LIST_HEADER)
            for r in rows:
                where = (T.USERS_WHOLE_KRAI if r["municipalities"] is None else ", ".join(r["municipalities"])) \
                    if r["role"] else ""
                print("\t".join([r["user"], T.ROLE_LABELS.get(r["role"], T.USERS_NO_ACCESS), where,
                                 T.DETAIL_LABELS.get(r["detail"], "") if r["role"] else "",
                                 r["created"] or (T.USERS_SSO if not r["password"] else ""), r["changed"] or ""]))
    except users.UsersError as e:
        raise UsersCommandFailed(str(e)) from None
    return 0

