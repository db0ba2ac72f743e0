#!/usr/bin/env bash
# Deploy the service to Cloud Run.
set -euo pipefail

PROJECT_ID="${PROJECT_ID:?set PROJECT_ID}"
REGION="${REGION:-us-central1}"
SERVICE="checkout-api"

log() {
  echo "[deploy] $*" >&2
}

if [[ -z "${IMAGE:-}" ]]; then
  log "IMAGE is not set"
  exit 1
fi

gcloud run deploy "${SERVICE}" \
  --project "${PROJECT_ID}" \
  --region "${REGION}" \
  --image "${IMAGE}" \
  --min-instances 0 \
  --no-allow-unauthenticated

log "Deployed ${SERVICE} to ${REGION}"
