from __future__ import annotations

import os
import subprocess

import pytest

from llmdev.errors import UsageError
from llmdev.repo.diffs import (
    DiffSpec,
    diff_text,
    file_at,
    files_at,
    get_diff,
    parse_spec,
    staged_diff,
    worktree_diff,
)
from llmdev.repo.discovery import open_repository

PY = "import os\n\n\ndef first():\n    return 1\n\n\ndef second():\n    a = 1\n    b = 2\n    return a + b\n"


def by_path(diffs):
    return {d.path: d for d in diffs}


def applies_in_reverse(repo, text, cached=False):
    """git itself accepts our rendering: undoing it from the new side must apply cleanly."""
    args = ["git", "apply", "-R", "--check"] + (["--cached"] if cached else [])
    done = subprocess.run(args, cwd=repo.root, input=text.encode("utf-8", "surrogateescape"), capture_output=True)
    return done.returncode == 0, done.stderr.decode()


@pytest.fixture
def committed(repo):
    repo.write("app.py", PY)
    repo.write("docs/read me.md", "hello\n")
    repo.write("gone.txt", "bye\n")
    repo.commit("base")
    return repo


def test_staged_and_worktree_differ_when_the_index_differs_from_the_file(committed):
    committed.write("app.py", PY.replace("b = 2", "b = 20"))
    committed.git("add", "app.py")
    committed.write("app.py", PY.replace("b = 2", "b = 200"))
    found = open_repository(committed.root)

    [staged] = staged_diff(found)
    assert [line.text for line in staged.hunks[0].lines if line.kind == "+"] == ["    b = 20"]
    assert staged.new_blob == committed.git("rev-parse", ":app.py").strip()
    [work] = worktree_diff(found)
    assert [line.text for line in work.hunks[0].lines if line.kind == "+"] == ["    b = 200"]
    assert work.new_blob == committed.blob("app.py")
    assert work.old_blob == committed.git("rev-parse", "HEAD:app.py").strip()

    assert b"b = 2\n" in file_at(found, "HEAD", "app.py")
    assert b"b = 20\n" in file_at(found, ":", "app.py")
    assert b"b = 200\n" in file_at(found, None, "app.py")


def test_hunk_line_numbers_and_section(committed):
    committed.write("app.py", PY.replace("    b = 2\n", "    b = 3\n    c = 4\n"))
    [diff] = worktree_diff(open_repository(committed.root))
    assert diff.status == "modified" and diff.old_path == "app.py"
    [hunk] = diff.hunks
    assert (hunk.old_start, hunk.old_count, hunk.new_start, hunk.new_count) == (7, 5, 7, 6)
    assert hunk.section == "def first():"
    assert hunk.removed_lines() == [10] and hunk.added_lines() == [10, 11]
    assert [(line.kind, line.old_no, line.new_no) for line in hunk.lines] == [
        (" ", 7, 7), (" ", 8, 8), (" ", 9, 9), ("-", 10, None), ("+", None, 10), ("+", None, 11), (" ", 11, 12),
    ]
    assert diff.added_lines() == [10, 11]


def test_context_lines_option(committed):
    committed.write("app.py", PY.replace("b = 2", "b = 3"))
    [diff] = get_diff(open_repository(committed.root), DiffSpec("worktree", None, None), context_lines=0)
    assert [line.kind for line in diff.hunks[0].lines] == ["-", "+"]


def test_default_spec_prefers_staged_changes(committed):
    found = open_repository(committed.root)
    committed.write("app.py", PY + "# more\n")
    spec = parse_spec(found)
    assert spec.kind == "worktree" and spec.old == found.head_sha() and spec.new is None
    committed.git("add", "app.py")
    assert parse_spec(found).kind == "staged"
    assert parse_spec(found, staged=True).describe() == "staged changes (index vs HEAD)"


def test_bad_specs_are_usage_errors(committed):
    found = open_repository(committed.root)
    with pytest.raises(UsageError, match="cannot be combined"):
        parse_spec(found, staged=True, commit="HEAD")
    with pytest.raises(UsageError, match="unknown revision: nope"):
        parse_spec(found, commit="nope")
    with pytest.raises(UsageError, match="not a range"):
        parse_spec(found, range_="HEAD")
    with pytest.raises(UsageError, match="not a revision"):
        parse_spec(found, range_="--output=x..HEAD")


def test_no_newline_at_end_and_crlf_are_kept(committed):
    committed.write("crlf.txt", b"one\r\ntwo\r\n")
    committed.commit("crlf")
    committed.write("crlf.txt", b"one\r\nTWO\r\n")
    committed.write("gone.txt", "bye")  # final newline removed
    found = open_repository(committed.root)
    diffs = by_path(worktree_diff(found))
    assert [line.text for line in diffs["crlf.txt"].hunks[0].lines] == ["one\r", "two\r", "TWO\r"]
    lines = diffs["gone.txt"].hunks[0].lines
    assert [(line.kind, line.text, line.no_newline) for line in lines] == [("-", "bye", False), ("+", "bye", True)]
    text = diff_text(list(diffs.values()))
    assert "\\ No newline at end of file\n" in text
    assert applies_in_reverse(committed, text) == (True, "")


def test_renames_deletions_and_additions(committed):
    committed.git("mv", "docs/read me.md", "docs/läs mig.md")
    committed.write("docs/läs mig.md", "hello\nworld\n")
    committed.git("rm", "-q", "gone.txt")
    committed.write("new file.py", "x = 1\n")
    committed.git("add", "-A")
    found = open_repository(committed.root)
    diffs = by_path(staged_diff(found))
    renamed = diffs["docs/läs mig.md"]
    assert (renamed.status, renamed.old_path) == ("renamed", "docs/read me.md")
    assert 50 <= renamed.similarity < 100 and renamed.added_lines() == [2]
    deleted = diffs["gone.txt"]
    assert (deleted.status, deleted.old_path, deleted.new_blob) == ("deleted", "gone.txt", None)
    assert deleted.removed_lines() == [1]
    added = diffs["new file.py"]
    assert (added.status, added.old_path, added.old_blob) == ("added", None, None)
    assert added.new_blob == committed.blob("new file.py")
    assert applies_in_reverse(committed, diff_text(list(diffs.values())), cached=True) == (True, "")


def test_unusual_path_names_are_paired_with_their_hunks(committed):
    name = 'we"ird\tname.py'
    committed.write(name, "w = 1\n")
    committed.write("ünï.py", "u = 1\n")
    committed.git("add", "-A")
    diffs = by_path(staged_diff(open_repository(committed.root)))
    assert diffs[name].added_lines() == [1]
    assert diffs["ünï.py"].hunks[0].lines[0].text == "u = 1"


def test_paths_limit_the_diff(committed):
    committed.write("app.py", PY + "# more\n")
    committed.write("docs/read me.md", "changed\n")
    found = open_repository(committed.root)
    assert [d.path for d in worktree_diff(found, ["docs"])] == ["docs/read me.md"]
    assert [d.path for d in worktree_diff(found, ["app.py"])] == ["app.py"]


def test_binary_non_utf8_and_huge_files_are_skipped_with_a_reason(committed):
    committed.write("logo.bin", b"\x89PNG\x00\x01")
    committed.write("latin.txt", "café\n".encode("latin-1"))
    committed.write("big.txt", "line\n" * 400)
    committed.git("add", "-A")
    diffs = by_path(get_diff(open_repository(committed.root), parse_spec(open_repository(committed.root)), max_kb=1))
    assert (diffs["logo.bin"].binary, diffs["logo.bin"].skipped_reason, diffs["logo.bin"].hunks) == (True, "binary", [])
    assert (diffs["latin.txt"].skipped_reason, diffs["latin.txt"].hunks) == ("not UTF-8", [])
    assert diffs["big.txt"].skipped_reason == "diff larger than 1 KB"
    assert "Binary files /dev/null and b/logo.bin differ" in diff_text(list(diffs.values()))


def test_submodule_changes_are_skipped(committed, make_repo):
    library = make_repo("library")
    library.write("lib.py", "l = 1\n")
    library.commit("lib")
    committed.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(library.root), "lib")
    diffs = by_path(staged_diff(open_repository(committed.root)))
    assert diffs["lib"].skipped_reason == "submodule" and diffs["lib"].hunks == []
    assert diffs[".gitmodules"].skipped_reason is None


def test_type_change_keeps_both_halves(committed):
    os.remove(committed.root / "gone.txt")
    os.symlink("app.py", committed.root / "gone.txt")
    [diff] = worktree_diff(open_repository(committed.root))
    assert diff.status == "type-changed"
    assert diff.removed_lines() == [1] and diff.added_lines() == [1]
    assert diff.hunks[1].lines[0].text == "app.py"


def test_commit_ranges_and_merge_base(committed):
    found = open_repository(committed.root)
    fork = found.head_sha()
    committed.git("checkout", "-q", "-b", "feature")
    committed.write("feature.py", "f = 1\n")
    feature = committed.commit("feature")
    committed.git("checkout", "-q", "main")
    committed.write("main.py", "m = 1\n")
    main = committed.commit("main")

    spec = parse_spec(found, commit="feature")
    assert (spec.kind, spec.old, spec.new) == ("commit", fork, feature)
    assert spec.describe() == "commit feature"
    assert [d.path for d in get_diff(found, spec)] == ["feature.py"]

    two_dot = parse_spec(found, range_="main..feature")
    assert (two_dot.kind, two_dot.old, two_dot.new) == ("range", main, feature)
    assert {d.path: d.status for d in get_diff(found, two_dot)} == {"feature.py": "added", "main.py": "deleted"}

    three_dot = parse_spec(found, range_="main...feature")
    assert (three_dot.kind, three_dot.old, three_dot.new) == ("merge-base", fork, feature)
    assert [d.path for d in get_diff(found, three_dot)] == ["feature.py"]

    committed.git("checkout", "-q", "feature")
    base = parse_spec(found, base="main")
    assert (base.kind, base.old, base.new) == ("merge-base", fork, feature)
    assert [d.path for d in get_diff(found, base)] == ["feature.py"]


def test_root_commit_is_compared_with_the_empty_tree(repo):
    repo.write("a.py", "a = 1\n")
    first = repo.commit("first")
    found = open_repository(repo.root)
    spec = parse_spec(found, commit=first)
    assert spec.old == found.empty_tree()
    assert [(d.path, d.status) for d in get_diff(found, spec)] == [("a.py", "added")]


def test_no_commits_yet(repo):
    repo.write("a.py", "a = 1\n")
    repo.git("add", "a.py")
    repo.write("a.py", "a = 2\n")
    found = open_repository(repo.root)
    assert parse_spec(found).kind == "staged"
    [staged] = staged_diff(found)
    assert (staged.status, staged.hunks[0].lines[0].text) == ("added", "a = 1")
    [work] = worktree_diff(found)
    assert work.hunks[0].lines[0].text == "a = 2"
    assert file_at(found, ":", "a.py") == b"a = 1\n"
    with pytest.raises(UsageError, match="unknown revision: HEAD"):
        file_at(found, "HEAD", "a.py")


def test_detached_head_and_linked_worktree(committed, tmp_path):
    committed.git("checkout", "-q", "--detach")
    committed.write("app.py", PY + "# detached\n")
    assert [d.path for d in worktree_diff(open_repository(committed.root))] == ["app.py"]
    worktree = tmp_path / "wt"
    committed.git("worktree", "add", "-q", "-b", "side", str(worktree))
    (worktree / "gone.txt").write_text("changed in the worktree\n")
    found = open_repository(worktree)
    [diff] = worktree_diff(found)
    assert diff.path == "gone.txt" and diff.added_lines() == [1]
    assert file_at(found, None, "gone.txt") == b"changed in the worktree\n"


def test_unmerged_paths(committed):
    committed.git("checkout", "-q", "-b", "other")
    committed.write("gone.txt", "theirs\n")
    committed.commit("theirs")
    committed.git("checkout", "-q", "main")
    committed.write("gone.txt", "ours\n")
    committed.commit("ours")
    subprocess.run(["git", "merge", "other"], cwd=committed.root, capture_output=True)  # conflicts
    found = open_repository(committed.root)
    [staged] = staged_diff(found)
    assert (staged.path, staged.skipped_reason) == ("gone.txt", "unmerged")
    [work] = worktree_diff(found)
    assert "<<<<<<< HEAD" in [line.text for line in work.hunks[0].lines]


def test_user_diff_settings_do_not_change_parsing(committed):
    for key, value in (("diff.noprefix", "true"), ("diff.mnemonicPrefix", "true"), ("diff.external", "false"),
                       ("diff.suppressBlankEmpty", "true"), ("color.ui", "always"), ("diff.renames", "copies")):
        committed.git("config", key, value)
    committed.write("app.py", PY.replace("b = 2", "b = 3"))
    [diff] = worktree_diff(open_repository(committed.root))
    assert diff.removed_lines() == [10] and diff.added_lines() == [10]
    assert [line.text for line in diff.hunks[0].lines][:2] == ["", "def second():"]


def test_file_at_absent_paths_and_batches(committed):
    found = open_repository(committed.root)
    assert file_at(found, "HEAD", "missing.py") is None
    assert file_at(found, ":", "missing.py") is None
    assert file_at(found, None, "missing.py") is None
    assert file_at(found, "HEAD", "docs") is None  # a directory, not a file
    committed.write("empty.txt", "")
    committed.commit("empty")
    assert file_at(found, "HEAD", "empty.txt") == b""
    assert files_at(found, "HEAD", ["docs/read me.md", "nope here.py", "docs", "app.py"]) == {
        "docs/read me.md": b"hello\n", "nope here.py": None, "docs": None, "app.py": PY.encode(),
    }
    assert files_at(found, ":", ["gone.txt"]) == {"gone.txt": b"bye\n"}
    with pytest.raises(UsageError, match="unknown revision"):
        file_at(found, "no-such-branch", "app.py")
