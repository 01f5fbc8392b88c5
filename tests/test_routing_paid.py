"""The router's "already paid" patterns: amounts in local notation, people close to the user, quoted words."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import intents_variant

from bot.core.routing import IntentRules, classify, load_intents, quoted_passages
from bot.core.service import FraudCore

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests" / "eval"


@pytest.mark.parametrize(
    "text",
    [
        "I sent HK$780k in USDT to the platform and now it wants a deposit to unfreeze my account",
        "pls help. sent her A$1,500 through PayID but she wants another 3k tonight",
        "Paid HK$2,300 by FPS. They now say I need to pay shipping insurance before they send it.",
        "They made her transfer HK$2.3 million to a supervision account and told her not to tell anyone.",
        "Dad has wired $210,000 CAD over four months and they won't let him withdraw.",
        "The IRS called. I bought $3,000 in cards and read them the numbers.",
        "i think i got pig butchered. ig friend, crypto app, 22k usd gone. please advise",
        "they scammed my mum out of 40k and she won't tell us the details",
        "They connected to my computer. Later S$26,000 was transferred out of my OCBC account.",
        "Got an email saying they recorded me through my webcam. I panicked and paid.",
        "a man came to the house to pick up $9,000 cash for bail. Our cousin was never arrested.",
        "I moved £14,000 to the new safe account. The bank now says they never called me.",
        # short quoted words no longer hide the rest of the message from the patterns
        "It started with a 'wrong number' text. I've sent over $180,000 in USDT and now they want a 'tax'.",
        # "if I don't pay" is a threat, not a denial
        "She taught me futures. I sent NT$2.3 million. Now she says if I don't pay the tax it's frozen.",
    ],
)
def test_accounts_of_money_already_gone_are_paid(rules: IntentRules, text: str) -> None:
    assert classify(text, rules) == "paid"


@pytest.mark.parametrize(
    "text",
    [
        "If you've lost money to a scam, be careful of anyone who offers to recover it for a fee.",
        "NSRC reminder: if you have transferred money to a scammer, call 997 immediately.",
        "someone i dont know sent $500 to my paypal and now is asking for it back. should i return it?",
        "Scam victims in Singapore lost more than S$650 million last year, a record.",
        "Congratulations! You have been paid 300 SGD commission. Top up 500 to unlock the next task.",
        "Thank you, your payment of £250.00 to J Smith has been sent from your current account.",
        "I nearly sent them 5k but stopped, what should I report?",
        "Our courier will come to collect the cash from your home at 3pm.",
        "they want a HK$3,000 release fee before I can withdraw, should I pay it?",
        "Has anyone used their ISA allowance? I've only put £6k in my one this year.",
    ],
)
def test_money_that_is_only_mentioned_is_not_paid(rules: IntentRules, text: str) -> None:
    assert classify(text, rules) != "paid"


def test_a_part_of_intents_yaml_is_written_once_and_used_by_name(tmp_path: Path) -> None:
    path = intents_variant(tmp_path, "paid:\n", "paid:\n  - '\\bsent them {amount} in vouchers'\n")
    assert classify("i sent them A$1,500 in vouchers", load_intents(path)) == "paid"
    assert classify("i sent them lots in vouchers", load_intents(path)) != "paid"


def test_a_quoted_passage_ends_at_its_own_closing_quote() -> None:
    text = "It started with a 'wrong number' text. I've sent $180,000 and now a 30% 'tax' to release it."
    assert quoted_passages(text) == []
    assert quoted_passages("he wrote 'hi mum I've lost my phone, text me here' then asked") == [
        "hi mum I've lost my phone, text me here"
    ]


def test_measured_reason_first_messages_of_people_who_paid_reach_the_help(core: FraudCore) -> None:
    """Rule Z10 (docs/benchmarks.md): 51 -> 64 of 102 routed "paid"; 11 -> 10 of 102 where nobody paid."""
    paid = yaml.safe_load((EVAL / "paid_first_messages.yaml").read_text(encoding="utf-8"))
    not_paid = yaml.safe_load((EVAL / "not_paid_messages.yaml").read_text(encoding="utf-8"))
    assert len(paid) == len(not_paid) == 102
    assert sum(core.route(m["text"]) == "paid" for m in paid) >= 61
    assert sum(core.route(m["text"]) == "paid" for m in not_paid) <= 11
