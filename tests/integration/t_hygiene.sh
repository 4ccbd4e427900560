#!/bin/bash
# t_hygiene.sh - SPEC §7 "Request hygiene" on the real stack, through the
# web server: the e-mail body injection of issue 10 (a CR LF in a filter
# reference) refused and nothing queued; JSON parsed strictly (single
# quotes, a raw U+0001, duplicate keys, comments, trailing commas, NaN,
# lone surrogates, invalid UTF-8, deep nesting: 400 INVALID_JSON); the cc
# address rule (the addresses SMTP refused, an empty entry: 400
# INVALID_EMAIL naming cc[i]); control characters in filters, query
# parameters and the Idempotency-Key header (400 naming the field); echoed
# filters without fractions of a second, in the API and in the e-mail,
# while the stored filters keep them.  The requester has no PENDING export,
# so each refused request would have been a 201 before the fix.
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

PY=/usr/bin/python3
stack_up
T=$FTX_URL/v1/payments/funding-transfers
E=$T/export

admin demo-data --tenant hy --suppliers 2 --transfers 30 --seed 7 >/dev/null ||
    bail "demo-data hy"
OP_ID=$(admin user add --tenant hy --email op@hy.example --role OPERATOR) ||
    bail "user"
OP=$(admin key create "$OP_ID") || bail "key"
AUTH=(-H 'dj-client: OPERATOR' -H "dj-api-key: $OP")
nexports() {
	psql_q "SELECT count(*) FROM exports WHERE user_id = '$OP_ID'"
}
mails_before=$(mail_count)

# bad DESC BODY EXPECTED [curl args]: POST BODY (bytes, printf %b
# escapes expanded: \001 is a raw byte); "STATUS CODE:field ...".
bad() {
	_d=$1 _w=$3
	printf '%b' "$2" >"$FTX_STACK_DIR/body"
	shift 3
	req POST "$E" "${AUTH[@]}" -H 'Content-Type: application/json' \
	    --data-binary @"$FTX_STACK_DIR/body" "$@"
	is "$_d" "$CODE $(errs)" "$_w"
}

# ------------------------------------------------------------ issue 10 item 4
bad "e-mail body injection: CR LF in filters.reference" \
    '{"filters":{"reference":"x\\r\\nDownload it here instead: http://evil.example/"},"cc":["victim@x.example"]}' \
    '400 INVALID_FILTER:filters.reference'
bad "a raw-escaped U+0001 in a filter" '{"filters":{"reference":"a\\u0001b"}}' \
    '400 INVALID_FILTER:filters.reference'
bad "DEL and TAB in filters, each named" \
    '{"filters":{"relatedEntityId":"po\\u007f","supplierIds":["SUP-00001","SUP\\t2"]}}' \
    '400 INVALID_FILTER:filters.relatedEntityId INVALID_FILTER:filters.supplierIds[1]'
bad "CR LF in a cc address" '{"cc":["ok@x.example","victim@x.example\\r\\nBcc: evil@x.example"]}' \
    '400 INVALID_EMAIL:cc[1]'
bad "a TAB around a cc address is not trimmed" '{"cc":"\\tvictim@x.example"}' \
    '400 INVALID_EMAIL:cc[0]'

# ------------------------------------------------------------ issue 10 item 5
bad "single quotes" "{'filters': {}}" '400 INVALID_JSON:None'
like "the reason and the byte named" "$(jv 'd["errors"][0]["message"]')" \
    'not a double-quoted string at byte 1$'
bad "a raw U+0001 inside a string" '{"filters":{"reference":"a\001b"}}' '400 INVALID_JSON:None'
like "said so" "$(jv 'd["errors"][0]["message"]')" 'control character in a string at byte 26$'
bad "a raw LF inside a string" '{"cc":["a@x.example\n"]}' '400 INVALID_JSON:None'
bad "duplicate keys" '{"cc":["a@x.example"],"cc":[]}' '400 INVALID_JSON:None'
like "said so" "$(jv 'd["errors"][0]["message"]')" 'duplicate key at byte 22$'
bad "duplicate keys in filters" '{"filters":{"currency":"EUR","currency":"USD"}}' '400 INVALID_JSON:None'
bad "duplicate keys, one escaped" '{"filters":{"currency":"EUR","\\u0063urrency":"USD"}}' '400 INVALID_JSON:None'
bad "a comment" '{"filters":{} /* x */}' '400 INVALID_JSON:None'
bad "a trailing comma in an object" '{"filters":{"currency":"EUR",}}' '400 INVALID_JSON:None'
bad "NaN" '{"filters":{"amountMin":NaN}}' '400 INVALID_JSON:None'
bad "a bare word" '{"filters":{"currency":EUR}}' '400 INVALID_JSON:None'
bad "a lone surrogate" '{"filters":{"reference":"\\ud800"}}' '400 INVALID_JSON:None'
bad "invalid UTF-8" '{"filters":{"reference":"\303\050"}}' '400 INVALID_JSON:None'
bad "an invalid escape" '{"filters":{"reference":"\\x41"}}' '400 INVALID_JSON:None'
bad "text after the value" '{"filters":{}}\n{}' '400 INVALID_JSON:None'
bad "17 levels of nesting" "{\"filters\":{\"statuses\":$(printf '[%.0s' $(seq 15))$(printf ']%.0s' $(seq 15))}}" \
    '400 INVALID_JSON:None'
is "nothing created by the refused requests" "$(nexports)" 0

# ------------------------------------------------------------ issue 10 item 6 (the rule)
for a in 'Zoë@exämple.com' 'a;b@x.example' 'c(d@x.example' 'g@[127.0.0.1]' '..h@x..example'; do
	bad "cc $a: INVALID_EMAIL" "{\"cc\":[\"ok@x.example\",\"$a\"]}" '400 INVALID_EMAIL:cc[1]'
done
bad 'cc [""]: INVALID_EMAIL, not dropped' '{"cc":[""]}' '400 INVALID_EMAIL:cc[0]'
bad 'cc [" "]: INVALID_EMAIL' '{"cc":["ok@x.example"," "]}' '400 INVALID_EMAIL:cc[1]'
bad 'an empty entry in a string' '{"cc":"a@x.example,,b@x.example"}' '400 INVALID_EMAIL:cc[1]'
bad 'a trailing comma in a string' '{"cc":"a@x.example,"}' '400 INVALID_EMAIL:cc[1]'
bad 'a local part of 65 bytes' "{\"cc\":[\"$(printf 'l%.0s' $(seq 65))@x.example\"]}" '400 INVALID_EMAIL:cc[0]'
bad 'a domain without a dot' '{"cc":["a@localhost"]}' '400 INVALID_EMAIL:cc[0]'
is "nothing created by the refused requests" "$(nexports)" 0

# ------------------------------------------------------------ query strings and headers
# A web server may refuse encoded control bytes in a URL itself (lighttpd
# does, with its own 400): through it, a 400 and, when ftx answered, its
# code; straight to the FastCGI socket, ftx's own answer.
SOCK=$(sed -n 's/^listen *= *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$FTX_CONFIG")
fcgi_get() { # PATH QUERY: CODE and BODY of a GET sent to ftx-fcgi directly
	env -i REQUEST_METHOD=GET "REQUEST_URI=$1?$2" "QUERY_STRING=$2" \
	    HTTP_DJ_CLIENT=OPERATOR "HTTP_DJ_API_KEY=$OP" \
	    cgi-fcgi -bind -connect "$SOCK" </dev/null >"$FTX_STACK_DIR/fcgi.out" 2>/dev/null
	CODE=$(sed -n '1,/^\r\{0,1\}$/s/^Status: \([0-9]*\).*/\1/p' "$FTX_STACK_DIR/fcgi.out")
	BODY=$(sed '1,/^\r\{0,1\}$/d' "$FTX_STACK_DIR/fcgi.out")
}
qbad() { # DESC PATH QUERY EXPECTED
	req GET "$FTX_URL$2?$3" "${AUTH[@]}"
	if printf '%s' "$BODY" | $PY -c 'import json, sys; json.load(sys.stdin)' 2>/dev/null; then
		is "$1 (web server)" "$CODE $(errs)" "$4"
	else
		is "$1 (web server, refused by it)" "$CODE" 400
	fi
	if command -v cgi-fcgi >/dev/null 2>&1 && [ -S "$SOCK" ]; then
		fcgi_get "$2" "$3"
		is "$1 (FastCGI)" "$CODE $(errs)" "$4"
	else
		skip "$1 (FastCGI)" "cgi-fcgi (libfcgi-bin) not installed"
	fi
}
TP=/v1/payments/funding-transfers
qbad "transfers: CR LF in a filter" "$TP" 'reference=x%0D%0ADownload' \
    '400 INVALID_FILTER:reference'
qbad "transfers: U+0001 and DEL, each named" "$TP" 'reference=a%01b&currency=E%7FR' \
    '400 INVALID_FILTER:reference INVALID_FILTER:currency'
qbad "transfers: LF in size" "$TP" 'size=1%0A' '400 INVALID_PARAMETER:size'
qbad "transfers: TAB in cursor" "$TP" 'cursor=%09' '400 INVALID_PARAMETER:cursor'
qbad "export list: CR LF in status" "$TP/export" 'status=READY%0D%0A' \
    '400 INVALID_PARAMETER:status'
qbad "export list: U+001F in cursor" "$TP/export" 'cursor=a%1Fb' \
    '400 INVALID_PARAMETER:cursor'
req POST "$E" "${AUTH[@]}" -H $'Idempotency-Key: a\tb' -d ''
is "a TAB in Idempotency-Key" "$CODE $(errs)" '400 INVALID_IDEMPOTENCY_KEY:Idempotency-Key'
is "nothing created by the refused requests" "$(nexports)" 0

# ------------------------------------------------------------ echoed filters
req POST "$E" "${AUTH[@]}" -H 'Content-Type: application/json' --data-binary \
    '{"filters":{"createdAtFrom":"2025-01-01T10:00:00.5+02:00","createdAtTo":"2030-01-31"},"cc":["cc@hy.example"]}'
is "a valid export: 201" "$CODE" 201
ID=$(jv 'd["exportId"]')
is "201: filters echoed to the second" "$(jv 'd["filters"]')" \
    '{"createdAtFrom":"2025-01-01T08:00:00Z","createdAtTo":"2030-01-31T23:59:59Z"}'
is "stored with the fractions (filtering is exact)" \
    "$(psql_q "SELECT filters->>'createdAtFrom', filters->>'createdAtTo' FROM exports WHERE id = '$ID'")" \
    '2025-01-01T08:00:00.500000Z|2030-01-31T23:59:59.999999Z'
ready() {
	[ "$(psql_q "SELECT status FROM exports WHERE id = '$ID'")" = READY ]
}
wait_for 60 ready || fail "export $ID not READY within 60 s"
req GET "$E/$ID" "${AUTH[@]}"
is "READY, read back to the second" "$(jv '[d["status"], d["filters"]]')" \
    '["READY",{"createdAtFrom":"2025-01-01T08:00:00Z","createdAtTo":"2030-01-31T23:59:59Z"}]'
mailed() {
	[ "$(mail_count)" -gt "$mails_before" ]
}
wait_for 30 mailed ||
    fail "no e-mail for the export"
cat >"$FTX_STACK_DIR/filters.py" <<'EOF'
import email, os, sys
from email import policy
maildir, export_id = sys.argv[1:3]
for fn in sorted(os.listdir(os.path.join(maildir, "new"))):
    with open(os.path.join(maildir, "new", fn), "rb") as fp:
        m = email.message_from_binary_file(fp, policy=policy.default)
    if export_id in str(m["Subject"]):
        body = m.get_content()
        print(body[body.index("Filters:"):body.index("\n\n", body.index("Filters:"))])
EOF
is "the e-mail: the filters to the second, one line each" \
    "$($PY "$FTX_STACK_DIR/filters.py" "$FTX_MAILDIR" "$ID")" \
    "Filters:
  createdAtFrom: 2025-01-01T08:00:00Z
  createdAtTo: 2030-01-31T23:59:59Z"
is "one export for the user in all" "$(nexports)" 1
is "no e-mail mentions the attacker's site" \
    "$(grep -rl 'evil.example' "$FTX_MAILDIR" 2>/dev/null | wc -l | tr -d ' ')" 0

done_testing
