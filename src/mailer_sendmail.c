/*
 * mailer_sendmail.c - the sendmail transport: "sendmail -i -f FROM --
 * RCPT..." run without a shell, the message on its stdin with LF line
 * ends.  sendmail judges the recipients itself (it queues and bounces), so
 * an exit status of 0 means every recipient was accepted.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mailer_transport.h"

/* Writes p[n] to fd with SIGPIPE blocked, so that a command that exits
 * early gives EPIPE here instead of killing the caller whatever its
 * SIGPIPE disposition; a SIGPIPE raised by this write is consumed. */
static int
write_all(int fd, const char *p, size_t n)
{
	static const struct timespec zero = { 0, 0 };
	sigset_t pipe_set, old, pending;
	int rc = 0, saved = 0, was_pending;
	ssize_t w;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			saved = errno;
			rc = -1;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
	if (rc == -1 && saved == EPIPE && !was_pending)
		while (sigtimedwait(&pipe_set, NULL, &zero) == -1 &&
		    errno == EINTR)
			;
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return rc;
}

/* The message with LF line ends, as a local sendmail expects them. */
static char *
crlf_to_lf(const char *msg, size_t len, size_t *outlen)
{
	char *out, *w;
	size_t i;

	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	for (w = out, i = 0; i < len; i++)
		if (msg[i] != '\r' || i + 1 == len || msg[i + 1] != '\n')
			*w++ = msg[i];
	*outlen = (size_t)(w - out);
	return out;
}

/* In the child, before exec: the command starts as a login shell would
 * start it, not with the daemon's dispositions (SIGPIPE and SIGHUP
 * ignored survive exec), its blocked signals or its descriptors. */
static void
child_reset(void)
{
	struct sigaction sa;
	sigset_t none;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	closefrom(STDERR_FILENO + 1);
}

/* Runs argv with lf on stdin; 0 when it exited 0, else -1 with the
 * technical reason in rep->detail. */
static int
sendmail_run(const char *path, const char **argv, const char *lf,
    size_t lflen, struct ftx_mail_report *rep)
{
	int fds[2] = { -1, -1 }, status, wrc, werr;
	pid_t pid;

	if (pipe(fds) == -1 || fcntl(fds[1], F_SETFD, FD_CLOEXEC) == -1 ||
	    (pid = fork()) == -1) {
		ftx_mail_detail(rep, "cannot run sendmail: %s", strerror(errno));
		if (fds[0] != -1) {
			close(fds[0]);
			close(fds[1]);
		}
		return -1;
	}
	if (pid == 0) {
		if (dup2(fds[0], STDIN_FILENO) == -1)
			_exit(127);
		child_reset();
		execv(path, (char *const *)argv);
		_exit(127);
	}
	close(fds[0]);
	wrc = write_all(fds[1], lf, lflen);
	werr = errno;
	close(fds[1]);
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR) {
			ftx_mail_detail(rep, "cannot wait for sendmail: %s",
			    strerror(errno));
			return -1;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		ftx_mail_detail(rep, "sendmail exited with status %d",
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		ftx_mail_detail(rep, "sendmail killed by signal %d",
		    WTERMSIG(status));
	else if (wrc == -1)
		ftx_mail_detail(rep, "cannot write to sendmail: %s",
		    strerror(werr));
	else
		return 0;
	return -1;
}

static enum ftx_mail_status
sendmail_send(const struct ftx_config *cfg, const struct ftx_mail *m,
    const char *msg, size_t len, int last_try, struct ftx_mail_report *rep)
{
	const char **argv = NULL;
	char *lf = NULL;
	size_t lflen;
	int rc = -1, i, n = 0;

	(void)last_try;
	if (access(cfg->sendmail_path, X_OK) == -1) {
		ftx_mail_detail(rep, "%s: cannot execute: %s",
		    cfg->sendmail_path, strerror(errno));
		goto out;
	}
	if ((argv = calloc((size_t)m->ncc + 7, sizeof(*argv))) == NULL ||
	    (lf = crlf_to_lf(msg, len, &lflen)) == NULL) {
		ftx_mail_detail(rep, "sendmail: out of memory");
		goto out;
	}
	argv[n++] = cfg->sendmail_path;
	argv[n++] = "-i";
	argv[n++] = "-f";
	argv[n++] = m->from;
	argv[n++] = "--";
	argv[n++] = m->to;
	for (i = 0; i < m->ncc; i++)
		argv[n++] = m->cc[i];
	argv[n] = NULL;
	rc = sendmail_run(cfg->sendmail_path, argv, lf, lflen, rep);
out:
	free(argv);
	free(lf);
	if (rc == -1) {
		ftx_mail_reason(rep, "The e-mail could not be sent: the local "
		    "mail program failed");
		return FTX_MAIL_RETRY;
	}
	for (i = 0; i < rep->nrcpt; i++)
		rep->rcpt[i].state = FTX_RCPT_ACCEPTED;
	return FTX_MAIL_SENT;
}

const struct ftx_mailer_transport ftx_mail_sendmail = {
	"sendmail", sendmail_send
};
