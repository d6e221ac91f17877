"""The code index of a repository's current files: tags by file, definitions and references by name."""

from __future__ import annotations

import gc
import time
from bisect import bisect_right
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, partial
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from llmdev.code.languages import language_for
from llmdev.code.store import BlobStore, store_path
from llmdev.code.summary import Summary
from llmdev.code.tags import ParsedFile, Tag, add_tags, parse_file, tags_of

if TYPE_CHECKING:
    from llmdev.code.history import History
    from llmdev.repo.discovery import Repository
    from llmdev.repo.files import ExtraRule

__all__ = ["CodeIndex", "IndexStats", "Tag", "load_index", "parse_source"]

PRUNED = "pruned"  # meta key: the summary key of the file set the store was last pruned for


@dataclass
class IndexStats:
    files: int = 0
    bytes: int = 0
    parsed_files: int = 0
    parsed_bytes: int = 0
    seconds: float = 0.0
    store: str = ""
    skipped: int = 0
    paths: list[str] = field(default_factory=list, repr=False)

    @property
    def languages(self) -> Counter[str]:
        """Files per language, counted when asked for (it looks at every path)."""
        return Counter(language_for(p) or "other" for p in self.paths)


# Reads blobs for tagging a file on demand: {sha: path} -> {sha: text, None when unreadable}.
BlobReader = Callable[[dict[str, str]], dict[str, "str | None"]]


class CodeIndex:
    """Tags of every indexed file. Parsed files are read from the store on first use; a test
    file's tags are extracted the first time they are asked for, and stored."""

    def __init__(
        self,
        shas: dict[str, str],
        store: BlobStore,
        summary: Summary,
        entries: dict[str, ParsedFile] | None = None,
        read_blobs: BlobReader | None = None,
        read_history: "Callable[[], History | None] | None" = None,
        read_changes: "Callable[[], set[str]] | None" = None,
    ) -> None:
        self.shas = shas
        self.store = store
        self.summary = summary
        self.read_blobs = read_blobs
        self.read_history = read_history
        self.read_changes = read_changes
        self._history: "History | None" = None
        self._history_read = False
        self._changes: set[str] | None = None
        self.stats = IndexStats(files=len(shas))
        self._entries: dict[str, ParsedFile] = dict(entries or {})
        self._tags: dict[str, list[Tag]] = {}
        self._untaggable: set[str] = set()
        self._named: dict[str, dict[str, list[Tag]]] = {}  # path -> its definitions by name
        self._definitions: dict[str, list[Tag]] = {}  # path -> its definitions, made once per run
        self._blobs: dict[str, ParsedFile | None] = {}  # blob -> its stored parse (stored_blob)

    def history(self) -> "History | None":
        """What past commits said about each file (history.py), read on first use; None without commits."""
        if not self._history_read:
            self._history = self.read_history() if self.read_history else None
            self._history_read = True
        return self._history

    def changes(self) -> set[str]:
        """Paths whose work-tree or staged content differs from HEAD, and untracked ones (the work in
        progress), read on first use; empty where git cannot say."""
        if self._changes is None:
            self._changes = self.read_changes() if self.read_changes else set()
        return self._changes

    def files(self) -> list[str]:
        """Every indexed path, sorted."""
        return sorted(self.summary.visible())

    def parsed(self, path: str) -> ParsedFile | None:
        """Everything stored for `path`: definitions, references and terms."""
        if self._wants_loading(path, full=True):
            self.preload([path])
        return self._entries.get(path)

    def preload(self, paths: Iterable[str], *, full: bool = True) -> None:
        """Read several files' parsed data from the store in one go; full=False: definitions only."""
        wanted = {self.shas[path]: path for path in paths if self._wants_loading(path, full=full)}
        if not wanted:
            return
        held = {sha: e for sha, path in wanted.items() if (e := self._entries.get(path)) is not None and e.complete}
        missing = [sha for sha in wanted if sha not in held]
        found = {**held, **self.store.get_many(missing, full=full)} if missing else held
        untagged = {sha: path for sha, path in wanted.items() if sha in found and not found[sha].tagged}
        if untagged:
            found.update(self._tag(untagged, found))
        for sha, path in wanted.items():
            self._entries[path] = found.get(sha) or ParsedFile(None)

    def _wants_loading(self, path: str, *, full: bool) -> bool:
        if path not in self.shas:
            return False
        entry = self._entries.get(path)
        if entry is None or (full and not entry.complete):
            return True
        return not entry.tagged and self.shas[path] not in self._untaggable

    def _tag(self, wanted: dict[str, str], found: dict[str, ParsedFile]) -> dict[str, ParsedFile]:
        """Files whose tags were left for later (tests), with their tags, saved back to the store."""
        texts = self.read_blobs(wanted) if self.read_blobs else {}
        heads_only = [sha for sha in wanted if not found[sha].complete]
        rows = {**found, **self.store.get_many(heads_only)} if heads_only else found
        done: dict[str, ParsedFile] = {}
        for sha in wanted:
            text, parsed = texts.get(sha), rows.get(sha)
            if text is not None and parsed is not None and parsed.complete:
                done[sha] = add_tags(parsed, text)
            else:
                self._untaggable.add(sha)  # content gone: not asked again in this run
        self.store.put_many(done.items())
        return done

    def prefetch_blobs(self, shas: Iterable[str]) -> None:
        """Read the stored parses of these blobs (e.g. both sides of a diff) in one go, for `stored_blob`."""
        wanted = [sha for sha in shas if sha not in self._blobs]
        if wanted:
            found = self.store.get_many(wanted)
            self._blobs.update((sha, found.get(sha)) for sha in wanted)

    def stored_blob(self, sha: str) -> ParsedFile | None:
        """A blob's stored parse (prefetched or read now), or None."""
        if sha not in self._blobs:
            self.prefetch_blobs([sha])
        return self._blobs.get(sha)

    def definition_tags(self, path: str) -> list[Tag]:
        """Only the definitions of `path` (cheaper than `tags` when references are not needed)."""
        if path in self._tags:
            return [t for t in self._tags[path] if t.is_definition]
        if self._wants_loading(path, full=False):
            self.preload([path], full=False)
        made = self._definitions.get(path)
        if made is None:
            entry = self._entries.get(path)
            made = tags_of(ParsedFile(entry.language, entry.definitions)) if entry else []
            if entry is not None and (entry.tagged or self.shas[path] in self._untaggable):
                self._definitions[path] = made  # final: no later load changes this file's definitions
        return list(made)

    def stored_definitions(self) -> Iterator[tuple[str, Tag]]:
        """Every definition the store holds for the current files, read in one go, without
        extracting the tags of test files that wait for first use."""
        heads = self.store.get_many(self.shas.values(), full=False)
        for path in self.files():
            head = heads.get(self.shas[path])
            if head is not None:
                yield from ((path, tag) for tag in tags_of(head))

    def tags(self, path: str) -> list[Tag]:
        """Definitions and references of `path`, ordered by line; [] for unknown files."""
        if path not in self._tags:
            parsed = self.parsed(path)
            self._tags[path] = tags_of(parsed) if parsed else []
        return self._tags[path]

    def definitions(self, name: str) -> list[tuple[str, Tag]]:
        """Where `name` is defined: the files the summary knows define it, then any test file
        already loaded in this run (tests' definitions are not in the summary)."""
        return list(self.iter_definitions(name))

    def iter_definitions(self, name: str, chunk: int = 16) -> Iterator[tuple[str, Tag]]:
        """(path, tag) definitions of `name`, in the order `definitions` gives them, reading only
        the definitions of a few files at a time: a caller that needs the first few does not load
        every file defining a common name such as `get`."""
        paths = [self.summary.paths[i] for i in self.summary.definers.get(name, ())]
        known = set(paths)
        paths += [p for p, e in self._entries.items() if e.identifiers is not None and e.complete and p not in known]
        for start in range(0, len(paths), chunk):
            batch = paths[start : start + chunk]
            self.preload(batch, full=False)
            for path in batch:
                yield from ((path, tag) for tag in self._definitions_by_name(path).get(name, ()))

    def _definitions_by_name(self, path: str) -> dict[str, list[Tag]]:
        if path not in self._named:
            named: dict[str, list[Tag]] = {}
            for tag in self.definition_tags(path):
                named.setdefault(tag.name, []).append(tag)
            self._named[path] = named
        return self._named[path]

    def references(self, name: str) -> list[tuple[str, int]]:
        """Every (path, line) that references `name`."""
        return list(self.iter_references(name))

    def iter_references(self, name: str, chunk: int = 16) -> Iterator[tuple[str, int]]:
        """(path, line) references to `name`, file by file, loading files a few at a time: a
        caller that needs only the first few does not extract the tags of every test file
        that mentions the name."""
        paths = [self.summary.paths[i] for i in self.summary.referrers.get(name, ())]
        for start in range(0, len(paths), chunk):
            batch = paths[start : start + chunk]
            self.preload(batch)
            for path in batch:
                yield from ((path, tag.line) for tag in self.tags(path) if not tag.is_definition and tag.name == name)

    def enclosing(self, path: str, line: int) -> Tag | None:
        """The innermost definition in `path` whose span contains `line`."""
        return innermost(self.tags(path), line)


def innermost(tags: list[Tag], line: int) -> Tag | None:
    """The definition with the smallest span that contains `line`."""
    starts = [t.line for t in tags]
    best: Tag | None = None
    for tag in tags[: bisect_right(starts, line)]:
        if tag.is_definition and tag.line <= line <= tag.end_line:
            if best is None or (tag.end_line - tag.line) <= (best.end_line - best.line):
                best = tag
    return best


def parse_source(path: str, text: str) -> list[Tag]:
    """Tags of content that is not in the working tree (the git index, an old revision)."""
    return tags_of(parse_file(path, text))


def open_store(repo: "Repository") -> BlobStore:
    return BlobStore(store_path(repo.common_dir))


def load_index(repo: "Repository", *, show_progress: bool = True, rebuild: bool = False, settings: object = None) -> CodeIndex:
    """The index of the repository's current files: cached blobs reused, the rest parsed (in parallel)."""
    from llmdev.code.build import parse_files
    from llmdev.code.history import load_history
    from llmdev.code.refresh import NewestSummary, SummaryRefresh, read_newest
    from llmdev.repo.files import list_files, uncommitted_paths

    started = time.perf_counter()
    store = open_store(repo)
    if rebuild:
        store.clear()
    with _cycle_collection_paused():
        newest: list[NewestSummary | None] = []  # read while git lists the files
        listing = list_files(
            repo, settings=settings, cache=store, extra=private_paths_rule(settings), meanwhile=lambda: newest.append(read_newest(store))
        )
        current = {f.path: f.blob_sha for f in listing.files}
        refresh = SummaryRefresh.start(store, current, newest.pop() if newest else None)  # not held through a build
        if store.get_meta(PRUNED) != refresh.key:  # the same files as when last pruned: nothing new to prune
            store.prune(_stale_outside_git(repo, store.stored() - set(current.values())))
            store.set_meta(PRUNED, refresh.key)
        # A saved summary was made when every one of its files was stored: only the others are looked up.
        vouched = refresh.stored_blobs()
        known = vouched | store.known(sha for sha in current.values() if sha not in vouched)
        missing = [f for f in listing.files if f.blob_sha not in known]
        fresh = parse_files(repo.root, missing, store=store, show_progress=show_progress, on_facts=refresh.feed)
        shas = {path: sha for path, sha in current.items() if sha in known or sha in fresh}
        summary = refresh.finish(shas, fresh)
    # Parsed files load from the store on first use; keep them here only if the store lost them.
    entries = {p: e for p, sha in shas.items() if (e := fresh.get(sha)) is not None} if fresh.unsaved else {}
    index = CodeIndex(shas, store, summary, entries, partial(_read_blobs, repo), partial(load_history, repo, store), partial(uncommitted_paths, repo, check=False))
    index.stats = _stats(listing, missing, shas, store, time.perf_counter() - started)
    return index


def _stale_outside_git(repo: "Repository", stale: set[str]) -> list[str]:
    """Stored blobs of files no longer here that git does not hold either (deleted or edited before
    a commit): the index must not be the last copy of their text. Blobs git holds (other branches)
    stay, so a branch switch reuses them."""
    wanted = sorted(sha for sha in stale if sha.isalnum())
    if not wanted:
        return []
    out = repo.git_bytes("cat-file", "--batch-check", input="".join(s + "\n" for s in wanted).encode("ascii"), check=False)
    if not out:
        return []  # git could not answer: keep everything rather than guess
    held = {line.split(b" ")[0].decode("ascii") for line in out.splitlines() if not line.endswith(b" missing")}
    return [sha for sha in wanted if sha not in held]


def private_paths_rule(settings: object = None) -> "ExtraRule":
    """The private paths ([privacy] paths and the built-ins) as a listing rule: their code never
    enters the index, so no map, definition or caller block can carry it into a prompt."""
    from llmdev.privacy.paths import DEFAULT_PRIVATE_PATHS, PathRules, index_paths
    from llmdev.repo.files import ExtraRule

    extra = index_paths(settings)
    # Compiled on first use: a warm listing checks no path and never needs them.
    rules = cache(lambda: PathRules(extra))

    def reason(path: str) -> str | None:
        return None if rules().matching_pattern(path) is None else "private path ([privacy] paths)"

    return ExtraRule("private:" + "\0".join([*DEFAULT_PRIVATE_PATHS, *extra]), reason)


def _read_blobs(repo: "Repository", wanted: dict[str, str]) -> dict[str, str | None]:
    """The text of each blob {sha: path}: the working file when it still holds that blob (as the
    parsing workers read it), else git's copy; the working file's text as a last resort."""
    from llmdev.repo.files import blob_id, decode_text, read_blobs

    texts: dict[str, str | None] = {}
    current: dict[str, bytes | None] = {}
    for sha, path in wanted.items():
        try:
            data: bytes | None = (repo.root / path).read_bytes()
        except OSError:
            data = None
        if data is not None and blob_id(data, len(sha)) == sha:
            texts[sha] = decode_text(data)
        else:
            current[sha] = data
    if current:
        stored = read_blobs(repo, list(current))
        texts.update((sha, decode_text(stored.get(sha) or data)) for sha, data in current.items())
    return texts


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Building or loading a summary (or a saved listing) makes hundreds of thousands of small objects
    and no cycles; the cycle collector would walk them again and again (half the time of a summary build).
    Afterwards they are frozen (`gc.freeze`): re-enabled, the collector would otherwise walk all of them
    once more as young objects (40-70 ms on 36k files). Reference counting still frees them, but a
    cycle that was alive when frozen is never collected, so this is done once per process (a
    command's single index load; a chat session's first)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if not gc.get_freeze_count():
            gc.freeze()
        if was_enabled:
            gc.enable()


def _stats(listing: object, missing: list, shas: dict[str, str], store: BlobStore, seconds: float) -> IndexStats:
    files = getattr(listing, "files")
    return IndexStats(
        files=len(shas),
        bytes=sum(f.size for f in files),
        parsed_files=len(missing),
        parsed_bytes=sum(f.size for f in missing),
        seconds=seconds,
        store=str(store.path or ":memory:"),
        skipped=len(getattr(listing, "skipped")),
        paths=list(shas),
    )
