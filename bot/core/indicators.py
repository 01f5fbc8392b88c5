"""Links, phone numbers and wallets in a message, and what is suspicious about them.

:func:`analyse_indicators` extracts them and reports findings: raw-IP hosts, link shorteners, punycode,
look-alikes of well-known brands, unusual domain endings, links that do not match the organisation the
message names, wallet addresses, and hits on the operator's blocklists. Every finding ``kind`` has an
entry under ``indicator_flags`` in ``red_flags.yaml`` that gives its label, explanation and weight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from bot.core.indicator_data import Brand, IndicatorData, host_within
from bot.core.links import Link, defang, find_links, undo_defanging
from bot.core.wallets import find_wallets

FINDING_KINDS = (
    "blocklisted-domain",
    "blocklisted-phone",
    "blocklisted-wallet",
    "brand-lookalike",
    "punycode-domain",
    "raw-ip-link",
    "link-shortener",
    "unusual-tld",
    "brand-link-mismatch",
    "wallet-address",
)
MAX_PHONES = 20
PHONE_REGION_ALIASES = {"UK": "GB"}
_UNKNOWN_REGION = "ZZ"  # phonenumbers' "no region": only numbers written with +country code are read
_HOMOGLYPHS = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "$": "s", "@": "a"})
_SEPARATORS = re.compile(r"[.\-_]+")
_BARE_DIGITS = re.compile(r"[1-9][0-9]{6,}")


@dataclass(frozen=True)
class Finding:
    """One suspicious thing about a link, number or wallet."""

    kind: str  # one of FINDING_KINDS
    value: str  # what it is about, safe to show: links are defanged (hxxps://bad[.]site)
    detail: str  # a short reason, e.g. "uses the name of PayPal but is not paypal.com"


@dataclass(frozen=True)
class IndicatorReport:
    """Everything the link and number checks found in one message."""

    links: tuple[Link, ...]
    phones: tuple[str, ...]  # international format, e.g. +44 20 7946 0018
    wallets: tuple[str, ...]
    findings: tuple[Finding, ...]

    def shown_links(self) -> tuple[str, ...]:
        """The links, defanged so that showing them never makes them clickable."""
        return tuple(defang(link.url) for link in self.links)


def analyse_indicators(text: str, data: IndicatorData, *, region: str | None = None) -> IndicatorReport:
    """Extract links, phone numbers and wallets from ``text`` and report what is suspicious about them.

    ``region`` (UK, US, HK ...) is used to read phone numbers written without a country code.
    """
    links = find_links(text)
    findings: list[Finding] = []
    mentioned = data.mentioned(text) if links else []
    for link in links:
        findings += link_findings(link, data, mentioned)
    phones = find_phones(text, region, data.blocklists.phones)
    for e164, shown in phones:
        if e164 in data.blocklists.phones:
            findings.append(Finding("blocklisted-phone", shown, "reported as a scam number"))
    wallets = find_wallets(undo_defanging(text))
    for wallet in wallets:
        if wallet in data.blocklists.wallets:
            findings.append(Finding("blocklisted-wallet", wallet, "reported as a scam wallet"))
        else:
            findings.append(Finding("wallet-address", wallet, "a crypto wallet address"))
    return IndicatorReport(tuple(links), tuple(shown for _, shown in phones), tuple(wallets), tuple(findings))


def link_findings(link: Link, data: IndicatorData, mentioned: list[Brand] | None = None) -> list[Finding]:
    """What is suspicious about one link; ``mentioned`` are the brands the message names."""
    shown = defang(link.url)
    findings: list[Finding] = []
    if host_within(link.host, data.blocklists.domains):
        findings.append(Finding("blocklisted-domain", shown, "reported as a scam website"))
    if link.is_ip:
        findings.append(Finding("raw-ip-link", shown, f"goes to the bare address {link.host}"))
        return findings
    if host_within(link.host, data.shorteners):
        findings.append(Finding("link-shortener", shown, f"{link.registered_domain} hides the real address"))
    if any(label.startswith("xn--") for label in link.host.split(".")):
        findings.append(Finding("punycode-domain", shown, f"reads as {link.unicode_host}"))
    tld = link.host.rsplit(".", 1)[-1]
    if tld in data.unusual_tlds:
        findings.append(Finding("unusual-tld", shown, f"ends in .{tld}"))
    if data.real_site(link.host):
        return findings  # the real site of a brand, or of a public authority no scammer can register
    imitated = lookalike_brand(link, data.brands)
    if imitated is not None:
        findings.append(
            Finding(
                "brand-lookalike", shown, f"uses the name of {imitated.name} but is not {imitated.domains[0]}"
            )
        )
    elif mentioned and not host_within(link.host, data.shorteners):
        brand = mentioned[0]
        findings.append(
            Finding(
                "brand-link-mismatch",
                shown,
                f"the message names {brand.name} but the link is not {brand.domains[0]}",
            )
        )
    return findings


def lookalike_brand(link: Link, brands: tuple[Brand, ...]) -> Brand | None:
    """The brand a link imitates: its keyword inside the address, or a near-miss spelling of it.

    Call only for links that are not a brand's real domain. ``paypa1.com``, ``amaz0n.co.uk``,
    ``secure-hsbc-verify.top`` and ``usps.com-trackdelivery.cfd`` all imitate someone.
    """
    raw_tokens = set(_SEPARATORS.split(link.name_part))
    skeleton_tokens = {skeleton(t) for t in raw_tokens}
    joined = re.sub(r"[^a-z0-9]", "", skeleton(link.name_part))
    label = skeleton(link.registered_domain.split(".", 1)[0]).replace("-", "")
    for brand in brands:
        for keyword in brand.keywords:
            if keyword in raw_tokens or (len(keyword) >= 5 and keyword in skeleton_tokens):
                return brand
            if len(keyword) >= 6 and keyword in joined:
                return brand
            if len(keyword) >= 6 and label[:1] == keyword[:1] and _near(label, keyword):
                return brand
    return None


def skeleton(text: str) -> str:
    """``text`` with digits and symbols that imitate letters replaced: ``paypa1`` → ``paypal``."""
    return text.lower().translate(_HOMOGLYPHS).replace("rn", "m").replace("vv", "w")


def _near(label: str, keyword: str) -> bool:
    allowed = 2 if len(keyword) >= 9 else 1
    if abs(len(label) - len(keyword)) > allowed:
        return False
    return 0 < edit_distance(label, keyword) <= allowed


def edit_distance(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap neighbours) from ``a`` to ``b``: barclyas → barclays is 1."""
    rows = [list(range(len(b) + 1))] + [[i] + [0] * len(b) for i in range(1, len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]


def phone_region(region: str | None) -> str:
    """The phonenumbers region for one of our region codes (UK → GB); unknown → numbers need a +code."""
    if not region:
        return _UNKNOWN_REGION
    code = PHONE_REGION_ALIASES.get(region.upper(), region.upper())
    return code if code in phonenumbers.SUPPORTED_REGIONS else _UNKNOWN_REGION


def find_phones(
    text: str, region: str | None, blocked: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """Distinct phone numbers in ``text`` as (E.164, international format) pairs.

    A number counts when it is a valid number, or when it is on the ``blocked`` list (which may hold
    numbers from ranges reserved for examples).
    """
    found: dict[str, str] = {}
    matcher = phonenumbers.PhoneNumberMatcher(
        text, phone_region(region), leniency=phonenumbers.Leniency.POSSIBLE, max_tries=200
    )
    for match in matcher:
        if _BARE_DIGITS.fullmatch(match.raw_string):
            continue  # 1234567890 with no +, 0 or separators is far more often a reference number
        number = match.number
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if e164 in blocked or phonenumbers.is_valid_number(number):
            found.setdefault(
                e164, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
            )
            if len(found) >= MAX_PHONES:
                break
    return list(found.items())
