"""Dense retrieval over a FAISS inner-product index of normalized vectors."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import numpy.typing as npt

from bot.retrieval.embedder import Matrix


def build_dense_index(vectors: Matrix) -> faiss.Index:
    """An exact inner-product index (cosine for normalized rows)."""
    index = faiss.IndexFlatIP(vectors.shape[1])
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def dense_search(index: faiss.Index, queries: Matrix, k: int) -> tuple[Matrix, npt.NDArray[np.int64]]:
    """Top-``k`` rows per query: (scores, row ids), ids of -1 where fewer than ``k`` exist."""
    k = max(1, min(k, index.ntotal)) if index.ntotal else 1
    scores, ids = index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
    return scores, ids


def save_dense_index(index: faiss.Index, path: Path) -> None:
    """Write the FAISS index to ``path``."""
    faiss.write_index(index, str(path))


def load_dense_index(path: Path) -> faiss.Index:
    """Read a FAISS index written by :func:`save_dense_index`."""
    return faiss.read_index(str(path))
