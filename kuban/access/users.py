"""The local user list: `<data folder>/access/users.json`, passwords kept only as Argon2id hashes.

Used when the organisation has no single sign-on (kuban/access/policy.py decides which way applies).
Managed with `python -m kuban users add|remove|list|passwd`; the dashboard only reads it. Writes take a
lock and replace the file atomically (temporary file, fsync, rename), so two commands at once or a crash
mid-write never leave a half-written list. A list that cannot be read lets nobody in (and says why).

    {"version": 1, "users": {"ivanova": {"hash": "$argon2id$...", "created": "...", "changed": "..."}}}
"""
from __future__ import annotations

import fcntl
import json
import os
import re
import tempfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kuban import paths
from kuban import texts as T
from kuban.access import files
from kuban.data.cluster_definitions import shown

FILE = "users.json"
MAX_BYTES = 4 * 1024 * 1024          # a list larger than this is not read (tens of thousands of users fit)
MIN_PASSWORD = 10
MAX_PASSWORD = 256
LOGIN = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
_HASHER = PasswordHasher()           # Argon2id, the library's current recommended parameters
_DUMMY = _HASHER.hash("not a password of anyone")


class UsersError(ValueError):
    """A Russian message for the user of the command line or the sign-in form."""


def folder(data_dir: Path | str) -> Path:
    return Path(data_dir) / paths.ACCESS_FOLDER


def path(data_dir: Path | str) -> Path:
    return folder(data_dir) / FILE


def normal_login(text: str) -> str:
    """The login as stored (lower case, no surrounding spaces); UsersError if it is not a valid login."""
    login = str(text).strip().lower()
    if not LOGIN.match(login):
        raise UsersError(T.USERS_BAD_LOGIN.format(login=shown(login)))
    return login


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UsersError(T.USERS_SHORT_PASSWORD.format(n=MIN_PASSWORD))
    if len(password) > MAX_PASSWORD:
        raise UsersError(T.USERS_LONG_PASSWORD.format(n=MAX_PASSWORD))


def load(data_dir: Path | str) -> dict[str, dict]:
    """login -> entry; {} if there is no list. UsersError if the list exists but cannot be read."""
    try:
        raw = files.read_small(path(data_dir), MAX_BYTES)
    except files.SmallFileError as e:
        raise UsersError(T.USERS_UNREADABLE.format(error=e)) from None
    if raw is None:
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
        users = data["users"]
        if not isinstance(users, dict):
            raise TypeError
        return {str(k): v for k, v in users.items()
                if isinstance(v, dict) and isinstance(v.get("hash"), str) and LOGIN.match(str(k))}
    except (ValueError, KeyError, TypeError):
        raise UsersError(T.USERS_UNREADABLE.format(error=T.USERS_NOT_JSON)) from None


def configured(data_dir: Path | str) -> bool:
    """The local list exists (even an unreadable one: then nobody gets in, rather than everybody)."""
    return path(data_dir).exists()


@contextmanager
def _locked(data_dir: Path | str):
    d = folder(data_dir)
    d.mkdir(parents=True, exist_ok=True)
    with open(d / ".users.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write(data_dir: Path | str, users: dict[str, dict]) -> None:
    p = path(data_dir)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=".users-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"version": 1, "users": dict(sorted(users.items()))}, f, ensure_ascii=False, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def add(data_dir: Path | str, login: str, password: str) -> str:
    login = normal_login(login)
    check_password(password)
    with _locked(data_dir):
        users = load(data_dir)
        if login in users:
            raise UsersError(T.USERS_EXISTS.format(login=login))
        users[login] = {"hash": _HASHER.hash(password), "created": _now(), "changed": _now()}
        _write(data_dir, users)
    return login


def set_password(data_dir: Path | str, login: str, password: str) -> str:
    login = normal_login(login)
    check_password(password)
    with _locked(data_dir):
        users = load(data_dir)
        if login not in users:
            raise UsersError(T.USERS_UNKNOWN.format(login=login))
        users[login] = users[login] | {"hash": _HASHER.hash(password), "changed": _now()}
        _write(data_dir, users)
    return login


def remove(data_dir: Path | str, login: str) -> str:
    login = normal_login(login)
    with _locked(data_dir):
        users = load(data_dir)
        if login not in users:
            raise UsersError(T.USERS_UNKNOWN.format(login=login))
        del users[login]
        _write(data_dir, users)
    return login


def verify(data_dir: Path | str, login: str, password: str) -> str | None:
    """The stored login if the password is right, else None. Costs one Argon2 check either way (an unknown
    login takes as long as a wrong password, so timing does not tell which logins exist)."""
    try:
        login = normal_login(login)
    except UsersError:
        login = None
    password = str(password)[:MAX_PASSWORD]
    entry = load(data_dir).get(login) if login else None
    try:
        _HASHER.verify(entry["hash"] if entry else _DUMMY, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return login if entry else None
