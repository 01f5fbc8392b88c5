"""Does a message read like a known scam? A k-nearest-neighbour vote between scam and legitimate examples.

Two sets of example messages are embedded with the search model: the advisories' example messages (the
scam side) and ``knowledge/legitimate_examples.yaml`` (the legitimate side: bank notices, one-time
codes, friends talking about index funds ...). For each window of a message, the *scam score* is the
mean cosine of its ``neighbours`` nearest scam examples and the *legitimate score* the same over the
legitimate examples. A window resembles a known scam when its scam score reaches ``floor`` and beats the
legitimate score by at least ``margin`` (a full signal) or ``hint_margin`` (a weak hint that only counts
together with another sign). Words never decide alone: a message that merely mentions money, banks or
parcels sits as close to the legitimate side as to the scam side and gets nothing.

Everything here is a pure function of vectors and numbers; :mod:`bot.core.exemplars` builds the sets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class SimilarityRule:
    """The numbers of the decision (``thresholds.similarity`` in ``red_flags.yaml``)."""

    neighbours: int = 3  # scores are the mean cosine of this many nearest examples on each side
    floor: float = 0.40  # a window less similar than this to the scam examples never counts
    margin: float = 0.09  # scam score minus legitimate score for the full signal (weight ``weight``)
    hint_margin: float = 0.05  # ... and for a weak hint (weight ``hint_weight``)
    weight: int = 2
    hint_weight: int = 1


DEFAULT_RULE = SimilarityRule()


@dataclass(frozen=True)
class Resemblance:
    """How the message's most scam-like window compares with both sides."""

    scam_score: float
    legit_score: float
    nearest_scam: int  # row of the closest scam example to that window
    nearest_legit: int  # row of the closest legitimate example to that window
    window: int

    @property
    def margin(self) -> float:
        """How much closer to the scam side than to the legitimate side (negative: closer to legitimate)."""
        return self.scam_score - self.legit_score


def nearest_mean(similarities: Matrix, k: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.intp]]:
    """Per row of a (windows × examples) cosine matrix: the mean of its ``k`` largest values, best column."""
    if similarities.shape[1] == 0:
        raise ValueError("no examples to compare with")
    k = max(1, min(k, similarities.shape[1]))
    top = np.partition(similarities, similarities.shape[1] - k, axis=1)[:, -k:]
    return top.mean(axis=1, dtype=np.float64), np.argmax(similarities, axis=1)


def resemblance(windows: Matrix, scam: Matrix, legit: Matrix, rule: SimilarityRule) -> Resemblance | None:
    """The window that leans furthest to the scam side among those reaching the floor, if any.

    ``windows``, ``scam`` and ``legit`` hold L2-normalised rows of the same model, so a dot product is a
    cosine. Without windows, scam examples or legitimate examples there is nothing to compare: ``None``.
    """
    if len(windows) == 0 or len(scam) == 0 or len(legit) == 0:
        return None
    scam_scores, scam_best = nearest_mean(windows @ scam.T, rule.neighbours)
    legit_scores, legit_best = nearest_mean(windows @ legit.T, rule.neighbours)
    margins = np.where(scam_scores >= rule.floor, scam_scores - legit_scores, -np.inf)
    window = int(np.argmax(margins))
    if not np.isfinite(margins[window]):
        return None
    return Resemblance(
        scam_score=float(scam_scores[window]),
        legit_score=float(legit_scores[window]),
        nearest_scam=int(scam_best[window]),
        nearest_legit=int(legit_best[window]),
        window=window,
    )


def resemblance_weight(found: Resemblance | None, rule: SimilarityRule) -> int:
    """The weight the resemblance adds to the verdict: ``weight``, ``hint_weight`` or 0."""
    if found is None:
        return 0
    if found.margin >= rule.margin:
        return rule.weight
    if found.margin >= rule.hint_margin:
        return rule.hint_weight
    return 0
