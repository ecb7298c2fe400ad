#!/usr/bin/env bash
# Broadcast fan-out of netloom's `chat` service: how long until every one of N members in one room
# has a message, and how many deliveries per second it sustains, from a separate client process.
#
# For each member count in COUNTS, RUNS times: start a fresh `netloom serve chat` (pinned to CPU 0),
# then run bench/ChatFanout.java (pinned to CPU 1), which connects N members from SOURCES source
# addresses 127.0.0.2.. to 127.0.0.1, has each pick a nick and waits for its "* you are" line,
# joins one more member (the sender), which says "sync", and waits until every member has read
# "<sender> sync" (so the N*(N-1)/2 join notices, or the server's count of those it skipped, are
# drained). Then:
#   latency:   the sender says MESSAGES messages one at a time: message i is sent as soon as every
#              member has message i-1 (or MESSAGE_TIMEOUT passed); latency = from the sender's
#              write to the last member's read of it, one clock (sender and members share a JVM)
#   sustained: the sender writes SUSTAINED messages back to back, no waiting; rate = N*SUSTAINED
#              deliveries / (last member's read of the last message - first write)
# The client reads the server's CPU time (/proc/PID/stat) around each phase and its VmRSS/VmHWM at
# the end; then it closes everything, the script waits for the server to drop the connections,
# SIGTERMs it and checks it exits 0. Prints a markdown table of medians on stdout (p50/p99/max
# latency, deliveries/s, lost deliveries, server CPU and peak RSS) and whether the goal, p99 under
# 50 ms with 5,000 members, is met; progress on stderr.
#
# Environment (defaults in brackets):
#   COUNTS ["1000 5000"]  RUNS [3]  MESSAGES [200]  SUSTAINED [1000]  SOURCES [8]
#   TIMEOUT [120] seconds for the join phase and again for the sustained phase
#   MESSAGE_TIMEOUT [10] seconds one message may take to reach everyone (3 such: the run stops)
#   QUEUE [the server's default, 1000] the server's chat.queue (a member whose queue overflows is
#              disconnected; join notices past half of it are counted, not queued)
#   NETLOOM [bin/netloom]  NETLOOM_JAVA_OPTS  extra server JVM flags   CLIENT_JAVA_OPTS  client's
#   KEEP_LOGS [0]  1 keeps the work directory (server and client logs)
# Loopback only; the client is bounded by `timeout`. Exits 0 when in every run all N members
# joined, every message reached every member exactly once, none was disconnected and the server
# exited 0; else 1 (2 on bad settings). A goal not met does not change the exit code.
set -u

bench=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
here=$(cd "$bench/.." && pwd)
netloom=${NETLOOM:-$here/bin/netloom}
counts=${COUNTS:-1000 5000}
runs=${RUNS:-3}
messages=${MESSAGES:-200}
sustained=${SUSTAINED:-1000}
sources=${SOURCES:-8}
timeout=${TIMEOUT:-120}
message_timeout=${MESSAGE_TIMEOUT:-10}
queue=${QUEUE:-}
keep=${KEEP_LOGS:-0}
goal_n=5000 goal_ms=50

die() { echo "chat-fanout: $*" >&2; exit 2; }
say() { echo "$*" >&2; }
# shellcheck source-path=SCRIPTDIR source=lib.bash
. "$bench/lib.bash"

for v in RUNS MESSAGES TIMEOUT MESSAGE_TIMEOUT QUEUE; do
  x=${!v:-1}
  [[ $x =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '$x'"
done
[[ $sustained =~ ^[0-9]+$ ]] || die "SUSTAINED must be a whole number, not '$sustained'"
[[ $sources =~ ^[0-9]+$ ]] && [ "$sources" -le 253 ] || die "SOURCES must be 0..253, not '$sources'"
for n in $counts; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "COUNTS must be positive integers, not '$n'"
done

java_home=$("$here/bin/find-java") || die "no JDK 21+ found (bin/find-java)"
java=$java_home/bin/java
if [ -z "${NETLOOM:-}" ] && [ ! -f "$here/target/netloom.jar" ]; then
  die "target/netloom.jar is missing: build netloom first (make build)"
fi
# each process holds N sockets (+ the sender's and its own files): raise the soft limit if we may
max_n=$(printf '%s\n' $counts | sort -n | tail -n 1)
fd_limit=$(ulimit -n)
if [ "$fd_limit" != unlimited ] && [ $((max_n + 100)) -gt "$fd_limit" ]; then
  ulimit -n "$(ulimit -Hn)" 2>/dev/null
  fd_limit=$(ulimit -n)
  [ "$fd_limit" = unlimited ] || [ $((max_n + 100)) -le "$fd_limit" ] ||
    say "chat-fanout: warning: $max_n members need ~$((max_n + 100)) open files per process; the limit is $fd_limit"
fi

bench_work chat-fanout
pin_cpus
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)

server_args=(serve chat chat.port=0 chat.max-connections=20000 chat.backlog=4096)
[ -z "$queue" ] || server_args+=("chat.queue=$queue")
# the client's own bound: join + drain (TIMEOUT), latency (MESSAGES one at a time, 3 timeouts at
# most), sustained (TIMEOUT), JVM start and close
client_limit=$((2 * timeout + 3 * message_timeout + messages / 5 + 60))

# calc KIND SERVER_TICKS CLIENT_TICKS WALL_US DELIVERIES DECIMALS: srv_pct = server CPU as % of
# the wall time, srv_us / cli_us = server / client CPU µs per delivery; n/a when an input is missing
calc() {
  awk -v k="$1" -v t="$2" -v c="$3" -v w="$4" -v d="$5" -v dec="$6" -v hz="$hz" 'BEGIN {
    if (t !~ /^[0-9.]+$/ || c !~ /^[0-9.]+$/ || w !~ /^[0-9.]+$/ || d !~ /^[0-9.]+$/) { print "n/a"; exit }
    if ((k == "srv_pct" && w == 0) || (k != "srv_pct" && d == 0)) { print "n/a"; exit }
    v = k == "srv_pct" ? t / hz * 1e6 / w * 100 : k == "srv_us" ? t / hz * 1e6 / d : c / hz * 1e6 / d
    printf "%." dec "f\n", v }'
}
ms() { awk -v x="$1" 'BEGIN { if (x !~ /^[0-9.]+$/) print "n/a"; else printf "%.1f\n", x / 1000 }'; }

# one line per run: n run joined join_s p50 p99 max(ms) per_s lost disconnected lat_srv_pct
#   lat_srv_us lat_cli_us sus_srv_us sus_cli_us hwm_mib client_rc server_rc stop_ms lat_srv_sys_share
results=()
failures=0
started=$(date +%s)
say "chat-fanout: COUNTS=\"$counts\" RUNS=$runs MESSAGES=$messages SUSTAINED=$sustained SOURCES=$sources," \
    "$pinning; logs in $work"

for n in $counts; do
  for ((r = 1; r <= runs; r++)); do
    d=$work/n$n-r$r; mkdir -p "$d"
    # shellcheck disable=SC2086
    $pin0 "$netloom" "${server_args[@]}" > "$d/server.out" 2> "$d/server.err" < /dev/null &
    spid=$!
    port=""
    for ((i = 0; i < 600; i++)); do
      port=$(sed -n 's/^chat listening on [0-9.]*:\([0-9]*\) (tcp).*/\1/p' "$d/server.out" 2>/dev/null | head -n 1)
      [ -n "$port" ] && break
      kill -0 "$spid" 2>/dev/null || break
      sleep 0.1
    done
    if [ -z "$port" ]; then
      say "  N=$n run $r: the server printed no listening line; stderr:"; sed 's/^/    /' "$d/server.err" >&2
      kill -KILL "$spid" 2>/dev/null; wait "$spid" 2>/dev/null; spid=""
      results+=("$n $r 0 n/a n/a n/a n/a n/a n/a n/a n/a n/a n/a n/a n/a n/a n/a no-start n/a")
      failures=$((failures + 1)); continue
    fi
    base_fds=$(find "/proc/$spid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)

    say "  N=$n run $r: server on port $port; $n members joining, then $messages + $sustained messages"
    # shellcheck disable=SC2086
    timeout -k 5 "$client_limit" $pin1 "$java" ${CLIENT_JAVA_OPTS:-} "$bench/ChatFanout.java" \
      --port "$port" --members "$n" --sources "$sources" --messages "$messages" \
      --sustained "$sustained" --timeout "$timeout" --message-timeout "$message_timeout" \
      --server-pid "$spid" > "$d/client.out" 2> "$d/client.err" < /dev/null &
    cpid=$!
    wait "$cpid"; crc=$?
    cpid=""
    [ "$crc" = 124 ] || [ "$crc" = 137 ] && say "  N=$n run $r: the client ran past ${client_limit} s and was stopped"
    if [ "$crc" != 0 ]; then
      say "  N=$n run $r: client exit $crc; last lines:"; tail -n 5 "$d/client.err" | sed 's/^/    /' >&2
    fi

    joined=$(kv "$d/client.out" JOIN joined); join_ms=$(kv "$d/client.out" JOIN join_ms)
    drain_ms=$(kv "$d/client.out" JOIN drain_ms)
    p50=$(kv "$d/client.out" LATENCY p50_us); p99=$(kv "$d/client.out" LATENCY p99_us)
    pmax=$(kv "$d/client.out" LATENCY max_us); complete=$(kv "$d/client.out" LATENCY complete)
    lat_wall=$(kv "$d/client.out" LATENCY wall_us); lat_t=$(kv "$d/client.out" LATENCY srv_ticks)
    lat_c=$(kv "$d/client.out" LATENCY cli_ticks); lat_sent=$(kv "$d/client.out" LATENCY sent)
    lat_sys=$(kv "$d/client.out" LATENCY srv_sys_ticks)
    per_s=$(kv "$d/client.out" SUSTAINED per_s); sus_d=$(kv "$d/client.out" SUSTAINED deliveries)
    sus_t=$(kv "$d/client.out" SUSTAINED srv_ticks); sus_c=$(kv "$d/client.out" SUSTAINED cli_ticks)
    lost=$(kv "$d/client.out" DONE lost); disc=$(kv "$d/client.out" DONE disconnected)
    dups=$(kv "$d/client.out" DONE duplicates); hwm=$(kv "$d/client.out" DONE hwm_kib)
    joined=${joined:-0} lost=${lost:-n/a} disc=${disc:-n/a} dups=${dups:-n/a}
    [ "$complete" = "$messages" ] || { p50="" p99="" pmax=""; }  # a latency with holes is no latency
    lat_d=$(( n * ${lat_sent:-0} ))
    join_s=$(awk -v a="${join_ms:-x}" -v b="${drain_ms:-0}" 'BEGIN { if (a !~ /^[0-9]+$/) print "n/a"; else printf "%.1f\n", (a + b) / 1000 }')
    hwm_mib=$(awk -v k="${hwm:-x}" 'BEGIN { if (k !~ /^[0-9]+$/) print "n/a"; else printf "%.0f\n", k / 1024 }')

    # The client has closed everything; the server tells each remaining member of every leave, so
    # let it drop back to about its baseline descriptors before stopping it (at most 60 s).
    if ! now_fds=$(wait_fds "$spid" "$base_fds" 60); then
      say "  N=$n run $r: server still has $now_fds fds 60 s after the client closed (baseline $base_fds)"
    fi
    term_server "$spid" "N=$n run $r"
    src=$stop_rc
    spid=""

    row="$n $r $joined $join_s $(ms "${p50:-x}") $(ms "${p99:-x}") $(ms "${pmax:-x}") ${per_s:-n/a} $lost $disc"
    row+=" $(calc srv_pct "${lat_t:-x}" 0 "${lat_wall:-x}" 1 0) $(calc srv_us "${lat_t:-x}" 0 1 "$lat_d" 1)"
    row+=" $(calc cli_us 0 "${lat_c:-x}" 1 "$lat_d" 1) $(calc srv_us "${sus_t:-x}" 0 1 "${sus_d:-0}" 2)"
    row+=" $(calc cli_us 0 "${sus_c:-x}" 1 "${sus_d:-0}" 2) $hwm_mib $crc $src $stop_ms"
    row+=" $(awk -v s="${lat_sys:-x}" -v t="${lat_t:-x}" 'BEGIN { if (s !~ /^[0-9]+$/ || t !~ /^[0-9]+$/ || t == 0) print "n/a"; else printf "%.0f\n", s * 100 / t }')"
    results+=("$row")
    ok=1
    [ "$joined" = "$n" ] && [ "$lost" = 0 ] && [ "$disc" = 0 ] && [ "$dups" = 0 ] && [ "$crc" = 0 ] &&
      [ "$src" = 0 ] || ok=0
    [ "$ok" = 1 ] || failures=$((failures + 1))
    say "  N=$n run $r: joined $joined (+ flood drained) in ${join_s} s; latency p50 $(ms "${p50:-x}")," \
        "p99 $(ms "${p99:-x}"), max $(ms "${pmax:-x}") ms; sustained $(fmt 0 "${per_s:-x}")/s; lost $lost," \
        "disconnected $disc; server peak RSS ${hwm_mib} MiB; client exit $crc, server exit $src after ${stop_ms} ms"
    if [ -s "$d/server.err" ] && grep -qiE 'exception|error|warn' "$d/server.err"; then
      say "    server stderr:"; grep -iE 'exception|error|warn' "$d/server.err" | head -n 5 | sed 's/^/      /' >&2
    fi
  done
done

# ---- report (stdout, markdown) ----
field() { printf '%s\n' "${results[@]}" | awk -v n="$1" -v f="$2" '$1 == n { print $f }'; }
col() { local v; mapfile -t v < <(field "$1" "$2"); median "${v[@]}"; }
echo "### netloom chat: broadcast fan-out to N members of one room"
echo
echo "| members | joined | latency p50 ms | p99 ms | max ms | sustained deliveries/s | lost deliveries | server CPU µs/delivery (one at a time / sustained) | server CPU % (latency phase) | server peak RSS MiB | server exit |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---|"
goal_p99=""
for n in $counts; do
  mapfile -t c_lost < <(field "$n" 9); mapfile -t c_src < <(field "$n" 18)
  lost_sum=$(printf '%s\n' "${c_lost[@]}" | awk '/^[0-9]+$/ { s += $1; next } { bad = 1 } END { print bad ? (s ? s "+n/a" : "n/a") : s + 0 }')
  exits=$(printf '%s\n' "${c_src[@]}" | sort | uniq -c | awk '{ printf "%s%s ×%d", sep, $2, $1; sep = ", " }')
  p99m=$(col "$n" 6)
  [ "$n" = "$goal_n" ] && goal_p99=$p99m
  printf '| %s | %s | %s | %s | %s | %s | %s | %s / %s | %s | %s | %s |\n' "$(fmt 0 "$n")" "$(fmt 0 "$(col "$n" 3)")" \
    "$(col "$n" 5)" "$p99m" "$(col "$n" 7)" "$(fmt 0 "$(col "$n" 8)")" "$lost_sum" "$(col "$n" 12)" "$(col "$n" 14)" \
    "$(col "$n" 11)" "$(col "$n" 16)" "$exits"
done
echo
if [ -z "$goal_p99" ]; then
  echo "**Goal** p99 < $goal_ms ms with $(fmt 0 $goal_n) members: not measured (COUNTS has no $goal_n)."
elif awk -v p="$goal_p99" -v g="$goal_ms" 'BEGIN { exit !(p ~ /^[0-9.]+$/ && p < g) }'; then
  echo "**Goal** p99 < $goal_ms ms with $(fmt 0 $goal_n) members: **met** (median p99 $goal_p99 ms)."
else
  echo "**Goal** p99 < $goal_ms ms with $(fmt 0 $goal_n) members: **not met** (median p99 $goal_p99 ms)."
fi
echo
cat <<EOF
Medians of $runs run(s) each, a fresh server per run. Latency: the sender (one more member) says
$messages messages one at a time, each as soon as every member has read the previous one; a
message's latency is from the sender's write to the moment the last of the N members' reads
returned it (p50/p99/max over the $messages messages of a run, nearest rank). Sustained: $sustained
messages written back to back; deliveries/s = N × $sustained / (last member's read of the last
one − first write). Lost = member×message pairs never received (all runs added up). Server CPU
= its utime+stime during the phase (/proc/PID/stat, all threads), per delivered line and, for the
latency phase, as a share of its one CPU; the client's own CPU is in the per-run table. Peak RSS
= the server's VmHWM at the end (joins, both phases). The client reads all N sockets on one thread
(NIO selector), so the latency includes its time to get to the last socket.
EOF
echo
echo "- server: \`${NETLOOM_JAVA_OPTS:+NETLOOM_JAVA_OPTS=\"$NETLOOM_JAVA_OPTS\" }$pin0${pin0:+ }${netloom#"$here/"} ${server_args[*]}\`"
echo "  ($("$java" -version 2>&1 | sed -n 2p); pinned to one CPU the JVM picks SerialGC)"
echo "- client: \`$pin1${pin1:+ }java ${CLIENT_JAVA_OPTS:+$CLIENT_JAVA_OPTS }${bench#"$here/"}/ChatFanout.java --port PORT --members N --sources $sources --messages $messages --sustained $sustained --server-pid PID\`"
echo "  (sources 127.0.0.2–127.0.0.$((1 + sources)) → 127.0.0.1; $pinning)"
echo "- $(uname -sr), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, open-file limit $fd_limit;" \
     "took $(( $(date +%s) - started )) s"
echo
echo "<details><summary>per run</summary>"
echo
echo "| N | run | joined | join + drain s | p50 ms | p99 ms | max ms | sustained/s | lost | disconnected | server CPU % (latency) | server µs/delivery (latency) | client µs/delivery (latency) | server µs/delivery (sustained) | client µs/delivery (sustained) | peak RSS MiB | client exit | server exit | stop ms | server system share % (latency) |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---|:---|---:|---:|"
printf '%s\n' "${results[@]}" | awk '{ printf "| %s |", $1; for (i = 2; i <= NF; i++) printf " %s |", $i; print "" }'
echo
echo "</details>"
[ "$failures" = 0 ]
