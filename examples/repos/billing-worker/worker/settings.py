"""Worker settings, read once from the environment."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass


class SettingsError(RuntimeError):
    """A required setting is missing or malformed."""


def _env(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if required:
            raise SettingsError(f"environment variable {name} is required")
        return default
    return value.strip()


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name)
    if raw is None:
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be a boolean, got {raw!r}")


@dataclass(frozen=True)
class WorkerSettings:
    deploy_env: str
    database_url: str
    ledger_base_url: str
    ledger_api_token: str
    invoice_bucket: str
    log_level: str = "info"
    max_attempts: int = 5
    dry_run: bool = False

    @classmethod
    def from_env(cls) -> WorkerSettings:
        deploy_env = _env("DEPLOY_ENV", "local") or "local"
        strict = deploy_env != "local"
        return cls(
            deploy_env=deploy_env,
            database_url=_env("DATABASE_URL", "postgresql://localhost/billing", required=strict) or "",
            ledger_base_url=_env("LEDGER_BASE_URL", "http://localhost:9000/api") or "",
            ledger_api_token=_env("LEDGER_API_TOKEN", "local-token", required=strict) or "",
            invoice_bucket=_env("INVOICE_BUCKET", "billing-invoices-local") or "",
            log_level=_env("LOG_LEVEL", "info") or "info",
            max_attempts=_env_int("MAX_ATTEMPTS", 5),
            dry_run=_env_bool("DRY_RUN", False),
        )


@functools.lru_cache(maxsize=1)
def settings() -> WorkerSettings:
    return WorkerSettings.from_env()
