"""Building the summary from file facts: in path order whatever order the files are parsed in,
and with the file graph worked out in a child process for large repositories."""

from __future__ import annotations

import pytest

from llmdev.code import summary_build
from llmdev.code.build import FreshParses
from llmdev.code.refresh import SummaryRefresh
from llmdev.code.store import BlobStore
from llmdev.code.summary_build import SummaryBuilder, build_summary, facts_of, file_graph
from llmdev.code.tags import parse_file


def _parsed(count: int) -> dict[str, object]:
    files = {}
    for i in range(count):
        source = f"def helper_{i}(x):\n    return helper_{(i + 1) % count}(x) + helper_{(i * 7) % count}(x)\n"
        files[f"pkg/mod{i:03}.py"] = parse_file(f"pkg/mod{i:03}.py", source)
    return files


def test_facts_arriving_in_any_order_build_the_path_ordered_summary() -> None:
    entries = _parsed(12)
    shas = {path: f"{i:040x}" for i, path in enumerate(sorted(entries))}
    expected = build_summary(entries, shas)  # type: ignore[arg-type]
    refresh = SummaryRefresh.start(BlobStore(None), shas)
    for path in sorted(entries, reverse=True):
        refresh.feed(shas[path], facts_of(entries[path]))  # type: ignore[arg-type]
    assert refresh.builder is not None and refresh.builder.complete
    summary = refresh.finish(shas, FreshParses())
    assert summary.paths == expected.paths and summary.definers == expected.definers
    assert summary.postings == {}  # saved to the store, read back as a query asks for terms
    summary.prepare(list(expected.postings))
    assert summary.postings == expected.postings and summary.edges == expected.edges
    assert summary.centrality == expected.centrality


def test_file_graph_from_a_child_process_equals_the_one_worked_out_here(monkeypatch: pytest.MonkeyPatch) -> None:
    entries = _parsed(40)
    paths = sorted(entries)
    builder = SummaryBuilder(paths, [f"{i:040x}" for i in range(len(paths))])
    for path in paths:
        builder.add(facts_of(entries[path]))  # type: ignore[arg-type]
    child = summary_build._GraphInChild.start(builder.references, builder.definers)
    if child is None:
        pytest.skip("no fork here, or other threads are running (forking is refused then)")
    assert child.result() == file_graph(builder.references, builder.definers)
    monkeypatch.setattr(summary_build, "GRAPH_CHILD_MIN_FILES", 1)
    summary, rows = builder.finish()
    edges, centrality = file_graph(builder.references, builder.definers)
    assert summary.edges == edges and summary.centrality == centrality and max(centrality) == 1.0
    assert rows and all(isinstance(bucket, int) and payload for bucket, payload in rows)


def test_a_test_file_counts_by_its_identifiers_and_test_names() -> None:
    source = "from app import load_settings\n\n\nclass TestConfig:\n    def test_empty(self):\n        assert load_settings('x')\n\n    def testing_helper(self):\n        pass\n"
    facts = facts_of(parse_file("tests/test_config.py", source, tags=False))
    assert list(facts.definitions) == ["TestConfig", "test_empty"]
    assert facts.references["load_settings"] == 2 and facts.references["testing_helper"] == 1
    assert facts_of(parse_file("tests/test_config.py", source)) == facts  # the same once tagged


@pytest.mark.parametrize(("name", "is_test"), [("test_x", True), ("testX", True), ("TestX", True), ("test2", True), ("testing", False), ("tests", False), ("test", False), ("contest_x", False)])
def test_names_a_test(name: str, is_test: bool) -> None:
    assert summary_build.names_a_test(name) is is_test


def test_stored_files_are_read_a_chunk_at_a_time_around_fresh_and_unreported_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    from llmdev.code import refresh as refresh_module
    from llmdev.code.tags import ParsedFile

    monkeypatch.setattr(refresh_module, "READ_AHEAD", 3)
    entries = _parsed(20)
    paths = sorted(entries)
    shas = {path: f"{i:040x}" for i, path in enumerate(paths)}
    store = BlobStore(None)
    stored = [p for i, p in enumerate(paths) if i % 3 != 0]
    store.put_many((shas[p], entries[p]) for p in stored)  # type: ignore[misc]
    reads: list[int] = []
    get_many = store.get_many
    monkeypatch.setattr(store, "get_many", lambda wanted, **kw: reads.append(len(list(wanted := list(wanted)))) or get_many(wanted, **kw))
    unreported = paths[9]  # a fresh file whose worker never answered: it counts as empty
    refresh = SummaryRefresh.start(store, shas)
    for path in reversed(paths):
        if path not in stored and path != unreported:
            refresh.feed(shas[path], facts_of(entries[path]))  # type: ignore[arg-type]
    summary = refresh.finish(shas, FreshParses(store))
    expected = build_summary({**entries, unreported: ParsedFile(None)}, shas)  # type: ignore[arg-type]
    assert summary.definers == expected.definers and summary.referrers == expected.referrers
    summary.prepare(list(expected.postings))
    assert summary.postings == expected.postings and summary.edges == expected.edges
    assert reads and max(reads) <= 3 and sum(reads) == len(stored)  # every stored file read once, 3 at most at a time


def test_a_summary_the_store_could_not_keep_holds_its_terms_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    entries = _parsed(6)
    shas = {path: f"{i:040x}" for i, path in enumerate(sorted(entries))}
    expected = build_summary(entries, shas)  # type: ignore[arg-type]
    store = BlobStore(None)

    def failing_put(key, payload, terms, names=()):  # the disk filled up half-way
        next(iter(terms), None)
        payload()
        return False

    monkeypatch.setattr(store, "put_summary", failing_put)
    refresh = SummaryRefresh.start(store, shas)
    for path in sorted(entries):
        refresh.feed(shas[path], facts_of(entries[path]))  # type: ignore[arg-type]
    summary = refresh.finish(shas, FreshParses())
    assert summary.postings == expected.postings and summary.name_parts == expected.name_parts
    assert summary.load_terms is None and summary.edges == expected.edges


def test_a_graph_child_forked_before_the_files_are_added_gives_the_same_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(summary_build, "GRAPH_CHILD_MIN_FILES", 1)
    entries = _parsed(40)
    paths = sorted(entries)
    builder = SummaryBuilder(paths, [f"{i:040x}" for i in range(len(paths))])
    builder.fork_graph_child()
    if builder._child is None:
        pytest.skip("no fork here, or other threads are running (forking is refused then)")
    early = builder._child.process
    for path in paths:
        builder.add(facts_of(entries[path]))  # type: ignore[arg-type]
    builder.start_graph()
    assert builder._child is not None and builder._child.process is early  # the early child did the work
    summary = builder.summary(with_terms=True)
    assert (summary.edges, summary.centrality) == file_graph(builder.references, builder.definers)
    assert not early.is_alive()


def test_an_early_graph_child_that_is_never_sent_its_tables_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(summary_build, "GRAPH_CHILD_MIN_FILES", 1)
    builder = SummaryBuilder(["a.py"], ["0" * 40])
    builder.fork_graph_child()
    if builder._child is None:
        pytest.skip("no fork here, or other threads are running (forking is refused then)")
    process = builder._child.process
    builder._child.close()  # e.g. the files changed while parsing and a new build started
    assert not process.is_alive() and process.exitcode == 0


def test_a_saved_summary_counts_the_users_of_each_defined_name_without_reading_its_referrers() -> None:
    entries = _parsed(12)
    shas = {path: f"{i:040x}" for i, path in enumerate(sorted(entries))}
    store = BlobStore(None)
    refresh = SummaryRefresh.start(store, shas)
    for path in sorted(entries):
        refresh.feed(shas[path], facts_of(entries[path]))  # type: ignore[arg-type]
    built = refresh.finish(shas, FreshParses(store))
    saved = SummaryRefresh.start(store, shas).saved
    assert saved is not None and saved.uses is not None
    names = list(built.definers)
    saved.prefetch_users(names)
    assert [saved.users(n) for n in names] == [len(built.referrers.get(n, ())) for n in names]
    assert any(saved.users(n) > 1 for n in names) and saved.referrers._read == set()  # referrers never read
