#!/bin/bash
# t_kill_workers.sh - kill -9 of export workers at random moments while 300
# small exports flow (SPEC §16): 100 users of three tenants post an export
# each, three rounds; meanwhile 20 workers are killed, busy or not, one
# every 0.2-1 s.  Every export ends READY once, one file each, no
# temporary file left, one e-mail each (two only in the window of §8: the
# worker died between sending and recording, so its export was taken over),
# the daemon replaced every worker, and the links download the files.
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

WORKERS=4
USERS=100
ROUNDS=3
KILLS=20
stack_up FTX_EXPORTD_WORKERS=$WORKERS FTX_CONF_APPEND='[exportd]
claim_timeout = 3
retry_delay = 1'
E=$FTX_URL/v1/payments/funding-transfers/export
W=$FTX_STACK_DIR/tkill
LOG=$FTX_STACK_DIR/log/ftx-exportd.log
mkdir -p "$W"
EXPORT_DIR=$(sed -n 's/^export_dir = "\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$FTX_CONFIG")

master() {
	cat "$FTX_STACK_DIR/pid/ftx-exportd.pid" 2>/dev/null
}
nworkers() {
	pgrep -P "$(master)" | wc -l
}
# Takeovers are looked for every poll_interval (1 s here); a worker killed
# three times on one export must not make it FAILED (20 attempts).
sed -i -e 's/^poll_interval = .*/poll_interval = 1/' \
    -e 's/^max_attempts = .*/max_attempts = 20/' "$FTX_CONFIG"
n0=$(grep -c 'reloaded: restarting' "$LOG")
kill -HUP "$(master)"
# shellcheck disable=SC2016
ok "ftx-exportd reloaded (poll_interval 1, max_attempts 20)" wait_for 20 \
    bash -c '[ "$(grep -c "reloaded: restarting" "$1")" -gt "$2" ]' bash "$LOG" "$n0" ||
    bail "ftx-exportd did not reload"
ok "$WORKERS workers" wait_for 20 sh -c "[ \$(pgrep -P $(master) | wc -l) -eq $WORKERS ]"

for t in ka kb kc; do
	admin demo-data --tenant "$t" --suppliers 2 --transfers 300 --seed 5 \
	    >/dev/null || bail "demo-data $t"
done
# shellcheck disable=SC2016
seq 1 "$USERS" | xargs -P 4 -I{} sh -c '
	t=k$(echo abc | cut -c $(({} % 3 + 1)))
	u=$("$1" -c "$2" user add --tenant "$t" --email "u{}@$t.example" --role OPERATOR) &&
	k=$("$1" -c "$2" key create "$u") && echo "$k"' sh "$FTX_ADMIN" "$FTX_CONFIG" \
    >"$W/keys" 2>"$W/keys.err"
is "$USERS users with keys in three tenants" "$(sort -u "$W/keys" | grep -c .)" "$USERS"

# The killer: one of the daemon's workers, busy or not, at a random moment
# (every 0.2-1 s), $KILLS times.
killer() {
	_n=0
	while [ "$_n" -lt "$KILLS" ] && [ ! -e "$W/stop" ]; do
		sleep "0.$((RANDOM % 9 + 2))"
		_w=$(pgrep -P "$(master)" | shuf -n 1)
		if [ -n "$_w" ] && kill -KILL "$_w" 2>/dev/null; then
			echo "$_w" >>"$W/killed"
			_n=$((_n + 1))
		fi
	done
}
: >"$W/killed"
killer &
killer_pid=$!
at_exit "touch '$W/stop'; kill $killer_pid 2>/dev/null"

# post: one export per key, at most 8 at once; the ids on stdout.
post() {
	# shellcheck disable=SC2016
	xargs -P 8 -L 1 sh -c '
		curl -s --max-time 60 -X POST -H "dj-client: OPERATOR" -H "dj-api-key: $1" \
		    -H "Content-Type: application/json" --data-binary "{\"filters\": {}}" \
		    "$0" | grep -o "\"exportId\": *\"[^\"]*\"" | cut -d "\"" -f 4' "$E" \
	    <"$W/keys"
}
# done_round FILE: no export of the ids in FILE is PENDING any more.
done_round() {
	[ "$(psql_q "SELECT count(*) FROM exports WHERE status = 'PENDING'
	    AND id = ANY('{$(paste -sd, "$1")}')")" = 0 ]
}
: >"$W/ids"
for r in $(seq 1 "$ROUNDS"); do
	post >"$W/ids.$r"
	is "round $r: $USERS exports posted" "$(sort -u "$W/ids.$r" | grep -c .)" "$USERS"
	ok "round $r: none PENDING any more" wait_for 120 done_round "$W/ids.$r"
	cat "$W/ids.$r" >>"$W/ids"
done
touch "$W/stop"
wait "$killer_pid"
total=$((USERS * ROUNDS))
nkilled=$(grep -c . "$W/killed")
diag "$total exports, $nkilled workers killed"
ok "workers were killed ($nkilled)" test "$nkilled" -ge 10
ok "the daemon replaced every killed worker" \
    wait_for 20 sh -c "[ \$(pgrep -P $(master) | wc -l) -eq $WORKERS ]"
is "the daemon's master survived" "$(ps -o pid= -p "$(master)" | tr -d ' ')" "$(master)"

IDS="'{$(paste -sd, "$W/ids")}'"
is "every export READY" "$(psql_q "SELECT status || ' ' || count(*) FROM exports
    WHERE id = ANY($IDS) GROUP BY status")" "READY $total"
retaken=$(psql_q "SELECT count(*) FROM exports WHERE id = ANY($IDS) AND attempts > 1")
diag "$retaken exports taken over after a kill"
ok "some exports were taken over from a killed worker ($retaken)" test "$retaken" -ge 1
readys=$(grep -oE 'export [^ ]+: READY' "$LOG" | grep -Ff "$W/ids")
# A worker killed between its COMMIT and its log line logs no READY.
is "the log: no export READY twice" "$(printf '%s\n' "$readys" | sort | uniq -d)" ""
is "one file each" "$(export_files "$W/ids")" "$total $total"
is "no temporary file left" "$(find "$EXPORT_DIR" -name '*.tmp' | wc -l)" 0

mails() {
	export_mails "$W/ids"
}
all_mailed() {
	[ "$(mails | grep -c .)" -eq "$total" ]
}
ok "every export's message arrived" wait_for 30 all_mailed
counts=$(mails)
is "no export without its message" "$(printf '%s\n' "$counts" | grep -c .)" "$total"
is "none with more than two" "$(printf '%s\n' "$counts" | awk '$1 > 2' | grep -c .)" 0
doubled=$(printf '%s\n' "$counts" | awk '$1 == 2 { print $2 }')
ndoubled=$(printf '%s\n' "$doubled" | grep -c .)
diag "$ndoubled exports mailed twice (killed between sending and recording)"
if [ "$ndoubled" -gt 0 ]; then
	is "each one mailed twice was taken over from a killed worker" \
	    "$(psql_q "SELECT count(*) FROM exports WHERE attempts > 1
	    AND id = ANY('{$(printf '%s\n' "$doubled" | paste -sd,)}')")" "$ndoubled"
fi
ok "at most one double per kill" test "$ndoubled" -le "$nkilled"

# The links work: five exports picked at random.
ndl=0
for id in $(shuf -n 5 "$W/ids"); do
	tenant_key=$(psql_q "SELECT u.email FROM exports e JOIN users u ON u.id = e.user_id WHERE e.id = '$id'")
	sha=$(psql_q "SELECT sha256 FROM exports WHERE id = '$id'")
	url=$(grep -l "export $id is ready" "$FTX_MAILDIR"/new/* | head -1 | xargs cat |
	    tr -d '\r' | grep -o 'http://[^ ]*/download?[^ ]*' | head -1)
	got=$(curl -s --max-time 10 "$url" | sha256sum | cut -d ' ' -f 1)
	if [ -n "$url" ] && [ "$got" = "$sha" ]; then
		ndl=$((ndl + 1))
	else
		diag "download of $id ($tenant_key) failed: '$url'"
	fi
done
is "five e-mailed links give their files (sha256)" "$ndl" 5
is "no request answered 500" "$(grep -Ec 'request [0-9a-f]+ [A-Z]+ [^ ]+ 500 ' "$FTX_STACK_DIR/log/ftx-fcgi.log")" 0
diag "figures: exports $total, kills $nkilled, taken over $retaken, lost 0, mailed twice $ndoubled, temporary files left $(find "$EXPORT_DIR" -name '*.tmp' | wc -l)"

done_testing
