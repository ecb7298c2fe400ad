#!/usr/bin/env bash
# How many concurrent idle echo connections one netloom holds from a separate client process,
# whether every one still echoes, and what each costs the server in heap and RSS.
#
# For each connection count in COUNTS, RUNS times: start a fresh `netloom serve echo` (pinned to
# CPU 0), force a GC and measure its used heap (jcmd GC.heap_info) and VmRSS; run
# bench/EchoLoad.java (pinned to CPU 1) to open N connections from SOURCES source addresses
# 127.0.0.2.. to 127.0.0.1 and check every one echoes its own message; while they are all open
# and idle force a GC and measure again; let the client echo once more and close; SIGTERM the
# server and check it exits 0. Prints a markdown table of medians on stdout, progress on stderr.
#
# Environment (defaults in brackets):
#   COUNTS ["5000 10000 19000 19900"]  RUNS [3]  SOURCES [8]  TIMEOUT [120] seconds per client phase
#   HISTOGRAM_AT [10000]  the count whose first run also records jcmd GC.class_histogram
#   WARMUP [0]  open, echo and close this many connections before the baseline, so the server's
#               connection path is JIT-compiled (idle virtual-thread stacks are smaller then)
#   NETLOOM [bin/netloom]  NETLOOM_JAVA_OPTS  extra server JVM flags   CLIENT_JAVA_OPTS  client's
#   KEEP_LOGS [0]  1 keeps the work directory (server/client logs, heap_info, histograms)
# Loopback only. Exits 0 when every run held and echoed all N and the server exited 0, else 1.
set -u

bench=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
here=$(cd "$bench/.." && pwd)
netloom=${NETLOOM:-$here/bin/netloom}
counts=${COUNTS:-5000 10000 19000 19900}
runs=${RUNS:-3}
sources=${SOURCES:-8}
timeout=${TIMEOUT:-120}
histogram_at=${HISTOGRAM_AT:-10000}
warmup=${WARMUP:-0}
keep=${KEEP_LOGS:-0}

# shellcheck source-path=SCRIPTDIR source=lib.bash
. "$bench/lib.bash"
die() { echo "echo-connections: $*" >&2; exit 2; }
say() { echo "$*" >&2; }

java_home=$("$here/bin/find-java") || die "no JDK 21+ found (bin/find-java)"
java=$java_home/bin/java
jcmd=$java_home/bin/jcmd
[ -x "$jcmd" ] || die "$jcmd is missing: a full JDK with jcmd is needed to read the server's heap"
if [ -z "${NETLOOM:-}" ] && [ ! -f "$here/target/netloom.jar" ]; then
  die "target/netloom.jar is missing: build netloom first (make build)"
fi

bench_work echo-connections
pin_cpus

server_args=(serve echo echo.port=0 echo.max-connections=20000 echo.backlog=4096 echo.idle-timeout=0)

# Used heap in KiB from `jcmd PID GC.heap_info` output (G1, Serial, Parallel, Z, Shenandoah).
heap_kib() {
  awk '/Metaspace|class space/ { next }
       { line = $0
         while (match(line, /used [0-9]+[KMG]|[0-9]+[KMG] used/)) {
           s = substr(line, RSTART, RLENGTH); line = substr(line, RSTART + RLENGTH)
           gsub(/used|[ ]/, "", s); u = substr(s, length(s)); v = substr(s, 1, length(s) - 1)
           sum += v * (u == "K" ? 1 : u == "M" ? 1024 : 1048576); found = 1 } }
       END { if (found) print sum; else print "n/a" }' "$1"
}
gc_name() {
  awk '/garbage-first/ { print "G1"; exit } /DefNew|def new/ { print "Serial"; exit }
       /PSYoungGen/ { print "Parallel"; exit } /ZHeap/ { print "ZGC"; exit }
       /Shenandoah/ { print "Shenandoah"; exit }' "$1"
}
# measure PID FILE: GC, then sets m_heap (KiB), m_rss (KiB), m_fds
measure() {
  printf 'GC.run\nGC.heap_info\n' > "$work/jcmd.cmds"
  "$jcmd" "$1" -f "$work/jcmd.cmds" > "$2" 2>&1
  m_heap=$(heap_kib "$2")
  m_rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
  m_fds=$(ls "/proc/$1/fd" 2>/dev/null | wc -l)
  [ -n "$m_rss" ] || m_rss="n/a"
}
per_conn() {  # per_conn BEFORE AFTER CONNECTIONS -> KiB per connection, 2 decimals
  awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN {
    if (a == "n/a" || b == "n/a" || a == "" || b == "" || n + 0 <= 0) print "n/a"
    else printf "%.2f\n", (b - a) / n }'
}
median() {  # median of the numeric arguments ("n/a" skipped)
  printf '%s\n' "$@" | awk '/^-?[0-9.]+$/' | sort -g | awk '{ v[NR] = $1 }
    END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2];
          else { m = (v[NR / 2] + v[NR / 2 + 1]) / 2; print (m == int(m)) ? m : sprintf("%.2f", m) } }'
}

results=()   # one line per run: n run connected held echoed heap_kib rss_kib fds exit stop_ms
failures=0
gc="" server_fd_limit="" own_fds=""
started=$(date +%s)
say "echo-connections: COUNTS=\"$counts\" RUNS=$runs SOURCES=$sources, $pinning; logs in $work"

for n in $counts; do
  for ((r = 1; r <= runs; r++)); do
    d=$work/n$n-r$r; mkdir -p "$d"
    rm -f "$d/go"
    # shellcheck disable=SC2086
    $pin0 "$netloom" "${server_args[@]}" > "$d/server.out" 2> "$d/server.err" < /dev/null &
    spid=$!
    port=""
    for ((i = 0; i < 600; i++)); do
      port=$(sed -n 's/^echo listening on [0-9.]*:\([0-9]*\) (tcp).*/\1/p' "$d/server.out" 2>/dev/null | head -n 1)
      [ -n "$port" ] && break
      kill -0 "$spid" 2>/dev/null || break
      sleep 0.1
    done
    if [ -z "$port" ]; then
      say "  N=$n run $r: the server printed no listening line; stderr:"; sed 's/^/    /' "$d/server.err" >&2
      kill -KILL "$spid" 2>/dev/null; wait "$spid" 2>/dev/null; spid=""
      results+=("$n $r 0 0 0 n/a n/a n/a no-start n/a"); failures=$((failures + 1)); continue
    fi
    if [ "$warmup" -gt 0 ]; then
      # shellcheck disable=SC2086
      $pin1 "$java" ${CLIENT_JAVA_OPTS:-} "$bench/EchoLoad.java" --port "$port" \
        --connections "$warmup" --sources "$sources" --timeout "$timeout" --hold-max 0 \
        > "$d/warmup.out" 2> "$d/warmup.err" < /dev/null &
      cpid=$!
      wait_gone "$cpid" $((timeout * 2 + 30)) || kill -KILL "$cpid" 2>/dev/null
      wait "$cpid" 2>/dev/null || say "  N=$n run $r: warm-up client: $(tail -n 1 "$d/warmup.out")"
      cpid=""
      sleep 1  # let the server close the warm-up connections
    fi
    server_fd_limit=$(awk '/^Max open files/ { print $4 }' "/proc/$spid/limits" 2>/dev/null)
    measure "$spid" "$d/heap-base.txt"
    base_heap=$m_heap base_rss=$m_rss base_fds=$m_fds
    [ -n "$gc" ] || gc=$(gc_name "$d/heap-base.txt")

    # shellcheck disable=SC2086
    $pin1 "$java" ${CLIENT_JAVA_OPTS:-} "$bench/EchoLoad.java" --port "$port" --connections "$n" \
      --sources "$sources" --timeout "$timeout" --hold-file "$d/go" --hold-max $((timeout * 3)) \
      > "$d/client.out" 2> "$d/client.err" < /dev/null &
    cpid=$!
    ready=0
    for ((i = 0; i < (timeout + 60) * 10; i++)); do
      if grep -qs '^READY' "$d/client.out"; then ready=1; break; fi
      kill -0 "$cpid" 2>/dev/null || break
      sleep 0.1
    done
    held_heap="n/a" held_rss="n/a" held_fds="n/a"
    if [ "$ready" = 1 ]; then
      sleep 0.5   # let the server's connection threads settle into their blocking reads
      measure "$spid" "$d/heap-held.txt"
      held_heap=$m_heap held_rss=$m_rss held_fds=$m_fds
      held_now=$(kv "$d/client.out" READY held)
      [ -n "$held_now" ] && [ -z "$own_fds" ] && own_fds=$((held_fds - held_now))
      if [ "$n" = "$histogram_at" ] && [ "$r" = 1 ]; then
        "$jcmd" "$spid" GC.class_histogram > "$d/histogram.txt" 2>&1
        histogram_file=$d/histogram.txt
      fi
    else
      say "  N=$n run $r: the client never reported READY; last lines:"; tail -n 5 "$d/client.err" >&2
    fi
    touch "$d/go"
    if ! wait_gone "$cpid" $((timeout + 30)); then
      say "  N=$n run $r: the client did not finish; killing it"; kill -KILL "$cpid" 2>/dev/null
    fi
    wait "$cpid" 2>/dev/null; cpid=""
    connected=$(kv "$d/client.out" CONNECT connected); held=$(kv "$d/client.out" READY held)
    echoed=$(kv "$d/client.out" DONE echoed)
    connected=${connected:-0} held=${held:-0} echoed=${echoed:-0}

    # The client has closed everything: the server should drop back to about its baseline fds
    # (the slack covers jcmd's attach listener, opened on the first jcmd).
    if ! now_fds=$(wait_fds "$spid" "$base_fds" 10); then
      say "  N=$n run $r: server still has $now_fds fds 10 s after the client closed (baseline $base_fds)"
    fi

    term_server "$spid" "N=$n run $r"
    rc=$stop_rc
    spid=""

    heap_pc=$(per_conn "$base_heap" "$held_heap" "$held")
    rss_pc=$(per_conn "$base_rss" "$held_rss" "$held")
    results+=("$n $r $connected $held $echoed $heap_pc $rss_pc $held_fds $rc $stop_ms")
    [ "$held" = "$n" ] && [ "$echoed" = "$n" ] && [ "$rc" = 0 ] || failures=$((failures + 1))
    say "  N=$n run $r: connected $connected, held $held, echoed $echoed;" \
        "heap ${base_heap}->${held_heap} KiB ($heap_pc/conn), RSS ${base_rss}->${held_rss} KiB" \
        "($rss_pc/conn), server fds $base_fds->$held_fds; exit $rc after ${stop_ms} ms"
    if [ -s "$d/server.err" ] && grep -qiE 'exception|error|warn' "$d/server.err"; then
      say "    server stderr:"; grep -iE 'exception|error|warn' "$d/server.err" | head -n 5 | sed 's/^/      /' >&2
    fi
  done
done

# ---- report (stdout, markdown) ----
field() { printf '%s\n' "${results[@]}" | awk -v n="$1" -v f="$2" '$1 == n { print $f }'; }
echo "### netloom: concurrent idle echo connections"
echo
echo "| connections requested | held | echoed OK | heap/conn KiB | RSS/conn KiB | server fds | server exit |"
echo "|---:|---:|---:|---:|---:|---:|:---|"
for n in $counts; do
  mapfile -t c_held < <(field "$n" 4); mapfile -t c_echo < <(field "$n" 5)
  mapfile -t c_heap < <(field "$n" 6); mapfile -t c_rss < <(field "$n" 7)
  mapfile -t c_fds < <(field "$n" 8); mapfile -t c_rc < <(field "$n" 9)
  exits=$(printf '%s\n' "${c_rc[@]}" | sort | uniq -c | awk '{ printf "%s%s ×%d", sep, $2, $1; sep = ", " }')
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$n" "$(median "${c_held[@]}")" \
    "$(median "${c_echo[@]}")" "$(median "${c_heap[@]}")" "$(median "${c_rss[@]}")" \
    "$(median "${c_fds[@]}")" "$exits"
done
echo
warm=""
[ "$warmup" -gt 0 ] && warm=" after a warm-up of $warmup connections"
cat <<EOF
Medians of $runs run(s) each, a fresh server per run. Heap = used heap after a forced full GC
(\`jcmd PID GC.run\`, then \`GC.heap_info\`); RSS = VmRSS; per connection = (value while holding
them idle − the same server's baseline$warm) / held. "echoed OK" = connections that returned
their own message both right after opening and again after the measurement. "server fds" = the
server's open descriptors while holding them: its limit is ${server_fd_limit:-?} and ${own_fds:-?} of them are
its own (with jcmd attached), so about $(( ${server_fd_limit:-20000} - ${own_fds:-0} )) connections fit.
EOF
echo
echo "- server: \`${NETLOOM_JAVA_OPTS:+NETLOOM_JAVA_OPTS=\"$NETLOOM_JAVA_OPTS\" }$pin0${pin0:+ }${netloom#"$here/"} ${server_args[*]}\`"
echo "  ($("$java" -version 2>&1 | sed -n 2p), GC ${gc:-?}, fd limit ${server_fd_limit:-?})"
echo "- client: \`$pin1${pin1:+ }${java} ${CLIENT_JAVA_OPTS:+$CLIENT_JAVA_OPTS }${bench#"$here/"}/EchoLoad.java --port PORT --connections N --sources $sources --timeout $timeout --hold-file F\`"
echo "  (sources 127.0.0.2–127.0.0.$((1 + sources)) → 127.0.0.1; $pinning)"
echo "- $(uname -sr), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM;" \
     "took $(( $(date +%s) - started )) s"
echo
echo "<details><summary>per run</summary>"
echo
echo "| N | run | connected | held | echoed | heap/conn KiB | RSS/conn KiB | server fds | exit | stop ms |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|:---|---:|"
printf '%s\n' "${results[@]}" | awk '{ printf "| %s |", $1; for (i = 2; i <= NF; i++) printf " %s |", $i; print "" }'
echo
echo "</details>"
if [ -n "${histogram_file:-}" ] && [ -s "$histogram_file" ]; then
  echo
  echo "Top of \`jcmd PID GC.class_histogram\` with $histogram_at connections held:"
  echo
  echo '```'
  sed -n '2,18p' "$histogram_file"
  echo '```'
fi
[ "$failures" = 0 ]
