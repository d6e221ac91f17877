"""A loopback server speaking Ollama's native API (see /work/shared/protocols.md)."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from typing import Any

from tests.servers.base import CapturedRequest, FakeServer, Fault, Handler, estimate_server_tokens, split_chunks

VERSION = "0.12.6"
DEFAULT_MODELS: dict[str, int | None] = {"llama3.1:8b": 131072, "llama3:8b": 8192}
NDJSON = "application/x-ndjson"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def full_name(name: str) -> str:
    """Ollama reads `llama3` as `llama3:latest`."""
    return name if ":" in name else f"{name}:latest"


class OllamaServer(FakeServer):
    """Models map name -> trained context length (None: /api/show reports none)."""

    model_paths = ("/api/chat", "/api/generate")

    def __init__(self, models: dict[str, int | None] | None = None) -> None:
        super().__init__(DEFAULT_MODELS if models is None else models)
        self.default_num_ctx = 4096  # what the server uses when a request sends no num_ctx
        self.cut_at_window = True  # a reply that fills num_ctx ends there, done_reason "length" (off: benchmarks of long streams)
        self.pullable: set[str] | None = None  # None: any name can be pulled
        self.pull_context_length = 8192
        self.loads: list[tuple[str, int]] = []  # (model, num_ctx) each time a model is (re)loaded
        # /api/show as versions differ: "model_info" (<arch>.context_length), "qwen2" (another
        # architecture's key), "parameters" (no model_info; a Modelfile's `num_ctx` in `parameters`).
        self.show_variant = "model_info"
        self._loaded: dict[str, int] = {}

    def route(self, handler: Handler, request: CapturedRequest) -> None:
        routes = {
            ("GET", "/"): lambda: handler.send_text(200, "Ollama is running", "text/plain; charset=utf-8"),
            ("GET", "/api/version"): lambda: handler.send_json(200, {"version": VERSION}),
            ("GET", "/api/tags"): lambda: self._tags(handler),
            ("POST", "/api/show"): lambda: self._show(handler, request.body or {}),
            ("POST", "/api/chat"): lambda: self._generate(handler, request, chat=True),
            ("POST", "/api/generate"): lambda: self._generate(handler, request, chat=False),
            ("POST", "/api/pull"): lambda: self._pull(handler, request),
        }
        action = routes.get((request.method, request.path))
        if action is None:
            handler.send_text(404, "404 page not found", "text/plain")
        else:
            action()

    # -- metadata --

    def _find(self, name: str) -> str | None:
        for known in self.models:
            if full_name(known) == full_name(name):
                return known
        return None

    def _tags(self, handler: Handler) -> None:
        fault = self.take_fault("/api/tags")
        if fault is not None:
            self._send_fault(handler, fault)
            return
        handler.send_json(200, {"models": [self._tag(n) for n in self.models]})

    def _tag(self, name: str) -> dict[str, Any]:
        return {
            "name": name,
            "model": name,
            "modified_at": _now(),
            "size": 4920753328,
            "digest": "sha256:" + "ab" * 32,
            "details": {
                "parent_model": "",
                "format": "gguf",
                "family": "llama",
                "families": ["llama"],
                "parameter_size": "8.0B",
                "quantization_level": "Q4_K_M",
            },
        }

    def _show(self, handler: Handler, body: dict[str, Any]) -> None:
        fault = self.take_fault("/api/show")
        if fault is not None:
            self._send_fault(handler, fault)
            return
        name = body.get("model") or body.get("name") or ""
        known = self._find(name)
        if known is None:
            handler.send_json(404, {"error": f"model '{name}' not found"})
            return
        arch = "qwen2" if self.show_variant == "qwen2" else "llama"
        info: dict[str, Any] = {"general.architecture": arch, "general.parameter_count": 8030261248}
        parameters = 'stop "<|eot_id|>"'
        if self.models[known] is not None:
            info[f"{arch}.context_length"] = self.models[known]
            parameters += f"\nnum_ctx {self.models[known]}"
        shown: dict[str, Any] = {
            "modelfile": f"FROM {known}\n",
            "parameters": parameters,
            "template": "{{ .Prompt }}",
            "details": self._tag(known)["details"],
            "model_info": info,
            "capabilities": ["completion", "tools"],
            "modified_at": _now(),
        }
        if self.show_variant == "parameters":
            del shown["model_info"], shown["capabilities"]
        handler.send_json(200, shown)

    # -- chat and generate --

    def _load(self, model: str, num_ctx: int) -> int:
        """Load duration in ns: long when the model (re)loads with a different num_ctx."""
        with self.lock:
            if self._loaded.get(model) == num_ctx:
                return 1_334_875
            self._loaded[model] = num_ctx
            self.loads.append((model, num_ctx))
        return 1_500_000_000

    def _generate(self, handler: Handler, request: CapturedRequest, *, chat: bool) -> None:
        body = request.body if isinstance(request.body, dict) else {}
        name = body.get("model") or ""
        if not name:
            handler.send_json(400, {"error": "model is required"})
            return
        fault = self.take_fault(request.path)
        if fault is not None and not fault.mid_stream:
            self._send_fault(handler, fault)
            return
        known = self._find(name)
        if known is None:
            handler.send_json(404, {"error": f'model "{name}" not found, try pulling it first'})
            return
        started = time.monotonic_ns()
        options = body.get("options") or {}
        num_ctx = int(options.get("num_ctx") or self.default_num_ctx)
        load_ns = self._load(known, num_ctx)
        if chat:
            messages = body.get("messages") or []
        else:
            messages = [{"content": body.get("system") or ""}, {"content": body.get("prompt") or ""}]
        chunks = split_chunks(self.next_reply(body))
        done_reason = "stop"
        prompt_tokens = min(estimate_server_tokens(messages), num_ctx)
        room = int(options.get("num_predict") or num_ctx)
        if prompt_tokens < num_ctx:  # a reply that fills the window ends there (a cut prompt shifts instead)
            room = min(room, num_ctx - prompt_tokens)
        if self.cut_at_window and len(chunks) > room:
            chunks, done_reason = chunks[: max(room, 0)], "length"
        final = {
            "done": True,
            "done_reason": done_reason,
            "load_duration": load_ns,
            "prompt_eval_count": prompt_tokens,
            "prompt_eval_duration": 342_546_000,
            "eval_count": len(chunks),
            "eval_duration": 20_000_000 * len(chunks),
        }
        self.pause(self.delay_first)
        if body.get("stream", True):
            self._stream(handler, known, chunks, final, started, fault, chat)
        else:
            part = self._part(known, "".join(chunks), chat)
            part.update(final, total_duration=time.monotonic_ns() - started + load_ns)
            handler.send_json(200, part)

    def _part(self, model: str, text: str, chat: bool) -> dict[str, Any]:
        part: dict[str, Any] = {"model": model, "created_at": _now()}
        if chat:
            part["message"] = {"role": "assistant", "content": text}
        else:
            part["response"] = text
        part["done"] = False
        return part

    def _stream(
        self,
        handler: Handler,
        model: str,
        chunks: list[str],
        final: dict[str, Any],
        started: int,
        fault: Fault | None,
        chat: bool,
    ) -> None:
        handler.start_chunked(200, NDJSON)
        for index, chunk in enumerate(chunks):
            if fault is not None and index == fault.after_chunks:
                break
            handler.write_chunk(json.dumps(self._part(model, chunk, chat)) + "\n")
            self.pause(self.delay_between)
        if fault is not None:
            handler.write_chunk(json.dumps({"error": fault.message}) + "\n")
            handler.end_chunked()
            return
        last = self._part(model, "", chat)
        last.update(final, total_duration=time.monotonic_ns() - started + final["load_duration"])
        handler.write_chunk(json.dumps(last) + "\n")
        handler.end_chunked()

    def _send_fault(self, handler: Handler, fault: Fault) -> None:
        headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else None
        handler.send_json(fault.status, {"error": fault.message}, headers)

    # -- pull --

    def _pull(self, handler: Handler, request: CapturedRequest) -> None:
        body = request.body if isinstance(request.body, dict) else {}
        name = body.get("model") or body.get("name") or ""
        fault = self.take_fault(request.path)
        if fault is not None and not fault.mid_stream:
            self._send_fault(handler, fault)
            return
        ok = fault is None and (self.pullable is None or full_name(name) in {full_name(p) for p in self.pullable})
        if not body.get("stream", True):
            if ok:
                self.models[full_name(name)] = self.pull_context_length
                handler.send_json(200, {"status": "success"})
            else:
                handler.send_json(500, {"error": "pull model manifest: file does not exist"})
            return
        handler.start_chunked(200, NDJSON)
        handler.write_chunk(json.dumps({"status": "pulling manifest"}) + "\n")
        if not ok:
            message = fault.message if fault is not None else "pull model manifest: file does not exist"
            handler.write_chunk(json.dumps({"error": message}) + "\n")
            handler.end_chunked()
            return
        digest = "sha256:" + "cd" * 32
        total = 4_000_000
        for completed in (0, 1_000_000, 2_500_000, total):
            line = {"status": f"pulling {digest[7:19]}", "digest": digest, "total": total, "completed": completed}
            handler.write_chunk(json.dumps(line) + "\n")
            self.pause(self.delay_between)
        for status in ("verifying sha256 digest", "writing manifest"):
            handler.write_chunk(json.dumps({"status": status}) + "\n")
        self.models[full_name(name)] = self.pull_context_length  # before "success" reaches the client
        handler.write_chunk(json.dumps({"status": "success"}) + "\n")
        handler.end_chunked()
