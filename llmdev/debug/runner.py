"""Run the failing command with a timeout and keep its combined output and exit status."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from llmdev.errors import UsageError

MAX_OUTPUT_CHARS = 200_000  # the tail is kept: traces print last
STOP_GRACE_S = 3.0  # between SIGTERM and SIGKILL
DRAIN_S = 0.5  # output still read after the command ends; a detached grandchild may hold the pipe for ever
POLL_S = 0.1


@dataclass(frozen=True)
class CommandRun:
    command: list[str]
    exit_code: int | None  # None when it was stopped at the timeout
    output: str
    duration_s: float
    timed_out: bool = False

    @property
    def passed(self) -> bool:
        return self.exit_code == 0

    def describe(self) -> str:
        if self.timed_out:
            return f"timed out after {self.duration_s:.0f}s"
        return "passed" if self.passed else f"failed with exit status {self.exit_code}"


def _tail(text: str) -> str:
    if len(text) <= MAX_OUTPUT_CHARS:
        return text
    return "[... earlier output cut ...]\n" + text[-MAX_OUTPUT_CHARS:]


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass  # the whole group has already exited


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End the command and everything it started (its own process group): SIGTERM, a short grace,
    then SIGKILL for whatever is left, and reap the command itself."""
    _signal_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        pass
    # also for the command's children: one that ignores SIGTERM would keep the output pipe open
    _signal_group(process, signal.SIGKILL)
    process.wait()


def run_command(command: Sequence[str], cwd: Path | None = None, timeout: float = 300.0) -> CommandRun:
    """Run `command` (no shell), stdout and stderr merged, stopped after `timeout` seconds."""
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except FileNotFoundError:
        raise UsageError(f"command not found: {command[0]}", "check the command after `--`") from None
    except PermissionError:
        raise UsageError(f"cannot run {command[0]}: permission denied", "is it executable?") from None
    output, timed_out = _wait(process, timeout)
    text = _tail(output.decode("utf-8", "replace"))
    code = None if timed_out else process.returncode
    return CommandRun(list(command), code, text, time.monotonic() - started, timed_out)


def _wait(process: subprocess.Popen[bytes], timeout: float) -> tuple[bytes, bool]:
    """(output, timed out); on Ctrl-C the command's whole process group is stopped before re-raising."""
    try:
        return _collect(process, timeout)
    except KeyboardInterrupt:
        _stop(process)
        raise
    finally:
        if process.stdout is not None:
            process.stdout.close()


def _collect(process: subprocess.Popen[bytes], timeout: float) -> tuple[bytes, bool]:
    """Read the output until the pipe closes, but never past the timeout, nor past DRAIN_S after the
    command (or, at the timeout, its whole group) has ended: a grandchild that left the group keeps the
    pipe open, and waiting for it would stretch a 3 s timeout to as long as it lives."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    chunks: list[bytes] = []
    timed_out = False
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while True:
            now = time.monotonic()
            if process.poll() is not None and deadline > now + DRAIN_S:
                deadline = now + DRAIN_S
            if now >= deadline:
                if process.poll() is not None:
                    break
                timed_out = True
                _stop(process)
                deadline = time.monotonic() + DRAIN_S
                continue
            if selector.select(min(deadline - now, POLL_S)):
                data = os.read(fd, 65536)
                if not data:
                    break
                chunks.append(data)
    process.wait()
    return b"".join(chunks), timed_out
