#!/bin/bash
# t_api_exports.sh - POST, GET (list and one) and DELETE of
# /v1/payments/funding-transfers/export on the real stack: the export
# object, normalised filters and cc, every 400/413/415 of the body, one
# PENDING export per user (also under 20 concurrent POSTs), cancel,
# Idempotency-Key (replay, reuse, per user, concurrent), the list (pages,
# status filter, EXPIRED shown from expiresAt on), isolation between users
# and suppliers, 503 with PostgreSQL down and nothing created.
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

PY=/usr/bin/python3
stack_up FTX_FCGI_CHILDREN=4
stop_exportd
E=$FTX_URL/v1/payments/funding-transfers/export
EPATH=/v1/payments/funding-transfers/export
JSON=(-H 'Content-Type: application/json')

# post AUTH-ARRAY-NAME BODY [curl args]: POST with a JSON body.
post() {
	_a="$1[@]"
	_b=$2
	shift 2
	req POST "$E" "${!_a}" "${JSON[@]}" --data-binary "$_b" "$@"
}
# walk CLIENT KEY SIZE QUERY: every exportId of the caller's list.
walk() {
	walk_pages "$E" exportId "$@"
}
nexports() {
	psql_q "SELECT count(*) FROM exports WHERE user_id = '$1'"
}
TS='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'

# ------------------------------------------------------------ data
admin demo-data --tenant ea --suppliers 2 --transfers 10 --seed 3 >/dev/null ||
    bail "demo-data ea"
admin tenant add eb "Other tenant" >/dev/null || bail "tenant eb"
admin supplier add --tenant eb --external-id OTHER --name Other >/dev/null ||
    bail "supplier OTHER"
# user VAR TENANT EMAIL ROLE [SUPPLIER]: VAR_ID = the user, VAR = its key.
user() {
	_id=$(admin user add --tenant "$2" --email "$3" --role "$4" \
	    ${5:+--supplier "$5"}) || bail "user $3"
	_key=$(admin key create "$_id") || bail "key of $3"
	printf -v "$1_ID" '%s' "$_id"
	printf -v "$1" '%s' "$_key"
}
user OP1 ea op1@ea.test OPERATOR
user OP2 ea op2@ea.test OPERATOR
user OP3 ea op3@ea.test OPERATOR
user OP4 ea op4@ea.test OPERATOR
user OP5 ea op5@ea.test OPERATOR
user SUP1 ea sup1@ea.test SUPPLIER SUP-00001
user SUP2 ea sup2@ea.test SUPPLIER SUP-00002
A1=(-H 'dj-client: OPERATOR' -H "dj-api-key: $OP1")
A2=(-H 'dj-client: OPERATOR' -H "dj-api-key: $OP2")
A3=(-H 'dj-client: OPERATOR' -H "dj-api-key: $OP3")
S1=(-H 'dj-client: SUPPLIER' -H "dj-api-key: $SUP1")
# shellcheck disable=SC2034 # used by name below
S2=(-H 'dj-client: SUPPLIER' -H "dj-api-key: $SUP2")

# ------------------------------------------------------------ create, get, cancel
req POST "$E" "${A1[@]}" -d ''
is "empty body: 201" "$CODE" 201
X=$(jv 'd["exportId"]')
like "Location names the export" "$HDRS" "^Location: $EPATH/$X\$"
like "JSON content type" "$HDRS" '^Content-Type: application/json; charset=utf-8$'
is "every key of the export object" "$(jv 'sorted(d.keys())')" \
    '["cc","clientType","completedAt","compression","createdAt","downloadUrl","expiresAt","exportId","failureReason","fileSize","filters","requestedBy","rowCount","sha256","status","undeliveredRecipients","updatedAt"]'
is "a new export" "$(jv '[d[k] for k in ("status", "clientType", "requestedBy", "filters", "cc")]')" \
    "[\"PENDING\",\"OPERATOR\",{\"email\":\"op1@ea.test\",\"userId\":\"$OP1_ID\"},{},[]]"
is "nulls until generated" "$(jv '[d[k] for k in ("completedAt", "expiresAt", "rowCount", "fileSize", "sha256", "downloadUrl", "failureReason", "undeliveredRecipients")]')" \
    '[null,null,null,null,null,null,null,[]]'
like "createdAt format" "$(jv 'd["createdAt"]')" "$TS"
like "updatedAt format" "$(jv 'd["updatedAt"]')" "$TS"
is "stored PENDING" "$(psql_q "SELECT status, user_id, client_type FROM exports WHERE id = '$X'")" "PENDING|$OP1_ID|OPERATOR"
created=$BODY

post A1 '{"filters":{"currency":"USD"}}'
is "second POST while PENDING: 409" "$CODE" 409
is "409 code" "$(errs)" 'EXPORT_ALREADY_PENDING:None'
like "409 names the pending export" "$(jv 'd["errors"][0]["message"]')" "$X"
post A1 '{"filters":{"currency":"US"}}'
is "validation before the pending check" "$CODE $(errs)" '400 INVALID_FILTER:filters.currency'
is "nothing created by the 409 and the 400" "$(nexports "$OP1_ID")" 1

req GET "$E/$X" "${A1[@]}"
is "GET one: 200" "$CODE" 200
is "GET one is what POST answered" "$(jv 'd')" "$(BODY=$created jv 'd')"
unlike "GET one has no Location" "$HDRS" '^Location:'
req GET "$E/$X" "${A2[@]}"
is "another operator: 404" "$CODE $(errs)" '404 NOT_FOUND:None'
req GET "$E/$X" "${S1[@]}"
is "a supplier: 404" "$CODE $(errs)" '404 NOT_FOUND:None'
req DELETE "$E/$X" "${A2[@]}"
is "DELETE by another user: 404" "$CODE $(errs)" '404 NOT_FOUND:None'
is "still PENDING after the other user's DELETE" "$(psql_q "SELECT status FROM exports WHERE id = '$X'")" PENDING
req GET "$E/no-such-export" "${A1[@]}"
is "GET unknown id: 404" "$CODE $(errs)" '404 NOT_FOUND:None'
req DELETE "$E/no-such-export" "${A1[@]}"
is "DELETE unknown id: 404" "$CODE $(errs)" '404 NOT_FOUND:None'
is "in the owner's list" "$(walk OPERATOR "$OP1" 20 '')" "$X"
is "not in another user's list" "$(walk OPERATOR "$OP2" 20 '')" ""

req DELETE "$E/$X" "${A1[@]}"
is "DELETE PENDING: 200" "$CODE" 200
is "canceled: FAILED / CANCELED" "$(jv '[d["exportId"], d["status"], d["failureReason"], d["downloadUrl"]]')" "[\"$X\",\"FAILED\",\"CANCELED\",null]"
is "stored canceled" "$(psql_q "SELECT status, failure_reason FROM exports WHERE id = '$X'")" 'FAILED|CANCELED'
req DELETE "$E/$X" "${A1[@]}"
is "DELETE again: 409 EXPORT_NOT_PENDING" "$CODE $(errs)" '409 EXPORT_NOT_PENDING:None'
req GET "$E/$X" "${A1[@]}"
is "GET the canceled one" "$(jv '[d["status"], d["failureReason"]]')" '["FAILED","CANCELED"]'
req POST "$E" "${A1[@]}" -d ''
is "a new POST after the cancel: 201" "$CODE" 201
Y=$(jv 'd["exportId"]')
isnt "a new export id" "$Y" "$X"
req DELETE "$E/$Y" "${A1[@]}"

# ------------------------------------------------------------ normalisation
post A1 '{"filters":{"createdAtFrom":"2025-01-01","createdAtTo":"2025-01-31","statuses":["FAILED","PENDING","FAILED"],"supplierIds":["SUP-00002","SUP-00001","SUP-00002"],"amountMin":"10.50","amountMax":1000,"currency":"eur","reference":"A%_\\","sourceBalanceAccountType":"MARKETPLACE","targetBalanceAccountType":"SUPPLIER","relatedEntityType":"PAYOUT","relatedEntityId":"po_1"},"cc":"a@x.io, B@x.io ,b@X.IO"}'
is "every filter: 201" "$CODE" 201
is "normalised filters" "$(jv 'd["filters"]')" \
    '{"amountMax":"1000","amountMin":"10.5","createdAtFrom":"2025-01-01T00:00:00Z","createdAtTo":"2025-01-31T23:59:59Z","currency":"EUR","reference":"A%_\\","relatedEntityId":"po_1","relatedEntityType":"PAYOUT","sourceBalanceAccountType":"MARKETPLACE","statuses":["PENDING","FAILED"],"supplierIds":["SUP-00002","SUP-00001"],"targetBalanceAccountType":"SUPPLIER"}'
is "cc string split, trimmed, de-duplicated (first spelling)" "$(jv 'd["cc"]')" '["a@x.io","B@x.io"]'
req GET "$E/$(jv 'd["exportId"]')" "${A1[@]}"
is "stored normalised filters read back" "$(jv '[d["filters"]["createdAtTo"], d["filters"]["statuses"], d["cc"]]')" '["2025-01-31T23:59:59Z",["PENDING","FAILED"],["a@x.io","B@x.io"]]'
req DELETE "$E/$(jv 'd["exportId"]')" "${A1[@]}"
post A1 '{"filters":{"createdAtFrom":"2025-01-01T10:00:00.5+02:00","createdAtTo":"2025-01-31T23:00:00-01:30","amountMin":0,"amountMax":"0007.1000"},"cc":[" c@x.io ","C@X.IO",null,"d@x.io"]}'
is "offsets, fractions, numbers" "$(jv '[d["filters"], d["cc"]]')" \
    '[{"amountMax":"7.1","amountMin":"0","createdAtFrom":"2025-01-01T08:00:00Z","createdAtTo":"2025-02-01T00:30:00Z"},["c@x.io","d@x.io"]]'
req DELETE "$E/$(jv 'd["exportId"]')" "${A1[@]}"
post A1 '{"filters":{"createdAtFrom":null,"statuses":[],"supplierIds":null,"currency":null,"reference":null},"cc":null}'
is "nulls and empty arrays: no filter" "$CODE $(jv '[d["filters"], d["cc"]]')" '201 [{},[]]'
req DELETE "$E/$(jv 'd["exportId"]')" "${A1[@]}"
post A1 '{"filters":{"statuses":[null,"FAILED",null]}}'
is "null inside an array skipped" "$CODE $(jv 'd["filters"]')" '201 {"statuses":["FAILED"]}'
req DELETE "$E/$(jv 'd["exportId"]')" "${A1[@]}"
post A1 '{"cc":["a1@x.io","a2@x.io","a3@x.io","a4@x.io","a5@x.io","a6@x.io","a7@x.io","a8@x.io","a9@x.io","a10@x.io","A1@X.IO","a2@x.io "]}'
is "10 distinct addresses after de-duplication: 201" "$CODE $(jv 'len(d["cc"])')" '201 10'
req DELETE "$E/$(jv 'd["exportId"]')" "${A1[@]}"
req POST "$E" "${A1[@]}" -d '' -H 'Content-Type: application/json; charset=utf-8'
is "empty body with a JSON content type: 201" "$CODE" 201
req DELETE "$E/$(jv 'd["exportId"]')" "${A1[@]}"
req POST "$E" "${A1[@]}" -d '{}' -H 'Content-Type: Application/JSON ; charset=UTF-8'
is "content type case-insensitive, with parameters: 201" "$CODE" 201
req DELETE "$E/$(jv 'd["exportId"]')" "${A1[@]}"

# A supplier's stored filters never hold supplierIds.
post S1 '{"filters":{"supplierIds":["SUP-00002","NOPE"],"currency":"usd"}}'
is "supplier POST with supplierIds (even unknown): 201" "$CODE" 201
SX=$(jv 'd["exportId"]')
is "supplier export: no supplierIds" "$(jv '[d["clientType"], d["filters"]]')" '["SUPPLIER",{"currency":"USD"}]'
is "stored without supplierIds" "$(psql_q "SELECT filters ? 'supplierIds' FROM exports WHERE id = '$SX'")" f
post S1 '{"filters":{"supplierIds":"not an array"}}'
is "a supplier's supplierIds ignored whatever it holds" "$CODE $(errs)" '409 EXPORT_ALREADY_PENDING:None'

# ------------------------------------------------------------ 400, 413, 415
before=$(nexports "$OP1_ID")
bad() { # DESC BODY EXPECTED-CODES [curl args]
	_d=$1 _b=$2 _w=$3
	shift 3
	post A1 "$_b" "$@"
	is "$_d" "$CODE $(errs)" "$_w"
}
# bad_ct DESC BODY CONTENT-TYPE: a 415.
bad_ct() {
	req POST "$E" "${A1[@]}" --data-binary "$2" -H "Content-Type: $3"
	is "$1" "$CODE $(errs)" '415 UNSUPPORTED_MEDIA_TYPE:None'
}
bad "malformed JSON" '{"filters":' '400 INVALID_JSON:None'
bad "trailing garbage" '{"filters":{}} x' '400 INVALID_JSON:None'
bad "two objects" '{}{}' '400 INVALID_JSON:None'
bad "an array" '[{"filters":{}}]' '400 INVALID_JSON:None'
bad "a string" '"filters"' '400 INVALID_JSON:None'
bad "null" 'null' '400 INVALID_JSON:None'
bad "a number" '42' '400 INVALID_JSON:None'
bad "single quotes" "{'cc':'a@x.io'}" '400 INVALID_JSON:None'
bad "trailing comma" '{"cc":[],}' '400 INVALID_JSON:None'
bad "unknown top-level fields" '{"filters":{},"x":1,"Filters":{}}' '400 UNKNOWN_FIELD:x UNKNOWN_FIELD:Filters'
bad "filters an array" '{"filters":[]}' '400 INVALID_FIELD:filters'
bad "filters a string" '{"filters":"currency=EUR"}' '400 INVALID_FIELD:filters'
bad "cc a number" '{"cc":5}' '400 INVALID_FIELD:cc'
bad "cc an object" '{"cc":{"a":"a@x.io"}}' '400 INVALID_FIELD:cc'
bad "bad addresses, each named" '{"cc":["ok@x.io","a b@x.io","a@","@x.io","a@b@x.io","<a@x.io>","a,b@x.io","a\r\n@x.io",5,"noat"]}' \
    '400 INVALID_EMAIL:cc[1] INVALID_EMAIL:cc[2] INVALID_EMAIL:cc[3] INVALID_EMAIL:cc[4] INVALID_EMAIL:cc[5] INVALID_EMAIL:cc[6] INVALID_EMAIL:cc[7] INVALID_EMAIL:cc[8] INVALID_EMAIL:cc[9]'
bad "a bad address in a string" '{"cc":"ok@x.io, bad, x@y.io"}' '400 INVALID_EMAIL:cc[1]'
bad "11 distinct addresses" '{"cc":"a1@x.io,a2@x.io,a3@x.io,a4@x.io,a5@x.io,a6@x.io,a7@x.io,a8@x.io,a9@x.io,a10@x.io,a11@x.io"}' '400 TOO_MANY_RECIPIENTS:cc'
bad "every bad filter listed" '{"filters":{"createdAtFrom":"2025-13-01","createdAtTo":"soon","statuses":["DONE",1],"amountMin":-1,"amountMax":"1.00001","sourceBalanceAccountType":"marketplace","targetBalanceAccountType":3,"currency":"EURO","reference":"","relatedEntityType":"PAYOUTS","relatedEntityId":"","foo":1}}' \
    '400 INVALID_FILTER:filters.createdAtFrom INVALID_FILTER:filters.createdAtTo INVALID_FILTER:filters.statuses[0] INVALID_FILTER:filters.statuses[1] INVALID_FILTER:filters.amountMin INVALID_FILTER:filters.amountMax INVALID_FILTER:filters.sourceBalanceAccountType INVALID_FILTER:filters.targetBalanceAccountType INVALID_FILTER:filters.currency INVALID_FILTER:filters.reference INVALID_FILTER:filters.relatedEntityType INVALID_FILTER:filters.relatedEntityId UNKNOWN_FIELD:filters.foo'
bad "statuses not an array" '{"filters":{"statuses":"FAILED"}}' '400 INVALID_FILTER:filters.statuses'
bad "date range" '{"filters":{"createdAtFrom":"2025-02-01T00:00:00Z","createdAtTo":"2025-01-31"}}' '400 INVALID_DATE_RANGE:filters.createdAtFrom'
bad "amount range" '{"filters":{"amountMin":"2","amountMax":1.9999}}' '400 INVALID_AMOUNT_RANGE:filters.amountMin'
bad "unknown suppliers, each listed (another tenant's too)" '{"filters":{"supplierIds":["SUP-00001","NOPE","OTHER"]}}' \
    '400 UNKNOWN_SUPPLIER:filters.supplierIds UNKNOWN_SUPPLIER:filters.supplierIds'
like "the unknown suppliers named in the messages" "$(jv '" ".join(e["message"] for e in d["errors"])')" 'NOPE.*OTHER'
post A1 '{"filters":{"currency":"EU","supplierIds":["NOPE"]},"cc":"bad"}'
is "an unknown supplier listed with the other problems" "$CODE $(errs | tr ' ' '\n' | sort | tr '\n' ' ')" \
    '400 INVALID_EMAIL:cc[0] INVALID_FILTER:filters.currency UNKNOWN_SUPPLIER:filters.supplierIds '
bad_ct "text/plain: 415" '{}' text/plain
bad_ct "form-urlencoded: 415" 'filters=x' application/x-www-form-urlencoded
bad_ct "application/jsonx: 415" '{}' application/jsonx
bad_ct "text/json: 415" '{}' text/json
bad_ct "415 comes before the JSON is read" '{' text/plain
req POST "$E" "${A1[@]}" -d '{}' -H 'Content-Type:'
is "no content type with a body: 415" "$CODE $(errs)" '415 UNSUPPORTED_MEDIA_TYPE:None'
req POST "$E" "${A1[@]}"
# lighttpd refuses a POST without Content-Length itself (411); Apache passes
# it on as an empty body, which is an export without filters.
if [ "${FTX_WEB_SERVER:-lighttpd}" = apache ]; then
	is "POST without Content-Length: an empty body (Apache)" "$CODE" 201
	# Not a case this block is about: cancel it so the counts below hold.
	psql_q "DELETE FROM exports WHERE user_id = '$OP1_ID' AND status = 'PENDING'" >/dev/null
else
	is "POST without Content-Length: the web server's 411" "$CODE" 411
fi
$PY -c 'import sys; sys.stdout.write("{}" + " " * (65537 - 2))' >"$FTX_STACK_DIR/big"
req POST "$E" "${A1[@]}" "${JSON[@]}" --data-binary @"$FTX_STACK_DIR/big"
is "64 KiB + 1: 413" "$CODE $(errs)" '413 PAYLOAD_TOO_LARGE:None'
req POST "$E" "${A1[@]}" -H 'Content-Type: text/plain' --data-binary @"$FTX_STACK_DIR/big"
is "too large comes before the content type" "$CODE" 413
k256=$(printf "%0256d" 0)
bad "Idempotency-Key of 256 characters" '{}' '400 INVALID_IDEMPOTENCY_KEY:Idempotency-Key' -H "Idempotency-Key: $k256"
bad "Idempotency-Key with a TAB" '{}' '400 INVALID_IDEMPOTENCY_KEY:Idempotency-Key' -H "Idempotency-Key: $(printf 'a\tb')"
bad "Idempotency-Key not ASCII" '{}' '400 INVALID_IDEMPOTENCY_KEY:Idempotency-Key' -H 'Idempotency-Key: clé'
bad "Idempotency-Key and body problems together" '{"x":1}' '400 INVALID_IDEMPOTENCY_KEY:Idempotency-Key UNKNOWN_FIELD:x' -H "Idempotency-Key: $k256"
is "no 400, 413 or 415 created anything" "$(nexports "$OP1_ID")" "$before"
$PY -c 'import sys; sys.stdout.write("{}" + " " * (65536 - 2))' >"$FTX_STACK_DIR/max"
req POST "$E" "${A1[@]}" "${JSON[@]}" --data-binary @"$FTX_STACK_DIR/max"
is "exactly 64 KiB: accepted" "$CODE" 201
req DELETE "$E/$(jv 'd["exportId"]')" "${A1[@]}"

# ------------------------------------------------------------ Idempotency-Key
B1='{"filters":{"currency":"EUR","statuses":["FAILED","PENDING"]},"cc":["z@x.io"]}'
B1b='{"cc":" z@x.io ", "filters":{"statuses":["PENDING","FAILED","PENDING"],"currency":"eur"}}'
B2='{"filters":{"currency":"USD"}}'
post A2 "$B1" -H 'Idempotency-Key: k1'
is "first request with a key: 201" "$CODE" 201
K1X=$(jv 'd["exportId"]')
post A2 "$B1" -H 'Idempotency-Key: k1'
is "replay while PENDING: 201, no 409" "$CODE" 201
is "replay: the same export" "$(jv 'd["exportId"]')" "$K1X"
like "replay: the same Location" "$HDRS" "^Location: $EPATH/$K1X\$"
post A2 "$B1b" -H 'Idempotency-Key: k1'
is "replay written differently, same after normalisation: same export" "$CODE $(jv 'd["exportId"]')" "201 $K1X"
post A2 "$B2" -H 'Idempotency-Key: k1'
is "same key, another request: 422" "$CODE $(errs)" '422 IDEMPOTENCY_KEY_REUSED:Idempotency-Key'
req POST "$E" "${A2[@]}" -d '' -H 'Idempotency-Key: k1'
is "same key, empty body (no filters): 422" "$CODE $(errs)" '422 IDEMPOTENCY_KEY_REUSED:Idempotency-Key'
post A2 "$B1" -H 'Idempotency-Key: k2'
is "another key while PENDING: 409" "$CODE $(errs)" '409 EXPORT_ALREADY_PENDING:None'
is "one export for all that" "$(nexports "$OP2_ID")" 1
req DELETE "$E/$K1X" "${A2[@]}"
post A2 "$B1" -H 'Idempotency-Key: k1'
is "replay after the cancel: 201, the export as it is now" "$CODE $(jv '[d["exportId"], d["status"], d["failureReason"]]')" \
    "201 [\"$K1X\",\"FAILED\",\"CANCELED\"]"
post A2 "$B1" -H 'Idempotency-Key: k2'
is "the key that got 409 was not remembered: 201" "$CODE" 201
K2X=$(jv 'd["exportId"]')
isnt "a new export for k2" "$K2X" "$K1X"
req DELETE "$E/$K2X" "${A2[@]}"
post A2 '{"filters":{"currency":"EURO"}}' -H 'Idempotency-Key: k3'
is "k3 with a bad body: 400" "$CODE" 400
post A2 "$B2" -H 'Idempotency-Key: k3'
is "a 400 is not remembered: 201" "$CODE" 201
req DELETE "$E/$(jv 'd["exportId"]')" "${A2[@]}"
post A2 "$B2" -H "Idempotency-Key: $(printf "%0255d" 7)"
is "a key of 255 characters: 201" "$CODE" 201
req DELETE "$E/$(jv 'd["exportId"]')" "${A2[@]}"
post A2 "$B2" -H "Idempotency-Key: ' OR 1=1 --"
is "a printable key with quotes: 201" "$CODE" 201
req DELETE "$E/$(jv 'd["exportId"]')" "${A2[@]}"
post A1 "$B1" -H 'Idempotency-Key: k1'
is "keys are per user: 201" "$CODE" 201
isnt "keys are per user: another export" "$(jv 'd["exportId"]')" "$K1X"
req DELETE "$E/$(jv 'd["exportId"]')" "${A1[@]}"
is "idempotency keys stored per user" "$(psql_q "SELECT count(*) FROM idempotency_keys WHERE key = 'k1'")" 2

# Ten concurrent requests with one key: one export, ten 201 naming it.
dir=$FTX_STACK_DIR/idem
mkdir -p "$dir"
for i in $(seq 1 10); do
	curl -s -o "$dir/$i.body" -w '%{http_code}\n' --max-time 30 -X POST \
	    -H 'dj-client: OPERATOR' -H "dj-api-key: $OP5" "${JSON[@]}" \
	    -H 'Idempotency-Key: same' -d "$B1" "$E" >"$dir/$i.code" &
done
wait
is "10 concurrent requests, one key: ten 201" "$(cat "$dir"/*.code | sort | uniq -c | awk '{print $2 "x" $1}')" '201x10'
is "10 concurrent requests, one key: one export id" "$(cat "$dir"/*.body | $PY -c 'import json, sys; print(len({json.loads(l)["exportId"] for l in sys.stdin}))')" 1
is "10 concurrent requests, one key: one export stored" "$(nexports "$OP5_ID")" 1

# Twenty concurrent POSTs by one user: exactly one 201, nineteen 409.
dir=$FTX_STACK_DIR/race
mkdir -p "$dir"
for i in $(seq 1 20); do
	curl -s -o "$dir/$i.body" -w '%{http_code}\n' --max-time 30 -X POST \
	    -H 'dj-client: OPERATOR' -H "dj-api-key: $OP4" -d '' "$E" \
	    >"$dir/$i.code" &
done
wait
is "20 concurrent POSTs: one 201, nineteen 409" "$(cat "$dir"/*.code | sort | uniq -c | awk '{print $2 "x" $1}' | tr '\n' ' ')" '201x1 409x19 '
is "20 concurrent POSTs: one export stored" "$(nexports "$OP4_ID")" 1
race_id=$(psql_q "SELECT id FROM exports WHERE user_id = '$OP4_ID'")
is "every 409 names the one export" "$(grep -l EXPORT_ALREADY_PENDING "$dir"/*.body | xargs grep -l "export $race_id is" | wc -l)" 19

# ------------------------------------------------------------ the list
# 23 exports of OP3 written directly: every status, READY past its expiry
# (shown EXPIRED), ties on created_at (by id descending).
psql_q "
INSERT INTO exports (id, tenant_id, user_id, client_type, status, created_at,
  updated_at, completed_at, expires_at, row_count, file_size, sha256,
  failure_reason, filters, cc)
SELECT 'L' || lpad(g::text, 2, '0'), 'ea', '$OP3_ID', 'OPERATOR',
  CASE WHEN g % 4 = 0 THEN 'READY' WHEN g % 4 = 1 THEN 'FAILED'
       WHEN g % 4 = 2 THEN 'EXPIRED' ELSE 'READY' END,
  CASE WHEN g BETWEEN 10 AND 13 THEN '2025-05-05 05:05:05.5+00'::timestamptz
       ELSE '2025-01-01'::timestamptz + g * interval '1 day' END,
  '2025-06-01', '2025-06-01 00:00:00.7+00',
  CASE WHEN g % 4 = 0 THEN now() + interval '3 days'
       WHEN g % 4 = 3 THEN now() - interval '1 second'
       WHEN g % 4 = 2 THEN now() - interval '1 day' END,
  CASE WHEN g % 4 <> 1 THEN 100 + g END, CASE WHEN g % 4 <> 1 THEN 1000 + g END,
  CASE WHEN g % 4 <> 1 THEN repeat('ab', 32) END,
  CASE WHEN g % 4 = 1 THEN 'SMTP said no' ELSE 'stale reason' END,
  '{\"currency\":\"EUR\"}', '{a@x.io}'
FROM generate_series(1, 22) g;
INSERT INTO exports (id, tenant_id, user_id, client_type, created_at)
VALUES ('L99', 'ea', '$OP3_ID', 'OPERATOR', '2025-01-05')" >/dev/null ||
    bail "list exports"
# The status the API shows, computed independently.
shown="CASE WHEN status = 'READY' AND expires_at <= now() THEN 'EXPIRED' ELSE status END"
order="ORDER BY created_at DESC, id DESC"
same "the list over pages of 4: every export once, newest first, ties by id" \
    "$(walk OPERATOR "$OP3" 4 '')" "$(psql_q "SELECT id FROM exports WHERE user_id = '$OP3_ID' $order")"
same "pages of 1" "$(walk OPERATOR "$OP3" 1 '')" "$(psql_q "SELECT id FROM exports WHERE user_id = '$OP3_ID' $order")"
for st in READY EXPIRED FAILED PENDING; do
	same "status=$st over pages of 2" "$(walk OPERATOR "$OP3" 2 "status=$st")" \
	    "$(psql_q "SELECT id FROM exports WHERE user_id = '$OP3_ID' AND $shown = '$st' $order")"
done
req GET "$E" "${A3[@]}"
is "default size 20" "$CODE $(jv '[d["pageInfo"]["pageSize"], len(d["data"]), d["pageInfo"]["hasNextPage"]]')" '200 [20,20,true]'
like "nextCursor opaque text" "$(jv 'd["pageInfo"]["nextCursor"]')" '^[A-Za-z0-9_-]+$'
req GET "$E?size=100" "${A3[@]}"
is "size 100: everything, no next page" "$CODE $(jv '[len(d["data"]), d["pageInfo"]["hasNextPage"], d["pageInfo"]["nextCursor"]]')" '200 [23,false,null]'
is "list items are export objects" "$(jv 'sorted(set(len(x) for x in d["data"]))')" '[17]'

req GET "$E/L04" "${A3[@]}"
is "READY: shown READY" "$(jv '[d["status"], d["rowCount"], d["fileSize"], d["sha256"], d["failureReason"]]')" \
    "[\"READY\",104,1004,\"$(printf 'ab%.0s' $(seq 32))\",null]"
like "READY: downloadUrl signed" "$(jv 'd["downloadUrl"]')" \
    "^$FTX_URL$EPATH/L04/download\\?expires=$(psql_q "SELECT floor(extract(epoch FROM expires_at))::bigint FROM exports WHERE id = 'L04'")&signature=[0-9a-f]{64}\$"
like "READY: completedAt and expiresAt" "$(jv 'd["completedAt"] + " " + d["expiresAt"]')" '^2025-06-01T00:00:00Z [0-9-]+T[0-9:]+Z$'
req GET "$E/L03" "${A3[@]}"
is "READY past expiresAt: shown EXPIRED, no link" "$(jv '[d["status"], d["downloadUrl"], d["failureReason"]]')" '["EXPIRED",null,null]'
req GET "$E/L02" "${A3[@]}"
is "EXPIRED: no link" "$(jv '[d["status"], d["downloadUrl"]]')" '["EXPIRED",null]'
req GET "$E/L01" "${A3[@]}"
is "FAILED: its reason" "$(jv '[d["status"], d["failureReason"], d["downloadUrl"], d["filters"], d["cc"]]')" '["FAILED","SMTP said no",null,{"currency":"EUR"},["a@x.io"]]'
for id in L04 L03 L02 L01; do
	req DELETE "$E/$id" "${A3[@]}"
	is "DELETE $id (not PENDING): 409" "$CODE $(errs)" '409 EXPORT_NOT_PENDING:None'
done
is "nothing changed by those DELETEs" "$(psql_q "SELECT string_agg(status, ',' ORDER BY id) FROM exports WHERE id IN ('L01','L02','L03','L04')")" 'FAILED,EXPIRED,READY,READY'
post A3 '{}'
is "POST with a PENDING export written by SQL: 409" "$CODE $(errs)" '409 EXPORT_ALREADY_PENDING:None'
like "the 409 names it" "$(jv 'd["errors"][0]["message"]')" 'L99'

lerr() { # DESC QUERY EXPECTED (the errors in any order)
	req GET "$E?$2" "${A3[@]}"
	is "$1" "$CODE $(errs | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')" "$3"
}
for s in 0 101 -1 x 1.0 '' 1e1; do
	lerr "list size=$s: 400" "size=$s" '400 INVALID_PARAMETER:size'
done
for s in ready CANCELED '' 'READY,FAILED' 'READY%20'; do
	lerr "list status=$s: 400" "status=$s" '400 INVALID_PARAMETER:status'
done
lerr "list bad cursor" "cursor=nope" '400 INVALID_CURSOR:cursor'
lerr "list unknown parameter" "currency=EUR" '400 INVALID_PARAMETER:currency'
lerr "list size twice" "size=1&size=1" '400 INVALID_PARAMETER:size'
lerr "list: every problem" "size=0&status=x&cursor=x&y=1" '400 INVALID_CURSOR:cursor INVALID_PARAMETER:size INVALID_PARAMETER:status INVALID_PARAMETER:y'
# Found by fuzz_query_filters: a name that is not UTF-8 was echoed as the
# field and the error body was not JSON (Apache passes it on; lighttpd
# answers such a query 400 itself).
if [ "${FTX_WEB_SERVER:-lighttpd}" = apache ]; then
	lerr "list: a parameter name that is not UTF-8: JSON error" "%F51=2" '400 INVALID_PARAMETER:None'
else
	req GET "$E?%F51=2" "${A3[@]}"
	is "list: a parameter name that is not UTF-8: 400" "$CODE" 400
fi

# ------------------------------------------------------------ isolation
same "a supplier's list: its own export only" "$(walk SUPPLIER "$SUP1" 5 '')" "$SX"
is "another supplier's list is empty" "$(walk SUPPLIER "$SUP2" 5 '')" ""
for who in A1 A2 S2; do
	a="${who}[@]"
	req GET "$E/$SX" "${!a}"
	is "GET supplier 1's export as $who: 404" "$CODE $(errs)" '404 NOT_FOUND:None'
	req DELETE "$E/$SX" "${!a}"
	is "DELETE supplier 1's export as $who: 404" "$CODE $(errs)" '404 NOT_FOUND:None'
done
req GET "$E/L04" "${S1[@]}"
is "an operator's export by a supplier: 404" "$CODE" 404
unlike "nobody else's export in the operator's list" "$(walk OPERATOR "$OP1" 100 '')" "^($SX|L[0-9]+|$K1X)\$"
is "still PENDING after the others' DELETEs" "$(psql_q "SELECT status FROM exports WHERE id = '$SX'")" PENDING
req DELETE "$E/$SX" "${S1[@]}"
is "the supplier cancels its own" "$CODE $(jv 'd["status"]')" '200 FAILED'

# ------------------------------------------------------------ database down
total=$(psql_q "SELECT count(*) FROM exports")
ok "postgresql stopped" pg_stop fast
post A1 '{"filters":{"currency":"EUR"}}'
is "POST with the database down: 503" "$CODE $(errs)" '503 SERVICE_UNAVAILABLE:None'
req GET "$E" "${A1[@]}"
is "list with the database down: 503" "$CODE" 503
req GET "$E/$X" "${A1[@]}"
is "GET one with the database down: 503" "$CODE" 503
req DELETE "$E/$X" "${A1[@]}"
is "DELETE with the database down: 503" "$CODE" 503
ok "postgresql started again" pg_start
stop_exportd	# pg_start restarts whatever is missing
ok "health 200 again" wait_for 15 sh -c "[ \$(curl -s -o /dev/null -w '%{http_code}' '$FTX_URL/v1/health') = 200 ]"
ok "the API answers again" wait_for 15 sh -c "[ \$(curl -s -o /dev/null -w '%{http_code}' -H 'dj-client: OPERATOR' -H 'dj-api-key: $OP1' '$E') = 200 ]"
is "the POST that got 503 created nothing" "$(psql_q "SELECT count(*) FROM exports")" "$total"
post A1 '{"filters":{"currency":"EUR"}}'
is "POST after the restart: 201" "$CODE" 201

is "no request answered 500" "$(grep -Ec 'request [0-9a-f]+ [A-Z]+ [^ ]+ 500 ' "$FTX_STACK_DIR/log/ftx-fcgi.log")" 0
done_testing
