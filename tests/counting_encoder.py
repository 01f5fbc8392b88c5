"""The real encoder with a record of every call, for tests that count what reaches the model."""

from __future__ import annotations

import threading

from bot.retrieval.embedder import Encoder, Matrix


class CountingEncoder:
    """The real encoder, recording the texts of each call."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.texts: list[list[str]] = []
        self._lock = threading.Lock()

    @property
    def calls(self) -> list[int]:
        """How many texts each call held."""
        return [len(texts) for texts in self.texts]

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def encode(self, texts: list[str], *, batch_size: int = 32, show_progress: bool = False) -> Matrix:
        with self._lock:
            self.texts.append(list(texts))
        return self.inner.encode(texts, batch_size=batch_size, show_progress=show_progress)
