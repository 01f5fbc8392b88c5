"""The encoders: OpenVINO (the default) and torch give the same vectors; bfloat16 only where it pays."""

from __future__ import annotations

import logging
import socket
import sys
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from conftest import ROOT
from threadpoolctl import threadpool_info

from bot.bench.core import long_message
from bot.core.labelled import load_messages
from bot.core.windows import text_windows
from bot.retrieval.embedder import (
    Encoder,
    SentenceTransformerEncoder,
    make_encoder,
    native_bfloat16,
    uses_bfloat16,
)
from bot.retrieval.openvino_encoder import OpenVinoEncoder
from bot.settings import DEFAULT_MODEL, Settings, SettingsError

DEV_MESSAGES = ROOT / "tests" / "eval" / "messages.yaml"


@pytest.fixture(scope="module")
def float32_encoder() -> SentenceTransformerEncoder:
    """The bundled model run by torch in float32: the reference every other runtime is held to."""
    return SentenceTransformerEncoder(DEFAULT_MODEL, precision="float32")


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """Short messages of every kind and the full windows of a long one (padding differs per batch)."""
    return [m.text for m in load_messages(DEV_MESSAGES)] + text_windows(long_message(DEV_MESSAGES))


def assert_same_vectors(
    exact: npt.NDArray[np.float32], other: npt.NDArray[np.float32], cosine: float, nearest: float = 0.98
) -> None:
    """Each row within ``cosine`` of the reference, and (for a share ``nearest`` of the texts) each
    text's nearest other text unchanged."""
    assert other.dtype == np.float32 and other.shape == exact.shape
    assert np.allclose(np.linalg.norm(other, axis=1), 1.0, atol=1e-4)
    cosines = (exact * other).sum(axis=1)
    assert cosines.min() > cosine, cosines.min()
    # What search and the classifier rely on: every message's nearest neighbour stays the same.
    exact_sim, other_sim = exact @ exact.T, other @ other.T
    np.fill_diagonal(exact_sim, -1)
    np.fill_diagonal(other_sim, -1)
    same = (exact_sim.argmax(axis=1) == other_sim.argmax(axis=1)).mean()
    assert same > nearest, same


def test_settings_choose_the_runtime_and_bfloat16_only_when_asked_or_native(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert uses_bfloat16("bfloat16") and not uses_bfloat16("float32")
    assert uses_bfloat16("auto") == native_bfloat16()
    assert Settings().retrieval.embedding_precision == "auto"
    assert Settings().retrieval.embedding_runtime == "openvino"
    monkeypatch.setenv("FRAUDBOT_EMBEDDING_PRECISION", "float32")
    monkeypatch.setenv("FRAUDBOT_EMBEDDING_RUNTIME", "torch")
    assert Settings().retrieval.embedding_precision == "float32"
    assert Settings().retrieval.embedding_runtime == "torch"
    monkeypatch.setenv("FRAUDBOT_EMBEDDING_RUNTIME", "tensorflow")
    with pytest.raises(SettingsError, match="FRAUDBOT_EMBEDDING_RUNTIME"):
        Settings()


def test_the_session_encoder_is_openvino_in_int8(encoder: Encoder) -> None:
    assert isinstance(encoder, OpenVinoEncoder)
    # Named apart from the float model, so an index or vectors cached with one are not used by the other.
    assert encoder.name.startswith(f"{DEFAULT_MODEL} (int8 ") and encoder.dimension == 384


def test_openvino_vectors_match_torch_float32_ones(
    encoder: Encoder, float32_encoder: SentenceTransformerEncoder, texts: list[str]
) -> None:
    exact = float32_encoder.encode(texts)
    # int8 (measured: cosine 0.975 at worst, median 0.992; 85% of nearest texts unchanged, many of the
    # dev messages having near-twins). Whether it is good enough was measured on what it serves: the
    # sealed scam batches and the dev questions (docs/benchmarks.md).
    assert_same_vectors(exact, encoder.encode(texts), 0.97, nearest=0.8)
    exact_openvino = make_encoder(DEFAULT_MODEL, runtime="openvino", precision="float32")
    assert isinstance(exact_openvino, OpenVinoEncoder) and not exact_openvino.bfloat16
    assert_same_vectors(exact, exact_openvino.encode(texts), 0.99999)


def test_int8_vectors_are_right_at_every_short_length(
    encoder: Encoder, float32_encoder: SentenceTransformerEncoder
) -> None:
    # With its unquantized layers left to OpenVINO, a host with AMX ran them in bfloat16 and texts of
    # exactly 32 tokens came out at cosine 0.75-0.89; float32 there puts every length at >= 0.97.
    words = [
        "please",
        "pay",
        "the",
        "release",
        "fee",
        "today",
        "to",
        "withdraw",
        "your",
        "profit",
        "from",
        "the",
        "trading",
        "platform",
    ]
    texts = [" ".join(words[i % len(words)] for i in range(n)) for n in range(1, 63)]
    exact, quantized = float32_encoder.encode(texts), encoder.encode(texts, batch_size=1)
    cosines = (exact * quantized).sum(axis=1)
    assert cosines.min() >= 0.97, [(n + 1, round(float(c), 3)) for n, c in enumerate(cosines) if c < 0.97]


def test_openvino_batches_keep_the_callers_order(encoder: Encoder, texts: list[str]) -> None:
    whole = encoder.encode(texts[:9])
    in_small_batches = encoder.encode(texts[:9], batch_size=2)
    reversed_order = encoder.encode(texts[:9][::-1])
    # Each row stays its own text's; on a host with AMX, int8 vectors move a little with the batch's
    # padding (cosine 0.9987 at worst), where a row mixed up with another text's falls far below.
    assert_same_vectors(whole, in_small_batches, 0.995)
    assert_same_vectors(whole, reversed_order[::-1], 0.995)
    assert encoder.encode([]).shape == (0, 384)


def test_converting_the_model_contacts_nobody(monkeypatch: pytest.MonkeyPatch) -> None:
    # OpenVINO's converter would report usage to Intel; the bot keeps its telemetry module out.
    attempts: list[Any] = []
    real_connect = socket.socket.connect

    def record(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", record)
    loaded = OpenVinoEncoder(DEFAULT_MODEL, precision="float32")
    assert loaded.encode(["is this a scam?"]).shape == (1, 384)
    assert attempts == []
    assert sys.modules["openvino_telemetry"] is None


def test_a_model_openvino_cannot_convert_runs_on_torch_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import openvino

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("unsupported operation aten::mystery")

    monkeypatch.setattr(openvino, "convert_model", refuse)
    with caplog.at_level(logging.WARNING, logger="bot.retrieval.embedder"):
        loaded = make_encoder(DEFAULT_MODEL, runtime="openvino", precision="float32")
    assert isinstance(loaded, SentenceTransformerEncoder)
    assert loaded.encode(["is this a scam?"]).shape == (1, 384)
    assert "aten::mystery" in caplog.text and "FRAUDBOT_EMBEDDING_RUNTIME=torch" in caplog.text


def test_torch_bfloat16_vectors_match_float32_ones(
    float32_encoder: SentenceTransformerEncoder, texts: list[str]
) -> None:
    bfloat16 = SentenceTransformerEncoder(DEFAULT_MODEL, precision="bfloat16")
    assert bfloat16.bfloat16 and not float32_encoder.bfloat16
    assert_same_vectors(float32_encoder.encode(texts), bfloat16.encode(texts), 0.999)


def test_blas_runs_in_the_calling_thread_once_the_model_is_loaded(encoder: Encoder) -> None:
    # Idle BLAS threads spinning beside the model's slowed a long check's encode by half.
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)
