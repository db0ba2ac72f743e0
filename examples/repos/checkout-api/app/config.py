"""Settings from environment variables, with defaults that work for local development."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field


class ConfigError(RuntimeError):
    """A required setting is missing or has the wrong type."""


def _env(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if required:
            raise ConfigError(f"environment variable {name} is required")
        return default
    return value.strip()


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name)
    if raw is None:
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be a boolean, got {raw!r}")


def _env_list(name: str, default: list[str]) -> list[str]:
    raw = _env(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


@dataclass(frozen=True)
class Settings:
    environment: str
    database_url: str
    stripe_api_key: str
    payments_base_url: str
    session_secret: str
    log_level: str = "info"
    request_timeout: int = 10
    allowed_origins: list[str] = field(default_factory=list)
    enable_gift_cards: bool = False

    @classmethod
    def from_env(cls) -> Settings:
        environment = _env("ENVIRONMENT", "development") or "development"
        is_local = environment == "development"
        return cls(
            environment=environment,
            database_url=_env("DATABASE_URL", "postgresql://localhost/checkout", required=not is_local) or "",
            stripe_api_key=_env("STRIPE_API_KEY", "sk_test_local", required=not is_local) or "",
            payments_base_url=_env("PAYMENTS_BASE_URL", "https://api.stripe.com/v1") or "",
            session_secret=_env("SESSION_SECRET", "dev-only-secret", required=not is_local) or "",
            log_level=_env("LOG_LEVEL", "info") or "info",
            request_timeout=_env_int("REQUEST_TIMEOUT", 10),
            allowed_origins=_env_list("ALLOWED_ORIGINS", ["http://localhost:3000"]),
            enable_gift_cards=_env_bool("ENABLE_GIFT_CARDS", False),
        )


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
