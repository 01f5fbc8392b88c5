"""The router's second opinion: which intent a message reads like, learned from labelled examples.

The phrase rules of ``intents.yaml`` (:mod:`bot.core.routing`) are precise but only know the words they
list; when they find nothing they call a message a question. Then this classifier, trained on
``knowledge/intent_examples.yaml`` with the search model's sentence vectors, may name another intent:
"I gave them the code from my bank" is a payment report although no listed phrase says "paid".
It only overrides the default, never a rule, and only when it is at least ``min_probability`` sure.

The model is a multinomial logistic regression (scikit-learn); it trains in well under a second, so it
is trained afresh whenever the knowledge changes, and nothing learned is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, get_args

import numpy as np
import numpy.typing as npt
from pydantic import Field
from sklearn.linear_model import LogisticRegression

from bot.core.datafile import StrictSchema, Text, read_yaml, repeated_texts, validate
from bot.core.results import Intent
from bot.knowledge.problems import KnowledgeFileError
from bot.retrieval.cache import OPERATOR_TEXTS

if TYPE_CHECKING:
    from bot.retrieval.embedder import Encoder

INTENT_EXAMPLES_FILE = "intent_examples.yaml"
INTENTS: tuple[str, ...] = get_args(Intent)
REGULARISATION_C = 10.0  # chosen on routing batch A (tests/eval/routing_fresh_a.yaml) with C=1 and C=10
MIN_PER_INTENT = 3  # an intent with fewer examples is not learned (the classifier never names it)

Matrix = npt.NDArray[np.float32]


class _ExampleSchema(StrictSchema):
    intent: Literal["question", "check", "paid", "greeting", "out_of_scope"]
    text: Text


class _ExamplesSchema(StrictSchema):
    min_probability: Annotated[float, Field(ge=0.0, le=1.0)]
    examples: Annotated[list[_ExampleSchema], Field(min_length=1)]


@dataclass(frozen=True)
class IntentExamples:
    """The labelled examples and how sure the classifier must be to override the rules."""

    min_probability: float
    examples: tuple[tuple[str, str], ...]  # (intent, text)


def load_intent_examples(path: Path) -> IntentExamples:
    """Read and validate ``intent_examples.yaml``; raise ``KnowledgeFileError`` naming each bad field."""
    document = read_yaml(path)
    schema = validate(document, _ExamplesSchema)
    problems = repeated_texts(document, "examples", [e.text for e in schema.examples])
    if problems:
        raise KnowledgeFileError(problems)
    return IntentExamples(schema.min_probability, tuple((e.intent, e.text) for e in schema.examples))


def load_intent_examples_from(knowledge_dir: Path) -> IntentExamples | None:
    """The knowledge folder's ``intent_examples.yaml``; ``None`` when it has none (rules only)."""
    path = knowledge_dir / INTENT_EXAMPLES_FILE
    return load_intent_examples(path) if path.exists() else None


@dataclass(frozen=True)
class IntentClassifier:
    """A trained intent classifier of sentence vectors."""

    model: LogisticRegression
    min_probability: float

    def predict(self, vector: npt.NDArray[np.float32]) -> tuple[Intent, float]:
        """The most likely intent of one encoded message, with its probability."""
        probabilities = self.model.predict_proba(vector.reshape(1, -1))[0]
        best = int(np.argmax(probabilities))
        intent: Intent = self.model.classes_[best]
        return intent, float(probabilities[best])

    def probability(self, vector: npt.NDArray[np.float32], intent: Intent) -> float:
        """How likely one encoded message is ``intent`` (0 for an intent the classifier never learned)."""
        classes = list(self.model.classes_)
        if intent not in classes:
            return 0.0
        return float(self.model.predict_proba(vector.reshape(1, -1))[0][classes.index(intent)])

    def second_opinion(self, vector: npt.NDArray[np.float32]) -> Intent | None:
        """An intent other than "question" when the classifier is sure enough of it, else ``None``."""
        intent, probability = self.predict(vector)
        return intent if intent != "question" and probability >= self.min_probability else None


def train_intent_classifier(
    vectors: Matrix, intents: list[str], min_probability: float
) -> IntentClassifier | None:
    """Train on encoded examples; intents with too few examples are left out. ``None`` when fewer than
    two intents (one of them "question") remain."""
    counts = {intent: intents.count(intent) for intent in INTENTS}
    keep = np.array([counts[intent] >= MIN_PER_INTENT for intent in intents], dtype=bool)
    learned = {intent for intent, n in counts.items() if n >= MIN_PER_INTENT}
    if "question" not in learned or len(learned) < 2:
        return None
    model = LogisticRegression(C=REGULARISATION_C, max_iter=5000)
    model.fit(vectors[keep], np.array(intents)[keep])
    return IntentClassifier(model, min_probability)


def build_intent_classifier(examples: IntentExamples | None, encoder: Encoder) -> IntentClassifier | None:
    """Encode the examples (each distinct text once per process) and train the classifier on them."""
    if examples is None:
        return None
    vectors = OPERATOR_TEXTS.encode(encoder, [text for _, text in examples.examples])
    intents = [intent for intent, _ in examples.examples]
    return train_intent_classifier(vectors, intents, examples.min_probability)
