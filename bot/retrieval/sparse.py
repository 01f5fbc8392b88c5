"""Sparse retrieval: BM25 (bm25s) over stemmed English tokens."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import numpy.typing as npt
import Stemmer

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


def build_sparse_index(texts: list[str]) -> bm25s.BM25:
    """A BM25 index of ``texts`` (one document per chunk, in row order)."""
    retriever = bm25s.BM25()
    retriever.index(tokenize(texts) if texts else [[""]], show_progress=False)
    return retriever


def sparse_scores(retriever: bm25s.BM25, query: str) -> npt.NDArray[np.float32]:
    """BM25 score of every document for ``query`` (zeros when no query term is known)."""
    vocab = retriever.vocab_dict
    terms = [t for t in tokenize([query])[0] if t in vocab]
    if not terms:
        return np.zeros(int(retriever.scores["num_docs"]), dtype=np.float32)
    return np.asarray(retriever.get_scores(terms), dtype=np.float32)


def sparse_search(
    retriever: bm25s.BM25, query: str, k: int
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
    """Top-``k`` documents with a positive score: (scores, row ids), best first."""
    scores = sparse_scores(retriever, query)
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


def load_sparse_index(folder: Path) -> bm25s.BM25:
    """Read a BM25 index written by :func:`save_sparse_index`."""
    return bm25s.BM25.load(str(folder))
