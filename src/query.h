/*
 * query.h - builds one parameterised SQL statement: SQL text written only
 * by the program, user values only as $n parameters (PQexecParams).
 */
#ifndef FTX_QUERY_H
#define FTX_QUERY_H

#include <stddef.h>

#define FTX_QUERY_SQL_MAX	32768
#define FTX_QUERY_MAX_PARAMS	256

struct ftx_query {
	char		 sql[FTX_QUERY_SQL_MAX];
	size_t		 len;
	const char	*params[FTX_QUERY_MAX_PARAMS];	/* owned copies */
	int		 nparams;
	int		 overflow;	/* set when anything did not fit */
	int		 settings;	/* placeholders read settings (COPY) */
};

/* Empties q. */
void ftx_query_init(struct ftx_query *q);

/* Empties q for a statement that cannot take parameters (COPY): each
 * placeholder is written current_setting('ftx.pN') instead of $N, and the
 * values are set beforehand, in the same transaction, by running
 * ftx_query_settings_sql() with q's parameters. */
void ftx_query_init_settings(struct ftx_query *q);

/* Writes "SELECT set_config('ftx.p1', $1, true), ..." for q's parameters
 * into buf[len] (SELECT 1 when there are none).  0, or -1 if it does not
 * fit. */
int ftx_query_settings_sql(const struct ftx_query *q, char *buf, size_t len);

/* Frees the parameter copies and empties q.  q may be NULL. */
void ftx_query_free(struct ftx_query *q);

/* Appends program-written SQL text (never user input). */
void ftx_query_sql(struct ftx_query *q, const char *text);

/* Adds value (copied; NULL = SQL NULL) as the next parameter and appends
 * its placeholder "$n" followed by cast (e.g. "::timestamptz", or "").
 * Returns n, or -1 on overflow / out of memory (q->overflow set). */
int ftx_query_param(struct ftx_query *q, const char *value, const char *cast);

/* Adds value (copied; NULL = SQL NULL) as the next parameter without
 * writing its placeholder: ftx_query_ref() writes it later.  Returns n, or
 * -1 on overflow / out of memory (q->overflow set). */
int ftx_query_add(struct ftx_query *q, const char *value);

/* Appends "$n" for an already added parameter n (to use it twice). */
void ftx_query_ref(struct ftx_query *q, int n, const char *cast);

/* Builds a PostgreSQL array literal ("{\"a\",\"b\\\\\"}") from n strings,
 * quoting every element, for use as one text[] parameter.  Returns a
 * malloc'd string or NULL. */
char *ftx_query_text_array(const char *const *values, size_t n);

#endif /* FTX_QUERY_H */
