"""`llmdev hook`: install, remove and inspect the git hooks; `hook run` is what they call."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from llmdev.commands.common import load

if TYPE_CHECKING:
    from llmdev.repo.discovery import Repository

hook_app = typer.Typer(
    help="Git hooks: review staged changes before each commit (pre-commit), optionally write commit messages.",
    no_args_is_help=True,
)


def _repo(ctx: typer.Context) -> "Repository":
    from llmdev.repo.discovery import open_repository

    return open_repository(load(ctx).repo_root)


def _names(ctx: typer.Context, commit_msg: Optional[bool]) -> list[str]:
    wanted = load(ctx).settings.review.hook.commit_msg if commit_msg is None else commit_msg
    return ["pre-commit", "prepare-commit-msg"] if wanted else ["pre-commit"]


@hook_app.command("install")
def install(
    ctx: typer.Context,
    force: bool = typer.Option(False, "--force", help="Replace an earlier chained hook (it is saved as .bak)."),
    tracked: bool = typer.Option(
        False, "--tracked", help="Allow a core.hooksPath directory that git tracks; the hook written there is portable (llmdev from PATH)."
    ),
    commit_msg: Optional[bool] = typer.Option(
        None, "--commit-msg/--no-commit-msg", help="Also install prepare-commit-msg (default: [review.hook] commit_msg)."
    ),
) -> None:
    """Install the pre-commit hook (respects core.hooksPath); an existing hook is kept and runs first."""
    from llmdev import console
    from llmdev.hooks.install import install_hook

    repo = _repo(ctx)
    for name in _names(ctx, commit_msg):
        for line in install_hook(repo, name, force=force, tracked=tracked):
            console.success(line)
    console.info("skip it once with LLMDEV_SKIP=1 or `git commit --no-verify`; remove it with `llmdev hook uninstall`")


@hook_app.command("uninstall")
def uninstall(ctx: typer.Context) -> None:
    """Remove llmdev's hooks and restore the hooks they chained."""
    from llmdev import console
    from llmdev.hooks.install import HOOK_NAMES, hook_state, uninstall_hook

    repo = _repo(ctx)
    present = [n for n in HOOK_NAMES if hook_state(repo, n).installed or hook_state(repo, n).chained]
    if not present:
        console.info("no llmdev hook is installed")
        return
    for name in present:
        for line in uninstall_hook(repo, name):
            console.success(line)


@hook_app.command("status")
def status(ctx: typer.Context) -> None:
    """Which hooks are installed where, what they chain, and recent skipped reviews."""
    import time

    from llmdev import console
    from llmdev.hooks.install import HOOK_NAMES, hook_state, hooks_dir
    from llmdev.hooks.runtime import fail_closed
    from llmdev.hooks.skips import recent_skips

    repo = _repo(ctx)
    hook = load(ctx).settings.review.hook
    console.print_out(f"hooks directory: {hooks_dir(repo)}\n")
    for name in HOOK_NAMES:
        state = hook_state(repo, name)
        what = "installed" if state.installed else "another program's hook" if state.foreign else "not installed"
        chained = f" (runs {state.chained.name} first)" if state.chained else ""
        console.print_out(f"{name}: {what}{chained}\n")
    mode = "fail closed" if fail_closed(load(ctx)) else "fail open"
    console.print_out(f"blocks at: {hook.block_on}; timeout {hook.timeout:g}s; {mode}\n")
    for skip in recent_skips(repo):
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(skip.time))
        console.print_out(f"skipped {when} ({skip.hook}): {skip.reason}\n")


@hook_app.command("run", hidden=True)
def run(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="pre-commit or prepare-commit-msg"),
    message_file: Optional[Path] = typer.Argument(None),
    source: Optional[str] = typer.Argument(None),
    sha: Optional[str] = typer.Argument(None),
) -> int:
    """What the installed hooks call; also the pre-commit framework's entry point."""
    from llmdev.errors import ConfigError, UsageError
    from llmdev.hooks.runtime import config_unreadable, exit_status, run_pre_commit, run_prepare_commit_msg

    if name not in ("pre-commit", "prepare-commit-msg"):
        raise UsageError(f"unknown hook {name!r}", "llmdev runs as pre-commit or prepare-commit-msg")
    try:
        config = load(ctx)
    except ConfigError as exc:  # a broken config file must not stop every commit, unless the user said so
        return exit_status(config_unreadable(name, str(exc)))
    if name == "pre-commit":
        return exit_status(run_pre_commit(_repo(ctx), config))
    if message_file is None:
        raise UsageError("prepare-commit-msg needs the commit message file", "git passes it; run it from the hook")
    return run_prepare_commit_msg(_repo(ctx), config, message_file, source)


def register(app: typer.Typer) -> None:
    app.add_typer(hook_app, name="hook")
