"""Installing the hooks: core.hooksPath, chaining an existing hook, restoring it."""

from __future__ import annotations

import os

import pytest

from llmdev.errors import UsageError
from llmdev.hooks.install import CHAIN_SUFFIX, MARKER, hook_state, hooks_dir, install_hook, uninstall_hook
from llmdev.repo.discovery import open_repository
from tests.review.support import GitRepo

OTHER_HOOK = "#!/bin/sh\necho other hook ran\n"


def test_install_writes_an_executable_hook_in_the_git_dir(project: GitRepo) -> None:
    repo = open_repository(project.root)
    done = install_hook(repo, "pre-commit")
    path = project.root / ".git" / "hooks" / "pre-commit"
    assert done == [f"installed {path}"]
    assert MARKER in path.read_text() and os.access(path, os.X_OK)
    assert "-m llmdev hook run pre-commit" in path.read_text()
    state = hook_state(repo, "pre-commit")
    assert state.installed and not state.foreign and state.chained is None
    assert install_hook(repo, "pre-commit") == [f"updated {path}"]  # idempotent


def test_core_hooks_path_is_respected(project: GitRepo) -> None:
    project.git("config", "core.hooksPath", ".githooks")
    (project.root / ".git" / "info" / "exclude").write_text(".githooks/\n")  # this clone's own, not shared
    repo = open_repository(project.root)
    assert hooks_dir(repo) == project.root / ".githooks"
    install_hook(repo, "pre-commit")
    assert MARKER in (project.root / ".githooks" / "pre-commit").read_text()
    assert not (project.root / ".git" / "hooks" / "pre-commit").exists()


def test_an_existing_hook_is_chained_and_restored(project: GitRepo) -> None:
    repo = open_repository(project.root)
    original = project.root / ".git" / "hooks" / "pre-commit"
    original.write_text(OTHER_HOOK)
    original.chmod(0o755)
    done = install_hook(repo, "pre-commit")
    assert "kept your existing pre-commit hook" in done[0]
    chained = original.with_name("pre-commit" + CHAIN_SUFFIX)
    assert chained.read_text() == OTHER_HOOK and os.access(chained, os.X_OK)
    assert hook_state(repo, "pre-commit").chained == chained
    assert uninstall_hook(repo, "pre-commit") == [f"removed {original}", "restored your earlier pre-commit hook"]
    assert original.read_text() == OTHER_HOOK and not chained.exists()


def test_a_second_foreign_hook_needs_force(project: GitRepo) -> None:
    repo = open_repository(project.root)
    hooks = project.root / ".git" / "hooks"
    (hooks / "pre-commit").write_text(OTHER_HOOK)
    install_hook(repo, "pre-commit")
    (hooks / "pre-commit").write_text("#!/bin/sh\necho a newer tool replaced llmdev\n")  # another tool overwrote ours
    with pytest.raises(UsageError, match="also exists"):
        install_hook(repo, "pre-commit")
    install_hook(repo, "pre-commit", force=True)
    assert (hooks / ("pre-commit" + CHAIN_SUFFIX)).read_text().endswith("replaced llmdev\n")
    assert (hooks / ("pre-commit" + CHAIN_SUFFIX + ".bak")).read_text() == OTHER_HOOK


def test_uninstall_leaves_foreign_hooks_alone(project: GitRepo) -> None:
    repo = open_repository(project.root)
    hook = project.root / ".git" / "hooks" / "pre-commit"
    hook.write_text(OTHER_HOOK)
    assert uninstall_hook(repo, "pre-commit") == [f"left {hook} alone: it is not llmdev's hook"]
    assert hook.read_text() == OTHER_HOOK
