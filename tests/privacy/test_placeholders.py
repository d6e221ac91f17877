"""Placeholders are stable for a secret, distinct between secrets, and reveal nothing."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from llmdev.privacy.placeholders import KEY_FILE, placeholder
from llmdev.usage.store import data_dir

SECRET = "AKIA" + "Q3FAKE7T2LZ4WXQ9"


def test_the_same_secret_always_gets_the_same_placeholder() -> None:
    first = placeholder("aws-access-key", SECRET)
    assert re.fullmatch(r"\[REDACTED:aws-access-key:[0-9a-f]{6}\]", first)
    assert placeholder("aws-access-key", SECRET) == first
    assert placeholder("aws-access-key", SECRET[:-1] + "F") != first


def test_placeholders_are_stable_across_runs_and_keyed_per_machine() -> None:
    code = "from llmdev.privacy.placeholders import placeholder; print(placeholder('aws-access-key', %r))" % SECRET
    run = lambda: subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()  # noqa: E731
    assert run() == run() == placeholder("aws-access-key", SECRET)
    key = data_dir() / KEY_FILE
    assert key.is_file() and (key.stat().st_mode & 0o777) == 0o600
    key.write_text(os.urandom(32).hex())
    assert run() != placeholder("aws-access-key", SECRET)  # another machine's key, another tag
