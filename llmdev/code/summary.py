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
from typing import Callable, Iterable, Iterator

from llmdev.code.terms import split_identifier

# Names defined in more files than this say little about which file is meant (`__init__`, `get`).
MAX_DEFINERS = 12
PRIVATE_WEIGHT = 0.2
BACK_LINK = 0.5
# Each file keeps only its strongest links: enough to find neighbours, cheap to walk.
MAX_LINKS = 32


def listing_key(shas: dict[str, str], fingerprint: str) -> str:
    digest = hashlib.sha256(fingerprint.encode())
    for path in sorted(shas):
        digest.update(f"{path}\0{shas[path]}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:32]


TermLoader = Callable[[list[int]], dict[str, tuple[bytes, list[str]]]]
TERM_BUCKETS = 256


def term_bucket(term: str) -> int:
    """A stable bucket for a term (Python's str hash changes between runs)."""
    return zlib.crc32(term.encode("utf-8", "surrogateescape")) % TERM_BUCKETS


@dataclass
class Summary:
    paths: list[str]
    lengths: list[int]
    definers: dict[str, list[int]]  # name -> indexes of the files defining it
    referrers: dict[str, list[int]]  # name -> indexes of the files referencing it
    edges: list[bytes]  # file index -> packed (neighbour index, weight x 1000) pairs, both directions
    path_parts: dict[str, list[int]]  # sub-word term of a directory or file name -> file indexes
    centrality: list[float]  # PageRank of each file in the reference graph, scaled to a maximum of 1
    shas: list[str]  # the blob each file's entries come from
    # Per term, kept in their own table and read only for the terms of a query:
    postings: dict[str, bytes] = field(default_factory=dict)  # term -> packed (file index, count) pairs
    name_parts: dict[str, list[str]] = field(default_factory=dict)  # sub-word term -> defined names containing it
    load_terms: TermLoader | None = None
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

    def neighbours(self, node: int) -> list[tuple[int, float]]:
        values = array("I")
        values.frombytes(self.edges[node])
        return [(v, w / 1000.0) for v, w in zip(values[0::2], values[1::2])]

    def dumps(self) -> bytes:
        """The part read on every run; the per-term tables are saved by `term_rows`."""
        return marshal.dumps(
            (self.paths, self.lengths, self.definers, self.referrers, self.edges, self.path_parts, self.centrality, self.shas)
        )

    def term_rows(self) -> Iterator[tuple[int, bytes]]:
        """(bucket, marshalled {term: (postings, names)}) rows, so a query reads a few small rows."""
        buckets: dict[int, dict[str, tuple[bytes, list[str]]]] = {number: {} for number in range(TERM_BUCKETS)}
        postings, name_parts = self.postings, self.name_parts
        for term in postings.keys() | name_parts.keys():
            # term_bucket, inlined: this runs for every term of the repository.
            bucket = zlib.crc32(term.encode("utf-8", "surrogateescape")) % TERM_BUCKETS
            buckets[bucket][term] = (postings.get(term, b""), name_parts.get(term, []))
        for bucket, table in buckets.items():
            if not table:
                continue
            yield bucket, marshal.dumps(table)

    @classmethod
    def loads(cls, payload: bytes, load_terms: TermLoader) -> "Summary | None":
        try:
            return cls(*marshal.loads(payload), load_terms=load_terms)
        except (ValueError, EOFError, TypeError):
            return None


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


def weighted_links(node: int, counts: dict[str, int], definers: dict[str, list[int]]) -> dict[int, float]:
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
