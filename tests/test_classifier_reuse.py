"""A reload keeps the scam classifier when its training data did not change, and retrains when it did."""

from __future__ import annotations

import numpy as np

from bot.core.exemplars import training_key
from bot.core.service import FraudCore

pytest_plugins = ["telegram_fixtures"]

NEW_LABELLED = (
    '  - {id: z-reuse-1, label: legit, category: none, text: "Your dentist appointment is on Monday at 10, '
    'reply C to cancel."}\n'
)


def test_a_reload_without_new_examples_keeps_the_classifier(own_core: FraudCore) -> None:
    before = own_core.exemplars
    hotlines = own_core.settings.paths.knowledge_dir / "hotlines.yaml"
    hotlines.write_text(hotlines.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    own_core.reload()
    assert own_core.exemplars.classifier is before.classifier
    assert own_core.exemplars.training_key == before.training_key


def test_a_new_labelled_message_retrains_it(own_core: FraudCore) -> None:
    before = own_core.exemplars
    labelled = own_core.settings.paths.knowledge_dir / "labelled_messages.yaml"
    labelled.write_text(labelled.read_text(encoding="utf-8") + NEW_LABELLED, encoding="utf-8")
    report = own_core.reload()
    assert report.problems == []
    after = own_core.exemplars
    assert after.training_key != before.training_key and after.classifier is not before.classifier
    assert after.classifier is not None and before.classifier is not None
    assert after.classifier.legit_examples == before.classifier.legit_examples + 1


def test_the_key_follows_every_vector_and_the_sides() -> None:
    rows = np.eye(3, dtype=np.float32)
    assert training_key(rows[:2], rows[2:]) == training_key(rows[:2].copy(), rows[2:].copy())
    assert training_key(rows[:2], rows[2:]) != training_key(rows[:1], rows[1:])  # a row changed sides
    changed = rows.copy()
    changed[0, 0] = 0.5
    assert training_key(changed[:2], changed[2:]) != training_key(rows[:2], rows[2:])
