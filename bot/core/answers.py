"""Grounded, extractive answers: passages quoted from the best advisories, each cited, or an abstention."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.core.results import Answer, Citation, Passage, RegionHotlines, stale_ids
from bot.core.script import has_chinese
from bot.retrieval.hits import SearchHit

MAX_ANSWER_CHARS = 900
MAX_ADVISORIES = 2
AGGREGATE_TOP = 4  # chunks per advisory whose scores add up to the advisory's score
REGION_CANDIDATES = 3  # how many of the best advisories may be reordered for the user's region
REGION_DENSE_MARGIN = 0.03  # a local advisory goes first when its cosine is within this of the best

ABSTAIN_TEXT = (
    "I'm not sure: I could not find an advisory that clearly answers this. I will not guess, because a wrong "
    "answer could cost you money. You can take the warning checklist, paste the suspicious message so I can "
    "check it, or call the hotline below."
)
OFF_TOPIC_TEXT = (
    "I'm not sure: I answer questions about scams from official advisories, and this looks like an "
    "everyday money or banking question that none of them answers. Your bank or provider can answer it: use "
    "the number on your card or on their official website. If a message, call or offer worries you, paste it "
    "so I can check it, take the warning checklist, or call the hotline below."
)
OTHER_SCRIPT_TEXT = (
    "I'm not sure: I can read questions in English only, and this one is written in another language, so I "
    "cannot tell which advisory answers it. I will not guess. You can ask in English, paste the suspicious "
    "message so I can check it, or call the hotline below."
)
# The same advice for a reader of Chinese, in traditional then simplified characters: "I can only read
# English. If in doubt, call the hotline below."
CHINESE_NOTE = (
    "我只讀得懂英文。如有疑問，請撥打下方的熱線電話。\n我只读得懂英文。如有疑问，请拨打下方的热线电话。"
)
ANSWER_INTRO = "Here is what the official advisories say:"
NEXT_STEP = (
    "Before you pay anyone, stop and check. If you already paid, call your bank and the hotline below."
)
SectionsLookup = Callable[[str], list[SearchHit]]


def text_hash(text: str) -> str:
    """Hash of user text: what we may keep instead of the text itself."""
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def citation_of(hit: SearchHit) -> Citation:
    """The citation of the advisory a hit comes from."""
    return Citation(hit.advisory_id, hit.title, hit.category, hit.issuer, hit.published, hit.source_url)


@dataclass
class AdvisoryMatch:
    """All hits of one advisory, scored by its best hit."""

    advisory_id: str
    score: float
    dense: float
    region: str
    hits: list[SearchHit] = field(default_factory=list)


def group_by_advisory(hits: Sequence[SearchHit], top: int = AGGREGATE_TOP) -> list[AdvisoryMatch]:
    """Advisories ranked by the sum of their ``top`` best chunk scores.

    An advisory that answers a question usually matches in several sections; summing a few of its best
    chunks ranks it above one that matches a single stray sentence (Recall@1 0.79 → 0.84 on the dev
    questions, see docs/benchmarks.md).
    """
    matches: dict[str, AdvisoryMatch] = {}
    for hit in hits:
        match = matches.setdefault(hit.advisory_id, AdvisoryMatch(hit.advisory_id, 0.0, 0.0, hit.region))
        match.hits.append(hit)
        match.dense = max(match.dense, hit.dense_score)
    for match in matches.values():
        match.score = sum(sorted((h.score for h in match.hits), reverse=True)[:top])
    return sorted(matches.values(), key=lambda m: -m.score)


def prefer_region(matches: list[AdvisoryMatch], region: str | None) -> list[AdvisoryMatch]:
    """Move advisories of ``region`` (or global ones) ahead when they are nearly as close as the best.

    Only the top few compete, and "nearly" is measured on cosine similarity (fused rank scores are
    too flat to tell a close match from a distant one). Measured, with two variants that were not
    adopted, in docs/benchmarks.md (night of 2026-12-05).
    """
    if not matches or not region:
        return matches
    head, tail = matches[:REGION_CANDIDATES], matches[REGION_CANDIDATES:]
    best = max(m.dense for m in head)

    def local(match: AdvisoryMatch) -> bool:
        return match.region in (region, "global") and match.dense >= best - REGION_DENSE_MARGIN

    return [m for m in head if local(m)] + [m for m in head if not local(m)] + tail


def ranked_advisories(hits: Sequence[SearchHit], region: str | None) -> list[AdvisoryMatch]:
    """The advisories of ``hits``, best first, those of ``region`` moved ahead when nearly as close."""
    return prefer_region(group_by_advisory(hits), region)


def trim_to_sentences(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters at a line (bullet) boundary, else at a sentence boundary."""
    text = text.strip()
    if len(text) <= limit:
        return text
    kept: list[str] = []
    for line in text.splitlines():
        if sum(len(k) + 1 for k in kept) + len(line) > limit:
            break
        kept.append(line)
    if kept:
        return "\n".join(kept)
    first = text.splitlines()[0]
    sentences: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+", first):
        if sum(len(k) + 1 for k in sentences) + len(sentence) > limit:
            break
        sentences.append(sentence)
    if sentences:
        return " ".join(sentences)
    return first[: max(limit - 1, 0)].rsplit(" ", 1)[0] + "…"


def plain_markdown(text: str) -> str:
    """Drop emphasis markers (``**bold**``, ``__bold__``) so quoted text reads cleanly anywhere."""
    return re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)


def select_passages(
    matches: Sequence[AdvisoryMatch], sections_of: SectionsLookup | None, budget: int = MAX_ANSWER_CHARS
) -> tuple[list[Passage], list[Citation]]:
    """Quote the best section passages of the top advisories within ``budget`` characters."""
    passages: list[Passage] = []
    citations: list[Citation] = []
    for match in matches[:MAX_ADVISORIES]:
        sections = sorted((h for h in match.hits if h.kind == "section"), key=lambda h: -h.dense_score)
        if not sections and sections_of is not None:
            sections = [h for h in sections_of(match.advisory_id) if h.kind == "section"][:1]
        if not sections:
            continue
        share = budget if not passages else budget - sum(len(p.text) for p in passages)
        if share < 120:
            break
        limit = share if len(matches) == 1 or passages else int(share * 0.65)
        text = trim_to_sentences(plain_markdown(sections[0].text), limit)
        citations.append(citation_of(sections[0]))
        passages.append(Passage(text=text, heading=sections[0].heading, citation=len(citations) - 1))
    return passages, citations


def compose_text(passages: Sequence[Passage], citations: Sequence[Citation]) -> str:
    """The plain-text answer: quoted passages with [n] markers, then the next step."""
    parts = [ANSWER_INTRO]
    for passage in passages:
        title = citations[passage.citation].title
        parts.append(
            f"From \u201c{title}\u201d ({passage.heading}) [{passage.citation + 1}]:\n{passage.text}"
        )
    parts.append(NEXT_STEP)
    return "\n\n".join(parts)


def abstention(
    question: str, hotlines: RegionHotlines | None, *, text: str = ABSTAIN_TEXT, score: float = 0.0
) -> Answer:
    """The honest "not sure" reply: ``text``, no passages or citations, and the region's hotlines."""
    return Answer(text_hash(question), False, text, (), (), (), hotlines, score)


def other_script_abstention(question: str, hotlines: RegionHotlines | None) -> Answer:
    """The "not sure" for a question the English model cannot read, with a line in Chinese when it is."""
    text = OTHER_SCRIPT_TEXT + ("\n\n" + CHINESE_NOTE if has_chinese(question) else "")
    return abstention(question, hotlines, text=text)


def compose_answer(
    question: str,
    hits: Sequence[SearchHit],
    *,
    min_dense: float,
    region: str | None = None,
    hotlines: RegionHotlines | None = None,
    today: dt.date | None = None,
    sections_of: SectionsLookup | None = None,
) -> Answer:
    """Answer from ``hits`` or abstain when the best match is weaker than ``min_dense`` cosine."""
    today = today or dt.date.today()
    matches = ranked_advisories(hits, region)
    best = max((m.dense for m in matches), default=0.0)
    if not matches or best < min_dense:
        return abstention(question, hotlines, score=best)
    passages, citations = select_passages(matches, sections_of)
    if not passages:
        return abstention(question, hotlines, score=best)
    stale = stale_ids(citations, today)
    return Answer(
        question_hash=text_hash(question),
        confident=True,
        text=compose_text(passages, citations),
        passages=tuple(passages),
        citations=tuple(citations),
        stale_citations=stale,
        hotlines=hotlines,
        score=best,
    )
