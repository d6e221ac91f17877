"""A small repository for chat tests (also used by tests/commands/test_chat.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

FILES = {
    "src/app.py": 'def greet(name):\n    return f"hi {name}"\n\n\nclass Greeter:\n    def greet_all(self, names):\n        return [greet(n) for n in names]\n',
    "src/util.py": "def parse_number(text):\n    return int(text)\n\n\ndef parse_pair(text):\n    left, right = text.split(',')\n    return parse_number(left), parse_number(right)\n",
    "tests/test_app.py": "from src.app import greet\n\n\ndef test_greet():\n    assert greet('a') == 'hi a'\n",
    "README.md": "# demo\n\nA small project.\n",
    "package-lock.json": "{}\n",
}


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def make_repository(root: Path) -> Path:
    """FILES, committed, in a new git repository at `root`."""
    for path, text in FILES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "initial")
    return root
