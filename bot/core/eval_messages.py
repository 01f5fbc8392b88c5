"""Measure the scam check on labelled message files: the dev set ``tests/eval/messages.yaml`` or fresh ones.

Detection rate: share of scam messages rated high or medium. False-positive rate: share of legitimate
messages rated high or medium. Targets: detection ≥ 0.92, false positives ≤ 0.03. Only message ids are
printed, never their text.

``python -m bot.core.eval_messages --search --messages tests/eval/messages*.yaml`` checks with everything
the bot uses: red flags, links, advisory search and the similarity check with the real model (the index
of ``--knowledge`` is built into ``--index`` first when missing or stale). Without ``--search`` only red
flags and links count.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.checks import WindowSearcher, check_message
from bot.core.exemplars import ExemplarSet, build_exemplars, load_legitimate_examples_from
from bot.core.indicator_data import IndicatorData, load_indicator_data
from bot.core.labelled import LabelledMessage, load_labelled_messages_from, load_messages
from bot.core.red_flags import RedFlagSet, load_red_flags_from
from bot.knowledge.loader import load_categories
from bot.knowledge.problems import KnowledgeFileError
from bot.settings import DEFAULT_MODEL, PRECISIONS, RUNTIMES, PathSettings, Precision, Runtime

if TYPE_CHECKING:
    from bot.retrieval.search import Searcher

DEFAULT_MESSAGES = Path("tests/eval/messages.yaml")
DETECTION_TARGET = 0.92
FALSE_POSITIVE_TARGET = 0.03


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


def evaluate(
    messages: Sequence[LabelledMessage],
    *,
    flags: RedFlagSet,
    indicators: IndicatorData,
    searcher: WindowSearcher | None = None,
    exemplars: ExemplarSet | None = None,
    region: str | None = "UK",
) -> EvalReport:
    """Check every message (as :func:`check_message` would) and count detections and false positives."""
    counts: dict[str, Counter[str]] = {"scam": Counter(), "legit": Counter()}
    missed: list[str] = []
    false_alarms: list[str] = []
    missed_by_category: Counter[str] = Counter()
    for message in messages:
        risk = check_message(
            message.text,
            flags=flags,
            indicators=indicators,
            searcher=searcher,
            exemplars=exemplars,
            region=region,
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


def format_report(report: EvalReport, *, with_search: bool, name: str = "") -> str:
    """The report as printable lines."""
    mode = (
        "red flags + links + advisory search + similarity"
        if with_search
        else "red flags + links only (no search)"
    )
    lines = [
        f"{name + ': ' if name else ''}"
        f"scam check on {report.scams} scams and {report.legit} legitimate messages ({mode})",
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
        by_category = sorted(report.missed_by_category.items(), key=lambda item: (-item[1], item[0]))
        lines.append("  missed by category: " + ", ".join(f"{c} {n}" for c, n in by_category))
    if report.false_positive_ids:
        lines.append("  false alarms: " + ", ".join(report.false_positive_ids))
    lines.append("  targets met" if report.meets_targets else "  TARGETS NOT MET")
    return "\n".join(lines)


def load_searcher(
    knowledge: Path,
    index_dir: Path,
    model: str = DEFAULT_MODEL,
    precision: Precision = "auto",
    runtime: Runtime = "openvino",
) -> Searcher:
    """The real searcher over ``knowledge``, building its index into ``index_dir`` when missing or stale."""
    from bot.retrieval.embedder import make_encoder
    from bot.retrieval.lifecycle import open_index
    from bot.retrieval.search import Searcher

    cache_dir = PathSettings().model_cache_dir
    encoder = make_encoder(model, runtime=runtime, precision=precision, cache_dir=cache_dir)
    index, _ = open_index(knowledge, index_dir, encoder)
    return Searcher(index, encoder)


def main(
    argv: Sequence[str] | None = None,
    *,
    searcher: Searcher | None = None,
    exemplars: ExemplarSet | None = None,
) -> int:
    """Report on each messages file; exit 0 when all meet both targets, 1 when not, 2 on bad files.

    With ``--search`` (or a ``searcher`` given, e.g. by a test) advisory search and the similarity check
    count too; ``exemplars`` are then built from the searcher's index and the operator examples when
    not given.
    """
    parser = argparse.ArgumentParser(prog="python -m bot.core.eval_messages", description=__doc__)
    parser.add_argument(
        "--messages", type=Path, nargs="+", default=[DEFAULT_MESSAGES], help="labelled messages YAML files"
    )
    parser.add_argument("--knowledge", type=Path, default=Path("knowledge"), help="the knowledge folder")
    parser.add_argument("--region", default="UK", help="region for reading phone numbers (default UK)")
    parser.add_argument("--search", action="store_true", help="use the real model, index and similarity")
    parser.add_argument("--index", type=Path, default=Path("index"), help="index folder for --search")
    parser.add_argument(
        "--precision", choices=PRECISIONS, default="auto", help="model precision for --search (default auto)"
    )
    parser.add_argument(
        "--runtime",
        choices=RUNTIMES,
        default="openvino",
        help="model runtime for --search (default openvino)",
    )
    args = parser.parse_args(argv)
    try:
        categories = load_categories(args.knowledge)
        flags = load_red_flags_from(args.knowledge, categories)
        indicators = load_indicator_data(args.knowledge)
        files = [(path, load_messages(path, categories)) for path in args.messages]
        learn = searcher is not None or args.search
        legit = load_legitimate_examples_from(args.knowledge) if learn else ()
        labelled = load_labelled_messages_from(args.knowledge, categories) if learn else ()
    except KnowledgeFileError as exc:
        print(f"cannot evaluate:\n{exc}", file=sys.stderr)
        return 2
    if searcher is None and args.search:
        searcher = load_searcher(args.knowledge, args.index, precision=args.precision, runtime=args.runtime)
    if searcher is not None and exemplars is None:
        # A saved classifier is keyed by its training vectors, so reading one is right whatever the index.
        store = PathSettings(index_dir=args.index).classifier_dir
        exemplars = build_exemplars(
            searcher.index,
            legit,
            searcher.encoder,
            labelled=labelled,
            store=store,
            flags=flags,
        )
    met = True
    for path, messages in files:
        report = evaluate(
            messages,
            flags=flags,
            indicators=indicators,
            searcher=searcher,
            exemplars=exemplars,
            region=args.region,
        )
        print(format_report(report, with_search=searcher is not None, name=path.name))
        met = met and report.meets_targets
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
