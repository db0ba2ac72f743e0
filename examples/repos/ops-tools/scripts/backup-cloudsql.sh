#!/usr/bin/env bash
# Export a Cloud SQL database to GCS and keep the newest N exports.
#
#   ./scripts/backup-cloudsql.sh acme-prod acme-prod-pg orders 14
set -euo pipefail
SCRIPT_NAME="backup-cloudsql"
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

PROJECT="${1:?project}"
INSTANCE="${2:?instance}"
DATABASE="${3:?database}"
KEEP="${4:-7}"
BUCKET="gs://${PROJECT}-sql-exports"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OBJECT="${BUCKET}/${INSTANCE}/${DATABASE}/${STAMP}.sql.gz"

require gcloud gsutil

log "exporting ${DATABASE} from ${INSTANCE} to ${OBJECT}"
retry 3 gcloud sql export sql "${INSTANCE}" "${OBJECT}" \
  --project "${PROJECT}" --database "${DATABASE}" --offload

log "pruning exports beyond the newest ${KEEP}"
mapfile -t old < <(gsutil ls "${BUCKET}/${INSTANCE}/${DATABASE}/" | sort -r | tail -n +"$(( KEEP + 1 ))")
for object in "${old[@]}"; do
  log "deleting ${object}"
  gsutil -q rm "${object}"
done
log "done: $(( ${#old[@]} )) old export(s) removed"
