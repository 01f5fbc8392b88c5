"""Measure the scam check on the dev set ``tests/eval/messages.yaml``.

Detection rate: share of scam messages rated high or medium. False-positive rate: share of legitimate
messages rated high or medium. Targets: detection ≥ 0.92, false positives ≤ 0.03. Only message ids are
printed, never their text.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from bot.core.checks import SearchMany, check_message
from bot.core.datafile import Slug, StrictSchema, Text, read_yaml, validate
from bot.core.indicator_data import IndicatorData, load_indicator_data
from bot.core.red_flags import RedFlagSet, load_red_flags_from
from bot.knowledge.loader import load_categories
from bot.knowledge.problems import KnowledgeFileError

DEFAULT_MESSAGES = Path("tests/eval/messages.yaml")
DETECTION_TARGET = 0.92
FALSE_POSITIVE_TARGET = 0.03
NO_CATEGORY = "none"


class _MessageSchema(StrictSchema):
    id: Slug
    label: Literal["scam", "legit"]
    category: Slug
    text: Text


class _MessagesSchema(StrictSchema):
    messages: Annotated[list[_MessageSchema], Field(min_length=1)]


@dataclass(frozen=True)
class DevMessage:
    """One labelled message of the dev set."""

    id: str
    label: str  # "scam" or "legit"
    category: str  # a category slug, or "none" for legitimate messages
    text: str


@dataclass(frozen=True)
class EvalReport:
    """Detection and false-positive rates, with the ids that missed."""

    scams: int
    legit: int
    detected: int
    false_positives: int
    missed_ids: tuple[str, ...]
    false_positive_ids: tuple[str, ...]
    risk_counts: dict[str, Counter[str]] = field(default_factory=dict)  # label → risk → count
    missed_by_category: Counter[str] = field(default_factory=Counter)

    @property
    def detection_rate(self) -> float:
        """High or medium on scams, as a share of scams."""
        return self.detected / self.scams if self.scams else 0.0

    @property
    def false_positive_rate(self) -> float:
        """High or medium on legitimate messages, as a share of them."""
        return self.false_positives / self.legit if self.legit else 0.0

    @property
    def meets_targets(self) -> bool:
        """Whether both targets are met."""
        return self.detection_rate >= DETECTION_TARGET and self.false_positive_rate <= FALSE_POSITIVE_TARGET


def load_messages(path: Path, categories: Collection[str] | None = None) -> list[DevMessage]:
    """Read and validate the dev set; raise ``KnowledgeFileError`` naming each bad field and line."""
    document = read_yaml(path)
    schema = validate(document, _MessagesSchema)
    problems = []
    seen: set[str] = set()
    for i, item in enumerate(schema.messages):
        if item.id in seen:
            problems.append(document.problem(("messages", i, "id"), f"the id '{item.id}' is used twice"))
        seen.add(item.id)
        known = categories is None or item.category in categories
        if item.label == "scam" and (item.category == NO_CATEGORY or not known):
            problems.append(
                document.problem(
                    ("messages", i, "category"),
                    f"a scam needs a category from categories.yaml (got '{item.category}')",
                )
            )
        if item.label == "legit" and item.category != NO_CATEGORY:
            problems.append(
                document.problem(("messages", i, "category"), "a legit message has category: none")
            )
    if problems:
        raise KnowledgeFileError(problems)
    return [DevMessage(m.id, m.label, m.category, m.text) for m in schema.messages]


def evaluate(
    messages: Sequence[DevMessage],
    *,
    flags: RedFlagSet,
    indicators: IndicatorData,
    search: SearchMany | None = None,
    region: str | None = "UK",
) -> EvalReport:
    """Check every message and count detections and false positives."""
    counts: dict[str, Counter[str]] = {"scam": Counter(), "legit": Counter()}
    missed: list[str] = []
    false_alarms: list[str] = []
    missed_by_category: Counter[str] = Counter()
    for message in messages:
        risk = check_message(
            message.text, flags=flags, indicators=indicators, search=search, region=region
        ).risk
        counts[message.label][risk] += 1
        flagged = risk != "low"
        if message.label == "scam" and not flagged:
            missed.append(message.id)
            missed_by_category[message.category] += 1
        if message.label == "legit" and flagged:
            false_alarms.append(message.id)
    scams = sum(counts["scam"].values())
    legit = sum(counts["legit"].values())
    return EvalReport(
        scams,
        legit,
        scams - len(missed),
        len(false_alarms),
        tuple(missed),
        tuple(false_alarms),
        counts,
        missed_by_category,
    )


def format_report(report: EvalReport, *, with_search: bool) -> str:
    """The report as printable lines."""
    mode = "red flags + links + advisory search" if with_search else "red flags + links only (no search)"
    lines = [
        f"Scam check on {report.scams} scams and {report.legit} legitimate messages ({mode})",
        f"  detection rate      {report.detection_rate:.3f}  (target >= {DETECTION_TARGET:.2f})  "
        f"{report.detected}/{report.scams}",
        f"  false-positive rate {report.false_positive_rate:.3f}  (target <= {FALSE_POSITIVE_TARGET:.2f})  "
        f"{report.false_positives}/{report.legit}",
    ]
    for label, risks in report.risk_counts.items():
        lines.append(
            f"  {label:<6} "
            + "  ".join(f"{risk}: {risks.get(risk, 0)}" for risk in ("high", "medium", "low"))
        )
    if report.missed_ids:
        lines.append("  missed scams: " + ", ".join(report.missed_ids))
    if report.false_positive_ids:
        lines.append("  false alarms: " + ", ".join(report.false_positive_ids))
    lines.append("  targets met" if report.meets_targets else "  TARGETS NOT MET")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None, *, search: SearchMany | None = None) -> int:
    """Run the evaluation and print the report; exit 0 when both targets are met, 1 when not, 2 on bad files.

    ``search`` (``Searcher.search_many``) adds advisory matching; without it only flags and links count.
    """
    parser = argparse.ArgumentParser(prog="fraudbot eval messages", description=__doc__)
    parser.add_argument("--messages", type=Path, default=DEFAULT_MESSAGES, help="the dev set YAML file")
    parser.add_argument("--knowledge", type=Path, default=Path("knowledge"), help="the knowledge folder")
    parser.add_argument("--region", default="UK", help="region for reading phone numbers (default UK)")
    args = parser.parse_args(argv)
    try:
        categories = load_categories(args.knowledge)
        flags = load_red_flags_from(args.knowledge, categories)
        indicators = load_indicator_data(args.knowledge)
        messages = load_messages(args.messages, categories)
    except KnowledgeFileError as exc:
        print(f"cannot evaluate:\n{exc}", file=sys.stderr)
        return 2
    report = evaluate(messages, flags=flags, indicators=indicators, search=search, region=args.region)
    print(format_report(report, with_search=search is not None))
    return 0 if report.meets_targets else 1


if __name__ == "__main__":
    sys.exit(main())
