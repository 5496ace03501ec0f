/* send-mime.c - --attach, --attach-type, --html-file, --inline: the files
 * read and the message built as MIME (mime.c); with a second, 8bit variant
 * when a text part is not ASCII (sent only to a server that offers
 * 8BITMIME; the client picks). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "exitcodes.h"
#include "mime.h"
#include "msg.h"
#include "send-int.h"

#define FILE_MAX (64u << 20)            /* one file: 64 MiB */

struct loaded {
	struct mime_file att[SEND_MAX_FILES], inl[SEND_MAX_FILES];
	char types[2 * SEND_MAX_FILES][96];
	char *html;
	size_t html_len;
};

static int load_one(const char *opt, const char *path, char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return st_fail(EX_USAGE_, "%s %s: %s", opt, path, strerror(errno));
	*data = send_read_all(f, len);
	int e = errno;
	fclose(f);
	if (!*data)
		return st_fail(EX_USAGE_, "%s %s: %s", opt, path, strerror(e));
	if (*len > FILE_MAX) {
		free(*data);
		*data = NULL;
		return st_fail(EX_USAGE_, "%s %s: larger than %u MiB", opt, path, FILE_MAX >> 20);
	}
	return 0;
}

/* One --attach or --inline file: read, named by its base name, typed. */
static int load_file(const char *opt, const char *path, const char *type,
                     struct mime_file *m, char *tbuf, size_t tlen)
{
	char *data = NULL;
	size_t len = 0;
	int rc = load_one(opt, path, &data, &len);
	if (rc)
		return rc;
	const char *slash = strrchr(path, '/');
	m->name = slash ? slash + 1 : path;
	m->data = (const unsigned char *)data;
	m->len = len;
	m->type = type ? type : mime_guess_type(m->data, len, tbuf, tlen);
	return 0;
}

static int load_all(const struct send_args *a, struct loaded *l)
{
	int rc = 0;
	for (int i = 0; !rc && i < a->nattach; i++)
		rc = load_file("--attach", a->attach[i], a->attach_type[i], &l->att[i],
		               l->types[i], sizeof l->types[i]);
	for (int i = 0; !rc && i < a->ninl; i++)
		rc = load_file("--inline", a->inl[i], NULL, &l->inl[i],
		               l->types[SEND_MAX_FILES + i], sizeof l->types[0]);
	if (!rc && a->html_file)
		rc = load_one("--html-file", a->html_file, &l->html, &l->html_len);
	return rc;
}

static void free_all(const struct send_args *a, struct loaded *l)
{
	for (int i = 0; i < a->nattach; i++)
		free((void *)l->att[i].data);
	for (int i = 0; i < a->ninl; i++)
		free((void *)l->inl[i].data);
	free(l->html);
}

int send_mime_wanted(const struct send_args *a)
{
	return a->html_file || a->nattach || a->ninl;
}

int send_mime_build(const struct send_args *a, struct msg_opts *mo, struct send_input *in)
{
	static struct loaded l;
	char err[256];
	memset(&l, 0, sizeof l);
	int rc = load_all(a, &l);
	struct mime_opts mopt = {
		.text = mo->body, .text_len = mo->body_len, .html = l.html, .html_len = l.html_len,
		.inl = l.inl, .ninl = (size_t)a->ninl, .att = l.att, .natt = (size_t)a->nattach,
	};
	mo->mime = &mopt;
	if (!rc && !(in->msg = msg_build(mo, &in->msg_len, err, sizeof err)))
		rc = st_fail(EX_USAGE_, "%s", err);
	mopt.eightbit = 1;
	if (!rc && mime_needs_8bit(&mopt) &&
	    !(in->msg8 = msg_build(mo, &in->msg8_len, err, sizeof err)))
		rc = st_fail(EX_USAGE_, "%s", err);
	mo->mime = NULL;
	free_all(a, &l);
	return rc;
}
