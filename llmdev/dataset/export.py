"""Write examples as chat-format JSONL (OpenAI fine-tuning, and the Llama tools that read the same
`{"messages": [...]}` lines), leaving out every example the privacy rules flag."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Callable, Sequence

from llmdev.dataset.examples import Example, Sources, build_examples

if TYPE_CHECKING:
    from llmdev.config.loader import LoadedConfig
    from llmdev.evaluation.mining import Task
    from llmdev.repo.discovery import Repository

TASK_KINDS = ("review", "commit-msg", "gen")
MINED_AS = {"review": "review", "commit-msg": "commit-msg", "gen": "commit-msg"}  # gen: any small commit is a described change


@dataclass
class ExportSummary:
    kept: int = 0
    dropped: Counter[str] = field(default_factory=Counter)  # reason -> examples

    def describe(self) -> str:
        total = sum(self.dropped.values())
        text = f"kept {self.kept} example(s), dropped {total}"
        if total:
            ordered = sorted(self.dropped.items(), key=lambda item: (-item[1], item[0]))
            text += ": " + "; ".join(f"{count} {reason}" for reason, count in ordered)
        return text


def privacy_reason(example: Example, config: "LoadedConfig") -> str | None:
    """Why the privacy rules keep this example home, naming kinds and paths but never a secret."""
    from llmdev.privacy.policy import effective_policy
    from llmdev.privacy.scan import scan_request

    policy, _ = effective_policy(config.settings, config.sources, config.repo_root)
    report = scan_request(example.messages, example.files, policy)
    if report.clean:
        return None
    parts = []
    if secrets := sorted({f.kind for f in report.secrets}):
        parts.append(f"secrets ({', '.join(secrets)})")
    if report.private_paths:
        parts.append(f"private files ({', '.join(report.private_paths)})")
    return "privacy rules: " + " and ".join(parts)


def mine_for(repo: "Repository", config: "LoadedConfig", kind: str, *, since: float | None = None, limit: int = 500) -> list["Task"]:
    """The history tasks examples of `kind` are built from, newest first."""
    from llmdev.evaluation.mining import mine_tasks

    return mine_tasks(repo, config.settings.eval, kinds=[MINED_AS[kind]], since=since, limit=limit)


def export_dataset(
    repo: "Repository",
    config: "LoadedConfig",
    kind: str,
    tasks: Sequence["Task"],
    out: IO[str],
    *,
    model: str,
    on_example: Callable[[], None] | None = None,
) -> ExportSummary:
    """Build each task's example and write the ones that may leave the machine."""
    from llmdev.evaluation.scratch import ScratchCheckout

    summary = ExportSummary()
    for example in build_examples(kind, tasks, Sources(config, ScratchCheckout(repo), model)):
        reason = example.dropped or privacy_reason(example, config)
        if reason is None:
            out.write(example.jsonl() + "\n")
            summary.kept += 1
        else:
            summary.dropped[reason] += 1
        if on_example is not None:
            on_example()
    return summary
