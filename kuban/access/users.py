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
import stat
import tempfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from argon2 import PasswordHasher, Type, extract_parameters
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
# A stored hash asking for more work than this is never computed (a hostile list could ask for hours and
# gigabytes per sign-in attempt): its user cannot sign in until `users passwd` writes a sound one.
MAX_HASH_CHARS = 512
MAX_TIME_COST = max(10, _HASHER.time_cost)
MAX_MEMORY_KIB = max(256 * 1024, _HASHER.memory_cost)
MAX_PARALLELISM = max(16, _HASHER.parallelism)


class UsersError(ValueError):
    """A Russian message for the user of the command line or the sign-in form."""


def folder(data_dir: Path | str) -> Path:
    return Path(data_dir) / paths.ACCESS_FOLDER


def path(data_dir: Path | str) -> Path:
    return folder(data_dir) / FILE


def normal_login(text: str) -> str:
    """The login as stored (lower case, no surrounding spaces); UsersError if it is not a valid login."""
    login = str(text).strip().lower()
    if not LOGIN.fullmatch(login):
        # Shown on one printable line: control characters as spaces, a lone surrogate (no typed text) as �.
        text = login.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        raise UsersError(T.USERS_BAD_LOGIN.format(
            login=shown("".join(ch if ch.isprintable() else " " for ch in text))))
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
                if isinstance(v, dict) and isinstance(v.get("hash"), str) and LOGIN.fullmatch(str(k))}
    except (ValueError, KeyError, TypeError, RecursionError):
        raise UsersError(T.USERS_UNREADABLE.format(error=T.USERS_NOT_JSON)) from None


def configured(data_dir: Path | str) -> bool:
    """The local list exists (even an unreadable one: then nobody gets in, rather than everybody). Anything
    in its place counts: a link to nowhere, a loop of links, a file where the access folder should be."""
    try:
        os.lstat(path(data_dir))
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return True


@contextmanager
def _locked(data_dir: Path | str, name: str = ".users.lock"):
    d = folder(data_dir)
    d.mkdir(parents=True, exist_ok=True)
    # Not following a link, not waiting for a pipe's other end: a lock file is only ever a plain file.
    fd = os.open(d / name, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o600)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise files.SmallFileError(T.ACCESS_NOT_REGULAR)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


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


def _sound(stored: str) -> bool:
    """An Argon2id hash whose cost stays within bounds."""
    if len(stored) > MAX_HASH_CHARS:
        return False
    try:
        p = extract_parameters(stored)
    except (InvalidHashError, ValueError):
        return False
    return (p.type is Type.ID and p.time_cost <= MAX_TIME_COST and p.memory_cost <= MAX_MEMORY_KIB
            and p.parallelism <= MAX_PARALLELISM)


def verify(data_dir: Path | str, login: str, password: str) -> str | None:
    """The stored login if the password is right, else None. Costs one Argon2 check either way (an unknown
    login takes as long as a wrong password, so timing does not tell which logins exist)."""
    try:
        login = normal_login(login)
    except UsersError:
        login = None
    password = str(password)
    too_long = len(password) > MAX_PASSWORD         # no stored password is longer: wrong, after the same check
    # As bytes: a lone surrogate (no typed text holds one) is then just a wrong password, not an error.
    secret = password[:MAX_PASSWORD].encode("utf-8", "surrogatepass")
    entry = load(data_dir).get(login) if login else None
    if entry is not None and not _sound(entry["hash"]):
        entry = None
    try:
        _HASHER.verify(entry["hash"] if entry else _DUMMY, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return login if entry and not too_long else None
