"""Triage for someone who already paid: the wording file, hotline filling, validation, what to read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import triage_variant

from bot.bench.dev_questions import load_category_questions
from bot.core.hotlines import hotlines_for, load_hotlines
from bot.core.results import Citation
from bot.core.scam_names import load_scam_names
from bot.core.service import ANSWER_HITS
from bot.core.triage import TriageTemplate, build_triage, closest_to_story, load_triage
from bot.knowledge.loader import load_categories
from bot.knowledge.problems import KnowledgeFileError
from bot.retrieval.hits import SearchHit
from bot.retrieval.search import Searcher

ROOT = Path(__file__).resolve().parent.parent
TRIAGE = ROOT / "knowledge" / "triage.yaml"
HOTLINES = Path(__file__).parent / "fixtures" / "core" / "hotlines.yaml"
PAID_STORIES = ROOT / "tests" / "eval" / "paid_stories.yaml"
CITATION = Citation(
    "us-ftc-withdrawal-fees",
    "Fake withdrawal fees",
    "investment-platform",
    "FTC",
    "2022-01-01",
    "https://example.org/ftc",
)


@pytest.fixture()
def template() -> TriageTemplate:
    return load_triage(TRIAGE)


def test_steps_come_in_the_order_a_victim_needs_them(template: TriageTemplate) -> None:
    uk = hotlines_for(load_hotlines(HOTLINES), "UK")
    result = build_triage(template, uk, [CITATION])
    steps = [step.lower() for step in result.steps]
    assert len(steps) == 5
    assert steps[0].startswith("stop paying")
    for fee in ('"tax"', "unfreezing", "verification"):
        assert fee in steps[0]
    assert "call your bank now" in steps[1]
    assert "chargeback" in steps[1] and "crypto" in steps[1] and "exchange" in steps[1]
    assert "evidence" in steps[2]
    assert "police" in steps[3]
    assert "recover" in steps[4] and "fee" in steps[4]
    assert not any("safe" in step for step in steps)


def test_the_reporting_step_names_the_regions_reporting_contacts(template: TriageTemplate) -> None:
    hotlines = load_hotlines(HOTLINES)
    uk = build_triage(template, hotlines["UK"], [])
    # Only the contacts marked as taking fraud reports: the step is about reporting, not emergencies.
    assert uk.steps[3].endswith(
        "evidence summary: Fraud reporting: 0300 000 0000, https://report.example.org/uk"
    )
    assert uk.hotlines is hotlines["UK"]
    hk = build_triage(template, hotlines_for(hotlines, "HK"), [])
    assert hk.steps[3].endswith("Anti-scam helpline: 18222")
    assert not any("{" in step for step in uk.steps + hk.steps)


def test_without_hotlines_the_step_still_says_where_to_report(template: TriageTemplate) -> None:
    result = build_triage(template, None, [])
    assert result.hotlines is None
    assert result.steps[3].endswith(template.no_hotlines)
    assert "local police" in result.steps[3]


def test_evidence_list_covers_what_the_police_ask_for(template: TriageTemplate) -> None:
    result = build_triage(template, None, [])
    evidence = " | ".join(result.evidence_checklist).lower()
    for item in (
        "chat logs",
        "usernames",
        "profile links",
        "web addresses",
        "apps",
        "transaction records",
        "wallet address",
        "phone numbers",
        "screenshots",
    ):
        assert item in evidence, item


def test_evidence_template_is_plain_text_with_blanks(template: TriageTemplate) -> None:
    text = build_triage(template, None, []).evidence_template
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert text.isascii()
    assert "<" not in text and "*" not in text
    assert len(re.findall(r"_{4}", text)) >= 10
    for blank in ("Date of first contact: ____", "Total lost: ____", "Paid to (account or wallet): ____"):
        assert blank in text


def test_advisories_are_passed_through(template: TriageTemplate) -> None:
    assert build_triage(template, None, [CITATION]).advisories == (CITATION,)
    assert build_triage(template, None).advisories == ()


def problems_of(path: Path) -> list[str]:
    with pytest.raises(KnowledgeFileError) as caught:
        load_triage(path)
    return [f"{p.field}: {p.message}" for p in caught.value.problems]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("summary: {hotlines}", "summary: {hotline}", "steps[3]: unknown placeholder {hotline}"),
        ("summary: {hotlines}", "summary.", "steps: exactly one step must contain {hotlines} (found 0)"),
        ("Keep the evidence.", "Keep the evidence for {hotlines}.", "steps: exactly one step must contain"),
        ("Total lost: ____", "Total lost: ", None),
        ("no_hotlines: >-", "no_hotline: >-", "no_hotlines: required field is missing"),
        ("evidence:\n", "evidence: []\nunused:\n", "unused: unknown field (a typo?)"),
        ("steps:\n", "steps: 3\nold_steps:\n", "steps: Input should be a valid list"),
    ],
)
def test_file_problems_are_named(tmp_path: Path, old: str, new: str, expected: str | None) -> None:
    path = triage_variant(tmp_path, old, new)
    if expected is None:  # one blank fewer is still a template
        assert "Total lost: \n" in load_triage(path).evidence_template
        return
    found = problems_of(path)
    assert any(problem.startswith(expected) for problem in found), found


def test_a_template_without_blanks_is_refused(tmp_path: Path) -> None:
    text = TRIAGE.read_text(encoding="utf-8").replace("____", "...")
    path = tmp_path / "triage.yaml"
    path.write_text(text, encoding="utf-8")
    assert problems_of(path) == ["evidence_template: write the blanks to fill in as ____ (at least three)"]


def test_broken_yaml_reports_its_line(tmp_path: Path) -> None:
    path = tmp_path / "triage.yaml"
    path.write_text("steps:\n  - one\n evidence: [\n", encoding="utf-8")
    with pytest.raises(KnowledgeFileError) as caught:
        load_triage(path)
    problem = caught.value.problems[0]
    assert problem.field == "(file)" and problem.message.startswith("broken YAML")
    assert problem.line == 3


def story_hit(advisory: str, *, dense: float, region: str = "UK", category: str = "romance") -> SearchHit:
    return SearchHit(
        chunk_id=f"{advisory}-{dense}",
        advisory_id=advisory,
        title=f"Title {advisory}",
        category=category,
        issuer="Issuer",
        source_url=f"https://example.org/{advisory}",
        published="2024-01-01",
        region=region,
        heading="How it works",
        kind="section",
        text="They asked for money.",
        score=dense / 10,
        dense_score=dense,
    )


def test_the_closest_advisory_to_a_story_is_offered_only_when_close_enough() -> None:
    hits = [story_hit("close", dense=0.62), story_hit("next", dense=0.58)]
    assert [c.advisory_id for c in closest_to_story(hits, "UK", min_dense=0.50)] == ["close"]
    assert closest_to_story(hits, "UK", min_dense=0.70) == []
    assert closest_to_story([], "UK", min_dense=0.50) == []


def test_a_local_advisory_nearly_as_close_is_offered_instead() -> None:
    hits = [story_hit("us-one", dense=0.62, region="US"), story_hit("hk-one", dense=0.61, region="HK")]
    assert [c.advisory_id for c in closest_to_story(hits, "HK", min_dense=0.50)] == ["hk-one"]
    assert [c.advisory_id for c in closest_to_story(hits, "UK", min_dense=0.50)] == ["us-one"]


def test_measured_reason_stories_of_people_who_paid_find_their_kind_of_scam(real_searcher: Searcher) -> None:
    """Rule Z9 (docs/benchmarks.md): 230 of 384 picks of the account's kind, 87 of 339 of another kind."""
    names = load_scam_names(ROOT / "knowledge", load_categories(ROOT / "knowledge"))
    assert names is not None
    stories = [s for s in load_category_questions(PAID_STORIES, field="text") if s.category != "general"]
    assert len(stories) == 96
    hits = real_searcher.search_many([names.search_text(s.question) for s in stories], ANSWER_HITS)
    picks = [
        (story.category, pick.category)
        for story, found in zip(stories, hits, strict=True)
        for region in ("UK", "HK", "SG", "US")
        for pick in closest_to_story(found, region, min_dense=0.50)
    ]
    same = sum(told == picked for told, picked in picks)
    other = sum(picked not in (told, "general") for told, picked in picks)
    assert same >= 215
    assert other <= len(picks) / 3
