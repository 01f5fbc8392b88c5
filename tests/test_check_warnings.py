"""Messages that warn about scams: low with a summary that says so, unless their links or signs say more."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from test_similarity import GOOD_SIMILARITY, red_flags_file

from bot.core.checks import check_message
from bot.core.exemplars import ExemplarSet
from bot.core.flag_matching import prepare_text, warning_phrase
from bot.core.indicator_data import IndicatorData
from bot.core.red_flags import RedFlagSet, load_red_flags
from bot.core.results import CheckResult
from bot.core.service import FraudCore
from bot.core.similarity import Resemblance, probability_below
from bot.knowledge.problems import KnowledgeFileError
from bot.retrieval.search import Searcher
from bot.telegram import render

BANK_NOTICE = (
    "Scammers may tell you your account is at risk and ask you to move money to a safe account. "
    "We will never ask you to do that."
)
SCHOOL_WARNING = (
    "Dear parents: if someone offers your child money to like videos or rate hotels online and then asks "
    "them to top up an account to unlock their earnings, please report it."
)


def check(
    text: str,
    flags: RedFlagSet,
    indicators: IndicatorData,
    searcher: Searcher | None = None,
    exemplars: ExemplarSet | None = None,
) -> CheckResult:
    return check_message(
        text, flags=flags, indicators=indicators, searcher=searcher, exemplars=exemplars, region="UK"
    )


@pytest.mark.parametrize("text", [BANK_NOTICE, SCHOOL_WARNING])
def test_a_warning_about_scams_is_low_and_names_what_it_describes(
    text: str, flags: RedFlagSet, indicators: IndicatorData
) -> None:
    result = check(text, flags, indicators)
    assert result.risk == "low"
    assert result.warning_phrase
    assert result.signals  # the signs it describes are still shown
    assert "warning about scams" in result.summary
    assert result.signals[0].label in result.summary
    assert "treat that request as a scam" in result.summary
    words = result.summary
    for signal in result.signals:
        words = words.replace(signal.label, "")
    assert "safe" not in words.lower()  # it never says the message is safe
    shown = render.check(result)[0]
    assert shown.startswith(render.WARNING_HEADER) and "does not mean it is safe" in shown


def test_a_link_that_is_only_a_hint_does_not_stop_a_warning_from_reading_as_one(
    flags: RedFlagSet, indicators: IndicatorData
) -> None:
    text = (
        "HSBC: scammers may ask you to move money to a safe account. We will never ask you to do that. "
        "More on scams: https://www.moneyhelper.org.uk/en/money-troubles/scams"
    )
    result = check(text, flags, indicators)
    assert "brand-link-mismatch" in {s.name for s in result.signals}  # its weight still counts
    assert result.risk == "low" and result.warning_phrase
    hint = flags.indicator_flags["brand-link-mismatch"]
    strict = replace(
        flags, indicator_flags={**flags.indicator_flags, hint.name: replace(hint, keeps_risk=True)}
    )
    kept = check(text, strict, indicators)
    assert kept.risk == "medium" and kept.warning_phrase is None


def test_the_same_warning_with_a_suspect_link_stays_medium(
    flags: RedFlagSet, indicators: IndicatorData
) -> None:
    text = BANK_NOTICE + " Check your account now: https://secure-bank-check.top/login"
    result = check(text, flags, indicators)
    assert result.risk != "low"
    assert result.warning_phrase is None


def test_a_warning_phrase_does_not_lower_a_high_risk(flags: RedFlagSet, indicators: IndicatorData) -> None:
    text = (
        "We will never ask for your PIN. Your account shows 186,000 USDT with guaranteed returns. "
        "To withdraw you must first pay 15% tax to our custodian account."
    )
    result = check(text, flags, indicators)
    assert result.risk == "high"
    assert result.warning_phrase is None


@pytest.mark.parametrize(
    "text",
    [
        "Reminder: Coinbase will never ask you to move crypto to a new wallet.",
        "No one from Amazon will ever ask to control your computer.",
        "Police say victims are often contacted on social media first.",
        "SCAM ALERT: fake parcel texts are going round again.",
        "News summary: losses to fake trading apps rose again this quarter.",
        "Saw this on the news: a man lost his savings to a 'stock teacher' group.",
        "Sharing this so others can learn from my mistake: the 'broker' wanted a release fee.",
        "Someone made a fake profile with my photos. It's not me, please don't send it money.",
        "5 signs it's an investment scam: guaranteed returns, pressure, fees to withdraw.",
        "We've stopped a card payment. Ring the number on the back of your card, not this one.",
        "My neighbour had a text about a parcel fee and I told him it's a scam.",
        "Read this story about fake trading groups and warn your mum please.",
        "Pension cold calling is banned, so hang up on anyone who rings about your pension.",
    ],
)
def test_common_warning_wording_is_recognised(text: str, flags: RedFlagSet) -> None:
    assert warning_phrase(text, flags)


@pytest.mark.parametrize(
    "text",
    [
        "If anyone from the bank calls you, do not tell them about our investigation. Keep it secret.",
        "I will never ask you for money, my love. But the customs fee must be paid today.",
        "If someone asks why you are moving the money, say it is for a family holiday.",
        "FRAUD ALERT: a payment of £950 is pending. Reply NO and call us now to secure your account.",
        "Police say your account is linked to a crime and your money must move to a safe account.",
        "Don't share this with others, the teacher only lets members in.",
    ],
)
def test_scammers_coaching_their_victims_is_not_read_as_a_warning(text: str, flags: RedFlagSet) -> None:
    assert warning_phrase(text, flags) is None


def test_a_victims_story_told_to_warn_others_is_low(flags: RedFlagSet, indicators: IndicatorData) -> None:
    text = (
        "Posting this so nobody else falls for it. Last year my uncle paid a 'recovery agent' who said he "
        "could recover the money he lost to a crypto site."
    )
    result = check(text, flags, indicators)
    assert result.signals and result.risk == "low" and result.warning_phrase == "Posting this so"


@pytest.mark.parametrize(
    ("key", "owner"), [("warning_phrases", "warning phrase"), ("about_scams_terms", "about-scams term")]
)
def test_a_broken_warning_phrase_or_term_is_named(
    tmp_path: Path, flags: RedFlagSet, key: str, owner: str
) -> None:
    source = flags.path.read_text(encoding="utf-8")
    broken = source.replace(f"{key}:\n", f"{key}:\n  - '(unclosed'\n", 1)
    assert broken != source
    path = tmp_path / "red_flags.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(KnowledgeFileError) as caught:
        load_red_flags(path)
    problem = caught.value.problems[0]
    assert problem.field == f"{key}[0]"
    assert f"{owner}: not a valid regular expression" in problem.message


BANK_ALERT = (
    "Scam alert from your bank: fraudsters pose as investment teachers in WhatsApp groups, promise "
    "guaranteed returns of 30% a week and later demand a withdrawal fee before you can take your money "
    "out. We will never ask you to pay a fee to withdraw."
)
CAMOUFLAGE = (
    "We will never ask for your PIN. Your account shows 186,000 USDT with guaranteed returns. "
    "To withdraw you must first pay 15% tax to our custodian account."
)


def test_a_warning_with_strong_signs_is_low_when_the_classifier_finds_it_unlike_the_scams(
    core: FraudCore,
) -> None:
    assert core.data.red_flags.thresholds.similarity.warning_high_below == 0.3
    result = core.check(BANK_ALERT)
    assert result.risk == "low" and result.warning_phrase
    assert "warning about scams" in result.summary
    assert {"guaranteed-returns", "withdrawal-fee"} <= {s.name for s in result.signals}


def test_a_scam_that_opens_with_a_warning_phrase_stays_high(core: FraudCore) -> None:
    # The classifier finds it scam-like (0.67 with the bundled advisories, 0.46 with the tests' fixture
    # ones: both above warning_high_below), so its warning phrase does not count.
    result = core.check(CAMOUFLAGE)
    assert result.risk == "high" and result.warning_phrase is None


FAKE_CALLER = (
    "Good afternoon, this is Inspector Tan from the Commercial Affairs Department. Please note the police "
    "will never ask you to transfer money to a personal account. Your bank account has been linked to a "
    "money laundering case. Do not tell anyone, including your family, while we investigate. "
    "Stay on the line."
)


def test_a_warning_phrase_does_not_lower_a_message_that_reads_like_a_known_scam(
    real_searcher: Searcher, real_exemplars: ExemplarSet, flags: RedFlagSet, indicators: IndicatorData
) -> None:
    # Fake bank and police callers recite the disclaimer too. On its named sign alone it reads as a warning.
    # The bundled advisories and training messages (not the tests' fixture advisories, with which this text
    # falls below the similarity bar since #53 to #64 joined the training) make it read like a known scam.
    assert warning_phrase(prepare_text(FAKE_CALLER), flags)
    assert check(FAKE_CALLER, flags, indicators).risk == "low"
    result = check(FAKE_CALLER, flags, indicators, real_searcher, real_exemplars)
    assert "resembles-known-scam" in {s.name for s in result.signals}
    assert result.risk == "medium" and result.warning_phrase is None


def test_a_scam_dressed_as_a_fraud_warning_still_names_the_safe_account(
    flags: RedFlagSet, indicators: IndicatorData
) -> None:
    text = (
        "Beware of fraudsters! Our security team noticed suspicious logins on your profile and has opened a "
        "secure account for you: move your balance there today to keep it safe."
    )
    result = check(text, flags, indicators)
    assert "safe-account" in {s.name for s in result.signals}
    assert result.risk != "low" and result.warning_phrase is None


def test_without_the_settings_strong_signs_stay_high(
    core: FraudCore, monkeypatch: pytest.MonkeyPatch
) -> None:
    flags = core.data.red_flags
    # Neither the warning phrase ("Scam alert") nor the "talks about scams" model may lower it then.
    rule = replace(flags.thresholds.similarity, warning_high_below=None, about_scams_above=None)
    without = replace(flags, thresholds=replace(flags.thresholds, similarity=rule))
    monkeypatch.setattr(core, "_data", replace(core.data, red_flags=without))
    assert core.check(BANK_ALERT).risk == "high"


def test_probability_below_needs_both_a_probability_and_a_threshold() -> None:
    assert probability_below(Resemblance(0.2, 0, 0), 0.5)
    assert not probability_below(Resemblance(0.5, 0, 0), 0.5)
    assert not probability_below(None, 0.5) and not probability_below(Resemblance(0.2, 0, 0), None)


def test_the_high_warning_threshold_loads_and_is_bounded(tmp_path: Path) -> None:
    setting = GOOD_SIMILARITY.replace("weight: 2", "weight: 2, warning_high_below: 0.5")
    assert load_red_flags(red_flags_file(tmp_path, setting)).thresholds.similarity.warning_high_below == 0.5
    with pytest.raises(KnowledgeFileError) as caught:
        load_red_flags(red_flags_file(tmp_path, setting.replace("0.5", "1.5")))
    assert "warning_high_below" in str(caught.value)
