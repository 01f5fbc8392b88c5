"""The sentence-transformers model's transformer run by OpenVINO: three to five times faster than torch.

The model is loaded with sentence-transformers as usual (tokenizer, pooling, normalisation), and only its
transformer, where nearly all the time goes, is converted in memory to an OpenVINO model at load (about
two seconds; nothing is downloaded). OpenVINO fuses the attention and runs the matrix products with the
CPU's widest instructions.

By default (``precision`` "auto" or "int8") the transformer's matrix products run in int8
(:mod:`bot.retrieval.quantize`; quantized once and kept on disk): a long message's windows encode in
34-45 ms against ~51 ms in bfloat16, vectors within a cosine of 0.975 (median 0.992) of float32's, and on
the sealed scam batches #17 and #18 and the dev questions no worse than bfloat16 (docs/benchmarks.md).
``"bfloat16"`` and ``"float32"`` run the float model; in float32 vectors agree with torch's to a cosine
of at least 0.9999 (a test checks this).
"""

from __future__ import annotations

import sys
import threading
import warnings
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.retrieval.embedder import LoadedModel, Matrix, valid_text
from bot.settings import DEFAULT_MODEL, Precision

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MODEL_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# int8 runs the layers it does not quantize in float32: left to OpenVINO, a host with AMX chose bfloat16,
# and then texts of exactly 32 tokens came out wrong (cosine 0.75-0.89 to the float model's vectors).
OPENVINO_PRECISIONS = {"float32": "f32", "bfloat16": "bf16", "int8": "f32", "auto": "f32"}
QUANTIZED = frozenset({"int8", "auto"})  # int8 is the default: a long message encodes ~a quarter faster


def _without_telemetry() -> None:
    # OpenVINO's model converter reports usage to Intel unless a consent file in the home folder says
    # no. The bot never contacts anyone: with the telemetry package unimportable, the converter falls
    # back to its built-in stub, which sends nothing.
    sys.modules.setdefault("openvino_telemetry", None)  # type: ignore[arg-type]


def _tokenize(model: SentenceTransformer, texts: list[str]) -> dict[str, Any]:
    # ``preprocess`` replaced ``tokenize`` in sentence-transformers 5.
    return dict((getattr(model, "preprocess", None) or model.tokenize)(texts))


def _model_inputs(features: dict[str, Any], names: Collection[str]) -> dict[str, np.ndarray]:
    # The same for inference and for calibration: the int8 ranges are learned on what the model gets.
    return {name: features[name].numpy() for name in names}


def _convert(
    model: SentenceTransformer, precision: Precision, cache_dir: Path | None = None
) -> tuple[Any, frozenset[str], bool, str]:
    """The compiled OpenVINO form of ``model``'s transformer, the names of its inputs, whether bfloat16,
    and what tells its vectors apart from the float model's ("" or " (int8 <hash>)").

    In int8 (``precision`` "int8" or "auto") the transformer is quantized (:mod:`bot.retrieval.quantize`),
    or read already quantized from ``cache_dir``.
    """
    _without_telemetry()
    import openvino as ov
    import torch

    transformer = getattr(model[0], "auto_model", None)
    if not isinstance(transformer, torch.nn.Module):
        raise ValueError(
            "this model has no transformer for OpenVINO to run: set FRAUDBOT_EMBEDDING_RUNTIME=torch"
        )
    example = _tokenize(model, ["an example to trace the model with"])
    names = [name for name in MODEL_INPUTS if name in example]

    def convert() -> Any:
        with torch.no_grad(), warnings.catch_warnings():
            # The converter traces the model with torch.jit, which torch now calls deprecated; tracing
            # notes that two shape checks of the attention mask become constants, which they are for
            # this encoder-only model whatever the batch (tests compare the vectors with torch's).
            for category in (torch.jit.TracerWarning, FutureWarning, DeprecationWarning):
                warnings.simplefilter("ignore", category)
            return ov.convert_model(transformer.eval(), example_input={n: example[n] for n in names})

    variant = ""
    if precision in QUANTIZED:
        converted, key = _quantized(convert, model, transformer, names, cache_dir)
        variant = f" (int8 {key[:8]}, float32 rest)"  # renamed: vectors of the bfloat16 rest are not reused
    else:
        converted = convert()
    # As many threads as torch is set to use: the Telegram bot leaves one core to its event loop.
    config = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_NUM_THREADS": str(torch.get_num_threads())}
    if precision in OPENVINO_PRECISIONS:
        config["INFERENCE_PRECISION_HINT"] = OPENVINO_PRECISIONS[precision]
    compiled = ov.Core().compile_model(converted, "CPU", config)
    bfloat16 = compiled.get_property("INFERENCE_PRECISION_HINT") == ov.Type.bf16
    return compiled, frozenset(names), bfloat16, variant


def _quantized(
    convert: Callable[[], Any],
    model: SentenceTransformer,
    transformer: Any,
    names: list[str],
    cache_dir: Path | None,
) -> tuple[Any, str]:
    from bot.retrieval.quantize import cache_key, calibration_texts, load_or_quantize

    def tokenize(texts: list[str]) -> dict[str, np.ndarray]:
        return _model_inputs(_tokenize(model, texts), names)

    texts = calibration_texts()
    weights = ((name, tensor.detach().numpy()) for name, tensor in transformer.state_dict().items())
    key = cache_key(weights, texts)
    return load_or_quantize(convert, tokenize, key, cache_dir, texts), key


class OpenVinoEncoder(LoadedModel):
    """A sentence-transformers model whose transformer runs in OpenVINO, loaded from disk, offline."""

    def __init__(
        self,
        name: str = DEFAULT_MODEL,
        *,
        precision: Precision = "auto",
        loaded: tuple[SentenceTransformer, int] | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        """Load the model once (or take ``loaded``) and convert its transformer; ``name`` as for torch's.

        In int8 the encoder is named ``"<name> (int8 <hash>)"``, the hash of its quantized model: its
        vectors differ slightly from the float model's, so an index built with one is rebuilt for the
        other. ``cache_dir`` keeps the int8 model.
        """
        super().__init__(name, "cpu", loaded)
        compiled, self._inputs, self.bfloat16, variant = _convert(self._model, precision, cache_dir)
        self._name = f"{name}{variant}"
        self._request = compiled.create_infer_request()
        self._lock = threading.Lock()  # one inference request: calls from several threads take turns
        self._pooling = list(self._model)[1:]  # pooling (and normalisation) modules, run by torch

    def encode(self, texts: list[str], *, batch_size: int = 32, show_progress: bool = False) -> Matrix:
        """Encode texts into normalized float32 vectors (``show_progress`` is accepted and ignored)."""
        vectors = np.zeros((len(texts), self._dimension), dtype=np.float32)
        # Longest first, as sentence-transformers does: each batch is padded only to its own longest text.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            vectors[rows] = self._encode_batch([valid_text(texts[i]) for i in rows])
        return vectors

    def _encode_batch(self, texts: list[str]) -> Matrix:
        import torch

        features = _tokenize(self._model, texts)
        inputs = _model_inputs(features, self._inputs)
        with self._lock:
            self._request.infer(inputs)
            tokens = np.array(self._request.get_output_tensor(0).data, dtype=np.float32)
        pooled: dict[str, torch.Tensor] = {
            "token_embeddings": torch.from_numpy(tokens),
            "attention_mask": features["attention_mask"],
        }
        with torch.no_grad():
            for module in self._pooling:
                pooled = module(pooled)
        embedding = pooled["sentence_embedding"].numpy()
        norms = np.linalg.norm(embedding, axis=1, keepdims=True)
        return np.asarray(embedding / np.maximum(norms, 1e-12), dtype=np.float32)
