#include "config.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../tap.h"
#include "sig.h"
#include "svc.h"

static int nmetrics;

static void
fill(struct arb_metrics *m, void *arg)
{
	(void)arg;
	nmetrics++;
	arb_metrics_i64(m, "arb_test_calls", NULL, nmetrics);
}

int
main(void)
{
	char dir[] = "/tmp/arb-t-svc.XXXXXX", sock[128], prom[128], buf[64], *s;
	struct sockaddr_un sa;
	struct arb_svc svc;
	int nfd, p[2], pings = 0, ready = 0;
	pid_t pid;
	ssize_t n;

	ok(mkdtemp(dir) != NULL, "scratch directory");
	snprintf(sock, sizeof sock, "%s/notify", dir);
	snprintf(prom, sizeof prom, "%s/arb.prom", dir);
	nfd = socket(AF_UNIX, SOCK_DGRAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, sock);
	ok(bind(nfd, (struct sockaddr *)&sa, sizeof sa) == 0, "a fake service manager socket");
	setenv("NOTIFY_SOCKET", sock, 1);
	setenv("WATCHDOG_USEC", "100000", 1);     /* ping every 50 ms */
	unsetenv("WATCHDOG_PID");

	ok(pipe(p) == 0, "input pipe");
	arb_svc_init(&svc, p[0], prom, fill, NULL);
	svc.m.interval_us = 100000;
	arb_svc_ready(&svc);
	s = arb_readfile(prom, NULL);
	is_str(s, "arb_test_calls 1\n", "READY writes a first metrics file");
	free(s);

	/* the input stays idle for 400 ms, then a line arrives */
	pid = fork();
	if (pid == 0) {
		usleep(400000);
		(void)!write(p[1], "x\n", 2);
		_exit(0);
	}
	is_int(arb_svc_idle(&svc), 0, "idle returns when the input is readable");
	waitpid(pid, NULL, 0);
	ok(read(p[0], buf, sizeof buf) == 2, "the input is there");
	while ((n = recv(nfd, buf, sizeof buf - 1, MSG_DONTWAIT)) > 0) {
		buf[n] = '\0';
		if (strcmp(buf, "WATCHDOG=1") == 0)
			pings++;
		else if (strcmp(buf, "READY=1") == 0)
			ready++;
	}
	is_int(ready, 1, "READY=1 sent once");
	ok(pings >= 4, "the watchdog is pinged while the input is idle (%d pings in 400 ms)", pings);
	ok(nmetrics >= 3, "metrics rewritten while idle (%d times)", nmetrics);

	arb_sig_stop = 1;
	is_int(arb_svc_idle(&svc), 1, "idle returns 1 when a stop was requested");
	arb_sig_stop = 0;
	arb_svc_stopping(&svc);
	n = recv(nfd, buf, sizeof buf - 1, MSG_DONTWAIT);
	buf[n > 0 ? n : 0] = '\0';
	is_str(buf, "STOPPING=1", "STOPPING=1 sent");

	arb_svc_free(&svc);
	unlink(prom);
	unlink(sock);
	rmdir(dir);
	close(nfd);
	return done_testing();
}
