"""The real-server tier: llama.cpp's `llama-server` serving a tiny random-weight GGUF made here.

One server per test session (small window, an API key), declared to llmdev as the OpenAI-compatible
provider `llamacpp`. Skipped, with the reason, when no llama-server can be had (see llama.py) or
the `gguf`/`sentencepiece` test extras are missing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from tests.real_server.llama import REPO_ROOT, LlamaServer, find_llama_server

WINDOW = 4096
KEY = "real-server-key"


@pytest.fixture(scope="session")
def llama_binary() -> Path:
    binary, origin = find_llama_server()
    if binary is None:
        pytest.skip(origin)
    return binary


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("gguf", reason="the real-server tier needs the `gguf` test extra")
    pytest.importorskip("sentencepiece", reason="the real-server tier needs the `sentencepiece` test extra")
    from tests.real_server.tiny_model import write_model

    return write_model(REPO_ROOT, tmp_path_factory.mktemp("tiny-model"))


@pytest.fixture(scope="session")
def llama(llama_binary: Path, tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    server = LlamaServer(llama_binary, tiny_model, tmp_path_factory.mktemp("llama") / "server.log", context=WINDOW, api_key=KEY)
    yield server
    server.stop()


def provider_config(url: str, **request: object) -> str:
    """A config declaring the server as `llamacpp` (the default model), seeded sampling, no retries."""
    settings = {"temperature": 1.0, "seed": 7, "max_retries": 0, **request}
    lines = "\n".join(f"{k} = {v!r}" for k, v in settings.items())
    return (
        'model = "llamacpp/tiny"\n'
        f'[providers.llamacpp]\nkind = "openai"\nbase_url = "{url}/v1"\napi_key_env = "LLAMA_KEY"\n'
        f"[request]\n{lines}\n"
        "[review]\noutput_tokens = 256\ncache = false\n"
    )


@pytest.fixture
def llamacpp(llama: LlamaServer, monkeypatch: pytest.MonkeyPatch) -> LlamaServer:
    """llmdev configured for the session's server, with the right key."""
    Path(os.environ["LLMDEV_CONFIG_DIR"], "config.toml").write_text(provider_config(llama.url))
    monkeypatch.setenv("LLAMA_KEY", KEY)
    return llama
