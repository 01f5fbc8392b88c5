"""Ingest: read advisory files, validate each, and report problems without stopping the others."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from pydantic import ValidationError

from bot.knowledge.model import EXPECTED_SECTIONS, Advisory, AdvisoryMeta
from bot.knowledge.problems import KnowledgeFileError, Problem

ADVISORY_GLOB = "advisories/*.md"


class _PlainDatesLoader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so a bad date is reported by field instead of crashing."""


_PlainDatesLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _FrontMatterHandler(frontmatter.YAMLHandler):
    def load(self, fm: str, **kwargs: object) -> Any:
        data = yaml.load(fm, Loader=_PlainDatesLoader)  # a SafeLoader subclass
        return data if isinstance(data, dict) else {}


@dataclass
class LoadResult:
    """Advisories that loaded and the problems found in the rest."""

    advisories: list[Advisory] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Problems that made a file unusable."""
        return [p for p in self.problems if p.severity == "error"]


def file_hash(data: bytes) -> str:
    """Content hash used for change detection and ids."""
    return hashlib.sha256(data).hexdigest()


def load_categories(knowledge_dir: Path) -> dict[str, str]:
    """Read ``categories.yaml``: slug → one-line description."""
    path = knowledge_dir / "categories.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KnowledgeFileError([Problem(path, "file", "categories.yaml is missing")]) from None
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise KnowledgeFileError(
            [Problem(path, "yaml", f"broken YAML: {exc}", None if line is None else line + 1)]
        ) from None
    categories = data.get("categories") if isinstance(data, dict) else None
    if not isinstance(categories, dict) or not categories:
        raise KnowledgeFileError([Problem(path, "categories", "must be a mapping of slug: description")])
    return {str(k): str(v) for k, v in categories.items()}


def _section_headings(body: str) -> set[str]:
    return {line[3:].strip() for line in body.splitlines() if line.startswith("## ")}


def _meta_problems(path: Path, metadata: dict[str, object], exc: ValidationError) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        name = ".".join(str(p) for p in error["loc"]) or "front matter"
        if error["type"] == "missing":
            message = "missing required field"
        elif error["type"] == "extra_forbidden":
            message = f"unknown field (allowed: {', '.join(AdvisoryMeta.model_fields)})"
        else:
            message = f"{error['msg']} (got {error.get('input')!r})"
        problems.append(Problem(path, name, message))
    return problems


def parse_advisory(path: Path, categories: dict[str, str]) -> tuple[Advisory | None, list[Problem]]:
    """Parse and validate one advisory file; returns the advisory or the problems that stop it."""
    try:
        raw = path.read_bytes()
        post = frontmatter.loads(raw.decode("utf-8"), handler=_FrontMatterHandler())
    except UnicodeDecodeError:
        return None, [Problem(path, "file", "not UTF-8 text")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = None if mark is None else mark.line + 2  # +1 for 1-based, +1 for the opening ---
        return None, [Problem(path, "front matter", f"broken YAML: {getattr(exc, 'problem', exc)}", line)]
    metadata = dict(post.metadata)
    if not metadata:
        return None, [Problem(path, "front matter", "missing: the file must start with a --- YAML block ---")]
    try:
        meta = AdvisoryMeta.model_validate(metadata)
    except ValidationError as exc:
        return None, _meta_problems(path, metadata, exc)
    problems: list[Problem] = []
    if meta.category not in categories:
        problems.append(
            Problem(path, "category", f"unknown category {meta.category!r}; use one of categories.yaml")
        )
    body = post.content.strip()
    if not body:
        problems.append(Problem(path, "body", "empty: write the advisory's sections below the front matter"))
    if problems:
        return None, problems
    headings = _section_headings(body)
    warnings = [
        Problem(path, "body", f"missing section '## {name}'", severity="warning")
        for name in EXPECTED_SECTIONS
        if name not in headings
    ]
    return Advisory(meta=meta, body=body, path=path, content_hash=file_hash(raw)), warnings


def load_advisories(knowledge_dir: Path, categories: dict[str, str] | None = None) -> LoadResult:
    """Load every advisory in ``knowledge_dir``; broken files are skipped and reported, never fatal."""
    result = LoadResult()
    if categories is None:
        categories = load_categories(knowledge_dir)
    seen: dict[str, Path] = {}
    for path in sorted(knowledge_dir.glob(ADVISORY_GLOB)):
        advisory, problems = parse_advisory(path, categories)
        result.problems.extend(problems)
        if advisory is None:
            continue
        if advisory.id in seen:
            result.problems.append(
                Problem(path, "id", f"duplicate id {advisory.id!r}, already used by {seen[advisory.id].name}")
            )
            continue
        seen[advisory.id] = path
        result.advisories.append(advisory)
    return result
