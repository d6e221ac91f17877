"""llmdev's own time to review a 300-line staged diff in a large repository, and the tokens it sends.

Builds a synthetic Python repository (default 4,000 files, ~480k lines), stages a 300-line
change across 6 files whose functions are called elsewhere, and reviews it against a loopback
Ollama test server that answers at once. llmdev's time is the review's wall time minus the
time spent inside model calls (measured by a `model_call_finished` plugin). Prints:
  index build (cold)       the first review also builds the code index
  review, warm (median)    plan (diff, context, batching, prompts) + reply handling; target <= 0.3 s
  subprocess, warm         `python -m llmdev review` (adds interpreter start-up and imports)
  tokens                   what llmdev sends vs the staged `git diff` in a minimal prompt

Usage: python benchmarks/review_overhead.py [--files N] [--runs N]
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

from llmdev.hookspecs import hookimpl  # noqa: E402
from tests.servers import OllamaServer  # noqa: E402
from sandbox import llmdev_dirs  # noqa: E402

CHANGED = 6
LINES_PER_CHANGE = 50  # 6 x 50 = 300 added lines
BASELINE_PROMPT = "Review this diff. Report bugs, security and performance problems as JSON.\n\n"


def module_text(index: int) -> str:
    """A module of ~120 lines: functions that call functions of other modules."""
    lines = [
        f"from pkg{(index + 1) % 40}.mod{index + 1} import func_{index + 1}_0\n",
        f"from pkg{(index - 1) % 40}.mod{index - 1} import func_{index - 1}_3\n",
    ]
    for f in range(10):
        lines += [
            f"def func_{index}_{f}(value, scale=2):\n",
            f'    """Compute step {f} of module {index}."""\n',
            "    total = 0\n",
            "    for item in range(value):\n",
            f"        total += item * scale + {f}\n",
            "    if total > 1000:\n",
            f"        total = func_{index + 1}_0(total // 1000)\n",
            f"    result = [total, func_{index - 1}_3(total)]\n" if f == 9 else "    result = [total for _ in range(3)]\n",
            "    return sum(result)\n",
            "\n\n",
        ]
    return "".join(lines)


def changed_text(index: int) -> str:
    """The same module with 50 more lines in one function."""
    original = module_text(index)
    marker = f"def func_{index}_3(value, scale=2):\n"
    added = "".join(f"    extra_{n} = value * {n} + scale  # new computation {n}\n" for n in range(LINES_PER_CHANGE))
    return original.replace(marker, marker + added)


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def build_repo(root: Path, files: int) -> None:
    git(root, "init", "-q", "-b", "main")
    for index in range(files):
        path = root / f"pkg{index % 40}" / f"mod{index}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(module_text(index))
    git(root, "add", "-A")
    git(root, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "initial")
    for index in range(CHANGED):
        (root / f"pkg{index * 7 % 40}" / f"mod{index * 7}.py").write_text(changed_text(index * 7))
    git(root, "add", "-A")


class ModelTime:
    """A plugin that adds up the time spent inside model calls."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0

    @hookimpl
    def model_call_finished(self, record) -> None:  # type: ignore[no-untyped-def]
        self.seconds += record.duration_s
        self.calls += 1


def review_once(root: Path, recorder: ModelTime) -> tuple[float, int]:
    from llmdev.config.loader import load_config
    from llmdev.repo.diffs import parse_spec
    from llmdev.repo.discovery import open_repository
    from llmdev.review.engine import RunOptions, run_review
    from llmdev.review.plan import plan_review
    from llmdev.tokens import estimate_message_tokens

    before = recorder.seconds
    started = time.perf_counter()
    config = load_config(cwd=root)
    repo = open_repository(root)
    plan = plan_review(repo, config, parse_spec(repo, staged=True))
    run_review(plan, config, RunOptions(use_cache=False))
    wall = time.perf_counter() - started
    sent = sum(estimate_message_tokens(m.content for m in call.messages) for call in plan.calls)
    return wall - (recorder.seconds - before), sent


def review_prompt(root: Path) -> str:
    from llmdev.config.loader import load_config
    from llmdev.repo.diffs import parse_spec
    from llmdev.repo.discovery import open_repository
    from llmdev.review.plan import plan_review

    repo = open_repository(root)
    plan = plan_review(repo, load_config(cwd=root), parse_spec(repo, staged=True))
    return "\n\n".join(m.content for call in plan.calls for m in call.messages if m.role == "user")


def subprocess_once(root: Path, env: dict[str, str]) -> float:
    """Wall time of a whole `llmdev review` process; the loopback server answers at once."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "llmdev", "review", "--no-cache", "-f", "json"], cwd=root, env=env,
                   check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--show-prompt", action="store_true", help="print the user message llmdev sends")
    args = parser.parse_args()

    from llmdev import plugins
    from llmdev.tokens import estimate_message_tokens

    with tempfile.TemporaryDirectory() as tmp, OllamaServer() as server:
        home, root = Path(tmp) / "home", Path(tmp) / "repo"
        root.mkdir()
        env = dict(os.environ, NO_COLOR="1", OLLAMA_HOST=server.url, **llmdev_dirs(home))
        os.environ.update(env)
        server.reply_with(json.dumps({"findings": [], "summary": "No problems."}))
        build_repo(root, args.files)
        recorder = ModelTime()
        plugins.reset()
        plugins.plugin_state(extra=(recorder,))

        started = time.perf_counter()
        cold, sent = review_once(root, recorder)
        print(f"repository: {args.files} files, {args.files * 120:,} lines; staged: {CHANGED} files, "
              f"{CHANGED * LINES_PER_CHANGE} added lines; load average {os.getloadavg()[0]:.2f}")
        print(f"first review (builds the code index): {cold:.2f} s llmdev time, {time.perf_counter() - started:.2f} s wall")
        warm = [review_once(root, recorder)[0] for _ in range(args.runs)]
        print(f"review, warm: median {statistics.median(warm) * 1000:.0f} ms, min {min(warm) * 1000:.0f} ms "
              f"(model time excluded; {recorder.calls} model calls in all)")
        sub = [subprocess_once(root, env) for _ in range(3)]
        print(f"subprocess `python -m llmdev review`, warm: median {statistics.median(sub) * 1000:.0f} ms wall "
              "(includes interpreter start-up, imports and the loopback model call)")

        diff = git(root, "diff", "--cached")
        baseline = estimate_message_tokens([BASELINE_PROMPT + diff])
        if args.show_prompt:
            print(review_prompt(root))
        print(f"tokens sent: llmdev {sent:,} (diff with line numbers, enclosing code, definitions, callers, "
              f"instructions) vs plain `git diff --cached` in a prompt {baseline:,} ({sent / baseline:.2f}x)")


if __name__ == "__main__":
    main()
