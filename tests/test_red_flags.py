"""Red flags: the real file loads, bad files are reported precisely, and matching finds the right words."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from bot.core.flag_matching import find_signals
from bot.core.indicators import FINDING_KINDS
from bot.core.red_flags import RedFlagSet, load_red_flags
from bot.core.text_tidy import normalize_text
from bot.knowledge.problems import KnowledgeFileError

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = ("investment-platform", "phishing")
KNOWLEDGE = ROOT / "knowledge"
# Names other parts (the investment checklist) refer to: they must keep existing under these exact names.
REQUIRED_NAMES = (
    "guaranteed-returns", "withdrawal-fee", "teacher-group", "small-early-profit", "urgency", "secrecy",
    "safe-account", "remote-access", "gift-card-payment", "move-to-private-chat", "unofficial-app-link",
    "crypto-only-payment", "upfront-fee", "recovery-offer", "unsolicited-contact", "invest-more-pressure",
    "prize-fee", "otp-request", "account-suspended-threat", "authority-threat", "new-number-family",
    "sextortion-threat", "task-deposit",
)  # fmt: skip

INDICATOR_FLAGS = """
indicator_flags:
""" + "".join(
    f"""  - name: {kind}
    label: {kind}
    explanation: Found by the link and number checks.
    categories: [phishing]
    weight: 2
"""
    for kind in FINDING_KINDS
)


def names(text: str, flags: RedFlagSet) -> set[str]:
    return {s.name for s in find_signals(text, flags)}


def write_flags(tmp_path: Path, flag_yaml: str, *, indicator_flags: str = INDICATOR_FLAGS) -> Path:
    path = tmp_path / "red_flags.yaml"
    path.write_text(
        "thresholds:\n  medium: 2\n  high: 6\nflags:\n" + flag_yaml + indicator_flags, encoding="utf-8"
    )
    return path


GOOD_FLAG = """  - name: guaranteed-returns
    label: Guaranteed returns
    explanation: Nobody can guarantee profits.
    categories: [investment-platform]
    weight: 3
    patterns:
      - 'guaranteed\\s+returns'
"""


def test_the_real_file_loads_with_every_required_name(flags: RedFlagSet) -> None:
    assert set(REQUIRED_NAMES) <= flags.names()
    assert set(FINDING_KINDS) <= set(flags.indicator_flags)
    assert flags.thresholds.medium < flags.thresholds.high
    for flag in flags.flags:
        assert flag.patterns, flag.name
        assert 1 <= flag.weight <= 3, flag.name


def test_a_bad_regex_is_reported_with_file_field_and_line(tmp_path: Path) -> None:
    bad = GOOD_FLAG + "      - 'guaranteed (returns'\n"
    path = write_flags(tmp_path, bad)
    with pytest.raises(KnowledgeFileError) as caught:
        load_red_flags(path, CATEGORIES)
    [problem] = caught.value.problems
    assert problem.path == path
    assert problem.field == "flags[0].patterns[1]"
    assert problem.line == 12
    assert "guaranteed-returns" in problem.message and "regular expression" in problem.message


def test_an_unknown_category_and_a_missing_field_are_named(tmp_path: Path) -> None:
    flag = GOOD_FLAG.replace("[investment-platform]", "[investment-platfrom]").replace(
        "    explanation: Nobody can guarantee profits.\n", ""
    )
    with pytest.raises(KnowledgeFileError) as caught:
        load_red_flags(write_flags(tmp_path, flag), CATEGORIES)
    fields = {p.field: p.message for p in caught.value.problems}
    assert fields == {"flags[0].explanation": "required field is missing"}
    with pytest.raises(KnowledgeFileError) as caught:
        load_red_flags(
            write_flags(tmp_path, GOOD_FLAG.replace("[investment-platform]", "[nope]")), CATEGORIES
        )
    [problem] = caught.value.problems
    assert problem.field == "flags[0].categories[0]" and "nope" in problem.message


def test_empty_matching_patterns_missing_indicator_entries_and_duplicates_are_errors(tmp_path: Path) -> None:
    flag = GOOD_FLAG + "      - 'x*'\n" + GOOD_FLAG
    indicators = INDICATOR_FLAGS.split("  - name: wallet-address")[0]
    with pytest.raises(KnowledgeFileError) as caught:
        load_red_flags(write_flags(tmp_path, flag, indicator_flags=indicators), None)
    messages = [f"{p.field}: {p.message}" for p in caught.value.problems]
    assert any(m.startswith("flags[0].patterns[1]") and "empty text" in m for m in messages)
    assert any(m.startswith("flags[1].name") and "used twice" in m for m in messages)
    assert any(m.startswith("indicator_flags") and "wallet-address" in m for m in messages)


def test_keeps_risk_is_read_for_indicator_flags_and_refused_on_a_text_flag(
    tmp_path: Path, flags: RedFlagSet
) -> None:
    assert not flags.indicator_flags["brand-link-mismatch"].keeps_risk  # a hint (knowledge/red_flags.yaml)
    assert flags.indicator_flags["raw-ip-link"].keeps_risk  # the default
    with pytest.raises(KnowledgeFileError) as caught:
        load_red_flags(write_flags(tmp_path, GOOD_FLAG + "    keeps_risk: false\n"), None)
    [problem] = caught.value.problems
    assert problem.field == "flags[0].keeps_risk" and "only for indicator_flags" in problem.message


def test_signals_carry_the_exact_words_that_triggered_them(flags: RedFlagSet) -> None:
    text = "Hello! Our AI bot gives Guaranteed returns of 3% daily. Guaranteed returns!! Act now."
    signals = {s.name: s for s in find_signals(text, flags)}
    assert signals["guaranteed-returns"].evidence == ("Guaranteed returns",)
    assert "3% daily" in signals["unrealistic-returns"].evidence
    assert signals["unrealistic-returns"].weight == 3
    assert signals["urgency"].evidence == ("Act now",)
    ordered = [s.weight for s in find_signals(text, flags)]
    assert ordered == sorted(ordered, reverse=True)


def test_a_negated_warning_in_the_same_sentence_does_not_count(flags: RedFlagSet) -> None:
    bank = "We will never ask you to move money to a safe account. We will never ask you to send us the OTP."
    assert names(bank, flags) == set()
    scam = "Your money is at risk. Move all of it to the safe account now and send us the OTP we texted you."
    assert {"safe-account", "otp-request"} <= names(scam, flags)
    assert names("Your new ISA is a safe place: transfer money in whenever you like.", flags) == set()


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("Wallet sync: enter your 12-word Secret Recovery Phrase to keep access.", "wallet-phrase-request"),
        ("Support needs your seed phrase to validate the wallet.", "wallet-phrase-request"),
        ("Please note our banking details have changed; pay the new account.", "payment-redirect"),
        ("They texted a code and asked me to read it back to cancel the payment.", "otp-request"),
        ("Now they want me to pay £100 for a merchant task to unlock the next level.", "task-deposit"),
        ("Your card was misused. Press 9 to be transferred to the police.", "authority-threat"),
        ("Dad, it's Ben. New number, old phone broke. Are you around?", "new-number-family"),
        ("They sometimes overpay, so please wire back any excess to my agent.", "overpayment"),
        ("The agent says I need to pay C$900 for loan insurance first.", "upfront-fee"),
        ("To claim, connect your wallet and pay the 0.05 ETH network gas fee.", "prize-fee"),
        ("Our bond desk can offer you 10.5% a year fixed, capital protected.", "high-fixed-return"),
        ("He said it's a fixed-rate bond paying 8.75% until 2029.", "high-fixed-return"),
        ("We trade in a friendly study group, sharing stock ideas every morning.", "teacher-group"),
        ("Seven evenings of live lectures on trading with our chief analyst.", "teacher-group"),
        ("Top students get a quota of our internal fund at launch.", "insider-tip"),
        ("Deposit the subscription funds by noon or credit score will be deducted.", "invest-more-pressure"),
        ("The mentor told me to buy only through their own app.", "unofficial-app-link"),
        ("Your mailbox is full: re-validate your mailbox today or lose messages.", "verify-via-link"),
        ("Log in with your network credentials to keep access.", "verify-via-link"),
        ("A solicitor rang, said his firm can get the money back for me.", "recovery-offer"),
        ("Approved! Pay the first two months' repayments upfront and the loan is yours.", "upfront-fee"),
        ("I won a tablet on a quiz site but they want a £3 delivery fee.", "prize-fee"),
        ("Our security team has opened a secure account: move your balance there today.", "safe-account"),
        ("A protected account is ready in your name; transfer your savings into it by 5pm.", "safe-account"),
        ("Scratch the back of the cards and send me photos of the codes.", "gift-card-payment"),
    ],
)
def test_well_known_scam_requests_are_named(text: str, flag: str, flags: RedFlagSet) -> None:
    assert flag in names(text, flags)


def test_a_wallet_telling_you_never_to_share_the_phrase_is_not_a_request(flags: RedFlagSet) -> None:
    text = "Reminder: we will never ask you to share your secret recovery phrase with anyone."
    assert "wallet-phrase-request" not in names(text, flags)


def test_disguised_letters_and_invisible_characters_do_not_hide_a_sign(flags: RedFlagSet) -> None:
    assert "guaranteed-returns" in names("𝐆𝐮𝐚𝐫𝐚𝐧𝐭𝐞𝐞𝐝 𝐫𝐞𝐭𝐮𝐫𝐧𝐬 for all members", flags)
    assert "safe-account" in names("transfer it to a sa\u200bfe acc\u00adount today", flags)
    assert "secrecy" in names("Don’t tell your bank about this", flags)
    assert normalize_text("a \t b\r\n\n\n c\x00d") == "a b\nc d"


def test_every_control_character_but_the_line_break_becomes_a_space() -> None:
    controls = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cc" and chr(c) != "\n"]
    assert len(controls) == 64
    assert all(normalize_text(f"a{c}b") in {"a b", "a\nb"} for c in controls)  # \x85 and \r are line breaks


@pytest.mark.parametrize(
    "text",
    [
        "I put £100 into my index fund this month, no guarantees but it's averaged 7% a year.",
        "The bank says they will never ask for your PIN, so I told the caller no and hung up.",
        "Can you send me the code for the Wi-Fi? The one on the router doesn't work.",
        "Mum's in hospital, the parking fees are awful. Can you send me the ward number?",
        "My daughter's teacher says the class is learning about the stock market this term.",
        "Reminder: your boiler service is on Thursday, the engineer will show ID.",
        "Your loan: a fixed rate of 9.9% APR over 36 months.",
        "Our 2-year fixed savings account pays 4.6% a year.",
        "Dad's bond is 4.9% fixed, and the fixed-rate ISA at 3.8% is fine too.",
        "Your dental appointment is on Monday. To cancel or rearrange, call the surgery.",
        "Your replacement card is on its way; your old card has been cancelled.",
        "Your parcel is ready to collect: bring photo ID and your collection code 44 9917.",
    ],
)
def test_ordinary_talk_about_money_raises_no_warning_sign(text: str, flags: RedFlagSet) -> None:
    assert [s.name for s in find_signals(text, flags) if s.weight >= 2] == []


def test_a_sign_at_the_very_end_of_a_long_message_is_found(flags: RedFlagSet) -> None:
    tail = " Please install AnyDesk so I can fix it."
    text = ("We had a lovely walk by the river today and the weather was kind. " * 80)[
        : 4096 - len(tail)
    ] + tail
    assert len(text) == 4096
    assert "remote-access" in names(text, flags)


@pytest.mark.parametrize(
    "text",
    [
        "<b>guaranteed</b> <a href='x'>returns</a><script>alert(1)</script>" * 50,
        "a" * 20_000,
        "!" * 4096,
        "\x00\x01\x02\x1b[31m control \x7f" * 200,
        "🙂💰📈" * 1500,
        "guaranteed " * 1000,
        "\ud800 lone surrogate and guaranteed returns",
        "",
    ],
)
def test_hostile_input_does_not_crash(text: str, flags: RedFlagSet) -> None:
    signals = find_signals(text, flags)
    assert all(s.evidence and all(len(e) <= 81 for e in s.evidence) for s in signals)
