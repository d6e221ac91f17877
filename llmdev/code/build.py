"""Parse the files the store does not know yet, on all cores when there is enough work."""

from __future__ import annotations

import marshal
import os
import time
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ContextManager, Iterator, Sequence

from llmdev.code.store import BlobStore, EncodedRow, decode, encode
from llmdev.code.summary_build import FileFacts, facts_of
from llmdev.code.tags import ParsedFile, parse_file
from llmdev.repo.files import decode_text

if TYPE_CHECKING:
    from llmdev.repo.files import RepoFile

# Below this much work a process pool costs more than it saves.
PARALLEL_MIN_BYTES = 1_500_000
PARALLEL_MIN_FILES = 40
BATCH_BYTES = 300_000
PROGRESS_DELAY = 1.0  # seconds of indexing before the bar appears

# Called with each parsed blob's SHA and summary facts, batch by batch as they finish.
FactsSink = Callable[[str, FileFacts], None]
# What a worker returns: the rows the store keeps, and (sha, facts) pairs marshalled.
BatchResult = tuple[list[EncodedRow], bytes]


class FreshParses:
    """The blobs parsed in this run. Their rows are read back from the store when asked for;
    only rows the store could not keep are held here (so memory does not grow with the repository)."""

    def __init__(self, store: BlobStore | None = None) -> None:
        self.store = store
        self.shas: set[str] = set()
        self.rows: dict[str, tuple[bytes, bytes]] = {}  # the ones the store did not keep
        self.unsaved = False  # True when the store could not keep some

    def __contains__(self, sha: object) -> bool:
        return sha in self.shas

    def __len__(self) -> int:
        return len(self.shas)

    def add(self, rows: list[EncodedRow], saved: bool) -> None:
        self.shas.update(sha for sha, _, _ in rows)
        if not saved:
            self.unsaved = True
            self.rows.update((sha, (head, tail)) for sha, head, tail in rows)

    def get(self, sha: str) -> ParsedFile | None:
        if sha not in self.shas:
            return None
        row = self.rows.get(sha)
        if row is not None:
            return decode(*row)
        return self.store.get_many([sha]).get(sha) if self.store is not None else None


def parse_bytes(path: str, data: bytes) -> ParsedFile:
    """A blob's tags and terms (a test file's tags wait until asked for); binary or non-UTF-8
    content is kept as an empty entry."""
    text = decode_text(data)
    return ParsedFile(None) if text is None else parse_file(path, text, data, tags=False)


def parse_batch(root: str, batch: Sequence[tuple[str, str]]) -> BatchResult:
    """Worker: (path, sha) pairs read from the work tree -> the stored rows, and each file's
    summary facts (marshalled: they load several times faster than the rows would)."""
    rows: list[EncodedRow] = []
    facts: list[tuple[str, tuple[Any, ...]]] = []
    for path, sha in batch:
        try:
            data = Path(root, path).read_bytes()
        except OSError:
            continue
        parsed = parse_bytes(path, data)
        rows.append(encode(sha, parsed))
        facts.append((sha, facts_of(parsed).to_tuple()))
    return rows, marshal.dumps(facts)


def _batches(files: Sequence["RepoFile"]) -> Iterator[list["RepoFile"]]:
    """Files in the order given (distinct blobs only), in batches of about BATCH_BYTES: the facts
    come back nearly in order, and small batches keep the workers finishing together."""
    batch: list["RepoFile"] = []
    size = 0
    seen: set[str] = set()
    for repo_file in files:
        if repo_file.blob_sha in seen:
            continue
        seen.add(repo_file.blob_sha)
        batch.append(repo_file)
        size += repo_file.size
        if size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def parse_files(
    root: Path, files: Sequence["RepoFile"], *, store: BlobStore, show_progress: bool, on_facts: FactsSink | None = None
) -> FreshParses:
    """Parse `files` from the work tree into `store`; `on_facts` hears of each file as it is done."""
    fresh = FreshParses(store)
    if not files:
        return fresh
    total = sum(f.size for f in files)
    workers = os.cpu_count() or 1
    batches = list(_batches(files))
    keep = _Keeper(store, fresh, on_facts)
    if workers > 1 and total >= PARALLEL_MIN_BYTES and len(files) >= PARALLEL_MIN_FILES:
        _parse_in_pool(str(root), batches, min(workers, len(batches)), keep, show_progress)
    else:
        _parse_here(str(root), batches, keep, show_progress)
    return fresh


class _Keeper:
    """Stores each batch's rows and passes its facts on."""

    def __init__(self, store: BlobStore, fresh: FreshParses, on_facts: FactsSink | None) -> None:
        self.store = store
        self.fresh = fresh
        self.on_facts = on_facts

    def __call__(self, result: BatchResult) -> None:
        rows, facts = result
        self.fresh.add(rows, self.store.put_encoded(rows))
        if self.on_facts is not None:
            for sha, values in marshal.loads(facts):
                self.on_facts(sha, FileFacts(*values))


def _parse_here(root: str, batches: list[list["RepoFile"]], keep: _Keeper, show_progress: bool) -> None:
    with _maybe_progress(show_progress, sum(len(b) for b in batches)) as bar:
        for batch in batches:
            keep(parse_batch(root, [(f.path, f.blob_sha) for f in batch]))
            bar.advance(len(batch))


def _parse_in_pool(root: str, batches: list[list["RepoFile"]], workers: int, keep: _Keeper, show_progress: bool) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    context = multiprocessing.get_context(method)
    # Workers start on the first submit, before the progress bar's thread exists.
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker) as pool:
        futures = {pool.submit(parse_batch, root, [(f.path, f.blob_sha) for f in b]): len(b) for b in batches}
        with _maybe_progress(show_progress, sum(futures.values())) as bar:
            for future in as_completed(futures):
                keep(future.result())
                bar.advance(futures.pop(future))  # a finished batch's rows are not held until the end


def _start_worker() -> None:
    """A worker only parses: its objects die young and form no cycles, so the cycle collector
    would only cost time."""
    import gc

    gc.disable()


class _NoBar:
    def advance(self, amount: float = 1) -> None:
        pass


class _BarAfterASecond:
    """The indexing bar (files, files/s, time left), shown once the work has taken a second:
    a quick index stays silent."""

    def __init__(self, total: int, delay: float = PROGRESS_DELAY) -> None:
        self.total = total
        self.delay = delay
        self.started = time.monotonic()
        self.done = 0
        self.stack = ExitStack()
        self.bar: Any = None

    def advance(self, amount: float = 1) -> None:
        self.done += int(amount)
        if self.bar is not None:
            self.bar.advance(amount)
        elif time.monotonic() - self.started >= self.delay:
            from llmdev import console

            self.bar = self.stack.enter_context(console.progress("indexing", total=self.total, unit="files", completed=self.done))

    def __enter__(self) -> "_BarAfterASecond":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stack.close()


def _maybe_progress(show: bool, total: int) -> ContextManager[Any]:
    from contextlib import nullcontext

    if not show:
        return nullcontext(_NoBar())
    return _BarAfterASecond(total)
