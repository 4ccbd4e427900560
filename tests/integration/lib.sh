# shellcheck shell=sh
#
# lib.sh - the library of the integration tests: TAP output and the dev stack.
#
# A test is an executable script speaking TAP (run by "make check" through the
# Automake TAP driver, or by hand).  It starts like this:
#
#	#!/bin/sh
#	: "${FTX_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
#	. "$FTX_SRCDIR/tests/integration/lib.sh"
#	stack_up
#	is "health" "$(http_code GET "$FTX_URL/v1/health")" 200
#	done_testing
#
# "make check" exports FTX_SRCDIR and FTX_BUILDDIR.  Run by hand, both default
# to the source tree holding the script, and FTX_BUILDDIR to $FTX_SRCDIR/var/build
# (built by contrib/ftx-stack up when the programs are missing).
#
# The library is POSIX sh and never uses "set -e": a test goes on after a
# failure.  Do not call ok/nok/is/like inside $(...) or a pipeline (the test
# counter lives in the shell), and do not set an EXIT trap: use at_exit.
#
# TAP
#   ok DESC CMD...        runs CMD (output to a per-test log, shown as "# "
#                         lines on failure); passes when it succeeds.  Returns
#                         CMD's success, so "ok ... || bail ..." works.
#   nok DESC CMD...       the same, passes when CMD fails
#   is DESC GOT EXPECTED  string equality
#   isnt DESC GOT UNEXPECTED
#   like DESC GOT EREGEX  grep -E on GOT (any line of it may match)
#   unlike DESC GOT EREGEX
#   pass DESC / fail DESC / skip DESC REASON
#   diag MSG...           "# MSG" on stdout, one line per line of MSG
#   done_testing          prints the plan 1..N and exits 0
#   bail MSG              "Bail out! MSG" and exits 1
#   at_exit CMD           a shell command run at exit, before stacks stop
#
# Stack (contrib/ftx-stack)
#   free_port             a free TCP port on 127.0.0.1, never twice per run
#                         (reserved under $FTX_BUILDDIR/var/tests/.ports so that
#                         tests running in parallel do not share one either)
#   stack_up [VAR=VALUE...]  starts a stack in $FTX_BUILDDIR/var/tests/<test>.<pid>
#                         (a second call in the same script adds -2, -3...)
#                         on free ports; VAR=VALUE settings (FTX_WEB_SERVER=apache,
#                         FTX_SENDFILE=off, ...) apply to that stack only
#                         (FTX_PGBOUNCER=on, from the environment too, gets
#                         a free FTX_PGBOUNCER_PORT like the others).  It
#                         exports the six lines of "ftx-stack up" (FTX_URL,
#                         FTX_DSN, FTX_CONFIG, FTX_MAILDIR, FTX_ADMIN,
#                         FTX_STACK_DIR) and FTX_HTTP_PORT, FTX_PG_PORT,
#                         FTX_SMTP_PORT: the current stack.  Bails out, with
#                         the logs, when the stack does not come up.  At exit,
#                         every stack started is stopped and deleted; it is
#                         stopped but kept when a test failed (its path is
#                         printed), and left running when FTX_KEEP_STACK=1.
#   stack_env DIR         makes the stack in DIR the current one again (with
#                         two stacks: remember $FTX_STACK_DIR after each
#                         stack_up, then switch with stack_env).
#   stack_down            stops and deletes the current stack
#   ftx_stack ARGS...     contrib/ftx-stack ARGS on the current stack
#                         (e.g. "ftx_stack status", "ftx_stack up")
#   admin ARGS...         $FTX_ADMIN -c $FTX_CONFIG ARGS
#   http_code METHOD URL [curl args...]  prints the HTTP status (000: no answer)
#   http_body METHOD URL [curl args...]  prints the response body
#   psql_q SQL            runs SQL on the current stack's database, prints
#                         the rows unaligned (-XAtq), fails on an SQL error
#   wait_for SECONDS CMD...  retries CMD every 0.1 s until it succeeds;
#                         returns 1 after SECONDS (decimals allowed)
#   fcgi_master_pid       the pid of the current stack's ftx-fcgi master
#   pg_stop [fast|immediate|kill]  stops the stack's PostgreSQL (waits)
#   pg_start              starts what is missing again (ftx-stack up)
#   mail_count            the number of messages in $FTX_MAILDIR/new

: "${FTX_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${FTX_BUILDDIR:=$FTX_SRCDIR/var/build}"
export FTX_SRCDIR FTX_BUILDDIR

_ftx_n=0
_ftx_failed=0
_ftx_nstack=0
_ftx_name=$(basename "$0" .sh)
_ftx_testdir=$FTX_BUILDDIR/var/tests
_ftx_state=$_ftx_testdir/$_ftx_name.$$.out
_ftx_portdir=$_ftx_testdir/.ports
_ftx_atexit=
mkdir -p "$_ftx_state" "$_ftx_portdir" || {
	echo "Bail out! cannot create $_ftx_state"
	exit 1
}
: >"$_ftx_state/stacks"
: >"$_ftx_state/ports"

# ------------------------------------------------------------------ TAP

diag() {
	for _ftx_m in "$@"; do
		printf '%s\n' "$_ftx_m"
	done | sed 's/^/# /'
}

bail() {
	_ftx_failed=$((_ftx_failed + 1))
	printf 'Bail out! %s\n' "$*"
	exit 1
}

done_testing() {
	echo "1..$_ftx_n"
	exit 0
}

at_exit() {
	_ftx_atexit="$_ftx_atexit
$*"
}

# _ftx_result PASSED DESC [DIRECTIVE]
_ftx_result() {
	_ftx_n=$((_ftx_n + 1))
	if [ "$1" = 1 ]; then
		printf 'ok %d - %s%s\n' "$_ftx_n" "$2" "${3:+ # $3}"
	else
		_ftx_failed=$((_ftx_failed + 1))
		printf 'not ok %d - %s\n' "$_ftx_n" "$2"
	fi
}

pass() {
	_ftx_result 1 "$1"
}

fail() {
	_ftx_result 0 "$1"
}

skip() {
	_ftx_result 1 "$1" "SKIP ${2:-}"
}

# _ftx_run EXPECT DESC CMD...: EXPECT 0 = CMD must succeed, 1 = must fail.
_ftx_run() {
	_ftx_expect=$1
	_ftx_desc=$2
	shift 2
	_ftx_log=$_ftx_state/$((_ftx_n + 1)).log
	"$@" >"$_ftx_log" 2>&1
	_ftx_rc=$?
	if { [ "$_ftx_expect" = 0 ] && [ "$_ftx_rc" = 0 ]; } ||
	    { [ "$_ftx_expect" = 1 ] && [ "$_ftx_rc" != 0 ]; }; then
		_ftx_result 1 "$_ftx_desc"
		return 0
	fi
	_ftx_result 0 "$_ftx_desc"
	diag "  command: $* (exit $_ftx_rc; output in $_ftx_log)"
	if [ -s "$_ftx_log" ]; then
		tail -n 40 "$_ftx_log" | sed 's/^/#   /'
	fi
	return 1
}

ok() {
	_ftx_run 0 "$@"
}

nok() {
	_ftx_run 1 "$@"
}

is() {
	if [ "$2" = "$3" ]; then
		_ftx_result 1 "$1"
		return 0
	fi
	_ftx_result 0 "$1"
	diag "       got: '$2'" "  expected: '$3'"
	return 1
}

isnt() {
	if [ "$2" != "$3" ]; then
		_ftx_result 1 "$1"
		return 0
	fi
	_ftx_result 0 "$1"
	diag "       got: '$2'" "  expected anything else"
	return 1
}

like() {
	if printf '%s\n' "$2" | grep -Eq -e "$3"; then
		_ftx_result 1 "$1"
		return 0
	fi
	_ftx_result 0 "$1"
	diag "       got: '$2'" "  expected to match: $3"
	return 1
}

unlike() {
	if ! printf '%s\n' "$2" | grep -Eq -e "$3"; then
		_ftx_result 1 "$1"
		return 0
	fi
	_ftx_result 0 "$1"
	diag "       got: '$2'" "  expected not to match: $3"
	return 1
}

# ------------------------------------------------------------------ helpers

wait_for() {
	_ftx_tries=$(awk -v s="$1" 'BEGIN { n = int(s * 10 + 0.5); print (n < 1 ? 1 : n) }')
	_ftx_deadline=$(($(date +%s) + ${1%.*} + 1))
	shift
	while :; do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		_ftx_tries=$((_ftx_tries - 1))
		if [ "$_ftx_tries" -le 0 ] || [ "$(date +%s)" -gt "$_ftx_deadline" ]; then
			return 1
		fi
		sleep 0.1
	done
}

# A random port below the kernel's ephemeral range (so that no outgoing
# connection takes it meanwhile), checked free by binding it.
_ftx_kernel_port() {
	/usr/bin/python3 -c '
import random, socket
try:
    lo = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except (OSError, ValueError):
    lo = 32768
for i in range(500):
    want = random.randrange(10000, lo) if lo > 11000 and i < 499 else 0
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", want))
        print(s.getsockname()[1])
        break
    except OSError:
        pass
    finally:
        s.close()
'
}

free_port() {
	_ftx_i=0
	while [ "$_ftx_i" -lt 100 ]; do
		_ftx_i=$((_ftx_i + 1))
		_ftx_p=$(_ftx_kernel_port)
		[ -n "$_ftx_p" ] || continue
		if mkdir "$_ftx_portdir/$_ftx_p" 2>/dev/null; then
			echo "$$" >"$_ftx_portdir/$_ftx_p/pid"
			echo "$_ftx_p" >>"$_ftx_state/ports"
			echo "$_ftx_p"
			return 0
		fi
		# A reservation left by a test that died is taken over.
		_ftx_owner=$(cat "$_ftx_portdir/$_ftx_p/pid" 2>/dev/null)
		if [ -n "$_ftx_owner" ] && ! kill -0 "$_ftx_owner" 2>/dev/null; then
			rm -rf "${_ftx_portdir:?}/$_ftx_p"
		fi
	done
	echo "free_port: no free port found" >&2
	return 1
}

# _ftx_load TEXT: exports every FTX_NAME=VALUE line of TEXT.
_ftx_load() {
	while IFS= read -r _ftx_l; do
		# shellcheck disable=SC2163
		case $_ftx_l in
		FTX_[A-Z]*=*) export "$_ftx_l" ;;
		esac
	done <<EOF
$1
EOF
	# The ports, from the URL, the DSN and the config.
	FTX_HTTP_PORT=${FTX_URL##*:}
	FTX_PG_PORT=$(printf '%s\n' "$FTX_DSN" | sed -n 's/.*port=\([0-9]*\).*/\1/p')
	FTX_SMTP_PORT=$(sed -n 's/^smtp_url = .*:\([0-9]*\)$/\1/p' "$FTX_CONFIG" 2>/dev/null)
	export FTX_HTTP_PORT FTX_PG_PORT FTX_SMTP_PORT
}

ftx_stack() {
	FTX_STACK_DIR=$FTX_STACK_DIR "$FTX_SRCDIR/contrib/ftx-stack" "$@"
}

# _ftx_stack_logs DIR: the tails of a stack's logs, as diagnostics.
_ftx_stack_logs() {
	for _ftx_f in "$1"/log/*.log; do
		[ -s "$_ftx_f" ] || continue
		diag "--- $_ftx_f"
		tail -n 15 "$_ftx_f" | sed 's/^/#   /'
	done
}

stack_up() {
	_ftx_nstack=$((_ftx_nstack + 1))
	_ftx_dir=$_ftx_testdir/$_ftx_name.$$
	if [ "$_ftx_nstack" -gt 1 ]; then
		_ftx_dir=$_ftx_dir-$_ftx_nstack
	fi
	for _ftx_a in "$@"; do
		case $_ftx_a in
		FTX_STACK_DIR=*) _ftx_dir=${_ftx_a#*=} ;;
		[A-Za-z_]*=*) ;;
		*) bail "stack_up: not VAR=VALUE: $_ftx_a" ;;
		esac
	done
	if ! _ftx_hp=$(free_port) || ! _ftx_pp=$(free_port) ||
	    ! _ftx_sp=$(free_port) || ! _ftx_bp=$(free_port); then
		bail "stack_up: no free port"
	fi
	echo "$_ftx_dir" >>"$_ftx_state/stacks"
	_ftx_out=$(env FTX_STACK_DIR="$_ftx_dir" FTX_BUILDDIR="$FTX_BUILDDIR" \
	    FTX_HTTP_PORT="$_ftx_hp" FTX_PG_PORT="$_ftx_pp" \
	    FTX_SMTP_PORT="$_ftx_sp" FTX_PGBOUNCER_PORT="$_ftx_bp" "$@" \
	    "$FTX_SRCDIR/contrib/ftx-stack" up 2>"$_ftx_state/stack_up.err")
	_ftx_rc=$?
	if [ "$_ftx_rc" != 0 ]; then
		diag "ftx-stack up failed (exit $_ftx_rc):"
		sed 's/^/#   /' "$_ftx_state/stack_up.err"
		_ftx_stack_logs "$_ftx_dir"
		bail "stack_up: the stack in $_ftx_dir did not come up"
	fi
	_ftx_load "$_ftx_out"
}

stack_env() {
	_ftx_out=$(FTX_STACK_DIR=$1 "$FTX_SRCDIR/contrib/ftx-stack" env) ||
	    bail "stack_env: no stack in $1"
	_ftx_load "$_ftx_out"
}

stack_down() {
	ftx_stack down --purge
}

admin() {
	"$FTX_ADMIN" -c "$FTX_CONFIG" "$@"
}

http_code() {
	_ftx_m=$1
	_ftx_u=$2
	shift 2
	if [ "$_ftx_m" = HEAD ]; then
		set -- --head "$@"
	else
		set -- -X "$_ftx_m" "$@"
	fi
	curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@" "$_ftx_u"
	return 0
}

http_body() {
	_ftx_m=$1
	_ftx_u=$2
	shift 2
	if [ "$_ftx_m" = HEAD ]; then
		set -- --head "$@"
	else
		set -- -X "$_ftx_m" "$@"
	fi
	curl -s --max-time 10 "$@" "$_ftx_u"
}

psql_q() {
	psql "$FTX_DSN" -XAtq -v ON_ERROR_STOP=1 -c "$1"
}

fcgi_master_pid() {
	_ftx_p=
	if [ -s "$FTX_STACK_DIR/pid/ftx-fcgi.pid" ]; then
		read -r _ftx_p <"$FTX_STACK_DIR/pid/ftx-fcgi.pid"
	fi
	if [ -z "$_ftx_p" ] && [ -s "$FTX_STACK_DIR/pid/ftx-fcgi.spawn" ]; then
		read -r _ftx_p <"$FTX_STACK_DIR/pid/ftx-fcgi.spawn"
	fi
	[ -n "$_ftx_p" ] || return 1
	echo "$_ftx_p"
}

_ftx_pg_pid() {
	head -n 1 "$FTX_STACK_DIR/pgdata/postmaster.pid" 2>/dev/null
}

pg_stop() {
	_ftx_p=$(_ftx_pg_pid)
	[ -n "$_ftx_p" ] || return 0
	case ${1:-fast} in
	fast) kill -INT "$_ftx_p" ;;
	immediate) kill -QUIT "$_ftx_p" ;;
	kill) kill -KILL "$_ftx_p" ;;
	*) echo "pg_stop: fast, immediate or kill" >&2; return 2 ;;
	esac
	# Gone, or a zombie waiting for init.
	# shellcheck disable=SC2016
	wait_for 60 sh -c 'case $(sed "s/^.*) //" /proc/$1/stat 2>/dev/null) in
	    Z* | "") exit 0 ;; esac; exit 1' sh "$_ftx_p"
}

pg_start() {
	ftx_stack up >/dev/null
}

mail_count() {
	find "$FTX_MAILDIR/new" -type f | wc -l | tr -d ' '
}

# ------------------------------------------------------------------ exit

_ftx_cleanup() {
	_ftx_rc=$?
	if [ -n "$_ftx_atexit" ]; then
		eval "$_ftx_atexit"
	fi
	while IFS= read -r _ftx_d; do
		[ -d "$_ftx_d" ] || continue
		if [ "${FTX_KEEP_STACK:-0}" = 1 ]; then
			diag "stack left running in $_ftx_d; stop it with:" \
			    "  FTX_STACK_DIR=$_ftx_d $FTX_SRCDIR/contrib/ftx-stack down --purge"
		elif [ "$_ftx_failed" -gt 0 ] || [ "$_ftx_rc" != 0 ]; then
			FTX_STACK_DIR=$_ftx_d "$FTX_SRCDIR/contrib/ftx-stack" down
			diag "a test failed: stack stopped and kept in $_ftx_d"
		else
			FTX_STACK_DIR=$_ftx_d "$FTX_SRCDIR/contrib/ftx-stack" down --purge
		fi
	done <"$_ftx_state/stacks"
	while IFS= read -r _ftx_p; do
		rm -rf "${_ftx_portdir:?}/$_ftx_p"
	done <"$_ftx_state/ports"
	if [ "$_ftx_failed" -gt 0 ] || [ "$_ftx_rc" != 0 ]; then
		diag "test logs kept in $_ftx_state"
	else
		rm -rf "$_ftx_state"
	fi
}

trap _ftx_cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- HTTP helpers
# req METHOD URL [curl args...]: one request; sets CODE (the status), BODY
# and HDRS (the response headers, CR removed).  HEAD is sent as --head.
req() {
	_ftx_m=$1 _ftx_u=$2
	shift 2
	if [ "$_ftx_m" = HEAD ]; then set -- --head "$@"; else set -- -X "$_ftx_m" "$@"; fi
	CODE=$(curl -s -o "$FTX_STACK_DIR/req.out" -D "$FTX_STACK_DIR/req.hdr" \
	    -w '%{http_code}' --max-time 20 "$@" "$_ftx_u")
	BODY=$(cat "$FTX_STACK_DIR/req.out")
	HDRS=$(tr -d '\r' <"$FTX_STACK_DIR/req.hdr")
}

# jv EXPR: EXPR (python, d = the parsed BODY) printed: as it is when a
# string, else as JSON with sorted keys: compact, or with Python's ", " and
# ": " when FTX_JV_SPACED=1 (the export suites write their expectations so).
jv() {
	printf '%s' "$BODY" | /usr/bin/python3 -c '
import json, os, sys
d = json.load(sys.stdin)
v = eval(sys.argv[1])
sep = None if os.environ.get("FTX_JV_SPACED") == "1" else (",", ":")
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True, separators=sep))' "$1" 2>&1
}

# errs: the "CODE:field" pairs of an error BODY, in order.
errs() {
	jv '" ".join("%s:%s" % (e["code"], e["field"]) for e in d["errors"])'
}

# stop_exportd: stops the current stack's ftx-exportd (tests that need
# exports to stay PENDING).
stop_exportd() {
	_ftx_p=$(cat "$FTX_STACK_DIR/pid/ftx-exportd.pid" 2>/dev/null)
	[ -n "$_ftx_p" ] || return 0
	kill -TERM "$_ftx_p" 2>/dev/null
	wait_for 10 sh -c "! kill -0 $_ftx_p" || bail "ftx-exportd $_ftx_p did not stop"
}

# walk_pages URL FIELD CLIENT KEY SIZE QUERY: FIELD of every item of every
# page of a list, one a line (see walk_pages.py); a message on failure.
walk_pages() {
	/usr/bin/python3 "$FTX_SRCDIR/tests/integration/walk_pages.py" "$@" 2>&1
}

# same DESC GOT EXPECTED: like "is", for lists: a failure shows a diff.
same() {
	if [ "$2" = "$3" ]; then
		pass "$1"
		return 0
	fi
	fail "$1"
	diag "expected $(echo "$3" | grep -c .) lines, got $(echo "$2" | grep -c .);" \
	    "got starts: $(echo "$2" | head -3)" \
	    "diff expected got: $(printf '%s\n' "$3" > "$FTX_STACK_DIR/same.exp"; printf '%s\n' "$2" | diff "$FTX_STACK_DIR/same.exp" - | head -8)"
	return 1
}

# export_tenant_dir TENANT: the name of TENANT's directory under export_dir
# (src/store.h): the first 32 bytes of the id with bytes outside
# [A-Za-z0-9_-] as '_', then '_' and the hex SHA-256 of the whole id.
export_tenant_dir() {
	printf '%s' "$1" | /usr/bin/python3 -c '
import hashlib, re, sys
t = sys.stdin.buffer.read()
print(re.sub(rb"[^A-Za-z0-9_-]", b"_", t[:32]).decode() + "_" + hashlib.sha256(t).hexdigest())'
}

# export_files IDS: "N M" for the exports listed in the file IDS (an id a
# line): N of them have a finished file under the stack's export_dir, in
# M files (one file each: N = M = the number of ids).
export_files() {
	_ftx_d=$(sed -n 's/^export_dir = "\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$FTX_CONFIG")
	_ftx_f=$(find "$_ftx_d" -type f -name '*.csv' -printf '%f\n' |
	    sed 's/\.csv$//' | grep -xFf "$1")
	echo "$(printf '%s\n' "$_ftx_f" | sort -u | grep -c .) $(printf '%s\n' "$_ftx_f" | grep -c .)"
}

# export_mails IDS: "COUNT ID" for every export of the file IDS that got
# an e-mail in $FTX_MAILDIR (its subject names the export).
export_mails() {
	grep -h '^Subject: Funding transfers export ' "$FTX_MAILDIR"/new/* 2>/dev/null |
	    tr -d '\r' | awk '{ print $5 }' | grep -xFf "$1" | sort | uniq -c |
	    awk '{ print $1, $2 }'
}

# apache_base_conf ROOT PORT PIDFILE [MODULE...]: the head of a minimal
# Apache configuration for the shipped snippets (tests that run them by
# hand): ServerRoot ROOT on 127.0.0.1:PORT, the modules the snippets need
# (the back office's mod_alias, mod_mime and mod_headers among them) and
# each MODULE (e.g. fcgid).
apache_base_conf() {
	printf 'ServerRoot "%s"\nServerName 127.0.0.1\nListen 127.0.0.1:%s\n' \
	    "$1" "$2"
	printf 'PidFile "%s"\nDefaultRuntimeDir "%s"\n' "$3" "$1"
	shift 3
	for _ftx_mod in mpm_event authz_core proxy proxy_fcgi xsendfile env \
	    alias mime headers "$@"; do
		echo "LoadModule ${_ftx_mod}_module" \
		    "/usr/lib/apache2/modules/mod_$_ftx_mod.so"
	done
	echo "TypesConfig /dev/null"
}
