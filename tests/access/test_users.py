"""The local user list (kuban/access/users.py): only Argon2id hashes on disk, logins normalised, a list that
cannot be read lets nobody in, concurrent writers and crashes never lose or half-write it.

Most tests hash with cheap Argon2id parameters (the same algorithm and format, a fraction of the cost);
one test checks the real parameters."""
from __future__ import annotations

import json
import multiprocessing
import os
import stat
import threading

import pytest
from argon2 import PasswordHasher, Type, extract_parameters

from kuban.access import users

CHEAP = dict(time_cost=1, memory_cost=8, parallelism=1)
PASSWORD = "correct horse"            # 13 characters
OTHER = "battery staple"


class Counting(PasswordHasher):
    """A cheap Argon2id hasher that remembers which hashes it was asked to check."""

    def __init__(self):
        super().__init__(**CHEAP)
        self.checked: list[str] = []

    def verify(self, hash, password):
        self.checked.append(hash)
        return super().verify(hash, password)


@pytest.fixture
def hasher(monkeypatch):
    h = Counting()
    monkeypatch.setattr(users, "_HASHER", h)
    monkeypatch.setattr(users, "_DUMMY", h.hash("not a password of anyone"))
    return h


def within(seconds: float, fn, *args):
    """fn(*args) in a thread; a failure (not a hang of the suite) if it has not returned in time."""
    out = {}

    def run():
        try:
            out["value"] = fn(*args)
        except BaseException as e:      # noqa: BLE001 - handed to the test
            out["error"] = e
    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"{fn.__name__} still running after {seconds} s"
    if "error" in out:
        raise out["error"]
    return out.get("value")


def release(fifo) -> None:
    """Open the writing end once, so a reader stuck opening the pipe (if any) goes on."""
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass


# --- add, passwd, remove, verify --------------------------------------------------------------------------

def test_add_passwd_remove_verify(tmp_path, hasher):
    assert users.load(tmp_path) == {} and not users.configured(tmp_path)
    assert users.add(tmp_path, "ivanova", PASSWORD) == "ivanova"
    assert users.configured(tmp_path)
    assert users.verify(tmp_path, "ivanova", PASSWORD) == "ivanova"
    assert users.verify(tmp_path, "ivanova", OTHER) is None
    created = users.load(tmp_path)["ivanova"]["created"]

    assert users.set_password(tmp_path, "ivanova", OTHER) == "ivanova"
    assert users.verify(tmp_path, "ivanova", PASSWORD) is None
    assert users.verify(tmp_path, "ivanova", OTHER) == "ivanova"
    assert users.load(tmp_path)["ivanova"]["created"] == created        # a new password keeps `created`

    assert users.remove(tmp_path, "ivanova") == "ivanova"
    assert users.load(tmp_path) == {}
    assert users.verify(tmp_path, "ivanova", OTHER) is None
    assert users.configured(tmp_path)                 # an emptied list still means: sign-in by password


def test_add_twice_passwd_or_remove_unknown_are_refused(tmp_path, hasher):
    users.add(tmp_path, "ivanova", PASSWORD)
    with pytest.raises(users.UsersError, match="уже есть"):
        users.add(tmp_path, " IVANOVA ", OTHER)
    assert users.verify(tmp_path, "ivanova", PASSWORD) == "ivanova"        # the first password still holds
    with pytest.raises(users.UsersError, match="«petrov» нет в списке"):
        users.set_password(tmp_path, "petrov", PASSWORD)
    with pytest.raises(users.UsersError, match="«petrov» нет в списке"):
        users.remove(tmp_path, "petrov")


def test_the_file_holds_hashes_only_readable_by_the_owner(tmp_path, hasher):
    users.add(tmp_path, "ivanova", PASSWORD)
    users.add(tmp_path, "petrov", OTHER)
    users.set_password(tmp_path, "petrov", "third password")
    raw = users.path(tmp_path).read_text(encoding="utf-8")
    for secret in (PASSWORD, OTHER, "third password", "horse", "battery"):
        assert secret not in raw
    data = json.loads(raw)
    assert data["version"] == 1 and sorted(data["users"]) == ["ivanova", "petrov"]
    for entry in data["users"].values():
        assert entry["hash"].startswith("$argon2id$")
        assert set(entry) == {"hash", "created", "changed"}
    assert stat.S_IMODE(os.stat(users.path(tmp_path)).st_mode) == 0o600
    assert [p.name for p in users.folder(tmp_path).iterdir() if p.name.endswith(".tmp")] == []


def test_the_real_hasher_is_argon2id_with_the_library_s_parameters(tmp_path):
    users.add(tmp_path, "ivanova", PASSWORD)             # one real hash (~0.1-0.3 s)
    stored = users.load(tmp_path)["ivanova"]["hash"]
    p = extract_parameters(stored)
    default = PasswordHasher()
    assert (p.type, p.time_cost, p.memory_cost, p.parallelism) == (
        Type.ID, default.time_cost, default.memory_cost, default.parallelism)
    assert extract_parameters(users._DUMMY).type == Type.ID
    assert users.verify(tmp_path, "ivanova", PASSWORD) == "ivanova"      # within the bounds verify accepts


# --- logins and passwords ----------------------------------------------------------------------------------

@pytest.mark.parametrize("typed,stored", [
    ("ivanova", "ivanova"), ("  IvaNova  ", "ivanova"), ("IVANOVA\t", "ivanova"), ("\nivanova\n", "ivanova"),
    ("i.ivanova@krasnodar.ru", "i.ivanova@krasnodar.ru"), ("0_a-b.c", "0_a-b.c"), ("a" * 64, "a" * 64)])
def test_logins_are_normalised(typed, stored):
    assert users.normal_login(typed) == stored


@pytest.mark.parametrize("typed", [
    "", "   ", "иванова", "ivan ova", "-ivanova", ".ivanova", "_x", "@x", "a" * 65, "a/b", "..\\x", "a;b",
    "a\nb", "a\x00b", "ivanova\u200b", "ｉｖａｎｏｖａ", "ı", "İvanova", "\udcff", "\ud800", "x*", "'; DROP TABLE users; --"])
def test_bad_logins_are_refused_with_the_russian_message(typed):
    with pytest.raises(users.UsersError) as e:
        users.normal_login(typed)
    text = str(e.value)
    assert "не подходит как имя пользователя" in text
    assert "\n" not in text and "\x00" not in text
    text.encode("utf-8")            # printable as it is (no lone surrogates)


def test_logins_are_compared_as_stored(tmp_path, hasher):
    assert users.add(tmp_path, "  Ivanova ", PASSWORD) == "ivanova"
    assert list(users.load(tmp_path)) == ["ivanova"]
    assert users.verify(tmp_path, "IVANOVA", PASSWORD) == "ivanova"
    assert users.verify(tmp_path, " ivanova\t", PASSWORD) == "ivanova"
    assert users.verify(tmp_path, "iva nova", PASSWORD) is None


def test_short_and_long_passwords_are_refused(tmp_path, hasher):
    with pytest.raises(users.UsersError, match=f"пароль короче {users.MIN_PASSWORD} знаков"):
        users.add(tmp_path, "ivanova", "x" * (users.MIN_PASSWORD - 1))
    with pytest.raises(users.UsersError, match=f"пароль длиннее {users.MAX_PASSWORD} знаков"):
        users.add(tmp_path, "ivanova", "x" * (users.MAX_PASSWORD + 1))
    assert not users.path(tmp_path).exists()            # nothing written for a refused password
    users.add(tmp_path, "ivanova", "x" * users.MIN_PASSWORD)
    with pytest.raises(users.UsersError, match="пароль короче"):
        users.set_password(tmp_path, "ivanova", "")
    users.add(tmp_path, "petrov", "y" * users.MAX_PASSWORD)
    assert users.verify(tmp_path, "ivanova", "x" * users.MIN_PASSWORD) == "ivanova"
    assert users.verify(tmp_path, "petrov", "y" * users.MAX_PASSWORD) == "petrov"


def test_a_longer_typed_password_is_not_the_stored_one(tmp_path, hasher):
    users.add(tmp_path, "petrov", "y" * users.MAX_PASSWORD)
    hasher.checked.clear()
    assert users.verify(tmp_path, "petrov", "y" * users.MAX_PASSWORD + "anything") is None
    assert users.verify(tmp_path, "petrov", "y" * 100_000) is None
    assert len(hasher.checked) == 2             # still one Argon2 check each


def test_a_password_that_is_no_text_is_just_wrong(tmp_path, hasher):
    users.add(tmp_path, "ivanova", PASSWORD)
    for typed in ("\ud800" * 12, PASSWORD + "\udcff", "\x00" * 12, None, 12345678901):
        assert users.verify(tmp_path, "ivanova", typed) is None


# --- verify: the same cost whoever is asked about ------------------------------------------------------------

def test_verify_costs_one_argon2_check_whether_or_not_the_login_exists(tmp_path, hasher):
    users.add(tmp_path, "ivanova", PASSWORD)
    stored = users.load(tmp_path)["ivanova"]["hash"]
    hasher.checked.clear()
    assert users.verify(tmp_path, "ivanova", OTHER) is None
    assert hasher.checked == [stored]
    hasher.checked.clear()
    assert users.verify(tmp_path, "nobody", PASSWORD) is None
    assert hasher.checked == [users._DUMMY]
    hasher.checked.clear()
    assert users.verify(tmp_path, "not a login!", PASSWORD) is None
    assert hasher.checked == [users._DUMMY]
    hasher.checked.clear()
    assert users.verify(tmp_path / "no list here", "ivanova", PASSWORD) is None
    assert hasher.checked == [users._DUMMY]


def test_the_dummy_hash_is_nobody_s_password(tmp_path, hasher):
    # An unknown login with the dummy's own password still gets in nowhere.
    assert users.verify(tmp_path, "nobody", "not a password of anyone") is None


def _write_raw(data_dir, text: str) -> None:
    users.folder(data_dir).mkdir(parents=True, exist_ok=True)
    users.path(data_dir).write_text(text, encoding="utf-8")


def test_hostile_entries_of_a_readable_list_let_nobody_in(tmp_path, hasher):
    good = hasher.hash(PASSWORD)
    monster = "$argon2id$v=19$m=4194304,t=4294967295,p=255$c29tZXNhbHQ$" + "A" * 43      # hours and 4 GiB
    _write_raw(tmp_path, json.dumps({"version": 1, "users": {
        "ivanova": {"hash": good},
        "garbage": {"hash": "not a hash"},
        "number": {"hash": 12345},
        "nohash": {"created": "x"},
        "notdict": "just text",
        "monster": {"hash": monster},
        "argon2i": {"hash": PasswordHasher(type=Type.I, **CHEAP).hash(PASSWORD)},
        "UPPER": {"hash": good},
        "ivanova\n": {"hash": good},
        "../etc": {"hash": good}}}))
    assert sorted(users.load(tmp_path)) == ["argon2i", "garbage", "ivanova", "monster"]
    assert users.verify(tmp_path, "ivanova", PASSWORD) == "ivanova"
    hasher.checked.clear()
    for login in ("garbage", "number", "nohash", "notdict", "upper"):
        assert users.verify(tmp_path, login, PASSWORD) is None
    # A hash asking for hours of work and gigabytes is never computed (the dummy is checked instead); nor is a
    # hash of another kind than Argon2id accepted.
    assert within(5, users.verify, tmp_path, "monster", PASSWORD) is None
    assert monster not in hasher.checked
    assert users.verify(tmp_path, "argon2i", PASSWORD) is None


# --- a list that cannot be read: nobody gets in, and it says why --------------------------------------------

@pytest.mark.parametrize("content", [
    b"", b"\xff\xfe\x00garbage", b"not json", b"[]", b"{}", b'{"users": []}', b'{"users": "x"}', b"null",
    b'{"users": {"a": 1}', b"[" * 100_000, b'{"users": ' * 50_000, "{\"users\": {}}".encode("utf-16")])
def test_garbage_lists_give_users_error(tmp_path, hasher, content):
    users.folder(tmp_path).mkdir(parents=True)
    users.path(tmp_path).write_bytes(content)
    with pytest.raises(users.UsersError) as e:
        users.load(tmp_path)
    assert "access/users.json" in str(e.value) and "вход по паролю закрыт" in str(e.value)
    with pytest.raises(users.UsersError):
        users.verify(tmp_path, "ivanova", PASSWORD)
    assert users.configured(tmp_path)
    with pytest.raises(users.UsersError):          # nor is a damaged list overwritten by a new one
        users.add(tmp_path, "petrov", PASSWORD)
    assert users.path(tmp_path).read_bytes() == content


def test_a_huge_list_is_not_read(tmp_path, hasher):
    users.folder(tmp_path).mkdir(parents=True)
    with open(users.path(tmp_path), "wb") as f:
        f.truncate(users.MAX_BYTES + 1)              # sparse: costs no disk
    with pytest.raises(users.UsersError, match="больше 4096 КБ"):
        users.load(tmp_path)
    assert users.configured(tmp_path)


def test_a_pipe_in_place_of_the_list_never_hangs(tmp_path, hasher):
    users.folder(tmp_path).mkdir(parents=True)
    os.mkfifo(users.path(tmp_path))
    try:
        with pytest.raises(users.UsersError, match="не обычный файл"):
            within(5, users.load, tmp_path)
        with pytest.raises(users.UsersError):
            within(5, users.verify, tmp_path, "ivanova", PASSWORD)
        assert users.configured(tmp_path)
    finally:
        release(users.path(tmp_path))


@pytest.mark.parametrize("kind", ["directory", "dev_zero", "loop", "dangling", "access_is_a_file"])
def test_anything_else_in_place_of_the_list_is_configured_and_lets_nobody_in(tmp_path, hasher, kind):
    d, p = users.folder(tmp_path), users.path(tmp_path)
    d.mkdir()
    if kind == "directory":
        p.mkdir()
    elif kind == "dev_zero":
        p.symlink_to("/dev/zero")
    elif kind == "loop":
        p.symlink_to(p)
    elif kind == "dangling":
        p.symlink_to(tmp_path / "gone.json")
    else:
        d.rmdir()
        d.write_text("a file where the folder should be")
    # Something is where the list belongs: sign-in by password is configured (never the open mode) ...
    assert users.configured(tmp_path)
    # ... and nobody gets in with it.
    try:
        found = within(5, users.verify, tmp_path, "ivanova", PASSWORD)
    except users.UsersError:
        found = None
    assert found is None


# --- writers: the lock, and a crash mid-write ---------------------------------------------------------------

def _add_many(data_dir, prefix, n, barrier):
    users._HASHER = PasswordHasher(**CHEAP)
    barrier.wait(10)
    for i in range(n):
        users.add(data_dir, f"{prefix}{i}", PASSWORD)


def test_two_processes_adding_at_once_both_land(tmp_path):
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(3)
    procs = [ctx.Process(target=_add_many, args=(tmp_path, prefix, 15, barrier)) for prefix in ("a", "b", "c")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    assert sorted(users.load(tmp_path)) == sorted(f"{x}{i}" for x in "abc" for i in range(15))
    assert [p.name for p in users.folder(tmp_path).iterdir() if p.name.endswith(".tmp")] == []


def test_a_crash_mid_write_keeps_the_old_list_and_leaves_no_temporary_file(tmp_path, hasher):
    users.add(tmp_path, "ivanova", PASSWORD)
    before = users.path(tmp_path).read_bytes()

    def crash(*a, **k):
        raise OSError(28, "No space left on device")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "replace", crash)
        with pytest.raises(OSError):
            users.add(tmp_path, "petrov", PASSWORD)
        with pytest.raises(OSError):
            users.set_password(tmp_path, "ivanova", OTHER)
        with pytest.raises(OSError):
            users.remove(tmp_path, "ivanova")
    assert users.path(tmp_path).read_bytes() == before
    assert sorted(p.name for p in users.folder(tmp_path).iterdir()) == [".users.lock", "users.json"]
    assert users.verify(tmp_path, "ivanova", PASSWORD) == "ivanova"
    assert users.verify(tmp_path, "petrov", PASSWORD) is None


def test_a_pipe_or_link_in_place_of_the_lock_neither_hangs_nor_is_followed(tmp_path, hasher):
    d = users.folder(tmp_path)
    d.mkdir()
    os.mkfifo(d / ".users.lock")
    try:
        with pytest.raises(OSError):
            within(5, users.add, tmp_path, "ivanova", PASSWORD)
    finally:
        release(d / ".users.lock")
    (d / ".users.lock").unlink()
    target = tmp_path / "elsewhere"
    (d / ".users.lock").symlink_to(target)
    with pytest.raises(OSError):
        users.add(tmp_path, "ivanova", PASSWORD)
    assert not target.exists()
    assert not users.path(tmp_path).exists()


def test_a_stored_hash_is_computed_only_within_the_cost_bounds(tmp_path, hasher):
    def stored(**params):
        return PasswordHasher(**{**CHEAP, **params}).hash(PASSWORD)
    _write_raw(tmp_path, json.dumps({"version": 1, "users": {
        "at_bound": {"hash": stored(time_cost=users.MAX_TIME_COST)},
        "over_time": {"hash": stored(time_cost=users.MAX_TIME_COST + 1)},
        "over_parallelism": {"hash": stored(parallelism=users.MAX_PARALLELISM + 1,
                                            memory_cost=8 * (users.MAX_PARALLELISM + 1))},
        "long": {"hash": stored() + "=" * users.MAX_HASH_CHARS}}}))
    assert users.MAX_TIME_COST >= 10 and users.MAX_MEMORY_KIB >= 256 * 1024
    assert users.verify(tmp_path, "at_bound", PASSWORD) == "at_bound"
    hasher.checked.clear()
    for login in ("over_time", "over_parallelism", "long"):
        assert users.verify(tmp_path, login, PASSWORD) is None
    assert hasher.checked == [users._DUMMY] * 3
