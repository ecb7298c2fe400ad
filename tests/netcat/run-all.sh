#!/usr/bin/env bash
# Runs every tests/netcat/*.sh (except lib.sh and this file) against bin/netloom, each in its
# own bash with no stdin, and ends with the line `netcat: N passed, N failed` (scripts).
# Works from any directory and without a terminal (CI=true). Exit status 1 if any failed.
#
#   tests/netcat/run-all.sh              all scripts
#   tests/netcat/run-all.sh echo-tcp     only the scripts whose names contain one of the words
#
# NL_SCRIPT_TIMEOUT (default 300) bounds each script in seconds.
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
for f in "${scripts[@]}"; do
  name=$(basename "$f")
  echo "=== $name"
  start=$SECONDS
  rc=0
  # No stdin, so nothing can wait on a terminal. timeout signals the script's process group;
  # the script's exit trap then stops its servers.
  timeout -k 10 "$timeout_secs" bash "$f" </dev/null || rc=$?
  took=$((SECONDS - start))
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
done

[ "$failed" -eq 0 ] || echo "failed: ${failed_names[*]}"
echo "netcat: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
