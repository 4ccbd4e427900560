#!/bin/bash
# t_pg_restart.sh - PostgreSQL restarts under load: /v1/health answers 503
# during the outage and 200 after, served by the same ftx-fcgi master and
# the same children, which reconnect by themselves.  Then PostgreSQL is
# restarted ten times (fast and immediate stops) with no request during the
# outage, so that every child still holds a connection the old server
# closed; right after each start, twice as many requests as children, all
# at once (a transfer list, a revoked key, a health check): each gets its
# right answer, never a 503, since PostgreSQL accepts connections again
# (SPEC: 503 only while the database is down).
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

CHILDREN=3
stack_up FTX_FCGI_CHILDREN=$CHILDREN
T=$FTX_URL/v1/payments/funding-transfers
admin demo-data --tenant rs --suppliers 2 --transfers 5 --seed 3 >/dev/null ||
    bail "demo-data"
OP_ID=$(admin user add --tenant rs --email op@rs.test --role OPERATOR) ||
    bail "operator"
OP=$(admin key create "$OP_ID") || bail "key"
REV=$(admin key create "$OP_ID") || bail "key"
admin key revoke "$REV" >/dev/null || bail "revoke"
master=$(fcgi_master_pid)
kids=$(pgrep -P "$master" | sort)
codes=$FTX_STACK_DIR/health.codes

is "health before" "$(http_code GET "$FTX_URL/v1/health")" 200

# Poll health continuously while PostgreSQL goes down and comes back.
( while [ ! -e "$FTX_STACK_DIR/stop-polling" ]; do
	http_code GET "$FTX_URL/v1/health"; echo
	sleep 0.05
  done ) > "$codes" &
poller=$!

ok "poller running" wait_for 5 grep -q '^200$' "$codes"
ok "postgresql stopped" pg_stop fast
ok "503 seen during the outage" wait_for 10 grep -q '^503$' "$codes"
body=$(curl -s "$FTX_URL/v1/health")
is "outage body" "$body" '{"status":"unavailable"}'
ok "postgresql started again" pg_start
ok "200 again after the restart" wait_for 15 bash -c "tail -1 '$codes' | grep -q '^200$'"
touch "$FTX_STACK_DIR/stop-polling"
wait "$poller"

# The order seen by the poller: 200s, then 503s, then 200s.
pattern=$(uniq < "$codes" | tr '\n' ' ')
like "200 then 503 then 200" "$pattern" '^200 (503 )+200 $'
is "no other status during the outage" "$(grep -Evc '^(200|503)$' "$codes")" 0
is "same master" "$(fcgi_master_pid)" "$master"
is "same children (they reconnected by themselves)" "$(pgrep -P "$master" | sort)" "$kids"
is "every child healthy" "$(for i in 1 2 3 4 5 6; do http_code GET "$FTX_URL/v1/health"; echo; done | sort -u)" 200


# ------------------------------------------------------------ ten restarts
# burst N: N requests at once, one "WHAT CODE" line each.
burst() {
	for _i in $(seq 1 "$1"); do
		case $((_i % 3)) in
		0) echo "list $(http_code GET "$T" -H 'dj-client: OPERATOR' -H "dj-api-key: $OP")" & ;;
		1) echo "revoked $(http_code GET "$T/export" -H 'dj-client: OPERATOR' -H "dj-api-key: $REV")" & ;;
		2) echo "health $(http_code GET "$FTX_URL/v1/health")" & ;;
		esac
	done
	wait
}
expected() {
	for _i in $(seq 1 "$1"); do
		case $((_i % 3)) in
		0) echo "list 200" ;;
		1) echo "revoked 401" ;;
		2) echo "health 200" ;;
		esac
	done | sort | uniq -c
}
N=$((CHILDREN * 2))
is "every child answers before the restarts" "$(burst "$N" | sort | uniq -c)" "$(expected "$N")"
bad=0
for round in 1 2 3 4 5 6 7 8 9 10; do
	mode=fast
	[ $((round % 2)) = 0 ] && mode=immediate
	if ! pg_stop "$mode" || ! pg_start; then
		fail "round $round: PostgreSQL restarted ($mode)"
		bad=$((bad + 1))
		continue
	fi
	got=$(burst "$N" | sort | uniq -c)
	if [ "$got" != "$(expected "$N")" ]; then
		diag "round $round ($mode stop):$(echo "$got" | tr -s " \n" " ")"
		bad=$((bad + 1))
	fi
done
is "10 restarts: every first request of every child answered right" "$bad" 0
is "same master after the restarts" "$(fcgi_master_pid)" "$master"
is "same children after the restarts" "$(pgrep -P "$master" | sort)" "$kids"
is "no request answered 500" "$(grep -Ec 'request [0-9a-f]+ [A-Z]+ [^ ]+ 500 ' "$FTX_STACK_DIR/log/ftx-fcgi.log")" 0

done_testing
