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
#include "notify_webhook.h"

struct fcgi_app {
	struct ftx_daemon	 d;
	struct ftx_db		*db;		/* in children */
	struct ftx_api_ctx	 api;
};

static void
app_settings(const struct fcgi_app *app, struct ftx_pool_settings *set)
{
	set->children = app->d.cfg.children;
	set->max_requests = app->d.cfg.max_requests;
	set->request_timeout = app->d.cfg.request_timeout;
}

static int
app_reload(void *arg, struct ftx_pool_settings *set)
{
	struct fcgi_app *app = arg;
	char *listen = strdup(app->d.cfg.listen);

	if (ftx_daemon_reload(&app->d) == -1) {
		free(listen);
		return -1;
	}
	if (listen != NULL && strcmp(listen, app->d.cfg.listen) != 0)
		log_warning("[fcgi] listen changed: it takes effect at the "
		    "next restart, not on reload");
	free(listen);
	app_settings(app, set);
	return 0;
}

static int
app_child_init(void *arg)
{
	struct fcgi_app *app = arg;

	char err[512];

	app->db = ftx_db_new(app->d.cfg.conninfo, "ftx-fcgi");
	if (app->db != NULL)
		ftx_db_set_prepared(app->db, app->d.cfg.prepared_statements);
	app->api.auth = ftx_auth_cache_new();
	app->api.dims = ftx_dimcache_new();
	if (app->db == NULL || app->api.auth == NULL || app->api.dims == NULL)
		return -1;
	/* Without the secret the API still answers; READY exports then show
	 * no downloadUrl. */
	if ((app->api.keys = ftx_signurl_load(app->d.cfg.secret_file, err,
	    sizeof(err))) == NULL)
		log_warning("download links disabled: %s", err);
	/* Connect now so the first request does not pay for it; failure is
	 * not fatal: requests answer 503 until the database is back. */
	(void)ftx_db_conn(app->db);
	app->api.cfg = &app->d.cfg;
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
	ftx_dimcache_free(app->api.dims);
	ftx_jsonw_free(&app->api.page);
	ftx_signurl_free(app->api.keys);
	ftx_config_free(&app->d.cfg);
}

int
main(int argc, char *argv[])
{
	static struct fcgi_app app;
	struct ftx_pool_hooks hooks = { .arg = &app, .reload = app_reload,
	    .child_init = app_child_init, .handle = app_handle,
	    .child_fini = app_child_fini };
	struct ftx_pool_settings set;
	char *bound = NULL;	/* the unix socket this process created */
	int listen_fd, rc = 1;

	ftx_daemon_init(&app.d, "ftx-fcgi", argc, argv);
	ftx_notify_webhook_register();	/* a cancel writes export.failed */
	/* Bind before detaching, so a start that cannot listen fails in the
	 * shell that ran it, and before giving up root. */
	listen_fd = ftx_pool_listen(app.d.cfg.listen, app.d.cfg.listen_backlog,
	    app.d.cfg.socket_mode, app.d.uid);
	if (listen_fd > STDIN_FILENO && app.d.cfg.listen[0] == '/' &&
	    (bound = strdup(app.d.cfg.listen)) == NULL)
		log_err("out of memory");
	else if (listen_fd != -1 && ftx_daemon_start(&app.d) == 0) {
		app_settings(&app, &set);
		rc = ftx_pool_run(listen_fd, &set, &hooks) == 0 ? 0 : 1;
	}
	if (listen_fd > STDIN_FILENO)
		close(listen_fd);
	/* The path bound at start, not the one a reload may have read. */
	if (bound != NULL)
		unlink(bound);
	free(bound);
	ftx_daemon_fini(&app.d);
	return rc;
}
