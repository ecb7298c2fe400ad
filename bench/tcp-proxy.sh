#!/usr/bin/env bash
# TCP port forwarding throughput: netloom's `tcp-proxy` side by side with socat, each forwarding
# one connection of SIZE bytes (1 GiB) from a client to the same kind of sink on loopback.
#
# Each proxy in PROXIES is started once, pinned to CPU 0:
#   socat:   socat -b 65536 TCP-LISTEN:PORT,reuseaddr,fork TCP:127.0.0.1:SINK
#            (-b 65536: the same 64 KiB buffer per direction as netloom's, so the comparison is
#            of the relays, not of socat's 8 KiB default)
#   netloom: netloom serve tcp-proxy tcp-proxy.routes=0=127.0.0.1:SINK
# a warm-up run each (not counted: the JIT compiles the relay during it; socat gets one too), then
# RUNS measured runs each, the proxies taking turns run by run. One run: a sink
# (socat -u -b 65536 TCP-LISTEN:SINK - | wc -c) and the client
# (socat -u -b 65536 OPEN:/dev/zero,readbytes=SIZE TCP:127.0.0.1:PORT), both pinned to CPU 1; the
# time is from the client's start to the sink's end, and the sink must have counted SIZE bytes.
# The proxy's CPU time (user + system, /proc/PID/stat, socat's forked children included) is read
# around each run. Prints a markdown table of the median MiB/s and CPU seconds per GiB per proxy,
# netloom ÷ socat, and the goal (≥ 0.9) on stdout; progress on stderr.
#
# Environment (defaults in brackets):
#   PROXIES ["netloom socat"]  SIZE [1073741824] bytes per run  RUNS [3]  WARMUP [1]
#   RUN_TIMEOUT [300] s for one run   NETLOOM [bin/netloom]  NETLOOM_JAVA_OPTS  extra JVM flags
#   KEEP_LOGS [0]  1 keeps the work directory (the proxies' output)
# Installs socat with apt-get when it is missing and it can (root or passwordless sudo); else says
# what to install and exits 2. Loopback only. Exits 0 when every run moved SIZE bytes and netloom
# exited 0 on SIGTERM; else 1. A goal not met does not change the exit code: it is printed.
set -euo pipefail

bench=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
here=$(cd "$bench/.." && pwd)
netloom=${NETLOOM:-$here/bin/netloom}
proxies=${PROXIES:-netloom socat}
size=${SIZE:-1073741824}
runs=${RUNS:-3}
warmup=${WARMUP:-1}
run_timeout=${RUN_TIMEOUT:-300}
keep=${KEEP_LOGS:-0}

die() { echo "tcp-proxy: $*" >&2; exit 2; }
say() { echo "$*" >&2; }
# shellcheck source-path=SCRIPTDIR source=lib.bash
. "$bench/lib.bash"

for p in $proxies; do
  case $p in netloom|socat) ;; *) die "unknown proxy '$p' in PROXIES (netloom, socat)";; esac
done
for v in SIZE RUNS RUN_TIMEOUT; do
  x=${!v:-1}
  [[ $x =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '$x'"
done
[[ $warmup =~ ^[0-9]+$ ]] || die "WARMUP must be a whole number, not '$warmup'"
wants() { [[ " $proxies " == *" $1 "* ]]; }
if wants netloom; then
  if [ -z "${NETLOOM:-}" ] && [ ! -f "$here/target/netloom.jar" ]; then
    die "target/netloom.jar is missing: build netloom first (make build), or PROXIES=socat"
  fi
  [ -x "$netloom" ] || die "NETLOOM=$netloom is not an executable launcher"
fi
command -v socat >/dev/null 2>&1 || apt_install tcp-proxy "socat is the client and the sink too" socat
command -v socat >/dev/null 2>&1 || die "socat is still missing after apt-get install"

nl_built=""
if wants netloom; then nl_built=$(netloom_built "$netloom" "$here"); fi
bench_work tcp-proxy-bench
pin_cpus "client and sink"

# start_proxy NAME SINK: starts the proxy pinned to CPU 0, sets spid and port
start_proxy() {
  local i
  case $1 in
    socat)
      port=$(free_port)
      $pin0 socat -b 65536 "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" "TCP:127.0.0.1:$2" \
        >"$work/socat.out" 2>&1 &
      spid=$!
      wait_listening "$port" 10 || die "socat did not listen on $port"
      ;;
    netloom)
      : >"$work/netloom.out"
      # shellcheck disable=SC2086  # pin0 is a command and its arguments, or nothing
      $pin0 "$netloom" serve tcp-proxy "tcp-proxy.routes=0=127.0.0.1:$2" >"$work/netloom.out" 2>"$work/netloom.err" &
      spid=$!
      port=""
      for ((i = 0; i < 600; i++)); do
        port=$(sed -n 's/^tcp-proxy listening on 127\.0\.0\.1:\([0-9]*\) (tcp) -> .*/\1/p' "$work/netloom.out" | head -n 1)
        [ -z "$port" ] || break
        sleep 0.05
      done
      [ -n "$port" ] || die "netloom printed no listening line: $(cat "$work/netloom.err")"
      ;;
  esac
}

hz=$(getconf CLK_TCK)
# proxy_ticks PID: user+system ticks of the process and of its children reaped (socat's forks)
proxy_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$1/stat"; }

# one_run: SIZE bytes through the proxy; prints "MiB/s CPU-s-per-GiB", or "n/a n/a" when the
# sink counted otherwise
one_run() {
  local t0 t1 got c0 c1
  rm -f "$work/sink.count"
  # shellcheck disable=SC2086
  ( timeout "$run_timeout" $pin1 socat -u -b 65536 "TCP-LISTEN:$sink,bind=127.0.0.1,reuseaddr" - | $pin1 wc -c >"$work/sink.count" ) &
  local wpid=$!
  wait_listening "$sink" 10 || die "the sink did not listen on $sink"
  c0=$(proxy_ticks "$spid")
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  timeout "$run_timeout" $pin1 socat -u -b 65536 "OPEN:/dev/zero,readbytes=$size" "TCP:127.0.0.1:$port" || true
  wait "$wpid" 2>/dev/null || true # the sink ends at the end of the stream the proxy passes on
  t1=$(date +%s%N)
  sleep 0.2 # socat's parent reaps the forked child, whose time then counts as the parent's
  c1=$(proxy_ticks "$spid")
  got=$(tr -d ' ' <"$work/sink.count" 2>/dev/null || echo 0)
  if [ "$got" != "$size" ]; then say "  the sink counted $got bytes, not $size"; echo n/a n/a; return; fi
  awk -v b="$size" -v ns="$((t1 - t0))" -v t="$((c1 - c0))" -v hz="$hz" \
    'BEGIN { printf "%.1f %.2f\n", b / 1048576 / (ns / 1e9), t / hz / (b / 1073741824) }'
}

declare -A result cpu_result pid_of port_of sink_of rates_of cpus_of
ok=true
all_pids=()
trap 'for q in "${all_pids[@]}"; do kill -KILL "$q" 2>/dev/null; done; bench_cleanup' EXIT
for p in $proxies; do
  sink=$(free_port)
  start_proxy "$p" "$sink"
  pid_of[$p]=$spid port_of[$p]=$port sink_of[$p]=$sink
  all_pids+=("$spid")
  say "$p: listening on 127.0.0.1:$port -> sink 127.0.0.1:$sink (pid $spid)"
  for ((w = 0; w < warmup; w++)); do say "  $p warm-up: $(one_run) (MiB/s, proxy CPU s/GiB)"; done
done
# the proxies take turns, run by run, so that a slow spell of the machine hits both alike
for ((r = 1; r <= runs; r++)); do
  for p in $proxies; do
    spid=${pid_of[$p]} port=${port_of[$p]} sink=${sink_of[$p]}
    read -r rate cpu < <(one_run)
    [ "$rate" != n/a ] || ok=false
    say "  run $r, $p: $rate MiB/s, proxy CPU $cpu s/GiB"
    rates_of[$p]+=" $rate" cpus_of[$p]+=" $cpu"
  done
done
for p in $proxies; do
  # shellcheck disable=SC2086  # the runs' numbers, one word each
  result[$p]=$(median ${rates_of[$p]})
  # shellcheck disable=SC2086
  cpu_result[$p]=$(median ${cpus_of[$p]})
  if [ "$p" = netloom ]; then
    term_server "${pid_of[$p]}" netloom
    [ "$stop_rc" = 0 ] || { say "  netloom exited $stop_rc on SIGTERM"; ok=false; }
  else
    kill -TERM "${pid_of[$p]}" 2>/dev/null; wait "${pid_of[$p]}" 2>/dev/null || true
  fi
done
spid=""

echo "### tcp-proxy: $(fmt 0 "$size") bytes through one connection, loopback ($pinning)"
echo
[ -z "$nl_built" ] || echo "netloom $nl_built; $(socat -V 2>/dev/null | sed -n 's/^socat version \([^ ]*\).*/socat \1/p' | head -n 1); medians of $runs runs after $warmup warm-up"
echo
echo "| proxy | MiB/s | proxy CPU, s per GiB |"
echo "|---|---:|---:|"
for p in $proxies; do echo "| $p | ${result[$p]} | ${cpu_result[$p]} |"; done
if wants netloom && wants socat; then
  r=$(ratio "${result[netloom]}" "${result[socat]}")
  echo
  echo "netloom ÷ socat: $r (CPU per GiB: $(ratio "${cpu_result[netloom]}" "${cpu_result[socat]}"))"
  goal "throughput ≥ 0.9x socat" "$r" ">=" 0.9
fi
$ok
