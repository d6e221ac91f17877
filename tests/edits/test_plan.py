from __future__ import annotations

from pathlib import Path

from llmdev.edits.blocks import EditBlock
from llmdev.edits.plan import plan_edits
from llmdev.edits.textfile import decode, from_text


def block(path: str, search: str, replace: str, index: int = 1) -> EditBlock:
    return EditBlock(path, search, replace, index)


def write(root: Path, path: str, data: bytes) -> None:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_bytes(data)


def test_text_file_round_trips_every_kind_of_ending() -> None:
    for data in (b"", b"a", b"a\n", b"a\r\nb\r\n", b"a\nb\r\nc", b"a\rb\n", "é\n".encode("utf-16"), "\ufeffx\n".encode()):
        assert decode(data).to_bytes() == data


def test_replacing_keeps_crlf_and_missing_final_newline(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", b"one\r\ntwo\r\nthree")
    plan = plan_edits(tmp_path, [block("a.txt", "three", "THREE\nfour")])
    assert plan.changes[0].after == b"one\r\ntwo\r\nTHREE\r\nfour"


def test_indentation_drift_is_reindented(tmp_path: Path) -> None:
    write(tmp_path, "m.py", b"class A:\n    def f(self):\n        return 1\n")
    plan = plan_edits(tmp_path, [block("m.py", "def f(self):\n    return 1", "def f(self):\n    return 2")])
    assert plan.changes[0].after == b"class A:\n    def f(self):\n        return 2\n"
    assert plan.applied[0][1] == "indentation"


def test_ambiguous_search_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "m.py", b"x = 1\ny = 2\nx = 1\n")
    plan = plan_edits(tmp_path, [block("m.py", "x = 1", "x = 3")])
    assert not plan.ok and plan.changes == []
    assert "matches 2 places (lines 1, 3)" in plan.failures[0].reason


def test_missing_search_reports_closest_text(tmp_path: Path) -> None:
    write(tmp_path, "m.py", b"def add(a, b):\n    return a - b\n\n\ndef other():\n    pass\n")
    plan = plan_edits(tmp_path, [block("m.py", "def add(a, b):\n    return a + b + 0", "x")])
    failure = plan.failures[0]
    assert failure.reason == "SEARCH does not match the file"
    assert failure.closest_line == 1 and "return a - b" in (failure.closest or "")


def test_missing_file_suggests_and_wrong_directory_is_found(tmp_path: Path) -> None:
    write(tmp_path, "src/calc.py", b"def f():\n    return 1\n")
    plan = plan_edits(tmp_path, [block("calc.py", "return 1", "return 2")], known_files=["src/calc.py"])
    assert plan.ok and plan.paths == ["src/calc.py"]
    plan = plan_edits(tmp_path, [block("src/calk.py", "return 1", "return 2")], known_files=["src/calc.py"])
    assert "does not exist; did you mean src/calc.py?" in plan.failures[0].reason


def test_paths_outside_the_repository_are_refused(tmp_path: Path) -> None:
    for path in ("../x.py", "/etc/passwd", ".git/config"):
        plan = plan_edits(tmp_path, [block(path, "", "x")])
        assert plan.failures and plan.failures[0].reason.startswith("refused path")


def test_new_file_and_refusal_to_overwrite(tmp_path: Path) -> None:
    write(tmp_path, "old.py", b"x = 1\n")
    plan = plan_edits(tmp_path, [block("pkg/new.py", "", "print('hi')"), block("old.py", "", "y = 2", 2)])
    assert [c.path for c in plan.changes] == ["pkg/new.py"]
    assert plan.changes[0].created and plan.changes[0].after == b"print('hi')\n"
    assert "already exists" in plan.failures[0].reason


def test_blocks_apply_in_order_on_the_same_file(tmp_path: Path) -> None:
    write(tmp_path, "m.py", b"a = 1\nb = 2\n")
    plan = plan_edits(tmp_path, [block("m.py", "a = 1", "a = 10"), block("m.py", "a = 10\nb = 2", "a = 10\nb = 20", 2)])
    assert plan.ok and plan.changes[0].after == b"a = 10\nb = 20\n"


def test_elided_lines_are_kept(tmp_path: Path) -> None:
    write(tmp_path, "m.py", b"def f():\n    a = 1\n    b = 2\n    c = 3\n    return a\n")
    search = "def f():\n    # ... existing code ...\n    return a"
    replace = "def f():\n    # ... existing code ...\n    return a + b + c"
    plan = plan_edits(tmp_path, [block("m.py", search, replace)])
    assert plan.changes[0].after == b"def f():\n    a = 1\n    b = 2\n    c = 3\n    return a + b + c\n"


def test_elision_only_in_replace_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "m.py", b"def f():\n    a = 1\n    return a\n")
    plan = plan_edits(tmp_path, [block("m.py", "def f():\n    a = 1\n    return a", "def f():\n    # ... existing code ...\n    return 2")])
    assert "REPLACE skips lines" in plan.failures[0].reason


def test_literal_ellipsis_in_python_is_code(tmp_path: Path) -> None:
    write(tmp_path, "m.py", b"def f():\n    ...\n")
    plan = plan_edits(tmp_path, [block("m.py", "def f():\n    ...", "def f():\n    return 1")])
    assert plan.changes[0].after == b"def f():\n    return 1\n"


def test_part_of_a_line(tmp_path: Path) -> None:
    write(tmp_path, "m.py", b"total = price * qty  # cost\n")
    plan = plan_edits(tmp_path, [block("m.py", "price * qty", "price * qty * (1 + tax)")])
    assert plan.changes[0].after == b"total = price * qty * (1 + tax)  # cost\n"


def test_binary_files_are_not_edited(tmp_path: Path) -> None:
    write(tmp_path, "img.bin", b"\x00\x01\x02")
    plan = plan_edits(tmp_path, [block("img.bin", "x", "y")])
    assert "binary" in plan.failures[0].reason


def test_latin1_file_keeps_its_encoding(tmp_path: Path) -> None:
    write(tmp_path, "l.txt", "café = 1\n".encode("cp1252"))
    plan = plan_edits(tmp_path, [block("l.txt", "café = 1", "café = 2")])
    assert plan.changes[0].after == "café = 2\n".encode("cp1252")
    plan = plan_edits(tmp_path, [block("l.txt", "café = 1", "café = '☃'")])
    assert "cannot be written as cp1252" in plan.failures[0].reason


def test_base_texts_are_the_starting_point(tmp_path: Path) -> None:
    write(tmp_path, "m.py", b"a = 1\n")
    base = {"m.py": from_text("a = (\n"), "n.py": from_text("new\n")}
    plan = plan_edits(tmp_path, [block("m.py", "a = (", "a = 2")], base=base)
    assert {c.path: (c.before, c.after) for c in plan.changes} == {"m.py": (b"a = 1\n", b"a = 2\n"), "n.py": (None, b"new\n")}
