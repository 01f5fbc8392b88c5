"""Grounded answers: quoted passages only, cited, within budget, abstaining when the match is weak."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.bench.dev_questions import (
    category_matches,
    first_citations,
    load_category_questions,
    load_dev_questions,
)
from bot.core.answers import (
    ABSTAIN_TEXT,
    MAX_ANSWER_CHARS,
    compose_answer,
    group_by_advisory,
    prefer_region,
    trim_to_sentences,
)
from bot.core.hotlines import load_hotlines
from bot.core.scam_names import load_scam_names
from bot.core.script import other_script
from bot.core.service import ANSWER_HITS
from bot.knowledge.loader import load_categories
from bot.retrieval.hits import SearchHit
from bot.retrieval.search import Searcher
from bot.settings import RetrievalSettings

ROOT = Path(__file__).resolve().parent.parent
DEV_QUESTIONS = ROOT / "tests" / "eval" / "questions"
OTHER_SCRIPT_QUESTIONS = ROOT / "tests" / "eval" / "questions_other_script.yaml"
NAMED_QUESTIONS = ROOT / "tests" / "eval" / "questions_named.yaml"
BUNDLED_HOTLINES = ROOT / "knowledge" / "hotlines.yaml"

LONG = " ".join(f"Sentence number {i} explains one more step of the scam." for i in range(40))


def hit(
    advisory: str,
    *,
    score: float,
    dense: float,
    region: str = "UK",
    kind: str = "section",
    text: str = "Police never ask you to move money.",
    published: str = "2024-01-01",
) -> SearchHit:
    return SearchHit(
        chunk_id=f"{advisory}-{score}",
        advisory_id=advisory,
        title=f"Title {advisory}",
        category="general",
        issuer="Issuer",
        source_url=f"https://example.org/{advisory}",
        published=published,
        region=region,
        heading="What to do",
        kind=kind,
        text=text,
        score=score,
        dense_score=dense,
    )


def test_weak_match_abstains_with_hotline_and_no_citation() -> None:
    answer = compose_answer("how do I bake bread", [hit("a", score=0.03, dense=0.2)], min_dense=0.45)
    assert not answer.confident
    assert answer.text == ABSTAIN_TEXT and "not sure" in answer.text
    assert answer.citations == () and answer.passages == ()
    assert "bake" not in answer.text  # never echoes the user's words


def test_answer_quotes_only_advisory_text_and_cites_it() -> None:
    hits = [
        hit("a", score=0.05, dense=0.7, text=LONG),
        hit("b", score=0.04, dense=0.6, text="Hang up. Call back."),
    ]
    answer = compose_answer("q", hits, min_dense=0.45, today=dt.date(2026, 11, 28))
    assert answer.confident
    assert [c.advisory_id for c in answer.citations] == ["a", "b"]
    assert sum(len(p.text) for p in answer.passages) <= MAX_ANSWER_CHARS
    for passage in answer.passages:
        source = LONG if answer.citations[passage.citation].advisory_id == "a" else "Hang up. Call back."
        assert passage.text in source  # extractive: a verbatim span of the advisory
        assert passage.text in answer.text
    assert "[1]" in answer.text and "[2]" in answer.text
    assert answer.passages[0].text.endswith(".")  # cut at a sentence boundary


def test_old_advisory_is_flagged_stale() -> None:
    answer = compose_answer(
        "q",
        [hit("old", score=0.05, dense=0.7, published="2019-10-12")],
        min_dense=0.45,
        today=dt.date(2026, 11, 28),
    )
    assert answer.stale_citations == ("old",)
    fresh = compose_answer(
        "q",
        [hit("new", score=0.05, dense=0.7, published="2025-10-12")],
        min_dense=0.45,
        today=dt.date(2026, 11, 28),
    )
    assert fresh.stale_citations == ()


def test_local_advisory_preferred_when_scores_are_close() -> None:
    hits = [
        hit("us", score=0.050, dense=0.70, region="US"),
        hit("hk", score=0.046, dense=0.68, region="HK"),
        hit("far", score=0.045, dense=0.60, region="UK"),
    ]
    ordered = [m.advisory_id for m in prefer_region(group_by_advisory(hits), "HK")]
    assert ordered == ["hk", "us", "far"]
    # a local advisory that is clearly less similar does not jump ahead
    assert [m.advisory_id for m in prefer_region(group_by_advisory(hits), "UK")] == ["us", "hk", "far"]


def test_examples_are_not_quoted_as_advice() -> None:
    scam = "URGENT pay the unfreezing fee now"
    hits = [hit("a", score=0.06, dense=0.8, kind="example", text=scam), hit("a", score=0.05, dense=0.6)]
    answer = compose_answer("q", hits, min_dense=0.45)
    assert scam not in answer.text and "Police never ask you to move money." in answer.text


def test_trim_to_sentences() -> None:
    assert trim_to_sentences("One. Two. Three.", 10) == "One. Two."
    bullets = "- First point. Still first.\n- Second point.\n- Third point is long enough."
    assert trim_to_sentences(bullets, 45) == "- First point. Still first.\n- Second point."
    assert trim_to_sentences("short", 100) == "short"
    assert len(trim_to_sentences("x" * 50 + " " + "y" * 50, 60)) <= 60


def test_preferring_the_users_region_cites_more_local_advisories_at_a_measured_cost(
    real_searcher: Searcher,
) -> None:
    """On the labelled dev questions, for every bundled region, against the same answers ignoring regions."""
    questions = load_dev_questions(DEV_QUESTIONS)
    hits = real_searcher.search_many([q.question for q in questions], ANSWER_HITS)
    min_dense = RetrievalSettings().answer_min_score
    local_gained = 0
    for region in load_hotlines(BUNDLED_HOTLINES):
        preferred = first_citations(real_searcher, questions, hits, region, min_dense=min_dense)
        ignored = first_citations(
            real_searcher, questions, hits, region, min_dense=min_dense, prefer_region=False
        )
        # Measured 2026-12-05: 0-5 fewer labelled first citations per region (UK 5, SG 3), and 1-7 more
        # local ones; docs/benchmarks.md has the variants tried to lower that cost.
        assert preferred.labelled >= ignored.labelled - 5, region
        assert preferred.local >= ignored.local, region
        local_gained += preferred.local - ignored.local
    assert local_gained >= 10


def test_the_english_model_cites_the_wrong_scams_for_questions_in_chinese(real_searcher: Searcher) -> None:
    """Why ``ask`` abstains on other scripts: without that, its answers to 48 Chinese questions (written by
    a helper who had not seen the system) rarely cite an advisory of the scam asked about."""
    questions = load_category_questions(OTHER_SCRIPT_QUESTIONS)
    assert len(questions) == 48 and all(other_script(q.question) for q in questions)
    found = category_matches(
        real_searcher, questions, ("HK", "TW", "CN"), min_dense=RetrievalSettings().answer_min_score
    )
    # Measured 2026-12-05: 141 of 144 answered, 3 citing the question's category first (English dev
    # questions: 354 of 420).
    assert found.answered >= 120
    assert found.matched <= 0.1 * found.answered


def test_questions_naming_a_scam_are_searched_with_what_the_name_means(real_searcher: Searcher) -> None:
    """Why ``ask`` adds a category's description when a question names the scam: 90 questions written by a
    helper who had seen neither the system nor the names cite the named kind of scam first far more often."""
    questions = load_category_questions(NAMED_QUESTIONS)
    names = load_scam_names(ROOT / "knowledge", load_categories(ROOT / "knowledge"))
    assert len(questions) == 90 and names is not None
    regions, floor = ("UK", "HK", "SG", "US"), RetrievalSettings().answer_min_score
    bare = category_matches(real_searcher, questions, regions, min_dense=floor)
    named = category_matches(
        real_searcher, questions, regions, min_dense=floor, search_text=names.search_text
    )
    # Measured 2026-12-05 (rule Z6): 135 of 360 answers cited it first without the names, 202 with them.
    assert named.matched >= bare.matched + 36
    assert named.matched >= 0.55 * named.answered
