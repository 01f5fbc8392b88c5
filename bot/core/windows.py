"""Long messages cut into windows the embedding model can read whole (it stops after ~256 tokens).

Windows follow sentences: consecutive sentences are packed into a window while it has room for
:data:`WINDOW_WORDS` words, and a sentence longer than that is cut into pieces of that size. Windows do
not overlap, so every word is encoded exactly once and the cost of a long message grows only with its
length; keeping sentences whole means a warning sign is rarely cut in half at a window's edge.
"""

from __future__ import annotations

import re

WINDOW_WORDS = 150  # about 240 tokens of English: within the model's 256
MAX_WINDOWS = 40
MAX_TOKEN_CHARS = 60  # a "word" longer than this (a URL, a run of one letter) is split for the windows

_SENTENCE_END = re.compile(r"(?<=[.!?;。！？])\s+|\n+")


def _words(sentence: str) -> list[str]:
    return [
        word[i : i + MAX_TOKEN_CHARS]
        for word in sentence.split()
        for i in range(0, len(word), MAX_TOKEN_CHARS)
    ]


def text_windows(text: str, words: int = WINDOW_WORDS, max_windows: int = MAX_WINDOWS) -> list[str]:
    """Windows of at most ``words`` words covering all of ``text`` in order, sentences kept whole.

    More than ``max_windows`` windows (only text of thousands of one-letter words gets there) are thinned
    to ``max_windows`` evenly spaced ones.
    """
    windows: list[list[str]] = []
    current: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        pieces = _words(sentence)
        if current and len(current) + len(pieces) > words:
            windows.append(current)
            current = []
        while len(pieces) > words:
            windows.append(pieces[:words])
            pieces = pieces[words:]
        current += pieces
    if current:
        windows.append(current)
    if len(windows) > max_windows:
        step = len(windows) / max_windows
        windows = [windows[int(i * step)] for i in range(max_windows - 1)] + [windows[-1]]
    return [" ".join(window) for window in windows]
