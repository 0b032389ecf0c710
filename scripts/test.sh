#!/usr/bin/env bash
# `npm test`: every check, against real local services.
#   node deps → chromium + CJK font → the embedded database + Redis (stopped again at the end if this run
#   started them) → client builds (weapp + H5) → typecheck → lint → jest → summary.
# Extra arguments go to jest: `npm test -- server/src/core`.
# The last line printed is `tests: N passed, N failed[, N skipped]`; the exit code is non-zero
# when jest, typecheck, lint or a client build failed, or when no test ran.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$GANTRY_ROOT"

ARTIFACTS="$GANTRY_ROOT/test/.artifacts"
RESULTS="$ARTIFACTS/jest-results.json"
mkdir -p "$ARTIFACTS"
STARTED_FILE="$(mktemp)"
FAILED_STEPS=()
STEP_LINES=()

# Stops only the services this run started; quiet, because nothing may follow the summary line.
stop_services() {
  local name
  if [ -f "$STARTED_FILE" ]; then
    while read -r name; do
      if [ -n "$name" ]; then bash scripts/services.sh stop "$name" >>"$ARTIFACTS/services.log" 2>&1 || true; fi
    done <"$STARTED_FILE"
    rm -f "$STARTED_FILE"
  fi
}
trap stop_services EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# step <name> <command...>: run, remember the outcome, keep going.
step() {
  local name="$1" started=$SECONDS
  shift
  log "── $name"
  if "$@"; then
    STEP_LINES+=("$name: ok ($((SECONDS - started))s)")
  else
    STEP_LINES+=("$name: FAILED")
    FAILED_STEPS+=("$name")
  fi
}

# build_client <type> <file-that-marks-a-build>: always in CI, else only when sources changed.
build_client() {
  local type="$1" marker="$2" logf="$ARTIFACTS/build-$1.log"
  if [ "${CI:-}" != true ] && ! newer_than "$marker" client shared/src; then
    log "client $type build is up to date"
    return 0
  fi
  # Taro's own (production) build mode whatever NODE_ENV the caller has.
  if env -u NODE_ENV npm run "build:$type" -w client >"$logf" 2>&1; then
    return 0
  fi
  tail -n 60 "$logf" >&2
  log "client $type build failed (full log: ${logf#"$GANTRY_ROOT"/})"
  return 1
}

# ---------------------------------------------------------------- prerequisites
ensure_node_deps
if [ ! -x /usr/bin/chromium ] || [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then
  ensure_apt chromium fonts-wqy-microhei
fi
GANTRY_SERVICES_STARTED_FILE="$STARTED_FILE" bash scripts/services.sh start
# Alternate service ports (GANTRY_*_PORT) reach the tests through the variables config reads.
if [ -z "${MONGODB_URI:-}" ] && [ -n "${GANTRY_MONGO_PORT:-}" ]; then
  export MONGODB_URI="mongodb://127.0.0.1:$GANTRY_MONGO_PORT/gantry_test"
fi
if [ -z "${REDIS_URL:-}" ] && [ -n "${GANTRY_REDIS_PORT:-}" ]; then
  export REDIS_URL="redis://127.0.0.1:$GANTRY_REDIS_PORT"
fi

# ---------------------------------------------------------------- checks
step "client weapp build" build_client weapp client/dist/weapp/app.json
step "client h5 build" build_client h5 client/dist/h5/index.html
step typecheck npm run --silent typecheck
step lint npm run --silent lint

rm -f "$RESULTS"
log "── jest"
jest_rc=0
env NODE_ENV=test "$GANTRY_ROOT/node_modules/.bin/jest" --ci --json --outputFile="$RESULTS" "$@" || jest_rc=$?
[ "$jest_rc" -eq 0 ] || FAILED_STEPS+=(jest)

# ---------------------------------------------------------------- summary (nothing after it)
stop_services
for line in "${STEP_LINES[@]}"; do echo "$line"; done
summary_rc=0
node scripts/test-summary.js "$RESULTS" || summary_rc=$?
if [ "${#FAILED_STEPS[@]}" -gt 0 ] || [ "$summary_rc" -ne 0 ]; then
  exit 1
fi
