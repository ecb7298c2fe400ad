#!/usr/bin/env bash
# serve --workers: netloom's http with 1 and 2 worker processes beside nginx with 1 and 2 workers
# (1 KiB and 64 KiB files, wrk -t1 -c64, medians of RUNS runs), then the cost of a reload: wrk on
# 2 netloom workers while the master reloads again and again (SIGHUP RELOAD_EVERY s after the last
# reload is done), requests lost (socket errors + non-2xx; the goal is 0) and p99 during the reloads
# beside p99 without them. As root it runs in a network namespace of its own with
# net.ipv4.tcp_migrate_req=1 (dist/netloom-sysctl.conf; docs/production.md), changing nothing outside.
#
# The machine has 2 cores: the servers run on CPU 0 and wrk on CPU 1 (taskset), as in
# bench/http-static.sh, so 2 workers share one core: this shows what a second process costs, not
# what it gains; a machine with spare cores would show the scaling (docs/production.md).
# Environment: RUNS [3]  DURATION [10] s a run  FILES ["1k 64k"]  RELOAD_SECS [30]  RELOAD_EVERY [1]
#   KEEP_LOGS [0]. Loopback only. As root the netloom master runs with --allow-root.
set -u
if [ -z "${NL_IN_NETNS:-}" ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1 &&
  command -v ip >/dev/null 2>&1 && unshare -n true 2>/dev/null; then
  # shellcheck disable=SC2016
  exec env NL_IN_NETNS=1 unshare -n bash -c \
    'ip link set lo up && echo 1 >/proc/sys/net/ipv4/tcp_migrate_req && exec bash "$0" "$@"' "$0" "$@"
fi
bench=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
here=$(cd "$bench/.." && pwd)
runs=${RUNS:-3} duration=${DURATION:-10} files=${FILES:-1k 64k}
reload_secs=${RELOAD_SECS:-30} reload_every=${RELOAD_EVERY:-1} keep=${KEEP_LOGS:-0}
die() { echo "workers: $*" >&2; exit 2; }
say() { echo "$*" >&2; }
# shellcheck source-path=SCRIPTDIR source=lib.bash
. "$bench/lib.bash"
[ -f "$here/target/netloom.jar" ] || die "target/netloom.jar is missing: make build"
command -v wrk >/dev/null 2>&1 || die "wrk is missing (tests/ensure-tools.sh installs it)"
nginx_bin=$(find_bin nginx)
servers="netloom nginx"
[ -n "$nginx_bin" ] || { servers=netloom; say "workers: no nginx here (bench/http-static.sh installs it): netloom rows only"; }
pin_cpus wrk
bench_work workers
wpid="" live=()
trap 'stop_live; [ "$keep" = 1 ] || rm -rf "$work"' EXIT
chmod 755 "$work"
root=$work/www
mkdir -p "$root"
head -c 1024 /dev/urandom >"$root/1k.bin"
head -c 65536 /dev/urandom >"$root/64k.bin"
chmod 755 "$root"; chmod 644 "$root"/*.bin
cat >"$work/report.lua" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK requests=%.0f duration_us=%.0f errors=%.0f status=%.0f p99_us=%.0f\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(99)))
end
EOF
root_flag=()
[ "$(id -u)" = 0 ] && root_flag=(--allow-root)

# run_wrk URL SECS OUT: one wrk run on CPU 1, its WRK line in OUT
run_wrk() { $pin1 timeout $(($2 + 30)) wrk -t1 -c64 -d"$2s" -s "$work/report.lua" "$1" >"$3" 2>&1; }
rps() { awk '/^WRK/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } printf "%.0f\n", v["requests"] / (v["duration_us"] / 1e6) }' "$1"; }
field() { sed -n "s/^WRK .*$2=\([0-9]*\).*/\1/p" "$1"; }

start_netloom() {  # start_netloom N: master + N workers on a free port; sets port, mpid
  port=$(free_port)
  NETLOOM_JAVA_OPTS="" $pin0 "$here/bin/netloom" serve --workers="$1" "${root_flag[@]}" http "http.port=$port" \
    "http.root=$root" http.access-log=off admin.enabled=false >"$work/netloom$1.out" 2>"$work/netloom$1.err" </dev/null &
  mpid=$!; live+=("$mpid")
  for ((i = 0; i < 600; i++)); do grep -q 'workers ready' "$work/netloom$1.out" && return 0; sleep 0.1; done
  die "netloom with $1 workers did not start: $(tail -n 5 "$work/netloom$1.err")"
}
start_nginx_n() {  # start_nginx_n N: nginx with N workers; sets port, mpid
  local d=$work/nginx$1; mkdir -p "$d/tmp"; port=$(free_port)
  nginx_conf "$d" "$port" "$root"
  sed -i "s/^worker_processes 1;/worker_processes $1;/; s/listen 127.0.0.1:$port;/listen 127.0.0.1:$port reuseport;/" "$d/nginx.conf"
  $pin0 "$nginx_bin" -p "$d/" -c "$d/nginx.conf" -e "$d/error.log" >/dev/null 2>&1 </dev/null &
  mpid=$!; live+=("$mpid")
  wait_listening "$port" 10 || die "nginx with $1 workers did not start"
}

declare -A res=()
for server in $servers; do
  for n in 1 2; do
    if [ "$server" = netloom ]; then start_netloom "$n"; else start_nginx_n "$n"; fi
    for f in $files; do
      run_wrk "http://127.0.0.1:$port/$f.bin" 2 "$work/warm.txt"
      vals=() p99s=()
      for ((r = 1; r <= runs; r++)); do
        run_wrk "http://127.0.0.1:$port/$f.bin" "$duration" "$work/run.txt"
        vals+=("$(rps "$work/run.txt")"); p99s+=("$(field "$work/run.txt" p99_us)")
        say "  $server x$n $f run $r: $(tail -n 1 "$work/run.txt")"
      done
      res[$server,$n,$f]="$(median "${vals[@]}") $(median "${p99s[@]}")"
    done
    if [ "$server" = netloom ] && [ "$n" = 2 ]; then  # the reload cost, on this server
      run_wrk "http://127.0.0.1:$port/1k.bin" "$reload_secs" "$work/reload.txt" &
      wpid=$!
      # one reload at a time: HUP, wait for its "reload: ... ready" line, RELOAD_EVERY s, the next;
      # none started in the last 8 s, so each one's old workers drain inside the wrk run
      end=$((SECONDS + reload_secs - 8)) done_n=0
      while sleep "$reload_every" && [ "$SECONDS" -lt "$end" ]; do
        kill -HUP "$mpid"; done_n=$((done_n + 1))
        until [ "$(grep -c '^reload' "$work/netloom2.out")" -ge "$done_n" ] || [ "$SECONDS" -ge $((end + 8)) ]; do sleep 0.1; done
      done
      wait "$wpid"; wpid=""
      reloads=$(grep -c '^reload: ' "$work/netloom2.out")
    fi
    kill -TERM "$mpid"; wait "$mpid" 2>/dev/null; forget "$mpid"
  done
done

echo "## serve --workers: http on netloom and nginx ($pinning; $(nproc) CPUs; RUNS=$runs, ${duration}s; netloom $(netloom_built "$here/bin/netloom" "$here"))"
echo
echo "| file | server | workers | req/s | p99 ms | / nginx same workers |"
echo "|---|---|---|---|---|---|"
for f in $files; do
  for n in 1 2; do
    for server in $servers; do
      read -r v p <<<"${res[$server,$n,$f]}"
      read -r nv _ <<<"${res[nginx,$n,$f]:-n/a}"
      echo "| $f | $server | $n | $(fmt 0 "$v") | $(awk -v p="$p" 'BEGIN { printf "%.2f", p / 1000 }') | $(ratio "$v" "$nv") |"
    done
  done
done
echo
lost=$(( $(field "$work/reload.txt" errors) + $(field "$work/reload.txt" status) ))
read -r _ p_before <<<"${res[netloom,2,1k]:-n/a 0}"
echo "Reload cost (2 netloom workers, 1k, ${reload_secs}s of wrk, $reloads reloads): $lost requests lost (goal 0),"
echo "p99 $(awk -v p="$(field "$work/reload.txt" p99_us)" 'BEGIN { printf "%.2f", p / 1000 }') ms during the reloads vs $(awk -v p="$p_before" 'BEGIN { printf "%.2f", p / 1000 }') ms without;"
echo "net.ipv4.tcp_migrate_req=$(cat /proc/sys/net/ipv4/tcp_migrate_req 2>/dev/null || echo ?) (with 0 a connection queued at a closing listener is reset)."
