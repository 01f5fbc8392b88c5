"""The loaded form of ``red_flags.yaml``: named warning signs, risk thresholds, the similarity signal."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bot.core.flag_patterns import FlagPattern, MatchText
from bot.core.pattern_filter import PatternFilter
from bot.core.results import Signal
from bot.core.similarity import DEFAULT_RULE, SimilarityRule

SIMILARITY_FLAG_NAME = "resembles-known-scam"  # the default name of the similarity signal


@dataclass(frozen=True)
class RedFlag:
    """One named warning sign with its compiled patterns."""

    name: str
    label: str
    explanation: str
    categories: tuple[str, ...]
    weight: int
    patterns: tuple[FlagPattern, ...] = ()
    unless: tuple[FlagPattern, ...] = ()
    advice: str | None = None
    always_warns: bool = False  # a request to pay or hand over access: the everyday rule never lowers it
    keeps_risk: bool = True  # a link, number or wallet finding that stops every rule that lowers the risk

    def signal(self, evidence: tuple[str, ...]) -> Signal:
        """This flag as a found signal with the words (or links, numbers) that triggered it."""
        return Signal(self.name, self.label, evidence, self.explanation, self.weight)


DEFAULT_SIMILARITY_FLAG = RedFlag(
    name=SIMILARITY_FLAG_NAME,
    label="Reads like a known scam",
    explanation=(
        "It is worded much more like the scam messages in police advisories than like everyday messages."
    ),
    categories=("general",),
    weight=DEFAULT_RULE.weight,
)


@dataclass(frozen=True)
class Thresholds:
    """Total weights from which a message is medium or high risk, and the similarity rule's numbers."""

    medium: int
    high: int
    similarity: SimilarityRule = DEFAULT_RULE


@dataclass(frozen=True)
class RedFlagSet:
    """Everything loaded from ``red_flags.yaml``."""

    flags: tuple[RedFlag, ...]  # found by their text patterns
    indicator_flags: Mapping[str, RedFlag]  # found by the link and number checks, by finding kind
    thresholds: Thresholds
    path: Path
    similarity_flag: RedFlag = DEFAULT_SIMILARITY_FLAG  # shown when a message reads like a known scam
    warning_phrases: tuple[FlagPattern, ...] = ()  # phrases of messages that warn about scams
    about_scams_terms: tuple[FlagPattern, ...] = ()  # words of messages that mention scams

    @cached_property
    def always_warn_names(self) -> frozenset[str]:
        """Names of the flags the everyday rule never lowers (``always_warns``)."""
        return frozenset(flag.name for flag in self.flags if flag.always_warns)

    @cached_property
    def _text_patterns(self) -> tuple[FlagPattern, ...]:
        return tuple(pattern for flag in self.flags for pattern in flag.patterns)

    @cached_property
    def pattern_filter(self) -> PatternFilter:
        """The RE2 filter over every flag's patterns, in the order of :attr:`flags`."""
        return PatternFilter.build([pattern.source for pattern in self._text_patterns])

    def possible_patterns(self, text: MatchText) -> frozenset[FlagPattern] | None:
        """The flags' patterns that may match ``text`` (one RE2 pass); ``None`` when all must run."""
        numbers = self.pattern_filter.possible(text.text)
        if numbers is None:
            return None
        return frozenset(self._text_patterns[number] for number in numbers)

    def names(self) -> frozenset[str]:
        """Every flag name: text, indicator and similarity flags alike (checklists refer to these)."""
        return (
            frozenset(f.name for f in self.flags)
            | frozenset(self.indicator_flags)
            | {self.similarity_flag.name}
        )

    def get(self, name: str) -> RedFlag | None:
        """The flag called ``name``, if any."""
        if name == self.similarity_flag.name:
            return self.similarity_flag
        return self.indicator_flags.get(name) or next((f for f in self.flags if f.name == name), None)
