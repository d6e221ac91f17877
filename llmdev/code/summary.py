"""Whole-repository tables derived from the parsed files, saved once per set of file versions.

Loading every parsed file costs a quarter of a second on a large repository; this summary
(names -> files, an inverted index of terms, the file graph) loads in a few milliseconds, so a
warm `llmdev context` only touches the few files it shows.
"""

from __future__ import annotations

import hashlib
import math
import marshal
import zlib
from array import array
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping

from llmdev.code.terms import split_identifier

# Names defined in more files than this say little about which file is meant (`__init__`, `get`).
MAX_DEFINERS = 12
PRIVATE_WEIGHT = 0.2
BACK_LINK = 0.5
# Each file keeps only its strongest links: enough to find neighbours, cheap to walk.
MAX_LINKS = 32


def listing_key(shas: dict[str, str], fingerprint: str) -> str:
    text = "".join([f"{path}\0{shas[path]}\n" for path in sorted(shas)])
    return hashlib.sha256(fingerprint.encode() + text.encode("utf-8", "surrogateescape")).hexdigest()[:32]


TermLoader = Callable[[list[int]], dict[str, tuple[bytes, list[str]]]]
NameLoader = Callable[[list[int]], dict[str, list[int]]]
TERM_BUCKETS = 256
# Names are many more than terms (every referenced name of every file): small buckets, so a
# query reads the names it asks for and little else.
NAME_BUCKETS = 4096
DEFINERS, REFERRERS, USES = 0, 1, 2  # which name table a stored bucket row belongs to


def term_bucket(term: str) -> int:
    """A stable bucket for a term (Python's str hash changes between runs)."""
    return zlib.crc32(term.encode("utf-8", "surrogateescape")) % TERM_BUCKETS


def name_bucket(name: str) -> int:
    return zlib.crc32(name.encode("utf-8", "surrogateescape")) % NAME_BUCKETS


class NameTable:
    """name -> indexes of files, read from the store a bucket of names at a time as names are
    asked for: a warm run reads the names it needs, not every name of the repository. Without
    a loader it is a plain table (a summary built in this run)."""

    def __init__(self, names: dict[str, list[int]] | None = None, load: NameLoader | None = None) -> None:
        self._names: dict[str, list[int]] = names if names is not None else {}
        self._load = load
        self._read: set[int] = set()

    def prefetch(self, names: Iterable[str]) -> None:
        """Read the buckets of all these names in one go."""
        if self._load is None:
            return
        wanted = {name_bucket(name) for name in names} - self._read
        if wanted:
            self._names.update(self._load(sorted(wanted)))
            self._read |= wanted

    def _ready(self, name: str) -> dict[str, list[int]]:
        # A name held was read with its bucket (or added after reading it): only others may need reading.
        if self._load is not None and name not in self._names and name_bucket(name) not in self._read:
            self.prefetch((name,))
        return self._names

    def get(self, name: str, default: Any = None) -> Any:
        return self._ready(name).get(name, default)

    def __getitem__(self, name: str) -> list[int]:
        return self._ready(name)[name]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._ready(name)

    def setdefault(self, name: str, default: list[int]) -> list[int]:
        return self._ready(name).setdefault(name, default)

    def __delitem__(self, name: str) -> None:
        del self._ready(name)[name]

    def to_dict(self) -> dict[str, list[int]]:
        """Every name (reads the whole table from the store)."""
        if self._load is not None and len(self._read) < NAME_BUCKETS:
            self._names.update(self._load([b for b in range(NAME_BUCKETS) if b not in self._read]))
            self._read = set(range(NAME_BUCKETS))
        return self._names

    def items(self) -> Iterable[tuple[str, list[int]]]:
        return self.to_dict().items()

    def __iter__(self) -> Iterator[str]:
        return iter(self.to_dict())

    def __len__(self) -> int:
        return len(self.to_dict())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, NameTable):
            other = other.to_dict()
        return self.to_dict() == other

    def rows(self, kind: int) -> Iterator[tuple[int, bytes]]:
        """(kind x NAME_BUCKETS + bucket, marshalled {name: files}) rows for the store."""
        buckets: dict[int, dict[str, list[int]]] = {}
        for name, nodes in self.to_dict().items():
            buckets.setdefault(name_bucket(name), {})[name] = nodes
        for bucket, table in buckets.items():
            yield kind * NAME_BUCKETS + bucket, marshal.dumps(table)


@dataclass
class Summary:
    paths: list[str]
    lengths: list[int]
    definers: NameTable  # name -> indexes of the files defining it
    referrers: NameTable  # name -> indexes of the files referencing it
    edges: list[bytes]  # file index -> packed (neighbour index, weight x 1000) pairs, both directions
    path_parts: dict[str, list[int]]  # sub-word term of a directory or file name -> file indexes
    centrality: list[float]  # PageRank of each file in the reference graph, scaled to a maximum of 1
    shas: list[str]  # the blob each file's entries come from
    # Per term, kept in their own table and read only for the terms of a query:
    postings: dict[str, bytes] = field(default_factory=dict)  # term -> packed (file index, count) pairs
    name_parts: dict[str, list[str]] = field(default_factory=dict)  # sub-word term -> defined names containing it
    load_terms: TermLoader | None = None
    # Defined name -> how many files reference it (for a symbol's weight without its referrers).
    uses: "NameTable | None" = None
    # Files changed since the summary was saved (see overlay.py): hidden ones are gone.
    hidden: set[int] = field(default_factory=set)
    delta: Delta | None = None

    def index_of(self) -> dict[str, int]:
        return {path: i for i, path in enumerate(self.paths)}

    def visible(self) -> list[str]:
        return [p for i, p in enumerate(self.paths) if i not in self.hidden] if self.hidden else list(self.paths)

    def prepare(self, terms: list[str]) -> None:
        """Make sure `postings` and `name_parts` hold these terms (read from the store when saved there)."""
        missing = [t for t in dict.fromkeys(terms) if t not in self.postings]
        if not missing:
            return
        loaded = self.load_terms(sorted({term_bucket(t) for t in missing})) if self.load_terms else {}
        for term in missing:
            packed, names = loaded.get(term, (b"", []))
            if self.delta is not None:
                packed, names = self.delta.adjust(term, packed, names)
            self.postings[term] = packed
            self.name_parts[term] = names

    def postings_of(self, term: str) -> list[tuple[int, int]]:
        packed = self.postings.get(term)
        if not packed:
            return []
        values = array("I")
        values.frombytes(packed)
        return list(zip(values[0::2], values[1::2]))

    def links(self, node: int) -> tuple[list[int], list[float]]:
        """A file's neighbours in the graph and the weights of its links to them, as two lists."""
        values = array("I")
        values.frombytes(self.edges[node])
        return values[0::2].tolist(), [w / 1000.0 for w in values[1::2]]

    def dumps(self) -> bytes:
        """The part read on every run, one entry per file (and path part); the per-term and
        per-name tables are saved by `term_rows` and `name_rows`, read as a query needs them."""
        return marshal.dumps((self.paths, self.lengths, self.edges, self.path_parts, self.centrality, self.shas))

    def name_rows(self) -> Iterator[tuple[int, bytes]]:
        return name_rows(self.definers, self.referrers)

    def users(self, name: str) -> int:
        """How many files reference `name` (a defined name; read with `prefetch_users`)."""
        if self.uses is None:
            return len(self.referrers.get(name, ()))
        return self.uses.get(name, 0)

    def prefetch_users(self, names: Iterable[str]) -> None:
        if self.uses is None:
            self.referrers.prefetch(names)
        else:
            self.uses.prefetch(names)

    def term_rows(self) -> Iterator[tuple[int, bytes]]:
        """(bucket, marshalled {term: (postings, names)}) rows, so a query reads a few small rows."""
        return term_rows(self.postings, self.name_parts)

    @classmethod
    def loads(cls, payload: bytes, load_terms: TermLoader, load_names: Callable[[int, list[int]], dict[str, list[int]]]) -> "Summary | None":
        """A saved summary; `load_names(kind, buckets)` reads name buckets when they are asked for."""
        try:
            paths, lengths, edges, path_parts, centrality, shas = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return None
        definers = NameTable(load=lambda buckets: load_names(DEFINERS, buckets))
        referrers = NameTable(load=lambda buckets: load_names(REFERRERS, buckets))
        uses = NameTable(load=lambda buckets: load_names(USES, buckets))
        return cls(paths, lengths, definers, referrers, edges, path_parts, centrality, shas, load_terms=load_terms, uses=uses)


def term_rows(postings: "Mapping[str, bytes | array]", name_parts: dict[str, list[str]]) -> Iterator[tuple[int, bytes]]:
    """The store rows of a term table, made one bucket at a time (postings packed as they go)."""
    buckets: dict[int, list[str]] = {}
    for term in postings.keys() | name_parts.keys():
        # term_bucket, inlined: this runs for every term of the repository.
        buckets.setdefault(zlib.crc32(term.encode("utf-8", "surrogateescape")) % TERM_BUCKETS, []).append(term)
    for bucket in sorted(buckets):
        table: dict[str, tuple[bytes, list[str]]] = {}
        for term in buckets[bucket]:
            packed = postings.get(term, b"")
            table[term] = (packed if isinstance(packed, bytes) else packed.tobytes(), name_parts.get(term, []))
        yield bucket, marshal.dumps(table)


@dataclass
class Delta:
    """Per-term corrections for files changed since the saved summary, applied as terms are read."""

    stale: set[int]  # files whose saved postings no longer hold
    terms: dict[int, dict[str, int]]  # file -> its current term counts
    name_parts: dict[str, list[str]]  # sub-word -> names the changed files newly define

    def adjust(self, term: str, packed: bytes, names: list[str]) -> tuple[bytes, list[str]]:
        values = array("I")
        values.frombytes(packed)
        kept = array("I")
        for i in range(0, len(values), 2):
            if values[i] not in self.stale:
                kept.extend(values[i : i + 2])
        for node, counts in self.terms.items():
            if term in counts:
                kept.extend((node, counts[term]))
        return kept.tobytes(), names + [n for n in self.name_parts.get(term, ()) if n not in names]


def name_rows(definers: "NameTable | dict[str, list[int]]", referrers: "NameTable | dict[str, list[int]]") -> Iterator[tuple[int, bytes]]:
    """The store rows of the name tables: who defines, who references, and how many files use
    each defined name."""
    definers = definers if isinstance(definers, NameTable) else NameTable(definers)
    referrers = referrers if isinstance(referrers, NameTable) else NameTable(referrers)
    yield from definers.rows(DEFINERS)
    yield from referrers.rows(REFERRERS)
    yield from NameTable({name: len(referrers.get(name, ())) for name in definers}).rows(USES)  # type: ignore[misc]


def name_parts_of(definers: Iterable[str]) -> dict[str, list[str]]:
    parts: dict[str, list[str]] = {}
    for name in definers:
        for piece in name_pieces(name):
            parts.setdefault(piece, []).append(name)
    return parts


def name_pieces(name: str) -> set[str]:
    """The terms a defined name is found by: its sub-words and the whole name, lowercased."""
    return set(split_identifier(name)) | {name.lower()}


def path_parts_of(paths: list[str], start: int = 0) -> dict[str, list[int]]:
    parts: dict[str, list[int]] = {}
    for i, path in enumerate(paths, start):
        pieces: set[str] = set()
        for component in path.split("/"):
            stem = component.split(".")[0]
            pieces.update(split_identifier(stem))
            pieces.add(stem.lower())
        for piece in pieces:
            parts.setdefault(piece, []).append(i)
    return parts


@lru_cache(maxsize=200_000)
def name_weight(name: str) -> float:
    """How telling a reference to `name` is: long specific names more than short or private ones."""
    weight = 1.0
    if name.startswith("_"):
        weight *= PRIVATE_WEIGHT
    if len(name) >= 8 and ("_" in name or any(c.isupper() for c in name[1:])):
        weight *= 2.0
    return weight


def pack_links(links: list[tuple[int, float]]) -> bytes:
    packed = array("I")
    for target, weight in links:
        packed.append(target)
        packed.append(max(1, int(weight * 1000)))
    return packed.tobytes()


def weighted_links(node: int, counts: dict[str, int], definers: "dict[str, list[int]] | NameTable") -> dict[int, float]:
    """Weighted links from a file to the files defining the names it references `counts` times."""
    weights: dict[int, float] = {}
    get = weights.get
    for name, count in counts.items():
        targets = definers.get(name)
        if not targets or len(targets) > MAX_DEFINERS:
            continue
        share = name_weight(name) * math.sqrt(count) / len(targets)
        for target in targets:
            if target != node:
                weights[target] = get(target, 0.0) + share
    return weights
