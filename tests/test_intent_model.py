"""The router's classifier: its examples file, training, the second opinion, and how the core uses it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from counting_encoder import CountingEncoder

from bot.core.intent_model import (
    INTENT_EXAMPLES_FILE,
    IntentExamples,
    build_intent_classifier,
    load_intent_examples,
    load_intent_examples_from,
    train_intent_classifier,
)
from bot.knowledge.problems import KnowledgeFileError
from bot.retrieval.embedder import Encoder

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"

EXAMPLES = IntentExamples(
    0.5,
    (
        ("paid", "I already sent them my savings"),
        ("paid", "they have got my money, I transferred it yesterday"),
        ("paid", "I gave the caller the code from my bank and now my account is empty"),
        ("paid", "my dad wired 5000 dollars to the man and he vanished"),
        ("question", "how do fake investment groups work?"),
        ("question", "is it normal to pay a tax before withdrawing profits?"),
        ("question", "what should I do if a stranger offers stock tips?"),
        ("question", "how can I tell if a trading app is real?"),
        ("greeting", "hello there"),
        ("greeting", "thanks a lot"),
        ("greeting", "good morning"),
    ),
)


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / INTENT_EXAMPLES_FILE
    path.write_text(body, encoding="utf-8")
    return path


def test_the_examples_file_loads_and_bad_entries_are_named(tmp_path: Path) -> None:
    assert load_intent_examples_from(tmp_path) is None  # optional: without it the rules route alone
    good = write(tmp_path, "min_probability: 0.6\nexamples:\n  - {intent: paid, text: 'I paid them'}\n")
    assert load_intent_examples(good) == IntentExamples(0.6, (("paid", "I paid them"),))
    bad = write(
        tmp_path,
        "min_probability: 1.5\nexamples:\n"
        "  - {intent: paid, text: 'I paid them'}\n"
        "  - {intent: worried, text: 'help'}\n",
    )
    with pytest.raises(KnowledgeFileError) as caught:
        load_intent_examples(bad)
    message = str(caught.value)
    assert "min_probability" in message and "examples[1].intent" in message
    twice = write(
        tmp_path,
        "min_probability: 0.5\nexamples:\n  - {intent: paid, text: 'I paid'}\n"
        "  - {intent: question, text: ' i PAID '}\n",
    )
    with pytest.raises(KnowledgeFileError) as caught:
        load_intent_examples(twice)
    assert "examples[1].text" in str(caught.value) and "examples[0]" in str(caught.value)


def test_the_real_examples_cover_every_intent_with_many_lines() -> None:
    examples = load_intent_examples_from(KNOWLEDGE)
    assert examples is not None and 0.0 < examples.min_probability < 1.0
    counts = {intent: sum(i == intent for i, _ in examples.examples) for intent, _ in examples.examples}
    assert set(counts) == {"question", "check", "paid", "greeting", "out_of_scope"}
    assert min(counts.values()) >= 20


def test_the_classifier_learns_intents_and_only_speaks_up_when_sure(
    encoder: Encoder,
) -> None:
    classifier = build_intent_classifier(EXAMPLES, encoder)
    assert classifier is not None and set(classifier.model.classes_) == {"paid", "question", "greeting"}
    (paid,) = encoder.encode(["they took all my money after I sent it"])
    assert classifier.predict(paid)[0] == "paid"
    assert classifier.second_opinion(paid) == "paid"
    (question,) = encoder.encode(["how do these investment scams work?"])
    assert classifier.second_opinion(question) is None  # "question" is the default, never an override
    strict = build_intent_classifier(IntentExamples(1.0, EXAMPLES.examples), encoder)
    assert strict is not None and strict.second_opinion(paid) is None
    assert build_intent_classifier(None, encoder) is None


def test_example_texts_are_encoded_once_per_process(encoder: Encoder) -> None:
    counting = CountingEncoder(encoder)
    texts = IntentExamples(0.5, tuple((i, f"{t} (memo test)") for i, t in EXAMPLES.examples))
    assert build_intent_classifier(texts, counting) is not None
    assert build_intent_classifier(IntentExamples(0.9, texts.examples[:8]), counting) is not None
    assert counting.calls == [11]  # the second build found every text already encoded


def test_intents_with_too_few_examples_are_left_out() -> None:
    vectors = np.eye(8, dtype=np.float32)
    classifier = train_intent_classifier(vectors, ["question"] * 3 + ["paid"] * 3 + ["greeting"] * 2, 0.5)
    assert classifier is not None and set(classifier.model.classes_) == {"question", "paid"}
    assert train_intent_classifier(vectors[:3], ["paid"] * 3, 0.5) is None  # nothing to tell apart
    assert train_intent_classifier(vectors[:6], ["paid"] * 3 + ["greeting"] * 3, 0.5) is None  # no question
