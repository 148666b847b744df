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
