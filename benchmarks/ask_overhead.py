"""llmdev's own overhead on `ask`: everything but waiting for the model.

A loopback Ollama (or OpenAI) test server answers at once; each run's wall time minus the time
the server spent answering is llmdev's overhead. Prints the median of N runs, in milliseconds:
  in-process, warm   `llmdev.cli.run(["ask", ...])` again in one process (target: <= 50 ms)
  in-process, first  the first such run (imports the clients, loads plugins)
  subprocess         `python -m llmdev ask ...` (adds interpreter start-up and every import)

Usage: python benchmarks/ask_overhead.py [--runs N] [--backend ollama|openai]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the fake servers live in tests/servers

from tests.servers import OllamaServer, OpenAIServer  # noqa: E402
from tests.servers.base import FakeServer  # noqa: E402

QUESTION = "Why does the cache test fail after a rebase?"


def isolated_env(server: FakeServer, backend: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLMDEV_", "OLLAMA_", "OPENAI_"))}
    for var in ("LLMDEV_CONFIG_DIR", "LLMDEV_DATA_DIR", "LLMDEV_CACHE_DIR"):
        (home / var).mkdir(exist_ok=True)
        env[var] = str(home / var)
    env["NO_COLOR"] = "1"
    if backend == "ollama":
        env["OLLAMA_HOST"] = server.url
    else:
        env.update(OPENAI_BASE_URL=server.url + "/v1", OPENAI_API_KEY="test-key", LLMDEV_MODEL="gpt4o")
    return env


def timed(server: FakeServer, action: Callable[[], int]) -> float:
    """Seconds `action` took, minus the seconds the server spent on its requests."""
    before = len(server.requests)
    start = time.perf_counter()
    code = action()
    wall = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"ask failed with exit code {code}")
    return wall - sum(r.server_s for r in server.requests[before:])


def in_process(server: FakeServer, runs: int) -> tuple[float, list[float]]:
    from llmdev.cli import run

    def once() -> int:
        with contextlib.redirect_stdout(io.StringIO()):
            return run(["-q", "ask", QUESTION])

    first = timed(server, once)
    return first, [timed(server, once) for _ in range(runs)]


def in_subprocess(server: FakeServer, runs: int, env: dict[str, str], cwd: Path) -> list[float]:
    command = [sys.executable, "-m", "llmdev", "-q", "ask", QUESTION]

    def once() -> int:
        return subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL).returncode

    return [timed(server, once) for _ in range(runs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--backend", choices=("ollama", "openai"), default="ollama")
    args = parser.parse_args()
    server: FakeServer = OllamaServer() if args.backend == "ollama" else OpenAIServer()
    server.reply_with("The fixture is shared between tests, so the second run sees stale data.")
    with server, tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = isolated_env(server, args.backend, home)
        subprocess_times = in_subprocess(server, max(5, args.runs // 3), env, home)
        os.environ.clear()
        os.environ.update(env)
        os.chdir(home)
        first, warm = in_process(server, args.runs)
        server_ms = statistics.median(r.server_s for r in server.model_requests) * 1000
    print(f"llmdev ask overhead ({args.backend} test server answering at once; server time {server_ms:.1f} ms subtracted)")
    print(f"  in-process, warm:  median {statistics.median(warm) * 1000:6.1f} ms over {len(warm)} runs (target <= 50 ms)")
    print(f"  in-process, first: {first * 1000:6.1f} ms")
    print(f"  subprocess:        median {statistics.median(subprocess_times) * 1000:6.1f} ms over {len(subprocess_times)} runs")


if __name__ == "__main__":
    main()
