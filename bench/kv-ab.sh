#!/usr/bin/env bash
# A/B of netloom kv builds or JVM options, beside redis-server, in runs that take turns: issue 21
# asks what the JDK offers against kv's -P 1 gap (its poller modes, reading what the socket holds
# before parking, answer coalescing), each change measured; bench/README.md has the results.
#
#   bench/kv-ab.sh base= poller1=-Djdk.pollerMode=1 redis=redis   (the default without arguments)
#   P=16 TESTS=set,get bench/kv-ab.sh base= other=-XX:+UseParallelGC redis=redis
#
# Each argument NAME=SPEC starts one server, all at once, all pinned to CPU 0 (bench/lib.bash's
# start_server, as kv.sh): SPEC `redis` is redis-server (appendonly yes, appendfsync everysec, no
# RDB), anything else netloom's kv with SPEC as NETLOOM_JAVA_OPTS (appendonly, appendfsync
# everysec; NETLOOM=path/bin/netloom for another build). After one warm-up run each, ROUNDS rounds of
#   taskset -c 1 redis-benchmark -p PORT -t TESTS -n N -c 50 -P P --csv
# go to each server in turn, so a machine whose speed drifts moves every server alike. Prints
# the median req/s per test and server (markdown) on stdout, progress on stderr.
# Environment: ROUNDS [5]  TESTS [set,get,incr,lpush,rpop,sadd,hset]  N [100000]  P [1]
# Loopback only; every run is bounded by `timeout`. Needs target/netloom.jar (make build) and
# redis-benchmark (tests/ensure-tools.sh or bench/kv.sh install it).
set -uo pipefail
bench=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
here=$(cd "$bench/.." && pwd)
rounds=${ROUNDS:-5} tests=${TESTS:-set,get,incr,lpush,rpop,sadd,hset} n=${N:-100000} p=${P:-1}
die() { echo "kv-ab: $*" >&2; exit 2; }
say() { echo "$*" >&2; }
# shellcheck source-path=SCRIPTDIR source=lib.bash
. "$bench/lib.bash"
[ $# -gt 0 ] || set -- base= poller1=-Djdk.pollerMode=1 redis=redis   # make bench: the poller modes
servers="netloom redis"   # what kv_ensure_tools installs
netloom=${NETLOOM:-$here/bin/netloom}
kv_ensure_tools   # lib.bash
cli_bin=$(command -v redis-cli)
find_redis || true
work=$(mktemp -d "${TMPDIR:-/tmp}/kv-ab.XXXXXX")
live=() wpid=""
trap 'stop_live; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
pin_cpus redis-benchmark   # lib.bash: pin0, pin1 (taskset -c 0 / -c 1 where it can)
pin0a=() pin1a=()
[ -z "$pin0" ] || read -ra pin0a <<<"$pin0"
[ -z "$pin1" ] || read -ra pin1a <<<"$pin1"
declare -A ports
names=()
for spec in "$@"; do
  name=${spec%%=*} opts=${spec#*=}
  [[ $name =~ ^[A-Za-z0-9_-]+$ ]] || die "bad NAME in '$spec'"
  names+=("$name"); d=$work/$name; mkdir -p "$d/home"
  if [ "$opts" = redis ]; then
    start_server redis "$d" || die "$name did not start"
  else
    NETLOOM_HOME=$d/home NETLOOM_JAVA_OPTS=$opts start_server netloom "$d" || die "$name did not start"
  fi
  ports[$name]=$port
done
bench_run() {  # bench_run NAME: one redis-benchmark run, "NAME TEST RPS" lines appended to results
  timeout 900 "${pin1a[@]}" redis-benchmark -p "${ports[$1]}" -t "$tests" -n "$n" -c 50 -P "$p" --csv </dev/null |
    tr -d '"' | awk -F, -v s="$1" 'NR > 1 { gsub(/ /, "~", $1); print s, $1, $2 }'
}
for name in "${names[@]}"; do say "warm-up: $name"; bench_run "$name" >/dev/null; done
results=()
for ((r = 1; r <= rounds; r++)); do
  for name in "${names[@]}"; do
    mapfile -t -O "${#results[@]}" results < <(bench_run "$name")
    say "round $r, $name: $(printf '%s\n' "${results[@]}" | awk -v s="$name" '$1 == s { v[$2] = $3 } END { for (t in v) printf "%s %.0f  ", t, v[t] }')"
  done
done
echo "| test | $(printf '%s | ' "${names[@]}")"
echo "|---|$(printf -- '---:|%.0s' "${names[@]}")"
mapfile -t order < <(printf '%s\n' "${results[@]}" | awk '!seen[$2]++ { print $2 }')
for t in "${order[@]}"; do
  row="| ${t//\~/ } |"
  for name in "${names[@]}"; do
    mapfile -t vals < <(printf '%s\n' "${results[@]}" | awk -v s="$name" -v t="$t" '$1 == s && $2 == t { print $3 }')
    row+=" $(fmt 0 "$(median "${vals[@]}")") |"
  done
  echo "$row"
done
echo
echo "Medians of $rounds rounds; redis-benchmark -t $tests -n $n -c 50 -P $p, the servers taking turns ($pinning)."
