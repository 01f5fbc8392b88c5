"""Checklist files (``knowledge/checklists/*.yaml``): the schema, the loaded form and its validation."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field

from bot.core.datafile import Slug, StrictSchema, Text, YamlDocument, content_hash, read_yaml, validate
from bot.core.results import Risk
from bot.knowledge.problems import KnowledgeFileError, Problem

# An encoded state is "tag.version.answers" = 12 + one char per question; 28 keeps it within 40 bytes.
MAX_QUESTIONS = 28
LEVEL_ORDER: dict[str, int] = {"low": 0, "medium": 1, "high": 2}

Weight = Annotated[float, Field(gt=0, le=10)]


class _StageSchema(StrictSchema):
    id: Slug
    label: Text
    advice: Text


class _QuestionSchema(StrictSchema):
    id: Slug
    stage: Slug
    text: Text
    weight: Weight
    why: Text
    red_flag: Slug | None = None


class _VerdictSchema(StrictSchema):
    level: Risk
    min_score: Annotated[float, Field(ge=0)]
    text: Text


class _ChecklistSchema(StrictSchema):
    id: Slug
    title: Text
    category: Slug
    intro: Text
    stages: Annotated[list[_StageSchema], Field(min_length=1)]
    questions: Annotated[list[_QuestionSchema], Field(min_length=1, max_length=MAX_QUESTIONS)]
    verdicts: Annotated[list[_VerdictSchema], Field(min_length=1)]


@dataclass(frozen=True)
class Stage:
    """A stage of the scam, in the order it unfolds, with advice for someone who reached it."""

    id: str
    label: str
    advice: str


@dataclass(frozen=True)
class Question:
    """One yes / no / not sure question; a "yes" adds ``weight`` to the score, "not sure" half."""

    id: str
    stage: str
    text: str
    weight: float
    why: str
    red_flag: str | None


@dataclass(frozen=True)
class Verdict:
    """What a score of at least ``min_score`` means."""

    level: Risk
    min_score: float
    text: str


@dataclass(frozen=True)
class Checklist:
    """A loaded checklist; ``version`` is a short hash of its content, so edits make old states stale."""

    id: str
    title: str
    category: str
    intro: str
    stages: tuple[Stage, ...]
    questions: tuple[Question, ...]
    verdicts: tuple[Verdict, ...]  # highest min_score first
    version: str

    @property
    def tag(self) -> str:
        """Four characters that stand for the id inside an encoded state."""
        return checklist_tag(self.id)

    @property
    def max_score(self) -> float:
        """The score when every answer is "yes"."""
        return sum(question.weight for question in self.questions)


def checklist_tag(checklist_id: str) -> str:
    """A short, stable stand-in for a checklist id: four lowercase base32 characters."""
    digest = hashlib.sha256(checklist_id.encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii")[:4].lower()


def load_checklist(
    path: Path,
    *,
    categories: Collection[str] | None = None,
    red_flags: Collection[str] | None = None,
) -> Checklist:
    """Load and validate one checklist file; raise ``KnowledgeFileError`` listing every problem.

    ``categories`` and ``red_flags`` are the known slugs; when given, the file must use only those.
    """
    document = read_yaml(path)
    schema = validate(document, _ChecklistSchema)
    problems = _cross_check(document, schema, categories, red_flags)
    if problems:
        raise KnowledgeFileError(problems)
    return Checklist(
        id=schema.id,
        title=schema.title,
        category=schema.category,
        intro=schema.intro,
        stages=tuple(Stage(s.id, s.label, s.advice) for s in schema.stages),
        questions=tuple(
            Question(q.id, q.stage, q.text, q.weight, q.why, q.red_flag) for q in schema.questions
        ),
        verdicts=tuple(
            Verdict(v.level, v.min_score, v.text)
            for v in sorted(schema.verdicts, key=lambda v: v.min_score, reverse=True)
        ),
        version=content_hash(document.data),
    )


def _cross_check(
    document: YamlDocument,
    schema: _ChecklistSchema,
    categories: Collection[str] | None,
    red_flags: Collection[str] | None,
) -> list[Problem]:
    """Rules that span fields: unique ids, known stages, verdicts that can all be reached."""
    problems: list[Problem] = []
    if schema.id != document.path.stem:
        problems.append(document.problem(("id",), f"must match the file name '{document.path.stem}'"))
    if categories is not None and schema.category not in categories:
        problems.append(document.problem(("category",), f"unknown category '{schema.category}'"))
    for section, ids in (
        ("stages", [stage.id for stage in schema.stages]),
        ("questions", [question.id for question in schema.questions]),
    ):
        for index, item_id in enumerate(ids):
            if item_id in ids[:index]:
                problems.append(document.problem((section, index, "id"), f"duplicate id '{item_id}'"))
    stage_ids = {stage.id for stage in schema.stages}
    for index, question in enumerate(schema.questions):
        if question.stage not in stage_ids:
            problems.append(
                document.problem(("questions", index, "stage"), f"unknown stage '{question.stage}'")
            )
        if red_flags is not None and question.red_flag is not None and question.red_flag not in red_flags:
            problems.append(
                document.problem(("questions", index, "red_flag"), f"unknown red flag '{question.red_flag}'")
            )
    return problems + _verdict_problems(document, schema)


def _verdict_problems(document: YamlDocument, schema: _ChecklistSchema) -> list[Problem]:
    problems: list[Problem] = []
    max_score = sum(question.weight for question in schema.questions)
    seen_levels: set[str] = set()
    for index, verdict in enumerate(schema.verdicts):
        if verdict.level in seen_levels:
            problems.append(
                document.problem(("verdicts", index, "level"), f"duplicate level '{verdict.level}'")
            )
        seen_levels.add(verdict.level)
        if verdict.min_score > max_score:
            problems.append(
                document.problem(
                    ("verdicts", index, "min_score"),
                    f"{verdict.min_score:g} is more than the highest possible score {max_score:g}",
                )
            )
    if not any(verdict.min_score == 0 for verdict in schema.verdicts):
        problems.append(
            document.problem(("verdicts",), "one verdict needs min_score 0 so every answer gets one")
        )
    ranked = sorted(schema.verdicts, key=lambda v: v.min_score)
    if [LEVEL_ORDER[v.level] for v in ranked] != sorted(LEVEL_ORDER[v.level] for v in ranked):
        problems.append(document.problem(("verdicts",), "a higher level needs a higher min_score"))
    return problems


def load_checklists(
    folder: Path,
    *,
    categories: Collection[str] | None = None,
    red_flags: Collection[str] | None = None,
) -> tuple[dict[str, Checklist], list[Problem]]:
    """Load every ``*.yaml`` checklist in a folder; a broken file is skipped and its problems reported."""
    checklists: dict[str, Checklist] = {}
    problems: list[Problem] = []
    tags: dict[str, str] = {}
    if not folder.is_dir():
        return checklists, [Problem(folder, "(folder)", "the checklists folder does not exist")]
    for path in sorted(folder.glob("*.yml")):
        problems.append(Problem(path, "(file)", "checklist files must end in .yaml; this one was skipped"))
    for path in sorted(folder.glob("*.yaml")):
        try:
            checklist = load_checklist(path, categories=categories, red_flags=red_flags)
        except KnowledgeFileError as exc:
            problems += exc.problems
            continue
        if checklist.tag in tags:
            clash = tags[checklist.tag]
            problems.append(Problem(path, "id", f"rename it: its short tag clashes with checklist '{clash}'"))
            continue
        checklists[checklist.id] = checklist
        tags[checklist.tag] = checklist.id
    return checklists, problems
