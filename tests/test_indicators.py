"""Links, phone numbers and wallets: extraction, what is suspicious about them, and the operator's lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.indicator_data import IndicatorData, load_indicator_data
from bot.core.indicators import analyse_indicators, edit_distance, find_phones, skeleton
from bot.core.links import defang, defang_text, find_links
from bot.core.wallets import canonical_wallet, find_wallets
from bot.knowledge.problems import KnowledgeFileError

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"


@pytest.fixture(scope="module")
def data() -> IndicatorData:
    """The real brands, link rules and (illustrative) blocklists."""
    return load_indicator_data(KNOWLEDGE)


def kinds(text: str, data: IndicatorData) -> set[str]:
    return {f.kind for f in analyse_indicators(text, data, region="UK").findings}


def test_links_are_found_in_every_usual_form() -> None:
    text = (
        "Pay at https://royalmail-redelivery.com/pay?id=1, or secure-hsbc-verify.top/login. "
        "Also www.example-shop.co.uk and hxxps://bad-site[.]xyz/x (defanged)."
    )
    hosts = [link.host for link in find_links(text)]
    assert hosts == [
        "royalmail-redelivery.com",
        "secure-hsbc-verify.top",
        "www.example-shop.co.uk",
        "bad-site.xyz",
    ]
    assert find_links(text)[0].url == "https://royalmail-redelivery.com/pay?id=1"


@pytest.mark.parametrize(
    "text",
    [
        "e.g. this",
        "Mr.Smith said hi",
        "version 1.2.3.4 is out",
        "mail me at jo@example.com",
        "it costs £1.45",
        "v2.0",
    ],
)
def test_things_that_only_look_like_links_are_not_links(text: str) -> None:
    assert find_links(text) == []


def test_raw_ip_shortener_punycode_and_unusual_endings_are_flagged(data: IndicatorData) -> None:
    assert kinds("log in at http://185.23.44.91/appleid", data) >= {"raw-ip-link"}
    assert "link-shortener" in kinds("see http://bit.ly/3xNfx", data)
    report = analyse_indicators("https://xn--pypal-4ve.com/signin", data)
    punycode = [f for f in report.findings if f.kind == "punycode-domain"]
    assert punycode and "pаypal.com" in punycode[0].detail  # the Cyrillic "а" a person would see
    assert "unusual-tld" in kinds("claim at quantum-profit.xyz/join", data)


@pytest.mark.parametrize(
    "link",
    [
        "https://paypa1.com/login",
        "http://amaz0n.co.uk/orders",
        "secure-hsbc-verify.top/login",
        "https://usps.com-trackdelivery.cfd/us",
        "https://natwest-secure-login.com.verify-id.top",
        "https://barclyas.co.uk/verify",
        "https://royalmailredelivery.info/pay",
    ],
)
def test_look_alikes_of_well_known_brands_are_flagged(link: str, data: IndicatorData) -> None:
    assert "brand-lookalike" in kinds(f"Please check {link} now", data)


@pytest.mark.parametrize(
    "text",
    [
        "Royal Mail: track it at royalmail.com/track",
        "Apple: go to appleid.apple.com to change your password",
        "Join: https://us02web.zoom.us/j/81234567890",
        "Amazon: track your package at https://www.amazon.co.uk",
        "Read https://www.bbc.co.uk/news/technology-12345678",
    ],
)
def test_real_brand_domains_raise_nothing(text: str, data: IndicatorData) -> None:
    assert kinds(text, data) == set()


def test_a_message_naming_a_brand_with_someone_elses_link_is_flagged(data: IndicatorData) -> None:
    assert kinds("Royal Mail: pay the fee at parcel-help-centre.com/pay", data) == {"brand-link-mismatch"}
    assert kinds("Have a look at parcel-help-centre.com/pay", data) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Scammers pose as HSBC and DBS staff. Report them at https://www.scamshield.gov.sg",
        "Fake Royal Mail texts are going round: forward them to https://www.actionfraud.police.uk/report",
        "PayPal lookalike emails: report at ic3.gov and reportfraud.ftc.gov",
        "Canada Post scam texts: see https://www.canada.ca/en/services/fraud.html",
    ],
)
def test_a_public_authoritys_own_site_is_never_a_mismatch_or_a_look_alike(
    text: str, data: IndicatorData
) -> None:
    assert kinds(text, data) == set()


def test_an_address_that_only_contains_an_official_ending_is_still_judged(data: IndicatorData) -> None:
    assert kinds("HSBC: verify at https://hsbc.gov.sg.account-check.top/login", data) == {
        "brand-lookalike",
        "unusual-tld",
    }
    assert kinds("Royal Mail: pay at https://police.uk-parcel-fees.com/pay", data) == {"brand-link-mismatch"}


def test_a_bad_official_domain_is_named_with_its_field(tmp_path: Path) -> None:
    (tmp_path / "link_rules.yaml").write_text("official_domains: [gov.sg, 'https://police.uk/']\n")
    with pytest.raises(KnowledgeFileError) as caught:
        load_indicator_data(tmp_path)
    assert "official_domains[1]: must be a bare domain ending" in str(caught.value)
    (tmp_path / "link_rules.yaml").write_text("official_domains: [gov, ' gov.sg ']\n")
    assert load_indicator_data(tmp_path).official_domains == {"gov", "gov.sg"}


def test_blocklists_match_domains_with_subdomains_numbers_in_any_format_and_wallets(
    data: IndicatorData,
) -> None:
    assert "blocklisted-domain" in kinds("Log in at https://login.goldstar-trading.example/", data)
    assert "blocklisted-phone" in kinds("Ring 07700 900123 now", data)  # written nationally, listed as +44
    assert "blocklisted-wallet" in kinds("Send to 17KfMJpLMFQuXLE9qTB42KWFiNoGuBFii9", data)
    assert "blocklisted-wallet" in kinds("ETH: 0x4558414D504C452D5343414D2D57414C4C455434", data)


def test_bad_blocklist_lines_are_skipped_with_a_warning_naming_the_line(tmp_path: Path) -> None:
    folder = tmp_path / "indicators"
    folder.mkdir()
    (folder / "domains.txt").write_text(
        "# header\nscam.example\nhttp://bad entry/\nBAD-SITE.test  # caps ok\n"
    )
    (folder / "phones.txt").write_text("+44 7700 900555\n07700 900556\n")
    (folder / "wallets.txt").write_text("17KfMJpLMFQuXLE9qTB42KWFiNoGuBFii8\n")  # checksum typo
    loaded = load_indicator_data(tmp_path)
    assert loaded.blocklists.domains == {"scam.example", "bad-site.test"}
    assert loaded.blocklists.phones == {"+447700900555"}
    assert loaded.blocklists.wallets == frozenset()
    where = {(w.path.name, w.line) for w in loaded.warnings}
    assert where == {("domains.txt", 3), ("phones.txt", 2), ("wallets.txt", 1)}
    assert all(w.severity == "warning" for w in loaded.warnings)


def test_phone_numbers_are_read_for_the_region_and_reference_numbers_are_not(data: IndicatorData) -> None:
    assert find_phones("Call 020 7946 0018 today", "UK") == [("+442079460018", "+44 20 7946 0018")]
    assert find_phones("Call +1 202 555 0163", None) == [("+12025550163", "+1 202-555-0163")]
    assert find_phones("your shipment 1234567890 has charges", "UK") == []


def test_wallets_need_a_valid_form_and_checksum() -> None:
    assert find_wallets("pay bc1q9h6mzyq3e8kw7v2j5tq4xk8l0r3u2c5d7f6g9p now") == [
        "bc1q9h6mzyq3e8kw7v2j5tq4xk8l0r3u2c5d7f6g9p"
    ]
    assert canonical_wallet("TGHsMNC4VyXrgWHnRipmYUCPdAYbMiFirV") == "TGHsMNC4VyXrgWHnRipmYUCPdAYbMiFirV"
    assert canonical_wallet("TGHsMNC4VyXrgWHnRipmYUCPdAYbMiFirW") is None  # one character off
    assert find_wallets("Order 1234567890123456789012345678 shipped") == []


def test_links_are_defanged_for_display() -> None:
    assert defang("https://bad-site.top/pay") == "hxxps://bad-site[.]top/pay"
    assert defang_text("go to bad-site.top/pay now") == "go to bad-site[.]top/pay now"
    assert "http" not in " ".join(analyse_indicators("see https://bit.ly/x", IndicatorData()).shown_links())


def test_near_miss_spelling_helpers() -> None:
    assert skeleton("paypa1") == "paypal"
    assert skeleton("rnicrosoft") == "microsoft"
    assert edit_distance("barclyas", "barclays") == 1
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3


@pytest.mark.parametrize(
    "text",
    [
        "http://" * 600,
        "a." * 3000,
        "-a" * 3000,
        "1" * 5000,
        "+" + "4" * 4000,
        "<a href='http://x.top'>" * 200,
        "xn--" * 1000 + ".com",
        "🙂.🙂.com " * 300,
        "\x00\u202e\ud800 http://\u0430pple.com",
    ],
)
def test_hostile_input_does_not_crash(text: str, data: IndicatorData) -> None:
    report = analyse_indicators(text, data, region="UK")
    assert len(report.links) <= 50
    assert len(report.phones) <= 20
