/* privs.c - tcpdump's droproot, and the capabilities a capture needs only
 * to open its handle.  Once the capture handle and the output file are
 * open, neither root nor CAP_NET_RAW / CAP_NET_ADMIN is needed, and the
 * bytes still to come (the server's replies, the captured packets) are
 * parsed without them. */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include "smtptrace.h"

#define NOBODY_ID 65534         /* when there is no "nobody" user */

/* A decimal id as sudo writes it: digits only, no overflow, not -1. */
static int parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || *end || *out >= (unsigned long)(uid_t)-1 ? -1 : 0;
}

/* SUDO_UID / SUDO_GID: both present, well-formed, and the uid a known user. */
static int sudo_ids(uid_t *uid, gid_t *gid, char *err, size_t errlen)
{
	const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID");
	unsigned long u, g;

	if (!su && !sg)
		return 0;
	if (parse_id(su, &u) || parse_id(sg, &g) || !getpwuid((uid_t)u)) {
		snprintf(err, errlen, "SUDO_UID=%s SUDO_GID=%s: not a user of this system",
		         su ? su : "(unset)", sg ? sg : "(unset)");
		return -1;
	}
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 1;
}

int privs_target(const char *user, struct privs_target *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof *t);
	if (geteuid() != 0)
		return 0;
	if (!user) {
		int r = sudo_ids(&t->uid, &t->gid, err, errlen);
		if (r < 0)
			return -1;
		if (r > 0) {
			t->from_sudo = 1;
			t->change = t->chown_files = t->uid != 0;
			return 0;
		}
	}
	const char *name = user ? user : "nobody";
	if (!strcmp(name, "root"))                  /* -Z root: stay */
		return 0;
	struct passwd *pw = getpwnam(name);
	if (!pw && user) {
		snprintf(err, errlen, "-Z %s: no such user", user);
		return -1;
	}
	t->change = 1;
	t->chown_files = user != NULL;  /* not "nobody": it could not be read back */
	if (!pw) {                                  /* no "nobody": its usual ids */
		t->uid = t->gid = NOBODY_ID;
		return 0;
	}
	t->uid = pw->pw_uid;
	t->gid = pw->pw_gid;
	snprintf(t->name, sizeof t->name, "%s", pw->pw_name);
	return 0;
}

/* Clear CAP_NET_RAW and CAP_NET_ADMIN from the effective, permitted and
 * inheritable sets of this thread (run it before any other thread exists:
 * capabilities are per thread), and never regain them through exec. */
static int drop_net_caps(char *err, size_t errlen)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	const unsigned mask = (1u << CAP_NET_RAW) | (1u << CAP_NET_ADMIN);

	if (syscall(SYS_capget, &h, d) == 0) {
		d[0].effective &= ~mask;
		d[0].permitted &= ~mask;
		d[0].inheritable &= ~mask;
		if (syscall(SYS_capset, &h, d) != 0) {
			snprintf(err, errlen, "cannot drop CAP_NET_RAW/CAP_NET_ADMIN: %s",
			         strerror(errno));
			return -1;
		}
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(err, errlen, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int privs_apply(const struct privs_target *t, char *err, size_t errlen)
{
	if (t->change) {
		int g = t->name[0] ? initgroups(t->name, t->gid) : setgroups(0, NULL);
		if (g || setgid(t->gid) || setuid(t->uid)) {
			snprintf(err, errlen, "cannot drop root privileges: %s", strerror(errno));
			return -1;
		}
		if (setuid(0) == 0) {                /* must not be possible any more */
			snprintf(err, errlen, "cannot drop root privileges: still root");
			return -1;
		}
	}
	return drop_net_caps(err, errlen);
}

int drop_privileges(const char *user, char *err, size_t errlen)
{
	struct privs_target t;

	return privs_target(user, &t, err, errlen) < 0 ? -1 : privs_apply(&t, err, errlen);
}
