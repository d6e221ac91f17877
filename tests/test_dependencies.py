"""The declared dependencies are exactly the third-party distributions the shipped code imports."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from llmdev.code.languages import GRAMMARS

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = [ROOT / "llmdev", *sorted((ROOT / "plugins").glob("*/llmdev_*"))]
OWN = {"llmdev"} | {path.name for path in SHIPPED}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {_normalise(re.split(r"[<>=!~;\[ ]", spec, maxsplit=1)[0]) for spec in project["dependencies"]}


def _imported_modules() -> set[str]:
    found = {module for module, _ in GRAMMARS.values()}  # grammars are imported by name
    for package in SHIPPED:
        for path in package.rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            fallbacks = {id(n) for h in ast.walk(tree) if isinstance(h, ast.ExceptHandler) for n in ast.walk(h)}
            for node in ast.walk(tree):
                if id(node) in fallbacks:  # `except ImportError:` fallbacks for older versions of a dependency
                    continue
                if isinstance(node, ast.Import):
                    found.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m not in OWN}


def _used_distributions() -> dict[str, str]:
    owners = packages_distributions()
    used = {}
    for module in _imported_modules():
        # a module not installed here (tomli on Python >= 3.11) is taken to be its own distribution
        used[_normalise(owners.get(module, [module])[0])] = module
    return used


def test_every_imported_distribution_is_declared() -> None:
    undeclared = {dist: module for dist, module in _used_distributions().items() if dist not in _declared()}
    assert not undeclared, f"imported but not in [project] dependencies: {undeclared}"


def test_every_declared_dependency_is_imported() -> None:
    unused = _declared() - set(_used_distributions())
    assert not unused, f"declared but never imported: {sorted(unused)}"
