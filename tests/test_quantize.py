"""The int8 encoder: quantized once, kept on disk under a key of what it depends on, read back after."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import MODEL_CACHE

from bot.retrieval import quantize
from bot.retrieval.embedder import (
    Encoder,
    SentenceTransformerEncoder,
    load_sentence_transformer,
    make_encoder,
)
from bot.retrieval.openvino_encoder import OpenVinoEncoder
from bot.settings import DEFAULT_MODEL

TEXTS = ["Teacher's free stock live room opens at 8pm, deposit $500 to join", "Your parcel is on its way"]


def refuse_to_quantize(*args: object) -> None:
    raise AssertionError("quantized again instead of reading the saved model")


def saved_models(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.suffix in {".xml", ".bin"})


def test_the_session_model_was_saved_whole_and_is_read_back(
    encoder: Encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = re.search(r"\(int8 ([0-9a-f]{8})", encoder.name)
    assert found is not None
    key = found.group(1)
    saved = [name for name in saved_models(MODEL_CACHE) if key in name]
    assert len(saved) == 2 and not any("partial" in name for name in saved_models(MODEL_CACHE))
    monkeypatch.setattr(quantize, "quantize_model", refuse_to_quantize)
    again = OpenVinoEncoder(DEFAULT_MODEL, precision="int8", cache_dir=MODEL_CACHE)
    assert again.name == encoder.name
    assert np.allclose(again.encode(TEXTS), encoder.encode(TEXTS), atol=1e-5)


def test_other_calibration_texts_make_another_model_under_another_key(
    encoder: Encoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    loaded = load_sentence_transformer(DEFAULT_MODEL, "cpu")
    few = quantize.calibration_texts()[:8]
    monkeypatch.setattr(quantize, "calibration_texts", lambda: few)
    made = OpenVinoEncoder(DEFAULT_MODEL, precision="int8", cache_dir=tmp_path, loaded=loaded)
    assert capsys.readouterr().out == ""  # stdout carries --json output: no progress bars on it
    assert made.name != encoder.name and made.name.startswith(f"{DEFAULT_MODEL} (int8 ")
    assert len(saved_models(tmp_path)) == 2 and not any("partial" in n for n in saved_models(tmp_path))
    monkeypatch.setattr(quantize, "quantize_model", refuse_to_quantize)
    read = OpenVinoEncoder(DEFAULT_MODEL, precision="int8", cache_dir=tmp_path, loaded=loaded)
    assert read.name == made.name
    assert np.allclose(read.encode(TEXTS), made.encode(TEXTS), atol=1e-5)


def test_the_key_follows_the_weights_and_the_texts() -> None:
    weights = [("layer.weight", np.zeros((2, 2), dtype=np.float32))]
    key = quantize.cache_key(weights, ["a"])
    assert key == quantize.cache_key(weights, ["a"]) and len(key) == 20
    assert key != quantize.cache_key(weights, ["b"])
    assert key != quantize.cache_key([("layer.weight", np.ones((2, 2), dtype=np.float32))], ["a"])


def test_the_calibration_texts_are_bundled_messages() -> None:
    texts = quantize.calibration_texts()
    assert len(texts) >= 300 and all(isinstance(t, str) and t.strip() for t in texts)


def test_int8_on_torch_runs_in_float32_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.retrieval.embedder"):
        loaded = make_encoder(DEFAULT_MODEL, runtime="torch", precision="int8")
    assert isinstance(loaded, SentenceTransformerEncoder) and not loaded.bfloat16
    assert loaded.name == DEFAULT_MODEL
    assert "int8 needs the OpenVINO runtime" in caplog.text


def test_two_starts_at_once_quantize_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import openvino as ov
    import openvino.opset13 as ops

    made: list[int] = []

    def slow_quantize(model: Any, tokenize: object, texts: object) -> Any:
        made.append(1)
        threading.Event().wait(0.3)  # long enough for the other start to reach the lock
        return model

    def tiny_model() -> Any:
        given = ops.parameter([1, 2], ov.Type.f32)
        return ov.Model([ops.relu(given)], [given])

    monkeypatch.setattr(quantize, "quantize_model", slow_quantize)
    results: list[Any] = []

    def start() -> None:
        results.append(quantize.load_or_quantize(tiny_model, lambda texts: {}, "k" * 20, tmp_path, ["x"]))

    starts = [threading.Thread(target=start) for _ in range(2)]
    for thread in starts:
        thread.start()
    for thread in starts:
        thread.join()
    assert made == [1] and len(results) == 2
    assert saved_models(tmp_path) == [f"encoder-int8-{'k' * 20}.bin", f"encoder-int8-{'k' * 20}.xml"]
