"""How the package's modules import each other: no cycles, and the service
never reaches the tools or the training code.

The graph is read from the source with ``ast``, so it holds every import a
module can make, those inside functions included (a lazy import that closes
a cycle still ties the two modules together)."""

from __future__ import annotations

import ast
from pathlib import Path

import claimflag

PACKAGE = Path(claimflag.__file__).resolve().parent
# Run only by the command line, never by the app that create_app builds.
NOT_SERVICE = ("claimflag.cli", "claimflag.tools", "claimflag.training")


def module_files(root: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by its own)."""
    found = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imported(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that ``name`` imports anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            # ``from . import x``: the submodule x if there is one, else the package.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                       for alias in node.names]
        else:
            continue
        for target in targets:
            # ``import a.b.c`` of a name inside a module: that module.
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    modules = module_files(root)
    return {name: imported(name, path, modules) for name, path in modules.items()}


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(graph.get(name, ()))
    return seen


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or not."""
    reach = {name: reachable(graph, name) for name in graph}
    groups = {tuple(sorted(m for m in reach[name] if name in reach[m])) for name in graph}
    return sorted(list(group) for group in groups if len(group) > 1)


def test_the_package_has_no_import_cycle():
    found = cycles(import_graph())
    assert not found, "modules that import each other: " + "; ".join(", ".join(g) for g in found)


def test_the_service_never_imports_the_tools_or_the_training_code():
    service = reachable(import_graph(), "claimflag")
    assert "claimflag.api" in service and "claimflag.nlp.pipeline" in service
    assert not [m for m in service if m.startswith(NOT_SERVICE)]


def test_the_graph_sees_imports_inside_functions_and_relative_ones(tmp_path):
    # A cycle closed only by a lazy import, as limits.py once closed one
    # through the installs blueprint.
    pkg = tmp_path / "claimflag"
    (pkg / "api").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "api" / "__init__.py").write_text("from . import installs\n")
    (pkg / "api" / "installs.py").write_text("from ..limits import key\n")
    (pkg / "limits.py").write_text("def init_app():\n    from .api import installs\n")
    graph = import_graph(pkg)
    assert graph["claimflag.api"] == {"claimflag.api.installs"}
    assert graph["claimflag.api.installs"] == {"claimflag.limits"}
    assert graph["claimflag.limits"] == {"claimflag.api.installs"}
    assert cycles(graph) == [["claimflag.api.installs", "claimflag.limits"]]
    (pkg / "limits.py").write_text("def init_app():\n    return None\n")
    assert cycles(import_graph(pkg)) == []
