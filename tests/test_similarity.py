"""The similarity check's parts: the kNN decision on small vectors, the exemplar sets, and their settings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.core.checks import HINT_LABEL, similarity_signal
from bot.core.eval_messages import load_messages
from bot.core.exemplars import (
    ExemplarSet,
    LegitimateExample,
    ScamExample,
    build_exemplars,
    legit_key,
    load_legitimate_examples,
    load_legitimate_examples_from,
)
from bot.core.indicators import FINDING_KINDS
from bot.core.red_flags import load_red_flags, load_red_flags_from
from bot.core.similarity import (
    DEFAULT_RULE,
    Resemblance,
    SimilarityRule,
    nearest_mean,
    resemblance,
    resemblance_weight,
)
from bot.knowledge.loader import load_categories
from bot.knowledge.problems import KnowledgeFileError
from bot.retrieval.embedder import SentenceTransformerEncoder
from bot.retrieval.search import Searcher

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
EVAL_DIR = ROOT / "tests" / "eval"


def unit(*rows: tuple[float, ...]) -> np.ndarray:
    """Rows scaled to length 1, as the encoder gives them."""
    matrix = np.array(rows, dtype=np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


# Scam examples lean to the x axis, legitimate ones to the y axis.
SCAM = unit((1.0, 0.0), (0.8, 0.6))
LEGIT = unit((0.0, 1.0), (0.6, 0.8))
RULE = SimilarityRule(neighbours=1, floor=0.5, margin=0.25, hint_margin=0.125, weight=2, hint_weight=1)


def test_nearest_mean_averages_the_k_largest_per_row_and_names_the_best_column() -> None:
    similarities = np.array([[0.9, 0.1, 0.5], [0.2, 0.3, 0.4]], dtype=np.float32)
    means, best = nearest_mean(similarities, 2)
    assert means == pytest.approx([0.7, 0.35])
    assert best.tolist() == [0, 2]
    assert nearest_mean(similarities, 10)[0] == pytest.approx([0.5, 0.3])  # k is capped at the columns
    assert nearest_mean(similarities, 0)[0] == pytest.approx([0.9, 0.4])  # and is at least 1
    with pytest.raises(ValueError):
        nearest_mean(np.zeros((1, 0), dtype=np.float32), 3)


def test_the_window_leaning_furthest_to_the_scam_side_is_chosen() -> None:
    windows = unit((0.0, 1.0), (1.0, 0.0))  # the second window reads like the scam examples
    found = resemblance(windows, SCAM, LEGIT, RULE)
    assert found is not None
    assert found.window == 1
    assert found.scam_score == pytest.approx(1.0)
    assert found.legit_score == pytest.approx(0.6)
    assert found.margin == pytest.approx(0.4)
    assert (found.nearest_scam, found.nearest_legit) == (0, 1)
    assert resemblance_weight(found, RULE) == 2


def test_a_window_below_the_floor_never_counts() -> None:
    window = unit((1.0, 0.0))
    assert resemblance(window, SCAM, LEGIT, RULE) is not None
    high_floor = SimilarityRule(neighbours=1, floor=1.01, margin=0.3, hint_margin=0.1)
    assert resemblance(window, SCAM, LEGIT, high_floor) is None


def test_a_message_closer_to_the_legitimate_side_gets_no_weight() -> None:
    found = resemblance(unit((0.0, 1.0)), SCAM, LEGIT, RULE)
    assert found is not None and found.margin == pytest.approx(-0.4)
    assert resemblance_weight(found, RULE) == 0


def test_the_weight_is_full_at_the_margin_a_hint_at_the_hint_margin_else_nothing() -> None:
    def at(margin: float) -> int:
        return resemblance_weight(Resemblance(0.5 + margin, 0.5, 0, 0, 0), RULE)

    # Binary-exact numbers, so "at the margin" is exactly at it.
    assert [at(0.375), at(0.25), at(0.1875), at(0.125), at(0.0625), at(-0.25)] == [2, 2, 1, 1, 0, 0]
    assert resemblance_weight(None, RULE) == 0


def test_without_windows_or_either_side_there_is_nothing_to_compare() -> None:
    empty = np.zeros((0, 2), dtype=np.float32)
    assert resemblance(empty, SCAM, LEGIT, RULE) is None
    assert resemblance(unit((1.0, 0.0)), empty, LEGIT, RULE) is None
    assert resemblance(unit((1.0, 0.0)), SCAM, empty, RULE) is None


def test_with_the_real_model_a_scam_leans_to_the_scam_side_and_a_bank_notice_does_not(
    encoder: SentenceTransformerEncoder,
) -> None:
    scam = encoder.encode(
        [
            "Your parcel is on hold: pay the £1.99 redelivery fee at this link today or it is returned.",
            "Grandma it's me, I lost my phone, please send £900 for my rent, don't tell mum.",
            "Earn 5% a day with our AI trading robot, guaranteed profit, deposit USDT to start.",
        ]
    )
    legit = encoder.encode(
        [
            "Your parcel will be delivered tomorrow between 9am and 11am. No action needed.",
            "Your bank will never ask for your PIN or ask you to move money to a safe account.",
            "I put £50 a month into an index fund, it goes up and down but that's normal.",
        ]
    )
    rule = SimilarityRule(neighbours=1, floor=0.0, margin=0.05, hint_margin=0.02)
    suspicious = encoder.encode(["URGENT: your package is held, pay a small shipping charge via the link"])
    notice = encoder.encode(
        ["Reminder: we'll never call you to ask for your PIN or to transfer your savings."]
    )
    leaning = resemblance(suspicious, scam, legit, rule)
    calm = resemblance(notice, scam, legit, rule)
    assert leaning is not None and leaning.margin > 0 and leaning.nearest_scam == 0
    assert calm is not None and calm.margin < 0 and calm.nearest_legit == 1


def write_examples(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "legitimate_examples.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_legitimate_examples_load_and_bad_ones_are_named(tmp_path: Path) -> None:
    good = write_examples(tmp_path, "examples:\n  - {topic: bank-notice, text: 'Your card is on its way.'}\n")
    assert load_legitimate_examples(good) == (LegitimateExample("bank-notice", "Your card is on its way."),)
    twice = write_examples(
        tmp_path,
        "examples:\n  - {topic: a, text: Same words}\n  - {topic: b, text: '  same   WORDS '}\n",
    )
    with pytest.raises(KnowledgeFileError) as caught:
        load_legitimate_examples(twice)
    assert "examples[1].text" in str(caught.value) and "examples[0]" in str(caught.value)
    bad = write_examples(tmp_path, "examples:\n  - {topic: Not A Slug, text: hi}\n  - {text: no topic}\n")
    with pytest.raises(KnowledgeFileError) as caught:
        load_legitimate_examples(bad)
    message = str(caught.value)
    assert "examples[0].topic" in message and "examples[1].topic" in message


def test_the_real_legitimate_examples_are_many_varied_and_not_copied_from_the_eval_sets() -> None:
    examples = load_legitimate_examples_from(KNOWLEDGE)
    assert len(examples) >= 120
    assert len({e.topic for e in examples}) >= 12
    evaluated = {
        " ".join(m.text.casefold().split())
        for path in EVAL_DIR.glob("messages*.yaml")
        for m in load_messages(path)
    }
    assert not [e.text for e in examples if " ".join(e.text.casefold().split()) in evaluated]


def test_exemplars_come_from_the_index_and_legitimate_vectors_are_reused_while_unchanged(
    searcher: Searcher, encoder: SentenceTransformerEncoder
) -> None:
    legit = (LegitimateExample("a", "Your order has shipped."), LegitimateExample("b", "See you at 6!"))
    built = build_exemplars(searcher.index, legit, encoder)
    examples = [c for c in searcher.index.chunks if c.kind == "example"]
    assert len(built.scam) == len(examples) == built.scam_vectors.shape[0] > 0
    assert {e.advisory_id for e in built.scam} == {c.advisory_id for c in examples}
    assert built.legit_vectors.shape == (2, encoder.dimension)
    assert np.allclose(np.linalg.norm(built.scam_vectors, axis=1), 1.0, atol=1e-4)
    again = build_exemplars(searcher.index, legit, encoder, previous=built)
    assert again.legit_vectors is built.legit_vectors  # not encoded again
    changed = build_exemplars(searcher.index, legit[:1], encoder, previous=built)
    assert changed.legit_vectors.shape == (1, encoder.dimension)
    assert legit_key("model-a", legit) != legit_key("model-b", legit) != legit_key("model-b", legit[:1])
    assert build_exemplars(searcher.index, (), encoder).legit_vectors.shape == (0, encoder.dimension)


def test_the_similarity_signal_names_the_closest_example_and_a_hint_says_it_is_weak() -> None:
    flags = load_red_flags_from(KNOWLEDGE)
    rule = flags.thresholds.similarity
    example = ScamExample("adv-1", "Fake parcel fees", "phishing", "Pay the fee at https://evil.top/pay now")
    exemplars = ExemplarSet((example,), SCAM[:1], (), LEGIT[:0], "key")
    strong = similarity_signal(Resemblance(0.7, 0.69 - rule.margin, 0, 0, 0), exemplars, flags)
    assert strong is not None
    assert (strong.name, strong.label, strong.weight) == (
        "resembles-known-scam",
        flags.similarity_flag.label,
        rule.weight,
    )
    assert "Fake parcel fees" in strong.explanation and "https://" not in strong.explanation
    assert "evil[.]top" in strong.explanation and strong.evidence == ()
    between = (rule.hint_margin + rule.margin) / 2
    hint = similarity_signal(Resemblance(0.7, 0.7 - between, 0, 0, 0), exemplars, flags)
    assert hint is not None and hint.weight == rule.hint_weight
    assert hint.label == HINT_LABEL.format(label=flags.similarity_flag.label)
    assert similarity_signal(Resemblance(0.7, 0.7, 0, 0, 0), exemplars, flags) is None
    assert similarity_signal(None, exemplars, flags) is None


def test_the_real_red_flags_configure_the_rule_and_the_signal_words() -> None:
    flags = load_red_flags_from(KNOWLEDGE, load_categories(KNOWLEDGE))
    rule = flags.thresholds.similarity
    assert 0 < rule.hint_margin < rule.margin and 0 < rule.hint_weight < rule.weight
    assert rule.weight < flags.thresholds.high
    assert "resembles-known-scam" in flags.names()
    found = flags.get("resembles-known-scam")
    assert found is flags.similarity_flag and found.advice


MINIMAL = """thresholds:
  medium: 2
  high: 6{similarity}
flags:
  - name: guaranteed-returns
    label: Guaranteed returns
    explanation: Nobody can guarantee profits.
    categories: [phishing]
    weight: 3
    patterns: ['guaranteed\\s+returns']
{extra}"""


INDICATOR_FLAGS = "indicator_flags:\n" + "".join(
    f"  - {{name: {kind}, label: {kind}, explanation: Found by the link checks.,"
    " categories: [phishing], weight: 2}\n"
    for kind in FINDING_KINDS
)


def red_flags_file(tmp_path: Path, similarity: str = "", extra: str = "") -> Path:
    path = tmp_path / "red_flags.yaml"
    path.write_text(MINIMAL.format(similarity=similarity, extra=extra) + INDICATOR_FLAGS, encoding="utf-8")
    return path


def test_a_file_without_similarity_settings_uses_the_defaults(tmp_path: Path) -> None:
    flags = load_red_flags(red_flags_file(tmp_path))
    assert flags.thresholds.similarity == DEFAULT_RULE
    assert flags.similarity_flag.name == "resembles-known-scam"
    assert flags.similarity_flag.weight == DEFAULT_RULE.weight


GOOD_SIMILARITY = (
    "\n  similarity: {neighbours: 3, floor: 0.4, margin: 0.1, weight: 2, hint_margin: 0.05, hint_weight: 1}"
)


def test_bad_similarity_settings_are_reported_precisely(tmp_path: Path) -> None:
    def problems(similarity: str, extra: str = "") -> str:
        with pytest.raises(KnowledgeFileError) as caught:
            load_red_flags(red_flags_file(tmp_path, similarity, extra), ["phishing"])
        return str(caught.value)

    assert "thresholds.similarity.neighbours" in problems(
        GOOD_SIMILARITY.replace("neighbours: 3", "neighbours: 0")
    )
    swapped = GOOD_SIMILARITY.replace("margin: 0.1,", "margin: 0.01,")
    assert "hint_margin and hint_weight cannot exceed margin and weight" in problems(swapped)
    extra = """similarity_flag:
  name: guaranteed-returns
  label: Reads like a scam
  explanation: Close to known scams.
  categories: [nowhere]
"""
    message = problems(GOOD_SIMILARITY, extra)
    assert "similarity_flag.name" in message and "used twice" in message
    assert "similarity_flag.categories[0]" in message and "unknown category 'nowhere'" in message
