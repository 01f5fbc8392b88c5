"""Hotlines: loading with located problems, region lookup with fallback, plain-text rendering."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.hotlines import (
    format_hotlines_inline,
    format_hotlines_text,
    hotlines_for,
    load_hotlines,
    reporting_contacts,
)
from bot.core.results import Hotline, RegionHotlines
from bot.knowledge.problems import KnowledgeFileError

FIXTURE = Path(__file__).parent / "fixtures" / "core" / "hotlines.yaml"
BUNDLED = Path(__file__).resolve().parent.parent / "knowledge" / "hotlines.yaml"


def variant(tmp_path: Path, old: str, new: str) -> Path:
    text = FIXTURE.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "hotlines.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(KnowledgeFileError) as caught:
        load_hotlines(path)
    assert all(problem.path == path for problem in caught.value.problems)
    return [f"{p.field}: {p.message} @ {p.line}" for p in caught.value.problems]


def test_loads_regions_and_contacts_in_order() -> None:
    hotlines = load_hotlines(FIXTURE)
    assert list(hotlines) == ["UK", "HK", "global"]
    uk = hotlines["UK"]
    assert uk == RegionHotlines(
        "UK",
        "United Kingdom",
        (
            Hotline("Police emergency", "999", None, "https://example.org/uk/police"),
            Hotline(
                "Fraud reporting",
                "0300 000 0000",
                "https://report.example.org/uk",
                "https://example.org/uk/report",
                reports=True,
            ),
        ),
    )
    assert hotlines["global"].contacts[0].number is None


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("UK", "UK"),
        ("uk", "UK"),
        (" GB ", "UK"),
        ("HK", "HK"),
        ("FR", "global"),
        (None, "global"),
        ("", "global"),
        ("GLOBAL", "global"),
    ],
)
def test_lookup_falls_back_to_global(region: str | None, expected: str) -> None:
    found = hotlines_for(load_hotlines(FIXTURE), region)
    assert found is not None and found.code == expected


def test_lookup_without_a_global_entry_returns_none() -> None:
    hotlines = load_hotlines(FIXTURE)
    del hotlines["global"]
    assert hotlines_for(hotlines, "FR") is None
    assert hotlines_for({}, "UK") is None


def test_plain_text_lists_every_contact() -> None:
    hotlines = load_hotlines(FIXTURE)
    assert format_hotlines_text(hotlines["UK"]) == (
        "Where to get help in United Kingdom:\n"
        "- Police emergency: 999\n"
        "- Fraud reporting: 0300 000 0000, https://report.example.org/uk"
    )
    assert format_hotlines_text(hotlines["global"]) == (
        "Where to get help:\n- Your local police: https://example.org/find-your-police"
    )
    assert format_hotlines_inline(hotlines["HK"].contacts) == "Anti-scam helpline: 18222"
    assert format_hotlines_inline(hotlines["UK"].contacts) == (
        "Police emergency: 999; Fraud reporting: 0300 000 0000, https://report.example.org/uk"
    )


def test_the_reporting_contacts_are_those_marked_or_else_all() -> None:
    hotlines = load_hotlines(FIXTURE)
    assert [c.name for c in reporting_contacts(hotlines["UK"])] == ["Fraud reporting"]
    assert reporting_contacts(hotlines["HK"]) == hotlines["HK"].contacts


def test_every_bundled_region_names_where_to_report_fraud() -> None:
    bundled = load_hotlines(BUNDLED)
    assert bundled and all(any(c.reports for c in region.contacts) for region in bundled.values())


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "        source_url: https://example.org/uk/police\n",
            "",
            "regions.UK.contacts[0].source_url: required field is missing @ 6",
        ),
        ('        number: "18222"\n', "", "regions.HK.contacts[0]: a contact needs a number or a url"),
        ('number: "999"', "number: 999", "regions.UK.contacts[0].number: write the number in quotes, e.g."),
        ('number: "999"', 'number: "call 999"', "regions.UK.contacts[0].number: must be a phone number"),
        (
            "url: https://report.example.org/uk",
            "url: report.example.org",
            "regions.UK.contacts[1].url: must be an http:// or https:// address (got 'report.example.org')",
        ),
        (
            "source_url: https://example.org/hk/helpline",
            "source_url: ''",
            "regions.HK.contacts[0].source_url: must be an http:// or https:// address",
        ),
        ("reports: true", "reports: maybe", "regions.UK.contacts[1].reports: "),
        ("  HK:", "  hk:", "regions.hk: 'hk' is not a region code: use two capital letters (UK, US, HK ...)"),
        ("  HK:", "  Hong Kong:", "regions.Hong Kong: 'Hong Kong' is not a region code"),
        ("  HK:", "  UK:", "regions.UK: this key appears twice @ 14"),
        ("    name: Hong Kong\n", "", "regions.HK.name: required field is missing @ 15"),
        ("- name: Anti-scam", "- nme: Anti-scam", "regions.HK.contacts[0].nme: unknown field (a typo?) @ 17"),
        ("regions:", "region:", "regions: required field is missing @ 2"),
        ("    name: Hong Kong", "    name: [Hong Kong", "(file): broken YAML"),
    ],
)
def test_file_problems_name_the_field_and_line(tmp_path: Path, old: str, new: str, expected: str) -> None:
    found = problems_of(variant(tmp_path, old, new))
    assert any(problem.startswith(expected) for problem in found), found


def test_a_region_without_contacts_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "hotlines.yaml"
    path.write_text("regions:\n  US:\n    name: United States\n    contacts: []\n", encoding="utf-8")
    assert problems_of(path) == [
        "regions.US.contacts: List should have at least 1 item after validation, not 0 @ 4"
    ]


def test_broken_yaml_reports_its_line(tmp_path: Path) -> None:
    path = tmp_path / "hotlines.yaml"
    path.write_text('regions:\n  UK:\n    name: "United Kingdom\n    contacts:\n', encoding="utf-8")
    found = problems_of(path)
    assert len(found) == 1 and found[0].startswith("(file): broken YAML")
    assert found[0].endswith("@ 5")


def test_the_real_hotlines_file_loads() -> None:
    hotlines = load_hotlines(Path(__file__).resolve().parent.parent / "knowledge" / "hotlines.yaml")
    assert hotlines, "knowledge/hotlines.yaml has no regions"
    for region in hotlines.values():
        assert region.contacts
        assert all(contact.source_url.startswith(("http://", "https://")) for contact in region.contacts)
        assert hotlines_for(hotlines, region.code.lower()) == region
