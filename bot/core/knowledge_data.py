"""Every operator data file the core uses, loaded together; a broken file keeps its last good version."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from bot.core.checklist import Checklist, load_checklists
from bot.core.exemplars import LEGITIMATE_EXAMPLES_FILE, LegitimateExample, load_legitimate_examples_from
from bot.core.hotlines import load_hotlines
from bot.core.indicator_data import IndicatorData, load_indicator_data
from bot.core.intent_model import INTENT_EXAMPLES_FILE, IntentExamples, load_intent_examples_from
from bot.core.labelled import LABELLED_MESSAGES_FILE, LabelledMessage, load_labelled_messages_from
from bot.core.red_flags import RedFlagSet, load_red_flags_from
from bot.core.results import RegionHotlines
from bot.core.routing import IntentRules, load_intents
from bot.core.scam_names import ScamNames, load_scam_names
from bot.core.triage import TriageTemplate, load_triage
from bot.knowledge.loader import load_categories
from bot.knowledge.problems import KnowledgeFileError, Problem

logger = logging.getLogger(__name__)
T = TypeVar("T")

HOTLINES_FILE = "hotlines.yaml"
TRIAGE_FILE = "triage.yaml"
INTENTS_FILE = "intents.yaml"
CHECKLISTS_DIR = "checklists"


@dataclass(frozen=True)
class KnowledgeData:
    """The data files of a knowledge folder, validated."""

    categories: dict[str, str]
    hotlines: dict[str, RegionHotlines]
    checklists: dict[str, Checklist]
    red_flags: RedFlagSet
    indicators: IndicatorData
    triage: TriageTemplate
    intents: IntentRules
    problems: list[Problem] = field(default_factory=list)
    legitimate_examples: tuple[LegitimateExample, ...] = ()  # the similarity check learns from these
    labelled_messages: tuple[LabelledMessage, ...] = ()  # ... and from these
    intent_examples: IntentExamples | None = None  # the router's classifier learns from these
    scam_names: ScamNames | None = None  # categories.yaml's also_called: what ask adds to a named scam


def _load(loader: Callable[[], T], fallback: T | None, problems: list[Problem], what: str) -> T:
    """Load one file; on problems keep ``fallback`` (the last good version) or fail when there is none."""
    try:
        return loader()
    except KnowledgeFileError as exc:
        problems.extend(exc.problems)
        if fallback is None:
            raise
        logger.warning("%s is broken; keeping the version loaded before", what)
        return fallback


def _load_optional(
    loader: Callable[[], T | None], fallback: T | None, problems: list[Problem], what: str
) -> T | None:
    """Like :func:`_load` for a file that may be absent: broken with nothing loaded before, it is absent."""
    try:
        return loader()
    except KnowledgeFileError as exc:
        problems.extend(exc.problems)
        kept = "keeping the version loaded before" if fallback is not None else "ignored until mended"
        logger.warning("%s is broken; %s", what, kept)
        return fallback


def load_knowledge_data(knowledge_dir: Path, previous: KnowledgeData | None = None) -> KnowledgeData:
    """Load every data file; with ``previous``, a broken file keeps its last good version, not failing."""
    problems: list[Problem] = []
    categories = _load(
        lambda: load_categories(knowledge_dir),
        (previous.categories if previous else None),
        problems,
        "categories.yaml",
    )
    red_flags = _load(
        lambda: load_red_flags_from(knowledge_dir, categories),
        (previous.red_flags if previous else None),
        problems,
        "red_flags.yaml",
    )
    checklists, checklist_problems = load_checklists(
        knowledge_dir / CHECKLISTS_DIR, categories=categories, red_flags=red_flags.names()
    )
    problems.extend(checklist_problems)
    if previous is not None:
        broken = {p.path.stem for p in checklist_problems}
        checklists = {**{k: v for k, v in previous.checklists.items() if k in broken}, **checklists}
    indicators = _load(
        lambda: load_indicator_data(knowledge_dir),
        (previous.indicators if previous else None),
        problems,
        "indicator files",
    )
    problems.extend(indicators.warnings)
    return KnowledgeData(
        categories=categories,
        hotlines=_load(
            lambda: load_hotlines(knowledge_dir / HOTLINES_FILE),
            (previous.hotlines if previous else None),
            problems,
            HOTLINES_FILE,
        ),
        checklists=checklists,
        red_flags=red_flags,
        indicators=indicators,
        triage=_load(
            lambda: load_triage(knowledge_dir / TRIAGE_FILE),
            (previous.triage if previous else None),
            problems,
            TRIAGE_FILE,
        ),
        intents=_load(
            lambda: load_intents(knowledge_dir / INTENTS_FILE),
            (previous.intents if previous else None),
            problems,
            INTENTS_FILE,
        ),
        problems=problems,
        legitimate_examples=_load(
            lambda: load_legitimate_examples_from(knowledge_dir),
            (previous.legitimate_examples if previous else None),
            problems,
            LEGITIMATE_EXAMPLES_FILE,
        ),
        labelled_messages=_load(
            lambda: load_labelled_messages_from(knowledge_dir, categories),
            (previous.labelled_messages if previous else None),
            problems,
            LABELLED_MESSAGES_FILE,
        ),
        intent_examples=_load_optional(
            lambda: load_intent_examples_from(knowledge_dir),
            (previous.intent_examples if previous else None),
            problems,
            INTENT_EXAMPLES_FILE,
        ),
        scam_names=_load_optional(
            lambda: load_scam_names(knowledge_dir, categories),
            (previous.scam_names if previous else None),
            problems,
            "categories.yaml (also_called)",
        ),
    )
