"""The investment live-stream scam asked about in a few words, and scams told as long stories, beside
legitimate questions in the same words: where the router sends them and what ``ask`` answers."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from bot.bench.dev_questions import answer_from_hits
from bot.core.results import Answer
from bot.core.service import ANSWER_HITS, FraudCore

CORE_FILES = ("questions_core.yaml", "questions_long.yaml")
SETS = {
    "CS": "short questions on the investment live-stream scam",
    "CA": "short legitimate investing questions in the same words (fewer answers is better)",
    "LS": "long scam stories, one kind of scam each",
    "LA": "long everyday money questions (fewer answers is better)",
}
# The live-stream scam shades into fake platforms and "investing together": any of them answers it.
INVESTMENT_KINDS = frozenset({"investment-livestream", "investment-platform", "pig-butchering"})
NO_KIND = "none"  # the label of a legitimate question


def load_core_questions(eval_dir: Path) -> list[dict[str, str]]:
    """The entries (``id``, ``set``, ``category``, ``text``) of :data:`CORE_FILES`."""
    return [
        item for name in CORE_FILES for item in yaml.safe_load((eval_dir / name).read_text(encoding="utf-8"))
    ]


def cites_kind_first(category: str, answer: Answer) -> bool:
    """Whether ``answer`` cites an advisory of the kind asked about (``category``) first."""
    if not answer.confident or not answer.citations or category == NO_KIND:
        return False
    cited = answer.citations[0].category
    return cited in INVESTMENT_KINDS if category == "investment-livestream" else cited == category


def core_scenario_rows(core: FraudCore, eval_dir: Path) -> list[str]:
    """Per set of :data:`SETS`: the routes, ``ask``'s answers and how many cite the kind asked about first,
    beside the same asks composed from the search of the question alone (no scam names, no gate)."""
    items = load_core_questions(eval_dir)
    rows = [
        "| questions written blind, region UK | routed to an answer / the paid help / the check / other "
        "| `ask` answers | citing the kind asked about first | baseline, from search alone: answers / "
        "kind first |",
        "|---|---|---|---|---|",
    ]
    for kind, what in SETS.items():
        asked = [d for d in items if d["set"] == kind]
        texts = [d["text"] for d in asked]
        routes = Counter(core.route(text) for text in texts)
        other = len(texts) - routes["question"] - routes["paid"] - routes["check"]
        answers = [core.ask(text, region="UK") for text in texts]
        found = core.searcher.search_many(texts, ANSWER_HITS)
        bare = [
            answer_from_hits(core.searcher, text, hits, "UK", core.min_answer_score)
            for text, hits in zip(texts, found, strict=True)
        ]
        rows.append(
            f"| {len(texts)} {what} | {routes['question']} / {routes['paid']} / {routes['check']} / {other} "
            f"| {sum(a.confident for a in answers)} | {_kind_first_cell(asked, answers)} "
            f"| {sum(a.confident for a in bare)} / {_kind_first_cell(asked, bare)} |"
        )
    return rows


def _kind_first_cell(asked: list[dict[str, str]], answers: list[Answer]) -> str:
    """How many of ``answers`` cite the kind asked about first; "–" for legitimate questions."""
    if all(d["category"] == NO_KIND for d in asked):
        return "–"
    return str(sum(cites_kind_first(d["category"], a) for d, a in zip(asked, answers, strict=True)))
