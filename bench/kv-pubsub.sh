#!/usr/bin/env bash
# Pub/sub fan-out of netloom's `kv` beside redis-server: 1 publisher, SUBSCRIBERS subscribers of
# one channel, messages delivered per second (issue 21's bench/kv.sh row; kv.sh may call this
# script and take its table row). For each server in SERVERS: start it fresh (pinned to CPU 0,
# no persistence: pub/sub writes nothing), run bench/KvPubSubFanout.java (pinned to CPU 1) for
# RUN_SECONDS: it subscribes SUBSCRIBERS connections, then publishes SIZE-byte messages with at most
# WINDOW unanswered and counts the bytes every subscriber reads; then stop the server.
# Prints a markdown table: deliveries/s, publishes/s, and netloom's ratio to redis-server.
#
# Environment (defaults in brackets): SERVERS ["netloom redis"]  SUBSCRIBERS [1000]  RUN_SECONDS [5]
#   SIZE [16]  WINDOW [64]  NETLOOM [bin/netloom]  NETLOOM_JAVA_OPTS  KEEP_LOGS [0]
# Exits 0 when every run delivered every message to every subscriber, else 1.
set -u

bench=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
here=$(cd "$bench/.." && pwd)
# shellcheck source=bench/lib.bash
. "$bench/lib.bash"
say() { echo "$*" >&2; }
netloom=${NETLOOM:-$here/bin/netloom}
servers=${SERVERS:-netloom redis}
subscribers=${SUBSCRIBERS:-1000}
seconds=${RUN_SECONDS:-5}
size=${SIZE:-16}
window=${WINDOW:-64}
keep=${KEEP_LOGS:-0}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

bench_work kv-pubsub
pin_cpus KvPubSubFanout
read -ra pin0a <<<"$pin0"
read -ra pin1a <<<"$pin1"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

ok=0
declare -A rate pubs
for s in $servers; do
  port=$(free_port)
  d=$work/$s; mkdir -p "$d"
  case $s in
    netloom) "${pin0a[@]}" "$netloom" serve kv "kv.port=$port" "kv.dir=$d" kv.appendonly=false \
               >"$d/server.out" 2>"$d/server.err" </dev/null & ;;
    redis) "${pin0a[@]}" redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$d" \
               --maxclients 20000 >"$d/server.out" 2>&1 </dev/null & ;;
    *) say "unknown server $s"; exit 2 ;;
  esac
  spid=$!
  if ! wait_listening "$port" 60; then say "$s did not start (logs in $d)"; keep=1; exit 1; fi
  say "$s: $subscribers subscribers, $seconds s"
  line=$(timeout $((seconds + 90)) "${pin1a[@]}" "$java" "$bench/KvPubSubFanout.java" --port "$port" \
      --subscribers "$subscribers" --seconds "$seconds" --size "$size" --window "$window" 2>"$d/client.err") || ok=1
  say "  $line"
  rate[$s]=$(sed -n 's/.*deliveries_per_s=\([0-9]*\).*/\1/p' <<<"$line")
  pubs[$s]=$(sed -n 's/.*publish_per_s=\([0-9]*\).*/\1/p' <<<"$line")
  term_server "$spid" "$s" || true; spid=""
done

echo "### kv pub/sub fan-out: 1 publisher, $subscribers subscribers, ${size}-byte messages ($pinning)"
echo
echo "| server | deliveries/s | publishes/s | vs redis |"
echo "|---|---:|---:|---:|"
for s in $servers; do
  echo "| $s | $(fmt 0 "${rate[$s]:-n/a}") | $(fmt 0 "${pubs[$s]:-n/a}") | $(ratio "${rate[$s]:-n/a}" "${rate[redis]:-n/a}") |"
done
exit $ok
