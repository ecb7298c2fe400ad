#!/usr/bin/env bash
# `netloom monitor analyze FILE --json` against tshark on a capture with real packet loss: network
# namespaces joined by veth pairs, iptables dropping a random share of the packets to and from
# the server's port, and HTTP downloads across it captured by tcpdump.
#
#   cli 10.9.0.1/24 ---- 10.9.0.254 rtr 10.9.1.254 ---- srv 10.9.1.2/24
#   tcpdump -s 128 on eth0, curl                        python3 -m http.server 8080
#   srv: INPUT   -p tcp --dport 8080 -m statistic --mode random --probability NL_LOSS_P     -j DROP
#   rtr: FORWARD -p tcp --sport 8080 -m statistic --mode random --probability NL_LOSS_P_OUT -j DROP
#
# The server's packets are dropped on the way (rtr), not in srv's OUTPUT: a packet dropped there is
# an error to srv's TCP, which just sends the segment again, and the wire shows next to no loss.
# The capture is made in cli, so the server's dropped data never reaches it (lost segments,
# duplicate ACKs with SACK, out-of-order and fast retransmissions), while what srv drops of cli's
# ACKs and requests was captured (retransmissions, spurious ones, of data already acknowledged).
# Offloads are off on every veth end (ethtool -K tso/gso/gro off, and gso_max_segs 1, as TCP
# builds GSO packets regardless) so drops and capture see wire-sized segments.
# Traffic: one NL_LOSS_MB MiB download and three 64 KiB ones (two of them during the big one),
# each on a connection of its own (http.server speaks HTTP/1.0).
#
# tshark is the judge, on the same file: the frame count (`tshark -r F`), each TCP conversation's
# frames (`-z conv,tcp`, matched by the unordered address:port pair) and, for each of
# tcp.analysis.{retransmission, fast_retransmission, spurious_retransmission, out_of_order,
# lost_segment, ack_lost_segment, duplicate_ack, zero_window, zero_window_probe,
# zero_window_probe_ack, keep_alive, keep_alive_ack, window_update, window_full}, the frames
# `tshark -r F -Y FIELD` shows; netloom's `packets`, `conversations` (protocol "tcp",
# framesAtoB + framesBtoA) and `tcpTotals` must equal them. The table of both is printed always;
# on a difference the capture is kept as /tmp/monitor-loss-<pid>.pcap. A capture without a single
# retransmission proves nothing: the transfer is then made once more with three times the drop
# probabilities, and the test fails if that has none either.
#
# Needs root (CAP_NET_ADMIN, `ip netns add`), iptables with the statistic match (installed with
# apt-get when missing and possible), tcpdump, tshark, curl and python3 (tests/ensure-tools.sh),
# ethtool (installed when missing; without it the offloads stay as they are, with a note), and a
# built netloom (make build); skipped with a message where the machine cannot. Every process is
# bounded by `timeout`; the exit trap stops them and deletes the namespaces, also on failure or a
# signal. About 15-25 s with the defaults (the transfer, then tshark's passes over the file).
#
#   tests/netns/monitor-loss.sh
#   NL_LOSS_MB=20           size of the big download in MiB
#   NL_LOSS_P=0.03          share of the packets to the server's port that srv drops
#   NL_LOSS_P_OUT=0.02      share of the packets from the server's port that rtr drops
#   NL_LOSS_TIMEOUT=40      seconds for the big download
#   NL_LOSS_KEEP=1          keep the capture in /tmp/monitor-loss-<pid>.pcap even when all passed
#   NETLOOM_BIN=...         the launcher to test (default: <repo>/bin/netloom)
# shellcheck source=../netcat/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../netcat/lib.sh"
# shellcheck source=lib.bash
. "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

LOSS_MB=${NL_LOSS_MB:-20}
P_IN=${NL_LOSS_P:-0.03}
P_OUT=${NL_LOSS_P_OUT:-0.02}
XFER_TIMEOUT=${NL_LOSS_TIMEOUT:-40}
NS_PREFIX="nl$$"  # namespaces nl<pid>-cli, nl<pid>-srv: a run of its own
CLI_IP=10.9.0.1
CLI_GW=10.9.0.254
SRV_IP=10.9.1.2
SRV_GW=10.9.1.254
PORT=8080
PCAP="$T/loss.pcap"
KEEP="/tmp/monitor-loss-$$.pcap"
# the fields compared, Wireshark's names without "tcp.analysis." (netloom's tcpTotals keys)
FIELDS=(retransmission fast_retransmission spurious_retransmission out_of_order lost_segment
  ack_lost_segment duplicate_ack zero_window zero_window_probe zero_window_probe_ack keep_alive
  keep_alive_ack window_update window_full)

# ---------------------------------------------------------------------------------------------
# Can this machine do it? Skipped, not failed, where it cannot (a container without CAP_NET_ADMIN).

need_skip() {
  skip "monitor analyze against tshark on a lossy capture in network namespaces" "$1"
  finish
}
need_netns
for tool in tcpdump tshark curl python3; do
  command -v "$tool" >/dev/null 2>&1 || need_skip "no $tool: run tests/ensure-tools.sh"
done

if ! command -v ethtool >/dev/null 2>&1 && ! apt_install ethtool; then
  echo "# note: no ethtool (apt-get install ethtool failed or is unavailable); offloads stay as they are"
fi
HAVE_ETHTOOL=false
command -v ethtool >/dev/null 2>&1 && HAVE_ETHTOOL=true

clear_stale_namespaces "probe|cli|rtr|srv"
if ! ip netns add "$NS_PREFIX-probe" 2>"$T/probe.err"; then
  need_skip "'ip netns add' fails here (no CAP_NET_ADMIN?): $(head -n 1 "$T/probe.err")"
fi
if ! ip netns exec "$NS_PREFIX-probe" iptables -A INPUT -p tcp --dport "$PORT" \
    -m statistic --mode random --probability 0.5 -j DROP 2>"$T/probe.err"; then
  ip netns del "$NS_PREFIX-probe"
  need_skip "iptables' statistic match does not work in a network namespace here: $(head -n 1 "$T/probe.err")"
fi
ip netns del "$NS_PREFIX-probe"

if [ "$NETLOOM_BIN" = "$NL_REPO/bin/netloom" ] && [ ! -f "$NL_REPO/target/netloom.jar" ]; then
  fail_now "netloom is built" "$NL_REPO/target/netloom.jar is missing: run make build"
fi

# ---------------------------------------------------------------------------------------------
# The world



# build_world P_IN P_OUT: cli - rtr - srv joined by veth pairs, offloads off, the drop rules
build_world() {
  local n dev
  for n in cli rtr srv; do
    ip netns add "$(ns $n)"
    NAMESPACES+=("$(ns $n)")
    in_ns $n ip link set lo up
  done
  ip -n "$(ns cli)" link add eth0 type veth peer name cli netns "$(ns rtr)"
  ip -n "$(ns srv)" link add eth0 type veth peer name srv netns "$(ns rtr)"
  in_ns cli ip addr add "$CLI_IP/24" dev eth0
  in_ns rtr ip addr add "$CLI_GW/24" dev cli
  in_ns rtr ip addr add "$SRV_GW/24" dev srv
  in_ns srv ip addr add "$SRV_IP/24" dev eth0
  for n in cli:eth0 rtr:cli rtr:srv srv:eth0; do
    dev=${n#*:}; n=${n%%:*}
    if $HAVE_ETHTOOL; then
      in_ns "$n" ethtool -K "$dev" tso off gso off gro off >/dev/null 2>"$T/ethtool.err" \
        || echo "# note: ethtool -K $dev in $n: $(head -n 1 "$T/ethtool.err")"
    fi
    # TCP builds GSO packets of up to 64 KiB even when the device has gso off (segmented in
    # software on the way out): one segment a packet
    ip -n "$(ns "$n")" link set "$dev" gso_max_segs 1 2>"$T/gso.err" \
      || echo "# note: ip link set $dev gso_max_segs 1 in $n: $(head -n 1 "$T/gso.err")"
    in_ns "$n" ip link set "$dev" up
  done
  in_ns cli ip route add default via "$CLI_GW"
  in_ns srv ip route add default via "$SRV_GW"
  in_ns rtr sysctl -qw net.ipv4.ip_forward=1
  # cli's packets to the server's port: after the capture, before the server
  in_ns srv iptables -A INPUT -p tcp --dport "$PORT" -m statistic --mode random --probability "$1" -j DROP
  # the server's packets: before the capture. Not in srv's OUTPUT: a packet dropped there is an
  # error to srv's TCP, which sends the segment again at once, and the wire shows no loss.
  in_ns rtr iptables -A FORWARD -p tcp --sport "$PORT" -m statistic --mode random --probability "$2" -j DROP
}


# dropped: the packets the two rules dropped, "to the server/from it"
dropped() {
  local n
  for n in srv rtr; do
    in_ns $n iptables-save -c -t filter | sed -nE 's/^\[([0-9]+):[0-9]+\] -A (INPUT|FORWARD) .*-j DROP$/\1/p'
  done | paste -sd/ -
}




keep_pcap() {  # on a failure (or NL_LOSS_KEEP=1), the capture outlives $T
  if [ -s "$PCAP" ] && { [ "$NL_FAIL" -gt 0 ] || [ "${NL_LOSS_KEEP:-0}" = 1 ]; }; then
    cp "$PCAP" "$KEEP" && echo "# the capture is kept in $KEEP"
  fi
}

cleanup() {
  stop_all
  teardown_world
  keep_pcap
}
nl_at_exit cleanup


mkdir -p "$T/www"
head -c $((LOSS_MB * 1024 * 1024)) /dev/urandom >"$T/www/big.bin"
head -c $((64 * 1024)) /dev/urandom >"$T/www/small.bin"

# ---------------------------------------------------------------------------------------------
# The capture: capture P_IN P_OUT makes $PCAP afresh in a world of its own

capture() {
  local began=$SECONDS srv tcpd big rc=0 i
  rm -f "$PCAP" "$T"/got-*.bin
  echo "# capture: dropping $1 of the packets to port $PORT and $2 of those from it; ${LOSS_MB} MiB"
  build_world "$1" "$2"

  start http srv $((XFER_TIMEOUT + 60)) python3 -u -m http.server "$PORT" --bind "$SRV_IP" \
    --directory "$T/www"
  srv=$PID
  wait_line "$T/server-http.out" "^Serving HTTP on " 20 "$srv" \
    || fail_now "python3 -m http.server starts in srv" "$(cat "$T/server-http.out" "$T/server-http.err")"

  start tcpdump cli $((XFER_TIMEOUT + 60)) tcpdump -n -i eth0 -s 128 -B 16384 -w "$PCAP"
  tcpd=$PID
  wait_line "$T/server-tcpdump.err" "listening on eth0" 20 "$tcpd" \
    || fail_now "tcpdump starts in cli" "$(cat "$T/server-tcpdump.err")"

  fetch() {  # fetch NAME FILE SECS: curl in cli, its output in $T/got-NAME.bin
    in_ns cli timeout -k 5 "$3" curl -sS --max-time "$3" -o "$T/got-$1.bin" \
      "http://$SRV_IP:$PORT/$2" </dev/null 2>>"$T/server-curl.err"
  }
  fetch small1 small.bin 20 || rc=$?
  start curl-big cli "$XFER_TIMEOUT" curl -sS --max-time "$XFER_TIMEOUT" -o "$T/got-big.bin" \
    "http://$SRV_IP:$PORT/big.bin"
  big=$PID
  sleep 0.3
  for i in 2 3; do fetch "small$i" small.bin 20 || rc=$?; done
  wait "$big" || rc=$?
  stop "$big" TERM
  echo "# capture: the downloads took $((SECONDS - began)) s (curl's last status $rc); dropped $(dropped) (to/from the server)"

  sleep 0.5  # the last FIN's ACK
  stop "$tcpd" INT
  stop_all
  teardown_world
  sed -nE 's/^/# tcpdump: /; /packets (captured|dropped by kernel)/p' "$T/server-tcpdump.err"

  all_fetched() {
    local f ok=0
    for f in small1 small2 small3; do
      cmp "$T/www/small.bin" "$T/got-$f.bin" || ok=1
    done
    cmp "$T/www/big.bin" "$T/got-big.bin" || ok=1
    [ "$ok" -eq 0 ] || { cat "$T/server-curl.err" 2>/dev/null; return 1; }
  }
  check "capture: the four downloads arrive byte-identical through the lossy link" all_fetched
}

# tshark_count FIELD: sets COUNT to the frames `tshark -Y FIELD` shows (FIELD empty: all of them)
tshark_count() {
  local rc=0
  timeout 120 tshark -r "$PCAP" ${1:+-Y "$1"} -T fields -e frame.number \
    >"$T/tshark.out" 2>"$T/tshark.err" || rc=$?
  [ "$rc" -eq 0 ] || fail_now "tshark -r loss.pcap${1:+ -Y $1}" "exit $rc: $(head -n 5 "$T/tshark.err")"
  COUNT=$(wc -l <"$T/tshark.out")
}

# lossy_capture P_IN P_OUT: a capture; sets FRAMES and RETRANS from tshark
lossy_capture() {
  capture "$1" "$2"
  FRAMES=0
  [ ! -s "$PCAP" ] || { tshark_count ""; FRAMES=$COUNT; }
  has_packets() { [ "$FRAMES" -gt 0 ] || { echo "no packets in the capture"; return 1; }; }
  check "capture: tcpdump in cli wrote a file with packets ($FRAMES)" has_packets
  [ "$FRAMES" -gt 0 ] || finish
  tshark_count tcp.analysis.retransmission
  RETRANS=$COUNT
}

lossy_capture "$P_IN" "$P_OUT"
if [ "$RETRANS" -eq 0 ]; then
  echo "# no retransmission in the capture: once more with three times the drop probabilities"
  P_IN=$(python3 -c "print(min(0.5, 3 * $P_IN))")
  P_OUT=$(python3 -c "print(min(0.5, 3 * $P_OUT))")
  lossy_capture "$P_IN" "$P_OUT"
fi
lossy() {
  [ "$RETRANS" -gt 0 ] && return 0
  echo "tshark finds no tcp.analysis.retransmission: the capture has no loss, so comparing proves nothing"
  return 1
}
check "capture: it has real loss (tshark: $RETRANS tcp.analysis.retransmission)" lossy
[ "$RETRANS" -gt 0 ] || finish

# ---------------------------------------------------------------------------------------------
# The judge and the judged

# One pass for all the fields: -z io,stat with interval 0 (the whole file) and a column per field
# counts the frames each display filter matches, the frames `tshark -r F -Y FIELD` would show
# (checked on the way: its retransmission column must be the count made with -Y above).
began=$SECONDS
iostat=io,stat,0
for f in "${FIELDS[@]}"; do iostat+=",tcp.analysis.$f"; done
rc=0
timeout 120 tshark -r "$PCAP" -q -z "$iostat" >"$T/tshark.iostat" 2>"$T/tshark.err" || rc=$?
[ "$rc" -eq 0 ] || fail_now "tshark -r loss.pcap -q -z io,stat,0,..." "exit $rc: $(head -n 5 "$T/tshark.err")"
# the row "| 0.000 <> 0.615 |  frames |  bytes |  frames |  bytes | ...": the frames columns
read -ra cols <<<"$(sed -nE 's/^\|[^|]*<>[^|]*\|(.*)\|$/\1/p' "$T/tshark.iostat" | tail -n 1 | tr -d '|')"
[ "${#cols[@]}" -eq $((2 * ${#FIELDS[@]})) ] \
  || fail_now "tshark -z io,stat gives a frame count per field" "$(cat "$T/tshark.iostat")"
echo "frames $FRAMES" >"$T/tshark.counts"
for i in "${!FIELDS[@]}"; do echo "${FIELDS[$i]} ${cols[$((2 * i))]}" >>"$T/tshark.counts"; done
[ "${cols[0]}" = "$RETRANS" ] || fail_now "tshark -z io,stat counts as tshark -Y does" \
  "io,stat: ${cols[0]} tcp.analysis.retransmission, -Y: $RETRANS"
rc=0
timeout 120 tshark -r "$PCAP" -q -z conv,tcp >"$T/tshark.conv" 2>"$T/tshark.err" || rc=$?
[ "$rc" -eq 0 ] || fail_now "tshark -r loss.pcap -q -z conv,tcp" "exit $rc: $(head -n 5 "$T/tshark.err")"
echo "# tshark: $((SECONDS - began)) s for its two more passes over the file (io,stat and conv,tcp)"

began=$SECONDS
rc=0
timeout 120 "$NETLOOM_BIN" monitor analyze "$PCAP" --json >"$T/netloom.json" 2>"$T/server-netloom.err" || rc=$?
echo "# netloom: monitor analyze --json took $((SECONDS - began)) s, exit $rc"
[ "$rc" -eq 0 ] || fail_now "netloom monitor analyze loss.pcap --json exits 0" \
  "exit $rc: $(tail -n 20 "$T/server-netloom.err")"

# compare.py: prints the table and writes the groups that differ (packets, conversations, tcp)
# to $T/diffs, each followed by its differing rows
cat >"$T/compare.py" <<'EOF'
import json, re, sys
counts_f, conv_f, json_f, diffs_f = sys.argv[1:5]
fields = sys.argv[5:]
ts = {}
for line in open(counts_f):
    k, v = line.split()
    ts[k] = int(v)
# tshark -z conv,tcp rows: "A:port <-> B:port  frames bytes unit  frames bytes unit  frames ..."
tconv = {}
row = re.compile(r'^(\S+):(\d+)\s+<->\s+(\S+):(\d+)\s+(.*)$')
for line in open(conv_f):
    m = row.match(line.strip())
    if not m:
        continue
    rest = m.group(5).split()
    nums = [t for t in rest if re.fullmatch(r'[\d,]+', t)]
    # frames <-, bytes <-, frames ->, bytes ->, frames total (units such as "kB" skipped)
    key = frozenset([(m.group(1), int(m.group(2))), (m.group(3), int(m.group(4)))])
    tconv[key] = tconv.get(key, 0) + int(nums[4].replace(',', ''))
try:
    nl = json.load(open(json_f))
except Exception as e:
    print(f"netloom's output is not JSON: {e}")
    open(diffs_f, "w").write("packets\n  not JSON\nconversations\n  not JSON\ntcp\n  not JSON\n")
    sys.exit(0)
def addr(a):
    return str(a).lstrip('/').strip('[]')
nconv = {}
for c in nl.get('conversations') or []:
    if c.get('protocol') != 'tcp':
        continue
    key = frozenset([(addr(c['addressA']), int(c['portA'])), (addr(c['addressB']), int(c['portB']))])
    nconv[key] = nconv.get(key, 0) + int(c['framesAtoB']) + int(c['framesBtoA'])
totals = nl.get('tcpTotals') or {}
rows = []  # (group, name, tshark, netloom)
rows.append(('packets', 'packets (frames)', ts['frames'], nl.get('packets')))
rows.append(('conversations', 'tcp conversations', len(tconv), len(nconv)))
def name(key):
    (a, pa), (b, pb) = sorted(key, key=lambda e: (e[0] != '10.9.0.1', e))
    return f'  frames {a}:{pa} <-> {b}:{pb}'
for key in sorted(set(tconv) | set(nconv), key=name):
    rows.append(('conversations', name(key), tconv.get(key), nconv.get(key)))
for f in fields:
    rows.append(('tcp', 'tcp.analysis.' + f, ts[f], totals.get(f)))
w = max(len(r[1]) for r in rows)
print(f"# {'':{w}}  {'tshark':>8}  {'netloom':>8}")
bad = {}
for g, n, t, v in rows:
    ok = t is not None and v is not None and t == v
    show = lambda x: '-' if x is None else str(x)
    line = f"{n:{w}}  {show(t):>8}  {show(v):>8}  {'ok' if ok else 'DIFF'}"
    print('# ' + line)
    if not ok:
        bad.setdefault(g, []).append(line)
with open(diffs_f, 'w') as out:
    for g, lines in bad.items():
        out.write(g + '\n')
        for line in lines:
            out.write('  ' + line + '\n')
EOF
python3 "$T/compare.py" "$T/tshark.counts" "$T/tshark.conv" "$T/netloom.json" "$T/diffs" "${FIELDS[@]}"

# same GROUP: no row of GROUP differs (prints the ones that do)
same() {
  awk -v g="$1" '/^[^ ]/ { on = ($0 == g); next } on' "$T/diffs" | grep . && return 1
  return 0
}
check "packets: netloom's count is tshark's frame count" same packets
check "conversations: the same tcp conversations, each with tshark's frame count" same conversations
check "tcpTotals: every tcp.analysis count is tshark's" same tcp
finish
