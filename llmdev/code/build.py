"""Parse the files the store does not know yet, on all cores when there is enough work."""

from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, ContextManager, Iterator, Sequence

from llmdev.code.store import BlobStore, EncodedRow, encode
from llmdev.code.tags import ParsedFile, parse_file

if TYPE_CHECKING:
    from llmdev.repo.files import RepoFile

# Below this much work a process pool costs more than it saves.
PARALLEL_MIN_BYTES = 1_500_000
PARALLEL_MIN_FILES = 40
BATCH_BYTES = 400_000
PROGRESS_MIN_FILES = 200


def parse_bytes(path: str, data: bytes) -> ParsedFile:
    """A blob's tags and terms; binary or non-UTF-8 content is kept as an empty entry."""
    if b"\0" in data[:8192]:
        return ParsedFile(None)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return ParsedFile(None)
    return parse_file(path, text, data)


def parse_batch(root: str, batch: Sequence[tuple[str, str]]) -> list[EncodedRow]:
    """Worker: (path, sha) pairs read from the work tree -> (sha, head, tail) as the store keeps them."""
    results = []
    for path, sha in batch:
        try:
            data = Path(root, path).read_bytes()
        except OSError:
            continue
        results.append(encode(sha, parse_bytes(path, data)))
    return results


def _keep(rows: list[EncodedRow], store: BlobStore, parsed: dict[str, ParsedFile]) -> None:
    store.put_encoded(rows)
    for sha, head, tail in rows:
        parsed[sha] = ParsedFile.from_parts(marshal.loads(head), marshal.loads(tail))


def _batches(files: Sequence["RepoFile"]) -> Iterator[list["RepoFile"]]:
    """Largest files first, grouped into batches of about BATCH_BYTES, so workers finish together."""
    batch: list["RepoFile"] = []
    size = 0
    for repo_file in sorted(files, key=lambda f: -f.size):
        batch.append(repo_file)
        size += repo_file.size
        if size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def parse_files(root: Path, files: Sequence["RepoFile"], *, store: BlobStore, show_progress: bool) -> dict[str, ParsedFile]:
    """Parse `files` from the work tree into `store`; returns the parsed files by blob SHA."""
    if not files:
        return {}
    total = sum(f.size for f in files)
    workers = os.cpu_count() or 1
    batches = list(_batches(files))
    if workers > 1 and total >= PARALLEL_MIN_BYTES and len(files) >= PARALLEL_MIN_FILES:
        return _parse_in_pool(str(root), batches, min(workers, len(batches)), store, show_progress)
    return _parse_here(str(root), batches, store, show_progress and len(files) >= PROGRESS_MIN_FILES)


def _parse_here(root: str, batches: list[list["RepoFile"]], store: BlobStore, show_progress: bool) -> dict[str, ParsedFile]:
    parsed: dict[str, ParsedFile] = {}
    with _maybe_progress(show_progress, sum(len(b) for b in batches)) as bar:
        for batch in batches:
            _keep(parse_batch(root, [(f.path, f.blob_sha) for f in batch]), store, parsed)
            bar.advance(len(batch))
    return parsed


def _parse_in_pool(
    root: str, batches: list[list["RepoFile"]], workers: int, store: BlobStore, show_progress: bool
) -> dict[str, ParsedFile]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    parsed: dict[str, ParsedFile] = {}
    # Workers start on the first submit, before the progress bar's thread exists.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method)) as pool:
        futures = {pool.submit(parse_batch, root, [(f.path, f.blob_sha) for f in b]): len(b) for b in batches}
        with _maybe_progress(show_progress, sum(futures.values())) as bar:
            for future in as_completed(futures):
                _keep(future.result(), store, parsed)
                bar.advance(futures[future])
    return parsed


class _NoBar:
    def advance(self, amount: float = 1) -> None:
        pass


def _maybe_progress(show: bool, total: int) -> ContextManager[Any]:
    from contextlib import nullcontext

    from llmdev import console

    if not show:
        return nullcontext(_NoBar())
    return console.progress("indexing", total=total)
