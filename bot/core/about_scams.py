"""Messages *about* scams: a police alert, a news story, a victim warning others, a relative saying "that
was a scam, don't reply".

Such a message names the same warning signs a scam shows, and the scam check's classifier, which learned
scams against everyday messages, often finds it scam-like too. A second, small model tells the two apart:
logistic regression over the same sentence vectors, trained on the legitimate operator messages that
mention scams (``about_scams_terms`` in ``red_flags.yaml``) against the whole scam side. Scams that mention
scams themselves (a worried victim asking "is this a scam?", a fake bank's "fraud team") are on the scam
side, so the model learns the difference rather than the word.

The check (:mod:`bot.core.checks`) lowers a message only when it mentions scams in those terms, nothing in
its links, numbers or wallets is suspect, and the message as a whole (the mean of its windows' vectors)
reads as talk about scams with at least ``thresholds.similarity.about_scams_above``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression

from bot.core.similarity import Matrix

ABOUT_SCAMS_C = 2.0  # the regularisation; chosen leaving batches out, with the threshold (red_flags.yaml)
MIN_EXAMPLES = 5  # fewer messages about scams than this: no model


@dataclass(frozen=True)
class AboutScamsModel:
    """A trained "talks about scams" versus "is a scam" model, as the arrays of its linear decision."""

    coef: npt.NDArray[np.float64]
    intercept: float
    about_examples: int  # how many messages about scams it learned from
    scam_examples: int

    def probability(self, windows: Matrix) -> float:
        """The probability that the message of these window vectors talks about scams rather than is one,
        read from their mean (re-normalised, as the model's training vectors are); 0.0 without windows."""
        mean = np.asarray(windows, dtype=np.float64).mean(axis=0) if len(windows) else None
        norm = float(np.linalg.norm(mean)) if mean is not None else 0.0
        if mean is None or norm == 0.0:
            return 0.0
        decision = float(mean @ self.coef) / norm + self.intercept
        return 0.5 * (1.0 + math.tanh(decision / 2.0))  # the logistic function, without overflow


def train_about_scams(about: Matrix, scams: Matrix, c: float = ABOUT_SCAMS_C) -> AboutScamsModel | None:
    """Train on vectors of messages about scams and of scams; ``None`` when either side is too small."""
    if len(about) < MIN_EXAMPLES or len(scams) < MIN_EXAMPLES:
        return None
    vectors = np.vstack([about, scams]).astype(np.float64)
    labels = np.concatenate([np.ones(len(about), dtype=np.int8), np.zeros(len(scams), dtype=np.int8)])
    model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(vectors, labels)
    coef = np.asarray(model.coef_[0], dtype=np.float64)
    return AboutScamsModel(coef, float(model.intercept_[0]), len(about), len(scams))


def about_scams_probability(windows: Matrix, model: AboutScamsModel | None) -> float | None:
    """:meth:`AboutScamsModel.probability` of ``windows``, or ``None`` without a model."""
    return model.probability(windows) if model is not None else None
