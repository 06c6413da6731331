"""The house only looks down: drafter's import graph, read from the source with ast, has no circle, nothing below
the CLI imports it, and no stage imports the draft's life (drafter.draft) that sits above the stages, no backend and
not the period reader imports a stage."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "drafter"


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module → the drafter modules it imports anywhere in its body (top level, functions, TYPE_CHECKING)."""
    files = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}

    def known(name: str) -> str | None:
        while name and name not in files:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        targets: set[str | None] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets.update(known(alias.name) for alias in node.names if alias.name.startswith("drafter"))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1])
                    base = f"{base}.{node.module}" if node.module else base
                else:
                    base = node.module or ""
                if base != "drafter" and not base.startswith("drafter."):
                    continue
                # `from drafter.x import y` imports the submodule drafter.x.y when there is one
                targets.update(f"{base}.{a.name}" if f"{base}.{a.name}" in files else known(base) for a in node.names)
        graph[module] = {t for t in targets if t and t != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected groups of more than one module (Tarjan): each is a circle of imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(frozenset(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def loop_through(graph: dict[str, set[str]], group: frozenset[str]) -> list[str]:
    """One concrete loop inside a circle, for the failure message: a → b → … → a."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph[node] & group):
            if nxt == start:
                return [*paths[node], start]
            if nxt not in paths:
                paths[nxt] = [*paths[node], nxt]
                queue.append(nxt)
    return sorted(group)


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_the_graph_sees_relative_function_level_and_submodule_imports(tmp_path):
    package = tmp_path / "drafter"
    (package / "stage").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "stage" / "__init__.py").write_text("from .low import thing\n")
    (package / "stage" / "low.py").write_text("def thing():\n    from drafter.stage import high\n")
    (package / "stage" / "high.py").write_text("from drafter import stage\nfrom . import low\n")
    found = import_graph(package)
    assert found["drafter.stage"] == {"drafter.stage.low"}
    assert found["drafter.stage.low"] == {"drafter.stage.high"}
    assert found["drafter.stage.high"] == {"drafter.stage", "drafter.stage.low"}
    assert cycles(found) == [frozenset({"drafter.stage", "drafter.stage.low", "drafter.stage.high"})]


def test_no_module_imports_one_that_imports_it_back(graph):
    assert len(graph) > 50, "the graph should cover every module of drafter/"
    circles = cycles(graph)
    assert not circles, "import circles: " + "; ".join(" → ".join(loop_through(graph, g)) for g in circles)


def test_nothing_below_the_cli_imports_it(graph):
    upward = sorted(f"{module} → {target}" for module, targets in graph.items() for target in targets
                    if target.startswith("drafter.cli") and not module.startswith(("drafter.cli", "drafter.__main__")))
    assert not upward, "imports of the CLI from below it: " + ", ".join(upward)


def test_no_stage_imports_the_draft_life_above_it(graph):
    above = ("drafter.draft", "drafter.cli", "drafter.serve", "drafter.__main__")  # serve: beside the CLI
    upward = sorted(f"{module} → {target}" for module, targets in graph.items() for target in targets
                    if target.startswith("drafter.draft") and not module.startswith(above))
    assert not upward, "imports of drafter.draft from the stages below it: " + ", ".join(upward)


# the pipeline's stages and what sits on them; backends and the low modules (models, errors, files, periods) are below
STAGES = ("corpus", "retrieve", "metrics", "outline", "write", "verify", "render", "review", "draft", "serve", "cli")


def stage_imports(graph: dict[str, set[str]], module: str) -> list[str]:
    """The stage modules (drafter.metrics, drafter.verify.book, …) a module imports."""
    return sorted(t for t in graph[module] if t.split(".")[1] in STAGES)


def test_no_backend_imports_a_stage(graph):
    backends = sorted(module for module in graph if module.startswith("drafter.backends"))
    assert len(backends) > 5, "the graph should cover drafter/backends"
    upward = [f"{module} → {target}" for module in backends for target in stage_imports(graph, module)]
    assert not upward, "backends importing a stage above them: " + ", ".join(upward)


def test_the_period_reader_sits_below_every_stage(graph):
    assert "drafter.errors" in graph["drafter.periods"], "the graph should see what drafter.periods imports"
    assert not stage_imports(graph, "drafter.periods"), "drafter.periods imports a stage"
    readers = sorted(module for module, targets in graph.items() if "drafter.periods" in targets)
    assert any(m.startswith("drafter.verify") for m in readers) and any(m.startswith("drafter.metrics") for m in
                                                                         readers), readers
