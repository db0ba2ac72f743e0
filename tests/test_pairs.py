"""Confirmation of clone pairs: structure, rare shared content, kept lines, alpha-renaming."""

from __future__ import annotations

import re

from pattern_miner.match.fragments import select_fragments
from pattern_miner.match.pairs import PairFinder
from pattern_miner.match.rarity import line_hashes
from pattern_miner.match.similarity import dice
from pattern_miner.model import SourceFile
from pattern_miner.parse import tokenize
from pattern_miner.records import FileRecord
from pattern_miner.shard import record_file

DEPLOY = """#!/usr/bin/env bash
set -euo pipefail
PROJECT_ID="${PROJECT_ID:?set PROJECT_ID}"
REGION="${REGION:-us-central1}"
SERVICE="checkout-api"
IMAGE="gcr.io/${PROJECT_ID}/${SERVICE}:$(git rev-parse --short HEAD)"
for secret in stripe-api-key database-url; do
  gcloud secrets describe "${secret}" --project "${PROJECT_ID}" >/dev/null
done
gcloud builds submit --project "${PROJECT_ID}" --tag "${IMAGE}" .
gcloud run deploy "${SERVICE}" --project "${PROJECT_ID}" --region "${REGION}" --image "${IMAGE}" \\
  --set-secrets "STRIPE_KEY=stripe-api-key:latest,DATABASE_URL=database-url:latest" --no-allow-unauthenticated
URL="$(gcloud run services describe "${SERVICE}" --region "${REGION}" --format 'value(status.url)')"
echo "deployed ${SERVICE}: ${URL}"
"""

# the same script with every variable consistently renamed: a Type-2 copy
RENAMED = re.sub(r"\bsecret\b", "name", DEPLOY.replace("PROJECT_ID", "GCP_PROJECT").replace("REGION", "GCP_REGION")
                 .replace("SERVICE", "APP").replace("IMAGE", "IMAGE_URI"))

# another deploy script in the same style, written separately: shared conventions, no shared lines
UNRELATED = """#!/usr/bin/env bash
set -euo pipefail
ENVIRONMENT="${1:-staging}"
CLUSTER="${CLUSTER:-prod-eu}"
NAMESPACE="payments-${ENVIRONMENT}"
kubectl config use-context "${CLUSTER}"
helm dependency update ./chart
helm upgrade --install payments ./chart --namespace "${NAMESPACE}" --values "values-${ENVIRONMENT}.yaml" \\
  --set image.tag="$(git describe --tags)" --wait --timeout 10m
kubectl rollout status deployment/payments --namespace "${NAMESPACE}"
echo "released payments to ${NAMESPACE}"
kubectl get pods --namespace "${NAMESPACE}" -l app=payments
"""


def _finder(*files: tuple[int, str, str, tuple[str, ...]]) -> tuple[PairFinder, list[int]]:
    records: list[tuple[int, FileRecord]] = []
    for repo, path, text, types in files:
        source = SourceFile(path, text.encode(), pattern_types=types)
        records.append((repo, record_file(tokenize(path, source.data), source, text)))
    fragments = select_fragments(records, min_tokens=20, min_lines=5, threshold=lambda t: 0.75)
    finder = PairFinder(records, fragments)
    whole = [f.id for f in fragments if f.kind == "file"]
    return finder, whole


def test_consistently_renamed_script_is_confirmed_as_a_copy() -> None:
    finder, (a, b, _) = _finder((0, "deploy.sh", DEPLOY, ("deployment",)),
                                (1, "scripts/deploy-gcp.sh", RENAMED, ("deployment",)),
                                (2, "scripts/release.sh", UNRELATED, ("deployment",)))
    pair = finder.confirm(a, b)
    assert pair is not None and pair.similarity == 1.0
    # alpha-renaming: the lines read the same once names are numbered by first appearance (but for
    # the one that spells a name inside a message, which is text)
    fa, fb = finder.fragments[a], finder.fragments[b]
    ra, rb = finder.files[fa.file][1], finder.files[fb.file][1]
    assert dice(line_hashes(ra, fa), line_hashes(rb, fb)) >= 0.9
    assert ra.lit[fa.start:fa.end] != rb.lit[fb.start:fb.end]


def test_script_in_the_same_style_is_not_a_copy() -> None:
    finder, (a, _, c) = _finder((0, "deploy.sh", DEPLOY, ("deployment",)),
                                (1, "scripts/deploy-gcp.sh", RENAMED, ("deployment",)),
                                (2, "scripts/release.sh", UNRELATED, ("deployment",)))
    assert finder.confirm(a, c) is None


def test_rare_overlap_weighs_each_side_by_its_own_table() -> None:
    # a Dockerfile-typed file against a deployment-typed one: different IDF tables, tokens one of them
    # never saw; the measure must neither fail nor depend on the order of the two
    finder, (a, b, c) = _finder((0, "deploy.sh", DEPLOY, ("deployment",)),
                                (1, "tools/deploy.sh", RENAMED, ("code",)),
                                (2, "scripts/release.sh", UNRELATED, ("deployment",)))
    fa, fb, fc = (finder.fragments[i] for i in (a, b, c))
    rare = finder.measures.rarity.overlap
    assert rare(fa, fb) == rare(fb, fa)
    assert 0.0 <= rare(fb, fc) <= 1.0
    assert rare(fa, fa) == 1.0
