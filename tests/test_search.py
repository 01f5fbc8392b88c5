"""Search quality on paraphrases, the three modes, and the fusion function."""

from __future__ import annotations

import pytest

from bot.retrieval.fusion import reciprocal_rank_fusion
from bot.retrieval.search import Searcher


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
