#!/bin/bash
# t_export_lifecycle.sh - ftx-exportd on the real stack (SPEC §8): the
# ready e-mail (To the requester, Cc the list, subject, link, expiry, row
# count, filters; the link downloads the file); two daemons and 200 exports
# from 200 users, each generated, e-mailed and marked READY exactly once;
# the SMTP sink stopped: retries, then FAILED with the reason and no file
# (also when max_attempts is lowered meanwhile);
# expiry (the API at once, the daemon within poll_interval, file deleted);
# SIGHUP with a broken configuration refused; SIGTERM; -t and -V.
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

PY=/usr/bin/python3
EXPORTD=$FTX_BUILDDIR/src/ftx-exportd
[ -x "$EXPORTD" ] || bail "ftx-exportd is not built"
stack_up FTX_EXPORTD_WORKERS=3 FTX_CONF_APPEND='[exportd]
retry_delay = 1
claim_timeout = 8'
E=$FTX_URL/v1/payments/funding-transfers/export
W=$FTX_STACK_DIR/texp
# A second daemon's pidfile: as root it writes it as ftxstack, in the
# stack's pid dir.
P2=$FTX_STACK_DIR/pid/exportd2.pid
export FTX_JV_SPACED=1	# jv prints JSON as these expectations are written
LOG=$FTX_STACK_DIR/log/ftx-exportd.log
mkdir -p "$W"
EXPORT_DIR=$(sed -n 's/^export_dir = "\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$FTX_CONFIG")
LCDIR=$(export_tenant_dir lc)

# dead PID...: none of the pids runs (a zombie waiting for init is dead).
dead() {
	for _p in "$@"; do
		case $(sed 's/^.*) //' "/proc/$_p/stat" 2>/dev/null) in
		Z* | '') ;;
		*) return 1 ;;
		esac
	done
}
status_of() {
	psql_q "SELECT status FROM exports WHERE id = '$1'"
}
status_is() {
	[ "$(status_of "$1")" = "$2" ]
}
exportd_pid() {
	cat "$FTX_STACK_DIR/pid/ftx-exportd.pid"
}
workers() {
	pgrep -P "$(exportd_pid)" | sort
}
# mails ID: the messages about export ID in the Maildir, as JSON.
cat >"$W/mails.py" <<'EOF'
import email, json, os, re, sys
from collections import Counter
from email import policy
maildir, what = sys.argv[1:3]
msgs = []
for fn in sorted(os.listdir(os.path.join(maildir, "new"))):
    with open(os.path.join(maildir, "new", fn), "rb") as fp:
        msgs.append(email.message_from_binary_file(fp, policy=policy.default))
if what == "--count":      # "N ID" per export named in a subject
    c = Counter(re.sub(r"^Funding transfers export (\S+) is ready$", r"\1",
                       str(m["Subject"])) for m in msgs)
    print("\n".join("%d %s" % (n, i) for i, n in sorted(c.items())))
    sys.exit(0)
print(json.dumps([{
    "from": str(m["From"]), "to": str(m["To"]), "cc": str(m["Cc"]),
    "subject": str(m["Subject"]), "rcpt": str(m["X-RcptTo"]),
    "type": "%s; charset=%s" % (m.get_content_type(), m.get_content_charset()),
    "body": m.get_content()} for m in msgs if what in str(m["Subject"])]))
EOF
mails() {
	$PY "$W/mails.py" "$FTX_MAILDIR" "$1"
}
# reload_exportd: SIGHUPs ftx-exportd and waits until every worker of the
# old configuration is gone and new ones run.
reload_exportd() {
	_m=$(exportd_pid)
	_old=$(workers)
	_n=$(grep -c 'reloaded: restarting' "$LOG")
	kill -HUP "$_m"
	# shellcheck disable=SC2016
	wait_for 20 bash -c '[ "$(grep -c "reloaded: restarting" "$1")" -gt "$2" ]' \
	    bash "$LOG" "$_n" || return 1
	# shellcheck disable=SC2016
	wait_for 30 bash -c 'for p in $1; do kill -0 $p 2>/dev/null && exit 1; done
	    [ "$(pgrep -P "$2" | wc -l)" -ge 3 ]' bash "$_old" "$_m"
}

# Expiry and retries are checked every poll_interval: 2 s here.
sed -i 's/^poll_interval = .*/poll_interval = 2/' "$FTX_CONFIG"
ok "SIGHUP with poll_interval = 2: the workers are replaced" reload_exportd ||
    bail "ftx-exportd did not reload"

admin demo-data --tenant lc --suppliers 3 --transfers 2000 --seed 11 >/dev/null ||
    bail "demo-data"
OP_ID=$(admin user add --tenant lc --email 'Requester@LC.example' --role OPERATOR) ||
    bail "user"
OP=$(admin key create "$OP_ID") || bail "key"
AUTH=(-H 'dj-client: OPERATOR' -H "dj-api-key: $OP")

# ------------------------------------------------------------ the e-mail
mails_before=$(mail_count)
req POST "$E" "${AUTH[@]}" -H 'Content-Type: application/json' --data-binary \
    '{"filters": {"statuses": ["COMPLETED"], "currency": "eur", "amountMin": "10"},
      "cc": ["cc1@lc.example", " CC2@lc.example", "cc1@LC.example", "third@other.example",
             "a-rather-long-recipient-name-4@mail.subdomain.example.org",
             "a-rather-long-recipient-name-5@mail.subdomain.example.org",
             "a-rather-long-recipient-name-6@mail.subdomain.example.org",
             "a-rather-long-recipient-name-7@mail.subdomain.example.org",
             "a-rather-long-recipient-name-8@mail.subdomain.example.org",
             "a-rather-long-recipient-name-9@mail.subdomain.example.org",
             "a-rather-long-recipient-name-10@mail.subdomain.example.org"]}'
is "POST with cc: 201" "$CODE" 201
X=$(jv 'd["exportId"]')
ok "READY" wait_for 60 status_is "$X" READY
req GET "$E/$X" "${AUTH[@]}"
api=$BODY
mail_more() {
	[ "$(mail_count)" -gt "$1" ]
}
ok "a message arrives" wait_for 20 mail_more "$mails_before"
BODY=$(mails "$X")
is "exactly one message about the export" "$(jv 'len(d)')" 1
is "From: the configured sender" "$(jv 'd[0]["from"]')" 'ftx@localhost'
is "To: the requester" "$(jv 'd[0]["to"]')" 'Requester@LC.example'
is "Cc: the cc list (normalised, ten addresses, folded)" "$(jv 'd[0]["cc"]')" \
    "cc1@lc.example, CC2@lc.example, third@other.example$(for i in 4 5 6 7 8 9 10; do
	printf ', a-rather-long-recipient-name-%d@mail.subdomain.example.org' "$i"; done)"
is "Subject names the export" "$(jv 'd[0]["subject"]')" "Funding transfers export $X is ready"
is "envelope: requester and every cc" "$(jv '" ".join(sorted(a.strip().lower() for a in d[0]["rcpt"].split(",")))')" \
    "$(for i in 10 4 5 6 7 8 9; do printf 'a-rather-long-recipient-name-%d@mail.subdomain.example.org ' "$i"; done)cc1@lc.example cc2@lc.example requester@lc.example third@other.example"
is "plain text UTF-8" "$(jv 'd[0]["type"]')" 'text/plain; charset=utf-8'
mailbody=$(jv 'd[0]["body"]')
link=$(BODY=$api jv 'd["downloadUrl"]')
like "the body has the link (the API's downloadUrl)" "$mailbody" "^$(printf '%s' "$link" | sed 's/[.?&]/\\&/g')\$"
like "the body has the expiry" "$mailbody" "$(BODY=$api jv 'd["expiresAt"]')"
like "the body has the row count" "$mailbody" "Rows: $(BODY=$api jv 'd["rowCount"]')\$"
like "the body has the filters (statuses)" "$mailbody" 'statuses: COMPLETED'
like "the body has the filters (currency, normalised)" "$mailbody" 'currency: EUR'
like "the body has the filters (amountMin)" "$mailbody" 'amountMin: 10'
murl=$(printf '%s\n' "$mailbody" | grep -o 'http://[^ ]*/download?[^ ]*' | head -1)
req GET "$murl"
is "the e-mailed link: 200" "$CODE" 200
sha=$(BODY=$api jv 'd["sha256"]')
is "the e-mailed link gives the export's bytes (sha256)" "$(sha256sum <"$FTX_STACK_DIR/req.out" | cut -d ' ' -f 1)" "$sha"
like "ETag is the sha256" "$HDRS" "^ETag: \"?$sha\"?\$"
is "fileSize is what was downloaded" "$(wc -c <"$FTX_STACK_DIR/req.out")" "$(BODY=$api jv 'd["fileSize"]')"
is "rowCount: the CSV records after the header" \
    "$($PY -c 'import csv, sys; print(len(list(csv.reader(open(sys.argv[1], newline=""), delimiter=";"))) - 1)' "$FTX_STACK_DIR/req.out")" \
    "$(BODY=$api jv 'd["rowCount"]')"
is "the file in export_dir/<lc dir>" "$(find "$EXPORT_DIR/$LCDIR" -type f -printf '%f\n')" "$X.csv"

# ------------------------------------------------------------ SIGHUP refused
before=$(workers)
cp "$FTX_CONFIG" "$W/ftx.conf.good"
printf '[exportd]\nworkers = lots\n' >>"$FTX_CONFIG"
kill -HUP "$(exportd_pid)"
ok "a broken configuration: reload refused" wait_for 10 grep -q 'reload refused' "$LOG"
like "the refusal names the file and line" "$(grep 'reload refused' "$LOG" | tail -1)" 'ftx\.conf:[0-9]+: .*workers'
sleep 1.5	# not for correctness: gives a wrong restart the time to show
is "the workers are untouched" "$(workers)" "$before"
req POST "$E" "${AUTH[@]}" -d ''
Y=$(jv 'd["exportId"]')
ok "and still work (an export READY)" wait_for 60 status_is "$Y" READY
cp "$W/ftx.conf.good" "$FTX_CONFIG"

# ------------------------------------------------------------ -t, -V
ok "-t accepts the stack's configuration" "$EXPORTD" -t -c "$FTX_CONFIG"
printf '[exportd]\nclaim_timeout = 0\n' >"$W/bad.conf"
out=$("$EXPORTD" -t -c "$W/bad.conf" 2>&1)
is "-t refuses a bad one" "$?" 1
like "... naming the line" "$out" 'bad\.conf:2: '
like "-V" "$("$EXPORTD" -V)" '^ftx-exportd [0-9]+\.[0-9]+'

# ------------------------------------------------------------ a stalled worker
# A worker blocked before its first row (a lock on funding_transfers) loses
# its claim; another worker takes the export over and finishes it.  The
# first one, stopped meanwhile (SIGSTOP) and then resumed, must discard its
# work without touching the export or its file (SPEC §8: a worker that lost
# its claim can never complete it).
PGAPPNAME=texp-lock psql "$FTX_DSN" -Xq -c "BEGIN; LOCK TABLE funding_transfers
    IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(600)" >/dev/null 2>&1 &
locker=$!
locked() {
	[ "$(psql_q "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a
	    USING (pid) WHERE a.application_name = 'texp-lock' AND l.granted
	    AND l.relation = 'funding_transfers'::regclass")" = 1 ]
}
ok "funding_transfers locked by another session" wait_for 20 locked
req POST "$E" "${AUTH[@]}" -H 'Content-Type: application/json' \
    --data-binary '{"filters": {"statuses": ["COMPLETED"]}}'
S=$(jv 'd["exportId"]')
claimed_by() {
	[ "$(psql_q "SELECT attempts || ' ' || (claimed_by IS NOT NULL) FROM exports WHERE id = '$S'")" = "$1 true" ]
}
ok "a worker claims the export and waits for the lock" wait_for 20 claimed_by 1
w1=$(psql_q "SELECT claimed_by FROM exports WHERE id = '$S'")
w1=${w1##*:}
at_exit "kill -CONT $w1 2>/dev/null"
ok "another worker takes it over once the claim expired" wait_for 40 claimed_by 2
w2=$(psql_q "SELECT claimed_by FROM exports WHERE id = '$S'")
isnt "... by another worker" "${w2##*:}" "$w1"
kill -STOP "$w1"
psql_q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'texp-lock'" >/dev/null
wait "$locker"
ok "the new owner finishes it" wait_for 60 status_is "$S" READY
req GET "$E/$S" "${AUTH[@]}"
s_sha=$(jv 'd["sha256"]')
s_url=$(jv 'd["downloadUrl"]')
ok "its file is there" test -f "$EXPORT_DIR/$LCDIR/$S.csv"
kill -CONT "$w1"
ok "the resumed worker finds its claim lost" wait_for 30 grep -q "export $S: claim lost" "$LOG"
is "the export stays READY" "$(status_of "$S")" READY
ok "its file is still there" test -f "$EXPORT_DIR/$LCDIR/$S.csv"
req GET "$s_url"
is "its link still gives the file" "$CODE $(sha256sum <"$FTX_STACK_DIR/req.out" | cut -d ' ' -f 1)" "200 $s_sha"
is "no temporary file" "$(find "$EXPORT_DIR" -name "*$S*.tmp" | wc -l)" 0
is "one e-mail" "$($PY "$W/mails.py" "$FTX_MAILDIR" --count | grep -c "^1 $S\$")" 1
is "READY once in the log" "$(grep -c "export $S: READY" "$LOG")" 1

# ------------------------------------------------------------ 200 users, two daemons
# shellcheck disable=SC2016
seq 1 200 | xargs -P 4 -I{} sh -c '
	u=$("$1" -c "$2" user add --tenant lc --email "u{}@many.example" --role OPERATOR) &&
	k=$("$1" -c "$2" key create "$u") && echo "{} $k"' sh "$FTX_ADMIN" "$FTX_CONFIG" \
    >"$W/keys" 2>"$W/keys.err"
is "200 users with keys" "$(wc -l <"$W/keys")" 200
# The stack's daemon stops first, so that the 200 exports queue up.
D1=$(exportd_pid)
kill -TERM "$D1"
ok "SIGTERM: ftx-exportd exits" wait_for 15 dead "$D1"
ok "... removes its pidfile" test ! -e "$FTX_STACK_DIR/pid/ftx-exportd.pid"
like "... saying so" "$(tail -3 "$LOG")" 'exiting'
# shellcheck disable=SC2016
xargs -P 8 -L 1 sh -c '
	curl -s --max-time 60 -X POST -H "dj-client: OPERATOR" -H "dj-api-key: $2" \
	    -H "Content-Type: application/json" \
	    --data-binary "{\"filters\": {\"amountMax\": \"$1\", \"statuses\": [\"FAILED\"]}}" \
	    "$0" | grep -o "\"exportId\": *\"[^\"]*\"" | cut -d "\"" -f 4' "$E" \
    <"$W/keys" >"$W/ids"
is "200 exports queued" "$(sort -u "$W/ids" | grep -c .) $(psql_q "SELECT count(*) FROM exports WHERE status = 'PENDING'")" '200 200'
# Both daemons start at once: the stack's one again (same pidfile and log)
# and a second one, on the same database and export dir.
setsid "$EXPORTD" -f -c "$FTX_CONFIG" -p "$FTX_STACK_DIR/pid/ftx-exportd.pid" \
    </dev/null >>"$LOG" 2>&1 &
setsid "$EXPORTD" -f -c "$FTX_CONFIG" -p "$P2" </dev/null \
    >>"$W/exportd2.log" 2>&1 &
at_exit "[ -s '$P2' ] && kill -TERM \$(cat '$P2') 2>/dev/null"
ok "two ftx-exportd start" wait_for 10 test -s "$P2" -a -s "$FTX_STACK_DIR/pid/ftx-exportd.pid"
D2=$(cat "$P2")
many_ready() {
	[ "$(psql_q "SELECT count(*) FROM exports e JOIN users u ON u.id = e.user_id
	    WHERE u.email LIKE '%@many.example' AND e.status = 'READY'")" = 200 ]
}
ok "all 200 READY" wait_for 180 many_ready
is "each claimed once (attempts = 1)" \
    "$(psql_q "SELECT count(*) FROM exports e JOIN users u ON u.id = e.user_id
    WHERE u.email LIKE '%@many.example' AND e.attempts = 1")" 200
nfiles=0
while read -r id; do
	[ -f "$EXPORT_DIR/$LCDIR/$id.csv" ] && nfiles=$((nfiles + 1))
done <"$W/ids"
is "one file each" "$nfiles" 200
is "no temporary file" "$(find "$EXPORT_DIR" -name '*.tmp' | wc -l)" 0
ok "200 messages arrive" wait_for 30 sh -c "[ \$($PY '$W/mails.py' '$FTX_MAILDIR' --count | grep -cFf '$W/ids') -ge 200 ]"
counts=$($PY "$W/mails.py" "$FTX_MAILDIR" --count | grep -Ff "$W/ids")
is "one message per export" "$(printf '%s\n' "$counts" | cut -d ' ' -f 1 | sort | uniq -c | sed 's/^ *//')" '200 1'
claims=$(cat "$LOG" "$W/exportd2.log" | grep -oE 'export [^ ]+: claimed by' | grep -Ff "$W/ids")
is "the logs: 200 claims" "$(printf '%s\n' "$claims" | grep -c .)" 200
is "the logs: each export claimed once" "$(printf '%s\n' "$claims" | sort | uniq -d)" ""
readys=$(cat "$LOG" "$W/exportd2.log" | grep -oE 'export [^ ]+: READY' | grep -Ff "$W/ids")
is "the logs: each READY once" "$(printf '%s\n' "$readys" | sort -u | grep -c .) $(printf '%s\n' "$readys" | grep -c .)" '200 200'
ok "the second daemon did some of them" grep -q ': READY' "$W/exportd2.log"
ok "... and the first one too" sh -c "grep ': READY' '$LOG' | grep -qFf '$W/ids'"
kill -TERM "$D2"
ok "the second daemon stops" wait_for 15 dead "$D2"

# ------------------------------------------------------------ expiry
psql_q "UPDATE exports SET expires_at = now() - interval '1 second' WHERE id = '$X'"
req GET "$E/$X" "${AUTH[@]}"
is "expiresAt passed: the API shows EXPIRED at once" "$(jv '[d["status"], d["downloadUrl"]]')" '["EXPIRED", null]'
req GET "$E?status=EXPIRED" "${AUTH[@]}"
is "... in the list filtered by EXPIRED too" "$(jv '[x["exportId"] for x in d["data"]]')" "[\"$X\"]"
req GET "$link"
is "... and the link answers 410" "$CODE" 410
ok "the daemon marks it EXPIRED within poll_interval" wait_for 20 status_is "$X" EXPIRED
ok "... and deletes the file" wait_for 5 test ! -e "$EXPORT_DIR/$LCDIR/$X.csv"
ok "... and logs it" grep -q "export $X: EXPIRED" "$LOG"
is "the other READY export is untouched" "$(status_of "$Y")" READY
ok "... and so is its file" test -f "$EXPORT_DIR/$LCDIR/$Y.csv"

# ------------------------------------------------------------ SMTP down
smtp=$(cat "$FTX_STACK_DIR/pid/smtp.pid")
kill -TERM "$smtp"
ok "the SMTP sink is stopped" wait_for 10 dead "$smtp"
mails_before=$(mail_count)
req POST "$E" "${AUTH[@]}" -d ''
Z=$(jv 'd["exportId"]')
ok "no SMTP: the export ends FAILED" wait_for 90 status_is "$Z" FAILED
req GET "$E/$Z" "${AUTH[@]}"
like "failureReason mentions the e-mail" "$(jv 'd["failureReason"]')" '[Ee]-?mail'
is "no link, no file facts shown" "$(jv '[d["downloadUrl"], d["expiresAt"]]')" '[null, null]'
is "three attempts (max_attempts)" "$(psql_q "SELECT attempts FROM exports WHERE id = '$Z'")" 3
is "the log: three failed attempts" "$(grep -c "export $Z: attempt [0-9] failed: .*e-mail" "$LOG")" 3
is "the log: two retries scheduled, then FAILED" "$(grep -oE "export $Z: (retry scheduled|FAILED)" "$LOG" | sed 's/.*: //' | tr '\n' ',')" \
    'retry scheduled,retry scheduled,FAILED,'
is "no file for the FAILED export" "$(find "$EXPORT_DIR" -name "*$Z*" | wc -l)" 0
is "no message" "$(mail_count)" "$mails_before"
# An export waiting for its retry when max_attempts is lowered below the
# attempts it made must still leave PENDING (SPEC §8), not wait forever.
req POST "$E" "${AUTH[@]}" -d ''
Z3=$(jv 'd["exportId"]')
waiting_retry() {
	[ "$(psql_q "UPDATE exports SET next_attempt_at = now() + interval '1 hour'
	    WHERE id = '$Z3' AND status = 'PENDING' AND claim_token IS NULL
	    AND attempts >= 1 RETURNING attempts")" -ge 1 ] 2>/dev/null
}
ok "an export failed once and waits for its retry (held for an hour)" wait_for 30 waiting_retry
sed -i 's/^max_attempts = .*/max_attempts = 1/' "$FTX_CONFIG"
ok "SIGHUP with max_attempts = 1" reload_exportd
psql_q "UPDATE exports SET next_attempt_at = now() WHERE id = '$Z3'"
ok "the export over the new max_attempts ends FAILED (not PENDING forever)" \
    wait_for 15 status_is "$Z3" FAILED
req DELETE "$E/$Z3" "${AUTH[@]}"

ok "the SMTP sink restarted (ftx-stack up)" ftx_stack up
req POST "$E" "${AUTH[@]}" -d ''
is "a new export after the FAILED one: 201" "$CODE" 201
Z2=$(jv 'd["exportId"]')
ok "the new export gets READY once mail flows again" wait_for 90 status_is "$Z2" READY
ok "... with its message" wait_for 20 sh -c "$PY '$W/mails.py' '$FTX_MAILDIR' --count | grep -q ' $Z2\$'"

done_testing
