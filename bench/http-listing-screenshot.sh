#!/usr/bin/env bash
# What a person sees on the http service's directory listing: starts `netloom serve http` on a
# temp docroot holding a folder of files (some with HTML in their names), loads the listing in
# headless Chromium, checks the DOM it built (every name present as text, no element or script
# injected from a name) and takes a screenshot, copied to bench/results/http-listing.png.
#
#   make build                          # once
#   bench/http-listing-screenshot.sh    # ~10-20 s once Chromium is there; prints the PNG's path
#
# Needs Chromium (Debian package `chromium`): installed with apt when missing and we are root or
# have passwordless sudo, otherwise the script says what to install and exits 2. Loopback only;
# every step is bounded by `timeout`.
#
# Environment (defaults in brackets): NETLOOM [bin/netloom], CHROMIUM [chromium on PATH],
#   OUT [bench/results/http-listing.png], TIMEOUT [60] seconds for each Chromium run,
#   KEEP=1 keeps the work directory (docroot, server log, DOM dump).
# Exit status: 0 all checks passed, 1 a check failed, 2 something needed is missing.
set -u

bench=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
here=$(cd "$bench/.." && pwd)
netloom=${NETLOOM:-$here/bin/netloom}
out=${OUT:-$bench/results/http-listing.png}
timeout_secs=${TIMEOUT:-60}

say() { echo "http-listing-screenshot: $*" >&2; }
die() { say "$*"; exit 2; }

if [ -z "${NETLOOM:-}" ] && [ ! -f "$here/target/netloom.jar" ]; then
  die "target/netloom.jar is missing: build netloom first (make build)"
fi

# --- Chromium (and a font, or every glyph is a box) -------------------------------------------
find_chromium() {
  local c
  for c in ${CHROMIUM:-} chromium chromium-browser; do
    if command -v "$c" >/dev/null 2>&1; then command -v "$c"; return 0; fi
  done
  return 1
}
if ! chromium=$(find_chromium); then
  sudo_cmd=()
  if ! command -v apt-get >/dev/null 2>&1; then
    die "Chromium is missing and there is no apt-get: install Chromium and set CHROMIUM=/path/to/it"
  fi
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
      sudo_cmd=(sudo -n)
    else
      die "Chromium is missing: install it with 'sudo apt-get install -y chromium fonts-dejavu-core'"
    fi
  fi
  say "installing chromium with apt-get (once; a few minutes)"
  log=$(mktemp)
  export DEBIAN_FRONTEND=noninteractive
  if ! timeout 300 "${sudo_cmd[@]}" apt-get update -qq >"$log" 2>&1 ||
     ! timeout 900 "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
         chromium fonts-dejavu-core >>"$log" 2>&1; then
    tail -n 20 "$log" >&2
    rm -f "$log"
    die "apt-get install chromium failed (see above)"
  fi
  rm -f "$log"
  chromium=$(find_chromium) || die "chromium still not on PATH after apt-get install chromium"
fi
say "using $("$chromium" --version 2>/dev/null | head -n 1)"

# --- Work directory, docroot, server ----------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/http-listing.XXXXXX")
export NETLOOM_HOME=$work/home  # an empty home: the repo's netloom.properties is not read
mkdir -p "$NETLOOM_HOME"
spid=""
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
  if [ -n "$spid" ] && kill -0 "$spid" 2>/dev/null; then
    kill -TERM "$spid" 2>/dev/null
    local _
    for _ in $(seq 1 100); do kill -0 "$spid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$spid" 2>/dev/null
  fi
  if [ "${KEEP:-0}" = 1 ]; then say "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

root=$work/www
dir=$root/gallery
mkdir -p "$dir/photos 2024" "$dir/zz-empty"
printf 'Hello from netloom.\n' >"$dir/README.txt"
head -c 2048 /dev/urandom >"$dir/backup.tar.gz"
printf 'body { color: #333; }\n' >"$dir/style.css"
printf '{"ok": true}\n' >"$dir/data.json"
head -c 123456 /dev/zero >"$dir/big file.bin"
printf 'x\n' >"$dir/Zebra & Co.txt"
printf 'x\n' >"$dir/ünïcödé – naïve.txt"
# Names that are HTML: a correct listing shows them as text; a broken one runs them.
script_name="<script>alert('name')<.txt"
img_name='<img src=x onerror=document.title=2>.txt'
quote_name='a" onmouseover="alert(2).txt'
for n in "$script_name" "$img_name" "$quote_name"; do printf 'x\n' >"$dir/$n"; done
printf 'x\n' >"$dir/photos 2024/cat.png"
touch -d '2024-05-17 09:30:00' "$dir"/* "$dir/photos 2024/cat.png"

( trap - INT; exec "$netloom" serve http http.port=0 "http.root=$root" http.access-log=off ) \
  </dev/null >"$work/server.out" 2>"$work/server.err" &
spid=$!
port=""
deadline=$((SECONDS + 60))
while [ -z "$port" ]; do
  port=$(sed -nE 's/^http listening on 127\.0\.0\.1:([0-9]+) \(tcp\)$/\1/p' "$work/server.out")
  [ -n "$port" ] && break
  if ! kill -0 "$spid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
    cat "$work/server.out" >&2; tail -n 20 "$work/server.err" >&2
    say "FAIL: serve http did not print 'http listening on 127.0.0.1:PORT (tcp)'"
    exit 1
  fi
  sleep 0.1
done
url="http://127.0.0.1:$port/gallery/"
say "serving $root on 127.0.0.1:$port"

# --- Chromium ---------------------------------------------------------------------------------
chrome() {  # chrome ARG...: one headless run with its own profile, bounded
  local profile rc=0
  profile=$(mktemp -d "$work/profile.XXXXXX")
  timeout -k 5 "$timeout_secs" "$chromium" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update --disable-sync \
    --disable-dev-shm-usage --hide-scrollbars --user-data-dir="$profile" "$@" \
    2>>"$work/chromium.err" || rc=$?
  return "$rc"
}

fails=0
ok() { printf 'ok   - %s\n' "$1"; }
bad() { printf 'FAIL - %s\n' "$1"; [ $# -lt 2 ] || printf '%s\n' "$2" | sed 's/^/       /'; fails=$((fails + 1)); }

# A page's scripts (an injected onerror) run before the DOM is dumped within the time budget.
if chrome --virtual-time-budget=3000 --dump-dom "$url" >"$work/dom.html"; then
  ok "chromium --dump-dom $url"
else
  bad "chromium --dump-dom $url" "$(tail -n 5 "$work/chromium.err")"
fi

# The DOM serializer escapes & < > in text (and & " in attributes), so a name shown as text
# appears in the dump escaped exactly like this:
# (Replacements quoted: bash 5.2 reads a bare & in one as the matched text.)
html_text() { local s=${1//&/"&amp;"}; s=${s//</"&lt;"}; printf '%s' "${s//>/"&gt;"}"; }
missing=()
while IFS= read -r -d '' f; do
  n=$(basename "$f")  # a folder may be shown with or without its trailing slash
  grep -qF -- "$(html_text "$n")" "$work/dom.html" || missing+=("$n")
done < <(find "$dir" -mindepth 1 -maxdepth 1 -print0)
if [ "${#missing[@]}" -eq 0 ]; then
  ok "every name in the folder is in the listing's DOM as text"
else
  bad "every name in the folder is in the listing's DOM as text" "missing: $(printf '[%s] ' "${missing[@]}")"
fi
if grep -qiE '<script>alert|<img[^>]*onerror|<title>2</title>' "$work/dom.html" ||
   grep -qE '[[:space:]]onmouseover=' <(grep -oE '<a [^>]*>' "$work/dom.html"); then
  bad "no element, attribute or script injected from a file name" \
      "$(grep -oiE '.{0,60}(<script>alert|<img[^>]*onerror|<title>2|onmouseover=).{0,60}' "$work/dom.html" | head -n 5)"
else
  ok "no element, attribute or script injected from a file name"
fi
if grep -qE 'href="\.\./"|href="/"' "$work/dom.html"; then
  ok "the listing links to the parent directory"
else
  bad "the listing links to the parent directory" "no href=\"../\" (or \"/\") in the DOM"
fi

rm -f "$work/shot.png"
if chrome --screenshot="$work/shot.png" --window-size=1000,700 "$url" >/dev/null &&
   [ -f "$work/shot.png" ]; then
  ok "chromium --screenshot"
else
  bad "chromium --screenshot" "$(tail -n 5 "$work/chromium.err")"
fi
size=$(wc -c <"$work/shot.png" 2>/dev/null || echo 0)
kind=$(file -b "$work/shot.png" 2>/dev/null || echo none)
if [ "$size" -gt 5120 ] && [[ $kind == "PNG image data"* ]]; then
  ok "screenshot is a PNG of $size bytes ($kind)"
else
  bad "screenshot is a PNG over 5 KiB" "$size bytes, file says: $kind"
fi

if [ -f "$work/shot.png" ]; then
  mkdir -p "$(dirname "$out")"
  cp "$work/shot.png" "$out"
  echo "$out"
fi
if [ "$fails" -gt 0 ]; then
  say "$fails check(s) failed; DOM and logs: rerun with KEEP=1"
  exit 1
fi
exit 0
