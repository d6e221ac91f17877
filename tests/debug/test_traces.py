from __future__ import annotations

from llmdev.debug.traces import Frame, parse_traces

PYTEST_LONG = """\
=================================== FAILURES ===================================
__________________________________ test_div ___________________________________

    def test_div():
>       assert div(1, 0) == 0

tests/test_calc.py:8: 
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _

a = 1, b = 0

    def div(a, b):
>       return a / b
E       ZeroDivisionError: division by zero

src/calc.py:3: ZeroDivisionError
___________________________________ test_add ___________________________________

    def test_add():
>       assert add(2, 3) == 5
E       assert -1 == 5
E        +  where -1 = add(2, 3)

tests/test_calc.py:12: AssertionError
=========================== short test summary info ============================
FAILED tests/test_calc.py::test_div - ZeroDivisionError: division by zero
"""

PYTEST_SHORT = """\
___________________________________ test_add ___________________________________
tests/test_calc.py:12: in test_add
    assert add(2, 3) == 5
E   assert -1 == 5
"""

TRACEBACK = """\
Traceback (most recent call last):
  File "/home/dev/proj/main.py", line 3, in <module>
    print(lookup({"port": 8080}, "port"))
          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/home/dev/proj/app/config.py", line 2, in lookup
    return settings[key.upper()]
           ~~~~~~~~^^^^^^^^^^^^^
KeyError: 'PORT'
"""


def test_pytest_long_format_innermost_first() -> None:
    div, add = parse_traces(PYTEST_LONG)
    assert div.language == "pytest" and div.title == "test_div"
    assert div.frames == [Frame("src/calc.py", 3, "div"), Frame("tests/test_calc.py", 8, "test_div")]
    assert div.message == "ZeroDivisionError: division by zero"
    assert div.code == ["return a / b", "assert div(1, 0) == 0"]
    assert add.frames == [Frame("tests/test_calc.py", 12, "test_add")] and add.message == "assert -1 == 5"


def test_pytest_short_format() -> None:
    (trace,) = parse_traces(PYTEST_SHORT)
    assert trace.frames == [Frame("tests/test_calc.py", 12, "test_add")]
    assert trace.code == ["assert add(2, 3) == 5"]


def test_python_traceback_skips_caret_lines() -> None:
    (trace,) = parse_traces(TRACEBACK)
    assert trace.message == "KeyError: 'PORT'"
    assert [f.function for f in trace.frames] == ["lookup", "<module>"]
    assert trace.code == ["return settings[key.upper()]", 'print(lookup({"port": 8080}, "port"))']


def test_node_runtime_and_tap() -> None:
    runtime = "TypeError: x is not a function\n    at run (/app/src/a.js:4:11)\n    at Object.<anonymous> (file:///app/b.mjs:2:1)\n    at node:internal/main:1:1\n"
    (trace,) = parse_traces(runtime)
    assert trace.message == "TypeError: x is not a function"
    assert trace.frames == [Frame("/app/src/a.js", 4, "run", 11), Frame("/app/b.mjs", 2, None, 1)]
    tap = "  error: |-\n    boom\n  stack: |-\n    TestContext.<anonymous> (/app/t.test.js:5:10)\n    Test.run (node:internal/test_runner/test:796:25)\n  ...\n"
    (trace,) = parse_traces(tap)
    assert trace.frames == [Frame("/app/t.test.js", 5, None, 10)] and trace.message == "boom"


def test_go_panic_and_test_failure() -> None:
    panic = "panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\nexample.com/p/store.(*Store).Get(...)\n\t/src/p/store/store.go:12\nmain.main()\n\t/src/p/main.go:9 +0x1d\nexit status 2\n"
    (trace,) = parse_traces(panic)
    assert trace.frames == [Frame("/src/p/store/store.go", 12, "Get"), Frame("/src/p/main.go", 9, "main")]
    failed = "--- FAIL: TestAdd (0.00s)\n    calc_test.go:8: Add(2, 3) = -1, want 5\nFAIL\n"
    (trace,) = parse_traces(failed)
    assert trace.frames == [Frame("calc_test.go", 8, "TestAdd")] and trace.message == "Add(2, 3) = -1, want 5"


def test_rust_new_old_and_backtrace() -> None:
    new = "thread 'tests::adds' (31165) panicked at src/lib.rs:16:9:\nassertion `left == right` failed\n"
    (trace,) = parse_traces(new)
    assert trace.frames == [Frame("src/lib.rs", 16, "adds", 9)] and trace.message == "panicked: assertion `left == right` failed"
    old = "thread 'main' panicked at 'index out of bounds', src/main.rs:2:5\n"
    assert parse_traces(old)[0].frames == [Frame("src/main.rs", 2, None, 5)]
    backtrace = new + "stack backtrace:\n   3: demo::pick\n             at ./src/lib.rs:7:5\n   4: std::x\n             at /rustc/abc/library/std/src/x.rs:1:1\n"
    assert parse_traces(backtrace)[0].frames[1] == Frame("src/lib.rs", 7, "pick", 5)


def test_java_with_module_prefix_and_cause() -> None:
    text = (
        'Exception in thread "main" java.lang.IllegalStateException: bad\n\tat com.x.A.run(A.java:12)\n'
        "\tat java.base/java.lang.Thread.run(Thread.java:1583)\nCaused by: java.io.IOException: disk\n\tat com.x.io.B.read(B.java:7)\n\t... 3 more\n"
    )
    first, cause = parse_traces(text)
    assert first.message == "java.lang.IllegalStateException: bad"
    assert first.frames[0] == Frame("com/x/A.java", 12, "run")
    assert cause.message == "java.io.IOException: disk" and cause.frames == [Frame("com/x/io/B.java", 7, "read")]


def test_plain_locations_when_no_trace() -> None:
    (trace,) = parse_traces("src/app.ts:10:5 - error TS2322: Type 'string' is not assignable\n")
    assert trace.language == "generic" and trace.frames == [Frame("src/app.ts", 10, None, 5)]


def test_colour_codes_are_ignored() -> None:
    (trace,) = parse_traces("\x1b[31mTraceback (most recent call last):\x1b[0m\n  File \"a.py\", line 1, in f\n    x\nValueError: v\n")
    assert trace.frames == [Frame("a.py", 1, "f")]
