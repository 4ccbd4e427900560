#!/bin/bash
# t_download.sh - GET|HEAD .../export/{id}/download (SPEC §7): the e-mailed
# link serves the file with its headers; the signature (HMAC-SHA256 of
# "exportId\nexpires", computed here in python from the secret file) is
# checked before anything else: tampered or missing parts give 403
# INVALID_SIGNATURE, a past expiry or an export no longer READY 410
# LINK_EXPIRED; every secret line verifies (rotation); HEAD answers the
# same headers; Last-Modified is completedAt; If-None-Match and
# If-Modified-Since give 304 on GET and HEAD; a file gone after the READY
# check gives 410, not 500; a control byte in a conditional header gives
# 400; the same through lighttpd with and without X-Sendfile and through
# Apache with mod_xsendfile.
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

PY=/usr/bin/python3
flip0=0000000000000000000000000000000000000000000000000000000000000000
EPATH=/v1/payments/funding-transfers/export
[ -x "$FTX_BUILDDIR/src/ftx-exportd" ] || bail "ftx-exportd is not built"

# req METHOD URL [curl args...]: sets CODE, BODY (saved in $W/req.out) and
# HDRS (CR removed, status line dropped).
req() {
	_m=$1 _u=$2
	shift 2
	if [ "$_m" = HEAD ]; then set -- --head "$@"; else set -- -X "$_m" "$@"; fi
	rm -f "$W/req.out"	# curl writes nothing when there is no body
	CODE=$(curl -s -o "$W/req.out" -D "$W/req.hdr" -w '%{http_code}' \
	    --max-time 30 "$@" "$_u")
	touch "$W/req.out"
	BODY=$(cat "$W/req.out")
	HDRS=$(tr -d '\r' <"$W/req.hdr" | sed 1d)
}
jv() {
	printf '%s' "$BODY" | $PY -c '
import json, sys
d = json.load(sys.stdin)
v = eval(sys.argv[1])
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))' "$1" 2>&1
}
# sign ID EXPIRES [N]: the signature with the Nth secret of the file (1),
# or with a secret the stack does not have (0).
sign() {
	$PY - "$FTX_STACK_DIR/download.secret" "$1" "$2" "${3:-1}" <<'EOF'
import hashlib, hmac, sys
path, eid, exp, n = sys.argv[1:5]
lines = [l.rstrip("\r\n \t") for l in open(path)]
secrets = [l for l in lines if l and not l.startswith("#")]
key = "0" * 64 if n == "0" else secrets[int(n) - 1]
print(hmac.new(key.encode(), (eid + "\n" + exp).encode(),
               hashlib.sha256).hexdigest())
EOF
}
# The six headers of a download, in a fixed order.
dl_headers() {
	printf '%s\n' "$HDRS" | grep -iE '^(content-type|content-disposition|content-length|etag|cache-control|last-modified):' |
	    sed 's/^\([^:]*\):/\L\1:/' | sort
}
# setup LABEL: data, an operator, one READY export: sets KEY, ID, SHA,
# SIZE, URL and FILE (the file in export_dir).
setup() {
	W=$FTX_STACK_DIR/texp
	mkdir -p "$W"
	admin demo-data --tenant dl --suppliers 3 --transfers 3000 --seed 5 \
	    >/dev/null || bail "$1: demo-data"
	_u=$(admin user add --tenant dl --email "dl@dl.example" --role OPERATOR) ||
	    bail "$1: user"
	KEY=$(admin key create "$_u") || bail "$1: key"
	req POST "$FTX_URL$EPATH" -H 'dj-client: OPERATOR' -H "dj-api-key: $KEY" \
	    -H 'Content-Type: application/json' \
	    --data-binary '{"filters": {"statuses": ["COMPLETED", "FAILED"]}}'
	is "$1: POST 201" "$CODE" 201
	ID=$(jv 'd["exportId"]')
	ok "$1: the export is READY" wait_for 60 sh -c "[ \"\$(psql '$FTX_DSN' -XAtc \"SELECT status FROM exports WHERE id = '$ID'\")\" = READY ]"
	req GET "$FTX_URL$EPATH/$ID" -H 'dj-client: OPERATOR' -H "dj-api-key: $KEY"
	SHA=$(jv 'd["sha256"]')
	SIZE=$(jv 'd["fileSize"]')
	URL=$(jv 'd["downloadUrl"]')
	LM=$(TZ=UTC LC_ALL=C date -d "$(jv 'd["completedAt"]')" '+%a, %d %b %Y %H:%M:%S GMT')
	FILE=$(psql_q "SELECT file_path FROM exports WHERE id = '$ID'")
}
# download_ok LABEL: the link gives the file with the SPEC's headers, and
# HEAD the same headers.
download_ok() {
	req GET "$URL"
	is "$1: GET the link: 200" "$CODE" 200
	is "$1: the body is the file (sha256)" "$(sha256sum <"$W/req.out" | cut -d ' ' -f 1)" "$SHA"
	ok "$1: the body is the file in export_dir" cmp "$W/req.out" "$FILE"
	is "$1: the download headers" "$(dl_headers)" "$(printf '%s\n' \
	    'cache-control: private, no-store' \
	    "content-disposition: attachment; filename=\"funding-transfers-$ID.csv\"" \
	    "content-length: $SIZE" \
	    'content-type: text/csv; charset=utf-8' \
	    "etag: \"$SHA\"" \
	    "last-modified: $LM")"
	unlike "$1: no X-Sendfile header reaches the client" "$HDRS" '^(X-Sendfile|X-LIGHTTPD-send-file|X-Accel-Redirect):'
	get_hdrs=$(dl_headers)
	req HEAD "$URL"
	is "$1: HEAD: 200" "$CODE" 200
	is "$1: HEAD: the same headers" "$(dl_headers)" "$get_hdrs"
	conditional_ok "$1"
	file_gone "$1"
}
# conditional_ok LABEL: If-None-Match and If-Modified-Since give 304 on GET
# and HEAD alike (SPEC 7), with the validators and no body.
conditional_ok() {
	for _m in GET HEAD; do
		req $_m "$URL" -H "If-None-Match: \"$SHA\""
		is "$1: $_m If-None-Match (the ETag): 304" "$CODE" 304
		if [ $_m = GET ]; then	# (curl --head writes the headers there)
			is "$1: GET 304: no body" "$(wc -c <"$W/req.out")" 0
		fi
		is "$1: $_m 304: ETag and Last-Modified" \
		    "$(printf '%s\n' "$HDRS" | grep -iE '^(etag|last-modified):' | sed 's/^\([^:]*\):/\L\1:/' | sort)" \
		    "$(printf '%s\n' "etag: \"$SHA\"" "last-modified: $LM")"
		unlike "$1: $_m 304: no X-Sendfile" "$HDRS" '^(X-Sendfile|X-LIGHTTPD-send-file|X-Accel-Redirect):'
		req $_m "$URL" -H "If-None-Match: \"other\", W/\"$SHA\""
		is "$1: $_m If-None-Match, a list with the weak ETag: 304" "$CODE" 304
		req $_m "$URL" -H 'If-None-Match: *'
		is "$1: $_m If-None-Match *: 304" "$CODE" 304
		req $_m "$URL" -H 'If-None-Match: "other"'
		is "$1: $_m If-None-Match, another ETag: 200" "$CODE" 200
		req $_m "$URL" -H "If-Modified-Since: $LM"
		is "$1: $_m If-Modified-Since = Last-Modified: 304" "$CODE" 304
		req $_m "$URL" -H 'If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT'
		is "$1: $_m If-Modified-Since before: 200" "$CODE" 200
		req $_m "$URL" -H 'If-Modified-Since: not a date'
		is "$1: $_m If-Modified-Since not a date: ignored, 200" "$CODE" 200
		req $_m "$URL" -H 'If-None-Match: "other"' -H "If-Modified-Since: $LM"
		is "$1: $_m If-None-Match decides alone: 200" "$CODE" 200
	done
	req GET "$URL" -H 'If-None-Match: "other"'
	is "$1: a 200 after a failed condition is the file" \
	    "$(sha256sum <"$W/req.out" | cut -d ' ' -f 1)" "$SHA"
	req GET "$FTX_URL$EPATH/$ID/download?expires=1&signature=$flip0" -H "If-None-Match: \"$SHA\""
	is "$1: If-None-Match does not pass a bad signature: 403" "$CODE" 403
}
# file_gone LABEL: the file deleted after the READY check (the daemon
# expires the export meanwhile): 410 LINK_EXPIRED, never 500.
file_gone() {
	mv "$FILE" "$FILE.away" || bail "$1: cannot move $FILE"
	for _m in GET HEAD; do
		req $_m "$URL"
		is "$1: $_m, the file gone after the READY check: 410" "$CODE" 410
	done
	req GET "$URL"
	is "$1: ... LINK_EXPIRED" "$(jv 'd["errors"][0]["code"]')" LINK_EXPIRED
	mv "$FILE.away" "$FILE"
	req GET "$URL"
	is "$1: the file back: 200" "$CODE" 200
}

# ------------------------------------------------------------ lighttpd, X-Sendfile
stack_up
setup lighttpd
E=${URL#*expires=}
E=${E%%&*}
S=${URL##*signature=}
is "downloadUrl: base_url, path, expires, signature" "$URL" \
    "$FTX_URL$EPATH/$ID/download?expires=$E&signature=$S"
is "downloadUrl: expires is expiresAt" \
    "$(date -u -d "@$E" +%Y-%m-%dT%H:%M:%SZ)" "$(jv 'd["expiresAt"]')"
is "downloadUrl: the signature is HMAC-SHA256(secret 1, id LF expires)" \
    "$S" "$(sign "$ID" "$E")"
download_ok lighttpd
ok "sendfile: ftx.conf says x-sendfile" grep -qx 'sendfile = x-sendfile' "$FTX_CONFIG"
req GET "$URL" -H 'dj-client: OPERATOR' -H 'dj-api-key: ftx_nosuchkey1_0123456789abcdef0123456789abcdef'
is "an API key (even a bad one) does not matter" "$CODE" 200
req GET "$URL&utm_source=mail&x="
is "other query parameters are ignored" "$CODE" 200

# ------------------------------------------------------------ 403
forbidden() {
	_d=$1
	shift
	req GET "$FTX_URL$EPATH/$1/download${2:+?$2}"
	is "$_d: 403 INVALID_SIGNATURE" "$CODE $(jv 'd["errors"][0]["code"]')" '403 INVALID_SIGNATURE'
}
flip=$(printf '%s' "$S" | $PY -c 'import sys; s = sys.stdin.read(); print(s[:10] + ("0" if s[10] != "0" else "1") + s[11:])')
forbidden "one hex digit of the signature changed" "$ID" "expires=$E&signature=$flip"
forbidden "the signature in upper case" "$ID" "expires=$E&signature=$(printf '%s' "$S" | tr a-f A-F)"
forbidden "the signature cut short" "$ID" "expires=$E&signature=${S%?}"
forbidden "the signature one digit longer" "$ID" "expires=$E&signature=${S}0"
forbidden "expires changed (+1)" "$ID" "expires=$((E + 1))&signature=$S"
forbidden "expires changed (a leading zero)" "$ID" "expires=0$E&signature=$S"
forbidden "expires changed (far future)" "$ID" "expires=9999999999&signature=$S"
forbidden "signature missing" "$ID" "expires=$E"
forbidden "expires missing" "$ID" "signature=$S"
forbidden "no query string" "$ID" ""
forbidden "empty values" "$ID" "expires=&signature="
forbidden "signature twice (good and bad)" "$ID" "expires=$E&signature=$flip&signature=$S"
forbidden "expires not a number (signed as such)" "$ID" "expires=soon&signature=$(sign "$ID" soon)"
forbidden "expires negative (signed as such)" "$ID" "expires=-5&signature=$(sign "$ID" -5)"
forbidden "another export id, same query" "no-such-export" "expires=$E&signature=$S"
forbidden "a case change in the export id" "$(printf '%s' "$ID" | tr a-f A-F)" "expires=$E&signature=$S"
forbidden "signed with an unknown secret" "$ID" "expires=$E&signature=$(sign "$ID" "$E" 0)"
req HEAD "$FTX_URL$EPATH/$ID/download?expires=$E&signature=$flip"
is "HEAD with a bad signature: 403" "$CODE" 403
# A control byte in a conditional header (SPEC 7): 400.  Web servers refuse
# most control bytes themselves: ask the pool over FastCGI.
fsock=$(sed -n 's/^listen *= *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$FTX_CONFIG")
for h in HTTP_IF_NONE_MATCH HTTP_IF_MODIFIED_SINCE; do
	raw=$(env REQUEST_METHOD=GET REQUEST_URI="$EPATH/$ID/download" \
	    QUERY_STRING="expires=$E&signature=$S" "$h=$(printf '"x"\001')" \
	    cgi-fcgi -bind -connect "$fsock" 2>&1 | tr -d '\r')
	like "a control byte in $h: 400" "$raw" '^Status: 400'
	like "... INVALID_PARAMETER" "$raw" '"code":"INVALID_PARAMETER"'
done
past=$(($(date +%s) - 60))
req GET "$FTX_URL$EPATH/$ID/download?expires=$past&signature=$flip"
is "a past expiry with a bad signature: 403 (the signature first)" "$CODE" 403

# ------------------------------------------------------------ 410
req GET "$FTX_URL$EPATH/$ID/download?expires=$past&signature=$(sign "$ID" "$past")"
is "a past expiry, validly signed: 410 LINK_EXPIRED" "$CODE $(jv 'd["errors"][0]["code"]')" '410 LINK_EXPIRED'
req HEAD "$FTX_URL$EPATH/$ID/download?expires=$past&signature=$(sign "$ID" "$past")"
is "HEAD: 410 too" "$CODE" 410
future=$(($(date +%s) + 3600))
req GET "$FTX_URL$EPATH/no-such-export/download?expires=$future&signature=$(sign no-such-export "$future")"
is "an unknown export, validly signed: 410 LINK_EXPIRED" "$CODE $(jv 'd["errors"][0]["code"]')" '410 LINK_EXPIRED'

# ------------------------------------------------------------ rotation
req GET "$FTX_URL$EPATH/$ID/download?expires=$future&signature=$(sign "$ID" "$future" 2)"
is "signed with the second secret line: 200" "$CODE" 200
is "... the same bytes" "$(sha256sum <"$W/req.out" | cut -d ' ' -f 1)" "$SHA"
req GET "$FTX_URL$EPATH/$ID/download?expires=$future&signature=$(sign "$ID" "$future" 1)"
is "another expiry signed with the first line: 200" "$CODE" 200

# ------------------------------------------------------------ no longer READY
psql_q "UPDATE exports SET status = 'EXPIRED' WHERE id = '$ID'"
req GET "$URL"
is "export EXPIRED (link still in date): 410 LINK_EXPIRED" "$CODE $(jv 'd["errors"][0]["code"]')" '410 LINK_EXPIRED'
req HEAD "$URL"
is "HEAD on it: 410" "$CODE" 410
psql_q "UPDATE exports SET status = 'FAILED', failure_reason = 'x' WHERE id = '$ID'"
req GET "$URL"
is "export FAILED: 410" "$CODE" 410
psql_q "UPDATE exports SET status = 'READY', failure_reason = NULL WHERE id = '$ID'"
req GET "$URL"
is "READY again: 200" "$CODE" 200
# Last: the daemon expires it for real (and deletes the file) meanwhile.
psql_q "UPDATE exports SET expires_at = now() - interval '1 second' WHERE id = '$ID'"
req GET "$URL"
is "export past its expiresAt (link still in date): 410" "$CODE" 410

# ------------------------------------------------------------ lighttpd, no X-Sendfile
# ... and links valid for 15 s (FTX_DOWNLOAD_TTL): expiry the natural way.
stack_up FTX_SENDFILE=off FTX_DOWNLOAD_TTL=15
setup "sendfile off"
ok "sendfile off: ftx.conf says so" grep -qx 'sendfile = off' "$FTX_CONFIG"
download_ok "sendfile off (streamed by the responder)"
req GET "$FTX_URL$EPATH/$ID" -H 'dj-client: OPERATOR' -H "dj-api-key: $KEY"
is "ttl = 15: expiresAt = completedAt + 15 s" "$($PY -c '
import datetime, sys
p = lambda s: datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")
print(int((p(sys.argv[2]) - p(sys.argv[1])).total_seconds()))' \
    "$(jv 'd["completedAt"]')" "$(jv 'd["expiresAt"]')")" 15
link_gone() {
	[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$URL")" = 410 ]
}
ok "after 15 s the link answers 410" wait_for 40 link_gone
ok "... the daemon marks the export EXPIRED and deletes the file" \
    wait_for 30 sh -c "[ \"\$(psql '$FTX_DSN' -XAtc \"SELECT status FROM exports WHERE id = '$ID'\")\" = EXPIRED ] && [ ! -e '$FILE' ]"
past=$(($(date +%s) - 1))
req GET "$FTX_URL$EPATH/$ID/download?expires=$past&signature=$(sign "$ID" "$past")"
is "sendfile off: a past expiry: 410" "$CODE" 410
req GET "$FTX_URL$EPATH/$ID/download?expires=$E&signature=$S"
is "sendfile off: another stack's link: 403" "$CODE" 403

# ------------------------------------------------------------ Apache, mod_xsendfile
if [ -f /usr/lib/apache2/modules/mod_xsendfile.so ]; then
	stack_up FTX_WEB_SERVER=apache
	setup apache
	download_ok "apache (mod_xsendfile)"
	stack_up FTX_WEB_SERVER=apache FTX_SENDFILE=off
	setup "apache, sendfile off"
	download_ok "apache, sendfile off"
else
	skip "apache download" "mod_xsendfile is not installed"
fi

done_testing
