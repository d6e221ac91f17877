"""Fixtures: `make_repo(files)` and `sample`, a small repository of code calling across files."""

from tests.sample_code import SAMPLE, make_repo, sample  # noqa: F401  (fixtures)
