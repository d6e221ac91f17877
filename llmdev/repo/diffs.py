"""Diffs between HEAD, the index, the working tree and any revisions, as data."""

from __future__ import annotations

from typing import Sequence

from llmdev.errors import UsageError
from llmdev.repo.diff_parse import build_file_diff, pair_sections, parse_patch, split_raw
from llmdev.repo.diff_types import DiffLine, DiffSpec, FileDiff, Hunk, diff_text, file_diff_text
from llmdev.repo.discovery import Repository
from llmdev.repo.files import DEFAULT_MAX_FILE_KB, literal_pathspecs, read_inside

__all__ = [
    "DiffLine", "DiffSpec", "FileDiff", "Hunk", "diff_text", "file_diff_text", "parse_spec", "get_diff",
    "staged_diff", "worktree_diff", "file_at", "files_at", "has_staged_changes",
]

# Pinned so that a user's diff.* settings (noprefix, mnemonicPrefix, external tools, textconv,
# suppressBlankEmpty) cannot change what we parse.
DIFF_OPTIONS = (
    "-c", "diff.noprefix=false", "-c", "diff.mnemonicPrefix=false", "-c", "diff.suppressBlankEmpty=false",
    "diff", "--raw", "-p", "-z", "--no-color", "--no-ext-diff", "--no-textconv", "-M", "--full-index",
    "--no-abbrev", "--src-prefix=a/", "--dst-prefix=b/", "--submodule=short",
)
OBJECT_TYPES = (b"blob", b"tree", b"commit", b"tag")
REVISION_HINT = "check the name with `git log --oneline` or `git branch -a`"


def parse_spec(
    repo: Repository, *, staged: bool = False, commit: str | None = None, range_: str | None = None, base: str | None = None
) -> DiffSpec:
    """What to diff, from command-line choices (at most one). With none: the staged changes
    if anything is staged, else the working tree against HEAD."""
    chosen = [name for name, value in (("--staged", staged), ("--commit", commit), ("--range", range_), ("--base", base)) if value]
    if len(chosen) > 1:
        raise UsageError(f"{' and '.join(chosen)} cannot be combined", "choose one thing to compare")
    head = repo.head_or_empty_tree()
    if commit:
        return _commit_spec(repo, commit)
    if range_:
        return _range_spec(repo, range_)
    if base:
        return _merge_base_spec(repo, base, "HEAD", label=f"{base}...HEAD")
    if staged or has_staged_changes(repo):
        return DiffSpec("staged", head, None)
    return DiffSpec("worktree", head, None)


def has_staged_changes(repo: Repository) -> bool:
    """Whether the index differs from HEAD (from the empty tree before the first commit)."""
    return not repo.git_ok("diff-index", "--cached", "--quiet", repo.head_or_empty_tree(), "--")


def resolve(repo: Repository, rev: str) -> str:
    """The commit a revision names; a UsageError if it names none."""
    if not rev or rev.startswith("-"):
        raise UsageError(f"not a revision: {rev!r}", REVISION_HINT)
    out = repo.git_bytes("rev-parse", "--verify", "-q", f"{rev}^{{commit}}", check=False)
    if not out.strip():
        raise UsageError(f"unknown revision: {rev}", REVISION_HINT)
    return out.decode("ascii").strip()


def _commit_spec(repo: Repository, rev: str) -> DiffSpec:
    sha = resolve(repo, rev)
    parents = repo.git("rev-list", "--parents", "-n", "1", sha).split()[1:]
    return DiffSpec("commit", parents[0] if parents else repo.empty_tree(), sha, label=rev)


def _range_spec(repo: Repository, text: str) -> DiffSpec:
    if "..." in text:
        left, _, right = text.partition("...")
        return _merge_base_spec(repo, left or "HEAD", right or "HEAD", label=text)
    if ".." not in text:
        raise UsageError(f"not a range: {text}", "write A..B (from A to B) or A...B (B since it forked from A)")
    left, _, right = text.partition("..")
    return DiffSpec("range", resolve(repo, left or "HEAD"), resolve(repo, right or "HEAD"), label=text)


def _merge_base_spec(repo: Repository, left: str, right: str, *, label: str) -> DiffSpec:
    left_sha, right_sha = resolve(repo, left), resolve(repo, right)
    base = repo.git_bytes("merge-base", left_sha, right_sha, check=False).decode("ascii").strip()
    if not base:
        raise UsageError(f"{left} and {right} have no common ancestor", "compare them with a two-dot range A..B")
    return DiffSpec("merge-base", base, right_sha, label=label)


def get_diff(
    repo: Repository, spec: DiffSpec, paths: Sequence[str] = (), *, context_lines: int = 3, max_kb: int = DEFAULT_MAX_FILE_KB
) -> list[FileDiff]:
    """The files `spec` changes (limited to `paths`), with hunks; files whose diff cannot or
    should not be shown (binary, submodule, not UTF-8, larger than `max_kb`) have a skipped_reason."""
    old = spec.old or repo.head_or_empty_tree()
    args: list[str] = [*DIFF_OPTIONS, f"-U{max(0, context_lines)}"]
    if spec.kind == "staged":
        args += ["--cached", old]
    elif spec.kind == "worktree":
        args += [old]
    else:
        args += [old, spec.new or "HEAD"]
    spec_args = literal_pathspecs(paths)
    output = repo.git_bytes(*args, *(spec_args or ["--"]))
    records, patch = split_raw(output)
    paired = pair_sections(records, parse_patch(patch))
    return [build_file_diff(record, sections, max_kb * 1024) for record, sections in zip(records, paired)]


def staged_diff(repo: Repository, paths: Sequence[str] = ()) -> list[FileDiff]:
    """The index against HEAD (against the empty tree when there are no commits)."""
    return get_diff(repo, DiffSpec("staged", repo.head_or_empty_tree(), None), paths)


def worktree_diff(repo: Repository, paths: Sequence[str] = ()) -> list[FileDiff]:
    """The working tree against HEAD, staged and unstaged changes together; untracked files are not included."""
    return get_diff(repo, DiffSpec("worktree", repo.head_or_empty_tree(), None), paths)


def file_at(repo: Repository, rev: str | None, path: str) -> bytes | None:
    """A file's bytes: rev None = working tree (`read_inside`: only inside it), ":" = index, else any
    revision. None if absent there."""
    if rev is None:
        return read_inside(repo.root, path)
    if "\n" in path:
        return None  # cannot be named in a batch query; git tracks such names only in theory
    data = _read_blobs(repo, rev, [path])[path]
    if data is None and rev != ":":
        resolve(repo, rev)  # a UsageError when the revision itself is unknown
    return data


def files_at(repo: Repository, rev: str | None, paths: Sequence[str]) -> dict[str, bytes | None]:
    """Many files at one revision with a single git process (see `file_at`)."""
    if rev is None:
        return {p: file_at(repo, None, p) for p in paths}
    if rev != ":":
        rev = resolve(repo, rev)
    found = _read_blobs(repo, rev, [p for p in paths if "\n" not in p])
    return {p: found.get(p) for p in paths}


def _read_blobs(repo: Repository, rev: str, paths: Sequence[str]) -> dict[str, bytes | None]:
    """`git cat-file --batch` answers: each path's blob at `rev`, None when absent or not a blob."""
    query = "".join(_object_name(rev, p) + "\n" for p in paths).encode("utf-8", "surrogateescape")
    out = repo.git_bytes("cat-file", "--batch", input=query) if paths else b""
    found: dict[str, bytes | None] = {}
    pos = 0
    for path in paths:
        end = out.index(b"\n", pos)
        header = out[pos:end].split(b" ")
        pos = end + 1
        found[path] = None
        if len(header) == 3 and header[1] in OBJECT_TYPES and header[2].isdigit():
            size = int(header[2])
            if header[1] == b"blob":
                found[path] = out[pos : pos + size]
            pos += size + 1  # the content and its newline
    return found


def _object_name(rev: str, path: str) -> str:
    return f":0:{path}" if rev == ":" else f"{rev}:{path}"


def new_side_rev(spec: DiffSpec) -> str | None:
    """Where the new side of a diff lives: ":" the git index, None the working tree, or a commit."""
    if spec.kind == "staged":
        return ":"
    if spec.kind == "worktree":
        return None
    return spec.new
