/*
 * daemon.c - detaching, readiness pipe, pidfile, signals.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"

static int ready_fd = -1;

int
ftx_daemon_detach(void)
{
	int pfd[2], devnull;
	pid_t pid;
	char c;

	if (pipe(pfd) == -1) {
		ftx_log_errno("pipe");
		return -1;
	}
	if ((pid = fork()) == -1) {
		ftx_log_errno("fork");
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid > 0) {
		/* The shell's process: wait for "ready" or for the pipe to close. */
		close(pfd[1]);
		while (read(pfd[0], &c, 1) == -1 && errno == EINTR)
			;
		_exit(c == 'R' ? 0 : 1);
	}
	close(pfd[0]);
	ready_fd = pfd[1];
	if (setsid() == -1)
		ftx_log_errno("setsid");
	if (chdir("/") == -1)
		ftx_log_errno("chdir /");
	if ((devnull = open("/dev/null", O_RDWR)) != -1) {
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		dup2(devnull, STDERR_FILENO);
		if (devnull > STDERR_FILENO)
			close(devnull);
	}
	return 0;
}

void
ftx_daemon_ready(void)
{
	if (ready_fd == -1)
		return;
	while (write(ready_fd, "R", 1) == -1 && errno == EINTR)
		;
	close(ready_fd);
	ready_fd = -1;
}

static pid_t
pidfile_read(const char *path)
{
	char buf[32];
	ssize_t n;
	long pid;
	char *end;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	pid = strtol(buf, &end, 10);
	if (end == buf || pid <= 0 || (*end != '\n' && *end != '\0'))
		return -1;
	return (pid_t)pid;
}

int
ftx_pidfile_check(const char *path)
{
	pid_t old = pidfile_read(path);

	if (old > 0 && old != getpid() && (kill(old, 0) == 0 || errno == EPERM)) {
		log_err("%s: already running as pid %ld", path, (long)old);
		return -1;
	}
	return 0;
}

int
ftx_pidfile_create(const char *path)
{
	char buf[32], tmp[4096];
	int fd, len;

	if (ftx_pidfile_check(path) == -1)
		return -1;
	/* Write a temporary file and rename it: readers never see half a pid. */
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		log_err("%s: path too long", path);
		return -1;
	}
	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1) {
		ftx_log_errno("%s", tmp);
		return -1;
	}
	if (write(fd, buf, len) != len || close(fd) == -1) {
		ftx_log_errno("%s", tmp);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) == -1) {
		ftx_log_errno("rename %s", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

void
ftx_pidfile_remove(const char *path)
{
	if (path != NULL && pidfile_read(path) == getpid())
		unlink(path);
}

int
ftx_signals_install(void (*handler)(int), const int *signals)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: accept() and poll() see EINTR */
	for (; *signals != 0; signals++)
		if (sigaction(*signals, &sa, NULL) == -1) {
			ftx_log_errno("sigaction %d", *signals);
			return -1;
		}
	return 0;
}
