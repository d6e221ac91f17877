"""`llmdev eval` on a real repository's history, with a loopback Ollama test server standing in for the model.

    python benchmarks/eval_history.py /path/to/clone [--limit 50] [--kinds localisation review commit-msg]

Prints:
  mining        commits walked, tasks found per 1,000 commits (all of history, per kind), mining time
  per task      llmdev's own time per task without model time (checkout, index, context, prompt,
                scoring), median and mean, per kind; the first task of a run also builds the index
  localisation  the mean localisation score (no model involved: it is llmdev's context alone)
The model kinds (review, commit-msg) are timed only: the stand-in server answers at once with an
empty review and a fixed message, so their scores say nothing about any model.

Everything llmdev writes goes to a temporary config/data/cache dir; the clone is only read.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the fake servers live in tests/servers

from tests.servers import OllamaServer  # noqa: E402

KINDS = ("localisation", "review", "commit-msg")


def stand_in_reply(body: dict[str, Any]) -> str:
    """An empty review when a JSON reply is asked for, else a commit message."""
    return '{"findings": [], "summary": "No problems found."}' if body.get("format") else "Update the code"


def isolate(scratch: Path, server_url: str) -> None:
    for name in ("LLMDEV_CONFIG_DIR", "LLMDEV_DATA_DIR", "LLMDEV_CACHE_DIR"):
        path = scratch / name.lower()
        path.mkdir()
        os.environ[name] = str(path)
    os.environ["OLLAMA_HOST"] = server_url
    os.environ["NO_COLOR"] = "1"


def mining(repo: Any, settings: Any) -> None:
    from llmdev.evaluation.history import walk
    from llmdev.evaluation.mining import mine_tasks

    started = time.perf_counter()
    commits = sum(1 for _ in walk(repo))
    walked = time.perf_counter() - started
    started = time.perf_counter()
    tasks = mine_tasks(repo, settings, kinds=KINDS, limit=10**9)
    seconds = time.perf_counter() - started
    counts = Counter(t.kind for t in tasks)
    total = int(repo.git("rev-list", "--count", "HEAD"))
    print(f"mining: {commits} non-merge commits ({total} with merges) walked in {walked:.2f}s; all tasks mined in {seconds:.1f}s")
    for kind in KINDS:
        print(f"  {kind:13} {counts[kind]:5} tasks = {1000 * counts[kind] / max(commits, 1):6.1f} per 1,000 non-merge commits "
              f"({1000 * counts[kind] / max(total, 1):.1f} per 1,000 commits with merges)")


def run(repo_path: Path, limit: int, kinds: list[str]) -> None:
    from llmdev.config.loader import load_config
    from llmdev.evaluation.mining import mine_tasks
    from llmdev.evaluation.runner import EvalOptions, run_eval
    from llmdev.repo.discovery import open_repository

    repo = open_repository(repo_path)
    config = load_config(cwd=repo.root)
    mining(repo, config.settings.eval)
    tasks = mine_tasks(repo, config.settings.eval, kinds=kinds, limit=limit)
    started = time.perf_counter()
    summaries = run_eval(repo, config, tasks, EvalOptions(["ollama/llama3.1:8b"]))
    wall = time.perf_counter() - started
    print(f"eval: {len(tasks)} tasks (at most {limit} per kind) in {wall:.1f}s wall")
    for summary in summaries:
        for kind in kinds:
            results = [r for r in summary.results if r.kind == kind]
            if not results:
                continue
            work = [r.work_s for r in results]
            model = sum(r.model_s for r in results)
            status = Counter(r.status for r in results)
            print(f"  {kind:13} {len(results):3} tasks ({dict(status)}): without model time median {statistics.median(work):.3f}s, "
                  f"mean {statistics.mean(work):.3f}s, first {work[0]:.3f}s; stand-in model time {model:.2f}s")
            if kind == "localisation":
                scored = [r for r in results if r.status == "ok" and r.score is not None]
                files = [r.details["file_recall"] for r in scored]
                functions = [r.details["function_recall"] for r in scored if r.details["function_recall"] is not None]
                print(f"  localisation score {summary.mean(kind):.3f} (file recall {statistics.mean(files):.3f}, "
                      f"function recall {statistics.mean(functions):.3f} over {len(functions)} tasks with functions)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path, help="a git clone whose history is evaluated (only read)")
    parser.add_argument("--limit", type=int, default=50, help="tasks per kind")
    parser.add_argument("--kinds", nargs="+", default=list(KINDS), choices=KINDS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, OllamaServer() as server:
        server.reply_with(stand_in_reply)
        isolate(Path(scratch), server.url)
        run(args.repo.resolve(), args.limit, args.kinds)


if __name__ == "__main__":
    main()
