"""The files of a repository llmdev may read, each with the git blob SHA of its current content."""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cache
from itertools import repeat
from pathlib import Path
from typing import Any, Callable, NamedTuple, Protocol, Sequence, TypeVar

from llmdev.repo.discovery import Repository, decode, start_git
from llmdev.repo.excludes import builtin_exclusion
from llmdev.repo.gitnames import is_git_name

IGNORE_FILE = ".llmdevignore"
DEFAULT_MAX_FILE_KB = 1024
SUBMODULE_MODE = "160000"
SYMLINK_MODE = "120000"
T = TypeVar("T")
POINTER = b"see:"  # a saved listing row that holds another row's key (a marshalled listing never starts so)


class RepoFile(NamedTuple):
    path: str  # posix, relative to the repository root
    blob_sha: str  # git blob id of the current working-tree content
    size: int  # bytes in the working tree


class SkippedFile(NamedTuple):
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


def uncommitted_paths(repo: Repository, paths: Sequence[str] = (), *, check: bool = True) -> set[str]:
    """The paths (all, or under `paths`) staged, modified or untracked and not ignored, against HEAD;
    a renamed file counts by both its names. With check=False, a git that fails gives none."""
    status = repo.git_bytes("status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all", *literal_pathspecs(paths), check=check)
    return {decode(entry[3:]) for entry in status.split(b"\0") if len(entry) > 3}


class ListingCache(Protocol):
    """Where `list_files` keeps its decisions about tracked files between runs (the index store)."""

    def get_listing(self, key: str) -> bytes | None: ...

    def put_listing(self, key: str, payload: bytes) -> None: ...


@dataclass(frozen=True)
class ExtraRule:
    """One more reason to leave files out (e.g. private paths): `reason(path)` says why, or None;
    `key` names the rule's patterns for the cache."""

    key: str
    reason: Callable[[str], str | None]


def list_files(
    repo: Repository,
    paths: Sequence[str] = (),
    *,
    settings: Any = None,
    cache: ListingCache | None = None,
    extra: ExtraRule | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> FileListing:
    """Tracked files plus untracked files git does not ignore, less llmdev's exclusions.

    Only names, modes and sizes are checked here; content checks (binary, not UTF-8) happen
    when a file is read (`read_text`, `classify_text`). Deleted tracked files are left out.
    With a `cache`, the checks of tracked files git reports unchanged are reused from the last
    run with the same git index and rules: only changed and untracked files are looked at.
    `meanwhile` is called once git's commands are running, for work that does not need them.
    """
    max_bytes, exclude = _file_limits(settings)
    spec = literal_pathspecs(paths)
    always = _changes_commands(spec)
    repo.start_git(*always)  # git walks the tree while the saved decisions are looked up
    saved = _SavedDecisions(cache, repo, _rules_digest(max_bytes, exclude, extra, repo.root)) if cache is not None and not spec else None
    tracked = saved.by_checksum() if saved is not None else None
    # The git index itself is listed only when no decisions were found under its checksum.
    entries = [] if tracked is not None else [("ls-files", "-s", "-z", *spec)]
    repo.start_git(*entries)
    if meanwhile is not None:
        meanwhile()
    untracked, modified, *staged = repo.git_parallel(*always, *entries)
    dirty = set(decode(modified).split("\0"))
    dirty.discard("")
    checker = _Checker(str(repo.root) + os.sep, max_bytes, _user_exclusions(repo.root, exclude, extra))
    if tracked is None:
        tracked = saved.by_entries(staged[0]) if saved is not None else None
    if tracked is None:
        tracked = _TrackedFiles.decide(checker, _parse_index(staged[0]), dirty)
        if saved is not None:
            saved.save(tracked)
    # Files git reports changed are looked at again: their content, type or size may differ.
    listing = tracked.listing(dirty)
    again = [(path, _IndexEntry("100644", sha)) for path, sha, _ in tracked.files_of(dirty)]
    skipped = zip(tracked.skipped_paths, tracked.skipped) if dirty else ()
    again += [(path, _IndexEntry("100644", "")) for path, (_, why) in skipped if path in dirty and why != "submodule"]
    again += [(path, _IndexEntry(mode, sha, conflicted)) for path, mode, sha, conflicted in tracked.pending]
    again += [(p, None) for p in decode(untracked).split("\0") if p]
    to_hash = checker.sort_out(again, dirty, listing)
    if to_hash or again:
        listing.files.extend(_hash_files(repo, to_hash, listing.skipped))
        listing.files.sort()
        listing.skipped.sort()  # by path: no path is skipped twice
    return listing


def start_listing(root: Path) -> None:
    """Begin the git commands a listing of the whole work tree at `root` always runs, for a command
    about to load the index: git walks the tree while Python imports and loads the configuration."""
    start_git(root, *_changes_commands([]))


def _changes_commands(spec: list[str]) -> tuple[tuple[str, ...], ...]:
    """Untracked files git does not ignore, and tracked files whose stat data changed."""
    return ("ls-files", "-o", "--exclude-standard", "-z", *spec), ("diff-files", "--name-only", "-z", *spec)


class _Checker:
    """The name, type and size checks of one listing."""

    def __init__(self, root: str, max_bytes: int, user_reason: Callable[[str], str | None]) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.user_reason = user_reason

    def sort_out(
        self, entries: list[tuple[str, "_IndexEntry | None"]], dirty: set[str], listing: FileListing, raw_skipped: bool = False
    ) -> list[tuple[str, int]]:
        """Put each entry in `listing` (kept or skipped); those whose content must be hashed first
        are returned. Skipped paths are made printable unless `raw_skipped`."""
        to_hash: list[tuple[str, int]] = []
        for path, entry in entries:
            reason, size = _check(self.root, path, entry, self.max_bytes, self.user_reason)
            if reason == "":
                continue  # deleted in the working tree
            if reason is not None:
                listing.skipped.append(SkippedFile(path if raw_skipped else _printable(path), reason))
            elif entry is None or entry.conflicted or path in dirty:
                to_hash.append((path, size))
            else:
                listing.files.append(RepoFile(path, entry.sha, size))
        return to_hash


@dataclass
class _TrackedFiles:
    """What the checks said of each tracked file git reports unchanged, as rows; `pending` are the
    entries looked at again on every run (changed or conflicted when these were decided)."""

    files: list[tuple[str, str, int]] = field(default_factory=list)  # (path, sha, size), sorted
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path as shown, reason): a SkippedFile's fields
    skipped_paths: list[str] = field(default_factory=list)  # the path of each of `skipped`
    pending: list[tuple[str, str, str, bool]] = field(default_factory=list)  # (path, mode, sha, conflicted)

    @classmethod
    def decide(cls, checker: _Checker, index: dict[str, "_IndexEntry"], dirty: set[str]) -> "_TrackedFiles":
        decided = cls()
        unchanged: list[tuple[str, _IndexEntry | None]] = []
        for path, entry in index.items():
            if entry.conflicted or path in dirty:
                decided.pending.append((path, entry.mode, entry.sha, entry.conflicted))
            else:
                unchanged.append((path, entry))
        listing = FileListing()
        checker.sort_out(unchanged, set(), listing, raw_skipped=True)
        listing.files.sort()
        decided.files = [tuple(f) for f in listing.files]  # type: ignore[misc]
        # The shown path is the path itself when printable: one string, saved once.
        decided.skipped = [(s.path if (shown := _printable(s.path)) == s.path else shown, s.reason) for s in listing.skipped]
        decided.skipped_paths = [s.path for s in listing.skipped]
        kept = {f.path for f in listing.files} | {s.path for s in listing.skipped}
        # A file that vanished between git's answer and the check is looked at again next time.
        decided.pending += [(p, e.mode, e.sha, False) for p, e in unchanged if p not in kept and e]
        return decided

    def listing(self, dirty: set[str]) -> FileListing:
        """The decided files and skips, less the files git now reports changed (submodules stay skipped)."""
        if not dirty:  # the usual case: every row as it is
            return FileListing(_rows_as(RepoFile, self.files), _rows_as(SkippedFile, self.skipped))
        return FileListing(
            _rows_as(RepoFile, _without(self.files, dirty)),
            _rows_as(SkippedFile, [row for path, row in zip(self.skipped_paths, self.skipped) if path not in dirty or row[1] == "submodule"]),
        )

    def files_of(self, paths: set[str]) -> list[tuple[str, str, int]]:
        """The rows of `paths` that are among the decided files."""
        return [self.files[at] for at in _positions(self.files, paths)]

    def dumps(self) -> bytes:
        return marshal.dumps((self.files, self.skipped, self.skipped_paths, self.pending))

    @classmethod
    def loads(cls, payload: bytes | None) -> "_TrackedFiles | None":
        if not payload:
            return None
        try:
            files, skipped, skipped_paths, pending = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return None
        return cls(files, skipped, skipped_paths, pending)


def _positions(rows: list[tuple[str, str, int]], paths: set[str]) -> list[int]:
    """Where the rows of `paths` are in `rows` (sorted by path), in order, found by bisection: a few
    changed files among tens of thousands cost a few lookups, not a look at every row."""
    return sorted(at for path in paths if (at := bisect_left(rows, (path,))) < len(rows) and rows[at][0] == path)


def _without(rows: list[tuple[str, str, int]], paths: set[str]) -> list[tuple[str, str, int]]:
    """`rows` (sorted by path) less those of `paths`."""
    kept: list[tuple[str, str, int]] = []
    start = 0
    for at in _positions(rows, paths):
        kept += rows[start:at]
        start = at + 1
    return kept + rows[start:]


def _rows_as(kind: type[T], rows: list[Any]) -> list[T]:
    """Saved rows (tuples of a named tuple's fields) as that named tuple, made without a Python call per row."""
    return list(map(tuple.__new__, repeat(kind), rows))


class _SavedDecisions:
    """The decisions about tracked files kept in a `ListingCache` under the index's entries as
    `ls-files -s` lists them (unchanged when git rewrites the index with fresh stat data), and
    found from the checksum git writes at the end of its index file (read without running git)
    through a small row that names the entries' key."""

    def __init__(self, cache: ListingCache, repo: Repository, rules: bytes) -> None:
        self.cache = cache
        self.rules = rules
        checksum = _index_checksum(repo)
        self.checksum_key = _key(b"checksum\0" + checksum, rules) if checksum is not None else None
        self.entries_key: str | None = None

    def by_checksum(self) -> "_TrackedFiles | None":
        pointer = self.cache.get_listing(self.checksum_key) if self.checksum_key is not None else None
        if pointer is None or not pointer.startswith(POINTER):
            return None
        return _TrackedFiles.loads(self.cache.get_listing(pointer[len(POINTER) :].decode("ascii", "replace")))

    def by_entries(self, staged: bytes) -> "_TrackedFiles | None":
        self.entries_key = _key(b"entries\0" + staged, self.rules)
        tracked = _TrackedFiles.loads(self.cache.get_listing(self.entries_key))
        if tracked is not None:
            self._point()  # found by checksum next time
        return tracked

    def save(self, tracked: "_TrackedFiles") -> None:
        if self.entries_key is not None:
            self.cache.put_listing(self.entries_key, tracked.dumps())
            self._point()

    def _point(self) -> None:
        if self.checksum_key is not None and self.entries_key is not None:
            self.cache.put_listing(self.checksum_key, POINTER + self.entries_key.encode("ascii"))


def _index_checksum(repo: Repository) -> bytes | None:
    """The end of git's index file (its checksum over everything before it) and its size; None when
    git is told to use another index file or writes no checksum (`index.skipHash`)."""
    if os.environ.get("GIT_INDEX_FILE"):
        return None
    try:
        with open(repo.git_dir / "index", "rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            if size < 64:
                return None
            handle.seek(size - 32)
            tail = handle.read(32)
    except OSError:
        return None
    if len(tail) != 32 or tail.endswith(bytes(20)):
        return None
    return tail + b"%d" % size


def _rules_digest(max_bytes: int, exclude: list[str], extra: ExtraRule | None, root: Path) -> bytes:
    """Names the rules the decisions follow (and this version of them)."""
    digest = hashlib.sha256(repr((max_bytes, exclude, extra.key if extra else None)).encode("utf-8", "surrogateescape"))
    for source in (Path(__file__), Path(__file__).with_name("excludes.py"), root / IGNORE_FILE):
        try:
            digest.update(source.read_bytes())
        except OSError:
            digest.update(b"-")
    return digest.digest()


def _key(index: bytes, rules: bytes) -> str:
    return hashlib.sha256(rules + index).hexdigest()


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


def _user_exclusions(root: Path, config_patterns: list[str], extra: ExtraRule | None = None) -> Callable[[str], str | None]:
    """A check for `.llmdevignore`, `[files] exclude` (both gitignore syntax) and `extra`."""
    checks: list[Callable[[str], str | None]] = []
    ignore_file = root / IGNORE_FILE
    if ignore_file.is_file():
        lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
        checks.append(_spec_check(lines, f"ignored by {IGNORE_FILE}"))
    if config_patterns:
        checks.append(_spec_check(config_patterns, "excluded by [files] exclude"))
    if extra is not None:
        checks.append(extra.reason)
    if not checks:
        return lambda path: None
    if len(checks) == 1:
        return checks[0]

    def reason(path: str) -> str | None:
        for check in checks:
            if (why := check(path)) is not None:
                return why
        return None

    return reason


def _spec_check(lines: list[str], why: str) -> Callable[[str], str | None]:
    """A check of gitignore-style `lines`, compiled when a path is first checked (a warm listing
    often checks none, and importing pathspec costs about 20 ms)."""
    spec = cache(lambda: _gitignore_spec(lines))
    return lambda path: why if spec().match_file(path) else None


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
    """The working-tree text of `path` (line endings kept), or None if missing, binary, not UTF-8 or
    not readable inside the work tree (`read_inside`)."""
    return decode_text(read_inside(repo.root, path))


def read_inside(root: Path, path: str) -> bytes | None:
    """The bytes of the work-tree file `path` (relative to `root`), or None when it is missing, is
    not a regular file (a FIFO would block), or resolves outside the work tree or into a git
    directory. A repository's files are untrusted: a committed link to /proc/self/environ, ~/.ssh
    or .git/config must not reach a prompt. Links that stay inside the work tree are followed, as
    the write side (edits/containment.py) follows them."""
    real = where_inside(root, path)
    if real is None:
        return None
    try:
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with open(fd, "rb", closefd=False) as file:
            return file.read()
    except OSError:
        return None
    finally:
        os.close(fd)


def where_inside(root: Path, path: str) -> str | None:
    """Where `path` (relative to `root`) really is, links followed, if that is inside the work tree
    and not in a directory git would take for its own; else None."""
    base = _real_root(str(root))
    real = os.path.realpath(os.path.join(base, path))
    inside = os.path.relpath(real, base) if real.startswith(base.rstrip(os.sep) + os.sep) else None
    if inside is None or any(is_git_name(part) for part in Path(inside).parts):
        return None
    return real


@cache
def _real_root(root: str) -> str:
    return os.path.realpath(root)


def text_reader(repo: Repository) -> Callable[[str], str | None]:
    """`read_text` for one command: each path is read once, however often it is asked for."""
    texts: dict[str, str | None] = {}

    def read(path: str) -> str | None:
        if path not in texts:
            texts[path] = read_text(repo, path)
        return texts[path]

    return read
