"""Which writing system a message uses: the bundled model and the red-flag phrases read English only.

all-MiniLM-L6-v2 was trained on English; the advisories and ``red_flags.yaml`` are written in English.
A question in Chinese still gets vectors, but they say little about its meaning, so an answer drawn
from them can confidently quote the wrong scam. Latin letters stand in for English here: telling
English from French would need a language model, while telling Latin from Han, Cyrillic or Arabic
letters needs only their code points.
"""

from __future__ import annotations

import functools
import unicodedata

LATIN_SHARE = 0.5  # text with fewer Latin letters than this share of its letters is "another script"
_NOT_ASCII_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())


@functools.lru_cache(maxsize=8192)  # a long Chinese message repeats its characters: look each name up once
def _is_latin(letter: str) -> bool:
    return letter.isascii() or unicodedata.name(letter, "").startswith(("LATIN", "FULLWIDTH LATIN"))


def latin_share(text: str) -> float:
    """The share of the letters in ``text`` that are Latin letters (1.0 when it has no letters)."""
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return 1.0
    return sum(_is_latin(char) for char in letters) / len(letters)


def has_chinese(text: str) -> bool:
    """Whether ``text`` holds Chinese characters (CJK unified ideographs)."""
    return any(
        unicodedata.name(char, "").startswith("CJK UNIFIED IDEOGRAPH") for char in text if char.isalpha()
    )


def other_script(text: str) -> bool:
    """Whether ``text`` is written mostly in a script other than Latin (Chinese, Cyrillic, Arabic ...)."""
    # When its ASCII letters are at least as many as all its other characters, Latin letters are at least
    # half its letters: decided in a few microseconds, where counting every letter takes ~0.3 ms at 4,096.
    ascii_part = text.encode("ascii", "ignore")
    if len(ascii_part.translate(None, _NOT_ASCII_LETTERS)) >= len(text) - len(ascii_part):
        return False
    return latin_share(text) < LATIN_SHARE
