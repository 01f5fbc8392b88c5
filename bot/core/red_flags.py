"""Named warning signs (``knowledge/red_flags.yaml``): validated loading.

Patterns are compiled once at load; :mod:`bot.core.flag_matching` finds them in a message.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator

from bot.core.datafile import Slug, StrictSchema, Text, YamlDocument, read_yaml, validate
from bot.core.flag_model import DEFAULT_SIMILARITY_FLAG, RedFlag, RedFlagSet, Thresholds
from bot.core.flag_patterns import FlagPattern, compile_flag_pattern
from bot.core.indicators import FINDING_KINDS
from bot.core.similarity import DEFAULT_RULE, SimilarityRule
from bot.knowledge.problems import KnowledgeFileError, Problem

RED_FLAGS_FILE = "red_flags.yaml"
MAX_WEIGHT = 6


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
    keeps_risk: bool = True  # indicator flags only


class _SimilaritySchema(StrictSchema):
    probability: Annotated[float, Field(gt=0.0, lt=1.0)]
    weight: Annotated[int, Field(ge=1, le=MAX_WEIGHT)]
    everyday_below: Annotated[float, Field(gt=0.0, lt=1.0)] | None = None
    warning_high_below: Annotated[float, Field(gt=0.0, lt=1.0)] | None = None
    about_scams_above: Annotated[float, Field(gt=0.0, lt=1.0)] | None = None

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
    about_scams_terms: list[str] = Field(default_factory=list)


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
    about = _compile_patterns(
        document, ("about_scams_terms",), "about-scams term", schema.about_scams_terms, problems
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
        about_scams_terms=about,
    )
    _ = loaded.pattern_filter  # compiled now, not on the first message
    return loaded


def _similarity_rule(spec: _SimilaritySchema | None) -> SimilarityRule:
    if spec is None:
        return DEFAULT_RULE
    return SimilarityRule(
        spec.probability, spec.weight, spec.everyday_below, spec.warning_high_below, spec.about_scams_above
    )


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
    if text_flag and not spec.keeps_risk:
        problems.append(
            document.problem(
                (*loc, "keeps_risk"),
                f"flag '{spec.name}' is found by patterns: keeps_risk is only for indicator_flags",
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
        keeps_risk=spec.keeps_risk,
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


def load_red_flags_from(knowledge_dir: Path, categories: Collection[str] | None = None) -> RedFlagSet:
    """:func:`load_red_flags` for the ``red_flags.yaml`` of a knowledge folder."""
    return load_red_flags(knowledge_dir / RED_FLAGS_FILE, categories)
