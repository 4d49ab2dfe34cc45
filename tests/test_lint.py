"""Lint and format are part of the test suite, so CI enforces them like any other test."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("args", [["check", "."], ["format", "--check", "."]])
def test_ruff(args: list[str]) -> None:
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    result = subprocess.run([ruff, *args], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


#: The package's floors (CONTRIBUTING.md): a module may import from its own folder and the floors
#: below it. ``testing`` serves tests and the corpus build only; nothing in the package imports it.
FLOORS = {
    "model": 1,
    "word": 2,
    "language": 3,
    "checks": 4,
    "engine": 5,
    "reporters": 6,
    "annotate": 7,
    "app": 8,
    "testing": 9,
}


def _package_imports() -> dict[str, set[str]]:
    """Module -> the lettercheck modules it imports (anywhere in the file, lazy imports too)."""
    import ast

    graph: dict[str, set[str]] = {}
    for path in sorted((ROOT / "lettercheck").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module.startswith("lettercheck"):
                    targets.add(node.module)
            elif isinstance(node, ast.Import):
                targets.update(a.name for a in node.names if a.name.startswith("lettercheck"))
        graph[module] = targets
    return graph


def _floor(module: str) -> int | None:
    parts = module.split(".")
    return (
        FLOORS.get(parts[1]) if len(parts) > 2 or (len(parts) == 2 and parts[1] in FLOORS) else None
    )


def test_imports_point_down_the_floors() -> None:
    """An import from a higher floor is data flowing backwards (CONTRIBUTING.md's picture)."""
    up = []
    for module, targets in _package_imports().items():
        here = _floor(module)
        for target in targets:
            there = _floor(target)
            if here is not None and there is not None and there > here:
                up.append(f"{module} -> {target}")
    assert up == []


def test_no_import_cycles() -> None:
    graph = _package_imports()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if target not in graph:
                continue
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target] if target in path else [target])
            elif state.get(target) is None:
                visit(target, [*path, target])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []
