"""What `llmdev explain PATH[:SYMBOL]` shows the model: the code itself, where it is used, what it
calls, and a map around it. Shares the code gathering of debugging."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from llmdev.debug.context import CodeExcerpt, ContextGatherer, called_names
from llmdev.errors import UsageError

if TYPE_CHECKING:
    from llmdev.code.index import CodeIndex, Tag
    from llmdev.repo.discovery import Repository

MAX_USAGES = 8
MAX_RELATED = 4


@dataclass
class ExplainContext:
    target: str
    path: str
    code: CodeExcerpt
    usages: list[tuple[str, str]] = field(default_factory=list)  # (path, "path:line: code")
    related: list[CodeExcerpt] = field(default_factory=list)
    truncated: bool = False

    @property
    def files(self) -> list[str]:
        return list(dict.fromkeys([self.path] + [r.path for r in self.related]))


def split_target(spec: str) -> tuple[str, str | None]:
    """'src/app.py:Cart.total' -> ('src/app.py', 'Cart.total'); 'src/app.py' -> ('src/app.py', None)."""
    path, sep, symbol = spec.rpartition(":")
    if not sep or not symbol or "/" in symbol or not path:
        return spec, None
    return path, symbol


def find_symbol(tags: list["Tag"], symbol: str) -> "Tag":
    """The definition named `symbol`; 'Outer.inner' picks `inner` inside `Outer`."""
    *outer, name = symbol.split(".")
    definitions = [t for t in tags if t.is_definition]
    found = [t for t in definitions if t.name == name]
    for container in outer:
        parents = [t for t in definitions if t.name == container]
        found = [t for t in found if any(p.line <= t.line <= p.end_line and p is not t for p in parents)]
    if found:
        return min(found, key=lambda t: t.line)
    names = sorted({t.name for t in definitions})
    near = difflib.get_close_matches(name, names, n=4) or names[:8]
    raise UsageError(f"no definition named '{symbol}' in this file", f"known names include: {', '.join(near)}" if near else None)


def gather_explain_context(repo: "Repository", index: "CodeIndex", path: str, symbol: str | None, max_chars: int) -> ExplainContext:
    """The code to explain, at most `max_chars` of it, with its usages and what it calls."""
    gatherer = ContextGatherer(repo, index, [])
    lines = gatherer.lines_of(path)
    if lines is None:
        raise UsageError(f"{path} is not a readable text file in the repository", "give a source file, e.g. src/app.py:main")
    if symbol is None:
        shown = _fit(lines, max_chars)
        code = CodeExcerpt(path, 1, shown, "the whole file")
        context = ExplainContext(path, path, code, truncated=len(shown) < len(lines))
    else:
        tag = find_symbol(index.tags(path), symbol)
        shown = _fit(lines[tag.line - 1 : tag.end_line], max_chars)
        code = CodeExcerpt(path, tag.line, shown, f"{tag.kind} {tag.name}, lines {tag.line}-{tag.end_line}", tag.name)
        context = ExplainContext(f"{path}:{symbol}", path, code, truncated=len(shown) < tag.end_line - tag.line + 1)
        context.usages = _usages(gatherer, index, tag.name, path, tag)
    for name in called_names(code.lines):
        if len(context.related) >= MAX_RELATED:
            break
        if name != code.name:
            context.related += gatherer.definitions(name, [code] + context.related)[:1]
    return context


def _fit(lines: list[str], max_chars: int) -> list[str]:
    kept, used = [], 0
    for line in lines:
        used += len(line) + 1
        if used > max_chars:
            break
        kept.append(line)
    return kept


def _usages(gatherer: ContextGatherer, index: "CodeIndex", name: str, path: str, tag: "Tag") -> list[tuple[str, str]]:
    found = []
    for where, line in index.iter_references(name):
        if where == path and tag.line <= line <= tag.end_line:
            continue
        text = gatherer.lines_of(where) or []
        found.append((where, f"{where}:{line}: {text[line - 1].strip() if 0 < line <= len(text) else ''}"))
        if len(found) >= MAX_USAGES:
            break
    return found
