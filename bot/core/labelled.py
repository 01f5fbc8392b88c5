"""Labelled messages: scams and legitimate messages with their label, for training and measuring the check.

One format serves two files: ``knowledge/labelled_messages.yaml`` (operator data the scam classifier of
:mod:`bot.core.similarity` learns from, e.g. messages reported to the operator) and the measuring sets in
``tests/eval/messages*.yaml`` (:mod:`bot.core.eval_messages`). Each message has an ``id``, a ``label``
(``scam`` or ``legit``), a ``category`` (a slug of ``categories.yaml`` for scams, ``none`` for legitimate
messages) and its ``text``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from bot.core.datafile import Slug, StrictSchema, Text, read_yaml, repeated_texts, validate
from bot.knowledge.problems import KnowledgeFileError

LABELLED_MESSAGES_FILE = "labelled_messages.yaml"
NO_CATEGORY = "none"


class _MessageSchema(StrictSchema):
    id: Slug
    label: Literal["scam", "legit"]
    category: Slug
    text: Text


class _MessagesSchema(StrictSchema):
    messages: Annotated[list[_MessageSchema], Field(min_length=1)]


@dataclass(frozen=True)
class LabelledMessage:
    """One message with its label."""

    id: str
    label: str  # "scam" or "legit"
    category: str  # a category slug, or "none" for legitimate messages
    text: str


def load_messages(path: Path, categories: Collection[str] | None = None) -> list[LabelledMessage]:
    """Read and validate a labelled messages file; raise ``KnowledgeFileError`` naming each bad field."""
    document = read_yaml(path)
    schema = validate(document, _MessagesSchema)
    problems = repeated_texts(document, "messages", [m.text for m in schema.messages])
    seen_ids: set[str] = set()
    for i, item in enumerate(schema.messages):
        if item.id in seen_ids:
            problems.append(document.problem(("messages", i, "id"), f"the id '{item.id}' is used twice"))
        seen_ids.add(item.id)
        known = categories is None or item.category in categories
        if item.label == "scam" and (item.category == NO_CATEGORY or not known):
            problems.append(
                document.problem(
                    ("messages", i, "category"),
                    f"a scam needs a category from categories.yaml (got '{item.category}')",
                )
            )
        if item.label == "legit" and item.category != NO_CATEGORY:
            problems.append(
                document.problem(("messages", i, "category"), "a legit message has category: none")
            )
    if problems:
        raise KnowledgeFileError(problems)
    return [LabelledMessage(m.id, m.label, m.category, m.text) for m in schema.messages]


def load_labelled_messages_from(
    knowledge_dir: Path, categories: Collection[str] | None = None
) -> tuple[LabelledMessage, ...]:
    """The knowledge folder's ``labelled_messages.yaml``; none when the folder has no such file."""
    path = knowledge_dir / LABELLED_MESSAGES_FILE
    return tuple(load_messages(path, categories)) if path.exists() else ()
