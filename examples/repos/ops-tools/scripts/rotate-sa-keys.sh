#!/usr/bin/env bash
# Rotate user-managed keys of a service account: create a new key, store it as a new secret
# version, then disable keys older than MAX_AGE_DAYS.
set -euo pipefail
SCRIPT_NAME="rotate-sa-keys"
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

SA_EMAIL="${1:?service account email}"
SECRET_ID="${2:?secret that stores the key}"
MAX_AGE_DAYS="${MAX_AGE_DAYS:-90}"
PROJECT="$(cut -d@ -f2 <<<"${SA_EMAIL}" | cut -d. -f1)"
TMP_KEY="$(mktemp)"
trap 'rm -f "${TMP_KEY}"' EXIT

require gcloud jq

confirm "Rotate keys of ${SA_EMAIL} (project ${PROJECT})?" || fail "aborted"

log "creating a new key"
gcloud iam service-accounts keys create "${TMP_KEY}" --iam-account "${SA_EMAIL}" --project "${PROJECT}"
gcloud secrets versions add "${SECRET_ID}" --data-file "${TMP_KEY}" --project "${PROJECT}"

cutoff="$(date -u -d "-${MAX_AGE_DAYS} days" +%Y-%m-%dT%H:%M:%SZ)"
log "disabling keys created before ${cutoff}"
gcloud iam service-accounts keys list --iam-account "${SA_EMAIL}" --managed-by user --format json \
  | jq -r --arg cutoff "${cutoff}" '.[] | select(.validAfterTime < $cutoff and (.disabled | not)) | .name | split("/") | last' \
  | while read -r key_id; do
      log "disabling ${key_id}"
      gcloud iam service-accounts keys disable "${key_id}" --iam-account "${SA_EMAIL}" --project "${PROJECT}" --quiet
    done
