"""Which review findings several models agree on: same file, overlapping lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, Sequence

if TYPE_CHECKING:
    from llmdev.review.findings import Finding


@dataclass
class FindingGroup:
    """Findings of one or more models about the same place."""

    path: str
    line: int
    end_line: int
    by_model: dict[str, list["Finding"]] = field(default_factory=dict)

    @property
    def models(self) -> list[str]:
        return list(self.by_model)

    @property
    def agreed(self) -> bool:
        return len(self.by_model) >= 2

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path, "line": self.line, "end_line": self.end_line, "models": self.models,
            "findings": {model: [f.as_json() for f in found] for model, found in self.by_model.items()},
        }


def _end(finding: "Finding") -> int:
    return max(finding.end_line or finding.line, finding.line)


def agree(findings: Mapping[str, Sequence["Finding"]]) -> list[FindingGroup]:
    """Group every model's findings by place: a finding joins a group in the same file whose lines it overlaps."""
    tagged = sorted(
        ((model, f) for model, found in findings.items() for f in found),
        key=lambda item: (item[1].path, item[1].line, _end(item[1])),
    )
    groups: list[FindingGroup] = []
    for model, finding in tagged:
        current = groups[-1] if groups else None
        if current is None or current.path != finding.path or finding.line > current.end_line:
            current = FindingGroup(finding.path, finding.line, _end(finding))
            groups.append(current)
        current.end_line = max(current.end_line, _end(finding))
        current.by_model.setdefault(model, []).append(finding)
    order = list(findings)
    for group in groups:  # models in the order they were named
        group.by_model = dict(sorted(group.by_model.items(), key=lambda item: order.index(item[0])))
    return groups


@dataclass
class Agreement:
    agreed: list[FindingGroup]
    unique: dict[str, list[FindingGroup]]  # model -> places only it found

    def as_json(self) -> dict[str, Any]:
        return {
            "agreed": [g.as_json() for g in self.agreed],
            "unique": {model: [g.as_json() for g in groups] for model, groups in self.unique.items()},
        }


def agreement(findings: Mapping[str, Sequence["Finding"]]) -> Agreement:
    groups = agree(findings)
    unique: dict[str, list[FindingGroup]] = {model: [] for model in findings}
    for group in groups:
        if not group.agreed:
            unique[group.models[0]].append(group)
    return Agreement([g for g in groups if g.agreed], unique)
