"""docs/scaling.md, checked: llmdev as a client of engines that serve a team (a LiteLLM proxy, a shared
vLLM server, an Ollama pool behind a load balancer), with loopback servers standing in for them."""

from __future__ import annotations

import http.client
import json
import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import pytest

from llmdev.backends.registry import get_backend
from llmdev.cli import run
from llmdev.config.loader import load_config
from llmdev.repo.diffs import parse_spec
from llmdev.repo.discovery import open_repository
from llmdev.review.engine import RunOptions, run_review
from llmdev.review.plan import ReviewPlan, plan_review
from llmdev.usage.store import read
from tests.gitrepo import GitRepo
from tests.review.support import part_reply
from tests.servers import OllamaServer, OpenAIServer
from tests.servers.base import estimate_server_tokens



def _body(lines: int) -> str:
    return "".join(f"value_{i} = compute({i}, 'some longer text to take up room in the prompt')\n" for i in range(lines))


BODY = _body(120)
FILES = [f"mod/{name}.py" for name in "abcdefghij"]
VLLM_MODEL = "meta-llama/Llama-3.1-8B-Instruct"
VLLM_WINDOW = 10000  # not a default of llmdev's: only /v1/models max_model_len can say it


def _user_config(text: str) -> None:
    (Path(os.environ["LLMDEV_CONFIG_DIR"]) / "config.toml").write_text(text)


def _review_reply(body: dict[str, Any]) -> str:
    return part_reply(body, 0.05)


@pytest.fixture
def split_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """A staged change too large for one request of an 8-10k window."""
    repo = GitRepo.create(tmp_path / "project", {"README.md": "# Project\n"})
    for path in FILES:
        repo.stage(path, BODY)
    monkeypatch.chdir(repo.root)
    return repo


def _plan(repo: GitRepo, model: str) -> ReviewPlan:
    git = open_repository(repo.root)
    return plan_review(git, load_config(cwd=repo.root), parse_spec(git, staged=True), model_flag=model)


def _review(repo: GitRepo, model: str) -> tuple[list[dict[str, Any]], str, int]:
    """(findings as JSON, summary, number of requests planned) of a review of the staged change."""
    config = load_config(cwd=repo.root)
    plan = _plan(repo, model)
    result = run_review(plan, config, RunOptions(use_cache=False))
    return [f.as_json() for f in result.findings], result.summary, len(plan.calls)


# -- a LiteLLM proxy: OpenAI-compatible, its own key, model names with slashes --


@pytest.fixture
def litellm() -> Iterator[OpenAIServer]:
    with OpenAIServer(models={"ollama/llama3.1": 8192, "azure/gpt-4o": 128000}, api_key="sk-team-proxy") as server:
        yield server


def _proxy_config(litellm: OpenAIServer, extra: str = "", local: bool | None = None) -> None:
    declared = "" if local is None else f"local = {str(local).lower()}\n"
    _user_config(
        f'[providers.proxy]\nkind = "openai"\nbase_url = "{litellm.url}/v1"\napi_key_env = "TEAM_PROXY_KEY"\n{declared}'
        f'[prices."azure/gpt-4o"]\ninput = 2.5\noutput = 10.0\n{extra}'
    )


def test_a_model_name_with_slashes_reaches_the_proxy_as_written_with_the_proxys_key(
    litellm: OpenAIServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _proxy_config(litellm)
    monkeypatch.setenv("TEAM_PROXY_KEY", "sk-team-proxy")
    litellm.reply("from the proxy")
    assert run(["ask", "-m", "proxy/ollama/llama3.1", "hi"]) == 0
    assert capsys.readouterr().out == "from the proxy\n"
    (request,) = litellm.model_requests
    assert request.body["model"] == "ollama/llama3.1"
    assert request.headers["authorization"] == "Bearer sk-team-proxy"
    (row,) = read()
    assert (row.model, row.backend, row.remote, row.ok) == ("proxy/ollama/llama3.1", "openai", True, True)
    assert row.input_tokens > 0 and row.output_tokens == 3 and not row.estimated
    assert row.cost_usd is None  # remote and no [prices] entry: unknown, not free


def test_the_proxy_model_is_priced_and_sized_by_its_names(
    litellm: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _proxy_config(litellm, '[context_windows]\n"proxy/azure/gpt-4o" = 128000\n')
    monkeypatch.setenv("TEAM_PROXY_KEY", "sk-team-proxy")
    backend = get_backend("proxy", load_config().settings)
    assert backend.context_length("azure/gpt-4o") == 128000 and backend.context_length("ollama/llama3.1") is None
    assert run(["ask", "-m", "proxy/azure/gpt-4o", "hi"]) == 0
    assert litellm.last_body()["model"] == "azure/gpt-4o"
    (row,) = read()
    assert row.cost_usd == pytest.approx((row.input_tokens * 2.5 + row.output_tokens * 10.0) / 1e6)
    assert row.cost_usd > 0


def test_a_rate_limited_proxy_is_asked_again_after_its_retry_after(
    litellm: OpenAIServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _proxy_config(litellm)
    monkeypatch.setenv("TEAM_PROXY_KEY", "sk-team-proxy")
    litellm.fail_next(status=429, code="rate_limit_exceeded", message="Rate limit reached", retry_after=0.6)
    litellm.reply("after the wait")
    started = time.monotonic()
    assert run(["ask", "-m", "proxy/ollama/llama3.1", "hi"]) == 0
    assert time.monotonic() - started >= 0.6
    assert capsys.readouterr().out == "after the wait\n"
    assert len(litellm.model_requests) == 2


def test_a_missing_proxy_key_is_named_and_nothing_is_sent(litellm: OpenAIServer, capsys: pytest.CaptureFixture[str]) -> None:
    _proxy_config(litellm)
    assert run(["ask", "-m", "proxy/ollama/llama3.1", "hi"]) == 3
    err = " ".join(capsys.readouterr().err.split())
    assert "TEAM_PROXY_KEY is not set (needed for provider 'proxy')" in err
    assert litellm.model_requests == []


def test_a_proxy_not_declared_local_gets_the_privacy_rules(litellm: OpenAIServer, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "AKIA" + "Q3FAKE7T2LZ4WXQ9"
    _proxy_config(litellm)
    monkeypatch.setenv("TEAM_PROXY_KEY", "sk-team-proxy")
    assert run(["ask", "-m", "proxy/ollama/llama3.1", f"why is {secret} refused?"]) == 0
    assert secret not in json.dumps(litellm.last_body()) and "[REDACTED:aws-access-key" in json.dumps(litellm.last_body())


def test_declared_local_a_proxy_escapes_redaction_and_the_budget(
    litellm: OpenAIServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """What `local = true` would do to a proxy in front of a cloud API: why it must not be declared so."""
    secret = "AKIA" + "Q3FAKE7T2LZ4WXQ9"
    monkeypatch.setenv("TEAM_PROXY_KEY", "sk-team-proxy")
    _proxy_config(litellm, "[budget]\nper_run_usd = 0.000001\n")
    assert run(["ask", "-m", "proxy/azure/gpt-4o", f"why is {secret} refused?"]) != 0
    assert "per_run_usd" in capsys.readouterr().err and litellm.model_requests == []
    _proxy_config(litellm, "[budget]\nper_run_usd = 0.000001\n", local=True)
    assert run(["ask", "-m", "proxy/azure/gpt-4o", f"why is {secret} refused?"]) == 0
    assert secret in json.dumps(litellm.last_body())  # sent as written, past the budget
    (row,) = read()
    assert not row.remote and row.cost_usd > 0


def test_a_name_the_proxy_does_not_list_is_refused_with_the_names_it_does(
    litellm: OpenAIServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _proxy_config(litellm)
    monkeypatch.setenv("TEAM_PROXY_KEY", "sk-team-proxy")
    assert run(["ask", "-m", "proxy/llama3.1", "hi"]) == 3
    err = " ".join(capsys.readouterr().err.split())
    assert "model 'llama3.1' is not served by proxy" in err and "azure/gpt-4o, ollama/llama3.1" in err
    assert litellm.model_requests == []


def test_doctor_and_models_show_the_proxy_without_sending_a_prompt(
    litellm: OpenAIServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _proxy_config(litellm, '[aliases]\nteam-gpt4o = "proxy/azure/gpt-4o"\n')
    monkeypatch.setenv("TEAM_PROXY_KEY", "sk-team-proxy")
    assert run(["doctor", "-m", "proxy/ollama/llama3.1"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "proxy: key TEAM_PROXY_KEY" in out and "answers (2 models)" in out and "proxy: model ollama/llama3.1 │ ✓ │ offered" in out
    assert run(["models"]) == 0
    assert "│ proxy/azure/gpt-4o │ team-gpt4o │ yes │" in " ".join(capsys.readouterr().out.split())
    assert litellm.model_requests == []


# -- a vLLM server shared by a team: window from /v1/models, concurrency sized to max-num-seqs --


@pytest.fixture
def vllm() -> Iterator[OpenAIServer]:
    with OpenAIServer(models={VLLM_MODEL: VLLM_WINDOW}, api_key=None) as server:
        server.report_context = True
        server.reply_with(_review_reply)
        yield server


def _vllm_config(vllm: OpenAIServer, concurrency: int) -> None:
    _user_config(f'[providers.vllm]\nkind = "openai"\nbase_url = "{vllm.url}/v1"\nlocal = true\nconcurrency = {concurrency}\n')


def test_the_vllm_window_is_read_from_its_model_list(vllm: OpenAIServer, split_change: GitRepo) -> None:
    _vllm_config(vllm, 4)
    config = load_config(cwd=split_change.root)
    assert get_backend("vllm", config.settings).context_length(VLLM_MODEL) == VLLM_WINDOW
    git = open_repository(split_change.root)
    plan = plan_review(git, config, parse_spec(git, staged=True), model_flag=f"vllm/{VLLM_MODEL}")
    assert plan.window == VLLM_WINDOW and len(vllm.requests_to("/v1/models")) == 1


def test_a_split_review_keeps_at_most_the_configured_requests_in_flight(vllm: OpenAIServer, split_change: GitRepo) -> None:
    _vllm_config(vllm, 1)
    sequential = _review(split_change, f"vllm/{VLLM_MODEL}")
    assert vllm.max_in_flight == 1
    vllm.max_in_flight = 0
    _vllm_config(vllm, 4)
    parallel = _review(split_change, f"vllm/{VLLM_MODEL}")
    assert parallel[2] >= 5 and vllm.max_in_flight == 4
    assert parallel == sequential and len(parallel[0]) == 2 * len(FILES)
    assert {r.body["model"] for r in vllm.model_requests} == {VLLM_MODEL}


def test_a_vllm_that_counts_more_tokens_makes_the_review_split_finer_once(
    vllm: OpenAIServer, split_change: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    vllm.flavour = "vllm"  # its over-window answer: HTTP 400 BadRequestError, the numbers in the message
    vllm.token_scale = 1.6
    _vllm_config(vllm, 1)
    assert run(["review", "--staged", "-m", f"vllm/{VLLM_MODEL}", "-f", "json"]) == 0
    out, err = capsys.readouterr()
    assert len(json.loads(out)["findings"]) == 2 * len(FILES)
    assert f"the window of {VLLM_MODEL} is {VLLM_WINDOW}; planning the review again for" in " ".join(err.split())
    counted = [int(estimate_server_tokens(r.body["messages"]) * 1.6) + r.body["max_tokens"] for r in vllm.model_requests]
    assert counted[0] > VLLM_WINDOW and all(n <= VLLM_WINDOW for n in counted[1:])  # refused once, then a finer plan
    # the refusal was not taken for a refused response_format: structured output stays on
    assert {r.body["response_format"]["type"] for r in vllm.model_requests} == {"json_schema"}


# -- an Ollama pool: members behind a round-robin balancer --


class Balancer(ThreadingHTTPServer):
    """A round-robin HTTP load balancer: each request goes whole to the next member, its reply streamed back."""

    daemon_threads = True
    model_paths = ("/api/chat", "/api/generate")

    def __init__(self, members: list[str]) -> None:
        super().__init__(("127.0.0.1", 0), _Forward)
        self.members = [urlsplit(url) for url in members]
        self.sent = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def next_member(self) -> Any:
        with self.lock:
            self.sent += 1
            return self.members[(self.sent - 1) % len(self.members)]

    def count(self, path: str, change: int) -> None:
        if path in self.model_paths:
            with self.lock:
                self.in_flight += change
                self.max_in_flight = max(self.max_in_flight, self.in_flight)


HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class _Forward(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Balancer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        member = self.server.next_member()
        self.server.count(self.path, +1)
        upstream = http.client.HTTPConnection(member.hostname, member.port, timeout=30)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            try:
                upstream.request(self.command, self.path, body=body or None, headers=headers)
            except ConnectionRefusedError:  # a member that is down: what nginx answers then
                self._send_bad_gateway()
                return
            answer = upstream.getresponse()
            self.send_response(answer.status)
            for key, value in answer.getheaders():
                if key.lower() not in HOP_BY_HOP:
                    self.send_header(key, value)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            while piece := answer.read1(65536):  # as it arrives: a streamed reply stays streamed
                self.wfile.write(f"{len(piece):X}\r\n".encode() + piece + b"\r\n")
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
        finally:
            upstream.close()
            self.server.count(self.path, -1)

    def _send_bad_gateway(self) -> None:
        page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
        self.send_response(502)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    do_GET = do_POST = _forward


@pytest.fixture
def pool() -> Iterator[tuple[Balancer, list[OllamaServer]]]:
    members = [OllamaServer().start(), OllamaServer().start()]
    for member in members:
        member.reply_with(_review_reply)
    balancer = Balancer([m.url for m in members])
    threading.Thread(target=balancer.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield balancer, members
    balancer.shutdown()
    balancer.server_close()
    for member in members:
        member.stop()


def _ollama_config(name: str, url: str, concurrency: int) -> str:
    return f'[providers.{name}]\nkind = "ollama"\nbase_url = "{url}"\nlocal = true\nconcurrency = {concurrency}\n'


def _two_rungs(repo: GitRepo, model: str, config: str) -> str:
    """`[ollama] min_ctx` at which the plan's first part fits the first rung and a later one needs the next:
    sent on their own, the parts would carry two num_ctx values, the first one smaller."""
    _user_config(config)
    needed = [c.estimated_input_tokens + (c.options.max_output_tokens or 0) for c in _plan(repo, model).calls]
    assert needed[0] < max(needed) <= 2 * needed[0]
    return f"[ollama]\nmin_ctx = {needed[0]}\n"


def test_a_review_through_the_pool_uses_every_member_with_one_num_ctx(
    pool: tuple[Balancer, list[OllamaServer]], split_change: GitRepo
) -> None:
    balancer, members = pool
    split_change.stage(FILES[0], _body(100))  # a smaller first part, alone: the next file does not fit with it
    for path in FILES[1:]:
        split_change.stage(path, _body(130))
    with OllamaServer() as single:
        single.reply_with(_review_reply)
        # llama3.1 could run with 128k: requests of at most 8k tokens make it split
        config = _ollama_config("pool", balancer.url, 4) + _ollama_config("single", single.url, 1)
        config += "[review]\nmax_request_tokens = 8192\n"
        _user_config(config + _two_rungs(split_change, "pool/llama3.1:8b", config))
        alone = _review(split_change, "single/llama3.1:8b")
        pooled = _review(split_change, "pool/llama3.1:8b")
    assert pooled[2] >= 5 and balancer.max_in_flight == 4
    assert pooled == alone
    chats = [r for m in members for r in m.model_requests]
    assert len(chats) == pooled[2] and all(m.model_requests for m in members)
    assert len({r.body["options"]["num_ctx"] for r in chats + single.model_requests}) == 1
    assert [len(m.loads) for m in members] == [1, 1] and len(single.loads) == 1  # loaded once, never again


def test_a_fixed_num_ctx_is_sent_by_every_run_to_every_member(
    pool: tuple[Balancer, list[OllamaServer]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    balancer, members = pool
    for member in members:
        member.reply_with("ok")
    _user_config(_ollama_config("pool", balancer.url, 2) + "[ollama]\nnum_ctx = 16384\n")
    from llmdev.backends import ollama

    for prompt in ("short", "x" * 40000, "short again"):
        ollama.reset_caches()  # each a new llmdev run
        assert run(["ask", "-m", "pool/llama3.1:8b", prompt]) == 0
    chats = [r for m in members for r in m.model_requests]
    assert len(chats) == 3 and all(m.model_requests for m in members)
    assert {r.body["options"]["num_ctx"] for r in chats} == {16384}


# -- the page itself --


def test_every_config_example_on_the_page_is_a_valid_config() -> None:
    page = (Path(__file__).parents[1] / "docs" / "scaling.md").read_text(encoding="utf-8")
    examples = re.findall(r"```toml\n(.*?)```", page, re.S)
    assert len(examples) == 3
    for example in examples:
        _user_config(example)
        settings = load_config().settings
        declared = [name for name in settings.providers if name not in ("ollama", "openai")]
        assert len(declared) == 1 and settings.providers[declared[0]].concurrency


def test_a_member_that_is_down_is_answered_by_the_next_one(
    pool: tuple[Balancer, list[OllamaServer]], capsys: pytest.CaptureFixture[str]
) -> None:
    balancer, members = pool
    members[1].reply_with("from the member that is up")
    members[0].stop()
    _user_config(_ollama_config("pool", balancer.url, 2))
    for _ in range(3):
        assert run(["ask", "-m", "pool/llama3.1:8b", "hi"]) == 0, capsys.readouterr().err
    assert capsys.readouterr().out == "from the member that is up\n" * 3
