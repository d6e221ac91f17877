from __future__ import annotations

import os
import subprocess

import pytest

from llmdev.config.schema import FilesConfig, Settings
from llmdev.repo.discovery import GitCommandError, open_repository
from llmdev.repo.excludes import builtin_exclusion
from llmdev.repo.files import blob_id, classify_text, list_files, read_blobs, read_text, uncommitted_paths


def listed(repo, *paths, settings=None):
    listing = list_files(open_repository(repo.root), paths, settings=settings)
    return {f.path: f for f in listing.files}, {s.path: s.reason for s in listing.skipped}


def test_tracked_and_untracked_files_with_their_blob_shas(repo):
    repo.write("src/app.py", "print('hi')\n")
    repo.write(".gitignore", "build/\n*.log\n")
    repo.commit("one")
    repo.write("notes.md", "# notes\n")
    repo.write("build/out.py", "x = 1\n")
    repo.write("debug.log", "noise\n")
    files, skipped = listed(repo)
    assert sorted(files) == [".gitignore", "notes.md", "src/app.py"]
    assert skipped == {}
    for path, entry in files.items():
        assert entry.blob_sha == repo.blob(path)
        assert entry.size == (repo.root / path).stat().st_size


def test_modified_files_are_hashed_from_the_working_tree(repo):
    repo.write("a.py", "a = 1\n")
    repo.write("b.py", "b = 1\n")
    repo.commit("one")
    index_sha = repo.git("rev-parse", ":a.py").strip()
    repo.write("a.py", "a = 2\n")
    repo.write("b.py", "b = 2\n")
    repo.git("add", "b.py")
    repo.write("b.py", "b = 3\n")  # the index now differs from both HEAD and the working tree
    files, _ = listed(repo)
    assert files["a.py"].blob_sha == repo.blob("a.py") != index_sha
    assert files["b.py"].blob_sha == repo.blob("b.py") != repo.git("rev-parse", ":b.py").strip()


def test_deleted_tracked_files_are_left_out(repo):
    repo.write("keep.py", "k = 1\n")
    repo.write("gone.py", "g = 1\n")
    repo.commit("one")
    (repo.root / "gone.py").unlink()
    files, skipped = listed(repo)
    assert list(files) == ["keep.py"]
    assert skipped == {}


def test_repository_without_commits(repo):
    repo.write("staged.py", "s = 1\n")
    repo.git("add", "staged.py")
    repo.write("loose.py", "l = 1\n")
    files, _ = listed(repo)
    assert sorted(files) == ["loose.py", "staged.py"]
    assert files["staged.py"].blob_sha == repo.blob("staged.py")


@pytest.mark.parametrize(
    "path, reason",
    [
        ("package-lock.json", "lock file"),
        ("rust/Cargo.lock", "lock file"),
        ("go.sum", "lock file"),
        ("static/app.min.js", "minified"),
        ("static/site.min.css", "minified"),
        ("proto/api_pb2.py", "generated"),
        ("web/client.generated.ts", "generated"),
        ("vendor/lib/x.go", "vendored"),
        ("web/node_modules/left-pad/index.js", "vendored"),
        ("third_party/zlib/zlib.c", "vendored"),
        ("assets/logo.PNG", "binary"),
        ("dist/tool.exe", "binary"),
        ("src/main.py", None),
        ("src/vendor.py", None),
        ("Makefile", None),
    ],
)
def test_builtin_exclusions(path, reason):
    assert builtin_exclusion(path) == reason


def test_builtin_exclusions_apply_to_listing(repo):
    repo.write("src/main.py", "m = 1\n")
    repo.write("yarn.lock", "lock\n")
    repo.write("vendor/dep/dep.py", "d = 1\n")
    repo.write("img/photo.jpg", b"\xff\xd8\xff\xe0")
    repo.commit("one")
    repo.write("app.min.js", "var a=1;\n")  # untracked files are filtered too
    files, skipped = listed(repo)
    assert list(files) == ["src/main.py"]
    assert skipped == {"yarn.lock": "lock file", "vendor/dep/dep.py": "vendored", "img/photo.jpg": "binary", "app.min.js": "minified"}


def test_llmdevignore_and_config_excludes(repo):
    repo.write(".llmdevignore", "# generated docs\ndocs/api/\n*.snap\n!keep.snap\n")
    repo.write("docs/api/index.md", "api\n")
    repo.write("docs/guide.md", "guide\n")
    repo.write("tests/a.snap", "snap\n")
    repo.write("tests/keep.snap", "snap\n")
    repo.write("fixtures/big.json", "{}\n")
    repo.commit("one")
    settings = Settings(files=FilesConfig(exclude=["fixtures/"]))
    files, skipped = listed(repo, settings=settings)
    assert sorted(files) == [".llmdevignore", "docs/guide.md", "tests/keep.snap"]
    assert skipped == {
        "docs/api/index.md": "ignored by .llmdevignore",
        "tests/a.snap": "ignored by .llmdevignore",
        "fixtures/big.json": "excluded by [files] exclude",
    }


def test_huge_files_are_skipped_with_the_limit(repo):
    repo.write("small.py", "s = 1\n")
    repo.write("data.py", "x = 1\n" * 400)  # 2,400 bytes
    repo.commit("one")
    files, skipped = listed(repo, settings=Settings(files=FilesConfig(max_file_kb=2)))
    assert list(files) == ["small.py"]
    assert skipped == {"data.py": "larger than 2 KB"}
    files, skipped = listed(repo)  # the default limit is 1024 KB
    assert sorted(files) == ["data.py", "small.py"]


def test_submodules_and_symlinks_are_skipped(repo, make_repo):
    library = make_repo("library")
    library.write("lib.py", "l = 1\n")
    library.commit("lib")
    repo.write("main.py", "m = 1\n")
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(library.root), "deps/library")
    os.symlink("main.py", repo.root / "alias.py")
    repo.commit("with submodule")
    files, skipped = listed(repo)
    assert sorted(files) == [".gitmodules", "main.py"]
    assert skipped == {"deps/library": "submodule", "alias.py": "symlink"}


def test_untracked_nested_repository_is_skipped(repo, make_repo):
    repo.write("main.py", "m = 1\n")
    nested = repo.root / "nested"
    nested.mkdir()
    repo.git("-C", "nested", "init", "-q")
    (nested / "x.py").write_text("x = 1\n")
    files, skipped = listed(repo)
    assert list(files) == ["main.py"]
    assert skipped == {"nested/": "nested git repository"}


def test_paths_limit_the_listing_and_may_hold_spaces_and_unicode(repo):
    repo.write("src/a.py", "a = 1\n")
    repo.write("src/b.py", "b = 1\n")
    repo.write("my docs/résumé.md", "cv\n")
    repo.write("other/[x].py", "x = 1\n")
    repo.write("other/y.py", "y = 1\n")
    repo.commit("one")
    repo.write("src/new.py", "n = 1\n")
    files, _ = listed(repo, "src", "my docs/résumé.md", "other/[x].py")
    assert sorted(files) == ["my docs/résumé.md", "other/[x].py", "src/a.py", "src/b.py", "src/new.py"]
    assert files["my docs/résumé.md"].blob_sha == repo.blob("my docs/résumé.md")
    files, _ = listed(repo, "")  # the root means everything
    assert len(files) == 6


def test_file_names_that_are_not_utf8_are_skipped(repo):
    repo.write("ok.py", "o = 1\n")
    with open(os.path.join(os.fsencode(repo.root), b"caf\xe9.py"), "wb") as handle:
        handle.write(b"c = 1\n")
    repo.commit("one")
    files, skipped = listed(repo)
    assert list(files) == ["ok.py"]
    assert skipped == {"caf\ufffd.py": "unusual file name"}


def test_listing_in_a_linked_worktree(repo, tmp_path):
    repo.write("a.py", "a = 1\n")
    repo.commit("one")
    worktree = tmp_path / "wt"
    repo.git("worktree", "add", "-q", "-b", "feature", str(worktree))
    (worktree / "b.py").write_text("b = 1\n")
    listing = list_files(open_repository(worktree))
    assert [f.path for f in listing.files] == ["a.py", "b.py"]


def test_conflicted_files_are_hashed_from_the_working_tree(repo):
    repo.write("f.py", "base\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "other")
    repo.write("f.py", "other\n")
    repo.commit("other")
    repo.git("checkout", "-q", "main")
    repo.write("f.py", "mine\n")
    repo.commit("mine")
    subprocess.run(["git", "merge", "other"], cwd=repo.root, capture_output=True)  # fails: a conflict
    files, _ = listed(repo)
    assert "<<<<<<<" in (repo.root / "f.py").read_text()
    assert files["f.py"].blob_sha == repo.blob("f.py")


def test_classify_text():
    assert classify_text(b"plain\r\ntext\n") is None
    assert classify_text("héllo".encode()) is None
    assert classify_text(b"\x89PNG\r\n\x1a\n\x00\x00") == "binary"
    assert classify_text("héllo".encode("latin-1")) == "not UTF-8"


def test_read_text_keeps_line_endings_and_refuses_what_is_not_text(repo):
    repo.write("crlf.txt", b"one\r\ntwo\r\n")
    repo.write("latin.txt", "café\n".encode("latin-1"))
    repo.write("blob.dat", b"a\x00b")
    found = open_repository(repo.root)
    assert read_text(found, "crlf.txt") == "one\r\ntwo\r\n"
    assert read_text(found, "latin.txt") is None
    assert read_text(found, "blob.dat") is None
    assert read_text(found, "missing.txt") is None


def test_read_blobs_gives_each_blob_and_none_for_missing_or_other_objects(repo):
    repo.write("a.py", "a = 1\n")
    repo.write("b.bin", "x\0y")
    repo.commit("one")
    a, b = repo.blob("a.py"), repo.blob("b.bin")
    tree = repo.git("rev-parse", "HEAD^{tree}").strip()
    missing = "0123456789abcdef0123456789abcdef01234567"
    found = read_blobs(open_repository(repo.root), [a, missing, tree, b, a])
    assert found == {a: b"a = 1\n", missing: None, tree: None, b: b"x\0y"}
    assert read_blobs(open_repository(repo.root), []) == {}


def test_blob_id_is_the_id_git_gives(repo):
    for data in (b"", b"a = 1\n", "naïve\r\n".encode()):
        repo.root.joinpath("f").write_bytes(data)
        assert blob_id(data) == repo.git("hash-object", "f").strip()


class _MemoryCache:
    def __init__(self) -> None:
        self.rows: dict[str, bytes] = {}
        self.reads = 0

    def get_listing(self, key: str) -> bytes | None:
        self.reads += 1
        return self.rows.get(key)

    def put_listing(self, key: str, payload: bytes) -> None:
        self.rows[key] = payload


def test_a_cached_listing_is_always_the_listing_git_would_give(repo, make_repo):
    """Each step changes the working tree; the listing that reuses the saved decisions must
    equal a listing worked out from nothing, whatever changed."""
    library = make_repo("library")
    library.write("lib.py", "l = 1\n")
    library.commit("lib")
    repo.write("a.py", "a = 1\n")
    repo.write("b.py", "b = 1\n")
    repo.write("big.py", "x" * 3000)
    repo.write("package-lock.json", "{}\n")
    repo.write("secrets/key.py", "k = 1\n")
    os.symlink("a.py", repo.root / "alias.py")
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(library.root), "deps/library")
    with open(os.path.join(os.fsencode(repo.root), b"caf\xe9.py"), "wb") as handle:
        handle.write(b"c = 1\n")
    repo.commit("one")
    settings = Settings(files=FilesConfig(max_file_kb=2))
    cache = _MemoryCache()
    from llmdev.repo.files import ExtraRule

    private = ExtraRule("secrets", lambda path: "private" if path.startswith("secrets/") else None)

    def check() -> None:
        opened = open_repository(repo.root)
        fresh = list_files(opened, settings=settings, extra=private)
        assert list_files(opened, settings=settings, cache=cache, extra=private) == fresh  # saves or reuses
        assert list_files(opened, settings=settings, cache=cache, extra=private) == fresh  # reuses

    steps = [
        lambda: None,
        lambda: repo.write("a.py", "a = 2\n"),  # modified, not staged
        lambda: repo.write("a.py", "a = 1\n"),  # back as committed
        lambda: (repo.root / "b.py").unlink(),  # deleted
        lambda: repo.write("b.py", "b = 1\n"),
        lambda: repo.write("big.py", "x = 1\n"),  # no longer too large
        lambda: repo.write("new.py", "n = 1\n"),  # untracked
        lambda: repo.git("add", "new.py"),  # staged: a new git index
        lambda: (repo.root / "alias.py").unlink() or repo.write("alias.py", "now a file\n"),  # symlink -> file
        lambda: (repo.root / "caf\xe9.py".encode("utf-8", "surrogateescape").decode("utf-8", "surrogateescape")),
        lambda: repo.write("secrets/key.py", "k = 2\n"),  # private and modified
        lambda: repo.write(".llmdevignore", "b.py\n"),  # new rules
        lambda: repo.write("b.py", "b = 2\n"),  # ignored and modified
        lambda: repo.write("deps/library/lib.py", "l = 2\n") and repo.git("-C", "deps/library", "commit", "-qam", "moved"),  # submodule moved
    ]
    for step in steps:
        step()
        check()
    assert cache.reads >= 2 * len(steps) and len(cache.rows) >= 3  # it was used, and re-keyed on a new index or rules


def test_a_damaged_cached_listing_is_worked_out_again(repo):
    repo.write("a.py", "a = 1\n")
    repo.commit("one")
    cache = _MemoryCache()
    opened = open_repository(repo.root)
    fresh = list_files(opened)
    list_files(opened, cache=cache)
    for key in cache.rows:
        cache.rows[key] = b"\x00garbage"
    assert list_files(opened, cache=cache) == fresh


def _listing_commands(monkeypatch) -> list[tuple[str, ...]]:
    """Every git command `list_files` runs through `git_parallel`, recorded."""
    from llmdev.repo.discovery import Repository

    seen: list[tuple[str, ...]] = []
    real = Repository.git_parallel

    def recording(self, *commands):
        seen.extend(commands)
        return real(self, *commands)

    monkeypatch.setattr(Repository, "git_parallel", recording)
    return seen


def test_saved_decisions_are_found_by_the_index_checksum_without_listing_the_index(repo, monkeypatch):
    repo.write("a.py", "a = 1\n")
    repo.commit("one")
    opened, cache = open_repository(repo.root), _MemoryCache()
    fresh = list_files(opened)
    seen = _listing_commands(monkeypatch)
    assert list_files(opened, cache=cache) == fresh
    assert ("ls-files", "-s", "-z") in seen  # nothing saved yet
    seen.clear()
    assert list_files(opened, cache=cache) == fresh
    assert ("ls-files", "-s", "-z") not in seen


def test_an_index_rewritten_with_fresh_stat_data_reuses_the_decisions(repo, monkeypatch):
    repo.write("a.py", "a = 1\n")
    repo.commit("one")
    opened, cache = open_repository(repo.root), _MemoryCache()
    list_files(opened, cache=cache)
    saved = len(cache.rows)
    os.utime(repo.root / "a.py", (1_000_000_000, 1_000_000_000))
    repo.git("update-index", "--refresh")  # same entries, new stat data: a new checksum
    fresh = list_files(opened)
    assert list_files(opened, cache=cache) == fresh
    assert len(cache.rows) == saved + 1  # the same decisions, now also under the new checksum
    seen = _listing_commands(monkeypatch)
    assert list_files(opened, cache=cache) == fresh
    assert ("ls-files", "-s", "-z") not in seen


def test_another_index_file_is_never_answered_from_the_checksum_of_the_usual_one(repo, monkeypatch):
    repo.write("a.py", "a = 1\n")
    repo.write("b.py", "b = 1\n")
    repo.commit("one")
    opened, cache = open_repository(repo.root), _MemoryCache()
    list_files(opened, cache=cache)
    other = repo.root / ".git" / "other-index"
    subprocess.run(["git", "read-tree", "--empty"], cwd=repo.root, env={**os.environ, "GIT_INDEX_FILE": str(other)}, check=True)
    subprocess.run(["git", "add", "a.py"], cwd=repo.root, env={**os.environ, "GIT_INDEX_FILE": str(other)}, check=True)
    monkeypatch.setenv("GIT_INDEX_FILE", str(other))
    fresh = list_files(opened)
    assert [f.path for f in fresh.files] == ["a.py", "b.py"]  # b.py is untracked in that index
    assert list_files(opened, cache=cache) == fresh


def test_an_index_without_a_checksum_is_listed_by_git(repo, monkeypatch):
    from llmdev.repo.files import _index_checksum

    repo.write("a.py", "a = 1\n")
    repo.commit("one")
    opened = open_repository(repo.root)
    assert _index_checksum(opened) is not None
    index = repo.root / ".git" / "index"
    data = index.read_bytes()
    index.write_bytes(data[:-20] + bytes(20))  # what index.skipHash writes
    assert _index_checksum(opened) is None
    cache = _MemoryCache()
    seen = _listing_commands(monkeypatch)
    list_files(opened, cache=cache)
    list_files(opened, cache=cache)
    assert seen.count(("ls-files", "-s", "-z")) == 2


def test_a_checksum_row_whose_listing_is_gone_is_worked_out_again(repo, monkeypatch):
    repo.write("a.py", "a = 1\n")
    repo.commit("one")
    opened, cache = open_repository(repo.root), _MemoryCache()
    fresh = list_files(opened)
    list_files(opened, cache=cache)
    pointers = [key for key, payload in cache.rows.items() if payload.startswith(b"see:")]
    assert len(pointers) == 1 and len(cache.rows) == 2
    for key in [key for key in cache.rows if key not in pointers]:
        del cache.rows[key]  # dropped as one of the oldest listings
    seen = _listing_commands(monkeypatch)
    assert list_files(opened, cache=cache) == fresh
    assert ("ls-files", "-s", "-z") in seen and len(cache.rows) == 2


def test_rows_less_changed_paths_match_a_plain_filter():
    import random

    from llmdev.repo.files import _without

    rng = random.Random(15)
    for _ in range(2000):
        paths = sorted({"".join(rng.choices("ab/c.é", k=rng.randint(1, 6))) for _ in range(rng.randint(0, 30))})
        rows = [(path, "0" * 40, 1) for path in paths]
        dirty = set(rng.sample(paths, k=rng.randint(0, len(paths)))) | {"".join(rng.choices("ab/c.", k=3)) for _ in range(rng.randint(0, 3))}
        assert _without(rows, dirty) == [row for row in rows if row[0] not in dirty]


def _hostile_links(repo, tmp_path):
    """A work tree whose files lead out: a committed link to a file outside, one into .git, one to
    the process's environment, a linked directory, and a FIFO; plus one link that stays inside."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("AWS_SECRET=1\n")
    repo.write("app.py", "print(1)\n")
    (repo.root / "sub").mkdir()
    os.symlink("../app.py", repo.root / "sub" / "link.py")
    os.symlink("../outside/secret.txt", repo.root / "notes.md")
    os.symlink(".git/config", repo.root / "cfg.txt")
    os.symlink("/proc/self/environ", repo.root / "env.txt")
    os.symlink("../outside", repo.root / "vendor")
    repo.commit("links")


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="POSIX links")
def test_a_file_is_read_only_where_it_really_lies_inside_the_work_tree(repo, tmp_path):
    from llmdev.repo.diffs import file_at

    _hostile_links(repo, tmp_path)
    opened = open_repository(repo.root)
    assert read_text(opened, "sub/link.py") == "print(1)\n"  # a link inside the tree is followed
    assert read_text(opened, "sub/../app.py") == "print(1)\n"
    hostile = ["notes.md", "cfg.txt", "env.txt", "vendor/secret.txt", "../outside/secret.txt", ".git/config", ".GIT/config", "sub", ""]
    for path in hostile:
        assert read_text(opened, path) is None, path
        assert file_at(opened, None, path) is None, path
    assert file_at(opened, None, "app.py") == b"print(1)\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_the_work_tree_is_not_read_and_does_not_block(repo):
    import threading

    os.mkfifo(repo.root / "pipe.py")
    found: list[object] = []
    reader = threading.Thread(target=lambda: found.append(read_text(open_repository(repo.root), "pipe.py")), daemon=True)
    reader.start()
    reader.join(10)
    assert not reader.is_alive() and found == [None]


def test_uncommitted_paths_are_staged_modified_and_untracked_ones_a_rename_by_both_names(repo):
    for path in ("a.py", "b.py", "old.py", "same.py"):
        repo.write(path, f"{path[0]} = 1\n")
    repo.write(".gitignore", "*.log\n")
    repo.commit("one")
    repo.stage("a.py", "a = 2\n")
    repo.write("b.py", "b = 2\n")
    repo.git("mv", "old.py", "new.py")
    repo.write("fresh/c.py", "c = 1\n")
    repo.write("debug.log", "noise\n")
    opened = open_repository(repo.root)
    assert uncommitted_paths(opened) == {"a.py", "b.py", "old.py", "new.py", "fresh/c.py"}
    assert uncommitted_paths(opened, ["b.py", "same.py"]) == {"b.py"}


def test_uncommitted_paths_fail_loudly_unless_told_not_to(repo):
    repo.write("a.py", "a = 1\n")
    repo.commit("one")
    opened = open_repository(repo.root)
    (repo.root / ".git" / "index").write_bytes(b"not an index")  # a write path must not read this as "nothing changed"
    with pytest.raises(GitCommandError):
        uncommitted_paths(opened)
    assert uncommitted_paths(opened, check=False) == set()
