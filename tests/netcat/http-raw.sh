#!/usr/bin/env bash
# The http service (RFC 9110/9112) against raw requests written with nc: pipelining, keep-alive
# and close, HTTP/1.0, malformed request lines and headers, Host rules, version handling,
# size limits (414, 431), request framing (Content-Length vs Transfer-Encoding), path
# traversal attempts, slow headers (408), methods (405, 501, OPTIONS), absolute-form targets,
# keep-alive-timeout, max-requests and max-connections.
# PORT_<svc> is set by serve_start:
# shellcheck disable=SC2154
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

W=$T/www      # served
O=$T/outside  # beside it; nothing in here may ever be served
mkdir -p "$W/dir" "$O"
printf 'AAA\n' >"$W/a.txt"
printf 'BBB\n' >"$W/b.txt"
printf 'CCC\n' >"$W/c.txt"
printf 'in dir\n' >"$W/dir/d.txt"
printf '<!doctype html>\n<title>root</title>\n' >"$W/index.html"
printf 'OUTSIDE-SECRET\n' >"$O/secret.txt"

serve_start http http.port=0 "http.root=$W" http.header-timeout=1s
port=$PORT_http

# get TARGET [VERSION] [EXTRA-FIELDS]: a request that ends the connection after its response.
get() { printf 'GET %s %s\\r\\nHost: 127.0.0.1\\r\\n%sConnection: close\\r\\n\\r\\n' "$1" "${2:-HTTP/1.1}" "${3:-}"; }
# get_ka TARGET: a request that leaves the connection open.
get_ka() { printf 'GET %s HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' "$1"; }

wait_grep() {  # wait_grep FILE REGEX SECS: until a line of FILE matches REGEX (1 after SECS)
  local deadline=$((SECONDS + $3))
  until grep -Eq -- "$2" "$1" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "nothing matching /$2/ in $1 after $3 s"; return 1; }
    sleep 0.05
  done
}

# responses REQUEST MODE METHODS EXPECTED...: sends REQUEST (http_raw, MODE half-close|keep);
# the responses must be, in order, EXPECTED = "CODE" or "CODE:BODY" (BODY a printf format), and
# no more. METHODS: the request methods in order (for HEAD). MODE keep also requires that the
# server closed the connection by itself (nc ended before the timeout).
responses() {
  local req=$1 mode=$2 methods=$3 out n i want code body rc=0 nrc=0
  shift 3
  out=$(mktemp "$T/resp.XXXXXX")
  http_raw "$port" "$req" "$out" 10 "$mode" || nrc=$?
  # shellcheck disable=SC2086  # METHODS is a word list
  n=$(http_split "$out" "$out" $methods)
  if [ "$n" -ne $# ]; then echo "expected $# response(s), got $n"; rc=1; fi
  i=0
  for want in "$@"; do
    i=$((i + 1))
    [ "$i" -le "$n" ] || break
    code=$(http_code "$out.$i.head")
    if [ "$code" != "${want%%:*}" ]; then
      echo "response $i: expected status ${want%%:*}, got ${code:-none}"; rc=1
    elif [[ $want == *:* ]]; then
      # shellcheck disable=SC2059
      body=$(printf "${want#*:}"; printf x); body=${body%x}
      [ "$(cat "$out.$i.body"; printf x)" = "${body}x" ] ||
        { echo "response $i: expected body $(printf '%q' "$body"), got $(printf '%q' "$(cat "$out.$i.body")")"; rc=1; }
    fi
  done
  if [ "$mode" = keep ] && [ "$nrc" -eq 124 ]; then
    echo "the server did not close the connection (nc still running after 10 s)"; rc=1
  fi
  [ "$rc" -eq 0 ] || http_show "$req" "$out"
  return "$rc"
}

# status_close REQUEST CODES: the status matches ^(CODES)$ and the server then closes the
# connection by itself (our side stays open).
status_close() {
  local out rc=0 code
  out=$(mktemp "$T/resp.XXXXXX")
  http_raw "$port" "$1" "$out" 5 keep || rc=$?
  code=$(http_code "$out")
  if [[ $code =~ ^($2)$ ]] && [ "$rc" -ne 124 ]; then return 0; fi
  [[ $code =~ ^($2)$ ]] || echo "expected status $2, got ${code:-none}"
  [ "$rc" -ne 124 ] || echo "the server did not close the connection within 5 s"
  http_show "$1" "$out"
  return 1
}

# --- Pipelining and connection handling ----------------------------------------------------------
check "three GETs pipelined in one write: three responses, in order" \
  responses "$(get_ka /a.txt)$(get_ka /b.txt)$(get /c.txt)" keep "GET GET GET" \
  '200:AAA\n' '200:BBB\n' '200:CCC\n'
check "GET, HEAD, GET pipelined: HEAD's response has no body, the next one is intact" \
  responses "$(get_ka /a.txt)HEAD /b.txt HTTP/1.1\r\nHost: x\r\n\r\n$(get /c.txt)" keep "GET HEAD GET" \
  '200:AAA\n' '200' '200:CCC\n'
check "pipelined: a 404, then a 200 on the same connection" \
  responses "$(get_ka /missing.txt)$(get /b.txt)" keep "GET GET" '404' '200:BBB\n'
check "pipelined: HEAD of a 404 (no body), then a 200" \
  responses "HEAD /missing.txt HTTP/1.1\r\nHost: x\r\n\r\n$(get /b.txt)" keep "HEAD GET" '404' '200:BBB\n'
hundred=() hundred_req=""
for i in $(seq 1 100); do
  f=$(printf '%s' abc | cut -c $((i % 3 + 1)))
  hundred+=("200:$(printf '%s' "$f" | tr 'abc' 'ABC')$(printf '%s' "$f" | tr 'abc' 'ABC')$(printf '%s' "$f" | tr 'abc' 'ABC')\n")
  if [ "$i" -lt 100 ]; then hundred_req+=$(get_ka "/$f.txt"); else hundred_req+=$(get "/$f.txt"); fi
done
# shellcheck disable=SC2046  # 100 words
check "100 GETs pipelined in one write: 100 responses, in order" \
  responses "$hundred_req" keep "$(printf 'GET %.0s' $(seq 1 100))" "${hundred[@]}"
check "GET with a body (Content-Length: 5), then a pipelined GET: the body is skipped" \
  responses "GET /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello$(get /b.txt)" keep "GET GET" \
  '200:AAA\n' '200:BBB\n'
smuggle_body=$(get_ka /c.txt)
check "a request inside a GET's Content-Length body is not answered" \
  responses "GET /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: $(printf '%b' "$smuggle_body" | wc -c)\r\n\r\n$smuggle_body$(get /b.txt)" \
  keep "GET GET" '200:AAA\n' '200:BBB\n'
# After a 405 to a request with a body the server may skip the body or close (saying so).
post_then_get() {
  local req out n
  req="POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello=world$(get /b.txt)"
  out=$(mktemp "$T/resp.XXXXXX")
  http_raw "$port" "$req" "$out" 10 keep || true
  n=$(http_split "$out" "$out" POST GET)
  if [ "$n" = 2 ] && [ "$(http_code "$out.1.head")" = 405 ] && [ "$(http_code "$out.2.head")" = 200 ] &&
     [ "$(cat "$out.2.body")" = BBB ]; then return 0; fi
  if [ "$n" = 1 ] && [ "$(http_code "$out.1.head")" = 405 ] &&
     http_header "$out.1.head" Connection | grep -qi close; then return 0; fi
  echo "expected 405 then 200 BBB, or 405 with Connection: close and nothing more"
  http_show "$req" "$out"
  return 1
}
check "POST with a body (405), then a pipelined GET: 200 BBB (or 405 + Connection: close)" post_then_get
check "Connection: close: one response, then the server closes (a pipelined 2nd is not answered)" \
  responses "$(get /a.txt)$(get_ka /b.txt)" keep "GET GET" '200:AAA\n'
check "HTTP/1.0 without Host: 200, then the server closes" \
  responses 'GET /a.txt HTTP/1.0\r\n\r\n' keep GET '200:AAA\n'
check "HTTP/1.2 is served as HTTP/1.1 (RFC 9110 2.5)" \
  responses "$(get /a.txt HTTP/1.2)" keep GET '200:AAA\n'

# A connection kept open between two writes: keep-alive by default on 1.1, on request on 1.0.
two_writes() {  # two_writes NAME FIRST SECOND METHODS EXPECTED...: SECOND sent 1 s after FIRST's answer
  local name=$1 first=$2 second=$3 methods=$4 n i rc=0
  shift 4
  client_open "$name" "$port" 20
  client_write "$name" "$first"
  wait_grep "$T/$name.out" '^AAA' 5 || rc=1
  sleep 1
  client_write "$name" "$second"
  wait_grep "$T/$name.out" '^BBB' 5 || rc=1
  client_close "$name"
  client_wait "$name" 5 || rc=1
  client_kill "$name"
  cp "$T/$name.out" "$T/$name.all"
  # shellcheck disable=SC2086
  n=$(http_split "$T/$name.all" "$T/$name.r" $methods)
  [ "$n" -eq $# ] || { echo "expected $# responses, got $n"; rc=1; }
  i=0
  for want in "$@"; do
    i=$((i + 1)); [ "$i" -le "$n" ] || break
    if [ "$(http_code "$T/$name.r.$i.head")" != "${want%%:*}" ] ||
       [ "$(cat "$T/$name.r.$i.body")" != "${want#*:}" ]; then
      echo "response $i: expected $want"; rc=1
    fi
  done
  [ "$rc" -eq 0 ] || { echo "received:"; tr -d '\r' <"$T/$name.out" | sed 's/^/  | /'; }
  return "$rc"
}
check "HTTP/1.1: the connection stays open after a response (second request 1 s later)" \
  two_writes ka11 "$(get_ka /a.txt)" "$(get /b.txt)" "GET GET" 200:AAA 200:BBB
check "HTTP/1.0 + Connection: keep-alive: the connection stays open" \
  two_writes ka10 'GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n' 'GET /b.txt HTTP/1.0\r\n\r\n' \
  "GET GET" 200:AAA 200:BBB
ka10_says_keep_alive() {
  local out
  out=$(mktemp "$T/resp.XXXXXX")
  http_raw "$port" 'GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n' "$out" 5 || true
  http_header "$out" Connection | grep -qi keep-alive && return 0
  echo "a 1.0 client keeps the connection only when the response says Connection: keep-alive"
  http_show 'GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n' "$out"
  return 1
}
check "HTTP/1.0 + Connection: keep-alive: the response says Connection: keep-alive" ka10_says_keep_alive

# --- Malformed requests: 400 and close ------------------------------------------------------------
check "malformed request line 'GARBAGE': 400, then close" status_close 'GARBAGE\r\n\r\n' 400
check "request line without version 'GET /a.txt': 400, then close" status_close 'GET /a.txt\r\n\r\n' 400
check "request line with four parts 'GET /a b HTTP/1.1': 400, then close" \
  status_close 'GET /a b HTTP/1.1\r\nHost: x\r\n\r\n' 400
check "request-target without leading slash 'GET a.txt': 400" \
  status_close 'GET a.txt HTTP/1.1\r\nHost: x\r\n\r\n' 400
check "method with a non-token character 'GE(T': 400" \
  status_close 'GE(T /a.txt HTTP/1.1\r\nHost: x\r\n\r\n' 400
check "header line without a colon: 400, then close" \
  status_close 'GET /a.txt HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n' 400
check "whitespace between field name and colon 'Host : x': 400 (RFC 9112 5.1)" \
  status_close 'GET /a.txt HTTP/1.1\r\nHost : x\r\n\r\n' 400
check "space inside a field name 'Bad Name: y': 400" \
  status_close 'GET /a.txt HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n' 400
check "HTTP/1.1 without Host: 400, then close" status_close 'GET /a.txt HTTP/1.1\r\n\r\n' 400
check "HTTP/1.1 with two Host fields: 400 (RFC 9112 3.2)" \
  status_close 'GET /a.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n' 400
check "HTTP/1.1 with an invalid Host value 'a b': 400 (RFC 9112 3.2)" \
  http_expect "$port" 'GET /a.txt HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n' 400
check "Content-Length and Transfer-Encoding together: 400, then close" \
  status_close 'POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' 400
check "two different Content-Length fields: 400, then close" \
  status_close 'GET /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!' 400
check "Content-Length: 5, 6 (a list of different values): 400" \
  status_close 'GET /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nhello!' 400
check "Content-Length: abc: 400" status_close 'GET /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n' 400
check "Content-Length: -1: 400" status_close 'GET /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n' 400

# --- Versions -----------------------------------------------------------------------------------
check "HTTP/2 preface 'PRI * HTTP/2.0': 505" \
  http_expect "$port" 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' 505
check "GET / HTTP/2.0: 505" http_expect "$port" "$(get / HTTP/2.0)" 505
check "GET / HTTP/3.0: 505" http_expect "$port" "$(get / HTTP/3.0)" 505
check "GET / HTTP/9.9: 505" http_expect "$port" "$(get / HTTP/9.9)" 505
check "garbage version 'HTTP/x.y': 505 (or 400: RFC 9112 calls it an invalid request-line)" \
  http_expect "$port" "$(get / HTTP/x.y)" '505|400'
check "lower-case 'http/1.1' (HTTP-name is case-sensitive): 400 or 505" \
  http_expect "$port" "$(get / http/1.1)" '400|505'

# --- Size limits --------------------------------------------------------------------------------
long=$(head -c 9216 /dev/zero | tr '\0' 'a')
check "9 KiB request line: 414" http_expect "$port" "$(get "/$long")" 414
# Under the limit: 8000 bytes of path in 80 segments (each under the 255-byte NAME_MAX).
seg=$(head -c 99 /dev/zero | tr '\0' 'a')
deep=$(for _ in $(seq 1 79); do printf '%s/' "$seg"; done)
check "7900-byte request line (under 8 KiB): not 414 (404 for a missing file)" \
  http_expect "$port" "$(get "/$deep")" 404
check "a missing file whose name is longer than NAME_MAX (256 bytes): 404" \
  http_expect "$port" "$(get "/${long:0:256}")" 404
fields() {  # fields N: N header fields X-Fn: v
  local i
  for i in $(seq 1 "$1"); do printf 'X-F%d: v\\r\\n' "$i"; done
}
check "101 header fields (Host + 100): 431" \
  http_expect "$port" "GET /a.txt HTTP/1.1\r\nHost: x\r\n$(fields 100)\r\n" 431
check "100 header fields (Host + 98 + Connection): 200" \
  http_expect "$port" "GET /a.txt HTTP/1.1\r\nHost: x\r\n$(fields 98)Connection: close\r\n\r\n" '200'
check "headers over 16 KiB (one 17000-byte field): 431" \
  http_expect "$port" "GET /a.txt HTTP/1.1\r\nHost: x\r\nX-Big: $(head -c 17000 /dev/zero | tr '\0' 'b')\r\n\r\n" 431
check "headers of 15000 bytes: 200" \
  http_expect "$port" "$(get /a.txt HTTP/1.1 "X-Big: $(head -c 15000 /dev/zero | tr '\0' 'b')\\r\\n")" 200

# An error answered before the request was read to its end, then a close: unread bytes make the
# kernel send RST, which can destroy the response before the client reads it (RFC 9112 9.6:
# close the write side first, then keep reading for a while). Ten connections in a row, so a
# response lost half the time is not missed.
every_time() {  # every_time N REQUEST CODES: N connections in a row, each must get CODES
  local n=$1 i ok=0 out code codes=() bad=""
  for ((i = 0; i < n; i++)); do
    out=$(mktemp "$T/resp.XXXXXX")
    http_raw "$port" "$2" "$out" 5 || true
    code=$(http_code "$out")
    codes+=("${code:-none}")
    if [[ $code =~ ^($3)$ ]]; then ok=$((ok + 1)); else bad=$out; fi
  done
  [ "$ok" -eq "$n" ] && return 0
  echo "only $ok of $n connections got status $3; statuses in order: ${codes[*]} (none = no bytes at all)"
  http_show "$2" "$bad"
  return 1
}
huge=$(head -c 65536 /dev/zero | tr '\0' 'h')
check "431 for a 64 KiB header field reaches the client (10 of 10 connections)" \
  every_time 10 "GET /a.txt HTTP/1.1\r\nHost: x\r\nX-Huge: $huge\r\n\r\n" 431
check "414 for a 64 KiB request line reaches the client (10 of 10 connections)" \
  every_time 10 "GET /$huge HTTP/1.1\r\nHost: x\r\n\r\n" 414
check "400 for 'GARBAGE' followed by 64 KiB reaches the client (10 of 10 connections)" \
  every_time 10 "GARBAGE\r\n\r\n$huge" 400

# --- Paths that try to leave the root ------------------------------------------------------------
# Never 200, never the content of /etc/passwd or of the file beside the root, and no
# file-system path in the answer.
no_escape() {  # no_escape TARGET [REQUEST]
  local req=${2:-$(get "$1")} out rc=0 code
  out=$(mktemp "$T/resp.XXXXXX")
  http_raw "$port" "$req" "$out" 5 || true
  code=$(http_code "$out")
  [[ $code =~ ^(400|403|404)$ ]] || { echo "expected 400, 403 or 404, got ${code:-none}"; rc=1; }
  if grep -aq 'root:' "$out"; then echo "the response holds /etc/passwd content (root:)"; rc=1; fi
  if grep -aq 'OUTSIDE-SECRET' "$out"; then echo "the response holds the file beside the root"; rc=1; fi
  if grep -aqF -e "$T" -e '/etc/' -e '/tmp/' <(sed '1,/^\r\{0,1\}$/d' "$out"); then
    echo "the response body names a file-system path"; rc=1
  fi
  [ "$rc" -eq 0 ] || http_show "$req" "$out"
  return "$rc"
}
for target in '/../../etc/passwd' '/%2e%2e/%2e%2e/etc/passwd' '/%2E%2E/%2E%2E/%2E%2E/etc/passwd' \
  '/..%2f..%2fetc/passwd' '/..%2F..%2F..%2F..%2Fetc%2Fpasswd' '/%00' '/a.txt%00.html' \
  '/%00/../../etc/passwd' '//etc/passwd' '/etc/passwd' '/%2fetc/passwd' '///etc/passwd' \
  '/..\\..\\etc\\passwd' '/..%5c..%5cetc%5cpasswd' '/%252e%252e/%252e%252e/etc/passwd' \
  '/../outside/secret.txt' '/%2e%2e/outside/secret.txt' '/.%2e/outside/secret.txt' \
  '/dir/../../outside/secret.txt' '/dir/..%2f..%2foutside/secret.txt' '/./../outside/secret.txt'; do
  check "traversal: GET $(printf '%b' "$target")" no_escape "$target"
done
check "traversal: relative target 'GET ../../etc/passwd': 400" \
  status_close 'GET ../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n' 400
check "traversal: absolute-form 'GET http://x/../../etc/passwd'" \
  no_escape abs "$(get http://x/../../etc/passwd)"
check "traversal: absolute-form 'GET http://x/%2e%2e/outside/secret.txt'" \
  no_escape abs "$(get http://x/%2e%2e/outside/secret.txt)"

# --- Methods, absolute form -------------------------------------------------------------------
check "unknown method BREW: 501" http_expect "$port" 'BREW /pot HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' 501
check "lower-case 'get' (methods are case-sensitive, so unknown): 501" \
  http_expect "$port" 'get /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' 501
allow_is() {  # allow_is REQUEST CODES: status and Allow: GET, HEAD, OPTIONS (any order)
  local out v rc=0
  out=$(mktemp "$T/resp.XXXXXX")
  http_raw "$port" "$1" "$out" 5 || true
  [[ $(http_code "$out") =~ ^($2)$ ]] || { echo "expected status $2, got $(http_code "$out")"; rc=1; }
  v=$(http_header "$out" Allow | tr -d ' ' | tr ',' '\n' | sort | paste -sd, -)
  [ "$v" = GET,HEAD,OPTIONS ] || { echo "expected Allow: GET, HEAD, OPTIONS, got: $(http_header "$out" Allow)"; rc=1; }
  [ "$rc" -eq 0 ] || http_show "$1" "$out"
  return "$rc"
}
check "OPTIONS /a.txt: 204 or 200 with Allow: GET, HEAD, OPTIONS" \
  allow_is 'OPTIONS /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' '204|200'
check "OPTIONS *: 204 or 200 with Allow: GET, HEAD, OPTIONS" \
  allow_is 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' '204|200'
for m in POST PUT DELETE PATCH TRACE; do
  check "$m /a.txt: 405 with Allow: GET, HEAD, OPTIONS" \
    allow_is "$m /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n" 405
done
check "CONNECT 127.0.0.1:443: 405 with Allow: GET, HEAD, OPTIONS" \
  allow_is 'CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\nConnection: close\r\n\r\n' 405
check "absolute-form target 'GET http://127.0.0.1:PORT/a.txt': 200 AAA" \
  responses "GET http://127.0.0.1:$port/a.txt HTTP/1.1\r\nHost: other.example\r\nConnection: close\r\n\r\n" \
  keep GET '200:AAA\n'
check "HEAD /a.txt alone: 200 and headers only, then close" \
  responses 'HEAD /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' keep HEAD 200
head_length() {
  local out req='HEAD /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
  out=$(mktemp "$T/resp.XXXXXX")
  http_raw "$port" "$req" "$out" 5 || true
  [ "$(http_header "$out" Content-Length)" = 4 ] && return 0
  echo "expected Content-Length: 4 (the GET body's length)"; http_show "$req" "$out"; return 1
}
check "HEAD /a.txt: Content-Length: 4, as GET would send" head_length

# --- Slow clients: http.header-timeout=1s ----------------------------------------------------------
slow_headers() {  # half a request, then silence: 408 after ~1 s, then the server closes
  local start=$SECONDS got=""
  client_open slow "$port" 20
  client_write slow 'GET /a.txt HTTP/1.1\r\nHost: x\r\n'
  local deadline=$((SECONDS + 8))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if [ -n "$(http_code "$T/slow.out")" ]; then got=$(http_code "$T/slow.out"); break; fi
    sleep 0.05
  done
  local took=$((SECONDS - start)) rc=0
  # The rest of the request, too late: it must not be answered (the server has closed).
  client_write slow '\r\n'
  sleep 0.5
  client_close slow
  client_wait slow 5 || rc=1
  client_kill slow
  [ "$got" = 408 ] || { echo "expected 408 within 8 s, got ${got:-nothing}"; rc=1; }
  [ "$got" != 408 ] || [ "$took" -le 4 ] || { echo "the 408 came after ${took}s (header-timeout=1s)"; rc=1; }
  local n
  n=$(grep -c '^HTTP/' "$T/slow.out" || true)
  [ "$n" -le 1 ] || { echo "the request completed after the 408 was answered too ($n responses)"; rc=1; }
  [ "$rc" -eq 0 ] || { echo "received:"; tr -d '\r' <"$T/slow.out" | sed 's/^/  | /'; }
  return "$rc"
}
check "header-timeout=1s: half a request, then silence: 408, and the connection is closed" slow_headers

trickle() {  # a byte every 0.2 s never finishes the headers: the deadline is for the whole section
  local start=$SECONDS got="" i=0 rc=0
  client_open trickle "$port" 20
  client_write trickle 'GET /a.txt HTTP/1.1\r\nHost: x\r\nX-Slow: '
  while [ $((SECONDS - start)) -lt 6 ]; do
    client_write trickle 'z' 2>/dev/null || true
    i=$((i + 1))
    if [ -n "$(http_code "$T/trickle.out")" ]; then got=$(http_code "$T/trickle.out"); break; fi
    sleep 0.2
  done
  local took=$((SECONDS - start))
  client_kill trickle
  [ "$got" = 408 ] || { echo "expected 408 while trickling, got ${got:-nothing} after ${took}s ($i bytes)"; rc=1; }
  [ "$got" != 408 ] || [ "$took" -le 4 ] || { echo "the 408 came after ${took}s of trickling (header-timeout=1s)"; rc=1; }
  return "$rc"
}
check "header-timeout=1s: a byte every 0.2 s does not keep the headers open: 408 within 4 s" trickle

# --- keep-alive-timeout, max-requests, max-connections ---------------------------------------------
serve_start http http.port=0 "http.root=$W" http.keep-alive-timeout=1s http.max-requests=2
port=$PORT_http
check "max-requests=2: three pipelined requests get two answers, then close" \
  responses "$(get_ka /a.txt)$(get_ka /b.txt)$(get_ka /c.txt)" keep "GET GET GET" '200:AAA\n' '200:BBB\n'
max_req_says_close() {
  local out
  out=$(mktemp "$T/resp.XXXXXX")
  http_raw "$port" "$(get_ka /a.txt)$(get_ka /b.txt)" "$out" 5 keep || true
  http_split "$out" "$out" >/dev/null
  http_header "$out.2.head" Connection | grep -qi close && return 0
  echo "the last response allowed on the connection should say Connection: close"
  http_show "$(get_ka /a.txt)$(get_ka /b.txt)" "$out"
  return 1
}
check "max-requests=2: the second response says Connection: close" max_req_says_close
ka_timeout() {
  local rc=0
  client_open idle "$port" 20
  client_write idle "$(get_ka /a.txt)"
  wait_grep "$T/idle.out" '^AAA' 5 || rc=1
  sleep 2.5   # longer than keep-alive-timeout=1s
  client_write idle "$(get_ka /b.txt)"
  sleep 0.5
  client_close idle
  client_wait idle 5 || rc=1
  client_kill idle
  local n
  n=$(grep -c '^HTTP/' "$T/idle.out" || true)
  [ "$n" = 1 ] || { echo "expected 1 response (the second request came after the keep-alive timeout), got $n"; rc=1; }
  [ "$rc" -eq 0 ] || { echo "received:"; tr -d '\r' <"$T/idle.out" | sed 's/^/  | /'; }
  return "$rc"
}
check "keep-alive-timeout=1s: an idle connection is closed (a request 2.5 s later is not answered)" ka_timeout

serve_start http http.port=0 "http.root=$W" http.max-connections=1
port=$PORT_http
client_open holder "$port" 30
client_write holder "$(get_ka /a.txt)"
check "max-connections=1: the first client is served (and stays connected)" wait_grep "$T/holder.out" '^AAA' 5
check "max-connections=1: a second client gets 503, then close" status_close "$(get /b.txt)" 503
check "max-connections=1: ten more clients in a row each get the 503 (nc -N)" every_time 10 "$(get /b.txt)" 503
client_kill holder

finish
