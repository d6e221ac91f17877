"""A review split into 8 requests, against a loopback Ollama server that takes 2 s per reply: wall time
with the requests sent one after another ([providers.ollama] concurrency = 1) and 4 at a time, and
whether both give the same findings in the same order. Targets: sequential about 16 s, concurrency 4
at most 5 s, identical findings.

Usage: python benchmarks/concurrency.py [--delay S] [--parts N] [--concurrency N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the fake servers live in tests/servers

from tests.servers import OllamaServer  # noqa: E402
from sandbox import llmdev_dirs  # noqa: E402

MODEL = "ollama/llama3:8b"  # an 8192-token window on the fake server: one file below fills one request
LINES_PER_FILE = 180  # ~4,000 tokens: two files do not fit one request, so each file is a part


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True)


def build_change(root: Path, parts: int) -> None:
    git(root, "init", "-q", "-b", "main")
    (root / "README.md").write_text("# bench\n")
    git(root, "add", "-A")
    git(root, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "initial")
    for index in range(parts):
        body = "".join(f"value_{index}_{n} = compute({n}, 'text that takes up room in the review prompt')\n"
                       for n in range(LINES_PER_FILE))
        (root / f"part{index}.py").write_text(body)
    git(root, "add", "-A")


def answer(body: dict[str, Any]) -> str:
    """Two findings on every file the prompt shows, so the merge has something to order."""
    prompt = next(m["content"] for m in body["messages"] if m["role"] == "user")
    paths = re.findall(r"^### File: (\S+)", prompt, re.MULTILINE)
    findings = [
        {"path": p, "line": line, "end_line": line, "severity": "medium", "category": "correctness",
         "title": f"Problem at line {line} of {p}", "message": "explained", "suggestion": None}
        for p in paths for line in (5, 2)
    ]
    return json.dumps({"findings": findings, "summary": f"Reviewed {', '.join(paths)}."})


def review(root: Path, config_dir: Path, concurrency: int) -> tuple[float, int, list[dict[str, Any]], str]:
    from llmdev.config.loader import load_config
    from llmdev.repo.diffs import parse_spec
    from llmdev.repo.discovery import open_repository
    from llmdev.review.engine import RunOptions, run_review
    from llmdev.review.plan import plan_review

    (config_dir / "config.toml").write_text(f'[providers.ollama]\nkind = "ollama"\nconcurrency = {concurrency}\n')
    started = time.perf_counter()
    config = load_config(cwd=root)
    repo = open_repository(root)
    plan = plan_review(repo, config, parse_spec(repo, staged=True), model_flag=MODEL)
    result = run_review(plan, config, RunOptions(use_cache=False))
    return time.perf_counter() - started, len(plan.calls), [f.as_json() for f in result.findings], result.summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=2.0, help="seconds the server waits before each reply")
    parser.add_argument("--parts", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, OllamaServer() as server:
        home, root = Path(tmp) / "home", Path(tmp) / "repo"
        root.mkdir()
        os.environ.update(llmdev_dirs(home), NO_COLOR="1", OLLAMA_HOST=server.url)
        server.reply_with(answer)
        build_change(root, args.parts)
        warm_s = review(root, home / "LLMDEV_CONFIG_DIR", 1)[0]  # imports, code index: not part of either timing
        server.delay_first, server.max_in_flight = args.delay, 0

        seq_s, seq_parts, seq_findings, seq_summary = review(root, home / "LLMDEV_CONFIG_DIR", 1)
        seq_most, server.max_in_flight = server.max_in_flight, 0
        par_s, par_parts, par_findings, par_summary = review(root, home / "LLMDEV_CONFIG_DIR", args.concurrency)
        same = (seq_findings, seq_summary) == (par_findings, par_summary)
        num_ctx = sorted({r.body["options"]["num_ctx"] for r in server.model_requests})
        print(f"{seq_parts} requests, {args.delay:g} s per reply; load average {os.getloadavg()[0]:.2f}; "
              f"warm-up review with instant replies: {warm_s:.2f} s")
        print(f"concurrency 1: {seq_s:.2f} s wall (most in flight: {seq_most})")
        print(f"concurrency {args.concurrency}: {par_s:.2f} s wall (most in flight: {server.max_in_flight}); "
              f"speed-up {seq_s / par_s:.2f}x")
        print(f"findings: {len(par_findings)}, identical and in the same order: {same}; num_ctx sent: {num_ctx}")
        if seq_parts != args.parts or par_parts != args.parts:
            sys.exit(f"the change was planned as {seq_parts}/{par_parts} requests, not {args.parts}")
        if not same:
            sys.exit("the parallel review's findings differ from the sequential one's")


if __name__ == "__main__":
    main()
