"""The trained scam classifier saved in the index folder: read back exactly, keyed by its examples."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import pytest
from test_similarity import LEGIT, SCAM, around

import bot.core.classifier_store as store_module
from bot.core.classifier_store import (
    classifier_path,
    load_classifier,
    prune,
    save_classifier,
    store_key,
    stored_or_trained,
)
from bot.core.exemplars import LegitimateExample, build_exemplars, training_key
from bot.core.service import FraudCore
from bot.core.similarity import ScamClassifier, train_classifier
from bot.retrieval.search import Searcher

PROBE = around((0.6, 0.6, 0.2), 8, seed=3)


def trained() -> tuple[ScamClassifier, str]:
    classifier = train_classifier(SCAM, LEGIT)
    assert classifier is not None
    return classifier, training_key(SCAM, LEGIT)


def test_a_saved_classifier_reads_back_with_the_same_probabilities(tmp_path: Path) -> None:
    classifier, key = trained()
    path = save_classifier(tmp_path, key, classifier)
    assert path == classifier_path(tmp_path, key) and path.suffix == ".npz"
    assert not list(tmp_path.glob("*.tmp"))  # written under another name, then renamed
    loaded = load_classifier(tmp_path, key)
    assert loaded is not None and loaded.model is None
    assert (loaded.scam_examples, loaded.legit_examples) == (12, 12)
    np.testing.assert_array_equal(loaded.scam_probability(PROBE), classifier.scam_probability(PROBE))


def test_other_examples_have_another_key_and_find_nothing(tmp_path: Path) -> None:
    classifier, key = trained()
    save_classifier(tmp_path, key, classifier)
    other = training_key(SCAM[:-1], LEGIT)
    assert store_key(other) != store_key(key)
    assert load_classifier(tmp_path, other) is None
    assert load_classifier(tmp_path / "missing", key) is None


def test_an_unreadable_file_is_ignored_and_replaced_by_a_fresh_training(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    classifier, key = trained()
    classifier_path(tmp_path, key).write_bytes(b"not a numpy archive")
    with caplog.at_level(logging.WARNING):
        assert load_classifier(tmp_path, key) is None
    assert "unreadable saved classifier" in caplog.text
    rebuilt = stored_or_trained(SCAM, LEGIT, key, tmp_path)
    assert rebuilt is not None and rebuilt.model is not None  # trained, then saved over the bad file
    again = load_classifier(tmp_path, key)
    assert again is not None
    np.testing.assert_array_equal(again.scam_probability(PROBE), classifier.scam_probability(PROBE))


def test_arrays_that_do_not_fit_together_are_ignored(tmp_path: Path) -> None:
    classifier, key = trained()
    path = save_classifier(tmp_path, key, classifier)
    with np.load(path) as saved:
        arrays = dict(saved)
    arrays["coef"] = arrays["coef"][:-1]
    with path.open("wb") as file:
        np.savez(file, **arrays)
    assert load_classifier(tmp_path, key) is None


def test_only_the_newest_saved_classifiers_are_kept(tmp_path: Path) -> None:
    for age, name in enumerate(["a", "b", "c", "d"]):
        path = tmp_path / f"scam-{name}.npz"
        path.write_bytes(b"x")
        os.utime(path, (1_000_000 + age, 1_000_000 + age))
    (tmp_path / "other.npz").write_bytes(b"x")
    prune(tmp_path, keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.npz", "scam-c.npz", "scam-d.npz"]


def test_a_read_only_folder_costs_a_training_not_a_failure(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    with caplog.at_level(logging.WARNING):
        classifier = stored_or_trained(SCAM, LEGIT, training_key(SCAM, LEGIT), blocker / "classifiers")
    assert classifier is not None and "could not save the trained classifier" in caplog.text


def test_a_second_build_with_the_same_examples_reads_the_saved_classifier(
    searcher: Searcher, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build_exemplars(searcher.index, (), searcher.encoder, store=tmp_path)
    assert first.classifier is None  # the fixture knowledge alone has no legitimate side: nothing saved
    legit = tuple(LegitimateExample("a", f"Order {n} has shipped.") for n in range(6))
    built = build_exemplars(searcher.index, legit, searcher.encoder, store=tmp_path)
    assert built.classifier is not None and built.classifier.model is not None
    assert len(list(tmp_path.glob("scam-*.npz"))) == 1

    def no_training(*_: object) -> None:
        raise AssertionError("trained again although the examples did not change")

    monkeypatch.setattr(store_module, "train_classifier", no_training)
    again = build_exemplars(searcher.index, legit, searcher.encoder, store=tmp_path)
    assert again.classifier is not None and again.classifier.model is None
    assert again.training_key == built.training_key
    vectors = built.scam_vectors[:5]
    np.testing.assert_array_equal(
        again.classifier.scam_probability(vectors), built.classifier.scam_probability(vectors)
    )


def test_the_core_saves_its_classifier_in_its_classifier_folder(core: FraudCore) -> None:
    folder = core.settings.paths.classifier_dir
    classifier = core.exemplars.classifier
    assert classifier is not None
    assert classifier_path(folder, core.exemplars.training_key).is_file()
    restarted = FraudCore.load(core.settings, encoder=core.searcher.encoder)
    assert restarted.exemplars.classifier is not None and restarted.exemplars.classifier.model is None
    probe = core.exemplars.scam_vectors[:5]
    np.testing.assert_array_equal(
        restarted.exemplars.classifier.scam_probability(probe), classifier.scam_probability(probe)
    )
