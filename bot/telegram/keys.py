"""Secrets derived from the bot token: signed callback data, opaque user keys, the webhook secret.

Every process serving the same token derives the same keys, so a button made by one process is
accepted by another, and by the same process after a restart; nothing has to be shared or stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit
SIGNATURE_CHARS = 16  # 12 bytes of HMAC-SHA256, base64url


class BadSignature(ValueError):
    """Callback data that was not made by this bot (tampered with, or signed under another token)."""


def _derive(token: str, purpose: str) -> bytes:
    return hmac.new(token.encode("utf-8"), f"fraudbot:{purpose}:v1".encode(), hashlib.sha256).digest()


class BotKeys:
    """The keys of one bot token; the token itself is not kept."""

    def __init__(self, token: str) -> None:
        """Derive every key from ``token``."""
        self._callback_key = _derive(token, "callback")
        self._user_key = _derive(token, "user")
        self._webhook_key = _derive(token, "webhook")

    def _signature(self, payload: str) -> str:
        digest = hmac.new(self._callback_key, payload.encode("utf-8"), hashlib.sha256).digest()[:12]
        return base64.urlsafe_b64encode(digest).decode("ascii")

    def sign(self, prefix: str, payload: str) -> str:
        """Callback data ``prefix + signature + payload``; raises ValueError over 64 bytes."""
        data = prefix + self._signature(prefix + payload) + payload
        if len(data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
            raise ValueError(f"callback data would be {len(data.encode('utf-8'))} bytes, over 64")
        return data

    def verify(self, prefix: str, data: str) -> str:
        """The payload of signed callback data; raises ``BadSignature`` if it was altered."""
        if not data.startswith(prefix) or len(data) < len(prefix) + SIGNATURE_CHARS:
            raise BadSignature("not signed callback data")
        signature = data[len(prefix) : len(prefix) + SIGNATURE_CHARS]
        payload = data[len(prefix) + SIGNATURE_CHARS :]
        if not hmac.compare_digest(signature, self._signature(prefix + payload)):
            raise BadSignature("callback data signature does not match")
        return payload

    def user_key(self, user_id: int) -> str:
        """An opaque, stable key for a Telegram user id: the store never sees the id itself."""
        return hmac.new(self._user_key, str(user_id).encode("ascii"), hashlib.sha256).hexdigest()[:32]

    def webhook_secret(self) -> str:
        """A webhook secret token (A-Z, a-z, 0-9, _ and - only) for when none is configured."""
        return hmac.new(self._webhook_key, b"secret", hashlib.sha256).hexdigest()
