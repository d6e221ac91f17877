"""Hostile model answers against `llmdev gen --yes`, end to end: a real git repository, the scripted
Ollama server, the real CLI. Each attack must be refused (exit status 1, the block and the reason
named on stderr, no feedback round) and leave every byte under the test's folder as it was: the
work tree, its .git, nested repositories, and the folder next to the repository."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from llmdev.cli import run
from tests.edits.scratch import git, make_repo, tree_digest, write_files

CALC = "def add(a, b):\n    return a - b\n"
FILES = {
    "calc.py": CALC,
    "app/a.py": "A = 1\n",
    "app/b.py": "B = 1\n",
    "docs/guide.rst": "Install\n=======\n\nRun pip install calc.\n",
}
GOOD_BLOCK = "calc.py\n<<<<<<< SEARCH\n    return a - b\n=======\n    return a + b\n>>>>>>> REPLACE\n"
FSMONITOR = "[core]\n\tfsmonitor = touch pwned"


def block(path: str, search: str, replace: str) -> str:
    return f"{path}\n<<<<<<< SEARCH\n{search}\n=======\n{replace}\n>>>>>>> REPLACE\n"


def create(path: str, text: str = "#!/bin/sh\ntouch pwned\n") -> str:
    return f"{path}\n<<<<<<< SEARCH\n=======\n{text}>>>>>>> REPLACE\n"


def symlink(name: str, target: str) -> Callable[[Path], None]:
    return lambda root: (root / name).symlink_to(target)


def nested_repo(root: Path) -> None:
    make_repo(root / "nested", {"n.txt": "n\n"})


def hook_in_git(root: Path) -> None:
    write_files(root, {".git/hooks/pre-commit": "#!/bin/sh\nexit 0\n"})
    (root / "hook.sh").symlink_to(".git/hooks/pre-commit")


def worktree(root: Path) -> None:
    git(root, "worktree", "add", "-q", "wt")


def gitfile_elsewhere(root: Path) -> None:
    """A .git file pointing at a git directory inside the work tree under another name."""
    make_repo(root / "store" / "lib", {"x": "x\n"})
    os.rename(root / "store" / "lib" / ".git", root / "store" / "libgit")
    (root / "store" / "lib" / ".git").write_text("gitdir: ../libgit\n")


def tracked_hooks_path(root: Path) -> None:
    write_files(root, {".githooks/pre-commit": "#!/bin/sh\nexit 0\n"})
    git(root, "config", "core.hooksPath", ".githooks")
    git(root, "add", ".githooks")
    git(root, "commit", "-q", "-m", "hooks")


def planted_bare_repo(root: Path) -> None:
    git(root, "init", "-q", "--bare", "evil")


def outside_link(root: Path) -> None:
    (root / "link.txt").symlink_to(root.parent / "outside" / "secret.txt")


@dataclass(frozen=True)
class Attack:
    name: str
    reply: str
    reason: str  # words the refusal must show
    setup: Callable[[Path], None] | None = None
    block: int = 1


ATTACKS = [
    Attack("symlink gitdir -> .git, core.fsmonitor", block("gitdir/config", "[core]", FSMONITOR), "inside a .git directory", symlink("gitdir", ".git")),
    Attack("symlink hookdir -> .git/hooks, new hook", create("hookdir/pre-commit"), "inside a .git directory", symlink("hookdir", ".git/hooks")),
    Attack("symlink to an existing hook", block("hook.sh", "exit 0", "touch pwned"), "inside a .git directory", hook_in_git),
    Attack("nested repository's config", block("nested/.git/config", "[core]", FSMONITOR), "never edited", nested_repo),
    Attack("symlink into a nested repository's .git", block("n/config", "[core]", FSMONITOR), "inside a .git directory",
           lambda root: (nested_repo(root), (root / "n").symlink_to("nested/.git"))),
    Attack(".git/config spelled plainly", block(".git/config", "[core]", FSMONITOR), "never edited"),
    Attack(".GIT in capitals", block(".GIT/config", "[core]", FSMONITOR), "never edited"),
    Attack(".Git hook created", create(".Git/hooks/pre-commit"), "never edited"),
    Attack("fullwidth look-alike of .git", block("\uff0egit/config", "[core]", FSMONITOR), "never edited"),
    Attack("zero-width space inside .git", create(".g\u200bit/hooks/pre-commit"), "never edited"),
    Attack("trailing dot .git.", create(".git./hooks/pre-commit"), "never edited"),
    Attack("8.3 short name GIT~1", create("GIT~1/hooks/pre-commit"), "never edited"),
    Attack("dot-dot out of the work tree", create("../outside/new.txt", "x\n"), "'..' are refused"),
    Attack("dot-dot through a folder", create("app/../../outside/new.txt", "x\n"), "'..' are refused"),
    Attack("absolute path", create("{outside}/abs.txt", "x\n"), "absolute paths are refused"),
    Attack("symlinked folder out of the tree", create("out/evil.txt", "x\n"), "outside the work tree", symlink("out", "../outside")),
    Attack("symlinked file out of the tree", block("link.txt", "secret", "stolen"), "outside the work tree", outside_link),
    Attack("a worktree's .git file", block("wt/.git", "gitdir", "gitdir: /tmp"), "never edited", worktree),
    Attack("a .git file's git directory under another name", block("store/libgit/config", "[core]", FSMONITOR), "git repository's own directory", gitfile_elsewhere),
    Attack("tracked core.hooksPath", block(".githooks/pre-commit", "exit 0", "touch pwned"), "hooks", tracked_hooks_path),
    Attack("bare repository planted in the tree", block("evil/config", "[core]", FSMONITOR), "git repository's own directory", planted_bare_repo),
    Attack("good block, then one into .git: nothing written", GOOD_BLOCK + "\n" + create(".git/hooks/post-checkout"), "never edited", block=2),
    Attack("backticked .git path", "`.git/hooks/pre-push`\n<<<<<<< SEARCH\n=======\n#!/bin/sh\n>>>>>>> REPLACE\n", "never edited"),
    Attack("fence title into .git", '```sh title=".git/hooks/pre-push"\n<<<<<<< SEARCH\n=======\n#!/bin/sh\n>>>>>>> REPLACE\n```\n', "never edited"),
    Attack("whole-file answer through a symlink into .git", "gitdir/config\n```\n" + FSMONITOR + "\n```\n", "inside a .git directory", symlink("gitdir", ".git")),
    Attack("block without a path after a good one", GOOD_BLOCK + "\nand also:\n<<<<<<< SEARCH\nA = 1\n=======\nA = 2\n>>>>>>> REPLACE\n", "no file path", block=2),
    Attack("path only in prose above", "As already done in `app/a.py`:\n<<<<<<< SEARCH\nA = 1\n=======\nA = 2\n>>>>>>> REPLACE\n", "no file path"),
    Attack("header naming two files", "app/b.py\n```python\n# app/a.py\n<<<<<<< SEARCH\nA = 1\n=======\nA = 2\n>>>>>>> REPLACE\n```\n", "more than one file"),
    Attack("unclosed block", GOOD_BLOCK + "\ncalc.py\n<<<<<<< SEARCH\ndef add(a, b):\n=======\n", "not closed", block=2),
    Attack("a second SEARCH marker inside a block", "calc.py\n<<<<<<< SEARCH\nx\n<<<<<<< SEARCH\n=======\ny\n>>>>>>> REPLACE\n", "second SEARCH marker"),
    Attack("stray REPLACE marker", GOOD_BLOCK + ">>>>>>> REPLACE\n", "has no SEARCH marker", block=2),
    Attack("doubled divider then REPLACE: empty or '=======' cannot be told", block("docs/guide.rst", "Install", "======="), "cannot be told"),
]


# llmdev's code index (its folder and database files), rewritten by every run's indexer, never by edits
OWN_CACHE = ("proj/.git/llmdev/index.sqlite",)


def digest(top: Path) -> dict[str, str]:
    found = tree_digest(top, OWN_CACHE)
    found.pop("proj/.git/llmdev", None)
    return found


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_attack_is_refused_and_changes_nothing(
    attack: Attack, tmp_path: Path, use_ollama, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(tmp_path / "outside", {"secret.txt": "secret\n"})
    root = make_repo(tmp_path / "proj", FILES)
    if attack.setup is not None:
        attack.setup(root)
    git(root, "status", "--porcelain")  # refresh git's index now, so only llmdev could change it later
    monkeypatch.chdir(root)
    before = digest(tmp_path)
    reply = attack.reply.replace("{outside}", str(tmp_path / "outside"))
    use_ollama.reply(reply, reply)
    code = run(["gen", "--yes", "change it", "calc.py"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert f"block {attack.block}" in err.lower() and attack.reason in err, err
    assert "no file was changed" in err
    assert digest(tmp_path) == before
    assert len(use_ollama.model_requests) == 1  # refused at once: no feedback round



def test_debug_fix_refuses_the_same_way(tmp_path: Path, use_ollama, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo(tmp_path / "proj", FILES)
    (root / "gitdir").symlink_to(".git")
    write_files(tmp_path / "outside", {"failure.log": "Traceback:\n  File \"calc.py\", line 2, in add\nAssertionError\n"})
    git(root, "status", "--porcelain")
    monkeypatch.chdir(root)
    before = digest(tmp_path)
    reply = "The config is wrong.\n\n" + block("gitdir/config", "[core]", FSMONITOR)
    use_ollama.reply(reply, reply)
    assert run(["debug", "--fix", "--yes", "--log", str(tmp_path / "outside" / "failure.log")]) == 1
    err = capsys.readouterr().err
    assert "block 1" in err.lower() and "inside a .git directory" in err
    assert digest(tmp_path) == before


def test_undo_refuses_a_journal_entry_that_points_into_git(tmp_path: Path, use_ollama, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from llmdev.edits.journal import record_change
    from llmdev.edits.plan import FileChange

    root = make_repo(tmp_path / "proj", FILES)
    (root / "gitdir").symlink_to(".git")
    config = (root / ".git" / "config").read_bytes()
    record_change(root / ".git", [FileChange("gitdir/config", b"[core]\n\tfsmonitor = touch pwned\n", config, 0o644)], "planted")
    monkeypatch.chdir(root)
    before = digest(tmp_path)
    assert run(["undo"]) == 1
    assert "refused to write 'gitdir/config'" in capsys.readouterr().err
    assert digest(tmp_path) == before
