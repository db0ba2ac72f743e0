#!/usr/bin/env bash
# Deploy billing-worker to Cloud Run (push subscriber for the invoice-events topic).
#
#   GCP_PROJECT=acme-billing ./scripts/deploy-gcp.sh production
set -euo pipefail

DEPLOY_ENV="${1:-staging}"
GCP_PROJECT="${GCP_PROJECT:?set GCP_PROJECT}"
GCP_REGION="${GCP_REGION:-europe-west1}"
WORKER_SERVICE="billing-worker-${DEPLOY_ENV}"
IMAGE_URI="${GCP_REGION}-docker.pkg.dev/${GCP_PROJECT}/services/billing-worker:$(git rev-parse --short HEAD)"
RUNTIME_SA="billing-worker@${GCP_PROJECT}.iam.gserviceaccount.com"
TOPIC="invoice-events"
SECRETS=(ledger-api-token database-url)

log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

command -v gcloud >/dev/null 2>&1 || die "gcloud is not installed"

log "Checking secrets in Secret Manager"
for name in "${SECRETS[@]}"; do
  if ! gcloud secrets describe "${name}" --project "${GCP_PROJECT}" >/dev/null 2>&1; then
    die "secret '${name}' is missing: printf '%s' VALUE | gcloud secrets create ${name} --data-file=-"
  fi
done

log "Building ${IMAGE_URI}"
gcloud builds submit --project "${GCP_PROJECT}" --tag "${IMAGE_URI}" .

log "Deploying ${WORKER_SERVICE} to ${GCP_REGION}"
gcloud run deploy "${WORKER_SERVICE}" \
  --project "${GCP_PROJECT}" \
  --region "${GCP_REGION}" \
  --image "${IMAGE_URI}" \
  --service-account "${RUNTIME_SA}" \
  --platform managed \
  --no-allow-unauthenticated \
  --port 8080 \
  --memory 1Gi \
  --cpu 1 \
  --concurrency 10 \
  --min-instances 1 \
  --max-instances 5 \
  --set-env-vars "DEPLOY_ENV=${DEPLOY_ENV},LOG_LEVEL=info" \
  --set-secrets "LEDGER_API_TOKEN=ledger-api-token:latest,DATABASE_URL=database-url:latest"

SERVICE_URL="$(gcloud run services describe "${WORKER_SERVICE}" \
  --project "${GCP_PROJECT}" --region "${GCP_REGION}" --format 'value(status.url)')"

log "Smoke test"
curl --fail --silent --show-error --max-time 10 \
  -H "Authorization: Bearer $(gcloud auth print-identity-token)" "${SERVICE_URL}/healthz" >/dev/null \
  || die "health check failed at ${SERVICE_URL}/healthz"

log "Wiring Pub/Sub push subscription"
gcloud pubsub subscriptions describe "${WORKER_SERVICE}-push" --project "${GCP_PROJECT}" >/dev/null 2>&1 \
  || gcloud pubsub subscriptions create "${WORKER_SERVICE}-push" --project "${GCP_PROJECT}" --topic "${TOPIC}" \
       --push-endpoint "${SERVICE_URL}/pubsub" --push-auth-service-account "${RUNTIME_SA}"

log "Deployed ${WORKER_SERVICE}"
echo "Service URL: ${SERVICE_URL}"
