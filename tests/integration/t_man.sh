#!/bin/bash
# t_man.sh - the manual pages: mandoc -Tlint finds nothing at warning level,
# each page documents exactly the options its program's getopt() takes (and
# ftx-admin's long options and commands), ftx.conf.5 documents exactly the
# keys of conf/ftx.conf.sample and of the parser's table in src/config.c,
# and the example configuration in ftx.conf.5 passes "ftx-fcgi -t".
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

S=$FTX_SRCDIR/src
PAGES="ftx-fcgi.8 ftx-exportd.8 ftx-admin.8 ftx.conf.5"

if ! command -v mandoc >/dev/null 2>&1; then
	echo "1..0 # SKIP mandoc is not installed (contrib/install-deps)"
	exit 0
fi

# ---- lint

for p in $PAGES; do
	if [ ! -f "$S/$p" ]; then
		fail "$p exists"
		continue
	fi
	out=$(mandoc -Tlint -W warning "$S/$p" 2>&1)
	rc=$?
	is "$p: mandoc -Tlint -W warning finds nothing" "$rc:$out" "0:"
done

# ---- options

# letters OPTSTRING: the option letters of a getopt() string, one per line.
letters() {
	printf '%s\n' "$1" | tr -d ':+' | fold -w1 | sort -u
}
# page_flags PAGE: the single-letter flags of the option list (".It Fl x").
page_flags() {
	sed -n 's/^\.It Fl \([A-Za-z0-9]\)\( .*\)\{0,1\}$/\1/p' "$1" | sort -u
}
# synopsis PAGE: the SYNOPSIS section.
synopsis() {
	sed -n '/^\.Sh SYNOPSIS/,/^\.Sh /p' "$1"
}
# getopt_string FILE: the option string of the getopt() call in FILE.
getopt_string() {
	sed -n 's/.*[^_]getopt(argc, argv, "\([^"]*\)").*/\1/p' "$1" | head -1
}

daemon_opts=$(getopt_string "$S/daemon.c")
isnt "the daemons' getopt string found in src/daemon.c" "$daemon_opts" ""
admin_opts=$(getopt_string "$S/admin_main.c")
isnt "ftx-admin's getopt string found in src/admin_main.c" "$admin_opts" ""

for p in ftx-fcgi.8:"$daemon_opts" ftx-exportd.8:"$daemon_opts" \
    ftx-admin.8:"$admin_opts"; do
	page=$S/${p%%:*}
	want=$(letters "${p#*:}")
	is "${p%%:*}: the option list is the getopt string \"${p#*:}\"" \
	    "$(page_flags "$page" | tr '\n' ' ')" "$(echo "$want" | tr '\n' ' ')"
	missing=
	for l in $want; do
		# In "Op Fl ftV" or "Op Fl c Ar config".
		synopsis "$page" | grep -Eq "^\.Op Fl ([A-Za-z]*${l}[A-Za-z]*\$|$l )" ||
		    missing="$missing -$l"
	done
	is "${p%%:*}: every option in the SYNOPSIS" "$missing" ""
done

# ftx-admin: long options and commands, from the C tables.
longopts=$(sed -n '/longopts\[\] = {/,/^};/s/^[[:space:]]*{ "\([a-z-]*\)",.*/\1/p' \
    "$S/admin_main.c" "$S/admin_webhook.c" | sort -u)
isnt "ftx-admin's long options found" "$longopts" ""
page_long=$(grep -o 'Fl -[a-z][a-z-]*' "$S/ftx-admin.8" | sed 's/^Fl -//' | sort -u)
is "ftx-admin.8 documents exactly the long options" \
    "$(echo "$page_long" | tr '\n' ' ')" "$(echo "$longopts" | tr '\n' ' ')"

commands=$({ sed -n '/commands\[\] = {/,/^};/s/^[[:space:]]*{ "\([a-z-]*\)", \(NULL\|"\([a-z]*\)"\),.*/\1 \3/p' \
    "$S/admin_main.c" | sed 's/ $//'
    # and the webhook verbs of src/admin_webhook.c
    sed -n '/wcommands\[\] = {/,/^};/s/^[[:space:]]*{ "\([a-z-]*\)",.*/webhook \1/p' \
    "$S/admin_webhook.c"; } | sort -u)
isnt "ftx-admin's commands found" "$commands" ""
# ".It Cm user add Ar ..." or, for long ones, ".It Xo" then ".Cm user add".
page_cmds=$(sed -n 's/^\.It Cm \([a-z-]*\)\( [a-z][a-z-]*\)\{0,1\}\( .*\)\{0,1\}$/\1\2/p;
    /^\.It Xo$/{n;s/^\.Cm \([a-z-]*\)\( [a-z][a-z-]*\)\{0,1\}$/\1\2/p;}' \
    "$S/ftx-admin.8" | sort -u)
is "ftx-admin.8 documents exactly the commands" \
    "$(echo "$page_cmds" | tr '\n' ',')" "$(echo "$commands" | tr '\n' ',')"

# ---- configuration keys

# sample_keys: "section.key" for every key of conf/ftx.conf.sample.
sample_keys() {
	awk '/^\[[a-z_]+\]/ { s = substr($1, 2, length($1) - 2); next }
	    /^#? ?[a-z_]+ = / { k = $0; sub(/^# ?/, "", k); sub(/ .*/, "", k)
	    print s "." k }' "$FTX_SRCDIR/conf/ftx.conf.sample" | sort -u
}
# table_keys: "section.key" for every entry of the table in src/config.c.
table_keys() {
	sed -n 's/^[[:space:]]*\(STR\|INT\|BOOL\|ENUM\|SECRET\|MODE\)("\([a-z_]*\)", "\([a-z_]*\)".*/\2.\3/p' \
	    "$S/config.c" | sort -u
}
# page_keys: "section.key" for every ".It Cm key No =" under ".Sh [section]".
page_keys() {
	awk '/^\.Sh / { s = ""; if ($2 ~ /^\[[a-z_]+\]$/) s = substr($2, 2, length($2) - 2); next }
	    s != "" && /^\.It Cm [a-z_]+ No = / { print s "." $3 }' \
	    "$S/ftx.conf.5" | sort -u
}
sk=$(sample_keys)
tk=$(table_keys)
pk=$(page_keys)
like "keys found in the sample" "$(echo "$sk" | wc -l)" '^[[:space:]]*[1-9][0-9]+$'
is "the sample shows every key of src/config.c" "$(echo "$sk" | tr '\n' ' ')" \
    "$(echo "$tk" | tr '\n' ' ')"
is "ftx.conf.5 documents exactly the keys of the sample" \
    "$(echo "$pk" | tr '\n' ' ')" "$(echo "$sk" | tr '\n' ' ')"
undoc=$(comm -23 <(echo "$sk") <(echo "$pk") | tr '\n' ' ')
is "no key of the sample missing from ftx.conf.5" "$undoc" ""

# Each documented default is the parser's: "Default N." against -t of a
# file setting nothing is not observable, so compare the sample's values.
bad=
while IFS= read -r sk1; do
	sec=${sk1%%.*} key=${sk1#*.}
	val=$(awk -v s="[$sec]" -v k="$key" '$1 == s { in_s = 1; next }
	    /^\[/ { in_s = 0 } in_s && $0 ~ "^# " k " = " {
	    v = $0; sub("^# " k " = ", "", v); print v; exit }' \
	    "$FTX_SRCDIR/conf/ftx.conf.sample")
	case $val in
	'' | '""' | *[!0-9]*) continue ;;
	esac
	awk -v s="[$sec]" -v k="$key" -v v="$val" '
	    /^\.Sh / { in_s = ($2 == s); next }
	    in_s && $0 ~ "^\\.It Cm " k " " { in_k = 1; next }
	    in_s && /^\.It / { in_k = 0 }
	    in_k && $0 ~ "^Default " v "[ .]" { found = 1 }
	    END { exit !found }' "$S/ftx.conf.5" || bad="$bad $sk1=$val"
done <<EOF
$sk
EOF
is "numeric defaults in ftx.conf.5 match the sample" "$bad" ""

# The example of ftx.conf.5 is a valid file.
FCGI=$FTX_BUILDDIR/src/ftx-fcgi
ex=$(mktemp /tmp/ftx-man.XXXXXX) || bail "mktemp"
at_exit "rm -f '$ex'"
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /{/^\.Bd -literal/,/^\.Ed/p;}' "$S/ftx.conf.5" |
    sed '/^\.Bd/d;/^\.Ed/d' >"$ex"
like "ftx.conf.5 has an example file" "$(cat "$ex")" '^\[database\]'
if [ -x "$FCGI" ]; then
	ok "the example of ftx.conf.5 passes ftx-fcgi -t" "$FCGI" -t -c "$ex"
else
	skip "the example of ftx.conf.5 passes ftx-fcgi -t" "ftx-fcgi not built"
fi

# The pages name each other and the daemons' files consistently.
for p in ftx-fcgi.8 ftx-exportd.8; do
	like "$p names its pidfile" "$(cat "$S/$p")" "/run/ftx/${p%.8}\\.pid"
done

done_testing
