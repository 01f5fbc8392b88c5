"""``fraudbot lint``: every problem in one run, each naming file, line or field, and how to fix it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_knowledge

from bot.cli import main
from bot.knowledge.lint import lint_knowledge
from bot.knowledge.problems import Problem
from bot.knowledge.similarity import near_duplicates, shingles

ADVISORIES = Path(__file__).parent / "fixtures" / "knowledge" / "advisories"
PARCEL = (ADVISORIES / "fx-parcel.md").read_text(encoding="utf-8")
ROOT = Path(__file__).resolve().parent.parent


def write(knowledge_dir: Path, name: str, text: str) -> Path:
    path = knowledge_dir / "advisories" / name
    path.write_text(text, encoding="utf-8")
    return path


def about(problems: list[Problem], name: str) -> list[Problem]:
    return [p for p in problems if p.path.name == name]


def line_of(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if fragment in line)


def test_fixture_folder_is_clean(knowledge_dir: Path) -> None:
    assert lint_knowledge(knowledge_dir) == []


def test_every_problem_in_one_run_with_line_field_and_fix(knowledge_dir: Path) -> None:
    category = write(
        knowledge_dir,
        "a-category.md",
        PARCEL.replace("id: fx-parcel", "id: a-category").replace("category: phishing", "category: phising"),
    )
    date = write(
        knowledge_dir,
        "b-date.md",
        PARCEL.replace("id: fx-parcel", "id: b-date").replace(
            "published: 2024-04-01", "published: 01/04/2024"
        ),
    )
    write(
        knowledge_dir,
        "c-section.md",
        PARCEL.replace("id: fx-parcel", "id: c-section")
        .replace("## Red flags", "## Warning signs")
        .replace("Royal Mail: your parcel", "Evri: your package"),
    )
    duplicate = write(knowledge_dir, "z-dup.md", PARCEL.replace("Fake parcel delivery", "Fake delivery"))
    missing = write(
        knowledge_dir,
        "e-missing.md",
        PARCEL.replace("id: fx-parcel", "id: e-missing").replace("issuer: Test Cyber Centre\n", ""),
    )
    (knowledge_dir / "hotlines.yaml").write_text("regions:\n  UK:\n    name: a: b\n", encoding="utf-8")

    problems = lint_knowledge(knowledge_dir)

    [cat] = about(problems, "a-category.md")
    assert (cat.severity, cat.field, cat.line) == ("error", "category", line_of(category, "category:"))
    assert "did you mean 'phishing'?" in cat.message
    [bad_date] = about(problems, "b-date.md")
    assert (bad_date.field, bad_date.line) == ("published", line_of(date, "published:"))
    assert "YYYY-MM-DD" in bad_date.message
    [section] = [p for p in about(problems, "c-section.md") if p.field == "body" and "section" in p.message]
    assert section.severity == "warning" and "missing section '## Red flags'" in section.message
    assert "One warning sign per bullet" in section.message  # the fix: what to write there
    dup = [p for p in about(problems, "z-dup.md") if p.field == "id"]
    assert dup and dup[0].line == line_of(duplicate, "id:")
    assert "duplicate id 'fx-parcel'" in dup[0].message and "'z-dup'" in dup[0].message
    [absent] = about(problems, "e-missing.md")
    assert absent.field == "issuer" and "add a line 'issuer: ...'" in absent.message
    assert missing.exists()
    [hotlines] = about(problems, "hotlines.yaml")
    assert "broken YAML" in hotlines.message and hotlines.line == 3


def test_near_duplicate_advisory_is_a_warning(knowledge_dir: Path) -> None:
    text = (
        PARCEL.replace("id: fx-parcel", "id: fx-parcel-copy")
        .replace("criminals use it", "thieves use it")
        .replace("Royal Mail: your parcel is on hold", "DPD: your parcel is waiting")
    )
    write(knowledge_dir, "fx-parcel-copy.md", text)
    problems = lint_knowledge(knowledge_dir)
    [near] = [p for p in problems if "near-duplicate" in p.message]
    assert near.path.name == "fx-parcel-copy.md" and near.severity == "warning"
    assert "fx-parcel.md" in near.message
    assert not [p for p in problems if p.severity == "error"]


def test_same_example_twice_and_unmatched_example(knowledge_dir: Path) -> None:
    example = next(line for line in PARCEL.splitlines() if line.startswith('- "Royal Mail'))
    courier = (ADVISORIES / "fx-courier.md").read_text(encoding="utf-8")
    bland = '- "Hi, are we still meeting for lunch on Thursday?"'
    head, examples = courier.split("## Example messages\n", 1)
    path = write(knowledge_dir, "fx-courier.md", f"{head}## Example messages\n{example}\n{bland}\n{examples}")
    problems = about(lint_knowledge(knowledge_dir), "fx-courier.md")
    same = [p for p in problems if "same example message" in p.message]
    assert same and "fx-parcel.md" in same[0].message and same[0].line == line_of(path, "Royal Mail")
    unmatched = [p for p in problems if "no red-flag pattern, link or number matches" in p.message]
    assert [p.line for p in unmatched] == [line_of(path, "lunch on Thursday")]
    assert [p.severity for p in unmatched] == ["note"]
    assert all(p.severity == "warning" for p in problems if p not in unmatched)


def test_broken_data_files_are_each_named(knowledge_dir: Path) -> None:
    flags = knowledge_dir / "red_flags.yaml"
    flags.write_text(flags.read_text().replace("weight: 3", "weight: lots", 1), encoding="utf-8")
    triage = knowledge_dir / "triage.yaml"
    triage.write_text("steps: [\n", encoding="utf-8")
    checklist = knowledge_dir / "checklists" / "investment-livestream.yaml"
    checklist.write_text(
        checklist.read_text().replace("category: investment-livestream", "category: nope", 1)
    )
    problems = lint_knowledge(knowledge_dir)
    named = {p.path.name for p in problems if p.severity == "error"}
    assert {"red_flags.yaml", "triage.yaml", "investment-livestream.yaml"} <= named
    [weight] = about(problems, "red_flags.yaml")
    assert weight.field.endswith("weight") and weight.line is not None


def test_cli_lint_prints_every_problem_and_exit_code(
    knowledge_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FRAUDBOT_KNOWLEDGE_DIR", str(knowledge_dir))
    write(
        knowledge_dir,
        "x.md",
        PARCEL.replace("id: fx-parcel", "id: x").replace("region: UK", "region: Britain"),
    )
    assert main(["lint"]) == 1
    out = capsys.readouterr().out
    assert (
        f"error: {knowledge_dir / 'advisories' / 'x.md'}:8: region: must be a two-letter region code" in out
    )
    assert "1 error(s), 0 warning(s)" in out


def test_cli_lint_lists_notes_only_when_asked(
    knowledge_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FRAUDBOT_KNOWLEDGE_DIR", str(knowledge_dir))
    courier = (ADVISORIES / "fx-courier.md").read_text(encoding="utf-8")
    head, examples = courier.split("## Example messages\n", 1)
    bland = '- "Hi, are we still meeting for lunch on Thursday?"'
    write(knowledge_dir, "fx-courier.md", f"{head}## Example messages\n{bland}\n{examples}")
    assert main(["lint"]) == 0
    out = capsys.readouterr().out
    assert "note:" not in out and "lunch" not in out
    assert "0 error(s), 0 warning(s), 1 note(s) (`fraudbot lint --notes` lists them)" in out
    assert main(["lint", "--notes"]) == 0
    out = capsys.readouterr().out
    assert "note: " in out and "still meeting for lunch" in out and out.rstrip().endswith("1 note(s)")


def test_real_knowledge_folder_has_no_errors() -> None:
    errors = [p for p in lint_knowledge(ROOT / "knowledge") if p.severity == "error"]
    assert errors == []


def test_shingle_similarity_separates_copies_from_different_texts() -> None:
    courier = (ADVISORIES / "fx-courier.md").read_text(encoding="utf-8")
    edited = PARCEL.replace("small redelivery fee", "tiny fee")
    found = near_duplicates([("parcel", PARCEL), ("courier", courier), ("edited", edited)])
    assert [(d.first, d.second) for d in found] == [("parcel", "edited")]
    assert found[0].jaccard > 0.5
    assert shingles("<!-- guide --> one two") == shingles("one two")


def test_broken_legitimate_examples_file_is_named(tmp_path: Path) -> None:
    knowledge = make_knowledge(tmp_path / "k")
    (knowledge / "legitimate_examples.yaml").write_text("examples:\n  - text: [unclosed\n")
    problems = [p for p in lint_knowledge(knowledge) if p.path.name == "legitimate_examples.yaml"]
    assert problems and problems[0].severity == "error"


def test_a_labelled_message_with_an_unknown_category_is_named(tmp_path: Path) -> None:
    knowledge = make_knowledge(tmp_path / "k")
    (knowledge / "labelled_messages.yaml").write_text(
        "messages:\n  - {id: x-1, label: scam, category: astrology, text: 'Pay now'}\n", encoding="utf-8"
    )
    problems = [p for p in lint_knowledge(knowledge) if p.path.name == "labelled_messages.yaml"]
    assert len(problems) == 1 and problems[0].severity == "error"
    assert problems[0].field == "messages[0].category" and "astrology" in problems[0].message
