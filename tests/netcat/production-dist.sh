#!/usr/bin/env bash
# What an operator installs: the jar runs with `java -jar` from any directory and says its version
# and commit; dist/'s systemd units pass `systemd-analyze verify` with no complaint (this machine
# runs no systemd, so they are verified, not started: a start and a reload under systemd are left
# to a machine that runs it; skipped with a line when systemd-analyze is absent).
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

jar="$NL_REPO/target/netloom.jar"
java_bin="$("$NL_REPO/bin/find-java")/bin/java"

version_anywhere() {
  local out
  out=$(cd "$T" && "$java_bin" -jar "$jar" --version) || return 1
  echo "$out"
  [[ $out =~ ^netloom\ [0-9]+\.[0-9]+\.[0-9]+(-SNAPSHOT)?\ \(commit\ ([0-9a-f]{7,40}|unknown)\)$ ]]
}
check "java -jar target/netloom.jar --version from another directory" version_anywhere
commit_is_git() {
  local want got
  want=$(git -C "$NL_REPO" rev-parse --short=12 HEAD 2>/dev/null) || { echo "no git here"; return 0; }
  got=$(cd "$T" && "$java_bin" -jar "$jar" --version)
  # a jar built by make carries the commit it was built at; one built by mvn alone says unknown
  [[ $got == *"(commit unknown)" ]] || [[ $got == *"(commit "[0-9a-f]*")" ]] || { echo "$got"; return 1; }
  echo "HEAD $want, jar: $got"
}
check "the commit is git's (or unknown)" commit_is_git

if ! command -v systemd-analyze >/dev/null 2>&1; then
  skip "dist/*.service verify" "no systemd-analyze here"
  finish
fi
verify_unit() {  # verify_unit FILE: with the jar and java of this checkout in place of /opt and /usr/bin
  local unit out
  unit="$T/$(basename "$1")"
  sed -e "s#/opt/netloom/netloom.jar#$jar#" -e "s#/usr/bin/java #$java_bin #" "$1" >"$unit"
  out=$(systemd-analyze verify "$unit" 2>&1) || { echo "$out"; return 1; }
  [ -z "$out" ] || { echo "$out"; return 1; }
}
for unit in "$NL_REPO"/dist/*.service; do
  check "systemd-analyze verify $(basename "$unit"): no complaint" verify_unit "$unit"
done
state=$(systemctl is-system-running 2>/dev/null || true)
skip "start and reload under systemd" "systemd is not running here (is-system-running: ${state:-none})"
finish
