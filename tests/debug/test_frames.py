from __future__ import annotations

import sys
from pathlib import Path

from llmdev.debug.frames import FileMapper, local_frames
from llmdev.debug.traces import Frame, StackTrace

FILES = ["src/calc.py", "tests/test_calc.py", "pkg/a/util.py", "pkg/b/util.py", "src/main/java/com/x/A.java"]


def test_mapping(tmp_path: Path) -> None:
    mapper = FileMapper(tmp_path, FILES, cwd=tmp_path / "tests")
    assert mapper.map(str(tmp_path / "src/calc.py")) == "src/calc.py"
    assert mapper.map("test_calc.py") == "tests/test_calc.py"  # relative to the directory the command ran in
    assert mapper.map("/ci/runner/work/proj/src/calc.py") == "src/calc.py"  # another machine's checkout
    assert mapper.map("com/x/A.java") == "src/main/java/com/x/A.java"
    assert mapper.map("pkg/b/util.py") == "pkg/b/util.py"
    assert mapper.map("util.py") is None  # two files share the name
    assert mapper.map("/usr/lib/python3.11/json/decoder.py") is None
    assert mapper.map(sys.modules["json"].__file__ or "") is None  # a real file outside the repository
    assert mapper.map("<frozen importlib._bootstrap>") is None


def test_local_frames_drop_repeats(tmp_path: Path) -> None:
    traces = [StackTrace("python", "E", [Frame("src/calc.py", 3, "div"), Frame("/venv/site-packages/x.py", 1), Frame("src/calc.py", 3, "div")])]
    found = local_frames(traces, FileMapper(tmp_path, FILES, cwd=tmp_path))
    assert [(f.path, f.line, f.function) for f in found] == [("src/calc.py", 3, "div")]
