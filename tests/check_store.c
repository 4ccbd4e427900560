/*
 * check_store.c - the store and its local backend: safe tenant
 * directories, export ids, temporary files that never follow a link,
 * atomic publication, references that stay in export_dir.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "config.h"
#include "store.h"
#include "store_backend.h"

static char root[256];		/* a fresh directory per test */
static char exports[300];	/* root/exports: the export_dir */
static struct ftx_config cfg;	/* the local store over exports */

static void
setup(void)
{
	ftx_test_tmpdir(root, sizeof(root), "check_store");
	snprintf(exports, sizeof(exports), "%s/exports", root);
	memset(&cfg, 0, sizeof(cfg));
	cfg.export_dir = exports;
	cfg.store = ftx_store_from_name("local");
}

static void
teardown(void)
{
	ftx_test_rmtree(root);
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

	ck_assert_int_eq(ftx_store_local_tenant_dir(dirs[_i].tenant, d, sizeof(d)),
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
	ck_assert_int_eq(ftx_store_local_tenant_dir("acme", d, sizeof(d)), 0);
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
	ck_assert_int_eq(ftx_store_local_tenant_dir(a, da, sizeof(da)), 0);
	ck_assert_int_eq(ftx_store_local_tenant_dir(b, db, sizeof(db)), 0);
	ck_assert_str_ne(da, db);
	ck_assert_uint_eq(strlen(da), FTX_STORE_DIR_LEN);
}
END_TEST

START_TEST(test_tenant_dir_refused)
{
	char d[FTX_STORE_DIR_LEN + 1];

	ck_assert_int_eq(ftx_store_local_tenant_dir("", d, sizeof(d)), -1);
	ck_assert_int_eq(ftx_store_local_tenant_dir(NULL, d, sizeof(d)), -1);
	ck_assert_int_eq(ftx_store_local_tenant_dir("a", d, sizeof(d) - 1), -1);
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

START_TEST(test_backend_names)
{
	ck_assert_int_eq(ftx_store_from_name("local"), 0);
	ck_assert_int_eq(ftx_store_from_name("s3"), -1);
	ck_assert_int_eq(ftx_store_from_name(""), -1);
}
END_TEST

/* Opens export id of tenant with token and suffix into *f. */
static int
open_file(const char *tenant, const char *id, const char *token,
    const char *suffix, struct ftx_store_file **f)
{
	struct ftx_store_key key = { tenant, id, token, suffix };

	return ftx_store_open(&cfg, &key, f);
}

/* The whole content of path into buf[len] (NUL-terminated); its length,
 * or -1. */
static ssize_t
slurp(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* The whole cycle, for a tenant id that tries to climb out. */
START_TEST(test_open_publish)
{
	const char *tenant = "../../etc\r\nX-Evil: 1";
	char tmp[FTX_STORE_REF_MAX], want[FTX_STORE_REF_MAX], d[100];
	char buf[64];
	struct ftx_store_file *f;
	struct stat st;
	int fd;

	ck_assert_int_eq(open_file(tenant, "exp-1", "abc123", ".csv", &f), 0);
	ck_assert_int_eq(ftx_store_write(f, "x\n", 2), 0);
	ck_assert_int_eq(ftx_store_write(f, "", 0), 0);
	ck_assert_int_eq(ftx_store_write(f, "yz\n", 3), 0);
	ftx_store_local_tenant_dir(tenant, d, sizeof(d));
	snprintf(want, sizeof(want), "%s/%s/exp-1.csv", exports, d);
	ck_assert_str_eq(ftx_store_ref(f), want);
	snprintf(tmp, sizeof(tmp), "%s/%s/.exp-1.csv.abc123.tmp", exports, d);
	ck_assert_int_eq(stat(tmp, &st), 0);
	ck_assert_int_eq(stat(want, &st), -1);	/* not visible yet */
	ck_assert_int_eq(ftx_store_publish(f), 0);
	ck_assert_int_eq(ftx_store_publish(f), -1);	/* once */
	ck_assert_int_eq(stat(tmp, &st), -1);
	ck_assert_int_eq(slurp(want, buf, sizeof(buf)), 5);
	ck_assert_str_eq(buf, "x\nyz\n");
	ck_assert_int_eq(ftx_store_write(f, "more", 4), -1);
	ck_assert_int_eq(errno, EBADF);
	ftx_store_close(f);		/* published: stays */
	ck_assert_int_eq(stat(want, &st), 0);
	ck_assert_int_ne(fd = ftx_store_open_read(&cfg, want), -1);
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), 5);
	close(fd);
	ck_assert_int_eq(ftx_store_remove(&cfg, want), 0);
	ck_assert_int_eq(stat(want, &st), -1);
	ck_assert_int_eq(ftx_store_open_read(&cfg, want), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(ftx_store_remove(&cfg, "/etc/passwd"), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(ftx_store_open_read(&cfg, "/etc/passwd"), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* The suffix names the file; a retry in another format still sweeps the
 * temporary files an earlier attempt left. */
START_TEST(test_gzip_suffix_and_stale)
{
	char stale[FTX_STORE_REF_MAX], other[FTX_STORE_REF_MAX], d[100];
	const char *ref;
	struct ftx_store_file *f;
	struct stat st;
	size_t n;

	/* What a worker killed -9 leaves: its temporary file. */
	ftx_store_local_tenant_dir("t", d, sizeof(d));
	ck_assert_int_eq(mkdir(exports, 0700), 0);
	snprintf(stale, sizeof(stale), "%s/%s", exports, d);
	ck_assert_int_eq(mkdir(stale, 0700), 0);
	snprintf(stale, sizeof(stale), "%s/%s/.e.csv.old.tmp", exports, d);
	snprintf(other, sizeof(other), "%s/%s/.e2.csv.old.tmp", exports, d);
	ck_assert_int_eq(close(open(stale, O_WRONLY | O_CREAT, 0600)), 0);
	ck_assert_int_eq(close(open(other, O_WRONLY | O_CREAT, 0600)), 0);
	ck_assert_int_eq(open_file("t", "e", "new", ".csv.gz", &f), 0);
	ck_assert_int_eq(stat(stale, &st), -1);	/* swept */
	ck_assert_int_eq(stat(other, &st), 0);	/* another export's */
	ref = ftx_store_ref(f);
	n = strlen(ref);
	ck_assert(n > 10 && strcmp(ref + n - 9, "/e.csv.gz") == 0);
	ck_assert_int_eq(ftx_store_publish(f), 0);
	ck_assert_int_eq(stat(ref, &st), 0);
	ftx_store_close(f);
}
END_TEST

/* Closed unpublished (failure, lost claim): the temporary file goes. */
START_TEST(test_close_unpublished)
{
	char tmp[FTX_STORE_REF_MAX], path[FTX_STORE_REF_MAX], d[100];
	struct ftx_store_file *f;
	struct stat st;

	ck_assert_int_eq(open_file("t", "e", "tok", ".csv", &f), 0);
	ck_assert_int_eq(ftx_store_write(f, "abc", 3), 0);
	ck_assert_int_eq(ftx_store_sync(f), 0);
	ck_assert_int_eq(ftx_store_sync(f), 0);
	ftx_store_local_tenant_dir("t", d, sizeof(d));
	snprintf(tmp, sizeof(tmp), "%s/%s/.e.csv.tok.tmp", exports, d);
	snprintf(path, sizeof(path), "%s", ftx_store_ref(f));
	ck_assert_int_eq(stat(tmp, &st), 0);
	ck_assert_int_eq(st.st_size, 3);
	ftx_store_close(f);
	ck_assert_int_eq(stat(tmp, &st), -1);
	ck_assert_int_eq(stat(path, &st), -1);
	ftx_store_close(NULL);
}
END_TEST

/* A write the file system refuses (here: past RLIMIT_FSIZE) is an error,
 * and nothing is published. */
START_TEST(test_write_error)
{
	struct rlimit rl = { 4096, 4096 };
	static char big[8192];
	struct ftx_store_file *f;
	struct stat st;
	char path[FTX_STORE_REF_MAX];

	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(open_file("t", "e", "tok", ".csv", &f), 0);
	snprintf(path, sizeof(path), "%s", ftx_store_ref(f));
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	errno = 0;
	ck_assert_int_eq(ftx_store_write(f, big, sizeof(big)), -1);
	ck_assert_int_eq(errno, EFBIG);
	ftx_store_close(f);
	ck_assert_int_eq(stat(path, &st), -1);
}
END_TEST

START_TEST(test_open_refused)
{
	static const char *const ids[] = { "..", "../x", "a/b", "a\nb", "",
	    "a.csv" };
	static const char *const suffixes[] = { "csv", "./x", ".csv/..",
	    ".c v", "" };
	struct ftx_store_file *f;
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		errno = 0;
		ck_assert_int_eq(open_file("t", ids[i], "tok", ".csv", &f), -1);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_ptr_null(f);
	}
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		errno = 0;
		ck_assert_int_eq(open_file("t", "x", "tok", suffixes[i], &f),
		    -1);
		ck_assert_int_eq(errno, EINVAL);
	}
	ck_assert_int_eq(open_file("t", "x", "tok", NULL, &f), -1);
	ck_assert_int_eq(open_file("t", "x", "../t", ".csv", &f), -1);
	ck_assert_int_eq(open_file("", "x", "t", ".csv", &f), -1);
	ck_assert_int_eq(open_file(NULL, "x", "t", ".csv", &f), -1);
}
END_TEST

/* A link planted where the temporary file goes is never written through:
 * the sweep of stale files removes it, and O_EXCL|O_NOFOLLOW would refuse
 * one planted after the sweep (shown with a directory, which the sweep
 * cannot remove). */
START_TEST(test_symlink_file)
{
	char d[100], dir[1024], link[FTX_STORE_REF_MAX];
	char target[FTX_STORE_REF_MAX];
	struct ftx_store_file *f;
	struct stat st;

	ftx_store_local_tenant_dir("t", d, sizeof(d));
	ck_assert_int_eq(mkdir(exports, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/%s", exports, d);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	snprintf(target, sizeof(target), "%s/target", root);
	snprintf(link, sizeof(link), "%s/.e.csv.tok.tmp", dir);
	ck_assert_int_eq(symlink(target, link), 0);
	ck_assert_int_eq(open_file("t", "e", "tok", ".csv", &f), 0);
	ck_assert_int_eq(ftx_store_write(f, "x", 1), 0);
	ck_assert_int_eq(stat(target, &st), -1);	/* never created */
	ck_assert_int_eq(lstat(link, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ftx_store_close(f);
	snprintf(link, sizeof(link), "%s/.f.csv.tok.tmp", dir);
	ck_assert_int_eq(mkdir(link, 0700), 0);
	errno = 0;
	ck_assert_int_eq(open_file("t", "f", "tok", ".csv", &f), -1);
	ck_assert_int_eq(errno, EEXIST);
}
END_TEST

/* A tenant directory that is a link out of export_dir is refused. */
START_TEST(test_symlink_dir)
{
	char path[FTX_STORE_REF_MAX], d[100], dir[1024], out[1024];
	struct ftx_store_file *f;

	ftx_store_local_tenant_dir("t", d, sizeof(d));
	ck_assert_int_eq(mkdir(exports, 0700), 0);
	snprintf(out, sizeof(out), "%s/elsewhere", root);
	ck_assert_int_eq(mkdir(out, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/%s", exports, d);
	ck_assert_int_eq(symlink(out, dir), 0);
	errno = 0;
	ck_assert_int_eq(open_file("t", "e", "tok", ".csv", &f), -1);
	ck_assert_int_eq(errno, ENOTDIR);	/* O_NOFOLLOW|O_DIRECTORY */
	snprintf(path, sizeof(path), "%s/e.csv", dir);
	ck_assert_int_eq(ftx_store_remove(&cfg, path), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(ftx_store_open_read(&cfg, path), -1);
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
	char buf[FTX_STORE_REF_MAX];

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
	tcase_add_test(names, test_backend_names);
	tcase_add_loop_test(names, test_served_path, 0,
	    sizeof(served) / sizeof(served[0]));
	suite_add_tcase(s, names);
	tcase_add_checked_fixture(files, setup, teardown);
	tcase_add_test(files, test_open_publish);
	tcase_add_test(files, test_gzip_suffix_and_stale);
	tcase_add_test(files, test_close_unpublished);
	tcase_add_test(files, test_write_error);
	tcase_add_test(files, test_open_refused);
	tcase_add_test(files, test_symlink_file);
	tcase_add_test(files, test_symlink_dir);
	suite_add_tcase(s, files);
	return s;
}
