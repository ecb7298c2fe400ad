#!/usr/bin/env bash
# Two (then three) OpenBSD nc clients chat through `serve chat`: nicks, broadcast, /me, a
# private message only its target sees, rooms, /quit, and a control character that reaches the
# others as U+FFFD. Then two `nc -u` through `serve udp-chat` (the cookie typed back, one line a
# datagram). Then `openssl s_client` through `serve chat-tls`, verifying the certificate
# the service made on first start, and a TLS 1.1 handshake that must fail.
# PORT_<svc> is set by serve_start:
# shellcheck disable=SC2154
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

serve_start chat chat.port=0
port=$PORT_chat

# waits until client NAME's output has a line matching REGEX (grep -E), SECS at most
saw() {
  local name=$1 re=$2 deadline=$((SECONDS + ${3:-10}))
  until grep -Eq -- "$re" "$T/$name.out"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "$name never got a line matching /$re/; its output:"
      sed 's/^/  | /' "$T/$name.out"
      return 1
    fi
    sleep 0.05
  done
}
never() {  # never NAME REGEX: no line of NAME's output matches
  if grep -Eq -- "$2" "$T/$1.out"; then
    echo "$1 got a line matching /$2/:"; grep -E -- "$2" "$T/$1.out" | sed 's/^/  | /'
    return 1
  fi
}

client_open alice "$port"
client_open bob "$port"
check "alice is greeted and asked for a nick" saw alice '^\* welcome to netloom chat'
client_write alice 'alice\n'
check "alice gets her nick and #lobby" saw alice '^\* you are alice, in #lobby \(1 member\)'
client_write bob 'ALICE\n'
check "bob cannot take alice in another case" saw bob '^ERR the nick ALICE is taken$'
client_write bob '/nick bob\r\n'
check "bob joins with /nick (CRLF line)" saw bob '^\* you are bob, in #lobby \(2 members\)'
check "alice sees bob join" saw alice '^\* bob joined #lobby$'

client_write alice 'hello bob, café ☃\n'
check "bob gets alice's line, UTF-8 intact" saw bob '^<alice> hello bob, café ☃$'
client_write bob '/me waves\n'
check "/me reaches alice" saw alice '^\* bob waves$'

client_open carol "$port"
client_write carol 'carol\n'
check "carol joins" saw alice '^\* carol joined #lobby$'
client_write alice '/msg bob secret plan\n'
check "bob gets the private message" saw bob '^\*alice\* secret plan$'
check "alice gets the echo of it" saw alice '^-> \*bob\* secret plan$'
client_write carol '/who\n'
check "/who lists the room" saw carol '^\* in #lobby: alice, bob, carol$'
check "carol never sees the private message" never carol 'secret'

client_write carol $'evil\e[2J\n'
check "an escape sequence reaches others defused" saw bob '^<carol> evil�\[2J$'
client_write carol '/join dev\n'
check "carol moves to #dev" saw carol '^\* you are in #dev \(1 member\)$'
check "the lobby is told" saw bob '^\* carol left #lobby \(to #dev\)$'
client_write alice '/rooms\n'
check "/rooms counts members" saw alice '^\* rooms: #dev \(1\), #lobby \(2\)$'
client_write alice '/bogus\n'
check "an unknown command is an error line, the connection stays" saw alice '^ERR unknown command /bogus'

client_write bob '/quit\n'
check "bob is told bye" saw bob '^\* bye$'
check "alice sees bob quit" saw alice '^\* bob left #lobby \(quit\)$'
client_close bob
check "bob's nc exits: the server closed" client_wait bob 10
for c in alice carol; do client_kill "$c"; done

# --- udp-chat through nc -u: a line gets the cookie to type back, then the chat
serve_start udp-chat udp-chat.port=0
uport=$PORT_udp_chat
udp_client_open() {  # as client_open, with nc -u (one datagram per line typed)
  local name=$1 fd
  mkfifo "$T/$name.in"
  exec {fd}<>"$T/$name.in"
  NL_CLIENT_FD[$name]=$fd
  ( nl_close_client_fds; exec timeout 60 "$NC" -u 127.0.0.1 "$uport" ) \
    <"$T/$name.in" >"$T/$name.out" 2>"$T/$name.err" &
  NL_CLIENT_PID[$name]=$!
}
cookie_line() { grep -E '^/join ' "$T/$1.out" | tail -n 1; }
first_is_join() { head -n 1 "$T/$1.out" | grep -Eq '^/join [0-9a-f]{8}$' || { sed 's/^/  | /' "$T/$1.out"; return 1; }; }
udp_client_open dave
udp_client_open erin
client_write dave 'hi\n'
client_write dave 'hello, udp-chat\n'
check "a line of 15 bytes gets the cookie line to type back" saw dave '^/join [0-9a-f]{8}$'
check "a shorter one got nothing: the cookie line is dave's first" first_is_join dave
client_write dave "$(cookie_line dave) dave\n"
check "dave joins by typing it back with his nick" saw dave '^\* you are dave; '
client_write erin 'hello, udp-chat\n'
saw erin '^/join [0-9a-f]{8}$' >/dev/null
client_write erin "$(cookie_line erin)\n"
check "erin joins as a guest" saw erin '^\* you are guest1; '
check "dave sees her join, one line per datagram" saw dave '^\* guest1 joined$'
client_write erin 'hello dave\n'
check "erin's line reaches dave" saw dave '^<guest1> hello dave$'
client_write dave '/who\n'
check "/who pages the peers" saw dave '^\* here \(1-2 of 2\): dave, guest1$'
for c in dave erin; do client_kill "$c"; done

# --- chat-tls through openssl s_client, verifying the certificate the service made against the local CA
if command -v openssl >/dev/null 2>&1; then
  serve_start chat-tls chat-tls.port=0 "chat-tls.keystore=$T/tls.p12"
  tport=$PORT_chat_tls
  check "the keystore was made on first start" test -s "$T/tls.p12"
  # the certificate is signed by netloom's local CA, made in the home (docs/tls.md)
  cp "$NETLOOM_HOME/data/tls/netloom-local-ca.crt" "$T/ca.pem"
  tls_chat() {
    # s_client verifies the chain and the name, says hello, then quits; the server closes after * bye
    { printf 'tlsuser\n/who\n/quit\n'; sleep 3; } |
      timeout 15 openssl s_client -connect "127.0.0.1:$tport" -servername localhost -verify_hostname localhost \
        -CAfile "$T/ca.pem" -verify_return_error -quiet >"$T/tls.out" 2>"$T/tls.err"
    grep -q '^\* you are tlsuser, in #lobby' "$T/tls.out" && grep -q '^\* in #lobby: tlsuser$' "$T/tls.out" &&
      grep -q '^\* bye$' "$T/tls.out" && return 0
    echo "output:"; sed 's/^/  | /' "$T/tls.out"; echo "s_client:"; sed 's/^/  | /' "$T/tls.err"; return 1
  }
  check "openssl s_client verifies the certificate and chats over TLS" tls_chat
  tls_old() {
    if timeout 10 openssl s_client -connect "127.0.0.1:$tport" -tls1_1 </dev/null >"$T/old.out" 2>&1; then
      echo "a TLS 1.1 handshake succeeded:"; sed 's/^/  | /' "$T/old.out"; return 1
    fi
  }
  check "a TLS 1.1 handshake is refused" tls_old
else
  skip "chat-tls with openssl s_client" "openssl not installed"
fi

finish
