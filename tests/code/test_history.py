"""Past commit messages as a field of each file and per commit: read from git, cached by HEAD, used in ranking."""

from __future__ import annotations

import marshal

from llmdev.code import history as history_module
from llmdev.code.history import HISTORY_COMMITS, HISTORY_FORMAT, History, load_history, parse_log, read_history
from llmdev.code.index import load_index, open_store
from llmdev.code.rank import rank_files

FILES = {
    "app/alpha.py": "def first():\n    return 1\n",
    "app/beta.py": "def second():\n    return 2\n",
    "app/gamma.py": "def third():\n    return 3\n",
}


def _terms(history, path: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    j = history.paths.index(path)
    return {term: count for term in history.postings for k, count in history.postings_of(term) if k == j}


def test_each_file_gets_the_words_of_the_commits_that_modified_it(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(FILES)
    repo.write("app/beta.py", "def second():\n    return 22\n")
    repo.commit("Tolerate a truncated zipfile header")
    repo.write("app/alpha.py", "def first():\n    return 11\n")
    repo.write("app/beta.py", "def second():\n    return 222\n")
    repo.commit("Retry the upload on timeout")
    history = read_history(repo.open(), repo.git("rev-parse", "HEAD").strip())
    beta, alpha = _terms(history, "app/beta.py"), _terms(history, "app/alpha.py")
    assert beta["zipfile"] == 1 and beta["timeout"] == 1 and beta["initial"] == 1
    assert "zipfile" not in alpha and alpha["upload"] == 1
    assert history.lengths[history.paths.index("app/beta.py")] == sum(beta.values())


def test_merges_are_left_out_and_a_path_counts_once_per_commit() -> None:
    log = "\x1eSwap zipfile reader\n\x1f\napp/a.py\napp/a.py\napp/b.py\n\x1eSecond zipfile change\x1f\napp/a.py\n"
    history = parse_log(log)
    assert history.paths == ["app/a.py", "app/b.py"]
    assert dict(history.postings_of("zipfile")) == {0: 2, 1: 1}
    assert parse_log("").paths == []


def test_history_is_saved_under_head_and_read_back(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(FILES)
    opened = repo.open()
    store = open_store(opened)
    first = load_history(opened, store)
    assert first is not None and "app/alpha.py" in first.paths
    head = repo.git("rev-parse", "HEAD").strip()
    assert store.get_history(f"{head}:{HISTORY_COMMITS}:v{HISTORY_FORMAT}") == first.dumps()
    assert History.loads(first.dumps()) == first
    repo.write("app/gamma.py", "def third():\n    return 33\n")
    repo.commit("Handle the leap second in gamma")
    after = load_history(opened, store)
    assert after is not None and "leap" in after.postings


def _by_path(history) -> dict[str, dict[str, int]]:  # type: ignore[no-untyped-def]
    table: dict[str, dict[str, int]] = {}
    for term in history.postings:
        for j, count in history.postings_of(term):
            table.setdefault(history.paths[j], {})[term] = count
    return table


def test_after_a_commit_the_saved_history_is_extended_to_what_a_full_read_gives(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(FILES)
    opened = repo.open()
    store = open_store(opened)
    load_history(opened, store)
    repo.write("app/gamma.py", "def third():\n    return 33\n")
    repo.write("app/delta.py", "def fourth():\n    return 4\n")
    repo.commit("Handle the leap second in gamma")
    repo.write("app/alpha.py", "def first():\n    return 11\n")
    head = repo.commit("Leap years in alpha")
    extended = load_history(opened, store)
    full = read_history(opened, head)
    assert extended is not None and extended.added == 2
    assert _by_path(extended) == _by_path(full)
    assert dict(zip(extended.paths, extended.lengths)) == dict(zip(full.paths, full.lengths))
    assert _by_commit(extended) == _by_commit(full)
    assert _by_commit(extended)[-2:] == [
        ({"handle", "handl", "the", "leap", "second", "in", "gamma"}, {"app/gamma.py", "app/delta.py"}),
        ({"leap", "years", "year", "in", "alpha"}, {"app/alpha.py"}),
    ]
    assert History.loads(extended.dumps()) == extended


def test_history_is_read_in_full_again_after_many_commits(make_repo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(history_module, "REFRESH_AFTER", 1)
    repo = make_repo(FILES)
    opened = repo.open()
    store = open_store(opened)
    load_history(opened, store)
    repo.write("app/gamma.py", "x = 1\n")
    repo.commit("one")
    assert load_history(opened, store).added == 1  # type: ignore[union-attr]
    repo.write("app/gamma.py", "x = 2\n")
    repo.commit("two")
    assert load_history(opened, store).added == 0  # type: ignore[union-attr]


def test_a_history_of_another_branch_is_not_extended(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(FILES)
    opened = repo.open()
    store = open_store(opened)
    repo.git("checkout", "-q", "-b", "side")
    repo.write("app/beta.py", "x = 1\n")
    repo.commit("Zipfile work on the side")
    load_history(opened, store)
    repo.git("checkout", "-q", "main")
    repo.write("app/gamma.py", "x = 1\n")
    repo.commit("gamma on main")
    history = load_history(opened, store)
    assert history is not None and history.added == 0 and "zipfile" not in history.postings


def test_no_history_before_the_first_commit(make_repo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.gitrepo import GitRepo

    repo = GitRepo.create(tmp_path / "empty")
    repo.write("a.py", "x = 1\n")
    opened = repo.open()
    assert load_history(opened, open_store(opened)) is None


def test_a_file_whose_past_commits_match_the_task_ranks_higher(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(FILES)
    repo.write("app/gamma.py", "def third():\n    return 33\n")
    repo.commit("Tolerate a truncated zipfile header")
    order = [path for path, _ in rank_files(load_index(repo.open(), show_progress=False), "truncated zipfile").scores]
    assert order[0] == "app/gamma.py"


def test_history_of_files_no_longer_listed_is_ignored(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({"app/aardvark.py": "x = 1\n", **FILES})
    repo.write("app/aardvark.py", "x = 2\n")
    repo.write("app/gamma.py", "def third():\n    return 33\n")
    repo.commit("Tolerate a truncated zipfile header")
    repo.git("rm", "-q", "app/aardvark.py")
    repo.commit("drop aardvark")
    index = load_index(repo.open(), show_progress=False)
    assert "app/aardvark.py" in index.history().paths  # type: ignore[union-attr]
    order = [path for path, _ in rank_files(index, "truncated zipfile").scores]
    assert order[0] == "app/gamma.py" and "app/aardvark.py" not in order


def _by_commit(history) -> list[tuple[set[str], set[str]]]:  # type: ignore[no-untyped-def]
    """Each commit, oldest first: its message's terms and the paths of the files it modified."""
    terms: list[set[str]] = [set() for _ in history.commit_lengths]
    for term in history.commit_postings:
        for commit, _count in history.commits_of(term):
            terms[commit].add(term)
    return [(terms[c], {history.paths[j] for j in history.paths_of_commit(c)}) for c in range(len(terms))]


def test_each_commit_keeps_its_terms_and_the_files_it_modified_oldest_first() -> None:
    log = "\x1eSecond zipfile change\x1f\napp/a.py\n\x1eSwap zipfile reader, zipfile first\n\x1f\napp/a.py\napp/a.py\napp/b.py\n\x1e\x1f\n"
    history = parse_log(log)
    assert _by_commit(history) == [
        (set(), set()),
        ({"swap", "zipfile", "zipfil", "reader", "first"}, {"app/a.py", "app/b.py"}),
        ({"second", "zipfile", "zipfil", "change", "chang"}, {"app/a.py"}),
    ]
    assert history.commits_of("zipfile") == [(1, 2), (2, 1)]
    assert history.commit_lengths == [0, 7, 5]
    assert history.paths_of_commit(1) == [0, 1]
    assert parse_log("").commit_lengths == []


def test_a_history_saved_in_the_older_format_is_read_again(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(FILES)
    opened = repo.open()
    store = open_store(opened)
    head = repo.git("rev-parse", "HEAD").strip()
    old = read_history(opened, head)
    older = marshal.dumps((old.paths, old.lengths, old.postings, old.added))  # format 1: no commits
    assert History.loads(older) is None
    store.put_history(f"{head}:{HISTORY_COMMITS}", older)
    history = load_history(opened, store)
    assert history is not None and history.commit_lengths and history == old
