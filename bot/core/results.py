"""Structured results the core returns; front ends (Telegram, terminal, CLI) only render them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Risk = Literal["high", "medium", "low"]
Intent = Literal["question", "check", "paid", "greeting", "out_of_scope"]
MenuChoice = Literal[
    "check", "checklist", "hotline", "start", "privacy", "cancel", "help"
]  # what a message naming a menu item asks for
STALE_AFTER_DAYS = 3 * 365


@dataclass(frozen=True)
class Citation:
    """Where an answer's words come from."""

    advisory_id: str
    title: str
    category: str
    issuer: str
    published: str
    source_url: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def is_stale(published: str, today: dt.date) -> bool:
    """True when the source is more than three years old."""
    try:
        return (today - dt.date.fromisoformat(published)).days > STALE_AFTER_DAYS
    except ValueError:
        return False


def stale_ids(citations: Iterable[Citation], today: dt.date | None = None) -> tuple[str, ...]:
    """The advisory ids of the citations published more than three years before ``today``."""
    today = today or dt.date.today()
    return tuple(c.advisory_id for c in citations if is_stale(c.published, today))


class ReadingList:
    """A result that cites advisories to read, and knows which of them are old."""

    advisories: tuple[Citation, ...]

    @property
    def stale_citations(self) -> tuple[str, ...]:
        """The ids of the cited advisories that are more than three years old."""
        return stale_ids(self.advisories)


@dataclass(frozen=True)
class Hotline:
    """One way to get help in a region."""

    name: str
    number: str | None
    url: str | None
    source_url: str
    reports: bool = False  # takes fraud reports: named in the triage's and a high check's "report it" step


@dataclass(frozen=True)
class RegionHotlines:
    """A region's contacts."""

    code: str
    name: str
    contacts: tuple[Hotline, ...]


@dataclass(frozen=True)
class Passage:
    """A passage quoted from an advisory, with the citation index it belongs to."""

    text: str
    heading: str
    citation: int  # index into Answer.citations


@dataclass(frozen=True)
class Answer:
    """A grounded answer: quoted passages with citations, or an abstention."""

    question_hash: str
    confident: bool
    text: str  # the composed answer, plain text, no markup
    passages: tuple[Passage, ...]
    citations: tuple[Citation, ...]
    stale_citations: tuple[str, ...]  # advisory ids older than three years
    hotlines: RegionHotlines | None
    score: float


@dataclass(frozen=True)
class Signal:
    """A named red flag found in a message, with the words that triggered it."""

    name: str
    label: str
    evidence: tuple[str, ...]
    explanation: str
    weight: int


@dataclass(frozen=True)
class CheckResult(ReadingList):
    """The verdict on a suspicious message. ``low`` never means safe."""

    message_hash: str
    risk: Risk
    summary: str
    signals: tuple[Signal, ...]
    advisories: tuple[Citation, ...]
    next_steps: tuple[str, ...]
    hotlines: RegionHotlines | None
    links: tuple[str, ...] = field(default=())
    phones: tuple[str, ...] = field(default=())
    warning_phrase: str | None = None  # set when the message reads as a warning about scams (then low)


@dataclass(frozen=True)
class TriageResult(ReadingList):
    """Ordered steps for someone who already paid, plus an evidence template."""

    steps: tuple[str, ...]
    evidence_checklist: tuple[str, ...]
    evidence_template: str
    hotlines: RegionHotlines | None
    advisories: tuple[Citation, ...]
