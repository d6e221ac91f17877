"""Find the git repository around a directory and run git commands in it."""

from __future__ import annotations

import atexit
import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llmdev.errors import LlmdevError, UsageError

# How long the output of a command begun ahead (`start_git`) stays usable: the working tree may
# change after it, so a later reader runs git again.
STARTED_FRESH_S = 3.0

# Options that make git's output stable whatever the user's config says.
GIT_OPTIONS = ("--no-optional-locks", "-c", "core.quotepath=off", "-c", "color.ui=never")


class GitCommandError(LlmdevError):
    """A git command that failed; the message carries git's own words."""

    def __init__(self, args: tuple[str, ...], returncode: int, stderr: str) -> None:
        detail = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit status {returncode}"
        super().__init__(f"git {' '.join(args[:2])} failed: {detail}", "check the repository with `git status`")
        self.returncode = returncode
        self.stderr = stderr


def run_git(cwd: Path, args: tuple[str, ...], input: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Run git with stable output options; raise GitCommandError on failure when `check`."""
    try:
        done = subprocess.run(
            ["git", *GIT_OPTIONS, *args], cwd=cwd, input=input, capture_output=True, env=_git_env()
        )
    except FileNotFoundError:
        raise UsageError("git is not installed or not on PATH", "install git from https://git-scm.com") from None
    if check and done.returncode != 0:
        raise GitCommandError(args, done.returncode, done.stderr.decode("utf-8", "replace"))
    return done


_started: dict[tuple[Path, tuple[str, ...]], tuple[float, "subprocess.Popen[bytes]"]] = {}
_started_lock = threading.Lock()  # chat completion may list the files from another thread


def start_git(root: Path, *commands: tuple[str, ...]) -> None:
    """Begin read-only git commands in `root` now, so that git works while Python does something
    else (imports, loads the configuration). The next `Repository.git_parallel` of that work tree
    with the same arguments takes a command's output if it asks within STARTED_FRESH_S; commands
    nobody took are stopped when llmdev exits."""
    with _started_lock:
        atexit.unregister(_stop_started)  # registered once, however often commands are begun
        atexit.register(_stop_started)
        for args in commands:
            if (root, args) not in _started:
                _started[(root, args)] = (time.monotonic(), _popen(root, args))


def _claim(root: Path, args: tuple[str, ...]) -> "subprocess.Popen[bytes] | None":
    with _started_lock:
        began, proc = _started.pop((root, args), (0.0, None))
    if proc is not None and time.monotonic() - began > STARTED_FRESH_S:
        _stop(proc)
        return None
    return proc


def _stop_started() -> None:
    with _started_lock:
        begun = [proc for _, proc in _started.values()]
        _started.clear()
    for proc in begun:
        _stop(proc)


def _stop(proc: "subprocess.Popen[bytes]") -> None:
    proc.kill()
    proc.communicate()


def _popen(root: Path, args: tuple[str, ...]) -> "subprocess.Popen[bytes]":
    try:
        return subprocess.Popen(["git", *GIT_OPTIONS, *args], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_git_env())
    except FileNotFoundError:
        raise UsageError("git is not installed or not on PATH", "install git from https://git-scm.com") from None


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("LC_ALL", "C")
    env["GIT_TERMINAL_PROMPT"] = "0"
    env.pop("GIT_EXTERNAL_DIFF", None)
    return env


def decode(data: bytes) -> str:
    """Git output as text; bytes that are not UTF-8 survive as surrogates (paths round-trip)."""
    return data.decode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class Repository:
    """A git work tree: where it is, where its git data lives, and a way to run git in it."""

    root: Path
    git_dir: Path
    common_dir: Path
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False, hash=False)

    def git(self, *args: str, input: str | None = None) -> str:
        """Run `git ARGS` in the work tree root and return its stdout."""
        data = None if input is None else input.encode("utf-8", "surrogateescape")
        return decode(run_git(self.root, args, data).stdout)

    def git_bytes(self, *args: str, input: bytes | None = None, check: bool = True) -> bytes:
        """Like `git`, but bytes in and out; with check=False a failure returns b""."""
        done = run_git(self.root, args, input, check)
        return done.stdout if done.returncode == 0 else b""

    def git_parallel(self, *commands: tuple[str, ...]) -> list[bytes]:
        """Run several read-only git commands at once; their stdouts in order. A command begun by
        `start_git` a moment ago is waited for instead of run again."""
        procs = [_claim(self.root, args) or _popen(self.root, args) for args in commands]
        outputs = []
        for args, proc in zip(commands, procs):
            out, err = proc.communicate()
            if proc.returncode != 0:
                raise GitCommandError(args, proc.returncode, decode(err))
            outputs.append(out)
        return outputs

    def start_git(self, *commands: tuple[str, ...]) -> None:
        """Begin read-only git commands now (the module's `start_git`)."""
        start_git(self.root, *commands)

    def git_ok(self, *args: str) -> bool:
        """Whether `git ARGS` exits 0 (for questions such as `rev-parse --verify`)."""
        return run_git(self.root, args, check=False).returncode == 0

    def head_sha(self) -> str | None:
        """The commit HEAD points at, or None before the first commit. Read from git's files when
        HEAD is a plain branch or a detached commit (a git process costs 20-40 ms); asked of git
        in every other case (unborn branch, reftable, symbolic refs, anything unexpected)."""
        found = head_from_files(self.git_dir, self.common_dir)
        if found is not None:
            return found
        done = run_git(self.root, ("rev-parse", "--verify", "-q", "HEAD^{commit}"), check=False)
        if done.returncode != 0:
            return None
        return decode(done.stdout).strip() or None

    def has_commits(self) -> bool:
        return self.head_sha() is not None

    def empty_tree(self) -> str:
        """The id of the empty tree (differs between SHA-1 and SHA-256 repositories)."""
        if "empty_tree" not in self._cache:
            self._cache["empty_tree"] = self.git("hash-object", "-t", "tree", "--stdin", input="").strip()
        return self._cache["empty_tree"]

    def head_or_empty_tree(self) -> str:
        """HEAD's commit, or the empty tree when nothing is committed yet."""
        return self.head_sha() or self.empty_tree()

    def relative(self, path: str | os.PathLike[str], cwd: Path | None = None) -> str:
        """A path given on the command line (relative to `cwd`) as a posix path relative to root."""
        absolute = Path(os.path.abspath(Path(cwd or Path.cwd()) / path))
        try:
            rel = absolute.relative_to(self.root)
        except ValueError:
            raise UsageError(f"{path} is outside the repository {self.root}", "give a path inside the repository") from None
        text = rel.as_posix()
        return "" if text == "." else text


def _object_id(text: str) -> bool:
    return len(text) in (40, 64) and all(c in "0123456789abcdef" for c in text)


def head_from_files(git_dir: Path, common_dir: Path) -> str | None:
    """HEAD's commit id from HEAD, the branch's loose ref or packed-refs, or None when that is not
    certain (git must be asked): anything but a detached id or `ref: refs/heads/…` with a plain id."""
    try:
        head = (git_dir / "HEAD").read_text("ascii").strip()
        if _object_id(head):
            return head
        ref = head.removeprefix("ref: ")
        if ref == head or not ref.startswith("refs/heads/") or (common_dir / "reftable").exists():
            return None
        if any(part in ("", ".", "..") for part in ref.split("/")):
            return None  # not a name git accepts: git says what HEAD is (nothing), no file outside refs is read
        loose = common_dir / ref
        if loose.is_file():
            text = loose.read_text("ascii").strip()
            return text if _object_id(text) else None
        for line in (common_dir / "packed-refs").read_text("ascii").splitlines():
            sha, _, name = line.partition(" ")
            if name == ref:
                return sha if _object_id(sha) else None
    except (OSError, UnicodeError):
        pass
    return None


def open_repository(start: Path | None = None) -> Repository:
    """The repository containing `start` (default: the current directory), from any subdirectory."""
    here = Path(start or Path.cwd()).resolve()
    if not here.exists():
        raise UsageError(f"not inside a git repository: {here} (no such directory)", "cd into a repository or run `git init`")
    if here.is_file():
        here = here.parent
    done = run_git(here, ("rev-parse", "--show-toplevel", "--absolute-git-dir", "--git-common-dir"), check=False)
    lines = decode(done.stdout).splitlines()
    if done.returncode != 0 or len(lines) != 3 or not lines[0]:
        raise _not_a_work_tree(here)
    root, git_dir, common = lines
    common_dir = Path(common) if os.path.isabs(common) else here / common
    return Repository(root=Path(root).resolve(), git_dir=Path(git_dir).resolve(), common_dir=common_dir.resolve())


def _not_a_work_tree(here: Path) -> UsageError:
    """Why `here` has no work tree: a bare repository, inside a .git folder, or no repository at all."""
    done = run_git(here, ("rev-parse", "--is-bare-repository", "--is-inside-git-dir"), check=False)
    bare, inside_git_dir = (decode(done.stdout).split() + ["", ""])[:2]
    if done.returncode == 0 and bare == "true":
        return UsageError(
            f"{here} is a bare git repository: it has no work tree to read files from",
            f"run llmdev in a clone (`git clone {here} DIR`) or a worktree (`git -C {here} worktree add DIR`)",
        )
    if done.returncode == 0 and inside_git_dir == "true":
        return UsageError(f"{here} is inside a repository's git folder, not its work tree", "cd into the work tree")
    return UsageError(f"not inside a git repository: {here}", "cd into a repository or run `git init`")
