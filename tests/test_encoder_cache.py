"""Memories of vectors: the encoder's short-lived cache, and the example vectors kept across restarts."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from conftest import assert_same_vectors
from counting_encoder import CountingEncoder

from bot.core.service import EXAMPLE_VECTORS_FILE, FraudCore
from bot.retrieval.cache import CachingEncoder, TextVectorMemo, text_key
from bot.retrieval.embedder import Encoder

TEXTS = ["Is this a scam?", "Pay the £2 parcel fee at hxxp://fee.top", "hello"]


@pytest.fixture
def counting(encoder: Encoder) -> CountingEncoder:
    return CountingEncoder(encoder)


def test_vectors_equal_the_models_and_each_new_text_is_encoded_once(
    counting: CountingEncoder, encoder: Encoder
) -> None:
    cached = CachingEncoder(counting)
    assert (cached.name, cached.dimension) == (encoder.name, encoder.dimension)
    first = cached.encode([TEXTS[0], TEXTS[1], TEXTS[0]])
    assert_same_vectors(first, encoder.encode([TEXTS[0], TEXTS[1], TEXTS[0]]))
    assert counting.texts == [[TEXTS[0], TEXTS[1]]]  # the repeat within one call is encoded once
    again = cached.encode([TEXTS[1], TEXTS[2]])
    assert counting.texts[1:] == [[TEXTS[2]]]  # only the text not seen before reaches the model
    np.testing.assert_allclose(again[0], first[1])
    assert (cached.hits, cached.misses) == (2, 3)
    assert cached.encode([]).shape == (0, encoder.dimension)


def test_returned_vectors_are_the_callers_own(counting: CountingEncoder) -> None:
    cached = CachingEncoder(counting)
    vectors = cached.encode([TEXTS[0]])
    vectors[:] = 0.0  # a caller scribbling on its result does not change what others get
    assert np.linalg.norm(cached.encode([TEXTS[0]])) == pytest.approx(1.0, abs=1e-4)
    assert len(counting.texts) == 1


def test_vectors_are_forgotten_after_their_time_and_when_cleared(counting: CountingEncoder) -> None:
    cached = CachingEncoder(counting, seconds=0.05)
    cached.encode([TEXTS[0]])
    time.sleep(0.1)
    cached.encode([TEXTS[0]])
    assert counting.calls == [1, 1]
    cached.clear()
    cached.encode([TEXTS[0]])
    small = CachingEncoder(counting, size=1)
    small.encode([TEXTS[0]])
    small.encode([TEXTS[1]])
    small.encode([TEXTS[0]])  # pushed out by the second text
    assert counting.calls == [1, 1, 1, 1, 1, 1]


def test_keys_are_hashes_and_hostile_text_is_handled(counting: CountingEncoder) -> None:
    assert len(text_key("my card number is 4111 1111 1111 1111")) == 16
    assert text_key("a") != text_key("b")
    cached = CachingEncoder(counting)
    assert cached.encode(["\ud800 broken surrogate", "\x00" * 50]).shape == (2, counting.dimension)


def test_remembered_example_vectors_survive_a_restart_through_a_file(
    counting: CountingEncoder, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "example_vectors.npz"
    first = TextVectorMemo()
    vectors = first.encode(counting, TEXTS)
    assert first.unsaved and counting.calls == [3]
    first.write(path, counting.name, TEXTS[:2])
    assert not first.unsaved
    restarted = TextVectorMemo()  # a new process
    assert restarted.read(path, counting.name) == 2
    assert_same_vectors(restarted.encode(counting, TEXTS), vectors)
    assert counting.calls == [3, 1]  # only the text that was not saved reaches the model
    assert restarted.unsaved  # the new text is not in the file yet
    assert TextVectorMemo().read(path, "another-model") == 0
    assert TextVectorMemo().read(tmp_path / "missing.npz", counting.name) == 0
    path.write_bytes(b"not a numpy file")
    assert TextVectorMemo().read(path, counting.name) == 0
    assert "encoded again" in caplog.text


def test_the_core_saves_its_example_vectors_in_the_index_folder(core: FraudCore) -> None:
    path = core.settings.paths.index_dir / EXAMPLE_VECTORS_FILE
    with np.load(path) as saved:
        assert str(saved["model"]) == core.searcher.encoder.name
        assert saved["keys"].shape[0] == saved["vectors"].shape[0] >= 1000
