#!/usr/bin/env bash
# The rest service beside json-server 0.17.4 itself (issue 23): both started on the same seed
# (tests/netcat/rest-json-server/db.json, each on its own copy: json-server writes to its file),
# with the same custom routes (routes.json), the same delay (100 ms) and watching their seed
# files; then the same requests to both for each of the issue's ten points, in order: nested
# routes, _start/_end/_limit slices, pluralized _expand, repeated _embed/_expand, cascading
# deletes, repeated operators, _ne, GET /db, singular resources, and rest.routes / rest.delay /
# rest.watch (and, on a second pair, rest.foreign-key-suffix against json-server --fks).
# Compares the status and the body (JSON, keys in any order; X-Total-Count too), prints a table,
# and fails on any difference that docs/rest.md does not document. The documented ones are
# normalized and named in the table: netloom answers DELETE with 204 and no body (json-server:
# 200 {}), errors as problem+json (json-server: {}), stores a nested POST's parent id as a number
# (json-server: the URL's text, "2"), keeps items lacking the field under _ne (json-server drops
# them), and cascades a delete down the whole chain at once (json-server removes the next level
# at its next delete).
# json-server is installed with npm into JSON_SERVER_DIR [~/.cache/netloom-tests/json-server];
# without npm, node or the network (CI), the script skips, saying why. Needs curl and python3.
# PORT_<svc> is set by serve_start:
# shellcheck disable=SC2154
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

js_version=0.17.4
js_dir=${JSON_SERVER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/netloom-tests/json-server}
js_bin=$js_dir/node_modules/json-server/lib/cli/bin.js
data=$NL_REPO/tests/netcat/rest-json-server

command -v curl >/dev/null 2>&1 || { echo "$NL_SCRIPT: curl is needed: run tests/ensure-tools.sh" >&2; exit 2; }
if ! python3 -c 'import json' </dev/null >/dev/null 2>&1; then
  skip "$NL_SCRIPT" "python3 is needed to compare JSON bodies"
  finish
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  skip "$NL_SCRIPT" "node and npm are needed to run json-server $js_version (apt-get install nodejs npm)"
  finish
fi
js_installed() {
  [ -f "$js_bin" ] && python3 -c "import json,sys; sys.exit(json.load(open(sys.argv[1]))['version'] != sys.argv[2])" \
    "$js_dir/node_modules/json-server/package.json" "$js_version" 2>/dev/null
}
if ! js_installed; then
  mkdir -p "$js_dir"
  if ! (cd "$js_dir" && timeout 300 npm install --prefix "$js_dir" --no-audit --no-fund --loglevel=error \
        "json-server@$js_version") >"$T/npm.log" 2>&1 || ! js_installed; then
    skip "$NL_SCRIPT" "npm install json-server@$js_version into $js_dir failed (no network?): $(tail -n 1 "$T/npm.log")"
    finish
  fi
fi

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start_js DIR PORT ARG...: json-server on DIR/db.json (a copy), its pid in JS_PID; waits until it answers
start_js() {
  local d=$1 port=$2 i; shift 2
  (cd "$d" && exec node "$js_bin" --host 127.0.0.1 --port "$port" --quiet "$@" db.json) \
    </dev/null >"$d/js.out" 2>&1 &
  JS_PID=$!
  nl_helper "$JS_PID"
  for ((i = 0; i < 100; i++)); do
    [ "$(curl -s -o /dev/null --max-time 1 -w '%{http_code}' "http://127.0.0.1:$port/db")" = 200 ] && return 0
    sleep 0.1
  done
  fail_now "json-server did not start" "$(tail -n 5 "$d/js.out")"
}

mkdir -p "$T/js" "$T/nl" "$T/js2" "$T/nl2"
cp "$data/db.json" "$T/js/db.json"
cp "$data/db.json" "$T/nl/db.json"
js_port=$(free_port)
start_js "$T/js" "$js_port" --routes "$data/routes.json" --delay 100 --watch
serve_start rest rest.port=0 "rest.db=$T/nl/rest.db" "rest.migrations=$NL_REPO/db/rest" "rest.seed=$T/nl/db.json" \
  rest.access-log=off "rest.routes=$data/routes.json" rest.delay=100ms rest.watch=true
js=http://127.0.0.1:$js_port
nl=http://127.0.0.1:$PORT_rest

# ask NAME BASE METHOD PATH [BODY]: one request; NAME.{code,head,body,time}
ask() {
  local name=$1 base=$2 method=$3 path=$4 extra=()
  [ $# -lt 5 ] || extra=(-H 'Content-Type: application/json' --data-binary "$5")
  get "$name" "$base$path" -X "$method" "${extra[@]}" -w '%{http_code} %{time_total}'
  read -r code secs <"$T/$name.code" || true
  echo "$code" >"$T/$name.code"
  echo "$secs" >"$T/$name.time"
}

# What a difference may be: same (none), or one that docs/rest.md documents.
COMPARE_PY='
import json, sys
def load(d):
    code = open(d + ".code").read().strip()
    raw = open(d + ".body", "rb").read()
    try:
        body = json.loads(raw) if raw.strip() else None
    except ValueError:
        body = raw.decode("utf-8", "replace")[:80]
    total = None
    for line in open(d + ".head", encoding="latin-1"):
        if line.lower().startswith("x-total-count:"):
            total = line.split(":", 1)[1].strip()
    return code, body, total
def ids_as_numbers(v):
    # documented: a nested POST stores the parent id as a number; json-server keeps the URL text
    if isinstance(v, dict):
        return {k: (int(x) if k.endswith(("Id", "_id")) and isinstance(x, str) and x.isdigit() else ids_as_numbers(x))
                for k, x in v.items()}
    if isinstance(v, list):
        return [ids_as_numbers(x) for x in v]
    return v
ids = lambda b: [i.get("id") for i in b] if isinstance(b, list) else None
show = lambda c, b: c + " " + (json.dumps(ids(b)) if ids(b) is not None and all(isinstance(i, int) for i in ids(b))
                              else json.dumps(b, sort_keys=True))[:60]
for line in open(sys.argv[1]):
  n, mode = line.split()[:2]
  (jc, jb, jt), (nc, nb, nt) = load(sys.argv[2] + "/j" + n), load(sys.argv[2] + "/n" + n)
  jb = ids_as_numbers(jb)
  verdict = "DIFFERENT"
  if mode == "same":
      if (jc, jb, jt) == (nc, nb, nt): verdict = "same"
      elif jc == nc and jb == nb and jt is None: verdict = "same (netloom adds X-Total-Count)"
  elif mode == "delete":
      if (jc, jb) == ("200", {}) and (nc, nb) == ("204", None): verdict = "documented: 204, no body (json-server: 200 {})"
  elif mode == "error":
      if jc == nc == "404" and isinstance(nb, dict) and nb.get("status") == 404: verdict = "documented: problem+json (json-server: {})"
  elif mode.startswith("ne:"):
      extra = [int(x) for x in mode[3:].split(",")]
      if jc == nc == "200" and sorted(ids(jb) + extra) == ids(nb):
          verdict = "documented: keeps items lacking the field " + str(extra) + " (json-server drops them)"
  elif mode.startswith("chain:"):
      extra = [int(x) for x in mode[6:].split(",")]
      if jc == nc == "200" and ids(jb) == sorted(ids(nb) + extra):
          verdict = "documented: the cascade went on to " + str(extra) + " at once (json-server: at its next delete)"
  print(n + "\t" + verdict + "\t" + show(jc, jb) + "\t" + show(nc, nb))
'
rows=()
n=0
# row POINT MODE METHOD PATH [BODY]: the same request to both; compared at the end (compare_all)
row() {
  local point=$1 mode=$2 method=$3 path=$4
  n=$((n + 1))
  ask "j$n" "$js" "$method" "$path" "${@:5}"
  ask "n$n" "$nl" "$method" "$path" "${@:5}"
  printf '%s %s\n' "$n" "$mode" >>"$T/rows.txt"
  what[$n]="$point|$method $path"
}
declare -A what=()
# compare_all: one python for every row (its start is slow on a busy machine), a check per row
compare_all() {
  local num verdict jshow nshow point req
  python3 -c "$COMPARE_PY" "$T/rows.txt" "$T" >"$T/verdicts.tsv" 2>"$T/compare.err" ||
    fail_now "comparing the answers failed" "$(tail -n 5 "$T/compare.err")"
  while IFS=$'\t' read -r num verdict jshow nshow; do
    point=${what[$num]%%|*} req=${what[$num]#*|}
    rows+=("| $point | \`$req\` | $jshow | $nshow | $verdict |")
    check "$point: $req: $verdict" test "$verdict" != DIFFERENT
  done <"$T/verdicts.tsv"
}

row "1 nested" same GET "/posts/1/comments"
row "1 nested" same GET "/users/1/posts?_sort=views&_order=desc"
row "1 nested" same GET "/posts/999/comments"
row "1 nested" same POST "/posts/2/comments" '{"body":"new"}'
row "1 nested" same GET "/posts/2/comments"
row "2 slices" same GET "/posts?_start=2&_end=5"
row "2 slices" same GET "/posts?_end=4"
row "2 slices" same GET "/posts?_start=5&_limit=3"
row "3 _expand" same GET "/posts/1?_expand=category"
row "3 _expand" same GET "/posts/1?_expand=person"
row "4 repeated" same GET "/users/1?_embed=posts&_embed=comments"
row "4 repeated" same GET "/posts/1?_expand=user&_expand=category"
row "6 operators" same GET "/posts?views_gte=100&views_gte=300"
row "6 operators" same GET "/posts?title_like=json&title_like=sql"
row "7 _ne" ne:3 GET "/posts?views_ne=100"
row "9 singular" same GET "/profile"
row "9 singular" same PUT "/profile" '{"name":"netloom","theme":"light"}'
row "9 singular" same PATCH "/profile" '{"theme":"dark"}'
row "10 routes" same GET "/api/posts/2"
row "10 routes" same GET "/blog/3"
row "5 cascade" delete DELETE "/users/4"
row "5 cascade" same GET "/posts"
row "5 cascade" chain:4 GET "/comments"
row "5 cascade" error GET "/posts/4"
row "5 cascade" delete DELETE "/comments/1"
row "5 cascade" same GET "/comments"
row "8 /db" same GET "/db"

# delay: every answer of both took at least the 100 ms asked
slow() {
  awk '$1 < 0.1 { print FILENAME ": " $1 " s"; bad = 1 } END { exit bad }' "$T"/j*.time "$T"/n*.time
}
check "10 delay: every answer of both took 100 ms or more (--delay 100, rest.delay=100ms)" slow
delay_verdict=$(slow >/dev/null && echo same || echo DIFFERENT)

# watch: a new seed file, written to each server's copy, is what both serve
new_seed='{"users": [{"id": 1, "name": "Ada L."}, {"id": 9, "name": "New"}], "posts": [], "profile": {"name": "watched"}}'
printf '%s\n' "$new_seed" >"$T/js/db.json.new" && mv "$T/js/db.json.new" "$T/js/db.json"
printf '%s\n' "$new_seed" >"$T/nl/db.json"
reloaded() {
  local b i
  for b in "$js" "$nl"; do
    for ((i = 0; i < 100; i++)); do
      curl -s --max-time 2 "$b/profile" | grep -q watched && break
      sleep 0.1
    done
  done
}
reloaded
row "10 watch" same GET "/users"
row "10 watch" same GET "/profile"

# foreign-key-suffix: a second pair, json-server --fks _id and rest.foreign-key-suffix=_id
echo '{"users": [{"id": 1, "name": "Ada"}], "posts": [{"id": 1, "title": "t", "user_id": 1}, {"id": 2, "user_id": 2}]}' \
  >"$T/js2/db.json"
cp "$T/js2/db.json" "$T/nl2/db.json"
js_port=$(free_port)
start_js "$T/js2" "$js_port" --fks _id
serve_start rest rest.port=0 "rest.db=$T/nl2/rest.db" "rest.migrations=$NL_REPO/db/rest" "rest.seed=$T/nl2/db.json" \
  rest.access-log=off rest.foreign-key-suffix=_id
js=http://127.0.0.1:$js_port
nl=http://127.0.0.1:$PORT_rest
row "10 fks" same GET "/users/1/posts"
row "10 fks" same GET "/posts/1?_expand=user"
row "10 fks" same GET "/users/1?_embed=posts"

compare_all
rows+=("| 10 delay | every request before the watch | ≥ 0.1 s | ≥ 0.1 s | $delay_verdict |")

{
  echo
  echo "json-server $js_version (node $(node --version)) and netloom rest, the same requests in this order:"
  echo
  echo "| point | request | json-server | netloom | verdict |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
} | tee "$T/table.md"
finish
