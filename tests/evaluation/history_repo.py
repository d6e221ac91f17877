"""A scratch repository with a made-up history: a bug comes in with one commit and a later commit fixes it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.review.support import GitRepo

STATS_V1 = '''"""Small statistics helpers."""


def total(values):
    return sum(values)


def count(values):
    return len(values)
'''

# The average added here is off by one: a later commit fixes exactly that line.
STATS_V2 = STATS_V1 + '''

def average(values):
    if not values:
        return 0.0
    return total(values) / count(values) + 1


def spread(values):
    return max(values) - min(values)
'''

STATS_V3 = STATS_V2.replace("return total(values) / count(values) + 1", "return total(values) / count(values)")

CLI = '''import sys

from stats import average


def main():
    numbers = [float(x) for x in sys.argv[1:]]
    print(average(numbers))
'''

TEST_STATS = "from stats import average\n\n\ndef test_average():\n    assert average([1, 2, 3]) == 2\n"


@dataclass
class History:
    repo: GitRepo
    initial: str
    buggy: str  # "Add average and spread helpers": introduces the off-by-one
    docs: str
    fix: str  # "Fix off-by-one in average": changes the line `buggy` wrote
    feature: str  # "feat(cli): print the average of the arguments"

    @property
    def root(self) -> Path:
        return self.repo.root

    def bug_line(self) -> int:
        """The line of the off-by-one in the buggy commit's stats.py."""
        return STATS_V2.splitlines().index("    return total(values) / count(values) + 1") + 1


def make_history(root: Path) -> History:
    repo = GitRepo.create(root, {"stats.py": STATS_V1, "README.md": "# stats\n"})
    initial = repo.git("rev-parse", "HEAD").strip()
    repo.write("stats.py", STATS_V2)
    buggy = repo.commit("Add average and spread helpers")
    repo.write("README.md", "# stats\n\nHelpers for lists of numbers.\n")
    docs = repo.commit("Describe the helpers in the README")
    repo.write("stats.py", STATS_V3)
    repo.write("tests/test_stats.py", TEST_STATS)
    fix = repo.commit("Fix off-by-one in average\n\naverage() added one to every result.\n\nSigned-off-by: Test <test@example.com>")
    repo.write("cli.py", CLI)
    feature = repo.commit("feat(cli): print the average of the arguments")
    return History(repo, initial, buggy, docs, fix, feature)
