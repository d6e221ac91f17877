"""A review answered from the cache before its context is built.

The request cache (`review/cache.py`) keys each request by its exact messages, so a hit still
paid for the whole prompt: the code index, the context of every hunk, the batching. Here a
first-level key is computed from what those are built from, and maps to the requests' keys:

- the change: the diffs, the paths named, the spec;
- the repository as the code index lists it: HEAD, every change git status reports against it
  (staged, unstaged, untracked, type changes, deletions) with the bytes of each changed or
  untracked file, and `.llmdevignore`;
- the effective settings and where each came from (each provider's address, [ollama] num_ctx,
  [review] max_request_tokens), the model asked for, the review rules (plugins' included), the
  prompt templates, the plugins loaded, llmdev's version.

The window the selected model's server reports is not asked for again: the plan keeps the window
it was made for. With the server, the model's name and the settings that cap it all in the key,
that window changes only when a model is replaced under the same name, whose cached replies the
request cache would give for the same prompts in any case; `--no-cache` asks it again. (The
windows of models a plugin routed requests to are asked, as before: routing is rare.)

When any of them changes the key changes and the review is planned and sent as before; when
none does, the same prompts would be built, so their cached replies are the review.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from llmdev import __version__
from llmdev.review import cache
from llmdev.review.reply import SCHEMA_VERSION

if TYPE_CHECKING:
    from llmdev.config.loader import LoadedConfig
    from llmdev.repo.diff_types import DiffSpec
    from llmdev.repo.discovery import Repository
    from llmdev.review.findings import ReviewResult, SkippedFile
    from llmdev.review.plan import Change, ReviewPlan

KEY_VERSION = 2  # bump when anything new goes into a review prompt, or the key changes meaning


@dataclass(frozen=True)
class Recalled:
    """What a planned review looked like, enough to merge its cached replies again."""

    keys: list[str]  # the requests' cache keys, in plan order
    model: str
    reviewed: list[str]
    skipped: list["SkippedFile"]
    notes: list[str]
    window: int
    rules_cut: bool
    windows: dict[str, int]  # the window of each model the requests were routed to


class WorktreeState:
    """The repository's state (`_worktree_state`), read in a thread started as soon as the
    repository is known: git status runs while the change and the rules are worked out."""

    def __init__(self, repo: "Repository") -> None:
        import threading

        self._state: bytes | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._read, args=(repo,), name="llmdev-review-state")
        self._thread.start()

    def _read(self, repo: "Repository") -> None:
        try:
            self._state = _worktree_state(repo)
        except BaseException as exc:  # raised again in the caller's thread
            self._error = exc

    def result(self) -> bytes | None:
        """The state; the thread has ended when this returns (the code index forks only then)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._state


def _worktree_state(repo: "Repository") -> bytes | None:
    """HEAD and every difference git sees from it, with the bytes of each file changed in the
    working tree or untracked; None during a merge conflict (such a review is never recalled)."""
    from llmdev.repo.files import IGNORE_FILE

    status = repo.git_bytes("status", "--porcelain=v2", "-z", "--branch", "--untracked-files=all", "--no-renames", check=False)
    if not status.startswith(b"# branch"):
        return None
    digest = hashlib.sha256(status)
    for record in status.split(b"\0"):
        if record.startswith((b"2 ", b"u ")):
            return None
        if record.startswith(b"? "):
            digest.update(_file_digest(repo.root / _path(record[2:])))
        elif record.startswith(b"1 "):
            fields = record.split(b" ", 8)  # 1 XY sub mH mI mW hH hI path: the index side is in hI
            if fields[1][1:2] != b".":  # changed in the working tree
                digest.update(_file_digest(repo.root / _path(fields[8])))
    digest.update(_file_digest(repo.root / IGNORE_FILE))  # may be ignored by git itself
    return digest.digest()


def _path(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def _file_digest(path: Path) -> bytes:
    try:
        if path.is_symlink():
            return b"symlink:" + str(path.readlink()).encode("utf-8", "surrogateescape")
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return b"absent"


def _plugins() -> list[tuple[str, str, str]]:
    from llmdev.plugins import plugin_state

    return [(i.name, i.source, i.location or "") for i in plugin_state().plugins if i.error is None]


def state_key(
    state: WorktreeState,
    config: "LoadedConfig",
    spec: "DiffSpec",
    paths: Sequence[str],
    change: "Change",
) -> str | None:
    """The first-level key: a hash of everything the review's prompts are built from (None when
    the repository's state cannot be read whole)."""
    from llmdev.config.schema import dump
    from llmdev.prompting import template_digest
    from llmdev.review.prompt import TEMPLATE

    parts: dict[str, Any] = {
        "version": [KEY_VERSION, __version__, SCHEMA_VERSION],
        "spec": dataclasses.asdict(spec),
        "paths": list(paths),
        "diffs": [dataclasses.asdict(d) for d in change.diffs],
        "settings": dump(config.settings),
        "sources": sorted(config.sources.items()),
        "model": change.selected,
        "rules": change.rules,
        "templates": template_digest(TEMPLATE, config.repo_root),
        "plugins": _plugins(),
    }
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8", "surrogateescape"))
    worktree = state.result()
    if worktree is None:
        return None
    digest.update(worktree)
    return "state-" + digest.hexdigest()


def _routed_windows(models: set[str], selected: str, config: "LoadedConfig") -> dict[str, int]:
    """The window of each model a plugin routed requests to: it decides how the review is split."""
    from llmdev.review.plan import model_window

    return {model: model_window(model, config) for model in sorted(models - {selected})}


def remember(key: str, plan: "ReviewPlan", change: "Change", config: "LoadedConfig") -> None:
    """Map the state key to the plan's request keys (written like the cache's own entries)."""
    from llmdev.privacy.own_files import write_private_text

    windows = _routed_windows({str(c.model) for c in plan.calls}, change.selected, config)
    entry = {
        "keys": [cache.request_key(c) for c in plan.calls],
        "model": plan.model,
        "reviewed": plan.reviewed,
        "skipped": [[s.path, s.reason] for s in plan.skipped],
        "notes": plan.notes,
        "window": plan.window,
        "rules_cut": plan.rules_cut,
        "windows": windows,
    }
    try:
        write_private_text(cache.entry_path(key), json.dumps(entry))
    except OSError:
        pass  # only costs the next run the planning


def recall(key: str) -> Recalled | None:
    """The plan remembered under `key` when every one of its replies is still cached, else None."""
    from llmdev.review.findings import SkippedFile

    try:
        data = json.loads(cache.entry_path(key).read_text(encoding="utf-8"))
        found = Recalled(
            [str(k) for k in data["keys"]],
            str(data["model"]),
            [str(p) for p in data["reviewed"]],
            [SkippedFile(str(p), str(r)) for p, r in data["skipped"]],
            [str(n) for n in data["notes"]],
            int(data["window"]),
            bool(data["rules_cut"]),
            {str(m): int(w) for m, w in data["windows"].items()},
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # absent or unreadable: a miss
    if not found.keys or any(cache.load(k) is None for k in found.keys):
        return None
    return found


def recalled_review(key: str, spec: "DiffSpec", change: "Change", config: "LoadedConfig", baseline: Path | None) -> "ReviewResult | None":
    """The review remembered under `key`, merged from its cached replies; None when anything is
    missing or a routed model's window changed since. Nothing is sent."""
    from llmdev.review.engine import RunOptions, replay
    from llmdev.review.merge import changed_lines
    from llmdev.review.plan import ReviewPlan

    found = recall(key)
    if found is None or _routed_windows(set(found.windows), change.selected, config) != found.windows:
        return None
    plan = ReviewPlan(
        spec, change.diffs, [], [], found.reviewed, found.skipped, found.notes, changed_lines(change.send),
        found.window, found.rules_cut, found.model,
    )
    return replay(plan, found.keys, config, RunOptions(baseline=baseline))
