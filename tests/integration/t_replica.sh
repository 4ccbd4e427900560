#!/bin/bash
# t_replica.sh - exports read from a streaming hot standby (SPEC §17 step 3,
# FTX_REPLICA=on): transfers committed on the primary just before the POST
# are in the file (also through the supplier lookups the generator makes:
# a supplier, its account and its user created just before); with replay
# paused the export waits, PENDING, and completes with those rows once
# replay resumes; paused past replica_max_wait it is read from the primary
# (rows the standby has not got are in the file) and the log says so; the
# standby stopped while the export's COPY runs on it: the attempt fails,
# the retry reads from the primary, READY once.  That the read goes to the
# standby is seen on the standby itself: the worker's session in its
# pg_stat_activity while it waits, and its COPY there (held by a lock the
# standby replays from the primary).
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

[ -x "$FTX_BUILDDIR/src/ftx-exportd" ] || bail "ftx-exportd is not built"
RP=$(free_port) || bail "no free port"
stack_up FTX_REPLICA=on FTX_REPLICA_PORT="$RP" FTX_CONF_APPEND='[exportd]
retry_delay = 1
replica_max_wait = 120'
E=$FTX_URL/v1/payments/funding-transfers/export
LOG=$FTX_STACK_DIR/log/ftx-exportd.log
W=$FTX_STACK_DIR/t_replica
mkdir -p "$W"
EXPORT_DIR=$(sed -n 's/^export_dir = "\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$FTX_CONFIG")
T=rt
TDIR=$(export_tenant_dir "$T")

# ------------------------------------------------------------ helpers
rq() {
	psql "$FTX_REPLICA_DSN" -XAtq -v ON_ERROR_STOP=1 -c "$1"
}
col() {
	psql_q "SELECT $2 FROM exports WHERE id = '$1'"
}
status_is() {
	[ "$(col "$1" status)" = "$2" ]
}
# logged ID TEXT: the daemon logged TEXT about export ID.
logged() {
	grep -F "export $1: $2" "$LOG"
}
# in_file ID REF: the lines of export ID's file holding REF.
in_file() {
	grep -c -F "$2" "$EXPORT_DIR/$TDIR/$1.csv" 2>/dev/null
}
# add_transfers N REF SUPPLIER: N transfers of SUPPLIER (internal id, one
# of its accounts the target), references REF-1..REF-N, committed on the
# primary.
add_transfers() {
	psql_q "INSERT INTO funding_transfers (id, tenant_id, created_at,
	    status, amount, currency, source_balance_account_id,
	    target_balance_account_id, supplier_id, reference)
	    SELECT '$2-' || g, '$T', now() - g * interval '1 ms', 'COMPLETED',
	    12.5, 'EUR', (SELECT id FROM balance_accounts WHERE tenant_id = '$T'
	    AND type = 'MARKETPLACE' ORDER BY id LIMIT 1),
	    (SELECT id FROM balance_accounts WHERE supplier_id = '$3'
	    ORDER BY id LIMIT 1), '$3', '$2-' || g
	    FROM generate_series(1, $1) g"
}
# post KEY CLIENT BODY: POST an export; X is its id.
post() {
	req POST "$E" -H "dj-client: $2" -H "dj-api-key: $1" \
	    -H 'Content-Type: application/json' --data-binary "$3"
	X=$(jv 'd["exportId"]' 2>/dev/null)
}
replay_paused() {
	[ "$(rq 'SELECT pg_get_wal_replay_pause_state()')" = paused ]
}
standby_pid() {
	head -n 1 "$(rq 'SHOW data_directory')/postmaster.pid"
}
gone() {
	case $(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null) in
	Z* | '') return 0 ;;
	esac
	return 1
}

# ------------------------------------------------------------ the stack
like "ftx-stack status: the standby streams" "$(ftx_stack status)" \
    '^postgresql-replica running \(pid [0-9]+, streaming\)$'
like "ftx-stack env names it" "$(ftx_stack env)" "^FTX_REPLICA_DSN=.* port=$RP "
is "it is a standby" "$(rq 'SELECT pg_is_in_recovery()')" t
like "ftx-exportd's configuration names it" "$(cat "$FTX_CONFIG")" \
    "^replica_conninfo = \".*port=$RP dbname=ftx user=ftx\"\$"
ok "demo data" admin demo-data --tenant "$T" --suppliers 3 --transfers 300 \
    --seed 7 || bail "demo-data"
S1=$(psql_q "SELECT id FROM suppliers WHERE tenant_id = '$T' ORDER BY id LIMIT 1")
uo=$(admin user add --tenant "$T" --email ops@rt.example --role OPERATOR) &&
    KO=$(admin key create "$uo") || bail "operator key"

# ------------------------------------------------------------ fresh rows
for i in 1 2 3; do
	add_transfers 40 "fresh$i" "$S1"
	post "$KO" OPERATOR "{\"filters\": {\"reference\": \"fresh$i-\"}}"
	is "round $i: transfers committed just before the POST: 201" "$CODE" 201
	ok "round $i: READY" wait_for 60 status_is "$X" READY
	is "round $i: all 40 counted, and in the file" \
	    "$(col "$X" row_count) $(in_file "$X" "fresh$i-")" "40 40"
	ok "round $i: read from the replica" logged "$X" "reading from the replica"
done

# A supplier, its account, its transfers and its user, all new: the
# generator's supplier lookups read the standby too.
psql_q "INSERT INTO suppliers VALUES ('sup-new', '$T', 'NEW-1', 'New one');
    INSERT INTO balance_accounts VALUES ('ba-new', '$T', 'SUPPLIER', 'sup-new')" ||
    bail "new supplier"
add_transfers 25 newsup sup-new
post "$KO" OPERATOR '{"filters": {"supplierIds": ["NEW-1"]}}'
is "an operator's export by a supplier created just before: 201" "$CODE" 201
ok "READY" wait_for 60 status_is "$X" READY
is "its 25 transfers, found through the supplier lookup" \
    "$(col "$X" row_count) $(in_file "$X" newsup-)" "25 25"
ok "read from the replica" logged "$X" "reading from the replica"
us=$(admin user add --tenant "$T" --email new@rt.example --role SUPPLIER \
    --supplier NEW-1) && KS=$(admin key create "$us") || bail "supplier key"
add_transfers 5 newsup2 sup-new
post "$KS" SUPPLIER '{}'
is "that supplier's own export, user and key just made: 201" "$CODE" 201
ok "READY" wait_for 60 status_is "$X" READY
is "its 30 transfers (its accounts looked up on the standby)" \
    "$(col "$X" row_count)" 30
ok "read from the replica" logged "$X" "reading from the replica"

# ------------------------------------------------------------ replay paused
rq 'SELECT pg_wal_replay_pause()' >/dev/null
ok "replay paused on the standby" wait_for 20 replay_paused
add_transfers 30 paused "$S1"
post "$KO" OPERATOR '{"filters": {"reference": "paused-"}}'
is "POST while the standby does not replay: 201" "$CODE" 201
ok "the worker waits for the standby" \
    wait_for 20 logged "$X" "waiting for the replica to replay"
is "the export is PENDING" "$(col "$X" status)" PENDING
is "the standby has not got the rows" \
    "$(rq "SELECT count(*) FROM funding_transfers WHERE reference LIKE 'paused-%'")" 0
like "the worker's session is on the standby" \
    "$(rq "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ftx-exportd'")" \
    '^[1-9]'
nok "nothing read yet" logged "$X" "reading from"
is "still PENDING" "$(col "$X" status)" PENDING
rq 'SELECT pg_wal_replay_resume()' >/dev/null
ok "replay resumed: READY" wait_for 60 status_is "$X" READY
is "with the 30 rows" "$(col "$X" row_count) $(in_file "$X" paused-)" "30 30"
ok "read from the replica once it replayed them" \
    logged "$X" "reading from the replica"

# ------------------------------------------------------------ past max_wait
sed -i -e 's/^replica_max_wait = .*/replica_max_wait = 3/' \
    -e 's/^poll_interval = .*/poll_interval = 1/' "$FTX_CONFIG"
kill -HUP "$(cat "$FTX_STACK_DIR/pid/ftx-exportd.pid")"
ok "ftx-exportd reloaded with replica_max_wait = 3" \
    wait_for 20 grep -q 'reloaded: restarting' "$LOG"
rq 'SELECT pg_wal_replay_pause()' >/dev/null
ok "replay paused again" wait_for 20 replay_paused
add_transfers 20 late "$S1"
post "$KO" OPERATOR '{"filters": {"reference": "late-"}}'
is "POST: 201" "$CODE" 201
ok "READY past the wait" wait_for 60 status_is "$X" READY
is "with the 20 rows" "$(col "$X" row_count) $(in_file "$X" late-)" "20 20"
ok "the log says it read from the primary" \
    logged "$X" "the replica has not replayed"
like "... after 3 s" "$(logged "$X" "the replica has not replayed")" \
    'after 3 s: reading from the primary$'
is "the standby still has not got the rows: they came from the primary" \
    "$(rq "SELECT count(*) FROM funding_transfers WHERE reference LIKE 'late-%'")" 0
rq 'SELECT pg_wal_replay_resume()' >/dev/null
ok "replay resumed" wait_for 20 sh -c "[ \"\$(psql '$FTX_REPLICA_DSN' -XAtc \"SELECT count(*) FROM funding_transfers WHERE reference LIKE 'late-%'\")\" = 20 ]"

# ------------------------------------------------------------ standby lost
# A transaction on the primary holds funding_transfers locked; the standby
# replays the lock, so the export's COPY on the standby waits there.
mkfifo "$W/lock.fifo"
psql "$FTX_DSN" -XAtq -v ON_ERROR_STOP=1 <"$W/lock.fifo" >"$W/lock.out" 2>&1 &
LOCKER=$!
exec 7>"$W/lock.fifo"
at_exit "kill $LOCKER 2>/dev/null"
echo "BEGIN; LOCK TABLE funding_transfers IN ACCESS EXCLUSIVE MODE; SELECT 'locked';" >&7
ok "funding_transfers locked on the primary" wait_for 20 grep -q locked "$W/lock.out"
post "$KO" OPERATOR '{}'
is "POST an export of everything: 201" "$CODE" 201
copy_on_standby() {
	[ "$(rq "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ftx-exportd' AND query LIKE 'COPY (%' AND wait_event_type = 'Lock'")" = 1 ]
}
ok "its COPY runs on the standby (waiting for the replayed lock)" \
    wait_for 30 copy_on_standby
ok "the log said so" logged "$X" "reading from the replica"
SP=$(standby_pid)
kill -INT "$SP"
ok "the standby stopped (fast shutdown) in the middle of the export" \
    wait_for 30 gone "$SP"
is "ftx-stack status: it is down" "$(ftx_stack status >/dev/null; echo $?) $(ftx_stack status | grep replica)" \
    "3 postgresql-replica stopped"
ok "the attempt failed" wait_for 30 logged "$X" "attempt 1 failed"
ok "the retry reads from the primary" \
    wait_for 30 logged "$X" "the replica is unavailable: reading from the primary"
echo "ROLLBACK;" >&7
exec 7>&-
ok "the lock is released" wait_for 20 sh -c "! kill -0 $LOCKER"
ok "READY" wait_for 60 status_is "$X" READY
total=$(psql_q "SELECT count(*) FROM funding_transfers WHERE tenant_id = '$T'")
is "with every row of the tenant" "$(col "$X" "row_count || ' ' || attempts")" "$total 2"
is "READY once" "$(grep -c "export $X: READY" "$LOG")" 1
is "one file, no temporary file left" \
    "$(find "$EXPORT_DIR/$TDIR" -name "*$X*" -printf '%f\n')" "$X.csv"

ok "ftx-stack up starts the standby again" ftx_stack up
like "it streams" "$(ftx_stack status)" 'postgresql-replica running \(pid [0-9]+, streaming\)'
add_transfers 10 again "$S1"
post "$KO" OPERATOR '{"filters": {"reference": "again-"}}'
ok "the next export is READY" wait_for 60 status_is "$X" READY
is "with its rows" "$(col "$X" row_count)" 10
ok "read from the replica again" logged "$X" "reading from the replica"

done_testing
