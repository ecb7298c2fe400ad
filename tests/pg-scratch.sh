#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests, in a directory of its own:
#
#   tests/pg-scratch.sh start DIR   creates and starts it; the last line on stdout is the JDBC URL
#                                   jdbc:postgresql://127.0.0.1:PORT/netloom_test?user=postgres
#   tests/pg-scratch.sh url DIR     prints that URL again (the cluster must be running)
#   tests/pg-scratch.sh stop DIR    stops it (pg_ctl stop -m fast) and removes DIR
#
# DIR is a scratch directory (e.g. from mktemp -d); it is created when missing. The cluster
# listens on 127.0.0.1 only, on a free port, with its unix socket inside DIR; fsync stays on;
# authentication is trust for local connections and 127.0.0.1/::1. The database netloom_test
# is created, owned by the superuser `postgres`.
#
# Binaries: $PG_BINDIR if set, else the newest /usr/lib/postgresql/*/bin, else the directory
# of pg_ctl on PATH. initdb and postgres refuse to run as root, so as root the server runs as
# the `postgres` user (runuser); as any other user it runs as that user.
#
# Exit status: 0 done; 1 failed (message on stderr); 2 usage; 3 PostgreSQL is not installed
# (or cannot be run here), so callers skip their PostgreSQL tests. Every step is bounded by
# `timeout`; nothing reads stdin or needs a terminal. Messages go to stderr, so
# url=$(tests/pg-scratch.sh start "$dir") captures just the URL.
set -euo pipefail

me=pg-scratch
DB=netloom_test
SUPERUSER=postgres

die() { echo "$me: $*" >&2; exit 1; }
unavailable() { echo "$me: $*" >&2; exit 3; }
usage() { echo "usage: $me.sh start|stop|url DIR" >&2; exit 2; }

[ $# -eq 2 ] || usage
cmd=$1
case "$cmd" in start|stop|url) ;; *) usage ;; esac
[ -n "$2" ] || usage
# An absolute path: the server runs elsewhere (cd /) and the socket path goes into its config.
case "$2" in
  /*) DIR=$2 ;;
  *) DIR=$PWD/$2 ;;
esac
DIR=${DIR%/}
if [ -z "$DIR" ] || [ "$DIR" = / ]; then die "refusing to use / as the scratch directory"; fi

DATA=$DIR/data
SOCK=$DIR/sock
LOG=$DIR/log/postgres.log
MARK=$DIR/.pg-scratch   # written first by start; stop removes only directories holding it
STATE=$DIR/port         # the port, for `url`

# --- Where the binaries are, and who runs them -------------------------------------------------
find_bindir() {
  local d best=""
  if [ -n "${PG_BINDIR:-}" ]; then
    [ -x "$PG_BINDIR/pg_ctl" ] || unavailable "PG_BINDIR=$PG_BINDIR holds no pg_ctl"
    BINDIR=$PG_BINDIR
    return
  fi
  # The newest version: sort the directory names as versions (9.6 < 10 < 15 < 16).
  for d in $(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V); do
    [ -x "/usr/lib/postgresql/$d/bin/pg_ctl" ] && best=/usr/lib/postgresql/$d/bin
  done
  if [ -z "$best" ] && command -v pg_ctl >/dev/null 2>&1; then
    best=$(dirname "$(readlink -f "$(command -v pg_ctl)")")
  fi
  [ -n "$best" ] || unavailable "postgresql not installed (no /usr/lib/postgresql/*/bin/pg_ctl, no pg_ctl on PATH)"
  local b
  for b in initdb postgres pg_ctl psql; do
    [ -x "$best/$b" ] || unavailable "postgresql not installed completely: $best/$b is missing"
  done
  BINDIR=$best
}

# RUNAS: the command prefix that runs a server binary as the cluster's owner.
pick_user() {
  RUNAS=()
  OWNER=$(id -un)
  if [ "$(id -u)" -eq 0 ]; then
    id -u postgres >/dev/null 2>&1 ||
      unavailable "postgresql cannot run here: we are root and there is no 'postgres' user to run it as"
    command -v runuser >/dev/null 2>&1 ||
      unavailable "postgresql cannot run here: we are root and runuser is missing"
    RUNAS=(runuser -u postgres --)
    OWNER=postgres
  fi
}

# as_owner SECS CMD...: runs CMD as the owner, bounded, stdin from /dev/null, from / (the
# owner may not be able to enter the current directory).
as_owner() {
  local secs=$1; shift
  (cd / && timeout -k 5 "$secs" "${RUNAS[@]}" "$@" </dev/null)
}

# The owner of an existing cluster is the owner of its data directory (for url and stop).
owner_of_data() {
  RUNAS=()
  local u
  u=$(stat -c %U "$DATA")
  if [ "$u" != "$(id -un)" ]; then
    [ "$(id -u)" -eq 0 ] || die "$DATA belongs to $u; only $u or root can manage it"
    RUNAS=(runuser -u "$u" --)
  fi
}

url_of() { printf 'jdbc:postgresql://127.0.0.1:%s/%s?user=%s\n' "$1" "$DB" "$SUPERUSER"; }

psql_tcp() {  # psql_tcp PORT DBNAME SQL: runs SQL over TCP as the superuser, no prompts
  PGCONNECT_TIMEOUT=10 PGPASSWORD='' timeout -k 5 30 "$BINDIR/psql" -X -w -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$1" -U "$SUPERUSER" -d "$2" -c "$3" </dev/null
}

# postmaster_pid: the pid in DATA/postmaster.pid, when that process is alive.
postmaster_pid() {
  local pid
  [ -f "$DATA/postmaster.pid" ] || return 1
  pid=$(head -n 1 "$DATA/postmaster.pid" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

free_port() {  # a port nothing listens on now (python3 if it works, else random tries)
  local p
  if p=$(timeout 10 python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' \
      </dev/null 2>/dev/null) && [[ $p =~ ^[0-9]+$ ]]; then
    echo "$p"; return
  fi
  for _ in $(seq 1 50); do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    # A refused connect means nobody listens there.
    if ! timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$p" 2>/dev/null; then echo "$p"; return; fi
  done
  die "found no free port"
}

# --- start ---------------------------------------------------------------------------------------
do_start() {
  find_bindir
  pick_user
  if [ -e "$DATA" ]; then
    if postmaster_pid >/dev/null; then die "a cluster is already running in $DATA"; fi
    die "$DATA already exists (a stale cluster?): stop it with '$me.sh stop $DIR' first"
  fi
  mkdir -p "$DIR"
  : >"$MARK"
  mkdir -p "$DATA" "$SOCK" "$(dirname "$LOG")"
  if [ "$OWNER" != "$(id -un)" ]; then
    chown "$OWNER:" "$DATA" "$SOCK" "$(dirname "$LOG")"
    # The owner must be able to traverse DIR (mktemp -d makes it 0700) but needs no more.
    chmod a+x "$DIR"
    as_owner 10 test -w "$DATA" ||
      die "the '$OWNER' user cannot reach $DATA (a directory above it is not searchable by others?); use a scratch directory under /tmp"
  fi
  # The unix socket path (DIR/sock/.s.PGSQL.PORT) must fit in sun_path (107 bytes).
  [ "${#SOCK}" -le 90 ] || die "$SOCK is too long for a unix socket path; use a shorter DIR"

  local out
  if ! out=$(as_owner 180 "$BINDIR/initdb" -D "$DATA" -U "$SUPERUSER" -A trust -E UTF8 \
               --locale=C 2>&1); then
    die "initdb failed:
$out"
  fi
  cat >>"$DATA/postgresql.conf" <<EOF

# --- $me.sh: a throwaway test cluster ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCK'
fsync = on
max_connections = 50
EOF

  local attempt port started=false
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    echo "port = $port" >>"$DATA/postgresql.conf"
    rm -f "$LOG"  # so the log holds this attempt only
    # -w: wait until it accepts connections; -l: its output goes to the log, so no process is
    # left holding our stdout (callers capture it with $(...)).
    if as_owner 90 "$BINDIR/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null 2>&1; then
      started=true
      break
    fi
    if postmaster_pid >/dev/null; then break; fi  # running but slow to be ready: stop below
    if grep -qE 'could not bind|already in use' "$LOG" 2>/dev/null; then
      echo "$me: port $port was taken meanwhile (attempt $attempt); trying another" >&2
      continue
    fi
    break
  done
  if ! $started; then
    as_owner 60 "$BINDIR/pg_ctl" -D "$DATA" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    die "the server did not start; last lines of $LOG:
$(tail -n 20 "$LOG" 2>/dev/null)"
  fi
  echo "$port" >"$STATE"

  if ! out=$(psql_tcp "$port" postgres "CREATE DATABASE $DB" 2>&1); then
    as_owner 60 "$BINDIR/pg_ctl" -D "$DATA" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    die "could not create database $DB over 127.0.0.1:$port:
$out"
  fi
  echo "$me: PostgreSQL $("$BINDIR/postgres" --version | sed 's/^[^0-9]*//') running as $OWNER on 127.0.0.1:$port, data in $DATA" >&2
  url_of "$port"
}

# --- url -----------------------------------------------------------------------------------------
do_url() {
  if [ ! -f "$STATE" ] || [ ! -d "$DATA" ]; then die "no cluster in $DIR"; fi
  postmaster_pid >/dev/null || die "the cluster in $DIR is not running"
  url_of "$(cat "$STATE")"
}

# --- stop ----------------------------------------------------------------------------------------
do_stop() {
  if [ ! -e "$DIR" ]; then return 0; fi
  [ -f "$MARK" ] || die "$DIR is not a $me directory (no $(basename "$MARK")); not touching it"
  local pid
  if [ -d "$DATA" ] && pid=$(postmaster_pid); then
    find_bindir
    owner_of_data
    if ! as_owner 60 "$BINDIR/pg_ctl" -D "$DATA" -m fast -w -t 30 stop >/dev/null 2>&1; then
      echo "$me: pg_ctl stop -m fast failed; trying -m immediate, then SIGKILL" >&2
      as_owner 30 "$BINDIR/pg_ctl" -D "$DATA" -m immediate -w -t 20 stop >/dev/null 2>&1 ||
        kill -KILL "$pid" 2>/dev/null || true
    fi
    # The postmaster waits for its children before it exits; wait for the postmaster.
    local deadline=$((SECONDS + 10))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then die "the postmaster (pid $pid) is still running; $DIR kept"; fi
  fi
  rm -rf "$DIR"
}

case "$cmd" in
  start) do_start ;;
  url) do_url ;;
  stop) do_stop ;;
esac
