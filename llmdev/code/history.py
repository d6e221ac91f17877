"""What past commits said about each file: their messages as a field of the file, for ranking.

One `git log` over the newest HISTORY_COMMITS commits of HEAD (merges left out, renames not
followed) gives each file the terms of the messages of the commits that modified it, kept as an
inverted index. It is read the first time a ranking needs it and saved in the index store under
HEAD's commit, so a warm run reads one row. When HEAD moves forward (a commit, a pull), the saved
history of its ancestor is extended with the new commits' messages instead of read again, until
REFRESH_AFTER commits have been added that way. Commit messages are untrusted text: they only
count terms here and never reach a prompt.
"""

from __future__ import annotations

import marshal
from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING

from llmdev.code.terms import term_counts

if TYPE_CHECKING:
    from llmdev.code.store import BlobStore
    from llmdev.repo.discovery import Repository

HISTORY_COMMITS = 3000
REFRESH_AFTER = 300
RECORD = "\x1e"
FIELD = "\x1f"


@dataclass
class History:
    """Per file (by path), the terms of the messages of the commits that modified it."""

    paths: list[str]
    lengths: list[int]  # terms in each file's history
    postings: dict[str, bytes]  # term -> packed (path index, count) pairs
    added: int = 0  # commits folded in since the history was read in full

    def postings_of(self, term: str) -> list[tuple[int, int]]:
        values = array("I")
        values.frombytes(self.postings.get(term, b""))
        return list(zip(values[0::2], values[1::2]))

    def dumps(self) -> bytes:
        return marshal.dumps((self.paths, self.lengths, self.postings, self.added))

    def extended(self, newer: "History", commits: int) -> "History":
        """This history with `newer` (the history of `commits` later commits) added to it."""
        paths, lengths = list(self.paths), list(self.lengths)
        where = {path: i for i, path in enumerate(paths)}
        mapped = []
        for j, path in enumerate(newer.paths):
            if path not in where:
                where[path] = len(paths)
                paths.append(path)
                lengths.append(0)
            mapped.append(where[path])
            lengths[where[path]] += newer.lengths[j]
        postings = dict(self.postings)
        for term in newer.postings:
            counts = dict(self.postings_of(term))
            for j, count in newer.postings_of(term):
                counts[mapped[j]] = counts.get(mapped[j], 0) + count
            postings[term] = array("I", [value for pair in sorted(counts.items()) for value in pair]).tobytes()
        return History(paths, lengths, postings, self.added + commits)

    @classmethod
    def loads(cls, payload: bytes) -> "History | None":
        try:
            return cls(*marshal.loads(payload))
        except (ValueError, EOFError, TypeError):
            return None


def parse_log(log: str) -> History:
    """The history of each file named in `git log --format=<RS>%B<US> --name-only` output."""
    per_file: dict[str, dict[str, int]] = {}
    for record in log.split(RECORD)[1:]:
        message, _, names = record.partition(FIELD)
        counts = term_counts(message)
        for path in dict.fromkeys(line for line in names.splitlines() if line):
            into = per_file.setdefault(path, {})
            for term, count in counts.items():
                into[term] = into.get(term, 0) + count
    paths = sorted(per_file)
    inverted: dict[str, array] = {}
    for i, path in enumerate(paths):
        for term, count in per_file[path].items():
            inverted.setdefault(term, array("I")).extend((i, count))
    lengths = [sum(per_file[path].values()) for path in paths]
    return History(paths, lengths, {term: packed.tobytes() for term, packed in inverted.items()})


def read_history(repo: "Repository", head: str, commits: int = HISTORY_COMMITS) -> History:
    """The history of the newest `commits` commits reachable from `head` (one git log)."""
    return parse_log(_log(repo, f"-n{commits}", head))


def load_history(repo: "Repository", store: "BlobStore") -> History | None:
    """HEAD's history: saved, else a saved ancestor's with the commits since folded in, else read
    in full; saved under HEAD. None before the first commit."""
    head = repo.head_sha()
    if head is None:
        return None
    payload = store.get_history(_key(head))
    history = History.loads(payload) if payload is not None else None
    if history is None:
        history = _extended(repo, store, head) or read_history(repo, head)
        store.put_history(_key(head), history.dumps())
    return history


def _extended(repo: "Repository", store: "BlobStore", head: str) -> History | None:
    """The saved history of an ancestor of `head` plus the commits since (a commit, a pull), while
    fewer than REFRESH_AFTER commits have been folded in since it was read in full."""
    for key, payload in store.recent_histories():
        saved_head, _, commits = key.partition(":")
        if commits != str(HISTORY_COMMITS) or not saved_head.isalnum():
            continue
        if not repo.git_ok("merge-base", "--is-ancestor", saved_head, head):
            continue
        saved = History.loads(payload)
        if saved is None:
            return None
        log = _log(repo, f"-n{REFRESH_AFTER + 1}", f"{saved_head}..{head}")
        added = log.count(RECORD)
        if saved.added + added > REFRESH_AFTER:
            return None
        return saved.extended(parse_log(log), added)
    return None


def _key(head: str) -> str:
    return f"{head}:{HISTORY_COMMITS}"


def _log(repo: "Repository", *revisions: str) -> str:
    log = repo.git_bytes("log", "--no-merges", f"--format={RECORD}%B{FIELD}", "--name-only", "--no-renames", *revisions, "--", check=False)
    return log.decode("utf-8", "replace")
