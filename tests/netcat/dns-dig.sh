#!/usr/bin/env bash
# `netloom dns` against a real DNS server, judged by dig: two dnsmasq instances on free high
# ports of 127.0.0.1, both started here with no config file, no upstream and no /etc/hosts: one
# serving test records (A, AAAA, MX, TXT with escapes and several strings, a CNAME chain, SRV,
# PTR, a TXT set too big for one UDP answer, NXDOMAIN for other names under test.), one
# authoritative for the zone test. (SOA, NS, NXDOMAIN with the SOA in the authority section).
# For each query, `netloom dns ... +short` must print exactly what `dig +short` prints and
# exit 0; the full output must have dig's section headers, status and the same answer records;
# NXDOMAIN and REFUSED exit 1; +tcp and the truncated-UDP retry in TCP work; a port where
# nothing answers gives dig's message and exit 1. dnsmasq is killed by the exit trap.
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for t in dnsmasq dig; do
  command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] ||
    { echo "$NL_SCRIPT: $t is needed: run tests/ensure-tools.sh" >&2; exit 2; }
done
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)


# start_dnsmasq NAME ARG...: dnsmasq in the foreground on a free port; sets PORT_<NAME>
start_dnsmasq() {
  local name=$1 port; shift
  port=$(free_port)
  "$DNSMASQ" --keep-in-foreground --no-resolv --no-hosts --conf-file=/dev/null --port="$port" \
    --listen-address=127.0.0.1 --bind-interfaces --pid-file="$T/$name.pid" \
    --user="$(id -un)" --group="$(id -gn)" "$@" </dev/null >"$T/server-$name.err" 2>&1 &
  nl_helper $!
  local deadline=$((SECONDS + 10))
  until dig @127.0.0.1 -p "$port" +time=1 +tries=1 ping.invalid >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || fail_now "dnsmasq ($name) starts on port $port" "$(cat "$T/server-$name.err")"
    sleep 0.1
  done
  printf -v "PORT_$name" '%s' "$port"
}

big=()
for i in 00 01 02 03 04 05 06 07 08 09 10 11; do
  big+=("--txt-record=big.test,$(printf "$i%.0s" {1..100})")
done
start_dnsmasq plain --local=/test/ \
  --host-record=host.test,192.0.2.1,2001:db8::1 --host-record=mail.test,192.0.2.25 \
  --mx-host=test,mail.test,10 --mx-host=test,mail2.test,20 \
  --txt-record='txt.test,v=spf1 -all' --txt-record=multi.test,first,second \
  --txt-record='esc.test,say "hi" \ bye' \
  --cname=www.test,host.test --cname=alias.test,www.test \
  --srv-host=_sip._udp.test,sip.test,5060,0,5 --ptr-record=1.2.0.192.in-addr.arpa,host.test "${big[@]}"
start_dnsmasq auth --auth-server=ns.test,127.0.0.1 --auth-zone=test \
  --auth-soa=2026113001,hostmaster.test,1200,180,1209600 --host-record=host.test,192.0.2.1
# shellcheck disable=SC2154  # set by start_dnsmasq through printf -v
plain=$PORT_plain auth=$PORT_auth

# same_short PORT NAME [TYPE...]: netloom's +short output equals dig's byte for byte, exit 0
same_short() {
  local port=$1 name=$2; shift 2
  local dig_args=("$name") rc=0
  # dig needs -x for an address; ours sees the address itself
  if [[ $name =~ ^[0-9.]+$|: ]]; then dig_args=(-x "$name"); fi
  timeout 20 dig @127.0.0.1 -p "$port" "${dig_args[@]}" "$@" +short >"$T/dig.out" 2>&1 || true
  timeout 20 "$NETLOOM_BIN" dns "$name" "$@" "@127.0.0.1:$port" +short >"$T/ours.out" 2>&1 || rc=$?
  same_bytes "$T/dig.out" "$T/ours.out" || return 1
  [ "$rc" -eq 0 ] || { echo "exit $rc, expected 0"; return 1; }
}

# answers FILE: the answer section's records, one a line
answers() { sed -n '/^;; ANSWER SECTION:$/,/^$/p' "$1" | sed '1d;/^$/d'; }

# same_full PORT NAME TYPE STATUS CODE: the full output has dig's headers, STATUS, the answer
# records dig prints, and the exit code CODE
same_full() {
  local port=$1 name=$2 type=$3 status=$4 code=$5 rc=0 h
  timeout 20 dig @127.0.0.1 -p "$port" "$name" "$type" >"$T/dig.out" 2>&1 || true
  timeout 20 "$NETLOOM_BIN" dns "$name" "$type" "@127.0.0.1:$port" >"$T/ours.out" 2>&1 || rc=$?
  for h in ';; ->>HEADER<<- opcode: QUERY, status: '"$status"', id: ' ';; flags: qr' ';; QUESTION SECTION:' \
           ';; Query time: ' ";; SERVER: 127.0.0.1#$port(127.0.0.1) (UDP)" ';; MSG SIZE  rcvd: '; do
    grep -qF -- "$h" "$T/ours.out" || { echo "no line with: $h"; cat "$T/ours.out"; return 1; }
  done
  if grep -q '^;; ANSWER SECTION:' "$T/dig.out"; then
    grep -q '^;; ANSWER SECTION:' "$T/ours.out" || { echo "no ANSWER SECTION"; cat "$T/ours.out"; return 1; }
  fi
  same_bytes <(answers "$T/dig.out" | sort) <(answers "$T/ours.out" | sort) || return 1
  [ "$rc" -eq "$code" ] || { echo "exit $rc, expected $code"; return 1; }
}

check "A: +short as dig"                    same_short "$plain" host.test
check "AAAA: +short as dig"                 same_short "$plain" host.test AAAA
check "MX: +short as dig"                   same_short "$plain" test MX
check "TXT: +short as dig"                  same_short "$plain" txt.test TXT
check "TXT with two strings"                same_short "$plain" multi.test TXT
check "TXT with quotes and a backslash"     same_short "$plain" esc.test TXT
check "CNAME chain then A"                  same_short "$plain" alias.test A
check "CNAME"                               same_short "$plain" www.test CNAME
check "SRV"                                 same_short "$plain" _sip._udp.test SRV
check "PTR from an IPv4 address"            same_short "$plain" 192.0.2.1
check "PTR from an IPv6 address"            same_short "$plain" 2001:db8::1
check "ANY"                                 same_short "$plain" host.test ANY
check "TXT too big for UDP: TCP retry"      same_short "$plain" big.test TXT
check "TXT over +tcp"                       same_short "$plain" txt.test TXT +tcp
check "SOA (authoritative)"                 same_short "$auth" test SOA
check "NS (authoritative)"                  same_short "$auth" test NS
check "full: CNAME chain"                   same_full "$plain" alias.test A NOERROR 0
check "full: MX"                            same_full "$plain" test MX NOERROR 0
check "full: NXDOMAIN exits 1"              same_full "$plain" nope.test A NXDOMAIN 1
check "full: NXDOMAIN with the SOA"         same_full "$auth" nope.test A NXDOMAIN 1
check "full: REFUSED exits 1"               same_full "$plain" example.com A REFUSED 1

nxdomain_short() {
  local rc=0 out
  out=$(timeout 20 "$NETLOOM_BIN" dns nope.test "@127.0.0.1:$plain" +short 2>&1) || rc=$?
  if [ -n "$out" ] || [ "$rc" -ne 1 ]; then echo "expected no output and exit 1, got exit $rc: $out"; return 1; fi
}
check "NXDOMAIN +short: nothing printed, exit 1" nxdomain_short

truncated_full() {
  timeout 20 "$NETLOOM_BIN" dns big.test TXT "@127.0.0.1:$plain" >"$T/ours.out" 2>&1 || return 1
  contains "$T/ours.out" '^;; Truncated, retrying in TCP mode\.$' && contains "$T/ours.out" '\(TCP\)$'
}
check "full: the TCP retry is announced as dig does" truncated_full

no_server() {
  local port rc=0
  port=$(free_port)
  timeout 20 "$NETLOOM_BIN" dns host.test "@127.0.0.1:$port" +time=1 +tries=1 >"$T/ours.out" 2>&1 || rc=$?
  [ "$rc" -eq 1 ] || { echo "exit $rc, expected 1"; return 1; }
  contains "$T/ours.out" '^;; no servers could be reached$'
}
check "nothing listening: dig's message, exit 1" no_server

usage_two() {
  local rc=0
  "$NETLOOM_BIN" dns host.test +nosuchoption >/dev/null 2>&1 || rc=$?
  [ "$rc" -eq 2 ] || { echo "exit $rc, expected 2"; return 1; }
}
check "an unknown +option exits 2" usage_two

finish
