"""The index store's keyed tables: the newest rows found by their age index, without their payloads."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from llmdev.code.store import BlobStore


def test_the_latest_summary_is_the_newest_saved(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "index.sqlite")
    assert store.latest_summary() is None
    for key in ("first", "second", "third"):
        assert store.put_summary(key, key.encode() * 1000, [(0, b"terms")])
        time.sleep(0.01)
    assert store.latest_summary() == ("third", b"third" * 1000)
    assert store.put_summary("first", b"again", [])  # saved again: newest now
    assert store.latest_summary() == ("first", b"again")


def test_an_older_store_gets_the_age_indexes_and_uses_them(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    BlobStore(path).close()
    db = sqlite3.connect(path)
    for table in ("summaries", "histories", "listings"):
        db.execute(f"DROP INDEX {table}_by_age")
    db.commit()
    db.close()
    store = BlobStore(path)  # opened by this version: the indexes are made again
    plan = store._db.execute("EXPLAIN QUERY PLAN SELECT key FROM summaries ORDER BY saved DESC LIMIT 1").fetchall()
    assert any("summaries_by_age" in str(step) for step in plan)
    names = {row[0] for row in store._db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"summaries_by_age", "histories_by_age", "listings_by_age"} <= names
