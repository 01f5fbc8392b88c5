"""Telling text written mostly in another script from English, which the bundled model reads."""

from __future__ import annotations

import pytest

from bot.core.script import has_chinese, latin_share, other_script


@pytest.mark.parametrize(
    "text",
    [
        "Is this a scam?",
        "Café, naïve, Ægir and Øresund are Latin letters too",
        "Ｆｕｌｌｗｉｄｔｈ letters are Latin",
        "🚀📈 $14,600 +44 7700 900123",  # no letters at all
        "",
        "Teacher Chen 陳老師 says buy 2330 now, VIP room only",  # mostly English with a name in Chinese
    ],
)
def test_english_and_latin_text_is_read(text: str) -> None:
    assert not other_script(text)


@pytest.mark.parametrize(
    "text",
    [
        "我被拉進股票群，老師說可以賺錢，是詐騙嗎？",
        "你好！I'm Kelly, 陳sir嘅助理 😊 多謝你加入「港股財富研習社」。陳sir 每個交易日早上會喺群分享",
        "Здравствуйте, это служба безопасности банка",
        "مرحبا، هذا البنك الخاص بك",
    ],
)
def test_text_mostly_in_another_script_is_told_apart(text: str) -> None:
    assert other_script(text)


def test_latin_share_counts_letters_only() -> None:
    assert latin_share("ab 你好 12 !!") == pytest.approx(0.5)
    assert latin_share("123") == 1.0


def test_chinese_characters_are_told_from_other_scripts() -> None:
    assert has_chinese("我被騙了") and has_chinese("我被骗了") and has_chinese("Teacher 陳")
    assert (
        not has_chinese("Здравствуйте")
        and not has_chinese("こんにちは")
        and not has_chinese("Is this a scam?")
    )


def test_the_quick_ascii_count_decides_as_counting_every_letter_does() -> None:
    """other_script answers most text from its ASCII letters alone; it must agree with latin_share."""
    pieces = ["ab", "Éé", "ü", "中文", "字", "при", "ت", " ", "12", "!?", "😀", "\n", "Ｆ"]
    texts = [
        "".join(pieces[(seed * 7 + i * 3) % len(pieces)] for i in range(seed % 23)) for seed in range(600)
    ]
    texts += ["ab 你好", "ab 你好你", "é中", "éé中", "ÉÉÉ ab 中中中中中"]
    for text in texts:
        assert other_script(text) == (latin_share(text) < 0.5), text
