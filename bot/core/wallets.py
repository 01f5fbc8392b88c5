"""Cryptocurrency wallet addresses: Bitcoin (legacy, script and bech32), Ethereum-style and TRON.

Base58 addresses (Bitcoin ``1``/``3``, TRON ``T``) carry a checksum, which is verified so ordinary
words and reference numbers are not mistaken for wallets.
"""

from __future__ import annotations

import hashlib
import re

_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {c: i for i, c in enumerate(_BASE58)}
_WALLET = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    r"(?P<evm>0x[0-9a-fA-F]{40})"
    r"|(?P<bech32>(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{11,71})"
    r"|(?P<btc>[13][1-9A-HJ-NP-Za-km-z]{25,34})"
    r"|(?P<tron>T[1-9A-HJ-NP-Za-km-z]{33})"
    r")(?![0-9A-Za-z])"
)
MAX_WALLETS = 20
_VERSION_BYTES = {"btc": (0x00, 0x05), "tron": (0x41,)}


def _base58_decode(text: str) -> bytes | None:
    number = 0
    for char in text:
        digit = _BASE58_INDEX.get(char)
        if digit is None:
            return None
        number = number * 58 + digit
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    leading_zeros = len(text) - len(text.lstrip("1"))
    return b"\x00" * leading_zeros + body


def _base58check_ok(address: str, versions: tuple[int, ...]) -> bool:
    raw = _base58_decode(address)
    if raw is None or len(raw) != 25 or raw[0] not in versions:
        return False
    payload, checksum = raw[:-4], raw[-4:]
    return hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] == checksum


def canonical_wallet(address: str) -> str | None:
    """The address in a comparable form (hex and bech32 lowercased), or ``None`` if it is not a valid one."""
    match = _WALLET.fullmatch(address.strip())
    if match is None:
        return None
    return _canonical(match)


def _canonical(match: re.Match[str]) -> str | None:
    kind = match.lastgroup
    address = match.group(0)
    if kind in ("evm", "bech32"):
        if kind == "bech32" and address != address.lower() and address != address.upper():
            return None  # bech32 is never mixed case
        return address.lower()
    if kind in _VERSION_BYTES and _base58check_ok(address, _VERSION_BYTES[kind]):
        return address
    return None


def find_wallets(text: str) -> list[str]:
    """Distinct valid wallet addresses in ``text`` (canonical form), in order of appearance."""
    found: dict[str, None] = {}
    for match in _WALLET.finditer(text):
        canonical = _canonical(match)
        if canonical is not None:
            found.setdefault(canonical)
            if len(found) >= MAX_WALLETS:
                break
    return list(found)
