#!/usr/bin/env bash
# The load balancer: netloom's `lb` service side by side with HAProxy (Debian's haproxy 2.6,
# `nbthread 1`), both in front of the same two nginx backends, on loopback, in tcp mode (each
# connection spliced to a backend) and http mode (each request routed).
#
# The backends: two nginx (worker_processes 1, each its own config and prefix in the work
# directory, access_log off, keep-alive) serving 1k.bin (1 KiB of random bytes), each adding
# `X-Backend: a|b` and echoing back the forwarding fields it was sent (X-Seen-XFF, X-Seen-XFP,
# X-Seen-Request-Id, absent when it got none). Backends and balancers pinned to CPU 0, wrk to CPU 1.
# Per mode, the two balancers are started side by side (each idle while the other is measured):
#   haproxy: haproxy -db -f $TMP/haproxy-MODE/haproxy.cfg (nbthread 1, no log, balance roundrobin,
#            `server a|b ... check inter 2s fall 3 rise 2` (a connect check), timeouts, retries 3
#            and option redispatch as netloom's defaults; http mode: option http-keep-alive,
#            http-reuse always, option forwardfor, X-Forwarded-Proto and an X-Request-Id when the
#            request has none, as netloom adds them)
#   netloom: netloom serve lb lb.port=0 lb.mode=MODE lb.servers=a=127.0.0.1:A,b=127.0.0.1:B
#            lb.check=tcp lb.access-log=off
#   nginx:   the reference: wrk straight at backend a (mode "direct", measured once, first)
# Each target must answer 1k.bin byte for byte before and after the load, and a balancer must
# reach both backends in four fresh connections. wrk (-t1 -c50 --latency, pinned to CPU 1) asks for
# /1k.bin: a warm-up per target and mode of WARMUP seconds in WARMUP_ROUNDS runs (not counted), then RUNS runs of DURATION
# seconds, the balancers taking turns run by run. Around each run: the target's user+system CPU
# time (/proc/PID/stat, all threads; nginx: master + worker), the backends', wrk's, the machine's.
# Prints markdown tables of the medians (req/s, p99, CPU per request, netloom ÷ HAProxy) and the
# goals on stdout; progress on stderr.
#
# Environment (defaults in brackets):
#   TARGETS ["netloom haproxy nginx"]  (nginx = the direct reference)  MODES ["tcp http"]
#   RUNS [3]  DURATION [10] s per run  WARMUP [15] s per target and mode  WARMUP_ROUNDS [3]
#   CONNS [50]  THREADS [1]
#   (15 s: the JVM compiles most of its hot code in its first 6 s under this load and is done by
#   about 15 s, jstat -compiler; its first two young collections under load, ~30 ms each, fall in
#   that time too; in several rounds, since the first close of a connection under load makes
#   compiled code deoptimize (-Xlog:deoptimization); HAProxy and nginx need none, and get the same)
#   NETLOOM [bin/netloom]  NETLOOM_JAVA_OPTS
#   QUIET_WAIT [0]  before each run wait up to this many seconds for the rest of the machine to
#               fall under 20% of a CPU (see lib.bash)
#   KEEP_LOGS [0]  1 keeps the work directory (configs, logs, wrk output)
# Installs haproxy, nginx, wrk and curl with apt-get when they are missing and it can (root or
# passwordless sudo); else says what to install and exits 2. Loopback only; every run is bounded
# by `timeout`. Exits 0 when everything started, answered byte for byte before and after the load
# from both backends, wrk saw no socket error or non-2xx response and netloom exited 0 on SIGTERM;
# else 1. Goals not met do not change the exit code: they are printed.
set -u

bench=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
here=$(cd "$bench/.." && pwd)
netloom=${NETLOOM:-$here/bin/netloom}
targets=${TARGETS:-netloom haproxy nginx}
modes=${MODES:-tcp http}
runs=${RUNS:-3}
duration=${DURATION:-10}
warmup=${WARMUP:-15}
warmup_rounds=${WARMUP_ROUNDS:-3}
conns=${CONNS:-50}
threads=${THREADS:-1}
keep=${KEEP_LOGS:-0}
quiet_wait=${QUIET_WAIT:-0}

die() { echo "lb: $*" >&2; exit 2; }
say() { echo "$*" >&2; }
# shellcheck source-path=SCRIPTDIR source=lib.bash
. "$bench/lib.bash"

for t in $targets; do
  case $t in netloom|haproxy|nginx) ;; *) die "unknown target '$t' in TARGETS (netloom, haproxy, nginx)";; esac
done
for m in $modes; do
  case $m in tcp|http) ;; *) die "unknown mode '$m' in MODES (tcp, http)";; esac
done
for v in RUNS DURATION CONNS THREADS; do
  x=${!v:-1}
  [[ $x =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '$x'"
done
[[ $warmup =~ ^[0-9]+$ ]] || die "WARMUP must be a whole number of seconds, not '$warmup'"
[[ $warmup_rounds =~ ^[1-9][0-9]*$ ]] || die "WARMUP_ROUNDS must be a positive integer, not '$warmup_rounds'"
[[ $quiet_wait =~ ^[0-9]+$ ]] || die "QUIET_WAIT must be a whole number of seconds, not '$quiet_wait'"
wants() { [[ " $targets " == *" $1 "* ]]; }
balancers=()
for t in haproxy netloom; do wants "$t" && balancers+=("$t"); done
if wants netloom; then
  if [ -z "${NETLOOM:-}" ] && [ ! -f "$here/target/netloom.jar" ]; then
    die "target/netloom.jar is missing: build netloom first (make build), or leave netloom out of TARGETS"
  fi
  [ -x "$netloom" ] || die "NETLOOM=$netloom is not an executable launcher"
fi

# ---- tools (apt-get when missing and allowed) ----
missing=()
[ -n "$(find_bin nginx)" ] || missing+=(nginx)  # the backends, always
wants haproxy && [ -z "$(find_bin haproxy)" ] && missing+=(haproxy)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install lb "or leave haproxy out of TARGETS" "${missing[@]}"
  # A package's postinst may have started its Debian service (nginx on 80, haproxy) when no
  # policy-rc.d forbade it: stop those, this bench only uses its own instances on free ports.
  for svc in haproxy nginx; do
    [[ " ${missing[*]} " == *" $svc "* ]] || continue
    pidf=/run/$svc.pid; pid=""
    [ -r "$pidf" ] && pid=$(head -n 1 "$pidf" 2>/dev/null)
    if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$svc" ]; then
      say "lb: the $svc package started its Debian service (pid $pid): stopping it"
      "${sudo_cmd[@]}" invoke-rc.d "$svc" stop >/dev/null 2>&1 || "${sudo_cmd[@]}" service "$svc" stop >/dev/null 2>&1 || true
    fi
  done
fi
nginx_bin=$(find_bin nginx)
haproxy_bin=$(find_bin haproxy)
wrk_bin=$(command -v wrk || true)
[ -n "$nginx_bin" ] || die "nginx is still missing after apt-get install"
if wants haproxy; then [ -n "$haproxy_bin" ] || die "haproxy is still missing after apt-get install"; fi
[ -n "$wrk_bin" ] || die "wrk is still missing after apt-get install"
command -v curl >/dev/null 2>&1 || die "curl is still missing after apt-get install"

nl_built=""
wants netloom && nl_built=$(netloom_built "$netloom" "$here")

# ---- work directory, docroot, cleanup ----
work=$(mktemp -d "${TMPDIR:-/tmp}/lb-bench.XXXXXX")
chmod 755 "$work"   # nginx workers run as nobody when started by root
root=$work/www
mkdir -p "$root" "$work/home"
export NETLOOM_HOME=$work/home  # an empty home: the repo's netloom.properties is not read
head -c 1024 /dev/urandom >"$root/1k.bin"
chmod 755 "$root"; chmod 644 "$root/1k.bin"
path=/1k.bin

live=()   # pids this script started and has not reaped yet
wpid=""
cleanup() {
  stop_live
  if [ "$keep" = 1 ]; then say "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pin_cpus "wrk"
[ -z "$pin0" ] || pinning="balancers and backends on CPU 0, wrk on CPU 1 (taskset)"
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)

# ---- nginx: the backends a and b (CPU 0) ----
declare -A port_of pids_of main_of cmd_of status stopped
# ---- HAProxy ----
haproxy_conf() {  # haproxy_conf DIR PORT MODE
  local http="" http_defaults=""
  [ "$3" = http ] && http_defaults="
    timeout http-request 10s" && http="
    option http-keep-alive
    http-reuse always
    option forwardfor
    http-request set-header X-Forwarded-Proto http
    http-request set-header X-Request-Id %[rand,hex]%[rand,hex] unless { req.hdr(x-request-id) -m found }"
  cat >"$1/haproxy.cfg" <<EOF
global
    nbthread 1
    maxconn 4096
    pidfile $1/haproxy.pid

defaults
    mode $3
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout queue 5s
    retries 3
    option redispatch$http_defaults

frontend fe
    bind 127.0.0.1:$2
    default_backend be

backend be
    balance roundrobin$http
    server a 127.0.0.1:${port_of[a]} check inter 2s fall 3 rise 2
    server b 127.0.0.1:${port_of[b]} check inter 2s fall 3 rise 2
EOF
}
# start_haproxy MODE: sets port_of[haproxy], pids_of, main_of, cmd_of
start_haproxy() {
  local d=$work/haproxy-$1 i pid port attempt
  mkdir -p "$d"
  for ((attempt = 0; attempt < 5; attempt++)); do
    port=$(free_port)
    haproxy_conf "$d" "$port" "$1"
    "$haproxy_bin" -c -f "$d/haproxy.cfg" >"$d/check.out" 2>&1 ||
      { say "  haproxy: its config does not parse:"; tail -n 10 "$d/check.out" | sed 's/^/    /' >&2; return 1; }
    # shellcheck disable=SC2086
    $pin0 "$haproxy_bin" -db -f "$d/haproxy.cfg" >"$d/server.out" 2>"$d/server.err" </dev/null &
    pid=$!; live+=("$pid")
    for ((i = 0; i < 100; i++)); do
      ss -Hltn "sport = :$port" 2>/dev/null | grep -q . && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && break
    wait "$pid" 2>/dev/null; forget "$pid"; pid=""
    grep -qs 'Address already in use\|cannot bind' "$d/server.err" || break
  done
  [ -n "$pid" ] || { say "  haproxy did not start: $(tail -n 8 "$d/server.err" 2>/dev/null)"; return 1; }
  port_of[haproxy]=$port pids_of[haproxy]=$pid main_of[haproxy]=$pid
  cmd_of[haproxy/$1]="$pin0${pin0:+ }$haproxy_bin -db -f \$TMP/haproxy-$1/haproxy.cfg"
}

# ---- netloom ----
# start_netloom MODE
start_netloom() {
  local d=$work/netloom-$1 i pid port
  mkdir -p "$d"
  local args=(serve lb lb.port=0 "lb.mode=$1" "lb.servers=a=127.0.0.1:${port_of[a]},b=127.0.0.1:${port_of[b]}"
              lb.check=tcp lb.access-log=off)
  # shellcheck disable=SC2086
  $pin0 "$netloom" "${args[@]}" >"$d/server.out" 2>"$d/server.err" </dev/null &
  pid=$!; live+=("$pid")
  port=""
  for ((i = 0; i < 600; i++)); do
    # "(tcp)" for every pool since 9ffb360, "(http)" for an http pool before it
    port=$(sed -n 's/^lb listening on 127\.0\.0\.1:\([0-9]*\) (\(tcp\|http\)).*/\1/p' "$d/server.out" 2>/dev/null | head -n 1)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    say "  netloom did not start: $(tail -n 8 "$d/server.err") $(tail -n 3 "$d/server.out")"
    kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; forget "$pid"
    return 1
  fi
  port_of[netloom]=$port pids_of[netloom]=$pid main_of[netloom]=$pid
  cmd_of[netloom/$1]="NETLOOM_HOME=\$TMP/home ${NETLOOM_JAVA_OPTS:+NETLOOM_JAVA_OPTS=\"$NETLOOM_JAVA_OPTS\" }$pin0${pin0:+ }${netloom#"$here/"} ${args[*]}"
}

# ---- checks with curl ----
hdr() { tr -d '\r' <"$1" | sed -n "s/^$2: *//Ip" | head -n 1; }
# verify TARGET MODE PHASE: four GETs of 1k.bin, each on a new connection, byte for byte with 200;
# a balancer must have answered from both backends; 1 if not. Keeps the last head as check-MODE.head.
verify() {
  local t=$1 p=$work/check-$1-$2 code i seen="" b bad=0
  for ((i = 0; i < 4; i++)); do
    code=$(curl -sS --max-time 10 -o "$p.body" -D "$p.head" -w '%{http_code}' "http://127.0.0.1:${port_of[$t]}$path" 2>"$p.err")
    if [ "$code" != 200 ] || ! cmp -s "$p.body" "$root/1k.bin"; then
      say "  $t ($2): $3: GET $path gave HTTP ${code:-none}, $(stat -c %s "$p.body" 2>/dev/null || echo 0) bytes" \
          "(expected 200 and the file's bytes) $(head -c 200 "$p.err")"
      bad=1; continue
    fi
    b=$(hdr "$p.head" X-Backend)
    [[ " $seen " == *" $b "* ]] || seen+="${seen:+ }$b"
  done
  if [ "$bad" = 0 ] && [ "$t" != nginx ] && [ "$seen" != "a b" ] && [ "$seen" != "b a" ]; then
    say "  $t ($2): $3: four connections reached backends '${seen}', not both a and b"
    bad=1
  fi
  return $bad
}

# ---- wrk ----
# wrk calls done() once at the end; with no request()/response() it keeps its fast static-request
# path. It prints exact counts, where wrk's own summary rounds them.
cat >"$work/report.lua" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%.0f bytes=%.0f duration_us=%.0f connect=%.0f read=%.0f write=%.0f status=%.0f timeout=%.0f p50_us=%.0f p99_us=%.0f max_us=%.0f\n",
    summary.requests, summary.bytes, summary.duration, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
EOF
wrk_cmd() {  # wrk_cmd TARGET SECONDS: the command line (as words) for one run
  echo "$pin1 $wrk_bin -t$threads -c$conns -d${2}s --latency -s $work/report.lua http://127.0.0.1:${port_of[$1]}$path"
}
# run_wrk TARGET SECONDS OUT: in the background, waited for (so Ctrl-C is handled at once); sets
# w_rc and w_client (wrk's user+system ticks)
run_wrk() {
  local c0 c1
  c0=$(child_ticks)
  # shellcheck disable=SC2046
  timeout -k 5 $(($2 + 30)) $(wrk_cmd "$1" "$2") >"$3" 2>&1 </dev/null &
  wpid=$!
  wait "$wpid"; w_rc=$?
  wpid=""
  c1=$(child_ticks)
  w_client=$((c1 - c0))
}

# measure MODE TARGET RUN: one wrk run with the CPU counters around it; appends to results
results=()   # mode target run requests req_s p50_ms p99_ms cpu_us its% wrk% backends% errors rest% steal%
discarded=() # (QUIET_WAIT's redo is not done here; disturbed_note reads it)
measure() {
  local m=$1 t=$2 r=$3 out b0 st0 s0 k0 t0 s1 k1 t1 b1 st1 req dur p50 p99 errs n e self=0
  out=$work/wrk-$m-$t-$r.txt
  [ "$t" = nginx ] && self=1  # the target is backend a: its CPU is in the backends' already
  wait_quiet
  # shellcheck disable=SC2086
  { read -r b0 st0 < <(machine_ticks); s0=$(cpu_ticks ${pids_of[$t]}); k0=$(cpu_ticks ${pids_of[a]} ${pids_of[b]}); t0=$(date +%s%N); }
  run_wrk "$t" "$duration" "$out"
  # shellcheck disable=SC2086
  { s1=$(cpu_ticks ${pids_of[$t]}); k1=$(cpu_ticks ${pids_of[a]} ${pids_of[b]}); t1=$(date +%s%N); read -r b1 st1 < <(machine_ticks); }
  req=$(kv "$out" WRK requests); dur=$(kv "$out" WRK duration_us)
  p50=$(kv "$out" WRK p50_us); p99=$(kv "$out" WRK p99_us)
  errs=""
  for e in connect read write timeout status; do
    n=$(kv "$out" WRK "$e"); [ "${n:-0}" -gt 0 ] && errs="$errs${errs:+,}$( [ $e = status ] && echo non-2xx || echo $e)=$n"
  done
  [ "$w_rc" = 0 ] || errs="$errs${errs:+,}wrk-exit=$w_rc"
  [ -n "$req" ] || errs="$errs${errs:+,}no-report"
  read -r req_s p50_ms p99_ms cpu_us srv_pct cli_pct be_pct oth_pct st_pct < <(awk -v q="${req:-0}" \
      -v du="${dur:-0}" -v p5="${p50:-}" -v p="${p99:-}" -v ds="$((s1 - s0))" -v dc="$w_client" \
      -v dk="$((k1 - k0))" -v self="$self" -v dm="$((b1 - b0))" -v dst="$((st1 - st0))" -v hz="$hz" \
      -v wall="$(( (t1 - t0) / 1000 ))" 'BEGIN {
    secs = wall / 1e6; o = dm - (self ? 0 : ds) - dc - dk; if (o < 0) o = 0
    if (q + 0 == 0 || du + 0 == 0) { print "n/a n/a n/a n/a n/a n/a n/a n/a n/a"; exit }
    printf "%.1f %s %s %.2f %.1f %.1f %.1f %.1f %.1f\n", q / (du / 1e6),
      (p5 == "" ? "n/a" : sprintf("%.3f", p5 / 1000)), (p == "" ? "n/a" : sprintf("%.3f", p / 1000)),
      ds / hz * 1e6 / q, ds / hz / secs * 100, dc / hz / secs * 100, dk / hz / secs * 100,
      o / hz / secs * 100, dst / hz / secs * 100 }')
  results+=("$m $t $r ${req:-0} $req_s $p50_ms $p99_ms $cpu_us $srv_pct $cli_pct $be_pct ${errs:--} $oth_pct $st_pct")
  [ -z "$errs" ] || failures=$((failures + 1))
  say "  $m run $r, $t: $(fmt 0 "$req_s") req/s, p50 $p50_ms ms, p99 $p99_ms ms, CPU $cpu_us µs/req ($srv_pct%)," \
      "backends $be_pct%, wrk $cli_pct%, rest $oth_pct%, steal $st_pct%${errs:+; ERRORS: $errs}"
}

# stop_target TARGET: SIGTERM, recorded in stopped[]; netloom must exit 0 and its stderr is shown
# when it has exceptions, errors or warnings
stop_target() {
  local t=$1 m=$2
  term_server "${main_of[$t]}" "$t"
  # shellcheck disable=SC2086
  forget ${pids_of[$t]}
  stopped[$t/$m]="exit $stop_rc after $stop_ms ms"
  if [ "$t" = netloom ]; then
    [ "$stop_rc" = 0 ] || { status[$t/$m]="exit $stop_rc on SIGTERM"; failures=$((failures + 1)); }
    if grep -qiE 'exception|error|warn' "$work/netloom-$m/server.err"; then
      say "  netloom ($m) stderr:"; grep -iE 'exception|error|warn' "$work/netloom-$m/server.err" | head -n 10 | sed 's/^/    /' >&2
    fi
  fi
}

# ---- the backends ----
started=$(date +%s)
failures=0
for b in a b; do
  # shellcheck disable=SC2086  # pin0 is a command and its arguments, or nothing
  start_nginx "$b" "$work/nginx-$b" "        add_header X-Backend $b;
        add_header X-Seen-XFF \$http_x_forwarded_for;
        add_header X-Seen-XFP \$http_x_forwarded_proto;
        add_header X-Seen-Request-Id \$http_x_request_id;" $pin0 || die "backend $b (nginx) did not start"
done
say "lb: backends nginx a on 127.0.0.1:${port_of[a]} (pids ${pids_of[a]}), b on 127.0.0.1:${port_of[b]}" \
    "(pids ${pids_of[b]}); targets: $targets; modes: $modes; RUNS=$runs, ${duration}s each; $pinning; work dir $work"

# The warm-up of target $1 in mode $2: WARMUP seconds of load in WARMUP_ROUNDS wrk runs, each
# opening and closing its CONNS connections, so that a JIT has compiled the ends of connections
# too before the first measured run (with one long run it meets them there: netloom's compiled
# event loop then deoptimizes, -Xlog:deoptimization, and its first run had the worst p99).
warm_up() {
  local t=$1 m=$2 i secs=$((warmup / warmup_rounds))
  [ "$secs" -gt 0 ] || return 0
  for ((i = 1; i <= warmup_rounds; i++)); do run_wrk "$t" "$secs" "$work/wrk-$m-$t-warmup-$i.txt"; done
}

# ---- nginx direct, the reference ----
if wants nginx; then
  port_of[nginx]=${port_of[a]} pids_of[nginx]=${pids_of[a]} main_of[nginx]=${main_of[a]} cmd_of[nginx]=${cmd_of[a]}
  if verify nginx direct "before the load"; then status[nginx/direct]=ok
  else status[nginx/direct]="answered wrong before the load"; failures=$((failures + 1)); fi
  say "== direct (wrk straight at backend a)"
  warm_up nginx direct
  for ((r = 1; r <= runs; r++)); do measure direct nginx "$r"; done
  if ! verify nginx direct "after the load"; then status[nginx/direct]="answered wrong after the load"; failures=$((failures + 1)); fi
fi

# ---- the balancers, mode by mode ----
for m in $modes; do
  [ "${#balancers[@]}" -gt 0 ] || break
  say "== $m mode"
  up=()
  for t in "${balancers[@]}"; do
    ok=true
    case $t in
      haproxy) start_haproxy "$m" || ok=false ;;
      netloom) start_netloom "$m" || ok=false ;;
    esac
    if ! $ok; then status[$t/$m]="did not start"; failures=$((failures + 1)); continue; fi
    # both check their servers at start; give the first checks a moment to pass
    sleep 0.5
    if ! verify "$t" "$m" "before the load"; then
      status[$t/$m]="answered wrong before the load"; failures=$((failures + 1))
    else
      status[$t/$m]=ok
    fi
    say "  $t: 127.0.0.1:${port_of[$t]} (pid ${pids_of[$t]}): ${status[$t/$m]}"
    cp "$work/check-$t-$m.head" "$work/first-$t-$m.head" 2>/dev/null
    up+=("$t")
  done
  for t in "${up[@]}"; do warm_up "$t" "$m"; done
  for ((r = 1; r <= runs; r++)); do
    for t in "${up[@]}"; do
      if ! kill -0 "${main_of[$t]}" 2>/dev/null; then
        [ "${status[$t/$m]}" = ok ] && { say "  $t DIED"; status[$t/$m]="died under load"; failures=$((failures + 1)); }
        continue
      fi
      measure "$m" "$t" "$r"
    done
  done
  for t in "${up[@]}"; do
    if kill -0 "${main_of[$t]}" 2>/dev/null && ! verify "$t" "$m" "after the load"; then
      status[$t/$m]="answered wrong after the load"; failures=$((failures + 1))
    fi
    stop_target "$t" "$m"
  done
done

# ---- report (stdout, markdown) ----
row_name() { case $1 in nginx) echo "nginx direct (reference)";; haproxy) echo "HAProxy";; *) echo "netloom lb";; esac; }
declare -A m_rps m_p99 m_cpu
for m in direct $modes; do
  for t in nginx haproxy netloom; do
    [ -n "$(col "$m" "$t" 4)" ] || continue
    m_rps[$t/$m]=$(med "$m" "$t" 5); m_p99[$t/$m]=$(med "$m" "$t" 7); m_cpu[$t/$m]=$(med "$m" "$t" 8)
  done
done

echo "### Load balancer: netloom lb vs HAProxy (two nginx backends, 1 KiB, loopback)"
echo
echo "| mode | HAProxy req/s | netloom req/s | netloom ÷ HAProxy | HAProxy p99 ms | netloom p99 ms | HAProxy CPU µs/req | netloom CPU µs/req | CPU/req netloom ÷ HAProxy | goal (req/s ≥ 1.0, p99 ≤ HAProxy's) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for m in $modes; do
  rr=$(ratio "${m_rps[netloom/$m]:-}" "${m_rps[haproxy/$m]:-}")
  pr=$(ratio "${m_p99[netloom/$m]:-}" "${m_p99[haproxy/$m]:-}")
  if [ "$rr" = n/a ] || [ "$pr" = n/a ]; then g="n/a"
  else
    if awk -v r="$rr" 'BEGIN { exit !(r >= 1.0) }'; then g="req/s met"; else g="req/s **not met**"; fi
    if awk -v a="${m_p99[netloom/$m]}" -v b="${m_p99[haproxy/$m]}" 'BEGIN { exit !(a <= b) }'; then g="$g, p99 met"
    else g="$g, p99 **not met**"; fi
  fi
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$m" \
    "$(fmt 0 "${m_rps[haproxy/$m]:-n/a}")" "$(fmt 0 "${m_rps[netloom/$m]:-n/a}")" "$rr" \
    "$(fmt 2 "${m_p99[haproxy/$m]:-n/a}")" "$(fmt 2 "${m_p99[netloom/$m]:-n/a}")" \
    "$(fmt 1 "${m_cpu[haproxy/$m]:-n/a}")" "$(fmt 1 "${m_cpu[netloom/$m]:-n/a}")" \
    "$(ratio "${m_cpu[netloom/$m]:-}" "${m_cpu[haproxy/$m]:-}")" "$g"
done
echo
echo "| mode | target | req/s | ÷ nginx direct | p50 ms | p99 ms | CPU µs/req | its CPU | backends CPU | wrk CPU | errors |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for m in direct $modes; do
  for t in nginx haproxy netloom; do
    if [ "$m" = direct ]; then [ "$t" = nginx ] || continue; else [ "$t" = nginx ] && continue; fi
    wants "$t" || continue
    [ -n "${m_rps[$t/$m]:-}" ] || { echo "| $m | $(row_name "$t") | ${status[$t/$m]:-not run} | | | | | | | | |"; continue; }
    e=$(errs_of "$m" "$t")
    printf '| %s | %s | %s | %s | %s | %s | %s | %s%% | %s%% | %s%% | %s |\n' "$m" "$(row_name "$t")" \
      "$(fmt 0 "${m_rps[$t/$m]}")" "$(ratio "${m_rps[$t/$m]}" "${m_rps[nginx/direct]:-}")" \
      "$(fmt 2 "$(med "$m" "$t" 6)")" "$(fmt 2 "${m_p99[$t/$m]}")" "$(fmt 2 "${m_cpu[$t/$m]}")" \
      "$(fmt 0 "$(med "$m" "$t" 9)")" "$(fmt 0 "$(med "$m" "$t" 11)")" "$(fmt 0 "$(med "$m" "$t" 10)")" "${e:-0}"
  done
done
echo
cat <<EOF
Medians of $runs run(s) of ${duration} s per target and mode (wrk -t$threads -c$conns --latency, GET
/1k.bin, after a ${warmup}-second warm-up per target and mode in ${warmup_rounds} wrk runs, not counted), the balancers taking
turns run by run. req/s from wrk's own counts; p50 and p99 from its latency histogram. CPU = the
target's user+system time over the run (\`/proc/PID/stat\` utime+stime, all threads; nginx: master +
worker), per request wrk completed and as a share of one CPU; backends CPU = both nginx backends
(on CPU 0 with the balancer: the balancer and its backends share one CPU, so its req/s is bounded by
its CPU per request plus theirs); wrk CPU the same for wrk on CPU 1 (near 100% means the load side
set the pace). Ratios are of the medians. errors = wrk's socket errors and non-2xx responses, per run.
EOF
disturbed_note 13 14 "the balancers, the backends and wrk"
echo

echo "Goals:"
echo
for m in $modes; do
  goal "$m mode: netloom/HAProxy req/s" "$(ratio "${m_rps[netloom/$m]:-}" "${m_rps[haproxy/$m]:-}")" ">=" 1.0
  goal "$m mode: netloom p99 ÷ HAProxy p99" "$(ratio "${m_p99[netloom/$m]:-}" "${m_p99[haproxy/$m]:-}")" "<=" 1.0
done
echo

echo "Setup (\$TMP = the work directory; $pinning):"
echo
for b in a b; do
  echo "- backend $b: \`${cmd_of[$b]}\`, serving 1k.bin (1 KiB, random bytes) with \`X-Backend: $b\`" | sed "s|$work|\$TMP|g"
done
for m in $modes; do
  for t in haproxy netloom; do
    [ -n "${status[$t/$m]:-}" ] || continue
    c=$(echo "${cmd_of[$t/$m]:-not started}" | sed "s/127\.0\.0\.1:${port_of[a]}/127.0.0.1:A/; s/127\.0\.0\.1:${port_of[b]}/127.0.0.1:B/")
    echo "- $m, $(row_name "$t"): \`$c\` — ${status[$t/$m]}; stop: ${stopped[$t/$m]:-n/a}" | sed "s|$work|\$TMP|g"
  done
done
echo "- wrk: \`$(wrk_cmd a "$duration" | sed "s|$work|\$TMP|g; s|:${port_of[a]:-PORT}/|:PORT/|")\` (report.lua prints wrk's exact counts in \`done()\`)"
echo "- $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) CPUs," \
     "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM; $(uname -sr)"
echo "- $([ -n "$haproxy_bin" ] && "$haproxy_bin" -v 2>/dev/null | head -n 1 | sed 's/ - https.*//; s/version //');" \
     "$("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //'); $("$wrk_bin" -v 2>&1 | head -n 1 | sed 's/ Copyright.*//');" \
     "$("$here/bin/find-java" >/dev/null 2>&1 && "$("$here/bin/find-java")/bin/java" -version 2>&1 | sed -n 2p)${nl_built:+; netloom $nl_built}"
echo "- took $(( $(date +%s) - started )) s$( [ "$quiet_wait" -gt 0 ] && echo " (QUIET_WAIT: $waited s spent waiting for a quiet machine)")"
echo
echo "<details><summary>per run, configs, response headers</summary>"
echo
if [ "${#results[@]}" -gt 0 ]; then
  echo "| mode | target | run | requests | req/s | p50 ms | p99 ms | CPU µs/req | its CPU % | wrk CPU % | backends CPU % | errors | rest of machine CPU % | steal % |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|"
  printf '%s\n' "${results[@]}" | awk 'NF { printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; print "" }'
  echo
fi
for m in direct $modes; do
  for t in nginx haproxy netloom; do
    h=$work/first-$t-$m.head
    [ "$m" = direct ] && h=$work/check-$t-$m.head
    [ -s "$h" ] || continue
    echo "$(row_name "$t"), $m mode, a checking GET of $path:"
    echo
    echo '```'
    tr -d '\r' <"$h" | sed '/^$/d'
    echo '```'
    echo
  done
done
for f in nginx-a/nginx.conf haproxy-http/haproxy.cfg haproxy-tcp/haproxy.cfg; do
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
