#!/usr/bin/env bash
# bench/smtp.sh: how fast netloom's `smtp` takes in mail, stored durably, against postfix's
# smtp-sink, which stores nothing (the ceiling of the client and the loopback on this machine).
#
# The load is postfix's own SMTP generator, on CPU 1:
#   smtp-source -s SESSIONS -l 1024 -m MESSAGES -f from@bench.test -t to@bench.test 127.0.0.1:PORT
# (1 KiB messages over 20 parallel sessions, one connection per message as smtp-source does by
# default), timed with the wall clock: messages/s = MESSAGES / seconds. Each run gets a fresh
# server on CPU 0 and, for netloom, a fresh store in a temp dir (its default SQLite store, every
# message committed and fsynced before its 250; smtp.max-messages=0 so its retention cap, 10,000
# by default, drops none), a warm-up of WARMUP messages with the same
# command, not counted (the JVM compiles its hot paths), then the measured pass; then the API must
# say the store holds exactly WARMUP + MESSAGES messages (`GET /api/messages?limit=0` -> total),
# or the run does not count. smtp-sink: `smtp-sink -u nobody 127.0.0.1:PORT 256` (256: the listen
# backlog, so 20 sessions connecting at once are never refused). The median of RUNS per server,
# the ratio, and the goals (issue: netloom >= 1,000 messages/s durably stored, >= 0.3 of
# smtp-sink) as a markdown table on stdout; progress on stderr.
#
# Installs postfix (for /usr/sbin/smtp-source and smtp-sink) with apt-get when missing and it can
# (root or passwordless sudo): debconf answers "No configuration" and a policy-rc.d keeps the
# package from starting a postfix daemon; the script then makes sure nothing of postfix listens
# on port 25. Exits 0 when every run finished with smtp-source exiting 0 and netloom storing every
# message, 1 otherwise; goals not met do not change the exit code.
#
# Env: RUNS (3), MESSAGES (20000), SESSIONS (20), SIZE (1024 bytes), WARMUP (20000, 0: none; the
# JVM needs about that many messages before its hot paths are compiled: after 2,000 the measured
# pass still runs partly interpreted, at about half the rate),
# SERVERS ("netloom smtp-sink"), SOURCE_OPTS (extra smtp-source flags, e.g. -d to keep each
# session's connection open), QUIET_WAIT (0: seconds to wait for a quiet machine before each
# run), KEEP_LOGS (1 keeps the work dir), NETLOOM (bin/netloom).
set -euo pipefail

bench=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
repo=$(cd "$bench/.." && pwd)
netloom=${NETLOOM:-$repo/bin/netloom}
RUNS=${RUNS:-3}
MESSAGES=${MESSAGES:-20000}
SESSIONS=${SESSIONS:-20}
SIZE=${SIZE:-1024}
WARMUP=${WARMUP:-20000}
SERVERS=${SERVERS:-"netloom smtp-sink"}
SOURCE_OPTS=${SOURCE_OPTS:-}
quiet_wait=${QUIET_WAIT:-0}
keep=${KEEP_LOGS:-0}
hz=$(getconf CLK_TCK)
waited=0
live=()
# shellcheck disable=SC2034  # read by stop_live (lib.bash)
wpid=""   # stop_live (lib.bash) ends it; smtp-source runs in the foreground here
say() { printf '%s\n' "$*" >&2; }
die() { say "smtp.sh: $*"; exit 2; }
# shellcheck source-path=SCRIPTDIR source=lib.bash
. "$bench/lib.bash"

for v in RUNS MESSAGES SESSIONS SIZE; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '${!v}'"
done
[[ $WARMUP =~ ^[0-9]+$ ]] || die "WARMUP must be a whole number, not '$WARMUP'"
[[ $quiet_wait =~ ^[0-9]+$ ]] || die "QUIET_WAIT must be a whole number of seconds, not '$quiet_wait'"
for s in $SERVERS; do case $s in netloom|smtp-sink) ;; *) die "unknown server '$s' in SERVERS (netloom, smtp-sink)";; esac; done
for tool in curl python3 taskset; do command -v "$tool" >/dev/null 2>&1 || die "$tool is needed"; done
if [[ " $SERVERS " == *" netloom "* ]] && [ -z "${NETLOOM:-}" ] && [ ! -f "$repo/target/netloom.jar" ]; then
  die "target/netloom.jar is missing: build first (make build), or SERVERS=smtp-sink"
fi

SOURCE=/usr/sbin/smtp-source SINK=/usr/sbin/smtp-sink
if [ ! -x "$SOURCE" ] || [ ! -x "$SINK" ]; then
  port25_before=$(ss -Hltn 'sport = :25' 2>/dev/null | wc -l)
  # shellcheck disable=SC2034  # read by apt_install
  apt_debconf="postfix postfix/main_mailer_type select No configuration"
  apt_install smtp.sh "smtp-source and smtp-sink come with postfix" postfix
  if [ ! -x "$SOURCE" ] || [ ! -x "$SINK" ]; then die "postfix is installed but $SOURCE or $SINK is missing"; fi
  if [ "$(ss -Hltn 'sport = :25' 2>/dev/null | wc -l)" -gt "$port25_before" ]; then
    say "smtp.sh: warning: something listens on port 25 since postfix was installed; stop it: postfix stop"
  fi
fi
# smtp-source and smtp-sink read no main.cf; they still warn when postfix has none ("No
# configuration"); that warning is not an error.

pin_cpus "smtp-source"
work=$(mktemp -d "${TMPDIR:-/tmp}/smtp-bench.XXXXXX")
spid=""
cleanup() {
  set +e   # stop everything and clean up even when a step in here fails
  stop_live
  if [ "$keep" = 1 ]; then say "smtp.sh: logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_server NAME RUN: a fresh server -> port, api (netloom), spid
start_server() {
  local name=$1 run=$2 i
  case $name in
    netloom)
      local dir=$work/netloom-$run
      mkdir -p "$dir/home"
      : >"$dir/out"   # before the server's own redirection opens it: the loop below reads it at once
      NETLOOM_HOME=$dir/home $pin0 "$netloom" serve smtp smtp.port=0 smtp.api-port=0 \
        "smtp.store=$dir/smtp.db" "smtp.keystore=$dir/tls.p12" smtp.max-messages=0 \
        >"$dir/out" 2>"$dir/err" </dev/null &
      spid=$!; live+=("$spid")
      for ((i = 0; i < 300; i++)); do
        port=$(sed -n 's/^smtp listening on 127\.0\.0\.1:\([0-9]*\) (tcp)$/\1/p' "$dir/out" || true)
        api=$(sed -n 's/^smtp-api listening on 127\.0\.0\.1:\([0-9]*\) (http)$/\1/p' "$dir/out" || true)
        [ -n "$port" ] && [ -n "$api" ] && return 0
        kill -0 "$spid" 2>/dev/null || break
        sleep 0.1
      done
      say "smtp.sh: netloom did not start:"; cat "$dir/out" "$dir/err" >&2; exit 1 ;;
    smtp-sink)
      for _ in 1 2 3; do
        port=$(free_port)
        $pin0 "$SINK" -u nobody "127.0.0.1:$port" 256 >"$work/sink-$run.log" 2>&1 </dev/null &
        spid=$!; live+=("$spid")
        for ((i = 0; i < 50; i++)); do
          if ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then return 0; fi
          kill -0 "$spid" 2>/dev/null || break
          sleep 0.1
        done
        kill "$spid" 2>/dev/null || true; wait "$spid" 2>/dev/null || true; forget "$spid"
      done
      say "smtp.sh: smtp-sink did not start:"; cat "$work/sink-$run.log" >&2; exit 1 ;;
  esac
}

stop_server() {
  kill -TERM "$spid" 2>/dev/null || true
  wait_gone "$spid" 20 || kill -KILL "$spid" 2>/dev/null || true
  wait "$spid" 2>/dev/null || true
  forget "$spid"
}

# source N LOG: smtp-source sending N messages to the server; prints the wall seconds, or fails
source_run() {
  local n=$1 log=$2 t0 t1 rc=0
  t0=$(date +%s%N)
  # SOURCE_OPTS is a list of flags
  # shellcheck disable=SC2086
  timeout 600 $pin1 "$SOURCE" -s "$SESSIONS" -l "$SIZE" -m "$n" $SOURCE_OPTS \
    -f from@bench.test -t to@bench.test "127.0.0.1:$port" </dev/null >"$log" 2>&1 || rc=$?
  t1=$(date +%s%N)
  if [ "$rc" -ne 0 ]; then say "  smtp-source exited with $rc:"; tail -n 5 "$log" >&2; return 1; fi
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }'
}

stored_total() { curl -sS --max-time 30 "http://127.0.0.1:$api/api/messages?limit=0" | python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])'; }

declare -A RATE CPU
ok=true
for name in $SERVERS; do
  rates=() cpus=()
  for ((run = 1; run <= RUNS; run++)); do
    start_server "$name" "$run"
    if [ "$WARMUP" -gt 0 ]; then source_run "$WARMUP" "$work/$name-$run.warm" >/dev/null || ok=false; fi
    wait_quiet
    c0=$(cpu_ticks "$spid")
    if secs=$(source_run "$MESSAGES" "$work/$name-$run.log"); then
      c1=$(cpu_ticks "$spid")
      rate=$(awk -v m="$MESSAGES" -v s="$secs" 'BEGIN { printf "%.0f", m / s }')
      cpu=$(awk -v t=$((c1 - c0)) -v hz="$hz" -v m="$MESSAGES" 'BEGIN { printf "%.2f", t * 1000 / hz / m }')
      note=""
      if [ "$name" = netloom ]; then
        want=$((WARMUP + MESSAGES))
        got=$(stored_total || echo "?")
        if [ "$got" = "$want" ]; then note=", API total $got (as sent)"
        else note=", API total $got, expected $want: run not counted"; rate=n/a; ok=false; fi
      fi
      say "  $name run $run: $MESSAGES messages in $secs s = $(fmt 0 "$rate") messages/s, server CPU $cpu ms/message$note"
      rates+=("$rate"); cpus+=("$cpu")
    else
      ok=false; rates+=(n/a)
    fi
    stop_server
  done
  RATE[$name]=$(median "${rates[@]}")
  CPU[$name]=$(median "${cpus[@]}")
done

r=$(ratio "${RATE[netloom]:-n/a}" "${RATE[smtp-sink]:-n/a}")
echo "### smtp: ${SIZE}-byte messages over $SESSIONS sessions, netloom (durable) vs smtp-sink (stores nothing), median of $RUNS"
echo
echo "| measure | netloom | smtp-sink | ratio |"
echo "|---|---:|---:|---:|"
echo "| messages/s | $(fmt 0 "${RATE[netloom]:-n/a}") | $(fmt 0 "${RATE[smtp-sink]:-n/a}") | $r |"
echo "| server CPU, ms/message | ${CPU[netloom]:-n/a} | ${CPU[smtp-sink]:-n/a} | $(ratio "${CPU[netloom]:-n/a}" "${CPU[smtp-sink]:-n/a}") |"
echo
goal "netloom messages/s, durably stored" "${RATE[netloom]:-n/a}" ">=" 1000
goal "netloom / smtp-sink" "$r" ">=" 0.3
echo
echo "Commands: \`smtp-source -s $SESSIONS -l $SIZE -m $MESSAGES${SOURCE_OPTS:+ $SOURCE_OPTS} -f from@bench.test -t to@bench.test 127.0.0.1:PORT\`"
echo "after $WARMUP warm-up messages not counted; \`smtp-sink -u nobody 127.0.0.1:PORT 256\`; netloom \`serve smtp\` with its"
echo "default SQLite store in a temp dir (smtp.max-messages=0), fresh for each run. $pinning."
echo "postfix $(dpkg-query -W -f='${Version}' postfix 2>/dev/null || echo '?'), netloom $(netloom_built "$netloom" "$repo"), $(nproc) CPUs"
[ "$waited" -eq 0 ] || echo "Waited $waited s in all for a quiet machine (QUIET_WAIT=$quiet_wait)."
$ok
