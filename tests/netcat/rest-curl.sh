#!/usr/bin/env bash
# The rest service (JSON collections over HTTP, /work/shared/rest/CONTRACT.md) against curl, on a
# fresh SQLite file with no seed: creating (201, Location, ETag), listing (X-Total-Count),
# filters (equality, repeat = any of, nested a.b, _gte, _like, _ne, _in), _sort, pages with a
# Link header, single items with ETag and If-None-Match (304), PUT/PATCH with If-Match (200 and
# a new ETag; 412 when stale; merge-patch semantics), DELETE (204, then 404), the error answers
# as application/problem+json (400, 404, 405 with Allow, 412, 413, 415, 422), a CORS preflight,
# and a restart on the same database file (the data and its ETags survive).
# JSON is checked with python3.
# PORT_<svc> is set by serve_start:
# shellcheck disable=SC2154
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v curl >/dev/null 2>&1 || { echo "$NL_SCRIPT: curl is needed: run tests/ensure-tools.sh" >&2; exit 2; }
if ! python3 -c 'import json' </dev/null >/dev/null 2>&1; then
  skip "$NL_SCRIPT" "python3 is needed to check JSON bodies"
  finish
fi

REST_ARGS=(rest rest.port=0 "rest.db=$T/rest.db" "rest.migrations=$NL_REPO/db/rest" rest.seed=off
  "rest.collections=users,posts" rest.access-log=off)
serve_start "${REST_ARGS[@]}"
base=http://127.0.0.1:$PORT_rest

# --- Helpers ----------------------------------------------------------------------------------
JSON_CT=(-H 'Content-Type: application/json')

# send NAME METHOD PATH JSON [CURL-ARG...]: a request with a JSON body (Content-Type
# application/json unless a -H 'Content-Type: ...' comes in the extra arguments).
send() {
  local name=$1 method=$2 path=$3 body=$4; shift 4
  local ct=("${JSON_CT[@]}") a
  for a in "$@"; do [[ ${a,,} != content-type:* ]] || ct=(); done
  get "$name" "$base$path" -X "$method" "${ct[@]}" --data-binary "$body" "$@"
}

# JSON: a Python expression over the parsed body `j` (and `names(j)`: the "name" of each item
# of a list, in order). json_ok passes when it is true; json_val prints it (strings raw).
JSON_PY='
import json, sys
def names(items): return [i.get("name") for i in items]
with open(sys.argv[1], "rb") as f:
    j = json.load(f)
v = eval(sys.argv[2])
if sys.argv[3] == "ok":
    sys.exit(0 if v else 1)
print(v if isinstance(v, str) else json.dumps(v))
'
json_ok() {  # json_ok NAME PY-EXPR
  if timeout 20 python3 -c "$JSON_PY" "$T/$1.body" "$2" ok </dev/null 2>"$T/$1.pyerr"; then return 0; fi
  echo "expected the JSON body to satisfy: $2"
  [ ! -s "$T/$1.pyerr" ] || tail -n 1 "$T/$1.pyerr"
  show "$1"
  return 1
}
json_val() {  # json_val NAME PY-EXPR: prints the value (empty when the body is not such JSON)
  timeout 20 python3 -c "$JSON_PY" "$T/$1.body" "$2" val </dev/null 2>/dev/null || true
}

# An RFC 9457 problem: the status code, Content-Type application/problem+json, and a body
# with type, title and the same status.
problem_is() {  # problem_is NAME STATUS
  code_is "$1" "$2" || return 1
  hdr_is "$1" Content-Type 'application/problem\+json(;.*)?' || return 1
  json_ok "$1" "isinstance(j, dict) and j.get('status') == $2 and isinstance(j.get('title'), str) and 'type' in j"
}

ok_json() {  # ok_json NAME CODES: status, and Content-Type application/json
  code_is "$1" "$2" || return 1
  hdr_is "$1" Content-Type 'application/json(;.*)?'
}

etag_re='"[0-9]+"'   # the contract: ETag "N", strong

new_etag() {  # new_etag NAME OLD-ETAG: NAME's ETag is "N" and differs from OLD-ETAG
  local v
  v=$(hdr "$1" ETag)
  [[ $v =~ ^$etag_re$ ]] && [ "$v" != "$2" ] && return 0
  echo "ETag: '${v:-(absent)}', before: '$2'"
  show "$1"
  return 1
}

distinct() {  # distinct VALUE...: no two are equal
  [ "$(printf '%s\n' "$@" | sort -u | wc -l)" -eq $# ] && return 0
  echo "not all different: $*"
  return 1
}

has_all() {  # has_all NAME FIELD WORD...: FIELD (a comma list, any case) names every WORD, or is *
  local name=$1 field=$2 v w rc=0; shift 2
  v=",$(hdr "$name" "$field" | tr -d ' ' | tr '[:upper:]' '[:lower:]'),"
  [ "$v" != ",*," ] || return 0
  for w in "$@"; do [[ $v == *",${w,,},"* ]] || { echo "$field lacks $w"; rc=1; }; done
  [ "$rc" -eq 0 ] || show "$name"
  return "$rc"
}

# --- An empty start ---------------------------------------------------------------------------
get root0 "$base/"
check "GET /: 200 application/json" ok_json root0 200
check "GET /: collections {\"users\": 0, \"posts\": 0} (no seed)" \
  json_ok root0 "j.get('collections') == {'users': 0, 'posts': 0}"
get empty "$base/users"
check "GET /users on an empty collection: 200 application/json" ok_json empty 200
check "GET /users on an empty collection: []" json_ok empty "j == []"
check "GET /users on an empty collection: X-Total-Count: 0" hdr_is empty X-Total-Count 0

# --- Create -----------------------------------------------------------------------------------
ada='{"name": "Ada Lovelace", "email": "ada@example.com", "role": "admin", "age": 36, "active": true, "address": {"city": "London"}}'
send c_ada POST /users "$ada"
check "POST /users: 201" code_is c_ada 201
check "POST /users: Content-Type application/json" hdr_is c_ada Content-Type 'application/json(;.*)?'
ada_id=$(json_val c_ada "j['id']")
check "POST /users: the body is the stored object with a positive integer id" \
  json_ok c_ada "isinstance(j.get('id'), int) and not isinstance(j['id'], bool) and j['id'] > 0 and {k: v for k, v in j.items() if k != 'id'} == json.loads('''$ada''')"
check "POST /users: Location: /users/$ada_id" hdr_is c_ada Location "(http://127\.0\.0\.1:$PORT_rest)?/users/$ada_id"
check "POST /users: ETag \"N\" (strong)" hdr_is c_ada ETag "$etag_re"
ada_etag0=$(hdr c_ada ETag)

# Five more; ages chosen so that comparing them as text would give other answers (9 vs 72).
declare -A id=()
id[ada]=$ada_id
create_user() {  # create_user KEY JSON: POSTs, records the id
  send "c_$1" POST /users "$2"
  id[$1]=$(json_val "c_$1" "j['id']")
}
create_user alan '{"name": "Alan Turing", "email": "alan@example.com", "role": "editor", "age": 41, "active": true, "address": {"city": "Manchester"}}'
create_user grace '{"name": "Grace Hopper", "email": "grace@example.com", "role": "admin", "age": 85, "active": false, "address": {"city": "New York"}}'
create_user edsger '{"name": "Edsger Dijkstra", "email": "edsger@example.com", "role": "viewer", "age": 72, "active": true, "address": {"city": "Nuenen"}}'
create_user barbara '{"name": "Barbara Liskov", "email": "barbara@example.com", "role": "admin", "age": 84, "active": true, "address": {"city": "Boston"}}'
create_user kay '{"name": "Kay Nine", "email": "kay@example.com", "role": "editor", "age": 9, "active": false, "address": {"city": "London"}}'
five_created() {
  local k rc=0
  for k in alan grace edsger barbara kay; do
    [ "$(cat "$T/c_$k.code")" = 201 ] && [[ ${id[$k]} =~ ^[1-9][0-9]*$ ]] && continue
    echo "POST for $k:"; show "c_$k"; rc=1
  done
  [ "$rc" -eq 0 ] || return 1
  local all
  all=$(printf '%s\n' "${id[@]}" | sort -u | wc -l)
  [ "$all" -eq 6 ] || { echo "the six ids are not distinct: ${id[*]}"; return 1; }
}
check "POST five more users: 201 each, six distinct ids" five_created
by_id=$(for k in ada alan grace edsger barbara kay; do echo "${id[$k]} $k"; done | sort -n | cut -d' ' -f2 | tr '\n' ' ')

send c_post POST /posts "{\"title\": \"Notes on the Analytical Engine\", \"userId\": $ada_id}"
check "POST /posts: 201 with an id" json_ok c_post "isinstance(j.get('id'), int) and j.get('title') == 'Notes on the Analytical Engine'"
post_id=$(json_val c_post "j['id']")
get root1 "$base/"
check "GET /: the counts are now users 6, posts 1" \
  json_ok root1 "j.get('collections') == {'users': 6, 'posts': 1}"

# --- List and filters -------------------------------------------------------------------------
get all "$base/users"
check "GET /users: 200 application/json" ok_json all 200
check "GET /users: X-Total-Count: 6" hdr_is all X-Total-Count 6
check "GET /users: an array of the six, each with its id" \
  json_ok all "isinstance(j, list) and sorted(i['id'] for i in j) == sorted([${id[ada]}, ${id[alan]}, ${id[grace]}, ${id[edsger]}, ${id[barbara]}, ${id[kay]}])"
check "GET /users: the items are as created (Ada's object in full)" \
  json_ok all "[i for i in j if i['id'] == $ada_id] == [dict(json.loads('''$ada'''), id=$ada_id)]"

# filter NAME QUERY CHECK-NAME SET-OF-NAMES [TOTAL]: GET /users?QUERY gives exactly those names.
filter() {
  local name=$1 query=$2 want=$3 total=${4:-}
  get "$name" "$base/users?$query"
  code_is "$name" 200 || return 1
  json_ok "$name" "isinstance(j, list) and sorted(names(j)) == sorted($want)" || return 1
  [ -z "$total" ] || hdr_is "$name" X-Total-Count "$total"
}
check "?role=admin: Ada, Grace, Barbara; X-Total-Count: 3" \
  filter f_role 'role=admin' "['Ada Lovelace', 'Grace Hopper', 'Barbara Liskov']" 3
check "?role=viewer&role=editor (repeat = any of): Alan, Edsger, Kay" \
  filter f_or 'role=viewer&role=editor' "['Alan Turing', 'Edsger Dijkstra', 'Kay Nine']" 3
check "?age_gte=72: 72, 84, 85 (numbers compare as numbers: not 9; 72 included)" \
  filter f_gte 'age_gte=72' "['Edsger Dijkstra', 'Barbara Liskov', 'Grace Hopper']" 3
check "?age_lt=41: Ada (36) and Kay (9); 41 excluded" \
  filter f_lt 'age_lt=41' "['Ada Lovelace', 'Kay Nine']" 2
check "?role=admin&age_gte=80: conditions combine with AND" \
  filter f_and 'role=admin&age_gte=80' "['Grace Hopper', 'Barbara Liskov']" 2
check "?name_like=LOVE: substring, case-insensitive: Ada Lovelace" \
  filter f_like 'name_like=LOVE' "['Ada Lovelace']" 1
check "?email_like=%40example: a percent-encoded value is decoded (all six)" \
  filter f_like2 'email_like=%40example' "['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra', 'Barbara Liskov', 'Kay Nine']" 6
check "?address.city=London (nested field): Ada and Kay" \
  filter f_nested 'address.city=London' "['Ada Lovelace', 'Kay Nine']" 2
check "?role_ne=admin: Alan, Edsger, Kay" \
  filter f_ne 'role_ne=admin' "['Alan Turing', 'Edsger Dijkstra', 'Kay Nine']" 3
check "?age_in=9,41,99: Kay and Alan" \
  filter f_in 'age_in=9,41,99' "['Kay Nine', 'Alan Turing']" 2
check "?role=nobody: [] and X-Total-Count: 0" filter f_none 'role=nobody' "[]" 0

sorted_is() {  # sorted_is NAME QUERY PY-LIST-OF-NAMES: GET /users?QUERY gives these names in this order
  get "$1" "$base/users?$2"
  code_is "$1" 200 || return 1
  json_ok "$1" "names(j) == $3"
}
check "?_sort=-age: oldest first" sorted_is s_age '_sort=-age' \
  "['Grace Hopper', 'Barbara Liskov', 'Edsger Dijkstra', 'Alan Turing', 'Ada Lovelace', 'Kay Nine']"
check "?_sort=age: youngest first (9 before 36: as numbers)" sorted_is s_age2 '_sort=age' \
  "['Kay Nine', 'Ada Lovelace', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov', 'Grace Hopper']"
check "?_sort=role,-age: by role, then oldest first within a role" sorted_is s_two '_sort=role,-age' \
  "['Grace Hopper', 'Barbara Liskov', 'Ada Lovelace', 'Alan Turing', 'Kay Nine', 'Edsger Dijkstra']"
check "?_sort=name&role=admin: filtered and sorted" sorted_is s_filt '_sort=name&role=admin' \
  "['Ada Lovelace', 'Barbara Liskov', 'Grace Hopper']"

# Pages: sorted by id, two per page, three pages.
page_names() {  # the names of the users on page N of 2 per page, sorted by id, as a Python list
  local n=$1 i=0 k out=()
  for k in $by_id; do
    i=$((i + 1))
    if [ "$i" -gt $(((n - 1) * 2)) ] && [ "$i" -le $((n * 2)) ]; then out+=("'$(json_val "c_$k" "j['name']")'"); fi
  done
  local IFS=,; echo "[${out[*]}]"
}
# link NAME REL: the target of the Link header's link with rel=REL (prev also finds "previous"),
# resolved against the request's URL; empty when there is none.
link() {
  hdr "$1" Link | python3 -c '
import re, sys, urllib.parse
want = {"prev", "previous"} if sys.argv[1] == "prev" else {sys.argv[1]}
for target, params in re.findall(r"<([^>]*)>((?:\s*;\s*[^,;]+)*)", sys.stdin.read()):
    rel = re.search(r";\s*rel\s*=\s*\"?([^\";]+)\"?", params)
    if rel and want & set(rel.group(1).lower().split()):
        print(urllib.parse.urljoin(sys.argv[2], target)); break' "$2" "$(sed 's/^curl .* //' "$T/$1.req")"
}
get p2 "$base/users?_sort=id&_page=2&_per_page=2"
check "?_sort=id&_page=2&_per_page=2: the 3rd and 4th users" json_ok p2 "names(j) == $(page_names 2)"
check "?_page=2&_per_page=2: X-Total-Count: 6 (all matches, not the page)" hdr_is p2 X-Total-Count 6
links_next_prev() {
  [ -n "$(link p2 next)" ] && [ -n "$(link p2 prev)" ] && return 0
  echo "no rel=next or no rel=prev in Link"; show p2; return 1
}
check "?_page=2&_per_page=2: a Link header with rel=\"next\" and rel=\"prev\"" links_next_prev
next_url=$(link p2 next)
prev_url=$(link p2 prev)
get p3 "$next_url"
check "following rel=next: page 3, the 5th and 6th users" json_ok p3 "names(j) == $(page_names 3)"
no_next() { [ -z "$(link p3 next)" ] || { echo "a rel=next on the last page"; show p3; return 1; }; }
check "page 3 of 3: no rel=\"next\" in its Link" no_next
get p1 "$prev_url"
check "following rel=prev from page 2: page 1, the 1st and 2nd users" json_ok p1 "names(j) == $(page_names 1)"
get plimit "$base/users?_sort=id&_limit=4"
check "?_limit=4 (alias of _per_page): the first four" json_ok plimit "len(j) == 4"
get pfields "$base/users?_fields=id,name&name=Ada%20Lovelace"
check "?_fields=id,name: only those fields" json_ok pfields "j == [{'id': $ada_id, 'name': 'Ada Lovelace'}]"
get pbad "$base/users?_sortt=name"
check "?_sortt=name (an unknown _ parameter): 400 problem" problem_is pbad 400

# --- One item, ETag, If-None-Match -------------------------------------------------------------
get one "$base/users/$ada_id"
check "GET /users/$ada_id: 200 application/json" ok_json one 200
check "GET /users/$ada_id: the stored object" json_ok one "j == dict(json.loads('''$ada'''), id=$ada_id)"
check "GET /users/$ada_id: ETag \"N\", the one POST gave" hdr_is one ETag "$ada_etag0"
ada_etag=$(hdr one ETag)
get inm "$base/users/$ada_id" -H "If-None-Match: $ada_etag"
check "If-None-Match: <its ETag>: 304" code_is inm 304
check "304: no body" body_empty inm
check "304: carries the ETag" hdr_is inm ETag "$ada_etag"
get inm2 "$base/users/$ada_id" -H 'If-None-Match: "999999999"'
check "If-None-Match: another tag: 200 and the object" json_ok inm2 "j.get('id') == $ada_id"
get inm3 "$base/users/$ada_id" -H 'If-None-Match: *'
check "If-None-Match: * on an existing item: 304" code_is inm3 304

# --- Update: PUT and PATCH with If-Match -------------------------------------------------------
ada2='{"name": "Ada King", "email": "ada@example.com", "role": "admin", "age": 37, "active": true}'
send put1 PUT "/users/$ada_id" "$ada2" -H "If-Match: $ada_etag"
check "PUT /users/$ada_id with If-Match: <current ETag>: 200" ok_json put1 200
check "PUT: the body is the replacement with the same id (address gone: replace, not merge)" \
  json_ok put1 "j == dict(json.loads('''$ada2'''), id=$ada_id)"
check "PUT: a new ETag" new_etag put1 "$ada_etag"
etag_put=$(hdr put1 ETag)

send put_stale PUT "/users/$ada_id" '{"name": "Stale Write"}' -H "If-Match: $ada_etag"
check "PUT with If-Match: <the ETag before the PUT>: 412 problem" problem_is put_stale 412

send patch1 PATCH "/users/$ada_id" '{"age": 38, "email": null, "address": {"city": "Marylebone"}}' \
  -H 'Content-Type: application/merge-patch+json' -H "If-Match: $etag_put"
check "PATCH (application/merge-patch+json) with If-Match: <current ETag>: 200" ok_json patch1 200
check "PATCH: merged (age 38, email removed by null, address added, name kept)" \
  json_ok patch1 "j == {'id': $ada_id, 'name': 'Ada King', 'role': 'admin', 'age': 38, 'active': True, 'address': {'city': 'Marylebone'}}"
check "PATCH: a new ETag" new_etag patch1 "$etag_put"
etag_patch=$(hdr patch1 ETag)

send patch_stale PATCH "/users/$ada_id" '{"age": 1}' -H "If-Match: $etag_put"
check "PATCH with If-Match: <the ETag before the PATCH>: 412 problem" problem_is patch_stale 412
send patch2 PATCH "/users/$ada_id" '{"address": {"zip": "W1"}}'
check "PATCH (application/json) without If-Match: 200, nested objects merge" \
  json_ok patch2 "j.get('address') == {'city': 'Marylebone', 'zip': 'W1'} and j.get('age') == 38"
etag_patch2=$(hdr patch2 ETag)
get after "$base/users/$ada_id"
check "GET after the updates: the refused 412 writes changed nothing" \
  json_ok after "j == {'id': $ada_id, 'name': 'Ada King', 'role': 'admin', 'age': 38, 'active': True, 'address': {'city': 'Marylebone', 'zip': 'W1'}}"
check "GET after the updates: the ETag the last PATCH gave" hdr_is after ETag "$etag_patch2"
check "the ETags of the writes are all different" distinct "$ada_etag" "$etag_put" "$etag_patch" "$etag_patch2"

send put_new PUT /posts/500 '{"title": "Put in place"}'
check "PUT /posts/500 (no such item yet): 201" code_is put_new 201
get get_new "$base/posts/500"
check "GET /posts/500 after that PUT: the object with id 500" json_ok get_new "j == {'id': 500, 'title': 'Put in place'}"

# --- Delete -------------------------------------------------------------------------------------
get del_stale "$base/users/${id[kay]}" -X DELETE -H 'If-Match: "999999999"'
check "DELETE with a stale If-Match: 412 problem" problem_is del_stale 412
get del "$base/users/${id[kay]}" -X DELETE
check "DELETE /users/${id[kay]}: 204" code_is del 204
check "DELETE: no body" body_empty del
get gone "$base/users/${id[kay]}"
check "GET the deleted item: 404 application/problem+json" problem_is gone 404
get del2 "$base/users/${id[kay]}" -X DELETE
check "DELETE it again: 404 problem" problem_is del2 404
get count5 "$base/users"
check "GET /users after the delete: X-Total-Count: 5" hdr_is count5 X-Total-Count 5

# --- Errors -------------------------------------------------------------------------------------
send e_malformed POST /users '{"name": "Broken",'
check "POST malformed JSON: 400 application/problem+json" problem_is e_malformed 400
send e_array POST /users '[{"name": "in an array"}]'
check "POST a JSON array: 422 problem" problem_is e_array 422
send e_scalar POST /users '42'
check "POST a JSON number: 422 problem" problem_is e_scalar 422
send e_text POST /users '{"name": "as text"}' -H 'Content-Type: text/plain'
check "POST with Content-Type: text/plain: 415 problem" problem_is e_text 415
send e_put_text PUT "/users/${id[alan]}" '{"name": "as text"}' -H 'Content-Type: text/plain'
check "PUT with Content-Type: text/plain: 415 problem" problem_is e_put_text 415
python3 -c 'import sys; sys.stdout.write("{\"blob\": \"" + "x" * (1024 * 1024 + 100) + "\"}")' >"$T/big.json"
get e_big "$base/users" -X POST "${JSON_CT[@]}" --data-binary "@$T/big.json"
check "POST a body over rest.max-body (1 MiB): 413 problem" problem_is e_big 413
get e_coll "$base/nope"
check "GET /nope (unknown collection): 404 problem" problem_is e_coll 404
send e_coll_post POST /nope '{"a": 1}'
check "POST /nope (unknown collection, auto-collections off): 404 problem" problem_is e_coll_post 404
get e_id "$base/users/999999"
check "GET /users/999999 (no such id): 404 problem" problem_is e_id 404
get e_405 "$base/users" -X DELETE
check "DELETE /users (the collection): 405 problem" problem_is e_405 405
allow_ok() {  # allow_ok NAME MUST-HAVE... : the Allow field lists these methods and not DELETE
  local name=$1 v m rc=0; shift
  v=",$(hdr "$name" Allow | tr -d ' '),"
  for m in "$@"; do [[ $v == *",$m,"* ]] || { echo "Allow lacks $m"; rc=1; }; done
  [[ $v != *,DELETE,* ]] || { echo "Allow lists DELETE"; rc=1; }
  [ "$rc" -eq 0 ] || show "$name"
  return "$rc"
}
check "405 on DELETE /users: Allow lists GET and POST, not DELETE" allow_ok e_405 GET POST
get after_errors "$base/users"
check "after the refused requests: still 5 users" hdr_is after_errors X-Total-Count 5

# --- CORS ---------------------------------------------------------------------------------------
get pre "$base/users/${id[alan]}" -X OPTIONS -H 'Origin: http://app.example' \
  -H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: content-type, if-match'
check "CORS preflight (OPTIONS, Origin, Access-Control-Request-Method: PUT): 204" code_is pre 204
check "preflight: Access-Control-Allow-Origin: * or the origin" \
  hdr_is pre Access-Control-Allow-Origin '\*|http://app\.example'
check "preflight: Access-Control-Allow-Methods includes PUT" has_all pre Access-Control-Allow-Methods PUT
check "preflight: Access-Control-Allow-Headers covers content-type and if-match" \
  has_all pre Access-Control-Allow-Headers content-type if-match
get cors_get "$base/users" -H 'Origin: http://app.example'
check "GET with Origin: Access-Control-Allow-Origin" hdr_is cors_get Access-Control-Allow-Origin '\*|http://app\.example'
check "GET with Origin: Access-Control-Expose-Headers names ETag, Location, Link, X-Total-Count" \
  has_all cors_get Access-Control-Expose-Headers ETag Location Link X-Total-Count

# --- Restart on the same database file ----------------------------------------------------------
get before "$base/users?_sort=id"
get before_one "$base/users/${id[alan]}"
alan_etag=$(hdr before_one ETag)
nl_stop_and_check "$SERVER_PID" TERM "rest: exits 0 on SIGTERM (before the restart)"
check "rest: the port is closed after the stop" port_closed "$PORT_rest"
serve_start "${REST_ARGS[@]}"
base=http://127.0.0.1:$PORT_rest
get restarted "$base/users?_sort=id"
same_list() {
  code_is restarted 200 || return 1
  json_ok restarted "j == json.load(open('$T/before.body')) and len(j) == 5"
}
check "after a restart on the same rest.db: GET /users?_sort=id is the same list" same_list
check "after the restart: X-Total-Count: 5" hdr_is restarted X-Total-Count 5
get r_ada "$base/users/$ada_id"
check "after the restart: Ada's updated object" \
  json_ok r_ada "j == {'id': $ada_id, 'name': 'Ada King', 'role': 'admin', 'age': 38, 'active': True, 'address': {'city': 'Marylebone', 'zip': 'W1'}}"
get r_inm "$base/users/${id[alan]}" -H "If-None-Match: $alan_etag"
check "after the restart: If-None-Match with the ETag from before: 304 (ETags survive)" code_is r_inm 304
get r_post "$base/posts/$post_id"
check "after the restart: the post is there" json_ok r_post "j.get('title') == 'Notes on the Analytical Engine'"
get r_gone "$base/users/${id[kay]}"
check "after the restart: the deleted user stays deleted (404)" problem_is r_gone 404
send r_new POST /users '{"name": "After Restart"}'
check "after the restart: POST gives a new id, not one in use" \
  json_ok r_new "isinstance(j.get('id'), int) and j['id'] not in [${id[ada]}, ${id[alan]}, ${id[grace]}, ${id[edsger]}, ${id[barbara]}]"
get r_root "$base/"
check "after the restart: GET / counts users 6, posts 2" json_ok r_root "j.get('collections') == {'users': 6, 'posts': 2}"

finish
