"""Named warning signs (``knowledge/red_flags.yaml``): validated loading, and finding them in a message.

Patterns are compiled once at load. Matching runs on a tidied copy of the message (see
:func:`normalize_text`) so look-alike Unicode letters, curly quotes and invisible characters do not hide a
warning sign. Each signal carries the exact words that triggered it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator

from bot.core.datafile import Slug, StrictSchema, Text, YamlDocument, read_yaml, validate
from bot.core.flag_model import DEFAULT_SIMILARITY_FLAG, RedFlag, RedFlagSet, Thresholds
from bot.core.flag_patterns import FlagPattern, MatchText, compile_flag_pattern, match_text
from bot.core.indicators import FINDING_KINDS
from bot.core.results import Signal
from bot.core.similarity import DEFAULT_RULE, SimilarityRule
from bot.core.text_tidy import normalize_text
from bot.knowledge.problems import KnowledgeFileError, Problem

RED_FLAGS_FILE = "red_flags.yaml"
MAX_WEIGHT = 6
MAX_EVIDENCE = 3  # distinct evidence fragments kept per signal
MAX_EVIDENCE_CHARS = 80
MAX_MATCHES_PER_PATTERN = 20  # bounds the work on hostile, endlessly repeated input

_SENTENCE_END = re.compile(r"[.!?;](?=\s|$)|\n")


class _FlagSchema(StrictSchema):
    name: Slug
    label: Text
    explanation: Text
    categories: Annotated[list[Slug], Field(min_length=1)]
    weight: Annotated[int, Field(ge=1, le=MAX_WEIGHT)]
    patterns: list[str] = Field(default_factory=list)
    unless: list[str] = Field(default_factory=list)
    advice: Text | None = None
    always_warns: bool = False


class _SimilaritySchema(StrictSchema):
    probability: Annotated[float, Field(gt=0.0, lt=1.0)]
    weight: Annotated[int, Field(ge=1, le=MAX_WEIGHT)]
    everyday_below: Annotated[float, Field(gt=0.0, lt=1.0)] | None = None
    warning_high_below: Annotated[float, Field(gt=0.0, lt=1.0)] | None = None

    @model_validator(mode="after")
    def _below_probability(self) -> _SimilaritySchema:
        if self.everyday_below is not None and self.everyday_below >= self.probability:
            raise ValueError("everyday_below must be lower than probability")
        return self


class _SimilarityFlagSchema(StrictSchema):
    name: Slug
    label: Text
    explanation: Text
    categories: Annotated[list[Slug], Field(min_length=1)]
    advice: Text | None = None


class _ThresholdsSchema(StrictSchema):
    medium: Annotated[int, Field(ge=1)]
    high: Annotated[int, Field(ge=1)]
    similarity: _SimilaritySchema | None = None

    @model_validator(mode="after")
    def _ordered(self) -> _ThresholdsSchema:
        if self.medium >= self.high:
            raise ValueError("medium must be lower than high")
        return self


class _RedFlagsSchema(StrictSchema):
    thresholds: _ThresholdsSchema
    flags: Annotated[list[_FlagSchema], Field(min_length=1)]
    indicator_flags: list[_FlagSchema] = Field(default_factory=list)
    similarity_flag: _SimilarityFlagSchema | None = None
    warning_phrases: list[str] = Field(default_factory=list)


def load_red_flags(path: Path, categories: Collection[str] | None = None) -> RedFlagSet:
    """Load and validate the red flags file; raise ``KnowledgeFileError`` naming each bad field and line.

    ``categories`` are the known category slugs; when given, every flag's categories must be among them.
    """
    document = read_yaml(path)
    schema = validate(document, _RedFlagsSchema)
    problems: list[Problem] = []
    flags = tuple(_compile(document, ("flags", i), spec, problems) for i, spec in enumerate(schema.flags))
    indicator = [
        _compile(document, ("indicator_flags", i), spec, problems)
        for i, spec in enumerate(schema.indicator_flags)
    ]
    warning = _compile_patterns(
        document, ("warning_phrases",), "warning phrase", schema.warning_phrases, problems
    )
    problems += _cross_check(document, schema, categories)
    if problems:
        raise KnowledgeFileError(problems)
    rule = _similarity_rule(schema.thresholds.similarity)
    loaded = RedFlagSet(
        flags=flags,
        indicator_flags={flag.name: flag for flag in indicator},
        thresholds=Thresholds(schema.thresholds.medium, schema.thresholds.high, rule),
        path=path,
        similarity_flag=_similarity_flag(schema.similarity_flag, rule),
        warning_phrases=warning,
    )
    _ = loaded.pattern_filter  # compiled now, not on the first message
    return loaded


def _similarity_rule(spec: _SimilaritySchema | None) -> SimilarityRule:
    if spec is None:
        return DEFAULT_RULE
    return SimilarityRule(spec.probability, spec.weight, spec.everyday_below, spec.warning_high_below)


def _similarity_flag(spec: _SimilarityFlagSchema | None, rule: SimilarityRule) -> RedFlag:
    if spec is None:
        return replace(DEFAULT_SIMILARITY_FLAG, weight=rule.weight)
    return RedFlag(
        spec.name, spec.label, spec.explanation, tuple(spec.categories), rule.weight, advice=spec.advice
    )


def _compile(
    document: YamlDocument, loc: tuple[str, int], spec: _FlagSchema, problems: list[Problem]
) -> RedFlag:
    text_flag = loc[0] == "flags"
    if text_flag and not spec.patterns:
        problems.append(
            document.problem((*loc, "patterns"), f"flag '{spec.name}' needs at least one pattern")
        )
    if not text_flag and (spec.patterns or spec.unless):
        problems.append(
            document.problem(
                (*loc, "patterns"),
                f"'{spec.name}' is found by the link and number checks: it takes no patterns",
            )
        )
    owner = f"flag '{spec.name}'"
    return RedFlag(
        name=spec.name,
        label=spec.label,
        explanation=spec.explanation,
        categories=tuple(spec.categories),
        weight=spec.weight,
        patterns=_compile_patterns(document, (*loc, "patterns"), owner, spec.patterns, problems),
        unless=_compile_patterns(document, (*loc, "unless"), owner, spec.unless, problems),
        advice=spec.advice,
        always_warns=spec.always_warns,
    )


def _compile_patterns(
    document: YamlDocument,
    loc: tuple[str | int, ...],
    owner: str,
    sources: list[str],
    problems: list[Problem],
) -> tuple[FlagPattern, ...]:
    compiled = []
    for index, source in enumerate(sources):
        try:
            pattern = compile_flag_pattern(source)
        except re.error as exc:
            problems.append(
                document.problem((*loc, index), f"{owner}: not a valid regular expression: {exc}")
            )
            continue
        if pattern.any_text.search("") is not None:
            problems.append(document.problem((*loc, index), f"{owner}: this pattern matches empty text"))
            continue
        compiled.append(pattern)
    return tuple(compiled)


def _cross_check(
    document: YamlDocument, schema: _RedFlagsSchema, categories: Collection[str] | None
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    groups = (("flags", schema.flags), ("indicator_flags", schema.indicator_flags))
    for key, specs in groups:
        for i, spec in enumerate(specs):
            if spec.name in seen:
                problems.append(document.problem((key, i, "name"), f"the name '{spec.name}' is used twice"))
            seen.add(spec.name)
            for j, category in enumerate(spec.categories):
                if categories is not None and category not in categories:
                    problems.append(
                        document.problem(
                            (key, i, "categories", j),
                            f"unknown category '{category}' (not in categories.yaml)",
                        )
                    )
    for i, spec in enumerate(schema.indicator_flags):
        if spec.name not in FINDING_KINDS:
            problems.append(
                document.problem(
                    ("indicator_flags", i, "name"),
                    f"'{spec.name}' is not something the link checks find; "
                    f"use one of: {', '.join(FINDING_KINDS)}",
                )
            )
    extra = schema.similarity_flag
    if extra is not None:
        if extra.name in seen:
            problems.append(
                document.problem(("similarity_flag", "name"), f"the name '{extra.name}' is used twice")
            )
        problems += [
            document.problem(
                ("similarity_flag", "categories", j), f"unknown category '{c}' (not in categories.yaml)"
            )
            for j, c in enumerate(extra.categories)
            if categories is not None and c not in categories
        ]
    listed = {spec.name for spec in schema.indicator_flags}
    for kind in FINDING_KINDS:
        if kind not in listed:
            problems.append(document.problem(("indicator_flags",), f"missing an entry for '{kind}'"))
    return problems


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
    matched = text if isinstance(text, MatchText) else prepare_text(text)
    for pattern in flags.warning_phrases:
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


def load_red_flags_from(knowledge_dir: Path, categories: Collection[str] | None = None) -> RedFlagSet:
    """:func:`load_red_flags` for the ``red_flags.yaml`` of a knowledge folder."""
    return load_red_flags(knowledge_dir / RED_FLAGS_FILE, categories)
