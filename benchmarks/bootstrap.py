"""Percentile bootstrap intervals over cases, for a ranker's mean and for the paired difference of two rankers.

Cases are resampled with replacement (1,000 times, a fixed seed, so a rerun prints the same
interval); the interval is the 2.5th and 97.5th percentile of the resampled means. The
difference is paired: each resample draws the same cases for both rankers.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

RESAMPLES = 1000
SEED = 14
LEVEL = 0.95


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def interval(values: Sequence[float], resamples: int = RESAMPLES, seed: int = SEED) -> tuple[float, float]:
    """The 95% percentile interval of the mean of `values` (both ends equal the mean for one value)."""
    return paired_interval(values, [0.0] * len(values), resamples, seed)


def paired_interval(a: Sequence[float], b: Sequence[float], resamples: int = RESAMPLES, seed: int = SEED) -> tuple[float, float]:
    """The 95% percentile interval of mean(a) - mean(b), resampling the case pairs together."""
    if len(a) != len(b):
        raise ValueError(f"paired values differ in length: {len(a)} and {len(b)}")
    if not a:
        return (0.0, 0.0)
    differences = [x - y for x, y in zip(a, b)]
    draw = random.Random(seed)
    count = len(differences)
    means = sorted(mean([differences[draw.randrange(count)] for _ in range(count)]) for _ in range(resamples))
    tail = (1 - LEVEL) / 2
    return means[int(tail * resamples)], means[min(resamples - 1, int((1 - tail) * resamples))]
