/*
 * check_apikey.c - key generation, splitting, hashing and verification.
 */
#include <stdlib.h>
#include <string.h>

#include "apikey.h"
#include "check_main.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define NGEN		1000

static const struct {
	const char	*key;
	const char	*keyid;		/* NULL: -1 expected */
	const char	*secret;
} split_cases[] = {
	{ "ftx_abcdefgh_0123456789abcdef", "abcdefgh", "0123456789abcdef" },
	{ "ftx_abc123xyz0000000_" "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef", "abc123xyz0000000",
	    "0123456789abcdef0123456789abcdef0123456789abcdef" },
	{ "ftx_abcdefghijklmnopqrstuvwxyz012345_SECRETsecret0123",
	    "abcdefghijklmnopqrstuvwxyz012345", "SECRETsecret0123" },
	{ "ftx_12345678_" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAA", "12345678",
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAA" },		/* 128-character secret */
	/* Malformed. */
	{ "", NULL, NULL },
	{ "ftx", NULL, NULL },
	{ "ftx_", NULL, NULL },
	{ "ftx__0123456789abcdef", NULL, NULL },
	{ "ftx_abcdefgh", NULL, NULL },
	{ "ftx_abcdefgh_", NULL, NULL },
	{ "abcdefgh_0123456789abcdef", NULL, NULL },
	{ "ftk_abcdefgh_0123456789abcdef", NULL, NULL },
	{ "FTX_abcdefgh_0123456789abcdef", NULL, NULL },
	{ "ftx-abcdefgh_0123456789abcdef", NULL, NULL },
	{ "xftx_abcdefgh_0123456789abcdef", NULL, NULL },
	{ "ftx_abcdefg_0123456789abcdef", NULL, NULL },	/* 7 */
	{ "ftx_abcdefghijklmnopqrstuvwxyz0123456_0123456789abcdef",
	    NULL, NULL },					/* 33 */
	{ "ftx_ABCDEFGH_0123456789abcdef", NULL, NULL },
	{ "ftx_abcdEfgh_0123456789abcdef", NULL, NULL },
	{ "ftx_abcd-fgh_0123456789abcdef", NULL, NULL },
	{ "ftx_abcdefgh_0123456789abcde", NULL, NULL },	/* 15 */
	{ "ftx_abcdefgh_0123456789abcdef-0", NULL, NULL },
	{ "ftx_abcdefgh_0123456789-abcdef", NULL, NULL },
	{ "ftx_abcdefgh_0123456789abcdef_0", NULL, NULL },
	{ "ftx_abcdefgh__0123456789abcdef", NULL, NULL },
	{ " ftx_abcdefgh_0123456789abcdef", NULL, NULL },
	{ "ftx_abcdefgh_0123456789abcdef ", NULL, NULL },
	{ "ftx_abcd efgh_0123456789abcdef", NULL, NULL },
	{ "ftx_abcdefgh_0123456789 abcdef", NULL, NULL },
	{ "ftx_abcdefgh_0123456789abcdef\n", NULL, NULL },
	{ "ftx_abcdefgh_0123456789abcdef\r", NULL, NULL },
	{ "ftx_abcdefgh_0123456789abcde\xc3\xa9", NULL, NULL },
	{ "ftx_abcdefgh_" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAA", NULL, NULL },		/* 129 */
};

/* A heap copy of exactly the string's size, so ASan sees over-reads. */
static char *
copy(const char *s)
{
	char *p = strdup(s);

	ck_assert_ptr_nonnull(p);
	return p;
}

static int
all_in(const char *s, const char *alphabet)
{
	return s[strspn(s, alphabet)] == '\0';
}

START_TEST(test_split_table)
{
	char keyid[FTX_APIKEY_ID_MAX + 1] = "untouched";
	const char *secret = NULL;
	char *key = copy(split_cases[_i].key);
	int rc;

	rc = ftx_apikey_split(key, keyid, &secret);
	if (split_cases[_i].keyid == NULL) {
		ck_assert_msg(rc == -1, "\"%s\": accepted", key);
		ck_assert_str_eq(keyid, "untouched");
		ck_assert_ptr_null(secret);
	} else {
		ck_assert_msg(rc == 0, "\"%s\": rejected", key);
		ck_assert_str_eq(keyid, split_cases[_i].keyid);
		ck_assert_str_eq(secret, split_cases[_i].secret);
		ck_assert_ptr_eq(secret, key + strlen(key) -
		    strlen(split_cases[_i].secret));
	}
	free(key);
}
END_TEST

/* Long inputs of every shape are refused; exact-size heap buffers let ASan
 * catch a read past the end. */
START_TEST(test_split_long)
{
	char keyid[FTX_APIKEY_ID_MAX + 1];
	const char *secret;
	char *key;
	size_t n;

	for (n = 0; n <= 200; n++) {
		key = malloc(n + 1);
		ck_assert_ptr_nonnull(key);
		memset(key, 'a', n);
		if (n >= 4)
			memcpy(key, "ftx_", 4);
		if (n >= 14)
			key[12] = '_';
		key[n] = '\0';
		/* Valid exactly when the secret is 16..128 characters. */
		ck_assert_int_eq(ftx_apikey_split(key, keyid, &secret),
		    n >= 13 + 16 && n <= 13 + 128 ? 0 : -1);
		memset(key, 'a', n);	/* 200 characters, no structure */
		ck_assert_int_eq(ftx_apikey_split(key, keyid, &secret), -1);
		free(key);
	}
	ck_assert_int_eq(ftx_apikey_split(NULL, keyid, &secret), -1);
}
END_TEST

START_TEST(test_hash_vectors)
{
	char hash[FTX_APIKEY_HASH_LEN];

	/* FIPS 180-2 / well-known SHA-256 vectors. */
	ftx_apikey_hash("", hash);
	ck_assert_str_eq(hash, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	ftx_apikey_hash("abc", hash);
	ck_assert_str_eq(hash, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
}
END_TEST

START_TEST(test_generate)
{
	static char keys[NGEN][FTX_APIKEY_LEN];
	char keyid[FTX_APIKEY_ID_MAX + 1], back[FTX_APIKEY_ID_MAX + 1];
	char hash[FTX_APIKEY_HASH_LEN], wrong[64];
	const char *secret;
	int i, j;

	ck_assert_int_eq(ftx_crypto_init(), 0);
	ck_assert_int_eq(ftx_crypto_init(), 0);
	for (i = 0; i < NGEN; i++) {
		ck_assert_int_eq(ftx_apikey_generate(keyid, keys[i],
		    sizeof(keys[i]), hash), 0);
		ck_assert_uint_eq(strlen(keyid), 16);
		ck_assert(all_in(keyid, "abcdefghijklmnopqrstuvwxyz0123456789"));
		ck_assert_uint_eq(strlen(keys[i]), 4 + 16 + 1 + 48);
		ck_assert_uint_eq(strlen(hash), 64);
		ck_assert(all_in(hash, "0123456789abcdef"));
		ck_assert_int_eq(ftx_apikey_split(keys[i], back, &secret), 0);
		ck_assert_str_eq(back, keyid);
		ck_assert_uint_eq(strlen(secret), 48);
		ck_assert(all_in(secret, "0123456789abcdef"));
		ck_assert_int_eq(ftx_apikey_verify(secret, hash), 1);
		/* One flipped character of the secret fails. */
		strcpy(wrong, secret);
		wrong[i % 48] = wrong[i % 48] == '0' ? '1' : '0';
		ck_assert_int_eq(ftx_apikey_verify(wrong, hash), 0);
		ck_assert_int_eq(ftx_apikey_verify(secret, NULL), 0);
	}
	for (i = 0; i < NGEN; i++)
		for (j = i + 1; j < NGEN; j++)
			if (strcmp(keys[i], keys[j]) == 0 ||
			    strncmp(keys[i], keys[j], 4 + 16) == 0)
				ck_abort_msg("keys %d and %d collide", i, j);
	/* A buffer one short is refused. */
	ck_assert_int_eq(ftx_apikey_generate(keyid, keys[0],
	    4 + 16 + 1 + 48, hash), -1);
}
END_TEST

/* Over 10000 keys (160000 KEYID characters, 4444 expected of each, sigma
 * about 66) no character is off by more than 350: a modulo bias would give
 * 'a'..'d' about 5000. */
START_TEST(test_keyid_spread)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	char keyid[FTX_APIKEY_ID_MAX + 1], key[FTX_APIKEY_LEN];
	char hash[FTX_APIKEY_HASH_LEN];
	int count[36] = { 0 }, i, j;

	for (i = 0; i < 10 * NGEN; i++) {
		if (ftx_apikey_generate(keyid, key, sizeof(key), hash) != 0)
			ck_abort_msg("generate failed");
		for (j = 0; j < 16; j++)
			count[strchr(alphabet, keyid[j]) - alphabet]++;
	}
	for (j = 0; j < 36; j++)
		ck_assert_msg(count[j] > 4444 - 350 && count[j] < 4444 + 350,
		    "'%c': %d",
		    alphabet[j], count[j]);
}
END_TEST

static const struct {
	const char	*secret;
	const char	*stored;
	int		 ok;
} verify_cases[] = {
	{ "abc", "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad", 1 },
	{ "abc", "BA7816BF8F01CFEA414140DE5DAE2223"
	    "B00361A396177A9CB410FF61F20015AD", 1 },
	{ "abd", "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad", 0 },
	{ "ABC", "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad", 0 },
	{ "abc", "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ac", 0 },
	{ "abc", "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015a", 0 },	/* 63 */
	{ "abc", "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad0", 0 },	/* 65 */
	{ "abc", "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ag", 0 },
	{ "abc", "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015-d", 0 },
	{ "abc", "", 0 },
	{ "abc", "ba7816bf8f01cfea", 0 },
	{ "abc", NULL, 0 },
	{ "", "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855", 1 },
	{ "", NULL, 0 },
};

START_TEST(test_verify_table)
{
	char *stored = verify_cases[_i].stored ?
	    copy(verify_cases[_i].stored) : NULL;

	ck_assert_msg(ftx_apikey_verify(verify_cases[_i].secret, stored) ==
	    verify_cases[_i].ok, "\"%s\" vs \"%s\"", verify_cases[_i].secret,
	    stored ? stored : "(null)");
	free(stored);
}
END_TEST

START_TEST(test_ct_memeq)
{
	unsigned char a[64], b[64];
	size_t i;

	for (i = 0; i < sizeof(a); i++)
		a[i] = b[i] = (unsigned char)(i * 7 + 1);
	ck_assert_int_eq(ftx_ct_memeq(a, b, sizeof(a)), 1);
	ck_assert_int_eq(ftx_ct_memeq(a, b, 0), 1);
	for (i = 0; i < sizeof(a); i++) {
		b[i] ^= 0x80;
		ck_assert_int_eq(ftx_ct_memeq(a, b, sizeof(a)), 0);
		ck_assert_int_eq(ftx_ct_memeq(a, b, i), 1);
		b[i] ^= 0x80;
	}
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("apikey");
	tc = tcase_create("split");
	tcase_add_loop_test(tc, test_split_table, 0, NELEM(split_cases));
	tcase_add_test(tc, test_split_long);
	suite_add_tcase(s, tc);
	tc = tcase_create("generate");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_generate);
	tcase_add_test(tc, test_keyid_spread);
	suite_add_tcase(s, tc);
	tc = tcase_create("verify");
	tcase_add_test(tc, test_hash_vectors);
	tcase_add_loop_test(tc, test_verify_table, 0, NELEM(verify_cases));
	tcase_add_test(tc, test_ct_memeq);
	suite_add_tcase(s, tc);
	return s;
}
