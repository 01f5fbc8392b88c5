"""The similarity check's parts: the classifier on small vectors, the exemplar sets, and their settings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from counting_encoder import CountingEncoder

from bot.core.checks import similarity_signal
from bot.core.exemplars import (
    ExemplarSet,
    LegitimateExample,
    ScamExample,
    build_exemplars,
    load_legitimate_examples,
    load_legitimate_examples_from,
    operator_texts,
    scam_side_vectors,
)
from bot.core.indicators import FINDING_KINDS
from bot.core.labelled import LabelledMessage, load_labelled_messages_from, load_messages
from bot.core.red_flags import load_red_flags, load_red_flags_from
from bot.core.service import FraudCore
from bot.core.similarity import (
    CALIBRATION_FOLDS,
    DEFAULT_RULE,
    Resemblance,
    SimilarityRule,
    resemblance,
    resemblance_weight,
    train_classifier,
)
from bot.knowledge.loader import load_categories
from bot.knowledge.problems import KnowledgeFileError
from bot.retrieval.embedder import Encoder
from bot.retrieval.search import Searcher

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
EVAL_DIR = ROOT / "tests" / "eval"


def unit(rows: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1, as the encoder gives them."""
    matrix = np.asarray(rows, dtype=np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def around(direction: tuple[float, float, float], count: int, seed: int) -> np.ndarray:
    """``count`` unit vectors scattered near ``direction``."""
    noise = np.random.default_rng(seed).normal(0.0, 0.15, size=(count, 3))
    return unit(np.array(direction) + noise)


# Scam examples lean to the x axis, legitimate ones to the y axis.
SCAM = around((1.0, 0.0, 0.2), 12, seed=1)
LEGIT = around((0.0, 1.0, 0.2), 12, seed=2)
RULE = SimilarityRule(probability=0.7, weight=2)


def test_the_classifier_learns_which_side_a_vector_is_on() -> None:
    classifier = train_classifier(SCAM, LEGIT)
    assert classifier is not None
    assert (classifier.scam_examples, classifier.legit_examples) == (12, 12)
    scam_like, legit_like = classifier.scam_probability(unit(np.array([[1.0, 0.1, 0.2], [0.1, 1.0, 0.2]])))
    assert scam_like > 0.8 and legit_like < 0.2
    assert classifier.scam_probability(np.zeros((0, 3), dtype=np.float32)).shape == (0,)


def test_the_same_examples_always_give_the_same_classifier() -> None:
    probe = around((0.6, 0.6, 0.2), 5, seed=3)
    first, second = train_classifier(SCAM, LEGIT), train_classifier(SCAM, LEGIT)
    assert first is not None and second is not None
    assert np.array_equal(first.scam_probability(probe), second.scam_probability(probe))


def test_scoring_with_the_arrays_gives_scikit_learns_probabilities(core: FraudCore, encoder: Encoder) -> None:
    # Trained here on the core's real vectors (its own classifier may have been read back from the index
    # folder without its scikit-learn model), the labelled scams against the legitimate examples.
    exemplars, legit_count = core.exemplars, len(core.data.legitimate_examples)
    _, is_scam = operator_texts(core.data.legitimate_examples, core.data.labelled_messages)
    scam_side = scam_side_vectors(exemplars.scam_vectors, exemplars.operator_vectors, is_scam)
    classifier = train_classifier(scam_side, exemplars.operator_vectors[:legit_count])
    assert classifier is not None and classifier.model is not None
    assert min(classifier.scam_examples, classifier.legit_examples) > 100
    texts = [m.text for m in load_messages(EVAL_DIR / "messages.yaml")]
    vectors = encoder.encode(texts)
    expected = classifier.model.predict_proba(vectors)[:, 1]
    np.testing.assert_allclose(classifier.scam_probability(vectors), expected, rtol=0, atol=1e-9)
    toy = train_classifier(SCAM, LEGIT)
    assert toy is not None and toy.model is not None
    probe = around((0.6, 0.6, 0.2), 5, seed=3)
    np.testing.assert_allclose(toy.scam_probability(probe), toy.model.predict_proba(probe)[:, 1], atol=1e-9)


def test_too_few_examples_on_either_side_give_no_classifier() -> None:
    few = CALIBRATION_FOLDS - 1
    assert train_classifier(SCAM[:few], LEGIT) is None
    assert train_classifier(SCAM, LEGIT[:few]) is None
    assert train_classifier(SCAM[:CALIBRATION_FOLDS], LEGIT[:CALIBRATION_FOLDS]) is not None


def test_the_most_scam_like_window_is_chosen_with_its_nearest_advisory_example() -> None:
    classifier = train_classifier(SCAM, LEGIT)
    windows = unit(np.array([[0.0, 1.0, 0.2], [1.0, 0.0, 0.2]]))  # the second reads like the scams
    examples = unit(np.array([[0.0, 0.0, 1.0], [1.0, 0.05, 0.2]]))
    found = resemblance(windows, classifier, examples)
    assert found is not None
    assert (found.window, found.nearest_scam) == (1, 1)
    assert found.probability > RULE.probability
    assert resemblance_weight(found, RULE) == 2
    calm = resemblance(windows[:1], classifier, examples)
    assert calm is not None and resemblance_weight(calm, RULE) == 0


def test_the_weight_is_given_from_the_probability_on() -> None:
    def at(probability: float) -> int:
        return resemblance_weight(Resemblance(probability, 0, 0), RULE)

    assert [at(0.95), at(0.7), at(0.69), at(0.1)] == [2, 2, 0, 0]
    assert resemblance_weight(None, RULE) == 0


def test_without_windows_a_classifier_or_examples_there_is_nothing_to_compare() -> None:
    classifier = train_classifier(SCAM, LEGIT)
    empty = np.zeros((0, 3), dtype=np.float32)
    assert resemblance(empty, classifier, SCAM) is None
    assert resemblance(SCAM[:1], None, SCAM) is None
    assert resemblance(SCAM[:1], classifier, empty) is None


def test_with_the_real_model_a_scam_is_likely_and_a_bank_notice_is_not(
    encoder: Encoder,
) -> None:
    scam = encoder.encode(
        [
            "Your parcel is on hold: pay the £1.99 redelivery fee at this link today or it is returned.",
            "Grandma it's me, I lost my phone, please send £900 for my rent, don't tell mum.",
            "Earn 5% a day with our AI trading robot, guaranteed profit, deposit USDT to start.",
            "Join our free stock live room tonight, the teacher's picks made members 30% last week.",
            "Your withdrawal is frozen until you pay the 15% tax to unlock your profits.",
        ]
    )
    legit = encoder.encode(
        [
            "Your parcel will be delivered tomorrow between 9am and 11am. No action needed.",
            "Your bank will never ask for your PIN or ask you to move money to a safe account.",
            "I put £50 a month into an index fund, it goes up and down but that's normal.",
            "Are we still on for lunch on Sunday? Mum is bringing the cake.",
            "Your electricity bill of £64.20 will be collected by direct debit on the 3rd.",
        ]
    )
    classifier = train_classifier(scam, legit)
    assert classifier is not None
    suspicious, notice = classifier.scam_probability(
        encoder.encode(
            [
                "URGENT: your package is held, pay a small shipping charge via the link",
                "Reminder: we'll never call you to ask for your PIN or to transfer your savings.",
            ]
        )
    )
    assert suspicious > 0.5 > notice


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


def normalized(text: str) -> str:
    """A text with case and spacing ignored."""
    return " ".join(text.casefold().split())


def test_the_real_operator_examples_are_many_varied_and_not_copied_from_the_eval_sets() -> None:
    examples = load_legitimate_examples_from(KNOWLEDGE)
    labelled = load_labelled_messages_from(KNOWLEDGE, load_categories(KNOWLEDGE))
    assert len(examples) >= 120
    assert len({e.topic for e in examples}) >= 12
    assert len(labelled) >= 200 and {m.label for m in labelled} == {"scam", "legit"}
    assert {m.category for m in labelled if m.label == "scam"} == set(load_categories(KNOWLEDGE))
    evaluated = {normalized(m.text) for path in EVAL_DIR.glob("messages*.yaml") for m in load_messages(path)}
    learned = [e.text for e in examples] + [m.text for m in labelled]
    assert not [text for text in learned if normalized(text) in evaluated]  # measured on unseen messages


def test_labelled_messages_load_and_bad_ones_are_named(tmp_path: Path) -> None:
    path = tmp_path / "labelled_messages.yaml"
    assert load_labelled_messages_from(tmp_path) == ()  # the file is optional
    path.write_text(
        "messages:\n"
        "  - {id: a-1, label: scam, category: phishing, text: 'Pay the fee now'}\n"
        "  - {id: a-2, label: legit, category: none, text: 'See you at six'}\n",
        encoding="utf-8",
    )
    assert load_labelled_messages_from(tmp_path, ["phishing"]) == (
        LabelledMessage("a-1", "scam", "phishing", "Pay the fee now"),
        LabelledMessage("a-2", "legit", "none", "See you at six"),
    )
    path.write_text(
        "messages:\n"
        "  - {id: a-1, label: scam, category: nowhere, text: 'Pay the fee now'}\n"
        "  - {id: a-1, label: legit, category: phishing, text: ' pay THE fee now'}\n"
        "  - {id: a-3, label: maybe, category: none, text: 'Hello'}\n",
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeFileError) as caught:
        load_labelled_messages_from(tmp_path, ["phishing"])
    message = str(caught.value)
    assert "messages[2].label" in message
    path.write_text(path.read_text().replace("label: maybe", "label: legit"), encoding="utf-8")
    with pytest.raises(KnowledgeFileError) as caught:
        load_labelled_messages_from(tmp_path, ["phishing"])
    message = str(caught.value)
    assert "messages[0].category" in message and "'nowhere'" in message
    assert "messages[1].id" in message and "used twice" in message
    assert "messages[1].text" in message and "same text as messages[0]" in message
    assert "messages[1].category" in message and "category: none" in message


def test_exemplars_come_from_the_index_and_operator_texts_are_encoded_once(
    searcher: Searcher, encoder: Encoder
) -> None:
    counting = CountingEncoder(encoder)
    legit = tuple(LegitimateExample("a", f"Your order number {n} has shipped (memo test).") for n in range(6))
    labelled = (
        LabelledMessage("s-1", "scam", "phishing", "Your account is locked, verify your card at this link"),
        LabelledMessage("l-1", "legit", "none", "Lunch at noon tomorrow? (memo test)"),
    )
    built = build_exemplars(searcher.index, legit, counting, labelled=labelled)
    examples = [c for c in searcher.index.chunks if c.kind == "example"]
    assert len(built.scam) == len(examples) == built.scam_vectors.shape[0] > 0
    assert {e.advisory_id for e in built.scam} == {c.advisory_id for c in examples}
    assert built.operator_vectors.shape == (8, encoder.dimension)
    assert np.allclose(np.linalg.norm(built.scam_vectors, axis=1), 1.0, atol=1e-4)
    assert built.classifier is not None
    assert (built.classifier.scam_examples, built.classifier.legit_examples) == (len(examples) + 1, 7)
    assert counting.calls == [8]  # the advisories' examples come from the index, not the model
    again = build_exemplars(searcher.index, legit[:1], counting, labelled=labelled)
    np.testing.assert_allclose(again.operator_vectors, built.operator_vectors[[0, 6, 7]])
    assert counting.calls == [8]  # a reload encodes only texts this process has not seen
    assert build_exemplars(searcher.index, legit[:1], counting).classifier is None  # too few to learn
    assert build_exemplars(searcher.index, (), counting).operator_vectors.shape == (0, encoder.dimension)


def test_the_similarity_signal_names_the_closest_example() -> None:
    flags = load_red_flags_from(KNOWLEDGE)
    rule = flags.thresholds.similarity
    example = ScamExample("adv-1", "Fake parcel fees", "phishing", "Pay the fee at https://evil.top/pay now")
    exemplars = ExemplarSet((example,), SCAM[:1], LEGIT[:0], train_classifier(SCAM, LEGIT))
    strong = similarity_signal(Resemblance(rule.probability, 0, 0), exemplars, flags)
    assert strong is not None
    assert (strong.name, strong.label, strong.weight) == (
        "resembles-known-scam",
        flags.similarity_flag.label,
        rule.weight,
    )
    assert "Fake parcel fees" in strong.explanation and "https://" not in strong.explanation
    assert "evil[.]top" in strong.explanation and strong.evidence == ()
    assert similarity_signal(Resemblance(rule.probability - 0.01, 0, 0), exemplars, flags) is None
    assert similarity_signal(None, exemplars, flags) is None


def test_the_real_red_flags_configure_the_rule_and_the_signal_words() -> None:
    flags = load_red_flags_from(KNOWLEDGE, load_categories(KNOWLEDGE))
    rule = flags.thresholds.similarity
    assert 0.5 <= rule.probability < 1 and 0 < rule.weight < flags.thresholds.high
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


GOOD_SIMILARITY = "\n  similarity: {probability: 0.7, weight: 2}"


def test_bad_similarity_settings_are_reported_precisely(tmp_path: Path) -> None:
    def problems(similarity: str, extra: str = "") -> str:
        with pytest.raises(KnowledgeFileError) as caught:
            load_red_flags(red_flags_file(tmp_path, similarity, extra), ["phishing"])
        return str(caught.value)

    assert "thresholds.similarity.probability" in problems(GOOD_SIMILARITY.replace("0.7", "1.5"))
    assert "thresholds.similarity.weight" in problems(GOOD_SIMILARITY.replace("weight: 2", "weight: 0"))
    assert "thresholds.similarity.floor" in problems(GOOD_SIMILARITY.replace("weight", "floor: 0.4, weight"))
    assert load_red_flags(red_flags_file(tmp_path, GOOD_SIMILARITY)).thresholds.similarity == RULE
    extra = """similarity_flag:
  name: guaranteed-returns
  label: Reads like a scam
  explanation: Close to known scams.
  categories: [nowhere]
"""
    message = problems(GOOD_SIMILARITY, extra)
    assert "similarity_flag.name" in message and "used twice" in message
    assert "similarity_flag.categories[0]" in message and "unknown category 'nowhere'" in message
