/*
 * check_maildelivery.c - real delivery: SMTP to an aiosmtpd sink started
 * here (and to tests/integration/smtp_faults.py, which refuses, defers or
 * stalls recipients on purpose: SPEC section 8 per recipient), and the
 * sendmail transport through a recording shell script.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check_main.h"
#include "config.h"
#include "mailer.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define PYTHON		"/usr/bin/python3"
#define T_DATE		((time_t)1795395723)	/* Mon, 23 Nov 2026 01:02:03 */
#define T_MSGID		"<test.1@ftx.example>"

#define HDR_DATE	"Date: Mon, 23 Nov 2026 01:02:03 +0000\r\n" \
			"Message-ID: " T_MSGID "\r\n"
#define HDR_MIME	"MIME-Version: 1.0\r\n" \
			"Content-Type: text/plain; charset=utf-8\r\n"

/* Delivery. */

static char *
make_tmpdir(void)
{
	char tmpl[] = "/tmp/ftx-check-mailer-XXXXXX", *d;

	d = mkdtemp(tmpl);
	ck_assert_ptr_nonnull(d);
	return strdup(d);
}

/* Removes dir and what it holds (files and one level of directories). */
static void
rm_tree(const char *dir)
{
	char path[1024];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) == -1)
			rm_tree(path);
	}
	closedir(d);
	rmdir(dir);
}

/* A TCP port on 127.0.0.1 that nobody listens on right now. */
static int
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	int fd, port;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &slen), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static int
port_open(int port)
{
	struct sockaddr_in sin;
	int fd, rc;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((unsigned short)port);
	rc = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	close(fd);
	return rc == 0;
}

/* Starts an SMTP sink storing into the maildir dir: aiosmtpd's Mailbox,
 * or smtp_faults.py (stalling "slow-" recipients slow seconds) when slow
 * is not 0; returns its pid once it accepts connections, or -1. */
static pid_t
sink_start_with(const char *dir, int port, int slow)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	char listen[64], portarg[16], slowarg[16], script[1024];
	const char *srcdir = getenv("FTX_SRCDIR");
	pid_t pid;
	int i, fd, status;

	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	snprintf(portarg, sizeof(portarg), "%d", port);
	snprintf(slowarg, sizeof(slowarg), "%d", slow);
	snprintf(script, sizeof(script), "%s/tests/integration/smtp_faults.py",
	    srcdir != NULL ? srcdir : "../..");
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
		}
		if (slow != 0)
			execl(PYTHON, PYTHON, script, "--port", portarg,
			    "--maildir", dir, "--slow", slowarg, (char *)NULL);
		else
			execl(PYTHON, PYTHON, "-m", "aiosmtpd", "-n", "-l",
			    listen, "-c", "aiosmtpd.handlers.Mailbox", dir,
			    (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 300; i++) {
		if (port_open(port))
			return pid;
		if (waitpid(pid, &status, WNOHANG) == pid)
			return -1;
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static pid_t
sink_start(const char *dir, int port)
{
	return sink_start_with(dir, port, 0);
}

static void
sink_stop(pid_t pid)
{
	int status;

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
}

/* The files of dir/new: their number, and the content of the first. */
static int
read_maildir(const char *dir, char *buf, size_t len)
{
	char path[1024];
	struct dirent *de;
	DIR *d;
	FILE *fp;
	size_t n;
	int count = 0;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/new", dir);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (count++ > 0)
			continue;
		snprintf(path, sizeof(path), "%s/new/%s", dir, de->d_name);
		if ((fp = fopen(path, "r")) == NULL)
			continue;
		n = fread(buf, 1, len - 1, fp);
		buf[n] = '\0';
		fclose(fp);
	}
	closedir(d);
	return count;
}

/* ftx_mail_send as 0 (SENT) or -1 with the detail for the log in err,
 * checking that the reason for people is there and shows no path. */
static int
send_err(const struct ftx_config *cfg, const struct ftx_mail *m, char *err,
    size_t len)
{
	struct ftx_mail_report rep;
	enum ftx_mail_status st;
	size_t n;

	st = ftx_mail_send(cfg, m, 0, &rep);
	n = strlen(rep.detail) < len ? strlen(rep.detail) : len - 1;
	memcpy(err, rep.detail, n);
	err[n] = '\0';
	if (st != FTX_MAIL_SENT) {
		ck_assert_msg(rep.reason[0] != '\0', "no reason: %s", err);
		ck_assert_msg(strchr(rep.reason, '/') == NULL, "%s",
		    rep.reason);
	}
	ftx_mail_report_free(&rep);
	return st == FTX_MAIL_SENT ? 0 : -1;
}

static void
smtp_config(struct ftx_config *cfg, char *url)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->transport = FTX_MAIL_SMTP;
	cfg->smtp_url = url;
	cfg->smtp_user = (char *)"";
	cfg->smtp_password_file = (char *)"";
	cfg->sendmail_path = (char *)"/nonexistent/sendmail";
}

static const char *const three_cc[] = {
	"bob@example.org", "carol@example.org"
};

static void
delivery_mail(struct ftx_mail *m)
{
	memset(m, 0, sizeof(*m));
	m->from = "ftx@example.org";
	m->to = "alice@example.org";
	m->cc = three_cc;
	m->ncc = 2;
	m->subject = "Funding transfers export ex_1 f\xc3\xbcr M\xc3\xbcller "
	    "is ready";
	m->body = "Hello,\n.hidden dot line\n..two dots\n.\nend\n";
	m->date = T_DATE;
	m->message_id = T_MSGID;
}

START_TEST(test_smtp_delivery)
{
	char *dir, maildir[512], url[64], got[16384];
	char err_tls[256], err[256], err_try[256];
	int port, rc_tls, rc, rc_try, count_before, count;
	struct ftx_config cfg;
	struct ftx_mail m;
	pid_t pid;

	dir = make_tmpdir();
	snprintf(maildir, sizeof(maildir), "%s/mail", dir);
	port = free_port();
	pid = sink_start(maildir, port);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
	smtp_config(&cfg, url);
	delivery_mail(&m);
	err_tls[0] = err[0] = err_try[0] = '\0';
	rc = rc_tls = rc_try = count = count_before = -2;
	if (pid > 0) {
		/* The sink offers no STARTTLS: "required" must fail... */
		cfg.smtp_starttls = 2;
		rc_tls = send_err(&cfg, &m, err_tls, sizeof(err_tls));
		cfg.smtp_starttls = 0;
		rc = send_err(&cfg, &m, err, sizeof(err));
		count_before = read_maildir(maildir, got, sizeof(got));
		/* ... and "try" go on in clear. */
		cfg.smtp_starttls = 1;
		rc_try = send_err(&cfg, &m, err_try, sizeof(err_try));
		count = read_maildir(maildir, got + 8192, sizeof(got) - 8192);
	}
	/* Stop the sink before any assertion can end the test. */
	sink_stop(pid);
	rm_tree(dir);
	free(dir);

	ck_assert_msg(pid > 0, "cannot start " PYTHON " -m aiosmtpd");
	ck_assert_int_eq(rc_tls, -1);
	ck_assert_msg(strncmp(err_tls, "SMTP: ", 6) == 0, "%s", err_tls);
	ck_assert_msg(rc == 0, "send failed: %s", err);
	ck_assert_int_eq(count_before, 1);
	ck_assert_msg(rc_try == 0, "send failed: %s", err_try);
	ck_assert_int_eq(count, 2);
	ck_assert_msg(strstr(got, "\nX-MailFrom: ftx@example.org\n") != NULL,
	    "%s", got);
	ck_assert_msg(strstr(got, "\nX-RcptTo: alice@example.org, "
	    "bob@example.org, carol@example.org\n") != NULL, "%s", got);
	ck_assert_msg(strstr(got, "\nTo: alice@example.org\n") != NULL,
	    "%s", got);
	ck_assert_msg(strstr(got, "\nCc: bob@example.org, "
	    "carol@example.org\n") != NULL, "%s", got);
	ck_assert_msg(strstr(got, "\nSubject: =?UTF-8?B?RnVuZGluZyB0cmFuc2Zl"
	    "cnMgZXhwb3J0IGV4XzEgZsO8ciBNw7xs?=\n =?UTF-8?B?bGVyIGlzIHJlYWR5?="
	    "\n") != NULL, "%s", got);
	ck_assert_msg(strstr(got, "\nMessage-ID: " T_MSGID "\n") != NULL,
	    "%s", got);
	/* Dot lines arrive as written: libcurl stuffs, the server unstuffs. */
	ck_assert_msg(strstr(got, "\n\nHello,\n.hidden dot line\n..two dots\n"
	    ".\nend\n") != NULL, "%s", got);
}
END_TEST

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *fp;

	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_ge(fputs(text, fp), 0);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* Nobody listening, secrets in the URL and in the password file: a clear
 * reason, and no secret in it. */
START_TEST(test_smtp_errors)
{
	char *dir, url[128], pwfile[512], err[512];
	struct ftx_config cfg;
	struct ftx_mail m;
	int port = free_port();

	delivery_mail(&m);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
	smtp_config(&cfg, url);
	ck_assert_int_eq(send_err(&cfg, &m, err, sizeof(err)), -1);
	ck_assert_msg(strncmp(err, "SMTP: ", 6) == 0 &&
	    strstr(err, "onnect") != NULL, "%s", err);
	ck_assert_ptr_null(strchr(err, '\n'));

	dir = make_tmpdir();
	snprintf(pwfile, sizeof(pwfile), "%s/pw", dir);
	write_file(pwfile, "  hunter2-pw \r\nsecond-line-secret\n", 0600);
	snprintf(url, sizeof(url), "smtp://user:s3cretpw@127.0.0.1:%d", port);
	cfg.smtp_user = (char *)"user";
	cfg.smtp_password_file = pwfile;
	ck_assert_int_eq(send_err(&cfg, &m, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "onnect") != NULL, "%s", err);
	ck_assert_ptr_null(strstr(err, "s3cretpw"));
	ck_assert_ptr_null(strstr(err, "hunter2"));
	ck_assert_ptr_null(strstr(err, "second-line"));

	snprintf(pwfile, sizeof(pwfile), "%s/missing", dir);
	ck_assert_int_eq(send_err(&cfg, &m, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "cannot open") != NULL, "%s", err);
	rm_tree(dir);
	free(dir);

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	ck_assert_int_eq(send_err(&cfg, &m, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "smtp_url must be smtp:// or smtps://");

	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
	m.subject = "x\r\nBcc: eve@example.org";
	ck_assert_int_eq(send_err(&cfg, &m, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "cannot render") != NULL, "%s", err);
}
END_TEST

static char *
slurp(const char *path)
{
	static char buf[65536];
	FILE *fp;
	size_t n;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* The sendmail transport: arguments, the message with LF line ends. */
START_TEST(test_sendmail)
{
	char *dir, script[512], text[1024], path[512], *msg, *lf, *got;
	struct ftx_config cfg;
	struct ftx_mail m;
	char err[256];
	size_t i, j, len;

	dir = make_tmpdir();
	snprintf(script, sizeof(script), "%s/sendmail", dir);
	snprintf(text, sizeof(text), "#!/bin/sh\n"
	    "for a in \"$@\"; do printf '%%s\\n' \"$a\"; done > '%s/args'\n"
	    "cat > '%s/stdin'\n", dir, dir);
	write_file(script, text, 0700);
	smtp_config(&cfg, (char *)"smtp://127.0.0.1:1");
	cfg.transport = FTX_MAIL_SENDMAIL;
	cfg.sendmail_path = script;
	delivery_mail(&m);
	err[0] = '\0';
	ck_assert_msg(send_err(&cfg, &m, err, sizeof(err)) == 0, "%s",
	    err);

	snprintf(path, sizeof(path), "%s/args", dir);
	got = slurp(path);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, "-i\n-f\nftx@example.org\n--\n"
	    "alice@example.org\nbob@example.org\ncarol@example.org\n");

	msg = ftx_mail_render(&m, &len);
	ck_assert_ptr_nonnull(msg);
	lf = malloc(len + 1);
	ck_assert_ptr_nonnull(lf);
	for (i = j = 0; i < len; i++)
		if (msg[i] != '\r')
			lf[j++] = msg[i];
	lf[j] = '\0';
	snprintf(path, sizeof(path), "%s/stdin", dir);
	got = slurp(path);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, lf);
	ck_assert_ptr_null(strchr(got, '\r'));
	ck_assert_ptr_nonnull(strstr(got, "\n\nHello,\n.hidden dot line\n"));
	free(msg);
	free(lf);
	rm_tree(dir);
	free(dir);
}
END_TEST

static const struct {
	const char	*script;	/* sh text after "#!/bin/sh\n" */
	int		 big;		/* a 4 MB body, more than a pipe holds */
	const char	*err;		/* the start of the reason */
} sendmail_fail_cases[] = {
	{ "cat > /dev/null\nexit 75\n", 0, "sendmail exited with status 75" },
	{ "exit 3\n", 1, "sendmail exited with status 3" },
	{ "cat > /dev/null\nkill -TERM $$\n", 0, "sendmail killed by signal 15" },
	{ "exec 0<&-\nsleep 0.2\nexit 0\n", 1, "cannot write to sendmail: " },
	{ NULL, 0, "" },		/* not executable */
};

/* Failing commands: a reason each, and the caller survives a command that
 * exits without reading (EPIPE, SIGPIPE left at its default here). */
START_TEST(test_sendmail_failures)
{
	char *dir, script[512], text[512], err[256], *body = NULL;
	struct ftx_config cfg;
	struct ftx_mail m;
	sigset_t mask;
	int rc;

	signal(SIGPIPE, SIG_DFL);
	dir = make_tmpdir();
	snprintf(script, sizeof(script), "%s/sendmail", dir);
	snprintf(text, sizeof(text), "#!/bin/sh\n%s",
	    sendmail_fail_cases[_i].script ? sendmail_fail_cases[_i].script :
	    "exit 0\n");
	write_file(script, text, sendmail_fail_cases[_i].script ? 0700 : 0600);
	smtp_config(&cfg, (char *)"smtp://127.0.0.1:1");
	cfg.transport = FTX_MAIL_SENDMAIL;
	cfg.sendmail_path = script;
	delivery_mail(&m);
	if (sendmail_fail_cases[_i].big) {
		body = malloc(4 << 20);
		ck_assert_ptr_nonnull(body);
		memset(body, 'x', (4 << 20) - 1);
		for (size_t i = 80; i < (4 << 20) - 1; i += 81)
			body[i] = '\n';
		body[(4 << 20) - 1] = '\0';
		m.body = body;
	}
	err[0] = '\0';
	rc = send_err(&cfg, &m, err, sizeof(err));
	free(body);
	rm_tree(dir);
	free(dir);
	ck_assert_int_eq(rc, -1);
	if (sendmail_fail_cases[_i].script == NULL)
		ck_assert_msg(strstr(err, "cannot execute") != NULL, "%s", err);
	else
		ck_assert_msg(strncmp(err, sendmail_fail_cases[_i].err,
		    strlen(sendmail_fail_cases[_i].err)) == 0, "%s", err);
	/* The SIGPIPE guard leaves the signal mask as it found it. */
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, NULL, &mask), 0);
	ck_assert_int_eq(sigismember(&mask, SIGPIPE), 0);
	ck_assert_int_eq(sigpending(&mask), 0);
	ck_assert_int_eq(sigismember(&mask, SIGPIPE), 0);
}
END_TEST

START_TEST(test_sendmail_missing)
{
	struct ftx_config cfg;
	struct ftx_mail m;
	char err[256];

	smtp_config(&cfg, (char *)"smtp://127.0.0.1:1");
	cfg.transport = FTX_MAIL_SENDMAIL;
	delivery_mail(&m);
	ck_assert_int_eq(send_err(&cfg, &m, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "/nonexistent/sendmail: cannot execute: "
	    "No such file or directory");
}
END_TEST

#define ACC	FTX_RCPT_ACCEPTED
#define DEF	FTX_RCPT_DEFERRED
#define REF	FTX_RCPT_REFUSED
#define UNT	FTX_RCPT_UNTRIED

/* SPEC section 8, per recipient, against smtp_faults.py. */
static const struct fault_case {
	const char		*to;
	const char		*cc[3];
	int			 ncc;
	int			 last_try;
	enum ftx_mail_status	 want;
	enum ftx_rcpt_state	 states[4];
	const char		*rcpt_to;	/* X-RcptTo; NULL: no message */
	const char		*reason;	/* start; NULL: none */
} fault_cases[] = {
	/* 0: a Cc refused for good: the others get the one message. */
	{ "alice@x.example", { "refuse-bob@x.example", "carol@x.example" }, 2,
	  0, FTX_MAIL_SENT, { ACC, REF, ACC },
	  "alice@x.example, carol@x.example", NULL },
	/* 1: the requester refused for good: nothing goes, at once. */
	{ "refuse-alice@x.example", { "bob@x.example" }, 1, 0, FTX_MAIL_FAILED,
	  { REF, ACC }, NULL, "The e-mail to refuse-alice@x.example was "
	  "refused by the mail server: 550 5.1.1 <refuse-alice@x.example>: "
	  "Recipient address rejected" },
	/* 2: a Cc deferred: nothing goes, try again. */
	{ "alice@x.example", { "defer-bob@x.example", "carol@x.example" }, 2,
	  0, FTX_MAIL_RETRY, { ACC, DEF, ACC }, NULL, "The e-mail to "
	  "defer-bob@x.example was deferred by the mail server: 451 4.2.0" },
	/* 3: ... on the last try it is given up and the others get it. */
	{ "alice@x.example", { "defer-bob@x.example", "carol@x.example" }, 2,
	  1, FTX_MAIL_SENT, { ACC, DEF, ACC },
	  "alice@x.example, carol@x.example", NULL },
	/* 4: the requester deferred, even on the last try: try again. */
	{ "defer-alice@x.example", { "bob@x.example" }, 1, 1, FTX_MAIL_RETRY,
	  { DEF, ACC }, NULL, "The e-mail to defer-alice@x.example was "
	  "deferred by the mail server: 451" },
	/* 5: everybody refused (libcurl gives up before DATA). */
	{ "refuse-alice@x.example", { "refuse-bob@x.example" }, 1, 0,
	  FTX_MAIL_FAILED, { REF, REF }, NULL,
	  "The e-mail to refuse-alice@x.example was refused" },
	/* 6: the requester refused, Cc deferred: refused decides. */
	{ "refuse-alice@x.example", { "defer-bob@x.example" }, 1, 0,
	  FTX_MAIL_FAILED, { REF, DEF }, NULL,
	  "The e-mail to refuse-alice@x.example was refused" },
	/* 7: a Cc no server could take: refused here, the others get it. */
	{ "alice@x.example", { "bad address@x.example", "carol@x.example" }, 2,
	  0, FTX_MAIL_SENT, { ACC, REF, ACC },
	  "alice@x.example, carol@x.example", NULL },
	/* 8: a server slower than the timeout: nothing goes, try again. */
	{ "alice@x.example", { "slow-bob@x.example" }, 1, 0, FTX_MAIL_RETRY,
	  { ACC, UNT }, NULL, "The e-mail could not be sent: the mail server "
	  "did not answer in time" },
};

START_TEST(test_smtp_per_recipient)
{
	const struct fault_case *fc = &fault_cases[_i];
	char *dir, maildir[512], url[64], got[16384], want[256];
	struct ftx_mail_report rep;
	enum ftx_mail_status st = FTX_MAIL_SENT;
	struct ftx_config cfg;
	struct ftx_mail m;
	int port, count = -2, i;
	pid_t pid;

	dir = make_tmpdir();
	snprintf(maildir, sizeof(maildir), "%s/mail", dir);
	port = free_port();
	pid = sink_start_with(maildir, port, 5);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
	smtp_config(&cfg, url);
	cfg.mail_timeout = 2;
	delivery_mail(&m);
	m.to = fc->to;
	m.cc = fc->cc;
	m.ncc = fc->ncc;
	memset(&rep, 0, sizeof(rep));
	if (pid > 0) {
		st = ftx_mail_send(&cfg, &m, fc->last_try, &rep);
		count = read_maildir(maildir, got, sizeof(got));
	}
	sink_stop(pid);
	rm_tree(dir);
	free(dir);

	ck_assert_msg(pid > 0, "cannot start smtp_faults.py");
	ck_assert_msg(st == fc->want, "status %d, want %d: %s / %s", st,
	    fc->want, rep.reason, rep.detail);
	ck_assert_int_eq(rep.nrcpt, fc->ncc + 1);
	for (i = 0; i <= fc->ncc; i++)
		ck_assert_msg(rep.rcpt[i].state == fc->states[i],
		    "recipient %d: state %d, want %d", i, rep.rcpt[i].state,
		    fc->states[i]);
	if (fc->rcpt_to == NULL)
		ck_assert_int_eq(count, 0);
	else {
		ck_assert_int_eq(count, 1);
		snprintf(want, sizeof(want), "\nX-RcptTo: %s\n", fc->rcpt_to);
		ck_assert_msg(strstr(got, want) != NULL, "%s", got);
	}
	if (fc->reason == NULL)
		ck_assert_str_eq(rep.reason, "");
	else
		ck_assert_msg(strncmp(rep.reason, fc->reason,
		    strlen(fc->reason)) == 0, "%s", rep.reason);
	ftx_mail_report_free(&rep);
}
END_TEST

/* Nobody listening: a temporary failure, said for people. */
START_TEST(test_smtp_down_reason)
{
	struct ftx_mail_report rep;
	struct ftx_config cfg;
	struct ftx_mail m;
	char url[64];

	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", free_port());
	smtp_config(&cfg, url);
	delivery_mail(&m);
	ck_assert_int_eq(ftx_mail_send(&cfg, &m, 1, &rep), FTX_MAIL_RETRY);
	ck_assert_str_eq(rep.reason, "The e-mail could not be sent: the mail "
	    "server could not be reached");
	ck_assert_ptr_nonnull(strstr(rep.detail, "onnect"));
	ck_assert_int_eq(rep.rcpt[0].state, FTX_RCPT_UNTRIED);
	ftx_mail_report_free(&rep);
}
END_TEST

/* sendmail starts with default dispositions, nothing blocked, no
 * descriptor of ours, whatever the daemon had. */
START_TEST(test_sendmail_signals)
{
	char *dir, script[512], text[1024], path[512], err[256], *got;
	struct ftx_config cfg;
	struct ftx_mail m;
	unsigned long long blk, ign;
	sigset_t block, old;
	int fd;

	dir = make_tmpdir();
	snprintf(script, sizeof(script), "%s/sendmail", dir);
	/* What the shell passes on to the programs it runs (it may block
	 * signals for itself while it waits for one). */
	snprintf(text, sizeof(text), "#!/bin/sh\n"
	    "cat > /dev/null\n"
	    "ls /proc/self/fd > '%s/fds'\n"
	    "exec grep -E '^Sig(Blk|Ign):' /proc/self/status > '%s/sig'\n",
	    dir, dir);
	write_file(script, text, 0700);
	smtp_config(&cfg, (char *)"smtp://127.0.0.1:1");
	cfg.transport = FTX_MAIL_SENDMAIL;
	cfg.sendmail_path = script;
	delivery_mail(&m);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	fd = open("/dev/null", O_RDONLY);	/* not close-on-exec */
	ck_assert_int_ge(fd, 3);
	ck_assert_msg(send_err(&cfg, &m, err, sizeof(err)) == 0, "%s", err);
	close(fd);
	sigprocmask(SIG_SETMASK, &old, NULL);

	snprintf(path, sizeof(path), "%s/sig", dir);
	got = slurp(path);
	ck_assert_ptr_nonnull(got);
	ck_assert_int_eq(sscanf(got, "SigBlk: %llx SigIgn: %llx", &blk, &ign),
	    2);
	ck_assert_msg(blk == 0, "%s", got);
	/* Signals 1-31; glibc keeps 32 and 33 for itself. */
	ck_assert_msg((ign & 0x7fffffffULL) == 0, "%s", got);
	snprintf(path, sizeof(path), "%s/fds", dir);
	got = slurp(path);
	ck_assert_ptr_nonnull(got);
	/* 0, 1, 2 and the one ls opens to read the directory. */
	ck_assert_msg(strcmp(got, "0\n1\n2\n3\n") == 0, "%s", got);
	rm_tree(dir);
	free(dir);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("maildelivery");
	TCase *tc;

	tc = tcase_create("send");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_smtp_delivery);
	tcase_add_test(tc, test_smtp_errors);
	tcase_add_test(tc, test_sendmail);
	tcase_add_loop_test(tc, test_sendmail_failures, 0,
	    NELEM(sendmail_fail_cases));
	tcase_add_test(tc, test_sendmail_missing);
	tcase_add_test(tc, test_sendmail_signals);
	suite_add_tcase(s, tc);

	tc = tcase_create("per_recipient");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_smtp_per_recipient, 0,
	    NELEM(fault_cases));
	tcase_add_test(tc, test_smtp_down_reason);
	suite_add_tcase(s, tc);
	return s;
}
