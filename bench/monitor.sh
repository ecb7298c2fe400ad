#!/usr/bin/env bash
# Packet capture and capture-file analysis: netloom's `monitor capture` side by side with tcpdump,
# and `monitor analyze` side by side with tshark, on loopback traffic from netloom's own `http`
# service (issue 19).
#
# One `bin/netloom serve http http.port=0 http.root=$TMP/root http.access-log=off` serves a file of
# SIZE_MB MiB of random bytes (big.bin) and a 64 KiB one (64k.bin) for the whole bench; the server
# and every curl are pinned to CPU 1, the capture process to CPU 0 (taskset; unpinned without it
# or a second CPU). A first transfer of big.bin, not captured, warms the server up.
#
# 1. Capture without loss. Per run, the capturers taking turns run by run (TARGETS):
#      tcpdump: tcpdump -i lo -n -Z USER -s SNAPLEN -w $TMP/.../capture.pcap tcp port PORT
#      netloom: bin/netloom monitor capture -i lo -s SNAPLEN -w $TMP/.../capture.pcap tcp port PORT
#    each under /usr/bin/time (whole-process CPU), started first; once it has printed `listening
#    on` on stderr, one `curl -o /dev/null http://127.0.0.1:PORT/big.bin` (its size checked), then
#    2 s for the capture to drain libpcap's ring (a block goes to user space when full or after a
#    timeout; stopped earlier, the packets of the last block are never read), then SIGTERM. The
#    capturer must exit 0 and print `N packets captured`, `N packets received by filter` and `N
#    packets dropped by kernel` on stderr. Measured: packets in the file (capinfos), the kernel's
#    count, drops, and the capturer's user+system CPU from the transfer's start to SIGTERM (the
#    goal's measure: every thread's run time, /proc/PID/task/*/schedstat, in ns, since clock
#    ticks are too coarse for tcpdump's few ms per 100 MiB) and over its whole life (/usr/bin/time:
#    a JVM's start and JIT included). On lo the kernel hands every packet to a packet socket twice
#    (once sent, once received) and libpcap keeps one copy, so "received by filter" is twice the
#    packets: missing = received/2 - dropped - packets in the file, lost = dropped + missing.
# 2. Analysis. A capture file of about a GB is made once: tcpdump at full snaplen (-s 0, CPU 0)
#    while curl fetches big.bin and, beside it, CONNS times 64k.bin, each on a connection of its
#    own (`Connection: close`); big.bin at ANALYSIS_RATE (curl --limit-rate) and tcpdump with a
#    256 MiB buffer (-B 262144), so that it keeps up writing whole packets. The file is read once
#    (page cache), then per run, taking turns, each pinned to CPU 1 (PIN_ANALYSIS=0: unpinned),
#    under /usr/bin/time:
#      tshark:  tshark -r FILE -q -z conv,tcp
#      netloom: bin/netloom monitor analyze FILE
#    and, once after the runs, `bin/netloom monitor analyze FILE --json`, whose TCP conversations
#    (framesAtoB + framesBtoA per address:port pair) and packets are compared with tshark's conv
#    table (frames per pair) and capinfos' packet count.
# Prints a markdown table per part with the medians of RUNS, the ratios and the goals (zero drops
# where tcpdump has zero; capture CPU during the transfer <= 1.5x tcpdump's; analyze >= 5x faster
# than tshark with the same conversations) on stdout; progress on stderr.
#
# Environment (defaults in brackets):
#   SIZE_MB [1024]   big.bin, in MiB (the transfer captured, and most of the analysis file)
#   RUNS [3]         measured runs per capturer and per analyzer   SNAPLEN [96]  bytes, part 1
#   TARGETS ["tcpdump netloom"]  "tcpdump" alone measures the anchors (the http server still
#                    is netloom's: target/netloom.jar is needed, its monitor command is not)
#   PARTS ["capture analyze"]    CONNS [1000] 64 KiB transfers in the analysis file
#   ANALYSIS_RATE [100M]  curl --limit-rate of big.bin while the analysis file is made (0: none)
#   TIMEOUT [300]    seconds for one step (a transfer, one capture, one analysis)
#   PIN_ANALYSIS [1] 0 runs tshark and netloom analyze unpinned
#   QUIET_WAIT [0]   before each run wait up to this many seconds for the rest of the machine to
#                    fall under 20% of a CPU (lib.bash); then a run the rest of the machine
#                    disturbed (over 25% of a CPU, or steal over 10%) is done again, twice at
#                    most, and the least disturbed attempt counts
#   KEEP_LOGS [0]    1 keeps the work directory (logs, captures, the analysis file; not big.bin)
#   NETLOOM [bin/netloom]  NETLOOM_JAVA_OPTS  (every netloom process)
# Needs root (capturing on lo). Installs tcpdump, tshark (capinfos), curl, jq, time with apt-get
# when missing and it can; else says what to install and exits 2. Loopback only; every process is
# bounded by `timeout`, and an exit trap stops them all.
# Exit codes: 0 when the server started, every transfer was complete, every capturer started,
# exited 0 on SIGTERM and printed its counts, and every analysis exited 0 with output that could
# be read; 1 otherwise; 2 for a bad setting, a missing tool or a netloom without `monitor`
# ("netloom has no monitor command: make build"). Goals not met do not change it: they print.
set -u

bench=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
here=$(cd "$bench/.." && pwd)
netloom=${NETLOOM:-$here/bin/netloom}
targets=${TARGETS:-tcpdump netloom}
parts=${PARTS:-capture analyze}
size_mb=${SIZE_MB:-1024}
runs=${RUNS:-3}
snaplen=${SNAPLEN:-96}
conns=${CONNS:-1000}
an_rate=${ANALYSIS_RATE:-100M}
run_timeout=${TIMEOUT:-300}
pin_analysis=${PIN_ANALYSIS:-1}
keep=${KEEP_LOGS:-0}
quiet_wait=${QUIET_WAIT:-0}

die() { echo "monitor: $*" >&2; exit 2; }
say() { echo "$*" >&2; }
# shellcheck source-path=SCRIPTDIR source=lib.bash
. "$bench/lib.bash"

for t in $targets; do
  case $t in netloom|tcpdump) ;; *) die "unknown target '$t' in TARGETS (tcpdump, netloom)";; esac
done
for p in $parts; do
  case $p in capture|analyze) ;; *) die "unknown part '$p' in PARTS (capture, analyze)";; esac
done
for v in SIZE_MB RUNS SNAPLEN TIMEOUT; do
  x=${!v:-1}
  [[ $x =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '$x'"
done
[[ $conns =~ ^[0-9]+$ ]] || die "CONNS must be a whole number, not '$conns'"
[[ $an_rate =~ ^[0-9]+[kKmMgG]?$ ]] || die "ANALYSIS_RATE must be curl's --limit-rate (e.g. 100M, 0 for none), not '$an_rate'"
[[ $quiet_wait =~ ^[0-9]+$ ]] || die "QUIET_WAIT must be a whole number of seconds, not '$quiet_wait'"
[[ $pin_analysis =~ ^[01]$ ]] || die "PIN_ANALYSIS must be 0 or 1, not '$pin_analysis'"
wants() { [[ " $targets " == *" $1 "* ]]; }
part() { [[ " $parts " == *" $1 "* ]]; }
[ "$(id -u)" -eq 0 ] || die "capturing on lo needs root (CAP_NET_RAW): run it as root"

# ---- tools (apt-get when missing and allowed) ----
missing=()
[ -n "$(find_bin tcpdump)" ] || missing+=(tcpdump)
command -v tshark >/dev/null 2>&1 || missing+=(tshark)
command -v capinfos >/dev/null 2>&1 || missing+=(wireshark-common)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v jq >/dev/null 2>&1 || missing+=(jq)
[ -x /usr/bin/time ] || missing+=(time)
if [ "${#missing[@]}" -gt 0 ]; then
  # tshark's debconf question (may non-root users capture?): no
  apt_debconf="wireshark-common wireshark-common/install-setuid boolean false" apt_install monitor "" "${missing[@]}"
fi
tcpdump_bin=$(find_bin tcpdump)
[ -n "$tcpdump_bin" ] || die "tcpdump is still missing after apt-get install"
for b in tshark capinfos curl jq; do command -v "$b" >/dev/null 2>&1 || die "$b is still missing after apt-get install"; done
[ -x /usr/bin/time ] || die "/usr/bin/time is still missing after apt-get install"

# ---- netloom: the http server always, the monitor command when measured ----
if [ -z "${NETLOOM:-}" ] && [ ! -f "$here/target/netloom.jar" ]; then
  die "target/netloom.jar is missing: build netloom first (make build); its http service serves the transfers"
fi
[ -x "$netloom" ] || die "NETLOOM=$netloom is not an executable launcher"
if wants netloom; then
  for sub in capture analyze; do
    out=$(timeout 60 "$netloom" monitor "$sub" --help 2>&1) && continue
    die "netloom has no monitor command: make build (\`netloom monitor $sub --help\` said: $(echo "$out" | tail -n 2 | tr '\n' ' ' | sed 's/ *$//'); or TARGETS=tcpdump for the anchors alone)"
  done
fi
nl_built=$(netloom_built "$netloom" "$here")

# ---- work directory, cleanup ----
work=$(mktemp -d "${TMPDIR:-/tmp}/monitor-bench.XXXXXX")
chmod 755 "$work"
live=()   # pids this script started and has not reaped yet
wpid=""   # a curl or an analysis, while it runs
cleanup() {
  stop_live
  rm -f "$work/root/big.bin"
  if [ "$keep" = 1 ]; then say "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pin_cpus "curl"
if [ -n "$pin0" ]; then
  pinning="capture process on CPU 0, the http server and curl on CPU 1 (taskset)"
  if [ "$pin_analysis" = 1 ]; then pin_an=$pin1; an_pinning="tshark and netloom analyze each on CPU 1"
  else pin_an=""; an_pinning="tshark and netloom analyze unpinned"; fi
else
  pin_an="" an_pinning="unpinned"
fi
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
bytes=$((size_mb * 1048576))
life=$((1200 + runs * 6 * run_timeout))   # the server's bound: the set-up, every step, a margin
started=$(date +%s)
failures=0
user=$(id -un)
size_txt=$(awk -v m="$size_mb" 'BEGIN { if (m % 1024 == 0) printf "%d GiB", m / 1024; else printf "%d MiB", m }')

# ---- the files and the server ----
mkdir -p "$work/root" "$work/home"
fs=$(findmnt -n -o FSTYPE -T "$work" 2>/dev/null || df -T "$work" 2>/dev/null | awk 'NR == 2 { print $2 }')
say "monitor: making big.bin ($size_mb MiB of random bytes) in $work ($fs); targets: $targets; parts: $parts; RUNS=$runs; $pinning"
head -c "$bytes" /dev/urandom >"$work/root/big.bin" || die "could not write $work/root/big.bin"
head -c 65536 /dev/urandom >"$work/root/64k.bin"
# shellcheck disable=SC2086  # pin1 is a command and its arguments, or nothing
NETLOOM_HOME=$work/home timeout -k 5 "$life" $pin1 "$netloom" serve http http.port=0 "http.root=$work/root" \
  http.access-log=off >"$work/server.out" 2>"$work/server.err" </dev/null &
spid=$!; live+=("$spid")
port=""
for ((i = 0; i < 1200; i++)); do
  port=$(sed -n 's/^http listening on [^ ]*:\([0-9]*\) (tcp).*/\1/p' "$work/server.out" | head -n 1)
  [ -n "$port" ] && break
  kill -0 "$spid" 2>/dev/null || break
  sleep 0.05
done
[ -n "$port" ] || { say "monitor: netloom http did not start: $(tail -n 8 "$work/server.err")"; exit 1; }
srvpid=$(pgrep -P "$spid" | head -n 1)   # java (timeout -> taskset and the launcher exec)
srvpid=${srvpid:-$spid}
live+=("$srvpid")
server_cmd="NETLOOM_HOME=\$TMP/home $pin1${pin1:+ }${netloom#"$here/"} serve http http.port=0 http.root=\$TMP/root http.access-log=off"
url=http://127.0.0.1:$port
say "monitor: netloom http on 127.0.0.1:$port (pid $spid)"

# fetch NAME OUT [CURL-OPTION...]: one curl of NAME pinned to CPU 1, its user+system time in
# OUT.time; prints "bytes seconds" (curl's size_download and time_total)
fetch() {
  # shellcheck disable=SC2086
  timeout -k 5 "$run_timeout" /usr/bin/time -o "$2.time" -f '%e %U %S' $pin1 \
    curl -s "${@:3}" -o /dev/null -w '%{size_download} %{time_total}' "$url/$1" 2>"$2.err" </dev/null &
  wpid=$!
  wait "$wpid"
  wpid=""
}
say "monitor: warm-up transfer (not captured)"
read -r got secs < <(fetch big.bin "$work/warmup")
[ "${got:-0}" = "$bytes" ] || { say "monitor: the warm-up transfer got ${got:-nothing} bytes, not $bytes: $(cat "$work/warmup.err")"; exit 1; }
say "  $(fmt 0 "$(awk -v b="$bytes" -v s="$secs" 'BEGIN { print b / s / 1e6 }')") MB/s"

# cap_stat FILE WORDS: the number before "packets WORDS" in a capturer's stderr
cap_stat() { sed -n "s/^\([0-9][0-9]*\) packets\? $2\$/\1/p" "$1" | tail -n 1; }
# task_ns PID: "TID NS" per thread, NS the time it has run on a CPU (schedstat, user+system, ns)
task_ns() {
  local f t ns _
  for f in /proc/"$1"/task/*/schedstat; do
    t=${f%/schedstat}
    read -r ns _ <"$f" 2>/dev/null && echo "${t##*/} $ns"
  done
}
# ns_delta BEFORE AFTER: seconds of CPU the threads ran between the two task_ns files (threads born
# in between count whole; a thread that ended in between loses its last stretch)
ns_delta() { awk 'NR == FNR { b[$1] = $2; next } { s += $2 - ($1 in b ? b[$1] : 0) } END { printf "%.4f\n", s / 1e9 }' "$1" "$2"; }
in_file() { capinfos -T -r -c -M "$1" 2>/dev/null | awk -F '\t' 'NR == 1 && $2 ~ /^[0-9]+$/ { print $2 }'; }
cap_cmd() {  # cap_cmd TARGET PCAP SNAPLEN [TCPDUMP-OPTION...]: the capturer's command line, in the array cmd
  case $1 in
    tcpdump) cmd=("$tcpdump_bin" -i lo -n -Z "$user" -s "$3" "${@:4}" -w "$2" tcp port "$port") ;;
    netloom) cmd=("$netloom" monitor capture -i lo -s "$3" -w "$2" tcp port "$port") ;;
  esac
}
# start_capture TARGET DIR PCAP SNAPLEN [TCPDUMP-OPTION...]: starts it pinned to CPU 0 under
# /usr/bin/time, waits for `listening on`; sets tpid (timeout's pid), cappid (the capturer's); 1
# when it did not start
start_capture() {
  local d=$2 i tm=""
  cap_cmd "$1" "$3" "$4" "${@:5}"
  # shellcheck disable=SC2086
  NETLOOM_HOME=$work/home timeout -k 5 "$run_timeout" /usr/bin/time -o "$d/time.txt" -f '%e %U %S %M' \
    $pin0 "${cmd[@]}" >"$d/cap.out" 2>"$d/cap.err" </dev/null &
  tpid=$!; live+=("$tpid"); cappid=""
  for ((i = 0; i < 1200; i++)); do
    grep -q 'listening on' "$d/cap.err" 2>/dev/null && break
    kill -0 "$tpid" 2>/dev/null || break
    sleep 0.05
  done
  # timeout -> /usr/bin/time -> the capturer (taskset and the launcher exec)
  tm=$(pgrep -P "$tpid" | head -n 1)
  [ -z "$tm" ] || cappid=$(pgrep -P "$tm" | head -n 1)
  if ! grep -q 'listening on' "$d/cap.err" 2>/dev/null || [ -z "$cappid" ]; then
    say "  $1 did not print \`listening on\`: $(tail -n 5 "$d/cap.err" 2>/dev/null)"
    stop_capture; return 1
  fi
  live+=("$cappid")
}
# stop_capture: SIGTERM to the capturer, up to 30 s to exit (else KILL); sets cap_rc
stop_capture() {
  [ -n "$cappid" ] && kill -TERM "$cappid" 2>/dev/null
  [ -n "$cappid" ] || kill -TERM "$tpid" 2>/dev/null
  if wait_gone "$tpid" 30; then wait "$tpid"; cap_rc=$?
  else kill -KILL "$tpid" "$cappid" 2>/dev/null; wait "$tpid" 2>/dev/null; cap_rc=killed; fi
  forget "$tpid" "$cappid"
}

# measure_capture TARGET RUN ATTEMPT: one captured transfer; sets line (for results), errs, rest,
# st_pct
measure_capture() {
  local t=$1 r=$2 d=$work/capture/$1-$2 b0 st0 b1 st1 s0 s1 c0 c1 t0 t1 m0 m1 got secs nfile ncap nrecv ndrop
  local missing lost whole win rss cu cs u2 s2
  [ "$3" = 0 ] || d=$d.$3
  mkdir -p "$d"
  errs="" line="" rest="n/a" st_pct="n/a"
  wait_quiet
  cap_rc=""
  if ! start_capture "$t" "$d" "$d/capture.pcap" "$snaplen"; then
    errs="did-not-start" line="capture $t $r n/a n/a n/a n/a n/a n/a n/a n/a n/a n/a n/a ${cap_rc:-n/a} $errs n/a n/a"
    failures=$((failures + 1)); return
  fi
  { read -r b0 st0 < <(machine_ticks); m0=$(date +%s%N); s0=$(cpu_ticks "$srvpid"); c0=$(cpu_ticks "$cappid"); task_ns "$cappid" >"$d/ns.0"; t0=$(date +%s%N); }
  read -r got secs < <(fetch big.bin "$d/curl")
  t1=$(date +%s%N)
  sleep 2   # the capture drains libpcap's ring (the last block goes up after its timeout)
  { task_ns "$cappid" >"$d/ns.1"; c1=$(cpu_ticks "$cappid"); s1=$(cpu_ticks "$srvpid"); m1=$(date +%s%N); read -r b1 st1 < <(machine_ticks); }
  win=$(ns_delta "$d/ns.0" "$d/ns.1")
  stop_capture
  [ "${got:-0}" = "$bytes" ] || errs+="${errs:+,}transfer-${got:-0}-bytes"
  [ "$cap_rc" = 0 ] || errs+="${errs:+,}exit=$cap_rc"
  ncap=$(cap_stat "$d/cap.err" captured) nrecv=$(cap_stat "$d/cap.err" "received by filter")
  ndrop=$(cap_stat "$d/cap.err" "dropped by kernel")
  [ -n "$ncap" ] && [ -n "$nrecv" ] && [ -n "$ndrop" ] || errs+="${errs:+,}no-counts"
  nfile=$(in_file "$d/capture.pcap")
  [ -n "$nfile" ] || errs+="${errs:+,}unreadable-pcap"
  [ -z "$nfile" ] || [ -z "$ncap" ] || [ "$nfile" = "$ncap" ] || errs+="${errs:+,}file-${nfile}-of-${ncap}"
  read -r _ cu cs rss < <(tail -n 1 "$d/time.txt" 2>/dev/null)
  read -r _ u2 s2 < <(tail -n 1 "$d/curl.time" 2>/dev/null)
  [ "$keep" = 1 ] || rm -f "$d/capture.pcap"
  echo "machine $((b1 - b0)) steal $((st1 - st0)) capturer $((c1 - c0)) server $((s1 - s0)) curl ${u2:-?} ${s2:-?} ns $((t1 - t0)) window-ns $((m1 - m0)) hz $hz" >"$d/ticks.txt"
  read -r missing lost whole rssm mbs rest st_pct < <(awk -v nf="${nfile:-x}" -v nr="${nrecv:-x}" -v nd="${ndrop:-x}" \
      -v cw="$((c1 - c0))" -v cu="${cu:-x}" -v cs="${cs:-x}" -v rss="${rss:-x}" -v b="$bytes" -v s="${secs:-x}" \
      -v dm="$((b1 - b0))" -v ds="$((s1 - s0))" -v dst="$((st1 - st0))" -v u2="${u2:-0}" -v s2="${s2:-0}" \
      -v ns="$((m1 - m0))" -v hz="$hz" 'BEGIN {
    num = "^[0-9.]+$"
    if (nf ~ num && nr ~ num && nd ~ num) { m = nr / 2 - nd - nf; printf "%d %d ", m, m + nd } else printf "n/a n/a "
    if (cu ~ num && cs ~ num) printf "%.2f ", cu + cs; else printf "n/a "
    if (rss ~ num) printf "%.0f ", rss / 1024; else printf "n/a "
    if (s ~ num && s > 0) printf "%.0f ", b / s / 1e6; else printf "n/a "
    secs = ns / 1e9; o = dm - cw - ds - (u2 + s2) * hz; if (o < 0) o = 0
    printf "%.1f %.1f\n", o / hz / secs * 100, dst / hz / secs * 100 }')
  line="capture $t $r ${secs:-n/a} $mbs ${nfile:-n/a} ${ncap:-n/a} ${nrecv:-n/a} ${ndrop:-n/a} $missing $lost $win $whole $rssm ${cap_rc:-n/a} ${errs:--} $rest $st_pct"
  [ -z "$errs" ] || failures=$((failures + 1))
  say "  run $r, $t: transfer ${secs:-n/a} s ($mbs MB/s); packets in file ${nfile:-n/a}, captured ${ncap:-n/a}," \
      "received by filter ${nrecv:-n/a}, dropped ${ndrop:-n/a}, missing $missing; CPU ${win} s in the transfer," \
      "$whole s whole process, peak RSS $rssm MiB; exit ${cap_rc:-n/a}; rest $rest%, steal $st_pct%${errs:+; ERRORS: $errs}"
  [ -z "$errs" ] || tail -n 5 "$d/cap.err" "$d/curl.err" 2>/dev/null | sed 's/^/    /' >&2
}

an_cmd() {  # an_cmd TARGET FILE [--json]: the analyzer's command line, in the array cmd
  case $1 in
    tshark) cmd=(tshark -r "$2" -q -z "conv,tcp") ;;
    netloom) cmd=("$netloom" monitor analyze "$2" ${3:+"$3"}) ;;
  esac
}
# measure_analyze TARGET RUN ATTEMPT [--json]: one analysis of the file; sets line, errs, rest, st_pct
measure_analyze() {
  local t=$1 r=$2 d=$work/analyze/$1-$2 b0 st0 b1 st1 t0 t1 rc wall u s rss
  [ "$3" = 0 ] || d=$d.$3
  mkdir -p "$d"
  errs=""
  wait_quiet
  an_cmd "$t" "$apcap" "${4:-}"
  read -r b0 st0 < <(machine_ticks); t0=$(date +%s%N)
  # shellcheck disable=SC2086
  NETLOOM_HOME=$work/home timeout -k 5 "$run_timeout" /usr/bin/time -o "$d/time.txt" -f '%e %U %S %M' \
    $pin_an "${cmd[@]}" >"$d/out" 2>"$d/err" </dev/null &
  wpid=$!
  wait "$wpid"; rc=$?
  wpid=""
  t1=$(date +%s%N); read -r b1 st1 < <(machine_ticks)
  read -r _ u s rss < <(tail -n 1 "$d/time.txt" 2>/dev/null)
  [ "$rc" = 0 ] || errs+="${errs:+,}exit=$rc"
  [ -s "$d/out" ] || errs+="${errs:+,}no-output"
  an_out=$d/out
  read -r wall cpu rssm rest st_pct < <(awk -v ns="$((t1 - t0))" -v u="${u:-x}" -v s="${s:-x}" -v rss="${rss:-x}" \
      -v dm="$((b1 - b0))" -v dst="$((st1 - st0))" -v hz="$hz" 'BEGIN {
    secs = ns / 1e9; num = "^[0-9.]+$"; c = (u ~ num && s ~ num) ? u + s : -1
    printf "%.2f %s %s ", secs, (c >= 0 ? sprintf("%.2f", c) : "n/a"), (rss ~ num ? sprintf("%.0f", rss / 1024) : "n/a")
    o = dm - (c >= 0 ? c * hz : 0); if (o < 0) o = 0
    printf "%.1f %.1f\n", o / hz / secs * 100, dst / hz / secs * 100 }')
  line="analyze $t $r $wall $cpu $rssm ${errs:--} $rest $st_pct"
  [ -z "$errs" ] || failures=$((failures + 1))
  say "  run $r, $t${4:+ $4}: $wall s wall, $cpu s CPU, peak RSS $rssm MiB; rest $rest%, steal $st_pct%${errs:+; ERRORS: $errs}"
  [ -z "$errs" ] || tail -n 5 "$d/err" 2>/dev/null | sed 's/^/    /' >&2
}

# run_one CASE TARGET RUN: a measured run; with QUIET_WAIT, one the rest of the machine disturbed
# is done again (twice at most), and the least disturbed attempt counts
results=()   # capture: case target run xfer_s MB/s in_file captured received dropped missing lost cpu_win_s cpu_whole_s rss_MiB exit errors rest% steal%
             # analyze: case target run wall_s cpu_s rss_MiB errors rest% steal%
discarded=()
run_one() {
  local redo=0 best="" best_noise="" noise
  while :; do
    "measure_$1" "$2" "$3" "$redo"
    noise=$(awk -v o="$rest" -v st="$st_pct" 'BEGIN { print (o ~ /^[0-9.]+$/ ? o : 0) + (st ~ /^[0-9.]+$/ ? st : 0) }')
    if [ "$redo" -gt 0 ] && ! awk -v a="$noise" -v b="$best_noise" 'BEGIN { exit !(a < b) }'; then
      discarded+=("$line")
    else
      [ -z "$best" ] || discarded+=("$best")
      best=$line best_noise=$noise
    fi
    if [ "$quiet_wait" -gt 0 ] && [ -z "$errs" ] && [ "$redo" -lt 2 ] && is_noisy "$rest" "$st_pct"; then
      redo=$((redo + 1))
      say "    (disturbed by the rest of the machine: running it again)"
      continue
    fi
    break
  done
  results+=("$best")
}

# ---- part 1: capture ----
if part capture; then
  say "== capture: $size_txt over lo at snaplen $snaplen, $runs run(s), the capturers taking turns"
  for ((r = 1; r <= runs; r++)); do
    for t in $targets; do run_one capture "$t" "$r"; done
  done
fi

# ---- part 2: analysis ----
an_targets=()
wants tcpdump && an_targets+=(tshark)
wants netloom && an_targets+=(netloom)
apcap=$work/analysis.pcap
declare -A mk   # the analysis file: how it was made
if part analyze; then
  say "== analysis file: tcpdump -s 0 of big.bin and $conns x 64k.bin"
  mkdir -p "$work/make"
  if start_capture tcpdump "$work/make" "$apcap" 0 -B 262144; then
    t0=$(date +%s%N)
    # the small transfers, each on a connection of its own, beside the big one
    smallpid=""
    if [ "$conns" -gt 0 ]; then
      # shellcheck disable=SC2086
      timeout -k 5 "$run_timeout" $pin1 curl -s -H 'Connection: close' -w '%{stderr}%{size_download}\n' \
        "$url/64k.bin?n=[1-$conns]" >/dev/null 2>"$work/make/small.sizes" </dev/null &
      smallpid=$!; live+=("$smallpid")
    fi
    read -r got secs < <(fetch big.bin "$work/make/curl" --limit-rate "$an_rate")
    [ -z "$smallpid" ] || { wait "$smallpid"; forget "$smallpid"; }
    sleep 2
    stop_capture
    small_ok=$(grep -c '^65536$' "$work/make/small.sizes" 2>/dev/null || true)
    mk[secs]=$(awk -v n="$(( $(date +%s%N) - t0 ))" 'BEGIN { printf "%.1f", n / 1e9 }')
    mk[packets]=$(in_file "$apcap") mk[bytes]=$(stat -c %s "$apcap" 2>/dev/null)
    mk[drops]=$(cap_stat "$work/make/cap.err" "dropped by kernel") mk[recv]=$(cap_stat "$work/make/cap.err" "received by filter")
    mk[small]=${small_ok:-0}
    say "  $(fmt 0 "${mk[bytes]:-0}") bytes, ${mk[packets]:-?} packets, ${mk[drops]:-?} dropped by kernel; big.bin ${got:-0} bytes," \
        "${mk[small]} of $conns small transfers complete; ${mk[secs]} s"
    if [ "${got:-0}" != "$bytes" ] || [ "${mk[small]}" != "$conns" ] || [ "$cap_rc" != 0 ] || [ -z "${mk[packets]}" ]; then
      say "  making the analysis file failed (tcpdump exit $cap_rc): $(tail -n 3 "$work/make/cap.err" "$work/make/curl.err")"
      failures=$((failures + 1)); an_targets=()
    fi
  else
    failures=$((failures + 1)); an_targets=()
  fi
  if [ "${#an_targets[@]}" -gt 0 ]; then
    cat "$apcap" >/dev/null   # into the page cache for every analysis alike
    say "== analysis: $runs run(s), taking turns"
    for ((r = 1; r <= runs; r++)); do
      for t in "${an_targets[@]}"; do
        run_one analyze "$t" "$r"
        [ "$r" = 1 ] && [ "$t" = tshark ] && cp "$an_out" "$work/tshark.conv"
      done
    done
    if wants netloom; then
      measure_analyze netloom json 0 --json
      json_line=$line
      cp "$an_out" "$work/netloom.json"
    fi
  fi
fi

# ---- the conversations compared ----
# tshark -z conv,tcp rows: "A:port <-> B:port  frames bytes [unit]  frames bytes [unit]  frames ..."
# (bytes may carry a unit: the fifth bare number is the total frames); keyed by the unordered pair
conv_tshark() {
  awk '$2 == "<->" && $1 ~ /:[0-9]+$/ && $3 ~ /:[0-9]+$/ {
         n = 0; for (i = 4; i <= NF; i++) if ($i ~ /^[0-9,]+$/ && ++n == 5) { f = $i; gsub(/,/, "", f); break }
         a = $1; b = $3; if (a > b) { x = a; a = b; b = x }
         print a, b, f }' "$1" | sort
}
conv_netloom() {
  jq -r '.conversations[]? | select(.protocol == "tcp") |
         "\(.addressA | tostring | ltrimstr("/")):\(.portA) \(.addressB | tostring | ltrimstr("/")):\(.portB) \(.framesAtoB + .framesBtoA)"' "$1" |
    awk '{ a = $1; b = $2; if (a > b) { x = a; a = b; b = x }; print a, b, $3 }' | sort
}
cmp_txt="" same_convs="n/a"
if [ -s "$work/tshark.conv" ] && [ -s "$work/netloom.json" ]; then
  conv_tshark "$work/tshark.conv" >"$work/conv.tshark"
  if conv_netloom "$work/netloom.json" >"$work/conv.netloom" 2>"$work/conv.err"; then
    # pairs counted once each side (port reuse would give a pair two rows: summed)
    for s in tshark netloom; do
      awk '{ f[$1 " " $2] += $3 } END { for (k in f) print k, f[k] }' "$work/conv.$s" | sort >"$work/pairs.$s"
    done
    n_t=$(wc -l <"$work/conv.tshark") n_n=$(wc -l <"$work/conv.netloom")
    ndiff=$(join -a 1 -a 2 -e - -o 0,1.2,2.2 <(awk '{ print $1 "_" $2, $3 }' "$work/pairs.tshark") \
                                            <(awk '{ print $1 "_" $2, $3 }' "$work/pairs.netloom") |
            awk '$2 != $3' | tee "$work/conv.diff" | wc -l)
    pk_n=$(jq -r '.packets // "n/a"' "$work/netloom.json")
    [ "$n_t" = "$n_n" ] && [ "$ndiff" = 0 ] && same_convs=yes || same_convs=no
    cmp_txt="- TCP conversations: tshark $n_t, netloom $n_n; pairs whose frames differ: $ndiff; packets: capinfos ${mk[packets]:-n/a}, netloom $pk_n"
    if [ "$ndiff" -gt 0 ]; then
      cmp_txt+=$'\n'"  first differences (pair, tshark frames, netloom frames): $(head -n 5 "$work/conv.diff" | tr '\n' ';' | sed 's/;$//')"
    fi
    [ "$pk_n" = "${mk[packets]:-}" ] || same_convs=no
  else
    cmp_txt="- netloom's --json could not be read: $(head -n 2 "$work/conv.err")"; same_convs=no; failures=$((failures + 1))
  fi
fi

# ---- report (stdout, markdown) ----
ccol() { printf '%s\n' "${results[@]}" | awk -v c="$1" -v t="$2" -v k="$3" '$1 == c && $2 == t { print $k }'; }
cmed() { local vals; mapfile -t vals < <(ccol "$1" "$2" "$3"); median "${vals[@]}"; }
csum() { ccol "$1" "$2" "$3" | awk '/^[0-9]+$/ { s += $1; n++ } END { print n ? s : "n/a" }'; }
errs_in() { printf '%s\n' "${results[@]}" | awk -v c="$1" -v t="$2" -v k="$3" '$1 == c && $2 == t && $k != "-" { printf "%s%s", s, "run " $3 ": " $k; s = "; " }'; }
declare -A m
cap_name() { case $1 in tcpdump) echo "tcpdump $("$tcpdump_bin" --version 2>&1 | awk 'NR == 1 { print $3 }')";; *) echo "netloom monitor capture";; esac; }
an_name() { case $1 in tshark) echo "tshark -z conv,tcp";; *) echo "netloom monitor analyze";; esac; }

echo "### Monitor: capture and analysis, netloom vs tcpdump and tshark, loopback"
echo
if part capture && [ -n "$(ccol capture "${targets%% *}" 4)" ]; then
  echo "#### Capture without loss: $size_txt over lo at snaplen $snaplen ($pinning)"
  echo
  echo "| capturer | transfer MB/s | packets in file | kernel's count (received ÷ 2) | dropped by kernel | lost (all runs) | CPU s in the transfer | ÷ tcpdump | CPU s whole process | peak RSS MiB | exit | errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
  for t in $targets; do
    m[win_$t]=$(cmed capture "$t" 12) m[whole_$t]=$(cmed capture "$t" 13) m[lost_$t]=$(csum capture "$t" 11)
  done
  for t in $targets; do
    e=$(errs_in capture "$t" 16)
    recv=$(cmed capture "$t" 8)
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(cap_name "$t")" \
      "$(fmt 0 "$(cmed capture "$t" 5)")" "$(fmt 0 "$(cmed capture "$t" 6)")" \
      "$(fmt 0 "$(awk -v r="$recv" 'BEGIN { if (r ~ /^[0-9.]+$/) print r / 2; else print "n/a" }')")" \
      "$(fmt 0 "$(cmed capture "$t" 9)")" "${m[lost_$t]}" "$(fmt 3 "${m[win_$t]}")" \
      "$(ratio "${m[win_$t]}" "${m[win_tcpdump]:-}")" "$(fmt 2 "${m[whole_$t]}")" "$(cmed capture "$t" 14)" \
      "$(ccol capture "$t" 15 | sort | uniq -c | awk '{ printf "%s%s ×%s", s, $2, $1; s = ", " }')" "${e:-0}"
  done
  echo
  cat <<EOF
Medians of $runs run(s) per capturer, taking turns run by run; one curl of $bytes bytes per run.
The kernel's count is libpcap's "received by filter" halved: on lo a packet socket gets every
packet twice (sent and received) and libpcap keeps one. lost = dropped by kernel + (kernel's
count − dropped − packets in the file), over all runs. CPU in the transfer: the time the capture process's
threads ran on a CPU (user+system, /proc/PID/task/*/schedstat, ns) from the transfer's start until
SIGTERM, 2 s after its end; whole process: user+system from /usr/bin/time (a JVM's start and JIT
included).
EOF
  echo
fi
if part analyze && [ "${#an_targets[@]}" -gt 0 ]; then
  echo "#### Analysis of a $(fmt 0 "${mk[bytes]:-0}")-byte capture file ($(fmt 0 "${mk[packets]:-0}") packets; $an_pinning)"
  echo
  echo "| analyzer | wall s | wall ÷ netloom's | CPU s | peak RSS MiB | errors |"
  echo "|---|---:|---:|---:|---:|---|"
  for t in "${an_targets[@]}"; do m[wall_$t]=$(cmed analyze "$t" 4); done
  for t in "${an_targets[@]}"; do
    e=$(errs_in analyze "$t" 7)
    printf '| %s | %s | %s | %s | %s | %s |\n' "$(an_name "$t")" "$(fmt 2 "${m[wall_$t]}")" \
      "$(ratio "${m[wall_$t]}" "${m[wall_netloom]:-}")" "$(fmt 2 "$(cmed analyze "$t" 5)")" "$(cmed analyze "$t" 6)" "${e:-0}"
  done
  echo
  echo "Medians of $runs run(s) each, taking turns, the file in the page cache. The file: \`tcpdump -s 0 -B 262144\`"
  echo "of one transfer of big.bin ($size_txt, curl --limit-rate $an_rate) and, beside it, $conns of 64k.bin each on its own connection;"
  echo "${mk[drops]:-n/a} packets dropped by the kernel while making it (not a problem for this part: both read the same file)."
  [ -z "${json_line:-}" ] || echo "\`netloom monitor analyze FILE --json\`, once: $(echo "$json_line" | awk '{ printf "%s s wall, %s s CPU", $4, $5 }')."
  [ -z "$cmp_txt" ] || { echo; echo "$cmp_txt"; }
  echo
fi
# disturbed_note reads the array named results: each part's runs alone, then restored
all_results=("${results[@]}") all_discarded=("${discarded[@]}")
mapfile -t results < <(printf '%s\n' "${all_results[@]}" | awk '$1 == "capture"')
discarded=()
disturbed_note 17 18 "the capture runs" "" "the CPU seconds"
mapfile -t results < <(printf '%s\n' "${all_results[@]}" | awk '$1 == "analyze"')
discarded=("${all_discarded[@]}")
disturbed_note 8 9 "the analyses" "" "the CPU seconds"
results=("${all_results[@]}")
echo
echo "Goals:"
echo
if part capture && wants netloom && wants tcpdump; then
  if [ "${m[lost_tcpdump]:-n/a}" = 0 ]; then
    goal "netloom capture: packets lost over all runs (tcpdump lost none)" "${m[lost_netloom]:-n/a}" "<=" 0
  else
    echo "- netloom capture: packets lost over all runs: ${m[lost_netloom]:-n/a}; tcpdump lost ${m[lost_tcpdump]:-n/a} too: the goal (zero where tcpdump has zero) is not decided by these runs"
  fi
  goal "netloom ÷ tcpdump, capture CPU in the transfer" "$(ratio "${m[win_netloom]:-}" "${m[win_tcpdump]:-}")" "<=" 1.5
  echo "- (whole process, a JVM's start included: $(ratio "${m[whole_netloom]:-}" "${m[whole_tcpdump]:-}"))"
fi
if part analyze && wants netloom && wants tcpdump; then
  goal "tshark ÷ netloom, analysis wall time (speed-up)" "$(ratio "${m[wall_tshark]:-}" "${m[wall_netloom]:-}")" ">=" 5
  case $same_convs in
    yes) echo "- the same TCP conversations, frames and packets as tshark and capinfos: **met**" ;;
    no) echo "- the same TCP conversations, frames and packets as tshark and capinfos: **not met** (see above)" ;;
    *) echo "- the same TCP conversations as tshark: n/a (not compared)" ;;
  esac
fi
echo
echo "Setup (\$TMP = the work directory, on $fs):"
echo
echo "- server: \`$server_cmd\`, serving \$TMP/root/big.bin ($bytes random bytes) and 64k.bin"
echo "- transfer: \`$pin1${pin1:+ }curl -s -o /dev/null $url/big.bin\`"
for t in $targets; do
  cap_cmd "$t" "\$TMP/capture/$t-R/capture.pcap" "$snaplen"
  echo "- $t: \`$pin0${pin0:+ }${cmd[*]#"$here/"}\` under \`/usr/bin/time\`, SIGTERM 2 s after the transfer"
done
for t in "${an_targets[@]}"; do
  an_cmd "$t" "\$TMP/analysis.pcap"
  echo "- $t: \`$pin_an${pin_an:+ }${cmd[*]#"$here/"}\`"
done
echo "- $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) CPUs," \
     "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM; $(uname -sr)"
echo "- tcpdump $("$tcpdump_bin" --version 2>&1 | awk 'NR == 1 { print $3 }'), $("$tcpdump_bin" --version 2>&1 | sed -n 2p);" \
     "$(tshark --version 2>/dev/null | head -n 1 | sed 's/ (Git.*//'); $(curl --version | head -n 1 | awk '{ print $1, $2 }');" \
     "$("$here/bin/find-java" >/dev/null 2>&1 && "$("$here/bin/find-java")/bin/java" -version 2>&1 | sed -n 2p); netloom $nl_built"
echo "- took $(( $(date +%s) - started )) s$( [ "$quiet_wait" -gt 0 ] && echo " (QUIET_WAIT: $waited s spent waiting for a quiet machine)")"
echo
echo "<details><summary>per run</summary>"
echo
cap_head="| case | target | run | transfer s | MB/s | in file | captured | received | dropped | missing | lost | CPU s transfer | CPU s whole | RSS MiB | exit | errors | rest % | steal % |"
an_head="| case | target | run | wall s | CPU s | RSS MiB | errors | rest % | steal % |"
table() {  # table CASE HEAD ROWS...
  local c=$1 h=$2; shift 2
  printf '%s\n' "$@" | awk -v c="$c" '$1 == c' | grep -q . || return 0
  echo "$h"
  echo "${h//[^|]/-}"
  printf '%s\n' "$@" | awk -v c="$c" '$1 == c { printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; print "" }'
  echo
}
table capture "$cap_head" "${results[@]}"
table analyze "$an_head" "${results[@]}"
if [ "${#discarded[@]}" -gt 0 ]; then
  echo "Done again (disturbed), not counted:"
  echo
  table capture "$cap_head" "${discarded[@]}"
  table analyze "$an_head" "${discarded[@]}"
fi
echo "</details>"
term_server "$spid" "netloom http"
forget "$spid"
[ "$stop_rc" = 0 ] || { say "monitor: netloom http exited $stop_rc on SIGTERM"; failures=$((failures + 1)); }
[ "$failures" = 0 ]
