"""`python -m kuban users add|remove|list|passwd` and `sql --as USER`, run in this process (kuban.tools.cli.main)
on copies of the small fixture. Passwords come through --password-stdin; hashing uses cheap Argon2id
parameters (the format is the same).

Hand-worked (tests/conftest.py): Кореновский район (OKTMO 03621000) holds enterprises A 2310000011 and
D 2310000043; their shipments are A 100+120 (2024) + 150+130 (2025) = 500 M, D 20 M."""
from __future__ import annotations

import csv
import gc
import io
import json
import multiprocessing
import os
import shutil
import sys

import pytest
from argon2 import PasswordHasher

from kuban import texts as T
from kuban.access import policy, users
from kuban.tools import cli
from kuban.tools import users as users_cli
from tests.conftest import KORENOVSK, SHIPPED_2024, SHIPPED_2025, SMALL, M

CHEAP = dict(time_cost=1, memory_cost=8, parallelism=1)
PASSWORD = "correct horse battery"
A, D = "2310000011", "2310000043"

HAND_WRITTEN = """# Кто что видит — записано вручную, не трогать
# (второй комментарий)

[groups."minprom"]   # министерство
role = "krai"
members = ["petrov", "sidorova@krasnodar.ru"]  # двое

[users."orlov"]
# орлов — редактор
role = "editor"
"""


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    monkeypatch.setattr(users, "_HASHER", PasswordHasher(**CHEAP))


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(SMALL, d)
    return d


def run(capsys, monkeypatch, *args, stdin: str = ""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(list(args))
    # `sql` leaves its data version open, and the settings its cursor locks hold for every connection to that
    # file in this process: collected here, as the end of a `python -m kuban sql` process would.
    gc.collect()
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys, monkeypatch, folder) -> dict:
    code, out, err = run(capsys, monkeypatch, "users", "--data-dir", str(folder), "list", "--json")
    assert code == 0, err
    return json.loads(out)


def files_of(folder) -> dict:
    d = folder / "access"
    return {p.name: p.read_bytes() for p in sorted(d.iterdir()) if p.name in ("users.json", "access.toml")} \
        if d.is_dir() else {}


# --- add, list, remove -----------------------------------------------------------------------------------------

def test_add_municipal_user_then_list_shows_the_canonical_name(capsys, monkeypatch, folder):
    code, out, err = run(capsys, monkeypatch, "users", "--data-dir", str(folder), "add", "  Ivanova ",
                         "--role", "municipal", "--municipality", "Кореновский р-н", "--password-stdin",
                         stdin=PASSWORD + "\n")
    assert code == 0, err
    assert "Пользователь «ivanova» добавлен." in out and '[users."ivanova"]' in out
    assert users.verify(folder, "ivanova", PASSWORD) == "ivanova"
    data = listed(capsys, monkeypatch, folder)
    assert data["error"] is None and data["problems"] == []
    (row,) = data["users"]
    assert {k: row[k] for k in ("user", "password", "role", "municipalities", "detail")} == {
        "user": "ivanova", "password": True, "role": "municipal", "municipalities": ["Кореновский район"],
        "detail": "full"}
    # The access file names the municipality as the list does, and the dashboard reads it back.
    text = policy.path(folder).read_text(encoding="utf-8")
    assert 'municipalities = ["Кореновский район"]' in text
    s = policy.load(folder, users_cli._municipalities(folder)).decide(["ivanova"])
    assert (s.role, s.munis) == ("municipal", (KORENOVSK,))


def test_add_by_oktmo_and_several_spellings_of_one_municipality(capsys, monkeypatch, folder):
    code, out, err = run(capsys, monkeypatch, "users", "--data-dir", str(folder), "add", "u", "--role", "municipal",
                         "--municipality", "03621000", "--municipality", "МО Кореновский район",
                         "--municipality", "г. Краснодар", "--aggregates", "--password-stdin", stdin=PASSWORD)
    assert code == 0, err
    row = listed(capsys, monkeypatch, folder)["users"][0]
    assert (row["municipalities"], row["detail"]) == (["Кореновский район", "Краснодар"], "aggregates")


def test_hand_written_comments_survive_add_and_remove(capsys, monkeypatch, folder):
    (folder / "access").mkdir()
    policy.path(folder).write_text(HAND_WRITTEN, encoding="utf-8")
    code, _, err = run(capsys, monkeypatch, "users", "--data-dir", str(folder), "add", "ivanova", "--role", "krai",
                       "--password-stdin", stdin=PASSWORD)
    assert code == 0, err
    after_add = policy.path(folder).read_text(encoding="utf-8")
    assert after_add.startswith(HAND_WRITTEN.rstrip("\n"))         # everything written by hand, as it was
    assert '[users.ivanova]\nrole = "krai"' in after_add or '[users."ivanova"]\nrole = "krai"' in after_add
    rows = {r["user"]: r for r in listed(capsys, monkeypatch, folder)["users"]}
    assert (rows["ivanova"]["role"], rows["petrov"]["role"], rows["orlov"]["role"]) == ("krai", "krai", "editor")
    assert rows["petrov"]["password"] is False and rows["ivanova"]["password"] is True

    code, out, err = run(capsys, monkeypatch, "users", "--data-dir", str(folder), "remove", "IVANOVA")
    assert code == 0, err
    assert "«ivanova»" in out and T.USERS_ENTRY_REMOVED in out
    assert policy.path(folder).read_text(encoding="utf-8").rstrip("\n") == HAND_WRITTEN.rstrip("\n")
    rows = {r["user"]: r for r in listed(capsys, monkeypatch, folder)["users"]}
    assert "ivanova" not in rows and set(rows) == {"petrov", "sidorova@krasnodar.ru", "orlov"}
    assert users.verify(folder, "ivanova", PASSWORD) is None


def test_remove_drops_the_entry_and_the_password(capsys, monkeypatch, folder):
    for login in ("ivanova", "petrov"):
        code, _, err = run(capsys, monkeypatch, "users", "--data-dir", str(folder), "add", login, "--role", "krai",
                           "--password-stdin", stdin=PASSWORD)
        assert code == 0, err
    code, out, err = run(capsys, monkeypatch, "users", "--data-dir", str(folder), "remove", "ivanova")
    assert code == 0, err
    assert [r["user"] for r in listed(capsys, monkeypatch, folder)["users"]] == ["petrov"]
    pol = policy.load(folder, users_cli._municipalities(folder))
    assert pol.decide(["ivanova"]) is None and pol.decide(["petrov"]).role == "krai"
    assert set(users.load(folder)) == {"petrov"}
    code, _, err = run(capsys, monkeypatch, "users", "--data-dir", str(folder), "remove", "ivanova")
    assert code == 3 and "«ivanova» нет в списке" in err


def test_add_without_a_role_gives_no_access_yet_and_passwd_changes_the_password(capsys, monkeypatch, folder):
    code, out, err = run(capsys, monkeypatch, "users", "--data-dir", str(folder), "add", "petrov",
                         "--password-stdin", stdin=PASSWORD + "\r\n")
    assert code == 0, err
    assert "Прав у «petrov» пока нет" in out
    assert not policy.path(folder).exists()
    row = listed(capsys, monkeypatch, folder)["users"][0]
    assert (row["user"], row["role"], row["municipalities"]) == ("petrov", None, None)
    code, out, err = run(capsys, monkeypatch, "users", "--data-dir", str(folder), "passwd", "Petrov",
                         "--password-stdin", stdin="another password\n")
    assert code == 0, err
    assert users.verify(folder, "petrov", "another password") == "petrov"
    assert users.verify(folder, "petrov", PASSWORD) is None
    code, out, err = run(capsys, monkeypatch, "users", "--data-dir", str(folder), "list")
    assert code == 0 and out.startswith(T.USERS_LIST_HEADER) and T.USERS_NO_ACCESS in out


# --- refused: one Russian line, exit 3, nothing written ----------------------------------------------------------

@pytest.mark.parametrize("args,says", [
    (["add", "ivanova", "--role", "krai", "--municipality", "Кореновский район"], T.USERS_MUNIS_ROLE),
    (["add", "ivanova", "--municipality", "Кореновский район"], T.USERS_MUNIS_ROLE),
    (["add", "ivanova", "--role", "municipal", "--municipality", "Кореновскый район"],
     "муниципальное образование «Кореновскый район» не найдено (ближайшие: Кореновский район"),
    (["add", "ivanova", "--role", "municipal", "--municipality", "Кореновский район", "--municipality", "3621000"],
     "«3621000» не найдено"),
    (["add", "ivanova", "--role", "municipal"], T.USERS_MUNIS_NEEDED),
    (["add", "ivanova", "--role", "editor", "--aggregates"], "aggregates"),
    (["add", "Иванова", "--role", "krai"], "не подходит как имя пользователя"),
    (["add", "ivanova", "--role", "superuser"], "superuser"),
    (["add", "ivanova", "--role", "krai", "--password-stdin"], "пароль короче 10 знаков"),
    (["add", "ivanova", "--role", "krai"], T.USERS_PASSWORD_NEEDED),
    (["passwd", "nobody", "--password-stdin"], "«nobody» нет в списке"),
    (["remove", "nobody"], "«nobody» нет в списке"),
])
def test_refused_commands_say_why_and_write_nothing(capsys, monkeypatch, folder, args, says):
    (folder / "access").mkdir()
    policy.path(folder).write_text(HAND_WRITTEN, encoding="utf-8")
    before = files_of(folder)
    stdin = "short\n" if "--password-stdin" in args and args[0] == "add" else PASSWORD
    code, out, err = run(capsys, monkeypatch, "users", "--data-dir", str(folder), *args, stdin=stdin)
    assert code == 3
    assert says in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err and out == ""
    assert files_of(folder) == before


def test_adding_an_existing_user_changes_nothing(capsys, monkeypatch, folder):
    run(capsys, monkeypatch, "users", "--data-dir", str(folder), "add", "ivanova", "--role", "krai",
        "--password-stdin", stdin=PASSWORD)
    before = files_of(folder)
    code, out, err = run(capsys, monkeypatch, "users", "--data-dir", str(folder), "add", "IVANOVA", "--role", "admin",
                         "--password-stdin", stdin="another password")
    assert code == 3 and "уже есть" in err
    assert files_of(folder) == before


@pytest.mark.parametrize("kind", ["fifo", "cp1251", "bad_toml", "deep", "huge", "users_not_a_table"])
def test_an_access_file_that_cannot_be_edited_is_refused_before_anything_is_written(capsys, monkeypatch, folder,
                                                                                      kind):
    d = folder / "access"
    d.mkdir()
    p = policy.path(folder)
    if kind == "fifo":
        os.mkfifo(p)
    elif kind == "cp1251":
        p.write_bytes(HAND_WRITTEN.encode("cp1251"))
    elif kind == "bad_toml":
        p.write_text(HAND_WRITTEN + "[users.x\n", encoding="utf-8")
    elif kind == "deep":
        p.write_text("a = " + "[" * 100_000, encoding="utf-8")
    elif kind == "huge":
        p.write_text(HAND_WRITTEN + "#" * policy.MAX_BYTES, encoding="utf-8")
    else:
        p.write_text("users = 5\n", encoding="utf-8")
    try:
        code, out, err = run(capsys, monkeypatch, "users", "--data-dir", str(folder), "add", "ivanova",
                             "--role", "krai", "--password-stdin", stdin=PASSWORD)
    finally:
        if kind == "fifo":
            try:
                os.close(os.open(p, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
    assert code == 3 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "access" in err
    assert not users.path(folder).exists()


def _add_entries(folder, prefix, n, barrier):
    barrier.wait(10)
    for i in range(n):
        users_cli._set_entry(folder, f"{prefix}{i}", users_cli._entry(folder, f"{prefix}{i}", "krai", [], False))


def test_two_commands_editing_the_access_file_at_once_keep_both_entries(folder):
    (folder / "access").mkdir()
    policy.path(folder).write_text(HAND_WRITTEN, encoding="utf-8")
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_add_entries, args=(folder, prefix, 12, barrier)) for prefix in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    pol = policy.load(folder, users_cli._municipalities(folder))
    assert pol.error is None
    assert set(pol.users) == {"orlov"} | {f"{x}{i}" for x in "ab" for i in range(12)}
    assert policy.path(folder).read_text(encoding="utf-8").startswith(HAND_WRITTEN.rstrip("\n"))


# --- sql --as ------------------------------------------------------------------------------------------------------

ACCESS = """
[users."ivan"]
role = "municipal"
municipalities = ["Кореновский р-н"]

[users."summary"]
role = "krai"
detail = "aggregates"

[users."boss@krasnodar.ru"]
role = "krai"

[users."broken"]
role = "municipal"
municipalities = ["Нигде"]
"""


@pytest.fixture(scope="module")
def sql_folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("sql") / "data"
    shutil.copytree(SMALL, d)
    (d / "access").mkdir()
    policy.path(d).write_text(ACCESS, encoding="utf-8")
    return d


def sql(capsys, monkeypatch, folder, query, *extra):
    code, out, err = run(capsys, monkeypatch, "sql", query, "--data-dir", str(folder), *extra)
    return code, list(csv.DictReader(io.StringIO(out))), err


def test_sql_as_a_municipal_user_sees_only_their_municipality(capsys, monkeypatch, sql_folder):
    q = "SELECT inn, sum(shipped_rub) AS s FROM shipments GROUP BY inn ORDER BY inn"
    code, rows, err = sql(capsys, monkeypatch, sql_folder, q, "--as", "IVAN")
    assert code == 0, err
    a = (SHIPPED_2024["A"] + SHIPPED_2025["A"]) * M        # 500 M
    d = SHIPPED_2025["D"] * M                              # 20 M
    assert [(r["inn"], float(r["s"])) for r in rows] == [(A, a), (D, d)]
    code, rows, err = sql(capsys, monkeypatch, sql_folder,
                          "SELECT DISTINCT oktmo FROM enterprises UNION SELECT DISTINCT oktmo FROM shipments")
    assert code == 0 and len(rows) == 4                   # without --as: every municipality, and the unregistered
    for q in ("SELECT DISTINCT oktmo FROM enterprises", "SELECT DISTINCT oktmo FROM shipments",
              "SELECT DISTINCT oktmo FROM production", "SELECT DISTINCT oktmo FROM municipalities"):
        code, rows, err = sql(capsys, monkeypatch, sql_folder, q, "--as", "ivan")
        assert code == 0, err
        assert [r["oktmo"] for r in rows] == [KORENOVSK], q
    code, rows, err = sql(capsys, monkeypatch, sql_folder, "SELECT count(*) AS n FROM load_problems", "--as", "ivan")
    assert code == 0 and rows == [{"n": "0"}]


def test_sql_as_a_krai_user_sees_everything(capsys, monkeypatch, sql_folder):
    code, rows, err = sql(capsys, monkeypatch, sql_folder, "SELECT sum(shipped_rub) AS s FROM shipments",
                          "--as", "Boss@Krasnodar.ru")
    assert code == 0, err
    assert float(rows[0]["s"]) == (sum(SHIPPED_2024.values()) + sum(SHIPPED_2025.values())) * M    # 2 410 M


@pytest.mark.parametrize("query", [
    'SELECT count(*) FROM "{catalog}".main.shipments',
    'SELECT count(*) FROM "{CATALOG}".main.shipments',
    "SELECT count(*) FROM query_table('\"{catalog}\".main.shipments')",
    "SELECT getvariable('kuban_permitted') AS v",
    "SELECT count(*) FROM shipments WHERE list_contains(GETVARIABLE('kuban_permitted'), '03701000') OR true",
    "SELECT count(*) FROM main.shipments"])
def test_sql_as_refuses_queries_naming_the_catalog_or_the_variable(capsys, monkeypatch, sql_folder, query):
    code, rows, err = sql(capsys, monkeypatch, sql_folder, "SELECT current_database() AS c")
    catalog = rows[0]["c"]
    code, rows, err = sql(capsys, monkeypatch, sql_folder,
                          query.format(catalog=catalog, CATALOG=catalog.upper()), "--as", "ivan")
    assert code == 2 and T.CLI_AS_BYPASS.split("«")[0] in err and rows == []


@pytest.mark.parametrize("query", [
    "SELECT DISTINCT oktmo FROM query_table(current_database() || '.main.enterprises')",
    "SELECT DISTINCT oktmo FROM query('SELECT * FROM \"' || current_database() || '\".main.shipments')",
    "SELECT DISTINCT oktmo FROM main.shipments",
    "SELECT (SELECT count(*) FROM shipments) AS n, getvariable('kuban_permitted') AS v",
])
def test_sql_as_refuses_the_catalog_named_by_an_expression(capsys, monkeypatch, sql_folder, query):
    code, rows, err = sql(capsys, monkeypatch, sql_folder, query, "--as", "ivan")
    assert code == 2 and T.CLI_AS_BYPASS.split("«")[0] in err and rows == []


def test_sql_as_may_use_the_dashboard_s_table_macros(capsys, monkeypatch, sql_folder):
    code, rows, err = sql(capsys, monkeypatch, sql_folder,
                          "SELECT DISTINCT oktmo FROM enterprise_shipments(DATE '2025-01-01', DATE '2025-12-01', 1)",
                          "--as", "ivan")
    assert code == 0 and [r["oktmo"] for r in rows] == [KORENOVSK]


@pytest.mark.parametrize("user,says", [
    ("summary", "только сводные"), ("nobody", "«nobody» нет прав"), ("broken", "«broken» нет прав"),
    ("", "«» нет прав")])
def test_sql_as_a_user_without_row_level_access_is_refused(capsys, monkeypatch, sql_folder, user, says):
    code, rows, err = sql(capsys, monkeypatch, sql_folder, "SELECT count(*) AS n FROM shipments", "--as", user)
    assert code == 3 and says in err and rows == []


def test_sql_as_with_an_unreadable_access_file_is_refused(capsys, monkeypatch, sql_folder, tmp_path):
    d = tmp_path / "data"
    shutil.copytree(sql_folder, d)
    policy.path(d).write_text(ACCESS + "[users.x\n", encoding="utf-8")
    code, rows, err = sql(capsys, monkeypatch, d, "SELECT count(*) AS n FROM shipments", "--as", "ivan")
    assert code == 3 and "access/access.toml" in err and rows == []
