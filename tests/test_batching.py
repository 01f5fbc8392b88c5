"""Micro-batching of encoder calls: the same vectors as direct calls, each caller its own rows, errors to
the caller that caused them, and fewer model calls than requests when threads encode at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

import numpy as np
import pytest
from conftest import assert_same_vectors
from counting_encoder import CountingEncoder

from bot.retrieval.batching import MAX_TEXTS, BatchingEncoder, padding_batch_size
from bot.retrieval.embedder import Encoder, Matrix

WINDOW_S = 0.05  # wide, so threads started together certainly share a call; no timing is asserted
TEXTS = [
    "How do fake investment live broadcasts work?",
    "Hello dear, join our free VIP stock live room tonight! Teacher Wang guarantees 30% returns daily. "
    "To withdraw your 58,000 profit pay 20% tax to unfreeze the funds within 24h.",
    "My parcel is held until I pay a £1.99 redelivery fee through a link, is that real?",
    "A detective phoned and asked me to hand my savings to a courier for safekeeping",
    "ok",
]


@pytest.fixture
def counting(encoder: Encoder) -> CountingEncoder:
    return CountingEncoder(encoder)


@pytest.fixture
def batching(counting: CountingEncoder) -> Iterator[BatchingEncoder]:
    with BatchingEncoder(counting, max_wait_s=WINDOW_S) as wrapped:
        yield wrapped


def texts_of(caller: int) -> list[str]:
    """One to three texts per caller, different for every caller and of mixed lengths."""
    return [f"{TEXTS[(caller + i) % len(TEXTS)]} (caller {caller}, part {i})" for i in range(caller % 3 + 1)]


def test_vectors_equal_direct_encoding(batching: BatchingEncoder, encoder: Encoder) -> None:
    assert batching.name == encoder.name and batching.dimension == encoder.dimension
    vectors = batching.encode(TEXTS)
    assert vectors.dtype == np.float32 and vectors.shape == (len(TEXTS), encoder.dimension)
    assert_same_vectors(vectors, encoder.encode(TEXTS))
    assert batching.encode([]).shape == (0, encoder.dimension)


def test_concurrent_callers_get_their_own_rows_from_fewer_model_calls(
    batching: BatchingEncoder, counting: CountingEncoder, encoder: Encoder
) -> None:
    callers = 24
    start = threading.Barrier(callers)

    def call(caller: int) -> Matrix:
        start.wait()
        return batching.encode(texts_of(caller))

    with ThreadPoolExecutor(callers) as pool:
        results = list(pool.map(call, range(callers)))
    for caller, vectors in enumerate(results):
        assert_same_vectors(vectors, encoder.encode(texts_of(caller)))
    assert batching.requests == callers
    assert batching.model_calls == len(counting.calls) < callers
    assert max(counting.calls) > 3  # some call really held several callers' texts
    assert all(size <= MAX_TEXTS for size in counting.calls)


def test_an_error_reaches_only_the_caller_that_caused_it(
    batching: BatchingEncoder, counting: CountingEncoder, encoder: Encoder
) -> None:
    bad = cast(list[str], [None])  # the real tokenizer refuses a non-string
    start = threading.Barrier(3)

    def call(texts: list[str]) -> Any:
        start.wait()
        try:
            return batching.encode(texts)
        except Exception as exc:
            return exc

    with ThreadPoolExecutor(3) as pool:
        good_one, failed, good_two = pool.map(call, [[TEXTS[0]], bad, [TEXTS[1], TEXTS[2]]])
    assert isinstance(failed, Exception)
    assert counting.calls[0] == 4  # the three requests shared a call, which failed; then each went alone
    assert_same_vectors(good_one, encoder.encode([TEXTS[0]]))
    assert_same_vectors(good_two, encoder.encode([TEXTS[1], TEXTS[2]]))
    with pytest.raises(type(failed)):
        batching.encode(bad)  # alone, too
    assert_same_vectors(batching.encode([TEXTS[3]]), encoder.encode([TEXTS[3]]))


def test_large_requests_bypass_the_queue(batching: BatchingEncoder, counting: CountingEncoder) -> None:
    many = [f"{TEXTS[i % len(TEXTS)]} #{i}" for i in range(MAX_TEXTS + 6)]
    vectors = batching.encode(many)
    assert vectors.shape == (len(many), batching.dimension)
    assert batching.requests == 0 and counting.calls == [len(many)]  # one direct call, not queued


def test_after_close_calls_go_straight_to_the_model(counting: CountingEncoder, encoder: Encoder) -> None:
    batching = BatchingEncoder(counting)
    assert batching.running
    assert_same_vectors(batching.encode([TEXTS[0]]), encoder.encode([TEXTS[0]]))
    batching.close()
    batching.close()  # twice is fine
    assert not batching.running
    assert_same_vectors(batching.encode([TEXTS[1]]), encoder.encode([TEXTS[1]]))
    assert batching.requests == 1 and len(counting.calls) == 2


def test_bad_limits_are_refused(counting: CountingEncoder) -> None:
    with pytest.raises(ValueError, match="max_texts"):
        BatchingEncoder(counting, max_texts=0)
    with pytest.raises(ValueError, match="max_wait_s"):
        BatchingEncoder(counting, max_wait_s=-1)


def test_short_and_long_texts_go_in_separate_model_batches() -> None:
    question, message = "q" * 45, "m" * 900
    assert padding_batch_size([message] * 4 + [question] * 4, 32) == 4
    assert padding_batch_size([question] * 7, 32) == 7  # alike texts: one batch
    assert padding_batch_size([question] * 7, 4) == 4  # never more than asked
    assert padding_batch_size([question], 32) == 1
