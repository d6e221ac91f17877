from __future__ import annotations

import sys
from pathlib import Path

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
