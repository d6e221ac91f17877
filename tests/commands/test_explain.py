from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmdev.cli import run
from tests.edits.scratch import make_repo

CART = (
    "from pricing import tax\n\n\nclass Cart:\n    def __init__(self):\n        self.items = []\n\n"
    "    def total(self):\n        return sum(i.price for i in self.items) + tax(self.items)\n"
)
PRICING = "def tax(items):\n    return 0.2 * len(items)\n"
SHOP = "from cart import Cart\n\n\ndef checkout(cart):\n    return cart.total()\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_repo(tmp_path / "shop", {"cart.py": CART, "pricing.py": PRICING, "shop.py": SHOP})
    monkeypatch.chdir(root)
    return root


def prompt(capsys: pytest.CaptureFixture[str]) -> dict:
    return json.loads(capsys.readouterr().out)


def test_symbol_with_usages_and_callees(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["explain", "--dry-run", "cart.py:Cart.total"]) == 0
    payload = prompt(capsys)
    user = payload["messages"][1]["content"]
    assert "# Explain: cart.py:Cart.total" in user
    code = user.split("# Where it is used")[0]
    assert "def total(self):" in code and "def __init__" not in code
    assert "shop.py:5: return cart.total()" in user
    assert "def tax(items):" in user  # what it calls
    assert payload["files"] == ["cart.py", "pricing.py"]


def test_whole_file(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["explain", "--dry-run", "shop.py"]) == 0
    assert "def checkout(cart):" in prompt(capsys)["messages"][1]["content"]


def test_unknown_symbol_suggests_names(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["explain", "--dry-run", "cart.py:totl"]) == 2
    assert "known names include: total" in capsys.readouterr().err


def test_answer_streams_to_stdout(repo: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply("`Cart.total` sums the prices and adds tax.")
    assert run(["explain", "cart.py:total"]) == 0
    assert "sums the prices" in capsys.readouterr().out
    assert "def total(self):" in use_ollama.last_body()["messages"][1]["content"]
