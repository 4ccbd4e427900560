/*
 * fcgi_main.c - ftx-fcgi: options, configuration, and wiring the pool to
 * the API.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "auth.h"
#include "config.h"
#include "daemon.h"
#include "db.h"
#include "log.h"
#include "pool.h"
#include "signurl.h"

struct fcgi_app {
	const char		*config_path;
	int			 foreground;
	struct ftx_config	 cfg;
	struct ftx_db		*db;		/* in children */
	struct ftx_api_ctx	 api;
};

static void
usage(void)
{
	fprintf(stderr, "usage: ftx-fcgi [-ftV] [-c config] [-p pidfile]\n");
	exit(2);
}

static int
app_reload(void *arg, struct ftx_pool_settings *set)
{
	struct fcgi_app *app = arg;
	struct ftx_config cfg;
	char err[512];

	if (ftx_config_load(&cfg, app->config_path, err, sizeof(err)) == -1) {
		log_err("reload refused, keeping the running configuration: %s",
		    err);
		return -1;
	}
	if (strcmp(cfg.listen, app->cfg.listen) != 0)
		log_warning("[fcgi] listen changed: it takes effect at the "
		    "next restart, not on reload");
	ftx_config_free(&app->cfg);
	app->cfg = cfg;
	ftx_log_open("ftx-fcgi", app->foreground, app->cfg.log_level,
	    app->cfg.log_facility);
	set->children = app->cfg.children;
	set->max_requests = app->cfg.max_requests;
	return 0;
}

static int
app_child_init(void *arg)
{
	struct fcgi_app *app = arg;

	char err[512];

	app->db = ftx_db_new(app->cfg.conninfo, "ftx-fcgi");
	app->api.auth = ftx_auth_cache_new();
	if (app->db == NULL || app->api.auth == NULL)
		return -1;
	/* Without the secret the API still answers; READY exports then show
	 * no downloadUrl. */
	if ((app->api.keys = ftx_signurl_load(app->cfg.secret_file, err,
	    sizeof(err))) == NULL)
		log_warning("download links disabled: %s", err);
	/* Connect now so the first request does not pay for it; failure is
	 * not fatal: requests answer 503 until the database is back. */
	(void)ftx_db_conn(app->db);
	app->api.cfg = &app->cfg;
	app->api.db = app->db;
	return 0;
}

static void
app_handle(void *arg, FCGX_Request *req)
{
	struct fcgi_app *app = arg;

	ftx_api_handle(&app->api, req);
}

static void
app_child_fini(void *arg)
{
	struct fcgi_app *app = arg;

	ftx_db_free(app->db);
	app->db = NULL;
	ftx_auth_cache_free(app->api.auth);
	ftx_signurl_free(app->api.keys);
	ftx_config_free(&app->cfg);
}

int
main(int argc, char *argv[])
{
	static struct fcgi_app app;
	struct ftx_pool_settings set;
	struct ftx_pool_hooks hooks = { .arg = &app, .reload = app_reload,
	    .child_init = app_child_init, .handle = app_handle,
	    .child_fini = app_child_fini };
	const char *pidfile = NULL;
	char err[512];
	int ch, test_only = 0, listen_fd = -1, rc = 1;

	app.config_path = ftx_config_default_path();
	while ((ch = getopt(argc, argv, "c:fp:tVh")) != -1) {
		switch (ch) {
		case 'c':
			app.config_path = optarg;
			break;
		case 'f':
			app.foreground = 1;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 't':
			test_only = 1;
			break;
		case 'V':
			printf("ftx-fcgi %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (ftx_config_load(&app.cfg, app.config_path, err, sizeof(err)) == -1) {
		fprintf(stderr, "ftx-fcgi: %s\n", err);
		return 1;
	}
	if (test_only) {
		printf("ftx-fcgi: %s: configuration OK\n", app.config_path);
		ftx_config_free(&app.cfg);
		return 0;
	}
	/* Until detached, errors go to the terminal as well as the log. */
	ftx_log_open("ftx-fcgi", 1, app.cfg.log_level, app.cfg.log_facility);
	signal(SIGPIPE, SIG_IGN);
	if (pidfile != NULL && ftx_pidfile_check(pidfile) == -1) {
		ftx_config_free(&app.cfg);
		return 1;
	}
	if ((listen_fd = ftx_pool_listen(app.cfg.listen,
	    app.cfg.listen_backlog)) == -1)
		goto out;
	if (!app.foreground) {
		if (ftx_daemon_detach() == -1)
			goto out;
		ftx_log_open("ftx-fcgi", 0, app.cfg.log_level,
		    app.cfg.log_facility);
	}
	if (pidfile != NULL && ftx_pidfile_create(pidfile) == -1)
		goto out;
	set.children = app.cfg.children;
	set.max_requests = app.cfg.max_requests;
	rc = ftx_pool_run(listen_fd, &set, &hooks) == 0 ? 0 : 1;
	ftx_pidfile_remove(pidfile);
out:
	if (listen_fd > STDIN_FILENO) {
		close(listen_fd);
		if (app.cfg.listen != NULL && app.cfg.listen[0] == '/')
			unlink(app.cfg.listen);
	}
	log_notice("exiting");
	ftx_config_free(&app.cfg);
	ftx_log_close();
	return rc;
}
