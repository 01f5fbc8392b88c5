"""The core facade end to end: routing, answers, checks, triage and the checklist on a real index."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core import checklist as engine
from bot.core.answers import CHINESE_NOTE, OTHER_SCRIPT_TEXT
from bot.core.results import Citation
from bot.core.service import FraudCore

PASTED_SCAM = (
    "Dear customer, your account shows 58,000 USDT profit. To withdraw you must first pay 20% income tax "
    "to unfreeze the funds within 24h or the account will be closed. Contact our teacher on WhatsApp."
)


def assert_only_old_citations_are_marked(citations: tuple[Citation, ...], stale: tuple[str, ...]) -> None:
    """``stale`` holds exactly the cited advisories published more than three years ago."""
    cutoff = (dt.date.today() - dt.timedelta(days=3 * 365)).isoformat()
    assert set(stale) == {c.advisory_id for c in citations if c.published < cutoff}


def test_question_gets_cited_grounded_answer(core: FraudCore) -> None:
    answer = core.ask("Why do they ask me to pay a tax before I can take out my profits?")
    assert answer.confident
    assert answer.citations[0].advisory_id == "fx-livestream"
    assert answer.citations[0].source_url == "https://police.example.org/advisories/livestream"
    assert "fx-livestream" in answer.stale_citations  # published 2019: more than three years old
    assert_only_old_citations_are_marked(answer.citations, answer.stale_citations)
    assert answer.hotlines is not None and answer.hotlines.code == "UK"
    for passage in answer.passages:
        assert passage.text in answer.text


def test_unrelated_question_abstains(core: FraudCore) -> None:
    answer = core.ask("how long should I boil an egg")
    assert not answer.confident
    assert "not sure" in answer.text and answer.citations == ()
    assert answer.hotlines is not None  # the hotline is always offered


def test_a_question_in_another_script_gets_an_honest_not_sure(
    core: FraudCore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bundled model reads English only; its answers to Chinese questions cite the wrong scams."""
    question = "我被拉進股票群，老師說可以賺錢，是詐騙嗎？"
    answer = core.ask(question, region="HK")
    assert not answer.confident
    assert answer.text == f"{OTHER_SCRIPT_TEXT}\n\n{CHINESE_NOTE}" and answer.citations == ()
    russian = core.ask("Это мошенничество? Мне звонили из банка.")  # no Chinese line for Cyrillic
    assert russian.text == OTHER_SCRIPT_TEXT and not russian.confident
    assert answer.hotlines is not None and answer.hotlines.code == "HK"
    assert core.route(question) == "question"  # not sent to the check by the English model's classifier
    assert core.route(question + " https://line.me/ti/g/abc123") == "check"  # the phrase rules still apply
    monkeypatch.setattr(core.settings.retrieval, "english_only", False)  # a multilingual model's setting
    searched = core.ask(question, region="HK")
    assert not searched.text.startswith(OTHER_SCRIPT_TEXT) and searched.score > 0.0


def test_pasted_scam_is_routed_to_check_and_flagged(core: FraudCore) -> None:
    assert core.route(PASTED_SCAM) == "check"
    assert core.route("hello") == "greeting"
    assert core.route("I already paid them 5000 pounds, what do I do now?") == "paid"
    result = core.check(PASTED_SCAM)
    assert result.risk == "high"
    names = {s.name for s in result.signals}
    assert "withdrawal-fee" in names
    assert result.advisories and result.advisories[0].advisory_id == "fx-livestream"
    assert "fx-livestream" in result.stale_citations  # its "read more" list notes the age too
    assert_only_old_citations_are_marked(result.advisories, result.stale_citations)
    assert result.next_steps and "PASTED" not in result.message_hash


def test_forwarded_text_is_always_checked(core: FraudCore) -> None:
    assert core.route("how are you doing today?", forwarded=True) == "check"


def test_low_risk_never_says_safe(core: FraudCore) -> None:
    result = core.check("See you at the football on Saturday, I'll bring the sandwiches.")
    assert result.risk == "low"
    assert "does not mean it is safe" in result.summary


def test_triage_has_ordered_steps_hotlines_and_template(core: FraudCore) -> None:
    result = core.triage(region="US")
    joined = " ".join(result.steps).lower()
    assert joined.index("stop") < joined.index("bank") < joined.index("report")
    assert result.hotlines is not None and result.hotlines.code == "US"
    assert "ReportFraud" in " ".join(result.steps) or "reportfraud" in joined
    assert "____" in result.evidence_template
    assert result.advisories
    assert_only_old_citations_are_marked(result.advisories, result.stale_citations)


STORY = (
    "I joined a WhatsApp group where a stock teacher gave tips in live broadcasts. I made a small profit, "
    "put in 20,000 pounds, and now they want a 20% tax before I can withdraw. I already paid the tax."
)


def test_triage_lists_the_advisory_closest_to_what_happened_first(core: FraudCore) -> None:
    fixed = core.triage(region="UK").advisories
    told = core.triage(STORY, region="UK").advisories
    assert "fx-livestream" not in {c.advisory_id for c in fixed}
    assert told[0].advisory_id == "fx-livestream"
    assert told[1:] == fixed


def test_a_story_advisory_already_in_the_fixed_list_is_listed_once_first(core: FraudCore) -> None:
    fixed = core.triage(region="UK").advisories
    romance = "I met a man online who never video calls. I sent him 5,000 pounds for his plane ticket."
    told = core.triage(romance, region="UK").advisories
    assert told[0].advisory_id == "fx-romance" and "fx-romance" in {c.advisory_id for c in fixed}
    assert told[1:] == tuple(c for c in fixed if c.advisory_id != "fx-romance")


@pytest.mark.parametrize(
    "text",
    ["", "   ", "I paid.", "我已经付了钱，老师的股票群不让我提现，还要我交税"],
    ids=["empty", "blank", "no-story", "other-script"],
)
def test_triage_without_a_readable_story_keeps_the_fixed_reading_list(core: FraudCore, text: str) -> None:
    assert core.triage(text, region="UK").advisories == core.triage(region="UK").advisories


def test_a_story_setting_of_1_turns_it_off(core: FraudCore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(core.settings.retrieval, "triage_story_min_score", 1.0)
    assert core.triage(STORY, region="UK").advisories == core.triage(region="UK").advisories


def test_checklist_outcome_cites_advisories(core: FraudCore) -> None:
    checklist = core.checklists["investment-livestream"]
    state = engine.start(checklist)
    while not engine.is_complete(checklist, state):
        state = engine.answer(checklist, state, "yes")
    outcome = core.checklist_outcome(checklist.id, state, region="HK")
    assert outcome.level == "high" and outcome.complete
    assert outcome.stage is not None and outcome.red_flags
    assert outcome.advisories[0].advisory_id == "fx-livestream"
    assert "fx-livestream" in outcome.stale_citations
    assert_only_old_citations_are_marked(outcome.advisories, outcome.stale_citations)
    assert outcome.hotlines is not None and outcome.hotlines.code == "HK"


def test_hostile_input_never_crashes_the_core(core: FraudCore) -> None:
    for text in ["\ud800 pay now \udfff", "<script>alert(1)</script>" * 100, "\x00" * 50, "", "🙂" * 4096]:
        core.route(text)
        assert isinstance(core.ask(text).text, str)
        assert core.check(text).risk in ("high", "medium", "low")
