/*
 * smtptrace.h - what an SMTP server answered to each command of one
 * transaction, read from libcurl's debug stream (CURLOPT_DEBUGFUNCTION:
 * CURLINFO_HEADER_OUT lines are our commands, CURLINFO_HEADER_IN lines the
 * server's replies).  libcurl does not pipeline SMTP: every reply answers
 * the last command sent, and RCPT TO commands go out in list order, so the
 * n-th RCPT reply is the verdict on the n-th recipient.
 *
 * Command lines are never kept (AUTH sends credentials that way); reply
 * texts are kept as printable ASCII only, one line, at most
 * FTX_SMTPTRACE_TEXT_MAX - 1 bytes.
 */
#ifndef FTX_SMTPTRACE_H
#define FTX_SMTPTRACE_H

#include <stddef.h>

#define FTX_SMTPTRACE_TEXT_MAX	160

/* The steps of the transaction besides the recipients. */
enum ftx_smtp_step {
	FTX_SMTP_MAIL,		/* MAIL FROM */
	FTX_SMTP_DATA,		/* DATA (354 to go on) */
	FTX_SMTP_EOM,		/* the end of the message: accepted or not */
	FTX_SMTP_NSTEPS
};

struct ftx_smtptrace;

/* A trace for a transaction with nrcpt recipients (>= 0).  NULL when out
 * of memory. */
struct ftx_smtptrace *ftx_smtptrace_new(int nrcpt);

/* Frees t; NULL is fine. */
void ftx_smtptrace_free(struct ftx_smtptrace *t);

/* Feeds n bytes of the stream: out = 1 for what we sent (HEADER_OUT),
 * 0 for what the server sent (HEADER_IN).  Lines may arrive in pieces. */
void ftx_smtptrace_feed(struct ftx_smtptrace *t, int out, const char *p,
    size_t n);

/* The reply code to the RCPT TO of recipient i (0 when none came), with
 * the first line of its text ("550 5.1.1 no such user") in *text when
 * text is not NULL ("" when none). */
int ftx_smtptrace_rcpt(const struct ftx_smtptrace *t, int i,
    const char **text);

/* The same for a step of the transaction. */
int ftx_smtptrace_step(const struct ftx_smtptrace *t, enum ftx_smtp_step step,
    const char **text);

#endif /* FTX_SMTPTRACE_H */
