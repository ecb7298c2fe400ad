#!/usr/bin/env bash
# Static files over HTTP/1.1: netloom's `http` service side by side with nginx and jwebserver.
#
# Generates a docroot with three files (1k.bin = 1 KiB, 64k.bin = 64 KiB, 10m.bin = 10 MiB of
# random bytes). For each server in SERVERS, started fresh and pinned to CPU 0: check it serves
# every file byte for byte (curl + cmp), warm it up (a WARMUP-second wrk run per file, not
# counted), then RUNS times per file run `wrk -t1 -c64 -d10s --latency` (-c8 for the 10 MiB file)
# pinned to CPU 1, reading the server's user+system CPU time (/proc/PID/stat utime+stime, which
# covers all its threads; nginx: master + worker) before and after each run. Then check the files
# once more and stop the server (SIGTERM). netloom runs with its access log off, and then, as an
# extra row set, on a fresh server with its access log on. Prints a markdown table of medians
# (req/s, MB/s, p99 latency, server CPU per request, ratios to nginx and jwebserver) and the
# goals, on stdout; progress on stderr.
#
# Environment (defaults in brackets):
#   SERVERS ["netloom nginx jwebserver"]  FILES ["1k 64k 10m"]  RUNS [3]  DURATION [10] s per run
#   CONNS [64]  BIG_CONNS [8] connections for 10m  THREADS [1] wrk threads  WARMUP [2] s per file
#   ACCESS_LOG [1]  0 skips the extra netloom set with its access log on
#   NETLOOM [bin/netloom]  NETLOOM_JAVA_OPTS  extra netloom JVM flags
#   QUIET_WAIT [0]  before each run, wait up to this many seconds for the rest of the machine to
#               fall under 20% of a CPU (a build beside the bench makes every number noisy), and
#               do a run again (twice at most; the least disturbed attempt counts) when the rest
#               of the machine took over 25% of a CPU during it, or the hypervisor stole over 10%
#   KEEP_LOGS [0]  1 keeps the work directory (server logs, wrk output, nginx.conf, access log)
# Installs wrk and nginx (and curl) with apt-get when they are missing and it can (root or
# passwordless sudo); else says what to install and exits 2. Loopback only; every run is bounded
# by `timeout`. Exits 0 when every server started, served the files correctly before and after the
# load, survived it, and wrk saw no socket error or non-2xx response; else 1. Goals not met do
# not change the exit code: they are printed.
set -u

bench=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
here=$(cd "$bench/.." && pwd)
netloom=${NETLOOM:-$here/bin/netloom}
servers=${SERVERS:-netloom nginx jwebserver}
files=${FILES:-1k 64k 10m}
runs=${RUNS:-3}
duration=${DURATION:-10}
conns=${CONNS:-64}
big_conns=${BIG_CONNS:-8}
threads=${THREADS:-1}
warmup=${WARMUP:-2}
access_log=${ACCESS_LOG:-1}
keep=${KEEP_LOGS:-0}
quiet_wait=${QUIET_WAIT:-0}

die() { echo "http-static: $*" >&2; exit 2; }
say() { echo "$*" >&2; }
# shellcheck source-path=SCRIPTDIR source=lib.bash
. "$bench/lib.bash"

for s in $servers; do
  case $s in netloom|nginx|jwebserver) ;; *) die "unknown server '$s' in SERVERS (netloom, nginx, jwebserver)";; esac
done
for f in $files; do
  case $f in 1k|64k|10m) ;; *) die "unknown file '$f' in FILES (1k, 64k, 10m)";; esac
done
for v in RUNS DURATION CONNS BIG_CONNS THREADS; do
  x=${!v:-1}
  [[ $x =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '$x'"
done
[[ $warmup =~ ^[0-9]+$ ]] || die "WARMUP must be a whole number of seconds, not '$warmup'"
[[ $quiet_wait =~ ^[0-9]+$ ]] || die "QUIET_WAIT must be a whole number of seconds, not '$quiet_wait'"
wants() { [[ " $servers " == *" $1 "* ]]; }

java_home=$("$here/bin/find-java") || die "no JDK 21+ found (bin/find-java)"
java=$java_home/bin/java
jwebserver=$java_home/bin/jwebserver
if wants netloom && [ -z "${NETLOOM:-}" ] && [ ! -f "$here/target/netloom.jar" ]; then
  die "target/netloom.jar is missing: build netloom first (make build), or leave netloom out of SERVERS"
fi
if wants jwebserver && [ ! -x "$jwebserver" ]; then
  die "$jwebserver is missing: jwebserver comes with JDK 18+ ($java_home has none)"
fi

# ---- tools: wrk, nginx, curl (apt-get when missing and allowed) ----
nginx_bin=""
find_nginx() {
  nginx_bin=$(command -v nginx 2>/dev/null || true)
  [ -n "$nginx_bin" ] || { [ -x /usr/sbin/nginx ] && nginx_bin=/usr/sbin/nginx; }
  [ -n "$nginx_bin" ]
}
# A package's postinst starts its service (nginx on port 80): apt_install (lib.bash) forbids that
# while it installs; if it started anyway, stop_debian_nginx stops it.
ensure_tools() {
  local need=()
  command -v wrk >/dev/null 2>&1 || need+=(wrk)
  command -v curl >/dev/null 2>&1 || need+=(curl)
  if wants nginx && ! find_nginx; then need+=(nginx); fi
  [ "${#need[@]}" -gt 0 ] || return 0
  apt_install http-static 'or leave nginx out: SERVERS="netloom jwebserver"' "${need[@]}"
  if [[ " ${need[*]} " == *" nginx "* ]]; then stop_debian_nginx; fi
  command -v wrk >/dev/null 2>&1 || die "wrk is still missing after apt-get install"
  command -v curl >/dev/null 2>&1 || die "curl is still missing after apt-get install"
  if wants nginx; then find_nginx || die "nginx is still missing after apt-get install"; fi
}
# If the package started the Debian service anyway (no policy-rc.d honoured), stop it and keep it
# from starting at boot: this script only ever uses its own instance on a free loopback port.
stop_debian_nginx() {
  local pid=""
  [ -r /run/nginx.pid ] && pid=$(cat /run/nginx.pid 2>/dev/null)
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    "${sudo_cmd[@]}" systemctl disable --quiet nginx >/dev/null 2>&1 &&
      say "http-static: disabled the Debian nginx service at boot (systemctl enable nginx undoes it)"
  fi
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = nginx ]; then
    say "http-static: the nginx package started the Debian service (pid $pid, port 80): stopping it"
    "${sudo_cmd[@]}" invoke-rc.d nginx stop >/dev/null 2>&1 || "${sudo_cmd[@]}" service nginx stop >/dev/null 2>&1
    # a policy-rc.d may forbid the stop too: then ask the master itself
    wait_gone "$pid" 5 || { "${sudo_cmd[@]}" kill -QUIT "$pid" 2>/dev/null; wait_gone "$pid" 10; } ||
      say "http-static: the Debian nginx (pid $pid) is still running; it does not disturb this bench"
  fi
}
ensure_tools
wrk_bin=$(command -v wrk)

# ---- work directory, docroot, cleanup ----
work=$(mktemp -d "${TMPDIR:-/tmp}/http-static.XXXXXX")
chmod 755 "$work"   # nginx workers run as nobody when the master is root: the docroot must be readable
root=$work/www
mkdir -p "$root" "$work/home"
export NETLOOM_HOME=$work/home  # an empty home: the repo's netloom.properties is not read
declare -A size=([1k]=1024 [64k]=65536 [10m]=10485760)
for f in 1k 64k 10m; do head -c "${size[$f]}" /dev/urandom > "$root/$f.bin"; done
chmod 755 "$root"; chmod 644 "$root"/*.bin

live=()   # pids this script started and has not reaped yet (servers, nginx workers, wrk)
wpid=""
cleanup() {
  stop_live
  if [ "$keep" = 1 ]; then say "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pin_cpus wrk
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)

# wrk calls a script's done() once at the end; with no request()/response() it keeps its fast
# static-request path. It prints exact counts, where wrk's own summary rounds them to units.
cat > "$work/report.lua" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%.0f bytes=%.0f duration_us=%.0f connect=%.0f read=%.0f write=%.0f status=%.0f timeout=%.0f p50_us=%.0f p99_us=%.0f max_us=%.0f\n",
    summary.requests, summary.bytes, summary.duration, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
EOF

# ---- helpers ----
# (kv, median, ratio, fmt, cpu_ticks, machine_ticks, wait_quiet, is_noisy, child_ticks, forget,
# free_port and wait_gone are in lib.bash)
conns_for() { if [ "$1" = 10m ]; then echo "$big_conns"; else echo "$conns"; fi; }
wrk_cmd() {  # wrk_cmd FILE SECONDS PORT: the command line (as words) for one run
  echo "$pin1 $wrk_bin -t$threads -c$(conns_for "$1") -d${2}s --latency -s $work/report.lua http://127.0.0.1:$3/$1.bin"
}
# run_wrk FILE SECONDS PORT OUT: runs wrk in the background and waits (so Ctrl-C is handled at
# once); sets w_rc and w_client (wrk's user+system ticks)
run_wrk() {
  local c0 c1
  c0=$(child_ticks)
  # shellcheck disable=SC2046
  timeout -k 5 $(($2 + 30)) $(wrk_cmd "$1" "$2" "$3") > "$4" 2>&1 < /dev/null &
  wpid=$!
  wait "$wpid"; w_rc=$?
  wpid=""
  c1=$(child_ticks)
  w_client=$((c1 - c0))
}

nginx_conf() {  # nginx_conf DIR PORT
  cat > "$1/nginx.conf" <<EOF
worker_processes 1;
daemon off;
master_process on;
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections 4096; }
http {
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    open_file_cache max=1000 inactive=60s;
    open_file_cache_valid 60s;
    open_file_cache_errors on;
    keepalive_timeout 60s;
    keepalive_requests 100000;
    client_body_temp_path $1/tmp/body;
    proxy_temp_path $1/tmp/proxy;
    fastcgi_temp_path $1/tmp/fastcgi;
    uwsgi_temp_path $1/tmp/uwsgi;
    scgi_temp_path $1/tmp/scgi;
    server {
        listen 127.0.0.1:$2;
        root $root;
    }
}
EOF
}

# start_server LABEL DIR: sets spid, spids (all pids to measure), port, srv_cmd; 1 if no start
start_server() {
  local label=$1 d=$2 i attempt logarg
  spid="" port="" spids="" srv_cmd=""
  case $label in
    netloom|netloom+log)
      logarg=off; [ "$label" = netloom+log ] && logarg=$work/access.log
      srv_args=(serve http http.port=0 "http.root=$root" "http.access-log=$logarg"
                http.max-requests=100000 http.keep-alive-timeout=60s)
      srv_cmd="NETLOOM_HOME=\$TMP/home ${NETLOOM_JAVA_OPTS:+NETLOOM_JAVA_OPTS=\"$NETLOOM_JAVA_OPTS\" }$pin0${pin0:+ }${netloom#"$here/"} ${srv_args[*]}"
      # shellcheck disable=SC2086
      $pin0 "$netloom" "${srv_args[@]}" > "$d/server.out" 2> "$d/server.err" < /dev/null &
      spid=$!; live+=("$spid")
      for ((i = 0; i < 600; i++)); do
        port=$(sed -n 's/^http listening on [0-9.]*:\([0-9]*\) (tcp).*/\1/p' "$d/server.out" 2>/dev/null | head -n 1)
        [ -n "$port" ] && break
        kill -0 "$spid" 2>/dev/null || break
        sleep 0.1
      done
      ;;
    jwebserver)
      srv_cmd="$pin0${pin0:+ }$jwebserver -b 127.0.0.1 -p 0 -d \$TMP/www -o none"
      # shellcheck disable=SC2086
      $pin0 "$jwebserver" -b 127.0.0.1 -p 0 -d "$root" -o none > "$d/server.out" 2> "$d/server.err" < /dev/null &
      spid=$!; live+=("$spid")
      for ((i = 0; i < 600; i++)); do
        port=$(sed -n 's/^Serving .* on 127\.0\.0\.1 port \([0-9]*\).*/\1/p' "$d/server.out" 2>/dev/null | head -n 1)
        [ -n "$port" ] && break
        kill -0 "$spid" 2>/dev/null || break
        sleep 0.1
      done
      ;;
    nginx)
      mkdir -p "$d/tmp"
      local eflag=()
      # -e (1.19.5+) moves the error log nginx opens before reading its config off /var/log/nginx
      "$nginx_bin" -h 2>&1 | grep -q -- '^ *-e ' && eflag=(-e "$d/error.log")
      for ((attempt = 0; attempt < 5; attempt++)); do
        port=$(free_port)
        nginx_conf "$d" "$port"
        : > "$d/error.log"
        # shellcheck disable=SC2086
        $pin0 "$nginx_bin" -p "$d/" -c "$d/nginx.conf" "${eflag[@]}" > "$d/server.out" 2> "$d/server.err" < /dev/null &
        spid=$!; live+=("$spid")
        for ((i = 0; i < 100; i++)); do
          curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/" && break
          kill -0 "$spid" 2>/dev/null || break
          sleep 0.1
        done
        if kill -0 "$spid" 2>/dev/null; then break; fi
        wait "$spid" 2>/dev/null; forget "$spid"
        if grep -qs 'Address already in use' "$d/error.log" "$d/server.err"; then spid=""; continue; fi
        port=""; break
      done
      srv_cmd="$pin0${pin0:+ }$nginx_bin -p \$TMP/$label/ -c \$TMP/$label/nginx.conf ${eflag[*]:+-e \$TMP/$label/error.log}"
      ;;
  esac
  if [ -z "$port" ] || ! kill -0 "$spid" 2>/dev/null; then
    say "  $label: did not start; its output:"
    cat "$d/server.out" "$d/server.err" 2>/dev/null | tail -n 15 | sed 's/^/    /' >&2
    [ -f "$d/error.log" ] && tail -n 5 "$d/error.log" | sed 's/^/    /' >&2
    if [ -n "$spid" ]; then kill -KILL "$spid" 2>/dev/null; wait "$spid" 2>/dev/null; forget "$spid"; fi
    return 1
  fi
  spids=$spid
  if [ "$label" = nginx ]; then
    for ((i = 0; i < 50; i++)); do
      w=$(pgrep -P "$spid" | tr '\n' ' ')
      [ -n "$w" ] && break
      sleep 0.1
    done
    spids="$spid $w"
    # shellcheck disable=SC2206
    live+=($w)
  fi
  return 0
}

# stop_server LABEL: SIGTERM (nginx: fast shutdown), sets stop_rc and stop_ms
stop_server() {
  local t0
  t0=$(date +%s%N)
  kill -TERM "$spid" 2>/dev/null
  if wait_gone "$spid" 20; then
    wait "$spid"; stop_rc=$?
  else
    say "  $1: ignored SIGTERM for 20 s; killing it"
    kill -KILL $spids 2>/dev/null; wait "$spid" 2>/dev/null; stop_rc=killed
  fi
  stop_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  # shellcheck disable=SC2086
  forget $spids
}

# verify LABEL DIR PHASE: every file back byte for byte with 200; 1 if not
verify() {
  local label=$1 d=$2 f code bad=0
  for f in $files; do
    code=$(curl -sS --max-time 30 -o "$d/got.bin" -D "$d/headers-$f.txt" -w '%{http_code}' \
           "http://127.0.0.1:$port/$f.bin" 2> "$d/curl.err")
    if [ "$code" != 200 ] || ! cmp -s "$d/got.bin" "$root/$f.bin"; then
      say "  $label: $3: GET /$f.bin gave HTTP ${code:-none}, $(stat -c %s "$d/got.bin" 2>/dev/null || echo 0)" \
          "bytes (expected 200, ${size[$f]} bytes, identical) $(head -c 200 "$d/curl.err")"
      bad=1
    fi
  done
  rm -f "$d/got.bin"
  return $bad
}

# ---- the measurements ----
labels=()
for s in $servers; do labels+=("$s"); done
wants netloom && [ "$access_log" = 1 ] && labels+=("netloom+log")
declare -A status stopped srv_cmds log_warm log_counted
results=()   # label file run requests req_s mb_s p99_ms cpu_us srv_pct cli_pct errors rest% steal%
discarded=() # runs done again because the rest of the machine disturbed them (QUIET_WAIT > 0)
failures=0
started=$(date +%s)
nfiles=$(echo $files | wc -w)
est=$(( ${#labels[@]} * (nfiles * (runs * (duration + 1) + warmup + 1) + 5) ))
say "http-static: servers: ${labels[*]}; files: $files; RUNS=$runs, ${duration}s each; $pinning;" \
    "about $(( (est + 59) / 60 )) min; work dir $work"

for label in "${labels[@]}"; do
  d=$work/$label; mkdir -p "$d"
  say "== $label"
  if ! start_server "$label" "$d"; then
    status[$label]="did not start"; failures=$((failures + 1)); continue
  fi
  srv_cmds[$label]=$srv_cmd
  if ! verify "$label" "$d" "before the load"; then
    status[$label]="served wrong bytes"; failures=$((failures + 1))
    stop_server "$label"; stopped[$label]="$stop_rc"; continue
  fi
  say "  listening on 127.0.0.1:$port (pids $spids); every file served byte for byte"
  status[$label]=ok
  if [ "$warmup" -gt 0 ]; then
    for f in $files; do
      run_wrk "$f" "$warmup" "$port" "$d/warmup-$f.txt"
      if [ "$label" = netloom+log ]; then
        n=$(kv "$d/warmup-$f.txt" WRK requests); log_warm[$f]=${n:-0}
      fi
    done
  fi
  dead=0 redo=0
  for f in $files; do
    for ((r = 1; r <= runs; r++)); do
      if ! kill -0 "$spid" 2>/dev/null; then dead=1; break 2; fi
      if [ "$label" = nginx ]; then  # a respawned worker would lose the old one's CPU time: say so
        w=$(pgrep -P "$spid" | tr '\n' ' ')
        [ "$spid $w" = "$spids" ] || say "  nginx: workers changed: $spids -> $spid $w"
        spids="$spid $w"
      fi
      out=$d/wrk-$f-$r.txt
      wait_quiet
      read -r b0 st0 < <(machine_ticks)
      s0=$(cpu_ticks $spids); t0=$(date +%s%N)
      run_wrk "$f" "$duration" "$port" "$out"
      s1=$(cpu_ticks $spids); t1=$(date +%s%N)
      read -r b1 st1 < <(machine_ticks)
      req=$(kv "$out" WRK requests); bytes=$(kv "$out" WRK bytes); dur=$(kv "$out" WRK duration_us)
      p99=$(kv "$out" WRK p99_us)
      errs=""
      for e in connect read write timeout status; do
        n=$(kv "$out" WRK "$e"); [ "${n:-0}" -gt 0 ] && errs="$errs${errs:+,}$( [ $e = status ] && echo non-2xx || echo $e)=$n"
      done
      [ "$w_rc" = 0 ] || errs="$errs${errs:+,}wrk-exit=$w_rc"
      [ -n "$req" ] || errs="$errs${errs:+,}no-report"
      read -r req_s mb_s p99_ms cpu_us srv_pct cli_pct oth_pct st_pct < <(awk -v q="${req:-0}" \
          -v b="${bytes:-0}" -v du="${dur:-0}" -v p="${p99:-}" -v ds="$((s1 - s0))" -v dc="$w_client" \
          -v dm="$((b1 - b0))" -v dst="$((st1 - st0))" -v hz="$hz" -v wall="$(( (t1 - t0) / 1000 ))" 'BEGIN {
        secs = wall / 1e6; o = dm - ds - dc; if (o < 0) o = 0
        if (q + 0 == 0 || du + 0 == 0) { print "n/a n/a n/a n/a n/a n/a n/a n/a"; exit }
        printf "%.1f %.2f %s %.3f %.1f %.1f %.1f %.1f\n", q / (du / 1e6), b / du,
          (p == "" ? "n/a" : sprintf("%.3f", p / 1000)), ds / hz * 1e6 / q,
          ds / hz / secs * 100, dc / hz / secs * 100, o / hz / secs * 100, dst / hz / secs * 100 }')
      line="$label $f $r ${req:-0} $req_s $mb_s $p99_ms $cpu_us $srv_pct $cli_pct ${errs:--} $oth_pct $st_pct"
      noise=$(awk -v o="$oth_pct" -v st="$st_pct" 'BEGIN { print (o ~ /^[0-9.]+$/ ? o : 0) + (st ~ /^[0-9.]+$/ ? st : 0) }')
      [ "$label" = netloom+log ] && log_counted[$f]=$(( ${log_counted[$f]:-0} + ${req:-0} ))
      [ -z "$errs" ] || failures=$((failures + 1))
      say "  $f run $r: ${req:-0} requests, $(fmt 0 "$req_s") req/s, $(fmt 1 "$mb_s") MB/s, p99 $p99_ms ms," \
          "server CPU $cpu_us µs/req ($srv_pct%), wrk CPU $cli_pct%, rest $oth_pct%, steal $st_pct%${errs:+; ERRORS: $errs}"
      # with QUIET_WAIT, a run the rest of the machine disturbed is done again (twice at most),
      # and the least disturbed attempt counts
      if [ "$redo" -gt 0 ]; then
        if awk -v a="$noise" -v b="$best_noise" 'BEGIN { exit !(a < b) }'; then
          discarded+=("$best"); best=$line best_noise=$noise
        else
          discarded+=("$line")
        fi
      else
        best=$line best_noise=$noise
      fi
      if [ "$quiet_wait" -gt 0 ] && [ -z "$errs" ] && [ "$redo" -lt 2 ] && is_noisy "$oth_pct" "$st_pct"; then
        redo=$((redo + 1)); r=$((r - 1))
        say "    (disturbed by the rest of the machine: running it again)"
        continue
      fi
      results+=("$best")
      redo=0
    done
  done
  if [ "$dead" = 1 ] || ! kill -0 "$spid" 2>/dev/null; then
    wait "$spid" 2>/dev/null; rc=$?
    say "  $label: the server DIED under load (exit $rc); last lines of its stderr:"
    tail -n 20 "$d/server.err" | sed 's/^/    /' >&2
    status[$label]="died under load (exit $rc)"; failures=$((failures + 1))
    forget $spids; stopped[$label]="died"
    continue
  fi
  if ! verify "$label" "$d" "after the load"; then
    status[$label]="served wrong bytes after the load"; failures=$((failures + 1))
  fi
  stop_server "$label"
  stopped[$label]="exit $stop_rc after $stop_ms ms"
  say "  stopped: ${stopped[$label]}"
  if [[ $label == netloom* ]]; then
    [ "$stop_rc" = 0 ] || { status[$label]="exit $stop_rc on SIGTERM"; failures=$((failures + 1)); }
    if grep -qiE 'exception|error|warn' "$d/server.err"; then
      say "  $label stderr:"; grep -iE 'exception|error|warn' "$d/server.err" | head -n 10 | sed 's/^/    /' >&2
    fi
  fi
done

# ---- report (stdout, markdown) ----
errs_of() { printf '%s\n' "${results[@]}" | awk -v l="$1" -v f="$2" '$1 == l && $2 == f && $11 != "-" { printf "%s%s", s, "run " $3 ": " $11; s = "; " }'; }
row_name() { case $1 in netloom) echo "netloom";; netloom+log) echo "netloom, access log on";; *) echo "$1";; esac; }
file_name() { case $1 in 1k) echo "1 KiB";; 64k) echo "64 KiB";; 10m) echo "10 MiB";; esac; }

echo "### Static files over HTTP/1.1: netloom vs nginx vs jwebserver"
echo
echo "| file | conns | server | req/s | MB/s | p99 ms | server CPU µs/req | server CPU | wrk CPU | req/s ÷ nginx | req/s ÷ jwebserver | CPU/req ÷ nginx | errors |"
echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
declare -A m_rps m_cpu
for f in $files; do
  for label in netloom netloom+log nginx jwebserver; do
    [[ " ${labels[*]} " == *" $label "* ]] || continue
    if [ "${status[$label]:-}" != ok ] && [ -z "$(col "$label" "$f" 4)" ]; then
      echo "| $(file_name "$f") | $(conns_for "$f") | $(row_name "$label") | ${status[$label]:-not run} | | | | | | | | | |"
      continue
    fi
    m_rps[$label/$f]=$(med "$label" "$f" 5); m_cpu[$label/$f]=$(med "$label" "$f" 8)
  done
  for label in netloom netloom+log nginx jwebserver; do
    [ -n "${m_rps[$label/$f]:-}" ] || continue
    e=$(errs_of "$label" "$f")
    printf '| %s | %s | %s | %s | %s | %s | %s | %s%% | %s%% | %s | %s | %s | %s |\n' \
      "$(file_name "$f")" "$(conns_for "$f")" "$(row_name "$label")" "$(fmt 0 "${m_rps[$label/$f]}")" \
      "$(fmt 1 "$(med "$label" "$f" 6)")" "$(fmt 2 "$(med "$label" "$f" 7)")" "$(fmt 2 "${m_cpu[$label/$f]}")" \
      "$(fmt 0 "$(med "$label" "$f" 9)")" "$(fmt 0 "$(med "$label" "$f" 10)")" \
      "$(ratio "${m_rps[$label/$f]}" "${m_rps[nginx/$f]:-}")" "$(ratio "${m_rps[$label/$f]}" "${m_rps[jwebserver/$f]:-}")" \
      "$(ratio "${m_cpu[$label/$f]}" "${m_cpu[nginx/$f]:-}")" "${e:-0}"
  done
done
echo
cat <<EOF
Medians of $runs run(s) of ${duration} s per server and file, each server started once, checked and
warmed up (${warmup} s of wrk per file, not counted). req/s and MB/s (10^6 bytes, headers included)
from wrk's own counts; p99 from wrk's latency histogram. Server CPU = the server's user+system time
over the run (\`/proc/PID/stat\` utime+stime, all threads; nginx: master + worker), per request
wrk completed, and as a share of one CPU; wrk CPU the same for the client (its own CPU, so a
value near 100% means the client, not the server, was the limit). Ratios are of the medians.
errors = wrk's socket errors (connect, read, write, timeout) and non-2xx responses, per run.
EOF
disturbed_note 12 13 "the server and wrk" "loopback softirq work in kernel threads counts there too"
echo

echo "Goals (netloom with its access log off):"
echo
goal "1 KiB, netloom/nginx req/s" "$(ratio "${m_rps[netloom/1k]:-}" "${m_rps[nginx/1k]:-}")" ">=" 1.2
goal "64 KiB, netloom/nginx req/s" "$(ratio "${m_rps[netloom/64k]:-}" "${m_rps[nginx/64k]:-}")" ">=" 1.0
goal "10 MiB, netloom/nginx req/s" "$(ratio "${m_rps[netloom/10m]:-}" "${m_rps[nginx/10m]:-}")" ">=" 1.0
goal "1 KiB, server CPU per request netloom/nginx" "$(ratio "${m_cpu[netloom/1k]:-}" "${m_cpu[nginx/1k]:-}")" "<=" 0.8
goal "1 KiB, netloom/jwebserver req/s" "$(ratio "${m_rps[netloom/1k]:-}" "${m_rps[jwebserver/1k]:-}")" ">=" 5
echo

echo "Servers (each pinned as shown; \$TMP = the work directory; $pinning):"
echo
for label in "${labels[@]}"; do
  c=${srv_cmds[$label]:-not started}
  echo "- $(row_name "$label"): \`${c//$work/\$TMP}\` — ${status[$label]:-?}; stop: ${stopped[$label]:-n/a}"
done
echo "- wrk: \`$(wrk_cmd FILE "$duration" PORT | sed "s|$work|\$TMP|; s|FILE\.bin|FILE|")\` with -c$conns (-c$big_conns for 10 MiB);" \
     "report.lua only prints wrk's exact counts at the end (\`done()\`)"
if [ -n "${srv_cmds[netloom+log]:-}" ]; then
  # netloom rotates its access log at 10 MiB (access.log -> access.log.1 ...) and keeps 5 old
  # files, so the oldest lines of a long run are gone: check per file, the last one run first.
  logs=("$work"/access.log*)
  [ -e "${logs[0]}" ] || logs=()
  read -r lines bad < <(cat "${logs[@]}" /dev/null | awk '
    { n++ } !/^127\.0\.0\.1 - - \[[^]]+\] "GET \/[0-9a-z]+\.bin HTTP\/1\.1" 200 [0-9]+ "[^"]*" "[^"]*"$/ { b++ }
    END { print n + 0, b + 0 }')
  echo "- access log (netloom, access log on): $lines lines in ${#logs[@]} file(s)," \
       "$(cat "${logs[@]}" /dev/null | wc -c) bytes; lines that are not \`GET /FILE.bin HTTP/1.1\` 200 in" \
       "Combined Log Format: $bad. Lines of wrk's requests (user agent \"-\") against the requests wrk"
  echo "  completed (a few more are requests in flight when a run ended):"
  rotated=0; [ "${#logs[@]}" -ge 6 ] && rotated=1
  for f in $files; do
    n=$(cat "${logs[@]}" /dev/null | grep -c "\"GET /$f\.bin HTTP/1\.1\" 200 [0-9]* \"-\" \"-\"\$")
    c=${log_counted[$f]:-0} w=${log_warm[$f]:-0}
    extra=$(( $(conns_for "$f") * (runs + 1) ))  # at most one in flight per connection per wrk run
    if [ "$n" -gt $((c + w + extra)) ]; then verdict="**$((n - c - w)) more lines than requests**"
    elif [ "$n" -ge $((c + w)) ]; then verdict="all there"
    elif [ "$rotated" = 1 ] && [ "$n" -ge "$c" ]; then verdict="the counted runs all there, the warm-up rotated away"
    elif [ "$rotated" = 1 ]; then verdict="fewer: rotated away"
    else verdict="**$((c + w - n)) MISSING**"; failures=$((failures + 1)); fi
    echo "  $(file_name "$f"): $(fmt 0 "$n") lines for $(fmt 0 "$c") measured + $(fmt 0 "$w") warm-up requests: $verdict"
  done
  first=$(grep -h -m 1 'curl/' "$work/access.log" 2>/dev/null || head -n 1 "$work/access.log" 2>/dev/null)
  [ -n "$first" ] && echo "  e.g. \`$first\`"
fi
nginx_v=""; [ -n "$nginx_bin" ] && nginx_v=$("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //')
echo "- $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) CPUs," \
     "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM; $(uname -sr)"
echo "- $("$wrk_bin" -v 2>&1 | head -n 1 | sed 's/ Copyright.*//'); ${nginx_v:-nginx not used};" \
     "$("$java" -version 2>&1 | sed -n 2p) (netloom and jwebserver, JVM flags: ${NETLOOM_JAVA_OPTS:-none});" \
     "netloom $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo ?)$(git -C "$here" diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted changes')"
echo "- took $(( $(date +%s) - started )) s$( [ "$quiet_wait" -gt 0 ] && echo " (QUIET_WAIT: $waited s spent waiting for a quiet machine)")"
echo
echo "<details><summary>per run</summary>"
echo
echo "| server | file | run | requests | req/s | MB/s | p99 ms | server CPU µs/req | server CPU % | wrk CPU % | errors | rest of machine CPU % | steal % |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|"
printf '%s\n' "${results[@]}" | awk 'NF { printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; print "" }'
if [ "${#discarded[@]}" -gt 0 ]; then
  echo
  echo "Done again (disturbed), not counted:"
  echo
  echo "| server | file | run | requests | req/s | MB/s | p99 ms | server CPU µs/req | server CPU % | wrk CPU % | errors | rest of machine CPU % | steal % |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|"
  printf '%s\n' "${discarded[@]}" | awk 'NF { printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; print "" }'
fi
echo
for label in "${labels[@]}"; do
  h=$work/$label/headers-1k.txt
  [ -s "$h" ] || continue
  echo "Response headers of $(row_name "$label") for \`GET /1k.bin\`:"
  echo
  echo '```'
  tr -d '\r' < "$h" | sed '/^$/d'
  echo '```'
  echo
done
if [ -f "$work/nginx/nginx.conf" ]; then
  echo "nginx.conf:"
  echo
  echo '```nginx'
  sed "s|$work|\$TMP|g" "$work/nginx/nginx.conf"
  echo '```'
fi
echo
echo "</details>"
[ "$failures" = 0 ]
