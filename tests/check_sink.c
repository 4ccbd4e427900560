/*
 * check_sink.c - the output sink over a local store file: the format
 * table; plain and gzip size and SHA-256 of the bytes written; gzip that
 * zlib (an independent decoder) inflates back to exactly the input (empty, one byte, a few MiB of
 * CSV rows in odd-sized pieces); the level honoured; a write error
 * reported, never a truncated success.
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

#include <gcrypt.h>
#include <zlib.h>

#include "check_main.h"
#include "config.h"
#include "hex.h"
#include "sink.h"
#include "store.h"

static char root[256];		/* a fresh directory per test */
static struct ftx_config cfg;	/* the local store in root */

static void
setup(void)
{
	ftx_test_tmpdir(root, sizeof(root), "check_sink");
	memset(&cfg, 0, sizeof(cfg));
	cfg.export_dir = root;
	cfg.store = ftx_store_from_name("local");
}

static void
teardown(void)
{
	ftx_test_rmtree(root);
}

/* What one run through a sink gave. */
struct result {
	long long	 size;		/* as the sink counted */
	char		 sha256[65];
	unsigned char	*file;		/* the published file, malloc'd */
	size_t		 len;
};

static void
hex_sha256(const void *buf, size_t len, char *out)
{
	unsigned char md[32];

	gcry_md_hash_buffer(GCRY_MD_SHA256, md, buf, len);
	ftx_hex_encode(md, sizeof(md), out);
}

static void
read_file(const char *path, struct result *r)
{
	struct stat st;
	ssize_t n;
	int fd;

	ck_assert_int_ne(fd = open(path, O_RDONLY), -1);
	ck_assert_int_eq(fstat(fd, &st), 0);
	r->len = (size_t)st.st_size;
	ck_assert_ptr_nonnull(r->file = malloc(r->len + 1));
	ck_assert_int_eq(n = read(fd, r->file, r->len), (ssize_t)r->len);
	close(fd);
}

/* Writes in[len] through a sink of kind at level in pieces cycling through
 * sizes (odd ones), publishes, and reads the file back into *r. */
static void
run(enum ftx_sink_kind kind, int level, const char *in, size_t len,
    struct result *r)
{
	static const size_t pieces[] = { 1, 7, 4093, 65537, 13, 300001, 2 };
	struct ftx_store_key key = { "tenant", "e1", "tok",
	    ftx_sink_format(kind)->suffix };
	struct ftx_store_file *f;
	struct ftx_sink *s;
	size_t off = 0, n, i = 0;

	memset(r, 0, sizeof(*r));
	ck_assert_int_eq(ftx_store_open(&cfg, &key, &f), 0);
	ck_assert_ptr_nonnull(s = ftx_sink_open(kind, level, f));
	ck_assert_int_eq(ftx_sink_write(s, in, 0), 0);
	while (off < len) {
		n = pieces[i++ % (sizeof(pieces) / sizeof(pieces[0]))];
		if (n > len - off)
			n = len - off;
		ck_assert_int_eq(ftx_sink_write(s, in + off, n), 0);
		off += n;
	}
	ck_assert_int_eq(ftx_sink_finish(s, &r->size, r->sha256), 0);
	ftx_sink_free(s);
	ck_assert_int_eq(ftx_store_publish(f), 0);
	read_file(ftx_store_ref(f), r);
	ck_assert_int_eq(ftx_store_remove(&cfg, ftx_store_ref(f)), 0);
	ftx_store_close(f);
}

/* The size and hash the sink gave are the file's. */
static void
assert_counted(const struct result *r)
{
	char want[65];

	ck_assert_int_eq(r->size, (long long)r->len);
	hex_sha256(r->file, r->len, want);
	ck_assert_str_eq(r->sha256, want);
}

/* Inflates the gzip file of r (one or more members, nothing after
 * them) and compares it with in[len]. */
static void
assert_gunzips_to(const struct result *r, const char *in, size_t len)
{
	unsigned char *out;
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	ck_assert_int_eq(inflateInit2(&zs, 31), Z_OK);	/* gzip only */
	ck_assert_ptr_nonnull(out = malloc(len + 1));
	zs.next_in = r->file;
	zs.avail_in = (uInt)r->len;
	zs.next_out = out;
	zs.avail_out = (uInt)len + 1;
	/* Members one after the other, as gunzip reads them. */
	for (;;) {
		ck_assert_int_eq(inflate(&zs, Z_NO_FLUSH), Z_STREAM_END);
		if (zs.avail_in == 0)
			break;
		ck_assert_int_eq(inflateReset(&zs), Z_OK);
	}
	ck_assert_uint_eq((size_t)(zs.next_out - out), len);
	ck_assert(len == 0 || memcmp(out, in, len) == 0);
	inflateEnd(&zs);
	free(out);
}

/* nrows CSV-like rows (about 110 bytes each), malloc'd; length in *len. */
static char *
csv_rows(size_t nrows, size_t *len)
{
	size_t cap = nrows * 160 + 200, off = 0, i;
	char *buf = malloc(cap);

	ck_assert_ptr_nonnull(buf);
	off += (size_t)snprintf(buf, cap, "transferId;createdAt;status;amount;"
	    "currency;sourceBalanceAccountType;targetBalanceAccountType;"
	    "supplierExternalId;supplierName;reference;relatedEntityType;"
	    "relatedEntityId;failureReason\n");
	for (i = 0; i < nrows; i++)
		off += (size_t)snprintf(buf + off, cap - off,
		    "tr_%08zu;2024-%02zu-%02zuT%02zu:%02zu:00Z;%s;%zu.%02zu;EUR;"
		    "MARKETPLACE;SUPPLIER;sup-%zu;Supplier %zu;ref %zu;PAYOUT;"
		    "po_%zu;\n", i, i % 12 + 1, i % 28 + 1, i % 24, i % 60,
		    i % 7 == 0 ? "FAILED" : "SUCCEEDED", (i * 7919) % 100000,
		    i % 100, i % 97, i % 97, i * 31, i / 3);
	*len = off;
	return buf;
}

START_TEST(test_formats)
{
	const struct ftx_sink_format *p = ftx_sink_format(FTX_SINK_PLAIN);
	const struct ftx_sink_format *g = ftx_sink_format(FTX_SINK_GZIP);

	ck_assert_int_eq(p->kind, FTX_SINK_PLAIN);
	ck_assert_ptr_null(p->compression);
	ck_assert_str_eq(p->suffix, ".csv");
	ck_assert_str_eq(p->content_type, "text/csv; charset=utf-8");
	ck_assert_int_eq(g->kind, FTX_SINK_GZIP);
	ck_assert_str_eq(g->compression, "gzip");
	ck_assert_str_eq(g->suffix, ".csv.gz");
	ck_assert_str_eq(g->content_type, "application/gzip");
	ck_assert_ptr_eq(ftx_sink_format_by_name(NULL), p);
	ck_assert_ptr_eq(ftx_sink_format_by_name("gzip"), g);
	ck_assert_ptr_null(ftx_sink_format_by_name("zstd"));
	ck_assert_ptr_null(ftx_sink_format_by_name(""));
}
END_TEST

START_TEST(test_bad_level)
{
	errno = 0;
	ck_assert_ptr_null(ftx_sink_open(FTX_SINK_GZIP, 0, NULL));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_null(ftx_sink_open(FTX_SINK_GZIP, 10, NULL));
	ftx_sink_free(NULL);
}
END_TEST

START_TEST(test_plain)
{
	struct result r;
	size_t len;
	char *in = csv_rows(20000, &len);

	run(FTX_SINK_PLAIN, 6, in, len, &r);
	ck_assert_uint_eq(r.len, len);
	ck_assert(memcmp(r.file, in, len) == 0);
	assert_counted(&r);
	free(r.file);
	run(FTX_SINK_PLAIN, 6, "", 0, &r);
	ck_assert_uint_eq(r.len, 0);
	assert_counted(&r);
	ck_assert_str_eq(r.sha256, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	free(r.file);
	free(in);
}
END_TEST

static const struct {
	const char	*name;
	size_t		 rows;	/* CSV rows, or... */
	const char	*bytes;	/* ...these bytes when rows is 0 */
} gz_inputs[] = {
	{ "empty", 0, "" },
	{ "one byte", 0, "x" },
	{ "header and a row", 1, NULL },
	{ "a few MiB", 40000, NULL },
};

START_TEST(test_gzip_roundtrip)
{
	struct result r;
	size_t len;
	char *in;

	if (gz_inputs[_i].bytes != NULL) {
		in = strdup(gz_inputs[_i].bytes);
		len = strlen(in);
	} else
		in = csv_rows(gz_inputs[_i].rows, &len);
	run(FTX_SINK_GZIP, 6, in, len, &r);
	ck_assert_msg(r.len >= 20, "%s: %zu bytes", gz_inputs[_i].name,
	    r.len);	/* header and trailer at least */
	ck_assert(r.file[0] == 0x1f && r.file[1] == 0x8b && r.file[2] == 8);
	assert_counted(&r);
	assert_gunzips_to(&r, in, len);
	if (len > 1000000)
		ck_assert_msg(r.len < len / 4, "%zu of %zu", r.len, len);
	free(r.file);
	free(in);
}
END_TEST

/* Levels 1 and 9 give different files (XFL says which: RFC 1952 2.3.1),
 * both gunzip to the input, 9 the smaller. */
START_TEST(test_gzip_level)
{
	struct result fast, best, dflt;
	size_t len;
	char *in = csv_rows(30000, &len);

	run(FTX_SINK_GZIP, 1, in, len, &fast);
	run(FTX_SINK_GZIP, 9, in, len, &best);
	run(FTX_SINK_GZIP, 6, in, len, &dflt);
	assert_gunzips_to(&fast, in, len);
	assert_gunzips_to(&best, in, len);
	ck_assert_int_eq(fast.file[8], 4);	/* fastest */
	ck_assert_int_eq(best.file[8], 2);	/* maximum compression */
	ck_assert_int_eq(dflt.file[8], 0);
	ck_assert_msg(best.len < fast.len, "9: %zu, 1: %zu", best.len,
	    fast.len);
	free(fast.file);
	free(best.file);
	free(dflt.file);
	free(in);
}
END_TEST

/* The file system refuses a write (RLIMIT_FSIZE: EFBIG, as a full disk
 * gives ENOSPC): the error comes out of write or finish, never a success,
 * and the sink refuses to go on. */
START_TEST(test_write_error)
{
	struct ftx_store_key key = { "tenant", "e1", "tok",
	    ftx_sink_format((enum ftx_sink_kind)_i)->suffix };
	struct rlimit rl = { 16384, 16384 };
	struct ftx_store_file *f;
	struct ftx_sink *s;
	long long size = -1;
	char sha[65], *in;
	size_t len, off;
	int failed = 0;

	signal(SIGXFSZ, SIG_IGN);
	in = csv_rows(20000, &len);
	ck_assert_int_eq(ftx_store_open(&cfg, &key, &f), 0);
	ck_assert_ptr_nonnull(s = ftx_sink_open((enum ftx_sink_kind)_i, 1, f));
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	for (off = 0; off < len && !failed; off += 1000) {
		errno = 0;
		if (ftx_sink_write(s, in + off, len - off < 1000 ? len - off :
		    1000) == -1) {
			ck_assert_int_eq(errno, EFBIG);
			failed = 1;
		}
	}
	if (failed)
		ck_assert_int_eq(ftx_sink_write(s, "x", 1), -1);
	errno = 0;
	ck_assert_int_eq(ftx_sink_finish(s, &size, sha), -1);
	ck_assert_int_eq(size, -1);
	ck_assert(failed || errno == EFBIG);
	ftx_sink_free(s);
	ftx_store_close(f);
	free(in);
}
END_TEST

Suite *
ftx_test_suite(void)
{
	Suite *s = suite_create("sink");
	TCase *formats = tcase_create("formats");
	TCase *files = tcase_create("files");

	tcase_add_test(formats, test_formats);
	tcase_add_test(formats, test_bad_level);
	suite_add_tcase(s, formats);
	tcase_add_checked_fixture(files, setup, teardown);
	tcase_set_timeout(files, 60);
	tcase_add_test(files, test_plain);
	tcase_add_loop_test(files, test_gzip_roundtrip, 0,
	    sizeof(gz_inputs) / sizeof(gz_inputs[0]));
	tcase_add_test(files, test_gzip_level);
	tcase_add_loop_test(files, test_write_error, FTX_SINK_PLAIN,
	    FTX_SINK_GZIP + 1);
	suite_add_tcase(s, files);
	return s;
}
