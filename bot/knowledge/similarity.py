"""Near-duplicate advisories, found without the embedding model so ``fraudbot lint`` stays fast.

Each advisory body becomes the set of its word 5-shingles (five consecutive words, lowercased, HTML
comments removed). Two advisories are near duplicates when their Jaccard similarity is high, or when
most of the smaller one appears inside the larger (containment), e.g. one pasted into another.
An inverted index of shingles means only pairs that share text are ever compared. On the real corpus
unrelated advisories stay below 0.06 Jaccard; an edited copy of a file scores well above 0.5.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

SHINGLE_WORDS = 5
JACCARD_THRESHOLD = 0.35
CONTAINMENT_THRESHOLD = 0.6

_WORD_RE = re.compile(r"\w+", re.UNICODE)
_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass(frozen=True)
class NearDuplicate:
    """Two documents that share much of their wording."""

    first: str
    second: str
    jaccard: float
    containment: float


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[int]:
    """Hashes of every run of ``size`` consecutive words (a shorter text is one shingle)."""
    words = _WORD_RE.findall(_COMMENT_RE.sub(" ", text).lower())
    if not words:
        return frozenset()
    if len(words) <= size:
        return frozenset({hash(tuple(words))})
    return frozenset(hash(tuple(words[i : i + size])) for i in range(len(words) - size + 1))


def near_duplicates(
    documents: Sequence[tuple[str, str]],
    *,
    jaccard_threshold: float = JACCARD_THRESHOLD,
    containment_threshold: float = CONTAINMENT_THRESHOLD,
) -> list[NearDuplicate]:
    """Pairs of (name, text) documents whose wording overlaps past either threshold, most similar first."""
    sets = [shingles(text) for _, text in documents]
    overlaps = _shared_counts(sets)
    found = []
    for (i, j), shared in overlaps.items():
        union = len(sets[i]) + len(sets[j]) - shared
        jaccard = shared / union
        containment = shared / min(len(sets[i]), len(sets[j]))
        if jaccard >= jaccard_threshold or containment >= containment_threshold:
            found.append(NearDuplicate(documents[i][0], documents[j][0], jaccard, containment))
    return sorted(found, key=lambda d: (-d.jaccard, -d.containment, d.first, d.second))


def _shared_counts(sets: Sequence[Iterable[int]]) -> Counter[tuple[int, int]]:
    """How many shingles each pair of documents shares, counting only pairs that share any."""
    owners: dict[int, list[int]] = {}
    for doc, shingle_set in enumerate(sets):
        for shingle in shingle_set:
            owners.setdefault(shingle, []).append(doc)
    shared: Counter[tuple[int, int]] = Counter()
    for docs in owners.values():
        if len(docs) > 1:
            shared.update(combinations(docs, 2))
    return shared


def normalized_message(text: str) -> str:
    """An example message reduced to its words, for spotting the same example in two advisories."""
    return " ".join(_WORD_RE.findall(text.lower()))
