#!/bin/bash
# t_admin_export.sh - ftx-admin export list|show, for support staff.
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

stack_up
admin tenant add acme "Acme" >/dev/null
admin demo-data --tenant acme --suppliers 3 --transfers 200 --seed 5 >/dev/null
uid=$(admin user add --tenant acme --email ops@acme.example --role OPERATOR)
key=$(admin key create "$uid")
post() {
	curl -s -X POST -H 'dj-client: OPERATOR' -H "dj-api-key: $key" \
	    -H 'Content-Type: application/json' -d "$1" \
	    "$FTX_URL/v1/payments/funding-transfers/export" |
	    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["exportId"])'
}
ready=$(post '{"filters":{"currency":"EUR"}}')
ok "first export READY" wait_for 30 bash -c \
    "[ \"\$(psql \"$FTX_DSN\" -XAtqc \"SELECT status FROM exports WHERE id = '$ready'\")\" = READY ]"
# The second export must stay PENDING until it is canceled.
exportd=$(cat "$FTX_STACK_DIR/pid/ftx-exportd.pid")
kill -TERM "$exportd"
ok "ftx-exportd stopped" wait_for 15 bash -c "! kill -0 $exportd 2>/dev/null"
canceled=$(post '{}')
curl -s -o /dev/null -X DELETE -H 'dj-client: OPERATOR' -H "dj-api-key: $key" \
    "$FTX_URL/v1/payments/funding-transfers/export/$canceled"

list=$(admin export list)
is "two exports listed" "$(printf '%s\n' "$list" | wc -l)" 2
like "newest first: the canceled one" "$(printf '%s\n' "$list" | head -1)" \
    "^$canceled	acme	ops@acme\\.example	FAILED	[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z	-	[01]	CANCELED\$"
rows=$(psql_q "SELECT row_count FROM exports WHERE id = '$ready'")
like "the READY one with its row count" "$(printf '%s\n' "$list" | tail -1)" \
    "^$ready	acme	ops@acme\\.example	READY	.*	$rows	1	-\$"
is "--status READY" "$(admin export list --status READY | cut -f1)" "$ready"
is "--user" "$(admin export list --user "$uid" | wc -l)" 2
is "--tenant of another tenant" "$(admin export list --tenant nobody | wc -l)" 0
psql_q "UPDATE exports SET expires_at = now() - interval '1 second' WHERE id = '$ready'" >/dev/null
is "--status EXPIRED shows what the API shows" \
    "$(admin export list --status EXPIRED | cut -f1)" "$ready"
nok "--status BOGUS refused" admin export list --status BOGUS
admin export list --status BOGUS >/dev/null 2>&1; is "... with exit 2" "$?" 2

show=$(admin export show "$ready")
like "show: the API object" "$show" "\"exportId\": \"$ready\""
like "show: internal file path" "$show" "\"filePath\": \".*/$(export_tenant_dir acme)/$ready\\.csv\""
like "show: attempts" "$show" '"attempts": 1'
unlike "show: no download link without the secret" "$show" 'signature='
admin export show nope >/dev/null 2>&1; is "unknown export: exit 1" "$?" 1
like "unknown export: message" "$(admin export show nope 2>&1)" 'no such export: nope'

# export cancel: the worker is still stopped, so a new export stays PENDING.
pending=$(post '{}')
is "cancel: prints the id" "$(admin export cancel "$pending")" "$pending"
is "cancel: FAILED CANCELED" \
    "$(psql_q "SELECT status || ' ' || failure_reason FROM exports WHERE id = '$pending'")" \
    "FAILED CANCELED"
admin export cancel "$pending" >/dev/null 2>&1; is "cancel again: exit 1" "$?" 1
like "cancel again: not PENDING" "$(admin export cancel "$pending" 2>&1)" 'not PENDING'
like "cancel unknown: message" "$(admin export cancel nope 2>&1)" 'no such export: nope'

done_testing
