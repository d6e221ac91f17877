"""Tasks from git history, each with an answer known from what happened later.

- localisation: a fix commit; the files and lines it changed are what a good context holds,
  given its message as the question.
- review: a commit whose lines a later fix changed (found with blame); a good review points there.
- commit-msg: any small commit; its real message is the reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from llmdev.evaluation.blame import blame_lines
from llmdev.evaluation.history import HistoryCommit, clean_message, walk

if TYPE_CHECKING:
    from llmdev.config.schema import EvalConfig
    from llmdev.repo.diff_types import FileDiff
    from llmdev.repo.discovery import Repository

LOCALISATION, REVIEW, COMMIT_MSG, EDIT = "localisation", "review", "commit-msg", "edit"
KINDS = (LOCALISATION, REVIEW, COMMIT_MSG)  # what a plain `llmdev eval` runs; EDIT only when asked


@dataclass
class Task:
    """One scored question about one commit; `payload` holds what the answer is checked against."""

    kind: str
    sha: str
    parent: str
    time: int
    subject: str
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.sha}"


@dataclass
class FixCommit:
    commit: HistoryCommit
    lines: dict[str, list[int]]  # source path -> old-side lines the fix removed or inserted at
    removed: dict[str, list[int]]  # source path -> old-side lines the fix removed or rewrote


def is_source(path: str) -> bool:
    """A file the code index parses that is not a test."""
    from llmdev.code.languages import language_for
    from llmdev.code.languages import is_test_path

    return language_for(path) is not None and not is_test_path(path)


def _small(commit: HistoryCommit, settings: "EvalConfig") -> bool:
    return commit.parent is not None and 0 < commit.changed_lines() <= settings.max_lines


def _fix_candidate(commit: HistoryCommit, pattern: re.Pattern[str], settings: "EvalConfig") -> list[str]:
    """The source files a fix-looking commit changed; [] when it is no candidate."""
    if not _small(commit, settings) or not pattern.search(commit.message):
        return []
    sources = [f.path for f in commit.files if is_source(f.path) and not f.binary]
    return sources if len(sources) <= settings.max_files else []


def _old_lines(diff: "FileDiff") -> tuple[list[int], list[int]]:
    """(every old-side line the change touches or inserts after, only the removed ones)."""
    touched: list[int] = []
    for hunk in diff.hunks:
        removed = hunk.removed_lines()
        touched += removed or [max(hunk.old_start, 1)]
    return touched, [n for hunk in diff.hunks for n in hunk.removed_lines()]


def fix_commit(repo: "Repository", commit: HistoryCommit, sources: list[str]) -> FixCommit | None:
    """The lines a fix changed in files that existed before it; None when it only added files."""
    from llmdev.repo.diff_types import DiffSpec
    from llmdev.repo.diffs import get_diff

    assert commit.parent is not None
    diffs = get_diff(repo, DiffSpec("commit", commit.parent, commit.sha), sources, context_lines=0)
    lines: dict[str, list[int]] = {}
    removed: dict[str, list[int]] = {}
    for diff in diffs:
        if diff.status == "modified" and diff.hunks and not diff.skipped_reason:
            lines[diff.path], removed[diff.path] = _old_lines(diff)
    return FixCommit(commit, lines, removed) if lines else None


def find_fixes(repo: "Repository", commits: Iterable[HistoryCommit], settings: "EvalConfig") -> Iterable[FixCommit]:
    pattern = re.compile(settings.fix_pattern, re.IGNORECASE)
    for commit in commits:
        sources = _fix_candidate(commit, pattern, settings)
        if sources and (fix := fix_commit(repo, commit, sources)) is not None:
            yield fix


def localisation_task(fix: FixCommit) -> Task:
    commit = fix.commit
    payload = {"query": clean_message(commit.message), "lines": fix.lines}
    return Task(LOCALISATION, commit.sha, commit.parent or "", commit.time, commit.subject, payload)


def edit_task(fix: FixCommit) -> Task:
    """Make the fix's change from its message, given the files it changed (the edit formats' test)."""
    commit = fix.commit
    payload = {"instruction": clean_message(commit.message), "files": sorted(fix.lines)}
    return Task(EDIT, commit.sha, commit.parent or "", commit.time, commit.subject, payload)


def introduced_by(repo: "Repository", fix: FixCommit) -> dict[str, list[tuple[str, int]]]:
    """Commit -> (path, line) in that commit, for every line the fix removed or rewrote."""
    found: dict[str, list[tuple[str, int]]] = {}
    for path, lines in fix.removed.items():
        for blamed in blame_lines(repo, fix.commit.parent or "", path, lines):
            found.setdefault(blamed.sha, []).append((blamed.path, blamed.line))
    return found


def review_tasks(repo: "Repository", fixes: Sequence[FixCommit], by_sha: dict[str, HistoryCommit], settings: "EvalConfig") -> list[Task]:
    """A task for each reviewable commit that wrote lines a later fix changed, newest first."""
    tasks: dict[str, Task] = {}
    for fix in fixes:
        for sha, targets in introduced_by(repo, fix).items():
            origin = by_sha.get(sha)
            if origin is None or sha == fix.commit.sha or not _small(origin, settings):
                continue
            task = tasks.get(sha) or Task(REVIEW, sha, origin.parent or "", origin.time, origin.subject,
                                         {"targets": [], "fixes": []})
            task.payload["targets"] += [[path, line] for path, line in targets]
            task.payload["fixes"].append({"sha": fix.commit.sha, "subject": fix.commit.subject})
            tasks[sha] = task
    return sorted(tasks.values(), key=lambda t: -t.time)


def commit_message_task(commit: HistoryCommit) -> Task:
    payload = {"message": clean_message(commit.message)}
    return Task(COMMIT_MSG, commit.sha, commit.parent or "", commit.time, commit.subject, payload)


def mine_tasks(
    repo: "Repository", settings: "EvalConfig", *, kinds: Sequence[str] = KINDS, since: float | None = None, limit: int | None = None
) -> list[Task]:
    """Up to `limit` tasks of each kind, newest first; nothing is sent to any model."""
    limit = limit or settings.limit
    commits = list(walk(repo, since=since))
    tasks: list[Task] = []
    if COMMIT_MSG in kinds:
        messages = [c for c in commits if _small(c, settings) and len(c.files) <= settings.max_files and c.subject]
        tasks += [commit_message_task(c) for c in messages[:limit]]
    if LOCALISATION in kinds or REVIEW in kinds or EDIT in kinds:
        fixes = _enough_fixes(repo, commits, settings, limit, REVIEW in kinds)
        if LOCALISATION in kinds:
            tasks += [localisation_task(f) for f in fixes[:limit]]
        if EDIT in kinds:
            tasks += [edit_task(f) for f in fixes[:limit]]
        if REVIEW in kinds:
            by_sha = {c.sha: c for c in commits}
            tasks += review_tasks(repo, [f for f in fixes if f.removed], by_sha, settings)[:limit]
    return tasks


def _enough_fixes(repo: "Repository", commits: list[HistoryCommit], settings: "EvalConfig", limit: int, for_review: bool) -> list[FixCommit]:
    """Fix commits, newest first: `limit` of them, or all when review tasks need them (not every fix yields one)."""
    fixes: list[FixCommit] = []
    for fix in find_fixes(repo, commits, settings):
        fixes.append(fix)
        if len(fixes) >= limit and not for_review:
            break
        if for_review and sum(1 for f in fixes if f.removed) >= limit * 3:
            break
    return fixes
