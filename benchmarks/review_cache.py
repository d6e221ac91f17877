"""A review the cache answers against one that asks the model, on a real repository, through the CLI.

Clones the repository given (e.g. sympy) into a temporary folder, appends a small function to
N of its Python files and stages them, builds the code index once, reviews once (filling the
cache), then times `llmdev review --staged` (a cache hit: no request) against `--no-cache` (a
miss: the same work plus one answer from a loopback Ollama server that replies at once), runs
interleaved, medians. Start-up is that of a real command doing no repository work (`llmdev config path`).
Target: a hit within 0.3 s plus start-up.

Usage: python benchmarks/review_cache.py --repo /work/scale/sympy [--files 10] [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the fake servers live in tests/servers

from tests.servers import OllamaServer  # noqa: E402
from sandbox import llmdev_dirs  # noqa: E402

MODEL = "ollama/llama3.1:8b"
ADDED = '''

def _review_cache_bench_{n}(expr, symbol):
    """Added for the benchmark."""
    value = expr.subs(symbol, {n})
    return simplify(value) if value.is_number else value
'''


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def stage_change(root: Path, files: int) -> list[str]:
    tracked = sorted(p for p in git(root, "ls-files", "*.py").splitlines() if "/tests/" not in p and not p.endswith("__init__.py"))
    chosen = tracked[:: max(len(tracked) // files, 1)][:files]
    for n, path in enumerate(chosen):
        with open(root / path, "a", encoding="utf-8") as handle:
            handle.write(ADDED.format(n=n))
    git(root, "add", *chosen)
    return chosen


def timed(argv: list[str], root: Path, env: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    proc = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, required=True, help="a git repository to clone (it is not changed)")
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    llmdev = str(Path(sys.executable).with_name("llmdev"))
    with tempfile.TemporaryDirectory(prefix="llmdev-review-cache-") as tmp, OllamaServer() as server:
        root, home = Path(tmp) / "repo", Path(tmp) / "home"
        subprocess.run(["git", "clone", "-q", str(options.repo), str(root)], check=True)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(llmdev_dirs(home), NO_COLOR="1", OLLAMA_HOST=server.url)
        server.reply_with(lambda body: json.dumps({"findings": [], "summary": "Looks fine."}))
        changed = stage_change(root, options.files)
        review = [llmdev, "review", "--staged", "-m", MODEL]
        cold, _ = timed([llmdev, "index"], root, env)
        first, _ = timed(review, root, env)
        requests_per_review = len(server.model_requests)
        times: dict[str, list[float]] = {"start-up (config path)": [], "miss (--no-cache)": [], "hit": []}
        hit_requests = 0
        for _ in range(options.runs):
            times["start-up (config path)"].append(timed([llmdev, "config", "path"], root, env)[0])
            times["miss (--no-cache)"].append(timed([*review, "--no-cache"], root, env)[0])
            before = len(server.model_requests)
            times["hit"].append(timed(review, root, env)[0])
            hit_requests += len(server.model_requests) - before
        print(f"{options.repo.name}: {len(changed)} files changed, {requests_per_review} request(s) per review; "
              f"index (cold) {cold:.2f} s, first review {first:.2f} s")
        floor = statistics.median(times["start-up (config path)"])
        print(f"{'case':<26} {'median s':>9} {'min s':>7} {'- start-up':>11}   ({options.runs} runs each, interleaved)")
        for name, values in times.items():
            median = statistics.median(values)
            print(f"{name:<26} {median:>9.3f} {min(values):>7.3f} {median - floor:>11.3f}")
        print(f"requests sent by the hits: {hit_requests}")


if __name__ == "__main__":
    main()
