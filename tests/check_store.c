/*
 * check_store.c - export file names: safe tenant directories, export ids,
 * temporary files that never follow a link, paths that stay in export_dir.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "config.h"
#include "store.h"

static char root[256];		/* a fresh directory per test */
static char exports[300];	/* root/exports: the export_dir */

static void
setup(void)
{
	snprintf(root, sizeof(root), "/tmp/check_store.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(exports, sizeof(exports), "%s/exports", root);
}

static void
teardown(void)
{
	char cmd[400];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

/* 1 if every byte of s is in [A-Za-z0-9_-]. */
static int
all_safe(const char *s)
{
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_-") == strlen(s);
}

static const struct {
	const char *tenant, *prefix;
} dirs[] = {
	{ "acme", "acme_" },
	{ "../../etc", "______etc_" },
	{ "a/b", "a_b_" },
	{ "..", "___" },
	{ "50% off \"x\" 'y'", "50__off__x___y__" },
	{ "cr\rlf\nend", "cr_lf_end_" },
	{ "Zoë", "Zo___" },
	{ "0123456789abcdef0123456789abcdefXYZ", "0123456789abcdef0123456789abcdef_" },
};

START_TEST(test_tenant_dir)
{
	char d[FTX_STORE_DIR_LEN + 1];
	size_t plen = strlen(dirs[_i].prefix);

	ck_assert_int_eq(ftx_store_tenant_dir(dirs[_i].tenant, d, sizeof(d)),
	    0);
	ck_assert_msg(strncmp(d, dirs[_i].prefix, plen) == 0, "%s", d);
	ck_assert_uint_eq(strlen(d), plen + 64);
	ck_assert(all_safe(d));
}
END_TEST

START_TEST(test_tenant_dir_known)
{
	char d[FTX_STORE_DIR_LEN + 1];

	/* sha256("acme"), from sha256sum. */
	ck_assert_int_eq(ftx_store_tenant_dir("acme", d, sizeof(d)), 0);
	ck_assert_str_eq(d, "acme_"
	    "822b33ad87c148a0a20a5ba7cd5ebcaa68d36a18e7aad165554903f52ca82757");
}
END_TEST

/* 255-byte ids sharing their first 250 bytes: distinct directories. */
START_TEST(test_long_prefixes)
{
	char a[256], b[256], da[FTX_STORE_DIR_LEN + 1], db[FTX_STORE_DIR_LEN + 1];

	memset(a, 'x', 255);
	a[255] = '\0';
	memcpy(b, a, sizeof(a));
	b[252] = 'y';
	ck_assert_int_eq(ftx_store_tenant_dir(a, da, sizeof(da)), 0);
	ck_assert_int_eq(ftx_store_tenant_dir(b, db, sizeof(db)), 0);
	ck_assert_str_ne(da, db);
	ck_assert_uint_eq(strlen(da), FTX_STORE_DIR_LEN);
}
END_TEST

START_TEST(test_tenant_dir_refused)
{
	char d[FTX_STORE_DIR_LEN + 1];

	ck_assert_int_eq(ftx_store_tenant_dir("", d, sizeof(d)), -1);
	ck_assert_int_eq(ftx_store_tenant_dir(NULL, d, sizeof(d)), -1);
	ck_assert_int_eq(ftx_store_tenant_dir("a", d, sizeof(d) - 1), -1);
}
END_TEST

START_TEST(test_export_ids)
{
	char long_id[202];

	ck_assert_int_eq(ftx_store_export_id_valid(
	    "4b0c5e0e-7a7a-4c1e-9d5b-000000000001"), 1);
	ck_assert_int_eq(ftx_store_export_id_valid("A_z-9"), 1);
	ck_assert_int_eq(ftx_store_export_id_valid(""), 0);
	ck_assert_int_eq(ftx_store_export_id_valid(NULL), 0);
	ck_assert_int_eq(ftx_store_export_id_valid(".."), 0);
	ck_assert_int_eq(ftx_store_export_id_valid("a/b"), 0);
	ck_assert_int_eq(ftx_store_export_id_valid("a b"), 0);
	ck_assert_int_eq(ftx_store_export_id_valid("a\r\nb"), 0);
	ck_assert_int_eq(ftx_store_export_id_valid("a%2e"), 0);
	memset(long_id, 'a', 200);
	long_id[200] = '\0';
	ck_assert_int_eq(ftx_store_export_id_valid(long_id), 1);
	long_id[200] = 'a';
	long_id[201] = '\0';
	ck_assert_int_eq(ftx_store_export_id_valid(long_id), 0);
}
END_TEST

/* The whole cycle, for a tenant id that tries to climb out. */
START_TEST(test_open_publish)
{
	char tmp[FTX_STORE_PATH_MAX], path[FTX_STORE_PATH_MAX], d[100];
	char want[FTX_STORE_PATH_MAX];
	struct stat st;
	int fd;

	fd = ftx_store_open_tmp(exports, "../../etc\r\nX-Evil: 1", "exp-1",
	    "abc123", tmp, path);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, "x\n", 2), 2);
	close(fd);
	ftx_store_tenant_dir("../../etc\r\nX-Evil: 1", d, sizeof(d));
	snprintf(want, sizeof(want), "%s/%s/exp-1.csv", exports, d);
	ck_assert_str_eq(path, want);
	snprintf(want, sizeof(want), "%s/%s/.exp-1.csv.abc123.tmp", exports, d);
	ck_assert_str_eq(tmp, want);
	ck_assert_int_eq(stat(path, &st), -1);	/* not visible yet */
	ck_assert_int_eq(ftx_store_publish(tmp, path), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(stat(tmp, &st), -1);
	ck_assert_int_eq(ftx_store_remove(exports, path), 0);
	ck_assert_int_eq(stat(path, &st), -1);
}
END_TEST

START_TEST(test_open_refused)
{
	char tmp[FTX_STORE_PATH_MAX], path[FTX_STORE_PATH_MAX];
	static const char *const ids[] = { "..", "../x", "a/b", "a\nb", "",
	    "a.csv" };
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		errno = 0;
		ck_assert_int_eq(ftx_store_open_tmp(exports, "t", ids[i],
		    "tok", tmp, path), -1);
		ck_assert_int_eq(errno, EINVAL);
	}
	ck_assert_int_eq(ftx_store_open_tmp(exports, "t", "x", "../t",
	    tmp, path), -1);
	ck_assert_int_eq(ftx_store_open_tmp(exports, "", "x", "t",
	    tmp, path), -1);
}
END_TEST

/* A link planted where the temporary file goes is never written through:
 * the sweep of stale files removes it, and O_EXCL|O_NOFOLLOW would refuse
 * one planted after the sweep (shown with a directory, which the sweep
 * cannot remove). */
START_TEST(test_symlink_file)
{
	char tmp[FTX_STORE_PATH_MAX], path[FTX_STORE_PATH_MAX], d[100];
	char dir[1024], link[FTX_STORE_PATH_MAX];
	char target[FTX_STORE_PATH_MAX];
	struct stat st;
	int fd;

	ftx_store_tenant_dir("t", d, sizeof(d));
	ck_assert_int_eq(mkdir(exports, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/%s", exports, d);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	snprintf(target, sizeof(target), "%s/target", root);
	snprintf(link, sizeof(link), "%s/.e.csv.tok.tmp", dir);
	ck_assert_int_eq(symlink(target, link), 0);
	fd = ftx_store_open_tmp(exports, "t", "e", "tok", tmp, path);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, "x", 1), 1);
	close(fd);
	ck_assert_str_eq(tmp, link);
	ck_assert_int_eq(stat(target, &st), -1);	/* never created */
	ck_assert_int_eq(lstat(tmp, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	snprintf(link, sizeof(link), "%s/.f.csv.tok.tmp", dir);
	ck_assert_int_eq(mkdir(link, 0700), 0);
	errno = 0;
	ck_assert_int_eq(ftx_store_open_tmp(exports, "t", "f", "tok", tmp,
	    path), -1);
	ck_assert_int_eq(errno, EEXIST);
}
END_TEST

/* A tenant directory that is a link out of export_dir is refused. */
START_TEST(test_symlink_dir)
{
	char tmp[FTX_STORE_PATH_MAX], path[FTX_STORE_PATH_MAX], d[100];
	char dir[1024], out[1024];

	ftx_store_tenant_dir("t", d, sizeof(d));
	ck_assert_int_eq(mkdir(exports, 0700), 0);
	snprintf(out, sizeof(out), "%s/elsewhere", root);
	ck_assert_int_eq(mkdir(out, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/%s", exports, d);
	ck_assert_int_eq(symlink(out, dir), 0);
	errno = 0;
	ck_assert_int_eq(ftx_store_open_tmp(exports, "t", "e", "tok", tmp,
	    path), -1);
	ck_assert_int_eq(errno, ENOTDIR);	/* O_NOFOLLOW|O_DIRECTORY */
	snprintf(path, sizeof(path), "%s/e.csv", dir);
	ck_assert_int_eq(ftx_store_remove(exports, path), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

static const struct {
	const char *path;
	int ok;
	const char *accel;	/* with prefix "/dl" */
} served[] = {
	{ "/srv/x/t_ab/e.csv", 1, "/dl/t_ab/e.csv" },
	{ "/srv/x/../etc/passwd", 0, NULL },
	{ "/srv/x/t/../../etc/passwd", 0, NULL },
	{ "/srv/x/t/a/b.csv", 0, NULL },
	{ "/srv/x/e.csv", 0, NULL },
	{ "/srv/xy/t/e.csv", 0, NULL },
	{ "/srv/x/t/e.csv\r\nX-Sendfile: /etc/passwd", 0, NULL },
	{ "/srv/x/t\n/e.csv", 0, NULL },
	{ "/srv/x/./e.csv", 0, NULL },
	{ "/srv/x//e.csv", 0, NULL },
	{ "/srv/x/t/..", 0, NULL },
	{ "/etc/passwd", 0, NULL },
};

START_TEST(test_served_path)
{
	struct ftx_config cfg;
	char buf[FTX_STORE_PATH_MAX];

	memset(&cfg, 0, sizeof(cfg));
	cfg.export_dir = (char *)"/srv/x/";
	cfg.sendfile_prefix = (char *)"/dl";
	cfg.sendfile = FTX_SENDFILE_XSENDFILE;
	ck_assert_int_eq(ftx_store_served_path(&cfg, served[_i].path, buf,
	    sizeof(buf)), served[_i].ok ? 0 : -1);
	if (!served[_i].ok)
		return;
	ck_assert_str_eq(buf, served[_i].path);
	cfg.sendfile = FTX_SENDFILE_ACCEL;
	ck_assert_int_eq(ftx_store_served_path(&cfg, served[_i].path, buf,
	    sizeof(buf)), 0);
	ck_assert_str_eq(buf, served[_i].accel);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("store");
	TCase *names = tcase_create("names");
	TCase *files = tcase_create("files");

	tcase_add_loop_test(names, test_tenant_dir, 0,
	    sizeof(dirs) / sizeof(dirs[0]));
	tcase_add_test(names, test_tenant_dir_known);
	tcase_add_test(names, test_long_prefixes);
	tcase_add_test(names, test_tenant_dir_refused);
	tcase_add_test(names, test_export_ids);
	tcase_add_loop_test(names, test_served_path, 0,
	    sizeof(served) / sizeof(served[0]));
	suite_add_tcase(s, names);
	tcase_add_checked_fixture(files, setup, teardown);
	tcase_add_test(files, test_open_publish);
	tcase_add_test(files, test_open_refused);
	tcase_add_test(files, test_symlink_file);
	tcase_add_test(files, test_symlink_dir);
	suite_add_tcase(s, files);
	return s;
}
