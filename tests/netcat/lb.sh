#!/usr/bin/env bash
# The lb service (a load balancer) driven by real clients, in front of netloom's own servers.
# http mode (`serve lb`, round-robin over two http services with the same 1 KiB and 3 MiB files
# and a who.txt naming the backend): curl GETs are 200 and byte for byte, and both backends serve;
# separate clients, and the requests of one keep-alive connection (curl with several URLs, one
# connect), alternate between the two; HEAD then GET on one connection (no body after the HEAD);
# a 404 passed on; with python3, a sink echoing request headers sees X-Forwarded-For (appended to
# the client's own), X-Forwarded-Proto and X-Request-Id; the HAProxy-format access log. A refused
# server (127.0.0.1:1, no health check) among two good ones: every GET, single or keep-alive, is
# 200 (the log shows the retries); a pool of only that server answers 503. tcp mode (a pool over
# two kv services): redis-benchmark -t set,get -n 20000 passes and reaches both, redis-cli SET then
# GET on one connection, and with algorithm=source separate connections reach the same kv.
# lb.max-connections=2: a third client gets 503 (http) or is closed without a byte (tcp), and
# one is served again once a client leaves. Live changes: while wrk loads an lb (~5 s), the
# shell that runs it gets `lb add`, `lb weight`, `lb drain`, `lb remove`; wrk sees no socket
# error and no non-2xx, the removed server no request afterwards, the added one some; then `lb`
# shows the pool, weights 3:1 split 8 requests 6:2, `lb save` writes lb.servers, `quit` exits 0.
# The shell (netloom -f fed through a fifo, see shell_start) also runs the second backends (http
# b, kv k2) and the lbs of the max-connections and live parts. The exit trap stops the shell, the
# python sink and wrk if they still run.
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for t in curl wrk redis-cli redis-benchmark; do
  command -v "$t" >/dev/null 2>&1 || { echo "$NL_SCRIPT: $t is needed: run tests/ensure-tools.sh" >&2; exit 2; }
done
HAVE_PY=false
command -v python3 >/dev/null 2>&1 && HAVE_PY=true

# curl talks to the lb directly: no proxy from the environment
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

SHELL_PID=""
WRK_PID=""
# the shell gets time to stop its services (TERM, then KILL after 10 s); wrk is stopped with it
stop_shell() {
  local i
  if [ -n "$SHELL_PID" ] && kill -0 "$SHELL_PID" 2>/dev/null; then
    kill "$SHELL_PID" 2>/dev/null
    for i in $(seq 1 100); do kill -0 "$SHELL_PID" 2>/dev/null || break; sleep 0.1; done
    kill -s KILL "$SHELL_PID" 2>/dev/null || true
  fi
  [ -z "$SHELL_PID" ] || wait "$SHELL_PID" 2>/dev/null || true
  [ -z "$WRK_PID" ] || { kill "$WRK_PID" 2>/dev/null; wait "$WRK_PID" 2>/dev/null; } || true
}
nl_at_exit stop_shell

# --- serve_bg and serve_wait: lib.sh's serve_start in two steps ----------------------------
# serve_start waits for `SVC listening on HOST:PORT (tcp|udp)` before it returns; the lb prints
# one line per pool, `lb listening on HOST:PORT (tcp)` and `lb.NAME listening on ...`
# for each NAME of lb.pools, and JVMs started one after the other cost seconds each.
# serve_bg ARG... starts `netloom serve ARG...` in the background and returns at once, setting
# SERVER_PID, SERVER_OUT and SERVER_ERR; like serve_start's, the exit trap stops it (exit 0 on
# SIGTERM is a check). serve_wait PID OUT NAME... waits for `NAME listening on 127.0.0.1:PORT
# (tcp|http)` in OUT for each NAME and sets PORTS[NAME] (PORTS[http], PORTS[lb], PORTS[lb.kv]...).
declare -A PORTS=()
serve_bg() {
  NL_SERVER_N=$((NL_SERVER_N + 1))
  SERVER_OUT="$T/server$NL_SERVER_N.out"
  SERVER_ERR="$T/server$NL_SERVER_N.err"
  : >"$SERVER_OUT"
  ( trap - INT QUIT; nl_close_client_fds; exec "$NETLOOM_BIN" serve "$@" ) \
    </dev/null >"$SERVER_OUT" 2>"$SERVER_ERR" &
  SERVER_PID=$!
  NL_SERVERS+=("$SERVER_PID")
  NL_SERVER_DESC[$SERVER_PID]="serve $*"
}
serve_wait() {
  local pid=$1 out=$2 missing f re deadline=$((SECONDS + NL_START_TIMEOUT)); shift 2
  while :; do
    missing=()
    for f in "$@"; do
      grep -Eq "^$(re_quote "$f") listening on 127\.0\.0\.1:[0-9]+ \((http|tcp)\)\$" "$out" || missing+=("$f")
    done
    [ "${#missing[@]}" -gt 0 ] || break
    if ! kill -0 "$pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
      fail_now "${NL_SERVER_DESC[$pid]} starts" "no listening line for: ${missing[*]}
stdout: $(cat "$out")
stderr: $(tail -n 20 "${out%.out}.err")"
    fi
    sleep 0.1
  done
  for f in "$@"; do
    re="^$(re_quote "$f") listening on 127\.0\.0\.1:([0-9]+) \((http|tcp)\)\$"
    PORTS[$f]=$(sed -nE "s/$re/\1/p" "$out" | head -n 1)
  done
}

# --- A netloom shell that takes commands while it runs ---------------------------------------
# Without a terminal the shell reads all of stdin before it runs the first line, so stdin cannot
# feed it while clients run. `netloom -f FILE` runs FILE's lines in order, and ours are all
# `source CTL`, CTL a fifo: each `source` blocks until a batch of lines is written into the fifo
# (shell_do) and runs it. A failing command ends the shell (as any script's does); `quit` too.
shell_start() {
  mkfifo "$T/ctl"
  local i
  for i in $(seq 1 60); do printf "source '%s'\n" "$T/ctl"; done >"$T/shell.nl"
  : >"$T/shell.out"
  ( trap - INT QUIT; nl_close_client_fds; exec "$NETLOOM_BIN" -f "$T/shell.nl" ) \
    </dev/null >"$T/shell.out" 2>"$T/server-shell.err" &
  SHELL_PID=$!
}
shell_do() {  # shell_do LINE...: hands the lines to the shell's next `source` (at most 10 s)
  if ! kill -0 "$SHELL_PID" 2>/dev/null; then
    echo "the shell is no longer running; its stderr:"; tail -n 5 "$T/server-shell.err"
    return 1
  fi
  # shellcheck disable=SC2016 # the inner bash expands them
  timeout 10 bash -c 'f=$1; shift; printf "%s\n" "$@" >"$f"' _ "$T/ctl" "$@" && return 0
  echo "the shell did not take the lines within 10 s: $*"
  return 1
}
# shell_cmd LINE REGEX [SECS]: runs LINE in the shell and waits (default 10 s) for a line of its
# output matching REGEX; LINE's output so far is left in $T/shell.last.
shell_cmd() {
  local from deadline=$((SECONDS + ${3:-10}))
  from=$(wc -l <"$T/shell.out")
  shell_do "$1" || return 1
  while :; do
    tail -n "+$((from + 1))" "$T/shell.out" >"$T/shell.last"
    grep -Eq -- "$2" "$T/shell.last" && return 0
    if [ "$SECONDS" -ge "$deadline" ] || ! kill -0 "$SHELL_PID" 2>/dev/null; then
      echo "no line matching /$2/ after \`$1\`; the shell printed:"
      sed 's/^/  | /' "$T/shell.last"
      echo "stderr:"; tail -n 5 "$T/server-shell.err" | sed 's/^/  | /'
      return 1
    fi
    sleep 0.05
  done
}

# shell_service VAR SVC KEY=VALUE...: `start SVC SVC.port=0 KEY=VALUE...` in the shell; sets VAR
# to the port of its listening line (fails the script when it does not start)
shell_service() {
  local var=$1 svc=$2; shift 2
  shell_cmd "start $svc $svc.port=0 $*" "^$svc listening on 127\.0\.0\.1:[0-9]+ \((tcp|http)\)\$" 30 \
    >"$T/shell-start.err" || fail_now "the shell: start $svc $*" "$(cat "$T/shell-start.err")"
  printf -v "$var" '%s' "$(sed -nE "s/^$svc listening on 127\.0\.0\.1:([0-9]+) \((tcp|http)\)\$/\1/p" "$T/shell.last")"
}

# The shell's JVM starts while the first backend's does; it runs the second backend, then waits
# on the fifo.
shell_start

# --- The docroots: the same files behind every backend, and who.txt naming it ----------------
for s in a b c; do mkdir -p "$T/www-$s"; printf '%s\n' "$s" >"$T/www-$s/who.txt"; done
head -c 1024 /dev/urandom >"$T/www-a/1k.bin"
head -c 3145728 /dev/urandom >"$T/www-a/3m.bin"
for s in b c; do cp "$T/www-a/1k.bin" "$T/www-a/3m.bin" "$T/www-$s/"; done
W=$T/www-a

# --- A sink (python3) answering each GET with the request's header fields as its body ----------
SINK_PORT=""
if $HAVE_PY; then
  cat >"$T/sink.py" <<'EOF'
import http.server

class Echo(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        out = "".join("%s: %s\n" % (k, v) for k, v in self.headers.items()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
print(server.server_address[1], flush=True)
server.serve_forever()
EOF
  timeout 240 python3 "$T/sink.py" </dev/null >"$T/sink.out" 2>"$T/server-sink.err" &
  nl_helper $!
  SINK_PORT=$(nl_first_line "$T/sink.out" 10) || fail_now "the python header sink starts" "$(cat "$T/server-sink.err")"
fi

# --- The backends and the lb ------------------------------------------------------------------
# http a with kv k1, and http c (for the live part), headless; http b and kv k2 in the shell.
serve_bg http kv http.port=0 "http.root=$T/www-a" "http.access-log=$T/a.log" kv.port=0 "kv.dir=$T/kv1"
A_PID=$SERVER_PID A_OUT=$SERVER_OUT
serve_bg http http.port=0 "http.root=$T/www-c" "http.access-log=$T/c.log"
C_PID=$SERVER_PID C_OUT=$SERVER_OUT
serve_wait "$A_PID" "$A_OUT" http kv
PA=${PORTS[http]} K1=${PORTS[kv]}
shell_service PB http "http.root=$T/www-b" "http.access-log=$T/b.log"
shell_service K2 kv "kv.dir=$T/kv2"

# default: http over a and b; retry: a refused server among them, no health check to take it
# out; dead: only the refused one; kv: tcp over both kv; kvsrc: the same by client address;
# echo: the header sink.
pools=retry,dead,kv,kvsrc
$HAVE_PY && pools+=,echo
serve_bg lb lb.port=0 "lb.servers=a=127.0.0.1:$PA,b=127.0.0.1:$PB" "lb.access-log=$T/lb.log" \
  "lb.pools=$pools" \
  lb.retry.port=0 "lb.retry.servers=a=127.0.0.1:$PA,b=127.0.0.1:$PB,dead=127.0.0.1:1" lb.retry.check=none \
  lb.dead.port=0 lb.dead.servers=dead=127.0.0.1:1 lb.dead.check=none \
  lb.kv.port=0 lb.kv.mode=tcp "lb.kv.servers=k1=127.0.0.1:$K1,k2=127.0.0.1:$K2" \
  lb.kvsrc.port=0 lb.kvsrc.mode=tcp lb.kvsrc.algorithm=source "lb.kvsrc.servers=k1=127.0.0.1:$K1,k2=127.0.0.1:$K2" \
  ${SINK_PORT:+lb.echo.port=0 "lb.echo.servers=sink=127.0.0.1:$SINK_PORT" lb.echo.check=none}
NL_SERVER_DESC[$SERVER_PID]="serve lb (pools default,$pools)"
fronts=(lb)
for p in ${pools//,/ }; do fronts+=("lb.$p"); done
serve_wait "$SERVER_PID" "$SERVER_OUT" "${fronts[@]}"
MAIN_OUT=$SERVER_OUT
serve_wait "$C_PID" "$C_OUT" http
PC=${PORTS[http]}
web=http://127.0.0.1:${PORTS[lb]}

listening_lines() {
  contains "$MAIN_OUT" "^lb listening on 127\.0\.0\.1:${PORTS[lb]} \(tcp\)\$" &&
    contains "$MAIN_OUT" "^lb\.retry listening on 127\.0\.0\.1:${PORTS[lb.retry]} \(tcp\)\$" &&
    contains "$MAIN_OUT" "^lb\.kv listening on 127\.0\.0\.1:${PORTS[lb.kv]} \(tcp\)\$"
}
check "the listening lines: lb listening on 127.0.0.1:PORT (tcp), lb.retry ..., lb.kv ..., one per pool" listening_lines

# --- Helpers ----------------------------------------------------------------------------------
body_is() {  # body_is NAME FILE: 200 and the body is FILE byte for byte
  code_is "$1" 200 || return 1
  same_bytes "$2" "$T/$1.body" && return 0
  show "$1" | head -n 12
  return 1
}
status_body() {  # status_body NAME CODES REGEX...: the status matches, and the body has a line for each REGEX
  local name=$1 codes=$2 re; shift 2
  code_is "$name" "$codes" || return 1
  for re in "$@"; do contains "$T/$name.body" "$re" || return 1; done
}
both_replied() {  # both_replied NAME1 NAME2 REGEX: each client's output has it within 10 s
  got_reply "$1" "$3" && got_reply "$2" "$3"
}
# whos PORT N: N separate curl GETs of /who.txt; prints the bodies on one line ("a b a b")
whos() {
  local i w=()
  for i in $(seq 1 "$2"); do
    w+=("$("${CURL[@]}" "http://127.0.0.1:$1/who.txt" 2>&1 | tr -d '\n')")
  done
  echo "${w[*]}"
}
# alternates "a b a b ...": only a and b, never the same one twice in a row
alternates() {
  local prev="" w
  for w in $1; do
    if [[ $w != [ab] ]] || [ "$w" = "$prev" ]; then echo "got: $1"; return 1; fi
    prev=$w
  done
}
# keepalive NAME URL...: one curl for all the URLs (one connection if the server keeps it); the
# bodies are NAME.1, NAME.2 ..., and NAME.w holds `num_connects http_code` per transfer
keepalive() {
  local name=$1 i=0 u args=(); shift
  for u in "$@"; do i=$((i + 1)); args+=(-o "$T/$name.$i" "$u"); done
  "${CURL[@]}" -w '%{num_connects} %{http_code}\n' "${args[@]}" >"$T/$name.w" 2>"$T/$name.err" ||
    echo "curl exited with $?" >>"$T/$name.err"
}
one_connection() {  # one_connection NAME N: N transfers, 200 each, only the first connected
  local want
  want=$(printf '1 200\n'; for _ in $(seq 2 "$2"); do printf '0 200\n'; done)
  [ "$(cat "$T/$1.w")" = "$want" ] && return 0
  echo "expected \`connects status\` per transfer:"; printf '%s\n' "$want" | sed 's/^/  /'
  echo "got:"; sed 's/^/  /' "$T/$1.w" "$T/$1.err"
  return 1
}
log_has() {  # log_has FILE REGEX: a line matching it shows up within 5 s (logs are buffered)
  local i
  for i in $(seq 1 50); do
    grep -Eq -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  contains "$1" "$2"
}

# --- http mode: GETs, balancing, keep-alive, HEAD ----------------------------------------------
get k1 "$web/1k.bin"
check "curl GET /1k.bin through the lb: 200, byte for byte" body_is k1 "$W/1k.bin"
big_gets() {  # four GETs of the 3 MiB file: two from each backend
  local i
  for i in 1 2 3 4; do
    get "m3_$i" "$web/3m.bin"
    body_is "m3_$i" "$W/3m.bin" || { echo "(GET $i)"; return 1; }
  done
}
check "curl GET /3m.bin four times: 200, 3 MiB byte for byte each time" big_gets
both_served() {
  log_has "$T/a.log" '"GET /3m\.bin HTTP/1\.1" 200 ' && log_has "$T/b.log" '"GET /3m\.bin HTTP/1\.1" 200 '
}
check "both backends served /3m.bin (their access logs)" both_served

check "six separate clients: /who.txt alternates between the backends (round-robin)" \
  alternates "$(whos "${PORTS[lb]}" 6)"

keepalive ka "$web/who.txt" "$web/who.txt" "$web/who.txt" "$web/who.txt"
check "curl with four URLs: one connection, four 200s (keep-alive)" one_connection ka 4
check "the requests of that one connection still alternate (routed per request)" \
  alternates "$(cat "$T/ka.1" "$T/ka.2" "$T/ka.3" "$T/ka.4" | tr '\n' ' ')"

head_then_get() {  # curl -I, then --next a GET on the same connection: nothing after the HEAD
  local rc=0
  "${CURL[@]}" -I -D "$T/hg.head" -o /dev/null -w '%{num_connects} %{http_code} %{size_download}\n' "$web/3m.bin" \
    --next -sS --max-time 20 -o "$T/hg.body" -w '%{num_connects} %{http_code} %{size_download}\n' "$web/3m.bin" \
    >"$T/hg.w" 2>"$T/hg.err" || rc=$?
  [ "$rc" -eq 0 ] || { echo "curl exited with $rc:"; cat "$T/hg.err"; return 1; }
  # the HEAD: connected, 200, no body bytes; the GET: on that connection, 200, 3 MiB
  [ "$(cat "$T/hg.w")" = $'1 200 0\n0 200 3145728' ] ||
    { echo "expected '1 200 0' then '0 200 3145728' (connects, status, body bytes), got:"; cat "$T/hg.w"; return 1; }
  [ "$(http_header "$T/hg.head" Content-Length)" = 3145728 ] ||
    { echo "HEAD: expected Content-Length: 3145728"; tr -d '\r' <"$T/hg.head"; return 1; }
  same_bytes "$W/3m.bin" "$T/hg.body"
}
check "HEAD /3m.bin then GET on the same connection: 200 with Content-Length 3145728 and no body, then 3 MiB byte for byte" \
  head_then_get

get missing "$web/no-such-file"
check "a 404 from a backend is passed on as 404" code_is missing 404

# --- X-Forwarded-For and friends, as the server sees them (python3 sink) ----------------------
if $HAVE_PY; then
  echo_url=http://127.0.0.1:${PORTS[lb.echo]}/headers
  get xff "$echo_url"
  check "the server gets X-Forwarded-For: 127.0.0.1" status_body xff 200 '^X-Forwarded-For: 127\.0\.0\.1$'
  check "the server gets X-Forwarded-Proto: http and an X-Request-Id" \
    status_body xff 200 '^X-Forwarded-Proto: http$' '^X-Request-Id: [0-9A-Za-z-]{8,}$'
  get xff2 "$echo_url" -H 'X-Forwarded-For: 203.0.113.7' -H 'X-Request-Id: lb-test-42'
  check "a client's own X-Forwarded-For is kept, the lb's address appended; its X-Request-Id is kept" \
    status_body xff2 200 '^X-Forwarded-For: 203\.0\.113\.7, 127\.0\.0\.1$' '^X-Request-Id: lb-test-42$'
else
  skip "X-Forwarded-For at a header-echoing sink" "python3 not found"
fi

check "access log (HAProxy format): a GET /1k.bin served by default/a or default/b with 200" \
  log_has "$T/lb.log" '^127\.0\.0\.1:[0-9]+ \[[^]]+\] lb default/[ab] [0-9-]+/[0-9-]+/[0-9-]+/[0-9-]+/[0-9]+ 200 [0-9]+ - - ---- [0-9/]+ [0-9/]+ "GET /1k\.bin HTTP/1\.1"$'

# --- A refused server among the servers: retried on another (redispatch) ----------------------
retry_gets() {  # nine separate GETs through the retry pool: the dead server's turns come thrice
  local i w rc=0
  for i in $(seq 1 9); do
    get "r$i" "http://127.0.0.1:${PORTS[lb.retry]}/who.txt"
    w=$(tr -d '\n' <"$T/r$i.body")
    if [ "$(cat "$T/r$i.code")" != 200 ] || [[ $w != [ab] ]]; then
      echo "GET $i: status $(cat "$T/r$i.code"), body '$w'"; rc=1
    fi
  done
  return "$rc"
}
check "a refused server (127.0.0.1:1) among two good ones: nine GETs, all 200 from a or b" retry_gets
r=http://127.0.0.1:${PORTS[lb.retry]}
keepalive rka "$r/1k.bin" "$r/1k.bin" "$r/1k.bin" "$r/1k.bin" "$r/1k.bin" "$r/1k.bin"
retry_keepalive() {
  one_connection rka 6 || return 1
  local i
  for i in 1 2 3 4 5 6; do same_bytes "$W/1k.bin" "$T/rka.$i" || { echo "(transfer $i)"; return 1; }; done
}
check "six GETs on one keep-alive connection through that pool: all 200, byte for byte" retry_keepalive
check "the access log shows requests retried (retries > 0) that ended 200 on a or b" \
  log_has "$T/lb.log" ' lb\.retry retry/[ab] [0-9/-]+ 200 [0-9]+ - - ---- [0-9]+/[0-9]+/[0-9]+/[0-9]+/[1-9][0-9]* '
get dead "http://127.0.0.1:${PORTS[lb.dead]}/who.txt"
check "a pool whose only server refuses: 503 with a short text body" status_body dead 503 'could be reached'

# --- tcp mode: redis-benchmark and redis-cli through the lb to two kv servers -------------------
bench() {
  local rc=0
  timeout -k 5 30 redis-benchmark -h 127.0.0.1 -p "${PORTS[lb.kv]}" -t set,get -n 20000 -q \
    </dev/null >"$T/bench.raw" 2>&1 || rc=$?
  tr '\r' '\n' <"$T/bench.raw" | sed 's/^[[:space:]]*//' | grep -v '^$' >"$T/bench.txt" || true
  [ "$rc" -eq 0 ] || { echo "redis-benchmark exited with $rc:"; grep -v 'rps=' "$T/bench.txt" | tail -n 8; return 1; }
  if grep -E 'ERR|[Ee]rror|WARNING' "$T/bench.txt"; then return 1; fi
  contains "$T/bench.txt" '^SET: [0-9.]+ requests per second' &&
    contains "$T/bench.txt" '^GET: [0-9.]+ requests per second'
}
check "redis-benchmark -t set,get -n 20000 -q through the lb (mode=tcp): exits 0, SET and GET rates, no error" bench
grep -hE 'requests per second' "$T/bench.txt" 2>/dev/null | sed 's/^/  rate: /' || true
both_kv() {
  local n1 n2
  n1=$(timeout 10 redis-cli -h 127.0.0.1 -p "$K1" DBSIZE </dev/null 2>&1)
  n2=$(timeout 10 redis-cli -h 127.0.0.1 -p "$K2" DBSIZE </dev/null 2>&1)
  [[ $n1 =~ ^[1-9][0-9]*$ && $n2 =~ ^[1-9][0-9]*$ ]] && return 0
  echo "DBSIZE of kv 1: $n1, of kv 2: $n2 (expected keys in both)"
  return 1
}
check "the benchmark's connections reached both kv servers (each has keys)" both_kv
set_get() {
  local got
  got=$(printf 'SET lb:key hello-through-lb\nGET lb:key\n' |
    timeout 10 redis-cli -h 127.0.0.1 -p "${PORTS[lb.kv]}" 2>&1) || true
  [ "$got" = $'OK\nhello-through-lb' ] && return 0
  echo "expected OK then hello-through-lb, got:"; printf '%s\n' "$got" | sed 's/^/  | /'
  return 1
}
check "redis-cli SET then GET on one connection through the lb: OK, the value" set_get
sticky_source() {
  local got i
  got=$(timeout 10 redis-cli -h 127.0.0.1 -p "${PORTS[lb.kvsrc]}" SET lb:src v1 </dev/null 2>&1)
  [ "$got" = OK ] || { echo "SET: $got"; return 1; }
  for i in 1 2 3 4; do
    got=$(timeout 10 redis-cli -h 127.0.0.1 -p "${PORTS[lb.kvsrc]}" GET lb:src </dev/null 2>&1)
    [ "$got" = v1 ] || { echo "GET $i on a new connection: '$got' (expected v1)"; return 1; }
  done
}
check "algorithm=source: SET, then four GETs on new connections all reach the same kv (v1)" sticky_source

# --- lb.max-connections=2: the third client is refused in the protocol's way -------------------
# The lbs of this part run in the shell, one at a time.
shell_service MH lb lb.max-connections=2 "lb.servers=a=127.0.0.1:$PA" lb.access-log=off

got_reply() {  # got_reply NAME REGEX: client NAME's output has it within 10 s
  local i
  for i in $(seq 1 100); do
    grep -aEq -- "$2" "$T/$1.out" 2>/dev/null && return 0
    sleep 0.1
  done
  contains "$T/$1.out" "$2"
}
served_again() {  # served_again CMD...: CMD passes within 3 s (a slot is freed once the lb sees the close)
  local i
  for i in $(seq 1 30); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  "$@"
}

client_open h1 "$MH" 30
client_write h1 'GET /who.txt HTTP/1.1\r\nHost: lb\r\n\r\n'
client_open h2 "$MH" 30
client_write h2 'GET /who.txt HTTP/1.1\r\nHost: lb\r\n\r\n'
check "http, max-connections=2: two keep-alive clients get their 200s" both_replied h1 h2 '^HTTP/1\.1 200 '
get mh3 "http://127.0.0.1:$MH/who.txt"
check "a third connection meanwhile: 503 that names lb.max-connections" status_body mh3 503 'lb\.max-connections'
client_close h1
check "the first client half-closes: the lb closes it" client_wait h1 5
http_served() { get mh4 "http://127.0.0.1:$MH/who.txt" && code_is mh4 200; }
check "then a new client is served (200) again" served_again http_served
client_close h2
check "stop lb (in the shell)" shell_cmd "stop lb" '^lb stopped'

shell_service MT lb lb.mode=tcp lb.max-connections=2 "lb.servers=k1=127.0.0.1:$K1" lb.access-log=off

client_open t1 "$MT" 30
client_write t1 'PING\r\n'
client_open t2 "$MT" 30
client_write t2 'PING\r\n'
check "tcp, max-connections=2: two redis clients get +PONG through the lb" both_replied t1 t2 '^\+PONG'
tcp_refused() {  # a third one is closed without a byte, at once
  local rc=0 t0=$SECONDS
  printf 'PING\r\n' >"$T/ping.in"
  tcp_send "$MT" "$T/ping.in" "$T/t3.out" 5 || rc=$?
  [ "$rc" -ne 124 ] || { echo "nc still connected after 5 s"; return 1; }
  is_empty "$T/t3.out" && [ $((SECONDS - t0)) -le 2 ]
}
check "a third connection meanwhile is closed without a byte" tcp_refused
client_close t1
check "the first client half-closes: the lb closes it" client_wait t1 5
tcp_served() {
  printf 'PING\r\n' >"$T/ping.in"
  tcp_send "$MT" "$T/ping.in" "$T/t4.out" 5 && contains "$T/t4.out" '^\+PONG'
}
check "then a new client gets +PONG again" served_again tcp_served
client_close t2
check "stop lb (in the shell)" shell_cmd "stop lb" '^lb stopped'

# --- Live changes under load: the shell's lb, wrk, lb add|weight|drain|remove ---------------------
shell_service PL lb "lb.servers=a=127.0.0.1:$PA,b=127.0.0.1:$PB" lb.check-interval=500ms "lb.access-log=$T/live.log"
live=http://127.0.0.1:$PL

cat >"$T/count.lua" <<'EOF'
-- prints wrk's exact counts on one line for the script to parse
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK requests=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, e.connect, e.read, e.write, e.status, e.timeout))
end
EOF
# wrk runs until SIGINT (then it stops and reports, done() included), sent once the changes are
# made and the pool without b has carried the load for 2 s; -d30s only bounds it.
( trap - INT; exec timeout -k 5 40 wrk -t2 -c16 -d30s --timeout 5s -s "$T/count.lua" "$live/1k.bin" ) \
  </dev/null >"$T/wrk.out" 2>&1 &
WRK_PID=$!
sleep 0.8
check "under load: lb add default c 127.0.0.1:PORT3 (added)" \
  shell_cmd "lb add default c 127.0.0.1:$PC" "^added c=127\.0\.0\.1:$PC to default\$"
sleep 0.5
check "under load: lb weight default a 3" shell_cmd "lb weight default a 3" '^a weight 3$'
sleep 0.5
check "under load: lb drain default b" shell_cmd "lb drain default b" '^b DRAIN$'
sleep 0.5
check "under load: lb remove default b (returns once b has finished its requests)" \
  shell_cmd "lb remove default b" '^removed b from default$' 15
sleep 1.2  # b's access log is flushed within a second: every request b served is in it now
b_after_remove=$(grep -c 'GET /1k\.bin' "$T/b.log" || true)
sleep 0.8
kill -s INT "$WRK_PID" 2>/dev/null || true
WRK_RC=0
wait "$WRK_PID" || WRK_RC=$?
WRK_PID=""
wrk_clean() {
  local line n
  line=$(grep '^WRK ' "$T/wrk.out" || true)
  if [ "$WRK_RC" -ne 0 ] || [ -z "$line" ]; then
    echo "wrk exited with $WRK_RC:"; sed 's/^/  | /' "$T/wrk.out"; return 1
  fi
  echo "$line"
  for n in connect read write status timeout; do
    [[ $line == *" $n=0"* ]] || { sed 's/^/  | /' "$T/wrk.out"; return 1; }
  done
  if ! [[ $line =~ requests=([0-9]+) ]] || [ "${BASH_REMATCH[1]}" -lt 100 ]; then echo "too few requests"; return 1; fi
  if grep -Eq 'Non-2xx or 3xx responses|Socket errors' "$T/wrk.out"; then sed 's/^/  | /' "$T/wrk.out"; return 1; fi
}
check "wrk -c16 for ~5 s through all four changes: no socket error (connect, read, write, timeout), no non-2xx" wrk_clean
sed -nE 's/^(Requests\/sec|WRK) */  wrk: \1 /p' "$T/wrk.out" || true
sleep 1.2
b_not_after() {
  local now
  now=$(grep -c 'GET /1k\.bin' "$T/b.log" || true)
  [ "$now" = "$b_after_remove" ] && [ "$now" -gt 0 ] && return 0
  echo "b's access log had $b_after_remove GETs a second after the remove, $now after wrk ended"
  return 1
}
check "b served requests before, and none after lb remove (its access log)" b_not_after
check "c, added under load, served requests (its access log)" log_has "$T/c.log" '"GET /1k\.bin HTTP/1\.1" 200 '

lb_table() {
  # the table, then the events, the last of them b's removal (shell_cmd waits for that line)
  shell_cmd lb ' b removed$' || return 1
  tail -n "+$(grep -n '^pool default on ' "$T/shell.last" | tail -n 1 | cut -d: -f1)" "$T/shell.last" >"$T/table"
  contains "$T/table" "^a +127\.0\.0\.1:$PA +UP +3 " &&
    contains "$T/table" "^c +127\.0\.0\.1:$PC +UP +1 +[0-9]+ +[1-9][0-9]* " &&
    { ! grep -Eq "^b +127" "$T/table" || { echo "b is still listed:"; cat "$T/table"; return 1; }; } &&
    contains "$T/table" ' b removed$' && contains "$T/table" ' c added as c=127\.0\.0\.1:'
}
check "lb: a UP with weight 3, c UP with requests, b gone; the events list b removed, c added" lb_table
weighted() {
  local got a c
  got=$(whos "$PL" 8)
  a=$(tr ' ' '\n' <<<"$got" | grep -c '^a$' || true)
  c=$(tr ' ' '\n' <<<"$got" | grep -c '^c$' || true)
  [ "$a" = 6 ] && [ "$c" = 2 ] && return 0
  echo "expected 6 from a and 2 from c, got: $got"
  return 1
}
check "weights a=3, c=1: eight GETs in a row, six from a and two from c" weighted
saved() {
  shell_cmd "lb save" '^saved to ' || return 1
  contains "$NETLOOM_HOME/netloom.local.properties" "^lb\.servers=a=127\.0\.0\.1:$PA\*3,c=127\.0\.0\.1:$PC\$"
}
check "lb save writes lb.servers=a=...*3,c=... to netloom.local.properties" saved
# quit, outside check: a check's subshell cannot wait for the shell
QUIT_RC=none
if shell_do quit >"$T/quit.err"; then
  for _ in $(seq 1 $((NL_STOP_TIMEOUT * 10))); do kill -0 "$SHELL_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$SHELL_PID" 2>/dev/null; then
    QUIT_RC=timeout  # the exit trap kills it
  else
    QUIT_RC=0
    wait "$SHELL_PID" || QUIT_RC=$?
    SHELL_PID=""
  fi
fi
check "quit: the shell stops its services (http b, kv k2, the lb) and exits 0" expect_rc 0 "$QUIT_RC" "after quit$([ ! -s "$T/quit.err" ] || printf ': %s' "$(cat "$T/quit.err")")"

finish
