"""
The serial shell as the boot tests drive it: boot a user-space kernel to
init's "# " prompt, type lines and read back their output; and the extra
programs (USR_EXTRA) the tests compile with musl-gcc.
"""
import shutil
import subprocess

import pytest

from boot import build as kbuild

PROMPT = "# "
TIMEOUT = 30
BOOTED = r"init: boot complete; starting /sbin/init as pid 1"


def shell(boot, iso, extra_args=(), timeout=TIMEOUT):
    """Boots iso and waits for init to start and the shell to prompt."""
    q = boot(iso, extra_args=list(extra_args))
    q.expect(BOOTED, timeout=timeout)
    q.child.expect_exact(PROMPT, timeout=timeout)
    return q


def run(q, line, timeout=TIMEOUT):
    """Types line on the serial port; returns what it printed before the next prompt."""
    q.child.send(line + "\r")
    q.child.expect_exact(line, timeout=timeout)       # the echo
    q.child.expect_exact(PROMPT, timeout=timeout)
    return q.child.before.replace("\r", "").strip()


def programs(tag, sources, cflags="-Os"):
    """Compiles {name: C text} into build/test/<tag>-extra/, the USR_EXTRA dir.

    Skips the test when musl-gcc is missing: the programs must be static
    musl binaries so that the same file runs on Linux and on Tessera.
    """
    if not shutil.which("musl-gcc"):
        pytest.skip("musl-gcc not installed (Debian musl-tools)")
    d = kbuild.BUILD_ROOT / ("%s-extra" % tag)
    d.mkdir(parents=True, exist_ok=True)
    for name, text in sources.items():
        src = kbuild.BUILD_ROOT / ("%s-%s.c" % (tag, name))
        src.write_text(text)
        subprocess.run(["musl-gcc", "-static", cflags, "-o", str(d / name), str(src)],
                       check=True)
    return d
