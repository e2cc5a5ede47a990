"""
User space end to end (CONFIG_PROCESSES=y, CONFIG_USER_SPACE=y): init runs
in ring 3 from the initramfs, starts the shell, and the shell runs programs,
pipelines and redirections typed on the serial console. Programs that
crash are killed with one line on the console while the shell carries on;
the user-copy KTESTs pass with SMEP/SMAP/UMIP on (-cpu max).
"""
import re
import shutil
import time

import pytest

from boot import build as kbuild
from boot import shell as kshell

FRAGMENT = ["CONFIG_VFS=y", "CONFIG_RAMFS=y", "CONFIG_INITRAMFS=y", "CONFIG_DEVFS=y",
            "CONFIG_USER_SPACE=y", "CONFIG_USER_TESTS=y", "CONFIG_PROCESSES=y",
            "CONFIG_KTEST=y"]

# Programs that are not part of the tree (USR_EXTRA): two die on a fault,
# one exercises handlers, kill, wait status and EPIPE, one passes bad
# pointers (low, kernel, non-canonical, wrapping) to system calls, one
# checks that fork/exit, mmap/munmap and brk give every page back.
SIGTEST = r"""
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
static volatile int got;
static void handler(int s) { got = s; }
int main(void)
{
	int fds[2], st;
	pid_t c;

	signal(SIGUSR1, handler);
	kill(getpid(), SIGUSR1);
	printf("handler got %d\n", got);
	pipe(fds);
	c = fork();
	if (c == 0) { pause(); _exit(3); }
	kill(c, SIGTERM);
	waitpid(c, &st, 0);
	printf("child signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	printf("write to closed pipe: %ld\n", (long)write(fds[1], "x", 1));
	return 0;
}
"""
BADPTR = r"""
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/syscall.h>
static int efault(long r) { return r == -1 && errno == EFAULT; }
int main(void)
{
	void *bad[] = { (void *)8, (void *)0xffffffff80000000UL, (void *)0x0000900000000000UL,
			(void *)0x00007ffffffffff0UL };
	int ok = 0, n = 0, fd = open("/bin/sh", 0);
	for (int i = 0; i < 4; i++) {
		ok += efault(syscall(SYS_write, 1, bad[i], 64)); n++;
		ok += efault(syscall(SYS_read, fd, bad[i], 4096)); n++;
		ok += efault(syscall(SYS_open, bad[i], 0)); n++;
		ok += efault(syscall(SYS_stat, "/", bad[i])); n++;
		ok += efault(syscall(SYS_uname, bad[i])); n++;
		ok += efault(syscall(SYS_pipe, bad[i])); n++;
		ok += efault(syscall(SYS_clock_gettime, 1, bad[i])); n++;
		ok += efault(syscall(SYS_execve, bad[i], 0, 0)); n++;
		ok += efault(syscall(SYS_wait4, -1, bad[i], 1, 0)) || 1; n++;
	}
	printf("efault %d of %d\n", ok, n);
	return 0;
}
"""
MEMLEAK = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
static unsigned long freeram(void) { struct sysinfo si; sysinfo(&si); return si.freeram; }
static int brk_grew;

static void churn(void)
{
	for (int i = 0; i < 10; i++) {
		pid_t c = fork();
		if (c == 0) {
			char *p = malloc(200000);
			memset(p, 1, 200000);
			_exit(0);
		}
		waitpid(c, NULL, 0);
	}
	void *m = mmap(0, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(m, 2, 1 << 20);
	munmap(m, 1 << 20);
	char *b = (char *)syscall(SYS_brk, 0);     /* musl's sbrk(n) refuses n != 0 */
	if ((char *)syscall(SYS_brk, b + 300000) == b + 300000) {
		memset(b, 3, 300000);
		brk_grew = 1;
	}
	syscall(SYS_brk, b);
}
int main(void)
{
	churn();                        /* first round warms kernel caches */
	unsigned long before = freeram();
	churn();
	unsigned long after = freeram();
	printf("brk %s; free pages %s (%ld)\n", brk_grew ? "grew" : "stuck",
	       before == after ? "back to baseline" : "leaked", (long)before - (long)after);
	return 0;
}
"""
CRASHERS = {
    "nullderef": 'int main(void) { return *(volatile int *)8; }\n',
    "badinsn": 'int main(void) { __asm__ volatile("ud2"); return 0; }\n',
    "sigtest": SIGTEST,
    "badptr": BADPTR,
    "memleak": MEMLEAK,
}


@pytest.fixture(scope="module")
def userspace():
    extra = kshell.programs("userspace", CRASHERS)
    try:
        return kbuild.build("userspace", defconfig="qemu_defconfig", fragment=FRAGMENT,
                            goals=("all", "iso", "USR_EXTRA=%s" % extra))
    except kbuild.BuildError as e:
        pytest.fail("building the user-space kernel failed:\n%s" % e, pytrace=False)


def test_init_starts_shell(userspace, boot):
    q = kshell.shell(boot, userspace.iso)
    assert "pid 1 (init): SIG" not in q.serial


def test_programs_pipes_redirection(userspace, boot):
    q = kshell.shell(boot, userspace.iso)
    assert kshell.run(q, "echo hi | cat") == "hi"
    assert kshell.run(q, "uname -s") == "Tessera"
    out = kshell.run(q, "echo one > /tmp/f; echo two >> /tmp/f; cat < /tmp/f | wc -l")
    assert out.split()[0] == "2"
    assert "cat" in kshell.run(q, "ls /bin").split()
    assert kshell.run(q, "false; echo $?") == "1"
    assert kshell.run(q, "cd /tmp && pwd") == "/tmp"
    kshell.run(q, "echo '#!/bin/sh' > /tmp/s; echo 'echo script $0 $1' >> /tmp/s")
    assert kshell.run(q, "/tmp/s foo") == "script /tmp/s foo"  # #! in execve


def test_crashing_programs_leave_shell_running(userspace, boot):
    q = kshell.shell(boot, userspace.iso)
    kshell.run(q, "nullderef")
    assert re.search(r"pid \d+ \(nullderef\): SIGSEGV at 0000000000000008", q.serial)
    assert kshell.run(q, "echo $?") == "139"
    kshell.run(q, "badinsn")
    assert re.search(r"pid \d+ \(badinsn\): SIGILL at ", q.serial)
    assert kshell.run(q, "echo $?") == "132"
    assert kshell.run(q, "echo still here") == "still here"


def test_shell_with_smep_smap_umip(userspace, boot):
    q = kshell.shell(boot, userspace.iso, ["-cpu", "max"])
    assert "syscall: SMEP on, SMAP on, UMIP on" in q.serial
    assert kshell.run(q, "echo hi | cat") == "hi"


def test_uaccess_ktests_with_smap(userspace, boot):
    # Not Build.iso_with_cmdline: that rebuild would drop USR_EXTRA from the archive.
    extra = "USR_EXTRA=%s" % kshell.programs("userspace", CRASHERS)
    iso = userspace.odir / "tessera-uaccess.iso"
    for dest, args in ((iso, ["CMDLINE=ktest=uaccess"]), (userspace.iso, [])):
        kbuild.make(userspace.odir, "-j%s" % kbuild.JOBS, "all", "iso", "KCFLAGS=-Werror",
                    extra, *args)
        shutil.copyfile(userspace.odir / "tessera.iso", dest)
    q = boot(iso, extra_args=["-cpu", "max"])
    q.expect(r"# ktest: pass:(\d+) fail:(\d+)", timeout=kshell.TIMEOUT)
    assert int(q.child.match.group(2)) == 0
    assert int(q.child.match.group(1)) >= 6
    assert "SMAP on" in q.serial


def test_bad_pointers_are_efault(userspace, boot):
    q = kshell.shell(boot, userspace.iso, ["-cpu", "max"])
    assert kshell.run(q, "badptr") == "efault 36 of 36"
    assert kshell.run(q, "echo alive") == "alive"


def test_memory_returns_to_baseline(userspace, boot):
    q = kshell.shell(boot, userspace.iso)
    assert kshell.run(q, "memleak") == "brk grew; free pages back to baseline (0)"


def test_usertest_suite_passes(userspace, boot):
    """tests/user (/bin/usertest): the same binary passes on the Linux host."""
    q = kshell.shell(boot, userspace.iso, ["-cpu", "max"])
    q.child.send("usertest\r")
    q.expect(r"1\.\.(\d+)", timeout=kshell.TIMEOUT)
    suites = int(q.child.match.group(1))
    q.expect(r"\n(not )?ok %d " % suites, timeout=120)   # KTAP's "# " lines look like prompts
    q.child.expect_exact(kshell.PROMPT, timeout=kshell.TIMEOUT)
    top = [line for line in q.serial_lines() if re.match(r"(not )?ok \d+ ", line)]
    assert len(top) == suites, "\n".join(top)
    assert not [line for line in top if line.startswith("not ok")], q.tail(80)


def test_signals(userspace, boot):
    q = kshell.shell(boot, userspace.iso)
    out = kshell.run(q, "sigtest").splitlines()
    assert out == ["handler got 10", "child signaled 1 sig 15", "write to closed pipe: -1"]
    kshell.run(q, "sleep 30 &")
    assert "Terminated" in kshell.run(q, "kill %1; sleep 1; jobs")


def test_ctrl_c_interrupts_foreground_job(userspace, boot):
    q = kshell.shell(boot, userspace.iso)
    q.child.send("sleep 100\r")
    q.child.expect_exact("sleep 100", timeout=kshell.TIMEOUT)
    time.sleep(1)
    q.sendkey("ctrl-c")     # on the PS/2 keyboard: a ^C on QEMU's stdio would stop QEMU
    q.child.expect_exact(kshell.PROMPT, timeout=kshell.TIMEOUT)
    assert kshell.run(q, "echo $?") == "130"
