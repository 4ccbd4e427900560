#!/bin/sh
# t_backoffice.sh - the back office (www/, SPEC section 13) in a real
# browser: headless Chromium (Debian's chromium and chromium-driver) driven
# by Selenium (python3-selenium) through backoffice.py, against the dev
# stack behind lighttpd or Apache (FTX_WEB_SERVER).  Journeys: sign in,
# filters (dates, statuses, amounts, a supplier, account type, currency)
# whose table is the API's page, Next and Previous, Export CSV with a bad
# CC, two CCs, a 409 naming the running export, Cancel export, PENDING then
# READY by itself, Download (sha256), the e-mail to both CCs; a supplier;
# hostile names shown as text without any CSP report or console error;
# sign out.  Also: the headers of the page and its assets, through the
# stack and through the shipped lighttpd and Apache snippets.  Screenshots
# of every view at 1280 and 390 px go to $FTX_BUILDDIR/var/screenshots.
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

PY=/usr/bin/python3
CSP="default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

for f in /usr/bin/chromium /usr/bin/chromedriver; do
	[ -x "$f" ] || bail "$f is missing: apt-get install chromium chromium-driver python3-selenium (contrib/install-deps)"
done
$PY -c 'import selenium' 2>/dev/null ||
    bail "python3-selenium is missing (contrib/install-deps)"

stack_up

# ------------------------------------------------------------ headers
# headers PATH: the response headers of GET PATH, CR removed.
headers() {
	curl -s -o /dev/null -D - --max-time 10 "$1" | tr -d '\r'
}
# serves_www URL WHO: the page and its assets with the SPEC 13 headers.
serves_www() {
	for p in / /app.css /js/app.js /js/api.js /favicon.svg; do
		h=$(headers "$1$p")
		like "$2: GET $p 200" "$h" '^HTTP/1.1 200'
		like "$2: $p has the CSP of SPEC 13" "$h" \
		    "^Content-Security-Policy: $CSP\$"
		like "$2: $p nosniff" "$h" '^X-Content-Type-Options: nosniff$'
		like "$2: $p no-referrer" "$h" '^Referrer-Policy: no-referrer$'
		case $p in
		/) t='text/html' ;;
		*.css) t='text/css' ;;
		*.js) t='text/javascript' ;;
		*.svg) t='image/svg\+xml' ;;
		esac
		like "$2: $p is $t" "$h" "^Content-Type: $t(;|\$)"
	done
	is "$2: the page is www/index.html" "$(curl -s "$1/")" \
	    "$(cat "$FTX_SRCDIR/www/index.html")"
	like "$2: /v1/ is still the API" "$(headers "$1/v1/health")" \
	    '^Content-Type: application/json'
}
serves_www "$FTX_URL" "stack (${FTX_WEB_SERVER:-lighttpd})"

# The shipped snippets, pointed at this stack's pool and at www/ as
# installed (once, behind lighttpd's pass: they do not depend on it).
if [ "${FTX_WEB_SERVER:-lighttpd}" = lighttpd ]; then
	S=$FTX_STACK_DIR/shipped
	mkdir -p "$S"
	SOCK=$(sed -n 's/^listen *= *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$FTX_CONFIG")
	WWW=$(cd "$FTX_STACK_DIR/www" && pwd -P)
	snippet() {
		sed -e "s|/run/ftx/ftx-fcgi.sock|$SOCK|g" \
		    -e "s|/usr/share/ftx/www|$WWW|g" "$1"
	}
	up() { [ "$(http_code GET "http://127.0.0.1:$1/v1/health")" = 200 ]; }
	port=$(free_port) || bail "no free port"
	snippet "$FTX_SRCDIR/conf/lighttpd/ftx-external.conf" >"$S/l.snippet"
	cat >"$S/l.conf" <<EOF2
server.modules = ( "mod_access", "mod_fastcgi", "mod_setenv" )
server.bind = "127.0.0.1"
server.port = $port
server.document-root = "$S"
server.errorlog = "$S/lighttpd-error.log"
include "$S/l.snippet"
EOF2
	lighttpd -D -f "$S/l.conf" </dev/null >"$S/l.out" 2>&1 &
	lp=$!
	at_exit "kill $lp 2>/dev/null"
	if ok "shipped lighttpd snippet: up" wait_for 15 up "$port"; then
		serves_www "http://127.0.0.1:$port" "shipped lighttpd"
	fi
	kill "$lp"
	port=$(free_port) || bail "no free port"
	snippet "$FTX_SRCDIR/conf/apache/ftx-proxy-fcgi.conf" >"$S/a.snippet"
	apache_base_conf "$S" "$port" "$S/apache.pid" >"$S/a.conf"
	cat >>"$S/a.conf" <<EOF2
ErrorLog "$S/apache-error.log"
Include "$S/a.snippet"
EOF2
	if [ "$(id -u)" = 0 ] && id -u ftxstack >/dev/null 2>&1; then
		printf 'User ftxstack\nGroup ftxstack\n' >>"$S/a.conf"
	fi
	apache2 -f "$S/a.conf" -DFOREGROUND </dev/null >"$S/a.out" 2>&1 &
	ap=$!
	at_exit "kill $ap 2>/dev/null"
	if ok "shipped Apache snippet: up" wait_for 15 up "$port"; then
		serves_www "http://127.0.0.1:$port" "shipped Apache"
	fi
	kill "$ap"
	wait_for 15 sh -c "! kill -0 $ap 2>/dev/null"
fi

# ------------------------------------------------------------ data
admin tenant add bo "Back Office Test" >/dev/null || bail "tenant add"
admin demo-data --tenant bo --suppliers 6 --transfers 1500 --seed 13 \
    >/dev/null || bail "demo-data"
XSS_EXT=SUP-XSS
admin supplier add --tenant bo --external-id "$XSS_EXT" \
    --name '<img src=x onerror=alert(1)>' >/dev/null || bail "supplier add"
xss_id=$(psql_q "SELECT id FROM suppliers WHERE tenant_id = 'bo' AND external_id = '$XSS_EXT'")
marketplace=$(psql_q "SELECT id FROM balance_accounts WHERE tenant_id = 'bo' AND type = 'MARKETPLACE' LIMIT 1")
psql_q "
INSERT INTO balance_accounts VALUES ('ba_bo_xss', 'bo', 'SUPPLIER', '$xss_id');
INSERT INTO funding_transfers (id, tenant_id, created_at, status, amount,
  currency, source_balance_account_id, target_balance_account_id, supplier_id,
  reference) VALUES ('ft-bo-xss', 'bo', now() + interval '1 day', 'COMPLETED',
  12.5, 'EUR', '$marketplace', 'ba_bo_xss', '$xss_id',
  '<script>alert(1)</script>');" >/dev/null || bail "hostile transfer"
newkey() { # EMAIL ROLE [SUPPLIER]
	_u=$(admin user add --tenant bo --email "$1" --role "$2" ${3:+--supplier "$3"}) &&
	    admin key create "$_u"
}
BO_OPS_EMAIL=ops@bo.example
BO_SUP_EMAIL=supplier@bo.example
BO_SUP_EXT=SUP-00001
BO_OPS_KEY=$(newkey "$BO_OPS_EMAIL" OPERATOR) || bail "operator key"
BO_SUP_KEY=$(newkey "$BO_SUP_EMAIL" SUPPLIER "$BO_SUP_EXT") || bail "supplier key"
BO_XSS_EXT=$XSS_EXT
BO_SHOTS=$FTX_BUILDDIR/var/screenshots/${FTX_WEB_SERVER:-lighttpd}
BO_DOWNLOADS=$FTX_STACK_DIR/downloads
rm -rf "$BO_SHOTS"
mkdir -p "$BO_SHOTS" "$BO_DOWNLOADS"
export BO_OPS_EMAIL BO_SUP_EMAIL BO_SUP_EXT BO_OPS_KEY BO_SUP_KEY BO_XSS_EXT \
    BO_SHOTS BO_DOWNLOADS

# ------------------------------------------------------------ the browser
# Exports stay PENDING until the journey starts ftx-exportd again.
stop_exportd
results=$FTX_STACK_DIR/backoffice.results
timeout 600 $PY "$FTX_SRCDIR/tests/integration/backoffice.py" "$results" \
    >"$FTX_STACK_DIR/backoffice.log" 2>&1
rc=$?
tab=$(printf '\t')
n=0
while IFS="$tab" read -r verdict what why; do
	n=$((n + 1))
	if [ "$verdict" = PASS ]; then
		pass "browser: $what"
	else
		fail "browser: $what"
		diag "  $why"
	fi
done <"$results"
is "backoffice.py exits 0" "$rc" 0 || diag "$(tail -n 20 "$FTX_STACK_DIR/backoffice.log")"
ok "backoffice.py ran its checks" test "$n" -ge 30
for v in signin transfers export-dialog exports exports-supplier; do
	for w in 1280 390; do
		ok "screenshot $v at $w px" test -s "$BO_SHOTS/$v-$w.png"
	done
done

done_testing
