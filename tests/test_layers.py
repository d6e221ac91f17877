"""The model-call core depends one way: command -> calls -> (hooks, guards, backends) -> call data.

Every import counts, including those inside functions and under `if TYPE_CHECKING:`: a lazy
import hides a cycle from start-up, not from a reader.
"""

from __future__ import annotations

import ast
from collections import deque
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [ROOT / "llmdev", *sorted((ROOT / "plugins").glob("*/llmdev_*"))]

CALLS = "llmdev.calls"
# The data that flows through a call, and the model references it holds: importable by everyone.
LEAVES = ("llmdev.call_types", "llmdev.backends.refs")
# What `calls` drives: none of these may import it, directly or through another module.
BELOW_CALLS = (
    "llmdev.hookspecs",
    "llmdev.plugins",
    "llmdev.privacy.guard",
    "llmdev.privacy.policy",
    "llmdev.privacy.remote",
    "llmdev.backends.registry",
    *LEAVES,
)
CORE = (CALLS, *BELOW_CALLS)

Graph = dict[str, set[str]]


def _module_name(path: Path, package_root: Path) -> str:
    parts = list(path.relative_to(package_root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, Path]:
    return {_module_name(path, package): path for package in PACKAGES for path in package.rglob("*.py")}


def imports_of(source: str, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The known modules that `source` imports anywhere: top level, in functions, under TYPE_CHECKING."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)  # `from llmdev import hookspecs`
    return (found & known) - {module}


def import_graph() -> Graph:
    sources = _sources()
    known = set(sources)
    return {
        name: imports_of(path.read_text(encoding="utf-8"), name, path.name == "__init__.py", known)
        for name, path in sources.items()
    }


def with_builtin_plugins(graph: Graph) -> Graph:
    """Add the modules `llmdev.plugins` loads by name: they run below it, so they may not import calls."""
    from llmdev.plugins import BUILTIN_PLUGINS

    extended = {name: set(targets) for name, targets in graph.items()}
    extended["llmdev.plugins"] |= set(BUILTIN_PLUGINS)
    return extended


def path_between(graph: Graph, start: str, goal: str) -> list[str] | None:
    """The shortest chain of imports from `start` to `goal` (at least one step), or None."""
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        for nxt in sorted(graph.get(current, ())):
            if nxt in came_from:
                continue
            came_from[nxt] = current
            if nxt == goal:
                chain = [goal]
                while chain[-1] != start or len(chain) == 1:
                    chain.append(came_from[chain[-1]])
                return chain[::-1]
            queue.append(nxt)
    return None


@pytest.fixture(scope="module")
def graph() -> Graph:
    return import_graph()


def test_every_kind_of_import_is_an_edge() -> None:
    source = """
from typing import TYPE_CHECKING
from . import sibling
from .. import hookspecs
import llmdev.errors
if TYPE_CHECKING:
    from llmdev.calls import RouteRequest
def late():
    from llmdev.plugins import hook
    import pluggy
"""
    known = {"llmdev.calls", "llmdev.plugins", "llmdev.hookspecs", "llmdev.errors", "llmdev.privacy.sibling"}
    found = imports_of(source, "llmdev.privacy.guard", False, known)
    assert found == known


def test_path_between_follows_imports_and_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert path_between(graph, "a", "a") == ["a", "b", "c", "a"]
    assert path_between(graph, "d", "c") == ["d", "a", "b", "c"]
    assert path_between(graph, "a", "d") is None


def test_the_core_modules_exist(graph: Graph) -> None:
    assert set(CORE) <= set(graph)
    assert "llmdev.plugins" in graph[CALLS]  # a function-level import in calls.py is seen


@pytest.mark.parametrize("module", CORE)
def test_no_core_module_is_on_an_import_cycle(graph: Graph, module: str) -> None:
    # Static imports only: `plugins` loading built-in backends by name is the inversion that makes them
    # plugins (a backend may call hooks, as the registry does).
    cycle = path_between(graph, module, module)
    assert cycle is None, " -> ".join(cycle or [])


@pytest.mark.parametrize("module", BELOW_CALLS)
def test_nothing_below_calls_imports_it(graph: Graph, module: str) -> None:
    chain = path_between(with_builtin_plugins(graph), module, CALLS)
    assert chain is None, " -> ".join(chain or [])


def test_hook_implementations_do_not_import_calls(graph: Graph) -> None:
    """The shipped plugins and built-in hook implementations take the call data from the leaf."""
    from llmdev.plugins import BUILTIN_PLUGINS

    plugin_packages = [_module_name(package, package) for package in PACKAGES[1:]]
    chains = [path_between(graph, name, CALLS) for name in (*BUILTIN_PLUGINS, *plugin_packages)]
    assert plugin_packages and [c for c in chains if c] == []


@pytest.mark.parametrize("leaf", LEAVES)
def test_call_data_depends_on_nothing_that_acts_on_it(graph: Graph, leaf: str) -> None:
    acting = [m for m in CORE if m not in LEAVES and m != "llmdev.privacy.remote"]
    chains = [path_between(graph, leaf, m) for m in acting]
    assert [" -> ".join(c) for c in chains if c] == []


@pytest.mark.parametrize("module", CORE)
def test_the_core_reaches_no_command(graph: Graph, module: str) -> None:
    commands = [m for m in graph if m == "llmdev.cli" or m.startswith("llmdev.commands")]
    chains = [path_between(graph, module, command) for command in commands]
    assert commands and [" -> ".join(c) for c in chains if c] == []
