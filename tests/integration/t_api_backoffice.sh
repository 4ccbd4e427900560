#!/bin/bash
# t_api_backoffice.sh - the two endpoints the back office needs (SPEC §7,
# §13) on the real stack: GET /v1/me (the key alone; dj-client checked
# when sent) and GET /v1/payments/suppliers (scope: a supplier sees only
# itself, an operator only its tenant; q a literal, case-insensitive
# substring of name or externalId, '%', '_' and '\' literal, Unicode case;
# keyset pages by name then externalId, walked page by page, equal to the
# full ordered list psql computes, served by an index range scan; size
# bounds, bad cursors, control bytes, unknown parameters, 401, 403, HEAD,
# 405, a revoked key).
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

stack_up FTX_FCGI_CHILDREN=2
ME=$FTX_URL/v1/me
S=$FTX_URL/v1/payments/suppliers

# ------------------------------------------------------------ data
# Tenant ta: demo suppliers, names that a LIKE pattern would confuse (and
# their decoys), Unicode case, hostile markup, ties on the name, and 250
# bulk rows sharing 40 names.  Tenant tb: look-alikes that ta must never
# see.
admin demo-data --tenant ta --suppliers 12 --transfers 10 --seed 3 >/dev/null ||
    bail "demo-data ta"
admin demo-data --tenant tb --suppliers 3 --transfers 5 --seed 3 >/dev/null ||
    bail "demo-data tb"
psql_q "
INSERT INTO suppliers (id, tenant_id, external_id, name) VALUES
  ('sx_pct', 'ta', 'X-PCT', '50% off'),
  ('sx_pct_decoy', 'ta', 'X-PCT-DECOY', '500 offers'),
  ('sx_us', 'ta', 'X-US', 'under_score'),
  ('sx_us_decoy', 'ta', 'X-US-DECOY', 'underXscore'),
  ('sx_bs', 'ta', 'X-BS', 'back\\slash'),
  ('sx_bs_decoy', 'ta', 'X-BS-DECOY', 'backslash'),
  ('sx_ecole', 'ta', 'X-ECOLE', 'École Ünïcode'),
  ('sx_xss', 'ta', 'X-XSS', '<img src=x onerror=alert(1)>'),
  ('sx_tie_b', 'ta', 'TIE-B', 'Same Name'),
  ('sx_tie_a', 'ta', 'TIE-A', 'Same Name'),
  ('sx_tie_c', 'ta', 'tie-c', 'Same Name'),
  ('sx_q', 'ta', 'Q-\"quoted\"', 'Quote \"and\" '' apostrophe'),
  ('sx_tb_pct', 'tb', 'X-PCT', '50% off in tb'),
  ('sx_tb_ecole', 'tb', 'TB-ECOLE', 'école tb');
INSERT INTO suppliers (id, tenant_id, external_id, name)
SELECT 'sx_bulk_' || g, 'ta', 'BULK-' || lpad(g::text, 4, '0'),
  'Bulk ' || (g % 40) FROM generate_series(1, 250) g;
ANALYZE suppliers;
" >/dev/null || bail "hand-made suppliers"

newkey() { # TENANT EMAIL ROLE [SUPPLIER]
	_u=$(admin user add --tenant "$1" --email "$2" --role "$3" \
	    ${4:+--supplier "$4"}) && admin key create "$_u"
}
userid() { # EMAIL
	psql_q "SELECT id FROM users WHERE email = '$1'"
}
KOP=$(newkey ta op@ta.test OPERATOR) || bail "operator key"
KS1=$(newkey ta s1@ta.test SUPPLIER SUP-00001) || bail "supplier key"
KXSS=$(newkey ta xss@ta.test SUPPLIER X-XSS) || bail "hostile supplier key"
KOPB=$(newkey tb op@tb.test OPERATOR) || bail "tenant b operator key"
KREV=$(newkey ta rev@ta.test OPERATOR) || bail "key to revoke"
AOP=(-H 'dj-client: OPERATOR' -H "dj-api-key: $KOP")
AS1=(-H 'dj-client: SUPPLIER' -H "dj-api-key: $KS1")

# expected TENANT [CONDITION]: the external ids psql finds, by name then
# external id (the database's collation, as the API's).
expected() {
	psql_q "SELECT external_id FROM suppliers WHERE tenant_id = '$1'
	    AND (${2:-true}) ORDER BY name, external_id"
}
# contains TEXT: the condition "name or external id holds TEXT, ignoring
# case" in SQL (TEXT as an SQL literal, quotes doubled by the caller).
contains() {
	echo "strpos(lower(name), lower('$1')) > 0 OR strpos(lower(external_id), lower('$1')) > 0"
}
# rawhead PATH [HEADER...]: a HEAD request on a raw connection (curl never
# reads a body after HEAD, so it cannot tell whether one came): prints
# "STATUS BYTES-AFTER-THE-HEADERS CONTENT-LENGTH".
rawhead() {
	/usr/bin/python3 - "$FTX_HTTP_PORT" "$@" <<'PY'
import socket, sys
port, path, hdrs = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
s = socket.create_connection(("127.0.0.1", port), timeout=10)
s.sendall(("HEAD %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s\r\n"
    % (path, "".join(h + "\r\n" for h in hdrs))).encode())
data = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    data += b
head, _, rest = data.partition(b"\r\n\r\n")
lines = head.decode("latin-1").split("\r\n")
cl = [l.split(":", 1)[1].strip() for l in lines[1:] if l.lower().startswith("content-length:")]
print(lines[0].split()[1], len(rest), cl[0] if cl else "-")
PY
}
# getlen PATH [HEADER...]: "STATUS CONTENT-LENGTH" of the same GET.
getlen() {
	_p=$1
	shift
	curl -s -o /dev/null -w '%{http_code} %{size_download}' --max-time 10 \
	    "${@/#/-H}" "$FTX_URL$_p"
}
# fcgi_get PATH QUERY [VAR=VALUE...]: CODE and BODY of a GET sent to
# ftx-fcgi directly, with these CGI variables (HTTP_DJ_API_KEY, ...): what
# a web server may refuse by itself (lighttpd: encoded control bytes in
# a URL; an empty header) reaches ftx this way.
SOCK=$(sed -n 's/^listen *= *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$FTX_CONFIG")
fcgi_get() {
	_p=$1 _q=$2
	shift 2
	env -i REQUEST_METHOD=GET "REQUEST_URI=$_p${_q:+?$_q}" "QUERY_STRING=$_q" \
	    "$@" cgi-fcgi -bind -connect "$SOCK" </dev/null >"$FTX_STACK_DIR/fcgi.out" 2>/dev/null
	CODE=$(sed -n '1,/^\r\{0,1\}$/s/^Status: \([0-9]*\).*/\1/p' "$FTX_STACK_DIR/fcgi.out")
	BODY=$(sed '1,/^\r\{0,1\}$/d' "$FTX_STACK_DIR/fcgi.out")
}
have_fcgi() {
	command -v cgi-fcgi >/dev/null 2>&1 && [ -S "$SOCK" ]
}
walk() { # CLIENT KEY SIZE QUERY
	walk_pages "$S" externalId "$@"
}

# ------------------------------------------------------------ GET /v1/me
OPID=$(userid op@ta.test)
req GET "$ME" -H "dj-api-key: $KOP"
is "me: the key alone is enough" "$CODE" 200
is "me: the operator, no supplier" "$BODY" \
    "{\"userId\":\"$OPID\",\"email\":\"op@ta.test\",\"role\":\"OPERATOR\",\"tenant\":{\"id\":\"ta\",\"name\":\"Demo tenant ta\"},\"supplier\":null}"
like "me: JSON" "$HDRS" '^Content-Type: application/json; charset=utf-8$'
ME_OP=$BODY
req GET "$ME" "${AOP[@]}"
is "me: with the matching dj-client, the same" "$CODE $BODY" "200 $ME_OP"
req GET "$ME" -H 'dj-client: SUPPLIER' -H "dj-api-key: $KOP"
is "me: dj-client of the other role: 403" "$CODE $(errs)" '403 CLIENT_MISMATCH:dj-client'
req GET "$ME" -H 'dj-client: operator' -H "dj-api-key: $KOP"
is "me: dj-client not one of the two: 400" "$CODE $(errs)" '400 INVALID_CLIENT:dj-client'
req GET "$ME" -H $'dj-client: OPERATOR\x01' -H "dj-api-key: $KOP"
is "me: a control byte in dj-client: 400 (from the web server or ftx)" "$CODE" 400
if have_fcgi; then
	fcgi_get /v1/me "" "HTTP_DJ_API_KEY=$KOP"
	is "me (FastCGI): the key alone" "$CODE $BODY" "200 $ME_OP"
	fcgi_get /v1/me "" "HTTP_DJ_API_KEY=$KOP" HTTP_DJ_CLIENT=
	is "me (FastCGI): an empty dj-client is sent, and checked" "$CODE $(errs)" '400 INVALID_CLIENT:dj-client'
	fcgi_get /v1/me "" "HTTP_DJ_API_KEY=$KOP" $'HTTP_DJ_CLIENT=OPERATOR\x01'
	is "me (FastCGI): a control byte in dj-client" "$CODE $(errs)" '400 INVALID_CLIENT:dj-client'
	fcgi_get /v1/me "" $'HTTP_DJ_API_KEY=\x01'"$KOP"
	is "me (FastCGI): a control byte in the key" "$CODE $(errs)" '401 INVALID_API_KEY:dj-api-key'
	fcgi_get /v1/payments/suppliers "" "HTTP_DJ_API_KEY=$KOP" HTTP_DJ_CLIENT=
	is "suppliers (FastCGI): an empty dj-client" "$CODE $(errs)" '400 INVALID_CLIENT:dj-client'
else
	skip "me (FastCGI)" "cgi-fcgi (libfcgi-bin) not installed"
fi
req GET "$ME"
is "me: no key: 401" "$CODE $(errs)" '401 MISSING_API_KEY:dj-api-key'
req GET "$ME" -H 'dj-client: OPERATOR'
is "me: no key, dj-client sent: still 401 first" "$CODE $(errs)" '401 MISSING_API_KEY:dj-api-key'
req GET "$ME" -H "dj-api-key: ${KOP%?}x"
is "me: a wrong key: 401" "$CODE $(errs)" '401 INVALID_API_KEY:dj-api-key'
req GET "$ME" -H 'dj-api-key: junk' -H 'dj-client: junk'
is "me: a malformed key before a bad dj-client: 401" "$CODE $(errs)" '401 INVALID_API_KEY:dj-api-key'

req GET "$ME" -H "dj-api-key: $KS1"
is "me: a supplier, its supplier" "$CODE $(jv '[d["role"], d["email"], d["tenant"], sorted(d["supplier"])]')" \
    '200 ["SUPPLIER","s1@ta.test",{"id":"ta","name":"Demo tenant ta"},["externalId","name"]]'
is "me: the supplier's external id and name" "$(jv 'd["supplier"]["externalId"]') $(jv 'd["supplier"]["name"]')" \
    "SUP-00001 $(psql_q "SELECT name FROM suppliers WHERE id = 'sup_ta_00001'")"
is "me: exactly the keys of SPEC 7" "$(jv 'sorted(d)')" '["email","role","supplier","tenant","userId"]'
req GET "$ME" -H "dj-api-key: $KXSS" -H 'dj-client: SUPPLIER'
is "me: a hostile supplier name is a JSON string as it is" \
    "$CODE $(jv 'd["supplier"]["name"]')" '200 <img src=x onerror=alert(1)>'

is "me: HEAD: the GET's status and length, no body" \
    "$(rawhead /v1/me "dj-api-key: $KOP")" "200 0 $(getlen /v1/me "dj-api-key: $KOP" | cut -d' ' -f2)"
req HEAD "$ME" -H "dj-api-key: $KOP"
like "me: HEAD has the GET's Content-Type" "$HDRS" '^Content-Type: application/json; charset=utf-8$'
is "me: HEAD without a key: 401, no body" "$(rawhead /v1/me)" "401 0 $(getlen /v1/me | cut -d' ' -f2)"
req POST "$ME" -H "dj-api-key: $KOP" --data ''
is "me: POST: 405" "$CODE $(errs)" '405 METHOD_NOT_ALLOWED:None'
like "me: Allow: GET, HEAD" "$HDRS" '^Allow: GET, HEAD$'
req GET "$ME/" -H "dj-api-key: $KOP"
is "me/: 404" "$CODE" 404

# ------------------------------------------------------------ suppliers: scope and order
req GET "$S" "${AOP[@]}"
is "suppliers: 200" "$CODE" 200
is "suppliers: the first page, default size 100" \
    "$(jv '[len(d["data"]), d["pageInfo"]["pageSize"], d["pageInfo"]["hasNextPage"]]')" '[100,100,true]'
is "suppliers: items are {externalId, name}" "$(jv 'sorted(set(k for x in d["data"] for k in x))')" \
    '["externalId","name"]'
same "suppliers: the first page is the first 100 by name, externalId" \
    "$(jv '"\n".join(x["externalId"] for x in d["data"])')" "$(expected ta | head -100)"
WANT_TA=$(expected ta)
is "tenant ta has 274 suppliers" "$(echo "$WANT_TA" | grep -c .)" 274
for size in 1 7 100 500; do
	same "operator: walked by $size equals the whole ordered list" \
	    "$(walk OPERATOR "$KOP" "$size" "")" "$WANT_TA"
done
req GET "$S?size=500" "${AOP[@]}"
is "size=500: one page" "$(jv '[len(d["data"]), d["pageInfo"]["hasNextPage"], d["pageInfo"]["nextCursor"]]')" \
    '[274,false,null]'
is "ties on the name: by externalId" \
    "$(jv '" ".join(x["externalId"] for x in d["data"] if x["name"] == "Same Name")')" \
    "$(expected ta "name = 'Same Name'" | tr '\n' ' ' | sed 's/ $//')"
is "a hostile name is data" "$(jv '[x["name"] for x in d["data"] if x["externalId"] == "X-XSS"][0]')" \
    '<img src=x onerror=alert(1)>'
is "quotes in names and ids" "$(jv '[x for x in d["data"] if x["externalId"].startswith("Q-")]')" \
    '[{"externalId":"Q-\"quoted\"","name":"Quote \"and\" '"'"' apostrophe"}]'
same "tenant b's operator: tenant b's suppliers only" \
    "$(walk OPERATOR "$KOPB" 2 "")" "$(expected tb)"
same "supplier: only itself" "$(walk SUPPLIER "$KS1" 1 "")" SUP-00001
same "another supplier: only itself" "$(walk SUPPLIER "$KXSS" 100 "")" X-XSS
req GET "$S?q=SUP-0000" "${AS1[@]}"
is "supplier: q finds only itself among its tenant's" "$CODE $(jv '[x["externalId"] for x in d["data"]]')" \
    '200 ["SUP-00001"]'
req GET "$S?q=X-PCT" "${AS1[@]}"
is "supplier: q matching others only: empty" "$CODE $BODY" \
    '200 {"data":[],"pageInfo":{"pageSize":100,"hasNextPage":false,"nextCursor":null}}'
req GET "$S?supplierIds=X-PCT" "${AS1[@]}"
is "supplier: no supplierIds here either" "$CODE $(errs)" '400 INVALID_PARAMETER:supplierIds'

# ------------------------------------------------------------ suppliers: q
# Each line: q as sent (URL-encoded) | the text psql searches for.
while IFS='|' read -r q text; do
	[ -n "$q" ] || continue
	same "q=$q (operator ta, by 3)" "$(walk OPERATOR "$KOP" 3 "q=$q")" \
	    "$(expected ta "$(contains "$text")")"
done <<'EOF'
50%25|50%
50%25%20off|50% off
_|_
under_score|under_score
%5C|\
back%5Cslash|back\slash
%5Cs|\s
x-pct|x-pct
%C3%A9cole|école
%C3%89COLE|école
%C3%BCn%C3%AFcode|ünïcode
same%20name|same name
bulk%2010|bulk 10
%3Cimg|<img
%22quoted%22|"quoted"
'%20apostrophe|'' apostrophe
bulk+1|bulk 1
nothing%20like%20this|nothing like this
EOF
req GET "$S?q=50%25" "${AOP[@]}"
is "q=50%: '%' literal (no '500 offers')" "$(jv '[x["externalId"] for x in d["data"]]')" '["X-PCT"]'
req GET "$S?q=under_score" "${AOP[@]}"
is "q=under_score: '_' literal (no underXscore)" "$(jv '[x["externalId"] for x in d["data"]]')" '["X-US"]'
req GET "$S?q=back%5Cslash" "${AOP[@]}"
is "q=back\\slash: '\\' literal (no backslash)" "$(jv '[x["externalId"] for x in d["data"]]')" '["X-BS"]'
req GET "$S?q=%C3%A9COLE" "${AOP[@]}"
is "q=éCOLE: Unicode case folded (École)" "$(jv '[x["externalId"] for x in d["data"]]')" '["X-ECOLE"]'
req GET "$S?q=%C3%A9cole" -H 'dj-client: OPERATOR' -H "dj-api-key: $KOPB"
is "tenant b's operator: q finds tenant b's only" "$(jv '[x["externalId"] for x in d["data"]]')" '["TB-ECOLE"]'
req GET "$S?q=" "${AOP[@]}"
is "q empty: no filter" "$(jv 'len(d["data"])')" 100
same "q=bulk%201 walked by 4" "$(walk OPERATOR "$KOP" 4 "q=bulk%201")" \
    "$(expected ta "$(contains "bulk 1")")"

# ------------------------------------------------------------ suppliers: errors
bad() { # DESC QUERY EXPECTED [CLIENT KEY]
	req GET "$S?$2" -H "dj-client: ${4:-OPERATOR}" -H "dj-api-key: ${5:-$KOP}"
	is "$1" "$CODE $(errs)" "$3"
}
# qbad DESC QUERY EXPECTED: through the web server, which may refuse
# encoded control bytes itself (a 400 not in JSON), and straight to ftx.
qbad() {
	req GET "$S?$2" "${AOP[@]}"
	if printf '%s' "$BODY" | /usr/bin/python3 -c 'import json, sys; json.load(sys.stdin)' 2>/dev/null; then
		is "$1 (web server)" "$CODE $(errs)" "$3"
	else
		is "$1 (web server, refused by it)" "$CODE" 400
	fi
	if have_fcgi; then
		fcgi_get /v1/payments/suppliers "$2" HTTP_DJ_CLIENT=OPERATOR "HTTP_DJ_API_KEY=$KOP"
		is "$1 (FastCGI)" "$CODE $(errs)" "$3"
	else
		skip "$1 (FastCGI)" "cgi-fcgi (libfcgi-bin) not installed"
	fi
}
bad "size=0" "size=0" '400 INVALID_PARAMETER:size'
bad "size=501" "size=501" '400 INVALID_PARAMETER:size'
bad "size=abc" "size=abc" '400 INVALID_PARAMETER:size'
bad "size=-1" "size=-1" '400 INVALID_PARAMETER:size'
bad "size twice" "size=1&size=2" '400 INVALID_PARAMETER:size'
bad "a bad cursor" "cursor=junk" '400 INVALID_CURSOR:cursor'
bad "an empty cursor" "cursor=" '400 INVALID_CURSOR:cursor'
req GET "$FTX_URL/v1/payments/funding-transfers?size=1" "${AOP[@]}"
TCUR=$(jv 'd["pageInfo"]["nextCursor"]')
bad "a cursor of the transfer list" "cursor=$TCUR" '400 INVALID_CURSOR:cursor'
req GET "$S?size=2" "${AOP[@]}"
SCUR=$(jv 'd["pageInfo"]["nextCursor"]')
req GET "$FTX_URL/v1/payments/funding-transfers?cursor=$SCUR" "${AOP[@]}"
is "a supplier cursor given to the transfer list" "$CODE $(errs)" '400 INVALID_CURSOR:cursor'
qbad "q with U+0001" "q=a%01b" '400 INVALID_PARAMETER:q'
qbad "q with LF" "q=a%0Ab" '400 INVALID_PARAMETER:q'
qbad "q with CR" "q=a%0Db" '400 INVALID_PARAMETER:q'
qbad "q with NUL" "q=%00" '400 INVALID_PARAMETER:q'
qbad "q with DEL" "q=%7F" '400 INVALID_PARAMETER:q'
qbad "q not UTF-8" "q=%FF" '400 INVALID_PARAMETER:q'
# lighttpd re-encodes a stray '%' (q is then the text "%zz"): straight to
# ftx only.
if have_fcgi; then
	fcgi_get /v1/payments/suppliers "q=%zz" HTTP_DJ_CLIENT=OPERATOR "HTTP_DJ_API_KEY=$KOP"
	is "q badly encoded (FastCGI)" "$CODE $(errs)" '400 INVALID_PARAMETER:q'
fi
bad "an unknown parameter" "name=x" '400 INVALID_PARAMETER:name'
qbad "every problem listed" "size=0&cursor=x&q=%01&foo=1" \
    '400 INVALID_PARAMETER:q INVALID_PARAMETER:foo INVALID_PARAMETER:size INVALID_CURSOR:cursor'
req GET "$S"
is "no key: 401" "$CODE $(errs)" '401 MISSING_API_KEY:dj-api-key'
req GET "$S" -H "dj-api-key: ${KOP%?}x" -H 'dj-client: OPERATOR'
is "a wrong key: 401" "$CODE $(errs)" '401 INVALID_API_KEY:dj-api-key'
req GET "$S" -H "dj-api-key: $KOP"
is "no dj-client: 400 (only /v1/me goes without)" "$CODE $(errs)" '400 INVALID_CLIENT:dj-client'
bad "a supplier's key as OPERATOR: 403" "" '403 CLIENT_MISMATCH:dj-client' OPERATOR "$KS1"
bad "401 before 400" "size=0" '401 INVALID_API_KEY:dj-api-key' OPERATOR junk
AH=('dj-client: OPERATOR' "dj-api-key: $KOP")
is "suppliers: HEAD: the GET's status and length, no body" \
    "$(rawhead '/v1/payments/suppliers?size=3&q=bulk' "${AH[@]}")" \
    "200 0 $(getlen '/v1/payments/suppliers?size=3&q=bulk' "${AH[@]}" | cut -d' ' -f2)"
is "suppliers: HEAD of a 400: 400, no body" \
    "$(rawhead '/v1/payments/suppliers?size=0' "${AH[@]}")" \
    "400 0 $(getlen '/v1/payments/suppliers?size=0' "${AH[@]}" | cut -d' ' -f2)"
is "suppliers: HEAD without dj-client: 400, no body" \
    "$(rawhead /v1/payments/suppliers "dj-api-key: $KOP" | cut -d' ' -f1,2)" "400 0"
req DELETE "$S" "${AOP[@]}"
is "suppliers: DELETE: 405" "$CODE $(errs)" '405 METHOD_NOT_ALLOWED:None'
like "suppliers: Allow: GET, HEAD" "$HDRS" '^Allow: GET, HEAD$'

# ------------------------------------------------------------ keyset
# A page resumes after its cursor's (name, externalId), whatever changed
# before it: a row inserted before the cursor is not seen, one after is.
req GET "$S?size=3" "${AOP[@]}"
P1=$(jv '" ".join(x["externalId"] for x in d["data"])')
CUR=$(jv 'd["pageInfo"]["nextCursor"]')
ok "insert before and after the cursor" psql_q "INSERT INTO suppliers VALUES
  ('sx_early', 'ta', 'EARLY', '!'), ('sx_late', 'ta', 'ZZZ-LATE', 'zzzz')"
same "the rest after the cursor: the old rest, with the later row" \
    "$(walk_pages "$S" externalId OPERATOR "$KOP" 500 "cursor=$CUR")" \
    "$(expected ta "external_id <> 'EARLY'" | tail -n +4)"
is "the first page was the first three" "$P1" "$(expected ta "external_id NOT IN ('EARLY')" | head -3 | tr '\n' ' ' | sed 's/ $//')"

# The page query is a range scan of suppliers_tenant_name_idx with the
# keyset in its Index Cond, and no sort: as the responder runs it, with a
# generic plan, on a table big enough that the planner must choose.
ok "tenant tc with 20000 suppliers" psql_q "INSERT INTO tenants VALUES ('tc', 'tc');
  INSERT INTO suppliers (id, tenant_id, external_id, name) SELECT
  'sx_many_' || g, 'tc', 'M-' || g, 'Many ' || (g % 5000)
  FROM generate_series(1, 20000) g;
  ANALYZE suppliers"
PLAN=$(psql_q "SET plan_cache_mode = force_generic_plan;
PREPARE p(text, text, text, int) AS SELECT s.external_id, s.name
  FROM suppliers s WHERE s.tenant_id = \$1::text
  AND (s.name, s.external_id) > (\$2::text, \$3::text)
  ORDER BY s.name, s.external_id LIMIT \$4::int;
EXPLAIN EXECUTE p('tc', 'Many 5', 'M-5', 101)")
like "plan: an index scan of suppliers_tenant_name_idx" "$PLAN" 'Index (Only )?Scan using suppliers_tenant_name_idx'
like "plan: the keyset is an index condition" "$PLAN" 'Index Cond: .*ROW\(name, external_id\) > ROW'
unlike "plan: no sort" "$PLAN" 'Sort'
KOPC=$(newkey tc op@tc.test OPERATOR) || bail "tenant c operator key"
same "tenant tc walked by 500: every row, in order" \
    "$(walk OPERATOR "$KOPC" 500 "")" "$(expected tc)"

# A cursor holds the name whole (up to 1024 bytes) or is not made: a cut
# name would resume the list elsewhere.
ok "tenant td: names of 1024 and 1025 bytes" psql_q "INSERT INTO tenants VALUES ('td', 'td');
  INSERT INTO suppliers VALUES ('sd1', 'td', 'D-1', repeat('n', 1024)),
  ('sd2', 'td', 'D-2', repeat('n', 1024) || 'a'), ('sd3', 'td', 'D-3', 'z')"
KOPD=$(newkey td op@td.test OPERATOR) || bail "tenant d operator key"
same "long names inside a page" "$(walk OPERATOR "$KOPD" 3 "")" "$(printf 'D-1\nD-2\nD-3')"
req GET "$S?size=1" -H 'dj-client: OPERATOR' -H "dj-api-key: $KOPD"
is "a 1024-byte name ends a page: a cursor" "$CODE $(jv 'd["pageInfo"]["hasNextPage"]')" '200 true'
CUR=$(jv 'd["pageInfo"]["nextCursor"]')
req GET "$S?size=2&cursor=$CUR" -H 'dj-client: OPERATOR' -H "dj-api-key: $KOPD"
is "which resumes right after it" "$CODE $(jv '[x["externalId"] for x in d["data"]]')" '200 ["D-2","D-3"]'
req GET "$S?size=1&cursor=$CUR" -H 'dj-client: OPERATOR' -H "dj-api-key: $KOPD"
is "a 1025-byte name ending a page: 500, no cut cursor" "$CODE $(errs)" '500 INTERNAL_ERROR:None'

# ------------------------------------------------------------ revoked
is "before the revoke" "$(http_code GET "$ME" -H "dj-api-key: $KREV") $(http_code GET "$S" -H 'dj-client: OPERATOR' -H "dj-api-key: $KREV")" '200 200'
ok "revoke" admin key revoke "$KREV"
# Within 5 seconds (SPEC 6) every responder refuses it: 8 requests in a
# row reach both children.
all401() {
	for _i in 1 2 3 4 5 6 7 8; do
		[ "$(http_code GET "$ME" -H "dj-api-key: $KREV")" = 401 ] || return 1
		[ "$(http_code GET "$S" -H 'dj-client: OPERATOR' -H "dj-api-key: $KREV")" = 401 ] || return 1
	done
}
ok "the revoked key: 401 on both within 5 seconds" wait_for 6 all401
req GET "$ME" -H "dj-api-key: $KREV"
is "me: a revoked key: INVALID_API_KEY" "$CODE $(errs)" '401 INVALID_API_KEY:dj-api-key'

# ------------------------------------------------------------ database down
ok "postgresql stopped" pg_stop fast
req GET "$ME" -H "dj-api-key: $KS1"
is "me: 503" "$CODE $(errs)" '503 SERVICE_UNAVAILABLE:None'
req GET "$S" "${AS1[@]}"
is "suppliers: 503" "$CODE $(errs)" '503 SERVICE_UNAVAILABLE:None'
ok "postgresql back" pg_start

done_testing
