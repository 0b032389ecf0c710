#!/usr/bin/env bash
# `npm start`: everything a newcomer needs, on one machine, in development mode.
#   node deps → the embedded database + Redis → dev secrets + WeChat simulator (unless real WeChat credentials
#   are configured) → H5 build if stale → demo data → the API in the foreground (Ctrl-C stops it
#   and the simulator; the database and Redis keep running: `npm run services -- stop`).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$GANTRY_ROOT"

export NODE_ENV=development
DATA_DIR="${GANTRY_DATA_DIR:-$GANTRY_ROOT/.data}"
TSX="$GANTRY_ROOT/node_modules/.bin/tsx"
SIM_PID=""
API_PID=""

require_file() {
  [ -f "$1" ] || die "$1 is missing ($2); this checkout is incomplete"
}

# shellcheck disable=SC2317 # called from the traps
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$API_PID" ] && kill -0 "$API_PID" 2>/dev/null; then
    log "stopping the API"
    kill_group "$API_PID"
  fi
  if [ -n "$SIM_PID" ] && kill -0 "$SIM_PID" 2>/dev/null; then
    log "stopping the WeChat simulator"
    kill_group "$SIM_PID"
  fi
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# ---------------------------------------------------------------- 1. dependencies and services
ensure_node_deps
bash scripts/services.sh start
# Alternate service ports (GANTRY_*_PORT) reach the server through the variables it reads.
if [ -z "${MONGODB_URI:-}" ] && [ -n "${GANTRY_MONGO_PORT:-}" ]; then
  export MONGODB_URI="mongodb://127.0.0.1:$GANTRY_MONGO_PORT/gantry"
fi
if [ -z "${REDIS_URL:-}" ] && [ -n "${GANTRY_REDIS_PORT:-}" ]; then
  export REDIS_URL="redis://127.0.0.1:$GANTRY_REDIS_PORT"
fi
if [ -z "${DATA_DIR:-}" ] && [ -n "${GANTRY_DATA_DIR:-}" ]; then
  export DATA_DIR="$GANTRY_DATA_DIR"
fi

# ---------------------------------------------------------------- 2. WeChat: simulator or real
SIM_URL=""
if [ -z "${WECHAT_APP_SECRET:-}" ] && [ -z "${WECHAT_APP_SECRET_FILE:-}" ]; then
  require_file scripts/dev-secrets.ts "it generates the development secrets"
  require_file scripts/wechat-sim/main.ts "the local WeChat simulator"
  "$TSX" scripts/dev-secrets.ts "$DATA_DIR/secrets" >&2
  [ -f "$DATA_DIR/secrets/dev.env" ] || die "scripts/dev-secrets.ts did not write $DATA_DIR/secrets/dev.env"
  set -a
  # shellcheck disable=SC1091 # generated at run time
  . "$DATA_DIR/secrets/dev.env"
  set +a

  SIM_PORT="${GANTRY_SIMULATOR_PORT:-$(cfg services.simulatorPort default)}"
  SIM_URL="http://127.0.0.1:$SIM_PORT"
  export WECHAT_PAY_BASE_URL="${WECHAT_PAY_BASE_URL:-$SIM_URL}" # WeChat Pay v3 goes to the simulator too
  if [ -n "${GANTRY_SIMULATOR_PORT:-}" ]; then # config/development.json points at the default port
    export WECHAT_API_BASE_URL="${WECHAT_API_BASE_URL:-$SIM_URL}" WECOM_BASE_URL="${WECOM_BASE_URL:-$SIM_URL}"
    export H5_WECHAT_BRIDGE_URL="${H5_WECHAT_BRIDGE_URL:-$SIM_URL}"
  fi
  if http_ok "$SIM_URL/__sim/health"; then
    log "WeChat simulator: reusing the one already answering on $SIM_URL"
  else
    mkdir -p "$DATA_DIR/wechat-sim"
    log "WeChat simulator: starting on $SIM_URL (log $DATA_DIR/wechat-sim.log)"
    WECHAT_SIM_PORT="$SIM_PORT" WECHAT_APP_ID="$(cfg wechat.appId development)" \
      WECHAT_SIM_STATE_DIR="$DATA_DIR/wechat-sim" \
      setsid "$TSX" scripts/wechat-sim/main.ts </dev/null >>"$DATA_DIR/wechat-sim.log" 2>&1 &
    SIM_PID=$!
    deadline=$((SECONDS + 60))
    until http_ok "$SIM_URL/__sim/health"; do
      if ! kill -0 "$SIM_PID" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
        tail -n 30 "$DATA_DIR/wechat-sim.log" >&2 || true
        die "the WeChat simulator did not answer on $SIM_URL/__sim/health (log above)"
      fi
      sleep 0.3
    done
    log "WeChat simulator: ready (pid $SIM_PID)"
  fi
else
  log "WECHAT_APP_SECRET is set: using the configured WeChat endpoints, no simulator"
fi

# ---------------------------------------------------------------- 3. H5 build
if newer_than client/dist/h5/index.html client shared/src; then
  log "building the H5 client (npm run build:h5 -w client)"
  # Taro's own build mode: with NODE_ENV=development babel-preset-taro adds react-refresh (hot
  # reload), which a static build served by the API neither needs nor has installed.
  env -u NODE_ENV npm run build:h5 -w client >&2 || die "the H5 build failed"
else
  log "H5 build is up to date"
fi

# ---------------------------------------------------------------- 4. demo data
require_file scripts/seed-demo.ts "it seeds the demo data"
log "seeding demo data (idempotent)"
"$TSX" scripts/seed-demo.ts || die "seeding the demo data failed"
# A database from before files carried their references shows customers no older photo until this
# runs; it is idempotent and cheap on a development database, so every start runs it.
log "giving older files the references of the records that list them (idempotent)"
"$TSX" scripts/backfill-file-references.ts >/dev/null || die "backfilling file references failed"

# ---------------------------------------------------------------- 5. the API
require_file server/src/main.ts "the API entry point"
HTTP_PORT="${PORT:-$(cfg http.port development)}"
APP_URL="http://127.0.0.1:$HTTP_PORT"
if port_open "$HTTP_PORT"; then
  die "port $HTTP_PORT is already in use (another npm start?); stop it or set PORT"
fi
log "starting the API (NODE_ENV=development)"
# In its own process group so that Ctrl-C is handled here, once, and stops everything in order.
setsid "$TSX" server/src/main.ts </dev/null &
API_PID=$!
deadline=$((SECONDS + 90))
until port_open "$HTTP_PORT"; do
  if ! kill -0 "$API_PID" 2>/dev/null; then
    wait "$API_PID" && rc=0 || rc=$?
    API_PID=""
    die "the API exited during startup (exit code $rc; see its output above)"
  fi
  [ "$SECONDS" -lt "$deadline" ] || die "the API did not answer on $APP_URL within 90s"
  sleep 0.3
done

cat <<EOF

  ──────────────────────────────────────────────────────────────
  Gantry is running (NODE_ENV=development)
    portal (H5)      $APP_URL/
    API docs         $APP_URL/docs
    WeChat simulator ${SIM_URL:-"(not used: real WeChat credentials configured)"}
    demo logins      see the seed output above / README
  Ctrl-C stops the API${SIM_PID:+ and the simulator}; \`npm run services -- stop\` snapshots and stops the database and Redis.
  ──────────────────────────────────────────────────────────────

EOF

wait "$API_PID" && rc=0 || rc=$?
API_PID=""
exit "$rc"
