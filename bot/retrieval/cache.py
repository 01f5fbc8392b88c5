"""Memories of vectors, so the same text is not encoded twice.

* :class:`CachingEncoder`: routing a chat message may encode it (:mod:`bot.core.intent_model`), and
  answering it encodes the same text again for the search. It keeps the vectors of the last few texts
  for a short time, keyed by a hash of the text (what users type is never kept), and encodes only the
  texts it has not seen.
* :class:`TextVectorMemo`: the operator's example messages, encoded at every load and reload, are
  remembered for the life of the process, and saved in the index folder for the next start.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path

import numpy as np
import numpy.typing as npt
from cachetools import LRUCache, TTLCache

from bot.retrieval.embedder import Encoder, Matrix

logger = logging.getLogger(__name__)

CACHE_TEXTS = 256
CACHE_SECONDS = 60.0  # long enough for one message's steps, short enough to keep nothing for long
MEMO_TEXTS = 50_000  # operator texts remembered per process (about 75 MiB at most with 384 dimensions)


def text_key(text: str) -> bytes:
    """The cache key of a text: a 16-byte hash (lone surrogates from hostile input are hashed too)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def save_arrays(path: Path, **arrays: npt.ArrayLike) -> None:
    """Write ``arrays`` to ``path`` as NumPy ``.npz``, whole or not at all (a temporary name, then a rename).

    Raises ``OSError`` when it cannot be written; the temporary file is removed then.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as file:
            np.savez(file, allow_pickle=False, **arrays)  # type: ignore[arg-type]
        os.replace(tmp, path)  # atomic: a reader sees the old file or the whole new one
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


class CachingEncoder:
    """An :class:`~bot.retrieval.embedder.Encoder` that reuses the vectors of recently encoded texts."""

    def __init__(self, inner: Encoder, *, size: int = CACHE_TEXTS, seconds: float = CACHE_SECONDS) -> None:
        """Wrap ``inner``; keep up to ``size`` vectors, each for ``seconds``."""
        self.inner = inner
        self._cache: TTLCache[bytes, Matrix] = TTLCache(maxsize=size, ttl=seconds)
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def name(self) -> str:
        """The wrapped model's name."""
        return self.inner.name

    @property
    def dimension(self) -> int:
        """The wrapped model's vector size."""
        return self.inner.dimension

    def encode(self, texts: list[str], *, batch_size: int = 32, show_progress: bool = False) -> Matrix:
        """Vectors for ``texts``; only texts not encoded recently reach the model, each once."""
        keys = [text_key(text) for text in texts]
        first_text = dict(zip(reversed(keys), reversed(texts), strict=True))  # key -> its first text
        with self._lock:
            known = {key: vector for key in first_text if (vector := self._cache.get(key)) is not None}
        new_keys = [key for key in first_text if key not in known]
        if new_keys:
            fresh = self.inner.encode(
                [first_text[key] for key in new_keys], batch_size=batch_size, show_progress=show_progress
            )
            with self._lock:
                for key, row in zip(new_keys, fresh, strict=True):
                    vector = np.array(row, dtype=np.float32)
                    vector.setflags(write=False)
                    self._cache[key] = known[key] = vector
        with self._lock:
            self.misses += len(new_keys)
            self.hits += len(texts) - len(new_keys)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([known[key] for key in keys])

    def clear(self) -> None:
        """Forget every vector (benchmarks clear it to time the model, not the memory)."""
        with self._lock:
            self._cache.clear()


class TextVectorMemo:
    """Vectors of operator texts (example messages) remembered for the life of the process.

    The knowledge's example messages are encoded when a core loads and again on every reload; most are
    unchanged, so each distinct text is encoded once per model and process, however many cores or reloads.
    """

    def __init__(self, size: int = MEMO_TEXTS) -> None:
        """Remember up to ``size`` vectors (least recently used go first)."""
        self._vectors: LRUCache[tuple[str, bytes], Matrix] = LRUCache(maxsize=size)
        self._lock = threading.Lock()
        self.unsaved = False  # texts were encoded since the last :meth:`write`

    def read(self, path: Path, model: str) -> int:
        """Remember the vectors a :meth:`write` saved for ``model``; how many (none if missing or bad)."""
        try:
            with np.load(path) as saved:
                if str(saved["model"]) != model:
                    return 0
                keys, vectors = saved["keys"], saved["vectors"].astype(np.float32)
        except (OSError, ValueError, KeyError, EOFError) as exc:
            if path.exists():
                logger.warning("ignoring %s (%s): its vectors will be encoded again", path.name, exc)
            return 0
        with self._lock:
            for key, vector in zip(keys, vectors, strict=True):
                self._vectors[(model, key.tobytes())] = vector
        return len(keys)

    def write(self, path: Path, model: str, texts: list[str]) -> None:
        """Save the remembered vectors of ``texts`` for the next start, replacing ``path`` atomically."""
        keys_of_texts = [text_key(text) for text in texts]
        with self._lock:
            found = {k: v for k in keys_of_texts if (v := self._vectors.get((model, k))) is not None}
            self.unsaved = False
        keys = np.frombuffer(b"".join(found), dtype=np.uint8).reshape(len(found), -1)
        vectors = np.stack(list(found.values())) if found else np.zeros((0, 0), np.float32)
        try:
            save_arrays(path, model=np.array(model), keys=keys, vectors=vectors)
        except OSError as exc:
            logger.warning("could not save %s (%s): the next start encodes the examples again", path, exc)

    def encode(self, encoder: Encoder, texts: list[str]) -> Matrix:
        """Vectors for ``texts`` by ``encoder``; only texts it has not encoded before reach the model."""
        keys = [(encoder.name, text_key(text)) for text in texts]
        with self._lock:
            known = {key: v for key in keys if (v := self._vectors.get(key)) is not None}
        new = list(dict.fromkeys(key for key in keys if key not in known))
        if new:
            first_text = dict(zip(reversed(keys), reversed(texts), strict=True))
            for key, row in zip(new, encoder.encode([first_text[key] for key in new]), strict=True):
                known[key] = np.array(row, dtype=np.float32)
            with self._lock:
                self._vectors.update({key: known[key] for key in new})
                self.unsaved = True
        if not texts:
            return np.zeros((0, encoder.dimension), dtype=np.float32)
        return np.stack([known[key] for key in keys])


OPERATOR_TEXTS = TextVectorMemo()
