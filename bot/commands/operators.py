"""``fraudbot new-advisory``: scaffold a valid advisory file from flags, or from prompts on a terminal."""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.knowledge.advisory_template import FIELD_HINTS, ScaffoldFields, scaffold_text
from bot.knowledge.loader import load_advisories, load_categories, parse_advisory
from bot.knowledge.model import AdvisoryMeta
from bot.knowledge.problems import KnowledgeFileError
from bot.settings import Settings

Ask = Callable[[str], str]


@dataclass(frozen=True)
class FieldSpec:
    """One front-matter field: its flag, its prompt, and its default when prompting."""

    name: str
    flag: str
    prompt: str
    default: str | None = None


FIELDS = (
    FieldSpec("id", "--id", "Advisory id, a lowercase slug (e.g. uk-courier-fraud)"),
    FieldSpec("title", "--title", "Title: one line saying what the scam does"),
    FieldSpec("category", "--category", "Category (one of the slugs above)"),
    FieldSpec("issuer", "--issuer", "Issuer: the police force or regulator that published the source"),
    FieldSpec("source_url", "--url", "Source URL: the official page the facts come from"),
    FieldSpec("published", "--date", "Published: the date of the source page, YYYY-MM-DD"),
    FieldSpec("region", "--region", "Region: UK, US, HK, SG, TW, CN, AU ... or global"),
    FieldSpec("language", "--language", "Language code", "en"),
)
# A valid value for every field, so one field can be checked on its own with the real model.
_VALID: dict[str, Any] = {
    "id": "x",
    "title": "Valid title",
    "category": "general",
    "issuer": "Issuer",
    "source_url": "https://example.org/",
    "published": "2024-01-01",
    "region": "UK",
    "language": "en",
}


def add_parser(sub: Any) -> None:
    """Register ``new-advisory`` on the CLI's subparsers."""
    parser = sub.add_parser("new-advisory", help="scaffold a valid advisory file (flags, or prompts)")
    for spec in FIELDS:
        parser.add_argument(spec.flag, dest=spec.name, metavar=spec.name.upper(), help=FIELD_HINTS[spec.name])
    parser.add_argument("--dir", type=Path, help="write into this folder (default: knowledge advisories/)")
    parser.set_defaults(func=cmd_new_advisory)


def field_error(name: str, value: str, categories: Collection[str], taken_ids: Collection[str]) -> str | None:
    """Why ``value`` is not acceptable for field ``name`` (checked by the advisory model), or None."""
    value = value.strip()
    if not value:
        return "must not be empty"
    try:
        meta = AdvisoryMeta.model_validate({**_VALID, name: value})
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        if error["type"] == "value_error":  # the model's own message already says what is expected
            return f"{str(error['msg']).removeprefix('Value error, ')} (got {value!r})"
        return f"{error['msg']} (got {value!r}); expected {FIELD_HINTS[name]}"
    if name == "category" and value not in categories:
        close = difflib.get_close_matches(value, list(categories), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f"unknown category {value!r}; {hint}use one of: {', '.join(sorted(categories))}"
    if name == "id" and meta.id in taken_ids:
        return f"id {value!r} is already used by another advisory; choose a new one"
    return None


def collect_fields(
    given: dict[str, str | None], categories: dict[str, str], taken_ids: Collection[str], ask: Ask | None
) -> tuple[ScaffoldFields | None, list[str]]:
    """Validate the flags; with ``ask`` (a terminal), prompt for missing or invalid ones until valid."""
    values: dict[str, str] = {}
    errors: list[str] = []
    for spec in FIELDS:
        value = given.get(spec.name)
        if value is None and ask is None and spec.default is not None:
            value = spec.default
        problem = None if value is None else field_error(spec.name, value, categories, taken_ids)
        while ask is not None and (value is None or problem is not None):
            if problem is not None:
                print(f"  {spec.flag}: {problem}", file=sys.stderr)
            if spec.name == "category":
                print("\n".join(f"  {slug}: {text}" for slug, text in categories.items()), file=sys.stderr)
            suffix = f" [{spec.default}]" if spec.default else ""
            value = ask(f"{spec.prompt}{suffix}: ").strip() or (spec.default or "")
            problem = field_error(spec.name, value, categories, taken_ids)
        if value is None:
            errors.append(f"{spec.flag} is missing: {FIELD_HINTS[spec.name]}")
        elif problem is not None:
            errors.append(f"{spec.flag}: {problem}")
        else:
            values[spec.name] = value.strip()
    if errors:
        return None, errors
    meta = AdvisoryMeta.model_validate(values)
    return ScaffoldFields(
        meta.id,
        meta.title,
        meta.category,
        meta.issuer,
        meta.source_url,
        meta.published,
        meta.region,
        meta.language,
    ), []


def write_scaffold(folder: Path, fields: ScaffoldFields) -> Path:
    """Create ``<folder>/<id>.md``; raises ``FileExistsError`` rather than overwrite anything."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{fields.id}.md"
    with path.open("x", encoding="utf-8") as handle:  # "x": fails if the file exists, even in a race
        handle.write(scaffold_text(fields))
    return path


def cmd_new_advisory(settings: Settings, args: argparse.Namespace) -> int:
    """Scaffold an advisory: every field validated like the loader does; never overwrites a file."""
    knowledge_dir = settings.paths.knowledge_dir
    try:
        categories = load_categories(knowledge_dir)
    except KnowledgeFileError as exc:
        print(f"new-advisory: cannot read the categories:\n{exc}", file=sys.stderr)
        return 2
    folder: Path = args.dir or knowledge_dir / "advisories"
    taken = {a.id for a in load_advisories(knowledge_dir, categories).advisories}
    ask = input if sys.stdin.isatty() else None
    given = {spec.name: getattr(args, spec.name) for spec in FIELDS}
    try:
        fields, errors = collect_fields(given, categories, taken, ask)
    except (EOFError, KeyboardInterrupt):
        print("\nnew-advisory: cancelled, nothing written", file=sys.stderr)
        return 1
    if fields is None:
        for error in errors:
            print(f"new-advisory: {error}", file=sys.stderr)
        print("nothing written (give every flag, or run it in a terminal to be asked)", file=sys.stderr)
        return 2
    try:
        path = write_scaffold(folder, fields)
    except FileExistsError:
        existing = folder / f"{fields.id}.md"
        print(f"new-advisory: {existing} already exists; not overwriting it", file=sys.stderr)
        return 1
    advisory, problems = parse_advisory(path, categories)
    for problem in problems:
        print(f"{problem.severity}: {problem}", file=sys.stderr)
    if advisory is None:
        return 1
    print(
        f"wrote {path}\nFill in the four sections (the <!-- comments --> say how), then run `fraudbot lint`"
        " and try it with `fraudbot ask`. A running bot serves the file within seconds of each save."
    )
    return 0
