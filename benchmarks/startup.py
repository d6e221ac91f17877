"""Start-up time of `llmdev --help` / `--version` against `aider --help` and `llm --help`, in one run.

Usage: python benchmarks/startup.py [--runs N] [--aider PATH] [--llm PATH]

PATHs are the executables of aider-chat and llm installed from PyPI in their own venvs, e.g.
  python3 -m venv /tmp/aider && /tmp/aider/bin/pip install aider-chat   -> --aider /tmp/aider/bin/aider
  python3 -m venv /tmp/llm && /tmp/llm/bin/pip install llm              -> --llm /tmp/llm/bin/llm
Tools that are not given or not found are left out of the table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HEAVY = ("openai", "ollama", "tree_sitter", "git")


# Installed tools run from compiled bytecode (pip compiles it at install time); an editable
# checkout gets it on first import unless PYTHONDONTWRITEBYTECODE says no, so allow it here.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def time_command(argv: list[str], runs: int) -> list[float]:
    subprocess.run(argv, capture_output=True, check=False, env=ENV)  # warm caches and bytecode once
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=False, env=ENV)
        times.append(time.perf_counter() - start)
    return times


def heavy_imports(args: list[str]) -> list[str]:
    code = f"import sys\nfrom llmdev.cli import run\nrun({args!r})\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return eval(proc.stdout.strip().splitlines()[-1])  # a list literal we printed ourselves


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--aider", default=shutil.which("aider"))
    parser.add_argument("--llm", default=shutil.which("llm"))
    options = parser.parse_args()
    llmdev = str(Path(sys.executable).with_name("llmdev"))
    cases = [("llmdev --help", [llmdev, "--help"]), ("llmdev --version", [llmdev, "--version"])]
    for name, exe in (("aider", options.aider), ("llm", options.llm)):
        if exe and Path(exe).exists():
            cases.append((f"{name} --help", [exe, "--help"]))
    medians = {}
    print(f"{'command':<20} {'median s':>9} {'min s':>7} {'max s':>7}   ({options.runs} runs each)")
    for name, argv in cases:
        times = time_command(argv, options.runs)
        medians[name] = statistics.median(times)
        print(f"{name:<20} {medians[name]:>9.3f} {min(times):>7.3f} {max(times):>7.3f}")
    base = medians["llmdev --help"]
    for name in ("aider --help", "llm --help"):
        if name in medians:
            print(f"llmdev --help is {medians[name] / base:.1f}x faster than {name}")
    print(f"target: median <= 0.150 s -> {'met' if base <= 0.150 else 'NOT met'}")
    for args in (["--help"], ["--version"]):
        print(f"heavy modules imported by llmdev {' '.join(args)}: {heavy_imports(args) or 'none'}")


if __name__ == "__main__":
    main()
