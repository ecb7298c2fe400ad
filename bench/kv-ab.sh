#!/usr/bin/env bash
# A/B of netloom kv builds or JVM options, beside redis-server, in runs that take turns: issue 21
# asks what the JDK offers against kv's -P 1 gap (its poller modes, reading what the socket holds
# before parking, answer coalescing), each change measured; bench/README.md has the results.
#
#   bench/kv-ab.sh base= poller1=-Djdk.pollerMode=1 redis=redis   (the default without arguments)
#   P=16 TESTS=set,get bench/kv-ab.sh base= other=-XX:+UseParallelGC redis=redis
#
# Each argument NAME=SPEC starts one server, all at once, all pinned to CPU 0: SPEC `redis` is
# redis-server (appendonly yes, appendfsync everysec, no RDB), anything else netloom's kv with
# SPEC as NETLOOM_JAVA_OPTS (appendonly, appendfsync everysec); `NAME=JAR:path/netloom.jar OPTS`
# runs another build's jar (its lib/ beside it). After one warm-up run each, ROUNDS rounds of
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
command -v redis-benchmark >/dev/null 2>&1 || die "no redis-benchmark (bench/kv.sh installs redis-tools)"
java_home=$("$here/bin/find-java") || die "no JDK 21+ (bin/find-java)"
work=$(mktemp -d "${TMPDIR:-/tmp}/kv-ab.XXXXXX")
live=() wpid=""
trap 'stop_live; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
declare -A ports
names=()
for spec in "$@"; do
  name=${spec%%=*} opts=${spec#*=}
  [[ $name =~ ^[A-Za-z0-9_-]+$ ]] || die "bad NAME in '$spec'"
  names+=("$name"); d=$work/$name; mkdir -p "$d/data" "$d/home"
  port=$(free_port); ports[$name]=$port
  if [ "$opts" = redis ]; then
    taskset -c 0 "$(find_bin redis-server)" --port "$port" --bind 127.0.0.1 --dir "$d/data" --appendonly yes \
      --appendfsync everysec --save '' >"$d/log" 2>&1 </dev/null &
  elif [[ $opts == JAR:* ]]; then
    read -r jar jopts <<<"${opts#JAR:}"
    # shellcheck disable=SC2086
    NETLOOM_HOME=$d/home taskset -c 0 "$java_home/bin/java" --enable-native-access=ALL-UNNAMED $jopts \
      -Dnetloom.home="$d/home" -jar "$jar" serve kv "kv.port=$port" "kv.dir=$d/data" kv.appendonly=true \
      kv.appendfsync=everysec >"$d/log" 2>&1 </dev/null &
  else
    NETLOOM_HOME=$d/home NETLOOM_JAVA_OPTS="$opts" taskset -c 0 "$here/bin/netloom" serve kv "kv.port=$port" \
      "kv.dir=$d/data" kv.appendonly=true kv.appendfsync=everysec >"$d/log" 2>&1 </dev/null &
  fi
  live+=("$!")
done
for name in "${names[@]}"; do
  wait_listening "${ports[$name]}" 60 || die "$name did not start: $(tail -n 3 "$work/$name/log")"
done
bench_run() {  # bench_run NAME: one redis-benchmark run, "NAME TEST RPS" lines appended to results
  timeout 900 taskset -c 1 redis-benchmark -p "${ports[$1]}" -t "$tests" -n "$n" -c 50 -P "$p" --csv </dev/null |
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
echo "Medians of $rounds rounds; redis-benchmark -t $tests -n $n -c 50 -P $p on CPU 1, every server on CPU 0, taking turns."
