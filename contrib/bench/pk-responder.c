/*
 * pk-responder.c - the baseline of contrib/bench/api: the least a FastCGI
 * responder can do for one API call that needs the database.
 *
 * A master opens a unix socket and forks N children; each child keeps one
 * libpq connection and, per request, runs one primary-key query
 * (SELECT id FROM exports WHERE id = $1, with PQexecParams) and answers a
 * fixed JSON body about the size of an export object.  No authentication,
 * no JSON library, no logging: its requests per second are the ceiling of
 * one database round trip behind the web server.
 *
 * usage: pk-responder -s SOCKET -d CONNINFO -i EXPORT_ID [-n CHILDREN]
 * The id is taken from "id=" in QUERY_STRING when present, else EXPORT_ID.
 *
 * Build: cc -O2 -Wall -Wextra -o pk-responder pk-responder.c \
 *     $(pkg-config --cflags --libs libpq) -lfcgi
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <libpq-fe.h>

#define CHILDREN_MAX	64
#define ID_MAX		64

/* An export object as ftx answers one just created (about 400 bytes). */
static const char body_fmt[] =
    "{\"exportId\":\"%s\",\"status\":\"PENDING\","
    "\"createdAt\":\"2026-01-01T00:00:00Z\","
    "\"updatedAt\":\"2026-01-01T00:00:00Z\","
    "\"completedAt\":null,\"expiresAt\":null,"
    "\"requestedBy\":{\"userId\":\"5b0f6c1e-2f4c-4d8e-9a31-0c6d2f1b7e42\","
    "\"email\":\"op@bench.example\"},\"clientType\":\"OPERATOR\","
    "\"filters\":{},\"cc\":[],\"rowCount\":null,\"fileSize\":null,"
    "\"sha256\":null,\"downloadUrl\":null,\"failureReason\":null}";

static volatile sig_atomic_t quit;

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

/* Copies the value of "id=" in qs into id (at most ID_MAX bytes); returns 0,
 * or -1 when qs holds no usable id. */
static int
query_id(const char *qs, char *id)
{
	const char *p;
	size_t n;

	if (qs == NULL)
		return -1;
	for (p = qs; p != NULL; p = strchr(p, '&')) {
		if (*p == '&')
			p++;
		if (strncmp(p, "id=", 3) == 0) {
			n = strcspn(p + 3, "&");
			if (n == 0 || n > ID_MAX)
				return -1;
			memcpy(id, p + 3, n);
			id[n] = '\0';
			return 0;
		}
	}
	return -1;
}

/* Answers one request: 200 with the body when the row exists, 404 when it
 * does not, 503 (and a reconnection) when the query failed. */
static void
answer(FCGX_Request *req, PGconn *conn, const char *fixed_id)
{
	char id[ID_MAX + 1], body[sizeof(body_fmt) + ID_MAX];
	const char *params[1] = { id };
	PGresult *res;
	int len;

	if (query_id(FCGX_GetParam("QUERY_STRING", req->envp), id) == -1)
		snprintf(id, sizeof(id), "%s", fixed_id);
	res = PQexecParams(conn, "SELECT id FROM exports WHERE id = $1", 1,
	    NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		FCGX_FPrintF(req->out, "Status: 503 Service Unavailable\r\n"
		    "Content-Type: application/json; charset=utf-8\r\n\r\n"
		    "{\"status\":\"unavailable\"}");
		PQreset(conn);
		goto out;
	}
	if (PQntuples(res) != 1) {
		FCGX_FPrintF(req->out, "Status: 404 Not Found\r\n"
		    "Content-Type: application/json; charset=utf-8\r\n\r\n"
		    "{\"errors\":[{\"code\":\"NOT_FOUND\"}]}");
		goto out;
	}
	len = snprintf(body, sizeof(body), body_fmt, PQgetvalue(res, 0, 0));
	FCGX_FPrintF(req->out, "Status: 200 OK\r\n"
	    "Content-Type: application/json; charset=utf-8\r\n"
	    "Content-Length: %d\r\n\r\n", len);
	FCGX_PutStr(body, len, req->out);
out:
	PQclear(res);
}

/* A child's life: one connection, requests until the master stops it. */
static int
child(int sock, const char *conninfo, const char *fixed_id)
{
	FCGX_Request req;
	PGconn *conn;
	int rc = 1;

	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	conn = PQconnectdb(conninfo);
	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "pk-responder: %s", PQerrorMessage(conn));
		goto out;
	}
	if (FCGX_InitRequest(&req, sock, 0) != 0)
		goto out;
	while (FCGX_Accept_r(&req) == 0) {
		answer(&req, conn, fixed_id);
		FCGX_Finish_r(&req);
	}
	rc = 0;
out:
	PQfinish(conn);
	return rc;
}

static pid_t
spawn(int sock, const char *conninfo, const char *fixed_id)
{
	pid_t pid;

	if ((pid = fork()) == 0)
		_exit(child(sock, conninfo, fixed_id));
	if (pid == -1)
		perror("pk-responder: fork");
	return pid;
}

/* Keeps n children alive until SIGTERM or SIGINT, then stops them. */
static int
master(int sock, int n, const char *conninfo, const char *fixed_id)
{
	pid_t pids[CHILDREN_MAX], pid;
	int i, status, rc = 1;

	for (i = 0; i < n; i++)
		pids[i] = -1;
	for (i = 0; i < n; i++)
		if ((pids[i] = spawn(sock, conninfo, fixed_id)) == -1)
			goto out;
	while (!quit) {
		if ((pid = wait(&status)) == -1) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		for (i = 0; i < n; i++) {
			if (pids[i] != pid)
				continue;
			fprintf(stderr, "pk-responder: child %ld exited,"
			    " status %d\n", (long)pid, status);
			sleep(1);	/* no tight loop if the database is gone */
			if ((pids[i] = spawn(sock, conninfo, fixed_id)) == -1)
				goto out;
		}
	}
	rc = 0;
out:
	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return rc;
}

static void
usage(void)
{
	fprintf(stderr, "usage: pk-responder -s SOCKET -d CONNINFO"
	    " -i EXPORT_ID [-n CHILDREN]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	const char *path = NULL, *conninfo = NULL, *fixed_id = NULL;
	struct sigaction sa;
	int ch, n = 4, sock, rc;

	while ((ch = getopt(argc, argv, "d:i:n:s:")) != -1) {
		switch (ch) {
		case 'd': conninfo = optarg; break;
		case 'i': fixed_id = optarg; break;
		case 'n': n = atoi(optarg); break;
		case 's': path = optarg; break;
		default: usage();
		}
	}
	if (path == NULL || conninfo == NULL || fixed_id == NULL ||
	    strlen(fixed_id) > ID_MAX || n < 1 || n > CHILDREN_MAX ||
	    optind != argc)
		usage();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (FCGX_Init() != 0)
		return 1;
	unlink(path);
	if ((sock = FCGX_OpenSocket(path, 128)) == -1) {
		fprintf(stderr, "pk-responder: cannot listen on %s\n", path);
		return 1;
	}
	chmod(path, 0666);
	rc = master(sock, n, conninfo, fixed_id);
	unlink(path);
	return rc;
}
