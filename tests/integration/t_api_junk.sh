#!/bin/bash
# t_api_junk.sh - hostile input on every parameter, header, path and body of
# the API, through the web server and straight to the FastCGI socket:
# SQL-looking text, NUL and control bytes, invalid UTF-8, very long values,
# deep JSON nesting, huge numbers.  Every answer is a 4xx (or a 200 whose
# result shows the text was taken literally), never a 5xx; the responders
# survive (same children, no signal, no sanitizer report) and the data is
# untouched.
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

PY=/usr/bin/python3
stack_up FTX_FCGI_CHILDREN=3
stop_exportd
T=$FTX_URL/v1/payments/funding-transfers
E=$T/export
master=$(fcgi_master_pid) || bail "no ftx-fcgi master"
kids=$(pgrep -P "$master" | sort)

admin demo-data --tenant ja --suppliers 3 --transfers 80 --seed 5 >/dev/null ||
    bail "demo-data ja"
admin demo-data --tenant jb --suppliers 2 --transfers 20 --seed 6 >/dev/null ||
    bail "demo-data jb"
OP_ID=$(admin user add --tenant ja --email op@ja.test --role OPERATOR) || bail "user"
SUP_ID=$(admin user add --tenant ja --email sup@ja.test --role SUPPLIER --supplier SUP-00001) || bail "user"
OP=$(admin key create "$OP_ID") || bail "key"
SUP=$(admin key create "$SUP_ID") || bail "key"
AOP=(-H 'dj-client: OPERATOR' -H "dj-api-key: $OP")
ASUP=(-H 'dj-client: SUPPLIER' -H "dj-api-key: $SUP")
# A PENDING export each: a valid POST answers 409, never creates anything.
curl -s -o /dev/null -X POST "${AOP[@]}" -d '' "$E"
curl -s -o /dev/null -X POST "${ASUP[@]}" -d '' "$E"
PENDING=$(psql_q "SELECT id FROM exports WHERE user_id = '$OP_ID'")
[ -n "$PENDING" ] || bail "no pending export"
[ "$(psql_q "SELECT count(*) FROM exports WHERE user_id = '$SUP_ID' AND status = 'PENDING'")" = 1 ] ||
    bail "no pending export for the supplier"

snapshot() {
	psql_q "SELECT (SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM funding_transfers t),
	    (SELECT count(*) FROM suppliers), (SELECT count(*) FROM balance_accounts),
	    (SELECT count(*) FROM users), (SELECT count(*) FROM api_keys WHERE revoked_at IS NULL),
	    (SELECT string_agg(id || status, ',' ORDER BY id) FROM exports),
	    (SELECT count(*) FROM idempotency_keys)"
}
before=$(snapshot)

# probe ALLOWED-ERE LABEL CURL-ARGS...: BAD collects "LABEL=CODE" for every
# status not matching ^(ALLOWED)$.
BAD=
probe() {
	_allow=$1 _label=$2
	shift 2
	_c=$(curl -s -o "$FTX_STACK_DIR/probe.out" -w '%{http_code}' --max-time 20 "$@")
	[[ $_c =~ ^($_allow)$ ]] || BAD="$BAD ${_label:0:50}=$_c"
}
# probes ALLOWED CURL-ARGS... -- URL...: the same for many URLs in one curl
# (one connection when the server keeps it); labels are the URLs' ends.
probes() {
	_allow=$1
	shift
	_args=() _urls=()
	while [ "$1" != -- ]; do
		_args+=("$1")
		shift
	done
	shift
	for _u in "$@"; do
		_urls+=(-o /dev/null "$_u")
	done
	mapfile -t _codes < <(curl -s -g --max-time 120 -w '%{http_code}\n' \
	    "${_args[@]}" "${_urls[@]}")
	for ((_i = 0; _i < $#; _i++)); do
		_u=${_urls[3 * _i + 2]}
		_c=${_codes[_i]:-none}
		[[ $_c =~ ^($_allow)$ ]] || BAD="$BAD ${_u:${#FTX_URL}:60}=$_c"
	done
}
# verdict DESC: one test per group of probes.
verdict() {
	is "$1" "$BAD" ""
	BAD=
}

long=$(head -c 10000 /dev/zero | tr '\0' A)	# refused by the web server
mid=$(head -c 3000 /dev/zero | tr '\0' B)	# reaches the responder
# Query-string values, already percent-encoded (some deliberately wrong).
junk=(
	"%27%20OR%201%3D1%20--" "%27%20OR%20%271%27%3D%271" "1%27%3B%20DROP%20TABLE%20funding_transfers%3B--"
	"%3BDROP%20TABLE%20exports%3B" "%00" "a%00b" "%ff%fe" "%C0%80" "%ED%A0%80" "%01" "%7f"
	"%0d%0aSet-Cookie:%20x%3Dy" "$long" "$mid" "1e309" "-1e309" "NaN" "Infinity" "-0"
	"99999999999999999999999999999" "0x10" "%" "%zz" "%2" "%E2%80%AE" "%5C" "%22%7D%5D"
	"..%2F..%2Fetc%2Fpasswd" "%2527" "%24%7Bjndi%3Aldap%3A%2F%2Fx%7D" "%F0%9F%92%A9"
	"a,b,,c" "+" "%20" "2025-01-01T00:00:00%2B99:99" "2025-13-45" "2025-01-01T25:61:61Z"
)

# ------------------------------------------------------------ transfer list
for p in createdAtFrom createdAtTo statuses supplierIds amountMin amountMax \
    sourceBalanceAccountType targetBalanceAccountType currency relatedEntityType \
    size cursor; do
	urls=()
	for v in "${junk[@]}"; do
		[ "$p=$v" = currency=NaN ] && continue	# three letters: a currency
		urls+=("$T?$p=$v")
	done
	probes '4[0-9][0-9]' "${AOP[@]}" -- "${urls[@]}"
	verdict "transfer list, junk in $p: 4xx"
done
for p in statuses supplierIds; do
	probe '200' "$p=,,," "${AOP[@]}" "$T?$p=%2C%2C%2C"
done
verdict "array filters of empty elements only: no filter"
# Extreme but valid dates.
for v in 9999-12-31T23:59:59Z 0001-01-01 1970-01-01T00:00:00.000001Z 2025-01-01T00:00:00-23:59; do
	probe '200' "createdAtFrom=$v" "${AOP[@]}" "$T?createdAtFrom=$v"
	probe '200' "createdAtTo=$v" "${AOP[@]}" "$T?createdAtTo=$v"
done
verdict "extreme valid dates: 200"
# Free text filters: taken literally (200), or refused (4xx).
for p in reference relatedEntityId; do
	probes '200|4[0-9][0-9]' "${AOP[@]}" -- "${junk[@]/#/$T?$p=}"
	verdict "transfer list, junk in $p: 200 or 4xx"
	for v in "%27%20OR%201%3D1%20--" "%27%20OR%20%271%27%3D%271" "1%27%3B%20DROP%20TABLE%20funding_transfers%3B--" "%25%27%20OR%20%27%25%27%3D%27"; do
		probe '200' "$p=$v" "${AOP[@]}" "$T?$p=$v"
		grep -q '"data":\[\]' "$FTX_STACK_DIR/probe.out" || BAD="$BAD $p=$v:not-empty"
	done
	verdict "transfer list, SQL in $p: taken literally (nothing found)"
done
keys=("%27%20OR%201%3D1--=1" "%00=1" "%ff=1" "$long=1" "$mid=1" "a%5B0%5D=1" "statuses%5B%5D=1"
    "%=1" "size%00=1" "==1" "&&&=1" "reference%3D1=1")
probes '4[0-9][0-9]' "${AOP[@]}" -- "${keys[@]/#/$T?}"
verdict "transfer list, junk parameter names: 4xx"
# A supplier's junk supplierIds is ignored: its own scope, never more.
own=$(psql_q "SELECT count(*) FROM funding_transfers f JOIN balance_accounts s ON s.id = f.source_balance_account_id
    JOIN balance_accounts t ON t.id = f.target_balance_account_id
    WHERE f.tenant_id = 'ja' AND 'sup_ja_00001' IN (s.supplier_id, t.supplier_id)")
for v in "%27%20OR%201%3D1%20--" "SUP-00002" "%27)%20OR%20(%271%27%3D%271" "$mid"; do
	probe '200' "supplierIds=$v" "${ASUP[@]}" "$T?size=500&supplierIds=$v"
	n=$($PY -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["data"]))' "$FTX_STACK_DIR/probe.out" 2>&1)
	[ "$n" = "$own" ] || BAD="$BAD supplierIds=${v:0:30}:$n-rows"
done
verdict "a supplier's junk supplierIds: its own $own transfers"

# Forged cursors (well-formed base64url of junk keyset values).
b64u() { printf '%b' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '='; }
forged() { # DESC RAW...
	_d=$1
	shift
	for _raw in "$@"; do
		_cur=$(b64u "$_raw")
		probe '4[0-9][0-9]' "transfers cursor $_raw" "${AOP[@]}" "$T?cursor=$_cur"
		probe '4[0-9][0-9]' "exports cursor $_raw" "${AOP[@]}" "$E?cursor=$_cur"
	done
	verdict "$_d"
}
forged "forged cursors, malformed: 4xx" 'v1:1e309:x' 'v1::x' 'v1:0:' 'v1:0:\x01' \
    'v1:0\x00:x' "v1:$(printf '%0200d' 0):x" "v1:0:$(printf '%0300d' 0)" 'v1:0:x\x00y'
forged "forged cursors, id not UTF-8: 4xx" 'v1:0:\xff\xfe' 'v1:0:\xc0\x80'
forged "forged cursors, time out of range: 4xx" 'v1:9223372036854775807:x' \
    'v1:-9223372036854775808:x'
c=$(b64u "v1:0:' OR 1=1 --")
probe 200 "cursor with SQL" "${AOP[@]}" "$T?cursor=$c"
grep -q '"data":\[\]' "$FTX_STACK_DIR/probe.out" || BAD="$BAD not-empty"
verdict "a cursor holding SQL is only a keyset value (before 1970: nothing)"

# ------------------------------------------------------------ export list
for p in size cursor status; do
	probes '4[0-9][0-9]' "${AOP[@]}" -- "${junk[@]/#/$E?$p=}"
	verdict "export list, junk in $p: 4xx"
done
keys=("%27%20OR%201%3D1--=1" "%00=1" "%ff=1" "$long=1" "$mid=1" "%=1" "size%00=1" "reference=1")
probes '4[0-9][0-9]' "${AOP[@]}" -- "${keys[@]/#/$E?}"
verdict "export list, junk parameter names: 4xx"

# ------------------------------------------------------------ paths
ids=("%27%20OR%201%3D1%20--" "%27%20OR%20%271%27%3D%271" "1%27%3BDROP%20TABLE%20exports%3B--"
    "%00" "%ff%fe" "%C0%80" "%01" "$long" "$mid" "..%2F..%2F" "$PENDING%00" "$PENDING%20"
    "${PENDING^^}" "%25" "*" "$PENDING'--" "$PENDING/" "$PENDING/x")
probes '4[0-9][0-9]' "${AOP[@]}" -- "${ids[@]/#/$E/}"
probes '4[0-9][0-9]' -X DELETE "${AOP[@]}" -- "${ids[@]/#/$E/}"
probes '4[0-9][0-9]' "${ASUP[@]}" -- "${ids[@]/#/$E/}"
verdict "junk export ids (GET, DELETE): 4xx"
is "the pending export survived the junk DELETEs" "$(psql_q "SELECT status FROM exports WHERE id = '$PENDING'")" PENDING

# ------------------------------------------------------------ headers
hjunk=("' OR 1=1 --" "';DROP TABLE users;--" $'\x01' $'\x7f' $'\xff\xfe' $'\xc0\x80' "%00"
    "$long" "$mid" "ftx_' OR '1'='1_x" "ftx_${OP:4:16}_' OR 1=1 --" "${OP}"$'\x01' "() { :; }; echo x")
for v in "${hjunk[@]}"; do
	probe '4[0-9][0-9]' "dj-api-key ${v:0:20}" -H 'dj-client: OPERATOR' -H "dj-api-key: $v" "$E"
	probe '4[0-9][0-9]' "dj-client ${v:0:20}" -H "dj-client: $v" -H "dj-api-key: $OP" "$E"
	probe '4[0-9][0-9]' "Idempotency-Key ${v:0:20}" -X POST "${AOP[@]}" -H "Idempotency-Key: $v" -d '' "$E"
	probe '4[0-9][0-9]' "Content-Type ${v:0:20}" -X POST "${AOP[@]}" -H "Content-Type: $v" -d '{}' "$E"
	hs=()
	for h in Cookie Accept Accept-Charset X-Forwarded-For Referer User-Agent Authorization Range If-None-Match; do
		hs+=(-H "$h: $v")
	done
	probe '200|4[0-9][0-9]' "other headers ${v:0:20}" "${AOP[@]}" "${hs[@]}" "$T?size=1"
done
verdict "junk headers: 4xx where they matter, ignored elsewhere, never 5xx"
for cl in -1 abc 99999999999999999999999 18446744073709551616 '1 2' 0x10 ''; do
	probe '4[0-9][0-9]' "Content-Length $cl" -X POST "${AOP[@]}" -H 'Content-Type: application/json' -H "Content-Length: $cl" --data-binary '{}' "$E"
done
verdict "junk Content-Length: 4xx"

# ------------------------------------------------------------ bodies
body() { # LABEL FILE-OR-TEXT (the body is sent as bytes)
	probe '4[0-9][0-9]' "$1" -X POST "${AOP[@]}" -H 'Content-Type: application/json' --data-binary "$2" "$E"
}
bodies=$FTX_STACK_DIR/bodies
mkdir -p "$bodies"
$PY - "$bodies" <<'EOF'
import os, sys
d = sys.argv[1]
def w(name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
w("nul-in-string", b'{"cc":"a\x00@x.io"}')
w("nul-after", b'{}\x00')
w("nul-before", b'\x00{}')
w("nul-escape-ref", '{"filters":{"reference":"a\\u0000b"}}')
w("nul-escape-key", '{"filters":{"a\\u0000b":"x"}}')
w("nul-escape-topkey", '{"\\u0000":1}')
w("nul-escape-cc", '{"cc":["a\\u0000@x.io"]}')
w("nul-escape-supplier", '{"filters":{"supplierIds":["SUP-00001\\u0000x"]}}')
w("bad-utf8-ref", b'{"filters":{"reference":"\xff\xfe"}}')
w("bad-utf8-key", b'{"\xff":1}')
w("bad-utf8-cc", b'{"cc":"\xc3\x28@x.io"}')
w("overlong-utf8", b'{"filters":{"relatedEntityId":"\xc0\xaf"}}')
w("surrogate-utf8", b'{"filters":{"reference":"\xed\xa0\x80"}}')
w("lone-surrogate-escape", '{"filters":{"reference":"\\udc00","supplierIds":["\\ud800"]}}')
w("utf16-bom", b'\xff\xfe{\x00}\x00')
w("utf8-bom", b'\xef\xbb\xbf{}')
w("deep-arrays", "[" * 10000 + "]" * 10000)
w("deep-objects", '{"a":' * 10000 + "1" + "}" * 10000)
w("deep-in-filters", '{"filters":{"statuses":' + "[" * 10000 + "]" * 10000 + "}}")
w("deep-unclosed", "[" * 60000)
w("1e309", '{"filters":{"amountMin":1e309}}')
w("-1e309", '{"filters":{"amountMax":-1e309}}')
w("1e-400", '{"filters":{"amountMin":1e-400}}')
w("big-int", '{"filters":{"amountMin":123456789012345678901234567890}}')
w("17-digits", '{"filters":{"amountMin":"12345678901234567"}}')
w("nan", '{"filters":{"amountMin":NaN}}')
w("inf", '{"filters":{"amountMax":Infinity}}')
w("bool-amount", '{"filters":{"amountMin":true}}')
w("object-amount", '{"filters":{"amountMin":{"$gt":0}}}')
w("long-ref", '{"filters":{"reference":"' + "A" * 60000 + '"}}')
w("long-key", '{"' + "k" * 60000 + '":1}')
w("many-keys", "{" + ",".join('"k%d":1' % i for i in range(5000)) + "}")
w("many-statuses", '{"filters":{"statuses":[' + ",".join(['"FAILED"'] * 10000) + "]}}")
w("many-cc", '{"cc":[' + ",".join(["0"] * 5000) + "]}")
w("many-cc-string", '{"cc":"' + ",".join(["a%d@x.io" % i for i in range(3000)]) + '"}')
w("dup-keys", '{"cc":"a@x.io","cc":5}')
w("dup-filters", '{"filters":{"statuses":["PENDING"]},"filters":[]}')
w("comment", '/* x */ {}')
w("single-quotes", "{'filters':{}}")
w("sql-ref-bad-range", '{"filters":{"reference":"\' OR 1=1 --","amountMin":"2","amountMax":"1"}}')
w("sql-cc", '{"cc":"\';DROP TABLE users;--@x.io"}')
w("sql-supplier", '{"filters":{"supplierIds":["\' OR 1=1 --"]}}')
w("sql-key", '{"filters; DROP TABLE exports":1}')
w("bad-dates", '{"filters":{"createdAtFrom":"2025-01-01T00:00:00+99:99","createdAtTo":"99999-01-01"}}')
w("bad-dates-2", '{"filters":{"createdAtFrom":"2025-02-29","createdAtTo":"2025-01-01T24:00:01Z"}}')
w("bad-dates-3", '{"filters":{"createdAtFrom":"0000-00-00","createdAtTo":"2025-01-01T00:00:00.1234567890123Z"}}')
w("ctrl-in-cc", '{"cc":"a\\u0001@x.io"}')
w("crlf-in-cc", '{"cc":["a@x.io\\r\\nBcc: evil@x.io"]}')
w("angle-cc", '{"cc":["Evil <evil@x.io>"]}')
w("just-whitespace", " \t\r\n ")
w("empty-object-garbage", "{}\n\n}")
w("number", "1e309")
w("string-nul", '"\\u0000"')
EOF
for f in "$bodies"/*; do
	body "body $(basename "$f")" @"$f"
done
verdict "junk JSON bodies: 4xx"
for f in "$bodies"/*; do
	probe '4[0-9][0-9]' "supplier body $(basename "$f")" -X POST "${ASUP[@]}" -H 'Content-Type: application/json' --data-binary @"$f" "$E"
done
verdict "junk JSON bodies from a supplier: 4xx"
is "the supplier still has one export only" "$(psql_q "SELECT count(*) FROM exports WHERE user_id = '$SUP_ID'")" 1

# ------------------------------------------------------------ straight to FastCGI
# lighttpd normalises or refuses some bytes itself; the responder must
# survive them too.
sock=$(sed -n 's/^listen *= *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$FTX_CONFIG")
fcgi() { # ALLOWED LABEL BODY-FILE VAR=VALUE...
	_allow=$1 _label=$2 _in=$3
	shift 3
	_c=$(env -i "$@" cgi-fcgi -bind -connect "$sock" <"$_in" 2>/dev/null |
	    sed -n '1,/^\r\{0,1\}$/s/^Status: \([0-9]*\).*/\1/p')
	[[ $_c =~ ^($_allow)$ ]] || BAD="$BAD ${_label:0:50}=${_c:-none}"
}
if command -v cgi-fcgi >/dev/null 2>&1 && [ -S "$sock" ]; then
	AUTH=(HTTP_DJ_CLIENT=OPERATOR "HTTP_DJ_API_KEY=$OP")
	P=/v1/payments/funding-transfers
	for qs in '%' '%0' 'reference=%' 'reference=%00' 'reference=a%00b' $'reference=\xff\xfe' \
	    $'reference=\x01' 'size=%00' 'size=1%00' '%00=1' $'\xff=1' 'cursor=%' $'cursor=\xff' \
	    'statuses=%00' 'currency=e%00r' 'createdAtFrom=2025-01-01%00' "reference=$long" \
	    "$(printf 'a=%.0s' $(seq 1 2000))" '&&&&' '=&=&='; do
		fcgi '4[0-9][0-9]|200' "fcgi list ?$qs" /dev/null REQUEST_METHOD=GET \
		    "REQUEST_URI=$P?$qs" "QUERY_STRING=$qs" "${AUTH[@]}"
		fcgi '4[0-9][0-9]|200' "fcgi export list ?$qs" /dev/null REQUEST_METHOD=GET \
		    "REQUEST_URI=$P/export?$qs" "QUERY_STRING=$qs" "${AUTH[@]}"
	done
	for uri in $'/v1/payments/funding-transfers/export/\xff' $'/v1/payments/funding-transfers/export/\x01' \
	    "/v1/payments/funding-transfers/export/' OR 1=1 --" '' '?' 'v1/health' \
	    "/v1/payments/funding-transfers/export/$long" "$long"; do
		fcgi '4[0-9][0-9]' "fcgi GET $uri" /dev/null REQUEST_METHOD=GET "REQUEST_URI=$uri" "${AUTH[@]}"
		fcgi '4[0-9][0-9]' "fcgi DELETE $uri" /dev/null REQUEST_METHOD=DELETE "REQUEST_URI=$uri" "${AUTH[@]}"
	done
	for m in '' $'\xff' 'GET POST' "$long"; do
		fcgi '4[0-9][0-9]' "fcgi method $m" /dev/null "REQUEST_METHOD=$m" "REQUEST_URI=$P" "${AUTH[@]}"
	done
	for k in $'\xff' $'ftx_\x01_x' "ftx_${OP:4:16}_"$'\xff' "$long" ' '; do
		fcgi '4[0-9][0-9]' "fcgi key $k" /dev/null REQUEST_METHOD=GET "REQUEST_URI=$P" \
		    HTTP_DJ_CLIENT=OPERATOR "HTTP_DJ_API_KEY=$k"
		fcgi '4[0-9][0-9]' "fcgi client $k" /dev/null REQUEST_METHOD=GET "REQUEST_URI=$P" \
		    "HTTP_DJ_CLIENT=$k" "HTTP_DJ_API_KEY=$OP"
	done
	printf '{}' >"$FTX_STACK_DIR/two"
	for cl in -1 abc 99999999999999999999999 18446744073709551616 ' 2' '2 ' 1000 0x2 65537; do
		fcgi '4[0-9][0-9]' "fcgi CONTENT_LENGTH=$cl" "$FTX_STACK_DIR/two" REQUEST_METHOD=POST \
		    "REQUEST_URI=$P/export" CONTENT_TYPE=application/json "CONTENT_LENGTH=$cl" "${AUTH[@]}"
	done
	for f in "$bodies"/*; do
		fcgi '4[0-9][0-9]' "fcgi body $(basename "$f")" "$f" REQUEST_METHOD=POST \
		    "REQUEST_URI=$P/export" CONTENT_TYPE=application/json \
		    "CONTENT_LENGTH=$(wc -c <"$f")" "${AUTH[@]}"
	done
	for ct in $'application/json\xff' $'\x01' "$long" 'application/json; charset=%00'; do
		fcgi '4[0-9][0-9]' "fcgi content type $ct" "$bodies/dup-keys" REQUEST_METHOD=POST \
		    "REQUEST_URI=$P/export" "CONTENT_TYPE=$ct" "CONTENT_LENGTH=$(wc -c <"$bodies/dup-keys")" "${AUTH[@]}"
	done
	for ik in $'\xff' $'a\x01' "$long"; do
		fcgi '4[0-9][0-9]' "fcgi Idempotency-Key $ik" /dev/null REQUEST_METHOD=POST \
		    "REQUEST_URI=$P/export" CONTENT_LENGTH=0 "HTTP_IDEMPOTENCY_KEY=$ik" "${AUTH[@]}"
	done
	verdict "straight to FastCGI: junk query strings, paths, methods, headers, lengths, bodies: 4xx"
else
	skip "straight to FastCGI" "cgi-fcgi (libfcgi-bin) not installed"
fi

# ------------------------------------------------------------ survival
is "health 200 after the junk" "$(http_code GET "$FTX_URL/v1/health")" 200
is "same master" "$(fcgi_master_pid)" "$master"
is "same children: none crashed or was replaced" "$(pgrep -P "$master" | sort)" "$kids"
is "no child killed by a signal" "$(grep -c 'killed by signal' "$FTX_STACK_DIR/log/ftx-fcgi.log")" 0
is "no sanitizer report" "$(grep -Ec 'AddressSanitizer|LeakSanitizer|runtime error:' "$FTX_STACK_DIR"/log/*.log | awk -F: '{s += $NF} END {print s + 0}')" 0
is "no request answered 5xx" "$(grep -Ec 'request [0-9a-f]+ [A-Z]* *[^ ]* 5[0-9][0-9] ' "$FTX_STACK_DIR/log/ftx-fcgi.log")" 0
is "no 5xx in the access log" "$(cat "$FTX_STACK_DIR"/log/*-access.log | awk '$9 ~ /^5/' | wc -l)" 0
is "data untouched" "$(snapshot)" "$before"
is "every table still there" "$(psql_q "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('tenants','suppliers','balance_accounts','funding_transfers','users','api_keys','exports','idempotency_keys')")" 8
is "still serving the right data" "$(curl -s "${AOP[@]}" "$T?size=500" | $PY -c 'import json, sys; print(len(json.load(sys.stdin)["data"]))')" \
    "$(psql_q "SELECT count(*) FROM funding_transfers WHERE tenant_id = 'ja'")"

done_testing
