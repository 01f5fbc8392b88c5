"""Lint checks on advisories beyond what loading needs: lines, fixes, unfilled sections, overlaps."""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

import yaml

from bot.knowledge.advisory_template import FIELD_HINTS, SECTION_GUIDE, unfilled_sections
from bot.knowledge.chunking import chunk_advisory
from bot.knowledge.model import Advisory
from bot.knowledge.problems import Problem
from bot.knowledge.similarity import near_duplicates, normalized_message

ExampleMatcher = Callable[[str], bool]


def front_matter_lines(path: Path) -> dict[str, int]:
    """1-based file line of each top-level front-matter key; empty when there is no readable front matter."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    if not lines or lines[0].strip() != "---":
        return {}
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        return {}
    try:
        root = yaml.compose("\n".join(lines[1:end]), Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(root, yaml.MappingNode):
        return {}
    # +1 for 1-based lines, +1 for the opening ---
    return {
        str(key.value): key.start_mark.line + 2 for key, _ in root.value if isinstance(key, yaml.ScalarNode)
    }


def locate(problem: Problem) -> Problem:
    """The problem with the file line of its front-matter field filled in, when it can be found."""
    if problem.line is not None or problem.path.suffix != ".md":
        return problem
    line = front_matter_lines(problem.path).get(problem.field.split(".")[0])
    return problem if line is None else dataclasses.replace(problem, line=line)


def explain(problem: Problem, categories: Collection[str], lines: dict[str, int]) -> Problem:
    """The loader's problem with the line of its field and a hint on how to fix it."""
    key = problem.field.split(".")[0]
    line = problem.line if problem.line is not None else lines.get(key)
    message = problem.message
    plain = message.startswith("Value error, ")  # the model's own message already says what is expected
    message = message.removeprefix("Value error, ")
    if key == "category" and message.startswith("unknown category"):
        value = message.split("'")[1] if "'" in message else ""
        close = difflib.get_close_matches(value, list(categories), n=1)
        suggestion = f"did you mean '{close[0]}'? " if close else ""
        message = f"{message}; {suggestion}known: {', '.join(sorted(categories))}"
    elif key == "id" and message.startswith("duplicate id"):
        message = f"{message}; give this file its own id, e.g. '{problem.path.stem}'"
    elif message.startswith("missing section"):
        name = message.split("'## ", 1)[-1].rstrip("'")
        message = f"{message}: add it. {SECTION_GUIDE.get(name, '')}".rstrip()
    elif key in FIELD_HINTS and problem.severity == "error" and not plain:
        if message.startswith("missing required field"):
            message = f"{message}: add a line '{key}: ...' to the front matter: {FIELD_HINTS[key]}"
        else:
            message = f"{message}; expected {FIELD_HINTS[key]}"
    return dataclasses.replace(problem, line=line, message=message)


def unfilled_problems(advisory: Advisory) -> list[Problem]:
    """A warning per expected section that still holds only its heading or the scaffold's guide comment."""
    return [
        Problem(
            advisory.path,
            "body",
            f"section '## {name}' has no text yet: {SECTION_GUIDE[name]}",
            _line_of(advisory.path, f"## {name}"),
            "warning",
        )
        for name in unfilled_sections(advisory.body)
    ]


def duplicate_content_problems(advisories: Sequence[Advisory]) -> list[Problem]:
    """Warnings for advisories that repeat much of another's wording, and examples used twice."""
    problems = []
    advisories = sorted(advisories, key=_age_order)  # the newer file of a pair is the likely copy
    by_id = {a.id: a for a in advisories}
    for pair in near_duplicates([(a.id, a.body) for a in advisories]):
        earlier, later = sorted((by_id[pair.first], by_id[pair.second]), key=_age_order)
        problems.append(
            Problem(
                later.path,
                "body",
                f"near-duplicate of {earlier.path.name} ({pair.jaccard:.0%} of 5-word phrases shared, "
                f"{pair.containment:.0%} of the shorter file): merge them, or rewrite this one "
                "in its own words",
                severity="warning",
            )
        )
    seen: dict[str, Advisory] = {}
    for advisory in advisories:
        for chunk in chunk_advisory(advisory):
            if chunk.kind != "example":
                continue
            key = normalized_message(chunk.text)
            owner = seen.setdefault(key, advisory)
            if owner is not advisory:
                problems.append(
                    Problem(
                        advisory.path,
                        "Example messages",
                        f"the same example message is already in {owner.path.name}; write a different one",
                        _line_of(advisory.path, chunk.text[:40]),
                        "warning",
                    )
                )
    return problems


def unmatched_example_problems(advisories: Sequence[Advisory], matches: ExampleMatcher) -> list[Problem]:
    """A note per example message that no red flag, link or number rule recognises (only the model could
    flag a pasted copy). A note, not a warning: the model does flag nearly all of them, since it learns
    from these very examples, and a hundred such lines would bury the warnings that need a fix."""
    problems = []
    for advisory in advisories:
        for chunk in chunk_advisory(advisory):
            if chunk.kind == "example" and not matches(chunk.text):
                problems.append(
                    Problem(
                        advisory.path,
                        "Example messages",
                        f"no red-flag pattern, link or number matches this example ({chunk.text[:40]!r}...), "
                        "so `fraudbot check` flags a copy only if the model finds it like a known scam: "
                        "add a pattern to red_flags.yaml if words can name its sign, or make it more typical",
                        _line_of(advisory.path, chunk.text[:40]),
                        "note",
                    )
                )
    return problems


def _age_order(advisory: Advisory) -> tuple[float, str]:
    try:
        return advisory.path.stat().st_mtime, advisory.path.name
    except OSError:
        return float("inf"), advisory.path.name


def _line_of(path: Path, fragment: str) -> int | None:
    """The first 1-based line of ``path`` containing ``fragment``."""
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if fragment in line:
                return number
    except (OSError, UnicodeDecodeError):
        return None
    return None
