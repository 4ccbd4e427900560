#!/bin/bash
# t_export_csv.sh - export files end to end (SPEC §9): operator and supplier
# exports with every filter, each compared byte for byte with a CSV this
# test computes by itself (python3, from the rows it inserted): quoting,
# the formula guard, NULLs, every status, ISO 4217 minor digits rounded
# half away from zero, UTC timestamps without fractions, the order, the
# supplier scope, an empty result (header only, READY); then the
# csv.formula_guard = off and csv.bom = on variants after a SIGHUP.
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

PY=/usr/bin/python3
stack_up FTX_EXPORTD_WORKERS=2
E=$FTX_URL/v1/payments/funding-transfers/export
W=$FTX_STACK_DIR/texp
export FTX_JV_SPACED=1	# jv prints JSON as these expectations are written
mkdir -p "$W"
[ -x "$FTX_BUILDDIR/src/ftx-exportd" ] || bail "ftx-exportd is not built"

# ------------------------------------------------------------ the rows
# csvdata.py sql: the SQL inserting the rows; csvdata.py expect OUT FILTERS
# SCOPE GUARD BOM: writes the CSV SPEC §9 asks for to OUT (SCOPE: a
# supplier's external id, or "" for an operator) and prints its row count.
# Nothing here comes from the C code: rounding with decimal, the UTC
# conversion with datetime, the filters and the scope done again in python.
cat >"$W/csvdata.py" <<'EOF'
import json, random, sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal, ROUND_HALF_UP

MINOR = {"JPY": 0, "BHD": 3, "KWD": 3, "CLF": 4}   # others: 2
T, OTHER = "csvt", "csvo"
SUPPLIERS = [   # internal id, external id, name; no transfers for the 5th
    ("csv-sp1", "S1", "Plain Supplier"),
    ("csv-sp2", "=S2;x", '"Quoted" Supplier; Ltd'),
    ("csv-sp3", "-S3", "Multi\nLine\r\nName"),
    ("csv-sp4", "@S4", "\tTabbed N\u00e4me \u2603"),
    ("csv-sp5", "+S5", "Nobody's transfers"),
]
ACC = {"csv-ba-mk": ("MARKETPLACE", None)}
for i, s in enumerate(SUPPLIERS, 1):
    ACC["csv-ba-%d" % i] = ("SUPPLIER", s[0])
SUP = {s[0]: s for s in SUPPLIERS}
MK = "csv-ba-mk"

# id, created_at, status, amount, currency, source, target, supplier,
# reference, relatedEntityType, relatedEntityId, failureReason
ROWS = [
    ("ft-001", "2024-03-01T10:00:00.123456Z", "COMPLETED", "10.005", "EUR",
     MK, "csv-ba-1", "csv-sp1", "Ref; with semicolon", "PAYOUT", "P-1",
     "hidden: not FAILED"),
    ("ft-002", "2024-03-01T10:00:00.999999Z", "FAILED", "0.0049", "USD",
     "csv-ba-1", MK, "csv-sp1", 'Ref "quoted"', "REFUND", "R-1",
     'Insufficient funds; "retry"'),
    ("=ft-003", "2024-03-01T12:30:00+02:00", "FAILED", "1500.5", "JPY",
     MK, "csv-ba-2", "csv-sp2", "=SUM(A1:A2)", None, None,
     "=cmd|' /C calc'!A0"),
    ("+ft-004", "2024-03-01T18:00:00.5-08:00", "PENDING", "0.4999", "JPY",
     "csv-ba-2", MK, "csv-sp2", "+1 555 0100", "PAYOUT", "-R-2", None),
    ("-ft-005", "2024-03-02T00:00:00Z", "PROCESSING", "1.0005", "BHD",
     "csv-ba-3", "csv-ba-1", "csv-sp3", "-neg", None, "@rid", "x"),
    ("@ft-006", "2024-03-02T23:59:59.999999Z", "CANCELED", "0.0004", "BHD",
     MK, "csv-ba-3", "csv-sp3", "@mention", "REFUND", None, None),
    ("ft-007", "2024-03-03T00:00:00Z", "FAILED", "123456789012.3450", "EUR",
     "csv-ba-4", MK, "csv-sp4", "\tTab start", "PAYOUT", "P-7",
     "\rCR start"),
    ("ft-008", "2024-03-03T05:45:00.000001+05:30", "COMPLETED", "0", "EUR",
     MK, "csv-ba-4", "csv-sp4", "line1\nline2", None, None, None),
    ("ft-009", "2024-03-03T07:00:00Z", "COMPLETED", "2.675", "USD",
     "csv-ba-1", "csv-ba-2", "csv-sp1", "\u00dcn\u00efc\u00f6d\u00e9 \u2603 \u65e5\u672c",
     None, None, ""),
    ("ft-010", "2024-03-03T08:00:00Z", "FAILED", "9999999999999999.9999", "JPY",
     MK, "csv-ba-1", "csv-sp1", "", None, "", None),
    ("ft-011", "2024-03-03T09:00:00Z", "FAILED", "9999999999999999.9950", "EUR",
     "csv-ba-2", "csv-ba-3", "csv-sp2", '""', "PAYOUT", "id;4",
     'Bank said; "no"\nretry later'),
    ("ft-012", "2024-03-03T10:00:00Z", "COMPLETED", "2.5", "JPY",
     MK, "csv-ba-2", "csv-sp2", "\\N", None, None, None),
    ("ft-013", "2024-03-03T11:00:00Z", "COMPLETED", "0.125", "EUR",
     MK, "csv-ba-2", "csv-sp2", "back\\slash \\t", None, None, None),
    ("ft-014", "2024-03-03T12:00:00Z", "COMPLETED", "0.0005", "BHD",
     MK, "csv-ba-1", "csv-sp1", "50%_\\off", None, None, None),
    ("ft-015", "2024-03-03T13:00:00Z", "COMPLETED", "2.0015", "KWD",
     MK, "csv-ba-1", "csv-sp1", "50XY\\off", None, None, None),
    ("ft-016", "2024-03-03T14:00:00Z", "COMPLETED", "1.23455", "CLF",
     MK, "csv-ba-1", "csv-sp1", "50abc_\\off", None, None, None),
    ("ft-017", "2024-03-03T15:00:00Z", "COMPLETED", "0.5", "JPY",
     MK, "csv-ba-1", "csv-sp1", "INV-1001", None, None, None),
    ("ft-018", "2024-03-03T16:00:00.25+00:00", "COMPLETED", "1.005", "EUR",
     MK, "csv-ba-1", "csv-sp1", "inv-1001-b", None, None, None),
    ("ft-019", "2024-03-03T17:00:00Z", "COMPLETED", "100", "USD",
     MK, "csv-ba-1", "csv-sp1", None, None, None, None),
    ("ft-020", "2024-03-03T18:00:00Z", "FAILED", "100.0001", "USD",
     MK, "csv-ba-1", "csv-sp1", "=\"quote\";semi\r\nCRLF", None, None,
     "\t tab"),
    ("ft-021", "2024-03-03T19:00:00Z", "FAILED", "7", "EUR",
     MK, "csv-ba-2", "csv-sp2", '"' * 3000 + ";" + "x" * 5000, "PAYOUT",
     "=" * 2000, "\t;x"),
    ("ft-022", "2024-03-03T20:00:00Z", "COMPLETED", "0.999", "USD",
     "csv-ba-4", "csv-ba-1", "csv-sp4", "=", None, "-", None),
    ("ft-023", "2024-03-03T21:00:00Z", "COMPLETED", "0.9999", "BHD",
     "csv-ba-4", "csv-ba-1", "csv-sp4", "emoji \U0001F600 \\\\ end", None, None,
     None),
    # Ties on created_at: ordered by id (inserted backwards).
    ("ft-tie-3", "2024-03-04T12:00:00.5Z", "COMPLETED", "3", "EUR",
     MK, "csv-ba-3", "csv-sp3", "tie", None, None, None),
    ("ft-tie-2", "2024-03-04T12:00:00.5Z", "COMPLETED", "2", "EUR",
     MK, "csv-ba-3", "csv-sp3", "tie", None, None, None),
    ("ft-tie-1", "2024-03-04T13:00:00.5+01:00", "COMPLETED", "1", "EUR",
     MK, "csv-ba-3", "csv-sp3", "tie", None, None, None),
]

REFS = [None, "", "INV-1001", "inv-1001-b", "Ref;semi", 'He said "hi"', "=1+2",
        "+33 6", "-5", "@user", "\tTAB", "\rCR", "multi\nline", "50%_\\off",
        "back\\slash", "\\N", "\u00dcn\u00efc\u00f6d\u00e9 \u2603", "plain"]
FAILS = [None, "", "Insufficient funds", '=HYPERLINK("x")',
         'Bank said; "no"\nretry later', "-limit exceeded", "@bank"]
RIDS = ["P-1", "R-1", "=R-2", "-R-3", "id;4", '"q"']
OFFSETS = [timezone.utc, timezone(timedelta(hours=5, minutes=30)),
           timezone(timedelta(hours=-8))]


def generated():
    rng = random.Random(7)
    base = datetime(2024, 3, 1, tzinfo=timezone.utc)
    out = []
    for i in range(240):
        us = rng.randrange(6 * 86400 * 10**6)
        if rng.random() < 0.2:
            us -= us % 10**6                     # no fraction
        when = base + timedelta(microseconds=us)
        if out and rng.random() < 0.1:
            when = parse_ts(out[-1][1])          # a tie with the previous
        created = when.astimezone(rng.choice(OFFSETS)).isoformat()
        cur = rng.choice(["EUR", "USD", "JPY", "BHD", "KWD", "CLF", "EUR"])
        n = rng.randrange(10**9)
        if rng.random() < 0.3:                   # exactly half a minor unit
            d = MINOR.get(cur, 2)
            n = n - n % 10**(4 - d) + 5 * 10**(3 - d)
        amount = "%d.%04d" % (n // 10**4, n % 10**4)
        x, y = rng.sample(range(1, 5), 2)
        src, tgt = rng.choice([(MK, x), (x, MK), (x, y)])
        acc = lambda a: a if a == MK else "csv-ba-%d" % a
        sup = "csv-sp%d" % (x if src == MK or tgt == MK else src)
        rtype = rng.choice([None, "PAYOUT", "REFUND"])
        rid = rng.choice(RIDS) if rtype or rng.random() < 0.2 else None
        out.append(("ft-g%03d" % i, created,
                    rng.choice(["PENDING", "PROCESSING", "COMPLETED", "FAILED",
                                "CANCELED"]),
                    amount, cur, acc(src), acc(tgt), sup, rng.choice(REFS),
                    rtype, rid, rng.choice(FAILS)))
    return out


# Another tenant, with a supplier "S1" too: never in an export of csvt.
OTHER_ROWS = [
    ("csvo-%d" % i, "2024-03-02T10:00:00Z", "COMPLETED", "1", "EUR",
     "csvo-ba-mk", "csvo-ba-1", "csvo-sp1", "INV-1001", None, None, None)
    for i in range(3)
]


def parse_ts(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def lit(v):
    return "NULL" if v is None else "'" + v.replace("'", "''") + "'"


def sql():
    out = ["SET client_encoding = 'UTF8';", "BEGIN;"]
    out.append("INSERT INTO tenants VALUES (%s, 'CSV'), (%s, 'Other');"
               % (lit(T), lit(OTHER)))
    for s in SUPPLIERS:
        out.append("INSERT INTO suppliers VALUES (%s, %s, %s, %s);"
                   % (lit(s[0]), lit(T), lit(s[1]), lit(s[2])))
    out.append("INSERT INTO suppliers VALUES ('csvo-sp1', %s, 'S1', 'Other');"
               % lit(OTHER))
    for a, (typ, sup) in ACC.items():
        out.append("INSERT INTO balance_accounts VALUES (%s, %s, %s, %s);"
                   % (lit(a), lit(T), lit(typ), lit(sup)))
    out.append("INSERT INTO balance_accounts VALUES ('csvo-ba-mk', %s, "
               "'MARKETPLACE', NULL), ('csvo-ba-1', %s, 'SUPPLIER', "
               "'csvo-sp1');" % (lit(OTHER), lit(OTHER)))
    for tenant, rows in ((T, list(reversed(ROWS)) + generated()),
                         (OTHER, OTHER_ROWS)):
        for r in rows:
            out.append("INSERT INTO funding_transfers (id, tenant_id, "
                       "created_at, status, amount, currency, "
                       "source_balance_account_id, target_balance_account_id, "
                       "supplier_id, reference, related_entity_type, "
                       "related_entity_id, failure_reason) VALUES (%s);"
                       % ", ".join([lit(r[0]), lit(tenant)] +
                                   [lit(v) for v in r[1:]]))
    out.append("COMMIT;")
    print("\n".join(out))


def bounds(v, end):
    if len(v) == 10:                              # a bare date, UTC
        d = datetime.fromisoformat(v).replace(tzinfo=timezone.utc)
        return d + timedelta(days=1, microseconds=-1) if end else d
    return parse_ts(v)


def wanted(r, f, scope):
    acc_sup = lambda a: ACC[a][1]
    if scope:
        mine = [s[0] for s in SUPPLIERS if s[1] == scope][0]
        if mine not in (acc_sup(r[5]), acc_sup(r[6])):
            return False
    when = parse_ts(r[1])
    if f.get("createdAtFrom") and when < bounds(f["createdAtFrom"], False):
        return False
    if f.get("createdAtTo") and when > bounds(f["createdAtTo"], True):
        return False
    if f.get("statuses") and r[2] not in f["statuses"]:
        return False
    if f.get("supplierIds") and not scope:
        ids = [s[0] for s in SUPPLIERS if s[1] in f["supplierIds"]]
        if acc_sup(r[5]) not in ids and acc_sup(r[6]) not in ids:
            return False
    if "amountMin" in f and Decimal(r[3]) < Decimal(str(f["amountMin"])):
        return False
    if "amountMax" in f and Decimal(r[3]) > Decimal(str(f["amountMax"])):
        return False
    if f.get("sourceBalanceAccountType", ACC[r[5]][0]) != ACC[r[5]][0]:
        return False
    if f.get("targetBalanceAccountType", ACC[r[6]][0]) != ACC[r[6]][0]:
        return False
    if f.get("currency") and f["currency"].upper() != r[4]:
        return False
    if "reference" in f and (r[8] is None or
                             f["reference"].lower() not in r[8].lower()):
        return False
    if f.get("relatedEntityType") and f["relatedEntityType"] != r[9]:
        return False
    if "relatedEntityId" in f and f["relatedEntityId"] != r[10]:
        return False
    return True


def field(v, free, guard):
    if v is None or v == "":
        return ""
    if free and guard and v[0] in "=+-@\t\r":
        v = "'" + v
    if any(c in v for c in ';"\r\n'):
        v = '"' + v.replace('"', '""') + '"'
    return v


def amount(a, cur):
    q = Decimal(1).scaleb(-MINOR.get(cur, 2))
    return "%s" % format(Decimal(a).quantize(q, rounding=ROUND_HALF_UP), "f")


def row(r, guard):
    when = parse_ts(r[1]).astimezone(timezone.utc)
    s = SUP[r[7]]
    cols = [(r[0], 1), (when.strftime("%Y-%m-%dT%H:%M:%SZ"), 0), (r[2], 0),
            (amount(r[3], r[4]), 0), (r[4], 0), (ACC[r[5]][0], 0),
            (ACC[r[6]][0], 0), (s[1], 1), (s[2], 1), (r[8], 1), (r[9], 0),
            (r[10], 1), (r[11] if r[2] == "FAILED" else None, 1)]
    return ";".join(field(v, free, guard) for v, free in cols) + "\n"


def expect(out, filters, scope, guard, bom):
    f = json.loads(filters)
    rows = [r for r in ROWS + generated() if wanted(r, f, scope)]
    rows.sort(key=lambda r: (parse_ts(r[1]), r[0]))
    text = ("transferId;createdAt;status;amount;currency;"
            "sourceBalanceAccountType;targetBalanceAccountType;"
            "supplierExternalId;supplierName;reference;relatedEntityType;"
            "relatedEntityId;failureReason\n")
    text += "".join(row(r, guard == "on") for r in rows)
    with open(out, "wb") as fp:
        if bom == "on":
            fp.write(b"\xef\xbb\xbf")
        fp.write(text.encode("utf-8"))
    print(len(rows))


if sys.argv[1] == "sql":
    sql()
else:
    expect(*sys.argv[2:7])
EOF
$PY "$W/csvdata.py" sql >"$W/rows.sql" || bail "csvdata.py sql"
ok "the test rows are inserted" \
    psql "$FTX_DSN" -XAtq -v ON_ERROR_STOP=1 -f "$W/rows.sql" ||
    bail "cannot insert the rows"
is "266 transfers in csvt" \
    "$(psql_q "SELECT count(*) FROM funding_transfers WHERE tenant_id = 'csvt'")" 266
# Sanity of the independent side, on rows known by heart.
$PY "$W/csvdata.py" expect "$W/sanity.csv" '{"reference":"=SUM"}' "" on off >/dev/null
is "the test's own CSV: formula guard, quoting, rounding half up, UTC" \
    "$(sed -n 2p "$W/sanity.csv")" \
    "'=ft-003;2024-03-01T10:30:00Z;FAILED;1501;JPY;MARKETPLACE;SUPPLIER;\"'=S2;x\";\"\"\"Quoted\"\" Supplier; Ltd\";'=SUM(A1:A2);;;'=cmd|' /C calc'!A0"

# newuser ROLE [SUPPLIER_EXT]: prints the new user's key.
nuser=0
newuser() {
	nuser=$((nuser + 1))
	_id=$(admin user add --tenant csvt --email "csv$nuser@csv.example" \
	    --role "$1" ${2:+--supplier "$2"}) || return 1
	admin key create "$_id"
}
# post ROLE KEY FILTERS: POSTs an export; prints its id.
post() {
	req POST "$E" -H "dj-client: $1" -H "dj-api-key: $2" \
	    -H 'Content-Type: application/json' \
	    --data-binary "{\"filters\": $3}"
	if [ "$CODE" != 201 ]; then
		echo "POST $3: $CODE $BODY" >&2
		return 1
	fi
	jv 'd["exportId"]'
}
all_ready() {
	_l=$(printf "'%s'," "$@")
	[ "$(psql_q "SELECT count(*) FROM exports WHERE status = 'READY' AND id IN (${_l%,})")" = $# ]
}
# check NAME ROLE KEY ID FILTERS SCOPE GUARD BOM: the export's file,
# downloaded through its link, is the expected CSV byte for byte.
check() {
	_n=$1 _r=$2 _k=$3 _id=$4 _f=$5 _s=$6 _g=$7 _b=$8
	_want=$($PY "$W/csvdata.py" expect "$W/$_n.want" "$_f" "$_s" "$_g" "$_b")
	req GET "$E/$_id" -H "dj-client: $_r" -H "dj-api-key: $_k"
	is "$_n: READY" "$(jv 'd["status"]')" READY
	_url=$(jv 'd["downloadUrl"]')
	curl -s --max-time 60 -o "$W/$_n.got" "$_url"
	if cmp -s "$W/$_n.want" "$W/$_n.got"; then
		pass "$_n: $_want rows, byte for byte"
	else
		fail "$_n: $_want rows, byte for byte"
		diag "$(diff "$W/$_n.want" "$W/$_n.got" | head -12)"
	fi
	is "$_n: rowCount" "$(jv 'd["rowCount"]')" "$_want"
	is "$_n: fileSize and sha256" \
	    "$(jv '"%s %s" % (d["fileSize"], d["sha256"])')" \
	    "$(stat -c %s "$W/$_n.want") $(sha256sum <"$W/$_n.want" | cut -d ' ' -f 1)"
}

# ------------------------------------------------------------ the exports
# name | role | supplier (user) | filters
CASES=$(cat <<'EOF'
op-all|OPERATOR||{}
op-dates|OPERATOR||{"createdAtFrom": "2024-03-01T10:00:00.5Z", "createdAtTo": "2024-03-04T12:00:00.250+05:30"}
op-bare-dates|OPERATOR||{"createdAtFrom": "2024-03-02", "createdAtTo": "2024-03-03"}
op-statuses|OPERATOR||{"statuses": ["FAILED", "CANCELED", "FAILED"]}
op-suppliers|OPERATOR||{"supplierIds": ["S1", "=S2;x"]}
op-amounts|OPERATOR||{"amountMin": "1.005", "amountMax": 100}
op-mk-to-sup|OPERATOR||{"sourceBalanceAccountType": "MARKETPLACE", "targetBalanceAccountType": "SUPPLIER"}
op-sup-to-sup|OPERATOR||{"sourceBalanceAccountType": "SUPPLIER", "targetBalanceAccountType": "SUPPLIER"}
op-currency|OPERATOR||{"currency": "jpy"}
op-ref-literal|OPERATOR||{"reference": "50%_\\"}
op-ref-case|OPERATOR||{"reference": "INV-1001"}
op-related-type|OPERATOR||{"relatedEntityType": "REFUND"}
op-related-id|OPERATOR||{"relatedEntityId": "=R-2"}
op-combined|OPERATOR||{"createdAtFrom": "2024-03-01", "createdAtTo": "2024-03-05T23:00:00+01:00", "statuses": ["COMPLETED", "FAILED", "PENDING"], "supplierIds": ["S1", "-S3"], "amountMin": "0.5", "amountMax": "5000000", "currency": "EUR", "sourceBalanceAccountType": "MARKETPLACE", "relatedEntityType": "PAYOUT"}
op-empty|OPERATOR||{"currency": "GBP"}
sup-S1|SUPPLIER|S1|{}
sup-S3-ignores-supplierIds|SUPPLIER|-S3|{"supplierIds": ["S1"], "statuses": ["FAILED", "COMPLETED"]}
sup-S4-filters|SUPPLIER|@S4|{"targetBalanceAccountType": "MARKETPLACE", "reference": "="}
sup-S5-empty|SUPPLIER|+S5|{}
EOF
)
names=() roles=() scopes=() filters=() keys=() ids=()
while IFS='|' read -r n r s f; do
	k=$(newuser "$r" "$s") || bail "user for $n"
	id=$(post "$r" "$k" "$f") || bail "POST $n"
	names+=("$n") roles+=("$r") scopes+=("$s") filters+=("$f")
	keys+=("$k") ids+=("$id")
done <<EOF
$CASES
EOF
pass "${#ids[@]} exports created"
ok "every export READY" wait_for 120 all_ready "${ids[@]}" ||
    diag "$(psql_q "SELECT id, status, failure_reason FROM exports")"
for i in "${!ids[@]}"; do
	check "${names[$i]}" "${roles[$i]}" "${keys[$i]}" "${ids[$i]}" \
	    "${filters[$i]}" "${scopes[$i]}" on off
done

# The interesting cases are not vacuous.
rows_of() {
	for i in "${!names[@]}"; do
		[ "${names[$i]}" = "$1" ] && $PY "$W/csvdata.py" expect /dev/null \
		    "${filters[$i]}" "${scopes[$i]}" on off
	done
}
for n in op-dates op-bare-dates op-statuses op-suppliers op-amounts \
    op-mk-to-sup op-sup-to-sup op-currency op-ref-case op-related-type \
    op-related-id op-combined sup-S1 sup-S3-ignores-supplierIds \
    sup-S4-filters; do
	c=$(rows_of "$n")
	ok "$n selects some rows but not all ($c)" test "$c" -gt 0 -a "$c" -lt 266
done
# shellcheck disable=SC2016
is "op-ref-literal: only references holding 50%_\\ as such" \
    "$($PY -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline=""), delimiter=";"))[1:]
print(" ".join(sorted({r[9] for r in rows})), "ft-014" in [r[0] for r in rows])' \
    "$W/op-ref-literal.got")" '50%_\off True'
is "op-empty: header only" "$(cat "$W/op-empty.got")" \
    'transferId;createdAt;status;amount;currency;sourceBalanceAccountType;targetBalanceAccountType;supplierExternalId;supplierName;reference;relatedEntityType;relatedEntityId;failureReason'
is "sup-S5-empty: header only, 0 rows" "$(rows_of sup-S5-empty) $(wc -c <"$W/sup-S5-empty.got")" "0 184"
unlike "no other tenant's row in any file" "$(cat "$W"/*.got)" 'csvo-|;Other;'

# The file in the export dir is the one downloaded.
EXPORT_DIR=$(sed -n 's/^export_dir = "\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$FTX_CONFIG")
ok "the file lives in export_dir/<tenant dir>/<exportId>.csv" \
    cmp "$EXPORT_DIR/$(export_tenant_dir csvt)/${ids[0]}.csv" "$W/op-all.got"
is "no temporary file left in export_dir/csvt" \
    "$(find "$EXPORT_DIR/$(export_tenant_dir csvt)" -name '*.tmp' | wc -l)" 0
# The JSON API is not altered by the formula guard.
req GET "$FTX_URL/v1/payments/funding-transfers?reference=%3DSUM" \
    -H 'dj-client: OPERATOR' -H "dj-api-key: ${keys[0]}"
is "the transfer list shows the raw reference" "$(jv '[x["reference"] for x in d["data"]]')" '["=SUM(A1:A2)"]'

# ------------------------------------------------------------ variants
exportd_pid() { cat "$FTX_STACK_DIR/pid/ftx-exportd.pid"; }
# reload_exportd SED: edits ftx.conf, SIGHUPs ftx-exportd and waits until
# every worker of the old configuration is gone.
reload_exportd() {
	_m=$(exportd_pid)
	_old=$(pgrep -P "$_m" | sort)
	_n=$(grep -c 'reloaded: restarting' "$FTX_STACK_DIR/log/ftx-exportd.log")
	sed -i "$1" "$FTX_CONFIG"
	kill -HUP "$_m"
	# shellcheck disable=SC2016
	wait_for 20 bash -c '[ "$(grep -c "reloaded: restarting" "$1")" -gt "$2" ]' \
	    bash "$FTX_STACK_DIR/log/ftx-exportd.log" "$_n" || return 1
	# shellcheck disable=SC2016
	wait_for 30 bash -c 'for p in $1; do kill -0 $p 2>/dev/null && exit 1; done
	    [ "$(pgrep -P "$2" | wc -l)" -ge 2 ]' bash "$_old" "$_m"
}
ok "SIGHUP with csv.formula_guard = off" \
    reload_exportd 's/^formula_guard = on$/formula_guard = off/'
a=$(post OPERATOR "${keys[0]}" '{}') || bail "POST guard off"
s=$(post SUPPLIER "${keys[15]}" '{}') || bail "POST guard off (supplier)"
ok "guard off: READY" wait_for 60 all_ready "$a" "$s"
check guard-off-op-all OPERATOR "${keys[0]}" "$a" '{}' '' off off
check guard-off-sup-S1 SUPPLIER "${keys[15]}" "$s" '{}' S1 off off
like "guard off: the formula is left as it is" "$(cat "$W/guard-off-op-all.got")" '^=ft-003;'

ok "SIGHUP with csv.formula_guard = on, csv.bom = on" \
    reload_exportd 's/^formula_guard = off$/formula_guard = on/; s/^bom = off$/bom = on/'
a=$(post OPERATOR "${keys[0]}" '{}') || bail "POST bom on"
e=$(post OPERATOR "${keys[14]}" '{"currency": "GBP"}') || bail "POST bom on, empty"
ok "bom on: READY" wait_for 60 all_ready "$a" "$e"
check bom-on-op-all OPERATOR "${keys[0]}" "$a" '{}' '' on on
check bom-on-empty OPERATOR "${keys[14]}" "$e" '{"currency": "GBP"}' '' on on
is "bom on: the file starts with EF BB BF" "$(head -c 3 "$W/bom-on-op-all.got" | od -An -tx1 | tr -d ' ')" efbbbf

unlike "no failed attempt in the daemon's log" \
    "$(cat "$FTX_STACK_DIR/log/ftx-exportd.log")" 'attempt [0-9]+ failed|: FAILED|err(or)?:'

done_testing
