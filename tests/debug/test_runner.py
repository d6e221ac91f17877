from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

import pytest

from llmdev.debug import runner
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


def _main_thread_reading_output() -> bool:
    frame = sys._current_frames().get(threading.main_thread().ident or 0)
    while frame is not None:
        if frame.f_code.co_name == "_collect" and frame.f_code.co_filename == runner.__file__:
            return True
        frame = frame.f_back
    return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_ctrl_c_stops_the_whole_group_and_re_raises(tmp_path: Path) -> None:
    pid_file = tmp_path / "pids"

    def press_ctrl_c() -> None:
        # only once the command runs and run_command waits on it, so the interrupt lands where Ctrl-C would
        if _wait_until(lambda: pid_file.exists() and _main_thread_reading_output()):
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


DETACHED_GRANDCHILD = """
import subprocess, sys, time
holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], start_new_session=True)
open(sys.argv[1], "w").write(str(holder.pid))
print("started", flush=True)
if sys.argv[2] == "hang":
    time.sleep(60)
sys.exit(3)
"""


def _kill(pid_file: Path) -> None:
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text()), signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.mark.parametrize("mode", ["hang", "exit"])
def test_a_detached_grandchild_holding_the_pipe_does_not_hold_the_run(tmp_path: Path, mode: str) -> None:
    pid_file = tmp_path / "holder"
    try:
        run = run_command([sys.executable, "-c", DETACHED_GRANDCHILD, str(pid_file), mode], cwd=tmp_path, timeout=2)
        assert "started" in run.output
        assert _running(int(pid_file.read_text()))  # it still holds our pipe: only the reading stopped
    finally:
        _kill(pid_file)
    assert run.duration_s < 5, f"took {run.duration_s:.1f}s for a 2s timeout"
    if mode == "hang":
        assert run.timed_out and run.exit_code is None
    else:
        assert not run.timed_out and run.exit_code == 3 and run.duration_s < 1.5


def test_a_background_job_of_a_shell_command_does_not_hold_the_run(tmp_path: Path) -> None:
    pid_file = tmp_path / "job"
    try:
        run = run_command(["sh", "-c", f"sleep 30 & echo $! > {pid_file}; echo done; exit 4"], cwd=tmp_path, timeout=20)
    finally:
        _kill(pid_file)
    assert (run.exit_code, run.timed_out, run.output) == (4, False, "done\n")
    assert run.duration_s < 3
