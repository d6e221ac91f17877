from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from llmdev.edits.diff import coloured_diff, diff_stats, patch_bytes, render_patch
from llmdev.edits.plan import FileChange
from tests.edits.scratch import git, make_repo

FILES = {
    "crlf.txt": b"one\r\ntwo\r\nthree\r\n",
    "noeol.py": b"a = 1\nb = 2",
    "latin.txt": "caf\xe9 = 1\n".encode("cp1252"),
    "bom.py": b"\xef\xbb\xbfx = 1\n",
}
CHANGES = [
    FileChange("crlf.txt", FILES["crlf.txt"], b"one\r\nTWO\r\nthree\r\n", 0o644),
    FileChange("noeol.py", FILES["noeol.py"], b"a = 1\nb = 3", 0o644),
    FileChange("latin.txt", FILES["latin.txt"], "caf\xe9 = 2\n".encode("cp1252"), 0o644),
    FileChange("bom.py", FILES["bom.py"], b"\xef\xbb\xbfx = 2\n", 0o644),
    FileChange("pkg/new.py", None, b"print(1)\n"),
]


def test_git_apply_accepts_the_patch_byte_for_byte(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", FILES)
    (root / "change.patch").write_bytes(patch_bytes(CHANGES))
    git(root, "apply", "--check", "change.patch")
    git(root, "apply", "change.patch")
    for change in CHANGES:
        assert (root / change.path).read_bytes() == change.after, change.path


def test_patch_text_marks_new_files_and_missing_newline() -> None:
    text = render_patch(CHANGES)
    assert "new file mode 100644\n--- /dev/null\n+++ b/pkg/new.py\n" in text
    assert "+b = 3\n\\ No newline at end of file\n" in text
    assert diff_stats(CHANGES[:1]) == [("crlf.txt", 1, 1)]
    assert "+TWO" in coloured_diff(CHANGES).plain


@pytest.mark.parametrize("change", CHANGES[:2])
def test_patch_reverses_cleanly(tmp_path: Path, change: FileChange) -> None:
    root = make_repo(tmp_path / "r", {change.path: change.after or b""})
    (root / "p.patch").write_bytes(patch_bytes([change]))
    done = subprocess.run(["git", "apply", "-R", "--check", "p.patch"], cwd=root, capture_output=True)
    assert done.returncode == 0, done.stderr
