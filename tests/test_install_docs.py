"""Every install command in the README and docs/ installs this project, never a namesake on PyPI."""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
INSTALL = re.compile(r"\b(?:pipx|pip|uv pip|uv tool)\s+install\b(.*)")
FLAGS_WITH_VALUE = {"-c", "--constraint", "-i", "--index-url", "--python"}


def _distribution() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _install_lines() -> list[tuple[str, str]]:
    files = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").rglob("*") if p.suffix in (".md", ".yml", ".yaml"))]
    found = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            for command in re.split(r"&&|;|\|", line):
                match = INSTALL.search(command)
                if match:
                    found.append((f"{path.relative_to(ROOT)}: {line.strip()}", match.group(1)))
    return found


def _targets(arguments: str) -> list[str]:
    words = shlex.split(arguments.split("#")[0].split("`")[0])  # prose quotes a command in backticks
    targets, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word in FLAGS_WITH_VALUE:
            skip = True
        elif not word.startswith("-"):
            targets.append(word)
    return targets


def _names_this_project(target: str, distribution: str) -> bool:
    if target.startswith((".", "/")):  # the checkout itself, e.g. `pip install -e '.[test]'`
        return True
    name = re.split(r"[\[<>=!~;@ ]", target, maxsplit=1)[0]
    return _normalise(name) == _normalise(distribution)


def test_distribution_name_is_not_the_pypi_namesake() -> None:
    assert _normalise(_distribution()) != "llmdev"  # `llmdev` on PyPI is an unrelated project


@pytest.mark.parametrize(("where", "arguments"), _install_lines())
def test_install_line_names_this_distribution(where: str, arguments: str) -> None:
    distribution = _distribution()
    targets = _targets(arguments)
    assert targets, where
    assert all(_names_this_project(t, distribution) for t in targets), f"{where}: install {distribution}, not {targets}"


def test_docs_show_pipx_and_ci_installs_of_the_distribution() -> None:
    distribution = _distribution()
    lines = [where for where, _ in _install_lines()]
    assert any(f"pipx install {distribution}" in where for where in lines)
    assert any(f"pip install {distribution}" in where and where.startswith("docs/") for where in lines)
