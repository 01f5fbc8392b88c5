"""The scam check with the real model over a real index of the real knowledge: similarity, eval sets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core.checks import check_message
from bot.core.eval_messages import evaluate, load_messages, main
from bot.core.exemplars import ExemplarSet
from bot.core.indicator_data import IndicatorData
from bot.core.red_flags import RedFlagSet
from bot.core.results import CheckResult
from bot.knowledge.loader import load_categories
from bot.retrieval.search import Searcher

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
EVAL_DIR = ROOT / "tests" / "eval"
MESSAGES = EVAL_DIR / "messages.yaml"
FRESH = sorted(EVAL_DIR.glob("messages_fresh*.yaml"))
NOT_SAFE_PHRASE = "does not mean it is safe"


def check(
    text: str, flags: RedFlagSet, indicators: IndicatorData, searcher: Searcher, exemplars: ExemplarSet
) -> CheckResult:
    return check_message(
        text, flags=flags, indicators=indicators, searcher=searcher, exemplars=exemplars, region="UK"
    )


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script><b>Guaranteed</b> returns &amp; <a href='http://1.2.3.4/x'>click</a>"
        * 30,
        "A" * 4096,
        "\x00\x07\x1b[2J\u202e" * 800,
        "💸🚀🔥" * 1400,
        "safe account " * 2000,
        "\ud800\udfff broken surrogates",
    ],
)
def test_hostile_input_does_not_crash_the_model_or_the_similarity_check(
    text: str,
    flags: RedFlagSet,
    indicators: IndicatorData,
    real_searcher: Searcher,
    real_exemplars: ExemplarSet,
) -> None:
    result = check(text, flags, indicators, real_searcher, real_exemplars)
    assert result.risk in ("high", "medium", "low")
    assert result.next_steps


def test_the_advisories_own_example_messages_read_like_known_scams(
    real_searcher: Searcher, real_exemplars: ExemplarSet, flags: RedFlagSet, indicators: IndicatorData
) -> None:
    found = []
    for example in real_exemplars.scam:
        result = check(example.text, flags, indicators, real_searcher, real_exemplars)
        found += [s for s in result.signals if s.name == "resembles-known-scam" and s.weight == 2]
    assert len(found) >= 0.9 * len(real_exemplars.scam)
    titles = {e.title for e in real_exemplars.scam}
    assert all(s.evidence == () and any(f"“{t}”" in s.explanation for t in titles) for s in found)


@pytest.mark.parametrize(
    "text",
    [
        "Your verification code is 402913. Don't share it with anyone.",
        "Hi love, can you pick up some milk on your way home? x",
        "Your parcel will arrive tomorrow between 10am and 12pm.",
    ],
)
def test_everyday_messages_do_not_read_like_known_scams(
    text: str,
    real_searcher: Searcher,
    real_exemplars: ExemplarSet,
    flags: RedFlagSet,
    indicators: IndicatorData,
) -> None:
    result = check(text, flags, indicators, real_searcher, real_exemplars)
    assert "resembles-known-scam" not in {s.name for s in result.signals}
    assert result.risk == "low" and NOT_SAFE_PHRASE in result.summary


def test_the_dev_set_meets_the_targets_with_the_real_model_and_similarity(
    real_searcher: Searcher, real_exemplars: ExemplarSet, flags: RedFlagSet, indicators: IndicatorData
) -> None:
    messages = load_messages(MESSAGES, load_categories(KNOWLEDGE))
    report = evaluate(
        messages, flags=flags, indicators=indicators, searcher=real_searcher, exemplars=real_exemplars
    )
    assert report.detection_rate >= 0.92, report.missed_ids
    assert report.false_positive_rate <= 0.03, report.false_positive_ids


def test_no_dev_set_check_gives_the_same_step_twice_in_other_words(
    real_searcher: Searcher, real_exemplars: ExemplarSet, flags: RedFlagSet, indicators: IndicatorData
) -> None:
    # Each red flag's advice is written to add what the fixed steps and the flags that fire with it do not
    # say; two steps sharing most of their words would read to a worried user as the bot repeating itself.
    repeats = []
    for message in load_messages(MESSAGES, load_categories(KNOWLEDGE)):
        steps = check(message.text, flags, indicators, real_searcher, real_exemplars).next_steps
        words = [set(re.findall(r"[a-z']+", step.lower())) for step in steps]
        repeats += [
            (message.id, steps[i], steps[j])
            for i in range(len(steps))
            for j in range(i + 1, len(steps))
            if len(words[i] & words[j]) >= 0.6 * min(len(words[i]), len(words[j]))
        ]
    assert repeats == []


# Regression guards, not the targets: (detection floor, false-positive ceiling) one message below / above
# what each sealed batch measures with the bundled model. Batches #3 to #64 and #73 to #80 measured the
# check while it was tuned or decided changes, or were written for training, and now teach the classifier
# in knowledge/labelled_messages.yaml (their history is in docs/benchmarks.md). The batches here were
# written blind and have not been read (glimpses: docs/benchmarks.md); each file's header says what it
# decided, and the targets table of docs/benchmarks.md gives what each measures now.
FRESH_FLOORS = {
    "messages_fresh65.yaml": (0.96, 0.06),
    "messages_fresh66.yaml": (0.97, 0.04),
    "messages_fresh67.yaml": (0.99, 0.05),
    "messages_fresh68.yaml": (0.95, 0.06),
    "messages_fresh69.yaml": (0.95, 0.04),
    "messages_fresh70.yaml": (0.97, 0.05),
    "messages_fresh71.yaml": (0.95, 0.03),
    "messages_fresh72.yaml": (0.98, 0.07),
    "messages_fresh81.yaml": (0.93, 0.08),
    "messages_fresh82.yaml": (0.97, 0.08),
    "messages_fresh83.yaml": (0.96, 0.07),
    "messages_fresh84.yaml": (0.96, 0.05),
    "messages_fresh85.yaml": (0.92, 0.05),
    "messages_fresh86.yaml": (0.92, 0.07),
    "messages_fresh87.yaml": (0.91, 0.04),
    "messages_fresh88.yaml": (0.90, 0.08),
    "messages_fresh89.yaml": (0.94, 0.07),
    "messages_fresh90.yaml": (0.94, 0.10),
    "messages_fresh91.yaml": (0.94, 0.08),
    "messages_fresh92.yaml": (0.94, 0.06),
    "messages_fresh93.yaml": (0.93, 0.11),
    "messages_fresh94.yaml": (0.93, 0.05),
}


@pytest.mark.parametrize("path", FRESH, ids=lambda p: p.name)
def test_fresh_batches_stay_above_their_measured_floor(
    path: Path,
    real_searcher: Searcher,
    real_exemplars: ExemplarSet,
    flags: RedFlagSet,
    indicators: IndicatorData,
) -> None:
    messages = load_messages(path, load_categories(KNOWLEDGE))
    scams = [m for m in messages if m.label == "scam"]
    assert len(scams) >= 60 and len(messages) - len(scams) >= 40
    assert {m.category for m in scams} == set(load_categories(KNOWLEDGE))
    report = evaluate(
        messages, flags=flags, indicators=indicators, searcher=real_searcher, exemplars=real_exemplars
    )
    detection_floor, false_positive_ceiling = FRESH_FLOORS[path.name]
    assert report.detection_rate >= detection_floor, report.missed_ids
    assert report.false_positive_rate <= false_positive_ceiling, report.false_positive_ids


def test_every_sealed_batch_has_a_floor_and_every_floor_a_batch() -> None:
    assert {p.name for p in FRESH} == set(FRESH_FLOORS)


def test_the_eval_command_reports_every_file_with_the_real_searcher(
    real_searcher: Searcher, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--messages", str(MESSAGES), "--knowledge", str(KNOWLEDGE)], searcher=real_searcher)
    out = capsys.readouterr().out
    assert code == 0 and "similarity" in out and "targets met" in out
    # Two sealed batches suffice to show each file reported in order; each batch has its own floor test.
    files = (MESSAGES, FRESH[-1], FRESH[0])
    main(["--messages", *map(str, files), "--knowledge", str(KNOWLEDGE)], searcher=real_searcher)
    out = capsys.readouterr().out
    reported = [line.split(":")[0] for line in out.splitlines() if "scam check on" in line]
    assert reported == [p.name for p in files]
