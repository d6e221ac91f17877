"""A server that counts more tokens than llmdev estimated refuses the prompt as over its window
(llama-server's exceed_context_size_error): gen, explain and chat build their context again within
smaller budgets and send it once more; a second refusal is reported with what was tried."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from llmdev.cli import run
from tests.commands.test_chat import chat
from tests.edits.scratch import make_repo
from tests.servers import OpenAIServer
from tests.servers.base import estimate_server_tokens

WINDOW = 4096
FIX = "Fix it.\n\nshop/cart_0.py\n<<<<<<< SEARCH\n    return 0\n=======\n    return 1\n>>>>>>> REPLACE\n"


def module(n: int) -> str:
    body = "".join(f"def price_{n}_{i}(cart, rate=0.{i}):\n    total = sum(item.cost for item in cart)\n    return total * rate\n\n\n" for i in range(40))
    return body + "def checkout():\n    return 0\n"


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIServer]:
    """llama-server's fake with a 4096-token window as provider `local8`, over a repository of long modules."""
    root = make_repo(tmp_path / "shop", {f"shop/cart_{n}.py": module(n) for n in range(4)})
    monkeypatch.chdir(root)
    with OpenAIServer(models={"tiny": WINDOW}, api_key=None) as fake:
        fake.flavour = "llama-server"
        Path(os.environ["LLMDEV_CONFIG_DIR"], "config.toml").write_text(
            f'model = "local8/tiny"\n[providers.local8]\nkind = "openai"\nbase_url = "{fake.url}/v1"\n'
            "[request]\nmax_retries = 0\n[gen]\ncontext_tokens = 2400\nmap_tokens = 400\n[chat]\nmap_tokens = 400\n"
        )
        yield fake


def sizes(fake: OpenAIServer) -> list[int]:
    """What the server counted for each prompt it was sent."""
    return [int(estimate_server_tokens(r.body["messages"]) * fake.token_scale) for r in fake.model_requests]


def test_gen_sends_a_smaller_context_once_after_the_server_refuses_it(server: OpenAIServer, capsys: pytest.CaptureFixture[str]) -> None:
    server.token_scale = 2.2  # the server counts 2.2x llmdev's estimate: the first prompt is over the window
    server.reply_with(FIX)
    assert run(["gen", "--dry-run", "make checkout return 1 in cart_0"]) == 0
    counted = sizes(server)
    assert len(counted) == 2 and counted[0] > WINDOW >= counted[1]
    err = " ".join(capsys.readouterr().err.split())
    assert err.count("the window of tiny is 4096; sending it again with the file context and repository map cut to") == 1
    assert "shop/cart_0.py: +1 -1" in err  # the second answer's edit


def test_gen_reports_a_second_refusal_with_what_it_tried(server: OpenAIServer, capsys: pytest.CaptureFixture[str]) -> None:
    server.token_scale = 6.0
    assert run(["gen", "--dry-run", "make checkout return 1 in cart_0"]) == 3
    assert len(server.model_requests) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "even with the file context and repository map cut to" in err and "send less" in err


def test_gen_with_named_files_and_no_map_does_not_retry(server: OpenAIServer, isolated_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (isolated_env / "config" / "config.toml").write_text(
        (isolated_env / "config" / "config.toml").read_text().replace("map_tokens = 400\n[chat]", "map_tokens = 0\n[chat]")
    )
    server.token_scale = 6.0
    assert run(["gen", "--dry-run", "make checkout return 1", "shop/cart_0.py", "shop/cart_1.py", "shop/cart_2.py"]) == 3
    assert len(server.model_requests) == 1  # the named files are sent whole: a smaller budget would change nothing
    assert "sending it again" not in capsys.readouterr().err


def test_explain_sends_less_code_once_after_the_server_refuses_it(server: OpenAIServer, capsys: pytest.CaptureFixture[str]) -> None:
    server.token_scale = 2.0
    server.reply_with("It prices the cart.")
    assert run(["explain", "shop/cart_0.py"]) == 0
    counted = sizes(server)
    assert len(counted) == 2 and counted[0] > WINDOW >= counted[1]
    captured = capsys.readouterr()
    assert "It prices the cart." in captured.out
    assert " ".join(captured.err.split()).count("sending it again with the code, callers and repository map cut to") == 1


def test_chat_fits_the_conversation_to_less_of_the_window_from_then_on(server: OpenAIServer, capsys: pytest.CaptureFixture[str]) -> None:
    server.token_scale = 1.8
    server.reply_with("noted " * 100)
    questions = "".join(f"question {n} {'words ' * 100}\r" for n in range(8))
    assert chat(["shop/cart_0.py"], questions) == 0
    counted = sizes(server)
    assert counted[0] <= WINDOW  # the first questions fit
    refused = [i for i, size in enumerate(counted) if size > WINDOW]
    assert len(refused) == 1 and len(counted) == 9  # one refusal as the history grew, then every question answered
    assert all(size <= WINDOW for size in counted[refused[0] + 1 :])  # later turns keep to the smaller share
    err = " ".join(capsys.readouterr().err.split())
    assert err.count("sending it again with the conversation and context cut to") == 1
