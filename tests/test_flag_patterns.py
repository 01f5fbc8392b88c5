"""The fast ASCII matching of red flags finds exactly what the Unicode matching finds."""

from __future__ import annotations

import re

import pytest
from bundled_messages import all_message_texts

import bot.core.flag_matching as flag_matching
from bot.core.flag_matching import find_signals
from bot.core.flag_patterns import MatchText, compile_flag_pattern, match_text
from bot.core.red_flags import RedFlagSet
from bot.core.text_tidy import normalize_text


def test_every_bundled_message_gets_the_same_signals_in_both_modes(
    flags: RedFlagSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = all_message_texts()
    assert len(texts) > 1500
    plain = [match_text(normalize_text(t)).plain for t in texts]
    assert sum(plain) > 0.9 * len(texts)  # the fast mode is what most messages get
    fast = [find_signals(t, flags) for t in texts]
    monkeypatch.setattr(flag_matching, "match_text", lambda tidy: MatchText(tidy, tidy, plain=False))
    unicode_only = [find_signals(t, flags) for t in texts]
    different = [i for i, (a, b) in enumerate(zip(fast, unicode_only, strict=True)) if a != b]
    assert different == []
    assert sum(bool(s) for s in fast) > len(texts) / 3  # the comparison is over real findings


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("Pay the FEE now 💰 £500!", True),
        ("Café owner says: pay now", False),  # é is a letter outside ASCII
        ("İSTANBUL customs fee", False),
        ("投资 group, pay now", False),
        ("", True),
    ],
)
def test_only_texts_without_non_ascii_letters_or_digits_take_the_fast_mode(text: str, plain: bool) -> None:
    matched = match_text(text)
    assert matched.plain is plain
    assert matched.text == (text.lower() if plain else text)


@pytest.mark.parametrize(
    ("source", "case_folded"),
    [
        (r"\bguaranteed\s+returns?\b", False),
        (r"\bteacher\s+[A-Z]?\w+\S*\b", True),  # an upper-case letter of its own keeps ignoring case
        (r"(?-i:OTP)\s+code", True),
        (r"\x41ccount", True),  # a letter spelled by number
        (r"\W\D\S\B\Ano\Z", False),  # class escapes are not letters
    ],
)
def test_expressions_that_cannot_run_case_sensitively_keep_ignoring_case(
    source: str, case_folded: bool
) -> None:
    pattern = compile_flag_pattern(source)
    assert bool(pattern.plain_text.flags & re.IGNORECASE) is case_folded
    assert pattern.source == source


def test_evidence_keeps_the_words_as_written(flags: RedFlagSet) -> None:
    signals = find_signals("We offer GUARANTEED Returns of 30% every month!", flags)
    evidence = [e for s in signals for e in s.evidence]
    assert any("GUARANTEED Returns" in e for e in evidence), evidence
