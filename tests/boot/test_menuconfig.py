"""
menuconfig through a pseudo-terminal, as a person uses it: from
qemu_defconfig go to General setup -> Compiler optimisation level, pick
-Os, save, quit; the saved .config and the rebuilt kernel follow the choice.
"""
import re
import time

import pexpect

from boot import build as kbuild

DOWN = "\x1bOB"   # xterm's cursor-down in keypad-transmit mode (curses sets it)
ENTER = "\r"
SPACE = " "


def settle(child, quiet=0.3, limit=5):
    """Reads until the screen has been quiet for a moment."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            child.read_nonblocking(65536, timeout=quiet)
        except pexpect.TIMEOUT:
            return
    raise AssertionError("menuconfig kept redrawing for %ss" % limit)


def key(child, k, expect=None):
    child.send(k)
    if expect:
        child.expect(expect)
    settle(child)


def test_menuconfig_choice_round_trip(tmp_path):
    odir = tmp_path / "o"
    kbuild.configure("menuconfig", defconfig="qemu_defconfig", odir=odir)
    config = odir / ".config"
    assert "CONFIG_CC_OPTIMIZE_FOR_PERFORMANCE=y" in config.read_text()

    env = kbuild.clean_env(dict(TERM="xterm", LANG="C.UTF-8", LC_ALL="C.UTF-8"))
    child = pexpect.spawn("make", ["-C", str(kbuild.REPO), "O=%s" % odir,
                                   "KCONFIG_CONFIG=%s" % config, "menuconfig"],
                          env=env, dimensions=(30, 100), encoding="utf-8",
                          codec_errors="replace", timeout=15)
    try:
        child.expect("Tessera Kernel Configuration")
        child.expect("General setup")
        settle(child)
        key(child, ENTER, "Compiler optimisation level")        # into General setup
        key(child, DOWN)                                        # BUILD_NAME -> CMDLINE
        key(child, DOWN)                                        # -> the choice
        key(child, ENTER, r"Optimise for size \(-Os\)")         # into the choice
        key(child, DOWN)                                        # -O2 -> -Os
        key(child, SPACE, r"\(Optimise for size \(-Os\)\)")     # picked; back in the menu
        key(child, "S", "Filename to save configuration to")
        key(child, ENTER, "Configuration saved to")
        key(child, ENTER)                                       # close the message
        child.send("Q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, "make menuconfig exited %s" % child.exitstatus

    text = config.read_text()
    assert "CONFIG_CC_OPTIMIZE_FOR_SIZE=y" in text
    assert "# CONFIG_CC_OPTIMIZE_FOR_PERFORMANCE is not set" in text

    # The rebuilt kernel follows: generated header and compiler flags.
    kbuild.make(odir, "-j%s" % kbuild.JOBS, "all")
    autoconf = (odir / "include/generated/autoconf.h").read_text()
    assert "#define CONFIG_CC_OPTIMIZE_FOR_SIZE 1" in autoconf
    cmd = (odir / "kernel/.printk.o.cmd").read_text()
    flags = re.findall(r"(?<=\s)-O[0-9sz]\b", cmd)
    print("kernel/printk.o compiled with %s" % flags)
    assert flags and flags[-1] == "-Os", cmd
