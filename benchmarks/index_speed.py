"""Speed of the code index, `llmdev map` and `llmdev context` on a large repository, against
aider's repo map on the same tree in the same run.

Use a large real repository as a git work tree outside llmdev's checkout, for instance sympy's
source (~1,600 Python files, 28 MB) from its PyPI sdist (`pip download sympy --no-deps
--no-binary :all:`) or a GitHub snapshot, committed into a fresh repository:

    mkdir -p /work/bench/sympy && tar -xzf sympy-*.tar.gz -C /work/bench/sympy --strip-components=1
    cd /work/bench/sympy && git init -q && git add -A && git commit -qm sympy
    python benchmarks/index_speed.py /work/bench/sympy --aider-python /work/bench/aider-venv/bin/python

aider-chat must be installed in its own virtual environment (see benchmarks/aider_driver.py).
Each measurement is a fresh process; the table gives wall-clock seconds (best of --runs for warm
runs, of --cold-runs for cold ones: other work on the machine only ever slows a run down) and peak
resident memory of the largest process in the tree. Cold builds of the two tools take turns.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

QUERY = "Fix LaTeX printing of a Matrix with zero rows"
PROBE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
elapsed = time.perf_counter() - started
print(json.dumps({"seconds": elapsed, "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "rc": done.returncode, "stdout": done.stdout[-4000:], "stderr": done.stderr[-2000:]}))
"""


# Installed tools run from compiled bytecode (pip compiles it at install time, as it did for
# aider); an editable checkout gets it on first import unless PYTHONDONTWRITEBYTECODE says no.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(command: list[str], cwd: Path, stdin: str | None = None) -> dict:
    """Wall time and peak RSS of one command, in a fresh process."""
    done = subprocess.run([sys.executable, "-c", PROBE, *command], cwd=cwd, capture_output=True, text=True, input=stdin, env=ENV)
    result = json.loads(done.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"{' '.join(command[:4])} failed: {result['stderr']}")
    return result


def llmdev(*args: str) -> list[str]:
    return [sys.executable, "-m", "llmdev", "--quiet", *args]


def aider_request(root: Path, files: list[str], idents: list[str]) -> str:
    """One `map` request for aider_driver.py: a 1024-token map, steered by `idents` like a chat message."""
    return json.dumps({"op": "map", "root": str(root), "files": files, "tokens": 1024, "idents": idents}) + "\n"


def best(runs: int, command: list[str], cwd: Path, stdin: str | None = None) -> dict:
    results = [measure(command, cwd, stdin) for _ in range(runs)]
    return min(results, key=lambda r: r["seconds"])


def inner_seconds(result: dict) -> float:
    """The seconds aider's driver spent in RepoMap itself (imports excluded)."""
    return json.loads(result["stdout"].strip().splitlines()[-1])["seconds"]


def listing(root: Path) -> tuple[list[str], int]:
    from llmdev.repo.discovery import open_repository
    from llmdev.repo.files import list_files

    files = list_files(open_repository(root))
    return files.paths(), files.total_bytes()


def cold_llmdev(root: Path) -> dict:
    shutil.rmtree(root / ".git" / "llmdev", ignore_errors=True)
    return measure(llmdev("index"), root)


def cold_aider(command: list[str], root: Path, request: str) -> dict:
    for cache in root.glob(".aider.tags.cache.v*"):
        shutil.rmtree(cache)
    return measure(command, root, request)


def cold_runs_interleaved(root: Path, aider: list[str] | None, request: str, runs: int) -> tuple[dict, dict | None]:
    """The best of `runs` cold builds for each tool, taken in turns, so that the machine slowing
    down or speeding up during the benchmark (common on shared virtual machines) hits both alike."""
    mine, theirs = [], []
    for _ in range(runs):
        mine.append(cold_llmdev(root))
        if aider is not None:
            theirs.append(cold_aider(aider, root, request))
    if theirs:
        print("cold index, each turn (llmdev s / aider s / speed-up): " + ", ".join(
            f"{m['seconds']:.2f}/{t['seconds']:.2f}/{t['seconds'] / m['seconds']:.1f}x" for m, t in zip(mine, theirs)))
        print(f"median speed-up of a turn: {statistics.median(t['seconds'] / m['seconds'] for m, t in zip(mine, theirs)):.1f}x")
    best = min(mine, key=lambda r: r["seconds"])
    return best, (min(theirs, key=lambda r: r["seconds"]) if theirs else None)


def run_llmdev(root: Path, runs: int, cold: dict, changed: Path) -> dict[str, dict]:
    out = {"cold index": cold}
    out["warm context"] = best(runs, llmdev("context", QUERY, "--json"), root)
    out["warm map"] = best(runs, llmdev("map"), root)
    original = changed.read_bytes()
    try:
        changed.write_bytes(original + b"\n# one changed line\n")
        out["context after 1 change"] = measure(llmdev("context", QUERY, "--json"), root)
    finally:
        changed.write_bytes(original)
    measure(llmdev("index"), root)
    return out


def aider_command(python: str) -> list[str]:
    return [python, str(Path(__file__).with_name("aider_driver.py"))]


def run_aider(python: str, root: Path, files: list[str], runs: int, cold: dict, changed: Path) -> dict[str, dict]:
    command = aider_command(python)
    request = aider_request(root, files, QUERY.split())
    out = {"cold index": cold}
    out["warm context"] = best(runs, command, root, request)
    out["warm map"] = best(runs, command, root, aider_request(root, files, []))
    original = changed.read_bytes()
    try:
        changed.write_bytes(original + b"\n# one changed line\n")
        out["context after 1 change"] = measure(command, root, request)
    finally:
        changed.write_bytes(original)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", type=Path, help="a git work tree (e.g. sympy committed into a fresh repository)")
    parser.add_argument("--aider-python", help="python of a venv with aider-chat installed")
    parser.add_argument("--runs", type=int, default=5, help="warm runs; the best is reported")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold runs of each tool, in turns (cache deleted each time); the best is reported")
    parser.add_argument("--changed", default="sympy/core/basic.py", help="file touched for the 'after 1 change' rows")
    args = parser.parse_args()
    root = args.root.resolve()
    exclude = root / ".git" / "info" / "exclude"
    if ".aider*" not in exclude.read_text() if exclude.exists() else True:
        exclude.parent.mkdir(exist_ok=True)
        with exclude.open("a") as out:
            out.write("\n.aider*\n")  # aider's cache must not count as source for either tool
    files, size = listing(root)
    import llmdev as package

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(package.__file__).parent)], capture_output=True, env=ENV)  # as pip would
    changed = root / args.changed
    print(f"{root}: {len(files)} files, {size / 1e6:.1f} MB, {os.cpu_count()} cores")
    print("load average before: " + " ".join(f"{value:.2f}" for value in os.getloadavg()))
    aider = aider_command(args.aider_python) if args.aider_python else None
    my_cold, their_cold = cold_runs_interleaved(root, aider, aider_request(root, files, QUERY.split()), args.cold_runs)
    mine = run_llmdev(root, args.runs, my_cold, changed)
    theirs = run_aider(args.aider_python, root, files, args.runs, their_cold, changed) if args.aider_python and their_cold else {}
    print(f"\n{'operation':<24}{'llmdev s':>10}{'MB peak':>9}{'aider s':>10}{'(in RepoMap)':>13}{'MB peak':>9}{'speed-up':>10}")
    for name, result in mine.items():
        row = f"{name:<24}{result['seconds']:>10.3f}{result['rss_mb']:>9.0f}"
        if name in theirs:
            other = theirs[name]
            row += f"{other['seconds']:>10.3f}{inner_seconds(other):>13.3f}{other['rss_mb']:>9.0f}{other['seconds'] / result['seconds']:>9.1f}x"
        print(row)
    cold = mine["cold index"]["seconds"]
    print(f"\ncold index throughput: {size / 1e6 / cold:.1f} MB/s of source on {os.cpu_count()} cores")
    print(f"warm `llmdev context` wall time: {mine['warm context']['seconds']:.3f} s (process start included)")
    print("load average after: " + " ".join(f"{value:.2f}" for value in os.getloadavg()))


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)")
