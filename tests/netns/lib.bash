# shellcheck shell=bash
# What the network-namespace tests share, sourced after tests/netcat/lib.sh (for $T, $NL_SCRIPT,
# fail_now) and after the script has set NS_PREFIX ("nl$$": a run of its own) and defined
# need_skip MESSAGE (skip and finish). Not a test itself: make test runs tests/netns/*.sh only.

NAMESPACES=()
PROCS=()  # "pid name" of the processes still to stop

# apt_install PKG: as tests/ensure-tools.sh does: we are root and have apt-get, so install it
apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  echo "$NL_SCRIPT: installing $1" >&2
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$1"; } \
      >"$T/apt.log" 2>&1; then
    cat "$T/apt.log" >&2
    return 1
  fi
}

# need_netns: root, iproute2 and iptables (installed when missing and possible), or need_skip
need_netns() {
  [ "$(id -u)" -eq 0 ] || need_skip "needs root (CAP_NET_ADMIN) for network namespaces and iptables"
  command -v ip >/dev/null 2>&1 || need_skip "no 'ip' command: install iproute2"
  if ! command -v iptables >/dev/null 2>&1; then
    apt_install iptables || fail_now "iptables is installed" "apt-get install iptables failed (see above)"
  fi
  command -v iptables >/dev/null 2>&1 || need_skip "no iptables: install it (apt-get install iptables)"
}

# clear_stale_namespaces ROLES: deletes nl<pid>-<role> namespaces (ROLES an ERE alternation such as
# "probe|cli|srv") left by a run killed with SIGKILL, whose pid is gone
clear_stale_namespaces() {
  local n pid
  for n in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^nl[0-9]+-($1)\$" || true); do
    pid=${n#nl}; pid=${pid%%-*}
    kill -0 "$pid" 2>/dev/null || ip netns del "$n" 2>/dev/null || true
  done
}

ns() { echo "$NS_PREFIX-$1"; }
in_ns() { local n; n=$(ns "$1"); shift; ip netns exec "$n" "$@"; }

teardown_world() {
  local n
  for n in "${NAMESPACES[@]}"; do ip netns del "$n" 2>/dev/null || true; done
  NAMESPACES=()
}

# start NAME NS SECS CMD...: CMD in namespace NS, bounded by `timeout SECS`, in the background; PID
# set; stdout and stderr in $T/server-NAME.out and .err (lib.sh's exit trap shows *.err on failure).
start() {
  local name=$1 n=$2 secs=$3; shift 3
  ( trap - INT QUIT; exec ip netns exec "$(ns "$n")" timeout -k 5 "$secs" "$@" ) \
    </dev/null >"$T/server-$name.out" 2>"$T/server-$name.err" &
  PID=$!
  PROCS+=("$PID $name")
}

# stop PID SIGNAL: signals it, waits up to 20 s, then SIGKILL; forgets it
stop() {
  local p
  kill -s "$2" "$1" 2>/dev/null || true
  for _ in $(seq 200); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  for p in "${!PROCS[@]}"; do [ "${PROCS[$p]%% *}" != "$1" ] || unset "PROCS[$p]"; done
}

stop_all() {
  local p
  for p in "${PROCS[@]}"; do kill -TERM "${p%% *}" 2>/dev/null || true; done
  for p in "${PROCS[@]}"; do stop "${p%% *}" TERM; done
  PROCS=()
}

# wait_line FILE ERE SECS PID: true once FILE has a line matching ERE, false after SECS or once PID ended
wait_line() {
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    grep -Eq -- "$2" "$1" 2>/dev/null && return 0
    kill -0 "$4" 2>/dev/null || break
    sleep 0.1
  done
  grep -Eq -- "$2" "$1" 2>/dev/null
}
