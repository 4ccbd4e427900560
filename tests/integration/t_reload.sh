#!/bin/bash
# t_reload.sh - SIGHUP to both daemons under load loses nothing: wrk hits
# the API while exports are queued and both daemons are reloaded again and
# again; no request fails, every export is generated and mailed once.  A
# broken configuration on reload is refused and the old one keeps serving.
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

N=30
stack_up FTX_FCGI_CHILDREN=3 FTX_EXPORTD_WORKERS=2
fcgi=$(fcgi_master_pid)
exportd=$(cat "$FTX_STACK_DIR/pid/ftx-exportd.pid")
admin tenant add acme "Acme" >/dev/null
admin demo-data --tenant acme --suppliers 4 --transfers 3000 --seed 11 >/dev/null
for i in $(seq 1 $N); do
	uid=$(admin user add --tenant acme --email "u$i@acme.example" --role OPERATOR)
	echo "$(admin key create "$uid")"
done > "$FTX_STACK_DIR/keys"
read -r wrk_key < "$FTX_STACK_DIR/keys"

# Load: wrk on the transfer list for the whole test.
wrk -t2 -c8 -d14s -H 'dj-client: OPERATOR' -H "dj-api-key: $wrk_key" \
    "$FTX_URL/v1/payments/funding-transfers?size=20" > "$FTX_STACK_DIR/wrk.out" 2>&1 &
wrk_pid=$!
sleep 1

# Exports queued while the daemons reload: one per user, in the background.
( while read -r k; do
	curl -s -o /dev/null -w '%{http_code}\n' -X POST \
	    -H 'dj-client: OPERATOR' -H "dj-api-key: $k" \
	    -H 'Content-Type: application/json' -d '{"cc":["cc@acme.example"]}' \
	    "$FTX_URL/v1/payments/funding-transfers/export"
	sleep 0.2
  done < "$FTX_STACK_DIR/keys" ) > "$FTX_STACK_DIR/posts.out" &
posts=$!

for i in 1 2 3 4 5 6; do
	kill -HUP "$fcgi" "$exportd"
	sleep 1.5
done
wait "$posts"
wait "$wrk_pid"
diag "$(grep -E 'Requests/sec|requests in|Non-2xx|Socket errors' "$FTX_STACK_DIR/wrk.out")"
like "wrk ran" "$(cat "$FTX_STACK_DIR/wrk.out")" 'requests in'
unlike "no non-2xx response under reloads" "$(cat "$FTX_STACK_DIR/wrk.out")" 'Non-2xx'
unlike "no socket error under reloads" "$(cat "$FTX_STACK_DIR/wrk.out")" 'Socket errors'
is "every POST got 201" "$(sort "$FTX_STACK_DIR/posts.out" | uniq -c | awk '{print $1, $2}')" "$N 201"
is "fcgi master kept" "$(fcgi_master_pid)" "$fcgi"
is "exportd master kept" "$(cat "$FTX_STACK_DIR/pid/ftx-exportd.pid")" "$exportd"
like "fcgi reloads logged" "$(grep -c 'reloaded' "$FTX_STACK_DIR/log/ftx-fcgi.log")" '^[1-9]'
like "exportd reloads logged" "$(grep -c 'configuration reloaded' "$FTX_STACK_DIR/log/ftx-exportd.log")" '^[1-9]'

ok "every export READY" wait_for 60 bash -c \
    "[ \"\$(psql \"$FTX_DSN\" -XAtqc \"SELECT count(*) FROM exports WHERE status = 'READY'\")\" = $N ]"
is "no export claimed twice" "$(psql_q "SELECT count(*) FROM exports WHERE attempts <> 1")" 0
is "one file per export" "$(find "$FTX_STACK_DIR/exports/$(export_tenant_dir acme)" -name '*.csv' | wc -l)" "$N"
ok "one message per export" wait_for 10 bash -c "[ \$(ls '$FTX_MAILDIR/new' | wc -l) -eq $N ]"
is "each export named by exactly one message" \
    "$(grep -h '^Subject: Funding transfers export' "$FTX_MAILDIR"/new/* | sort | uniq -d | wc -l)" 0

# A broken configuration: refused by both, both keep working.
cp "$FTX_CONFIG" "$FTX_STACK_DIR/ftx.conf.good"
printf '[exportd]\nworkers = many\n' >> "$FTX_CONFIG"
kill -HUP "$fcgi" "$exportd"
ok "ftx-fcgi refuses the broken file" wait_for 10 grep -q 'reload refused' "$FTX_STACK_DIR/log/ftx-fcgi.log"
ok "ftx-exportd refuses the broken file" wait_for 10 grep -q 'reload refused' "$FTX_STACK_DIR/log/ftx-exportd.log"
like "the refusal names file and line" \
    "$(grep 'reload refused' "$FTX_STACK_DIR/log/ftx-exportd.log" | tail -1)" 'ftx\.conf:[0-9]+: .*workers'
is "API still answers" "$(http_code GET "$FTX_URL/v1/health")" 200
k=$(sed -n 2p "$FTX_STACK_DIR/keys")
id=$(curl -s -X POST -H 'dj-client: OPERATOR' -H "dj-api-key: $k" -d '' \
    "$FTX_URL/v1/payments/funding-transfers/export" |
    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["exportId"])')
ok "exports still generated with the old configuration" wait_for 30 bash -c \
    "[ \"\$(psql \"$FTX_DSN\" -XAtqc \"SELECT status FROM exports WHERE id = '$id'\")\" = READY ]"
cp "$FTX_STACK_DIR/ftx.conf.good" "$FTX_CONFIG"

done_testing
