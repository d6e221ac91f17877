"""Syntax errors an edit introduced, found with the tree-sitter grammar for the file's language."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

from llmdev.edits.plan import FileChange

MAX_REPORTED = 5


@dataclass(frozen=True)
class SyntaxProblem:
    path: str
    line: int  # 1-based
    snippet: str

    def describe(self) -> str:
        return f"{self.path}:{self.line}: syntax error near: {self.snippet}"


@lru_cache(maxsize=None)
def _parser(language: str) -> Any:
    try:
        from tree_sitter import Parser

        from llmdev.code.languages import grammar

        return Parser(grammar(language))
    except (ImportError, AttributeError, KeyError, ValueError):
        return None  # a missing grammar means no check, not a failure


def _error_nodes(node: Any, found: list[Any]) -> None:
    if len(found) >= MAX_REPORTED:
        return
    if node.type == "ERROR" or node.is_missing:
        found.append(node)
        return
    if node.has_error:
        for child in node.children:
            _error_nodes(child, found)


def syntax_problems(path: str, data: bytes) -> list[SyntaxProblem] | None:
    """Where the file fails to parse; [] if it parses; None if llmdev has no grammar for it."""
    from llmdev.code.languages import language_for

    language = language_for(path)
    parser = _parser(language) if language else None
    if parser is None:
        return None
    tree = parser.parse(data)
    if not tree.root_node.has_error:
        return []
    nodes: list[Any] = []
    _error_nodes(tree.root_node, nodes)
    lines = data.decode("utf-8", "replace").splitlines()
    problems = []
    for node in nodes or [tree.root_node]:
        row = node.start_point[0]
        snippet = lines[row].strip()[:80] if row < len(lines) else ""
        problems.append(SyntaxProblem(path, row + 1, snippet or ("missing " + node.type if node.is_missing else "")))
    return problems


def introduced_problems(changes: Sequence[FileChange]) -> list[SyntaxProblem]:
    """Syntax errors in the new text of files that parsed cleanly (or had fewer errors) before."""
    introduced: list[SyntaxProblem] = []
    for change in changes:
        if change.after is None:
            continue
        after = syntax_problems(change.path, change.after)
        if not after:
            continue
        before = syntax_problems(change.path, change.before) if change.before is not None else []
        if not before or len(after) > len(before):
            introduced.extend(after)
    return introduced
