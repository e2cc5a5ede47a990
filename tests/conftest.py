"""
Session fixtures for every test tier: each kernel configuration is built
once per session into build/test/<name> (reused across sessions, so
rebuilds are incremental) and guests are started through one factory.
"""
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from boot import build as kbuild  # noqa: E402
from boot import qemu as kqemu  # noqa: E402
from boot.kernels import Kernels  # noqa: E402


# Named configurations the tests share; each defconfig is also one.
CONFIGS = {
    "allno": dict(target="allnoconfig"),
    "allyes": dict(target="allyesconfig"),
    "novga": dict(defconfig="qemu_defconfig", fragment=["# CONFIG_VGA_CONSOLE is not set"]),
    # The kernel's own "tessera> " echo prompt instead of init and the shell.
    "qemu-echo": dict(defconfig="qemu_defconfig", fragment=["# CONFIG_PROCESSES is not set"]),
    # qemu_defconfig without user space (no initramfs on the ISO).
    "qemu-nouser": dict(defconfig="qemu_defconfig", fragment=["# CONFIG_USER_SPACE is not set"]),
}
CONFIGS.update({d[:-len("_defconfig")]: dict(defconfig=d) for d in kbuild.DEFCONFIGS})


@pytest.fixture(scope="session")
def kernels():
    return Kernels(CONFIGS)


@pytest.fixture
def boot(request):
    """boot(iso) starts a guest; it is killed when the test ends.

    The serial log is kept in build/test/logs/<test>.log for post-mortems.
    """
    guests = []
    logdir = kbuild.BUILD_ROOT / "logs"
    logdir.mkdir(parents=True, exist_ok=True)

    def start(iso, **kw):
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        if guests:
            name += "-%d" % len(guests)
        q = kqemu.Qemu(iso, log_path=logdir / (name + ".log"), **kw)
        guests.append(q)
        return q.start()

    yield start
    for q in guests:
        q.kill()
