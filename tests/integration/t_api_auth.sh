#!/bin/bash
# t_api_auth.sh - routing and authentication of the API on the real stack:
# 404 for unknown paths, 405 with Allow, then dj-api-key (401 missing,
# malformed, unknown, wrong secret, revoked, disabled user), then dj-client
# (400 INVALID_CLIENT, 403 CLIENT_MISMATCH), then the request; the order of
# those checks; revoked keys and disabled users refused within 5 seconds on
# every responder; no secret in the logs; 503 while PostgreSQL is down.
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

PY=/usr/bin/python3
stack_up FTX_FCGI_CHILDREN=4
T=$FTX_URL/v1/payments/funding-transfers
E=$T/export

# codes N CLIENT KEY: the statuses of N GET /export by that key, sorted
# and counted ("200x8"): N above the pool size reaches every child.
codes() {
	for _i in $(seq 1 "$1"); do
		curl -s -o /dev/null -w '%{http_code}\n' --max-time 10 \
		    -H "dj-client: $2" -H "dj-api-key: $3" "$E"
	done | sort | uniq -c | awk '{printf "%sx%s ", $2, $1}' | sed 's/ $//'
}

# ------------------------------------------------------------ data
admin demo-data --tenant aa --suppliers 2 --transfers 5 --seed 1 >/dev/null ||
    bail "demo-data"
newuser() { # TENANT EMAIL ROLE [SUPPLIER]
	admin user add --tenant "$1" --email "$2" --role "$3" ${4:+--supplier "$4"}
}
OP_ID=$(newuser aa op@aa.test OPERATOR) || bail "operator"
SUP_ID=$(newuser aa sup@aa.test SUPPLIER SUP-00001) || bail "supplier"
REV_ID=$(newuser aa rev@aa.test OPERATOR) || bail "revoked user"
DIS_ID=$(newuser aa dis@aa.test OPERATOR) || bail "disabled user"
OP=$(admin key create "$OP_ID") || bail "key"
SUP=$(admin key create "$SUP_ID") || bail "key"
R1=$(admin key create "$REV_ID") || bail "key"
R2=$(admin key create "$REV_ID") || bail "key"
D1=$(admin key create "$DIS_ID") || bail "key"
D2=$(admin key create "$DIS_ID") || bail "key"
SPARE=$(admin key create "$OP_ID") || bail "key"
like "a key reads ftx_<KEYID>_<SECRET>" "$OP" '^ftx_[a-z0-9]{8,32}_[^_]+$'
# keyid KEY / secret KEY
keyid() { printf '%s\n' "$1" | cut -d_ -f2; }
secret() { printf '%s\n' "$1" | cut -d_ -f3-; }
like "the secret has at least 128 bits" "$(secret "$OP" | tr -d '\n' | wc -c)" '^(2[2-9]|[3-9][0-9]|[1-9][0-9][0-9])$'
isnt "two keys differ" "$(secret "$R1")" "$(secret "$R2")"
AOP=(-H 'dj-client: OPERATOR' -H "dj-api-key: $OP")
ASUP=(-H 'dj-client: SUPPLIER' -H "dj-api-key: $SUP")

# ------------------------------------------------------------ health, 404, 405
req GET "$FTX_URL/v1/health"
is "health without a key" "$CODE $BODY" '200 {"status":"ok"}'
req GET "$FTX_URL/v1/health" -H 'dj-api-key: junk' -H 'dj-client: junk'
is "health ignores junk credentials" "$CODE" 200

NOTFOUND='{"errors":[{"code":"NOT_FOUND","field":null,"message":"no such resource"}]}'
for p in /v1/ /v1/health/ /v1/payments \
    /v1/payments/funding-transfers/ /v1/payments/funding-transfers/x \
    /v1/payments/funding-transfers/export/ /v1/payments/funding-transfers/export//x \
    /v1/payments/funding-transfers/export/a/b/c /v1/payments/funding-transfers/exports \
    "/v1/payments/funding-transfers/export/$(printf '%01100d' 1)" \
    "/v1/payments/funding-transfers/export/x%2Fy"; do
	req GET "$FTX_URL$p" "${AOP[@]}"
	is "GET ${p:0:60}: 404" "$CODE $(errs)" '404 NOT_FOUND:None'
done
req GET "$FTX_URL/v1/payments/funding-transfers/x"
is "404 body" "$BODY" "$NOTFOUND"
# Outside /v1/ the web server answers by itself (not the API): / is the
# back office's page (SPEC 13), anything else 403 or 404.
req GET "$FTX_URL/" "${AOP[@]}"
is "GET /: the back office" "$CODE" 200
like "... as HTML" "$HDRS" '^Content-Type: text/html'
for p in /v1 /v2/health /V1/health; do
	req GET "$FTX_URL$p" "${AOP[@]}"
	like "GET $p: 403 or 404" "$CODE" '^40[34]$'
done
req DELETE "$FTX_URL/v1/nothing"
is "unknown path, other method, no key: 404" "$CODE" 404
like "404 is JSON" "$HDRS" '^Content-Type: application/json; charset=utf-8$'

not_allowed() { # METHOD PATH ALLOW
	req "$1" "$FTX_URL$2" -d ''
	is "$1 $2 without a key: 405" "$CODE $(errs)" '405 METHOD_NOT_ALLOWED:None'
	like "$1 $2: Allow: $3" "$HDRS" "^Allow: $3\$"
}
for m in POST PUT PATCH DELETE; do
	not_allowed "$m" /v1/health 'GET, HEAD'
	not_allowed "$m" /v1/payments/funding-transfers 'GET, HEAD'
done
for m in PUT PATCH DELETE; do
	not_allowed "$m" /v1/payments/funding-transfers/export 'POST, GET, HEAD'
done
for m in POST PUT PATCH; do
	not_allowed "$m" /v1/payments/funding-transfers/export/some-id 'GET, HEAD, DELETE'
done
req PUT "$E/x" "${AOP[@]}" -H 'Content-Type: application/json' -d '{'
is "405 comes before the body is read" "$CODE" 405

# ------------------------------------------------------------ 401
# Every endpoint behind a key: METHOD URL.
endpoints="GET $T
POST $E
GET $E
GET $E/some-id
DELETE $E/some-id"
while read -r m u; do
	req "$m" "$u" -H 'dj-client: OPERATOR' -d ''
	is "$m ${u#"$FTX_URL"} without dj-api-key: 401 MISSING_API_KEY" "$CODE $(errs)" '401 MISSING_API_KEY:dj-api-key'
	req "$m" "$u" -H 'dj-client: OPERATOR' -H "dj-api-key: ftx_$(keyid "$OP")_wrong" -d ''
	is "$m ${u#"$FTX_URL"} with a wrong secret: 401 INVALID_API_KEY" "$CODE $(errs)" '401 INVALID_API_KEY:dj-api-key'
done <<EOF
$endpoints
EOF
req GET "$E" -H 'dj-client: OPERATOR' -H 'dj-api-key;'
is "empty dj-api-key: 401 MISSING_API_KEY" "$CODE $(errs)" '401 MISSING_API_KEY:dj-api-key'
like "401 message" "$(jv 'd["errors"][0]["message"]')" '.'

opid=$(keyid "$OP")
opsec=$(secret "$OP")
flipped=$(printf '%s' "$opsec" | sed 's/.$//')$(printf '%s' "$opsec" | tail -c 1 | tr '0-9a-zA-Z' '1-9a-zA-Z0')
for k in nope ftx_ ftx__ "ftx_${opid}" "ftx_${opid}_" "FTX_${opid}_$opsec" \
    "ftx_$(printf '%s' "$opid" | tr a-z A-Z)_$opsec" "ftx_abc_$opsec" \
    "ftx_$(printf '%033d' 0)_$opsec" "ftx_${opid}_$flipped" \
    "ftx_${opid}_$(printf '%s' "$opsec" | cut -c2-)" "ftx_${opid}_${opsec}x" \
    "ftx_${opid}_${opsec}_x" "ftx_zzzzzzzzzzzzzzzz_$opsec" "Bearer $OP" \
    "$OP,$OP" "ftx_${opid}_$(printf '%01000d' 0)"; do
	req GET "$E" -H 'dj-client: OPERATOR' -H "dj-api-key: $k"
	is "dj-api-key '${k:0:40}': 401 INVALID_API_KEY" "$CODE $(errs)" '401 INVALID_API_KEY:dj-api-key'
done
req GET "$E" "${AOP[@]}"
is "the real key works" "$CODE" 200
req GET "$T" "${ASUP[@]}"
is "the supplier's key works" "$CODE" 200

# ------------------------------------------------------------ 400, 403 and the order
for c in '' operator Operator ADMIN 'OPERATOR,SUPPLIER' 'OPERATOR;' SUPPLIERS; do
	req GET "$E" -H "dj-api-key: $OP" ${c:+-H "dj-client: $c"}
	is "dj-client '$c': 400 INVALID_CLIENT" "$CODE $(errs)" '400 INVALID_CLIENT:dj-client'
done
req GET "$T" -H 'dj-client: SUPPLIER' -H "dj-api-key: $OP"
is "operator key as SUPPLIER: 403" "$CODE $(errs)" '403 CLIENT_MISMATCH:dj-client'
req GET "$T" -H 'dj-client: OPERATOR' -H "dj-api-key: $SUP"
is "supplier key as OPERATOR: 403" "$CODE $(errs)" '403 CLIENT_MISMATCH:dj-client'

req GET "$T?size=0"
is "no key and no client: 401 first" "$CODE $(errs)" '401 MISSING_API_KEY:dj-api-key'
req GET "$T?size=0" -H 'dj-client: ADMIN' -H 'dj-api-key: nope'
is "bad key and bad client: 401 first" "$CODE $(errs)" '401 INVALID_API_KEY:dj-api-key'
req POST "$E" -H 'dj-client: ADMIN' -H "dj-api-key: $OP" -H 'Content-Type: application/json' -d '{'
is "bad client and bad JSON: 400 INVALID_CLIENT only" "$CODE $(errs)" '400 INVALID_CLIENT:dj-client'
req POST "$E" -H 'dj-client: SUPPLIER' -H "dj-api-key: $OP" -H 'Content-Type: text/plain' -d '{'
is "client mismatch and a 415 body: 403" "$CODE $(errs)" '403 CLIENT_MISMATCH:dj-client'
req POST "$E" -H "dj-api-key: $OP" -H 'Content-Type: application/json' --data-binary @<(head -c 70000 /dev/zero | tr '\0' ' ')
is "missing client and a 413 body: 400 INVALID_CLIENT" "$CODE $(errs)" '400 INVALID_CLIENT:dj-client'
req GET "$T?size=0&foo=1" -H 'dj-client: SUPPLIER' -H "dj-api-key: $OP"
is "mismatch and bad parameters: 403" "$CODE $(errs)" '403 CLIENT_MISMATCH:dj-client'
req GET "$E/no-such-id" -H "dj-api-key: $OP"
is "bad client before 404 NOT_FOUND of an export" "$CODE $(errs)" '400 INVALID_CLIENT:dj-client'
req DELETE "$E/no-such-id" -H 'dj-client: OPERATOR'
is "no key before 404 of an export" "$CODE $(errs)" '401 MISSING_API_KEY:dj-api-key'
req GET "$T?size=0&cursor=x" "${AOP[@]}"
is "then the request: 400" "$CODE $(errs)" '400 INVALID_PARAMETER:size INVALID_CURSOR:cursor'
req GET "$E/no-such-id" "${AOP[@]}"
is "then the state: 404" "$CODE $(errs)" '404 NOT_FOUND:None'

# ------------------------------------------------------------ revoke, disable
# Five seconds after a revoke (or a disable), no responder takes the key:
# every child is warmed first, so that each holds it in its cache.
is "warm every responder with R1, R2, D1 and D2" \
    "$(codes 12 OPERATOR "$R1") $(codes 12 OPERATOR "$R2") $(codes 12 OPERATOR "$D1") $(codes 12 OPERATOR "$D2")" \
    '200x12 200x12 200x12 200x12'
t0=$EPOCHREALTIME
ok "revoke R1 by KEYID" admin key revoke "$(keyid "$R1")"
ok "disable the user of D1 and D2" admin user disable "$DIS_ID"
sleep "$(awk -v t0="$t0" -v now="$EPOCHREALTIME" 'BEGIN { d = t0 + 5 - now; print (d > 0 ? d : 0) }')"
is "R1 refused by every responder 5 s after the revoke" "$(codes 12 OPERATOR "$R1")" 401x12
is "D1 refused by every responder 5 s after the disable" "$(codes 12 OPERATOR "$D1")" 401x12
is "D2 too" "$(codes 12 OPERATOR "$D2")" 401x12
is "R2 of the revoked key's user still works" "$(codes 8 OPERATOR "$R2")" 200x8
is "other users unaffected" "$(codes 8 OPERATOR "$OP")" 200x8
req GET "$T" -H 'dj-client: OPERATOR' -H "dj-api-key: $R1"
is "a revoked key: INVALID_API_KEY" "$CODE $(errs)" '401 INVALID_API_KEY:dj-api-key'
req GET "$T" -H 'dj-client: OPERATOR' -H "dj-api-key: $D2"
is "a disabled user's key: INVALID_API_KEY" "$CODE $(errs)" '401 INVALID_API_KEY:dj-api-key'
is "warm R2 again" "$(codes 12 OPERATOR "$R2")" 200x12
t0=$EPOCHREALTIME
ok "revoke R2 by the full key" admin key revoke "$R2"
sleep "$(awk -v t0="$t0" -v now="$EPOCHREALTIME" 'BEGIN { d = t0 + 5 - now; print (d > 0 ? d : 0) }')"
is "R2 refused by every responder 5 s after the revoke" "$(codes 12 OPERATOR "$R2")" 401x12
like "key list shows R1 revoked" "$(admin key list --user "$REV_ID")" "^$(keyid "$R1")	$REV_ID	[^	]+	revoked\$"
like "key list shows R2 revoked" "$(admin key list --user "$REV_ID")" "^$(keyid "$R2")	$REV_ID	[^	]+	revoked\$"

# ------------------------------------------------------------ no secret in the logs
leaks=0
for k in "$OP" "$SUP" "$R1" "$R2" "$D1" "$D2" "$SPARE"; do
	if grep -rqF -e "$(secret "$k")" "$FTX_STACK_DIR/log"; then
		leaks=$((leaks + 1))
	fi
done
is "no key secret in any log" "$leaks" 0

# ------------------------------------------------------------ database down
ok "postgresql stopped" pg_stop fast
req GET "$T" "${AOP[@]}"
is "transfer list with the database down: 503" "$CODE $(errs)" '503 SERVICE_UNAVAILABLE:None'
req GET "$E" -H 'dj-client: OPERATOR' -H "dj-api-key: $SPARE"
is "a key never seen (not cached) with the database down: 503" "$CODE $(errs)" '503 SERVICE_UNAVAILABLE:None'
req GET "$E" -H 'dj-client: OPERATOR' -H 'dj-api-key: nope'
is "a malformed key needs no database: 401" "$CODE" 401
req GET "$E" -H 'dj-client: OPERATOR'
is "a missing key needs no database: 401" "$CODE" 401
req GET "$FTX_URL/v1/nothing"
is "404 needs no database" "$CODE" 404
req PUT "$T"
is "405 needs no database" "$CODE" 405
req GET "$FTX_URL/v1/health"
is "health with the database down" "$CODE $BODY" '503 {"status":"unavailable"}'
ok "postgresql started again" pg_start
ok "the key works again" wait_for 15 sh -c "[ \$(curl -s -o /dev/null -w '%{http_code}' -H 'dj-client: OPERATOR' -H 'dj-api-key: $SPARE' '$E') = 200 ]"
is "revoked keys still refused after the restart" "$(codes 4 OPERATOR "$R1")" 401x4

is "no request answered 500" "$(grep -Ec 'request [0-9a-f]+ [A-Z]+ [^ ]+ 500 ' "$FTX_STACK_DIR/log/ftx-fcgi.log")" 0
done_testing
