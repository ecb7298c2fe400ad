#!/usr/bin/env bash
# Redis's own test suite (tag 7.0.15, tests/ only) as the judge of the kv service's compatibility
# (issue 21): each test file runs in the suite's external mode (`--host/--port`) against a fresh
# `netloom serve kv` and against a fresh redis-server 7.0.15 (the baseline), and a table says per
# file how many tests each server passed and how many of redis-server's passes kv passes too.
#
#   REDIS_SRC=/path/to/redis tests/redis-suite.sh
#
# The suite's tests/ come from REDIS_SRC (a git checkout or bare git dir with tag 7.0.15) through
# `git archive` into a cache (below), reused when present; nothing is committed. Without REDIS_SRC
# and without the cache the script says "skipped: ..." and exits 0 (CI has no network).
# Every file runs on its own fresh server, in `tclsh tests/test_helper.tcl --host 127.0.0.1
# --port P --single FILE --durable --timeout STALL --tags "-needs:repl -needs:debug"`, bounded by
# FILE_TIMEOUT (the whole process group is killed past it; what did not run counts as not passed).
# --durable: a test that raises an error (an unknown command) is counted as failed and the file
# goes on, where without it the first error ends the file. The tests the suite itself leaves out in
# external mode (tag external:skip: they start servers of their own) run on neither server.
# Denied tags (docs/testing.md lists them with the reasons): needs:repl (replication) and
# needs:debug (DEBUG internals: RELOAD, OBJECT internals, jmap, set-active-expire, ...).
# redis-server runs as Redis's own external CI starts it: --save '' --appendonly no
# --enable-debug-command yes --enable-protected-configs yes, in a temp dir, on a free port.
#
# Environment (defaults in brackets):
#   REDIS_SRC          git dir or checkout with tag 7.0.15 (needed once, to fill the cache)
#   REDIS_SUITE_CACHE  [~/.cache/netloom-tests/redis-7.0.15] the extracted tests/ and the cached
#                      redis-server baseline results
#   FILES              [unit/type/* unit/keyspace unit/expire unit/multi unit/pubsub unit/scripting
#                      unit/maxmemory] the test files to run, e.g. FILES="unit/keyspace unit/expire"
#   KV_ONLY=1          do not run redis-server: use its cached results (files without any show -)
#   REPORT_ONLY=1      run nothing: the table, redis-only.txt and skips.md again from OUT's results
#   REFRESH_BASELINE=1 run redis-server again even where its results are cached
#   LENIENT=1          a diagnostic run, not the judge: kv runs a copy of the suite whose set-up
#                      ignores errors from SELECT 9, FUNCTION FLUSH and the CONFIG GET/SET of a
#                      block's overrides (the suite does them before every block, so without
#                      databases and FUNCTION no test of kv runs at all), to see what fails past
#                      them while those features are still missing; OUT becomes
#                      target/redis-suite-lenient and the table says "lenient"
#   SINGLEDB=1         --singledb: no SELECT (tests tagged singledb:skip are left out, on both)
#   TAGS               extra --tags words, e.g. TAGS=-slow (part of the baseline cache's key)
#   FILE_TIMEOUT [300] seconds one file may take on one server
#   STALL [120]        the suite's own --timeout: seconds without any test progressing
#   OUT [target/redis-suite]  per-test results (below)
#   NETLOOM_BIN [bin/netloom, built with `make build` first]
#
# Results in OUT: {redis,kv}/FILE.txt, one line per test, "STATUS<TAB>NAME" with STATUS ok, err
# (a third field: the error's first line, e.g. "ERR unknown command 'object', ..."),
# skip, ignore (left out by a tag), notrun (kv only: the file ended before it; redis-server ran
# it), block-err (an error outside any test, NAME is its message), exception, timeout;
# {redis,kv}/FILE.log, the suite's output; redis.ok and kv.ok ("FILE<TAB>NAME" of each pass,
# sorted), so the tests that pass on redis-server and not on kv are
#   comm -23 target/redis-suite/redis.ok target/redis-suite/kv.ok
# (written to redis-only.txt as well); table.md, the table printed at the end; skips.md, every
# test left out by a tag, with its reason.
# A name repeated within a file gets " (#2)", " (#3)" ... in the order the tests run.
# Exits 0 unless a server failed to start or kv did not exit 0 on SIGTERM: how many tests pass is
# the table's business, not the exit code's.
user_bin=${NETLOOM_BIN:-}
# shellcheck source=netcat/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/netcat/lib.sh"

VERSION=7.0.15
here=$NL_REPO
cache=${REDIS_SUITE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/netloom-tests/redis-$VERSION}
lenient=${LENIENT:-0}
if [ "$lenient" = 1 ]; then out=${OUT:-$here/target/redis-suite-lenient}; else out=${OUT:-$here/target/redis-suite}; fi
kv_only=${KV_ONLY:-0}
report_only=${REPORT_ONLY:-0}
[ "$report_only" != 1 ] || kv_only=1
refresh=${REFRESH_BASELINE:-0}
singledb=${SINGLEDB:-0}
file_timeout=${FILE_TIMEOUT:-300}
stall=${STALL:-120}
extra_tags=${TAGS:-}
deny_tags="-needs:repl -needs:debug"

say() { echo "$*" >&2; }
die() { echo "redis-suite: $*" >&2; exit 2; }
# shellcheck source=../bench/lib.bash
. "$here/bench/lib.bash"

for v in FILE_TIMEOUT STALL; do
  x=${!v:-1}
  [[ $x =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '$x'"
done

# ---- the suite: tests/ of tag 7.0.15, extracted once ----------------------------------------
if [ ! -f "$cache/.complete" ]; then
  src=${REDIS_SRC:-}
  if [ -z "$src" ] || ! git -C "$src" rev-parse -q --verify "refs/tags/$VERSION^{commit}" >/dev/null 2>&1; then
    echo "redis-suite: skipped: set REDIS_SRC to a redis git checkout with tag $VERSION${src:+ ($src has no such tag or is not a git dir)}"
    NL_FINISHED=true
    exit 0
  fi
  say "redis-suite: extracting tests/ of $VERSION from $src into $cache"
  rm -rf "$cache.tmp"
  mkdir -p "$cache.tmp"
  git -C "$src" archive "$VERSION" tests | tar -x -C "$cache.tmp" || die "git archive $VERSION tests from $src failed"
  rm -rf "$cache"
  mv "$cache.tmp" "$cache"
  touch "$cache/.complete"
fi
[ -f "$cache/tests/test_helper.tcl" ] || die "$cache/tests/test_helper.tcl is missing: remove $cache and run again with REDIS_SRC"
# The suite kv runs: the extracted one, or for LENIENT=1 a copy with a forgiving set-up.
kv_suite=$cache
if [ "$lenient" = 1 ]; then
  kv_suite=$cache/lenient
  rm -rf "$kv_suite"
  mkdir -p "$kv_suite"
  cp -r "$cache/tests" "$kv_suite/"
  sed -i -e 's/^\([[:space:]]*\)\$client select 9$/\1catch {$client select 9}/' \
    -e 's/^\([[:space:]]*\)\$client read$/\1catch {$client read}/' "$kv_suite/tests/test_helper.tcl"
  sed -i -e 's/^\([[:space:]]*\)\$client select 9$/\1catch {$client select 9}/' \
    -e 's/^\([[:space:]]*\)r function flush$/\1catch {r function flush}/' \
    -e 's/^\([[:space:]]*\)\(dict set saved_config .*\)$/\1catch {\2}/' \
    -e 's/^\([[:space:]]*\)r config set \$param \$val$/\1catch {r config set $param $val}/' \
    "$kv_suite/tests/support/server.tcl"
  [ "$(grep -c '^[[:space:]]*catch {' "$kv_suite/tests/support/server.tcl")" -ge 5 ] ||
    die "LENIENT=1: the set-up lines of tests/support/server.tcl were not found to patch"
fi

if [ -z "${FILES:-}" ]; then
  files=()
  for f in "$cache"/tests/unit/type/*.tcl; do
    f=${f#"$cache/tests/"}; f=${f%.tcl}
    [ "$f" = unit/type/list-common ] || files+=("$f")  # sourced by the list files, not a test file
  done
  files+=(unit/keyspace unit/expire unit/multi unit/pubsub unit/scripting unit/maxmemory)
else
  read -r -a files <<<"$FILES"
fi
for f in "${files[@]}"; do
  [ -f "$cache/tests/$f.tcl" ] || die "no test file $f (tests/$f.tcl) in the $VERSION suite"
done

# ---- tools -----------------------------------------------------------------------------------
command -v tclsh >/dev/null 2>&1 || "$here/tests/ensure-tools.sh" || die "tclsh is missing: run tests/ensure-tools.sh"
command -v setsid >/dev/null 2>&1 || die "setsid (util-linux) is missing"

opts=(--durable --timeout "$stall" --tags "$deny_tags${extra_tags:+ $extra_tags}")
mode="tags=[$deny_tags${extra_tags:+ $extra_tags}]"
if [ "$singledb" = 1 ]; then opts+=(--singledb); mode+=" singledb"; fi
# The baseline's cache key: the options that change which tests run.
key=$(printf '%s' "$mode" | md5sum | cut -c1-10)
baseline=$cache/baseline-$key

need_redis=()
if [ "$kv_only" != 1 ]; then
  for f in "${files[@]}"; do
    if [ "$refresh" = 1 ] || [ ! -f "$baseline/${f//\//_}.txt" ]; then need_redis+=("$f"); fi
  done
fi
if [ "${#need_redis[@]}" -gt 0 ]; then
  if ! find_redis; then
    apt_install redis-suite "or run KV_ONLY=1 against cached baseline results" redis-server
    stop_debian_redis redis-suite
    find_redis || die "redis-server is still missing after apt-get install"
  fi
  redis_v=$("$redis_bin" --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p')
  [ "$redis_v" = "$VERSION" ] || say "redis-suite: note: $redis_bin is $redis_v, not $VERSION"
fi

if [ -z "$user_bin" ] && [ "$report_only" != 1 ]; then
  make -s -C "$here" build >&2 || die "make build failed"
fi

mkdir -p "$out/redis" "$out/kv" "$baseline"

# ---- one file on one server ------------------------------------------------------------------
# parse LOG: the suite's output as "STATUS<TAB>NAME" lines (ANSI colours removed; a name seen
# before in the file gets " (#N)")
parse() {
  sed 's/\x1b\[[0-9;]*m//g' "$1" | awk '
    function name_of(name) { n = ++seen[name]; return n > 1 ? name " (#" n ")" : name }
    # An error is its name line, then its message: an assertion as is ("Expected ..."), another
    # error cut by the suite (its first 10 characters gone) and then whole on the next line.
    function flush_err(why) { if (pend != "") { sub(/\r$/, "", why); print pend "\t" substr(why, 1, 300) }; pend = ""; first = "" }
    pend != "" && first == "" { first = $0; if (first ~ /^Expected / || first == "") flush_err(first); next }
    pend != "" { if (length(first) > 0 && index($0, first) > 0) { flush_err($0); next } flush_err(first) }
    /^\[ok\]: / { s = substr($0, 7); sub(/ \([0-9]+ ms\)$/, "", s); print "ok\t" name_of(s); next }
    /^\[err\]: / { s = substr($0, 8)
                   if (s ~ / in tests\/unit\/.*\.tcl$/) { sub(/ in tests\/unit\/.*\.tcl$/, "", s); pend = "err\t" name_of(s) }
                   else print "block-err\t" s
                   next }
    /^\[skip\]: / { print "skip\t" name_of(substr($0, 9)); next }
    /^\[ignore\]: / { print "ignore\t" substr($0, 11); next }
    /^\[exception\]: / { print "exception\t" substr($0, 14); next }
    /^\[TIMEOUT\]/ { print "timeout\tno test progressed for the suite'"'"'s --timeout, or FILE_TIMEOUT passed"; next }
    END { flush_err("") }'
}

# run_suite DIR PORT LOG: the suite in DIR against 127.0.0.1:PORT for file $f, in its own
# session (the test server forks a test client; both are killed as a group at the end or past
# FILE_TIMEOUT)
run_suite() {
  local dir=$1 port=$2 log=$3 pid rc baseport try start=$SECONDS
  for try in 1 2 3; do
    # The test server listens on one of the 32 ports below --baseport (21111 unless told), and
    # wants the port 10000 above it free too: a random base in 30000-49167 keeps two runs side
    # by side (kv and a baseline, two worktrees) apart.
    baseport=$((30000 + RANDOM % 600 * 32))
    rc=0
    ( cd "$dir" && TERM=dumb exec setsid timeout -k 5 "$file_timeout" \
        tclsh tests/test_helper.tcl --host 127.0.0.1 --port "$port" --single "$f" "${opts[@]}" \
        --baseport "$baseport" ) \
      </dev/null >"$log" 2>&1 &
    pid=$!
    wait "$pid" || rc=$?
    kill -KILL -- "-$pid" 2>/dev/null || true  # the test client, if it is still there
    grep -q '^Testing ' "$log" && break
    say "  $f: the suite did not start (try $try): $(grep -v "^Cleanup" "$log" | grep -m 1 . | cut -c 1-200)"
  done
  grep -q '^Testing ' "$log" || printf '[exception]: the suite did not start (see the log above)\n' >>"$log"
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    printf '[TIMEOUT] killed by redis-suite.sh after %s s\n' "$file_timeout" >>"$log"
  fi
  say "  $f: $((SECONDS - start)) s"
}

redis_pid=""
stop_redis() {
  [ -n "$redis_pid" ] || return 0
  kill "$redis_pid" 2>/dev/null || true
  wait "$redis_pid" 2>/dev/null || true
  redis_pid=""
}
nl_at_exit stop_redis
run_redis() {
  local port tries dir pid i
  dir=$(mktemp -d "$T/redis.XXXXXX")
  for tries in 1 2 3; do
    port=$(free_port)
    "$redis_bin" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
      --enable-debug-command yes --enable-protected-configs yes --daemonize no \
      >"$dir/server.log" 2>&1 </dev/null &
    pid=$!
    redis_pid=$pid
    for ((i = 0; i < 50; i++)); do
      timeout 2 redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && break
    wait "$pid" 2>/dev/null || true
    redis_pid=""
    [ "$tries" -lt 3 ] || fail_now "redis-server starts" "$(tail -n 20 "$dir/server.log")"
  done
  run_suite "$cache" "$port" "$baseline/$g.log"
  stop_redis
  parse "$baseline/$g.log" >"$baseline/$g.txt"
  rm -rf "$dir"
}

run_kv() {
  serve_start kv kv.port=0 "kv.dir=$T/kv-$g" kv.appendonly=false
  local pid=$SERVER_PID
  run_suite "$kv_suite" "$PORT_kv" "$out/kv/$g.log"
  nl_stop_and_check "$pid" TERM "kv exits 0 on SIGTERM after $f"
  rm -rf "$T/kv-$g"
  parse "$out/kv/$g.log" >"$out/kv/$g.txt"
  # what redis-server ran and kv never got to (the file ended, or was killed) is not passed
  if [ -f "$out/redis/$g.txt" ]; then
    awk -F'\t' 'NR == FNR { if ($1 ~ /^(ok|err|skip|ignore)$/) had[$2] = 1; next }
                ($1 == "ok" || $1 == "err") && !($2 in had) { print "notrun\t" $2 }' \
      "$out/kv/$g.txt" "$out/redis/$g.txt" >>"$out/kv/$g.txt"
  fi
}

# ---- run -------------------------------------------------------------------------------------
[ "$lenient" = 1 ] && mode+=" lenient"
say "redis-suite: $VERSION suite from $cache; ${#files[@]} files; $mode; results in $out"
for f in "${files[@]}"; do
  [ "$report_only" != 1 ] || break
  g=${f//\//_}
  if [[ " ${need_redis[*]} " == *" $f "* ]]; then
    say "redis-suite: $f on redis-server"
    run_redis
  fi
  rm -f "$out/redis/$g.txt" "$out/redis/$g.log"
  if [ -f "$baseline/$g.txt" ]; then cp "$baseline/$g.txt" "$baseline/$g.log" "$out/redis/"; fi
  say "redis-suite: $f on kv"
  run_kv
done

# ---- table -----------------------------------------------------------------------------------
count() { [ -f "$2" ] && awk -F'\t' -v s="$1" '$1 == s { n++ } END { print n + 0 }' "$2" || echo -; }
: >"$out/redis.ok.tmp"; : >"$out/kv.ok.tmp"
{
  echo "| file | redis-server passed/ran | kv passed/ran | kv passes of redis-server's | kv/redis |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  tot_r=0; tot_both=0
  for f in "${files[@]}"; do
    g=${f//\//_}
    rt=$out/redis/$g.txt; kt=$out/kv/$g.txt
    kv_ok=$(count ok "$kt"); kv_ran=$((kv_ok + $(count err "$kt")))
    awk -F'\t' -v f="$f" '$1 == "ok" { print f "\t" $2 }' "$kt" >>"$out/kv.ok.tmp"
    if [ -f "$rt" ]; then
      r_ok=$(count ok "$rt"); r_ran=$((r_ok + $(count err "$rt")))
      awk -F'\t' -v f="$f" '$1 == "ok" { print f "\t" $2 }' "$rt" >>"$out/redis.ok.tmp"
      both=$(awk -F'\t' 'NR == FNR { if ($1 == "ok") ok[$2] = 1; next } $1 == "ok" && ($2 in ok) { n++ } END { print n + 0 }' "$kt" "$rt")
      pct=$(awk -v a="$both" -v b="$r_ok" 'BEGIN { if (b == 0) print "-"; else printf "%.1f%%\n", 100 * a / b }')
      tot_r=$((tot_r + r_ok)); tot_both=$((tot_both + both))
      echo "| $f | $r_ok/$r_ran | $kv_ok/$kv_ran | $both/$r_ok | $pct |"
    else
      echo "| $f | - | $kv_ok/$kv_ran | - | - |"
    fi
  done
  pct=$(awk -v a="$tot_both" -v b="$tot_r" 'BEGIN { if (b == 0) print "-"; else printf "%.1f%%\n", 100 * a / b }')
  echo "| **all** | $tot_r | | $tot_both/$tot_r | **$pct** |"
  echo
  goal=$(awk -v a="$tot_both" -v b="$tot_r" 'BEGIN { print (b > 0 && a >= 0.95 * b) ? "met" : "not met" }')
  [ "$lenient" != 1 ] || printf 'LENIENT=1 (set-up errors of kv ignored): a diagnostic, not the judge. '
  echo "Goal: kv passes >= 95% of the tests redis-server $VERSION passes in these files: $pct, $goal."
} >"$out/table.md"
# Every test left out by a tag (the same on both servers), with the suite's reason; a block left
# out whole (external:skip on a start_server) shows as its reason alone.
{
  echo "Tests left out of the run ($mode), from redis-server's results:"
  for f in "${files[@]}"; do
    rt=$out/redis/${f//\//_}.txt
    [ -f "$rt" ] || continue
    awk -F'\t' -v f="$f" '$1 == "ignore" { name = $2; why = $2
      if (match(name, /(: )?(Tag: [^ ]+ denied|Not supported [a-z ]+|large memory flag not provided)$/)) {
        why = substr(name, RSTART); name = substr(name, 1, RSTART - 1); sub(/^: /, "", why)
      }
      print "- " f ": " (name == "" ? "(a whole block)" : name) " — " why }' "$rt"
  done
} >"$out/skips.md"
LC_ALL=C sort "$out/redis.ok.tmp" >"$out/redis.ok"; LC_ALL=C sort "$out/kv.ok.tmp" >"$out/kv.ok"
rm -f "$out/redis.ok.tmp" "$out/kv.ok.tmp"
LC_ALL=C comm -23 "$out/redis.ok" "$out/kv.ok" >"$out/redis-only.txt"
cat "$out/table.md"
echo "Passing on redis-server, not on kv: $(wc -l <"$out/redis-only.txt") tests (comm -23 $out/redis.ok $out/kv.ok, or $out/redis-only.txt)"
finish
