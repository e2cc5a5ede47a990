"""
Builds user space for the host tests: usr/ (init, sh, tools, initramfs) and
tests/user (usertest) with musl-gcc, into build/test/user/ (kept between
runs, so rebuilds are incremental). Shared by tests/test_user_host.py and
tests/user/test_sh.py.
"""
import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("TESSERA_TEST_BUILD", REPO / "build" / "test")) / "user"
USR_OUT = BUILD / "usr"
USERTEST_OUT = BUILD / "usertest"
MAKE_TIMEOUT = 600

# A make that runs us (make check) must not pass its flags on.
_DROP = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "O", "V", "USR_EXTRA")


def have_musl():
    return shutil.which("musl-gcc") is not None


def make(*args, timeout=MAKE_TIMEOUT):
    """make ARGS...; returns (status, output)."""
    env = {k: v for k, v in os.environ.items() if k not in _DROP}
    proc = subprocess.run(["make", "-j%s" % os.environ.get("TESSERA_TEST_JOBS", "2")]
                          + list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          env=env, timeout=timeout, text=True, errors="replace")
    return proc.returncode, proc.stdout


def build_usr(*extra):
    """Builds usr/ into build/test/user/usr; returns its bin/ folder."""
    status, out = make("-C", str(REPO / "usr"), "OUT=%s" % USR_OUT, "USR_TESTS=", *extra)
    if status != 0:
        raise AssertionError("building usr/ failed:\n" + out[-4000:])
    return USR_OUT / "bin"


def parse_newc(data):
    """[(name, mode, payload)] of a newc cpio archive, up to the trailer."""
    entries, pos = [], 0
    while True:
        assert data[pos:pos + 6] == b"070701", "bad magic at %d" % pos
        fields = [int(data[pos + 6 + 8 * i:pos + 14 + 8 * i], 16) for i in range(13)]
        mode, filesize, namesize = fields[1], fields[6], fields[11]
        name_start = pos + 110
        name = data[name_start:name_start + namesize - 1].decode()
        data_start = (name_start + namesize + 3) & ~3
        payload = data[data_start:data_start + filesize]
        pos = (data_start + filesize + 3) & ~3
        if name == "TRAILER!!!":
            return entries
        entries.append((name, mode, payload))
