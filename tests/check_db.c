/*
 * check_db.c - the connection layer against a fake PostgreSQL server (a
 * thread speaking just enough of protocol 3 on a unix socket in a private
 * directory): a connection the server ended while idle (FATAL, WARNING
 * 57P01 or a bare close) is replaced before use; a read whose connection
 * breaks runs once more on a new one, a write does not; a connection lost
 * inside a transaction fails every statement, never running the rest in
 * autocommit, until the caller's ROLLBACK or COMMIT; ftx_db_settle();
 * notifications are not mistaken for a dead connection; with prepared
 * statements off, no named statement and no plan_cache_mode.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "db.h"

#define NSTMT	16

struct fake {
	char		 dir[64];
	char		 conninfo[160];
	int		 lfd;
	pthread_t	 th;
	pthread_mutex_t	 mu;
	int		 fd;		/* the connection being served, or -1 */
	int		 drop_next;	/* close at the next statement, unanswered */
	int		 connections;
	char		 log[4096];	/* "N:SQL\n" per statement executed */
	char		 tx;		/* 'I' or 'T' */
	char		*names[NSTMT];	/* prepared statements of the connection */
	char		*texts[NSTMT];
	char		*portal;	/* the SQL bound to the unnamed portal */
	char		 parses[256];	/* "NAME," per Parse message */
	char		 setup[256];	/* the last SET statement */
};

static struct fake F;

static int
read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = read(fd, p, len)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
send_msg(int fd, char type, const void *body, size_t len)
{
	char buf[512];
	uint32_t n = htonl((uint32_t)len + 4);

	buf[0] = type;
	memcpy(buf + 1, &n, 4);
	if (len > 0)
		memcpy(buf + 5, body, len);
	if (write(fd, buf, len + 5) == -1)
		return;	/* the client went away: its test will tell */
}

static void
send_str(int fd, char type, const char *s)
{
	send_msg(fd, type, s, strlen(s) + 1);
}

/* An ErrorResponse or NoticeResponse with severity, SQLSTATE, message. */
static void
send_error(int fd, char type, const char *sev, const char *state,
    const char *msg)
{
	char body[256];
	int n;

	n = snprintf(body, sizeof(body), "S%s%cV%s%cC%s%cM%s%c", sev, 0, sev,
	    0, state, 0, msg, 0);
	body[n] = '\0';
	send_msg(fd, type, body, (size_t)n + 1);
}

static void
ready(int fd)
{
	send_msg(fd, 'Z', &F.tx, 1);
}

static int
startup(int fd)
{
	static const char params[][2][32] = { { "server_version", "15.0" },
	    { "client_encoding", "UTF8" }, { "DateStyle", "ISO, MDY" },
	    { "standard_conforming_strings", "on" },
	    { "integer_datetimes", "on" } };
	uint32_t len, proto, zero = 0, key[2] = { htonl(42), htonl(7) };
	char body[1024], ps[80];
	size_t i;
	int n;

	for (;;) {
		if (read_full(fd, &len, 4) == -1 || (len = ntohl(len)) < 8 ||
		    len > sizeof(body) || read_full(fd, body, len - 4) == -1)
			return -1;
		memcpy(&proto, body, 4);
		if (ntohl(proto) == 196608)
			break;
		if (write(fd, "N", 1) != 1)	/* no SSL, no GSS */
			return -1;
	}
	send_msg(fd, 'R', &zero, 4);
	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		n = snprintf(ps, sizeof(ps), "%s%c%s", params[i][0], 0,
		    params[i][1]);
		send_msg(fd, 'S', ps, (size_t)n + 1);
	}
	send_msg(fd, 'K', key, 8);
	F.tx = 'I';
	ready(fd);
	return 0;
}

static void
forget_statements(void)
{
	int i;

	for (i = 0; i < NSTMT; i++) {
		free(F.names[i]);
		free(F.texts[i]);
		F.names[i] = F.texts[i] = NULL;
	}
	free(F.portal);
	F.portal = NULL;
}

static const char *
statement(const char *name)
{
	int i;

	for (i = 0; i < NSTMT; i++)
		if (F.names[i] != NULL && strcmp(F.names[i], name) == 0)
			return F.texts[i];
	return "?";
}

static void
remember(const char *name, const char *sql)
{
	int i;

	for (i = 0; i < NSTMT; i++)
		if (F.names[i] == NULL || strcmp(F.names[i], name) == 0)
			break;
	ck_assert_int_lt(i, NSTMT);
	free(F.names[i]);
	free(F.texts[i]);
	F.names[i] = strdup(name);
	F.texts[i] = strdup(sql);
}

/* Runs sql: logs it, follows BEGIN/COMMIT/ROLLBACK, answers its tag. */
static void
execute(int fd, const char *sql, int describe)
{
	size_t len = strlen(F.log);

	if (strncmp(sql, "SET ", 4) != 0)
		snprintf(F.log + len, sizeof(F.log) - len, "%d:%s\n",
		    F.connections, sql);
	else	/* the session setup */
		snprintf(F.setup, sizeof(F.setup), "%s", sql);
	if (strncmp(sql, "BEGIN", 5) == 0)
		F.tx = 'T';
	else if (strncmp(sql, "COMMIT", 6) == 0 ||
	    strncmp(sql, "ROLLBACK", 8) == 0)
		F.tx = 'I';
	if (strncmp(sql, "SELECT", 6) == 0) {
		static const char row[] = { 0, 1, 0, 0, 0, 1, '1' };
		static const char desc[] = { 0, 1, 'c', 0, 0, 0, 0, 0, 0, 0,
		    0, 0, 0, 25, (char)0xff, (char)0xff, (char)0xff,
		    (char)0xff, (char)0xff, (char)0xff, 0, 0 };

		if (describe)
			send_msg(fd, 'T', desc, sizeof(desc));
		send_msg(fd, 'D', row, sizeof(row));
		send_str(fd, 'C', "SELECT 1");
	} else {
		if (describe)
			send_msg(fd, 'n', NULL, 0);
		send_str(fd, 'C', strncmp(sql, "UPDATE", 6) == 0 ?
		    "UPDATE 1" : "SET");
	}
}

/* One message of the client; -1 when the connection is to end. */
static int
serve_one(int fd)
{
	char type, *body;
	uint32_t len;
	size_t n;
	int rc = 0;

	if (read_full(fd, &type, 1) == -1 || read_full(fd, &len, 4) == -1 ||
	    (len = ntohl(len)) < 4 || (body = calloc(1, len + 1)) == NULL)
		return -1;
	if (read_full(fd, body, len - 4) == -1) {
		free(body);
		return -1;
	}
	pthread_mutex_lock(&F.mu);
	if (F.drop_next && (type == 'P' || type == 'B' || type == 'Q')) {
		F.drop_next = 0;
		rc = -1;	/* gone before it could run anything */
	} else if (type == 'Q') {
		execute(fd, body, 1);
		ready(fd);
	} else if (type == 'P') {
		n = strlen(F.parses);
		snprintf(F.parses + n, sizeof(F.parses) - n, "%s,", body);
		remember(body, body + strlen(body) + 1);
		send_msg(fd, '1', NULL, 0);
	} else if (type == 'B') {
		free(F.portal);
		F.portal = strdup(statement(body + strlen(body) + 1));
		send_msg(fd, '2', NULL, 0);
	} else if (type == 'E')	/* Describe ('D') is answered here too */
		execute(fd, F.portal != NULL ? F.portal : "?", 1);
	else if (type == 'S')
		ready(fd);
	else if (type == 'X')
		rc = -1;
	pthread_mutex_unlock(&F.mu);
	free(body);
	return rc;
}

static void *
server(void *arg)
{
	int fd;

	(void)arg;
	while ((fd = accept(F.lfd, NULL, NULL)) != -1) {
		pthread_mutex_lock(&F.mu);
		F.connections++;
		F.fd = fd;
		forget_statements();
		pthread_mutex_unlock(&F.mu);
		if (startup(fd) == 0)
			while (serve_one(fd) == 0)
				;
		pthread_mutex_lock(&F.mu);
		F.fd = -1;
		pthread_mutex_unlock(&F.mu);
		close(fd);
	}
	return NULL;
}

static void
fake_start(void)
{
	struct sockaddr_un sun;

	memset(&F, 0, sizeof(F));
	F.fd = -1;
	pthread_mutex_init(&F.mu, NULL);
	snprintf(F.dir, sizeof(F.dir), "/tmp/check_db.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(F.dir));
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/.s.PGSQL.5432",
	    F.dir);
	F.lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ne(F.lfd, -1);
	ck_assert_int_eq(bind(F.lfd, (struct sockaddr *)&sun, sizeof(sun)),
	    0);
	ck_assert_int_eq(listen(F.lfd, 4), 0);
	snprintf(F.conninfo, sizeof(F.conninfo), "host=%s port=5432 "
	    "dbname=x user=x sslmode=disable gssencmode=disable", F.dir);
	ck_assert_int_eq(pthread_create(&F.th, NULL, server, NULL), 0);
}

/* Stops the server thread and removes its socket (tests may run unforked,
 * e.g. under valgrind). */
static void
fake_stop(void)
{
	char path[128];

	shutdown(F.lfd, SHUT_RDWR);	/* accept() returns */
	pthread_mutex_lock(&F.mu);
	if (F.fd != -1)
		shutdown(F.fd, SHUT_RDWR);
	pthread_mutex_unlock(&F.mu);
	pthread_join(F.th, NULL);
	close(F.lfd);
	forget_statements();
	pthread_mutex_destroy(&F.mu);
	snprintf(path, sizeof(path), "%s/.s.PGSQL.5432", F.dir);
	unlink(path);
	rmdir(F.dir);
}

/* The server ends the idle session: a message (type 0: none), then EOF. */
static void
fake_end_session(char type, const char *sev)
{
	pthread_mutex_lock(&F.mu);
	ck_assert_int_ne(F.fd, -1);
	if (type != 0)
		send_error(F.fd, type, sev, "57P01",
		    "terminating connection due to administrator command");
	shutdown(F.fd, SHUT_RDWR);
	pthread_mutex_unlock(&F.mu);
}

static void
fake_drop_next(void)
{
	pthread_mutex_lock(&F.mu);
	F.drop_next = 1;
	pthread_mutex_unlock(&F.mu);
}

/* The statements run so far, "N:SQL" a line; then forgotten. */
static const char *
fake_log(void)
{
	static char copy[sizeof(F.log)];

	pthread_mutex_lock(&F.mu);
	memcpy(copy, F.log, sizeof(copy));
	F.log[0] = '\0';
	pthread_mutex_unlock(&F.mu);
	return copy;
}

static int
fake_connections(void)
{
	int n;

	pthread_mutex_lock(&F.mu);
	n = F.connections;
	pthread_mutex_unlock(&F.mu);
	return n;
}

/* The names of the statements parsed so far, "NAME," each ("" for the
 * unnamed one), and the session setup; then forgotten. */
static const char *
fake_parses(char *setup, size_t len)
{
	static char copy[sizeof(F.parses)];

	pthread_mutex_lock(&F.mu);
	memcpy(copy, F.parses, sizeof(copy));
	snprintf(setup, len, "%s", F.setup);
	F.parses[0] = '\0';
	pthread_mutex_unlock(&F.mu);
	return copy;
}

/* "ok", "err" or "NULL": what ftx_db_query gave. */
static const char *
q(struct ftx_db *db, const char *sql)
{
	PGresult *res = ftx_db_query(db, sql, 0, NULL);
	const char *s = res == NULL ? "NULL" : ftx_db_ok(res) ? "ok" : "err";

	PQclear(res);
	return s;
}

static struct ftx_db *
connected(void)
{
	struct ftx_db *db;

	fake_start();
	ck_assert_ptr_nonnull(db = ftx_db_new(F.conninfo, "check_db"));
	ck_assert_str_eq(q(db, "SELECT 1"), "ok");
	ck_assert_int_eq(fake_connections(), 1);
	fake_log();
	return db;
}

START_TEST(test_ended_while_idle)
{
	static const struct {
		char		 type;
		const char	*sev;
	} how[] = { { 'E', "FATAL" }, { 'N', "WARNING" }, { 0, NULL } };
	struct ftx_db *db = connected();
	unsigned long gen = ftx_db_generation(db);

	/* _i: fast shutdown (FATAL), immediate (WARNING 57P01), bare close */
	fake_end_session(how[_i].type, how[_i].sev);
	ck_assert_str_eq(q(db, "UPDATE t SET x = 1"), "ok");
	ck_assert_int_eq(fake_connections(), 2);
	/* The worker's LISTEN follows this, not the PGconn's address. */
	ck_assert_uint_eq(ftx_db_generation(db), gen + 1);
	ck_assert_str_eq(fake_log(), "2:UPDATE t SET x = 1\n");
	ftx_db_free(db);
	fake_stop();
}
END_TEST

START_TEST(test_read_repeated)
{
	struct ftx_db *db = connected();

	fake_drop_next();
	ck_assert_str_eq(q(db, "SELECT 1"), "ok");
	ck_assert_int_eq(fake_connections(), 2);
	ck_assert_str_eq(fake_log(), "2:SELECT 1\n");
	/* BEGIN too: nothing of the transaction had been sent. */
	fake_drop_next();
	ck_assert_str_eq(q(db, "BEGIN"), "ok");
	ck_assert_str_eq(q(db, "COMMIT"), "ok");
	ck_assert_int_eq(fake_connections(), 3);
	ck_assert_str_eq(fake_log(), "3:BEGIN\n3:COMMIT\n");
	ftx_db_free(db);
	fake_stop();
}
END_TEST

START_TEST(test_write_not_repeated)
{
	struct ftx_db *db = connected();

	fake_drop_next();
	ck_assert_str_eq(q(db, "UPDATE t SET x = 1"), "NULL");
	ck_assert_int_eq(fake_connections(), 1);
	ck_assert_str_eq(fake_log(), "");
	/* The next statement reconnects at once. */
	ck_assert_str_eq(q(db, "UPDATE t SET x = 2"), "ok");
	ck_assert_str_eq(fake_log(), "2:UPDATE t SET x = 2\n");
	ftx_db_free(db);
	fake_stop();
}
END_TEST

START_TEST(test_lost_inside_transaction)
{
	struct ftx_db *db = connected();

	ck_assert_str_eq(q(db, "BEGIN"), "ok");
	ck_assert_str_eq(q(db, "UPDATE t SET x = 1"), "ok");
	fake_drop_next();
	ck_assert_str_eq(q(db, "UPDATE t SET y = 1"), "NULL");
	/* The rest of the transaction never runs in autocommit. */
	ck_assert_str_eq(q(db, "UPDATE t SET z = 1"), "NULL");
	ck_assert_str_eq(q(db, "SELECT 1"), "NULL");
	ck_assert_ptr_null(ftx_db_conn(db));
	ck_assert_str_eq(q(db, "ROLLBACK TO SAVEPOINT a"), "NULL");
	ck_assert_str_eq(q(db, "SELECT 1"), "NULL");
	ck_assert_int_eq(fake_connections(), 1);
	/* COMMIT fails too (nothing was kept) and ends the state. */
	ck_assert_str_eq(q(db, "COMMIT"), "NULL");
	ck_assert_int_eq(fake_connections(), 1);
	ck_assert_str_eq(q(db, "SELECT 1"), "ok");
	ck_assert_int_eq(fake_connections(), 2);
	ck_assert_str_eq(fake_log(), "1:BEGIN\n1:UPDATE t SET x = 1\n"
	    "2:SELECT 1\n");
	ftx_db_free(db);
	fake_stop();
}
END_TEST

START_TEST(test_ended_while_idle_in_transaction)
{
	struct ftx_db *db = connected();

	ck_assert_int_eq(ftx_db_begin(db), 0);
	fake_end_session('E', "FATAL");
	ck_assert_int_eq(ftx_db_exec(db, "UPDATE t SET x = 1", 0, NULL), -1);
	ck_assert_int_eq(ftx_db_exec(db, "UPDATE t SET y = 1", 0, NULL), -1);
	ck_assert_int_eq(ftx_db_rollback(db), -1);
	ck_assert_int_eq(ftx_db_exec(db, "UPDATE t SET z = 1", 0, NULL), 0);
	ck_assert_str_eq(fake_log(), "1:BEGIN\n2:UPDATE t SET z = 1\n");
	ftx_db_free(db);
	fake_stop();
}
END_TEST

START_TEST(test_settle)
{
	struct ftx_db *db = connected();

	/* A transaction left open is rolled back. */
	ck_assert_int_eq(ftx_db_begin(db), 0);
	ftx_db_settle(db);
	ck_assert_str_eq(fake_log(), "1:BEGIN\n1:ROLLBACK\n");
	ftx_db_settle(db);	/* nothing open: nothing sent */
	ck_assert_str_eq(fake_log(), "");
	/* A lost one is forgotten. */
	ck_assert_int_eq(ftx_db_begin(db), 0);
	fake_drop_next();
	ck_assert_int_eq(ftx_db_exec(db, "UPDATE t SET x = 1", 0, NULL), -1);
	ck_assert_int_eq(ftx_db_exec(db, "SELECT 1", 0, NULL), -1);
	ftx_db_settle(db);
	ck_assert_int_eq(ftx_db_exec(db, "SELECT 1", 0, NULL), 0);
	ck_assert_int_eq(ftx_db_commit(db), 0);
	ck_assert_str_eq(fake_log(), "1:BEGIN\n2:SELECT 1\n2:COMMIT\n");
	ftx_db_free(db);
	fake_stop();
}
END_TEST

START_TEST(test_notification_is_not_death)
{
	static const char notify[] = { 0, 0, 0, 42, 'f', 't', 'x', 0,
	    'i', 'd', 0 };
	struct ftx_db *db = connected();
	PGnotify *n;

	pthread_mutex_lock(&F.mu);
	send_msg(F.fd, 'A', notify, sizeof(notify));
	pthread_mutex_unlock(&F.mu);
	ck_assert_str_eq(q(db, "SELECT 1"), "ok");
	ck_assert_int_eq(fake_connections(), 1);
	ck_assert_ptr_nonnull(n = PQnotifies(ftx_db_conn(db)));
	ck_assert_str_eq(n->relname, "ftx");
	ck_assert_str_eq(n->extra, "id");
	PQfreemem(n);
	ftx_db_free(db);
	fake_stop();
}
END_TEST

/* _i 1: prepared statements on (the default), each text parsed once by
 * name per connection; _i 0 (prepared_statements = off, PgBouncer in
 * transaction mode): every statement unnamed, parsed each time, and no
 * setting left on the session that a pooler would not carry. */
START_TEST(test_prepared_statements)
{
	struct ftx_db *db;
	char setup[256];
	const char *parses;

	fake_start();
	ck_assert_ptr_nonnull(db = ftx_db_new(F.conninfo, "check_db"));
	if (_i == 0)
		ftx_db_set_prepared(db, 0);
	ck_assert_str_eq(q(db, "SELECT 1"), "ok");
	ck_assert_str_eq(q(db, "UPDATE t SET x = 1"), "ok");
	ck_assert_str_eq(q(db, "SELECT 1"), "ok");
	ck_assert_str_eq(q(db, "UPDATE t SET x = 1"), "ok");
	parses = fake_parses(setup, sizeof(setup));
	ck_assert_str_eq(parses, _i ? "ftx0,ftx1," : ",,,,");
	ck_assert_ptr_nonnull(strstr(setup, "TimeZone = 'UTC'"));
	ck_assert_ptr_nonnull(strstr(setup, "DateStyle = 'ISO'"));
	if (_i)
		ck_assert_ptr_nonnull(strstr(setup, "plan_cache_mode"));
	else
		ck_assert_ptr_null(strstr(setup, "plan_cache_mode"));
	ck_assert_str_eq(fake_log(), "1:SELECT 1\n1:UPDATE t SET x = 1\n"
	    "1:SELECT 1\n1:UPDATE t SET x = 1\n");
	ck_assert_int_eq(fake_connections(), 1);
	ftx_db_free(db);
	fake_stop();
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("db");
	TCase *tc = tcase_create("db");

	tcase_add_loop_test(tc, test_ended_while_idle, 0, 3);
	tcase_add_test(tc, test_read_repeated);
	tcase_add_test(tc, test_write_not_repeated);
	tcase_add_test(tc, test_lost_inside_transaction);
	tcase_add_test(tc, test_ended_while_idle_in_transaction);
	tcase_add_test(tc, test_settle);
	tcase_add_test(tc, test_notification_is_not_death);
	tcase_add_loop_test(tc, test_prepared_statements, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
