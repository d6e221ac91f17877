from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

import pytest

from llmdev.debug.runner import run_command
from llmdev.errors import UsageError


def test_output_and_status(tmp_path: Path) -> None:
    run = run_command([sys.executable, "-c", "import sys; print('out'); print('err', file=sys.stderr); sys.exit(3)"], cwd=tmp_path)
    assert run.exit_code == 3 and not run.passed and "out" in run.output and "err" in run.output
    assert run.describe() == "failed with exit status 3"


def test_timeout_stops_the_whole_group(tmp_path: Path) -> None:
    script = "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); print('started', flush=True); time.sleep(60)"
    run = run_command([sys.executable, "-c", script], cwd=tmp_path, timeout=1)
    assert run.timed_out and run.exit_code is None and "started" in run.output
    assert run.describe().startswith("timed out")


def test_missing_command_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="command not found"):
        run_command(["no-such-command-xyz"], cwd=tmp_path)


CHILD_THAT_WRITES_PIDS = """
import os, signal, subprocess, sys, time
helper = subprocess.Popen([sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"])
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(f"{os.getpid()} {helper.pid}")
os.replace(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(60)
"""


def _running(pid: int) -> bool:
    """Alive and not a zombie (an exited child of a parent that has not reaped it yet)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _wait_until(condition: Callable[[], bool], limit_s: float = 20.0) -> bool:
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _main_thread_in_communicate() -> bool:
    frame = sys._current_frames().get(threading.main_thread().ident or 0)
    while frame is not None:
        if frame.f_code.co_name == "communicate" and frame.f_code.co_filename == subprocess.__file__:
            return True
        frame = frame.f_back
    return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_ctrl_c_stops_the_whole_group_and_re_raises(tmp_path: Path) -> None:
    pid_file = tmp_path / "pids"

    def press_ctrl_c() -> None:
        # only once the command runs and run_command waits on it, so the interrupt lands where Ctrl-C would
        if _wait_until(lambda: pid_file.exists() and _main_thread_in_communicate()):
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)

    presser = threading.Thread(target=press_ctrl_c)
    presser.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            run_command([sys.executable, "-c", CHILD_THAT_WRITES_PIDS, str(pid_file)], cwd=tmp_path, timeout=120)
    finally:
        presser.join()
    leader, helper = (int(p) for p in pid_file.read_text().split())
    assert not _running(leader)
    # the helper ignores SIGTERM, so only the SIGKILL to the whole group ends it (then init reaps it)
    assert _wait_until(lambda: not _running(helper)), f"process {helper} from the command's group still runs"
