"""The search result type shared by retrieval and the core."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class SearchHit:
    """One retrieved chunk with the citation fields of its advisory."""

    chunk_id: str
    advisory_id: str
    title: str
    category: str
    issuer: str
    source_url: str
    published: str  # YYYY-MM-DD
    region: str
    heading: str
    kind: str  # "section" or "example"
    text: str
    score: float
    dense_score: float = 0.0  # cosine similarity of query and chunk (0 when the dense side did not rank it)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)
