"""Names git treats as its own directory, however a file system spells them: the one test both
where a model's edit may write (edits/containment.py) and what a prompt may read (repo/files.py)
go through."""

from __future__ import annotations

import re
import unicodedata

GIT_NAME = re.compile(r"\.git|git~\d+")  # git~1: the 8.3 short name Windows gives .git


def folded(name: str) -> str:
    """A path component as a case-insensitive, Unicode-normalising file system may treat it:
    NFKC, case folded, without the invisible characters HFS+ ignores, NTFS stream suffixes and
    the trailing dots and spaces Windows drops."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return text.split(":", 1)[0].casefold().rstrip(". ") or text


def is_git_name(name: str) -> bool:
    return GIT_NAME.fullmatch(folded(name)) is not None
