#!/bin/bash
# t_pg_restart.sh - PostgreSQL restarts under load: /v1/health answers 503
# during the outage and 200 after, served by the same ftx-fcgi master and
# the same children, which reconnect by themselves.
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

stack_up FTX_FCGI_CHILDREN=2
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

done_testing
