"""Micro-batching: many threads encoding short texts at once share one model call.

A served bot encodes one question (or a few check windows) per message, each from its own worker
thread. Encoding them one call at a time wastes the model's batching, and on a small machine several
threads each running the model with its own pool of CPU threads fight over the cores.
:class:`BatchingEncoder` wraps the real encoder with one dedicated thread that takes the first waiting
request, gathers whatever else is waiting or arrives within a short window (``max_wait_s``) up to
``max_texts`` texts, encodes them all in one call, and hands every caller its own rows. Texts of very
different lengths go to the model in separate batches (see :func:`padding_batch_size`).

A lone caller waits at most ``max_wait_s`` longer than a direct call (by default not at all). Large
requests (an index build) bypass the queue, so they never hold up live messages behind them. When a
coalesced call fails, each request in it is encoded again alone, so an error reaches only the caller
whose texts caused it.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from types import TracebackType

import numpy as np

from bot.retrieval.embedder import Encoder, Matrix

logger = logging.getLogger(__name__)

# No wait by default: while the model runs, other requests queue and then share the next call, which
# measured the same throughput as a 1-2 ms window without adding that window to a lone message's reply.
MAX_WAIT_S = 0.0
MAX_TEXTS = 64
# One more model batch costs about as much as 800 more characters of text: measured in float32 and in
# bfloat16 on this project's machine (a check's five ~800-character windows: one batch 69 ms, two 85 ms).
FORWARD_COST_CHARS = 800
MAX_TEXT_CHARS = 1200  # the model reads 256 tokens at most; longer texts cost no more


def padding_batch_size(texts: list[str], largest: int) -> int:
    """The model batch size (at most ``largest``) that wastes the least work on padding.

    sentence-transformers sorts texts by length and pads each batch to its longest, so a short question
    in one batch with long messages costs as much as a long message. Each extra batch costs a fixed
    overhead (counted as ``FORWARD_COST_CHARS`` of text). Lengths are counted in characters, as the
    library sorts them.
    """
    # str(): a text that is not one fails in the model, for its own caller, not here for the whole batch
    lengths = sorted((min(len(str(t)), MAX_TEXT_CHARS) for t in texts), reverse=True)
    best, best_cost = 1, float("inf")
    for size in range(1, min(largest, len(lengths)) + 1):
        cost = sum(
            lengths[start] * len(lengths[start : start + size]) + FORWARD_COST_CHARS
            for start in range(0, len(lengths), size)
        )
        if cost < best_cost:
            best, best_cost = size, cost
    return best


@dataclass
class _Request:
    """One caller's texts and where its rows go."""

    texts: list[str]
    batch_size: int
    result: Future[Matrix] = field(default_factory=Future)


_STOP = object()  # put on the queue by close(): the worker finishes what it holds, then exits


class BatchingEncoder:
    """An :class:`~bot.retrieval.embedder.Encoder` that coalesces concurrent calls into one model call.

    Thread-safe; use it like the encoder it wraps. :meth:`close` stops the worker thread (after that,
    calls go straight to the wrapped encoder). Counters say how many requests and model calls there were.
    """

    def __init__(self, inner: Encoder, *, max_wait_s: float = MAX_WAIT_S, max_texts: int = MAX_TEXTS) -> None:
        """Wrap ``inner``; gather requests for up to ``max_wait_s`` seconds or ``max_texts`` texts."""
        if max_wait_s < 0 or max_texts < 1:
            raise ValueError("max_wait_s must be >= 0 and max_texts >= 1")
        self.inner = inner
        self.max_wait_s = max_wait_s
        self.max_texts = max_texts
        self.requests = 0  # requests that went through the queue
        self.model_calls = 0  # calls of the wrapped encoder made by the worker
        self._queue: queue.SimpleQueue[_Request | object] = queue.SimpleQueue()
        self._closed = threading.Event()
        self._close_lock = threading.Lock()
        self._worker = threading.Thread(target=self._serve, name="encoder-batching", daemon=True)
        self._worker.start()

    @property
    def name(self) -> str:
        """The wrapped model's name."""
        return self.inner.name

    @property
    def dimension(self) -> int:
        """The wrapped model's vector width."""
        return self.inner.dimension

    @property
    def running(self) -> bool:
        """True while the worker thread serves requests (until :meth:`close`)."""
        return self._worker.is_alive()

    def encode(self, texts: list[str], *, batch_size: int = 32, show_progress: bool = False) -> Matrix:
        """Encode ``texts`` like the wrapped encoder; small calls from many threads share a model call."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if show_progress or len(texts) >= self.max_texts or self._closed.is_set():
            return self.inner.encode(texts, batch_size=batch_size, show_progress=show_progress)
        request = _Request(list(texts), batch_size)
        with self._close_lock:  # so no request is queued behind the stop marker
            if self._closed.is_set():
                return self.inner.encode(texts, batch_size=batch_size)
            self.requests += 1
            self._queue.put(request)
        return request.result.result()

    def close(self) -> None:
        """Finish the queued requests and stop the worker thread; safe to call twice."""
        with self._close_lock:
            if self._closed.is_set():
                return
            self._closed.set()
            self._queue.put(_STOP)
        if threading.current_thread() is not self._worker:
            self._worker.join()

    def __enter__(self) -> BatchingEncoder:
        """Use as a context manager that closes on exit."""
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        """Close."""
        self.close()

    # --- the worker thread ------------------------------------------------------------------------
    def _serve(self) -> None:
        carried: _Request | None = None
        while True:
            first = carried if carried is not None else self._queue.get()
            carried = None
            if first is _STOP:
                return
            assert isinstance(first, _Request)
            batch, carried, stop = self._gather(first)
            self._run(batch)
            if stop:
                return

    def _gather(self, first: _Request) -> tuple[list[_Request], _Request | None, bool]:
        """``first`` plus the requests arriving within the window that fit; returns the batch, a
        request left over for the next batch, and whether the stop marker was reached."""
        batch, size = [first], len(first.texts)
        deadline = time.monotonic() + self.max_wait_s
        while size < self.max_texts:
            try:
                remaining = deadline - time.monotonic()
                waiting = self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            if waiting is _STOP:
                return batch, None, True
            assert isinstance(waiting, _Request)
            if size + len(waiting.texts) > self.max_texts:
                return batch, waiting, False
            batch.append(waiting)
            size += len(waiting.texts)
        return batch, None, False

    def _run(self, batch: list[_Request]) -> None:
        """Encode a batch in one call and hand out the rows; on failure retry each request alone."""
        texts = [text for request in batch for text in request.texts]
        try:
            self.model_calls += 1
            vectors = self.inner.encode(texts, batch_size=padding_batch_size(texts, batch[0].batch_size))
        except Exception as exc:
            if len(batch) == 1:
                batch[0].result.set_exception(exc)
                return
            logger.warning("a batched encode of %d requests failed; encoding each alone", len(batch))
            for request in batch:
                self._run([request])
            return
        start = 0
        for request in batch:
            end = start + len(request.texts)
            request.result.set_result(vectors[start:end].copy())
            start = end
