#!/bin/bash
# t_pg_faults.sh - PostgreSQL stopped and started again under API load and
# while exports are being generated (SPEC §16), four times: a fast and an
# immediate stop under load, then a fast and an immediate stop with six
# exports in flight (the load goes on).  Three clients loop on the API
# meanwhile (a transfer list, an export list, the health check).  Asserted:
# no answer but 200 and 503; a 503 only for a request that overlapped an
# outage (from just before the stop to the return of the start); every
# export READY exactly once, one file each, no temporary file, one e-mail
# each; the same ftx-fcgi master and children throughout (the pool
# recovered by itself).
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

CHILDREN=3
stack_up FTX_FCGI_CHILDREN=$CHILDREN FTX_EXPORTD_WORKERS=3 FTX_CONF_APPEND='[exportd]
claim_timeout = 3
retry_delay = 1'
T=$FTX_URL/v1/payments/funding-transfers
E=$T/export
W=$FTX_STACK_DIR/tfaults
LOG=$FTX_STACK_DIR/log/ftx-exportd.log
mkdir -p "$W"
EXPORT_DIR=$(sed -n 's/^export_dir = "\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$FTX_CONFIG")
master=$(fcgi_master_pid)
kids=$(pgrep -P "$master" | sort)

admin demo-data --tenant pf --suppliers 4 --transfers 100000 --seed 9 \
    >/dev/null || bail "demo-data"
newkey() {
	_u=$(admin user add --tenant pf --email "$1" --role OPERATOR) &&
	    admin key create "$_u"
}
L1=$(newkey load1@pf.example) || bail "key"
L2=$(newkey load2@pf.example) || bail "key"
for i in 1 2 3 4 5 6; do
	newkey "x$i@pf.example" >>"$W/keys" || bail "key"
done

# ------------------------------------------------------------ the load
# The phase: even while PostgreSQL accepts connections, odd from just
# before a stop until the start returned.  Each request is logged as
# "PHASE-BEFORE PHASE-AFTER WHAT CODE".
phase=0
set_phase() {
	phase=$1
	echo "$1" >"$W/phase.tmp" && mv "$W/phase.tmp" "$W/phase"
}
set_phase 0
loadloop() { # NAME CURL-ARGS...
	_name=$1
	shift
	_i=0
	while [ "$_i" -lt 5000 ] && [ ! -e "$W/stop" ]; do
		_b=$(cat "$W/phase")
		_c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$@")
		echo "$_b $(cat "$W/phase") $_name $_c"
		_i=$((_i + 1))
	done >"$W/load.$_name"
}
loadloop list -H 'dj-client: OPERATOR' -H "dj-api-key: $L1" "$T?size=5" &
p1=$!
loadloop exports -H 'dj-client: OPERATOR' -H "dj-api-key: $L2" "$E" &
p2=$!
loadloop health "$FTX_URL/v1/health" &
p3=$!
at_exit "touch '$W/stop'; kill $p1 $p2 $p3 2>/dev/null"
loads() {
	cat "$W"/load.*
}
# seen CODE PHASE: a request that began in PHASE got CODE.
seen() {
	loads | grep -q "^$2 [0-9]* [a-z]* $1\$"
}
# answered_since PHASE N: N requests that began in PHASE got 200.
answered_since() {
	[ "$(loads | grep -c "^$1 $1 [a-z]* 200\$")" -ge "$2" ]
}
ok "the load runs" wait_for 20 answered_since 0 30

# outage MODE: PostgreSQL stopped (MODE) and started again.
outage() {
	set_phase $((phase + 1))
	ok "$1 stop" pg_stop "$1"
	ok "... 503 while it is down" wait_for 20 seen 503 "$phase"
	ok "... started again" pg_start
	set_phase $((phase + 1))
	ok "... 200 again" wait_for 20 answered_since "$phase" 30
}

# ------------------------------------------------------------ under load
outage fast
outage immediate

# ------------------------------------------------------------ mid-export
# post: one export per key of $W/keys (their earlier ones are READY); ids
# appended to $W/ids, the new ones to $W/ids.new.
post() {
	: >"$W/ids.new"
	while read -r k; do
		req POST "$E" -H 'dj-client: OPERATOR' -H "dj-api-key: $k" \
		    -H 'Content-Type: application/json' --data-binary '{"filters": {}}'
		[ "$CODE" = 201 ] && jv 'd["exportId"]' >>"$W/ids.new"
	done <"$W/keys"
	cat "$W/ids.new" >>"$W/ids"
}
generating() {
	find "$EXPORT_DIR" -name '*.tmp' | grep -q .
}
ready() {
	[ "$(psql_q "SELECT count(*) FROM exports WHERE status = 'READY'
	    AND id = ANY('{$(paste -sd, "$W/ids.new")}')")" = 6 ]
}
: >"$W/ids"
for mode in fast immediate; do
	# The workers wait (stopped) while the six are posted: on a loaded
	# machine the posts could take longer than the exports, and the
	# outage must find exports in flight.
	workers=$(pgrep -P "$(cat "$FTX_STACK_DIR/pid/ftx-exportd.pid")")
	kill -STOP $workers
	post
	kill -CONT $workers
	is "six exports posted" "$(grep -c . "$W/ids.new")" 6
	ok "a worker writes an export file" wait_for 30 generating
	outage "$mode"
	ok "the six exports READY after the $mode stop" wait_for 90 ready
done
touch "$W/stop"
wait $p1 $p2 $p3

# ------------------------------------------------------------ assertions
total=$(loads | grep -c .)
n503=$(loads | grep -c ' 503$')
diag "$total requests through four outages, $n503 answered 503"
is "no answer but 200 and 503" "$(loads | awk '$4 != 200 && $4 != 503' | head -5)" ""
# shellcheck disable=SC2016
is "503 only for requests that overlapped an outage" \
    "$(loads | awk '$4 == 503 && $1 == $2 && $1 % 2 == 0' | head -5)" ""
is "no request answered 500 (fcgi log)" \
    "$(grep -Ec 'request [0-9a-f]+ [A-Z]+ [^ ]+ 500 ' "$FTX_STACK_DIR/log/ftx-fcgi.log")" 0
is "same ftx-fcgi master" "$(fcgi_master_pid)" "$master"
is "same children (they reconnected by themselves)" "$(pgrep -P "$master" | sort)" "$kids"

IDS="'{$(paste -sd, "$W/ids")}'"
is "twelve exports, every one READY" "$(psql_q "SELECT status || ' ' || count(*)
    FROM exports WHERE id = ANY($IDS) GROUP BY status")" "READY 12"
diag "$(psql_q "SELECT count(*) FROM exports WHERE id = ANY($IDS) AND attempts > 1") exports needed another attempt"
readys=$(grep -oE 'export [^ ]+: READY' "$LOG" | grep -Ff "$W/ids")
is "the log: each READY once" \
    "$(printf '%s\n' "$readys" | sort -u | grep -c .) $(printf '%s\n' "$readys" | grep -c .)" "12 12"
is "one file each" "$(export_files "$W/ids")" "12 12"
is "no temporary file left" "$(find "$EXPORT_DIR" -name '*.tmp' | wc -l)" 0
# mails: "NxK" for K exports mailed N times.
mails() {
	export_mails "$W/ids" | awk '{ print $1 }' | sort | uniq -c |
	    awk '{ printf "%sx%s ", $2, $1 }'
}
all_mailed() {
	[ "$(mails)" = "1x12 " ]
}
ok "one e-mail each" wait_for 20 all_mailed || diag "e-mails per export: $(mails)"
is "health" "$(http_code GET "$FTX_URL/v1/health")" 200

done_testing
