"""How often the function that must change is in the `llmdev debug` prompt, over repositories with
planted bugs in several languages. Python failures are produced live (pytest, a script); the other
languages use output recorded from node 20, go, cargo 1.9x and the JVM, with paths as those tools print them.

Usage: python benchmarks/debug_context.py [-v]
tests/debug/test_fixtures.py checks every fixture.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from llmdev.code.index import load_index
from llmdev.debug.context import FailureContext, gather_failure_context
from llmdev.debug.prompt import debug_messages
from llmdev.repo.discovery import open_repository


@dataclass
class Fixture:
    name: str
    language: str
    files: dict[str, str]
    faulty: tuple[str, str]  # (path, function) that must change
    output: str = ""  # recorded output; empty when `command` produces it live
    command: list[str] = field(default_factory=list)


PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]

FIXTURES = [
    Fixture("pytest assertion in the test", "python", {
        "src/calc.py": "def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n",
        "tests/test_calc.py": "from src.calc import add, mul\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\ndef test_mul():\n    assert mul(2, 3) == 6\n",
    }, ("src/calc.py", "add"), command=PYTEST),
    Fixture("pytest error two calls deep", "python", {
        "src/stats.py": "def mean(values):\n    return sum(values) / (len(values) - len(values))\n",
        "src/report.py": "from src.stats import mean\n\n\ndef report(values):\n    return f\"mean={mean(values):.1f}\"\n",
        "tests/test_report.py": "from src.report import report\n\n\ndef test_report():\n    assert report([1, 2, 3]) == \"mean=2.0\"\n",
    }, ("src/stats.py", "mean"), command=PYTEST),
    Fixture("pytest wrong value two calls deep", "python", {
        "src/prices.py": "def discount(price, percent):\n    return price * percent / 10\n",
        "src/checkout.py": "from src.prices import discount\n\n\ndef final_price(price):\n    return round(discount(price, 20), 2)\n",
        "tests/test_checkout.py": "from src.checkout import final_price\n\n\ndef test_final_price():\n    assert final_price(50) == 40\n",
    }, ("src/prices.py", "discount"), command=PYTEST),
    Fixture("pytest method of a class", "python", {
        "shop/cart.py": "class Cart:\n    def __init__(self, prices):\n        self.prices = prices\n\n    def total(self):\n        return sum(self.prices) - 1\n",
        "tests/test_cart.py": "from shop.cart import Cart\n\n\ndef test_total():\n    cart = Cart([1, 2])\n    assert cart.total() == 3\n",
    }, ("shop/cart.py", "total"), command=PYTEST),
    Fixture("python script traceback", "python", {
        "app/config.py": "def lookup(settings, key):\n    return settings[key.upper()]\n",
        "main.py": "from app.config import lookup\n\nprint(lookup({\"port\": 8080}, \"port\"))\n",
    }, ("app/config.py", "lookup"), command=[sys.executable, "main.py"]),
    Fixture("node runtime TypeError", "javascript", {
        "lib/calc.js": "function first(items) {\n  return items[0].value;\n}\nmodule.exports = { first };\n",
        "main.js": "const { first } = require('./lib/calc');\nconsole.log(first([]));\n",
    }, ("lib/calc.js", "first"), output=(
        "/home/dev/proj/lib/calc.js:2\n  return items[0].value;\n                  ^\n\n"
        "TypeError: Cannot read properties of undefined (reading 'value')\n"
        "    at first (/home/dev/proj/lib/calc.js:2:19)\n    at Object.<anonymous> (/home/dev/proj/main.js:2:13)\n"
        "    at Module._compile (node:internal/modules/cjs/loader:1521:14)\n"
        "    at node:internal/main/run_main_module:28:49\n\nNode.js v20.20.2\n")),
    Fixture("node --test assertion", "javascript", {
        "lib/text.js": "function slugify(title) {\n  return title.toLowerCase().replace(' ', '_');\n}\nmodule.exports = { slugify };\n",
        "test/text.test.js": "const test = require('node:test');\nconst assert = require('node:assert');\nconst { slugify } = require('../lib/text');\n"
        "test('slug', () => {\n  assert.strictEqual(slugify('Hello World'), 'hello-world');\n});\n",
    }, ("lib/text.js", "slugify"), output=(
        "TAP version 13\n# Subtest: slug\nnot ok 1 - slug\n  ---\n  duration_ms: 1.2\n  location: '/home/dev/proj/test/text.test.js:4:1'\n"
        "  failureType: 'testCodeFailure'\n  error: |-\n    Expected values to be strictly equal:\n    \n    'hello_world' !== 'hello-world'\n    \n"
        "  code: 'ERR_ASSERTION'\n  name: 'AssertionError'\n  stack: |-\n    TestContext.<anonymous> (/home/dev/proj/test/text.test.js:5:10)\n"
        "    Test.runInAsyncScope (node:async_hooks:206:9)\n    Test.run (node:internal/test_runner/test:796:25)\n  ...\n1..1\n# tests 1\n# fail 1\n")),
    Fixture("go panic", "go", {
        "store/store.go": "package store\n\ntype Store struct {\n\titems []string\n}\n\nfunc New(items []string) *Store {\n\treturn &Store{items: items}\n}\n\n"
        "func (s *Store) Get(i int) string {\n\treturn s.items[i+1]\n}\n",
        "main.go": "package main\n\nimport (\n\t\"fmt\"\n\t\"example.com/proj/store\"\n)\n\nfunc main() {\n\tfmt.Println(store.New([]string{\"a\", \"b\", \"c\"}).Get(2))\n}\n",
    }, ("store/store.go", "Get"), output=(
        "panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\n"
        "example.com/proj/store.(*Store).Get(...)\n\t/home/dev/proj/store/store.go:12\nmain.main()\n\t/home/dev/proj/main.go:9 +0x1d\nexit status 2\n")),
    Fixture("go test failure", "go", {
        "mathx/calc.go": "package mathx\n\nfunc Add(a, b int) int {\n\treturn a - b\n}\n",
        "mathx/calc_test.go": "package mathx\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) {\n\tgot := Add(2, 3)\n\tif got != 5 {\n"
        "\t\tt.Errorf(\"Add(2, 3) = %d, want 5\", got)\n\t}\n}\n",
    }, ("mathx/calc.go", "Add"), output=(
        "--- FAIL: TestAdd (0.00s)\n    calc_test.go:8: Add(2, 3) = -1, want 5\nFAIL\nFAIL\texample.com/proj/mathx\t0.002s\nFAIL\n")),
    Fixture("cargo test assertion", "rust", {
        "src/lib.rs": "pub fn average(values: &[i32]) -> i32 {\n    let total: i32 = values.iter().sum();\n    total / (values.len() as i32 - 1)\n}\n\n"
        "#[cfg(test)]\nmod tests {\n    use super::*;\n\n    #[test]\n    fn averages_three() {\n        assert_eq!(average(&[1, 2, 3]), 2);\n    }\n}\n",
    }, ("src/lib.rs", "average"), output=(
        "running 1 test\ntests::averages_three --- FAILED\n\nfailures:\n\n---- tests::averages_three stdout ----\n\n"
        "thread 'tests::averages_three' (31165) panicked at src/lib.rs:12:9:\nassertion `left == right` failed\n  left: 3\n right: 2\n"
        "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\n\nfailures:\n    tests::averages_three\n\n"
        "test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n")),
    Fixture("rust panic with backtrace", "rust", {
        "src/main.rs": "fn pick(values: &[i32], index: usize) -> i32 {\n    values[index + 1]\n}\n\nfn main() {\n    println!(\"{}\", pick(&[1, 2, 3], 2));\n}\n",
    }, ("src/main.rs", "pick"), output=(
        "thread 'main' (4242) panicked at src/main.rs:2:5:\nindex out of bounds: the len is 3 but the index is 3\nstack backtrace:\n"
        "   0: __rustc::rust_begin_unwind\n             at /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/panicking.rs:689:5\n"
        "   1: core::panicking::panic_bounds_check\n             at /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/core/src/panicking.rs:271:5\n"
        "   2: proj::pick\n             at ./src/main.rs:2:5\n   3: proj::main\n             at ./src/main.rs:6:20\n")),
    Fixture("java exception", "java", {
        "src/main/java/com/example/Stats.java": "package com.example;\n\npublic class Stats {\n    public static int average(int[] values) {\n"
        "        int total = 0;\n        for (int v : values) {\n            total += v;\n        }\n        return total / (values.length - 3);\n    }\n}\n",
        "src/main/java/com/example/App.java": "package com.example;\n\npublic class App {\n    public static void main(String[] args) {\n"
        "        System.out.println(Stats.average(new int[] {1, 2, 3}));\n    }\n}\n",
    }, ("src/main/java/com/example/Stats.java", "average"), output=(
        "Exception in thread \"main\" java.lang.ArithmeticException: / by zero\n\tat com.example.Stats.average(Stats.java:9)\n"
        "\tat com.example.App.main(App.java:5)\n")),
    Fixture("junit assertion", "java", {
        "src/main/java/com/example/Price.java": "package com.example;\n\npublic class Price {\n    public static int total(int[] prices) {\n"
        "        int sum = 0;\n        for (int i = 1; i < prices.length; i++) {\n            sum += prices[i];\n        }\n        return sum;\n    }\n}\n",
        "src/test/java/com/example/PriceTest.java": "package com.example;\n\nimport static org.junit.jupiter.api.Assertions.assertEquals;\n\n"
        "import org.junit.jupiter.api.Test;\n\nclass PriceTest {\n    @Test\n    void totals() {\n        assertEquals(6, Price.total(new int[] {1, 2, 3}));\n    }\n}\n",
    }, ("src/main/java/com/example/Price.java", "total"), output=(
        "[ERROR] Tests run: 1, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.02 s <<< FAILURE! -- in com.example.PriceTest\n"
        "[ERROR] com.example.PriceTest.totals -- Time elapsed: 0.01 s <<< FAILURE!\norg.opentest4j.AssertionFailedError: expected: <6> but was: <5>\n"
        "\tat org.junit.jupiter.api.AssertionFailureBuilder.build(AssertionFailureBuilder.java:151)\n"
        "\tat org.junit.jupiter.api.Assertions.assertEquals(Assertions.java:563)\n\tat com.example.PriceTest.totals(PriceTest.java:10)\n"
        "\tat java.base/java.lang.reflect.Method.invoke(Method.java:580)\n")),
]


@dataclass
class Result:
    fixture: Fixture
    in_prompt: bool
    via: str  # "trace" (a frame is in it), "calls" (called from a failing line), or "missing"
    context: FailureContext


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def build_repo(fixture: Fixture, root: Path) -> None:
    for path, text in fixture.files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "planted bug")


def failure_output(fixture: Fixture, root: Path) -> str:
    if fixture.output:
        return fixture.output
    done = subprocess.run(fixture.command, cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0, f"{fixture.name}: the planted bug did not fail"
    return done.stdout + done.stderr


def measure(fixture: Fixture, root: Path) -> Result:
    """Build the fixture's repository under `root` and check the debug prompt for the faulty function."""
    build_repo(fixture, root)
    repo = open_repository(root)
    index = load_index(repo, show_progress=False)
    output = failure_output(fixture, root)
    context = gather_failure_context(repo, output, index=index, cwd=root)
    prompt = "\n".join(m.content for m in debug_messages(root, command="cmd", status="failed", output=output, context=context))
    path, name = fixture.faulty
    tag = next(t for p, t in index.definitions(name) if p == path)
    lines = (root / path).read_text().splitlines()[tag.line - 1 : tag.end_line]

    def covers(excerpts: list) -> bool:
        return any(e.path == path and e.start <= tag.line and e.end >= tag.end_line for e in excerpts)

    whole = all(line in prompt for line in lines)
    via = "trace" if covers(context.sites) else "calls" if covers(context.related) else "missing"
    return Result(fixture, whole and via != "missing", via, context)


def main() -> None:
    verbose = "-v" in sys.argv[1:]
    results = []
    for fixture in FIXTURES:
        with tempfile.TemporaryDirectory() as scratch:
            results.append(measure(fixture, Path(scratch)))
    for result in results:
        if verbose or not result.in_prompt:
            mark = "ok  " if result.in_prompt else "MISS"
            print(f"{mark} {result.fixture.language:<11} {result.fixture.name:<30} via {result.via}")
    found = sum(r.in_prompt for r in results)
    print(f"faulty function in the debug prompt: {found}/{len(results)} ({found / len(results):.0%})")
    for language in dict.fromkeys(r.fixture.language for r in results):
        group = [r for r in results if r.fixture.language == language]
        print(f"  {language}: {sum(r.in_prompt for r in group)}/{len(group)}")
    print(f"  found in a trace frame: {sum(r.via == 'trace' for r in results)}; through calls on failing lines: {sum(r.via == 'calls' for r in results)}")


if __name__ == "__main__":
    main()
