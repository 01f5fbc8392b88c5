"""Search: dense, BM25 and hybrid (reciprocal rank fusion) over a loaded index."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import faiss
import numpy as np
import numpy.typing as npt

from bot.retrieval import store
from bot.retrieval.dense import dense_search, load_dense_index
from bot.retrieval.embedder import Encoder, Matrix
from bot.retrieval.fusion import reciprocal_rank_fusion
from bot.retrieval.hits import SearchHit
from bot.retrieval.sparse import SparseIndex, load_sparse_index, sparse_scores_many, top_documents

SearchMode = Literal["dense", "bm25", "hybrid"]
CANDIDATES = 50


@dataclass(frozen=True)
class SearchIndex:
    """A loaded build: chunk records, advisory metadata, vectors and both indexes."""

    manifest: dict[str, Any]
    chunks: list[store.ChunkRecord]
    advisories: dict[str, dict[str, Any]]
    vectors: Matrix
    dense: faiss.Index
    sparse: SparseIndex

    @classmethod
    def load(cls, index_dir: Path, *, model: str | None = None) -> SearchIndex:
        """Load the live build; with ``model``, refuse an index built with another model."""
        manifest = store.read_manifest(index_dir)
        folder = store.live_build_dir(index_dir, manifest)
        assert manifest is not None
        if model is not None and manifest.get("model") != model:
            raise store.IndexMismatchError(
                f"index built with {manifest.get('model')!r}, configured model is {model!r}: rebuild it"
            )
        return cls(
            manifest=manifest,
            chunks=store.read_chunks(folder),
            advisories=store.read_json(folder / store.ADVISORIES_FILE),
            vectors=store.load_vectors(folder),
            dense=load_dense_index(folder / store.DENSE_FILE),
            sparse=load_sparse_index(folder / store.SPARSE_DIR),
        )

    def advisory_hits(self, advisory_id: str) -> list[SearchHit]:
        """Every chunk of one advisory, in document order, with zero scores."""
        return [self.hit(row, 0.0, 0.0) for row, c in enumerate(self.chunks) if c.advisory_id == advisory_id]

    def hit(self, row: int, score: float, dense_score: float) -> SearchHit:
        """The search hit for chunk ``row``."""
        chunk = self.chunks[row]
        meta = self.advisories[chunk.advisory_id]
        return SearchHit(
            chunk_id=chunk.id,
            advisory_id=chunk.advisory_id,
            title=meta["title"],
            category=meta["category"],
            issuer=meta["issuer"],
            source_url=meta["source_url"],
            published=str(meta["published"]),
            region=meta["region"],
            heading=chunk.heading,
            kind=chunk.kind,
            text=chunk.text,
            score=float(score),
            dense_score=float(dense_score),
        )


def rank_rows_many(
    index: SearchIndex, queries: list[str], query_vectors: Matrix, k: int, mode: SearchMode
) -> list[list[tuple[int, float]]]:
    """For each query, the rows of its best ``k`` chunks with its mode's score, best first.

    The queries are searched together: one FAISS call, one tokenizer call and one BM25 product for all.
    """
    if not index.chunks or not queries:
        return [[] for _ in queries]
    if mode == "bm25":
        return [_scored(*top_documents(scores, k)) for scores in sparse_scores_many(index.sparse, queries)]
    scores, ids = dense_search(index.dense, query_vectors, k if mode == "dense" else CANDIDATES)
    if mode == "dense":
        found = ids >= 0  # FAISS pads with -1 when the index holds fewer than k rows
        return [_scored(s[f], i[f]) for s, i, f in zip(scores, ids, found, strict=True)]
    fused = []
    for dense_ids, bm25_scores in zip(ids, sparse_scores_many(index.sparse, queries), strict=True):
        _, sparse_ids = top_documents(bm25_scores, CANDIDATES)
        dense_rank = [int(i) for i in dense_ids if i >= 0]
        fused.append(reciprocal_rank_fusion([dense_rank, [int(i) for i in sparse_ids]])[:k])
    return fused


def _scored(scores: npt.NDArray[np.float32], rows: npt.NDArray[np.int64]) -> list[tuple[int, float]]:
    return [(int(i), float(s)) for s, i in zip(scores, rows, strict=True)]


class Searcher:
    """Search one loaded index with one encoder."""

    def __init__(self, index: SearchIndex, encoder: Encoder, *, mode: SearchMode = "hybrid") -> None:
        """Keep the index and the encoder; ``mode`` is the default for :meth:`search`."""
        if index.manifest.get("model") != encoder.name:
            raise store.IndexMismatchError("the index and the encoder use different models")
        self.index = index
        self.encoder = encoder
        self.mode: SearchMode = mode

    def search(self, query: str, k: int = 5, *, mode: SearchMode | None = None) -> list[SearchHit]:
        """The ``k`` best chunks for ``query``."""
        return self.search_many([query], k, mode=mode)[0]

    def search_many(
        self, queries: list[str], k: int = 5, *, mode: SearchMode | None = None
    ) -> list[list[SearchHit]]:
        """Search several queries with one encoder call."""
        return self.search_vectors(queries, self.encoder.encode(queries), k, mode=mode)

    def search_vector(
        self, query: str, vector: npt.NDArray[np.float32], k: int, *, mode: SearchMode | None = None
    ) -> list[SearchHit]:
        """Search with a query already encoded."""
        return self.search_vectors([query], vector[None, :], k, mode=mode)[0]

    def search_vectors(
        self, queries: list[str], vectors: Matrix, k: int, *, mode: SearchMode | None = None
    ) -> list[list[SearchHit]]:
        """Search several queries already encoded (row ``i`` of ``vectors`` is ``queries[i]``'s), together."""
        ranked = rank_rows_many(self.index, queries, vectors, k, mode or self.mode)
        return [self._hits(rows, vector) for rows, vector in zip(ranked, vectors, strict=True)]

    def _hits(self, rows: list[tuple[int, float]], vector: npt.NDArray[np.float32]) -> list[SearchHit]:
        cosines = self.index.vectors[[r for r, _ in rows]] @ vector if rows else np.zeros(0)
        return [
            self.index.hit(row, score, float(cos)) for (row, score), cos in zip(rows, cosines, strict=True)
        ]
