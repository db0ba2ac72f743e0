#!/bin/bash
# rendered by Terraform's templatefile()
set -euo pipefail
{{/* a Go-template comment */}}
export PROJECT_ID="${project_id}"
gcloud auth configure-docker ${region}-docker.pkg.dev --quiet
docker run -d --restart=always -p 8080:8080 \
  -e DATABASE_URL="${database_url}" \
  ${image}
