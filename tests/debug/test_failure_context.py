from __future__ import annotations

from pathlib import Path

from llmdev.code.index import load_index
from llmdev.debug.context import MAX_FUNCTION_LINES, called_names, gather_failure_context
from llmdev.repo.discovery import open_repository
from tests.edits.scratch import git, make_repo

CALC = "import math\n\n\ndef area(r):\n    return math.pi * r * 2\n\n\ndef scale(r, k):\n    return area(r) * k\n"


def context_for(root: Path, output: str):  # type: ignore[no-untyped-def]
    repo = open_repository(root)
    return gather_failure_context(repo, output, index=load_index(repo, show_progress=False), cwd=root)


def test_site_is_the_enclosing_function_with_the_line_marked(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"geo.py": CALC})
    trace = f'Traceback (most recent call last):\n  File "{root}/geo.py", line 9, in scale\n    return area(r) * k\nTypeError: x\n'
    context = context_for(root, trace)
    (site,) = context.sites
    assert (site.path, site.start, site.end, site.marks, site.name) == ("geo.py", 8, 9, {9}, "scale")
    assert "> 9 |     return area(r) * k" in site.render()
    assert [r.name for r in context.related] == ["area"]  # called on the failing line


def test_recent_changes_show_uncommitted_diff_and_commits(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"geo.py": CALC})
    (root / "geo.py").write_text(CALC.replace("r * 2", "r ** 3"))
    git(root, "commit", "-qam", "Use cubes")
    (root / "geo.py").write_text(CALC.replace("r * 2", "r ** 2"))
    context = context_for(root, 'File "geo.py", line 5, in area\n'.join(["Traceback (most recent call last):\n  ", "    x\nValueError\n"]))
    assert "+    return math.pi * r ** 2" in context.recent_changes.uncommitted
    assert "Use cubes" in context.recent_changes.commits and "r ** 2" not in context.recent_changes.commits


def test_long_function_becomes_a_window(tmp_path: Path) -> None:
    body = "".join(f"    x{n} = {n}\n" for n in range(MAX_FUNCTION_LINES + 20))
    root = make_repo(tmp_path / "r", {"big.py": "def big():\n" + body})
    (site,) = context_for(root, 'Traceback (most recent call last):\n  File "big.py", line 100, in big\n    x\nValueError\n').sites
    assert site.start == 92 and site.end == 108 and "of function big" in site.title


def test_called_names() -> None:
    assert called_names(["assert add(2, 3) == len(x)", "cart.total() + vec![1]", "println!(\"{}\", pick(&v, 2))"]) == ["add", "total", "pick"]
