#!/bin/bash
# t_pool.sh - the ftx-fcgi pool on the real stack: children replaced when
# killed, recycled after max_requests, SIGHUP reload (good and broken),
# JSON 404/405 through the web server, HEAD wherever GET is (same status
# and headers, no body), -t/-V, daemon mode with a pidfile, a socket
# inherited on fd 0, SIGTERM.
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

stack_up FTX_FCGI_CHILDREN=3
FCGI=$FTX_BUILDDIR/src/ftx-fcgi
master=$(fcgi_master_pid)
# The live children (a zombie not reaped yet is on its way out).
children() { ps --ppid "$master" -o pid=,stat= | awk '$2 !~ /^Z/ { print $1 }' | sort; }
nchildren() { children | wc -l; }

is "health through the web server" "$(http_code GET "$FTX_URL/v1/health")" 200
is "three children" "$(nchildren)" 3

# A killed child is replaced, the others are untouched.
before=$(children)
victim=$(echo "$before" | head -1)
kill -9 "$victim"
ok "killed child replaced" wait_for 10 \
    bash -c "[ \$(pgrep -P $master | wc -l) -eq 3 ] && ! pgrep -P $master | grep -qx $victim"
after=$(children)
is "other children kept" "$(comm -12 <(echo "$before") <(echo "$after") | wc -l)" 2
is "health after the kill" "$(http_code GET "$FTX_URL/v1/health")" 200

# JSON errors from the router, through lighttpd.
body=$(curl -s "$FTX_URL/v1/no/such/path")
is "404 body" "$body" '{"errors":[{"code":"NOT_FOUND","field":null,"message":"no such resource"}]}'
is "404 status" "$(http_code GET "$FTX_URL/v1/no/such/path")" 404
hdrs=$(curl -s -o /dev/null -D - -X DELETE "$FTX_URL/v1/health")
like "405 status" "$hdrs" '^HTTP/1.1 405'
like "405 Allow header" "$hdrs" $'\nAllow: GET, HEAD\r'
like "405 JSON content type" "$hdrs" 'Content-Type: application/json; charset=utf-8'
# HEAD wherever GET is (SPEC 7): same status and headers, no body.
get_hdrs=$(curl -s -o /dev/null -D - "$FTX_URL/v1/health" | tr -d '\r')
head_out=$(curl -s --head "$FTX_URL/v1/health" | tr -d '\r')
like "HEAD on a GET path: 200" "$head_out" '^HTTP/1.1 200'
is "HEAD: the same Content-Type and Content-Length as GET" \
    "$(printf '%s\n' "$head_out" | grep -iE '^content-(type|length):' | sort)" \
    "$(printf '%s\n' "$get_hdrs" | grep -iE '^content-(type|length):' | sort)"
# The web server drops a HEAD body anyway: ask the pool itself.
fsock=$(sed -n 's/^listen *= *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$FTX_CONFIG")
raw=$(REQUEST_METHOD=HEAD REQUEST_URI=/v1/health cgi-fcgi -bind -connect "$fsock" 2>&1 | tr -d '\r')
like "HEAD over FastCGI: 200 with a Content-Length" "$raw" '^Content-Length: [1-9]'
is "HEAD over FastCGI: no body after the headers" "$(printf '%s\n' "$raw" | sed '1,/^$/d' | wc -c)" 0
for p in /v1/payments/funding-transfers /v1/payments/funding-transfers/export \
    /v1/payments/funding-transfers/export/x; do
	is "HEAD $p: 401 like GET (no key)" "$(http_code HEAD "$FTX_URL$p")" \
	    "$(http_code GET "$FTX_URL$p")"
done
# Control bytes in the headers ftx reads (SPEC 7): dj-api-key 401,
# dj-client 400.  Web servers refuse most control bytes themselves, a tab
# passes: ask the pool over FastCGI too.
admin tenant add pool "Pool tenant" >/dev/null
uid=$(admin user add --tenant pool --email pool@pool.example --role OPERATOR)
key=$(admin key create "$uid")
tab=$(printf '\t')
is "a valid key and client: 200" "$(http_code GET "$FTX_URL/v1/payments/funding-transfers" \
    -H "dj-api-key: $key" -H 'dj-client: OPERATOR')" 200
is "a tab inside dj-api-key: 401" "$(http_code GET "$FTX_URL/v1/payments/funding-transfers" \
    -H "dj-api-key: ${key%??}$tab${key#"${key%??}"}" -H 'dj-client: OPERATOR')" 401
is "a tab inside dj-client: 400" "$(http_code GET "$FTX_URL/v1/payments/funding-transfers" \
    -H "dj-api-key: $key" -H "dj-client: OPER${tab}ATOR")" 400
fcgi_get() {
	env REQUEST_METHOD=GET REQUEST_URI=/v1/payments/funding-transfers "$@" \
	    cgi-fcgi -bind -connect "$fsock" 2>&1 | tr -d '\r' | head -1
}
for c in 001 011 012 015 033 177; do
	ctl=$(printf "\\$c"; printf x)
	ctl=${ctl%x}	# $(...) would drop a trailing LF
	is "dj-api-key ending in \\$c (FastCGI): 401" "$(fcgi_get \
	    HTTP_DJ_API_KEY="$key$ctl" HTTP_DJ_CLIENT=OPERATOR)" 'Status: 401 Unauthorized'
	is "dj-client ending in \\$c (FastCGI): 400" "$(fcgi_get \
	    HTTP_DJ_API_KEY="$key" HTTP_DJ_CLIENT="OPERATOR$ctl")" 'Status: 400 Bad Request'
done
is "a bad key with a bad dj-client: 401 first (SPEC 6 order)" "$(fcgi_get \
    HTTP_DJ_API_KEY="${key}x" HTTP_DJ_CLIENT="$(printf 'OPERATOR\001')")" 'Status: 401 Unauthorized'
hdrs=$(curl -s -o /dev/null -D - -X PUT "$FTX_URL/v1/payments/funding-transfers/export/x")
like "405 on an export: Allow names GET, HEAD and DELETE" "$hdrs" $'\nAllow: GET, HEAD, DELETE\r'

# Reload with max_requests = 3: every child replaced, the master kept, no
# request lost while it happens.
cp "$FTX_CONFIG" "$FTX_CONFIG.orig"
sed -i 's/^max_requests.*/max_requests = 3/' "$FTX_CONFIG"
grep -q '^max_requests = 3' "$FTX_CONFIG" || sed -i 's/^\[fcgi\]/[fcgi]\nmax_requests = 3/' "$FTX_CONFIG"
before=$(children)
( for i in $(seq 1 60); do http_code GET "$FTX_URL/v1/health"; echo; done ) > "$FTX_STACK_DIR/reload.codes" &
loop=$!
sleep 0.2
kill -HUP "$master"
wait "$loop"
is "no failed request across the reload" "$(grep -vc '^200$' "$FTX_STACK_DIR/reload.codes")" 0
is "master kept across the reload" "$(fcgi_master_pid)" "$master"
ok "every child replaced after reload" wait_for 10 \
    bash -c "[ \$(pgrep -P $master | wc -l) -eq 3 ] && [ -z \"\$(pgrep -P $master | sort | comm -12 - <(echo '$before') 2>/dev/null)\" ]"
ok "no old child left" bash -c "! pgrep -P $master | grep -qxF '$before'"

# Recycling: 30 requests over 3 children with max_requests = 3 need new ones.
before=$(children)
for i in $(seq 1 30); do http_code GET "$FTX_URL/v1/health" >/dev/null; done
ok "children recycled after max_requests" wait_for 5 \
    bash -c "[ \$(pgrep -P $master | wc -l) -eq 3 ]"
like "recycled children are new processes" "$(comm -13 <(echo "$before") <(children) | wc -l)" '^[1-3]$'
is "health after recycling" "$(http_code GET "$FTX_URL/v1/health")" 200

# A broken configuration on reload is refused; the pool keeps serving.
# (First let the recycling above settle: the same three children twice.)
wait_for 10 bash -c "a=\$(ps --ppid $master -o pid= | sort); sleep 0.5; [ \"\$a\" = \"\$(ps --ppid $master -o pid= | sort)\" ] && [ \$(echo \"\$a\" | wc -l) -eq 3 ]"
before=$(children)
printf '[fcgi]\nchildren = lots\n' >> "$FTX_CONFIG"
kill -HUP "$master"
ok "broken reload logged" wait_for 5 grep -q 'reload refused' "$FTX_STACK_DIR/log/ftx-fcgi.log"
like "reload error names file and line" "$(grep 'reload refused' "$FTX_STACK_DIR/log/ftx-fcgi.log" | tail -1)" 'ftx\.conf:[0-9]+: .*children'
is "children untouched by a refused reload" "$(children)" "$before"
is "health after refused reload" "$(http_code GET "$FTX_URL/v1/health")" 200
cp "$FTX_CONFIG.orig" "$FTX_CONFIG"

# -t and -V.
ok "-t accepts the stack config" "$FCGI" -t -c "$FTX_CONFIG"
printf '[fcgi]\nchildren = 0\n' > "$FTX_STACK_DIR/bad.conf"
out=$("$FCGI" -t -c "$FTX_STACK_DIR/bad.conf" 2>&1); rc=$?
is "-t rejects a bad config" "$rc" 1
like "-t names the line" "$out" 'bad\.conf:2: '
like "-V prints the version" "$("$FCGI" -V)" '^ftx-fcgi [0-9]+\.[0-9]+'
out=$("$FCGI" -x 2>&1); rc=$?
is "bad option exits 2" "$rc" 2
like "bad option prints usage" "$out" 'usage: ftx-fcgi'

# Daemon mode: returns once up, writes the pidfile, refuses a second start.
sock2=$(dirname "$(grep '^listen *=' "$FTX_CONFIG" | sed 's/^listen *= *"\{0,1\}\([^"]*\)"\{0,1\}/\1/')")/t2.sock
sed "s|^listen *=.*|listen = \"$sock2\"|" "$FTX_CONFIG" > "$FTX_STACK_DIR/t2.conf"
# In the stack's pid dir: as root the daemon writes it as ftxstack.
pid2file=$FTX_STACK_DIR/pid/t2.pid
ok "daemon starts" "$FCGI" -c "$FTX_STACK_DIR/t2.conf" -p "$pid2file"
ok "pidfile names a live master" kill -0 "$(cat "$pid2file")"
ok "socket exists" test -S "$sock2"
nok "second start with the same pidfile refused" "$FCGI" -c "$FTX_STACK_DIR/t2.conf" -p "$pid2file"
REQUEST_METHOD=GET REQUEST_URI=/v1/health SCRIPT_NAME=/v1/health \
    cgi-fcgi -bind -connect "$sock2" > "$FTX_STACK_DIR/t2.out" 2>&1
like "daemon answers FastCGI" "$(cat "$FTX_STACK_DIR/t2.out")" 'Status: 200 OK'
pid2=$(cat "$pid2file")
kill -TERM "$pid2"
ok "SIGTERM stops the daemon" wait_for 10 bash -c "! kill -0 $pid2 2>/dev/null"
ok "pidfile removed" test ! -e "$pid2file"
ok "socket removed" test ! -e "$sock2"
sed "s|^listen *=.*|listen = \"/nonexistent/dir/x.sock\"|" "$FTX_CONFIG" > "$FTX_STACK_DIR/t3.conf"
nok "a start that cannot listen fails in the shell" "$FCGI" -c "$FTX_STACK_DIR/t3.conf"

# A socket inherited on fd 0 (spawn-fcgi, mod_fcgid, lighttpd bin-path).
sed "s|^listen *=.*|listen = \"\"|" "$FTX_CONFIG" > "$FTX_STACK_DIR/t4.conf"
sock4=$(dirname "$sock2")/t4.sock
ok "spawn-fcgi hands fd 0" spawn-fcgi -s "$sock4" -P "$FTX_STACK_DIR/t4.pid" -- \
    "$FCGI" -f -c "$FTX_STACK_DIR/t4.conf"
ok "inherited socket answers" wait_for 10 bash -c \
    "REQUEST_METHOD=GET REQUEST_URI=/v1/health cgi-fcgi -bind -connect '$sock4' 2>/dev/null | grep -q 'Status: 200'"
kill -TERM "$(cat "$FTX_STACK_DIR/t4.pid")" 2>/dev/null
nok "empty listen without a socket on fd 0 fails" bash -c "'$FCGI' -f -c '$FTX_STACK_DIR/t4.conf' < /dev/null"

# SIGTERM on the stack's pool: master and children gone.
kids=$(children)
kill -TERM "$master"
ok "master exits on SIGTERM" wait_for 35 bash -c "! kill -0 $master 2>/dev/null"
ok "children exit with it" bash -c "for p in $(echo $kids); do kill -0 \$p 2>/dev/null && exit 1; done; exit 0"

done_testing
