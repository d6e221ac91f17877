"""What the model needs to find a failure's root cause: the functions the trace passes through, the
code they call on the failing lines, and what changed recently in those files."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from llmdev.debug.frames import FileMapper, Location, local_frames
from llmdev.debug.traces import StackTrace, parse_traces

if TYPE_CHECKING:
    from llmdev.code.index import CodeIndex, Tag
    from llmdev.repo.discovery import Repository

MAX_FUNCTION_LINES = 120  # a longer function is shown as a window around the failing line
WINDOW = 8  # lines either side of a failing line outside any function
MAX_SITES = 8
MAX_FRAMES_PER_TRACE = 4
MAX_RELATED = 6
CALL_DEPTH = 2  # failing line -> callee -> its callee
MAX_CHANGE_CHARS = 6000
RECENT_COMMITS = 3
CALLED = re.compile(r"([A-Za-z_]\w*)\s*(?:\(|!\(|::<)")
NOT_CALLS = frozenset(
    "if for while return assert print len str int float list dict set tuple range isinstance super "
    "switch catch function new typeof sizeof match println format panic vec Some Ok Err".split()
)


@dataclass
class CodeExcerpt:
    """Numbered lines of one file; failing lines are marked with '>'."""

    path: str
    start: int
    lines: list[str]
    title: str
    name: str | None = None
    marks: set[int] = field(default_factory=set)

    @property
    def end(self) -> int:
        return self.start + len(self.lines) - 1

    def render(self) -> str:
        width = len(str(self.end))
        body = [
            f"{'>' if self.start + n in self.marks else ' '} {self.start + n:>{width}} | {text}"
            for n, text in enumerate(self.lines)
        ]
        return f"{self.path} — {self.title}\n```\n" + "\n".join(body) + "\n```"


@dataclass
class RecentChanges:
    """What changed lately in the failing files; the prompt templates label and fence each part."""

    uncommitted: str = ""  # the working tree's diff against HEAD
    commits: str = ""  # `git log -p` of the last commits that touched the files

    def __bool__(self) -> bool:
        return bool(self.uncommitted or self.commits)


@dataclass
class FailureContext:
    traces: list[StackTrace]
    locations: list[Location]
    sites: list[CodeExcerpt] = field(default_factory=list)
    related: list[CodeExcerpt] = field(default_factory=list)
    recent_changes: RecentChanges = field(default_factory=RecentChanges)

    @property
    def files(self) -> list[str]:
        return list(dict.fromkeys(e.path for e in self.sites + self.related))

    @property
    def functions(self) -> list[str]:
        """Names of the functions whose code is in the context."""
        return [e.name for e in self.sites + self.related if e.name]


def _excerpt(path: str, lines: list[str], line: int, tag: "Tag | None") -> CodeExcerpt:
    if tag is not None and tag.end_line - tag.line < MAX_FUNCTION_LINES:
        start, end = tag.line, tag.end_line
        title = f"{tag.kind} {tag.name}, lines {start}-{end}"
    else:
        start, end = max(1, line - WINDOW), min(len(lines), line + WINDOW)
        title = f"lines {start}-{end}" + (f" of {tag.kind} {tag.name}" if tag else "")
    return CodeExcerpt(path, start, lines[start - 1 : end], title, tag.name if tag else None, {line})


class ContextGatherer:
    def __init__(self, repo: "Repository", index: "CodeIndex | None", files: Sequence[str]) -> None:
        self.repo = repo
        self.index = index
        self.files = list(files)
        self._texts: dict[str, list[str] | None] = {}

    def lines_of(self, path: str) -> list[str] | None:
        if path not in self._texts:
            from llmdev.repo.files import read_text

            text = read_text(self.repo, path)
            self._texts[path] = text.splitlines() if text is not None else None
        return self._texts[path]

    def site(self, location: Location, known: list[CodeExcerpt]) -> CodeExcerpt | None:
        lines = self.lines_of(location.path)
        if lines is None or not 1 <= location.line <= len(lines):
            return None
        for excerpt in known:
            if excerpt.path == location.path and excerpt.start <= location.line <= excerpt.end:
                excerpt.marks.add(location.line)
                return None
        tag = self.index.enclosing(location.path, location.line) if self.index else None
        return _excerpt(location.path, lines, location.line, tag)

    def definitions(self, name: str, shown: list[CodeExcerpt]) -> list[CodeExcerpt]:
        if self.index is None:
            return []
        found = []
        for path, tag in self.index.definitions(name)[:2]:
            lines = self.lines_of(path)
            covered = any(e.path == path and e.start <= tag.line <= e.end for e in shown + found)
            if lines is None or covered:
                continue
            excerpt = _excerpt(path, lines, tag.line, tag)
            excerpt.marks.clear()
            found.append(excerpt)
        return found


def called_names(texts: Iterable[str]) -> list[str]:
    """Functions called on the failing lines, in order of appearance."""
    names: list[str] = []
    for text in texts:
        for name in CALLED.findall(text):
            if name not in NOT_CALLS and name not in names:
                names.append(name)
    return names


def _pick_locations(traces: list[StackTrace], mapper: FileMapper) -> list[Location]:
    picked: list[Location] = []
    per_trace: dict[int, int] = {}
    for location in local_frames(traces, mapper):
        if per_trace.get(location.trace, 0) < MAX_FRAMES_PER_TRACE and len(picked) < MAX_SITES:
            per_trace[location.trace] = per_trace.get(location.trace, 0) + 1
            picked.append(location)
    return picked


def gather_failure_context(
    repo: "Repository",
    output: str,
    *,
    index: "CodeIndex | None" = None,
    files: Sequence[str] | None = None,
    cwd: Path | None = None,
) -> FailureContext:
    """Parse the output's traces and collect the code and history around every local frame."""
    if files is None:
        from llmdev.repo.files import list_files

        files = list_files(repo).paths()
    traces = parse_traces(output)
    locations = _pick_locations(traces, FileMapper(repo.root, files, cwd))
    context = FailureContext(traces, locations)
    gatherer = ContextGatherer(repo, index, files)
    for location in locations:
        excerpt = gatherer.site(location, context.sites)
        if excerpt is not None:
            context.sites.append(excerpt)
    failing = [t for trace in traces for t in trace.code + [trace.message]]
    for site in context.sites:
        failing += [site.lines[m - site.start] for m in sorted(site.marks)]
    _follow_calls(gatherer, context, failing)
    context.recent_changes = recent_changes(repo, context.files[:8])
    return context


def _follow_calls(gatherer: ContextGatherer, context: FailureContext, failing: list[str]) -> None:
    """Definitions of what the failing lines call, then of what those call (the bug is often a level down)."""
    lines = failing
    for _ in range(CALL_DEPTH):
        found: list[CodeExcerpt] = []
        for name in called_names(lines):
            if len(context.related) + len(found) >= MAX_RELATED:
                break
            if name not in context.functions and name not in [e.name for e in found]:
                found += gatherer.definitions(name, context.sites + context.related + found)
        context.related += found
        lines = [line for excerpt in found for line in excerpt.lines]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit, 0)] + "\n[... cut ...]"


def recent_changes(repo: "Repository", paths: Sequence[str]) -> RecentChanges:
    """Uncommitted changes to `paths`, then the last commits that touched them, together cut to a budget."""
    if not paths or not repo.has_commits():
        return RecentChanges()
    from llmdev.repo.diff_types import diff_text
    from llmdev.repo.diffs import worktree_diff
    from llmdev.repo.discovery import GitCommandError

    try:
        uncommitted = diff_text(worktree_diff(repo, paths))
        log = repo.git("log", f"-n{RECENT_COMMITS}", "--format=commit %h %ad %s", "--date=short", "-p", "--", *paths)
    except GitCommandError:
        return RecentChanges()
    uncommitted = _cut(uncommitted, MAX_CHANGE_CHARS)
    room = MAX_CHANGE_CHARS - len(uncommitted)
    return RecentChanges(uncommitted, _cut(log, room) if log.strip() and room > 0 else "")
