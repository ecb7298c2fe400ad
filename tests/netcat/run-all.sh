#!/usr/bin/env bash
# Runs every tests/netcat/*.sh (except lib.sh and this file) against bin/netloom, each in its
# own bash with no stdin, and ends with the line `netcat: N passed, N failed` (scripts).
# Works from any directory and without a terminal (CI=true). Exit status 1 if any failed.
#
#   tests/netcat/run-all.sh              all scripts
#   tests/netcat/run-all.sh echo-tcp     only the scripts whose names contain one of the words
#
# NL_SCRIPT_TIMEOUT (default 300) bounds each script in seconds. NL_JOBS (default 2) scripts run
# at a time (most of a script's time is waiting on servers and clients), each one's output kept
# in a file and printed whole when it ends; the scripts that put load on the machine and measure
# under it (ALONE below) run with nothing beside them.
set -uo pipefail

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
repo=$(cd "$here/../.." && pwd)
timeout_secs=${NL_SCRIPT_TIMEOUT:-300}

if ! "$repo/tests/ensure-tools.sh" </dev/null; then
  echo "netcat: tools missing (see above)"
  echo "netcat: 0 passed, 1 failed"
  exit 1
fi
if [ -z "${NETLOOM_BIN:-}" ] && [ ! -f "$repo/target/netloom.jar" ]; then
  echo "netcat: $repo/target/netloom.jar is missing: build first (make build)"
  echo "netcat: 0 passed, 1 failed"
  exit 1
fi

scripts=()
for f in "$here"/*.sh; do
  name=$(basename "$f")
  case "$name" in lib.sh|run-all.sh) continue ;; esac
  if [ $# -gt 0 ]; then
    keep=false
    for word in "$@"; do [[ $name == *"$word"* ]] && keep=true; done
    $keep || continue
  fi
  scripts+=("$f")
done

passed=0
failed=0
failed_names=()
jobs_max=${NL_JOBS:-2}
[[ $jobs_max =~ ^[1-9][0-9]*$ ]] || { echo "netcat: NL_JOBS must be a positive number, not '$jobs_max'"; exit 2; }
# wrk or bulk transfers, and measurements taken under them: alone, so neither disturbs another script
ALONE=" admin-prometheus.sh lb.sh tcp-proxy.sh kv-benchmark.sh workers-reload.sh "
out_dir=$(mktemp -d)
trap 'rm -rf "$out_dir"' EXIT
declare -A pid_name=() pid_start=()

# Waits for one running script to end and reports it (its output, then PASS or FAIL).
reap() {
  local pid rc=0 name took
  wait -n -p pid || rc=$?
  name=${pid_name[$pid]}
  took=$((SECONDS - ${pid_start[$pid]}))
  unset "pid_name[$pid]" "pid_start[$pid]"
  echo "=== $name"
  cat "$out_dir/$name.out"
  if [ "$rc" -eq 0 ]; then
    passed=$((passed + 1))
    echo "=== $name: PASS (${took}s)"
  else
    failed=$((failed + 1))
    failed_names+=("$name")
    if [ "$rc" -eq 124 ]; then
      echo "=== $name: FAIL (timed out after ${timeout_secs}s)"
    else
      echo "=== $name: FAIL (exit $rc, ${took}s)"
    fi
  fi
}

for f in "${scripts[@]}"; do
  name=$(basename "$f")
  limit=$jobs_max
  if [[ $ALONE == *" $name "* ]]; then
    limit=1
  fi
  while [ "${#pid_name[@]}" -ge "$limit" ]; do
    reap
  done
  # No stdin, so nothing can wait on a terminal. timeout signals the script's process group;
  # the script's exit trap then stops its servers.
  timeout -k 10 "$timeout_secs" bash "$f" </dev/null >"$out_dir/$name.out" 2>&1 &
  pid_name[$!]=$name
  pid_start[$!]=$SECONDS
  if [ "$limit" -eq 1 ]; then
    reap # an ALONE script: nothing starts beside it either
  fi
done
while [ "${#pid_name[@]}" -gt 0 ]; do
  reap
done

[ "$failed" -eq 0 ] || echo "failed: ${failed_names[*]}"
echo "netcat: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
