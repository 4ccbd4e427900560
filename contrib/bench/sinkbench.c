/*
 * sinkbench.c - the export sink alone: reads FILE in 256 KiB pieces (the
 * generator's flush size) and writes it through an ftx sink of KIND
 * (plain or gzip, at LEVEL) into a local store under DIR, published
 * (fsync, rename) as an export file is.  Prints the wall and CPU seconds
 * of the whole, the bytes written and their SHA-256.  Used by
 * contrib/bench/sink; not part of make check.
 *
 * usage: sinkbench plain|gzip LEVEL FILE DIR
 */
#include <sys/resource.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "sink.h"
#include "store.h"

#define PIECE	(256 * 1024)

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

int
main(int argc, char **argv)
{
	static char buf[PIECE];
	struct ftx_store_key key = { "bench", "sinkbench", "tok", NULL };
	enum ftx_sink_kind kind;
	struct ftx_store_file *f = NULL;
	struct ftx_sink *s = NULL;
	struct ftx_config cfg;
	long long size;
	char sha[65];
	double t0, c0;
	ssize_t n;
	int fd, rc = 1;

	if (argc != 5 || (strcmp(argv[1], "plain") != 0 &&
	    strcmp(argv[1], "gzip") != 0)) {
		fprintf(stderr, "usage: sinkbench plain|gzip LEVEL FILE DIR\n");
		return 2;
	}
	kind = strcmp(argv[1], "gzip") == 0 ? FTX_SINK_GZIP : FTX_SINK_PLAIN;
	key.suffix = ftx_sink_format(kind)->suffix;
	memset(&cfg, 0, sizeof(cfg));
	cfg.export_dir = argv[4];
	cfg.store = ftx_store_from_name("local");
	if ((fd = open(argv[3], O_RDONLY)) == -1) {
		perror(argv[3]);
		return 1;
	}
	t0 = now();
	c0 = cpu();
	if (ftx_store_open(&cfg, &key, &f) == -1 ||
	    (s = ftx_sink_open(kind, atoi(argv[2]), f)) == NULL)
		goto out;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (ftx_sink_write(s, buf, (size_t)n) == -1)
			goto out;
	if (n == -1 || ftx_sink_finish(s, &size, sha) == -1 ||
	    ftx_store_publish(f) == -1)
		goto out;
	printf("%.3f %.3f %lld %s %s\n", now() - t0, cpu() - c0, size, sha,
	    ftx_store_ref(f));
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "sinkbench: %s\n", strerror(errno));
	ftx_sink_free(s);
	ftx_store_close(f);
	close(fd);
	return rc;
}
