"""The "is this a scam?" check: red flags, link and number findings, and advisory matches → a verdict.

Scoring
-------
* Every distinct warning sign found adds its weight once, however often it appears: the text flags of
  ``red_flags.yaml`` and, for what the link, number and wallet checks find, its ``indicator_flags``
  (a blocklisted domain, number or wallet weighs 6: high on its own).
* The total is compared with ``thresholds`` in ``red_flags.yaml``: at least ``high`` → high, at least
  ``medium`` → medium, otherwise low.
* Similarity to known scams (:mod:`bot.core.similarity`) adds the ``resembles-known-scam`` signal when
  a classifier trained on the advisories' example messages and the operator's labelled and legitimate
  examples finds a window of the message likely enough to be a scam: weight
  ``thresholds.similarity.weight`` (2: medium on its own). This weight counts towards medium only,
  never towards high: high rests on the named flags and links.
* A message that would be medium but contains one of ``warning_phrases`` ("we will never ask for ...",
  "if someone offers you ...") and has nothing suspect in its links, numbers or wallets warns about scams
  rather than makes one: it is low, and its summary says so and names the signs it describes. Not when
  the classifier finds it scam-like (the ``resembles-known-scam`` signal): fake bank and police callers
  recite "we will never ask for your PIN" too. A message that would be high is lowered so only when the
  classifier also finds no window of it even ``thresholds.similarity.warning_high_below`` likely to be a
  scam.
* A message about scams (a police alert, a news story, a victim's story) names their signs too: one that
  would be medium or high, contains one of ``about_scams_terms`` ("scammers", "fraud"), has nothing
  suspect in its links, numbers or wallets, and that the "talks about scams" model
  (:mod:`bot.core.about_scams`) finds at least ``thresholds.similarity.about_scams_above`` likely to be
  about scams is low too; its summary quotes the term.
* Likewise a message that would be medium on its named signs, has nothing suspect in its links, numbers
  or wallets, and has no window the classifier finds even ``thresholds.similarity.everyday_below``
  likely to be a scam reads as an everyday message (a question about a broker's fees, a bank notice): it
  is low, and its summary names the signs and says what to do if it came with a request. Signs marked
  ``always_warns`` (a request to pay by gift card or bank transfer only, for a code, for remote access)
  are never lowered this way.
* "Suspect" links, numbers or wallets are findings whose indicator flag keeps the risk (``keeps_risk``,
  the default). A mere hint (``keeps_risk: false``: a link that is not the site of a brand the message
  names) still adds its weight but does not stop these three rules.
* Nothing here ever says a message is safe: low means no (or no strong) warning sign was found.

The whole message is checked: patterns run over all of it, and it is encoded once in windows of whole
sentences (:mod:`bot.core.windows`; the embedding model reads only ~256 tokens at a time); the same window
vectors serve the advisory search (each advisory keeps its best score) and the similarity check (the
most scam-like window counts). Only a hash of the text is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from bot.core.about_scams import about_scams_probability
from bot.core.answers import (
    AdvisoryMatch,
    citation_of,
    group_by_advisory,
    prefer_region,
    text_hash,
)
from bot.core.check_text import next_steps, note_for_script, summary_text
from bot.core.exemplars import ExemplarSet
from bot.core.flag_matching import (
    MAX_EVIDENCE,
    find_signals,
    prepare_text,
    scam_mention,
    tidy_evidence,
    warning_phrase,
)
from bot.core.indicator_data import IndicatorData
from bot.core.indicators import IndicatorReport, analyse_indicators
from bot.core.links import defang_text
from bot.core.red_flags import RedFlagSet, Thresholds
from bot.core.results import CheckResult, Citation, RegionHotlines, Risk, Signal
from bot.core.similarity import (
    Resemblance,
    SimilarityRule,
    probability_below,
    reads_everyday,
    resemblance,
    resemblance_weight,
)
from bot.core.windows import text_windows
from bot.retrieval.embedder import Encoder
from bot.retrieval.hits import SearchHit

MAX_CHECK_CHARS = 16_384  # four full Telegram messages; longer input is checked up to here, and says so
HITS_PER_WINDOW = 8
MAX_ADVISORIES = 3
MIN_CITATION_DENSE = 0.30  # an advisory less similar than this to every window is not cited
LOW_RISK_CITATION_DENSE = 0.55  # on a low result only clearly related advisories are shown


class WindowSearcher(Protocol):
    """What the check needs from retrieval (:class:`~bot.retrieval.search.Searcher` fits)."""

    @property
    def encoder(self) -> Encoder:
        """The model that encodes the windows."""
        ...

    def search_vectors(
        self, queries: list[str], vectors: npt.NDArray[np.float32], k: int
    ) -> list[list[SearchHit]]:
        """The ``k`` best chunks for each query already encoded (row ``i`` of ``vectors`` is query ``i``)."""
        ...


@dataclass(frozen=True)
class AdvisoryEvidence:
    """What retrieval says about a message: advisories best first, and how it compares with both sides."""

    matches: list[AdvisoryMatch]
    resemblance: Resemblance | None = None
    about_scams: float | None = None  # how likely the message talks about scams rather than is one


def check_message(
    text: str,
    *,
    flags: RedFlagSet,
    indicators: IndicatorData,
    searcher: WindowSearcher | None = None,
    exemplars: ExemplarSet | None = None,
    hotlines: RegionHotlines | None = None,
    region: str | None = None,
    english_only: bool = True,
) -> CheckResult:
    """Check a suspicious message and return risk, signals, matching advisories and next steps.

    ``searcher`` finds the advisories to cite; with ``exemplars`` too, the message is also compared with
    known scam and legitimate messages. Without a searcher no advisories are cited and the risk rests on
    flags and links alone. ``region`` (UK, US ...) prefers local advisories and reads phone numbers
    written without a country code. ``english_only`` (the bundled model and red flags) makes a low
    verdict on text written mostly in another script say that warning signs may have been missed.
    """
    checked = text[:MAX_CHECK_CHARS]
    report = analyse_indicators(checked, indicators, region=region)
    from_links = indicator_signals(report, flags)
    suspect_links = any(flags.indicator_flags[s.name].keeps_risk for s in from_links)
    prepared = prepare_text(checked)  # tidied once for the red flags and the warning phrases
    signals = _safe_evidence(find_signals(prepared, flags)) + from_links
    evidence = AdvisoryEvidence([])
    if searcher is not None:
        evidence = match_advisories(checked, searcher, exemplars)
    similar = similarity_signal(evidence.resemblance, exemplars, flags)
    risk = risk_level(total_weight(signals), flags.thresholds, similar.weight if similar else 0)
    signals += [similar] if similar else []
    # A warning about scams names their signs too; when nothing in its links or numbers is suspect, the
    # classifier does not find it scam-like, and its signs stay below high (or reach high, in a text the
    # classifier finds even less scam-like) it reads as the warning it is. Likewise a message with a weak
    # sign that the classifier finds nothing like the scams it knows reads as an everyday message.
    rule = flags.thresholds.similarity
    weak = risk == "medium" and not suspect_links and similar is None
    strong_warning = (
        risk == "high"
        and not suspect_links
        and probability_below(evidence.resemblance, rule.warning_high_below)
    )
    warning = warning_phrase(prepared, flags) if weak or strong_warning else None
    if warning is None and risk != "low" and not suspect_links and talks_about_scams(evidence, rule):
        warning = scam_mention(prepared, flags)  # None when it names no scam: then it is not lowered
    everyday = (
        weak
        and not warning
        and not any(s.name in flags.always_warn_names for s in signals)
        and reads_everyday(evidence.resemblance, rule)
    )
    risk = "low" if warning or everyday else risk
    return CheckResult(
        message_hash=text_hash(text),
        risk=risk,
        summary=summary_text(
            risk,
            signals,
            checked_chars=MAX_CHECK_CHARS if len(text) > MAX_CHECK_CHARS else None,
            warning=warning,
            everyday=everyday,
            script_note=note_for_script(checked, risk, english_only=english_only),
        ),
        signals=tuple(signals),
        advisories=tuple(cite_advisories(evidence.matches, risk, region)),
        next_steps=next_steps(risk, signals, flags, hotlines),
        hotlines=hotlines,
        links=report.shown_links(),
        phones=report.phones,
        warning_phrase=warning,
    )


def talks_about_scams(evidence: AdvisoryEvidence, rule: SimilarityRule) -> bool:
    """Whether the message reads as talk about scams with at least ``rule.about_scams_above`` (False when
    either is unknown: no model, or the rule not set)."""
    threshold, found = rule.about_scams_above, evidence.about_scams
    return threshold is not None and found is not None and found >= threshold


def total_weight(signals: Sequence[Signal]) -> int:
    """The sum of the weights of distinct signals (each name counts once)."""
    return sum({s.name: s.weight for s in signals}.values())


def risk_level(score: int, thresholds: Thresholds, similarity_weight: int = 0) -> Risk:
    """The risk for the named signs' total weight; similarity counts towards medium, never towards high."""
    if score >= thresholds.high:
        return "high"
    if score + similarity_weight >= thresholds.medium:
        return "medium"
    return "low"


def similarity_signal(
    found: Resemblance | None, exemplars: ExemplarSet | None, flags: RedFlagSet
) -> Signal | None:
    """The ``resembles-known-scam`` signal with its weight, naming the closest advisory example; or None."""
    weight = resemblance_weight(found, flags.thresholds.similarity)
    if found is None or exemplars is None or weight == 0:
        return None
    flag = flags.similarity_flag
    example = exemplars.scam[found.nearest_scam]
    quote = defang_text(tidy_evidence(example.text))
    explanation = f"{flag.explanation} Closest example, from the advisory “{example.title}”: “{quote}”"
    return Signal(flag.name, flag.label, (), explanation, weight)


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


def match_advisories(
    text: str,
    searcher: WindowSearcher,
    exemplars: ExemplarSet | None = None,
    per_window: int = HITS_PER_WINDOW,
) -> AdvisoryEvidence:
    """Encode every window of ``text`` once; search with each (advisories keep their best score) and
    score the same vectors with the classifier of ``exemplars``."""
    # The tokenizer rejects lone surrogates, which hostile chat input can carry.
    windows = text_windows(text.encode("utf-8", "replace").decode("utf-8"))
    if not windows:
        return AdvisoryEvidence([])
    vectors = searcher.encoder.encode(windows)
    hits = [hit for found in searcher.search_vectors(windows, vectors, per_window) for hit in found]
    if exemplars is None:
        return AdvisoryEvidence(group_by_advisory(hits))
    found = resemblance(vectors, exemplars.classifier, exemplars.scam_vectors)
    about = about_scams_probability(vectors, exemplars.about_scams)
    return AdvisoryEvidence(group_by_advisory(hits), found, about)


def cite_advisories(
    matches: list[AdvisoryMatch], risk: Risk, region: str | None, limit: int = MAX_ADVISORIES
) -> list[Citation]:
    """The advisories to cite: close enough to the message, local ones first when their score is close."""
    floor = LOW_RISK_CITATION_DENSE if risk == "low" else MIN_CITATION_DENSE
    close = [m for m in matches if m.dense >= floor]
    return [citation_of(m.hits[0]) for m in prefer_region(close, region)[:limit]]
