"""Sparse retrieval: BM25 (bm25s) over stemmed English tokens.

bm25s precomputes the BM25 score of every (document, term) pair; a query's score for a document is the
sum of its terms' scores (a term written twice counts twice). bm25s adds them one term at a time; the same
sum as one sparse matrix product (:class:`SparseIndex`) scores all of a long message's windows in one call
instead of ~100 numpy calls each.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import numpy.typing as npt
import Stemmer
from scipy import sparse

STOPWORDS = "en"


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-cased, stop-word-free, stemmed tokens of each text."""
    tokens = bm25s.tokenize(
        texts, stopwords=STOPWORDS, stemmer=_stemmer(), return_ids=False, show_progress=False
    )
    return [list(t) for t in tokens]


@dataclass(frozen=True)
class SparseIndex:
    """A BM25 index and its precomputed scores as one terms × documents matrix."""

    retriever: bm25s.BM25
    term_scores: sparse.csr_array  # row = term id of ``retriever.vocab_dict``, column = document row

    @classmethod
    def of(cls, retriever: bm25s.BM25) -> SparseIndex:
        """Wrap ``retriever``, laying its compressed per-term score columns out as matrix rows (no copy)."""
        scores = retriever.scores
        shape = (len(scores["indptr"]) - 1, int(scores["num_docs"]))
        matrix = sparse.csr_array((scores["data"], scores["indices"], scores["indptr"]), shape=shape)
        return cls(retriever, matrix)


def build_sparse_index(texts: list[str]) -> bm25s.BM25:
    """A BM25 index of ``texts`` (one document per chunk, in row order)."""
    retriever = bm25s.BM25()
    retriever.index(tokenize(texts) if texts else [[""]], show_progress=False)
    return retriever


def term_counts(index: SparseIndex, queries: list[str]) -> sparse.csr_array:
    """Queries × terms: how often each query uses each term the index knows (unknown terms dropped)."""
    vocab = index.retriever.vocab_dict
    rows: list[int] = []
    cols: list[int] = []
    counts: list[float] = []
    for row, tokens in enumerate(tokenize(queries)):
        for term, count in Counter(t for t in tokens if t in vocab).items():
            rows.append(row)
            cols.append(vocab[term])
            counts.append(float(count))
    shape = (len(queries), index.term_scores.shape[0])
    return sparse.csr_array((np.array(counts, dtype=np.float32), (rows, cols)), shape=shape)


def sparse_scores_many(index: SparseIndex, queries: list[str]) -> npt.NDArray[np.float32]:
    """BM25 score of every document for each query: queries × documents (a row of zeros when no term
    of the query is known)."""
    product = term_counts(index, queries) @ index.term_scores
    return np.asarray(product.toarray(), dtype=np.float32)


def top_documents(
    scores: npt.NDArray[np.float32], k: int
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
    """The top-``k`` documents of one query's ``scores`` with a positive score: (scores, rows), best first."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    top = top[scores[top] > 0]
    return scores[top], top.astype(np.int64)


def save_sparse_index(retriever: bm25s.BM25, folder: Path) -> None:
    """Write the BM25 index into ``folder``."""
    retriever.save(str(folder))


def load_sparse_index(folder: Path) -> SparseIndex:
    """Read a BM25 index written by :func:`save_sparse_index`."""
    return SparseIndex.of(bm25s.BM25.load(str(folder)))
