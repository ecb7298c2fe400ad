#!/usr/bin/env bash
# Prometheus itself scrapes a running netloom (issue 20): `netloom serve http` with its admin
# listener, a real Prometheus server (Debian's `prometheus`) scraping /metrics every second, and
# wrk loading http for LOAD_SECS seconds. Then PromQL `rate(netloom_requests_total{service="http"})`
# over the load, asked through Prometheus's HTTP API, must be within 10% of wrk's Requests/sec;
# netloom's own count must hold every request wrk completed; the latency histogram must give
# Prometheus a p99 (histogram_quantile); `promtool check metrics` must find nothing in a scrape.
# Skips (exit 0, a "skip" line) when prometheus or wrk is missing: tests/ensure-tools.sh installs
# both. Loopback only, every client call bounded; about 25 s.
#
#   LOAD_SECS [10]  length of the measured wrk run (a 2 s warm-up run comes first)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LOAD_SECS=${LOAD_SECS:-10}
CONNS=16
[[ $LOAD_SECS =~ ^[0-9]+$ ]] && [ "$LOAD_SECS" -ge 6 ] && [ "$LOAD_SECS" -le 30 ] ||
  fail_now "LOAD_SECS is 6 to 30 seconds" "LOAD_SECS=$LOAD_SECS"
PROMETHEUS=$(command -v prometheus || true)
[ -n "$PROMETHEUS" ] || { skip "Prometheus scrapes netloom" "no prometheus binary: run tests/ensure-tools.sh"; finish; }
command -v wrk >/dev/null 2>&1 || { skip "Prometheus scrapes netloom" "no wrk: run tests/ensure-tools.sh"; finish; }

mkdir -p "$T/www"
head -c 1024 /dev/urandom >"$T/www/1k.bin"
serve_start http http.port=0 http.root="$T/www" http.access-log=off admin.port=0
for _ in $(seq 100); do grep -q '^admin listening on ' "$SERVER_OUT" && break; sleep 0.1; done
ADMIN_PORT=$(sed -nE 's/^admin listening on 127\.0\.0\.1:([0-9]+) \(tcp\)$/\1/p' "$SERVER_OUT")
[ -n "$ADMIN_PORT" ] || fail_now "serve prints the admin listener's line" "$(cat "$SERVER_OUT")"
URL=http://127.0.0.1:$PORT_http/1k.bin
get file "$URL"
check "http serves the file" same_bytes "$T/www/1k.bin" "$T/file.body"

cat >"$T/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: netloom
    scrape_interval: 1s
    scrape_timeout: 1s
    static_configs:
      - targets: ["127.0.0.1:$ADMIN_PORT"]
YAML

# start_prometheus: on a free port (another one when that was taken meanwhile); sets PROM
start_prometheus() {
  local attempt port pid deadline
  for attempt in 1 2 3; do
    port=$(free_port)
    "$PROMETHEUS" --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/tsdb" \
      --web.listen-address="127.0.0.1:$port" --log.level=warn </dev/null >"$T/server-prometheus.err" 2>&1 &
    pid=$!
    nl_helper "$pid"
    deadline=$((SECONDS + 20))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
      if timeout 2 curl -sf --max-time 1 "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1; then
        PROM=http://127.0.0.1:$port
        return 0
      fi
      sleep 0.2
    done
    kill "$pid" 2>/dev/null
    grep -q 'address already in use' "$T/server-prometheus.err" || break
  done
  fail_now "prometheus starts on 127.0.0.1 (attempt $attempt)" "$(tail -n 20 "$T/server-prometheus.err")"
}

# prom_query EXPR [TIME]: the value of the query's first series (an instant query), or nothing
prom_query() {
  local args=(--data-urlencode "query=$1")
  [ $# -lt 2 ] || args+=(--data-urlencode "time=$2")
  timeout 10 curl -sf --max-time 5 --get "$PROM/api/v1/query" "${args[@]}" |
    sed -nE 's/.*"value":\[[0-9.e+]+,"([^"]+)"\].*/\1/p'
}

# wait_scraped SECS: until Prometheus has netloom's http counter, from a successful scrape
wait_scraped() {
  local deadline=$((SECONDS + $1))
  until [ "$(prom_query 'up{job="netloom"}')" = 1 ] &&
        [ -n "$(prom_query 'netloom_requests_total{service="http"}')" ]; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "no scrape of 127.0.0.1:$ADMIN_PORT in $1 s"; return 1; }
    sleep 0.2
  done
}

start_prometheus
check "prometheus scrapes the admin listener's /metrics" wait_scraped 15

# the JIT warms up first, so the measured run's rate is steady from its start
timeout 20 wrk -t1 -c"$CONNS" -d2s "$URL" >"$T/wrk-warmup.txt" 2>&1
t0=$(date +%s.%N)
timeout $((LOAD_SECS + 20)) wrk -t1 -c"$CONNS" -d"${LOAD_SECS}s" --latency "$URL" >"$T/wrk.txt" 2>&1 ||
  fail_now "wrk runs" "$(cat "$T/wrk.txt")"
t1=$(date +%s.%N)
sleep 2.5  # two more scrapes: the last second of the load is in Prometheus
wrk_rps=$(awk '/^Requests\/sec:/ { print $2 }' "$T/wrk.txt")
wrk_n=$(awk '/ requests in / { print $1 }' "$T/wrk.txt")
warm_n=$(awk '/ requests in / { print $1 }' "$T/wrk-warmup.txt")
wrk_p99=$(awk '$1 == "99%" { print $2 }' "$T/wrk.txt")
# the rate over the load but its first 2 s and last 1 s (wrk's connections opening, the run's end)
window=$((LOAD_SECS - 3))
at=$(awk -v t="$t1" 'BEGIN { printf "%.3f", t - 1 }')
prom_rps=$(prom_query "rate(netloom_requests_total{service=\"http\"}[${window}s])" "$at")
prom_p99=$(prom_query "histogram_quantile(0.99, rate(netloom_request_duration_seconds_bucket{service=\"http\"}[${window}s]))" "$at")
echo "# wrk: ${wrk_rps:-?} req/s (${wrk_n:-?} requests in ${LOAD_SECS} s, p99 ${wrk_p99:-?});" \
     "PromQL rate over ${window} s: ${prom_rps:-none}; server p99 from the histogram: ${prom_p99:-none} s"

within_10_percent() {  # within_10_percent PROM WRK
  awk -v p="$1" -v w="$2" 'BEGIN {
    if (p !~ /^[0-9.e+]+$/ || w !~ /^[0-9.]+$/ || w == 0) { print "no value: PromQL " p ", wrk " w; exit 1 }
    d = (p - w) / w * 100; printf "PromQL rate() %.1f req/s, wrk %.1f req/s: %+.1f%%\n", p, w, d
    exit !(d >= -10 && d <= 10) }'
}
check "PromQL rate(netloom_requests_total{service=\"http\"}[${window}s]) is within 10% of wrk's Requests/sec" \
  within_10_percent "$prom_rps" "$wrk_rps"

counted_all() {  # netloom's own counter holds each request wrk completed (and at most those in flight more)
  local m n want
  m=$(timeout 10 curl -sf --max-time 5 "http://127.0.0.1:$ADMIN_PORT/metrics") || { echo "no scrape"; return 1; }
  n=$(sed -nE 's/^netloom_requests_total\{service="http"\} ([0-9.]+)$/\1/p' <<<"$m")
  want=$((warm_n + wrk_n + 1))  # and the check's curl
  awk -v n="$n" -v w="$want" -v slack=$((2 * CONNS)) 'BEGIN { printf "netloom counted %s, wrk completed %d\n", n, w
    exit !(n >= w && n <= w + slack) }'
}
check "netloom_requests_total counts every request wrk completed" counted_all

p99_given() {
  awk -v p="$1" 'BEGIN { exit !(p ~ /^[0-9.e+-]+$/ && p > 0 && p <= 10) }' || { echo "histogram_quantile gave '${1:-nothing}'"; return 1; }
}
check "histogram_quantile(0.99, netloom_request_duration_seconds) gives a p99" p99_given "$prom_p99"

if command -v promtool >/dev/null 2>&1; then
  promtool_clean() {
    local out
    timeout 10 curl -sf --max-time 5 "http://127.0.0.1:$ADMIN_PORT/metrics" >"$T/scrape.txt" || { echo "no scrape"; return 1; }
    out=$(timeout 20 promtool check metrics <"$T/scrape.txt" 2>&1) || { echo "$out"; return 1; }
    [ -z "$out" ] || { echo "$out"; return 1; }
  }
  check "promtool check metrics finds nothing in a scrape after the load" promtool_clean
else
  skip "promtool check metrics" "no promtool: run tests/ensure-tools.sh"
fi
finish
