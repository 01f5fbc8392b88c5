"""Reading the core's YAML data files and turning every defect into a precise ``Problem``.

Shared by the checklist, triage, hotline and intent loaders: YAML syntax errors carry their line,
schema errors name the field (``questions[3].stage``) and the line it sits on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from bot.knowledge.problems import KnowledgeFileError, Problem

ModelT = TypeVar("ModelT", bound=BaseModel)
Loc = Sequence[int | str]

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
URL_PATTERN = r"^https?://[^\s/]+\.[^\s]+$"
PHONE_PATTERN = r"^\+?[0-9][0-9 ()\-]{1,24}$"
HOST_PATTERN = r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$"
DOMAIN_ENDING_PATTERN = r"^(?:[a-z0-9-]{1,63}\.)*[a-z0-9-]{2,63}$"  # gov, gov.sg
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
WebUrl = Annotated[str, StringConstraints(strip_whitespace=True, pattern=URL_PATTERN)]
PhoneNumber = Annotated[str, StringConstraints(strip_whitespace=True, pattern=PHONE_PATTERN)]
_PATTERN_HINTS = {
    SLUG_PATTERN: "must be a lowercase slug of letters, digits and hyphens, e.g. investment-livestream",
    URL_PATTERN: "must be an http:// or https:// address",
    PHONE_PATTERN: "must be a phone number: digits, spaces, brackets, hyphens, an optional leading +",
    HOST_PATTERN: "must be a bare domain name in lowercase, like royalmail.com (no http://, no path)",
    DOMAIN_ENDING_PATTERN: "must be a bare domain ending in lowercase, like gov.sg (no http://, no path)",
}


class StrictSchema(BaseModel):
    """Base of the file schemas: unknown fields are typos, and a number is never silently a string."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


_FRIENDLIER = {
    "extra_forbidden": "unknown field (a typo?)",
    "missing": "required field is missing",
}


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: its data plus the node tree that knows where each value sits."""

    path: Path
    data: Any
    root: yaml.Node

    def line(self, loc: Loc) -> int | None:
        """The 1-based line of the value at ``loc`` (or of its nearest existing parent)."""
        node: yaml.Node = self.root
        for part in loc:
            child = _child(node, part)
            if child is None:
                break
            node = child
        return node.start_mark.line + 1

    def problem(self, loc: Loc, message: str, severity: str = "error") -> Problem:
        """A problem about the value at ``loc``, with its field path and line."""
        return Problem(self.path, field_path(loc), message, self.line(loc), severity)


def _child(node: yaml.Node, part: int | str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        child: yaml.Node = node.value[part]
        return child
    return None


def field_path(loc: Loc) -> str:
    """``('questions', 3, 'stage')`` → ``questions[3].stage``; an empty path is ``(file)``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(file)"


# libyaml's parser when PyYAML has it (the wheels do): ~10x faster on the large operator files.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> YamlDocument:
    """Read and parse a YAML file; unreadable, broken, empty or duplicate-keyed files raise."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeFileError([Problem(path, "(file)", f"cannot read the file: {exc}")]) from None
    loader = _SafeLoader(text)
    try:
        # One parse: the node tree keeps line numbers for problems, the data is built from it.
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise KnowledgeFileError([Problem(path, "(file)", f"broken YAML: {reason}", line)]) from None
    finally:
        loader.dispose()
    if root is None:
        raise KnowledgeFileError([Problem(path, "(file)", "the file is empty")])
    document = YamlDocument(path, data, root)
    duplicates = list(_duplicate_keys(document, root, ()))
    if duplicates:
        raise KnowledgeFileError(duplicates)
    return document


def _duplicate_keys(document: YamlDocument, node: yaml.Node, loc: tuple[int | str, ...]) -> list[Problem]:
    """YAML silently keeps the last of two equal keys; an operator almost never means that."""
    found: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                found.append(
                    Problem(
                        document.path,
                        field_path((*loc, name)),
                        "this key appears twice",
                        key.start_mark.line + 1,
                    )
                )
            seen.add(name)
            found += _duplicate_keys(document, value, (*loc, name))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found += _duplicate_keys(document, item, (*loc, index))
    return found


def validate(document: YamlDocument, model: type[ModelT]) -> ModelT:
    """Validate the document against a pydantic schema; every error becomes a located ``Problem``."""
    try:
        return model.model_validate(document.data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(part for part in error["loc"] if isinstance(part, int | str))
            # A missing field's line falls back to the mapping that should hold it.
            problems.append(document.problem(loc, _message(error)))
        raise KnowledgeFileError(_dedupe(problems)) from None


def repeated_texts(document: YamlDocument, section: str, texts: Sequence[str]) -> list[Problem]:
    """A problem for each ``section[i].text`` that repeats an earlier one, case and spacing ignored."""
    first: dict[str, int] = {}
    problems = []
    for i, text in enumerate(texts):
        key = " ".join(text.casefold().split())
        if key in first:
            repeated = f"the same text as {section}[{first[key]}]"
            problems.append(document.problem((section, i, "text"), repeated))
        first.setdefault(key, i)
    return problems


def _message(error: Any) -> str:
    context = error.get("ctx") or {}
    if error["type"] == "value_error" and "error" in context:
        return str(context["error"])
    pattern = context.get("pattern")
    if error["type"] == "string_pattern_mismatch" and pattern in _PATTERN_HINTS:
        return f"{_PATTERN_HINTS[pattern]} (got {error['input']!r})"
    return _FRIENDLIER.get(error["type"], error["msg"])


def _dedupe(problems: list[Problem]) -> list[Problem]:
    unique: dict[tuple[str, str], Problem] = {}
    for problem in problems:
        unique.setdefault((problem.field, problem.message), problem)
    return list(unique.values())


def content_hash(data: Any, length: int = 6) -> str:
    """A short hash of parsed content: edits to comments or layout do not change it."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:length]
