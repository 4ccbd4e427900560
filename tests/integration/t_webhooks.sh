#!/bin/bash
# t_webhooks.sh - webhooks on the real stack (SPEC §14) with a real
# receiver (webhook_receiver.py, which verifies every signature with the
# endpoint's secrets): export.ready, export.failed (a cancel by the API and
# by ftx-admin) and
# export.expired (a short TTL), each signed and carrying the export object
# of the API; the receiver down, then up; answering 500; answering 302 (not
# followed); the worker killed (-9) while the receiver holds the request;
# a disabled endpoint; two tenants' events kept apart; a rotated secret
# (two v1 values, both verifying); a URL resolving to 127.0.0.1 refused
# once allow_private is off; ftx-admin webhook add/list/disable/enable/
# rotate-secret/deliveries; no secret in any log.
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

PY=/usr/bin/python3
# Retries come within seconds; a claim lapses after 2 x 6 + 10 s.
stack_up FTX_DOWNLOAD_TTL=30 FTX_CONF_APPEND='[webhooks]
timeout = 6
retry_delay = 1
retry_max = 2
max_attempts = 50'
E=$FTX_URL/v1/payments/funding-transfers/export
R=$FTX_STACK_DIR/recv
LOG=$FTX_STACK_DIR/log/ftx-exportd.log
mkdir -p "$R/secrets"
RP=$(free_port) || bail "no port for the receiver"

start_receiver() {
	: >"$R/out"
	$PY "$FTX_SRCDIR/tests/integration/webhook_receiver.py" --port "$RP" \
	    --dir "$R" >"$R/out" 2>&1 &
	RPID=$!
	wait_for 10 grep -q ready "$R/out"
}
stop_receiver() {
	kill "$RPID" 2>/dev/null
	wait "$RPID" 2>/dev/null
	! curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$RP/"
}
at_exit 'kill $RPID 2>/dev/null'
start_receiver || bail "the receiver did not start"
mode() {
	echo "$1" >"$R/mode.tmp" && mv "$R/mode.tmp" "$R/mode"
}

# rq EXPR: EXPR (python; L = the requests received, in order) printed.
rq() {
	$PY -c '
import json, sys
L = []
try:
    with open(sys.argv[1]) as fp:
        L = [json.loads(l) for l in fp if l.strip()]
except OSError:
    pass
def of(x, t=None):
    return [r for r in L if isinstance(r["body"], dict)
            and r["body"]["data"]["export"]["exportId"] == x
            and (t is None or r["body"]["type"] == t)]
v = eval(sys.argv[2])
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))' \
	    "$R/requests.jsonl" "$1"
}
status_is() {
	[ "$(psql_q "SELECT status FROM exports WHERE id = '$1'")" = "$2" ]
}
# dstate EXPORT TYPE: "STATUS ATTEMPTS" of the delivery of that event.
dstate() {
	psql_q "SELECT d.status || ' ' || d.attempts FROM webhook_deliveries d
	    JOIN webhook_events e ON e.id = d.event_id
	    WHERE e.export_id = '$1' AND e.type = '$2'"
}
delivered() {
	case $(dstate "$1" "$2") in DELIVERED\ *) return 0 ;; esac
	return 1
}
attempts_at_least() {
	_s=$(dstate "$1" "$2")
	[ -n "$_s" ] && [ "${_s#* }" -ge "$3" ]
}
requests_at_least() {	# EXPORT TYPE ANSWER N
	[ "$(rq "len([r for r in of('$1', '$2') if r['answer'] == '$3'])")" -ge "$4" ]
}
# new_export AUTH...: POSTs an export, prints its id.
new_export() {
	req POST "$E" "$@" -d ''
	[ "$CODE" = 201 ] || { diag "POST: $CODE $BODY"; return 1; }
	jv 'd["exportId"]'
}
# reload_exportd: SIGHUP, then every old worker gone and new ones running.
reload_exportd() {
	_m=$(cat "$FTX_STACK_DIR/pid/ftx-exportd.pid")
	_old=$(pgrep -P "$_m" | tr '\n' ' ')
	kill -HUP "$_m" || return 1
	# shellcheck disable=SC2016
	wait_for 40 bash -c 'for p in $1; do kill -0 "$p" 2>/dev/null && exit 1; done
	    test "$(pgrep -P "$2" | wc -l)" -ge 2' bash "$_old" "$_m"
}

for t in ta tb tc; do
	admin demo-data --tenant "$t" --suppliers 2 --transfers 40 --seed 7 \
	    >/dev/null || bail "demo-data $t"
done
key_for() {
	_u=$(admin user add --tenant "$1" --email "op@$1.example" --role OPERATOR) &&
	    admin key create "$_u"
}
KA=$(key_for ta) && KB=$(key_for tb) && KC=$(key_for tc) || bail "users"
A=(-H 'dj-client: OPERATOR' -H "dj-api-key: $KA")
B=(-H 'dj-client: OPERATOR' -H "dj-api-key: $KB")
C=(-H 'dj-client: OPERATOR' -H "dj-api-key: $KC")

# ------------------------------------------------------------ ftx-admin
out=$(admin webhook add --tenant ta --url "http://127.0.0.1:$RP/a")
is "webhook add: exit 0" "$?" 0
EPA=$(printf '%s\n' "$out" | sed -n 1p)
SA=$(printf '%s\n' "$out" | sed -n 2p)
like "prints the endpoint id" "$EPA" '^we_[0-9a-f]{32}$'
like "then the secret: whsec_ and 32 random bytes in hex" "$SA" '^whsec_[0-9a-f]{64}$'
is "two lines, nothing else" "$(printf '%s\n' "$out" | wc -l)" 2
echo "$SA" >"$R/secrets/a"
out=$(admin webhook add --tenant tb --url "http://127.0.0.1:$RP/b" \
    --events export.ready,export.failed,export.expired) || bail "add tb"
EPB=$(printf '%s\n' "$out" | sed -n 1p)
printf '%s\n' "$out" | sed -n 2p >"$R/secrets/b"
err=$(admin webhook add --tenant ta --url "ftp://127.0.0.1/x" 2>&1)
is "a ftp:// URL: exit 1" "$?" 1
like "... saying why" "$err" 'http:// or https://'
err=$(admin webhook add --tenant nope --url "https://erp.example/" 2>&1)
is "an unknown tenant: exit 1" "$?" 1
like "... saying so" "$err" 'unknown tenant'
err=$(admin webhook add --tenant ta --url "https://erp.example/" --events export.done 2>&1)
is "an unknown event type: exit 1" "$?" 1
admin webhook add --tenant ta >/dev/null 2>&1
is "no --url: usage, exit 2" "$?" 2
admin webhook frobnicate >/dev/null 2>&1
is "an unknown verb: exit 2" "$?" 2
admin webhook disable we_0000 >/dev/null 2>&1
is "disable an unknown endpoint: exit 1" "$?" 1
list=$(admin webhook list --tenant ta)
is "list --tenant: one line" "$(printf '%s\n' "$list" | wc -l)" 1
like "... id, tenant, URL, events, enabled" "$list" \
    "^$EPA	ta	http://127.0.0.1:$RP/a	export.ready,export.failed,export.expired	enabled	"
unlike "... and never the secret" "$(admin webhook list)" 'whsec_'
is "list: every tenant's" "$(admin webhook list | wc -l)" 2

# ------------------------------------------------------------ export.ready
X1=$(new_export "${A[@]}") || bail "POST"
ok "an export of tenant ta: READY" wait_for 60 status_is "$X1" READY
ok "export.ready delivered" wait_for 30 delivered "$X1" export.ready
is "one request for it" "$(rq "len(of('$X1', 'export.ready'))")" 1
BODY=$(rq "of('$X1', 'export.ready')[0]")
is "to the endpoint's URL" "$(jv 'd["path"]')" /a
like "Ftx-Event-Id: evt_..." "$(jv 'd["eventId"]')" '^evt_[0-9a-f]{32}$'
is "... the body's id" "$(jv 'd["body"]["id"]')" "$(jv 'd["eventId"]')"
is "type export.ready" "$(jv 'd["body"]["type"]')" export.ready
like "createdAt, UTC to the second" "$(jv 'd["body"]["createdAt"]')" \
    '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'
is "Content-Type: application/json" "$(jv 'd["contentType"]')" application/json
like "User-Agent: ftx/<version>" "$(jv 'd["userAgent"]')" '^ftx/[0-9]+\.[0-9]+'
like "Ftx-Signature: t=<unix>,v1=<hex>" "$(jv 'd["signature"]')" '^t=[0-9]+,v1=[0-9a-f]{64}$'
is "the signature verifies with the endpoint's secret" "$(jv 'd["valid"]')" 1
is "... and t is now" "$(jv 'd["fresh"]')" true
is "the export's status: READY" "$(jv 'd["body"]["data"]["export"]["status"]')" READY
like "... with its downloadUrl" "$(jv 'd["body"]["data"]["export"]["downloadUrl"]')" \
    "/export/$X1/download\\?expires="
hook=$(jv 'd["body"]["data"]["export"]')
req GET "$E/$X1" "${A[@]}"
is "data.export is the API's export object" "$hook" "$(jv d)"
evt=$(BODY=$(rq "of('$X1', 'export.ready')[0]") jv 'd["eventId"]')
like "webhook deliveries --event: DELIVERED on attempt 1, HTTP 200" \
    "$(admin webhook deliveries --event "$evt")" \
    "^$evt	$EPA	export.ready	$X1	DELIVERED	1	200	"

# An event of 31 days ago whose delivery is over is deleted (by an idle
# worker, within a minute); checked at the end.
psql_q "UPDATE webhook_events SET created_at = now() - interval '31 days'
    WHERE id = '$evt'" >/dev/null

# ------------------------------------------------------------ tenants apart
Y1=$(new_export "${B[@]}") || bail "POST tb"
ok "an export of tenant tb: export.ready delivered" wait_for 60 delivered "$Y1" export.ready
is "... to tb's endpoint" "$(rq "[r['path'] for r in of('$Y1')]")" '["/b"]'
is "... verified with tb's secret" "$(rq "of('$Y1')[0]['valid']")" 1

# ------------------------------------------------------------ export.failed
stop_exportd
Z=$(new_export "${A[@]}") || bail "POST"
req DELETE "$E/$Z" "${A[@]}"
is "canceled while ftx-exportd is stopped" "$CODE" 200
is "the event is written with the cancel" \
    "$(psql_q "SELECT type FROM webhook_events WHERE export_id = '$Z'")" export.failed
ZB=$(new_export "${B[@]}") || bail "POST tb"
admin export cancel "$ZB" >/dev/null
is "ftx-admin export cancel: exit 0" "$?" 0
is "... writes the event too" \
    "$(psql_q "SELECT type FROM webhook_events WHERE export_id = '$ZB'")" export.failed
ftx_stack up >/dev/null 2>&1 || bail "ftx-exportd did not start again"
ok "export.failed delivered once ftx-exportd runs" wait_for 30 delivered "$Z" export.failed
ok "... and the one of ftx-admin's cancel" wait_for 30 delivered "$ZB" export.failed
is "... to tb's endpoint" "$(rq "[r['path'] for r in of('$ZB')]")" '["/b"]'
BODY=$(rq "of('$Z', 'export.failed')[0]")
is "... status FAILED" "$(jv 'd["body"]["data"]["export"]["status"]')" FAILED
is "... failureReason CANCELED" "$(jv 'd["body"]["data"]["export"]["failureReason"]')" CANCELED
is "... no downloadUrl" "$(jv 'd["body"]["data"]["export"]["downloadUrl"]')" null
is "... verified" "$(jv 'd["valid"]')" 1

# ------------------------------------------------------------ receiver down
stop_receiver
ok "the receiver is down" true
X2=$(new_export "${A[@]}") || bail "POST"
ok "an export READY meanwhile" wait_for 60 status_is "$X2" READY
ok "export.ready attempted 3 times (connection refused)" \
    wait_for 30 attempts_at_least "$X2" export.ready 3
like "... the delivery log says why" \
    "$(admin webhook deliveries --endpoint "$EPA" | grep "	$X2	")" \
    '	PENDING	[0-9]+	-	.*	.*[Cc]onnect'
start_receiver || bail "the receiver did not start again"
ok "receiver up again: delivered" wait_for 30 delivered "$X2" export.ready
is "... in one request" "$(rq "len(of('$X2'))")" 1
down_attempts=$(dstate "$X2" export.ready)

# ------------------------------------------------------------ HTTP 500
mode 500
X3=$(new_export "${A[@]}") || bail "POST"
ok "answering 500: retried (3 requests)" wait_for 60 requests_at_least "$X3" export.ready 500 3
mode 200
ok "then 200: delivered" wait_for 30 delivered "$X3" export.ready
is "every request carried the same event id" \
    "$(rq "len(set(r['eventId'] for r in of('$X3')))")" 1
is "... and the same body, byte for byte" "$(rq "len(set(r['raw'] for r in of('$X3')))")" 1
is "... each signed" "$(rq "min(r['valid'] for r in of('$X3'))")" 1
n500=$(rq "len(of('$X3'))")

# ------------------------------------------------------------ HTTP 302
mode 302
X4=$(new_export "${A[@]}") || bail "POST"
ok "answering 302: retried (3 requests)" wait_for 60 requests_at_least "$X4" export.ready 302 3
like "... the log says the redirect was not followed" \
    "$(admin webhook deliveries --endpoint "$EPA" | grep "	$X4	")" \
    '	PENDING	[0-9]+	302	.*redirects are not followed'
mode 200
ok "then 200: delivered" wait_for 30 delivered "$X4" export.ready
is "the redirect was never followed" "$(rq "len([r for r in L if r['path'] == '/redirected'])")" 0
n302=$(rq "len(of('$X4'))")

# ------------------------------------------------------------ kill -9
mode hold
X5=$(new_export "${A[@]}") || bail "POST"
ok "the receiver holds the request" wait_for 60 requests_at_least "$X5" export.ready hold 1
wpid=$(psql_q "SELECT d.claimed_by FROM webhook_deliveries d JOIN webhook_events e
    ON e.id = d.event_id WHERE e.export_id = '$X5'")
wpid=${wpid##*:}
like "a worker holds the claim" "$wpid" '^[0-9]+$'
kill -9 "$wpid"
ok "kill -9 of that worker" wait_for 10 sh -c "! kill -0 $wpid"
mode 200
ok "delivered after the claim lapsed" wait_for 90 delivered "$X5" export.ready
is "the same event id each time" "$(rq "len(set(r['eventId'] for r in of('$X5')))")" 1
is "... the same body" "$(rq "len(set(r['raw'] for r in of('$X5')))")" 1
nkill=$(rq "len(of('$X5'))")
ok "two requests (the held one, the retry)" test "$nkill" -ge 2
is "the export itself is READY" "$(psql_q "SELECT status FROM exports WHERE id = '$X5'")" READY

# ------------------------------------------------------------ disabled
admin webhook disable "$EPA"
is "webhook disable: exit 0" "$?" 0
like "list: disabled" "$(admin webhook list --tenant ta)" '	disabled	'
X6=$(new_export "${A[@]}") || bail "POST"
ok "an export READY" wait_for 60 status_is "$X6" READY
is "no event for a disabled endpoint (written with READY)" \
    "$(psql_q "SELECT count(*) FROM webhook_events WHERE export_id = '$X6'")" 0
admin webhook enable "$EPA"
is "webhook enable: exit 0" "$?" 0
like "list: enabled" "$(admin webhook list --tenant ta)" '	enabled	'

# ------------------------------------------------------------ rotation
SA2=$(admin webhook rotate-secret "$EPA")
like "rotate-secret prints the new secret" "$SA2" '^whsec_[0-9a-f]{64}$'
isnt "... a new one" "$SA2" "$SA"
like "list: the old one signs until 24 h from now" "$(admin webhook list --tenant ta)" \
    "	$(date -u -d '+24 hours' +%Y-%m-%d)T[0-9:]+Z\$"
printf '%s\n%s\n' "$SA" "$SA2" >"$R/secrets/a"
X7=$(new_export "${A[@]}") || bail "POST"
ok "after the rotation: delivered" wait_for 60 delivered "$X7" export.ready
BODY=$(rq "of('$X7')[0]")
is "two v1 values" "$(jv 'd["nv1"]')" 2
is "... one verifying with each secret" "$(jv 'd["valid"]')" 2
echo "$SA2" >"$R/secrets/a"
is "... the new secret alone verifies one" "$(rq "1 if of('$X7')[0]['valid'] else 0")" 1

# ------------------------------------------------------------ export.expired
ok "export.expired delivered when the link expired (30 s TTL)" \
    wait_for 90 delivered "$X1" export.expired
BODY=$(rq "of('$X1', 'export.expired')[0]")
is "... status EXPIRED" "$(jv 'd["body"]["data"]["export"]["status"]')" EXPIRED
is "... no downloadUrl" "$(jv 'd["body"]["data"]["export"]["downloadUrl"]')" null
isnt "... a new event id" "$(jv 'd["eventId"]')" "$evt"

# ------------------------------------------------------------ tenants apart
ta_ids=$(psql_q "SELECT string_agg(id, ' ') FROM exports WHERE tenant_id = 'ta'")
tb_ids=$(psql_q "SELECT string_agg(id, ' ') FROM exports WHERE tenant_id = 'tb'")
is "every request to /a is about a ta export" \
    "$(rq "len([r for r in L if r['path'] == '/a' and r['body']['data']['export']['exportId'] not in '$ta_ids'.split()])")" 0
is "every request to /b is about a tb export" \
    "$(rq "len([r for r in L if r['path'] == '/b' and r['body']['data']['export']['exportId'] not in '$tb_ids'.split()])")" 0
ok "tb got its events" test "$(rq "len([r for r in L if r['path'] == '/b'])")" -ge 1

# ------------------------------------------------------------ allow_private off
out=$(admin webhook add --tenant tc --url "http://localhost:$RP/c") || bail "add tc"
EPC=$(printf '%s\n' "$out" | sed -n 1p)
printf '%s\n' "$out" | sed -n 2p >"$R/secrets/c"
sed -i 's/^allow_private = on$/allow_private = off/' "$FTX_CONFIG"
ok "allow_private = off: ftx-exportd reloaded" reload_exportd
X8=$(new_export "${C[@]}") || bail "POST tc"
ok "an export READY" wait_for 60 status_is "$X8" READY
ok "the delivery to localhost is attempted" wait_for 30 attempts_at_least "$X8" export.ready 1
like "... and refused: 127.0.0.1 is loopback" \
    "$(admin webhook deliveries --endpoint "$EPC")" \
    '	PENDING	[0-9]+	-	.*address .*127\.0\.0\.1.* refused \(loopback\)'
ok "... logged by ftx-exportd" grep -q "endpoint $EPC: attempt [0-9]* failed: .*refused (loopback)" "$LOG"
is "the receiver got nothing for it" "$(rq "len([r for r in L if r['path'] == '/c'])")" 0

gone() {
	[ "$(psql_q "SELECT count(*) FROM webhook_events WHERE id = '$1'")" = 0 ]
}
ok "an event 31 days old, delivered, is deleted" wait_for 70 gone "$evt"
is "... with its delivery" "$(admin webhook deliveries --event "$evt")" ""
isnt "... not the others" "$(psql_q "SELECT count(*) FROM webhook_events")" 0
is "one event per export and type" "$(psql_q "SELECT count(*) FROM (SELECT 1
    FROM webhook_events GROUP BY export_id, type HAVING count(*) > 1) s")" 0

# ------------------------------------------------------------ secrets
for s in "$SA" "$SA2" "$(cat "$R/secrets/b")" "$(cat "$R/secrets/c")"; do
	if grep -rqF "$s" "$FTX_STACK_DIR/log/"; then
		fail "a webhook secret in the logs"
	fi
done
ok "no webhook secret in any log" true

diag "events: $(psql_q "SELECT count(*) FROM webhook_events"), deliveries:" \
    "$(psql_q "SELECT string_agg(status || ' ' || n, ', ') FROM (SELECT status, count(*) n FROM webhook_deliveries GROUP BY 1) s")," \
    "requests received: $(rq 'len(L)')"
diag "receiver down: $down_attempts; 500: $n500 requests; 302: $n302 requests; kill -9: $nkill requests"
done_testing
