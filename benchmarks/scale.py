"""How llmdev's index scales: cold index time and peak memory, warm `context`, and `context`
after one file changed, on several repositories, for this checkout and a baseline llmdev
(another installation, e.g. the previous release) in the same run.

    python benchmarks/scale.py /work/scale/sympy /work/scale/mono --baseline-python /path/to/old/venv/bin/python

Each repository must be a git work tree outside llmdev's checkout; large real ones are the
point (sympy ~2k files; several large projects side by side for a 36k-file monorepo, see
docs/benchmarks.md). Every measurement is a fresh process. The two installations keep their
index in the same place in a different format, so each one's runs are taken as a block that
starts from a cold rebuild. Times: cold index is one run (or the best of --cold-runs); warm
`context` is the median of --runs with the range, and beside it the median time of the work
that depends on the repository (listing, index, ranking, snippets: start-up, imports and
option parsing left out), timed inside a fresh process; "1 change" is the first `context` after a
line was appended to one tracked source file (restored afterwards). Memory: the peak resident
set of the largest process in the command's tree (parsing workers and the graph child included).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

QUERY = "fix the crash when simplifying a matrix with symbols"
SOURCE_SUFFIXES = (".py", ".go", ".rb", ".js", ".ts", ".java", ".rs")
PROBE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
elapsed = time.perf_counter() - started
print(json.dumps({"seconds": elapsed, "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "rc": done.returncode, "stderr": done.stderr[-2000:]}))
"""


# The part of a warm `context` that depends on the repository, timed inside one fresh process:
# listing, index and summary loading, ranking and snippets; interpreter start-up, imports and
# command-line parsing (the same on every repository) are left out.
WORK = """
import sys, time
from llmdev.code.index import load_index
from llmdev.context.select import select_context
from llmdev.repo.discovery import open_repository
started = time.perf_counter()
repo = open_repository()
select_context(repo, sys.argv[1], budget=8000, index=load_index(repo, show_progress=False))
print(time.perf_counter() - started)
"""


def measure(command: list[str], cwd: Path) -> dict:
    """Wall time and peak RSS of one command, in a fresh process."""
    done = subprocess.run([sys.executable, "-c", PROBE, *command], cwd=cwd, capture_output=True, text=True)
    result = json.loads(done.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"{' '.join(command[:5])} failed in {cwd}: {result['stderr']}")
    return result


def llmdev(python: str, *args: str) -> list[str]:
    return [python, "-m", "llmdev", "--quiet", *args]


def tracked_files(root: Path) -> list[str]:
    if not root.is_dir():
        raise SystemExit(f"{root}: no such directory; give the work tree of a git repository")
    done = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True)
    if done.returncode != 0:
        raise SystemExit(f"{root}: not a git work tree ({done.stderr.decode(errors='replace').strip()})")
    out = done.stdout
    return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]


def file_to_change(root: Path, files: list[str]) -> Path:
    """A mid-sized tracked source file: appending a comment line changes its blob, nothing else."""
    candidates = [root / p for p in files if p.endswith(SOURCE_SUFFIXES) and "test" not in p]
    sized = sorted((c for c in candidates if c.is_file() and not c.is_symlink()), key=lambda c: c.stat().st_size)
    if not sized:
        raise SystemExit(f"{root}: no tracked source file to change")
    return sized[len(sized) // 2]


def comment_for(path: Path) -> bytes:
    return b"\n# one changed line\n" if path.suffix in (".py", ".rb") else b"\n// one changed line\n"


def run_tool(python: str, root: Path, runs: int, cold_runs: int, changed: Path) -> dict:
    """Cold, warm and one-change measurements of one installation on one repository."""
    cold = min((measure(llmdev(python, "index", "--rebuild"), root) for _ in range(cold_runs)), key=lambda r: r["seconds"])
    context = llmdev(python, "context", QUERY, "--json")
    measure(context, root)  # the first run after a rebuild may still save what it read
    warm = [measure(context, root) for _ in range(runs)]
    work = [float(subprocess.run([python, "-c", WORK, QUERY], cwd=root, capture_output=True, text=True, check=True).stdout) for _ in range(runs)]
    original = changed.read_bytes()
    try:
        changed.write_bytes(original + comment_for(changed))
        after_change = measure(context, root)
        after_change_again = measure(context, root)
    finally:
        changed.write_bytes(original)
    measure(context, root)
    seconds = [w["seconds"] for w in warm]
    return {
        "cold_s": cold["seconds"],
        "cold_peak_mb": cold["rss_mb"],
        "warm_s": statistics.median(seconds),
        "warm_range": (min(seconds), max(seconds)),
        "warm_peak_mb": max(w["rss_mb"] for w in warm),
        "work_s": statistics.median(work),
        "changed_s": after_change["seconds"],
        "changed_again_s": after_change_again["seconds"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="+", type=Path)
    parser.add_argument("--baseline-python", help="python of another llmdev installation, measured the same way")
    parser.add_argument("--runs", type=int, default=7, help="warm `context` runs per tool (median reported)")
    parser.add_argument("--cold-runs", type=int, default=1, help="cold index runs per tool (best reported)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    tools = [("this checkout", sys.executable)] + ([("baseline", args.baseline_python)] if args.baseline_python else [])
    results = []
    print("| repository | files | llmdev | cold index | peak RSS (cold) | warm `context` (median [range]) | of which repository work | after 1 change | again |")
    print("|---|---|---|---|---|---|---|---|---|")
    for root in args.repos:
        root = root.resolve()
        files = tracked_files(root)
        changed = file_to_change(root, files)
        for name, python in tools:
            row = run_tool(python, root, args.runs, args.cold_runs, changed)
            results.append({"repository": root.name, "files": len(files), "tool": name, "changed": str(changed.relative_to(root)), **row})
            low, high = row["warm_range"]
            print(
                f"| {root.name} | {len(files):,} | {name} | {row['cold_s']:.1f} s | {row['cold_peak_mb']:.0f} MB | "
                f"{row['warm_s']:.2f} s [{low:.2f}–{high:.2f}] | {row['work_s']:.2f} s | {row['changed_s']:.2f} s | {row['changed_again_s']:.2f} s |",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
