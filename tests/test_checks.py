"""The scam check end to end: risk, words, next steps, long and hostile input, real search, the eval sets."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from bot.core.check_text import CHINESE_CHECK_NOTE, CHINESE_VERDICT_NOTES, OTHER_SCRIPT_NOTE, next_steps
from bot.core.checks import MAX_CHECK_CHARS, check_message, risk_level
from bot.core.eval_messages import evaluate, load_messages, main
from bot.core.indicator_data import IndicatorData
from bot.core.red_flags import RedFlagSet, Thresholds
from bot.core.results import CheckResult, Hotline, RegionHotlines
from bot.core.windows import text_windows
from bot.knowledge.loader import load_categories
from bot.retrieval.embedder import Encoder
from bot.retrieval.hits import SearchHit
from bot.retrieval.search import Searcher

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
EVAL_DIR = ROOT / "tests" / "eval"
MESSAGES = EVAL_DIR / "messages.yaml"
UK = RegionHotlines(
    "UK",
    "United Kingdom",
    (
        Hotline("Police emergency", "999", None, "https://www.police.uk/"),
        Hotline(
            "Action Fraud reporting", "0300 123 2040", "https://www.actionfraud.police.uk/", "https://x.uk/"
        ),
    ),
)
NOT_SAFE_PHRASE = "does not mean it is safe"


class RecordingSearcher:
    """The real searcher, noting every window it is asked to search."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.queries: list[str] = []

    @property
    def encoder(self) -> Encoder:
        return self.searcher.encoder

    def search_vectors(
        self, queries: list[str], vectors: npt.NDArray[np.float32], k: int
    ) -> list[list[SearchHit]]:
        self.queries.extend(queries)
        return self.searcher.search_vectors(queries, vectors, k)


def check(text: str, flags: RedFlagSet, indicators: IndicatorData, **kwargs: object) -> CheckResult:
    return check_message(text, flags=flags, indicators=indicators, region="UK", **kwargs)  # type: ignore[arg-type]


def all_text(result: CheckResult) -> str:
    return " ".join((result.summary, *result.next_steps))


@pytest.mark.parametrize(
    "text",
    [
        "Hi all, reminder that book club is at mine on Thursday. Bring snacks!",
        "Sorry, wrong number! Have a good day",  # a weak hint only
        "",
    ],
)
def test_low_never_reads_as_safe(text: str, flags: RedFlagSet, indicators: IndicatorData) -> None:
    result = check(text, flags, indicators, hotlines=UK)
    assert result.risk == "low"
    words = all_text(result)
    assert NOT_SAFE_PHRASE in words
    assert "no known warning sign" in words.lower() or "no strong warning sign" in words.lower()
    assert "Watch for" in words
    assert re.findall(r"\bsafe\w*", words.replace(NOT_SAFE_PHRASE, ""), re.IGNORECASE) == []


CHINESE_PARCEL_NOTICE = "【7-ELEVEN】您的包裹已到達門市，請於 7 天內持證件取貨，取件驗證碼 482913。"


def test_a_low_check_of_text_in_another_script_says_signs_may_have_been_missed(
    flags: RedFlagSet, indicators: IndicatorData
) -> None:
    """The red-flag phrases are English: "no known warning sign" means little for a message in Chinese."""
    result = check(CHINESE_PARCEL_NOTICE, flags, indicators, hotlines=UK)
    assert result.risk == "low"
    assert result.summary.endswith(f"{OTHER_SCRIPT_NOTE}\n{CHINESE_CHECK_NOTE}")
    assert NOT_SAFE_PHRASE in result.summary
    # Not for English text, and not when an operator says the model and phrases read other scripts too.
    assert OTHER_SCRIPT_NOTE not in check("See you at book club on Thursday!", flags, indicators).summary
    russian = check("Здравствуйте, посылка ждёт вас в отделении.", flags, indicators)
    assert russian.risk == "low" and russian.summary.endswith(OTHER_SCRIPT_NOTE)  # no Chinese line
    multilingual = check(CHINESE_PARCEL_NOTICE, flags, indicators, english_only=False)
    assert OTHER_SCRIPT_NOTE not in multilingual.summary


def test_a_warning_found_in_text_in_chinese_is_reported_and_said_in_chinese_too(
    flags: RedFlagSet, indicators: IndicatorData
) -> None:
    """Links are read whatever the script: a raw-IP link in a Chinese message is a warning sign, and whoever
    pasted the message reads the medium verdict in Chinese too, without the "signs may be missed" note."""
    result = check(CHINESE_PARCEL_NOTICE + " http://185.23.41.7/7-eleven/pay", flags, indicators)
    assert result.risk == "medium"
    assert [s.name for s in result.signals] == ["raw-ip-link"]
    assert OTHER_SCRIPT_NOTE not in result.summary
    assert result.summary.endswith("\n" + CHINESE_VERDICT_NOTES["medium"])
    # The same with a blocklisted number is high, said in Chinese as high; and with english_only off too.
    for english_only in (True, False):
        high = check(
            CHINESE_PARCEL_NOTICE + " 查詢請致電 +44 7700 900123",
            flags,
            indicators,
            english_only=english_only,
        )
        assert high.risk == "high" and high.summary.endswith("\n" + CHINESE_VERDICT_NOTES["high"])
    # Not for the same verdict on English text, nor on text in another script that is not Chinese.
    english = check("Your parcel is waiting: pay at http://185.23.41.7/7-eleven/pay", flags, indicators)
    assert english.risk == "medium" and "\n" not in english.summary
    russian = check("Здравствуйте, посылка ждёт вас: http://185.23.41.7/pay", flags, indicators)
    assert russian.risk == "medium" and "\n" not in russian.summary


def test_a_strong_scam_is_high_with_stop_steps_and_the_hotline(
    flags: RedFlagSet, indicators: IndicatorData
) -> None:
    text = (
        "Sir your account shows 186,000 USDT. To withdraw you must first pay 15% tax. Guaranteed returns! "
        "Download our app here: https://apex-trade.top/app.apk"
    )
    result = check(text, flags, indicators, hotlines=UK)
    assert result.risk == "high"
    names = {s.name for s in result.signals}
    assert {"withdrawal-fee", "guaranteed-returns", "unofficial-app-link", "unusual-tld"} <= names
    assert result.next_steps[0].startswith("Stop")
    assert "Report it: Action Fraud reporting: 0300 123 2040, https://www.actionfraud.police.uk/." in (
        result.next_steps
    )  # no contact is marked as taking reports: the fraud line, not the emergency number
    assert result.links == ("hxxps://apex-trade[.]top/app.apk",)
    assert result.hotlines is UK


def test_one_warning_sign_is_medium_with_check_first_steps(
    flags: RedFlagSet, indicators: IndicatorData
) -> None:
    result = check("Hi Mum, this is my new number, save it x", flags, indicators)
    assert result.risk == "medium"
    assert [s.name for s in result.signals] == ["new-number-family"]
    assert result.signals[0].evidence == ("this is my new number",)
    assert result.next_steps[0].startswith("Pause")
    assert any("number you already have" in step for step in result.next_steps)


def test_a_message_that_only_reads_like_a_known_scam_is_told_each_step_once(flags: RedFlagSet) -> None:
    similar = flags.similarity_flag
    steps = next_steps("medium", [similar.signal(())], flags, UK)
    assert sum("you already know" in step or "you already have" in step for step in steps) == 1
    assert any(step == similar.advice and "advisory" in step for step in steps)


HK = RegionHotlines(
    "HK",
    "Hong Kong",
    (
        Hotline("Police emergency", "999", None, "https://x.hk/"),
        Hotline("Anti-Scam Helpline (advice on suspected scams)", "18222", None, "https://x.hk/"),
        Hotline("Police e-Report Centre", None, "https://www.police.gov.hk", "https://x.hk/", reports=True),
    ),
)


def test_a_high_check_names_where_to_report_and_the_advice_line_when_it_is_another(
    flags: RedFlagSet,
) -> None:
    signal = flags.similarity_flag.signal(())
    high = next_steps("high", [signal], flags, HK)
    assert (
        "Report it: Police e-Report Centre: https://www.police.gov.hk. For advice on what to do: "
        "Anti-Scam Helpline (advice on suspected scams): 18222." in high
    )
    assert not any("999" in step for step in high)
    # the medium check's "ask for advice" step still names the helpline, not the report form
    medium = next_steps("medium", [signal], flags, HK)
    assert (
        "If you are unsure, ask for advice: Anti-Scam Helpline (advice on suspected scams), 18222." in medium
    )
    # when the advice line takes reports too, it is named once
    action_fraud = Hotline("Action Fraud", "0300 123 2040", None, "https://x.uk/", reports=True)
    uk = RegionHotlines("UK", "United Kingdom", (UK.contacts[0], action_fraud))
    assert "Report it: Action Fraud: 0300 123 2040." in next_steps("high", [signal], flags, uk)


def test_a_blocklisted_number_alone_makes_it_high(flags: RedFlagSet, indicators: IndicatorData) -> None:
    result = check("Please call us back on 07700 900123 about your account.", flags, indicators)
    assert result.risk == "high"
    assert result.phones == ("+44 7700 900123",)
    assert result.signals[0].name == "blocklisted-phone"


def test_only_a_hash_of_the_text_is_kept(flags: RedFlagSet, indicators: IndicatorData) -> None:
    text = "My private message with a secret name: Bartholomew"
    result = check(text, flags, indicators)
    assert result.message_hash == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert "Bartholomew" not in repr(result)


def test_evidence_never_contains_a_clickable_link(flags: RedFlagSet, indicators: IndicatorData) -> None:
    result = check("Verify your account here: https://evil-bank.top/login now", flags, indicators)
    shown = " ".join(e for s in result.signals for e in s.evidence)
    assert shown and "https://" not in shown and "evil-bank.top" not in shown


def test_a_sign_in_the_last_300_characters_of_a_4096_character_message_is_found(
    flags: RedFlagSet, indicators: IndicatorData
) -> None:
    tail = " By the way, please buy two Steam gift cards and send me the codes on the back."
    text = ("Lovely weather at the allotment, the beans are doing well this year. " * 70)[
        : 4096 - len(tail)
    ] + tail
    assert len(text) == 4096 and text.index("gift cards") > 4096 - 300
    result = check(text, flags, indicators)
    assert result.risk != "low"
    assert "gift-card-payment" in {s.name for s in result.signals}


def test_windows_cover_the_whole_text_once_in_order() -> None:
    words = [f"w{i}" for i in range(700)]
    windows = text_windows(" ".join(words))
    assert " ".join(windows).split() == words  # every word once, in order, no overlap
    assert [len(window.split()) for window in windows] == [150, 150, 150, 150, 100]
    assert len(text_windows("x " * 40_000)) == 40
    assert text_windows("   ") == []
    assert text_windows("a" * 130) == [" ".join(["a" * 60, "a" * 60, "a" * 10])]  # a long "word" is split


def test_windows_keep_sentences_whole_where_they_fit() -> None:
    sentence = " ".join(["word"] * 59) + " end."
    windows = text_windows(" ".join([sentence] * 5))  # five 60-word sentences
    assert [len(w.split()) for w in windows] == [120, 120, 60]
    assert all(w.endswith("end.") for w in windows)
    long_sentence = " ".join(f"x{i}" for i in range(320))
    windows = text_windows(f"Short one. {long_sentence}\nLast line here")
    assert [len(w.split()) for w in windows] == [2, 150, 150, 20 + 3]
    assert windows[0] == "Short one." and windows[-1].endswith("x319 Last line here")


def test_similarity_counts_towards_medium_never_towards_high() -> None:
    thresholds = Thresholds(medium=2, high=6)
    assert risk_level(0, thresholds, 2) == "medium"  # reads like a known scam, nothing else
    assert risk_level(1, thresholds, 1) == "medium"  # a weak hint plus a weak resemblance
    assert risk_level(0, thresholds, 1) == "low"  # a weak resemblance alone
    assert risk_level(1, thresholds, 0) == "low"
    assert risk_level(5, thresholds, 2) == "medium"  # never raised to high by similarity
    assert risk_level(6, thresholds, 0) == "high"


def test_long_messages_are_searched_in_full_with_the_real_searcher(
    searcher: Searcher, flags: RedFlagSet, indicators: IndicatorData
) -> None:
    recording = RecordingSearcher(searcher)
    tail = "WARNING! Your PC is infected with viruses. Call Microsoft Support, do not shut down the computer."
    text = ("We went to the seaside and had fish and chips on the pier with the grandchildren. " * 45) + tail
    result = check(text, flags, indicators, searcher=recording)
    queries = recording.queries
    assert len(queries) > 1 and queries[-1].endswith("shut down the computer.")
    assert result.advisories and result.advisories[0].advisory_id == "fx-techsupport"
    assert result.risk != "low"


def test_the_best_matching_advisories_are_cited(
    searcher: Searcher, flags: RedFlagSet, indicators: IndicatorData
) -> None:
    text = "Royal Mail: your parcel is on hold, unpaid shipping fee of £2.10. Pay at rm-parcel-fee.top today"
    result = check(text, flags, indicators, searcher=searcher)
    assert result.advisories[0].advisory_id == "fx-parcel"
    assert result.advisories[0].source_url.startswith("http")
    assert len(result.advisories) <= 3


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script><b>Guaranteed</b> returns &amp; <a href='http://1.2.3.4/x'>click</a>"
        * 30,
        "A" * 4096,
        "\x00\x07\x1b[2J\u202e" * 800,
        "💸🚀🔥" * 1400,
        "safe account " * 2000,
        "\ud800\udfff broken surrogates",
    ],
)
def test_hostile_input_does_not_crash(text: str, flags: RedFlagSet, indicators: IndicatorData) -> None:
    result = check(text, flags, indicators, hotlines=UK)
    assert result.risk in ("high", "medium", "low")
    assert result.next_steps


def test_very_long_input_is_checked_up_to_the_limit_and_says_so(
    flags: RedFlagSet, indicators: IndicatorData
) -> None:
    result = check("hello there " * 3000, flags, indicators)
    assert len("hello there " * 3000) > MAX_CHECK_CHARS
    assert f"first {MAX_CHECK_CHARS:,} characters" in result.summary


def test_the_dev_set_is_big_varied_and_meets_the_targets(
    flags: RedFlagSet, indicators: IndicatorData
) -> None:
    categories = load_categories(KNOWLEDGE)
    messages = load_messages(MESSAGES, categories)
    scams = [m for m in messages if m.label == "scam"]
    legit = [m for m in messages if m.label == "legit"]
    assert len(messages) >= 110 and len(scams) >= 75 and len(legit) >= 35
    assert {m.category for m in scams} == set(categories)
    report = evaluate(messages, flags=flags, indicators=indicators)
    assert report.detection_rate >= 0.92, report.missed_ids
    assert report.false_positive_rate <= 0.03, report.false_positive_ids


def test_the_eval_command_reports_both_rates(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--messages", str(MESSAGES), "--knowledge", str(KNOWLEDGE)])
    out = capsys.readouterr().out
    assert code == 0
    assert "detection rate" in out and "false-positive rate" in out and "targets met" in out


def test_a_broken_dev_set_is_reported_not_crashed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "messages.yaml"
    bad.write_text(
        "messages:\n  - {id: m-1, label: scam, category: none, text: hi}\n  - {id: m-1, label: maybe}\n"
    )
    assert main(["--messages", str(bad), "--knowledge", str(KNOWLEDGE)]) == 2
    assert "messages[1].label" in capsys.readouterr().err
