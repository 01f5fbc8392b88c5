"""Helpers shared by the subcommands: loading services once, JSON lines I/O."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

from bot.retrieval.embedder import Encoder, make_encoder
from bot.retrieval.lifecycle import open_index
from bot.retrieval.search import Searcher
from bot.settings import Precision, Runtime, Settings

logger = logging.getLogger(__name__)


@lru_cache(maxsize=2)
def encoder_for(
    model: str, precision: Precision = "auto", runtime: Runtime = "openvino", cache_dir: Path | None = None
) -> Encoder:
    """Load a model once per process, however many commands use it (``cache_dir``: for its int8 form)."""
    return make_encoder(model, runtime=runtime, precision=precision, cache_dir=cache_dir)


def load_encoder(settings: Settings) -> Encoder:
    """The configured embedding model, loaded offline."""
    retrieval = settings.retrieval
    return encoder_for(
        retrieval.embedding_model,
        retrieval.embedding_precision,
        retrieval.embedding_runtime,
        settings.paths.model_cache_dir,
    )


def load_searcher(settings: Settings) -> Searcher:
    """A searcher on the live index, building or refreshing the index first when needed."""
    encoder = load_encoder(settings)
    index, report = open_index(settings.paths.knowledge_dir, settings.paths.index_dir, encoder)
    if report is not None:
        print(f"index built: {report.chunks} chunks, {report.embedded} embedded", file=sys.stderr)
    return Searcher(index, encoder, mode=settings.retrieval.search_mode)  # type: ignore[arg-type]


def read_jsonl(stream: TextIO) -> Iterator[tuple[Any, str | None, str | None]]:
    """Yield (id, text, error) per non-empty input line; a bad line yields an error, never stops the run."""
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield None, None, f"line {number}: not JSON ({exc.msg})"
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            ident = item.get("id") if isinstance(item, dict) else None
            yield ident, None, f"line {number}: expected an object with a string 'text'"
            continue
        yield item.get("id"), item["text"], None


def run_jsonl(
    stream: TextIO, out: TextIO, handle_batch: Callable[[list[str]], list[dict[str, Any]]], batch: int = 32
) -> int:
    """Process JSON lines in batches; each input line gives exactly one output line, in order."""
    pending: list[tuple[Any, str]] = []

    def flush() -> None:
        results = handle_batch([text for _, text in pending]) if pending else []
        for (ident, _), result in zip(pending, results, strict=True):
            out.write(json.dumps({"id": ident, **result}, ensure_ascii=False) + "\n")
        out.flush()
        pending.clear()

    for ident, text, error in read_jsonl(stream):
        if error is not None or text is None:
            flush()
            out.write(json.dumps({"id": ident, "error": error}) + "\n")
            continue
        pending.append((ident, text))
        if len(pending) >= batch:
            flush()
    flush()
    return 0


def print_json(data: Any) -> None:
    """Pretty JSON on stdout."""
    print(json.dumps(data, ensure_ascii=False, indent=2))
