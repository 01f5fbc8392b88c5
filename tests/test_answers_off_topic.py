"""``ask`` declines money and banking how-to that no advisory answers (rule Z16), never a scam question."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bench.asking import load_scope_questions
from bot.core.answers import OFF_TOPIC_TEXT
from bot.core.service import FraudCore

EVAL = Path(__file__).resolve().parent / "eval"
PIN = "how do i change my card PIN for Commonwealth Bank?"


def questions(kind: str) -> list[str]:
    return [d["text"] for d in load_scope_questions(EVAL, kind)]


def test_a_banking_how_to_question_gets_the_honest_not_sure(core: FraudCore) -> None:
    assert core.off_topic(PIN)
    answer = core.ask(PIN, region="AU")
    assert not answer.confident and not answer.citations and answer.hotlines is not None
    assert answer.text == OFF_TOPIC_TEXT  # says why, and who can answer it


@pytest.mark.parametrize(
    "question",
    [
        "what does sextortion mean",  # the classifier finds it off topic, but it names a scam
        "my dad joined a telegram group with a teacher who gives stock tips, should I be worried?",
        "the bank called and asked for my card PIN to stop a payment, is that real?",
    ],
)
def test_a_scam_question_is_never_declined(core: FraudCore, question: str) -> None:
    assert not core.off_topic(question)


def test_a_setting_of_1_turns_it_off(core: FraudCore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(core.settings.retrieval, "answer_off_topic_probability", 1.0)
    assert not core.off_topic(PIN)


def test_measured_reason_adjacent_questions_are_declined_scam_questions_never(core: FraudCore) -> None:
    """Rules Z15/Z16 (docs/benchmarks.md): of 180 adjacent questions written blind, 112 are declined; of 224
    questions about a scam situation none is, and of 50 naming a scam only 4 whose names categories.yaml
    does not list (they found no advisory either)."""
    adjacent, in_scope, named = questions("adjacent"), questions("in_scope"), questions("named")
    assert (len(adjacent), len(in_scope), len(named)) == (180, 224, 50)
    assert sum(map(core.off_topic, adjacent)) >= 100
    assert not [q for q in in_scope if core.off_topic(q)]
    assert sum(map(core.off_topic, named)) <= 4
