#!/bin/bash
# t_api_transfers.sh - GET /v1/payments/funding-transfers on the real stack:
# the ids returned for many filter combinations, walked over every page,
# compared with a psql query computing the same set independently, for an
# operator and for suppliers (scope by balance account, supplierIds of
# another supplier ignored, another tenant never seen); order (newest
# first, ties by id descending, fractions of a second kept); the 13 fields
# of an item and the amounts' minor units; account types and supplier names
# as joined, and the cache's 2-second staleness rule; every 400 of the
# endpoint.
. "${FTX_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

PY=/usr/bin/python3
stack_up FTX_FCGI_CHILDREN=3
T=$FTX_URL/v1/payments/funding-transfers



walk() {
	walk_pages "$T" transferId "$@"
}

# ------------------------------------------------------------ data
# Two tenants loaded with one seed (the same transfers apart from their ids),
# then hand-made rows: transfers between two suppliers' accounts, a supplier
# with two balance accounts, a transfer whose supplier_id names a supplier
# other than its accounts', ties on created_at, fractions of a second.
admin demo-data --tenant ta --suppliers 4 --transfers 300 --seed 7 >/dev/null ||
    bail "demo-data ta"
admin demo-data --tenant tb --suppliers 2 --transfers 60 --seed 7 >/dev/null ||
    bail "demo-data tb"
psql_q "
INSERT INTO balance_accounts VALUES
  ('ba_ta_sup_00003_b', 'ta', 'SUPPLIER', 'sup_ta_00003');
INSERT INTO funding_transfers (id, tenant_id, created_at, status, amount,
  currency, source_balance_account_id, target_balance_account_id, supplier_id,
  reference, related_entity_type, related_entity_id, failure_reason) VALUES
  ('x-s1s2', 'ta', '2025-06-01 10:00:00+00', 'COMPLETED', 10, 'EUR',
   'ba_ta_sup_00001', 'ba_ta_sup_00002', 'sup_ta_00001', 'S2S', NULL, NULL, NULL),
  ('x-s2s1', 'ta', '2025-06-02 10:00:00+00', 'FAILED', 20, 'EUR',
   'ba_ta_sup_00002', 'ba_ta_sup_00001', 'sup_ta_00002', 'S2S', 'REFUND', 'rf_x', 'nope'),
  ('x-s3own', 'ta', '2025-06-03 10:00:00+00', 'PENDING', 30, 'USD',
   'ba_ta_sup_00003', 'ba_ta_sup_00003_b', 'sup_ta_00003', 'own', NULL, NULL, NULL),
  ('x-s3b', 'ta', '2025-06-04 10:00:00+00', 'COMPLETED', 40, 'JPY',
   'ba_ta_marketplace', 'ba_ta_sup_00003_b', 'sup_ta_00003', 'via b', 'PAYOUT', 'po_x', NULL),
  ('x-other', 'ta', '2025-06-05 10:00:00+00', 'COMPLETED', 50, 'EUR',
   'ba_ta_marketplace', 'ba_ta_sup_00004', 'sup_ta_00001', 'mislabelled', NULL, NULL, NULL),
  ('tie-1', 'ta', '2025-07-01 12:00:00.123456+00', 'COMPLETED', 1, 'EUR',
   'ba_ta_marketplace', 'ba_ta_sup_00001', 'sup_ta_00001', 'tie', NULL, NULL, NULL),
  ('tie-2', 'ta', '2025-07-01 12:00:00.123456+00', 'COMPLETED', 2, 'EUR',
   'ba_ta_sup_00001', 'ba_ta_marketplace', 'sup_ta_00001', 'tie', NULL, NULL, NULL),
  ('tie-3', 'ta', '2025-07-01 12:00:00.123456+00', 'CANCELED', 3, 'EUR',
   'ba_ta_marketplace', 'ba_ta_sup_00001', 'sup_ta_00001', 'tie', NULL, NULL, NULL),
  ('tie-4', 'ta', '2025-07-01 12:00:00.123456+00', 'COMPLETED', 4, 'EUR',
   'ba_ta_marketplace', 'ba_ta_sup_00002', 'sup_ta_00002', 'tie', NULL, NULL, NULL),
  ('tie-0', 'ta', '2025-07-01 12:00:00.123456+00', 'COMPLETED', 5, 'EUR',
   'ba_ta_marketplace', 'ba_ta_sup_00001', 'sup_ta_00001', 'tie', NULL, NULL, NULL),
  ('frac-a', 'ta', '2025-07-01 12:00:00.9+00', 'COMPLETED', 6, 'EUR',
   'ba_ta_marketplace', 'ba_ta_sup_00001', 'sup_ta_00001', 'tie', NULL, NULL, NULL),
  ('frac-z', 'ta', '2025-07-01 12:00:00.1+00', 'COMPLETED', 7, 'EUR',
   'ba_ta_marketplace', 'ba_ta_sup_00001', 'sup_ta_00001', 'tie', NULL, NULL, NULL),
  ('lit-1', 'ta', '2025-08-01 00:00:00+00', 'COMPLETED', 8, 'EUR',
   'ba_ta_marketplace', 'ba_ta_sup_00001', 'sup_ta_00001', 'a_b 50%\\x', NULL, NULL, NULL),
  ('lit-2', 'ta', '2025-08-01 00:00:01+00', 'COMPLETED', 9, 'EUR',
   'ba_ta_marketplace', 'ba_ta_sup_00001', 'sup_ta_00001', 'aXb 50x', NULL, NULL, NULL);
-- Supplier 4 with 12 balance accounts, one transfer to each extra one.
INSERT INTO balance_accounts SELECT 'ba_ta_sup_00004_k' || lpad(g::text, 2, '0'),
  'ta', 'SUPPLIER', 'sup_ta_00004' FROM generate_series(1, 11) g;
INSERT INTO funding_transfers (id, tenant_id, created_at, status, amount,
  currency, source_balance_account_id, target_balance_account_id, supplier_id)
SELECT 'x-many-' || lpad(g::text, 2, '0'), 'ta', '2025-09-01'::timestamptz + g * interval '1 hour',
  'COMPLETED', g, 'EUR', CASE WHEN g % 2 = 0 THEN 'ba_ta_marketplace'
  ELSE 'ba_ta_sup_00004_k' || lpad(g::text, 2, '0') END,
  CASE WHEN g % 2 = 0 THEN 'ba_ta_sup_00004_k' || lpad(g::text, 2, '0')
  ELSE 'ba_ta_marketplace' END, 'sup_ta_00004'
FROM generate_series(1, 11) g;
" >/dev/null || bail "hand-made transfers"

newkey() { # TENANT EMAIL ROLE [SUPPLIER]
	_u=$(admin user add --tenant "$1" --email "$2" --role "$3" \
	    ${4:+--supplier "$4"}) && admin key create "$_u"
}
KOP=$(newkey ta op@ta.test OPERATOR) || bail "operator key"
KS1=$(newkey ta s1@ta.test SUPPLIER SUP-00001) || bail "supplier 1 key"
KS2=$(newkey ta s2@ta.test SUPPLIER SUP-00002) || bail "supplier 2 key"
KS3=$(newkey ta s3@ta.test SUPPLIER SUP-00003) || bail "supplier 3 key"
KS4=$(newkey ta s4@ta.test SUPPLIER SUP-00004) || bail "supplier 4 key"
KOPB=$(newkey tb op@tb.test OPERATOR) || bail "tenant b operator key"
KSB1=$(newkey tb s1@tb.test SUPPLIER SUP-00001) || bail "tenant b supplier key"

# expected SCOPE CONDITION: the ids psql finds, newest first.  SCOPE is
# "op:TENANT" or "sup:TENANT:EXTERNAL_ID"; CONDITION is on f (the transfer),
# s and t (its source and target accounts).
expected() {
	case $1 in
	op:*) _scope="f.tenant_id = '${1#op:}'" ;;
	sup:*)
		_t=${1#sup:}
		_x=${_t#*:}
		_t=${_t%%:*}
		_scope="f.tenant_id = '$_t' AND (s.supplier_id IN (SELECT id FROM
		    suppliers WHERE tenant_id = '$_t' AND external_id = '$_x') OR
		    t.supplier_id IN (SELECT id FROM suppliers WHERE tenant_id = '$_t'
		    AND external_id = '$_x'))" ;;
	esac
	psql_q "SELECT f.id FROM funding_transfers f
	    JOIN balance_accounts s ON s.id = f.source_balance_account_id
	    JOIN balance_accounts t ON t.id = f.target_balance_account_id
	    WHERE $_scope AND ($2) ORDER BY f.created_at DESC, f.id DESC"
}
# sups LIST: the condition "source or target account belongs to one of the
# tenant's suppliers with these external ids" (LIST: 'A','B').
sups() {
	echo "(s.supplier_id IN (SELECT id FROM suppliers WHERE tenant_id = 'ta'
	    AND external_id IN ($1)) OR t.supplier_id IN (SELECT id FROM suppliers
	    WHERE tenant_id = 'ta' AND external_id IN ($1)))"
}

# ------------------------------------------------------------ filter combinations
# Each line: query string | SQL condition.  Run for the operator and for
# supplier 1 (with supplierIds ignored for it).
combos=$(cat <<'EOF'
|true
statuses=FAILED,CANCELED|f.status IN ('FAILED','CANCELED')
statuses=PENDING&statuses=PROCESSING&statuses=PENDING|f.status IN ('PENDING','PROCESSING')
createdAtFrom=2025-06-01&createdAtTo=2025-09-30|f.created_at >= '2025-06-01T00:00:00Z' AND f.created_at < '2025-10-01T00:00:00Z'
createdAtFrom=2025-07-01T14:00:00.123456%2B02:00|f.created_at >= '2025-07-01T12:00:00.123456Z'
createdAtFrom=2025-07-01T14:00:00.5+02:00&createdAtTo=2026-01-01T00:00:00Z|f.created_at >= '2025-07-01T12:00:00.5Z' AND f.created_at <= '2026-01-01T00:00:00Z'
createdAtTo=2025-07-01T12:00:00.123456Z|f.created_at <= '2025-07-01T12:00:00.123456Z'
amountMin=1000&amountMax=50000.5|f.amount BETWEEN 1000 AND 50000.5
amountMin=5.0000&amountMax=9|f.amount BETWEEN 5 AND 9
currency=jpy|f.currency = 'JPY'
currency=EUR&statuses=COMPLETED&amountMax=100|f.currency = 'EUR' AND f.status = 'COMPLETED' AND f.amount <= 100
reference=promo%2010%25|strpos(lower(f.reference), 'promo 10%') > 0
reference=A_B%2050%25%5C|strpos(lower(f.reference), 'a_b 50%\') > 0
reference=_ADJ|strpos(lower(f.reference), '_adj') > 0
reference=TIE|strpos(lower(f.reference), 'tie') > 0
relatedEntityType=REFUND|f.related_entity_type = 'REFUND'
relatedEntityType=PAYOUT&relatedEntityId=po_x|f.related_entity_type = 'PAYOUT' AND f.related_entity_id = 'po_x'
sourceBalanceAccountType=SUPPLIER|s.type = 'SUPPLIER'
targetBalanceAccountType=SUPPLIER&sourceBalanceAccountType=SUPPLIER|s.type = 'SUPPLIER' AND t.type = 'SUPPLIER'
targetBalanceAccountType=MARKETPLACE&statuses=FAILED|t.type = 'MARKETPLACE' AND f.status = 'FAILED'
supplierIds=SUP-00002|SUPS('SUP-00002')
supplierIds=SUP-00003,SUP-00004&supplierIds=SUP-00003|SUPS('SUP-00003','SUP-00004')
supplierIds=SUP-00002&currency=EUR&createdAtFrom=2025-03-01|SUPS('SUP-00002') AND f.currency = 'EUR' AND f.created_at >= '2025-03-01'
EOF
)

n=0
while IFS='|' read -r qs cond; do
	n=$((n + 1))
	case $cond in
	SUPS*)
		list=${cond#SUPS(}
		rest=${list#*)}
		list=${list%%)*}
		opcond="$(sups "$list")$rest"
		supcond="true$rest"	# ignored for a supplier
		;;
	*) opcond=$cond supcond=$cond ;;
	esac
	want=$(expected op:ta "$opcond")
	got=$(walk OPERATOR "$KOP" 61 "$qs")
	same "operator, filters #$n [$qs]: $(echo "$want" | grep -c .) ids" "$got" "$want"
	want=$(expected sup:ta:SUP-00001 "$supcond")
	got=$(walk SUPPLIER "$KS1" 17 "$qs")
	same "supplier 1, filters #$n [$qs]: $(echo "$want" | grep -c .) ids" "$got" "$want"
done <<EOF
$combos
EOF

# A few combinations for the other suppliers and tenant b.
want=$(expected sup:ta:SUP-00002 "true")
same "supplier 2 sees its transfers only (both directions)" "$(walk SUPPLIER "$KS2" 50 "")" "$want"
like "supplier 2 sees the supplier-to-supplier transfers" "$want" '^x-s1s2$'
want=$(expected sup:ta:SUP-00002 "f.status = 'FAILED'")
same "supplier 2, supplierIds=SUP-00001 ignored" "$(walk SUPPLIER "$KS2" 7 "supplierIds=SUP-00001&statuses=FAILED")" "$want"
want=$(expected sup:ta:SUP-00003 "true")
got=$(walk SUPPLIER "$KS3" 11 "")
same "supplier 3 with two balance accounts" "$got" "$want"
is "a transfer between a supplier's own two accounts listed once" "$(echo "$got" | grep -cx 'x-s3own')" 1
like "supplier 3 sees a transfer to its second account" "$got" '^x-s3b$'
want=$(expected sup:ta:SUP-00004 "true")
like "x-other is in supplier 4's scope (by account)" "$want" '^x-other$'
got=$(walk SUPPLIER "$KS4" 10 "")
same "supplier 4 with 12 balance accounts sees all of them" "$got" "$want"
is "supplier 4: the transfers of its 11 extra accounts" "$(echo "$got" | grep -c '^x-many-')" 11
same "supplier 4, filtered" "$(walk SUPPLIER "$KS4" 3 "amountMax=6&currency=EUR")" \
    "$(expected sup:ta:SUP-00004 "f.amount <= 6 AND f.currency = 'EUR'")"
unlike "x-other is not in supplier 1's scope (its supplier_id is not the scope)" "$(walk SUPPLIER "$KS1" 500 "")" '^x-other$'
same "supplier 1 of tenant b sees only tenant b" "$(walk SUPPLIER "$KSB1" 9 "")" "$(expected sup:tb:SUP-00001 true)"
same "operator of tenant b sees only tenant b" "$(walk OPERATOR "$KOPB" 50 "")" "$(expected op:tb true)"
is "operator of tenant a sees only tenant a" "$(walk OPERATOR "$KOP" 500 "" | grep -c '^ft_tb_')" 0
req GET "$T?supplierIds=SUP-00003" -H 'dj-client: OPERATOR' -H "dj-api-key: $KOPB"
is "tenant b has no SUP-00003: 400" "$CODE" 400
is "tenant b has no SUP-00003: UNKNOWN_SUPPLIER" "$(errs)" 'UNKNOWN_SUPPLIER:supplierIds'

# Order: ties by id descending, fractions of a second kept; a walk with
# page size 1 across the ties.
is "ties by id descending, fractions ordered, page size 1" \
    "$(walk OPERATOR "$KOP" 1 "reference=tie" | tr '\n' ' ')" \
    "frac-a tie-4 tie-3 tie-2 tie-1 tie-0 frac-z "
is "page size 2 for a supplier across the ties" \
    "$(walk SUPPLIER "$KS1" 2 "reference=tie" | tr '\n' ' ')" \
    "frac-a tie-3 tie-2 tie-1 tie-0 frac-z "
is "reference is literal (% _ \\), case-insensitive" \
    "$(walk OPERATOR "$KOP" 5 "reference=A_B%2050%25" | tr '\n' ' ')" "lit-1 "

# ------------------------------------------------------------ items
admin tenant add tf "Format" >/dev/null || bail "tenant tf"
admin supplier add --tenant tf --external-id F1 --name 'Fmt; "One"' >/dev/null || bail "supplier F1"
KF=$(newkey tf op@tf.test OPERATOR) || bail "tf operator key"
psql_q "
INSERT INTO balance_accounts VALUES ('tf_m', 'tf', 'MARKETPLACE', NULL),
  ('tf_s', 'tf', 'SUPPLIER', (SELECT id FROM suppliers WHERE tenant_id = 'tf'));
INSERT INTO funding_transfers (id, tenant_id, created_at, status, amount,
  currency, source_balance_account_id, target_balance_account_id, supplier_id,
  reference, related_entity_type, related_entity_id, failure_reason)
SELECT v.id, 'tf', v.c::timestamptz, v.st, v.a::numeric, v.cur, v.src, v.dst,
  (SELECT id FROM suppliers WHERE tenant_id = 'tf'), v.ref, v.rt, v.ri, v.fr
FROM (VALUES
  ('f01', '2025-01-01 00:00:01.999999+00', 'COMPLETED', '10.005', 'EUR', 'tf_m', 'tf_s', 'r1', 'PAYOUT', 'po_1', NULL),
  ('f02', '2025-01-01 00:00:02+01', 'FAILED', '1499.5', 'JPY', 'tf_s', 'tf_m', NULL, NULL, NULL, 'Bank said =no'),
  ('f03', '2025-01-01 00:00:03+00', 'COMPLETED', '1499.4999', 'JPY', 'tf_m', 'tf_s', '', 'REFUND', 'rf_1', 'not failed'),
  ('f04', '2025-01-01 00:00:04+00', 'PENDING', '0.0049', 'EUR', 'tf_m', 'tf_s', '=1+2', NULL, NULL, NULL),
  ('f05', '2025-01-01 00:00:05+00', 'CANCELED', '9.995', 'USD', 'tf_m', 'tf_s', 'x', NULL, NULL, NULL),
  ('f06', '2025-01-01 00:00:06+00', 'PROCESSING', '1.0005', 'BHD', 'tf_m', 'tf_s', 'x', NULL, NULL, NULL),
  ('f07', '2025-01-01 00:00:07+00', 'COMPLETED', '999999999999.9999', 'EUR', 'tf_m', 'tf_s', 'x', NULL, NULL, NULL),
  ('f08', '2025-01-01 00:00:08+00', 'COMPLETED', '0', 'KRW', 'tf_m', 'tf_s', 'x', NULL, NULL, NULL),
  ('f09', '2025-01-01 00:00:09+00', 'COMPLETED', '2.5', 'JPY', 'tf_m', 'tf_s', 'x', NULL, NULL, NULL),
  ('f10', '2025-01-01 00:00:10+00', 'COMPLETED', '12.3', 'CLF', 'tf_m', 'tf_s', 'x', NULL, NULL, NULL)
) AS v(id, c, st, a, cur, src, dst, ref, rt, ri, fr)" >/dev/null || bail "format rows"

req GET "$T?size=500" -H 'dj-client: OPERATOR' -H "dj-api-key: $KF"
is "format list 200" "$CODE" 200
like "JSON content type" "$HDRS" '^Content-Type: application/json; charset=utf-8$'
is "13 fields in every item" "$(jv 'sorted(set(len(x) for x in d["data"]))')" '[13]'
is "field names" "$(jv 'sorted(d["data"][0].keys())')" \
    '["amount","createdAt","currency","failureReason","reference","relatedEntityId","relatedEntityType","sourceBalanceAccountType","status","supplierExternalId","supplierName","targetBalanceAccountType","transferId"]'
is "amounts with minor units, half away from zero" \
    "$(jv '" ".join(x["transferId"] + "=" + x["amount"] for x in d["data"])')" \
    "f10=12.3000 f09=3 f08=0 f07=1000000000000.00 f06=1.001 f05=10.00 f04=0.00 f03=1499 f01=10.01 f02=1500"
is "item f01 (fractions dropped, nulls)" "$(jv '[x for x in d["data"] if x["transferId"] == "f01"][0]')" \
    '{"amount":"10.01","createdAt":"2025-01-01T00:00:01Z","currency":"EUR","failureReason":null,"reference":"r1","relatedEntityId":"po_1","relatedEntityType":"PAYOUT","sourceBalanceAccountType":"MARKETPLACE","status":"COMPLETED","supplierExternalId":"F1","supplierName":"Fmt; \"One\"","targetBalanceAccountType":"SUPPLIER","transferId":"f01"}'
is "item f02 (UTC, FAILED keeps its reason, NULLs are null)" "$(jv '[x for x in d["data"] if x["transferId"] == "f02"][0]')" \
    '{"amount":"1500","createdAt":"2024-12-31T23:00:02Z","currency":"JPY","failureReason":"Bank said =no","reference":null,"relatedEntityId":null,"relatedEntityType":null,"sourceBalanceAccountType":"SUPPLIER","status":"FAILED","supplierExternalId":"F1","supplierName":"Fmt; \"One\"","targetBalanceAccountType":"MARKETPLACE","transferId":"f02"}'
is "failureReason null when not FAILED" "$(jv '[x["failureReason"] for x in d["data"] if x["transferId"] == "f03"][0]')" 'null'
is "formula-looking text not altered in JSON" "$(jv '[x["reference"] for x in d["data"] if x["transferId"] == "f04"][0]')" '=1+2'
like "empty reference is null or empty, never missing" "$(jv '[x["reference"] for x in d["data"] if x["transferId"] == "f03"][0]')" '^(null|)$'
is "filters compare the unrounded amount (1499.5 > 1499.4999)" \
    "$(walk OPERATOR "$KF" 5 "amountMin=1499.5&amountMax=1499.5")" "f02"
is "amountMin 10.005 excludes 9.995 and 10.00x rounding" \
    "$(walk OPERATOR "$KF" 5 "amountMin=10.0050&amountMax=10.005")" "f01"
is "pageInfo of a last page" "$(jv 'd["pageInfo"]')" '{"hasNextPage":false,"nextCursor":null,"pageSize":500}'

# ------------------------------------------------------------ sizes and errors
OP=(-H 'dj-client: OPERATOR' -H "dj-api-key: $KOP")
req GET "$T" "${OP[@]}"
is "default size 50" "$(jv '[d["pageInfo"]["pageSize"], len(d["data"]), d["pageInfo"]["hasNextPage"]]')" '[50,50,true]'
req GET "$T?size=500" "${OP[@]}"
is "size 500 accepted" "$(jv '[d["pageInfo"]["pageSize"], len(d["data"])]')" "[500,$(psql_q "SELECT count(*) FROM funding_transfers WHERE tenant_id = 'ta'")]"
req GET "$T?size=1&size=2" "${OP[@]}"
is "size twice" "$CODE $(errs)" '400 INVALID_PARAMETER:size'
for s in 0 501 -1 abc 1.5 '' 00000000000000000001 1e2 '%20'; do
	req GET "$T?size=$s" "${OP[@]}"
	is "size=$s: 400 INVALID_PARAMETER" "$CODE $(errs)" '400 INVALID_PARAMETER:size'
done
for c in garbage '!!!!' djE6 'djE6MTIzOmE=' "$(printf 'v2:1:x' | base64 | tr -d =)"; do
	req GET "$T?cursor=$c" "${OP[@]}"
	is "cursor=$c: 400 INVALID_CURSOR" "$CODE $(errs)" '400 INVALID_CURSOR:cursor'
done
req GET "$T?foo=1&Size=2" "${OP[@]}"
is "unknown parameters: UNKNOWN_FIELD each" "$CODE $(errs)" '400 UNKNOWN_FIELD:foo UNKNOWN_FIELD:Size'
req GET "$T?statuses=DONE&currency=EU&amountMin=-1&amountMax=1.00001&sourceBalanceAccountType=marketplace&targetBalanceAccountType=X&relatedEntityType=payout&createdAtFrom=2025-02-30&createdAtTo=yesterday" "${OP[@]}"
is "every bad filter listed" "$CODE $(errs)" '400 INVALID_FILTER:statuses INVALID_FILTER:currency INVALID_FILTER:amountMin INVALID_FILTER:amountMax INVALID_FILTER:sourceBalanceAccountType INVALID_FILTER:targetBalanceAccountType INVALID_FILTER:relatedEntityType INVALID_FILTER:createdAtFrom INVALID_FILTER:createdAtTo'
like "an error has code, field and message" "$(jv 'sorted(d["errors"][0].keys())')" '^\["code","field","message"\]$'
req GET "$T?createdAtFrom=2025-02-01&createdAtTo=2025-01-31" "${OP[@]}"
is "from > to" "$CODE $(errs)" '400 INVALID_DATE_RANGE:createdAtFrom'
req GET "$T?createdAtFrom=2025-01-31&createdAtTo=2025-01-31" "${OP[@]}"
is "from = to (one whole day) is fine" "$CODE" 200
req GET "$T?amountMin=10.0001&amountMax=10" "${OP[@]}"
is "min > max" "$CODE $(errs)" '400 INVALID_AMOUNT_RANGE:amountMin'
req GET "$T?amountMin=10&amountMax=10.0000" "${OP[@]}"
is "min = max is fine" "$CODE" 200
req GET "$T?supplierIds=SUP-00001,NOPE,SUP-00002,ZZ" "${OP[@]}"
is "unknown suppliers, each listed" "$CODE $(errs)" '400 UNKNOWN_SUPPLIER:supplierIds UNKNOWN_SUPPLIER:supplierIds'
like "unknown suppliers named in the messages" "$(jv '" ".join(e["message"] for e in d["errors"])')" 'NOPE.*ZZ'
req GET "$T?supplierIds=NOPE" -H 'dj-client: SUPPLIER' -H "dj-api-key: $KS1"
is "supplierIds ignored for a supplier, even unknown" "$CODE" 200
req GET "$T?currency=EUR&currency=USD" "${OP[@]}"
is "a scalar filter given twice" "$CODE $(errs)" '400 INVALID_FILTER:currency'
req GET "$T?statuses=&supplierIds=" "${OP[@]}"
is "empty arrays: no filter" "$CODE $(jv 'len(d["data"])')" '200 50'
req GET "$T?size=3&currency=JPY" "${OP[@]}"
cursor=$(jv 'd["pageInfo"]["nextCursor"]')
req GET "$T?currency=JPY&cursor=$cursor&size=3" "${OP[@]}"
is "a cursor continues its list" "$CODE $(jv '" ".join(x["transferId"] for x in d["data"])')" \
    "200 $(expected op:ta "f.currency = 'JPY'" | sed -n 4,6p | tr '\n' ' ' | sed 's/ $//')"

# ------------------------------------------------------------ names and types
# Account types and supplier names come from each responder's cache, not
# from joins in the page query: every item agrees with the joined tables.
# fields: transferId|source type|target type|supplier external id|name
fields='"\n".join("|".join([x["transferId"], x["sourceBalanceAccountType"], x["targetBalanceAccountType"], x["supplierExternalId"], x["supplierName"]]) for x in d["data"])'
joined() { # CONDITION
	psql_q "SELECT f.id || '|' || s.type || '|' || t.type || '|' ||
	    p.external_id || '|' || p.name FROM funding_transfers f
	    JOIN balance_accounts s ON s.id = f.source_balance_account_id
	    JOIN balance_accounts t ON t.id = f.target_balance_account_id
	    JOIN suppliers p ON p.id = f.supplier_id
	    WHERE $1 ORDER BY f.created_at DESC, f.id DESC"
}
req GET "$T?size=500" "${OP[@]}"
same "operator: types and supplier of every item as joined" "$(jv "$fields")" \
    "$(joined "f.tenant_id = 'ta'")"
S3=(-H 'dj-client: SUPPLIER' -H "dj-api-key: $KS3")
req GET "$T?size=500" "${S3[@]}"
same "supplier 3: types and supplier of every item as joined" "$(jv "$fields")" \
    "$(joined "f.id IN ($(expected sup:ta:SUP-00003 true | sed "s/.*/'&'/" | paste -sd,))")"

# Staleness rule (dimcache.h): 2 seconds after upstream renames a supplier
# or gives a balance account to another supplier, no responder shows the
# old state.  Every child is warmed first (12 requests > 3 children).
S2=(-H 'dj-client: SUPPLIER' -H "dj-api-key: $KS2")
# seen N ARGS...: the distinct answers to N requests, as "a b c".
seen() {
	_n=$1
	shift
	for _i in $(seq 1 "$_n"); do
		req GET "$@"
		jv "$SEEN"
	done | sort -u | paste -sd' '
}
SEEN='"/".join(x["transferId"] + "=" + x["supplierName"] for x in d["data"])'
is "before: x-s1s2 under SUP-00001's name on every responder" \
    "$(seen 12 "$T?reference=S2S&statuses=COMPLETED" "${OP[@]}")" \
    "x-s1s2=$(psql_q "SELECT name FROM suppliers WHERE id = 'sup_ta_00001'")"
SEEN='" ".join(x["transferId"] for x in d["data"])'
is "before: supplier 3 sees x-s3b through its second account" \
    "$(seen 12 "$T?reference=via%20b" "${S3[@]}")" "x-s3b"
is "before: supplier 2 does not" "$(seen 12 "$T?reference=via%20b" "${S2[@]}")" ""
t0=$EPOCHREALTIME
psql_q "UPDATE suppliers SET name = 'Renamed Ünë' WHERE id = 'sup_ta_00001';
    UPDATE balance_accounts SET supplier_id = 'sup_ta_00002'
    WHERE id = 'ba_ta_sup_00003_b'" >/dev/null || bail "upstream changes"
sleep "$(awk -v t0="$t0" -v now="$EPOCHREALTIME" 'BEGIN { d = t0 + 2.2 - now; print (d > 0 ? d : 0) }')"
SEEN='"/".join(x["transferId"] + "=" + x["supplierName"] for x in d["data"])'
is "after 2 s: the new name on every responder" \
    "$(seen 12 "$T?reference=S2S&statuses=COMPLETED" "${OP[@]}")" "x-s1s2=Renamed Ünë"
SEEN='" ".join(x["transferId"] for x in d["data"])'
is "after 2 s: supplier 3 no longer sees the account it lost" \
    "$(seen 12 "$T?reference=via%20b" "${S3[@]}")" ""
is "after 2 s: supplier 2 sees the account it got" \
    "$(seen 12 "$T?reference=via%20b" "${S2[@]}")" "x-s3b"

# A balance account id longer than the scope's branches take (128 bytes)
# is walked by the joined scope: nothing is lost or truncated.
long=ba_$(printf 'l%.0s' $(seq 1 200))
psql_q "INSERT INTO balance_accounts VALUES ('$long', 'tb', 'SUPPLIER',
      (SELECT id FROM suppliers WHERE tenant_id = 'tb' AND external_id = 'SUP-00001'));
    INSERT INTO funding_transfers (id, tenant_id, created_at, status, amount,
      currency, source_balance_account_id, target_balance_account_id, supplier_id)
    VALUES ('x-long', 'tb', '2025-01-01', 'COMPLETED', 1, 'EUR', '$long',
      (SELECT id FROM balance_accounts WHERE tenant_id = 'tb' AND type = 'MARKETPLACE' LIMIT 1),
      (SELECT supplier_id FROM balance_accounts WHERE id = '$long'))" >/dev/null ||
    bail "long account id"
sleep 2.2
same "a 203-byte account id: the supplier's list is whole" \
    "$(walk SUPPLIER "$KSB1" 9 "")" "$(expected sup:tb:SUP-00001 true)"
like "a 203-byte account id: its transfer is listed" "$(walk SUPPLIER "$KSB1" 50 "")" '^x-long$'

is "no request answered 5xx" "$(grep -Ec 'request [0-9a-f]+ [A-Z]+ [^ ]+ 5[0-9][0-9] ' "$FTX_STACK_DIR/log/ftx-fcgi.log")" 0

done_testing
