"""The advisory scaffold and the writing guide shared by ``fraudbot new-advisory`` and ``fraudbot lint``.

The guide for each section is written into the scaffold as an HTML comment and repeated by lint when a
section is missing, so an operator reads the same advice in both places.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import yaml

from bot.knowledge.model import EXPECTED_SECTIONS

# What each expected section is for; lint quotes it when the section is missing.
SECTION_GUIDE: dict[str, str] = {
    "How it works": (
        "Describe the scam step by step, in plain words a frightened, perhaps elderly reader understands: "
        "who makes contact and where, what they promise, how the money is taken, how it ends. "
        "Take the facts from the source page but write them in your own words; never paste its sentences. "
        "A numbered list of stages works well."
    ),
    "Red flags": (
        "One warning sign per bullet, concrete enough to recognise in a real conversation "
        "(\"A stranger adds you to a stock-tip group and a 'teacher' recommends one app\"), "
        'not vague ("Be careful online").'
    ),
    "Example messages": (
        "Two to five realistic messages a victim might receive, one per bullet, in double quotes. "
        "Write them yourself (never copy a real victim's message): use the app names, amounts, typos and "
        "emojis scammers use. Each bullet becomes its own search chunk, so a pasted scam message can match "
        "it; lint warns when no red flag in red_flags.yaml recognises an example."
    ),
    "What to do": (
        "Concrete next steps under '### Before you pay' and '### If you already paid': who to call, which "
        "official register to check, what evidence to keep. Never say that anything is safe."
    ),
}

# Subsections written into the scaffold under a section.
SUBSECTIONS: dict[str, tuple[str, ...]] = {"What to do": ("Before you pay", "If you already paid")}

# How to fix a front-matter field, quoted by ``new-advisory`` errors and by lint.
FIELD_HINTS: dict[str, str] = {
    "id": "a unique lowercase slug such as uk-courier-fraud; by convention the file name without .md",
    "title": "one line saying what the scam does, e.g. 'Fake investment live broadcasts lure victims'",
    "category": "one slug from knowledge/categories.yaml",
    "issuer": "the police force or regulator that published the source page",
    "source_url": "the official page the facts come from, starting with https://",
    "published": "the date of the source page, written YYYY-MM-DD, e.g. 2024-05-31",
    "region": "a two-letter code such as UK, US, HK, SG, TW, CN, AU, or 'global'",
    "language": "a language code such as en",
    "tags": "optional list of short slugs, e.g. [live-broadcast, stock-tips]",
    "reviewed": "optional: the date an operator last checked the advisory, YYYY-MM-DD",
    "summary": "optional: one or two plain sentences",
}

_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass(frozen=True)
class ScaffoldFields:
    """The front-matter values an operator gives ``new-advisory``."""

    id: str
    title: str
    category: str
    issuer: str
    source_url: str
    published: dt.date
    region: str
    language: str = "en"


def yaml_scalar(value: object) -> str:
    """``value`` as a one-line YAML scalar, quoted only when YAML needs it."""
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


def _comment(text: str) -> str:
    # "--" may not appear inside an HTML comment.
    return f"<!-- {text.replace('--', '—')} -->"


def scaffold_text(fields: ScaffoldFields) -> str:
    """A complete advisory file: the given front matter and the four sections, each with its guide."""
    front = [
        "---",
        f"id: {yaml_scalar(fields.id)}",
        f"title: {yaml_scalar(fields.title)}",
        f"category: {yaml_scalar(fields.category)}",
        f"issuer: {yaml_scalar(fields.issuer)}",
        f"source_url: {yaml_scalar(fields.source_url)}",
        f"published: {fields.published.isoformat()}",
        f"region: {yaml_scalar(fields.region)}",
        f"language: {yaml_scalar(fields.language)}",
        "tags: []            # optional: short slugs, e.g. [live-broadcast, stock-tips]",
        f"# reviewed: {dt.date.today().isoformat()}   # optional: when an operator last checked the advisory",
        "# summary: One or two plain sentences on what happens and what to do.   # optional",
        "# Write in your own words from the facts of the source page, and cite only that page.",
        "# Replace each <!-- guide --> comment below with your text, check the file with `fraudbot lint`,",
        "# then try it with `fraudbot ask`. A running bot serves this file a few seconds after each save.",
        "---",
        "",
    ]
    body: list[str] = []
    for name in EXPECTED_SECTIONS:
        body += [f"## {name}", _comment(SECTION_GUIDE[name]), ""]
        for sub in SUBSECTIONS.get(name, ()):
            body += [f"### {sub}", _comment("One concrete step per bullet."), ""]
    return "\n".join(front + body).rstrip() + "\n"


def section_texts(body: str) -> dict[str, str]:
    """The text under each ``##`` heading with HTML comments removed (subsections included)."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in body.splitlines():
        if line.startswith("## "):
            current = sections.setdefault(line[3:].strip(), [])
        elif current is not None:
            current.append(line)
    return {name: _COMMENT_RE.sub("", "\n".join(lines)) for name, lines in sections.items()}


def unfilled_sections(body: str) -> list[str]:
    """Expected sections that hold no text of their own yet (only headings or guide comments)."""
    texts = section_texts(body)
    empty = []
    for name in EXPECTED_SECTIONS:
        if name not in texts:
            continue
        words = [line for line in texts[name].splitlines() if line.strip() and not line.startswith("#")]
        if not words:
            empty.append(name)
    return empty
