"""Operator data for the link and number checks: ``brands.yaml``, ``link_rules.yaml``, ``indicators/*.txt``.

A missing file means "nothing listed". A broken YAML file raises ``KnowledgeFileError`` naming the
field and line; a bad line in a blocklist is skipped and reported as a warning, so one typo never
disables the rest of the list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated

import phonenumbers
from pydantic import Field, StringConstraints

from bot.core.datafile import DOMAIN_ENDING_PATTERN, HOST_PATTERN, StrictSchema, Text, read_yaml, validate
from bot.core.links import to_ascii_host
from bot.core.pattern_filter import PatternFilter
from bot.core.wallets import canonical_wallet
from bot.knowledge.problems import KnowledgeFileError, Problem

BRANDS_FILE = "brands.yaml"
LINK_RULES_FILE = "link_rules.yaml"
INDICATORS_DIR = "indicators"
DOMAINS_FILE = "domains.txt"
PHONES_FILE = "phones.txt"
WALLETS_FILE = "wallets.txt"

_HOST_RE = re.compile(HOST_PATTERN)
Keyword = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]{2,40}$")]
DomainName = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=HOST_PATTERN)]
EntryParser = Callable[[str], tuple[str | None, str]]  # entry or None, and why not
Tld = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[a-z0-9-]{2,63}$")]
# A domain ending only public authorities can register: a top-level domain (gov) or longer (gov.sg).
OfficialDomain = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=DOMAIN_ENDING_PATTERN)
]


class _BrandSchema(StrictSchema):
    name: Text
    mentions: list[Text] = Field(default_factory=list)
    keywords: Annotated[list[Keyword], Field(min_length=1)]
    domains: Annotated[list[DomainName], Field(min_length=1)]


class _BrandsSchema(StrictSchema):
    brands: list[_BrandSchema]


class _LinkRulesSchema(StrictSchema):
    unusual_tlds: list[Tld] = Field(default_factory=list)
    shorteners: list[DomainName] = Field(default_factory=list)
    official_domains: list[OfficialDomain] = Field(default_factory=list)


def host_within(host: str, domains: Iterable[str]) -> bool:
    """Whether ``host`` is one of ``domains`` or a subdomain of one."""
    return any(host == d or host.endswith("." + d) for d in domains)


@dataclass(frozen=True)
class Brand:
    """A well-known organisation, the words that name it, and its real domains."""

    name: str
    keywords: tuple[str, ...]
    domains: tuple[str, ...]
    mention_words: str  # an expression of the names, without the word edges of ``mention``
    mention: re.Pattern[str]  # finds the organisation named in a message

    def owns(self, host: str) -> bool:
        """Whether ``host`` is one of the organisation's real domains (or under one)."""
        return host_within(host, self.domains)


def _brand(name: str, keywords: Iterable[str], domains: Iterable[str], mentions: Iterable[str]) -> Brand:
    # Short capitals (EE, BT, UPS) only count in capitals: "ups and downs" names no courier.
    parts = []
    for written in (name, *mentions):
        words = r"\s+".join(re.escape(w) for w in written.split())
        parts.append(f"(?-i:{words})" if len(written) <= 4 and written.isupper() else words)
    names = "(?:" + "|".join(parts) + ")"
    mention = re.compile(r"(?<![\w.])" + names + r"(?![\w])", re.IGNORECASE)
    return Brand(name, tuple(keywords), tuple(domains), names, mention)


@dataclass(frozen=True)
class Blocklists:
    """Known scam indicators: domains (ASCII), phone numbers (E.164) and wallets (canonical form)."""

    domains: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    wallets: frozenset[str] = frozenset()


@dataclass(frozen=True)
class IndicatorData:
    """Everything the link and number checks need, loaded once."""

    brands: tuple[Brand, ...] = ()
    unusual_tlds: frozenset[str] = frozenset()
    shorteners: frozenset[str] = frozenset()
    official_domains: frozenset[str] = frozenset()  # government, police ...: never a look-alike
    blocklists: Blocklists = field(default_factory=Blocklists)
    warnings: tuple[Problem, ...] = ()  # skipped blocklist lines

    def owner(self, host: str) -> Brand | None:
        """The brand whose real domain ``host`` is, if any."""
        return next((b for b in self.brands if b.owns(host)), None)

    def real_site(self, host: str) -> bool:
        """Whether ``host`` is a brand's real domain, or under an ending only public authorities register."""
        return self.owner(host) is not None or host_within(host, self.official_domains)

    @cached_property
    def mention_filter(self) -> PatternFilter:
        """The RE2 filter over the brands' names (:meth:`mentioned` reads only the brands it may find)."""
        return PatternFilter.build([brand.mention_words for brand in self.brands])

    def mentioned(self, text: str, *, filtered: bool = True) -> list[Brand]:
        """The brands ``text`` names, in the order of ``brands.yaml`` (``filtered=False``: without RE2)."""
        possible = self.mention_filter.possible(text) if filtered else None
        return [
            brand
            for number, brand in enumerate(self.brands)
            if (possible is None or number in possible) and brand.mention.search(text)
        ]


def load_indicator_data(knowledge_dir: Path) -> IndicatorData:
    """Read brands, link rules and blocklists from a knowledge folder.

    Raises ``KnowledgeFileError`` for a broken ``brands.yaml`` or ``link_rules.yaml``; bad blocklist
    lines become :attr:`IndicatorData.warnings`.
    """
    brands = _load_brands(knowledge_dir / BRANDS_FILE)
    rules = _load_link_rules(knowledge_dir / LINK_RULES_FILE)
    folder = knowledge_dir / INDICATORS_DIR
    domains, domain_warnings = read_blocklist(folder / DOMAINS_FILE, _domain_entry)
    phones, phone_warnings = read_blocklist(folder / PHONES_FILE, _phone_entry)
    wallets, wallet_warnings = read_blocklist(folder / WALLETS_FILE, _wallet_entry)
    data = IndicatorData(
        brands=brands,
        unusual_tlds=frozenset(rules.unusual_tlds),
        shorteners=frozenset(rules.shorteners),
        official_domains=frozenset(rules.official_domains),
        blocklists=Blocklists(domains, phones, wallets),
        warnings=tuple(domain_warnings + phone_warnings + wallet_warnings),
    )
    _ = data.mention_filter  # compiled now, not on the first message
    return data


def _load_brands(path: Path) -> tuple[Brand, ...]:
    if not path.exists():
        return ()
    document = read_yaml(path)
    schema = validate(document, _BrandsSchema)
    return tuple(_brand(b.name, b.keywords, b.domains, b.mentions) for b in schema.brands)


def _load_link_rules(path: Path) -> _LinkRulesSchema:
    if not path.exists():
        return _LinkRulesSchema()
    return validate(read_yaml(path), _LinkRulesSchema)


def read_blocklist(path: Path, parse: EntryParser) -> tuple[frozenset[str], list[Problem]]:
    """The entries of one blocklist file, parsed by ``parse``; unparseable lines become warnings."""
    if not path.exists():
        return frozenset(), []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeFileError([Problem(path, "(file)", f"cannot read the file: {exc}")]) from None
    entries: set[str] = set()
    warnings: list[Problem] = []
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        entry, reason = parse(text)
        if entry is None:
            warnings.append(
                Problem(path, f"line {number}", f"{reason} (got {text!r}); line skipped", number, "warning")
            )
        else:
            entries.add(entry)
    return frozenset(entries), warnings


def _domain_entry(text: str) -> tuple[str | None, str]:
    host = to_ascii_host(text)
    if host is None or len(host) > 253 or not _HOST_RE.match(host):
        return None, "not a domain name: write it bare, like scam-site.example (no http://, no path)"
    return host, ""


def _phone_entry(text: str) -> tuple[str | None, str]:
    hint = "not a phone number in international form, like +44 7700 900123"
    if not text.startswith("+"):
        return None, hint
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None, hint
    if not phonenumbers.is_possible_number(number):
        return None, hint
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), ""


def _wallet_entry(text: str) -> tuple[str | None, str]:
    wallet = canonical_wallet(text)
    if wallet is None:
        return None, "not a valid Bitcoin, Ethereum-style or TRON address (check for a typo)"
    return wallet, ""
