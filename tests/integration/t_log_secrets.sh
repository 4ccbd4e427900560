#!/bin/bash
# t_log_secrets.sh - no secret reaches a log (SPEC §16).  A whole journey
# through the web server (lighttpd, or Apache with FTX_WEB_SERVER=apache):
# keys made with ftx-admin, API requests with dj-api-key, exports e-mailed
# through an SMTP server with a password configured, downloads with their
# signature (GET, HEAD, conditional), bad signatures, expired links, a key
# with a wrong secret, a revoked key, a key sent in a query string by
# mistake, a download while the pool is down, mail while the SMTP server is
# down.  Then every log of the stack (ftx-fcgi, ftx-exportd, ftx-admin, the
# web server's access and error logs, PostgreSQL, the SMTP sink) is
# searched for every key secret, the SMTP password, the download secrets
# and every signature used: no hit.  The log directory is 0700, its files
# 0600.  The shipped lighttpd and Apache configurations (conf/) log
# download requests without their query string too.
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

PY=/usr/bin/python3
EPATH=/v1/payments/funding-transfers/export
[ -x "$FTX_BUILDDIR/src/ftx-exportd" ] || bail "ftx-exportd is not built"

# The SMTP password: read by ftx-exportd when it sends (the sink offers no
# AUTH, so libcurl never sends it; a leak would come from our own logging).
PW=$(od -An -vtx1 -N16 /dev/urandom | tr -d ' \n')
PWDIR=$FTX_BUILDDIR/var/tests/t_log_secrets.$$.pw
mkdir -p "$PWDIR" || bail "cannot create $PWDIR"
at_exit "rm -rf '$PWDIR'"
(umask 077 && printf '%s\n' "$PW" >"$PWDIR/smtp.password")
stack_up FTX_FCGI_CHILDREN=2 FTX_CONF_APPEND="[mail]
smtp_user = ftx-mailer
smtp_password_file = $PWDIR/smtp.password

[exportd]
retry_delay = 1"
if [ "$(id -u)" = 0 ] && id -u ftxstack >/dev/null 2>&1; then
	# The daemons may run as the stack's system user.
	chgrp ftxstack "$PWDIR/smtp.password" && chmod 0640 "$PWDIR/smtp.password"
	chmod 0755 "$PWDIR"
fi
W=$FTX_STACK_DIR/tls
mkdir -p "$W"
LOGDIR=$FTX_STACK_DIR/log
NREQ=0

# Everything secret this test uses, one a line.
SECRETS=$W/secrets
: >"$SECRETS"
secret() {
	printf '%s\n' "$1" >>"$SECRETS"
}
# keysecret KEY: the secret part of ftx_<KEYID>_<SECRET> (the key id is
# public and may be logged).
keysecret() {
	printf '%s\n' "${1#ftx_*_}"
}
# r METHOD URL [curl args]: req, counted.
r() {
	NREQ=$((NREQ + 1))
	req "$@"
}
sign() {
	$PY - "$FTX_STACK_DIR/download.secret" "$1" "$2" <<'EOF'
import hashlib, hmac, sys
path, eid, exp = sys.argv[1:4]
key = [l.strip() for l in open(path) if l.strip() and not l.startswith("#")][0]
print(hmac.new(key.encode(), (eid + "\n" + exp).encode(),
               hashlib.sha256).hexdigest())
EOF
}
status_of() {
	psql_q "SELECT status FROM exports WHERE id = '$1'"
}
status_in() { # ID STATUS...
	_s=$(status_of "$1")
	shift
	for _w in "$@"; do [ "$_s" = "$_w" ] && return 0; done
	return 1
}

# ------------------------------------------------------------ keys
admin demo-data --tenant ls --suppliers 2 --transfers 300 --seed 4 >/dev/null ||
    bail "demo-data"
OP_ID=$(admin user add --tenant ls --email op@ls.example --role OPERATOR) || bail "user"
SUP_ID=$(admin user add --tenant ls --email sup@ls.example --role SUPPLIER \
    --supplier SUP-00001) || bail "supplier user"
REV_ID=$(admin user add --tenant ls --email rev@ls.example --role OPERATOR) || bail "user"
OP=$(admin key create "$OP_ID") || bail "key"
SUP=$(admin key create "$SUP_ID") || bail "key"
REV=$(admin key create "$REV_ID") || bail "key"
WRONG=ftx_$(printf '%s' "$OP" | cut -d_ -f2)_$(od -An -vtx1 -N20 /dev/urandom | tr -d ' \n')
for k in "$OP" "$SUP" "$REV" "$WRONG"; do
	secret "$(keysecret "$k")"
done
secret "$PW"
grep -v '^#' "$FTX_STACK_DIR/download.secret" | grep . >>"$SECRETS"
AOP=(-H 'dj-client: OPERATOR' -H "dj-api-key: $OP")
ASUP=(-H 'dj-client: SUPPLIER' -H "dj-api-key: $SUP")

# ------------------------------------------------------------ the API
r GET "$FTX_URL/v1/payments/funding-transfers?size=5" "${AOP[@]}"
is "transfers, operator: 200" "$CODE" 200
r GET "$FTX_URL/v1/payments/funding-transfers?size=5" "${ASUP[@]}"
is "transfers, supplier: 200" "$CODE" 200
r HEAD "$FTX_URL/v1/payments/funding-transfers" "${AOP[@]}"
is "HEAD transfers: 200" "$CODE" 200
r GET "$FTX_URL/v1/payments/funding-transfers?dj-api-key=$OP" "${AOP[@]}"
is "a key in the query string by mistake: 400" "$CODE" 400
r GET "$FTX_URL/v1/payments/funding-transfers" -H 'dj-client: OPERATOR' -H "dj-api-key: $WRONG"
is "a known key id with a wrong secret: 401" "$CODE" 401
r GET "$FTX_URL/v1/payments/funding-transfers" -H 'dj-client: OPERATOR' -H "dj-api-key: $SUP"
is "dj-client differing from the key's role: 403" "$CODE" 403
r POST "$FTX_URL$EPATH" "${AOP[@]}" -H 'Content-Type: application/json' --data-binary "{'filters': '$OP'}"
is "a key inside a malformed body: 400" "$CODE" 400
ok "revoke a key" admin key revoke "$REV"
revoked() {
	[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'dj-client: OPERATOR' \
	    -H "dj-api-key: $REV" "$FTX_URL$EPATH")" = 401 ]
}
ok "the revoked key is refused" wait_for 10 revoked
NREQ=$((NREQ + 1))

# ------------------------------------------------------------ an export, its link
r POST "$FTX_URL$EPATH" "${AOP[@]}" -H 'Content-Type: application/json' \
    --data-binary '{"cc": ["cc@ls.example"]}'
is "POST export with a cc: 201" "$CODE" 201
ID=$(jv 'd["exportId"]')
ok "the export is READY (mailed through SMTP with a password set)" \
    wait_for 60 status_in "$ID" READY
r GET "$FTX_URL$EPATH/$ID" "${AOP[@]}"
URL=$(jv 'd["downloadUrl"]')
SHA=$(jv 'd["sha256"]')
E=${URL#*expires=}
E=${E%%&*}
S=${URL##*signature=}
like "a signed link" "$S" '^[0-9a-f]{64}$'
secret "$S"
r GET "$URL"
is "download: 200" "$CODE" 200
r HEAD "$URL"
is "HEAD download: 200" "$CODE" 200
r GET "$URL" -H "If-None-Match: \"$SHA\""
is "conditional download: 304" "$CODE" 304
BAD=$(printf '%s' "$S" | tr '0-9a-f' '1-9a-f0')
secret "$BAD"
r GET "$FTX_URL$EPATH/$ID/download?expires=$E&signature=$BAD"
is "a bad signature: 403" "$CODE" 403
PAST=$(($(date +%s) - 10))
PS=$(sign "$ID" "$PAST")
secret "$PS"
r GET "$FTX_URL$EPATH/$ID/download?expires=$PAST&signature=$PS"
is "an expired link: 410" "$CODE" 410
r GET "$FTX_URL/v1/nothing/here?expires=$E&signature=$S"
is "a signature on an unknown path: 404" "$CODE" 404
r GET "$FTX_URL$EPATH/$ID/download?expires=$E&signature=$S&signature=$S"
is "a signature twice: 403" "$CODE" 403
r GET "$FTX_URL$EPATH/$ID/download%zz?expires=$E&signature=$S" --path-as-is
like "an invalid URI with a signature: 4xx" "$CODE" '^4'

# ------------------------------------------------------------ the pool down
master=$(fcgi_master_pid) || bail "no ftx-fcgi master"
kill -TERM "$master"
ok "the pool is stopped" wait_for 40 sh -c "! kill -0 $master 2>/dev/null"
r GET "$URL"
like "a download while the pool is down: 5xx from the web server" "$CODE" '^5'
r HEAD "$URL" "${AOP[@]}"
ok "the pool restarted (ftx-stack up)" ftx_stack up
health() { [ "$(http_code GET "$FTX_URL/v1/health")" = 200 ]; }
ok "health again" wait_for 30 health
r GET "$URL"
is "the link works again: 200" "$CODE" 200

# ------------------------------------------------------------ SMTP down
smtp=$(cat "$FTX_STACK_DIR/pid/smtp.pid")
kill -TERM "$smtp"
ok "the SMTP sink is stopped" wait_for 10 sh -c "! kill -0 $smtp 2>/dev/null"
r POST "$FTX_URL$EPATH" "${ASUP[@]}" -d ''
is "POST export (supplier): 201" "$CODE" 201
ID2=$(jv 'd["exportId"]')
ok "a mail attempt failed (logged)" wait_for 60 \
    grep -q "export $ID2: attempt [0-9] failed" "$LOGDIR/ftx-exportd.log"
ok "the SMTP sink restarted (ftx-stack up)" ftx_stack up
ok "the export ends READY or FAILED" wait_for 90 status_in "$ID2" READY FAILED
if [ "$(status_of "$ID2")" = READY ]; then
	r GET "$FTX_URL$EPATH/$ID2" "${ASUP[@]}"
	URL2=$(jv 'd["downloadUrl"]')
	secret "${URL2##*signature=}"
	r GET "$URL2"
	is "the second export's link: 200" "$CODE" 200
fi

# ------------------------------------------------------------ the search
# The web server writes its logs when it answers; the filter a moment later.
if [ "${FTX_WEB_SERVER:-lighttpd}" = apache ]; then
	ACCESS=$LOGDIR/apache2-access.log
else
	ACCESS=$LOGDIR/lighttpd-access.log
fi
ok "the access log records the download requests (path alone)" wait_for 10 \
    sh -c "[ \$(grep -c ' $EPATH/$ID/download HTTP' '$ACCESS') -ge 8 ]"
LOGS=$(find "$FTX_STACK_DIR" -path "$FTX_STACK_DIR/mail" -prune -o \
    -path "$FTX_STACK_DIR/tls" -prune -o -type f -name '*.log' -print | sort)
diag "searched: $(echo $LOGS | sed "s|$FTX_STACK_DIR/||g")"
nlines=$(cat $LOGS | wc -l)
like "the logs are not empty ($nlines lines)" "$nlines" '^[1-9][0-9]+$'
ok "the PostgreSQL log is among them" sh -c "echo '$LOGS' | grep -q postgresql.log"
# Only long values: an empty or short line would match anything.
awk 'length($0) >= 16' "$SECRETS" >"$SECRETS.long"
mv -f "$SECRETS.long" "$SECRETS"
nsecrets=$(grep -c . "$SECRETS")
like "secrets to look for ($nsecrets)" "$nsecrets" '^[1-9][0-9]+$'
hits=$(grep -F -o -f "$SECRETS" $LOGS | wc -l)
is "no key secret, password, download secret or signature in any log" "$hits" 0
if [ "$hits" != 0 ]; then
	diag "$(grep -F -n -f "$SECRETS" $LOGS | cut -c1-200 | head -10)"
fi
is "no query string of a download in any log" "$(grep -l -E 'signature=|expires=' $LOGS | wc -l)" 0
is "no API key header in any log" "$(grep -il 'dj-api-key: ftx_' $LOGS | wc -l)" 0
diag "$NREQ requests, $nsecrets secrets, $(echo "$LOGS" | wc -l) logs of $nlines lines, $hits hits"

# ------------------------------------------------------------ permissions
is "the log directory is 0700" "$(stat -c %a "$LOGDIR")" 700
is "every log file is 0600" "$(find "$LOGDIR" -type f ! -perm 0600 | wc -l)" 0

# ------------------------------------------------------------ shipped configurations
# The files of conf/ as an administrator installs them, pointed at this
# stack's pool, with the access log the distribution enables.
SOCK=$(sed -n 's/^listen *= *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$FTX_CONFIG")
EXPORTS=$(sed -n 's/^export_dir *= *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$FTX_CONFIG")
snippet() {
	sed -e "s|/run/ftx/ftx-fcgi.sock|$SOCK|g" \
	    -e "s|/var/lib/ftx/exports|$EXPORTS|g" "$1"
}
S2=$W/shipped
mkdir -p "$S2/www"
port=$(free_port) || bail "no free port"
snippet "$FTX_SRCDIR/conf/lighttpd/ftx-external.conf" >"$S2/l.snippet"
cat >"$S2/l.conf" <<EOF
server.modules = ( "mod_access", "mod_fastcgi", "mod_accesslog" )
server.bind = "127.0.0.1"
server.port = $port
server.document-root = "$S2/www"
server.errorlog = "$S2/lighttpd-error.log"
accesslog.filename = "$S2/lighttpd-access.log"
include "$S2/l.snippet"
EOF
up() { [ "$(http_code GET "http://127.0.0.1:$1/v1/health")" = 200 ]; }
# shipped NAME PREFIX PORT CMD...: runs the web server CMD on PORT, one
# download through it, then stops it and searches its logs PREFIX-*.log.
shipped() {
	_n=$1 _pre=$2 _port=$3
	shift 3
	"$@" </dev/null >"$_pre.out" 2>&1 &
	_pid=$!
	at_exit "kill $_pid 2>/dev/null"
	ok "shipped $_n configuration: up" wait_for 15 up "$_port"
	r GET "http://127.0.0.1:$_port$EPATH/$ID/download?expires=$E&signature=$S"
	is "shipped $_n configuration: download 200" "$CODE" 200
	kill "$_pid"
	wait_for 15 sh -c "! kill -0 $_pid 2>/dev/null"
	like "shipped $_n: the access log has the download path" \
	    "$(cat "$_pre-access.log")" "\"GET $EPATH/$ID/download HTTP/1.1\" 200"
	is "shipped $_n: no signature in its logs" \
	    "$(cat "$_pre"-*.log | grep -c -F -e "$S" -e 'signature=')" 0
}
ok "shipped lighttpd configuration: lighttpd -tt" lighttpd -tt -f "$S2/l.conf"
shipped lighttpd "$S2/lighttpd" "$port" lighttpd -D -f "$S2/l.conf"

if [ -f /usr/lib/apache2/modules/mod_xsendfile.so ]; then
	port=$(free_port) || bail "no free port"
	snippet "$FTX_SRCDIR/conf/apache/ftx-proxy-fcgi.conf" >"$S2/a.snippet"
	# As Debian's apache2.conf: its formats first, then conf-enabled/,
	# then a site logging with "combined".
	apache_base_conf "$S2" "$port" "$S2/apache.pid" >"$S2/a.conf"
	cat >>"$S2/a.conf" <<EOF
ErrorLog "$S2/apache-error.log"
LogFormat "%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"" combined
Include "$S2/a.snippet"
<VirtualHost 127.0.0.1:$port>
	CustomLog "$S2/apache-access.log" combined
</VirtualHost>
EOF
	if [ "$(id -u)" = 0 ] && id -u ftxstack >/dev/null 2>&1; then
		printf 'User ftxstack\nGroup ftxstack\n' >>"$S2/a.conf"
	fi
	ok "shipped Apache configuration: apache2 -t" apache2 -t -f "$S2/a.conf"
	shipped Apache "$S2/apache" "$port" apache2 -f "$S2/a.conf" -DFOREGROUND
else
	skip "shipped Apache configuration" "mod_xsendfile is not installed"
fi

done_testing
