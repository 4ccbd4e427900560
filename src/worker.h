/*
 * worker.h - one export worker of ftx-exportd: claims exports, generates
 * their files, e-mails the links, marks them READY (or retries, or FAILED),
 * and expires old links.  Several workers in several daemons on several
 * hosts share one queue.
 */
#ifndef FTX_WORKER_H
#define FTX_WORKER_H

#include "config.h"

/* Runs until ftx_pool_stopping(): an export in progress is then abandoned
 * and its claim given back, so a stop takes at most a few seconds. */
void ftx_worker_run(const struct ftx_config *cfg);

#endif /* FTX_WORKER_H */
