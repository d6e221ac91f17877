"""The review result cache."""

from __future__ import annotations

import os
from pathlib import Path

from llmdev.review import cache
from llmdev.review.findings import Finding


def test_entries_round_trip_under_the_user_cache_dir() -> None:
    key = "ab" + "0" * 62
    cache.store(key, [Finding("a.py", 1, 2, "high", "security", "t", "m", "s")], "sum", "ollama/x", {"input_tokens": 5})
    assert cache.cache_root() == Path(os.environ["LLMDEV_CACHE_DIR"]) / "review"
    entry = cache.load(key)
    assert entry is not None and entry["summary"] == "sum" and entry["model"] == "ollama/x"
    [finding] = cache.cached_findings(entry)
    assert (finding.path, finding.end_line, finding.suggestion) == ("a.py", 2, "s")


def test_a_broken_entry_is_a_miss() -> None:
    key = "cd" + "1" * 62
    path = cache.cache_root() / key[:2] / f"{key}.json"
    path.parent.mkdir(parents=True)
    path.write_text("{truncated")
    assert cache.load(key) is None
    assert cache.load("ef" + "2" * 62) is None
