"""The "is this a scam?" check: red flags, link and number findings, and advisory matches → a verdict.

Scoring
-------
* Every distinct warning sign found adds its weight once, however often it appears: the text flags of
  ``red_flags.yaml`` and, for what the link, number and wallet checks find, its ``indicator_flags``
  (a blocklisted domain, number or wallet weighs 6: high on its own).
* The total is compared with ``thresholds`` in ``red_flags.yaml``: at least ``high`` → high, at least
  ``medium`` → medium, otherwise low.
* Advisory similarity can only raise low to medium, never higher, and only when it is strong: the
  best-matching advisory *example message* has a dense cosine of at least ``strong_match`` and at least
  one weak sign was found, or a cosine of at least :data:`VERY_STRONG_EXAMPLE_MATCH` on its own.
  The verdict therefore rests on the named flags and links, not on retrieval quirks.

The whole message is checked: patterns run over all of it, and retrieval searches it in overlapping
windows of :data:`WINDOW_WORDS` words (the embedding model reads only ~256 tokens at a time), keeping
each advisory's best score. Only a hash of the text is kept.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.core.answers import AdvisoryMatch, citation_of, group_by_advisory, prefer_region, text_hash
from bot.core.check_text import next_steps, summary_text
from bot.core.indicator_data import IndicatorData
from bot.core.indicators import IndicatorReport, analyse_indicators
from bot.core.links import defang_text
from bot.core.red_flags import MAX_EVIDENCE, RedFlagSet, Thresholds, find_signals
from bot.core.results import CheckResult, Citation, RegionHotlines, Risk, Signal
from bot.retrieval.hits import SearchHit

SearchMany = Callable[[list[str], int], list[list[SearchHit]]]

MAX_CHECK_CHARS = 16_384  # four full Telegram messages; longer input is checked up to here, and says so
WINDOW_WORDS = 150
WINDOW_OVERLAP = 50
MAX_WINDOWS = 40
MAX_TOKEN_CHARS = 60  # a "word" longer than this (a URL, a run of one letter) is split for the windows
HITS_PER_WINDOW = 8
MAX_ADVISORIES = 3
MIN_CITATION_DENSE = 0.30  # an advisory less similar than this to every window is not cited
LOW_RISK_CITATION_DENSE = 0.55  # on a low result only clearly related advisories are shown
# Calibrated on the dev set with the bundled model: no legitimate message's best example match reached 0.75.
STRONG_EXAMPLE_MATCH = 0.75
VERY_STRONG_EXAMPLE_MATCH = 0.85


@dataclass(frozen=True)
class AdvisoryEvidence:
    """What retrieval says about a message: advisories best first, and the closest example message."""

    matches: list[AdvisoryMatch]
    best_example_dense: float


def check_message(
    text: str,
    *,
    flags: RedFlagSet,
    indicators: IndicatorData,
    search: SearchMany | None = None,
    hotlines: RegionHotlines | None = None,
    region: str | None = None,
    strong_match: float = STRONG_EXAMPLE_MATCH,
) -> CheckResult:
    """Check a suspicious message and return risk, signals, matching advisories and next steps.

    ``search`` runs several queries at once and returns hits per query (``Searcher.search_many``);
    without it no advisories are cited and the risk rests on flags and links alone. ``region`` (UK, US
    ...) prefers local advisories and reads phone numbers written without a country code.
    """
    checked = text[:MAX_CHECK_CHARS]
    signals = find_signals(checked, flags)
    report = analyse_indicators(checked, indicators, region=region)
    signals = _safe_evidence(signals) + indicator_signals(report, flags)
    evidence = match_advisories(checked, search) if search is not None else AdvisoryEvidence([], 0.0)
    risk = risk_level(total_weight(signals), flags.thresholds, evidence.best_example_dense, strong_match)
    return CheckResult(
        message_hash=text_hash(text),
        risk=risk,
        summary=summary_text(
            risk, signals, checked_chars=MAX_CHECK_CHARS if len(text) > MAX_CHECK_CHARS else None
        ),
        signals=tuple(signals),
        advisories=tuple(cite_advisories(evidence.matches, risk, region)),
        next_steps=next_steps(risk, signals, flags, hotlines),
        hotlines=hotlines,
        links=report.shown_links(),
        phones=report.phones,
    )


def total_weight(signals: Sequence[Signal]) -> int:
    """The sum of the weights of distinct signals (each name counts once)."""
    return sum({s.name: s.weight for s in signals}.values())


def risk_level(
    score: int,
    thresholds: Thresholds,
    best_example_dense: float = 0.0,
    strong_match: float = STRONG_EXAMPLE_MATCH,
) -> Risk:
    """The risk for a total weight; a strong example-message match may lift low (never more) to medium."""
    if score >= thresholds.high:
        return "high"
    if score >= thresholds.medium:
        return "medium"
    if (score >= 1 and best_example_dense >= strong_match) or best_example_dense >= VERY_STRONG_EXAMPLE_MATCH:
        return "medium"
    return "low"


def indicator_signals(report: IndicatorReport, flags: RedFlagSet) -> list[Signal]:
    """One signal per kind of link, number or wallet finding, strongest first, with what was found."""
    grouped: dict[str, list[str]] = {}
    for finding in report.findings:
        values = grouped.setdefault(finding.kind, [])
        if finding.value not in values and len(values) < MAX_EVIDENCE:
            values.append(finding.value)
    signals = [
        flags.indicator_flags[kind].signal(tuple(values))
        for kind, values in grouped.items()
        if kind in flags.indicator_flags
    ]
    return sorted(signals, key=lambda s: -s.weight)


def _safe_evidence(signals: list[Signal]) -> list[Signal]:
    # Evidence is shown back to the user: a link in it must never become clickable.
    return [
        Signal(s.name, s.label, tuple(defang_text(e) for e in s.evidence), s.explanation, s.weight)
        for s in signals
    ]


def text_windows(
    text: str, words: int = WINDOW_WORDS, overlap: int = WINDOW_OVERLAP, max_windows: int = MAX_WINDOWS
) -> list[str]:
    """Overlapping windows of ``words`` words covering all of ``text`` (at most ``max_windows``)."""
    tokens = [
        piece
        for word in text.split()
        for piece in (word[i : i + MAX_TOKEN_CHARS] for i in range(0, len(word), MAX_TOKEN_CHARS))
    ]
    if len(tokens) <= words:
        return [" ".join(tokens)] if tokens else []
    step = max(words - overlap, math.ceil((len(tokens) - words) / (max_windows - 1)))
    starts = [*range(0, len(tokens) - words, step), len(tokens) - words]
    return [" ".join(tokens[s : s + words]) for s in dict.fromkeys(starts)]


def match_advisories(text: str, search: SearchMany, per_window: int = HITS_PER_WINDOW) -> AdvisoryEvidence:
    """Search every window of ``text`` and merge the hits: each advisory keeps its best score."""
    windows = text_windows(text)
    if not windows:
        return AdvisoryEvidence([], 0.0)
    hits = [hit for window_hits in search(windows, per_window) for hit in window_hits]
    best_example = max((h.dense_score for h in hits if h.kind == "example"), default=0.0)
    return AdvisoryEvidence(group_by_advisory(hits), best_example)


def cite_advisories(
    matches: list[AdvisoryMatch], risk: Risk, region: str | None, limit: int = MAX_ADVISORIES
) -> list[Citation]:
    """The advisories to cite: close enough to the message, local ones first when their score is close."""
    floor = LOW_RISK_CITATION_DENSE if risk == "low" else MIN_CITATION_DENSE
    close = [m for m in matches if m.dense >= floor]
    return [citation_of(m.hits[0]) for m in prefer_region(close, region)[:limit]]
