"""Settings, one pydantic model per concern, all read from ``FRAUDBOT_*`` variables and ``.env``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ENV_PREFIX = "FRAUDBOT_"
DEFAULT_MODEL = "bundled:all-MiniLM-L6-v2"
Precision = Literal["auto", "float32", "bfloat16", "int8"]  # how the model multiplies (retrieval.embedder)
PRECISIONS: tuple[Precision, ...] = ("auto", "float32", "bfloat16", "int8")
Runtime = Literal["openvino", "torch"]  # what runs the model (bot.retrieval.embedder.make_encoder)
RUNTIMES: tuple[Runtime, ...] = ("openvino", "torch")


def _config() -> SettingsConfigDict:
    return SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", extra="ignore")


class PathSettings(BaseSettings):
    """Where the knowledge, the built index and the embedded store live."""

    model_config = _config()

    knowledge_dir: Path = Field(Path("knowledge"), description="Folder of advisories and data files.")
    index_dir: Path = Field(Path("index"), description="Folder of the built search index.")
    data_dir: Path = Field(Path("data"), description="Folder of the SQLite store.")
    model_cache_dir: Path = Field(
        Path("index/models"), description="Folder of the int8 model made from the embedding model once."
    )
    classifier_cache_dir: Path | None = Field(
        None, description="Folder of the trained scam classifiers; empty: classifiers/ in the index folder."
    )

    @field_validator("classifier_cache_dir", mode="before")
    @classmethod
    def _empty_is_default(cls, value: Any) -> Any:
        return None if value == "" else value

    @property
    def classifier_dir(self) -> Path:
        """Where trained scam classifiers are saved and read (:mod:`bot.core.classifier_store`)."""
        return self.classifier_cache_dir or self.index_dir / "classifiers"


class RetrievalSettings(BaseSettings):
    """The embedding model and how search mixes dense and sparse results."""

    model_config = _config()

    embedding_model: str = Field(
        DEFAULT_MODEL, description="Sentence-transformers model path or name; the default is the bundled one."
    )
    search_mode: str = Field("hybrid", description="dense, bm25 or hybrid.")
    embedding_runtime: Runtime = Field(
        "openvino", description="openvino (the default: two to three times faster) or torch."
    )
    embedding_precision: Precision = Field(
        "auto",
        description=(
            "auto (openvino: int8, the model quantized once and kept in the model cache folder; "
            "torch: bfloat16 on CPUs with AMX, else float32), int8 (openvino only), bfloat16 or float32."
        ),
    )
    answer_min_score: float = Field(
        0.45, ge=0.0, le=1.0, description="Below this cosine similarity of the best match, the bot abstains."
    )
    answer_off_topic_probability: float = Field(
        0.6,
        ge=0.0,
        le=1.0,
        description=(
            "The bot abstains on a question its intent classifier finds off topic with at least this "
            "probability (money or banking how-to that no scam advisory answers), unless the question "
            "names a kind of scam (1 turns it off)."
        ),
    )
    triage_story_min_score: float = Field(
        0.50,
        ge=0.0,
        le=1.0,
        description=(
            'After "I already paid", the advisory closest to what the user wrote is listed first among '
            "the advisories to read when its cosine similarity is at least this (1 turns it off)."
        ),
    )
    english_only: bool = Field(
        True,
        description=(
            "The embedding model and the red-flag phrases read English only, as the bundled ones do: "
            'a question written mostly in another script (Chinese, Cyrillic ...) gets a "not sure" '
            "instead of an answer, and a low check of such a message says warning signs may have been "
            "missed. Set false with a multilingual model."
        ),
    )

    @field_validator("search_mode")
    @classmethod
    def _known_mode(cls, value: str) -> str:
        if value not in {"dense", "bm25", "hybrid"}:
            raise ValueError("must be one of dense, bm25, hybrid")
        return value


def is_region_code(value: str) -> bool:
    """Whether ``value`` has the shape of a region code: 2 to 6 letters (UK, HK, SG ...)."""
    return value.isalpha() and 2 <= len(value) <= 6


class RegionSettings(BaseSettings):
    """The default region for hotlines and for preferring local advisories."""

    model_config = _config()

    region: str = Field(
        "UK", description="Default region code for hotlines (e.g. CN, HK, SG, TW, UK, US, AU)."
    )

    @field_validator("region")
    @classmethod
    def _upper(cls, value: str) -> str:
        value = value.strip().upper()
        if not is_region_code(value):
            raise ValueError("must be a region code such as UK, US or HK")
        return value


def _parse_ids(value: Any) -> list[int]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        text = value.strip()
        parsed: Any = json.loads(text) if text.startswith("[") else [p for p in text.split(",") if p.strip()]
    else:
        parsed = value
    if isinstance(parsed, int):
        parsed = [parsed]
    return [int(str(item).strip()) for item in parsed]


class TelegramSettings(BaseSettings):
    """How the bot reaches Telegram and who may operate it."""

    model_config = _config()

    telegram_token: SecretStr | None = Field(None, description="Bot token from @BotFather.")
    telegram_base_url: str = Field(
        "https://api.telegram.org/bot", description="Bot API base URL (point it at a self-hosted server)."
    )
    operator_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Telegram user ids allowed to use /reload and /stats."
    )
    webhook_url: str | None = Field(
        None, description="Public HTTPS URL for webhook mode; empty = long polling."
    )
    webhook_secret: SecretStr | None = Field(
        None, description="Secret token Telegram sends with webhook calls."
    )
    webhook_listen: str = Field("127.0.0.1", description="Address the webhook server listens on.")
    webhook_port: int = Field(8443, description="Port the webhook server listens on.")
    flood_limit: int = Field(
        20, description="Messages per minute one user may send before a slow-down notice."
    )

    @field_validator("operator_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> list[int]:
        try:
            return _parse_ids(value)
        except (ValueError, TypeError) as exc:
            raise ValueError("must be comma-separated Telegram user ids, e.g. 12345,67890") from exc

    @field_validator("telegram_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value


class SettingsError(RuntimeError):
    """A setting has an invalid value; the message names the variable and the problem."""


class Settings:
    """All settings of the app, grouped by concern."""

    def __init__(self, **overrides: Any) -> None:
        """Read every concern's settings; keyword overrides (by concern name) replace a whole group."""
        try:
            self.paths: PathSettings = overrides.get("paths") or PathSettings()
            self.retrieval: RetrievalSettings = overrides.get("retrieval") or RetrievalSettings()
            self.region: RegionSettings = overrides.get("region") or RegionSettings()
            self.telegram: TelegramSettings = overrides.get("telegram") or TelegramSettings()
        except ValidationError as exc:
            raise SettingsError(describe_validation_error(exc)) from None


SETTINGS_CLASSES: tuple[type[BaseSettings], ...] = (
    PathSettings,
    RetrievalSettings,
    RegionSettings,
    TelegramSettings,
)


def describe_validation_error(exc: ValidationError) -> str:
    """Turn a pydantic error into one readable line per bad variable."""
    lines = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "?"
        raw = error.get("input")
        shown = "" if "token" in field or "secret" in field else f" (got {raw!r})"
        lines.append(f"{ENV_PREFIX}{field.upper()}: {error['msg']}{shown}")
    return "invalid setting: " + "; ".join(lines)


def setting_names() -> list[str]:
    """Every environment variable the settings read, e.g. ``FRAUDBOT_INDEX_DIR``."""
    return [f"{ENV_PREFIX}{name.upper()}" for cls in SETTINGS_CLASSES for name in cls.model_fields]


def offline_environment() -> None:
    """Forbid any hub download: the model must come from disk."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
