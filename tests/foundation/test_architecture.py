"""The layout shows the architecture: libraries never reach into the workshop."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(package: str) -> set[str]:
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
    return found


@pytest.mark.parametrize("library", ["flavors", "handshakes"])
def test_libraries_never_import_alignment(library):
    offenders = {m for m in imported_modules(library) if m.split(".")[0] == "alignment"}
    assert offenders == set()


def test_configuration_holds_no_models():
    assert not (ROOT / "cvm_align" / "models.py").exists()
    assert "models" not in {
        m.split(".")[-1] for m in imported_modules("cvm_align") if m.startswith("cvm_align")
    }


def test_the_designed_layout_is_there():
    for name in [
        "manage.py",
        "cvm_align",
        "alignment",
        "flavors",
        "handshakes",
        "templates",
        "static",
        "tests",
        "pyproject.toml",
        "docker-compose.yml",
        "README.md",
        "Makefile",
        ".ci/run",
    ]:
        assert (ROOT / name).exists(), name


# Inside `alignment`: the layers of DESIGN.md, held by import-linter's contracts
# (pyproject.toml) and by the two checks below.


def test_the_import_contracts_hold():
    # Layers point one way (pages, workflows, pure reads, models) and the
    # reference libraries never import the workshop app. lint-imports explains
    # a broken contract import by import.
    from importlinter.cli import lint_imports

    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _alignment_modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for path in (ROOT / "alignment").rglob("*.py")
        if "migrations" not in path.parts
    }


def _imports_of(tree: ast.AST, modules: set[str]):
    """(node, imported alignment module) for every import in a module's tree."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in modules:
                    yield node, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                if name in modules:
                    yield node, name
                elif node.module in modules:
                    yield node, node.module


def _inside_functions(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.update(id(inner) for inner in ast.walk(node) if inner is not node)
    return found


def test_no_module_of_alignment_imports_alignment_inside_a_function():
    # A function-level import hides a dependency from a reader and from the
    # contracts, and is how import cycles used to hold together. The one kept:
    # an app config's ready(), which Django calls once the models are loaded.
    allowed = {("alignment.apps", "alignment.realtime.signals")}
    modules = _alignment_modules()
    hidden = set()
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        in_functions = _inside_functions(tree)
        hidden |= {
            (name, target)
            for node, target in _imports_of(tree, set(modules))
            if id(node) in in_functions
        }
    assert hidden - allowed == set()


def test_the_modules_of_alignment_import_each_other_without_a_cycle():
    modules = _alignment_modules()
    graph = {
        name: {
            target
            for _node, target in _imports_of(ast.parse(path.read_text()), set(modules))
            if target != name
        }
        for name, path in modules.items()
    }
    graph["alignment.apps"].discard("alignment.realtime.signals")  # at ready(), see above
    cycles = []
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []
