#!/usr/bin/env bash
# Makes sure the command-line tools the interop tests in tests/netcat/ need are present:
#   nc    from netcat-openbsd (the OpenBSD variant: -N, -u, -w, -q; the traditional and the
#         nmap ncat differ in exactly those flags)
#   curl
#   openssl (s_client against chat-tls; s_server behind the proxy's CONNECT in proxy-curl.sh)
#   redis-cli and redis-benchmark from redis-tools (kv-redis-cli.sh and kv-benchmark.sh against
#         the kv service)
#   redis-server (KvCommands7Test runs its script against a real redis-server 7.0 as the judge;
#         started on a free port by the test, never the package's service)
#   dig from bind9-dnsutils and dnsmasq from dnsmasq-base (dns-dig.sh: a real DNS server and
#         dig as the judge); dnsmasq-base is the binary alone, without the Debian service that
#         the dnsmasq package would start on port 53
#   lftp (ftp-clients.sh: mirror both ways against the ftp service)
#   socat (tcp-proxy.sh: 1 GiB through the tcp-proxy and back)
#   wrk (lb.sh: load on the lb while the shell adds, reweights, drains and removes servers;
#         admin-prometheus.sh: the load whose rate Prometheus must see)
#   swaks and libnet-ssleay-perl (smtp-clients.sh: plain, pipelined, STARTTLS and AUTH sessions
#         against the smtp service; swaks does --tls only with Net::SSLeay, a Recommends that
#         --no-install-recommends leaves out)
#   promtool and prometheus from prometheus (AdminServiceTest: promtool check metrics judges
#         /metrics; admin-prometheus.sh runs a Prometheus server of its own on a free loopback port,
#         never the package's service)
#   tcpdump, tshark and libpcap0.8 (the monitor's tests: libpcap is what it captures with, and
#         tcpdump and tshark judge its decoding, its files and its analysis)
#   chromium and chromium-driver (DashboardBrowserTest, through dev.netloom.testing.Browser:
#         Selenium 4 drives Debian's headless chromium with /usr/bin/chromedriver, the driver
#         built for that same chromium, so no driver is downloaded at test time)
#   tclsh from tcl (tests/redis-suite.sh: Redis's own test suite, written in Tcl, judges the kv
#         service; redis-suite.sh installs redis-server for its baseline itself, through
#         bench/lib.bash, as bench/kv.sh does, so that CI does not get the Debian service)
#   python3 (optional: only reported when missing; proxy-curl.sh skips its urllib and upload-sink
#         checks without it)
#   node and npm (optional: only reported when missing; rest-json-server.sh installs json-server
#         0.17.4 with npm into a cache of its own and compares it with the rest service, and skips
#         without them or without the network)
# When something required is missing and we are root (or have passwordless sudo) and apt-get
# exists, it runs `apt-get update` once and installs the Debian packages; otherwise it prints
# what to install and exits 1. Quiet and idempotent when everything is present.
set -euo pipefail

# The OpenBSD nc identifies itself in its usage text ("OpenBSD netcat (Debian patchlevel ...)")
# and documents -N; both go to stderr and it exits non-zero on -h, hence the `|| true`.
is_openbsd_nc() {
  local bin="$1" help
  command -v "$bin" >/dev/null 2>&1 || return 1
  help=$("$bin" -h 2>&1 </dev/null || true)
  grep -q 'OpenBSD netcat' <<<"$help" && grep -q -- '-N' <<<"$help"
}

have_nc() { is_openbsd_nc nc || is_openbsd_nc nc.openbsd; }

missing_pkgs=()
have_nc || missing_pkgs+=(netcat-openbsd)
command -v curl >/dev/null 2>&1 || missing_pkgs+=(curl)
command -v openssl >/dev/null 2>&1 || missing_pkgs+=(openssl)
# Both come from one Debian package; ask for it once even when both are missing.
if ! command -v redis-cli >/dev/null 2>&1 || ! command -v redis-benchmark >/dev/null 2>&1; then
  missing_pkgs+=(redis-tools)
fi

[ -x /usr/bin/redis-server ] || missing_pkgs+=(redis-server)
command -v dig >/dev/null 2>&1 || missing_pkgs+=(bind9-dnsutils)
command -v lftp >/dev/null 2>&1 || missing_pkgs+=(lftp)
command -v tclsh >/dev/null 2>&1 || missing_pkgs+=(tcl)
command -v socat >/dev/null 2>&1 || missing_pkgs+=(socat)
command -v wrk >/dev/null 2>&1 || missing_pkgs+=(wrk)
command -v swaks >/dev/null 2>&1 || missing_pkgs+=(swaks)
perl -MNet::SSLeay -e 1 >/dev/null 2>&1 || missing_pkgs+=(libnet-ssleay-perl)
command -v dnsmasq >/dev/null 2>&1 || [ -x /usr/sbin/dnsmasq ] || missing_pkgs+=(dnsmasq-base)
command -v tcpdump >/dev/null 2>&1 || [ -x /usr/bin/tcpdump ] || missing_pkgs+=(tcpdump)
command -v tshark >/dev/null 2>&1 || missing_pkgs+=(tshark)
command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 || missing_pkgs+=(prometheus)
[ -x /usr/bin/chromium ] || missing_pkgs+=(chromium)
[ -x /usr/bin/chromedriver ] || missing_pkgs+=(chromium-driver)
ldconfig -p 2>/dev/null | grep -q 'libpcap\.so\.0\.8' || [ -e /usr/lib/x86_64-linux-gnu/libpcap.so.0.8 ] ||
  missing_pkgs+=(libpcap0.8)

if [ "${#missing_pkgs[@]}" -gt 0 ]; then
  sudo_cmd=()
  can_install=false
  if command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
      can_install=true
    elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
      can_install=true
      sudo_cmd=(sudo -n)
    fi
  fi
  if ! $can_install; then
    echo "ensure-tools: missing: ${missing_pkgs[*]}" >&2
    echo "ensure-tools: install with: sudo apt-get install -y --no-install-recommends ${missing_pkgs[*]}" >&2
    echo "ensure-tools: (on other systems: the OpenBSD netcat, e.g. 'brew install netcat' or" \
         "'dnf install netcat', curl, openssl, and redis-cli + redis-benchmark, e.g." \
         "'brew install redis' or 'dnf install redis')" >&2
    exit 1
  fi
  echo "ensure-tools: installing ${missing_pkgs[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  # apt's chatter (debconf notes etc.) goes to the log, shown only when something fails.
  if ! "${sudo_cmd[@]}" apt-get update -qq >"$log" 2>&1; then
    cat "$log" >&2
    echo "ensure-tools: apt-get update failed" >&2
    exit 1
  fi
  # Install all of them, as documented; apt-get leaves what is already there alone.
  all_pkgs=(netcat-openbsd curl openssl redis-tools redis-server bind9-dnsutils dnsmasq-base lftp socat wrk swaks libnet-ssleay-perl
    tcpdump tshark libpcap0.8 prometheus chromium chromium-driver tcl)
  if ! "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${all_pkgs[@]}" >"$log" 2>&1; then
    cat "$log" >&2
    echo "ensure-tools: apt-get install ${all_pkgs[*]} failed" >&2
    exit 1
  fi
fi

# Check again: an installed package is not proof that `nc` on PATH is the OpenBSD one
# (an alternatives link may still point at netcat-traditional or ncat).
if ! have_nc; then
  echo "ensure-tools: 'nc' is not the OpenBSD netcat (needs -N, -u, -w, -q): install" \
       "netcat-openbsd and make it the nc alternative (update-alternatives --config nc)" >&2
  exit 1
fi
if ! command -v curl >/dev/null 2>&1; then
  echo "ensure-tools: curl is still missing: install curl" >&2
  exit 1
fi
for t in tcpdump tshark promtool prometheus chromium chromedriver; do
  if ! command -v "$t" >/dev/null 2>&1 && [ ! -x "/usr/bin/$t" ]; then
    echo "ensure-tools: $t is still missing: install $t (promtool, prometheus: the prometheus package; chromedriver: chromium-driver)" >&2
    exit 1
  fi
done
for t in redis-cli redis-benchmark; do
  if ! command -v "$t" >/dev/null 2>&1; then
    echo "ensure-tools: $t is still missing: install redis-tools" >&2
    exit 1
  fi
done
command -v dig >/dev/null 2>&1 || { echo "ensure-tools: dig is still missing: install bind9-dnsutils" >&2; exit 1; }
command -v lftp >/dev/null 2>&1 || { echo "ensure-tools: lftp is still missing: install lftp" >&2; exit 1; }
command -v tclsh >/dev/null 2>&1 || { echo "ensure-tools: tclsh is still missing: install tcl" >&2; exit 1; }
command -v socat >/dev/null 2>&1 || { echo "ensure-tools: socat is still missing: install socat" >&2; exit 1; }
command -v wrk >/dev/null 2>&1 || { echo "ensure-tools: wrk is still missing: install wrk" >&2; exit 1; }
command -v swaks >/dev/null 2>&1 || { echo "ensure-tools: swaks is still missing: install swaks" >&2; exit 1; }
perl -MNet::SSLeay -e 1 >/dev/null 2>&1 || { echo "ensure-tools: Net::SSLeay is still missing (swaks --tls): install libnet-ssleay-perl" >&2; exit 1; }
if ! command -v dnsmasq >/dev/null 2>&1 && [ ! -x /usr/sbin/dnsmasq ]; then
  echo "ensure-tools: dnsmasq is still missing: install dnsmasq-base" >&2
  exit 1
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "ensure-tools: note: python3 not found (optional; some tests are skipped without it)" >&2
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "ensure-tools: note: node or npm not found (optional; rest-json-server.sh is skipped without them)" >&2
fi
exit 0
