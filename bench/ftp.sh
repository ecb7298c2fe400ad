#!/usr/bin/env bash
# bench/ftp.sh: netloom's `ftp` against Debian's vsftpd on this machine, side by side.
#
#   1. A 1 GiB file: RETR (download) and STOR (upload) over loopback with curl, MB/s as curl
#      reports it (speed_download / speed_upload), median of RUNS (5) runs each.
#   2. LOGINS (300) clients at once, each: connect, USER/PASS, LIST, QUIT (Python threads, one
#      connection each, all started together): the wall time until the last one is done, median
#      of LOGIN_RUNS (3).
#
# Both servers log a local user in with a password checked the slow way: vsftpd through PAM
# (a system user `nlbench` made for the run and removed after; its crypt check is its cost),
# netloom with its PBKDF2 hash from `netloom ftp-passwd`. Server on CPU 0, clients on CPU 1.
# Goals (issue 8): transfer ratios ≥ 0.9 of vsftpd; logins faster than vsftpd.
#
# Env: RUNS (5), LOGIN_RUNS (3), LOGINS (300), SIZE_MB (1024), SERVERS ("netloom vsftpd"),
# PARTS ("RETR STOR LOGINS": which measures to make, e.g. PARTS=STOR for uploads alone),
# QUIET_WAIT (0: seconds to wait for a quiet machine before each run).
set -euo pipefail

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
repo=$(cd "$here/.." && pwd)
bench="$here"
# shellcheck source=lib.bash
. "$bench/lib.bash"

RUNS=${RUNS:-5}
LOGIN_RUNS=${LOGIN_RUNS:-3}
LOGINS=${LOGINS:-300}
SIZE_MB=${SIZE_MB:-1024}
SERVERS=${SERVERS:-"netloom vsftpd"}
PARTS=${PARTS:-"RETR STOR LOGINS"}
part() { [[ " $PARTS " == *" $1 "* ]]; }
quiet_wait=${QUIET_WAIT:-0}
hz=$(getconf CLK_TCK)
waited=0
live=()
say() { printf '%s\n' "$*" >&2; }

for tool in curl python3 taskset; do
  command -v "$tool" >/dev/null 2>&1 || { say "ftp.sh: $tool is needed"; exit 2; }
done
if [[ " $SERVERS " == *" vsftpd "* ]] && ! command -v vsftpd >/dev/null 2>&1 && [ ! -x /usr/sbin/vsftpd ]; then
  apt_install ftp.sh "or leave vsftpd out: SERVERS=netloom" vsftpd
fi

work=$(mktemp -d /tmp/ftp-bench.XXXXXX)
USER_NAME=nlbench
PASSWORD=bench-$RANDOM$RANDOM
made_user=false
cleanup() {
  local p
  for p in "${live[@]}"; do if [ -n "$p" ]; then kill "$p" 2>/dev/null || true; fi; done
  if $made_user; then userdel "$USER_NAME" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$work/home/files"
say "ftp.sh: making a ${SIZE_MB} MiB file"
head -c "$((SIZE_MB * 1048576))" /dev/zero >"$work/big.bin"
cp "$work/big.bin" "$work/home/files/big.bin"
for i in $(seq 1 20); do printf 'file %s\n' "$i" >"$work/home/files/f$i.txt"; done

if [[ " $SERVERS " == *" vsftpd "* ]]; then
  id "$USER_NAME" >/dev/null 2>&1 || { useradd -M -d "$work/home" -s /bin/sh "$USER_NAME"; made_user=true; }
  echo "$USER_NAME:$PASSWORD" | chpasswd
fi
chmod 755 "$work"
chown -R "$USER_NAME" "$work/home" 2>/dev/null || true

# a login client: LOGINS threads released together; prints the wall seconds
cat >"$work/logins.py" <<'PY'
import ftplib, sys, threading, time
port, user, pw, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
go = threading.Barrier(n + 1)
errors = []
def one():
    go.wait()
    try:
        f = ftplib.FTP()
        f.connect("127.0.0.1", port, timeout=120)
        f.login(user, pw)
        f.retrlines("LIST files", lambda line: None)
        f.quit()
    except Exception as e:
        errors.append(repr(e))
threads = [threading.Thread(target=one) for _ in range(n)]
for t in threads: t.start()
go.wait(); t0 = time.monotonic()
for t in threads: t.join()
dt = time.monotonic() - t0
print("%.3f %d %s" % (dt, len(errors), (errors[:1] or [""])[0]))
PY

# start_server NAME: a fresh server on a free port (tried again on another port when the one
# free_port found was taken before the server could bind it) -> sets port, spid
start_server() {
  for _ in 1 2 3; do
    start_server_once "$1" && return 0
    kill "$spid" 2>/dev/null || true; wait "$spid" 2>/dev/null || true; forget "$spid"
  done
  say "ftp.sh: $1 did not come up"; cat "$work/$1.log" >&2; exit 1
}

start_server_once() {
  local name=$1
  port=$(free_port)
  local plo=$((port % 20000 + 30000)); local phi=$((plo + 499))
  case $name in
    vsftpd)
      mkdir -p /var/run/vsftpd/empty
      cat >"$work/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$port
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=YES
local_umask=022
pasv_enable=YES
pasv_address=127.0.0.1
pasv_min_port=$plo
pasv_max_port=$phi
max_clients=0
max_per_ip=0
use_sendfile=YES
xferlog_enable=NO
seccomp_sandbox=NO
secure_chroot_dir=/var/run/vsftpd/empty
pam_service_name=vsftpd
EOF
      taskset -c 0 vsftpd "$work/vsftpd.conf" >"$work/vsftpd.log" 2>&1 &
      spid=$! ;;
    netloom)
      local hash
      hash=$(printf '%s\n' "$PASSWORD" | "$repo/bin/netloom" ftp-passwd)
      NETLOOM_HOME="$work/nlhome" taskset -c 0 "$repo/bin/netloom" serve ftp "ftp.port=$port" "ftp.root=$work" \
        "ftp.users=$USER_NAME" "ftp.user.$USER_NAME.password=$hash" "ftp.user.$USER_NAME.home=home" \
        "ftp.user.$USER_NAME.write=true" "ftp.passive-ports=$plo-$phi" "ftp.max-connections=2000" "ftp.max-per-ip=2000" \
        >"$work/netloom.log" 2>&1 &
      spid=$! ;;
  esac
  live+=("$spid")
  local i
  for ((i = 0; i < 100; i++)); do
    if curl -s --max-time 2 -o /dev/null "ftp://$USER_NAME:$PASSWORD@127.0.0.1:$port/files/f1.txt"; then return 0; fi
    kill -0 "$spid" 2>/dev/null || { say "ftp.sh: $name exited at start on port $port"; return 1; }
    sleep 0.1
  done
  return 1
}

stop_server() {
  kill "$spid" 2>/dev/null || true
  wait_gone "$spid" 10 || kill -9 "$spid" 2>/dev/null || true
  wait "$spid" 2>/dev/null || true
  forget "$spid"
}

declare -A RETR STOR LOGIN
for name in $SERVERS; do
  start_server "$name"
  say "== $name on 127.0.0.1:$port (pid $spid)"
  url="ftp://$USER_NAME:$PASSWORD@127.0.0.1:$port"
  # one warm-up transfer, not counted (the JVM compiles its transfer loop): a download, or an
  # upload when only STOR is measured
  if part RETR || ! part STOR; then
    taskset -c 1 curl -s -o /dev/null "$url/files/big.bin" || true
  else
    taskset -c 1 curl -s -T "$work/big.bin" "$url/up.bin" || true
    rm -f "$work/home/up.bin"
  fi
  r=(); s=(); l=()
  for ((run = 1; run <= RUNS; run++)); do
    part RETR || part STOR || break
    wait_quiet
    d=n/a u=n/a
    if part RETR; then
      d=$(taskset -c 1 curl -s -o /dev/null -w '%{speed_download}' "$url/files/big.bin")
    fi
    if part STOR; then
      u=$(taskset -c 1 curl -s -T "$work/big.bin" -w '%{speed_upload}' "$url/up.bin")
      rm -f "$work/home/up.bin"
    fi
    r+=("$(awk -v b="$d" 'BEGIN { if (b ~ /^[0-9.]+$/) printf "%.1f", b / 1e6; else print "n/a" }')")
    s+=("$(awk -v b="$u" 'BEGIN { if (b ~ /^[0-9.]+$/) printf "%.1f", b / 1e6; else print "n/a" }')")
    say "  run $run: RETR ${r[-1]} MB/s, STOR ${s[-1]} MB/s"
  done
  for ((run = 1; run <= LOGIN_RUNS; run++)); do
    part LOGINS || break
    wait_quiet
    out=$(taskset -c 1 python3 "$work/logins.py" "$port" "$USER_NAME" "$PASSWORD" "$LOGINS")
    say "  logins run $run: $out (seconds, errors, first error)"
    l+=("$(awk '{ print ($2 == 0) ? $1 : "n/a" }' <<<"$out")")
  done
  RETR[$name]=$(median "${r[@]}"); STOR[$name]=$(median "${s[@]}"); LOGIN[$name]=$(median "${l[@]}")
  stop_server
done

echo "### ftp: netloom vs vsftpd, ${SIZE_MB} MiB transfers (median of $RUNS) and $LOGINS logins + LIST (median of $LOGIN_RUNS)"
echo
echo "| measure | netloom | vsftpd | ratio |"
echo "|---|---:|---:|---:|"
for m in RETR STOR; do
  declare -n v=$m
  echo "| $m MB/s | $(fmt 0 "${v[netloom]:-n/a}") | $(fmt 0 "${v[vsftpd]:-n/a}") | $(ratio "${v[netloom]:-n/a}" "${v[vsftpd]:-n/a}") |"
  unset -n v
done
echo "| $LOGINS logins + LIST, s | ${LOGIN[netloom]:-n/a} | ${LOGIN[vsftpd]:-n/a} | $(ratio "${LOGIN[netloom]:-n/a}" "${LOGIN[vsftpd]:-n/a}") |"
echo
goal "RETR netloom/vsftpd" "$(ratio "${RETR[netloom]:-n/a}" "${RETR[vsftpd]:-n/a}")" ">=" 0.9
goal "STOR netloom/vsftpd" "$(ratio "${STOR[netloom]:-n/a}" "${STOR[vsftpd]:-n/a}")" ">=" 0.9
goal "logins: netloom time / vsftpd time" "$(ratio "${LOGIN[netloom]:-n/a}" "${LOGIN[vsftpd]:-n/a}")" "<=" 0.99
echo
java_home=$("$repo/bin/find-java") && echo "- netloom's password check, on CPU 0: $(taskset -c 0 "$java_home/bin/java" \
  -cp "$repo/target/netloom.jar" "$bench/PasswordCost.java") (vsftpd's crypt check: about 22 ms here, per issue 8)"
echo
echo "Commands: server on CPU 0, curl and the login client on CPU 1; RETR \`curl -o /dev/null URL\`, STOR \`curl -T FILE URL\`;"
echo "logins: $LOGINS Python ftplib threads released at once (connect, login, LIST, QUIT)."
echo "vsftpd $(dpkg-query -W -f='${Version}' vsftpd 2>/dev/null || echo '?'), netloom $(netloom_built "$repo/bin/netloom" "$repo"), $(nproc) CPUs"
