#!/usr/bin/env bash
# redis-benchmark's whole default suite against the kv service: `redis-benchmark -q -n 2000`
# (50 clients, every default test: PING_INLINE, PING_MBULK, SET, GET, INCR, LPUSH, RPUSH, LPOP,
# RPOP, SADD, HSET, SPOP, ZADD, ZPOPMIN, the LRANGE_* family, MSET and, in redis-benchmark 7.2
# and later, XADD). A correctness check, not a measurement (bench/kv.sh measures): it passes when
# redis-benchmark exits 0, prints a `NAME: N requests per second` line for every expected test,
# and no line of its output says ERR, error or WARNING (redis-benchmark stops at the first error
# reply, e.g. an unknown command, and warns when CONFIG GET fails). redis-benchmark 7.0 (Debian
# 12's) has no XADD test; there XADD is run as a custom command (`redis-benchmark ... XADD
# bench:stream * field value`) so the stream path is covered all the same.
# PORT_<svc> is set by serve_start:
# shellcheck disable=SC2154
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for t in redis-benchmark redis-cli; do
  command -v "$t" >/dev/null 2>&1 || { echo "$NL_SCRIPT: $t is needed: run tests/ensure-tools.sh" >&2; exit 2; }
done
REQUESTS=${KV_BENCH_REQUESTS:-2000}
BENCH_TIMEOUT=${KV_BENCH_TIMEOUT:-45}   # seconds for the whole default suite

# The default suite's report lines, in the order redis-benchmark runs them (the LRANGE tests are
# preceded by an LPUSH that fills the list they read).
expected=(PING_INLINE PING_MBULK SET GET INCR LPUSH RPUSH LPOP RPOP SADD HSET SPOP ZADD ZPOPMIN
  'LPUSH (needed to benchmark LRANGE)' 'LRANGE_100 (first 100 elements)'
  'LRANGE_300 (first 300 elements)' 'LRANGE_500 (first 500 elements)'
  'LRANGE_600 (first 600 elements)' 'MSET (10 keys)')
# XADD joined the default suite in redis-benchmark 7.2: expect it when this binary has the test.
xadd_default=false
if grep -aq 'XADD' "$(command -v redis-benchmark)"; then
  xadd_default=true
  expected+=(XADD)
fi

serve_start kv kv.port=0 "kv.dir=$T/kv"
port=$PORT_kv

# run_bench OUT ARG...: redis-benchmark -q against kv, bounded; its carriage-return progress
# updates become lines of their own in OUT. Sets BENCH_RC (124: timed out).
run_bench() {
  local out=$1; shift
  BENCH_RC=0
  timeout -k 5 "$BENCH_TIMEOUT" redis-benchmark -h 127.0.0.1 -p "$port" -q -n "$REQUESTS" "$@" \
    </dev/null >"$out.raw" 2>&1 || BENCH_RC=$?
  tr '\r' '\n' <"$out.raw" | sed 's/^[[:space:]]*//' | grep -v '^$' >"$out" || true
}

bench_rc_ok() {  # bench_rc_ok RC OUT
  [ "$1" = 0 ] && return 0
  if [ "$1" = 124 ]; then echo "redis-benchmark did not finish within ${BENCH_TIMEOUT}s"
  else echo "redis-benchmark exited with $1"; fi
  echo "its last lines:"; grep -v 'rps=' "$2" | tail -n 8 | sed 's/^/  | /'
  return 1
}

# reported OUT NAME: OUT has the final line `NAME: N requests per second...`
reported() {
  local re
  re=$(re_quote "$2")
  grep -Eq "^$re: [0-9]+(\.[0-9]+)? requests per second" "$1" && return 0
  echo "no line '$2: N requests per second' in redis-benchmark's output"
  return 1
}

# no_complaints OUT: no line says ERR, error or WARNING (any case of the first letter)
no_complaints() {
  local bad
  bad=$(grep -E 'ERR|[Ee]rror|WARNING|[Ww]arning' "$1" || true)
  [ -z "$bad" ] && return 0
  echo "offending lines:"; printf '%s\n' "$bad" | sed 's/^/  | /'
  return 1
}

# --- The default suite ---------------------------------------------------------------------------
run_bench "$T/suite.txt"
check "redis-benchmark -q -n $REQUESTS (the default suite) exits 0 within ${BENCH_TIMEOUT}s" \
  bench_rc_ok "$BENCH_RC" "$T/suite.txt"
for name in "${expected[@]}"; do
  check "the default suite reports $name" reported "$T/suite.txt" "$name"
done
check "no line of the default suite's output says ERR, error or WARNING" no_complaints "$T/suite.txt"

# --- XADD as a custom command, when the default suite has none -----------------------------------
if ! $xadd_default; then
  run_bench "$T/xadd.txt" XADD bench:stream '*' field value
  check "redis-benchmark -q -n $REQUESTS XADD bench:stream * field value exits 0 (not in the 7.0 default suite)" \
    bench_rc_ok "$BENCH_RC" "$T/xadd.txt"
  check "it reports XADD bench:stream * field value" reported "$T/xadd.txt" 'XADD bench:stream * field value'
  check "no line of the XADD run says ERR, error or WARNING" no_complaints "$T/xadd.txt"
  xlen_ok() {
    local got
    got=$(timeout 10 redis-cli --no-raw -h 127.0.0.1 -p "$port" XLEN bench:stream </dev/null 2>&1) || true
    [ "$got" = "(integer) $REQUESTS" ] && return 0
    echo "XLEN bench:stream: $got (expected (integer) $REQUESTS)"
    return 1
  }
  check "XLEN bench:stream is $REQUESTS afterwards: every XADD stored an entry" xlen_ok
fi

# --- The server is still well -------------------------------------------------------------------
still_answers() {
  local got
  got=$(timeout 10 redis-cli -h 127.0.0.1 -p "$port" PING </dev/null 2>&1) || true
  [ "$got" = PONG ] || { echo "PING after the benchmark: $got"; return 1; }
}
check "kv still answers PING after the benchmark" still_answers

# The rates, for the curious (not checked: 2000 requests on a cold JVM say little; see bench/kv.sh)
grep -hE 'requests per second' "$T/suite.txt" "$T/xadd.txt" 2>/dev/null | sed 's/^/  rate: /' || true

finish
