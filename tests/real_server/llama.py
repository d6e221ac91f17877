"""Finding and running llama.cpp's `llama-server` for the real-server tier.

Where the binary comes from, first match wins: $LLMDEV_LLAMA_SERVER; `llama-server` on PATH;
`../shared/bin/llama-server.gz` beside the repository (unpacked once into $LLMDEV_TEST_CACHE or
~/.cache/llmdev-tests/, outside the repository); a server build_llama_server.py built into that
cache earlier; with LLMDEV_BUILD_LLAMA_SERVER=1, such a build made now (16 to 30 minutes on 2 cores,
so never started unasked).
"""

from __future__ import annotations

import gzip
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.real_server.build_llama_server import BuildFailed, build_llama_server, built_binary, cache_dir

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_GZ = REPO_ROOT.parent / "shared" / "bin" / "llama-server.gz"
START_TIMEOUT_S = 30.0
BUILD_COMMAND = "python -m tests.real_server.build_llama_server"


def _unpacked(archive: Path) -> Path:
    """The gzip'd binary unpacked into the cache once per version of the archive."""
    stat = archive.stat()
    target = cache_dir() / f"llama-server-{stat.st_size}-{stat.st_mtime_ns}"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.part")
        with gzip.open(archive, "rb") as source, partial.open("wb") as sink:
            shutil.copyfileobj(source, sink)
        partial.chmod(0o755)
        partial.replace(target)  # atomic: a parallel session sees the whole file or none
    return target


def find_llama_server() -> tuple[Path | None, str]:
    """(the executable, where it came from) or (None, why there is none)."""
    if explicit := os.environ.get("LLMDEV_LLAMA_SERVER"):
        path = Path(explicit).expanduser()
        return (path, "LLMDEV_LLAMA_SERVER") if os.access(path, os.X_OK) else (None, f"LLMDEV_LLAMA_SERVER={explicit} is not an executable")
    if on_path := shutil.which("llama-server"):
        return Path(on_path), "PATH"
    if SHARED_GZ.is_file():
        try:
            return _unpacked(SHARED_GZ), str(SHARED_GZ)
        except OSError as exc:
            return None, f"cannot unpack {SHARED_GZ} into {cache_dir()}: {exc}"
    if built_binary().is_file():
        return built_binary(), BUILD_COMMAND
    if os.environ.get("LLMDEV_BUILD_LLAMA_SERVER") == "1":
        return _build()
    return None, no_server_reason()


def no_server_reason() -> str:
    """The skip reason when no server can be had: every way to get one."""
    return (
        f"no llama-server: set LLMDEV_LLAMA_SERVER=/path/to/llama-server, put llama-server on PATH, provide {SHARED_GZ}, "
        f"or build one into {cache_dir()} (16 to 30 minutes on 2 cores) with `{BUILD_COMMAND}` "
        "or by running the tests with LLMDEV_BUILD_LLAMA_SERVER=1"
    )


def _build() -> tuple[Path | None, str]:
    try:
        return build_llama_server(jobs=os.cpu_count() or 2), BUILD_COMMAND
    except (BuildFailed, OSError) as exc:
        return None, f"LLMDEV_BUILD_LLAMA_SERVER=1 but building llama-server failed: {exc}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LlamaServer:
    """One `llama-server --no-jinja` process on a loopback port, serving `model` as `alias`."""

    def __init__(self, binary: Path, model: Path, log: Path, *, context: int, api_key: str, alias: str = "tiny") -> None:
        self.port = free_port()
        self.api_key = api_key
        self.alias = alias
        self.context = context
        self.log = log
        command = [
            str(binary), "-m", str(model), "--host", "127.0.0.1", "--port", str(self.port), "-c", str(context),
            "--no-jinja", "-a", alias, "-t", "1", "-np", "1", "--api-key", api_key, "--no-webui",
        ]  # fmt: skip
        # One thread: llama.cpp's threads wait for each other at every step by spinning, so with two of
        # them on a busy 2-core machine (CI: pytest, llmdev and the server) a single reply took from 60 s
        # to over 300 s; with one, 6-9 s. The tiny model gains nothing from a second thread.
        self.process = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self._wait_until_ready()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"llama-server exited with {self.process.returncode}: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=1) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"llama-server did not become ready in {START_TIMEOUT_S:g}s; log: {self.log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        self.process.kill()
        self.process.wait()
