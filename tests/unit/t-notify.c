#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../tap.h"
#include "notify.h"

static int
listen_at(const char *path, int abstract)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, path);
	if (abstract)
		sa.sun_path[0] = '\0';
	if (bind(fd, (struct sockaddr *)&sa,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path))) < 0)
		return -1;
	return fd;
}

static void
recv_is(int fd, const char *want, const char *name)
{
	char buf[256];
	ssize_t n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = '\0';
	is_str(buf, want, "%s", name);
}

int
main(void)
{
	char path[] = "/tmp/arb-t-notify.XXXXXX", sock[128], abs[64], pid[32];
	int fd, afd;

	unsetenv("NOTIFY_SOCKET");
	is_int(arb_notify("READY=1"), 0, "no NOTIFY_SOCKET: nothing to do");

	ok(mkdtemp(path) != NULL, "scratch directory");
	snprintf(sock, sizeof sock, "%s/notify", path);
	fd = listen_at(sock, 0);
	ok(fd >= 0, "listening on a path socket");
	setenv("NOTIFY_SOCKET", sock, 1);
	is_int(arb_notify("READY=1"), 0, "READY=1 sent");
	recv_is(fd, "READY=1", "the service manager receives READY=1");
	is_int(arb_notify("STOPPING=1"), 0, "STOPPING=1 sent");
	recv_is(fd, "STOPPING=1", "the service manager receives STOPPING=1");

	snprintf(abs, sizeof abs, "@arb-t-notify-%ld", (long)getpid());
	afd = listen_at(abs, 1);
	ok(afd >= 0, "listening on an abstract socket");
	setenv("NOTIFY_SOCKET", abs, 1);
	is_int(arb_notify("READY=1"), 0, "sent to the abstract namespace");
	recv_is(afd, "READY=1", "abstract socket receives READY=1");

	setenv("NOTIFY_SOCKET", "relative/path", 1);
	is_int(arb_notify("READY=1"), -1, "a relative socket path is an error");

	unsetenv("WATCHDOG_USEC");
	is_int(arb_watchdog_period_us(), 0, "no watchdog");
	setenv("WATCHDOG_USEC", "20000000", 1);
	unsetenv("WATCHDOG_PID");
	is_int(arb_watchdog_period_us(), 10000000, "watchdog period is half of WATCHDOG_USEC");
	snprintf(pid, sizeof pid, "%ld", (long)getpid() + 1);
	setenv("WATCHDOG_PID", pid, 1);
	is_int(arb_watchdog_period_us(), 0, "watchdog meant for another process");
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	setenv("NOTIFY_SOCKET", sock, 1);
	arb_notify_watchdog(1000);
	recv_is(fd, "WATCHDOG=1", "first watchdog ping is sent at once");
	arb_notify_watchdog(2000);
	recv_is(fd, "", "no second ping before the period");
	arb_notify_watchdog(1000 + 10000000);
	recv_is(fd, "WATCHDOG=1", "ping again after one period");

	close(fd);
	close(afd);
	unlink(sock);
	rmdir(path);
	return done_testing();
}
