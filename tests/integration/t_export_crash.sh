#!/bin/bash
# t_export_crash.sh - ftx-exportd and a large export (1,000,000 rows,
# loaded once) when things go wrong (SPEC §8): kill -9 of the whole daemon
# in the middle of the file, another daemon takes the export over once the
# claim expired and finishes it (one READY, one file, no temporary file, one
# e-mail); kill -9 of one worker: the same; DELETE while the file is being written (FAILED/CANCELED, the
# worker discards its work: no file, no e-mail; the user may POST again);
# SIGTERM while generating (the daemon exits within seconds, the export is
# released: PENDING, claim cleared) and a restarted daemon finishes it.
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

PY=/usr/bin/python3
EXPORTD=$FTX_BUILDDIR/src/ftx-exportd
[ -x "$EXPORTD" ] || bail "ftx-exportd is not built"
# A claim lives 10 s (renewed every 3 s) so that a takeover fits the test.
stack_up FTX_EXPORTD_WORKERS=2 FTX_CONF_APPEND='[exportd]
claim_timeout = 10'
E=$FTX_URL/v1/payments/funding-transfers/export
W=$FTX_STACK_DIR/texp
# A second daemon's pidfile: as root it writes it as ftxstack, in the
# stack's pid dir.
P2=$FTX_STACK_DIR/pid/exportd2.pid
export FTX_JV_SPACED=1	# jv prints JSON as these expectations are written
LOG=$FTX_STACK_DIR/log/ftx-exportd.log
LOG2=$W/exportd2.log
mkdir -p "$W"
EXPORT_DIR=$(sed -n 's/^export_dir = "\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$FTX_CONFIG")
BIGDIR=$(export_tenant_dir big)
ROWS=1000000

col() {
	psql_q "SELECT $2 FROM exports WHERE id = '$1'"
}
status_is() {
	[ "$(col "$1" status)" = "$2" ]
}
# in_middle ID: a worker writes the file of ID (its temporary file holds
# more than 20 MB) and it is still PENDING.
in_middle() {
	[ -n "$(find "$EXPORT_DIR/$BIGDIR" -name ".$1.csv.*.tmp" -size +20M 2>/dev/null)" ] &&
	    status_is "$1" PENDING
}
# files ID: every file of export ID in the export dir (temporary ones too).
files() {
	find "$EXPORT_DIR" -name "*$1*" -printf '%f\n' 2>/dev/null | sort
}
# nmails ID: the messages about export ID.
nmails() {
	grep -l "^Subject: Funding transfers export $1 is ready" "$FTX_MAILDIR"/new/* 2>/dev/null | wc -l
}
# dead PID...: none of the pids runs (a zombie waiting for init is dead).
dead() {
	for _p in "$@"; do
		case $(sed 's/^.*) //' "/proc/$_p/stat" 2>/dev/null) in
		Z* | '') ;;
		*) return 1 ;;
		esac
	done
}
start_exportd2() {
	setsid "$EXPORTD" -f -c "$FTX_CONFIG" -p "$P2" </dev/null \
	    >>"$LOG2" 2>&1 &
	wait_for 10 test -s "$P2"
}
at_exit "[ -s '$P2' ] && kill -TERM \$(cat '$P2') 2>/dev/null"

# Takeovers and retries are looked for every poll_interval: 2 s here.
sed -i 's/^poll_interval = .*/poll_interval = 2/' "$FTX_CONFIG"
m=$(cat "$FTX_STACK_DIR/pid/ftx-exportd.pid")
kill -HUP "$m"
ok "ftx-exportd reloaded with poll_interval = 2" \
    wait_for 20 grep -q 'reloaded: restarting' "$LOG"

ok "$ROWS transfers loaded" admin demo-data --tenant big --suppliers 20 \
    --transfers "$ROWS" --seed 3 || bail "demo-data"
key() {
	_u=$(admin user add --tenant big --email "$1" --role OPERATOR) &&
	    admin key create "$_u"
}
K1=$(key kill@big.example) || bail "user"
K2=$(key cancel@big.example) || bail "user"
A1=(-H 'dj-client: OPERATOR' -H "dj-api-key: $K1")
A2=(-H 'dj-client: OPERATOR' -H "dj-api-key: $K2")

# ------------------------------------------------------------ kill -9
req POST "$E" "${A1[@]}" -H 'Content-Type: application/json' \
    --data-binary '{"cc": ["cc@big.example"]}'
X=$(jv 'd["exportId"]')
is "POST the large export" "$CODE" 201
ok "a worker is in the middle of its file" wait_for 60 in_middle "$X" ||
    bail "the export never was in progress"
m=$(cat "$FTX_STACK_DIR/pid/ftx-exportd.pid")
pg=$(ps -o pgid= -p "$m" | tr -d ' ')
kids=$(pgrep -P "$m" | tr '\n' ' ')
first=$(col "$X" claimed_by)
like "claimed by one of the daemon's workers" "$first" ":($(pgrep -P "$m" | paste -sd '|'))\$"
if [ -n "$pg" ] && [ "$pg" = "$m" ]; then
	kill -KILL -- "-$pg"
else
	# shellcheck disable=SC2086
	kill -KILL "$m" $kids
fi
# shellcheck disable=SC2086
ok "kill -9 of the daemon and its workers" wait_for 10 dead $m $kids
is "the export stays PENDING, claimed by the dead worker" \
    "$(col "$X" "status || ' ' || claimed_by")" "PENDING $first"
is "no file visible under the export's name" "$(files "$X" | grep -c "^$X\\.csv\$")" 0
ok "a second daemon starts" start_exportd2
D2=$(cat "$P2")
ok "it takes the export over and finishes it" wait_for 120 status_is "$X" READY
like "the second daemon claimed it (attempt 2)" "$(grep "export $X: claimed by" "$LOG2")" \
    'claimed by .* \(attempt 2\)$'
is "READY once in all the logs" "$(cat "$LOG" "$LOG2" | grep -c "export $X: READY")" 1
req GET "$E/$X" "${A1[@]}"
is "the API: READY, every row" "$(jv '[d["status"], d["rowCount"]]')" "[\"READY\", $ROWS]"
ok "the file is there" test -f "$EXPORT_DIR/$BIGDIR/$X.csv"
is "its sha256 is the export's" "$(sha256sum <"$EXPORT_DIR/$BIGDIR/$X.csv" | cut -d ' ' -f 1)" "$(jv 'd["sha256"]')"
# shellcheck disable=SC2016
is "its CSV records after the header" "$($PY -c 'import csv, sys
print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""), delimiter=";")) - 1)' \
    "$EXPORT_DIR/$BIGDIR/$X.csv")" "$ROWS"
is "one file for the export" "$(files "$X" | grep -v '\.tmp$')" "$X.csv"
is "no temporary file left behind (the killed worker's)" "$(files "$X" | grep '\.tmp$')" ""
is "one e-mail for the export" "$(nmails "$X")" 1
like "... to the requester and the cc" "$(grep -l "$X" "$FTX_MAILDIR"/new/* | xargs cat)" \
    $'^Cc: cc@big\\.example\r?$'

# ------------------------------------------------------------ kill -9 of a worker
req POST "$E" "${A1[@]}" -d ''
X2=$(jv 'd["exportId"]')
is "POST a large export again" "$CODE" 201
ok "a worker of the second daemon is in the middle of it" wait_for 60 in_middle "$X2"
w=$(col "$X2" claimed_by)
w=${w##*:}
ok "it is a worker of the second daemon" sh -c "pgrep -P $D2 | grep -qx '$w'"
kill -KILL "$w"
replaced() {
	dead "$w" && [ "$(pgrep -P "$D2" | wc -l)" -eq 2 ]
}
ok "kill -9 of that worker: the daemon starts another one" wait_for 10 replaced
ok "the export is taken over once the claim expired, and finished" \
    wait_for 120 status_is "$X2" READY
like "claimed again (attempt 2)" "$(grep "export $X2: claimed by" "$LOG2" | tail -1)" \
    'claimed by .* \(attempt 2\)$'
is "READY once" "$(cat "$LOG" "$LOG2" | grep -c "export $X2: READY")" 1
is "with every row" "$(col "$X2" row_count)" "$ROWS"
is "one file" "$(files "$X2" | grep -v '\.tmp$')" "$X2.csv"
is "no temporary file left behind (the killed worker's)" "$(files "$X2" | grep '\.tmp$')" ""
is "one e-mail" "$(nmails "$X2")" 1

# ------------------------------------------------------------ cancel
req POST "$E" "${A2[@]}" -d ''
C=$(jv 'd["exportId"]')
is "POST another large export" "$CODE" 201
ok "a worker of the second daemon is in the middle of it" wait_for 60 in_middle "$C"
req DELETE "$E/$C" "${A2[@]}"
is "DELETE while it is generated: 200 FAILED/CANCELED" \
    "$CODE $(jv '[d["status"], d["failureReason"]]')" '200 ["FAILED", "CANCELED"]'
ok "the worker notices and discards its work" \
    wait_for 60 grep -q "export $C: claim lost" "$LOG2"
is "the export stays FAILED/CANCELED" "$(col "$C" "status || ' ' || failure_reason")" 'FAILED CANCELED'
is "no file and no temporary file" "$(files "$C")" ""
unlike "never READY" "$(cat "$LOG" "$LOG2")" "export $C: READY"
is "no e-mail" "$(nmails "$C")" 0
req POST "$E" "${A2[@]}" -d ''
C2=$(jv 'd["exportId"]')
is "the user may POST again" "$CODE" 201

# ------------------------------------------------------------ SIGTERM
ok "a worker of the second daemon is in the middle of the new one" \
    wait_for 60 in_middle "$C2"
kill -TERM "$D2"
t0=$(date +%s)
ok "SIGTERM: the daemon exits within 10 s" wait_for 10 dead "$D2"
diag "it took $(($(date +%s) - t0)) s"
is "the export is released: PENDING, claim cleared, attempt not counted" \
    "$(col "$C2" "status || ' ' || coalesce(claim_token, '-') || ' ' || coalesce(claimed_until::text, '-') || ' ' || attempts")" \
    'PENDING - - 0'
ok "the log says so" grep -q "export $C2: released at shutdown" "$LOG2"
is "no file and no temporary file left" "$(files "$C2")" ""
ok "the pidfile is removed" test ! -e "$P2"
ok "ftx-exportd started again (ftx-stack up)" ftx_stack up
ok "the restarted daemon finishes it" wait_for 120 status_is "$C2" READY
is "with every row" "$(col "$C2" row_count)" "$ROWS"
is "one file" "$(files "$C2")" "$C2.csv"
is "one e-mail" "$(nmails "$C2")" 1
is "READY once in all the logs" "$(cat "$LOG" "$LOG2" | grep -c "export $C2: READY")" 1

done_testing
