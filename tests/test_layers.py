"""The folders show the architecture: imports point down the flow data → access → model → app → tools only.

kuban/paths.py and kuban/texts.py are the foundation every layer may use. Pages and dashboard.py
talk to the app and model layers, never to the loader directly. Lazy imports inside functions count.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kuban.paths import ROOT

FOUNDATION = {"kuban", "kuban.paths", "kuban.texts"}
ALLOWED = {                      # layer -> the kuban packages its modules may import
    "data": {"data"},
    "access": {"data", "access"},
    "model": {"data", "access", "model"},
    "app": {"data", "access", "model", "app"},
    "tools": {"data", "access", "model", "app", "tools"},
}
LAYERS = list(ALLOWED)


def kuban_imports(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, module) of every import of a kuban module in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "kuban"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != "kuban":
                continue
            if module == "kuban":       # from kuban import x: the module is kuban.x
                found += [(node.lineno, f"kuban.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, module))
    return found


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ALLOWED else None


def module_files():
    for layer in LAYERS:
        for path in sorted((ROOT / "kuban" / layer).rglob("*.py")):
            yield layer, path


def test_every_module_of_kuban_lives_in_a_layer_or_the_foundation():
    loose = sorted(p.name for p in (ROOT / "kuban").glob("*.py"))
    assert loose == ["__init__.py", "__main__.py", "paths.py", "texts.py"]
    assert {p.name for p in (ROOT / "kuban").iterdir() if p.is_dir() and p.name != "__pycache__"} == {
        *LAYERS, "reference", "assets"}


def against_the_flow(layer: str, path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    return [(line, m) for line, m in kuban_imports(path, root)
            if m not in FOUNDATION and layer_of(m) not in ALLOWED[layer]]


@pytest.mark.parametrize("layer,path", list(module_files()), ids=lambda x: str(x).rsplit("kuban/", 1)[-1])
def test_imports_point_down_the_flow(layer, path):
    wrong = against_the_flow(layer, path)
    assert wrong == [], f"{path.relative_to(ROOT)} imports against the flow: {wrong}"


def test_foundation_imports_nothing_of_the_layers():
    for name in ("paths.py", "texts.py"):
        assert kuban_imports(ROOT / "kuban" / name) == [], name


@pytest.mark.parametrize("path", [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py"))],
                         ids=lambda p: p.name)
def test_pages_use_the_app_and_model_layers_only(path):
    wrong = [(line, m) for line, m in kuban_imports(path)
             if m not in FOUNDATION and layer_of(m) not in {"app", "model"}]
    assert wrong == [], f"{path.name} reaches past the app and model layers: {wrong}"


def test_the_checker_sees_a_wrong_import(tmp_path):
    # The check itself works: a data module importing the app and model layers is caught, the foundation is not.
    (tmp_path / "kuban" / "data").mkdir(parents=True)
    bad = tmp_path / "kuban" / "data" / "bad.py"
    bad.write_text("from kuban.app import ui\nfrom ..model import db\nfrom kuban import texts\n"
                   "def f():\n    from kuban.app.fmt import md\n")
    assert against_the_flow("data", bad, tmp_path) == [(1, "kuban.app"), (2, "kuban.model"), (5, "kuban.app.fmt")]
