"""bfloat16 encoding: chosen only where asked for or native, and it gives the float32 model's vectors."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ROOT
from threadpoolctl import threadpool_info

from bot.bench.core import long_message
from bot.core.labelled import load_messages
from bot.core.windows import text_windows
from bot.retrieval.embedder import SentenceTransformerEncoder, native_bfloat16, uses_bfloat16
from bot.settings import DEFAULT_MODEL, Settings

DEV_MESSAGES = ROOT / "tests" / "eval" / "messages.yaml"


@pytest.fixture(scope="module")
def float32_encoder() -> SentenceTransformerEncoder:
    """The bundled model forced to float32 (the session's encoder uses ``auto``)."""
    return SentenceTransformerEncoder(DEFAULT_MODEL, precision="float32")


def test_precision_setting_chooses_bfloat16_only_when_asked_or_native(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert uses_bfloat16("bfloat16") and not uses_bfloat16("float32")
    assert uses_bfloat16("auto") == native_bfloat16()
    assert Settings().retrieval.embedding_precision == "auto"
    monkeypatch.setenv("FRAUDBOT_EMBEDDING_PRECISION", "float32")
    assert Settings().retrieval.embedding_precision == "float32"


def test_bfloat16_vectors_match_float32_ones(float32_encoder: SentenceTransformerEncoder) -> None:
    bfloat16 = SentenceTransformerEncoder(DEFAULT_MODEL, precision="bfloat16")
    assert bfloat16.bfloat16 and not float32_encoder.bfloat16
    texts = [m.text for m in load_messages(DEV_MESSAGES)] + text_windows(long_message(DEV_MESSAGES))
    exact, fast = float32_encoder.encode(texts), bfloat16.encode(texts)
    assert fast.dtype == np.float32 and fast.shape == exact.shape
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-4)
    cosines = (exact * fast).sum(axis=1)
    assert cosines.min() > 0.999, cosines.min()
    # Each message's nearest other message stays the same: what search and the classifier rely on.
    exact_sim, fast_sim = exact @ exact.T, fast @ fast.T
    np.fill_diagonal(exact_sim, -1)
    np.fill_diagonal(fast_sim, -1)
    same = (exact_sim.argmax(axis=1) == fast_sim.argmax(axis=1)).mean()
    assert same > 0.98, same


def test_blas_runs_in_the_calling_thread_once_the_model_is_loaded(
    encoder: SentenceTransformerEncoder,
) -> None:
    # Idle BLAS threads spinning beside the model's slowed a long check's encode by half.
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)
