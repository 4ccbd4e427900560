/*
 * check_http.c - response headers: nothing with a CR, LF or other control
 * byte reaches the web server; a 500 JSON error goes out instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

#include "check_main.h"
#include "http.h"

/* An FCGX output stream writing into a buffer large enough for a test. */
static unsigned char outbuf[65536];
static FCGX_Stream out;
static FCGX_Request fcgx;
static char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/x", NULL };

static void
empty_buffer(FCGX_Stream *s, int doclose)
{
	(void)doclose;
	s->isClosed = 1;	/* full: a test never writes that much */
}

static void
setup(void)
{
	memset(outbuf, 0, sizeof(outbuf));
	memset(&out, 0, sizeof(out));
	out.wrNext = outbuf;
	out.stop = out.rdNext = outbuf + sizeof(outbuf) - 1;
	out.emptyBuffProc = empty_buffer;
	memset(&fcgx, 0, sizeof(fcgx));
	fcgx.out = &out;
	fcgx.envp = env;
}

static const char *
sent(void)
{
	return (const char *)outbuf;
}

static const struct {
	const char *headers;
	int valid;
} cases[] = {
	{ "", 1 },
	{ "X-Sendfile: /srv/x/t_ab/e.csv\r\n", 1 },
	{ "A: 1\r\nB: two words\tand a tab\r\n", 1 },
	{ "X-Sendfile: /srv/x/t\r\nX-Sendfile: /etc/passwd\r\n", 1 },
	{ "X-Sendfile: /srv/x/t\rX-Sendfile: /etc/passwd\r\n", 0 },
	{ "X-Sendfile: /srv/x/t\nX-Sendfile: /etc/passwd\r\n", 0 },
	{ "X-Sendfile: /srv/x/t\n\r\n", 0 },
	{ "X-Sendfile: /srv/x/\001t\r\n", 0 },
	{ "X-Sendfile: /srv/x/\177t\r\n", 0 },
	{ "X-Sendfile: /srv/x/t", 0 },		/* no CRLF */
	{ "X-Sendfile: /srv/x/t\r", 0 },
	{ "X Sendfile: /t\r\n", 0 },
	{ ": /t\r\n", 0 },
	{ "\r\n", 0 },				/* ends the header block */
	{ "X-Sendfile /t\r\n", 0 },
};

START_TEST(test_headers_valid)
{
	ck_assert_int_eq(ftx_http_headers_valid(cases[_i].headers),
	    cases[_i].valid);
}
END_TEST

START_TEST(test_send_head_refuses)
{
	struct ftx_http_req req;

	ftx_http_req_init(&req, &fcgx);
	ftx_http_send_head(&req, 200, "Content-Length: 3\r\n"
	    "X-Sendfile: /srv/x/t\r\nX-Sendfile: /etc/passwd\n");
	ck_assert_int_eq(req.status, 500);
	ck_assert_int_eq(ftx_http_write(&req, "abc", 3), -1);
	ck_assert_msg(strncmp(sent(), "Status: 500 ", 12) == 0, "%s", sent());
	ck_assert_ptr_null(strstr(sent(), "passwd"));
	ck_assert_ptr_null(strstr(sent(), "X-Sendfile"));
	ck_assert_ptr_nonnull(strstr(sent(), "\"INTERNAL_ERROR\""));
	ck_assert_ptr_null(strstr(sent(), "abc"));
	ftx_http_req_fini(&req);
}
END_TEST

START_TEST(test_send_head_ok)
{
	struct ftx_http_req req;

	ftx_http_req_init(&req, &fcgx);
	ck_assert_int_eq(ftx_http_send_head(&req, 200, "Content-Length: 3\r\n"
	    "X-Sendfile: /srv/x/t\r\n"), 0);
	ck_assert_int_eq(ftx_http_write(&req, "abc", 3), 0);
	ck_assert_int_eq(req.status, 200);
	ck_assert_msg(strncmp(sent(), "Status: 200 OK\r\n", 16) == 0, "%s",
	    sent());
	ck_assert_ptr_nonnull(strstr(sent(),
	    "X-Sendfile: /srv/x/t\r\n\r\nabc"));
	ftx_http_req_fini(&req);
}
END_TEST

/* A body that could not be built goes out as a 500 error, not "null". */
START_TEST(test_send_json_null_body)
{
	struct ftx_http_req req;

	ftx_http_req_init(&req, &fcgx);
	ftx_http_send_json(&req, 200, NULL, "X-A: b\r\n");
	ck_assert_int_eq(req.status, 500);
	ck_assert_msg(strncmp(sent(), "Status: 500 ", 12) == 0, "%s", sent());
	ck_assert_ptr_nonnull(strstr(sent(), "\"INTERNAL_ERROR\""));
	ck_assert_ptr_null(strstr(sent(), "null\n"));
	ck_assert_ptr_null(strstr(sent(), "X-A"));
	ftx_http_req_fini(&req);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("headers");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_headers_valid, 0,
	    sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_send_head_refuses);
	tcase_add_test(tc, test_send_head_ok);
	tcase_add_test(tc, test_send_json_null_body);
	suite_add_tcase(s, tc);
	return s;
}
