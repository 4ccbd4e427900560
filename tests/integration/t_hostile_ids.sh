#!/bin/bash
# t_hostile_ids.sh - SPEC §16: identities of any length up to 255 bytes
# work exactly and are never cut short; an over-long one is refused, never
# read as another; upstream ids with '/', "..", '%', spaces, quotes, CR or
# LF give exports whose files stay inside export_dir, named from the export
# id and a safe encoding of the tenant id, and no such byte reaches a
# response header (X-Sendfile included).
#
# Tenants h^64, h^128 (the sizes of the id buffers that used to cut ids)
# and two of 255 bytes sharing their first 250 each see only their own
# transfers, through the API and in their exports.  Upstream data (tenants,
# suppliers, accounts, transfers) is written with SQL, as upstream systems
# do; users whose tenant ftx-admin refuses (a CR or LF in it) too.
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

EPATH=/v1/payments/funding-transfers/export
TPATH=/v1/payments/funding-transfers
CR=$(printf '\r')
NL='
'
stack_up FTX_CONF_APPEND='[exportd]
retry_delay = 1'
EXPORT_DIR=$(sed -n 's/^export_dir = "\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$FTX_CONFIG")
REAL_EXPORT_DIR=$(realpath "$EXPORT_DIR")
FCGI_LOG=$FTX_STACK_DIR/log/ftx-fcgi.log
EVIL=/tmp/ftx-hostile-$$
at_exit "rm -rf '$EVIL'"

# psql_v SQL NAME=VALUE...: SQL run with each :'NAME' bound by psql as a
# quoted literal, whatever bytes VALUE holds.
psql_v() {
	_sql=$1
	shift
	_args=()
	for _a in "$@"; do _args+=(-v "$_a"); done
	printf '%s\n' "$_sql" | psql "$FTX_DSN" -XAtq -v ON_ERROR_STOP=1 "${_args[@]}"
}

# upstream TENANT SUPPLIER_ID EXTERNAL_ID REFERENCE N: the tenant (unless
# ftx-admin added it), one supplier, its accounts and N transfers carrying
# REFERENCE.
upstream() {
	psql_v "
INSERT INTO tenants (id, name) VALUES (:'t', 'hostile tenant')
    ON CONFLICT (id) DO NOTHING;
INSERT INTO suppliers (id, tenant_id, external_id, name)
    VALUES (:'s', :'t', :'x', 'Supplier ' || :'x');
INSERT INTO balance_accounts (id, tenant_id, type, supplier_id) VALUES
    ('mk-' || md5(:'t'), :'t', 'MARKETPLACE', NULL),
    ('sa-' || md5(:'t' || :'s'), :'t', 'SUPPLIER', :'s')
    ON CONFLICT (id) DO NOTHING;
INSERT INTO funding_transfers (id, tenant_id, created_at, status, amount,
    currency, source_balance_account_id, target_balance_account_id,
    supplier_id, reference)
SELECT 'ft-' || md5(:'t' || :'s') || '-' || g, :'t',
    '2026-01-01T00:00:00Z'::timestamptz + g * interval '1 minute',
    'COMPLETED', g, 'EUR', 'mk-' || md5(:'t'), 'sa-' || md5(:'t' || :'s'),
    :'s', :'r'
FROM generate_series(1, :n) g;" t="$1" s="$2" x="$3" r="$4" n="$5"
}

# sql_user TENANT EMAIL [SUPPLIER_ID]: a user row written directly (for a
# tenant ftx-admin refuses); prints its id.
sql_user() {
	if [ -n "${3:-}" ]; then
		psql_v "INSERT INTO users (tenant_id, email, role, supplier_id)
		    VALUES (:'t', :'e', 'SUPPLIER', :'s') RETURNING id" \
		    t="$1" e="$2" s="$3"
	else
		psql_v "INSERT INTO users (tenant_id, email, role)
		    VALUES (:'t', :'e', 'OPERATOR') RETURNING id" t="$1" e="$2"
	fi
}

left_pending() {
	[ "$(psql_q "SELECT status FROM exports WHERE id = '$1'")" != PENDING ]
}

# seen KEY [CLIENT]: the references of the transfers the caller sees,
# de-duplicated, then how many transfers.
seen() {
	api "$TPATH?size=100" "$1" "${2:-OPERATOR}"
	jv '" ".join(sorted(set(x["reference"] for x in d["data"]))) + " %d" % len(d["data"])'
}

api() {
	req GET "$FTX_URL$1" -H "dj-client: ${3:-OPERATOR}" -H "dj-api-key: $2"
}

# export_ready KEY [CLIENT]: POSTs an export and waits for it to leave
# PENDING; sets X (its id) and BODY (the export object).
export_ready() {
	req POST "$FTX_URL$EPATH" -H "dj-client: ${2:-OPERATOR}" \
	    -H "dj-api-key: $1" -H 'Content-Type: application/json' \
	    --data-binary '{}'
	X=$(jv 'd["exportId"]')
	wait_for 60 left_pending "$X"
	api "$EPATH/$X" "$1" "${2:-OPERATOR}"
}

# file_checks LABEL TENANT: the export X's file is export_dir/<tenant
# dir>/X.csv, inside export_dir once resolved, and its link serves it with
# clean headers.
file_checks() {
	_path=$(psql_q "SELECT file_path FROM exports WHERE id = '$X'")
	is "$1: the file is export_dir/<safe tenant dir>/<exportId>.csv" \
	    "$_path" "$EXPORT_DIR/$(export_tenant_dir "$2")/$X.csv"
	like "$1: ... and resolves inside export_dir" \
	    "$(realpath "$_path")" "^$REAL_EXPORT_DIR/[A-Za-z0-9_-]+/$X\\.csv\$"
	_sha=$(jv 'd["sha256"]')
	req GET "$(jv 'd["downloadUrl"]')"
	is "$1: download: 200" "$CODE" 200
	is "$1: download: the file recorded" \
	    "$(sha256sum <"$FTX_STACK_DIR/req.out" | cut -d ' ' -f 1)" "$_sha"
	unlike "$1: no injected or server header reaches the client" "$HDRS" \
	    '^(X-Evil|X-Sendfile|X-LIGHTTPD-send-file|X-Accel-Redirect)'
}

# ------------------------------------------------- ids sharing long prefixes
H250=$(printf 'h%.0s' $(seq 250))
P64=${H250:0:64}
P128=${H250:0:128}
A=${H250}AAAAA
B=${H250}BBBBB
is "tenant ids of 255 bytes" "${#A} ${#B}" "255 255"
i=0
for t in "$P64" "$P128" "$A" "$B"; do
	i=$((i + 1))
	ok "tenant of ${#t} bytes added (ftx-admin)" admin tenant add "$t" "T$i"
	# Supplier ids as long as the tenant's, sharing long prefixes too.
	ok "its upstream data ($i transfers)" upstream "$t" "s$i-${t:3}" \
	    "EXT-$i" "only-$i" "$i"
	u=$(admin user add --tenant "$t" --email "op$i@long.example" \
	    --role OPERATOR) || bail "user of tenant $i"
	KEY[$i]=$(admin key create "$u") || bail "key of tenant $i"
	s=$(admin user add --tenant "$t" --email "sup$i@long.example" \
	    --role SUPPLIER --supplier "EXT-$i") || bail "supplier user $i"
	SKEY[$i]=$(admin key create "$s") || bail "supplier key $i"
done
DIR_A=$(export_tenant_dir "$A")
DIR_B=$(export_tenant_dir "$B")
isnt "A and B get distinct directories" "$DIR_A" "$DIR_B"

i=0
for t in "$P64" "$P128" "$A" "$B"; do
	i=$((i + 1))
	n=${#t}
	is "$n-byte tenant ($i): sees its own transfers only (API)" \
	    "$(seen "${KEY[$i]}")" "only-$i $i"
	is "$n-byte tenant ($i): its supplier user too" \
	    "$(seen "${SKEY[$i]}" SUPPLIER)" "only-$i $i"
	export_ready "${KEY[$i]}"
	is "$n-byte tenant ($i): export READY (needs queue.c ids held whole)" \
	    "$(jv 'd["status"]')" READY
	is "$n-byte tenant ($i): its export has its own rows only" \
	    "$(jv 'd["rowCount"]')" "$i"
	file_checks "$n-byte tenant ($i)" "$t"
	ok "$n-byte tenant ($i): the CSV holds no other tenant's reference" \
	    sh -c 'grep -q "only-$1" "$2" && ! grep -v "only-$1" "$2" | grep -q only-' \
	    sh "$i" "$FTX_STACK_DIR/req.out"
done

# Transfer ids of 255 bytes sharing 250, at one instant: the list's keyset
# cursor must hold them whole or pages repeat or skip rows.
ok "tenant pg added" admin tenant add pg "Paging"
ok "its supplier" upstream pg sup-pg EXT-pg ref-pg 0
psql_v "INSERT INTO funding_transfers (id, tenant_id, created_at, status,
    amount, currency, source_balance_account_id, target_balance_account_id,
    supplier_id, reference)
SELECT :'p' || lpad(g::text, 5, '0'), 'pg', '2026-02-01T00:00:00Z', 'PENDING',
    g, 'EUR', 'mk-' || md5('pg'), 'sa-' || md5('pg' || 'sup-pg'), 'sup-pg',
    'ref-pg' FROM generate_series(1, 7) g" p="$H250" || bail "pg transfers"
u=$(admin user add --tenant pg --email op@pg.example --role OPERATOR) &&
    KPG=$(admin key create "$u") || bail "pg user"
got=$(walk_pages "$FTX_URL$TPATH" transferId OPERATOR "$KPG" 2 "")
same "255-byte transfer ids at one instant: every row once, pages of 2" \
    "$(printf '%s\n' "$got" | sed 's/^h*//')" "$(printf '%05d\n' 7 6 5 4 3 2 1)"
# An upstream transfer id longer than a cursor holds ends a page: the
# list fails (500) rather than name a cut cursor or end without one.
psql_v "INSERT INTO funding_transfers (id, tenant_id, created_at, status,
    amount, currency, source_balance_account_id, target_balance_account_id,
    supplier_id, reference)
SELECT :'p' || 'LONGER' || g, 'pg', '2030-01-01T00:00:00Z', 'PENDING', g, 'EUR',
    'mk-' || md5('pg'), 'sa-' || md5('pg' || 'sup-pg'), 'sup-pg', 'ref-pg'
    FROM generate_series(1, 2) g" p="$H250" || bail "long transfer ids"
api "$TPATH?size=1" "$KPG"
is "a 255+-byte transfer id at the end of a page: 500, not a cut cursor" \
    "$CODE $(errs)" "500 INTERNAL_ERROR:None"
api "$TPATH?size=3" "$KPG"
is "... a page that does not end on it: 200" "$CODE" 200

# ------------------------------------------------- over-long ids are refused
T256=${H250}CCCCCC
nok "a 256-byte tenant id: ftx-admin tenant add refuses" admin tenant add "$T256" x
ok "upstream may hold one (its tables are not ours)" upstream "$T256" \
    "sup-256" "EXT-256" "only-256" 1
nok "ftx-admin user add refuses it" admin user add --tenant "$T256" \
    --email o@x.example --role OPERATOR
nok "the users table refuses it (sql/002_ids.sql)" sql_user "$T256" o@x.example
ok "a supplier id of 256 bytes upstream" upstream "$A" "s256-$T256" \
    "EXT-256" "only-A256" 1
nok "ftx-admin cannot bind a SUPPLIER user to it" admin user add \
    --tenant "$A" --email s256@x.example --role SUPPLIER --supplier EXT-256
# Fail closed even if a row got past the schema: 401, never truncated.
psql_q "ALTER TABLE users DROP CONSTRAINT users_tenant_id_length" ||
    bail "drop constraint"
U256=$(sql_user "$T256" o256@x.example) || bail "user of 256"
K256=$(admin key create "$U256") || bail "key of 256"
api "$TPATH?size=100" "$K256"
is "a user whose tenant id is 256 bytes: 401" "$CODE" 401
is "... INVALID_API_KEY" "$(errs)" "INVALID_API_KEY:dj-api-key"
like "... and the log says why" "$(cat "$FCGI_LOG")" 'longer than 255 bytes: refused'
psql_q "DELETE FROM api_keys WHERE user_id = '$U256'; DELETE FROM users WHERE id = '$U256';
    ALTER TABLE users ADD CONSTRAINT users_tenant_id_length CHECK (octet_length(tenant_id) <= 255)" ||
    bail "restore constraint"

# ------------------------------------------------- hostile bytes in ids
# NAME|TENANT: every tenant id here but the last two goes through
# ftx-admin; those with CR or LF only exist upstream (ftx-admin refuses
# them: a user is written with SQL to reach them).
HOSTILE=(
	"../../../../../../../..$EVIL"
	"a/b/../../c"
	".."
	"50% \"off\" it's %2e%2e%2f"
	"  spaced  out  "
	"cr${CR}lf${NL}X-Evil: 1"
	"${NL}..${NL}/etc/passwd${CR}${NL}X-Sendfile: /etc/passwd"
)
i=0
for t in "${HOSTILE[@]}"; do
	i=$((i + 1))
	label="hostile tenant $i"
	sup="../s/$i/..${CR}${NL}X-Evil: 1 %00 \"q\" 'x' $t"
	ext="EXT/../$i %41 \"q\""
	ok "$label: upstream data with a hostile supplier id" upstream "$t" "$sup" "$ext" "ref-$i" 3
	case $t in
	*"$CR"* | *"$NL"*)
		nok "$label: ftx-admin refuses a tenant with CR or LF" admin \
		    user add --tenant "$t" --email "o$i@h.example" --role OPERATOR
		u=$(sql_user "$t" "o$i@h.example") || bail "$label: user"
		s=$(sql_user "$t" "s$i@h.example" "$sup") || bail "$label: supplier user"
		;;
	*)
		u=$(admin user add --tenant "$t" --email "o$i@h.example" \
		    --role OPERATOR) || bail "$label: user"
		s=$(admin user add --tenant "$t" --email "s$i@h.example" \
		    --role SUPPLIER --supplier "$ext") || bail "$label: supplier user"
		;;
	esac
	k=$(admin key create "$u") || bail "$label: key"
	sk=$(admin key create "$s") || bail "$label: supplier key"
	is "$label: the operator sees its 3 transfers" "$(seen "$k")" "ref-$i 3"
	is "$label: the supplier user sees its 3 transfers" \
	    "$(seen "$sk" SUPPLIER)" "ref-$i 3"
	export_ready "$k"
	is "$label: operator export READY" "$(jv 'd["status"]')" READY
	is "$label: with its 3 rows" "$(jv 'd["rowCount"]')" 3
	file_checks "$label (operator)" "$t"
	export_ready "$sk" SUPPLIER
	is "$label: supplier export READY" "$(jv 'd["status"]')" READY
	is "$label: supplier export: its 3 rows" "$(jv 'd["rowCount"]')" 3
	file_checks "$label (supplier)" "$t"
done

ok "nothing was written at $EVIL" test ! -e "$EVIL"
# A recorded file path outside export_dir (a row tampered with) is never
# removed when its export expires: the store refuses it.
CANARY=$EVIL-canary
mkdir -p "$CANARY" && echo keep >"$CANARY/victim.csv"
if id ftxstack >/dev/null 2>&1; then
	chown -R ftxstack "$CANARY"	# the workers' user could remove it
fi
at_exit "rm -rf '$CANARY'"
export_ready "$KPG"
psql_v "UPDATE exports SET file_path = :'p',
    expires_at = now() - interval '1 second' WHERE id = :'x'" \
    p="$CANARY/victim.csv" x="$X" >/dev/null
expired() {
	[ "$(psql_q "SELECT status FROM exports WHERE id = '$X'")" = EXPIRED ]
}
ok "an export whose recorded path is outside export_dir expires" \
    wait_for 60 expired
ok "... and expiry leaves the file there alone" test -s "$CANARY/victim.csv"
# Every export's id, as a find expression: files named after one of them.
names=()
for x in $(psql_q "SELECT id FROM exports"); do
	names+=(${names[0]:+-o} -name "*$x*")
done
is "no file named after an export outside export_dir" \
    "$(find "$FTX_STACK_DIR" /tmp -xdev -maxdepth 4 \( "${names[@]}" \) \
        -not -path "$EXPORT_DIR/*" 2>/dev/null | wc -l)" 0
is "every entry of export_dir is a safe tenant directory" \
    "$(find "$EXPORT_DIR" -mindepth 1 -maxdepth 1 | sed 's|.*/||' | grep -cvE '^[A-Za-z0-9_-]{1,32}_[0-9a-f]{64}$')" 0
is "no temporary file left" "$(find "$EXPORT_DIR" -name '*.tmp' | wc -l)" 0
diag "fault figures: $(psql_q "SELECT count(*) FROM exports") exports with ids" \
    "of 64 to 255 bytes or hostile bytes; lost 0, doubled 0, leaked 0"
done_testing
