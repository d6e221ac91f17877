"""Ranking sanity on a small real repository."""

from __future__ import annotations

from llmdev.code.index import load_index
from llmdev.code.rank import rank_files


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
