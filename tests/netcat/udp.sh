#!/usr/bin/env bash
# The UDP services against `nc -u`: udp-echo sends each datagram back unchanged, udp-upper
# upper-cased; over max-datagram udp-upper answers with an error, udp-echo drops it silently.
# One nc per datagram: nc sends its stdin (one read, one datagram) and prints what comes back
# until the socket has been quiet for -w seconds.
# PORT_<svc>, HOST_<svc>, PROTO_<svc> are set by serve_start:
# shellcheck disable=SC2154
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

serve_start udp-echo udp-upper udp-echo.port=0 udp-upper.port=0
echo_port=$PORT_udp_echo
upper_port=$PORT_udp_upper
check "listening lines name 127.0.0.1 and udp" \
  test "$HOST_udp_echo:$PROTO_udp_echo $HOST_udp_upper:$PROTO_udp_upper" = "127.0.0.1:udp 127.0.0.1:udp"

# udp_roundtrip PORT IN EXPECTED: one datagram in, the reply must equal EXPECTED.
udp_roundtrip() {
  local out
  out=$(mktemp "$T/udp.XXXXXX")
  udp_send "$1" "$2" "$out"
  same_bytes "$3" "$out"
}
udp_text() {  # udp_text PORT INPUT EXPECTED (printf formats)
  local in want
  in=$(mktemp "$T/in.XXXXXX"); want=$(mktemp "$T/want.XXXXXX")
  # shellcheck disable=SC2059
  printf "$2" >"$in"
  # shellcheck disable=SC2059
  printf "$3" >"$want"
  udp_roundtrip "$1" "$in" "$want"
}

check "udp-echo: a text datagram comes back unchanged" \
  udp_text "$echo_port" 'hello over udp\n' 'hello over udp\n'
check "udp-echo: a datagram without newline comes back unchanged" \
  udp_text "$echo_port" 'no newline' 'no newline'
head -c 1000 /dev/urandom >"$T/bin1000"
printf '\0\0\377\0' >>"$T/bin1000"
check "udp-echo: 1004 random bytes (with NULs) come back identical" \
  udp_roundtrip "$echo_port" "$T/bin1000" "$T/bin1000"
# nc reads stdin in 16 KiB pieces, so one datagram of 8 KiB is as big as nc reliably sends.
head -c 8000 /dev/urandom >"$T/bin8000"
check "udp-echo: an 8000-byte datagram comes back identical" \
  udp_roundtrip "$echo_port" "$T/bin8000" "$T/bin8000"

check "udp-upper: a datagram comes back upper-cased" \
  udp_text "$upper_port" 'hello over udp\n' 'HELLO OVER UDP\n'
check "udp-upper: UTF-8 (straße -> STRASSE, κόσμε -> ΚΌΣΜΕ)" \
  udp_text "$upper_port" 'straße κόσμε\r\n' 'STRASSE ΚΌΣΜΕ\r\n'

# Datagrams from different clients are answered to their own sender.
parallel_udp() {
  local i pids=() rc=0
  for i in 1 2 3 4 5 6; do
    printf 'client %s says hi\n' "$i" >"$T/p$i.in"
    udp_send "$upper_port" "$T/p$i.in" "$T/p$i.out" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || true; done
  for i in 1 2 3 4 5 6; do
    same_text "CLIENT $i SAYS HI\n" "$T/p$i.out" || { echo "(client $i)"; rc=1; }
  done
  return "$rc"
}
check "udp-upper: 6 clients at once each get their own reply" parallel_udp

# --- max-datagram
serve_start udp-echo udp-upper udp-echo.port=0 udp-upper.port=0 \
  udp-echo.max-datagram=100 udp-upper.max-datagram=100
echo_port=$PORT_udp_echo
upper_port=$PORT_udp_upper
head -c 100 /dev/zero | tr '\0' 'a' >"$T/d100"
head -c 100 /dev/zero | tr '\0' 'A' >"$T/d100.upper"
head -c 101 /dev/zero | tr '\0' 'a' >"$T/d101"

check "udp-upper.max-datagram=100: 100 bytes are served" \
  udp_roundtrip "$upper_port" "$T/d100" "$T/d100.upper"
printf 'ERR datagram too large (max 100 bytes)' >"$T/too-large.want"
check "udp-upper.max-datagram=100: 101 bytes get 'ERR datagram too large (max 100 bytes)'" \
  udp_roundtrip "$upper_port" "$T/d101" "$T/too-large.want"
check "udp-upper: still serving after the error" \
  udp_text "$upper_port" 'after\n' 'AFTER\n'

check "udp-echo.max-datagram=100: 100 bytes are echoed" \
  udp_roundtrip "$echo_port" "$T/d100" "$T/d100"
check "udp-echo.max-datagram=100: 101 bytes are dropped silently" \
  udp_roundtrip "$echo_port" "$T/d101" /dev/null
check "udp-echo: still serving after the drop" \
  udp_text "$echo_port" 'after\n' 'after\n'

finish
