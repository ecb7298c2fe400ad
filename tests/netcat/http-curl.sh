#!/usr/bin/env bash
# The http service (static files, RFC 9110/9112) against curl, on a temp docroot of known files:
# bodies byte for byte, HEAD, Content-Type, ranges (single, suffix, open, multiple, If-Range,
# unsatisfiable), conditional requests (If-Modified-Since, If-None-Match), the .gz sibling with
# --compressed, directory redirects, index files and listings (names escaped, every link
# working), 404s for missing files, dotfiles and symlinks out of the root, 405/OPTIONS, HTTP/1.0,
# keep-alive connection reuse, the access log.
# PORT_<svc> is set by serve_start:
# shellcheck disable=SC2154
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v curl >/dev/null 2>&1 || { echo "$NL_SCRIPT: curl is needed: run tests/ensure-tools.sh" >&2; exit 2; }

# --- The docroot ------------------------------------------------------------------------------
W=$T/www      # served
O=$T/outside  # beside it; nothing in here may ever be served
mkdir -p "$W/listing/sub" "$W/withindex" "$W/.git" "$O/dir"
printf 'Hello, netloom!\nA second line.\n' >"$W/hello.txt"
printf '<!doctype html>\n<title>root index</title>\n<p>the root index</p>\n' >"$W/index.html"
head -c 3000000 /dev/urandom >"$W/data.bin"
printf '\0\0\377\0' >>"$W/data.bin"
# 1000 bytes, no newline, every 10-byte block names its number: ranges are easy to read.
for i in $(seq 0 99); do printf '%04d-ABCD,' "$i"; done >"$W/alpha.txt"
printf 'body { color: #333; }\n' >"$W/style.css"
for i in $(seq 1 200); do printf 'console.log("line %d of app.js");\n' "$i"; done >"$W/app.js"
gzip -9 -n -c "$W/app.js" >"$W/app.js.gz"
printf '{"ok": true, "n": 1}\n' >"$W/data.json"
printf '\211PNG\r\n\032\n\0\0\0\rIHDR' >"$W/pic.png"
printf 'who knows\n' >"$W/blob.xyz"
printf 'no extension\n' >"$W/NOEXT"
printf 'dot secret\n' >"$W/.secret"
printf '[core]\n\tbare = false\n' >"$W/.git/config"
printf '<!doctype html>\n<title>withindex</title>\n<p>an index.html in a folder</p>\n' \
  >"$W/withindex/index.html"
printf 'other file\n' >"$W/withindex/other.txt"
mkdir -p "$W/withstart"
printf '<p>start.html</p>\n' >"$W/withstart/start.html"
printf '<p>index.html beside start.html</p>\n' >"$W/withstart/index.html"
printf 'OUTSIDE-SECRET\n' >"$O/secret.txt"
printf 'OUTSIDE-SECRET in a folder\n' >"$O/dir/secret.txt"
ln -s "$O/secret.txt" "$W/link-out.txt"
ln -s "$O/dir" "$W/linkdir-out"
ln -s ../outside/secret.txt "$W/link-out-relative.txt"
ln -s hello.txt "$W/link-in.txt"

# The folder to list: each file holds its own name and a newline, so a followed link shows
# which file it reached. Names with HTML, URL and non-ASCII characters.
L=$W/listing
listing_names=(a.txt b.txt '<b>&.txt' 'space name.txt' 'ünïcödé.txt' 'hash#1.txt' 'what?.txt'
  '100%.txt' "it's \"quoted\".txt")
for n in "${listing_names[@]}"; do printf '%s\n' "$n" >"$L/$n"; done
head -c 776 /dev/zero | tr '\0' 'z' >"$L/size777.txt"; printf '\n' >>"$L/size777.txt"
touch -d '2021-03-04 05:06:07 UTC' "$L/size777.txt"
printf 'hidden\n' >"$L/.hidden"
printf 'in sub\n' >"$L/sub/inner.txt"
listing_names+=(size777.txt sub/)
# links out of the root answer 403, so the listing must not show them, nor their target's size
ln -s "$O/secret.txt" "$L/zz-link-out.txt"
ln -s "$O/dir" "$L/zz-linkdir-out"

serve_start http http.port=0 "http.root=$W"
port=$PORT_http
base=http://127.0.0.1:$port

# --- Helpers ----------------------------------------------------------------------------------
body_is() {  # body_is NAME FILE: the body is FILE byte for byte
  same_bytes "$2" "$T/$1.body" && return 0
  show "$1" | head -n 12
  return 1
}

full() {  # full NAME CODES FILE: status and body (the usual pair)
  code_is "$1" "$2" || return 1
  body_is "$1" "$3"
}

no_leak() {  # no_leak NAME: not a 2xx, the body names no file-system path nor outside content
  local rc=0
  code_is "$1" '[345][0-9][0-9]' || rc=1
  if grep -aqF -e "$T" -e OUTSIDE-SECRET -e "/tmp/" "$T/$1.body" "$T/$1.head"; then
    echo "the response names a file-system path or holds the outside file's content"
    show "$1"; rc=1
  fi
  return "$rc"
}

# --- GET: bodies, headers, types --------------------------------------------------------------
get hello "$base/hello.txt"
check "GET /hello.txt: 200 and the file's bytes" full hello 200 "$W/hello.txt"
check "GET /hello.txt: Content-Length is the size" hdr_is hello Content-Length "$(wc -c <"$W/hello.txt")"
check "GET /hello.txt: Content-Type text/plain; charset=utf-8" \
  hdr_is hello Content-Type 'text/plain; ?charset=(utf-8|UTF-8)'
check "GET /hello.txt: Last-Modified is an IMF-fixdate" \
  hdr_is hello Last-Modified '[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT'
check "GET /hello.txt: ETag is a quoted entity tag" hdr_is hello ETag '(W/)?"[^"]*"'
check "GET /hello.txt: Date is present (RFC 9110 6.6.1)" hdr_is hello Date '.*GMT'
etag=$(hdr hello ETag)
lastmod=$(hdr hello Last-Modified)

get bin "$base/data.bin"
check "GET /data.bin: 3 MB of random binary (with NULs) byte for byte" full bin 200 "$W/data.bin"
check "GET /data.bin: Content-Type application/octet-stream" hdr_is bin Content-Type 'application/octet-stream'

concurrent_gets() {  # 8 clients at once, each the whole 3 MB file
  local i pids=() rc=0
  for i in 1 2 3 4 5 6 7 8; do
    "${CURL[@]}" -o "$T/conc$i.body" "$base/data.bin" 2>"$T/conc$i.err" &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || { echo "client $((i + 1)): curl exited $?"; rc=1; }; done
  for i in 1 2 3 4 5 6 7 8; do same_bytes "$W/data.bin" "$T/conc$i.body" || { echo "(client $i)"; rc=1; }; done
  return "$rc"
}
check "8 concurrent GETs of /data.bin: each gets the 3 MB byte for byte" concurrent_gets

get root "$base/"
check "GET /: the root's index.html" full root 200 "$W/index.html"
check "GET /: Content-Type text/html; charset=utf-8" hdr_is root Content-Type 'text/html; ?charset=(utf-8|UTF-8)'
get rootidx "$base/index.html"
check "GET /index.html: the same file" full rootidx 200 "$W/index.html"

type_is() {  # type_is PATH REGEX
  local name=type_${1//[^a-zA-Z0-9]/_}
  get "$name" "$base$1"
  code_is "$name" 200 || return 1
  hdr_is "$name" Content-Type "$2"
}
check "Content-Type of .css: text/css; charset=utf-8" type_is /style.css 'text/css; ?charset=(utf-8|UTF-8)'
check "Content-Type of .js: a JavaScript type; charset=utf-8" \
  type_is /app.js '(application|text)/javascript; ?charset=(utf-8|UTF-8)'
check "Content-Type of .json: application/json" type_is /data.json 'application/json(; ?charset=(utf-8|UTF-8))?'
check "Content-Type of .png: image/png" type_is /pic.png 'image/png'
check "Content-Type of an unknown extension (.xyz): application/octet-stream" \
  type_is /blob.xyz 'application/octet-stream'
check "Content-Type of a name without extension: application/octet-stream" \
  type_is /NOEXT 'application/octet-stream'

get query "$base/hello.txt?x=1&y=%20"
check "GET /hello.txt?x=1&y=%20: the query is not part of the path" full query 200 "$W/hello.txt"
get pct "$base/hell%6F%2Etxt"
check "GET /hell%6F%2Etxt: percent-decoded to /hello.txt" full pct 200 "$W/hello.txt"
get pct2 "$base/listing/%3Cb%3E%26.txt"
check "GET /listing/%3Cb%3E%26.txt: the file named <b>&.txt" full pct2 200 "$L/<b>&.txt"
get pct3 "$base/listing/100%25.txt"
check "GET /listing/100%25.txt: decoded once, the file named 100%.txt" full pct3 200 "$L/100%.txt"
get pct4 "$base/listing/%C3%BCn%C3%AFc%C3%B6d%C3%A9.txt"
check "GET /listing/%C3%BCn...: UTF-8 percent-encoding names ünïcödé.txt" full pct4 200 "$L/ünïcödé.txt"

# --- HEAD ---------------------------------------------------------------------------------------
get head "$base/hello.txt" -I
head_like_get() {
  code_is head 200 || return 1
  local f rc=0
  for f in Content-Length Content-Type ETag Last-Modified; do
    [ "$(hdr head "$f")" = "$(hdr hello "$f")" ] && continue
    echo "$f: HEAD says '$(hdr head "$f")', GET said '$(hdr hello "$f")'"; rc=1
  done
  [ "$rc" -eq 0 ] || show head
  return "$rc"
}
check "HEAD /hello.txt (-I): 200 with the same Content-Length, -Type, ETag, Last-Modified as GET" head_like_get

# curl reads no body after HEAD; if the server sent one anyway, the next response on the same
# connection would start with it and be garbled.
head_then_get() {
  local out rc=0
  out=$("${CURL[@]}" -I -o /dev/null -w '%{http_code} %{num_connects}\n' "$base/data.bin" \
        --next -sS --max-time 20 -o "$T/hg.body" -w '%{http_code} %{num_connects}\n' \
        "$base/hello.txt" 2>&1) || rc=$?
  [ "$rc" -eq 0 ] || { echo "curl exited with $rc: $out"; return 1; }
  [ "$out" = $'200 1\n200 0' ] || { echo "expected '200 1' then '200 0' (HEAD, then GET on the same connection); got: $out"; return 1; }
  same_bytes "$W/hello.txt" "$T/hg.body"
}
check "HEAD /data.bin then GET /hello.txt on the same connection: HEAD sent no body" head_then_get

# --- Ranges -------------------------------------------------------------------------------------
size=$(wc -c <"$W/data.bin")
head -c 100 "$W/data.bin" >"$T/first100"
tail -c 100 "$W/data.bin" >"$T/last100"
tail -c +101 "$W/data.bin" >"$T/from100"

get r1 "$base/data.bin" -r 0-99
check "-r 0-99: 206 and bytes 0-99" full r1 206 "$T/first100"
check "-r 0-99: Content-Range bytes 0-99/$size" hdr_is r1 Content-Range "bytes 0-99/$size"
check "-r 0-99: Content-Length 100" hdr_is r1 Content-Length 100
get r2 "$base/data.bin" -r -100
check "-r -100 (suffix): 206 and the last 100 bytes" full r2 206 "$T/last100"
check "-r -100: Content-Range bytes $((size - 100))-$((size - 1))/$size" \
  hdr_is r2 Content-Range "bytes $((size - 100))-$((size - 1))/$size"
get r3 "$base/data.bin" -r 100-
check "-r 100- (open): 206 and everything from byte 100" full r3 206 "$T/from100"
check "-r 100-: Content-Range bytes 100-$((size - 1))/$size" hdr_is r3 Content-Range "bytes 100-$((size - 1))/$size"
get r4 "$base/data.bin" -r "$((size - 10))-$((size + 500))"
check "-r past the end: clipped to the last byte" hdr_is r4 Content-Range "bytes $((size - 10))-$((size - 1))/$size"
get r5 "$base/alpha.txt" -r 5000-6000
check "-r 5000-6000 of 1000 bytes: 416" code_is r5 416
check "416 carries Content-Range: bytes */1000" hdr_is r5 Content-Range 'bytes \*/1000'

# multipart/byteranges: each part framed by the boundary, with its Content-Range, then the bytes.
multipart_ok() {  # multipart_ok NAME SIZE START-END...
  local LC_ALL=C name=$1 total=$2; shift 2
  code_is "$name" 206 || return 1
  local ct boundary body r s e data rc=0
  ct=$(hdr "$name" Content-Type)
  if [[ ! $ct =~ ^multipart/byteranges\;\ ?boundary=\"?([^\";]+)\"?$ ]]; then
    echo "expected Content-Type multipart/byteranges; boundary=..., got: $ct"; show "$name"; return 1
  fi
  boundary=${BASH_REMATCH[1]}
  body=$(cat "$T/$name.body"; printf x); body=${body%x}
  for r in "$@"; do
    s=${r%-*}; e=${r#*-}
    data=$(head -c $((e + 1)) "$W/alpha.txt" | tail -c $((e - s + 1)))
    if ! grep -aqiE "^Content-Range: ?bytes $s-$e/$total"$'\r'"?\$" "$T/$name.body"; then
      echo "no part with Content-Range: bytes $s-$e/$total"; rc=1
    fi
    if [[ $body != *$'\r\n\r\n'"$data"$'\r\n--'"$boundary"* ]]; then
      echo "part $r: the bytes '$data' are not framed as CRLF CRLF <bytes> CRLF --$boundary"; rc=1
    fi
  done
  [[ $body == *"--$boundary--"* ]] || { echo "no closing delimiter --$boundary--"; rc=1; }
  [ "$rc" -eq 0 ] || { echo "body:"; tr -d '\r' <"$T/$name.body" | sed 's/^/  | /'; }
  return "$rc"
}
get mr "$base/alpha.txt" -r 0-9,500-509,990-999
check "-r 0-9,500-509,990-999: 206 multipart/byteranges with the three parts" \
  multipart_ok mr 1000 0-9 500-509 990-999

# amplification: ranges adding up past the file get it once with 200 (as nginx); overlapping
# and adjacent ones are merged
get ramp "$base/data.bin" -r "$(printf '0-,%.0s' {1..31})0-"
check "-r 0-,0-,... (32 times): 200 and the file once" full ramp 200 "$W/data.bin"
head -c 20 "$W/alpha.txt" >"$T/alpha20"
get rmerge "$base/alpha.txt" -r 0-9,5-14,15-19
check "-r 0-9,5-14,15-19: merged into one 206 of bytes 0-19" full rmerge 206 "$T/alpha20"
check "-r 0-9,5-14,15-19: Content-Range bytes 0-19/1000" hdr_is rmerge Content-Range "bytes 0-19/1000"

get ifr_etag "$base/alpha.txt"
get ifr2 "$base/alpha.txt" -r 0-9 -H "If-Range: $(hdr ifr_etag ETag)"
head -c 10 "$W/alpha.txt" >"$T/alpha10"
check "If-Range with the current ETag: 206 and the range" full ifr2 206 "$T/alpha10"
get ifr3 "$base/alpha.txt" -r 0-9 -H 'If-Range: "stale-etag"'
check "If-Range with another ETag: 200 and the whole file" full ifr3 200 "$W/alpha.txt"
get ifr4 "$base/alpha.txt" -r 0-9 -H "If-Range: $(hdr ifr_etag Last-Modified)"
check "If-Range with the current Last-Modified date: 206 and the range" full ifr4 206 "$T/alpha10"
get ifr5 "$base/alpha.txt" -r 0-9 -H 'If-Range: Sat, 01 Jan 2000 00:00:00 GMT'
check "If-Range with an older date: 200 and the whole file" full ifr5 200 "$W/alpha.txt"

# --- Conditional requests -----------------------------------------------------------------------
get c1 "$base/hello.txt" -z "$W/hello.txt"
check "-z FILE (If-Modified-Since = the file's mtime): 304" code_is c1 304
check "304 after -z: no body" body_empty c1
check "304 carries the ETag a 200 would (RFC 9110 15.4.5)" hdr_is c1 ETag "$(re_quote "$etag")"
get c2 "$base/hello.txt" -H "If-None-Match: $etag"
check "If-None-Match: <the ETag of the first response>: 304" code_is c2 304
check "304 after If-None-Match: no body" body_empty c2
get c3 "$base/hello.txt" -H "If-None-Match: \"other\", $etag"
check "If-None-Match: a list holding the ETag: 304" code_is c3 304
get c4 "$base/hello.txt" -H 'If-None-Match: "other"'
check "If-None-Match: another tag: 200 and the body" full c4 200 "$W/hello.txt"
get c5 "$base/hello.txt" -H "If-None-Match: W/${etag#W/}"
check "If-None-Match: the weak form of the ETag: 304 (weak comparison)" code_is c5 304
get c6 "$base/hello.txt" -H "If-Modified-Since: $lastmod"
check "If-Modified-Since: <the Last-Modified of the first response>: 304" code_is c6 304
get c7 "$base/hello.txt" -H 'If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT'
check "If-Modified-Since: a date before the file's: 200 and the body" full c7 200 "$W/hello.txt"
get c8 "$base/hello.txt" -H 'If-None-Match: "other"' -H "If-Modified-Since: $lastmod"
check "If-None-Match not matching + If-Modified-Since matching: 200 (RFC 9110 13.1.3)" \
  full c8 200 "$W/hello.txt"
get c9 "$base/hello.txt" -I -H "If-None-Match: $etag"
check "HEAD with If-None-Match: <the ETag>: 304" code_is c9 304

# --- Precompressed sibling ---------------------------------------------------------------------
get gz1 "$base/app.js" --compressed
check "--compressed GET /app.js: 200, decoded body equals app.js" full gz1 200 "$W/app.js"
check "--compressed: Content-Encoding: gzip" hdr_is gz1 Content-Encoding gzip
check "--compressed: Vary names Accept-Encoding" hdr_is gz1 Vary '(.*, ?)?[Aa]ccept-[Ee]ncoding(, ?.*)?'
check "--compressed: Content-Length is the size of app.js.gz" hdr_is gz1 Content-Length "$(wc -c <"$W/app.js.gz")"
check "--compressed: Content-Type is still JavaScript" \
  hdr_is gz1 Content-Type '(application|text)/javascript; ?charset=(utf-8|UTF-8)'
get gz2 "$base/app.js" -H 'Accept-Encoding: br, gzip'
check "Accept-Encoding: br, gzip: the bytes of app.js.gz" full gz2 200 "$W/app.js.gz"
get gz3 "$base/app.js"
check "no Accept-Encoding: the plain app.js" full gz3 200 "$W/app.js"
check "no Accept-Encoding: no Content-Encoding" hdr_absent gz3 Content-Encoding
check "no Accept-Encoding: Vary: Accept-Encoding on the plain variant too (RFC 9110 12.5.5)" \
  hdr_is gz3 Vary '(.*, ?)?[Aa]ccept-[Ee]ncoding(, ?.*)?'
get gz4 "$base/app.js" -H 'Accept-Encoding: gzip;q=0'
check "Accept-Encoding: gzip;q=0 (gzip refused): the plain app.js" full gz4 200 "$W/app.js"
etags_differ() {
  local a b
  a=$(hdr gz1 ETag); b=$(hdr gz3 ETag)
  [ -n "$a" ] && [ "$a" != "$b" ] && return 0
  echo "gzip variant ETag '$a', plain variant ETag '$b': two representations, one strong tag"
  return 1
}
check "the gzip and the plain variant have different ETags" etags_differ

# --- Directories --------------------------------------------------------------------------------
redirect_is() {  # redirect_is PATH WANT-URL
  local out
  out=$("${CURL[@]}" -o /dev/null -w '%{http_code} %{redirect_url}' "$base$1" 2>&1)
  [ "$out" = "301 $2" ] && return 0
  echo "GET $1: expected '301 $2', got '$out'"
  return 1
}
check "GET /listing (no slash): 301 to /listing/" redirect_is /listing "$base/listing/"
check "GET /withindex (no slash): 301 to /withindex/" redirect_is /withindex "$base/withindex/"
get follow "$base/withindex" -L
check "GET -L /withindex: its index.html" full follow 200 "$W/withindex/index.html"
get fileslash "$base/hello.txt/"
check "GET /hello.txt/ (a file with a slash): 404" code_is fileslash 404

get list "$base/listing/"
check "GET /listing/ (no index.html): 200 text/html listing" \
  hdr_is list Content-Type 'text/html; ?charset=(utf-8|UTF-8)'
# (Replacements quoted: bash 5.2 reads a bare & in one as the matched text.)
html_esc() { local s=${1//&/"&amp;"}; s=${s//</"&lt;"}; printf '%s' "${s//>/"&gt;"}"; }
listing_names_shown() {
  code_is list 200 || return 1
  local n rc=0
  # Quotes may be escaped too: compare with them turned back.
  sed -e 's/&quot;/"/g; s/&#34;/"/g; s/&#x22;/"/g' -e "s/&#39;/'/g; s/&#x27;/'/g; s/&apos;/'/g" \
    "$T/list.body" >"$T/list.quotes"
  for n in "${listing_names[@]}"; do
    n=${n%/}
    grep -qF -- "$(html_esc "$n")" "$T/list.quotes" || { echo "name not shown: $n"; rc=1; }
  done
  return "$rc"
}
check "listing shows every name (HTML-escaped)" listing_names_shown
listing_escapes() {
  local rc=0
  grep -qF '<b>&.txt' "$T/list.body" && { echo "raw '<b>&.txt' in the listing"; rc=1; }
  grep -qE '(&lt;|&#60;|&#x3[cC];)b(&gt;|&#62;|&#x3[eE];)(&amp;|&#38;|&#x26;)\.txt' "$T/list.body" ||
    { echo "no escaped &lt;b&gt;&amp;.txt in the listing"; rc=1; }
  [ "$rc" -eq 0 ] || grep -n 'b>\|b&' "$T/list.body" | head -n 5
  return "$rc"
}
check "listing escapes the name <b>&.txt" listing_escapes
check "listing hides .hidden" bash -c "! grep -q hidden '$T/list.body'"
check "listing leaves out links out of the root (zz-link-out.txt, zz-linkdir-out)" \
  bash -c "! grep -q zz-link '$T/list.body'"
check "listing links to the parent: href=\"../\"" contains "$T/list.body" "href=[\"']\.\./[\"']"
check "listing shows the size of size777.txt (777)" contains "$T/list.body" '[^0-9]777[^0-9]'
check "listing shows the mtime of size777.txt (2021-03-04)" \
  contains "$T/list.body" '2021-03-04|04-Mar-2021|04 Mar 2021|Mar 4, 2021|2021/03/04'
listing_sorted() {
  local a b s
  a=$(grep -bo 'a\.txt' "$T/list.body" | head -n 1 | cut -d: -f1)
  b=$(grep -bo 'b\.txt' "$T/list.body" | head -n 1 | cut -d: -f1)
  s=$(grep -bo 'size777\.txt' "$T/list.body" | head -n 1 | cut -d: -f1)
  [ -n "$a" ] && [ -n "$b" ] && [ -n "$s" ] && [ "$a" -lt "$b" ] && [ "$b" -lt "$s" ] && return 0
  echo "expected a.txt before b.txt before size777.txt; offsets: ${a:-none} ${b:-none} ${s:-none}"
  return 1
}
check "listing is sorted (a.txt, b.txt, size777.txt)" listing_sorted

# Every link in the listing, HTML-unescaped and resolved against /listing/ as a browser does,
# must reach the file it names: the set of links (percent-decoded) is the set of names, and
# following each gives 200 with that file's bytes.
html_unesc() {
  local s=$1
  s=${s//&lt;/"<"}; s=${s//&gt;/">"}; s=${s//&quot;/'"'}; s=${s//&#34;/'"'}; s=${s//&#39;/"'"}
  s=${s//&#x27;/"'"}; s=${s//&#x22;/'"'}; s=${s//&apos;/"'"}; s=${s//&amp;/"&"}
  printf '%s' "$s"
}
url_dec() { local s=${1//\\/\\\\}; printf '%b' "${s//%/\\x}"; }
url_enc_unsafe() {  # what a browser percent-encodes in a path: bytes outside printable ASCII, space, " < > `
  local LC_ALL=C s=$1 i c out=""
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case "$c" in
      [a-zA-Z0-9._~/%!\$\&\'\(\)*+,\;=:@?#-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}
listing_links_work() {
  code_is list 200 || return 1
  local h href path got=() names=() rc=0 n
  while IFS= read -r h; do
    href=$(html_unesc "${h:6:${#h}-7}")
    case "$href" in ../|/|\?*|'#'*|http:*|https:*) continue ;; esac
    href=${href#./}
    href=${href%%#*}   # a fragment is not sent; a name with '#' must be encoded to survive
    href=${href%%\?*}  # likewise '?'
    got+=("$(url_dec "$href")")
    [[ $href == /* ]] && path=$href || path=/listing/$href
    n=$(url_dec "${path#/listing/}")
    "${CURL[@]}" -o "$T/link.body" -w '%{http_code}' "$base$(url_enc_unsafe "$path")" \
      >"$T/link.code" 2>/dev/null || true
    if [ "$(cat "$T/link.code")" != 200 ]; then
      echo "link href=\"$href\" -> GET $(url_enc_unsafe "$path") -> $(cat "$T/link.code")"; rc=1
    elif [[ $n != */ ]] && ! cmp -s "$T/link.body" "$L/$n"; then
      echo "link href=\"$href\" -> 200 but not the bytes of '$n'"; rc=1
    fi
  done < <(grep -oE "href=(\"[^\"]*\"|'[^']*')" "$T/list.body")
  for n in "${listing_names[@]}"; do names+=("$n"); done
  if ! diff <(printf '%s\n' "${names[@]}" | LC_ALL=C sort) <(printf '%s\n' "${got[@]}" | LC_ALL=C sort) \
       >"$T/links.diff"; then
    echo "links (percent-decoded) vs names (< missing link, > link to no such name):"
    grep '^[<>]' "$T/links.diff"; rc=1
  fi
  return "$rc"
}
check "every link in the listing leads to the file it names (and one link per name)" listing_links_work

get sublist "$base/listing/sub/"
check "GET /listing/sub/: a listing naming inner.txt" contains "$T/sublist.body" 'inner\.txt'
get withidx "$base/withindex/"
check "GET /withindex/: its index.html, not a listing" full withidx 200 "$W/withindex/index.html"

# --- Refusals -----------------------------------------------------------------------------------
get nf "$base/nope.txt"
check "GET /nope.txt: 404" code_is nf 404
check "404 body names no file-system path" no_leak nf
get nf2 "$base/listing/nope/deeper.txt"
check "GET /listing/nope/deeper.txt: 404" code_is nf2 404
get dot1 "$base/.secret"
check "GET /.secret (dotfile): 404" code_is dot1 404
get dot2 "$base/.git/config"
check "GET /.git/config (in a dot folder): 404" code_is dot2 404
get dot3 "$base/listing/.hidden"
check "GET /listing/.hidden: 404" code_is dot3 404
get dot4 "$base/%2esecret"
check "GET /%2esecret (encoded dot): 404" code_is dot4 404
get sym1 "$base/link-out.txt"
check "GET /link-out.txt (symlink to a file outside the root): refused, nothing leaks" no_leak sym1
get sym2 "$base/linkdir-out/secret.txt"
check "GET /linkdir-out/secret.txt (symlinked folder outside the root): refused" no_leak sym2
get sym3 "$base/link-out-relative.txt"
check "GET /link-out-relative.txt (relative symlink ../outside/...): refused" no_leak sym3
get sym4 "$base/linkdir-out/"
check "GET /linkdir-out/ (listing through a symlink outside): refused" no_leak sym4
get sym5 "$base/link-in.txt"
check "GET /link-in.txt (symlink to a file inside the root): served" full sym5 200 "$W/hello.txt"

allow_ok() {  # allow_ok NAME: Allow lists exactly GET, HEAD, OPTIONS (any order and spacing)
  local v
  v=$(hdr "$1" Allow | tr -d ' ' | tr ',' '\n' | sort | paste -sd, -)
  [ "$v" = GET,HEAD,OPTIONS ] && return 0
  echo "expected Allow: GET, HEAD, OPTIONS; got: $(hdr "$1" Allow)"
  show "$1"
  return 1
}
get post "$base/hello.txt" -X POST -d 'a=1'
check "POST /hello.txt: 405" code_is post 405
check "405 to POST carries Allow: GET, HEAD, OPTIONS" allow_ok post
get put "$base/hello.txt" -X PUT -d 'replaced'
check "PUT /hello.txt: 405 with Allow, and the file is untouched" \
  bash -c "[ \"\$(cat '$T/put.code')\" = 405 ] && cmp -s '$W/hello.txt' <(printf 'Hello, netloom!\nA second line.\n')"
get delete "$base/hello.txt" -X DELETE
check "DELETE /hello.txt: 405 and the file is still there" \
  bash -c "[ \"\$(cat '$T/delete.code')\" = 405 ] && [ -f '$W/hello.txt' ]"
get options "$base/hello.txt" -X OPTIONS
check "OPTIONS /hello.txt: 204 or 200" code_is options '204|200'
check "OPTIONS carries Allow: GET, HEAD, OPTIONS" allow_ok options

# A refused request with a body, then another request on the same connection: the server must
# skip the body (or close, and curl reconnects); the second answer must be the right one.
post_then_get() {
  local out
  out=$("${CURL[@]}" -o /dev/null -w '%{http_code} ' -d "$(head -c 5000 /dev/zero | tr '\0' 'p')" \
        "$base/hello.txt" --next -sS --max-time 20 -o "$T/pg.body" -w '%{http_code}' \
        "$base/hello.txt" 2>&1) || { echo "curl failed: $out"; return 1; }
  [ "$out" = "405 200" ] || { echo "expected '405 200', got '$out'"; return 1; }
  same_bytes "$W/hello.txt" "$T/pg.body"
}
check "POST with a 5000-byte body (405), then GET on the same connection: right answer" post_then_get

# --- HTTP/1.0, keep-alive -----------------------------------------------------------------------
get h10 "$base/data.bin" --http1.0
check "--http1.0 GET /data.bin: 200 and the bytes" full h10 200 "$W/data.bin"
check "--http1.0: the status line is HTTP/1.x" \
  bash -c "head -n 1 '$T/h10.head' | grep -qE '^HTTP/1\\.[01] 200'"

connects() {  # connects WANT CURL-ARG...: %{num_connects} per transfer, joined by spaces
  local want=$1 out; shift
  out=$("${CURL[@]}" -v -w '%{num_connects} ' "$@" 2>"$T/connects.err") || true
  out=${out% }
  [ "$out" = "$want" ] && return 0
  echo "num_connects per transfer: expected '$want', got '$out'"
  grep -E '^\* (Re-using|Connected|Closing|Connection)|^< (HTTP|Connection|Keep-Alive)' "$T/connects.err" | head -n 20
  return 1
}
check "one curl, two URLs: the connection is reused (num_connects 1 0)" \
  connects "1 0" -o /dev/null -o /dev/null "$base/hello.txt" "$base/alpha.txt"
check "one curl, a 404 then a 200: the connection is still reused" \
  connects "1 0" -o /dev/null -o /dev/null "$base/nope.txt" "$base/hello.txt"
ten_urls=()
for i in $(seq 1 10); do ten_urls+=(-o /dev/null "$base/alpha.txt?$i"); done
check "one curl, ten URLs: one connection" connects "1 0 0 0 0 0 0 0 0 0" "${ten_urls[@]}"
check "curl -v says 'Re-using existing connection'" \
  bash -c "${CURL[*]} -v -o /dev/null -o /dev/null '$base/hello.txt' '$base/hello.txt' 2>&1 | grep -q 'Re-using existing connection'"
check "--http1.0 with Connection: keep-alive, two URLs: reused" \
  connects "1 0" --http1.0 -H 'Connection: keep-alive' -o /dev/null -o /dev/null "$base/hello.txt" "$base/alpha.txt"
check "-H 'Connection: close', two URLs: two connections" \
  connects "1 1" -H 'Connection: close' -o /dev/null -o /dev/null "$base/hello.txt" "$base/alpha.txt"

# --- Access log (Combined Log Format, default logs/access.log under the home) -------------------
"${CURL[@]}" -o /dev/null -e 'http://ref.example/page' -A 'netloom-test/1.0 (access log)' \
  "$base/hello.txt?log=1" 2>/dev/null || true
access_logged() {
  local log=$NETLOOM_HOME/logs/access.log i
  local re
  re='^127\.0\.0\.1 - - \[[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}:[0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}\] "GET /hello\.txt\?log=1 HTTP/1\.1" 200 '"$(wc -c <"$W/hello.txt")"' "http://ref\.example/page" "netloom-test/1\.0 \(access log\)"$'
  for i in $(seq 1 50); do
    [ -f "$log" ] && grep -qE "$re" "$log" && return 0
    sleep 0.1
  done
  echo "no line matching /$re/ in $log within 5 s; last lines:"
  tail -n 5 "$log" 2>&1
  return 1
}
check "access log: a Combined Log Format line for the request" access_logged

# --- A file changed or removed while the server runs (http.cache-check, default 1s) ----------
printf 'version one\n' >"$W/changing.txt"
get ch1 "$base/changing.txt"
check "changing.txt: first version served" full ch1 200 "$W/changing.txt"
ch1_etag=$(hdr ch1 ETag)
printf 'version two, longer\n' >"$W/changing.txt"
sleep 1.5
get ch2 "$base/changing.txt"
check "changing.txt rewritten (new size): the new bytes 1.5 s later" full ch2 200 "$W/changing.txt"
check "changing.txt rewritten: a new ETag" bash -c "[ '$(hdr ch2 ETag)' != '$ch1_etag' ]"
get ch3 "$base/changing.txt" -H "If-None-Match: $ch1_etag"
check "If-None-Match with the ETag from before the change: 200" full ch3 200 "$W/changing.txt"
printf 'version TWO, longer\n' >"$W/changing.txt"  # same size, later mtime
touch -d "@$(($(date +%s) + 3))" "$W/changing.txt"
sleep 1.5
get ch4 "$base/changing.txt"
check "changing.txt rewritten (same size, later mtime): the new bytes" full ch4 200 "$W/changing.txt"
rm "$W/changing.txt"
sleep 1.5
get ch5 "$base/changing.txt"
check "changing.txt removed: 404 1.5 s later" code_is ch5 404

# --- http.dotfiles=true, http.access-log=off ---------------------------------------------------
serve_start http http.port=0 "http.root=$W" http.dotfiles=true http.access-log=off
base2=http://127.0.0.1:$PORT_http
get dotok "$base2/.secret"
check "dotfiles=true: GET /.secret is served" full dotok 200 "$W/.secret"
get dotlist "$base2/listing/"
check "dotfiles=true: the listing shows .hidden" contains "$T/dotlist.body" '\.hidden'
get dotsym "$base2/link-out.txt"
check "dotfiles=true: the symlink out of the root is still refused" no_leak dotsym
"${CURL[@]}" -o /dev/null "$base2/server2-only-path" 2>/dev/null || true
check "access-log=off: the second server logs nothing" \
  bash -c "sleep 1; ! grep -qs server2-only-path '$NETLOOM_HOME/logs/access.log' && [ ! -e '$NETLOOM_HOME/off' ] && [ ! -e '$NETLOOM_HOME/logs/off' ]"

# --- http.index, http.listing=false ------------------------------------------------------------
serve_start http http.port=0 "http.root=$W" http.index=start.html http.listing=false http.access-log=off
base3=http://127.0.0.1:$PORT_http
get idx1 "$base3/withstart/"
check "index=start.html: /withstart/ serves start.html" full idx1 200 "$W/withstart/start.html"
get idx2 "$base3/withindex/"
check "index=start.html, listing=false: /withindex/ (only index.html) is refused" code_is idx2 '403|404'
get idx3 "$base3/listing/"
check "listing=false: /listing/ is refused (403 or 404)" code_is idx3 '403|404'
check "listing=false: no file name in the refusal" bash -c "! grep -q 'a\.txt' '$T/idx3.body'"

finish
