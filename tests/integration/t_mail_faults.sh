#!/bin/bash
# t_mail_faults.sh - the e-mail against a misbehaving mail server (SPEC §8,
# §16): the stack's SMTP sink is replaced by smtp_faults.py, which refuses
# (5xx), defers (4xx) or stalls (past [mail] timeout) recipients by the
# local part of their address.  Asserted each time: the export's end state,
# its attempts, undeliveredRecipients, a failureReason a person can read
# (no path, names the address), and the messages that arrived: nothing
# lost, nothing doubled (one message per export, to the right envelope).
# Also: the completion failing after the e-mail went out (a trigger) does
# not send it twice; the SMTP server down: retried, then FAILED; a stop
# during a send waits for it.
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

PY=/usr/bin/python3
stack_up FTX_EXPORTD_WORKERS=2 FTX_CONF_APPEND='[exportd]
retry_delay = 1
[mail]
timeout = 3'
E=$FTX_URL/v1/payments/funding-transfers/export
LOG=$FTX_STACK_DIR/log/ftx-exportd.log
W=$FTX_STACK_DIR/tmail
mkdir -p "$W"
EXPORT_DIR=$(sed -n 's/^export_dir = "\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$FTX_CONFIG")

dead() {
	case $(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null) in
	Z* | '') return 0 ;;
	esac
	return 1
}
status_is() {
	[ "$(psql_q "SELECT status FROM exports WHERE id = '$1'")" = "$2" ]
}
smtp_up() {
	bash -c "exec 3<>/dev/tcp/127.0.0.1/$FTX_SMTP_PORT" 2>/dev/null
}
FAULTS=
faults_start() {
	$PY "$FTX_SRCDIR/tests/integration/smtp_faults.py" --port "$FTX_SMTP_PORT" \
	    --maildir "$FTX_MAILDIR" --slow 8 >>"$FTX_STACK_DIR/log/smtp_faults.log" 2>&1 &
	FAULTS=$!
	wait_for 15 smtp_up
}
faults_stop() {
	[ -n "$FAULTS" ] || return 0
	kill -TERM "$FAULTS" 2>/dev/null
	wait_for 10 dead "$FAULTS"
	FAULTS=
}
at_exit 'faults_stop'

# rcpts ID: the envelope recipients of each message about export ID, one
# message a line (addresses sorted, lower case); nothing when none came.
cat >"$W/rcpts.py" <<'PYEOF'
import email, os, sys
from email import policy
maildir, xid = sys.argv[1:3]
for fn in sorted(os.listdir(os.path.join(maildir, "new"))):
    with open(os.path.join(maildir, "new", fn), "rb") as fp:
        m = email.message_from_binary_file(fp, policy=policy.default)
    if str(m["Subject"]) == "Funding transfers export %s is ready" % xid:
        print(" ".join(sorted(a.strip().lower() for a in str(m["X-RcptTo"]).split(","))))
PYEOF
rcpts() {
	$PY "$W/rcpts.py" "$FTX_MAILDIR" "$1"
}
col() {
	psql_q "SELECT $2 FROM exports WHERE id = '$1'"
}

# The workers pick retries up every poll_interval: 1 s here.
sed -i 's/^poll_interval = .*/poll_interval = 1/' "$FTX_CONFIG"
n=$(grep -c 'reloaded: restarting' "$LOG")
kill -HUP "$(cat "$FTX_STACK_DIR/pid/ftx-exportd.pid")"
# shellcheck disable=SC2016
ok "exportd reloaded with poll_interval = 1" wait_for 20 bash -c \
    '[ "$(grep -c "reloaded: restarting" "$1")" -gt "$2" ]' bash "$LOG" "$n"

smtp=$(cat "$FTX_STACK_DIR/pid/smtp.pid")
kill -TERM "$smtp"
ok "the stack's SMTP sink is stopped" wait_for 10 dead "$smtp"
ok "smtp_faults.py listens in its place" faults_start || bail "no smtp_faults.py"

admin demo-data --tenant mf --suppliers 2 --transfers 200 --seed 5 >/dev/null || bail "demo-data"
# user EMAIL: a user of tenant mf and its key, as "ID KEY".
user() {
	_id=$(admin user add --tenant mf --email "$1" --role OPERATOR) || return 1
	echo "$_id $(admin key create "$_id")"
}
# new_export EMAIL CC_JSON: a new export of a new user; sets X (its id).
new_export() {
	set -- "$1" "$2" "$(user "$1")"
	req POST "$E" -H 'dj-client: OPERATOR' -H "dj-api-key: ${3#* }" \
	    -H 'Content-Type: application/json' --data-binary "{\"cc\": $2}"
	X=$(jv 'd["exportId"]')
	[ "$CODE" = 201 ]
}
show() {
	req GET "$E/$1" -H 'dj-client: OPERATOR' -H "dj-api-key: $2"
}

# ------------------------------------------------------------ 5xx for a Cc
ok "export with a Cc the server refuses" new_export u1@mf.example \
    '["refuse-cc@mf.example", "ok-cc@mf.example"]'
A=$X
ok "READY" wait_for 60 status_is "$A" READY
is "one attempt: a 5xx is not retried" "$(col "$A" attempts)" 1
is "undelivered_recipients names the refused Cc" "$(col "$A" "array_to_json(undelivered_recipients)")" \
    '["refuse-cc@mf.example"]'
is "one message, to the requester and the other Cc" "$(rcpts "$A")" \
    'ok-cc@mf.example u1@mf.example'
like "the log names the refused address and the reply" "$(grep "export $A:" "$LOG")" \
    "not delivered to refuse-cc@mf.example: 550 5\\.1\\.1"

# ------------------------------------------------------------ 5xx for the requester
ok "export of a requester the server refuses" new_export refuse-req@mf.example \
    '["c1@mf.example"]'
B=$X
ok "FAILED" wait_for 60 status_is "$B" FAILED
is "at once: one attempt" "$(col "$B" attempts)" 1
reason=$(col "$B" failure_reason)
like "failureReason names the address and the server's reply" "$reason" \
    '^The e-mail to refuse-req@mf\.example was refused by the mail server: 550 5\.1\.1 '
unlike "failureReason shows no path" "$reason" '/'
is "no message went out (not even to the Cc)" "$(rcpts "$B")" ''
is "no file left" "$(find "$EXPORT_DIR" -name "*$B*" | wc -l)" 0

# ------------------------------------------------------------ 4xx, then accepted
ok "export with a Cc deferred once" new_export u2@mf.example '["defer1-cc@mf.example"]'
C=$X
ok "export of a requester deferred once" new_export defer1-req@mf.example '[]'
C2=$X
ok "READY (Cc deferred once)" wait_for 60 status_is "$C" READY
ok "READY (requester deferred once)" wait_for 60 status_is "$C2" READY
is "two attempts each" "$(col "$C" attempts) $(col "$C2" attempts)" '2 2'
is "one message with the Cc, after the retry" "$(rcpts "$C")" 'defer1-cc@mf.example u2@mf.example'
is "one message to the requester, after the retry" "$(rcpts "$C2")" 'defer1-req@mf.example'
is "nothing undelivered" "$(col "$C" "array_to_json(undelivered_recipients)")" '[]'

# ------------------------------------------------------------ 4xx for a Cc, always
ok "export with a Cc always deferred" new_export u3@mf.example \
    '["defer-cc@mf.example", "ok3@mf.example"]'
D=$X
ok "READY on the last attempt, without that Cc" wait_for 90 status_is "$D" READY
is "three attempts (max_attempts)" "$(col "$D" attempts)" 3
is "undelivered_recipients names it" "$(col "$D" "array_to_json(undelivered_recipients)")" \
    '["defer-cc@mf.example"]'
is "one message, to the others" "$(rcpts "$D")" 'ok3@mf.example u3@mf.example'

# ------------------------------------------------------------ slower than the timeout
ok "export with a Cc the server stalls on (8 s, timeout 3 s)" new_export u4@mf.example \
    '["slow1-cc@mf.example"]'
S=$X
ok "READY after the retry" wait_for 90 status_is "$S" READY
is "two attempts" "$(col "$S" attempts)" 2
like "the log: the first attempt timed out" "$(grep "export $S:" "$LOG")" 'did not answer in time'
is "exactly one message" "$(rcpts "$S")" 'slow1-cc@mf.example u4@mf.example'

# ------------------------------------------------------------ the API shows it
# shellcheck disable=SC2046 # "ID KEY", split on purpose
set -- $(user api@mf.example)
psql_q "UPDATE exports SET user_id = '$1' WHERE id = '$A'" >/dev/null
show "$A" "$2"
is "API: undeliveredRecipients" "$(jv 'd["undeliveredRecipients"]')" '["refuse-cc@mf.example"]'
is "API: READY, no failureReason" "$(jv '[d["status"], d["failureReason"]]')" '["READY",null]'
psql_q "UPDATE exports SET user_id = '$1' WHERE id = '$B'" >/dev/null
show "$B" "$2"
like "API: the requester's refusal as failureReason" "$(jv 'd["failureReason"]')" \
    '^The e-mail to refuse-req@mf\.example was refused by the mail server: 550'
is "API: FAILED, nothing undelivered listed" "$(jv '[d["status"], d["undeliveredRecipients"]]')" '["FAILED",[]]'

# ------------------------------------------------------------ a null in the stored cc
# cc is a text[]: a NULL element (written by hand, or by an older release)
# is no address; the worker must not crash on it (it did: strdup(NULL)).
# shellcheck disable=SC2046 # "ID KEY", split on purpose
set -- $(user u9@mf.example)
psql_q "INSERT INTO exports (id, tenant_id, user_id, client_type, cc)
    VALUES ('nullcc-1', 'mf', '$1', 'OPERATOR', ARRAY[NULL, 'c9@mf.example'])" >/dev/null
ok "an export whose stored cc holds a NULL: READY" wait_for 60 status_is nullcc-1 READY
is "... at the first attempt" "$(col nullcc-1 attempts)" 1
is "... one message, to the requester and the real Cc" "$(rcpts nullcc-1)" 'c9@mf.example u9@mf.example'

# ------------------------------------------------------------ completion fails after the send
# shellcheck disable=SC2046 # "ID KEY", split on purpose
set -- $(user u5@mf.example)
psql_q "CREATE SEQUENCE t_fail_complete_seq;
CREATE FUNCTION t_fail_complete() RETURNS trigger LANGUAGE plpgsql AS \$f\$
BEGIN
	IF NEW.status = 'READY' AND OLD.status = 'PENDING' AND NEW.user_id = '$1'
	    AND nextval('t_fail_complete_seq') <= 2 THEN
		RAISE EXCEPTION 'injected: completing the export fails';
	END IF;
	RETURN NEW;
END \$f\$;
CREATE TRIGGER t_fail_complete BEFORE UPDATE ON exports
    FOR EACH ROW EXECUTE FUNCTION t_fail_complete();" >/dev/null
req POST "$E" -H 'dj-client: OPERATOR' -H "dj-api-key: $2" -d ''
G=$(jv 'd["exportId"]')
ok "READY although the first completion failed" wait_for 60 status_is "$G" READY
is "the completion failed twice (at once, and once more): two attempts" "$(col "$G" attempts)" 2
like "the log: the retry only completes" "$(grep "export $G:" "$LOG")" 'e-mail already sent, completing'
is "exactly one message (not sent again)" "$(rcpts "$G")" 'u5@mf.example'
psql_q "DROP TRIGGER t_fail_complete ON exports" >/dev/null
# The state between the two attempts (e-mail sent, not yet READY), held by
# a claim no worker owns: canceling it now would fail an export whose link
# is in someone's mailbox.
psql_q "UPDATE exports SET status = 'PENDING', claim_token = 'held',
    claimed_by = 'test', claimed_until = now() + interval '1 hour'
    WHERE id = '$G'" >/dev/null
req DELETE "$E/$G" -H 'dj-client: OPERATOR' -H "dj-api-key: $2"
is "cancel after the e-mail went out: 409" "$CODE" 409
is "... the export is still PENDING" "$(col "$G" status)" PENDING
psql_q "UPDATE exports SET status = 'READY', claim_token = NULL,
    claimed_by = NULL, claimed_until = NULL WHERE id = '$G'" >/dev/null

# ------------------------------------------------------------ a batch through the faults
BATCH=12
ids=
for i in $(seq 1 $BATCH); do
	new_export "b$i@mf.example" "[\"refuse-b$i@mf.example\", \"defer1-b$i@mf.example\", \"ok-b$i@mf.example\"]" ||
	    fail "batch export $i"
	ids="$ids $X"
done
all_ready() {
	for x in $ids; do status_is "$x" READY || return 1; done
}
ok "$BATCH exports (a Cc refused, one deferred once each): all READY" wait_for 120 all_ready
lost=0 doubled=0
i=0
for x in $ids; do
	i=$((i + 1))
	got=$(rcpts "$x")
	[ -n "$got" ] || lost=$((lost + 1))
	[ "$(printf '%s\n' "$got" | grep -c .)" -le 1 ] || doubled=$((doubled + 1))
	[ "$got" = "b$i@mf.example defer1-b$i@mf.example ok-b$i@mf.example" ] ||
	    [ -z "$got" ] || diag "export $x: $got"
done
is "batch: none lost" "$lost" 0
is "batch: none doubled" "$doubled" 0
is "batch: the refused Cc listed on each" \
    "$(psql_q "SELECT count(*) FROM exports WHERE id IN ($(printf "'%s'," $ids | sed 's/,$//')) AND cardinality(undelivered_recipients) = 1")" "$BATCH"

# ------------------------------------------------------------ a held row stalls nobody
# An export out of attempts whose row another transaction holds (as a worker
# holds its row while the e-mail goes out): the sweep that ends such exports
# skips it instead of waiting, so other exports still flow.
# shellcheck disable=SC2046 # "ID KEY", split on purpose
set -- $(user held@mf.example)
# Its claim runs out 5 s after it is written: by then the row is held.
psql_q "INSERT INTO exports (id, tenant_id, user_id, client_type, attempts,
    claimed_until) VALUES ('held-1', 'mf', '$1', 'OPERATOR', 3,
    now() + interval '5 seconds')" >/dev/null
psql "$FTX_DSN" -XAtq -c "BEGIN" -c "SELECT 1 FROM exports WHERE id = 'held-1' FOR UPDATE" \
    -c "SELECT pg_sleep(120)" -c "COMMIT" >/dev/null 2>&1 &
HOLDER=$!
at_exit "kill $HOLDER 2>/dev/null"
holding() {
	[ "$(psql_q "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(120)%' AND state = 'active'")" = 1 ]
}
ok "another transaction holds an exhausted export's row" wait_for 10 holding
expired() {
	[ "$(psql_q "SELECT claimed_until < now() FROM exports WHERE id = 'held-1'")" = t ]
}
ok "... and its claim has run out" wait_for 10 expired
ok "export while that row is held" new_export u8@mf.example '[]'
ok "READY all the same (the sweep skips the held row)" wait_for 30 status_is "$X" READY
is "the held export is still PENDING" "$(col held-1 status)" PENDING
psql_q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE query LIKE 'SELECT pg_sleep(120)%'" >/dev/null
ok "released: the held export ends FAILED" wait_for 30 status_is held-1 FAILED
like "... with a reason for people" "$(col held-1 failure_reason)" '^The export did not finish after 3 attempts'

# ------------------------------------------------------------ SMTP down
faults_stop
ok "the mail server is down" sh -c "! bash -c 'exec 3<>/dev/tcp/127.0.0.1/$FTX_SMTP_PORT' 2>/dev/null"
ok "export while the server is down" new_export u6@mf.example '["c6@mf.example"]'
Z=$X
ok "FAILED after the retries" wait_for 90 status_is "$Z" FAILED
is "three attempts" "$(col "$Z" attempts)" 3
is "failureReason for people" "$(col "$Z" failure_reason)" \
    'The e-mail could not be sent: the mail server could not be reached'
is "no message, no file" "$(rcpts "$Z")$(find "$EXPORT_DIR" -name "*$Z*" | wc -l)" 0
unlike "no failure reason anywhere shows a path" \
    "$(psql_q "SELECT failure_reason FROM exports WHERE failure_reason LIKE '%/%'")" '.'
ok "the server back" faults_start
ok "export once the server is back" new_export u7@mf.example '[]'
ok "READY" wait_for 60 status_is "$X" READY
is "one message" "$(rcpts "$X")" 'u7@mf.example'

# ------------------------------------------------------------ a stop during a send
# SPEC §8: a stop waits for a send in progress (the SMTP timeout is below
# the stop timeout): the worker finishes it and records it, once.
ok "export with a Cc the server holds 2 s (timeout 3 s)" new_export u10@mf.example \
    '["stall2-cc@mf.example"]'
T=$X
ok "the send is in progress" wait_for 60 grep -q 'stall stall2-cc@mf.example' \
    "$FTX_STACK_DIR/log/smtp_faults.log"
exportd=$(cat "$FTX_STACK_DIR/pid/ftx-exportd.pid")
kill -TERM "$exportd"
ok "ftx-exportd stops" wait_for 40 dead "$exportd"
unlike "... without killing a worker" "$(cat "$LOG")" 'did not stop within'
is "the export is READY: the stop waited for the send" "$(col "$T" status)" READY
is "one message" "$(rcpts "$T")" 'stall2-cc@mf.example u10@mf.example'

done_testing
