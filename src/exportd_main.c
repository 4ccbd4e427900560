/*
 * exportd_main.c - ftx-exportd: options, configuration, and a pool of
 * export workers.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "log.h"
#include "pool.h"
#include "worker.h"

struct exportd {
	const char		*config_path;
	int			 foreground;
	struct ftx_config	 cfg;
};

static void
usage(void)
{
	fprintf(stderr, "usage: ftx-exportd [-ftV] [-c config] [-p pidfile]\n");
	exit(2);
}

static int
exportd_reload(void *arg, struct ftx_pool_settings *set)
{
	struct exportd *d = arg;
	struct ftx_config cfg;
	char err[512];

	if (ftx_config_load(&cfg, d->config_path, err, sizeof(err)) == -1) {
		log_err("reload refused, keeping the running configuration: %s",
		    err);
		return -1;
	}
	ftx_config_free(&d->cfg);
	d->cfg = cfg;
	ftx_log_open("ftx-exportd", d->foreground, d->cfg.log_level,
	    d->cfg.log_facility);
	set->children = d->cfg.workers;
	return 0;
}

static void
exportd_run(void *arg)
{
	struct exportd *d = arg;

	ftx_worker_run(&d->cfg);
}

int
main(int argc, char *argv[])
{
	static struct exportd d;
	struct ftx_pool_settings set;
	struct ftx_pool_hooks hooks = { .arg = &d, .reload = exportd_reload,
	    .run = exportd_run };
	const char *pidfile = NULL;
	char err[512];
	int ch, test_only = 0, rc = 1;

	d.config_path = ftx_config_default_path();
	while ((ch = getopt(argc, argv, "c:fp:tVh")) != -1) {
		switch (ch) {
		case 'c':
			d.config_path = optarg;
			break;
		case 'f':
			d.foreground = 1;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 't':
			test_only = 1;
			break;
		case 'V':
			printf("ftx-exportd %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (ftx_config_load(&d.cfg, d.config_path, err, sizeof(err)) == -1) {
		fprintf(stderr, "ftx-exportd: %s\n", err);
		return 1;
	}
	if (test_only) {
		printf("ftx-exportd: %s: configuration OK\n", d.config_path);
		ftx_config_free(&d.cfg);
		return 0;
	}
	ftx_log_open("ftx-exportd", 1, d.cfg.log_level, d.cfg.log_facility);
	signal(SIGPIPE, SIG_IGN);
	if (pidfile != NULL && ftx_pidfile_check(pidfile) == -1) {
		ftx_config_free(&d.cfg);
		return 1;
	}
	if (!d.foreground) {
		if (ftx_daemon_detach() == -1)
			goto out;
		ftx_log_open("ftx-exportd", 0, d.cfg.log_level,
		    d.cfg.log_facility);
	}
	if (pidfile != NULL && ftx_pidfile_create(pidfile) == -1)
		goto out;
	set.children = d.cfg.workers;
	set.max_requests = 0;
	rc = ftx_pool_run(-1, &set, &hooks) == 0 ? 0 : 1;
	ftx_pidfile_remove(pidfile);
out:
	log_notice("exiting");
	ftx_config_free(&d.cfg);
	ftx_log_close();
	return rc;
}
