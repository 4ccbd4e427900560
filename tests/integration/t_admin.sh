#!/bin/sh
# t_admin.sh - ftx-admin against a real PostgreSQL: migrations, tenants,
# suppliers, users, API keys (exact stdout, exit codes, no secret stored in
# clear or written to stderr) and deterministic demo data.
#
# Runs on its own stack (stack_up).  FTX_TEST_STACK_ENV=1 runs it instead
# against the database of the FTX_DSN, FTX_CONFIG and FTX_ADMIN already in
# the environment (development; it adds tenants there and creates, then
# drops, one scratch database).
: "${FTX_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$FTX_SRCDIR/tests/integration/lib.sh"

if [ "${FTX_TEST_STACK_ENV:-}" != 1 ]; then
	stack_up
fi
[ -x "$FTX_ADMIN" ] || bail "no ftx-admin at $FTX_ADMIN"

work=$(mktemp -d "${TMPDIR:-/tmp}/t_admin.XXXXXX") || bail "mktemp"
at_exit "rm -rf '$work'"
allerr=$work/all.err		# every stderr of ftx-admin, checked at the end
: >"$allerr"
secrets=$work/secrets		# every key secret printed
: >"$secrets"
tab=$(printf '\t')
uuid_re='^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
time_re='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'
key_re='^ftx_[a-z0-9]{8,32}_[A-Za-z0-9]{16,128}$'
T=acme$$			# tenants of this run
T2=other$$

# run ARGS...: ftx-admin ARGS; sets OUT (stdout), ERR (stderr), RC.
run() {
	OUT=$("$FTX_ADMIN" -c "${CONF:-$FTX_CONFIG}" "$@" 2>"$work/err")
	RC=$?
	ERR=$(cat "$work/err")
	cat "$work/err" >>"$allerr"
}

# created_of TABLE KEYCOL ID: its created_at as ftx-admin prints it.
created_of() {
	psql_q "SELECT to_char(created_at AT TIME ZONE 'UTC',
	    'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM $1 WHERE $2 = '$3'"
}

# ---------------------------------------------------------------- migrate

before=$(psql_q "SELECT version, name, applied_at FROM schema_migrations
    ORDER BY version")
nfiles=$(ls "$FTX_SRCDIR"/sql/[0-9]*_*.sql | wc -l)
is "every sql/ file is recorded" \
    "$(psql_q "SELECT count(*) FROM schema_migrations")" "$nfiles"
run migrate
is "migrate again: exit 0" "$RC" 0
like "migrate again: nothing applied" "$OUT" '^schema at version [0-9]+, 0 migrations applied$'
run migrate
is "migrate a third time: exit 0" "$RC" 0
is "schema_migrations unchanged" "$(psql_q "SELECT version, name, applied_at
    FROM schema_migrations ORDER BY version")" "$before"

# A fresh database, migrated by two ftx-admin at once: an advisory lock
# per migration makes one wait for the other, both succeed, each
# migration runs once.
fresh=ftx_adm_fresh_$$
if ok "scratch database created" psql_q "CREATE DATABASE $fresh"; then
	at_exit "psql '$FTX_DSN' -XAtq -c 'DROP DATABASE IF EXISTS $fresh' >/dev/null 2>&1"
	printf '[database]\nconninfo = "%s dbname=%s"\n' "$FTX_DSN" "$fresh" \
	    >"$work/fresh.conf"
	"$FTX_ADMIN" -c "$work/fresh.conf" migrate >"$work/m1.out" 2>&1 &
	p1=$!
	"$FTX_ADMIN" -c "$work/fresh.conf" migrate >"$work/m2.out" 2>&1 &
	p2=$!
	wait "$p1"
	rc1=$?
	wait "$p2"
	rc2=$?
	is "concurrent migrates both succeed" "$rc1 $rc2" "0 0"
	# The lock is taken per migration (a transaction-level lock, so it
	# holds behind PgBouncer too): the two may share the work.
	is "together they applied every migration once" \
	    "$(cat "$work/m1.out" "$work/m2.out" | sed -n 's/.*, \([0-9]*\) migrations* applied$/\1/p' | awk '{ n += $1; c++ } END { print c, n }')" \
	    "2 $nfiles"
	is "fresh schema_migrations has one row per file" \
	    "$(psql "$FTX_DSN dbname=$fresh" -XAtq -c 'SELECT count(*) FROM schema_migrations')" \
	    "$nfiles"
	is "fresh schema has the tables" \
	    "$(psql "$FTX_DSN dbname=$fresh" -XAtq -c "SELECT count(*) FROM pg_tables
	    WHERE schemaname = 'public' AND tablename IN ('tenants', 'suppliers',
	    'balance_accounts', 'funding_transfers', 'users', 'api_keys',
	    'exports', 'idempotency_keys')")" 8
fi

# ---------------------------------------------------------------- tenants, suppliers

run tenant add "$T" "Acme Corp"
is "tenant add: exit 0" "$RC" 0
is "tenant add prints the id" "$OUT" "$T"
is "tenant add: stderr empty" "$ERR" ""
is "the tenant has its MARKETPLACE account" \
    "$(psql_q "SELECT count(*) FROM balance_accounts WHERE tenant_id = '$T'
    AND type = 'MARKETPLACE' AND supplier_id IS NULL")" 1
run tenant add "$T" "Acme again"
is "tenant add twice: exit 1" "$RC" 1
like "tenant add twice: says why" "$ERR" "tenant already exists: $T"
run tenant add "$T2" "Other Ltd"
is "second tenant: exit 0" "$RC" 0

run supplier add --tenant "$T" --external-id SUP-A --name 'Café "A"; B'
is "supplier add: exit 0" "$RC" 0
like "supplier add prints an id" "$OUT" "$uuid_re"
is "supplier add: one line" "$(printf '%s\n' "$OUT" | wc -l)" 1
sup_a=$OUT
is "the supplier is stored as given" \
    "$(psql_q "SELECT tenant_id || '|' || external_id || '|' || name
    FROM suppliers WHERE id = '$sup_a'")" "$T|SUP-A|Café \"A\"; B"
is "the supplier has its SUPPLIER account" \
    "$(psql_q "SELECT count(*) FROM balance_accounts WHERE tenant_id = '$T'
    AND type = 'SUPPLIER' AND supplier_id = '$sup_a'")" 1
run supplier add --tenant "$T" --external-id SUP-A --name 'Again'
is "supplier add twice: exit 1" "$RC" 1
like "supplier add twice: says why" "$ERR" "supplier already exists: SUP-A"
run supplier add --tenant "nope$$" --external-id SUP-A --name 'X'
is "supplier add, unknown tenant: exit 1" "$RC" 1
like "supplier add, unknown tenant: says why" "$ERR" "unknown tenant: nope$$"
run supplier add --tenant "$T" --external-id SUP-B
is "supplier add without --name: exit 2" "$RC" 2
like "supplier add without --name: usage" "$ERR" '^usage: ftx-admin'
run supplier add --tenant "$T2" --external-id SUP-A --name 'Other A'
is "same external id in another tenant: exit 0" "$RC" 0
run supplier add --tenant "$T" --external-id SUP-ONLY-T --name 'Only in T'
is "another supplier: exit 0" "$RC" 0

# ---------------------------------------------------------------- users

run user add --tenant "$T" --email op@acme.test --role OPERATOR
is "user add OPERATOR: exit 0" "$RC" 0
like "user add prints only the id" "$OUT" "$uuid_re"
is "user add: one line of stdout" "$(printf '%s\n' "$OUT" | wc -l)" 1
is "user add: stderr empty" "$ERR" ""
op=$OUT
run user add --tenant "$T" --email 'supp@acme.test' --role SUPPLIER --supplier SUP-A
is "user add SUPPLIER: exit 0" "$RC" 0
like "user add SUPPLIER prints the id" "$OUT" "$uuid_re"
sup_user=$OUT
is "the SUPPLIER user is bound to its supplier" \
    "$(psql_q "SELECT role || '|' || supplier_id FROM users WHERE id = '$sup_user'")" \
    "SUPPLIER|$sup_a"
run user add --tenant "$T" --email 'Zoe.Lefevre+ops@example.test' --role operator
is "user add: role in lower case: exit 0" "$RC" 0
op2=$OUT
is "the role is stored in upper case" \
    "$(psql_q "SELECT role FROM users WHERE id = '$op2'")" OPERATOR

run user add --tenant "$T" --email s2@acme.test --role SUPPLIER
is "SUPPLIER without --supplier: exit 2" "$RC" 2
like "SUPPLIER without --supplier: says why" "$ERR" 'needs --supplier'
like "SUPPLIER without --supplier: usage" "$ERR" '^usage: ftx-admin'
is "SUPPLIER without --supplier: nothing on stdout" "$OUT" ""
run user add --tenant "$T" --email s2@acme.test --role OPERATOR --supplier SUP-A
is "OPERATOR with --supplier: exit 2" "$RC" 2
run user add --tenant "$T" --email s2@acme.test --role ADMIN
is "unknown role: exit 2" "$RC" 2
run user add --tenant "$T" --email s2@acme.test --role SUPPLIER --supplier SUP-ZZZ
is "unknown supplier: exit 1" "$RC" 1
like "unknown supplier: says why" "$ERR" "unknown supplier: SUP-ZZZ"
is "unknown supplier: nothing on stdout" "$OUT" ""
run user add --tenant "$T2" --email s2@acme.test --role SUPPLIER --supplier SUP-ONLY-T
is "supplier of another tenant is unknown: exit 1" "$RC" 1
run user add --tenant "nope$$" --email s2@acme.test --role OPERATOR
is "unknown tenant: exit 1" "$RC" 1
like "unknown tenant: says why" "$ERR" "unknown tenant: nope$$"

# Addresses refused (SPEC §7: the address rule of the API's cc, ASCII
# dot-atom @ LDH domain with a dot; issue 10's addresses SMTP refused).
for bad in 'no-at-sign' 'a b@x.test' 'a@b@x.test' '@x.test' 'a@' \
    'Zoë.Lefèvre+ops@exämple.test' 'a;b@x.test' 'c(d@x.test' 'g@[127.0.0.1]' \
    '..h@x..test' 'a@localhost' \
    'a,b@x.test' '<a@x.test>' 'a@x.test>' "$(printf 'a\r@x.test')" \
    "$(printf 'a@x.test\nb@y.test')" "$(printf 'a\t@x.test')" ''; do
	run user add --tenant "$T" --email "$bad" --role OPERATOR
	is "e-mail refused: '$(printf '%s' "$bad" | tr '\r\n\t' '???')'" "$RC" 2
done
is "no user created by the refused commands" \
    "$(psql_q "SELECT count(*) FROM users WHERE tenant_id = '$T'")" 3

# ---------------------------------------------------------------- keys

run key create "$op"
is "key create: exit 0" "$RC" 0
like "key create prints only the key" "$OUT" "$key_re"
is "key create: one line of stdout" "$(printf '%s\n' "$OUT" | wc -l)" 1
is "key create: stderr empty" "$ERR" ""
key1=$OUT
keyid1=$(printf '%s' "$key1" | cut -d_ -f2)
secret1=$(printf '%s' "$key1" | cut -d_ -f3)
echo "$secret1" >>"$secrets"
is "the key's KEYID is stored for its user" \
    "$(psql_q "SELECT user_id FROM api_keys WHERE key_id = '$keyid1'")" "$op"
is "the secret is not stored in clear" \
    "$(psql_q "SELECT count(*) FROM api_keys a WHERE strpos(a::text, '$secret1') > 0")" 0
like "what is stored is a hash" \
    "$(psql_q "SELECT secret_hash FROM api_keys WHERE key_id = '$keyid1'")" \
    '^[0-9a-f]{64}$'
run key create "$op"
key2=$OUT
keyid2=$(printf '%s' "$key2" | cut -d_ -f2)
echo "$key2" | cut -d_ -f3 >>"$secrets"
isnt "a second key differs" "$key2" "$key1"
run key create "$sup_user"
is "key create for the SUPPLIER user: exit 0" "$RC" 0
key3=$OUT
keyid3=$(printf '%s' "$key3" | cut -d_ -f2)
echo "$key3" | cut -d_ -f3 >>"$secrets"
run key create "no-such-user-$$"
is "key create, unknown user: exit 1" "$RC" 1
like "key create, unknown user: says why" "$ERR" "no such user"
is "key create, unknown user: nothing on stdout" "$OUT" ""
run key create
is "key create without a user: exit 2" "$RC" 2

c1=$(created_of api_keys key_id "$keyid1")
c2=$(created_of api_keys key_id "$keyid2")
like "created is printed as YYYY-MM-DDTHH:MM:SSZ" "$c1" "^$time_re$"
run key list --user "$op"
is "key list --user: exit 0" "$RC" 0
is "key list --user: one exact line per key, oldest first" "$OUT" \
    "$(printf '%s\t%s\t%s\tactive\n%s\t%s\t%s\tactive' \
    "$keyid1" "$op" "$c1" "$keyid2" "$op" "$c2")"
run key list
like "key list: every user's keys" "$OUT" "^$keyid3$tab$sup_user$tab$time_re${tab}active$"
run key list --user "no-such-user-$$"
is "key list, unknown user: exit 1" "$RC" 1

run key revoke "$keyid1"
is "key revoke KEYID: exit 0" "$RC" 0
is "key revoke: nothing on stdout" "$OUT" ""
run key list --user "$op"
like "the revoked key is listed revoked" "$OUT" "^$keyid1$tab$op$tab$c1${tab}revoked$"
like "the other key stays active" "$OUT" "^$keyid2$tab$op$tab$c2${tab}active$"
run key revoke "$keyid1"
is "revoking a revoked key: exit 0" "$RC" 0
run key revoke "$key2"
is "key revoke KEY (the whole key): exit 0" "$RC" 0
is "revoked by the whole key" \
    "$(psql_q "SELECT revoked_at IS NOT NULL FROM api_keys WHERE key_id = '$keyid2'")" t
run key revoke "zz$$zz00"
is "key revoke, unknown KEYID: exit 1" "$RC" 1
like "key revoke, unknown KEYID: says why" "$ERR" "unknown key"
run key revoke "ftx_zz$$zz00_$secret1"
is "key revoke, unknown whole key: exit 1" "$RC" 1
run key revoke "ftx_$keyid3"
is "key revoke, malformed key: exit 2" "$RC" 2
run key revoke "Not-A-KeyId"
is "key revoke, malformed KEYID: exit 2" "$RC" 2
is "the SUPPLIER user's key is still active" \
    "$(psql_q "SELECT revoked_at IS NULL FROM api_keys WHERE key_id = '$keyid3'")" t

# ---------------------------------------------------------------- user disable, user list

run user disable "$sup_user"
is "user disable: exit 0" "$RC" 0
is "user disable: nothing on stdout" "$OUT" ""
run user disable "$sup_user"
is "disabling again: exit 0" "$RC" 0
run user disable "no-such-user-$$"
is "user disable, unknown user: exit 1" "$RC" 1
run key create "$sup_user"
is "key create for a disabled user: exit 1" "$RC" 1
like "key create for a disabled user: says why" "$ERR" "disabled"
is "key create for a disabled user: nothing on stdout" "$OUT" ""

u1=$(created_of users id "$op")
u2=$(created_of users id "$sup_user")
u3=$(created_of users id "$op2")
run user list --tenant "$T"
is "user list --tenant: exit 0" "$RC" 0
is "user list --tenant: exact lines, oldest first" "$OUT" \
    "$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$op" "$T" op@acme.test OPERATOR - "$u1" active \
    "$sup_user" "$T" supp@acme.test SUPPLIER SUP-A "$u2" disabled \
    "$op2" "$T" 'Zoe.Lefevre+ops@example.test' OPERATOR - "$u3" active)"
run user list
like "user list: users of every tenant" "$OUT" "^$op$tab$T$tab"
run user list --tenant "nope$$"
is "user list, unknown tenant: exit 1" "$RC" 1
run user list "$T"
is "user list with a stray argument: exit 2" "$RC" 2

# ---------------------------------------------------------------- usage

for args in "" "frobnicate" "tenant" "tenant add onlyid" "tenant add a b c" \
    "user" "user add --tenant $T --email x@y.test" "user list --bogus" \
    "key list --tenant $T" "demo-data --tenant x" \
    "demo-data --tenant x --suppliers 0 --transfers 1 --seed 1" \
    "demo-data --tenant x --suppliers 1 --transfers -5 --seed 1" \
    "demo-data --tenant x --suppliers 1 --transfers 1 --seed abc" \
    "-Z migrate"; do
	# shellcheck disable=SC2086
	run $args
	is "usage error: 'ftx-admin $args': exit 2" "$RC" 2
	like "usage error: 'ftx-admin $args': usage on stderr" "$ERR" '^usage: ftx-admin'
	is "usage error: 'ftx-admin $args': nothing on stdout" "$OUT" ""
done
run -V
is "-V: exit 0" "$RC" 0
like "-V prints the version" "$OUT" '^ftx-admin [0-9]+\.[0-9]+'
CONF=$work/missing.conf
run migrate
CONF=
is "missing configuration file: exit 1" "$RC" 1
like "missing configuration file: says so" "$ERR" 'missing.conf'
printf '[database]\nconninfo = "host=%s port=1 dbname=x"\n' "$work/nowhere" \
    >"$work/down.conf"
CONF=$work/down.conf
run user list
CONF=
is "database unreachable: exit 1" "$RC" 1
like "database unreachable: says so" "$ERR" 'cannot connect to the database'
is "database unreachable: nothing on stdout" "$OUT" ""


# ---------------------------------------------------------------- demo data

D1=demo1_$$
D2=demo2_$$
D3=demo3_$$
N=20000
run demo-data --tenant "$D1" --suppliers 30 --transfers $N --seed 4242
is "demo-data: exit 0" "$RC" 0
run demo-data --tenant "$D2" --suppliers 30 --transfers $N --seed 4242
is "demo-data, second tenant, same seed: exit 0" "$RC" 0
run demo-data --tenant "$D3" --suppliers 30 --transfers $N --seed 4243
is "demo-data, another seed: exit 0" "$RC" 0
is "every transfer loaded" \
    "$(psql_q "SELECT count(*) FROM funding_transfers WHERE tenant_id = '$D1'")" $N
is "every supplier created" \
    "$(psql_q "SELECT count(*) FROM suppliers s JOIN balance_accounts b
    ON b.supplier_id = s.id AND b.type = 'SUPPLIER' WHERE s.tenant_id = '$D1'")" 30

# digest TENANT: the tenant's data without its tenant-specific ids.
digest() {
	psql_q "SELECT md5(string_agg(ROW(substr(f.id, length('ft_$1_') + 1),
	    f.created_at, f.status, f.amount, f.currency, sa.type, ta.type,
	    s.external_id, s.name, f.reference, f.related_entity_type,
	    f.related_entity_id, f.failure_reason)::text, E'\n' ORDER BY f.id))
	    FROM funding_transfers f JOIN suppliers s ON s.id = f.supplier_id
	    JOIN balance_accounts sa ON sa.id = f.source_balance_account_id
	    JOIN balance_accounts ta ON ta.id = f.target_balance_account_id
	    WHERE f.tenant_id = '$1'"
}
d1=$(digest "$D1")
like "digest computed" "$d1" '^[0-9a-f]{32}$'
is "same seed, two tenants: identical data" "$(digest "$D2")" "$d1"
isnt "another seed: other data" "$(digest "$D3")" "$d1"

q() {
	psql_q "SELECT $1 FROM funding_transfers f WHERE f.tenant_id = '$D1' $2"
}
is "every status present" "$(q "string_agg(DISTINCT status, ',' ORDER BY status)")" \
    "CANCELED,COMPLETED,FAILED,PENDING,PROCESSING"
is "every currency present" "$(q "string_agg(DISTINCT currency, ',' ORDER BY currency)")" \
    "EUR,JPY,USD"
is "PAYOUT and REFUND present" \
    "$(q "string_agg(DISTINCT related_entity_type, ',' ORDER BY related_entity_type)")" \
    "PAYOUT,REFUND"
isnt "some without related entity" "$(q "count(*)" "AND related_entity_type IS NULL")" 0
isnt "some without reference" "$(q "count(*)" "AND reference IS NULL")" 0
is "failure_reason only and always on FAILED" \
    "$(q "count(*)" "AND (status = 'FAILED') <> (failure_reason IS NOT NULL)")" 0
isnt "some failure reasons hold ';' or quotes" \
    "$(q "count(*)" "AND failure_reason ~ '[;\"]'")" 0
is "JPY amounts are integral" \
    "$(q "count(*)" "AND currency = 'JPY' AND amount <> trunc(amount)")" 0
isnt "some amounts with 4 decimals" "$(q "count(*)" "AND amount * 100 <> trunc(amount * 100)")" 0
isnt "some amounts at exactly half a cent" \
    "$(q "count(*)" "AND currency <> 'JPY' AND (amount * 10000) % 100 = 50")" 0
isnt "some zero amounts" "$(q "count(*)" "AND amount = 0")" 0
is "payouts go MARKETPLACE to SUPPLIER, refunds back" \
    "$(psql_q "SELECT count(*) FROM funding_transfers f
    JOIN balance_accounts sa ON sa.id = f.source_balance_account_id
    JOIN balance_accounts ta ON ta.id = f.target_balance_account_id
    WHERE f.tenant_id = '$D1' AND NOT (
      (sa.type = 'MARKETPLACE' AND ta.type = 'SUPPLIER' AND ta.supplier_id = f.supplier_id
       AND coalesce(f.related_entity_type, 'PAYOUT') = 'PAYOUT') OR
      (sa.type = 'SUPPLIER' AND ta.type = 'MARKETPLACE' AND sa.supplier_id = f.supplier_id
       AND coalesce(f.related_entity_type, 'REFUND') = 'REFUND'))")" 0
is "every reference resolves in the tenant" \
    "$(psql_q "SELECT count(*) FROM funding_transfers f
    LEFT JOIN suppliers s ON s.id = f.supplier_id AND s.tenant_id = f.tenant_id
    LEFT JOIN balance_accounts sa ON sa.id = f.source_balance_account_id
      AND sa.tenant_id = f.tenant_id
    LEFT JOIN balance_accounts ta ON ta.id = f.target_balance_account_id
      AND ta.tenant_id = f.tenant_id
    WHERE f.tenant_id = '$D1' AND (s.id IS NULL OR sa.id IS NULL OR ta.id IS NULL)")" 0
is "created_at within 2025-01-01..2026-10-31" \
    "$(q "count(*)" "AND (created_at < '2025-01-01Z' OR created_at >= '2026-11-01Z')")" 0
isnt "created_at has microseconds" \
    "$(q "count(*)" "AND extract(microseconds FROM created_at)::bigint % 1000 <> 0")" 0
for pat in ';' '"' '%' '_'; do
	isnt "some references contain '$pat'" \
	    "$(q "count(*)" "AND strpos(reference, '$pat') > 0")" 0
done
isnt "some references have a newline" "$(q "count(*)" "AND reference LIKE E'%\\n%'")" 0
is "supplier names with accents, ';', quotes and formula starts" \
    "$(psql_q "SELECT count(*) FILTER (WHERE name ~ '[éèüöÉ]') > 0,
    count(*) FILTER (WHERE name LIKE '%;%') > 0,
    count(*) FILTER (WHERE name LIKE '%\"%') > 0,
    count(*) FILTER (WHERE name LIKE '%''%') > 0,
    count(*) FILTER (WHERE left(name, 1) IN ('=', '+', '-', '@')) >= 3
    FROM suppliers WHERE tenant_id = '$D1'" | tr '|' ' ')" "t t t t t"
is "external ids SUP-00001.." \
    "$(psql_q "SELECT min(external_id) || ' ' || max(external_id) FROM suppliers
    WHERE tenant_id = '$D1'")" "SUP-00001 SUP-00030"
is "statistics gathered" \
    "$(psql_q "SELECT last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL
    FROM pg_stat_user_tables WHERE relname = 'funding_transfers'")" t

run demo-data --tenant "$D1" --suppliers 30 --transfers $N --seed 4242
is "demo-data again: exit 1" "$RC" 1
like "demo-data again: says why" "$ERR" "already loaded"
is "demo-data again: nothing added" \
    "$(psql_q "SELECT count(*) FROM funding_transfers WHERE tenant_id = '$D1'")" $N
run demo-data --tenant "$D1" --suppliers 35 --transfers 10 --seed 7
is "demo-data, existing tenant, new seed: exit 0" "$RC" 0
is "existing suppliers reused, new ones added" \
    "$(psql_q "SELECT count(*) FROM suppliers WHERE tenant_id = '$D1'")" 35
run demo-data --tenant "$T" --suppliers 2 --transfers 100 --seed 1
is "demo-data into a tenant made by tenant add: exit 0" "$RC" 0
is "it uses the tenant's MARKETPLACE account" \
    "$(psql_q "SELECT count(DISTINCT b.id) FROM funding_transfers f
    JOIN balance_accounts b ON b.id IN (f.source_balance_account_id,
    f.target_balance_account_id) AND b.type = 'MARKETPLACE'
    WHERE f.tenant_id = '$T'")" 1

# ---------------------------------------------------------------- secrets

leaked=0
while read -r s; do
	[ -n "$s" ] && grep -qF -- "$s" "$allerr" && leaked=$((leaked + 1))
done <"$secrets"
is "no key secret ever written to stderr" "$leaked" 0
is "three secrets were checked" "$(grep -c . "$secrets")" 3

done_testing
