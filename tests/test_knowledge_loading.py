"""Advisory validation: every problem names the file, the field and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.chunking import chunk_advisory, chunk_id
from bot.knowledge.loader import load_advisories
from bot.knowledge.problems import Problem

GOOD = (Path(__file__).parent / "fixtures" / "knowledge" / "advisories" / "fx-parcel.md").read_text()


def write(knowledge_dir: Path, name: str, text: str) -> Path:
    path = knowledge_dir / "advisories" / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_for(knowledge_dir: Path, name: str) -> list[Problem]:
    return [p for p in load_advisories(knowledge_dir).problems if p.path.name == name]


@pytest.mark.parametrize(
    ("old", "new", "field", "fragment"),
    [
        ("category: phishing", "category: phising", "category", "unknown category 'phising'"),
        ("published: 2024-04-01", "published: 01/04/2024", "published", "YYYY-MM-DD"),
        ("published: 2024-04-01", "published: 2024-13-45", "published", "date"),
        (
            "source_url: https://cyber.example.org/parcel-texts",
            "source_url: ftp://x.org/a",
            "source_url",
            "http",
        ),
        ("issuer: Test Cyber Centre\n", "", "issuer", "missing required field"),
        ("id: fx-parcel", "id: Fx Parcel!", "id", "slug"),
        ("region: UK", "region: Britain", "region", "region code"),
    ],
)
def test_bad_field_is_named(knowledge_dir: Path, old: str, new: str, field: str, fragment: str) -> None:
    assert old in GOOD
    write(
        knowledge_dir,
        "broken.md",
        GOOD.replace(old, new).replace("id: fx-parcel", "id: broken", 1)
        if field != "id"
        else GOOD.replace(old, new),
    )
    found = problems_for(knowledge_dir, "broken.md")
    assert [p.field for p in found] == [field]
    assert fragment in found[0].message
    assert "broken.md" in str(found[0])


def test_duplicate_id_and_empty_body(knowledge_dir: Path) -> None:
    write(knowledge_dir, "zz-copy.md", GOOD)
    head = GOOD.split("\n---\n", 1)[0].replace("id: fx-parcel", "id: empty-one")
    write(knowledge_dir, "empty.md", head + "\n---\n\n")
    result = load_advisories(knowledge_dir)
    dup = [p for p in result.problems if p.path.name == "zz-copy.md"]
    assert dup and dup[0].field == "id" and "duplicate id 'fx-parcel'" in dup[0].message
    assert "fx-parcel.md" in dup[0].message
    empty = [p for p in result.problems if p.path.name == "empty.md"]
    assert empty and empty[0].field == "body"
    # the good files still load, the original owner of the id included
    assert {a.id for a in result.advisories} == {
        "fx-livestream",
        "fx-parcel",
        "fx-courier",
        "fx-romance",
        "fx-techsupport",
    }


def test_broken_yaml_reports_line(knowledge_dir: Path) -> None:
    write(knowledge_dir, "yaml.md", "---\nid: ok\ntitle: [unclosed\n---\nbody\n")
    found = problems_for(knowledge_dir, "yaml.md")
    assert found and found[0].field == "front matter" and "broken YAML" in found[0].message
    assert found[0].line is not None


def test_missing_front_matter_and_missing_section(knowledge_dir: Path) -> None:
    write(knowledge_dir, "plain.md", "# Just a heading\n\nNo metadata here.\n")
    write(
        knowledge_dir,
        "nosection.md",
        GOOD.replace("id: fx-parcel", "id: nosection").replace("## Red flags", "## Signs"),
    )
    assert problems_for(knowledge_dir, "plain.md")[0].field == "front matter"
    warnings = problems_for(knowledge_dir, "nosection.md")
    assert [(p.severity, p.message) for p in warnings] == [("warning", "missing section '## Red flags'")]
    assert "nosection" in {a.id for a in load_advisories(knowledge_dir).advisories}


def test_chunks_by_heading_and_examples_alone(knowledge_dir: Path) -> None:
    advisory = next(a for a in load_advisories(knowledge_dir).advisories if a.id == "fx-livestream")
    chunks = chunk_advisory(advisory)
    examples = [c for c in chunks if c.kind == "example"]
    assert [c.text for c in examples] == [
        "Hello dear 😊 join our free VIP stock live room tonight, "
        "Teacher Wang shares 3 limit-up picks daily!",
        "Your account shows 58,000 profit. To withdraw pay 20% income tax to unfreeze the funds within 24h.",
    ]
    headings = [c.heading for c in chunks if c.kind == "section"]
    assert headings == [
        "Summary",
        "How it works",
        "Red flags",
        "What to do > Before you pay",
        "What to do > If you already paid",
    ]
    assert all(c.advisory_id == "fx-livestream" for c in chunks)
    # ids are content hashes: stable across runs, different for different text
    assert chunks[1].id == chunk_id("fx-livestream", "How it works", chunks[1].text)
    assert len({c.id for c in chunks}) == len(chunks)
