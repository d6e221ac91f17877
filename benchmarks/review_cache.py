"""A review the cache answers against one that asks the model, on a real repository, through the CLI.

Clones the repository given (e.g. sympy) into a temporary folder, appends a small function to
N of its Python files and stages them, builds the code index once, reviews once (filling the
cache), then times `llmdev review --staged` (a cache hit: no request) against `--no-cache` (a
miss: the same work plus one answer from a loopback Ollama server that replies at once), runs
interleaved, medians. Start-up is that of a real command doing no repository work (`llmdev config path`).
Target: a hit within 0.3 s plus start-up.

Usage: python benchmarks/review_cache.py --repo /work/scale/sympy [--files 10] [--runs 7] [--against DIR]

--against DIR also times the hit and the miss with the `llmdev` and `plugins` folders of another
checkout (see benchmarks/startup.py), interleaved with these; both sides then run as `python -m llmdev`.
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
from startup import source_path  # noqa: E402

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


def sides(options: argparse.Namespace, env: dict[str, str]) -> list[tuple[str, list[str], dict[str, str]]]:
    """(label, how to run llmdev, its environment) for this checkout and, with --against, the other."""
    if options.against is None:
        return [("", [str(Path(sys.executable).with_name("llmdev"))], env)]
    return [(f"{label}: ", [sys.executable, "-m", "llmdev"], {**env, "PYTHONPATH": source_path(root)})
            for label, root in (("this", ROOT), ("against", options.against))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, required=True, help="a git repository to clone (it is not changed)")
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--against", type=Path, help="another checkout's root (with llmdev/ and plugins/) to time alongside")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="llmdev-review-cache-") as tmp, OllamaServer() as server:
        root, home = Path(tmp) / "repo", Path(tmp) / "home"
        subprocess.run(["git", "clone", "-q", str(options.repo), str(root)], check=True)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(llmdev_dirs(home), NO_COLOR="1", OLLAMA_HOST=server.url)
        server.reply_with(lambda body: json.dumps({"findings": [], "summary": "Looks fine."}))
        changed = stage_change(root, options.files)
        runs = sides(options, env)
        cold, _ = timed([*runs[0][1], "index"], root, runs[0][2])
        for _, launcher, side_env in runs:  # fill the cache (and, for this checkout, what it remembers)
            timed([*launcher, "review", "--staged", "-m", MODEL], root, side_env)
        times: dict[str, list[float]] = {}
        hit_requests = 0
        for _ in range(options.runs):
            for label, launcher, side_env in runs:
                review = [*launcher, "review", "--staged", "-m", MODEL]
                for case, argv in (("start-up (config path)", [*launcher, "config", "path"]), ("miss (--no-cache)", [*review, "--no-cache"]), ("hit", review)):
                    before = len(server.model_requests)
                    times.setdefault(label + case, []).append(timed(argv, root, side_env)[0])
                    hit_requests += (len(server.model_requests) - before) if case == "hit" else 0
        print(f"{options.repo.name}: {len(changed)} files changed; index (cold) {cold:.2f} s")
        print(f"{'case':<34} {'median s':>9} {'min s':>7} {'- start-up':>11}   ({options.runs} runs each, interleaved)")
        for name, values in times.items():
            floor = statistics.median(times[name.split(": ")[0] + ": start-up (config path)" if ": " in name else "start-up (config path)"])
            median = statistics.median(values)
            print(f"{name:<34} {median:>9.3f} {min(values):>7.3f} {median - floor:>11.3f}")
        print(f"requests sent by the hits: {hit_requests}")


if __name__ == "__main__":
    main()
