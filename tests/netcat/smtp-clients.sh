#!/usr/bin/env bash
# The smtp service against the standard SMTP clients, each in its usual way, judged through the
# service's JSON API (curl) and byte for byte against the stored message (/raw: our Received:
# header, then the message as the client sent it, dot-unstuffed):
#   swaks   a plain send, a pipelined one (--pipeline), STARTTLS with AUTH PLAIN and AUTH LOGIN
#           as a configured user (a wrong password: swaks fails, nothing is stored), a message
#           over max-size (552 after the dot, nothing stored), relaying refused in local mode
#           (a second server: mode=local domains=example.test);
#   smtplib SIZE= over max-size (552 at MAIL), exactly max-size (250) and one byte more (552
#           after the dot), 120 recipients against max-recipients 100 (the last 20 refused
#           with 452, the message stored for the first 100), dot-stuffing (a line that is a lone
#           ".", lines starting with ".."), an 8-bit UTF-8 message with SMTPUTF8 and a non-ASCII
#           address (send_message, and sendmail for an exact byte comparison), a command
#           pipelined in clear behind STARTTLS is discarded (CVE-2011-0411), and durability:
#           SIGKILL as soon as the last of 20 250 replies is in, a restart on the same store,
#           and every message is there;
#   nc      exact replies: AUTH before STARTTLS (538 with smtp.auth-plaintext=false), a pipelined
#           session (EHLO, MAIL, RCPT, DATA in one write, then the message), commands out of
#           order (503; DATA with no recipient: 554), an unknown command (500), a 1200-octet
#           command line (500), each followed by a command that still works; in local mode
#           SIZE=-1 (501) and an unquoted @ in a local part (501, not mail for the last domain);
#   curl    the API refuses a Host that is not its own (403, DNS rebinding).
# The queue id in "queued as ID" is replaced by ID before replies are compared.
# PORT_smtp is set by serve_start:
# shellcheck disable=SC2154
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for tool in swaks curl python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$NL_SCRIPT: $tool is needed: run tests/ensure-tools.sh" >&2; exit 2; }
done

# --- Helpers -------------------------------------------------------------------------------------
smtp=""   # the smtp port the helpers talk to
api=""    # its API port

# api_start ARG...: serve_start smtp with ARG..., then waits for the smtp-api line (serve_start
# knows only (tcp) and (udp) lines) and sets smtp and api.
api_start() {
  serve_start smtp "$@"
  smtp=$PORT_smtp
  local deadline=$((SECONDS + NL_START_TIMEOUT)) line=""
  while [ "$SECONDS" -lt "$deadline" ]; do
    line=$(grep -E '^smtp-api listening on [^ ]+:[0-9]+ \(http\)$' "$SERVER_OUT" | head -n 1) || true
    [ -z "$line" ] || break
    sleep 0.1
  done
  [ -n "$line" ] || fail_now "serve smtp prints the smtp-api listening line" "stdout: $(cat "$SERVER_OUT")"
  api=$(sed -E 's/^.*:([0-9]+) \(http\)$/\1/' <<<"$line")
}

c() { timeout 20 curl -sS --max-time 15 "$@"; }
# j EXPR: evaluates the Python expression EXPR on the JSON document on stdin (as d)
j() { python3 -c 'import json, sys; d = json.load(sys.stdin); v = eval(sys.argv[1]); print(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))' "$1"; }
total() { c "http://127.0.0.1:$api/api/messages?limit=0" | j 'd["total"]'; }

# id_of TOKEN: the id of the one stored message whose subject contains TOKEN
id_of() {
  c "http://127.0.0.1:$api/api/messages?q=$1" >"$T/q.json" || return 1
  j "[m['id'] for m in d['messages'] if '$1' in (m.get('subject') or '')]" <"$T/q.json" >"$T/ids"
  python3 -c 'import json, sys; ids = json.load(open(sys.argv[1]))
if len(ids) != 1: sys.exit("expected one message with %r in its subject, found ids %r in %s" % (sys.argv[2], ids, open(sys.argv[3]).read()[:600]))
print(ids[0])' "$T/ids" "$1" "$T/q.json"
}

# stored TOKEN FILE [TAIL]: the message with TOKEN in its subject is stored as exactly
# "Received: ..." (one header field, maybe folded), then FILE's bytes, then TAIL (printf format)
stored() {
  local id
  id=$(id_of "$1") || { echo "$id"; return 1; }
  c -o "$T/raw.$id" "http://127.0.0.1:$api/api/messages/$id/raw" || return 1
  # shellcheck disable=SC2059
  { cat "$2"; printf -- "${3:-}"; } >"$T/want.$id"
  python3 - "$T/raw.$id" "$T/want.$id" <<'PY'
import sys
raw, want = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
if not raw.startswith(b"Received: "):
    sys.exit("/raw does not start with our Received: header: %r" % raw[:200])
lines = raw.split(b"\r\n")
i = 1
while i < len(lines) and lines[i][:1] in (b" ", b"\t"):
    i += 1
rest = b"\r\n".join(lines[i:])
if rest != want:
    at = next((k for k in range(min(len(rest), len(want))) if rest[k] != want[k]), min(len(rest), len(want)))
    sys.exit("after the Received: header, %d bytes stored, %d sent; first difference at %d:\n"
             "  sent:   %r\n  stored: %r" % (len(rest), len(want), at, want[max(0, at - 40):at + 40], rest[max(0, at - 40):at + 40]))
PY
}

# envelope TOKEN FROM TO...: the API lists the message with that envelope sender and recipients
envelope() {
  local token=$1 from=$2 id; shift 2
  id=$(id_of "$token") || { echo "$id"; return 1; }
  c "http://127.0.0.1:$api/api/messages/$id" >"$T/m.json" || return 1
  python3 - "$T/m.json" "$from" "$@" <<'PY'
import json, sys
m = json.load(open(sys.argv[1], encoding="utf-8"))
want_from, want_to = sys.argv[2], sys.argv[3:]
if m.get("from") != want_from or m.get("to") != want_to:
    sys.exit("envelope from %r to %r, expected from %r to %r" % (m.get("from"), m.get("to"), want_from, want_to))
PY
}

total_is() {  # total_is N
  local n
  n=$(total) || return 1
  [ "$n" = "$1" ] || { echo "the API shows $n messages, expected $1"; return 1; }
}

# sw LOG ARG...: swaks against the current server, its whole dialog in LOG; swaks's exit status
sw() {
  local log=$1; shift
  timeout 30 swaks --server 127.0.0.1 --port "$smtp" --helo client.test --timeout 15 "$@" </dev/null >"$T/$log" 2>&1
}
sw_ok() {  # sw_ok LOG ARG...: swaks exits 0 (else its dialog is shown)
  local log=$1
  sw "$@" && return 0
  echo "swaks exited with $?:"; tail -n 30 "$T/$log"; return 1
}
sw_fails_with() {  # sw_fails_with LOG REGEX ARG...: swaks exits non-zero and its dialog matches REGEX
  local log=$1 re=$2 rc=0; shift 2
  sw "$log" "$@" || rc=$?
  [ "$rc" -ne 0 ] || { echo "swaks exited 0:"; tail -n 30 "$T/$log"; return 1; }
  contains "$T/$log" "$re"
}

# dialog NAME INPUT: INPUT (printf format) sent in one write with nc, half-closed; the replies,
# with the EHLO keyword lines (250-...) dropped and queue ids replaced by ID, are in $T/NAME.out
dialog() {
  # shellcheck disable=SC2059
  printf -- "$2" >"$T/$1.in"
  tcp_send "$smtp" "$T/$1.in" "$T/$1.wire" 10 || true
  grep -av '^250-' "$T/$1.wire" | sed -E 's/queued as [^ \r]+/queued as ID/' >"$T/$1.out" || true
}

HASH=$(printf 'secret\n' | "$NETLOOM_BIN" smtp-passwd 2>"$T/passwd.err") \
  || fail_now "netloom smtp-passwd hashes a password read from stdin" "$(cat "$T/passwd.err")"
check "smtp-passwd prints one hash line" test "$(wc -l <<<"$HASH")" -eq 1 -a -n "$HASH"

# --- Server 1: capture mode, a user, a size limit -------------------------------------------------
MAX=65536
common=(smtp.port=0 smtp.api-port=0 "smtp.store=$T/smtp.db" "smtp.keystore=$T/tls.p12"
  smtp.hostname=mx.netloom.test smtp.users=alice "smtp.user.alice.password=$HASH"
  "smtp.max-size=$MAX" smtp.auth-plaintext=false)
api_start "${common[@]}"
S1_PID=$SERVER_PID
check "the API starts empty" total_is 0
H=mx.netloom.test

# --- swaks ---------------------------------------------------------------------------------------
# a message with lines swaks must dot-stuff; no final line end (swaks adds one before the dot)
mkmsg() {  # mkmsg FILE SUBJECT
  printf 'From: Sender <sender@client.test>\r\nTo: rcpt@example.test\r\nSubject: %s\r\nMessage-ID: <%s@client.test>\r\n\r\nfirst line\r\n.\r\n..two dots\r\n.leading dot\r\nlast line' \
    "$2" "$2" >"$1"
}
mkmsg "$T/plain.eml" swaks-plain
check "swaks: a plain send is accepted (250)" \
  sw_ok plain.log -f sender@client.test -t rcpt@example.test --data "@$T/plain.eml"
check "swaks: stored byte for byte after our Received: header" stored swaks-plain "$T/plain.eml" '\r\n'
check "swaks: the API shows the envelope" envelope swaks-plain sender@client.test rcpt@example.test

mkmsg "$T/pipe.eml" swaks-pipeline
check "swaks --pipeline: accepted" \
  sw_ok pipe.log --pipeline -f sender@client.test -t rcpt@example.test,second@example.test --data "@$T/pipe.eml"
# pipelined: MAIL, RCPT, RCPT and DATA went out before the reply to MAIL came back
pipelined() {
  awk '/^ -> MAIL FROM/ { m = NR } /^ -> DATA/ { d = NR } /^<-  250 2\.1\.0/ { r = NR }
       END { exit !(m && d && r && m < d && d < r) }' "$T/pipe.log" && return 0
  echo "swaks did not send MAIL..DATA ahead of the replies:"; grep -E '^( ->|<-)' "$T/pipe.log" | head -n 20; return 1
}
check "swaks --pipeline: MAIL, RCPT, DATA sent before the first reply (PIPELINING)" pipelined
check "swaks --pipeline: stored byte for byte, both recipients" stored swaks-pipeline "$T/pipe.eml" '\r\n'
check "swaks --pipeline: the API shows both recipients" envelope swaks-pipeline sender@client.test rcpt@example.test second@example.test

for mech in PLAIN LOGIN; do
  mkmsg "$T/auth-$mech.eml" "swaks-auth-$mech"
  check "swaks --tls --auth $mech as alice: accepted" \
    sw_ok "auth-$mech.log" --tls --auth "$mech" --auth-user alice --auth-password secret \
    -f alice@client.test -t rcpt@example.test --data "@$T/auth-$mech.eml"
  check "swaks --tls --auth $mech: STARTTLS (220), then 235" \
    contains "$T/auth-$mech.log" '^<~  235 2\.7\.0'
  check "swaks --tls --auth $mech: stored byte for byte" stored "swaks-auth-$mech" "$T/auth-$mech.eml" '\r\n'
done
n=$(total)
mkmsg "$T/wrong.eml" swaks-wrong-password
check "swaks --tls --auth PLAIN with a wrong password: swaks fails on 535" \
  sw_fails_with wrong.log '^<~\* 535 5\.7\.8' --tls --auth PLAIN --auth-user alice --auth-password wrong \
  -f alice@client.test -t rcpt@example.test --data "@$T/wrong.eml"
check "... and nothing new is stored" total_is "$n"

# AUTH before STARTTLS, plain text refused (auth-plaintext=false); AUTH not even advertised
dialog preauth 'EHLO c\r\nAUTH PLAIN AGFsaWNlAHNlY3JldA==\r\nAUTH LOGIN\r\nNOOP\r\nQUIT\r\n'
check "nc: AUTH PLAIN and AUTH LOGIN before STARTTLS get 538, the session goes on" same_text \
  "220 $H ESMTP netloom\r\n250 HELP\r\n538 5.7.11 Encryption required for requested authentication mechanism\r\n538 5.7.11 Encryption required for requested authentication mechanism\r\n250 2.0.0 Ok\r\n221 2.0.0 $H Bye\r\n" \
  "$T/preauth.out"
ehlo_keywords() {
  local k
  for k in PIPELINING "SIZE $MAX" 8BITMIME SMTPUTF8 ENHANCEDSTATUSCODES STARTTLS; do
    grep -aq "^250[- ]$k"$'\r'"\$" "$T/preauth.wire" || { echo "EHLO lacks $k:"; cat -A "$T/preauth.wire"; return 1; }
  done
  ! grep -aq '^250[- ]AUTH' "$T/preauth.wire" || { echo "AUTH advertised before STARTTLS:"; cat -A "$T/preauth.wire"; return 1; }
}
check "nc: EHLO offers PIPELINING, SIZE $MAX, 8BITMIME, SMTPUTF8, ENHANCEDSTATUSCODES, STARTTLS, no AUTH in clear" ehlo_keywords

# --- size limit ----------------------------------------------------------------------------------
n=$(total)
{ printf 'Subject: too-big\r\n\r\n'; head -c $((MAX * 2)) /dev/urandom | base64 -w 76 | sed 's/$/\r/'; } >"$T/big.eml"
check "swaks: a message over max-size gets 552 after the dot" \
  sw_fails_with big.log '^<\*\* 552 5\.3\.4 ' -f sender@client.test -t rcpt@example.test --data "@$T/big.eml"
check "... and nothing is stored" total_is "$n"

cat >"$T/size.py" <<'PY'
import smtplib, sys
port, max_size = int(sys.argv[1]), int(sys.argv[2])
s = smtplib.SMTP("127.0.0.1", port, timeout=20)
try:
    s.sendmail("sender@client.test", ["rcpt@example.test"], b"Subject: smtplib-too-big\r\n\r\n" + b"x" * (2 * max_size) + b"\r\n")
    sys.exit("a message twice max-size was accepted")
except smtplib.SMTPSenderRefused as e:   # smtplib sends SIZE= since the server offers SIZE
    assert e.smtp_code == 552, e
s.quit()
PY
check "smtplib: MAIL FROM with SIZE= over max-size is refused with 552" timeout 30 python3 "$T/size.py" "$smtp" "$MAX"
check "... and nothing is stored" total_is "$n"

# the limit counts the message as stored (dot-unstuffed, line ends included): max-size bytes
# pass, one more is refused after the dot (MAIL without SIZE=)
cat >"$T/edge.py" <<'PY'
import smtplib, sys
port, max_size = int(sys.argv[1]), int(sys.argv[2])
def message(n):
    head = b"Subject: smtplib-size-%d\r\n\r\n" % n
    lines = b""
    while len(head) + len(lines) + 200 <= n:
        lines += b"." + b"x" * 97 + b"\r\n"   # leading dots: stuffed on the wire, not counted
    m = head + lines + b"y" * (n - len(head) - len(lines) - 2) + b"\r\n"
    assert len(m) == n
    return m
s = smtplib.SMTP("127.0.0.1", port, timeout=20)
s.ehlo()
for n, want in ((max_size, 250), (max_size + 1, 552)):
    assert s.mail("sender@client.test")[0] == 250
    assert s.rcpt("rcpt@example.test")[0] == 250
    try:
        code, msg = s.data(message(n))
    except smtplib.SMTPDataError as e:
        code, msg = e.smtp_code, e.smtp_error
    assert code == want, "%d bytes: %d %r, expected %d" % (n, code, msg, want)
    if code != 250:
        s.rset()
s.quit()
PY
check "smtplib: a message of exactly max-size is accepted, one byte more gets 552 after the dot" \
  timeout 30 python3 "$T/edge.py" "$smtp" "$MAX"
check "... and only the first is stored" total_is $((n + 1))

# --- many recipients ---------------------------------------------------------------------------
cat >"$T/rcpts.py" <<'PY'
import smtplib, sys
port = int(sys.argv[1])
to = ["r%03d@example.test" % i for i in range(120)]
s = smtplib.SMTP("127.0.0.1", port, timeout=20)
refused = s.sendmail("sender@client.test", to, b"Subject: smtplib-120-rcpts\r\n\r\nhello, many\r\n")
s.quit()
assert sorted(refused) == to[100:], "refused: %r" % sorted(refused)
assert all(code == 452 and msg.startswith(b"4.5.3") for code, msg in refused.values()), refused
PY
check "smtplib: 120 recipients, the last 20 refused with 452 4.5.3 (max-recipients 100)" \
  timeout 30 python3 "$T/rcpts.py" "$smtp"
first100() {
  local to=()
  for i in $(seq 0 99); do to+=("$(printf 'r%03d@example.test' "$i")"); done
  envelope smtplib-120-rcpts sender@client.test "${to[@]}"
}
check "... and the message is stored for the first 100" first100

# --- dot-stuffing, exact bytes -----------------------------------------------------------------
printf 'Subject: smtplib-dots\r\n\r\n.\r\n..\r\n..starts with two\r\n...three\r\nmiddle . dot\r\n. space\r\n.\r\n' >"$T/dots.eml"
cat >"$T/send.py" <<'PY'
import smtplib, sys
port, sender, rcpt, path = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
opts = sys.argv[5:]
s = smtplib.SMTP("127.0.0.1", port, timeout=20)
s.sendmail(sender, [rcpt], open(path, "rb").read(), mail_options=opts)
s.quit()
PY
check "smtplib: lines '.', '..', '..x', '...x', '. x' are accepted" \
  timeout 30 python3 "$T/send.py" "$smtp" sender@client.test rcpt@example.test "$T/dots.eml"
check "... and stored exactly as sent (dot-unstuffed)" stored smtplib-dots "$T/dots.eml"

# --- 8-bit and UTF-8 ---------------------------------------------------------------------------
cat >"$T/utf8.py" <<'PY'
import smtplib, sys
from email.message import EmailMessage
port = int(sys.argv[1])
m = EmailMessage()
m["From"] = "Jörg <jörg@example.test>"
m["To"] = "zoë@example.test"
m["Subject"] = "smtplib-utf8 Grüße"
m.set_content("Grüße aus Köln — ✓ 日本語\n", cte="8bit")
s = smtplib.SMTP("127.0.0.1", port, timeout=20)
s.send_message(m, mail_options=["SMTPUTF8"])
s.quit()
PY
check "smtplib send_message: SMTPUTF8, jörg@example.test, an 8-bit UTF-8 body: accepted" \
  timeout 30 python3 "$T/utf8.py" "$smtp"
check "... the API shows the UTF-8 envelope" envelope smtplib-utf8 'jörg@example.test' 'zoë@example.test'
utf8_bytes() {
  local id
  id=$(id_of smtplib-utf8) || { echo "$id"; return 1; }
  c -o "$T/utf8.raw" "http://127.0.0.1:$api/api/messages/$id/raw" || return 1
  local s
  for s in 'Grüße aus Köln — ✓ 日本語' 'From: Jörg <jörg@example.test>' 'To: zoë@example.test' 'Content-Transfer-Encoding: 8bit'; do
    grep -aqF -- "$s" "$T/utf8.raw" || { echo "/raw lacks the UTF-8 bytes of: $s"; hex_dump "$T/utf8.raw" 0 600; return 1; }
  done
}
check "... /raw holds the exact UTF-8 bytes of the body and the headers" utf8_bytes
printf 'From: =?utf-8?q?J=C3=B6rg?= <j\xc3\xb6rg@example.test>\r\nSubject: smtplib-8bit-exact\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\xc3\xa4\xc3\xb6\xc3\xbc \xe2\x82\xac \xf0\x9f\x93\xa8 and a lone high byte \xff\r\n' >"$T/8bit.eml"
check "smtplib sendmail: 8-bit bytes with SMTPUTF8 and BODY=8BITMIME: accepted" \
  timeout 30 python3 "$T/send.py" "$smtp" 'jörg@example.test' 'rcpt@example.test' "$T/8bit.eml" SMTPUTF8 BODY=8BITMIME
check "... and stored byte for byte" stored smtplib-8bit-exact "$T/8bit.eml"

# --- STARTTLS: plain text pipelined after it is dropped, not run inside TLS (CVE-2011-0411) ----
cat >"$T/inject.py" <<'PY'
import socket, ssl, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
f = s.makefile("rb")
assert f.readline().startswith(b"220 ")
s.sendall(b"EHLO c\r\nSTARTTLS\r\nRSET injected\r\n")   # one write: RSET rides along in clear
while True:
    line = f.readline()
    assert line.startswith(b"250"), line
    if line.startswith(b"250 "):
        break
line = f.readline()
assert line.startswith(b"220 2.0.0"), line
ctx = ssl.create_default_context()
ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
t = ctx.wrap_socket(s, server_hostname="localhost")
t.sendall(b"NOOP\r\nQUIT\r\n")
got = b""
while True:
    chunk = t.recv(4096)
    if not chunk:
        break
    got += chunk
assert got.startswith(b"250 2.0.0 Ok\r\n221 "), "over TLS, after NOOP and QUIT: %r" % got
PY
check "STARTTLS: a command sent in clear behind it is discarded, not answered inside TLS" \
  timeout 30 python3 "$T/inject.py" "$smtp"

# --- nc: a pipelined session, in order ---------------------------------------------------------
client_open pipe "$smtp" 30
client_write pipe 'EHLO c\r\nMAIL FROM:<nc@client.test>\r\nRCPT TO:<one@example.test>\r\nRCPT TO:<two@example.test>\r\nDATA\r\n'
printf 'Subject: nc-pipelined\r\n\r\n.\r\n...stuffed\r\nend\r\n' >"$T/nc.eml"   # as stored
wait_354() {
  local deadline=$((SECONDS + 10))
  until grep -aq '^354 ' "$T/pipe.out"; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "no 354 within 10 s:"; cat -A "$T/pipe.out"; return 1; }
    sleep 0.05
  done
}
check "nc: EHLO, MAIL, RCPT, RCPT, DATA in one write: 354 comes" wait_354
client_write pipe 'Subject: nc-pipelined\r\n\r\n..\r\n....stuffed\r\nend\r\n.\r\nQUIT\r\n'   # as sent
client_close pipe
check "nc: the server closes after QUIT" client_wait pipe 10
grep -av '^250-' "$T/pipe.out" | sed -E 's/queued as [^ \r]+/queued as ID/' >"$T/pipe.cmp" || true
check "nc: every reply, in order" same_text \
  "220 $H ESMTP netloom\r\n250 HELP\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n250 2.0.0 Ok: queued as ID\r\n221 2.0.0 $H Bye\r\n" \
  "$T/pipe.cmp"
check "nc: the pipelined message is stored dot-unstuffed" stored nc-pipelined "$T/nc.eml"
check "nc: the API shows both recipients" envelope nc-pipelined nc@client.test one@example.test two@example.test

# --- nc: errors, each followed by a command that works -----------------------------------------
long=$(printf 'X%.0s' $(seq 1 1190))
dialog errors "EHLO c\r\nRCPT TO:<x@example.test>\r\nDATA\r\nNOOP\r\nFROB something\r\nNOOP\r\nMAIL FROM:<$long>\r\nNOOP\r\nMAIL FROM:<e@client.test>\r\nDATA\r\nMAIL FROM:<again@client.test>\r\nRSET\r\nQUIT\r\n"
check "nc: RCPT and DATA before MAIL: 503; unknown command: 500; a 1200-octet line: 500; DATA with no recipient: 554; nested MAIL: 503" same_text \
  "220 $H ESMTP netloom\r\n250 HELP\r\n503 5.5.1 Error: need MAIL command\r\n503 5.5.1 Error: need MAIL command\r\n250 2.0.0 Ok\r\n500 5.5.2 Error: command not recognized\r\n250 2.0.0 Ok\r\n500 5.5.2 Line too long\r\n250 2.0.0 Ok\r\n250 2.1.0 Ok\r\n554 5.5.1 Error: no valid recipients\r\n503 5.5.1 Error: nested MAIL command\r\n250 2.0.0 Ok\r\n221 2.0.0 $H Bye\r\n" \
  "$T/errors.out"

# --- relay refusal: a second server in local mode ------------------------------------------------
S1_SMTP=$smtp S1_API=$api
api_start smtp.port=0 smtp.api-port=0 "smtp.store=$T/local.db" "smtp.keystore=$T/tls.p12" \
  smtp.hostname=mx.netloom.test smtp.mode=local smtp.domains=example.test
check "local mode: swaks to @elsewhere.test gets 550 Relay access denied" \
  sw_fails_with relay.log '^<\*\* 550 5\.7\.1 <someone@elsewhere\.test>: Relay access denied' \
  -f sender@client.test -t someone@elsewhere.test --h-Subject local-relayed
mkmsg "$T/local.eml" local-delivered
check "local mode: swaks to @example.test is accepted" \
  sw_ok local.log -f sender@client.test -t someone@example.test --data "@$T/local.eml"
dialog localsyntax 'EHLO c\r\nMAIL FROM:<s@client.test> SIZE=-1\r\nMAIL FROM:<s@client.test>\r\nRCPT TO:<v@gmail.com@example.test>\r\nQUIT\r\n'
check "nc: SIZE=-1 gets 501 (RFC 1870: digits); <v@gmail.com@example.test> gets 501, not mail for example.test" same_text \
  "220 mx.netloom.test ESMTP netloom\r\n250 HELP\r\n501 5.5.4 Bad SIZE parameter (digits only)\r\n250 2.1.0 Ok\r\n501 5.1.3 Bad address syntax: an unquoted '@' in the local part of <v@gmail.com@example.test>\r\n221 2.0.0 mx.netloom.test Bye\r\n" \
  "$T/localsyntax.out"
api_host_is() {  # api_host_is HOST CODE: GET /api/messages with that Host header answers CODE
  local got
  got=$(c -o /dev/null -w '%{http_code}' -H "Host: $1" "http://127.0.0.1:$api/api/messages") || return 1
  [ "$got" = "$2" ] || { echo "Host: $1 got $got, expected $2"; return 1; }
}
check "API: Host evil.example (DNS rebinding) gets 403" api_host_is "evil.example:$api" 403
check "API: Host localhost, 127.0.0.1, [::1] and smtp.hostname get 200" \
  bash -c "$(declare -f api_host_is c); api=$api; api_host_is localhost:$api 200 && api_host_is 127.0.0.1 200 && api_host_is '[::1]:$api' 200 && api_host_is mx.netloom.test 200"
check "local mode: only that one is stored" total_is 1
check "local mode: stored byte for byte" stored local-delivered "$T/local.eml" '\r\n'
nl_stop_and_check "$SERVER_PID" TERM "local mode server: exits 0 on SIGTERM"
smtp=$S1_SMTP api=$S1_API

# --- durability: SIGKILL right after the 250 --------------------------------------------------
cat >"$T/kill.py" <<'PY'
import smtplib, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
s = smtplib.SMTP("127.0.0.1", port, timeout=20)
assert s.ehlo()[0] == 250
for i in range(n):
    assert s.mail("durable@client.test")[0] == 250
    assert s.rcpt("rcpt@example.test")[0] == 250
    code, msg = s.data(b"Subject: durable-%02d\r\n\r\nmessage %d of %d\r\n" % (i, i, n))
    assert code == 250 and msg.startswith(b"2.0.0 Ok: queued as "), (code, msg)
s.sock.close()   # no QUIT: the shell sends SIGKILL as soon as this exits
PY
before=$(total)
check "smtplib: 20 messages, each answered 250 2.0.0 Ok: queued as ..." \
  timeout 30 python3 "$T/kill.py" "$smtp" 20
serve_stop "$S1_PID" KILL 2>/dev/null   # (no "Killed" job notice from bash)
check "the JVM died of SIGKILL (exit 137)" expect_rc 137 "$STOP_RC" "after SIGKILL"
api_start "${common[@]}"
check "after a restart on the same store: every message is there ($before + 20)" total_is $((before + 20))
cat >"$T/durable.py" <<'PY'
import json, sys, urllib.request
base = "http://127.0.0.1:%s/api/messages" % sys.argv[1]
listing = json.load(urllib.request.urlopen(base + "?q=durable-&limit=1000", timeout=10))
ids = {m["subject"]: m["id"] for m in listing["messages"] if (m.get("subject") or "").startswith("durable-")}
for i in range(20):
    subject = "durable-%02d" % i
    if subject not in ids:
        sys.exit("no message with subject %s; subjects: %s" % (subject, sorted(ids)))
    raw = urllib.request.urlopen("%s/%s/raw" % (base, ids[subject]), timeout=10).read()
    want = b"Subject: %s\r\n\r\nmessage %d of 20\r\n" % (subject.encode(), i)
    if not (raw.startswith(b"Received: ") and raw.endswith(b"\r\n" + want)):
        sys.exit("%s stored as %r, expected our Received: header, then %r" % (subject, raw, want))
PY
check "... each stored byte for byte" timeout 30 python3 "$T/durable.py" "$api"
check "... and the earlier ones too (swaks-plain)" stored swaks-plain "$T/plain.eml" '\r\n'

finish
