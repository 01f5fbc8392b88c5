"""What someone who already paid is offered to read: the reading lists of ``triage.yaml``, by region."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURE_READING, triage_variant

from bot.core.hotlines import load_hotlines
from bot.core.results import Citation
from bot.core.service import FraudCore
from bot.core.triage import load_triage, reading_for, reading_problems
from bot.knowledge.lint import lint_knowledge
from bot.knowledge.loader import load_advisories, load_categories
from bot.knowledge.problems import KnowledgeFileError

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
TRIAGE = KNOWLEDGE / "triage.yaml"


def ids(advisories: tuple[Citation, ...]) -> list[str]:
    return [a.advisory_id for a in advisories]


def test_a_region_reads_its_own_list_and_any_other_region_the_default() -> None:
    template = load_triage(TRIAGE)
    assert reading_for(template, "HK") == template.reading["HK"]
    assert reading_for(template, "TW") == template.reading["default"]
    assert reading_for(template, None) == template.reading["default"]


def test_the_bundled_lists_send_each_region_to_what_applies_there() -> None:
    """Rule Z11: no region but the UK is sent to the UK's reporting page; every region reads what to do
    after paying and a warning about "recovery" offers, its own where its police issued one."""
    template = load_triage(TRIAGE)
    advisories = {a.id: a.meta for a in load_advisories(KNOWLEDGE, load_categories(KNOWLEDGE)).advisories}
    own_recovery = {m.region: i for i, m in advisories.items() if m.category == "recovery"}
    for region in load_hotlines(KNOWLEDGE / "hotlines.yaml"):
        reading = reading_for(template, region)
        assert set(reading) <= set(advisories), region
        categories = {advisories[i].category for i in reading}
        assert {"general", "recovery"} <= categories, region
        if region != "UK":
            assert "uk-actionfraud-how-to-report-fraud" not in reading, region
        if region in own_recovery:
            assert own_recovery[region] in reading, region
    assert {"HK", "SG", "UK"} <= set(own_recovery)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("  HK: [", "  Hk: [", "reading.Hk: must be a region code in capitals, like HK, or default"),
        ("  default: [", "  others: [", "reading: needs a default list, read in every region not listed"),
        ("  US: [us-ftc-", "  US: [US FTC, us-ftc-", "reading.US[0]: must be a lowercase slug"),
        ("  US: [", "  US: [a, b, ", "reading.US: List should have at most 3 items"),
        ("  US: [us-ftc-what-to-do-if-scammed, uk-fraud-recovery-fraud]", "  US: []", "reading.US: List"),
    ],
)
def test_reading_list_problems_are_named(tmp_path: Path, old: str, new: str, expected: str) -> None:
    with pytest.raises(KnowledgeFileError) as caught:
        load_triage(triage_variant(tmp_path, old, new))
    found = [f"{p.field}: {p.message}" for p in caught.value.problems]
    assert any(problem.startswith(expected) for problem in found), found
    assert all(p.line is not None for p in caught.value.problems)


def test_an_unknown_id_is_a_warning_with_its_line(tmp_path: Path) -> None:
    path = triage_variant(tmp_path, "hk-adcc-2026-fake-adcc-refunds]", "hk-adcc-fake-refunds]")
    load_triage(path)  # still a usable file
    known = {p.stem for p in (KNOWLEDGE / "advisories").glob("*.md")}
    [problem] = reading_problems(path, known)
    assert problem.severity == "warning" and problem.field == "reading.HK[1]"
    assert "'hk-adcc-fake-refunds'" in problem.message
    lines = path.read_text(encoding="utf-8").splitlines()
    assert problem.line == next(n for n, line in enumerate(lines, 1) if line.startswith("  HK: ["))
    assert reading_problems(TRIAGE, known) == []


def test_lint_warns_about_a_reading_id_whose_advisory_was_removed(knowledge_dir: Path) -> None:
    (knowledge_dir / "advisories" / "fx-courier.md").unlink()
    problems = [p for p in lint_knowledge(knowledge_dir) if p.path.name == "triage.yaml"]
    assert [(p.severity, p.field) for p in problems] == [("warning", "reading.default[1]")]


def test_triage_offers_the_regions_list_from_the_file(core: FraudCore) -> None:
    assert ids(core.triage(region="UK").advisories) == FIXTURE_READING["UK"]
    assert ids(core.triage(region="SG").advisories) == FIXTURE_READING["default"]


def test_triage_skips_an_id_not_in_the_index(core: FraudCore, monkeypatch: pytest.MonkeyPatch) -> None:
    data = core._data
    triage = dataclasses.replace(data.triage, reading={"default": ("fx-gone", "fx-courier")})
    monkeypatch.setattr(core, "_data", dataclasses.replace(data, triage=triage))
    assert ids(core.triage(region="UK").advisories) == ["fx-courier"]


def without_reading(path: Path) -> Path:
    """``path`` rewritten without its ``reading`` section, as a triage.yaml written before the lists."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("reading:\n")] + text[text.index("no_hotlines:") :], encoding="utf-8")
    return path


def test_a_file_from_before_the_reading_lists_still_loads_and_lint_says_what_is_missing(
    knowledge_dir: Path,
) -> None:
    path = without_reading(knowledge_dir / "triage.yaml")
    template = load_triage(path)
    assert template.reading == {} and reading_for(template, "HK") == () and reading_for(template, None) == ()
    problems = [p for p in lint_knowledge(knowledge_dir) if p.path.name == "triage.yaml"]
    assert [(p.severity, p.field, p.line) for p in problems] == [("warning", "reading", 1)]
    assert "only the advisory closest to what they wrote" in problems[0].message


def test_without_reading_lists_the_help_keeps_its_steps_and_lists_only_the_story(
    core: FraudCore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = (
        "a stock teacher in a live broadcast group got me to put 20,000 into his trading platform and now "
        "it wants a 20% tax before I can withdraw"
    )
    assert ids(core.triage(story, region="UK").advisories) == ["fx-livestream", *FIXTURE_READING["UK"]]
    template = load_triage(without_reading(Path(shutil.copy(TRIAGE, tmp_path / "triage.yaml"))))
    monkeypatch.setattr(core, "_data", dataclasses.replace(core._data, triage=template))
    assert ids(core.triage(story, region="UK").advisories) == ["fx-livestream"]
    bare = core.triage(region="UK")
    assert bare.advisories == () and len(bare.steps) == len(template.steps) == 5
