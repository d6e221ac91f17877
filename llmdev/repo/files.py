"""The files of a repository llmdev may read, each with the git blob SHA of its current content."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from llmdev.repo.discovery import Repository, decode
from llmdev.repo.excludes import builtin_exclusion

IGNORE_FILE = ".llmdevignore"
DEFAULT_MAX_FILE_KB = 1024
SUBMODULE_MODE = "160000"
SYMLINK_MODE = "120000"


@dataclass(frozen=True)
class RepoFile:
    path: str  # posix, relative to the repository root
    blob_sha: str  # git blob id of the current working-tree content
    size: int  # bytes in the working tree


@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str


@dataclass
class FileListing:
    files: list[RepoFile] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)

    def paths(self) -> list[str]:
        return [f.path for f in self.files]

    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)


@dataclass(slots=True)
class _IndexEntry:
    mode: str
    sha: str
    conflicted: bool = False


def literal_pathspecs(paths: Sequence[str]) -> list[str]:
    """Root-relative files or directories as git pathspecs, with no glob magic."""
    specs = [f":(top,literal){p.strip('/')}" for p in paths if p.strip("/") not in ("", ".")]
    return ["--", *specs] if specs else []


def list_files(repo: Repository, paths: Sequence[str] = (), *, settings: Any = None) -> FileListing:
    """Tracked files plus untracked files git does not ignore, less llmdev's exclusions.

    Only names, modes and sizes are checked here; content checks (binary, not UTF-8) happen
    when a file is read (`read_text`, `classify_text`). Deleted tracked files are left out.
    """
    max_bytes, exclude = _file_limits(settings)
    spec = literal_pathspecs(paths)
    staged, untracked, modified = repo.git_parallel(
        ("ls-files", "-s", "-z", *spec),
        ("ls-files", "-o", "--exclude-standard", "-z", *spec),
        ("diff-files", "--name-only", "-z", *spec),
    )
    index = _parse_index(staged)
    dirty = set(decode(modified).split("\0"))
    user_reason = _user_exclusions(repo.root, exclude)
    listing = FileListing()
    to_hash: list[tuple[str, int]] = []
    candidates = [(p, index[p]) for p in index] + [(p, None) for p in decode(untracked).split("\0") if p]
    root = str(repo.root) + os.sep
    for path, entry in candidates:
        reason, size = _check(root, path, entry, max_bytes, user_reason)
        if reason == "":
            continue  # deleted in the working tree
        if reason is not None:
            listing.skipped.append(SkippedFile(_printable(path), reason))
        elif entry is None or entry.conflicted or path in dirty:
            to_hash.append((path, size))
        else:
            listing.files.append(RepoFile(path, entry.sha, size))
    listing.files.extend(_hash_files(repo, to_hash, listing.skipped))
    listing.files.sort(key=lambda f: f.path)
    listing.skipped.sort(key=lambda s: s.path)
    return listing


def _file_limits(settings: Any) -> tuple[int, list[str]]:
    files = getattr(settings, "files", None)
    max_kb = getattr(files, "max_file_kb", DEFAULT_MAX_FILE_KB)
    return max_kb * 1024, list(getattr(files, "exclude", []) or [])


def _parse_index(output: bytes) -> dict[str, _IndexEntry]:
    """`ls-files -s -z` lines: "<mode> <sha> <stage>\\t<path>"."""
    index: dict[str, _IndexEntry] = {}
    for record in decode(output).split("\0"):
        if not record:
            continue
        meta, _, path = record.partition("\t")
        mode, sha, stage = meta.split(" ")
        if stage != "0":
            index[path] = _IndexEntry(mode, sha, conflicted=True)
        else:
            index[path] = _IndexEntry(mode, sha)
    return index


def _check(
    root: str, path: str, entry: _IndexEntry | None, max_bytes: int, user_reason: Callable[[str], str | None]
) -> tuple[str | None, int]:
    """(skip reason or None, size); reason "" means the file is gone from the working tree."""
    if path.endswith("/"):
        return "nested git repository", 0
    if entry is not None and entry.mode == SUBMODULE_MODE:
        return "submodule", 0
    try:
        info = os.lstat(root + path)
    except OSError:
        return "", 0
    if stat.S_ISLNK(info.st_mode):
        return "symlink", 0
    if not stat.S_ISREG(info.st_mode):
        return "", 0
    reason = builtin_exclusion(path) or user_reason(path)
    if reason is None and info.st_size > max_bytes:
        reason = f"larger than {max_bytes // 1024} KB"
    if reason is None and ("\n" in path or not path.isprintable() or (not path.isascii() and _has_surrogates(path))):
        reason = "unusual file name"  # not UTF-8, or control characters: unsafe to print or batch
    return reason, info.st_size


def _printable(path: str) -> str:
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _has_surrogates(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _user_exclusions(root: Path, config_patterns: list[str]) -> Callable[[str], str | None]:
    """A check for `.llmdevignore` and `[files] exclude` (both gitignore syntax)."""
    checks: list[tuple[Any, str]] = []
    ignore_file = root / IGNORE_FILE
    if ignore_file.is_file():
        lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
        checks.append((_gitignore_spec(lines), f"ignored by {IGNORE_FILE}"))
    if config_patterns:
        checks.append((_gitignore_spec(config_patterns), "excluded by [files] exclude"))
    if not checks:
        return lambda path: None

    def reason(path: str) -> str | None:
        for spec, why in checks:
            if spec.match_file(path):
                return why
        return None

    return reason


def _gitignore_spec(lines: list[str]) -> Any:
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _hash_files(repo: Repository, files: list[tuple[str, int]], skipped: list[SkippedFile]) -> list[RepoFile]:
    """Blob SHAs of working-tree files, hashed by git (so clean filters such as autocrlf apply)."""
    if not files:
        return []
    out = repo.git_bytes("hash-object", "--stdin-paths", input="".join(p + "\n" for p, _ in files).encode("utf-8", "surrogateescape"), check=False)
    shas = decode(out).split()
    if len(shas) != len(files):  # a file vanished or became unreadable meanwhile: hash one by one
        return _hash_one_by_one(repo, files, skipped)
    return [RepoFile(path, sha, size) for (path, size), sha in zip(files, shas)]


def _hash_one_by_one(repo: Repository, files: list[tuple[str, int]], skipped: list[SkippedFile]) -> list[RepoFile]:
    hashed = []
    for path, size in files:
        sha = decode(repo.git_bytes("hash-object", "--", path, check=False)).strip()
        if sha:
            hashed.append(RepoFile(path, sha, size))
        elif os.path.lexists(repo.root / path):
            skipped.append(SkippedFile(path, "unreadable"))
    return hashed


def read_blobs(repo: Repository, shas: Sequence[str]) -> dict[str, bytes | None]:
    """Blobs by object id, all with one `git cat-file --batch`; None for an id that is not a blob here."""
    wanted = list(dict.fromkeys(s for s in shas if s and s.isalnum()))
    if not wanted:
        return {}
    out = repo.git_bytes("cat-file", "--batch", input="".join(s + "\n" for s in wanted).encode("ascii"), check=False)
    found: dict[str, bytes | None] = dict.fromkeys(wanted)
    pos = 0
    for sha in wanted:
        end = out.find(b"\n", pos)
        if end < 0:
            break
        header = out[pos:end].split(b" ")
        pos = end + 1
        if len(header) == 3 and header[2].isdigit():  # "<id> <type> <size>", else "<id> missing"
            size = int(header[2])
            if header[1] == b"blob":
                found[sha] = out[pos : pos + size]
            pos += size + 1  # the content and its newline
    return found


def blob_id(data: bytes, length: int = 40) -> str:
    """The git object id `data` has as a blob: SHA-1, or SHA-256 for 64-digit ids."""
    import hashlib

    digest = hashlib.sha256 if length == 64 else hashlib.sha1
    return digest(b"blob %d\0" % len(data) + data).hexdigest()


def classify_text(data: bytes) -> str | None:
    """None when `data` is usable text, else why not: "binary" (a NUL byte) or "not UTF-8"."""
    if b"\0" in data:
        return "binary"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    return None


def decode_text(data: bytes | None) -> str | None:
    """`data` as text, or None when it is missing, binary or not UTF-8 (decoded once)."""
    if data is None or b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def read_text(repo: Repository, path: str) -> str | None:
    """The working-tree text of `path` (line endings kept), or None if missing, binary or not UTF-8."""
    try:
        return decode_text((repo.root / path).read_bytes())
    except OSError:
        return None
