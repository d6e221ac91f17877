"""The persistent tag store: parsed files keyed by git blob SHA, in one SQLite file.

Content-addressed, so switching branches or checking out old commits reuses what was parsed.
SQLite (WAL, busy timeout) lets several llmdev processes write at once without corruption;
a store that is corrupt, unreadable or from another index version is recreated, never fatal.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sqlite3
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

from llmdev.code.languages import QUERIES
from llmdev.code.tags import ParsedFile

# Bump when ParsedFile's row layout or the tag extraction changes meaning.
INDEX_VERSION = 15
STORE_NAME = "index.sqlite"
CHUNK = 500
KEEP_SUMMARIES = 4
EncodedRow = tuple[str, bytes, bytes]
TABLES = {
    "blobs": "sha TEXT PRIMARY KEY, head BLOB NOT NULL, tail BLOB NOT NULL",
    "summaries": "key TEXT PRIMARY KEY, payload BLOB NOT NULL, saved REAL NOT NULL",
    "summary_terms": "key TEXT, bucket INTEGER, payload BLOB NOT NULL, PRIMARY KEY (key, bucket)",
    "summary_names": "key TEXT, bucket INTEGER, payload BLOB NOT NULL, PRIMARY KEY (key, bucket)",
    "histories": "key TEXT PRIMARY KEY, payload BLOB NOT NULL, saved REAL NOT NULL",
    "listings": "key TEXT PRIMARY KEY, payload BLOB NOT NULL, saved REAL NOT NULL",
}
AGED = ("summaries", "histories", "listings")  # keyed tables whose oldest rows are dropped
KEEP_HISTORIES = 4
KEEP_LISTINGS = 8  # each state of the git index takes two rows: its listing and a pointer by checksum


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Changes when the index version or any shipped tag query changes."""
    digest = hashlib.sha256(f"v{INDEX_VERSION}".encode())
    for entry in sorted(QUERIES.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".scm"):
            digest.update(entry.name.encode() + entry.read_bytes())
    return digest.hexdigest()[:16]


def user_cache_dir() -> Path:
    from llmdev.config.loader import user_cache_dir as configured

    return configured()


def store_path(common_dir: Path) -> Path:
    """`<git common dir>/llmdev/index.sqlite`, or a file in the user cache dir when .git is not writable."""
    preferred = common_dir / "llmdev"
    try:
        preferred.mkdir(exist_ok=True)
        if os.access(preferred, os.W_OK):
            return preferred / STORE_NAME
    except OSError:
        pass
    key = hashlib.sha256(str(common_dir).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    fallback = user_cache_dir() / "index"
    fallback.mkdir(parents=True, exist_ok=True)
    return fallback / f"{key}.sqlite"


@dataclass
class StoreStats:
    path: str
    blobs: int
    bytes: int


class BlobStore:
    """Parsed files by blob SHA. Every failure degrades to 'not cached'."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.notes: list[str] = []
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        if self.path is None:
            return _connect(":memory:")
        try:
            return _connect(str(self.path))
        except sqlite3.Error as exc:
            self.notes.append(f"index cache at {self.path} was unusable ({exc}); rebuilt it")
        try:
            _remove(self.path)
            return _connect(str(self.path))
        except (OSError, sqlite3.Error) as exc:
            self.notes.append(f"cannot write the index cache ({exc}); using memory only")
            self.path = None
            return _connect(":memory:")

    def _reset(self, why: str) -> None:
        self.notes.append(f"index cache was unreadable ({why}); rebuilding")
        self._db.close()
        if self.path is not None:
            _remove(self.path)
        self._db = self._open()

    def get_many(self, shas: Iterable[str], *, full: bool = True) -> dict[str, ParsedFile]:
        """Stored parses by SHA; with full=False only language and definitions (much faster)."""
        wanted = list(dict.fromkeys(shas))
        found: dict[str, ParsedFile] = {}
        columns = "sha, head, tail" if full else "sha, head, NULL"
        try:
            for start in range(0, len(wanted), CHUNK):
                chunk = wanted[start : start + CHUNK]
                marks = ",".join("?" * len(chunk))
                for sha, head, tail in self._db.execute(f"SELECT {columns} FROM blobs WHERE sha IN ({marks})", chunk):
                    parsed = decode(head, tail)
                    if parsed is not None:
                        found[sha] = parsed
        except sqlite3.Error as exc:
            self._reset(str(exc))
            return {}
        return found

    def known(self, shas: Iterable[str]) -> set[str]:
        """Which of `shas` are stored (without loading them)."""
        wanted = list(dict.fromkeys(shas))
        found: set[str] = set()
        try:
            for start in range(0, len(wanted), CHUNK):
                chunk = wanted[start : start + CHUNK]
                marks = ",".join("?" * len(chunk))
                found.update(row[0] for row in self._db.execute(f"SELECT sha FROM blobs WHERE sha IN ({marks})", chunk))
        except sqlite3.Error as exc:
            self._reset(str(exc))
            return set()
        return found

    def get_summary(self, key: str) -> bytes | None:
        return self._payload("summaries", key)

    def latest_summary(self) -> tuple[str, bytes] | None:
        """The most recently saved summary, as (key, payload)."""
        try:
            # The key first, by the age index: sorting whole rows would copy every payload (megabytes).
            row = self._db.execute("SELECT key FROM summaries ORDER BY saved DESC LIMIT 1").fetchone()
        except sqlite3.Error as exc:
            self._reset(str(exc))
            return None
        payload = self._payload("summaries", row[0]) if row else None
        return (row[0], payload) if row and payload is not None else None

    def get_summary_terms(self, key: str, buckets: list[int]) -> dict[str, tuple[bytes, list[str]]]:
        return self._bucket_entries("summary_terms", key, buckets)

    def get_summary_names(self, key: str, kind: int, buckets: list[int]) -> dict[str, list[int]]:
        """The name -> files entries of these buckets of one of the summary's name tables."""
        from llmdev.code.summary import NAME_BUCKETS

        return self._bucket_entries("summary_names", key, [kind * NAME_BUCKETS + b for b in buckets])

    def _bucket_entries(self, table: str, key: str, buckets: list[int]) -> dict[str, Any]:
        """The entries of these buckets of one of the summary's bucketed tables, merged."""
        found: dict[str, Any] = {}
        try:
            for start in range(0, len(buckets), CHUNK):
                chunk = buckets[start : start + CHUNK]
                query = f"SELECT payload FROM {table} WHERE key = ? AND bucket IN ({','.join('?' * len(chunk))})"
                for (payload,) in self._db.execute(query, [key, *chunk]):
                    found.update(marshal.loads(payload))
        except (sqlite3.Error, ValueError, EOFError, TypeError) as exc:
            self.notes.append(f"index summary unreadable ({exc})")
        return found

    def put_summary(
        self,
        key: str,
        payload: bytes | Callable[[], bytes],
        terms: Iterable[tuple[int, bytes]],
        names: Iterable[tuple[int, bytes]] = (),
    ) -> bool:
        """Save a summary in one transaction: its term rows (made as they are written), then its
        payload (a callable is asked for it then), then its name rows. Keep the newest few
        summaries: enough for switching between a handful of branches. False if not saved."""
        try:
            with self._db:
                self._db.execute("DELETE FROM summary_terms WHERE key = ?", (key,))
                self._db.executemany("INSERT INTO summary_terms (key, bucket, payload) VALUES (?, ?, ?)", ((key, *row) for row in terms))
                body = payload() if callable(payload) else payload
                self._db.execute("DELETE FROM summary_names WHERE key = ?", (key,))
                self._db.executemany("INSERT INTO summary_names (key, bucket, payload) VALUES (?, ?, ?)", ((key, *row) for row in names))
                self._db.execute("INSERT OR REPLACE INTO summaries (key, payload, saved) VALUES (?, ?, ?)", (key, body, time.time()))
                self._db.execute(
                    "DELETE FROM summaries WHERE key NOT IN (SELECT key FROM summaries ORDER BY saved DESC LIMIT ?)", (KEEP_SUMMARIES,)
                )
                self._db.execute("DELETE FROM summary_terms WHERE key NOT IN (SELECT key FROM summaries)")
                self._db.execute("DELETE FROM summary_names WHERE key NOT IN (SELECT key FROM summaries)")
        except sqlite3.Error as exc:
            self.notes.append(f"could not save the index summary ({exc})")
            return False
        return True

    def get_history(self, key: str) -> bytes | None:
        """A saved commit-message history (see history.py), or None."""
        return self._payload("histories", key)

    def recent_histories(self) -> list[tuple[str, bytes]]:
        """The saved histories as (key, payload), newest first."""
        try:
            return list(self._db.execute("SELECT key, payload FROM histories ORDER BY saved DESC"))
        except sqlite3.Error as exc:
            self._reset(str(exc))
            return []

    def put_history(self, key: str, payload: bytes) -> None:
        """Keep the newest few histories: one per recent HEAD."""
        self._put_newest("histories", key, payload, KEEP_HISTORIES, "the commit history")

    def get_meta(self, name: str) -> str | None:
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (f"llmdev.{name}",)).fetchone()
        except sqlite3.Error as exc:
            self._reset(str(exc))
            return None
        return row[0] if row else None

    def set_meta(self, name: str, value: str) -> None:
        try:
            with self._db:
                self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (f"llmdev.{name}", value))
        except sqlite3.Error as exc:
            self.notes.append(f"could not write to the index cache ({exc})")

    def get_listing(self, key: str) -> bytes | None:
        """`list_files`' saved decisions about tracked files (repo/files.py), or None."""
        return self._payload("listings", key)

    def put_listing(self, key: str, payload: bytes) -> None:
        """Keep the newest few: one per recent state of the git index."""
        self._put_newest("listings", key, payload, KEEP_LISTINGS, "the file listing")

    def _payload(self, table: str, key: str) -> bytes | None:
        """The payload saved under `key` in one of the keyed tables, or None."""
        try:
            row = self._db.execute(f"SELECT payload FROM {table} WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            self._reset(str(exc))
            return None
        return row[0] if row else None

    def _put_newest(self, table: str, key: str, payload: bytes, keep: int, what: str) -> None:
        """Save `payload` under `key` and keep only the `keep` newest rows of `table`."""
        try:
            with self._db:
                self._db.execute(f"INSERT OR REPLACE INTO {table} (key, payload, saved) VALUES (?, ?, ?)", (key, payload, time.time()))
                self._db.execute(f"DELETE FROM {table} WHERE key NOT IN (SELECT key FROM {table} ORDER BY saved DESC LIMIT ?)", (keep,))
        except sqlite3.Error as exc:
            self.notes.append(f"could not save {what} to the index cache ({exc})")

    def put_many(self, items: Iterable[tuple[str, ParsedFile]]) -> None:
        self.put_encoded([encode(sha, parsed) for sha, parsed in items])

    def put_encoded(self, rows: list[EncodedRow]) -> bool:
        """Save rows as `encode` makes them; False (and a note) when the store could not keep them."""
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO blobs (sha, head, tail) VALUES (?, ?, ?)", rows)
        except sqlite3.Error as exc:
            self.notes.append(f"could not save parsed files to the index cache ({exc})")
            return False
        return True

    def stored(self) -> set[str]:
        """The blob ids of every parsed file held."""
        try:
            return {row[0] for row in self._db.execute("SELECT sha FROM blobs")}
        except sqlite3.Error as exc:
            self._reset(str(exc))
            return set()

    def prune(self, shas: Iterable[str]) -> None:
        """Drop the parsed files of these blobs (a file deleted or edited before it was committed)."""
        gone = list(shas)
        try:
            with self._db:
                for start in range(0, len(gone), CHUNK):
                    chunk = gone[start : start + CHUNK]
                    self._db.execute(f"DELETE FROM blobs WHERE sha IN ({','.join('?' * len(chunk))})", chunk)
        except sqlite3.Error as exc:
            self._reset(str(exc))

    def clear(self) -> None:
        try:
            with self._db:
                self._db.execute("DELETE FROM blobs")
                self._db.execute("DELETE FROM summaries")
                self._db.execute("DELETE FROM summary_terms")
                self._db.execute("DELETE FROM summary_names")
                self._db.execute("DELETE FROM histories")
                self._db.execute("DELETE FROM listings")
                self._db.execute("DELETE FROM meta WHERE key LIKE 'llmdev.%'")
        except sqlite3.Error as exc:
            self._reset(str(exc))

    def stats(self) -> StoreStats:
        try:
            blobs, size = self._db.execute("SELECT count(*), coalesce(sum(length(head) + length(tail)), 0) FROM blobs").fetchone()
        except sqlite3.Error:
            blobs, size = 0, 0
        return StoreStats(str(self.path) if self.path else ":memory:", blobs, size)

    def close(self) -> None:
        self._db.close()


def encode(sha: str, parsed: ParsedFile) -> EncodedRow:
    """A parsed file as stored: (sha, head, tail), so definitions load without references and terms."""
    return (sha, marshal.dumps(parsed.head()), marshal.dumps(parsed.tail()))


def _connect(target: str) -> sqlite3.Connection:
    """Open (creating if needed) and check the version; a foreign version is wiped, not trusted."""
    db = sqlite3.connect(target, timeout=30, isolation_level=None if target == ":memory:" else "DEFERRED")
    try:
        db.execute("PRAGMA busy_timeout = 30000")
        if target != ":memory:":
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = OFF")  # a cache: a torn write after a power cut is rebuilt
        with db:
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
            if row is None or row[0] != fingerprint():
                for table in TABLES:
                    db.execute(f"DROP TABLE IF EXISTS {table}")
                db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('fingerprint', ?)", (fingerprint(),))
            for table, columns in TABLES.items():
                db.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
            for table in AGED:  # the newest rows are found without reading past any payload
                db.execute(f"CREATE INDEX IF NOT EXISTS {table}_by_age ON {table} (saved, key)")
        db.execute("SELECT count(*) FROM blobs WHERE sha = ''").fetchone()
    except sqlite3.Error:
        db.close()
        raise
    return db


def decode(head: bytes, tail: bytes | None) -> ParsedFile | None:
    """A stored row back as a ParsedFile (definitions only when `tail` is None); None if damaged."""
    try:
        return ParsedFile.from_parts(marshal.loads(head), None if tail is None else marshal.loads(tail))
    except (ValueError, EOFError, TypeError):
        return None


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.remove(f"{path}{suffix}")
        except FileNotFoundError:
            pass
