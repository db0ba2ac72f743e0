#!/usr/bin/env bash
# Build the checkout-api image with Cloud Build and deploy it to Cloud Run.
# Secrets are read from Secret Manager; create them before the first deploy.
#
# Usage: PROJECT_ID=my-project ./deploy.sh [staging|production]
set -euo pipefail

ENVIRONMENT="${1:-staging}"
PROJECT_ID="${PROJECT_ID:?set PROJECT_ID to the GCP project}"
REGION="${REGION:-us-central1}"
SERVICE_NAME="checkout-api-${ENVIRONMENT}"
IMAGE="gcr.io/${PROJECT_ID}/checkout-api:$(git rev-parse --short HEAD)"
SERVICE_ACCOUNT="checkout-api@${PROJECT_ID}.iam.gserviceaccount.com"
REQUIRED_SECRETS=(stripe-api-key database-url session-secret)

log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

command -v gcloud >/dev/null 2>&1 || die "gcloud is not installed"

if [[ "${ENVIRONMENT}" != "staging" && "${ENVIRONMENT}" != "production" ]]; then
  die "unknown environment '${ENVIRONMENT}' (expected staging or production)"
fi

log "Checking secrets in Secret Manager"
for secret in "${REQUIRED_SECRETS[@]}"; do
  if ! gcloud secrets describe "${secret}" --project "${PROJECT_ID}" >/dev/null 2>&1; then
    die "secret '${secret}' is missing: printf '%s' VALUE | gcloud secrets create ${secret} --data-file=-"
  fi
done

log "Building ${IMAGE}"
gcloud builds submit --project "${PROJECT_ID}" --tag "${IMAGE}" .

log "Deploying ${SERVICE_NAME} to ${REGION}"
gcloud run deploy "${SERVICE_NAME}" \
  --project "${PROJECT_ID}" \
  --region "${REGION}" \
  --image "${IMAGE}" \
  --service-account "${SERVICE_ACCOUNT}" \
  --platform managed \
  --allow-unauthenticated \
  --port 8080 \
  --memory 512Mi \
  --cpu 1 \
  --min-instances 0 \
  --max-instances 10 \
  --set-env-vars "ENVIRONMENT=${ENVIRONMENT},LOG_LEVEL=info" \
  --set-secrets "STRIPE_API_KEY=stripe-api-key:latest,DATABASE_URL=database-url:latest,SESSION_SECRET=session-secret:latest"

SERVICE_URL="$(gcloud run services describe "${SERVICE_NAME}" \
  --project "${PROJECT_ID}" --region "${REGION}" --format 'value(status.url)')"

log "Smoke test"
curl --fail --silent --show-error --max-time 10 "${SERVICE_URL}/healthz" >/dev/null \
  || die "health check failed at ${SERVICE_URL}/healthz"

log "Deployed ${SERVICE_NAME}"
echo "Service URL: ${SERVICE_URL}"
