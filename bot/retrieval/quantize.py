"""The encoder's transformer in int8: NNCF's static quantization, done once and kept on disk.

Weights and activations of the matrix products become 8-bit integers, with the activations' ranges
learned from a fixed calibration set (``int8_calibration.jsonl``: 309 bundled example messages, scams
and everyday ones, 30 to 1,500 characters). Quantizing takes 10-15 seconds, so the result is saved as
an OpenVINO model in a cache folder, named by a hash of everything it depends on: the model's weights,
the calibration texts, the SmoothQuant alpha and the NNCF and OpenVINO versions. Later loads read it in
half a second; a changed model or library makes a new one. A file lock keeps two processes starting
together from quantizing at once. Nothing is downloaded.

Vectors agree with the float32 model's to a cosine of 0.975 at worst (median 0.992; SmoothQuant costs
some closeness but no dev question, see :func:`quantize_model`) and a long message encodes about a
quarter faster (docs/benchmarks.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
from collections.abc import Callable, Iterable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock

logger = logging.getLogger(__name__)

CALIBRATION_FILE = Path(__file__).with_name("int8_calibration.jsonl")
CALIBRATION_BATCH = 4  # texts per calibration sample, as a check's windows reach the model together
SMOOTH_QUANT_ALPHA = 0.5  # how much of the activations' range SmoothQuant moves into the weights

Tokenize = Callable[[list[str]], dict[str, np.ndarray]]


def calibration_texts(path: Path = CALIBRATION_FILE) -> list[str]:
    """The calibration messages, one JSON string per line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def quantize_model(model: Any, tokenize: Tokenize, texts: list[str]) -> Any:
    """``model`` (the transformer as an ``openvino.Model``) in int8, calibrated on ``texts``."""
    import nncf
    from nncf.quantization.advanced_parameters import (
        AdvancedQuantizationParameters,
        AdvancedSmoothQuantParameters,
    )

    samples = [tokenize(texts[i : i + CALIBRATION_BATCH]) for i in range(0, len(texts), CALIBRATION_BATCH)]
    # SmoothQuant moves part of the activations' outliers into the weights before rounding. Without it
    # hybrid search ranked 3 of the 144 dev questions' advisories lower (Recall@1 0.771 against float's
    # 0.792); with alpha 0.5 none.
    smoothing = AdvancedSmoothQuantParameters(matmul=SMOOTH_QUANT_ALPHA)
    logger.info("quantizing the embedding model to int8 (once; about 15 s)")
    # NNCF draws progress bars on stdout, which carries the CLI's --json output: they go nowhere.
    with contextlib.redirect_stdout(io.StringIO()):
        return nncf.quantize(
            model,
            nncf.Dataset(samples),
            model_type=nncf.ModelType.TRANSFORMER,  # keeps softmax, layer norms and the like in float
            subset_size=len(samples),
            advanced_parameters=AdvancedQuantizationParameters(smooth_quant_alphas=smoothing),
        )


def cache_key(weights: Iterable[tuple[str, np.ndarray]], texts: list[str]) -> str:
    """A hash of what the quantized model depends on: weights, calibration texts, library versions."""
    digest = hashlib.sha256()
    # Versions from the package metadata: importing NNCF takes seconds, and a cached model needs none of it.
    for part in (version("nncf"), version("openvino"), str(SMOOTH_QUANT_ALPHA), json.dumps(texts)):
        digest.update(part.encode("utf-8"))
    for name, tensor in weights:
        digest.update(name.encode("utf-8"))
        digest.update(np.ascontiguousarray(tensor).tobytes())
    return digest.hexdigest()[:20]


def load_or_quantize(
    convert: Callable[[], Any], tokenize: Tokenize, key: str, cache_dir: Path | None, texts: list[str]
) -> Any:
    """The int8 form of the model ``convert()`` gives: read from ``cache_dir`` when saved under ``key``,
    else made from ``convert()`` (and saved). Without a ``cache_dir`` it is made in memory every time."""
    if cache_dir is None:
        return quantize_model(convert(), tokenize, texts)
    import openvino as ov

    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"encoder-int8-{key}.xml"
    with FileLock(str(path.with_suffix(".lock"))):
        if path.exists():
            return ov.Core().read_model(path)
        quantized = quantize_model(convert(), tokenize, texts)
        # Saved under a temporary name and renamed: a crash never leaves a half-written model behind.
        partial = path.with_name(f"{path.stem}.partial.xml")
        ov.save_model(quantized, partial, compress_to_fp16=False)
        os.replace(partial.with_suffix(".bin"), path.with_suffix(".bin"))
        os.replace(partial, path)
        return quantized
