"""What llmdev's git hooks do when git runs them."""

from __future__ import annotations

import dataclasses
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

from llmdev import console
from llmdev.errors import EXIT_FAILURE, EXIT_OK, LlmdevError
from llmdev.hooks.skips import record_skip

if TYPE_CHECKING:
    from llmdev.config.loader import LoadedConfig
    from llmdev.repo.discovery import Repository
    from llmdev.review.findings import ReviewResult

T = TypeVar("T")
SKIP_VARIABLE = "LLMDEV_SKIP"
GIVEN_MESSAGE_SOURCES = ("message", "template", "merge", "squash", "commit")


class HookTimeout(LlmdevError):
    """The model took longer than [review.hook] timeout."""


def skipped_by_env() -> bool:
    return os.environ.get(SKIP_VARIABLE, "").strip().lower() in ("1", "true", "yes")


def call_with_deadline(work: Callable[[], T], seconds: float) -> T:
    """Run `work` in a daemon thread and give up waiting after `seconds` (the thread is abandoned)."""
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc

    thread = threading.Thread(target=target, name="llmdev-hook", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise HookTimeout(f"the model did not answer within {seconds:g}s")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def hook_config(config: "LoadedConfig") -> "LoadedConfig":
    """The config with the hook's timeout as the request timeout and no retries: a commit must not wait long."""
    settings = config.settings
    timeout = settings.review.hook.timeout
    from llmdev.config.schema import replace

    request = replace(settings.request, timeout=timeout, max_retries=0)
    return dataclasses.replace(config, settings=replace(settings, request=request))


def _review_staged(repo: "Repository", config: "LoadedConfig") -> "ReviewResult":
    from llmdev.repo.diffs import parse_spec
    from llmdev.review.engine import RunOptions, run_review
    from llmdev.review.plan import plan_review

    plan = plan_review(repo, config, parse_spec(repo, staged=True))
    for note in plan.calls[0].notes if plan.calls else []:
        console.warning(note)
    baseline = repo.root / config.settings.review.baseline
    return run_review(plan, config, RunOptions(baseline=baseline))


def user_fail_closed() -> bool:
    """`[review.hook] fail_closed = true` in the user's own config file (a broken file says nothing)."""
    from llmdev.config.loader import read_toml, user_config_path
    from llmdev.errors import ConfigError

    path = user_config_path()
    try:
        data = read_toml(path) if path.is_file() else {}
    except ConfigError:
        return False
    hook = data.get("review", {}).get("hook", {}) if isinstance(data.get("review"), dict) else {}
    return isinstance(hook, dict) and hook.get("fail_closed") is True


def fail_closed(config: "LoadedConfig") -> bool:
    """A repository's config may tighten fail_closed, never loosen it: the user's own `true` stands."""
    return bool(config.settings.review.hook.fail_closed) or user_fail_closed()


def config_unreadable(name: str, problem: str) -> int:
    """The config could not be loaded: the commit goes through, unless the user's own file says fail closed."""
    if name == "pre-commit" and not skipped_by_env() and user_fail_closed():
        console.error(f"llmdev: commit blocked: the configuration cannot be read ({problem}), and your own "
                      f"[review.hook] fail_closed = true stands — fix it, or skip the review once with {SKIP_VARIABLE}=1")
        return EXIT_FAILURE
    console.warning(f"llmdev: {name} skipped, commit allowed: {problem}")
    return EXIT_OK


def exit_status(code: int) -> int:
    """Blocking (EXIT_FAILURE) as the status our hook script asked for, so that it can tell
    llmdev's verdict from a failure to start llmdev at all (which lets the commit through)."""
    from llmdev.hooks.install import BLOCKED_VARIABLE

    wanted = os.environ.get(BLOCKED_VARIABLE, "")
    return int(wanted) if code == EXIT_FAILURE and wanted.isdigit() else code


def _could_not_review(repo: "Repository", config: "LoadedConfig", reason: str) -> int:
    if fail_closed(config):
        console.error(f"llmdev: commit blocked: the review could not run ({reason}) — "
                      f"fix it, or skip the review once with {SKIP_VARIABLE}=1 or `git commit --no-verify`")
        return EXIT_FAILURE
    record_skip(repo, "pre-commit", reason)
    console.warning(f"llmdev: review skipped, commit allowed: {reason} (set [review.hook] fail_closed = true to block instead)")
    return EXIT_OK


def _report(result: "ReviewResult", block_on: str) -> int:
    from llmdev.review.formats.text import render_compact

    text = render_compact(result)
    for line in text.splitlines():
        console.info(f"llmdev: {line}")
    blocking = result.failing(block_on)
    if not blocking:
        return EXIT_OK
    console.error(f"llmdev: commit blocked by {len(blocking)} finding(s) at or above {block_on} — fix them, "
                  f"or commit anyway with {SKIP_VARIABLE}=1 or `git commit --no-verify`")
    return EXIT_FAILURE


def run_pre_commit(repo: "Repository", config: "LoadedConfig") -> int:
    """Review exactly the staged snapshot; block only at or above [review.hook] block_on."""
    from llmdev.repo.diffs import has_staged_changes

    if skipped_by_env():
        console.info(f"llmdev: review skipped ({SKIP_VARIABLE}=1)")
        return EXIT_OK
    if not has_staged_changes(repo):
        return EXIT_OK
    config = hook_config(config)
    hook = config.settings.review.hook
    try:
        result = call_with_deadline(lambda: _review_staged(repo, config), hook.timeout + 5)
    except LlmdevError as exc:
        return _could_not_review(repo, config, exc.message)
    except Exception as exc:  # a bug in llmdev must not hold commits hostage
        return _could_not_review(repo, config, f"internal error: {type(exc).__name__}: {exc}")
    return _report(result, hook.block_on)


def _has_message(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return any(line.strip() and not line.startswith("#") for line in text.splitlines())


def run_prepare_commit_msg(repo: "Repository", config: "LoadedConfig", message_file: Path, source: str | None) -> int:
    """Fill in a commit message when the user gave none; never blocks the commit."""
    from llmdev.hooks.message import prepare_message, write_message

    source = source or os.environ.get("PRE_COMMIT_COMMIT_MSG_SOURCE") or None
    if skipped_by_env() or source in GIVEN_MESSAGE_SOURCES or _has_message(message_file):
        return EXIT_OK
    config = hook_config(config)
    try:
        message = call_with_deadline(lambda: write_message(prepare_message(repo, config), config), config.settings.review.hook.timeout + 5)
    except Exception as exc:  # writing a message is a convenience: never stop the commit over it
        reason = exc.message if isinstance(exc, LlmdevError) else f"internal error: {type(exc).__name__}: {exc}"
        record_skip(repo, "prepare-commit-msg", reason)
        console.warning(f"llmdev: no commit message written: {reason}")
        return EXIT_OK
    existing = message_file.read_text(encoding="utf-8", errors="replace") if message_file.exists() else ""
    message_file.write_text(message + ("\n" + existing if existing.strip() else ""), encoding="utf-8")
    return EXIT_OK
