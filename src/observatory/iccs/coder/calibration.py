"""Turning a proposal's evidence into a calibrated confidence, and measuring calibration (ECE).

A proposal is described by :class:`Features`: its score, its margin over the best code outside its
level-2 branch, its gap to the next proposal, whether a full phrase matched, how close the nearest
confirmed label that agrees (same code, same branch) or disagrees is, and whether it is a detailed
code. A small L2-regularised logistic model maps them to the probability of being right at the
most detailed level; confidences are then made non-increasing with rank. :data:`DEFAULT` was fitted
by ``benchmarks/iccs_coder.py`` on the calibration split of the alphabetical index; in assisted mode
:meth:`Coder.learn` refits it with a leave-one-out pass over the confirmed mappings, which look like
the national labels still to code.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import astuple, dataclass

import numpy as np


@dataclass(frozen=True)
class Features:
    """What the confidence of one proposal is computed from."""

    score: float
    margin: float  # over the best code outside this code's level-2 branch
    gap: float  # over the next proposal (first) or to the first (others, <= 0)
    full_match: float  # 1 when a whole phrase (index term, lexicon entry...) matched
    agree_code: float  # similarity of the nearest confirmed label with this code
    agree_branch: float  # ... in this code's level-2 branch
    disagree: float  # ... of the nearest confirmed label in another branch
    detailed: float  # 1 for a level-3 or level-4 code

    def vector(self) -> list[float]:
        return [1.0, *(max(min(v, 3.0), -3.0) for v in astuple(self))]


WIDTH = 9


@dataclass(frozen=True)
class Logistic:
    """``p = sigmoid(w . [1, features])``."""

    weights: tuple[float, ...]

    def __call__(self, features: Features) -> float:
        z = sum(w * x for w, x in zip(self.weights, features.vector(), strict=True))
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def confidences(self, features: Sequence[Features]) -> list[float]:
        """Confidences of ranked proposals, non-increasing with rank."""
        out: list[float] = []
        for f in features:
            p = self(f)
            out.append(min(p, out[-1]) if out else p)
        return out

    @classmethod
    def fit(
        cls,
        features: Sequence[Features],
        correct: Sequence[bool],
        weights: Sequence[float] | None = None,
        prior: Logistic | None = None,
        penalty: float = 1.0,
    ) -> Logistic:
        """Maximum a posteriori fit (Newton steps), shrunk towards ``prior`` (default :data:`DEFAULT`)."""
        prior = prior or DEFAULT
        if not features:
            return prior
        x = np.array([f.vector() for f in features], dtype=float)
        y = np.array(correct, dtype=float)
        sw = np.ones(len(y)) if weights is None else np.array(weights, dtype=float)
        w0 = np.array(prior.weights, dtype=float)
        reg = penalty * np.eye(WIDTH)
        reg[0, 0] = penalty * 0.01  # the intercept is barely shrunk
        w = w0.copy()
        for _ in range(25):
            p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -40, 40)))
            grad = x.T @ (sw * (p - y)) + reg @ (w - w0)
            hess = (x * (sw * p * (1 - p))[:, None]).T @ x + reg
            step = np.linalg.solve(hess, grad)
            w -= step
            if float(np.abs(step).max()) < 1e-6:
                break
        return cls(tuple(round(float(v), 4) for v in w))


# benchmarks/iccs_coder.py, calibration split of the index (refit there and printed).
DEFAULT = Logistic((-1.5, 1.5, 1.0, 0.5, 0.5, 1.0, 1.0, -1.0, -0.3))


def expected_calibration_error(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = 10
) -> float:
    """ECE: the bin-weighted mean of |accuracy - mean confidence| over equal-width bins."""
    if not confidences:
        return 0.0
    total = len(confidences)
    error = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [i for i, p in enumerate(confidences) if (low <= p < high) or (b == bins - 1 and p == 1.0)]
        if members:
            accuracy = sum(correct[i] for i in members) / len(members)
            mean = sum(confidences[i] for i in members) / len(members)
            error += len(members) / total * abs(accuracy - mean)
    return error
