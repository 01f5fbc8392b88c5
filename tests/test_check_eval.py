"""The scam check with the real model over a real index of the real knowledge: similarity, eval sets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.checks import check_message
from bot.core.eval_messages import evaluate, load_messages, main
from bot.core.exemplars import ExemplarSet, build_exemplars, load_legitimate_examples_from
from bot.core.indicator_data import IndicatorData
from bot.core.labelled import load_labelled_messages_from
from bot.core.red_flags import RedFlagSet
from bot.core.results import CheckResult
from bot.knowledge.loader import load_categories
from bot.retrieval.build import build_index
from bot.retrieval.embedder import Encoder
from bot.retrieval.search import Searcher, SearchIndex

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
EVAL_DIR = ROOT / "tests" / "eval"
MESSAGES = EVAL_DIR / "messages.yaml"
FRESH = sorted(EVAL_DIR.glob("messages_fresh*.yaml"))
NOT_SAFE_PHRASE = "does not mean it is safe"


@pytest.fixture(scope="module")
def real_searcher(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder) -> Iterator[Searcher]:
    """Hybrid search over a real index of the real knowledge folder, built once for this module."""
    index_dir = tmp_path_factory.mktemp("real-index")
    build_index(KNOWLEDGE, index_dir, encoder)
    yield Searcher(SearchIndex.load(index_dir), encoder)


@pytest.fixture(scope="module")
def real_exemplars(real_searcher: Searcher) -> ExemplarSet:
    """The real advisories' example messages and the real operator examples, embedded, and the classifier."""
    return build_exemplars(
        real_searcher.index,
        load_legitimate_examples_from(KNOWLEDGE),
        real_searcher.encoder,
        labelled=load_labelled_messages_from(KNOWLEDGE, load_categories(KNOWLEDGE)),
    )


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


# Regression guards, not the targets: (detection floor, false-positive ceiling) a little below / above
# what each batch measured with the bundled model. Batch #3 measured 0.875 / 0.017, batch #4 0.900 /
# 0.078 (its false alarms informed the training messages and one red-flag exception), batches #5 and #6
# 0.960 / 0.120 and 0.910 / 0.170 when sealed. The warning phrases of red_flags.yaml were written after
# reading #5's and #6's false alarms: 0.110 and 0.080 since, detection unchanged. The 0.03 false-positive
# target is missed on #4 to #6: red-flag patterns fire on scam-awareness posts that describe scams.
# Batch #7, sealed until the warning phrases were in: 0.880 / 0.200; its misses and false alarms then
# prompted more warning phrases and five red-flag patterns: 0.930 / 0.160 since (informed). Batch #8,
# sealed until all of that was in: 0.900 / 0.200; its misses and false alarms then prompted two more
# warning phrases, four patterns and three brands: 0.960 / 0.170 since (informed). Batch #9, sealed until
# then and not read since: 0.940 / 0.190; 0.940 / 0.180 with the warning phrases for news and victims'
# stories (written from batches #5 to #8); 0.950 / 0.180 after batch #10 was read. Batch #10, sealed until
# those were in: 0.890 / 0.160; its misses and false alarms then prompted a high-fixed-return flag, ten
# patterns and four warning phrases: 0.990 / 0.100 since (informed). Batch #11, sealed until all of that
# was in: 0.880 / 0.150; read later, its misses and false alarms prompted nine patterns, two exceptions and
# two warning phrases: 0.970 / 0.110 since (informed); 0.950 / 0.170 on #9. Batch #12, sealed: 0.890 /
# 0.130 before those, 0.890 / 0.120 with them (the rule that adopted them: no scam lost, no more false
# alarms added than scams caught); not read since. Batch #13, sealed: 0.910 / 0.130 (see its header).
# Batch #14, sealed, chose the classifier's C = 2 (0.890 / 0.140 with C = 1, 0.920 / 0.150 with C = 2);
# with C = 2 batch #3 lost a scam (0.850) and #11 gained two false alarms (0.130), hence their floors.
FRESH_FLOORS = {
    "messages_fresh3.yaml": (0.83, 0.04),
    "messages_fresh4.yaml": (0.87, 0.10),
    "messages_fresh5.yaml": (0.93, 0.12),
    "messages_fresh6.yaml": (0.88, 0.10),
    "messages_fresh7.yaml": (0.91, 0.17),
    "messages_fresh8.yaml": (0.94, 0.19),
    "messages_fresh9.yaml": (0.92, 0.21),
    "messages_fresh10.yaml": (0.96, 0.12),
    "messages_fresh11.yaml": (0.95, 0.15),
    "messages_fresh12.yaml": (0.87, 0.14),
    "messages_fresh13.yaml": (0.89, 0.15),
    "messages_fresh14.yaml": (0.90, 0.17),
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


def test_the_eval_command_reports_every_file_with_the_real_searcher(
    real_searcher: Searcher, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--messages", str(MESSAGES), "--knowledge", str(KNOWLEDGE)], searcher=real_searcher)
    out = capsys.readouterr().out
    assert code == 0 and "similarity" in out and "targets met" in out
    main(
        ["--messages", str(MESSAGES), *map(str, FRESH), "--knowledge", str(KNOWLEDGE)], searcher=real_searcher
    )
    out = capsys.readouterr().out
    assert [line.split(":")[0] for line in out.splitlines() if "scam check on" in line] == [
        p.name for p in (MESSAGES, *FRESH)
    ]
