"""What both fake model servers share: a threaded loopback HTTP server, captured requests,
scripted replies, injected faults and slow replies."""

from __future__ import annotations

import json
import re
import socket
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Union

Reply = Union[str, Callable[[dict[str, Any]], str]]
DEFAULT_REPLY = "Hello from the test server."


@dataclass
class CapturedRequest:
    """One request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: Any  # the decoded JSON body, or None
    server_s: float = 0.0  # seconds the server spent answering (benchmarks subtract it)


@dataclass
class Fault:
    """An injected failure, used by the next matching request(s)."""

    status: int = 500
    message: str = "internal server error"
    code: str | None = None  # OpenAI `error.code`, e.g. "rate_limit_exceeded"
    type: str | None = None  # OpenAI `error.type`
    retry_after: float | None = None  # sent as the `retry-after` header
    mid_stream: bool = False  # answer 200, stream `after_chunks` chunks, then fail
    after_chunks: int = 1
    paths: tuple[str, ...] = ()  # empty: the model endpoints (chat, generate, completions)


def split_chunks(text: str) -> list[str]:
    """Word-sized pieces (whitespace kept) that join back to `text`."""
    return re.findall(r"\S+\s*|\s+", text) or [""]


def closed_port_url() -> str:
    """An http URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class Handler(BaseHTTPRequestHandler):
    """Parses and records the request, then dispatches to the server's `route`."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # as Go's servers (Ollama) do: small streamed chunks leave at once
    server: "_HTTPServer"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def _handle(self, method: str) -> None:
        started = time.perf_counter()
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        path = self.path.split("?", 1)[0]
        request = CapturedRequest(method, path, {k.lower(): v for k, v in self.headers.items()}, body)
        fake = self.server.fake
        model_request = path in fake.model_paths
        with fake.lock:
            fake.requests.append(request)
            if model_request:
                fake.in_flight += 1
                fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
        try:
            fake.route(self, request)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            with fake.lock:
                fake.disconnects += 1
        finally:
            if model_request:
                with fake.lock:
                    fake.in_flight -= 1
        request.server_s = time.perf_counter() - started

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    # -- writing helpers used by the servers --

    def send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_text(status, data, "application/json; charset=utf-8", headers)

    def send_text(self, status: int, data: bytes | str, content_type: str, headers: dict[str, str] | None = None) -> None:
        if isinstance(data, str):
            data = data.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def start_chunked(self, status: int, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def write_chunk(self, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode()
        self.wfile.write(f"{len(data):X}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def end_chunked(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def cut(self) -> None:
        """Drop the connection in the middle of a response."""
        self.close_connection = True
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    fake: "FakeServer"

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client hanging up is normal
            super().handle_error(request, client_address)


class FakeServer:
    """Common state and controls; subclasses implement `route`."""

    model_paths: tuple[str, ...] = ()

    def __init__(self, models: dict[str, int | None] | None = None) -> None:
        self.models: dict[str, int | None] = dict(models or {})
        self.requests: list[CapturedRequest] = []
        self.replies: deque[Reply] = deque()
        self.default_reply: Reply = DEFAULT_REPLY
        self.delay_first = 0.0  # seconds before the first byte of a model reply
        self.delay_between = 0.0  # seconds between streamed chunks
        self.disconnects = 0  # replies the client hung up on before they were complete
        self.in_flight = 0  # model requests being answered now
        self.max_in_flight = 0  # the most model requests answered at once
        self.lock = threading.Lock()
        self._faults: deque[Fault] = deque()
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --

    def start(self) -> "FakeServer":
        self._httpd = _HTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.fake = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> "FakeServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """http://127.0.0.1:PORT (no trailing slash)."""
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    # -- scripting --

    def reply(self, *replies: Reply) -> None:
        """Queue replies for the next model requests, in order (text, or fn(request_json) -> text)."""
        with self.lock:
            self.replies.extend(replies)

    def reply_with(self, reply: Reply) -> None:
        """The reply used whenever the queue is empty."""
        self.default_reply = reply

    def fail_next(self, times: int = 1, **fault: Any) -> Fault:
        """Make the next `times` matching requests fail; keywords are `Fault` fields."""
        made = Fault(**fault)
        with self.lock:
            self._faults.extend([made] * times)
        return made

    def next_reply(self, body: dict[str, Any]) -> str:
        with self.lock:
            reply = self.replies.popleft() if self.replies else self.default_reply
        return reply(body) if callable(reply) else reply

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            if self._faults:
                fault = self._faults[0]
                if path in (fault.paths or self.model_paths):
                    return self._faults.popleft()
        return None

    def pause(self, seconds: float) -> None:
        if seconds > 0:
            self._stopping.wait(seconds)

    # -- inspecting --

    def requests_to(self, path: str) -> list[CapturedRequest]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def last_body(self, path: str | None = None) -> Any:
        """The JSON body of the latest request (to `path`, or to a model endpoint)."""
        paths = (path,) if path else self.model_paths
        with self.lock:
            for request in reversed(self.requests):
                if request.path in paths:
                    return request.body
        raise AssertionError(f"no request to {paths}")

    @property
    def model_requests(self) -> list[CapturedRequest]:
        with self.lock:
            return [r for r in self.requests if r.path in self.model_paths]

    def route(self, handler: Handler, request: CapturedRequest) -> None:
        raise NotImplementedError


def estimate_server_tokens(messages: list[dict[str, Any]]) -> int:
    """How many tokens the fake server 'reads': about 4 characters each, plus 4 per message."""
    return sum(-(-len(str(m.get("content") or "")) // 4) + 4 for m in messages)


__all__ = [
    "CapturedRequest",
    "DEFAULT_REPLY",
    "FakeServer",
    "Fault",
    "Handler",
    "Reply",
    "closed_port_url",
    "estimate_server_tokens",
    "split_chunks",
]
