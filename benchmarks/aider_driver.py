"""Runs aider's RepoMap for the llmdev benchmarks. Run it with the Python of a SEPARATE virtual
environment that has `aider-chat` installed (never llmdev's own), e.g.

    python3 -m venv /work/bench/aider-venv && /work/bench/aider-venv/bin/pip install aider-chat

It reads one JSON request per line on stdin and answers one JSON line on stdout:

    {"op": "rank", "root": DIR, "files": [REL...], "query": TEXT}  -> {"ranking": [REL...], "seconds": S}
    {"op": "map", "root": DIR, "files": [REL...], "tokens": N}      -> {"seconds": S, "chars": C}

"rank" follows what aider's chat does with a message: the words of the message are the mentioned
identifiers, file names in it (and identifiers naming a file stem) the mentioned files, no chat
files; the file order is the order of the first appearance of each file in get_ranked_tags().
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path


class QuietIO:
    """The few InputOutput methods RepoMap calls."""

    def tool_output(self, *args, **kwargs):  # noqa: ANN
        pass

    tool_warning = tool_error = tool_output

    def read_text(self, filename, silent=False):  # noqa: ANN
        try:
            return Path(filename).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None


class CharModel:
    """Token counting without a tokenizer download: about 4 characters a token."""

    def token_count(self, text):  # noqa: ANN
        return len(text) / 4


def mentioned_files(query: str, files: list[str]) -> set[str]:
    """Like aider's Coder.get_file_mentions plus get_ident_filename_matches."""
    words = {w.rstrip(",.!;:?").strip("\"'`*_") for w in query.split()}
    mentioned = {f for f in files if f in words}
    by_name: dict[str, list[str]] = {}
    for f in files:
        by_name.setdefault(os.path.basename(f), []).append(f)
    for name, paths in by_name.items():
        if name in words and len(paths) == 1 and ("." in name or "_" in name or "-" in name or "/" in name):
            mentioned.add(paths[0])
    idents = set(re.split(r"\W+", query))
    stems: dict[str, set[str]] = {}
    for f in files:
        stem = Path(f).stem.lower()
        if len(stem) >= 5:
            stems.setdefault(stem, set()).add(f)
    for ident in idents:
        if len(ident) >= 5:
            mentioned |= stems.get(ident.lower(), set())
    return mentioned


def rank(request: dict) -> dict:
    from aider.repomap import RepoMap

    root, files, query = request["root"], request["files"], request["query"]
    started = time.perf_counter()
    repo_map = RepoMap(root=root, io=QuietIO(), main_model=CharModel())
    idents = set(re.split(r"\W+", query))
    tags = repo_map.get_ranked_tags([], [os.path.join(root, f) for f in files], mentioned_files(query, files), idents)
    order: dict[str, None] = {}
    for tag in tags:
        order.setdefault(tag[0], None)
    return {"ranking": list(order), "seconds": time.perf_counter() - started}


def repo_map(request: dict) -> dict:
    from aider.repomap import RepoMap

    root, files = request["root"], request["files"]
    started = time.perf_counter()
    mapper = RepoMap(root=root, io=QuietIO(), main_model=CharModel(), map_tokens=request.get("tokens", 1024))
    text = mapper.get_repo_map([], [os.path.join(root, f) for f in files], set(), set(request.get("idents", [])))
    return {"seconds": time.perf_counter() - started, "chars": len(text or "")}


def main() -> None:
    import aider.repomap  # noqa: F401  (import cost is not part of any measurement)

    for line in sys.stdin:
        request = json.loads(line)
        answer = rank(request) if request["op"] == "rank" else repo_map(request)
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
