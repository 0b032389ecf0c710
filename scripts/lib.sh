# shellcheck shell=bash disable=SC2016 # single-quoted bash -c / node -e programs take arguments
# Helpers shared by scripts/services.sh, scripts/start.sh and scripts/test.sh.
# Source it after `set -euo pipefail`; it defines functions and a few variables, nothing runs.

GANTRY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export GANTRY_ROOT

# Log lines go to stderr so they never mix into machine-read stdout.
log() { printf '[gantry] %s\n' "$*" >&2; }
warn() { printf '[gantry] WARNING: %s\n' "$*" >&2; }
die() {
  printf '[gantry] ERROR: %s\n' "$*" >&2
  exit 1
}

# Run as root, or through sudo when available.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

# cfg <dotted.key> [env]: a value from config/default.json, overridden by config/<env>.json.
cfg() {
  local key="$1" env="${2:-${NODE_ENV:-development}}"
  (cd "$GANTRY_ROOT" && node -e '
    const fs = require("fs");
    const read = (f) => (fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, "utf8")) : {});
    const get = (o, k) => k.split(".").reduce((a, p) => (a == null ? undefined : a[p]), o);
    const [key, env] = process.argv.slice(1);
    let v = get(read(`config/${env}.json`), key);
    if (v === undefined) v = get(read("config/default.json"), key);
    if (v === undefined || v === null) process.exit(3);
    console.log(typeof v === "object" ? JSON.stringify(v) : String(v));
  ' "$key" "$env") || die "config key '$key' not found in config/default.json"
}

# apt-get update at most once per run (the flag is exported so child scripts see it).
apt_update_once() {
  if [ "${GANTRY_APT_UPDATED:-}" != 1 ]; then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || die "apt-get update failed"
    export GANTRY_APT_UPDATED=1
  fi
}

# ensure_apt pkg...: install the Debian packages that are not installed yet.
ensure_apt() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  apt_update_once
  log "apt-get install ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >&2 ||
    die "apt-get install ${missing[*]} failed"
}

# ensure_node_deps: npm ci when node_modules is missing or older than package-lock.json.
ensure_node_deps() {
  local lock="$GANTRY_ROOT/package-lock.json" marker="$GANTRY_ROOT/node_modules/.package-lock.json"
  if [ -f "$marker" ] && { [ ! -f "$lock" ] || [ ! "$lock" -nt "$marker" ]; }; then
    return 0
  fi
  log "installing node dependencies (npm ci)"
  if ! (cd "$GANTRY_ROOT" && npm ci --no-audit --no-fund </dev/null >&2); then
    warn "npm ci failed; falling back to npm install"
    (cd "$GANTRY_ROOT" && npm install --no-audit --no-fund </dev/null >&2) || die "npm install failed"
  fi
}

# port_open <port>: true when something accepts TCP connections on 127.0.0.1:<port>.
port_open() {
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# http_ok <url>: true when a GET answers 2xx (node's fetch; no curl needed).
http_ok() {
  node -e '
    const c = new AbortController(); setTimeout(() => c.abort(), 2000).unref();
    fetch(process.argv[1], { signal: c.signal }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));
  ' "$1" 2>/dev/null
}

# newer_than <reference-file> <dir>...: true when the reference is missing or any file under the
# dirs (ignoring dist, build output and node_modules) is newer than it.
newer_than() {
  local ref="$1"
  shift
  [ -f "$ref" ] || return 0
  [ -n "$(find "$@" \( -name node_modules -o -name dist -o -name .temp -o -name .swc \) -prune -o \
    -type f -newer "$ref" -print -quit 2>/dev/null)" ]
}

# kill_group <pid>: TERM the process group led by pid, then KILL it after a grace period.
kill_group() {
  local pid="$1"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}
