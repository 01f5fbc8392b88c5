"""The investment live-stream scam asked about in a few words, and long scam stories, beside legitimate
questions in the same words (tests/eval/questions_core.yaml, questions_long.yaml; written blind)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.bench.core_scenario import (
    CORE_FILES,
    NO_KIND,
    SETS,
    cites_kind_first,
    core_scenario_rows,
    load_core_questions,
)
from bot.bench.dev_questions import answer_from_hits
from bot.core.results import Answer, Citation
from bot.core.service import ANSWER_HITS, FraudCore
from bot.knowledge.loader import load_categories
from bot.retrieval.search import Searcher
from bot.settings import RetrievalSettings

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests" / "eval"


def test_the_files_hold_what_their_headers_say() -> None:
    items = load_core_questions(EVAL)
    assert Counter(d["set"] for d in items) == {"CS": 120, "CA": 120, "LS": 60, "LA": 60}
    assert len({d["id"] for d in items}) == len(items) == 360
    categories = set(load_categories(ROOT / "knowledge"))
    for d in items:
        legitimate = d["set"] in ("CA", "LA")
        assert (d["category"] == NO_KIND) == legitimate, d["id"]
        assert legitimate or d["category"] in categories, d["id"]
    stories = Counter(d["category"] for d in items if d["set"] == "LS")
    assert stories["investment-livestream"] == 15 and len(stories) == 15


def answer_citing(category: str, *, confident: bool = True) -> Answer:
    citation = Citation("some-advisory", "A title", category, "An issuer", "2025-01-01", "https://x.example/")
    return Answer("hash", confident, "text", (), (citation,) if confident else (), (), None, 0.5)


@pytest.mark.parametrize(
    ("asked", "cited", "expected"),
    [
        ("investment-livestream", "investment-livestream", True),
        ("investment-livestream", "investment-platform", True),  # the live-stream scam shades into these
        ("investment-livestream", "pig-butchering", True),
        ("investment-livestream", "phishing", False),
        ("investment-platform", "investment-livestream", False),  # every other kind: only itself
        ("romance", "romance", True),
        (NO_KIND, "general", False),
    ],
)
def test_the_kind_asked_about(asked: str, cited: str, expected: bool) -> None:
    assert cites_kind_first(asked, answer_citing(cited)) is expected
    assert not cites_kind_first(asked, answer_citing(cited, confident=False))


def test_measured_reason_search_answers_the_core_scenario_and_fewer_legitimate_questions(
    real_searcher: Searcher,
) -> None:
    """Measured 2026-12-05 from search alone, region UK: 88 of 120 short core questions answered, 63 citing
    an investment kind first; 37 of 120 legitimate investing questions answered; every long story answered,
    46 citing its kind first; 24 of 60 long everyday questions answered. ``ask`` adds the off-topic gate and
    the scam names on top (docs/benchmarks.md)."""
    items = load_core_questions(EVAL)
    texts = [d["text"] for d in items]
    floor = RetrievalSettings().answer_min_score
    answers = [
        answer_from_hits(real_searcher, text, hits, "UK", floor)
        for text, hits in zip(texts, real_searcher.search_many(texts, ANSWER_HITS), strict=True)
    ]
    answered: Counter[str] = Counter()
    first: Counter[str] = Counter()
    for d, answer in zip(items, answers, strict=True):
        answered[d["set"]] += answer.confident
        first[d["set"]] += cites_kind_first(d["category"], answer)
    assert answered["CS"] >= 80 and first["CS"] >= 56
    assert answered["LS"] >= 56 and first["LS"] >= 40
    assert answered["CA"] <= 45 and answered["LA"] <= 30


def test_the_bench_reports_every_set_with_its_baseline(core: FraudCore, tmp_path: Path) -> None:
    """The bench's table, on two questions of each set (the fixture knowledge: five advisories)."""
    for name in CORE_FILES:
        kept = yaml.safe_load((EVAL / name).read_text(encoding="utf-8"))
        per_set = [d for s in SETS for d in [x for x in kept if x["set"] == s][:2]]
        (tmp_path / name).write_text(yaml.safe_dump(per_set, allow_unicode=True), encoding="utf-8")
    rows = core_scenario_rows(core, tmp_path)
    assert len(rows) == 2 + len(SETS)
    for row, (kind, what) in zip(rows[2:], SETS.items(), strict=True):
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[0] == f"2 {what}"
        assert sum(int(n) for n in cells[1].split(" / ")) == 2
        assert 0 <= int(cells[2]) <= 2
        legitimate = kind in ("CA", "LA")
        assert (cells[3] == "–") == legitimate
        assert cells[4].endswith(" / –") == legitimate


@pytest.mark.parametrize(("name", "rule"), list(zip(CORE_FILES, ("rule Z19", "rule Z18"), strict=True)))
def test_each_file_starts_with_where_it_came_from(name: str, rule: str) -> None:
    header = (EVAL / name).read_text(encoding="utf-8").split("\n- ", 1)[0]
    assert "written 2026-12-05" in header and "blind" in header and rule in header
