#!/bin/bash
# t_pool.sh - the ftx-fcgi pool on the real stack: children replaced when
# killed, recycled after max_requests, SIGHUP reload (good and broken),
# JSON 404/405 through the web server, -t/-V, daemon mode with a pidfile,
# a socket inherited on fd 0, SIGTERM.
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
like "405 Allow header" "$hdrs" $'\nAllow: GET\r'
like "405 JSON content type" "$hdrs" 'Content-Type: application/json; charset=utf-8'
is "HEAD on a GET-only path is 405" "$(http_code HEAD "$FTX_URL/v1/health" -I)" 405

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
sock2=$(dirname "$(grep '^listen' "$FTX_CONFIG" | sed 's/^listen *= *"\{0,1\}\([^"]*\)"\{0,1\}/\1/')")/t2.sock
sed "s|^listen.*|listen = \"$sock2\"|" "$FTX_CONFIG" > "$FTX_STACK_DIR/t2.conf"
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
sed "s|^listen.*|listen = \"/nonexistent/dir/x.sock\"|" "$FTX_CONFIG" > "$FTX_STACK_DIR/t3.conf"
nok "a start that cannot listen fails in the shell" "$FCGI" -c "$FTX_STACK_DIR/t3.conf"

# A socket inherited on fd 0 (spawn-fcgi, mod_fcgid, lighttpd bin-path).
sed "s|^listen.*|listen = \"\"|" "$FTX_CONFIG" > "$FTX_STACK_DIR/t4.conf"
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
