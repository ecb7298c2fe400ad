#!/usr/bin/env bash
# Redis-compatible key-value serving: netloom's `kv` service side by side with Debian's
# redis-server, both writing their append-only file with `appendfsync everysec`, under
# redis-benchmark.
#
# Every server in SERVERS is started fresh on an empty data directory and pinned to CPU 0, and
# checked: it answers (PING, a SET read back with GET, CONFIG GET appendonly/appendfsync say yes and
# everysec: the same durability on both sides, or the comparison means nothing). Then a warm-up
# pass per server and pipeline depth (the same redis-benchmark command, not counted: the JVM's JIT
# compiles kv's hot paths during it; redis-server gets the same pass so both measured phases start
# from a data set of the same shape), then RUNS measured runs per depth, the servers taking turns
# (run 1 on each, run 2 on each, ...: this VM's speed drifts by up to a quarter over minutes, and
# measuring one server after the other compared the minutes more than the servers), each run
#   redis-benchmark -h 127.0.0.1 -p PORT -t set,get,incr,lpush,rpop,sadd,hset -n 200000 -c 50 -P P --csv
# pinned to CPU 1, with P = 1 and 16, reading the server's user+system CPU time (/proc/PID/stat)
# and redis-benchmark's around each run (the idle server waits on CPU 0 meanwhile). Then DBSIZE,
# the size of the data directory, SIGTERM (netloom must exit 0), and the data directory is deleted.
# Prints a markdown table of the median
# req/s per test and depth, netloom ÷ redis, and the goals (≥ 1.0 at -P 1, ≥ 0.7 at -P 16) on
# stdout; progress on stderr. Then, unless FEATURES=0, bench/kv-features.sh with the same
# SERVERS, RUNS, N, CLIENTS, BENCH_TIMEOUT, QUIET_WAIT and KEEP_LOGS: its table (pub/sub fan-out,
# a job queue, EVALSHA) follows, and its failures count in the exit code.
#
# Environment (defaults in brackets):
#   SERVERS ["netloom redis"]  TESTS [set,get,incr,lpush,rpop,sadd,hset] (redis-benchmark -t)
#   PIPELINES ["1 16"] (-P values)  N [200000] requests per test  CLIENTS [50]  RUNS [3]
#   WARMUP [1] warm-up passes per server and depth (0: none)
#   BENCH_TIMEOUT [900] s for one redis-benchmark run (all its tests)
#   NETLOOM [bin/netloom]  NETLOOM_JAVA_OPTS  extra netloom JVM flags
#   QUIET_WAIT [0]  before each run, wait up to this many seconds for the rest of the machine to
#               fall under 20% of a CPU (a build beside the bench makes every number noisy), and
#               do a run again (twice at most; the least disturbed attempt counts) when the rest
#               of the machine took over 25% of a CPU during it, or the hypervisor stole over 10%
#   FEATURES [1]  0: without bench/kv-features.sh's rows
#   KEEP_LOGS [0]  1 keeps the work directory (server logs, redis-benchmark output; the data
#               directories are deleted all the same: they grow to hundreds of MB)
# Installs redis-tools (redis-benchmark, redis-cli) and, when redis is in SERVERS, redis-server
# with apt-get when they are missing and it can (root or passwordless sudo), without letting the
# package start the Debian service; else says what to install and exits 2. Loopback only; every
# run is bounded by `timeout`. Exits 0 when every server started, answered right, every run
# reported every test with no error, and netloom exited 0 on SIGTERM; else 1. Goals not met do
# not change the exit code: they are printed.
set -euo pipefail

bench=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
here=$(cd "$bench/.." && pwd)
netloom=${NETLOOM:-$here/bin/netloom}
servers=${SERVERS:-netloom redis}
tests=${TESTS:-set,get,incr,lpush,rpop,sadd,hset}
pipelines=${PIPELINES:-1 16}
requests=${N:-200000}
clients=${CLIENTS:-50}
runs=${RUNS:-3}
warmup=${WARMUP:-1}
bench_timeout=${BENCH_TIMEOUT:-900}
keep=${KEEP_LOGS:-0}
quiet_wait=${QUIET_WAIT:-0}

die() { echo "kv: $*" >&2; exit 2; }
say() { echo "$*" >&2; }
# shellcheck source-path=SCRIPTDIR source=lib.bash
. "$bench/lib.bash"

# ---- settings ----
kv_check_servers   # lib.bash
for v in N CLIENTS RUNS BENCH_TIMEOUT; do
  x=${!v:-1}
  [[ $x =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '$x'"
done
[[ $warmup =~ ^[0-9]+$ ]] || die "WARMUP must be a whole number, not '$warmup'"
[[ $quiet_wait =~ ^[0-9]+$ ]] || die "QUIET_WAIT must be a whole number of seconds, not '$quiet_wait'"
for p in $pipelines; do [[ $p =~ ^[1-9][0-9]*$ ]] || die "PIPELINES must be positive integers, not '$p'"; done
[ -n "$pipelines" ] || die "PIPELINES is empty"
[[ $tests =~ ^[a-z_0-9]+(,[a-z_0-9]+)*$ ]] || die "TESTS must be a comma-separated list of redis-benchmark test names, not '$tests'"

java=""
if wants netloom; then
  java_home=$("$here/bin/find-java") || die "no JDK 21+ found (bin/find-java)"
  java=$java_home/bin/java
fi

kv_ensure_tools   # lib.bash
rb_bin=$(command -v redis-benchmark)
cli_bin=$(command -v redis-cli)

# which netloom runs: this repository's commit, or for another launcher its jar's date
nl_built=""
if wants netloom; then nl_built=$(netloom_built "$netloom" "$here"); fi

# ---- work directory, cleanup ----
work=$(mktemp -d "${TMPDIR:-/tmp}/kv-bench.XXXXXX")
mkdir -p "$work/home"
export NETLOOM_HOME=$work/home  # an empty home: the repo's netloom.properties is not read

live=()   # pids this script started and has not reaped yet (servers, redis-benchmark)
wpid=""
cleanup() {
  set +e   # stop everything and clean up even when a step in here fails
  stop_live
  if [ "$keep" = 1 ]; then
    rm -rf "$work"/*/data   # the append-only files: hundreds of MB, never kept
    say "logs kept in $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pin_cpus redis-benchmark
pin0a=() pin1a=()
[ -z "$pin0" ] || read -ra pin0a <<<"$pin0"
[ -z "$pin1" ] || read -ra pin1a <<<"$pin1"
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)

# ---- helpers ----

# bench_cmd P PORT: sets bcmd, one measured redis-benchmark run (without the pinning)
bench_cmd() {
  bcmd=("$rb_bin" -h 127.0.0.1 -p "$2" -t "$tests" -n "$requests" -c "$clients" -P "$1" --csv)
}
# run_bench P OUT: runs redis-benchmark in the background and waits (so Ctrl-C is handled at
# once); CSV in OUT, its stderr in OUT.err. Sets b_rc (124: timed out) and b_client (its
# user+system ticks, counted once it is reaped).
run_bench() {
  local c0 c1
  c0=$(child_ticks)
  bench_cmd "$1" "$port"
  timeout -k 5 "$bench_timeout" "${pin1a[@]}" "${bcmd[@]}" >"$2" 2>"$2.err" </dev/null &
  wpid=$!
  b_rc=0
  wait "$wpid" || b_rc=$?
  wpid=""
  c1=$(child_ticks)
  b_client=$((c1 - c0))
}
# bench_errors OUT: what went wrong in one run (empty when nothing): exit code, lines saying
# ERR / error / WARNING, expected tests missing from the CSV
bench_errors() {
  local out=$1 e="" t name
  if [ "$b_rc" = 124 ]; then e="timed out after ${bench_timeout}s"
  elif [ "$b_rc" != 0 ]; then e="exit $b_rc"; fi
  if grep -qE 'ERR|[Ee]rror|WARNING|[Ww]arning' "$out" "$out.err"; then
    e="$e${e:+; }$(grep -hE 'ERR|[Ee]rror|WARNING|[Ww]arning' "$out" "$out.err" | tr '\r' '\n' | grep -E 'ERR|[Ee]rror|WARNING|[Ww]arning' | head -n 2 | tr '\n' ' ')"
  fi
  for t in ${tests//,/ }; do
    name=${t^^}
    parse_csv "$out" | awk -v n="$name" '$1 == n || index($1, n "~") == 1 { f = 1 } END { exit !f }' ||
      e="$e${e:+; }no $name"
  done
  printf '%s' "$e"
}


# ---- the measurements ----
labels=()
for s in netloom redis; do wants "$s" && labels+=("$s"); done
declare -A status stopped srv_cmds dbsize datasize
results=()   # label P run TEST rps p50_ms p99_ms (one line per test and run)
run_lines=() # label P run seconds srv_cpu% bench_cpu% rest% steal% errors (one line per run)
discarded=() # runs done again because the rest of the machine disturbed them (QUIET_WAIT > 0)
failures=0
started=$(date +%s)
say "kv: servers: ${labels[*]}; -t $tests -n $requests -c $clients, -P: $pipelines; RUNS=$runs" \
    "(+ $warmup warm-up pass(es) per depth, not counted); $pinning; work dir $work"

declare -A spids ports
# measure LABEL P R: run R at depth P on LABEL's server (again, twice at most, when QUIET_WAIT is
# set and the rest of the machine disturbed it: the least disturbed attempt counts); appends to
# run_lines and results. Returns 1 when the server is dead.
measure() {
  local label=$1 p=$2 r=$3 d=$work/$1 redo=0 out
  spid=${spids[$label]} port=${ports[$label]}
  while true; do
    kill -0 "$spid" 2>/dev/null || return 1
    out=$d/run-P$p-$r-$redo.csv
    wait_quiet
    read -r b0 st0 < <(machine_ticks)
    s0=$(cpu_ticks "$spid"); t0=$(date +%s%N)
    run_bench "$p" "$out"
    s1=$(cpu_ticks "$spid"); t1=$(date +%s%N)
    read -r b1 st1 < <(machine_ticks)
    errs=$(bench_errors "$out")
    read -r secs srv_pct cli_pct oth_pct st_pct < <(awk -v ds="$((s1 - s0))" -v dc="$b_client" \
        -v dm="$((b1 - b0))" -v dst="$((st1 - st0))" -v hz="$hz" -v wall="$(( (t1 - t0) / 1000 ))" 'BEGIN {
      secs = wall / 1e6; o = dm - ds - dc; if (o < 0) o = 0
      if (secs <= 0) { print "n/a n/a n/a n/a n/a"; exit }
      printf "%.1f %.1f %.1f %.1f %.1f\n", secs, ds / hz / secs * 100, dc / hz / secs * 100,
        o / hz / secs * 100, dst / hz / secs * 100 }')
    tlines=$(parse_csv "$out" | awk -v l="$label" -v p="$p" -v r="$r" '{ print l, p, r, $0 }') || true
    line="$label $p $r $secs $srv_pct $cli_pct $oth_pct $st_pct ${errs:+ERRORS:}${errs// /_}"
    [ -n "$errs" ] || line+="-"
    noise=$(awk -v o="$oth_pct" -v st="$st_pct" 'BEGIN { print (o ~ /^[0-9.]+$/ ? o : 0) + (st ~ /^[0-9.]+$/ ? st : 0) }')
    [ -z "$errs" ] || failures=$((failures + 1))
    say "  $label -P $p run $r: $(parse_csv "$out" | awk '{ printf "%s%s %s", s, $1, $2; s = ", " }') req/s;" \
        "${secs} s, server CPU $srv_pct%, redis-benchmark CPU $cli_pct%, rest $oth_pct%, steal $st_pct%${errs:+; ERRORS: $errs}"
    if [ "$redo" -gt 0 ]; then
      if awk -v a="$noise" -v b="$best_noise" 'BEGIN { exit !(a < b) }'; then
        discarded+=("$best"); best=$line best_tlines=$tlines best_noise=$noise
      else
        discarded+=("$line")
      fi
    else
      best=$line best_tlines=$tlines best_noise=$noise
    fi
    if [ "$quiet_wait" -gt 0 ] && [ -z "$errs" ] && [ "$redo" -lt 2 ] && is_noisy "$oth_pct" "$st_pct"; then
      redo=$((redo + 1))
      say "    (disturbed by the rest of the machine: running it again)"
      continue
    fi
    run_lines+=("$best")
    [ -z "$best_tlines" ] || mapfile -t -O "${#results[@]}" results <<<"$best_tlines"
    return 0
  done
}
# died LABEL: says so, with the last lines of its output
died() {
  local label=$1 d=$work/$1 rc=0
  wait "${spids[$label]}" 2>/dev/null || rc=$?
  say "  $label: the server DIED under load (exit $rc); last lines of its output:"
  tail -n 20 "$d/server.err" "$d/server.out" 2>/dev/null | sed 's/^/    /' >&2
  status[$label]="died under load (exit $rc)"; failures=$((failures + 1))
  forget "${spids[$label]}"; stopped[$label]="died"
  rm -rf "$d/data"
}

# every server is started, checked and warmed up first; then the runs take turns (run 1 on each
# server, run 2 on each, ...), so that a machine whose speed drifts over minutes (a VM's neighbours)
# moves every server's numbers alike instead of favouring the one measured in the quieter minutes
kv_start_all   # lib.bash
# warm-up: the JVM interprets kv's code at first and compiles the hot paths as they run; a
# pass of the very same load per depth lets the JIT finish before anything is counted
for label in "${labels[@]}"; do
  [ "${status[$label]}" = ok ] || continue
  d=$work/$label port=${ports[$label]}
  for ((w = 1; w <= warmup; w++)); do
    for p in $pipelines; do
      if [ "$label" = netloom ]; then
        say "  $label warm-up $w, -P $p (not counted: the JVM's JIT compiles kv's hot paths during it)"
      else
        say "  $label warm-up $w, -P $p (not counted: the same pass netloom gets, so both start alike)"
      fi
      run_bench "$p" "$d/warmup-$w-P$p.csv"
      e=$(bench_errors "$d/warmup-$w-P$p.csv")
      if [ -n "$e" ]; then
        say "  $label: warm-up -P $p went wrong: $e"
        status[$label]="errors in the warm-up: $e"; failures=$((failures + 1))
        break 2
      fi
    done
  done
done
for p in $pipelines; do
  for ((r = 1; r <= runs; r++)); do
    for label in "${labels[@]}"; do
      [ "${status[$label]}" = ok ] || continue
      measure "$label" "$p" "$r" || died "$label"
    done
  done
done
for label in "${labels[@]}"; do
  [ -n "${spids[$label]:-}" ] || continue
  d=$work/$label spid=${spids[$label]} port=${ports[$label]}
  if [ "${stopped[$label]:-}" != died ] && ! kill -0 "$spid" 2>/dev/null; then died "$label"; fi
  [ "${stopped[$label]:-}" != died ] || continue
  dbsize[$label]=$(rcli DBSIZE) || true
  term_server "$spid" "$label" || true
  forget "$spid"
  stopped[$label]="exit $stop_rc after $stop_ms ms"
  datasize[$label]=$(du -sb "$d/data" 2>/dev/null | awk '{ printf "%.1f MB", $1 / 1e6 }')
  say "  $label: DBSIZE ${dbsize[$label]}; data dir ${datasize[$label]}; stopped: ${stopped[$label]}"
  rm -rf "$d/data"   # the append-only file has done its job; it is big
  if [ "$label" = netloom ]; then
    [ "$stop_rc" = 0 ] || { status[$label]="exit $stop_rc on SIGTERM"; failures=$((failures + 1)); }
    if grep -qiE 'exception|error|warn' "$d/server.err"; then
      say "  $label stderr:"; grep -iE 'exception|error|warn' "$d/server.err" | head -n 10 | sed 's/^/    /' >&2
    fi
  fi
done

# ---- report (stdout, markdown) ----
# med LABEL P TEST: the median req/s over the counted runs
med() {
  local vals
  mapfile -t vals < <(printf '%s\n' "${results[@]}" | awk -v l="$1" -v p="$2" -v t="$3" '$1 == l && $2 == p && $4 == t { print $5 }')
  median "${vals[@]}"
}
target_for() { if [ "$1" = 1 ]; then echo 1.0; else echo 0.7; fi; }
# the tests in the order redis-benchmark ran them
mapfile -t order < <(printf '%s\n' "${results[@]}" | awk 'NF && !seen[$4]++ { print $4 }')
redis_v=""
if wants redis && [ -n "$redis_bin" ]; then
  redis_v=$("$redis_bin" --version 2>/dev/null | sed -n 's/.*v=\([0-9.]*\).*/\1/p')
fi

echo "### kv: netloom \`kv\` vs redis-server ${redis_v:-(not run)}, append-only file on (appendfsync everysec)"
echo
echo "| test | P | netloom req/s | redis req/s | ratio | goal |"
echo "|---|---:|---:|---:|---:|---|"
met=0 total=0
for p in $pipelines; do
  for t in "${order[@]}"; do
    a=$(med netloom "$p" "$t"); b=$(med redis "$p" "$t")
    rt=$(ratio "$a" "$b")
    target=$(target_for "$p")
    verdict=$(goal "$t -P $p" "$rt" ">=" "$target" | sed 's/.*: //')
    total=$((total + 1)); [ "$verdict" != "**met**" ] || met=$((met + 1))
    printf '| %s | %s | %s | %s | %s | ≥ %s: %s |\n' "${t//\~/ }" "$p" "$(fmt 0 "$a")" "$(fmt 0 "$b")" "$rt" "$target" "$verdict"
  done
done
if [ "${#order[@]}" -eq 0 ]; then
  for label in "${labels[@]}"; do echo "| (no results) | | ${status[$label]:-not run} ($label) | | | |"; done
fi
echo
cat <<EOF
Medians of $runs run(s) per server and depth P, the servers taking turns run by run (all started
and warmed up first); a run is one redis-benchmark command (below):
$(fmt 0 "$requests") requests per test from $clients connections, req/s as redis-benchmark reports
it per test. Each server was started once on an empty data directory with the append-only file on
and \`appendfsync everysec\` (checked with CONFIG GET), and warmed up before measuring with
$warmup pass(es) of the same command per depth, not counted: the JVM's JIT compiles kv's hot
paths during it (redis-server gets the same pass, so both start from data of the same shape).
Without -r every test reuses one key, so the data stays small; the append-only file grows by
every write on both servers alike. ratio = netloom ÷ redis; goals: ≥ 1.0 at -P 1, ≥ 0.7 at
deeper pipelines.
EOF
if [ "${#run_lines[@]}" -gt 0 ]; then
  # disturbed_note reads the array named results: hand it one line per run, then restore
  per_test=("${results[@]}")
  results=("${run_lines[@]}")
  disturbed_note 7 8 "the server and redis-benchmark"
  results=("${per_test[@]}")
fi
echo
echo "Goals met: $met of $total."
echo
# CPU during the runs: near 100% for redis-benchmark (one thread on CPU 1) means the client, not
# the server, was the limit, and the ratio says less about the servers
echo "CPU during the measured runs (medians; one CPU = 100%):"
echo
for label in "${labels[@]}"; do
  for p in $pipelines; do
    mapfile -t srv_v < <(printf '%s\n' "${run_lines[@]}" | awk -v l="$label" -v p="$p" '$1 == l && $2 == p { print $5 }')
    mapfile -t cli_v < <(printf '%s\n' "${run_lines[@]}" | awk -v l="$label" -v p="$p" '$1 == l && $2 == p { print $6 }')
    [ "${#srv_v[@]}" -gt 0 ] || continue
    c=$(median "${cli_v[@]}")
    echo "- $label, -P $p: server $(median "${srv_v[@]}")%, redis-benchmark $c%$(awk -v c="$c" \
      'BEGIN { if (c ~ /^[0-9.]+$/ && c >= 90) print " (the client was the limit, or close to it)" }')"
  done
done
echo
echo "Commands (\$TMP = the work directory, deleted afterwards; $pinning):"
echo
for label in "${labels[@]}"; do
  c=${srv_cmds[$label]:-not started}
  echo "- $label: \`${c//$work/\$TMP}\` — ${status[$label]:-?}; DBSIZE at the end ${dbsize[$label]:-n/a}," \
       "data dir ${datasize[$label]:-n/a}; stop: ${stopped[$label]:-n/a}"
done
bench_cmd P PORT
echo "- load: \`$pin1${pin1:+ }${bcmd[*]/#$rb_bin/redis-benchmark}\` with P in: $pipelines"
echo "- $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) CPUs," \
     "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM; $(uname -sr)"
nl_rev=""
if wants netloom; then
  nl_rev="; netloom $nl_built, $("$java" -version 2>&1 | sed -n 2p), JVM flags: ${NETLOOM_JAVA_OPTS:-none}"
fi
echo "- $("$rb_bin" --version 2>&1 | head -n 1)${redis_v:+; redis-server $redis_v (Debian)}$nl_rev"
echo "- took $(( $(date +%s) - started )) s$( [ "$quiet_wait" -gt 0 ] && echo " (QUIET_WAIT: $waited s spent waiting for a quiet machine)")"
echo
echo "<details><summary>per run</summary>"
echo
echo "| server | P | run | seconds | server CPU % | redis-benchmark CPU % | rest of machine CPU % | steal % | errors |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${run_lines[@]}" | awk 'NF { printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; print "" }'
if [ "${#discarded[@]}" -gt 0 ]; then
  echo
  echo "Done again (disturbed), not counted:"
  echo
  echo "| server | P | run | seconds | server CPU % | redis-benchmark CPU % | rest of machine CPU % | steal % | errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
  printf '%s\n' "${discarded[@]}" | awk 'NF { printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; print "" }'
fi
echo
echo "| server | P | run | test | req/s | p50 ms | p99 ms |"
echo "|---|---:|---:|---|---:|---:|---:|"
printf '%s\n' "${results[@]}" | awk 'NF { gsub(/~/, " ", $4); printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; print "" }'
echo
echo "</details>"
# issue 21's rows (pub/sub fan-out, a job queue, EVALSHA): bench/kv-features.sh, its own servers
if [ "${FEATURES:-1}" != 0 ]; then
  echo
  say "== bench/kv-features.sh (FEATURES=0 leaves it out)"
  SERVERS=$servers RUNS=$runs N=$requests CLIENTS=$clients BENCH_TIMEOUT=$bench_timeout \
    QUIET_WAIT=$quiet_wait KEEP_LOGS=$keep "$bench/kv-features.sh" || failures=$((failures + 1))
fi
[ "$failures" = 0 ]
