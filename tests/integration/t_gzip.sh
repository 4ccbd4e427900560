#!/bin/bash
# t_gzip.sh - gzip exports end to end (SPEC §7 "compression", §9): the
# body's compression is null, absent or "gzip", anything else 400
# INVALID_FIELD with nothing created; it is stored, echoed and listed; the
# file gunzips to exactly the plain export of the same filters; the
# download is application/gzip named .csv.gz, with fileSize and sha256 of
# the bytes served (GET and HEAD); the e-mail says the file is
# gzip-compressed; an Idempotency-Key reused with another compression is
# 422; an empty result gunzips to the header line alone.
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

PY=/usr/bin/python3
E=/v1/payments/funding-transfers/export
[ -x "$FTX_BUILDDIR/src/ftx-exportd" ] || bail "ftx-exportd is not built"

stack_up
W=$FTX_STACK_DIR/tgz
mkdir -p "$W"
admin demo-data --tenant gz --suppliers 3 --transfers 2000 --seed 12 \
    >/dev/null || bail "demo-data"
U=$(admin user add --tenant gz --email "gz@gz.example" --role OPERATOR) ||
    bail "user"
KEY=$(admin key create "$U") || bail "key"
A=(-H 'dj-client: OPERATOR' -H "dj-api-key: $KEY")
J=(-H 'Content-Type: application/json')
F='{"statuses": ["COMPLETED", "FAILED"]}'

nexports() {
	psql_q "SELECT count(*) FROM exports WHERE user_id = '$U'"
}
# ready ID: waits until export ID is READY, then GETs it (BODY).
ready() {
	ok "$1 is READY" wait_for 60 sh -c "[ \"\$(psql '$FTX_DSN' -XAtc \"SELECT status FROM exports WHERE id = '$1'\")\" = READY ]"
	req GET "$FTX_URL$E/$1" "${A[@]}"
}
# fetch ID FILE: downloads export ID's file into FILE (headers in HDRS).
fetch() {
	ready "$1"
	_url=$(jv 'd["downloadUrl"]')
	SHA=$(jv 'd["sha256"]')
	SIZE=$(jv 'd["fileSize"]')
	ROWS=$(jv 'd["rowCount"]')
	req GET "$_url"
	is "$1: download 200" "$CODE" 200
	cp "$FTX_STACK_DIR/req.out" "$2"
	URL=$_url
}
# hdr NAME: the value of response header NAME (case-insensitive).
hdr() {
	printf '%s\n' "$HDRS" | sed -n "s/^$1: //Ip" | head -n 1
}

# ------------------------------------------------------------ invalid values
before=$(nexports)
for v in '"zip"' 1 true '"GZIP"' '""' '["gzip"]' '{}'; do
	req POST "$FTX_URL$E" "${A[@]}" "${J[@]}" -d "{\"compression\": $v}"
	is "compression $v: 400 INVALID_FIELD" "$CODE $(errs)" '400 INVALID_FIELD:compression'
done
is "nothing created by the invalid values" "$(nexports)" "$before"

# ------------------------------------------------------------ create, echo, list
req POST "$FTX_URL$E" "${A[@]}" "${J[@]}" -H 'Idempotency-Key: gz-1' \
    -d "{\"filters\": $F, \"compression\": \"gzip\"}"
is "POST gzip: 201" "$CODE" 201
GZ=$(jv 'd["exportId"]')
is "the export echoes compression gzip" "$(jv 'd["compression"]')" gzip
is "stored as gzip" "$(psql_q "SELECT compression FROM exports WHERE id = '$GZ'")" gzip
req POST "$FTX_URL$E" "${A[@]}" "${J[@]}" -H 'Idempotency-Key: gz-1' \
    -d "{\"filters\": $F, \"compression\": null}"
is "same key, compression null: 422 IDEMPOTENCY_KEY_REUSED" "$CODE $(errs)" '422 IDEMPOTENCY_KEY_REUSED:Idempotency-Key'
req POST "$FTX_URL$E" "${A[@]}" "${J[@]}" -H 'Idempotency-Key: gz-1' \
    -d "{\"filters\": $F}"
is "same key, compression absent: 422" "$CODE" 422
req POST "$FTX_URL$E" "${A[@]}" "${J[@]}" -H 'Idempotency-Key: gz-1' \
    -d "{\"compression\": \"gzip\", \"filters\": $F}"
is "same key, same request (members reordered): the first export" "$CODE $(jv 'd["exportId"]')" "201 $GZ"
req GET "$FTX_URL$E" "${A[@]}"
is "the list shows the compression" "$(jv '[x["compression"] for x in d["data"] if x["exportId"] == "'"$GZ"'"]')" '["gzip"]'

# ------------------------------------------------------------ download
fetch "$GZ" "$W/gz.csv.gz"
is "Content-Type application/gzip" "$(hdr Content-Type)" application/gzip
is "Content-Disposition names .csv.gz" "$(hdr Content-Disposition)" \
    "attachment; filename=\"funding-transfers-$GZ.csv.gz\""
is "fileSize is the size of the bytes served" "$(wc -c <"$W/gz.csv.gz" | tr -d ' ')" "$SIZE"
is "Content-Length too" "$(hdr Content-Length)" "$SIZE"
is "sha256 is that of the bytes served" "$(sha256sum <"$W/gz.csv.gz" | cut -d ' ' -f 1)" "$SHA"
ok "the file is valid gzip" gzip -t "$W/gz.csv.gz"
get_ct=$(hdr Content-Type) get_cd=$(hdr Content-Disposition)
req HEAD "$URL"
is "HEAD: 200" "$CODE" 200
is "HEAD: the same type, name and length" \
    "$(hdr Content-Type)|$(hdr Content-Disposition)|$(hdr Content-Length)" \
    "$get_ct|$get_cd|$SIZE"

# ------------------------------------------------------------ the e-mail
cat >"$W/mail.py" <<'EOF'
import email, os, sys
from email import policy
maildir, eid = sys.argv[1:3]
for fn in sorted(os.listdir(os.path.join(maildir, "new"))):
    with open(os.path.join(maildir, "new", fn), "rb") as fp:
        m = email.message_from_binary_file(fp, policy=policy.default)
    if eid in str(m["Subject"]):
        sys.stdout.write(m.get_content())
EOF
ok "the e-mail arrives" wait_for 30 sh -c "$PY '$W/mail.py' '$FTX_MAILDIR' '$GZ' | grep -q ."
mail=$($PY "$W/mail.py" "$FTX_MAILDIR" "$GZ")
like "the e-mail says gzip-compressed CSV, naming the file" "$mail" \
    "^The file is gzip-compressed CSV \\(funding-transfers-$GZ\\.csv\\.gz\\)\\.\$"

# ------------------------------------------------------------ the same, plain
req POST "$FTX_URL$E" "${A[@]}" "${J[@]}" -d "{\"filters\": $F, \"compression\": null}"
is "POST plain (null), same filters: 201" "$CODE" 201
PL=$(jv 'd["exportId"]')
is "echoed as null" "$(jv 'd["compression"]')" null
fetch "$PL" "$W/plain.csv"
is "plain: text/csv" "$(hdr Content-Type)" 'text/csv; charset=utf-8'
gunzip -c "$W/gz.csv.gz" >"$W/gunzipped.csv"
ok "gunzip of the gzip export is byte for byte the plain export" cmp "$W/gunzipped.csv" "$W/plain.csv"
ok "... which has rows" [ "$(wc -l <"$W/plain.csv")" -gt 100 ]
ok "the plain mail does not mention compression" sh -c "! $PY '$W/mail.py' '$FTX_MAILDIR' '$PL' | grep -q compressed"

# ------------------------------------------------------------ empty result
req POST "$FTX_URL$E" "${A[@]}" "${J[@]}" \
    -d '{"filters": {"createdAtTo": "2000-01-01T00:00:00Z"}, "compression": "gzip"}'
is "POST gzip with an empty result: 201" "$CODE" 201
EM=$(jv 'd["exportId"]')
fetch "$EM" "$W/empty.csv.gz"
is "rowCount 0" "$ROWS" 0
head -n 1 "$W/plain.csv" >"$W/header.csv"
gunzip -c "$W/empty.csv.gz" >"$W/empty.csv"
ok "an empty gzip export gunzips to the header line only" cmp "$W/empty.csv" "$W/header.csv"
like "... the CSV header" "$(cat "$W/empty.csv")" '^transferId;createdAt;status;'

done_testing
