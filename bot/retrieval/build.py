"""Build the index: ingest → split → embed (only what changed) → write, under a file lock."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock

from bot.knowledge.chunking import ChunkingParams, chunk_advisory
from bot.knowledge.loader import file_hash, load_advisories, load_categories
from bot.knowledge.model import Advisory, Chunk, embedding_text
from bot.knowledge.problems import Problem
from bot.retrieval import store
from bot.retrieval.dense import build_dense_index, save_dense_index
from bot.retrieval.embedder import Encoder, Matrix
from bot.retrieval.sparse import build_sparse_index, save_sparse_index

logger = logging.getLogger(__name__)
EMBED_BATCH = 64
ProgressHook = Callable[[int, int], None]


@dataclass
class BuildReport:
    """What a build did."""

    advisories: int
    chunks: int
    embedded: int
    reused: int
    full: bool
    seconds: float
    problems: list[Problem] = field(default_factory=list)
    build_dir: str = ""


def advisory_record(advisory: Advisory) -> dict[str, Any]:
    """Citation fields of an advisory as stored beside its chunks."""
    meta = advisory.meta.model_dump(mode="json")
    meta["file"] = advisory.path.name
    return meta


def sparse_text(chunk: Chunk, title: str) -> str:
    """What BM25 indexes for a chunk: title and heading add the topic words."""
    return f"{title}\n{chunk.heading}\n{chunk.text}"


def text_key(text: str) -> str:
    """Key under which a vector is reused: a hash of exactly the text that was embedded."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _previous_vectors(index_dir: Path, encoder: Encoder, params: ChunkingParams) -> dict[str, np.ndarray]:
    """Vectors of the live build by the hash of their embedded text, if made with this model and chunking."""
    manifest = store.read_manifest(index_dir)
    if not manifest_matches(manifest, encoder, params):
        return {}
    try:
        folder = store.live_build_dir(index_dir, manifest)
        records = store.read_chunks(folder)
        titles = {a: m["title"] for a, m in store.read_json(folder / store.ADVISORIES_FILE).items()}
        vectors = store.load_vectors(folder)
    except (OSError, ValueError, KeyError, store.IndexNotFoundError, store.IndexMismatchError) as exc:
        logger.warning("previous index unreadable (%s); embedding everything", exc)
        return {}
    return {
        text_key(embedding_text(titles.get(r.advisory_id, ""), r.heading, r.kind, r.text)): vectors[row]
        for row, r in enumerate(records)
    }


def manifest_matches(manifest: dict[str, Any] | None, encoder: Encoder, params: ChunkingParams) -> bool:
    """True when an index was built with this schema, model, dimension and chunking."""
    return (
        manifest is not None
        and manifest.get("schema_version") == store.SCHEMA_VERSION
        and manifest.get("model") == encoder.name
        and manifest.get("dimension") == encoder.dimension
        and manifest.get("chunking") == asdict(params)
    )


def embed_missing(
    texts: list[str], known: list[np.ndarray | None], encoder: Encoder, progress: ProgressHook | None
) -> tuple[Matrix, int]:
    """Fill in vectors for rows without one; returns the matrix and how many rows were embedded."""
    missing = [row for row, vector in enumerate(known) if vector is None]
    vectors = np.zeros((len(texts), encoder.dimension), dtype=np.float32)
    for row, vector in enumerate(known):
        if vector is not None:
            vectors[row] = vector
    for start in range(0, len(missing), EMBED_BATCH):
        rows = missing[start : start + EMBED_BATCH]
        vectors[rows] = encoder.encode([texts[r] for r in rows], batch_size=EMBED_BATCH)
        if progress:
            progress(min(start + EMBED_BATCH, len(missing)), len(missing))
    return vectors, len(missing)


def build_index(
    knowledge_dir: Path,
    index_dir: Path,
    encoder: Encoder,
    *,
    full: bool = False,
    params: ChunkingParams | None = None,
    progress: ProgressHook | None = None,
    lock_timeout: float = 600.0,
) -> BuildReport:
    """Build (incrementally unless ``full``) and atomically publish the index."""
    params = params or ChunkingParams()
    index_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(index_dir / store.LOCK), timeout=lock_timeout):
        return _build_locked(knowledge_dir, index_dir, encoder, full=full, params=params, progress=progress)


def _build_locked(
    knowledge_dir: Path,
    index_dir: Path,
    encoder: Encoder,
    *,
    full: bool,
    params: ChunkingParams,
    progress: ProgressHook | None,
) -> BuildReport:
    started = time.perf_counter()
    loaded = load_advisories(knowledge_dir, load_categories(knowledge_dir))
    for problem in loaded.problems:
        log = logger.warning if problem.severity == "error" else logger.info
        log("knowledge problem: %s", problem)
    advisories = {a.id: a for a in loaded.advisories}
    chunks = [c for a in loaded.advisories for c in chunk_advisory(a, params)]
    previous = {} if full else _previous_vectors(index_dir, encoder, params)
    dense_texts = [c.embedding_text(advisories[c.advisory_id].meta.title) for c in chunks]
    known = [previous.get(text_key(t)) for t in dense_texts]
    vectors, embedded = embed_missing(dense_texts, known, encoder, progress)

    build_name = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    folder = index_dir / store.BUILDS / build_name
    folder.mkdir(parents=True)
    records = [
        store.ChunkRecord(c.id, c.advisory_id, c.heading, c.kind, c.text, Path(c.path).name) for c in chunks
    ]
    store.write_chunks(folder, records)
    store.write_json(folder / store.ADVISORIES_FILE, {a.id: advisory_record(a) for a in loaded.advisories})
    store.save_vectors(folder, vectors)
    save_dense_index(build_dense_index(vectors), folder / store.DENSE_FILE)
    sparse = build_sparse_index([sparse_text(c, advisories[c.advisory_id].meta.title) for c in chunks])
    save_sparse_index(sparse, folder / store.SPARSE_DIR)
    store.fsync_tree(folder)

    seconds = time.perf_counter() - started
    old = store.read_manifest(index_dir)
    manifest = _manifest(loaded.advisories, chunks, loaded.problems, encoder, params, build_name)
    manifest["last_build"] = {
        "embedded": embedded,
        "reused": len(chunks) - embedded,
        "full": full,
        "seconds": round(seconds, 3),
    }
    store.write_manifest(index_dir, manifest)
    keep = {manifest["build_dir"]} | ({str(old["build_dir"])} if old and "build_dir" in old else set())
    store.remove_old_builds(index_dir, keep)
    return BuildReport(
        advisories=len(loaded.advisories),
        chunks=len(chunks),
        embedded=embedded,
        reused=len(chunks) - embedded,
        full=full,
        seconds=seconds,
        problems=loaded.problems,
        build_dir=str(folder),
    )


def _hash_or_empty(path: Path) -> str:
    try:
        return file_hash(path.read_bytes())
    except OSError:
        return ""


def _manifest(
    advisories: list[Advisory],
    chunks: list[Chunk],
    problems: list[Problem],
    encoder: Encoder,
    params: ChunkingParams,
    build_name: str,
) -> dict[str, Any]:
    per_file: dict[str, dict[str, Any]] = {}
    for advisory in advisories:
        per_file[advisory.path.name] = {
            "sha256": advisory.content_hash,
            "advisory_id": advisory.id,
            "chunks": 0,
        }
    for chunk in chunks:
        per_file[Path(chunk.path).name]["chunks"] += 1
    return {
        "schema_version": store.SCHEMA_VERSION,
        "model": encoder.name,
        "dimension": encoder.dimension,
        "chunking": asdict(params),
        "build_dir": f"{store.BUILDS}/{build_name}",
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "files": per_file,
        "skipped": [
            {
                "file": p.path.name,
                "field": p.field,
                "message": p.message,
                "line": p.line,
                "sha256": _hash_or_empty(p.path),
            }
            for p in problems
            if p.severity == "error"
        ],
        "counts": {
            "advisories": len(advisories),
            "chunks": len(chunks),
            "examples": sum(1 for c in chunks if c.kind == "example"),
        },
    }
