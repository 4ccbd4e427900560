#!/bin/bash
# t_pgbouncer.sh - ftx behind PgBouncer in transaction pooling mode (SPEC
# §17 step 2; ftx-stack FTX_PGBOUNCER=on): the three programs' traffic goes
# through it (its admin console lists them as clients, counts their
# transactions, and PostgreSQL sees fewer server connections than there
# are clients); exports and API requests, more at once than
# default_pool_size, all succeed; timestamps stay UTC when the server
# connections default to another time zone (TimeZone travels with the
# client); with listen_conninfo (the direct socket) LISTEN wakes the
# worker at once (poll_interval 300: READY within a bounded 60 s); with
# listen_conninfo empty nothing listens and the daemon polls.
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

[ -x "$FTX_BUILDDIR/src/ftx-exportd" ] || bail "ftx-exportd is not built"
POOL=2
CHILDREN=6
stack_up FTX_PGBOUNCER=on FTX_PGBOUNCER_POOL=$POOL \
    FTX_FCGI_CHILDREN=$CHILDREN FTX_EXPORTD_WORKERS=1
E=$FTX_URL/v1/payments/funding-transfers/export
T=$FTX_URL/v1/payments/funding-transfers
LOG=$FTX_STACK_DIR/log/ftx-exportd.log
W=$FTX_STACK_DIR/tpgb
mkdir -p "$W"

# The programs' conninfo (ftx.conf) and FTX_DSN (direct) differ in port.
conninfo=$(sed -n 's/^conninfo = "\(.*\)"$/\1/p' "$FTX_CONFIG")
PGB_PORT=$(printf '%s\n' "$conninfo" | sed -n 's/.*port=\([0-9]*\).*/\1/p')
SOCK=$(printf '%s\n' "$FTX_DSN" | sed -n 's/^host=\([^ ]*\) .*/\1/p')
isnt "the programs' conninfo is not FTX_DSN's port" "$PGB_PORT" "$FTX_PG_PORT"
like "ftx.conf: prepared_statements = off" "$(cat "$FTX_CONFIG")" '^prepared_statements = off$'
like "ftx.conf: listen_conninfo is the direct socket" "$(cat "$FTX_CONFIG")" \
    "^listen_conninfo = \"host=$SOCK port=$FTX_PG_PORT "
like "ftx-stack status reports pgbouncer" "$(ftx_stack status)" '^pgbouncer running \(pid [0-9]+\)$'

# console SQL: PgBouncer's admin console, unaligned, no header.
console() {
	psql -h "$SOCK" -p "$PGB_PORT" -U ftx -XAtq -F '|' pgbouncer -c "$1"
}
# column NAME: NAME's value in the rows (SHOW ... with header) of db ftx.
show_col() {
	psql -h "$SOCK" -p "$PGB_PORT" -U ftx -XAq -F '|' pgbouncer -c "$1" |
	    awk -F '|' -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
	        $0 ~ /^\(/ { next } { print $k }'
}
xacts() {
	psql -h "$SOCK" -p "$PGB_PORT" -U ftx -XAq -F '|' pgbouncer -c 'SHOW STATS' |
	    awk -F '|' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "total_xact_count") k = i; next }
	        $1 == "ftx" { print $k }'
}
clients_named() {
	show_col 'SHOW CLIENTS' application_name | grep -c "^$1\$"
}
listen_sessions() {
	psql_q "SELECT count(*) FROM pg_stat_activity WHERE datname = 'ftx'
	    AND query LIKE 'LISTEN ftx_export%' AND pid <> pg_backend_pid()"
}
server_backends() {
	psql_q "SELECT count(*) FROM pg_stat_activity WHERE datname = 'ftx'
	    AND backend_type = 'client backend' AND query NOT LIKE 'LISTEN ftx_export%'
	    AND pid <> pg_backend_pid()"
}

ok "the admin console answers" console 'SHOW VERSION'
ok "ftx-fcgi's $CHILDREN children are PgBouncer's clients" \
    wait_for 20 sh -c "[ \"\$(psql -h '$SOCK' -p $PGB_PORT -U ftx -XAtq pgbouncer -c 'SHOW CLIENTS' | grep -c '|ftx-fcgi\$')\" -ge $CHILDREN ]"
ok "ftx-exportd's worker is a client (its queue connection)" \
    test "$(clients_named ftx-exportd)" -ge 1
ok "its LISTEN is on a direct session" wait_for 20 sh -c "[ \"\$(psql '$FTX_DSN' -XAtc \"SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN ftx_export%' AND application_name = 'ftx-exportd-listen'\")\" = 1 ]"

# Server connections default to another time zone from now on: the
# programs' TimeZone = 'UTC' must travel with them through the pool.
psql_q "ALTER DATABASE ftx SET TimeZone = 'Asia/Tokyo'" >/dev/null
console 'RECONNECT ftx' >/dev/null
is "a fresh pooled session defaults to Asia/Tokyo" \
    "$(psql -h "$SOCK" -p "$PGB_PORT" -U ftx -XAtq ftx -c 'SHOW TimeZone')" Asia/Tokyo

# Data and users.
admin demo-data --tenant pgb --suppliers 3 --transfers 3000 --seed 17 \
    >/dev/null || bail "demo-data through PgBouncer"
N=8
: >"$W/keys"
for i in $(seq 1 $N); do
	u=$(admin user add --tenant pgb --email "op$i@pgb.example" --role OPERATOR) ||
	    bail "user add"
	admin key create "$u" >>"$W/keys" || bail "key create"
done
KEY=$(head -n 1 "$W/keys")
AUTH=(-H 'dj-client: OPERATOR' -H "dj-api-key: $KEY")

# The worker waits on LISTEN with poll_interval 300: an export is READY
# long before the next poll only if the NOTIFY woke it.
sed -i 's/^poll_interval = .*/poll_interval = 300/' "$FTX_CONFIG"
reload_exportd() {
	_n=$(grep -c 'reloaded: restarting' "$LOG")
	kill -HUP "$(cat "$FTX_STACK_DIR/pid/ftx-exportd.pid")"
	# shellcheck disable=SC2016
	wait_for 20 bash -c '[ "$(grep -c "reloaded: restarting" "$1")" -gt "$2" ]' \
	    bash "$LOG" "$_n"
}
ok "SIGHUP with poll_interval = 300" reload_exportd || bail "no reload"
ok "the new worker listens (direct session)" wait_for 20 sh -c "[ \"\$(psql '$FTX_DSN' -XAtc \"SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN ftx_export%' AND application_name = 'ftx-exportd-listen'\")\" = 1 ]"
status_is() {
	[ "$(psql_q "SELECT status FROM exports WHERE id = '$1'")" = "$2" ]
}
x0=$(xacts)
req POST "$E" "${AUTH[@]}" -H 'Content-Type: application/json' --data-binary '{}'
is "POST through PgBouncer: 201" "$CODE" 201
ID=$(jv 'd["exportId"]')
ok "LISTEN woke the worker: READY within 60 s (poll_interval 300)" \
    wait_for 60 status_is "$ID" READY
x1=$(xacts)
ok "PgBouncer counted the transactions ($x0 -> $x1)" test "$x1" -gt "$x0"

# The file's first row and the API's newest transfer, in UTC.
FILE=$(psql_q "SELECT file_path FROM exports WHERE id = '$ID'")
first=$(psql_q "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM funding_transfers WHERE tenant_id = 'pgb' ORDER BY created_at, id LIMIT 1")
newest=$(psql_q "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM funding_transfers WHERE tenant_id = 'pgb' ORDER BY created_at DESC, id DESC LIMIT 1")
is "the CSV's first createdAt is UTC" "$(sed -n 2p "$FILE" | cut -d ';' -f 2)" "$first"
is "the CSV has every row" "$(/usr/bin/python3 -c 'import csv, sys
print(sum(1 for r in csv.reader(open(sys.argv[1], newline=""), delimiter=";")) - 1)' "$FILE")" 3000
req GET "$T?size=1" "${AUTH[@]}"
is "the API's newest createdAt is UTC" "$(jv 'd["data"][0]["createdAt"]')" "$newest"

# More requests at once than default_pool_size: N exports by N users and
# N list requests, all in parallel.
for i in $(seq 1 $N); do
	k=$(sed -n "${i}p" "$W/keys")
	curl -s -o "$W/post.$i" -w '%{http_code}\n' --max-time 60 -X POST \
	    -H 'Content-Type: application/json' --data-binary '{}' \
	    -H 'dj-client: OPERATOR' -H "dj-api-key: $k" "$E" >"$W/post.$i.code" &
	curl -s -o /dev/null -w '%{http_code}\n' --max-time 60 \
	    -H 'dj-client: OPERATOR' -H "dj-api-key: $k" "$T?size=100" >"$W/list.$i.code" &
done
wait
is "$N concurrent POSTs: 201 each" "$(cat "$W"/post.*.code | sort | uniq -c | tr -s ' ')" " $N 201"
is "$N concurrent lists: 200 each" "$(cat "$W"/list.*.code | sort | uniq -c | tr -s ' ')" " $N 200"
/usr/bin/python3 -c 'import json, sys
for f in sys.argv[1:]:
    print(json.load(open(f)).get("exportId"))' $(seq -f "$W/post.%g" 1 $N) >"$W/ids" 2>&1
is "$N export ids" "$(sort -u "$W/ids" | wc -l)" "$N"
all_ready() {
	[ "$(psql_q "SELECT count(*) FROM exports WHERE status = 'READY' AND id IN ($(sed "s/.*/'&'/" "$W/ids" | paste -sd,))")" = "$N" ]
}
ok "all $N READY within 60 s" wait_for 60 all_ready
is "ftx-exportd's worker is a client twice (queue and snapshot)" \
    "$(clients_named ftx-exportd)" 2
clients=$(show_col 'SHOW CLIENTS' database | grep -c '^ftx$')
servers=$(server_backends)
ok "fewer server connections ($servers) than clients ($clients)" \
    test "$servers" -lt "$clients"
ok "server connections within default_pool_size + reserve ($servers <= $((2 * POOL)))" \
    test "$servers" -le $((2 * POOL))

# listen_conninfo empty: nothing listens, the daemon polls.
sed -i -e '/^listen_conninfo = /d' -e 's/^poll_interval = .*/poll_interval = 2/' "$FTX_CONFIG"
ok "SIGHUP without listen_conninfo, poll_interval = 2" reload_exportd ||
    bail "no reload"
like "the worker says it polls" "$(cat "$LOG")" 'no listen_conninfo behind a pooler: looking at the queue every 2 s'
ok "no LISTEN session left" wait_for 20 sh -c "[ \"\$(psql '$FTX_DSN' -XAtc \"SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN ftx_export%'\")\" = 0 ]"
req POST "$E" "${AUTH[@]}" -H 'Content-Type: application/json' --data-binary '{}'
is "POST: 201" "$CODE" 201
ID=$(jv 'd["exportId"]')
ok "polling: READY within 60 s" wait_for 60 status_is "$ID" READY
is "still nothing listens" "$(listen_sessions)" 0

ok "ftx-stack status: all running" ftx_stack status
psql_q "ALTER DATABASE ftx RESET TimeZone" >/dev/null
done_testing
