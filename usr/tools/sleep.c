/*
 * sleep: waits for the sum of its arguments in seconds; each may have a
 * fraction ("0.25") and a suffix s, m, h or d.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "ulib.h"

static int parse_duration(const char *s, double *secs)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v < 0)
		return -1;
	switch (*end) {
	case '\0': case 's': break;
	case 'm': v *= 60; break;
	case 'h': v *= 3600; break;
	case 'd': v *= 86400; break;
	default: return -1;
	}
	if (*end && end[1])
		return -1;
	*secs += v;
	return 0;
}

int main(int argc, char **argv)
{
	double secs = 0;

	u_setprog(argv[0]);
	if (argc < 2) {
		u_warnx("usage: sleep SECONDS...");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (parse_duration(argv[i], &secs)) {
			u_warnx("invalid time interval '%s'", argv[i]);
			return 2;
		}
	}
	struct timespec ts = { .tv_sec = (time_t)secs };
	ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts)) {
		if (errno != EINTR) {
			u_warn("nanosleep");
			return 1;
		}
	}
	return 0;
}
