// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup.c - cgroup ids to paths.  A cgroup v2 id (cgroup_id(), what the
 * cgroups file lists) is the inode number of the cgroup's directory in the
 * cgroup2 filesystem: walk the tree below cgroup_root and match st_ino.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"

#define CGROUP_DEPTH_MAX 32 /* the kernel's own nesting is bounded too */

const char *cgroup_root;

struct walk {
	struct cgroup_list *l;
	size_t left; /* rows still without a path */
	dev_t dev;   /* the walk stays on the root's filesystem */
};

/* Give @rel to the rows whose id is @ino. */
static void found(struct walk *w, ino_t ino, const char *rel)
{
	for (size_t i = 0; i < w->l->n; i++) {
		struct cgroup_row *r = &w->l->rows[i];

		if (r->kind != ROW_ENTRY || r->path || r->id != (uint64_t)ino)
			continue;
		r->path = strdup(*rel ? rel : "/");
		if (r->path)
			w->left--;
	}
}

/* @fd: the directory @rel ("" for the root), closed here. */
static void walk_dir(struct walk *w, int fd, char *rel, size_t len, int depth)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;

	if (!d) {
		close(fd);
		return;
	}
	while (w->left && (de = readdir(d))) {
		struct stat st;
		size_t n = strlen(de->d_name);
		int sub;

		if (de->d_name[0] == '.' &&
		    (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		if (len + 1 + n >= PATH_MAX)
			continue;
		sub = openat(dirfd(d), de->d_name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue;
		if (fstat(sub, &st) || !S_ISDIR(st.st_mode) || st.st_dev != w->dev) {
			close(sub);
			continue;
		}
		rel[len] = '/';
		memcpy(rel + len + 1, de->d_name, n + 1);
		found(w, st.st_ino, rel);
		if (depth < CGROUP_DEPTH_MAX)
			walk_dir(w, sub, rel, len + 1 + n, depth + 1);
		else
			close(sub);
		rel[len] = '\0';
	}
	closedir(d);
}

void cgroups_resolve(struct cgroup_list *l, const char *root)
{
	struct walk w = { .l = l };
	char rel[PATH_MAX] = "";
	struct stat st;
	int fd;

	for (size_t i = 0; i < l->n; i++)
		if (l->rows[i].kind == ROW_ENTRY && !l->rows[i].path)
			w.left++;
	if (!root || !w.left)
		return;
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st)) {
		close(fd);
		return;
	}
	w.dev = st.st_dev;
	found(&w, st.st_ino, "");
	walk_dir(&w, fd, rel, 0, 0);
}
