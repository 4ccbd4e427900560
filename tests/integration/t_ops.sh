#!/bin/bash
# t_ops.sh - the operations files, run for real where this machine allows.
#
# - contrib/systemd: "systemd-analyze verify" on both units (ExecStart
#   pointed at the build, man pages on MANPATH), their exposure level
#   ("systemd-analyze security --offline", at most 2.0), and what the
#   unit, the tmpfiles snippet and the init scripts must agree on.  The
#   units are not started: this test does not run under systemd as PID 1.
# - contrib/tmpfiles.d (systemd-tmpfiles --root) and contrib/logrotate.d
#   (logrotate -f on a copy) when the tools are installed.
# - contrib/init.d: both daemons started, checked (pid, user, log, health),
#   reloaded (a new children/workers count; a broken file refused), used (an
#   export generated and downloaded), restarted, stopped, with the status
#   codes in between, against a real stack's database; both log modes
#   (LOGFILE and syslog); a daemon that cannot start fails the script.
# - conf/lighttpd and conf/apache: each of the four snippets, included in a
#   minimal server configuration, serves /v1/health and an export download
#   through X-Sendfile.
# Needs root (the daemons switch to the scripts' user with -u).
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root: the init scripts change user"
	exit 0
fi
for t in start-stop-daemon runuser lighttpd apache2; do
	command -v "$t" >/dev/null 2>&1 || bail "$t is missing (contrib/install-deps)"
done

C=$FTX_SRCDIR/contrib
CONF=$FTX_SRCDIR/conf
PY=/usr/bin/python3
T=$(mktemp -d /tmp/ftx-ops.XXXXXX) || bail "mktemp"
chmod 0755 "$T"
# Stops what this test started; keeps $T when a test failed.
cleanup_ops() {
	for f in "$T"/*.serve; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	if [ -f "$C/init.d/ftx-fcgi" ] && [ -d "$T/run" ]; then
		FCGI_LOG='' fcgi stop >/dev/null 2>&1
		exportd stop >/dev/null 2>&1
	fi
	# shellcheck disable=SC2154 # lib.sh's count of failed tests
	if [ "$_ftx_failed" -gt 0 ]; then
		diag "ops files kept in $T"
	else
		rm -rf "$T"
	fi
}
at_exit cleanup_ops

# ------------------------------------------------------------ static checks

for n in ftx-fcgi ftx-exportd; do
	s=$C/init.d/$n
	ok "init.d/$n: sh -n" sh -n "$s"
	hdr=$(sed -n '/^### BEGIN INIT INFO/,/^### END INIT INFO/p' "$s")
	like "init.d/$n: LSB header provides $n" "$hdr" "^# Provides: +$n\$"
	like "init.d/$n: LSB header has the runlevels" "$hdr" \
	    '^# Default-Start: +2 3 4 5$'
	like "init.d/$n: LSB header has Required-Start" "$hdr" \
	    '^# Required-Start: +.*\$remote_fs'
	FTX_DEFAULTS=/dev/null "$s" >/dev/null 2>&1
	is "init.d/$n: no action is a usage error" "$?" 2
	if command -v shellcheck >/dev/null 2>&1; then
		ok "init.d/$n: shellcheck" shellcheck -s sh "$s"
	fi
	u=$C/systemd/$n.service
	pidfile=$(sed -n 's/^PIDFile=//p' "$u")
	is "$n.service: PIDFile is the init script's" "$pidfile" "/run/ftx/$n.pid"
	like "$n.service: ExecStart writes that pidfile" \
	    "$(sed -n 's/^ExecStart=//p' "$u")" "^/usr/bin/$n .*-p $pidfile( |\$)"
	like "$n.service: ExecReload sends SIGHUP" \
	    "$(sed -n 's/^ExecReload=//p' "$u")" '^/bin/kill -HUP \$MAINPID$'
	# Every writable path exists at boot (tmpfiles) for the unit's user.
	user=$(sed -n 's/^User=//p' "$u")
	is "$n.service: runs as ftx" "$user" ftx
	missing=
	for p in $(sed -n 's/^ReadWritePaths=//p' "$u"); do
		awk -v p="$p" -v u="$user" '$1 == "d" && $2 == p && $4 == u { f = 1 }
		    END { exit !f }' "$C/tmpfiles.d/ftx.conf" || missing="$missing $p"
	done
	is "$n.service: tmpfiles.d creates its ReadWritePaths for $user" "$missing" ""
done
like "ftx-exportd.service may write the exports" \
    "$(sed -n 's/^ReadWritePaths=//p' "$C/systemd/ftx-exportd.service")" \
    '(^| )/var/lib/ftx( |$)'

# systemd-analyze verify: the binaries of the build, the pages of the tree.
mkdir -p "$T/units" "$T/man/man5" "$T/man/man8"
cp "$FTX_SRCDIR"/src/*.8 "$T/man/man8/" 2>/dev/null
cp "$FTX_SRCDIR/src/ftx.conf.5" "$T/man/man5/" 2>/dev/null
for n in ftx-fcgi ftx-exportd; do
	sed "s|/usr/bin/$n|$FTX_BUILDDIR/src/$n|g" "$C/systemd/$n.service" \
	    >"$T/units/$n.service"
done
if command -v systemd-analyze >/dev/null 2>&1; then
	out=$(cd "$T/units" && MANPATH=$T/man systemd-analyze verify \
	    ./ftx-fcgi.service ./ftx-exportd.service 2>&1)
	is "systemd-analyze verify: both units clean" "$?:$out" "0:"
	for n in ftx-fcgi ftx-exportd; do
		out=$(cd "$T/units" && systemd-analyze security --offline=yes \
		    --threshold=20 "./$n.service" 2>&1)
		rc=$?
		is "$n.service: exposure level at most 2.0 ($(printf '%s\n' "$out" |
		    sed -n 's/.*Overall exposure level for [^:]*: //p'))" "$rc" 0
	done
else
	skip "systemd-analyze verify" "systemd-analyze is not installed"
fi

# tmpfiles.d: created in a scratch root, with an ftx user of its own.
if command -v systemd-tmpfiles >/dev/null 2>&1; then
	R=$T/root
	mkdir -p "$R/etc"
	cp /etc/passwd /etc/group "$R/etc/"
	echo 'ftx:x:64999:64999::/nonexistent:/usr/sbin/nologin' >>"$R/etc/passwd"
	echo 'ftx:x:64999:' >>"$R/etc/group"
	ok "systemd-tmpfiles --create accepts tmpfiles.d/ftx.conf" \
	    systemd-tmpfiles --create --root="$R" "$C/tmpfiles.d/ftx.conf"
	is "tmpfiles: /run/ftx for ftx, reachable by www-data" \
	    "$(stat -c '%a %u %G' "$R/run/ftx")" "2750 64999 www-data"
	is "tmpfiles: the exports, group www-data inherited" \
	    "$(stat -c '%a %u %G' "$R/var/lib/ftx/exports")" "2750 64999 www-data"
else
	skip "systemd-tmpfiles" "systemd is not installed"
fi

# logrotate: a forced rotation of a copy, as the log's owner.
if command -v logrotate >/dev/null 2>&1; then
	install -d -m 0750 -o nobody -g adm "$T/lr"
	echo "a line" >"$T/lr/ftx-fcgi.log"
	chown nobody "$T/lr/ftx-fcgi.log"
	sed -e "s|/var/log/ftx/|$T/lr/|; s|su ftx adm|su nobody adm|" \
	    "$C/logrotate.d/ftx" >"$T/logrotate.conf"
	ok "logrotate -f with logrotate.d/ftx" logrotate -f -s "$T/lr.state" \
	    "$T/logrotate.conf"
	is "logrotate: the log truncated in place" \
	    "$(stat -c '%s %U' "$T/lr/ftx-fcgi.log")" "0 nobody"
	is "logrotate: the old lines kept beside it" \
	    "$(cat "$T"/lr/ftx-fcgi.log-*)" "a line"
else
	skip "logrotate.d/ftx" "logrotate is not installed"
fi

# make install: where everything goes, and make uninstall takes it back.
if [ -f "$FTX_BUILDDIR/Makefile" ]; then
	I=$T/inst
	ok "make install DESTDIR prefix=/usr sysconfdir=/etc" make -s -C \
	    "$FTX_BUILDDIR" install DESTDIR="$I" prefix=/usr sysconfdir=/etc
	missing=
	for f in usr/bin/ftx-fcgi usr/bin/ftx-exportd usr/bin/ftx-admin \
	    etc/ftx/ftx.conf.sample \
	    usr/share/man/man8/ftx-fcgi.8 usr/share/man/man8/ftx-exportd.8 \
	    usr/share/man/man8/ftx-admin.8 usr/share/man/man5/ftx.conf.5 \
	    $(cd "$FTX_SRCDIR" && ls sql/*.sql | sed 's|^|usr/share/ftx/|') \
	    usr/share/ftx/conf/lighttpd/ftx-spawn.conf \
	    usr/share/ftx/conf/lighttpd/ftx-external.conf \
	    usr/share/ftx/conf/apache/ftx-proxy-fcgi.conf \
	    usr/share/ftx/conf/apache/ftx-fcgid.conf \
	    usr/share/ftx/contrib/systemd/ftx-fcgi.service \
	    usr/share/ftx/contrib/systemd/ftx-exportd.service \
	    usr/share/ftx/contrib/logrotate.d/ftx \
	    usr/share/ftx/contrib/tmpfiles.d/ftx.conf; do
		[ -f "$I/$f" ] || missing="$missing $f"
	done
	is "make install: every file in place" "$missing" ""
	ok "make install: the init scripts, executable" test -x \
	    "$I/usr/share/ftx/contrib/init.d/ftx-fcgi" -a -x \
	    "$I/usr/share/ftx/contrib/init.d/ftx-exportd"
	is "make install: nothing into /etc/init.d or systemd's directories" \
	    "$(cd "$I" && find etc lib usr/lib -path '*systemd*' -o -path '*init.d*' 2>/dev/null)" ""
	ok "the installed ftx-fcgi accepts the installed sample" \
	    "$I/usr/bin/ftx-fcgi" -t -c "$I/etc/ftx/ftx.conf.sample"
	ok "make uninstall" make -s -C "$FTX_BUILDDIR" uninstall DESTDIR="$I" \
	    prefix=/usr sysconfdir=/etc
	is "make uninstall: no file left" "$(find "$I" -type f)" ""
	# Another prefix: the installed units and scripts name its paths.
	ok "make install prefix=/opt/ftx" make -s -C "$FTX_BUILDDIR" install \
	    DESTDIR="$I" prefix=/opt/ftx
	like "prefix /opt/ftx: the unit runs its binary and configuration" \
	    "$(grep '^ExecStart=' "$I/opt/ftx/share/ftx/contrib/systemd/ftx-fcgi.service")" \
	    '^ExecStart=/opt/ftx/bin/ftx-fcgi -c /opt/ftx/etc/ftx/ftx.conf '
	like "prefix /opt/ftx: the init script's configuration" \
	    "$(grep 'CONFIG:=' "$I/opt/ftx/share/ftx/contrib/init.d/ftx-exportd")" \
	    '/opt/ftx/etc/ftx/ftx.conf'
	like "prefix /opt/ftx: mod_fcgid runs its binary" \
	    "$(grep FcgidWrapper "$I/opt/ftx/share/ftx/conf/apache/ftx-fcgid.conf")" \
	    '"/opt/ftx/bin/ftx-fcgi -f -c /opt/ftx/etc/ftx/ftx.conf"'
	make -s -C "$FTX_BUILDDIR" uninstall DESTDIR="$I" prefix=/opt/ftx \
	    >/dev/null 2>&1
else
	skip "make install" "no Makefile in $FTX_BUILDDIR"
fi

# ------------------------------------------------------------ the stack

stack_up FTX_FCGI_CHILDREN=2 FTX_EXPORTD_WORKERS=1
U=ftxstack	# the stack's system user: it reaches the database socket
# The stack's own daemons make way for the init scripts'.
for n in ftx-exportd ftx-fcgi; do
	p=$(cat "$FTX_STACK_DIR/pid/$n.pid" 2>/dev/null)
	[ -n "$p" ] || continue
	kill -TERM "$p"
	wait_for 20 sh -c "! kill -0 $p 2>/dev/null" || bail "$n $p did not stop"
done
is "the stack's web server has no pool behind it" \
    "$(http_code GET "$FTX_URL/v1/health")" 503

# Binaries, configuration and secret where the daemons' user reads them.
mkdir -p "$T/bin"
cp "$FTX_BUILDDIR/src/ftx-fcgi" "$FTX_BUILDDIR/src/ftx-exportd" "$T/bin/"
install -o "$U" -m 0600 "$(sed -n 's/^secret_file = //p' "$FTX_CONFIG")" \
    "$T/download.secret"
EXPORTS=$(sed -n 's/^export_dir = //p' "$FTX_CONFIG")
chown "$U" "$EXPORTS"
CFG=$T/ftx.conf
sed -e "s|^secret_file = .*|secret_file = $T/download.secret|" \
    "$FTX_CONFIG" >"$CFG"
SOCK=$(sed -n 's/^listen = //p' "$CFG")

# The settings of ftx-fcgi come from the environment, those of
# ftx-exportd from a defaults file (as /etc/default/ftx-exportd).
fcgi() {
	env FTX_DEFAULTS=/dev/null DAEMON="$T/bin/ftx-fcgi" \
	    CONFIG="${FCGI_CONF:-$CFG}" \
	    PIDDIR="$T/run" RUN_AS="$U" SOCKET_GROUP= \
	    LOGFILE="${FCGI_LOG-$T/log/ftx-fcgi.log}" STOP_TIMEOUT=20 \
	    "$C/init.d/ftx-fcgi" "$@"
}
cat >"$T/default-exportd" <<EOF
DAEMON=$T/bin/ftx-exportd
CONFIG=$CFG
PIDDIR=$T/run
RUN_AS=$U
SOCKET_GROUP=
LOGFILE=$T/log/ftx-exportd.log
EOF
exportd() {
	env FTX_DEFAULTS="$T/default-exportd" "$C/init.d/ftx-exportd" "$@"
}
# run NAME ACTION: sets OUT (stdout and stderr) and RC.
run() {
	OUT=$("$@" 2>&1)
	RC=$?
}
pid_of() {
	cat "$T/run/$1.pid" 2>/dev/null
}
nchildren() {
	pgrep -P "$1" | wc -l
}
health() {
	http_code GET "$FTX_URL/v1/health"
}
# health_ok: 200 through the stack's web server, which may take a second
# to try a backend again after it failed.
health_ok() {
	wait_for 10 sh -c "[ \$(curl -s -o /dev/null -w '%{http_code}' '$FTX_URL/v1/health') = 200 ]"
}

# ---- ftx-fcgi

run fcgi status
is "ftx-fcgi status before start: 3" "$RC" 3
run fcgi start
is "ftx-fcgi start: 0" "$RC:$OUT" "0:Starting ftx FastCGI pool: ftx-fcgi."
P=$(pid_of ftx-fcgi)
like "ftx-fcgi pidfile under PIDDIR" "$P" '^[0-9]+$'
is "ftx-fcgi runs as $U" "$(ps -o user= -p "$P")" "$U"
is "PIDDIR made for $U" "$(stat -c '%U %a' "$T/run")" "$U 2750"
is "ftx-fcgi started with -u $U" "$(tr '\0' ' ' <"/proc/$P/cmdline")" \
    "$T/bin/ftx-fcgi -f -c $CFG -p $T/run/ftx-fcgi.pid -u $U "
is "its socket: 0660, $U's" "$(stat -c '%a %U' "$SOCK")" "660 $U"
is "ftx-fcgi master: comm" "$(cat "/proc/$P/comm")" ftx-fcgi
ok "ftx-fcgi: two children" wait_for 10 sh -c "[ \$(pgrep -P $P | wc -l) = 2 ]"
ok "health through the stack's web server" health_ok
ok "ftx-fcgi log: started" wait_for 5 grep -q 'notice: started 2 responders' \
    "$T/log/ftx-fcgi.log"
ok "ftx-fcgi log: the request" wait_for 5 grep -q 'GET /v1/health 200' \
    "$T/log/ftx-fcgi.log"
is "ftx-fcgi log file owned by $U" "$(stat -c %U "$T/log/ftx-fcgi.log")" "$U"
run fcgi status
is "ftx-fcgi status running: 0" "$RC" 0
like "ftx-fcgi status names the pid" "$OUT" "running \\(pid $P\\)"
run fcgi start
is "ftx-fcgi start again: 0" "$RC" 0
is "ftx-fcgi start again: same process" "$(pid_of ftx-fcgi)" "$P"

# Reload: refused while the file is broken, then taken.
cp "$CFG" "$CFG.good"
printf '[fcgi]\nchildren = many\n' >>"$CFG"
run fcgi reload
is "ftx-fcgi reload of a broken file: 6" "$RC" 6
like "ftx-fcgi reload names the line" "$OUT" "ftx.conf:[0-9]+: .*children"
run fcgi restart
is "ftx-fcgi restart with a broken file: 6" "$RC" 6
is "ftx-fcgi kept running" "$(pid_of ftx-fcgi):$(kill -0 "$P" && echo alive)" \
    "$P:alive"
sed 's/^children = .*/children = 3/' "$CFG.good" >"$CFG"
run fcgi reload
is "ftx-fcgi reload: 0" "$RC" 0
ok "ftx-fcgi reload took effect: three children" wait_for 10 \
    sh -c "[ \$(pgrep -P $P | wc -l) = 3 ]"
ok "ftx-fcgi log: reloaded" wait_for 5 grep -q \
    "configuration reloaded from $CFG" "$T/log/ftx-fcgi.log"
is "ftx-fcgi same master after reload" "$(pid_of ftx-fcgi)" "$P"
run fcgi force-reload
is "ftx-fcgi force-reload: 0" "$RC" 0
run fcgi restart
is "ftx-fcgi restart: 0" "$RC" 0
P2=$(pid_of ftx-fcgi)
isnt "ftx-fcgi restart: a new master" "$P2" "$P"
ok "ftx-fcgi after restart: health" health_ok

# ---- ftx-exportd

run exportd start
is "ftx-exportd start: 0" "$RC" 0
E=$(pid_of ftx-exportd)
like "ftx-exportd pidfile" "$E" '^[0-9]+$'
is "ftx-exportd runs as $U" "$(ps -o user= -p "$E")" "$U"
ok "ftx-exportd: one worker" wait_for 10 sh -c "[ \$(pgrep -P $E | wc -l) = 1 ]"
ok "ftx-exportd log: started" wait_for 5 grep -q 'notice: started 1 workers' \
    "$T/log/ftx-exportd.log"
run exportd status
is "ftx-exportd status running: 0" "$RC" 0

# An export, end to end, with the init scripts' daemons.
admin demo-data --tenant ops --suppliers 2 --transfers 40 --seed 6 >/dev/null ||
    bail "demo-data"
uid=$(admin user add --tenant ops --email ops@example.org --role OPERATOR) ||
    bail "user add"
KEY=$(admin key create "$uid") || bail "key create"
body=$(curl -s --max-time 10 -d '' -H 'dj-client: OPERATOR' \
    -H "dj-api-key: $KEY" "$FTX_URL/v1/payments/funding-transfers/export")
X=$(printf '%s' "$body" | $PY -c 'import json,sys; print(json.load(sys.stdin)["exportId"])' 2>/dev/null)
isnt "an export queued" "$X" ""
ok "the export is READY" wait_for 20 sh -c \
    "[ \"\$(psql '$FTX_DSN' -XAtq -c \"SELECT status FROM exports WHERE id = '$X'\")\" = READY ]"
ok "ftx-exportd log: READY" grep -q "export $X: READY" "$T/log/ftx-exportd.log"
FILE=$(find "$EXPORTS" -name "$X.csv")
is "the file written by $U" "$(stat -c %U "$FILE" 2>/dev/null)" "$U"
URL=$(curl -s --max-time 10 -H 'dj-client: OPERATOR' -H "dj-api-key: $KEY" \
    "$FTX_URL/v1/payments/funding-transfers/export/$X" |
    $PY -c 'import json,sys; print(json.load(sys.stdin)["downloadUrl"])' 2>/dev/null)
like "a download link" "$URL" "/export/$X/download\\?"
DLPATH=/${URL#*://*/}
# download BASE: the file through the web server at BASE.
download() {
	rm -f "$T/dl.csv"	# curl does not create it for an empty body
	curl -s --max-time 10 -o "$T/dl.csv" -w '%{http_code}' "$1$DLPATH"
	echo " $(cmp -s "$T/dl.csv" "$FILE" && echo same || echo different)"
}
is "download through the stack's lighttpd" "$(download "$FTX_URL")" "200 same"
# head_length BASE: the Content-Length of a HEAD of the download.
head_length() {
	curl -s --max-time 10 -I "$1$DLPATH" | tr -d '\r' |
	    sed -n 's/^[Cc]ontent-[Ll]ength: //p'
}
SIZE=$(stat -c %s "$FILE" 2>/dev/null)

# Reload: two workers.
sed -i 's/^workers = .*/workers = 2/' "$CFG"
run exportd reload
is "ftx-exportd reload: 0" "$RC" 0
ok "ftx-exportd reload took effect: two workers" wait_for 10 \
    sh -c "[ \$(pgrep -P $E | wc -l) = 2 ]"
ok "ftx-exportd log: reloaded" wait_for 5 grep -q 'configuration reloaded' \
    "$T/log/ftx-exportd.log"

# ------------------------------------------------------------ web servers

# serve NAME CMD...: starts a web server in the background.
serve() {
	_n=$1
	shift
	setsid "$@" </dev/null >"$T/$_n.out" 2>&1 &
	echo $! >"$T/$_n.serve"
}
unserve() {
	_p=$(cat "$T/$1.serve")
	kill "$_p" 2>/dev/null
	wait_for 10 sh -c "! kill -0 $_p 2>/dev/null"
}
web_ok() {
	wait_for 15 sh -c "[ \$(curl -s -o /dev/null -w '%{http_code}' '$1/v1/health') = 200 ]"
}
# snippet FILE: the file with its paths pointed at this test's.
snippet() {
	sed -e "s|/usr/bin/ftx-fcgi|$T/bin/ftx-fcgi|g" \
	    -e "s|/etc/ftx/ftx.conf|$T/spawn.conf|g" \
	    -e "s|/run/ftx/ftx-fcgi.sock|$SOCK|g" \
	    -e "s|/run/lighttpd/ftx-fcgi.sock|$T/lsock/ftx-fcgi.sock|g" \
	    -e "s|/var/lib/ftx/exports|$EXPORTS|g" "$1"
}
# The spawned pools: socket on fd 0, one responder (mod_fcgid's advice).
sed -e 's/^listen = .*/listen =/' -e 's/^children = .*/children = 1/' \
    "$CFG" >"$T/spawn.conf"

lighttpd_conf() {
	cat <<EOF
server.modules = ( "mod_access", "mod_fastcgi" )
server.bind = "127.0.0.1"
server.port = $1
server.document-root = "$T"
server.errorlog = "$T/lsock/lighttpd-$2-error.log"
server.username = "$U"
server.groupname = "$U"
include "$T/lighttpd-$2.snippet"
EOF
}
apache_conf() {
	apache_base_conf "$T" "$1" "$T/apache-$2.httpd.pid" fcgid
	cat <<EOF
<IfModule fcgid_module>
	FcgidIPCDir "$T/fcgid"
	FcgidProcessTableFile "$T/fcgid.shm"
</IfModule>
ErrorLog "$T/apache-$2-error.log"
User $U
Group $U
DocumentRoot "$T/www"
Include "$T/apache-$2.snippet"
EOF
}
mkdir -p "$T/www"
install -d -o "$U" "$T/lsock"	# as /run/lighttpd, lighttpd's own

for kind in external spawn; do
	port=$(free_port) || bail "no free port"
	snippet "$CONF/lighttpd/ftx-$kind.conf" >"$T/lighttpd-$kind.snippet"
	lighttpd_conf "$port" "$kind" >"$T/lighttpd-$kind.conf"
	ok "lighttpd ftx-$kind.conf: lighttpd -tt" lighttpd -tt -f "$T/lighttpd-$kind.conf"
	serve "lighttpd-$kind" lighttpd -D -f "$T/lighttpd-$kind.conf"
	ok "lighttpd ftx-$kind.conf: health" web_ok "http://127.0.0.1:$port"
	is "lighttpd ftx-$kind.conf: download (X-Sendfile)" \
	    "$(download "http://127.0.0.1:$port")" "200 same"
	is "lighttpd ftx-$kind.conf: HEAD has the Content-Length" \
	    "$(head_length "http://127.0.0.1:$port")" "$SIZE"
	is "lighttpd ftx-$kind.conf: only /v1/ goes to ftx" \
	    "$(http_code GET "http://127.0.0.1:$port/v2/health")" 404
	if [ "$kind" = spawn ]; then
		lp=$(cat "$T/lighttpd-$kind.serve")
		like "lighttpd spawned ftx-fcgi on fd 0" \
		    "$(pgrep -a -P "$lp" ftx-fcgi)" "ftx-fcgi -f -c $T/spawn.conf"
		is "lighttpd spawned ftx-fcgi as its own user" \
		    "$(ps -o user= -p "$(pgrep -P "$lp" ftx-fcgi | head -1)")" "$U"
	fi
	unserve "lighttpd-$kind"
	if [ "$kind" = spawn ]; then
		ok "lighttpd stopped its ftx-fcgi" wait_for 10 \
		    sh -c "! pgrep -f '[f]tx-fcgi -f -c $T/spawn.conf'"
	fi
done

for kind in proxy-fcgi fcgid; do
	port=$(free_port) || bail "no free port"
	snippet "$CONF/apache/ftx-$kind.conf" >"$T/apache-$kind.snippet"
	apache_conf "$port" "$kind" >"$T/apache-$kind.conf"
	ok "apache ftx-$kind.conf: apache2 -t" apache2 -t -f "$T/apache-$kind.conf"
	serve "apache-$kind" apache2 -f "$T/apache-$kind.conf" -DFOREGROUND
	ok "apache ftx-$kind.conf: health" web_ok "http://127.0.0.1:$port"
	is "apache ftx-$kind.conf: download (X-Sendfile)" \
	    "$(download "http://127.0.0.1:$port")" "200 same"
	is "apache ftx-$kind.conf: HEAD has the Content-Length" \
	    "$(head_length "http://127.0.0.1:$port")" "$SIZE"
	is "apache ftx-$kind.conf: only /v1/ goes to ftx" \
	    "$(http_code GET "http://127.0.0.1:$port/v2/health")" 404
	if [ "$kind" = fcgid ]; then
		like "mod_fcgid spawned ftx-fcgi as $U" \
		    "$(pgrep -a -u "$U" -f "ftx-fcgi -f -c $T/spawn.conf")" ftx-fcgi
	fi
	unserve "apache-$kind"
	if [ "$kind" = fcgid ]; then
		ok "apache stopped its ftx-fcgi" wait_for 10 \
		    sh -c "! pgrep -f '[f]tx-fcgi -f -c $T/spawn.conf'"
	fi
done
# A missing module is named at start-up.
for mod in xsendfile env proxy_fcgi fcgid; do
	kind=fcgid
	[ "$mod" = proxy_fcgi ] && kind=proxy-fcgi
	sed "/mod_$mod.so/d" "$T/apache-$kind.conf" >"$T/apache-no-$mod.conf"
	run apache2 -t -f "$T/apache-no-$mod.conf"
	like "apache ftx-$kind.conf without mod_$mod: the snippet says so" \
	    "$OUT" "ftx: mod_$mod is not loaded"
done

# ------------------------------------------------------------ stop

run exportd stop
is "ftx-exportd stop: 0" "$RC" 0
ok "ftx-exportd gone" sh -c "! kill -0 $E 2>/dev/null && ! pgrep -P $E"
is "ftx-exportd pidfile removed" "$(ls "$T/run")" ftx-fcgi.pid
ok "ftx-exportd log: exiting" grep -q 'notice: exiting' "$T/log/ftx-exportd.log"
run fcgi stop
is "ftx-fcgi stop: 0" "$RC" 0
ok "ftx-fcgi gone" sh -c "! kill -0 $P2 2>/dev/null && ! pgrep -P $P2"
is "ftx-fcgi pidfile and socket removed" \
    "$(ls "$T/run"):$([ -e "$SOCK" ] && echo "$SOCK")" ":"
is "health without the pool" "$(health)" 503
run fcgi status
is "ftx-fcgi status stopped: 3" "$RC" 3
run exportd status
is "ftx-exportd status stopped: 3" "$RC" 3
run fcgi stop
is "ftx-fcgi stop when stopped: 0" "$RC" 0
run exportd reload
is "ftx-exportd reload when stopped: 7" "$RC" 7
run exportd force-reload
is "ftx-exportd force-reload when stopped: 0" "$RC" 0
echo 12345678 >"$T/run/ftx-exportd.pid"
run exportd status
is "ftx-exportd status with a stale pidfile: 1" "$RC" 1
rm -f "$T/run/ftx-exportd.pid"

# ------------------------------------------------------------ syslog mode

# Without LOGFILE the daemons detach themselves: the script returns when
# they are ready, or fails with their reason.
FCGI_LOG=
export FCGI_LOG
run fcgi start
is "ftx-fcgi start detached: 0" "$RC" 0
P3=$(pid_of ftx-fcgi)
is "ftx-fcgi detached: its own session" "$(ps -o sid= -p "$P3" | tr -d ' ')" "$P3"
ok "ftx-fcgi detached: health" health_ok
run fcgi stop
is "ftx-fcgi detached: stop 0" "$RC:$(kill -0 "$P3" 2>/dev/null || echo gone)" "0:gone"
sed "s|^listen = .*|listen = $T/no/such/dir/s.sock|" "$CFG" >"$T/bad-listen.conf"
FCGI_CONF=$T/bad-listen.conf run fcgi start
is "ftx-fcgi that cannot listen: start fails" "$RC" 1
like "ftx-fcgi that cannot listen: the reason" "$OUT" "no/such/dir/s.sock"
run fcgi status
is "ftx-fcgi that cannot listen: status 3" "$RC" 3

done_testing
