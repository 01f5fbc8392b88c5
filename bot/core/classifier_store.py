"""The trained scam classifier, saved in the index folder (or ``FRAUDBOT_CLASSIFIER_CACHE_DIR``): a start with
unchanged examples skips training.

Training the calibrated support-vector machine on the bundled ~15,200 examples takes 1-2.5 min on two
cores (by the hour's speed of this host), and every start, every test process and every reload that
changes an example would pay it again.
The trained model is only arrays (:class:`~bot.core.similarity.SigmoidRbf`), so it is saved with NumPy
(no pickle) under a key that covers both sides' vectors, the training settings and scikit-learn's
version: any change to an example, to the model or to the library gives another key, so a stale model is
never read. The newest few files are kept; an unreadable one is ignored (and trained afresh).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import sklearn

from bot.core.similarity import CALIBRATION_FOLDS, SVM_C, Matrix, ScamClassifier, SigmoidRbf, train_classifier
from bot.retrieval.cache import save_arrays

logger = logging.getLogger(__name__)

KEEP_FILES = 3  # the newest saved classifiers kept (an operator's edits each make a new one)
FORMAT = 1  # bump when the saved arrays change
_SCORER_FIELDS = tuple(field.name for field in fields(SigmoidRbf))  # saved as they are
_COUNTS = ("scam_examples", "legit_examples")  # saved beside the scorer's fields


def store_key(training_key: str) -> str:
    """The file key for a classifier trained on ``training_key``'s vectors with today's settings."""
    recipe = f"{training_key}|C={SVM_C}|folds={CALIBRATION_FOLDS}|sklearn={sklearn.__version__}|v{FORMAT}"
    return hashlib.sha256(recipe.encode()).hexdigest()[:24]


def classifier_path(folder: Path, training_key: str) -> Path:
    """Where the classifier for ``training_key`` is saved in ``folder``."""
    return folder / f"scam-{store_key(training_key)}.npz"


def load_classifier(folder: Path, training_key: str) -> ScamClassifier | None:
    """The saved classifier for ``training_key``, or ``None`` when there is none or it cannot be read."""
    path = classifier_path(folder, training_key)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as saved:
            values = {name: np.asarray(saved[name], dtype=np.float64) for name in (*_SCORER_FIELDS, *_COUNTS)}
    except (OSError, ValueError, KeyError, EOFError) as exc:
        logger.warning("ignoring the unreadable saved classifier %s (%s); training afresh", path.name, exc)
        return None
    if values["support"].ndim != 2 or len(values["support"]) != len(values["coef"]):
        logger.warning("ignoring the saved classifier %s: its arrays do not fit together", path.name)
        return None
    with contextlib.suppress(OSError):  # a read-only index folder: still usable, just not marked as used
        os.utime(path)  # recently used: kept by the pruning below
    scorer_fields: dict[str, Any] = {name: _unboxed(values[name]) for name in _SCORER_FIELDS}
    scorer = SigmoidRbf(**scorer_fields)
    return ScamClassifier(None, scorer, *(int(values[name]) for name in _COUNTS))


def stored_or_trained(scam: Matrix, legit: Matrix, key: str, store: Path | None) -> ScamClassifier | None:
    """The classifier saved in ``store`` for ``key``, else one trained on the sides (and saved there)."""
    classifier = load_classifier(store, key) if store is not None else None
    if classifier is not None:
        return classifier
    classifier = train_classifier(scam, legit)
    if classifier is not None and store is not None:
        try:
            save_classifier(store, key, classifier)
        except OSError as exc:  # a read-only index folder costs the next start a training, nothing more
            logger.warning("could not save the trained classifier in %s: %s", store, exc)
    return classifier


def save_classifier(folder: Path, training_key: str, classifier: ScamClassifier) -> Path:
    """Save ``classifier`` for ``training_key`` (whole or not at all) and prune the oldest files."""
    path = classifier_path(folder, training_key)
    save_arrays(
        path,
        **asdict(classifier.scorer),
        scam_examples=classifier.scam_examples,
        legit_examples=classifier.legit_examples,
    )
    prune(folder, keep=KEEP_FILES)
    return path


def prune(folder: Path, *, keep: int) -> None:
    """Delete all but the ``keep`` most recently used saved classifiers in ``folder``."""
    saved = sorted(folder.glob("scam-*.npz"), key=_last_used, reverse=True)
    for old in saved[keep:]:
        old.unlink(missing_ok=True)


def _last_used(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:  # removed by another process meanwhile
        return 0.0


def _unboxed(value: npt.NDArray[np.float64]) -> Any:
    return value if value.ndim else float(value)  # numbers were saved as 0-d arrays
