"""Ranking sanity on a small real repository."""

from __future__ import annotations

import random
import re

import pytest

from llmdev.code import rank as rank_module
from llmdev.code.index import load_index
from llmdev.code.rank import RECENT_SCALE, RECENT_WEIGHT, SIMILAR_WEIGHT, TEST_FACTOR, rank_files
from llmdev.code.terms import query_terms, term_counts


def _order(sample, query: str, focus: tuple[str, ...] = ()) -> list[str]:  # type: ignore[no-untyped-def]
    index = load_index(sample.open(), show_progress=False)
    return [path for path, _ in rank_files(index, query, focus=focus).scores]


def test_query_about_a_definition_ranks_its_file_first(sample) -> None:  # type: ignore[no-untyped-def]
    assert _order(sample, "crash when the settings file is empty in load_settings")[0] == "app/config.py"
    assert _order(sample, "wrong tax rounding in compute_tax")[0] == "app/billing/invoice.py"
    assert _order(sample, "HttpServer does not start")[0] == "app/server.py"


def test_words_split_from_identifiers_match(sample) -> None:  # type: ignore[no-untyped-def]
    assert _order(sample, "invoice totals are rendered badly")[0] == "app/billing/invoice.py"


def test_mentioned_path_wins(sample) -> None:  # type: ignore[no-untyped-def]
    assert _order(sample, "clean up cli.py")[0] == "app/cli.py"


def test_focus_boosts_a_file(sample) -> None:  # type: ignore[no-untyped-def]
    without = _order(sample, "settings")
    assert without[0] != "app/cli.py"
    assert _order(sample, "settings", focus=("app/cli.py",))[0] == "app/cli.py"


def test_graph_lifts_neighbours_of_matching_files(sample) -> None:  # type: ignore[no-untyped-def]
    order = _order(sample, "listen_socket port")
    assert order[0] == "app/server.py"
    # cli.py mentions none of the words but uses HttpServer from server.py
    assert "app/cli.py" in order


def test_tests_rank_below_sources_unless_asked_for(sample) -> None:  # type: ignore[no-untyped-def]
    order = _order(sample, "load_settings empty file")
    assert order.index("app/config.py") < order.index("tests/test_config.py")
    assert _order(sample, "test for load_settings with an empty file")[0] == "tests/test_config.py"


def test_no_query_ranks_by_centrality(sample) -> None:  # type: ignore[no-untyped-def]
    order = _order(sample, "")
    assert set(order) == set(load_index(sample.open(), show_progress=False).files())
    assert order.index("app/config.py") < order.index("README.md")


def test_a_files_links_unpack_as_packed() -> None:
    from llmdev.code.summary import NameTable, Summary, pack_links

    edges = [pack_links([(1, 0.5), (2, 1.25)]), b""]
    summary = Summary(["a", "b"], [1, 1], NameTable(), NameTable(), edges, {}, [1.0, 1.0], ["x", "y"])
    assert summary.links(0) == ([1, 2], [0.5, 1.25])
    assert summary.links(1) == ([], [])


POOL = {
    "pool/acquire.py": "def acquire():\n    return 1\n",
    "pool/queue.py": "def enqueue():\n    return 1\n",
    "cli/main.py": "def main():\n    return 1\n",
    "tests/test_acquire.py": "def test_acquire():\n    assert True\n",
    "secrets/pool_key.py": "def key():\n    return 1\n",
    "old/drain.py": "def drain():\n    return 1\n",
}


def _touch(repo, message: str, *paths: str) -> None:  # type: ignore[no-untyped-def]
    for path in paths:
        repo.write(path, (repo.root / path).read_text() + "# " + message + "\n")
    repo.commit(message)


def _pool_repo(make_repo):  # type: ignore[no-untyped-def]
    repo = make_repo(POOL)
    _touch(repo, "Raise a clear error when the connection pool is exhausted",
           "pool/acquire.py", "cli/main.py", "tests/test_acquire.py", "secrets/pool_key.py", "old/drain.py")
    _touch(repo, "Exhausted connection pool: wait before raising", "pool/acquire.py")
    _touch(repo, "Add a --verbose flag", "cli/main.py")
    repo.git("rm", "-q", "old/drain.py")
    repo.commit("Drop the drain helper")
    return repo


def _similar(index, query: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    summary = index.summary
    scores = rank_module.similar_fix_scores(summary, index.history(), query_terms(query), summary.index_of())
    return {summary.paths[i]: score for i, score in scores.items()}


def test_similar_past_fixes_give_their_files_their_whole_similarity(make_repo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    index = load_index(_pool_repo(make_repo).open(), show_progress=False)
    scores = _similar(index, "connection pool exhausted under load")
    # Both pool commits match; each file of a commit gets the commit's whole score (not a share).
    assert set(scores) == {"pool/acquire.py", "cli/main.py", "tests/test_acquire.py"}
    assert scores["cli/main.py"] == scores["tests/test_acquire.py"] > 0
    assert scores["pool/acquire.py"] > scores["cli/main.py"]
    # The private file and the deleted one were modified by the same commit but are not listed.
    assert "secrets/pool_key.py" in index.history().paths and "old/drain.py" in index.history().paths  # type: ignore[union-attr]
    monkeypatch.setattr(rank_module, "SIMILAR_COMMITS", 1)
    best = _similar(index, "connection pool exhausted under load")
    assert set(best) <= {"pool/acquire.py", "cli/main.py", "tests/test_acquire.py"} and "pool/acquire.py" in best
    assert best["pool/acquire.py"] < scores["pool/acquire.py"]
    assert _similar(index, "unrelated words entirely") == {}


def test_equally_similar_commits_give_each_file_the_same_score_and_the_newest_counts_first(make_repo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(POOL)
    _touch(repo, "Pool exhausted", "pool/queue.py")
    _touch(repo, "Pool exhausted", "pool/acquire.py", "cli/main.py")
    index = load_index(repo.open(), show_progress=False)
    scores = _similar(index, "pool exhausted")
    assert set(scores) == {"pool/queue.py", "pool/acquire.py", "cli/main.py"}
    assert scores["pool/queue.py"] == scores["pool/acquire.py"] == scores["cli/main.py"]  # whole, not split by commit size
    monkeypatch.setattr(rank_module, "SIMILAR_COMMITS", 1)
    assert set(_similar(index, "pool exhausted")) == {"pool/acquire.py", "cli/main.py"}


def test_similar_fixes_are_blended_scaled_to_their_best(make_repo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    index = load_index(_pool_repo(make_repo).open(), show_progress=False)
    query = "connection pool exhausted under load"
    blended = dict(rank_files(index, query).scores)
    monkeypatch.setattr(rank_module, "SIMILAR_WEIGHT", 0.0)
    plain = dict(rank_files(index, query).scores)
    similar = _similar(index, query)
    best = max(similar.values())
    assert max(plain.values()) == pytest.approx(1.0)
    for path, score in similar.items():
        factor = TEST_FACTOR if path.startswith("tests/") else 1.0
        assert blended[path] - plain.get(path, 0.0) == pytest.approx(SIMILAR_WEIGHT * score / best * factor)
    assert {path: blended[path] for path in plain if path not in similar} == {path: s for path, s in plain.items() if path not in similar}
    assert "secrets/pool_key.py" not in blended and "old/drain.py" not in blended


def _naive_stretches(text: str, terms: set[str]) -> list[tuple[dict[str, int], int]]:
    """Each window of SEGMENT_LINES lines, starting every half window, counted on its own."""
    lines = text.splitlines()
    size = rank_module.SEGMENT_LINES
    found = []
    for start in range(0, max(len(lines) - size // 2, 1), size // 2):
        window = "\n".join(lines[start : start + size])
        counts = term_counts(window)
        found.append(({t: counts[t] for t in terms if t in counts}, len(re.findall(r"\w+", window))))
    return found


WORDS = ["retry", "upload", "parseHeader", "max_size", "the", "x1", "Upload", "entries", "Entry", "9parsing", "ÉtéUpload",
         "sparse", "UPLOAD_RETRIES", "a" * 70 + "upload", "upload" + "b" * 70, "7" * 150 + "retry", "retries_entry", "\u0663retry"]


@pytest.mark.parametrize("lines", [1, 20, 25, 26, 49, 50, 51, 100, 110, 333])
def test_stretches_count_every_window_of_lines_once_each(lines: int) -> None:
    rng = random.Random(lines)
    glue = [" ", ".", "(", "\t", "é", "-", ""]
    text = "\n".join("".join(rng.choice(WORDS) + rng.choice(glue) for _ in range(rng.randint(0, 6))) for _ in range(lines))
    terms = {"retry", "upload", "pars", "header", "max_size", "size", "entry", "uploadretri", "upload_retries", "retri"}
    assert rank_module.stretches(text, terms) == _naive_stretches(text, terms)


def _stretch_files() -> dict[str, str]:
    """spread.py says `retry` at its top and `upload` at its bottom; focused.py says both in one place."""
    top = "\n".join(f"def a{i}():\n    retry = retry + {i}  # retry\n" for i in range(3))
    filler = "\n".join(f"def f{i}():\n    return {i}\n" for i in range(40))
    bottom = "\n".join(f"def b{i}():\n    upload = upload + {i}  # upload\n" for i in range(3))
    focused = "def handle():\n    # retry the upload when the upload fails\n    retry = upload()\n    upload_retry = retry\n    return retry\n"
    return {
        "app/spread.py": f"{top}\n{filler}\n{bottom}\n",
        "app/focused.py": focused + "\n".join(f"def g{i}():\n    return {i}\n" for i in range(60)),
        "app/other.py": "def other():\n    return 0\n",
    }


STRETCH_FILES = _stretch_files()


def _stretch_repo(make_repo):  # type: ignore[no-untyped-def]
    return make_repo(STRETCH_FILES)


def test_a_file_with_one_passage_about_the_task_rises_when_files_can_be_read(make_repo) -> None:  # type: ignore[no-untyped-def]
    from llmdev.repo.files import text_reader

    repo = _stretch_repo(make_repo).open()
    index = load_index(repo, show_progress=False)
    query = "retry the upload"
    plain = dict(rank_files(index, query).scores)
    read = text_reader(repo)
    blended = dict(rank_files(index, query, read=read).scores)
    assert list(plain) == ["app/spread.py", "app/focused.py"] and list(blended) == ["app/focused.py", "app/spread.py"]
    weights = rank_files(index, query).term_weights
    parts = {path: rank_module.stretches(read(path) or "", weights) for path in plain}
    lengths = [n for found in parts.values() for _, n in found]
    average = sum(lengths) / len(lengths)

    def bm25(counts: dict[str, int], length: int) -> float:
        norm = rank_module.BM25_K1 * (1 - rank_module.BM25_B + rank_module.BM25_B * length / average)
        return sum(weights[t] * c * (rank_module.BM25_K1 + 1) / (c + norm) for t, c in counts.items())

    best = {path: max(bm25(c, n) for c, n in found) for path, found in parts.items()}
    for path, score in plain.items():
        expected = score / max(plain.values()) + rank_module.SEGMENT_WEIGHT * best[path] / max(best.values())
        assert blended[path] == pytest.approx(expected)


def test_only_the_best_listed_files_are_read_for_stretches(make_repo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    repo = _stretch_repo(make_repo)
    repo.write("secrets/retry_upload.py", "retry = upload = 1  # retry the upload\n")
    repo.commit("a private file that would match")
    index = load_index(repo.open(), show_progress=False)
    asked: list[str] = []

    def read(path: str) -> str:
        asked.append(path)
        return (repo.root / path).read_text()

    monkeypatch.setattr(rank_module, "SEGMENT_FILES", 1)
    order = [path for path, _ in rank_files(index, "retry the upload", read=read).scores]
    assert asked == ["app/spread.py"] and "secrets/retry_upload.py" not in order
    asked.clear()
    monkeypatch.setattr(rank_module, "SEGMENT_FILES", 10)
    rank_files(index, "retry the upload", read=read)
    assert sorted(asked) == ["app/focused.py", "app/spread.py"]
    asked.clear()
    monkeypatch.setattr(rank_module, "SEGMENT_WEIGHT", 0.0)
    assert [p for p, _ in rank_files(index, "retry the upload", read=read).scores] == ["app/spread.py", "app/focused.py"]
    assert asked == []


def _recent(index) -> dict[str, float]:  # type: ignore[no-untyped-def]
    summary = index.summary
    return {summary.paths[i]: score for i, score in rank_module.recent_scores(summary, index.history(), index.changes()).items()}


def test_recency_counts_commits_since_a_file_last_changed(make_repo) -> None:  # type: ignore[no-untyped-def]
    index = load_index(_pool_repo(make_repo).open(), show_progress=False)
    # Newest first: the drain removal (nothing listed), the --verbose flag, the second pool commit,
    # then the first, whose private and deleted files are not listed.
    assert _recent(index) == pytest.approx({
        "cli/main.py": 1 / (1 + 1 / RECENT_SCALE),
        "pool/acquire.py": 1 / (1 + 2 / RECENT_SCALE),
        "tests/test_acquire.py": TEST_FACTOR / (1 + 3 / RECENT_SCALE),
        "pool/queue.py": 1 / (1 + 4 / RECENT_SCALE),  # the first commit
    })


def test_work_in_progress_counts_as_the_newest_commit(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = _pool_repo(make_repo)
    repo.stage("pool/queue.py", "def enqueue():\n    return 2\n")
    repo.write("cli/main.py", "def main():\n    return 2\n")
    repo.write("pool/new.py", "def fresh():\n    return 1\n")
    repo.write("secrets/pool_key.py", "def key():\n    return 2\n")  # changed, but private: never listed
    index = load_index(repo.open(), show_progress=False)
    assert index.changes() >= {"pool/queue.py", "cli/main.py", "pool/new.py"}
    recent = _recent(index)
    assert recent["pool/queue.py"] == recent["cli/main.py"] == recent["pool/new.py"] == 1.0
    assert recent["pool/acquire.py"] == pytest.approx(1 / (1 + 3 / RECENT_SCALE))
    assert "secrets/pool_key.py" not in recent


def test_a_task_naming_a_checker_puts_the_files_changed_last_first(make_repo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    repo = _pool_repo(make_repo)
    _touch(repo, "Queue the waiters in order", "pool/queue.py")
    index = load_index(repo.open(), show_progress=False)
    # No file says "mypy": the ranking is the files changed last, scored by recency, then the rest
    # by centrality, scored under the least recent.
    unmatched = rank_files(index, "fix mypy findings").scores
    assert [path for path, _ in unmatched][:3] == ["pool/queue.py", "cli/main.py", "pool/acquire.py"]
    assert dict(unmatched)["pool/queue.py"] == 1.0 and dict(unmatched)["cli/main.py"] == pytest.approx(1 / (1 + 2 / RECENT_SCALE))  # the drain removal lists nothing
    assert [score for _, score in unmatched] == sorted((score for _, score in unmatched), reverse=True)
    assert {path for path, _ in unmatched} == {path for path, _ in rank_files(index, "").scores}
    # With words that match, recency is blended in at RECENT_WEIGHT, each side scaled to its best.
    query = "Fix CS/WS issues in the pool"
    blended = dict(rank_files(index, query).scores)
    monkeypatch.setattr(rank_module, "RECENT_WEIGHT", 0.0)
    plain = dict(rank_files(index, query).scores)
    recent = _recent(index)
    assert recent["pool/queue.py"] == 1.0
    for path in plain.keys() | recent.keys():
        assert blended[path] == pytest.approx(plain.get(path, 0.0) / max(plain.values()) + RECENT_WEIGHT * recent.get(path, 0.0))


def test_other_tasks_are_ranked_as_if_recency_did_not_exist(make_repo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    repo = _pool_repo(make_repo)
    repo.write("cli/main.py", "def main():\n    return 2\n")  # work in progress does not count either
    index = load_index(repo.open(), show_progress=False)
    for query in ("connection pool exhausted under load", "Fix a false positive in `Lint/UselessAssignment` for the pool"):
        shipped = rank_files(index, query).scores
        monkeypatch.setattr(rank_module, "RECENT_WEIGHT", 0.0)
        assert rank_files(index, query).scores == shipped
        monkeypatch.undo()
