#!/usr/bin/env bash
# Local backing services for development and tests, both listening on 127.0.0.1 only:
# the embedded MongoDB wire-protocol server (mongo-java-server, memory backend, with snapshots to
# the data folder) and Redis.
#
#   scripts/services.sh start [mongo|redis]   start (or reuse) them and wait until they answer
#   scripts/services.sh stop  [mongo|redis]   stop only what this script started (pid files);
#                                             the database is snapshotted first
#   scripts/services.sh status                show both
#
# Environment:
#   MONGODB_URI / REDIS_URL     set by you: that service is yours, this script skips it
#   GANTRY_MONGO_PORT           default: config/default.json services.mongoPort
#   GANTRY_MONGO_HEAP           the server's -Xmx (default: services.mongoHeap)
#   GANTRY_MONGO_SNAPSHOT_SECONDS  a snapshot every N seconds while it runs (default: services.mongoSnapshotSeconds)
#   GANTRY_REDIS_PORT           default: config/default.json services.redisPort
#   GANTRY_DATA_DIR             data, logs and pid files (default: <repo>/.data)
#   GANTRY_SERVICES_STARTED_FILE  if set, `start` appends the names of the services it started
#
# The server's jars come from Maven Central through Maven (once, into .cache/); a JDK and Maven
# from Debian's packages if missing.
# shellcheck disable=SC2016 # single-quoted programs for bash -c / node -e take their arguments
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$GANTRY_ROOT"

MONGO_SERVER_VERSION=1.47.0
CACHE_DIR="$GANTRY_ROOT/.cache"
MONGO_HOME="$CACHE_DIR/mongo-java-server-$MONGO_SERVER_VERSION"
MONGO_SRC="$GANTRY_ROOT/scripts/embedded-mongo"

DATA_DIR="${GANTRY_DATA_DIR:-$GANTRY_ROOT/.data}"
mkdir -p "$DATA_DIR"
DATA_DIR="$(cd "$DATA_DIR" && pwd)"
MONGO_PORT="${GANTRY_MONGO_PORT:-$(cfg services.mongoPort default)}"
MONGO_HEAP="${GANTRY_MONGO_HEAP:-$(cfg services.mongoHeap default)}"
MONGO_SNAPSHOT_SECONDS="${GANTRY_MONGO_SNAPSHOT_SECONDS:-$(cfg services.mongoSnapshotSeconds default)}"
REDIS_PORT="${GANTRY_REDIS_PORT:-$(cfg services.redisPort default)}"
SNAPSHOT_DIR="$DATA_DIR/mongo/snapshots"
REDIS_DIR="$DATA_DIR/redis"
MONGO_PID="$DATA_DIR/mongo.pid"
MONGO_LOG="$DATA_DIR/mongo.log"
WATCH_PID="$DATA_DIR/mongo-snapshots.pid"
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
# npm ci); the socket is closed gracefully so the server does not log a warning per probe.
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
      sock.end(); // and let the server close its side first
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

# ---------------------------------------------------------------- embedded MongoDB

mongo_installed() {
  [ -f "$MONGO_HOME/lib/mongo-java-server-core-$MONGO_SERVER_VERSION.jar" ] &&
    [ -f "$MONGO_HOME/classes/EmbeddedMongo.class" ] &&
    [ ! "$MONGO_SRC/EmbeddedMongo.java" -nt "$MONGO_HOME/classes/EmbeddedMongo.class" ]
}

# The jars into a temporary folder, then renamed: an interrupted download never looks installed.
install_mongo() {
  mongo_installed && return 0
  if ! command -v javac >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
    ensure_apt openjdk-17-jdk-headless maven
  fi
  local tmp="$MONGO_HOME.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp/classes"
  if [ ! -f "$MONGO_HOME/lib/mongo-java-server-core-$MONGO_SERVER_VERSION.jar" ]; then
    log "mongo: fetching mongo-java-server $MONGO_SERVER_VERSION with Maven into .cache/ (first run only)"
    # Quiet Maven still prints colour codes: its output is shown only when it fails.
    if ! mvn -q -B -f "$MONGO_SRC/pom.xml" dependency:copy-dependencies -DoutputDirectory="$tmp/lib" \
      </dev/null >"$tmp.mvn.log" 2>&1; then
      cat "$tmp.mvn.log" >&2
      die "Maven could not fetch mongo-java-server $MONGO_SERVER_VERSION (see its output above)"
    fi
    rm -f "$tmp.mvn.log"
  else
    cp -R "$MONGO_HOME/lib" "$tmp/lib"
  fi
  javac -nowarn -d "$tmp/classes" -cp "$tmp/lib/*" "$MONGO_SRC/EmbeddedMongo.java" >&2 ||
    die "javac could not compile scripts/embedded-mongo/EmbeddedMongo.java"
  rm -rf "$MONGO_HOME"
  mv "$tmp" "$MONGO_HOME"
}

# db_tool <args…>: scripts/db.ts in one node process (no tsx wrapper process to signal past).
db_tool() {
  node --import tsx "$GANTRY_ROOT/scripts/db.ts" "$@"
}

start_mongo() {
  if [ -n "${MONGODB_URI:-}" ]; then
    log "mongo: skipped (MONGODB_URI is set)"
    return 0
  fi
  local pid
  if pid="$(pid_of "$MONGO_PID" EmbeddedMongo)"; then
    wait_for "embedded MongoDB" mongo_ping "$MONGO_PORT" "$pid" "$MONGO_LOG"
    log "mongo: already running (pid $pid) on 127.0.0.1:$MONGO_PORT"
    start_snapshots
    return 0
  fi
  if port_open "$MONGO_PORT"; then
    log "mongo: reusing the server already listening on 127.0.0.1:$MONGO_PORT (not started by this script)"
    return 0
  fi
  install_mongo
  ensure_node_deps # the snapshot tool runs on the MongoDB driver
  mkdir -p "$SNAPSHOT_DIR"
  log "mongo: starting mongo-java-server on 127.0.0.1:$MONGO_PORT (heap $MONGO_HEAP, log $MONGO_LOG)"
  setsid nohup java "-Xmx$MONGO_HEAP" -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$MONGO_HOME/lib/*:$MONGO_HOME/classes" \
    EmbeddedMongo 127.0.0.1 "$MONGO_PORT" </dev/null >>"$MONGO_LOG" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$MONGO_PID"
  wait_for "embedded MongoDB" mongo_ping "$MONGO_PORT" "$pid" "$MONGO_LOG"
  # Restored before anyone is told it is up; a snapshot that cannot be read stops the start, since
  # running on empty would let the next snapshot replace the good one.
  if ! db_tool restore --uri "mongodb://127.0.0.1:$MONGO_PORT" --dir "$SNAPSHOT_DIR"; then
    kill -TERM "$pid" 2>/dev/null || true
    rm -f "$MONGO_PID"
    die "mongo: could not restore the snapshot in $SNAPSHOT_DIR (the server was stopped; the snapshot is untouched)"
  fi
  mark_started mongo
  start_snapshots
  log "mongo: ready (pid $pid)"
}

start_snapshots() {
  [ "$MONGO_SNAPSHOT_SECONDS" -gt 0 ] || return 0
  pid_of "$WATCH_PID" "db.ts" >/dev/null && return 0
  setsid nohup node --import tsx "$GANTRY_ROOT/scripts/db.ts" watch --uri "mongodb://127.0.0.1:$MONGO_PORT" \
    --dir "$SNAPSHOT_DIR" --every "$MONGO_SNAPSHOT_SECONDS" </dev/null >>"$MONGO_LOG" 2>&1 9>&- &
  echo "$!" >"$WATCH_PID"
}

# The periodic snapshots stop first (waiting for one in progress), then one last snapshot, then
# the server. If that snapshot fails the server keeps running, so nothing in memory is lost.
stop_mongo() {
  local pid
  if ! pid="$(pid_of "$MONGO_PID" EmbeddedMongo)"; then
    stop_one "mongo snapshots" "$WATCH_PID" "db.ts"
    log "mongo: nothing to stop (not started by this script)"
    return 0
  fi
  stop_one "mongo snapshots" "$WATCH_PID" "db.ts"
  if ! db_tool snapshot --uri "mongodb://127.0.0.1:$MONGO_PORT" --dir "$SNAPSHOT_DIR"; then
    die "mongo: the last snapshot failed, so the server (pid $pid) was left running; nothing was lost"
  fi
  stop_one mongo "$MONGO_PID" EmbeddedMongo
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
case "$what" in all | mongo | redis) ;; *) die "unknown service '$what' (mongo|redis)" ;; esac

case "$cmd" in
  start)
    # One start at a time per data dir (parallel starts would race for the port). The servers
    # are started with fd 9 closed, or they would hold the lock for their whole life.
    exec 9>"$DATA_DIR/.services.lock"
    flock -w 900 9 || die "timed out waiting for another services.sh start"
    if [ "$what" != redis ]; then start_mongo; fi
    if [ "$what" != mongo ]; then start_redis; fi
    ;;
  stop)
    if [ "$what" != redis ]; then stop_mongo; fi
    if [ "$what" != mongo ]; then stop_one redis "$REDIS_PID" redis-server; fi
    ;;
  status)
    rc=0
    status_one mongo "$MONGO_PID" EmbeddedMongo "$MONGO_PORT" mongo_ping MONGODB_URI || rc=1
    status_one redis "$REDIS_PID" redis-server "$REDIS_PORT" redis_ping REDIS_URL || rc=1
    exit "$rc"
    ;;
  *)
    echo "usage: $0 start|stop|status [mongo|redis]" >&2
    exit 2
    ;;
esac
