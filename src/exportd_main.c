/*
 * exportd_main.c - ftx-exportd: a pool of export workers.
 */
#include "daemon.h"
#include "notify.h"
#include "notify_webhook.h"
#include "pool.h"
#include "worker.h"

static int
exportd_reload(void *arg, struct ftx_pool_settings *set)
{
	struct ftx_daemon *d = arg;

	if (ftx_daemon_reload(d) == -1)
		return -1;
	set->children = d->cfg.workers;
	return 0;
}

static void
exportd_run(void *arg)
{
	struct ftx_daemon *d = arg;

	ftx_worker_run(&d->cfg);
}

int
main(int argc, char *argv[])
{
	static struct ftx_daemon d;
	struct ftx_pool_hooks hooks = { .arg = &d, .reload = exportd_reload,
	    .run = exportd_run };
	/* Notifiers in order; those with effects outside the database (the
	 * e-mail) last. */
	struct ftx_notifier mail = { "mail", ftx_notify_mail, &d.cfg };
	struct ftx_pool_settings set;
	int rc = 1;

	ftx_daemon_init(&d, "ftx-exportd", argc, argv);
	ftx_notify_webhook_register();
	ftx_notify_register(&mail);
	if (ftx_daemon_start(&d) == 0) {
		set.children = d.cfg.workers;
		set.max_requests = 0;
		set.request_timeout = 0;
		rc = ftx_pool_run(-1, &set, &hooks) == 0 ? 0 : 1;
	}
	ftx_daemon_fini(&d);
	return rc;
}
