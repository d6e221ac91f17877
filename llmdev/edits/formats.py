"""Edit formats, chosen per model: SEARCH/REPLACE blocks for models that write them reliably, the
whole file for the rest (small local models garble SEARCH texts far more often than they garble a
whole file). `[gen.edit_format]` in the config overrides the family default per model."""

from __future__ import annotations

import fnmatch
import re
from typing import TYPE_CHECKING, Collection, Literal

if TYPE_CHECKING:
    from llmdev.config.schema import Settings
    from llmdev.edits.blocks import ParsedEdits

EditFormat = Literal["search-replace", "whole"]
SEARCH_REPLACE: EditFormat = "search-replace"
WHOLE: EditFormat = "whole"
TEMPLATES: dict[str, str] = {SEARCH_REPLACE: "format", WHOLE: "format-whole"}  # prompts/gen/<name>.md

# Families measured (by aider's leaderboards, among others) to write SEARCH/REPLACE blocks well.
CAPABLE = re.compile(
    r"gpt-4|gpt-5|(^|[^\w])o[134](-|$)|claude|gemini-(1\.5|2|3)|deepseek-(chat|coder-v2|v3|r1|reasoner)|mistral-large|codestral",
    re.IGNORECASE,
)
SIZE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)b(?![\w])", re.IGNORECASE)
LARGE_B = 30.0  # billions of parameters from which an open model gets SEARCH/REPLACE


def family_default(model: str) -> EditFormat:
    """The format for `provider/name` when the config names none: SEARCH/REPLACE for capable families
    and open models of 30B parameters or more (`llama3.1:70b`), whole files for everything else."""
    name = model.partition("/")[2] or model
    if CAPABLE.search(name):
        return SEARCH_REPLACE
    sizes = [float(s) for s in SIZE.findall(name.replace(":", " ").replace("-", " "))]
    return SEARCH_REPLACE if sizes and max(sizes) >= LARGE_B else WHOLE


def edit_format_for(model: str, settings: "Settings") -> EditFormat:
    """The configured format for `provider/name` (an exact key first, then the longest matching
    glob such as `ollama/*`), else its family's default."""
    table = settings.gen.edit_format
    if model in table:
        return table[model]
    for pattern in sorted(table, key=len, reverse=True):
        if fnmatch.fnmatchcase(model, pattern):
            return table[pattern]
    return family_default(model)


def parse_answer(answer: str, edit_format: EditFormat, known_files: Collection[str] = ()) -> "ParsedEdits":
    """The answer's edits in its format. A whole-file model that answers with SEARCH/REPLACE blocks
    anyway is read in that stricter grammar; a SEARCH/REPLACE answer is never read as whole files."""
    from llmdev.edits.blocks import SEARCH, parse_edit_blocks
    from llmdev.edits.wholefile import parse_whole_files

    if edit_format == WHOLE and not any(SEARCH.match(line) for line in answer.splitlines()):
        return parse_whole_files(answer, known_files)
    return parse_edit_blocks(answer, known_files)
