"""A review's local work before its first request (diff, hunk context, batching, prompts: `plan_review`)
on a 95-file change whose lines use names defined in nearly every file (`get`, `run`, `__init__`),
the case where looking up definitions used to read every defining file's whole tag list.
Target: at most 0.5 s warm. Prints a hash of the prompts (with a fixed redaction key, so it is the
same from run to run), to check a change leaves them as they were.

Usage: python benchmarks/review_local_work.py [--files N] [--changed N] [--runs N] [--profile]
       python benchmarks/review_local_work.py --repo PATH [--changed N] [--runs N]

With --repo, a clone of that git repository (e.g. sympy) is used instead: N of its source files
(not tests; chosen with a fixed seed) get a small helper function appended, and are staged.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import pstats
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

METHODS = ["get", "run", "update", "value", "close", "save", "load", "items"]


def module_text(index: int, extra: str = "") -> str:
    """A class whose methods share their names with every other module's, and a helper function."""
    parts = [
        f"from pkg{(index + 1) % 30}.mod{index + 1} import Model{index + 1}\n\n\nclass Model{index}:\n",
        "    def __init__(self, data):\n        self.data = data\n\n",
        "    def __new__(cls, *args):\n        return super().__new__(cls)\n\n",
    ]
    for method in METHODS:
        parts.append(f"    def {method}(self, key=None):\n        result = self.data.get(key)\n"
                     f"        other = Model{index + 1}(result)\n        other.run()\n        return other.value()\n\n")
    parts.append(f"\ndef helper_{index}(items):\n    total = 0\n    for item in items:\n"
                 f"        total += item.get('x')\n{extra}    return total\n")
    return "".join(parts)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def build_repo(root: Path, files: int, changed: int) -> None:
    git(root, "init", "-q", "-b", "main")
    for index in range(files):
        path = root / f"pkg{index % 30}" / f"mod{index}.py"
        path.parent.mkdir(exist_ok=True)
        path.write_text(module_text(index))
    git(root, "add", "-A")
    git(root, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "initial")
    extra = "".join(f"        total += item.{m}() + Model0(item).run()\n" for m in METHODS)
    for index in range(0, changed * 7, 7):
        (root / f"pkg{index % 30}" / f"mod{index}.py").write_text(module_text(index, extra))
    git(root, "add", "-A")


HELPER = "\n\ndef _bench_helper(expr):\n    from sympy import simplify, Symbol\n    x = Symbol('x')\n    return simplify(expr.subs(x, 1)).doit()\n"


def change_clone(source: Path, root: Path, changed: int) -> None:
    """A clone of `source` with `changed` of its Python source files edited and staged."""
    import random

    cloned = subprocess.run(["git", "clone", "-q", str(source), str(root)], capture_output=True, text=True)
    if cloned.returncode != 0:
        raise SystemExit(f"cannot clone {source}: {cloned.stderr.strip()} (give a git repository)")
    listed = subprocess.run(["git", "ls-files", "*.py"], cwd=root, capture_output=True, text=True, check=True).stdout.split()
    files = sorted(p for p in listed if "/tests/" not in p and not p.startswith("tests/"))
    random.Random(7).shuffle(files)
    for path in files[:changed]:
        with open(root / path, "a", encoding="utf-8") as handle:
            handle.write(HELPER)
    git(root, "add", "-A")


def plan_once(root: Path) -> tuple[float, str]:
    from llmdev.config.loader import load_config
    from llmdev.repo.diffs import parse_spec
    from llmdev.repo.discovery import open_repository
    from llmdev.review.plan import plan_review

    started = time.perf_counter()
    repo = open_repository(root)
    plan = plan_review(repo, load_config(cwd=root), parse_spec(repo, staged=True))
    seconds = time.perf_counter() - started
    digest = hashlib.sha256("".join(m.content for c in plan.calls for m in c.messages).encode()).hexdigest()[:16]
    return seconds, digest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1500)
    parser.add_argument("--changed", type=int, default=95)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print where one warm plan spends its time")
    parser.add_argument("--repo", type=Path, help="a real git repository to clone and change instead of the synthetic one")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, OllamaServer() as server:
        home, root = Path(tmp) / "home", Path(tmp) / "repo"
        os.environ.update(llmdev_dirs(home), NO_COLOR="1", OLLAMA_HOST=server.url)
        # Fenced blocks carry ids keyed by the data dir's redaction key: a fixed one keeps the
        # prompts' hash comparable from run to run and between checkouts.
        (Path(os.environ["LLMDEV_DATA_DIR"]) / "redaction.key").write_text("00" * 32, encoding="ascii")
        if args.repo:
            change_clone(args.repo.resolve(), root, args.changed)
        else:
            root.mkdir()
            build_repo(root, args.files, args.changed)
        cold, digest = plan_once(root)
        warm = [plan_once(root)[0] for _ in range(args.runs)]
        what = f"a clone of {args.repo}" if args.repo else f"{args.files} files"
        print(f"{what}, {args.changed} changed; load average {os.getloadavg()[0]:.2f}")
        print(f"first plan (builds the code index): {cold:.2f} s; warm: median {statistics.median(warm):.3f} s, "
              f"min {min(warm):.3f} s; prompts sha256 {digest}")
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(plan_once, root)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(20)


if __name__ == "__main__":
    main()
