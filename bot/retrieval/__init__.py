"""Retrieval: embedder, FAISS and BM25 indexes, hybrid search and the index build."""
