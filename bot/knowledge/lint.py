"""``fraudbot lint``: every problem in the knowledge folder in one run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.loader import load_advisories, load_categories
from bot.knowledge.problems import KnowledgeFileError, Problem

DataLoader = Callable[[Path], Any]


def yaml_problems(path: Path) -> list[Problem]:
    """A YAML file that does not parse, with the line of the error."""
    try:
        yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return [Problem(path, "yaml", f"broken YAML: {getattr(exc, 'problem', exc)}", None if mark is None else mark.line + 1)]
    except OSError as exc:
        return [Problem(path, "file", f"unreadable: {exc.strerror}")]
    return []


def data_file_loaders() -> dict[str, DataLoader]:
    """Loaders of the operator data files, by file name relative to the knowledge folder."""
    return {}


def lint_knowledge(knowledge_dir: Path) -> list[Problem]:
    """All problems: categories, advisories, and every data file, sorted by file."""
    problems: list[Problem] = []
    try:
        categories = load_categories(knowledge_dir)
    except KnowledgeFileError as exc:
        return exc.problems
    problems.extend(load_advisories(knowledge_dir, categories).problems)
    loaders = data_file_loaders()
    for name, loader in loaders.items():
        path = knowledge_dir / name
        if not path.exists():
            continue
        try:
            loader(path)
        except KnowledgeFileError as exc:
            problems.extend(exc.problems)
    for path in sorted(knowledge_dir.rglob("*.yaml")):
        if path.relative_to(knowledge_dir).as_posix() not in loaders:
            problems.extend(yaml_problems(path))
    return sorted(problems, key=lambda p: (str(p.path), p.line or 0))
