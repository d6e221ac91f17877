"""Time `list_files` on a repository: the median of 5 runs, in milliseconds.

Usage: python benchmarks/list_files_speed.py PATH [--touch N]
  --touch N  first append a line to N tracked files (so they need hashing), and undo it afterwards
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from llmdev.repo.discovery import open_repository
from llmdev.repo.files import list_files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--touch", type=int, default=0, help="modify this many files first (restored afterwards)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    repo = open_repository(args.path)
    listing = list_files(repo)
    originals = {f.path: (repo.root / f.path).read_bytes() for f in listing.files[: args.touch]}
    for path, data in originals.items():
        (repo.root / path).write_bytes(data + b"\n# touched\n")
    try:
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            listing = list_files(repo)
            times.append(time.perf_counter() - start)
    finally:
        for path, data in originals.items():
            (repo.root / path).write_bytes(data)
    size_mb = listing.total_bytes() / 1e6
    print(f"repository: {repo.root}")
    print(f"files: {len(listing.files)} ({size_mb:.1f} MB), skipped: {len(listing.skipped)}, modified first: {len(originals)}")
    print(f"list_files median of {args.runs}: {statistics.median(times) * 1000:.1f} ms (min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f})")


if __name__ == "__main__":
    main()
