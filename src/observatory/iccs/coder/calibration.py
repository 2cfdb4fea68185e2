"""Turning a proposal's evidence into a calibrated confidence, and measuring calibration (ECE).

A proposal is described by :class:`Features`: its score, its margin over the best code outside its
level-2 branch, its gap to the next proposal, the score of its best text phrase, how close the nearest
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
from dataclasses import dataclass

import numpy as np

from observatory.iccs.coder.neighbours import Neighbour
from observatory.iccs.coder.proposal import Evidence, EvidenceKind


@dataclass(frozen=True)
class Features:
    """What the confidence of one proposal is computed from."""

    score: float
    margin: float  # over the best code outside this code's level-2 branch
    gap: float  # over the next proposal (first) or to the first (others, <= 0)
    phrase: float  # score of the best text phrase (index term, lexicon, title, inclusion)
    agree_code: float  # similarity of the nearest confirmed label with this code
    agree_branch: float  # ... in this code's level-2 branch
    disagree: float  # ... of the nearest confirmed label in another branch
    detailed: float  # 1 for a level-3 or level-4 code

    def vector(self) -> list[float]:
        values = (self.score, self.margin, self.gap, self.phrase, self.agree_code, self.agree_branch,
                  self.disagree, self.detailed)  # fmt: skip
        return [1.0, *(max(min(v, 3.0), -3.0) for v in values)]


WIDTH = 9
PHRASE_KINDS = frozenset(
    {EvidenceKind.index_term, EvidenceKind.lexicon, EvidenceKind.title, EvidenceKind.inclusion}
)


def features_of(
    ordered: list[tuple[str, float]], top: int, evidence: dict[str, list[Evidence]], near: list[Neighbour]
) -> list[Features]:
    """The features of the ``top`` first of the ranked ``(code, score)`` pairs."""
    out: list[Features] = []
    first = ordered[0][1] if ordered else 0.0
    for rank, (code, score) in enumerate(ordered[:top]):
        prefix = code[:4]
        outside = next((s for c, s in ordered if not c.startswith(prefix) and not prefix.startswith(c)), 0.0)
        gap = score - (ordered[1][1] if len(ordered) > 1 else 0.0) if rank == 0 else score - first
        phrase = max((e.weight for e in evidence.get(code, ()) if e.kind in PHRASE_KINDS), default=0.0)
        same = [n.similarity for n in near if n.item.code == code]
        branch = [n.similarity for n in near if n.item.code[:4] == prefix]
        other = [n.similarity for n in near if n.item.code[:4] != prefix]
        out.append(
            Features(
                score,
                score - outside,
                gap,
                phrase,
                max(same, default=0.0),
                max(branch, default=0.0),
                max(other, default=0.0),
                float(len(code) >= 5),
            )
        )
    return out


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

        def loss(w: np.ndarray) -> float:
            z = x @ w
            nll = np.logaddexp(0.0, z) - y * z
            return float(sw @ nll + 0.5 * (w - w0) @ reg @ (w - w0))

        w = w0.copy()
        current = loss(w)
        for _ in range(50):  # damped Newton: halve the step until the loss falls
            p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -40, 40)))
            grad = x.T @ (sw * (p - y)) + reg @ (w - w0)
            hess = (x * (sw * p * (1 - p))[:, None]).T @ x + reg
            step = np.linalg.solve(hess, grad)
            scale = 1.0
            while scale > 1e-4 and loss(w - scale * step) > current:
                scale /= 2
            w = w - scale * step
            previous, current = current, loss(w)
            if previous - current < 1e-8:
                break
        return cls(tuple(round(float(v), 4) for v in w))


# benchmarks/iccs_coder.py, calibration split of the index (refit there and printed).
DEFAULT = Logistic((2.3048, -1.7346, 0.1119, 0.424, 1.4143, 1.0, 1.0, -1.0, 0.837))


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
