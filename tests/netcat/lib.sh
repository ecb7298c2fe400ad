# shellcheck shell=bash
# Helpers for the netcat interop tests; source it from a test script:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   serve_start echo echo.port=0       # waits for the line; sets PORT_echo, HOST_echo, PROTO_echo
#   check "echo says hi" roundtrip_text "$PORT_echo" 'hi\n' 'hi\n'
#   check "binary" roundtrip "$PORT_echo" "$T/in.bin" "$T/in.bin"
#   finish                             # stops servers (a check each), summary line, exit status
#
# Every script gets its own temp dir ($T) and its own NETLOOM_HOME inside it, so it never reads
# the repo's netloom.properties nor writes logs into the repo. Servers are started in the
# background; on exit they get SIGTERM and must exit 0 (that is a check too). Every client call
# is bounded by `timeout`; only 127.0.0.1 is used.
#
# Environment:
#   NETLOOM_BIN            launcher to test (default: <repo>/bin/netloom)
#   NL_START_TIMEOUT       seconds to wait for the listening lines (default 30)
#   NL_STOP_TIMEOUT        seconds to wait for exit after a signal (default 20)
#   NL_VERBOSE=1           print the server's stderr at the end even when all passed

set -euo pipefail

NL_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NETLOOM_BIN=${NETLOOM_BIN:-$NL_REPO/bin/netloom}
NL_START_TIMEOUT=${NL_START_TIMEOUT:-30}
NL_STOP_TIMEOUT=${NL_STOP_TIMEOUT:-20}
NL_SCRIPT=$(basename "$0")

# The OpenBSD netcat; ensure-tools.sh installs it. Prefer the explicit binary when `nc` is
# another variant (netcat-traditional and ncat lack -N or treat -q/-w differently).
if [ -z "${NC:-}" ]; then
  if command -v nc.openbsd >/dev/null 2>&1; then NC=nc.openbsd; else NC=nc; fi
fi
if ! grep -q 'OpenBSD netcat' <<<"$("$NC" -h 2>&1 </dev/null || true)"; then
  echo "$NL_SCRIPT: the OpenBSD netcat is needed: run tests/ensure-tools.sh" >&2
  exit 2
fi

# The exit trap reports on these, even if the script dies inside a redirected block.
exec {NL_STDOUT}>&1 {NL_STDERR}>&2

T=$(mktemp -d "${TMPDIR:-/tmp}/netloom-${NL_SCRIPT%.sh}.XXXXXX")
export NETLOOM_HOME="$T/home"
mkdir -p "$NETLOOM_HOME"

NL_PASS=0
NL_FAIL=0
NL_SKIP=0
NL_SERVERS=()      # pids of servers still to be stopped by the exit trap
declare -A NL_SERVER_DESC=()
NL_FINISHED=false

# ---------------------------------------------------------------------------------------------
# Reporting

# check NAME CMD [ARG...]: runs CMD; passes when it exits 0. CMD's output is shown indented,
# so helpers can explain a failure on stdout/stderr. CMD runs in a subshell: it cannot set
# variables, and it cannot write to clients (their fifo write ends are closed in there, so a
# waiting nc is not kept alive by the check itself).
check() {
  local name=$1; shift
  local out rc=0
  out=$(nl_close_client_fds; "$@" 2>&1) || rc=$?
  if [ "$rc" -eq 0 ]; then
    NL_PASS=$((NL_PASS + 1))
    printf 'ok   - %s\n' "$name"
  else
    NL_FAIL=$((NL_FAIL + 1))
    printf 'FAIL - %s\n' "$name"
    [ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/       /'
  fi
  return 0
}

skip() {  # skip NAME REASON
  NL_SKIP=$((NL_SKIP + 1))
  printf 'skip - %s (%s)\n' "$1" "$2"
}

fail_now() {  # a setup step failed: report it as a failed check and end the script
  NL_FAIL=$((NL_FAIL + 1))
  printf 'FAIL - %s\n' "$1"
  [ $# -lt 2 ] || printf '%s\n' "$2" | sed 's/^/       /'
  finish
}

# Prints the summary and exits (the exit trap stops the servers first and counts that).
finish() {
  NL_FINISHED=true
  exit 0  # the EXIT trap computes the real status
}

# nl_helper PID: a helper process of the script (dnsmasq, a python sink, openssl s_server) that
# the exit trap stops (TERM, then waits) before the servers; no check is made of how it ends.
NL_HELPERS=()
nl_helper() { NL_HELPERS+=("$1"); }
# nl_at_exit COMMAND: run by the exit trap first (a stop that needs more than a TERM)
NL_AT_EXIT=()
nl_at_exit() { NL_AT_EXIT+=("$1"); }
# nl_first_line FILE SECONDS: prints FILE's first line once it has one (a helper printing its
# port); status 1 if none came in time
nl_first_line() {
  local i line
  for ((i = 0; i < $2 * 10; i++)); do
    line=$(head -n 1 "$1" 2>/dev/null)
    [ -z "$line" ] || { printf '%s\n' "$line"; return 0; }
    sleep 0.1
  done
  return 1
}

nl_on_exit() {
  local rc=$?
  set +e
  exec 1>&"$NL_STDOUT" 2>&"$NL_STDERR"
  local pid name cmd
  for cmd in "${NL_AT_EXIT[@]}"; do "$cmd"; done
  for pid in "${NL_HELPERS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  for name in "${!NL_CLIENT_PID[@]}"; do client_kill "$name"; done
  for pid in "${NL_SERVERS[@]}"; do
    [ -n "$pid" ] || continue
    nl_stop_and_check "$pid" TERM "${NL_SERVER_DESC[$pid]}: exits 0 on SIGTERM at the end"
  done
  if ! $NL_FINISHED && [ "$rc" -ne 0 ]; then
    NL_FAIL=$((NL_FAIL + 1))
    printf 'FAIL - %s ended early (exit %s)\n' "$NL_SCRIPT" "$rc"
  fi
  if [ "$NL_FAIL" -gt 0 ] || [ "${NL_VERBOSE:-0}" = 1 ]; then
    local f
    for f in "$T"/server*.err; do
      [ -s "$f" ] || continue
      printf -- '--- %s (last 40 lines)\n' "${f#"$T"/}"
      tail -n 40 "$f" | sed 's/^/  /'
    done
  fi
  printf '%s: %d passed, %d failed, %d skipped\n' "$NL_SCRIPT" "$NL_PASS" "$NL_FAIL" "$NL_SKIP"
  rm -rf "$T"
  if [ "$NL_FAIL" -gt 0 ]; then exit 1; fi
  exit 0
}
trap nl_on_exit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Servers

NL_SERVER_N=0

# serve_start ARG...: runs `netloom serve ARG...` in the background and waits for
# one listening line per service named in ARG (words without '=' that are not options or the
# file after --config). For each service it sets PORT_<svc>, HOST_<svc>, PROTO_<svc> ('-' in the
# name becomes '_'), and sets SERVER_PID, SERVER_OUT, SERVER_ERR for the server. Fails the script
# when the lines do not come within NL_START_TIMEOUT seconds.
serve_start() {
  NL_SERVER_N=$((NL_SERVER_N + 1))
  local n=$NL_SERVER_N
  SERVER_OUT="$T/server$n.out"
  SERVER_ERR="$T/server$n.err"
  : >"$SERVER_OUT"
  local services=() a prev=""
  for a in "$@"; do
    if [ "$prev" = "--config" ]; then prev=""; continue; fi
    case "$a" in
      --config) prev=--config ;;
      -*|*=*) ;;
      *) services+=("$a") ;;
    esac
  done
  # Async commands of a non-interactive bash ignore SIGINT; the JVM then never installs its
  # SIGINT handler. Restore the default disposition before exec so SIGINT tests mean something.
  # The admin listener on a free port unless the script sets it: scripts run side by side
  # (run-all.sh's NL_JOBS), and the second one's serve would find 127.0.0.1:9091 taken.
  local admin=(admin.port=0)
  for a in "$@"; do
    case "$a" in admin.*) admin=() ;; esac
  done
  ( trap - INT QUIT; nl_close_client_fds; exec "$NETLOOM_BIN" serve "$@" "${admin[@]}" ) \
    </dev/null >"$SERVER_OUT" 2>"$SERVER_ERR" &
  SERVER_PID=$!
  NL_SERVERS+=("$SERVER_PID")
  NL_SERVER_DESC[$SERVER_PID]="serve $*"

  local deadline=$((SECONDS + NL_START_TIMEOUT)) s missing
  while :; do
    missing=()
    for s in "${services[@]}"; do
      grep -Eq "^$s listening on [^ ]+:[0-9]+ \((tcp|udp)\)( -> [^ ]+)?\$" "$SERVER_OUT" || missing+=("$s")
    done
    [ "${#missing[@]}" -gt 0 ] || break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      local rc=0; wait "$SERVER_PID" || rc=$?
      nl_forget "$SERVER_PID"
      fail_now "serve $* starts" "exited with $rc before printing the listening line for: ${missing[*]}
stdout: $(cat "$SERVER_OUT")
stderr: $(tail -n 20 "$SERVER_ERR")"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      fail_now "serve $* starts" "no listening line within ${NL_START_TIMEOUT}s for: ${missing[*]}
stdout: $(cat "$SERVER_OUT")
stderr: $(tail -n 20 "$SERVER_ERR")"
    fi
    sleep 0.1
  done

  local line svc host port proto var
  for s in "${services[@]}"; do
    line=$(grep -E "^$s listening on " "$SERVER_OUT" | head -n 1)
    svc=${line%% *}
    host=$(sed -E 's/^[^ ]+ listening on ([^ ]+):([0-9]+) \((tcp|udp)\)( -> [^ ]+)?$/\1/' <<<"$line")
    port=$(sed -E 's/^[^ ]+ listening on ([^ ]+):([0-9]+) \((tcp|udp)\)( -> [^ ]+)?$/\2/' <<<"$line")
    proto=$(sed -E 's/^[^ ]+ listening on ([^ ]+):([0-9]+) \((tcp|udp)\)( -> [^ ]+)?$/\3/' <<<"$line")
    var=${svc//-/_}
    printf -v "PORT_$var" '%s' "$port"
    printf -v "HOST_$var" '%s' "$host"
    printf -v "PROTO_$var" '%s' "$proto"
  done
}

nl_forget() {  # removes a pid from the exit trap's list
  local i
  for i in "${!NL_SERVERS[@]}"; do
    [ "${NL_SERVERS[$i]}" != "$1" ] || NL_SERVERS[i]=""
  done
}

# serve_stop PID SIGNAL: sends SIGNAL, waits up to NL_STOP_TIMEOUT s; sets STOP_RC to the exit
# code (or "timeout" after a SIGKILL) and STOP_SECS to the time it took.
serve_stop() {
  local pid=$1 sig=$2 start=$SECONDS
  nl_forget "$pid"
  STOP_RC=""
  kill -s "$sig" "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + NL_STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      kill -s KILL "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      STOP_RC=timeout
      STOP_SECS=$((SECONDS - start))
      return 0
    fi
    sleep 0.1
  done
  local rc=0
  wait "$pid" || rc=$?
  STOP_RC=$rc
  STOP_SECS=$((SECONDS - start))
}

nl_stop_and_check() {  # nl_stop_and_check PID SIGNAL CHECKNAME
  serve_stop "$1" "$2"
  check "$3" expect_rc 0 "$STOP_RC" "after SIG$2 (took ${STOP_SECS}s)"
}

expect_rc() {  # expect_rc WANT GOT WHAT
  if [ "$1" = "$2" ]; then return 0; fi
  if [ "$2" = timeout ]; then
    echo "did not exit within ${NL_STOP_TIMEOUT}s $3; killed it"
  else
    echo "exit code $2, expected $1 $3"
  fi
  return 1
}

# free_port: a port of 127.0.0.1 free right now (bound and released by Python, else a random high
# one), for a helper server that cannot take port 0 and say which it got (dnsmasq, prometheus)
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
    echo $((20000 + RANDOM % 20000))
}

# ---------------------------------------------------------------------------------------------
# Clients (all bounded; stdin always redirected so nothing reads a terminal)

# tcp_send PORT IN OUT [SECS]: sends file IN, half-closes (-N) and collects everything the
# server sends until it closes, into OUT. Exit status is nc's (124 when it timed out).
tcp_send() {
  local port=$1 in=$2 out=$3 secs=${4:-10}
  timeout "$secs" "$NC" -N 127.0.0.1 "$port" <"$in" >"$out"
}

# roundtrip PORT IN-FILE EXPECTED-FILE [SECS]: tcp_send, then the reply must equal EXPECTED
# byte for byte and nc must have ended on its own (the server closed after our half-close).
roundtrip() {
  local secs=${4:-10} out rc=0
  out=$(mktemp "$T/rt.XXXXXX")
  tcp_send "$1" "$2" "$out" "$secs" || rc=$?
  [ "$rc" -ne 124 ] || echo "nc still running after ${secs}s (server did not close after our half-close?)"
  same_bytes "$3" "$out" || return 1
  [ "$rc" -eq 0 ] || { echo "nc exited with $rc"; return 1; }
}

# roundtrip_text PORT INPUT EXPECTED: like roundtrip with printf-format strings.
roundtrip_text() {
  local in want
  in=$(mktemp "$T/in.XXXXXX"); want=$(mktemp "$T/want.XXXXXX")
  # shellcheck disable=SC2059
  printf "$2" >"$in"
  # shellcheck disable=SC2059
  printf "$3" >"$want"
  roundtrip "$1" "$in" "$want"
}

# udp_send PORT IN OUT [WAIT]: sends file IN as one datagram and writes what comes back within
# WAIT seconds of quiet (default 1) into OUT.
udp_send() {
  local port=$1 in=$2 out=$3 wait=${4:-1}
  timeout $((wait + 5)) "$NC" -u -w "$wait" 127.0.0.1 "$port" <"$in" >"$out" || true
}

# A client that stays connected: client_open NAME PORT starts nc reading from a fifo; write to
# it with client_write NAME DATA (printf format, no args), end it with client_close NAME (closes
# nc's stdin; nc half-closes and exits when the server closes). Its output is in $T/NAME.out.
declare -A NL_CLIENT_PID=() NL_CLIENT_FD=()
nl_close_client_fds() {
  local f
  for f in "${NL_CLIENT_FD[@]}"; do
    [ -z "$f" ] || eval "exec $f>&-"
  done
}
client_open() {
  local name=$1 port=$2 secs=${3:-60} fd
  mkfifo "$T/$name.in"
  # Read-write open does not block waiting for the other end (Linux, BSD).
  exec {fd}<>"$T/$name.in"
  NL_CLIENT_FD[$name]=$fd
  # nc must not hold a write end of its own fifo (or of another client's), or it never sees EOF.
  ( nl_close_client_fds; exec timeout "$secs" "$NC" -N 127.0.0.1 "$port" ) \
    <"$T/$name.in" >"$T/$name.out" 2>"$T/$name.err" &
  NL_CLIENT_PID[$name]=$!
}
client_write() {
  # shellcheck disable=SC2059
  printf "$2" >&"${NL_CLIENT_FD[$1]}"
}
client_close() {  # closes stdin of nc; does not wait
  local fd=${NL_CLIENT_FD[$1]}
  [ -z "$fd" ] || exec {fd}>&-
  NL_CLIENT_FD[$1]=""
}
# client_wait NAME SECS: returns 0 once nc has exited, 1 if it still runs after SECS seconds.
# (The OpenBSD nc exits when both its stdin and the connection are at EOF; a server closing
# alone does not end it while its stdin is open.)
client_wait() {
  local pid=${NL_CLIENT_PID[$1]} deadline=$((SECONDS + $2))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "nc ($1) still running after $2 s"
      return 1
    fi
    sleep 0.05
  done
}
client_kill() {  # ends a client (if still running) and reaps it
  client_close "$1"
  kill "${NL_CLIENT_PID[$1]}" 2>/dev/null || true
  wait "${NL_CLIENT_PID[$1]}" 2>/dev/null || true
}

# wait_for_output FILE EXPECTED SECS: waits until FILE holds at least as many bytes as
# EXPECTED (a file or <(printf ...)), or SECS pass; then compares them.
wait_for_output() {
  local f=$1 want deadline=$((SECONDS + $3)) need
  want=$(mktemp "$T/want.XXXXXX")
  cat "$2" >"$want"   # EXPECTED may be a pipe, <(printf ...), readable only once
  need=$(wc -c <"$want")
  # FILE is made by a client started in the background, which may not have opened it yet
  while [ "$( (wc -c <"$f") 2>/dev/null || echo 0)" -lt "$need" ] && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.05
  done
  same_bytes "$want" "$f"
}

# ---------------------------------------------------------------------------------------------
# Comparing bytes

# same_bytes EXPECTED-FILE ACTUAL-FILE: cmp; on a difference prints sizes, the first differing
# byte and a hex dump of both around it.
same_bytes() {
  local want=$1 got=$2
  if cmp -s "$want" "$got"; then return 0; fi
  local ws gs
  ws=$(wc -c <"$want"); gs=$(wc -c <"$got")
  echo "bytes differ: expected $ws bytes, got $gs bytes"
  local first
  first=$(cmp "$want" "$got" 2>&1 | head -n 1 || true)
  echo "$first"
  local at=0
  if [[ $first =~ byte\ ([0-9]+) ]]; then at=$((BASH_REMATCH[1] - 1)); fi
  if [[ $first =~ EOF\ on\ [^\ ]+\ after\ byte\ ([0-9]+) ]]; then at=${BASH_REMATCH[1]}; fi
  if [[ $first =~ EOF\ on\ [^\ ]+\ which\ is\ empty ]]; then at=0; fi
  local from=$(( at > 32 ? (at - 32) / 16 * 16 : 0 ))
  echo "expected (from offset $from):"
  hex_dump "$want" "$from" 96 | sed 's/^/  /'
  echo "actual (from offset $from):"
  hex_dump "$got" "$from" 96 | sed 's/^/  /'
  return 1
}

hex_dump() {  # hex_dump FILE OFFSET COUNT
  od -A d -t x1z -j "$2" -N "$3" -v "$1" 2>/dev/null || od -A d -t x1 -c -j "$2" -N "$3" "$1"
}

# same_text EXPECTED-STRING ACTUAL-FILE: compares a printf-format string's bytes with a file.
same_text() {
  local want
  want=$(mktemp "$T/want.XXXXXX")
  # shellcheck disable=SC2059
  printf -- "$1" >"$want"
  same_bytes "$want" "$2"
}

is_empty() {  # is_empty FILE
  if [ ! -s "$1" ]; then return 0; fi
  echo "expected no bytes, got $(wc -c <"$1"):"
  hex_dump "$1" 0 96
  return 1
}

contains() {  # contains FILE REGEX
  if grep -Eq -- "$2" "$1"; then return 0; fi
  echo "no line matching /$2/ in $1:"
  head -c 2000 "$1"
  return 1
}

# port_closed PORT: nothing accepts TCP on 127.0.0.1:PORT any more.
port_closed() {
  if timeout 5 "$NC" -z 127.0.0.1 "$1" </dev/null 2>/dev/null; then
    echo "127.0.0.1:$1 still accepts connections"
    return 1
  fi
}

port_open() {
  timeout 5 "$NC" -z 127.0.0.1 "$1" </dev/null 2>/dev/null
}

# ---------------------------------------------------------------------------------------------
# HTTP/1.x over nc (http-raw.sh, http-curl.sh)

# http_raw PORT REQUEST OUT [SECS] [MODE]: writes REQUEST to 127.0.0.1:PORT in one write and
# collects what comes back into OUT. REQUEST goes through printf %b: \r \n \\ are escapes, '%'
# is literal (so percent-encoded paths need no quoting). MODE half-close (default): nc -N
# half-closes after sending and ends when the server closes; MODE keep: our side stays open,
# so nc ends only when the server closes (tests that the server closes by itself). At most
# SECS seconds (default 10). Exit status is nc's, 124 when it timed out.
http_raw() {
  local port=$1 req=$2 out=$3 secs=${4:-10} mode=${5:-half-close} in
  in=$(mktemp "$T/req.XXXXXX")
  printf '%b' "$req" >"$in"
  if [ "$mode" = keep ]; then
    timeout "$secs" "$NC" 127.0.0.1 "$port" <"$in" >"$out" 2>/dev/null
  else
    timeout "$secs" "$NC" -N 127.0.0.1 "$port" <"$in" >"$out" 2>/dev/null
  fi
}

# http_split FILE PREFIX [METHOD...]: splits the HTTP/1.x responses read from one connection
# (text bodies only: no NUL bytes) into PREFIX.N.head (status line and fields, each line ending
# in CRLF, without the empty line) and PREFIX.N.body, N = 1, 2, ...; prints the count. The Nth
# METHOD (default GET) tells a HEAD response, which has no body. Bodies are framed by
# Content-Length, by chunked coding (decoded), or by the end of FILE; 1xx, 204 and 304 have none.
http_split() {
  local LC_ALL=C f=$1 prefix=$2; shift 2
  local data rest n=0 head body method code cl te size line
  data=$(cat "$f"; printf x); rest=${data%x}
  while [ -n "$rest" ]; do
    n=$((n + 1))
    method=${1:-GET}; [ $# -eq 0 ] || shift
    if [[ $rest != *$'\r\n\r\n'* ]]; then  # truncated: no end of header section
      printf '%s' "$rest" >"$prefix.$n.head"; : >"$prefix.$n.body"; break
    fi
    head=${rest%%$'\r\n\r\n'*}
    rest=${rest#*$'\r\n\r\n'}
    printf '%s\r\n' "$head" >"$prefix.$n.head"
    code=$(http_code "$prefix.$n.head")
    cl=$(http_header "$prefix.$n.head" Content-Length | head -n 1)
    te=$(http_header "$prefix.$n.head" Transfer-Encoding | tr '[:upper:]' '[:lower:]')
    body=""
    if [ "$method" = HEAD ] || [[ $code == 1* || $code == 204 || $code == 304 ]]; then
      :
    elif [[ $te == *chunked* ]]; then
      while [[ $rest == *$'\r\n'* ]]; do
        line=${rest%%$'\r\n'*}; rest=${rest#*$'\r\n'}
        size=$((16#${line%%;*}))
        if [ "$size" -eq 0 ]; then  # trailer section up to the empty line
          while [[ $rest == *$'\r\n'* ]]; do
            line=${rest%%$'\r\n'*}; rest=${rest#*$'\r\n'}
            [ -n "$line" ] || break
          done
          break
        fi
        body+=${rest:0:size}; rest=${rest:size}; rest=${rest#$'\r\n'}
      done
    elif [[ $cl =~ ^[0-9]+$ ]]; then
      body=${rest:0:cl}; rest=${rest:cl}
    else
      body=$rest; rest=""
    fi
    printf '%s' "$body" >"$prefix.$n.body"
  done
  echo "$n"
}

# http_header HEADFILE NAME: the values of field NAME (case-insensitive), one a line, with the
# surrounding whitespace and the CR removed. Empty output when absent.
http_header() {
  awk -v want="$(tr '[:upper:]' '[:lower:]' <<<"$2")" '
    NR > 1 { sub(/\r$/, ""); i = index($0, ":"); if (i == 0) next
             name = tolower(substr($0, 1, i - 1)); if (name != want) next
             v = substr($0, i + 1); sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v); print v }' "$1"
}

# http_code FILE: the status code of the first response in FILE (empty when there is none).
http_code() {
  head -n 1 "$1" | sed -nE 's/^HTTP\/[0-9.]+ ([0-9]{3})( .*)?\r?$/\1/p'
}

# http_show REQUEST FILE: explains a failed check: the request (as sent, escapes visible, long
# runs shortened) and the start of the response.
http_show() {
  local req=$1
  [ "${#req}" -le 400 ] || req="${req:0:300}...(${#req} chars)...${req: -60}"
  printf 'request : %s\n' "$req"
  if [ -s "$2" ]; then
    printf 'response (%s bytes):\n' "$(wc -c <"$2")"
    head -c 700 "$2" | tr -d '\r' | sed 's/^/  | /'
    echo
  else
    echo "response: (no bytes)"
  fi
}

# http_expect PORT REQUEST CODES [SECS] [MODE]: sends REQUEST (as http_raw) and passes when the
# first response's status code matches the extended regex ^(CODES)$ (e.g. '400|404').
http_expect() {
  local out code rc=0
  out=$(mktemp "$T/resp.XXXXXX")
  http_raw "$1" "$2" "$out" "${4:-10}" "${5:-half-close}" || rc=$?
  code=$(http_code "$out")
  if [[ $code =~ ^($3)$ ]]; then return 0; fi
  echo "expected status $3, got ${code:-none}$([ "$rc" -ne 124 ] || echo ' (nc timed out)')"
  http_show "$2" "$out"
  return 1
}

# ---------------------------------------------------------------------------------------------
# curl helpers (http-curl.sh, rest-curl.sh): each transfer is kept under $T by NAME.

CURL=(timeout 30 curl -sS --max-time 20 --globoff --path-as-is)

# get NAME URL [CURL-ARG...]: one transfer. NAME.head: the response header section(s) (-D),
# NAME.body, NAME.code: %{http_code}, NAME.err: curl's complaints, NAME.req: what was run.
get() {
  local name=$1 url=$2; shift 2
  local rc=0
  printf 'curl %s %s\n' "$*" "$url" >"$T/$name.req"
  "${CURL[@]}" -D "$T/$name.head" -o "$T/$name.body" -w '%{http_code}' "$@" "$url" \
    >"$T/$name.code" 2>"$T/$name.err" || rc=$?
  [ "$rc" -eq 0 ] || echo "curl exited with $rc" >>"$T/$name.err"
  touch "$T/$name.head" "$T/$name.body"
}

show() {  # show NAME: the request and the response, to explain a failure
  printf 'request : %s' "$(cat "$T/$1.req")"
  echo
  echo "response headers:"; tr -d '\r' <"$T/$1.head" | sed 's/^/  | /'
  if [ -s "$T/$1.body" ]; then
    printf 'body (%s bytes): ' "$(wc -c <"$T/$1.body")"
    head -c 600 "$T/$1.body" | tr -c '[:print:]\n' '.' | head -n 12
    echo
  fi
  [ ! -s "$T/$1.err" ] || { echo "curl:"; sed 's/^/  /' "$T/$1.err"; }
}

code_is() {  # code_is NAME CODES: the status code matches ^(CODES)$
  local got
  got=$(cat "$T/$1.code")
  if [[ $got =~ ^($2)$ ]]; then return 0; fi
  echo "expected status $2, got $got"
  show "$1"
  return 1
}

re_quote() { sed 's/[][\\/.^$*+?(){}|]/\\&/g' <<<"$1"; }  # a string as a literal regex

hdr() { http_header "$T/$1.head" "$2" | tail -n 1; }  # of the last response in NAME.head

hdr_is() {  # hdr_is NAME FIELD REGEX: the field is present and its value matches ^(REGEX)$
  local v
  v=$(hdr "$1" "$2")
  if [ -n "$(http_header "$T/$1.head" "$2")" ] && [[ $v =~ ^($3)$ ]]; then return 0; fi
  echo "expected $2 matching /^($3)\$/, got: ${v:-(absent)}"
  show "$1"
  return 1
}

hdr_absent() {  # hdr_absent NAME FIELD
  [ -z "$(http_header "$T/$1.head" "$2")" ] && return 0
  echo "expected no $2 field, got: $(hdr "$1" "$2")"
  show "$1"
  return 1
}

body_empty() { is_empty "$T/$1.body" || { show "$1"; return 1; }; }
