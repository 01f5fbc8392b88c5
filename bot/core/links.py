"""Finding web links in a message: full URLs, ``www.`` addresses, bare domains and defanged forms.

Bare domains (``secure-hsbc-verify.top/login``) count only when they end in a real public suffix, so
``e.g.`` or ``Mr.Smith`` are not links. The public suffix list comes from the snapshot bundled with
``tldextract``; nothing is downloaded.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass

import tldextract

MAX_LINKS = 50  # a message with more links than this is checked on the first ones only

_DEFANG_RULES = (
    (re.compile(r"\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}", re.IGNORECASE), "."),
    (re.compile(r"\bhxxp(s?)(?=\[?:)", re.IGNORECASE), r"http\1"),
    (re.compile(r"\[:\]"), ":"),
)
_LINK = re.compile(
    r"""
    (?<![\w@.\-/])                                  # not inside a word, a path or an e-mail address
    (?:(?P<scheme>https?|ftp)://)?
    (?P<host>
        \[[0-9a-f:.]{2,45}\]                        # IPv6 literal
      | \d{1,3}(?:\.\d{1,3}){3}                     # IPv4
      | (?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_][\w-]{0,62}   # names, Unicode letters too
    )
    (?P<port>:\d{1,5})?
    (?P<path>[/?\#][^\s<>"'`]*)?
    """,
    re.IGNORECASE | re.VERBOSE,
)
_TRAILING = ".,;:!?'\")]}>*"


@dataclass(frozen=True)
class Link:
    """One link found in a message."""

    url: str  # as written, with any defanging undone and a scheme added when there was none
    host: str  # lowercase, internationalised names in their ASCII (xn--) form
    unicode_host: str  # the host as a person reads it
    registered_domain: str  # e.g. hsbc.co.uk for online.hsbc.co.uk; the host itself for IP addresses
    name_part: (
        str  # the host without its public suffix, e.g. usps.com-trackdelivery for usps.com-trackdelivery.cfd
    )
    suffix: str  # the public suffix (co.uk, top ...); empty for IP addresses and unknown endings
    is_ip: bool


@functools.lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # Offline: the bundled public suffix snapshot, no cache directory, no fetching.
    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


def undo_defanging(text: str) -> str:
    """``hxxps://bad[.]site`` → ``https://bad.site``: the forms people use to share links safely."""
    for pattern, replacement in _DEFANG_RULES:
        text = pattern.sub(replacement, text)
    return text


def defang(url: str) -> str:
    """A link made unclickable for display: ``https://bad.site/x`` → ``hxxps://bad[.]site/x``."""
    match = _LINK.search(url)
    if match is None:
        return url
    host = match.group("host")
    start, end = match.span("host")
    shown = url[:start] + host.replace(".", "[.]") + url[end:]
    return re.sub(r"^http", "hxxp", shown, flags=re.IGNORECASE)


def defang_text(text: str) -> str:
    """Every link inside ``text`` made unclickable, the rest unchanged."""
    return _LINK.sub(lambda m: defang(m.group(0)) if _plausible(m) else m.group(0), text)


def _plausible(match: re.Match[str]) -> bool:
    if match.group("scheme") or match.group("host").startswith("["):
        return True
    return _describe_host(match.group("host")) is not None


def to_ascii_host(host: str) -> str | None:
    """The ASCII (IDNA) form of a host name, or ``None`` when it cannot be one."""
    host = host.strip(".").lower()
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return ascii_host.lower() if ascii_host else None


def to_unicode_host(host: str) -> str:
    """The readable form of an ``xn--`` host (unchanged when it cannot be decoded)."""
    try:
        return host.encode("ascii").decode("idna")
    except UnicodeError:
        return host


def find_links(text: str) -> list[Link]:
    """Every distinct link in ``text``, in order of appearance (at most :data:`MAX_LINKS`)."""
    links: dict[str, Link] = {}
    for match in _LINK.finditer(undo_defanging(text)):
        link = _link_of(match)
        if link is not None and link.url not in links:
            links[link.url] = link
            if len(links) >= MAX_LINKS:
                break
    return list(links.values())


def _link_of(match: re.Match[str]) -> Link | None:
    scheme = (match.group("scheme") or "").lower()
    raw_host = match.group("host")
    port = match.group("port") or ""
    path = (match.group("path") or "").rstrip(_TRAILING)
    explicit = bool(scheme or path or port or raw_host.lower().startswith("www."))
    ip = _ip_host(raw_host)
    if ip is not None:
        if not explicit:
            return None  # "version 1.2.3.4" is not a link
        host, unicode_host, registered, name_part, suffix = ip, ip, ip, ip, ""
    else:
        described = _describe_host(raw_host)
        if described is None:
            if not scheme:
                return None
            ascii_host = to_ascii_host(raw_host)
            if ascii_host is None or "." not in ascii_host:
                return None
            # An explicit http(s) link to an unlisted ending (.example, .local ...) is still a link.
            labels = ascii_host.split(".")
            described = (ascii_host, ".".join(labels[-2:]), ".".join(labels[:-1]), "")
        host, registered, name_part, suffix = described
        unicode_host = to_unicode_host(host)
    url = f"{scheme or 'http'}://{host}{port}{path}"
    return Link(url, host, unicode_host, registered, name_part, suffix, ip is not None)


def _ip_host(raw_host: str) -> str | None:
    candidate = raw_host.strip("[]")
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def _describe_host(raw_host: str) -> tuple[str, str, str, str] | None:
    """(host, registered domain, name part, suffix) for a name with a real public suffix, else ``None``."""
    host = to_ascii_host(raw_host)
    if host is None:
        return None
    parts = _extractor()(host)
    if not parts.suffix or not parts.domain:
        return None
    registered = f"{parts.domain}.{parts.suffix}"
    name_part = f"{parts.subdomain}.{parts.domain}" if parts.subdomain else parts.domain
    return host, registered, name_part, parts.suffix
