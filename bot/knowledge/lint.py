"""``fraudbot lint``: every problem in the knowledge folder in one run, with file, line or field, and fix.

Errors stop a file from being used (the running bot skips it); warnings only report. Nothing here loads
the embedding model, so lint stays fast.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core.checklist_file import load_checklists
from bot.core.exemplars import load_legitimate_examples
from bot.core.flag_matching import find_signals
from bot.core.hotlines import load_hotlines
from bot.core.indicator_data import IndicatorData, load_indicator_data
from bot.core.indicators import analyse_indicators
from bot.core.intent_model import load_intent_examples
from bot.core.labelled import load_labelled_messages_from
from bot.core.red_flags import RedFlagSet, load_red_flags_from
from bot.core.routing import load_intents
from bot.core.scam_names import load_scam_names
from bot.core.triage import load_triage, reading_problems
from bot.knowledge.lint_advisories import (
    duplicate_content_problems,
    explain,
    front_matter_lines,
    unfilled_problems,
    unmatched_example_problems,
)
from bot.knowledge.loader import load_advisories, load_categories
from bot.knowledge.problems import KnowledgeFileError, Problem


@dataclass
class LintContext:
    """What the data-file checks learn from each other: known categories, loaded red flags and indicators."""

    categories: Mapping[str, str] | None = None
    red_flags: RedFlagSet | None = None
    indicators: IndicatorData | None = None


@dataclass(frozen=True)
class DataFileCheck:
    """How to check one operator data file (or folder); ``covers`` are the YAML paths it validates."""

    name: str
    covers: tuple[str, ...]
    check: Callable[[Path, LintContext], list[Problem]]


def yaml_problems(path: Path) -> list[Problem]:
    """A YAML file that does not parse, with the line of the error."""
    try:
        yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = None if mark is None else mark.line + 1
        return [Problem(path, "yaml", f"broken YAML: {getattr(exc, 'problem', exc)}", line)]
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(path, "file", f"unreadable: {exc}")]
    return []


def _red_flags(knowledge_dir: Path, context: LintContext) -> list[Problem]:
    context.red_flags = load_red_flags_from(knowledge_dir, context.categories)
    return []


def _indicators(knowledge_dir: Path, context: LintContext) -> list[Problem]:
    context.indicators = load_indicator_data(knowledge_dir)
    return [*context.indicators.warnings]


def _checklists(knowledge_dir: Path, context: LintContext) -> list[Problem]:
    names = context.red_flags.names() if context.red_flags is not None else None
    return load_checklists(knowledge_dir / "checklists", categories=context.categories, red_flags=names)[1]


def _scam_names(knowledge_dir: Path, context: LintContext) -> list[Problem]:
    if context.categories is not None:
        load_scam_names(knowledge_dir, context.categories)
    return []


def _labelled_messages(knowledge_dir: Path, context: LintContext) -> list[Problem]:
    load_labelled_messages_from(knowledge_dir, context.categories)
    return []


def _raising(name: str, loader: Callable[[Path], object]) -> Callable[[Path, LintContext], list[Problem]]:
    def check(knowledge_dir: Path, context: LintContext) -> list[Problem]:
        loader(knowledge_dir / name)
        return []

    return check


def _reading_problems(knowledge_dir: Path, advisory_ids: set[str]) -> list[Problem]:
    try:
        return reading_problems(knowledge_dir / "triage.yaml", advisory_ids)
    except KnowledgeFileError:
        return []  # already reported by the triage.yaml check


def data_file_loaders() -> list[DataFileCheck]:
    """The checks of the operator data files, in dependency order (red flags before checklists)."""
    return [
        DataFileCheck("red_flags.yaml", ("red_flags.yaml",), _red_flags),
        DataFileCheck("checklists", ("checklists/*.yaml",), _checklists),
        DataFileCheck("hotlines.yaml", ("hotlines.yaml",), _raising("hotlines.yaml", load_hotlines)),
        DataFileCheck("triage.yaml", ("triage.yaml",), _raising("triage.yaml", load_triage)),
        DataFileCheck("intents.yaml", ("intents.yaml",), _raising("intents.yaml", load_intents)),
        DataFileCheck(
            "legitimate_examples.yaml",
            ("legitimate_examples.yaml",),
            _raising("legitimate_examples.yaml", load_legitimate_examples),
        ),
        DataFileCheck("labelled_messages.yaml", ("labelled_messages.yaml",), _labelled_messages),
        DataFileCheck(
            "intent_examples.yaml",
            ("intent_examples.yaml",),
            _raising("intent_examples.yaml", load_intent_examples),
        ),
        DataFileCheck("indicators", ("brands.yaml", "link_rules.yaml"), _indicators),
        DataFileCheck("categories.yaml also_called", (), _scam_names),
    ]


def example_matcher(context: LintContext) -> Callable[[str], bool] | None:
    """True for a message in which ``fraudbot check`` finds a warning sign (red flag, link or number)."""
    red_flags, indicators = context.red_flags, context.indicators
    if red_flags is None:
        return None

    def matches(text: str) -> bool:
        if find_signals(text, red_flags):
            return True
        return indicators is not None and bool(analyse_indicators(text, indicators).findings)

    return matches


def _data_file_problems(knowledge_dir: Path, context: LintContext) -> list[Problem]:
    problems: list[Problem] = []
    covered: set[Path] = set()
    for item in data_file_loaders():
        for pattern in item.covers:
            covered.update(knowledge_dir.glob(pattern))
        try:
            problems.extend(item.check(knowledge_dir, context))
        except KnowledgeFileError as exc:
            problems.extend(exc.problems)
    for path in sorted(knowledge_dir.rglob("*.yaml")):
        if path not in covered and path.name != "categories.yaml":
            problems.extend(yaml_problems(path))
    return problems


def lint_knowledge(knowledge_dir: Path) -> list[Problem]:
    """All problems: categories, advisories, every data file, and content checks, sorted by file and line."""
    context = LintContext()
    problems: list[Problem] = []
    try:
        categories = load_categories(knowledge_dir)
    except KnowledgeFileError as exc:
        problems.extend(exc.problems)
        categories = None
    context.categories = categories
    problems.extend(_data_file_problems(knowledge_dir, context))
    if categories is not None:
        loaded = load_advisories(knowledge_dir, categories)
        lines = {path: front_matter_lines(path) for path in {p.path for p in loaded.problems}}
        problems.extend(explain(p, categories, lines[p.path]) for p in loaded.problems)
        for advisory in loaded.advisories:
            problems.extend(unfilled_problems(advisory))
        problems.extend(duplicate_content_problems(loaded.advisories))
        problems.extend(_reading_problems(knowledge_dir, {a.id for a in loaded.advisories}))
        matcher = example_matcher(context)
        if matcher is not None:
            problems.extend(unmatched_example_problems(loaded.advisories, matcher))
    return sorted(problems, key=lambda p: (str(p.path), p.line or 0, p.field))
