"""The per-provider request limit and the ordered runner."""

from __future__ import annotations

import threading
import time

import pytest

from llmdev.concurrency import default_limit, provider_limit, provider_slot, run_ordered
from llmdev.config.schema import ProviderConfig, SchemaError, Settings, parse


def test_results_come_back_in_the_order_of_the_items_when_they_end_in_reverse() -> None:
    ended: list[int] = []
    threads: set[str] = set()

    def work(item: int) -> str:
        time.sleep(0.05 * (4 - item))  # the first item ends last
        return f"result {item}"

    def done(index: int, result: str) -> None:
        ended.append(index)
        threads.add(threading.current_thread().name)

    assert run_ordered(work, [0, 1, 2, 3], 4, done) == ["result 0", "result 1", "result 2", "result 3"]
    assert ended == [3, 2, 1, 0]
    assert threads == {threading.current_thread().name}  # progress is reported from the calling thread


def test_after_a_failure_nothing_new_starts_and_the_first_failed_item_is_raised() -> None:
    started: list[int] = []

    def work(item: int) -> int:
        started.append(item)
        if item == 0:
            time.sleep(0.1)
            raise ValueError("item 0 failed")
        if item == 1:
            time.sleep(0.05)
            raise KeyError("item 1 failed first")
        time.sleep(0.3)
        return item

    with pytest.raises(ValueError, match="item 0 failed"):  # item order, not the order they failed in
        run_ordered(work, list(range(8)), 3)
    assert sorted(started) == [0, 1, 2]


def test_one_worker_runs_the_items_one_after_another_in_this_thread() -> None:
    seen: list[str] = []
    assert run_ordered(lambda item: seen.append(threading.current_thread().name) or item, [1, 2], 1) == [1, 2]
    assert seen == [threading.current_thread().name] * 2


def test_default_limits_follow_the_kind_of_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OLLAMA_NUM_PARALLEL", raising=False)
    assert default_limit(ProviderConfig(kind="ollama")) == 2
    monkeypatch.setenv("OLLAMA_NUM_PARALLEL", "3")
    assert default_limit(ProviderConfig(kind="ollama")) == 3
    monkeypatch.setenv("OLLAMA_NUM_PARALLEL", "many")
    assert default_limit(ProviderConfig(kind="ollama")) == 2
    assert default_limit(ProviderConfig(kind="openai", base_url="https://api.openai.com/v1/")) == 8
    assert default_limit(ProviderConfig(kind="openai", base_url="http://gpu-box:8000/v1")) == 4


def test_a_configured_concurrency_wins_and_must_be_positive() -> None:
    settings = Settings(providers={"vllm": ProviderConfig(kind="openai", base_url="http://x/v1", concurrency=16)})
    assert provider_limit("vllm", settings) == 16
    with pytest.raises(SchemaError, match="concurrency: expected `int` >= 1"):
        parse(ProviderConfig, {"kind": "openai", "concurrency": 0})


def test_a_provider_slot_holds_requests_to_the_limit_across_threads() -> None:
    settings = Settings(providers={"pool": ProviderConfig(kind="openai", base_url="http://pool/v1", concurrency=2)})
    inside = 0
    most = 0
    lock = threading.Lock()

    def request(_: int) -> None:
        nonlocal inside, most
        with provider_slot("pool", settings):
            with lock:
                inside += 1
                most = max(most, inside)
            time.sleep(0.05)
            with lock:
                inside -= 1

    run_ordered(request, list(range(6)), 6)
    assert most == 2


def test_ctrl_c_returns_at_once_without_waiting_for_requests_on_the_wire() -> None:
    def work(item: int) -> int:
        if item:
            time.sleep(3)
        return item

    def interrupted(index: int, result: int) -> None:
        raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_ordered(work, [0, 1, 2], 3, interrupted)
    assert time.monotonic() - started < 1.0
