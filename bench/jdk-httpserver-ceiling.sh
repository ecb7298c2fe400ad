#!/usr/bin/env bash
# How fast com.sun.net.httpserver itself is here: the ceiling under the rest service, whose
# handler does real work on the same server. Starts bench/JdkHttpHello.java (a constant 90-byte
# JSON answer) pinned to CPU 0 with each executor in MODES, warms it up for WARMUP seconds, then
# RUNS times `wrk -t1 -c32 -dDURATION` pinned to CPU 1; prints a markdown table of the medians.
#
# Environment: MODES ["virtual inline pool"]  RUNS [3]  DURATION [5] s  WARMUP [5] s
# Needs wrk and a JDK 21+ (found like bin/netloom). Loopback only; every run bounded by timeout.
set -u
bench=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
here=$(cd "$bench/.." && pwd)
modes=${MODES:-virtual inline pool}
runs=${RUNS:-3}
duration=${DURATION:-5}
warmup=${WARMUP:-5}
keep=0
say() { echo "$*" >&2; }
die() { echo "jdk-httpserver-ceiling: $*" >&2; exit 2; }
# shellcheck source-path=SCRIPTDIR source=lib.bash
. "$bench/lib.bash"
command -v wrk >/dev/null 2>&1 || die "wrk is missing (apt-get install wrk)"
java_home=$("$here/bin/find-java") || die "no JDK 21+ found"
live=() wpid=""
bench_work jdk-httpserver-ceiling
trap 'stop_live; rm -rf "$work"' EXIT
pin_cpus wrk
"$java_home/bin/javac" -d "$work" "$bench/JdkHttpHello.java" || die "cannot compile JdkHttpHello.java"

echo "### com.sun.net.httpserver alone: a constant 90-byte JSON answer"
echo
echo "| executor | req/s (median of $runs × ${duration} s) | p99 ms |"
echo "|---|---:|---:|"
for mode in $modes; do
  port=$(free_port)
  # shellcheck disable=SC2086  # pin0 is a command and its arguments, or nothing
  $pin0 "$java_home/bin/java" -cp "$work" JdkHttpHello "$port" "$mode" >"$work/$mode.out" 2>&1 &
  spid=$!; live=("$spid")
  for ((i = 0; i < 100; i++)); do grep -q listening "$work/$mode.out" && break; sleep 0.1; done
  # shellcheck disable=SC2086
  [ "$warmup" -gt 0 ] && timeout $((warmup + 10)) $pin1 wrk -t1 -c32 -d"${warmup}s" "http://127.0.0.1:$port/" >/dev/null
  rps=() p99=()
  for ((r = 1; r <= runs; r++)); do
    # shellcheck disable=SC2086
    out=$(timeout $((duration + 20)) $pin1 wrk -t1 -c32 -d"${duration}s" --latency "http://127.0.0.1:$port/")
    rps+=("$(awk '/^Requests\/sec/ { print $2 }' <<<"$out")")
    p99+=("$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) v = v / 1000; else if (v ~ /ms$/) v = v + 0; else v = v * 1000; print v }' <<<"$out")")
    say "  $mode run $r: ${rps[-1]} req/s, p99 ${p99[-1]} ms"
  done
  kill -TERM "$spid"; wait "$spid" 2>/dev/null; live=()
  echo "| $mode | $(fmt 0 "$(median "${rps[@]}")") | $(median "${p99[@]}") |"
done
echo
echo "Server pinned as: $pinning. Command: \`bench/jdk-httpserver-ceiling.sh\`."
