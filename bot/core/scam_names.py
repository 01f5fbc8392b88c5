"""The names people use for each kind of scam, from ``also_called`` in ``knowledge/categories.yaml``.

People ask about a scam by the name they heard ("what is pig butchering?", "what's smishing?"), and that
name is often not a word of any advisory: the model then finds nothing close, or the wrong advisories.
A question that contains a name is searched with the category's one-line description added, so the
search reads what the name means. The answer is still made only of advisory passages (rule Z6,
docs/benchmarks.md: on 90 questions naming a scam, 135 of 360 answers cited that kind of scam first
before, 202 after, with no change on the dev questions and no off-topic question answered).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.core.datafile import read_yaml
from bot.core.routing import bare_words
from bot.knowledge.problems import KnowledgeFileError, Problem

CATEGORIES_FILE = "categories.yaml"


@dataclass(frozen=True)
class ScamNames:
    """Each category's names, compiled, and its description (what a name means to the search)."""

    descriptions: dict[str, str]
    patterns: tuple[tuple[str, re.Pattern[str]], ...]  # (category, any of its names as whole words)

    def named_categories(self, text: str) -> list[str]:
        """The categories whose names ``text`` contains (a plural "s" or "es" allowed), in file order."""
        words = bare_words(text)
        return [category for category, pattern in self.patterns if pattern.search(words)]

    def search_text(self, question: str) -> str:
        """``question`` followed by the description of every category it names; unchanged if none."""
        named = self.named_categories(question)
        return " ".join([question, *(self.descriptions[c] for c in named)]) if named else question


def load_scam_names(knowledge_dir: Path, categories: Mapping[str, str]) -> ScamNames | None:
    """Read ``also_called`` (category → list of names) from ``categories.yaml``; ``None`` when absent.

    Raises ``KnowledgeFileError`` naming each bad entry: an unknown category, a name that is not
    text, or one name given to two categories.
    """
    document = read_yaml(knowledge_dir / CATEGORIES_FILE)
    data = document.data if isinstance(document.data, dict) else {}
    section = data.get("also_called")
    if section is None:
        return None
    if not isinstance(section, dict):
        message = "must be a mapping of category: [names]"
        raise KnowledgeFileError([document.problem(("also_called",), message)])
    problems: list[Problem] = []
    owner: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    for category, entries in section.items():
        loc: tuple[str | int, ...] = ("also_called", str(category))
        if category not in categories:
            problems.append(document.problem(loc, f"unknown category {category!r} (see categories:)"))
            continue
        if not isinstance(entries, list):
            problems.append(document.problem(loc, "must be a list of names"))
            continue
        for index, entry in enumerate(entries):
            name = bare_words(entry) if isinstance(entry, str) else ""
            if not name:
                problems.append(document.problem((*loc, index), "must be a name made of letters or digits"))
            elif owner.setdefault(name, str(category)) != category:
                message = f"{entry!r} is already a name of {owner[name]}"
                problems.append(document.problem((*loc, index), message))
            else:
                names.setdefault(str(category), []).append(name)
    if problems:
        raise KnowledgeFileError(problems)
    patterns = tuple(
        (category, re.compile(r"(?<!\S)(?:" + "|".join(map(re.escape, found)) + r")(?:s|es)?(?!\S)"))
        for category, found in names.items()
    )
    return ScamNames(dict(categories), patterns)
