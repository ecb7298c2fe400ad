#!/usr/bin/env bash
# The tcp-proxy service in front of netloom's echo: 1 GiB of random bytes through it and back,
# compared by SHA-256 (socat as the client); a half-close with nc -N passed on to the target,
# whose answer still comes back; a refused target closes the client at once; the listening lines.
# PORT_<svc> is set by serve_start:
# shellcheck disable=SC2154
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v socat >/dev/null 2>&1 || { echo "$NL_SCRIPT: socat is needed: run tests/ensure-tools.sh" >&2; exit 2; }

serve_start echo echo.port=0
echo_port=$PORT_echo
serve_start tcp-proxy "tcp-proxy.routes=0=127.0.0.1:$echo_port,0=127.0.0.1:1"
port=$PORT_tcp_proxy
refused=$(sed -nE 's/^tcp-proxy listening on 127\.0\.0\.1:([0-9]+) \(tcp\) -> 127\.0\.0\.1:1$/\1/p' "$SERVER_OUT")

check "one listening line per route, the target after the address" \
  contains "$SERVER_OUT" "^tcp-proxy listening on 127\.0\.0\.1:$port \(tcp\) -> 127\.0\.0\.1:$echo_port\$"
check "the second route has its own port" test -n "$refused"

# nc -N half-closes after its input: echo sees the end, answers what came, then closes
check "a half-close reaches the target, whose answer still comes back" \
  roundtrip_text "$port" 'hello through the proxy\n' 'hello through the proxy\n'

gib() {
  head -c 1073741824 /dev/urandom | tee >(sha256sum >"$T/sent.sha") |
    timeout 240 socat -t 60 -b 65536 - "TCP:127.0.0.1:$port" | sha256sum >"$T/back.sha"
  sleep 0.5 # the process substitution's sha256sum may still be writing
  local sent back
  sent=$(cut -d' ' -f1 "$T/sent.sha"); back=$(cut -d' ' -f1 "$T/back.sha")
  echo "sent $sent"
  echo "back $back"
  [ -n "$sent" ] && [ "$sent" = "$back" ]
}
check "1 GiB of random bytes through the proxy and back is byte-identical (SHA-256)" gib

refused_closes() {
  local t0 rc=0
  t0=$SECONDS
  printf 'anyone?\n' | timeout 5 "$NC" 127.0.0.1 "$refused" >"$T/refused.out" || rc=$?
  [ "$rc" -ne 124 ] || { echo "nc still connected after 5 s"; return 1; }
  is_empty "$T/refused.out" && [ $((SECONDS - t0)) -le 2 ]
}
check "a refused target closes the client at once, without a byte" refused_closes

finish
