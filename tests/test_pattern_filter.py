"""The RE2 filter skips only expressions that cannot match, and steps aside where RE2 reads differently."""

from __future__ import annotations

import pytest
from bundled_messages import all_message_texts

from bot.core.flag_matching import find_signals, prepare_text
from bot.core.indicator_data import IndicatorData
from bot.core.pattern_filter import PatternFilter, reads_as_ascii
from bot.core.red_flags import RedFlagSet


def test_no_pattern_that_matches_a_bundled_message_is_skipped(flags: RedFlagSet) -> None:
    texts = all_message_texts()
    patterns = [pattern for flag in flags.flags for pattern in flag.patterns]
    filtered = 0
    candidates = 0
    for text in texts:
        matched = prepare_text(text)
        possible = flags.possible_patterns(matched)
        if possible is None:
            continue
        filtered += 1
        candidates += len(possible)
        skipped = [p.source for p in patterns if p not in possible and p.on(matched).search(matched.text)]
        assert skipped == [], text
    assert filtered > 0.9 * len(texts)  # most messages are filtered ...
    assert candidates < 0.1 * filtered * len(patterns)  # ... and most patterns skipped on them


def test_signals_are_the_same_without_the_filter(flags: RedFlagSet) -> None:
    texts = all_message_texts()
    filtered = [find_signals(t, flags) for t in texts]
    assert [find_signals(t, flags, filtered=False) for t in texts] == filtered
    assert sum(bool(s) for s in filtered) > len(texts) / 3


def test_brand_mentions_are_the_same_without_the_filter(indicators: IndicatorData) -> None:
    texts = [*all_message_texts(), "Your PayPal and Royal Mail parcel", "ups and downs, UPS parcel"]
    found = [indicators.mentioned(t) for t in texts]
    assert found == [[b for b in indicators.brands if b.mention.search(t)] for t in texts]
    assert found == [indicators.mentioned(t, filtered=False) for t in texts]
    assert sum(bool(f) for f in found) > 50


@pytest.mark.parametrize(
    "text",
    [
        "Pay\u00a0now",  # a space outside ASCII: Python's \s reads it, RE2's does not
        "Café fee",  # a letter outside ASCII: Python's \w and \b read it
        "٣ days",  # a digit outside ASCII
        "pay\vnow",  # a vertical tab: Python's \s reads it, RE2's does not
        "pay\x1cnow",
    ],
)
def test_texts_read_differently_by_re2_are_not_filtered(text: str) -> None:
    assert not reads_as_ascii(text)
    assert PatternFilter.build([r"pay\s+now", r"fee"]).possible(text) is None


def test_ascii_texts_with_emoji_and_currency_signs_are_filtered() -> None:
    assert reads_as_ascii("Pay £500 now 💰 – “today”")
    assert PatternFilter.build([r"pay\s+£\d+", r"refund"]).possible("Pay £500 now 💰") == {0}


def test_lone_surrogates_turn_the_filter_off() -> None:
    assert PatternFilter.build([r"pay"]).possible("pay \ud800") is None


def test_expressions_re2_cannot_read_as_python_does_always_run() -> None:
    sources = [
        r"(?<![\d.])\d+%",  # a look-behind
        r"\b(\w+) \1\b",  # a back-reference
        r"pay{,3}",  # Python: at most 3; RE2: a literal "{,3}"
        r"[[:alpha:]]+ fee",  # RE2: a class; Python: a set holding "[" and ":"
        r"refund",
    ]
    test_filter = PatternFilter.build(sources)
    assert test_filter.always == {0, 1, 2, 3}
    assert test_filter.possible("nothing here") == {0, 1, 2, 3}
    assert test_filter.possible("a REFUND is due") == {0, 1, 2, 3, 4}


def test_re2_reads_lines_and_dots_at_least_as_widely_as_python() -> None:
    test_filter = PatternFilter.build([r"^pay now$", r"pay.now", r"(?-i:OTP) code"])
    assert test_filter.possible("Hello\nPAY NOW\nbye") == {0, 1}
    assert test_filter.possible("pay\nnow") == {1}  # Python's dot stops at a newline; RE2's may not
    assert test_filter.possible("otp code") == set()
    assert test_filter.possible("OTP CODE") == {2}


class _GaveUp:
    """An RE2 set that ran out of memory: its match reports nothing, not even the sentinel."""

    def Match(self, text: str) -> None:
        return None


def test_a_set_that_gave_up_runs_every_expression() -> None:
    built = PatternFilter.build([r"pay", r"fee"])
    gave_up = PatternFilter(_GaveUp(), built.set_index, built.always)  # type: ignore[arg-type]
    assert gave_up.possible("pay the fee") is None
