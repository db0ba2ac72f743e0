#!/usr/bin/env bash
# Deploy Pattern Miner's HTTP service to Cloud Run, with a weekly Cloud Scheduler run.
#
#   export GCP_PROJECT_ID="your-project-id"
#   export GITHUB_TOKEN="ghp_xxxxx"              # stored in Secret Manager, never passed on a command line
#   export ANTHROPIC_API_KEY="sk-ant-xxxxx"      # optional: the offline advisor works without it
#   export DEV_NEXUS_URL="https://dev-nexus-xxxxx.run.app"   # optional
#   ./deploy-gcp.sh [--dry-run] [--allow-unauthenticated] [--no-schedule]
#
# What it does (each step is idempotent: run it again to redeploy):
#   1. enables the APIs; creates the Artifact Registry repository and two service accounts
#      (the service's runtime identity, and the scheduler's invoker identity) when missing
#   2. stores GITHUB_TOKEN, ANTHROPIC_API_KEY, DEV_NEXUS_TOKEN and the config file in Secret Manager
#      (a new version when the secret exists; an unset variable keeps the existing secret)
#   3. builds and pushes the image with Cloud Build
#   4. deploys the service: authenticated-only unless --allow-unauthenticated; secrets as environment
#      variables, the config mounted as a file; uvicorn pattern_miner.app:app on port 8080
#   5. lets the scheduler account invoke it, and creates or updates a weekly Cloud Scheduler job that
#      POSTs /api/mine-patterns with an OIDC token whose audience is the service URL
# The service's state file lives in CACHE_DIR on the instance's disk; when an instance is replaced, the
# next run rebuilds the history from the bot's own issues.
#
# Settings (environment): GCP_PROJECT_ID (required), GCP_REGION (us-central1), SERVICE_NAME
# (pattern-miner), ARTIFACT_REPOSITORY (pattern-miner), IMAGE_TAG (a UTC timestamp), CONFIG_FILE
# (config/repositories.json), SCHEDULE ("0 9 * * 1"), SCHEDULE_TIME_ZONE (Etc/UTC), ISSUE_REPO,
# ISSUE_TARGET, MEMORY (1Gi), GITHUB_TOKEN, ANTHROPIC_API_KEY, DEV_NEXUS_URL, DEV_NEXUS_TOKEN.
set -euo pipefail

usage() {
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
}

die() {
    echo "deploy-gcp.sh: $*" >&2
    exit 1
}

DRY_RUN=0
ALLOW_UNAUTHENTICATED=0
SCHEDULE_JOB=1
while (($#)); do
    case "$1" in
        --dry-run) DRY_RUN=1 ;;
        --allow-unauthenticated) ALLOW_UNAUTHENTICATED=1 ;;
        --no-schedule) SCHEDULE_JOB=0 ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            usage >&2
            die "unknown option: $1"
            ;;
    esac
    shift
done

PROJECT="${GCP_PROJECT_ID:-}"
[[ -n "$PROJECT" ]] || die "GCP_PROJECT_ID is not set"
command -v gcloud >/dev/null 2>&1 || ((DRY_RUN)) || die "gcloud is not installed (https://cloud.google.com/sdk)"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REGION="${GCP_REGION:-us-central1}"
SERVICE="${SERVICE_NAME:-pattern-miner}"
REPOSITORY="${ARTIFACT_REPOSITORY:-pattern-miner}"
TAG="${IMAGE_TAG:-$(date -u +%Y%m%d-%H%M%S)}"
IMAGE="${REGION}-docker.pkg.dev/${PROJECT}/${REPOSITORY}/${SERVICE}:${TAG}"
CONFIG_FILE="${CONFIG_FILE:-${HERE}/config/repositories.json}"
CONFIG_MOUNT="/etc/pattern-miner/repositories.json"
SCHEDULE="${SCHEDULE:-0 9 * * 1}"
TIME_ZONE="${SCHEDULE_TIME_ZONE:-Etc/UTC}"
JOB="${SERVICE}-weekly"
RUNTIME_SA_NAME="${SERVICE}-run"
INVOKER_SA_NAME="${SERVICE}-invoker"
RUNTIME_SA="${RUNTIME_SA_NAME}@${PROJECT}.iam.gserviceaccount.com"
INVOKER_SA="${INVOKER_SA_NAME}@${PROJECT}.iam.gserviceaccount.com"
SECRET_GITHUB="${SERVICE}-github-token"
SECRET_ANTHROPIC="${SERVICE}-anthropic-api-key"
SECRET_DEV_NEXUS="${SERVICE}-dev-nexus-token"
SECRET_CONFIG="${SERVICE}-config"

[[ -f "$CONFIG_FILE" ]] || die "config file $CONFIG_FILE not found (set CONFIG_FILE)"
[[ -f "$HERE/Dockerfile" ]] || die "no Dockerfile in $HERE to build the image from"

# Run a command, or with --dry-run print it (shell-quoted) instead.
run() {
    if ((DRY_RUN)); then
        printf '+'
        printf ' %q' "$@"
        printf '\n'
    else
        "$@"
    fi
}

# Whether a resource exists (a describe command that succeeds). A dry run assumes it does not.
exists() {
    ((DRY_RUN)) && return 1
    "$@" >/dev/null 2>&1
}

# ensure_secret NAME VALUE: a new version of NAME holding VALUE, read from stdin (never an argument).
ensure_secret() {
    local name="$1" value="$2"
    if exists gcloud secrets describe "$name" --project "$PROJECT"; then
        printf '%s' "$value" | run gcloud secrets versions add "$name" --data-file=- --project "$PROJECT"
    else
        printf '%s' "$value" | run gcloud secrets create "$name" --replication-policy automatic \
            --data-file=- --project "$PROJECT"
    fi
    ((DRY_RUN)) && echo "  (the value is read from stdin, never from the command line)"
    return 0
}

# use_secret VAR NAME VALUE: store VALUE when given, else keep an existing secret; prints VAR=NAME:latest.
SECRETS=()
use_secret() {
    local var="$1" name="$2" value="$3"
    if [[ -n "$value" ]]; then
        echo "==> Secret $name ($var)"
        ensure_secret "$name" "$value"
    elif ! exists gcloud secrets describe "$name" --project "$PROJECT"; then
        return 1
    fi
    SECRETS+=("${var}=${name}:latest")
    run gcloud secrets add-iam-policy-binding "$name" --member "serviceAccount:${RUNTIME_SA}" \
        --role roles/secretmanager.secretAccessor --project "$PROJECT" --format none
}

echo "==> Enabling APIs in $PROJECT"
run gcloud services enable run.googleapis.com cloudbuild.googleapis.com artifactregistry.googleapis.com \
    secretmanager.googleapis.com cloudscheduler.googleapis.com iam.googleapis.com --project "$PROJECT"

if ! exists gcloud artifacts repositories describe "$REPOSITORY" --location "$REGION" --project "$PROJECT"; then
    echo "==> Creating Artifact Registry repository $REPOSITORY"
    run gcloud artifacts repositories create "$REPOSITORY" --repository-format docker --location "$REGION" \
        --description "Pattern Miner images" --project "$PROJECT"
fi

for sa in "$RUNTIME_SA_NAME:Pattern Miner service" "$INVOKER_SA_NAME:Pattern Miner scheduler"; do
    name="${sa%%:*}"
    if ! exists gcloud iam service-accounts describe "${name}@${PROJECT}.iam.gserviceaccount.com" --project "$PROJECT"; then
        echo "==> Creating service account $name"
        run gcloud iam service-accounts create "$name" --display-name "${sa#*:}" --project "$PROJECT"
    fi
done

use_secret GITHUB_TOKEN "$SECRET_GITHUB" "${GITHUB_TOKEN:-}" ||
    die "GITHUB_TOKEN is not set and secret $SECRET_GITHUB does not exist yet"
use_secret ANTHROPIC_API_KEY "$SECRET_ANTHROPIC" "${ANTHROPIC_API_KEY:-}" ||
    echo "==> No ANTHROPIC_API_KEY: recommendations come from the offline advisor"
use_secret DEV_NEXUS_TOKEN "$SECRET_DEV_NEXUS" "${DEV_NEXUS_TOKEN:-}" || true

echo "==> Secret $SECRET_CONFIG (from $CONFIG_FILE)"
if exists gcloud secrets describe "$SECRET_CONFIG" --project "$PROJECT"; then
    run gcloud secrets versions add "$SECRET_CONFIG" --data-file "$CONFIG_FILE" --project "$PROJECT"
else
    run gcloud secrets create "$SECRET_CONFIG" --replication-policy automatic --data-file "$CONFIG_FILE" \
        --project "$PROJECT"
fi
run gcloud secrets add-iam-policy-binding "$SECRET_CONFIG" --member "serviceAccount:${RUNTIME_SA}" \
    --role roles/secretmanager.secretAccessor --project "$PROJECT" --format none
SECRETS+=("${CONFIG_MOUNT}=${SECRET_CONFIG}:latest")

echo "==> Building and pushing $IMAGE"
run gcloud builds submit "$HERE" --tag "$IMAGE" --project "$PROJECT"

ENV_VARS="CONFIG=${CONFIG_MOUNT},CACHE_DIR=/tmp/pattern-miner"
[[ -n "${DEV_NEXUS_URL:-}" ]] && ENV_VARS+=",DEV_NEXUS_URL=${DEV_NEXUS_URL}"
[[ -n "${ISSUE_REPO:-}" ]] && ENV_VARS+=",ISSUE_REPO=${ISSUE_REPO}"
[[ -n "${ISSUE_TARGET:-}" ]] && ENV_VARS+=",ISSUE_TARGET=${ISSUE_TARGET}"
if [[ -z "${ISSUE_REPO:-}" && -z "${ISSUE_TARGET:-}" ]]; then
    echo "==> Note: set ISSUE_REPO (owner/name) or ISSUE_TARGET=per-repo so runs can open issues" >&2
fi
AUTH_FLAG="--no-allow-unauthenticated"
((ALLOW_UNAUTHENTICATED)) && AUTH_FLAG="--allow-unauthenticated"
SECRET_LIST="$(IFS=,; echo "${SECRETS[*]}")"

echo "==> Deploying $SERVICE to Cloud Run ($REGION)"
# CPU stays allocated after a response (--no-cpu-throttling): a run started by a 202 goes on in the background.
run gcloud run deploy "$SERVICE" --image "$IMAGE" --region "$REGION" --project "$PROJECT" \
    --service-account "$RUNTIME_SA" "$AUTH_FLAG" \
    --command uvicorn --args "pattern_miner.app:app,--host,0.0.0.0,--port,8080" --port 8080 \
    --memory "${MEMORY:-1Gi}" --cpu 1 --timeout 3600 --max-instances 1 --no-cpu-throttling \
    --set-env-vars "$ENV_VARS" --set-secrets "$SECRET_LIST"

if ((DRY_RUN)); then
    URL="https://${SERVICE}-PROJECT_HASH.${REGION}.run.app"
    run gcloud run services describe "$SERVICE" --region "$REGION" --project "$PROJECT" --format 'value(status.url)'
else
    URL="$(gcloud run services describe "$SERVICE" --region "$REGION" --project "$PROJECT" \
        --format 'value(status.url)')"
    [[ -n "$URL" ]] || die "could not read the URL of service $SERVICE"
fi

if ((SCHEDULE_JOB)); then
    echo "==> Weekly run: Cloud Scheduler job $JOB ($SCHEDULE, $TIME_ZONE)"
    run gcloud run services add-iam-policy-binding "$SERVICE" --region "$REGION" --project "$PROJECT" \
        --member "serviceAccount:${INVOKER_SA}" --role roles/run.invoker --format none
    verb=create
    exists gcloud scheduler jobs describe "$JOB" --location "$REGION" --project "$PROJECT" && verb=update
    run gcloud scheduler jobs "$verb" http "$JOB" --location "$REGION" --project "$PROJECT" \
        --schedule "$SCHEDULE" --time-zone "$TIME_ZONE" --uri "${URL}/api/mine-patterns" --http-method POST \
        --oidc-service-account-email "$INVOKER_SA" --oidc-token-audience "$URL" --attempt-deadline 300s
fi

if [[ -n "${DEV_NEXUS_URL:-}" ]]; then
    echo "==> If dev-nexus is an authenticated Cloud Run service, let ${RUNTIME_SA} invoke it (roles/run.invoker)"
fi
echo "==> Done: $URL"
echo "    curl -X POST -H \"Authorization: Bearer \$(gcloud auth print-identity-token)\" ${URL}/api/mine-patterns"
