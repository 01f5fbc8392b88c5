"""The labelled retrieval dev set (``tests/eval/questions/*.yaml``) and its quality metrics."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core.answers import compose_answer
from bot.core.results import Answer
from bot.core.service import ANSWER_HITS
from bot.retrieval.hits import SearchHit
from bot.retrieval.search import Searcher


@dataclass(frozen=True)
class DevQuestion:
    """A question and the advisory ids that answer it."""

    id: str
    question: str
    advisory_ids: tuple[str, ...]


def load_dev_questions(folder: Path) -> list[DevQuestion]:
    """Every question of every YAML file in ``folder``."""
    questions = []
    for path in sorted(folder.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            questions.append(DevQuestion(str(item["id"]), str(item["question"]), tuple(item["advisory_ids"])))
    return questions


def advisory_ranking(hits: Sequence[SearchHit], top: int = 1) -> list[str]:
    """Advisory ids by the sum of their ``top`` best chunk scores (``top=1``: order of first hit)."""
    scores: dict[str, list[float]] = {}
    for hit in hits:
        scores.setdefault(hit.advisory_id, []).append(hit.score)
    return sorted(scores, key=lambda a: -sum(sorted(scores[a], reverse=True)[:top]))


@dataclass(frozen=True)
class Quality:
    """Recall@1, Recall@3 and MRR over a dev set."""

    recall_at_1: float
    recall_at_3: float
    mrr: float
    questions: int


def measure_quality(
    questions: Sequence[DevQuestion], search: Callable[[list[str]], list[list[SearchHit]]], top: int = 1
) -> Quality:
    """Advisory-level quality: a question counts when any of its labelled advisories is ranked."""
    results = search([q.question for q in questions])
    r1 = r3 = rr = 0.0
    for question, hits in zip(questions, results, strict=True):
        ranking = advisory_ranking(hits, top)
        ranks = [ranking.index(a) + 1 for a in question.advisory_ids if a in ranking]
        best = min(ranks) if ranks else None
        r1 += best == 1
        r3 += best is not None and best <= 3
        rr += 1 / best if best else 0.0
    n = max(len(questions), 1)
    return Quality(r1 / n, r3 / n, rr / n, len(questions))


def answer_from_hits(
    searcher: Searcher, question: str, hits: Sequence[SearchHit], region: str | None, min_dense: float
) -> Answer:
    """The answer ``ask`` composes from ``hits`` for a user of ``region`` (None: ignoring regions)."""
    return compose_answer(
        question, hits, min_dense=min_dense, region=region, sections_of=searcher.index.advisory_hits
    )


@dataclass(frozen=True)
class FirstCitations:
    """How many answers cite a labelled advisory first, and how many of those are local."""

    labelled: int
    local: int


def first_citations(
    searcher: Searcher,
    questions: Sequence[DevQuestion],
    hits: Sequence[Sequence[SearchHit]],
    region: str,
    *,
    min_dense: float,
    prefer_region: bool = True,
) -> FirstCitations:
    """Compose each answer as ``ask`` does for a user of ``region`` and count what it cites first.

    ``hits[i]`` are question ``i``'s search hits. A first citation is local when its advisory is of
    ``region`` or global; with ``prefer_region=False`` the answers ignore the region (the baseline).
    """
    labelled = local = 0
    for question, question_hits in zip(questions, hits, strict=True):
        answer = answer_from_hits(
            searcher, question.question, question_hits, region if prefer_region else None, min_dense
        )
        first = answer.citations[0].advisory_id if answer.citations else None
        if first in question.advisory_ids:
            labelled += 1
            local += searcher.index.advisories[first]["region"] in (region, "global")
    return FirstCitations(labelled, local)


@dataclass(frozen=True)
class CategoryQuestion:
    """A question labelled with the kind of scam it asks about (no advisory ids)."""

    question: str
    category: str


def load_category_questions(path: Path, field: str = "question") -> list[CategoryQuestion]:
    """The texts of a YAML list of ``{id, category, question}`` entries (or another ``field``)."""
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [CategoryQuestion(str(item[field]), str(item["category"])) for item in items]


@dataclass(frozen=True)
class CategoryMatches:
    """How many answers were given, and how many of them cite an advisory of the asked category first."""

    answered: int
    matched: int


def category_matches(
    searcher: Searcher,
    questions: Sequence[CategoryQuestion],
    regions: Sequence[str],
    *,
    min_dense: float,
    search_text: Callable[[str], str] = str,
) -> CategoryMatches:
    """Compose each answer as ``ask`` does from a search for ``search_text(question)`` (by default the
    question alone), in every region of ``regions``, and count."""
    hits = searcher.search_many([search_text(q.question) for q in questions], ANSWER_HITS)
    answered = matched = 0
    for question, found in zip(questions, hits, strict=True):
        for region in regions:
            answer = answer_from_hits(searcher, question.question, found, region, min_dense)
            answered += answer.confident
            matched += answer.confident and answer.citations[0].category == question.category
    return CategoryMatches(answered, matched)
