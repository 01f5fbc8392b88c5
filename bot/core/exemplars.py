"""The two sides the similarity check learns from, as vectors of the search model, and its classifier.

* Scam side: every advisory's ``## Example messages`` bullets, already embedded in the search index
  (chunks of kind ``example``, embedded alone as a victim would paste them): no encoding needed; plus
  the scams of ``knowledge/labelled_messages.yaml``.
* Legitimate side: ``knowledge/legitimate_examples.yaml`` plus the legitimate messages of
  ``labelled_messages.yaml`` (operator data).

The operator files' messages are encoded at load, each distinct text once per process and model
(:data:`~bot.retrieval.cache.OPERATOR_TEXTS`); the classifier is trained afresh when an example changes,
or read back from the index folder (:mod:`bot.core.classifier_store`). The legitimate messages that
mention scams, against the scam side, also train the small "talks about scams" model
(:mod:`bot.core.about_scams`; under a second, kept on a reload that changed no example and no term).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import numpy as np
import numpy.typing as npt
from pydantic import Field

from bot.core.about_scams import AboutScamsModel, train_about_scams
from bot.core.classifier_store import stored_or_trained
from bot.core.datafile import Slug, StrictSchema, Text, read_yaml, repeated_texts, validate
from bot.core.flag_matching import scam_mention
from bot.core.labelled import LabelledMessage
from bot.core.similarity import Matrix, ScamClassifier
from bot.knowledge.problems import KnowledgeFileError
from bot.retrieval.cache import OPERATOR_TEXTS

if TYPE_CHECKING:
    from bot.core.flag_model import RedFlagSet
    from bot.retrieval.embedder import Encoder
    from bot.retrieval.search import SearchIndex

LEGITIMATE_EXAMPLES_FILE = "legitimate_examples.yaml"
EXAMPLE_KIND = "example"


class _ExampleSchema(StrictSchema):
    topic: Slug
    text: Text


class _ExamplesSchema(StrictSchema):
    examples: Annotated[list[_ExampleSchema], Field(min_length=1)]


@dataclass(frozen=True)
class LegitimateExample:
    """A message that is not a scam but talks about what scams talk about."""

    topic: str
    text: str


@dataclass(frozen=True)
class ScamExample:
    """An advisory's example scam message, with the advisory it comes from."""

    advisory_id: str
    title: str
    category: str
    text: str


@dataclass(frozen=True)
class ExemplarSet:
    """The advisories' example messages with their vectors, the operator files' vectors, the classifier."""

    scam: tuple[ScamExample, ...]
    scam_vectors: Matrix  # rows align with ``scam``
    operator_vectors: Matrix  # legitimate examples, then labelled messages, in file order
    classifier: ScamClassifier | None  # None when a side has too few examples to learn from
    training_key: str = ""  # a hash of both sides' vectors: the same key, the same classifier
    about_scams: AboutScamsModel | None = None  # tells messages about scams from scams
    about_scams_key: str = ""  # ``training_key`` and the terms: the same key, the same model


def load_legitimate_examples(path: Path) -> tuple[LegitimateExample, ...]:
    """Read and validate the legitimate examples; raise ``KnowledgeFileError`` naming each bad field."""
    document = read_yaml(path)
    schema = validate(document, _ExamplesSchema)
    problems = repeated_texts(document, "examples", [e.text for e in schema.examples])
    if problems:
        raise KnowledgeFileError(problems)
    return tuple(LegitimateExample(e.topic, e.text) for e in schema.examples)


def load_legitimate_examples_from(knowledge_dir: Path) -> tuple[LegitimateExample, ...]:
    """:func:`load_legitimate_examples` for the file of a knowledge folder."""
    return load_legitimate_examples(knowledge_dir / LEGITIMATE_EXAMPLES_FILE)


def scam_examples(index: SearchIndex) -> tuple[tuple[ScamExample, ...], Matrix]:
    """The advisories' example messages in the index, with their vectors (copied out of the index)."""
    rows = [row for row, chunk in enumerate(index.chunks) if chunk.kind == EXAMPLE_KIND]
    examples = tuple(
        ScamExample(
            advisory_id=index.chunks[row].advisory_id,
            title=str(index.advisories[index.chunks[row].advisory_id]["title"]),
            category=str(index.advisories[index.chunks[row].advisory_id]["category"]),
            text=index.chunks[row].text,
        )
        for row in rows
    )
    vectors = np.asarray(index.vectors[rows], dtype=np.float32).reshape(len(rows), -1)
    return examples, vectors


def build_exemplars(
    index: SearchIndex,
    legit: tuple[LegitimateExample, ...],
    encoder: Encoder,
    labelled: tuple[LabelledMessage, ...] = (),
    previous: ExemplarSet | None = None,
    store: Path | None = None,
    flags: RedFlagSet | None = None,
) -> ExemplarSet:
    """Both sides for ``index``, ``legit`` and ``labelled``, and the classifier trained on them.

    When both sides are exactly those ``previous`` was trained on (a reload after an edit that changed
    no example message), its classifier is kept: training takes seconds. With a ``store`` folder, a
    classifier saved there for the same sides is read instead of trained, and a new one is saved. With
    ``flags``, the legitimate messages that contain one of its ``about_scams_terms`` train the "talks
    about scams" model against the scam side (``previous``'s is kept when the sides and terms are the same).
    """
    scam, scam_vectors = scam_examples(index)
    texts, is_scam = operator_texts(legit, labelled)
    operator_vectors = OPERATOR_TEXTS.encode(encoder, texts)
    scam_side = scam_side_vectors(scam_vectors, operator_vectors, is_scam)
    legit_side = operator_vectors[~is_scam]
    key = training_key(scam_side, legit_side)
    if previous is not None and previous.training_key == key:
        classifier = previous.classifier
    else:
        classifier = stored_or_trained(scam_side, legit_side, key, store)
    about_key = about_scams_key(key, flags)
    if previous is not None and previous.about_scams_key == about_key:
        about = previous.about_scams
    else:
        about = about_scams_model(texts, is_scam, operator_vectors, scam_side, flags)
    return ExemplarSet(scam, scam_vectors, operator_vectors, classifier, key, about, about_key)


def operator_texts(
    legit: tuple[LegitimateExample, ...], labelled: tuple[LabelledMessage, ...]
) -> tuple[list[str], npt.NDArray[np.bool_]]:
    """The operator files' texts in the order of ``ExemplarSet.operator_vectors``, and which are scams."""
    texts = [e.text for e in legit] + [m.text for m in labelled]
    return texts, np.array([False] * len(legit) + [m.label == "scam" for m in labelled], dtype=bool)


def scam_side_vectors(
    scam_vectors: Matrix, operator_vectors: Matrix, is_scam: npt.NDArray[np.bool_]
) -> Matrix:
    """What both classifiers learn as scams: the advisories' example messages, then the operator's scams."""
    return np.vstack([scam_vectors, operator_vectors[is_scam]])


def about_scams_model(
    texts: list[str],
    is_scam: npt.NDArray[np.bool_],
    vectors: Matrix,
    scam_side: Matrix,
    flags: RedFlagSet | None,
) -> AboutScamsModel | None:
    """The "talks about scams" model: the legitimate ``texts`` that contain one of ``flags``'
    ``about_scams_terms`` (their rows of ``vectors``) against ``scam_side``; ``None`` without ``flags``
    or with too few of either."""
    if flags is None:
        return None
    talks = [not s and scam_mention(t, flags) is not None for t, s in zip(texts, is_scam, strict=True)]
    return train_about_scams(vectors[np.array(talks, dtype=bool)], scam_side)


def about_scams_key(training: str, flags: RedFlagSet | None) -> str:
    """A hash of the sides' ``training`` key and the terms that pick the messages about scams."""
    terms = [] if flags is None else [term.source for term in flags.about_scams_terms]
    return hashlib.sha256("\n".join([training, *terms]).encode()).hexdigest()


def training_key(scam: Matrix, legit: Matrix) -> str:
    """A hash of the two sides' vectors, in order (equal keys: the same training data)."""
    digest = hashlib.sha256()
    for side in (scam, legit):
        rows = np.ascontiguousarray(side, dtype=np.float32)
        digest.update(str(rows.shape).encode())
        digest.update(rows.tobytes())
    return digest.hexdigest()
