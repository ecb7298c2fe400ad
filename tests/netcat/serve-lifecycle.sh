#!/usr/bin/env bash
# `netloom serve` as a headless program: listening lines on stdout, bad keys and values
# rejected with exit 2 naming the key, --config and command-line overrides, logs under
# $NETLOOM_HOME/logs, and SIGTERM / SIGINT ending it gracefully with exit 0.
# PORT_<svc>, HOST_<svc>, PROTO_<svc> are set by serve_start:
# shellcheck disable=SC2154
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# serve_once ARG...: runs `netloom serve ARG...` to its end (at most 20 s); sets RUN_RC and
# leaves stdout/stderr in $T/run.out, $T/run.err.
serve_once() {
  RUN_RC=0
  timeout 20 "$NETLOOM_BIN" serve "$@" </dev/null >"$T/run.out" 2>"$T/run.err" || RUN_RC=$?
}

# rejected KEY ARG...: serve must exit 2, name KEY on stderr and print no listening line.
rejected() {
  local key=$1 bad=0; shift
  serve_once "$@"
  if [ "$RUN_RC" = 124 ]; then
    echo "still running after 20 s: the bad setting was accepted"; bad=1
  elif [ "$RUN_RC" != 2 ]; then
    echo "exit code $RUN_RC, expected 2"; bad=1
  fi
  grep -qF -- "$key" "$T/run.err" || { echo "stderr does not name $key"; bad=1; }
  if grep -q 'listening on' "$T/run.out"; then echo "printed a listening line"; bad=1; fi
  if [ "$bad" -ne 0 ]; then
    echo "stdout: $(head -c 1000 "$T/run.out")"
    echo "stderr: $(head -c 2000 "$T/run.err")"
  fi
  return "$bad"
}

# --- bad settings
check "bad value echo.port=abc: exit 2, stderr names echo.port" \
  rejected echo.port echo echo.port=abc
check "unknown key echo.nope=1: exit 2, stderr names echo.nope" \
  rejected echo.nope echo echo.port=0 echo.nope=1
check "out-of-range echo.port=70000: exit 2, stderr names echo.port" \
  rejected echo.port echo echo.port=70000
check "bad duration echo.idle-timeout=soon: exit 2, stderr names echo.idle-timeout" \
  rejected echo.idle-timeout echo echo.port=0 echo.idle-timeout=soon
check "bad value upper.max-line=-1: exit 2, stderr names upper.max-line" \
  rejected upper.max-line upper upper.port=0 upper.max-line=-1
printf '# a config file with a typo\nupper.port=0\nupper.max-lines=10\n' >"$T/bad.properties"
check "unknown key in --config file: exit 2, stderr names upper.max-lines" \
  rejected upper.max-lines upper --config "$T/bad.properties"

unknown_service() {
  serve_once no-such-service
  if [ "$RUN_RC" = 0 ] || [ "$RUN_RC" = 124 ]; then
    echo "exit code $RUN_RC, expected non-zero"
    echo "stderr: $(head -c 2000 "$T/run.err")"
    return 1
  fi
  grep -qF no-such-service "$T/run.err" || { echo "stderr does not name it: $(head -c 2000 "$T/run.err")"; return 1; }
}
check "unknown service: exits non-zero, stderr names it" unknown_service

# --- four services in one process (and the admin listener serve starts beside them, on a free port)
serve_start echo upper udp-echo udp-upper echo.port=0 upper.port=0 udp-echo.port=0 udp-upper.port=0 admin.port=0
all_pid=$SERVER_PID
all_out=$SERVER_OUT
protocols() {
  local got="$PROTO_echo $PROTO_upper $PROTO_udp_echo $PROTO_udp_upper"
  [ "$got" = "tcp tcp udp udp" ] || { echo "protocols: $got, expected: tcp tcp udp udp"; return 1; }
}
check "serve echo upper udp-echo udp-upper: four listening lines, tcp tcp udp udp" protocols
only_listening_lines() {
  local extra
  extra=$(grep -Ev '^(echo|upper|udp-echo|udp-upper|admin) listening on 127\.0\.0\.1:[0-9]+ \((tcp|udp)\)$' "$1" || true)
  [ -z "$extra" ] || { echo "other output on stdout:"; printf '%s\n' "$extra"; return 1; }
  [ "$(wc -l <"$1")" -eq "$2" ] || { echo "expected $2 lines on stdout, got:"; cat "$1"; return 1; }
}
# serve_start waits for the named services' lines; admin's is printed right after them
for _ in $(seq 50); do grep -q '^admin listening on ' "$all_out" && break; sleep 0.1; done
check "stdout holds exactly the listening lines: the four and admin's" only_listening_lines "$all_out" 5
admin_last() {
  tail -n 1 "$1" | grep -Eq '^admin listening on 127\.0\.0\.1:[0-9]+ \(tcp\)$' || { echo "last line: $(tail -n 1 "$1")"; return 1; }
}
check "the admin listener's line comes last" admin_last "$all_out"
check "all four answer: echo" roundtrip_text "$PORT_echo" 'e\n' 'e\n'
check "all four answer: upper" roundtrip_text "$PORT_upper" 'u\n' 'U\n'
udp_answers() {
  printf 'x' >"$T/x.in"
  udp_send "$1" "$T/x.in" "$T/x.out"
  same_text "$2" "$T/x.out"
}
check "all four answer: udp-echo" udp_answers "$PORT_udp_echo" 'x'
check "all four answer: udp-upper" udp_answers "$PORT_udp_upper" 'X'

tcp_ports="$PORT_echo $PORT_upper"
serve_stop "$all_pid" TERM
check "SIGTERM: exits 0 (four services)" expect_rc 0 "$STOP_RC" "after SIGTERM (took ${STOP_SECS}s)"
check "after SIGTERM: stdout still holds only the listening lines" only_listening_lines "$all_out" 5
ports_released() { local p; for p in $tcp_ports; do port_closed "$p" || return 1; done; }
check "after SIGTERM: the TCP ports are released" ports_released
logs_written() {
  if [ -d "$NETLOOM_HOME/logs" ] && [ -n "$(ls -A "$NETLOOM_HOME/logs")" ]; then return 0; fi
  echo "nothing under \$NETLOOM_HOME/logs ($NETLOOM_HOME/logs):"
  ls -la "$NETLOOM_HOME" "$NETLOOM_HOME/logs" 2>&1 || true
  return 1
}
check "logs are written under \$NETLOOM_HOME/logs" logs_written

# --- SIGINT
serve_start echo echo.port=0
int_port=$PORT_echo
serve_stop "$SERVER_PID" INT
check "SIGINT: exits 0" expect_rc 0 "$STOP_RC" "after SIGINT (took ${STOP_SECS}s)"
check "after SIGINT: the port is released" port_closed "$int_port"

# --- SIGTERM with a client connected: within the grace period it is closed, exit is still 0.
serve_start echo echo.port=0 echo.grace=500ms
port=$PORT_echo
client_open busy "$port"
client_write busy 'before\n'
check "a client is connected before SIGTERM" wait_for_output "$T/busy.out" <(printf 'before\n') 5
serve_stop "$SERVER_PID" TERM
check "SIGTERM with a client connected (grace=500ms): exits 0" \
  expect_rc 0 "$STOP_RC" "after SIGTERM (took ${STOP_SECS}s)"
stop_in_time() { [ "$STOP_SECS" -le 10 ] || { echo "took ${STOP_SECS}s with grace=500ms"; return 1; }; }
check "SIGTERM with a client connected (grace=500ms): done within 10 s" stop_in_time
client_write busy 'after\n' 2>/dev/null || true
client_close busy
client_gone() {
  client_wait busy 5 || return 1
  same_text 'before\n' "$T/busy.out"
}
check "the connected client was closed by the shutdown" client_gone
client_kill busy

# --- --config FILE and command-line overrides
printf '# test config\nupper.port=0\nupper.max-line=4\n' >"$T/upper.properties"
serve_start upper --config "$T/upper.properties"
check "--config FILE: upper.max-line=4 from the file applies" \
  roundtrip_text "$PORT_upper" 'abcd\nabcde\n' 'ABCD\nERR line too long (max 4 bytes)\n'
serve_stop "$SERVER_PID" TERM
check "--config server exits 0 on SIGTERM" expect_rc 0 "$STOP_RC" "after SIGTERM"

serve_start upper --config "$T/upper.properties" upper.max-line=10
check "a command-line key overrides the --config file (upper.max-line=10)" \
  roundtrip_text "$PORT_upper" 'abcde\n' 'ABCDE\n'
serve_stop "$SERVER_PID" TERM
check "override server exits 0 on SIGTERM" expect_rc 0 "$STOP_RC" "after SIGTERM"

# $NETLOOM_HOME/netloom.properties is the default config (that is why every script here points
# NETLOOM_HOME at a temp dir).
mkdir -p "$T/home2"
printf 'upper.max-line=5\n' >"$T/home2/netloom.properties"
NETLOOM_HOME="$T/home2" serve_start upper upper.port=0
check "\$NETLOOM_HOME/netloom.properties is read (upper.max-line=5)" \
  roundtrip_text "$PORT_upper" 'abcdef\n' 'ERR line too long (max 5 bytes)\n'
serve_stop "$SERVER_PID" TERM
check "that server exits 0 on SIGTERM" expect_rc 0 "$STOP_RC" "after SIGTERM"

# netloom.local.properties beside it is read after it and wins; a command-line key wins over both.
printf 'upper.max-line=3\n' >"$T/home2/netloom.local.properties"
NETLOOM_HOME="$T/home2" serve_start upper upper.port=0
check "\$NETLOOM_HOME/netloom.local.properties wins over netloom.properties (upper.max-line=3)" \
  roundtrip_text "$PORT_upper" 'abcd\n' 'ERR line too long (max 3 bytes)\n'
serve_stop "$SERVER_PID" TERM
NETLOOM_HOME="$T/home2" serve_start upper upper.port=0 upper.max-line=4
check "a command-line key wins over netloom.local.properties (upper.max-line=4)" \
  roundtrip_text "$PORT_upper" 'abcd\n' 'ABCD\n'
serve_stop "$SERVER_PID" TERM
check "that server exits 0 on SIGTERM too" expect_rc 0 "$STOP_RC" "after SIGTERM"

# --- defaults: echo on 127.0.0.1:7007 (only when that port is free here)
if port_open 7007; then
  skip "serve echo without settings listens on 127.0.0.1:7007" "something already listens on 7007"
else
  serve_start echo
  check "serve echo without settings listens on 127.0.0.1:7007" \
    test "$HOST_echo:$PORT_echo ($PROTO_echo)" = "127.0.0.1:7007 (tcp)"
  serve_stop "$SERVER_PID" TERM
  check "default echo exits 0 on SIGTERM" expect_rc 0 "$STOP_RC" "after SIGTERM"
fi

finish
