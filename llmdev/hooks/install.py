"""Install, remove and inspect llmdev's git hooks, keeping any hook that was there before."""

from __future__ import annotations

import os
import shlex
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from llmdev.errors import UsageError

if TYPE_CHECKING:
    from llmdev.repo.discovery import Repository

MARKER = "# llmdev-managed-hook"
CHAIN_SUFFIX = ".llmdev-chained"
HOOK_NAMES = ("pre-commit", "prepare-commit-msg")

BLOCKED_STATUS = 10  # what `llmdev hook run` exits with, under our script, to block the commit
BLOCKED_VARIABLE = "LLMDEV_HOOK_BLOCKED_STATUS"

# Any other outcome of starting llmdev (interpreter gone, `No module named llmdev`, a crash before the
# review, a usage error) lets the commit through with a warning: only llmdev's own verdict blocks.
SCRIPT = """#!/bin/sh
{marker} v2: written by `llmdev hook install`; `llmdev hook uninstall` removes it.
# A hook that was here before is kept as {name}{suffix} and runs first.
# Skip llmdev for one commit with LLMDEV_SKIP=1, or everything with `git commit --no-verify`.
chained="$(dirname "$0")/{name}{suffix}"
if [ -x "$chained" ]; then
  "$chained" "$@" || exit $?
fi
python={python}
if [ -n "$python" ] && [ -x "$python" ]; then
  {variable}={blocked} "$python" -m llmdev hook run {name} "$@"
elif command -v llmdev >/dev/null 2>&1; then
  {variable}={blocked} llmdev hook run {name} "$@"
else
  echo "llmdev: not found (was ${{python:-llmdev on PATH}}); {name} review skipped, commit allowed. Reinstall llmdev, then run \\`llmdev hook install\\`." >&2
  exit 0
fi
status=$?
if [ "$status" -eq 0 ]; then
  exit 0
elif [ "$status" -eq {blocked} ]; then
  exit 1
fi
echo "llmdev: could not run (exit status $status); {name} review skipped, commit allowed. Check \\`llmdev doctor\\`, or reinstall llmdev." >&2
exit 0
"""


@dataclass(frozen=True)
class HookState:
    name: str
    path: Path
    installed: bool  # our script is in place
    foreign: bool  # another program's hook is in place
    chained: Path | None  # the earlier hook ours runs first


def hooks_dir(repo: "Repository") -> Path:
    """Where git looks for hooks: core.hooksPath (relative to the work tree root) or the common git dir."""
    configured = repo.git("config", "--get", "core.hooksPath").strip() if repo.git_ok("config", "--get", "core.hooksPath") else ""
    if configured:
        path = Path(os.path.expanduser(configured))
        return path if path.is_absolute() else repo.root / path
    return repo.common_dir / "hooks"


def _is_ours(path: Path) -> bool:
    try:
        return path.is_file() and MARKER in path.read_text(encoding="utf-8", errors="replace")[:400]
    except OSError:
        return False


def hook_state(repo: "Repository", name: str) -> HookState:
    path = hooks_dir(repo) / name
    chained = path.with_name(name + CHAIN_SUFFIX)
    exists = path.exists() or path.is_symlink()
    ours = _is_ours(path)
    return HookState(name, path, ours, exists and not ours, chained if chained.exists() else None)


def _script(name: str, portable: bool = False) -> str:
    """The hook; a portable one names no path of this machine and runs `llmdev` from PATH."""
    python = "''" if portable else shlex.quote(Path(sys.executable).as_posix())
    return SCRIPT.format(marker=MARKER, name=name, suffix=CHAIN_SUFFIX, python=python, variable=BLOCKED_VARIABLE,
                         blocked=BLOCKED_STATUS)


def _inside(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents


def shared_reason(repo: "Repository", hook: Path) -> str | None:
    """Why a hook's directory belongs to everyone who clones the repository, or None when it is this clone's own."""
    directory, root = hook.parent.resolve(), repo.root.resolve()
    if not _inside(directory, root) or any(_inside(directory, d.resolve()) for d in (repo.git_dir, repo.common_dir)):
        return None
    if repo.git("ls-files", "--", f":(literal){directory.relative_to(root).as_posix() or '.'}").strip():
        return "git tracks files in it"
    if not repo.git_ok("check-ignore", "-q", "--no-index", (directory / hook.name).relative_to(root).as_posix()):
        return "it is inside the work tree and not ignored, so what is written there gets committed"
    return None


def _refuse_shared(directory: Path, reason: str) -> UsageError:
    return UsageError(
        f"core.hooksPath points at {directory}, which is shared with everyone who clones this repository ({reason}); "
        "installing would rewrite the team's hooks",
        "install with the pre-commit framework (see docs/review.md), add the hook to the shared directory by hand, "
        "or pass --tracked to write a portable hook there (it runs `llmdev` from PATH, names no path of this machine, "
        "and keeps an existing hook as its chained hook)",
    )


def _write_executable(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def install_hook(repo: "Repository", name: str, force: bool = False, tracked: bool = False) -> list[str]:
    """Put our hook in place; an existing foreign hook is moved aside and chained. Returns what was done.
    A hooks directory shared through git is refused unless `tracked`, and then gets a portable hook."""
    state = hook_state(repo, name)
    reason = shared_reason(repo, state.path)
    if reason is not None and not tracked:
        raise _refuse_shared(state.path.parent, reason)
    state.path.parent.mkdir(parents=True, exist_ok=True)
    done: list[str] = []
    if state.foreign:
        if state.chained is not None and not force:
            raise UsageError(
                f"{state.path} is another program's hook, and {state.chained} (an earlier chained hook) also exists",
                "merge them by hand, or pass --force to keep the current one as the chained hook (the older one is saved as .bak)",
            )
        if state.chained is not None:
            os.replace(state.chained, state.chained.with_name(state.chained.name + ".bak"))
            done.append(f"saved the older chained hook as {state.chained.name}.bak")
        os.replace(state.path, state.path.with_name(name + CHAIN_SUFFIX))
        done.append(f"kept your existing {name} hook: it now runs first, from {name}{CHAIN_SUFFIX}")
    _write_executable(state.path, _script(name, portable=reason is not None))
    done.append(f"{'updated' if state.installed else 'installed'} {state.path}")
    return done


def uninstall_hook(repo: "Repository", name: str) -> list[str]:
    """Remove our hook and put back the one it chained. Returns what was done."""
    state = hook_state(repo, name)
    done: list[str] = []
    if state.foreign:
        done.append(f"left {state.path} alone: it is not llmdev's hook")
        return done
    if state.installed:
        state.path.unlink()
        done.append(f"removed {state.path}")
    if state.chained is not None:
        os.replace(state.chained, state.path)
        done.append(f"restored your earlier {name} hook")
    return done
