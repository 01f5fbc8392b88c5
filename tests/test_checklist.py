"""The checklist engine: loading and validation, the state machine, state encoding and evaluation."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.core.checklist import (
    LEVEL_STEPS,
    MAX_ENCODED_LENGTH,
    Checklist,
    ChecklistState,
    InvalidState,
    StaleState,
    answer,
    back,
    current_question,
    decode_state,
    encode_state,
    evaluate,
    is_complete,
    load_checklist,
    load_checklists,
    progress,
    restart,
    start,
)
from bot.core.checklist_file import MAX_QUESTIONS
from bot.core.results import Citation, Hotline, RegionHotlines
from bot.knowledge.problems import KnowledgeFileError

FIXTURE = Path(__file__).parent / "fixtures" / "core" / "checklists" / "livestream-demo.yaml"


@pytest.fixture()
def demo() -> Checklist:
    return load_checklist(FIXTURE)


def walk(checklist: Checklist, choices: list[str]) -> ChecklistState:
    state = start(checklist)
    for choice in choices:
        state = answer(checklist, state, choice)
    return state


def variant(tmp_path: Path, old: str, new: str, name: str = "livestream-demo.yaml") -> Path:
    """The demo file with one textual edit, written to a temp folder."""
    text = FIXTURE.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(KnowledgeFileError) as caught:
        load_checklist(path)
    assert all(problem.path == path for problem in caught.value.problems)
    return [f"{p.field}: {p.message} @ {p.line}" for p in caught.value.problems]


def test_loads_the_fixture_in_order(demo: Checklist) -> None:
    assert demo.id == "livestream-demo"
    assert [s.id for s in demo.stages] == ["first-contact", "small-wins", "blocked-withdrawal"]
    assert [q.id for q in demo.questions][:2] == ["stranger-contact", "live-broadcast"]
    assert demo.questions[0].red_flag == "unsolicited-contact"
    assert demo.questions[1].red_flag is None
    assert [v.level for v in demo.verdicts] == ["high", "medium", "low"]
    assert len(demo.version) == 6
    assert demo.max_score == 13


def test_walk_to_a_high_verdict(demo: Checklist) -> None:
    state = start(demo)
    seen = []
    while (question := current_question(demo, state)) is not None:
        seen.append((progress(demo, state), question.id))
        state = answer(demo, state, "yes")
    assert seen[0] == ((1, 6), "stranger-contact")
    assert seen[-1] == ((6, 6), "fee-to-withdraw")
    assert is_complete(demo, state)
    assert progress(demo, state) == (6, 6)
    outcome = evaluate(demo, state)
    assert outcome.complete
    assert outcome.level == "high"
    assert outcome.verdict_text == "This looks like an investment live-stream scam."
    assert outcome.score == 13
    assert outcome.stage is not None and outcome.stage.id == "blocked-withdrawal"
    assert outcome.red_flags == ("unsolicited-contact", "early-profit-bait", "withdrawal-fee")
    assert outcome.confirmed[0] == "Did a stranger invite you to an investment group?"
    assert len(outcome.confirmed) == 6
    assert outcome.next_steps == ("Do not pay any fee to withdraw; call your bank now.", *LEVEL_STEPS["high"])


def test_stage_is_the_latest_stage_with_a_yes(demo: Checklist) -> None:
    # yes to the two small-wins questions only; the later "not sure" answers do not move the stage
    outcome = evaluate(demo, walk(demo, ["no", "no", "yes", "yes", "unsure", "unsure"]))
    assert outcome.stage is not None and outcome.stage.id == "small-wins"
    assert outcome.score == 7
    assert outcome.level == "high"
    assert outcome.unsure == (
        "Were you unable to withdraw your money?",
        "Were you asked to pay a fee or tax before withdrawing?",
    )
    assert outcome.red_flags == ("early-profit-bait",)


def test_not_sure_counts_half(demo: Checklist) -> None:
    unsure = evaluate(demo, walk(demo, ["no", "no", "no", "no", "unsure", "unsure"]))
    assert unsure.score == 3
    assert unsure.level == "medium"
    assert unsure.stage is None
    assert unsure.red_flags == ()
    assert unsure.next_steps == LEVEL_STEPS["medium"]
    yes = evaluate(demo, walk(demo, ["no", "no", "no", "no", "yes", "yes"]))
    assert yes.score == 2 * unsure.score


def test_all_no_is_low_and_never_called_safe(demo: Checklist) -> None:
    outcome = evaluate(demo, walk(demo, ["no"] * 6))
    assert outcome.level == "low"
    assert outcome.score == 0
    assert outcome.stage is None
    assert outcome.confirmed == ()
    assert outcome.next_steps[0].startswith("No strong warning signs from your answers, but stay careful:")
    words = " ".join((outcome.verdict_text, *outcome.next_steps)).lower()
    assert "safe" not in words


def test_partial_answers_can_be_evaluated(demo: Checklist) -> None:
    outcome = evaluate(demo, walk(demo, ["yes", "yes"]))
    assert not outcome.complete
    assert outcome.score == 3
    assert outcome.level == "medium"
    assert outcome.stage is not None and outcome.stage.id == "first-contact"


def test_evaluate_passes_advisories_and_hotlines_through(demo: Checklist) -> None:
    citation = Citation(
        "mps-2019",
        "Fake live broadcasts",
        "investment-livestream",
        "MPS",
        "2019-10-12",
        "https://example.org/a",
    )
    hotlines = RegionHotlines("UK", "United Kingdom", (Hotline("Police", "999", None, "https://x.org/"),))
    outcome = evaluate(demo, walk(demo, ["yes"] * 6), [citation], hotlines)
    assert outcome.advisories == (citation,)
    assert outcome.hotlines is hotlines


def test_back_at_the_first_question_is_a_no_op(demo: Checklist) -> None:
    state = start(demo)
    assert back(demo, state) == state
    assert progress(demo, back(demo, state)) == (1, 6)


def test_back_undoes_the_last_answer(demo: Checklist) -> None:
    state = walk(demo, ["yes", "no", "unsure"])
    previous = back(demo, state)
    assert previous.answers == "yn"
    assert current_question(demo, previous) == demo.questions[2]
    assert progress(demo, previous) == (3, 6)


def test_restart_forgets_the_answers(demo: Checklist) -> None:
    state = walk(demo, ["yes", "yes", "yes"])
    assert state.answers == "yyy"
    fresh = restart(demo)
    assert fresh.answers == ""
    assert fresh == start(demo)
    assert current_question(demo, fresh) == demo.questions[0]


def test_answers_after_the_end_change_nothing(demo: Checklist) -> None:
    done = walk(demo, ["yes"] * 6)
    assert answer(demo, done, "no") == done
    assert current_question(demo, done) is None


def test_unknown_choice_is_rejected(demo: Checklist) -> None:
    with pytest.raises(InvalidState, match="unknown choice"):
        answer(demo, start(demo), "maybe")


def test_a_state_from_another_version_is_stale(demo: Checklist) -> None:
    old = ChecklistState(demo.id, "000000", "yy")
    with pytest.raises(StaleState):
        answer(demo, old, "yes")
    with pytest.raises(InvalidState):
        evaluate(demo, ChecklistState(demo.id, demo.version, "yyyyyyy"))


def test_encode_decode_round_trip(demo: Checklist) -> None:
    checklists = {demo.id: demo}
    for answers in ["", "y", "ynu", "uuuuuu", "ynynyn"]:
        state = ChecklistState(demo.id, demo.version, answers)
        encoded = encode_state(state)
        assert encoded.isascii()
        assert len(encoded) == 12 + len(answers)
        assert decode_state(encoded, checklists) == state


def checklist_with(count: int) -> str:
    questions = "".join(
        f"  - {{id: q{i}, stage: only, text: 'Question {i}?', weight: 1, why: Because.}}\n"
        for i in range(count)
    )
    return (
        f"id: long-one\ntitle: Long\ncategory: general\nintro: Many questions.\n"
        f"stages:\n  - {{id: only, label: Only, advice: Be careful.}}\nquestions:\n{questions}"
        f"verdicts:\n  - {{level: low, min_score: 0, text: Few signs.}}\n"
    )


def test_encoded_state_fits_a_telegram_button(tmp_path: Path) -> None:
    for count in (12, MAX_QUESTIONS):
        path = tmp_path / "long-one.yaml"
        path.write_text(checklist_with(count), encoding="utf-8")
        checklist = load_checklist(path)
        full = walk(checklist, ["unsure"] * count)
        encoded = encode_state(full)
        assert len(encoded.encode("ascii")) <= 40
        assert len(encoded) <= MAX_ENCODED_LENGTH
        assert decode_state(encoded, {checklist.id: checklist}) == full
        if count == 12:
            assert len(encoded) == 24


def test_too_many_questions_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "long-one.yaml"
    path.write_text(checklist_with(MAX_QUESTIONS + 1), encoding="utf-8")
    with pytest.raises(KnowledgeFileError, match="questions"):
        load_checklist(path)


@pytest.mark.parametrize(
    "tampered",
    [
        "",
        "garbage",
        "x" * 500,
        "abcd.123456.yyy",
        "....",
        "{tag}.{version}.yyx",
        "{tag}.{version}.YYY",
        "{tag}.{version}.yyyyyyy",
        "{tag}.{version}.y\n",
        "{tag}.{version}.yy.y",
        "{tag}.{version}",
    ],
)
def test_tampered_states_are_invalid(demo: Checklist, tampered: str) -> None:
    text = tampered.replace("{tag}", demo.tag).replace("{version}", demo.version)
    with pytest.raises(InvalidState):
        decode_state(text, {demo.id: demo})


def test_tampered_states_that_name_no_checklist_are_stale_not_accepted(demo: Checklist) -> None:
    with pytest.raises(StaleState, match="no longer exists"):
        decode_state(f"zzzz.{demo.version}.yy", {demo.id: demo})


def test_oversized_answers_are_invalid_not_stale(demo: Checklist) -> None:
    with pytest.raises(InvalidState, match="more answers") as caught:
        decode_state(f"{demo.tag}.{demo.version}.yyyyyyy", {demo.id: demo})
    assert not isinstance(caught.value, StaleState)


def test_an_edited_checklist_makes_old_states_stale(demo: Checklist, tmp_path: Path) -> None:
    encoded = encode_state(walk(demo, ["yes", "no"]))
    edited = load_checklist(variant(tmp_path, "weight: 1", "weight: 2"))
    assert edited.version != demo.version
    with pytest.raises(StaleState, match="has changed"):
        decode_state(encoded, {edited.id: edited})


def test_comments_and_layout_do_not_change_the_version(demo: Checklist, tmp_path: Path) -> None:
    same = load_checklist(variant(tmp_path, "# Test fixture", "# A reworded comment\n\n# Test fixture"))
    assert same.version == demo.version


def test_a_new_checklist_file_works_without_code_changes(tmp_path: Path) -> None:
    data = {
        "id": "romance-check",
        "title": "Romance checklist",
        "category": "romance",
        "intro": "Questions about someone you met online.",
        "stages": [
            {"id": "met-online", "label": "Met online", "advice": "Never send money to a stranger."},
            {"id": "money-asked", "label": "Asked for money", "advice": "Refuse; tell someone you trust."},
        ],
        "questions": [
            {
                "id": "never-met",
                "stage": "met-online",
                "text": "Have you never met them in person?",
                "weight": 1,
                "why": "Scammers avoid meeting.",
            },
            {
                "id": "emergency",
                "stage": "money-asked",
                "text": "Did they ask for money for an emergency?",
                "weight": 4,
                "why": "Sudden emergencies are the classic request.",
                "red_flag": "urgent-money",
            },
        ],
        "verdicts": [
            {"level": "high", "min_score": 4, "text": "Strong signs of a romance scam."},
            {"level": "low", "min_score": 0, "text": "Few signs."},
        ],
    }
    (tmp_path / "romance-check.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    (tmp_path / "livestream-demo.yaml").write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    checklists, problems = load_checklists(tmp_path)
    assert problems == []
    assert sorted(checklists) == ["livestream-demo", "romance-check"]
    romance = checklists["romance-check"]
    state = walk(romance, ["no", "yes"])
    decoded = decode_state(encode_state(state), checklists)
    assert decoded == state
    outcome = evaluate(romance, decoded)
    assert outcome.level == "high"
    assert outcome.stage is not None and outcome.stage.label == "Asked for money"
    assert outcome.red_flags == ("urgent-money",)
    assert outcome.next_steps[0] == "Refuse; tell someone you trust."


def test_a_broken_file_is_reported_and_the_others_load(tmp_path: Path) -> None:
    (tmp_path / "livestream-demo.yaml").write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\ntitle: [unclosed\n", encoding="utf-8")
    wrong_stage = variant(tmp_path, "id: livestream-demo", "id: wrong-stage", name="wrong-stage.yaml")
    wrong_stage.write_text(wrong_stage.read_text().replace("stage: small-wins", "stage: foo", 1))
    (tmp_path / "old-extension.yml").write_text("id: old-extension\n", encoding="utf-8")
    checklists, problems = load_checklists(tmp_path)
    assert list(checklists) == ["livestream-demo"]
    assert {p.path.name for p in problems} == {"broken.yaml", "wrong-stage.yaml", "old-extension.yml"}
    broken_problem = next(p for p in problems if p.path == broken)
    assert "broken YAML" in broken_problem.message and broken_problem.line == 3
    stage_problem = next(p for p in problems if p.path == wrong_stage)
    assert str(stage_problem).endswith("questions[2].stage: unknown stage 'foo'")
    assert stage_problem.line == 29


def test_missing_folder_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    checklists, problems = load_checklists(tmp_path / "nowhere")
    assert checklists == {}
    assert problems[0].message == "the checklists folder does not exist"


W2 = "weight: 2\n    why: Live"
LOW_TEXT = "    text: Few warning signs so far."


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (W2, "weight: -1\n    why: Live", "questions[1].weight: Input should be greater than 0 @ 26"),
        (W2, "weight: heavy\n    why: Live", "questions[1].weight: Input should be a valid number @ 26"),
        (W2, "weight: true\n    why: Live", "questions[1].weight: Input should be a valid number @ 26"),
        (W2, "weight: 11\n    why: Live", "questions[1].weight: Input should be less than or equal to 10"),
        ("id: live-broadcast", "id: stranger-contact", "questions[1].id: duplicate id 'stranger-contact'"),
        ("id: small-wins", "id: first-contact", "stages[1].id: duplicate id 'first-contact' @ 10"),
        ("id: livestream-demo", "id: other-name", "id: must match the file name 'livestream-demo' @ 2"),
        ("id: livestream-demo", "id: Livestream Demo", "id: must be a lowercase slug of letters, digits"),
        (LOW_TEXT, "    txt: Few warning signs.", "verdicts[0].txt: unknown field (a typo?) @ 54"),
        (LOW_TEXT, "", "verdicts[0].text: required field is missing @ 52"),
        ("min_score: 6", "min_score: 60", "verdicts[1].min_score: 60 is more than the highest possible"),
        ("min_score: 0", "min_score: 1", "verdicts: one verdict needs min_score 0 so every answer gets one"),
        ("level: medium", "level: low", "verdicts[2].level: duplicate level 'low' @ 58"),
        ("level: medium", "level: bad", "verdicts[2].level: Input should be 'high', 'medium' or 'low' @ 58"),
        ("level: high", "level: medium", "verdicts[2].level: duplicate level 'medium' @ 58"),
        ("min_score: 3", "min_score: 9", "verdicts: a higher level needs a higher min_score"),
        ("title: Demo live-stream", "title: Demo\ntitle: Again", "title: this key appears twice @ 4"),
        ("    label: First contact", "    label: [oops\n    lbl: x", "(file): broken YAML"),
    ],
)
def test_file_problems_name_the_field_and_line(tmp_path: Path, old: str, new: str, expected: str) -> None:
    found = problems_of(variant(tmp_path, old, new))
    assert any(problem.startswith(expected) or expected in problem for problem in found), found


def test_missing_verdicts_are_reported(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    path = tmp_path / "livestream-demo.yaml"
    path.write_text(text[: text.index("verdicts:")], encoding="utf-8")
    assert problems_of(path) == ["verdicts: required field is missing @ 2"]
    path.write_text(text[: text.index("verdicts:")] + "verdicts: []\n", encoding="utf-8")
    assert problems_of(path)[0].startswith("verdicts: List should have at least 1 item")


def test_empty_and_non_mapping_files_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "livestream-demo.yaml"
    path.write_text("# nothing here\n", encoding="utf-8")
    assert problems_of(path) == ["(file): the file is empty @ None"]
    path.write_text("- just\n- a list\n", encoding="utf-8")
    assert problems_of(path)[0].startswith("(file): Input should be a valid dictionary")


def test_known_categories_and_red_flags_are_enforced_when_given(demo: Checklist) -> None:
    with pytest.raises(KnowledgeFileError) as caught:
        load_checklist(FIXTURE, categories={"romance"}, red_flags={"withdrawal-fee"})
    messages = [str(p) for p in caught.value.problems]
    assert any(m.endswith("category: unknown category 'investment-livestream'") for m in messages)
    assert any(m.endswith("questions[0].red_flag: unknown red flag 'unsolicited-contact'") for m in messages)
    assert not any("withdrawal-fee" in m for m in messages)
    loaded = load_checklist(
        FIXTURE,
        categories={"investment-livestream"},
        red_flags={"unsolicited-contact", "early-profit-bait", "withdrawal-fee"},
    )
    assert loaded == demo


def test_the_real_checklists_load_and_fit_a_button() -> None:
    knowledge = Path(__file__).resolve().parent.parent / "knowledge"
    categories = yaml.safe_load((knowledge / "categories.yaml").read_text(encoding="utf-8"))["categories"]
    checklists, problems = load_checklists(knowledge / "checklists", categories=categories)
    assert problems == []
    assert "investment-livestream" in checklists
    for checklist in checklists.values():
        full = walk(checklist, ["unsure"] * len(checklist.questions))
        assert len(encode_state(full)) <= 40
        all_yes = walk(checklist, ["yes"] * len(checklist.questions))
        assert evaluate(checklist, all_yes).level == checklist.verdicts[0].level
