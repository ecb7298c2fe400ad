#!/usr/bin/env bash
# The caching forward proxy: netloom's `proxy` service side by side with Squid, in front of one
# nginx origin, on loopback.
#
# The origin: nginx (1 worker, its own config in the work directory, pinned to CPU 1 with wrk)
# serving 1k.bin (1 KiB) and 64k.bin (64 KiB) of random bytes with `Cache-Control: max-age=3600`,
# and /nostore/1k.bin with `Cache-Control: no-store`. The proxies, started once and pinned to
# CPU 0, idle while the other is measured:
#   squid:   squid -N -f $TMP/squid/squid.conf (memory cache only: cache_mem, no cache_dir,
#            maximum_object_size_in_memory 8 MB, access_log none, http_port on 127.0.0.1)
#   netloom: netloom serve proxy proxy.port=0 proxy.access-log=off proxy.connect-ports=443,SINK
#   nginx:   a second nginx with the origin's config, pinned to CPU 0: the reference, what a web
#            server in the proxy's seat does with the same files (wrk asks it directly)
# HTTP cases (CASES): hit1k and hit64k (cache hits: each proxy is checked to answer X-Cache HIT
# first), miss1k (/nostore/1k.bin: every request goes to the origin). wrk (-t1 -c64, pinned to
# CPU 1) sends absolute-form request targets (`GET http://127.0.0.1:ORIGIN/1k.bin HTTP/1.1`) from
# a Lua script that sets wrk.path and Host and keeps wrk's static-request path. Per case: a
# WARMUP-second wrk run per target (not counted), then RUNS runs of DURATION seconds, the targets
# taking turns run by run. Around each run: the target's user+system CPU time (/proc/PID/stat,
# all threads; nginx: master + worker), the origin's, wrk's, and the machine's.
# connect: SIZE bytes (1 GiB) through one CONNECT tunnel of each proxy to a sink
# (socat -u TCP-LISTEN:SINK - | wc -c), the client `socat -u OPEN:/dev/zero,readbytes=SIZE
# PROXY:127.0.0.1:127.0.0.1:SINK,proxyport=PORT`; the anchor is a socat relay in the proxy's
# seat (socat -b 65536 TCP-LISTEN:PORT,fork TCP:127.0.0.1:SINK, the client then plain TCP), as in
# bench/tcp-proxy.sh. Client and sink on CPU 1; a warm-up each, then RUNS runs in turns.
# Prints markdown tables of the medians (req/s, MB/s, p99, CPU per request, netloom ÷ squid;
# MiB/s and CPU per GiB for CONNECT) and the goals, on stdout; progress on stderr.
#
# Environment (defaults in brackets):
#   TARGETS ["netloom squid nginx"]  (nginx = the direct reference; CONNECT's anchor is socat)
#   CASES ["hit1k hit64k miss1k connect"]  RUNS [3]  DURATION [10] s per run  WARMUP [5] s per case
#   CONNS [64]  THREADS [1] wrk threads  SIZE [1073741824] bytes per CONNECT run
#   RUN_TIMEOUT [120] s for one CONNECT run  NETLOOM [bin/netloom]  NETLOOM_JAVA_OPTS
#   QUIET_WAIT [0]  before each run wait up to this many seconds for the rest of the machine to
#               fall under 20% of a CPU (see lib.bash)
#   KEEP_LOGS [0]  1 keeps the work directory (configs, logs, wrk output)
# Installs squid, nginx, wrk, socat and curl with apt-get when they are missing and it can (root
# or passwordless sudo); else says what to install and exits 2. Loopback only; every run is
# bounded by `timeout`. Exits 0 when everything started, answered byte for byte before and after
# the load (hits as hits, no-store as misses), wrk saw no socket error or non-2xx response, every
# CONNECT run moved SIZE bytes and netloom exited 0 on SIGTERM; else 1. Goals not met do not
# change the exit code: they are printed.
set -u

bench=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
here=$(cd "$bench/.." && pwd)
netloom=${NETLOOM:-$here/bin/netloom}
targets=${TARGETS:-netloom squid nginx}
cases=${CASES:-hit1k hit64k miss1k connect}
runs=${RUNS:-3}
duration=${DURATION:-10}
warmup=${WARMUP:-5}
conns=${CONNS:-64}
threads=${THREADS:-1}
size=${SIZE:-1073741824}
run_timeout=${RUN_TIMEOUT:-120}
keep=${KEEP_LOGS:-0}
quiet_wait=${QUIET_WAIT:-0}

die() { echo "proxy: $*" >&2; exit 2; }
say() { echo "$*" >&2; }
# shellcheck source-path=SCRIPTDIR source=lib.bash
. "$bench/lib.bash"

for t in $targets; do
  case $t in netloom|squid|nginx) ;; *) die "unknown target '$t' in TARGETS (netloom, squid, nginx)";; esac
done
for c in $cases; do
  case $c in hit1k|hit64k|miss1k|connect) ;; *) die "unknown case '$c' in CASES (hit1k, hit64k, miss1k, connect)";; esac
done
for v in RUNS DURATION CONNS THREADS SIZE RUN_TIMEOUT; do
  x=${!v:-1}
  [[ $x =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '$x'"
done
[[ $warmup =~ ^[0-9]+$ ]] || die "WARMUP must be a whole number of seconds, not '$warmup'"
[[ $quiet_wait =~ ^[0-9]+$ ]] || die "QUIET_WAIT must be a whole number of seconds, not '$quiet_wait'"
wants() { [[ " $targets " == *" $1 "* ]]; }
has_case() { [[ " $cases " == *" $1 "* ]]; }
http_cases=""
for c in $cases; do [ "$c" = connect ] || http_cases+="${http_cases:+ }$c"; done
if wants netloom; then
  if [ -z "${NETLOOM:-}" ] && [ ! -f "$here/target/netloom.jar" ]; then
    die "target/netloom.jar is missing: build netloom first (make build), or leave netloom out of TARGETS"
  fi
  [ -x "$netloom" ] || die "NETLOOM=$netloom is not an executable launcher"
fi

# ---- tools (apt-get when missing and allowed) ----
missing=()
[ -n "$(find_bin nginx)" ] || missing+=(nginx)  # the origin, always
wants squid && [ -z "$(find_bin squid)" ] && missing+=(squid)
[ -n "$http_cases" ] && ! command -v wrk >/dev/null 2>&1 && missing+=(wrk)
command -v socat >/dev/null 2>&1 || missing+=(socat)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install proxy "or leave squid out of TARGETS" "${missing[@]}"
  # A package's postinst may have started its Debian service (squid on 3128, nginx on 80) when no
  # policy-rc.d forbade it: stop those, this bench only uses its own instances on free ports.
  for svc in squid nginx; do
    [[ " ${missing[*]} " == *" $svc "* ]] || continue
    pidf=/run/$svc.pid; pid=""
    [ -r "$pidf" ] && pid=$(cat "$pidf" 2>/dev/null)
    if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$svc" ]; then
      say "proxy: the $svc package started its Debian service (pid $pid): stopping it"
      "${sudo_cmd[@]}" invoke-rc.d "$svc" stop >/dev/null 2>&1 || "${sudo_cmd[@]}" service "$svc" stop >/dev/null 2>&1 || true
    fi
  done
fi
nginx_bin=$(find_bin nginx)
squid_bin=$(find_bin squid)
wrk_bin=$(command -v wrk || true)
[ -n "$nginx_bin" ] || die "nginx is still missing after apt-get install"
if wants squid; then [ -n "$squid_bin" ] || die "squid is still missing after apt-get install"; fi
if [ -n "$http_cases" ]; then [ -n "$wrk_bin" ] || die "wrk is still missing after apt-get install"; fi
command -v socat >/dev/null 2>&1 || die "socat is still missing after apt-get install"

nl_built=""
wants netloom && nl_built=$(netloom_built "$netloom" "$here")

# ---- work directory, docroot, cleanup ----
work=$(mktemp -d "${TMPDIR:-/tmp}/proxy-bench.XXXXXX")
chmod 755 "$work"   # nginx workers run as nobody and squid as proxy when started by root
root=$work/www
mkdir -p "$root/nostore" "$work/home"
export NETLOOM_HOME=$work/home  # an empty home: the repo's netloom.properties is not read
head -c 1024 /dev/urandom >"$root/1k.bin"
head -c 65536 /dev/urandom >"$root/64k.bin"
head -c 1024 /dev/urandom >"$root/nostore/1k.bin"
chmod 755 "$root" "$root/nostore"; chmod 644 "$root"/*.bin "$root"/nostore/*.bin
declare -A path_of=([hit1k]=/1k.bin [hit64k]=/64k.bin [miss1k]=/nostore/1k.bin)
declare -A want_cache=([hit1k]=HIT [hit64k]=HIT [miss1k]=MISS)

live=()   # pids this script started and has not reaped yet
wpid=""
cleanup() {
  stop_live
  if [ "$keep" = 1 ]; then say "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pin_cpus "origin, wrk, CONNECT client and sink"
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)

# ---- nginx: the origin (CPU 1) and the reference (CPU 0) ----
# both nginx (the origin and the reference) serve the same paths and Cache-Control
origin_lines='        location / { add_header Cache-Control "max-age=3600"; }
        location /nostore/ { add_header Cache-Control "no-store"; }'
declare -A port_of pids_of main_of cmd_of status stopped
# ---- squid ----
squid_conf() {  # squid_conf DIR PORT
  cat >"$1/squid.conf" <<EOF
http_port 127.0.0.1:$2
http_access allow localhost
http_access deny all
cache_mem 256 MB
maximum_object_size_in_memory 8 MB
memory_cache_mode always
access_log none
cache_store_log none
cache_log $1/cache.log
pid_filename $1/squid.pid
coredump_dir $1
netdb_filename none
pinger_enable off
logfile_rotate 0
shutdown_lifetime 1 seconds
max_filedescriptors 16384
refresh_pattern . 0 20% 4320
EOF
}
start_squid() {
  local d=$work/squid i pid port attempt
  mkdir -p "$d"
  # started by root, squid drops to its cache_effective_user (Debian: proxy), which must write here
  if [ "$(id -u)" -eq 0 ] && id proxy >/dev/null 2>&1; then chown proxy "$d"; fi
  for ((attempt = 0; attempt < 5; attempt++)); do
    port=$(free_port)
    squid_conf "$d" "$port"
    "$squid_bin" -k parse -f "$d/squid.conf" >"$d/parse.out" 2>&1 ||
      { say "  squid: its config does not parse:"; tail -n 10 "$d/parse.out" | sed 's/^/    /' >&2; return 1; }
    # shellcheck disable=SC2086
    $pin0 "$squid_bin" -N -f "$d/squid.conf" >"$d/server.out" 2>"$d/server.err" </dev/null &
    pid=$!; live+=("$pid")
    for ((i = 0; i < 150; i++)); do
      ss -Hltn "sport = :$port" 2>/dev/null | grep -q . && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && break
    wait "$pid" 2>/dev/null; forget "$pid"; pid=""
    grep -qs 'Address already in use' "$d/cache.log" "$d/server.err" || break
  done
  [ -n "$pid" ] || { say "  squid did not start: $(tail -n 8 "$d/cache.log" "$d/server.err" 2>/dev/null)"; return 1; }
  port_of[squid]=$port pids_of[squid]=$pid main_of[squid]=$pid
  cmd_of[squid]="$pin0${pin0:+ }$squid_bin -N -f \$TMP/squid/squid.conf"
}

# ---- netloom ----
start_netloom() {
  local d=$work/netloom i pid port
  mkdir -p "$d"
  local args=(serve proxy proxy.port=0 proxy.access-log=off "proxy.connect-ports=443,$sink")
  # shellcheck disable=SC2086
  $pin0 "$netloom" "${args[@]}" >"$d/server.out" 2>"$d/server.err" </dev/null &
  pid=$!; live+=("$pid")
  port=""
  for ((i = 0; i < 600; i++)); do
    port=$(sed -n 's/^proxy listening on 127\.0\.0\.1:\([0-9]*\) (tcp).*/\1/p' "$d/server.out" 2>/dev/null | head -n 1)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    say "  netloom did not start: $(tail -n 8 "$d/server.err")"
    kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; forget "$pid"
    return 1
  fi
  port_of[netloom]=$port pids_of[netloom]=$pid main_of[netloom]=$pid
  cmd_of[netloom]="NETLOOM_HOME=\$TMP/home ${NETLOOM_JAVA_OPTS:+NETLOOM_JAVA_OPTS=\"$NETLOOM_JAVA_OPTS\" }$pin0${pin0:+ }${netloom#"$here/"} ${args[*]}"
}

# ---- checks with curl ----
# fetch TARGET CASE OUT-PREFIX: one GET of the case's file, through the proxy (absolute form) or
# straight from the reference nginx; OUT-PREFIX.body, .head; prints the status code
fetch() {
  local via=()
  if [ "$1" = nginx ]; then
    curl -sS --max-time 20 -o "$3.body" -D "$3.head" -w '%{http_code}' \
      "http://127.0.0.1:${port_of[nginx]}${path_of[$2]}" 2>"$3.err"
  else
    via=(-x "http://127.0.0.1:${port_of[$1]}")
    curl -sS --max-time 20 "${via[@]}" -o "$3.body" -D "$3.head" -w '%{http_code}' \
      "http://127.0.0.1:$origin_port${path_of[$2]}" 2>"$3.err"
  fi
}
x_cache() { tr -d '\r' <"$1" | sed -n 's/^[Xx]-[Cc]ache: *//p' | head -n 1; }
# verify TARGET PHASE: every HTTP case's file byte for byte with 200, and for a proxy X-Cache
# saying HIT (hit cases) or MISS (no-store) on the second fetch; 1 if not
verify() {
  local t=$1 c code xc bad=0 p=$work/$1/check
  for c in $http_cases; do
    fetch "$t" "$c" "$p-$c" >/dev/null
    code=$(fetch "$t" "$c" "$p-$c")
    if [ "$code" != 200 ] || ! cmp -s "$p-$c.body" "$root${path_of[$c]}"; then
      say "  $t: $2: GET ${path_of[$c]} gave HTTP ${code:-none}, $(stat -c %s "$p-$c.body" 2>/dev/null || echo 0) bytes" \
          "(expected 200 and the file's bytes) $(head -c 200 "$p-$c.err")"
      bad=1; continue
    fi
    [ "$t" = nginx ] && continue
    xc=$(x_cache "$p-$c.head")
    if [[ $xc != "${want_cache[$c]}"* ]]; then
      say "  $t: $2: the second GET ${path_of[$c]} said X-Cache: ${xc:-(none)}, expected ${want_cache[$c]}"
      bad=1
    fi
  done
  return $bad
}

# ---- wrk ----
# wrk calls done() once at the end; with no request()/response() it keeps its fast static-request
# path. It prints exact counts, where wrk's own summary rounds them.
report_lua='done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%.0f bytes=%.0f duration_us=%.0f connect=%.0f read=%.0f write=%.0f status=%.0f timeout=%.0f p50_us=%.0f p99_us=%.0f max_us=%.0f\n",
    summary.requests, summary.bytes, summary.duration, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end'
printf '%s\n' "$report_lua" >"$work/report.lua"
# a script per case for the proxies: the absolute-form target and the origin's Host
lua_for() {  # lua_for CASE: the script's path
  local f=$work/abs-$1.lua
  [ -f "$f" ] || printf 'wrk.path = "http://127.0.0.1:%s%s"\nwrk.headers["Host"] = "127.0.0.1:%s"\n%s\n' \
    "$origin_port" "${path_of[$1]}" "$origin_port" "$report_lua" >"$f"
  echo "$f"
}
wrk_cmd() {  # wrk_cmd TARGET CASE SECONDS: the command line (as words) for one run
  if [ "$1" = nginx ]; then
    echo "$pin1 $wrk_bin -t$threads -c$conns -d${3}s --latency -s $work/report.lua http://127.0.0.1:${port_of[nginx]}${path_of[$2]}"
  else
    echo "$pin1 $wrk_bin -t$threads -c$conns -d${3}s --latency -s $(lua_for "$2") http://127.0.0.1:${port_of[$1]}/"
  fi
}
# run_wrk TARGET CASE SECONDS OUT: in the background, waited for (so Ctrl-C is handled at once);
# sets w_rc and w_client (wrk's user+system ticks)
run_wrk() {
  local c0 c1
  c0=$(child_ticks)
  # shellcheck disable=SC2046
  timeout -k 5 $(($3 + 30)) $(wrk_cmd "$1" "$2" "$3") >"$4" 2>&1 </dev/null &
  wpid=$!
  wait "$wpid"; w_rc=$?
  wpid=""
  c1=$(child_ticks)
  w_client=$((c1 - c0))
}

# ---- CONNECT ----
# relay_ticks PID: user+system ticks of the process and of its reaped children (socat's forks)
relay_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
start_socat_relay() {
  local port pid
  port=$(free_port)
  # shellcheck disable=SC2086
  $pin0 socat -b 65536 "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" "TCP:127.0.0.1:$sink" \
    >"$work/socat-relay.out" 2>&1 &
  pid=$!; live+=("$pid")
  wait_listening "$port" 10 || { say "  socat relay did not listen on $port"; return 1; }
  port_of[socat]=$port pids_of[socat]=$pid main_of[socat]=$pid
  cmd_of[socat]="$pin0${pin0:+ }socat -b 65536 TCP-LISTEN:PORT,bind=127.0.0.1,reuseaddr,fork TCP:127.0.0.1:SINK"
}
# connect_run TARGET: SIZE bytes from the client through the target to the sink; prints
# "MiB/s CPU-s-per-GiB", or "n/a n/a" when the sink counted otherwise
connect_run() {
  local t=$1 t0 t1 got c0 c1 spid_ to
  rm -f "$work/sink.count"
  # shellcheck disable=SC2086
  ( timeout "$run_timeout" $pin1 socat -u -b 65536 "TCP-LISTEN:$sink,bind=127.0.0.1,reuseaddr" - |
      $pin1 wc -c >"$work/sink.count" ) &
  spid_=$!
  wait_listening "$sink" 10 || { say "  the sink did not listen on $sink"; kill "$spid_" 2>/dev/null; wait "$spid_" 2>/dev/null; echo n/a n/a; return; }
  if [ "$t" = socat ]; then to="TCP:127.0.0.1:${port_of[socat]}"
  else to="PROXY:127.0.0.1:127.0.0.1:$sink,proxyport=${port_of[$t]}"; fi
  c0=$(relay_ticks "${main_of[$t]}")
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  timeout "$run_timeout" $pin1 socat -u -b 65536 "OPEN:/dev/zero,readbytes=$size" "$to" 2>"$work/connect-client.err" || true
  wait "$spid_" 2>/dev/null || true  # the sink ends at the end of the stream the tunnel passes on
  t1=$(date +%s%N)
  sleep 0.2  # socat's parent reaps the forked child, whose time then counts as the parent's
  c1=$(relay_ticks "${main_of[$t]}")
  got=$(tr -d ' ' <"$work/sink.count" 2>/dev/null || echo 0)
  if [ "$got" != "$size" ]; then
    say "  $t: the sink counted ${got:-0} bytes, not $size $(head -c 300 "$work/connect-client.err")"
    echo n/a n/a; return
  fi
  awk -v b="$size" -v ns="$((t1 - t0))" -v t="$((c1 - c0))" -v hz="$hz" \
    'BEGIN { printf "%.1f %.2f\n", b / 1048576 / (ns / 1e9), t / hz / (b / 1073741824) }'
}

# ---- start everything ----
started=$(date +%s)
failures=0
sink=$(free_port)
# shellcheck disable=SC2086
start_nginx origin "$work/origin" "$origin_lines" $pin1 || die "the origin (nginx) did not start"
origin_port=${port_of[origin]}
origin_pids=${pids_of[origin]}
say "proxy: origin nginx on 127.0.0.1:$origin_port (pids $origin_pids); targets: $targets; cases: $cases;" \
    "RUNS=$runs, ${duration}s each; $pinning; work dir $work"
up=()
for t in $targets; do
  ok=true
  # shellcheck disable=SC2086  # pin0 is a command and its arguments, or nothing
  case $t in
    nginx) start_nginx nginx "$work/nginx" "$origin_lines" $pin0 || ok=false ;;
    squid) start_squid || ok=false ;;
    netloom) start_netloom || ok=false ;;
  esac
  if ! $ok; then status[$t]="did not start"; failures=$((failures + 1)); continue; fi
  if [ -n "$http_cases" ] && ! verify "$t" "before the load"; then
    status[$t]="answered wrong before the load"; failures=$((failures + 1))
  else
    status[$t]=ok
  fi
  say "  $t: 127.0.0.1:${port_of[$t]} (pids ${pids_of[$t]}): ${status[$t]}"
  up+=("$t")
done
if has_case connect; then
  start_socat_relay || { failures=$((failures + 1)); status[socat]="did not start"; }
fi

# ---- HTTP cases ----
declare -A m_rps m_cpu c_rate c_cpu  # medians, for the report
results=()   # case target run requests req_s mb_s p99_ms cpu_us srv% wrk% origin% errors rest% steal%
discarded=() # (QUIET_WAIT's redo is not done here; disturbed_note reads it)
for c in $http_cases; do
  say "== $c (GET ${path_of[$c]})"
  if [ "$warmup" -gt 0 ]; then
    for t in "${up[@]}"; do run_wrk "$t" "$c" "$warmup" "$work/$t/warmup-$c.txt"; done
  fi
  for ((r = 1; r <= runs; r++)); do
    for t in "${up[@]}"; do
      if ! kill -0 "${main_of[$t]}" 2>/dev/null; then
        [ "${status[$t]}" = ok ] && { say "  $t DIED"; status[$t]="died under load"; failures=$((failures + 1)); }
        continue
      fi
      out=$work/$t/wrk-$c-$r.txt
      wait_quiet
      # shellcheck disable=SC2086
      { read -r b0 st0 < <(machine_ticks); s0=$(cpu_ticks ${pids_of[$t]}); o0=$(cpu_ticks $origin_pids); t0=$(date +%s%N); }
      run_wrk "$t" "$c" "$duration" "$out"
      # shellcheck disable=SC2086
      { s1=$(cpu_ticks ${pids_of[$t]}); o1=$(cpu_ticks $origin_pids); t1=$(date +%s%N); read -r b1 st1 < <(machine_ticks); }
      req=$(kv "$out" WRK requests); bytes=$(kv "$out" WRK bytes); dur=$(kv "$out" WRK duration_us)
      p99=$(kv "$out" WRK p99_us)
      errs=""
      for e in connect read write timeout status; do
        n=$(kv "$out" WRK "$e"); [ "${n:-0}" -gt 0 ] && errs="$errs${errs:+,}$( [ $e = status ] && echo non-2xx || echo $e)=$n"
      done
      [ "$w_rc" = 0 ] || errs="$errs${errs:+,}wrk-exit=$w_rc"
      [ -n "$req" ] || errs="$errs${errs:+,}no-report"
      read -r req_s mb_s p99_ms cpu_us srv_pct cli_pct org_pct oth_pct st_pct < <(awk -v q="${req:-0}" \
          -v b="${bytes:-0}" -v du="${dur:-0}" -v p="${p99:-}" -v ds="$((s1 - s0))" -v dc="$w_client" \
          -v do_="$((o1 - o0))" -v dm="$((b1 - b0))" -v dst="$((st1 - st0))" -v hz="$hz" \
          -v wall="$(( (t1 - t0) / 1000 ))" 'BEGIN {
        secs = wall / 1e6; o = dm - ds - dc - do_; if (o < 0) o = 0
        if (q + 0 == 0 || du + 0 == 0) { print "n/a n/a n/a n/a n/a n/a n/a n/a n/a"; exit }
        printf "%.1f %.2f %s %.2f %.1f %.1f %.1f %.1f %.1f\n", q / (du / 1e6), b / du,
          (p == "" ? "n/a" : sprintf("%.3f", p / 1000)), ds / hz * 1e6 / q,
          ds / hz / secs * 100, dc / hz / secs * 100, do_ / hz / secs * 100, o / hz / secs * 100,
          dst / hz / secs * 100 }')
      results+=("$c $t $r ${req:-0} $req_s $mb_s $p99_ms $cpu_us $srv_pct $cli_pct $org_pct ${errs:--} $oth_pct $st_pct")
      [ -z "$errs" ] || failures=$((failures + 1))
      say "  $c run $r, $t: $(fmt 0 "$req_s") req/s, $(fmt 1 "$mb_s") MB/s, p99 $p99_ms ms, CPU $cpu_us µs/req" \
          "($srv_pct%), wrk $cli_pct%, origin $org_pct%, rest $oth_pct%, steal $st_pct%${errs:+; ERRORS: $errs}"
    done
  done
done

# ---- CONNECT ----
declare -A rates_of cpus_of
connect_targets=()
if has_case connect; then
  say "== connect ($(fmt 0 "$size") bytes per run)"
  [ "${status[socat]:-ok}" = ok ] && connect_targets+=(socat)
  for t in "${up[@]}"; do [ "$t" = nginx ] || connect_targets+=("$t"); done
  for t in "${connect_targets[@]}"; do
    for ((w = 0; w < (warmup > 0 ? 1 : 0); w++)); do say "  $t warm-up: $(connect_run "$t") (MiB/s, CPU s/GiB)"; done
  done
  for ((r = 1; r <= runs; r++)); do
    for t in "${connect_targets[@]}"; do
      read -r rate cpu < <(connect_run "$t")
      [ "$rate" != n/a ] || failures=$((failures + 1))
      say "  connect run $r, $t: $rate MiB/s, CPU $cpu s/GiB"
      rates_of[$t]+=" $rate" cpus_of[$t]+=" $cpu"
    done
  done
fi

# ---- after the load: check again, stop ----
for t in "${up[@]}"; do
  if kill -0 "${main_of[$t]}" 2>/dev/null; then
    if [ -n "$http_cases" ] && ! verify "$t" "after the load"; then
      status[$t]="answered wrong after the load"; failures=$((failures + 1))
    fi
  fi
  term_server "${main_of[$t]}" "$t"
  # shellcheck disable=SC2086
  forget ${pids_of[$t]}
  stopped[$t]="exit $stop_rc after $stop_ms ms"
  if [ "$t" = netloom ]; then
    [ "$stop_rc" = 0 ] || { status[$t]="exit $stop_rc on SIGTERM"; failures=$((failures + 1)); }
    if grep -qiE 'exception|error|warn' "$work/netloom/server.err"; then
      say "  netloom stderr:"; grep -iE 'exception|error|warn' "$work/netloom/server.err" | head -n 10 | sed 's/^/    /' >&2
    fi
  fi
done

# ---- report (stdout, markdown) ----
case_name() { case $1 in hit1k) echo "hit, 1 KiB";; hit64k) echo "hit, 64 KiB";; miss1k) echo "miss (no-store), 1 KiB";; esac; }
row_name() { case $1 in nginx) echo "nginx direct (reference)";; *) echo "$1";; esac; }

echo "### Caching forward proxy: netloom vs Squid (nginx origin, loopback)"
echo
if [ -n "$http_cases" ]; then
  echo "| case | squid req/s | netloom req/s | netloom ÷ squid | squid CPU µs/req | netloom CPU µs/req | CPU/req netloom ÷ squid | nginx direct req/s | goal (netloom ÷ squid) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
  for c in $http_cases; do
    for t in squid netloom nginx; do
      [ -n "$(col "$c" "$t" 4)" ] || continue
      m_rps[$t/$c]=$(med "$c" "$t" 5); m_cpu[$t/$c]=$(med "$c" "$t" 8)
    done
    case $c in hit1k) g=1.5;; hit64k) g=3;; miss1k) g=1.0;; esac
    rr=$(ratio "${m_rps[netloom/$c]:-}" "${m_rps[squid/$c]:-}")
    if [ "$rr" = n/a ]; then g="≥ $g"
    elif awk -v r="$rr" -v g="$g" 'BEGIN { exit !(r >= g) }'; then g="≥ $g: met"
    else g="≥ $g: **not met**"; fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(case_name "$c")" \
      "$(fmt 0 "${m_rps[squid/$c]:-n/a}")" "$(fmt 0 "${m_rps[netloom/$c]:-n/a}")" \
      "$rr" "$(fmt 1 "${m_cpu[squid/$c]:-n/a}")" "$(fmt 1 "${m_cpu[netloom/$c]:-n/a}")" \
      "$(ratio "${m_cpu[netloom/$c]:-}" "${m_cpu[squid/$c]:-}")" "$(fmt 0 "${m_rps[nginx/$c]:-n/a}")" "$g"
  done
  echo
  echo "| case | target | req/s | MB/s | p99 ms | CPU µs/req | its CPU | wrk CPU | origin CPU | errors |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
  for c in $http_cases; do
    for t in squid netloom nginx; do
      [ -n "${m_rps[$t/$c]:-}" ] || { wants "$t" && echo "| $(case_name "$c") | $(row_name "$t") | ${status[$t]:-not run} | | | | | | | |"; continue; }
      e=$(errs_of "$c" "$t")
      printf '| %s | %s | %s | %s | %s | %s | %s%% | %s%% | %s%% | %s |\n' "$(case_name "$c")" "$(row_name "$t")" \
        "$(fmt 0 "${m_rps[$t/$c]}")" "$(fmt 1 "$(med "$c" "$t" 6)")" "$(fmt 2 "$(med "$c" "$t" 7)")" \
        "$(fmt 2 "${m_cpu[$t/$c]}")" "$(fmt 0 "$(med "$c" "$t" 9)")" "$(fmt 0 "$(med "$c" "$t" 10)")" \
        "$(fmt 0 "$(med "$c" "$t" 11)")" "${e:-0}"
    done
  done
  echo
  cat <<EOF
Medians of $runs run(s) of ${duration} s per target and case (wrk -t$threads -c$conns, after a
${warmup}-second warm-up per target and case, not counted), the targets taking turns run by run.
req/s and MB/s (10^6 bytes, headers included) from wrk's own counts; p99 from its latency
histogram. CPU = the target's user+system time over the run (\`/proc/PID/stat\` utime+stime, all
threads; nginx: master + worker), per request wrk completed and as a share of one CPU; wrk CPU
and origin CPU the same for the load generator and the origin nginx (both on CPU 1: a wrk CPU
near 100%, or wrk and origin together near it, means the load side set the pace). A hit case's
origin CPU near 0% shows the hits were hits. Ratios are of the medians. errors = wrk's socket
errors and non-2xx responses, per run.
EOF
  disturbed_note 13 14 "the proxies, the origin and wrk"
  echo
fi

if has_case connect; then
  echo "| CONNECT, $(fmt 0 "$size") bytes | MiB/s | CPU s per GiB | ÷ socat |"
  echo "|---|---:|---:|---:|"
  for t in socat squid netloom; do
    [[ " ${connect_targets[*]} " == *" $t "* ]] || continue
    # shellcheck disable=SC2086  # the runs' numbers, one word each
    c_rate[$t]=$(median ${rates_of[$t]})
    # shellcheck disable=SC2086
    c_cpu[$t]=$(median ${cpus_of[$t]})
  done
  for t in socat squid netloom; do
    [ -n "${c_rate[$t]:-}" ] || continue
    case $t in socat) n="socat relay (no CONNECT, the anchor)";; *) n="$t, CONNECT tunnel";; esac
    echo "| $n | $(fmt 1 "${c_rate[$t]}") | ${c_cpu[$t]} | $(ratio "${c_rate[$t]}" "${c_rate[socat]:-}") |"
  done
  echo
  echo "Medians of $runs run(s) after a warm-up each, in turns; one connection, timed from the client's"
  echo "start to the sink's end, the sink counting every byte. CPU = the proxy's (socat: the relay and its"
  echo "forked child) user+system time per GiB moved. netloom ÷ squid: $(ratio "${c_rate[netloom]:-}" "${c_rate[squid]:-}")."
  echo "Runs (MiB/s):$(for t in "${connect_targets[@]}"; do printf ' %s%s;' "$t" "${rates_of[$t]}"; done)"
  echo
fi

echo "Goals:"
echo
goal "hits, 1 KiB: netloom/squid req/s" "$(ratio "${m_rps[netloom/hit1k]:-}" "${m_rps[squid/hit1k]:-}")" ">=" 1.5
goal "hits, 64 KiB: netloom/squid req/s" "$(ratio "${m_rps[netloom/hit64k]:-}" "${m_rps[squid/hit64k]:-}")" ">=" 3
goal "misses (no-store), 1 KiB: netloom/squid req/s" "$(ratio "${m_rps[netloom/miss1k]:-}" "${m_rps[squid/miss1k]:-}")" ">=" 1.0
goal "CONNECT throughput: netloom/socat" "$(ratio "${c_rate[netloom]:-}" "${c_rate[socat]:-}")" ">=" 0.9
echo

echo "Setup (\$TMP = the work directory; $pinning):"
echo
echo "- origin: \`${cmd_of[origin]//$work/\$TMP}\` serving 1k.bin and 64k.bin with \`Cache-Control: max-age=3600\`, nostore/1k.bin with \`Cache-Control: no-store\`"
for t in squid netloom nginx; do
  [ -n "${status[$t]:-}" ] || continue
  echo "- $(row_name "$t"): \`${cmd_of[$t]:-not started}\` — ${status[$t]}; stop: ${stopped[$t]:-n/a}" | sed "s|$work|\$TMP|g"
done
[ -z "${cmd_of[socat]:-}" ] || echo "- CONNECT anchor: \`${cmd_of[socat]}\`; client \`socat -u -b 65536 OPEN:/dev/zero,readbytes=SIZE PROXY:127.0.0.1:127.0.0.1:SINK,proxyport=PORT\` (socat: \`TCP:127.0.0.1:PORT\`), sink \`socat -u -b 65536 TCP-LISTEN:SINK - | wc -c\`"
[ -z "$http_cases" ] || echo "- wrk: \`$(wrk_cmd squid hit1k "$duration" | sed "s|$work|\$TMP|g")\`; the script sets \`wrk.path = \"http://127.0.0.1:ORIGIN/1k.bin\"\` and Host, and prints wrk's exact counts in \`done()\`"
echo "- $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) CPUs," \
     "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM; $(uname -sr)"
echo "- $([ -n "$squid_bin" ] && "$squid_bin" -v 2>/dev/null | head -n 1 | sed 's/^Squid Cache: //; s/^/Squid /');" \
     "$("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //'); $([ -n "$wrk_bin" ] && "$wrk_bin" -v 2>&1 | head -n 1 | sed 's/ Copyright.*//');" \
     "$(socat -V 2>/dev/null | sed -n 's/^socat version \([^ ]*\).*/socat \1/p' | head -n 1);" \
     "$("$here/bin/find-java" >/dev/null 2>&1 && "$("$here/bin/find-java")/bin/java" -version 2>&1 | sed -n 2p)${nl_built:+; netloom $nl_built}"
echo "- took $(( $(date +%s) - started )) s$( [ "$quiet_wait" -gt 0 ] && echo " (QUIET_WAIT: $waited s spent waiting for a quiet machine)")"
echo
echo "<details><summary>per run, configs, response headers</summary>"
echo
if [ "${#results[@]}" -gt 0 ]; then
  echo "| case | target | run | requests | req/s | MB/s | p99 ms | CPU µs/req | its CPU % | wrk CPU % | origin CPU % | errors | rest of machine CPU % | steal % |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|"
  printf '%s\n' "${results[@]}" | awk 'NF { printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; print "" }'
  echo
fi
for t in squid netloom; do
  for c in $http_cases; do
    h=$work/$t/check-$c.head
    [ -s "$h" ] || continue
    echo "$t, the last checking GET of ${path_of[$c]}:"
    echo
    echo '```'
    tr -d '\r' <"$h" | sed '/^$/d'
    echo '```'
    echo
  done
done
for f in squid/squid.conf origin/nginx.conf; do
  [ -f "$work/$f" ] || continue
  echo "$f:"
  echo
  echo '```'
  sed "s|$work|\$TMP|g" "$work/$f"
  echo '```'
  echo
done
echo "</details>"
[ "$failures" = 0 ]
