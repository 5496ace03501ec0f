/* privs.c - tcpdump's droproot: once the capture handle and the output
 * file are open, root is no longer needed, and the bytes still to come (the
 * server's replies, the captured packets) are parsed without it. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "smtptrace.h"

int drop_privileges(const char *user, char *err, size_t errlen)
{
	uid_t uid;
	gid_t gid;
	const char *sudo_uid = getenv("SUDO_UID"), *sudo_gid = getenv("SUDO_GID");
	const char *name;

	if (geteuid() != 0)
		return 0;
	if (!user && sudo_uid && sudo_gid) {        /* back to whoever ran sudo */
		uid = (uid_t)strtoul(sudo_uid, NULL, 10);
		gid = (gid_t)strtoul(sudo_gid, NULL, 10);
		if (uid == 0)
			return 0;
		if (setgroups(0, NULL) || setgid(gid) || setuid(uid))
			goto fail;
		return 0;
	}
	name = user ? user : "nobody";
	if (!strcmp(name, "root"))                  /* -Z root: stay */
		return 0;
	struct passwd *pw = getpwnam(name);
	if (!pw) {
		if (!user)
			return 0;                   /* no "nobody" here: nothing to drop to */
		snprintf(err, errlen, "-Z %s: no such user", user);
		return -1;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (initgroups(pw->pw_name, gid) || setgid(gid) || setuid(uid))
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "cannot drop root privileges: %s", strerror(errno));
	return -1;
}
