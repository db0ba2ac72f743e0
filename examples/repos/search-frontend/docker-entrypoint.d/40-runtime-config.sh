#!/bin/sh
# Write the runtime config the SPA reads at startup; secrets come from Cloud Run env vars.
set -eu
cat > /usr/share/nginx/html/runtime-config.js <<JS
window.__RUNTIME_CONFIG__ = {
  targetEnv: "${TARGET_ENV:-local}",
  sentryDsn: "${SENTRY_DSN:-}"
};
JS
