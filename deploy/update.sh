#!/usr/bin/env bash
# OSLRS — zero-downtime update of one node, run as the deploy user in the app directory:
#
#   cd /opt/oslrs && deploy/update.sh            (git pull, install, build, pm2 reload, check)
#
# It is the RUNBOOK's `git pull && npm ci && npm run build && pm2 reload ... --update-env`, plus:
#  - the previous release's hashed bundles are kept beside the new ones, so a browser still running
#    the old app shell can load its lazy chunks until it picks up the new index.html;
#  - a failed build stops before the reload (the running workers keep serving the old code);
#  - the API is checked (readiness: PostgreSQL + Redis) at the end.
# Migrations run when each new API worker starts, under an advisory lock (apps/api/src/infra/db.ts),
# and are additive, so old and new workers can share the database during the reload.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

[ "$(id -u)" -ne 0 ] || {
  echo "update.sh: run as the deploy user (sudo -u deploy -H deploy/update.sh), not root" >&2
  exit 1
}

KEEP="$(mktemp -d)"
trap 'rm -rf "$KEEP"' EXIT
if [ -d apps/web/dist/assets ]; then cp -a apps/web/dist/assets "$KEEP/"; fi

before="$(git rev-parse --short HEAD)"
git pull --ff-only
after="$(git rev-parse --short HEAD)"
echo "update: $before -> $after"

npm ci --no-audit --no-fund
npm run build

# Old bundles back in (never overwriting a new file: names are content hashes). cp -a kept their
# build times, so bundles carried over for more than 14 days are dropped instead of piling up.
if [ -d "$KEEP/assets" ]; then
  find "$KEEP/assets" -type f -mtime +14 -delete
  cp -an "$KEEP/assets/." apps/web/dist/assets/
fi

pm2 reload deploy/pm2/ecosystem.config.cjs --update-env
pm2 save >/dev/null

for _ in $(seq 1 30); do
  if curl -fsS -o /dev/null http://127.0.0.1:"${PORT:-3000}"/api/v1/health/ready; then
    echo "update: $after is live"
    exit 0
  fi
  sleep 1
done
echo "update: /api/v1/health/ready does not answer; see pm2 logs oslrs-api" >&2
exit 1
