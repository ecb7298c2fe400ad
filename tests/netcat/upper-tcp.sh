#!/usr/bin/env bash
# The line-based TCP upper service against the OpenBSD nc: UTF-8, CRLF and LF kept as sent,
# a last line without terminator, the max-line limit (in bytes) and max-connections.
# PORT_<svc>, HOST_<svc>, PROTO_<svc> are set by serve_start:
# shellcheck disable=SC2154
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

serve_start upper upper.port=0
port=$PORT_upper
check "listening line names 127.0.0.1 and tcp" test "$HOST_upper:$PROTO_upper" = "127.0.0.1:tcp"

check "several LF lines come back upper-cased" \
  roundtrip_text "$port" 'hello\nnetloom world\nabc 123 xyz!\n' 'HELLO\nNETLOOM WORLD\nABC 123 XYZ!\n'
check "UTF-8 lines: straße -> STRASSE, accents and Greek" \
  roundtrip_text "$port" 'straße\nçà et là\nκόσμε\n' 'STRASSE\nÇÀ ET LÀ\nΚΌΣΜΕ\n'
check "CRLF lines keep their CRLF" \
  roundtrip_text "$port" 'abc\r\ndef\r\n' 'ABC\r\nDEF\r\n'
check "mixed LF/CRLF lines keep their own terminator; last line without one stays without" \
  roundtrip_text "$port" 'one\r\ntwo\nthree\r\nfour' 'ONE\r\nTWO\nTHREE\r\nFOUR'
check "a lone line without terminator at EOF comes back without one" \
  roundtrip_text "$port" 'tail' 'TAIL'
check "empty lines stay empty" \
  roundtrip_text "$port" 'a\n\n\r\nb\n' 'A\n\n\r\nB\n'

seq -f 'line number %g of many' 1 20000 >"$T/many.in"
tr '[:lower:]' '[:upper:]' <"$T/many.in" >"$T/many.want"
check "20000 pipelined lines all come back, in order" roundtrip "$port" "$T/many.in" "$T/many.want" 30

# --- max-line (default 8192 bytes, terminator excluded)
repeat() { head -c "$2" /dev/zero | tr '\0' "$1"; }   # repeat CHAR COUNT (ASCII)
repeat_utf8() { local i; for ((i = 0; i < $2; i++)); do printf '%s' "$1"; done; }
err8192='ERR line too long (max 8192 bytes)\n'

{ repeat x 8192; printf '\n'; } >"$T/l8192.in"
{ repeat X 8192; printf '\n'; } >"$T/l8192.want"
check "a line of exactly 8192 bytes is served" roundtrip "$port" "$T/l8192.in" "$T/l8192.want"

{ repeat x 8192; printf '\r\n'; } >"$T/l8192crlf.in"
{ repeat X 8192; printf '\r\n'; } >"$T/l8192crlf.want"
check "8192 bytes + CRLF is served (the terminator does not count)" \
  roundtrip "$port" "$T/l8192crlf.in" "$T/l8192crlf.want"

{ repeat x 8193; printf '\nstill works\n'; } >"$T/l8193.in"
printf "${err8192}STILL WORKS\n" >"$T/l8193.want"
check "a line of 8193 bytes gets the error line, the next line is still served" \
  roundtrip "$port" "$T/l8193.in" "$T/l8193.want"

# The limit counts bytes, not characters: é is 2 bytes in UTF-8.
{ repeat_utf8 'é' 4096; printf '\n'; } >"$T/e4096.in"
{ repeat_utf8 'É' 4096; printf '\n'; } >"$T/e4096.want"
check "4096 x 'é' (8192 bytes) is served" roundtrip "$port" "$T/e4096.in" "$T/e4096.want"
{ repeat_utf8 'é' 4097; printf '\nok\n'; } >"$T/e4097.in"
printf "${err8192}OK\n" >"$T/e4097.want"
check "4097 x 'é' (8194 bytes, 4097 chars) is too long: the limit is in bytes" \
  roundtrip "$port" "$T/e4097.in" "$T/e4097.want"

{ printf 'before\n'; repeat y 1048576; printf '\nafter\r\n'; } >"$T/huge.in"
printf "BEFORE\n${err8192}AFTER\r\n" >"$T/huge.want"
check "a 1 MiB line gets one error line; lines before and after are served" \
  roundtrip "$port" "$T/huge.in" "$T/huge.want" 30

# --- max-connections=1 (and a small max-line, to see N in the message follow the config)
serve_start upper upper.port=0 upper.max-connections=1 upper.max-line=16
port=$PORT_upper
check "upper.max-line=16: 16 bytes pass, 17 get the error naming 16" \
  roundtrip_text "$port" '0123456789abcdef\n0123456789abcdefg\nok\n' \
  '0123456789ABCDEF\nERR line too long (max 16 bytes)\nOK\n'

client_open first "$port"
client_write first 'first\n'
check "first client is served" wait_for_output "$T/first.out" <(printf 'FIRST\n') 5

busy='ERR server busy: too many connections (max 1)\n'
# The second client sends nothing first: a refused client may not have its data read, and a
# close with unread data may reset the connection before nc reads the busy line.
client_open second "$port"
check "second client gets the busy line" wait_for_output "$T/second.out" <(printf "$busy") 5
sleep 0.5
client_write second 'second\n'
client_close second
second_closed() {
  client_wait second 3 || { echo "(the server did not close the refused client)"; return 1; }
  same_text "$busy" "$T/second.out"
}
check "second client is closed after the busy line, and nothing else is sent" second_closed
client_kill second

client_write first 'again\n'
check "first client still served" wait_for_output "$T/first.out" <(printf 'FIRST\nAGAIN\n') 5
client_close first
check "first client ends cleanly after its half-close" client_wait first 5
client_kill first

slot_released() {
  local i
  for i in $(seq 1 20); do
    if roundtrip_text "$port" 'third\n' 'THIRD\n' >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  roundtrip_text "$port" 'third\n' 'THIRD\n'
}
check "after the first client leaves, a new client is served" slot_released

finish
