"""Messages about scams (alerts, news, victims' stories) told from scams by the "talks about scams" model."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from bot.bench.core import about_scams_rows
from bot.core.about_scams import AboutScamsModel, about_scams_probability, train_about_scams
from bot.core.checks import check_message
from bot.core.exemplars import LegitimateExample, build_exemplars
from bot.core.flag_matching import scam_mention
from bot.core.red_flags import RedFlagSet
from bot.core.service import FraudCore
from bot.retrieval.embedder import Encoder
from bot.retrieval.search import Searcher

ABOUT = [
    "Police warning: fraudsters invite people to stock-tip groups and fake trading apps, then ask for a "
    "tax before any withdrawal. Do not pay.",
    "My aunt lost her savings to a scam 'investment teacher' last year. Please tell your parents about it.",
    "News: a syndicate that ran fake investment livestreams was jailed today; victims lost $3 million.",
    "FYI mum, that text about the parcel fee is a phishing scam, just delete it.",
    "Bank reminder: scammers pose as our staff. We never ask you to move money to a safe account.",
    "Thread: how the romance scam worked on me, step by step, so that nobody else falls for it.",
]
SCAMS = [
    "Congratulations! Your trading account shows 12,000 USDT profit. Pay the 15% tax to withdraw today.",
    "Professor Lim's VIP stock group is live tonight at 8pm, join now and follow his signals for 30% gains.",
    "Hi mum, this is my new number, my phone broke. Can you send £900 for the rent? I'll pay you back.",
    "This is the fraud team of your bank: your account is at risk, move your savings to this safe account.",
    "Is this a scam? The teacher in my WhatsApp group says I must deposit another $5,000 to unlock my "
    "withdrawal, and I already paid $20,000.",
    "Your parcel is held at customs. Pay the £2.99 release fee within 24 hours or it will be returned.",
]
POLICE_ALERT = (
    "From the police anti-fraud newsletter. Case study: Mrs K, 61, was added to a WhatsApp stock-tip group "
    "run by a 'teacher' and his assistant. She made small profits on their app at first and invested "
    "$80,000. When she tried to withdraw, she was told to pay a 20% tax first. She paid it and lost "
    "everything. This was a scam: real brokers never charge a fee to release your own money."
)
WORRIED_VICTIM = (
    "Is this a scam? A teacher in my WhatsApp stock group says I must pay a 20% tax before I can withdraw "
    "the 30,000 USDT profit on their app. I have already invested $50,000. Should I pay today?"
)


def test_scam_mention_quotes_the_term_that_mentions_scams(flags: RedFlagSet) -> None:
    assert scam_mention("Beware: scammers pose as bank staff", flags) == "scammers"
    assert scam_mention("這是詐騙電話，請掛斷", flags) == "詐騙"
    assert scam_mention("Your parcel is held at customs, pay the fee", flags) is None


def test_a_message_about_scams_reads_as_one_and_a_scam_does_not(encoder: Encoder) -> None:
    model = train_about_scams(encoder.encode(ABOUT), encoder.encode(SCAMS))
    assert model is not None and (model.about_examples, model.scam_examples) == (6, 6)
    about = model.probability(encoder.encode([POLICE_ALERT]))
    scam = model.probability(encoder.encode([WORRIED_VICTIM]))
    assert about > 0.5 > scam


def test_too_few_examples_give_no_model(encoder: Encoder) -> None:
    assert train_about_scams(encoder.encode(ABOUT[:4]), encoder.encode(SCAMS)) is None
    assert about_scams_probability(encoder.encode(SCAMS[:1]), None) is None


def test_the_model_is_trained_on_messages_that_name_a_term_and_kept_while_nothing_changes(
    searcher: Searcher, encoder: Encoder, flags: RedFlagSet
) -> None:
    legit = tuple(LegitimateExample("about-scams", text) for text in ABOUT)
    legit += (LegitimateExample("everyday", "Lunch at noon tomorrow? I booked the usual table."),)
    built = build_exemplars(searcher.index, legit, encoder, flags=flags)
    assert built.about_scams is not None and built.about_scams.about_examples == len(ABOUT)
    assert build_exemplars(searcher.index, legit, encoder, previous=built, flags=flags).about_scams is (
        built.about_scams
    )
    no_fake = tuple(term for term in flags.about_scams_terms if "fake" not in term.source)
    fewer_terms = dataclasses.replace(flags, about_scams_terms=no_fake)  # the news story no longer counts
    retrained = build_exemplars(searcher.index, legit, encoder, previous=built, flags=fewer_terms)
    assert retrained.about_scams is not None and retrained.about_scams.about_examples == len(ABOUT) - 1
    assert retrained.classifier is built.classifier  # the scam classifier's sides did not change
    assert build_exemplars(searcher.index, legit, encoder, previous=built).about_scams is None


def test_the_probability_reads_the_mean_of_the_windows() -> None:
    model = AboutScamsModel(np.array([4.0, 0.0, 0.0]), -1.0, 5, 5)
    windows = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], dtype=np.float32)
    # The mean, re-normalised, is (1, 1, 0)/sqrt(2): decision 4/sqrt(2) - 1.
    assert model.probability(windows) == pytest.approx(1 / (1 + math.exp(-(4 / math.sqrt(2) - 1))))
    assert model.probability(windows[:0]) == 0.0
    assert model.probability(np.array([[1.0, 0.0, 0.0], [-1.0, 0.0, 0.0]], dtype=np.float32)) == 0.0


def test_the_core_lowers_a_case_study_about_scams_and_says_why(core: FraudCore) -> None:
    exemplars = core.exemplars
    assert exemplars.about_scams is not None and exemplars.about_scams.about_examples > 100
    data = core.data
    without = check_message(
        POLICE_ALERT,
        flags=data.red_flags,
        indicators=data.indicators,
        searcher=core.searcher,
        exemplars=dataclasses.replace(exemplars, about_scams=None),
    )
    assert without.risk == "high"  # the stock-tip group and the withdrawal tax are named signs
    result = core.check(POLICE_ALERT)
    assert result.risk == "low" and result.warning_phrase == "scam"
    assert "warning about scams" in result.summary and "“scam”" in result.summary
    assert {"teacher-group", "withdrawal-fee"} <= {s.name for s in result.signals}


def test_a_victim_asking_about_a_scam_that_is_happening_is_not_lowered(core: FraudCore) -> None:
    result = core.check(WORRIED_VICTIM)  # it says "scam" too, but reads as a scam under way
    assert result.risk == "medium" and result.warning_phrase is None
    assert {"withdrawal-fee", "resembles-known-scam"} <= {s.name for s in result.signals}


def test_a_message_about_scams_with_a_suspect_link_is_not_lowered(core: FraudCore) -> None:
    result = core.check(POLICE_ALERT + " Check your case at http://45.77.12.9/police-refund")
    assert result.risk == "high" and result.warning_phrase is None


def test_the_core_benchmark_times_the_model_beside_a_check(core: FraudCore) -> None:
    model = core.exemplars.about_scams
    assert model is not None
    rows = about_scams_rows(core)
    assert rows[0].startswith(f"Trained on {model.about_examples} messages about scams")
    assert rows[4].startswith("| choose the examples by the terms and train | ") and rows[4].count("/") == 2
