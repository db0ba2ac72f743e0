"""Environment files are compared as configuration, and their values never leave the scan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pattern_miner.console import Console
from pattern_miner.main import main

SECRET = "sk_live_51HxQ9aZ7pQwErTyUiOp"
ENV = "\n".join([
    "# service settings",
    "DATABASE_URL=postgres://app:hunter2@db.internal:5432/orders",
    f"STRIPE_SECRET_KEY={SECRET}",
    "export REDIS_URL=redis://cache.internal:6379/0",
    "LOG_LEVEL=info",
    "FEATURE_NEW_CHECKOUT=true",
    "SENTRY_DSN=https://abc123@o1.ingest.sentry.io/42",
    "SMTP_HOST=smtp.internal",
    "SMTP_PORT=2525",
    "QUEUE_NAME=orders-events",
    "PAYMENTS_TIMEOUT_SECONDS=30",
    "RETRY_LIMIT=5",
    "",
])


@pytest.mark.parametrize("name", [".env.example", "config.env"])
def test_a_copied_env_file_is_found_with_its_keys_and_without_its_values(tmp_path: Path, name: str,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    for repo in ("orders", "billing"):
        (tmp_path / repo).mkdir()
        (tmp_path / repo / name).write_text(ENV, encoding="utf-8")
    out = tmp_path / "report.json"
    code = main(["scan", str(tmp_path / "orders"), str(tmp_path / "billing"), "--format", "json", "--with-text",
                 "-o", str(out), "-q"], Console(quiet=True))
    assert code == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    copies = [o for p in report["patterns"] for o in p["occurrences"] if o["path"] == name]
    assert {o["repo"] for o in copies} == {"local/orders", "local/billing"}
    assert {p["pattern_type"] for p in report["patterns"]} == {"configuration"}
    text = copies[0]["text"]
    assert "STRIPE_SECRET_KEY=…" in text and "export REDIS_URL=…" in text and "# service settings" in text
    everything = out.read_text(encoding="utf-8") + capsys.readouterr().out
    for value in (SECRET, "hunter2", "abc123@o1.ingest.sentry.io", "orders-events"):
        assert value not in everything
