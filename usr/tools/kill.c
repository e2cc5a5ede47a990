/*
 * kill: sends a signal (TERM by default) to processes or, for negative
 * ids, process groups. -SIG, -NUM or -s SIG pick the signal; -l lists names.
 */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ulib.h"

static const struct { int num; const char *name; } sigs[] = {
	{ SIGHUP, "HUP" }, { SIGINT, "INT" }, { SIGQUIT, "QUIT" }, { SIGILL, "ILL" },
	{ SIGTRAP, "TRAP" }, { SIGABRT, "ABRT" }, { SIGBUS, "BUS" }, { SIGFPE, "FPE" },
	{ SIGKILL, "KILL" }, { SIGUSR1, "USR1" }, { SIGSEGV, "SEGV" }, { SIGUSR2, "USR2" },
	{ SIGPIPE, "PIPE" }, { SIGALRM, "ALRM" }, { SIGTERM, "TERM" }, { SIGCHLD, "CHLD" },
	{ SIGCONT, "CONT" }, { SIGSTOP, "STOP" }, { SIGTSTP, "TSTP" }, { SIGTTIN, "TTIN" },
	{ SIGTTOU, "TTOU" }, { SIGWINCH, "WINCH" },
};
#define NSIGS ((int)(sizeof(sigs) / sizeof(sigs[0])))

static int signal_number(const char *s)
{
	long n;

	if (isdigit((unsigned char)*s))
		return (u_parse_long(s, &n) || n < 0 || n >= 65) ? -1 : (int)n;
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (int i = 0; i < NSIGS; i++)
		if (!strcasecmp(s, sigs[i].name))
			return sigs[i].num;
	return -1;
}

static void list_signals(void)
{
	for (int i = 0; i < NSIGS; i++)
		printf("%2d) SIG%s\n", sigs[i].num, sigs[i].name);
}

int main(int argc, char **argv)
{
	int sig = SIGTERM, i = 1, status = 0;

	u_setprog(argv[0]);
	if (i < argc && !strcmp(argv[i], "-l")) {
		list_signals();
		return 0;
	}
	if (i + 1 < argc && !strcmp(argv[i], "-s")) {
		sig = signal_number(argv[i + 1]);
		i += 2;
	} else if (i < argc && argv[i][0] == '-' && !isdigit((unsigned char)argv[i][1]) ) {
		sig = signal_number(argv[i++] + 1);
	} else if (i < argc && argv[i][0] == '-' && i + 1 < argc) {
		sig = signal_number(argv[i++] + 1);
	}
	if (sig < 0 || i == argc) {
		u_warnx("usage: kill [-SIGNAL | -s SIGNAL] PID... | kill -l");
		return 2;
	}
	for (; i < argc; i++) {
		long pid;
		if (u_parse_long(argv[i], &pid)) {
			u_warnx("not a process id: %s", argv[i]);
			status = 1;
		} else if (kill((pid_t)pid, sig)) {
			u_warn(argv[i]);
			status = 1;
		}
	}
	return status;
}
