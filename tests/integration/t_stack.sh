#!/bin/sh
# t_stack.sh - contrib/ftx-stack: up, status, env, down, down --purge, two
# stacks side by side, data kept across down/up, lighttpd and Apache.
# shellcheck disable=SC2016,SC2317
: "${FTX_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
# shellcheck source=tests/integration/lib.sh
. "$FTX_SRCDIR/tests/integration/lib.sh"

# status_rc: the exit status of "ftx-stack status" on the current stack.
status_rc() {
	ftx_stack status >/dev/null 2>&1
	echo $?
}

status_is() {
	test "$(status_rc)" = "$1"
}

# stack_pids: every process of the current stack: the pids "status" names,
# their process groups and their children (PostgreSQL's backends).
stack_pids() {
	_pids=$(ftx_stack status 2>/dev/null | sed -n 's/.* running (pid \([0-9]*\))$/\1/p')
	[ -n "$_pids" ] || return 0
	for _f in /proc/[0-9]*/stat; do
		_s=$(cat "$_f" 2>/dev/null) || continue
		_pid=${_s%% *}
		# shellcheck disable=SC2046
		set -- $(printf '%s\n' "$_s" | sed 's/^.*) //')
		[ "$1" = Z ] && continue
		for _p in $_pids; do
			if [ "$_pid" = "$_p" ] || [ "$2" = "$_p" ] || [ "$3" = "$_p" ]; then
				echo "$_pid"
				break
			fi
		done
	done
}

# none_alive PID...: none of the pids runs (zombies do not count).
none_alive() {
	for _p in "$@"; do
		case $(sed 's/^.*) //' "/proc/$_p/stat" 2>/dev/null) in
		Z* | '') ;;
		*) echo "pid $_p still runs: $(tr '\0' ' ' <"/proc/$_p/cmdline")"; return 1 ;;
		esac
	done
}

# passthrough LABEL: the web server hands ftx-fcgi the path, the method, the
# query string, the headers and the body.
passthrough() {
	_t=$1
	admin tenant add "pt$_ftx_nstack" "Passthrough" >/dev/null
	_uid=$(admin user add --tenant "pt$_ftx_nstack" --email "ops@pt.example" \
	    --role OPERATOR)
	_key=$(admin key create "$_uid")
	_api=$FTX_URL/v1/payments/funding-transfers
	like "$_t: the path arrives (404 for an unknown one)" \
	    "$(http_body GET "$FTX_URL/v1/no/such/path")" '"NOT_FOUND"'
	is "$_t: the method arrives (405)" \
	    "$(http_code DELETE "$FTX_URL/v1/health")" 405
	like "$_t: no key: 401 MISSING_API_KEY" \
	    "$(http_body GET "$_api" -H 'dj-client: OPERATOR')" '"MISSING_API_KEY"'
	like "$_t: the dj-api-key header arrives (INVALID_API_KEY)" \
	    "$(http_body GET "$_api" -H 'dj-client: OPERATOR' \
	    -H 'dj-api-key: ftx_nosuchkey1_0123456789abcdef0123456789abcdef')" \
	    '"INVALID_API_KEY"'
	is "$_t: a good key: 200" "$(http_code GET "$_api?size=1" \
	    -H 'dj-client: OPERATOR' -H "dj-api-key: $_key")" 200
	like "$_t: the query string arrives (size=0 is refused)" \
	    "$(http_body GET "$_api?size=0" -H 'dj-client: OPERATOR' \
	    -H "dj-api-key: $_key")" '"field": ?"size"'
	like "$_t: the body and its type arrive (amountMin -1 is refused)" \
	    "$(http_body POST "$_api/export" -H 'dj-client: OPERATOR' \
	    -H "dj-api-key: $_key" -H 'Content-Type: application/json' \
	    --data-binary '{"filters": {"amountMin": "-1"}}')" \
	    '"field": ?"filters\.amountMin"'
}

health_body() {
	http_body GET "$FTX_URL/v1/health"
}

# --- one stack
stack_up
A=$FTX_STACK_DIR
A_URL=$FTX_URL
is "A: status exits 0 once up" "$(status_rc)" 0
is "A: an unknown path is ftx's JSON 404 through lighttpd" \
    "$(http_code GET "$FTX_URL/nope")" 404
like "A: ... with the JSON error body" "$(curl -s "$FTX_URL/nope")" '"code":"NOT_FOUND"'
is "A: /v1/health answers 200 through lighttpd" \
    "$(http_code GET "$FTX_URL/v1/health")" 200
like "A: /v1/health body" "$(health_body)" '"status": ?"ok"'
status=$(ftx_stack status)
like "A: status names postgresql" "$status" '^postgresql running \(pid [0-9]+\)$'
like "A: status names the SMTP sink" "$status" '^smtp-sink running \(pid [0-9]+\)$'
like "A: status names ftx-fcgi" "$status" '^ftx-fcgi running \(pid [0-9]+\)$'
like "A: status names lighttpd" "$status" '^lighttpd running \(pid [0-9]+\)$'
like "A: status names ftx-exportd" "$status" '^ftx-exportd (running \(pid [0-9]+\)|not built)$'
like "A: fcgi_master_pid is the ftx-fcgi of status" "$status" \
    "^ftx-fcgi running \\(pid $(fcgi_master_pid)\\)\$"

env_out=$(ftx_stack env)
is "A: env prints six lines" "$(printf '%s\n' "$env_out" | wc -l | tr -d ' ')" 6
is "A: env names the six variables in order" \
    "$(printf '%s\n' "$env_out" | sed 's/=.*//' | tr '\n' ' ')" \
    "FTX_URL FTX_DSN FTX_CONFIG FTX_MAILDIR FTX_ADMIN FTX_STACK_DIR "
like "A: env FTX_URL" "$env_out" "^FTX_URL=http://127\\.0\\.0\\.1:$FTX_HTTP_PORT\$"
like "A: env FTX_DSN" "$env_out" \
    "^FTX_DSN=host=/[^ ]+ port=$FTX_PG_PORT dbname=ftx user=ftx\$"
like "A: env FTX_STACK_DIR" "$env_out" "^FTX_STACK_DIR=$A\$"
ok "A: ftx.conf exists" test -f "$FTX_CONFIG"
ok "A: the download secret is mode 0600" \
    sh -c 'test "$(stat -c %a "$1/download.secret")" = 600' sh "$A"
ok "A: the download secret holds two 64-hex-digit lines" \
    sh -c 'test "$(grep -Ecx "[0-9a-f]{64}" "$1/download.secret")" = 2' sh "$A"
ok "A: the Maildir has tmp, new and cur" \
    test -d "$FTX_MAILDIR/tmp" -a -d "$FTX_MAILDIR/new" -a -d "$FTX_MAILDIR/cur"
ok "A: the SMTP sink accepts a connection" \
    bash -c 'exec 3<>/dev/tcp/127.0.0.1/$1' bash "$FTX_SMTP_PORT"
passthrough "A (lighttpd)"
ok "A: FTX_DSN works as printed" psql_q "SELECT 1"
is "A: the schema is applied (ftx-admin migrate)" \
    "$(psql_q "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = 'funding_transfers'")" 1
ok "A: PostgreSQL also listens on 127.0.0.1:FTX_PG_PORT" \
    psql "host=127.0.0.1 port=$FTX_PG_PORT dbname=ftx user=ftx" -XAtqc "SELECT 1"
ok "A: a row is written" psql_q \
    "CREATE TABLE t_stack_probe (v text); INSERT INTO t_stack_probe VALUES ('kept')"

before=$(stack_pids)
ok "A: up again on a running stack succeeds" ftx_stack up
is "A: ... and starts nothing new" "$(stack_pids)" "$before"
nok "A: up with another port while running is refused" \
    env FTX_HTTP_PORT="$(free_port)" "$FTX_SRCDIR/contrib/ftx-stack" up

# up starts what is missing, reloads what changed.
master=$(fcgi_master_pid)
smtp_pid=$(ftx_stack status | sed -n 's/^smtp-sink running (pid \([0-9]*\))$/\1/p')
kill -9 "$smtp_pid"
ok "A: status exits 3 once the SMTP sink is killed" wait_for 5 status_is 3
like "A: ... and says it is stopped" "$(ftx_stack status)" '^smtp-sink stopped$'
ok "A: up restarts it" ftx_stack up
is "A: status exits 0 again" "$(status_rc)" 0
is "A: ftx-fcgi was left alone" "$(fcgi_master_pid)" "$master"
ok "A: up with another FTX_FCGI_CHILDREN while running" \
    env FTX_FCGI_CHILDREN=2 "$FTX_SRCDIR/contrib/ftx-stack" up
like "A: ftx.conf has the new setting" "$(cat "$FTX_CONFIG")" '^children = 2$'
is "A: the same ftx-fcgi master reloaded it" "$(fcgi_master_pid)" "$master"
ok "A: ... and runs two children" wait_for 10 \
    sh -c 'test "$(pgrep -P "$1" | wc -l)" -eq 2' sh "$master"
is "A: health 200 after the reload" "$(http_code GET "$FTX_URL/v1/health")" 200

# --- a second stack beside it
stack_up
B=$FTX_STACK_DIR
B_URL=$FTX_URL
isnt "B: its own dir" "$B" "$A"
isnt "B: its own URL" "$B_URL" "$A_URL"
is "B: status exits 0" "$(status_rc)" 0
is "B: /v1/health answers 200" "$(http_code GET "$B_URL/v1/health")" 200
is "A: still answers 200 beside B" "$(http_code GET "$A_URL/v1/health")" 200
is "B: does not see A's data" \
    "$(psql_q "SELECT count(*) FROM pg_tables WHERE tablename = 't_stack_probe'")" 0

# --- down A
stack_env "$A"
is "stack_env switches back to A" "$FTX_URL" "$A_URL"
a_pids=$(stack_pids)
like "A: processes found before down" "$a_pids" '[0-9]'
ok "A: down" ftx_stack down
# shellcheck disable=SC2086
ok "A: no process of A is left after down" none_alive $a_pids
is "A: status exits 3 after down" "$(status_rc)" 3
like "A: status says stopped" "$(ftx_stack status)" '^ftx-fcgi stopped$'
is "A: /v1/health does not answer after down" \
    "$(http_code GET "$A_URL/v1/health")" 000
ok "A: the dir is kept after down" test -d "$A/pgdata"
is "B: still answers 200 after A is down" "$(http_code GET "$B_URL/v1/health")" 200
stack_env "$B"
is "B: status still exits 0" "$(status_rc)" 0

# --- up A again: data kept
stack_env "$A"
ok "A: up again after down" ftx_stack up
is "A: status exits 0 again" "$(status_rc)" 0
is "A: /v1/health answers 200 again" "$(http_code GET "$A_URL/v1/health")" 200
is "A: the row written before down is still there" \
    "$(psql_q "SELECT v FROM t_stack_probe")" kept

# --- down --purge
a_pids=$(stack_pids)
ok "A: down --purge" ftx_stack down --purge
# shellcheck disable=SC2086
ok "A: no process left after down --purge" none_alive $a_pids
nok "A: the dir is gone after down --purge" test -e "$A"
ok "A: down --purge on a missing dir succeeds" ftx_stack down --purge
stack_env "$B"
is "B: still answers 200 after A is purged" "$(http_code GET "$B_URL/v1/health")" 200
stack_down
nok "B: stack_down removes its dir" test -e "$B"

# --- behind Apache
stack_up FTX_WEB_SERVER=apache
is "apache: status exits 0" "$(status_rc)" 0
like "apache: status names apache2" "$(ftx_stack status)" '^apache2 running \(pid [0-9]+\)$'
is "apache: /v1/health answers 200 through Apache" \
    "$(http_code GET "$FTX_URL/v1/health")" 200
like "apache: /v1/health body" "$(health_body)" '"status": ?"ok"'
like "apache: the answer comes from Apache" \
    "$(curl -s -o /dev/null -D - --max-time 10 "$FTX_URL/v1/health")" '^Server: Apache'
passthrough apache
# Every path but the back office's reaches ftx-fcgi: unknown ones get its JSON 404.
is "apache: an unknown path is ftx's 404" "$(http_code GET "$FTX_URL/nope")" 404
like "apache: ... with the JSON error body" "$(curl -s "$FTX_URL/nope")" '"code":"NOT_FOUND"'
c_pids=$(stack_pids)
ok "apache: down" ftx_stack down
# shellcheck disable=SC2086
ok "apache: no process left after down (workers included)" none_alive $c_pids

# --- Apache without X-Sendfile, lighttpd without X-Sendfile
stack_up FTX_WEB_SERVER=apache FTX_SENDFILE=off
is "apache, sendfile off: /v1/health answers 200" \
    "$(http_code GET "$FTX_URL/v1/health")" 200
stack_down
stack_up FTX_SENDFILE=off
is "lighttpd, sendfile off: /v1/health answers 200" \
    "$(http_code GET "$FTX_URL/v1/health")" 200
like "lighttpd, sendfile off: ftx.conf says so" "$(cat "$FTX_CONFIG")" '^sendfile = off$'

done_testing
