"""What ``ask`` answers: how often it abstains, on questions in Chinese, and on questions naming a scam."""

from __future__ import annotations

import functools
import statistics
from pathlib import Path

import yaml

from bot.bench.dev_questions import (
    CategoryQuestion,
    category_matches,
    load_category_questions,
    load_dev_questions,
)
from bot.bench.timing import summary, time_calls, uncached
from bot.core.results import Citation
from bot.core.service import ANSWER_HITS, FraudCore


def abstention_rows(core: FraudCore, eval_dir: Path) -> list[str]:
    """How often ``ask`` answers in-scope questions, questions no advisory answers, and questions in Chinese
    (beside the same asks answered from search alone)."""
    in_scope = [q.question for q in load_dev_questions(eval_dir / "questions")]
    out_scope = [str(q) for q in yaml.safe_load((eval_dir / "unanswerable.yaml").read_text(encoding="utf-8"))]

    def answered(questions: list[str]) -> float:
        return statistics.mean(core.ask(q).confident for q in questions)

    other = load_category_questions(eval_dir / "questions_other_script.yaml")
    regions = ("HK", "TW", "CN")
    unguarded = category_matches(core.searcher, other, regions, min_dense=core.min_answer_score)
    setting = str(core.settings.retrieval.english_only).lower()
    guarded = sum(core.ask(q.question, region=r).confident for q in other for r in regions)
    return [
        f"With `FRAUDBOT_ANSWER_MIN_SCORE={core.min_answer_score}`: answers {answered(in_scope):.3f} of "
        f"{len(in_scope)} labelled questions and {answered(out_scope):.3f} of {len(out_scope)} questions "
        'no advisory answers (lower is better; the rest get "I\'m not sure" with the checklist and hotline).',
        "",
        f"{len(other)} questions in Chinese, in regions {', '.join(regions)} "
        f"({len(other) * len(regions)} asks): with `FRAUDBOT_ENGLISH_ONLY={setting}` {guarded} answered; "
        f"baseline, the same asks answered from search: {unguarded.answered} answered, "
        f"{unguarded.matched} citing an advisory of the scam asked about first.",
    ]


def named_scam_rows(core: FraudCore, eval_dir: Path) -> list[str]:
    """Questions naming a scam, and (the control) questions describing one: what ``ask`` cites first,
    beside the same asks searched without ``also_called``'s descriptions."""
    regions = ("UK", "HK", "SG", "US")
    rows = []
    named = load_category_questions(eval_dir / "questions_named.yaml")
    for questions, what in (
        (named, "naming a scam"),
        (
            load_category_questions(eval_dir / "questions_situation.yaml"),
            "describing a situation without naming the scam (the control)",
        ),
    ):
        bare = category_matches(core.searcher, questions, regions, min_dense=core.min_answer_score)
        answers = [(q, core.ask(q.question, region=r)) for q in questions for r in regions]
        matched = sum(a.confident and a.citations[0].category == q.category for q, a in answers)
        rows += [
            f"{len(questions)} questions {what}, in regions {', '.join(regions)} ({len(answers)} asks): "
            f"{sum(a.confident for _, a in answers)} answered, {matched} citing an advisory of that kind "
            f"of scam first; baseline, the questions searched without `also_called`'s descriptions: "
            f"{bare.answered} answered, {bare.matched} citing it first.",
            "",
        ]
    names = core.data.scam_names
    if names is not None:
        question = named[0].question
        search = functools.partial(core.searcher.search, k=ANSWER_HITS)
        asked, searched, plain = (
            summary(time_calls(uncached(core.searcher.encoder, func, text), 60))
            for func, text in (
                (core.ask, question),
                (search, names.search_text(question)),
                (search, question),
            )
        )
        rows.append(
            f"`ask` of {question!r}, p50 / p95 ms: {asked}; floors: the search of the question with its "
            f"description {searched}; baseline, the search of the question alone {plain}."
        )
    return rows


def paid_story_rows(core: FraudCore, eval_dir: Path) -> list[str]:
    """People who already paid, telling what happened: the advisory triage lists first, beside the fixed
    reading list a triage without their words gets."""
    regions = ("UK", "HK", "SG", "US")
    stories = [
        s
        for s in load_category_questions(eval_dir / "paid_stories.yaml", field="text")
        if s.category != "general"
    ]
    told = [(s, core.triage(s.question, region=r).advisories) for s in stories for r in regions]
    fixed = {r: core.triage(region=r).advisories for r in regions}
    untold = [(s, fixed[r]) for s in stories for r in regions]

    def counts(results: list[tuple[CategoryQuestion, tuple[Citation, ...]]]) -> str:
        first = sum(bool(a) and a[0].category == s.category for s, a in results)
        listed = sum(any(c.category == s.category for c in a) for s, a in results)
        return f"{first} list an advisory of that kind first, {listed} list one"

    with_story, without = (
        summary(time_calls(uncached(core.searcher.encoder, core.triage, text), 60))
        for text in (stories[0].question, "")
    )
    return [
        f"{len(stories)} first messages of people who already paid, telling what happened (one kind of scam "
        f"each), in regions {', '.join(regions)} ({len(told)} triages): {counts(told)}; baseline, the fixed "
        f"reading list of a triage without their words: {counts(untold)}.",
        "",
        f"`triage` with the first message, p50 / p95 ms: {with_story}; baseline, `triage` without words "
        f"{without}.",
    ]


def load_scope_questions(eval_dir: Path, kind: str | None = None) -> list[dict[str, str]]:
    """The entries (``set``, ``category``, ``text``) of every ``questions_scope_*.yaml``, of set ``kind``
    ("adjacent", "in_scope", "named") or all."""
    return [
        d
        for path in sorted(eval_dir.glob("questions_scope_*.yaml"))
        for d in yaml.safe_load(path.read_text(encoding="utf-8"))
        if kind is None or d["set"] == kind
    ]


def off_topic_rows(core: FraudCore, eval_dir: Path) -> list[str]:
    """``ask`` on the blind questions of ``questions_scope_*.yaml``: how many it answers, beside the same
    asks without its off-topic gate (``answer_off_topic_probability`` 1)."""
    items = load_scope_questions(eval_dir)
    kinds = {
        "adjacent": "money and banking questions no advisory answers (fewer is better)",
        "in_scope": "questions about a scam situation",
        "named": "short questions naming a scam",
    }
    retrieval = core.settings.retrieval
    gate = retrieval.answer_off_topic_probability
    counts: dict[str, list[int]] = {}
    try:
        for setting in (gate, 1.0):
            retrieval.answer_off_topic_probability = setting
            for kind in kinds:
                asked = [d["text"] for d in items if d["set"] == kind]
                counts.setdefault(kind, []).append(sum(core.ask(q, region="UK").confident for q in asked))
    finally:
        retrieval.answer_off_topic_probability = gate
    rows = [
        f"| questions written blind, region UK | answered, off-topic gate {gate} | baseline: no gate |",
        "|---|---|---|",
    ]
    for kind, what in kinds.items():
        total = sum(d["set"] == kind for d in items)
        rows.append(f"| {total} {what} | {counts[kind][0]} | {counts[kind][1]} |")
    return rows
