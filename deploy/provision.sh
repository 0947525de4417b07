#!/usr/bin/env bash
# OSLRS — bring a bare Ubuntu 24.04 server to a running registry. Safe to run again: every step
# checks what is already there, keeps existing secrets and data, and only restarts what it changed.
#
#   sudo deploy/provision.sh                                  from a checkout of the repository
#   sudo OSLRS_DOMAIN=registry.oyostate.gov.ng LETSENCRYPT_EMAIL=ops@... deploy/provision.sh
#
# Settings (environment):
#   OSLRS_DOMAIN         public host name; with LETSENCRYPT_EMAIL, HTTPS via certbot (else plain HTTP)
#   LETSENCRYPT_EMAIL    account e-mail for Let's Encrypt
#   OSLRS_ADMIN_EMAIL    the first super admin (default admin@<domain>, or admin@oslrs.local)
#   OSLRS_REPO, OSLRS_REF  git URL and branch/tag to deploy; default: copy this checkout
#   OSLRS_DIR            where the app lives (default /opt/oslrs)
#   OSLRS_FIREWALL=1     enable ufw with SSH + HTTP(S) only (off by default: check your SSH port first)
#   OSLRS_SKIP_SWAP=1    do not create the 2 GB swap file
#   OSLRS_API_NODES=...  this NGINX balances across several API nodes, "10.0.0.2:3000,10.0.0.3:3000"
#                        (RUNBOOK.md, "When to add a node, and how"); default: the local PM2 cluster
# See deploy/RUNBOOK.md for what each step is for and how to operate the result.
set -euo pipefail

SRC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APP_DIR="${OSLRS_DIR:-/opt/oslrs}"
APP_USER=deploy
ENV_DIR=/etc/oslrs
ENV_FILE="$ENV_DIR/oslrs.env"
LOG_DIR=/var/log/oslrs
ACME_ROOT=/var/www/letsencrypt
PG_VERSION=16
DOMAIN="${OSLRS_DOMAIN:-}"
NODE_MAJOR=24

log() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() {
  printf 'provision: %s\n' "$*" >&2
  exit 1
}
as_app() { sudo -u "$APP_USER" -H bash -lc "$*"; }
secret() { openssl rand -hex "${1:-24}"; }
# Install a file only when its content differs; returns 0 (true) when it changed.
install_if_changed() {
  local src="$1" dest="$2" mode="${3:-0644}"
  if [ -f "$dest" ] && cmp -s "$src" "$dest"; then return 1; fi
  install -D -m "$mode" "$src" "$dest"
  note "installed $dest"
  return 0
}

[ "$(id -u)" -eq 0 ] || die "run as root (sudo)"
[ -f "$SRC_DIR/deploy/pm2/ecosystem.config.cjs" ] || die "run from a checkout of the repository"
if [ -r /etc/os-release ]; then
  # shellcheck disable=SC1091
  . /etc/os-release
  if [ "${ID:-}" != ubuntu ] || [ "${VERSION_ID:-}" != "24.04" ]; then
    note "warning: written for Ubuntu 24.04, this is ${PRETTY_NAME:-unknown}"
  fi
fi
export DEBIAN_FRONTEND=noninteractive

# ------------------------------------------------------------------------------------------------
log "packages"
apt-get update -qq
apt-get install -y -qq ca-certificates curl gnupg git rsync openssl build-essential python3 \
  nginx "postgresql-$PG_VERSION" postgresql-client redis-server logrotate >/dev/null
if [ -n "$DOMAIN" ] && [ -n "${LETSENCRYPT_EMAIL:-}" ]; then apt-get install -y -qq certbot >/dev/null; fi

node_major() { command -v node >/dev/null && node -p 'process.versions.node.split(".")[0]' || echo 0; }
if [ "$(node_major)" -lt "$NODE_MAJOR" ]; then
  # Ubuntu 24.04 ships Node 18. NodeSource's apt repository, pinned to the 24.x line (LTS): the
  # line CI tests on (.ci/run). On Node 20 each API process settled into a fast or a slow request
  # path at random, and Node 20's support has ended (docs/capacity.md).
  log "Node.js $NODE_MAJOR from NodeSource"
  install -d -m 0755 /etc/apt/keyrings
  curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor --yes -o /etc/apt/keyrings/nodesource.gpg
  echo "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_$NODE_MAJOR.x nodistro main" \
    >/etc/apt/sources.list.d/nodesource.list
  apt-get update -qq
  apt-get install -y -qq nodejs >/dev/null
fi
note "node $(node --version), npm $(npm --version)"

# ------------------------------------------------------------------------------------------------
log "operating system tuning"
if install_if_changed "$SRC_DIR/deploy/os/sysctl.d/90-oslrs.conf" /etc/sysctl.d/90-oslrs.conf; then
  sysctl --system >/dev/null
fi
install_if_changed "$SRC_DIR/deploy/os/limits.d/oslrs.conf" /etc/security/limits.d/oslrs.conf || true
install_if_changed "$SRC_DIR/deploy/os/logrotate.d/oslrs" /etc/logrotate.d/oslrs || true
if [ "${OSLRS_SKIP_SWAP:-0}" != 1 ]; then bash "$SRC_DIR/deploy/os/swap.sh"; fi

# ------------------------------------------------------------------------------------------------
log "user $APP_USER and directories"
if ! id "$APP_USER" >/dev/null 2>&1; then
  useradd --create-home --home-dir "/home/$APP_USER" --shell /bin/bash "$APP_USER"
  note "created user $APP_USER"
fi
install -d -o "$APP_USER" -g "$APP_USER" -m 0755 "$APP_DIR" "$LOG_DIR"
install -d -o root -g "$APP_USER" -m 0750 "$ENV_DIR"
install -d -m 0755 "$ACME_ROOT"

# ------------------------------------------------------------------------------------------------
log "application code in $APP_DIR"
if [ -n "${OSLRS_REPO:-}" ]; then
  if [ -d "$APP_DIR/.git" ]; then
    as_app "cd '$APP_DIR' && git fetch --quiet origin && git checkout --quiet '${OSLRS_REF:-main}' && git pull --quiet --ff-only"
  else
    as_app "git clone --quiet --branch '${OSLRS_REF:-main}' '$OSLRS_REPO' '$APP_DIR'"
  fi
elif [ "$SRC_DIR" != "$APP_DIR" ]; then
  rsync -a --delete --exclude node_modules --exclude dist --exclude data --exclude .env "$SRC_DIR/" "$APP_DIR/"
  chown -R "$APP_USER:$APP_USER" "$APP_DIR"
fi
as_app "cd '$APP_DIR' && npm ci --no-audit --no-fund && npm run build"

# ------------------------------------------------------------------------------------------------
log "PostgreSQL $PG_VERSION"
PG_CONF_DIR="/etc/postgresql/$PG_VERSION/main/conf.d"
[ -d "$PG_CONF_DIR" ] || die "no PostgreSQL $PG_VERSION cluster at /etc/postgresql/$PG_VERSION/main"
systemctl enable --quiet --now postgresql
if install_if_changed "$SRC_DIR/deploy/postgres/oslrs.conf" "$PG_CONF_DIR/oslrs.conf"; then
  # shared_buffers, max_connections and shared_preload_libraries need a restart.
  systemctl restart "postgresql@$PG_VERSION-main"
fi
psql_admin() { sudo -u postgres psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# Secrets: reuse what the env file already holds, so a second run changes nothing.
env_get() {
  if [ -f "$ENV_FILE" ]; then sed -n "s/^$1=//p" "$ENV_FILE" | tail -1 | sed 's/^"\(.*\)"$/\1/'; fi
}
url_user() { sed -n 's#^postgres://\([^:@/]*\)[:@].*#\1#p'; }
url_password() { sed -n 's#^postgres://[^:/]*:\([^@]*\)@.*#\1#p'; }
# Two roles: `oslrs` owns the schema (migrations, bootstrap, backups: DATABASE_OWNER_URL) and
# `oslrs_app` is what the app's pool connects as (DATABASE_URL): no ownership, so it cannot switch
# the audit log's triggers off, and only INSERT and SELECT on audit_log (the API grants this at start).
DB_PASSWORD=""
APP_DB_PASSWORD=""
if [ -n "$(env_get DATABASE_OWNER_URL)" ]; then
  DB_PASSWORD="$(env_get DATABASE_OWNER_URL | url_password)"
  APP_DB_PASSWORD="$(env_get DATABASE_URL | url_password)"
elif [ "$(env_get DATABASE_URL | url_user)" = oslrs ]; then
  # An env file from before the two roles: DATABASE_URL was the owner's.
  DB_PASSWORD="$(env_get DATABASE_URL | url_password)"
fi
DB_PASSWORD="${DB_PASSWORD:-$(secret 24)}"
APP_DB_PASSWORD="${APP_DB_PASSWORD:-$(secret 24)}"
REDIS_PASSWORD="$(env_get REDIS_URL | sed -n 's#^redis://:\([^@]*\)@.*#\1#p')"
REDIS_PASSWORD="${REDIS_PASSWORD:-$(secret 24)}"

ensure_role() {
  local role="$1" password="$2"
  if [ "$(psql_admin -tAc "select 1 from pg_roles where rolname = '$role'")" != 1 ]; then
    psql_admin -c "create role $role login password '$password'"
    note "created role $role"
  else
    psql_admin -c "alter role $role login password '$password'"
  fi
}
ensure_role oslrs "$DB_PASSWORD"
ensure_role oslrs_app "$APP_DB_PASSWORD"
# The app role must not be able to become the owner (the API refuses to start if it can).
psql_admin -c "alter role oslrs_app nosuperuser nocreatedb nocreaterole noreplication nobypassrls"
if [ "$(psql_admin -tAc "select pg_has_role('oslrs_app', 'oslrs', 'MEMBER')")" = t ]; then
  psql_admin -c "revoke oslrs from oslrs_app"
fi
if [ "$(psql_admin -tAc "select 1 from pg_database where datname = 'oslrs'")" != 1 ]; then
  psql_admin -c "create database oslrs owner oslrs encoding 'UTF8' template template0"
  note "created database oslrs"
fi
psql_admin -d oslrs -c "create extension if not exists pg_stat_statements"

# ------------------------------------------------------------------------------------------------
log "Redis"
redis_changed=0
if install_if_changed "$SRC_DIR/deploy/redis/redis.conf" /etc/redis/oslrs.conf 0640; then redis_changed=1; fi
chgrp redis /etc/redis/oslrs.conf
AUTH_CONF=/etc/redis/oslrs-auth.conf
if [ ! -f "$AUTH_CONF" ] || ! grep -qxF "requirepass $REDIS_PASSWORD" "$AUTH_CONF"; then
  umask 027
  printf 'requirepass %s\n' "$REDIS_PASSWORD" >"$AUTH_CONF"
  umask 022
  chgrp redis "$AUTH_CONF"
  redis_changed=1
fi
for inc in /etc/redis/oslrs.conf "$AUTH_CONF"; do
  if ! grep -qxF "include $inc" /etc/redis/redis.conf; then
    printf '\n# OSLRS (deploy/provision.sh): last, so it overrides the defaults above\ninclude %s\n' "$inc" >>/etc/redis/redis.conf
    redis_changed=1
  fi
done
systemctl enable --quiet redis-server
if [ "$redis_changed" = 1 ]; then systemctl restart redis-server; else systemctl start redis-server; fi

# ------------------------------------------------------------------------------------------------
log "environment file $ENV_FILE"
ADMIN_PASSWORD_SHOWN=""
if [ ! -f "$ENV_FILE" ]; then
  ADMIN_EMAIL="${OSLRS_ADMIN_EMAIL:-admin@${DOMAIN:-oslrs.local}}"
  ADMIN_PASSWORD="$(secret 12)"
  ADMIN_PASSWORD_SHOWN="$ADMIN_PASSWORD"
  if [ -n "$DOMAIN" ] && [ -n "${LETSENCRYPT_EMAIL:-}" ]; then PUBLIC_URL="https://$DOMAIN"; else
    PUBLIC_URL="http://${DOMAIN:-$(hostname -I | awk '{print $1}')}"
  fi
  umask 027
  cat >"$ENV_FILE" <<ENV
# OSLRS configuration, read by deploy/pm2/ecosystem.config.cjs (every variable: apps/api/src/config.ts).
# Written by provision.sh on $(date -u +%F); edit, then: pm2 reload $APP_DIR/deploy/pm2/ecosystem.config.cjs --update-env
HOST=127.0.0.1
PORT=3000
PUBLIC_URL=$PUBLIC_URL
# The app connects as oslrs_app; migrations, bootstrap, backups and restores as the owner oslrs.
DATABASE_URL=postgres://oslrs_app:$APP_DB_PASSWORD@127.0.0.1:5432/oslrs
DATABASE_OWNER_URL=postgres://oslrs:$DB_PASSWORD@127.0.0.1:5432/oslrs
# A streaming replica for marketplace reads (the primary's roles are replicated: oslrs_app works there):
# DATABASE_REPLICA_URL=postgres://oslrs_app:...@replica:5432/oslrs
# REPLICA_MAX_LAG_MS=5000
DB_POOL_MAX=10
REDIS_URL=redis://:$REDIS_PASSWORD@127.0.0.1:6379
REDIS_PREFIX=oslrs:
TRUST_PROXY=loopback
OSLRS_ADMIN_EMAIL=$ADMIN_EMAIL
OSLRS_ADMIN_PASSWORD=$ADMIN_PASSWORD
WORKER_CONCURRENCY=8
LOG_LEVEL=info
# NINs and phones are sealed with NIN_ENCRYPTION_KEY and found by an HMAC under NIN_INDEX_KEY.
# Losing them loses every NIN: keep a copy apart from the backups. Rotation: deploy/RUNBOOK.md.
NIN_ENCRYPTION_KEY=$(openssl rand -base64 32)
NIN_INDEX_KEY=$(openssl rand -base64 32)
# Read by the PM2 ecosystem file itself:
OSLRS_API_INSTANCES=max
OSLRS_LOG_DIR=$LOG_DIR
ENV
  umask 022
  chown root:"$APP_USER" "$ENV_FILE"
  chmod 0640 "$ENV_FILE"
  note "written (secrets generated)"
elif [ -z "$(env_get DATABASE_OWNER_URL)" ] && [ "$(env_get DATABASE_URL | url_user)" = oslrs ]; then
  # From before the two roles: the owner's URL moves to DATABASE_OWNER_URL, and DATABASE_URL becomes
  # the same address with the app role. Everything else in the file stays as it is.
  OWNER_URL="$(env_get DATABASE_URL)"
  APP_URL="$(printf '%s' "$OWNER_URL" | sed "s#^postgres://oslrs:[^@]*@#postgres://oslrs_app:$APP_DB_PASSWORD@#")"
  NEW_ENV="$(mktemp "$ENV_DIR/.oslrs.env.XXXXXX")"
  awk -v app="$APP_URL" -v owner="$OWNER_URL" '
    /^(export[ \t]+)?DATABASE_URL[ \t]*=/ && !done {
      print "# The app connects as oslrs_app; migrations, bootstrap, backups and restores as the owner oslrs."
      print "DATABASE_URL=" app
      print "DATABASE_OWNER_URL=" owner
      done = 1
      next
    }
    { print }' "$ENV_FILE" >"$NEW_ENV"
  chown root:"$APP_USER" "$NEW_ENV"
  chmod 0640 "$NEW_ENV"
  mv "$NEW_ENV" "$ENV_FILE"
  note "DATABASE_URL now connects as oslrs_app; the owner oslrs moved to DATABASE_OWNER_URL"
else
  note "kept as it is"
fi
# An env file from before NIN encryption: add the two keys once (never replaced: they unlock the data).
if [ -z "$(env_get NIN_ENCRYPTION_KEY)" ]; then
  {
    printf '\n# Added by provision.sh on %s: NIN/phone sealing keys (deploy/RUNBOOK.md, keys). Keep a copy apart from the backups.\n' "$(date -u +%F)"
    printf 'NIN_ENCRYPTION_KEY=%s\nNIN_INDEX_KEY=%s\n' "$(openssl rand -base64 32)" "$(openssl rand -base64 32)"
  } >>"$ENV_FILE"
  note "NIN_ENCRYPTION_KEY and NIN_INDEX_KEY generated: copy them somewhere safe, apart from the backups"
fi
if [ "$(env_get DATABASE_URL | url_user)" != oslrs_app ]; then
  note "warning: DATABASE_URL does not connect as oslrs_app: the app may own the audit log (RUNBOOK.md, database roles)"
fi

# ------------------------------------------------------------------------------------------------
log "NGINX"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
render() {
  node "$SRC_DIR/deploy/render.mjs" --out "$STAGE" WEB_ROOT="$APP_DIR/apps/web/dist" \
    SERVER_NAME="${DOMAIN:-_}" ACME_ROOT="$ACME_ROOT" API_NODES="${OSLRS_API_NODES:-}" >/dev/null
}
render
nginx_changed=0
if [ ! -f /etc/nginx/nginx.conf.dist ]; then cp -a /etc/nginx/nginx.conf /etc/nginx/nginx.conf.dist; fi
cp -a /etc/nginx/nginx.conf "$STAGE/nginx.conf.previous"
if install_if_changed "$STAGE/nginx.conf" /etc/nginx/nginx.conf; then nginx_changed=1; fi
for f in "$STAGE"/snippets/*.conf "$STAGE"/sites-available/*.conf; do
  dest="/etc/nginx/$(basename "$(dirname "$f")")/$(basename "$f")"
  if install_if_changed "$f" "$dest"; then nginx_changed=1; fi
done
CERT_DIR="/etc/letsencrypt/live/$DOMAIN"
site=oslrs.conf
if [ -n "$DOMAIN" ] && [ -f "$CERT_DIR/fullchain.pem" ]; then site=oslrs-tls.conf; fi
enable_site() {
  local want="$1" other
  for other in oslrs.conf oslrs-tls.conf default; do
    if [ "$other" != "$want" ] && [ -e "/etc/nginx/sites-enabled/$other" ]; then
      rm -f "/etc/nginx/sites-enabled/$other"
      nginx_changed=1
    fi
  done
  if [ "$(readlink "/etc/nginx/sites-enabled/$want" 2>/dev/null)" != "/etc/nginx/sites-available/$want" ]; then
    ln -sfn "/etc/nginx/sites-available/$want" "/etc/nginx/sites-enabled/$want"
    nginx_changed=1
  fi
}
reload_nginx() {
  if ! nginx -t 2>"$STAGE/nginx-t.log"; then
    cat "$STAGE/nginx-t.log" >&2
    cp -a "$STAGE/nginx.conf.previous" /etc/nginx/nginx.conf
    die "nginx -t failed: the previous nginx.conf is back; the running NGINX was not touched"
  fi
  systemctl enable --quiet nginx
  if systemctl is-active --quiet nginx; then systemctl reload nginx; else systemctl start nginx; fi
}
enable_site "$site"
if [ "$nginx_changed" = 1 ] || ! systemctl is-active --quiet nginx; then reload_nginx; fi
note "site: $site"

# HTTPS: the first certificate through the plain site's ACME location, then switch to the TLS site.
if [ -n "$DOMAIN" ] && [ -n "${LETSENCRYPT_EMAIL:-}" ] && [ ! -f "$CERT_DIR/fullchain.pem" ]; then
  log "Let's Encrypt certificate for $DOMAIN"
  certbot certonly --webroot -w "$ACME_ROOT" -d "$DOMAIN" --email "$LETSENCRYPT_EMAIL" \
    --agree-tos --non-interactive --no-eff-email
  install -d /etc/letsencrypt/renewal-hooks/deploy
  printf '#!/bin/sh\nnginx -t && systemctl reload nginx\n' >/etc/letsencrypt/renewal-hooks/deploy/oslrs-reload-nginx
  chmod 0755 /etc/letsencrypt/renewal-hooks/deploy/oslrs-reload-nginx
  enable_site oslrs-tls.conf
  reload_nginx
  note "site: oslrs-tls.conf"
fi

# ------------------------------------------------------------------------------------------------
log "PM2"
# PM2 itself is installed globally at the version the lockfile pins, so `npm ci` in the app
# directory (every update) never replaces the files of the running daemon.
PM2_VERSION="$(node -p "require('$APP_DIR/node_modules/pm2/package.json').version")"
# (Read the installed version from its package.json: `pm2 --version` would start a daemon for root.)
GLOBAL_PM2="$(npm root -g)/pm2/package.json"
if [ ! -f "$GLOBAL_PM2" ] || [ "$(node -p "require('$GLOBAL_PM2').version")" != "$PM2_VERSION" ]; then
  npm install -g --no-audit --no-fund "pm2@$PM2_VERSION" >/dev/null
fi
ECOSYSTEM="$APP_DIR/deploy/pm2/ecosystem.config.cjs"
if as_app "pm2 describe oslrs-api >/dev/null 2>&1"; then
  as_app "pm2 reload '$ECOSYSTEM' --update-env"
else
  as_app "pm2 start '$ECOSYSTEM'"
fi
as_app "pm2 save"
if [ ! -f "/etc/systemd/system/pm2-$APP_USER.service" ]; then
  env PATH="$PATH" pm2 startup systemd -u "$APP_USER" --hp "/home/$APP_USER" >/dev/null
fi
DROPIN="/etc/systemd/system/pm2-$APP_USER.service.d/oslrs.conf"
install -d "$(dirname "$DROPIN")"
cat >"$STAGE/pm2-dropin.conf" <<'UNIT'
# OSLRS (deploy/provision.sh): limits.d does not apply to systemd services.
[Service]
LimitNOFILE=65535
# Node's cluster scheduling in the PM2 daemon (the cluster master). Default rr: balanced. `none`
# avoids a request hanging until NGINX's proxy_read_timeout when a worker is killed (RUNBOOK.md).
#Environment=NODE_CLUSTER_SCHED_POLICY=none
UNIT
if install_if_changed "$STAGE/pm2-dropin.conf" "$DROPIN"; then systemctl daemon-reload; fi
systemctl enable --quiet "pm2-$APP_USER"

# ------------------------------------------------------------------------------------------------
if [ "${OSLRS_FIREWALL:-0}" = 1 ]; then
  log "firewall (ufw)"
  apt-get install -y -qq ufw >/dev/null
  ufw allow OpenSSH >/dev/null
  ufw allow 'Nginx Full' >/dev/null
  ufw --force enable >/dev/null
  note "$(ufw status | head -1)"
fi

# ------------------------------------------------------------------------------------------------
log "check"
if [ -e /etc/nginx/sites-enabled/oslrs-tls.conf ]; then
  check=(curl -fsS --resolve "$DOMAIN:443:127.0.0.1" "https://$DOMAIN/api/v1/health/ready")
else
  check=(curl -fsS -H "Host: ${DOMAIN:-localhost}" http://127.0.0.1/api/v1/health/ready)
fi
ok=0
for _ in $(seq 1 30); do
  if "${check[@]}" >/dev/null 2>&1; then
    ok=1
    break
  fi
  sleep 1
done
[ "$ok" = 1 ] || die "the registry does not answer /api/v1/health/ready through NGINX (pm2 logs; $LOG_DIR)"
note "ready: $(env_get PUBLIC_URL)"
if [ -n "$ADMIN_PASSWORD_SHOWN" ]; then
  note "first super admin: $(env_get OSLRS_ADMIN_EMAIL) / $ADMIN_PASSWORD_SHOWN"
  note "(also in $ENV_FILE; change it after signing in, then remove OSLRS_ADMIN_PASSWORD from the file)"
fi
