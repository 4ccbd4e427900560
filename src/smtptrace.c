/*
 * smtptrace.c - SMTP replies per command, from libcurl's debug stream.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtptrace.h"

#define LINE_MAX_KEPT	512	/* of a line, the rest is skipped */

struct reply {
	int	code;
	char	text[FTX_SMTPTRACE_TEXT_MAX];
};

enum cmd { CMD_OTHER, CMD_MAIL, CMD_RCPT, CMD_DATA, CMD_EOM };

struct ftx_smtptrace {
	struct reply	 step[FTX_SMTP_NSTEPS];
	struct reply	*rcpt;
	int		 nrcpt;
	int		 rcpt_sent;	/* RCPT TO commands seen */
	enum cmd	 cmd;		/* what the next reply answers */
	char		 first[FTX_SMTPTRACE_TEXT_MAX]; /* of a multi-line reply */
	char		 line[2][LINE_MAX_KEPT];	/* partial, per direction */
	size_t		 len[2];
};

struct ftx_smtptrace *
ftx_smtptrace_new(int nrcpt)
{
	struct ftx_smtptrace *t;

	if (nrcpt < 0 || (t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if (nrcpt > 0 && (t->rcpt = calloc((size_t)nrcpt,
	    sizeof(*t->rcpt))) == NULL) {
		free(t);
		return NULL;
	}
	t->nrcpt = nrcpt;
	return t;
}

void
ftx_smtptrace_free(struct ftx_smtptrace *t)
{
	if (t == NULL)
		return;
	free(t->rcpt);
	free(t);
}

/* Printable ASCII of s[n] into dst[FTX_SMTPTRACE_TEXT_MAX], trimmed. */
static void
clean_text(char *dst, const char *s, size_t n)
{
	size_t o = 0, i;

	for (i = 0; i < n && o + 1 < FTX_SMTPTRACE_TEXT_MAX; i++)
		if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f)
			dst[o++] = s[i];
	while (o > 0 && dst[o - 1] == ' ')
		o--;
	dst[o] = '\0';
}

/* One of our command lines: which reply comes next. */
static void
sent_line(struct ftx_smtptrace *t, const char *s)
{
	if (strncasecmp(s, "MAIL FROM:", 10) == 0)
		t->cmd = CMD_MAIL;
	else if (strncasecmp(s, "RCPT TO:", 8) == 0) {
		t->cmd = CMD_RCPT;
		t->rcpt_sent++;
	} else if (strncasecmp(s, "DATA", 4) == 0 && (s[4] == '\r' ||
	    s[4] == '\n' || s[4] == '\0'))
		t->cmd = CMD_DATA;
	else
		t->cmd = CMD_OTHER;
}

static void
store(struct reply *r, int code, const char *text)
{
	r->code = code;
	memcpy(r->text, text, sizeof(r->text));
}

/* One reply line: "NNN-text" goes on, "NNN text" (or "NNN") ends it. */
static void
received_line(struct ftx_smtptrace *t, const char *s, size_t n)
{
	int code;

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	if (n < 3 || s[0] < '2' || s[0] > '5' || s[1] < '0' || s[1] > '9' ||
	    s[2] < '0' || s[2] > '9' || (n > 3 && s[3] != ' ' && s[3] != '-'))
		return;
	if (t->first[0] == '\0')
		clean_text(t->first, s, n);
	if (n > 3 && s[3] == '-')
		return;
	code = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	switch (t->cmd) {
	case CMD_MAIL:
		store(&t->step[FTX_SMTP_MAIL], code, t->first);
		break;
	case CMD_RCPT:
		if (t->rcpt_sent >= 1 && t->rcpt_sent <= t->nrcpt)
			store(&t->rcpt[t->rcpt_sent - 1], code, t->first);
		break;
	case CMD_DATA:
		store(&t->step[FTX_SMTP_DATA], code, t->first);
		break;
	case CMD_EOM:
		store(&t->step[FTX_SMTP_EOM], code, t->first);
		break;
	case CMD_OTHER:
		break;
	}
	/* After "354" the message goes out as data, not as a command line:
	 * the next reply is the verdict on the message. */
	t->cmd = t->cmd == CMD_DATA && code == 354 ? CMD_EOM : CMD_OTHER;
	t->first[0] = '\0';
}

void
ftx_smtptrace_feed(struct ftx_smtptrace *t, int out, const char *p, size_t n)
{
	const char *nl;
	size_t k, room;
	int d = out ? 1 : 0;

	if (t == NULL)
		return;
	while (n > 0) {
		nl = memchr(p, '\n', n);
		k = nl != NULL ? (size_t)(nl - p) + 1 : n;
		room = sizeof(t->line[d]) - 1 - t->len[d];
		memcpy(t->line[d] + t->len[d], p, k < room ? k : room);
		t->len[d] += k < room ? k : room;
		if (nl != NULL) {
			t->line[d][t->len[d]] = '\0';
			if (out)
				sent_line(t, t->line[d]);
			else
				received_line(t, t->line[d], t->len[d]);
			t->len[d] = 0;
		}
		p += k;
		n -= k;
	}
}

int
ftx_smtptrace_rcpt(const struct ftx_smtptrace *t, int i, const char **text)
{
	if (t == NULL || i < 0 || i >= t->nrcpt) {
		if (text != NULL)
			*text = "";
		return 0;
	}
	if (text != NULL)
		*text = t->rcpt[i].text;
	return t->rcpt[i].code;
}

int
ftx_smtptrace_step(const struct ftx_smtptrace *t, enum ftx_smtp_step step,
    const char **text)
{
	if (t == NULL || step < 0 || step >= FTX_SMTP_NSTEPS) {
		if (text != NULL)
			*text = "";
		return 0;
	}
	if (text != NULL)
		*text = t->step[step].text;
	return t->step[step].code;
}
