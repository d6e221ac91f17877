"""The summary of the current files: the saved one, the newest one corrected for a few changed
files, or a full build, chosen before anything is parsed, so that a full build can take each
file's facts while the other files are still being parsed."""

from __future__ import annotations

from collections import Counter
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

from llmdev.code.overlay import overlay, too_many_changes
from llmdev.code.store import BlobStore, fingerprint
from llmdev.code.summary import Summary, listing_key
from llmdev.code.summary_build import FileFacts, SummaryBuilder, facts_of
from llmdev.code.tags import ParsedFile

if TYPE_CHECKING:
    from llmdev.code.build import FreshParses


READ_AHEAD = 500  # stored files whose facts are read at once during a build


class SummaryRefresh:
    """One of: a saved summary of exactly these files, a base to correct, or a build in progress."""

    def __init__(
        self, store: BlobStore, current: dict[str, str], saved: Summary | None = None, base: Summary | None = None
    ) -> None:
        self.store = store
        self.current = current
        self.key = listing_key(current, fingerprint())
        self.saved = saved
        self.base = base
        self.changes: _Changes | None = None  # what differs from `base`, when there is one
        self.builder: SummaryBuilder | None = None
        self._order: list[str] = []  # blob SHAs in path order: what the builder takes next
        self._uses: Counter[str] = Counter()  # how often each SHA is still to be taken (equal files)
        self._waiting: dict[str, FileFacts] = {}
        self._stored: set[str] = set()  # stored blobs whose facts are not read yet

    @classmethod
    def start(cls, store: BlobStore, current: dict[str, str], newest: "NewestSummary | None" = None) -> "SummaryRefresh":
        """Choose for `current` (path -> blob SHA); a full build starts with the stored blobs.
        `newest` is the most recently saved summary when it was read ahead (`read_newest`)."""
        refresh = cls(store, current)
        if newest is not None and newest.key == refresh.key:
            refresh.saved = newest.summary
            return refresh
        refresh.saved = _load(store, refresh.key, store.get_summary(refresh.key))
        if refresh.saved is not None:
            return refresh
        newest = newest or read_newest(store)
        base = newest.summary if newest is not None else None
        changes = _changes(base, current) if base is not None else None
        if changes is not None and not too_many_changes(len(changes.changed) + len(changes.gone), len(current)):
            refresh.base, refresh.changes = base, changes
            return refresh
        refresh._start_build()
        return refresh

    def stored_blobs(self) -> set[str]:
        """Blobs the store holds for sure: those of the saved summary used (saved or base)."""
        chosen = self.saved or self.base
        return set(chosen.shas) if chosen is not None else set()

    def _start_build(self) -> None:
        paths = sorted(self.current)
        self._order = [self.current[p] for p in paths]
        self._uses = Counter(self._order)
        self.builder = SummaryBuilder(paths, list(self._order))
        self.builder.fork_graph_child()
        self._stored = self.store.known(self._order)
        self._drain()

    def _read_ahead(self, position: int) -> None:
        """The facts of the next stored files from `position` on, a chunk at a time (never all
        parsed files in memory at once); a stored row that cannot be read counts as empty."""
        wanted: dict[str, None] = {}
        for sha in self._order[position:]:
            if sha in self._stored and sha not in self._waiting:
                wanted[sha] = None
                if len(wanted) == READ_AHEAD:
                    break
        found = self.store.get_many(wanted)
        for sha in wanted:
            self._waiting[sha] = facts_of(found.get(sha) or ParsedFile(None))
            self._stored.discard(sha)

    def feed(self, sha: str, facts: FileFacts) -> None:
        """A freshly parsed blob's facts, in any order; the builder takes them in path order."""
        if self.builder is not None and sha in self._uses:
            self._waiting[sha] = facts
            self._drain()

    def _drain(self) -> None:
        builder = self.builder
        while builder is not None and not builder.complete:
            sha = self._order[len(builder.lengths)]
            facts = self._waiting.get(sha)
            if facts is None and sha in self._stored:
                self._read_ahead(len(builder.lengths))
                facts = self._waiting.get(sha)
            if facts is None:
                return
            self._take(sha, facts)

    def _take(self, sha: str, facts: FileFacts) -> None:
        assert self.builder is not None
        self.builder.add(facts)
        self._uses[sha] -= 1
        if not self._uses[sha]:
            self._waiting.pop(sha, None)

    def finish(self, shas: dict[str, str], fresh: "FreshParses") -> Summary:
        """The summary of `shas`: the files that could be read, normally all of `current`."""
        if shas != self.current:
            if self.builder is not None:
                self.builder.close()
            return SummaryRefresh.start(self.store, shas).finish(shas, fresh)
        if self.saved is not None:
            return self.saved
        if self.base is not None and self.changes is not None:
            return self._overlaid(self.base, self.changes, fresh)
        return self._built(fresh)

    def _built(self, fresh: "FreshParses") -> Summary:
        """Complete the build (files no worker reported, or whose stored rows are damaged) and save it."""
        builder = self.builder
        assert builder is not None
        while not builder.complete:
            sha = self._order[len(builder.lengths)]
            if sha not in self._waiting and sha in self._stored:
                self._read_ahead(len(builder.lengths))
            facts = self._waiting.get(sha) or facts_of(fresh.get(sha) or ParsedFile(None))
            self._take(sha, facts)
        builder.start_graph()
        built: list[Summary] = []

        def payload() -> bytes:  # asked for once the term rows are written, while the graph was worked out
            built.append(builder.summary(with_terms=False))
            return built[0].dumps()

        saved = self.store.put_summary(self.key, payload, builder.term_rows(), builder.name_rows())
        if not saved:  # the terms stay in memory for this run
            return builder.summary(with_terms=True) if not built else _with_terms(built[0], builder)
        summary = built[0]
        summary.load_terms = partial(self.store.get_summary_terms, self.key)
        return summary

    def _overlaid(self, base: Summary, changes: "_Changes", fresh: "FreshParses") -> Summary:
        shas = self.current
        changed, old_shas = changes.changed, changes.old_shas
        wanted = list(old_shas.values()) + [shas[p] for p in changed]
        parsed = self.store.get_many(sha for sha in wanted if sha not in fresh)
        parsed.update((sha, found) for sha in wanted if sha in fresh and (found := fresh.get(sha)) is not None)
        old = {p: parsed.get(sha) or ParsedFile(None) for p, sha in old_shas.items()}
        new = {p: parsed.get(shas[p]) or ParsedFile(None) for p in changed}
        return overlay(base, shas, old, new)


def _with_terms(summary: Summary, builder: SummaryBuilder) -> Summary:
    summary.postings = builder.packed_postings()
    summary.name_parts = builder.name_parts
    return summary


class NewestSummary(NamedTuple):
    key: str
    summary: Summary


def read_newest(store: BlobStore) -> NewestSummary | None:
    """The most recently saved summary: usually the one a warm run wants, or the base of its
    corrections, so it can be read while git is still listing the files."""
    latest = store.latest_summary()
    summary = _load(store, *latest) if latest else None
    return NewestSummary(latest[0], summary) if latest and summary is not None else None


class _Changes(NamedTuple):
    changed: list[str]  # paths whose blob differs from the base's, or that it lacks
    gone: list[str]  # the base's paths that are no longer here
    old_shas: dict[str, str]  # the base's blob of each changed or gone path it has


def _changes(base: Summary, shas: dict[str, str]) -> _Changes:
    """What differs between `base` and the current files `shas`, found in one pass over each."""
    before = dict(zip(base.paths, base.shas))
    changed = [p for p, sha in shas.items() if before.get(p) != sha]
    gone = [p for p in before if p not in shas]
    return _Changes(changed, gone, {p: before[p] for p in changed + gone if p in before})


def _load(store: BlobStore, key: str, payload: bytes | None) -> Summary | None:
    return Summary.loads(payload, partial(store.get_summary_terms, key), partial(store.get_summary_names, key)) if payload else None
