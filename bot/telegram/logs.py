"""Logging for the bot: the token never appears (httpx quiet, every record redacted), no user text."""

from __future__ import annotations

import logging

REDACTED = "<bot-token>"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def redact(text: str, token: str | None) -> str:
    """``text`` with the token (and its secret half) replaced."""
    if not token:
        return text
    text = text.replace(token, REDACTED)
    secret_half = token.split(":", 1)[-1]
    return text.replace(secret_half, REDACTED) if len(secret_half) >= 8 else text


class RedactToken(logging.Filter):
    """Replace the bot token in a record's message and traceback before any handler writes it."""

    def __init__(self, token: str) -> None:
        """Redact ``token``."""
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drops it."""
        message = record.getMessage()
        cleaned = redact(message, self._token)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self._token)
        return True


def quiet_libraries() -> None:
    """httpx logs request URLs (holding the token) at INFO, and PTB logs whole updates (user text) at
    DEBUG: keep them above those levels whatever the root level is."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(logging.INFO)


def configure_logging(token: str | None, level: int = logging.INFO) -> None:
    """Log to stderr at ``level``; httpx (whose request lines hold the token) only at WARNING."""
    logging.basicConfig(format=LOG_FORMAT, level=level)
    quiet_libraries()
    if token:
        for handler in logging.getLogger().handlers:
            handler.addFilter(RedactToken(token))
