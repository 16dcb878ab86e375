// SPDX-License-Identifier: GPL-2.0
/*
 * allns.c - --all-netns: the view once per network namespace.
 *
 * Prometheus wants every sample of a metric family after that family's
 * HELP and TYPE lines, once: each namespace is rendered apart, then its
 * samples are merged under the family they came with.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "allns.h"
#include "netns.h"
#include "source.h"
#include "view.h"

struct family {
	char *name;
	char *head;	/* its HELP and TYPE lines */
	char *body;	/* its samples, namespace after namespace */
	size_t body_len;
	FILE *bf;	/* open_memstream() on body */
};

struct merge {
	struct family **fam;
	size_t n, cap;
	int failed;
};

static struct family *family_get(struct merge *m, const char *name, size_t len)
{
	struct family *f;

	for (size_t i = 0; i < m->n; i++)
		if (strlen(m->fam[i]->name) == len &&
		    !strncmp(m->fam[i]->name, name, len))
			return m->fam[i];
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 32;
		struct family **nf = realloc(m->fam, cap * sizeof(*nf));

		if (!nf)
			return NULL;
		m->fam = nf;
		m->cap = cap;
	}
	/* apart: open_memstream() keeps the addresses of body and body_len */
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->name = strndup(name, len);
	f->bf = f->name ? open_memstream(&f->body, &f->body_len) : NULL;
	if (!f->bf) {
		free(f->name);
		free(f);
		return NULL;
	}
	m->fam[m->n++] = f;
	return f;
}

/* Append @len bytes at @p to the string *@s. */
static int append(char **s, const char *p, size_t len)
{
	size_t old = *s ? strlen(*s) : 0;
	char *n = realloc(*s, old + len + 1);

	if (!n)
		return -1;
	memcpy(n + old, p, len);
	n[old + len] = '\0';
	*s = n;
	return 0;
}

/*
 * Fold one namespace's exposition @buf into @m: a family's HELP and TYPE
 * lines as the first namespace gave them, its samples from every one.
 */
static void merge_prom(struct merge *m, const char *buf)
{
	struct family *cur = NULL;
	bool first = false;

	for (const char *line = buf, *nl; *line; line = nl) {
		size_t len;

		nl = strchr(line, '\n');
		nl = nl ? nl + 1 : line + strlen(line);
		len = (size_t)(nl - line);
		if (!strncmp(line, "# HELP ", 7)) {
			cur = family_get(m, line + 7, strcspn(line + 7, " \n"));
			if (!cur) {
				m->failed = 1;
				return;
			}
			first = !cur->head;
		}
		if (!cur)
			continue;
		if (line[0] == '#') {
			if (first && append(&cur->head, line, len))
				m->failed = 1;
			continue;
		}
		fwrite(line, 1, len, cur->bf);
	}
}

static void merge_print(struct merge *m, FILE *out)
{
	for (size_t i = 0; i < m->n; i++) {
		struct family *f = m->fam[i];

		fclose(f->bf);
		fputs(f->head ? f->head : "", out);
		fwrite(f->body, 1, f->body_len, out);
		free(f->name);
		free(f->head);
		free(f->body);
		free(f);
	}
	free(m->fam);
}

/* Render @o's view of the namespace read through @root into @out. */
static int render(const struct options *o, const char *root, FILE *out,
		  struct err *e)
{
	bool partial = o->files & (o->files - 1);
	struct view_ctx c = { .f = out, .o = o };
	struct snapshot s;
	unsigned left_out;

	if (source_load(root, o->files, o->optional, &o->filter, partial, &s, e))
		return e->code;
	c.s = c.cur = &s;
	view_render(o->view, &c);
	left_out = s.left_out;
	snapshot_free(&s);
	return left_out ? ERR_PARTIAL : 0;
}

/*
 * A named namespace no process is in: enter it, read /proc/thread-self/net
 * (the namespace of the reader), come back to *@home (opened the first
 * time).  -1 when coming back failed.
 */
static int render_entered(const struct options *o, const struct netns_ent *ns,
			  int *home, FILE *out, struct err *e)
{
	int rc;

	if (strcmp(o->proc_root, "/proc")) {
		snprintf(e->path, sizeof(e->path), "%s", ns->path);
		return err_set(e, ERR_NETNS, "no process is in network namespace "
			       "\"%s\": only the running system's /proc can enter it",
			       ns->label);
	}
	if (*home < 0) {
		*home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (*home < 0) {
			snprintf(e->path, sizeof(e->path), "/proc/thread-self/ns/net");
			return err_set(e, ERR_NETNS, "%s", strerror(errno));
		}
	}
	if (netns_enter_path(ns->path, ns->label, e))
		return e->code;
	rc = render(o, "/proc/thread-self", out, e);
	if (setns(*home, CLONE_NEWNET)) {
		snprintf(e->path, sizeof(e->path), "/proc/thread-self/ns/net");
		err_set(e, ERR_NETNS, "cannot return to the first network namespace: %s",
			strerror(errno));
		return -1;
	}
	return rc;
}

/*
 * JSON: a view's object has a netns member, one object per line (as in
 * watch mode); a view that is an array (sockets, whose rows carry netns)
 * becomes one array of every namespace's rows.  @rows: whether a row was
 * printed already.
 */
static void json_out(const struct options *o, const char *buf, size_t len,
		     bool *rows)
{
	if (!o->view->json_top) {
		fwrite(buf, 1, len, stdout);
		return;
	}
	/* compact "[ROW,ROW]\n": the rows between the brackets */
	while (len && buf[len - 1] == '\n')
		len--;
	if (len < 2 || buf[0] != '[' || buf[len - 1] != ']' || len == 2)
		return;
	fputc(*rows ? ',' : '[', stdout);
	fwrite(buf + 1, 1, len - 2, stdout);
	*rows = true;
}

int allns_run(const struct options *o, struct err *e)
{
	struct merge m = { 0 };
	bool rows = false;
	int home = -1;
	struct netns_ent *ns;
	size_t n, done = 0;
	struct err first = { 0 };
	int r = 0;

	if (netns_list(o->proc_root, &ns, &n, e))
		return e->code;
	for (size_t i = 0; i < n; i++) {
		struct options one = *o;
			char root[PATH_MAX], *buf = NULL;
		struct err ne = { 0 };
		size_t len = 0;
		FILE *f;
		int rc;

		one.netns = ns[i].label;
		snprintf(root, sizeof(root), "%s/%lu", o->proc_root, ns[i].pid);
		f = open_memstream(&buf, &len);
		if (!f) {
			r = err_set(e, ERR_IO, "out of memory");
			break;
		}
		if (ns[i].pid)
			rc = render(&one, root, f, &ne);
		else
			rc = render_entered(&one, &ns[i], &home, f, &ne);
		fclose(f);
		if (rc < 0) {
			/* could not come back: what follows would be wrong */
			free(buf);
			*e = ne;
			r = e->code;
			break;
		}
		if (rc && rc != ERR_PARTIAL) {
			/*
			 * Gone since it was listed, unreadable, no module
			 * there: a warning, but the first one waits for a
			 * namespace that can be read (if none can, it is the
			 * error).
			 */
			if (first.code || done)
				err_warn(&ne, stderr);
			if (!first.code)
				first = ne;
			free(buf);
			continue;
		}
		if (first.code && !done)
			err_warn(&first, stderr);
		if (rc)
			r = ERR_PARTIAL;
		done++;
		if (o->fmt == FMT_PROM)
			merge_prom(&m, buf);
		else if (o->fmt == FMT_JSON)
			json_out(o, buf, len, &rows);
		else
			printf("%snetns %s\n%s", done > 1 ? "\n" : "", ns[i].label,
			       buf);
		free(buf);
	}
	free(ns);
	if (home >= 0)
		close(home);
	if (o->fmt == FMT_PROM)
		merge_print(&m, stdout);
	if (o->fmt == FMT_JSON && o->view->json_top && done)
		fputs(rows ? "]\n" : "[]\n", stdout);
	if (m.failed)
		return err_set(e, ERR_IO, "out of memory");
	if (r && r != ERR_PARTIAL)
		return r;
	if (!done) {
		*e = first;
		return e->code;
	}
	if (first.code || r) {
		err_set(e, ERR_PARTIAL, "some namespaces or files were left out: "
			"partial output");
		e->path[0] = '\0';
		return ERR_PARTIAL;
	}
	return 0;
}
