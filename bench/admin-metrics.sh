#!/usr/bin/env bash
# The cost of metrics (issue 20): the http 1 KiB benchmark with metrics on and off. Goal: metrics
# on gives at most 3% fewer req/s.
#
# Three netloom `http` servers serve the same 1 KiB file, all pinned to CPU 0, wrk on CPU 1:
#   on    this build with the admin listener (admin.port=0) scraped every SCRAPE seconds by curl,
#         as a Prometheus would: per-request counting, latency histogram, scrapes
#   noadm this build with admin.enabled=false: no listener, no scrapes; the per-request counting
#         and the latency histogram stay (they have no switch: they are what `status` shows)
#   base  BASE_REF (default 2b5a93b, the last commit before the latency histogram) with
#         admin.enabled=false: what http cost before this work; built once into
#         target/bench-base/COMMIT (git archive + mvn package), reused after
# Each is started once and warmed up (WARMUP s of wrk); then RUNS rounds, each one wrk run of
# DURATION s per server in turn (so a load that comes and goes on a shared machine touches all
# three alike). Prints a markdown table of medians (req/s, server CPU µs per request) and the
# ratios on/base and on/noadm; progress on stderr.
#
# Environment (defaults in brackets): RUNS [5]  DURATION [8] s  WARMUP [3] s  CONNS [64]
#   SCRAPE [1] s between scrapes  BASE_REF [2b5a93b]  QUIET_WAIT [0] s (lib.bash: wait for a quiet
#   machine before each run, do a disturbed run again)  KEEP_LOGS [0]
# Needs wrk and curl (exits 2 when missing: tests/ensure-tools.sh installs them). Loopback only.
set -u

bench=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
here=$(cd "$bench/.." && pwd)
runs=${RUNS:-5}
duration=${DURATION:-8}
warmup=${WARMUP:-3}
conns=${CONNS:-64}
scrape=${SCRAPE:-1}
base_ref=${BASE_REF:-2b5a93b}
quiet_wait=${QUIET_WAIT:-0}
keep=${KEEP_LOGS:-0}

die() { echo "admin-metrics: $*" >&2; exit 2; }
say() { echo "$*" >&2; }
# shellcheck source-path=SCRIPTDIR source=lib.bash
. "$bench/lib.bash"

for v in RUNS DURATION WARMUP CONNS SCRAPE; do
  x=${!v:-1}
  [[ $x =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '$x'"
done
[[ $quiet_wait =~ ^[0-9]+$ ]] || die "QUIET_WAIT must be a whole number of seconds, not '$quiet_wait'"
command -v wrk >/dev/null 2>&1 || die "wrk is missing: run tests/ensure-tools.sh"
command -v curl >/dev/null 2>&1 || die "curl is missing: run tests/ensure-tools.sh"
[ -f "$here/target/netloom.jar" ] || die "target/netloom.jar is missing: build netloom first (make build)"
java_home=$("$here/bin/find-java") || die "no JDK 21+ found (bin/find-java)"

# ---- the baseline build ----
base_sha=$(git -C "$here" rev-parse --verify --quiet "$base_ref^{commit}") || die "BASE_REF $base_ref is no commit here"
base_dir=$here/target/bench-base/$base_sha
if [ ! -f "$base_dir/target/netloom.jar" ]; then
  say "admin-metrics: building $base_ref (${base_sha:0:10}) into ${base_dir#"$here"/} once"
  rm -rf "$base_dir"; mkdir -p "$base_dir"
  git -C "$here" archive "$base_sha" | tar -x -C "$base_dir" || die "git archive $base_ref failed"
  (cd "$base_dir" && JAVA_HOME=$java_home timeout 900 mvn -B -ntp -q package -DskipTests -Dcheckstyle.skip \
     >"$base_dir/build.log" 2>&1) || { tail -n 30 "$base_dir/build.log" >&2; die "the build of $base_ref failed"; }
fi

bench_work admin-metrics
root=$work/www
mkdir -p "$root"
head -c 1024 /dev/urandom >"$root/1k.bin"
pin_cpus wrk
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
live=() wpid="" scraper=""
cleanup() {
  [ -n "$scraper" ] && kill "$scraper" 2>/dev/null
  stop_live
  if [ "$keep" = 1 ]; then say "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

declare -A port_of pid_of cmd_of
labels=(on noadm base)
start() {  # start LABEL LAUNCHER ARG...: a server pinned to CPU 0; sets port_of, pid_of, cmd_of
  local label=$1 launcher=$2 i; shift 2
  local args=(serve http http.port=0 "http.root=$root" http.access-log=off http.max-requests=1000000
              http.keep-alive-timeout=60s "$@")
  # shellcheck disable=SC2086
  NETLOOM_HOME=$work/home-$label $pin0 "$launcher" "${args[@]}" >"$work/$label.out" 2>"$work/$label.err" </dev/null &
  pid_of[$label]=$!; live+=("$!")
  cmd_of[$label]="$pin0${pin0:+ }$launcher ${args[*]}"
  for ((i = 0; i < 600; i++)); do
    port_of[$label]=$(sed -n 's/^http listening on [0-9.]*:\([0-9]*\) (tcp).*/\1/p' "$work/$label.out" | head -n 1)
    [ -n "${port_of[$label]}" ] && { [ "$label" != on ] || grep -q '^admin listening' "$work/$label.out"; } && return 0
    kill -0 "${pid_of[$label]}" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 20 "$work/$label.err" >&2
  die "the $label server did not start"
}
mkdir -p "$work"/home-{on,noadm,base}
start on "$here/bin/netloom" admin.port=0
start noadm "$here/bin/netloom" admin.enabled=false
start base "$base_dir/bin/netloom" admin.enabled=false
admin_port=$(sed -n 's/^admin listening on [0-9.]*:\([0-9]*\) (tcp).*/\1/p' "$work/on.out")
# the scraper, a Prometheus's share of the work: one /metrics every SCRAPE s, on wrk's CPU
( while :; do $pin1 curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$admin_port/metrics"; sleep "$scrape"; done ) &
scraper=$!
say "admin-metrics: on :${port_of[on]} (admin :$admin_port), noadm :${port_of[noadm]}, base :${port_of[base]};" \
    "RUNS=$runs, ${duration}s each; $pinning; about $(( (3 * (runs * (duration + 1) + warmup)) / 60 + 1 )) min"

run_wrk() {  # run_wrk LABEL SECONDS OUT: sets w_rc
  # shellcheck disable=SC2086
  timeout -k 5 $(($2 + 30)) $pin1 wrk -t1 -c"$conns" -d"${2}s" "http://127.0.0.1:${port_of[$1]}/1k.bin" >"$3" 2>&1 </dev/null &
  wpid=$!; wait "$wpid"; w_rc=$?; wpid=""
}
for label in "${labels[@]}"; do run_wrk "$label" "$warmup" "$work/warmup-$label.txt"; done

results=()    # label run req_s cpu_us errors rest% steal%
discarded=()
started=$(date +%s)
for ((r = 1; r <= runs; r++)); do
  for label in "${labels[@]}"; do
    redo=0
    while :; do
      out=$work/wrk-$label-$r.txt
      wait_quiet
      read -r b0 st0 < <(machine_ticks); s0=$(cpu_ticks "${pid_of[$label]}"); c0=$(child_ticks); t0=$(date +%s%N)
      run_wrk "$label" "$duration" "$out"
      read -r b1 st1 < <(machine_ticks); s1=$(cpu_ticks "${pid_of[$label]}"); c1=$(child_ticks); t1=$(date +%s%N)
      rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
      n=$(awk '/ requests in / { print $1 }' "$out")
      errs=$(awk '/Socket errors|Non-2xx/ { $1 = $1; printf "%s%s", s, $0; s = "; " }' "$out" | tr ' ' '_')
      [ "$w_rc" = 0 ] || errs="${errs}${errs:+;}wrk-exit=$w_rc"
      read -r cpu_us oth st < <(awk -v q="${n:-0}" -v ds=$((s1 - s0)) -v dc=$((c1 - c0)) -v dm=$((b1 - b0)) \
          -v dst=$((st1 - st0)) -v hz="$hz" -v wall=$(( (t1 - t0) / 1000 )) 'BEGIN {
        secs = wall / 1e6; o = dm - ds - dc; if (o < 0) o = 0
        if (q + 0 == 0) { print "n/a n/a n/a"; exit }
        printf "%.2f %.1f %.1f\n", ds / hz * 1e6 / q, o / hz / secs * 100, dst / hz / secs * 100 }')
      line="$label $r ${rps:-n/a} $cpu_us ${errs:--} $oth $st"
      say "  run $r $label: $(fmt 0 "${rps:-n/a}") req/s, server CPU $cpu_us µs/req, rest of machine $oth%, steal $st%${errs:+; ERRORS: $errs}"
      if [ "$quiet_wait" -gt 0 ] && [ "$redo" -lt 2 ] && is_noisy "$oth" "$st"; then
        discarded+=("$line"); redo=$((redo + 1)); say "    (disturbed: running it again)"; continue
      fi
      results+=("$line"); break
    done
  done
done
kill "$scraper" 2>/dev/null; wait "$scraper" 2>/dev/null; scraper=""
scrapes=$(curl -s --max-time 5 "http://127.0.0.1:$admin_port/metrics" |
  sed -nE 's/^netloom_requests_total\{service="admin"\} ([0-9.]+)$/\1/p')

# ---- report (stdout, markdown) ----
colv() { printf '%s\n' "${results[@]}" | awk -v l="$1" -v k="$2" '$1 == l { print $k }'; }
medv() { local v; mapfile -t v < <(colv "$1" "$2"); median "${v[@]}"; }
declare -A rps cpu
for label in "${labels[@]}"; do rps[$label]=$(medv "$label" 3); cpu[$label]=$(medv "$label" 4); done
name() { case $1 in on) echo "metrics on (admin listener, scraped every ${scrape} s)";;
  noadm) echo "admin off (admin.enabled=false), counters and histogram on";;
  base) echo "before the histogram ($base_ref), admin off";; esac; }
echo "### The cost of metrics: http, 1 KiB, $conns connections"
echo
echo "| server | req/s | server CPU µs/req | req/s ÷ base | req/s ÷ admin off |"
echo "|---|---:|---:|---:|---:|"
for label in "${labels[@]}"; do
  echo "| $(name "$label") | $(fmt 0 "${rps[$label]}") | $(fmt 2 "${cpu[$label]}") | $(ratio "${rps[$label]}" "${rps[base]}") | $(ratio "${rps[$label]}" "${rps[noadm]}") |"
done
echo
fewer() { awk -v a="$1" -v b="$2" 'BEGIN { if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b == 0) print "n/a"; else printf "%.1f\n", (1 - a / b) * 100 }'; }
goal "req/s fewer with metrics on than before them (on vs base), %" "$(fewer "${rps[on]}" "${rps[base]}")" "<=" 3
goal "req/s fewer with the admin listener on than off (on vs noadm), %" "$(fewer "${rps[on]}" "${rps[noadm]}")" "<=" 3
echo
echo "Medians of $runs rounds of ${duration} s (each round runs wrk against the three servers in turn), after"
echo "${warmup} s of warm-up each; req/s from wrk; server CPU = the server's user+system time per request."
echo "The admin listener answered ${scrapes:-?} requests (the scrapes). A negative % is more req/s."
disturbed_note 6 7 "the server and wrk" "" "server CPU per request"
echo
echo "- servers: \`$(for l in "${labels[@]}"; do printf '%s; ' "${cmd_of[$l]//$work/\$TMP}"; done)\`" | sed "s|$here/||g"
echo "- wrk: \`$pin1${pin1:+ }wrk -t1 -c$conns -d${duration}s http://127.0.0.1:PORT/1k.bin\`; $pinning"
echo "- $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) CPUs; $(uname -sr);" \
     "$("$java_home/bin/java" -version 2>&1 | sed -n 2p); netloom $(netloom_built "$here/bin/netloom" "$here")," \
     "base ${base_sha:0:7}; took $(( $(date +%s) - started )) s$( [ "$quiet_wait" -gt 0 ] && echo " (QUIET_WAIT: $waited s waiting)")"
echo
echo "<details><summary>per run</summary>"
echo
echo "| server | run | req/s | server CPU µs/req | errors | rest of machine CPU % | steal % |"
echo "|---|---:|---:|---:|---|---:|---:|"
printf '%s\n' "${results[@]}" | awk 'NF { printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; print "" }'
if [ "${#discarded[@]}" -gt 0 ]; then
  echo
  echo "Done again (disturbed), not counted:"
  echo
  printf '%s\n' "${discarded[@]}" | awk 'NF { printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; print "" }'
fi
echo
echo "</details>"
! printf '%s\n' "${results[@]}" | awk '$5 != "-" { bad = 1 } END { exit !bad }'
