"""Start-up time of llmdev's cheap commands, against `python -c pass` (the floor) in the same run.

Usage: python benchmarks/startup.py [--runs N] [--against DIR] [--aider PATH] [--llm PATH]

--against DIR also times the llmdev cases with the `llmdev` and `plugins` folders of another
checkout (e.g. `git archive <commit> llmdev plugins | tar -x -C DIR`), interleaved with these:
before/after numbers under the same load. Both sides then run as `python -m llmdev`.

Every command pays the start-up: `--help`, a command's `--help` and `config path` (a real command
that does no repository work) show what is left for the command itself. The runs of all cases are
interleaved, so a burst of load on a shared machine hits every case alike. Target: `llmdev --help`
median <= 0.150 s.

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
import tempfile
import time
from pathlib import Path

from sandbox import llmdev_dirs

HEAVY = ("openai", "ollama", "tree_sitter", "git", "rich", "pydantic")
TARGET_S = 0.150


def environment(home: Path) -> dict[str, str]:
    # Installed tools run from compiled bytecode (pip compiles it at install time); an editable
    # checkout gets it on first import unless PYTHONDONTWRITEBYTECODE says no, so allow it here.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **llmdev_dirs(home), "COLUMNS": "100"}


LLMDEV_CASES = (["--help"], ["--version"], ["review", "--help"], ["context", "--help"], ["config", "path"])
ROOT = Path(__file__).resolve().parent.parent


def source_path(root: Path) -> str:
    """PYTHONPATH that makes `python -m llmdev` run the checkout at `root`, with its shipped plugins."""
    plugins = sorted(str(p) for p in (root / "plugins").iterdir() if (p / p.name).is_dir()) if (root / "plugins").is_dir() else []
    return os.pathsep.join([str(root), *plugins])


def cases(options: argparse.Namespace) -> list[tuple[str, list[str], str | None]]:
    """(name, argv, PYTHONPATH or None) for each case."""
    found: list[tuple[str, list[str], str | None]] = [
        ("python -c pass", [sys.executable, "-c", "pass"], None),
        ("python -c 'import typer'", [sys.executable, "-c", "import typer"], None),
    ]
    if options.against is None:
        llmdev = str(Path(sys.executable).with_name("llmdev"))
        found += [(f"llmdev {' '.join(args)}", [llmdev, *args], None) for args in LLMDEV_CASES]
    else:
        for label, root in (("this", ROOT), ("against", options.against)):
            found += [(f"{label}: llmdev {' '.join(a)}", [sys.executable, "-m", "llmdev", *a], source_path(root)) for a in LLMDEV_CASES]
    for name, exe in (("aider", options.aider), ("llm", options.llm)):
        if exe and Path(exe).exists():
            found.append((f"{name} --help", [exe, "--help"], None))
    return found


def time_all(commands: list[tuple[str, list[str], str | None]], runs: int, cwd: Path, env: dict[str, str]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name, _, _ in commands}
    envs = {name: {**env, "PYTHONPATH": path} if path else env for name, _, path in commands}
    for name, argv, _ in commands:  # warm the file cache and write bytecode once
        subprocess.run(argv, capture_output=True, check=False, env=envs[name], cwd=cwd)
    for _ in range(runs):
        for name, argv, _ in commands:
            start = time.perf_counter()
            subprocess.run(argv, capture_output=True, check=False, env=envs[name], cwd=cwd)
            times[name].append(time.perf_counter() - start)
    return times


def heavy_imports(args: list[str], env: dict[str, str], cwd: Path) -> list[str]:
    code = (
        "import sys\nfrom llmdev.cli import main\nsys.argv = ['llmdev', *%r]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in %r if m in sys.modules))" % (args, HEAVY)
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=cwd, check=True)
    return eval(proc.stdout.strip().splitlines()[-1])  # a list literal we printed ourselves


def report(times: dict[str, list[float]], runs: int) -> None:
    floor = statistics.median(times["python -c pass"])
    print(f"{'command':<34} {'median s':>9} {'min s':>7} {'max s':>7} {'- floor':>8}   ({runs} runs each, interleaved)")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<34} {median:>9.3f} {min(values):>7.3f} {max(values):>7.3f} {median - floor:>8.3f}")
    base = statistics.median(times["llmdev --help"] if "llmdev --help" in times else times["this: llmdev --help"])
    for name in ("aider --help", "llm --help"):
        if name in times:
            print(f"llmdev --help is {statistics.median(times[name]) / base:.1f}x faster than {name}")
    print(f"target: llmdev --help median <= {TARGET_S:.3f} s -> {'met' if base <= TARGET_S else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--against", type=Path, help="another checkout's root (with llmdev/ and plugins/) to time alongside")
    parser.add_argument("--aider", default=shutil.which("aider"))
    parser.add_argument("--llm", default=shutil.which("llm"))
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="llmdev-startup-") as tmp:
        home = Path(tmp)
        env = environment(home)
        commands = cases(options)
        report(time_all(commands, options.runs, home, env), options.runs)
        for args in LLMDEV_CASES:
            print(f"modules of {HEAVY} imported by llmdev {' '.join(args)}: {heavy_imports(list(args), env, home) or 'none'}")


if __name__ == "__main__":
    main()
