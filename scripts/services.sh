#!/usr/bin/env bash
# Local backing services for development and tests: FerretDB (MongoDB wire protocol on SQLite)
# and Redis, both listening on 127.0.0.1 only.
#
#   scripts/services.sh start [ferretdb|redis]   start (or reuse) them and wait until they answer
#   scripts/services.sh stop  [ferretdb|redis]   stop only what this script started (pid files)
#   scripts/services.sh status                   show both
#
# Environment:
#   MONGODB_URI / REDIS_URL     set by you: that service is yours, this script skips it
#   GANTRY_FERRETDB_PORT        default: config/default.json services.ferretdbPort
#   GANTRY_REDIS_PORT           default: config/default.json services.redisPort
#   GANTRY_DATA_DIR             data, logs and pid files (default: <repo>/.data)
#   GANTRY_SERVICES_STARTED_FILE  if set, `start` appends the names of the services it started
#
# FerretDB is built from source with Go into .cache/bin (once; later runs reuse the binary).
# shellcheck disable=SC2016 # single-quoted programs for bash -c / node -e take their arguments
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$GANTRY_ROOT"

FERRETDB_VERSION=v1.24.2
FERRETDB_MODULE=github.com/FerretDB/FerretDB
CACHE_DIR="$GANTRY_ROOT/.cache"
FERRETDB_BIN="$CACHE_DIR/bin/ferretdb"

DATA_DIR="${GANTRY_DATA_DIR:-$GANTRY_ROOT/.data}"
mkdir -p "$DATA_DIR"
DATA_DIR="$(cd "$DATA_DIR" && pwd)"
FERRETDB_PORT="${GANTRY_FERRETDB_PORT:-$(cfg services.ferretdbPort default)}"
REDIS_PORT="${GANTRY_REDIS_PORT:-$(cfg services.redisPort default)}"
FERRETDB_DIR="$DATA_DIR/ferretdb"
REDIS_DIR="$DATA_DIR/redis"
FERRETDB_PID="$DATA_DIR/ferretdb.pid"
FERRETDB_LOG="$DATA_DIR/ferretdb.log"
REDIS_PID="$DATA_DIR/redis.pid"
REDIS_LOG="$DATA_DIR/redis.log"
START_TIMEOUT="${GANTRY_SERVICES_TIMEOUT:-60}"

# ---------------------------------------------------------------- helpers

# pid_of <pidfile> <name>: the pid in the file if that process is alive and is <name>.
pid_of() {
  local file="$1" name="$2" pid
  [ -f "$file" ] || return 1
  pid="$(tr -dc '0-9' <"$file")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$name"; then
    echo "$pid"
    return 0
  fi
  rm -f "$file" # stale
  return 1
}

redis_ping() {
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "PING\r\n" >&3
    IFS= read -r -t 2 line <&3 || exit 1
    [[ $line == +PONG* ]]' _ "$1" 2>/dev/null
}

# mongo_ping <port>: a MongoDB `ping` as one hand-built OP_MSG (no driver, so it works before
# npm ci); the socket is closed gracefully so FerretDB does not log a warning per probe.
mongo_ping() {
  node -e '
    const net = require("net");
    const bson = (ping) => {
      const db = Buffer.from("admin\0");
      const body = Buffer.concat([Buffer.from([0x10]), Buffer.from("ping\0"), int32(1),
        Buffer.from([0x02]), Buffer.from("$db\0"), int32(db.length), db, Buffer.from([0])]);
      return Buffer.concat([int32(body.length + 4), body]);
    };
    function int32(n) { const b = Buffer.alloc(4); b.writeInt32LE(n); return b; }
    const doc = bson();
    const msg = Buffer.concat([int32(16 + 4 + 1 + doc.length), int32(1), int32(0), int32(2013), int32(0), Buffer.from([0]), doc]);
    const okDouble1 = Buffer.concat([Buffer.from([0x01]), Buffer.from("ok\0"), Buffer.from([0, 0, 0, 0, 0, 0, 0xf0, 0x3f])]);
    const sock = net.connect(Number(process.argv[1]), "127.0.0.1", () => sock.write(msg));
    let buf = Buffer.alloc(0);
    sock.setTimeout(2000, () => { sock.destroy(); process.exit(1); });
    sock.on("error", () => process.exit(1));
    sock.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4 || buf.length < buf.readInt32LE(0)) return;
      const ok = buf.readInt32LE(12) === 2013 && buf.includes(okDouble1);
      sock.on("close", () => process.exit(ok ? 0 : 1));
      sock.end(); // and let FerretDB close its side first
      setTimeout(() => process.exit(ok ? 0 : 1), 500).unref();
    });
  ' "$1" 2>/dev/null
}

# wait_for <what> <check-function> <port> <pid> <log>
wait_for() {
  local what="$1" check="$2" port="$3" pid="$4" logf="$5" deadline=$((SECONDS + START_TIMEOUT))
  while ! "$check" "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      printf '[gantry] %s exited during startup; last lines of %s:\n' "$what" "$logf" >&2
      tail -n 30 "$logf" >&2 2>/dev/null || true
      die "$what failed to start on 127.0.0.1:$port"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      printf '[gantry] %s did not answer within %ss; last lines of %s:\n' "$what" "$START_TIMEOUT" "$logf" >&2
      tail -n 30 "$logf" >&2 2>/dev/null || true
      die "$what did not answer on 127.0.0.1:$port"
    fi
    sleep 0.2
  done
}

mark_started() {
  if [ -n "${GANTRY_SERVICES_STARTED_FILE:-}" ]; then echo "$1" >>"$GANTRY_SERVICES_STARTED_FILE"; fi
}

# ---------------------------------------------------------------- FerretDB

ferretdb_installed() {
  [ -x "$FERRETDB_BIN" ] || return 1
  local out # not piped into grep -q: under pipefail an early grep exit is a SIGPIPE failure
  out="$("$FERRETDB_BIN" --version 2>/dev/null)" || return 1
  [[ $'\n'$out$'\n' == *$'\n'"version: $FERRETDB_VERSION"$'\n'* ]]
}

# The module zip lacks build/version/version.txt (the binary panics without it), so `go install`
# is not enough: copy the module source, add the file, build.
build_ferretdb() {
  ferretdb_installed && return 0
  command -v go >/dev/null 2>&1 || die "Go is required to build FerretDB $FERRETDB_VERSION (Go >= 1.22 on PATH)"
  log "building FerretDB $FERRETDB_VERSION into .cache/bin (first run only; takes a few minutes)"
  local started=$SECONDS mod_dir src="$CACHE_DIR/ferretdb-src" tmp="$CACHE_DIR/ferretdb-src.tmp.$$"
  mkdir -p "$CACHE_DIR/bin"
  mod_dir="$(cd "$CACHE_DIR" && go mod download -json "$FERRETDB_MODULE@$FERRETDB_VERSION" |
    sed -n 's/^[[:space:]]*"Dir":[[:space:]]*"\(.*\)",\{0,1\}$/\1/p')"
  if [ -z "$mod_dir" ] || [ ! -d "$mod_dir" ]; then die "go mod download $FERRETDB_MODULE@$FERRETDB_VERSION failed"; fi
  rm -rf "$tmp"
  cp -R "$mod_dir" "$tmp"
  chmod -R u+w "$tmp"
  echo "$FERRETDB_VERSION" >"$tmp/build/version/version.txt"
  rm -rf "$src"
  mv "$tmp" "$src"
  (
    cd "$src"
    export GOFLAGS="-buildvcs=false" CGO_ENABLED=0
    go build -o "$FERRETDB_BIN.tmp" ./cmd/ferretdb >&2 ||
      {
        warn "go build failed; retrying with -ldflags=-checklinkname=0"
        go build -ldflags=-checklinkname=0 -o "$FERRETDB_BIN.tmp" ./cmd/ferretdb >&2
      }
  ) || die "building FerretDB failed (see the go output above)"
  mv -f "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"
  ferretdb_installed || die "built FerretDB does not report $FERRETDB_VERSION: $("$FERRETDB_BIN" --version 2>&1 | head -3)"
  log "FerretDB built in $((SECONDS - started))s"
}

# A database file FerretDB started to create but never finished (it crashed, or was killed, in the
# middle) has no `_ferretdb_collections` table, and FerretDB then refuses to start at all ("no such
# table: _ferretdb_collections"). Such a file holds no data; move it aside so the server starts. The
# table's name is in the schema page of the file, or in its WAL when not yet checkpointed.
set_aside_unfinished_databases() {
  local f part aside="$DATA_DIR/ferretdb-unfinished"
  for f in "$FERRETDB_DIR"/*.sqlite; do
    [ -e "$f" ] || continue
    if grep -qa _ferretdb_collections "$f" 2>/dev/null ||
      { [ -e "$f-wal" ] && grep -qa _ferretdb_collections "$f-wal" 2>/dev/null; }; then
      continue
    fi
    mkdir -p "$aside"
    log "ferretdb: setting aside $(basename "$f"), a database it never finished creating (moved to $aside)"
    for part in "$f" "$f-wal" "$f-shm"; do
      if [ -e "$part" ]; then mv -f "$part" "$aside/"; fi
    done
  done
}

start_ferretdb() {
  if [ -n "${MONGODB_URI:-}" ]; then
    log "ferretdb: skipped (MONGODB_URI is set)"
    return 0
  fi
  local pid
  if pid="$(pid_of "$FERRETDB_PID" ferretdb)"; then
    wait_for FerretDB mongo_ping "$FERRETDB_PORT" "$pid" "$FERRETDB_LOG"
    log "ferretdb: already running (pid $pid) on 127.0.0.1:$FERRETDB_PORT"
    return 0
  fi
  if port_open "$FERRETDB_PORT"; then
    log "ferretdb: reusing the server already listening on 127.0.0.1:$FERRETDB_PORT (not started by this script)"
    return 0
  fi
  build_ferretdb
  mkdir -p "$FERRETDB_DIR"
  set_aside_unfinished_databases
  log "ferretdb: starting on 127.0.0.1:$FERRETDB_PORT (data $FERRETDB_DIR, log $FERRETDB_LOG)"
  setsid nohup "$FERRETDB_BIN" \
    --handler=sqlite \
    --sqlite-url="file:$FERRETDB_DIR/?_pragma=busy_timeout(10000)" \
    --listen-addr="127.0.0.1:$FERRETDB_PORT" \
    --debug-addr=127.0.0.1:0 \
    --telemetry=disable \
    --log-level=warn \
    --state-dir="$FERRETDB_DIR" \
    </dev/null >>"$FERRETDB_LOG" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$FERRETDB_PID"
  wait_for FerretDB mongo_ping "$FERRETDB_PORT" "$pid" "$FERRETDB_LOG"
  mark_started ferretdb
  log "ferretdb: ready (pid $pid)"
}

# ---------------------------------------------------------------- Redis

start_redis() {
  if [ -n "${REDIS_URL:-}" ]; then
    log "redis: skipped (REDIS_URL is set)"
    return 0
  fi
  local pid
  if pid="$(pid_of "$REDIS_PID" redis-server)"; then
    wait_for Redis redis_ping "$REDIS_PORT" "$pid" "$REDIS_LOG"
    log "redis: already running (pid $pid) on 127.0.0.1:$REDIS_PORT"
    return 0
  fi
  if port_open "$REDIS_PORT"; then
    log "redis: reusing the server already listening on 127.0.0.1:$REDIS_PORT (not started by this script)"
    return 0
  fi
  command -v redis-server >/dev/null 2>&1 || ensure_apt redis-server
  command -v redis-server >/dev/null 2>&1 || die "redis-server is not on PATH after installing it"
  mkdir -p "$REDIS_DIR"
  log "redis: starting on 127.0.0.1:$REDIS_PORT (log $REDIS_LOG)"
  rm -f "$REDIS_PID"
  # Persistence (append-only file in $REDIS_DIR) and the bind address come from scripts/redis.conf.
  redis-server "$GANTRY_ROOT/scripts/redis.conf" --port "$REDIS_PORT" \
    --daemonize yes --pidfile "$REDIS_PID" --logfile "$REDIS_LOG" --dir "$REDIS_DIR" </dev/null >&2 9>&- ||
    die "redis-server failed to start (see $REDIS_LOG)"
  local deadline=$((SECONDS + 10))
  until pid="$(pid_of "$REDIS_PID" redis-server)"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 30 "$REDIS_LOG" >&2 2>/dev/null || true
      die "redis-server did not write $REDIS_PID"
    fi
    sleep 0.1
  done
  wait_for Redis redis_ping "$REDIS_PORT" "$pid" "$REDIS_LOG"
  mark_started redis
  log "redis: ready (pid $pid)"
}

# ---------------------------------------------------------------- stop / status

stop_one() {
  local name="$1" file="$2" match="$3" pid
  if pid="$(pid_of "$file" "$match")"; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 10))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    rm -f "$file"
    log "$name: stopped (pid $pid)"
  else
    log "$name: nothing to stop (not started by this script)"
  fi
}

status_one() {
  local name="$1" file="$2" match="$3" port="$4" check="$5" skip_var="$6" pid
  if [ -n "${!skip_var:-}" ]; then
    echo "$name: external ($skip_var is set)"
  elif pid="$(pid_of "$file" "$match")"; then
    if "$check" "$port"; then echo "$name: running on 127.0.0.1:$port (pid $pid, started by services.sh)"; else echo "$name: process $pid alive but not answering on 127.0.0.1:$port"; fi
  elif "$check" "$port"; then
    echo "$name: running on 127.0.0.1:$port (not started by services.sh)"
  else
    echo "$name: not running (port $port)"
    return 1
  fi
}

# ---------------------------------------------------------------- main

cmd="${1:-}"
what="${2:-all}"
case "$what" in all | ferretdb | redis) ;; *) die "unknown service '$what' (ferretdb|redis)" ;; esac

case "$cmd" in
  start)
    # One start at a time per data dir (parallel starts would race for the port). The servers
    # are started with fd 9 closed, or they would hold the lock for their whole life.
    exec 9>"$DATA_DIR/.services.lock"
    flock -w 900 9 || die "timed out waiting for another services.sh start"
    if [ "$what" != redis ]; then start_ferretdb; fi
    if [ "$what" != ferretdb ]; then start_redis; fi
    ;;
  stop)
    if [ "$what" != redis ]; then stop_one ferretdb "$FERRETDB_PID" ferretdb; fi
    if [ "$what" != ferretdb ]; then stop_one redis "$REDIS_PID" redis-server; fi
    ;;
  status)
    rc=0
    status_one ferretdb "$FERRETDB_PID" ferretdb "$FERRETDB_PORT" mongo_ping MONGODB_URI || rc=1
    status_one redis "$REDIS_PID" redis-server "$REDIS_PORT" redis_ping REDIS_URL || rc=1
    exit "$rc"
    ;;
  *)
    echo "usage: $0 start|stop|status [ferretdb|redis]" >&2
    exit 2
    ;;
esac
