#!/usr/bin/env bash
# with-postgres.sh CMD [ARG...]: runs CMD with NETLOOM_TEST_PG_URL set to the JDBC URL of a
# throwaway PostgreSQL cluster (tests/pg-scratch.sh), and stops and removes the cluster
# afterwards, however CMD ends. Exits with CMD's status. `make test` runs
# `tests/with-postgres.sh $(MVN) verify`.
#
#   - PostgreSQL not installed (pg-scratch exits 3): prints
#     "postgres: not available, PostgreSQL suite skipped" and runs CMD without the variable.
#   - NETLOOM_TEST_PG_URL already set: that database is used; no cluster is started.
#   - The cluster fails to start although PostgreSQL is installed: exit 1, CMD is not run.
#
# TERM, INT and HUP are passed on to CMD; the cluster is stopped once CMD has exited.
set -uo pipefail

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
if [ $# -eq 0 ]; then
  echo "usage: tests/with-postgres.sh CMD [ARG...]" >&2
  exit 2
fi

if [ -n "${NETLOOM_TEST_PG_URL:-}" ]; then
  echo "postgres: using NETLOOM_TEST_PG_URL from the environment" >&2
  exec "$@"
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/netloom-pg.XXXXXX") || exit 1
stop_cluster() {
  "$here/pg-scratch.sh" stop "$dir" </dev/null >&2 ||
    echo "postgres: could not stop the scratch cluster in $dir" >&2
}
trap stop_cluster EXIT

rc=0
out=$("$here/pg-scratch.sh" start "$dir" </dev/null) || rc=$?
case "$rc" in
  0)
    NETLOOM_TEST_PG_URL=$(tail -n 1 <<<"$out")
    export NETLOOM_TEST_PG_URL
    echo "postgres: NETLOOM_TEST_PG_URL=$NETLOOM_TEST_PG_URL" >&2
    ;;
  3)
    trap - EXIT
    rm -rf "$dir"
    echo "postgres: not available, PostgreSQL suite skipped"
    exec "$@"
    ;;
  *)
    echo "postgres: the scratch cluster did not start (see above)" >&2
    exit 1
    ;;
esac

# CMD runs in the background so that a signal to this script is handled at once (passed on)
# rather than after CMD ends. A non-interactive bash starts background commands with SIGINT
# ignored and stdin from /dev/null: restore both (Ctrl-C and stdin reach CMD as usual).
( trap - INT QUIT; exec "$@" ) <&0 &
child=$!
for sig in TERM INT HUP; do
  # shellcheck disable=SC2064  # expand $sig now
  trap "kill -s $sig $child 2>/dev/null" "$sig"
done

rc=0
wait "$child" || rc=$?
# A trapped signal ends `wait` early (status > 128): wait again until CMD has really ended.
while kill -0 "$child" 2>/dev/null; do
  rc=0
  wait "$child" || rc=$?
done
exit "$rc"
