"""What llmdev adds to a streamed answer, on a terminal and in a pipe.

The loopback Ollama test server, in a process of its own (so its work does not compete with the
client's for the GIL), streams a Markdown answer of each size, one word per chunk, at `--rate`
chunks per second (0: as fast as it can). The baseline is the `ollama` client reading the
same stream and doing nothing with it; llmdev runs `llmdev ask` in this process (after a warm-up
run, so imports and plugin loading are not counted) with its stdout on a pseudo-terminal (Rich
Markdown) or on a pipe (plain text), each drained by a `cat` process. The three take turns, `--runs`
times; prints the median seconds of each and llmdev's overhead over the baseline (target: under 5%
at every size).

Usage: python benchmarks/streaming.py [--sizes 10k,100k,2m] [--rate 400] [--modes pty,pipe] [--runs 3]
"""

from __future__ import annotations

import argparse
import fcntl
import multiprocessing
import os
import pty
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the fake servers live in tests/servers

from tests.servers import OllamaServer  # noqa: E402

MODEL = "llama3.1:8b"
SECTION = """## Step {n}

The cache key is built from the blob SHA and the grammar version, so a rebase that keeps the
content keeps the entry; a changed query invalidates every file of that language at once.

- read the tags from the store
- rank files by references, then by recency
- fit the map to the budget

```python
def rank(files: list[str], refs: dict[str, int]) -> list[str]:
    return sorted(files, key=lambda name: (-refs.get(name, 0), name))
```

"""


def answer_of(size: int) -> str:
    """Markdown of exactly `size` characters: sections of prose, a list and a code block."""
    parts, total, n = [], 0, 1
    while total < size:
        part = SECTION.format(n=n)
        parts.append(part)
        total += len(part)
        n += 1
    return "".join(parts)[:size]


def parse_size(text: str) -> int:
    units = {"k": 1_000, "m": 1_000_000}
    return int(float(text[:-1]) * units[text[-1].lower()]) if text[-1].lower() in units else int(text)


def serve(commands: Any) -> None:
    """The test server in this (child) process: send its URL, then take (answer, pause) commands."""
    with OllamaServer() as server:
        server.cut_at_window = False  # answers far longer than a window: what is measured is streaming, not windows
        commands.send(server.url)
        while (command := commands.recv()) is not None:
            server.reply_with(command[0])
            server.delay_between = command[1]
            commands.send("ok")


@contextmanager
def server_process() -> Iterator[tuple[str, Any]]:
    ours, theirs = multiprocessing.Pipe()
    child = multiprocessing.get_context("fork").Process(target=serve, args=(theirs,), daemon=True)
    child.start()
    try:
        yield ours.recv(), ours
    finally:
        ours.send(None)
        child.join(timeout=10)


def script(control: Any, answer: str, pause: float) -> None:
    control.send((answer, pause))
    control.recv()


def baseline(url: str) -> float:
    """Seconds for the ollama client to read the whole stream."""
    import ollama

    client = ollama.Client(host=url, timeout=600)
    start = time.perf_counter()
    pieces = [part.message.content for part in client.chat(MODEL, [{"role": "user", "content": "q"}], stream=True)]
    elapsed = time.perf_counter() - start
    assert pieces
    return elapsed


@contextmanager
def stdout_on(mode: str) -> Iterator[None]:
    """fd 1 on a pty or a pipe, drained by `cat`; restored afterwards."""
    if mode == "pty":
        reader, writer = pty.openpty()
        fcntl.ioctl(writer, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    else:
        reader, writer = os.pipe()
    drain = subprocess.Popen(["cat"], stdin=reader, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(reader)
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(writer, 1)
    os.close(writer)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        drain.wait(timeout=60)


def llmdev_ask(mode: str) -> float:
    """Seconds for `llmdev ask` in this process, stdout on a pty or a pipe."""
    from llmdev.cli import run

    with stdout_on(mode):
        start = time.perf_counter()
        code = run(["-q", "ask", "q"])
        elapsed = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"llmdev ask failed with exit code {code}")
    return elapsed


def isolate(url: str, home: Path) -> None:
    for var in ("LLMDEV_CONFIG_DIR", "LLMDEV_DATA_DIR", "LLMDEV_CACHE_DIR"):
        (home / var).mkdir(exist_ok=True)
        os.environ[var] = str(home / var)
    for var in ("LLMDEV_MODEL", "OPENAI_API_KEY", "OPENAI_BASE_URL", "NO_COLOR"):
        os.environ.pop(var, None)
    os.environ.update(OLLAMA_HOST=url, TERM="xterm-256color", COLUMNS="100", LINES="40")
    os.chdir(home)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,2m", help="answer sizes in characters, e.g. 10k,100k,2m")
    parser.add_argument("--rate", type=float, default=400, help="chunks (words) per second the server sends; 0: no pause")
    parser.add_argument("--modes", default="pty,pipe")
    parser.add_argument("--runs", type=int, default=3, help="turns of each; the median is shown")
    args = parser.parse_args()
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    modes = args.modes.split(",")
    with server_process() as (url, control), tempfile.TemporaryDirectory() as tmp:
        isolate(url, Path(tmp))
        script(control, "warm-up", 0.0)
        for mode in modes:
            llmdev_ask(mode)
        print(f"streaming {args.sizes} at {args.rate:g} chunks/s; median seconds of {args.runs} (overhead vs the ollama client)")
        for size in sizes:
            script(control, answer_of(size), 1 / args.rate if args.rate else 0.0)
            times: dict[str, list[float]] = {mode: [] for mode in ["client", *modes]}
            for _ in range(args.runs):  # in turns, so a change in the machine's load hits each alike
                times["client"].append(baseline(url))
                for mode in modes:
                    times[mode].append(llmdev_ask(mode))
            base = statistics.median(times["client"])
            row = [f"{size:>9,} chars  ollama client {base:8.2f}"]
            for mode in modes:
                took = statistics.median(times[mode])
                row.append(f"llmdev {mode} {took:8.2f} ({(took - base) / base * 100:+5.1f}%)")
            print("  ".join(row), flush=True)


if __name__ == "__main__":
    main()
