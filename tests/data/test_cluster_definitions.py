"""Cluster definitions and their saved files (kuban/data/cluster_definitions.py): validation, the files
`<data folder>/clusters/NAME.json`, and whatever a file there may hold (issue 7)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kuban.data import cluster_definitions as C
from kuban.data.cluster_definitions import Definition, DefinitionError

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "cluster"


def test_definition_save_load_round_trip(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    from kuban.data.ingest import fingerprint, load_folder, scan
    before = fingerprint(data)
    a = Definition(name="Машиностроение", codes=("28", "29"), lq_threshold=1.5, min_enterprises=2,
                   min_employees=50, anchor_large=False, anchor_top_n=3, min_participants=9, years_back=2)
    b = Definition(name="Только 28.2", codes=("28.2",))
    path = C.save(data, a)
    C.save(data, b)
    assert path == data / "clusters" / "Машиностроение.json"
    assert json.loads(path.read_text(encoding="utf-8"))["codes"] == ["28", "29"]
    found, errors = C.saved(data)
    assert errors == [] and list(found) == ["Машиностроение", "Только 28.2"]
    assert found["Машиностроение"] == a and found["Только 28.2"] == b
    # saving a definition does not change the data version, and the loader does not take clusters/ for a table
    assert fingerprint(data) == before
    assert scan(data)[1] == []
    assert not load_folder(data).problems["reason"].str.contains("clusters").any()
    # the same name again replaces the file
    C.save(data, Definition(name="Машиностроение", codes=("28",)))
    assert C.saved(data)[0]["Машиностроение"].codes == ("28",)


def test_broken_definition_files_give_russian_messages(tmp_path):
    folder = tmp_path / "clusters"
    folder.mkdir()
    (folder / "битый.json").write_text('{"codes": ["28", ', encoding="utf-8")
    (folder / "коды.json").write_text('{"codes": ["28", "2x"]}', encoding="utf-8")
    (folder / "порог.json").write_text('{"codes": ["28"], "lq_threshold": "много"}', encoding="utf-8")
    (folder / "пусто.json").write_text('[1, 2]', encoding="utf-8")
    (folder / "годный.json").write_text('{"codes": ["28"], "years_back": 2}', encoding="utf-8")
    found, errors = C.saved(tmp_path)
    assert list(found) == ["годный"] and found["годный"].years_back == 2
    assert found["годный"].lq_threshold == 1.25                       # missing fields take the defaults
    text = "\n".join(errors)
    assert "файл «битый.json»: содержимое не является JSON (ошибка в строке 1)" in text
    assert "файл «коды.json»: «2x» — не коды ОКВЭД" in text
    assert "файл «порог.json»: поле «порог LQ (lq_threshold)»: «много» — не число" in text
    assert "файл «пусто.json»: ожидается объект JSON" in text
    with pytest.raises(DefinitionError, match="не указаны коды ОКВЭД"):
        C.from_dict({"lq_threshold": 2})
    with pytest.raises(DefinitionError, match="вне допустимых пределов"):
        C.from_dict({"codes": ["28"], "years_back": 0})


@pytest.mark.parametrize("name", ["", "   ", "../вне", "a/b", ".скрытое", "x" * 61])
def test_definition_names_that_cannot_be_files_are_refused(tmp_path, name):
    with pytest.raises(DefinitionError) as err:
        C.save(tmp_path, Definition(), name)
    assert any(word in str(err.value) for word in ("название", "укажите"))
    assert not (tmp_path / "clusters").exists() or not any((tmp_path / "clusters").iterdir())


# --- Hostile saved definitions (issue 7): a file in clusters/ may hold anything -------------------------

def _hostile_folder(tmp_path) -> Path:
    import os
    folder = tmp_path / "clusters"
    folder.mkdir()
    (folder / "годный.json").write_text('\ufeff{"codes": ["28"]}', encoding="utf-8")          # with a BOM
    (folder / "глубокий.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")   # 200 KB
    (folder / "глубокий-малый.json").write_text('{"codes": ' + "[" * 30_000 + "]" * 30_000 + "}",
                                                encoding="utf-8")                             # 60 KB, too deep
    (folder / "огромный.json").write_bytes(b'{"codes": ["28"], "x": "' + b"x" * (C.FILE_MAX_BYTES + 1) + b'"}')
    (folder / "типы.json").write_text('{"codes": {"a": 1}, "lq_threshold": [1]}', encoding="utf-8")
    (folder / "числа.json").write_text('{"codes": ["28"], "lq_threshold": ' + "9" * 5000 + "}", encoding="utf-8")
    (folder / "строка.json").write_text('{"codes": ["28"], "years_back": "' + "в" * 10_000 + '"}', encoding="utf-8")
    (folder / "коды.json").write_text(json.dumps({"codes": [f"код {i}" for i in range(1000)]}), encoding="utf-8")
    (folder / "cp1251.json").write_bytes('{"codes": ["28"], "name": "Машины"}'.encode("cp1251"))
    os.mkfifo(folder / "канал.json")
    (folder / "папка.json").mkdir()
    (folder / "ноль.json").symlink_to("/dev/zero")
    (folder / "имя-\udcf0\udcee.json".encode("utf-8", "surrogateescape").decode("utf-8", "surrogateescape")) \
        .write_text('{"codes": ["29"]}', encoding="utf-8")
    return folder


def test_hostile_definition_files_are_refused_each_with_its_reason(tmp_path):
    _hostile_folder(tmp_path)
    found, errors = C.saved(tmp_path)            # never raises, never hangs (the pipe has no writer)
    assert sorted(found) == ["годный", "имя-��"]     # a file name that is not UTF-8 is shown with �
    text = "\n".join(errors)
    for name, reason in [
        ("глубокий.json", "файл больше 64 КБ — это не определение кластера"),
        ("глубокий-малый.json", "слишком глубокая вложенность — это не определение кластера"),
        ("огромный.json", "файл больше 64 КБ"),
        ("типы.json", "поле «codes» должно быть списком строк"),
        ("числа.json", "содержимое не является JSON"),          # an integer of 5 000 digits: Python refuses it
        ("строка.json", "не число"),
        ("коды.json", "не коды ОКВЭД"),
        ("cp1251.json", "файл не в кодировке UTF-8"),
        ("канал.json", "это не обычный файл"),
        ("папка.json", "это не обычный файл"),
        ("ноль.json", "это не обычный файл"),
    ]:
        line = next((e for e in errors if e.startswith(f"файл «{name}»: ")), "")
        assert reason in line, (name, text)
    # messages stay short whatever the file holds: a long value is cut, a long list ends with «и ещё N»
    assert all(len(e) < 400 for e in errors), [len(e) for e in errors]
    assert "и ещё 995" in text


def test_recursion_in_a_definition_file_is_caught_not_raised(tmp_path):
    (tmp_path / "clusters").mkdir()
    path = tmp_path / "clusters" / "x.json"
    path.write_text("[" * 20_000 + "]" * 20_000, encoding="utf-8")
    with pytest.raises(DefinitionError, match="вложенность"):
        C.load(path)


def test_too_many_definition_files_are_read_up_to_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(C, "FILES_MAX", 3)
    (tmp_path / "clusters").mkdir()
    for i in range(5):
        (tmp_path / "clusters" / f"d{i}.json").write_text('{"codes": ["28"]}', encoding="utf-8")
    found, errors = C.saved(tmp_path)
    assert list(found) == ["d0", "d1", "d2"]
    assert errors == ["В папке clusters/ файлов определений: 5; читаются первые 3 по имени."]


def test_an_unreadable_clusters_folder_is_a_message(tmp_path, monkeypatch):
    (tmp_path / "clusters").mkdir()

    def refuse(self):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(Path, "iterdir", refuse)
    found, errors = C.saved(tmp_path)
    assert found == {} and errors == ["папку clusters/ не удалось прочитать: Permission denied"]
