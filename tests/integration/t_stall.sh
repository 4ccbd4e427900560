#!/bin/bash
# t_stall.sh - stalled and slow clients (SPEC §16), the FastCGI socket's
# mode, and the daemons' refusal to run as root.
#
# Injected: with N responders, N+2 FastCGI connections that send
# BEGIN_REQUEST and half a PARAMS record, then trickle a byte every 0.5 s
# (a per-read timeout never fires); N+2 that send a whole request but
# trickle its body; through the web server, slow clients that send their
# headers byte by byte and POST bodies byte by byte.  Asserted: every
# stalled connection is dropped after [fcgi] request_timeout, and
# /v1/health through the web server answers 200 meanwhile (polled, with a
# generous bound); no responder dies.  Then: the socket is created 0660
# (owned by the daemons' account as root), ftx-fcgi and ftx-exportd as
# root without -u or "user =" refuse to start, with -u they run as that
# user and cannot get root back; the readiness pipe does not leak into
# the children; a reload that changes listen does not make ftx-fcgi
# unlink the new path instead of its own socket.
# Run with FTX_WEB_SERVER=apache for Apache (contrib/test does both).
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

N=2		# responders
T=3		# [fcgi] request_timeout, seconds
STALL=$FTX_SRCDIR/tests/integration/stall.py
PY=/usr/bin/python3
stack_up FTX_FCGI_CHILDREN=$N FTX_CONF_APPEND="[fcgi]
request_timeout = $T"
FCGI=$FTX_BUILDDIR/src/ftx-fcgi
EXPORTD=$FTX_BUILDDIR/src/ftx-exportd
LOG=$FTX_STACK_DIR/log/ftx-fcgi.log
SOCK=$(sed -n 's/^listen = //p' "$FTX_CONFIG" | tr -d '"')
W=$FTX_STACK_DIR/stall
mkdir -p "$W"
master=$(fcgi_master_pid)
children() { pgrep -P "$master" | sort; }
kids=$(children)

is "health before" "$(http_code GET "$FTX_URL/v1/health")" 200
# An operator's key: the stalled bodies are export POSTs the responder
# reads (an unauthenticated one is answered before its body).
admin demo-data --tenant stall --suppliers 1 --transfers 5 --seed 3 >/dev/null ||
    bail "demo-data"
uid=$(admin user add --tenant stall --email ops@stall.example --role OPERATOR) ||
    bail "user add"
FTX_STALL_KEY=$(admin key create "$uid") || bail "key create"
export FTX_STALL_KEY
like "the stack's pool has request_timeout = $T" "$(cat "$FTX_CONFIG")" \
    "^request_timeout = $T\$"

# health_within SECONDS: 200 from /v1/health through the web server before
# SECONDS pass; prints how long it took.
health_within() {
	_t0=$(date +%s.%N)
	wait_for "$1" sh -c "[ \$(curl -s -o /dev/null -w '%{http_code}' \
	    --max-time $1 '$FTX_URL/v1/health') = 200 ]" || return 1
	awk -v a="$_t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f\n", b - a }'
}

# stall KIND COUNT TARGET SECONDS: the hostile clients, in the background;
# their report goes to $W/KIND.out.  Waits until they are connected.
stall() {
	rm -f "$W/$1.out"
	"$PY" "$STALL" "$@" >"$W/$1.out" 2>&1 &
	STALL_PID=$!
	wait_for 10 grep -q '^ready' "$W/$1.out"
}
# report KIND WHAT: a line of their report (once they are done: wait for
# them first, in this shell).
report() {
	sed -n "s/^$2 //p" "$W/$1.out"
}

REQS=0		# requests that went through a fault
# Every responder held: the next request is served once request_timeout
# frees one (SPEC: within request_timeout + 1 s; the bound is generous).
ok "fcgi-params: $N stalled FastCGI connections" stall fcgi-params "$N" \
    "$SOCK" $((T * 3 + 10))
took=$(health_within $((T + 5)))
ok "every responder held: health answers 200 (${took:-no answer} s)" \
    test -n "$took"
wait "$STALL_PID"
is "every responder held: the stalled connections dropped" \
    "$(report fcgi-params closed)" "$N"
REQS=$((REQS + N + 1))
for kind in fcgi-params fcgi-stdin; do
	n=$((N + 2))
	ok "$kind: $n stalled FastCGI connections" stall "$kind" "$n" "$SOCK" \
	    $((T * 4 + 10))
	# The stalled ones hold both responders and two wait behind them:
	# two rounds of request_timeout, then the health check's turn.
	took=$(health_within $((T * 3 + 10)))
	ok "$kind: health answers 200 while they stall (${took:-no answer} s)" \
	    test -n "$took"
	REQS=$((REQS + n + 1))
	wait "$STALL_PID"
	is "$kind: every stalled connection dropped" "$(report "$kind" closed)" "$n"
	held=$(report "$kind" held)
	ok "$kind: none held much past request_timeout ($held s)" \
	    awk -v h="${held:-999}" "BEGIN { exit !(h <= $T * 2 + 5) }"
done
ok "the log says why" grep -q "no complete request within $T s\|request_timeout ($T s) passed" "$LOG"

# Slow HTTP clients through the web server.
HP=127.0.0.1:$FTX_HTTP_PORT
ok "http-head: 10 clients sending headers byte by byte" stall http-head 10 \
    "$HP" $((T * 3 + 10))
H1=$STALL_PID
mv "$W/http-head.out" "$W/http-head.1.out"
ok "http-body: $((N + 2)) POST bodies byte by byte" stall http-body \
    $((N + 2)) "$HP" $((T * 3 + 10))
took=$(health_within $((T * 3 + 10)))
ok "slow HTTP clients: health answers 200 meanwhile (${took:-no answer} s)" \
    test -n "$took"
REQS=$((REQS + 10 + N + 2 + 1))
wait "$H1" "$STALL_PID"
for i in 1 2 3 4 5; do
	is "after the slow clients: health $i" "$(http_code GET "$FTX_URL/v1/health")" 200
done
is "no responder died" "$(grep -c 'killed by signal\|exited with status' "$LOG")" 0
is "no export from a body that never came" \
    "$(psql_q "SELECT count(*) FROM exports")" 0
is "the same responders (none replaced)" "$(children)" "$kids"
diag "requests through stalled/slow clients: $REQS"

# ---- the socket

if [ "$(id -u)" = 0 ]; then
	is "socket mode 0660, owned by the daemons' account" \
	    "$(stat -c '%a %U' "$SOCK")" "660 ftxstack"
else
	is "socket mode 0660" "$(stat -c '%a' "$SOCK")" 660
fi

# ---- root

if [ "$(id -u)" != 0 ]; then
	skip "root refusal" "not root"
	done_testing
fi
U=ftxstack
grep -v '^user = ' "$FTX_CONFIG" >"$W/nouser.conf"
grep -q '^user = ' "$W/nouser.conf" && bail "nouser.conf still names a user"
for d in "$FCGI" "$EXPORTD"; do
	n=$(basename "$d")
	out=$("$d" -f -c "$W/nouser.conf" 2>&1)
	rc=$?
	isnt "$n as root without -u: exit status" "$rc" 0
	like "$n as root without -u: says why" "$out" \
	    "^$n: refusing to run as root: .*-u USER"
	out=$("$d" -f -c "$W/nouser.conf" -u root 2>&1)
	rc=$?
	isnt "$n -u root: exit status" "$rc" 0
	like "$n -u root: says why" "$out" "user root: refusing to run as root"
	out=$("$d" -f -c "$W/nouser.conf" -u no-such-user-ftx 2>&1)
	rc=$?
	isnt "$n -u with an unknown account: exit status" "$rc" 0
	like "$n -u with an unknown account: says why" "$out" "no-such-user-ftx: no such account"
	out=$(runuser -u "$U" -- "$d" -f -c "$W/nouser.conf" -u nobody 2>&1)
	rc=$?
	isnt "$n as $U -u nobody: exit status" "$rc" 0
	like "$n as $U -u nobody: says why" "$out" "cannot switch to user nobody: not running as root"
done

# With -u: a pool of its own on another socket, detached, as $U.
D=$FTX_STACK_DIR/run
chmod 0750 "$W"
chown "$U" "$W"
sed -e "s|^listen = .*|listen = $D/stall2.sock|" "$W/nouser.conf" >"$W/u.conf"
ok "ftx-fcgi -u $U starts (detached)" "$FCGI" -c "$W/u.conf" -u "$U" -p "$W/u.pid"
P=$(cat "$W/u.pid" 2>/dev/null)
is "it runs as $U" "$(ps -o user= -p "$P" 2>/dev/null)" "$U"
is "its uid, effective, saved and filesystem, all $U's" \
    "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$P/status" 2>/dev/null)" \
    "$(id -u "$U") $(id -u "$U") $(id -u "$U") $(id -u "$U")"
is "no supplementary group of root's" \
    "$(awk '/^Groups:/ { $1 = ""; print }' "/proc/$P/status" | tr ' ' '\n' | grep -cx 0)" 0
is "its socket: 0660, $U's" "$(stat -c '%a %U' "$D/stall2.sock")" "660 $U"
ok "it answers" wait_for 10 bash -c "REQUEST_METHOD=GET REQUEST_URI=/v1/health \
    cgi-fcgi -bind -connect '$D/stall2.sock' 2>/dev/null | grep -q 'Status: 200'"
# The readiness pipe belongs to the process that detached: the master
# closes it once ready, and no child may hold it on (it would keep the
# shell waiting, and sendmail inherited it).  Pipes the test's shell
# passed down are the master's too.
ok "its children are up" wait_for 10 test "$(pgrep -P "$P" | wc -l)" = "$N"
pipes() {
	for f in "/proc/$1/fd/"*; do
		readlink "$f"
	done 2>/dev/null | grep '^pipe:' | sort -u
}
leaked=
for c in $(pgrep -P "$P"); do
	leaked="$leaked$(pipes "$c" | comm -23 - <(pipes "$P"))"
done
is "no child holds a pipe the master does not (readiness pipe)" "$leaked" ""
# A reload that moves listen: the socket it bound is the one removed.
touch "$D/moved.sock"
sed -i "s|^listen = .*|listen = $D/moved.sock|" "$W/u.conf"
old=$(pgrep -P "$P" | sort)
kill -HUP "$P"
ok "reloaded: every child replaced" wait_for 20 bash -c \
    "[ -z \"\$(pgrep -P $P | sort | comm -12 - <(echo '$old'))\" ]"
kill -TERM "$P"
ok "it stops" wait_for 35 bash -c "! kill -0 $P 2>/dev/null"
ok "its socket removed" test ! -e "$D/stall2.sock"
ok "the new listen path left alone" test -f "$D/moved.sock"
ok "its pidfile removed (written as $U)" test ! -e "$W/u.pid"
# Started detached, a daemon that fails after detaching reports it.
nok "a daemon that cannot write its pidfile fails in the shell" \
    "$EXPORTD" -c "$W/nouser.conf" -u "$U" -p /nonexistent/dir/x.pid

done_testing
