"""The two sides the similarity check compares a message with, as vectors of the search model.

* Scam side: every advisory's ``## Example messages`` bullets, already embedded in the search index
  (chunks of kind ``example``, embedded alone as a victim would paste them): no encoding needed.
* Legitimate side: ``knowledge/legitimate_examples.yaml`` (operator data), encoded once at load. The
  vectors are kept with a hash of the model name and the texts, and reused while neither changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import numpy as np
from pydantic import Field

from bot.core.datafile import Slug, StrictSchema, Text, read_yaml, validate
from bot.core.similarity import Matrix
from bot.knowledge.problems import KnowledgeFileError

if TYPE_CHECKING:
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
    """Both sides with their vectors (rows align with the examples)."""

    scam: tuple[ScamExample, ...]
    scam_vectors: Matrix
    legit: tuple[LegitimateExample, ...]
    legit_vectors: Matrix
    legit_key: str  # model and legitimate texts hashed: the vectors are reused while it is unchanged


def load_legitimate_examples(path: Path) -> tuple[LegitimateExample, ...]:
    """Read and validate the legitimate examples; raise ``KnowledgeFileError`` naming each bad field."""
    document = read_yaml(path)
    schema = validate(document, _ExamplesSchema)
    seen: dict[str, int] = {}
    problems = []
    for i, item in enumerate(schema.examples):
        key = " ".join(item.text.casefold().split())
        if key in seen:
            problems.append(
                document.problem(("examples", i, "text"), f"the same text as examples[{seen[key]}]")
            )
        seen.setdefault(key, i)
    if problems:
        raise KnowledgeFileError(problems)
    return tuple(LegitimateExample(e.topic, e.text) for e in schema.examples)


def load_legitimate_examples_from(knowledge_dir: Path) -> tuple[LegitimateExample, ...]:
    """:func:`load_legitimate_examples` for the file of a knowledge folder."""
    return load_legitimate_examples(knowledge_dir / LEGITIMATE_EXAMPLES_FILE)


def legit_key(model: str, examples: tuple[LegitimateExample, ...]) -> str:
    """The cache key of the legitimate vectors: the model name and every text, hashed."""
    digest = hashlib.sha256(model.encode("utf-8"))
    for example in examples:
        digest.update(b"\x00" + example.text.encode("utf-8"))
    return digest.hexdigest()


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
    previous: ExemplarSet | None = None,
) -> ExemplarSet:
    """Both sides for ``index`` and ``legit``, reusing the legitimate vectors of ``previous`` if current."""
    scam, scam_vectors = scam_examples(index)
    key = legit_key(encoder.name, legit)
    if previous is not None and previous.legit_key == key:
        legit_vectors = previous.legit_vectors
    elif legit:
        legit_vectors = encoder.encode([e.text for e in legit])
    else:
        legit_vectors = np.zeros((0, encoder.dimension), dtype=np.float32)
    return ExemplarSet(scam, scam_vectors, legit, legit_vectors, key)
