"""Generated repositories: an organisation's small repositories, with a few copies between them.

``org_repos(n, seed)`` gives {"owner/name": {path: text}}: each repository has its own files (a service
module with functions that differ in names, numbers and structure), and some repositories share a copy,
sometimes edited, of one of a few common pieces (a deploy script, a Dockerfile, a CI workflow, a Python
helper). Deterministic for a seed: tests and bench/org_sim.py use the same generator.
"""

from __future__ import annotations

import random
from pathlib import Path

DEPLOY = """#!/bin/bash
set -euo pipefail
PROJECT_ID="${{PROJECT_ID:?set PROJECT_ID}}"
SERVICE="${{SERVICE:-{name}}}"
REGION="${{REGION:-us-central1}}"
echo "Building $SERVICE"
gcloud builds submit --tag "gcr.io/$PROJECT_ID/$SERVICE" .
gcloud secrets describe api-key --project "$PROJECT_ID" >/dev/null || gcloud secrets create api-key
gcloud run deploy "$SERVICE" --image "gcr.io/$PROJECT_ID/$SERVICE" --region "$REGION" --platform managed
URL=$(gcloud run services describe "$SERVICE" --region "$REGION" --format 'value(status.url)')
echo "Deployed to $URL"
"""

DOCKERFILE = """FROM python:3.11-slim AS build
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --prefix=/install -r requirements.txt
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PORT={port}
COPY --from=build /install /usr/local
WORKDIR /app
COPY . .
RUN useradd --create-home app && chown -R app /app
USER app
EXPOSE {port}
CMD ["gunicorn", "--bind", "0.0.0.0:{port}", "main:app"]
"""

WORKFLOW = """name: ci
on:
  push:
    branches: [main]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "{python}"
      - run: pip install -r requirements.txt -r requirements-dev.txt
      - run: ruff check .
      - run: pytest -q --maxfail=1
"""

HELPER = '''import json
import os
import time
import urllib.request


def fetch_json(url, token=None, retries={retries}, backoff=0.5):
    """GET a JSON document, retrying on errors with exponential backoff."""
    headers = {{"Accept": "application/json"}}
    if token:
        headers["Authorization"] = "Bearer " + token
    last = None
    for attempt in range(retries):
        try:
            request = urllib.request.Request(url, headers=headers)
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read().decode("utf-8"))
        except OSError as exc:
            last = exc
            time.sleep(backoff * (2 ** attempt))
    raise RuntimeError("giving up on " + url) from last


def load_settings(path=None):
    """Settings from a JSON file, overridden by {prefix}_* environment variables."""
    path = path or os.environ.get("{prefix}_SETTINGS", "settings.json")
    with open(path, encoding="utf-8") as handle:
        settings = json.load(handle)
    for key, value in os.environ.items():
        if key.startswith("{prefix}_"):
            settings[key[len("{prefix}_"):].lower()] = value
    return settings
'''

VERBS = ("load", "save", "parse", "render", "check", "merge", "split", "count", "build", "send", "scan", "sort")
NOUNS = ("order", "user", "invoice", "item", "event", "report", "batch", "token", "record", "page", "queue", "rule")


def _own_module(rng: random.Random, repo: str) -> str:
    """Functions only this repository has: random names, arithmetic and control flow."""
    out = [f'"""The {repo} service."""\n']
    for i in range(rng.randint(2, 5)):
        name = f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}_{i}"
        args = rng.sample(["a", "b", "c", "limit", "items", "key"], rng.randint(1, 3))
        body = [f"def {name}({', '.join(args)}):", f"    total = {rng.randint(0, 99)}"]
        for _ in range(rng.randint(2, 6)):
            kind = rng.randrange(4)
            var = rng.choice(args)
            if kind == 0:
                body.append(f"    total += len(str({var})) * {rng.randint(2, 9)}")
            elif kind == 1:
                body += [f"    if total > {rng.randint(10, 500)}:", f"        total -= {rng.randint(1, 9)}"]
            elif kind == 2:
                body += [f"    for step in range({rng.randint(2, 7)}):", f"        total = total * step + {rng.randint(1, 5)}"]
            else:
                body.append(f"    total = max(total, hash({var}) % {rng.randint(50, 5000)})")
        body.append("    return total")
        out.append("\n".join(body) + "\n")
    return "\n\n".join(out)


def org_repos(n: int, seed: int = 1, owner: str = "acme") -> dict[str, dict[str, str]]:
    """``n`` small repositories; about one in four shares each common piece (a few edited)."""
    rng = random.Random(seed)
    repos: dict[str, dict[str, str]] = {}
    for i in range(n):
        name = f"{owner}/svc-{i:04d}"
        files = {"README.md": f"# svc-{i:04d}\n", "main.py": _own_module(rng, name),
                 "requirements.txt": "\n".join(rng.sample(["flask", "requests", "gunicorn", "pydantic", "boto3"], 2)) + "\n"}
        if rng.random() < 0.25:
            files["deploy.sh"] = DEPLOY.format(name=f"svc-{i}")
        if rng.random() < 0.25:
            files["Dockerfile"] = DOCKERFILE.format(port=rng.choice((8080, 8000, 5000)))
        if rng.random() < 0.25:
            files[".github/workflows/ci.yml"] = WORKFLOW.format(python=rng.choice(("3.11", "3.12")))
        if rng.random() < 0.25:
            files["common/http.py"] = HELPER.format(retries=rng.choice((3, 5)), prefix=rng.choice(("APP", "SVC", "CFG")))
        repos[name] = files
    return repos


def write_repos(root: Path, repos: dict[str, dict[str, str]]) -> Path:
    """The repositories as ROOT/<owner>/<name>/ directories (``scan --root ROOT``)."""
    for name, files in repos.items():
        for path, text in files.items():
            target = root / name / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    return root
