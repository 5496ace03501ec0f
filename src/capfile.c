/* capfile.c - the capture file of `send`, created as tcpdump -w should be
 * when it runs as root in someone's directory: mode 0600 whatever the
 * umask, no symlink followed (O_NOFOLLOW, and the default captures/
 * directory checked), no hard-linked or foreign file truncated, and handed
 * to the user who ran sudo (or the -Z user). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "send-int.h"

#define CAPDIR "captures"

/* captures/: created 0700, or an existing real directory owned by us (or
 * the file's owner-to-be) and not writable by group or others.  Returns an
 * O_DIRECTORY descriptor, or -1 with the reason in err. */
static int open_capdir(uid_t owner, gid_t group, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	if (mkdir(CAPDIR, 0700) == 0 && owner != (uid_t)-1 && chown(CAPDIR, owner, group) != 0) {
		snprintf(err, errlen, "%s/: chown: %s", CAPDIR, strerror(errno));
		return -1;
	}
	fd = open(CAPDIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s/: %s", CAPDIR,
		         errno == ELOOP || errno == ENOTDIR ? "not a directory (a symlink?)"
		                                            : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || (st.st_uid != geteuid() && st.st_uid != owner) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(err, errlen, "%s/: refusing a directory that is not ours or that "
		         "others can write to", CAPDIR);
		close(fd);
		return -1;
	}
	return fd;
}

static void default_name(const char *host, char *name, size_t len)
{
	char stamp[32], safe[128];
	time_t now = time(NULL);
	struct tm tm;
	size_t i = 0;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	for (; host[i] && i + 1 < sizeof safe; i++)
		safe[i] = (host[i] == '.' || host[i] == '-' || (host[i] >= '0' && host[i] <= '9') ||
		           (host[i] >= 'a' && host[i] <= 'z') || (host[i] >= 'A' && host[i] <= 'Z'))
		          ? host[i] : '_';
	safe[i] = '\0';
	snprintf(name, len, "smtptrace-%s-%s.pcapng", stamp, safe);
}

/* An existing regular file is reused only if it is ours (or the owner-to-be's)
 * and has one link; devices (/dev/null, /dev/full) and pipes are written as
 * they are. */
static int adopt(int fd, uid_t owner, gid_t group, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode))
		return 0;
	if ((st.st_uid != geteuid() && st.st_uid != owner) || st.st_nlink != 1) {
		snprintf(err, errlen, "refusing to overwrite a file that is not ours "
		         "or has other links");
		return -1;
	}
	if (ftruncate(fd, 0) != 0 || fchmod(fd, 0600) != 0 ||
	    (owner != (uid_t)-1 && fchown(fd, owner, group) != 0)) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	return 0;
}

FILE *capfile_open(const struct send_args *a, const struct privs_target *t,
                   const char *host, char *path, size_t pathlen, char *err, size_t errlen)
{
	char name[200], why[200];
	uid_t owner = t->chown_files ? t->uid : (uid_t)-1;
	gid_t group = t->chown_files ? t->gid : (gid_t)-1;
	int dfd = AT_FDCWD, fd = -1;
	FILE *f = NULL;

	snprintf(path, pathlen, "%s", a->out_file ? a->out_file : CAPDIR "/");
	if (!a->out_file) {
		if ((dfd = open_capdir(owner, group, err, errlen)) < 0)
			return NULL;
		default_name(host, name, sizeof name);
		snprintf(path, pathlen, "%s/%s", CAPDIR, name);
	}
	fd = openat(dfd, a->out_file ? a->out_file : name,
	            O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		snprintf(why, sizeof why, "%s", errno == ELOOP ? "it is a symlink" : strerror(errno));
	else if (adopt(fd, owner, group, why, sizeof why) == 0 && !(f = fdopen(fd, "wb")))
		snprintf(why, sizeof why, "%s", strerror(errno));
	if (!f) {
		snprintf(err, errlen, "cannot write the capture to %s: %s", path, why);
		if (fd >= 0)
			close(fd);
	}
	if (dfd >= 0)
		close(dfd);
	return f;
}
