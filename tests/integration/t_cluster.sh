#!/bin/bash
# t_cluster.sh - several hosts, one database (SPEC §17 step 1), in network
# namespaces made by contrib/ftx-cluster: a database host, three
# application hosts (lighttpd, ftx-fcgi, ftx-exportd each) sharing one
# export directory, a load host where curl runs.  With PgBouncer and the
# standby when the programs support them (CLUSTER_PGBOUNCER and
# CLUSTER_REPLICA, default auto).
#
# 300 exports from 100 users of three tenants, in three rounds, each POST
# sent to one of the hosts in turn:
#   round 1: every export READY once, made by one worker (its READY log line
#     is in the log of the host its claim names), downloadable through every
#     host (the same sha256);
#   round 2: one whole application host killed (kill -9 of every process of
#     its namespace) while it holds claims: those exports are taken over by
#     the other hosts once the claims expire (claim_timeout 5 s), nothing
#     lost or doubled; the host comes back and serves every file;
#   round 3: the primary restarted (fast): every host's health comes back to
#     200 by itself, and new exports are READY.
# Every export has one file and one e-mail (two only in the window of §8:
# an export the killed host had mailed but not recorded).
# Root only (network namespaces); skipped otherwise.
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP root only (network namespaces)"
	exit 0
fi
if ! ip netns list >/dev/null 2>&1 || ! unshare -n -u -m true 2>/dev/null; then
	echo "1..0 # SKIP ip netns is not available (or no namespace may be made here)"
	exit 0
fi

USERS=100
CLAIM_TIMEOUT=5
CLUSTER=$FTX_SRCDIR/contrib/ftx-cluster
export CLUSTER_DIR=$FTX_BUILDDIR/var/tests/t_cluster.$$
export CLUSTER_TAG=t$$
cluster() {
	"$CLUSTER" "$@"
}
cluster_down() {
	if [ "${FTX_KEEP_STACK:-0}" = 1 ]; then
		diag "cluster left running: CLUSTER_DIR=$CLUSTER_DIR $CLUSTER down --purge"
	elif [ "$_ftx_failed" -gt 0 ]; then
		cluster down
		diag "a test failed: cluster stopped, kept in $CLUSTER_DIR"
	else
		cluster down --purge
	fi
}
at_exit cluster_down

out=$(CLUSTER_CLAIM_TIMEOUT=$CLAIM_TIMEOUT CLUSTER_POLL_INTERVAL=1 \
    CLUSTER_MAX_ATTEMPTS=20 CLUSTER_RETRY_DELAY=1 CLUSTER_WORKERS=2 \
    cluster up 3 2>"$_ftx_state/up.err")
rc=$?
if [ "$rc" != 0 ]; then
	sed 's/^/#   /' "$_ftx_state/up.err"
	bail "ftx-cluster up 3 failed (exit $rc)"
fi
while IFS= read -r l; do
	case $l in
	CLUSTER_[A-Z_]*=* | FTX_[A-Z_]*=*) export "${l?}" ;;
	esac
done <<EOF
$out
EOF
diag "PgBouncer: $CLUSTER_PGBOUNCER, standby: $CLUSTER_REPLICA"
read -r U1 U2 U3 <<EOF
$CLUSTER_URLS
EOF
URLS="$U1 $U2 $U3"
LOAD=${CLUSTER_NS}load
W=$CLUSTER_DIR/t
mkdir -p "$W"
P=/v1/payments/funding-transfers/export

ok "cluster status: everything runs" cluster status
NET=$(printf '%s\n' "$U1" | sed 's|^http://\([0-9.]*\)\.[0-9]*:.*|\1|')
is "no address of the island on the machine itself" \
    "$(ip -br addr | grep -cF " $NET.")" 0
is "no route to the island on the machine itself" \
    "$(ip route | grep -cF "$NET.")" 0
for u in $URLS; do
	is "health through $u, from the load host" \
	    "$(ip netns exec "$LOAD" curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$u/v1/health")" 200
done

# Three tenants, 100 users, each with a key (on the database host).
for t in ca cb cc; do
	admin demo-data --tenant "$t" --suppliers 3 --transfers 5000 --seed 7 \
	    >/dev/null || bail "demo-data $t"
done
# shellcheck disable=SC2016
seq 1 "$USERS" | xargs -P 4 -I{} sh -c '
	t=c$(echo abc | cut -c $(({} % 3 + 1)))
	u=$("$1" -c "$2" user add --tenant "$t" --email "u{}@$t.example" --role OPERATOR) &&
	k=$("$1" -c "$2" key create "$u") && echo "$k"' sh "$FTX_ADMIN" "$FTX_CONFIG" \
    >"$W/keys" 2>"$W/keys.err"
is "$USERS users with keys in three tenants" "$(sort -u "$W/keys" | grep -c .)" "$USERS"

# post URL...: one export per key, the keys dealt to the URLs in turn, at
# most 8 requests at once, from the load host; "ID HOSTURL" lines out.
post() {
	awk -v urls="$*" 'BEGIN { n = split(urls, u, " ") }
	    { print $1, u[(NR - 1) % n + 1] }' "$W/keys" |
	    ip netns exec "$LOAD" xargs -P 8 -L 1 sh -c '
		id=$(curl -s --max-time 30 -X POST -H "dj-client: OPERATOR" \
		    -H "dj-api-key: $0" -H "Content-Type: application/json" \
		    --data-binary "{\"filters\": {}}" "$1'"$P"'" |
		    grep -o "\"exportId\": *\"[^\"]*\"" | cut -d "\"" -f 4)
		[ -n "$id" ] && echo "$id $1"'
}
# none_pending FILE: no export of the ids in FILE is PENDING any more.
none_pending() {
	[ "$(psql_q "SELECT count(*) FROM exports WHERE status = 'PENDING'
	    AND id = ANY('{$(cut -d ' ' -f 1 "$1" | paste -sd,)}')")" = 0 ]
}
# made_by_one FILE: "ID HOST" for every export of FILE whose READY line is
# in exactly one host's log, and that host is the one its claim names.
ready_lines() {
	for h in $(seq 1 3); do
		grep -oE 'export [^ ]+: READY' "$CLUSTER_DIR/log/app$h/ftx-exportd.log" |
		    awk -v h="app$h" '{ sub(":$", "", $2); print $2, h }'
	done
}
per_host() {
	psql_q "SELECT split_part(claimed_by, ':', 1), count(*) FROM exports
	    WHERE id = ANY('{$(cut -d ' ' -f 1 "$1" | paste -sd,)}')
	    GROUP BY 1 ORDER BY 1" | tr '\n|' ' :'
}
# download_everywhere ID URL...: the file of ID, through each URL, has the
# sha256 the API gives; prints the URLs that failed.
download_everywhere() {
	_id=$1
	shift
	_sha=$(psql_q "SELECT sha256 FROM exports WHERE id = '$_id'")
	_link=$(grep -l "^Subject: Funding transfers export $_id is ready" \
	    "$FTX_MAILDIR"/new/* | head -n 1 | xargs cat | tr -d '\r' |
	    grep -o 'http://[^ ]*/download?[^ ]*' | head -n 1)
	for _u in "$@"; do
		_got=$(ip netns exec "$LOAD" curl -s --max-time 10 "$_u/${_link#http://*/}" |
		    sha256sum | cut -d ' ' -f 1)
		[ -n "$_link" ] && [ "$_got" = "$_sha" ] || echo "$_u"
	done
}

# ---------------------------------------------------------------- round 1
post $URLS >"$W/ids.1"
is "round 1: $USERS exports posted" "$(cut -d ' ' -f 1 "$W/ids.1" | sort -u | grep -c .)" "$USERS"
is "round 1: posted through the three hosts" \
    "$(cut -d ' ' -f 2 "$W/ids.1" | sort | uniq -c | awk '{ print $1 }' | paste -sd ' ')" \
    "34 33 33"
ok "round 1: none PENDING any more" wait_for 120 none_pending "$W/ids.1"
diag "round 1 made by: $(per_host "$W/ids.1")"
ok "round 1: exports were made on more than one host" \
    test "$(per_host "$W/ids.1" | wc -w)" -ge 2
bad=""
for id in $(cut -d ' ' -f 1 "$W/ids.1" | shuf -n 6); do
	f=$(download_everywhere "$id" $URLS)
	[ -z "$f" ] || bad="$bad $id($f)"
done
is "round 1: six files download through every host, same sha256" "$bad" ""

# ---------------------------------------------------------------- round 2
# The killer: once app2 holds claims, every process of its namespace is
# stopped (SIGSTOP: nothing it does can commit any more); when it still
# holds claims then, they all get SIGKILL, else they go on.
app2_claims() {
	psql_q "SELECT id FROM exports WHERE status = 'PENDING'
	    AND claim_token IS NOT NULL AND claimed_by LIKE 'app2:%'"
}
APP2_IP=$(printf '%s\n' "$U2" | sed 's|^http://||; s|:.*||')
app2_gone_from_db() {
	[ "$(psql_q "SELECT count(*) FROM pg_stat_activity
	    WHERE host(client_addr) = '$APP2_IP'")" = 0 ]
}
app2_pids() {
	ip netns pids "${CLUSTER_NS}app2"
}
killer() {
	_i=0
	while [ "$_i" -lt 600 ] && [ ! -e "$W/stop" ]; do
		_i=$((_i + 1))
		if [ -n "$(app2_claims)" ]; then
			app2_pids | xargs -r kill -STOP
			app2_claims >"$W/stopped"
			if [ -s "$W/stopped" ]; then
				app2_pids | xargs -r kill -KILL
				date +%s >"$W/killed_at"
				return 0
			fi
			app2_pids | xargs -r kill -CONT
		fi
		sleep 0.05
	done
}
killer &
killer_pid=$!
at_exit "kill $killer_pid 2>/dev/null"
# To the two hosts that live: a POST to the dying one would get no answer.
post "$U1" "$U3" >"$W/ids.2"
wait "$killer_pid"
is "round 2: $USERS exports posted" "$(cut -d ' ' -f 1 "$W/ids.2" | sort -u | grep -c .)" "$USERS"
ok "round 2: app2 was stopped and killed while it held claims" test -s "$W/killed_at"
ok "round 2: nothing runs in app2's namespace" \
    wait_for 10 sh -c "[ -z \"\$(ip netns pids ${CLUSTER_NS}app2)\" ]"
ok "round 2: app2 has no session left on the database" wait_for 10 app2_gone_from_db
ok "round 2: none PENDING any more (claims expire after $CLAIM_TIMEOUT s)" \
    wait_for $((CLAIM_TIMEOUT * 4 + 60)) none_pending "$W/ids.2"
# What it held when stopped, but for a COMMIT already on its way then
# (finished by app2 itself).
psql_q "SELECT id FROM exports WHERE claimed_by NOT LIKE 'app2:%'
    AND id = ANY('{$(paste -sd, "$W/stopped")}')" >"$W/claimed"
nclaimed=$(grep -c . "$W/claimed")
diag "round 2: app2 held $(grep -c . "$W/stopped") claims when stopped; $nclaimed not finished by itself"
ok "round 2: app2 died with claims" test "$nclaimed" -ge 1
taken=$(psql_q "SELECT count(*) FROM exports WHERE status = 'READY'
    AND claimed_by NOT LIKE 'app2:%' AND attempts > 1
    AND id = ANY('{$(paste -sd, "$W/claimed")}')")
is "round 2: the $nclaimed exports app2 held are READY, made by app1 or app3" \
    "$taken" "$nclaimed"
takeover=$(psql_q "SELECT max(extract(epoch FROM completed_at))::bigint FROM exports
    WHERE id = ANY('{$(paste -sd, "$W/claimed")}')")
diag "round 2: $nclaimed claims of app2 taken over, the last READY $((takeover - $(cat "$W/killed_at"))) s after the kill (claim_timeout $CLAIM_TIMEOUT s)"
diag "round 2 made by: $(per_host "$W/ids.2")"
ok "app2 comes back" cluster restart app2
bad=""
for id in $(cat "$W/claimed") $(cut -d ' ' -f 1 "$W/ids.2" | shuf -n 3); do
	f=$(download_everywhere "$id" $URLS)
	[ -z "$f" ] || bad="$bad $id($f)"
done
is "round 2: the exports taken over (and three others) download through every host" "$bad" ""

# ---------------------------------------------------------------- round 3
pg() {
	ip netns exec "${CLUSTER_NS}db" runuser -u ftxstack -- \
	    /usr/lib/postgresql/15/bin/pg_ctl -D "$CLUSTER_PGDATA" -w -t 60 "$@" \
	    >>"$W/pg_ctl.log" 2>&1 </dev/null
}
ok "the primary stops (fast)" pg stop -m fast
ok "health is 503 on app1 while it is down" wait_for 20 sh -c \
    "[ \"\$(ip netns exec $LOAD curl -s -o /dev/null -w '%{http_code}' --max-time 5 $U1/v1/health)\" = 503 ]"
ok "the primary starts again" pg start -l "$CLUSTER_DIR/log/db/postgresql.log"
healthy() {
	for u in $URLS; do
		[ "$(ip netns exec "$LOAD" curl -s -o /dev/null -w '%{http_code}' \
		    --max-time 5 "$u/v1/health")" = 200 ] || return 1
	done
}
ok "every host's health is 200 again, by itself" wait_for 60 healthy
post $URLS >"$W/ids.3"
is "round 3: $USERS exports posted" "$(cut -d ' ' -f 1 "$W/ids.3" | sort -u | grep -c .)" "$USERS"
ok "round 3: none PENDING any more" wait_for 120 none_pending "$W/ids.3"
diag "round 3 made by: $(per_host "$W/ids.3")"
ok "round 3: every host made exports after the restart" \
    test "$(per_host "$W/ids.3" | wc -w)" -eq 3

# ---------------------------------------------------------------- all
cat "$W/ids.1" "$W/ids.2" "$W/ids.3" | cut -d ' ' -f 1 >"$W/ids"
total=$((USERS * 3))
IDS="'{$(paste -sd, "$W/ids")}'"
is "every export READY" "$(psql_q "SELECT status || ' ' || count(*) FROM exports
    WHERE id = ANY($IDS) GROUP BY status")" "READY $total"
ready_lines | grep -Ff "$W/ids" | LC_ALL=C sort >"$W/ready"
is "the logs: no export READY twice" "$(cut -d ' ' -f 1 "$W/ready" | uniq -d)" ""
psql_q "SELECT id || ' ' || split_part(claimed_by, ':', 1) FROM exports
    WHERE id = ANY($IDS)" | LC_ALL=C sort >"$W/claims"
# A host killed between its COMMIT and its log line logs no READY: only
# an export app2 held may lack one.
is "the logs: each READY line is on the host its claim names" \
    "$(LC_ALL=C join "$W/ready" "$W/claims" | awk '$2 != $3')" ""
nolog=$(cut -d ' ' -f 1 "$W/claims" | grep -vxFf <(cut -d ' ' -f 1 "$W/ready"))
diag "READY without a log line (app2 killed between COMMIT and log): $(printf '%s\n' "$nolog" | grep -c .)"
is "the logs: an export without a READY line was made by app2, of round 2" \
    "$(printf '%s\n' "$nolog" | grep . | grep -vxFf <(awk '$2 == "app2" { print $1 }' "$W/claims") |
    cat - <(printf '%s\n' "$nolog" | grep . | grep -vxFf <(cut -d ' ' -f 1 "$W/ids.2")))" ""
files=$(find "$CLUSTER_EXPORT_DIR" -type f -name '*.csv' -printf '%f\n' |
    sed 's/\.csv$//' | grep -xFf "$W/ids")
is "one file each, in the shared directory" \
    "$(printf '%s\n' "$files" | sort -u | grep -c .) $(printf '%s\n' "$files" | grep -c .)" \
    "$total $total"
is "no temporary file left" "$(find "$CLUSTER_EXPORT_DIR" -name '*.tmp' | wc -l)" 0
is "nothing written under the mount point on the machine itself" \
    "$(find "$CLUSTER_DIR/exports" -mindepth 1 | wc -l)" 0

mails() {
	export_mails "$W/ids"
}
all_mailed() {
	[ "$(mails | grep -c .)" -eq "$total" ]
}
ok "every export's message arrived" wait_for 30 all_mailed
counts=$(mails)
is "no export without its message" "$(printf '%s\n' "$counts" | grep -c .)" "$total"
doubled=$(printf '%s\n' "$counts" | awk '$1 > 1 { print $2 }')
diag "mailed twice: $(printf '%s\n' "$doubled" | grep -c .) (the window of §8)"
is "mailed twice only if app2 held it when killed" \
    "$(printf '%s\n' "$doubled" | grep . | grep -vxFf "$W/claimed")" ""
is "none mailed more than twice" "$(printf '%s\n' "$counts" | awk '$1 > 2' | grep -c .)" 0
n500=0
for h in 1 2 3; do
	n=$(grep -Ec 'request [0-9a-f]+ [A-Z]+ [^ ]+ 500 ' "$CLUSTER_DIR/log/app$h/ftx-fcgi.log")
	n500=$((n500 + n))
done
is "no request answered 500 on any host" "$n500" 0
if [ "$CLUSTER_REPLICA" = on ]; then
	nrep=$(cat "$CLUSTER_DIR"/log/app*/ftx-exportd.log |
	    grep -E 'export [^ ]+: reading from the replica' | grep -cFf "$W/ids")
	nprim=$(cat "$CLUSTER_DIR"/log/app*/ftx-exportd.log |
	    grep -E 'export [^ ]+: .*reading from the primary' | grep -cFf "$W/ids")
	diag "standby: $nrep reads from the standby, $nprim from the primary"
	ok "most exports were read from the standby" test "$nrep" -ge $((total / 2))
else
	skip "exports read from the standby" "no [exportd] replica_conninfo in this ftx"
fi
done_testing
