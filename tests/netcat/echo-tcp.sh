#!/usr/bin/env bash
# The TCP echo service (RFC 862) against the OpenBSD nc: text, 1 MiB of random binary with NUL
# bytes, several clients at once, the connection limit and the idle timeout.
# PORT_<svc>, HOST_<svc>, PROTO_<svc> are set by serve_start:
# shellcheck disable=SC2154
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

serve_start echo echo.port=0
port=$PORT_echo
check "listening line names 127.0.0.1 and tcp" test "$HOST_echo:$PROTO_echo" = "127.0.0.1:tcp"

check "text comes back unchanged" \
  roundtrip_text "$port" 'hello, netloom\nsecond line\n' 'hello, netloom\nsecond line\n'
check "no input: server closes after our half-close, no bytes" \
  roundtrip "$port" /dev/null /dev/null

# 1 MiB of random bytes; random data holds ~4k NULs already, a few explicit ones make sure.
head -c 1048576 /dev/urandom >"$T/random.bin"
printf '\0\0\0\377\0' >>"$T/random.bin"
check "1 MiB of random binary (with NULs) comes back identical" \
  roundtrip "$port" "$T/random.bin" "$T/random.bin" 60

# Every byte value once, in order (catches any charset or line-ending translation).
for i in $(seq 0 255); do printf '%b' "\\$(printf '%03o' "$i")"; done >"$T/all-bytes.bin"
check "all 256 byte values come back in order" roundtrip "$port" "$T/all-bytes.bin" "$T/all-bytes.bin"

# Several clients at once, each with its own data.
concurrent() {
  local i pids=() rc=0
  for i in 1 2 3 4 5 6 7 8; do
    head -c 262144 /dev/urandom >"$T/c$i.in"
    tcp_send "$port" "$T/c$i.in" "$T/c$i.out" 60 &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || { echo "client $((i + 1)): nc exited $?"; rc=1; }; done
  for i in 1 2 3 4 5 6 7 8; do same_bytes "$T/c$i.in" "$T/c$i.out" || { echo "(client $i)"; rc=1; }; done
  return "$rc"
}
check "8 concurrent clients with 256 KiB each get their own bytes back" concurrent

# --- max-connections=1: the second client is accepted and closed at once, without bytes.
serve_start echo echo.port=0 echo.max-connections=1
port=$PORT_echo
client_open first "$port"
client_write first 'first\n'
check "first client is served" wait_for_output "$T/first.out" <(printf 'first\n') 5

# A refused client sees EOF at once; nc itself only exits once its stdin ends too, so: give
# the server a moment, send a line, end stdin, and nc must be gone promptly with nothing
# received. Served anyway -> the line comes back; left in the backlog -> nc hangs.
client_open second "$port"
sleep 1
client_write second 'second\n'
sleep 0.3
client_close second
second_refused() {
  client_wait second 3 || { echo "(left hanging: not accepted and closed by the server?)"; return 1; }
  is_empty "$T/second.out"
}
check "over max-connections: second client is closed at once, without bytes" second_refused
client_kill second

client_write first 'still here\n'
check "first client still served after the second was refused" \
  wait_for_output "$T/first.out" <(printf 'first\nstill here\n') 5
client_close first
check "first client ends cleanly after its half-close" client_wait first 5
client_kill first

# The slot is released once the first client is gone (allow the server a moment to notice).
slot_released() {
  local i
  for i in $(seq 1 20); do
    if roundtrip_text "$port" 'third\n' 'third\n' >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  roundtrip_text "$port" 'third\n' 'third\n'
}
check "after the first client leaves, a new client is served" slot_released
serve_stop "$SERVER_PID" TERM
check "server with max-connections=1 exits 0 on SIGTERM" expect_rc 0 "$STOP_RC" "after SIGTERM"

# --- idle-timeout: an idle client is closed by the server. Observable with nc: a line sent
# after the idle period is not echoed any more.
serve_start echo echo.port=0 echo.idle-timeout=500ms
port=$PORT_echo
client_open idle "$port"
client_write idle 'ping\n'
check "idle-timeout=500ms: a client is served before it goes idle" \
  wait_for_output "$T/idle.out" <(printf 'ping\n') 5
sleep 2
client_write idle 'late\n'
sleep 0.5
client_close idle
idle_closed() {
  client_wait idle 5 || return 1
  same_text 'ping\n' "$T/idle.out" || { echo "(a line sent after 2 s idle was still echoed)"; return 1; }
}
check "idle-timeout=500ms: the server closed the idle connection" idle_closed
client_kill idle

finish
