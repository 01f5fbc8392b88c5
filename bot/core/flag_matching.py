"""Finding the named warning signs of ``red_flags.yaml`` in a message, with the words that triggered each.

Matching runs on a tidied copy of the message (see :func:`~bot.core.text_tidy.normalize_text`) so
look-alike Unicode letters, curly quotes and invisible characters do not hide a warning sign. The same
tidied text serves the warning phrases and the terms that mention scams.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from bot.core.flag_model import RedFlag, RedFlagSet
from bot.core.flag_patterns import FlagPattern, MatchText, match_text
from bot.core.results import Signal
from bot.core.text_tidy import normalize_text

MAX_EVIDENCE = 3  # distinct evidence fragments kept per signal
MAX_EVIDENCE_CHARS = 80
MAX_MATCHES_PER_PATTERN = 20  # bounds the work on hostile, endlessly repeated input

_SENTENCE_END = re.compile(r"[.!?;](?=\s|$)|\n")


def prepare_text(text: str) -> MatchText:
    """``text`` tidied (see :func:`normalize_text`) and ready for matching (prepare once, match often)."""
    return match_text(normalize_text(text))


def find_signals(text: str | MatchText, flags: RedFlagSet, *, filtered: bool = True) -> list[Signal]:
    """The red flags found in ``text``, strongest first, each with its evidence words.

    The whole text is searched (no truncation). A match is dropped when one of the flag's ``unless``
    expressions occurs in the same sentence, so "we will never ask for your PIN" does not count.
    Patterns RE2 finds nowhere in the text are skipped (:mod:`bot.core.pattern_filter`); with
    ``filtered=False`` every pattern runs (the same result, slower: the benchmarks' baseline).
    """
    matched = text if isinstance(text, MatchText) else prepare_text(text)
    sentence_ends = [m.start() for m in _SENTENCE_END.finditer(matched.tidy)]
    possible = flags.possible_patterns(matched) if filtered else None
    found: list[tuple[int, int, Signal]] = []
    for order, flag in enumerate(flags.flags):
        patterns = flag.patterns if possible is None else [p for p in flag.patterns if p in possible]
        first, evidence = _evidence(flag, patterns, matched, sentence_ends)
        if evidence:
            found.append((first, order, flag.signal(evidence)))
    found.sort(key=lambda item: (-item[2].weight, item[0], item[1]))
    return [signal for _, _, signal in found]


def _evidence(
    flag: RedFlag, patterns: Sequence[FlagPattern], matched: MatchText, sentence_ends: list[int]
) -> tuple[int, tuple[str, ...]]:
    first = len(matched.tidy)
    fragments: dict[str, str] = {}
    spans: list[tuple[int, int]] = []
    for pattern in patterns:
        for count, match in enumerate(pattern.on(matched).finditer(matched.text)):
            if count >= MAX_MATCHES_PER_PATTERN:
                break
            start, end = match.span()
            if len(fragments) >= MAX_EVIDENCE and start >= first:
                break  # later matches can neither add evidence nor come first
            fragment = tidy_evidence(matched.tidy[start:end])  # the words as written, not lower-cased
            if not fragment or (flag.unless and _cancelled(flag, matched, sentence_ends, start, end)):
                continue
            first = min(first, start)
            # Words already shown in another fragment are not shown twice.
            if len(fragments) < MAX_EVIDENCE and not any(start < e and s < end for s, e in spans):
                spans.append((start, end))
                fragments.setdefault(fragment.casefold(), fragment)
    return first, tuple(fragments.values())


def _cancelled(flag: RedFlag, matched: MatchText, ends: list[int], start: int, end: int) -> bool:
    before = bisect.bisect_left(ends, start)
    left = ends[before - 1] + 1 if before else 0
    after = bisect.bisect_left(ends, end)
    right = ends[after] if after < len(ends) else len(matched.text)
    sentence = matched.text[left:right]
    return any(pattern.on(matched).search(sentence) for pattern in flag.unless)


def warning_phrase(text: str | MatchText, flags: RedFlagSet) -> str | None:
    """The first of ``warning_phrases`` in ``text`` ("we will never ask you ...", "scam alert"), or None.

    Such a phrase marks a message that warns about scams rather than makes one: a bank notice, a police
    advisory, a relative warning the family.
    """
    return _first_found(text, flags.warning_phrases)


def scam_mention(text: str | MatchText, flags: RedFlagSet) -> str | None:
    """The first of ``about_scams_terms`` in ``text`` ("scammers", "fraud", "詐騙"), or None."""
    return _first_found(text, flags.about_scams_terms)


def _first_found(text: str | MatchText, patterns: tuple[FlagPattern, ...]) -> str | None:
    matched = text if isinstance(text, MatchText) else prepare_text(text)
    for pattern in patterns:
        found = pattern.on(matched).search(matched.text)
        if found is not None:
            return tidy_evidence(matched.tidy[found.start() : found.end()])
    return None


def tidy_evidence(fragment: str) -> str:
    """A matched fragment trimmed of edge punctuation and spaces, and cut to a readable length."""
    text = " ".join(fragment.split()).strip(" .,;:!?-'\"()")
    if len(text) > MAX_EVIDENCE_CHARS:
        text = text[:MAX_EVIDENCE_CHARS].rsplit(" ", 1)[0].rstrip(" .,;:") + "…"
    return text
