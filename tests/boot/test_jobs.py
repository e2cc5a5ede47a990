"""
Job control and process limits on Tessera, over the serial console: Ctrl-Z
stops the foreground job and the shell's jobs, bg and fg move it around; a
background job reading the terminal stops with SIGTTIN;
a fork bomb meets CONFIG_PROCESS_MAX and the shell stays usable; `#!`
scripts run from the shell; posix_spawn runs a program; poll waits for
a typed line.

Ctrl-Z and Ctrl-C go in through the PS/2 keyboard (QEMU's sendkey): on
-serial stdio they would stop or kill QEMU itself.
"""
import re
import time

import pytest

from boot import build as kbuild
from boot import shell as kshell

FRAGMENT = ["CONFIG_VFS=y", "CONFIG_RAMFS=y", "CONFIG_INITRAMFS=y", "CONFIG_DEVFS=y",
            "CONFIG_USER_SPACE=y", "CONFIG_USER_TESTS=y", "CONFIG_PROCESSES=y",
            "CONFIG_PROCESS_MAX=64"]

# Forks until refused; every child sleeps. Says once how far it got, then
# keeps trying (as a real bomb would) until Ctrl-C kills its process group.
FORKBOMB = r"""
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void)
{
	int n = 0, told = 0;

	for (;;) {
		pid_t pid = fork();
		if (pid == 0) {
			sleep(1000);
			_exit(0);
		}
		if (pid > 0) {
			n++;
			continue;
		}
		if (!told) {
			printf("fork failed after %d: %s\n", n, strerror(errno));
			fflush(stdout);
			told = 1;
		}
		usleep(10000);
	}
}
"""
SPAWN = r"""
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
extern char **environ;
int main(void)
{
	char *argv[] = { "echo", "from", "posix_spawn", NULL };
	pid_t pid;
	int st, err = posix_spawn(&pid, "/bin/echo", NULL, NULL, argv, environ);

	if (err || waitpid(pid, &st, 0) != pid)
		return 1;
	printf("spawn status %d\n", st);
	return 0;
}
"""
# poll on the terminal: a typed line makes standard input readable.
TTYPOLL = r"""
#include <poll.h>
#include <stdio.h>
#include <unistd.h>
int main(void)
{
	struct pollfd fd = { 0, POLLIN, 0 };
	char line[64];
	int n = poll(&fd, 1, 2000);

	if (n == 1 && (fd.revents & POLLIN)) {
		ssize_t got = read(0, line, sizeof(line));
		printf("ready %d\n", (int)got);
	} else {
		printf("timeout %d\n", n);
	}
	return 0;
}
"""
PROGRAMS = {"forkbomb": FORKBOMB, "spawn": SPAWN, "ttypoll": TTYPOLL}


@pytest.fixture(scope="module")
def jobs_kernel():
    extra = kshell.programs("jobs", PROGRAMS)
    try:
        return kbuild.build("jobs", defconfig="qemu_defconfig", fragment=FRAGMENT,
                            goals=("all", "iso", "USR_EXTRA=%s" % extra))
    except kbuild.BuildError as e:
        pytest.fail("building the job-control kernel failed:\n%s" % e, pytrace=False)


def stop_sleep(q):
    """Starts sleep 100 in the foreground and stops it with Ctrl-Z."""
    q.child.send("sleep 100\r")
    q.child.expect_exact("sleep 100", timeout=kshell.TIMEOUT)
    time.sleep(1)
    q.sendkey("ctrl-z")
    q.expect(r"\[1\]\+\s+Stopped\s+sleep 100", timeout=kshell.TIMEOUT)
    q.child.expect_exact(kshell.PROMPT, timeout=kshell.TIMEOUT)


def test_ctrl_z_jobs_bg_fg(jobs_kernel, boot):
    q = kshell.shell(boot, jobs_kernel.iso)
    stop_sleep(q)
    assert kshell.run(q, "echo $?") == "148"               # 128 + SIGTSTP
    assert re.search(r"\[1\]\+\s+Stopped\s+sleep 100", kshell.run(q, "jobs"))
    assert kshell.run(q, "bg") == "[1]+ sleep 100 &"
    assert re.search(r"\[1\]\+\s+Running\s+sleep 100", kshell.run(q, "jobs"))
    q.child.send("fg\r")
    q.child.expect_exact("sleep 100", timeout=kshell.TIMEOUT)  # fg names the job it waits for
    time.sleep(1)
    q.sendkey("ctrl-c")
    q.child.expect_exact(kshell.PROMPT, timeout=kshell.TIMEOUT)
    assert kshell.run(q, "echo $?") == "130"
    assert kshell.run(q, "jobs") == ""


def test_stopped_job_killed(jobs_kernel, boot):
    q = kshell.shell(boot, jobs_kernel.iso)
    stop_sleep(q)
    kshell.run(q, "kill %1")      # SIGTERM waits for a SIGCONT, which kill adds
    time.sleep(0.5)
    assert "Terminated" in kshell.run(q, "jobs")
    assert kshell.run(q, "echo still here") == "still here"


def test_background_read_stops_with_sigttin(jobs_kernel, boot):
    q = kshell.shell(boot, jobs_kernel.iso)
    kshell.run(q, "cat &")
    time.sleep(1)
    assert re.search(r"\[1\]\+\s+Stopped\s+cat", kshell.run(q, "jobs"))
    q.child.send("fg\r")
    q.child.expect_exact("cat", timeout=kshell.TIMEOUT)
    time.sleep(0.5)
    q.child.send("typed to cat\r")
    q.child.expect(r"typed to cat\s+typed to cat", timeout=kshell.TIMEOUT)  # echo, then cat
    q.sendkey("ctrl-d")
    q.child.expect_exact(kshell.PROMPT, timeout=kshell.TIMEOUT)
    assert kshell.run(q, "echo $?") == "0"


def test_fork_bomb_leaves_shell_usable(jobs_kernel, boot):
    q = kshell.shell(boot, jobs_kernel.iso)
    q.child.send("forkbomb\r")
    q.expect(r"fork failed after (\d+): (.*)\r?\n", timeout=60)
    forked, why = int(q.child.match.group(1)), q.child.match.group(2).strip()
    assert why == "Resource temporarily unavailable"       # EAGAIN
    assert 0 < forked < 64
    q.sendkey("ctrl-c")
    q.child.expect_exact(kshell.PROMPT, timeout=kshell.TIMEOUT)
    time.sleep(1)                                           # init reaps the orphans
    assert kshell.run(q, "echo alive | cat") == "alive"
    assert kshell.run(q, "ls /bin | wc -l").isdigit()


def test_shebang_script(jobs_kernel, boot):
    q = kshell.shell(boot, jobs_kernel.iso)
    kshell.run(q, "echo '#!/bin/sh' > /tmp/hello; echo 'echo hello from $0 $1' >> /tmp/hello")
    assert kshell.run(q, "/tmp/hello arg") == "hello from /tmp/hello arg"
    # Four scripts deep is the limit (-ELOOP beyond).
    kshell.run(q, "echo '#!/tmp/hello' > /tmp/s1")
    for i in range(2, 5):
        kshell.run(q, "echo '#!/tmp/s%d' > /tmp/s%d" % (i - 1, i))
    assert kshell.run(q, "/tmp/s3 x") == "hello from /tmp/hello /tmp/s1"
    assert "loop" in kshell.run(q, "/tmp/s4").lower()


def test_poll_on_the_terminal(jobs_kernel, boot):
    q = kshell.shell(boot, jobs_kernel.iso)
    assert kshell.run(q, "ttypoll") == "timeout 0"
    q.child.send("ttypoll\r")
    q.child.expect_exact("ttypoll", timeout=kshell.TIMEOUT)
    time.sleep(0.5)
    q.child.send("abc\r")
    q.child.expect_exact("ready 4", timeout=kshell.TIMEOUT)
    q.child.expect_exact(kshell.PROMPT, timeout=kshell.TIMEOUT)


def test_posix_spawn(jobs_kernel, boot):
    q = kshell.shell(boot, jobs_kernel.iso)
    assert kshell.run(q, "spawn") == "from posix_spawn\nspawn status 0"
    assert "clone" not in q.serial
