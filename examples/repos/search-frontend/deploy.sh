#!/usr/bin/env bash
# Build and deploy the search frontend (nginx serving the Vite build) to Cloud Run,
# then invalidate the CDN so users get the new bundle.
#
# Usage: PROJECT_ID=web-prod ./deploy.sh production
set -euo pipefail

TARGET_ENV="${1:-staging}"
PROJECT_ID="${PROJECT_ID:?set PROJECT_ID to the GCP project}"
RUN_REGION="${RUN_REGION:-us-east1}"
APP_NAME="search-frontend-${TARGET_ENV}"
IMAGE="gcr.io/${PROJECT_ID}/search-frontend:$(git rev-parse --short HEAD)"
SERVICE_ACCOUNT="search-frontend@${PROJECT_ID}.iam.gserviceaccount.com"
URL_MAP="web-${TARGET_ENV}-lb"
REQUIRED_SECRETS=(search-api-key sentry-dsn)

log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

command -v gcloud >/dev/null 2>&1 || die "gcloud is not installed"

log "Checking secrets in Secret Manager"
for secret in "${REQUIRED_SECRETS[@]}"; do
  if ! gcloud secrets describe "${secret}" --project "${PROJECT_ID}" >/dev/null 2>&1; then
    die "secret '${secret}' is missing: printf '%s' VALUE | gcloud secrets create ${secret} --data-file=-"
  fi
done

log "Building ${IMAGE}"
gcloud builds submit --project "${PROJECT_ID}" --tag "${IMAGE}" .

log "Deploying ${APP_NAME} to ${RUN_REGION}"
gcloud run deploy "${APP_NAME}" \
  --project "${PROJECT_ID}" \
  --region "${RUN_REGION}" \
  --image "${IMAGE}" \
  --service-account "${SERVICE_ACCOUNT}" \
  --platform managed \
  --allow-unauthenticated \
  --port 8080 \
  --memory 256Mi \
  --cpu 1 \
  --min-instances 1 \
  --max-instances 20 \
  --set-env-vars "TARGET_ENV=${TARGET_ENV}" \
  --set-secrets "SEARCH_API_KEY=search-api-key:latest,SENTRY_DSN=sentry-dsn:latest"

SERVICE_URL="$(gcloud run services describe "${APP_NAME}" \
  --project "${PROJECT_ID}" --region "${RUN_REGION}" --format 'value(status.url)')"

log "Smoke test"
curl --fail --silent --show-error --max-time 10 "${SERVICE_URL}/" >/dev/null \
  || die "the frontend did not answer at ${SERVICE_URL}/"

log "Invalidating CDN cache on ${URL_MAP}"
gcloud compute url-maps invalidate-cdn-cache "${URL_MAP}" --project "${PROJECT_ID}" --path "/*" --async

log "Deployed ${APP_NAME}"
echo "Service URL: ${SERVICE_URL}"
