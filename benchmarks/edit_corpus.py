"""Apply a corpus of realistic model answers (with the mistakes models make) and report how many
come out right; a run that must be refused has to leave every file byte-identical.

Usage: python benchmarks/edit_corpus.py [-v]
tests/edits/test_corpus.py runs every case as a test.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from llmdev.edits.atomic import WriteRefused, write_changes
from llmdev.edits.blocks import parse_edit_blocks
from llmdev.edits.plan import plan_edits


@dataclass
class Case:
    name: str
    mistake: str  # the kind of model mistake the case stands for
    files: dict[str, bytes]
    answer: str
    expected: dict[str, bytes] | None  # files that must change, and how; None: must be refused
    known_files: list[str] = field(default_factory=list)


def block(path: str, search: str, replace: str) -> str:
    return f"{path}\n<<<<<<< SEARCH\n{search}\n=======\n{replace}\n>>>>>>> REPLACE\n"


PY_CLASS = b"class Cart:\n    def __init__(self):\n        self.items = []\n\n    def total(self):\n        return sum(i.price for i in self.items)\n"
PY_TWO = b"def first():\n    return 1\n\n\ndef second():\n    return 2\n"
GO = b"package main\n\nfunc add(a int, b int) int {\n\tif a < 0 {\n\t\treturn 0\n\t}\n\treturn a - b\n}\n"
JS_CRLF = b"function greet(name) {\r\n  if (!name) {\r\n    return 'hi';\r\n  }\r\n  return 'hi ' + name;\r\n}\r\n"
LONG = b"def run(cfg):\n    a = load(cfg)\n    b = parse(a)\n    c = check(b)\n    d = store(c)\n    return d\n"
DUP = b"x = compute()\nlog(x)\n\ny = other()\nx = compute()\nlog(x)\n"

CASES = [
    Case("exact", "none", {"a.py": PY_TWO}, block("a.py", "def first():\n    return 1", "def first():\n    return 10"),
         {"a.py": PY_TWO.replace(b"return 1\n", b"return 10\n")}),
    Case("dedented method", "indentation drift", {"cart.py": PY_CLASS},
         block("cart.py", "def total(self):\n    return sum(i.price for i in self.items)", "def total(self):\n    return round(sum(i.price for i in self.items), 2)"),
         {"cart.py": PY_CLASS.replace(b"return sum(i.price for i in self.items)", b"return round(sum(i.price for i in self.items), 2)")}),
    Case("over-indented block", "indentation drift", {"a.py": PY_TWO},
         block("a.py", "        def second():\n            return 2", "        def second():\n            return 22"),
         {"a.py": PY_TWO.replace(b"return 2\n", b"return 22\n")}),
    Case("go tabs, one level lost", "indentation drift", {"main.go": GO},
         block("main.go", "if a < 0 {\n\treturn 0\n}\nreturn a - b", "if a < 0 {\n\treturn 0\n}\nreturn a + b"),
         {"main.go": GO.replace(b"a - b", b"a + b")}),
    Case("spaces for tabs", "indentation drift", {"main.go": GO},
         block("main.go", "    if a < 0 {\n        return 0\n    }", "    if a < 0 {\n        return -1\n    }"),
         {"main.go": GO.replace(b"\t\treturn 0", b"\t\treturn -1")}),
    Case("nesting flattened", "indentation drift", {"cart.py": PY_CLASS},
         block("cart.py", "def total(self):\nreturn sum(i.price for i in self.items)", "def total(self):\nreturn 0"), None),
    Case("typo in SEARCH", "wrong text", {"cart.py": PY_CLASS},
         block("cart.py", "    def total(self):\n        return sum(i.price for i in self.item)", "    def total(self):\n        return 0"), None),
    Case("blank line left out", "missing blank lines", {"a.py": PY_TWO},
         block("a.py", "    return 1\ndef second():", "    return 1\n\n\ndef second(x=None):"),
         {"a.py": PY_TWO.replace(b"def second():", b"def second(x=None):")}),
    Case("blank line added", "extra blank lines", {"cart.py": PY_CLASS},
         block("cart.py", "    def __init__(self):\n\n        self.items = []", "    def __init__(self):\n        self.items = []\n        self.owner = None"),
         {"cart.py": PY_CLASS.replace(b"self.items = []\n", b"self.items = []\n        self.owner = None\n")}),
    Case("file has trailing spaces", "trailing spaces", {"t.py": b"a = 1   \nb = 2\t\n"},
         block("t.py", "a = 1\nb = 2", "a = 1\nb = 3"), {"t.py": b"a = 1\nb = 3\n"}),
    Case("search has trailing spaces", "trailing spaces", {"t.py": b"a = 1\nb = 2\n"},
         block("t.py", "a = 1  \nb = 2 ", "a = 1\nb = 3"), {"t.py": b"a = 1\nb = 3\n"}),
    Case("CRLF file, LF answer", "CRLF files", {"g.js": JS_CRLF},
         block("g.js", "  return 'hi ' + name;", "  return `hi ${name}`;"), {"g.js": JS_CRLF.replace(b"'hi ' + name", b"`hi ${name}`")}),
    Case("CRLF answer, LF file", "CRLF files", {"a.py": PY_TWO},
         block("a.py", "def first():\n    return 1", "def first():\n    return 1.0").replace("\n", "\r\n"),
         {"a.py": PY_TWO.replace(b"return 1\n", b"return 1.0\n")}),
    Case("CRLF file without final newline", "CRLF files", {"w.txt": b"one\r\ntwo\r\nthree"},
         block("w.txt", "three", "three\nfour"), {"w.txt": b"one\r\ntwo\r\nthree\r\nfour"}),
    Case("CRLF and drift together", "CRLF files", {"g.js": JS_CRLF},
         block("g.js", "if (!name) {\n  return 'hi';\n}", "if (!name) {\n  return 'hello';\n}"), {"g.js": JS_CRLF.replace(b"'hi';", b"'hello';")}),
    Case("existing-code comment", "elided lines", {"r.py": LONG},
         block("r.py", "def run(cfg):\n    a = load(cfg)\n    # ... existing code ...\n    return d", "def run(cfg):\n    a = load(cfg, strict=True)\n    # ... existing code ...\n    return d"),
         {"r.py": LONG.replace(b"load(cfg)", b"load(cfg, strict=True)")}),
    Case("bare ellipsis line", "elided lines", {"r.py": LONG},
         block("r.py", "    b = parse(a)\n    ...\n    return d", "    b = parse(a)\n    ...\n    return d or None"),
         {"r.py": LONG.replace(b"return d", b"return d or None")}),
    Case("js comment elision", "elided lines", {"g.js": JS_CRLF},
         block("g.js", "function greet(name) {\n  // ...\n  return 'hi ' + name;", "function greet(name = '') {\n  // ...\n  return 'hi ' + name;"),
         {"g.js": JS_CRLF.replace(b"greet(name)", b"greet(name = '')")}),
    Case("trailing elision", "elided lines", {"r.py": LONG},
         block("r.py", "def run(cfg):\n    # ... rest of the function unchanged", "def run(cfg, dry=False):\n    # ... rest of the function unchanged"),
         {"r.py": LONG.replace(b"run(cfg)", b"run(cfg, dry=False)")}),
    Case("elision only in REPLACE", "elided lines", {"r.py": LONG},
         block("r.py", "def run(cfg):\n    a = load(cfg)\n    b = parse(a)", "def run(cfg):\n    # ... existing code ...\n    b = parse(a, 2)"), None),
    Case("same text twice", "ambiguous match", {"d.py": DUP}, block("d.py", "x = compute()\nlog(x)", "x = compute()\nlog(x, 1)"), None),
    Case("ambiguous once tolerant", "ambiguous match", {"d.py": DUP}, block("d.py", "  x = compute()\n  log(x)", "  x = 1"), None),
    Case("unique with context", "ambiguous match", {"d.py": DUP},
         block("d.py", "y = other()\nx = compute()", "y = other()\nx = compute(fast=True)"), {"d.py": DUP.replace(b"y = other()\nx = compute()", b"y = other()\nx = compute(fast=True)")}),
    Case("edit to a missing file", "file does not exist", {"a.py": PY_TWO}, block("lib/none.py", "x = 1", "x = 2"), None),
    Case("wrong directory", "file does not exist", {"src/calc.py": PY_TWO}, block("calc.py", "    return 2", "    return 3"),
         {"src/calc.py": PY_TWO.replace(b"return 2\n", b"return 3\n")}, ["src/calc.py"]),
    Case("new whole file", "new file", {"a.py": PY_TWO}, block("pkg/util.py", "", "def helper():\n    return 42"), {"pkg/util.py": b"def helper():\n    return 42\n"}),
    Case("new file over an existing one", "new file", {"a.py": PY_TWO}, block("a.py", "", "x = 1"), None),
    Case("second file fails", "all or nothing", {"a.py": PY_TWO, "cart.py": PY_CLASS},
         block("a.py", "    return 1", "    return 5") + block("cart.py", "def total(self, tax):", "def total(self, tax=0):"), None),
    Case("hallucinated search", "wrong text", {"cart.py": PY_CLASS}, block("cart.py", "def subtotal(self):\n    return 0", "def subtotal(self):\n    return 1"), None),
    Case("prose, fences, bold path", "formatting", {"a.py": PY_TWO},
         "Here is the fix:\n\n**a.py**\n```python\n<<<<<<< SEARCH\ndef second():\n=======\ndef second(n=2):\n>>>>>>> REPLACE\n```\nDone.",
         {"a.py": PY_TWO.replace(b"def second():", b"def second(n=2):")}),
    Case("diff fence with path", "formatting", {"a.py": PY_TWO},
         "```diff a.py\n<<<<<<< SEARCH\n    return 2\n=======\n    return -2\n>>>>>>> REPLACE\n```", {"a.py": PY_TWO.replace(b"return 2\n", b"return -2\n")}),
    Case("dot-slash path", "formatting", {"a.py": PY_TWO}, block("./a.py", "    return 1", "    return 0"), {"a.py": PY_TWO.replace(b"return 1\n", b"return 0\n")}),
    Case("part of a line", "partial line", {"p.py": b"total = price * qty  # cost\n"}, block("p.py", "price * qty", "price * qty * 2"), {"p.py": b"total = price * qty * 2  # cost\n"}),
    Case("two blocks, same file", "several blocks", {"a.py": PY_TWO},
         block("a.py", "    return 1", "    return 11") + block("a.py", "    return 2", "    return 22"), {"a.py": PY_TWO.replace(b"return 1\n", b"return 11\n").replace(b"return 2\n", b"return 22\n")}),
    Case("delete lines", "several blocks", {"r.py": LONG}, block("r.py", "    c = check(b)\n", ""), {"r.py": LONG.replace(b"    c = check(b)\n", b"")}),
    Case("append at end without newline", "final newline", {"n.py": b"a = 1\nb = 2"}, block("n.py", "b = 2", "b = 2\nc = 3"), {"n.py": b"a = 1\nb = 2\nc = 3"}),
    Case("cp1252 file", "encodings", {"l.txt": "café = 1\n".encode("cp1252")}, block("l.txt", "café = 1", "café = 2"), {"l.txt": "café = 2\n".encode("cp1252")}),
    Case("UTF-8 BOM", "encodings", {"b.py": b"\xef\xbb\xbfx = 1\ny = 2\n"}, block("b.py", "y = 2", "y = 3"), {"b.py": b"\xef\xbb\xbfx = 1\ny = 3\n"}),
    Case("context blank lines around", "extra blank lines", {"a.py": PY_TWO},
         block("a.py", "\n    return 1\n", "\n    return 100\n"), {"a.py": PY_TWO.replace(b"return 1\n", b"return 100\n")}),
    Case("folder blocked at write time", "all or nothing", {"a.py": PY_TWO, "blocker": b"x\n"},
         block("a.py", "    return 1", "    return 5") + block("blocker/new.py", "", "x = 1"), None),
    Case("unclosed block", "formatting", {"a.py": PY_TWO}, "a.py\n<<<<<<< SEARCH\n    return 1\n=======\n    return 5\n", None),
]


@dataclass
class Outcome:
    case: Case
    correct: bool
    detail: str


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run_case(case: Case, root: Path) -> Outcome:
    """Apply the case's answer under `root` the way `llmdev gen` does, and judge the result."""
    for path, data in case.files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    before = _snapshot(root)
    parsed = parse_edit_blocks(case.answer)
    plan = plan_edits(root, parsed.blocks, known_files=case.known_files or list(case.files))
    refused = bool(parsed.problems or plan.failures or not parsed.blocks)
    if not refused:
        try:
            write_changes(root, plan.changes)
        except WriteRefused:
            refused = True
    after = _snapshot(root)
    if case.expected is None:
        if not refused:
            return Outcome(case, False, "applied but should have been refused")
        return Outcome(case, after == before, "refused" if after == before else "refused but files changed")
    if refused:
        reasons = "; ".join(parsed.problems + [f.reason for f in plan.failures]) or "write refused"
        return Outcome(case, False, f"refused: {reasons}")
    wanted = dict(before, **case.expected)
    return Outcome(case, after == wanted, "applied" if after == wanted else "applied with wrong bytes")


def run_all() -> list[Outcome]:
    outcomes = []
    for case in CASES:
        with tempfile.TemporaryDirectory() as scratch:
            outcomes.append(run_case(case, Path(scratch)))
    return outcomes


def main() -> None:
    verbose = "-v" in sys.argv[1:]
    outcomes = run_all()
    applies = [o for o in outcomes if o.case.expected is not None]
    refusals = [o for o in outcomes if o.case.expected is None]
    for outcome in outcomes:
        if verbose or not outcome.correct:
            mark = "ok  " if outcome.correct else "FAIL"
            print(f"{mark} {outcome.case.mistake:<22} {outcome.case.name:<34} {outcome.detail}")
    correct = sum(o.correct for o in outcomes)
    print(f"cases: {len(outcomes)}; handled correctly: {correct}/{len(outcomes)} ({correct / len(outcomes):.0%})")
    print(f"  edits applied correctly: {sum(o.correct for o in applies)}/{len(applies)}")
    print(f"  refusals with every file byte-identical: {sum(o.correct for o in refusals)}/{len(refusals)}")
    sys.exit(0 if correct == len(outcomes) else 1)


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    main()
