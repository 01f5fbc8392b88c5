"""The advisory model: front matter fields plus the Markdown body."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REGION_RE = re.compile(r"^(?:[A-Z]{2}|global)$")
EXPECTED_SECTIONS = ("How it works", "Red flags", "Example messages", "What to do")


class AdvisoryMeta(BaseModel):
    """Front matter of one advisory file; categories are checked separately against the taxonomy."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(description="Unique slug.")
    title: str = Field(min_length=3)
    category: str
    issuer: str = Field(min_length=2)
    source_url: str
    published: dt.date
    region: str
    language: str
    tags: list[str] = Field(default_factory=list)
    reviewed: dt.date | None = None
    summary: str | None = None

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG_RE.match(value):
            raise ValueError("must be a lowercase slug of letters, digits and hyphens, e.g. uk-courier-fraud")
        return value

    @field_validator("source_url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+\.[^\s]+$", value):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if value.lower() == "global":
            return "global"
        if not REGION_RE.match(value.upper()):
            raise ValueError("must be a two-letter region code (CN, HK, SG, TW, UK, US, AU ...) or 'global'")
        return value.upper()

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if not re.match(r"^[a-z]{2}(?:-[A-Za-z]{2,4})?$", value):
            raise ValueError("must be a language code such as 'en'")
        return value

    @field_validator("tags", mode="before")
    @classmethod
    def _tags_as_text(cls, value: object) -> object:
        # YAML reads a tag such as 18222 or 101 as a number; a tag is always text.
        if isinstance(value, list):
            return [str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v for v in value]
        return value

    @field_validator("published", "reviewed", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> object:
        if isinstance(value, str) and not re.match(r"^\d{4}-\d{2}-\d{2}$", value.strip()):
            raise ValueError("must be a date written YYYY-MM-DD")
        return value


@dataclass(frozen=True)
class Advisory:
    """One loaded advisory: validated front matter, body and where it came from."""

    meta: AdvisoryMeta
    body: str
    path: Path
    content_hash: str

    @property
    def id(self) -> str:
        """The advisory's unique slug."""
        return self.meta.id


@dataclass(frozen=True)
class Chunk:
    """A searchable piece of an advisory; ``id`` is a hash of its content and position."""

    id: str
    advisory_id: str
    heading: str
    kind: str  # "section" or "example"
    text: str
    path: str = field(default="")

    def embedding_text(self, title: str) -> str:
        """The text that gets embedded: title and heading give a chunk its context."""
        return embedding_text(title, self.heading, self.kind, self.text)


def embedding_text(title: str, heading: str, kind: str, text: str) -> str:
    """What the encoder sees for a chunk; an example message is embedded alone, as a victim would paste it."""
    if kind == "example":
        return text
    return f"{title}. {heading}: {text}"
