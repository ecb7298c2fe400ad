#!/usr/bin/env bash
# netloom's peer-to-peer NAT traversal on a real (Linux) network: network namespaces joined by veth
# pairs, two "home routers" doing iptables MASQUERADE, and the p2p processes as a user runs them.
#
#              inet: the "internet", 203.0.113.0/24 on a bridge; p2p-rendezvous on .1:7013
#               /                                        \
#   natA  WAN 203.0.113.10, LAN 10.0.1.1/24      natB  WAN 203.0.113.20, LAN 10.0.2.1/24
#               |                                        |
#   hostA 10.0.1.2: p2p get (the downloader)     hostB 10.0.2.2: p2p share (the seeder)
#
# Each router masquerades what leaves its WAN and, as a home router does, drops new connections
# coming in on it (dropped, not refused: a SYN matching no mapping gets no RST), so neither peer can
# dial the other. Two scenarios, each on a world built afresh:
#
#   cone       both routers `-j MASQUERADE`, which keeps the source port (endpoint-independent
#              mapping: "full-cone-like"): the downloader's dial times out, it asks the rendezvous
#              for a punch, and the TCP simultaneous open gets through both NATs;
#              `complete: ... (punched 1)`
#   symmetric  natB `-j MASQUERADE --random` (a new random port for each destination): the punch
#              cannot meet, and the file comes through the rendezvous's relay; `(relay 1)`
#
# In both the file (4 MiB of random bytes) must arrive byte-identical, and natA's counters must
# show its bytes coming from natB (punched) or from the rendezvous (relay), not the other way.
#
# Needs root (CAP_NET_ADMIN, `ip netns add`) and iptables with NAT (installed with apt-get when
# missing and possible); skipped with a message where the machine cannot. Every process is bounded
# by `timeout`; the exit trap stops them and deletes the namespaces, also on failure or a signal.
# On a failure it shows each process's output and log, and natA's and natB's conntrack tables.
#
#   tests/netns/p2p-nat.sh              both scenarios (about 35 s)
#   tests/netns/p2p-nat.sh cone         only the named ones (cone, symmetric)
#   NL_VERBOSE=1                        the processes' stderr even when all passed
#   NL_P2P_GET_TIMEOUT=40               seconds for each `p2p get`
# shellcheck source=../netcat/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../netcat/lib.sh"
# shellcheck source=lib.bash
. "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

SCENARIOS=("$@")
[ "${#SCENARIOS[@]}" -gt 0 ] || SCENARIOS=(cone symmetric)
GET_TIMEOUT=${NL_P2P_GET_TIMEOUT:-40}
NS_PREFIX="nl$$"  # namespaces nl<pid>-inet, nl<pid>-natA, ...: a run of its own
RV_IP=203.0.113.1
A_WAN=203.0.113.10
B_WAN=203.0.113.20
RV_PORT=7013
PEER_PORT=7014
# the wildcard address as a listening line prints it (Java binds 0.0.0.0 as :: where IPv6 exists)
ANY='(0\.0\.0\.0|\[0:0:0:0:0:0:0:0\]|\[::\])'

# ---------------------------------------------------------------------------------------------
# Can this machine do it? Skipped, not failed, where it cannot (a container without CAP_NET_ADMIN).

need_skip() {
  skip "p2p through NATs in network namespaces" "$1"
  finish
}
need_netns

clear_stale_namespaces "probe|inet|natA|natB|hostA|hostB"
if ! ip netns add "$NS_PREFIX-probe" 2>"$T/probe.err"; then
  need_skip "'ip netns add' fails here (no CAP_NET_ADMIN?): $(head -n 1 "$T/probe.err")"
fi
if ! ip netns exec "$NS_PREFIX-probe" iptables -t nat -A POSTROUTING -o lo -j MASQUERADE --random \
    2>"$T/probe.err"; then
  ip netns del "$NS_PREFIX-probe"
  need_skip "iptables NAT does not work in a network namespace here: $(head -n 1 "$T/probe.err")"
fi
ip netns del "$NS_PREFIX-probe"

if [ "$NETLOOM_BIN" = "$NL_REPO/bin/netloom" ] && [ ! -f "$NL_REPO/target/netloom.jar" ]; then
  fail_now "netloom is built" "$NL_REPO/target/netloom.jar is missing: build first (make build)"
fi

# ---------------------------------------------------------------------------------------------
# The world



# build_world ARGS: the namespaces, links, addresses, routes and rules; ARGS are added to natB's
# MASQUERADE rule (natA's is always the plain one)
build_world() {
  local n side lan wan
  for n in inet natA natB hostA hostB; do
    ip netns add "$(ns $n)"
    NAMESPACES+=("$(ns $n)")
    in_ns $n ip link set lo up
  done
  in_ns inet ip link add br0 type bridge
  in_ns inet ip addr add "$RV_IP/24" dev br0
  in_ns inet ip link set br0 up
  for side in A B; do
    if [ $side = A ]; then lan=10.0.1; wan=$A_WAN; else lan=10.0.2; wan=$B_WAN; fi
    # the WAN: natX's "wan" on a port of inet's bridge
    ip -n "$(ns nat$side)" link add wan type veth peer name "port$side" netns "$(ns inet)"
    in_ns inet ip link set "port$side" master br0 up
    in_ns "nat$side" ip addr add "$wan/24" dev wan
    in_ns "nat$side" ip link set wan up
    # the LAN: natX's "lan" to hostX's "eth0"
    ip -n "$(ns nat$side)" link add lan type veth peer name eth0 netns "$(ns host$side)"
    in_ns "nat$side" ip addr add "$lan.1/24" dev lan
    in_ns "nat$side" ip link set lan up
    in_ns "host$side" ip addr add "$lan.2/24" dev eth0
    in_ns "host$side" ip link set eth0 up
    in_ns "host$side" ip route add default via "$lan.1"
    in_ns "nat$side" sysctl -qw net.ipv4.ip_forward=1
    if [ $side = A ]; then
      # counters only (no target): the bytes natA lets in to hostA from natB (a direct path) and
      # from the rendezvous (control and relay), as tcpdump on natA's WAN would count them
      in_ns natA iptables -A FORWARD -i wan -s "$B_WAN"
      in_ns natA iptables -A FORWARD -i wan -s "$RV_IP"
      in_ns natA iptables -t nat -A POSTROUTING -o wan -j MASQUERADE
    else
      # shellcheck disable=SC2086
      in_ns natB iptables -t nat -A POSTROUTING -o wan -j MASQUERADE $1
    fi
    # a home router: nothing new comes in from the WAN, neither forwarded nor to the router itself
    in_ns "nat$side" iptables -A FORWARD -i wan -m conntrack --ctstate NEW -j DROP
    in_ns "nat$side" iptables -A INPUT -i wan -p tcp -m conntrack --ctstate NEW -j DROP
  done
}


# forwarded_from IP: the bytes natA forwarded from its WAN with source IP (the counter rules)
forwarded_from() {
  in_ns natA iptables-save -c -t filter \
    | sed -nE "s/^\[[0-9]+:([0-9]+)\] -A FORWARD -s $1\/32 -i wan\$/\1/p"
}



cleanup() {
  stop_all
  teardown_world
}
nl_at_exit cleanup


# home NAME: a NETLOOM_HOME of its own; a peer in a namespace listens on every address (others
# reach it through its NAT, not on 127.0.0.1) and has no LAN discovery
home() {
  local h="$T/$1"
  mkdir -p "$h"
  printf 'p2p.host=0.0.0.0\np2p.lan=false\n' >"$h/netloom.properties"
  echo "$h"
}

# without_peers LINK: the link without its peer= parameters (rv= and the others kept): a peer=
# names the seeder's private address, which no one behind another NAT can reach
without_peers() {
  local base=${1%%\?*} query param params out=""
  [[ $1 == *\?* ]] || { echo "$1"; return; }
  query=${1#*\?}
  IFS='&' read -ra params <<<"$query"
  for param in "${params[@]}"; do
    [[ $param == peer=* ]] || out+="${out:+&}$param"
  done
  echo "$base${out:+?$out}"
}

# explain SCENARIO: what each process printed and logged, and both NATs' connection tracking
# (the processes' stderr comes from lib.sh's exit trap)
explain() {
  local name f n
  for name in "get-$1" "seed-$1"; do
    for f in "$T/server-$name.out" "$T/$name/logs/netloom.0.log"; do
      [ -s "$f" ] || continue
      printf -- '--- %s (last 40 lines)\n' "${f#"$T"/}"
      tail -n 40 "$f" | sed 's/^/  /'
    done
  done
  if command -v conntrack >/dev/null 2>&1; then
    for n in natA natB; do
      printf -- '--- conntrack -L -p tcp in %s\n' "$n"
      in_ns $n conntrack -L -p tcp 2>/dev/null | sed 's/^/  /'
    done
  fi
}

head -c $((4 * 1024 * 1024)) /dev/urandom >"$T/payload.bin"
SIZE=$(wc -c <"$T/payload.bin")

# ---------------------------------------------------------------------------------------------
# One scenario: a world, the rendezvous in inet, a seeder on hostB, a downloader on hostA.

scenario() {
  local sc=$1 want masq fails_before=$NL_FAIL
  case "$sc" in
    cone) want=punched; masq="" ;;
    symmetric) want=relay; masq="--random" ;;
    *) fail_now "scenario $sc" "no such scenario (cone, symmetric)" ;;
  esac
  echo "# $sc: natB masquerades with -j MASQUERADE${masq:+ $masq}; expecting '$want 1'"
  build_world "$masq"

  local rv seed get
  rv=$(home "rv-$sc"); seed=$(home "seed-$sc"); get=$(home "get-$sc")
  start "rv-$sc" inet 120 env NETLOOM_HOME="$rv" NETLOOM_LOG=debug \
    "$NETLOOM_BIN" serve p2p-rendezvous p2p-rendezvous.host=0.0.0.0 "p2p-rendezvous.port=$RV_PORT"
  if ! wait_line "$T/server-rv-$sc.out" "^p2p-rendezvous listening on $ANY:$RV_PORT \(tcp\)" 30 "$PID"; then
    fail_now "$sc: the rendezvous starts in inet" "$(cat "$T/server-rv-$sc.out" "$T/server-rv-$sc.err")"
  fi

  start "seed-$sc" hostB 120 env NETLOOM_HOME="$seed" NETLOOM_LOG=debug \
    "$NETLOOM_BIN" p2p share "$T/payload.bin" --port "$PEER_PORT" --rendezvous "$RV_IP:$RV_PORT"
  if ! wait_line "$T/server-seed-$sc.out" '^netloom://' 60 "$PID"; then
    fail_now "$sc: the seeder on hostB prints the link" "$(cat "$T/server-seed-$sc.out" "$T/server-seed-$sc.err")"
  fi
  local link
  link=$(without_peers "$(grep -m1 '^netloom://' "$T/server-seed-$sc.out")")
  link_ok() { [[ $link == *"rv=$RV_IP:$RV_PORT"* && $link != *peer=* ]] || { echo "link: $link"; return 1; }; }
  check "$sc: the link names the rendezvous $RV_IP:$RV_PORT and no peer" link_ok

  # in the background and waited for, so a signal to the script stops it at once (the exit trap)
  local get_rc=0 began=$SECONDS line
  mkdir -p "$T/out-$sc"
  start "get-$sc" hostA $((GET_TIMEOUT + 10)) env NETLOOM_HOME="$get" NETLOOM_LOG=debug \
    "$NETLOOM_BIN" p2p get "$link" -o "$T/out-$sc" --timeout "${GET_TIMEOUT}s"
  wait "$PID" || get_rc=$?
  line=$(grep -m1 '^complete: ' "$T/server-get-$sc.out" || true)
  echo "# $sc: p2p get exited $get_rc after $((SECONDS - began)) s: ${line:-(no complete line)}"

  got_file() {
    [ "$get_rc" -eq 0 ] || { echo "p2p get exited $get_rc: $(tail -n 1 "$T/server-get-$sc.err")"; return 1; }
    cmp "$T/payload.bin" "$T/out-$sc/payload.bin"
  }
  check "$sc: p2p get on hostA exits 0 and the file is byte-identical" got_file

  came_by() {
    [[ $line =~ \(([a-z]+\ [0-9]+(,\ [a-z]+\ [0-9]+)*)\), ]] \
      || { echo "no sources in: ${line:-(no complete line)}"; return 1; }
    [ "${BASH_REMATCH[1]}" = "$want 1" ] && return 0
    echo "expected the data by '$want 1'; the complete line says: $line"
    return 1
  }
  check "$sc: the data came by $want (the complete line says '$want 1')" came_by

  # what the network saw: the file's bytes crossed natA's WAN from natB (punched) or from the
  # rendezvous (relay), and not the other way
  local from_b from_rv
  from_b=$(forwarded_from "$B_WAN"); from_rv=$(forwarded_from "$RV_IP")
  echo "# $sc: natA let in to hostA $from_b bytes from natB, $from_rv bytes from the rendezvous"
  on_wire() {
    [[ $from_b =~ ^[0-9]+$ && $from_rv =~ ^[0-9]+$ ]] || { echo "no counters: '$from_b' '$from_rv'"; return 1; }
    if [ "$want" = punched ]; then
      [ "$from_b" -ge "$SIZE" ] && [ "$from_rv" -lt $((SIZE / 16)) ] && return 0
    else
      [ "$from_rv" -ge "$SIZE" ] && [ "$from_b" -lt $((SIZE / 16)) ] && return 0
    fi
    echo "from natB: $from_b bytes, from the rendezvous: $from_rv bytes (the file: $SIZE bytes)"
    return 1
  }
  if [ "$want" = punched ]; then
    check "$sc: natA's counters: the file came from natB directly, not through the rendezvous" on_wire
  else
    check "$sc: natA's counters: the file came from the rendezvous, nothing from natB" on_wire
  fi

  [ "$NL_FAIL" -eq "$fails_before" ] || explain "$sc"
  stop_all
  teardown_world
}

for sc in "${SCENARIOS[@]}"; do scenario "$sc"; done
finish
