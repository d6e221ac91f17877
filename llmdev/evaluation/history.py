"""Commits as data: one `git log` pass gives each commit's message, time and per-file line counts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from llmdev.repo.discovery import Repository

RECORD = "\x1e"
FIELD = "\x1f"
LOG_FORMAT = f"{RECORD}%H{FIELD}%P{FIELD}%ct{FIELD}%B{FIELD}"
TRAILER = re.compile(r"^(?:[A-Za-z][\w-]*: .+|(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?|refs?|see)\s+\S*#\d+\.?)$", re.IGNORECASE)
PR_REFERENCE = re.compile(r"\s*\((?:#|gh-|GH-)\d+\)\s*$")


@dataclass(frozen=True)
class FileStat:
    path: str
    added: int
    removed: int
    binary: bool = False


@dataclass
class HistoryCommit:
    sha: str
    parents: list[str]
    time: int  # committer time, seconds since the epoch
    message: str
    files: list[FileStat] = field(default_factory=list)

    @property
    def parent(self) -> str | None:
        return self.parents[0] if self.parents else None

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0].strip()

    def changed_lines(self) -> int:
        return sum(f.added + f.removed for f in self.files)


def _stat(line: str) -> FileStat | None:
    added, _, rest = line.partition("\t")
    removed, _, path = rest.partition("\t")
    if not path:
        return None
    if added == "-" or removed == "-":
        return FileStat(path, 0, 0, binary=True)
    return FileStat(path, int(added), int(removed))


def _parse(record: str) -> HistoryCommit | None:
    parts = record.split(FIELD)
    if len(parts) < 5:
        return None
    sha, parents, when, message, stats = parts[0], parts[1], parts[2], parts[3], parts[4]
    files = [stat for line in stats.strip("\n").splitlines() if (stat := _stat(line))]
    return HistoryCommit(sha.strip(), parents.split(), int(when), message.strip(), files)


def walk(repo: "Repository", *, since: float | None = None, rev: str = "HEAD") -> Iterator[HistoryCommit]:
    """Non-merge commits reachable from `rev`, newest first (renames count as delete + add)."""
    import os
    import subprocess

    from llmdev.repo.discovery import GIT_OPTIONS, decode

    args = ["git", *GIT_OPTIONS, "log", "--no-merges", "--no-renames", "--numstat", f"--format={LOG_FORMAT}", rev]
    if since is not None:
        args.insert(-1, f"--since=@{int(since)}")
    proc = subprocess.Popen(args, cwd=repo.root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env={**os.environ, "LC_ALL": "C"})
    assert proc.stdout is not None
    buffer = ""
    try:
        for chunk in iter(lambda: proc.stdout.read(1 << 16), b""):  # type: ignore[union-attr]
            buffer += decode(chunk)
            *records, buffer = buffer.split(RECORD)
            for record in records:
                if record and (commit := _parse(record)) is not None:
                    yield commit
        if buffer and (commit := _parse(buffer)) is not None:
            yield commit
    finally:
        proc.stdout.close()
        proc.kill()
        proc.wait()


def clean_message(message: str) -> str:
    """A commit message without trailers (Signed-off-by: ...) and a trailing pull-request number."""
    lines = message.strip().splitlines()
    while len(lines) > 1 and (TRAILER.match(lines[-1].strip()) or not lines[-1].strip()):
        lines.pop()
    if lines:
        lines[0] = PR_REFERENCE.sub("", lines[0])
    return "\n".join(lines).strip()


def recent_subjects(repo: "Repository", rev: str, count: int = 10) -> str:
    """The subjects of the commits before `rev` (what commit-msg shows as the repository's style)."""
    subjects = repo.git("log", f"-n{count}", "--no-merges", "--format=%s", rev).strip()
    return subjects or "(none)"
