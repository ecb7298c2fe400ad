#!/usr/bin/env bash
# netloom's local CA against the TLS clients a user has, with their default settings: lftp (FTPS,
# explicit AUTH TLS, offered by the ftp service), curl --ssl-reqd and openssl s_client
# -verify_return_error. Before `netloom tls trust` they refuse the certificate (lftp: "The
# certificate is NOT trusted"); after it they transfer a file byte-identical; after
# `netloom tls untrust` curl refuses it again. `tls status` tells each state (exit 0 trusted, 1 not).
#
# Two netloom homes have two CAs: each is trusted in a file of its own (netloom-local-ca-<its
# SHA-256's first 8 hex digits>.crt), so trusting the second leaves the first trusted, and untrusting
# one leaves the other (as mkcert names its CA's file after the CA).
#
# It changes the machine's trust store (/usr/local/share/ca-certificates + update-ca-certificates),
# so it needs root and skips otherwise; an EXIT trap takes both homes' CAs out again, leaving the
# store as it was found.
# PORT_ftp is set by serve_start:
# shellcheck disable=SC2154
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for tool in curl lftp openssl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$NL_SCRIPT: $tool is needed: run tests/ensure-tools.sh" >&2; exit 2; }
done
if [ "$(id -u)" -ne 0 ] || ! command -v update-ca-certificates >/dev/null 2>&1; then
  skip "tls trust with lftp, curl and openssl" "needs root and update-ca-certificates to change the system trust store"
  finish
fi

HOME2="$T/home2"
mkdir -p "$HOME2"
restore_trust() {
  "$NETLOOM_BIN" tls untrust >"$T/untrust-trap.out" 2>&1 || true
  NETLOOM_HOME="$HOME2" "$NETLOOM_BIN" tls untrust >"$T/untrust-trap2.out" 2>&1 || true
}
# lib.sh's trap reports and exits; ours runs first and hands it the script's exit status
# (set +e: under errexit the `(exit N)` that hands over a failure would end the trap itself)
trap 'nl_rc=$?; set +e; restore_trust; (exit "$nl_rc"); nl_on_exit' EXIT

ROOT="$T/ftproot"
mkdir -p "$ROOT/alice"
head -c 262144 /dev/urandom >"$ROOT/alice/file.bin"
HASH=$(printf 'secret\n' | "$NETLOOM_BIN" ftp-passwd 2>"$T/passwd.err") \
  || fail_now "netloom ftp-passwd hashes a password" "$(cat "$T/passwd.err")"
lo=$((20000 + (RANDOM % 200) * 50)); hi=$((lo + 49))
serve_start ftp ftp.port=0 "ftp.root=$ROOT" ftp.users=alice "ftp.user.alice.password=$HASH" \
  ftp.user.alice.home=alice ftp.user.alice.write=true "ftp.passive-ports=$lo-$hi"
port=$PORT_ftp

# lftp with nothing set but the retries (its defaults: ftp:ssl-allow yes, ssl:verify-certificate yes)
lf() { timeout 60 lftp -d -c "set net:max-retries 1; set net:timeout 10; open -u alice,secret -p $port 127.0.0.1; $1"; }
lftp_refuses() {
  local out; out=$(lf "cls -1" 2>&1) && { echo "lftp did not refuse: $out"; return 1; }
  grep -qi 'not trusted' <<<"$out" || { echo "$out" | tail -5; return 1; }
}
lftp_gets() {
  rm -f "$T/got.bin"
  local out; out=$(lf "get file.bin -o $T/got.bin" 2>&1) || { echo "$out" | tail -15; return 1; }
  grep -q 'AUTH TLS' <<<"$out" || { echo "no AUTH TLS in: $out" | tail -15; return 1; }
  grep -q 'PROT P' <<<"$out" || { echo "data channel not protected: $out" | tail -15; return 1; }
  cmp "$T/got.bin" "$ROOT/alice/file.bin"
}
curl_gets() {
  timeout 30 curl -sS --max-time 20 --ssl-reqd -o "$T/curl.bin" "ftp://alice:secret@127.0.0.1:$port/file.bin" \
    && cmp "$T/curl.bin" "$ROOT/alice/file.bin"
}
curl_refuses() {
  local rc=0
  timeout 30 curl -sS --max-time 20 --ssl-reqd -o /dev/null "ftp://alice:secret@127.0.0.1:$port/file.bin" 2>/dev/null || rc=$?
  [ "$rc" -eq 60 ] || { echo "curl exit $rc, expected 60 (peer certificate cannot be authenticated)"; return 1; }
}
openssl_verifies() {
  timeout 20 openssl s_client -starttls ftp -connect "127.0.0.1:$port" -verify_return_error \
    -verify_hostname localhost </dev/null 2>&1 | grep -q 'Verify return code: 0 (ok)'
}
status_is() {  # status_is EXIT TEXT
  local out rc=0; out=$("$NETLOOM_BIN" tls status 2>&1) || rc=$?
  [ "$rc" -eq "$1" ] && grep -q "$2" <<<"$out" || { echo "exit $rc: $out"; return 1; }
}

check "before tls trust, lftp refuses the self-made certificate (NOT trusted)" lftp_refuses
check "tls status: the CA exists and is not trusted (exit 1)" status_is 1 "system store: not trusted"
trust_out=$("$NETLOOM_BIN" tls trust 2>&1) || fail_now "netloom tls trust" "$trust_out"
ANCHOR=$("$NETLOOM_BIN" tls status 2>&1 | sed -n 's/^system store: .*(\(.*\))$/\1/p')
fp=$("$NETLOOM_BIN" tls status 2>&1 | sed -n 's/^SHA-256: *\(..\):\(..\):\(..\):\(..\):.*/\1\2\3\4/p' | tr 'A-F' 'a-f')
check "the CA's file is named after it (netloom-local-ca-$fp.crt)" \
  test "$ANCHOR" = "/usr/local/share/ca-certificates/netloom-local-ca-$fp.crt"
check "tls trust put the CA where update-ca-certificates reads it" test -s "$ANCHOR"
check "tls status: trusted (exit 0)" status_is 0 "system store: trusted"
check "lftp with default settings gets a file over AUTH TLS + PROT P, byte-identical" lftp_gets
check "curl --ssl-reqd gets the file, certificate verified" curl_gets
check "openssl s_client -starttls ftp verifies the chain and the name localhost" openssl_verifies
# a second home: its own CA, trusted beside the first
home2() { NETLOOM_HOME="$HOME2" "$NETLOOM_BIN" "$@"; }
status2_is() {  # status2_is EXIT TEXT: tls status of the second home
  local out rc=0; out=$(home2 tls status 2>&1) || rc=$?
  [ "$rc" -eq "$1" ] && grep -q "$2" <<<"$out" || { echo "exit $rc: $out"; return 1; }
}
trust2_out=$(home2 tls trust 2>&1) || fail_now "netloom tls trust (second home)" "$trust2_out"
check "a second home's tls trust: its CA trusted (exit 0)" status2_is 0 "system store: trusted"
check "... and the first home's CA still trusted (exit 0)" status_is 0 "system store: trusted"
check "... and lftp still gets the file from the first home's server" lftp_gets
untrust2_out=$(home2 tls untrust 2>&1) || fail_now "netloom tls untrust (second home)" "$untrust2_out"
check "the second home's tls untrust leaves the first home's CA trusted" status_is 0 "system store: trusted"
check "... and its file" test -s "$ANCHOR"
check "... and takes out its own (exit 1)" status2_is 1 "system store: not trusted"

untrust_out=$("$NETLOOM_BIN" tls untrust 2>&1) || fail_now "netloom tls untrust" "$untrust_out"
check "tls untrust removed the CA file" test ! -e "$ANCHOR"
check "after tls untrust, curl refuses the certificate again (exit 60)" curl_refuses
check "tls status: not trusted again (exit 1)" status_is 1 "system store: not trusted"
finish
