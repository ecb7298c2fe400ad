#!/usr/bin/env bash
# The ping service against `nc -u`: `PING <seq> <payload>` comes back as `PONG <seq> <payload>`
# byte for byte, anything else as `ERR expected: PING <seq> [payload]`, and with ping.loss=1
# nothing comes back. Then bin/netloom's udpping against the same service, as a script runs it:
# its lines and exit codes. One nc per datagram, as in udp.sh.
# PORT_<svc> is set by serve_start:
# shellcheck disable=SC2154
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

serve_start ping ping.port=0
port=$PORT_ping
check "listening line names 127.0.0.1 and udp" test "$HOST_ping:$PROTO_ping" = "127.0.0.1:udp"

udp_text() {  # udp_text PORT INPUT EXPECTED (printf formats): one datagram in, the reply must equal EXPECTED
  local in want out
  in=$(mktemp "$T/in.XXXXXX"); want=$(mktemp "$T/want.XXXXXX"); out=$(mktemp "$T/out.XXXXXX")
  # shellcheck disable=SC2059
  printf "$2" >"$in"
  # shellcheck disable=SC2059
  printf "$3" >"$want"
  udp_send "$1" "$in" "$out"
  same_bytes "$want" "$out"
}

check "PING 1 hello comes back as PONG 1 hello" udp_text "$port" 'PING 1 hello' 'PONG 1 hello'
check "nc's newline comes back too" udp_text "$port" 'PING 2 hi there\n' 'PONG 2 hi there\n'
check "PING without a payload" udp_text "$port" 'PING 3' 'PONG 3'
printf 'PING 4 ' >"$T/bin.in"
head -c 1000 /dev/urandom >>"$T/bin.in"
{ printf 'PONG 4 '; tail -c 1000 "$T/bin.in"; } >"$T/bin.want"
binary_pong() {
  udp_send "$port" "$T/bin.in" "$T/bin.out"
  same_bytes "$T/bin.want" "$T/bin.out"
}
check "a 1000-byte binary payload comes back byte for byte" binary_pong
check "junk gets the ERR line" udp_text "$port" 'hello\n' 'ERR expected: PING <seq> [payload]'
check "PING with no sequence number gets the ERR line" udp_text "$port" 'PING x\n' 'ERR expected: PING <seq> [payload]'

# udpping_run NAME ARG...: runs bin/netloom udpping ARG..., keeps its output in $T/NAME.out and its
# exit code in $T/NAME.rc
udpping_run() {
  local name=$1 rc=0; shift
  timeout 60 "$NETLOOM_BIN" udpping "$@" </dev/null >"$T/$name.out" 2>&1 || rc=$?
  echo "$rc" >"$T/$name.rc"
}
udpping_ok() {
  [ "$(cat "$T/ok.rc")" = 0 ] || { echo "exit code $(cat "$T/ok.rc"), expected 0"; cat "$T/ok.out"; return 1; }
  [ "$(grep -cE "^56 bytes from 127\.0\.0\.1:$port: seq=[0-9]+ time=[0-9.]+ ms$" "$T/ok.out")" = 5 ] \
    || { echo "expected 5 reply lines"; cat "$T/ok.out"; return 1; }
  contains "$T/ok.out" '^5 packets transmitted, 5 received, 0% packet loss, time [0-9]+ms$' &&
    contains "$T/ok.out" '^rtt min/avg/max/mdev = [0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3} ms$'
}
udpping_run ok "127.0.0.1:$port" -c 5 -i 0.01
check "netloom udpping -c 5: five replies, ping's summary, exit 0" udpping_ok
udpping_run usage 127.0.0.1 -c 0
check "netloom udpping -c 0: exit 2" expect_rc 2 "$(cat "$T/usage.rc")" "for -c 0"

# --- loss=1: nothing comes back
serve_start ping ping.port=0 ping.loss=1
lossy=$PORT_ping
check "ping.loss=1: PING gets no answer" udp_text "$lossy" 'PING 1 hello' ''
check "ping.loss=1: junk gets no answer either" udp_text "$lossy" 'junk' ''
udpping_run lost "127.0.0.1:$lossy" -c 3 -i 0.01 -W 0.2
udpping_lost() {
  [ "$(cat "$T/lost.rc")" = 1 ] || { echo "exit code $(cat "$T/lost.rc"), expected 1"; cat "$T/lost.out"; return 1; }
  [ "$(grep -c '^Request timeout for seq [123]$' "$T/lost.out")" = 3 ] || { cat "$T/lost.out"; return 1; }
  contains "$T/lost.out" '^3 packets transmitted, 0 received, 100% packet loss, time [0-9]+ms$'
}
check "netloom udpping against ping.loss=1: three timeouts, 100% loss, exit 1" udpping_lost

finish
