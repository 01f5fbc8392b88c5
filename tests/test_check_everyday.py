"""A weak sign in a message the classifier finds nothing like a scam reads as everyday: low, and says why."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from test_similarity import GOOD_SIMILARITY, red_flags_file

from bot.core import checks
from bot.core.red_flags import load_red_flags
from bot.core.service import FraudCore
from bot.core.similarity import Resemblance, SimilarityRule, reads_everyday
from bot.knowledge.problems import KnowledgeFileError

EVERYDAY = "Mum, my phone broke so I'm on Dad's phone for now, see you at dinner x"
WITH_REQUEST = (
    "Hi Mum, I dropped my phone in the bath, this is my new number. Can you help me pay a bill today? "
    "I'll pay you back tomorrow"
)
NOT_SAFE = "does not mean it is safe"


def test_reads_everyday_only_below_the_rules_probability() -> None:
    rule = SimilarityRule(0.7, 2, everyday_below=0.05)
    assert reads_everyday(Resemblance(0.01, 0, 0), rule)
    assert not reads_everyday(Resemblance(0.05, 0, 0), rule)
    assert not reads_everyday(None, rule)  # no classifier: nothing to go on
    assert not reads_everyday(Resemblance(0.01, 0, 0), SimilarityRule(0.7, 2))  # not configured


def test_the_setting_loads_and_must_sit_below_the_similarity_probability(tmp_path: Path) -> None:
    setting = GOOD_SIMILARITY.replace("weight: 2", "weight: 2, everyday_below: 0.05")
    rule = load_red_flags(red_flags_file(tmp_path, setting)).thresholds.similarity
    assert rule.everyday_below == 0.05
    with pytest.raises(KnowledgeFileError) as caught:
        load_red_flags(red_flags_file(tmp_path, setting.replace("0.05", "0.8")))
    assert "thresholds.similarity" in str(caught.value) and "everyday_below" in str(caught.value)


def test_a_weak_sign_in_an_everyday_message_is_low_and_named(core: FraudCore) -> None:
    result = core.check(EVERYDAY)
    assert result.risk == "low"
    assert "new-number-family" in {s.name for s in result.signals}  # the sign is still shown
    assert "everyday messages" in result.summary and NOT_SAFE in result.summary
    assert "request for money" in result.summary


def test_the_same_sign_with_a_request_for_money_stays_a_warning(core: FraudCore) -> None:
    assert core.check(WITH_REQUEST).risk != "low"
    assert core.check("Hi Mum, this is my new number, save it x").risk == "medium"


def test_a_suspect_link_keeps_the_warning(core: FraudCore) -> None:
    result = core.check(EVERYDAY + " http://192.168.4.20/pay")
    assert result.risk != "low" and "everyday messages" not in result.summary


def test_without_the_setting_the_weak_sign_stays_medium(
    core: FraudCore, monkeypatch: pytest.MonkeyPatch
) -> None:
    flags = core.data.red_flags
    without = replace(flags.thresholds, similarity=replace(flags.thresholds.similarity, everyday_below=None))
    monkeypatch.setattr(core, "_data", replace(core.data, red_flags=replace(flags, thresholds=without)))
    assert core.check(EVERYDAY).risk == "medium"


CARAVAN = (
    "Hi, the caravan is still available. My husband passed away so I am selling it cheap at £2,000. It is "
    "stored with eBay's delivery partner, pay into their escrow account and they will deliver it."
)


def test_a_request_to_pay_or_hand_over_access_always_warns(
    core: FraudCore, monkeypatch: pytest.MonkeyPatch
) -> None:
    flags = core.data.red_flags
    assert {"otp-request", "gift-card-payment", "unprotected-payment", "remote-access"} <= {
        f.name for f in flags.flags if f.always_warns
    }
    assert not any(f.always_warns for f in flags.flags if f.name == "new-number-family")
    monkeypatch.setattr(checks, "reads_everyday", lambda found, rule: True)
    assert core.check("Hi, could you read me the code we just texted you? Thanks").risk != "low"
    assert core.check(EVERYDAY).risk == "low"


def test_a_marketplace_scam_asking_for_a_bank_transfer_is_not_lowered(core: FraudCore) -> None:
    result = core.check(CARAVAN)
    assert result.risk != "low" and "everyday messages" not in result.summary
