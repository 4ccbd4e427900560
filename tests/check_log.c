/*
 * check_log.c - level and facility names, conninfo redaction, and the
 * stderr line format (one line, control characters, filtering, errno).
 */
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "log.h"

static const struct {
	const char	*name;
	int		 level, facility;
} names[] = {
	{ "error", LOG_ERR, -1 },
	{ "warning", LOG_WARNING, -1 },
	{ "notice", LOG_NOTICE, -1 },
	{ "info", LOG_INFO, -1 },
	{ "debug", LOG_DEBUG, -1 },
	{ "DEBUG", LOG_DEBUG, -1 },
	{ "daemon", -1, LOG_DAEMON },
	{ "user", -1, LOG_USER },
	{ "local0", -1, LOG_LOCAL0 },
	{ "local1", -1, LOG_LOCAL1 },
	{ "local2", -1, LOG_LOCAL2 },
	{ "local3", -1, LOG_LOCAL3 },
	{ "local4", -1, LOG_LOCAL4 },
	{ "local5", -1, LOG_LOCAL5 },
	{ "local6", -1, LOG_LOCAL6 },
	{ "local7", -1, LOG_LOCAL7 },
	{ "local8", -1, -1 },
	{ "err", -1, -1 },
	{ "", -1, -1 },
	{ "info ", -1, -1 },
};

START_TEST(test_names)
{
	ck_assert_int_eq(ftx_log_level_from_name(names[_i].name),
	    names[_i].level);
	ck_assert_int_eq(ftx_log_facility_from_name(names[_i].name),
	    names[_i].facility);
}
END_TEST

START_TEST(test_names_null)
{
	ck_assert_int_eq(ftx_log_level_from_name(NULL), -1);
	ck_assert_int_eq(ftx_log_facility_from_name(NULL), -1);
}
END_TEST

static const struct {
	const char	*in;
	const char	*out;
} redact[] = {
	{ "", "" },
	{ "dbname=ftx", "dbname=ftx" },
	{ "host=db password=secret user=u", "host=db password=*** user=u" },
	{ "password=secret", "password=***" },
	{ "password = 'se cret' dbname=x", "password = *** dbname=x" },
	{ "password='a\\'b c' user=u", "password=*** user=u" },
	{ "password='a\\\\' user=u", "password=*** user=u" },
	{ "password=a\\ b user=u", "password=*** user=u" },
	{ "password='unterminated user=u", "password=***" },
	{ "password=", "password=***" },
	{ "password secret", "password ***" },
	{ "\tpassword\t=\tx\tport=5432", "\tpassword\t=\t***\tport=5432" },
	{ "sslpassword=abc sslmode=verify-full",
	    "sslpassword=*** sslmode=verify-full" },
	{ "dbname='password=x' user=u", "dbname='password=x' user=u" },
	{ "application_name='a b\\' password=c'",
	    "application_name='a b\\' password=c'" },
	{ "passwordx=1 mypassword=2", "passwordx=1 mypassword=2" },
	{ "passfile=/etc/pgpass", "passfile=/etc/pgpass" },
	{ "user=u password=a password=b", "user=u password=*** password=***" },
	{ "postgresql://u:secret@host/db", "postgresql://u:***@host/db" },
	{ "postgres://u:secret@host:5432/db?sslmode=require",
	    "postgres://u:***@host:5432/db?sslmode=require" },
	{ "postgresql://u@host/db", "postgresql://u@host/db" },
	{ "postgresql://host/db", "postgresql://host/db" },
	{ "postgresql://", "postgresql://" },
	{ "postgresql:///ftx?host=/tmp", "postgresql:///ftx?host=/tmp" },
	{ "postgresql://:p%40ss@host", "postgresql://:***@host" },
	{ "postgresql://u:pa?ss@host/db", "postgresql://u:***@host/db" },
	{ "postgresql://u:s@h1:5432,h2:5433/db",
	    "postgresql://u:***@h1:5432,h2:5433/db" },
	{ "POSTGRESQL://u:s@h", "POSTGRESQL://u:***@h" },
	{ "postgresql://host/db?user=u&password=secret&sslmode=disable",
	    "postgresql://host/db?user=u&password=***&sslmode=disable" },
	{ "postgresql://host/db?password=secret",
	    "postgresql://host/db?password=***" },
	{ "postgresql://u:a@b/db?sslpassword=k",
	    "postgresql://u:***@b/db?sslpassword=***" },
	{ "postgresql://host/db?xpassword=1", "postgresql://host/db?xpassword=1" },
};

START_TEST(test_redact)
{
	char buf[256];

	ck_assert_ptr_eq(ftx_log_redact_conninfo(redact[_i].in, buf,
	    sizeof(buf)), buf);
	ck_assert_str_eq(buf, redact[_i].out);
}
END_TEST

/* Whatever the buffer size, the secret never shows and buf ends in NUL. */
START_TEST(test_redact_truncation)
{
	static const char *const in[] = {
		"host=db password=secret user=u",
		"postgresql://u:secret@h/db?password=secret",
	};
	char buf[64];
	size_t len, i;

	for (i = 0; i < 2; i++) {
		for (len = 1; len <= sizeof(buf); len++) {
			memset(buf, 'x', sizeof(buf));
			ftx_log_redact_conninfo(in[i], buf, len);
			ck_assert_uint_lt(strlen(buf), len);
			ck_assert_ptr_null(strstr(buf, "secret"));
		}
	}
	ftx_log_redact_conninfo("host=db password=secret", buf, 10);
	ck_assert_str_eq(buf, "host=db p");
	ftx_log_redact_conninfo(NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	buf[0] = 'x';
	ck_assert_ptr_eq(ftx_log_redact_conninfo("a", buf, 0), buf);
	ck_assert_int_eq(buf[0], 'x');
}
END_TEST

/* stderr redirected into a temporary file while a test logs. */
static char capture_path[] = "/tmp/check_log.XXXXXX";
static int saved_stderr = -1;

static void
capture_start(void)
{
	int fd;

	strcpy(capture_path, "/tmp/check_log.XXXXXX");
	fd = mkstemp(capture_path);
	ck_assert_int_ge(fd, 0);
	saved_stderr = dup(STDERR_FILENO);
	ck_assert_int_ge(saved_stderr, 0);
	ck_assert_int_eq(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	close(fd);
}

/* Restores stderr and returns what was written (malloc'd). */
static char *
capture_end(void)
{
	char *buf;
	FILE *fp;
	long n;

	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	fp = fopen(capture_path, "r");
	ck_assert_ptr_nonnull(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	unlink(capture_path);
	return buf;
}

/* out must be exactly one line: stamp, ident[pid], level, message. */
static void
assert_line(const char *out, const char *level, const char *msg)
{
	char want[256];
	regex_t re;
	const char *p;

	ck_assert_int_eq(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:"
	    "[0-9]{2}:[0-9]{2}Z ", REG_EXTENDED | REG_NOSUB), 0);
	ck_assert_msg(regexec(&re, out, 0, NULL, 0) == 0, "bad stamp: %s", out);
	regfree(&re);
	p = out + strlen("2024-01-01T00:00:00Z ");
	snprintf(want, sizeof(want), "tst[%ld]: %s: %s\n", (long)getpid(),
	    level, msg);
	ck_assert_str_eq(p, want);
}

START_TEST(test_stderr_format)
{
	char *out;

	ftx_log_open("tst", 1, LOG_INFO, LOG_DAEMON);
	capture_start();
	log_info("hello %d", 42);
	out = capture_end();
	assert_line(out, "info", "hello 42");
	free(out);
}
END_TEST

START_TEST(test_control_chars)
{
	char *out;

	ftx_log_open("tst", 1, LOG_DEBUG, LOG_DAEMON);
	capture_start();
	log_warning("a\nb\r\nc\td%s", "\x1b[31m\x7f" "e\n");
	out = capture_end();
	assert_line(out, "warning", "a b  c d [31m e ");
	free(out);
}
END_TEST

START_TEST(test_level_filter)
{
	char *out;

	ftx_log_open("tst", 1, LOG_WARNING, LOG_DAEMON);
	capture_start();
	log_info("hidden");
	log_debug("hidden");
	log_notice("hidden");
	out = capture_end();
	ck_assert_str_eq(out, "");
	free(out);

	capture_start();
	log_err("shown");
	out = capture_end();
	assert_line(out, "error", "shown");
	free(out);

	ftx_log_set_level(LOG_DEBUG);
	capture_start();
	log_debug("now %s", "shown");
	out = capture_end();
	assert_line(out, "debug", "now shown");
	free(out);

	ftx_log_set_level(LOG_ERR);
	capture_start();
	log_warning("hidden");
	errno = EACCES;
	ftx_log_errno("still shown");
	out = capture_end();
	assert_line(out, "error", "still shown: Permission denied");
	free(out);
}
END_TEST

START_TEST(test_errno)
{
	char *out;

	ftx_log_open("tst", 1, LOG_INFO, LOG_DAEMON);
	capture_start();
	errno = ENOENT;
	ftx_log_errno("open %s", "/x");
	ck_assert_int_eq(errno, ENOENT);
	errno = EINVAL;
	log_info("kept");
	ck_assert_int_eq(errno, EINVAL);
	errno = EINVAL;
	log_debug("filtered");
	ck_assert_int_eq(errno, EINVAL);
	out = capture_end();
	ck_assert_ptr_nonnull(strchr(out, '\n'));
	assert_line(strchr(out, '\n') + 1, "info", "kept");
	*(strchr(out, '\n') + 1) = '\0';
	assert_line(out, "error", "open /x: No such file or directory");
	free(out);
}
END_TEST

START_TEST(test_truncation)
{
	char *big, *out;
	size_t len;

	big = malloc(10000);
	ck_assert_ptr_nonnull(big);
	memset(big, 'a', 9999);
	big[9999] = '\0';
	ftx_log_open("tst", 1, LOG_INFO, LOG_DAEMON);
	capture_start();
	log_info("%s", big);
	errno = ENOENT;
	ftx_log_errno("%s", big);
	out = capture_end();
	/* Two lines, each cut to the buffer and ending in "...". */
	len = strcspn(out, "\n");
	ck_assert_uint_le(len + 1, 2048);
	ck_assert_uint_gt(len, 1000);
	ck_assert_int_eq(strncmp(out + len - 3, "...", 3), 0);
	ck_assert_ptr_nonnull(strchr(out + len + 1, '\n'));
	ck_assert_int_eq(strchr(out + len + 1, '\n')[1], '\0');
	ck_assert_int_eq(strncmp(strchr(out + len + 1, '\n') - 3, "...", 3), 0);
	free(out);
	free(big);
}
END_TEST

/* Several processes logging at once: every line stays whole. */
START_TEST(test_no_interleaving)
{
	char msg[1500], *out, *line, *save = NULL;
	pid_t pids[4];
	int i, j, lines = 0, status;

	memset(msg, 'm', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	ftx_log_open("tst", 1, LOG_INFO, LOG_DAEMON);
	capture_start();
	for (i = 0; i < 4; i++) {
		if ((pids[i] = fork()) == 0) {
			for (j = 0; j < 200; j++)
				log_info("%d %s", i, msg);
			_exit(0);
		}
		ck_assert_int_gt(pids[i], 0);
	}
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	out = capture_end();
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		ck_assert_ptr_nonnull(strstr(line, "]: info: "));
		ck_assert_uint_eq(strlen(strstr(line, "]: info: ")),
		    strlen("]: info: 0 ") + sizeof(msg) - 1);
		lines++;
	}
	ck_assert_int_eq(lines, 800);
	free(out);
}
END_TEST

START_TEST(test_syslog)
{
	/* Nothing to read back; must not crash and must keep errno. */
	ftx_log_open("tst", 0, LOG_DEBUG, LOG_LOCAL0);
	errno = EPERM;
	log_info("syslog %s", "line");
	ftx_log_errno("syslog errno");
	ck_assert_int_eq(errno, EPERM);
	ftx_log_open("tst", 0, LOG_INFO, LOG_USER);
	ftx_log_close();
	ftx_log_close();
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc;

	tc = tcase_create("names");
	tcase_add_loop_test(tc, test_names, 0,
	    (int)(sizeof(names) / sizeof(names[0])));
	tcase_add_test(tc, test_names_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("redact");
	tcase_add_loop_test(tc, test_redact, 0,
	    (int)(sizeof(redact) / sizeof(redact[0])));
	tcase_add_test(tc, test_redact_truncation);
	suite_add_tcase(s, tc);

	tc = tcase_create("stderr");
	tcase_add_test(tc, test_stderr_format);
	tcase_add_test(tc, test_control_chars);
	tcase_add_test(tc, test_level_filter);
	tcase_add_test(tc, test_errno);
	tcase_add_test(tc, test_truncation);
	tcase_add_test(tc, test_no_interleaving);
	tcase_add_test(tc, test_syslog);
	suite_add_tcase(s, tc);
	return s;
}
