"""
User space end to end (CONFIG_PROCESSES=y, CONFIG_USER_SPACE=y): init runs
in ring 3 from the initramfs, starts the shell, and the shell runs programs,
pipelines and redirections typed on the serial console. Programs that
crash are killed with one line on the console while the shell carries on;
the user-copy KTESTs pass with SMEP/SMAP/UMIP on (-cpu max).
"""
import re
import shutil
import subprocess

import pytest

from boot import build as kbuild

FRAGMENT = ["CONFIG_VFS=y", "CONFIG_RAMFS=y", "CONFIG_INITRAMFS=y", "CONFIG_DEVFS=y",
            "CONFIG_USER_SPACE=y", "CONFIG_PROCESSES=y", "CONFIG_KTEST=y"]
PROMPT = "# "
TIMEOUT = 30

# Programs that are not part of the tree (USR_EXTRA): each dies on a fault.
CRASHERS = {
    "nullderef": 'int main(void) { return *(volatile int *)8; }\n',
    "badinsn": 'int main(void) { __asm__ volatile("ud2"); return 0; }\n',
}


def _extra_dir():
    if not shutil.which("musl-gcc"):
        pytest.skip("musl-gcc not installed (Debian musl-tools)")
    d = kbuild.BUILD_ROOT / "userspace-extra"
    d.mkdir(parents=True, exist_ok=True)
    for name, src in CRASHERS.items():
        c = d.parent / (name + ".c")
        c.write_text(src)
        subprocess.run(["musl-gcc", "-static", "-Os", "-o", str(d / name), str(c)], check=True)
    return d


@pytest.fixture(scope="module")
def userspace():
    extra = _extra_dir()
    try:
        return kbuild.build("userspace", defconfig="qemu_defconfig", fragment=FRAGMENT,
                            goals=("all", "iso", "USR_EXTRA=%s" % extra))
    except kbuild.BuildError as e:
        pytest.fail("building the user-space kernel failed:\n%s" % e, pytrace=False)


def shell(boot, iso, cpu=None):
    q = boot(iso, extra_args=["-cpu", cpu] if cpu else [])
    q.expect(r"init: starting /sbin/init as pid 1", timeout=TIMEOUT)
    q.child.expect_exact(PROMPT, timeout=TIMEOUT)
    return q


def run(q, line):
    """Types line on the serial port; returns what it printed before the next prompt."""
    q.child.send(line + "\r")
    q.child.expect_exact(line, timeout=TIMEOUT)       # the echo
    q.child.expect_exact(PROMPT, timeout=TIMEOUT)
    return q.child.before.replace("\r", "").strip()


def test_init_starts_shell(userspace, boot):
    q = shell(boot, userspace.iso)
    assert "pid 1 (init): SIG" not in q.serial


def test_programs_pipes_redirection(userspace, boot):
    q = shell(boot, userspace.iso)
    assert run(q, "echo hi | cat") == "hi"
    assert run(q, "uname -s") == "Tessera"
    assert run(q, "echo one > /tmp/f; echo two >> /tmp/f; cat < /tmp/f | wc -l").split()[0] == "2"
    assert "cat" in run(q, "ls /bin").split()
    assert run(q, "false; echo $?") == "1"
    assert run(q, "cd /tmp && pwd") == "/tmp"


def test_crashing_programs_leave_shell_running(userspace, boot):
    q = shell(boot, userspace.iso)
    run(q, "nullderef")
    assert re.search(r"pid \d+ \(nullderef\): SIGSEGV at 0000000000000008", q.serial)
    assert run(q, "echo $?") == "139"
    run(q, "badinsn")
    assert re.search(r"pid \d+ \(badinsn\): SIGILL at ", q.serial)
    assert run(q, "echo $?") == "132"
    assert run(q, "echo still here") == "still here"


def test_shell_with_smep_smap_umip(userspace, boot):
    q = shell(boot, userspace.iso, cpu="max")
    assert "syscall: SMEP on, SMAP on, UMIP on" in q.serial
    assert run(q, "echo hi | cat") == "hi"


def test_uaccess_ktests_with_smap(userspace, boot):
    # Not Build.iso_with_cmdline: that rebuild would drop USR_EXTRA from the archive.
    extra = "USR_EXTRA=%s" % _extra_dir()
    iso = userspace.odir / "tessera-uaccess.iso"
    for dest, args in ((iso, ["CMDLINE=ktest=uaccess"]), (userspace.iso, [])):
        kbuild.make(userspace.odir, "-j%s" % kbuild.JOBS, "all", "iso", "KCFLAGS=-Werror",
                    extra, *args)
        shutil.copyfile(userspace.odir / "tessera.iso", dest)
    q = boot(iso, extra_args=["-cpu", "max"])
    q.expect(r"# ktest: pass:(\d+) fail:(\d+)", timeout=TIMEOUT)
    assert int(q.child.match.group(2)) == 0
    assert int(q.child.match.group(1)) >= 6
    assert "SMAP on" in q.serial
