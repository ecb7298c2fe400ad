#!/usr/bin/env bash
# The Redis features job queues and apps rely on, netloom's `kv` beside redis-server (issue 21's
# rows of bench/kv.sh, which calls this script at its end): three rows, each a rate per second.
#
#   pubsub   1 publisher, SUBSCRIBERS subscribers of one channel: messages delivered per second
#            (bench/KvPubSubFanout.java: PUBLISH of SIZE-byte messages, at most WINDOW unanswered,
#            for RUN_SECONDS; every subscriber must get every message)
#   queue    PRODUCERS connections LPUSH jobs onto one list, WORKERS connections loop on
#            `BRPOP queue 1`: jobs popped per second over RUN_SECONDS after 1 s not counted
#            (bench/KvQueue.java; every job pushed must be popped exactly once)
#   evalsha  SCRIPT LOAD "return redis.call('incr', KEYS[1])", then
#            redis-benchmark -n N -c CLIENTS -P 1 -r KEYSPACE --csv evalsha SHA 1 key:__rand_int__
#
# For each server in SERVERS, started fresh on an empty data directory with the append-only file
# on and `appendfsync everysec` (bench/lib.bash's start_server, as kv.sh) and pinned to CPU 0, the
# load generators pinned to CPU 1: check it answers (check_answers), WARMUP passes of every row not
# counted (the JVM's JIT compiles kv's paths during it; redis-server gets the same pass), then RUNS
# runs of every row, the servers taking turns run by run (all started and warmed up first, the
# idle one waiting on CPU 0); then SIGTERM (netloom must exit 0). Prints a markdown table on stdout: per
# row the median of each server, netloom ÷ redis and the goal (≥ 1.0); progress on stderr.
#
# Environment (defaults in brackets): SERVERS ["netloom redis"]  ROWS ["pubsub queue evalsha"]
#   RUNS [3]  WARMUP [1]  RUN_SECONDS [5] per pub/sub and queue run  SUBSCRIBERS [1000]  SIZE [16]
#   WINDOW [64]  PRODUCERS [4]  WORKERS [8]  N [200000] EVALSHA requests  CLIENTS [50]
#   KEYSPACE [100000] (-r)  BENCH_TIMEOUT [900] s per redis-benchmark run  QUIET_WAIT [0] (as in
#   kv.sh: wait for a quiet machine before each run)  NETLOOM [bin/netloom]  NETLOOM_JAVA_OPTS
#   KEEP_LOGS [0]
# Exits 0 when every server started and answered right, every run completed with no message or
# job lost (or popped twice) and no error, and netloom exited 0 on SIGTERM; 1 otherwise; 2 for a
# missing tool or a bad setting. Goals not met do not change it.
set -uo pipefail

bench=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
here=$(cd "$bench/.." && pwd)
netloom=${NETLOOM:-$here/bin/netloom}
servers=${SERVERS:-netloom redis}
rows=${ROWS:-pubsub queue evalsha}
runs=${RUNS:-3}
warmup=${WARMUP:-1}
seconds=${RUN_SECONDS:-5}
subscribers=${SUBSCRIBERS:-1000}
size=${SIZE:-16}
window=${WINDOW:-64}
producers=${PRODUCERS:-4}
workers=${WORKERS:-8}
requests=${N:-200000}
clients=${CLIENTS:-50}
keyspace=${KEYSPACE:-100000}
bench_timeout=${BENCH_TIMEOUT:-900}
quiet_wait=${QUIET_WAIT:-0}
keep=${KEEP_LOGS:-0}
script="return redis.call('incr', KEYS[1])"

die() { echo "kv-features: $*" >&2; exit 2; }
say() { echo "$*" >&2; }
# shellcheck source-path=SCRIPTDIR source=lib.bash
. "$bench/lib.bash"

# ---- settings ----
kv_check_servers   # lib.bash
for r in $rows; do
  case $r in pubsub|queue|evalsha) ;; *) die "unknown row '$r' in ROWS (pubsub, queue, evalsha)";; esac
done
[ -n "$rows" ] || die "ROWS is empty"
for v in RUNS RUN_SECONDS SUBSCRIBERS SIZE WINDOW PRODUCERS WORKERS N CLIENTS KEYSPACE BENCH_TIMEOUT; do
  x=${!v:-1}
  [[ $x =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '$x'"
done
[[ $warmup =~ ^[0-9]+$ ]] || die "WARMUP must be a whole number, not '$warmup'"
[[ $quiet_wait =~ ^[0-9]+$ ]] || die "QUIET_WAIT must be a whole number of seconds, not '$quiet_wait'"

java_home=$("$here/bin/find-java") || die "no JDK 21+ found (bin/find-java)"
java=$java_home/bin/java
kv_ensure_tools
rb_bin=$(command -v redis-benchmark)
cli_bin=$(command -v redis-cli)

# ---- work directory, cleanup ----
work=$(mktemp -d "${TMPDIR:-/tmp}/kv-features.XXXXXX")
mkdir -p "$work/home" "$work/classes"
export NETLOOM_HOME=$work/home  # an empty home: the repo's netloom.properties is not read
live=()   # pids started and not reaped yet (servers)
wpid=""   # the load generator running
cleanup() {
  set +e
  stop_live
  if [ "$keep" = 1 ]; then rm -rf "$work"/*/data; say "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pin_cpus "the load generators"
pin0a=() pin1a=()
[ -z "$pin0" ] || read -ra pin0a <<<"$pin0"
[ -z "$pin1" ] || read -ra pin1a <<<"$pin1"
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
# 1,000 subscribers and the server's own descriptors
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# the load generators, compiled once (not at every run, on the measured CPU)
"$java_home/bin/javac" -d "$work/classes" "$bench/KvPubSubFanout.java" "$bench/KvQueue.java" ||
  die "javac of bench/KvPubSubFanout.java and bench/KvQueue.java failed"

# ---- the rows ----
field() { sed -n "s/^\(.* \)\?$2=\([0-9]*\).*/\2/p" "$1" | tail -n 1; }  # field FILE KEY: KEY=N's N
# load LOG CMD...: runs CMD pinned to CPU 1 in the background (so Ctrl-C is handled at once),
# stdout in LOG, stderr in LOG.err; sets l_rc (124: timed out)
load() {
  local log=$1; shift
  "${pin1a[@]}" "$@" >"$log" 2>"$log.err" </dev/null &
  wpid=$!
  l_rc=0
  wait "$wpid" || l_rc=$?
  wpid=""
}
# row_pubsub|row_queue|row_evalsha LOG: one run against $port; set value (the rate, or n/a) and
# err (what went wrong, empty when nothing)
row_pubsub() {
  load "$1" timeout -k 5 $((seconds + 90)) "$java" -cp "$work/classes" KvPubSubFanout --port "$port" \
    --subscribers "$subscribers" --seconds "$seconds" --size "$size" --window "$window"
  value=$(field "$1" deliveries_per_s)
  err=""
  [ "$l_rc" = 0 ] || err="exit $l_rc: $(tail -n 1 "$1.err") $(grep -o 'delivered=[0-9]* expected=[0-9]*' "$1")"
}
row_queue() {
  load "$1" timeout -k 5 $((seconds + 120)) "$java" -cp "$work/classes" KvQueue --port "$port" \
    --producers "$producers" --workers "$workers" --warmup 1 --seconds "$seconds"
  value=$(field "$1" jobs_per_s)
  err=""
  [ "$l_rc" = 0 ] || err="exit $l_rc: $(tail -n 1 "$1.err") $(grep -o 'lost=[0-9-]* duplicated=[0-9]*' "$1")"
}
evalsha_cmd() {  # evalsha_cmd PORT SHA: sets ecmd (without the pinning)
  ecmd=("$rb_bin" -h 127.0.0.1 -p "$1" -n "$requests" -c "$clients" -P 1 -r "$keyspace" --csv
        evalsha "$2" 1 'key:__rand_int__')
}
row_evalsha() {
  local sha
  sha=$(rcli SCRIPT LOAD "$script")
  if ! [[ $sha =~ ^[0-9a-f]{40}$ ]]; then value=n/a err="SCRIPT LOAD answered '$sha'"; return; fi
  evalsha_cmd "$port" "$sha"
  load "$1" timeout -k 5 "$bench_timeout" "${ecmd[@]}"
  value=$(parse_csv "$1" | awk 'NR == 1 { print $2 }')
  err=""
  [ "$l_rc" = 0 ] || err="exit $l_rc"
  if grep -qE 'ERR|NOSCRIPT|[Ee]rror' "$1" "$1.err"; then
    err="$err${err:+; }$(grep -hE 'ERR|NOSCRIPT|[Ee]rror' "$1" "$1.err" | head -n 1)"
  fi
  [ -n "$value" ] || err="$err${err:+; }no result in redis-benchmark's CSV"
}
declare -A row_title=(
  [pubsub]="pub/sub fan-out: 1 publisher, $(fmt 0 "$subscribers") subscribers, ${size}-byte messages (messages delivered/s)"
  [queue]="queue: $producers LPUSH producers, $workers BRPOP workers (jobs/s)"
  [evalsha]="EVALSHA of \`$script\`, -c $clients -P 1, $(fmt 0 "$keyspace") keys (req/s)"
)

# ---- the measurements ----
labels=()
for s in netloom redis; do wants "$s" && labels+=("$s"); done
declare -A status stopped srv_cmds
results=()   # label row run value server_cpu% seconds errors (one line per row and run)
failures=0
started=$(date +%s)
say "kv-features: servers: ${labels[*]}; rows: $rows; RUNS=$runs (+ $warmup warm-up pass(es), not counted);" \
    "$pinning; work dir $work"
declare -A spids ports
# every server is started, checked and warmed up first; then the runs take turns (run 1 of each
# row on each server, then run 2, ...): this VM's speed drifts over minutes, and measuring one
# server after the other compared the minutes more than the servers (bench/kv.sh does the same)
kv_start_all   # lib.bash
for label in "${labels[@]}"; do
  [ "${status[$label]}" = ok ] || continue
  d=$work/$label port=${ports[$label]}
  for ((w = 1; w <= warmup; w++)); do
    for row in $rows; do
      say "  $label warm-up $w, $row (not counted)"
      "row_$row" "$d/warmup-$w-$row.out"
      [ -z "$err" ] || say "    warm-up $row went wrong: $err"
    done
  done
done
for ((r = 1; r <= runs; r++)); do
  for row in $rows; do
    for label in "${labels[@]}"; do
      [ "${status[$label]}" = ok ] || continue
      d=$work/$label spid=${spids[$label]} port=${ports[$label]}
      kill -0 "$spid" 2>/dev/null || continue
      wait_quiet
      s0=$(cpu_ticks "$spid"); t0=$(date +%s%N)
      "row_$row" "$d/run-$r-$row.out"
      s1=$(cpu_ticks "$spid"); t1=$(date +%s%N)
      read -r secs cpu < <(awk -v ds="$((s1 - s0))" -v hz="$hz" -v ns="$((t1 - t0))" \
        'BEGIN { s = ns / 1e9; printf "%.1f %.0f\n", s, (s > 0 ? ds / hz / s * 100 : 0) }')
      [ -z "$err" ] || failures=$((failures + 1))
      e=${err// /_}
      results+=("$label $row $r ${value:-n/a} $cpu $secs ${e:--}")
      say "  $label run $r, $row: $(fmt 0 "${value:-n/a}")/s; server CPU $cpu% over $secs s${err:+; ERROR: $err}"
    done
  done
done
for label in "${labels[@]}"; do
  [ -n "${spids[$label]:-}" ] || continue
  d=$work/$label spid=${spids[$label]}
  if ! kill -0 "$spid" 2>/dev/null; then
    rc=0; wait "$spid" 2>/dev/null || rc=$?
    say "  $label: the server DIED under load (exit $rc); last lines of its output:"
    tail -n 20 "$d/server.err" "$d/server.out" 2>/dev/null | sed 's/^/    /' >&2
    status[$label]="died under load (exit $rc)"; failures=$((failures + 1)); forget "$spid"
    continue
  fi
  term_server "$spid" "$label"; forget "$spid"
  stopped[$label]="exit $stop_rc after $stop_ms ms"
  say "  $label stopped: ${stopped[$label]}"
  if [ "$label" = netloom ] && [ "$stop_rc" != 0 ]; then
    status[$label]="exit $stop_rc on SIGTERM"; failures=$((failures + 1))
  fi
  rm -rf "$d/data"
done

# ---- report (stdout, markdown) ----
fmed() {  # fmed LABEL ROW: the median over the runs
  local vals
  mapfile -t vals < <(printf '%s\n' "${results[@]}" | awk -v l="$1" -v w="$2" '$1 == l && $2 == w { print $4 }')
  median "${vals[@]}"
}
redis_v=""
[ -z "${redis_bin:-}" ] || redis_v=$("$redis_bin" --version 2>/dev/null | sed -n 's/.*v=\([0-9.]*\).*/\1/p')
echo "### kv features: netloom \`kv\` vs redis-server ${redis_v:-(not run)}, append-only file on (appendfsync everysec)"
echo
echo "| row | netloom | redis | ratio | goal |"
echo "|---|---:|---:|---:|---|"
met=0 total=0
for row in $rows; do
  a=$(fmed netloom "$row"); b=$(fmed redis "$row"); rt=$(ratio "$a" "$b")
  verdict=$(goal "$row" "$rt" ">=" 1.0 | sed 's/.*: //')
  total=$((total + 1)); [ "$verdict" != "**met**" ] || met=$((met + 1))
  echo "| ${row_title[$row]} | $(fmt 0 "$a") | $(fmt 0 "$b") | $rt | ≥ 1.0: $verdict |"
done
echo
echo "Medians of $runs run(s) per server and row, after $warmup warm-up pass(es) of every row not"
echo "counted; pub/sub and queue runs last $seconds s (the queue's first second is not counted);"
echo "every message must reach every subscriber and every job be popped exactly once, else the run"
echo "is an error. ratio = netloom ÷ redis. Goals met: $met of $total."
echo
echo "Commands (\$TMP = the work directory, deleted afterwards; $pinning):"
echo
for label in "${labels[@]}"; do
  c=${srv_cmds[$label]:-not started}
  echo "- $label: \`${c//$work/\$TMP}\` — ${status[$label]:-?}; stop: ${stopped[$label]:-n/a}"
done
evalsha_cmd PORT SHA
echo "- pubsub: \`$pin1${pin1:+ }java bench/KvPubSubFanout.java --port PORT --subscribers $subscribers --seconds $seconds --size $size --window $window\`"
echo "- queue: \`$pin1${pin1:+ }java bench/KvQueue.java --port PORT --producers $producers --workers $workers --warmup 1 --seconds $seconds\`"
echo "- evalsha: \`redis-cli -p PORT SCRIPT LOAD \"$script\"\`, then \`$pin1${pin1:+ }${ecmd[*]/#$rb_bin/redis-benchmark}\`"
echo "- took $(( $(date +%s) - started )) s$( [ "$quiet_wait" -gt 0 ] && echo " (QUIET_WAIT: $waited s spent waiting for a quiet machine)")"
echo
echo "<details><summary>per run</summary>"
echo
echo "| server | row | run | per second | server CPU % | seconds | errors |"
echo "|---|---|---:|---:|---:|---:|---|"
printf '%s\n' "${results[@]}" | awk 'NF { printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; print "" }'
echo
echo "</details>"
[ "$failures" = 0 ]
