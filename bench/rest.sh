#!/usr/bin/env bash
# JSON over HTTP: netloom's `rest` service side by side with json-server 0.17.4, on the same
# 1,000 users.
#
# Generates db.json, 1,000 deterministic users ({"users":[...]}: id 1..1000, name, email, role
# admin/editor/viewer in turn, age 18..80, active, address.city) and 3,000 posts (post P has
# userId (P-1) % 1000 + 1: three per user), the data file of json-server and netloom's seed file
# (rest.seed, loaded into the empty database, ids kept). For each server
# in SERVERS, started fresh and pinned to CPU 0: check its answers (GET /users/5 is user 5 of
# db.json, 1,000 users in all, the filtered page has the 10 admins expected and X-Total-Count 334),
# then per row a WARMUP-second wrk run (not counted) and RUNS runs of `wrk -t1 -c32 -d10s
# --latency -s bench/rest/ROW.lua` pinned to CPU 1 (filter.lua for the nested and slice rows),
# reading the server's user+system CPU time (/proc/PID/stat) around each run. Rows, in this order:
# GET /users/ID (ID over 1..1000), GET /users?role=admin&_page=2&_per_page=10&_limit=10
# (json-server 0.17 pages with _limit), GET /users/5/posts (a nested route: user 5's 3 posts),
# GET /users?_start=500&_end=510 (a slice: users 501..510), and POST /users (last: it grows the data; one curl POST is checked first). netloom is then killed
# with SIGKILL right after the last POST run, started again on the same database, and must hold
# every POST it acknowledged with 201 (the durability check); then both servers' answers are
# checked again and each is stopped (SIGTERM). Prints a markdown table of medians (req/s, p99
# latency, server CPU per request, netloom ÷ json-server) and the goals on stdout; progress on
# stderr.
#
# Environment (defaults in brackets):
#   SERVERS ["netloom json-server"]  ROWS ["get filter nested slice post"]  RUNS [3]  DURATION [10] s per run
#   CONNS [32]  THREADS [1] wrk threads  WARMUP [2] s per row (0: none)
#   WRK_TIMEOUT [30] s: wrk counts a slower answer as a timeout error (its own default, 2 s, is
#               less than json-server's slowest POSTs once its data has grown)
#   NETLOOM [bin/netloom]  NETLOOM_JAVA_OPTS  extra netloom JVM flags
#   JSON_SERVER_DIR [${XDG_CACHE_HOME:-~/.cache}/netloom-bench/json-server]  where npm installs
#               json-server 0.17.4 when it is not there yet
#   QUIET_WAIT [0]  before each run, wait up to this many seconds for the rest of the machine to
#               fall under 20% of a CPU (a build beside the bench makes every number noisy), and
#               do a run again (twice at most; the least disturbed attempt counts) when the rest
#               of the machine took over 25% of a CPU during it, or the hypervisor stole over 10%
#   KEEP_LOGS [0]  1 keeps the work directory (server logs, databases, wrk output, answers)
# Installs wrk, curl and jq (and nodejs and npm for json-server) with apt-get when they are
# missing and it can (root or passwordless sudo); else says what to install and exits 2.
# Loopback only; every run and every request is bounded by `timeout`. Exits 0 when every server
# started, answered correctly before and after the load, wrk saw no socket error or non-2xx
# response, and netloom kept every acknowledged POST across SIGKILL; else 1. Goals not met do not
# change the exit code: they are printed.
set -u

bench=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
here=$(cd "$bench/.." && pwd)
netloom=${NETLOOM:-$here/bin/netloom}
servers=${SERVERS:-netloom json-server}
rows=${ROWS:-get filter nested slice post}
runs=${RUNS:-3}
duration=${DURATION:-10}
conns=${CONNS:-32}
threads=${THREADS:-1}
wrk_timeout=${WRK_TIMEOUT:-30}
warmup=${WARMUP:-2}
keep=${KEEP_LOGS:-0}
quiet_wait=${QUIET_WAIT:-0}
js_version=0.17.4
js_dir=${JSON_SERVER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/netloom-bench/json-server}
items=1000
filter_path="/users?role=admin&_page=2&_per_page=10&_limit=10"
nested_path="/users/5/posts"
slice_path="/users?_start=500&_end=510"
total_path="/users?_page=1&_per_page=1&_limit=1"
post_body='{"name":"Bench User","email":"bench@example.com","role":"viewer","age":30,"active":true,"address":{"city":"Oslo"}}'

die() { echo "rest: $*" >&2; exit 2; }
say() { echo "$*" >&2; }
# shellcheck source-path=SCRIPTDIR source=lib.bash
. "$bench/lib.bash"

for s in $servers; do
  case $s in netloom|json-server) ;; *) die "unknown server '$s' in SERVERS (netloom, json-server)";; esac
done
for r in $rows; do
  case $r in get|filter|nested|slice|post) ;; *) die "unknown row '$r' in ROWS (get, filter, nested, slice, post)";; esac
done
for v in RUNS DURATION CONNS THREADS WRK_TIMEOUT; do
  x=${!v:-1}
  [[ $x =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '$x'"
done
[[ $warmup =~ ^[0-9]+$ ]] || die "WARMUP must be a whole number of seconds, not '$warmup'"
[[ $quiet_wait =~ ^[0-9]+$ ]] || die "QUIET_WAIT must be a whole number of seconds, not '$quiet_wait'"
wants() { [[ " $servers " == *" $1 "* ]]; }
has_row() { [[ " $rows " == *" $1 "* ]]; }
for f in get filter post; do [ -f "$bench/rest/$f.lua" ] || die "$bench/rest/$f.lua is missing"; done

java=""
if wants netloom; then
  java_home=$("$here/bin/find-java") || die "no JDK 21+ found (bin/find-java)"
  java=$java_home/bin/java
  if [ -z "${NETLOOM:-}" ] && [ ! -f "$here/target/netloom.jar" ]; then
    die "target/netloom.jar is missing: build netloom first (make build), or leave netloom out of SERVERS"
  fi
  [ -x "$netloom" ] || die "NETLOOM=$netloom is not an executable launcher"
fi
# the schema goes with the jar: the launcher's repository's db/rest, else this one's
migrations=$(cd "$(dirname "$(readlink -f "$netloom")")/.." 2>/dev/null && pwd)/db/rest
[ -d "$migrations" ] || migrations=$here/db/rest

# ---- tools: wrk, curl, jq, node + npm (apt-get when missing and allowed), json-server (npm) ----
ensure_tools() {
  local need=()
  command -v wrk >/dev/null 2>&1 || need+=(wrk)
  command -v curl >/dev/null 2>&1 || need+=(curl)
  command -v jq >/dev/null 2>&1 || need+=(jq)
  if wants json-server; then
    command -v node >/dev/null 2>&1 || need+=(nodejs)
    command -v npm >/dev/null 2>&1 || need+=(npm)
  fi
  [ "${#need[@]}" -gt 0 ] || return 0
  apt_install rest "or leave json-server out: SERVERS=netloom" "${need[@]}"
  for t in wrk curl jq; do command -v "$t" >/dev/null 2>&1 || die "$t is still missing after apt-get install"; done
  if wants json-server; then
    for t in node npm; do command -v "$t" >/dev/null 2>&1 || die "$t is still missing after apt-get install"; done
  fi
}
ensure_tools
wrk_bin=$(command -v wrk)

js_bin=$js_dir/node_modules/json-server/lib/cli/bin.js
js_installed() {
  [ -f "$js_bin" ] && [ "$(jq -r .version "$js_dir/node_modules/json-server/package.json" 2>/dev/null)" = "$js_version" ]
}
node_bin=""
if wants json-server; then
  node_bin=$(command -v node)
  if ! js_installed; then
    say "rest: installing json-server $js_version with npm into $js_dir"
    mkdir -p "$js_dir" || die "cannot create $js_dir"
    log=$(mktemp)
    if ! (cd "$js_dir" && timeout 600 npm install --prefix "$js_dir" --no-audit --no-fund --loglevel=error \
          "json-server@$js_version") >"$log" 2>&1; then
      cat "$log" >&2; rm -f "$log"; die "npm install json-server@$js_version failed (into $js_dir)"
    fi
    rm -f "$log"
    js_installed || die "json-server $js_version is still missing in $js_dir after npm install"
  fi
fi

# which netloom runs: this repository's commit, or for another launcher its jar's date
nl_built=$(netloom_built "$netloom" "$here")

# ---- work directory, data, cleanup ----
work=$(mktemp -d "${TMPDIR:-/tmp}/rest-bench.XXXXXX")
mkdir -p "$work/home"
export NETLOOM_HOME=$work/home  # an empty home: the repo's netloom.properties is not read

# db.json: the same 1,000 users for both servers (json-server's data file, netloom's seed file)
awk -v n="$items" 'BEGIN {
  split("Ada Alan Grace Edsger Barbara Donald Ken Dennis Linus Margaret Tim Radia Frances John Leslie Niklaus Bjarne Guido James Sophie", first, " ")
  split("Lovelace Turing Hopper Dijkstra Liskov Knuth Thompson Ritchie Torvalds Hamilton Berners Perlman Allen McCarthy Lamport Wirth Stroustrup Rossum Gosling Wilson", last, " ")
  split("admin editor viewer", role, " ")
  split("London Manchester Paris Berlin Oslo Zurich Delft Boston Tokyo Lisbon", city, " ")
  printf "{\n  \"users\": [\n"
  for (i = 1; i <= n; i++) {
    f = first[(i - 1) % 20 + 1]; l = last[int((i - 1) / 20) % 20 + 1]
    printf "    {\"id\": %d, \"name\": \"%s %s\", \"email\": \"%s.%s%d@example.com\", \"role\": \"%s\", \"age\": %d, \"active\": %s, \"address\": {\"city\": \"%s\"}}%s\n",
      i, f, l, tolower(f), tolower(l), i, role[(i - 1) % 3 + 1], 18 + (i * 37) % 63,
      (i % 4 ? "true" : "false"), city[(i * 7) % 10 + 1], (i < n ? "," : "")
  }
  printf "  ],\n  \"posts\": [\n"
  for (p = 1; p <= 3 * n; p++) {
    printf "    {\"id\": %d, \"title\": \"Post %d\", \"views\": %d, \"userId\": %d}%s\n", p, p, (p * 53) % 1000,
      (p - 1) % n + 1, (p < 3 * n ? "," : "")
  }
  printf "  ]\n}\n" }' > "$work/db.json"
[ "$(jq '.users | length' "$work/db.json" 2>/dev/null)" = "$items" ] || die "generated db.json is not $items users"
exp_user5=$(jq -cS '.users[] | select(.id == 5)' "$work/db.json")
exp_admins=$(jq '[.users[] | select(.role == "admin")] | length' "$work/db.json")
exp_page=$(jq -c '[.users[] | select(.role == "admin") | .id] | .[10:20]' "$work/db.json")

live=()   # pids this script started and has not reaped yet (servers, wrk)
wpid=""
cleanup() {
  stop_live
  if [ "$keep" = 1 ]; then say "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pin_cpus wrk
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)

# ---- helpers ----
row_path() {
  case $1 in
    get) echo "/users/1";; filter) echo "$filter_path";; nested) echo "$nested_path";; slice) echo "$slice_path";;
    post) echo "/users";;
  esac
}
row_lua() {  # the wrk script of a row: a fixed URL is filter.lua's static request
  case $1 in nested|slice) echo filter;; *) echo "$1";; esac
}
row_name() {
  case $1 in
    get) echo "GET /users/ID (ID over 1..$items)";;
    filter) echo "GET \`$filter_path\`";;
    nested) echo "GET \`$nested_path\` (nested)";;
    slice) echo "GET \`$slice_path\` (slice)";;
    post) echo "POST /users";;
  esac
}
# wrk_args ROW SECONDS PORT: sets wargs, the command line for one run
wrk_args() {
  # shellcheck disable=SC2206
  wargs=($pin1 "$wrk_bin" "-t$threads" "-c$conns" "-d${2}s" "--timeout" "${wrk_timeout}s" --latency
         -s "$bench/rest/$(row_lua "$1").lua"
         "http://127.0.0.1:$3$(row_path "$1")")
}
# run_wrk ROW SECONDS PORT OUT: runs wrk in the background and waits (so Ctrl-C is handled at
# once); sets w_rc and w_client (wrk's user+system ticks)
run_wrk() {
  local c0 c1
  c0=$(child_ticks)
  wrk_args "$1" "$2" "$3"
  timeout -k 5 $(($2 + wrk_timeout + 30)) "${wargs[@]}" > "$4" 2>&1 < /dev/null &
  wpid=$!
  wait "$wpid"; w_rc=$?
  wpid=""
  c1=$(child_ticks)
  w_client=$((c1 - c0))
}
# http METHOD PATH OUTBASE [BODY]: one request to the current server (port); body in OUTBASE.json,
# headers in OUTBASE.headers; prints the status code (000 when there was no answer)
http() {
  local extra=()
  [ $# -ge 4 ] && extra=(-H 'Content-Type: application/json' --data-binary "$4")
  curl -sS --max-time 10 -X "$1" "${extra[@]}" -o "$3.json" -D "$3.headers" -w '%{http_code}' \
       "http://127.0.0.1:$port$2" 2> "$3.err" || true
}
header() { tr -d '\r' < "$1" | awk -v h="$2" 'BEGIN { h = tolower(h) } { i = index($0, ":") }
  i && tolower(substr($0, 1, i - 1)) == h { v = substr($0, i + 1); sub(/^[ \t]+/, "", v); print v; exit }'; }
total_count() {  # X-Total-Count of the whole collection, or empty
  local c
  c=$(http GET "$total_path" "$1")
  [ "$c" = 200 ] && header "$1.headers" X-Total-Count
}

# check_answers LABEL DIR PHASE: GET /users/5, the total, the filtered page, the nested list and
# the slice (when those rows run) are what db.json says; 1 if not (each problem said on stderr). "$3" names the phase in the files kept.
check_answers() {
  local label=$1 d=$2 ph=$3 bad=0 c got n tot ids
  c=$(http GET /users/5 "$d/$ph-user5")
  got=$(jq -cS . "$d/$ph-user5.json" 2>/dev/null)
  if [ "$c" != 200 ] || [ "$got" != "$exp_user5" ]; then
    say "  $label: $ph: GET /users/5 gave HTTP $c: $(head -c 300 "$d/$ph-user5.json" 2>/dev/null)" \
        "$(head -c 200 "$d/$ph-user5.err")"
    say "    expected: $exp_user5"
    bad=1
  fi
  if [ "$ph" = before ]; then
    c=$(http GET "/users/$items" "$d/$ph-last")
    [ "$c" = 200 ] || { say "  $label: $ph: GET /users/$items gave HTTP $c (expected 200)"; bad=1; }
    tot=$(total_count "$d/$ph-total")
    [ "$tot" = "$items" ] || { say "  $label: $ph: GET $total_path: X-Total-Count '${tot}' (expected $items)"; bad=1; }
  fi
  c=$(http GET "$filter_path" "$d/$ph-filter")
  n=$(jq 'if type == "array" and all(.[]; .role == "admin") then length else -1 end' "$d/$ph-filter.json" 2>/dev/null)
  tot=$(header "$d/$ph-filter.headers" X-Total-Count)
  ids=$(jq -c '[.[].id]' "$d/$ph-filter.json" 2>/dev/null)
  page_ids[$label/$ph]=$ids
  if [ "$c" != 200 ] || [ "$n" != 10 ] || [ "$tot" != "$exp_admins" ]; then
    say "  $label: $ph: GET $filter_path gave HTTP $c, ${n:-no} admins (expected 10)," \
        "X-Total-Count '${tot}' (expected $exp_admins): $(head -c 300 "$d/$ph-filter.json" 2>/dev/null)"
    bad=1
  elif [ "$ids" != "$exp_page" ]; then
    say "  $label: $ph: the filtered page has other admins than db.json's 11th..20th: $ids (db.json: $exp_page)"
  fi
  if has_row nested; then
    c=$(http GET "$nested_path" "$d/$ph-nested")
    ids=$(jq -c '[.[] | select(.userId == 5) | .id]' "$d/$ph-nested.json" 2>/dev/null)
    [ "$c" = 200 ] && [ "$ids" = "[5,1005,2005]" ] ||
      { say "  $label: $ph: GET $nested_path gave HTTP $c, posts of user 5 ${ids:-none} (expected [5,1005,2005])"; bad=1; }
  fi
  if has_row slice; then
    c=$(http GET "$slice_path" "$d/$ph-slice")
    ids=$(jq -c '[.[].id]' "$d/$ph-slice.json" 2>/dev/null)
    [ "$c" = 200 ] && [ "$ids" = "[501,502,503,504,505,506,507,508,509,510]" ] ||
      { say "  $label: $ph: GET $slice_path gave HTTP $c, ids ${ids:-none} (expected 501..510)"; bad=1; }
  fi
  return $bad
}
# check_post LABEL DIR: one POST answers 201 with the object sent and a new id, which GET reads
check_post() {
  local label=$1 d=$2 c id got
  c=$(http POST /users "$d/post-check" "$post_body")
  id=$(jq -r '.id' "$d/post-check.json" 2>/dev/null)
  got=$(jq -cS 'del(.id)' "$d/post-check.json" 2>/dev/null)
  if [ "$c" != 201 ] || ! [[ $id =~ ^[0-9]+$ ]] || [ "$id" -le "$items" ] ||
     [ "$got" != "$(jq -cS . <<< "$post_body")" ]; then
    say "  $label: POST /users gave HTTP $c: $(head -c 300 "$d/post-check.json" 2>/dev/null) $(head -c 200 "$d/post-check.err")"
    say "    expected 201 with the object sent and a new numeric id"
    return 1
  fi
  c=$(http GET "/users/$id" "$d/post-check-get")
  if [ "$c" != 200 ] || [ "$(jq -cS . "$d/post-check-get.json" 2>/dev/null)" != "$(jq -cS . "$d/post-check.json")" ]; then
    say "  $label: GET /users/$id after its POST gave HTTP $c: $(head -c 300 "$d/post-check-get.json" 2>/dev/null)"
    return 1
  fi
  return 0
}

# start_server LABEL DIR TAG: sets spid, port, srv_cmd; 1 if it did not start. netloom keeps its
# database in DIR (started again on it after SIGKILL, TAG "-2"); json-server rewrites DIR/db.json.
start_server() {
  local label=$1 d=$2 tag=$3 i attempt
  spid="" port="" srv_cmd=""
  case $label in
    netloom)
      [ -f "$d/db.json" ] || cp "$work/db.json" "$d/db.json"
      srv_args=(serve rest rest.port=0 "rest.db=$d/rest.db" "rest.seed=$d/db.json"
                "rest.migrations=$migrations" rest.access-log=off)
      srv_cmd="NETLOOM_HOME=\$TMP/home ${NETLOOM_JAVA_OPTS:+NETLOOM_JAVA_OPTS=\"$NETLOOM_JAVA_OPTS\" }$pin0${pin0:+ }${netloom#"$here/"} ${srv_args[*]}"
      # shellcheck disable=SC2086
      $pin0 "$netloom" "${srv_args[@]}" > "$d/server$tag.out" 2> "$d/server$tag.err" < /dev/null &
      spid=$!; live+=("$spid")
      for ((i = 0; i < 600; i++)); do
        port=$(sed -n 's/^rest listening on [0-9.]*:\([0-9]*\) (tcp).*/\1/p' "$d/server$tag.out" 2>/dev/null | head -n 1)
        [ -n "$port" ] && break
        kill -0 "$spid" 2>/dev/null || break
        sleep 0.1
      done
      ;;
    json-server)
      cp "$work/db.json" "$d/db.json"
      for ((attempt = 0; attempt < 5; attempt++)); do
        port=$(free_port)
        # in DIR, so json-server finds no ./public to serve; exec so that spid is node itself
        # shellcheck disable=SC2086
        (cd "$d" && exec $pin0 "$node_bin" "$js_bin" --host 127.0.0.1 --port "$port" --quiet db.json) \
          > "$d/server$tag.out" 2> "$d/server$tag.err" < /dev/null &
        spid=$!; live+=("$spid")
        for ((i = 0; i < 300; i++)); do
          [ "$(curl -s -o /dev/null --max-time 1 -w '%{http_code}' "http://127.0.0.1:$port/users/1")" = 200 ] && break
          kill -0 "$spid" 2>/dev/null || break
          sleep 0.1
        done
        if kill -0 "$spid" 2>/dev/null && [ "$i" -lt 300 ]; then break; fi
        kill -KILL "$spid" 2>/dev/null; wait "$spid" 2>/dev/null; forget "$spid"
        if grep -qs 'EADDRINUSE' "$d/server$tag.err"; then spid=""; continue; fi
        port=""; break
      done
      srv_cmd="cd \$TMP/$label && $pin0${pin0:+ }node ${js_bin/#"$HOME"/\~} --host 127.0.0.1 --port PORT --quiet db.json"
      ;;
  esac
  if [ -z "$port" ] || [ -z "$spid" ] || ! kill -0 "$spid" 2>/dev/null; then
    say "  $label: did not start; its output:"
    cat "$d/server$tag.out" "$d/server$tag.err" 2>/dev/null | tail -n 15 | sed 's/^/    /' >&2
    if [ -n "$spid" ]; then kill -KILL "$spid" 2>/dev/null; wait "$spid" 2>/dev/null; forget "$spid"; fi
    return 1
  fi
  return 0
}

# stop_server LABEL: SIGTERM, sets stop_rc and stop_ms
stop_server() {
  local t0
  t0=$(date +%s%N)
  kill -TERM "$spid" 2>/dev/null
  if wait_gone "$spid" 20; then
    wait "$spid"; stop_rc=$?
  else
    say "  $1: ignored SIGTERM for 20 s; killing it"
    kill -KILL "$spid" 2>/dev/null; wait "$spid" 2>/dev/null; stop_rc=killed
  fi
  stop_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  forget "$spid"
}

# ---- the measurements ----
labels=()
for s in netloom json-server; do wants "$s" && labels+=("$s"); done
order=()
for r in get filter nested slice post; do has_row "$r" && order+=("$r"); done
declare -A status stopped srv_cmds page_ids durable created_sum post_runs
results=()   # label row run requests req_s p99_ms cpu_us srv_pct cli_pct errors rest% steal% created
discarded=() # runs done again because the rest of the machine disturbed them (QUIET_WAIT > 0)
failures=0
started=$(date +%s)
est=$(( ${#labels[@]} * (${#order[@]} * (runs * (duration + 1) + warmup + 1) + 15) ))
say "rest: servers: ${labels[*]}; rows: ${order[*]}; RUNS=$runs, ${duration}s each, -c$conns; $pinning;" \
    "about $(( (est + 59) / 60 )) min; work dir $work"

for label in "${labels[@]}"; do
  d=$work/$label; mkdir -p "$d"
  say "== $label"
  if ! start_server "$label" "$d" ""; then
    status[$label]="did not start"; failures=$((failures + 1)); continue
  fi
  srv_cmds[$label]=$srv_cmd
  if ! check_answers "$label" "$d" before; then
    status[$label]="wrong answers"; failures=$((failures + 1))
    stop_server "$label"; stopped[$label]="$stop_rc"; continue
  fi
  say "  listening on 127.0.0.1:$port (pid $spid); GET /users/5, the total ($items) and the filtered page are right"
  status[$label]=ok
  dead=0 redo=0 created_sum[$label]=0 post_runs[$label]=0
  for row in "${order[@]}"; do
    if [ "$row" = post ]; then
      if ! check_post "$label" "$d"; then
        status[$label]="wrong POST answer"; failures=$((failures + 1)); break
      fi
      say "  POST /users: 201 with the object sent (id $(jq -r .id "$d/post-check.json")), read back with GET"
    fi
    if [ "$warmup" -gt 0 ]; then
      out=$d/warmup-$row.txt
      run_wrk "$row" "$warmup" "$port" "$out"
      if [ "$row" = post ]; then
        post_runs[$label]=$((post_runs[$label] + 1))
        made=$(kv "$out" WRK created)
        created_sum[$label]=$((created_sum[$label] + ${made:-0}))
      fi
    fi
    for ((r = 1; r <= runs; r++)); do
      if ! kill -0 "$spid" 2>/dev/null; then dead=1; break 2; fi
      out=$d/wrk-$row-$r-$redo.txt
      wait_quiet
      read -r b0 st0 < <(machine_ticks)
      s0=$(cpu_ticks "$spid"); t0=$(date +%s%N)
      run_wrk "$row" "$duration" "$port" "$out"
      s1=$(cpu_ticks "$spid"); t1=$(date +%s%N)
      read -r b1 st1 < <(machine_ticks)
      req=$(kv "$out" WRK requests); dur=$(kv "$out" WRK duration_us); p99=$(kv "$out" WRK p99_us)
      made=-
      if [ "$row" = post ]; then
        made=$(kv "$out" WRK created); made=${made:-0}
        post_runs[$label]=$((post_runs[$label] + 1))
        created_sum[$label]=$((created_sum[$label] + made))
      fi
      errs=""
      for e in connect read write timeout status; do
        n=$(kv "$out" WRK "$e"); [ "${n:-0}" -gt 0 ] && errs="$errs${errs:+,}$( [ $e = status ] && echo non-2xx || echo $e)=$n"
      done
      [ "$w_rc" = 0 ] || errs="$errs${errs:+,}wrk-exit=$w_rc"
      [ -n "$req" ] || errs="$errs${errs:+,}no-report"
      read -r req_s p99_ms cpu_us srv_pct cli_pct oth_pct st_pct < <(awk -v q="${req:-0}" \
          -v du="${dur:-0}" -v p="${p99:-}" -v ds="$((s1 - s0))" -v dc="$w_client" \
          -v dm="$((b1 - b0))" -v dst="$((st1 - st0))" -v hz="$hz" -v wall="$(( (t1 - t0) / 1000 ))" 'BEGIN {
        secs = wall / 1e6; o = dm - ds - dc; if (o < 0) o = 0
        if (q + 0 == 0 || du + 0 == 0) { print "n/a n/a n/a n/a n/a n/a n/a"; exit }
        printf "%.1f %s %.3f %.1f %.1f %.1f %.1f\n", q / (du / 1e6),
          (p == "" ? "n/a" : sprintf("%.3f", p / 1000)), ds / hz * 1e6 / q,
          ds / hz / secs * 100, dc / hz / secs * 100, o / hz / secs * 100, dst / hz / secs * 100 }')
      line="$label $row $r ${req:-0} $req_s $p99_ms $cpu_us $srv_pct $cli_pct ${errs:--} $oth_pct $st_pct $made"
      noise=$(awk -v o="$oth_pct" -v st="$st_pct" 'BEGIN { print (o ~ /^[0-9.]+$/ ? o : 0) + (st ~ /^[0-9.]+$/ ? st : 0) }')
      [ -z "$errs" ] || failures=$((failures + 1))
      say "  $row run $r: ${req:-0} requests, $(fmt 0 "$req_s") req/s, p99 $p99_ms ms," \
          "server CPU $cpu_us µs/req ($srv_pct%), wrk CPU $cli_pct%, rest $oth_pct%, steal $st_pct%$( \
          [ "$made" = - ] || echo "; $made created (201)")${errs:+; ERRORS: $errs}"
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
    forget "$spid"; stopped[$label]="died"
    continue
  fi
  # netloom: SIGKILL right after the last POST run, start again on the same database, and count
  if [ "$label" = netloom ] && has_row post && [ "${status[$label]}" = ok ]; then
    kill -KILL "$spid" 2>/dev/null; wait "$spid" 2>/dev/null; forget "$spid"
    acked=$((created_sum[$label] + 1))   # + the checked curl POST
    inflight=$((conns * post_runs[$label]))
    if ! start_server "$label" "$d" -2; then
      durable[$label]="**failed**: netloom did not start again on its database after SIGKILL"
      status[$label]="did not restart after SIGKILL"; failures=$((failures + 1)); stopped[$label]="killed"
      continue
    fi
    tot=$(total_count "$d/after-kill-total")
    low=$((items + acked)) high=$((items + acked + inflight))
    if [[ $tot =~ ^[0-9]+$ ]] && [ "$tot" -ge "$low" ] && [ "$tot" -le "$high" ]; then
      verdict="**passed**"
    else
      verdict="**FAILED**"; failures=$((failures + 1)); status[$label]="lost acknowledged POSTs"
    fi
    durable[$label]="$verdict: $(fmt 0 "$acked") POSTs acknowledged with 201 ($(fmt 0 "$((acked - 1))") seen by wrk"
    durable[$label]+=" over ${post_runs[$label]} runs with the warm-up, 1 by curl); after SIGKILL and a restart on the"
    durable[$label]+=" same database X-Total-Count is ${tot:-missing}: at least $(fmt 0 "$items") + $(fmt 0 "$acked") ="
    durable[$label]+=" $(fmt 0 "$low") expected, at most $(fmt 0 "$high") (up to $conns POSTs per run still in flight"
    durable[$label]+=" when wrk stopped)"
    [[ $tot =~ ^[0-9]+$ ]] && [ "$tot" -gt "$low" ] && [ "$tot" -le "$high" ] &&
      durable[$label]+="; $((tot - low)) were written without wrk reading their 201"
    say "  durability after SIGKILL: ${durable[$label]//\*\*/}"
  fi
  if ! check_answers "$label" "$d" after; then
    status[$label]="wrong answers after the load"; failures=$((failures + 1))
  else
    say "  after the load: GET /users/5 and the filtered page are still right"
  fi
  stop_server "$label"
  stopped[$label]="exit $stop_rc after $stop_ms ms"
  say "  stopped: ${stopped[$label]}"
  if [ "$label" = netloom ]; then
    [ "$stop_rc" = 0 ] || { status[$label]="exit $stop_rc on SIGTERM"; failures=$((failures + 1)); }
    if grep -qiE 'exception|error|warn' "$d"/server*.err; then
      say "  $label stderr:"; grep -hiE 'exception|error|warn' "$d"/server*.err | head -n 10 | sed 's/^/    /' >&2
    fi
  fi
done

# ---- report (stdout, markdown) ----
errs_of() { printf '%s\n' "${results[@]}" | awk -v l="$1" -v f="$2" '$1 == l && $2 == f && $10 != "-" { printf "%s%s", s, "run " $3 ": " $10; s = "; " }'; }

echo "### REST (JSON over HTTP/1.1): netloom \`rest\` vs json-server $js_version, $items users, $((3 * items)) posts"
echo
echo "| request | server | req/s | p99 ms | server CPU µs/req | server CPU | wrk CPU | req/s netloom ÷ json-server | CPU/req netloom ÷ json-server | errors |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
declare -A m_rps m_cpu
for row in "${order[@]}"; do
  for label in "${labels[@]}"; do
    [ -n "$(col "$label" "$row" 4)" ] || continue
    m_rps[$label/$row]=$(med "$label" "$row" 5); m_cpu[$label/$row]=$(med "$label" "$row" 7)
  done
  for label in "${labels[@]}"; do
    if [ -z "${m_rps[$label/$row]:-}" ]; then
      echo "| $(row_name "$row") | $label | ${status[$label]:-not run} | | | | | | | |"
      continue
    fi
    e=$(errs_of "$label" "$row")
    rt=— rc=—
    if [ "$label" = netloom ]; then
      rt=$(ratio "${m_rps[netloom/$row]}" "${m_rps[json-server/$row]:-}")
      rc=$(ratio "${m_cpu[netloom/$row]}" "${m_cpu[json-server/$row]:-}")
    fi
    printf '| %s | %s | %s | %s | %s | %s%% | %s%% | %s | %s | %s |\n' \
      "$(row_name "$row")" "$label" "$(fmt 0 "${m_rps[$label/$row]}")" "$(fmt 2 "$(med "$label" "$row" 6)")" \
      "$(fmt 1 "$(med "$label" "$row" 7)")" "$(fmt 0 "$(med "$label" "$row" 8)")" \
      "$(fmt 0 "$(med "$label" "$row" 9)")" "$rt" "$rc" "${e:-0}"
  done
done
echo
cat <<EOF
Medians of $runs run(s) of ${duration} s per server and request, -c$conns -t$threads, each server
started once, its answers checked, and warmed up (${warmup} s of wrk per request, not counted).
req/s from wrk's own counts; p99 from wrk's latency histogram. Server CPU = the server's
user+system time over the run (\`/proc/PID/stat\` utime+stime, all threads), per request wrk
completed, and as a share of one CPU; wrk CPU the same for the client (near 100% means the
client, not the server, was the limit). Ratios are of the medians. The POST rows run last and
grow the data, each server's from what its earlier POST runs left (json-server rewrites its whole
db.json on every write, so its POSTs slow down as it grows). errors = wrk's socket errors
(timeout: slower than ${wrk_timeout} s) and non-2xx responses, per run.
EOF
disturbed_note 11 12 "the server and wrk"
echo

echo "Goals (req/s, netloom ÷ json-server):"
echo
for row in "${order[@]}"; do
  target=10; [ "$row" = post ] && target=5
  goal "$(row_name "$row")" "$(ratio "${m_rps[netloom/$row]:-}" "${m_rps[json-server/$row]:-}")" ">=" "$target"
done
echo
if wants netloom; then
  if has_row post; then
    echo "Durability (netloom, SIGKILL right after the POST load): ${durable[netloom]:-not checked (${status[netloom]:-not run})}"
  else
    echo "Durability (netloom): not checked (no post row in ROWS)"
  fi
  echo
fi

echo "Servers (each pinned as shown; \$TMP = the work directory; $pinning):"
echo
for label in "${labels[@]}"; do
  c=${srv_cmds[$label]:-not started}
  echo "- $label: \`${c//$work/\$TMP}\` — ${status[$label]:-?}; stop: ${stopped[$label]:-n/a}"
done
for row in "${order[@]}"; do
  wrk_args "$row" "$duration" PORT
  c="${wargs[*]:0:${#wargs[@]}-1} '${wargs[-1]}'"
  echo "- $(row_name "$row"): \`${c//$bench\//bench/}\`"
done
for label in "${labels[@]}"; do
  [ -n "${page_ids[$label/before]:-}" ] && echo "- the filtered page's ids, $label: \`${page_ids[$label/before]}\`"
done
echo "- data: \`db.json\`, $items users made by the script (json-server's data file, netloom's" \
     "\`rest.seed\`); user 5: \`$exp_user5\`; admins 11..20 in id order: \`$exp_page\`; the POST body: \`$post_body\`"
echo "- $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) CPUs," \
     "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM; $(uname -sr)"
nl_rev=""
if wants netloom; then
  nl_rev="; netloom $nl_built, $("$java" -version 2>&1 | sed -n 2p), JVM flags: ${NETLOOM_JAVA_OPTS:-none}"
fi
echo "- $("$wrk_bin" -v 2>&1 | head -n 1 | sed 's/ Copyright.*//')$( [ -n "$node_bin" ] && echo "; json-server $js_version on node $("$node_bin" --version)")$nl_rev"
echo "- took $(( $(date +%s) - started )) s$( [ "$quiet_wait" -gt 0 ] && echo " (QUIET_WAIT: $waited s spent waiting for a quiet machine)")"
echo
echo "<details><summary>per run</summary>"
echo
echo "| server | request | run | requests | req/s | p99 ms | server CPU µs/req | server CPU % | wrk CPU % | errors | rest of machine CPU % | steal % | 201s |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|"
printf '%s\n' "${results[@]}" | awk 'NF { printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; print "" }'
if [ "${#discarded[@]}" -gt 0 ]; then
  echo
  echo "Done again (disturbed), not counted:"
  echo
  echo "| server | request | run | requests | req/s | p99 ms | server CPU µs/req | server CPU % | wrk CPU % | errors | rest of machine CPU % | steal % | 201s |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|"
  printf '%s\n' "${discarded[@]}" | awk 'NF { printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; print "" }'
fi
echo
for label in "${labels[@]}"; do
  for ph in user5 filter; do
    h=$work/$label/before-$ph
    [ -s "$h.headers" ] || continue
    echo "$label, \`GET $( [ $ph = user5 ] && echo /users/5 || echo "$filter_path")\`:"
    echo
    echo '```'
    tr -d '\r' < "$h.headers" | sed '/^$/d'
    echo
    if [ $ph = user5 ]; then head -c 400 "$h.json"; else jq -c '.[0]' "$h.json" 2>/dev/null | sed 's/^/[/; s/$/, ...]/'; fi
    echo
    echo '```'
    echo
  done
done
echo "</details>"
[ "$failures" = 0 ]
