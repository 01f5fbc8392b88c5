"""Search quality on paraphrases, the three modes, the fusion function, and searching queries together."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.bench.core import long_message, window_search_rows
from bot.core.service import FraudCore
from bot.core.windows import text_windows
from bot.retrieval.fusion import reciprocal_rank_fusion
from bot.retrieval.search import Searcher
from bot.retrieval.sparse import sparse_scores_many, tokenize


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("they say I must pay income tax before I can take my profit out", "fx-livestream"),
        ("a man on the phone said he was a detective and my bank is corrupt", "fx-courier"),
        ("got a text that my package is stuck and I need to pay a small fee", "fx-parcel"),
        ("my boyfriend I met on a dating app needs money for customs", "fx-romance"),
        ("a window popped up saying my laptop is infected and to call a number", "fx-techsupport"),
        ("someone invited me to watch a free stock broadcast with a teacher", "fx-livestream"),
    ],
)
@pytest.mark.parametrize("mode", ["hybrid", "dense"])
def test_paraphrased_queries_find_the_advisory(
    searcher: Searcher, query: str, expected: str, mode: str
) -> None:
    hits = searcher.search(query, 3, mode=mode)  # type: ignore[arg-type]
    assert hits[0].advisory_id == expected


def test_hits_carry_citation_fields(searcher: Searcher) -> None:
    hit = searcher.search("remote access software AnyDesk", 1)[0]
    assert hit.advisory_id == "fx-techsupport"
    assert hit.issuer == "Test Consumer Agency"
    assert hit.source_url.startswith("https://")
    assert hit.published == "2019-03-07"
    assert hit.region == "US" and hit.category == "tech-support"
    assert 0 < hit.dense_score <= 1


def test_example_message_matches_pasted_scam(searcher: Searcher) -> None:
    hits = searcher.search(
        "Royal Mail: parcel on hold, unpaid shipping fee £2.10, pay at royalmail-redeliver.top", 3
    )
    assert hits[0].advisory_id == "fx-parcel" and hits[0].kind == "example"


def test_bm25_ignores_unknown_words(searcher: Searcher) -> None:
    assert searcher.search("zzzqqq xxyyzz", 5, mode="bm25") == []
    assert len(searcher.search("zzzqqq xxyyzz", 5, mode="dense")) == 5


def test_rrf_rewards_agreement() -> None:
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 2, 4]], k=60)
    scores = dict(fused)
    assert {item for item, _ in fused[:2]} == {2, 3}  # found by both lists
    assert scores[2] == pytest.approx(2 / 62)
    assert scores[3] == pytest.approx(1 / 63 + 1 / 61)
    assert scores[1] == pytest.approx(1 / 61) and scores[1] > scores[4]
    assert {item for item, _ in fused} == {1, 2, 3, 4}


def test_hostile_text_never_crashes_search(searcher: Searcher) -> None:
    for text in ["a \ud800 b \udfff", "\x00\x01\x02", "<b>&amp;</b>" * 500, "", "   ", "💰" * 4096]:
        for mode in ("dense", "bm25", "hybrid"):
            hits = searcher.search(text, 3, mode=mode)  # type: ignore[arg-type]
            assert isinstance(hits, list) and len(hits) <= 3


BATCH_QUERIES = [
    "pay income tax before I can withdraw my profit, the teacher said pay pay pay",
    "zzzqqq xxyyzz",  # no known term: a row of zeros, no BM25 hits
    "parcel held: unpaid shipping fee, pay at the redelivery link",
    "a detective rang: my bank is corrupt, move savings to a safe account",
]


def test_bm25_scores_of_a_batch_match_bm25s_one_query_at_a_time(searcher: Searcher) -> None:
    index = searcher.index.sparse
    batch = sparse_scores_many(index, BATCH_QUERIES)
    assert batch.shape == (len(BATCH_QUERIES), len(searcher.index.chunks))
    for query, row in zip(BATCH_QUERIES, batch, strict=True):
        known = [t for t in tokenize([query])[0] if t in index.retriever.vocab_dict]
        expected = index.retriever.get_scores(known) if known else np.zeros(len(row), dtype=np.float32)
        np.testing.assert_allclose(row, expected, rtol=1e-5, atol=1e-6)  # a repeated term counts twice
    assert not batch[1].any() and batch[0].max() > 0
    assert sparse_scores_many(index, []).shape == (0, len(searcher.index.chunks))


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_searching_queries_together_finds_what_each_finds_alone(searcher: Searcher, mode: str) -> None:
    vectors = searcher.encoder.encode(BATCH_QUERIES)
    together = searcher.search_vectors(BATCH_QUERIES, vectors, 5, mode=mode)  # type: ignore[arg-type]
    alone = [searcher.search(q, 5, mode=mode) for q in BATCH_QUERIES]  # type: ignore[arg-type]
    assert [[h.chunk_id for h in hits] for hits in together] == [[h.chunk_id for h in hits] for hits in alone]
    assert together[0] and together[0][0].advisory_id == "fx-livestream"


def test_the_core_benchmark_times_the_windows_together_beside_one_at_a_time(core: FraudCore) -> None:
    text = long_message(Path(__file__).parent / "eval" / "messages.yaml")
    rows = window_search_rows(core, text)
    assert rows[0].startswith(f"| what, 4096 characters ({len(text_windows(text))} windows, vectors given)")
    assert len(rows) == 4 and all(row.count("/") == 2 for row in rows[2:])
