"""Where to get help, per region (``knowledge/hotlines.yaml``): loading, lookup and plain-text rendering."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from bot.core.datafile import PhoneNumber, StrictSchema, Text, WebUrl, read_yaml, validate
from bot.core.results import Hotline, RegionHotlines
from bot.knowledge.problems import KnowledgeFileError

GLOBAL = "global"
REGION_CODE_RE = re.compile(r"^(?:[A-Z]{2}|global)$")
# The same place under two names: a user's setting may say GB where the file says UK, or the reverse.
REGION_ALIASES: dict[str, str] = {"GB": "UK", "UK": "GB"}


class _ContactSchema(StrictSchema):
    name: Text
    number: PhoneNumber | None = None
    url: WebUrl | None = None
    source_url: WebUrl
    reports: bool = False

    @field_validator("number", mode="before")
    @classmethod
    def _quoted(cls, value: Any) -> Any:
        # Unquoted YAML turns 000 into 0 and 0300 into 300: the digits would be silently wrong.
        if isinstance(value, int | float):
            raise ValueError(f'write the number in quotes, e.g. number: "{value}"')
        return value

    @model_validator(mode="after")
    def _reachable(self) -> _ContactSchema:
        if self.number is None and self.url is None:
            raise ValueError("a contact needs a number or a url (or both)")
        return self


class _RegionSchema(StrictSchema):
    name: Text
    contacts: Annotated[list[_ContactSchema], Field(min_length=1)]


class _HotlinesSchema(StrictSchema):
    regions: Annotated[dict[str, _RegionSchema], Field(min_length=1)]


def load_hotlines(path: Path) -> dict[str, RegionHotlines]:
    """Load and validate the hotlines file; raise ``KnowledgeFileError`` naming each bad field and line."""
    document = read_yaml(path)
    schema = validate(document, _HotlinesSchema)
    problems = [
        document.problem(
            ("regions", code),
            f"'{code}' is not a region code: use two capital letters (UK, US, HK ...) or 'global'",
        )
        for code in schema.regions
        if not REGION_CODE_RE.match(code)
    ]
    if problems:
        raise KnowledgeFileError(problems)
    return {
        code: RegionHotlines(
            code=code,
            name=region.name,
            contacts=tuple(
                Hotline(c.name, c.number, c.url, c.source_url, c.reports) for c in region.contacts
            ),
        )
        for code, region in schema.regions.items()
    }


def hotlines_for(hotlines: Mapping[str, RegionHotlines], region: str | None) -> RegionHotlines | None:
    """The contacts for a region (``uk``, ``GB``, ``UK`` all work), else the ``global`` entry, else None."""
    code = (region or "").strip()
    code = GLOBAL if code.lower() == GLOBAL else code.upper()
    for candidate in (code, REGION_ALIASES.get(code), GLOBAL):
        if candidate and candidate in hotlines:
            return hotlines[candidate]
    return None


def _contact_line(contact: Hotline) -> str:
    reach = ", ".join(part for part in (contact.number, contact.url) if part)
    return f"{contact.name}: {reach}"


def format_hotlines_text(hotlines: RegionHotlines) -> str:
    """Plain text, one contact per line, for a message or a terminal."""
    where = "" if hotlines.code == GLOBAL else f" in {hotlines.name}"
    lines = [f"Where to get help{where}:"]
    lines += [f"- {_contact_line(contact)}" for contact in hotlines.contacts]
    return "\n".join(lines)


def reporting_contacts(
    hotlines: RegionHotlines, unmarked: Sequence[Hotline] | None = None
) -> tuple[Hotline, ...]:
    """The contacts marked ``reports: true`` (they take fraud reports); when none is marked, ``unmarked``
    (default: every contact)."""
    marked = tuple(c for c in hotlines.contacts if c.reports)
    return marked or tuple(hotlines.contacts if unmarked is None else unmarked)


def format_hotlines_inline(contacts: Sequence[Hotline]) -> str:
    """``contacts`` on one line (``name: number, url; name: number``), for use inside a sentence."""
    return "; ".join(_contact_line(contact) for contact in contacts)
