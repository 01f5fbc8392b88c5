"""Structured results the core returns; front ends (Telegram, terminal, CLI) only render them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Risk = Literal["high", "medium", "low"]
Intent = Literal["question", "check", "paid", "greeting", "out_of_scope"]


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
class CheckResult:
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
    stale_citations: tuple[str, ...] = ()  # advisory ids older than three years


@dataclass(frozen=True)
class TriageResult:
    """Ordered steps for someone who already paid, plus an evidence template."""

    steps: tuple[str, ...]
    evidence_checklist: tuple[str, ...]
    evidence_template: str
    hotlines: RegionHotlines | None
    advisories: tuple[Citation, ...]
    stale_citations: tuple[str, ...] = ()  # advisory ids older than three years
