/*
 * check_signurl.c - HMAC-SHA256 link signatures, verification, rotation,
 * secret files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "signurl.h"

#define S1 "0123456789abcdef0123456789abcdef"
#define S2 "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"

/* Expected values computed independently with Python's hmac module. */
static const struct {
	const char *secret, *id;
	long long expires;
	const char *sig;
} vectors[] = {
	{ S1, "abc-123", 1767225600LL,
	  "6775317a8e81800ad41830f2df8cddc251e11f95b3077b68dd902ddfb8c77ec5" },
	{ S2, "4b0c5e0e-7a7a-4c1e-9d5b-000000000001", 2000000000LL,
	  "d86566e4cdfa58030a1d73dd987cfd4e5dcf37e338539d65b2d13e6694b07e92" },
};

START_TEST(test_vectors)
{
	struct ftx_signurl_keys *k = ftx_signurl_from_secret(vectors[_i].secret);
	char sig[FTX_SIGNURL_SIG_LEN], e[24];

	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(ftx_signurl_sign(k, vectors[_i].id,
	    vectors[_i].expires, sig), 0);
	ck_assert_str_eq(sig, vectors[_i].sig);
	snprintf(e, sizeof(e), "%lld", vectors[_i].expires);
	ck_assert_int_eq(ftx_signurl_verify(k, vectors[_i].id, e, sig), 1);
	ftx_signurl_free(k);
}
END_TEST

static const struct {
	const char *id, *e, *sig;
} bad[] = {
	{ "abc-124", "1767225600",
	  "6775317a8e81800ad41830f2df8cddc251e11f95b3077b68dd902ddfb8c77ec5" },
	{ "abc-123", "1767225601",
	  "6775317a8e81800ad41830f2df8cddc251e11f95b3077b68dd902ddfb8c77ec5" },
	{ "abc-123", "01767225600",
	  "6775317a8e81800ad41830f2df8cddc251e11f95b3077b68dd902ddfb8c77ec5" },
	{ "abc-123", "1767225600",
	  "6775317a8e81800ad41830f2df8cddc251e11f95b3077b68dd902ddfb8c77ec6" },
	{ "abc-123", "1767225600",
	  "6775317A8E81800AD41830F2DF8CDDC251E11F95B3077B68DD902DDFB8C77EC5" },
	{ "abc-123", "1767225600",
	  "6775317a8e81800ad41830f2df8cddc251e11f95b3077b68dd902ddfb8c77ec" },
	{ "abc-123", "1767225600", "" },
	{ "abc-123", "1767225600", NULL },
	{ "abc-123", NULL,
	  "6775317a8e81800ad41830f2df8cddc251e11f95b3077b68dd902ddfb8c77ec5" },
	{ NULL, "1767225600",
	  "6775317a8e81800ad41830f2df8cddc251e11f95b3077b68dd902ddfb8c77ec5" },
};

START_TEST(test_tampered)
{
	struct ftx_signurl_keys *k = ftx_signurl_from_secret(S1);

	ck_assert_int_eq(ftx_signurl_verify(k, bad[_i].id, bad[_i].e,
	    bad[_i].sig), 0);
	ftx_signurl_free(k);
}
END_TEST

static char *
write_file(const char *text)
{
	static char path[64];
	FILE *fp;
	int fd;

	strcpy(path, "/tmp/check_signurl.XXXXXX");
	ck_assert_int_ne(fd = mkstemp(path), -1);
	ck_assert_ptr_nonnull(fp = fdopen(fd, "w"));
	fputs(text, fp);
	fclose(fp);
	return path;
}

START_TEST(test_rotation)
{
	char *path = write_file("# current first, then the old one\n\n"
	    S2 "\r\n" S1 "\n");
	struct ftx_signurl_keys *k, *old;
	char err[256], sig[FTX_SIGNURL_SIG_LEN];

	k = ftx_signurl_load(path, err, sizeof(err));
	unlink(path);
	ck_assert_ptr_nonnull(k);
	old = ftx_signurl_from_secret(S1);
	/* A link signed with the old secret still verifies. */
	ck_assert_int_eq(ftx_signurl_sign(old, "abc-123", 1767225600LL, sig), 0);
	ck_assert_int_eq(ftx_signurl_verify(k, "abc-123", "1767225600", sig), 1);
	/* New links are signed with the first secret. */
	ck_assert_int_eq(ftx_signurl_sign(k, "4b0c5e0e-7a7a-4c1e-9d5b-"
	    "000000000001", 2000000000LL, sig), 0);
	ck_assert_str_eq(sig, vectors[1].sig);
	ftx_signurl_free(k);
	ftx_signurl_free(old);
}
END_TEST

static const struct {
	const char *text, *error;
} files[] = {
	{ "", "no secret" },
	{ "# only a comment\n\n", "no secret" },
	{ "short\n", ":1: secret shorter than 32 bytes" },
	{ S1 "\n" "0123456789\n", ":2: secret shorter" },
	{ S1 "\n" S1 "\n" S1 "\n" S1 "\n" S1 "\n" S1 "\n" S1 "\n" S1 "\n"
	  S1 "\n", ":9: more than 8 secrets" },
};

START_TEST(test_bad_files)
{
	char *path = write_file(files[_i].text);
	char err[256];

	ck_assert_ptr_null(ftx_signurl_load(path, err, sizeof(err)));
	unlink(path);
	ck_assert_msg(strstr(err, files[_i].error) != NULL, "%s", err);
	ck_assert_msg(strstr(err, "0123456789abcdef") == NULL,
	    "secret in message: %s", err);
}
END_TEST

START_TEST(test_missing_file_and_short_secret)
{
	char err[256];

	ck_assert_ptr_null(ftx_signurl_load("/nonexistent/secret", err,
	    sizeof(err)));
	ck_assert_str_eq(err, "/nonexistent/secret: cannot open: "
	    "No such file or directory");
	ck_assert_ptr_null(ftx_signurl_from_secret("tooshort"));
	ck_assert_ptr_null(ftx_signurl_from_secret(NULL));
	ftx_signurl_free(NULL);
}
END_TEST

START_TEST(test_url)
{
	struct ftx_signurl_keys *k = ftx_signurl_from_secret(S1);
	char buf[512], small[40];

	ck_assert_int_eq(ftx_signurl_url(k, "https://ftx.example/", "abc-123",
	    1767225600LL, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "https://ftx.example/v1/payments/"
	    "funding-transfers/export/abc-123/download?expires=1767225600"
	    "&signature=6775317a8e81800ad41830f2df8cddc251e11f95b3077b68dd90"
	    "2ddfb8c77ec5");
	ck_assert_int_eq(ftx_signurl_url(k, "https://ftx.example", "abc-123",
	    1767225600LL, small, sizeof(small)), -1);
	ftx_signurl_free(k);
}
END_TEST

/* The download query string (moved from api_download.c). */
static const struct {
	const char	*query;
	int		 rc;
	long long	 expires;
	const char	*sig;
} queries[] = {
	{ "expires=1700000000&signature=ab", 0, 1700000000, "ab" },
	{ "utm_source=mail&signature=ab&expires=5", 0, 5, "ab" },
	{ "expires=5", -1, 0, NULL },
	{ "signature=ab", -1, 0, NULL },
	{ "expires=5&expires=6&signature=ab", -1, 0, NULL },
	{ "expires=-5&signature=ab", -1, 0, NULL },
	{ "expires=5x&signature=ab", -1, 0, NULL },
	{ "expires=&signature=ab", -1, 0, NULL },
	{ "expires=1234567890123456789&signature=ab", -1, 0, NULL },
	{ "expires=5&signature=a%0ab", -1, 0, NULL },
	{ "expires=5&signature=%zz", -1, 0, NULL },
	{ "%0a=1&expires=5&signature=ab", -1, 0, NULL },
	{ "", -1, 0, NULL },
};

START_TEST(test_query)
{
	char *values[2];
	long long e = 0;
	int rc;

	rc = ftx_signurl_query(queries[_i].query, values, &e);
	ck_assert_int_eq(rc, queries[_i].rc);
	if (rc == 0) {
		ck_assert_int_eq(e, queries[_i].expires);
		ck_assert_str_eq(values[1], queries[_i].sig);
	}
	free(values[0]);
	free(values[1]);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("signurl");
	TCase *tc = tcase_create("signurl");

	tcase_add_loop_test(tc, test_vectors, 0,
	    sizeof(vectors) / sizeof(vectors[0]));
	tcase_add_loop_test(tc, test_tampered, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_rotation);
	tcase_add_loop_test(tc, test_query, 0,
	    sizeof(queries) / sizeof(queries[0]));
	tcase_add_loop_test(tc, test_bad_files, 0,
	    sizeof(files) / sizeof(files[0]));
	tcase_add_test(tc, test_missing_file_and_short_secret);
	tcase_add_test(tc, test_url);
	suite_add_tcase(s, tc);
	return s;
}
