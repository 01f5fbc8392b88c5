"""Help for someone who already paid: ordered steps, what evidence to keep and a summary to fill in.

The wording lives in ``knowledge/triage.yaml`` so operators can reword it, and so does the list of
advisories offered to read in each region; this module validates it and fills in the user's regional
hotlines.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field

from bot.core import answers as answer_mod
from bot.core.datafile import Slug, StrictSchema, Text, YamlDocument, read_yaml, validate
from bot.core.hotlines import format_hotlines_inline, reporting_contacts
from bot.core.results import Citation, RegionHotlines, TriageResult
from bot.knowledge.problems import KnowledgeFileError, Problem
from bot.retrieval.hits import SearchHit
from bot.settings import is_region_code

HOTLINES_PLACEHOLDER = "{hotlines}"
DEFAULT_READING = "default"  # the reading list of every region without its own
MAX_READING = 3  # with the advisory closest to the user's own words, at most 4 to read
_PLACEHOLDER_RE = re.compile(r"\{[^{}\s]*\}")
_BLANK_RE = re.compile(r"_{3,}")


class _TriageSchema(StrictSchema):
    steps: Annotated[list[Text], Field(min_length=1)]
    evidence: Annotated[list[Text], Field(min_length=1)]
    no_hotlines: Text
    evidence_template: Text
    # Optional: a triage.yaml written before the reading lists still loads (lint warns that it has none).
    reading: dict[str, Annotated[list[Slug], Field(min_length=1, max_length=MAX_READING)]] | None = None


@dataclass(frozen=True)
class TriageTemplate:
    """The validated wording of the triage help, before a region's hotlines are filled in."""

    steps: tuple[str, ...]
    evidence: tuple[str, ...]
    no_hotlines: str
    evidence_template: str
    reading: Mapping[str, tuple[str, ...]]  # region code (or DEFAULT_READING) -> advisory ids; may be empty


def load_triage(path: Path) -> TriageTemplate:
    """Load and validate ``triage.yaml``; raise ``KnowledgeFileError`` naming each bad field and line."""
    document = read_yaml(path)
    schema = validate(document, _TriageSchema)
    problems: list[Problem] = []
    for index, step in enumerate(schema.steps):
        unknown = [p for p in _PLACEHOLDER_RE.findall(step) if p != HOTLINES_PLACEHOLDER]
        if unknown:
            problems.append(
                document.problem(
                    ("steps", index), f"unknown placeholder {unknown[0]}; only {HOTLINES_PLACEHOLDER} exists"
                )
            )
    with_hotlines = [index for index, step in enumerate(schema.steps) if HOTLINES_PLACEHOLDER in step]
    if len(with_hotlines) != 1:
        problems.append(
            document.problem(
                ("steps",),
                f"exactly one step must contain {HOTLINES_PLACEHOLDER} (found {len(with_hotlines)})",
            )
        )
    if not _BLANK_RE.search(schema.evidence_template):
        problems.append(
            document.problem(("evidence_template",), "write the blanks to fill in as ____ (at least three)")
        )
    if schema.reading is not None:
        problems += _reading_key_problems(document, schema.reading)
    if problems:
        raise KnowledgeFileError(problems)
    return TriageTemplate(
        steps=tuple(schema.steps),
        evidence=tuple(schema.evidence),
        no_hotlines=schema.no_hotlines,
        evidence_template=schema.evidence_template.rstrip() + "\n",
        reading={region: tuple(dict.fromkeys(ids)) for region, ids in (schema.reading or {}).items()},
    )


def _reading_key_problems(document: YamlDocument, reading: Mapping[str, list[str]]) -> list[Problem]:
    region_code = f"must be a region code in capitals, like HK, or {DEFAULT_READING}"
    problems = [
        document.problem(("reading", key), region_code)
        for key in reading
        if key != DEFAULT_READING and not (is_region_code(key) and key.isupper())
    ]
    if DEFAULT_READING not in reading:
        problems.append(
            document.problem(("reading",), f"needs a {DEFAULT_READING} list, read in every region not listed")
        )
    return problems


def reading_for(template: TriageTemplate, region: str | None) -> tuple[str, ...]:
    """The ids of the advisories a user of ``region`` is offered to read after the steps (none when the
    file has no reading lists)."""
    return template.reading.get(region or "", template.reading.get(DEFAULT_READING, ()))


def reading_problems(path: Path, known: Collection[str]) -> list[Problem]:
    """Warnings about the reading lists of a loadable ``triage.yaml``: none at all (users who paid are then
    offered only the advisory closest to their story), or an id that names no advisory (the bot skips it),
    each with its line."""
    document = read_yaml(path)
    reading = document.data.get("reading") if isinstance(document.data, dict) else None
    if reading is None:
        message = (
            'is missing, so after "I already paid" users are offered only the advisory closest to what '
            f"they wrote: add a list per region and a {DEFAULT_READING} one (docs/operators.md)"
        )
        return [document.problem(("reading",), message, "warning")]
    if not isinstance(reading, dict):
        return []
    return [
        document.problem(
            ("reading", region, index),
            f"no advisory with the id {advisory_id!r} was loaded, so users are not offered it "
            "(a typo, or a removed or broken file?)",
            "warning",
        )
        for region, ids in reading.items()
        if isinstance(ids, list)
        for index, advisory_id in enumerate(ids)
        if advisory_id not in known
    ]


def build_triage(
    template: TriageTemplate,
    hotlines: RegionHotlines | None,
    advisories: Sequence[Citation] = (),
) -> TriageResult:
    """The steps for this user, with their region's reporting contacts written into the reporting step."""
    where = (
        format_hotlines_inline(reporting_contacts(hotlines)) if hotlines is not None else template.no_hotlines
    )
    steps = tuple(step.replace(HOTLINES_PLACEHOLDER, where) for step in template.steps)
    return TriageResult(
        steps=steps,
        evidence_checklist=template.evidence,
        evidence_template=template.evidence_template,
        hotlines=hotlines,
        advisories=tuple(advisories),
    )


def closest_to_story(hits: Sequence[SearchHit], region: str | None, *, min_dense: float) -> list[Citation]:
    """The advisory closest to a victim's own account of what happened, if it is close enough.

    ``hits`` is the search of their message, as for a question. Only the best advisory is offered (local
    ones first when nearly as close), and only at ``min_dense`` cosine. Measured on 96 accounts of a known
    kind written blind, in 4 regions: 0.50 put the account's kind of scam first in 230 of 384 triages,
    against none with the fixed reading list alone; 87 of its 339 picks were of another kind and not
    general advice (docs/benchmarks.md).
    """
    matches = answer_mod.ranked_advisories(hits, region)
    if not matches or matches[0].dense < min_dense:
        return []
    return [answer_mod.citation_of(matches[0].hits[0])]
