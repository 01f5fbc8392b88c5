"""Quoted words in a user's own message: a name or scare quotes is not a pasted message (rule Z12)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.core.routing import IntentRules, classify, quoted_passages
from bot.core.service import FraudCore

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests" / "eval"


@pytest.mark.parametrize(
    "text",
    [
        'my elderly dad has been giving money to a "financial adviser" he met on facebook, what should I do?',
        "why does the 'investment platform' keep asking me to top up before I can withdraw anything",
        "A “recovery agency” messaged me offering to get my lost money back for a small fee. Is this a scam?",
    ],
)
def test_one_to_three_quoted_words_are_the_users_own(rules: IntentRules, text: str) -> None:
    assert quoted_passages(text) == []
    assert classify(text, rules) == "question"


def test_a_quotation_of_four_words_or_more_is_pasted_text(rules: IntentRules) -> None:
    text = 'it said "your parcel is held" and nothing else'
    assert quoted_passages(text) == ["your parcel is held"]
    assert classify(text, rules) == "check"
    assert quoted_passages('my friend keeps saying "trust the process"') == []  # 3 words


def test_scare_quotes_no_longer_send_a_payment_to_the_check(core: FraudCore) -> None:
    text = 'My aunt\'s been sending money to an "oil rig engineer" for a year. Around A$200k'
    assert core.route(text) == "paid"  # the classifier's call, once the rules no longer say "pasted"


def test_measured_reason_own_words_with_quotes_reach_an_answer(core: FraudCore) -> None:
    """Rule Z12 (docs/benchmarks.md): of 60 own messages with short quotations, 15 -> 4 went to the check;
    of 60 pasted messages with short quotations, 59 -> 58 still do."""
    own = yaml.safe_load((EVAL / "own_words_messages.yaml").read_text(encoding="utf-8"))[:60]
    pasted = yaml.safe_load((EVAL / "pasted_short_messages.yaml").read_text(encoding="utf-8"))[:60]
    assert sum(core.route(m["text"]) == "check" for m in own) <= 5
    assert sum(core.route(m["text"]) == "check" for m in pasted) >= 57
