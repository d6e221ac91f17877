"""What past commits said about each file, and which files each past commit changed, for ranking.

One `git log` over the newest HISTORY_COMMITS commits of HEAD (merges left out, renames not
followed) gives two views of the same commits, each kept as an inverted index of message terms:
per file, the terms of the messages of the commits that modified it (a field of the file); per
commit, its message's terms and the files it modified (for similar past fixes). It is read the
first time a ranking needs it and saved in the index store under HEAD's commit, so a warm run
reads one row. When HEAD moves forward (a commit, a pull), the saved history of its ancestor is
extended with the new commits instead of read again, until REFRESH_AFTER commits have been added
that way. Commit messages are untrusted text: they only count terms here and never reach a prompt.
"""

from __future__ import annotations

import marshal
from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING

from llmdev.code.terms import term_counts

if TYPE_CHECKING:
    from collections.abc import Iterable

    from llmdev.code.store import BlobStore
    from llmdev.repo.discovery import Repository

HISTORY_COMMITS = 3000
HISTORY_FORMAT = 2  # part of the store key: a saved history of an older format is read again
REFRESH_AFTER = 300
RECORD = "\x1e"
FIELD = "\x1f"


@dataclass
class History:
    """Per file (by path), the terms of the messages of the commits that modified it; per commit
    (oldest first), the terms of its message and the files it modified."""

    paths: list[str]
    lengths: list[int]  # terms in each file's history
    postings: dict[str, bytes]  # term -> packed (path index, count) pairs
    commit_lengths: list[int]  # terms in each commit's message
    commit_postings: dict[str, bytes]  # term -> packed (commit index, count) pairs
    commit_paths: list[bytes]  # per commit, the packed indices (into paths) of the files it modified
    added: int = 0  # commits folded in since the history was read in full

    def postings_of(self, term: str) -> list[tuple[int, int]]:
        return _pairs(self.postings.get(term, b""))

    def commits_of(self, term: str) -> list[tuple[int, int]]:
        """(commit index, count) of the commits whose message has `term`."""
        return _pairs(self.commit_postings.get(term, b""))

    def paths_of_commit(self, commit: int) -> list[int]:
        """Indices into `paths` of the files commit number `commit` modified."""
        return _unpacked(self.commit_paths[commit]).tolist()

    def dumps(self) -> bytes:
        return marshal.dumps(
            (self.paths, self.lengths, self.postings, self.commit_lengths, self.commit_postings, self.commit_paths, self.added)
        )

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
        commit_postings, commit_paths = self._with_commits(newer, mapped)
        return History(paths, lengths, postings, self.commit_lengths + newer.commit_lengths, commit_postings, commit_paths, self.added + commits)

    def _with_commits(self, newer: "History", mapped: list[int]) -> tuple[dict[str, bytes], list[bytes]]:
        """Commit postings and paths with `newer`'s commits after these (they are newer), paths
        renumbered by `mapped`."""
        offset = len(self.commit_lengths)
        commit_postings = dict(self.commit_postings)
        for term, packed in newer.commit_postings.items():
            values = _unpacked(packed)
            values[0::2] = array("I", [commit + offset for commit in values[0::2]])
            commit_postings[term] = self.commit_postings.get(term, b"") + values.tobytes()
        renumbered = [array("I", [mapped[j] for j in newer.paths_of_commit(c)]).tobytes() for c in range(len(newer.commit_paths))]
        return commit_postings, self.commit_paths + renumbered

    @classmethod
    def loads(cls, payload: bytes) -> "History | None":
        try:
            return cls(*marshal.loads(payload))
        except (ValueError, EOFError, TypeError):
            return None


def _unpacked(packed: bytes) -> array:
    values = array("I")
    values.frombytes(packed)
    return values


def _pairs(packed: bytes) -> list[tuple[int, int]]:
    values = _unpacked(packed)
    return list(zip(values[0::2], values[1::2]))


def parse_log(log: str) -> History:
    """The history of each file and commit in `git log --format=<RS>%B<US> --name-only` output."""
    per_file: dict[str, dict[str, int]] = {}
    commits: list[tuple[dict[str, int], list[str]]] = []
    for record in reversed(log.split(RECORD)[1:]):  # oldest first: commits folded in later go last
        message, _, names = record.partition(FIELD)
        counts = term_counts(message)
        changed = list(dict.fromkeys(line for line in names.splitlines() if line))
        commits.append((counts, changed))
        for path in changed:
            into = per_file.setdefault(path, {})
            for term, count in counts.items():
                into[term] = into.get(term, 0) + count
    paths = sorted(per_file)
    where = {path: i for i, path in enumerate(paths)}
    lengths = [sum(per_file[path].values()) for path in paths]
    postings = _inverted(per_file[path] for path in paths)
    commit_paths = [array("I", [where[path] for path in changed]).tobytes() for _, changed in commits]
    commit_lengths = [sum(counts.values()) for counts, _ in commits]
    return History(paths, lengths, postings, commit_lengths, _inverted(counts for counts, _ in commits), commit_paths)


def _inverted(documents: "Iterable[dict[str, int]]") -> dict[str, bytes]:
    """term -> packed (document number, count) pairs, documents numbered in the order given."""
    inverted: dict[str, array] = {}
    for number, counts in enumerate(documents):
        for term, count in counts.items():
            inverted.setdefault(term, array("I")).extend((number, count))
    return {term: packed.tobytes() for term, packed in inverted.items()}


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
        saved_head, _, shape = key.partition(":")
        if shape != _shape() or not saved_head.isalnum():
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
    return f"{head}:{_shape()}"


def _shape() -> str:
    """What a saved history holds besides its HEAD: how many commits, in which format."""
    return f"{HISTORY_COMMITS}:v{HISTORY_FORMAT}"


def _log(repo: "Repository", *revisions: str) -> str:
    log = repo.git_bytes("log", "--no-merges", f"--format={RECORD}%B{FIELD}", "--name-only", "--no-renames", *revisions, "--", check=False)
    return log.decode("utf-8", "replace")
