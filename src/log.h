/*
 * log.h - logging to syslog, or to stderr in the foreground (-f).
 *
 * Levels are syslog priorities.  Messages are one line; callers never pass
 * secrets (API keys, passwords, signatures): use ftx_log_redact_conninfo()
 * for connection strings.
 */
#ifndef FTX_LOG_H
#define FTX_LOG_H

#include <stddef.h>
#include <syslog.h>

/* Opens the log.  ident is the program name (kept by pointer: must outlive
 * the log); to_stderr selects stderr instead of syslog; level is the most
 * verbose priority written (LOG_ERR .. LOG_DEBUG); facility a LOG_* facility.
 * May be called again to change any of them (reload). */
void ftx_log_open(const char *ident, int to_stderr, int level, int facility);
void ftx_log_set_level(int level);
void ftx_log_close(void);

/* Writes one message at priority level if it is enabled. */
void ftx_log(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Like ftx_log(LOG_ERR, ...) with ": strerror(errno)" appended. */
void ftx_log_errno(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#define log_err(...)	ftx_log(LOG_ERR, __VA_ARGS__)
#define log_warning(...) ftx_log(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	ftx_log(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	ftx_log(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	ftx_log(LOG_DEBUG, __VA_ARGS__)

/* Level and facility names as written in ftx.conf ("error", "warning",
 * "notice", "info", "debug"; "daemon", "user", "local0".."local7").
 * Return the syslog value, or -1 for an unknown name. */
int ftx_log_level_from_name(const char *name);
int ftx_log_facility_from_name(const char *name);

/* Copies conninfo into buf with the value of any password keyword (key=value
 * form, or the password part of a postgresql:// URI) replaced by "***".
 * Always NUL-terminates (truncating); returns buf. */
char *ftx_log_redact_conninfo(const char *conninfo, char *buf, size_t len);

#endif /* FTX_LOG_H */
