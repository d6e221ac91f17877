"""Building a Summary from each file's facts, fed in path order.

A cold build feeds the files as the parsing workers return them, so most of the summary is
done by the time the last file is parsed; the file graph, its PageRank and the packed term
tables are what is left for the end.
"""

from __future__ import annotations

import marshal
import math
from array import array
from dataclasses import dataclass
from typing import Any, Iterator

from llmdev.code.summary import (
    BACK_LINK,
    MAX_DEFINERS,
    MAX_LINKS,
    NameTable,
    Summary,
    name_pieces,
    pack_links,
    name_weight,
    path_parts_of,
    name_rows,
    term_rows,
)
from llmdev.code.tags import ParsedFile

# From this many files on, the file graph is worked out in a child process (a fork costs ~10 ms).
GRAPH_CHILD_MIN_FILES = 500


@dataclass
class FileFacts:
    """What the summary takes from one parsed file; small enough to send from a parsing worker."""

    length: int  # term occurrences: the file's length for BM25
    definitions: dict[str, tuple[str, ...]]  # distinct defined names (in order) -> their name_pieces
    references: dict[str, int]  # referenced name -> occurrences, in order of first reference
    terms: dict[str, int]

    def to_tuple(self) -> tuple[Any, ...]:
        return (self.length, self.definitions, self.references, self.terms)


def facts_of(parsed: ParsedFile) -> FileFacts:
    """What the summary knows of a file: its defined names and the names it references, from its
    tags; for a file summarised by text (tests), its identifiers are its references and those
    that name tests (`test_empty_file`, `TestParser`) its definitions."""
    if parsed.identifiers is not None:
        tests = {name: tuple(name_pieces(name)) for name in parsed.identifiers if names_a_test(name)}
        return FileFacts(sum(parsed.terms.values()), tests, parsed.identifiers, parsed.terms)
    counts: dict[str, int] = {}
    get = counts.get
    for row in parsed.references:
        counts[row[0]] = get(row[0], 0) + 1
    # The pieces come along so that a parsing worker, whose split_identifier cache already holds
    # these names, works them out rather than the main process.
    names = {name: tuple(name_pieces(name)) for name in dict.fromkeys(row[0] for row in parsed.definitions)}
    return FileFacts(sum(parsed.terms.values()), names, counts, parsed.terms)


def names_a_test(name: str) -> bool:
    """`test_x`, `testX`, `TestX`, `test2`; not `testing`, `tests` or `test`."""
    return len(name) > 4 and name[:4].lower() == "test" and (name[4] == "_" or name[4].isupper() or name[4].isdigit())


class References:
    """What each file references, compactly: name ids and counts in two arrays per file, the
    names once for the whole repository (a dict per file would hold every name again)."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.ids: dict[str, int] = {}
        self.files: list[tuple[array, array]] = []

    def add(self, counts: dict[str, int]) -> None:
        ids, numbers = array("I"), array("I")
        known, names = self.ids, self.names
        for name, count in counts.items():
            number = known.get(name)
            if number is None:
                number = known[name] = len(names)
                names.append(name)
            ids.append(number)
            numbers.append(count)
        self.files.append((ids, numbers))


class SummaryBuilder:
    """Accumulates the summary of `paths`; `add` takes each file's facts in the order of `paths`."""

    def __init__(self, paths: list[str], shas: list[str]) -> None:
        self.paths = paths
        self.shas = shas
        self.lengths: list[int] = []
        self.definers: dict[str, list[int]] = {}
        self.referrers: dict[str, list[int]] = {}
        self.postings: dict[str, array] = {}  # term -> flat (file index, count) pairs
        self.name_parts: dict[str, list[str]] = {}
        self.references = References()
        self._child: _GraphInChild | None = None

    @property
    def complete(self) -> bool:
        return len(self.lengths) == len(self.paths)

    def add(self, facts: FileFacts) -> None:
        """The facts of the next file, `paths[len(self.lengths)]`."""
        node = len(self.lengths)
        self.lengths.append(facts.length)
        self.references.add(facts.references)
        definers, name_parts = self.definers, self.name_parts
        for name, pieces in facts.definitions.items():
            nodes = definers.get(name)
            if nodes is not None:
                nodes.append(node)
                continue
            definers[name] = [node]
            for piece in pieces:
                name_parts.setdefault(piece, []).append(name)
        referrers = self.referrers
        for name in facts.references:
            nodes = referrers.get(name)
            if nodes is None:
                referrers[name] = [node]
            else:
                nodes.append(node)
        postings = self.postings
        for term, count in facts.terms.items():
            pairs = postings.get(term)
            if pairs is None:
                postings[term] = array("I", (node, count))
            else:
                pairs.append(node)
                pairs.append(count)

    def fork_graph_child(self) -> None:
        """Fork the process that will work out the file graph now, while this one is small (call
        before the files are added); it is sent the tables by `start_graph`."""
        if len(self.paths) >= GRAPH_CHILD_MIN_FILES and self._child is None:
            self._child = _GraphInChild.start(None, None)

    def close(self) -> None:
        """Let go of the graph child of a build that will not be finished."""
        if self._child is not None:
            self._child.close()
            self._child = None

    def start_graph(self) -> None:
        """Start working out the file graph: in a child process when the repository is large, so
        the term rows are made (and saved) meanwhile."""
        if self._child is not None and self._child.waiting:
            if not self._child.submit(self.references, self.definers):
                self._child.close()
                self._child = None
        elif len(self.paths) >= GRAPH_CHILD_MIN_FILES and self._child is None:
            self._child = _GraphInChild.start(self.references, self.definers)

    def term_rows(self) -> Iterator[tuple[int, bytes]]:
        """The term table as store rows, one bucket made at a time."""
        return term_rows(self.postings, self.name_parts)

    def name_rows(self) -> Iterator[tuple[int, bytes]]:
        return name_rows(self.definers, self.referrers)

    def packed_postings(self) -> dict[str, bytes]:
        return {term: pairs.tobytes() for term, pairs in self.postings.items()}

    def summary(self, *, with_terms: bool) -> Summary:
        """The summary once every file was added (waits for the file graph); without the term
        tables when they were saved to the store, to be read from there as queries need them."""
        child, self._child = self._child, None
        graph = child.result() if child is not None else None
        edges, centrality = graph or file_graph(self.references, self.definers)
        postings = self.packed_postings() if with_terms else {}
        return Summary(
            self.paths,
            self.lengths,
            NameTable(self.definers),
            NameTable(self.referrers),
            edges,
            path_parts_of(self.paths),
            centrality,
            self.shas,
            postings,
            self.name_parts if with_terms else {},
        )

    def finish(self) -> tuple[Summary, list[tuple[int, bytes]]]:
        """The summary with its term tables in memory, and its term rows for the store."""
        self.start_graph()
        rows = list(self.term_rows())
        return self.summary(with_terms=True), rows


def build_summary(entries: dict[str, ParsedFile], shas: dict[str, str]) -> Summary:
    paths = sorted(entries)
    builder = SummaryBuilder(paths, [shas[p] for p in paths])
    for path in paths:
        builder.add(facts_of(entries[path]))
    return builder.finish()[0]


def file_graph(references: References, definers: dict[str, list[int]]) -> tuple[list[bytes], list[float]]:
    """Each file's packed links and its PageRank centrality."""
    links = file_links(references, definers)
    return [pack_links(weights) for weights in links], pagerank(links)


class _GraphInChild:
    """`file_graph` in a child process. Either forked when the tables are complete (it shares
    them without copying), or forked early, while the parent is still small, and sent the
    tables when they are complete: its memory then holds the graph's inputs and work alone."""

    def __init__(self, process: Any, connection: Any) -> None:
        self.process = process
        self.connection = connection
        self.waiting = False  # forked early and not sent its tables yet

    @classmethod
    def start(cls, references: References | None, definers: dict[str, list[int]] | None) -> "_GraphInChild | None":
        """A child working on these tables, or (both None) one waiting to be sent them."""
        import multiprocessing
        import threading

        # Forking is only safe while no other thread might hold a lock the child would need.
        if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
            return None
        context = multiprocessing.get_context("fork")
        mine, theirs = context.Pipe(duplex=True)
        try:
            process = context.Process(target=_graph_child, args=(theirs, mine, references, definers), daemon=True)
            process.start()
        except OSError:
            mine.close()
            return None
        finally:
            theirs.close()
        child = cls(process, mine)
        child.waiting = references is None
        return child

    def submit(self, references: References, definers: dict[str, list[int]]) -> bool:
        """Send an early child its tables (marshalled: several times faster than pickling)."""
        try:
            self.connection.send_bytes(marshal.dumps((references.names, [(i.tobytes(), c.tobytes()) for i, c in references.files], definers)))
        except (OSError, ValueError):
            return False
        self.waiting = False
        return True

    def result(self) -> tuple[list[bytes], list[float]] | None:
        """The child's answer, or None if it died without one (the caller then works it out)."""
        try:
            graph: tuple[list[bytes], list[float]] | None = None if self.waiting else self.connection.recv()
        except (EOFError, OSError):
            graph = None
        self.close()
        return graph

    def close(self) -> None:
        """Done with the child: a child still waiting for its tables sees the pipe close and ends."""
        self.connection.close()
        self.process.join()


def _graph_child(connection: Any, parents_end: Any, references: References | None, definers: dict[str, list[int]] | None) -> None:
    parents_end.close()
    if references is None or definers is None:
        try:
            names, files, definers = marshal.loads(connection.recv_bytes())
        except (EOFError, OSError):
            return  # the parent no longer needs the graph
        references = References()
        references.names = names
        references.files = [(_array(ids), _array(counts)) for ids, counts in files]
    connection.send(file_graph(references, definers))
    connection.close()


def _array(packed: bytes) -> array:
    values = array("I")
    values.frombytes(packed)
    return values


def file_links(references: References, definers: dict[str, list[int]]) -> list[list[tuple[int, float]]]:
    """Each file's strongest links to files that define what it references or reference what it
    defines; back links count half. (`weighted_links` per file, with each name looked up once.)"""
    targets_of: list[list[int] | None] = []
    weight_of: list[float] = []
    for name in references.names:
        targets = definers.get(name)
        usable = bool(targets) and len(targets) <= MAX_DEFINERS  # type: ignore[arg-type]
        targets_of.append(targets if usable else None)
        weight_of.append(name_weight(name) if usable else 0.0)
    links: list[dict[int, float]] = [{} for _ in references.files]
    sqrt = math.sqrt
    for node, (ids, counts) in enumerate(references.files):
        weights: dict[int, float] = {}
        get = weights.get
        for number, count in zip(ids, counts):
            targets = targets_of[number]
            if targets is None:
                continue
            share = weight_of[number] * sqrt(count) / len(targets)
            for target in targets:
                if target != node:
                    weights[target] = get(target, 0.0) + share
        out = links[node]
        for target, weight in weights.items():
            out[target] = out.get(target, 0.0) + weight
            back = links[target]
            back[node] = back.get(node, 0.0) + weight * BACK_LINK
    return [sorted(weights.items(), key=_by_weight)[:MAX_LINKS] for weights in links]


def _by_weight(item: tuple[int, float]) -> float:
    return -item[1]


def pagerank(links: list[list[tuple[int, float]]], damping: float = 0.85, rounds: int = 10) -> list[float]:
    """Plain PageRank by power iteration, scaled so the top file has 1.0."""
    count = len(links)
    if not count:
        return []
    rank = [1.0 / count] * count
    # Each link's share of its file's rank, damping included, worked out once for all rounds.
    shares: list[list[tuple[int, float]] | None] = []
    for out in links:
        total = sum(w for _, w in out)
        shares.append([(target, damping * w / total) for target, w in out] if total else None)
    for _ in range(rounds):
        fresh = [0.0] * count
        dangling = 0.0
        for node, out in enumerate(shares):
            value = rank[node]
            if out is None:
                dangling += value
                continue
            for target, share in out:
                fresh[target] += value * share
        base = (1 - damping) / count + damping * dangling / count
        rank = [value + base for value in fresh]
    top = max(rank)
    return [round(value / top, 5) for value in rank]
