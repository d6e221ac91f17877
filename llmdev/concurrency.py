"""Requests in parallel, within limits: one bounded semaphore per provider, shared by the whole run,
and a small ordered runner that returns results in the order of its inputs, whatever order they end in.

The clients are synchronous, so parallel requests run on threads. Worker threads are daemons: Ctrl-C
in the main thread ends the run at once instead of waiting for requests already on the wire.
"""

from __future__ import annotations

import contextvars
import os
import queue
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence, TypeVar

if TYPE_CHECKING:
    from llmdev.config.schema import ProviderConfig, Settings

Item = TypeVar("Item")
Result = TypeVar("Result")

OLLAMA_DEFAULT = 2  # Ollama serves 1 (or 4 with ample memory) per model unless OLLAMA_NUM_PARALLEL says more
OPENAI_DEFAULT = 8  # api.openai.com: rate limits, answered with 429 + Retry-After, are the real bound
COMPATIBLE_DEFAULT = 4  # a declared OpenAI-compatible server (vLLM, llama-server, a proxy)
OPENAI_URL = "https://api.openai.com/v1"

_slots: dict[tuple[str, str, int], threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


def _ollama_parallel() -> int | None:
    value = os.environ.get("OLLAMA_NUM_PARALLEL", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def default_limit(config: "ProviderConfig") -> int:
    """Parallel requests a provider gets when its `concurrency` is not set."""
    if config.kind == "ollama":
        return _ollama_parallel() or OLLAMA_DEFAULT
    if (config.base_url or OPENAI_URL).rstrip("/") == OPENAI_URL:
        return OPENAI_DEFAULT
    return COMPATIBLE_DEFAULT


def provider_limit(provider: str, settings: "Settings") -> int:
    """How many requests may be in flight to `provider` at once: `[providers.X] concurrency`, else a default."""
    config = settings.providers[provider]
    return config.concurrency or default_limit(config)


@contextmanager
def provider_slot(provider: str, settings: "Settings") -> Iterator[None]:
    """Hold one of the provider's request slots for the block; waits while all are taken."""
    config = settings.providers[provider]
    limit = provider_limit(provider, settings)
    key = (provider, config.base_url or "", limit)
    with _slots_lock:
        semaphore = _slots.setdefault(key, threading.BoundedSemaphore(limit))
    with semaphore:
        yield


def run_ordered(
    work: Callable[[Item], Result],
    items: Sequence[Item],
    workers: int,
    on_done: Callable[[int, Result], None] | None = None,
) -> list[Result]:
    """`work(item)` for every item, on up to `workers` threads; the results in the items' order.

    `on_done(index, result)` runs in the calling thread as each item ends, so console output stays in one thread.
    After a failure (of `work`, or of `on_done`) no further item starts; once the started ones end, the
    error of the first failed item (in item order) is raised, so the same inputs fail the same way
    whatever the timing. Ctrl-C returns at once.
    """
    if workers <= 1 or len(items) <= 1:
        results = []
        for index, item in enumerate(items):
            results.append(work(item))
            if on_done is not None:
                on_done(index, results[-1])
        return results
    return _OrderedRun(work, items, on_done).run(min(workers, len(items)))


class _OrderedRun:
    def __init__(self, work: Callable, items: Sequence, on_done: Callable[[int, Any], None] | None) -> None:
        self.work = work
        self.items = list(items)
        self.on_done = on_done
        self.next_index = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.ended: queue.Queue[tuple[int, bool, object]] = queue.Queue()

    def _take(self) -> int | None:
        with self.lock:
            if self.stop.is_set() or self.next_index >= len(self.items):
                return None
            self.next_index += 1
            return self.next_index - 1

    def _worker(self) -> None:
        while (index := self._take()) is not None:
            try:
                self.ended.put((index, True, self.work(self.items[index])))
            except BaseException as exc:  # handed to the calling thread, which raises it
                self.stop.set()
                self.ended.put((index, False, exc))

    def run(self, workers: int) -> list:
        for _ in range(workers):
            # Each worker sees the caller's context variables (e.g. who collects the calls' records).
            context = contextvars.copy_context()
            threading.Thread(target=context.run, args=(self._worker,), daemon=True).start()
        results: dict[int, object] = {}
        failures: dict[int, BaseException] = {}
        try:
            while len(results) + len(failures) < self._started():
                index, ok, value = self.ended.get()
                try:
                    if not ok:
                        raise value  # type: ignore[misc]
                    if self.on_done is not None:
                        self.on_done(index, value)
                    results[index] = value
                except Exception as exc:  # the item's, or on_done's for it: wait for the started ones
                    self.stop.set()
                    failures[index] = exc
        except BaseException:
            self.stop.set()  # Ctrl-C: start nothing more; the daemon threads end with the process
            raise
        if failures:
            raise failures[min(failures)]
        return [results[i] for i in range(len(self.items))]

    def _started(self) -> int:
        """Items taken so far, or all of them while none has failed (more will be taken)."""
        with self.lock:
            return self.next_index if self.stop.is_set() else len(self.items)
