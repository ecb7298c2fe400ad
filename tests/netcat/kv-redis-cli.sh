#!/usr/bin/env bash
# The kv service (Redis-compatible, RESP2, append-only file) against the real redis-cli and nc,
# on a fresh data dir: strings (SET/GET/INCR/INCRBY/APPEND/MGET/MSET/GETRANGE, SET NX/XX/EX),
# lists (RPUSH/LPUSH/LRANGE/LPOP/RPOP/LLEN), expiry (PX with a bounded poll until the key is
# gone, EXPIRE/TTL/PERSIST), the error texts redis-cli users see (WRONGTYPE, wrong number of
# arguments, unknown command), inline commands and pipelining through nc, a protocol error that
# closes the connection (also an inline line over 64 KiB), a streamed SRANDMEMBER reply, and
# persistence: a SIGTERM stop and a start on the same dir keeps every key; with
# kv.appendfsync=always, SIGKILL right after N acknowledged writes loses none of them.
# Replies are compared with what `redis-cli --no-raw` prints, byte for byte (typed: "(integer) 1",
# "(nil)", quoted strings), so a reply of the wrong RESP type fails even when its text matches.
# The list checks are skipped (with a skip line) only while LPUSH is an unknown command.
# PORT_<svc> is set by serve_start; the RESP bytes in single quotes are printf formats, their $
# is a bulk-string length, not an expansion:
# shellcheck disable=SC2154,SC2016
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v redis-cli >/dev/null 2>&1 || { echo "$NL_SCRIPT: redis-cli is needed: run tests/ensure-tools.sh" >&2; exit 2; }

# --- Helpers ----------------------------------------------------------------------------------
port=""   # the kv server the helpers talk to (set after each serve_start)

# cli ARG...: one redis-cli command with typed output (--no-raw: redis-cli's own format even
# though stdout is not a terminal), stderr included (so "Could not connect" shows in a failure),
# bounded by timeout, stdin closed.
cli() { timeout 10 redis-cli --no-raw -h 127.0.0.1 -p "$port" "$@" </dev/null 2>&1; }

# lines LINE...: the lines joined by newlines, as $(cli ...) gives a multi-line reply
lines() { printf '%s\n' "$@"; }

# show_diff WHAT EXPECTED GOT: explains a mismatch; line ends are marked with $, so a missing or
# extra trailing space shows
show_diff() {
  printf '%s\nexpected:\n%s\ngot:\n%s\n' "$1" "$(sed 's/^/  | /; s/$/$/' <<<"$2")" \
    "$(sed 's/^/  | /; s/$/$/' <<<"$3")"
}

# replies EXPECTED ARG...: `redis-cli --no-raw ARG...` prints exactly EXPECTED
replies() {
  local want=$1 got; shift
  got=$(cli "$@") || true   # redis-cli exits 1 on an error reply; its text is what we compare
  [ "$got" == "$want" ] && return 0
  show_diff "redis-cli $*" "$want" "$got"
  return 1
}

# replies_stdin INPUT EXPECTED: the commands in INPUT (one a line) piped into redis-cli, as a
# user scripts it: one connection, each reply printed in turn; they must be exactly EXPECTED
replies_stdin() {
  local got
  got=$(printf '%s' "$1" | timeout 10 redis-cli --no-raw -h 127.0.0.1 -p "$port" 2>&1) || true
  [ "$got" == "$2" ] && return 0
  show_diff "redis-cli with on stdin: $1" "$2" "$got"
  return 1
}

# int_in LO HI ARG...: the reply is "(integer) N" with LO <= N <= HI
int_in() {
  local lo=$1 hi=$2 got n; shift 2
  got=$(cli "$@") || true
  if [[ $got =~ ^\(integer\)\ (-?[0-9]+)$ ]]; then
    n=${BASH_REMATCH[1]}
    [ "$n" -ge "$lo" ] && [ "$n" -le "$hi" ] && return 0
  fi
  echo "redis-cli $*: expected (integer) in $lo..$hi, got: $got"
  return 1
}

# --- Start on an empty data dir -----------------------------------------------------------------
KV_DIR=$T/kv
serve_start kv kv.port=0 "kv.dir=$KV_DIR"
port=$PORT_kv
check "PING: PONG" replies 'PONG' PING
check "a fresh data dir: DBSIZE is 0" replies '(integer) 0' DBSIZE

# --- Strings ------------------------------------------------------------------------------------
check "SET s hello: OK" replies 'OK' SET s hello
check "GET s: \"hello\"" replies '"hello"' GET s
check "APPEND s ' world': the new length, (integer) 11" replies '(integer) 11' APPEND s ' world'
check "GET s after APPEND: \"hello world\"" replies '"hello world"' GET s
check "GETRANGE s 0 4: \"hello\"" replies '"hello"' GETRANGE s 0 4
check "GETRANGE s -5 -1 (counted from the end): \"world\"" replies '"world"' GETRANGE s -5 -1
check "GETRANGE s 20 30 (past the end): \"\"" replies '""' GETRANGE s 20 30
check "GET of a missing key: (nil)" replies '(nil)' GET nokey
check "INCR of a missing key: (integer) 1" replies '(integer) 1' INCR n
check "INCRBY n 41: (integer) 42" replies '(integer) 42' INCRBY n 41
check "INCRBY n -50: (integer) -8" replies '(integer) -8' INCRBY n -50
check "INCRBY n 50: (integer) 42" replies '(integer) 42' INCRBY n 50
check "GET n: \"42\" (a counter is a string)" replies '"42"' GET n
check "INCR of a non-number: ERR value is not an integer or out of range" \
  replies '(error) ERR value is not an integer or out of range' INCR s
check "MSET a 1 b 2: OK" replies 'OK' MSET a 1 b 2
check "MGET a b nokey: \"1\", \"2\", (nil)" replies "$(lines '1) "1"' '2) "2"' '3) (nil)')" MGET a b nokey
check "SET a x NX on an existing key: (nil), not set" replies '(nil)' SET a x NX
check "GET a after the refused NX: still \"1\"" replies '"1"' GET a
check "SET a y XX on an existing key: OK" replies 'OK' SET a y XX
check "GET a after XX: \"y\"" replies '"y"' GET a
check "SET fresh y XX on a missing key: (nil), not set" replies '(nil)' SET fresh y XX
check "EXISTS fresh after the refused XX: 0" replies '(integer) 0' EXISTS fresh
check "SET fresh z NX on a missing key: OK" replies 'OK' SET fresh z NX
check "SET ex v EX 100: OK" replies 'OK' SET ex v EX 100
check "TTL ex after SET EX 100: 99..100" int_in 99 100 TTL ex
check "SET u 'café ☃' (UTF-8): OK" replies 'OK' SET u 'café ☃'
check "GET u: redis-cli shows the bytes escaped, \"caf\\xc3\\xa9 \\xe2\\x98\\x83\" (binary-safe)" \
  replies '"caf\xc3\xa9 \xe2\x98\x83"' GET u
raw_utf8() {  # the same key with --raw: the exact bytes
  local got
  got=$(timeout 10 redis-cli --raw -h 127.0.0.1 -p "$port" GET u </dev/null 2>&1) || true
  [ "$got" == 'café ☃' ] || { show_diff "redis-cli --raw GET u" 'café ☃' "$got"; return 1; }
}
check "GET u with --raw: the UTF-8 bytes as stored" raw_utf8
check "STRLEN u: 9 bytes (not 6 characters)" replies '(integer) 9' STRLEN u

# --- Lists (skipped only while LPUSH is not there yet) --------------------------------------------
lists=true
probe=$(cli LPUSH probe:list x) || true
if [[ $probe == *"unknown command"* ]]; then
  lists=false
  skip "lists: RPUSH/LPUSH/LRANGE/LPOP/RPOP/LLEN, WRONGTYPE" "LPUSH answers: $probe"
else
  same_reply() {  # same_reply WHAT EXPECTED GOT
    [ "$3" == "$2" ] && return 0
    show_diff "$1" "$2" "$3"
    return 1
  }
  check "LPUSH probe:list x (a new list): (integer) 1" same_reply "LPUSH probe:list x" '(integer) 1' "$probe"
  check "DEL probe:list: (integer) 1" replies '(integer) 1' DEL probe:list
  check "RPUSH l a b c: the new length, (integer) 3" replies '(integer) 3' RPUSH l a b c
  check "LPUSH l z: (integer) 4" replies '(integer) 4' LPUSH l z
  check "LRANGE l 0 -1: z a b c" replies "$(lines '1) "z"' '2) "a"' '3) "b"' '4) "c"')" LRANGE l 0 -1
  check "LRANGE l 1 2: a b" replies "$(lines '1) "a"' '2) "b"')" LRANGE l 1 2
  check "LPOP l: \"z\"" replies '"z"' LPOP l
  check "RPOP l: \"c\"" replies '"c"' RPOP l
  check "LLEN l: (integer) 2" replies '(integer) 2' LLEN l
  check "LRANGE l 0 -1 after the pops: a b" replies "$(lines '1) "a"' '2) "b"')" LRANGE l 0 -1
  check "LPUSH l2 1 2 3 (each to the head): LRANGE gives 3 2 1" \
    replies_stdin $'LPUSH l2 1 2 3\nLRANGE l2 0 -1\n' "$(lines '(integer) 3' '1) "3"' '2) "2"' '3) "1"')"
  check "LPOP of a missing key: (nil)" replies '(nil)' LPOP nolist
  check "LRANGE of a missing key: (empty array)" replies '(empty array)' LRANGE nolist 0 -1
  check "LLEN of a missing key: (integer) 0" replies '(integer) 0' LLEN nolist
  check "popping the last element removes the key" \
    replies_stdin $'RPUSH one x\nRPOP one\nEXISTS one\n' "$(lines '(integer) 1' '"x"' '(integer) 0')"
  wrongtype='(error) WRONGTYPE Operation against a key holding the wrong kind of value'
  check "GET of a list: the WRONGTYPE error" replies "$wrongtype" GET l
  check "LPUSH onto a string: the WRONGTYPE error" replies "$wrongtype" LPUSH s x
  check "INCR of a list: the WRONGTYPE error" replies "$wrongtype" INCR l
  check "TYPE l: list; TYPE s: string" replies_stdin $'TYPE l\nTYPE s\n' "$(lines 'list' 'string')"
fi

# --- Expiry -------------------------------------------------------------------------------------
# SET with PX 300, then PTTL and GET on the same connection (redis-cli reading stdin), so a slow
# start of redis-cli cannot eat the 300 ms before we look.
px_then_pttl() {
  local got
  got=$(printf 'SET tmp v PX 300\nPTTL tmp\nGET tmp\n' |
        timeout 10 redis-cli --no-raw -h 127.0.0.1 -p "$port" 2>&1) || true
  if [[ $got =~ ^OK$'\n'\(integer\)\ ([0-9]+)$'\n'\"v\"$ ]] &&
     [ "${BASH_REMATCH[1]}" -ge 1 ] && [ "${BASH_REMATCH[1]}" -le 300 ]; then
    return 0
  fi
  show_diff "SET tmp v PX 300; PTTL tmp; GET tmp" $'OK\n(integer) 1..300\n"v"' "$got"
  return 1
}
check "SET tmp v PX 300: OK, then PTTL in 1..300 and the value still there" px_then_pttl
px_start=$(date +%s%N)
# gone_within SECS: polls every 50 ms until GET tmp is (nil); fails after SECS
gone_within() {
  local deadline=$((SECONDS + $1)) got
  while :; do
    got=$(cli GET tmp) || true
    [ "$got" != '(nil)' ] || break
    if [ "$SECONDS" -ge "$deadline" ]; then echo "GET tmp still gives $got after $1 s"; return 1; fi
    sleep 0.05
  done
  echo "gone after $(( ($(date +%s%N) - px_start) / 1000000 )) ms"
}
check "the PX 300 key is gone within ~0.5 s (bounded poll, 5 s at most)" gone_within 5
check "PTTL of the expired key: -2" replies '(integer) -2' PTTL tmp
check "EXISTS of the expired key: 0" replies '(integer) 0' EXISTS tmp
check "SET e v: OK" replies 'OK' SET e v
check "TTL of a key without expiry: -1" replies '(integer) -1' TTL e
check "EXPIRE e 100: (integer) 1" replies '(integer) 1' EXPIRE e 100
check "TTL e: 99..100" int_in 99 100 TTL e
check "PERSIST e: (integer) 1" replies '(integer) 1' PERSIST e
check "TTL e after PERSIST: -1" replies '(integer) -1' TTL e
check "PERSIST e again (no expiry left): (integer) 0" replies '(integer) 0' PERSIST e
check "EXPIRE of a missing key: (integer) 0" replies '(integer) 0' EXPIRE nokey 10
check "TTL of a missing key: -2" replies '(integer) -2' TTL nokey
check "SET kept v + EXPIRE kept 1000 (for the restart below): 1" \
  replies_stdin $'SET kept v\nEXPIRE kept 1000\n' "$(lines 'OK' '(integer) 1')"

# --- Errors -------------------------------------------------------------------------------------
check "GET with no key: ERR wrong number of arguments for 'get' command" \
  replies "(error) ERR wrong number of arguments for 'get' command" GET
check "SET with one argument: ERR wrong number of arguments for 'set' command" \
  replies "(error) ERR wrong number of arguments for 'set' command" SET onlykey
check "nosuch x: ERR unknown command 'nosuch', with args beginning with: 'x' (trailing space)" \
  replies "(error) ERR unknown command 'nosuch', with args beginning with: 'x' " nosuch x
check "SET a b BOGUS: ERR syntax error" replies '(error) ERR syntax error' SET a b BOGUS
check "the connection works after the errors (redis-cli on stdin: an error, then PING)" \
  replies_stdin $'nosuch\nPING\n' "$(lines "(error) ERR unknown command 'nosuch', with args beginning with: " 'PONG')"

# --- Inline commands and pipelining through nc ----------------------------------------------------
# Three inline commands in one write: the replies come back in order, in RESP; nc half-closes
# (-N) and the server must close its side too (roundtrip checks nc ended on its own).
check "inline PING, SET a 1, GET a in one write: +PONG +OK \$1 1" \
  roundtrip_text "$port" 'PING\r\nSET a 1\r\nGET a\r\n' '+PONG\r\n+OK\r\n$1\r\n1\r\n'
check "inline with a double-quoted argument: SET q \"hello world\" then GET q" \
  roundtrip_text "$port" 'SET q "hello world"\r\nGET q\r\n' '+OK\r\n$11\r\nhello world\r\n'
check "inline with LF only line ends, and an empty line ignored" \
  roundtrip_text "$port" 'PING\n\nECHO hi\n' '+PONG\r\n$2\r\nhi\r\n'
check "multibulk commands pipelined in one write: SET, INCR, GET of a missing key" \
  roundtrip_text "$port" '*3\r\n$3\r\nSET\r\n$2\r\nmb\r\n$1\r\n7\r\n*2\r\n$4\r\nINCR\r\n$2\r\nmb\r\n*2\r\n$3\r\nGET\r\n$5\r\nnokey\r\n' \
  '+OK\r\n:8\r\n$-1\r\n'
check "a bulk string with CRLF inside (binary-safe), read back with GET" \
  roundtrip_text "$port" '*3\r\n$3\r\nSET\r\n$3\r\nbin\r\n$4\r\na\r\nb\r\n*2\r\n$3\r\nGET\r\n$3\r\nbin\r\n' \
  '+OK\r\n$4\r\na\r\nb\r\n'
# 500 commands in one write: more than one read's worth for the server
many_pipelined() {
  local i in want got
  in=$(mktemp "$T/in.XXXXXX"); want=$(mktemp "$T/want.XXXXXX"); got=$(mktemp "$T/got.XXXXXX")
  for ((i = 1; i <= 500; i++)); do printf 'INCR pipe\r\n'; done >"$in"
  for ((i = 1; i <= 500; i++)); do printf ':%d\r\n' "$i"; done >"$want"
  roundtrip "$port" "$in" "$want"
}
check "500 pipelined INCRs in one write: :1 .. :500 in order" many_pipelined

# A protocol error: `*x` is no multibulk length. The server answers the error and closes the
# connection: nc runs without -N (our side stays open), so it ends only because the server
# closed; the PING after the bad line must not be answered.
protocol_error() {
  local in out rc=0
  in=$(mktemp "$T/in.XXXXXX"); out=$(mktemp "$T/out.XXXXXX")
  printf '*x\r\nPING\r\n' >"$in"
  timeout 10 "$NC" 127.0.0.1 "$port" <"$in" >"$out" 2>/dev/null || rc=$?
  [ "$rc" -ne 124 ] || { echo "nc still running after 10 s: the server did not close the connection"; return 1; }
  # (not same_text: its printf would take the leading '-' for an option)
  printf '%s\r\n' '-ERR Protocol error: invalid multibulk length' >"$T/protoerr.want"
  same_bytes "$T/protoerr.want" "$out"
}
check "*x: -ERR Protocol error: invalid multibulk length, then the server closes" protocol_error
check "the server still answers after the protocol error (a new connection)" replies 'PONG' PING

# An inline line over 64 KiB is refused even when its CRLF comes in the same write (PING and
# 70,000 bytes), and the connection closed, as the line with no end already was.
inline_too_big() {
  local in out rc=0
  in=$(mktemp "$T/in.XXXXXX"); out=$(mktemp "$T/out.XXXXXX")
  { printf 'PING '; head -c 70000 /dev/zero | tr '\0' x; printf '\r\n'; } >"$in"
  timeout 10 "$NC" 127.0.0.1 "$port" <"$in" >"$out" 2>/dev/null || rc=$?
  [ "$rc" -ne 124 ] || { echo "nc still running after 10 s: the server did not close the connection"; return 1; }
  printf '%s\r\n' '-ERR Protocol error: too big inline request' >"$T/inline.want"
  same_bytes "$T/inline.want" "$out"
}
check "PING + 70,000 bytes + CRLF: -ERR Protocol error: too big inline request, then closed" inline_too_big

# SRANDMEMBER with a negative count beyond the set's size: the reply that is streamed in chunks
# (redis-cli reads it as any array): exactly |count| members, each one of the set's
streamed_sample() {
  local got n
  cli SADD rs a b c >/dev/null
  got=$(cli SRANDMEMBER rs -1000) || true
  n=$(grep -cE '^ *[0-9]+\) "[abc]"$' <<<"$got")
  [ "$n" -eq 1000 ] && [ "$(wc -l <<<"$got")" -eq 1000 ] && return 0
  echo "expected 1000 lines like '1) \"a\"', got $n of $(wc -l <<<"$got"):"; head -5 <<<"$got"
  return 1
}
check "SRANDMEMBER rs -1000 on a 3-member set: 1000 members, each a, b or c" streamed_sample

# --- Persistence: SIGTERM, then a start on the same dir -------------------------------------------
aof_written() {  # the data dir holds a non-empty file: the append-only file
  [ -n "$(find "$KV_DIR" -type f -size +0 2>/dev/null)" ] && return 0
  echo "no non-empty file in $KV_DIR:"; ls -la "$KV_DIR" 2>&1
  return 1
}
check "the data dir holds the append-only file" aof_written
before=$(cli DBSIZE) || true
nl_stop_and_check "$SERVER_PID" TERM "kv: exits 0 on SIGTERM (before the restart)"
check "kv: the port is closed after the stop" port_closed "$port"
serve_start kv kv.port=0 "kv.dir=$KV_DIR"
port=$PORT_kv
check "after a restart on the same dir: DBSIZE as before ($before)" replies "$before" DBSIZE
check "after the restart: GET s" replies '"hello world"' GET s
check "after the restart: GET a (set by an inline command)" replies '"1"' GET a
check "after the restart: MGET n b fresh" replies "$(lines '1) "42"' '2) "2"' '3) "z"')" MGET n b fresh
check "after the restart: the UTF-8 value" replies '"caf\xc3\xa9 \xe2\x98\x83"' GET u
check "after the restart: the value with CRLF inside" replies '"a\r\nb"' GET bin
check "after the restart: INCR pipe continues at 501" replies '(integer) 501' INCR pipe
if $lists; then
  check "after the restart: LRANGE l 0 -1 is a b" replies "$(lines '1) "a"' '2) "b"')" LRANGE l 0 -1
  check "after the restart: the popped-empty list stays gone" replies '(integer) 0' EXISTS one
fi
check "after the restart: the expiry of kept survives (TTL 990..1000)" int_in 990 1000 TTL kept
check "after the restart: PERSIST of e survives (TTL -1)" replies '(integer) -1' TTL e
check "after the restart: the expired key stays gone" replies '(integer) 0' EXISTS tmp

# --- Durability: kv.appendfsync=always, SIGKILL after N acknowledged writes -----------------------
N=2000
LOOP=100
KV_DIR2=$T/kv-always
serve_start kv kv.port=0 "kv.dir=$KV_DIR2" kv.appendfsync=always
port=$PORT_kv
always_pid=$SERVER_PID
check "kv.appendfsync=always: CONFIG GET appendfsync says always" \
  replies "$(lines '1) "appendfsync"' '2) "always"')" CONFIG GET appendfsync
# N SETs through redis-cli --pipe (it counts the replies and their errors), then LOOP INCRs,
# each its own redis-cli call: every one acknowledged before the next is sent.
pipe_sets() {
  local out
  out=$(for ((i = 1; i <= N; i++)); do printf 'SET k:%d v%d\r\n' "$i" "$i"; done |
        timeout 30 redis-cli -h 127.0.0.1 -p "$port" --pipe 2>&1) || { echo "redis-cli --pipe failed: $out"; return 1; }
  grep -qx "errors: 0, replies: $N" <<<"$out" && return 0
  echo "redis-cli --pipe said:"; printf '%s\n' "$out" | sed 's/^/  | /'
  return 1
}
check "$N SETs through redis-cli --pipe: errors: 0, replies: $N" pipe_sets
incr_loop() {
  local i got
  for ((i = 1; i <= LOOP; i++)); do
    got=$(cli INCR counter) || true
    [ "$got" == "(integer) $i" ] || { echo "INCR number $i answered: $got"; return 1; }
  done
}
check "$LOOP INCRs, one redis-cli each, acknowledged 1..$LOOP" incr_loop
serve_stop "$always_pid" KILL 2>/dev/null   # (no "Killed" job notice from bash)
check "SIGKILL right after the last acknowledged write: killed (exit 137)" expect_rc 137 "$STOP_RC" "after SIGKILL"
serve_start kv kv.port=0 "kv.dir=$KV_DIR2" kv.appendfsync=always
port=$PORT_kv
check "after SIGKILL and a restart: DBSIZE $((N + 1)) (every acknowledged key)" replies "(integer) $((N + 1))" DBSIZE
check "after SIGKILL: GET k:1" replies '"v1"' GET k:1
check "after SIGKILL: GET k:$((N / 2))" replies "\"v$((N / 2))\"" GET "k:$((N / 2))"
check "after SIGKILL: GET k:$N (the last one --pipe wrote)" replies "\"v$N\"" GET "k:$N"
check "after SIGKILL: GET counter is $LOOP (every INCR)" replies "\"$LOOP\"" GET counter

finish
