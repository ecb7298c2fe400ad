#!/usr/bin/env bash
# Peer-to-peer file sharing: netloom's `p2p get` side by side with the BitTorrent client aria2c
# (Debian `aria2`, with a torrent from `mktorrent` and Debian's `opentracker`), on loopback: the
# same file of random bytes (SIZE_MB, 1 GiB by default), one downloader and SEEDERS (4) seeders,
# seeders pinned to CPU 0 and the downloader to CPU 1, medians of RUNS.
#
# The file is made once in the work directory; both tools seed that same file (aria2c seeders
# through hard links, one directory each) and it stays in the page cache for both: nothing is
# dropped from it. Both sets of seeders are started first and stay up (each set idle while the
# other is measured); run by run the targets take turns, each run a fresh downloader into an empty
# directory:
#   netloom: SEEDERS x `NETLOOM_HOME=$TMP/netloom/seed-I bin/netloom p2p share FILE --port N`, one
#            after another (each hashes the file, then prints its link); the downloader is
#            `NETLOOM_HOME=$TMP/netloom/get-R/home bin/netloom p2p get LINK -o DIR --timeout Ts`,
#            a fresh JVM with a fresh home, LINK the first seeder's link with `&peer=127.0.0.1:N` added
#            for each other seeder (no rendezvous). Every home has `p2p.lan=false`: no multicast.
#   aria2:   `mktorrent -l 18` (256 KiB pieces, netloom's chunk size) announcing to an opentracker
#            on 127.0.0.1 in whitelist mode (`-w`, the torrent's info hash); SEEDERS x
#            `aria2c --seed-ratio=0.0 -V --check-integrity=true -d DIR --listen-port=N` (each its
#            own directory holding a hard link of the file) until the tracker counts them all
#            complete; the downloader `aria2c --seed-time=0 -d DIR --listen-port=N`, which exits
#            once the file is complete. DHT, local peer discovery and peer exchange are off.
# Per run: the wall time of the whole download command (date +%s%N; for netloom it includes the
# JVM's start), the time netloom reports itself (`complete: ... in X s`), the downloader's
# user+system CPU (/usr/bin/time), the seeders' (/proc/PID/stat utime+stime of each, before and
# after), the rest of the machine's CPU and steal, and whether the file arrived byte-identical
# (cmp). The hashing limit: SHA-256 on one core (CPU 1), from `openssl speed -bytes 1048576
# -seconds 3 sha256` and from `sha256sum` of the file. Prints a markdown table of the medians,
# netloom ÷ aria2c and the goal (≤ 0.25) on stdout; progress on stderr.
#
# Environment (defaults in brackets):
#   SIZE_MB [1024]  the file's size in MiB     RUNS [3]     TARGETS ["netloom aria2"]; with
#               netloom-noaot too, netloom's downloads also run without the AOT cache (NETLOOM_AOT=off)
#               from the same seeders, taking turns with the others
#   SEEDERS [4]     TIMEOUT [300] s per download (netloom's --timeout, and `timeout` for both)
#   WARMUP [0]      downloads per target before the measured runs, not counted (listed per run)
#   NETLOOM [bin/netloom]  NETLOOM_JAVA_OPTS (every netloom process: seeders and downloaders)
#   QUIET_WAIT [0]  before each run wait up to this many seconds for the rest of the machine to
#               fall under 20% of a CPU (see lib.bash); then a measured run the rest of the
#               machine disturbed (over 25% of a CPU, or steal over 10%) is done again, twice at
#               most, and the least disturbed attempt counts
#   KEEP_LOGS [0]  1 keeps the work directory (logs, homes, torrent; downloaded files are removed)
# Installs aria2, mktorrent, opentracker (and curl, time) with apt-get when they are missing and it
# can (root or passwordless sudo); else says what to install and exits 2. Loopback only; every
# process is bounded by `timeout`, and an exit trap stops them all. Exits 0 when every seeder
# started, every download completed and every file arrived byte-identical (and the source file is
# unchanged at the end); else 1. The goal not met does not change the exit code: it is printed.
set -u

bench=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
here=$(cd "$bench/.." && pwd)
netloom=${NETLOOM:-$here/bin/netloom}
targets=${TARGETS:-netloom aria2}
size_mb=${SIZE_MB:-1024}
runs=${RUNS:-3}
nseed=${SEEDERS:-4}
dl_timeout=${TIMEOUT:-300}
warmups=${WARMUP:-0}
keep=${KEEP_LOGS:-0}
quiet_wait=${QUIET_WAIT:-0}

die() { echo "p2p: $*" >&2; exit 2; }
say() { echo "$*" >&2; }
# shellcheck source-path=SCRIPTDIR source=lib.bash
. "$bench/lib.bash"

for t in $targets; do
  case $t in netloom|netloom-noaot|aria2) ;; *) die "unknown target '$t' in TARGETS (netloom, netloom-noaot, aria2)";; esac
done
for v in SIZE_MB RUNS SEEDERS TIMEOUT; do
  x=${!v:-1}
  [[ $x =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '$x'"
done
[[ $warmups =~ ^[0-9]+$ ]] || die "WARMUP must be a whole number of downloads, not '$warmups'"
[[ $quiet_wait =~ ^[0-9]+$ ]] || die "QUIET_WAIT must be a whole number of seconds, not '$quiet_wait'"
wants() { [[ " $targets " == *" $1 "* ]]; }
# netloom-noaot: netloom's downloads without the AOT cache (NETLOOM_AOT=off), from the same seeders
if wants netloom-noaot && ! wants netloom; then die "TARGETS: netloom-noaot downloads from netloom's seeders: add netloom"; fi
if wants netloom; then
  if [ -z "${NETLOOM:-}" ] && [ ! -f "$here/target/netloom.jar" ]; then
    die "target/netloom.jar is missing: build netloom first (make build), or leave netloom out of TARGETS"
  fi
  [ -x "$netloom" ] || die "NETLOOM=$netloom is not an executable launcher"
fi

# ---- tools (apt-get when missing and allowed) ----
missing=()
if wants aria2; then
  command -v aria2c >/dev/null 2>&1 || missing+=(aria2)
  command -v mktorrent >/dev/null 2>&1 || missing+=(mktorrent)
  [ -n "$(find_bin opentracker)" ] || missing+=(opentracker)
  command -v curl >/dev/null 2>&1 || missing+=(curl)  # the tracker's scrape
fi
[ -x /usr/bin/time ] || missing+=(time)
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install p2p "or leave aria2 out of TARGETS" "${missing[@]}"
  # Debian's opentracker has a service (opentracker.service, on 6969); when no policy-rc.d kept
  # its postinst from starting it, stop it: this bench runs its own tracker on a free port.
  if [[ " ${missing[*]} " == *" opentracker "* ]] && command -v systemctl >/dev/null 2>&1 &&
     systemctl is-active --quiet opentracker 2>/dev/null; then
    say "p2p: the opentracker package started its Debian service: stopping it"
    "${sudo_cmd[@]}" systemctl stop opentracker >/dev/null 2>&1 || true
  fi
fi
if wants aria2; then
  for b in aria2c mktorrent curl; do command -v "$b" >/dev/null 2>&1 || die "$b is still missing after apt-get install"; done
  opentracker_bin=$(find_bin opentracker)
  [ -n "$opentracker_bin" ] || die "opentracker is still missing after apt-get install"
fi
[ -x /usr/bin/time ] || die "/usr/bin/time is still missing after apt-get install"

nl_built=""
wants netloom && nl_built=$(netloom_built "$netloom" "$here")

# ---- work directory, cleanup ----
work=$(mktemp -d "${TMPDIR:-/tmp}/p2p-bench.XXXXXX")
chmod 755 "$work"   # opentracker drops to nobody when started by root
live=()   # pids this script started and has not reaped yet
wpid=""   # the downloader's, while it runs
cleanup() {
  stop_live
  if [ "$keep" = 1 ]; then
    find "$work" -name "$name" -type f -delete 2>/dev/null  # the GiB copies; the logs stay
    say "logs kept in $work"
  else
    rm -rf "$work"
  fi
}
name=p2p-${size_mb}MiB.bin
trap cleanup EXIT
trap 'exit 130' INT TERM

pin_cpus "downloader"
[ -z "$pin0" ] || pinning="seeders on CPU 0, the downloader on CPU 1 (taskset)"
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
bytes=$((size_mb * 1048576))
gib=$(awk -v b="$bytes" 'BEGIN { printf "%.6f", b / 1073741824 }')
# every seeder lives at most this long (set-up, the runs, a margin)
life=$((900 + (runs + warmups) * 2 * (dl_timeout + 60)))
started=$(date +%s)
failures=0

# ---- the file (made once), the hashing limit ----
mkdir -p "$work/data"
file=$work/data/$name
fs=$(findmnt -n -o FSTYPE -T "$work" 2>/dev/null || df -T "$work" 2>/dev/null | awk 'NR == 2 { print $2 }')
say "p2p: making $name ($size_mb MiB of random bytes) in $work ($fs); targets: $targets; RUNS=$runs; $nseed seeders; $pinning"
head -c "$bytes" /dev/urandom >"$file" || die "could not write $file"
# SHA-256 on one core: openssl's own loop over a 1 MiB buffer, and sha256sum of the file (page cache)
ossl_rate="n/a" sha_file_s="n/a"
if command -v openssl >/dev/null 2>&1; then
  # shellcheck disable=SC2086
  ossl_rate=$($pin1 openssl speed -bytes 1048576 -seconds 3 sha256 2>/dev/null |
    awk '$1 == "sha256" && $NF ~ /k$/ { sub(/k$/, "", $NF); printf "%.0f\n", $NF * 1000 }')
  [ -n "$ossl_rate" ] || ossl_rate="n/a"
fi
t0=$(date +%s%N)
# shellcheck disable=SC2086
sha_src=$($pin1 sha256sum "$file" | awk '{ print $1 }')
sha_file_s=$(awk -v n="$(( $(date +%s%N) - t0 ))" 'BEGIN { printf "%.3f", n / 1e9 }')
hash_limit=$(awk -v b="$bytes" -v r="$ossl_rate" 'BEGIN { if (r !~ /^[0-9.]+$/ || r == 0) print "n/a"; else printf "%.3f", b / r }')
[ "$hash_limit" != n/a ] || hash_limit=$sha_file_s
say "p2p: SHA-256 on CPU 1: openssl speed $(fmt 0 "$(awk -v r="$ossl_rate" 'BEGIN { if (r ~ /^[0-9.]+$/) print r / 1e6; else print "n/a" }')") MB/s" \
    "($hash_limit s for the file); sha256sum of the file $sha_file_s s"

declare -A seed_pids seed_tpids seed_cmd stopped
# seed_pids[T]: the seeders' processes (java, aria2c), for their CPU time; seed_tpids[T]: their
# `timeout` wrappers, the children of this shell

# ---- netloom: the seeders ----
nl_home() {  # nl_home DIR: an empty netloom home with LAN discovery off (no multicast)
  mkdir -p "$1"
  echo "p2p.lan=false" >"$1/netloom.properties"
}
# start_nl_seeder I: sets nl_port and nl_link; 1 when it did not start
start_nl_seeder() {
  local d=$work/netloom/seed-$1 attempt i pid jpid port line=""
  nl_home "$d"
  for ((attempt = 0; attempt < 5; attempt++)); do
    port=$(free_port)
    # shellcheck disable=SC2086
    NETLOOM_HOME=$d timeout -k 5 "$life" $pin0 "$netloom" p2p share "$file" --port "$port" \
      >"$d/share.out" 2>"$d/share.err" </dev/null &
    pid=$!; live+=("$pid")
    for ((i = 0; i < 3000; i++)); do   # 300 s: a JVM's start and the file's hashing
      line=$(head -n 1 "$d/share.out" 2>/dev/null)
      [ -n "$line" ] && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    [ -n "$line" ] && break
    kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; forget "$pid"; pid=""
    grep -qsi 'in use\|BindException' "$d/share.err" || break
  done
  if [ -z "$line" ] || [[ $line != netloom://* ]]; then
    say "  netloom seeder $1 did not print its link: ${line:+first line \"$line\"; }$(tail -n 8 "$d/share.err" 2>/dev/null)"
    return 1
  fi
  jpid=$(pgrep -P "$pid" | head -n 1)
  live+=(${jpid:+"$jpid"})
  seed_tpids[netloom]+="$pid " seed_pids[netloom]+="${jpid:-$pid} "
  nl_port=$port nl_link=$line
}

# ---- aria2: the torrent, the tracker, the seeders ----
# scrape_complete: how many seeders the tracker counts for the torrent
scrape_complete() {
  curl -s --max-time 2 "http://127.0.0.1:$tr_port/scrape?info_hash=$ih_url" 2>/dev/null |
    LC_ALL=C grep -ao '8:completei[0-9]*e' | head -n 1 | sed 's/^8:completei//; s/e$//'
}
# start_tracker: makes the torrent announcing to a free port and starts opentracker there
start_tracker() {
  local d=$work/aria2/tracker attempt pid
  mkdir -p "$d"; chmod 755 "$d" "$work/aria2"
  for ((attempt = 0; attempt < 5; attempt++)); do
    tr_port=$(free_port)
    rm -f "$work/aria2/$name.torrent"
    mktorrent -l 18 -a "http://127.0.0.1:$tr_port/announce" -o "$work/aria2/$name.torrent" "$file" \
      >"$work/aria2/mktorrent.out" 2>&1 || { say "  mktorrent failed: $(tail -n 3 "$work/aria2/mktorrent.out")"; return 1; }
    info_hash=$(aria2c -S "$work/aria2/$name.torrent" | sed -n 's/^Info Hash: *\([0-9a-fA-F]\{40\}\).*/\1/p' | tr 'A-F' 'a-f')
    [ -n "$info_hash" ] || { say "  aria2c -S found no info hash in the torrent"; return 1; }
    # shellcheck disable=SC2001
    ih_url=$(echo "$info_hash" | sed 's/../%&/g')
    echo "$info_hash" >"$d/whitelist.txt"; chmod 644 "$d/whitelist.txt"
    # as root it chroots to -d and drops to nobody, else it chdirs there: -w relative to it
    timeout -k 5 "$life" "$opentracker_bin" -i 127.0.0.1 -p "$tr_port" -d "$d" -w whitelist.txt \
      >"$d/tracker.out" 2>&1 </dev/null &
    pid=$!; live+=("$pid")
    wait_listening "$tr_port" 10 && kill -0 "$pid" 2>/dev/null && break
    kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; forget "$pid"; pid=""
  done
  [ -n "$pid" ] || { say "  opentracker did not start: $(tail -n 5 "$d/tracker.out")"; return 1; }
  tr_pid=$pid tr_tpid=$(pgrep -P "$pid" | head -n 1)
  live+=(${tr_tpid:+"$tr_tpid"})
  # whitelist mode: a torrent not listed is refused
  if ! curl -s --max-time 2 "http://127.0.0.1:$tr_port/announce?info_hash=%00%01%02%03%04%05%06%07%08%09%0a%0b%0c%0d%0e%0f%10%11%12%13&peer_id=-BENCHCHECK-00000000&port=1&left=0&compact=1" |
       grep -q 'not authorized'; then
    say "  opentracker: an announce of a torrent not in its whitelist was not refused (not in whitelist mode?)"
  fi
}
aria2_common=(--enable-dht=false --enable-dht6=false --bt-enable-lpd=false --enable-peer-exchange=false
              --summary-interval=0 --console-log-level=warn --enable-color=false)
# start_aria2_seeder I
start_aria2_seeder() {
  local d=$work/aria2/seed-$1 attempt i pid apid port n ok=false
  mkdir -p "$d"
  ln -f "$file" "$d/$name" || return 1
  for ((attempt = 0; attempt < 3; attempt++)); do
    port=$(free_port)
    # shellcheck disable=SC2086
    timeout -k 5 "$life" $pin0 aria2c --seed-ratio=0.0 -V --check-integrity=true -d "$d" --listen-port="$port" \
      "${aria2_common[@]}" --log="$d/aria2.log" --log-level=notice "$work/aria2/$name.torrent" >"$d/aria2.out" 2>&1 </dev/null &
    pid=$!; live+=("$pid")
    for ((i = 0; i < 1200; i++)); do   # 120 s: it checks every piece (SHA-1) before it seeds
      n=$(scrape_complete)
      if [ "${n:-0}" -ge "$1" ] && ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then ok=true; break; fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    $ok && break
    kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; forget "$pid"; pid=""
  done
  $ok || { say "  aria2c seeder $1 did not start seeding (tracker counts ${n:-?}): $(tail -n 5 "$d/aria2.out")"; return 1; }
  apid=$(pgrep -P "$pid" | head -n 1)
  live+=(${apid:+"$apid"})
  seed_tpids[aria2]+="$pid " seed_pids[aria2]+="${apid:-$pid} "
}

up=()
if wants netloom; then
  say "== netloom: $nseed seeders"
  ok=true links=""
  for ((i = 1; i <= nseed; i++)); do
    t0=$(date +%s%N)
    start_nl_seeder "$i" || { ok=false; break; }
    say "  seeder $i: 127.0.0.1:$nl_port (pid $(echo "${seed_pids[netloom]}" | awk '{ print $NF }')), link after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
    root=${nl_link#netloom://}; root=${root%%/*}
    if [ "$i" = 1 ]; then link=$nl_link root1=$root
    else
      [ "$root" = "$root1" ] || { say "  seeder $i printed another root ($root, not $root1)"; ok=false; break; }
      link="$link&peer=127.0.0.1:$nl_port"
    fi
    links+="$nl_link"$'\n'
  done
  seed_cmd[netloom]="NETLOOM_HOME=\$TMP/netloom/seed-I ${NETLOOM_JAVA_OPTS:+NETLOOM_JAVA_OPTS=\"$NETLOOM_JAVA_OPTS\" }$pin0${pin0:+ }${netloom#"$here/"} p2p share \$TMP/data/$name --port N"
  if $ok; then
    up+=(netloom); say "  link: $link"
    if wants netloom-noaot; then up+=(netloom-noaot); seed_pids[netloom-noaot]=${seed_pids[netloom]}; fi
  else failures=$((failures + 1)); stopped[netloom]="did not start"; fi
fi
if wants aria2; then
  say "== aria2: torrent, tracker, $nseed seeders"
  ok=true
  start_tracker || ok=false
  if $ok; then
    say "  opentracker on 127.0.0.1:$tr_port (whitelist: $info_hash)"
    for ((i = 1; i <= nseed; i++)); do
      t0=$(date +%s%N)
      start_aria2_seeder "$i" || { ok=false; break; }
      say "  seeder $i: pid $(echo "${seed_pids[aria2]}" | awk '{ print $NF }'), seeding after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
    done
  fi
  seed_cmd[aria2]="$pin0${pin0:+ }aria2c --seed-ratio=0.0 -V --check-integrity=true -d \$TMP/aria2/seed-I --listen-port=N ${aria2_common[*]} --log=\$TMP/aria2/seed-I/aria2.log --log-level=notice \$TMP/aria2/$name.torrent"
  if $ok; then up+=(aria2)
  else failures=$((failures + 1)); stopped[aria2]="did not start"; fi
fi

# ---- the downloads ----
dl_cmd() {  # dl_cmd TARGET DIR PORT: the downloader's command line, in the array cmd
  # shellcheck disable=SC2206  # pin1 is a command and its arguments, or nothing
  case $1 in
    netloom|netloom-noaot) cmd=($pin1 "$netloom" p2p get "$link" -o "$2" --timeout "${dl_timeout}s") ;;
    aria2) cmd=($pin1 aria2c --seed-time=0 -d "$2" --listen-port="$3" "${aria2_common[@]}" --log="$2.log"
                --log-level=notice "$work/aria2/$name.torrent") ;;
  esac
}
# measure CASE TARGET RUN ATTEMPT: one download with the CPU counters around it (CASE p2p, or warmup
# for a download not counted); sets line (for results), rest and st_pct
measure() {
  local c=$1 t=$2 r=$3 d=$work/$2/get-$3 dl home b0 st0 s0 t0 t1 s1 b1 st1 rc tm inproc peers ident=no
  [ "$4" = 0 ] || d=$d.$4
  errs=""
  dl=$d/download home=$d/home
  mkdir -p "$dl"
  [[ $t == netloom* ]] && nl_home "$home"
  peers=$([ "$t" = aria2 ] && scrape_complete)
  wait_quiet
  # shellcheck disable=SC2086
  { read -r b0 st0 < <(machine_ticks); s0=$(cpu_ticks ${seed_pids[$t]}); t0=$(date +%s%N); }
  dl_cmd "$t" "$dl" "$(free_port)"
  # timeout outermost: a TERM to it (the exit trap) reaches its whole process group
  NETLOOM_HOME=$home NETLOOM_AOT=$([ "$t" = netloom-noaot ] && echo off || echo on) timeout -k 5 $((dl_timeout + 30)) \
    /usr/bin/time -o "$d/time.txt" -f '%e %U %S' "${cmd[@]}" >"$d/get.out" 2>"$d/get.err" </dev/null &
  wpid=$!
  wait "$wpid"; rc=$?
  wpid=""
  # shellcheck disable=SC2086
  { t1=$(date +%s%N); s1=$(cpu_ticks ${seed_pids[$t]}); read -r b1 st1 < <(machine_ticks); }
  read -r _ u s < <(tail -n 1 "$d/time.txt" 2>/dev/null)
  tm=$(awk -v u="${u:-}" -v s="${s:-}" 'BEGIN { if (u ~ /^[0-9.]+$/ && s ~ /^[0-9.]+$/) printf "%.2f", u + s; else print "n/a" }')
  inproc="n/a"
  if [[ $t == netloom* ]]; then
    line=$(grep -m 1 '^complete: ' "$d/get.out")
    inproc=$(echo "$line" | sed -n 's/.* in \([0-9.]*\) s (.*/\1/p')
    peers=$(echo "$line" | sed -n 's/.* from \([0-9]*\) peers.*/\1/p')
    [ -n "$inproc" ] || { inproc="n/a"; errs+="${errs:+,}no-complete-line"; }
  fi
  [ "$rc" = 0 ] || errs+="${errs:+,}exit=$rc"
  if [ -f "$dl/$name" ] && cmp -s "$file" "$dl/$name"; then ident=yes
  else errs+="${errs:+,}$([ -f "$dl/$name" ] && echo differs || echo missing)"; fi
  # the seeders still running?
  for p in ${seed_pids[$t]}; do kill -0 "$p" 2>/dev/null || errs+="${errs:+,}seeder-$p-gone"; done
  ls -la "$dl" >"$d/download.ls" 2>&1
  rm -rf "$dl"   # a GiB each: the results are in, the logs stay
  read -r wall mbs dl_gib seed_s seed_gib rest st_pct < <(awk -v n="$((t1 - t0))" -v b="$bytes" -v g="$gib" \
      -v tm="$tm" -v ds="$((s1 - s0))" -v dm="$((b1 - b0))" -v dst="$((st1 - st0))" -v hz="$hz" 'BEGIN {
    secs = n / 1e9; o = dm - ds - (tm ~ /^[0-9.]+$/ ? tm * hz : 0); if (o < 0) o = 0
    printf "%.2f %.1f %s %.2f %.2f %.1f %.1f\n", secs, b / secs / 1e6,
      (tm ~ /^[0-9.]+$/ ? sprintf("%.2f", tm / g) : "n/a"), ds / hz, ds / hz / g, o / hz / secs * 100, dst / hz / secs * 100 }')
  line="$c $t $r $wall $inproc $mbs $tm $seed_s $dl_gib $seed_gib $ident ${errs:--} $rest $st_pct ${peers:-n/a}"
  [ -z "$errs" ] || failures=$((failures + 1))
  say "  $([ "$c" = warmup ] && echo "warm-up ")run $r, $t: $wall s$([ "$inproc" != n/a ] && echo " (in-process $inproc s)"), $(fmt 0 "$mbs") MB/s," \
      "downloader CPU $tm s ($dl_gib s/GiB), seeders $seed_s s ($seed_gib s/GiB), byte-identical $ident," \
      "peers ${peers:-n/a}, rest $rest%, steal $st_pct%${errs:+; ERRORS: $errs}"
  if [ -n "$errs" ]; then
    tail -n 5 "$d/get.err" "$d/get.out" 2>/dev/null | sed 's/^/    /' >&2
  fi
}

# run_one CASE TARGET RUN: a download; with QUIET_WAIT, a measured one (CASE p2p) the rest of the
# machine disturbed is done again (twice at most), and the least disturbed attempt counts
results=()   # case target run wall_s inproc_s MB/s dl_cpu_s seed_cpu_s dl_cpu/GiB seed_cpu/GiB identical errors rest% steal% peers
discarded=() # the attempts that did not count
run_one() {
  local redo=0 best="" best_noise="" noise
  while :; do
    measure "$1" "$2" "$3" "$redo"
    noise=$(awk -v o="$rest" -v st="$st_pct" 'BEGIN { print (o ~ /^[0-9.]+$/ ? o : 0) + (st ~ /^[0-9.]+$/ ? st : 0) }')
    if [ "$redo" -gt 0 ] && ! awk -v a="$noise" -v b="$best_noise" 'BEGIN { exit !(a < b) }'; then
      discarded+=("$line")
    else
      [ -z "$best" ] || discarded+=("$best")
      best=$line best_noise=$noise
    fi
    if [ "$1" = p2p ] && [ "$quiet_wait" -gt 0 ] && [ -z "$errs" ] && [ "$redo" -lt 2 ] && is_noisy "$rest" "$st_pct"; then
      redo=$((redo + 1))
      say "    (disturbed by the rest of the machine: running it again)"
      continue
    fi
    break
  done
  results+=("$best")
}

if [ "${#up[@]}" -gt 0 ]; then
  say "== downloads: $([ "$warmups" -gt 0 ] && echo "$warmups warm-up(s), then ")$runs run(s), the targets taking turns"
  for ((r = 1; r <= warmups; r++)); do
    for t in "${up[@]}"; do run_one warmup "$t" "w$r"; done
  done
  for ((r = 1; r <= runs; r++)); do
    for t in "${up[@]}"; do run_one p2p "$t" "$r"; done
  done
fi

# ---- stop the seeders and the tracker ----
for t in "${up[@]}"; do
  codes=""
  for p in ${seed_tpids[$t]:-}; do   # none of its own for netloom-noaot (netloom's seeders)
    term_server "$p" "$t seeder"
    codes+="${codes:+ }$stop_rc"
  done
  # shellcheck disable=SC2086
  forget ${seed_tpids[$t]:-} ${seed_pids[$t]}
  stopped[$t]="exit codes on SIGTERM: $codes"
done
if [ -n "${tr_pid:-}" ]; then term_server "$tr_pid" opentracker; forget "$tr_pid" "${tr_tpid:-}"; fi
# the source, seeded by both (aria2c's through hard links), must be as it was made
sha_end=$(sha256sum "$file" | awk '{ print $1 }')
[ "$sha_end" = "$sha_src" ] || { say "p2p: the source file changed during the bench ($sha_src, now $sha_end)"; failures=$((failures + 1)); }

# ---- report (stdout, markdown) ----
row_name() { case $1 in aria2) echo "aria2c (BitTorrent)";; netloom-noaot) echo "netloom p2p, no AOT cache";; *) echo "netloom p2p";; esac; }
declare -A m_wall m_in m_mbs m_dl m_seed
for t in netloom netloom-noaot aria2; do
  [ -n "$(col p2p "$t" 4)" ] || continue
  m_wall[$t]=$(med p2p "$t" 4) m_in[$t]=$(med p2p "$t" 5) m_mbs[$t]=$(med p2p "$t" 6)
  m_dl[$t]=$(med p2p "$t" 9) m_seed[$t]=$(med p2p "$t" 10)
done
idents() { col p2p "$1" 11 | sort | uniq -c | awk '{ printf "%s%s ×%s", s, $2, $1; s = ", " }'; }
size_txt=$(awk -v m="$size_mb" 'BEGIN { if (m % 1024 == 0) printf "%d GiB", m / 1024; else printf "%d MiB", m }')

echo "### Peer-to-peer: netloom p2p vs aria2c (BitTorrent), $size_txt, $nseed seeders, loopback"
echo
echo "| target | wall s | in-process s | MB/s (wall) | ÷ aria2c (wall) | downloader CPU s/GiB | seeders CPU s/GiB | byte-identical | peers | errors |"
echo "|---|---:|---:|---:|---:|---:|---:|---|---:|---|"
for t in netloom netloom-noaot aria2; do
  wants "$t" || continue
  [ -n "${m_wall[$t]:-}" ] || { echo "| $(row_name "$t") | ${stopped[$t]:-not run} | | | | | | | | |"; continue; }
  e=$(errs_of p2p "$t")
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(row_name "$t")" \
    "$(fmt 2 "${m_wall[$t]}")" "$(fmt 2 "${m_in[$t]}")" "$(fmt 0 "${m_mbs[$t]}")" \
    "$(ratio "${m_wall[$t]}" "${m_wall[aria2]:-}")" "$(fmt 2 "${m_dl[$t]}")" "$(fmt 2 "${m_seed[$t]}")" \
    "$(idents "$t")" "$(median "$(col p2p "$t" 15)")" "${e:-0}"
done
echo
cat <<EOF
Medians of $runs run(s) per target, the targets taking turns run by run. wall = the whole download
command, from its start until it exited with the file complete (netloom: a fresh JVM, so its start
is included; aria2c: its announce to the tracker included); in-process = the time netloom's \`p2p
get\` reports itself (\`complete: ... in X s\`). MB/s = $bytes bytes ÷ wall (10^6 bytes). CPU
per GiB: the downloader's user+system time (/usr/bin/time, every thread) and the $nseed seeders'
together (/proc/PID/stat utime+stime, before and after the download), ÷ the file's size in GiB.
peers: netloom's own count of peers it downloaded from; aria2c: seeders the tracker counted
complete before the run. Both verify every chunk: netloom SHA-256 per 256 KiB chunk against the
manifest the link's root names, aria2c SHA-1 per 256 KiB piece against the torrent;
byte-identical = \`cmp\` of the downloaded file against the source.$([ "$warmups" -gt 0 ] && echo " Before the runs, $warmups
warm-up download(s) per target, not counted.")
EOF
# disturbed_note reads the array named results: the measured runs only (not the warm-ups), then restored
all_results=("${results[@]}")
mapfile -t results < <(printf '%s\n' "${all_results[@]}" | awk '$1 == "p2p"')
disturbed_note 13 14 "the downloader and the seeders" "" "the CPU seconds per GiB"
results=("${all_results[@]}")
echo
echo "Goal and limits:"
echo
goal "netloom ÷ aria2c, wall time" "$(ratio "${m_wall[netloom]:-}" "${m_wall[aria2]:-}")" "<=" 0.25
echo "- netloom ÷ aria2c, netloom's in-process time against aria2c's wall: $(ratio "${m_in[netloom]:-}" "${m_wall[aria2]:-}")"
echo "- hashing limit: SHA-256 of $size_txt on one core (CPU 1) takes $hash_limit s" \
     "(openssl speed -bytes 1048576 -seconds 3 sha256: $(fmt 0 "$(awk -v r="$ossl_rate" 'BEGIN { if (r ~ /^[0-9.]+$/) print r / 1e6; else print "n/a" }')") MB/s);" \
     "sha256sum of the file from the page cache on CPU 1: $sha_file_s s"
echo "- netloom's time ÷ the hashing limit: wall $(ratio "${m_wall[netloom]:-}" "$hash_limit")," \
     "in-process $(ratio "${m_in[netloom]:-}" "$hash_limit") (1.00 = the downloader did nothing but hash)"
echo

echo "Setup (\$TMP = the work directory, on $fs; $pinning):"
echo
echo "- the file: \$TMP/data/$name, $bytes random bytes (/dev/urandom), made once; in the page cache" \
     "for every run of both (nothing dropped from it); each download written to a fresh directory under \$TMP"
if wants netloom; then
  echo "- netloom seeders: \`${seed_cmd[netloom]}\`, $nseed one after another (each waits for the previous one's link); ${stopped[netloom]:-not started}" | sed "s|$work|\$TMP|g"
  dl_cmd netloom "\$TMP/netloom/get-R/download" N
  echo "- netloom downloader: \`NETLOOM_HOME=\$TMP/netloom/get-R/home ${cmd[*]#"$here/"}\`" | sed "s|$work|\$TMP|g; s|$root1|ROOT|g; s|127\.0\.0\.1:[0-9]*|127.0.0.1:N|g"
  echo "  (a fresh home each run; every home has \`p2p.lan=false\`; the link names the $nseed seeders by \`peer=\`, no rendezvous)"
fi
if wants aria2; then
  echo "- torrent: \`mktorrent -l 18 -a http://127.0.0.1:PORT/announce -o \$TMP/aria2/$name.torrent \$TMP/data/$name\` (256 KiB pieces), info hash ${info_hash:-n/a}"
  echo "- tracker: \`timeout $life ${opentracker_bin:-opentracker} -i 127.0.0.1 -p PORT -d \$TMP/aria2/tracker -w whitelist.txt\` (whitelist mode: the info hash; an unlisted torrent is refused)"
  echo "- aria2c seeders: \`${seed_cmd[aria2]}\`, each with a hard link of the file in its own directory; ${stopped[aria2]:-not started}"
  dl_cmd aria2 "\$TMP/aria2/get-R/download" N
  echo "- aria2c downloader: \`${cmd[*]}\`" | sed "s|$work|\$TMP|g"
fi
echo "- $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) CPUs," \
     "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM; $(uname -sr)"
versions=()
if wants aria2; then
  versions+=("$(aria2c --version 2>/dev/null | head -n 1)" "$(mktorrent -h 2>&1 | head -n 1 | sed 's/ (c).*//')"
             "opentracker $(dpkg-query -W -f '${Version}' opentracker 2>/dev/null || echo '?')")
fi
versions+=("$("$here/bin/find-java" >/dev/null 2>&1 && "$("$here/bin/find-java")/bin/java" -version 2>&1 | sed -n 2p)")
[ -z "$nl_built" ] || versions+=("netloom $nl_built")
versions+=("$(openssl version 2>/dev/null | awk '{ print $1, $2 }')")
echo "- $(printf '%s; ' "${versions[@]}" | sed 's/; $//')"
echo "- took $(( $(date +%s) - started )) s$( [ "$quiet_wait" -gt 0 ] && echo " (QUIET_WAIT: $waited s spent waiting for a quiet machine)")"
echo
echo "<details><summary>per run</summary>"
echo
if [ "${#results[@]}" -gt 0 ]; then
  echo "| case | target | run | wall s | in-process s | MB/s | downloader CPU s | seeders CPU s | downloader CPU s/GiB | seeders CPU s/GiB | identical | errors | rest of machine CPU % | steal % | peers |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|"
  printf '%s\n' "${results[@]}" | awk 'NF { printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; print "" }'
fi
if [ "${#discarded[@]}" -gt 0 ]; then
  echo
  echo "Done again (disturbed), not counted:"
  echo
  echo "| case | target | run | wall s | in-process s | MB/s | downloader CPU s | seeders CPU s | downloader CPU s/GiB | seeders CPU s/GiB | identical | errors | rest of machine CPU % | steal % | peers |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|"
  printf '%s\n' "${discarded[@]}" | awk 'NF { printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; print "" }'
fi
echo
echo "</details>"
[ "$failures" = 0 ]
