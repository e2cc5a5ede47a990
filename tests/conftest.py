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


# Named configurations the tests share; each defconfig is also one.
CONFIGS = {
    "allno": dict(target="allnoconfig"),
    "allyes": dict(target="allyesconfig"),
    "novga": dict(defconfig="qemu_defconfig", fragment=["# CONFIG_VGA_CONSOLE is not set"]),
}
CONFIGS.update({d[:-len("_defconfig")]: dict(defconfig=d) for d in kbuild.DEFCONFIGS})


class Kernels:
    """Builds on first use and remembers the result (or the failure).

    configs maps a name to kbuild.build() arguments; a name it does not know
    goes to fallback (the session's shared kernels), so a test module can add
    its own configurations and still reach the defconfigs.
    """

    def __init__(self, configs=None, fallback=None):
        self.configs = CONFIGS if configs is None else configs
        self.fallback = fallback
        self.done = {}
        self.isos = {}

    def __call__(self, name):
        if name not in self.configs and self.fallback is not None:
            return self.fallback(name)
        if name not in self.done:
            try:
                self.done[name] = kbuild.build(name, **self.configs[name])
            except kbuild.BuildError as e:
                self.done[name] = e
        result = self.done[name]
        if isinstance(result, Exception):
            pytest.fail("building %s failed:\n%s" % (name, result), pytrace=False)
        return result

    def iso(self, name, cmdline):
        """An ISO of configuration name booting with cmdline (built once)."""
        key = (name, cmdline)
        if key not in self.isos:
            tag = re.sub(r"[^A-Za-z0-9]+", "-", cmdline).strip("-") or "default"
            self.isos[key] = self(name).iso_with_cmdline(cmdline, tag)
        return self.isos[key]


def fragment_configs(table, defconfig=None):
    """{name: (defconfig, fragment)} or {name: fragment} as build arguments."""
    if defconfig is not None:
        return {name: dict(defconfig=defconfig, fragment=frag) for name, frag in table.items()}
    return {name: dict(defconfig=d, fragment=frag) for name, (d, frag) in table.items()}


@pytest.fixture(scope="session")
def kernels():
    return Kernels()


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
