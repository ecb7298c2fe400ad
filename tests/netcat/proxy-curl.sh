#!/usr/bin/env bash
# The proxy service (a caching HTTP forward proxy) in front of netloom's own http service, driven
# by real clients: curl -x (GET of a 1 KiB and a 2 MiB file byte for byte, X-Cache MISS then HIT,
# Via), HEAD (and a HEAD pipelined before a GET over nc: no body after the HEAD), 8 concurrent
# first fetches of a 4 MiB file (the origin asked once), POST and a chunked upload passed through
# (the http service's own 405, never a 502; and, with python3, a sink that hashes what it got: the
# bodies arrive whole), the prefix form (http://PROXY/http://ORIGIN/path) with plain curl, CONNECT
# with curl -p to a local `openssl s_server -www` (an allowed port), CONNECT to a port not allowed
# (403), a refused upstream (502), Python's urllib through the http_proxy variable, denied hosts
# (403, the domain and its subdomains only), the squid-format access log. openssl s_server and the
# python sink are stopped by the exit trap.
# PORT_<svc> is set by serve_start:
# shellcheck disable=SC2154
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for t in curl openssl; do
  command -v "$t" >/dev/null 2>&1 || { echo "$NL_SCRIPT: $t is needed: run tests/ensure-tools.sh" >&2; exit 2; }
done
HAVE_PY=false
command -v python3 >/dev/null 2>&1 && HAVE_PY=true

# Every client here is told its proxy explicitly: none from the environment, and no exceptions.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY


# --- The origin's docroot ---------------------------------------------------------------------
W=$T/www
mkdir -p "$W"
head -c 1024 /dev/urandom >"$W/1k.bin"
head -c 2097152 /dev/urandom >"$W/2m.bin"
head -c 4194304 /dev/urandom >"$W/4m.bin"
printf 'Hello through the proxy.\n' >"$W/hello.txt"
# The http service sends Last-Modified and no Cache-Control: an old Last-Modified makes its
# responses fresh for a while by RFC 9111's heuristic (4.2.2), so a second fetch is a hit.
touch -d '2020-01-01 00:00:00 UTC' "$W"/*

# --- A TLS server for CONNECT: openssl s_server -www on a port of its own choosing ------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
  -keyout "$T/tls.key" -out "$T/tls.crt" >"$T/openssl-req.err" 2>&1 ||
  fail_now "openssl req makes a self-signed certificate" "$(cat "$T/openssl-req.err")"
timeout 280 openssl s_server -accept 127.0.0.1:0 -www -cert "$T/tls.crt" -key "$T/tls.key" \
  </dev/null >"$T/s_server.out" 2>"$T/server-s_server.err" &
nl_helper $!
TLS_PORT=""
for _ in $(seq 1 100); do
  TLS_PORT=$(sed -nE 's/^ACCEPT 127\.0\.0\.1:([0-9]+)$/\1/p' "$T/s_server.out")
  [ -z "$TLS_PORT" ] || break
  sleep 0.1
done
[ -n "$TLS_PORT" ] || fail_now "openssl s_server starts" "$(cat "$T/s_server.out" "$T/server-s_server.err")"

# --- An upload sink (python3): answers each POST/PUT with the length and SHA-256 of the body it
# read (chunked or by Content-Length), and how it was framed ----------------------------------
SINK_PORT=""
if $HAVE_PY; then
  cat >"$T/sink.py" <<'EOF'
import hashlib, http.server, sys

class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            data = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(data), "chunked"
                data += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(n), "length"

    def do_POST(self):
        data, framing = self.body()
        out = ("len=%d sha256=%s framing=%s\n" % (len(data), hashlib.sha256(data).hexdigest(), framing)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_PUT = do_POST

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
print(server.server_address[1], flush=True)
server.serve_forever()
EOF
  timeout 280 python3 "$T/sink.py" </dev/null >"$T/sink.out" 2>"$T/server-sink.err" &
  nl_helper $!
  SINK_PORT=$(nl_first_line "$T/sink.out" 10) || fail_now "the python upload sink starts" "$(cat "$T/server-sink.err")"
fi

# --- The origin and the proxy -----------------------------------------------------------------
serve_start http http.port=0 "http.root=$W" "http.access-log=$T/origin.log"
origin=http://127.0.0.1:$PORT_http
serve_start proxy proxy.port=0 "proxy.connect-ports=443,$TLS_PORT" proxy.deny-hosts=blocked.test \
  "proxy.access-log=$T/access.log" proxy.log-format=squid
pport=$PORT_proxy
PX=(-x "http://127.0.0.1:$pport")

check "the listening line: proxy listening on 127.0.0.1:PORT (tcp)" \
  contains "$SERVER_OUT" "^proxy listening on 127\.0\.0\.1:$pport \(tcp\)\$"

# --- Helpers ----------------------------------------------------------------------------------
body_is() {  # body_is NAME FILE: the body is FILE byte for byte
  same_bytes "$2" "$T/$1.body" && return 0
  show "$1" | head -n 12
  return 1
}
via_netloom() { hdr_is "$1" Via '(.*, *)?1\.1 netloom( .*)?(,.*)?'; }
status_via() { code_is "$1" "$2" && via_netloom "$1"; }  # status_via NAME CODES
fetched() {  # fetched NAME FILE XCACHE: 200, FILE's bytes, X-Cache and Via as they should be
  code_is "$1" 200 || return 1
  body_is "$1" "$2" || return 1
  hdr_is "$1" X-Cache "$3" || return 1
  via_netloom "$1"
}

# --- GET through curl -x ----------------------------------------------------------------------
get k1a "$origin/1k.bin" "${PX[@]}"
check "curl -x GET /1k.bin: 200, byte for byte, X-Cache: MISS, Via: 1.1 netloom" fetched k1a "$W/1k.bin" MISS
get k1b "$origin/1k.bin" "${PX[@]}"
check "curl -x GET /1k.bin again: the same bytes from the cache, X-Cache: HIT" fetched k1b "$W/1k.bin" HIT
check "the hit keeps the origin's validators (ETag)" hdr_is k1b ETag "$(re_quote "$(hdr k1a ETag)")"
check "the hit has an Age field (RFC 9111 5.1)" hdr_is k1b Age '[0-9]+'

get m2a "$origin/2m.bin" "${PX[@]}"
check "curl -x GET /2m.bin: 200, 2 MiB byte for byte, X-Cache: MISS" fetched m2a "$W/2m.bin" MISS
get m2b "$origin/2m.bin" "${PX[@]}"
check "curl -x GET /2m.bin again: 2 MiB byte for byte, X-Cache: HIT" fetched m2b "$W/2m.bin" HIT

get missing "$origin/no-such-file" "${PX[@]}"
check "a 404 from the origin is passed on as 404, with Via" status_via missing 404

concurrent_first() {  # 8 clients at once, each the 4 MiB file the proxy has not seen yet
  local i pids=() rc=0
  for i in 1 2 3 4 5 6 7 8; do
    "${CURL[@]}" "${PX[@]}" -o "$T/conc$i.body" "$origin/4m.bin" 2>"$T/conc$i.err" &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || { echo "client $((i + 1)): curl exited $?"; rc=1; }; done
  for i in 1 2 3 4 5 6 7 8; do same_bytes "$W/4m.bin" "$T/conc$i.body" || { echo "(client $i)"; rc=1; }; done
  return "$rc"
}
check "8 concurrent first fetches of /4m.bin through the proxy: each gets the 4 MiB byte for byte" concurrent_first
get m4 "$origin/4m.bin" "${PX[@]}"
check "then /4m.bin is a hit, byte for byte" fetched m4 "$W/4m.bin" HIT
origin_once() {  # the origin's own access log: one GET /4m.bin for the 9 fetches (collapsed misses)
  local n i
  for i in $(seq 1 50); do  # the log may be written a little later
    n=$(grep -c '"GET /4m\.bin HTTP/1\.1" 200 ' "$T/origin.log" 2>/dev/null || true)
    [ "${n:-0}" -ge 1 ] && break
    sleep 0.1
  done
  [ "$n" = 1 ] && return 0
  echo "the origin logged ${n:-0} GETs of /4m.bin, expected 1:"
  grep -F '4m.bin' "$T/origin.log" 2>/dev/null | head -n 10
  return 1
}
check "the concurrent misses were collapsed: the origin served /4m.bin once" origin_once

# --- HEAD -------------------------------------------------------------------------------------
get head "$origin/2m.bin" "${PX[@]}" -I
head_ok() { status_via head 200 && hdr_is head Content-Length 2097152; }
check "curl -x -I /2m.bin: 200, Content-Length 2097152, Via" head_ok
check "curl -x -I: the response has X-Cache" hdr_is head X-Cache 'HIT|MISS|REVALIDATED|STALE'

head_then_get() {  # HEAD then GET pipelined on one connection: no body may follow the HEAD
  local out n req
  out=$T/pipe.out
  req="HEAD $origin/hello.txt HTTP/1.1\r\nHost: 127.0.0.1:$PORT_http\r\n\r\n"
  req+="GET $origin/hello.txt HTTP/1.1\r\nHost: 127.0.0.1:$PORT_http\r\nConnection: close\r\n\r\n"
  http_raw "$pport" "$req" "$out" 15 || true
  n=$(http_split "$out" "$T/pipe" HEAD GET)
  [ "$n" = 2 ] || { echo "expected 2 responses, got $n"; http_show "$req" "$out"; return 1; }
  if [ "$(http_code "$T/pipe.1.head")" != 200 ] || [ "$(http_code "$T/pipe.2.head")" != 200 ]; then
    echo "expected 200 twice"; http_show "$req" "$out"; return 1
  fi
  is_empty "$T/pipe.1.body" && same_bytes "$W/hello.txt" "$T/pipe.2.body"
}
check "HEAD then GET pipelined over nc: two 200s, no body after the HEAD, the GET's body whole" head_then_get

# --- Request bodies: passed through, never a 502 ----------------------------------------------
get post_direct "$origin/1k.bin" --data-binary "@$W/1k.bin"
get post "$origin/1k.bin" "${PX[@]}" --data-binary "@$W/1k.bin"
passed_through() {  # passed_through NAME DIRECT: the origin's own status and Allow, with Via
  local want
  want=$(cat "$T/$2.code")
  [ "$want" != 502 ] || { echo "the origin itself answered 502?"; return 1; }
  code_is "$1" "$want" || return 1
  [ -z "$(hdr "$2" Allow)" ] || hdr_is "$1" Allow "$(re_quote "$(hdr "$2" Allow)")" || return 1
  via_netloom "$1"
}
check "curl -x POST --data-binary (1 KiB) to the http service: its own status ($(cat "$T/post_direct.code")) passed through, not 502" \
  passed_through post post_direct
get chunk_direct "$origin/1k.bin" -H 'Transfer-Encoding: chunked' --data-binary "@$W/2m.bin"
get chunk "$origin/1k.bin" "${PX[@]}" -H 'Transfer-Encoding: chunked' --data-binary "@$W/2m.bin"
check "curl -x chunked upload (2 MiB) to the http service: its own status ($(cat "$T/chunk_direct.code")) passed through, not 502" \
  passed_through chunk chunk_direct
get after_uploads "$origin/1k.bin" "${PX[@]}"
check "the proxy still serves after both uploads" fetched after_uploads "$W/1k.bin" HIT

if $HAVE_PY; then
  sink=http://127.0.0.1:$SINK_PORT
  sums_are() {  # sums_are NAME FILE FRAMING: the sink got FILE whole
    local want
    want="len=$(wc -c <"$2") sha256=$(sha256sum "$2" | cut -d' ' -f1) framing=($3)"
    code_is "$1" 200 || return 1
    grep -Eq "^$want\$" "$T/$1.body" && return 0
    echo "expected /$want/, got: $(cat "$T/$1.body")"
    return 1
  }
  get up_len "$sink/upload" "${PX[@]}" --data-binary "@$W/2m.bin"
  check "curl -x POST of 2 MiB (Content-Length) to a sink: it got every byte (length, SHA-256)" \
    sums_are up_len "$W/2m.bin" length
  get up_chunked "$sink/upload" "${PX[@]}" -H 'Transfer-Encoding: chunked' --data-binary "@$W/2m.bin"
  check "curl -x chunked POST of 2 MiB to a sink: it got every byte (length, SHA-256)" \
    sums_are up_chunked "$W/2m.bin" 'chunked|length'
  get up_put "$sink/upload" "${PX[@]}" -T "$W/1k.bin"
  check "curl -x PUT (-T) of 1 KiB to a sink: it got every byte" sums_are up_put "$W/1k.bin" length
else
  skip "uploads to a hashing sink" "python3 not found"
fi

# --- The prefix form: http://PROXY/http://ORIGIN/path with no proxy setting --------------------
get prefix "http://127.0.0.1:$pport/$origin/1k.bin"
check "curl http://PROXY/http://ORIGIN/1k.bin (prefix form): 200, byte for byte, the cached entry (HIT)" \
  fetched prefix "$W/1k.bin" HIT
get prefix_miss "http://127.0.0.1:$pport/$origin/hello.txt?prefix"
prefix_miss_ok() { status_via prefix_miss 200 && body_is prefix_miss "$W/hello.txt"; }
check "the prefix form of a URL not seen yet: 200, its bytes, Via" prefix_miss_ok

# --- CONNECT ----------------------------------------------------------------------------------
# connect_get NAME URL [CURL-ARG...]: curl -p -x; NAME.code holds "CONNECT-STATUS HTTP-STATUS"
connect_get() {
  local name=$1 url=$2; shift 2
  local rc=0
  printf 'curl -p -x http://127.0.0.1:%s %s %s\n' "$pport" "$*" "$url" >"$T/$name.req"
  "${CURL[@]}" -p "${PX[@]}" -D "$T/$name.head" -o "$T/$name.body" -w '%{http_connect} %{http_code}' \
    "$@" "$url" >"$T/$name.code" 2>"$T/$name.err" || rc=$?
  echo "$rc" >"$T/$name.rc"
  touch "$T/$name.head" "$T/$name.body"
}
tunnel_ok() {
  local codes
  codes=$(cat "$T/tls.code")
  [ "$codes" = "200 200" ] || { echo "expected CONNECT 200 and GET 200, got '$codes'"; show tls; return 1; }
  contains "$T/tls.body" 's_server -accept'
}
connect_get tls "https://127.0.0.1:$TLS_PORT/" -k
check "curl -p -x -k https://127.0.0.1:TLSPORT/ (CONNECT to an allowed port): 200, then s_server's page over TLS" tunnel_ok
connect_get tls2 "https://localhost:$TLS_PORT/" -k
tunnel_by_name() {
  [ "$(cat "$T/tls2.code")" = "200 200" ] && return 0
  echo "expected CONNECT 200 and GET 200, got '$(cat "$T/tls2.code")'"; show tls2; return 1
}
check "CONNECT by name (localhost:TLSPORT) works too" tunnel_by_name

connect_refused() {  # connect_refused NAME WANT: curl says the proxy answered the CONNECT with WANT
  local rc codes
  rc=$(cat "$T/$1.rc"); codes=$(cat "$T/$1.code")
  if [ "${codes%% *}" = "$2" ] && [ "$rc" != 0 ]; then return 0; fi
  echo "expected CONNECT answered $2 and curl failing, got '$codes', curl exit $rc"
  show "$1"
  return 1
}
connect_get badport "$origin/1k.bin"
check "curl -p -x to the http service's port (not in connect-ports): the CONNECT gets 403" connect_refused badport 403
check "curl reports the 403 (CONNECT tunnel failed, response 403)" contains "$T/badport.err" '403'
connect_get badport22 "https://127.0.0.1:22/" -k
check "CONNECT to port 22: 403" connect_refused badport22 403
if port_open 443; then
  skip "CONNECT to 127.0.0.1:443 where nothing listens" "something listens on 127.0.0.1:443 here"
else
  connect_get noone443 "https://127.0.0.1:443/" -k
  check "CONNECT to an allowed port where nothing listens (127.0.0.1:443): 502" connect_refused noone443 502
fi

# --- Errors: refused upstream, denied hosts ---------------------------------------------------
get refused "http://127.0.0.1:1/" "${PX[@]}"
check "curl -x to an upstream that refuses (127.0.0.1:1): 502" code_is refused 502
check "the 502 has Via: 1.1 netloom" via_netloom refused

get denied "http://blocked.test/" "${PX[@]}"
check "curl -x http://blocked.test/ (proxy.deny-hosts=blocked.test): 403" code_is denied 403
get denied_sub "http://www.blocked.test/a/b?c=d" "${PX[@]}"
check "a subdomain, www.blocked.test: 403" code_is denied_sub 403
get denied_case "http://WWW.Blocked.TEST/" "${PX[@]}"
check "host names compare without case: WWW.Blocked.TEST: 403" code_is denied_case 403
get denied_prefix "http://127.0.0.1:$pport/http://blocked.test/"
check "the prefix form to blocked.test: 403" code_is denied_prefix 403
connect_get denied_connect "https://blocked.test:443/" -k
check "CONNECT blocked.test:443: 403" connect_refused denied_connect 403
# not a domain suffix of blocked.test: not denied (the name does not resolve: a 5xx, not 403)
get not_denied "http://xblocked.test/" "${PX[@]}"
check "xblocked.test is not under blocked.test: not 403 (it does not resolve: 502 or 504)" \
  code_is not_denied '50[24]'

# --- Python's urllib through the http_proxy variable ------------------------------------------
if $HAVE_PY; then
  cat >"$T/fetch.py" <<'EOF'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=20) as r:
    with open(sys.argv[2], "wb") as f:
        f.write(r.read())
    print(r.status)
    print("X-Cache: %s" % r.headers.get("X-Cache"))
    print("Via: %s" % r.headers.get("Via"))
EOF
  py_fetch() {
    http_proxy=http://127.0.0.1:$pport timeout 30 python3 "$T/fetch.py" "$origin/2m.bin" "$T/py.body" \
      >"$T/py.out" 2>&1 || { echo "python3 failed:"; cat "$T/py.out"; return 1; }
    same_bytes "$W/2m.bin" "$T/py.body" || return 1
    contains "$T/py.out" '^200$' && contains "$T/py.out" '^X-Cache: HIT$' && contains "$T/py.out" '^Via: (.*, *)?1\.1 netloom'
  }
  check "python3 urllib with http_proxy=http://PROXY: 200, 2 MiB byte for byte, X-Cache: HIT, Via" py_fetch
  py_refused() {
    http_proxy=http://127.0.0.1:$pport timeout 30 python3 "$T/fetch.py" "http://127.0.0.1:1/" "$T/py2.body" \
      >"$T/py2.out" 2>&1 && { echo "urllib succeeded against a refusing upstream"; return 1; }
    contains "$T/py2.out" 'HTTP Error 502'
  }
  check "python3 urllib through the proxy to a refusing upstream: HTTP Error 502" py_refused
else
  skip "python3 urllib through http_proxy" "python3 not found"
fi

# --- The access log (squid's native format) ---------------------------------------------------
log_has() {  # log_has REGEX: a line matching it shows up within 5 s (the log may be buffered)
  local i
  for i in $(seq 1 50); do
    grep -Eq -- "$1" "$T/access.log" 2>/dev/null && return 0
    sleep 0.1
  done
  contains "$T/access.log" "$1"
}
o=$(re_quote "$origin")
check "access log: the first /1k.bin as TCP_MISS/200 (squid format)" \
  log_has "^[0-9]+\.[0-9]{3} +[0-9]+ 127\.0\.0\.1 TCP_[A-Z_]*MISS/200 [0-9]+ GET $o/1k\.bin "
check "access log: a later /1k.bin as TCP_*HIT/200" log_has " TCP_[A-Z_]*HIT/200 [0-9]+ GET $o/1k\.bin "
check "access log: the CONNECT" log_has " CONNECT 127\.0\.0\.1:$TLS_PORT "
check "access log: the 403 for blocked.test" log_has "/403 [0-9]+ GET http://blocked\.test/ "

finish
