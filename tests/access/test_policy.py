"""The access file (kuban/access/policy.py) and the Scope it decides (kuban/access/scope.py): who sees what,
and the fail-closed rules — an entry with a mistake gives nothing and a problem names it; a file that cannot
be read gives nobody anything.

Municipalities are the shipped reference list (the small fixture's folder has none of its own)."""
from __future__ import annotations

import os
import threading

import pandas as pd
import pytest

from kuban import paths
from kuban.access import policy
from kuban.access.scope import ADMIN, AGGREGATES, CLI, EDITOR, FULL, KRAI, MUNICIPAL, OIDC, Scope, everything
from tests.conftest import ABINSK, KORENOVSK, KRASNODAR

MUNIS = pd.read_csv(paths.REFERENCE_MUNICIPALITIES, dtype=str)
LABINSK, UST_LABINSK = "03630000", "03657000"


def parse(text: str) -> policy.Policy:
    p = policy.parse(text, MUNIS)
    assert p.error is None, p.error
    return p


def scope(p: policy.Policy, *ids, groups=()) -> Scope | None:
    return p.decide(list(ids), groups)


def within(seconds: float, fn, *args):
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("v", fn(*args)), daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"{fn.__name__} still running after {seconds} s"
    return out["v"]


# --- users and groups ----------------------------------------------------------------------------------------

def test_a_user_entry_decides_alone():
    p = parse("""
[users."ivanova"]
role = "municipal"
municipalities = ["Кореновский район"]

[groups."minprom"]
role = "admin"
members = ["ivanova", "petrov"]
""")
    assert p.problems == []
    s = scope(p, "ivanova", groups=["minprom"])
    assert (s.user, s.role, s.munis, s.detail) == ("ivanova", MUNICIPAL, (KORENOVSK,), FULL)
    assert scope(p, "petrov").role == ADMIN
    assert scope(p, "sidorov") is None                   # named nowhere: nothing
    assert scope(p) is None and scope(p, "", None) is None


def test_groups_add_up():
    p = parse("""
[groups."korenovsk"]
role = "municipal"
municipalities = ["Кореновский р-н"]
members = ["petrov", "sidorov", "kuznetsov"]

[groups."abinsk"]
role = "мо"
municipalities = ["Абинский район", "Кореновский район"]
members = ["petrov", "kuznetsov"]

[groups."krai-summary"]
role = "krai"
detail = "aggregates"
members = ["kuznetsov", "orlov"]

[groups."editors"]
role = "editor"
members = ["orlov"]
""")
    assert p.problems == []
    # the municipalities of all, sorted and unique
    s = scope(p, "petrov")
    assert (s.role, s.munis, s.detail) == (MUNICIPAL, (ABINSK, KORENOVSK), FULL)
    assert scope(p, "sidorov").munis == (KORENOVSK,)
    # the strongest role: the whole krai
    s = scope(p, "kuznetsov")
    assert (s.role, s.munis) == (KRAI, None)
    s = scope(p, "orlov")
    assert (s.role, s.munis, s.detail) == (EDITOR, None, FULL)


@pytest.mark.parametrize("a,b,expected", [
    # (group a, group b) -> (role, municipalities, detail); full detail only where a full grant reaches
    (("municipal", [KORENOVSK], "full"), ("municipal", [KORENOVSK], "aggregates"),
     (MUNICIPAL, (KORENOVSK,), FULL)),
    (("municipal", [KORENOVSK], "aggregates"), ("municipal", [ABINSK], "aggregates"),
     (MUNICIPAL, (ABINSK, KORENOVSK), AGGREGATES)),
    (("municipal", [KORENOVSK, ABINSK], "full"), ("municipal", [ABINSK], "aggregates"),
     (MUNICIPAL, (ABINSK, KORENOVSK), FULL)),
    (("krai", None, "full"), ("municipal", [ABINSK], "aggregates"), (KRAI, None, FULL)),
    (("krai", None, "aggregates"), ("krai", None, "full"), (KRAI, None, FULL)),
    (("krai", None, "aggregates"), ("editor", None, "full"), (EDITOR, None, FULL)),
    # Neither gives enterprise detail of Абинский район: together they must not either.
    (("municipal", [KORENOVSK], "full"), ("municipal", [ABINSK], "aggregates"),
     (MUNICIPAL, (ABINSK, KORENOVSK), AGGREGATES)),
    # Nor enterprise detail of the whole krai.
    (("municipal", [KORENOVSK], "full"), ("krai", None, "aggregates"), (KRAI, None, AGGREGATES)),
])
def test_detail_of_groups_together_never_exceeds_what_they_give(a, b, expected):
    def entry(name, role, munis, detail):
        lines = [f'[groups."{name}"]', f'role = "{role}"', f'detail = "{detail}"', 'members = ["u"]']
        if munis:
            lines.append("municipalities = [" + ", ".join(f'"{m}"' for m in munis) + "]")
        return "\n".join(lines) + "\n"
    p = parse(entry("a", *a) + entry("b", *b))
    s = scope(p, "u")
    assert (s.role, s.munis, s.detail) == expected
    s2 = parse(entry("b", *b) + entry("a", *a)).decide(["u"])
    assert s2 == s                                     # the order of the file does not matter


@pytest.mark.parametrize("spelling", [
    "Кореновский район", "Кореновский р-н", "МО Кореновский район", "кореновский", "  КОРЕНОВСКИЙ   РАЙОН ",
    "«Кореновский район»", "муниципальное образование Кореновский район", "Кореновск", "03621000",
    "03 621 000", "03621000001"])
def test_municipalities_in_any_spelling_or_by_oktmo(spelling):
    p = parse(f'[users.u]\nrole = "municipal"\nmunicipalities = ["{spelling}"]\n')
    assert p.problems == []
    assert scope(p, "u").munis == (KORENOVSK,)


def test_one_name_as_a_string_and_several_spellings_of_one_municipality():
    p = parse('[users.u]\nrole = "municipal"\nmunicipalities = "г. Краснодар"\n'
              '[users.v]\nrole = "municipal"\n'
              'municipalities = ["Усть-Лабинский р-н", "03701000", "Краснодар", "город Краснодар", "Лабинский"]\n')
    assert p.problems == []
    assert scope(p, "u").munis == (KRASNODAR,)
    assert scope(p, "v").munis == (LABINSK, UST_LABINSK, KRASNODAR)       # sorted by code, each once


# --- entries with a mistake give nothing, and say so ---------------------------------------------------------

@pytest.mark.parametrize("entry,says", [
    ('role = "municipal"\nmunicipalities = ["Кореновскый район"]', ["[users.u]", "Кореновскый", "Кореновский район"]),
    ('role = "municipal"\nmunicipalities = ["Кореновский район", "Нигдеский"]', ["[users.u]", "Нигдеский"]),
    ('role = "municipal"\nmunicipalities = ["3621000"]', ["[users.u]", "3621000", "Кореновский район"]),
    ('role = "municipal"\nmunicipalities = [3621000]', ["[users.u]", "3621000"]),
    ('role = "municipal"\nmunicipalities = [""]', ["[users.u]"]),
    ('role = "municipal"\nmunicipalities = [{name = "Кореновский район"}]', ["[users.u]"]),
    ('role = "superuser"', ["[users.u]", "superuser"]),
    ('role = ["admin"]', ["[users.u]", "admin"]),
    ("role = 1", ["[users.u]", "1"]),
    ("", ["[users.u]", "роль"]),
    ('role = "municipal"', ["[users.u]", "municipalities"]),
    ('role = "municipal"\nmunicipalities = []', ["[users.u]", "municipalities"]),
    ('role = "municipal"\nmunicipalities = 5', ["[users.u]", "municipalities"]),
    ('role = "editor"\ndetail = "aggregates"', ["[users.u]", "aggregates"]),
    ('role = "admin"\ndetail = "сводные"', ["[users.u]", "сводные"]),
    ('role = "krai"\ndetail = "some"', ["[users.u]", "some"]),
    ('role = "krai"\ndetail = true', ["[users.u]", "True"]),
])
def test_an_entry_with_a_mistake_gives_nothing_and_a_problem_names_it(entry, says):
    p = parse(f"[users.u]\n{entry}\n[users.other]\nrole = \"krai\"\n")
    assert scope(p, "u") is None
    assert scope(p, "other").role == KRAI               # the other entries still count
    assert len(p.problems) == 1
    for part in says:
        assert part in p.problems[0]
    assert "\n" not in p.problems[0]


def test_a_user_whose_own_entry_has_a_mistake_gets_nothing_from_groups_either():
    # The user's entry (meant to narrow them to one district) is misspelt: falling back to their groups
    # would show them the whole krai.
    p = parse("""
[users."ivanova"]
role = "municipal"
municipalities = ["Кореновскй р-н"]

[groups."minprom"]
role = "krai"
members = ["ivanova"]
""")
    assert len(p.problems) == 1 and "[users.ivanova]" in p.problems[0]
    assert scope(p, "ivanova") is None
    assert scope(p, "Ivanova@krasnodar.ru", "ivanova", groups=["minprom"]) is None


def test_a_group_with_a_mistake_gives_nothing_and_the_others_still_count():
    p = parse("""
[groups."a"]
role = "admin"
detail = "aggregates"
members = ["u"]

[groups."b"]
role = "municipal"
municipalities = ["Абинский район"]
members = ["u"]
""")
    assert len(p.problems) == 1 and "[groups.a]" in p.problems[0]
    s = scope(p, "u")
    assert (s.role, s.munis) == (MUNICIPAL, (ABINSK,))


def test_other_mistakes_are_reported_without_widening_anything():
    p = parse("""
title = "x"

[admins]
u = true

[users.k]
role = "krai"
municipalities = ["Кореновский район"]

[groups.g]
role = "municipal"
municipalities = ["Абинский район"]
members = "k2"

[groups.h]
role = "krai"
members = {u = 1}

[groups.i]
role = "krai"
members = [["nested"], 5]
""")
    text = "\n".join(p.problems)
    assert "[title]" in text and "[admins]" in text
    assert "[users.k]" in text and "весь край" in text        # municipalities of a krai role: ignored, said
    assert "[groups.h]" in text and "members" in text
    assert scope(p, "k").munis is None and scope(p, "k").role == KRAI
    assert scope(p, "k2").munis == (ABINSK,)                  # members as one string
    assert scope(p, "u") is None                              # neither [admins] nor a bad members table
    assert scope(p, "u", groups=["h"]).role == KRAI           # the group itself stands, named by the provider
    assert scope(p, "5").role == KRAI


@pytest.mark.parametrize("text", ["users = 5\n", "users = [1, 2]\n", 'groups = "x"\n', "[users]\nu = 5\n",
                                  '[users]\nu = "admin"\n', "[users.u]\n[users.u.role]\nx = 1\n"])
def test_tables_of_the_wrong_kind_give_nothing(text):
    p = parse(text)
    assert p.problems
    assert scope(p, "u") is None and scope(p, "x") is None


# --- names of roles and identities ---------------------------------------------------------------------------

@pytest.mark.parametrize("written,role", [
    ("мо", MUNICIPAL), ("МО", MUNICIPAL), ("муниципальный", MUNICIPAL), ("край", KRAI), (" Край ", KRAI),
    ("редактор", EDITOR), ("администратор", ADMIN), ("Администратор", ADMIN), ("админ", ADMIN),
    ("ADMIN", ADMIN), ("Krai", KRAI)])
def test_role_names_in_russian_and_any_case(written, role):
    munis = 'municipalities = ["Кореновский район"]\n' if role == MUNICIPAL else ""
    p = parse(f'[users.u]\nrole = "{written}"\n{munis}')
    assert p.problems == []
    assert scope(p, "u").role == role


def test_detail_names_in_russian():
    p = parse('[users.u]\nrole = "край"\ndetail = "сводные"\n[users.v]\nrole = "krai"\ndetail = "Полные"\n')
    assert p.problems == []
    assert scope(p, "u").detail == AGGREGATES and scope(p, "v").detail == FULL


def test_identities_are_compared_in_lower_case():
    p = parse("""
[users."IVANOVA"]
role = "krai"

[users."Petrov@Krasnodar.RU"]
role = "editor"

[groups."MinProm"]
role = "admin"
members = ["  Sidorova@Krasnodar.ru "]
""")
    assert scope(p, "ivanova").role == KRAI
    assert scope(p, " IvaNova ").role == KRAI
    assert scope(p, "petrov@krasnodar.ru").role == EDITOR
    assert scope(p, "PETROV@KRASNODAR.RU").user == "petrov@krasnodar.ru"
    assert scope(p, "sidorova@KRASNODAR.ru").role == ADMIN
    assert scope(p, "ivanov") is None and scope(p, "ivanova2") is None


def test_the_first_identity_with_an_entry_decides_and_the_first_given_names_the_user():
    p = parse('[users."ivanova@krasnodar.ru"]\nrole = "krai"\n[users."sub-7"]\nrole = "admin"\n')
    s = p.decide([None, "", "Ivanova@Krasnodar.ru", "ivanova", "sub-7"], source=OIDC)
    assert (s.user, s.role, s.source) == ("ivanova@krasnodar.ru", KRAI, OIDC)
    s = p.decide(["nobody@x.ru", "sub-7"], source=CLI)
    assert (s.user, s.role, s.source) == ("nobody@x.ru", ADMIN, CLI)


def test_the_providers_groups_claim_names_groups():
    p = parse("""
[groups."minprom"]
role = "krai"

[groups."mo-korenovsk"]
role = "municipal"
municipalities = ["Кореновский район"]
""")
    s = p.decide(["ivanova@krasnodar.ru"], ["MinProm "], source=OIDC)
    assert (s.role, s.munis, s.source) == (KRAI, None, OIDC)
    assert p.decide(["x@y.ru"], ["mo-korenovsk"]).munis == (KORENOVSK,)
    assert p.decide(["x@y.ru"], ["minprom-fans", "admins"]) is None        # no such group in the file
    assert p.decide([], ["minprom"]) is None                                # nobody is no one to let in
    assert p.decide(["x@y.ru"], None) is None


def test_one_identity_or_one_group_given_as_text_is_not_split_into_letters():
    p = parse('[users.u]\nrole = "krai"\n[groups.g]\nrole = "admin"\n[groups.m]\nrole = "editor"\n')
    assert p.decide("u").role == KRAI
    assert p.decide("x", "gm") is None                     # not the groups «g» and «m»
    assert p.decide(["x"], "g").role == ADMIN


# --- the file as a whole -------------------------------------------------------------------------------------

def write(tmp_path, content: bytes):
    d = tmp_path / paths.ACCESS_FOLDER
    d.mkdir(exist_ok=True)
    policy.path(tmp_path).write_bytes(content)


GOOD = '[users.u]\nrole = "krai"\n# комментарий\n'


def test_the_file_is_read_from_the_access_folder(tmp_path):
    assert policy.load(tmp_path, MUNIS) == policy.Policy()        # no file: nobody named, no error
    write(tmp_path, GOOD.encode("utf-8"))
    assert policy.load(tmp_path, MUNIS).decide(["u"]).role == KRAI
    write(tmp_path, b"\xef\xbb\xbf" + GOOD.encode("utf-8"))      # as Notepad saves it
    assert policy.load(tmp_path, MUNIS).decide(["u"]).role == KRAI


@pytest.mark.parametrize("content,says", [
    (GOOD.encode() + b'[users.v\nrole = "admin"\n', "TOML"),
    (GOOD.encode() + b'[users.u]\nrole = "admin"\n', "TOML"),       # the same entry twice
    (b'[users.u]\nrole = "krai"\nrole = "admin"\n', "TOML"),
    (GOOD.encode("cp1251") + "# Кореновский\n".encode("cp1251"), "UTF-8"),
    (GOOD.encode("utf-16"), "UTF-8"),
    (b"a = " + b"[" * 100_000, "TOML"),
    (b"a = " + b"{b = " * 20_000, "TOML"),
    (GOOD.encode() + b"# " + b"x" * policy.MAX_BYTES, "КБ"),
])
def test_a_file_that_cannot_be_used_gives_nobody_anything(tmp_path, content, says):
    write(tmp_path, content)
    p = policy.load(tmp_path, MUNIS)
    assert p.error and says in p.error and "не видны никому" in p.error
    assert p.decide(["u"]) is None and p.decide(["u"], ["g"]) is None


@pytest.mark.parametrize("kind", ["fifo", "directory", "dev_zero", "loop"])
def test_anything_but_a_file_in_its_place_gives_nobody_anything_and_never_hangs(tmp_path, kind):
    d = tmp_path / paths.ACCESS_FOLDER
    d.mkdir()
    p = policy.path(tmp_path)
    if kind == "fifo":
        os.mkfifo(p)
    elif kind == "directory":
        p.mkdir()
    elif kind == "dev_zero":
        p.symlink_to("/dev/zero")
    else:
        p.symlink_to(p)
    try:
        pol = within(5, policy.load, tmp_path, MUNIS)
    finally:
        if kind == "fifo":
            try:
                os.close(os.open(p, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
    assert pol.error and "не видны никому" in pol.error
    assert pol.decide(["u"]) is None


# --- the Scope value -----------------------------------------------------------------------------------------

def test_a_municipal_scope_holds_sorted_unique_oktmo_codes():
    s = Scope(user="u", role=MUNICIPAL, munis=[KRASNODAR, ABINSK, KRASNODAR, KORENOVSK])
    assert s.munis == (ABINSK, KORENOVSK, KRASNODAR)
    assert s.restricted and s.permits(ABINSK) and not s.permits(LABINSK) and not s.permits(None)
    assert s.key == f"{ABINSK},{KORENOVSK},{KRASNODAR}|full"
    assert Scope(user="v", role=MUNICIPAL, munis=(KORENOVSK, ABINSK, ABINSK, KRASNODAR)).key == s.key
    assert not s.can_edit and not s.is_admin and not s.sees_load_report
    nobody = Scope(user="u", role=MUNICIPAL, munis=())
    assert nobody.restricted and not nobody.permits(KORENOVSK) and nobody.key == "|full"


def test_scope_roles_and_details():
    with pytest.raises(ValueError):
        Scope(user="u", role="superuser")
    with pytest.raises(ValueError):
        Scope(user="u", role=KRAI, detail="some")
    krai = Scope(user="u", role=KRAI, detail=AGGREGATES)
    assert krai.aggregates_only and not krai.restricted and krai.permits("anything") and krai.key == "*|aggregates"
    editor = Scope(user="u", role=EDITOR)
    assert editor.can_edit and not editor.is_admin and editor.sees_load_report
    assert not Scope(user="u", role=EDITOR, munis=(KORENOVSK,)).sees_load_report
    e = everything()
    assert (e.user, e.role, e.munis, e.detail, e.source) == ("", ADMIN, None, FULL, "open")
    assert e.is_admin and e.sees_load_report and e.key == "*|full"


def test_two_entries_for_one_name_in_different_case_give_nothing():
    p = parse('[users.IVANOVA]\nrole = "admin"\n\n[users.ivanova]\nrole = "krai"\n\n'
              '[users.petrov]\nrole = "krai"\n\n[groups.staff]\nrole = "admin"\nmembers = ["ivanova"]\n')
    assert scope(p, "ivanova") is None                  # neither entry, and not the group either
    assert scope(p, "petrov").role == KRAI
    assert any("[users.ivanova]" in problem for problem in p.problems)
