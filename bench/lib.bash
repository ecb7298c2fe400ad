# shellcheck shell=bash disable=SC2154
# Helpers shared by the bench scripts: sourced, not run (not named *.sh, so `make bench`, which
# runs bench/*.sh, skips it). The caller defines say(); wait_quiet reads quiet_wait (seconds) and
# hz (clock ticks per second) and adds to waited; forget edits the caller's array live (pids
# started and not yet reaped).

wait_gone() {  # wait_gone PID SECONDS -> 0 if it exited in time
  local i
  for ((i = 0; i < $2 * 10; i++)); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  return 1
}
kv() { sed -n "s/^$2 \(.* \)\?$3=\([0-9]*\).*/\2/p" "$1" | tail -n 1; }  # kv FILE LINE KEY
median() {  # median of the numeric arguments ("n/a" skipped)
  printf '%s\n' "$@" | awk '/^-?[0-9.]+$/' | sort -g | awk '{ v[NR] = $1 }
    END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2];
          else printf "%.6g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b + 0 == 0) print "n/a"; else printf "%.2f\n", a / b }'; }
fmt() {  # fmt DECIMALS VALUE: thousands separated with commas, or n/a
  awk -v d="$1" -v x="$2" 'BEGIN { if (x !~ /^-?[0-9.]+$/) { print "n/a"; exit }
    s = sprintf("%." d "f", x); i = index(s, "."); ip = i ? substr(s, 1, i - 1) : s; fp = i ? substr(s, i) : ""
    while (ip ~ /[0-9][0-9][0-9][0-9]/) { sub(/[0-9][0-9][0-9]($|,)/, ",&", ip) }
    print ip fp }'
}
cpu_ticks() {  # user+system clock ticks of the given pids (every thread of each, dead ones included)
  local p sum=0 t
  for p in "$@"; do
    t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) || continue
    sum=$((sum + ${t:-0}))
  done
  echo "$sum"
}
# machine-wide busy (user+nice+system+irq+softirq) and steal ticks, all CPUs: "busy steal"
machine_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8, $9; exit }' /proc/stat; }
# wait_quiet: with QUIET_WAIT > 0, wait (at most that long) until the machine, whose only load of
# ours is an idle server, stays under 20% of a CPU for a second
waited=0
wait_quiet() {
  local a b t=0
  [ "$quiet_wait" -gt 0 ] || return 0
  while :; do
    read -r a _ < <(machine_ticks); sleep 1; read -r b _ < <(machine_ticks)
    [ $(( (b - a) * 100 / hz )) -lt 20 ] && break
    if [ "$t" -ge "$quiet_wait" ]; then
      say "  the machine is still busy ($(( (b - a) * 100 / hz ))% of a CPU) after ${t} s: measuring anyway"; break
    fi
    [ "$t" = 0 ] && say "  waiting for the machine to quiet down ($(( (b - a) * 100 / hz ))% of a CPU busy)"
    t=$((t + 1))
  done
  waited=$((waited + t))
}
# a run is disturbed when the rest of the machine took over 25% of a CPU or the hypervisor stole 10%
is_noisy() { awk -v o="$1" -v st="$2" 'BEGIN { exit !((o ~ /^[0-9.]+$/ && o > 25) || (st ~ /^[0-9.]+$/ && st > 10)) }'; }
# children's user+system ticks of this shell (cutime+cstime): grows by wrk's time once it is reaped
child_ticks() { awk '{ sub(/^.*\) /, ""); print $14 + $15 }' "/proc/$$/stat"; }
forget() {  # drop pids from live
  local p q keep_=()
  for p in "${live[@]}"; do
    for q in "$@"; do [ "$p" = "$q" ] && continue 2; done
    keep_+=("$p")
  done
  live=("${keep_[@]}")
}
free_port() {  # a port nothing listens on (the server's bind is the real test; callers retry)
  local p i
  for ((i = 0; i < 100; i++)); do
    p=$((20000 + RANDOM % 40000))
    if ! ss -Hltn "sport = :$p" 2>/dev/null | grep -q .; then echo "$p"; return 0; fi
  done
  echo $((20000 + RANDOM % 40000))
}

goal() {  # goal TEXT VALUE OP TARGET: one markdown line, "met" or "not met" (OP is >= or <=)
  local v=$2 verdict
  if [ "$v" = n/a ] || [ -z "$v" ]; then verdict="n/a (not measured)"
  elif awk -v v="$v" -v t="$4" -v op="$3" 'BEGIN { exit !(op == ">=" ? v >= t : v <= t) }'; then verdict="**met**"
  else verdict="**not met**"; fi
  echo "- $1: $v (goal $3 $4): $verdict"
}

# disturbed_note REST-COLUMN STEAL-COLUMN WHO [EXTRA [STEADIER]]: after the table, says how many runs (lines of
# the results array, fields numbered from 1) had the rest of the machine over 25% of a CPU or steal
# over 10%, and how many disturbed runs were done again (the discarded array). WHO names the
# processes measured ("the server and wrk"); EXTRA is added to the note's first sentence; STEADIER
# names what noise moves less (default "CPU per request").
disturbed_note() {
  local busy
  busy=$(printf '%s\n' "${results[@]}" | awk -v r="$1" -v s="$2" '$r ~ /^[0-9.]+$/ && ($r > 25 || $s > 10) { n++ }
    END { if (n) printf "%d of %d", n, NR }')
  if [ -n "$busy" ]; then
    echo
    echo "Note: in $busy runs the rest of the machine used over 25% of a CPU (or the hypervisor stole"
    echo "over 10%) beside $3 (see per run${4:+; $4}): another load on this machine makes these"
    echo "numbers noisy; ${5:-CPU per request} much less so."
  fi
  if [ "${#discarded[@]}" -gt 0 ]; then
    echo
    echo "${#discarded[@]} disturbed run(s) were done again (QUIET_WAIT); they are listed under the runs."
  fi
}

# bench_work NAME: makes $work, a work directory with an empty netloom home ($NETLOOM_HOME: the
# repo's netloom.properties is not read), and sets an exit trap that kills the client ($cpid) and
# the server ($spid) if they still run and removes $work unless KEEP_LOGS=1 ($keep).
bench_work() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  export NETLOOM_HOME=$work/home
  mkdir -p "$NETLOOM_HOME"
  spid="" cpid=""
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}
bench_cleanup() {
  [ -n "$cpid" ] && kill -KILL "$cpid" 2>/dev/null
  [ -n "$spid" ] && kill -KILL "$spid" 2>/dev/null
  if [ "$keep" = 1 ]; then say "logs kept in $work"; else rm -rf "$work"; fi
}

# pin_cpus [CLIENT]: $pin0 and $pin1 are `taskset -c 0` and `taskset -c 1` (server and load
# generator, named CLIENT in $pinning, default "client"), or empty when taskset or a second CPU is
# missing; $pinning says which, for the report.
pin_cpus() {
  # shellcheck disable=SC2034  # set for the calling script
  pin0="" pin1="" pinning="server on CPU 0, ${1:-client} on CPU 1 (taskset)"
  if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ] && taskset -c 1 true 2>/dev/null; then
    # shellcheck disable=SC2034
    pin0="taskset -c 0" pin1="taskset -c 1"
  else
    # shellcheck disable=SC2034
    pinning="unpinned (taskset missing or fewer than 2 CPUs)"
  fi
}

# stop_live: ends the load generator ($wpid) and every pid in live (servers, their workers):
# TERM, up to 5 s for them to go, then KILL. For exit traps.
stop_live() {
  local p n
  [ -n "$wpid" ] && kill -TERM "$wpid" 2>/dev/null
  for p in "${live[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for ((n = 0; n < 50; n++)); do
    for p in "${live[@]}"; do kill -0 "$p" 2>/dev/null && break; p=""; done
    [ -z "${p:-}" ] && break
    sleep 0.1
  done
  for p in "${live[@]}"; do kill -KILL "$p" 2>/dev/null; done
  [ -n "$wpid" ] && kill -KILL "$wpid" 2>/dev/null
}

# wait_fds PID BASE SECONDS: waits until the process holds at most BASE + 8 open descriptors (the
# slack covers jcmd's attach listener and the like); 1 if it still holds more after SECONDS.
wait_fds() {
  local i now
  for ((i = 0; i < $3 * 10; i++)); do
    now=$(find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    [ "$now" -le $(($2 + 8)) ] && return 0
    sleep 0.1
  done
  echo "$now"
  return 1
}

# term_server PID WHAT: SIGTERM, up to 30 s to exit (else SIGKILL, said on stderr as WHAT);
# sets stop_rc (its exit code, or "killed") and stop_ms (how long it took). PID must be a child.
# shellcheck disable=SC2034  # stop_rc and stop_ms are for the caller
term_server() {
  local t0
  t0=$(date +%s%N)
  kill -TERM "$1" 2>/dev/null
  if wait_gone "$1" 30; then
    wait "$1"; stop_rc=$?
  else
    say "  $2: the server ignored SIGTERM for 30 s; killing it"
    kill -KILL "$1" 2>/dev/null; wait "$1" 2>/dev/null; stop_rc=killed
  fi
  stop_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}


# apt_install WHO HINT PKG...: installs Debian packages with apt-get when this is root or has
# passwordless sudo (else says what to install, and HINT, e.g. which server to leave out, and exits
# 2). A temporary policy-rc.d answering 101 ("action forbidden") keeps a package's postinst from
# starting its service (nginx on 80, redis on 6379, vsftpd on 21) while it installs; scripts that
# want to be sure stop that service afterwards. Sets sudo_cmd for the caller's later steps.
# apt_debconf, when set, holds debconf-set-selections lines answered before the install (postfix:
# "postfix postfix/main_mailer_type select No configuration", so it writes no main.cf to run).
sudo_cmd=()
apt_debconf=${apt_debconf:-}
apt_install() {
  local who=$1 hint=$2 log policy="" ok=true; shift 2
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then sudo_cmd=()
  elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    sudo_cmd=(sudo -n)
  else
    say "$who: missing: $*"
    say "$who: install with: sudo apt-get install -y --no-install-recommends $*"
    [ -z "$hint" ] || say "$who: ($hint)"
    exit 2
  fi
  say "$who: installing $* with apt-get"
  if [ ! -e /usr/sbin/policy-rc.d ] &&
     printf '#!/bin/sh\n# temporary, from netloom bench/%s\nexit 101\n' "$who" |
       "${sudo_cmd[@]}" tee /usr/sbin/policy-rc.d >/dev/null && "${sudo_cmd[@]}" chmod 755 /usr/sbin/policy-rc.d; then
    policy=/usr/sbin/policy-rc.d
  fi
  if [ -n "$apt_debconf" ] && ! printf '%s\n' "$apt_debconf" | "${sudo_cmd[@]}" debconf-set-selections; then
    say "$who: debconf-set-selections failed for: $apt_debconf"
    [ -z "$policy" ] || "${sudo_cmd[@]}" rm -f "$policy" || true
    exit 2
  fi
  log=$(mktemp)
  timeout 600 "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1 &&
    timeout 900 "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends "$@" >>"$log" 2>&1 || ok=false
  if [ -n "$policy" ]; then "${sudo_cmd[@]}" rm -f "$policy" || true; fi
  if ! $ok; then cat "$log" >&2; rm -f "$log"; say "$who: apt-get install $* failed"; exit 2; fi
  rm -f "$log"
}

# find_redis: sets redis_bin to Debian's redis-server (PATH, else /usr/bin); status 1 when absent.
redis_bin=""
find_redis() {
  redis_bin=$(command -v redis-server 2>/dev/null || true)
  [ -n "$redis_bin" ] || { [ -x /usr/bin/redis-server ] && redis_bin=/usr/bin/redis-server; } || true
  [ -n "$redis_bin" ]
}

# stop_debian_redis WHO: after apt_install redis-server, if the package started the Debian service
# anyway, stop it and keep it from starting at boot: the callers (bench/kv.sh, tests/redis-suite.sh)
# only ever use their own instance on a free loopback port, without a config file.
stop_debian_redis() {
  local who=$1 pid=""
  if [ -r /run/redis/redis-server.pid ]; then pid=$(cat /run/redis/redis-server.pid 2>/dev/null || true); fi
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    if "${sudo_cmd[@]}" systemctl disable --quiet redis-server >/dev/null 2>&1; then
      say "$who: disabled the Debian redis-server service at boot (systemctl enable redis-server undoes it)"
    fi
  fi
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = redis-server ]; then
    say "$who: the redis-server package started the Debian service (pid $pid, port 6379): stopping it"
    "${sudo_cmd[@]}" invoke-rc.d redis-server stop >/dev/null 2>&1 ||
      "${sudo_cmd[@]}" service redis-server stop >/dev/null 2>&1 || true
    wait_gone "$pid" 5 || { "${sudo_cmd[@]}" kill -TERM "$pid" 2>/dev/null; wait_gone "$pid" 10; } ||
      say "$who: the Debian redis-server (pid $pid) is still running; it uses port 6379, not ours"
  fi
}

# netloom_built LAUNCHER REPO: which netloom a bench runs, for its report: REPO's commit (with
# "+ uncommitted changes" when src/ differs) when LAUNCHER is REPO's bin/netloom, else the date of
# the jar the launcher runs.
netloom_built() {
  local dir
  dir=$(cd "$(dirname "$(readlink -f "$1")")/.." 2>/dev/null && pwd)
  if [ "$dir" = "$2" ]; then
    echo "$(git -C "$2" rev-parse --short HEAD 2>/dev/null || echo ?)$(git -C "$2" diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted changes')"
  else
    echo "from $dir/target/netloom.jar (built $(date -r "$dir/target/netloom.jar" '+%F %R' 2>/dev/null || echo ?))"
  fi
}

# wait_listening PORT SECONDS: until something listens on 127.0.0.1:PORT
wait_listening() {
  local i
  for ((i = 0; i < $2 * 20; i++)); do
    ss -Hltn "sport = :$1" 2>/dev/null | grep -q . && return 0
    sleep 0.05
  done
  return 1
}

# nginx_conf DIR PORT ROOT [SERVER_LINES]: DIR/nginx.conf for a one-worker nginx in the foreground
# (no access log, sendfile, keep-alive for a million requests; pid, error log and temp files in
# DIR) serving ROOT on 127.0.0.1:PORT, SERVER_LINES added to its server block (proxy.sh, lb.sh)
nginx_conf() {
  cat >"$1/nginx.conf" <<EOF
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
    keepalive_timeout 60s;
    keepalive_requests 1000000;
    client_body_temp_path $1/tmp/body;
    proxy_temp_path $1/tmp/proxy;
    fastcgi_temp_path $1/tmp/fastcgi;
    uwsgi_temp_path $1/tmp/uwsgi;
    scgi_temp_path $1/tmp/scgi;
    server {
        listen 127.0.0.1:$2;
        root $3;
${4:-}
    }
}
EOF
}

# find_bin NAME: its path (PATH, then /usr/sbin), or nothing
find_bin() { command -v "$1" 2>/dev/null || { [ -x "/usr/sbin/$1" ] && echo "/usr/sbin/$1"; } || true; }

# start_nginx NAME DIR SERVER_LINES PIN...: a one-worker nginx (nginx_conf) in DIR serving $root,
# answering /1k.bin, retried on another port when its port was taken; the caller declares the
# arrays it sets: port_of[NAME], pids_of[NAME] (master + worker), main_of[NAME], cmd_of[NAME]
# (the command as the report shows it, $work written $TMP). Uses $nginx_bin, $work, $root, live.
start_nginx() {
  local name=$1 d=$2 lines=$3 attempt i pid port w eflag=(); shift 3
  mkdir -p "$d/tmp"
  # -e (1.19.5+) moves the error log nginx opens before reading its config off /var/log/nginx
  "$nginx_bin" -h 2>&1 | grep -q -- '^ *-e ' && eflag=(-e "$d/error.log")
  for ((attempt = 0; attempt < 5; attempt++)); do
    port=$(free_port)
    nginx_conf "$d" "$port" "$root" "$lines"
    : >"$d/error.log"
    "$@" "$nginx_bin" -p "$d/" -c "$d/nginx.conf" "${eflag[@]}" >"$d/server.out" 2>"$d/server.err" </dev/null &
    pid=$!; live+=("$pid")
    for ((i = 0; i < 100; i++)); do
      curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/1k.bin" && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && break
    wait "$pid" 2>/dev/null; forget "$pid"; pid=""
    grep -qs 'Address already in use' "$d/error.log" "$d/server.err" || break
  done
  [ -n "$pid" ] || { echo "  nginx $name did not start: $(tail -n 5 "$d/error.log" "$d/server.err" 2>/dev/null)" >&2; return 1; }
  for ((i = 0; i < 50; i++)); do
    w=$(pgrep -P "$pid" | tr '\n' ' ')
    [ -n "$w" ] && break
    sleep 0.1
  done
  # shellcheck disable=SC2206
  live+=($w)
  local t="\$TMP/${d#"$work"/}"
  port_of[$name]=$port pids_of[$name]="$pid $w" main_of[$name]=$pid
  cmd_of[$name]="$* $nginx_bin -p $t/ -c $t/nginx.conf ${eflag[*]:+-e $t/error.log}"
}

# The per-run results: lines "CASE TARGET RUN field..." in the array results (col: field K of
# CASE/TARGET's runs; med: their median; errs_of: the runs with errors, field 12, as text).
col() { printf '%s\n' "${results[@]}" | awk -v c="$1" -v t="$2" -v k="$3" '$1 == c && $2 == t { print $k }'; }
med() { local vals; mapfile -t vals < <(col "$1" "$2" "$3"); median "${vals[@]}"; }
errs_of() { printf '%s\n' "${results[@]}" | awk -v c="$1" -v t="$2" '$1 == c && $2 == t && $12 != "-" { printf "%s%s", s, "run " $3 ": " $12; s = "; " }'; }

# ---- kv (bench/kv.sh, bench/kv-features.sh): redis-tools, redis-server, the servers under test ----
# These read the caller's wants() (is a server in SERVERS), die(), say(), $netloom, $here, $pin0,
# pin0a, live, $redis_bin (find_redis) and $cli_bin (redis-cli).

# kv_check_servers: dies (exit 2) unless SERVERS ($servers) is netloom and/or redis and, with
# netloom in it, the launcher ($netloom) can run; wants NAME: is NAME in SERVERS
wants() { [[ " $servers " == *" $1 "* ]]; }
kv_check_servers() {
  local s
  for s in $servers; do
    case $s in netloom|redis) ;; *) die "unknown server '$s' in SERVERS (netloom, redis)";; esac
  done
  [ -n "$servers" ] || die "SERVERS is empty"
  wants netloom || return 0
  if [ -z "${NETLOOM:-}" ] && [ ! -f "$here/target/netloom.jar" ]; then
    die "target/netloom.jar is missing: build netloom first (make build), or leave netloom out of SERVERS"
  fi
  [ -x "$netloom" ] || die "NETLOOM=$netloom is not an executable launcher"
}

# ---- tools: redis-benchmark + redis-cli (redis-tools), redis-server (apt-get when missing) ----
# The redis-server package's postinst starts the Debian service (port 6379, all the time):
# apt_install (lib.bash) forbids that while it installs; if it started anyway, stop_debian_redis
# (lib.bash) stops it.
kv_ensure_tools() {
  local need=()
  if ! command -v redis-benchmark >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    need+=(redis-tools)
  fi
  if wants redis && ! find_redis; then need+=(redis-server); fi
  [ "${#need[@]}" -gt 0 ] || return 0
  apt_install kv "or leave redis-server out: SERVERS=netloom" "${need[@]}"
  if [[ " ${need[*]} " == *" redis-server "* ]]; then stop_debian_redis kv; fi
  for t in redis-benchmark redis-cli; do
    command -v "$t" >/dev/null 2>&1 || die "$t is still missing after apt-get install"
  done
  if wants redis; then find_redis || die "redis-server is still missing after apt-get install"; fi
}

# rcli ARG...: one redis-cli command to the current server, bounded; prints the raw reply
rcli() { timeout 10 "$cli_bin" -h 127.0.0.1 -p "$port" "$@" </dev/null 2>&1; }

# parse_csv OUT: "TEST RPS P50 P99" per test redis-benchmark reported (spaces in a test name,
# e.g. "MSET (10 keys)", become ~)
parse_csv() {
  awk -F'","' 'NR > 1 && NF >= 7 { gsub(/^"|"$/, ""); name = $1; gsub(/ /, "~", name)
    print name, $2, $5, $7 }' "$1"
}

# start_server LABEL DIR: sets spid, port, srv_cmd; 1 if it did not start
start_server() {
  local label=$1 d=$2 i attempt
  spid="" port="" srv_cmd=""
  mkdir -p "$d/data"
  case $label in
    netloom)
      srv_args=(serve kv kv.port=0 "kv.dir=$d/data" kv.appendonly=true kv.appendfsync=everysec)
      srv_cmd="NETLOOM_HOME=\$TMP/home ${NETLOOM_JAVA_OPTS:+NETLOOM_JAVA_OPTS=\"$NETLOOM_JAVA_OPTS\" }$pin0${pin0:+ }${netloom#"$here/"} ${srv_args[*]}"
      "${pin0a[@]}" "$netloom" "${srv_args[@]}" >"$d/server.out" 2>"$d/server.err" </dev/null &
      spid=$!; live+=("$spid")
      for ((i = 0; i < 600; i++)); do
        port=$(sed -n 's/^kv listening on [0-9.]*:\([0-9]*\) (tcp).*/\1/p' "$d/server.out" 2>/dev/null | head -n 1)
        [ -n "$port" ] && break
        kill -0 "$spid" 2>/dev/null || break
        sleep 0.1
      done
      ;;
    redis)
      for ((attempt = 0; attempt < 5; attempt++)); do
        port=$(free_port)
        # no config file: every setting that matters is on the command line
        srv_args=(--port "$port" --bind 127.0.0.1 --appendonly yes --appendfsync everysec --save '' --dir "$d/data")
        "${pin0a[@]}" "$redis_bin" "${srv_args[@]}" >"$d/server.out" 2>"$d/server.err" </dev/null &
        spid=$!; live+=("$spid")
        for ((i = 0; i < 300; i++)); do
          [ "$(rcli PING)" = PONG ] && break
          kill -0 "$spid" 2>/dev/null || break
          sleep 0.1
        done
        if kill -0 "$spid" 2>/dev/null && [ "$i" -lt 300 ]; then break; fi
        kill -KILL "$spid" 2>/dev/null || true; wait "$spid" 2>/dev/null || true; forget "$spid"
        if grep -qs 'Address already in use' "$d/server.out"; then spid=""; continue; fi
        port=""; break
      done
      srv_cmd="$pin0${pin0:+ }redis-server --port PORT --bind 127.0.0.1 --appendonly yes --appendfsync everysec --save '' --dir \$TMP/redis/data"
      ;;
  esac
  if [ -z "$port" ] || [ -z "$spid" ] || ! kill -0 "$spid" 2>/dev/null; then
    say "  $label: did not start; its output:"
    cat "$d/server.out" "$d/server.err" 2>/dev/null | tail -n 15 | sed 's/^/    /' >&2
    if [ -n "$spid" ]; then kill -KILL "$spid" 2>/dev/null || true; wait "$spid" 2>/dev/null || true; forget "$spid"; fi
    return 1
  fi
  return 0
}

# check_answers LABEL: PING, a SET read back, and the append-only file on with everysec; 1 if not
# kv_start_all: starts every server of labels (start_server) and checks it (check_answers), one
# after the other; fills the caller's status, srv_cmds, spids and ports (stopped for one that
# answered wrong, then stopped) and counts failures. kv.sh and kv-features.sh then take turns.
kv_start_all() {
  local label d
  for label in "${labels[@]}"; do
    d=$work/$label; mkdir -p "$d"
    say "== $label"
    if ! start_server "$label" "$d"; then status[$label]="did not start"; failures=$((failures + 1)); continue; fi
    srv_cmds[$label]=$srv_cmd
    if ! check_answers "$label"; then
      status[$label]="wrong answers"; failures=$((failures + 1))
      term_server "$spid" "$label" || true; forget "$spid"; stopped[$label]="exit $stop_rc"; continue
    fi
    say "  listening on 127.0.0.1:$port (pid $spid); PING, SET/GET right; appendonly yes, appendfsync everysec"
    status[$label]=ok spids[$label]=$spid ports[$label]=$port
  done
}
check_answers() {
  local label=$1 bad=0 got
  got=$(rcli PING)
  [ "$got" = PONG ] || { say "  $label: PING answered '$got'"; bad=1; }
  got=$(rcli SET bench:check "value 42")
  [ "$got" = OK ] || { say "  $label: SET answered '$got'"; bad=1; }
  got=$(rcli GET bench:check)
  [ "$got" = "value 42" ] || { say "  $label: GET of the value just SET answered '$got'"; bad=1; }
  rcli DEL bench:check >/dev/null || true
  got=$(rcli CONFIG GET appendonly | tr '\n' ' ')
  [ "$got" = "appendonly yes " ] || { say "  $label: CONFIG GET appendonly answered '$got' (expected yes)"; bad=1; }
  got=$(rcli CONFIG GET appendfsync | tr '\n' ' ')
  [ "$got" = "appendfsync everysec " ] || { say "  $label: CONFIG GET appendfsync answered '$got' (expected everysec)"; bad=1; }
  return $bad
}
