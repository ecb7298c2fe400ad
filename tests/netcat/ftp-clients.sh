#!/usr/bin/env bash
# The ftp service against the standard FTP clients, each in its usual way: curl (list, download,
# upload, passive with EPSV and PASV, active with EPRT/PORT, anonymous read and a refused anonymous
# upload, a wrong password, a path that tries to leave the home), Python's ftplib (the whole
# session of a script: login, PWD, MKD, CWD, STOR, RETR, SIZE, MDTM, MLSD, NLST, LIST, REST
# resume, RNFR/RNTO, DELE, RMD, ASCII mode with its line endings), lftp's `mirror` both ways, and
# uploads and downloads over explicit FTPS (AUTH TLS, PROT P) with curl and lftp, which close an
# upload's TLS data connection without reading from it.
# Files are compared byte for byte (cmp, diff -r). A user's password is hashed with
# `netloom ftp-passwd` from stdin, as an administrator would.
# PORT_ftp is set by serve_start:
# shellcheck disable=SC2154
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for tool in curl lftp; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$NL_SCRIPT: $tool is needed: run tests/ensure-tools.sh" >&2; exit 2; }
done

# --- The tree served -----------------------------------------------------------------------------
ROOT="$T/ftproot"
mkdir -p "$ROOT/alice/docs/deeper" "$ROOT/pub"
head -c 1048576 /dev/urandom >"$ROOT/alice/docs/big.bin"
: >"$ROOT/alice/docs/empty.bin"
printf 'line one\nline two\n' >"$ROOT/alice/docs/deeper/notes.txt"
printf 'public\n' >"$ROOT/pub/readme.txt"
printf 'top secret\n' >"$T/outside.txt"
ln -s "$T/outside.txt" "$ROOT/alice/escape"   # a symlink pointing out of the home
head -c 300000 /dev/urandom >"$T/up.bin"

HASH=$(printf 'secret\n' | "$NETLOOM_BIN" ftp-passwd 2>"$T/passwd.err") \
  || fail_now "netloom ftp-passwd hashes a password read from stdin" "$(cat "$T/passwd.err")"
check "ftp-passwd prints one hash line" test "$(wc -l <<<"$HASH")" -eq 1 -a -n "$HASH"

# a passive range of its own, away from the ephemeral ports the clients use
lo=$((20000 + (RANDOM % 200) * 50)); hi=$((lo + 49))
serve_start ftp ftp.port=0 "ftp.root=$ROOT" ftp.users=alice "ftp.user.alice.password=$HASH" \
  ftp.user.alice.home=alice ftp.user.alice.write=true ftp.anonymous=true ftp.anonymous.home=pub \
  "ftp.passive-ports=$lo-$hi"
port=$PORT_ftp
U="ftp://alice:secret@127.0.0.1:$port"

# --- curl ------------------------------------------------------------------------------------------
# check runs its command in a subshell of this script, so these functions see $U, $T and $ROOT
c() { timeout 30 curl -sS --max-time 20 "$@"; }
same() { cmp "$1" "$2"; }
lists_home() { c --list-only "$U/docs/" | grep -qx big.bin; }
get_epsv() { c -o "$T/dl.bin" "$U/docs/big.bin" && same "$T/dl.bin" "$ROOT/alice/docs/big.bin"; }
get_pasv() { c --disable-epsv -o "$T/dl2.bin" "$U/docs/big.bin" && same "$T/dl2.bin" "$ROOT/alice/docs/big.bin"; }
get_active() { c -P 127.0.0.1 -o "$T/dl3.bin" "$U/docs/big.bin" && same "$T/dl3.bin" "$ROOT/alice/docs/big.bin"; }
get_empty() { c -o "$T/empty.bin" "$U/docs/empty.bin" && test -f "$T/empty.bin" && ! test -s "$T/empty.bin"; }
put() { c -T "$T/up.bin" "$U/up.bin" && same "$T/up.bin" "$ROOT/alice/up.bin"; }
put_dirs() { c --ftp-create-dirs -T "$T/up.bin" "$U/new/dir/up.bin" && same "$T/up.bin" "$ROOT/alice/new/dir/up.bin"; }
anon_get() { test "$(c "ftp://127.0.0.1:$port/readme.txt")" = public; }
dotdot() { ! c --path-as-is -o /dev/null "$U/../pub/readme.txt" 2>/dev/null; }
symlink() { ! c -o "$T/leak.txt" "$U/escape" 2>/dev/null && ! grep -qs secret "$T/leak.txt"; }

check "curl lists a directory (NLST)" lists_home
check "curl downloads 1 MiB byte-identical (EPSV)" get_epsv
check "curl downloads with PASV (--disable-epsv)" get_pasv
check "curl downloads in active mode (EPRT/PORT)" get_active
check "curl downloads an empty file" get_empty
check "curl uploads (STOR) byte-identical" put
check "curl creates missing directories on upload (MKD)" put_dirs
check "anonymous reads the public directory" anon_get
wrong_rc=0; c -o /dev/null "ftp://alice:nope@127.0.0.1:$port/docs/big.bin" 2>/dev/null || wrong_rc=$?
check "a wrong password is refused (curl 67: login denied)" test "$wrong_rc" -eq 67
anon_rc=0; c -T "$T/up.bin" "ftp://127.0.0.1:$port/up.bin" 2>/dev/null || anon_rc=$?
check "anonymous cannot upload (curl 25: upload failed)" test "$anon_rc" -eq 25
check "nothing landed in the public directory" test ! -e "$ROOT/pub/up.bin"
check "../ from the home does not reach the root's other files" dotdot
check "a symlink out of the home is not followed" symlink

# --- Python's ftplib -------------------------------------------------------------------------------
if command -v python3 >/dev/null 2>&1; then
  cat >"$T/session.py" <<'PY'
import ftplib, hashlib, io, sys
port, root = int(sys.argv[1]), sys.argv[2]
f = ftplib.FTP()
f.connect("127.0.0.1", port, timeout=20)
f.login("alice", "secret")
assert f.pwd() == "/", f.pwd()
f.mkd("py")
f.cwd("py")
data = bytes(range(256)) * 4000
f.storbinary("STOR data.bin", io.BytesIO(data))
assert f.size("data.bin") == len(data)
got = io.BytesIO()
f.retrbinary("RETR data.bin", got.write)
assert got.getvalue() == data, "RETR differs"
tail = io.BytesIO()
f.retrbinary("RETR data.bin", tail.write, rest=1000)   # REST 1000 then RETR
assert tail.getvalue() == data[1000:], "REST resume differs"
assert f.sendcmd("MDTM data.bin").startswith("213 ")
names = dict(f.mlsd())
assert names["data.bin"]["type"] == "file" and int(names["data.bin"]["size"]) == len(data), names
assert f.nlst() == ["data.bin"], f.nlst()
listing = []
f.retrlines("LIST", listing.append)
assert len(listing) == 1 and listing[0].startswith("-") and listing[0].endswith("data.bin"), listing
f.storlines("STOR text.txt", io.BytesIO(b"a\nb\n"))          # ASCII mode: CRLF on the wire
with open(root + "/alice/py/text.txt", "rb") as fh:
    assert fh.read() == b"a\nb\n", "stored with the server's line ends"
lines = []
f.retrlines("RETR text.txt", lines.append)
assert lines == ["a", "b"], lines
f.rename("data.bin", "moved.bin")
f.delete("moved.bin")
f.delete("text.txt")
f.cwd("..")
f.rmd("py")
try:
    f.cwd("/no/such/dir")
    raise AssertionError("CWD to a missing directory succeeded")
except ftplib.error_perm as e:
    assert str(e).startswith("550"), e
f.quit()
print("ftplib session ok")
PY
  check "Python ftplib: a whole session (STOR, RETR, REST, SIZE, MDTM, MLSD, NLST, LIST, ASCII, rename, delete, MKD/RMD, 550)" \
    timeout 60 python3 "$T/session.py" "$port" "$ROOT"
else
  skip "Python ftplib session" "python3 is not installed"
fi

# --- lftp mirror, both ways ------------------------------------------------------------------------
lf() { timeout 60 lftp -c "set net:max-retries 1; set net:timeout 10; set ftp:ssl-allow no; open -u alice,secret -p $port 127.0.0.1; $1"; }
mkdir -p "$T/tree/a/b"
head -c 70000 /dev/urandom >"$T/tree/a/one.bin"
printf 'x\n' >"$T/tree/a/b/two.txt"
: >"$T/tree/zero"
mirror_down() { lf "mirror docs $T/mirror-down" >/dev/null && diff -r "$ROOT/alice/docs" "$T/mirror-down"; }
mirror_up() { lf "mirror -R $T/tree tree-up" >/dev/null && diff -r "$T/tree" "$ROOT/alice/tree-up"; }
check "lftp mirror downloads the tree as it is" mirror_down
check "lftp mirror -R uploads a tree as it is" mirror_up

# --- FTPS: AUTH TLS, PROT P --------------------------------------------------------------------------
# TLS 1.3 (the default of both) included; the certificate is netloom's own, made at the first AUTH TLS
head -c 3000000 /dev/urandom >"$T/up3m.bin"
cs() { c -k --ssl-reqd "$@"; }
tls_put() { cs -T "$1" "$U/$2" && same "$1" "$ROOT/alice/$2"; }
tls_get() { cs -o "$T/tls-dl.bin" "$U/docs/big.bin" && same "$T/tls-dl.bin" "$ROOT/alice/docs/big.bin"; }
lfs() { timeout 60 lftp -c "set net:max-retries 1; set net:timeout 10; set ftp:ssl-force yes; set ftp:ssl-protect-data yes; set ssl:verify-certificate no; open -u alice,secret -p $port 127.0.0.1; $1"; }
lftp_tls_put() { lfs "put $T/up3m.bin -o tls-lftp.bin" && same "$T/up3m.bin" "$ROOT/alice/tls-lftp.bin"; }
lftp_tls_get() { lfs "get docs/big.bin -o $T/tls-lftp-dl.bin" && same "$T/tls-lftp-dl.bin" "$ROOT/alice/docs/big.bin"; }
check "curl uploads 300 kB over FTPS (PROT P) byte-identical" tls_put "$T/up.bin" tls-up.bin
check "curl uploads 3 MB over FTPS byte-identical" tls_put "$T/up3m.bin" tls-up3m.bin
check "curl downloads 1 MiB over FTPS byte-identical" tls_get
check "lftp uploads 3 MB over FTPS byte-identical" lftp_tls_put
check "lftp downloads 1 MiB over FTPS byte-identical" lftp_tls_get

finish
